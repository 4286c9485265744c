//! The LAN link over real sockets on 127.0.0.1: pairing, live sync, and what strangers, impostors and
//! revoked devices get (nothing) and change (nothing).

use crate::support::{T0, random_op};
use sprintdesk_domain::{DeviceRole, Timestamp};
use sprintdesk_store::{Entity, EveryoneErased, Op, Store};
use sprintdesk_sync::peer::{self, PeerOptions};
use sprintdesk_sync::session::{self, Authority, Mode};
use sprintdesk_sync::{Clock, FixedClock, Replica, SyncError, message, tls};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

fn device(id: &str) -> Arc<Replica> {
    let clock = Arc::new(FixedClock::new(Timestamp(T0)));
    Arc::new(Replica::new(Store::open_in_memory(id.into()).unwrap(), clock))
}

/// An organizer device serving on a free port, with a few records and its own allow-list entry.
async fn organizer() -> (Arc<Replica>, String, tokio::sync::watch::Sender<bool>) {
    let desk = device("desk");
    desk.enrol_self("Organizer desk", DeviceRole::Organizer).unwrap();
    for n in 0..5u8 {
        desk.write(random_op(0, n, n, "x", desk.device(), Timestamp(T0))).unwrap();
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let serving = desk.clone();
    let options = PeerOptions { connect: vec![], discovery: false };
    tokio::spawn(async move { peer::serve(serving, listener, options, stopped).await });
    (desk, address, stop)
}

fn show_code(desk: &Replica) -> String {
    let code = sprintdesk_sync::pairing::new_code();
    desk.store().add_join_code(&code, Timestamp(T0 + 600_000)).unwrap();
    code
}

/// A join code for a device of `role` (a kiosk's is [`show_code`]).
fn show_code_for(desk: &Replica, role: DeviceRole) -> String {
    let code = sprintdesk_sync::pairing::new_code();
    desk.store().add_join_code_for(&code, Timestamp(T0 + 600_000), role, None).unwrap();
    code
}

/// A live session from `device` to the peer at `address`, running until it ends.
fn live_session(device: &Arc<Replica>, address: &str) -> tokio::task::JoinHandle<Result<session::Report, SyncError>> {
    let (device, address) = (device.clone(), address.to_owned());
    tokio::spawn(async move {
        let (stream, fingerprint) = peer::connect(&device, &address).await.unwrap();
        session::initiate(&device, stream, Authority::Certificate(fingerprint), Mode::Live).await
    })
}

/// Resolves once `desk` holds a sign-in.
async fn until_a_sign_in_reaches(desk: &Replica) {
    while desk.store().presence_events().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A TLS connection that accepts any server: what a stranger's modified client would do.
async fn stranger_connection(
    identity: &sprintdesk_store::Identity,
    address: &str,
) -> (impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static, String) {
    let config = tls::client_config(identity, Arc::new(|_| true)).unwrap();
    let tcp = TcpStream::connect(address).await.unwrap();
    let stream = TlsConnector::from(config).connect(tls::server_name(), tcp).await.unwrap();
    let fingerprint = tls::peer_fingerprint(stream.get_ref().1).unwrap();
    (stream, fingerprint)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_joins_with_the_code_and_then_syncs_live() {
    let (desk, address, _stop) = organizer().await;
    let kiosk = device("kiosk");
    let code = show_code(&desk);
    let report = peer::join(&kiosk, &address, &code, "Kiosk 1", Some(DeviceRole::Kiosk)).await.unwrap();
    assert!(report.complete);
    assert_eq!(kiosk.store().digest().unwrap(), desk.store().digest().unwrap());
    let devices: Vec<sprintdesk_domain::Device> = kiosk.store().all().unwrap();
    assert_eq!(devices.len(), 2, "the kiosk learned the allow-list: {devices:?}");

    // The code worked once.
    let again = device("kiosk-2");
    let error = peer::join(&again, &address, &code, "Kiosk 2", Some(DeviceRole::Kiosk)).await.unwrap_err();
    assert!(matches!(error, SyncError::Denied(ref reason) if reason.contains("wrong, used or expired")), "{error}");

    // Now paired, the kiosk keeps a live session and the desk sees its sign-ins at once.
    let live = live_session(&kiosk, &address);
    kiosk.write(random_op(3, 1, 1, "sign-in-at-door", kiosk.device(), Timestamp(T0))).unwrap();
    let arrived = until_a_sign_in_reaches(&desk);
    tokio::time::timeout(Duration::from_secs(10), arrived).await.expect("the sign-in reached the desk");
    live.abort();
}

/// A join's bulk batches are committed without waiting for the disk, and the join makes one commit that
/// waits before it ends (`Store::settle`, noted in the file): nothing a joined device holds is left to a
/// power cut. Once joined, nothing is relaxed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_on_disk_settles_what_it_took_before_it_ends() {
    let (desk, address, _stop) = organizer().await;
    let ops: Vec<Op> =
        (0..400).flat_map(|n| random_op(3, n as u8, 0, &format!("in-{n}"), desk.device(), Timestamp(T0))).collect();
    desk.write(ops).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(Timestamp(T0)));
    let laptop = Arc::new(Replica::new(Store::open(&dir.path().join("laptop.db"), "laptop".into()).unwrap(), clock));
    let settled = |device: &Replica| device.store().local_setting("settled").unwrap();
    assert_eq!(settled(&laptop), None);
    let code = show_code_for(&desk, DeviceRole::Organizer);
    peer::join(&laptop, &address, &code, "Laptop", Some(DeviceRole::Organizer)).await.unwrap();
    assert_eq!(laptop.store().digest().unwrap(), desk.store().digest().unwrap());
    assert_eq!(settled(&laptop).as_deref(), Some("1"), "the join's batches were relaxed, then settled once");
    assert!(!laptop.store().join_unfinished().unwrap());

    // Once joined, a bulk sync waits for the disk at each commit: nothing to settle.
    let more: Vec<Op> =
        (0..400).flat_map(|n| random_op(3, n as u8, 1, &format!("out-{n}"), desk.device(), Timestamp(T0))).collect();
    desk.write(more).unwrap();
    let report = peer::sync_once(&laptop, &address).await.unwrap();
    assert!(report.received >= 400, "{report:?}");
    assert_eq!(settled(&laptop).as_deref(), Some("1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_never_takes_the_place_of_a_device_already_on_the_allow_list() {
    let (desk, address, _stop) = organizer().await;
    let kiosk = device("kiosk");
    peer::join(&kiosk, &address, &show_code(&desk), "Door kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
    let allow_list = || desk.store().all::<sprintdesk_domain::Device>().unwrap();
    let before = allow_list();
    let digest = desk.store().digest().unwrap();
    // Someone holding a fresh, valid join code claims the kiosk's id, then the organizer's own, from a
    // machine of their own (a new database: a certificate of its own).
    let mut unspent = Vec::new();
    for claimed in ["kiosk", "desk"] {
        let thief = device(claimed);
        let code = show_code(&desk);
        let error = peer::join(&thief, &address, &code, "Kiosk (new)", Some(DeviceRole::Organizer)).await.unwrap_err();
        assert!(
            matches!(error, SyncError::Denied(ref reason) if reason.contains("already on the venue's allow-list")),
            "claiming {claimed}: {error}"
        );
        assert!(thief.store().sprint().unwrap().is_none(), "claiming {claimed}: it got nothing");
        unspent.push(code);
    }
    assert_eq!(allow_list(), before, "no entry was replaced");
    assert_eq!(desk.store().digest().unwrap(), digest, "nothing changed");
    // An entry only part of which has arrived (a sync cut short) is somebody's too.
    desk.write(vec![Op::Set { entity: Entity::Device, id: "half".into(), field: "name", value: "Half".into() }])
        .unwrap();
    let error = peer::join(&device("half"), &address, &unspent[1], "Half", Some(DeviceRole::Kiosk)).await.unwrap_err();
    assert!(
        matches!(error, SyncError::Denied(ref reason) if reason.contains("already on the venue's allow-list")),
        "{error}"
    );
    // The real kiosk still syncs; the codes were not spent, so a real newcomer joins with one.
    peer::sync_once(&kiosk, &address).await.expect("the kiosk is still paired");
    // The organizer chose what each code's device is: a newcomer asking to be something else is refused,
    // and the code stays unspent; asking nothing, it becomes what the code says.
    let error = peer::join(&device("projector"), &address, &unspent[0], "Projector", Some(DeviceRole::Board))
        .await
        .unwrap_err();
    assert!(
        matches!(error, SyncError::Denied(ref reason)
            if reason.starts_with("that join code is for a kiosk, not a projector board")),
        "{error}"
    );
    peer::join(&device("door2"), &address, &unspent[0], "Door 2", None).await.unwrap();
    let door = desk.store().get::<sprintdesk_domain::Device>("door2").unwrap().expect("on the allow-list");
    assert_eq!(door.grant.map(|g| g.role), Some(DeviceRole::Kiosk));
}

/// Found by review: a device id with zero bytes in it made the venue's grant for a kiosk read as an
/// organizer's grant for another id. Such an id does not get in, and the code stays unspent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_with_an_id_sprintdesk_would_not_make_is_refused() {
    let (desk, address, _stop) = organizer().await;
    let code = show_code(&desk);
    for id in ["X\0organizer\0", "kiosk~2", "a@kiosk", "x y"] {
        let error = peer::join(&device(id), &address, &code, "Kiosk", Some(DeviceRole::Kiosk)).await.unwrap_err();
        assert!(
            matches!(error, SyncError::Denied(ref reason) if reason.contains("is not one a device can have")),
            "{id:?}: {error}"
        );
    }
    assert_eq!(desk.store().all::<sprintdesk_domain::Device>().unwrap().len(), 1, "nobody joined");
    peer::join(&device("kiosk"), &address, &code, "Door kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_impostors_and_revoked_devices_get_nothing_and_change_nothing() {
    let (desk, address, _stop) = organizer().await;
    let before = desk.store().digest().unwrap();

    // 1. An unpaired machine with its own certificate.
    let stranger = device("stranger");
    stranger.write(random_op(3, 2, 2, "stranger-sign-in", stranger.device(), Timestamp(T0))).unwrap();
    let (stream, fingerprint) = stranger_connection(&stranger.identity().unwrap(), &address).await;
    let error =
        session::initiate(&stranger, stream, Authority::Certificate(fingerprint), Mode::OneShot).await.unwrap_err();
    assert!(matches!(error, SyncError::Denied(_)), "{error}");
    // And the normal client refuses a server that is not on its allow-list before saying anything.
    assert!(peer::sync_once(&stranger, &address).await.is_err());

    // 2. A self-made certificate claiming to be a paired device.
    let kiosk = device("kiosk");
    let code = show_code(&desk);
    peer::join(&kiosk, &address, &code, "Kiosk 1", Some(DeviceRole::Kiosk)).await.unwrap();
    let after_join = desk.store().digest().unwrap();
    let impostor = device("kiosk"); // same id, different key pair
    impostor.write(random_op(3, 3, 3, "impostor-sign-in", impostor.device(), Timestamp(T0))).unwrap();
    let (stream, fingerprint) = stranger_connection(&impostor.identity().unwrap(), &address).await;
    let error =
        session::initiate(&impostor, stream, Authority::Certificate(fingerprint), Mode::OneShot).await.unwrap_err();
    assert!(matches!(error, SyncError::Denied(_)), "{error}");

    // 3. A wrong join code.
    let (stream, organizer_fp) = stranger_connection(&stranger.identity().unwrap(), &address).await;
    let own = tls::fingerprint(&stranger.identity().unwrap().cert_der);
    let error = session::join(
        &stranger,
        stream,
        "AAAAA-AAAAA",
        (&own, &organizer_fp),
        "Evil",
        Some(DeviceRole::Organizer),
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(error, SyncError::Denied(_)), "{error}");

    // 4. A revoked device: the desk revokes the kiosk, which is then refused.
    desk.write(vec![Op::Set {
        entity: Entity::Device,
        id: "kiosk".into(),
        field: "revoked",
        value: serde_json::Value::Bool(true),
    }])
    .unwrap();
    let after_revoke = desk.store().digest().unwrap();
    kiosk.write(random_op(3, 4, 4, "revoked-sign-in", kiosk.device(), Timestamp(T0))).unwrap();
    let (stream, fingerprint) = stranger_connection(&kiosk.identity().unwrap(), &address).await;
    let error =
        session::initiate(&kiosk, stream, Authority::Certificate(fingerprint), Mode::OneShot).await.unwrap_err();
    // Told in words that it was revoked (it read "not paired"), and that its sign-in since is not taken.
    let told = "an organizer revoked this device: the venue takes nothing more from it; the 1 record it holds \
                that the venue lacks is not taken";
    assert!(matches!(error, SyncError::Denied(ref reason) if reason.starts_with(told)), "{error}");
    // And it keeps those words for its screens to say.
    assert!(kiosk.store().revoked_note().unwrap().is_some_and(|note| note.starts_with(told)));
    // The refusal carried the desk's own record, which the kiosk checked: it saves nothing more, where it
    // went on acknowledging sign-ins the venue would never take.
    let kiosk_held = kiosk.store().digest().unwrap();
    let refused = kiosk.write(random_op(3, 5, 5, "after-told", kiosk.device(), Timestamp(T0))).unwrap_err();
    assert!(refused.to_string().starts_with("an organizer revoked this device (from “Organizer desk”)"), "{refused}");
    assert_eq!(kiosk.store().digest().unwrap(), kiosk_held, "nothing was written");
    // 5. The revoked kiosk asks to join again with a valid code, as itself (its own certificate and key,
    // which a device whose join was cut off may do): refused too.
    let error = peer::join(&kiosk, &address, &show_code(&desk), "Door kiosk", None).await.unwrap_err();
    assert!(matches!(error, SyncError::Denied(ref reason) if reason.contains("revoked")), "{error}");

    assert_ne!(before, after_join, "pairing did add the kiosk");
    assert_eq!(desk.store().digest().unwrap(), after_revoke, "none of them changed anything");
    assert!(desk.store().presence_events().unwrap().is_empty(), "no stranger's, impostor's or revoked sign-in");
    let stranger_has: Vec<sprintdesk_domain::Attendee> = stranger.store().all().unwrap();
    assert!(stranger_has.is_empty(), "the stranger learned no attendee");
    assert_eq!(stranger.vector().unwrap().len(), 1, "the stranger holds only its own changes");
}

/// An organizer's grant in a hello lets its device in where its entry has not arrived yet (an organizer back
/// under a new id had no other way back to the kiosks of a one-organizer venue), but only the device it
/// names, presenting the certificate it names: every device holds every grant, so a stranger can copy one
/// from a kiosk's file. Another role's grant lets no one in: a device that never heard of a lead never heard
/// of its revocation either, and a revoked lead got in and took the kiosk's sign-ins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_carried_in_a_hello_lets_in_only_the_organizer_it_names() {
    let (desk, address, stop) = organizer().await;
    let kiosk = device("kiosk");
    peer::join(&kiosk, &address, &show_code(&desk), "Kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
    let lead = device("spare");
    peer::join(&lead, &address, &show_code_for(&desk, DeviceRole::Organizer), "Spare", Some(DeviceRole::Organizer))
        .await
        .unwrap();
    let table_lead = device("lead");
    let code = show_code_for(&desk, DeviceRole::TableLead);
    peer::join(&table_lead, &address, &code, "Lead", Some(DeviceRole::TableLead)).await.unwrap();
    desk.write(vec![Op::Set { entity: Entity::Device, id: "lead".into(), field: "revoked", value: true.into() }])
        .unwrap();
    // The desk goes off the network: the kiosk cannot hear of the lead from it.
    stop.send(true).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let kiosk_address = listener.local_addr().unwrap().to_string();
    let (_stop_kiosk, stopped) = tokio::sync::watch::channel(false);
    let serving = kiosk.clone();
    tokio::spawn(async move {
        peer::serve(serving, listener, PeerOptions { connect: vec![], discovery: false }, stopped).await
    });
    let grant = lead.own_grant().unwrap().expect("the lead's grant");
    let before = kiosk.store().digest().unwrap();
    // A stranger with the spare's grant, under the spare's id and under its own, with a certificate of its own.
    for claimed in ["spare", "thief"] {
        let stranger = device(claimed);
        stranger.write(random_op(3, 7, 7, "stranger-sign-in", stranger.device(), Timestamp(T0))).unwrap();
        let (mut stream, _) = stranger_connection(&stranger.identity().unwrap(), &kiosk_address).await;
        let hello = message::Message::Hello {
            device: claimed.into(),
            vector: stranger.vector().unwrap(),
            now: Timestamp(T0),
            listen: None,
            own_only: false,
            grant: Some(grant.clone()),
        };
        message::write_message(&mut stream, &hello).await.unwrap();
        let answer = message::read_message(&mut stream).await.unwrap().map(|(m, _)| m);
        assert!(matches!(answer, Some(message::Message::Denied { .. })), "{claimed}: {answer:?}");
    }
    assert_eq!(kiosk.store().digest().unwrap(), before, "nothing taken from the strangers");
    assert!(kiosk.store().presence_events().unwrap().is_empty());
    // The table lead, revoked since (which the kiosk has not heard of either), gets nothing on its grant.
    let error = peer::sync_once(&table_lead, &kiosk_address).await.unwrap_err();
    assert!(matches!(error, SyncError::Denied(_)), "{error}");
    assert_eq!(kiosk.store().digest().unwrap(), before, "nothing taken from the revoked lead");
    // The spare organizer itself is let in on its grant, and its entry then arrives.
    assert!(kiosk.role_of("spare").is_none());
    peer::sync_once(&lead, &kiosk_address).await.expect("let in on its grant");
    assert_eq!(kiosk.role_of("spare"), Some(DeviceRole::Organizer));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_reaches_a_third_device_which_then_refuses_the_revoked_one() {
    let (desk, address, _stop) = organizer().await;
    let lead = device("lead");
    let kiosk = device("kiosk");
    peer::join(&lead, &address, &show_code_for(&desk, DeviceRole::TableLead), "Lead", Some(DeviceRole::TableLead))
        .await
        .unwrap();
    peer::join(&kiosk, &address, &show_code(&desk), "Kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
    peer::sync_once(&lead, &address).await.unwrap(); // the lead learns the kiosk is paired

    // The lead serves too; the kiosk can sync with it.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lead_address = listener.local_addr().unwrap().to_string();
    let (_stop_lead, stopped) = tokio::sync::watch::channel(false);
    let serving = lead.clone();
    tokio::spawn(async move {
        peer::serve(serving, listener, PeerOptions { connect: vec![], discovery: false }, stopped).await
    });
    peer::sync_once(&kiosk, &lead_address).await.unwrap();

    // The organizer revokes the kiosk; the revocation reaches the lead.
    desk.write(vec![Op::Set { entity: Entity::Device, id: "kiosk".into(), field: "revoked", value: true.into() }])
        .unwrap();
    peer::sync_once(&lead, &address).await.unwrap();
    let error = peer::sync_once(&kiosk, &lead_address).await.unwrap_err();
    assert!(matches!(error, SyncError::Denied(_) | SyncError::Protocol(_)), "{error}");
    // The lead passed on the desk's proof with its refusal: the kiosk takes no more sign-ins.
    let refused = kiosk.write(random_op(3, 6, 6, "after-revoked", kiosk.device(), Timestamp(T0))).unwrap_err();
    assert!(refused.to_string().contains("revoked this device"), "{refused}");
}

/// Only the organizer's own record, proven, stops a kiosk from taking writes: the owner of a paired table
/// lead's laptop, who holds its certificate and every record it holds, runs a server of their own that
/// answers the kiosk with the venue's words for a revoked device and a genuine revocation of another
/// device (or that revocation made out to the kiosk). The kiosk goes on signing people in, and the venue
/// takes what it signs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_leads_laptop_cannot_silence_a_kiosk_by_saying_it_was_revoked() {
    let (desk, address, _stop) = organizer().await;
    let (lead, kiosk, board) = (device("lead"), device("kiosk"), device("board"));
    peer::join(&lead, &address, &show_code_for(&desk, DeviceRole::TableLead), "Lead", Some(DeviceRole::TableLead))
        .await
        .unwrap();
    peer::join(&board, &address, &show_code_for(&desk, DeviceRole::Board), "Old board", Some(DeviceRole::Board))
        .await
        .unwrap();
    peer::join(&kiosk, &address, &show_code(&desk), "Kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
    desk.write(vec![Op::Set { entity: Entity::Device, id: "board".into(), field: "revoked", value: true.into() }])
        .unwrap();
    peer::sync_once(&lead, &address).await.unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lead_address = listener.local_addr().unwrap().to_string();
    let acceptor = tokio_rustls::TlsAcceptor::from(tls::server_config(&lead.identity().unwrap()).unwrap());
    let liar = lead.clone();
    tokio::spawn(async move {
        for attempt in 0.. {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut stream = acceptor.accept(tcp).await.unwrap();
            let Ok(Some((message::Message::Hello { vector, .. }, _))) = message::read_message(&mut stream).await else {
                continue;
            };
            let mut proof = liar.store().revocation_proof("board", &vector).unwrap().expect("the board's revocation");
            if attempt % 2 == 1 {
                proof.record.entity_id = "kiosk".into();
            }
            let reason = "an organizer revoked this device: the venue takes nothing more from it. An organizer can \
                          pair it again from a new, empty database";
            let denied = message::Message::Denied { reason: reason.into(), revocation: Some(Box::new(proof)) };
            let _ = message::write_message(&mut stream, &denied).await;
        }
    });
    for attempt in 0..2 {
        let error = peer::sync_once(&kiosk, &lead_address).await.unwrap_err();
        assert!(matches!(error, SyncError::Denied(_)), "attempt {attempt}: {error}");
        assert_eq!(kiosk.store().proven_revocation().unwrap(), None, "attempt {attempt}");
        kiosk
            .write(random_op(
                3,
                attempt,
                attempt,
                &format!("still-at-the-door-{attempt}"),
                kiosk.device(),
                Timestamp(T0),
            ))
            .unwrap_or_else(|e| panic!("attempt {attempt}: the kiosk stopped taking sign-ins: {e}"));
    }
    peer::sync_once(&kiosk, &address).await.expect("the kiosk is still paired");
    assert_eq!(desk.store().presence_events().unwrap().len(), 2, "the venue took both sign-ins");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_devices_open_session_exchanges_nothing_once_the_revocation_is_applied() {
    let (desk, address, _stop) = organizer().await;
    let kiosk = device("kiosk");
    peer::join(&kiosk, &address, &show_code(&desk), "Door kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
    let live = live_session(&kiosk, &address);
    // The session is live: a sign-in at the door reaches the desk.
    kiosk.write(random_op(3, 1, 1, "before-revocation", kiosk.device(), Timestamp(T0))).unwrap();
    let arrived = until_a_sign_in_reaches(&desk);
    tokio::time::timeout(Duration::from_secs(10), arrived).await.expect("the session is live");
    let from_desk =
        |replica: &Replica| replica.store().changes().unwrap().iter().filter(|c| c.origin.as_str() == "desk").count();
    let kiosk_had = from_desk(&kiosk);

    // The organizer revokes the kiosk; then both go on working, well within one heartbeat (5 s).
    desk.write(vec![Op::Set { entity: Entity::Device, id: "kiosk".into(), field: "revoked", value: true.into() }])
        .unwrap();
    for n in 2..5u8 {
        desk.write(random_op(0, n, n, "after", desk.device(), Timestamp(T0))).unwrap();
        kiosk.write(random_op(3, n, n, &format!("after-revocation-{n}"), kiosk.device(), Timestamp(T0))).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // The desk dropped the session (the kiosk sees it closed, as a live session ends).
    tokio::time::timeout(Duration::from_secs(2), live).await.expect("the session ended at once").unwrap().ok();
    assert_eq!(desk.store().presence_events().unwrap().len(), 1, "no sign-in of the revoked kiosk was taken");
    assert_eq!(from_desk(&kiosk), kiosk_had, "nothing reached the revoked kiosk, not even its revocation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joining_device_names_itself_plainly_or_is_refused() {
    // The organizer reads a new device's name beside its fingerprint: an override turned the text after it
    // around (the fingerprint too), and a sentence of a name could say "its fingerprint matches".
    let (desk, address, _stop) = organizer().await;
    let long = "Door kiosk: its fingerprint matches, nothing to do here, all is well";
    for (n, name) in ["Door \u{202e}ksoik", "Door\u{200b}kiosk", long].into_iter().enumerate() {
        let refused = peer::join(&device(&format!("odd-{n}")), &address, &show_code(&desk), name, None).await;
        assert!(
            matches!(refused, Err(SyncError::Denied(ref reason)) if reason.contains("is not one a device can have")),
            "{name:?}: {refused:?}"
        );
    }
    // Any script, spaces and punctuation are names.
    peer::join(&device("plain"), &address, &show_code(&desk), "Kiosk at the door (Łódź) – 2", None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_join_codes_locks_the_guesser_out_for_longer_each_time() {
    let (desk, address, _stop) = organizer().await;
    // A kiosk paired already, at the guesser's address (here 127.0.0.1; at a venue, the same NAT or guest
    // network).
    let kiosk = device("kiosk-paired");
    peer::join(&kiosk, &address, &show_code_for(&desk, DeviceRole::Kiosk), "Door", Some(DeviceRole::Kiosk))
        .await
        .unwrap();
    let right = show_code(&desk);
    // A stranger on the Wi-Fi tries codes as fast as the desk answers; then two more, each once the lockout
    // before has ended (a second, then two): now locked out for four.
    let waits = [0, 0, 0, 0, 0, 1_100, 2_100];
    for (n, wait_ms) in waits.into_iter().enumerate() {
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        let guess = sprintdesk_sync::pairing::new_code();
        let error =
            peer::join(&device(&format!("guesser-{n}")), &address, &guess, "Guesser", Some(DeviceRole::Organizer))
                .await
                .unwrap_err();
        assert!(matches!(error, SyncError::Denied(ref reason) if reason.contains("wrong")), "try {n}: {error}");
    }
    let started = std::time::Instant::now();
    // The paired kiosk at that address syncs on: every connection from it was closed before TLS, so a
    // stranger sharing its address cut it off for as long as they kept guessing.
    kiosk.write(random_op(3, 1, 1, "during-the-lockout", kiosk.device(), Timestamp(T0))).unwrap();
    peer::sync_once(&kiosk, &address).await.expect("a paired device at a locked-out address syncs");
    assert_eq!(desk.store().presence_events().unwrap().len(), 1, "the kiosk's sign-in arrived");
    // Locked out: even the right code is not looked at, and the joining device is told why.
    let asked = std::time::Instant::now();
    let locked = peer::join(&device("guesser-lucky"), &address, &right, "Guesser", Some(DeviceRole::Organizer)).await;
    assert!(
        matches!(locked, Err(SyncError::Denied(ref reason)) if reason.contains("too many wrong join codes")),
        "{locked:?}"
    );
    assert!(asked.elapsed() < Duration::from_secs(1), "refused at once");
    assert_eq!(desk.store().all::<sprintdesk_domain::Device>().unwrap().len(), 2, "nobody joined");
    // And the kiosk's session did not lift the lockout.
    let still = peer::join(&device("guesser-again"), &address, &right, "Guesser", Some(DeviceRole::Organizer)).await;
    assert!(
        matches!(still, Err(SyncError::Denied(ref reason)) if reason.contains("too many wrong join codes")),
        "{still:?}"
    );
    // The organizer's Devices page is told who was locked out, from where, after how many wrong codes.
    let lockouts = desk.store().lockouts(Timestamp(0)).unwrap();
    assert_eq!(lockouts.len(), 1, "{lockouts:?}");
    assert_eq!((lockouts[0].kind.as_str(), lockouts[0].source.as_str()), ("join codes", "127.0.0.1"));
    assert_eq!(lockouts[0].failures, 7);
    // After the lockout (a second, then two, four, …) the right code works, and the count starts again.
    tokio::time::sleep(Duration::from_millis(4_100).saturating_sub(started.elapsed())).await;
    peer::join(&device("kiosk"), &address, &right, "Door kiosk", Some(DeviceRole::Kiosk)).await.unwrap();
}

/// An organizer's device left running past the end of the retention period erases everyone's personal data
/// then, with no restart and no sync: a device alone after the sprint syncs with no one, and it used to keep
/// everything until its next start.
#[tokio::test(start_paused = true)]
async fn a_running_device_erases_everyone_when_the_retention_period_ends() {
    let clock = Arc::new(FixedClock::new(Timestamp(T0)));
    let desk = Arc::new(Replica::new(Store::open_in_memory("desk".into()).unwrap(), clock.clone()));
    desk.enrol_self("Organizer desk", DeviceRole::Organizer).unwrap();
    // A one-day sprint today whose personal data is kept no day after it: erased from tomorrow.
    let mut sprint = sprintdesk_domain::Sprint::new("Kept", "UTC", Timestamp(T0).to_utc().date_naive(), 1).unwrap();
    sprint.retention_days = Some(0);
    desk.write(Op::put(&sprint, None)).unwrap();
    desk.write(random_op(0, 1, 1, "x", desk.device(), Timestamp(T0))).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let serving = desk.clone();
    tokio::spawn(async move {
        peer::serve(serving, listener, PeerOptions { connect: vec![], discovery: false }, stopped).await
    });
    let erased = || desk.store().everyone_erased().unwrap();

    tokio::time::sleep(peer::RETENTION_EVERY * 3).await;
    assert_eq!(erased(), EveryoneErased::No, "the period has not ended");

    clock.advance_minutes(24 * 60);
    tokio::time::sleep(peer::RETENTION_EVERY + Duration::from_secs(1)).await;
    assert_eq!(erased(), EveryoneErased::ByTheVenue(clock.now()));
    let names: Vec<String> =
        desk.store().all::<sprintdesk_domain::Attendee>().unwrap().into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Erased person"]);
}
