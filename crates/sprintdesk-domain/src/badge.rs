//! Badges printed at the venue for people without one (walk-ins, lost badges): each print is logged, so a
//! second print of one person's badge (which would let its holder sign that person in and out) needs the
//! organizer.

use crate::{AttendeeId, EventId, Timestamp};
use serde::{Deserialize, Serialize};

/// One badge printed (or saved as a PDF to print), by the device named at the end of its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BadgePrint {
    /// `fresh@device`: only that device may write it.
    pub id: EventId,
    pub attendee: AttendeeId,
    pub device: String,
    #[ts(type = "number")]
    pub at: Timestamp,
    /// The CUPS printer it went to; `None` when it was saved as a PDF.
    pub printer: Option<String>,
}

/// What goes in a badge's QR code for a person who has none yet: short, unambiguous when read aloud (no 0/O,
/// 1/I), from the fresh id given.
pub fn new_badge_code(fresh: &str) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    // FNV-1a over the fresh id, spread over eight characters.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in fresh.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let code: String = (0..8).map(|i| ALPHABET[((hash >> (i * 5)) & 31) as usize] as char).collect();
    format!("SD-{code}")
}

#[cfg(test)]
mod tests {
    use super::new_badge_code;

    #[test]
    fn new_codes_are_short_readable_and_differ() {
        let a = new_badge_code("x1@kiosk-1");
        let b = new_badge_code("x2@kiosk-1");
        assert_eq!(a.len(), 11);
        assert!(a.starts_with("SD-"));
        assert_ne!(a, b);
        assert!(!a[3..].contains(['0', 'O', '1', 'I']), "{a}");
        assert_eq!(a, new_badge_code("x1@kiosk-1"), "the same id gives the same code");
    }
}
