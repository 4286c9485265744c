//! One device's side of sync: its store, its clock, who it admits, and a signal that fires whenever what
//! it holds changes (so live sessions push at once).

use crate::Clock;
use crate::pairing::{self, Side};
use crate::plan::Batch;
use crate::report::JoinRefusal;
use sprintdesk_domain::{Device, DeviceId, DeviceRole, Timestamp};
use sprintdesk_store::{ApplyOutcome, Change, Identity, Op, PeerRecord, Reissue, Store, StoreError, VersionVector};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// Whether and as what the other end of a connection is admitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    /// A paired device, not revoked, presenting its own certificate.
    Paired(Device),
    /// Nothing on the allow-list matches.
    Unknown,
    /// The device was paired and has been revoked.
    Revoked,
}

/// The device's store and what sync needs around it. Shared by every session of a peer.
#[derive(Debug)]
pub struct Replica {
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    device: DeviceId,
    changed: watch::Sender<u64>,
    seen_version: Mutex<i64>,
    listen_port: AtomicU16,
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

    /// Tells live sessions that this device holds something new.
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

    /// The change records of one planned batch.
    pub fn read(&self, batch: &Batch) -> Result<Vec<Change>, StoreError> {
        let limit = usize::try_from(batch.len()).unwrap_or(usize::MAX);
        self.store().changes_after(&batch.origin, batch.after, limit)
    }

    /// Applies a received batch in one transaction and wakes the other sessions, which relay it.
    pub fn apply(&self, changes: &[Change]) -> Result<ApplyOutcome, StoreError> {
        let now = self.clock.now();
        let outcome = self.store().apply(changes, now)?;
        if outcome.applied > 0 {
            self.notify();
        }
        Ok(outcome)
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

    /// Puts this device on its own allow-list (if it is not there yet), so that the devices it pairs learn
    /// it. A device that joins a venue is put there by the organizer instead.
    pub fn enrol_self(&self, name: &str, role: DeviceRole) -> Result<Device, crate::report::SyncError> {
        let fingerprint = crate::tls::fingerprint(&self.identity()?.cert_der);
        let old = self.store().get::<Device>(self.device.as_str())?;
        if let Some(existing) = old.as_ref().filter(|existing| existing.fingerprint == fingerprint) {
            return Ok(existing.clone());
        }
        let device = Device {
            id: self.device.clone(),
            name: name.to_owned(),
            role,
            fingerprint,
            paired_by: None,
            paired_at: Some(self.now()),
            revoked: false,
        };
        self.write(Op::put(&device, old.as_ref()))?;
        Ok(device)
    }

    /// Who a connection presenting `fingerprint` and calling itself `claimed` is.
    pub fn admission(&self, claimed: &DeviceId, fingerprint: &str) -> Result<Admission, StoreError> {
        let devices: Vec<Device> = self.store().all()?;
        if devices.iter().any(|d| d.fingerprint == fingerprint && d.revoked) {
            return Ok(Admission::Revoked);
        }
        Ok(match devices.into_iter().find(|d| &d.id == claimed && d.admits(fingerprint)) {
            Some(device) => Admission::Paired(device),
            None => Admission::Unknown,
        })
    }

    /// Whether a server presenting `fingerprint` is a paired device.
    pub fn trusts(&self, fingerprint: &str) -> bool {
        let devices: Vec<Device> = self.store().all().unwrap_or_default();
        devices.iter().any(|d| d.admits(fingerprint))
    }

    /// Checks a joining device's proof against the join codes this device has shown and, if one matches,
    /// spends it and puts the device on the allow-list. Returns the organizer's proof, or `None`.
    pub fn admit_joining(
        &self,
        joining: &DeviceId,
        joining_fingerprint: &str,
        name: &str,
        role: DeviceRole,
        proof: &str,
    ) -> Result<Result<String, JoinRefusal>, crate::report::SyncError> {
        if joining.as_str().is_empty() || joining.as_str().contains('~') {
            return Ok(Err(JoinRefusal::Code)); // `~` marks a device's later origins (see `Store::reissue_future_changes`).
        }
        let own = crate::tls::fingerprint(&self.identity()?.cert_der);
        let now = self.now();
        let codes = self.store().join_codes(now)?;
        let Some(code) = codes
            .into_iter()
            .find(|code| pairing::same_proof(proof, &pairing::proof(code, Side::Joining, joining_fingerprint, &own)))
        else {
            return Ok(Err(JoinRefusal::Code));
        };
        // Joining adds a device; it never replaces one. A new device has a new id (each database draws its
        // own), so a join claiming an id on the allow-list is a device trying to take another's place (or
        // a revoked one trying to come back): refused, and the code stays unspent for the real newcomer.
        if let Some(existing) = self.store().get::<Device>(joining.as_str())? {
            tracing::warn!(device = %joining, name = %existing.name, revoked = existing.revoked,
                "refused a join claiming the id of a device already on the allow-list");
            return Ok(Err(if existing.revoked { JoinRefusal::Revoked } else { JoinRefusal::IdTaken }));
        }
        if !self.store().spend_join_code(&code)? {
            return Ok(Err(JoinRefusal::Code)); // Spent by a concurrent join.
        }
        let device = Device {
            id: joining.clone(),
            name: name.trim().chars().take(80).collect(),
            role,
            fingerprint: joining_fingerprint.to_owned(),
            paired_by: Some(self.device.clone()),
            paired_at: Some(now),
            revoked: false,
        };
        self.write(Op::put(&device, None))?;
        Ok(Ok(pairing::proof(&code, Side::Organizer, joining_fingerprint, &own)))
    }

    pub fn remember_peer(&self, peer: &PeerRecord) {
        if let Err(error) = self.store().remember_peer(peer) {
            tracing::warn!(%error, "could not record what was learned of a peer");
        }
    }
}
