//! The executor: one sync session over any byte stream (an in-memory pipe in tests, TLS over TCP for
//! real). Both sides run the same loop: send what the plan says the other lacks, apply what arrives,
//! report what is now held.

use crate::message::{self, Message, ProtocolError};
use crate::plan::{self, Batch};
use crate::replica::{Admission, Joining, Replica, Welcome};
pub use crate::report::{Authority, Mode, Report, SKEW_WARNING_MS, SyncError, minutes};
use sprintdesk_domain::{DeviceId, DeviceRole, Grant, Timestamp};
use sprintdesk_store::{Change, Entity, PeerRecord, Received, RevocationProof, VersionVector, device_of};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadHalf, WriteHalf};
use tokio::sync::mpsc;

/// Records per `Changes` message.
pub const BATCH_RECORDS: u64 = 1_000;
/// At most this many records are sent and not yet answered by a `have`: the receiver holds no more than
/// this waiting to be applied, so a bootstrap's memory stays the same whatever the log's size.
pub const IN_FLIGHT_RECORDS: u64 = 8 * BATCH_RECORDS;
/// Batches already arrived are applied together, up to this many records, in one transaction (one
/// commit, not one per batch). Half the window: while the receiver applies what it took, the sender sends
/// the next half (with the two equal, the receiver took the whole window, and the sender waited for each
/// `have`).
const APPLY_TOGETHER_RECORDS: usize = IN_FLIGHT_RECORDS as usize / 2;
/// Messages read and not yet handled: at most this many, and at most `QUEUED_BYTES` of their weight (their
/// JSON and what its values take once read, [`message::Frame::weight`]). A peer that sends faster than
/// this device applies, or that never reads what it is sent (so that this side waits to write), is left
/// waiting to send: what it sends is not held in memory here. Both are well above what an honest peer
/// keeps in flight (`IN_FLIGHT_RECORDS` records of a few kilobytes each, and its answers), so two honest
/// sides can never both wait for the other to read.
const QUEUED_MESSAGES: usize = 256;
const QUEUED_BYTES: usize = (IN_FLIGHT_RECORDS / BATCH_RECORDS + 1) as usize * message::MAX_MESSAGE_BYTES;
/// How long to wait for the other side's first message.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A live session says it is alive this often, and gives up after three silent periods.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// How many heartbeats apart a live session notes the peer as seen (30 s).
const RECORD_PEER_EVERY: u32 = 6;
/// How long a one-shot sync waits for a peer whose clock was put right to issue its records again.
const REISSUE_WAIT: Duration = Duration::from_secs(10);
/// Every this many heartbeats (a minute), records a side refused are offered again.
const RETRY_REFUSED_EVERY: u32 = 12;

/// A message read, the bytes it took on the wire, and its share of the queue's bytes (given back once it
/// is taken off the queue).
type Queued = Result<(Message, Option<Received>, usize, tokio::sync::OwnedSemaphorePermit), ProtocolError>;

/// The most a side reads of one message from a peer it has not admitted yet (its `hello`, `join` or
/// `welcome`), on the wire and decompressed: a stranger gets this much read and decoded, one message at a
/// time, and nothing more until it is let in. A `hello` lists one entry per origin the device holds, some
/// 20 to 70 bytes each, at most a hundred per device (`sprintdesk_store::MAX_EPOCH`): a venue of a hundred
/// devices that each made up every origin it may is under half of it.
pub const HANDSHAKE_BYTES: usize = 1024 * 1024;

struct Link<S> {
    writer: WriteHalf<S>,
    /// Until the other side is admitted ([`Link::admit`]), messages are read here, one at a time, each at
    /// most [`HANDSHAKE_BYTES`]; then by the reader task.
    unadmitted: Option<ReadHalf<S>>,
    incoming: Option<mpsc::Receiver<Queued>>,
    /// A message taken from `incoming` while gathering batches to apply together, to be handled next.
    pending: Option<Message>,
    /// The records of the `changes` message last taken from `incoming`, hashed by the reading task (the
    /// message itself then holds none).
    received: Option<Received>,
    reader: Option<tokio::task::JoinHandle<()>>,
    report: Report,
}

impl<S: AsyncRead + AsyncWrite + Send + 'static> Link<S> {
    fn new(stream: S) -> Self {
        let (read_half, writer) = tokio::io::split(stream);
        Self {
            writer,
            unadmitted: Some(read_half),
            incoming: None,
            pending: None,
            received: None,
            reader: None,
            report: Report::default(),
        }
    }

    /// The other side is who it says and may sync: from now on its messages are read as they come, up to
    /// the largest a frame may be, by a task of their own.
    fn admit(&mut self) {
        let Some(mut read_half) = self.unadmitted.take() else { return };
        let (sender, incoming) = mpsc::channel(QUEUED_MESSAGES);
        let budget = std::sync::Arc::new(tokio::sync::Semaphore::new(QUEUED_BYTES));
        // Reading is its own task: a frame half read must never be dropped by a `select!`. It reads no
        // further while the queue is full: the peer's sending waits.
        self.reader = Some(tokio::spawn(async move {
            loop {
                let next = message::read_frame(&mut read_half).await;
                let stop = !matches!(next, Ok(Some(_)));
                let item = match next {
                    Ok(Some(frame)) => {
                        let weight = frame.weight.min(QUEUED_BYTES);
                        let bytes = u32::try_from(weight).unwrap_or(u32::MAX);
                        let Ok(mut permit) = budget.clone().acquire_many_owned(bytes).await else { break };
                        // A batch's records are hashed here, off the task that applies the one before; the
                        // texts of their values are kept with them, and weighed too.
                        let (message, received) = match frame.message {
                            Message::Changes { changes, grants } => {
                                (Message::Changes { changes: Vec::new(), grants }, Some(Received::new(changes)))
                            }
                            other => (other, None),
                        };
                        let texts = received.as_ref().map_or(0, Received::text_bytes).min(QUEUED_BYTES - weight);
                        if texts > 0 {
                            let bytes = u32::try_from(texts).unwrap_or(u32::MAX);
                            let Ok(more) = budget.clone().acquire_many_owned(bytes).await else { break };
                            permit.merge(more);
                        }
                        Ok((message, received, frame.wire_bytes, permit))
                    }
                    Ok(None) => Err(ProtocolError::Io(std::io::ErrorKind::UnexpectedEof.into())),
                    Err(error) => Err(error),
                };
                if sender.send(item).await.is_err() || stop {
                    break;
                }
            }
        }));
        self.incoming = Some(incoming);
    }

    async fn send(&mut self, message: &Message) -> Result<(), SyncError> {
        self.report.bytes_out += message::write_message(&mut self.writer, message).await? as u64;
        Ok(())
    }

    async fn send_body(&mut self, body: Vec<u8>) -> Result<(), SyncError> {
        self.report.bytes_out += message::write_body(&mut self.writer, body).await? as u64;
        Ok(())
    }

    async fn receive(&mut self) -> Result<Message, SyncError> {
        if let Some(message) = self.pending.take() {
            return Ok(message);
        }
        let Some(incoming) = self.incoming.as_mut() else {
            // Not admitted yet: one small message, read here.
            let read_half = self.unadmitted.as_mut().expect("a link not admitted still has its reading half");
            return match message::read_first_frame(read_half, HANDSHAKE_BYTES).await {
                Ok(Some(frame)) => {
                    self.report.bytes_in += frame.wire_bytes as u64;
                    Ok(frame.message)
                }
                // (Closed before saying anything at all: as an older release does on another version.)
                Ok(None) if self.report.bytes_in == 0 => Err(SyncError::ClosedUnanswered),
                Err(ProtocolError::Io(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof && self.report.bytes_in == 0 =>
                {
                    Err(SyncError::ClosedUnanswered)
                }
                Ok(None) => Err(SyncError::Closed),
                Err(ProtocolError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(SyncError::Closed),
                // A device of another version: told so in a frame of this one, which it refuses in words of
                // its own ("the other device runs a newer Sprintdesk …: update this one"), as this one does.
                Err(error @ ProtocolError::Version { found }) => {
                    let reason = format!(
                        "protocol version {found} refused: the device there speaks {}; update Sprintdesk",
                        message::PROTOCOL_VERSION
                    );
                    // (Not waited on for long: the refusal is the error, whether or not it is read.)
                    let _ = tokio::time::timeout(Duration::from_secs(2), self.deny(&reason)).await;
                    Err(error.into())
                }
                Err(error) => Err(error.into()),
            };
        };
        match incoming.recv().await {
            Some(Ok((message, received, size, _taken))) => {
                self.report.bytes_in += size as u64;
                self.received = received;
                Ok(message)
            }
            Some(Err(ProtocolError::Io(e))) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(SyncError::Closed),
            Some(Err(error)) => Err(error.into()),
            None => Err(SyncError::Closed),
        }
    }

    /// The records of a `changes` message just taken: those its reading task hashed, or its own.
    fn records_of(&mut self, changes: Vec<Change>) -> Received {
        // (Whatever reads a `changes` message off the queue takes its records here, before the next.)
        debug_assert!(changes.is_empty() || self.received.is_none(), "a batch's hashed records left behind");
        match self.received.take() {
            Some(received) if changes.is_empty() => received,
            _ => Received::new(changes),
        }
    }

    /// A message that has already arrived, without waiting.
    fn try_receive(&mut self) -> Result<Option<Message>, SyncError> {
        if let Some(message) = self.pending.take() {
            return Ok(Some(message));
        }
        let Some(incoming) = self.incoming.as_mut() else { return Ok(None) };
        match incoming.try_recv() {
            Ok(item) => {
                let (message, received, size, _taken) = item?;
                self.report.bytes_in += size as u64;
                self.received = received;
                Ok(Some(message))
            }
            Err(_) => Ok(None),
        }
    }

    async fn receive_within(&mut self, limit: Duration) -> Result<Message, SyncError> {
        tokio::time::timeout(limit, self.receive()).await.map_err(|_| SyncError::Silent)?
    }

    async fn deny(&mut self, reason: &str) {
        self.deny_with(reason, None).await;
    }

    async fn deny_with(&mut self, reason: &str, revocation: Option<RevocationProof>) {
        let _ = self.send(&Message::Denied { reason: reason.to_owned(), revocation: revocation.map(Box::new) }).await;
    }
}

impl<S> Drop for Link<S> {
    fn drop(&mut self) {
        if let Some(reader) = &self.reader {
            reader.abort();
        }
    }
}

fn hello(replica: &Replica) -> Result<Message, SyncError> {
    Ok(Message::Hello {
        device: replica.device().clone(),
        vector: replica.vector()?,
        now: replica.now(),
        listen: replica.listen_port(),
        own_only: !replica.relays_others()?,
        grant: replica.own_grant()?,
    })
}

/// Told who the other side is, once it is admitted, and the port it listens on.
pub type OnPeer<'a> = &'a mut (dyn FnMut(&DeviceId, Option<u16>) + Send);

fn check(replica: &Replica, authority: &Authority, device: &DeviceId, grant: Option<&Grant>) -> Result<(), SyncError> {
    let Authority::Certificate(fingerprint) = authority else { return Ok(()) };
    match replica.admission(device, fingerprint, grant)? {
        Admission::Paired(_) | Admission::Vouched(_) => Ok(()),
        Admission::Unknown => Err(SyncError::NotPaired),
        Admission::Revoked => Err(SyncError::Revoked),
    }
}

/// How a revoked device's refusal begins (the device notes it: [`Replica::note_revoked`]).
pub const REVOKED_WORDS: &str = "an organizer revoked this device";

/// What a revoked device is told: that it was revoked (it used to hear "not paired"), and how many of its
/// own records, never synced, the venue will not take (`has`: what it says it holds).
fn revoked_words(replica: &Replica, device: &DeviceId, has: &VersionVector) -> String {
    let local = replica.vector().unwrap_or_default();
    let unsynced: u64 = has
        .iter()
        .filter(|(origin, _)| device_of(origin.as_str()) == device.as_str())
        .map(|(origin, seq)| seq.saturating_sub(local.get(origin)))
        .sum();
    revoked_words_for(unsynced)
}

/// The proof, for a revoked device that says it holds `has`, of the record that revoked it.
fn revocation_proof(replica: &Replica, device: &DeviceId, has: &VersionVector) -> Option<RevocationProof> {
    replica
        .store()
        .revocation_proof(device.as_str(), has)
        .inspect_err(|error| tracing::warn!(%error, %device, "could not prove a revocation to the device"))
        .ok()
        .flatten()
}

/// What a revoked device is told, with how many of its records the venue lacks.
fn revoked_words_for(unsynced: u64) -> String {
    let lost = match unsynced {
        0 => String::new(),
        1 => "; the 1 record it holds that the venue lacks is not taken".into(),
        n => format!("; the {n} records it holds that the venue lacks are not taken"),
    };
    format!(
        "{REVOKED_WORDS}: the venue takes nothing more from it{lost}. An organizer can pair it again from a new, empty database"
    )
}

/// The words a revoked device is noted with, from a peer's refusal: only a refusal worded exactly as
/// [`revoked_words`] words one counts, and the note is made again from the count alone. A paired device's
/// owner could word a refusal as they liked ("… call this number and read them the PIN"), and it stood on
/// every screen of the device it refused.
fn revoked_note(reason: &str) -> Option<String> {
    let count = reason
        .split_once("; the ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    let words = revoked_words_for(count);
    (words == reason).then_some(words)
}

/// The connecting side of a sync session.
pub async fn initiate<S>(replica: &Replica, stream: S, authority: Authority, mode: Mode) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    initiate_tracked(replica, stream, authority, mode, &mut |_, _| {}).await
}

/// [`initiate`], telling `on_peer` who answered once it is admitted.
pub async fn initiate_tracked<S>(
    replica: &Replica,
    stream: S,
    authority: Authority,
    mode: Mode,
    on_peer: OnPeer<'_>,
) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let mut link = Link::new(stream);
    start_as_initiator(replica, &mut link, &authority, mode, on_peer, None).await
}

/// `joining`: the device a join was let in by and its certificate's fingerprint, whose grant (in its hello)
/// is kept until the join finishes ([`sprintdesk_store::Store::keep_joining_grant`]).
async fn start_as_initiator<S>(
    replica: &Replica,
    link: &mut Link<S>,
    authority: &Authority,
    mode: Mode,
    on_peer: OnPeer<'_>,
    joining: Option<(&DeviceId, &str)>,
) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    link.send(&hello(replica)?).await?;
    match link.receive_within(HANDSHAKE_TIMEOUT).await? {
        Message::Hello { device, vector, now, listen, own_only, grant } => {
            check(replica, authority, &device, grant.as_ref())?;
            if let (Some((organizer, fingerprint)), Some(grant)) = (joining, &grant)
                && *organizer == device
            {
                replica.store().keep_joining_grant(&device, grant, fingerprint)?;
            }
            link.admit();
            // Admitted by a device of the venue: a revocation noted before is not what this one says.
            replica.forget_revoked();
            on_peer(&device, listen);
            let peer = Peer { device, has: vector, now, own_only, grant };
            exchange(replica, link, authority, mode, peer).await
        }
        Message::Denied { reason, revocation } => {
            // Revoked: noted, for this device's screens to say (nothing else tells it); and, once the
            // organizer's own record proves it, no more writes are taken here.
            if let Some(note) = revoked_note(&reason) {
                replica.note_revoked(&note);
            }
            if let Some(proof) = revocation {
                replica.take_revocation_proof(&proof);
            }
            Err(SyncError::Denied(reason))
        }
        other => Err(SyncError::Unexpected(format!("expected hello, got {}", kind(&other)))),
    }
}

/// The listening side of a session: admits a paired device, or pairs a joining one, then syncs live until
/// the other side leaves.
pub async fn respond<S>(replica: &Replica, stream: S, authority: Authority) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    respond_tracked(replica, stream, authority, &|| true, &mut |_, _| {}).await
}

/// [`respond`], telling `on_peer` who connected once it is admitted. A join is looked at only while
/// `joins_open` says so (its address is not locked out for wrong codes); a paired device's hello always is.
pub async fn respond_tracked<S>(
    replica: &Replica,
    stream: S,
    authority: Authority,
    joins_open: &(dyn Fn() -> bool + Sync),
    on_peer: OnPeer<'_>,
) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let mut link = Link::new(stream);
    let mut joined = false;
    loop {
        match link.receive_within(HANDSHAKE_TIMEOUT).await? {
            Message::Hello { device, vector, now, listen, own_only, grant } => {
                if let Err(error) = check(replica, &authority, &device, grant.as_ref()) {
                    let (reason, revocation) = match error {
                        SyncError::Revoked => {
                            (revoked_words(replica, &device, &vector), revocation_proof(replica, &device, &vector))
                        }
                        _ => (
                            "this device is not paired with the venue; join with a code from an organizer".into(),
                            None,
                        ),
                    };
                    link.deny_with(&reason, revocation).await;
                    return Err(error);
                }
                link.admit();
                on_peer(&device, listen);
                link.send(&hello(replica)?).await?;
                let peer = Peer { device, has: vector, now, own_only, grant };
                return exchange(replica, &mut link, &authority, Mode::Live, peer).await;
            }
            Message::Join { device, name, role, key, proof } if !joined => {
                let Authority::Certificate(fingerprint) = &authority else {
                    return Err(SyncError::Unexpected("a join without a certificate".into()));
                };
                if !joins_open() {
                    link.deny(&crate::JoinRefusal::LockedOut.reason()).await;
                    return Err(SyncError::JoinRefused(crate::JoinRefusal::LockedOut));
                }
                let joining = Joining { device: &device, fingerprint, name: &name, role, key: &key, proof: &proof };
                match replica.admit_joining(&joining)? {
                    Ok(Welcome { venue, venue_secret, proof }) => {
                        tracing::info!(%device, %name, "a device joined the venue");
                        let welcome = Message::Welcome { device: replica.device().clone(), venue, venue_secret, proof };
                        link.send(&welcome).await?;
                        link.report.joined = true;
                        joined = true;
                    }
                    Err(refusal) => {
                        link.deny(&refusal.reason()).await;
                        return Err(SyncError::JoinRefused(refusal));
                    }
                }
            }
            other => {
                link.deny("this device is not paired with the venue").await;
                return Err(SyncError::Unexpected(format!("expected hello, got {}", kind(&other))));
            }
        }
    }
}

/// Joins a venue: proves knowledge of `code` to the device at the other end, checks its proof in turn,
/// then syncs everything once. `own` and `organizer` are the two certificate fingerprints. `on_admitted` is
/// told the organizer's device as soon as it has let this one in (before the records, which may break off).
pub async fn join<S>(
    replica: &Replica,
    stream: S,
    code: &str,
    fingerprints: (&str, &str),
    name: &str,
    role: Option<DeviceRole>,
    on_admitted: OnPeer<'_>,
) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    use crate::pairing::{Side, proof, same_proof};
    let (own, organizer) = fingerprints;
    let mut link = Link::new(stream);
    let key = replica.store().record_key()?;
    let message = Message::Join {
        device: replica.device().clone(),
        name: name.to_owned(),
        role,
        proof: proof(code, Side::Joining, own, organizer, &key),
        key,
    };
    link.send(&message).await?;
    match link.receive_within(HANDSHAKE_TIMEOUT).await? {
        Message::Welcome { device, venue, venue_secret, proof: theirs } => {
            if !same_proof(&theirs, &proof(code, Side::Organizer, own, organizer, &venue)) {
                return Err(SyncError::Impostor);
            }
            // The organizer is trusted from here: it proved it showed the code, and vouched for the venue's
            // key, which this device pins before it takes anything. Every record that arrives must then
            // prove its author, the organizer's own included (its grant arrives with its first records).
            let secret = venue_secret.as_deref().map(|hex| sprintdesk_store::trust::unhex(hex).unwrap_or_default());
            replica.store().pin_venue(&venue, secret.as_deref())?;
            // Until the first sync finishes, the device is marked as joining: cut off, it may join again.
            replica.store().set_join_unfinished(true)?;
            on_admitted(&device, None);
            let joining = Some((&device, organizer));
            let report =
                start_as_initiator(replica, &mut link, &Authority::Trusted, Mode::OneShot, &mut |_, _| {}, joining)
                    .await?;
            debug_assert_eq!(report.peer, device);
            // Joined only once this device can sync again: it holds the venue's word for the organizer.
            if !replica.store().trust()?.admits(device.as_str(), organizer) {
                let why = match report.refused_here.first() {
                    Some(first) => format!(
                        "the organizer's records are stamped {} in this device's future: set the clock right on the \
                         device that is wrong and sync again",
                        minutes(first.ahead_ms)
                    ),
                    None => "it did not send its entry".to_owned(),
                };
                return Err(SyncError::JoinIncomplete(why));
            }
            replica.store().set_join_unfinished(false)?;
            Ok(report)
        }
        Message::Denied { reason, .. } => Err(SyncError::Denied(reason)),
        other => Err(SyncError::Unexpected(format!("expected welcome, got {}", kind(&other)))),
    }
}

fn kind(message: &Message) -> &'static str {
    match message {
        Message::Hello { .. } => "hello",
        Message::Changes { .. } => "changes",
        Message::Have { .. } => "have",
        Message::Peers { .. } => "peers",
        Message::Refused { .. } => "refused",
        Message::Untrusted { .. } => "untrusted",
        Message::Join { .. } => "join",
        Message::Welcome { .. } => "welcome",
        Message::Denied { .. } => "denied",
        Message::Bye {} => "bye",
    }
}

/// The other side of a session, as its hello described it.
struct Peer {
    device: DeviceId,
    has: VersionVector,
    now: Timestamp,
    own_only: bool,
    /// The venue's grant it carried in its hello (see [`Message::Hello`]).
    grant: Option<Grant>,
}

async fn exchange<S>(
    replica: &Replica,
    link: &mut Link<S>,
    authority: &Authority,
    mode: Mode,
    peer: Peer,
) -> Result<Report, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let Peer { device: peer, has: peer_has, now: peer_now, own_only, grant: carried } = peer;
    // Its role as the allow-list here says, or as the grant it carried does until its entry arrives.
    let carried_role = replica.vouched_role(&peer, carried.as_ref());
    let peer_role = || replica.role_of(peer.as_str()).or(carried_role);
    // A kiosk, a board, or a device that erased alone passes on only its own records.
    let peer_own_only = own_only || peer_role().is_some_and(|role| !sprintdesk_store::trust::relays_others(role));
    if &peer == replica.device() {
        return Err(SyncError::Unexpected("connected to itself".into()));
    }
    link.report.peer = peer.clone();
    link.report.offset_ms = peer_now.0.saturating_sub(replica.now().0);
    if link.report.offset_ms.abs() > SKEW_WARNING_MS {
        tracing::warn!(%peer, offset_ms = link.report.offset_ms, "a peer's clock is off from this device's");
    }
    let mut progress = Progress {
        sent: peer_has.clone(),
        peer_has,
        refused: BTreeSet::new(),
        peer_now: (peer_now, Instant::now()),
        reissue_due: None,
        peer_own_only,
    };
    let expected = progress.peer_has.ahead_of(&replica.vector()?);
    if expected > 0 {
        replica.note_incoming(|incoming| {
            *incoming = crate::replica::Incoming { peer: Some(peer.clone()), received: 0, expected, done: false }
        });
    }
    let mut changed = replica.subscribe();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let mut heartbeats: u32 = 0;
    let mut silent_periods = 0;
    record_peer(replica, &link.report, &progress.peer_has, None);
    // Where this device reaches the venue's other devices, said now and again whenever it learns more.
    let mut told: Vec<(DeviceId, String)> = Vec::new();
    if matches!(authority, Authority::Certificate(_)) {
        tell_peers(replica, link, &peer, &mut told).await?;
    }
    // A revoked peer is dropped as soon as the revocation is applied here (it arrives as a change, which
    // wakes this loop): nothing more is sent to it, and nothing more it sends is applied.
    let still_admitted = || match authority {
        Authority::Certificate(_) => check(replica, authority, &peer, carried.as_ref())
            .inspect_err(|_| tracing::info!(%peer, "dropping a revoked device")),
        Authority::Trusted => Ok(()),
    };
    let result: Result<(), SyncError> = async {
        loop {
            still_admitted()?;
            // A kiosk or a board passes on only its own records.
            let local = replica.relayable_vector()?;
            let awaiting_reissue = progress.reissue_due.is_some_and(|due| Instant::now() < due);
            if mode == Mode::OneShot && !awaiting_reissue && is_complete(replica, &local, &peer, &progress)? {
                link.report.complete = true;
                link.send(&Message::Bye {}).await?;
                return Ok(());
            }
            // Once the window is full, the next batch waits for the peer to say it applied one.
            let next: Option<Batch> = if progress.in_flight() < IN_FLIGHT_RECORDS {
                plan::plan(&local, &progress.sent, BATCH_RECORDS)
                    .into_iter()
                    .find(|batch| !progress.refused.contains(&batch.origin))
            } else {
                None
            };
            if let Some(batch) = next {
                let (changes, grants) = replica.read(&batch, peer_role())?;
                // Large records go fewer to a frame: the rest are planned again from where these end.
                let (body, kept) = message::encode_batch(&changes, &grants);
                // Another device's record that no device takes (kept by a release that took one: see
                // `trust::unshareable`) is not passed on: its frame would be over what the peer reads, and end
                // every session with it. (This device's own go as they are: the peer judges them.)
                if kept <= 1
                    && sprintdesk_store::device_of(batch.origin.as_str()) != replica.device().as_str()
                    && let Some(why) = changes.first().and_then(sprintdesk_store::trust::unshareable)
                {
                    tracing::warn!(origin = %batch.origin, seq = batch.after + 1, "not sending {why}");
                    progress.refused.insert(batch.origin.clone());
                    continue;
                }
                let upto = changes[..kept].last().map_or(batch.after, |change| change.seq);
                link.report.sent += kept as u64;
                link.send_body(body).await?;
                progress.sent.set(batch.origin, upto);
                // Read what has arrived before the next batch, without waiting for more.
                while let Some(message) = link.try_receive()? {
                    silent_periods = 0;
                    still_admitted()?;
                    if handle(replica, link, message, &mut progress).await? {
                        return Ok(());
                    }
                }
                continue;
            }
            tokio::select! {
                message = link.receive() => {
                    silent_periods = 0;
                    still_admitted()?;
                    if handle(replica, link, message?, &mut progress).await? {
                        return Ok(());
                    }
                }
                _ = changed.changed() => {}
                _ = heartbeat.tick() => {
                    silent_periods += 1;
                    if silent_periods > 3 {
                        return Err(SyncError::Silent);
                    }
                    heartbeats = heartbeats.wrapping_add(1);
                    replica.settle();
                    if heartbeats.is_multiple_of(RETRY_REFUSED_EVERY) {
                        progress.offer_refused_again();
                    }
                    link.send(&Message::Have { vector: replica.vector()? }).await?;
                    if matches!(authority, Authority::Certificate(_)) && heartbeats.is_multiple_of(RECORD_PEER_EVERY) {
                        tell_peers(replica, link, &peer, &mut told).await?;
                    }
                    // `peers` and the Devices page say when each device was last seen and what it lacks:
                    // kept fresh while a session lasts (it lasts all day), not only at its start and end.
                    // (Only while it is heard from: a silent peer is not "seen now".)
                    if heartbeats.is_multiple_of(RECORD_PEER_EVERY) && silent_periods <= 1 {
                        record_peer(replica, &link.report, &progress.peer_has, None);
                    }
                }
            }
        }
    }
    .await;
    replica.settle();
    replica.note_incoming(|incoming| {
        if incoming.peer.as_ref() == Some(&peer) {
            incoming.done = true;
        }
    });
    let local = replica.relayable_vector().unwrap_or_default();
    link.report.complete = link.report.complete || is_complete(replica, &local, &peer, &progress).unwrap_or(false);
    let problem = result.as_ref().err().map(ToString::to_string);
    record_peer(replica, &link.report, &progress.peer_has, problem);
    match result {
        Ok(()) | Err(SyncError::Closed) if mode == Mode::Live => Ok(link.report.clone()),
        Ok(()) => Ok(link.report.clone()),
        Err(error) => Err(error),
    }
}

/// Whether a session with `peer` is over: it holds what this device passes on (`sends`), and this device
/// holds what it passes on (a kiosk or a board passes on only its own records).
fn is_complete(
    replica: &Replica,
    sends: &VersionVector,
    peer: &DeviceId,
    progress: &Progress,
) -> Result<bool, SyncError> {
    let holds = replica.vector()?;
    let they_send: VersionVector = if progress.peer_own_only {
        progress
            .peer_has
            .iter()
            .filter(|(origin, _)| sprintdesk_store::device_of(origin.as_str()) == peer.as_str())
            .map(|(origin, seq)| (origin.clone(), seq))
            .collect()
    } else {
        progress.peer_has.clone()
    };
    Ok(plan::complete_between((sends, &holds), (&they_send, &progress.peer_has), &progress.refused))
}

/// Where a session stands with its peer.
struct Progress {
    /// What the peer last said it holds.
    peer_has: VersionVector,
    /// What the peer holds or has been sent.
    sent: VersionVector,
    /// Origins whose records one side refused as stamped in its future: not sent or waited for, until
    /// offered again.
    refused: BTreeSet<DeviceId>,
    /// The peer's clock when it said hello, and when that was here.
    peer_now: (Timestamp, Instant),
    /// Records of the peer's own were refused here as stamped in the future while the two clocks agree: the
    /// peer's clock ran fast and has been put right, so it issues them again (see `reissue_if_put_right`).
    /// A one-shot sync waits for that until this moment.
    reissue_due: Option<Instant>,
    /// The peer passes on only its own records: only those are taken from it or waited for.
    peer_own_only: bool,
}

impl Progress {
    /// Records sent that the peer has not said it holds, of origins it has not refused.
    fn in_flight(&self) -> u64 {
        self.sent
            .iter()
            .filter(|(origin, _)| !self.refused.contains(*origin))
            .map(|(origin, seq)| seq.saturating_sub(self.peer_has.get(origin)))
            .sum()
    }

    /// The peer's clock now, as it runs on from its hello.
    fn peer_now(&self) -> Timestamp {
        let (said, at) = self.peer_now;
        Timestamp(said.0.saturating_add(i64::try_from(at.elapsed().as_millis()).unwrap_or(i64::MAX)))
    }

    /// Refused records are offered again, in case a clock has been put right (or time caught up with them).
    fn offer_refused_again(&mut self) {
        for origin in std::mem::take(&mut self.refused) {
            self.sent.set(origin.clone(), self.peer_has.get(&origin));
        }
    }
}

/// The peer refused records of this device's own as stamped over an hour in its future. If its clock and
/// this device's agree, this device's clock ran fast and has been put right: what it stamped meanwhile is
/// issued again with the right time (see [`sprintdesk_store::Store::reissue_future_changes`]), and what
/// its retired origins keep is offered again. Returns whether it was.
fn reissue_if_put_right<S>(replica: &Replica, link: &mut Link<S>, progress: &mut Progress) -> Result<bool, SyncError> {
    if progress.peer_now().0.saturating_sub(replica.now().0).abs() > SKEW_WARNING_MS {
        return Ok(false);
    }
    let Some(reissue) = replica.reissue_future_changes()? else { return Ok(false) };
    for (origin, _) in &reissue.retired {
        progress.refused.remove(origin);
        progress.sent.set(origin.clone(), progress.peer_has.get(origin));
    }
    link.report.refused_by_peer.retain(|(origin, _)| !reissue.retired.iter().any(|(retired, _)| retired == origin));
    link.report.reissued = Some(reissue);
    Ok(true)
}

/// Handles one message mid-session. Returns whether the session is over.
async fn handle<S>(
    replica: &Replica,
    link: &mut Link<S>,
    message: Message,
    progress: &mut Progress,
) -> Result<bool, SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    match message {
        Message::Changes { changes, mut grants } => {
            let mut batch = link.records_of(changes);
            // Batches that have arrived meanwhile are applied with this one, in one transaction.
            while batch.len() < APPLY_TOGETHER_RECORDS {
                match link.try_receive()? {
                    Some(Message::Changes { changes: more, grants: more_grants }) => {
                        if batch.len() <= BATCH_RECORDS as usize {
                            batch.reserve(APPLY_TOGETHER_RECORDS.saturating_sub(batch.len()));
                        }
                        batch.append(link.records_of(more));
                        grants.extend(more_grants);
                    }
                    Some(other) => {
                        link.pending = Some(other);
                        break;
                    }
                    None => break,
                }
            }
            // A kiosk or a board holds some fields cleared: only its own records are taken from it.
            let sender = link.report.peer.clone();
            if progress.peer_own_only {
                batch.retain(|c| sprintdesk_store::device_of(c.origin.as_str()) == sender.as_str());
            }
            let outcome = replica.apply_received(&batch, &grants, &sender)?;
            let changes = batch.changes();
            // The peer holds what it sends.
            for change in changes {
                if change.seq > progress.peer_has.get(&change.origin) {
                    progress.peer_has.set(change.origin.clone(), change.seq);
                }
            }
            link.report.received += outcome.applied as u64;
            let (peer, received) = (&link.report.peer, link.report.received);
            replica.note_incoming(|incoming| {
                if incoming.peer.as_ref() == Some(peer) {
                    incoming.received = received;
                    incoming.expected = incoming.expected.max(received);
                }
            });
            if outcome.unproven > 0 || !outcome.forbidden.is_empty() {
                link.report.unproven += outcome.unproven as u64;
                // An origin whose records could not be proven is not waited for: it comes again with its proof.
                let held = replica.vector()?;
                let mut untrusted: Vec<(DeviceId, u64)> = Vec::new();
                for change in changes.iter().filter(|c| c.seq > held.get(&c.origin)) {
                    if progress.refused.insert(change.origin.clone()) {
                        untrusted.push((change.origin.clone(), change.seq));
                    }
                }
                for (origin, seq) in untrusted {
                    link.send(&Message::Untrusted { origin, seq }).await?;
                }
                for refusal in outcome.forbidden.iter().take(20 - link.report.forbidden.len().min(20)) {
                    link.report.forbidden.push(refusal.clone());
                }
            }
            // A retirement taken here ends what this session held against the origin it retires.
            let taken = |c: &&Change| !outcome.refused.iter().any(|r| r.origin == c.origin && r.seq <= c.seq);
            for retirement in changes.iter().filter(|c| c.entity == Entity::Retirement).filter(taken) {
                link.report.refused_here.retain(|held| held.origin.as_str() != retirement.entity_id);
                progress.refused.retain(|origin| origin.as_str() != retirement.entity_id);
                if device_of(&retirement.entity_id) == link.report.peer.as_str() {
                    progress.reissue_due = None;
                }
            }
            let clocks_agree = progress.peer_now().0.saturating_sub(replica.now().0).abs() <= SKEW_WARNING_MS;
            if clocks_agree && outcome.refused.iter().any(|r| device_of(r.origin.as_str()) == link.report.peer.as_str())
            {
                progress.reissue_due = Some(Instant::now() + REISSUE_WAIT);
            }
            for refused in outcome.refused {
                if progress.refused.insert(refused.origin.clone()) {
                    let message = Message::Refused {
                        origin: refused.origin.clone(),
                        seq: refused.seq,
                        ahead_ms: refused.ahead_ms,
                    };
                    link.send(&message).await?;
                }
                if !link.report.refused_here.iter().any(|held| held.origin == refused.origin) {
                    link.report.refused_here.push(refused);
                }
            }
            link.send(&Message::Have { vector: replica.vector()? }).await?;
            // A bootstrap's batches (thousands of records' strings and values) are freed on another thread:
            // this one applies the next.
            if batch.len() >= BATCH_RECORDS as usize {
                tokio::task::spawn_blocking(move || drop(batch));
            }
            Ok(false)
        }
        Message::Have { vector } => {
            progress.sent.raise_to(&vector);
            progress.peer_has = vector;
            Ok(false)
        }
        Message::Refused { origin, ahead_ms, .. } => {
            tracing::warn!(%origin, ahead_ms, peer = %link.report.peer, "the peer refused records stamped in its future");
            progress.refused.insert(origin.clone());
            match link.report.refused_by_peer.iter_mut().find(|(held, _)| held == &origin) {
                Some(held) => held.1 = ahead_ms,
                None => link.report.refused_by_peer.push((origin.clone(), ahead_ms)),
            }
            if device_of(origin.as_str()) == replica.device().as_str() {
                reissue_if_put_right(replica, link, progress)?;
            }
            Ok(false)
        }
        Message::Untrusted { origin, seq } => {
            tracing::warn!(%origin, seq, peer = %link.report.peer, "the peer refused records it could not prove");
            progress.refused.insert(origin.clone());
            if !link.report.untrusted_by_peer.iter().any(|(held, _)| held == &origin) {
                link.report.untrusted_by_peer.push((origin, seq));
            }
            Ok(false)
        }
        Message::Peers { peers } => {
            replica.learn_addresses(&peers, &link.report.peer);
            Ok(false)
        }
        Message::Bye {} => Ok(true),
        Message::Denied { reason, .. } => Err(SyncError::Denied(reason)),
        other => Err(SyncError::Unexpected(format!("{} in the middle of a sync", kind(&other)))),
    }
}

/// Tells `peer` where this device reaches the venue's other devices, if that changed since it was last told
/// (`told`).
async fn tell_peers<S>(
    replica: &Replica,
    link: &mut Link<S>,
    peer: &DeviceId,
    told: &mut Vec<(DeviceId, String)>,
) -> Result<(), SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let peers = replica.addresses_to_tell(peer)?;
    if !peers.is_empty() && &peers != told {
        link.send(&Message::Peers { peers: peers.clone() }).await?;
        *told = peers;
    }
    Ok(())
}

fn record_peer(replica: &Replica, report: &Report, peer_has: &VersionVector, problem: Option<String>) {
    let local = replica.vector().unwrap_or_default();
    let mut problems: Vec<String> = problem.into_iter().collect();
    if report.offset_ms.abs() > SKEW_WARNING_MS {
        let direction = if report.offset_ms > 0 { "ahead of" } else { "behind" };
        problems.push(format!("its clock is {} {direction} this device's", minutes(report.offset_ms)));
    }
    for (origin, ahead_ms) in &report.refused_by_peer {
        problems.push(format!("it refused {origin}'s changes, stamped {} in its future", minutes(*ahead_ms)));
    }
    if let Some((origin, seq, why)) = report.forbidden.first() {
        let more = report.forbidden.len() - 1;
        let more = if more > 0 { format!(" (and {more} more)") } else { String::new() };
        problems.push(format!("it sent a record this device refused: {origin}#{seq}, {why}{more}"));
    }
    for (origin, seq) in &report.untrusted_by_peer {
        problems.push(format!("it refused {origin}'s records from #{seq}: nothing proved {origin} wrote them"));
    }
    if report.unproven > 0 {
        problems
            .push(format!("{} of its records came without their author's proof and were left out", report.unproven));
    }
    if let Some(first) = report.refused_here.first() {
        problems.push(format!(
            "{}'s changes were refused here, stamped {} in the future",
            first.origin,
            minutes(first.ahead_ms)
        ));
    }
    replica.remember_peer(&PeerRecord {
        device: report.peer.clone(),
        address: None,
        last_seen: Some(replica.now()),
        offset_ms: Some(report.offset_ms),
        they_lack: local.ahead_of(peer_has),
        we_lack: peer_has.ahead_of(&local),
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    });
}
