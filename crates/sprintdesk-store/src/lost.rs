//! Edits lost to last-writer-wins: another device's write to a field that arrived after this device had
//! written the field anew without it, and lost to that later write. Two co-leads editing a goal while the
//! venue's Wi-Fi is down both see "saved"; when they meet again one text wins everywhere and the other is
//! gone from every screen. The device whose write won is the only one that can tell the loser was written
//! without it (a record from elsewhere that arrives only now was not seen when this device wrote), so it
//! notes it here, in its own bookkeeping (never replicated), for the person at it to keep what won or put
//! the other back. The lost value itself stays in the change log only, where an erasure clears it.

use crate::change::DELETED_FIELD;
use crate::read::read_rows;
use crate::schema::table;
use crate::store::{Store, StoreError, read_changes};
use crate::{Change, Entity, Hlc};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// The records whose lost edits are noted: what people type or choose.
pub(crate) const WATCHED: [Entity; 5] =
    [Entity::Sprint, Entity::Attendee, Entity::Project, Entity::Goal, Entity::StatusUpdate];

/// The most lost edits noted on one device.
const MAX_NOTES: i64 = 500;

/// One edit from another device that this device's later write replaced without having seen it.
#[derive(Clone, Debug, PartialEq)]
pub struct LostEdit {
    pub entity: Entity,
    pub id: String,
    pub field: String,
    /// The record that lost: its author (origin), stamp and value.
    pub lost: Change,
    /// What the field holds now, from this device's own write, and that write's stamp.
    pub kept: Value,
    pub kept_at: Hlc,
}

/// Notes the records `(origin, seq)` as lost edits, in the caller's transaction.
pub(crate) fn note(conn: &Connection, lost: &[(String, u64)]) -> Result<(), rusqlite::Error> {
    if lost.is_empty() {
        return Ok(());
    }
    // An author's earlier lost saves of the same field go with a later one: only its last one counts.
    let mut earlier = conn.prepare_cached(
        "DELETE FROM local_lost_edits WHERE (origin, seq) IN (
           SELECT n.origin, n.seq FROM local_lost_edits n
             JOIN changes c ON c.origin = n.origin AND c.seq = n.seq
             JOIN changes l ON l.origin = ?1 AND l.seq = ?2
            WHERE n.entity = l.entity AND n.entity_id = l.entity_id AND n.field = l.field AND c.hlc < l.hlc
              AND (n.origin = ?3 OR substr(n.origin, 1, length(?3) + 1) = ?3 || '~'))",
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO local_lost_edits (origin, seq, entity, entity_id, field)
         SELECT origin, seq, entity, entity_id, field FROM changes WHERE origin = ?1 AND seq = ?2",
    )?;
    for (origin, seq) in lost {
        earlier.execute(params![origin, seq, crate::device_of(origin)])?;
        insert.execute(params![origin, seq])?;
    }
    // A bounded list, the newest kept: a device that writes over and over buries nothing that came after.
    conn.prepare_cached(
        "DELETE FROM local_lost_edits WHERE (origin, seq) IN (
           SELECT n.origin, n.seq FROM local_lost_edits n JOIN changes c ON c.origin = n.origin AND c.seq = n.seq
            ORDER BY c.hlc DESC LIMIT -1 OFFSET ?1)",
    )?
    .execute([MAX_NOTES])?;
    Ok(())
}

impl Store {
    /// The edits from other devices that this device's own later writes replaced without having seen them,
    /// oldest first, while they still stand: the field still holds this device's write and another value
    /// than the lost one, the record is not deleted, and the lost value is not erased.
    pub fn lost_edits(&self) -> Result<Vec<LostEdit>, StoreError> {
        let mut notes = self.conn.prepare_cached(
            "SELECT n.origin, n.seq FROM local_lost_edits n JOIN changes c ON c.origin = n.origin AND c.seq = n.seq
             ORDER BY c.hlc",
        )?;
        let keys = notes
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut found = Vec::new();
        for (origin, seq) in keys {
            let Some(lost) = read_changes(&self.conn, "WHERE origin = ?1 AND seq = ?2", params![origin, seq])?.pop()
            else {
                continue;
            };
            if lost.cleared.is_some() || !WATCHED.contains(&lost.entity) {
                continue;
            }
            // Its author wrote the field again later (a later save, or the same edit issued again under a
            // later origin after its clock was put right): what it meant is that one, or this one was seen.
            let author = crate::device_of(lost.origin.as_str());
            let superseded = self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM changes WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 AND hlc > ?4
                       AND (origin = ?5 OR substr(origin, 1, length(?5) + 1) = ?5 || '~') LIMIT 1",
                )?
                .exists(params![lost.entity.as_str(), lost.entity_id, lost.field, lost.hlc.0 as i64, author])?;
            if superseded {
                continue;
            }
            let table = table(lost.entity);
            let versions: Option<Option<String>> = self
                .conn
                .query_row(&format!("SELECT versions FROM {} WHERE id = ?1", table.name), [&lost.entity_id], |row| {
                    row.get(0)
                })
                .optional()?;
            let Ok(versions) = crate::materialize::Versions::parse(versions.flatten().as_deref()) else { continue };
            let Some((kept_at, kept_by)) = versions.get(&lost.field) else { continue };
            if crate::device_of(kept_by) != self.device.as_str() {
                continue; // Written since by someone else: what stands is theirs to judge, not this device's.
            }
            let Some(row) = read_rows(&self.conn, table, "WHERE id = ?1", &[&lost.entity_id])?.pop() else { continue };
            if row.get(DELETED_FIELD).is_some_and(|deleted| deleted == &Value::Bool(true)) {
                continue;
            }
            let kept = row.get(&lost.field).cloned().unwrap_or(Value::Null);
            if kept == lost.value {
                continue;
            }
            found.push(LostEdit {
                entity: lost.entity,
                id: lost.entity_id.clone(),
                field: lost.field.clone(),
                kept,
                kept_at: Hlc(kept_at as u64),
                lost,
            });
        }
        Ok(found)
    }

    /// Forgets the lost edit `(origin, seq)`: the person chose what stands. Says whether it was noted.
    pub fn forget_lost_edit(&mut self, origin: &str, seq: u64) -> Result<bool, StoreError> {
        self.writable()?;
        let gone =
            self.conn.execute("DELETE FROM local_lost_edits WHERE origin = ?1 AND seq = ?2", params![origin, seq])?;
        Ok(gone > 0)
    }
}
