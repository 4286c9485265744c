//! The one mutation path, [`Store::write`]: in one transaction it stamps this device's ops with its
//! origin, the next sequence numbers and its hybrid logical clock, materializes each, appends its change
//! record, and commits. It must not write a data table itself or open any other way to change the sprint:
//! rows change only through the materializer it shares with `Store::apply`.

use crate::chain::{check_own_role, seal};
use crate::change::{EVENT_FIELD, RETIREMENT_FIELD};
use crate::materialize::STICKY_FIELD;
use crate::materialize::materialize_and_record;
use crate::store::{MAX_EPOCH, Store, StoreError, last_hlc, read_origin};
use crate::{Change, Entity, Hlc, Op};
use rusqlite::TransactionBehavior;
use serde_json::Value;
use sprintdesk_domain::{DeviceId, Timestamp};

/// A write's transaction: its own, or a savepoint inside a write turn.
enum WriteTx<'a> {
    Transaction(rusqlite::Transaction<'a>),
    Savepoint(rusqlite::Savepoint<'a>),
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = rusqlite::Connection;
    fn deref(&self) -> &rusqlite::Connection {
        match self {
            WriteTx::Transaction(tx) => tx,
            WriteTx::Savepoint(savepoint) => savepoint,
        }
    }
}

impl WriteTx<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            WriteTx::Transaction(tx) => tx.commit(),
            WriteTx::Savepoint(savepoint) => savepoint.commit(),
        }
    }
}

impl Store {
    /// Takes the file's write lock until [`Store::end_write_turn`]: what a use case reads from here to its
    /// last write is what it writes on, whatever other processes (or this one's sync) would write meanwhile;
    /// they wait. Two imports of one file run at once in two processes each found none of the file's people
    /// and added them all: 6,000 people for 3,000, every badge twice.
    pub fn begin_write_turn(&mut self) -> Result<(), StoreError> {
        self.writable()?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Ends a write turn: keeps what was written in it, or takes it all back. An erasure written in the
    /// turn could not empty the write-ahead log inside it (it noted that it must): that is done now.
    pub fn end_write_turn(&mut self, keep: bool) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch(if keep { "COMMIT" } else { "ROLLBACK" })?;
        }
        self.scrub_if_pending();
        Ok(())
    }

    /// The one mutation path: writes `ops` made on this device at `now`, each as the data change plus its
    /// change record, all in one transaction. Returns the change records.
    pub fn write(&mut self, now: Timestamp, ops: Vec<Op>) -> Result<Vec<Change>, StoreError> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        self.writable()?;
        let trust = self.trust()?;
        // Acknowledged here, dropped by every other device: a revoked device is told so, and saves nothing.
        if let Some(why) = self.revoked_here(&trust)? {
            return Err(StoreError::NotAllowed(why));
        }
        self.size_cache_for(ops.len())?;
        // Its own transaction, or a savepoint inside a write turn (`Store::begin_write_turn`).
        let tx = if self.conn.is_autocommit() {
            WriteTx::Transaction(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
        } else {
            WriteTx::Savepoint(self.conn.savepoint()?)
        };
        let origin = read_origin(&tx, &self.device)?;
        let mut seq: u64 =
            tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE origin = ?1", [origin.as_str()], |row| {
                row.get(0)
            })?;
        let mut hlc = last_hlc(&tx)?;
        let ops = with_revocation_bounds(&tx, ops)?;
        let mut changes = Vec::with_capacity(ops.len());
        for op in ops {
            hlc = Hlc::next(hlc, now);
            seq += 1;
            changes.push(change_for(op, origin.clone(), seq, hlc));
        }
        // What the LAN would refuse is refused here first: a device never holds a write no other accepts.
        check_own_role(&tx, &trust, &self.device, &changes)?;
        for change in &changes {
            crate::fields::check(change)
                .map_err(|why| StoreError::NotAllowed(format!("that cannot be saved: {why}")))?;
            // What no device would keep (see `trust::unshareable`), this one does not write.
            if let Some(why) = crate::trust::unshareable(change) {
                return Err(StoreError::NotAllowed(format!(
                    "that is too long to keep and share with the venue's devices ({why})"
                )));
            }
        }
        // An erased person's personal data is never written again (it would be cleared, not kept: a write
        // acknowledged and lost). Emptying a field says nothing of anyone, and is taken.
        for change in &changes {
            // (Everyone's, once the retention period has ended, pull requests' authors with it.)
            let erased = change.erased_with().filter(|_| !change.value.is_null());
            if let Some(person) = erased
                && crate::materialize::is_erased(&tx, person)?
            {
                return Err(StoreError::NotAllowed(
                    "that person's personal data was erased: it cannot be written again (add them anew if they \
                     come back)"
                        .into(),
                ));
            }
        }
        seal(&tx, &self.device, &mut changes)?;
        if materialize_and_record(&tx, changes.iter())? > 0 {
            // Cannot happen while the origin is read in this transaction; never acknowledge a lost write.
            return Err(StoreError::BadChange { origin, seq, reason: "its origin has been retired".into() });
        }
        tx.commit()?;
        // The write knows its origin and last number: no query for them on the write path.
        self.note_written_at(&origin, seq);
        if changes.iter().any(|c| c.entity == Entity::Device) {
            self.forget_trust();
        }
        if changes.iter().any(|c| c.entity == Entity::Erasure) {
            self.scrub_files();
        } else {
            self.scrub_if_pending();
        }
        Ok(changes)
    }
}

/// `ops`, each revocation followed by the retirement of every origin the revoked device may write under
/// (its id, and `{id}~2` to `{id}~99`), after the last of its records held here, read in the write's own
/// transaction. A revocation reaches a device that has not heard of it only later: until then that device
/// takes what the revoked one still writes and passes it on, and a revocation that was only a flag let
/// those records in everywhere. Bound so, they are refused wherever the revocation is held, and dropped
/// where they were taken before it. What the revoked device wrote that this one does not hold yet is
/// dropped too: the organizer's screen says so before revoking.
fn with_revocation_bounds(conn: &rusqlite::Connection, ops: Vec<Op>) -> Result<Vec<Op>, StoreError> {
    let mut bounded = Vec::with_capacity(ops.len());
    for op in ops {
        let revoked = match &op {
            Op::Set { entity: Entity::Device, id, field, value }
                if *field == STICKY_FIELD && *value == Value::Bool(true) =>
            {
                Some(id.clone())
            }
            _ => None,
        };
        bounded.push(op);
        let Some(device) = revoked.filter(|device| crate::is_origin(device) && !device.contains('~')) else {
            continue;
        };
        let mut held = conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE origin = ?1")?;
        for epoch in 1..=MAX_EPOCH {
            let origin = if epoch == 1 { device.clone() } else { format!("{device}~{epoch}") };
            let after: u64 = held.query_row([origin.as_str()], |row| row.get(0))?;
            bounded.push(Op::Set {
                entity: Entity::Retirement,
                id: origin,
                field: RETIREMENT_FIELD,
                value: after.into(),
            });
        }
    }
    Ok(bounded)
}

fn change_for(op: Op, origin: DeviceId, seq: u64, hlc: Hlc) -> Change {
    let (entity, entity_id, field, value) = match op {
        Op::Set { entity, id, field, value } => (entity, id, field.to_owned(), value),
        Op::Presence(event) => {
            let id = event.id.0.clone();
            (Entity::PresenceEvent, id, EVENT_FIELD.to_owned(), to_json(&event))
        }
        Op::Claim(event) => {
            let id = event.id.0.clone();
            (Entity::ClaimEvent, id, EVENT_FIELD.to_owned(), to_json(&event))
        }
    };
    let mut change =
        Change { origin, seq, hlc, entity, entity_id, field, value, proof: None, cleared: None, salt: None };
    if change.is_personal() && !change.value.is_null() {
        change.salt = Some(new_salt());
    }
    change
}

/// Sixteen random bytes, hex: a personal value's salt (see [`Change::salt`]).
pub(crate) fn new_salt() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new().fill(&mut bytes).expect("the system's random source works");
    crate::trust::hex(&bytes)
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("events serialize to JSON")
}
