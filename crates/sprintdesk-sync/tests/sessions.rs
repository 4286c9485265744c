//! Sessions over in-memory pipes: the same executor the LAN peer runs, without sockets.

use crate::support::{T0, random_op, replica};
use sprintdesk_domain::Timestamp;
use sprintdesk_store::{Hlc, MAX_AHEAD_MS};
use sprintdesk_sync::message::{self, Message};
use sprintdesk_sync::session::{self, Authority, Mode};
use sprintdesk_sync::{Replica, SyncError};
use std::sync::Arc;
use std::time::Duration;

fn write(replica: &Replica, kind: u8, a: u8, b: u8, event: &str) {
    let at = replica.now();
    replica.write(random_op(kind, a, b, event, replica.device(), at)).unwrap();
}

type Running = tokio::task::JoinHandle<Result<session::Report, SyncError>>;

/// Starts a live session between two replicas over a pipe; returns both sides' tasks.
fn live(initiator: &Arc<Replica>, responder: &Arc<Replica>) -> (Running, Running) {
    let (near, far) = tokio::io::duplex(64 * 1024);
    let (initiator, responder) = (initiator.clone(), responder.clone());
    let serving = tokio::spawn(async move { session::respond(&responder, far, Authority::Trusted).await });
    let initiating =
        tokio::spawn(async move { session::initiate(&initiator, near, Authority::Trusted, Mode::Live).await });
    (initiating, serving)
}

/// Runs a one-shot session between two replicas over a pipe; returns both sides' results.
async fn sync_once(
    initiator: &Arc<Replica>,
    responder: &Arc<Replica>,
) -> (Result<session::Report, SyncError>, Result<session::Report, SyncError>) {
    let (near, far) = tokio::io::duplex(64 * 1024);
    let responder = responder.clone();
    let serving = tokio::spawn(async move { session::respond(&responder, far, Authority::Trusted).await });
    let result = session::initiate(initiator, near, Authority::Trusted, Mode::OneShot).await;
    (result, serving.await.unwrap())
}

fn digest(replica: &Replica) -> String {
    replica.store().digest().unwrap()
}

#[tokio::test]
async fn a_one_shot_sync_brings_both_sides_level_and_relays_third_devices() {
    let (kiosk, _) = replica("kiosk", T0);
    let (desk, _) = replica("desk", T0 + 10);
    let (lead, _) = replica("lead", T0 + 20);
    for n in 0..40u8 {
        write(&kiosk, 3, n, n, &format!("k{n}"));
        write(&desk, n % 3, n, n.wrapping_mul(7), &format!("d{n}"));
    }
    write(&lead, 4, 1, 1, "l1");

    let (mine, theirs) = sync_once(&kiosk, &desk).await;
    let mine = mine.unwrap();
    assert!(mine.complete, "{mine:?}");
    assert_eq!(
        mine.sent,
        kiosk.store().changes().unwrap().iter().filter(|c| c.origin.as_str() == "kiosk").count() as u64
    );
    assert!(mine.received > 0);
    theirs.unwrap();
    assert_eq!(kiosk.vector().unwrap(), desk.vector().unwrap());
    assert_eq!(digest(&kiosk), digest(&desk));

    // The lead syncs with the desk only, and still gets what the kiosk did.
    let (from_lead, _) = sync_once(&lead, &desk).await;
    assert!(from_lead.unwrap().complete);
    assert_eq!(digest(&lead), digest(&desk));
    let kiosk_events = kiosk.store().presence_events().unwrap();
    assert_eq!(lead.store().presence_events().unwrap(), kiosk_events);
    assert_eq!(kiosk_events.len(), 40);

    // Nothing left to say: a second sync sends nothing.
    let (again, _) = sync_once(&kiosk, &desk).await;
    let again = again.unwrap();
    assert_eq!((again.sent, again.received, again.complete), (0, 1 /* the lead's claim */, true));
}

#[tokio::test]
async fn records_stamped_over_an_hour_ahead_are_refused_until_the_clock_catches_up() {
    let (desk, desk_clock) = replica("desk", T0);
    // The table lead's laptop is a day fast.
    let (lead, _) = replica("lead", T0 + 86_400_000);
    write(&lead, 3, 1, 1, "signed-in-on-fast-laptop");
    write(&desk, 0, 1, 1, "x");
    let (result, _) = sync_once(&desk, &lead).await;
    let report = result.unwrap();
    assert!(report.complete, "the sync ends, with the refusal accounted for");
    assert_eq!(report.refused_here.len(), 1);
    assert!(report.refused_here[0].ahead_ms > MAX_AHEAD_MS);
    assert!(desk.store().presence_events().unwrap().is_empty(), "nothing of the fast laptop applied");
    assert!(report.offset_ms > 23 * 3_600_000);
    let peer = desk.store().peers().unwrap().pop().unwrap();
    let problem = peer.problem.unwrap();
    assert!(problem.contains("clock is 24 h ahead of"), "{problem}");
    assert!(problem.contains("refused here"), "{problem}");

    // The desk's own clock did not jump a day.
    write(&desk, 0, 2, 2, "y");
    let newest = desk.store().changes().unwrap().iter().map(|c| c.hlc).max().unwrap();
    assert!(newest < Hlc::from_parts((T0 + MAX_AHEAD_MS) as u64, 0));

    // The lead did get the desk's records: only the future ones are held back.
    assert!(lead.vector().unwrap().get(&"desk".into()) > 0);

    // Once the desk's time reaches the stamps (or the lead's records are no longer ahead), they apply.
    desk_clock.set(Timestamp(T0 + 86_400_000));
    let (result, _) = sync_once(&desk, &lead).await;
    assert!(result.unwrap().refused_here.is_empty());
    assert_eq!(digest(&desk), digest(&lead));
    assert_eq!(desk.store().presence_events().unwrap().len(), 1);
}

#[tokio::test]
async fn a_fast_laptop_converges_at_its_first_sync_once_its_clock_is_put_right() {
    let (desk, _) = replica("desk", T0);
    let (lead, lead_clock) = replica("lead", T0 + 86_400_000);
    write(&lead, 3, 1, 1, "signed-in-on-fast-laptop");
    write(&lead, 0, 1, 1, "renamed-on-fast-laptop");
    let (result, _) = sync_once(&lead, &desk).await;
    assert!(!result.unwrap().refused_by_peer.is_empty(), "held back while the clock is a day fast");

    // Someone puts the laptop's clock right; its next sync carries everything across.
    lead_clock.set(Timestamp(T0 + 60_000));
    let (result, _) = sync_once(&lead, &desk).await;
    let report = result.unwrap();
    assert!(report.complete);
    assert!(report.refused_by_peer.is_empty(), "{:?}", report.refused_by_peer);
    let reissue = report.reissued.expect("what it stamped a day ahead was issued again");
    assert_eq!((reissue.retired, reissue.origin.as_str()), (vec![("lead".into(), 0)], "lead~2"));
    assert_eq!(desk.vector().unwrap(), lead.vector().unwrap());
    assert_eq!(digest(&desk), digest(&lead));
    assert_eq!(desk.store().presence_events().unwrap().len(), 1, "the sign-in made while fast arrived");
    let seen = desk.store().peers().unwrap().into_iter().find(|p| p.device.as_str() == "lead").unwrap();
    assert_eq!(seen.problem, None, "the desk no longer lists the laptop as a problem");
}

#[tokio::test(start_paused = true)]
async fn a_live_session_notices_the_clock_being_put_right() {
    let (desk, _) = replica("desk", T0);
    let (lead, lead_clock) = replica("lead", T0 + 86_400_000);
    let (initiating, serving) = live(&lead, &desk);
    write(&lead, 3, 1, 1, "signed-in-on-fast-laptop");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(desk.store().presence_events().unwrap().is_empty(), "held back while the clock is a day fast");

    // The clock is put right while the session runs: refused records are offered again every minute, the
    // desk refuses them again, and this time the two clocks agree.
    lead_clock.set(Timestamp(T0 + 60_000));
    let arrived = async {
        while desk.store().presence_events().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(90), arrived).await.expect("the sign-in reached the desk");
    assert_eq!(lead.store().origin().unwrap().as_str(), "lead~2");
    initiating.abort();
    let _ = serving.await;
}

#[tokio::test]
async fn a_live_session_pushes_each_new_change_without_being_asked() {
    let (kiosk, _) = replica("kiosk", T0);
    let (board, _) = replica("board", T0);
    let (initiating, serving) = live(&kiosk, &board);
    for n in 0..5u8 {
        write(&kiosk, 3, n, 1, &format!("live-{n}"));
        let arrived = async {
            while board.store().presence_events().unwrap().len() < usize::from(n) + 1 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), arrived).await.expect("the sign-in reached the board");
    }
    initiating.abort();
    let _ = serving.await;
}

#[tokio::test]
async fn a_malformed_or_oversized_message_ends_the_session_and_changes_nothing() {
    let (desk, _) = replica("desk", T0);
    write(&desk, 0, 1, 1, "a");
    let before = digest(&desk);
    let hello = Message::Hello {
        device: "stranger".into(),
        vector: Default::default(),
        now: Timestamp(T0),
        listen: None,
        own_only: false,
        grant: None,
    };
    let garbage: Vec<(&str, Vec<u8>, &str)> = vec![
        ("oversized", vec![0x7f, 0xff, 0xff, 0xff], "over the"),
        ("not json", [&6u32.to_be_bytes()[..], &[message::PROTOCOL_VERSION, 0], b"{{{{"].concat(), "malformed"),
        (
            "bad change",
            {
                let body = br#"{"type":"changes","changes":[{"origin":"x","seq":1,"hlc":1,"entity":"attendee","entity_id":"a","field":"no_such_field","value":1}]}"#;
                [&(body.len() as u32 + 2).to_be_bytes()[..], &[message::PROTOCOL_VERSION, 0], body].concat()
            },
            "no_such_field",
        ),
    ];
    for (name, bytes, expected) in garbage {
        let (mut near, far) = tokio::io::duplex(64 * 1024);
        let serving = {
            let desk = desk.clone();
            tokio::spawn(async move { session::respond(&desk, far, Authority::Trusted).await })
        };
        message::write_message(&mut near, &hello).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut near, &bytes).await.unwrap();
        let result = tokio::time::timeout(Duration::from_secs(10), serving).await.unwrap().unwrap();
        let error = result.expect_err(name).to_string();
        assert!(error.contains(expected), "{name}: {error}");
        assert_eq!(digest(&desk), before, "{name} changed nothing");
    }
}

/// A desk holding `people` attendees' names, answering a session over a pipe whose other end (returned,
/// with the desk's task) has said hello as `who`, holding nothing.
async fn desk_greeted_by(people: u64, who: &str) -> (tokio::io::DuplexStream, Running) {
    let (desk, _) = replica("desk", T0);
    for chunk in (0..people).collect::<Vec<_>>().chunks(1_000) {
        let ops = chunk
            .iter()
            .map(|n| sprintdesk_store::Op::Set {
                entity: sprintdesk_store::Entity::Attendee,
                id: format!("a{n}"),
                field: "name",
                value: serde_json::json!(format!("Person {n}")),
            })
            .collect();
        desk.write(ops).unwrap();
    }
    let (mut near, far) = tokio::io::duplex(64 * 1024);
    let serving = tokio::spawn(async move { session::respond(&desk, far, Authority::Trusted).await });
    let hello = Message::Hello {
        device: who.into(),
        vector: Default::default(),
        now: Timestamp(T0),
        listen: None,
        own_only: false,
        grant: None,
    };
    message::write_message(&mut near, &hello).await.unwrap();
    (near, serving)
}

#[tokio::test]
async fn a_sender_waits_for_the_peer_to_apply_what_it_sent_before_sending_more() {
    // A log much larger than the window: without one, the whole log would be sent (and held by the
    // receiver, decoded, waiting to be applied) before the receiver answered once.
    let total: u64 = session::IN_FLIGHT_RECORDS * 2 + 500;
    let (mut near, serving) = desk_greeted_by(total, "slow").await;
    // Reads what arrives within `wait`; returns the records and the vector they make.
    async fn read_for(
        near: &mut tokio::io::DuplexStream,
        wait: Duration,
        held: &mut sprintdesk_store::VersionVector,
    ) -> u64 {
        let mut records = 0;
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(read) = tokio::time::timeout_at(deadline, message::read_message(near)).await {
            if let Some((Message::Changes { changes, .. }, _)) = read.unwrap() {
                records += changes.len() as u64;
                for change in changes {
                    held.set(change.origin.clone(), change.seq.max(held.get(&change.origin)));
                }
            }
        }
        records
    }
    let mut held = sprintdesk_store::VersionVector::default();
    let first = read_for(&mut near, Duration::from_millis(1_500), &mut held).await;
    assert!(first > 0, "the sender started");
    // A batch ends on its author's proof, a few records past a round thousand at most.
    let bound = session::IN_FLIGHT_RECORDS + sprintdesk_store::trust::PROOF_EVERY;
    assert!(first <= bound, "{first} records sent without an answer (window {bound})");
    // Saying what it holds opens the window again, until everything has arrived.
    let mut received = first;
    for _ in 0..10 {
        message::write_message(&mut near, &Message::Have { vector: held.clone() }).await.unwrap();
        received += read_for(&mut near, Duration::from_millis(500), &mut held).await;
        if received >= total {
            break;
        }
    }
    assert!(received >= total, "everything arrived once answered: {received} of {total}");
    serving.abort();
}

#[tokio::test]
async fn a_peer_that_floods_and_never_reads_is_made_to_wait_not_held_in_memory() {
    // The owner of a paired device can send batch after batch and never read what it is sent. The other
    // side then waits to write to it; had it gone on reading meanwhile, every batch sent would be held
    // here, decoded, until the write went through (never). What it takes in before it stops reading: its
    // queue (256 messages), the frame its reader holds, and what the pipe buffers.
    let written = flood(100 * 1024, 400).await;
    assert!(written <= 256 + 12, "the desk read {written} of 400 batches while it could not write");
}

#[tokio::test]
#[ignore = "moves 150 MiB of JSON: about 20 s in a debug build; run with --ignored"]
async fn a_flood_of_the_largest_frames_is_held_to_the_queues_bytes() {
    // Few messages, each as large as a frame may be: the queue's 144 MiB of weight (an honest window of the
    // largest frames, and one more) is what stops the reading, not its count.
    let written = flood(4 * 1024 * 1024, 60).await;
    assert!(written <= 35 + 5, "the desk read {written} of 60 batches of 4 MiB while it could not write");
}

/// A peer that says hello to a desk with more to send than the pipe holds (so the desk's sending, which
/// nobody reads, waits), then sends `frames` batches of one record whose value is `value_bytes` long
/// without reading anything. Returns how many went out before sending stalled for a second.
async fn flood(value_bytes: usize, frames: u64) -> u64 {
    let (mut near, serving) = desk_greeted_by(10_000, "flood").await;
    // A value that does not compress away (each frame is compressed alone): the pipe holds about one.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: String = (0..value_bytes / 16)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            format!("{state:016x}")
        })
        .collect();
    let mut written = 0;
    for seq in 1..=frames {
        let batch = Message::Changes {
            changes: vec![sprintdesk_store::Change {
                origin: "flood".into(),
                seq,
                hlc: Hlc::from_parts(T0 as u64, 0),
                entity: sprintdesk_store::Entity::Attendee,
                entity_id: format!("f{seq}"),
                field: "name".into(),
                value: serde_json::json!(format!("{seq} {noise}")),
                proof: None,
                cleared: None,
                salt: None,
            }],
            grants: vec![],
        };
        let sent = tokio::time::timeout(Duration::from_secs(1), message::write_message(&mut near, &batch)).await;
        if !matches!(sent, Ok(Ok(_))) {
            break; // The other side stopped reading: the flood waits.
        }
        written += 1;
    }
    serving.abort();
    written
}

/// A live session lasts all day: what `peers` says of the other device (when it was last seen, what it
/// lacks) is kept fresh while it runs. It was written only when the session began and ended, so a board
/// connected since the morning read "seen 3 h ago", lacking records it had long received.
#[tokio::test(start_paused = true)]
async fn a_live_session_keeps_the_peer_seen_and_what_it_lacks_up_to_date() {
    let (desk, desk_clock) = replica("desk", T0);
    let (board, board_clock) = replica("board", T0);
    let (initiating, serving) = live(&board, &desk);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let seen = || desk.store().peers().unwrap().into_iter().find(|p| p.device.as_str() == "board").unwrap();
    assert_eq!(seen().last_seen, Some(Timestamp(T0)));

    // Three hours of the day go by, with the desk writing as it does.
    for hour in 1..=3i64 {
        desk_clock.set(Timestamp(T0 + hour * 3_600_000));
        board_clock.set(Timestamp(T0 + hour * 3_600_000));
        write(&desk, 3, hour as u8, 1, &format!("sign-in-{hour}"));
        tokio::time::sleep(Duration::from_secs(61)).await;
    }
    let peer = seen();
    assert_eq!(board.store().presence_events().unwrap().len(), 3, "the board got every sign-in");
    assert_eq!(peer.last_seen, Some(Timestamp(T0 + 3 * 3_600_000)), "seen now, not at the session's start");
    assert_eq!(peer.they_lack, 0, "it lacks nothing");
    initiating.abort();
    let _ = serving.await;
}

/// A paired device's owner answers sessions with a refusal of their own wording, as if this device were
/// revoked: it stood on every screen of the device refused ("… call this number and read them the PIN"),
/// until the end. Only the venue's own words are noted, made again from their count, and a session a device
/// of the venue admits forgets the note.
#[tokio::test]
async fn a_refusal_worded_by_a_peer_is_not_shown_and_an_admitted_session_forgets_a_revocation() {
    let (desk, _) = replica("desk", T0);
    let (other, _) = replica("other", T0);
    let refused_with = |reason: &'static str| {
        let desk = desk.clone();
        async move {
            let (near, mut far) = tokio::io::duplex(64 * 1024);
            let fake = tokio::spawn(async move {
                message::read_message(&mut far).await.unwrap();
                message::write_message(&mut far, &Message::Denied { reason: reason.into(), revocation: None })
                    .await
                    .unwrap();
            });
            let error = session::initiate(&desk, near, Authority::Trusted, Mode::OneShot).await.unwrap_err();
            fake.await.unwrap();
            assert!(matches!(error, SyncError::Denied(_)), "{error}");
            desk.store().revoked_note().unwrap()
        }
    };
    let cases: [(&str, &str, Option<&str>); 4] = [
        (
            "worded by the peer",
            "an organizer revoked this device: call the venue IT desk on +44 20 7946 0000 and read them the PIN",
            None,
        ),
        ("not a revocation", "this device is not paired with the venue; join with a code from an organizer", None),
        (
            "the venue's words, a count",
            "an organizer revoked this device: the venue takes nothing more from it; the 3 records it holds that \
             the venue lacks are not taken. An organizer can pair it again from a new, empty database",
            Some("an organizer revoked this device: the venue takes nothing more from it; the 3 records"),
        ),
        (
            "the venue's words with more after them: not noted (the last note stands)",
            "an organizer revoked this device: the venue takes nothing more from it. An organizer can pair it \
             again from a new, empty database. Call +44 20 7946 0000",
            Some("an organizer revoked this device: the venue takes nothing more from it; the 3 records"),
        ),
    ];
    for (case, reason, noted) in cases {
        let note = refused_with(reason).await;
        match noted {
            None => assert_eq!(note, None, "{case}"),
            Some(start) => assert!(note.as_deref().is_some_and(|n| n.starts_with(start)), "{case}: {note:?}"),
        }
    }
    // A device of the venue admits the desk: the revocation it was told of is not what this one says.
    let (mine, _) = sync_once(&desk, &other).await;
    mine.unwrap();
    assert_eq!(desk.store().revoked_note().unwrap(), None, "forgotten once admitted");
}

/// Devices of two protocol versions refuse each other in words: a device's first message, in a frame of
/// another version, is refused saying both versions, and answered with a denial in a frame of this one,
/// which the other device refuses in its own words in turn. A device that closes without a word (as
/// releases before this one do) is said to, with what to do.
#[tokio::test]
async fn devices_of_two_protocol_versions_refuse_each_other_in_words() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const OURS: u8 = message::PROTOCOL_VERSION;
    async fn raw_frame(reader: &mut tokio::io::DuplexStream) -> Vec<u8> {
        let mut length = [0u8; 4];
        reader.read_exact(&mut length).await.unwrap();
        let mut body = vec![0u8; u32::from_be_bytes(length) as usize];
        reader.read_exact(&mut body).await.unwrap();
        body
    }
    fn framed(body: &[u8]) -> Vec<u8> {
        [&(body.len() as u32).to_be_bytes()[..], body].concat()
    }
    /// The denial this device sent, in a frame of its own version: the other device's version check (the
    /// first byte, since protocol 7) refuses it before reading further.
    fn denial(body: &[u8]) -> String {
        assert_eq!(body[0], OURS, "answered in this device's version");
        match message::decode(body).unwrap() {
            Message::Denied { reason, .. } => reason,
            other => panic!("expected a denial, got {other:?}"),
        }
    }
    let (desk, _) = replica("desk", T0);
    let hello = message::encode(&Message::Hello {
        device: "other".into(),
        vector: Default::default(),
        now: Timestamp(T0),
        listen: None,
        own_only: false,
        grant: None,
    });
    let hello_in = |version: u8| framed(&[&[version][..], &hello[1..]].concat());

    // An older device calls this one.
    let (mut near, far) = tokio::io::duplex(64 * 1024);
    let serving = {
        let desk = desk.clone();
        tokio::spawn(async move { session::respond(&desk, far, Authority::Trusted).await })
    };
    near.write_all(&hello_in(OURS - 1)).await.unwrap();
    let error = serving.await.unwrap().expect_err("an older device's hello").to_string();
    let expected = format!(
        "the other device runs an older Sprintdesk (protocol version {}; this one speaks {OURS}): update the other device",
        OURS - 1
    );
    assert_eq!(error, expected);
    let reason = denial(&raw_frame(&mut near).await);
    assert_eq!(
        reason,
        format!("protocol version {} refused: the device there speaks {OURS}; update Sprintdesk", OURS - 1)
    );

    // This device calls a newer one.
    let (near, mut far) = tokio::io::duplex(64 * 1024);
    let calling = {
        let desk = desk.clone();
        tokio::spawn(async move { session::initiate(&desk, near, Authority::Trusted, Mode::OneShot).await })
    };
    assert!(matches!(message::decode(&raw_frame(&mut far).await).unwrap(), Message::Hello { .. }));
    far.write_all(&hello_in(OURS + 1)).await.unwrap();
    let error = calling.await.unwrap().expect_err("a newer device's hello").to_string();
    let expected = format!(
        "the other device runs a newer Sprintdesk (protocol version {}; this one speaks {OURS}): update this one",
        OURS + 1
    );
    assert_eq!(error, expected);
    assert!(denial(&raw_frame(&mut far).await).contains(&format!("protocol version {} refused", OURS + 1)));

    // A device that closes without answering.
    let (near, mut far) = tokio::io::duplex(64 * 1024);
    let calling = {
        let desk = desk.clone();
        tokio::spawn(async move { session::initiate(&desk, near, Authority::Trusted, Mode::OneShot).await })
    };
    raw_frame(&mut far).await;
    drop(far);
    let error = calling.await.unwrap().expect_err("closed without an answer");
    assert!(matches!(error, SyncError::ClosedUnanswered), "{error}");
    assert!(error.to_string().contains("update the older one"), "{error}");
}

/// A join cut off after the organizer's welcome ends as "closed": that device spoke this version, so the
/// words for one that closes without answering (perhaps another version) are not said.
#[tokio::test]
async fn a_join_cut_off_after_the_welcome_is_closed_not_unanswered() {
    use sprintdesk_domain::DeviceRole;
    use sprintdesk_sync::pairing::{self, Side};
    let (joining, _) = replica("new", T0);
    let (organizer, _) = replica("desk", T0);
    let venue = organizer.store().create_venue().unwrap();
    let code = pairing::new_code();
    let (own, theirs) = ("a1".repeat(32), "b2".repeat(32));
    let (near, mut far) = tokio::io::duplex(64 * 1024);
    let joined = {
        let (code, own, theirs) = (code.clone(), own.clone(), theirs.clone());
        tokio::spawn(async move {
            let fingerprints = (own.as_str(), theirs.as_str());
            session::join(&joining, near, &code, fingerprints, "Door", Some(DeviceRole::Kiosk), &mut |_, _| {}).await
        })
    };
    let first = message::read_frame(&mut far).await.unwrap().unwrap().message;
    assert!(matches!(first, Message::Join { .. }), "{first:?}");
    let proof = pairing::proof(&code, Side::Organizer, &own, &theirs, &venue);
    let welcome = Message::Welcome { device: "desk".into(), venue, venue_secret: None, proof };
    message::write_message(&mut far, &welcome).await.unwrap();
    let hello = message::read_frame(&mut far).await.unwrap().unwrap().message;
    assert!(matches!(hello, Message::Hello { .. }), "{hello:?}");
    drop(far);
    let error = joined.await.unwrap().expect_err("cut off after the welcome");
    assert!(matches!(error, SyncError::Closed), "{error}");
}
