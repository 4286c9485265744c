use crate::change::{DELETED_FIELD, EVENT_FIELD, RETIREMENT_FIELD};
use crate::record::SPRINT_ID;
use crate::schema::{self, Kind, MIGRATIONS, TABLES, Table};
use crate::vector::VersionVector;
use crate::{Change, Entity, Hlc, Op, Record};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sprintdesk_domain::{ClaimEvent, DeviceId, PresenceEvent, Sprint, Timestamp};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the sprint database could not be read or written: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "this sprint database was written by a newer Sprintdesk (schema {found}, this one knows {known}); update Sprintdesk"
    )]
    NewerSchema { found: usize, known: usize },
    #[error("change {origin}#{seq} was refused: {reason}")]
    BadChange { origin: DeviceId, seq: u64, reason: String },
    #[error("a stored {entity} record could not be read: {reason}")]
    Unreadable { entity: &'static str, reason: String },
}

/// What [`Store::apply`] did with a batch of change records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyOutcome {
    pub applied: usize,
    /// Records already held: applying them again changed nothing.
    pub duplicates: usize,
    /// Records of an origin retired before them (see [`Store::reissue_future_changes`]): dropped, because
    /// what they said was issued again under their device's next origin.
    pub superseded: usize,
    /// Records not applied because they are stamped too far in the future (see [`MAX_AHEAD_MS`]).
    pub refused: Vec<Refused>,
}

/// A change record [`Store::apply`] would not take: its device's clock was ahead of this one's by more
/// than [`MAX_AHEAD_MS`] when it was made. The rest of that device's records in the batch are refused too,
/// so that what is held stays gap-free; they are taken once they are no longer in the future.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub origin: DeviceId,
    pub seq: u64,
    /// How far ahead of this device's clock the record is stamped.
    pub ahead_ms: i64,
}

/// The one field kept as the OR of every write, whatever their stamps: a device's revocation is final.
const STICKY_FIELD: &str = "revoked";

/// Records stamped more than an hour ahead of the receiving device's clock are refused: applied, one
/// device with a wrong clock would win every later edit for as long as its clock is off.
pub const MAX_AHEAD_MS: i64 = 60 * 60 * 1000;

/// What [`Store::reissue_future_changes`] did once this device's clock had been put back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reissue {
    /// The origins retired (the one the device wrote under until now, and any earlier one that kept
    /// records now known to be in the future), each with the last of its sequence numbers that stands.
    pub retired: Vec<(DeviceId, u64)>,
    /// The origin it writes under from now on.
    pub origin: DeviceId,
    /// How many records were issued again: the latest value of each field, and every event.
    pub reissued: usize,
    /// How far ahead of the corrected clock the newest retired record was stamped.
    pub ahead_ms: i64,
}

/// A deleted record that some device edited after (or without knowing of) the deletion: it stays
/// deleted, and an organizer reviews it and may restore it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedEdit {
    pub entity: Entity,
    pub id: String,
    pub deleted_by: DeviceId,
    pub deleted_at: Hlc,
    pub edited_by: DeviceId,
    pub edited_at: Hlc,
    /// The record's fields as they now stand, as JSON.
    pub record: Value,
}

/// One device's copy of the sprint.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) device: DeviceId,
}

impl Store {
    /// Opens (creating if needed) the database at `path` for `device`. WAL with `synchronous=FULL`: once
    /// a write returns, it survives a crash or a power cut. A busy timeout lets a CLI command and a running
    /// peer share the file.
    pub fn open(path: &Path, device: DeviceId) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn, device)
    }

    /// A private in-memory store, for tests and benchmarks.
    pub fn open_in_memory(device: DeviceId) -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, device)
    }

    fn init(mut conn: Connection, device: DeviceId) -> Result<Self, StoreError> {
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        migrate(&mut conn)?;
        let previous: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'device'", [], |row| row.get(0)).optional()?;
        if previous.as_deref() != Some(device.as_str()) {
            if let Some(previous) = previous {
                tracing::warn!(%previous, %device, "this database was last used by another device (copied?); continuing as this device");
            }
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('device', ?1)", [device.as_str()])?;
        }
        Ok(Self { conn, device })
    }

    pub fn device(&self) -> &DeviceId {
        &self.device
    }

    /// The origin this device stamps its change records with: its id, or `{id}~{n}` once it has retired
    /// earlier origins (see [`Store::reissue_future_changes`]). Read from the database at every write, so
    /// that every connection to it (the app, a CLI command, a running peer) writes under the same one.
    pub fn origin(&self) -> Result<DeviceId, StoreError> {
        read_origin(&self.conn, &self.device)
    }

    /// The one mutation path: writes `ops` made on this device at `now`, each as the data change plus its
    /// change record, all in one transaction. Returns the change records.
    pub fn write(&mut self, now: Timestamp, ops: Vec<Op>) -> Result<Vec<Change>, StoreError> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let origin = read_origin(&tx, &self.device)?;
        let mut seq: u64 =
            tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE origin = ?1", [origin.as_str()], |row| {
                row.get(0)
            })?;
        let mut hlc = last_hlc(&tx)?;
        let mut changes = Vec::with_capacity(ops.len());
        for op in ops {
            hlc = Hlc::next(hlc, now);
            seq += 1;
            changes.push(change_for(op, origin.clone(), seq, hlc));
        }
        if commit(&tx, changes.iter())? > 0 {
            // Cannot happen while the origin is read in this transaction; never acknowledge a lost write.
            return Err(StoreError::BadChange { origin, seq, reason: "its origin has been retired".into() });
        }
        tx.commit()?;
        Ok(changes)
    }

    /// Puts right what this device stamped while its clock was fast, once the clock has been put back
    /// (its clock, `now`, is more than [`MAX_AHEAD_MS`] behind a stamp it holds). Peers with right clocks
    /// refuse records stamped that far ahead, and the device's clock would go on stamping from there, so
    /// on its own it would not converge until real time caught up — a day, for a clock a day fast.
    ///
    /// Call it only when a second clock agrees with `now` (sync calls it when a peer whose clock is within
    /// two minutes of this device's refuses this device's records as in its future): alone, a device cannot
    /// tell a fast clock put right from a right clock gone slow, and issuing its records again with a slow
    /// clock's stamps would let older edits win.
    ///
    /// Instead, the device retires its origins after the last record each stamped no later than `now`, and
    /// issues the rest again under its next origin (`{device}~{n}`), freshly stamped: the latest value of
    /// each field (a revocation stays one) and every event, in their order, then the retirements. Every
    /// device that applies a retirement drops the retired records it holds, rebuilds what they touched from
    /// the rest of its log, and takes none of them again. Nothing is lost: what the device did arrives as if
    /// done now. Its clock is also brought back to the newest stamp a right clock would accept.
    ///
    /// Cheap when there is nothing to do (one read). Returns what it did, if anything was issued again.
    pub fn reissue_future_changes(&mut self, now: Timestamp) -> Result<Option<Reissue>, StoreError> {
        let horizon = Hlc::from_parts(millis(now.0.saturating_add(MAX_AHEAD_MS)), u16::MAX);
        if last_hlc(&self.conn)? <= horizon {
            return Ok(None);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let planned = plan_reissue(&tx, &self.device, now)?;
        if let Some((changes, _)) = &planned {
            commit(&tx, changes.iter())?;
        }
        tx.commit()?;
        let Some((_, reissue)) = planned else { return Ok(None) };
        tracing::warn!(
            retired = ?reissue.retired,
            origin = %reissue.origin,
            reissued = reissue.reissued,
            ahead_ms = reissue.ahead_ms,
            "this device's clock was put back: what it stamped in the future was issued again with the right time"
        );
        Ok(Some(reissue))
    }

    /// Applies change records from other devices (or this one, replayed), received at `now`. Records
    /// already held are skipped; the rest are materialized exactly as local writes are, in any order. The
    /// batch is one transaction: a record that is not well formed refuses the whole batch and changes
    /// nothing, not even this device's clock. Records stamped more than [`MAX_AHEAD_MS`] after `now` are
    /// left out and reported.
    pub fn apply(&mut self, changes: &[Change], now: Timestamp) -> Result<ApplyOutcome, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held_vector = read_vector(&tx)?;
        let retired = read_retirements(&tx)?;
        let latest = millis(now.0.saturating_add(MAX_AHEAD_MS));
        let mut fresh: Vec<&Change> = Vec::with_capacity(changes.len());
        let mut refused: Vec<Refused> = Vec::new();
        let mut superseded = 0;
        let mut seen: std::collections::HashSet<(&str, u64)> = std::collections::HashSet::new();
        {
            let mut held = tx.prepare_cached("SELECT 1 FROM changes WHERE origin = ?1 AND seq = ?2")?;
            let mut highest = tx.prepare_cached("SELECT MAX(seq) FROM changes WHERE origin = ?1")?;
            // Above an origin's highest held sequence nothing is held: no lookup needed per record.
            let mut highest_held: std::collections::HashMap<DeviceId, u64> = std::collections::HashMap::new();
            for change in changes {
                let key = (change.origin.as_str(), change.seq);
                if change.seq <= held_vector.get(&change.origin) || seen.contains(&key) {
                    continue;
                }
                if retired.get(change.origin.as_str()).is_some_and(|after| change.seq > *after) {
                    seen.insert(key);
                    superseded += 1;
                    continue;
                }
                let top = match highest_held.get(&change.origin) {
                    Some(top) => *top,
                    None => {
                        let top: Option<u64> = highest.query_row([change.origin.as_str()], |row| row.get(0))?;
                        highest_held.insert(change.origin.clone(), top.unwrap_or(0));
                        top.unwrap_or(0)
                    }
                };
                if change.seq <= top && held.exists(params![change.origin.as_str(), change.seq])? {
                    continue;
                }
                seen.insert(key);
                let blocked = refused.iter().any(|r| r.origin == change.origin && r.seq < change.seq);
                if blocked || change.hlc.millis() > latest {
                    let ahead_ms = i64::try_from(change.hlc.millis()).unwrap_or(i64::MAX).saturating_sub(now.0);
                    refused.push(Refused { origin: change.origin.clone(), seq: change.seq, ahead_ms });
                    continue;
                }
                fresh.push(change);
            }
        }
        // A refused record must not be followed by a later one from its device that slipped in earlier.
        fresh.retain(|change| !refused.iter().any(|r| r.origin == change.origin && r.seq < change.seq));
        // A retirement in this batch supersedes the records after it that it retires.
        let dropped = commit(&tx, fresh.iter().copied())?;
        tx.commit()?;
        if !refused.is_empty() {
            tracing::warn!(count = refused.len(), first = ?refused[0], "refused change records stamped in the future");
        }
        let duplicates = changes.len() - fresh.len() - refused.len() - superseded;
        Ok(ApplyOutcome { applied: fresh.len() - dropped, duplicates, superseded: superseded + dropped, refused })
    }

    /// Whether a deletable record is deleted; `None` when there is no such record at all.
    pub fn is_deleted(&self, entity: Entity, id: &str) -> Result<Option<bool>, StoreError> {
        if !entity.is_deletable() {
            return Ok(None);
        }
        let sql = format!("SELECT deleted FROM {} WHERE id = ?1", schema::table(entity).name);
        Ok(self.conn.query_row(&sql, [id], |row| row.get::<_, bool>(0)).optional()?)
    }

    /// What this device holds of the change log.
    pub fn vector(&self) -> Result<VersionVector, StoreError> {
        read_vector(&self.conn)
    }

    /// Up to `limit` of `origin`'s change records after `after`, in sequence order.
    pub fn changes_after(&self, origin: &DeviceId, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read_changes(
            &self.conn,
            "WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            params![origin.as_str(), after, limit],
        )
    }

    /// Deleted records that were edited after their deletion (or by a device that had not yet heard of
    /// it): the organizer's review list. They stay deleted until restored with [`Op::restore`].
    pub fn deleted_then_edited(&self) -> Result<Vec<DeletedEdit>, StoreError> {
        let mut found = Vec::new();
        for table in TABLES.iter().filter(|table| table.entity.is_deletable()) {
            let entity = table.entity.as_str();
            let mut statement = self.conn.prepare_cached(&format!(
                "SELECT d.entity_id, d.hlc, d.origin, e.hlc, e.origin
                 FROM {table} t
                 JOIN field_versions d ON d.entity = ?1 AND d.entity_id = t.id AND d.field = 'deleted'
                 JOIN field_versions e ON e.entity = ?1 AND e.entity_id = t.id AND e.field != 'deleted'
                 WHERE t.deleted = 1 AND e.hlc > d.hlc
                 ORDER BY t.id, e.hlc DESC",
                table = table.name
            ))?;
            let rows = statement.query_map([entity], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })?;
            let mut last_id: Option<String> = None;
            for row in rows {
                let (id, deleted_at, deleted_by, edited_at, edited_by) = row?;
                if last_id.as_deref() == Some(id.as_str()) {
                    continue; // Ordered newest edit first: keep one entry per record.
                }
                last_id = Some(id.clone());
                let record = read_rows(&self.conn, table, "WHERE id = ?1", &[&id])?.pop().unwrap_or(Value::Null);
                found.push(DeletedEdit {
                    entity: table.entity,
                    id,
                    deleted_by: DeviceId(deleted_by),
                    deleted_at: Hlc(deleted_at as u64),
                    edited_by: DeviceId(edited_by),
                    edited_at: Hlc(edited_at as u64),
                    record,
                });
            }
        }
        Ok(found)
    }

    /// All change records, in `(origin, seq)` order.
    pub fn changes(&self) -> Result<Vec<Change>, StoreError> {
        read_changes(&self.conn, "ORDER BY origin, seq", [])
    }

    pub fn change_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM changes", [], |row| row.get(0))?)
    }

    /// Changes whenever any connection (this process or another) commits to the database.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    pub fn sprint(&self) -> Result<Option<Sprint>, StoreError> {
        self.get::<Sprint>(SPRINT_ID)
    }

    /// Every record of a kind. Rows that are not complete yet (a sync delivered some of a new record's
    /// fields and not the rest) are left out until they are.
    pub fn all<R: Record>(&self) -> Result<Vec<R>, StoreError> {
        self.select::<R>("", &[])
    }

    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>, StoreError> {
        Ok(self.select::<R>("WHERE id = ?1", &[id])?.into_iter().next())
    }

    /// Records whose `field` equals `value`; `field` must be one of the record's columns.
    pub fn find<R: Record>(&self, field: &str, value: &str) -> Result<Vec<R>, StoreError> {
        let table = schema::table(R::ENTITY);
        let (column, _) = table.column(field).unwrap_or_else(|| panic!("{} has no field {field}", table.name));
        self.select::<R>(&format!("WHERE \"{column}\" = ?1"), &[value])
    }

    pub fn presence_events(&self) -> Result<Vec<PresenceEvent>, StoreError> {
        self.events(Entity::PresenceEvent)
    }

    pub fn claim_events(&self) -> Result<Vec<ClaimEvent>, StoreError> {
        self.events(Entity::ClaimEvent)
    }

    fn events<E: serde::de::DeserializeOwned>(&self, entity: Entity) -> Result<Vec<E>, StoreError> {
        let rows = read_rows(&self.conn, schema::table(entity), "ORDER BY at, id", &[])?;
        rows.into_iter()
            .map(|row| {
                serde_json::from_value(row)
                    .map_err(|e| StoreError::Unreadable { entity: entity.as_str(), reason: e.to_string() })
            })
            .collect()
    }

    fn select<R: Record>(&self, filter: &str, args: &[&str]) -> Result<Vec<R>, StoreError> {
        let live = if R::ENTITY.is_deletable() {
            if filter.is_empty() { "WHERE deleted = 0" } else { "AND deleted = 0" }
        } else {
            ""
        };
        let rows = read_rows(&self.conn, schema::table(R::ENTITY), &format!("{filter} {live} ORDER BY id"), args)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match serde_json::from_value(row) {
                Ok(record) => Some(record),
                Err(error) => {
                    tracing::debug!(entity = R::ENTITY.as_str(), %error, "skipping an incomplete record");
                    None
                }
            })
            .collect())
    }

    /// A hash of everything the sprint shows (records and events, not the change log or local
    /// bookkeeping): two devices have equal digests exactly when they hold the same sprint.
    pub fn digest(&self) -> Result<String, StoreError> {
        let mut hasher = Sha256::new();
        for table in TABLES.iter().filter(|table| table.entity != Entity::Retirement) {
            hasher.update(table.name.as_bytes());
            for row in read_rows(&self.conn, table, "ORDER BY id", &[])? {
                hasher.update([0]);
                hasher.update(row.to_string().as_bytes());
            }
        }
        Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(StoreError::NewerSchema { found: version, known: MIGRATIONS.len() });
    }
    for (number, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", number + 1)?;
        tx.commit()?;
        tracing::debug!(migration = number + 1, "migrated the sprint database");
    }
    Ok(())
}

fn read_vector(conn: &Connection) -> Result<VersionVector, StoreError> {
    let mut statement = conn.prepare_cached("SELECT origin, seq FROM vector")?;
    let rows = statement.query_map([], |row| Ok((DeviceId(row.get(0)?), row.get::<_, u64>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn read_change(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Change, StoreError>> {
    let entity: String = row.get(3)?;
    let value: String = row.get(6)?;
    let unreadable = |reason: String| StoreError::Unreadable { entity: "change", reason };
    let Some(entity) = Entity::parse(&entity) else {
        return Ok(Err(unreadable(format!("unknown entity {entity}"))));
    };
    let value = match serde_json::from_str(&value) {
        Ok(value) => value,
        Err(e) => return Ok(Err(unreadable(e.to_string()))),
    };
    Ok(Ok(Change {
        origin: DeviceId(row.get(0)?),
        seq: row.get(1)?,
        hlc: Hlc(row.get::<_, i64>(2)? as u64),
        entity,
        entity_id: row.get(4)?,
        field: row.get(5)?,
        value,
    }))
}

fn last_hlc(conn: &Connection) -> Result<Hlc, StoreError> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |row| row.get(0)).optional()?;
    Ok(Hlc(text.and_then(|t| t.parse().ok()).unwrap_or(0)))
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
    Change { origin, seq, hlc, entity, entity_id, field, value }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("events serialize to JSON")
}

/// Materializes `changes` and appends them to the change log, in the caller's transaction. The only code
/// that writes the data tables. Records of a retired origin past its retirement (one earlier in `changes`
/// included) are left out; returns how many.
fn commit<'a>(conn: &Connection, changes: impl Iterator<Item = &'a Change> + Clone) -> Result<usize, StoreError> {
    let mut log = conn.prepare_cached(
        "INSERT INTO changes (origin, seq, hlc, entity, entity_id, field, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut newest = last_hlc(conn)?;
    let mut retired = read_retirements(conn)?;
    let mut dropped: std::collections::HashSet<(&DeviceId, u64)> = std::collections::HashSet::new();
    for change in changes.clone() {
        if retired.get(change.origin.as_str()).is_some_and(|after| change.seq > *after) {
            dropped.insert((&change.origin, change.seq));
            continue;
        }
        materialize(conn, change).map_err(|reason| match reason {
            Refusal::Bad(reason) => StoreError::BadChange { origin: change.origin.clone(), seq: change.seq, reason },
            Refusal::Sqlite(error) => StoreError::Sqlite(error),
        })?;
        log.execute(params![
            change.origin.as_str(),
            change.seq,
            change.hlc.0 as i64,
            change.entity.as_str(),
            change.entity_id,
            change.field,
            change.value.to_string(),
        ])?;
        newest = newest.max(change.hlc);
        if change.entity == Entity::Retirement {
            retired = read_retirements(conn)?;
        }
    }
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?1)", [newest.0.to_string()])?;
    let mut arrived: std::collections::BTreeMap<&DeviceId, std::collections::HashSet<u64>> = Default::default();
    for change in changes {
        let retired_since = retired.get(change.origin.as_str()).is_some_and(|after| change.seq > *after);
        if !retired_since && !dropped.contains(&(&change.origin, change.seq)) {
            arrived.entry(&change.origin).or_default().insert(change.seq);
        }
    }
    for (origin, seqs) in arrived {
        advance_vector(conn, origin, &seqs)?;
    }
    Ok(dropped.len())
}

/// Retired origins and the last sequence of each that stands.
fn read_retirements(conn: &Connection) -> Result<std::collections::HashMap<String, u64>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT id, \"after\" FROM retirements")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The origin `device` writes under (kept per device id: a file opened under two ids keeps both straight).
fn read_origin(conn: &Connection, device: &DeviceId) -> Result<DeviceId, StoreError> {
    let origin: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([format!("origin:{device}")], |row| row.get(0))
        .optional()?;
    Ok(origin
        .map(DeviceId)
        .filter(|origin| device_of(origin.as_str()) == device.as_str())
        .unwrap_or_else(|| device.clone()))
}

fn millis(at: i64) -> u64 {
    u64::try_from(at).unwrap_or(0)
}

/// The change records that retire what this device stamped after `now` and issue it again under the
/// device's next origin, with what they do; `None` when the device stamped nothing after `now`. Either way
/// the device's clock is brought back to the newest stamp it holds that a right clock accepts. See
/// [`Store::reissue_future_changes`].
fn plan_reissue(
    conn: &Connection,
    device: &DeviceId,
    now: Timestamp,
) -> Result<Option<(Vec<Change>, Reissue)>, StoreError> {
    let present = Hlc::from_parts(millis(now.0), u16::MAX);
    let horizon = Hlc::from_parts(millis(now.0.saturating_add(MAX_AHEAD_MS)), u16::MAX);
    // Every origin the device has written under, oldest first: records an earlier origin kept when it was
    // retired may be in the future too (a clock put right twice, or only part of the way the first time).
    let mut own: Vec<DeviceId> = read_vector(conn)?
        .iter()
        .map(|(origin, _)| origin)
        .filter(|o| device_of(o.as_str()) == device.as_str())
        .cloned()
        .collect();
    own.sort_by_key(|origin| epoch_of(origin.as_str()));
    let mut retired: Vec<(DeviceId, u64)> = Vec::new();
    let mut tail: Vec<Change> = Vec::new();
    for origin in own {
        // Within an origin a device's stamps rise with its sequence, so what it stamped after `now` is a tail.
        let after: u64 = conn.query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE origin = ?1 AND hlc <= ?2",
            params![origin.as_str(), present.0 as i64],
            |row| row.get(0),
        )?;
        let records =
            read_changes(conn, "WHERE origin = ?1 AND seq > ?2 ORDER BY seq", params![origin.as_str(), after])?;
        if !records.is_empty() {
            tail.extend(records);
            retired.push((origin, after));
        }
    }

    let mut clock = Hlc::default();
    let newest: Vec<(String, i64)> = conn
        .prepare("SELECT origin, MAX(hlc) FROM changes WHERE hlc <= ?1 GROUP BY origin")?
        .query_map([horizon.0 as i64], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (origin, newest) in newest {
        let newest = match retired.iter().find(|(retired, _)| retired.as_str() == origin) {
            Some((_, after)) => conn.query_row(
                "SELECT COALESCE(MAX(hlc), 0) FROM changes WHERE origin = ?1 AND seq <= ?2 AND hlc <= ?3",
                params![origin, after, horizon.0 as i64],
                |row| row.get(0),
            )?,
            None => newest,
        };
        clock = clock.max(Hlc(newest as u64));
    }
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?1)", [clock.0.to_string()])?;
    let Some(newest) = tail.iter().map(|c| c.hlc).max() else { return Ok(None) };
    let ahead_ms = i64::try_from(newest.millis()).unwrap_or(i64::MAX).saturating_sub(now.0);

    // The next origin: past every one this device has used, whichever connection made it.
    let used = read_vector(conn)?
        .iter()
        .filter(|(origin, _)| device_of(origin.as_str()) == device.as_str())
        .map(|(origin, _)| epoch_of(origin.as_str()))
        .chain([epoch_of(read_origin(conn, device)?.as_str())])
        .max()
        .unwrap_or(1);
    let next = DeviceId(format!("{device}~{}", used + 1));
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![format!("origin:{device}"), next.as_str()],
    )?;

    // The latest value of each field and every event, in the order they were made; a revocation stays a
    // revocation whatever followed it. Then the retirements, last, so that a device applying them already
    // holds what replaces the records they drop: the tail's own retirements (a clock put right twice) and
    // the new ones, the lowest per origin.
    let mut seen_fields = std::collections::HashSet::new();
    let mut again: Vec<Change> = tail
        .iter()
        .rev()
        .filter(|c| c.entity != Entity::Retirement)
        .filter(|c| c.entity.is_event() || seen_fields.insert((c.entity, c.entity_id.as_str(), c.field.as_str())))
        .cloned()
        .collect();
    again.reverse();
    for change in again.iter_mut().filter(|c| c.entity == Entity::Device && c.field == STICKY_FIELD) {
        let revoked = tail
            .iter()
            .any(|c| c.entity_id == change.entity_id && c.field == STICKY_FIELD && c.value == Value::Bool(true));
        change.value = Value::Bool(revoked);
    }
    let mut lowest: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    let carried = tail
        .iter()
        .filter(|c| c.entity == Entity::Retirement)
        .filter_map(|c| Some((c.entity_id.clone(), c.value.as_u64()?)));
    for (origin, after) in carried.chain(retired.iter().map(|(origin, after)| (origin.to_string(), *after))) {
        let entry = lowest.entry(origin).or_insert(after);
        *entry = (*entry).min(after);
    }
    let retirements = lowest
        .into_iter()
        .map(|(origin, after)| (Entity::Retirement, origin, RETIREMENT_FIELD.to_owned(), Value::from(after)));
    let bodies = again.into_iter().map(|old| (old.entity, old.entity_id, old.field, old.value));
    let mut hlc = clock;
    let changes: Vec<Change> = bodies
        .chain(retirements)
        .enumerate()
        .map(|(i, (entity, entity_id, field, value))| {
            hlc = Hlc::next(hlc, now);
            Change { origin: next.clone(), seq: i as u64 + 1, hlc, entity, entity_id, field, value }
        })
        .collect();
    let reissued = changes.iter().filter(|c| c.entity != Entity::Retirement).count();
    let reissue = Reissue { reissued, retired, origin: next, ahead_ms };
    Ok(Some((changes, reissue)))
}

/// Applies a retirement: records the origin as retired after `after` (the lower, if it already was),
/// drops its records held past that, and rebuilds every record they touched from the rest of the log.
fn retire(conn: &Connection, change: &Change) -> Result<(), Refusal> {
    let Some(after) = change.value.as_u64().filter(|_| change.field == RETIREMENT_FIELD) else {
        return Err(Refusal::Bad(format!(
            "a retirement must give the last sequence that stands in {RETIREMENT_FIELD:?}"
        )));
    };
    if change.entity_id == change.origin.as_str() {
        return Err(Refusal::Bad("a device cannot retire the origin it writes under".into()));
    }
    let (retired, by) = (split_origin(&change.entity_id), split_origin(change.origin.as_str()));
    if retired.0 != by.0 || retired.1 >= by.1 {
        return Err(Refusal::Bad("a device can retire only its own earlier origins".into()));
    }
    if i64::try_from(after).is_err() {
        return Err(Refusal::Bad("a retirement's sequence is out of range".into()));
    }
    let origin = change.entity_id.as_str();
    conn.prepare_cached(
        "INSERT INTO retirements (id, \"after\") VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET \"after\" = MIN(\"after\", excluded.\"after\")",
    )?
    .execute(params![origin, after])?;
    let after: u64 = conn.query_row("SELECT \"after\" FROM retirements WHERE id = ?1", [origin], |row| row.get(0))?;
    conn.execute("UPDATE vector SET seq = ?2 WHERE origin = ?1 AND seq > ?2", params![origin, after])?;
    let mut touched: std::collections::HashMap<Entity, std::collections::HashSet<String>> = Default::default();
    for dropped in read_changes(conn, "WHERE origin = ?1 AND seq > ?2", params![origin, after]).map_err(unreadable)? {
        if dropped.entity != Entity::Retirement {
            touched.entry(dropped.entity).or_default().insert(dropped.entity_id);
        }
    }
    conn.execute("DELETE FROM changes WHERE origin = ?1 AND seq > ?2", params![origin, after])?;
    if touched.is_empty() {
        return Ok(());
    }
    for (entity, ids) in &touched {
        let table = schema::table(*entity).name;
        for id in ids {
            conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
            conn.execute(
                "DELETE FROM field_versions WHERE entity = ?1 AND entity_id = ?2",
                params![entity.as_str(), id],
            )?;
        }
    }
    // One pass over the log (it has no index by record: this is rare), then the same code as any apply.
    let mut remaining = Vec::new();
    {
        let mut statement = conn.prepare("SELECT origin, seq, hlc, entity, entity_id, field, value FROM changes")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let entity = Entity::parse(row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?);
            let ids = entity.and_then(|entity| touched.get(&entity));
            if ids.is_some_and(|ids| {
                row.get_ref(4).ok().and_then(|id| id.as_str().ok()).is_some_and(|id| ids.contains(id))
            }) {
                remaining.push(read_change(row)?.map_err(unreadable)?);
            }
        }
    }
    for change in &remaining {
        materialize(conn, change)?;
    }
    Ok(())
}

/// The device an origin belongs to: `laptop` for `laptop`, `laptop~2`, `laptop~3`…
pub fn device_of(origin: &str) -> &str {
    split_origin(origin).0
}

/// Which of its device's origins this is: 1 for the device's own id, `n` for `{id}~{n}`.
fn epoch_of(origin: &str) -> u64 {
    split_origin(origin).1
}

fn split_origin(origin: &str) -> (&str, u64) {
    match origin.rsplit_once('~') {
        Some((device, epoch)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (device, epoch.parse().unwrap_or(u64::MAX))
        }
        _ => (origin, 1),
    }
}

fn unreadable(error: StoreError) -> Refusal {
    match error {
        StoreError::Sqlite(error) => Refusal::Sqlite(error),
        other => Refusal::Bad(other.to_string()),
    }
}

fn read_changes(conn: &Connection, tail: &str, args: impl rusqlite::Params) -> Result<Vec<Change>, StoreError> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT origin, seq, hlc, entity, entity_id, field, value FROM changes {tail}"))?;
    let rows = statement.query_map(args, read_change)?;
    rows.map(|row| row?).collect()
}

/// Moves `origin`'s entry of the version vector up to the highest sequence held without a gap. `arrived`
/// are the sequences just written, known held without asking the database.
fn advance_vector(
    conn: &Connection,
    origin: &DeviceId,
    arrived: &std::collections::HashSet<u64>,
) -> Result<(), StoreError> {
    let start: u64 = conn
        .prepare_cached("SELECT seq FROM vector WHERE origin = ?1")?
        .query_row([origin.as_str()], |row| row.get(0))
        .optional()?
        .unwrap_or(0);
    let mut seq = start;
    let mut held = conn.prepare_cached("SELECT 1 FROM changes WHERE origin = ?1 AND seq = ?2")?;
    while arrived.contains(&(seq + 1)) || held.exists(params![origin.as_str(), seq + 1])? {
        seq += 1;
    }
    if seq != start {
        conn.prepare_cached("INSERT OR REPLACE INTO vector (origin, seq) VALUES (?1, ?2)")?
            .execute(params![origin.as_str(), seq])?;
    }
    Ok(())
}

enum Refusal {
    Bad(String),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for Refusal {
    fn from(error: rusqlite::Error) -> Self {
        Refusal::Sqlite(error)
    }
}

fn materialize(conn: &Connection, change: &Change) -> Result<(), Refusal> {
    let table = schema::table(change.entity);
    if change.entity_id.is_empty() || change.entity_id.len() > 200 {
        return Err(Refusal::Bad("the record id is empty or too long".into()));
    }
    if change.entity.is_event() {
        return insert_event(conn, table, change);
    }
    if change.entity == Entity::Retirement {
        return retire(conn, change);
    }
    if change.entity == Entity::Sprint && change.entity_id != SPRINT_ID {
        return Err(Refusal::Bad("there is one sprint per database".into()));
    }
    let (column, kind) = if change.field == DELETED_FIELD && change.entity.is_deletable() {
        (DELETED_FIELD, Kind::Bool)
    } else {
        table
            .column(&change.field)
            .ok_or_else(|| Refusal::Bad(format!("{} has no field {:?}", change.entity.as_str(), change.field)))?
    };
    let value = to_sql(kind, &change.value).map_err(Refusal::Bad)?;
    // A revocation is final: `true` is kept whatever its stamp, so the column is the OR of every write.
    let sticky = change.entity == Entity::Device && column == STICKY_FIELD;
    let sticks = sticky && value == SqlValue::Integer(1);

    let entity = change.entity.as_str();
    let incoming = (change.hlc.0 as i64, change.origin.as_str());
    // Last writer wins by (HLC, origin): one upsert that records this write's stamp only when it is later
    // than the field's, and says (by the rows it changed) whether it was.
    let wins = conn
        .prepare_cached(
            "INSERT INTO field_versions (entity, entity_id, field, hlc, origin) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (entity, entity_id, field) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin
             WHERE (excluded.hlc, excluded.origin) > (field_versions.hlc, field_versions.origin)",
        )?
        .execute(params![entity, change.entity_id, column, incoming.0, incoming.1])?
        == 1;
    if !wins && !sticks {
        return Ok(()); // An equal or later write already won this field.
    }
    let assignment =
        if sticky { format!("MAX(\"{column}\", excluded.\"{column}\")") } else { format!("excluded.\"{column}\"") };
    conn.prepare_cached(&format!(
        "INSERT INTO {table} (id, \"{column}\") VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET \"{column}\" = {assignment}",
        table = table.name
    ))?
    .execute(params![change.entity_id, value])?;
    Ok(())
}

fn insert_event(conn: &Connection, table: &Table, change: &Change) -> Result<(), Refusal> {
    if change.field != EVENT_FIELD {
        return Err(Refusal::Bad(format!("an event change must have field \"{EVENT_FIELD}\"")));
    }
    // Reading the value as the domain event proves it is well formed before anything is written.
    let parsed = match change.entity {
        Entity::PresenceEvent => serde_json::from_value::<PresenceEvent>(change.value.clone()).map(|e| e.id),
        _ => serde_json::from_value::<ClaimEvent>(change.value.clone()).map(|e| e.id),
    };
    let id = parsed.map_err(|e| Refusal::Bad(format!("not a valid {}: {e}", change.entity.as_str())))?;
    if id.0 != change.entity_id {
        return Err(Refusal::Bad("the event's id does not match the change's record id".into()));
    }
    let mut values: Vec<SqlValue> = vec![SqlValue::Text(id.0)];
    for (name, kind) in table.columns {
        values.push(to_sql(*kind, change.value.get(*name).unwrap_or(&Value::Null)).map_err(Refusal::Bad)?);
    }
    let columns: Vec<String> = table.columns.iter().map(|(name, _)| format!("\"{name}\"")).collect();
    let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    conn.prepare_cached(&format!(
        "INSERT OR IGNORE INTO {} (id, {}) VALUES ({})",
        table.name,
        columns.join(", "),
        placeholders.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    Ok(())
}

fn to_sql(kind: Kind, value: &Value) -> Result<SqlValue, String> {
    Ok(match (kind, value) {
        (_, Value::Null) => SqlValue::Null,
        (Kind::Text, Value::String(text)) => SqlValue::Text(text.clone()),
        (Kind::Int, Value::Number(n)) if n.is_i64() => SqlValue::Integer(n.as_i64().unwrap_or_default()),
        (Kind::Bool, Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
        (Kind::Json, value) => SqlValue::Text(value.to_string()),
        (kind, value) => return Err(format!("{value} is not a valid {kind:?} value")),
    })
}

fn from_sql(kind: Kind, value: SqlValue) -> Value {
    match (kind, value) {
        (_, SqlValue::Null) => Value::Null,
        (Kind::Bool, SqlValue::Integer(i)) => Value::Bool(i != 0),
        (_, SqlValue::Integer(i)) => Value::from(i),
        (Kind::Json, SqlValue::Text(text)) => serde_json::from_str(&text).unwrap_or(Value::Null),
        (_, SqlValue::Text(text)) => Value::String(text),
        (_, SqlValue::Real(f)) => Value::from(f),
        (_, SqlValue::Blob(_)) => Value::Null,
    }
}

/// Reads rows of `table` as JSON objects keyed by field name: the shape the domain records deserialize
/// from.
fn read_rows(conn: &Connection, table: &Table, tail: &str, args: &[&str]) -> Result<Vec<Value>, StoreError> {
    let mut columns: Vec<String> = table.columns.iter().map(|(name, _)| format!("\"{name}\"")).collect();
    let deletable = table.entity.is_deletable();
    if deletable {
        columns.push(DELETED_FIELD.to_owned());
    }
    let sql = format!("SELECT id, {} FROM {} {tail}", columns.join(", "), table.name);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(args), |row| {
        let mut object = serde_json::Map::new();
        object.insert("id".into(), Value::String(row.get(0)?));
        for (i, (name, kind)) in table.columns.iter().enumerate() {
            object.insert((*name).into(), from_sql(*kind, row.get(i + 1)?));
        }
        if deletable {
            object.insert(DELETED_FIELD.into(), from_sql(Kind::Bool, row.get(table.columns.len() + 1)?));
        }
        Ok(Value::Object(object))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
