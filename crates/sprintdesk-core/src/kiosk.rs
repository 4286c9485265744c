//! Use cases of the sign-in screen beyond sign-in itself: finding people as they type, a badge scan, a
//! walk-in registering, and the undo that follows every kiosk action for a few seconds.
//!
//! Undo never deletes an event: it records a retraction (an insert-only event that names the one it takes
//! back), and presence is computed as if the retracted event had never happened. So an undo syncs and
//! converges like everything else.

use crate::undo::{UNDO_SECONDS, UndoGone, Undoable};
use crate::view::{AttendeeCard, PersonRef, SignInOutcome};
use crate::{Desk, Error};
use serde::Deserialize;
use sprintdesk_domain::{
    Attendee, AttendeeId, ClaimAction, ClaimEvent, EventId, IssueId, SameBecause, ValidationError, search,
};
use sprintdesk_store::{Entity, Op};

/// What the kiosk's search box holds.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Search {
    pub query: String,
    /// At most this many people (default 8, never more than 20).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// What a badge scanner typed.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BadgeScan {
    pub code: String,
}

/// The token a kiosk action returned, to take it back.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UndoToken {
    pub token: String,
}

/// A person who registers themselves at the kiosk, and signs in at once.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WalkIn {
    pub name: String,
    #[serde(default)]
    pub handle: Option<String>,
    #[serde(default)]
    pub first_timer: bool,
    /// A project id, name or table label.
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub accept_code_of_conduct: bool,
    #[serde(default)]
    pub photo_consent: Option<bool>,
    /// The person says they are not the one already registered under this name (two people can share one).
    #[serde(default)]
    pub someone_else: bool,
}

impl Desk {
    /// Kiosk search: folds case and accents, matches word starts; an empty query finds nobody.
    pub fn search(&mut self, search: Search) -> Result<Vec<AttendeeCard>, Error> {
        // Every name is matched against every word typed: a query longer than any name only costs time, and
        // the door waits behind it (a pasted megabyte stalled a kiosk for seconds).
        if search.query.chars().nth(sprintdesk_domain::NAME_MAX).is_some() {
            return Err(Error::Invalid(ValidationError::new(
                "query",
                format!(
                    "that is longer than any name ({} characters): type part of a name",
                    sprintdesk_domain::NAME_MAX
                ),
            )));
        }
        let limit = search.limit.unwrap_or(8).clamp(1, 20) as usize;
        let snapshot = self.snapshot()?;
        let ids = snapshot.index.search(&search.query, limit);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.now();
        Ok(ids.iter().filter_map(|id| snapshot.attendees.get(id)).map(|a| snapshot.card(a, now)).collect())
    }

    /// The person whose badge (ticket secret, printed QR value) a scanner typed.
    pub fn find_badge(&mut self, scan: BadgeScan) -> Result<AttendeeCard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let person = snapshot.find_by_badge(&scan.code)?;
        Ok(snapshot.card(person, now))
    }

    /// Registers a walk-in and signs them in, in one step (and one undo).
    pub fn register_walk_in(&mut self, walk_in: WalkIn) -> Result<SignInOutcome, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let day = self.open_day_now(&snapshot.sprint)?;
        let project = walk_in.project.as_deref().filter(|p| !p.trim().is_empty());
        let project = project.map(|p| snapshot.find_project(p)).transpose()?;
        if !walk_in.accept_code_of_conduct {
            return Err(Error::ConsentNeeded("please read and accept the code of conduct to sign in".into()));
        }
        // The door keeps no e-mail addresses (a kiosk holds none): one typed into the name would be on every
        // device, the kiosks included, and shown by every search.
        if sprintdesk_domain::holds_an_email(&walk_in.name) {
            return Err(ValidationError::new(
                "name",
                "type your name only, without an e-mail address: the door keeps none (an organizer at the desk can \
                 add yours)",
            )
            .into());
        }
        let attendee = Attendee {
            id: AttendeeId::registered_at(&self.make_id("a"), self.store().device()),
            name: walk_in.name,
            handle: walk_in.handle,
            first_timer: walk_in.first_timer,
            coc_version: Some(snapshot.sprint.code_of_conduct.version),
            photo_consent: walk_in.photo_consent,
            planned_days: vec![day],
            ..Attendee::default()
        }
        .normalized()?;
        // "Lukasz Wisniewski" typed at the door is probably the "Łukasz Wiśniewski" on the list, and "Fern
        // Firstimer" the "Fern Firsttimer": a second record would count them twice. Asked first, not guessed:
        // they find themselves, or say they are someone else. The same name is asked about before a close one.
        let same_name = || snapshot.people().find(|p| p.same_person_as(&attendee) == Some(SameBecause::Name));
        let close_name = || snapshot.people().find(|p| search::names_close(&p.name, &attendee.name));
        if !walk_in.someone_else
            && let Some(other) = same_name().or_else(close_name)
        {
            return Err(Error::Ambiguous(format!(
                "{} is already on the list: if that is you, find yourself in the search; if you are someone \
                 else, say so.",
                other.name
            )));
        }
        if let Some(handle) = &attendee.handle
            && let Some(other) =
                snapshot.people().find(|p| p.handle.as_ref().is_some_and(|h| h.eq_ignore_ascii_case(handle)))
        {
            return Err(ValidationError::new(
                "handle",
                format!("@{handle} is already registered as {}: search for that name instead", other.name),
            )
            .into());
        }
        let event = self.sign_in_event(&snapshot, &attendee.id, day, project.map(|p| p.id.clone()));
        let retract = vec![(attendee.id.clone(), event.id.clone())];
        let (door_badge, _) = self.door_badge_rule(&snapshot, &attendee, true)?;
        let mut ops = Op::put(&attendee, None);
        ops.push(Op::Presence(event));
        self.write(ops)?;
        let token = self.make_id("u");
        self.undoable.remember(Undoable {
            token: token.clone(),
            label: format!("{} was registered and signed in", attendee.name),
            until: now.plus_seconds(UNDO_SECONDS),
            retract,
            delete: Some(attendee.id.clone()),
            claim: None,
            consents: None,
        });
        Ok(SignInOutcome {
            person: PersonRef { id: attendee.id, name: attendee.name },
            day,
            project: project.map(|p| snapshot.project_ref(p)),
            already_here: false,
            undo: Some(token),
            door_badge,
        })
    }

    /// Takes back the kiosk action (or a lead's action on an issue) that returned `token`, if it is recent
    /// enough. Returns what was undone,
    /// in words.
    pub fn undo(&mut self, undo: UndoToken) -> Result<String, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let day = snapshot.sprint.local_date(now);
        let undoable = self.undoable.get(&undo.token, now).map_err(|gone| match gone {
            UndoGone::Unknown => Error::NothingToUndo(
                "there is nothing to undo: it was undone already, or this app was restarted".into(),
            ),
            UndoGone::TooLate => {
                Error::TooLateToUndo(format!("it is too late to undo that ({UNDO_SECONDS} seconds have passed)"))
            }
        })?;
        let (retract, delete, claim) = (undoable.retract.clone(), undoable.delete.clone(), undoable.claim.clone());
        let consents = undoable.consents.clone();
        if let Some((issue, event)) = &claim {
            later_step_refuses_undo(&snapshot, issue, event)?;
        }
        let mut ops: Vec<Op> = retract
            .iter()
            .map(|(attendee, event)| Op::Presence(self.retraction_event(&snapshot, attendee, event, day)))
            .collect();
        if let Some(attendee) = &delete {
            ops.push(Op::delete(Entity::Attendee, attendee.as_str()));
        }
        if let Some((issue, event)) = &claim {
            ops.push(Op::Claim(self.claim_retraction_event(&snapshot, issue, event)));
        }
        if let Some((attendee, coc_version, photo_consent)) = consents
            && let Some(now_held) = snapshot.attendees.get(&attendee)
        {
            let before = sprintdesk_domain::Attendee { coc_version, photo_consent, ..now_held.clone() };
            ops.extend(Op::put(&before, Some(now_held)));
        }
        self.write(ops)?;
        self.retro_tickets.revoke(&undo.token);
        Ok(self.undoable.forget(&undo.token).unwrap_or_default())
    }
}

/// Undo goes back one step at a time on an issue: a claim event that a later step builds on is not taken back
/// from under it, which would leave the step with no one behind it (a pull request marked opened for a claim
/// undone: "its PR is open; no one holds it"). What builds on an event: a later step of the same person
/// (their release, PR or keep-overnight), a step for the whole issue (a PR with no one named, a merge, a
/// resolution), and, on a release, anyone's later claim (it could be made because the issue was let go).
/// Another person's own steps stand on their own and do not stop it.
pub(crate) fn later_step_refuses_undo(
    snapshot: &crate::snapshot::Snapshot,
    issue: &IssueId,
    event: &EventId,
) -> Result<(), Error> {
    let events = &snapshot.claim_events;
    let Some(undone) = events.iter().find(|e| &e.id == event) else { return Ok(()) };
    let person = |action: &ClaimAction| match action {
        ClaimAction::Claim { attendee, .. }
        | ClaimAction::Release { attendee }
        | ClaimAction::KeepOvernight { attendee }
        | ClaimAction::PrOpened { attendee: Some(attendee) } => Some(attendee.clone()),
        _ => None,
    };
    let whose = person(&undone.action);
    let builds_on = |e: &ClaimEvent| match &e.action {
        ClaimAction::PrOpened { attendee: None } | ClaimAction::Merged | ClaimAction::Resolve { .. } => true,
        ClaimAction::Claim { .. } => matches!(undone.action, ClaimAction::Release { .. }),
        action => person(action).is_some() && person(action) == whose,
    };
    let standing = sprintdesk_domain::standing(events.iter().filter(|e| &e.issue == issue));
    if standing.iter().any(|e| (e.at, &e.id) > (undone.at, &undone.id) && builds_on(e)) {
        let number = snapshot
            .issues
            .iter()
            .find(|i| &i.id == issue)
            .and_then(|i| i.number)
            .map(|n| format!(" #{n}"))
            .unwrap_or_default();
        return Err(Error::TooLateToUndo(format!(
            "too late to undo that: a later step on issue{number} builds on it; undo that step first"
        )));
    }
    Ok(())
}
