//! This device as a venue member: [`Host`] holds the core's desk (for commands), the replica (for the
//! in-process LAN peer) and the change feed; pairing and joining a venue are here, once. How commands run on
//! it is in `commands`, which uses this module (this module uses none of it).

use crate::error::Error;
use sprintdesk_core::domain::{Device, DeviceId, DeviceRole, Project, ValidationError};
use sprintdesk_core::store::{Store, device_id_for, written_mark_for};
use sprintdesk_core::{Clock, Desk, Ids, Mode, ModeChange, NewSprint, Setup};
use sprintdesk_sync::message::ProtocolError;
use sprintdesk_sync::peer::{self, PeerOptions};
use sprintdesk_sync::{Replica, SyncError, pairing};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// This device: its desk (for commands), its replica (for the LAN peer) and the change feed.
#[derive(Debug)]
pub struct Host {
    /// The sprint database, for the lock that makes one process its LAN peer.
    db: std::path::PathBuf,
    desk: Mutex<Desk>,
    pub(crate) replica: Arc<Replica>,
    /// The name and role this device puts itself on its own allow-list with when it creates a sprint (the
    /// app does; `sprintdesk init` leaves it to `serve`, which knows its `--name` and `--role`).
    enrol_on_create: Option<(String, DeviceRole)>,
    /// Commands come from this computer's shell (`sprintdesk`), not a screen or the network: a device paired
    /// as the door's kiosk is locked only where it was locked with the PIN (see [`Desk::chosen_mode`]).
    pub(crate) shell: bool,
}

/// This process's claim to be its database's one LAN peer (a lock on `<database>.peer-lock`, which the
/// system releases when the process ends, however it ends).
#[derive(Debug)]
pub struct PeerLock {
    _file: std::fs::File,
}

/// What joining a venue did.
#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
pub struct Joined {
    /// The device that let this one in.
    pub organizer: String,
    pub sprint: Option<String>,
    pub received: u32,
    /// What the organizer made this device when it made the code.
    pub role: DeviceRole,
    /// A table lead's project, by name: the device opens on its table's screen.
    pub project: Option<String>,
    /// This device's fingerprint as the organizer's Devices page shows it (16 hex digits): compared by eye,
    /// it tells the organizer that the device the code let in is this one, and not whoever else saw it.
    pub fingerprint: String,
}

/// How far this device's latest sync has got: what the joining screen shows while a venue arrives.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SyncProgress {
    /// Records applied so far.
    pub received: u32,
    /// Records the other device held and this one did not when the sync began.
    pub expected: u32,
    /// The sync is still running.
    pub running: bool,
}

impl Host {
    /// How far this device's latest sync has got (see [`SyncProgress`]).
    pub fn sync_progress(&self) -> SyncProgress {
        let incoming = self.replica.incoming().borrow().clone();
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        SyncProgress {
            received: clamp(incoming.received),
            expected: clamp(incoming.expected.max(incoming.received)),
            running: incoming.peer.is_some() && !incoming.done,
        }
    }

    /// Opens the sprint database at `db` twice over: one connection for the desk, one for the peer (both
    /// WAL, so neither blocks the other). The device id is kept in `state_dir`, outside the database.
    pub fn open(db: &Path, state_dir: &Path, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Result<Self, Error> {
        Self::open_with(db, state_dir, clock, ids, Store::open, true)
    }

    /// [`Host::open`] for a command that only reads: a database an older Sprintdesk wrote is read through a
    /// migrated copy and left as it was (see [`Store::open_for_reading`]).
    pub fn open_for_reading(
        db: &Path,
        state_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn Ids>,
    ) -> Result<Self, Error> {
        Self::open_with(db, state_dir, clock, ids, Store::open_for_reading, false)
    }

    fn open_with(
        db: &Path,
        state_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn Ids>,
        open: fn(&Path, DeviceId) -> Result<Store, sprintdesk_core::store::StoreError>,
        writes: bool,
    ) -> Result<Self, Error> {
        let device = device_id_for(state_dir, db, || DeviceId(ids.make("d"))).map_err(sprintdesk_core::Error::from)?;
        // Each store notes this device's last write outside the file; a file older than that (put back from
        // a backup) moves the device to its next origin before anything is written.
        let mark = written_mark_for(state_dir, db);
        let mut store = open(db, device.clone())?;
        store.keep_written_mark(mark.clone());
        // (A command that only reads changes nothing, not even this.)
        if writes && let Some(restored) = store.resume_after_restore()? {
            eprintln!(
                "This database is older than what this device last wrote (its record #{} under {}; the file holds \
                 #{}): it was put back from a backup. This device writes on as {}, and its later records come \
                 back from the venue's devices at the next sync.",
                restored.wrote.1, restored.wrote.0, restored.held, restored.origin
            );
        }
        // Back under a new id (its state folder lost, its file moved): it stays in the venue the file is in,
        // as its authority on an organizer's file, as a device to pair again on any other.
        if writes && store.take_inherited_venue()? {
            tracing::warn!(
                "this device's id changed (its state folder was lost, or the file moved): it stays in its venue"
            );
        }
        let desk = Desk::new(store, clock.clone(), ids);
        let mut replica_store = open(db, device)?;
        replica_store.keep_written_mark(mark);
        let replica = Arc::new(Replica::new(replica_store, clock));
        Ok(Self {
            db: db.to_owned(),
            desk: Mutex::new(desk),
            replica,
            enrol_on_create: Some((host_name(), DeviceRole::Organizer)),
            shell: false,
        })
    }

    /// A host for one command from a script (`sprintdesk`): creating a sprint does not enrol the device,
    /// which `serve` does with the name and role it is given.
    /// Its commands come from this computer's shell, whose owner can edit the sprint's file anyway (and can
    /// unlock a kiosk with `sprintdesk forgot-pin`).
    pub fn for_script(mut self) -> Self {
        self.enrol_on_create = None;
        self.shell = true;
        self
    }

    pub(crate) fn desk(&self) -> MutexGuard<'_, Desk> {
        // A panic inside a use case leaves no half-written state (each write is one transaction).
        self.desk.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets this device's organizer PIN and unlocks its kiosk: for `sprintdesk forgot-pin` on this
    /// computer's own shell only, never a command (see [`sprintdesk_core::Desk::forget_pin`]).
    pub fn forget_pin(&self) -> Result<bool, Error> {
        Ok(self.desk().forget_pin()?)
    }

    /// On the venue's organizer file back under a new id: takes the venue's key it holds under its earlier
    /// id and enrols this device as an organizer again. For `sprintdesk take-back-venue` on this computer's
    /// own shell only, never a command. Says whether it did.
    pub fn take_back_venue(&self, name: &str) -> Result<bool, Error> {
        if !self.replica.store().take_back_venue_authority()? {
            return Ok(false);
        }
        self.enrol(name, DeviceRole::Organizer)?;
        Ok(true)
    }

    /// This device's setup (its sprint, mode and id), typed, for the adapters' own start-up.
    pub fn setup(&self) -> Result<Setup, Error> {
        Ok(self.desk().setup()?)
    }

    /// Ticks whenever the sprint may have changed: a command here, a change from another device, a write
    /// by another process (the CLI) on the same database.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.replica.subscribe()
    }

    /// At a start: erases everyone's personal data if the sprint's retention period has ended.
    pub fn enforce_retention(&self) -> Result<bool, Error> {
        Ok(self.replica.enforce_retention().map_err(sprintdesk_core::Error::from)?)
    }

    /// Puts this device on its own allow-list (once) under `name` and `role`.
    pub fn enrol(&self, name: &str, role: DeviceRole) -> Result<(), Error> {
        self.replica.enrol_self(name, role)?;
        Ok(())
    }

    /// [`Host::enrol`] if this device holds a sprint, and otherwise when it creates one. A device with no
    /// sprint yet makes no venue: it may be about to join one (a served first start); nor does one whose
    /// join was cut off (the organizer enrolled it, and it may join again).
    pub fn enrolled(mut self, name: &str, role: DeviceRole) -> Result<Self, Error> {
        if self.replica.store().join_unfinished()? {
            return Ok(self);
        }
        if self.setup()?.sprint.is_some() {
            if let Err(error) = self.enrol(name, role) {
                // Back under a new id in its venue: it runs on, and says how it is let in again.
                if !self.replica.to_pair_again()? {
                    return Err(error);
                }
                tracing::warn!("{error}");
            }
        } else {
            self.enrol_on_create = Some((name.to_owned(), role));
        }
        Ok(self)
    }

    /// The replica the LAN commands (`sync`, `peers`) work with.
    pub fn replica(&self) -> &Arc<Replica> {
        &self.replica
    }

    /// Claims this database's LAN peer for this process, for as long as the lock lives. Two peers on one
    /// database would both act as the same device (two sign-in events for one person); the second is
    /// refused, naming the process that holds it. Commands (the CLI) need no claim and work beside it.
    pub fn claim_peer(&self) -> Result<PeerLock, Error> {
        use std::io::{Read, Seek, Write};
        let mut path = self.db.clone().into_os_string();
        path.push(".peer-lock");
        let path = std::path::PathBuf::from(path);
        let folder_error = |e: std::io::Error| {
            Error::Core(sprintdesk_core::Error::Folder(format!("could not use {}: {e}", path.display())))
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(folder_error)?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).and_then(|()| write!(file, "{}", std::process::id())).map_err(folder_error)?;
                Ok(PeerLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.rewind().and_then(|_| file.read_to_string(&mut holder));
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process".to_owned() } else { format!("process {holder}") };
                Err(Error::AlreadyServed(format!(
                    "{holder} already runs this database's peer (`sprintdesk serve` or the app); stop it first, or \
                     use commands beside it"
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(folder_error(e)),
        }
    }

    /// Runs the LAN peer (sync listener, discovery, live sessions) until `shutdown` turns true. The claim
    /// ([`Host::claim_peer`]) is held until it returns.
    pub async fn serve_peer(
        &self,
        _claim: PeerLock,
        listener: tokio::net::TcpListener,
        options: PeerOptions,
        shutdown: watch::Receiver<bool>,
    ) -> Result<(), Error> {
        if let Ok(address) = listener.local_addr() {
            self.replica.store().set_local_setting("listening", &address.to_string())?;
        }
        peer::serve(self.replica.clone(), listener, options, shutdown).await?;
        Ok(())
    }

    /// Joins the venue of the device at `address` with the join code it shows (first start).
    pub async fn join(&self, code: &str, address: &str, name: &str, role: Option<DeviceRole>) -> Result<Joined, Error> {
        let joined = join_venue(&self.replica, code, address, name, role).await?;
        // A table lead's laptop opens on its table, a board on the board: what the organizer chose. (A kiosk
        // is locked with a PIN on it, by whoever sets it up at the door.)
        let mode = match joined.role {
            DeviceRole::TableLead => joined.project.as_ref().map(|_| Mode::TableLead),
            DeviceRole::Board => Some(Mode::Board),
            _ => None,
        };
        if let Some(mode) = mode {
            let own = self.desk().store().get::<Device>(self.replica.device().as_str())?;
            let project = own.and_then(|d| d.grant).and_then(|g| g.project).map(|p| p.to_string());
            self.desk().set_mode(ModeChange { mode, project, pin: None })?;
        }
        Ok(joined)
    }

    pub(crate) fn create_sprint(&self, new: NewSprint) -> Result<sprintdesk_core::domain::Sprint, Error> {
        let sprint = self.desk().create_sprint(new)?;
        if let Some((name, role)) = &self.enrol_on_create {
            // The device that starts a venue is its first member (a joining one is enrolled by the
            // organizer's device instead).
            if let Err(error) = self.replica.enrol_self(name, *role) {
                tracing::warn!(%error, "could not put this device on its own allow-list");
            }
        }
        Ok(sprint)
    }

    pub(crate) fn pair(&self, request: PairRequest) -> Result<JoinCode, Error> {
        if self.replica.store().venue_key()?.is_none() && self.desk().store().sprint()?.is_some() {
            // A sprint made without a venue key (the demo, or a database from before venues had keys): the
            // device pairing is its organizer's, and becomes the venue's authority now.
            self.replica.enrol_self(&host_name(), DeviceRole::Organizer)?;
        }
        let mut desk = self.desk();
        if desk.store().sprint()?.is_none() {
            return Err(sprintdesk_core::Error::NoSprint.into());
        }
        if !desk.store().holds_venue_secret()? {
            return Err(sprintdesk_core::Error::NotAllowed(
                "only an organizer's device that holds the venue's key can pair devices; pair from the device \
                 that created the sprint, or one it paired as an organizer's"
                    .into(),
            )
            .into());
        }
        // The organizer decides what the device is: the code names its role, and a table lead's project.
        let project = match (request.role, request.project.as_deref().map(str::trim).filter(|p| !p.is_empty())) {
            (DeviceRole::TableLead, Some(project)) => Some(desk.find_project(project)?),
            (DeviceRole::TableLead, None) => {
                return Err(ValidationError::new(
                    "project",
                    "a table lead's laptop is for one table: choose its project",
                )
                .into());
            }
            (_, Some(_)) => {
                return Err(ValidationError::new("project", "only a table lead's laptop is for one project").into());
            }
            (_, None) => None,
        };
        let now = desk.now();
        let store = desk.store();
        let code = pairing::new_code();
        let expires = now.plus_minutes(pairing::JOIN_CODE_MINUTES);
        store.add_join_code_for(&code, expires, request.role, project.as_ref().map(|p| &p.id))?;
        let address = store.local_setting("listening")?.map(|a| reachable(&a));
        let link = format!("sprintdesk:join?code={code}&addr={}", address.as_deref().unwrap_or(""));
        Ok(JoinCode {
            qr_svg: pairing::qr_svg(&link),
            code,
            address,
            expires_at: expires.0,
            role: request.role,
            project: project.map(|p| p.name),
        })
    }
}

/// Joins a venue: checks the code's shape and that this database is empty, then runs the join handshake
/// and the first full sync.
pub async fn join_venue(
    replica: &Arc<Replica>,
    code: &str,
    address: &str,
    name: &str,
    role: Option<DeviceRole>,
) -> Result<Joined, Error> {
    let Some(code) = pairing::normalize(code) else {
        return Err(ValidationError::new(
            "code",
            "that is not a join code: it has 10 letters and digits, like 7KQ2M-XW4PA",
        )
        .into());
    };
    // A join that was let in and then cut off may be run again (with a new code) to fetch the rest.
    // So may a device that came back under a new id (its state folder lost): it is paired again, keeping what
    // it holds, into the venue it belonged to (joining another is refused when the venue's key is pinned).
    let unfinished = replica.store().join_unfinished()? || replica.to_pair_again()?;
    if let Some(sprint) = replica.store().sprint()?.filter(|_| !unfinished) {
        return Err(sprintdesk_core::Error::SprintExists(
            sprint.name,
            "; a device joins a venue with an empty database",
        )
        .into());
    }
    let address = address.trim();
    if address.is_empty() {
        return Err(ValidationError::new(
            "address",
            "type the address the organizer's screen shows, like 192.168.1.20:7733",
        )
        .into());
    }
    let report = peer::join(replica, address, &code, name, role).await.map_err(|error| match error {
        // Something answered that does not speak Sprintdesk (a web server on that port, say).
        SyncError::Protocol(ProtocolError::TooLarge { .. } | ProtocolError::Malformed(_)) => not_sprintdesk(address),
        SyncError::Protocol(ProtocolError::Io(io)) if io.kind() == std::io::ErrorKind::InvalidData => {
            not_sprintdesk(address)
        }
        // Let in before, and cut off (the organizer's program stopped mid-join): its code is spent, and a
        // sync may fetch the rest without a new one ("ask an organizer for a new one" said nothing of that).
        // Which code this is cannot be told here: the words cover both.
        // (The organizer's refusal arrives as its words.)
        SyncError::Denied(reason)
            if reason == sprintdesk_sync::JoinRefusal::Code.reason()
                && replica.store().join_unfinished().unwrap_or(false) =>
        {
            SyncError::Denied(format!(
                "that join code is wrong, used or expired. This device was let in once and its first sync broke \
                 off: if this is the code it was let in with, syncing with the organizer's device fetches the \
                 rest (`sprintdesk sync {address}`); if that says this device is not paired, or this is another \
                 code, ask an organizer for a new code and join again: what arrived is kept"
            ))
            .into()
        }
        error => error.into(),
    })?;
    // (Before the store is held: the identity is read from it.)
    let fingerprint = sprintdesk_sync::tls::fingerprint(&replica.identity()?.cert_der).chars().take(16).collect();
    let store = replica.store();
    let sprint = store.sprint()?.map(|s| s.name);
    let grant = store.get::<Device>(replica.device().as_str())?.and_then(|d| d.grant);
    let project = match grant.as_ref().and_then(|g| g.project.as_ref()) {
        Some(id) => Some(store.get::<Project>(id.as_str())?.map_or_else(|| id.to_string(), |p| p.name)),
        None => None,
    };
    Ok(Joined {
        organizer: report.peer.to_string(),
        sprint,
        received: u32::try_from(report.received).unwrap_or(u32::MAX),
        role: grant.map(|g| g.role).unwrap_or_default(),
        project,
        fingerprint,
    })
}

fn not_sprintdesk(address: &str) -> Error {
    Error::NotSprintdesk(address.to_owned())
}

/// An address another machine can use: a wildcard listen address becomes this machine's LAN address.
pub fn reachable(listening: &str) -> String {
    let Ok(address) = listening.parse::<SocketAddr>() else { return listening.to_owned() };
    if !address.ip().is_unspecified() {
        return listening.to_owned();
    }
    // Asking the OS which interface would route outwards sends nothing.
    let lan = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|socket| socket.connect("192.0.2.1:9").map(|_| socket))
        .and_then(|socket| socket.local_addr())
        .map(|local| local.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    SocketAddr::new(lan, address.port()).to_string()
}

/// This machine's name, for its entry on the allow-list.
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "this device".into())
}

/// A join code for a new device, with where to reach this one.
#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
pub struct JoinCode {
    pub code: String,
    /// This device's LAN address, when its peer is listening.
    pub address: Option<String>,
    #[ts(type = "number")]
    pub expires_at: i64,
    /// The QR code of `sprintdesk:join?code=…&addr=…`, as SVG.
    pub qr_svg: String,
    /// What the code makes the device that uses it.
    pub role: DeviceRole,
    /// A table lead's project, by name.
    pub project: Option<String>,
}

/// What a join code is for: the organizer chooses the new device's role (and a table lead's project).
#[derive(Clone, Debug, serde::Deserialize, ts_rs::TS)]
pub struct PairRequest {
    pub role: DeviceRole,
    /// For a table lead: the project's id, name or table.
    #[serde(default)]
    pub project: Option<String>,
}
