//! Any text into the issue import parser (GitHub and GitLab exports): it must return issues or row errors,
//! never panic.
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run import_issues -s none` (from this folder).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(rows) = sprintdesk_core::import::parse_issues(text) {
        assert!(!rows.is_empty(), "a refused file names at least one bad row");
    }
});
