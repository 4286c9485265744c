//! How a revoked device learns, from its author's own signature, that an organizer revoked it.
//!
//! A revoked device is refused by every device of the venue, so the record that revoked it never reaches
//! it, and what it goes on taking in is acknowledged and then lost. A peer's word alone ("you are revoked")
//! cannot make it stop taking writes: any paired device could then silence the door. So a refusal carries a
//! [`RevocationProof`]: the organizer's record, and the links of its author's chain from what this device
//! already holds of it up to a head its author signed. This device checks it against the chain it holds,
//! the author's grant and role, exactly as it checks records it applies, and only then refuses to write.
//! Nothing else of the venue is sent (a revoked device is not told anything more about anyone).

use crate::chain::read_chain;
use crate::store::{Store, StoreError, device_of};
use crate::trust::{self, Link};
use crate::{Change, Entity, Hlc, VersionVector};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{Device, DeviceId, Grant};

/// The most links a proof carries: 80 hex characters each, well inside the 1 MiB a device reads of a peer
/// it has not admitted. A device more records than this behind the revoking organizer's chain is told in
/// words only (and takes writes on, as before).
pub const MAX_PROOF_STEPS: u64 = 12_000;

/// Where the checked proof is kept on the revoked device.
const PROVEN: &str = "revocation_proven";

/// An organizer's record revoking a device, and what proves it to that device (see the module's words).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationProof {
    /// The record: `device/<the revoked device>/revoked = true`, with its origin, sequence and clock.
    pub record: Change,
    /// The revoked device's own last record of `record.origin`'s chain: the links start after it.
    pub from: u64,
    /// For each of the origin's records from `from + 1` on, its clock (16 hex digits) and the hash of its
    /// content (64), one after the other; the last is the head `proof` signs.
    pub links: String,
    /// The author's signature of its chain up to the last of `links`.
    pub proof: String,
    /// The venue's grant for the author, for a device that has not heard of it.
    pub grant: Option<Grant>,
}

/// A revocation this device checked: who revoked it, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenRevocation {
    /// The organizer's device that wrote it.
    pub by: DeviceId,
    /// Its name, as the allow-list gave it when the proof was checked.
    pub by_name: String,
    /// Its clock, in Unix milliseconds.
    pub at_ms: i64,
}

const STEP_HEX: usize = 16 + 64;

impl Store {
    /// The proof for `device`, which says it holds `has`, that an organizer revoked it: `None` if nothing
    /// revoked it here, or it is too far behind every organizer that did.
    pub fn revocation_proof(&self, device: &str, has: &VersionVector) -> Result<Option<RevocationProof>, StoreError> {
        let revokers: Vec<(String, u64)> = self
            .conn
            .prepare_cached(
                "SELECT origin, seq FROM changes WHERE entity = 'device' AND entity_id = ?1 AND field = 'revoked' \
                 AND value = 'true' AND refused = 0 ORDER BY seq",
            )?
            .query_map([device], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        // The revocation nearest what the device holds of its author's chain, and the head after it.
        let mut best: Option<(String, u64, u64, u64)> = None;
        for (origin, seq) in revokers {
            let from = has.get(&DeviceId(origin.clone()));
            let Some(head): Option<u64> = self
                .conn
                .prepare_cached("SELECT MIN(seq) FROM changes WHERE origin = ?1 AND seq >= ?2 AND proof IS NOT NULL")?
                .query_row(params![origin, seq], |row| row.get(0))?
            else {
                continue;
            };
            if from >= seq || head - from > MAX_PROOF_STEPS {
                continue;
            }
            if best.as_ref().is_none_or(|(_, _, f, h)| head - from < h - f) {
                best = Some((origin, seq, from, head));
            }
        }
        let Some((origin, seq, from, head)) = best else { return Ok(None) };
        let records = crate::store::read_changes(
            &self.conn,
            "WHERE origin = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
            params![origin, from, head],
        )?;
        // A gap in what this device holds of the chain: it cannot prove anything from there.
        if records.len() as u64 != head - from {
            return Ok(None);
        }
        let mut links = String::with_capacity(records.len() * STEP_HEX);
        let mut record = None;
        let mut proof = None;
        for change in &records {
            links.push_str(&format!("{:016x}", change.hlc.0));
            links.push_str(&trust::hex(&trust::record_hash(change)));
            if change.seq == seq {
                record = Some(change.clone());
            }
            if change.seq == head {
                proof = change.proof.clone();
            }
        }
        let (Some(mut record), Some(proof)) = (record, proof) else { return Ok(None) };
        record.proof = None;
        let grant = self.get::<Device>(device_of(&origin))?.and_then(|author| author.grant);
        Ok(Some(RevocationProof { record, from, links, proof, grant }))
    }

    /// Checks a proof that this device was revoked, as it checks records it applies (its author's chain as
    /// held here, the author's grant and role); keeps it if it holds. Returns what it proved, or `None`.
    pub fn take_revocation_proof(&self, proof: &RevocationProof) -> Result<Option<ProvenRevocation>, StoreError> {
        let Some(proven) = self.check_revocation_proof(proof)? else {
            tracing::warn!("a refusal carried a revocation this device could not prove: it goes on taking writes");
            return Ok(None);
        };
        self.set_local_setting(PROVEN, &serde_json::to_string(&proven).expect("a revocation serializes"))?;
        Ok(Some(proven))
    }

    fn check_revocation_proof(&self, proof: &RevocationProof) -> Result<Option<ProvenRevocation>, StoreError> {
        let record = &proof.record;
        let about_me = record.entity == Entity::Device
            && record.entity_id == self.device.as_str()
            && record.field == "revoked"
            && record.value == serde_json::Value::Bool(true)
            && record.cleared.is_none()
            && record.salt.is_none();
        let trust = self.trust()?;
        let Some(venue) = &trust.venue else { return Ok(None) };
        if !about_me {
            return Ok(None);
        }
        let origin = record.origin.as_str();
        let author = device_of(origin);
        // An organizer's device revoked since (stolen, say) silences no one: its revocations may be past its
        // bound, and a proven one is for good. (Its entry says so even where its grant is gone with the
        // records its bound dropped.)
        let entry = self.get::<Device>(author)?;
        if entry.as_ref().is_some_and(|author| author.revoked) {
            return Ok(None);
        }
        let vouched = match trust.device(author) {
            Some(known) => known.vouched.clone(),
            None => match proof.grant.as_ref().and_then(|grant| trust::check_grant(venue, author, grant)) {
                Some(vouched) => vouched,
                None => return Ok(None),
            },
        };
        if trust::may_write(vouched.role, vouched.project.as_deref(), author, record).is_err() {
            return Ok(None);
        }
        let (held, mut link): (u64, Link) = read_chain(&self.conn, origin)?;
        let steps = proof.links.len() / STEP_HEX;
        if held != proof.from
            || !proof.links.len().is_multiple_of(STEP_HEX)
            || steps == 0
            || steps as u64 > MAX_PROOF_STEPS
            || record.seq <= held
            || record.seq > held + steps as u64
        {
            return Ok(None);
        }
        let mut seq = held;
        for step in proof.links.as_bytes().chunks(STEP_HEX) {
            seq += 1;
            let Ok(step) = std::str::from_utf8(step) else { return Ok(None) };
            let (Ok(hlc), Some(hash)) = (
                u64::from_str_radix(&step[..16], 16),
                trust::unhex(&step[16..]).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()),
            ) else {
                return Ok(None);
            };
            if seq == record.seq && (hlc != record.hlc.0 || hash != trust::record_hash(record)) {
                return Ok(None);
            }
            link = trust::link_at(&link, origin, seq, Hlc(hlc), &hash);
        }
        if !trust::verify(&vouched.key, &trust::head_message(origin, seq, &link), &proof.proof) {
            return Ok(None);
        }
        let by_name = entry.map(|author| author.name).unwrap_or_default();
        Ok(Some(ProvenRevocation { by: DeviceId(author.to_string()), by_name, at_ms: record.hlc.millis() as i64 }))
    }

    /// The revocation of this device it checked, if any: it then writes nothing more (see [`Store::write`]).
    pub fn proven_revocation(&self) -> Result<Option<ProvenRevocation>, StoreError> {
        Ok(self.local_setting(PROVEN)?.and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// Why this device writes nothing more, in words, if an organizer revoked it: the revocation reached it
    /// as a record (in `trust`, the allow-list as this device holds it), or a refusal proved it
    /// ([`Store::take_revocation_proof`]).
    pub fn revoked_here(&self, trust: &crate::Trust) -> Result<Option<String>, StoreError> {
        let by_record = trust.device(self.device.as_str()).is_some_and(|me| me.revoked);
        let by = match self.proven_revocation()? {
            Some(proven) if !proven.by_name.is_empty() => format!(" (from “{}”)", proven.by_name),
            Some(_) => String::new(),
            None if by_record => String::new(),
            None => return Ok(None),
        };
        Ok(Some(format!(
            "an organizer revoked this device{by}: the venue takes nothing more from it, so this was not saved. \
             An organizer can pair it again from a new, empty database"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Op;
    use sprintdesk_domain::{Device, DeviceRole, Timestamp};

    const NOW: Timestamp = Timestamp(1_784_000_000_000);

    /// Puts `who` on the allow-list from `desk`, which holds the venue's key.
    fn enrol(desk: &mut Store, who: &Store, name: &str, role: DeviceRole) {
        let id = who.device().clone();
        let grant = desk.sign_grant(&id, role, None, &format!("fp-{id}"), &who.record_key().unwrap()).unwrap();
        let device = Device {
            id,
            name: name.into(),
            role,
            fingerprint: format!("fp-{}", who.device()),
            paired_by: None,
            paired_at: Some(NOW),
            revoked: false,
            grant: Some(grant),
        };
        desk.write(NOW, Op::put(&device, None)).unwrap();
    }

    /// Gives `to` every record `from` holds.
    fn sync(from: &Store, to: &mut Store) {
        to.apply(&from.changes().unwrap(), NOW).unwrap();
    }

    fn revoke(desk: &mut Store, id: &str) {
        desk.write(NOW, vec![Op::Set { entity: Entity::Device, id: id.into(), field: "revoked", value: true.into() }])
            .unwrap();
    }

    /// The organizer's desk, a kiosk and a table lead's laptop, each holding everything; the desk then
    /// writes a little more the kiosk has not seen, and revokes it.
    fn venue() -> (Store, Store, Store) {
        let mut desk = Store::open_in_memory("desk".into()).unwrap();
        let mut kiosk = Store::open_in_memory("kiosk".into()).unwrap();
        let mut lead = Store::open_in_memory("lead".into()).unwrap();
        let venue = desk.create_venue().unwrap();
        kiosk.pin_venue(&venue, None).unwrap();
        lead.pin_venue(&venue, None).unwrap();
        let desk_entry = {
            let key = desk.record_key().unwrap();
            let grant = desk.sign_grant(&"desk".into(), DeviceRole::Organizer, None, "fp-desk", &key).unwrap();
            Device {
                id: "desk".into(),
                name: "Front desk".into(),
                role: DeviceRole::Organizer,
                fingerprint: "fp-desk".into(),
                paired_by: None,
                paired_at: Some(NOW),
                revoked: false,
                grant: Some(grant),
            }
        };
        desk.write(NOW, Op::put(&desk_entry, None)).unwrap();
        enrol(&mut desk, &kiosk, "Door kiosk", DeviceRole::Kiosk);
        enrol(&mut desk, &lead, "CPython laptop", DeviceRole::TableLead);
        sync(&desk, &mut kiosk);
        sync(&desk, &mut lead);
        lead.write(NOW, vec![Op::Set { entity: Entity::Project, id: "p1".into(), field: "name", value: "X".into() }])
            .ok();
        sync(&lead, &mut kiosk);
        desk.write(NOW, vec![Op::Set { entity: Entity::Project, id: "p2".into(), field: "name", value: "Y".into() }])
            .unwrap();
        revoke(&mut desk, "kiosk");
        (desk, kiosk, lead)
    }

    fn sign_in_ops() -> Vec<Op> {
        // A walk-in the kiosk registers itself.
        vec![Op::Set { entity: Entity::Attendee, id: "w1@kiosk".into(), field: "name", value: "Ada".into() }]
    }

    #[test]
    fn a_kiosk_proven_revoked_by_the_organizers_own_record_saves_nothing_more() {
        let (desk, mut kiosk, _lead) = venue();
        // Before: the kiosk takes writes (and only the peer's word says otherwise).
        kiosk.note_revoked("an organizer revoked this device: the venue takes nothing more from it").unwrap();
        kiosk.write(NOW, sign_in_ops()).expect("a peer's word alone stops nothing");
        let proof = desk.revocation_proof("kiosk", &kiosk.vector().unwrap()).unwrap().expect("a proof");
        // Linked: what the kiosk lacks of the desk's chain, up to the revoking write's signed end.
        let desk_id = DeviceId::from("desk");
        let lacks = desk.vector().unwrap().get(&desk_id) - kiosk.vector().unwrap().get(&desk_id);
        assert_eq!(proof.links.len(), lacks as usize * STEP_HEX);
        let proven = kiosk.take_revocation_proof(&proof).unwrap().expect("it holds");
        assert_eq!((proven.by.as_str(), proven.by_name.as_str()), ("desk", "Front desk"));
        let before = kiosk.digest().unwrap();
        let refused = kiosk.write(NOW, sign_in_ops()).unwrap_err().to_string();
        assert!(refused.starts_with("an organizer revoked this device (from “Front desk”)"), "{refused}");
        assert!(refused.contains("this was not saved"), "{refused}");
        assert_eq!(kiosk.digest().unwrap(), before, "nothing was written");
        // Nothing of the venue came with it: the kiosk holds none of the desk's later records.
        assert!(kiosk.changes().unwrap().iter().all(|c| c.entity_id != "p2" && c.value != serde_json::json!(true)));
    }

    #[test]
    fn a_revocation_by_an_organizers_device_revoked_since_stops_nothing() {
        let (desk, mut kiosk, _lead) = venue();
        let genuine = desk.revocation_proof("kiosk", &kiosk.vector().unwrap()).unwrap().unwrap();
        // A second organizer's device, vouched for by the venue's key, revokes the desk (stolen, say).
        let mut spare = Store::open_in_memory("spare".into()).unwrap();
        spare.pin_venue(&desk.venue_key().unwrap().unwrap(), None).unwrap();
        let key = spare.record_key().unwrap();
        let grant = desk.sign_grant(&"spare".into(), DeviceRole::Organizer, None, "fp-spare", &key).unwrap();
        revoke(&mut spare, "desk");
        kiosk.apply_with_grants(&spare.changes().unwrap(), &[("spare".into(), grant)], NOW).unwrap();
        assert_eq!(kiosk.take_revocation_proof(&genuine).unwrap(), None);
        kiosk.write(NOW, sign_in_ops()).expect("the kiosk still takes sign-ins");
    }

    #[test]
    fn a_revocation_that_reaches_a_device_as_a_record_stops_its_writes_too() {
        let (desk, mut kiosk, mut lead) = venue();
        sync(&desk, &mut lead);
        lead.write(NOW, vec![Op::Set { entity: Entity::Goal, id: "g".into(), field: "text", value: "x".into() }]).ok();
        // (A peer that had not dropped it yet passed the revocation on.)
        sync(&desk, &mut kiosk);
        let refused = kiosk.write(NOW, sign_in_ops()).unwrap_err().to_string();
        assert!(refused.starts_with("an organizer revoked this device:"), "{refused}");
    }

    /// What a paired device's owner could send a kiosk to silence it, each refused: the kiosk goes on
    /// taking sign-ins.
    #[test]
    fn a_refusal_that_does_not_prove_the_organizer_revoked_this_device_stops_nothing() {
        let (mut desk, kiosk, lead) = venue();
        let genuine = desk.revocation_proof("kiosk", &kiosk.vector().unwrap()).unwrap().unwrap();
        // A lead's laptop signs a revocation of the kiosk with its own key, as its owner could.
        let by_lead = {
            let seq = lead.changes().unwrap().iter().filter(|c| c.origin.as_str() == "lead").count() as u64 + 1;
            let mut forged = [Change {
                origin: "lead".into(),
                seq,
                hlc: Hlc(genuine.record.hlc.0 + 1),
                entity: Entity::Device,
                entity_id: "kiosk".into(),
                field: "revoked".into(),
                value: true.into(),
                proof: None,
                cleared: None,
                salt: None,
            }];
            crate::chain::seal(&lead.conn, lead.device(), &mut forged).unwrap();
            let [mut record] = forged;
            let proof = record.proof.take().unwrap();
            let links = format!("{:016x}{}", record.hlc.0, trust::hex(&trust::record_hash(&record)));
            RevocationProof { record, from: seq - 1, links, proof, grant: None }
        };
        // The desk's revocation of the lead, relayed to the kiosk.
        revoke(&mut desk, "lead");
        let of_the_lead = desk.revocation_proof("lead", &kiosk.vector().unwrap()).unwrap().unwrap();
        let tampered = |change: &dyn Fn(&mut RevocationProof)| {
            let mut proof = genuine.clone();
            change(&mut proof);
            proof
        };
        let cases: Vec<(&str, RevocationProof)> = vec![
            ("signed by a table lead's laptop, which may not revoke", by_lead),
            ("the organizer's revocation of another device", of_the_lead),
            ("an earlier record's hash changed", tampered(&|p| p.links.replace_range(20..21, "f"))),
            ("starting where the kiosk's chain does not", tampered(&|p| p.from -= 1)),
            ("a link left out", tampered(&|p| p.links.truncate(STEP_HEX))),
            ("the signature of another head", tampered(&|p| p.proof = "00".repeat(64))),
            ("the record said to be false", tampered(&|p| p.record.value = false.into())),
            ("the record's clock changed", tampered(&|p| p.record.hlc = Hlc(p.record.hlc.0 + 1))),
            ("a record of the kiosk's name", tampered(&|p| p.record.field = "name".into())),
            ("links of a broken length", tampered(&|p| p.links.push('0'))),
            ("links that are not hex", tampered(&|p| p.links.replace_range(0..1, "z"))),
        ];
        for (case, proof) in cases {
            let mut kiosk = Store::open_in_memory("kiosk".into()).unwrap();
            kiosk.pin_venue(&desk.venue_key().unwrap().unwrap(), None).unwrap();
            let mut setup = desk.changes().unwrap();
            setup.retain(|c| !(c.entity == Entity::Device && c.field == "revoked"));
            let held_desk = genuine.from;
            setup.retain(|c| c.origin.as_str() != "desk" || c.seq <= held_desk);
            kiosk.apply(&setup, NOW).unwrap();
            kiosk.apply(&lead.changes().unwrap(), NOW).unwrap();
            assert_eq!(kiosk.take_revocation_proof(&proof).unwrap(), None, "{case}");
            kiosk.write(NOW, sign_in_ops()).unwrap_or_else(|e| panic!("{case}: the kiosk still writes: {e}"));
        }
    }
}
