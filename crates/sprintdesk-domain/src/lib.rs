//! The sprint's domain: what an attendee, a project, a goal, an issue and a claim are, and the rules that
//! decide who is present, which claims are active or contested, and who may claim what.
//!
//! Everything here is pure. This crate does no I/O, reads no clock and draws no random numbers: time comes
//! in as a [`Timestamp`] argument and ids are made by the caller. (The [`Clock`] trait is declared here so
//! every layer shares one; only front ends construct a [`SystemClock`] and pass it in.) That is what lets the rules be tested as
//! tables of cases and lets every device compute the same answer from the same replicated data.

mod attendee;
mod badge;
mod claims;
mod clock;
mod device;
mod events;
mod ids;
mod presence;
mod project;
mod pulls;
mod retro;
pub mod search;
mod sprint;
mod standup;
mod time;

pub use attendee::{Attendee, NAME_MAX, Role, SameBecause, ValidationError, clean_name, holds_an_email};
pub use badge::{BadgePrint, new_badge_code};
pub use claims::{
    ClaimHolder, ClaimRefusal, ClaimRequest, ClaimState, IssueClaims, ReleaseReason, check_claim, issue_claims,
    next_open_day, standing,
};
pub use clock::{Clock, FixedClock, SKEW_WARNING_MS, SystemClock, span_words};
pub use device::{Device, DeviceRole, Grant};
pub use events::{ClaimAction, ClaimEvent, PresenceEvent, PresenceKind};
pub use ids::{
    AttendeeId, DeviceId, EventId, GoalId, IssueId, ProjectId, PullRequestId, RetroAnswerId, StandupId, StatusId,
};
pub use presence::{
    DayAtVenue, Presence, PresenceTally, day_at_venue, open_today, presence, signed_out_after, whereabouts,
    without_retracted,
};
pub use project::{
    GOAL_TITLE_MAX, Goal, GoalStatus, HELP_NOTE_MAX, Issue, IssueState, LabelPart, Project, STATUS_FIELD_MAX,
    StatusUpdate, TABLE_LABEL_MAX, check_table_and_repo, is_beginner_label, repo_address, table_order_key,
};
pub use pulls::{PrState, PullRequest};
pub use retro::{
    MAX_RETRO_QUESTIONS, MAX_RETRO_TEXT, RetroAnswer, RetroKind, RetroQuestion, RetroReply, check_replies,
    default_retro_questions, validate_questions,
};
pub use sprint::{CodeOfConduct, Sprint, SprintDay, Venue};
pub use standup::{DEFAULT_TURN_SECONDS, MAX_TURN_SECONDS, ShownStatus, Standup, StandupError, StandupTurn};
pub use time::Timestamp;
