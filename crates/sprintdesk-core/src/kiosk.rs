//! Use cases of the sign-in screen beyond sign-in itself: a badge scan, a walk-in registering, and the
//! undo that follows every kiosk action for a few seconds.
//!
//! Undo never deletes an event: it records a retraction (an insert-only event that names the one it takes
//! back), and presence is computed as if the retracted event had never happened. So an undo syncs and
//! converges like everything else.

use crate::desk::open_day;
use crate::view::{AttendeeCard, SignInOutcome};
use crate::{Desk, Error, Lookup};
use serde::Deserialize;
use sprintdesk_domain::{Attendee, AttendeeId, EventId, PresenceEvent, PresenceKind, Timestamp, ValidationError};
use sprintdesk_store::{Entity, Op};

/// How long after a kiosk action its undo is still accepted. The screen offers it for 10 seconds; the
/// core allows a little more so a tap in the last moment is not refused.
pub const UNDO_SECONDS: i64 = 15;

/// Undo tokens remembered, newest last; older ones are forgotten.
const UNDO_KEPT: usize = 32;

/// The actions that can still be undone on this device (in memory: an undo does not outlive the app).
#[derive(Debug, Default)]
pub(crate) struct UndoList(Vec<Undoable>);

#[derive(Debug)]
struct Undoable {
    token: String,
    /// What undoing does, in words: "Ana Lima was signed in".
    label: String,
    until: Timestamp,
    /// Presence events to retract, with whose they are.
    retract: Vec<(AttendeeId, EventId)>,
    /// A walk-in registration to delete.
    delete: Option<AttendeeId>,
}

/// A person who registers themselves at the kiosk, and signs in at once.
#[derive(Clone, Debug, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
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
}

impl Desk {
    pub(crate) fn remember_undo(
        &mut self,
        label: String,
        retract: Vec<(AttendeeId, EventId)>,
        delete: Option<AttendeeId>,
    ) -> String {
        let token = self.make_id("u");
        let until = self.now().plus_seconds(UNDO_SECONDS);
        let list = &mut self.undoable.0;
        list.push(Undoable { token: token.clone(), label, until, retract, delete });
        if list.len() > UNDO_KEPT {
            list.remove(0);
        }
        token
    }

    /// Takes back the kiosk action that returned `token`, if it is recent enough. Returns what was undone,
    /// in words.
    pub fn undo(&mut self, token: &str) -> Result<String, Error> {
        let now = self.now();
        let position = self.undoable.0.iter().position(|u| u.token == token).ok_or_else(|| {
            Error::NotFound("there is nothing to undo: it was undone already, or this app was restarted".into())
        })?;
        if now > self.undoable.0[position].until {
            self.undoable.0.remove(position);
            return Err(Error::Closed(format!("it is too late to undo that ({UNDO_SECONDS} seconds have passed)")));
        }
        let snapshot = self.snapshot()?;
        let day = snapshot.sprint.local_date(now);
        let undoable = &self.undoable.0[position];
        let mut ops: Vec<Op> = undoable
            .retract
            .iter()
            .map(|(attendee, event)| {
                Op::Presence(PresenceEvent {
                    id: PresenceEvent::retraction_id(event),
                    kind: PresenceKind::Retract,
                    attendee: attendee.clone(),
                    day,
                    project: None,
                    device: self.store().device().clone(),
                    at: snapshot.event_time(now, Some(attendee), None),
                })
            })
            .collect();
        if let Some(attendee) = &undoable.delete {
            ops.push(Op::delete(Entity::Attendee, attendee.as_str()));
        }
        self.write(ops)?;
        Ok(self.undoable.0.remove(position).label)
    }

    /// The person whose badge (ticket secret, printed QR value) a scanner typed.
    pub fn find_badge(&mut self, code: &str) -> Result<AttendeeCard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(&Lookup::Badge(code.to_owned()))?;
        Ok(snapshot.card(person, now))
    }

    /// Registers a walk-in and signs them in, in one step (and one undo).
    pub fn register_walk_in(&mut self, walk_in: WalkIn) -> Result<SignInOutcome, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let day = open_day(&snapshot.sprint, now)?;
        let project = walk_in.project.as_deref().map(|p| snapshot.find_project(p)).transpose()?;
        if !walk_in.accept_code_of_conduct {
            return Err(Error::ConsentNeeded("please read and accept the code of conduct to sign in".into()));
        }
        let attendee = Attendee {
            id: AttendeeId(self.make_id("a")),
            name: walk_in.name,
            handle: walk_in.handle,
            first_timer: walk_in.first_timer,
            coc_version: Some(snapshot.sprint.code_of_conduct.version),
            photo_consent: walk_in.photo_consent,
            planned_days: vec![day],
            ..Attendee::default()
        }
        .normalized()?;
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
        let event = EventId(self.make_id("e"));
        let mut ops = Op::put(&attendee, None);
        ops.push(Op::Presence(PresenceEvent {
            id: event.clone(),
            kind: PresenceKind::SignIn,
            attendee: attendee.id.clone(),
            day,
            project: project.map(|p| p.id.clone()),
            device: self.store().device().clone(),
            at: now,
        }));
        self.write(ops)?;
        let person = crate::PersonRef { id: attendee.id.clone(), name: attendee.name.clone() };
        let undo = self.remember_undo(
            format!("{} was registered and signed in", attendee.name),
            vec![(attendee.id.clone(), event)],
            Some(attendee.id.clone()),
        );
        Ok(SignInOutcome {
            person,
            day,
            project: project.map(|p| snapshot.project_ref(p)),
            already_here: false,
            undo: Some(undo),
        })
    }
}
