//! The use cases of a sprint — set it up, import people and issues, sign in and out, claim issues, keep
//! goals and daily status, show presence and the board — written once and used by every front end: the
//! `sprintdesk` CLI and HTTP server, and the desktop shell.
//!
//! The core decides nothing itself that the domain rules decide, and writes nothing except through the
//! store's one mutation path. It reads no clock and draws no ids of its own: a [`Clock`] and an [`Ids`]
//! source are passed in, so tests can run a whole sprint day in milliseconds. Errors leave as one
//! [`ApiError`] `{code, message}`, worded for the person at the screen.

mod demo;
mod desk;
mod devices;
mod error;
mod ids;
pub mod import;
mod kiosk;
mod setup;
mod view;

pub use demo::international_name;
pub use desk::{Desk, Lookup, NewAttendee, NewProject, SignIn};
pub use devices::{DeviceView, ReviewItem, deletable_kind};
pub use error::{ApiError, Error, RowError};
pub use ids::{Ids, RandomIds, SequentialIds};
pub use kiosk::{UNDO_SECONDS, WalkIn};
pub use setup::{AttendeeEdit, Mode, ModeChange, NewSprint, Reach, Setup};
pub use sprintdesk_sync::{Clock, FixedClock, SystemClock};
pub use view::*;

pub use sprintdesk_domain as domain;
pub use sprintdesk_store as store;
pub use sprintdesk_sync as sync;
