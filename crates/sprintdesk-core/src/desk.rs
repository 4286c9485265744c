//! The [`Desk`]: one device's sprint with the time and ids passed in. It holds the store, the snapshot
//! cache and the undo list, and gives the use cases their two tools: [`Desk::snapshot`] to read and
//! [`Desk::write`] to change, plus one builder per kind of event so every event is stamped the same way.
//!
//! The use cases themselves live in the modules named after their area (`presence`, `attendees`, `claims`,
//! …), each an `impl Desk` block; this module knows none of them.

use crate::snapshot::Snapshot;
use crate::undo::UndoList;
use crate::{Error, Ids};
use chrono::NaiveDate;
use sprintdesk_domain::{
    AttendeeId, ClaimAction, ClaimEvent, Clock, EventId, Issue, IssueId, PresenceEvent, PresenceKind, ProjectId,
    Timestamp,
};
use sprintdesk_store::{ApplyOutcome, Change, Op, Store};
use std::sync::Arc;

/// The sprint as one device sees it, with the time passed in.
#[derive(Debug)]
pub struct Desk {
    store: Store,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
    cache: Option<(CacheKey, Arc<Snapshot>)>,
    /// Patch the snapshot after writes rather than read it again (off only to compare the two).
    patching: bool,
    writes: u64,
    pub(crate) undoable: UndoList,
    pub(crate) retro_tickets: crate::retro::RetroTickets,
}

type CacheKey = (i64, u64);

impl Desk {
    pub fn new(store: Store, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Self {
        Self {
            store,
            clock,
            ids,
            cache: None,
            patching: true,
            writes: 0,
            undoable: UndoList::default(),
            retro_tickets: crate::retro::RetroTickets::default(),
        }
    }

    /// Reads the whole sprint again after every write instead of patching it: for benchmarks that compare
    /// the two, and for tests that check they agree.
    #[doc(hidden)]
    pub fn reload_after_writes(&mut self) {
        self.patching = false;
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, for this device's own bookkeeping (never sprint data: that goes through [`Desk::write`]).
    pub(crate) fn local_store(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn into_store(self) -> Store {
        self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn make_id(&self, prefix: &str) -> String {
        self.ids.make(prefix)
    }

    /// Applies change records that came from other devices (the sync path).
    pub fn apply_remote(&mut self, changes: &[Change]) -> Result<ApplyOutcome, Error> {
        self.writes += 1;
        Ok(self.store.apply(changes, self.clock.now())?)
    }

    /// Runs `use_case` holding the file's write lock (see [`Store::begin_write_turn`]): for a use case that
    /// decides what to write from what it reads — an import (who is there already), a claim (who holds the
    /// issue) — while another process may write the same.
    pub fn in_write_turn<T>(&mut self, use_case: impl FnOnce(&mut Desk) -> Result<T, Error>) -> Result<T, Error> {
        self.store.begin_write_turn()?;
        let result = use_case(self);
        let ended = self.store.end_write_turn(result.is_ok());
        let output = result?;
        ended?;
        Ok(output)
    }

    /// Writes through the store's one mutation path.
    pub(crate) fn write(&mut self, ops: Vec<Op>) -> Result<(), Error> {
        self.write_returning(ops).map(drop)
    }

    /// [`Desk::write`], returning the change records written.
    pub(crate) fn write_returning(&mut self, ops: Vec<Op>) -> Result<Vec<sprintdesk_store::Change>, Error> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        self.writes += 1;
        let now = self.clock.now();
        let changes = self.store.write(now, ops)?;
        tracing::debug!(changes = changes.len(), first_seq = changes[0].seq, "recorded");
        Ok(changes)
    }

    /// The whole sprint in memory, brought up to date only when this or another process has written to the
    /// store since the last call: patched with the records that changed, or read again whole when many did.
    /// Reads are then cheap enough for a kiosk's every keystroke, however busy the door.
    pub(crate) fn snapshot(&mut self) -> Result<Arc<Snapshot>, Error> {
        let key = (self.store.data_version()?, self.writes);
        if let Some((cached, snapshot)) = &self.cache
            && *cached == key
        {
            return Ok(Arc::clone(snapshot));
        }
        // Patched in place when no reader still holds the old one (none does between use cases).
        if self.patching
            && let Some((_, mut cached)) = self.cache.take()
            && let Some(snapshot) = Arc::get_mut(&mut cached)
            && snapshot.patch(&self.store)?
        {
            self.cache = Some((key, Arc::clone(&cached)));
            return Ok(cached);
        }
        let snapshot = Arc::new(Snapshot::load(&self.store)?);
        self.cache = Some((key, Arc::clone(&snapshot)));
        Ok(snapshot)
    }

    // --- One builder per kind of event: each is stamped just after the events it follows -------------

    /// A sign-in of `attendee` for `day`, at `project`'s table if one is given.
    pub(crate) fn sign_in_event(
        &self,
        snapshot: &Snapshot,
        attendee: &AttendeeId,
        day: NaiveDate,
        project: Option<ProjectId>,
    ) -> PresenceEvent {
        self.presence_event(
            snapshot,
            EventId::made_by(&self.make_id("e"), self.store().device()),
            PresenceKind::SignIn,
            attendee,
            day,
            project,
        )
    }

    /// A sign-out of `attendee` on `day`.
    pub(crate) fn sign_out_event(&self, snapshot: &Snapshot, attendee: &AttendeeId, day: NaiveDate) -> PresenceEvent {
        self.presence_event(
            snapshot,
            EventId::made_by(&self.make_id("e"), self.store().device()),
            PresenceKind::SignOut,
            attendee,
            day,
            None,
        )
    }

    /// The retraction of `attendee`'s event `retracted` (an undo): its id names the event it takes back.
    pub(crate) fn retraction_event(
        &self,
        snapshot: &Snapshot,
        attendee: &AttendeeId,
        retracted: &EventId,
        day: NaiveDate,
    ) -> PresenceEvent {
        let id = PresenceEvent::retraction_id(retracted);
        self.presence_event(snapshot, id, PresenceKind::Retract, attendee, day, None)
    }

    fn presence_event(
        &self,
        snapshot: &Snapshot,
        id: EventId,
        kind: PresenceKind,
        attendee: &AttendeeId,
        day: NaiveDate,
        project: Option<ProjectId>,
    ) -> PresenceEvent {
        PresenceEvent {
            id,
            kind,
            attendee: attendee.clone(),
            day,
            project,
            device: self.store.device().clone(),
            at: snapshot.event_time(self.now(), Some(attendee), None),
        }
    }

    /// The retraction of the claim event `retracted` on `issue` (an undo): its id names the event it takes
    /// back.
    pub(crate) fn claim_retraction_event(
        &self,
        snapshot: &Snapshot,
        issue: &IssueId,
        retracted: &EventId,
    ) -> ClaimEvent {
        ClaimEvent {
            id: ClaimEvent::retraction_id(retracted),
            issue: issue.clone(),
            at: snapshot.event_time(self.now(), None, Some(issue)),
            action: ClaimAction::Retract,
            device: self.store.device().clone(),
        }
    }

    /// A claim event (claim, release, resolve, PR opened, merged) on `issue`.
    pub(crate) fn claim_event(&self, snapshot: &Snapshot, issue: &Issue, action: ClaimAction) -> ClaimEvent {
        let person = match &action {
            ClaimAction::Claim { attendee, .. } | ClaimAction::Release { attendee } => Some(attendee),
            _ => None,
        };
        ClaimEvent {
            id: EventId::made_by(&self.make_id("c"), self.store().device()),
            issue: issue.id.clone(),
            at: snapshot.event_time(self.now(), person, Some(&issue.id)),
            action,
            device: self.store.device().clone(),
        }
    }
}
