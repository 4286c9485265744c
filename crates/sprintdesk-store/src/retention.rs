//! Retention: attendees' personal data does not outlive the sprint. Once the sprint's retention period has
//! ended (see [`Sprint::retention_ends`]), a device erases everyone's personal data at its next start or
//! sync, as an erasure of each person would, keeping what they did. Every device applies the same rule to the
//! same sprint settings, so they agree without a record: `erasures` gains `*`, which stands for everyone,
//! and records about anyone that arrive later are cleared on arrival.

use crate::materialize::erase_person;
use crate::store::{Store, StoreError};
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
        if sprint.local_date(now) < ends || self.erased()?.contains("*") {
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
