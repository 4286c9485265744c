//! The running LAN peer: what `sprintdesk serve` and the desktop app run. It listens for paired devices
//! (and joining ones), keeps live sessions to every device it knows an address for, reconnecting with
//! backoff, notices writes made by other processes to its database and pushes them at once, and
//! advertises and browses the venue over mDNS — with remembered and typed addresses as the fallback,
//! because venue Wi-Fi often blocks multicast.

use crate::replica::Replica;
use crate::report::{Authority, JoinRefusal, Mode, Report, SyncError};
use crate::session;
use crate::throttle::JoinThrottle;
use crate::tls;
use sprintdesk_domain::{DeviceId, DeviceRole, Timestamp};
use sprintdesk_store::{Lockout, PeerRecord};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// The mDNS service type. The advertisement carries a random instance name and nothing else.
pub const SERVICE_TYPE: &str = "_sprintdesk._tcp.local.";
/// How often the database is checked for writes made by other processes.
const WATCH_EVERY: Duration = Duration::from_millis(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const LONGEST_BACKOFF: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct PeerOptions {
    /// Addresses to keep connected to besides the remembered ones (`host:port`).
    pub connect: Vec<String>,
    /// Advertise and browse with mDNS.
    pub discovery: bool,
}

/// Sessions currently open, by the device at the other end.
type Active = Arc<Mutex<HashMap<DeviceId, usize>>>;

/// Connects to `address` over mutual TLS, accepting only a server on this device's allow-list.
pub async fn connect(replica: &Arc<Replica>, address: &str) -> Result<(TlsConnectorStream, String), SyncError> {
    let identity = replica.identity()?;
    let trusting = replica.clone();
    let config = tls::client_config(&identity, Arc::new(move |fingerprint| trusting.trusts(fingerprint)))?;
    open(config, address).await
}

pub type TlsConnectorStream = tokio_rustls::client::TlsStream<TcpStream>;

async fn open(config: Arc<rustls::ClientConfig>, address: &str) -> Result<(TlsConnectorStream, String), SyncError> {
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address))
        .await
        .map_err(|_| io_error(std::io::ErrorKind::TimedOut, format!("no answer from {address}")))?
        .map_err(|e| io_error(e.kind(), format!("could not reach {address}: {e}")))?;
    tcp.set_nodelay(true).ok();
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TlsConnector::from(config).connect(tls::server_name(), tcp))
        .await
        .map_err(|_| io_error(std::io::ErrorKind::TimedOut, format!("{address} did not finish the handshake")))?
        .map_err(|e| io_error(e.kind(), format!("{address} refused a secure connection: {e}")))?;
    let fingerprint = tls::peer_fingerprint(stream.get_ref().1)
        .ok_or_else(|| io_error(std::io::ErrorKind::InvalidData, "the other device sent no certificate".into()))?;
    Ok((stream, fingerprint))
}

fn io_error(kind: std::io::ErrorKind, message: String) -> SyncError {
    SyncError::Protocol(std::io::Error::new(kind, message).into())
}

/// One sync with the device at `address`, ending when both hold the same records (`sprintdesk sync`).
pub async fn sync_once(replica: &Arc<Replica>, address: &str) -> Result<Report, SyncError> {
    let (stream, fingerprint) = connect(replica, address).await?;
    let report = session::initiate(replica, stream, Authority::Certificate(fingerprint), Mode::OneShot).await?;
    remember_address(replica, &report.peer, address);
    // A sync is when a device notices the sprint's retention period has ended, even one that brought nothing.
    if let Err(error) = replica.enforce_retention() {
        tracing::warn!(%error, "could not apply the sprint's retention period");
    }
    Ok(report)
}

/// Joins the venue of the device at `address` with the join code it showed, then syncs everything once.
/// Refused when this device already holds a sprint: one database holds one venue's sprint.
pub async fn join(
    replica: &Arc<Replica>,
    address: &str,
    code: &str,
    name: &str,
    role: Option<DeviceRole>,
) -> Result<Report, SyncError> {
    let identity = replica.identity()?;
    let own = tls::fingerprint(&identity.cert_der);
    // Any server: it proves it showed the code (bound to its certificate) before anything is trusted.
    let config = tls::client_config(&identity, Arc::new(|_| true))?;
    let (stream, organizer) = open(config, address).await?;
    let mut admitted: Option<DeviceId> = None;
    let mut on_admitted = |device: &DeviceId, _: Option<u16>| admitted = Some(device.clone());
    let joined = session::join(replica, stream, code, (&own, &organizer), name, role, &mut on_admitted).await;
    // Once let in, the organizer's address is kept even if the join broke off (the Wi-Fi dropped): the
    // device is in the venue with part of its records, and syncs the rest from there once it holds the
    // organizer's entry (else it joins again with a new code).
    if let Some(organizer) = &admitted {
        remember_address(replica, organizer, address);
    }
    joined
}

fn remember_address(replica: &Replica, device: &DeviceId, address: &str) {
    let mut known = replica
        .store()
        .peers()
        .unwrap_or_default()
        .into_iter()
        .find(|p| &p.device == device)
        .unwrap_or(PeerRecord { device: device.clone(), ..PeerRecord::default() });
    known.address = Some(address.to_owned());
    replica.remember_peer(&known);
}

/// Runs the peer on `listener` until `shutdown` turns true.
pub async fn serve(
    replica: Arc<Replica>,
    listener: TcpListener,
    options: PeerOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), SyncError> {
    let identity = replica.identity()?;
    let acceptor = TlsAcceptor::from(tls::server_config(&identity)?);
    let throttle = Arc::new(JoinThrottle::default());
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    replica.set_listen_port(port);
    let active: Active = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();

    // Writes by other processes (the CLI, the desktop app's own connection) wake the live sessions.
    {
        let replica = replica.clone();
        tasks.spawn(async move {
            let mut tick = tokio::time::interval(WATCH_EVERY);
            loop {
                tick.tick().await;
                if let Err(error) = replica.poll_outside_writes() {
                    tracing::warn!(%error, "could not check the database for new changes");
                }
            }
        });
    }

    let (found_sender, mut found) = tokio::sync::mpsc::unbounded_channel::<String>();
    let _discovery = if options.discovery { discovery::start(port, found_sender) } else { None };

    // Keep connected to every address we know: typed, remembered, discovered.
    {
        let replica = replica.clone();
        let active = active.clone();
        let mut pending = options.connect.clone();
        tasks.spawn(async move {
            let mut started: HashSet<String> = HashSet::new();
            let mut connectors = tokio::task::JoinSet::new();
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                let remembered =
                    replica.store().peers().unwrap_or_default().into_iter().filter_map(|peer| peer.address);
                for address in pending.drain(..).chain(remembered) {
                    if started.insert(address.clone()) {
                        connectors.spawn(keep_connected(replica.clone(), active.clone(), address));
                    }
                }
                tokio::select! {
                    _ = tick.tick() => {}
                    Some(address) = found.recv() => pending.push(address),
                }
            }
        });
    }

    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, from)) = accepted else { continue };
                tcp.set_nodelay(true).ok();
                if !throttle.allows(from.ip(), std::time::Instant::now()) {
                    tracing::debug!(%from, "closed a connection from an address locked out for wrong join codes");
                    continue;
                }
                tasks.spawn(answer(replica.clone(), active.clone(), acceptor.clone(), throttle.clone(), tcp, from));
            }
            _ = shutdown.changed() => {
                if *shutdown.borrow() {
                    break;
                }
            }
        }
    }
    tasks.shutdown().await;
    Ok(())
}

async fn answer(
    replica: Arc<Replica>,
    active: Active,
    acceptor: TlsAcceptor,
    throttle: Arc<JoinThrottle>,
    tcp: TcpStream,
    from: SocketAddr,
) {
    let stream = match tokio::time::timeout(CONNECT_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => return tracing::info!(%from, %error, "a TLS handshake failed"),
        Err(_) => return tracing::info!(%from, "a TLS handshake timed out"),
    };
    let Some(fingerprint) = tls::peer_fingerprint(stream.get_ref().1) else { return };
    let guard = ActiveGuard::new(active);
    let mut on_peer = |peer: &DeviceId, listen: Option<u16>| {
        guard.set(peer.clone());
        if let Some(port) = listen {
            remember_address(&replica, peer, &SocketAddr::new(from.ip(), port).to_string());
        }
    };
    let result = session::respond_tracked(&replica, stream, Authority::Certificate(fingerprint), &mut on_peer).await;
    match result {
        Ok(report) => {
            throttle.succeeded(from.ip());
            tracing::info!(peer = %report.peer, sent = report.sent, received = report.received, "a session ended")
        }
        Err(SyncError::JoinRefused(JoinRefusal::Code)) => match throttle.failed(from.ip(), std::time::Instant::now()) {
            Some((wait, failures)) => {
                tracing::warn!(%from, seconds = wait.as_secs(), failures, "wrong join codes from one address: locked out");
                let now = replica.now();
                let lockout = Lockout {
                    kind: Lockout::JOIN_CODES.into(),
                    source: from.ip().to_string(),
                    failures,
                    locked_until: Timestamp(now.0.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))),
                    at: now,
                };
                if let Err(error) = replica.store().note_lockout(&lockout) {
                    tracing::warn!(%error, "could not remember a lockout");
                }
            }
            None => tracing::info!(%from, "a wrong join code"),
        },
        Err(error) => tracing::info!(%from, %error, "a connection was refused or dropped"),
    }
}

/// Keeps a live session to `address`, reconnecting with exponential backoff.
async fn keep_connected(replica: Arc<Replica>, active: Active, address: String) {
    let mut backoff = Duration::from_millis(250);
    loop {
        let known =
            replica.store().peers().unwrap_or_default().into_iter().find(|p| p.address.as_deref() == Some(&address));
        let already =
            known.as_ref().is_some_and(|peer| active.lock().map(|a| a.contains_key(&peer.device)).unwrap_or(false));
        if known.as_ref().is_some_and(|peer| &peer.device == replica.device()) {
            return; // Our own address.
        }
        if !already {
            match connect(&replica, &address).await {
                Ok((stream, fingerprint)) => {
                    let guard = ActiveGuard::new(active.clone());
                    let mut on_peer = |peer: &DeviceId, _: Option<u16>| guard.set(peer.clone());
                    let authority = Authority::Certificate(fingerprint);
                    let result = session::initiate_tracked(&replica, stream, authority, Mode::Live, &mut on_peer).await;
                    if let Some(peer) = guard.peer() {
                        remember_address(&replica, &peer, &address);
                        backoff = Duration::from_millis(250);
                    }
                    if let Err(error) = result {
                        tracing::info!(%address, %error, "a live session ended");
                    }
                }
                Err(error) => {
                    tracing::debug!(%address, %error, "could not connect");
                    if let Some(mut peer) = known {
                        peer.problem = Some(error.to_string());
                        replica.remember_peer(&peer);
                    }
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(LONGEST_BACKOFF);
    }
}

/// Marks a device connected for as long as its session lasts.
struct ActiveGuard {
    active: Active,
    peer: Mutex<Option<DeviceId>>,
}

impl ActiveGuard {
    fn new(active: Active) -> Self {
        Self { active, peer: Mutex::new(None) }
    }

    fn set(&self, peer: DeviceId) {
        if let Ok(mut active) = self.active.lock() {
            *active.entry(peer.clone()).or_default() += 1;
        }
        if let Ok(mut slot) = self.peer.lock() {
            *slot = Some(peer);
        }
    }

    fn peer(&self) -> Option<DeviceId> {
        self.peer.lock().ok().and_then(|p| p.clone())
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        if let (Some(peer), Ok(mut active)) = (self.peer(), self.active.lock())
            && let Some(count) = active.get_mut(&peer)
        {
            *count -= 1;
            if *count == 0 {
                active.remove(&peer);
            }
        }
    }
}

impl std::fmt::Debug for ActiveGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveGuard").field("peer", &self.peer()).finish()
    }
}

mod discovery {
    //! mDNS: advertise this peer and report the addresses of others. Best effort: a network that blocks
    //! multicast just finds nothing, and remembered or typed addresses still work.

    use super::SERVICE_TYPE;
    use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};
    use rand::Rng;

    pub struct Discovery {
        daemon: ServiceDaemon,
    }

    impl Drop for Discovery {
        fn drop(&mut self) {
            let _ = self.daemon.shutdown();
        }
    }

    pub fn start(port: u16, found: tokio::sync::mpsc::UnboundedSender<String>) -> Option<Discovery> {
        let daemon = match ServiceDaemon::new() {
            Ok(daemon) => daemon,
            Err(error) => {
                tracing::info!(%error, "mDNS is not available; use remembered or typed addresses");
                return None;
            }
        };
        let instance: String = {
            let mut rng = rand::rng();
            (0..12).map(|_| char::from(b'a' + rng.random_range(0..26u8))).collect()
        };
        let host = format!("{instance}.local.");
        match ServiceInfo::new(
            SERVICE_TYPE,
            &instance,
            &host,
            "",
            port,
            None::<std::collections::HashMap<String, String>>,
        ) {
            Ok(info) => {
                if let Err(error) = daemon.register(info.enable_addr_auto()) {
                    tracing::info!(%error, "could not advertise over mDNS");
                }
            }
            Err(error) => tracing::info!(%error, "could not advertise over mDNS"),
        }
        match daemon.browse(SERVICE_TYPE) {
            Ok(events) => {
                let own = format!("{instance}.{SERVICE_TYPE}");
                std::thread::spawn(move || {
                    while let Ok(event) = events.recv() {
                        if let ServiceEvent::ServiceResolved(service) = event {
                            if service.get_fullname() == own {
                                continue;
                            }
                            for ip in service.get_addresses_v4() {
                                if found.send(format!("{ip}:{}", service.get_port())).is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
            Err(error) => tracing::info!(%error, "could not browse over mDNS"),
        }
        Some(Discovery { daemon })
    }
}
