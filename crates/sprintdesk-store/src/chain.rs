//! The store's side of trust ([`crate::trust`] has the rules): this device's keys, the venue's pinned key,
//! the allow-list as the venue vouched for it, sealing this device's records into its chain as they are
//! written, and judging records from elsewhere before they are applied.

use crate::store::{Store, StoreError, device_of};
use crate::trust::{self, GENESIS, Link, PROOF_EVERY, SigningKey, Vouched};
use crate::{Change, Entity};
use rusqlite::{Connection, OptionalExtension, params};
use sprintdesk_domain::{DeviceId, DeviceRole, Grant, ProjectId, Timestamp};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// The local setting keeping the grant of the organizer's device a join was let in by
/// ([`Store::keep_joining_grant`]).
pub(crate) const JOINING_ORGANIZER: &str = "joining_organizer";

/// The grant kept while a join is let in ([`Store::keep_joining_grant`]): whose it is, and under which id of
/// this file's it was kept.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptGrant {
    joiner: DeviceId,
    device: DeviceId,
    grant: Grant,
}

/// What the venue's key vouches for in `grant`, if it signed it for `device` as an organizer's device.
fn organizers(venue: &[u8; 32], device: &DeviceId, grant: &Grant) -> Option<Vouched> {
    trust::check_grant(venue, device.as_str(), grant).filter(|vouched| vouched.role == DeviceRole::Organizer)
}

/// The allow-list as the venue vouched for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// The venue's public key, pinned when this device made or joined the venue. Without one, nothing is
    /// checked (a database from before venues had keys, or a test's bare store).
    pub venue: Option<[u8; 32]>,
    /// Devices whose grant the venue signed.
    pub devices: HashMap<String, TrustedDevice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedDevice {
    pub vouched: Vouched,
    pub revoked: bool,
}

impl Trust {
    /// The vouched-for entry of `device`, if it is on the allow-list with a good grant.
    pub fn device(&self, device: &str) -> Option<&TrustedDevice> {
        self.devices.get(device)
    }

    /// Whether a connection from `device` presenting `fingerprint` is admitted.
    pub fn admits(&self, device: &str, fingerprint: &str) -> bool {
        self.device(device).is_some_and(|d| !d.revoked && d.vouched.fingerprint == fingerprint)
    }
}

/// A record this device would not apply, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub origin: DeviceId,
    pub seq: u64,
    pub reason: String,
    pub at: Timestamp,
}

/// What judging a batch from elsewhere found.
#[derive(Debug, Default)]
pub(crate) struct Judgement {
    /// Records that are links of their author's chain but outside its role: logged, not applied.
    pub forbidden: HashSet<(DeviceId, u64)>,
    /// Records left out because nothing proved their author wrote them (yet).
    pub unproven: usize,
    /// Why, per record, for the refusals list.
    pub refusals: Vec<(DeviceId, u64, String)>,
}

#[derive(Debug, Default)]
pub(crate) struct TrustCache {
    cached: Option<(i64, Arc<Trust>)>,
}

impl Store {
    /// The allow-list as the venue vouched for it (cached until the devices change).
    pub fn trust(&self) -> Result<Arc<Trust>, StoreError> {
        let version = self.data_version()?;
        let mut cache = self.trust_cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, trust)) = &cache.cached
            && *at == version
        {
            return Ok(trust.clone());
        }
        let trust = Arc::new(load_trust(&self.conn, &self.device)?);
        cache.cached = Some((version, trust.clone()));
        Ok(trust)
    }

    pub(crate) fn forget_trust(&self) {
        self.trust_cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).cached = None;
    }

    /// This device's record-signing key's public half, hex (made on first use).
    pub fn record_key(&self) -> Result<String, StoreError> {
        Ok(signing_key(&self.conn, &self.device)?.public_hex())
    }

    /// The venue's public key, hex, once this device made or joined a venue.
    pub fn venue_key(&self) -> Result<Option<String>, StoreError> {
        Ok(read_key(&self.conn, &self.device, "venue")?.map(|(public, _)| trust::hex(&public)))
    }

    /// Whether this device holds the venue's secret key (an organizer's device), so it can pair and revoke.
    pub fn holds_venue_secret(&self) -> Result<bool, StoreError> {
        Ok(read_key(&self.conn, &self.device, "venue")?.is_some_and(|(_, secret)| secret.is_some()))
    }

    /// Makes a key for a new venue and keeps both halves: the device that starts a venue is its authority.
    /// Does nothing if this device already has a venue.
    pub fn create_venue(&self) -> Result<String, StoreError> {
        if let Some(existing) = self.venue_key()? {
            return Ok(existing);
        }
        let key = SigningKey::generate();
        self.keep_venue(&key.public(), Some(key.pkcs8()))?;
        Ok(key.public_hex())
    }

    /// Pins the venue this device joins: its public key, and its secret on an organizer's device. A device
    /// keeps the first venue it pins; joining another is refused.
    pub fn pin_venue(&self, public_hex: &str, secret_pkcs8: Option<&[u8]>) -> Result<(), StoreError> {
        let bad = |why: &str| StoreError::BadKey(why.to_owned());
        let public: [u8; 32] = trust::unhex(public_hex)
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| bad("the venue's key is not a public key"))?;
        if let Some(secret) = secret_pkcs8
            && SigningKey::from_pkcs8(secret).map(|key| key.public()) != Some(public)
        {
            return Err(bad("the venue's secret key does not match its public key"));
        }
        match read_key(&self.conn, &self.device, "venue")? {
            Some((held, _)) if held != public => Err(bad("this device already belongs to another venue")),
            _ => self.keep_venue(&public, secret_pkcs8),
        }
    }

    /// Stays in the venue this file belonged to under an earlier id of this device, when this id has none
    /// of its own: the id is kept outside the file (see [`crate::device_id_for`]), so a device whose state
    /// folder was lost, or whose file was moved or copied, comes back under a new id, and must not start a
    /// venue of its own with the venue's data in it. Pins the venue's public key only: the device is then
    /// one to pair again, and joins no other venue. (Its secret, on an organizer's file, is taken only when
    /// asked: [`Store::take_back_venue_authority`].) Says whether a venue was pinned; nothing is pinned when
    /// earlier ids name different venues.
    pub fn take_inherited_venue(&self) -> Result<bool, StoreError> {
        if self.venue_key()?.is_some() {
            return Ok(false);
        }
        let Some((public, _)) = self.inherited_venue()? else { return Ok(false) };
        self.keep_venue(&public, None)?;
        Ok(true)
    }

    /// The venue this file was in under earlier ids of this device, when they agree: its public key, and
    /// its secret where the file holds it (and it matches).
    fn inherited_venue(&self) -> Result<Option<KeptKey>, StoreError> {
        let kept: Vec<(Vec<u8>, Option<Vec<u8>>)> = self
            .conn
            .prepare_cached("SELECT public, secret FROM local_keys WHERE name = 'venue' AND device != ?1")?
            .query_map([self.device.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let Some((public, _)) = kept.first() else { return Ok(None) };
        if kept.iter().any(|(other, _)| other != public) {
            tracing::warn!("this file was in more than one venue under earlier ids of this device: none is taken on");
            return Ok(None);
        }
        let Ok(public) = <[u8; 32]>::try_from(public.as_slice()) else { return Ok(None) };
        let secret = kept.iter().find_map(|(_, secret)| {
            secret.clone().filter(|secret| SigningKey::from_pkcs8(secret).is_some_and(|key| key.public() == public))
        });
        Ok(Some((public, secret)))
    }

    /// The ids this file was written under before this device's present one (its state folder lost, or the
    /// file moved): those it holds a record-signing key of, or held.
    pub fn earlier_ids(&self) -> Result<Vec<String>, StoreError> {
        earlier_ids(&self.conn, &self.device)
    }

    /// Forgets the secret halves of the keys this file holds under earlier ids of this device (their public
    /// halves stay, to know those ids as this file's own), once the venue has paired it under this id: then
    /// it has no use for them ([`Store::take_back_venue_authority`] is for a device not paired again), and
    /// a kiosk made from an organizer's copy must not keep that organizer's record-signing key, nor the
    /// venue's key, nor the secret that tests a guessed e-mail against an erasure. Says how many it forgot
    /// (their bytes are then emptied from the files). Run when the allow-list changes and at a start, not at
    /// every batch applied.
    pub fn forget_earlier_secrets(&self) -> Result<usize, StoreError> {
        if self.read_only.is_some() {
            return Ok(0);
        }
        let held: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM local_keys WHERE device != ?1 AND secret IS NOT NULL)",
            [self.device.as_str()],
            |row| row.get(0),
        )?;
        if !held {
            return Ok(0);
        }
        // Paired as this very file: the venue's grant for this id names the record-signing key this file
        // holds for it (a file copied over another device's, whose state folder names that device, is not).
        let trust = self.trust()?;
        let own_key = read_key(&self.conn, &self.device, "device")?.map(|(public, _)| public);
        let paired_here = trust.device(self.device.as_str()).is_some_and(|me| Some(me.vouched.key) == own_key);
        if !paired_here {
            return Ok(0);
        }
        let forgotten = self.conn.execute(
            "UPDATE local_keys SET secret = NULL WHERE device != ?1 AND secret IS NOT NULL",
            [self.device.as_str()],
        )?;
        if forgotten > 0 {
            tracing::info!(forgotten, "forgot the secret keys this file held under earlier ids of this device");
            self.scrub_files();
        }
        Ok(forgotten)
    }

    /// Whether this device can sync with an organizer's device other than itself: the allow-list it holds
    /// names one, or its join is unfinished and it kept the grant of the device it was joining
    /// ([`Store::joining_organizer`]). One whose join was cut off before either joins again with a new code.
    pub fn knows_an_organizer(&self) -> Result<bool, StoreError> {
        let trust = self.trust()?;
        let listed = trust.devices.iter().any(|(id, d)| {
            id != self.device.as_str() && !d.revoked && d.vouched.role == sprintdesk_domain::DeviceRole::Organizer
        });
        Ok(listed || self.joining_organizer()?.is_some())
    }

    /// Keeps the grant that the device letting this one in (`device`, over a connection whose certificate is
    /// `fingerprint`) carried in its hello, if the pinned venue key signed it for that device and that
    /// certificate as an organizer's, and this device's join is unfinished. Its own entry comes late in a
    /// join (after the people an import wrote): a join cut off before it then finishes by syncing with that
    /// device ([`Store::joining_organizer`]), not only with a new code. Says whether it was kept.
    pub fn keep_joining_grant(&self, device: &DeviceId, grant: &Grant, fingerprint: &str) -> Result<bool, StoreError> {
        let Some(venue) = self.trust()?.venue else { return Ok(false) };
        let kept = self.join_unfinished()?
            && organizers(&venue, device, grant).is_some_and(|vouched| vouched.fingerprint == fingerprint);
        if kept {
            let held = KeptGrant { joiner: self.device.clone(), device: device.clone(), grant: grant.clone() };
            self.set_local_setting(JOINING_ORGANIZER, &serde_json::to_string(&held).expect("a grant serializes"))?;
        }
        Ok(kept)
    }

    /// The organizer's device this device was let in by, and its certificate's fingerprint, from the grant
    /// kept when the join was let in ([`Store::keep_joining_grant`]), under this device's id, until a join is
    /// marked finished: so also after this device's own entry arrived, while that organizer's may not have
    /// yet (a venue of several organizers sends their logs in any order). Checked again against the pinned
    /// venue key each time, and never one revoked here, by an allow-list entry or by a lone revocation record.
    pub fn joining_organizer(&self) -> Result<Option<(DeviceId, String)>, StoreError> {
        if !self.join_let_in()? {
            return Ok(None);
        }
        let Some(held) = self.local_setting(JOINING_ORGANIZER)? else { return Ok(None) };
        let Ok(KeptGrant { joiner, device, grant }) = serde_json::from_str(&held) else { return Ok(None) };
        if joiner != self.device {
            return Ok(None); // Kept under another id of this file's (it was copied, or its state folder lost).
        }
        let trust = self.trust()?;
        let Some(venue) = trust.venue else { return Ok(None) };
        let revoked = trust.devices.values().any(|d| d.revoked && d.vouched.fingerprint == grant.fingerprint)
            || self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1 AND revoked != 0)",
                [device.as_str()],
                |row| row.get::<_, bool>(0),
            )?;
        Ok(organizers(&venue, &device, &grant).filter(|_| !revoked).map(|vouched| (device, vouched.fingerprint)))
    }

    /// Whether this device holds its venue's sprint but is not on the allow-list under its id, nor holds the
    /// venue's key: it came back under a new id (its state folder lost) and is to be paired again, keeping
    /// what it holds (a join cut off part way is not this: it is asked to join again as such).
    pub fn to_pair_again(&self) -> Result<bool, StoreError> {
        Ok(self.venue_key()?.is_some()
            && !self.holds_venue_secret()?
            && self.trust()?.device(self.device.as_str()).is_none()
            && self.sprint()?.is_some()
            && !self.join_unfinished()?)
    }

    /// On an organizer's file back under a new id: takes the venue's secret key this file holds under its
    /// earlier id, so that this device is the venue's authority again (it can pair and revoke). For the
    /// command line on this computer only (`sprintdesk take-back-venue`): anyone holding a copy of the file
    /// holds that key, so it is never taken without being asked. Says whether it was taken.
    pub fn take_back_venue_authority(&self) -> Result<bool, StoreError> {
        let Some((public, Some(secret))) = self.inherited_venue()? else { return Ok(false) };
        // Only a device not on the allow-list under its id (a kiosk paired again from an organizer's copy is
        // a kiosk), whose earlier id was an organizer's the venue has not revoked.
        let trust = self.trust()?;
        let was_organizer = self.earlier_ids()?.iter().any(|id| {
            trust.device(id).is_some_and(|d| d.vouched.role == sprintdesk_domain::DeviceRole::Organizer && !d.revoked)
        });
        if trust.device(self.device.as_str()).is_some() || !was_organizer {
            return Ok(false);
        }
        match self.venue_key()? {
            Some(held) if held != trust::hex(&public) => Ok(false),
            _ => {
                self.keep_venue(&public, Some(&secret))?;
                Ok(true)
            }
        }
    }

    /// The venue's secret key, for handing to another organizer's device when it joins.
    pub fn venue_secret(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(read_key(&self.conn, &self.device, "venue")?.and_then(|(_, secret)| secret))
    }

    fn keep_venue(&self, public: &[u8; 32], secret: Option<&[u8]>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO local_keys (device, name, public, secret) VALUES (?1, 'venue', ?2, ?3)",
            params![self.device.as_str(), public.as_slice(), secret],
        )?;
        self.forget_trust();
        Ok(())
    }

    /// The venue's grant for `device`, signed with the venue key this device holds.
    pub fn sign_grant(
        &self,
        device: &DeviceId,
        role: DeviceRole,
        project: Option<&ProjectId>,
        fingerprint: &str,
        key: &str,
    ) -> Result<Grant, StoreError> {
        let Some((_, Some(secret))) = read_key(&self.conn, &self.device, "venue")? else {
            return Err(StoreError::NotAllowed(
                "only an organizer's device that holds the venue's key can pair devices".into(),
            ));
        };
        let venue = SigningKey::from_pkcs8(&secret).ok_or_else(|| StoreError::BadKey("unreadable".into()))?;
        Ok(trust::sign_grant(&venue, device.as_str(), role, project.map(ProjectId::as_str), fingerprint, key))
    }

    /// Records this device would not apply, newest first.
    pub fn refusals(&self, limit: usize) -> Result<Vec<Refusal>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT origin, seq, reason, at FROM local_refusals ORDER BY at DESC, origin, seq LIMIT ?1",
        )?;
        let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
            Ok(Refusal {
                origin: DeviceId(row.get(0)?),
                seq: row.get(1)?,
                reason: row.get(2)?,
                at: Timestamp(row.get(3)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A kept key: its public half, and its secret half in PKCS#8 where this device holds it.
type KeptKey = ([u8; 32], Option<Vec<u8>>);

fn read_key(conn: &Connection, device: &DeviceId, name: &str) -> Result<Option<KeptKey>, StoreError> {
    let row: Option<(Vec<u8>, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT public, secret FROM local_keys WHERE device = ?1 AND name = ?2")?
        .query_row(params![device.as_str(), name], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(public, secret)| Some((public.try_into().ok()?, secret))))
}

/// This device's record-signing key, made and kept the first time it is needed.
pub(crate) fn signing_key(conn: &Connection, device: &DeviceId) -> Result<SigningKey, StoreError> {
    if let Some((_, Some(secret))) = read_key(conn, device, "device")? {
        return SigningKey::from_pkcs8(&secret)
            .ok_or_else(|| StoreError::BadKey("this device's key is unreadable".into()));
    }
    let key = SigningKey::generate();
    conn.execute(
        "INSERT OR REPLACE INTO local_keys (device, name, public, secret) VALUES (?1, 'device', ?2, ?3)",
        params![device.as_str(), key.public().as_slice(), key.pkcs8()],
    )?;
    Ok(key)
}

pub(crate) fn load_trust(conn: &Connection, device: &DeviceId) -> Result<Trust, StoreError> {
    let Some((venue, _)) = read_key(conn, device, "venue")? else { return Ok(Trust::default()) };
    let mut devices = HashMap::new();
    let mut statement =
        conn.prepare_cached("SELECT id, \"grant\", revoked FROM devices WHERE \"grant\" IS NOT NULL")?;
    let rows = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, bool>(2)?)))?;
    for row in rows {
        let (id, grant, revoked) = row?;
        let Ok(grant) = serde_json::from_str::<Grant>(&grant) else { continue };
        if let Some(vouched) = trust::check_grant(&venue, &id, &grant) {
            devices.insert(id, TrustedDevice { vouched, revoked });
        }
    }
    Ok(Trust { venue: Some(venue), devices })
}

pub(crate) fn read_chain(conn: &Connection, origin: &str) -> Result<(u64, Link), StoreError> {
    let row: Option<(u64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, link FROM chains WHERE origin = ?1")?
        .query_row([origin], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(seq, link)| Some((seq, link.try_into().ok()?))).unwrap_or((0, GENESIS)))
}

fn save_chain(conn: &Connection, origin: &str, seq: u64, link: &Link) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR REPLACE INTO chains (origin, seq, link) VALUES (?1, ?2, ?3)")?.execute(params![
        origin,
        seq,
        link.as_slice()
    ])?;
    Ok(())
}

/// Links this device's new records (all of one origin, in sequence order, following what the log holds of
/// it) into the origin's chain and signs it at every [`PROOF_EVERY`]th record, after every
/// [`trust::PROOF_BYTES`] of values, and at the last.
pub(crate) fn seal(conn: &Connection, device: &DeviceId, changes: &mut [Change]) -> Result<(), StoreError> {
    let Some(first) = changes.first() else { return Ok(()) };
    let origin = first.origin.clone();
    let key = signing_key(conn, device)?;
    let (mut seq, mut link) = read_chain(conn, origin.as_str())?;
    // Records written before chains existed (or by an older Sprintdesk on this file) are linked first.
    if seq + 1 < first.seq {
        for old in crate::store::read_changes(
            conn,
            "WHERE origin = ?1 AND seq > ?2 AND seq < ?3 ORDER BY seq",
            params![origin.as_str(), seq, first.seq],
        )? {
            link = trust::link(&link, &old, &trust::record_hash(&old));
            seq = old.seq;
        }
    }
    let last = changes.len() - 1;
    let mut since_proof = 0;
    for (i, change) in changes.iter_mut().enumerate() {
        link = trust::link(&link, change, &trust::record_hash(change));
        since_proof += trust::json_len(&change.value);
        if i == last || change.seq.is_multiple_of(PROOF_EVERY) || since_proof >= trust::PROOF_BYTES {
            change.proof = Some(trust::hex(&key.sign(&trust::head_message(origin.as_str(), change.seq, &link))));
            since_proof = 0;
        }
        seq = change.seq;
    }
    save_chain(conn, origin.as_str(), seq, &link)
}

/// The ids the file on `conn` was written under before `device`: those it holds a record-signing key of (its
/// secret half is forgotten once this device is paired under its own id, the key kept as a mark).
fn earlier_ids(conn: &Connection, device: &DeviceId) -> Result<Vec<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT device FROM local_keys WHERE name = 'device' AND device != ?1 ORDER BY device")?
        .query_map([device.as_str()], |row| row.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Checks this device's own role allows `changes`, once the venue vouches for it.
pub(crate) fn check_own_role(
    conn: &Connection,
    trust: &Trust,
    device: &DeviceId,
    changes: &[Change],
) -> Result<(), StoreError> {
    // A device back under a new id (its state folder lost) is judged by the role it was paired for under
    // its earlier id until it is paired again: what it writes meanwhile must be what the venue will take.
    let earlier = || -> Result<Option<&TrustedDevice>, StoreError> {
        if trust.venue.is_none() {
            return Ok(None);
        }
        Ok(earlier_ids(conn, device)?.iter().find_map(|id| trust.device(id)))
    };
    let me = match trust.device(device.as_str()) {
        Some(me) => me,
        None => match earlier()? {
            Some(before) => before,
            None => return Ok(()),
        },
    };
    for change in changes {
        trust::may_write(me.vouched.role, me.vouched.project.as_deref(), device.as_str(), change)
            .map_err(StoreError::NotAllowed)?;
        if !change.value.is_null() && !trust::holds(me.vouched.role, change.entity, &change.field) {
            return Err(StoreError::NotAllowed(format!(
                "a {} device does not hold {}s' {}: write it from an organizer's device",
                me.vouched.role.as_str(),
                change.entity.as_str(),
                change.field.replace('_', " ")
            )));
        }
    }
    Ok(())
}

/// Judges records from elsewhere before they are applied: each origin's records must continue the chain
/// held of it and end on a proof its device signed; what no proof covers is left out (it comes again with
/// one). Proven records outside their author's role are kept as links but not applied. `fresh` keeps the
/// proven records. Without a pinned venue nothing is checked.
pub(crate) fn judge(
    conn: &Connection,
    trust: &Trust,
    grants: &[(DeviceId, Grant)],
    fresh: &mut Vec<&Change>,
    known: Option<&crate::apply::Received>,
) -> Result<Judgement, StoreError> {
    let mut judgement = Judgement::default();
    let Some(venue) = &trust.venue else { return Ok(judgement) };
    // Grants carried with this batch, or in it: the venue's word for an author's key can arrive with (or
    // after) the author's first records. Each counts only if the venue's key signed it.
    let mut carried: HashMap<&str, Vouched> = HashMap::new();
    let authors: HashSet<&str> = fresh.iter().map(|c| device_of(c.origin.as_str())).collect();
    // Only grants for this batch's authors not vouched for yet, one each: a message cannot make this device
    // check signatures by the thousand.
    for (device, grant) in grants {
        let wanted = authors.contains(device.as_str()) && trust.device(device.as_str()).is_none();
        if wanted
            && !carried.contains_key(device.as_str())
            && let Some(vouched) = trust::check_grant(venue, device.as_str(), grant)
        {
            carried.insert(device.as_str(), vouched);
        }
    }
    for change in fresh.iter().filter(|c| c.entity == Entity::Device && c.field == "grant") {
        if let Ok(grant) = serde_json::from_value::<Grant>(change.value.clone())
            && let Some(vouched) = trust::check_grant(venue, &change.entity_id, &grant)
        {
            carried.insert(change.entity_id.as_str(), vouched);
        }
    }
    let mut by_origin: BTreeMap<&DeviceId, Vec<&Change>> = BTreeMap::new();
    for change in fresh.iter() {
        by_origin.entry(&change.origin).or_default().push(change);
    }
    // What is proven of each origin is a run of its sequence: from the first record after what the chain
    // holds, to the last a proof covers.
    let mut proven: BTreeMap<&DeviceId, std::ops::RangeInclusive<u64>> = BTreeMap::new();
    for (origin, mut records) in by_origin {
        records.sort_by_key(|c| c.seq);
        let author = device_of(origin.as_str());
        let vouched = trust.device(author).map(|d| &d.vouched).or_else(|| carried.get(author));
        let (mut seq, mut link) = read_chain(conn, origin.as_str())?;
        let mut upto: Option<(usize, u64, Link)> = None;
        let mut problem: Option<String> = None;
        for (i, change) in records.iter().enumerate() {
            if change.seq != seq + 1 {
                break; // Not the next record: what the chain holds does not reach it yet.
            }
            let text = known.and_then(|known| known.text_of(change));
            if let Some(why) = trust::unshareable_sized(change, text.map(str::len)) {
                // Nothing of it is kept, not even as a refused link: its author's chain stops here.
                problem = Some(format!("{why}, too large to keep or pass on"));
                break;
            }
            let hash = known.and_then(|known| known.hash_of(change)).unwrap_or_else(|| trust::record_hash(change));
            link = trust::link(&link, change, &hash);
            seq = change.seq;
            let Some(proof) = &change.proof else { continue };
            let Some(vouched) = vouched else {
                // Not an attack by itself: the venue's grant for this device may not have arrived yet.
                tracing::info!(%origin, "left out records of a device the venue has not vouched for (yet)");
                break;
            };
            if trust::verify(&vouched.key, &trust::head_message(origin.as_str(), seq, &link), proof) {
                upto = Some((i, seq, link));
            } else {
                problem = Some(format!("records under {author}'s name that {author} did not sign"));
                break;
            }
        }
        let kept = upto.map_or(0, |(i, _, _)| i + 1);
        judgement.unproven += records.len() - kept;
        if let Some(problem) = problem {
            tracing::warn!(%origin, seq = records[kept.min(records.len() - 1)].seq, "refused {problem}");
            let first = records.get(kept).copied().unwrap_or(records[0]);
            judgement.refusals.push((origin.clone(), first.seq, format!("refused {problem}")));
        }
        if let Some((_, seq, link)) = upto {
            save_chain(conn, origin.as_str(), seq, &link)?;
        }
        if let (Some(first), Some(last)) = (records[..kept].first(), records[..kept].last()) {
            proven.insert(origin, first.seq..=last.seq);
        }
        for change in &records[..kept] {
            let role = vouched.map(|v| v.role).unwrap_or(DeviceRole::Board);
            let project = vouched.and_then(|v| v.project.as_deref());
            if let Err(reason) = trust::may_write(role, project, author, change) {
                judgement.forbidden.insert((change.origin.clone(), change.seq));
                judgement.refusals.push((change.origin.clone(), change.seq, reason));
            }
        }
    }
    fresh.retain(|change| proven.get(&change.origin).is_some_and(|run| run.contains(&change.seq)));
    if !judgement.forbidden.is_empty() {
        tracing::warn!(count = judgement.forbidden.len(), first = ?judgement.refusals.first(), "refused records outside their author's role");
    }
    Ok(judgement)
}

/// Remembers what was refused, for the peers list and the Devices page.
pub(crate) fn remember_refusals(conn: &Connection, judgement: &Judgement, now: Timestamp) -> Result<(), StoreError> {
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO local_refusals (origin, seq, reason, at) VALUES (?1, ?2, ?3, ?4)")?;
    for (origin, seq, reason) in &judgement.refusals {
        insert.execute(params![origin.as_str(), seq, reason, now.0])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Op, Store};
    use sprintdesk_domain::{Device, DeviceRole, Timestamp};

    const NOW: Timestamp = Timestamp(1_784_000_000_000);

    /// While a join is let in, a device keeps only its organizer's grant for the certificate the join was
    /// let in over, under its own id, and trusts it only until that organizer is revoked here or a join is
    /// let in anew.
    #[test]
    fn a_joining_device_keeps_only_its_organizers_grant_for_that_certificate() {
        let desk = Store::open_in_memory("desk".into()).unwrap();
        let venue = desk.create_venue().unwrap();
        let key = desk.record_key().unwrap();
        let organizer = desk.sign_grant(&"desk".into(), DeviceRole::Organizer, None, "fp-desk", &key).unwrap();
        let kiosk = desk.sign_grant(&"kiosk".into(), DeviceRole::Kiosk, None, "fp-kiosk", &key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("door.db");
        let door = Store::open(&path, "door".into()).unwrap();
        door.pin_venue(&venue, None).unwrap();
        let held = |store: &Store| store.joining_organizer().unwrap().map(|(id, fp)| format!("{id} {fp}"));
        assert!(!door.keep_joining_grant(&"desk".into(), &organizer, "fp-desk").unwrap(), "no join let in");
        door.set_join_unfinished(true).unwrap();
        for (what, device, grant, fingerprint) in [
            ("a kiosk's grant", "kiosk", &kiosk, "fp-kiosk"),
            ("over another certificate", "desk", &organizer, "fp-other"),
            ("for another device", "spare", &organizer, "fp-desk"),
        ] {
            assert!(!door.keep_joining_grant(&device.into(), grant, fingerprint).unwrap(), "{what}");
            assert_eq!(held(&door), None, "{what}");
        }
        assert!(!door.knows_an_organizer().unwrap());
        assert!(door.keep_joining_grant(&"desk".into(), &organizer, "fp-desk").unwrap());
        assert_eq!(held(&door).as_deref(), Some("desk fp-desk"));
        assert!(door.knows_an_organizer().unwrap());
        // The same file under another id (copied, or its state folder lost) does not inherit it.
        assert_eq!(held(&Store::open(&path, "door-2".into()).unwrap()), None);
        // A lone revocation record of the organizer (its pairing not arrived) ends it.
        door.conn.execute("INSERT INTO devices (id, revoked) VALUES ('desk', 1)", []).unwrap();
        assert_eq!(held(&door), None, "revoked");
        door.conn.execute("DELETE FROM devices WHERE id = 'desk'", []).unwrap();
        assert_eq!(held(&door).as_deref(), Some("desk fp-desk"));
        // A join let in anew starts with nothing kept.
        door.set_join_unfinished(true).unwrap();
        assert_eq!(held(&door), None, "forgotten");
    }

    /// An organizer's file, then opened under `id` (a copy made into a kiosk, or a file copied over another
    /// device's path), whose entry on the allow-list names `key` as its record-signing key (`None`: the key
    /// the file holds for `id`). Returns the file's folder and how many secrets the file holds.
    fn copied(id: &str, key: Option<String>) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sprint.db");
        Store::open(&path, "org".into()).unwrap().create_venue().unwrap();
        let own = Store::open(&path, id.into()).unwrap().record_key().unwrap();
        let mut org = Store::open(&path, "org".into()).unwrap();
        let grant = org.sign_grant(&id.into(), DeviceRole::Kiosk, None, "fp", &key.unwrap_or(own)).unwrap();
        let device = Device {
            id: id.into(),
            name: "Door".into(),
            role: DeviceRole::Kiosk,
            fingerprint: "fp".into(),
            paired_by: None,
            paired_at: Some(NOW),
            revoked: false,
            grant: Some(grant),
        };
        org.write(NOW, Op::put(&device, None)).unwrap();
        drop(org);
        let copy = Store::open(&path, id.into()).unwrap();
        copy.take_inherited_venue().unwrap();
        (dir, copy)
    }

    fn secrets(store: &Store) -> Vec<(String, String)> {
        let mut statement = store
            .conn
            .prepare("SELECT device, name FROM local_keys WHERE secret IS NOT NULL ORDER BY device, name")
            .unwrap();
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn a_file_paired_under_its_own_key_forgets_the_secrets_of_its_earlier_ids_and_no_other_does() {
        let kept = |id: &str| vec![(id.to_owned(), "device".to_owned())];
        // A kiosk made from an organizer's copy and paired: the organizer's two secrets go.
        let (_dir, kiosk) = copied("kiosk", None);
        assert_eq!(kiosk.forget_earlier_secrets().unwrap(), 2);
        assert_eq!(secrets(&kiosk), kept("kiosk"));
        assert_eq!(kiosk.earlier_ids().unwrap(), vec!["org".to_owned()], "still known as this file's own");
        // An organizer's file copied over a lead's path: the allow-list names the lead's key, which this
        // file does not hold. Nothing is forgotten (the organizer's keys may be taken back from it).
        let lead_key = Store::open_in_memory("lead".into()).unwrap().record_key().unwrap();
        let (_dir, stray) = copied("lead", Some(lead_key));
        assert_eq!(stray.forget_earlier_secrets().unwrap(), 0);
        assert_eq!(secrets(&stray).len(), 3, "{:?}", secrets(&stray));
    }
}
