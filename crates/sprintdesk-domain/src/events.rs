//! Insert-only events: what a person did, at a device, at a time. Nothing here is ever updated or
//! overwritten; state (who is present, who holds a claim) is computed from the events.

use crate::{AttendeeId, DeviceId, EventId, IssueId, ProjectId, Timestamp};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceEvent {
    pub id: EventId,
    pub kind: PresenceKind,
    pub attendee: AttendeeId,
    /// The venue-local sprint day this sign-in or sign-out belongs to.
    pub day: NaiveDate,
    /// The project/table chosen at sign-in.
    pub project: Option<ProjectId>,
    pub device: DeviceId,
    pub at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceKind {
    SignIn,
    SignOut,
    /// Takes back the event whose id this one's id names (see [`PresenceEvent::retraction_id`]): the undo
    /// at the kiosk. Presence is computed as if the retracted event had never happened.
    Retract,
}

/// The end of a retraction's id: the id of the event it takes back, then this.
const RETRACTION_SUFFIX: &str = "~undo";

impl PresenceEvent {
    /// The id of the event that retracts `target`: derived from it, so retracting twice is one event.
    pub fn retraction_id(target: &EventId) -> EventId {
        EventId(format!("{target}{RETRACTION_SUFFIX}"))
    }

    /// The event this one retracts, if it is a retraction.
    pub fn retracts(&self) -> Option<EventId> {
        if self.kind != PresenceKind::Retract {
            return None;
        }
        self.id.as_str().strip_suffix(RETRACTION_SUFFIX).map(EventId::from)
    }
}

impl ClaimEvent {
    /// The id of the event that retracts `target`: derived from it, so retracting twice is one event.
    pub fn retraction_id(target: &EventId) -> EventId {
        EventId(format!("{target}{RETRACTION_SUFFIX}"))
    }

    /// The id of the event this one retracts, if it is a retraction.
    pub fn retracts(&self) -> Option<&str> {
        if self.action != ClaimAction::Retract {
            return None;
        }
        self.id.as_str().strip_suffix(RETRACTION_SUFFIX)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimEvent {
    pub id: EventId,
    pub issue: IssueId,
    pub action: ClaimAction,
    pub device: DeviceId,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimAction {
    /// `attendee` takes the issue, with `mentor` for a first-time contributor.
    Claim { attendee: AttendeeId, mentor: Option<AttendeeId> },
    /// `attendee` lets the issue go.
    Release { attendee: AttendeeId },
    /// A lead settles a contested issue: the claims of `keep` stay (two or more kept = a pair), the others
    /// made before this event are released.
    Resolve { keep: Vec<AttendeeId> },
    /// A pull request was opened for the issue (by `attendee`, if known).
    PrOpened { attendee: Option<AttendeeId> },
    /// The pull request was merged.
    Merged,
    /// A lead keeps `attendee`'s claim over the night: not released at that day's closing or sign-out, but at
    /// the next sprint day's.
    KeepOvernight { attendee: AttendeeId },
    /// Takes back the claim event whose id this one's id names (see [`ClaimEvent::retraction_id`]): the
    /// undo on a lead's screen. The issue's claims are computed as if that event had never happened.
    Retract,
}

impl ClaimAction {
    pub fn kind(&self) -> &'static str {
        match self {
            ClaimAction::Claim { .. } => "claim",
            ClaimAction::Release { .. } => "release",
            ClaimAction::Resolve { .. } => "resolve",
            ClaimAction::PrOpened { .. } => "pr_opened",
            ClaimAction::Merged => "merged",
            ClaimAction::KeepOvernight { .. } => "keep_overnight",
            ClaimAction::Retract => "retract",
        }
    }
}
