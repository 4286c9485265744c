//! Retention: attendees' personal data does not outlive the sprint. Once the sprint's retention period has
//! ended (see [`Sprint::retention_ends`]), a device erases everyone's personal data at its next start or
//! sync, as an erasure of each person would, keeping what they did. Every device applies the same rule to the
//! same sprint settings, so they agree without a record: `erasures` gains `*`, which stands for everyone,
//! and records about anyone that arrive later are cleared on arrival.

use crate::materialize::{clear_in_log, erase_person, is_erased, sql_list};
use crate::store::{Store, StoreError, read_changes};
use crate::trust::holds;
use crate::{Entity, Op, PERSONAL_FIELDS};
use rusqlite::TransactionBehavior;
use sprintdesk_domain::Timestamp;

impl Store {
    /// Erases everyone's personal data if the sprint's retention period ended before `now` (in the venue's
    /// time zone) and this device has not done so yet. Returns whether it did now.
    pub fn enforce_retention(&mut self, now: Timestamp) -> Result<bool, StoreError> {
        if self.read_only.is_some() {
            return Ok(false);
        }
        let Some(sprint) = self.sprint()? else { return Ok(false) };
        let Some(ends) = sprint.retention_ends() else { return Ok(false) };
        if sprint.local_date(now) < ends || is_erased(&self.conn, "*")? {
            return Ok(false);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        erase_person(&tx, "*")?;
        tx.commit()?;
        tracing::warn!(%ends, "the sprint's retention period has ended: everyone's personal data was erased here");
        self.scrub_files();
        Ok(true)
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
        if left_out.is_empty() || self.local_setting(VIEW_SETTING)?.as_deref() == Some(role.as_str()) {
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

/// The role whose view this device's data was last brought down to (a local setting).
const VIEW_SETTING: &str = "held_view";

impl Store {
    /// On an organizer's device: erases every record merged into an erased person that is not erased yet (a
    /// duplicate merged into them on a device that had not heard of the erasure). The erasures are records,
    /// written through the one mutation path, so every device takes them alike whatever it saw in between.
    /// Returns how many people it erased now.
    pub fn erase_merged_into_erased(&mut self, now: Timestamp) -> Result<usize, StoreError> {
        if self.read_only.is_some() || (self.venue_key()?.is_some() && !self.holds_venue_secret()?) {
            return Ok(0);
        }
        let mut erased = 0;
        for _ in 0..16 {
            let ids: Vec<String> = self
                .conn
                .prepare_cached(
                    "SELECT id FROM attendees WHERE merged_into IN (SELECT id FROM erasures)
                     AND id NOT IN (SELECT id FROM erasures) ORDER BY id",
                )?
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            if ids.is_empty() {
                break;
            }
            erased += ids.len();
            let ops = ids
                .into_iter()
                .map(|id| Op::Set { entity: Entity::Erasure, id, field: crate::ERASURE_FIELD, value: true.into() })
                .collect();
            self.write(now, ops)?;
        }
        Ok(erased)
    }
}
