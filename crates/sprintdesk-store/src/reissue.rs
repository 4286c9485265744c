//! Putting right what this device stamped while its clock was fast, [`Store::reissue_future_changes`]: it
//! retires the device's origins after their last record stamped no later than now and issues the rest
//! again, freshly stamped, under the device's next origin. It issues retirements only for this device's own
//! origins and writes them through the materializer like any change; applying a retirement (dropping
//! records and rebuilding what they touched) is the materializer's job, not this module's.

use crate::apply::MAX_AHEAD_MS;
use crate::change::RETIREMENT_FIELD;
use crate::materialize::{STICKY_FIELD, materialize_and_record};
use crate::store::{Store, StoreError, device_of, epoch_of, last_hlc, millis, read_changes, read_origin, read_vector};
use crate::{Change, Entity, Hlc};
use rusqlite::{Connection, TransactionBehavior, params};
use serde_json::Value;
use sprintdesk_domain::{DeviceId, Sprint, Timestamp};

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

impl Store {
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
        let sprint = self.sprint()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut planned = plan_reissue(&tx, &self.device, now, sprint.as_ref())?;
        if let Some((changes, _)) = &mut planned {
            crate::chain::seal(&tx, &self.device, changes)?;
            materialize_and_record(&tx, changes.iter())?;
        }
        tx.commit()?;
        let Some((_, reissue)) = planned else { return Ok(None) };
        self.note_written();
        tracing::warn!(
            retired = ?reissue.retired,
            origin = %reissue.origin,
            reissued = reissue.reissued,
            ahead_ms = reissue.ahead_ms,
            "this device's clock was put back: what it stamped in the future was issued again with the right time"
        );
        Ok(Some(reissue))
    }
}

/// The change records that retire what this device stamped after `now` and issue it again under the
/// device's next origin, with what they do; `None` when the device stamped nothing after `now`. Either way
/// the device's clock is brought back to the newest stamp it holds that a right clock accepts. See
/// [`Store::reissue_future_changes`].
fn plan_reissue(
    conn: &Connection,
    device: &DeviceId,
    now: Timestamp,
    sprint: Option<&Sprint>,
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
    if used >= crate::store::MAX_EPOCH {
        return Err(StoreError::NotAllowed(format!(
            "this device's clock has been put right {used} times: no device takes more of its records; pair it \
             again as a new device"
        )));
    }
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
    // A record whose content was erased is not issued again: there is nothing left to say, and issued as a
    // plain null it would set a field elsewhere.
    // An event keeps its own time, unless the fast clock put it in the future: then it is moved back by how
    // far ahead the newest record was stamped (`ahead_ms`, never more than the clock was fast), so it lands
    // between when it really happened and now, in the order and spacing it had; and a sign-in's day is the
    // sprint day at that time. It had kept the fast clock's day (tomorrow's, for a clock a day fast): the
    // person counted on the wrong day everywhere, and a peer refused a day to come. Every event had also been
    // timed now, which made the door's hours for the morning one instant.
    let earliest = now.0.saturating_sub(crate::trust::EVENT_BEHIND_MS / 2);
    let bodies = again.into_iter().filter(|old| old.cleared.is_none()).map(|mut old| {
        let future = old.value.get("at").and_then(Value::as_i64).filter(|at| *at > now.0);
        if old.entity.is_event()
            && let Some(at) = future
            && let Some(fields) = old.value.as_object_mut()
        {
            let moved = at.saturating_sub(ahead_ms).clamp(earliest, now.0);
            fields.insert("at".into(), Value::from(moved));
            let day = sprint.and_then(|sprint| sprint.day_at(Timestamp(moved))).map(|day| day.date.to_string());
            if let Some(day) = day
                && fields.contains_key("day")
            {
                fields.insert("day".into(), Value::from(day));
            }
        }
        (old.entity, old.entity_id, old.field, old.value)
    });
    let mut hlc = clock;
    let changes: Vec<Change> = bodies
        .chain(retirements)
        .enumerate()
        .map(|(i, (entity, entity_id, field, value))| {
            hlc = Hlc::next(hlc, now);
            let seq = i as u64 + 1;
            let mut change = Change {
                origin: next.clone(),
                seq,
                hlc,
                entity,
                entity_id,
                field,
                value,
                proof: None,
                cleared: None,
                salt: None,
            };
            if change.is_personal() && !change.value.is_null() {
                change.salt = Some(crate::write::new_salt());
            }
            change
        })
        .collect();
    let reissued = changes.iter().filter(|c| c.entity != Entity::Retirement).count();
    let reissue = Reissue { reissued, retired, origin: next, ahead_ms };
    Ok(Some((changes, reissue)))
}
