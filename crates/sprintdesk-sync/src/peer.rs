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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// The mDNS service type. The advertisement carries a random instance name and nothing else.
pub const SERVICE_TYPE: &str = "_sprintdesk._tcp.local.";
/// How often the database is checked for writes made by other processes.
const WATCH_EVERY: Duration = Duration::from_millis(20);
/// Every how many [`WATCH_EVERY`] ticks an erasure's bytes left in the files (a reader held them) are tried
/// again: two seconds.
const SCRUB_EVERY_TICKS: u32 = 100;
/// How often a running device checks whether the sprint's retention period has ended: an organizer's app
/// left open on the last day must not keep everyone's personal data until it is restarted.
pub const RETENTION_EVERY: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const LONGEST_BACKOFF: Duration = Duration::from_secs(30);
/// An address announced on the LAN (mDNS) is tried this many times, a backoff apart (some five minutes in
/// all); unless a device of the venue answers there, it is then dropped until it is announced again (mDNS
/// announces a device again when it restarts or changes).
const DISCOVERED_TRIES: u32 = 14;
/// At most this many announced addresses are tried at once: anyone on the Wi-Fi can announce thousands,
/// and each try is a task, a socket and a TLS handshake.
const DISCOVERED_AT_ONCE: usize = 16;
/// At most this many connections from one address at once: a stranger opening thousands would otherwise
/// take every file this process may open. A device holds one or two with each peer.
const CONNECTIONS_PER_ADDRESS: usize = 16;

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

/// Why a device could not be reached, in an organizer's words (the system's follow in brackets, for
/// whoever looks further): "Connection refused (os error 111)" alone says nothing at a venue.
fn unreachable_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let why = match error.kind() {
        ConnectionRefused => "nothing answers there (Sprintdesk is not running on it, or it is asleep)",
        HostUnreachable | NetworkUnreachable => {
            "that address is not on this network (is this computer on the venue Wi-Fi?)"
        }
        AddrNotAvailable => "that is not an address a device can have",
        TimedOut => "no answer (it may be off, asleep or out of the Wi-Fi's reach)",
        _ => return error.to_string(),
    };
    format!("{why} ({error})")
}

async fn open(config: Arc<rustls::ClientConfig>, address: &str) -> Result<(TlsConnectorStream, String), SyncError> {
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address))
        .await
        .map_err(|_| io_error(std::io::ErrorKind::TimedOut, format!("no answer from {address}")))?
        .map_err(|e| io_error(e.kind(), format!("could not reach {address}: {}", unreachable_words(&e))))?;
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
            let mut ticks: u32 = 0;
            loop {
                tick.tick().await;
                if let Err(error) = replica.poll_outside_writes() {
                    tracing::warn!(%error, "could not check the database for new changes");
                }
                // An erasure made while another program read the file left its bytes there until the next
                // write, of anything: on an idle device, for good. Tried again every few seconds.
                ticks = ticks.wrapping_add(1);
                if ticks.is_multiple_of(SCRUB_EVERY_TICKS) {
                    let scrubbing = replica.clone();
                    let _ = tokio::task::spawn_blocking(move || scrubbing.store().scrub_if_pending()).await;
                }
            }
        });
    }

    // The retention period can end while a device runs: it is checked every minute, not only at a start or
    // a sync (a device alone after the sprint syncs with no one).
    {
        let replica = replica.clone();
        tasks.spawn(async move {
            let mut tick = tokio::time::interval(RETENTION_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                // Off the async workers: erasing everyone rewrites the whole log under the store's lock.
                let checking = replica.clone();
                match tokio::task::spawn_blocking(move || checking.enforce_retention()).await {
                    Ok(Err(error)) => tracing::warn!(%error, "could not apply the sprint's retention period"),
                    Err(error) => tracing::warn!(%error, "the retention check stopped"),
                    Ok(Ok(_)) => {}
                }
            }
        });
    }

    let (found_sender, mut found) = tokio::sync::mpsc::unbounded_channel::<String>();
    let _discovery = if options.discovery { discovery::start(port, found_sender) } else { None };

    // Keep connected to every address we know: typed and remembered for good; announced on the LAN a few
    // tries, a few at a time, unless a device of the venue answers there (then it is remembered).
    {
        let replica = replica.clone();
        let active = active.clone();
        let mut pending = options.connect.clone();
        tasks.spawn(async move {
            let mut started: HashSet<String> = HashSet::new();
            let mut discovered: HashSet<String> = HashSet::new();
            // Announced addresses being tried where no device of the venue has answered yet.
            let unproven = Arc::new(AtomicUsize::new(0));
            let mut connectors = tokio::task::JoinSet::new();
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                let remembered =
                    replica.store().peers().unwrap_or_default().into_iter().filter_map(|peer| peer.address);
                // Typed on the Devices page since this started too (tried within a tick).
                let typed = replica.store().typed_addresses().unwrap_or_default();
                for address in pending.drain(..).chain(remembered).chain(typed) {
                    if started.insert(address.clone()) {
                        connectors.spawn(keep_connected(replica.clone(), active.clone(), address, None));
                    }
                }
                tokio::select! {
                    _ = tick.tick() => {}
                    Some(address) = found.recv() => {
                        if !started.contains(&address) && unproven.load(Ordering::SeqCst) < DISCOVERED_AT_ONCE {
                            started.insert(address.clone());
                            discovered.insert(address.clone());
                            unproven.fetch_add(1, Ordering::SeqCst);
                            let tries = Some(Unproven { left: DISCOVERED_TRIES, counted: unproven.clone() });
                            connectors.spawn(keep_connected(replica.clone(), active.clone(), address, tries));
                        }
                    }
                    // An announced address given up on may be tried again when announced again; a typed or
                    // remembered one ends only when it is this device's own, and is not tried again.
                    Some(Ok(ended)) = connectors.join_next() => {
                        if discovered.remove(&ended) {
                            started.remove(&ended);
                        }
                    }
                }
            }
        });
    }
    let from_address: PerAddress = Arc::default();

    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (tcp, from) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of open files, most likely: a moment's pause, not a loop that takes a core.
                        tracing::warn!(%error, "could not accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                tcp.set_nodelay(true).ok();
                // An address locked out for wrong join codes is still answered: a paired device behind it (the
                // same NAT, the same guest network) syncs on, and only a join from it is refused, in words.
                let Some(slot) = ConnectionSlot::take(&from_address, from.ip()) else {
                    tracing::debug!(%from, "closed a connection: too many open from that address");
                    continue;
                };
                let answering = answer(replica.clone(), active.clone(), acceptor.clone(), throttle.clone(), tcp, from);
                tasks.spawn(async move {
                    answering.await;
                    drop(slot);
                });
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
    let joins_open = || throttle.allows(from.ip(), std::time::Instant::now());
    let authority = Authority::Certificate(fingerprint);
    let result = session::respond_tracked(&replica, stream, authority, &joins_open, &mut on_peer).await;
    match result {
        Ok(report) => {
            // Only a join starts the count again: a paired device's session from the same address says
            // nothing of whoever guesses codes there.
            if report.joined {
                throttle.succeeded(from.ip());
            }
            tracing::info!(peer = %report.peer, sent = report.sent, received = report.received, "a session ended")
        }
        Err(SyncError::JoinRefused(JoinRefusal::LockedOut)) => {
            tracing::debug!(%from, "refused a join from an address locked out for wrong join codes")
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

/// How many inbound connections each source address holds.
type PerAddress = Arc<Mutex<HashMap<std::net::IpAddr, usize>>>;

/// One connection counted against its address's [`CONNECTIONS_PER_ADDRESS`] while it lasts.
struct ConnectionSlot {
    counts: PerAddress,
    ip: std::net::IpAddr,
}

impl ConnectionSlot {
    fn take(counts: &PerAddress, ip: std::net::IpAddr) -> Option<Self> {
        let mut held = counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = held.entry(ip).or_default();
        if *count >= CONNECTIONS_PER_ADDRESS {
            return None;
        }
        *count += 1;
        Some(Self { counts: counts.clone(), ip })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut held = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.ip);
            }
        }
    }
}

/// An announced address's tries left, counted among the [`DISCOVERED_AT_ONCE`] until it is given up or a
/// device of the venue answers there.
struct Unproven {
    left: u32,
    counted: Arc<AtomicUsize>,
}

impl Drop for Unproven {
    fn drop(&mut self) {
        self.counted.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Keeps a live session to `address`, reconnecting with exponential backoff. With `tries` (an address
/// announced on the LAN), gives up after that many tries unless a device of the venue was let in there,
/// and returns the address.
async fn keep_connected(replica: Arc<Replica>, active: Active, address: String, mut tries: Option<Unproven>) -> String {
    let mut backoff = Duration::from_millis(250);
    loop {
        if let Some(unproven) = tries.as_mut() {
            if unproven.left == 0 {
                tracing::debug!(%address, "gave up on an announced address: no device of the venue answers there");
                return address;
            }
            unproven.left -= 1;
        }
        let holders: Vec<PeerRecord> = replica
            .store()
            .peers()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.address.as_deref() == Some(&address))
            .collect();
        // Our own address (another record may also name it, told by a peer: this one is checked first).
        if holders.iter().any(|peer| &peer.device == replica.device()) {
            return address;
        }
        let known = holders.first().cloned();
        let already =
            known.as_ref().is_some_and(|peer| active.lock().map(|a| a.contains_key(&peer.device)).unwrap_or(false));
        if !already {
            match connect(&replica, &address).await {
                Ok((stream, fingerprint)) => {
                    let guard = ActiveGuard::new(active.clone());
                    let mut on_peer = |peer: &DeviceId, _: Option<u16>| guard.set(peer.clone());
                    let authority = Authority::Certificate(fingerprint);
                    let result = session::initiate_tracked(&replica, stream, authority, Mode::Live, &mut on_peer).await;
                    if let Some(peer) = guard.peer() {
                        // Whoever else this address was held for (told by a peer) is not there: forgotten.
                        for other in holders.iter().filter(|holder| holder.device != peer) {
                            if let Err(error) = replica.store().forget_peer_address(&other.device, &address) {
                                tracing::warn!(%error, "could not forget a wrong address");
                            }
                        }
                        remember_address(&replica, &peer, &address);
                        if &peer == replica.device() {
                            return address; // Our own address, told as another's.
                        }
                        backoff = Duration::from_millis(250);
                        tries = None; // A device of the venue: kept connected for good.
                    }
                    match result {
                        // Not to be cured by calling again: said where `peers` shows it, until it syncs.
                        Err(error @ SyncError::Protocol(crate::message::ProtocolError::Version { .. })) => {
                            tracing::warn!(%address, %error, "a device of another version");
                            if let Some(mut peer) = known {
                                peer.problem = Some(error.to_string());
                                replica.remember_peer(&peer);
                            }
                        }
                        Err(error) => tracing::info!(%address, %error, "a live session ended"),
                        Ok(_) => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_announced_address_where_no_device_answers_is_given_up_and_uncounted() {
        // Nothing listens on port 1 of this machine: as an address a stranger announced on the LAN.
        let store = sprintdesk_store::Store::open_in_memory("desk".into()).unwrap();
        let replica = Arc::new(Replica::new(store, Arc::new(sprintdesk_domain::SystemClock)));
        let counted = Arc::new(AtomicUsize::new(1));
        let tries = Some(Unproven { left: DISCOVERED_TRIES, counted: counted.clone() });
        // Its tries a backoff apart are some five minutes; a device that keeps trying is still at it after an hour.
        let trying = keep_connected(replica, Active::default(), "127.0.0.1:1".into(), tries);
        let given_up = tokio::time::timeout(Duration::from_secs(3600), trying).await;
        assert_eq!(given_up.as_deref(), Ok("127.0.0.1:1"), "given up");
        assert_eq!(counted.load(Ordering::SeqCst), 0, "no longer counted among the addresses being tried");
    }

    #[test]
    fn one_address_holds_at_most_its_share_of_connections_and_gives_them_back() {
        let counts: PerAddress = Arc::default();
        let (one, other) = ("10.0.0.7".parse().unwrap(), "10.0.0.8".parse().unwrap());
        let held: Vec<ConnectionSlot> =
            (0..CONNECTIONS_PER_ADDRESS).map(|_| ConnectionSlot::take(&counts, one).unwrap()).collect();
        assert!(ConnectionSlot::take(&counts, one).is_none(), "one more from that address is closed");
        assert!(ConnectionSlot::take(&counts, other).is_some(), "another address is not held to it");
        drop(held);
        assert!(ConnectionSlot::take(&counts, one).is_some(), "given back when they close");
        assert!(counts.lock().unwrap().get(&one).is_none_or(|n| *n <= 1));
    }
}
