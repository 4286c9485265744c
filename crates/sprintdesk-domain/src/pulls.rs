//! Pull requests (GitLab: merge requests) of the projects' repositories, imported from the forges' exports
//! after or during the sprint: the report counts them, and a merged one moves the claim of the issue it
//! closes to merged.

use crate::{AttendeeId, IssueId, ProjectId, PullRequestId, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PullRequest {
    pub id: PullRequestId,
    pub project: ProjectId,
    pub url: String,
    pub number: Option<u32>,
    pub title: String,
    pub state: PrState,
    /// The attendee who opened it, matched by their handle.
    pub attendee: Option<AttendeeId>,
    /// The author's handle when it is no attendee's (someone who was not at the venue). An attendee's
    /// handle is not copied here: erasing them leaves nothing of it.
    pub author: Option<String>,
    /// The forge said it is the author's first contribution to the repository.
    pub first_contribution: bool,
    pub created_at: Timestamp,
    pub merged_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Imported issues it closes ("Fixes #123", "closes …/issues/123", CPython's "gh-123456:").
    pub closes: Vec<IssueId>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PrState {
    #[default]
    Open,
    Merged,
    Closed,
}

impl PrState {
    pub fn as_str(self) -> &'static str {
        match self {
            PrState::Open => "open",
            PrState::Merged => "merged",
            PrState::Closed => "closed",
        }
    }
}
