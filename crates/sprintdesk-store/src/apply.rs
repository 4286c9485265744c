//! Taking change records made elsewhere, [`Store::apply`]: it skips what is already held, sets aside
//! records of retired origins and refuses those stamped more than [`MAX_AHEAD_MS`] in this device's
//! future, then hands the rest to the materializer it shares with `Store::write`, all in one
//! transaction. It must not merge anything itself, and a batch it refuses changes nothing.

use crate::Change;
use crate::chain::{judge, remember_refusals};
use crate::materialize::materialize_and_record_judged;
use crate::store::{Store, StoreError, millis, read_retirements, read_vector};
use rusqlite::{TransactionBehavior, params};
use sprintdesk_domain::{DeviceId, Grant, Timestamp};

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
    /// Records left out because no proof showed their origin's device wrote them (see [`crate::trust`]), or
    /// because their origin is no device's ([`crate::is_origin`]).
    pub unproven: usize,
    /// Records refused by the rules of trust: outside their author's role, or not signed by it; with why.
    pub forbidden: Vec<(DeviceId, u64, String)>,
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

/// Change records as they arrived, each with the content hash its author's chain links (see
/// [`crate::trust::record_hash`]) and its value as JSON text (what the hash was worked out from, and what
/// the log keeps), worked out where they were read: a sync's reading task, while the applying one writes
/// the batch before. Made only from the records themselves, and changed only in step with them, so a hash
/// and a text always belong to their record.
#[derive(Debug, Default)]
pub struct Received {
    changes: Vec<Change>,
    hashes: Vec<[u8; 32]>,
    /// Where each record's value is in `texts`; `None` for a record that arrived cleared.
    spans: Vec<Option<(usize, usize)>>,
    texts: String,
}

impl Received {
    pub fn new(changes: Vec<Change>) -> Self {
        let mut texts: Vec<u8> = Vec::new();
        let mut hashes = Vec::with_capacity(changes.len());
        let mut spans = Vec::with_capacity(changes.len());
        for change in &changes {
            match crate::trust::cleared_hash(change) {
                Some(hash) => {
                    hashes.push(hash);
                    spans.push(None);
                }
                None => {
                    let start = texts.len();
                    serde_json::to_writer(&mut texts, &change.value).expect("JSON values serialize");
                    hashes.push(crate::trust::content_hash_of_text(change, &texts[start..]));
                    spans.push(Some((start, texts.len())));
                }
            }
        }
        let texts = String::from_utf8(texts).expect("JSON is UTF-8");
        Self { changes, hashes, spans, texts }
    }

    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Makes room for `more` records after these, so that appending them moves each once. (Not for their
    /// texts, whose size is the sender's to choose.)
    pub fn reserve(&mut self, more: usize) {
        self.changes.reserve(more);
        self.hashes.reserve(more);
        self.spans.reserve(more);
    }

    /// The bytes their values' texts take.
    pub fn text_bytes(&self) -> usize {
        self.texts.len()
    }

    /// `other`'s records after these.
    pub fn append(&mut self, mut other: Received) {
        let shift = self.texts.len();
        self.changes.append(&mut other.changes);
        self.hashes.append(&mut other.hashes);
        self.spans.extend(other.spans.into_iter().map(|span| span.map(|(start, end)| (start + shift, end + shift))));
        self.texts.push_str(&other.texts);
    }

    /// Keeps the records `keep` says to, with their hashes and texts.
    pub fn retain(&mut self, keep: impl Fn(&Change) -> bool) {
        let mut kept = (Vec::new(), Vec::new(), Vec::new());
        let all = std::mem::take(&mut self.changes).into_iter().zip(std::mem::take(&mut self.hashes));
        for ((change, hash), span) in all.zip(std::mem::take(&mut self.spans)) {
            if keep(&change) {
                kept.0.push(change);
                kept.1.push(hash);
                kept.2.push(span);
            }
        }
        (self.changes, self.hashes, self.spans) = kept;
    }

    /// Where `change` is among these records, if it is one of them (the very one, not an equal copy).
    fn index_of(&self, change: &Change) -> Option<usize> {
        let size = std::mem::size_of::<Change>();
        let offset = (change as *const Change as usize).checked_sub(self.changes.as_ptr() as usize)?;
        let index = offset / size;
        let held = self.changes.get(index)?;
        (offset % size == 0 && std::ptr::eq(held, change)).then_some(index)
    }

    /// The hash of `change`, if it is one of these records.
    pub(crate) fn hash_of(&self, change: &Change) -> Option<[u8; 32]> {
        self.index_of(change).map(|index| self.hashes[index])
    }

    /// The value of `change` as JSON text, if it is one of these records and did not arrive cleared.
    pub(crate) fn text_of(&self, change: &Change) -> Option<&str> {
        let (start, end) = self.spans[self.index_of(change)?]?;
        self.texts.get(start..end)
    }
}

/// Records stamped more than an hour ahead of the receiving device's clock are refused: applied, one
/// device with a wrong clock would win every later edit for as long as its clock is off.
pub const MAX_AHEAD_MS: i64 = 60 * 60 * 1000;

impl Store {
    /// Applies change records from other devices (or this one, replayed), received at `now`. Records
    /// already held are skipped; the rest are materialized exactly as local writes are, in any order. The
    /// batch is one transaction: a record that is not well formed refuses the whole batch and changes
    /// nothing, not even this device's clock. Records stamped more than [`MAX_AHEAD_MS`] after `now` are
    /// left out and reported.
    pub fn apply(&mut self, changes: &[Change], now: Timestamp) -> Result<ApplyOutcome, StoreError> {
        self.apply_with_grants(changes, &[], now)
    }

    /// [`Store::apply`], with the venue's grants for the records' authors as the sender sent them: each is
    /// used only if the venue's key signed it.
    pub fn apply_with_grants(
        &mut self,
        changes: &[Change],
        grants: &[(DeviceId, Grant)],
        now: Timestamp,
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_from(changes, grants, None, now)
    }

    /// [`Store::apply_with_grants`] for records passed on by `relay`: those that arrive cleared while no
    /// erasure held here clears them are noted against it (see [`Store::unexplained_clearings`]).
    pub fn apply_from(
        &mut self,
        changes: &[Change],
        grants: &[(DeviceId, Grant)],
        relay: Option<&DeviceId>,
        now: Timestamp,
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_hashed(changes, None, grants, relay, now)
    }

    /// [`Store::apply_from`] for records whose hashes were worked out as they arrived: a sync's. While this
    /// device's join is unfinished (its first sync, [`Store::join_unfinished`]), a bulk batch is committed
    /// without waiting for the disk ([`Store::relaxed_if`]): the device holds nothing of its own yet, the
    /// organizer it joins holds every record, and a join cut off is run again.
    pub fn apply_received(
        &mut self,
        received: &Received,
        grants: &[(DeviceId, Grant)],
        relay: Option<&DeviceId>,
        now: Timestamp,
    ) -> Result<ApplyOutcome, StoreError> {
        let joining = received.len() >= crate::store::BULK_RECORDS && self.join_unfinished()?;
        self.relaxed_if(joining, |store| store.apply_hashed(received.changes(), Some(received), grants, relay, now))
    }

    fn apply_hashed(
        &mut self,
        changes: &[Change],
        known: Option<&Received>,
        grants: &[(DeviceId, Grant)],
        relay: Option<&DeviceId>,
        now: Timestamp,
    ) -> Result<ApplyOutcome, StoreError> {
        self.writable()?;
        self.size_cache_for(changes.len())?;
        let trust = self.trust()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held_vector = read_vector(&tx)?;
        let retired = read_retirements(&tx)?;
        let latest = millis(now.0.saturating_add(MAX_AHEAD_MS));
        let mut fresh: Vec<&Change> = Vec::with_capacity(changes.len());
        let mut refused: Vec<Refused> = Vec::new();
        let mut superseded = 0;
        let mut malformed = 0;
        let mut seen: std::collections::HashSet<(&str, u64)> = std::collections::HashSet::new();
        {
            let mut held = tx.prepare_cached("SELECT 1 FROM changes WHERE origin = ?1 AND seq = ?2")?;
            let mut highest = tx.prepare_cached("SELECT MAX(seq) FROM changes WHERE origin = ?1")?;
            // Above an origin's highest held sequence nothing is held: no lookup needed per record.
            let mut highest_held: std::collections::HashMap<DeviceId, u64> = std::collections::HashMap::new();
            for change in changes {
                // Not a device's origin (see `is_origin`): not kept, not even as a refusal, so that it never
                // reaches this device's version vector and every `hello` it sends.
                if !crate::is_origin(change.origin.as_str()) {
                    malformed += 1;
                    continue;
                }
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
        // Only records their author provably wrote are taken; those outside its role are logged, not applied.
        let judgement = judge(&tx, &trust, grants, &mut fresh, known)?;
        remember_refusals(&tx, &judgement, now)?;
        // A retirement in this batch supersedes the records after it that it retires.
        let view = trust.device(self.device.as_str()).map(|me| me.vouched.role);
        // The origin this device writes under now: a record of its own that came back from a peer (after a
        // restore from a backup) was not written here without the others, and is not judged as if it were.
        let writing = crate::store::read_origin(&tx, &self.device)?;
        let dropped = materialize_and_record_judged(
            &tx,
            fresh.iter().copied(),
            &judgement.forbidden,
            view,
            Some(&writing),
            known,
        )?;
        if let Some(relay) = relay {
            crate::retention::note_clearings(&tx, &fresh, relay, view, now)?;
        }
        tx.commit()?;
        if fresh.iter().any(|c| c.entity == crate::Entity::Device) {
            self.forget_trust();
            // This device's own entry may be among them: paired under its id, it needs no earlier id's secret.
            self.forget_earlier_secrets()?;
        }
        if fresh.iter().any(|c| c.entity == crate::Entity::Erasure) {
            self.scrub_files();
        } else {
            self.scrub_if_pending();
        }
        // Records that arrived before the venue's word on this device's own role (the first batches of a
        // join) are brought to what its role holds, once.
        self.enforce_view()?;
        if !refused.is_empty() {
            tracing::warn!(count = refused.len(), first = ?refused[0], "refused change records stamped in the future");
        }
        if malformed > 0 {
            tracing::warn!(count = malformed, "left out change records under an origin that is no device's");
        }
        let unproven = judgement.unproven + malformed;
        let duplicates = changes.len() - fresh.len() - refused.len() - superseded - unproven;
        let forbidden = judgement.refusals;
        Ok(ApplyOutcome {
            applied: fresh.len().saturating_sub(dropped + judgement.forbidden.len()),
            duplicates,
            superseded: superseded + dropped,
            refused,
            unproven,
            forbidden,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Received;
    use crate::{Change, Entity, Hlc, trust::record_hash};

    fn record(seq: u64) -> Change {
        Change {
            origin: "k1".into(),
            seq,
            hlc: Hlc(seq),
            entity: Entity::Attendee,
            entity_id: format!("a-{seq}"),
            field: "name".into(),
            value: serde_json::json!(format!("Person {seq}")),
            proof: None,
            cleared: None,
            salt: None,
        }
    }

    /// A hash is had only for the very record it was worked out from, through appends and filters; an equal
    /// copy, or a record of another batch, has none (its hash is then worked out again).
    #[test]
    fn a_received_records_hash_belongs_to_it_through_appends_and_filters() {
        let mut received = Received::new((1..=5).map(record).collect());
        received.append(Received::new((6..=9).map(record).collect()));
        received.retain(|c| c.seq % 3 != 0);
        let seqs: Vec<u64> = received.changes().iter().map(|c| c.seq).collect();
        assert_eq!(seqs, [1, 2, 4, 5, 7, 8]);
        for change in received.changes() {
            assert_eq!(received.hash_of(change), Some(record_hash(change)), "record {}", change.seq);
            let text = serde_json::to_string(&change.value).unwrap();
            assert_eq!(received.text_of(change), Some(text.as_str()), "record {}", change.seq);
        }
        let copy = received.changes()[2].clone();
        assert_eq!(received.hash_of(&copy), None, "an equal copy is not the record");
        assert_eq!(received.text_of(&copy), None);
        let other = Received::new(vec![record(4)]);
        assert_eq!(received.hash_of(&other.changes()[0]), None);
        assert_eq!(other.hash_of(&received.changes()[0]), None);
        assert_eq!(Received::default().hash_of(&copy), None);
        // A record that arrived cleared has its hash from what it carries, and no text.
        let mut cleared = record(10);
        cleared.field = "email".into();
        cleared.value = serde_json::Value::Null;
        cleared.cleared = Some("ab".repeat(32));
        let received = Received::new(vec![record(11), cleared.clone(), record(12)]);
        assert_eq!(received.hash_of(&received.changes()[1]), Some([0xab; 32]));
        assert_eq!(received.text_of(&received.changes()[1]), None);
        assert_eq!(received.text_of(&received.changes()[2]), Some("\"Person 12\""));
    }
}
