//! Exports for the people around a sprint: attendance per person per day (sponsors, insurers, the venue),
//! claims and pull requests, the photo-consent list (the photographer), and the whole sprint as JSON. Staff
//! only: a locked kiosk cannot reach them. Erased people appear as "Erased person" under their pseudonymous
//! id. Cells a spreadsheet would run as a formula are written so it shows them as text.

use crate::Document;
use crate::report_render::slug;
use crate::snapshot::Snapshot;
use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::search::fold;
use sprintdesk_domain::{AttendeeId, ClaimAction, ClaimEvent, DeviceRole, IssueId, Timestamp};
use std::collections::BTreeMap;

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// One row per person per day they came: when they signed in and out, at which table.
    Attendance,
    /// Every claim on every issue: who, with which mentor, since when, how it stands.
    Claims,
    /// The imported pull requests.
    Prs,
    /// Everyone and whether they agreed to be photographed.
    PhotoConsent,
    /// The whole sprint as JSON: every record this device holds.
    Sprint,
}

impl ExportKind {
    pub const ALL: [ExportKind; 5] =
        [ExportKind::Attendance, ExportKind::Claims, ExportKind::Prs, ExportKind::PhotoConsent, ExportKind::Sprint];

    fn stem(self) -> &'static str {
        match self {
            ExportKind::Attendance => "attendance",
            ExportKind::Claims => "claims",
            ExportKind::Prs => "pull-requests",
            ExportKind::PhotoConsent => "photo-consent",
            ExportKind::Sprint => "sprint",
        }
    }
}

#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    pub kind: ExportKind,
}

/// The whole sprint, as the `sprint` export writes it.
#[derive(Serialize)]
struct WholeSprint<'a> {
    sprint: &'a sprintdesk_domain::Sprint,
    attendees: Vec<&'a sprintdesk_domain::Attendee>,
    projects: Vec<&'a sprintdesk_domain::Project>,
    goals: &'a [sprintdesk_domain::Goal],
    status_updates: &'a [sprintdesk_domain::StatusUpdate],
    issues: &'a [sprintdesk_domain::Issue],
    pull_requests: Vec<sprintdesk_domain::PullRequest>,
    presence_events: &'a [sprintdesk_domain::PresenceEvent],
    claim_events: Vec<ClaimEvent>,
    retrospective_answers: &'a [sprintdesk_domain::RetroAnswer],
}

impl Desk {
    /// One export, as a file to save.
    pub fn export(&mut self, request: ExportRequest) -> Result<Document, Error> {
        // Exports name people (who came when, who said no to photos): made on staff devices only. A board
        // stands in a public room and a kiosk at the door, whatever screen either is switched to.
        if let Some(role @ (DeviceRole::Kiosk | DeviceRole::Board)) = self.own_role()? {
            return Err(Error::NotAllowed(format!(
                "exports are made on an organizer's or a table lead's device: this one is paired as a {}",
                if role == DeviceRole::Kiosk { "kiosk" } else { "board" }
            )));
        }
        let now = self.now();
        let snapshot = self.snapshot()?;
        let name = format!("{}-{}", slug(&snapshot.sprint.name), request.kind.stem());
        let (extension, media_type, text) = match request.kind {
            ExportKind::Sprint => ("json", "application/json", whole_sprint(&snapshot)?),
            kind => ("csv", "text/csv", csv_text(&rows(&snapshot, kind, now))?),
        };
        Ok(Document { file_name: format!("{name}.{extension}"), media_type: media_type.into(), text })
    }
}

fn whole_sprint(snapshot: &Snapshot) -> Result<String, Error> {
    let mut attendees: Vec<_> = snapshot.attendees.values().collect();
    attendees.sort_by(|a, b| a.id.cmp(&b.id));
    let mut projects: Vec<_> = snapshot.projects.values().collect();
    projects.sort_by(|a, b| a.id.cmp(&b.id));
    // An erased person's pull request is counted, but its number, title and link would lead to their page
    // on the forge: left out, as in the pull-request list and the report; so are the issues it closes, and
    // its times to the minute (each would pick the pull request out on the forge): only their day is kept.
    let sprint = &snapshot.sprint;
    let day_of = |at: Timestamp| sprint.day_starts_at(sprint.local_date(at));
    let pull_requests = snapshot
        .pull_requests
        .iter()
        .map(|pr| {
            if !snapshot.by_erased(pr) {
                return pr.clone();
            }
            sprintdesk_domain::PullRequest {
                number: None,
                title: String::new(),
                url: String::new(),
                closes: Vec::new(),
                created_at: day_of(pr.created_at),
                merged_at: pr.merged_at.map(day_of),
                closed_at: pr.closed_at.map(day_of),
                ..pr.clone()
            }
        })
        .collect();
    // As in the claims export: an erased person's claim, release or pull request is counted, but which issue
    // it was would lead to their pull request on the forge. A mentor is named with the claim's holder, who
    // still says it. The events that name no one (a merge, a pull request seen opened) are left without
    // their issue too on an issue an erased person claimed: a merge's time picked the issue out.
    let erased = |id: &AttendeeId| snapshot.is_erased(&snapshot.canonical(id));
    let names_erased = |event: &ClaimEvent| match &event.action {
        ClaimAction::Claim { attendee, .. }
        | ClaimAction::Release { attendee }
        | ClaimAction::KeepOvernight { attendee }
        | ClaimAction::PrOpened { attendee: Some(attendee) } => erased(attendee),
        ClaimAction::Resolve { keep } => keep.iter().any(erased),
        ClaimAction::PrOpened { attendee: None } | ClaimAction::Merged | ClaimAction::Retract => false,
    };
    let claimed_by_erased: std::collections::HashSet<&IssueId> =
        snapshot.claim_events.iter().filter(|event| names_erased(event)).map(|event| &event.issue).collect();
    let mut claim_events: Vec<ClaimEvent> = snapshot
        .claim_events
        .iter()
        .map(|event| {
            let names_no_one = matches!(
                event.action,
                ClaimAction::PrOpened { attendee: None } | ClaimAction::Merged | ClaimAction::Retract
            );
            // Its time to the minute too: a pull request seen opened at 16:02 is the one made then.
            if names_erased(event) || (names_no_one && claimed_by_erased.contains(&event.issue)) {
                return ClaimEvent { issue: IssueId::from(""), at: day_of(event.at), ..event.clone() };
            }
            event.clone()
        })
        .collect();
    // In time order again: kept in the order of their minutes, a day-only event between two timed ones said
    // its time all the same. (A stable sort: a day's events cut to it keep the order they happened in, a
    // claim before its pull request.)
    claim_events.sort_by_key(|event| event.at);
    let whole = WholeSprint {
        sprint: &snapshot.sprint,
        attendees,
        projects,
        goals: &snapshot.goals,
        status_updates: &snapshot.status_updates,
        issues: &snapshot.issues,
        pull_requests,
        presence_events: &snapshot.presence_events,
        claim_events,
        retrospective_answers: &snapshot.retro_answers,
    };
    serde_json::to_string_pretty(&whole)
        .map(|text| text + "\n")
        .map_err(|e| Error::Invalid(sprintdesk_domain::ValidationError::new("export", e.to_string())))
}

/// The header and rows of a CSV export.
fn rows(snapshot: &Snapshot, kind: ExportKind, now: Timestamp) -> Vec<Vec<String>> {
    let sprint = &snapshot.sprint;
    let local = |at: Timestamp| sprint.local_minute(at);
    let project_name = |id: &sprintdesk_domain::ProjectId| {
        snapshot.projects.get(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let mut rows: Vec<Vec<String>> = Vec::new();
    match kind {
        ExportKind::Attendance => {
            rows.push(
                ["name", "attendee_id", "day", "signed_in", "signed_out", "tables", "hours"].map(String::from).to_vec(),
            );
            // Per person and day: the first sign-in, the last time they left (closing time, if they were in
            // then; empty while they are here), every table they sat at, and the time they were in.
            let mut days: BTreeMap<(AttendeeId, chrono::NaiveDate), Vec<&sprintdesk_domain::PresenceEvent>> =
                BTreeMap::new();
            for event in &snapshot.presence_events {
                if let Some(person) = snapshot.counted(&event.attendee) {
                    days.entry((person.clone(), event.day)).or_default().push(event);
                }
            }
            // A time on another date than the row's day (the sprint's zone changed after people came, so a
            // sign-in for the 25th reads 20:30 on the 24th) is given with its date: "18:00" to "17:58" read
            // as a stay of minus two minutes.
            let clock = |t: Timestamp, day: chrono::NaiveDate| {
                if sprint.local_date(t) == day {
                    sprint.local_time(t).format("%H:%M").to_string()
                } else {
                    sprint.local_minute(t)
                }
            };
            let mut lines: Vec<Vec<String>> = days
                .into_iter()
                .filter_map(|((id, day), events)| {
                    let stay = sprintdesk_domain::day_at_venue(sprint, day, events, now)?;
                    Some(vec![
                        snapshot.name(&id),
                        id.to_string(),
                        day.to_string(),
                        clock(stay.came, day),
                        stay.left.map(|left| clock(left, day)).unwrap_or_default(),
                        stay.tables.iter().map(&project_name).collect::<Vec<_>>().join("; "),
                        stay.minutes.map(|m| format!("{:.1}", m as f64 / 60.0)).unwrap_or_default(),
                    ])
                })
                .collect();
            // By name as a person reads it: "Ábel" with the As, not after "Zoë".
            lines.sort_by_cached_key(|line| (fold(&line[0]), line[0].clone(), line[1].clone(), line[2].clone()));
            rows.extend(lines);
        }
        ExportKind::Claims => {
            rows.push(
                ["project", "issue", "title", "url", "holder", "mentor", "claimed_at", "claim", "issue_state"]
                    .map(String::from)
                    .to_vec(),
            );
            // An erased holder's rows come last: in the issues' order, a blank row between #11 and #13 said
            // it was #12.
            let mut erased_rows: Vec<Vec<String>> = Vec::new();
            for issue in &snapshot.issues {
                let claims = snapshot.claims(issue, now);
                for holder in &claims.holders {
                    let state = serde_json::to_value(holder.state)
                        .ok()
                        .and_then(|v| {
                            let state = v["state"].as_str()?.to_owned();
                            Some(match v["reason"].as_str() {
                                Some(reason) => format!("{state} ({})", reason.replace('_', " ")),
                                None => state,
                            })
                        })
                        .unwrap_or_default()
                        .replace('_', " ");
                    // An erased person's claim is counted, but which issue it was would lead to their pull
                    // request on the forge: left out, as their pull requests' are.
                    // Nor the issue's state, nor the claim's minute: either picked the issue out.
                    let erased = snapshot.is_erased(&snapshot.canonical(&holder.attendee));
                    let unless_erased = |text: String| if erased { String::new() } else { text };
                    let into = if erased { &mut erased_rows } else { &mut rows };
                    into.push(vec![
                        project_name(&issue.project),
                        unless_erased(issue.number.map(|n| format!("#{n}")).unwrap_or_default()),
                        unless_erased(issue.title.clone()),
                        unless_erased(issue.url.clone()),
                        snapshot.name(&holder.attendee),
                        holder.mentor.as_ref().map(|m| snapshot.name(m)).unwrap_or_default(),
                        if erased { sprint.local_date(holder.since).to_string() } else { local(holder.since) },
                        state,
                        unless_erased(claims.state.as_str().replace('_', " ")),
                    ]);
                }
            }
            erased_rows.sort();
            rows.extend(erased_rows);
        }
        ExportKind::Prs => {
            rows.push(
                [
                    "project",
                    "number",
                    "title",
                    "url",
                    "state",
                    "author",
                    "first_contribution",
                    "created_at",
                    "merged_at",
                    "closed_at",
                ]
                .map(String::from)
                .to_vec(),
            );
            let firsts = crate::report::first_contributions_merged(snapshot);
            let mut prs: Vec<_> = snapshot.pull_requests.iter().collect();
            // An erased person's come last, by project only: by number, a blank row between 101 and 103 said
            // it was 102.
            prs.sort_by_key(|p| {
                let erased = snapshot.by_erased(p);
                (erased, project_name(&p.project), if erased { None } else { p.number })
            });
            for pr in prs {
                // An erased person's pull request is counted, but its page would name them: no title or link,
                // and its times by the day only (to the minute, they picked it out on the forge).
                let erased = snapshot.by_erased(pr);
                let shown = |text: String| if erased { String::new() } else { text };
                let local = |at: Timestamp| if erased { sprint.local_date(at).to_string() } else { local(at) };
                rows.push(vec![
                    project_name(&pr.project),
                    shown(pr.number.map(|n| n.to_string()).unwrap_or_default()),
                    shown(pr.title.clone()),
                    shown(pr.url.clone()),
                    pr.state.as_str().to_owned(),
                    pr.attendee.as_ref().map(|id| snapshot.name(id)).or_else(|| pr.author.clone()).unwrap_or_default(),
                    yes_no(crate::report::is_first_contribution(pr, &firsts)),
                    local(pr.created_at),
                    pr.merged_at.map(local).unwrap_or_default(),
                    pr.closed_at.map(local).unwrap_or_default(),
                ]);
            }
        }
        ExportKind::PhotoConsent => {
            // No badge codes: a badge's code signs its holder in and out at the door, and this list goes to the
            // photographer.
            rows.push(["name", "handle", "photo_consent"].map(String::from).to_vec());
            let mut people: Vec<_> = snapshot.people().collect();
            people.sort_by_cached_key(|p| (fold(&p.name), p.name.clone(), p.id.clone()));
            for person in people {
                let consent = match person.photo_consent {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "not asked",
                };
                rows.push(vec![person.name.clone(), person.handle.clone().unwrap_or_default(), consent.to_owned()]);
            }
        }
        ExportKind::Sprint => {}
    }
    rows
}

fn csv_text(rows: &[Vec<String>]) -> Result<String, Error> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| as_text(cell)))
            .map_err(|e| Error::Invalid(sprintdesk_domain::ValidationError::new("export", e.to_string())))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Invalid(sprintdesk_domain::ValidationError::new("export", e.to_string())))?;
    // A byte-order mark first: Excel reads a CSV without one in the computer's legacy code page, and
    // "Łukasz Żółć" or "山田 太郎" come out garbled on the sponsor's laptop. LibreOffice and Python's
    // `utf-8-sig` read it as UTF-8 either way.
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// A cell a spreadsheet shows as text: one starting with `=`, `+`, `-`, `@` or a control character would be
/// run as a formula by Excel or LibreOffice (an attendee named `=HYPERLINK(…)`), so it gets a leading `'`.
fn as_text(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::as_text;

    #[test]
    fn a_cell_that_would_be_a_formula_is_shown_as_text() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1 555", "'+1 555"),
            ("-2", "'-2"),
            ("@kmensah", "'@kmensah"),
            ("\tx", "'\tx"),
            ("Łukasz", "Łukasz"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(as_text(cell), written, "{cell:?}");
        }
    }
}
