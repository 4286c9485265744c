//! A device whose clock ran fast, once the clock is put back: what it stamped in the future is retired
//! and issued again with the right time, so its peers (which refuse records stamped over an hour ahead)
//! take it at once and every device converges.

use serde_json::json;
use sprintdesk_domain::{Attendee, DeviceId, EventId, PresenceEvent, PresenceKind, Role, Timestamp};
use sprintdesk_store::{Change, Entity, Op, Store, StoreError};

const T0: i64 = 1_784_000_000_000;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

fn store(device: &str) -> Store {
    Store::open_in_memory(DeviceId::from(device)).unwrap()
}

fn attendee(id: &str, name: &str) -> Attendee {
    Attendee { id: id.into(), name: name.into(), roles: vec![Role::Sprinter], ..Attendee::default() }
}

fn sign_in(id: &str, who: &str, at: i64) -> Op {
    Op::Presence(PresenceEvent {
        id: EventId::from(id),
        kind: PresenceKind::SignIn,
        attendee: who.into(),
        day: "2026-07-13".parse().unwrap(),
        project: None,
        device: "laptop".into(),
        at: Timestamp(at),
    })
}

fn rename(id: &str, name: &str) -> Op {
    Op::Set { entity: Entity::Attendee, id: id.into(), field: "name", value: json!(name) }
}

/// Everything `from` holds that `to` lacks, applied at `now`.
fn sync(from: &Store, to: &mut Store, now: i64) -> sprintdesk_store::ApplyOutcome {
    let lacking: Vec<Change> =
        from.changes().unwrap().into_iter().filter(|c| c.seq > to.vector().unwrap().get(&c.origin)).collect();
    to.apply(&lacking, Timestamp(now)).unwrap()
}

/// A laptop's database file that was written a day fast and then reissued (so it writes as `laptop~2`).
fn reissued_laptop_file(dir: &tempfile::TempDir) -> (std::path::PathBuf, Store) {
    let path = dir.path().join("sprint.db");
    let mut laptop = Store::open(&path, "laptop".into()).unwrap();
    laptop.write(Timestamp(T0 + DAY), vec![rename("a1", "Ana")]).unwrap();
    laptop.reissue_future_changes(Timestamp(T0)).unwrap().unwrap();
    (path, laptop)
}

fn name_of(store: &Store, id: &str) -> Option<String> {
    store.get::<Attendee>(id).unwrap().map(|a| a.name)
}

#[test]
fn when_a_put_back_clock_makes_a_device_issue_its_changes_again() {
    // The right time when the laptop next writes is T0 + 10 min.
    let right = T0 + 10 * MINUTE;
    // (case, how far ahead the laptop's clock ran while it wrote, its clock when it next writes,
    //  reissued?, then taken whole by a peer whose clock is right?)
    let cases = [
        ("a day fast, then put right", DAY, right, true, true),
        ("two hours fast, then put right", 2 * HOUR, right, true, true),
        ("a day fast, put right only to 90 min fast", DAY, right + 90 * MINUTE, true, false),
        ("half an hour fast: peers take that anyway", 30 * MINUTE, right, false, true),
        ("a day fast and still fast", DAY, right + DAY, false, false),
        ("a slow clock", -2 * HOUR, right, false, true),
        ("a right clock", 0, right, false, true),
    ];
    for (case, ahead, later, reissued, taken_whole) in cases {
        let mut laptop = store("laptop");
        laptop.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
        laptop.write(Timestamp(T0 + ahead), vec![rename("a1", "Ana Fast"), sign_in("e1", "a1", T0 + ahead)]).unwrap();
        let before = laptop.full_digest().unwrap();
        let events_before = laptop.presence_events().unwrap();
        let outcome = laptop.reissue_future_changes(Timestamp(later)).unwrap();
        assert_eq!(outcome.is_some(), reissued, "{case}");
        // The device shows what it showed, but for an event the fast clock timed in the future: issued
        // again, it is timed now (peers take an event timed no later than a minute past its stamp).
        let events = laptop.presence_events().unwrap();
        if reissued {
            let timed = |events: &[PresenceEvent]| -> Vec<_> {
                events.iter().map(|e| (e.id.clone(), e.kind, e.attendee.clone(), e.day)).collect()
            };
            assert_eq!(timed(&events), timed(&events_before), "{case}");
            assert!(events.iter().all(|e| e.at.0 >= later.min(T0 + ahead) && e.at.0 <= later), "{case}: {events:?}");
            assert_eq!(name_of(&laptop, "a1").as_deref(), Some("Ana Fast"), "{case}");
        } else {
            assert_eq!(laptop.full_digest().unwrap(), before, "{case}: the device shows what it showed");
        }
        let expected_origin = if reissued { "laptop~2" } else { "laptop" };
        assert_eq!(laptop.origin().unwrap().as_str(), expected_origin, "{case}");
        let next = laptop.write(Timestamp(later), vec![rename("a1", "Ana Later")]).unwrap();
        assert_eq!(next[0].origin.as_str(), expected_origin, "{case}");
        if reissued {
            assert_eq!(next[0].hlc.millis(), later as u64, "{case}: stamped with the right time again");
        }
        // A peer whose clock is right takes everything the laptop now holds when reissued.
        let mut desk = store("desk");
        let taken = sync(&laptop, &mut desk, right);
        assert_eq!(taken.refused.is_empty(), taken_whole, "{case}: {taken:?}");
    }
}

#[test]
fn the_fast_laptop_and_a_right_peer_converge_as_soon_as_the_clock_is_put_right() {
    let mut laptop = store("laptop");
    let mut desk = store("desk");
    desk.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    sync(&desk, &mut laptop, T0);

    // A day fast: the laptop renames Ana twice, adds Bo, and signs Ana in.
    let fast = T0 + DAY;
    laptop.write(Timestamp(fast), vec![rename("a1", "Ana B")]).unwrap();
    laptop.write(Timestamp(fast + 1), Op::put(&attendee("a2", "Bo"), None)).unwrap();
    laptop.write(Timestamp(fast + 2), vec![rename("a1", "Ana Banana"), sign_in("e1", "a1", fast)]).unwrap();
    let refused = sync(&laptop, &mut desk, T0 + MINUTE);
    assert_eq!(refused.applied, 0);
    assert!(!refused.refused.is_empty(), "a right clock refuses a day-ahead stamp");
    assert_eq!(name_of(&desk, "a1").as_deref(), Some("Ana"));

    // The clock is put right. Before the laptop syncs again, the desk renames Bo's host record.
    desk.write(Timestamp(T0 + 2 * MINUTE), vec![rename("a1", "Ana (desk)")]).unwrap();
    let now = T0 + 3 * MINUTE;
    let reissue = laptop.reissue_future_changes(Timestamp(now)).unwrap().expect("the tail is issued again");
    assert_eq!(reissue.retired, vec![("laptop".into(), 0)]);
    assert_eq!(reissue.origin.as_str(), "laptop~2");
    assert_eq!(reissue.reissued, 1 + 10 + 1, "Ana's latest name, Bo's ten fields, the sign-in");
    assert!(reissue.ahead_ms > DAY - 5 * MINUTE, "{reissue:?}");

    let taken = sync(&laptop, &mut desk, now);
    assert!(taken.refused.is_empty(), "{taken:?}");
    sync(&desk, &mut laptop, now);
    assert_eq!(desk.vector().unwrap(), laptop.vector().unwrap());
    assert_eq!(desk.full_digest().unwrap(), laptop.full_digest().unwrap());
    assert_eq!(name_of(&desk, "a2").as_deref(), Some("Bo"));
    assert_eq!(desk.presence_events().unwrap().len(), 1, "the sign-in made while fast is kept");
    // Stamped when the laptop came back, its rename is the later one: it wins, on both.
    assert_eq!(name_of(&desk, "a1").as_deref(), Some("Ana Banana"));
    for device in [&desk, &laptop] {
        let total: u64 = device.vector().unwrap().iter().map(|(_, seq)| seq).sum();
        assert_eq!(device.change_count().unwrap(), total, "the log holds exactly what the vector says");
    }
    // The retired records are gone from the laptop's log too: nothing is left to be refused.
    assert!(laptop.changes().unwrap().iter().all(|c| c.hlc.millis() <= now as u64));
}

#[test]
fn a_door_a_day_fast_counts_its_sign_ins_on_the_day_they_happened_once_put_right() {
    // Found walking the venue's clocks: a kiosk a day fast signed Ana in at 09:00 and Bo at 09:30 (New York),
    // stamped tomorrow. Put right at 09:45, it issued both again timed 09:45 but still for tomorrow: both
    // counted on the wrong day in every list, export and report, were not "here" today, and the door's
    // morning became one instant.
    let sprint =
        sprintdesk_domain::Sprint::new("Clocks", "America/New_York", "2026-07-13".parse().unwrap(), 3).unwrap();
    let at = |day: &str, time: &str| {
        let local = chrono::NaiveDateTime::parse_from_str(&format!("{day} {time}"), "%Y-%m-%d %H:%M").unwrap();
        // New York in July is UTC-4.
        (local + chrono::Duration::hours(4)).and_utc().timestamp_millis()
    };
    let door_event = |id: &str, who: &str, day: &str, at: i64| {
        Op::Presence(PresenceEvent {
            id: EventId::from(id),
            kind: PresenceKind::SignIn,
            attendee: who.into(),
            day: day.parse().unwrap(),
            project: None,
            device: "laptop".into(),
            at: Timestamp(at),
        })
    };
    let mut desk = store("desk");
    let mut door = store("laptop");
    let real = at("2026-07-14", "08:00");
    desk.write(Timestamp(real), Op::put(&sprint, None)).unwrap();
    desk.write(Timestamp(real), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    desk.write(Timestamp(real), Op::put(&attendee("a2", "Bo"), None)).unwrap();
    sync(&desk, &mut door, real);

    let (ana, bo) = (at("2026-07-15", "09:00"), at("2026-07-15", "09:30"));
    door.write(Timestamp(ana), vec![door_event("e1", "a1", "2026-07-15", ana)]).unwrap();
    door.write(Timestamp(bo), vec![door_event("e2", "a2", "2026-07-15", bo)]).unwrap();
    let now = at("2026-07-14", "09:45");
    door.reissue_future_changes(Timestamp(now)).unwrap().expect("issued again");
    let taken = sync(&door, &mut desk, now);
    assert!(taken.refused.is_empty(), "{taken:?}");
    let mut events = desk.presence_events().unwrap();
    events.sort_by_key(|e| e.at);
    let seen: Vec<(String, String, String)> = events
        .iter()
        .map(|e| (e.attendee.to_string(), e.day.to_string(), sprint.local_time(e.at).format("%H:%M").to_string()))
        .collect();
    // Moved back by how far ahead the last record was (23 h 45 min): between when each happened and now, the
    // half hour between them kept, on the day they happened.
    assert_eq!(
        seen,
        [("a1".into(), "2026-07-14".into(), "09:15".into()), ("a2".into(), "2026-07-14".into(), "09:45".into())]
    );
    assert!(events.iter().all(|e| e.at.0 <= now));
}

#[test]
fn a_peer_that_took_the_future_records_drops_them_and_rebuilds_what_they_touched() {
    // Two laptops were a day fast together and swapped records; only `fast` made any.
    let mut fast = store("fast");
    let mut twin = store("twin");
    let mut desk = store("desk");
    desk.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    sync(&desk, &mut fast, T0);
    sync(&desk, &mut twin, T0);
    let early_digest = twin.full_digest().unwrap();
    fast.write(Timestamp(T0 + DAY), vec![rename("a1", "Ana Fast"), sign_in("e1", "a1", T0 + DAY)]).unwrap();
    fast.write(Timestamp(T0 + DAY), Op::put(&attendee("a2", "Bo"), None)).unwrap();
    fast.write(Timestamp(T0 + DAY), vec![Op::delete(Entity::Attendee, "a1")]).unwrap();
    sync(&fast, &mut twin, T0 + DAY);
    assert_eq!(twin.full_digest().unwrap(), fast.full_digest().unwrap());

    // Both clocks are put right; the fast laptop retires its tail. The twin applies only the retirement
    // first: everything the tail did is undone there…
    let now = T0 + 5 * MINUTE;
    fast.reissue_future_changes(Timestamp(now)).unwrap().unwrap();
    let retirement: Vec<Change> =
        fast.changes().unwrap().into_iter().filter(|c| c.entity == Entity::Retirement).collect();
    twin.apply(&retirement, Timestamp(now)).unwrap();
    assert_eq!(twin.full_digest().unwrap(), early_digest, "as if the tail had never arrived");
    assert_eq!(twin.vector().unwrap().get(&"fast".into()), 0);
    // …and then the rest arrives, freshly stamped.
    sync(&fast, &mut twin, now);
    sync(&fast, &mut desk, now);
    for device in [&twin, &desk] {
        assert_eq!(device.full_digest().unwrap(), fast.full_digest().unwrap());
        assert_eq!(device.vector().unwrap(), fast.vector().unwrap());
        assert_eq!(device.presence_events().unwrap().len(), 1);
        assert_eq!(name_of(device, "a2").as_deref(), Some("Bo"));
        assert_eq!(device.is_deleted(Entity::Attendee, "a1").unwrap(), Some(true), "the deletion stands");
    }
}

#[test]
fn retired_records_that_arrive_after_the_retirement_are_superseded_not_applied() {
    let mut fast = store("fast");
    fast.write(Timestamp(T0 + DAY), vec![sign_in("e1", "a1", T0 + DAY), rename("a1", "Ana Fast")]).unwrap();
    let old_tail = fast.changes().unwrap();
    fast.reissue_future_changes(Timestamp(T0)).unwrap().unwrap();

    // The desk hears of the retirement first; a device that was a day fast too relays the old tail later,
    // when its clock is still fast (so the tail is not refused as being ahead).
    let mut desk = store("desk");
    sync(&fast, &mut desk, T0);
    let digest = desk.full_digest().unwrap();
    let late = desk.apply(&old_tail, Timestamp(T0 + DAY)).unwrap();
    assert_eq!((late.applied, late.superseded, late.refused.len()), (0, old_tail.len(), 0));
    assert_eq!(desk.full_digest().unwrap(), digest);
    // Even stamped far ahead of the desk, they are dropped quietly, not reported as refused.
    let late = desk.apply(&old_tail, Timestamp(T0)).unwrap();
    assert_eq!((late.superseded, late.refused.len()), (old_tail.len(), 0));
}

#[test]
fn a_malformed_retirement_changes_nothing() {
    let mut source = store("laptop");
    let good = source.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    let retirement = |origin: &str, value| Change {
        entity: Entity::Retirement,
        entity_id: origin.into(),
        field: "after".into(),
        value,
        ..good[0].clone()
    };
    let cases = [
        ("no sequence", retirement("laptop~1", json!("soon"))),
        ("a negative sequence", retirement("laptop~1", json!(-1))),
        ("another field", Change { field: "name".into(), ..retirement("laptop~1", json!(1)) }),
        ("its own origin", retirement("laptop", json!(0))),
        ("a later origin", retirement("laptop~5", json!(0))),
        ("a look-alike device", Change { origin: "laptop~2".into(), ..retirement("laptop~x", json!(0)) }),
        ("a sequence out of range", Change { origin: "laptop~2".into(), ..retirement("laptop", json!(u64::MAX)) }),
    ];
    for (case, bad) in cases {
        let mut desk = store("desk");
        let mut batch = good.clone();
        batch.push(Change { seq: 99, ..bad });
        let error = desk.apply(&batch, Timestamp(T0)).unwrap_err();
        assert!(matches!(error, StoreError::BadChange { seq: 99, .. }), "{case}: {error}");
        assert_eq!(desk.change_count().unwrap(), 0, "{case}: nothing logged");
        assert_eq!(name_of(&desk, "a1"), None, "{case}: nothing applied");
    }
}

#[test]
fn the_new_origin_survives_a_restart_and_a_copied_database_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = {
        let (path, mut laptop) = reissued_laptop_file(&dir);
        laptop.write(Timestamp(T0), vec![rename("a1", "Ana Right")]).unwrap();
        assert_eq!(laptop.origin().unwrap().as_str(), "laptop~2");
        path
    };
    let mut reopened = Store::open(&path, "laptop".into()).unwrap();
    let next = reopened.write(Timestamp(T0 + 1), vec![rename("a1", "Ana Again")]).unwrap();
    assert_eq!((next[0].origin.as_str(), next[0].seq), ("laptop~2", 4), "reissue, retirement, rename, this");
    drop(reopened);
    let mut copy = Store::open(&path, "new-laptop".into()).unwrap();
    assert_eq!(copy.origin().unwrap().as_str(), "new-laptop");
    let next = copy.write(Timestamp(T0 + 2), vec![rename("a1", "Ana Copied")]).unwrap();
    assert_eq!((next[0].origin.as_str(), next[0].seq), ("new-laptop", 1));
}

#[test]
fn a_second_connection_to_the_database_writes_under_the_new_origin_at_once() {
    // The desktop app and its in-process peer (or a CLI command and `serve`) share one file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sprint.db");
    let mut app = Store::open(&path, "laptop".into()).unwrap();
    let mut peer = Store::open(&path, "laptop".into()).unwrap();
    app.write(Timestamp(T0 + DAY), vec![rename("a1", "Ana")]).unwrap();
    peer.reissue_future_changes(Timestamp(T0)).unwrap().unwrap();
    let next = app.write(Timestamp(T0 + 1), vec![rename("a1", "Ana Right")]).unwrap();
    assert_eq!((next[0].origin.as_str(), next[0].seq), ("laptop~2", 3), "not under the retired origin");
    assert_eq!(next[0].hlc.millis(), (T0 + 1) as u64);
}

#[test]
fn a_clock_put_right_in_two_steps_retires_what_the_first_step_kept() {
    let mut laptop = store("laptop");
    laptop.write(Timestamp(T0), vec![rename("a1", "Ana")]).unwrap();
    laptop.write(Timestamp(T0 + 2 * HOUR), vec![rename("a2", "Bo two hours fast")]).unwrap();
    laptop.write(Timestamp(T0 + DAY), vec![rename("a3", "Cy a day fast")]).unwrap();
    // First put back only to two hours fast (a peer as wrong agreed), then put right.
    let first = laptop.reissue_future_changes(Timestamp(T0 + 2 * HOUR + MINUTE)).unwrap().unwrap();
    assert_eq!(first.retired, vec![("laptop".into(), 2)]);
    let second = laptop.reissue_future_changes(Timestamp(T0 + 5 * MINUTE)).unwrap().unwrap();
    assert_eq!(second.retired, vec![("laptop".into(), 1), ("laptop~2".into(), 0)]);
    assert_eq!(second.origin.as_str(), "laptop~3");

    let mut desk = store("desk");
    let taken = sync(&laptop, &mut desk, T0 + 5 * MINUTE);
    assert!(taken.refused.is_empty(), "{taken:?}");
    assert_eq!(desk.vector().unwrap(), laptop.vector().unwrap());
    assert_eq!(desk.full_digest().unwrap(), laptop.full_digest().unwrap());
    for (id, name) in [("a1", "Ana"), ("a2", "Bo two hours fast"), ("a3", "Cy a day fast")] {
        let held = desk.changes().unwrap().into_iter().find(|c| c.entity_id == id && c.field == "name").unwrap();
        assert_eq!(held.value, json!(name));
    }
    // Nothing the desk took moved its clock: its next write is stamped with its own time.
    let next = desk.write(Timestamp(T0 + 6 * MINUTE), vec![rename("a4", "Di")]).unwrap();
    assert_eq!(next[0].hlc.millis(), (T0 + 6 * MINUTE) as u64);
}

#[test]
fn a_revocation_in_the_future_tail_stays_a_revocation() {
    let mut organizer = store("organizer");
    let revoke =
        |value: bool| Op::Set { entity: Entity::Device, id: "kiosk-2".into(), field: "revoked", value: json!(value) };
    organizer.write(Timestamp(T0 + DAY), vec![revoke(true)]).unwrap();
    organizer.write(Timestamp(T0 + DAY + 1), vec![revoke(false)]).unwrap();
    organizer.reissue_future_changes(Timestamp(T0)).unwrap().unwrap();
    let mut desk = store("desk");
    sync(&organizer, &mut desk, T0);
    for device in [&organizer, &desk] {
        let kiosk = device.get::<sprintdesk_domain::Device>("kiosk-2").unwrap();
        assert!(kiosk.is_none_or(|kiosk| kiosk.revoked), "revoked, as before the clock was put right");
        let row = device.changes().unwrap().into_iter().rev().find(|c| c.field == "revoked").unwrap();
        assert_eq!(row.value, json!(true), "issued again as a revocation");
    }
    assert_eq!(desk.full_digest().unwrap(), organizer.full_digest().unwrap());
}

#[test]
fn a_file_opened_under_another_device_id_keeps_each_ones_origin() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut serve) = reissued_laptop_file(&dir);
    // A CLI run with another state directory opens the same file under another id, and writes.
    let mut other = Store::open(&path, "other".into()).unwrap();
    assert_eq!(other.write(Timestamp(T0 + 1), vec![rename("a2", "Bo")]).unwrap()[0].origin.as_str(), "other");
    let next = serve.write(Timestamp(T0 + 2), vec![rename("a3", "Cy")]).unwrap();
    assert_eq!(next[0].origin.as_str(), "laptop~2", "still the new origin, not the retired one");
    let logged = serve.changes().unwrap();
    assert!(logged.iter().all(|c| c.origin.as_str() != "laptop"), "nothing under the retired origin");
    assert!(logged.iter().any(|c| c.origin.as_str() == "laptop~2" && c.value == json!("Cy")));
}

#[test]
fn a_retirement_applied_in_one_batch_with_what_it_retires_gives_the_same_sprint() {
    let mut fast = store("fast");
    fast.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    fast.write(Timestamp(T0 + DAY), vec![rename("a1", "Ana Fast"), sign_in("e1", "a1", T0 + DAY)]).unwrap();
    let old_tail = fast.changes().unwrap();
    fast.reissue_future_changes(Timestamp(T0)).unwrap().unwrap();
    let now_held = fast.changes().unwrap();
    // A device a day fast gets the old tail and the reissue in one batch, in either order.
    for batch in [[old_tail.clone(), now_held.clone()].concat(), [now_held.clone(), old_tail.clone()].concat()] {
        let mut twin = store("twin");
        let outcome = twin.apply(&batch, Timestamp(T0 + DAY)).unwrap();
        assert!(outcome.refused.is_empty());
        assert_eq!(twin.full_digest().unwrap(), fast.full_digest().unwrap());
        assert_eq!(twin.vector().unwrap(), fast.vector().unwrap());
        let total: u64 = twin.vector().unwrap().iter().map(|(_, seq)| seq).sum();
        assert_eq!(twin.change_count().unwrap(), total);
    }
}

#[test]
fn a_revocation_retires_the_device_after_what_its_writer_held_and_a_relay_drops_the_rest() {
    // The desk holds the kiosk's first two records; a relay that had not heard of the revocation took four,
    // and the kiosk writes a fifth under a new origin of its own making. Once the revocation is held, the
    // kiosk's records past the desk's two are dropped and refused everywhere, under every origin it has.
    let mut kiosk = store("kiosk");
    for (n, name) in ["Ana", "Bo", "Cy", "Di"].iter().enumerate() {
        kiosk.write(Timestamp(T0 + n as i64), vec![rename(&format!("a{n}"), name)]).unwrap();
    }
    let held = kiosk.changes().unwrap();
    let (mut desk, mut relay) = (store("desk"), store("relay"));
    desk.apply(&held[..2], Timestamp(T0)).unwrap();
    relay.apply(&held, Timestamp(T0)).unwrap();
    let revocation = desk
        .write(
            Timestamp(T0 + MINUTE),
            vec![Op::Set { entity: Entity::Device, id: "kiosk".into(), field: "revoked", value: json!(true) }],
        )
        .unwrap();
    let bounds: Vec<(String, u64)> = revocation
        .iter()
        .filter(|c| c.entity == Entity::Retirement)
        .map(|c| (c.entity_id.clone(), c.value.as_u64().unwrap()))
        .collect();
    assert_eq!(bounds.len(), 99, "every origin the kiosk may write under");
    assert_eq!(bounds[0], ("kiosk".to_owned(), 2), "its own id: after the two held here");
    assert!(bounds[1..].iter().all(|(origin, after)| origin.starts_with("kiosk~") && *after == 0), "{bounds:?}");

    // The relay hears of it: Cy and Di go, Ana and Bo stay.
    sync(&desk, &mut relay, T0 + MINUTE);
    let names = |store: &Store| {
        let mut names: Vec<String> = store.all::<Attendee>().unwrap().into_iter().map(|a| a.name).collect();
        names.sort();
        names
    };
    assert_eq!(names(&relay), ["Ana", "Bo"]);
    assert_eq!(relay.digest().unwrap(), desk.digest().unwrap());
    // Offered again, or under another origin, nothing past the bound is taken.
    let again = desk.apply(&held, Timestamp(T0 + MINUTE)).unwrap();
    assert_eq!((again.applied, again.superseded), (0, 2), "{again:?}");
    let minted = Change { origin: "kiosk~7".into(), seq: 1, ..held[3].clone() };
    let outcome = relay.apply(&[minted], Timestamp(T0 + MINUTE)).unwrap();
    assert_eq!((outcome.applied, outcome.superseded), (0, 1), "{outcome:?}");
    assert_eq!(names(&desk), ["Ana", "Bo"]);
}

#[test]
fn a_retirement_a_revoked_device_wrote_past_its_bound_goes_with_it_and_what_it_dropped_comes_back() {
    // The revoked kiosk's owner reissues under `kiosk~2` with a retirement of `kiosk` after 0, and a relay that
    // had not heard of the revocation takes it: Ana's and Bo's records under `kiosk` go. Once the revocation
    // reaches the relay, `kiosk~2` goes, and its retirement with it: the relay took Ana and Bo back and agreed
    // with the desk. (It kept the retirement, refused them for good, and its syncs never ended.)
    let mut kiosk = store("kiosk");
    for (n, name) in ["Ana", "Bo"].iter().enumerate() {
        kiosk.write(Timestamp(T0 + n as i64), vec![rename(&format!("a{n}"), name)]).unwrap();
    }
    let held = kiosk.changes().unwrap();
    let (mut desk, mut relay) = (store("desk"), store("relay"));
    desk.apply(&held, Timestamp(T0)).unwrap();
    relay.apply(&held, Timestamp(T0)).unwrap();
    desk.write(
        Timestamp(T0 + MINUTE),
        vec![Op::Set { entity: Entity::Device, id: "kiosk".into(), field: "revoked", value: json!(true) }],
    )
    .unwrap();
    let forged = vec![
        Change {
            origin: "kiosk~2".into(),
            seq: 1,
            entity: Entity::Retirement,
            entity_id: "kiosk".into(),
            field: "after".into(),
            value: json!(0),
            ..held[1].clone()
        },
        Change { origin: "kiosk~2".into(), seq: 2, entity_id: "a9".into(), value: json!("Mallory"), ..held[1].clone() },
    ];
    relay.apply(&forged, Timestamp(T0 + MINUTE)).unwrap();
    let names = |store: &Store| {
        let mut names: Vec<String> = store.all::<Attendee>().unwrap().into_iter().map(|a| a.name).collect();
        names.sort();
        names
    };
    assert_eq!(names(&relay), ["Mallory"], "the relay had not heard");

    // The revocation arrives; then what the relay lacks again.
    sync(&desk, &mut relay, T0 + 2 * MINUTE);
    sync(&desk, &mut relay, T0 + 2 * MINUTE);
    assert_eq!(names(&relay), ["Ana", "Bo"]);
    assert_eq!(relay.digest().unwrap(), desk.digest().unwrap());
    assert_eq!(relay.vector().unwrap(), desk.vector().unwrap(), "nothing left to exchange");
}

/// A device that revoked another while its clock ran fast, once its clock is put back: its own retirement
/// (of everything it stamped in the future, the revocation's bounds included) stands on it as on its peers.
/// It used to forget it while dropping the bounds it retired (they were issued again after it), and then
/// took back from a peer the very records it had retired: the two never agreed again.
#[test]
fn a_device_that_revoked_another_on_a_fast_clock_keeps_its_own_retirement() {
    let mut desk = store("desk");
    let mut peer = store("peer");
    // Ten minutes fast: its peer takes this at once. Then two hours fast: the revocation is refused.
    desk.write(Timestamp(T0 + 10 * MINUTE), vec![rename("a1", "Ana")]).unwrap();
    let revoked = Op::Set { entity: Entity::Device, id: "dev-0".into(), field: "revoked", value: json!(true) };
    desk.write(Timestamp(T0 + 2 * HOUR), vec![revoked]).unwrap();
    let outcome = sync(&desk, &mut peer, T0);
    assert!(!outcome.refused.is_empty(), "the revocation is in the peer's future");
    assert_eq!(peer.vector().unwrap().get(&DeviceId::from("desk")), 1, "the rename was taken");

    // The desk's clock is put right (behind even the rename): everything it wrote under `desk` is retired.
    let reissue = desk.reissue_future_changes(Timestamp(T0)).unwrap().unwrap();
    assert_eq!(reissue.retired, vec![(DeviceId::from("desk"), 0)]);
    sync(&peer, &mut desk, T0); // The peer offers the rename it took under `desk`: retired, not taken back.
    assert_eq!(desk.vector().unwrap().get(&DeviceId::from("desk")), 0, "the desk took back what it retired");
    sync(&desk, &mut peer, T0);
    assert_eq!(peer.vector().unwrap(), desk.vector().unwrap());
    assert_eq!(peer.digest().unwrap(), desk.digest().unwrap());
    assert_eq!(name_of(&desk, "a1").as_deref(), Some("Ana"), "issued again, under the new origin");
}
