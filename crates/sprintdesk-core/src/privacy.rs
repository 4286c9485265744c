//! Use cases about a person's personal data: erasing it on every device, for good, and writing out
//! everything the venue holds about one person (an access request). What erasure removes and keeps is the
//! store's rule ([`sprintdesk_store::PERSONAL_FIELDS`]); docs/privacy.md says it for people.

use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::search::fold;
use sprintdesk_domain::{AttendeeId, ClaimAction, DeviceId, ProjectId, Timestamp};
use sprintdesk_store::{ERASURE_FIELD, ERASURE_KEYS_FIELD, Entity, EveryoneErased, Op};

/// A request to erase one person.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Erase {
    /// Their id, `@handle` or full name.
    pub attendee: String,
    /// The organizer PIN, where this device has one.
    #[serde(default)]
    pub pin: Option<String>,
}

/// What an erasure did.
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct Erased {
    /// The person, and the duplicates merged into them: each erased.
    pub ids: Vec<AttendeeId>,
    /// Sign-ins and sign-outs that still count, under the pseudonym.
    pub presence_events: u32,
    /// Claims, PRs and merges that still count for their projects.
    pub claim_events: u32,
}

/// Where the sprint's retention period stands on this device: what the organizer's screens say about it
/// is this device's state, not a date worked out from the settings (the period may have ended while the
/// app ran, or been lengthened after everyone was erased).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Retention {
    /// The first day attendees' personal data is no longer kept ([`sprintdesk_domain::Sprint::retention_ends`]);
    /// none for a sprint without days.
    pub ends: Option<chrono::NaiveDate>,
    /// Everyone's personal data is erased on this device.
    pub erased: bool,
    /// The day, in the venue's time zone, the organizer's device erased everyone, when this device holds
    /// that erasure (none when it erased alone, on its own clock).
    pub erased_on: Option<chrono::NaiveDate>,
}

/// Everything the venue holds about one person, as JSON for an access request: written for the person to
/// read (tables, issues and devices by name; times in the venue's time zone, `YYYY-MM-DD HH:MM`).
#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct PersonExport {
    pub attendee: sprintdesk_domain::Attendee,
    /// Their personal data was erased: what is left is a pseudonym and what they did.
    pub erased: bool,
    /// Duplicate records merged into this person.
    pub duplicates: Vec<AttendeeId>,
    pub presence: Vec<PresenceLine>,
    pub claims: Vec<ClaimLine>,
    /// The pull requests imported as theirs.
    pub pull_requests: Vec<PullLine>,
    /// Words people typed that name them (a table's notes, a goal, a help note, a retrospective answer):
    /// erasing them does not change these ([`mentions`]).
    pub mentions: Vec<Mention>,
    /// Every recorded change to their record, oldest first: which field, its value, where and when.
    pub history: Vec<HistoryLine>,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct PresenceLine {
    /// `sign_in`, `sign_out` or `retract` (an undo at the kiosk).
    pub kind: String,
    pub day: String,
    /// The table's project, by name.
    pub table: Option<String>,
    /// The device it was made on, by name.
    pub device: String,
    pub time: String,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct ClaimLine {
    pub project: String,
    /// `#number title`, or the title.
    pub issue: String,
    /// `claim`, `release`, `resolve`, `pr_opened` or `merged`.
    pub action: String,
    pub device: String,
    pub time: String,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct PullLine {
    pub project: String,
    pub number: Option<u32>,
    pub title: String,
    pub url: String,
    pub state: sprintdesk_domain::PrState,
    pub opened: String,
    pub merged: Option<String>,
}

/// Words that name a person, and where they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Mention {
    /// Where, in an organizer's words: "Notes of CPython, 2026-07-14 (blockers)", "A retrospective answer".
    pub place: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, ts_rs::TS)]
pub struct HistoryLine {
    pub field: String,
    /// The value written (`null` where it was erased).
    #[ts(type = "unknown")]
    pub value: serde_json::Value,
    /// The content was erased (only a hash of it is kept).
    pub cleared: bool,
    pub device: String,
    pub time: String,
}

impl Desk {
    /// Erases a person's personal data (and their merged duplicates') on every device, for good: an
    /// erasure record that every device applies, whatever order edits arrive in. Their sign-ins and
    /// claims still count, under a pseudonym. Needs the organizer PIN where this device has one.
    pub fn erase_attendee(&mut self, request: Erase) -> Result<Erased, Error> {
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(&request.attendee)?.clone();
        let mut ids: Vec<AttendeeId> = snapshot
            .attendees
            .values()
            .filter(|a| snapshot.canonical(&a.id) == person.id)
            .map(|a| a.id.clone())
            .filter(|id| !snapshot.is_erased(id))
            .collect();
        ids.sort();
        if ids.is_empty() {
            return Err(Error::NotFound(format!("{} ({}) was erased already", person.name, person.id)));
        }
        let presence_events = snapshot.presence_events.iter().filter(|e| ids.contains(&e.attendee)).count();
        let claim_events = snapshot.claim_events.iter().filter(|e| involves(&e.action, &ids)).count();
        self.confirm_pin(request.pin.as_deref(), "erasing a person")?;
        let mut ops: Vec<Op> = ids
            .iter()
            .map(|id| Op::Set {
                entity: Entity::Erasure,
                id: id.to_string(),
                field: ERASURE_FIELD,
                value: serde_json::Value::Bool(true),
            })
            .collect();
        let keys = self.store().erasure_keys(&ids.iter().map(AttendeeId::as_str).collect::<Vec<_>>())?;
        if !keys.is_empty() {
            ops.push(Op::Set {
                entity: Entity::Erasure,
                id: ids[0].to_string(),
                field: ERASURE_KEYS_FIELD,
                value: serde_json::Value::from(keys),
            });
        }
        self.write(ops)?;
        tracing::info!(person = %person.id, records = ids.len(), "erased a person's personal data");
        Ok(Erased {
            ids,
            presence_events: u32::try_from(presence_events).unwrap_or(u32::MAX),
            claim_events: u32::try_from(claim_events).unwrap_or(u32::MAX),
        })
    }

    /// Where the retention period stands here: see [`Retention`].
    pub fn retention(&mut self) -> Result<Retention, Error> {
        let sprint = self.sprint()?;
        let (erased, erased_on) = match self.store().everyone_erased()? {
            EveryoneErased::No => (false, None),
            EveryoneErased::Alone => (true, None),
            EveryoneErased::ByTheVenue(at) => (true, Some(sprint.local_date(at))),
        };
        Ok(Retention { ends: sprint.retention_ends(), erased, erased_on })
    }

    /// Everything this device holds about one person (their record, duplicates merged into them, sign-ins,
    /// claims and every change to their record), for an access request.
    pub fn export_person(&mut self, query: crate::PersonQuery) -> Result<PersonExport, Error> {
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(&query.attendee)?.clone();
        let ids: Vec<AttendeeId> = snapshot
            .attendees
            .values()
            .filter(|a| snapshot.canonical(&a.id) == person.id)
            .map(|a| a.id.clone())
            .collect();
        let sprint = &snapshot.sprint;
        let time = |at: Timestamp| sprint.local_minute(at);
        let device = |id: &DeviceId| snapshot.device_name(id);
        let project = |id: &ProjectId| snapshot.projects.get(id).map_or_else(|| id.to_string(), |p| p.name.clone());
        let store = self.store();
        let presence = store
            .presence_events()?
            .into_iter()
            .filter(|e| ids.contains(&e.attendee))
            .map(|e| PresenceLine {
                kind: serde_json::to_value(e.kind).ok().and_then(|k| k.as_str().map(str::to_owned)).unwrap_or_default(),
                day: e.day.to_string(),
                table: e.project.as_ref().map(project),
                device: device(&e.device),
                time: time(e.at),
            })
            .collect();
        // Once they are erased, which issue they claimed and which pull request was theirs would lead to their
        // page on the forge (the exports and the report keep neither): the project and the day only.
        let erased = snapshot.is_erased(&person.id);
        let time_or_day = |at: Timestamp| if erased { sprint.local_date(at).to_string() } else { time(at) };
        let events = store.claim_events()?;
        // The issues they claimed: a merge of one names no one, but it is what their claim came to.
        let theirs: std::collections::BTreeSet<sprintdesk_domain::IssueId> =
            events.iter().filter(|e| involves(&e.action, &ids)).map(|e| e.issue.clone()).collect();
        let claims = events
            .into_iter()
            .filter(|e| involves(&e.action, &ids) || (e.action == ClaimAction::Merged && theirs.contains(&e.issue)))
            .map(|e| {
                let issue = snapshot.issues.iter().find(|i| i.id == e.issue);
                ClaimLine {
                    project: issue.map(|i| project(&i.project)).unwrap_or_default(),
                    issue: if erased {
                        String::new()
                    } else {
                        issue.map_or_else(
                            || e.issue.to_string(),
                            |i| i.number.map_or_else(|| i.title.clone(), |n| format!("#{n} {}", i.title)),
                        )
                    },
                    action: e.action.kind().into(),
                    device: device(&e.device),
                    time: time_or_day(e.at),
                }
            })
            .collect();
        let pull_requests = snapshot
            .pull_requests
            .iter()
            .filter(|pr| pr.attendee.as_ref().is_some_and(|a| ids.contains(a)))
            .map(|pr| PullLine {
                project: project(&pr.project),
                number: pr.number.filter(|_| !erased),
                title: if erased { String::new() } else { pr.title.clone() },
                url: if erased { String::new() } else { pr.url.clone() },
                state: pr.state,
                opened: time_or_day(pr.created_at),
                merged: pr.merged_at.map(time_or_day),
            })
            .collect();
        let history = store
            .changes()?
            .into_iter()
            .filter(|c| c.entity == Entity::Attendee && ids.iter().any(|id| id.as_str() == c.entity_id))
            .map(|c| HistoryLine {
                cleared: c.cleared.is_some(),
                value: c.value,
                device: device(&DeviceId::from(sprintdesk_store::device_of(c.origin.as_str()))),
                time: time(Timestamp(i64::try_from(c.hlc.millis()).unwrap_or(i64::MAX))),
                field: c.field,
            })
            .collect();
        let mentions = if erased { Vec::new() } else { mentions(&snapshot, &person) };
        let duplicates = ids.into_iter().filter(|id| *id != person.id).collect();
        Ok(PersonExport { attendee: person, erased, duplicates, presence, claims, pull_requests, mentions, history })
    }
}

/// The words people typed that name `person` (their full name, their handle, or their first name as a
/// word): a table's daily notes, goals, help notes and retrospective answers. Erasure removes a person's own
/// record everywhere but does not rewrite what others wrote; the Erase dialog lists these first.
pub(crate) fn mentions(snapshot: &crate::snapshot::Snapshot, person: &sprintdesk_domain::Attendee) -> Vec<Mention> {
    let words = naming_words(&person.name, person.handle.as_deref());
    let names = |text: &str| words.iter().any(|word| names_word(text, word));
    let project = |id: &ProjectId| snapshot.projects.get(id).map_or_else(|| id.to_string(), |p| p.name.clone());
    let mut found = Vec::new();
    let mut notes: Vec<_> = snapshot.status_updates.iter().collect();
    notes.sort_by_key(|a| (a.day, project(&a.project)));
    for note in notes {
        for (field, text) in [("done", &note.done), ("next", &note.next), ("blockers", &note.blockers)] {
            if names(text) {
                let place = format!("Notes of {}, {} ({field})", project(&note.project), note.day);
                found.push(Mention { place, text: text.clone() });
            }
        }
    }
    for goal in snapshot.goals.iter().filter(|g| names(&g.title) || names(&g.notes)) {
        let text =
            if goal.notes.is_empty() { goal.title.clone() } else { format!("{} — {}", goal.title, goal.notes) };
        found.push(Mention { place: format!("A goal of {}", project(&goal.project)), text });
    }
    let mut projects: Vec<_> = snapshot.projects.values().filter(|p| names(&p.help_note)).collect();
    projects.sort_by(|a, b| a.name.cmp(&b.name));
    for p in projects {
        found.push(Mention { place: format!("Help note of {}", p.name), text: p.help_note.clone() });
    }
    for answer in &snapshot.retro_answers {
        for text in answer.replies.iter().filter_map(|r| r.text.as_deref()).filter(|t| names(t)) {
            found.push(Mention { place: "A retrospective answer".into(), text: text.to_owned() });
        }
    }
    found
}

/// The words that name a person in what others typed, folded ([`fold`]): their full name (also as "First
/// Last" when the list has "Last, First", as many ticket exports do), their first name, their handle.
fn naming_words(name: &str, handle: Option<&str>) -> Vec<String> {
    let name = name.trim();
    let mut words: Vec<String> = vec![fold(name)];
    // "Smith, John": John is the first name, and people write "John Smith".
    let given = match name.split_once(',') {
        Some((family, given)) if !given.trim().is_empty() => {
            words.push(fold(&format!("{} {}", given.trim(), family.trim())));
            given
        }
        _ => name,
    };
    let first = given.split_whitespace().next().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()));
    if let Some(first) = first.filter(|w| w.chars().count() >= 3) {
        words.push(fold(first));
    }
    if let Some(handle) = handle.map(str::trim).filter(|h| h.chars().count() >= 3) {
        words.push(fold(handle.trim_start_matches('@')));
    }
    words.retain(|w| !w.is_empty());
    words.dedup();
    words
}

/// Whether `text` holds `word` as a whole word or words, in any case and with or without accents.
fn names_word(text: &str, word: &str) -> bool {
    let (text, word) = (fold(text), fold(word));
    let word = word.as_str();
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word)
        .any(|(at, _)| !is_word(text[..at].chars().next_back()) && !is_word(text[at + word.len()..].chars().next()))
}

/// Whether a claim event names one of `ids`.
fn involves(action: &ClaimAction, ids: &[AttendeeId]) -> bool {
    match action {
        ClaimAction::Claim { attendee, mentor } => {
            ids.contains(attendee) || mentor.as_ref().is_some_and(|m| ids.contains(m))
        }
        ClaimAction::Release { attendee } | ClaimAction::KeepOvernight { attendee } => ids.contains(attendee),
        ClaimAction::Resolve { keep } => keep.iter().any(|k| ids.contains(k)),
        ClaimAction::PrOpened { attendee } => attendee.as_ref().is_some_and(|a| ids.contains(a)),
        ClaimAction::Merged | ClaimAction::Retract => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{names_word, naming_words};

    #[test]
    fn a_person_is_looked_for_by_the_words_people_write() {
        // (name on the list, handle, the words looked for)
        let cases: [(&str, Option<&str>, &[&str]); 5] = [
            ("Zofia Quastenbrück", Some("@zofiaq"), &["zofia quastenbruck", "zofia", "zofiaq"]),
            ("Smith, John", None, &["smith, john", "john smith", "john"]),
            ("Łukasz Żółć", None, &["lukasz zolc", "lukasz"]),
            ("Bo Li", Some("bo"), &["bo li"]),
            ("Langa,  Łukasz ", Some("ambv"), &["langa,  lukasz", "lukasz langa", "lukasz", "ambv"]),
        ];
        for (name, handle, words) in cases {
            assert_eq!(naming_words(name, handle), words, "{name:?}");
        }
        // As found: a first name written without its accents, "John" of "Smith, John".
        let found = |name: &str, text: &str| naming_words(name, None).iter().any(|w| names_word(text, w));
        assert!(found("Łukasz Żółć", "Lukasz mentoring John was great"));
        assert!(found("Smith, John", "Lukasz mentoring John was great"));
        assert!(!found("Smith, John", "Johnny fixed it"));
    }

    #[test]
    fn a_name_is_found_as_a_whole_word_in_any_case() {
        // (text, word, found)
        let cases = [
            ("Paired with Zofia", "zofia", true),
            ("ZOFIA fixed it", "zofia", true),
            ("Zofia's patch", "zofia", true),
            ("thanks @zofiaq!", "zofiaq", true),
            ("Zofia Quastenbrück helped", "zofia quastenbrück", true),
            ("Zofias", "zofia", false),
            ("Idee", "dee", false),
            ("Deeper docs", "dee", false),
            ("", "dee", false),
            ("Ana-Maria", "ana", true),
            ("Banana", "ana", false),
        ];
        for (text, word, found) in cases {
            assert_eq!(names_word(text, word), found, "{word:?} in {text:?}");
        }
    }
}
