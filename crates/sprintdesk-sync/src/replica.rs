//! One device's side of sync: its store, its clock, who it admits, and a signal that fires whenever what
//! it holds changes (so live sessions push at once).

use crate::Clock;
use crate::pairing::{self, Side};
use crate::plan::Batch;
use crate::report::JoinRefusal;
use sprintdesk_domain::{Device, DeviceId, DeviceRole, Grant, ProjectId, Timestamp};
use sprintdesk_store::{
    ApplyOutcome, Change, Identity, Op, PeerRecord, Received, Reissue, RevocationProof, Store, StoreError,
    StoredChange, VersionVector,
};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// The longest name a joining device may give itself, in characters.
pub const MAX_DEVICE_NAME: usize = 60;
/// The venue's grants for the authors of a batch of records, sent with it.
pub type AuthorGrants = Vec<(DeviceId, Grant)>;

/// Whether and as what the other end of a connection is admitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    /// A paired device, not revoked, presenting its own certificate.
    Paired(Box<Device>),
    /// Not on the allow-list here yet, but carrying an organizer's grant the venue's key signed for its id and
    /// certificate.
    Vouched(DeviceRole),
    /// Nothing on the allow-list matches.
    Unknown,
    /// The device was paired and has been revoked.
    Revoked,
}

/// A device asking to join, as its `Join` message and its certificate say.
#[derive(Clone, Copy, Debug)]
pub struct Joining<'a> {
    pub device: &'a DeviceId,
    pub fingerprint: &'a str,
    pub name: &'a str,
    /// The role the device says it is (`None`: whatever its code says).
    pub role: Option<DeviceRole>,
    /// The public key it will sign its records with, hex.
    pub key: &'a str,
    pub proof: &'a str,
}

/// What the organizer's device answers an accepted join.
#[derive(Clone, Debug)]
pub struct Welcome {
    pub venue: String,
    pub venue_secret: Option<String>,
    pub proof: String,
}

/// What a device in a venue that is not on its allow-list under its id is told: it was paired under an id it
/// no longer has, and a device is let in by the organizer only.
pub const NOT_PAIRED_ANY_MORE: &str = "this device is not on the venue's allow-list under its id: its id is kept in \
     Sprintdesk's state folder, which was lost or belongs to another path of this database (the file was moved \
     or copied). Pair it again, keeping what it holds: make a join code on an organizer's Devices page, then \
     `sprintdesk join CODE ADDRESS` here (or Join a venue in the app). The venue's only organizer computer, \
     back under a new id, takes its authority back with `sprintdesk take-back-venue` on its own shell";

/// The most device addresses told in one message, or taken from one: a venue has a few dozen devices.
const MAX_ADDRESSES_TOLD: usize = 256;

/// How many relaying devices (organizers, leads' laptops) a device keeps in touch with through addresses it
/// was told: enough that the venue syncs on with any one of them away, few enough that a large venue is
/// no full mesh of every device with every other.
pub const MAX_RELAYS_KNOWN: usize = 8;

/// The device's store and what sync needs around it. Shared by every session of a peer.
#[derive(Debug)]
pub struct Replica {
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    device: DeviceId,
    changed: watch::Sender<u64>,
    incoming: watch::Sender<Incoming>,
    seen_version: Mutex<i64>,
    listen_port: AtomicU16,
}

/// Records arriving in a session, for a progress line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Incoming {
    /// The device sending them.
    pub peer: Option<DeviceId>,
    /// Records applied so far in this session.
    pub received: u64,
    /// Records the peer held and this device did not when the session began (what it passes on may be
    /// fewer: a kiosk passes on only its own).
    pub expected: u64,
    /// The session has ended.
    pub done: bool,
}

impl Replica {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        let device = store.device().clone();
        let version = store.data_version().unwrap_or_default();
        Self {
            store: Mutex::new(store),
            clock,
            device,
            changed: watch::channel(0).0,
            incoming: watch::channel(Incoming::default()).0,
            seen_version: Mutex::new(version),
            listen_port: AtomicU16::new(0),
        }
    }

    pub fn device(&self) -> &DeviceId {
        &self.device
    }

    /// The port this device accepts sync connections on, told to peers so they can call back.
    pub fn set_listen_port(&self, port: u16) {
        self.listen_port.store(port, Ordering::Relaxed);
    }

    pub fn listen_port(&self) -> Option<u16> {
        Some(self.listen_port.load(Ordering::Relaxed)).filter(|port| *port != 0)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The store, for reading. Hold it briefly: every session shares it.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Fires on every change of what this device holds.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// How far the latest session to receive records has got: what a joining screen and `sprintdesk
    /// join`/`sync` show while a large venue arrives.
    pub fn incoming(&self) -> watch::Receiver<Incoming> {
        self.incoming.subscribe()
    }

    pub(crate) fn note_incoming(&self, change: impl FnOnce(&mut Incoming)) {
        self.incoming.send_modify(change);
    }

    /// Tells live sessions that this device holds something new.
    /// Notes that a device of the venue refused this one as revoked, saying `said`, and tells the screens.
    pub fn note_revoked(&self, said: &str) {
        if let Err(error) = self.store().note_revoked(said) {
            tracing::warn!(%error, "could not note that this device was revoked");
        }
        self.notify();
    }

    /// Checks a revocation of this device a refusal carried (see [`Store::take_revocation_proof`]): once it
    /// holds, this device saves nothing more, and the screens say so.
    pub fn take_revocation_proof(&self, proof: &RevocationProof) {
        match self.store().take_revocation_proof(proof) {
            Ok(Some(proven)) => {
                tracing::warn!(by = %proven.by, "an organizer revoked this device: it writes nothing more")
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "could not check a revocation a device sent"),
        }
        self.notify();
    }

    /// Forgets a revocation noted before: a device of the venue has just admitted this one.
    pub fn forget_revoked(&self) {
        let store = self.store();
        if store.revoked_note().ok().flatten().is_some() {
            if let Err(error) = store.forget_revoked() {
                tracing::warn!(%error, "could not forget a revocation noted before");
            }
            drop(store);
            self.notify();
        }
    }

    pub fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Notices writes made through other connections to the same database (a CLI command, the desktop
    /// app) and wakes live sessions. Cheap: one `PRAGMA data_version`.
    pub fn poll_outside_writes(&self) -> Result<bool, StoreError> {
        let version = self.store().data_version()?;
        let mut seen = self.seen_version.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *seen == version {
            return Ok(false);
        }
        *seen = version;
        drop(seen);
        self.notify();
        Ok(true)
    }

    pub fn vector(&self) -> Result<VersionVector, StoreError> {
        self.store().vector()
    }

    /// The role the venue vouched for `device`, on a venue with a key.
    pub fn role_of(&self, device: &str) -> Option<DeviceRole> {
        self.store().trust().ok()?.device(device).map(|d| d.vouched.role)
    }

    /// The role `grant` vouches for `device` with, if the venue's key signed it.
    pub fn vouched_role(&self, device: &DeviceId, grant: Option<&Grant>) -> Option<DeviceRole> {
        let venue = self.store().trust().ok()?.venue?;
        sprintdesk_store::trust::check_grant(&venue, device.as_str(), grant?).map(|vouched| vouched.role)
    }

    /// This device's own grant from the venue, as its entry on the allow-list holds it.
    pub fn own_grant(&self) -> Result<Option<Grant>, StoreError> {
        Ok(self.store().get::<Device>(self.device.as_str())?.and_then(|device| device.grant))
    }

    /// What this device passes on, as a version vector: everything it holds, or, on a kiosk or a board
    /// (which hold some records cleared, see [`sprintdesk_store::trust::holds`]) or a device that erased
    /// everyone alone on its own clock, only its own records, so that nothing held incomplete is passed on as
    /// complete.
    pub fn relayable_vector(&self) -> Result<VersionVector, StoreError> {
        let vector = self.vector()?;
        if self.relays_others()? {
            return Ok(vector);
        }
        let mut own = VersionVector::default();
        for (origin, seq) in vector.iter() {
            if sprintdesk_store::device_of(origin.as_str()) == self.device.as_str() {
                own.set(origin.clone(), seq);
            }
        }
        Ok(own)
    }

    /// Whether this device passes on other devices' records (see [`sprintdesk_store::Store::relays_others`]).
    pub fn relays_others(&self) -> Result<bool, StoreError> {
        self.store().relays_others()
    }

    /// The change records of one planned batch, and the venue's grant for their author if this device
    /// holds it. For a peer of a role that does not hold every field (a kiosk, a board), those fields go
    /// out cleared: their content never leaves this device for it.
    pub fn read(
        &self,
        batch: &Batch,
        peer: Option<DeviceRole>,
    ) -> Result<(Vec<StoredChange>, AuthorGrants), StoreError> {
        let limit = usize::try_from(batch.len()).unwrap_or(usize::MAX);
        let store = self.store();
        let mut changes: Vec<StoredChange> = store.changes_after(&batch.origin, batch.after, limit)?;
        if let Some(role) = peer {
            changes = changes
                .into_iter()
                .map(|change| {
                    if sprintdesk_store::trust::holds(role, change.entity, &change.field) {
                        Ok(change)
                    } else {
                        change.cleared()
                    }
                })
                .collect::<Result<_, _>>()?;
        }
        let author = DeviceId::from(sprintdesk_store::device_of(batch.origin.as_str()));
        let grants = match store.get::<Device>(author.as_str())?.and_then(|d| d.grant) {
            Some(grant) => vec![(author, grant)],
            None => Vec::new(),
        };
        Ok((changes, grants))
    }

    /// Applies a received batch in one transaction and wakes the other sessions, which relay it.
    pub fn apply(&self, changes: &[Change]) -> Result<ApplyOutcome, StoreError> {
        self.apply_with_grants(changes, &[])
    }

    /// [`Replica::apply`] with the grants the sender sent for the records' authors.
    pub fn apply_with_grants(
        &self,
        changes: &[Change],
        grants: &[(DeviceId, Grant)],
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_batch(changes, None, grants, None)
    }

    /// [`Replica::apply_with_grants`] for a batch `relay` passed on (see [`sprintdesk_store::Store::apply_from`]).
    pub fn apply_from(
        &self,
        changes: &[Change],
        grants: &[(DeviceId, Grant)],
        relay: &DeviceId,
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_batch(changes, None, grants, Some(relay))
    }

    /// [`Replica::apply_from`] for records whose hashes were worked out as they were read.
    pub fn apply_received(
        &self,
        received: &Received,
        grants: &[(DeviceId, Grant)],
        relay: &DeviceId,
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_batch(received.changes(), Some(received), grants, Some(relay))
    }

    fn apply_batch(
        &self,
        changes: &[Change],
        received: Option<&Received>,
        grants: &[(DeviceId, Grant)],
        relay: Option<&DeviceId>,
    ) -> Result<ApplyOutcome, StoreError> {
        let now = self.clock.now();
        let outcome = {
            let mut store = self.store();
            let outcome = match received {
                Some(received) => store.apply_received(received, grants, relay, now)?,
                None => store.apply_from(changes, grants, relay, now)?,
            };
            // A sync is when a device notices the sprint's retention period has ended, and when an organizer's
            // device erases a duplicate merged elsewhere into someone it erased.
            store.enforce_retention(now)?;
            let merges_or_erasures = changes.iter().any(|c| {
                c.entity == sprintdesk_store::Entity::Erasure || (c.field == "merged_into" && !c.value.is_null())
            });
            if merges_or_erasures {
                store.erase_merged_into_erased(now)?;
            }
            outcome
        };
        if outcome.applied > 0 {
            self.notify();
        }
        Ok(outcome)
    }

    /// Makes the batches applied since the last call last through a power cut (see [`Store::settle`]). A
    /// failure is logged: the records come again from the devices that sent them.
    pub fn settle(&self) {
        if let Err(error) = self.store().settle() {
            tracing::warn!(%error, "could not sync the records received to disk");
        }
    }

    /// Erases everyone's personal data if the sprint's retention period has ended (at a start, and after
    /// each sync): see [`Store::enforce_retention`].
    pub fn enforce_retention(&self) -> Result<bool, StoreError> {
        let mut store = self.store();
        // A kiosk or a board from before it held only its role's fields is brought down to them too, and a
        // file paired under an older release forgets the secrets of its earlier ids.
        store.enforce_view()?;
        store.forget_earlier_secrets()?;
        let erased = store.enforce_retention(self.clock.now())?;
        store.erase_merged_into_erased(self.clock.now())?;
        drop(store);
        if erased {
            self.notify();
        }
        Ok(erased)
    }

    /// Issues again what this device stamped while its clock was fast, once a peer's clock agrees that
    /// those stamps are in the future (see [`Store::reissue_future_changes`]), and wakes live sessions.
    pub fn reissue_future_changes(&self) -> Result<Option<Reissue>, StoreError> {
        let reissue = self.store().reissue_future_changes(self.clock.now())?;
        if reissue.is_some() {
            self.notify();
        }
        Ok(reissue)
    }

    /// Writes local changes through the store's one mutation path.
    pub fn write(&self, ops: Vec<Op>) -> Result<Vec<Change>, StoreError> {
        let changes = self.store().write(self.clock.now(), ops)?;
        if !changes.is_empty() {
            self.notify();
        }
        Ok(changes)
    }

    /// This device's TLS identity, made on first use.
    pub fn identity(&self) -> Result<Identity, crate::report::SyncError> {
        let store = self.store();
        if let Some(identity) = store.identity()? {
            return Ok(identity);
        }
        let identity = crate::tls::new_identity()?;
        store.save_identity(&identity)?;
        Ok(identity)
    }

    /// Whether this device holds a venue's sprint but is not on its allow-list under its id: it came back
    /// under a new id (see [`NOT_PAIRED_ANY_MORE`]) and is to be paired again, keeping what it holds.
    pub fn to_pair_again(&self) -> Result<bool, StoreError> {
        self.store().to_pair_again()
    }

    /// Puts this device on its own allow-list (if it is not there yet), so that the devices it pairs learn
    /// it. The device that starts a venue makes the venue's key here and signs its own grant with it; a
    /// device that joins a venue is put there by the organizer instead.
    pub fn enrol_self(&self, name: &str, role: DeviceRole) -> Result<Device, crate::report::SyncError> {
        let fingerprint = crate::tls::fingerprint(&self.identity()?.cert_der);
        let old = self.store().get::<Device>(self.device.as_str())?;
        if let Some(existing) = old.as_ref().filter(|d| d.fingerprint == fingerprint && d.grant.is_some()) {
            return Ok(existing.clone());
        }
        let grant = {
            let store = self.store();
            // A device back under a new id (its state folder lost, its file moved) stays in its venue (pinned
            // when its file was opened, `Host::open`), to be paired again (an organizer's file may take the
            // venue's key back when asked, on its own shell).
            if store.venue_key()?.is_some() && !store.holds_venue_secret()? {
                return Err(StoreError::NotAllowed(NOT_PAIRED_ANY_MORE.into()).into());
            }
            store.create_venue()?;
            let key = store.record_key()?;
            store.sign_grant(&self.device, role, None, &fingerprint, &key)?
        };
        let device = Device {
            id: self.device.clone(),
            name: name.to_owned(),
            role,
            fingerprint,
            paired_by: None,
            paired_at: Some(self.now()),
            revoked: false,
            grant: Some(grant),
        };
        self.write(Op::put(&device, old.as_ref()))?;
        Ok(device)
    }

    /// Puts another device on the allow-list with the venue's grant (this device must hold the venue's
    /// key): what an accepted join does once the code checks.
    pub fn enrol(
        &self,
        device: &DeviceId,
        name: &str,
        role: DeviceRole,
        project: Option<&ProjectId>,
        fingerprint: &str,
        key: &str,
    ) -> Result<Device, crate::report::SyncError> {
        let grant = self.store().sign_grant(device, role, project, fingerprint, key)?;
        let device = Device {
            id: device.clone(),
            name: name.trim().chars().take(80).collect(),
            role,
            fingerprint: fingerprint.to_owned(),
            paired_by: Some(self.device.clone()),
            paired_at: Some(self.now()),
            revoked: false,
            grant: Some(grant),
        };
        self.write(Op::put(&device, None))?;
        Ok(device)
    }

    /// Who a connection presenting `fingerprint` and calling itself `claimed` is. On a venue with a key,
    /// only an entry the venue vouched for admits.
    pub fn admission(
        &self,
        claimed: &DeviceId,
        fingerprint: &str,
        carried: Option<&Grant>,
    ) -> Result<Admission, StoreError> {
        let store = self.store();
        let trust = store.trust()?;
        if let Some(venue) = &trust.venue {
            if trust.devices.values().any(|d| d.revoked && d.vouched.fingerprint == fingerprint) {
                return Ok(Admission::Revoked);
            }
            if !trust.admits(claimed.as_str(), fingerprint) {
                // Not on the allow-list here (yet): an organizer's grant it carried lets it in if the venue's
                // key signed it for this id and this connection's certificate, and this device holds nothing
                // at all of the id (not even a revocation without its pairing). An organizer back under a new
                // id after `take-back-venue` had no way back to the kiosks, which refused it until its entry
                // came from another staff device: a one-organizer venue had none, and the door was cut off
                // for good. Only an organizer's: a device that never heard of a device never heard of its
                // revocation either, and a revoked lead got in; an organizer's device holds the venue's key,
                // which signs itself in anywhere already.
                let vouched =
                    carried.and_then(|grant| sprintdesk_store::trust::check_grant(venue, claimed.as_str(), grant));
                let unheard_of = store.get::<Device>(claimed.as_str())?.is_none();
                return Ok(match vouched {
                    Some(vouched)
                        if unheard_of
                            && vouched.role == DeviceRole::Organizer
                            && vouched.fingerprint == fingerprint =>
                    {
                        Admission::Vouched(vouched.role)
                    }
                    _ => Admission::Unknown,
                });
            }
            return Ok(match store.get::<Device>(claimed.as_str())? {
                Some(device) => Admission::Paired(Box::new(device)),
                None => Admission::Unknown,
            });
        }
        let devices: Vec<Device> = store.all()?;
        if devices.iter().any(|d| d.fingerprint == fingerprint && d.revoked) {
            return Ok(Admission::Revoked);
        }
        Ok(match devices.into_iter().find(|d| &d.id == claimed && d.admits(fingerprint)) {
            Some(device) => Admission::Paired(Box::new(device)),
            None => Admission::Unknown,
        })
    }

    /// Whether a server presenting `fingerprint` is a paired device, or the organizer's device an unfinished
    /// join was let in by ([`sprintdesk_store::Store::joining_organizer`]).
    pub fn trusts(&self, fingerprint: &str) -> bool {
        let store = self.store();
        match store.trust() {
            Ok(trust) if trust.venue.is_some() => {
                trust.devices.values().any(|d| !d.revoked && d.vouched.fingerprint == fingerprint)
                    || store.joining_organizer().ok().flatten().is_some_and(|(_, held)| held == fingerprint)
            }
            _ => store.all::<Device>().unwrap_or_default().iter().any(|d| d.admits(fingerprint)),
        }
    }

    /// Checks a joining device's proof against the join codes this device has shown and, if one matches,
    /// spends it and puts the device on the allow-list with the venue's grant. Returns the welcome.
    pub fn admit_joining(
        &self,
        joining: &Joining<'_>,
    ) -> Result<Result<Welcome, JoinRefusal>, crate::report::SyncError> {
        let Joining { device: joining, fingerprint: joining_fingerprint, name, role, key, proof } = *joining;
        // A name is shown to the organizer beside the device's fingerprint: nothing in it may hide or turn the
        // text around it (an override, a zero-width space), and it is a name, not a sentence.
        let plain = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown_as_typed = sprintdesk_domain::clean_name(name) == plain && plain.chars().count() <= MAX_DEVICE_NAME;
        if !sprintdesk_store::trust::is_device_id(joining.as_str())
            || name.chars().any(char::is_control)
            || !shown_as_typed
        {
            // `~` marks a device's later origins (see `Store::reissue_future_changes`), `@` ends the ids of
            // the people a device registers, and ids are signed into grants: only plain ids get in.
            return Ok(Err(JoinRefusal::BadId));
        }
        let own = crate::tls::fingerprint(&self.identity()?.cert_der);
        let now = self.now();
        // A device that cannot pair says so as a wrong code does (and counts it as one): said apart, its answer
        // to a stranger's made-up join told which computer on the Wi-Fi is the organizer's, with the venue's
        // key and every e-mail address.
        if !self.store().holds_venue_secret()? {
            return Ok(Err(JoinRefusal::Code));
        }
        let codes = self.store().join_codes(now)?;
        let Some(pending) = codes.into_iter().find(|pending| {
            pairing::same_proof(proof, &pairing::proof(&pending.code, Side::Joining, joining_fingerprint, &own, key))
        }) else {
            return Ok(Err(JoinRefusal::Code));
        };
        // Joining adds a device; it never replaces one. A new device has a new id (each database draws its
        // own), so a join claiming an id on the allow-list is a device trying to take another's place (or
        // a revoked one trying to come back): refused, and the code stays unspent for the real newcomer.
        // Only the device itself may join again (its join was cut off): the certificate it connects with and
        // the key it signs with are the ones its entry was granted for.
        let same_device = |existing: &Device| {
            !existing.revoked
                && existing.fingerprint == joining_fingerprint
                && existing
                    .grant
                    .as_ref()
                    .is_some_and(|grant| grant.fingerprint == joining_fingerprint && grant.key == key)
        };
        if let Some(existing) = self.store().get::<Device>(joining.as_str())?.filter(|existing| !same_device(existing))
        {
            tracing::warn!(device = %joining, name = %existing.name, revoked = existing.revoked,
                "refused a join claiming the id of a device already on the allow-list");
            return Ok(Err(if existing.revoked { JoinRefusal::Revoked } else { JoinRefusal::IdTaken }));
        }
        // The organizer chose what the device is when it made the code; a code from before codes named a
        // role is for any role but an organizer's.
        let role = match (pending.role, role) {
            (Some(chosen), Some(asked)) if chosen != asked => {
                return Ok(Err(JoinRefusal::WrongRole(chosen, asked)));
            }
            (Some(chosen), _) => chosen,
            // A code from before codes named a role makes a kiosk or a board, nothing more.
            (None, Some(asked @ (DeviceRole::Organizer | DeviceRole::TableLead))) => {
                return Ok(Err(JoinRefusal::WrongRole(DeviceRole::Kiosk, asked)));
            }
            (None, asked) => asked.unwrap_or(DeviceRole::Kiosk),
        };
        let for_organizer = role == DeviceRole::Organizer;
        let (venue, venue_secret) = {
            let store = self.store();
            let venue = store.venue_key()?.unwrap_or_default();
            let secret =
                if for_organizer { store.venue_secret()?.map(|s| sprintdesk_store::trust::hex(&s)) } else { None };
            (venue, secret)
        };
        if !self.store().spend_join_code(&pending.code)? {
            return Ok(Err(JoinRefusal::Code)); // Spent by a concurrent join.
        }
        let project = pending.project.as_ref().filter(|_| role == DeviceRole::TableLead);
        self.enrol(joining, name, role, project, joining_fingerprint, key)?;
        let proof = pairing::proof(&pending.code, Side::Organizer, joining_fingerprint, &own, &venue);
        Ok(Ok(Welcome { venue, venue_secret, proof }))
    }

    /// Where this device, an organizer's, reaches the venue's devices that pass on others' records
    /// (organizers, leads' laptops: see [`Replica::learn_addresses`]), for `to`: the addresses it holds of
    /// those on the allow-list and not revoked, `to` left out, in order of id. Nothing on other devices.
    pub fn addresses_to_tell(&self, to: &DeviceId) -> Result<Vec<(DeviceId, String)>, crate::report::SyncError> {
        let store = self.store();
        let trust = store.trust()?;
        // Only an organizer's word is taken (see `learn_addresses`).
        if trust.device(self.device().as_str()).is_none_or(|me| me.vouched.role != DeviceRole::Organizer) {
            return Ok(Vec::new());
        }
        let mut told: Vec<(DeviceId, String)> = store
            .peers()?
            .into_iter()
            .filter(|peer| {
                &peer.device != to
                    && trust
                        .device(peer.device.as_str())
                        .is_some_and(|d| !d.revoked && sprintdesk_store::trust::relays_others(d.vouched.role))
            })
            .filter_map(|peer| Some((peer.device, peer.address?)))
            .collect();
        told.sort();
        told.truncate(MAX_ADDRESSES_TOLD);
        Ok(told)
    }

    /// Keeps the addresses an organizer's device (`from`) told of devices this device has none for: devices
    /// on the allow-list, not revoked, not this one, that pass on others' records (an organizer's, a lead's
    /// laptop: through them a kiosk's sign-ins go on), at an address `ip:port` no other device is known at;
    /// organizers first, and only while this device knows where fewer than [`MAX_RELAYS_KNOWN`] of them
    /// are (the venue need not be a full mesh for records to reach every device). Only an organizer's word
    /// is taken: a kiosk or a lead's laptop whose owner edited its file could otherwise fill every slot with
    /// wrong addresses, or this device's own. An address this device learned itself is never replaced by
    /// one it is told, and one a device other than the told one answers at is forgotten again
    /// (`peer::keep_connected`).
    pub fn learn_addresses(&self, told: &[(DeviceId, String)], from: &DeviceId) {
        let store = self.store();
        let (Ok(trust), Ok(known)) = (store.trust(), store.peers()) else { return };
        drop(store);
        let organizer =
            |device: &str| trust.device(device).is_some_and(|d| !d.revoked && d.vouched.role == DeviceRole::Organizer);
        if !organizer(from.as_str()) {
            return;
        }
        let relay = |device: &str| {
            trust
                .device(device)
                .filter(|d| !d.revoked && sprintdesk_store::trust::relays_others(d.vouched.role))
                .map(|d| d.vouched.role != DeviceRole::Organizer)
        };
        let mut relays_known =
            known.iter().filter(|peer| peer.address.is_some() && relay(peer.device.as_str()).is_some()).count();
        let mut candidates: Vec<(bool, &DeviceId, &String)> = told
            .iter()
            .take(MAX_ADDRESSES_TOLD)
            .filter_map(|(device, address)| Some((relay(device.as_str())?, device, address)))
            .collect();
        candidates.sort();
        candidates.dedup_by(|a, b| a.1 == b.1);
        let mut taken: std::collections::HashSet<&str> = known.iter().filter_map(|p| p.address.as_deref()).collect();
        let mut learned = 0;
        for (_, device, address) in candidates {
            if relays_known >= MAX_RELAYS_KNOWN {
                break;
            }
            // A numeric address of one machine: no name to look up, no "any address", no group.
            let reachable = address
                .parse::<std::net::SocketAddr>()
                .is_ok_and(|a| a.port() != 0 && !a.ip().is_unspecified() && !a.ip().is_multicast());
            let held = known.iter().any(|peer| &peer.device == device && peer.address.is_some());
            if device == self.device() || device == from || !reachable || held || taken.contains(address.as_str()) {
                continue;
            }
            let kept = known.iter().find(|peer| &peer.device == device).cloned();
            let mut record = kept.unwrap_or(PeerRecord { device: device.clone(), ..PeerRecord::default() });
            record.address = Some(address.clone());
            self.remember_peer(&record);
            taken.insert(address);
            learned += 1;
            relays_known += 1;
        }
        if learned > 0 {
            tracing::info!(learned, %from, "learned where to reach devices of the venue");
        }
    }

    pub fn remember_peer(&self, peer: &PeerRecord) {
        if let Err(error) = self.store().remember_peer(peer) {
            tracing::warn!(%error, "could not record what was learned of a peer");
        }
    }
}
