//! How an erased person was known (their e-mails and badge codes), kept as keyed hashes so that an import
//! can leave them out: a ticketing export taken again after an erasure still lists them, and brought them
//! back, e-mail and all, on every device.
//!
//! The key is derived from the venue's secret, which only organizers' devices hold: a kiosk or a lead's
//! laptop holds the hashes (they travel in the erasure's records like any other) but cannot test a guessed
//! e-mail against them, and neither can anyone with a copy of such a device's file. The hashes are cleared
//! with everyone's personal data when the retention period ends.

use crate::change::{ERASURE_KEYS_FIELD, PERSONAL_FIELDS};
use crate::store::{Store, StoreError, read_changes};
use ring::hmac;
use std::collections::BTreeSet;

/// The most keys one erasure record keeps (a person's e-mails and badge codes, and their duplicates').
pub const MAX_PERSON_KEYS: usize = 64;

/// Keyed hashes of how people are known, under the venue's key.
pub struct PersonKeys {
    key: hmac::Key,
}

impl std::fmt::Debug for PersonKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonKeys(..)")
    }
}

impl PersonKeys {
    fn new(venue_secret: &[u8]) -> Self {
        let derived = ring::digest::digest(
            &ring::digest::SHA256,
            &[b"sprintdesk erased person keys\0".as_slice(), venue_secret].concat(),
        );
        PersonKeys { key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()) }
    }

    /// The key of a person's `field` (`email` or `badge_code`) holding `value`, as an import and the door
    /// compare them: trimmed, and without regard to case. `None` for another field or an empty value.
    pub fn of(&self, field: &str, value: &str) -> Option<String> {
        let value = value.trim().to_lowercase();
        if value.is_empty() || !matches!(field, "email" | "badge_code") {
            return None;
        }
        let tag = hmac::sign(&self.key, format!("{field}\0{value}").as_bytes());
        Some(crate::trust::hex(tag.as_ref()))
    }
}

/// Whether `value` is what an erasure's keys record holds: a list of at most [`MAX_PERSON_KEYS`] hashes.
pub(crate) fn well_formed(value: &serde_json::Value) -> bool {
    value.as_array().is_some_and(|keys| {
        keys.len() <= MAX_PERSON_KEYS
            && keys
                .iter()
                .all(|key| key.as_str().is_some_and(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit())))
    })
}

impl Store {
    /// The venue's keys for people, on a device that holds the venue's secret (an organizer's); `None`
    /// elsewhere, or in a store without a venue.
    pub fn person_keys(&self) -> Result<Option<PersonKeys>, StoreError> {
        Ok(self.venue_secret()?.map(|secret| PersonKeys::new(&secret)))
    }

    /// Every e-mail and badge code the change log still holds for the people `ids` (each value they had,
    /// not only the last), for the keys of an erasure.
    pub fn identifiers_held(&self, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
        let mut found = Vec::new();
        for id in ids {
            let records = read_changes(
                &self.conn,
                "WHERE entity = 'attendee' AND entity_id = ?1 AND field IN ('email', 'badge_code') AND cleared IS NULL",
                [id],
            )?;
            found.extend(records.into_iter().filter_map(|r| Some((r.field, r.value.as_str()?.to_owned()))));
        }
        debug_assert!(found.iter().all(|(field, _)| PERSONAL_FIELDS.contains(&field.as_str())));
        Ok(found)
    }

    /// The keys of everyone erased here, as the erasures' records keep them (cleared once everyone is).
    pub fn erased_person_keys(&self) -> Result<BTreeSet<String>, StoreError> {
        let records = read_changes(
            &self.conn,
            &format!("WHERE entity = 'erasure' AND field = '{ERASURE_KEYS_FIELD}' AND cleared IS NULL"),
            [],
        )?;
        Ok(records
            .iter()
            .filter_map(|r| r.value.as_array())
            .flatten()
            .filter_map(|key| key.as_str().map(str::to_owned))
            .collect())
    }
}
