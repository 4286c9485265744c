//! Sprintdesk's cross-crate tests, as one test binary: the `sprintdesk` command line driven the way an
//! organizer drives it (fixtures in `fixtures/`), and whole sprint days played through the core.

mod change_log;
mod cli;
mod http;
mod lan;
mod privacy;
mod report;
mod sprint_day;
mod trust;
