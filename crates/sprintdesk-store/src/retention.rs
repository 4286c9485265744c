//! Retention: attendees' personal data does not outlive the sprint. Once the sprint's retention period has
//! ended (see [`Sprint::retention_ends`]), an organizer's device writes an erasure of everyone (`*`, an
//! [`Entity::Erasure`] record, signed and replicated like any erasure), so every device erases alike on the
//! venue's word whatever its own clock says. A device that is not an organizer's also erases everyone at its
//! next start or sync when its own clock says the period has ended — it must not keep the data longer for
//! want of the organizer — but until the organizer's erasure reaches it, it has *erased alone*: it passes on
//! only its own records ([`Store::relays_others`]), so no record it cleared on its own word reaches a device
//! that still holds the values.

use crate::materialize::{clear_in_log, erase_everyone, is_erased, sql_list};
use crate::store::{Store, StoreError, read_changes};
use crate::trust::holds;
use crate::{Change, Entity, Op, PERSONAL_FIELDS};
use rusqlite::{Connection, TransactionBehavior, params};
use sprintdesk_domain::{DeviceId, Timestamp};

/// Whether everyone's personal data was erased on a device ([`Store::everyone_erased`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EveryoneErased {
    No,
    /// By the organizer's erasure of everyone, written at this time; this device holds it.
    ByTheVenue(Timestamp),
    /// By this device alone, on its own clock: the organizer's erasure has not reached it yet.
    Alone,
}

/// The erasure id that stands for everyone.
pub const EVERYONE: &str = "*";

impl Store {
    /// Erases everyone's personal data if the sprint's retention period ended before `now` (in the venue's
    /// time zone) and this device has not done so yet: on an organizer's device by writing the erasure of
    /// everyone, elsewhere alone (see the module's notes). Returns whether it did now.
    pub fn enforce_retention(&mut self, now: Timestamp) -> Result<bool, StoreError> {
        if self.read_only.is_some() {
            return Ok(false);
        }
        let Some(sprint) = self.sprint()? else { return Ok(false) };
        let Some(ends) = sprint.retention_ends() else { return Ok(false) };
        if sprint.local_date(now) < ends {
            return Ok(false);
        }
        if self.writes_erasures()? {
            if holds_erasure_record(&self.conn, EVERYONE)? {
                return Ok(false);
            }
            let erasure = Op::Set {
                entity: Entity::Erasure,
                id: EVERYONE.into(),
                field: crate::ERASURE_FIELD,
                value: true.into(),
            };
            self.write(now, vec![erasure])?;
            tracing::warn!(%ends, "the sprint's retention period has ended: everyone's personal data was erased");
            return Ok(true);
        }
        if is_erased(&self.conn, EVERYONE)? {
            return Ok(false);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        erase_everyone(&tx)?;
        tx.commit()?;
        tracing::warn!(%ends, "the sprint's retention period has ended by this device's clock: everyone's personal \
            data was erased here; it passes on only its own records until the organizer's erasure arrives");
        self.scrub_files();
        Ok(true)
    }

    /// Whether this device writes erasures: an organizer's device (it holds the venue's secret), or one that
    /// belongs to no venue.
    fn writes_erasures(&self) -> Result<bool, StoreError> {
        // (A revoked organizer's device writes nothing: it erases alone, as a kiosk does.)
        Ok((self.venue_key()?.is_none() || self.holds_venue_secret()?) && self.revoked_here(&*self.trust()?)?.is_none())
    }

    /// Whether this device erased everyone on its own clock and holds no organizer's erasure of everyone yet.
    pub fn erased_alone(&self) -> Result<bool, StoreError> {
        Ok(is_erased(&self.conn, EVERYONE)? && !holds_erasure_record(&self.conn, EVERYONE)?)
    }

    /// Whether, and on whose word, everyone's personal data was erased on this device.
    pub fn everyone_erased(&self) -> Result<EveryoneErased, StoreError> {
        if !is_erased(&self.conn, EVERYONE)? {
            return Ok(EveryoneErased::No);
        }
        let first: Option<i64> = self
            .conn
            .prepare_cached("SELECT MIN(hlc) FROM changes WHERE entity = 'erasure' AND entity_id = ?1 AND refused = 0")?
            .query_row([EVERYONE], |row| row.get(0))?;
        Ok(match first {
            Some(hlc) => EveryoneErased::ByTheVenue(Timestamp(crate::Hlc(hlc as u64).millis() as i64)),
            None => EveryoneErased::Alone,
        })
    }

    /// Whether this device passes on other devices' records: only a device that holds everything
    /// ([`crate::trust::relays_others`]) and has not erased alone. The others pass on only their own.
    pub fn relays_others(&self) -> Result<bool, StoreError> {
        let trust = self.trust()?;
        let role_relays =
            trust.device(self.device.as_str()).is_none_or(|me| crate::trust::relays_others(me.vouched.role));
        // A kiosk or a board paired again as a staff device still holds what its old role left out.
        let reduced = self.local_setting(VIEW_SETTING)?.is_some_and(|role| {
            sprintdesk_domain::DeviceRole::parse(&role).is_some_and(|role| !crate::trust::relays_others(role))
        });
        Ok(role_relays && !reduced && !self.erased_alone()?)
    }
}

/// Whether an erasure record of `id` is held and was taken (not only a device's own erasure on its clock,
/// nor one refused as written outside its author's role, which is logged but never applied).
fn holds_erasure_record(conn: &Connection, id: &str) -> Result<bool, rusqlite::Error> {
    conn.prepare_cached("SELECT 1 FROM changes WHERE entity = 'erasure' AND entity_id = ?1 AND refused = 0 LIMIT 1")?
        .exists([id])
}

/// Notes the records of `taken` that arrived cleared from `relay` although this device holds no erasure
/// that clears them (nor is of a role that leaves the field out), and forgets the notes that erasures now
/// held explain. See [`Store::unexplained_clearings`].
pub(crate) fn note_clearings(
    conn: &Connection,
    taken: &[&Change],
    relay: &DeviceId,
    view: Option<sprintdesk_domain::DeviceRole>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut note = conn.prepare_cached(
        "INSERT OR IGNORE INTO local_unexplained_clearings (origin, seq, attendee, relay, at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for change in taken.iter().filter(|c| c.cleared.is_some()) {
        let Some(person) = change.erased_with() else { continue };
        let held = view.is_none_or(|role| holds(role, change.entity, &change.field));
        if held && !is_erased(conn, person)? {
            note.execute(params![change.origin.as_str(), change.seq, person, relay.as_str(), now.0])?;
        }
    }
    if taken.iter().any(|c| c.entity == Entity::Erasure) {
        conn.execute(
            "DELETE FROM local_unexplained_clearings WHERE attendee IN (SELECT id FROM erasures)
             OR EXISTS (SELECT 1 FROM erasures WHERE id = '*')",
            [],
        )?;
    }
    Ok(())
}

/// Takes back the notes of records passed on cleared that `role` does not hold anyway: before the venue's
/// word on this device's own role arrived (the first batches of a join), every clearing was noted, and an
/// honest organizer, which clears the e-mails it sends a kiosk, read as one that withheld them.
fn forget_clearings_not_held(conn: &Connection, role: sprintdesk_domain::DeviceRole) -> Result<(), StoreError> {
    let mut notes = conn.prepare_cached(
        "SELECT u.origin, u.seq, c.entity, c.field FROM local_unexplained_clearings u
         JOIN changes c ON c.origin = u.origin AND c.seq = u.seq",
    )?;
    let rows = notes.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?))
    })?;
    let mut not_held = Vec::new();
    for row in rows {
        let (origin, seq, entity, field) = row?;
        if Entity::parse(&entity).is_some_and(|entity| !holds(role, entity, &field)) {
            not_held.push((origin, seq));
        }
    }
    let mut forget = conn.prepare_cached("DELETE FROM local_unexplained_clearings WHERE origin = ?1 AND seq = ?2")?;
    for (origin, seq) in not_held {
        forget.execute(params![origin, seq])?;
    }
    Ok(())
}

impl Store {
    /// Per relay, how many records it passed on cleared that no erasure held here explains: it withheld their
    /// content (a tampered device, or one that erased alone before a version that kept it from relaying).
    pub fn unexplained_clearings(&self) -> Result<Vec<(DeviceId, u64)>, StoreError> {
        // A note an erasure held now explains (written here, or arrived since) no longer counts.
        let mut statement = self.conn.prepare_cached(
            "SELECT relay, COUNT(*) FROM local_unexplained_clearings
             WHERE attendee NOT IN (SELECT id FROM erasures) AND NOT EXISTS (SELECT 1 FROM erasures WHERE id = '*')
             GROUP BY relay ORDER BY relay",
        )?;
        let rows = statement.query_map([], |row| Ok((DeviceId(row.get(0)?), row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The relays that passed on an erasure's keys cleared while no erasure of everyone is held here: this
    /// device cannot tell that erased person in a new attendee file (an honest device clears them only once
    /// it holds that erasure, which then reaches this one too). Empty when nothing is withheld.
    pub fn erasure_keys_withheld_by(&self) -> Result<Vec<DeviceId>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT DISTINCT u.relay FROM local_unexplained_clearings u
             JOIN changes c ON c.origin = u.origin AND c.seq = u.seq
             WHERE c.entity = 'erasure' AND c.field = ?1 AND NOT EXISTS (SELECT 1 FROM erasures WHERE id = '*')
             ORDER BY u.relay",
        )?;
        let rows = statement.query_map([crate::ERASURE_KEYS_FIELD], |row| Ok(DeviceId(row.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// Brings what this device holds down to what its role holds ([`crate::trust::holds`]: a kiosk no
    /// e-mails, a board only names), once the venue vouches for its role: the fields it does not hold are
    /// emptied in the tables and cleared in the change log (their content hashes kept), and the write-ahead
    /// log is emptied. Records arriving later are cleared on arrival. Done once per role; returns whether it
    /// did something now.
    pub fn enforce_view(&mut self) -> Result<bool, StoreError> {
        if self.read_only.is_some() {
            return Ok(false);
        }
        let trust = self.trust()?;
        let Some(me) = trust.device(self.device.as_str()) else { return Ok(false) };
        let role = me.vouched.role;
        let left_out: Vec<&str> =
            PERSONAL_FIELDS.iter().copied().filter(|field| !holds(role, Entity::Attendee, field)).collect();
        if left_out.is_empty() {
            return Ok(false);
        }
        // Once per role, also on a file whose view an older release brought down.
        if self.local_setting(CLEARINGS_SETTING)?.as_deref() != Some(role.as_str()) {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            forget_clearings_not_held(&tx, role)?;
            tx.commit()?;
            self.set_local_setting(CLEARINGS_SETTING, role.as_str())?;
        }
        if self.local_setting(VIEW_SETTING)?.as_deref() == Some(role.as_str()) {
            return Ok(false);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for field in &left_out {
            tx.execute(&format!("UPDATE attendees SET \"{field}\" = NULL WHERE \"{field}\" IS NOT NULL"), [])?;
        }
        let held = read_changes(
            &tx,
            &format!("WHERE entity = 'attendee' AND cleared IS NULL AND field IN ({})", sql_list(&left_out)),
            [],
        )?;
        clear_in_log(&tx, &held)?;
        tx.commit()?;
        self.set_local_setting(VIEW_SETTING, role.as_str())?;
        tracing::info!(role = role.as_str(), cleared = held.len(), "this device now holds what its role holds");
        self.scrub_files();
        Ok(true)
    }
}

impl Store {
    /// Whether the record `id` was merged into is erased with an empty list of keys (an import taken back and
    /// erased), and no list that has keys: a duplicate of theirs is erased without keys too.
    fn erased_without_keys(&self, id: &str) -> Result<bool, StoreError> {
        let Some(into) = self.attendee_column(id, "merged_into")? else { return Ok(false) };
        let lists = read_changes(
            &self.conn,
            &format!(
                "WHERE entity = 'erasure' AND entity_id = ?1 AND field = '{}' AND cleared IS NULL AND refused = 0",
                crate::ERASURE_KEYS_FIELD
            ),
            [into.as_str()],
        )?;
        let empty = |change: &Change| change.value.as_array().is_some_and(Vec::is_empty);
        Ok(!lists.is_empty() && lists.iter().all(empty))
    }
}

/// The role whose view this device's data was last brought down to (a local setting).
const VIEW_SETTING: &str = "held_view";
/// The role whose unheld fields' clearing notes were taken back (see `forget_clearings_not_held`).
const CLEARINGS_SETTING: &str = "clearings_view";

impl Store {
    /// On an organizer's device: erases every record merged into an erased person that is not erased yet (a
    /// duplicate merged into them on a device that had not heard of the erasure). The erasures are records,
    /// written through the one mutation path, so every device takes them alike whatever it saw in between.
    /// Returns how many people it erased now.
    pub fn erase_merged_into_erased(&mut self, now: Timestamp) -> Result<usize, StoreError> {
        if self.read_only.is_some() || !self.writes_erasures()? {
            return Ok(0);
        }
        let mut erased = 0;
        for _ in 0..16 {
            let ids: Vec<String> = self
                .conn
                .prepare_cached(
                    "SELECT id FROM attendees WHERE merged_into IS NOT NULL AND merged_into IN (SELECT id FROM erasures)
                     AND id NOT IN (SELECT id FROM erasures) ORDER BY id",
                )?
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            if ids.is_empty() {
                break;
            }
            erased += ids.len();
            // With how each was known, as an erasure made by hand keeps it: the duplicate's own e-mail is in
            // the ticket export too. One record each (they may be duplicates of several people).
            let mut ops = Vec::with_capacity(ids.len() * 2);
            for id in ids {
                // Merged into someone erased without keys (an import taken back and erased: they did not ask
                // to be forgotten), a duplicate is erased without keys too, and an empty list says so again.
                let keys = if self.erased_without_keys(&id)? {
                    Some(Vec::new())
                } else {
                    let keys = self.erasure_keys(&[id.as_str()])?;
                    (!keys.is_empty()).then_some(keys)
                };
                ops.push(Op::Set {
                    entity: Entity::Erasure,
                    id: id.clone(),
                    field: crate::ERASURE_FIELD,
                    value: true.into(),
                });
                if let Some(keys) = keys {
                    ops.push(Op::Set {
                        entity: Entity::Erasure,
                        id,
                        field: crate::ERASURE_KEYS_FIELD,
                        value: keys.into(),
                    });
                }
            }
            self.write(now, ops)?;
        }
        Ok(erased)
    }
}
