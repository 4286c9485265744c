//! Time, passed in: the one source of wall time for a device, so tests can run a sprint day in
//! milliseconds and the hybrid logical clock has one source.
//!
//! The trait lives with the domain so that every layer (store, sync, core) shares it without depending on
//! each other. No rule calls a clock: front ends make a [`SystemClock`] (or a [`FixedClock`]) and pass it
//! in; the rules get the time as a [`Timestamp`] argument.

use crate::Timestamp;
use std::sync::Mutex;

/// A clock further off than this from a peer's is shown as a problem.
pub const SKEW_WARNING_MS: i64 = 2 * 60 * 1000;

/// A duration in words: seconds, minutes or hours.
pub fn span_words(ms: i64) -> String {
    let ms = ms.unsigned_abs();
    // Rounded, not cut: a clock measured 599.8 s off is "10 min" off (it was "9 min" here and "10 min" on the
    // device it was measured against).
    let minutes = (ms + 30_000) / 60_000;
    match ms {
        ..60_000 => format!("{} s", ms / 1000),
        _ if minutes < 120 => format!("{minutes} min"),
        _ => format!("{} h", (ms + 1_800_000) / 3_600_000),
    }
}

#[cfg(test)]
mod span_tests {
    use super::span_words;

    #[test]
    fn spans_are_said_in_seconds_cut_and_minutes_or_hours_rounded() {
        for (ms, said) in [
            (0, "0 s"),
            (59_999, "59 s"),
            (-60_000, "1 min"),
            (89_999, "1 min"),
            (90_000, "2 min"),
            (599_800, "10 min"),
            (-600_400, "10 min"),
            (7_169_999, "119 min"),
            (7_170_000, "2 h"),
            (8_970_000, "2 h"),
            (9_000_000, "3 h"),
        ] {
            assert_eq!(span_words(ms), said, "{ms} ms");
        }
    }
}

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The machine's wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_utc(chrono::Utc::now())
    }
}

/// A clock that shows what it is told: for tests, and for replaying a sprint day.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }

    pub fn advance_minutes(&self, minutes: i64) {
        let mut now = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now = now.plus_minutes(minutes);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
