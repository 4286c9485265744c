//! Reading the sprint back: records and events as the domain types, the change log and version vector
//! sync asks for, the digest that says whether two devices hold the same sprint, and the list of deleted
//! records edited after their deletion. Nothing here writes: every method takes `&self`.

use crate::change::DELETED_FIELD;
use crate::record::SPRINT_ID;
use crate::schema::{self, Kind, TABLES, Table};
use crate::store::{Store, StoreError, read_changes, read_changes_as, read_vector};
use crate::vector::VersionVector;
use crate::{Change, ChangeValue, Entity, Hlc, Record};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sprintdesk_domain::{ClaimEvent, DeviceId, PresenceEvent, Sprint};

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

impl Store {
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

    /// About `limit` of `origin`'s change records after `after`, in sequence order, ending on a record that
    /// carries its device's proof: fewer when a proof is among them, more (up to the next proof) when none
    /// is. A receiver takes records only up to a proof.
    /// Their values are held as `V`: read, or left as their stored JSON text to be sent ([`crate::StoredChange`]).
    pub fn changes_after<V: ChangeValue>(
        &self,
        origin: &DeviceId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Change<V>>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut changes = read_changes_as(
            &self.conn,
            "WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            params![origin.as_str(), after, limit],
        )?;
        match (changes.iter().rposition(|change| change.proof.is_some()), changes.last()) {
            (Some(last_proof), _) => changes.truncate(last_proof + 1),
            // No proof among them: on to the next one (at most `PROOF_EVERY` records on), if there is one.
            (None, Some(last)) => {
                let next: Option<u64> = self
                    .conn
                    .prepare_cached(
                        "SELECT seq FROM changes WHERE origin = ?1 AND seq > ?2 AND proof IS NOT NULL ORDER BY seq LIMIT 1",
                    )?
                    .query_row(params![origin.as_str(), last.seq], |row| row.get(0))
                    .optional()?;
                if let Some(next) = next {
                    changes.extend(read_changes_as(
                        &self.conn,
                        "WHERE origin = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
                        params![origin.as_str(), last.seq, next],
                    )?);
                }
            }
            (None, None) => {}
        }
        Ok(changes)
    }

    /// Deleted records that were edited after their deletion (or by a device that had not yet heard of
    /// it): the organizer's review list. They stay deleted until restored with [`Op::restore`](crate::Op::restore).
    pub fn deleted_then_edited(&self) -> Result<Vec<DeletedEdit>, StoreError> {
        let mut found = Vec::new();
        for table in TABLES.iter().filter(|table| table.entity.is_deletable()) {
            let mut statement = self
                .conn
                .prepare_cached(&format!("SELECT id, versions FROM {} WHERE deleted = 1 ORDER BY id", table.name))?;
            let rows = statement
                .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            for (id, versions) in rows {
                let versions = match crate::materialize::Versions::parse(versions.as_deref()) {
                    Ok(versions) => versions,
                    Err(reason) => {
                        // Made again from the log by the next record that touches it.
                        tracing::warn!(table = table.name, id, %reason, "a deleted row's stamps are unreadable");
                        continue;
                    }
                };
                let Some((deleted_at, deleted_by)) = versions.get(DELETED_FIELD) else { continue };
                // An erased person's personal fields are judged only where a record of them arrived before
                // the erasure: their stamps differ between devices that hold the same records.
                let erased = table.entity == Entity::Attendee && crate::materialize::is_erased(&self.conn, &id)?;
                // The newest edit after the deletion, if any.
                let edit = versions
                    .iter()
                    .filter(|(field, ..)| !(erased && crate::PERSONAL_FIELDS.contains(field)))
                    .filter(|(field, hlc, _)| *field != DELETED_FIELD && *hlc > deleted_at)
                    .map(|(_, hlc, origin)| (hlc, origin))
                    .max();
                let Some((edited_at, edited_by)) = edit else { continue };
                let record = read_rows(&self.conn, table, "WHERE id = ?1", &[&id])?.pop().unwrap_or(Value::Null);
                found.push(DeletedEdit {
                    entity: table.entity,
                    id: id.clone(),
                    deleted_by: DeviceId(deleted_by.to_owned()),
                    deleted_at: Hlc(deleted_at as u64),
                    edited_by: DeviceId(edited_by.to_owned()),
                    edited_at: Hlc(edited_at as u64),
                    record,
                });
            }
        }
        Ok(found)
    }

    /// A deleted record's fields as its row holds them, with who deleted it and when; `None` when there is
    /// no such record, or it is not deleted.
    pub fn deleted_record(&self, entity: Entity, id: &str) -> Result<Option<(Value, DeviceId, Hlc)>, StoreError> {
        let table = schema::table(entity);
        if !entity.is_deletable() {
            return Ok(None);
        }
        let versions: Option<Option<String>> = self
            .conn
            .prepare_cached(&format!("SELECT versions FROM {} WHERE id = ?1 AND deleted = 1", table.name))?
            .query_row([id], |row| row.get(0))
            .optional()?;
        let Some(versions) = versions else { return Ok(None) };
        let versions = crate::materialize::Versions::parse(versions.as_deref())
            .map_err(|reason| StoreError::Unreadable { entity: "row", reason })?;
        let Some((at, by)) = versions.get(DELETED_FIELD) else { return Ok(None) };
        let record = read_rows(&self.conn, table, "WHERE id = ?1", &[id])?.pop().unwrap_or(Value::Null);
        Ok(Some((record, DeviceId(by.to_owned()), Hlc(at as u64))))
    }

    /// All change records, in `(origin, seq)` order.
    pub fn changes(&self) -> Result<Vec<Change>, StoreError> {
        read_changes(&self.conn, "ORDER BY origin, seq", [])
    }

    /// Which records the change records beyond `seen` and up to `held` (this store's [`Store::vector`], read
    /// by the caller) touch, as (kind, record id), for a reader that patches what it holds instead of reading
    /// everything again; `None` when there are more than `limit`.
    pub fn touched_since(
        &self,
        seen: &VersionVector,
        held: &VersionVector,
        limit: usize,
    ) -> Result<Option<Vec<(Entity, String)>>, StoreError> {
        let mut touched = Vec::new();
        let mut statement = self.conn.prepare_cached(
            "SELECT entity, entity_id FROM changes WHERE origin = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT ?4",
        )?;
        for (origin, upto) in held.iter() {
            let after = seen.get(origin);
            if upto <= after {
                continue;
            }
            let room = i64::try_from(limit + 1 - touched.len().min(limit)).unwrap_or(i64::MAX);
            let rows = statement.query_map(params![origin.as_str(), after, upto, room], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (entity, id) = row?;
                let entity = Entity::parse(&entity).ok_or_else(|| StoreError::Unreadable {
                    entity: "change",
                    reason: format!("unknown entity {entity}"),
                })?;
                touched.push((entity, id));
            }
            if touched.len() > limit {
                return Ok(None);
            }
        }
        Ok(Some(touched))
    }

    /// The presence events with these ids, as stored (an event the store refused is not among them).
    pub fn presence_events_with_ids(&self, ids: &[&str]) -> Result<Vec<PresenceEvent>, StoreError> {
        self.events_with_ids(Entity::PresenceEvent, ids)
    }

    /// The claim events with these ids, as stored.
    pub fn claim_events_with_ids(&self, ids: &[&str]) -> Result<Vec<ClaimEvent>, StoreError> {
        self.events_with_ids(Entity::ClaimEvent, ids)
    }

    fn events_with_ids<E: serde::de::DeserializeOwned>(
        &self,
        entity: Entity,
        ids: &[&str],
    ) -> Result<Vec<E>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let rows = read_rows(&self.conn, schema::table(entity), "WHERE id = ?1", &[id])?;
            for row in rows {
                found.push(
                    serde_json::from_value(row)
                        .map_err(|e| StoreError::Unreadable { entity: entity.as_str(), reason: e.to_string() })?,
                );
            }
        }
        Ok(found)
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

    /// The people whose personal data was erased (see [`Entity::Erasure`]).
    pub fn erased(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut statement = self.conn.prepare_cached("SELECT id FROM erasures")?;
        let ids = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
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

    /// A hash of the sprint as every device holds it (records and events, not the change log or local
    /// bookkeeping; without the personal fields some kinds of device do not hold, see
    /// [`crate::trust::holds`]): a kiosk and the organizer's desk have equal digests exactly when they hold
    /// the same sprint. [`Store::full_digest`] includes those fields too.
    pub fn digest(&self) -> Result<String, StoreError> {
        let left_out: Vec<&str> = crate::PERSONAL_FIELDS
            .iter()
            .copied()
            .filter(|field| {
                sprintdesk_domain::DeviceRole::ALL
                    .iter()
                    .any(|role| !crate::trust::holds(*role, Entity::Attendee, field))
            })
            .collect();
        self.digest_without(&left_out)
    }

    /// A hash of everything the sprint shows, every field included: equal on two devices of roles that hold
    /// everything exactly when they hold the same sprint.
    pub fn full_digest(&self) -> Result<String, StoreError> {
        self.digest_without(&[])
    }

    fn digest_without(&self, attendee_fields: &[&str]) -> Result<String, StoreError> {
        let mut hasher = Sha256::new();
        for table in TABLES.iter().filter(|table| table.entity != Entity::Retirement) {
            hasher.update(table.name.as_bytes());
            for mut row in read_rows(&self.conn, table, "ORDER BY id", &[])? {
                if table.entity == Entity::Attendee
                    && let Some(object) = row.as_object_mut()
                {
                    for field in attendee_fields {
                        object.remove(*field);
                    }
                }
                hasher.update([0]);
                hasher.update(row.to_string().as_bytes());
            }
        }
        Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
    }
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
pub(crate) fn read_rows(conn: &Connection, table: &Table, tail: &str, args: &[&str]) -> Result<Vec<Value>, StoreError> {
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
