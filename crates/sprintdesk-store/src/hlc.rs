use serde::{Deserialize, Serialize};
use sprintdesk_domain::Timestamp;
use std::fmt;

/// A hybrid logical clock stamp: milliseconds of physical time in the high 48 bits, a counter in the low
/// 16. It never goes backwards on a device, even when the wall clock does, and it moves past every stamp
/// the device has seen from others, so "later" means the same thing on every device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hlc(pub u64);

const COUNTER_BITS: u32 = 16;

impl Hlc {
    pub fn from_parts(millis: u64, counter: u16) -> Self {
        Self((millis << COUNTER_BITS) | u64::from(counter))
    }

    pub fn millis(self) -> u64 {
        self.0 >> COUNTER_BITS
    }

    /// The stamp for a local event at wall time `now`, given the last stamp this device issued or saw.
    pub fn next(last: Hlc, now: Timestamp) -> Hlc {
        let physical = Hlc::from_parts(u64::try_from(now.0).unwrap_or(0), 0);
        if physical > last { physical } else { Hlc(last.0 + 1) }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.millis(), self.0 & 0xffff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_only_move_forward() {
        let cases = [
            // (last, now, expected)
            (Hlc::from_parts(1_000, 0), 2_000, Hlc::from_parts(2_000, 0)),
            (Hlc::from_parts(2_000, 0), 2_000, Hlc::from_parts(2_000, 1)),
            (Hlc::from_parts(5_000, 3), 2_000, Hlc::from_parts(5_000, 4)),
            (Hlc::default(), -5, Hlc(1)),
        ];
        for (last, now, expected) in cases {
            assert_eq!(Hlc::next(last, Timestamp(now)), expected, "{last} at {now}");
        }
    }
}
