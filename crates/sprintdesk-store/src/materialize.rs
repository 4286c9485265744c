//! The materializer: the one code that writes the data tables. [`materialize_and_record`] turns change
//! records into rows, last-writer-wins per field by `(hlc, origin)` and insert-only for events, applies
//! retirements (dropping a retired origin's records and rebuilding what they touched from the rest of the
//! log), appends each record to the change log and moves the clock and the version vector past them.
//! `Store::write` and `Store::apply` both call it, so a local write and the same record from elsewhere
//! land alike. It opens no transaction (it runs in the caller's), reads no wall clock and decides no
//! rule beyond how records merge.

use crate::change::{
    DELETED_FIELD, ERASED_NAME, ERASURE_FIELD, ERASURE_KEYS_FIELD, EVENT_FIELD, PERSONAL_FIELDS, RETIREMENT_FIELD,
};
use crate::record::SPRINT_ID;
use crate::schema::{self, Kind, Table};
use crate::store::{StoreError, last_hlc, read_change, read_changes, read_retirements, split_origin};
use crate::{Change, Entity};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use sprintdesk_domain::{ClaimEvent, DeviceId, PresenceEvent};

/// The one field kept as the OR of every write, whatever their stamps: a device's revocation is final.
pub(crate) const STICKY_FIELD: &str = "revoked";

/// Materializes `changes` and appends them to the change log, in the caller's transaction, then moves
/// this device's clock and the version vector past them. The only code that writes the data tables.
/// Records of a retired origin past its retirement (one earlier in `changes` included) are left out;
/// returns how many.
pub(crate) fn materialize_and_record<'a>(
    conn: &Connection,
    changes: impl Iterator<Item = &'a Change> + Clone,
) -> Result<usize, StoreError> {
    materialize_and_record_judged(conn, changes, &Default::default(), None, None, None)
}

/// [`materialize_and_record`], with records whose author's role does not allow them (`refused`) logged and
/// relayed but not materialized: every device refuses them alike, and the chain they are links of stays
/// whole.
/// `view`: this device's role, when the venue vouches for it: fields it does not hold
/// ([`crate::trust::holds`]) are stored cleared.
/// `me`: the origin this device writes under, when the records come from others: a record that loses a
/// field to a later write under it, made here without that record, is noted as a lost edit (see
/// [`crate::Store::lost_edits`]).
/// `known`: the records as they arrived, with their values' JSON texts, for the log.
pub(crate) fn materialize_and_record_judged<'a>(
    conn: &Connection,
    changes: impl Iterator<Item = &'a Change> + Clone,
    refused: &std::collections::HashSet<(DeviceId, u64)>,
    view: Option<sprintdesk_domain::DeviceRole>,
    me: Option<&DeviceId>,
    known: Option<&crate::apply::Received>,
) -> Result<usize, StoreError> {
    // Whether anyone is erased here: until someone is, no record needs looking up against the erasures.
    let mut writer = Writer::new(conn, any_erased(conn)?);
    writer.me = me.map(|me| me.as_str().to_owned());
    let mut newest = last_hlc(conn)?;
    let mut retired = read_retirements(conn)?;
    let mut dropped: std::collections::HashSet<(&DeviceId, u64)> = std::collections::HashSet::new();
    for change in changes.clone() {
        if retired.get(change.origin.as_str()).is_some_and(|after| change.seq > *after) {
            dropped.insert((&change.origin, change.seq));
            continue;
        }
        let judged_out = !refused.is_empty() && refused.contains(&(change.origin.clone(), change.seq));
        let refusal = |reason: Refusal| match reason {
            Refusal::Bad(reason) => StoreError::BadChange { origin: change.origin.clone(), seq: change.seq, reason },
            Refusal::Sqlite(error) => StoreError::Sqlite(error),
        };
        // A record whose content was erased elsewhere, or that is about a person erased here: the log keeps
        // its place in the chain and the hash of its content, never the content.
        let mut cleared = clearing(conn, change, writer.erasures).map_err(refusal)?;
        if cleared.is_none() && view.is_some_and(|role| !crate::trust::holds(role, change.entity, &change.field)) {
            cleared = Some(crate::trust::content_hash(change)); // Not a field this kind of device holds.
        }
        if !judged_out && cleared.is_none() {
            materialize(&mut writer, change).map_err(refusal)?;
        }
        let text = known.and_then(|known| known.text_of(change));
        writer.log(change, judged_out, cleared, text).map_err(refusal)?;
        newest = newest.max(change.hlc);
        if change.entity == Entity::Retirement {
            retired = read_retirements(conn)?;
        }
    }
    writer.flush()?;
    clear_people_in_log(conn, &writer.erased)?;
    let lost = std::mem::take(&mut writer.lost);
    drop(writer);
    crate::lost::note(conn, &lost)?;
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

fn unreadable(error: StoreError) -> Refusal {
    match error {
        StoreError::Sqlite(error) => Refusal::Sqlite(error),
        other => Refusal::Bad(other.to_string()),
    }
}

/// Whether `change` is kept without its content, and the hash its content had: a record that arrives with
/// its content already cleared (only an attendee's personal fields ever are, and their value is then
/// null), or one about a personal field of a person erased here.
fn clearing(conn: &Connection, change: &Change, erasures: bool) -> Result<Option<[u8; 32]>, Refusal> {
    let personal = change.is_personal();
    if let Some(hash) = &change.cleared {
        let hash = crate::trust::unhex(hash).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
        return match hash {
            Some(hash) if personal && change.value.is_null() && change.salt.is_none() => Ok(Some(hash)),
            _ => Err(Refusal::Bad("only a person's erased personal data arrives cleared, as a null and a hash".into())),
        };
    }
    if let Some(person) = change.erased_with()
        && erasures
        && is_erased(conn, person)?
    {
        return Ok(Some(crate::trust::content_hash(change)));
    }
    Ok(None)
}

/// Whether anyone was erased here (alone, or everyone once the retention period ended).
fn any_erased(conn: &Connection) -> Result<bool, rusqlite::Error> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM erasures)")?.query_row([], |row| row.get(0))
}

/// Whether `attendee` was erased, alone or with everyone once the retention period ended.
pub(crate) fn is_erased(conn: &Connection, attendee: &str) -> Result<bool, rusqlite::Error> {
    // Two lookups by key: `id IN (?1, '*')` builds a temporary table on every call, a quarter of a bootstrap.
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM erasures WHERE id = ?1) OR EXISTS (SELECT 1 FROM erasures WHERE id = '*')",
    )?
    .query_row([attendee], |row| row.get(0))
}

/// Applies an erasure: the person is erased for good (erasures are only ever added), their personal
/// fields are replaced by a pseudonym in the attendees table, and every record of them in the change log
/// keeps only the hash of its content. The rest of what they did stays, counted under their id. The log is
/// cleared of a batch's people at its end, in one pass (see [`clear_people_in_log`]): a pass per person
/// made erasing an import's thousand people a thousand reads of the whole log on every device.
fn erase(writer: &mut Writer<'_>, change: &Change) -> Result<(), Refusal> {
    if change.field != ERASURE_FIELD || change.value != Value::Bool(true) {
        return Err(Refusal::Bad(format!("an erasure is final: its {ERASURE_FIELD:?} is true")));
    }
    let conn = writer.conn;
    if change.entity_id == crate::retention::EVERYONE {
        return erase_everyone(conn).map_err(unreadable);
    }
    conn.prepare_cached("INSERT OR IGNORE INTO erasures (id, erased) VALUES (?1, 1)")?.execute([&change.entity_id])?;
    pseudonymize(conn, &change.entity_id)?;
    writer.erased.push(change.entity_id.clone());
    Ok(())
}

/// Clears the personal records of `people` (erased in this batch) in the change log, in one pass over it.
/// Records of them later in the batch were logged cleared already.
fn clear_people_in_log(conn: &Connection, people: &[String]) -> Result<(), StoreError> {
    // The person's id is compared first: it turns nearly every record away at once.
    let personal = format!("AND entity = 'attendee' AND cleared IS NULL AND field IN ({})", sql_list(&PERSONAL_FIELDS));
    let held = match people {
        [] => return Ok(()),
        [one] => read_changes(conn, &format!("WHERE entity_id = ?1 {personal}"), [one])?,
        many => {
            let ids = serde_json::to_string(many).unwrap_or_else(|_| "[]".into());
            read_changes(conn, &format!("WHERE entity_id IN (SELECT value FROM json_each(?1)) {personal}"), [ids])?
        }
    };
    clear_in_log(conn, &held)
}

/// Erases everyone (`*`, once the retention period has ended): see [`erase`]. One person's erasure is
/// [`erase`]'s, its log cleared with the batch's others by [`clear_people_in_log`].
pub(crate) fn erase_everyone(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO erasures (id, erased) VALUES (?1, 1)")?
        .execute([crate::retention::EVERYONE])?;
    let personal = format!("cleared IS NULL AND field IN ({})", sql_list(&PERSONAL_FIELDS));
    let ids: Vec<String> =
        conn.prepare("SELECT id FROM attendees")?.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    for id in &ids {
        pseudonymize(conn, id)?;
    }
    // The authors of pull requests by people not on the list go with everyone's personal data, and so do
    // the keys of people erased before (nobody is imported any more).
    conn.execute("UPDATE pull_requests SET author = NULL WHERE author IS NOT NULL", [])?;
    let held = read_changes(
        conn,
        &format!(
            "WHERE (entity = 'attendee' AND {personal}) OR (entity = 'pull_request' AND field = '{}' AND cleared IS NULL) \
             OR (entity = 'erasure' AND field = '{ERASURE_KEYS_FIELD}' AND cleared IS NULL)",
            crate::change::PR_AUTHOR_FIELD
        ),
        [],
    )?;
    clear_in_log(conn, &held)
}

/// `'a', 'b'`: field names for an SQL `IN (…)`.
pub(crate) fn sql_list(fields: &[&str]) -> String {
    fields.iter().map(|field| format!("'{field}'")).collect::<Vec<_>>().join(", ")
}

/// Clears `records` in the change log: each keeps its place and the hash of its content, never the content
/// or its salt.
pub(crate) fn clear_in_log(conn: &Connection, records: &[Change]) -> Result<(), StoreError> {
    let mut clear = conn.prepare_cached(
        "UPDATE changes SET value = 'null', cleared = ?3, salt = NULL WHERE origin = ?1 AND seq = ?2",
    )?;
    for record in records {
        let hash = crate::trust::content_hash(record);
        clear.execute(params![record.origin.as_str(), record.seq, hash.as_slice()])?;
    }
    Ok(())
}

/// What an erased person's row shows: a pseudonym, and none of their personal fields.
fn pseudonymize(conn: &Connection, attendee: &str) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "INSERT INTO attendees (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET
         name = excluded.name, handle = NULL, email = NULL, badge_code = NULL",
    )?
    .execute(params![attendee, ERASED_NAME])?;
    Ok(())
}

/// Materializes one record. A field's winner is decided now; the row it wins in is written when `writer`
/// is flushed (see [`Writer`]).
fn materialize(writer: &mut Writer<'_>, change: &Change) -> Result<(), Refusal> {
    let conn = writer.conn;
    let table = schema::table(change.entity);
    if change.entity_id.is_empty() || change.entity_id.len() > 200 {
        return Err(Refusal::Bad("the record id is empty or too long".into()));
    }
    if change.cleared.is_some() {
        return Ok(()); // Its content is gone: nothing to set.
    }
    // An erasure and a retirement read and rewrite rows: the rows first hold what came before them.
    if change.entity == Entity::Erasure && change.field == ERASURE_KEYS_FIELD {
        // Kept in the log only, where an import reads it (`Store::erased_person_keys`).
        return if crate::person_keys::well_formed(&change.value) {
            Ok(())
        } else {
            Err(Refusal::Bad(format!(
                "an erasure's {ERASURE_KEYS_FIELD:?} are at most {} hashes",
                crate::MAX_PERSON_KEYS
            )))
        };
    }
    if change.entity == Entity::Erasure {
        writer.flush()?;
        erase(writer, change)?;
        writer.erasures = true;
        return Ok(());
    }
    if change.entity.is_event() {
        return insert_event(writer, table, change);
    }
    if change.entity == Entity::Retirement {
        writer.flush()?;
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
    let sticks = is_sticky(table, column) && value == SqlValue::Integer(1);

    // Last writer wins by (HLC, origin): the write's stamp is kept (with the row) only when it is later than
    // the field's; an equal or later write that already won the field leaves it as it is.
    let stamp = (change.hlc.0 as i64, change.origin.as_str());
    if let Some(value) = writer.offer(table, &change.entity_id, column, stamp, value, sticks)?
        && writer.watches(table, column)
    {
        writer.note_if_lost(table, change, column, value)?;
    }
    Ok(())
}

/// Whether `column` of `table` keeps the OR of every write (see [`STICKY_FIELD`]).
fn is_sticky(table: &Table, column: &str) -> bool {
    table.entity == Entity::Device && column == STICKY_FIELD
}

/// Appending a record to the change log (or [`ROWS_AT_ONCE`] records: [`many_rows`]).
const LOG: &str =
    "INSERT INTO changes (origin, seq, hlc, entity, entity_id, field, value, proof, refused, cleared, salt)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// The columns of a log row, each a parameter of [`LOG`].
const LOG_COLUMNS: usize = 11;
/// How many records a writer holds for the log before appending them.
const LOG_HELD: usize = 1024;
/// How many rows one statement inserts into the change log or an event table: a statement a row was most
/// of applying a bootstrap's batch, and most of that the statement's own cost, not the row's.
const ROWS_AT_ONCE: usize = 32;
/// The key of a statement inserting [`ROWS_AT_ONCE`] rows (see [`sql_once`]).
const MANY_KEY: u64 = 1 << 60;

/// `single`, an `INSERT … VALUES (?, …)` of one row into `table`, for [`ROWS_AT_ONCE`] rows.
fn many_rows(table: &'static str, single: &str) -> &'static str {
    sql_once((table, MANY_KEY), || {
        let (head, row) = single.split_once("VALUES").unwrap_or((single, ""));
        format!("{head}VALUES {}", vec![row.trim(); ROWS_AT_ONCE].join(", "))
    })
}

/// A record for the change log, held by [`Writer`] until it is flushed.
struct Logged<'c> {
    change: &'c Change,
    /// Refused by the rules of trust: logged, not materialized.
    refused: bool,
    /// The hash its content had, when it is kept without it.
    cleared: Option<[u8; 32]>,
    /// Where its value's JSON text is in [`Writer::texts`].
    text: std::ops::Range<usize>,
}

/// What materializing a batch writes with: its statements, held for the batch (not looked up by their
/// text per record), and the rows records have touched, each read once for the stamps of its fields
/// ([`Versions`]), judged in memory and written once: an attendee's ten fields are one row read and one
/// row write, not ten of each. What a row is set to is what writing each won field in turn would leave.
/// Flushed before anything reads or rewrites rows (an erasure, a retirement) and at the end of a batch.
struct Writer<'c> {
    conn: &'c Connection,
    /// Whether anyone may be erased here (if not, no lookup is needed).
    erasures: bool,
    /// Statements by the address of their `'static` text.
    held: Vec<(usize, rusqlite::CachedStatement<'c>)>,
    /// Rows with fields won and not written yet, in the order their first field was won; `index` finds
    /// them by table and id.
    pending: Vec<PendingRow>,
    index: std::collections::HashMap<(&'static str, String), usize>,
    /// This device, when the records are others': their edits its own later writes replaced unseen are
    /// gathered in `lost`.
    me: Option<String>,
    lost: Vec<(String, u64)>,
    /// People erased in this batch, whose records in the log are cleared at its end.
    erased: Vec<String>,
    /// Records for the change log, and their values' JSON texts one after another.
    log: Vec<Logged<'c>>,
    texts: Vec<u8>,
    /// Events for their tables, each table's rows' values one after another (see [`event_insert`]).
    events: Vec<(&'static Table, Vec<SqlValue>)>,
}

/// One row touched in a batch: the stamps of its fields and the fields won, not written yet.
struct PendingRow {
    table: &'static Table,
    id: String,
    /// The winning stamp of each of the row's fields: as read from the row, then as the batch leaves them.
    versions: Versions,
    /// A bit per column set: its place in `table.columns`, or [`DELETED_BIT`].
    columns: u64,
    /// Each column set, with its bit, and its value.
    values: Vec<(u64, &'static str, SqlValue)>,
}

/// The winning `(hlc, origin)` of each field of a row that has one, kept in the row's `versions` column as
/// JSON, `[[field, hlc, origin], …]`: readable in the database, and made by a migration from the table
/// that held them before.
#[derive(Default)]
pub(crate) struct Versions(Vec<(String, i64, String)>);

impl Versions {
    pub(crate) fn parse(text: Option<&str>) -> Result<Self, String> {
        match text {
            None => Ok(Self::default()),
            Some(text) => serde_json::from_str(text)
                .map(Self)
                .map_err(|e| format!("a row's field versions are not readable ({e})")),
        }
    }

    fn to_text(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// The stamp of `field`'s winning write, if it has one.
    pub(crate) fn get(&self, field: &str) -> Option<(i64, &str)> {
        self.0.iter().find(|(name, ..)| name == field).map(|(_, hlc, origin)| (*hlc, origin.as_str()))
    }

    /// Every field's stamp.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, i64, &str)> {
        self.0.iter().map(|(field, hlc, origin)| (field.as_str(), *hlc, origin.as_str()))
    }

    /// Keeps `incoming` as `field`'s stamp if it is later than the one kept (or none is); says whether it was.
    fn offer(&mut self, field: &str, incoming: (i64, &str)) -> bool {
        match self.0.iter_mut().find(|(name, ..)| name == field) {
            Some((_, hlc, origin)) => {
                let later = (incoming.0, incoming.1) > (*hlc, origin.as_str());
                if later {
                    *hlc = incoming.0;
                    incoming.1.clone_into(origin);
                }
                later
            }
            None => {
                self.0.push((field.to_owned(), incoming.0, incoming.1.to_owned()));
                true
            }
        }
    }
}

/// The bit of `deleted`, which is no column of [`Table::columns`].
const DELETED_BIT: u64 = 1 << 63;

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, erasures: bool) -> Self {
        Self {
            conn,
            erasures,
            held: Vec::new(),
            pending: Vec::new(),
            index: Default::default(),
            me: None,
            lost: Vec::new(),
            erased: Vec::new(),
            log: Vec::new(),
            texts: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Holds `change` for the change log (kept without its content when `cleared`), appended when the
    /// writer is flushed or holds [`LOG_HELD`] records. `text`: its value as JSON, when already written.
    fn log(
        &mut self,
        change: &'c Change,
        refused: bool,
        cleared: Option<[u8; 32]>,
        text: Option<&str>,
    ) -> Result<(), Refusal> {
        let start = self.texts.len();
        if cleared.is_some() {
            self.texts.extend_from_slice(b"null");
        } else if let Some(text) = text {
            self.texts.extend_from_slice(text.as_bytes());
        } else {
            serde_json::to_writer(&mut self.texts, &change.value).map_err(|e| Refusal::Bad(e.to_string()))?;
        }
        self.log.push(Logged { change, refused, cleared, text: start..self.texts.len() });
        if self.log.len() >= LOG_HELD {
            self.flush_log()?;
        }
        Ok(())
    }

    /// Holds the values of an event's row of `table` (its id, then its columns) for when the writer is
    /// flushed.
    fn event(&mut self, table: &'static Table, row: impl Iterator<Item = SqlValue>) {
        match self.events.iter_mut().find(|(held, _)| held.name == table.name) {
            Some((_, values)) => values.extend(row),
            None => self.events.push((table, row.collect())),
        }
    }

    /// Inserts the events held, [`ROWS_AT_ONCE`] to a statement.
    fn flush_events(&mut self) -> Result<(), rusqlite::Error> {
        for (table, values) in std::mem::take(&mut self.events) {
            let (single, width) = (event_insert(table), table.columns.len() + 1);
            let mut rows = values.chunks_exact(width * ROWS_AT_ONCE);
            for chunk in rows.by_ref() {
                let statement = self.statement(many_rows(table.name, single))?;
                for (i, value) in chunk.iter().enumerate() {
                    statement.raw_bind_parameter(i + 1, value)?;
                }
                statement.raw_execute()?;
            }
            for row in rows.remainder().chunks_exact(width) {
                let statement = self.statement(single)?;
                for (i, value) in row.iter().enumerate() {
                    statement.raw_bind_parameter(i + 1, value)?;
                }
                statement.raw_execute()?;
            }
        }
        Ok(())
    }

    /// Appends the records held for the change log, [`ROWS_AT_ONCE`] to a statement.
    fn flush_log(&mut self) -> Result<(), rusqlite::Error> {
        if self.log.is_empty() {
            return Ok(());
        }
        let mut log = std::mem::take(&mut self.log);
        let mut texts = std::mem::take(&mut self.texts);
        let all = std::str::from_utf8(&texts).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let mut rows = log.chunks_exact(ROWS_AT_ONCE);
        for chunk in rows.by_ref() {
            let statement = self.statement(many_rows("changes", LOG))?;
            for (i, logged) in chunk.iter().enumerate() {
                bind_log_row(statement, i * LOG_COLUMNS, logged, &all[logged.text.clone()])?;
            }
            statement.raw_execute()?;
        }
        for logged in rows.remainder() {
            let statement = self.statement(LOG)?;
            bind_log_row(statement, 0, logged, &all[logged.text.clone()])?;
            statement.raw_execute()?;
        }
        // The buffers are used again for the next records.
        log.clear();
        texts.clear();
        (self.log, self.texts) = (log, texts);
        Ok(())
    }

    fn statement(&mut self, sql: &'static str) -> Result<&mut rusqlite::CachedStatement<'c>, rusqlite::Error> {
        let key = sql.as_ptr() as usize;
        let at = match self.held.iter().position(|(held, _)| *held == key) {
            Some(at) => at,
            None => {
                self.held.push((key, self.conn.prepare_cached(sql)?));
                self.held.len() - 1
            }
        };
        Ok(&mut self.held[at].1)
    }

    /// A write of `value` to `column` of the row `id` of `table`, stamped `incoming`: it wins if its stamp
    /// is later than the field's (or `sticks`), and the row is then set when the writer is flushed. A write
    /// that lost gives its value back (for [`Writer::note_if_lost`]), so a winning one is never copied.
    fn offer(
        &mut self,
        table: &'static Table,
        id: &str,
        column: &'static str,
        incoming: (i64, &str),
        value: SqlValue,
        sticks: bool,
    ) -> Result<Option<SqlValue>, Refusal> {
        let bit = if column == DELETED_FIELD {
            DELETED_BIT
        } else {
            1 << table.columns.iter().position(|(name, _)| *name == column).unwrap_or_default()
        };
        let at = match self.index.get(&(table.name, id.to_owned())) {
            Some(at) => *at,
            None => {
                // The row's stamps, read once for the batch (a row not written yet has none).
                let read = sql_once((table.name, VERSIONS_KEY), || {
                    format!("SELECT versions FROM {} WHERE id = ?1", table.name)
                });
                let text: Option<Option<String>> =
                    self.statement(read)?.query_row([id], |row| row.get(0)).optional()?;
                let versions = match Versions::parse(text.flatten().as_deref()) {
                    Ok(versions) => versions,
                    Err(reason) => {
                        // Only this device writes a row's stamps: its file was changed under it. The row is
                        // made again from the log (what a retirement does), not left to refuse every batch.
                        tracing::warn!(table = table.name, id, %reason, "a row's stamps were unreadable: rebuilt");
                        let row = std::collections::HashSet::from([id.to_owned()]);
                        self.flush_log()?;
                        rebuild(self.conn, &std::collections::HashMap::from([(table.entity, row)]))?;
                        let text: Option<Option<String>> =
                            self.statement(read)?.query_row([id], |row| row.get(0)).optional()?;
                        Versions::parse(text.flatten().as_deref()).map_err(Refusal::Bad)?
                    }
                };
                self.index.insert((table.name, id.to_owned()), self.pending.len());
                self.pending.push(PendingRow { table, id: id.to_owned(), versions, columns: 0, values: Vec::new() });
                self.pending.len() - 1
            }
        };
        let PendingRow { versions, columns, values, .. } = &mut self.pending[at];
        if !versions.offer(column, incoming) && !sticks {
            return Ok(Some(value)); // An equal or later write already won this field.
        }
        if *columns & bit == 0 {
            *columns |= bit;
            values.push((bit, column, value));
        } else if let Some((_, _, held)) = values.iter_mut().find(|(_, name, _)| *name == column) {
            *held = if is_sticky(table, column) { sql_max(held, value) } else { value };
        }
        Ok(None)
    }

    /// Whether a lost write to `column` of `table` is worth a person's look: something people type or
    /// choose (not the bookkeeping of devices, events or deletions), and only for records from others.
    fn watches(&self, table: &Table, column: &str) -> bool {
        self.me.is_some() && column != DELETED_FIELD && crate::lost::WATCHED.contains(&table.entity)
    }

    /// `change` lost `column` of its row: noted when the write it lost to is this device's own (made
    /// without it, since it arrives only now) and left another value than `value`.
    fn note_if_lost(
        &mut self,
        table: &'static Table,
        change: &Change,
        column: &'static str,
        value: SqlValue,
    ) -> Result<(), Refusal> {
        let Some(me) = self.me.as_deref() else { return Ok(()) };
        let Some(&at) = self.index.get(&(table.name, change.entity_id.clone())) else { return Ok(()) };
        let row = &self.pending[at];
        let Some((_, winner)) = row.versions.get(column) else { return Ok(()) };
        if winner != me || crate::device_of(change.origin.as_str()) == crate::device_of(me) {
            return Ok(());
        }
        let in_batch = row.values.iter().find(|(_, name, _)| *name == column).map(|(_, _, kept)| kept.clone());
        let kept = match in_batch {
            Some(kept) => kept,
            None => {
                let place = table.columns.iter().position(|(name, _)| *name == column).unwrap_or_default() as u64;
                let read = sql_once((table.name, COLUMN_KEY | place), || {
                    format!("SELECT {column} FROM {} WHERE id = ?1", table.name)
                });
                let kept: Option<SqlValue> =
                    self.statement(read)?.query_row([change.entity_id.as_str()], |row| row.get(0)).optional()?;
                kept.unwrap_or(SqlValue::Null)
            }
        };
        if kept != value {
            self.lost.push((change.origin.as_str().to_owned(), change.seq));
        }
        Ok(())
    }

    /// Appends the records held for the log and inserts the events held, then writes every gathered row,
    /// one statement each. A row made now for someone already erased (alone, or with everyone) shows the
    /// pseudonym, as the rows of those erased after they arrived do: every device shows the same.
    fn flush(&mut self) -> Result<(), rusqlite::Error> {
        self.flush_log()?;
        self.flush_events()?;
        self.index.clear();
        let pending = std::mem::take(&mut self.pending);
        for PendingRow { table, id, versions, columns, mut values } in pending {
            if columns == 0 {
                continue; // Every write to it lost: the row and its stamps stay as they are.
            }
            // One statement per set of columns: its placeholders follow the columns' order in the table, and
            // the row's stamps come last.
            values.sort_unstable_by_key(|(bit, _, _)| *bit);
            let upsert = self.statement(sql_once((table.name, columns), || row_upsert(table, &values)))?;
            upsert.raw_bind_parameter(1, &id)?;
            for (i, (_, _, value)) in values.iter().enumerate() {
                upsert.raw_bind_parameter(i + 2, value)?;
            }
            upsert.raw_bind_parameter(values.len() + 2, versions.to_text())?;
            upsert.raw_execute()?;
            if table.entity == Entity::Attendee && self.erasures && is_erased(self.conn, &id)? {
                pseudonymize(self.conn, &id)?;
            }
        }
        Ok(())
    }
}

/// Binds `logged`, whose value's JSON text is `text`, to the log row of `statement` whose first parameter
/// follows `before` others.
fn bind_log_row(
    statement: &mut rusqlite::CachedStatement<'_>,
    before: usize,
    logged: &Logged<'_>,
    text: &str,
) -> Result<(), rusqlite::Error> {
    let Logged { change, refused, cleared, .. } = logged;
    statement.raw_bind_parameter(before + 1, change.origin.as_str())?;
    statement.raw_bind_parameter(before + 2, change.seq)?;
    statement.raw_bind_parameter(before + 3, change.hlc.0 as i64)?;
    statement.raw_bind_parameter(before + 4, change.entity.as_str())?;
    statement.raw_bind_parameter(before + 5, &change.entity_id)?;
    statement.raw_bind_parameter(before + 6, &change.field)?;
    statement.raw_bind_parameter(before + 7, text)?;
    statement.raw_bind_parameter(before + 8, &change.proof)?;
    statement.raw_bind_parameter(before + 9, refused)?;
    statement.raw_bind_parameter(before + 10, cleared.as_ref().map(|hash| hash.as_slice()))?;
    statement.raw_bind_parameter(before + 11, if cleared.is_some() { None } else { change.salt.as_deref() })?;
    Ok(())
}

/// SQLite's `MAX(a, b)` of two values: NULL if either is.
fn sql_max(a: &SqlValue, b: SqlValue) -> SqlValue {
    match (a, &b) {
        (SqlValue::Integer(a), SqlValue::Integer(b)) => SqlValue::Integer(*a.max(b)),
        _ => SqlValue::Null,
    }
}

/// The key of the statement reading a row's stamps (see [`sql_once`]; no set of columns has this bit).
const VERSIONS_KEY: u64 = 1 << 62;
/// The key of the statement that reads one column of a row (its place in `table.columns` added).
const COLUMN_KEY: u64 = 1 << 61;

/// `INSERT … ON CONFLICT (id) DO UPDATE` setting `values`' columns of one row of `table`, in their order,
/// and its `versions`.
fn row_upsert(table: &Table, values: &[(u64, &'static str, SqlValue)]) -> String {
    let mut names: Vec<String> = values.iter().map(|(_, column, _)| format!("\"{column}\"")).collect();
    names.push("versions".into());
    let placeholders: Vec<String> = (2..=values.len() + 2).map(|i| format!("?{i}")).collect();
    let mut assignments: Vec<String> = values
        .iter()
        .map(|(_, column, _)| {
            if is_sticky(table, column) {
                format!("\"{column}\" = MAX(\"{column}\", excluded.\"{column}\")")
            } else {
                format!("\"{column}\" = excluded.\"{column}\"")
            }
        })
        .collect();
    assignments.push("versions = excluded.versions".into());
    format!(
        "INSERT INTO {} (id, {}) VALUES (?1, {}) ON CONFLICT (id) DO UPDATE SET {}",
        table.name,
        names.join(", "),
        placeholders.join(", "),
        assignments.join(", ")
    )
}

/// Records an origin as retired after a sequence (the lower, if it already was).
const RETIRE: &str = "INSERT INTO retirements (id, \"after\") VALUES (?1, ?2)
    ON CONFLICT (id) DO UPDATE SET \"after\" = MIN(\"after\", excluded.\"after\")";

/// Applies a retirement: records the origin as retired after `after` (the lower, if it already was),
/// drops its records held past that, and rebuilds every record they touched from the rest of the log.
fn retire(conn: &Connection, change: &Change) -> Result<(), Refusal> {
    let Some(after) = change.value.as_u64().filter(|_| change.field == RETIREMENT_FIELD) else {
        return Err(Refusal::Bad(format!(
            "a retirement must give the last sequence that stands in {RETIREMENT_FIELD:?}"
        )));
    };
    if !crate::is_origin(&change.entity_id) {
        return Err(Refusal::Bad("a retirement names no device's origin".into()));
    }
    if change.entity_id == change.origin.as_str() {
        return Err(Refusal::Bad("a device cannot retire the origin it writes under".into()));
    }
    // A device retires its own earlier origins; another device's origins are retired by an organizer's
    // revocation of it (see `Store::write`), which the rules of trust allow an organizer only.
    let (retired, by) = (split_origin(&change.entity_id), split_origin(change.origin.as_str()));
    if retired.0 == by.0 && retired.1 >= by.1 {
        return Err(Refusal::Bad("a device can retire only its own earlier origins".into()));
    }

    if i64::try_from(after).is_err() {
        return Err(Refusal::Bad("a retirement's sequence is out of range".into()));
    }
    let origin = change.entity_id.as_str();
    conn.prepare_cached(RETIRE)?.execute(params![origin, after])?;
    let after: u64 = conn.query_row("SELECT \"after\" FROM retirements WHERE id = ?1", [origin], |row| row.get(0))?;
    conn.execute("UPDATE vector SET seq = ?2 WHERE origin = ?1 AND seq > ?2", params![origin, after])?;
    let mut touched: std::collections::HashMap<Entity, std::collections::HashSet<String>> = Default::default();
    let mut retirement_dropped = false;
    for dropped in read_changes(conn, "WHERE origin = ?1 AND seq > ?2", params![origin, after]).map_err(unreadable)? {
        if dropped.entity != Entity::Retirement {
            touched.entry(dropped.entity).or_default().insert(dropped.entity_id);
        } else {
            retirement_dropped = true;
        }
    }
    conn.execute("DELETE FROM changes WHERE origin = ?1 AND seq > ?2", params![origin, after])?;
    if retirement_dropped {
        // A retirement among the records dropped no longer stands (a revoked device's, written after its
        // bound): the retirements are again those of the records that remain. The records it had dropped
        // come back from any device that holds them, this one's version vector having gone back with them.
        conn.execute("DELETE FROM retirements", [])?;
        conn.execute(
            "INSERT INTO retirements (id, \"after\")
             SELECT entity_id, MIN(CAST(value AS INTEGER)) FROM changes
             WHERE entity = 'retirement' AND field = 'after' AND refused = 0 GROUP BY entity_id",
            [],
        )?;
        // This retirement is not in the log yet (a record is logged once it is materialized): it stands too.
        conn.prepare_cached(RETIRE)?.execute(params![origin, after])?;
    }
    rebuild(conn, &touched)
}

/// Makes the rows `touched` again from the records the log holds for them, as if they had just arrived:
/// what a retirement left, or a row whose stamps this device can no longer read.
fn rebuild(
    conn: &Connection,
    touched: &std::collections::HashMap<Entity, std::collections::HashSet<String>>,
) -> Result<(), Refusal> {
    if touched.is_empty() {
        return Ok(());
    }
    for (entity, ids) in touched {
        let table = schema::table(*entity).name;
        for id in ids {
            conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?; // Its stamps go with it.
        }
    }
    // One pass over the log (it has no index by record: this is rare), then the same code as any apply.
    let mut remaining = Vec::new();
    {
        let mut statement = conn.prepare(
            "SELECT origin, seq, hlc, entity, entity_id, field, value, proof, cleared, salt FROM changes WHERE refused = 0",
        )?;
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
    let mut writer = Writer::new(conn, any_erased(conn)?);
    for change in &remaining {
        materialize(&mut writer, change)?;
    }
    writer.flush()?;
    // Rebuilt rows of erased people show their pseudonym again.
    for id in touched.get(&Entity::Attendee).into_iter().flatten() {
        if is_erased(conn, id)? {
            pseudonymize(conn, id)?;
        }
    }
    Ok(())
}

fn insert_event(writer: &mut Writer<'_>, table: &'static Table, change: &Change) -> Result<(), Refusal> {
    if change.field != EVENT_FIELD {
        return Err(Refusal::Bad(format!("an event change must have field \"{EVENT_FIELD}\"")));
    }
    // Reading the value as the domain event proves it is well formed before anything is written.
    use serde::Deserialize;
    let parsed = match change.entity {
        Entity::PresenceEvent => PresenceEvent::deserialize(&change.value).map(|e| e.id),
        _ => ClaimEvent::deserialize(&change.value).map(|e| e.id),
    };
    let id = parsed.map_err(|e| Refusal::Bad(format!("not a valid {}: {e}", change.entity.as_str())))?;
    if id.0 != change.entity_id {
        return Err(Refusal::Bad("the event's id does not match the change's record id".into()));
    }
    let mut values: Vec<SqlValue> = Vec::with_capacity(table.columns.len());
    for (name, kind) in table.columns {
        values.push(to_sql(*kind, change.value.get(*name).unwrap_or(&Value::Null)).map_err(Refusal::Bad)?);
    }
    writer.event(table, std::iter::once(SqlValue::Text(id.0)).chain(values));
    Ok(())
}

/// Inserting an event's row into `table` (its id, then its columns), if no row has its id.
fn event_insert(table: &'static Table) -> &'static str {
    sql_once((table.name, 0), || {
        let columns: Vec<String> = table.columns.iter().map(|(name, _)| format!("\"{name}\"")).collect();
        format!(
            "INSERT OR IGNORE INTO {} (id, {}) VALUES ({})",
            table.name,
            columns.join(", "),
            vec!["?"; table.columns.len() + 1].join(", ")
        )
    })
}

/// The text of a statement about one table (and set of its columns, or 0), made the first time it is
/// needed: a record applied needs no formatting.
fn sql_once(key: (&'static str, u64), make: impl FnOnce() -> String) -> &'static str {
    type Made = std::collections::HashMap<(&'static str, u64), &'static str>;
    static MADE: std::sync::OnceLock<std::sync::Mutex<Made>> = std::sync::OnceLock::new();
    let mut made = MADE.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // A handful of tables and the sets of columns records of them carry together: what is made is kept for
    // the life of the process.
    made.entry(key).or_insert_with(|| Box::leak(make().into_boxed_str()))
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
