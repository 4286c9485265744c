use crate::{AttendeeId, GoalId, IssueId, ProjectId, StatusId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A project sprinting at the venue, at one table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub repo_url: Option<String>,
    /// The label on the table, e.g. "T4" or "by the window".
    pub table_label: Option<String>,
    pub leads: Vec<AttendeeId>,
    pub help_wanted: bool,
    /// What help the table needs ("someone who knows Windows"), shown with the flag. Absent or null in
    /// projects written before it existed (their rows have the column empty): read as "".
    #[serde(default, deserialize_with = "null_as_empty")]
    pub help_note: String,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Goal {
    pub id: GoalId,
    pub project: ProjectId,
    pub title: String,
    pub beginner_friendly: bool,
    pub status: GoalStatus,
    pub notes: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    #[default]
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl GoalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Planned => "planned",
            GoalStatus::InProgress => "in_progress",
            GoalStatus::Done => "done",
            GoalStatus::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "planned" | "todo" => Some(Self::Planned),
            "in_progress" | "started" | "doing" => Some(Self::InProgress),
            "done" | "finished" => Some(Self::Done),
            "dropped" | "abandoned" => Some(Self::Dropped),
            _ => None,
        }
    }
}

/// The daily status meeting's answer for one project and day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StatusUpdate {
    pub id: StatusId,
    pub project: ProjectId,
    pub day: NaiveDate,
    pub done: String,
    pub next: String,
    pub blockers: String,
}

/// An issue from the project's tracker, imported beforehand so the list is there when the internet is not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Issue {
    pub id: IssueId,
    pub project: ProjectId,
    pub url: String,
    pub number: Option<u32>,
    pub title: String,
    pub labels: Vec<String>,
    pub beginner_friendly: bool,
    pub state: IssueState,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum IssueState {
    #[default]
    Open,
    PrOpen,
    Merged,
    Closed,
}

impl IssueState {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueState::Open => "open",
            IssueState::PrOpen => "pr_open",
            IssueState::Merged => "merged",
            IssueState::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "open" | "opened" => Some(Self::Open),
            "pr_open" => Some(Self::PrOpen),
            "merged" => Some(Self::Merged),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    /// Open to new claims.
    pub fn is_open(self) -> bool {
        matches!(self, IssueState::Open | IssueState::PrOpen)
    }
}

/// Labels that mark an issue as a good first one, as projects actually spell them.
pub fn is_beginner_label(label: &str) -> bool {
    let key: String = label.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    matches!(
        key.as_str(),
        "goodfirstissue"
            | "goodfirstbug"
            | "beginner"
            | "beginnerfriendly"
            | "easy"
            | "easyfix"
            | "starter"
            | "firsttimersonly"
            | "newcomer"
            | "newcomers"
            | "easypick"
            | "easypickings"
    ) || key.contains("goodfirst")
        || key.contains("beginner")
        || key.contains("newcomer")
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_project_written_before_help_notes_existed_still_reads() {
        for stored in [
            serde_json::json!({"id": "p1", "name": "Django", "repo_url": null, "table_label": "T1", "leads": [], "help_wanted": false}),
            serde_json::json!({"id": "p1", "name": "Django", "repo_url": null, "table_label": "T1", "leads": [], "help_wanted": false, "help_note": null}),
        ] {
            let project: Project = serde_json::from_value(stored.clone()).unwrap_or_else(|e| panic!("{stored}: {e}"));
            assert_eq!((project.name.as_str(), project.help_note.as_str()), ("Django", ""));
        }
    }

    use super::*;

    #[test]
    fn beginner_labels() {
        for (label, beginner) in [
            ("good first issue", true),
            ("Good First Issue", true),
            ("good-first-bug", true),
            ("easy", true),
            ("type-bug", false),
            ("help wanted", false),
            ("newcomer friendly", true),
            ("Easy pickings", true),
        ] {
            assert_eq!(is_beginner_label(label), beginner, "{label}");
        }
    }
}
