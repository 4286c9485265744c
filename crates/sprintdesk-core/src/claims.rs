//! Use cases of issues and claims: import the issue list, list issues with their claims, claim (with the
//! first-timer rules), release, settle a contested issue, mark a pull request opened or merged. Every one
//! records an insert-only claim event; what state an issue is in is decided by the domain from the events.

use crate::attendees::ImportFile;
use crate::import;
use crate::pulls::normalize_repo;
use crate::snapshot::Snapshot;
use crate::undo::{UNDO_SECONDS, Undoable};
use crate::view::{ClaimDone, ImportReport, IssueBoard};
use crate::{Desk, Error, RowError};
use serde::Deserialize;
use sprintdesk_domain::{
    ClaimAction, ClaimRequest, ClaimState, Issue, IssueId, ValidationError, check_claim, next_open_day,
};
use sprintdesk_store::Op;
use std::collections::HashMap;

/// Which issues to list: one project's (an id, name or table label), or every project's.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct IssuesQuery {
    #[serde(default)]
    pub project: Option<String>,
}

/// One issue: an id, its URL, `#123`, `123` or `project#123`.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct IssueRef {
    pub issue: String,
}

/// Someone starts work on an issue.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub issue: String,
    /// The sprinter: an attendee id, `@handle` or full name.
    pub attendee: String,
    /// Their mentor (a first-time contributor needs one).
    #[serde(default)]
    pub mentor: Option<String>,
}

/// Someone lets go of an issue they hold.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub issue: String,
    pub attendee: String,
}

/// How a contested issue is settled.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub issue: String,
    /// Who keeps the issue; two or more make a pair.
    pub keep: Vec<String>,
}

/// A pull request was opened for an issue.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PrOpened {
    pub issue: String,
    /// Who opened it, if known.
    #[serde(default)]
    pub attendee: Option<String>,
}

impl Desk {
    pub fn import_issues(&mut self, file: ImportFile) -> Result<ImportReport, Error> {
        let (format, rows) = import::parse_issues(&file.text).map_err(Error::Import)?;
        let now = self.now();
        let snapshot = self.snapshot()?;
        let forced = file.project.as_deref().map(|p| snapshot.find_project(p)).transpose()?;
        let by_repo = crate::pulls::projects_by_repo(&snapshot);
        let by_url: HashMap<&str, &Issue> = snapshot.issues.iter().map(|i| (i.url.as_str(), i)).collect();
        let mut report = ImportReport { format: format.label().into(), ..ImportReport::default() };
        let mut ops = Vec::new();
        let mut unchanged = Vec::new();
        let mut errors = Vec::new();
        for row in rows {
            // A project the file names beats the one chosen, as the project that has the file's repository does.
            let project = match &row.project {
                Some(name) => snapshot.find_project(name).map_err(|e| e.to_string()),
                None => {
                    let candidates = by_repo.get(&normalize_repo(&row.repository())).map_or(&[][..], Vec::as_slice);
                    crate::pulls::project_for(forced, candidates, &row.repository(), "issues")
                }
            };
            let project = match project {
                Ok(project) => project,
                Err(message) => {
                    errors.push(RowError { place: row.place.clone(), message });
                    continue;
                }
            };
            let old = by_url.get(row.url.as_str()).copied();
            let issue = Issue {
                id: old.map_or_else(|| IssueId::in_project(&self.make_id("i"), &project.id), |o| o.id.clone()),
                project: project.id.clone(),
                url: row.url,
                number: row.number,
                title: row.title,
                labels: row.labels,
                beginner_friendly: row.beginner_friendly,
                state: row.state,
            };
            if let Some(old) = old.filter(|o| {
                o.state != sprintdesk_domain::IssueState::Closed && issue.state == sprintdesk_domain::IssueState::Closed
            }) {
                report.claims_released += snapshot.claims(old, now).open().count();
            }
            let changes = Op::put(&issue, old);
            report.count(old.is_some(), !changes.is_empty());
            if changes.is_empty() {
                unchanged.push(issue.id.to_string());
            }
            ops.extend(changes);
        }
        if !errors.is_empty() {
            return Err(Error::Import(errors));
        }
        self.write_import("issues", file.file_name.as_deref(), ops, unchanged, &mut report)?;
        Ok(report)
    }

    pub fn issues(&mut self, query: IssuesQuery) -> Result<Vec<IssueBoard>, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let project = query.project.as_deref().map(|p| snapshot.find_project(p)).transpose()?;
        Ok(snapshot
            .issues
            .iter()
            .filter(|issue| project.is_none_or(|p| p.id == issue.project))
            .map(|issue| snapshot.issue_board(issue, now))
            .collect())
    }

    /// Records that `by` works on `issue` (with `mentor` for a first-time contributor), if the rules
    /// allow it.
    pub fn claim(&mut self, claim: Claim) -> Result<ClaimDone, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(&claim.issue)?;
        let person = snapshot.find_attendee(&claim.attendee)?;
        let mentor = claim.mentor.as_deref().map(|m| snapshot.find_attendee(m)).transpose()?;
        let presence = snapshot.presence(now);
        let claims = snapshot.claims(issue, now);
        let open_elsewhere = snapshot.held_elsewhere(&person.id, issue, now).count();
        check_claim(&ClaimRequest {
            attendee: person,
            issue,
            mentor,
            claims: &claims,
            open_elsewhere,
            attendee_present: presence.is_here(&person.id),
            mentor_present: mentor.is_some_and(|m| presence.is_here(&m.id)),
            holder_name: claims.open().next().map(|h| snapshot.name(&h.attendee)),
        })?;
        let action = ClaimAction::Claim { attendee: person.id.clone(), mentor: mentor.map(|m| m.id.clone()) };
        self.record_claim_event(&snapshot, issue, action)
    }

    pub fn release(&mut self, release: Release) -> Result<ClaimDone, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(&release.issue)?;
        let person = snapshot.find_attendee(&release.attendee)?;
        if snapshot.claims(issue, now).open_by(&person.id).is_none() {
            return Err(Error::NotFound(format!("{} does not hold {}", person.name, issue_label(issue))));
        }
        self.record_claim_event(&snapshot, issue, ClaimAction::Release { attendee: person.id.clone() })
    }

    /// Keeps a person's claim over the night: closing time (and their sign-out) today leaves it theirs until
    /// the next sprint day's closing. One per table per night, so claims still come free for others.
    pub fn keep_overnight(&mut self, keep: Release) -> Result<ClaimDone, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(&keep.issue)?;
        let person = snapshot.find_attendee(&keep.attendee)?;
        let label = issue_label(issue);
        let claims = snapshot.claims(issue, now);
        let Some(holder) = claims.open_by(&person.id) else {
            return Err(Error::NotFound(format!("{} does not hold {label}", person.name)));
        };
        if holder.state != ClaimState::Active {
            return Err(Error::NotFound(format!("{label} has a pull request open: closing time does not release it")));
        }
        let today = snapshot.sprint.local_date(now);
        let Some(next) = next_open_day(&snapshot.sprint, today) else {
            return Err(Error::VenueClosed(
                "today is the sprint's last day: there is no night to keep a claim over".into(),
            ));
        };
        if holder.kept_until == Some(next) {
            let done = format!("{}'s claim on {label} is kept overnight already", person.name);
            return Ok(ClaimDone { issue: snapshot.issue_board(issue, now), done, undo: None });
        }
        let kept_here =
            snapshot.issues.iter().filter(|other| other.project == issue.project && other.id != issue.id).find_map(
                |other| {
                    let claims = snapshot.claims(other, now);
                    let kept = claims.open().find(|h| h.kept_until == Some(next)).map(|h| snapshot.name(&h.attendee));
                    kept.map(|who| (issue_label(other), who))
                },
            );
        if let Some((other, who)) = kept_here {
            return Err(Error::NotAllowed(format!(
                "this table already keeps {other} ({who}) overnight: one claim per table, so the rest come free"
            )));
        }
        self.record_claim_event(&snapshot, issue, ClaimAction::KeepOvernight { attendee: person.id.clone() })
    }

    /// Settles a contested issue: the people in `keep` keep it (two or more make a pair), the others'
    /// claims are released.
    pub fn resolve(&mut self, resolve: Resolve) -> Result<ClaimDone, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(&resolve.issue)?;
        let claims = snapshot.claims(issue, now);
        if resolve.keep.is_empty() {
            return Err(ValidationError::new("keep", "name who keeps the issue (two names make a pair)").into());
        }
        if !claims.contested {
            let holders: Vec<String> = claims.open().map(|h| snapshot.name(&h.attendee)).collect();
            let who = match holders.as_slice() {
                [] => "no one holds it now".to_owned(),
                [one] => format!("{one} holds it"),
                many => format!("{} hold it", many.join(" and ")),
            };
            return Err(Error::NotAllowed(format!(
                "{} is not contested any more (settled on another device?): {who}",
                issue_label(issue)
            )));
        }
        let mut kept = Vec::new();
        for who in &resolve.keep {
            let person = snapshot.find_attendee(who)?;
            if claims.open_by(&person.id).is_none() {
                return Err(Error::NotFound(format!("{} does not hold {}", person.name, issue_label(issue))));
            }
            kept.push(person.id.clone());
        }
        self.record_claim_event(&snapshot, issue, ClaimAction::Resolve { keep: kept })
    }

    pub fn mark_pr_opened(&mut self, pr: PrOpened) -> Result<ClaimDone, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(&pr.issue)?;
        let claims = snapshot.claims(issue, now);
        if !claims.state.is_open() {
            return Err(Error::IssueClosed(format!(
                "{} is already {}",
                issue_label(issue),
                claims.state.as_str().replace('_', " ")
            )));
        }
        let by = pr.attendee.as_deref().map(|who| snapshot.find_attendee(who)).transpose()?;
        self.record_claim_event(&snapshot, issue, ClaimAction::PrOpened { attendee: by.map(|p| p.id.clone()) })
    }

    pub fn mark_merged(&mut self, merged: IssueRef) -> Result<ClaimDone, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(&merged.issue)?;
        if snapshot.claims(issue, now).state == sprintdesk_domain::IssueState::Merged {
            return Err(Error::AlreadyMerged(format!("{} is already merged", issue_label(issue))));
        }
        self.record_claim_event(&snapshot, issue, ClaimAction::Merged)
    }

    /// Records `action` on `issue`, remembering how to take it back for a few seconds.
    fn record_claim_event(
        &mut self,
        snapshot: &Snapshot,
        issue: &Issue,
        action: ClaimAction,
    ) -> Result<ClaimDone, Error> {
        let label = issue_label(issue);
        let done = match &action {
            ClaimAction::Claim { attendee, .. } => format!("{} claimed {label}", snapshot.name(attendee)),
            ClaimAction::Release { attendee } => format!("{} let go of {label}", snapshot.name(attendee)),
            ClaimAction::KeepOvernight { attendee } => {
                format!("{}'s claim on {label} is kept overnight", snapshot.name(attendee))
            }
            ClaimAction::Resolve { .. } => format!("the claim on {label} is settled"),
            ClaimAction::PrOpened { .. } => format!("{label} has a pull request open"),
            ClaimAction::Merged => format!("{label} is merged"),
            ClaimAction::Retract => format!("an action on {label} was taken back"),
        };
        // What undoing it will have done, for "Undone: …" (not "Undone: #1 is merged").
        let undone = match &action {
            ClaimAction::Claim { attendee, .. } => format!("{} no longer holds {label}", snapshot.name(attendee)),
            ClaimAction::Release { attendee } => format!("{} holds {label} again", snapshot.name(attendee)),
            ClaimAction::KeepOvernight { attendee } => {
                format!("{}'s claim on {label} is no longer kept overnight", snapshot.name(attendee))
            }
            ClaimAction::Resolve { .. } => format!("the claim on {label} is contested again"),
            ClaimAction::PrOpened { .. } => format!("{label} has no pull request open"),
            ClaimAction::Merged => format!("{label} is not marked merged"),
            ClaimAction::Retract => format!("the action on {label} stands again"),
        };
        let event = self.claim_event(snapshot, issue, action);
        let (at, id) = (event.at, event.id.clone());
        self.write(vec![Op::Claim(event)])?;
        let token = self.make_id("u");
        self.undoable.remember(Undoable {
            token: token.clone(),
            label: undone,
            until: self.now().plus_seconds(UNDO_SECONDS),
            retract: Vec::new(),
            delete: None,
            claim: Some((issue.id.clone(), id)),
            consents: None,
        });
        Ok(ClaimDone { issue: self.snapshot()?.issue_board(issue, at), done, undo: Some(token) })
    }
}

pub(crate) fn issue_label(issue: &Issue) -> String {
    match issue.number {
        Some(number) => format!("#{number} ({})", issue.title),
        None => format!("\"{}\"", issue.title),
    }
}
