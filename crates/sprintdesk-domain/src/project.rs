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

/// The longest table label: what is written on the table, and what fits on the board's card.
pub const TABLE_LABEL_MAX: usize = 24;
/// The longest "what help is wanted" the board shows.
pub const HELP_NOTE_MAX: usize = 120;
/// The longest goal title: a line on a table's card on the board.
pub const GOAL_TITLE_MAX: usize = 200;
/// The longest of a status's done, next and blockers: each is read out at the stand-up, on the projector,
/// with the other two on the same screen.
pub const STATUS_FIELD_MAX: usize = 280;

/// A repository's address as an organizer typed or pasted it: trimmed, without a trailing slash, and with
/// `https://` put in front of one typed without it ("github.com/pandas-dev/pandas", as a browser's address
/// bar shows it, was refused). `None` for nothing typed.
pub fn repo_address(typed: &str) -> Option<String> {
    let url = typed.trim().trim_end_matches('/');
    if url.is_empty() {
        return None;
    }
    // A clone address over SSH ("git@github.com:pypy/pypy.git") is the repository at that host's web address.
    if let Some((host, path)) = url.strip_prefix("git@").and_then(|rest| rest.split_once(':')) {
        return Some(format!("https://{host}/{}", path.trim_end_matches(".git")));
    }
    let bare_host = !url.contains("://")
        && url.split_once('/').is_some_and(|(host, _)| host.contains('.') && !host.contains(['@', ':']));
    let url = if bare_host { format!("https://{url}") } else { url.to_owned() };
    // A clone address over HTTPS ("….git"), and GitHub's or GitLab's pages under "www.", which the forge
    // sends on to the address its issues and pull requests are under.
    let url = match url.strip_suffix(".git") {
        Some(repository) => repository.to_owned(),
        None => url,
    };
    for forge in ["github.com/", "gitlab.com/"] {
        if let Some(rest) = url.strip_prefix("https://www.").filter(|rest| rest.starts_with(forge)) {
            return Some(format!("https://{rest}"));
        }
    }
    Some(url)
}

/// Checks a project's table label and repository as an organizer typed them (trimmed, empty meaning none),
/// saying what is wrong in their words. A web address in the table's field is the repository put in the
/// wrong box: refused, or it would stay on the projector as the table's name.
pub fn check_table_and_repo(table_label: Option<&str>, repo_url: Option<&str>) -> Result<(), crate::ValidationError> {
    use crate::ValidationError;
    if let Some(label) = table_label {
        let looks_like_address = label.contains("://")
            || label.to_ascii_lowercase().starts_with("www.")
            || label.split_once('/').is_some_and(|(host, _)| host.contains('.') && !host.contains(' '))
            || label.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
        if looks_like_address {
            return Err(ValidationError::new(
                "table_label",
                "that looks like a web or e-mail address: the table label is what is written on the table, \
                 like T4 or \"by the window\" (the repository has its own field)",
            ));
        }
        let length = label.chars().count();
        if length > TABLE_LABEL_MAX {
            return Err(ValidationError::new(
                "table_label",
                format!(
                    "the table label is {length} characters long; keep it to {TABLE_LABEL_MAX} (it is written \
                     on the table and on the board), like T4 or \"by the window\""
                ),
            ));
        }
    }
    if let Some(url) = repo_url {
        let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        let host = host.map(|rest| rest.split('/').next().unwrap_or(""));
        if !host.is_some_and(|h| h.contains('.') || h.starts_with("localhost")) || url.contains(char::is_whitespace) {
            return Err(ValidationError::new(
                "repo_url",
                "the repository must be a web address starting with https://, like \
                 https://github.com/python/cpython",
            ));
        }
    }
    Ok(())
}

/// A key that orders tables as people read their labels: "T2" before "T10", case and accents aside, tables
/// without a label last (the UI's `compareLabels` agrees).
pub fn table_order_key(label: Option<&str>) -> (bool, Vec<LabelPart>) {
    let Some(label) = label else { return (true, Vec::new()) };
    let folded = crate::search::fold(label);
    let mut parts = Vec::new();
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        let digit = c.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        parts.push(if digit {
            let digits = run.trim_start_matches('0');
            LabelPart::Number(digits.len(), digits.to_owned())
        } else {
            LabelPart::Text(run.to_owned())
        });
        rest = after;
    }
    (false, parts)
}

impl Project {
    /// The one order of tables wherever they are listed in turn (the board, the Projects page, the
    /// stand-up): by label as [`table_order_key`] reads it, then by name.
    pub fn order_key(&self) -> ((bool, Vec<LabelPart>), String) {
        (table_order_key(self.table_label.as_deref()), crate::search::fold(&self.name))
    }
}

/// A run of a table label: digits compare as the number they write (by length, then digits), before text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LabelPart {
    Number(usize, String),
    Text(String),
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
    fn tables_are_ordered_as_people_read_them() {
        let mut labels = vec![
            Some("T10"),
            None,
            Some("T2"),
            Some("t1"),
            Some("T1b"),
            Some("by the window"),
            Some("T02"),
            Some("Room 3"),
            Some("Ålcove"),
        ];
        labels.sort_by_cached_key(|l| super::table_order_key(*l));
        assert_eq!(
            labels,
            [
                Some("Ålcove"),
                Some("by the window"),
                Some("Room 3"),
                Some("t1"),
                Some("T1b"),
                Some("T2"),
                Some("T02"),
                Some("T10"),
                None
            ]
        );
    }

    #[test]
    fn table_and_repository_cases() {
        // (table label, repository, the field refused, if any)
        let cases: &[(Option<&str>, Option<&str>, Option<&str>)] = &[
            (Some("T4"), Some("https://github.com/python/cpython"), None),
            (Some("by the window"), None, None),
            (Some("Table 12 / Room B"), None, None),
            (Some("Room 2.1/left"), None, None),
            (Some("https://github.com/python/cpython"), None, Some("table_label")),
            (Some("github.com/python/cpython"), None, Some("table_label")),
            (Some("www.djangoproject.com"), None, Some("table_label")),
            (Some("WWW.example.org"), None, Some("table_label")),
            (Some("ana@example.org"), None, Some("table_label")),
            (Some("@ana's table"), None, None),
            (Some("the long table at the back by the window"), None, Some("table_label")),
            (Some("ÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅ"), None, None),
            (None, Some("http://localhost:3000/repo"), None),
            (None, Some("github.com/python/cpython"), Some("repo_url")),
            (None, Some("https://"), Some("repo_url")),
            (None, Some("https://github.com/python/c python"), Some("repo_url")),
            (None, Some("T4"), Some("repo_url")),
        ];
        for (table, repo, refused) in cases {
            let got = super::check_table_and_repo(*table, *repo).err().map(|e| e.field);
            assert_eq!(got, *refused, "{table:?} / {repo:?}");
        }
    }

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
    fn a_repository_typed_without_https_is_read_as_its_address() {
        for (typed, read) in [
            ("github.com/pandas-dev/pandas", Some("https://github.com/pandas-dev/pandas")),
            (" https://github.com/python/cpython/ ", Some("https://github.com/python/cpython")),
            ("gitlab.example.org/group/project", Some("https://gitlab.example.org/group/project")),
            ("http://localhost:3000/me/repo", Some("http://localhost:3000/me/repo")),
            ("git@github.com:pypy/pypy.git", Some("https://github.com/pypy/pypy")),
            ("https://github.com/pypy/pypy.git", Some("https://github.com/pypy/pypy")),
            ("https://www.github.com/python/cpython", Some("https://github.com/python/cpython")),
            ("www.gitlab.com/pypy/pypy/", Some("https://gitlab.com/pypy/pypy")),
            ("https://www.example.org/repo", Some("https://www.example.org/repo")),
            ("github.com:foo/bar", Some("github.com:foo/bar")), // refused by the check, in words
            ("cpython", Some("cpython")),                       // refused by the check, in words
            ("  ", None),
        ] {
            assert_eq!(repo_address(typed).as_deref(), read, "{typed:?}");
        }
        assert!(check_table_and_repo(None, repo_address("github.com/pandas-dev/pandas").as_deref()).is_ok());
    }

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
