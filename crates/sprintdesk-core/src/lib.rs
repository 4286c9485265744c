//! The use cases of a sprint — set it up, import people and issues, sign in and out, claim issues, keep
//! goals and daily status, show presence and the board — written once and used by every front end through
//! `sprintdesk-api`: the `sprintdesk` CLI and HTTP server, and the desktop shell.
//!
//! Each area has its module, an `impl` block of [`Desk`] with the input types its use cases take (the same
//! types cross the IPC/HTTP boundary: there are no twins): `sprint`, `attendees`, `presence`, `kiosk`,
//! `door` (the proof the door asks before it signs someone out or moves them), `projects` (and goals, daily
//! status), `claims` (and issues), `board`, `records` (delete, restore, review, digest), `devices`, `setup`
//! (this device's screen and PIN). `desk` holds the desk itself and builds every event; `snapshot` is the
//! sprint in memory and the questions asked of it.
//!
//! The core decides nothing itself that the domain rules decide, and writes nothing except through the
//! store's one mutation path. It reads no clock and draws no ids of its own: a [`Clock`] and an [`Ids`]
//! source are passed in, so tests can run a whole sprint day in milliseconds. It knows nothing of the
//! network: sync, pairing and joining are the api crate's. Errors leave as one [`ApiError`]
//! `{code, message}`, worded for the person at the screen.

mod attendees;
pub mod badge_pdf;
mod badge_script;
mod badges;
mod board;
mod claims;
mod demo;
mod desk;
mod devices;
mod door;
mod error;
mod exports;
mod ids;
pub mod import;
mod imports;
mod kiosk;
mod lost;
mod presence;
mod privacy;
mod projects;
pub mod pulls;
mod records;
mod report;
mod report_render;
mod retro;
mod setup;
mod snapshot;
mod sprint;
mod standup;
mod undo;
mod view;

pub use attendees::{AttendeeEdit, ImportFile, Merge, NewAttendee, PersonQuery, Separate};
pub use badges::{Badge, BadgeFile, BadgePrintLine, BadgeRequest, DoorBadge};
pub use claims::{Claim, IssueRef, IssuesQuery, PrOpened, Release, Resolve};
pub use demo::{international_name, play as demo};
pub use desk::Desk;
pub use devices::{DeviceRef, DeviceView, LockoutView, TypedAddresses};
pub use door::{DoorProof, DoorSignOut};
pub use error::{ApiError, Error, ErrorCode, RowError};
pub use exports::{ExportKind, ExportRequest};
pub use ids::{Ids, RandomIds, SequentialIds};
pub use imports::{ImportMade, ImportUndone, UndoImport};
pub use kiosk::{BadgeScan, Search, UndoToken, WalkIn};
pub use lost::{LostEditView, SettleLostEdit};
pub use presence::SignIn;
pub use privacy::{ClaimLine, Erase, Erased, HistoryLine, PersonExport, PresenceLine, Retention};
pub use projects::{
    DailyStatus, GOAL_TITLE_MAX, GoalEdit, GoalProgress, HELP_NOTE_MAX, HelpWanted, NewGoal, NewProject, ProjectEdit,
    STATUS_FIELD_MAX, StatusText,
};
pub use records::{RecordRef, ReviewItem, deletable_kind};
pub use report::{
    FirstContribution, GoalLine, MentorPair, MergeRate, PrLine, ProjectReport, ReportDay, ReportFormat, ReportRequest,
    RetroResult, RoleCount, SprintReport, StandupDay, StatusLine, Totals,
};
pub use retro::{RetroPrompt, RetroSubmission, RetroThanks};
pub use setup::{BOARD_PAGE_SECONDS, BoardPace, DEFAULT_BOARD_PAGE_SECONDS, Mode, ModeChange, Reach, Setup};
pub use sprint::{NewSprint, SprintSettings};
pub use sprintdesk_domain::{Clock, FixedClock, SystemClock};
pub use standup::{StandupAction, StandupStep};
pub use undo::UNDO_SECONDS;
pub use view::*;

pub use sprintdesk_domain as domain;
pub use sprintdesk_store as store;
