//! Use cases of presence: sign in (with the code of conduct and photo consent asked on the way), sign out,
//! and who is here now, per table and per day.

use crate::door::DoorProof;
use crate::undo::Undoable;
use crate::view::{DayCount, PersonRef, PresenceReport, SignInOutcome, SignOutOutcome, TablePresence, VenueNow};
use crate::{Desk, Error};
use serde::Deserialize;
use sprintdesk_domain::search::fold;
use sprintdesk_domain::{Attendee, AttendeeId, EventId};
use sprintdesk_store::Op;
use std::collections::BTreeMap;

/// Signing a person in for today.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// An attendee id, a `@handle` or a full name.
    pub attendee: String,
    /// A project id, name or table label.
    #[serde(default)]
    pub project: Option<String>,
    /// The person has read and accepted the current code of conduct (asked on their first sign-in and
    /// again when it changes).
    #[serde(default)]
    pub accept_code_of_conduct: bool,
    #[serde(default)]
    pub photo_consent: Option<bool>,
    /// For someone who is here already (a move to another table): their badge, or the table they are at
    /// now. Without it, the door could move anyone, or learn where they sit.
    #[serde(default)]
    #[ts(optional)]
    pub proof: Option<DoorProof>,
}

impl Desk {
    pub fn sign_in(&mut self, request: SignIn) -> Result<SignInOutcome, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let day = self.open_day_now(&snapshot.sprint)?;
        let person = snapshot.find_at_door(&request.attendee)?.clone();
        let project = request.project.as_deref().filter(|p| !p.trim().is_empty());
        let project = project.map(|p| snapshot.find_project(p)).transpose()?;
        let project_id = project.map(|p| p.id.clone());
        let here_at = snapshot.here_at(&person.id, now);
        if let Some(at) = &here_at {
            let Some(proof) = &request.proof else {
                return Err(Error::NotAllowed(format!(
                    "{} is signed in already: to change table, say which table you are at now, or scan your badge",
                    person.name
                )));
            };
            self.check_door_proof(&snapshot, &person, at.as_ref(), proof)?;
        }

        let mut updated = person.clone();
        let coc = &snapshot.sprint.code_of_conduct;
        if person.coc_version != Some(coc.version) {
            if !request.accept_code_of_conduct {
                let again =
                    if person.coc_version.is_some() { " (it has changed since they last accepted it)" } else { "" };
                return Err(Error::ConsentNeeded(format!(
                    "{} must read and accept the code of conduct{again} to sign in",
                    person.name
                )));
            }
            updated.coc_version = Some(coc.version);
        }
        // A sign-in records a first answer only: the door asks no one twice, and a changed answer is an
        // organizer's edit (a name typed at the door, or sent from the Wi-Fi, flipped anyone's).
        if request.photo_consent.is_some() && person.photo_consent.is_none() {
            updated.photo_consent = request.photo_consent;
        }
        let mut ops = Op::put(&updated, Some(&person));
        let consents = (updated != person).then(|| (person.id.clone(), person.coc_version, person.photo_consent));
        let already_here = here_at == Some(project_id.clone());
        let event = (!already_here).then(|| self.sign_in_event(&snapshot, &person.id, day, project_id));
        let event_id = event.as_ref().map(|e| e.id.clone());
        let (door_badge, _) = self.door_badge_rule(&snapshot, &updated, false)?;
        ops.extend(event.map(Op::Presence));
        self.write(ops)?;
        let person = snapshot.person(&person.id);
        let undo = event_id
            .map(|event| self.remember_undo(format!("{} was signed in", person.name), &person.id, event, consents));
        Ok(SignInOutcome {
            person,
            day,
            project: project.map(|p| snapshot.project_ref(p)),
            already_here,
            undo,
            door_badge,
        })
    }

    /// A person asks, at the door, not to be photographed. Taken from anyone, for anyone: no is the safe
    /// answer. A yes is given once, at a first sign-in, and anyone at the door can give it for a name not yet
    /// arrived; the person can always take it back here. (Changing a no to a yes is an organizer's edit.)
    pub fn decline_photos(&mut self, who: crate::PersonQuery) -> Result<PersonRef, Error> {
        let snapshot = self.snapshot()?;
        let person = snapshot.find_at_door(&who.attendee)?;
        if person.photo_consent != Some(false) {
            let declined = Attendee { photo_consent: Some(false), ..person.clone() };
            self.write(Op::put(&declined, Some(person)))?;
        }
        Ok(snapshot.person(&person.id))
    }

    /// Signs a person out, with no questions: an organizer's (the door asks for a proof, see
    /// [`Desk::sign_out_at_door`]).
    pub fn sign_out(&mut self, who: crate::PersonQuery) -> Result<SignOutOutcome, Error> {
        self.sign_out_with(&who.attendee, None)
    }

    /// Signs out the person `attendee` names; with a `proof`, only when it shows it is them.
    pub(crate) fn sign_out_with(&mut self, attendee: &str, proof: Option<&DoorProof>) -> Result<SignOutOutcome, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(attendee)?;
        let Some(at) = snapshot.here_at(&person.id, now) else {
            return Err(Error::NotSignedIn(format!("{} is not signed in right now", person.name)));
        };
        if let Some(proof) = proof {
            self.check_door_proof(&snapshot, person, at.as_ref(), proof)?;
        }
        let event = self.sign_out_event(&snapshot, &person.id, snapshot.sprint.local_date(now));
        let event_id = event.id.clone();
        let held = snapshot.working_on(&person.id, now);
        self.write(vec![Op::Presence(event)])?;
        // Read afresh only for someone who held a claim: most sign-outs let nothing go.
        let released: Vec<String> = if held.is_empty() {
            Vec::new()
        } else {
            let after = self.snapshot()?;
            held.iter()
                .filter(|issue| {
                    // Let go, and no one else holds it (a partner who stays keeps it: not others' to take).
                    let claims = after.claims(issue, now);
                    claims.open_by(&person.id).is_none()
                        && !claims
                            .holders
                            .iter()
                            .any(|h| h.state.is_open() && after.canonical(&h.attendee) != person.id)
                })
                .map(crate::claims::issue_label)
                .collect()
        };
        let person = snapshot.person(&person.id);
        let undo = self.remember_undo(format!("{} was signed out", person.name), &person.id, event_id, None);
        // On the days the kiosk asks the retrospective at sign-out, the same token answers it, once.
        let today = snapshot.sprint.local_date(now);
        let last_open = snapshot.sprint.days.iter().rev().find(|d| !d.is_break).map(|d| d.date);
        let retro =
            last_open.is_some_and(|last| today >= last) && self.retro_tickets.issue(&undo, &person.id, today, now);
        Ok(SignOutOutcome { person, undo: Some(undo), retro, released })
    }

    /// Remembers a sign-in or sign-out for the kiosk's undo; returns its token.
    fn remember_undo(
        &mut self,
        label: String,
        attendee: &AttendeeId,
        event: EventId,
        consents: Option<crate::undo::Consents>,
    ) -> String {
        let token = self.make_id("u");
        let until = self.now().plus_seconds(crate::UNDO_SECONDS);
        let retract = vec![(attendee.clone(), event)];
        self.undoable.remember(Undoable {
            token: token.clone(),
            label,
            until,
            retract,
            delete: None,
            claim: None,
            consents,
        });
        token
    }

    /// Who is here now, per table, and how many came each day.
    pub fn presence(&mut self) -> Result<PresenceReport, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let presence = snapshot.presence(now);
        let mut tables: BTreeMap<(bool, String), TablePresence> = BTreeMap::new();
        for (person, project) in &presence.here {
            let project = project.as_ref().and_then(|id| snapshot.projects.get(id));
            let key = (project.is_none(), project.map_or_else(String::new, |p| fold(&p.name)));
            tables
                .entry(key)
                .or_insert_with(|| TablePresence {
                    project: project.map(|p| snapshot.project_ref(p)),
                    people: Vec::new(),
                })
                .people
                .push(snapshot.person(person));
        }
        let mut tables: Vec<TablePresence> = tables.into_values().collect();
        for table in &mut tables {
            table.people.sort_by_cached_key(|p| fold(&p.name));
        }
        let per_day = snapshot
            .sprint
            .days
            .iter()
            .map(|day| DayCount {
                date: day.date,
                is_break: day.is_break,
                people: presence.per_day.get(&day.date).map_or(0, |people| people.len()),
            })
            .collect();
        let sprint = &snapshot.sprint;
        let date = sprint.local_date(now);
        Ok(PresenceReport {
            today: presence.today,
            date,
            venue: venue_now(sprint, now),
            here_now: presence.here.len(),
            today_count: presence.per_day.get(&date).map_or(0, |people| people.len()),
            tables,
            per_day,
        })
    }
}

/// Where the venue stands at `now`: see [`VenueNow`].
pub(crate) fn venue_now(sprint: &sprintdesk_domain::Sprint, now: sprintdesk_domain::Timestamp) -> VenueNow {
    let date = sprint.local_date(now);
    let reopens = sprintdesk_domain::next_open_day(sprint, date);
    match sprint.day(date) {
        Some(day) if day.is_break => VenueNow::Break { reopens },
        Some(day) if sprint.closes_at(date).is_some_and(|closes| now >= closes) => {
            VenueNow::Closed { closed: day.closes.format("%H:%M").to_string(), reopens }
        }
        Some(_) => VenueNow::Open,
        // Not a sprint day: before it, between two of its days (a sprint over two weekends), or after it.
        None => reopens.map_or(VenueNow::Over, |starts| VenueNow::Before { starts }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sprintdesk_domain::{Sprint, Timestamp};

    #[test]
    fn where_the_venue_stands_cases() {
        // 13–15 July, the 14th a break, then the weekend after (18 and 19 July) with the 19th a break too;
        // open 09:00–18:00, in Tokyo.
        let mut sprint = Sprint::new("Week", "Asia/Tokyo", "2026-07-13".parse().unwrap(), 3).unwrap();
        sprint.days[1].is_break = true;
        let more = Sprint::new("Week", "Asia/Tokyo", "2026-07-18".parse().unwrap(), 2).unwrap().days;
        sprint.days.extend(more);
        sprint.days[4].is_break = true;
        let at = |local: &str| Timestamp::from_utc(format!("{local}+09:00").parse().unwrap());
        let day = |date: &str| date.parse::<chrono::NaiveDate>().unwrap();
        let closed = |reopens: Option<&str>| VenueNow::Closed { closed: "18:00".into(), reopens: reopens.map(day) };
        for (now, expected) in [
            ("2026-07-12T20:00:00", VenueNow::Before { starts: day("2026-07-13") }),
            ("2026-07-13T00:30:00", VenueNow::Open), // early: sign-ins are taken before opening
            ("2026-07-13T09:00:00", VenueNow::Open),
            ("2026-07-13T17:59:00", VenueNow::Open),
            ("2026-07-13T18:00:00", closed(Some("2026-07-15"))), // the 14th is a break
            ("2026-07-13T23:59:00", closed(Some("2026-07-15"))),
            ("2026-07-14T12:00:00", VenueNow::Break { reopens: Some(day("2026-07-15")) }),
            ("2026-07-15T19:00:00", closed(Some("2026-07-18"))),
            // Between the two weekends: not over.
            ("2026-07-16T10:00:00", VenueNow::Before { starts: day("2026-07-18") }),
            ("2026-07-18T18:30:00", closed(None)), // the 19th is a break: no day opens after
            ("2026-07-19T10:00:00", VenueNow::Break { reopens: None }),
            ("2026-07-20T10:00:00", VenueNow::Over),
            ("2026-12-24T10:00:00", VenueNow::Over),
        ] {
            assert_eq!(venue_now(&sprint, at(now)), expected, "{now}");
        }
    }
}
