//! How an erased person was known (their e-mails and badge codes), kept as keyed hashes so that an import
//! can leave them out: a ticketing export taken again after an erasure still lists them, and brought them
//! back, e-mail and all, on every device.
//!
//! The key is derived from the venue's secret, which only organizers' devices hold: a kiosk or a lead's
//! laptop holds the hashes (they travel in the erasure's records like any other) but cannot test a guessed
//! e-mail against them, and neither can anyone with a copy of such a device's file. The hashes are cleared
//! with everyone's personal data when the retention period ends.

use crate::change::ERASURE_KEYS_FIELD;
use crate::store::{Store, StoreError, read_changes};
use ring::hmac;
use std::collections::{BTreeSet, HashMap};

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

    fn sign(&self, text: &str) -> String {
        crate::trust::hex(hmac::sign(&self.key, text.as_bytes()).as_ref())
    }

    /// The key of a person's `field` (`email`, `badge_code` or `handle`) holding `value`, as an import and
    /// the door compare them: trimmed, and without regard to case (a handle without its `@`). `None` for
    /// another field or an empty value.
    pub fn of(&self, field: &str, value: &str) -> Option<String> {
        let value = value.trim();
        let value = if field == "handle" { value.trim_start_matches('@') } else { value }.to_lowercase();
        if value.is_empty() || !matches!(field, "email" | "badge_code" | "handle") {
            return None;
        }
        Some(self.sign(&format!("{field}\0{value}")))
    }

    /// The key of an e-mail together with a name (folded as the "same person" rule folds names): what an
    /// e-mail that several people of a file share says of one of them.
    pub fn of_email_and_name(&self, email: &str, name: &str) -> Option<String> {
        let email = email.trim().to_lowercase();
        let name = name_as_kept(name);
        if email.is_empty() || name.is_empty() {
            return None;
        }
        Some(self.sign(&format!("email and name\0{email}\0{name}")))
    }
}

/// A name as the keys hold it: folded (accents, case), apostrophes left out, hyphens as spaces, spacing
/// collapsed. Fixed here, not borrowed from the "same person" rule: keys stored once must match the same
/// names after that rule is tuned.
fn name_as_kept(name: &str) -> String {
    let folded: String = sprintdesk_domain::search::fold(name)
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '\u{02BC}'))
        .map(|c| if matches!(c, '-' | '\u{2010}' | '\u{2011}') { ' ' } else { c })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
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
    /// elsewhere. A device that started its sprint and has not made its venue yet (the command line, before
    /// it first served or paired) makes it now, as its first `serve` would: its erasures keep keys too.
    pub fn person_keys(&self) -> Result<Option<PersonKeys>, StoreError> {
        if self.venue_key()?.is_none() && self.sprint()?.is_some() {
            self.create_venue()?;
        }
        Ok(self.venue_secret()?.map(|secret| PersonKeys::new(&secret)))
    }

    /// The keys of how the people `ids` were known, for their erasure: every e-mail and badge code the change
    /// log holds of them (each value they had, not only the last), and each e-mail with each name. Only what
    /// this device applied counts: a record refused for its author's role (a lead's laptop writing someone's
    /// e-mail) is held, not believed. None on a device without the venue's secret.
    pub fn erasure_keys(&self, ids: &[&str]) -> Result<Vec<String>, StoreError> {
        let Some(keys) = self.person_keys()? else { return Ok(Vec::new()) };
        // E-mails and codes alone first: they are what an import mostly matches.
        let (mut found, mut together): (BTreeSet<String>, BTreeSet<String>) = Default::default();
        for id in ids {
            let records = read_changes(
                &self.conn,
                "WHERE entity = 'attendee' AND entity_id = ?1 AND field IN ('email', 'badge_code', 'name') \
                 AND cleared IS NULL AND refused = 0",
                [id],
            )?;
            let values = |field: &str| -> Vec<&str> {
                records.iter().filter(|r| r.field == field).filter_map(|r| r.value.as_str()).collect()
            };
            let (emails, names) = (values("email"), values("name"));
            // An address someone else on the list holds too (a company's, a family's) says nothing alone:
            // it kept Bruno out for an address he shares with Ana, after Zofia's erasure. With the name only.
            let others_hold = |email: &str| -> Result<bool, StoreError> {
                let mut holders = self.conn.prepare_cached(
                    "SELECT id FROM attendees WHERE lower(trim(email)) = ?1 AND id NOT IN (SELECT id FROM erasures)",
                )?;
                let ids_of: Vec<String> =
                    holders.query_map([email.trim().to_lowercase()], |row| row.get(0))?.collect::<Result<_, _>>()?;
                Ok(ids_of.iter().any(|holder| !ids.contains(&holder.as_str())))
            };
            for email in &emails {
                if !others_hold(email)? {
                    found.extend(keys.of("email", email));
                }
            }
            found.extend(values("badge_code").iter().filter_map(|badge| keys.of("badge_code", badge)));
            // Their forge handle as it stands (not one corrected since, which may be someone else's): a pull
            // request import after the erasure would name them by it.
            let handle = self.attendee_column(id, "handle")?;
            found.extend(handle.iter().filter_map(|handle| keys.of("handle", handle)));
            for email in &emails {
                together.extend(names.iter().filter_map(|name| keys.of_email_and_name(email, name)));
            }
        }
        // (More e-mails, codes and names than this is past any real person and their duplicates: the rest
        // are not kept.)
        Ok(found.into_iter().chain(together).take(MAX_PERSON_KEYS).collect())
    }

    /// One text column of an attendee's row (`handle`, `merged_into`): `None` for no such row or no value.
    pub(crate) fn attendee_column(&self, id: &str, column: &'static str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {column} FROM attendees WHERE id = ?1"))?
            .query_row([id], |row| row.get(0))
            .optional()?
            .flatten())
    }

    /// Which of `handles` were erased people's, by the keys their erasures kept: each such handle (as given)
    /// with the erasure record's id, so that a pull request import names them by that pseudonym, not by the
    /// handle. Empty on a device without the venue's secret. The erasures' keys are read once, however many
    /// handles: read per pull request, a re-import of 3,000 took 34 s and held the door's sign-ins.
    pub fn erased_with_handles(&self, handles: &[&str]) -> Result<HashMap<String, String>, StoreError> {
        let Some(keys) = self.person_keys()? else { return Ok(HashMap::new()) };
        let records = self.erasure_key_records()?;
        let owner: HashMap<&str, &str> = records
            .iter()
            .flat_map(|r| {
                r.value.as_array().into_iter().flatten().filter_map(|k| k.as_str()).map(|k| (k, r.entity_id.as_str()))
            })
            .collect();
        if owner.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(handles
            .iter()
            .filter_map(|handle| {
                let key = keys.of("handle", handle)?;
                owner.get(key.as_str()).map(|id| ((*handle).to_owned(), (*id).to_owned()))
            })
            .collect())
    }

    /// The erasures' records of keys this device applied (an organizer's, not one refused for its author's
    /// role), not cleared.
    fn erasure_key_records(&self) -> Result<Vec<crate::Change>, StoreError> {
        read_changes(
            &self.conn,
            &format!("WHERE entity = 'erasure' AND field = '{ERASURE_KEYS_FIELD}' AND cleared IS NULL AND refused = 0"),
            [],
        )
    }

    /// The keys of everyone erased here, as the erasures' records keep them (cleared once everyone is).
    /// Only records this device applied count (an organizer's, not one refused for its author's role).
    pub fn erased_person_keys(&self) -> Result<BTreeSet<String>, StoreError> {
        let records = self.erasure_key_records()?;
        Ok(records
            .iter()
            .filter_map(|r| r.value.as_array())
            .flatten()
            .filter_map(|key| key.as_str().map(str::to_owned))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::PersonKeys;

    #[test]
    fn a_kept_key_stays_what_it_was() {
        // Keys stored by one build must match the same e-mails and names in every later one: pinned here.
        let keys = PersonKeys::new(b"a venue secret");
        assert_eq!(
            keys.of("email", " Zofia.Q@Example.org").unwrap(),
            "30ee7ba603d910878069331456aee0a9323ef7e1295683ce620b9e53c5d101ef"
        );
        assert_eq!(
            keys.of_email_and_name("zofia.q@example.org", "Siobhán O'Connor-Quast").unwrap(),
            "5fe6c3b4db3c17e27b3ed067cdda1b152b7ab49efc496c281e20fe8cceae3a42"
        );
        assert_eq!(
            keys.of_email_and_name("zofia.q@example.org", "Siobhán O'Connor-Quast").unwrap(),
            keys.of_email_and_name("ZOFIA.Q@example.org", "siobhan oconnor quast").unwrap()
        );
    }
}
