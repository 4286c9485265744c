//! What the kiosk (or a lead's screen) can still take back: the last few actions on this device, each with a token, a deadline
//! and what undoing it means. Kept in memory only, so an undo does not outlive the app. The undo use case
//! itself is in `kiosk`.

use sprintdesk_domain::{AttendeeId, EventId, IssueId, Timestamp};

/// How long after a kiosk action its undo is still accepted. The screen offers it for 10 seconds; the
/// core allows a little more so a tap in the last moment is not refused.
pub const UNDO_SECONDS: i64 = 15;

/// Undo tokens remembered, newest last; older ones are forgotten.
const UNDO_KEPT: usize = 32;

/// The actions that can still be undone on this device.
#[derive(Debug, Default)]
pub(crate) struct UndoList(Vec<Undoable>);

#[derive(Debug)]
pub(crate) struct Undoable {
    pub token: String,
    /// What undoing does, in words: "Ana Lima was signed in" (the kiosk words it as taken back); for an
    /// issue, what holds once undone: "#1 (Crash on start) is not marked merged".
    pub label: String,
    pub until: Timestamp,
    /// Presence events to retract, with whose they are.
    pub retract: Vec<(AttendeeId, EventId)>,
    /// A walk-in registration to delete.
    pub delete: Option<AttendeeId>,
    /// A lead's claim event to retract (claim, release, PR opened, merged…), on its issue.
    pub claim: Option<(IssueId, EventId)>,
    /// The consents a sign-in recorded, as they were before it: its undo puts them back (else a sign-in
    /// taken back at once left someone's photo consent or code-of-conduct acceptance as the door said).
    pub consents: Option<Consents>,
}

/// A person's consents as a sign-in found them: whose, the code of conduct version accepted, the photo
/// answer.
pub(crate) type Consents = (AttendeeId, Option<u32>, Option<bool>);

/// Why an undo token cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UndoGone {
    /// Undone already, never given, or forgotten (the app restarted).
    Unknown,
    /// Its time has passed; it is forgotten now.
    TooLate,
}

impl UndoList {
    /// Remembers an action that can be undone until `until`, forgetting the oldest beyond the last few.
    pub fn remember(&mut self, undoable: Undoable) {
        self.0.push(undoable);
        if self.0.len() > UNDO_KEPT {
            self.0.remove(0);
        }
    }

    /// The action behind `token`, if it can still be undone at `now`.
    pub fn get(&mut self, token: &str, now: Timestamp) -> Result<&Undoable, UndoGone> {
        let position = self.0.iter().position(|u| u.token == token).ok_or(UndoGone::Unknown)?;
        if now > self.0[position].until {
            self.0.remove(position);
            return Err(UndoGone::TooLate);
        }
        Ok(&self.0[position])
    }

    /// Forgets `token` once its undo is done, returning what was undone in words.
    pub fn forget(&mut self, token: &str) -> Option<String> {
        let position = self.0.iter().position(|u| u.token == token)?;
        Some(self.0.remove(position).label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn undoable(token: &str, until: i64) -> Undoable {
        Undoable {
            token: token.into(),
            label: token.into(),
            until: Timestamp(until),
            retract: vec![],
            delete: None,
            claim: None,
            consents: None,
        }
    }

    #[test]
    fn a_token_works_until_its_deadline_then_is_forgotten() {
        let mut list = UndoList::default();
        list.remember(undoable("u1", 100));
        assert!(list.get("u1", Timestamp(100)).is_ok(), "the last moment still counts");
        assert_eq!(list.get("u1", Timestamp(101)).err(), Some(UndoGone::TooLate));
        assert_eq!(list.get("u1", Timestamp(50)).err(), Some(UndoGone::Unknown), "forgotten once too late");
        assert_eq!(list.get("nope", Timestamp(0)).err(), Some(UndoGone::Unknown));
    }

    #[test]
    fn only_the_last_few_are_kept() {
        let mut list = UndoList::default();
        for n in 0..=UNDO_KEPT {
            list.remember(undoable(&format!("u{n}"), 1_000));
        }
        assert_eq!(list.get("u0", Timestamp(0)).err(), Some(UndoGone::Unknown));
        assert!(list.get(&format!("u{UNDO_KEPT}"), Timestamp(0)).is_ok());
        assert_eq!(list.forget("u1").as_deref(), Some("u1"));
        assert_eq!(list.forget("u1"), None);
    }
}
