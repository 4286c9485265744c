//! Any text into the attendee import parser (plain CSV, pretix, Eventbrite): it must return people or row
//! errors, never panic.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run import_attendees -s none` (from this folder).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(rows) = sprintdesk_core::import::parse_attendees(text) {
        assert!(!rows.is_empty(), "a refused file names at least one bad row");
    }
});
