//! Any bytes into the sync message decoder: it must return a message or an error, never panic, and a
//! message it accepts must encode back to something it accepts again.
//!
//! `cargo +nightly fuzz run message_decoder` (from this folder).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sprintdesk_sync::message::{decode, encode};

fuzz_target!(|body: &[u8]| {
    if let Ok(message) = decode(body) {
        let again = decode(&encode(&message)).expect("an encoded message decodes");
        assert_eq!(again, message);
    }
});
