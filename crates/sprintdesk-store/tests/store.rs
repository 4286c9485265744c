//! The store's promises, tested through its public API: every write is logged, the log replays to the
//! same state in any order and any number of times, and bad records change nothing.

use proptest::prelude::*;
use serde_json::json;
use sprintdesk_domain::{
    Attendee, AttendeeId, ClaimAction, ClaimEvent, DeviceId, EventId, PresenceEvent, PresenceKind, Project, ProjectId,
    Role, Sprint, Timestamp,
};
use sprintdesk_store::{Change, ERASURE_FIELD, Entity, EveryoneErased, Op, Store, StoreError};

fn store(device: &str) -> Store {
    Store::open_in_memory(DeviceId::from(device)).unwrap()
}

fn attendee(id: &str, name: &str) -> Attendee {
    Attendee { id: id.into(), name: name.into(), roles: vec![Role::Sprinter], ..Attendee::default() }
}

fn sign_in(id: &str, who: &str, at: i64) -> PresenceEvent {
    PresenceEvent {
        id: EventId::from(id),
        kind: PresenceKind::SignIn,
        attendee: who.into(),
        day: "2026-07-13".parse().unwrap(),
        project: None,
        device: "kiosk".into(),
        at: Timestamp(at),
    }
}

const T0: i64 = 1_784_000_000_000;

#[test]
fn a_write_logs_one_gap_free_record_per_field_or_event() {
    let mut store = store("laptop");
    let ana = attendee("a1", "Ana");
    let first = store.write(Timestamp(T0), Op::put(&ana, None)).unwrap();
    let second = store.write(Timestamp(T0), vec![Op::Presence(sign_in("e1", "a1", T0))]).unwrap();
    let all: Vec<Change> = first.iter().chain(&second).cloned().collect();
    let seqs: Vec<u64> = all.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=all.len() as u64).collect::<Vec<_>>(), "gap-free from 1");
    assert!(all.windows(2).all(|w| w[0].hlc < w[1].hlc), "stamps strictly increase within a device");
    assert!(all.iter().all(|c| c.origin.as_str() == "laptop"));
    assert_eq!(first.len(), 10, "one record per attendee field");
    assert_eq!(second[0].entity, Entity::PresenceEvent);
    assert_eq!(store.changes().unwrap(), all, "the log holds exactly what was returned");
    assert_eq!(store.get::<Attendee>("a1").unwrap(), Some(ana));
    assert_eq!(store.presence_events().unwrap(), vec![sign_in("e1", "a1", T0)]);
}

#[test]
fn putting_an_unchanged_record_writes_nothing_and_a_change_writes_only_that_field() {
    let mut store = store("laptop");
    let ana = attendee("a1", "Ana");
    store.write(Timestamp(T0), Op::put(&ana, None)).unwrap();
    assert!(Op::put(&ana, Some(&ana)).is_empty());
    let renamed = Attendee { name: "Ana María".into(), ..ana.clone() };
    let ops = Op::put(&renamed, Some(&ana));
    assert_eq!(ops.len(), 1);
    let changes = store.write(Timestamp(T0 + 1), ops).unwrap();
    assert_eq!((changes[0].field.as_str(), &changes[0].value), ("name", &json!("Ana María")));
}

#[test]
fn the_later_write_wins_a_field_whatever_the_order_of_arrival() {
    let mut kiosk = store("kiosk");
    let mut desk = store("desk");
    let early = kiosk.write(Timestamp(T0), Op::put(&attendee("a1", "Early"), None)).unwrap();
    let late = desk.write(Timestamp(T0 + 5_000), Op::put(&attendee("a1", "Late"), None)).unwrap();
    for order in [[&early, &late], [&late, &early]] {
        let mut replica = store("replica");
        for batch in order {
            replica.apply(batch, Timestamp(T0)).unwrap();
        }
        assert_eq!(replica.get::<Attendee>("a1").unwrap().unwrap().name, "Late");
    }
}

#[test]
fn a_device_with_a_slow_clock_still_writes_after_what_it_has_seen() {
    let mut desk = store("desk");
    let mut kiosk = store("kiosk");
    let seen = desk.write(Timestamp(T0 + 60_000), Op::put(&attendee("a1", "From desk"), None)).unwrap();
    kiosk.apply(&seen, Timestamp(T0)).unwrap();
    // The kiosk's clock is a minute behind, but its edit comes after the one it saw.
    let old = kiosk.get::<Attendee>("a1").unwrap().unwrap();
    let edit = Attendee { name: "Edited on kiosk".into(), ..old.clone() };
    let changes = kiosk.write(Timestamp(T0), Op::put(&edit, Some(&old))).unwrap();
    assert!(changes[0].hlc > seen.iter().map(|c| c.hlc).max().unwrap());
    desk.apply(&changes, Timestamp(T0)).unwrap();
    assert_eq!(desk.get::<Attendee>("a1").unwrap().unwrap().name, "Edited on kiosk");
}

#[test]
fn applying_records_twice_is_a_no_op() {
    let mut source = store("kiosk");
    let mut changes = source.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    changes.extend(source.write(Timestamp(T0), vec![Op::Presence(sign_in("e1", "a1", T0))]).unwrap());
    let mut replica = store("desk");
    let first = replica.apply(&changes, Timestamp(T0)).unwrap();
    let digest = replica.digest().unwrap();
    let doubled: Vec<Change> = changes.iter().chain(&changes).cloned().collect();
    let again = replica.apply(&doubled, Timestamp(T0)).unwrap();
    assert_eq!((first.applied, first.duplicates), (changes.len(), 0));
    assert_eq!((again.applied, again.duplicates), (0, doubled.len()));
    assert_eq!(replica.digest().unwrap(), digest);
    assert_eq!(replica.digest().unwrap(), source.digest().unwrap());
    assert_eq!(replica.change_count().unwrap(), changes.len() as u64);
}

#[test]
fn a_malformed_record_refuses_the_whole_batch() {
    let mut source = store("kiosk");
    let good = source.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    let bad_cases: Vec<(&str, Change)> = vec![
        ("unknown field", Change { field: "salary".into(), ..good[0].clone() }),
        ("wrong kind of value", Change { field: "first_timer".into(), value: json!("yes"), ..good[0].clone() }),
        (
            "a second sprint",
            Change { entity: Entity::Sprint, entity_id: "other".into(), field: "name".into(), ..good[0].clone() },
        ),
        ("empty id", Change { entity_id: String::new(), ..good[0].clone() }),
        (
            "an event that is not one",
            Change {
                entity: Entity::PresenceEvent,
                field: "event".into(),
                value: json!({"id": "a1"}),
                ..good[0].clone()
            },
        ),
        (
            "an event under another id",
            Change {
                entity: Entity::PresenceEvent,
                entity_id: "e9".into(),
                field: "event".into(),
                value: serde_json::to_value(sign_in("e1", "a1", T0)).unwrap(),
                ..good[0].clone()
            },
        ),
    ];
    for (name, bad) in bad_cases {
        let mut replica = store("desk");
        let empty = replica.digest().unwrap();
        let mut batch = good.clone();
        batch.push(Change { seq: 99, ..bad });
        let error = replica.apply(&batch, Timestamp(T0)).unwrap_err();
        assert!(matches!(error, StoreError::BadChange { seq: 99, .. }), "{name}: {error}");
        assert_eq!(replica.digest().unwrap(), empty, "{name}: nothing applied");
        assert_eq!(replica.change_count().unwrap(), 0, "{name}: nothing logged");
    }
}

#[test]
fn a_file_database_survives_reopening_and_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sprint.db");
    let sprint = Sprint::new("EuroPython sprints", "Europe/Prague", "2026-07-18".parse().unwrap(), 2).unwrap();
    {
        let mut store = Store::open(&path, "desk".into()).unwrap();
        store.write(Timestamp(T0), Op::put(&sprint, None)).unwrap();
    }
    let mut reopened = Store::open(&path, "desk".into()).unwrap();
    assert_eq!(reopened.sprint().unwrap(), Some(sprint));
    let next = reopened.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    assert_eq!(next[0].seq, 8, "numbering continues after a restart (the sprint's seven fields, then this)");
    drop(reopened);

    // A newer release would leave a higher schema number behind.
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let error = Store::open(&path, "desk".into()).unwrap_err();
    assert!(error.to_string().contains("newer Sprintdesk"), "{error}");
}

#[test]
fn a_store_reopened_on_another_device_keeps_its_own_numbering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sprint.db");
    Store::open(&path, "laptop".into()).unwrap().write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
    let mut copy = Store::open(&path, "new-laptop".into()).unwrap();
    let changes = copy.write(Timestamp(T0), Op::put(&attendee("a2", "Bo"), None)).unwrap();
    assert_eq!((changes[0].origin.as_str(), changes[0].seq), ("new-laptop", 1));
}

// --- Replay property: any order, any duplication, same state. ---------------------------------------

#[derive(Clone, Debug)]
enum Action {
    PutAttendee { id: u8, name: u8, first_timer: bool },
    PutProject { id: u8, help_wanted: bool },
    SignIn { who: u8 },
    Claim { who: u8, issue: u8 },
    Release { who: u8, issue: u8 },
    DeleteProject { id: u8, deleted: bool },
    Erase { who: u8 },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0..4u8, 0..6u8, any::<bool>()).prop_map(|(id, name, first_timer)| Action::PutAttendee {
            id,
            name,
            first_timer
        }),
        (0..3u8, any::<bool>()).prop_map(|(id, help_wanted)| Action::PutProject { id, help_wanted }),
        (0..4u8).prop_map(|who| Action::SignIn { who }),
        (0..4u8, 0..3u8).prop_map(|(who, issue)| Action::Claim { who, issue }),
        (0..4u8, 0..3u8).prop_map(|(who, issue)| Action::Release { who, issue }),
        (0..3u8, any::<bool>()).prop_map(|(id, deleted)| Action::DeleteProject { id, deleted }),
        (0..4u8).prop_map(|who| Action::Erase { who }),
    ]
}

/// Runs `actions` spread over three devices, each writing through its own store's one mutation path,
/// with clocks that jump around. Returns every change record made.
fn make_changes(actions: &[(u8, u16, Action)]) -> Vec<Change> {
    let mut devices: Vec<Store> = (0..3).map(|d| store(&format!("device-{d}"))).collect();
    let mut all = Vec::new();
    for (n, (device, clock, action)) in actions.iter().enumerate() {
        let store = &mut devices[usize::from(*device % 3)];
        let now = Timestamp(T0 + i64::from(*clock) * 1_000);
        let event_id = EventId(format!("ev-{n}"));
        let op_list = match action {
            Action::PutAttendee { id, name, first_timer } => {
                let old = store.get::<Attendee>(&format!("a{id}")).unwrap();
                let new =
                    Attendee { first_timer: *first_timer, ..attendee(&format!("a{id}"), &format!("Name {name}")) };
                Op::put(&new, old.as_ref())
            }
            Action::PutProject { id, help_wanted } => {
                let project = Project {
                    id: format!("p{id}").as_str().into(),
                    name: format!("Project {id}"),
                    help_wanted: *help_wanted,
                    ..Project::default()
                };
                Op::put(&project, None)
            }
            Action::SignIn { who } => {
                vec![Op::Presence(sign_in(event_id.as_str(), &format!("a{who}"), now.0))]
            }
            Action::Claim { who, issue } => vec![Op::Claim(ClaimEvent {
                id: event_id,
                issue: format!("i{issue}").as_str().into(),
                action: ClaimAction::Claim { attendee: AttendeeId(format!("a{who}")), mentor: None },
                device: store.device().clone(),
                at: now,
            })],
            Action::Release { who, issue } => vec![Op::Claim(ClaimEvent {
                id: event_id,
                issue: format!("i{issue}").as_str().into(),
                action: ClaimAction::Release { attendee: AttendeeId(format!("a{who}")) },
                device: store.device().clone(),
                at: now,
            })],
            Action::DeleteProject { id, deleted: true } => vec![Op::delete(Entity::Project, format!("p{id}"))],
            Action::DeleteProject { id, deleted: false } => vec![Op::restore(Entity::Project, format!("p{id}"))],
            Action::Erase { who } => vec![Op::Set {
                entity: Entity::Erasure,
                id: format!("a{who}"),
                field: ERASURE_FIELD,
                value: serde_json::Value::Bool(true),
            }],
        };
        match store.write(now, op_list) {
            Ok(changes) => all.extend(changes),
            // A device that knows of an erasure writes no more of that person's data; others may, unaware.
            Err(StoreError::NotAllowed(_)) if matches!(action, Action::PutAttendee { .. }) => {}
            Err(error) => panic!("{error}"),
        }
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn shuffled_duplicated_replays_give_the_same_state(
        actions in prop::collection::vec((0..3u8, 0..600u16, action()), 1..120),
        seed in any::<u64>(),
        duplicates in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        // Small batches, and batches over the rows a statement inserts at once.
        batch_size in prop_oneof![1..8usize, 30..100usize],
    ) {
        let changes = make_changes(&actions);

        let mut ordered = store("replica-a");
        ordered.apply(&changes, Timestamp(T0)).unwrap();

        let mut shuffled: Vec<Change> = changes.clone();
        for index in &duplicates {
            shuffled.push(index.get(&changes).clone());
        }
        shuffle(&mut shuffled, seed);
        let mut replayed = store("replica-b");
        for batch in shuffled.chunks(batch_size) {
            replayed.apply(batch, Timestamp(T0)).unwrap();
        }
        // And everything once more, as a reconnecting peer might resend it.
        replayed.apply(&changes, Timestamp(T0)).unwrap();

        prop_assert_eq!(ordered.digest().unwrap(), replayed.digest().unwrap());
        prop_assert_eq!(replayed.change_count().unwrap(), changes.len() as u64);
        prop_assert_eq!(ordered.changes().unwrap(), replayed.changes().unwrap());
        prop_assert_eq!(ordered.all::<Attendee>().unwrap(), replayed.all::<Attendee>().unwrap());
        prop_assert_eq!(ordered.claim_events().unwrap(), replayed.claim_events().unwrap());
        prop_assert_eq!(ordered.all::<Project>().unwrap(), replayed.all::<Project>().unwrap());
        // Each record applied on its own, in the order made, leaves the same rows as whole batches do.
        let mut one_by_one = store("replica-c");
        for change in &changes {
            one_by_one.apply(std::slice::from_ref(change), Timestamp(T0)).unwrap();
        }
        prop_assert_eq!(ordered.digest().unwrap(), one_by_one.digest().unwrap());
        prop_assert_eq!(ordered.changes().unwrap(), one_by_one.changes().unwrap());
        prop_assert_eq!(ordered.all::<Attendee>().unwrap(), one_by_one.all::<Attendee>().unwrap());
        prop_assert_eq!(ordered.all::<Project>().unwrap(), one_by_one.all::<Project>().unwrap());
    }
}

/// A small deterministic shuffle (splitmix64), so a failing case replays from its seed.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    let mut next = || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// Files that are not ours are refused before a byte of them changes; ours (new, or from before the mark)
/// open and are marked.
#[test]
fn only_sprintdesk_databases_are_opened_and_others_are_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("customers.db");
    {
        let conn = rusqlite::Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('Ada');").unwrap();
    }
    let other_app = dir.path().join("other-app.db");
    {
        let conn = rusqlite::Connection::open(&other_app).unwrap();
        conn.pragma_update(None, "application_id", 0x1234_5678).unwrap();
    }
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are my notes, not a database\n".repeat(40)).unwrap();
    let cases = [
        (&foreign, "it holds other tables: customers"),
        (&other_app, "another program"),
        (&text, "not an SQLite file"),
    ];
    for (path, says) in cases {
        let before = std::fs::read(path).unwrap();
        let error = Store::open(path, "d-1".into()).unwrap_err();
        assert!(matches!(error, StoreError::NotOurs { .. }), "{}: {error}", path.display());
        assert!(error.to_string().contains(says), "{error}");
        assert_eq!(std::fs::read(path).unwrap(), before, "{} was not touched", path.display());
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        assert!(!std::path::Path::new(&wal).exists(), "no WAL was made beside {}", path.display());
    }

    // A new file becomes ours; a Sprintdesk file from before the mark opens and is marked.
    let ours = dir.path().join("sprint.db");
    drop(Store::open(&ours, "d-1".into()).unwrap());
    let application_id = |path: &std::path::Path| -> i32 {
        rusqlite::Connection::open(path).unwrap().pragma_query_value(None, "application_id", |r| r.get(0)).unwrap()
    };
    assert_eq!(application_id(&ours), sprintdesk_store::APPLICATION_ID);
    rusqlite::Connection::open(&ours).unwrap().pragma_update(None, "application_id", 0).unwrap();
    drop(Store::open(&ours, "d-1".into()).unwrap());
    assert_eq!(application_id(&ours), sprintdesk_store::APPLICATION_ID);
}

/// Every file in `dir`, with its size and a hash of its bytes.
fn files(dir: &std::path::Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<(String, usize, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut hasher);
            (path.file_name().unwrap().to_string_lossy().into_owned(), bytes.len(), hasher.finish())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_read_leaves_a_file_of_an_older_schema_as_it_was_and_a_write_brings_it_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sprint.db");
    let sprint = Sprint::new("PyCon DE sprints", "Europe/Berlin", "2026-04-17".parse().unwrap(), 2).unwrap();
    // A kiosk's edits from before the desk's (an earlier stamp), and one after it deleted a project: they
    // arrive once the file has been brought up to date.
    let mut kiosk = store("kiosk");
    let early = kiosk.write(Timestamp(T0 - 60_000), Op::put(&attendee("a1", "Early"), None)).unwrap();
    let current: usize = {
        let mut store = Store::open(&path, "desk".into()).unwrap();
        store.write(Timestamp(T0), Op::put(&sprint, None)).unwrap();
        store.write(Timestamp(T0), Op::put(&attendee("a1", "Ana"), None)).unwrap();
        store.write(Timestamp(T0), Op::put(&django(), None)).unwrap();
        let flask = Project { id: ProjectId::from("p2"), name: "Flask".into(), ..django() };
        store.write(Timestamp(T0), Op::put(&flask, None)).unwrap();
        store.write(Timestamp(T0 + 1_000), vec![Op::delete(Entity::Project, "p2")]).unwrap();
        let renamed = Project { name: "Flask sprint".into(), ..flask.clone() };
        kiosk.apply(&store.changes().unwrap(), Timestamp(T0)).unwrap();
        let edit = kiosk.write(Timestamp(T0 + 2_000), Op::put(&renamed, Some(&flask))).unwrap();
        store.apply(&edit, Timestamp(T0)).unwrap();
        assert_eq!(store.deleted_then_edited().unwrap().len(), 1);
        rusqlite::Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
    };
    let stamped = stamps(&path);
    assert!(stamped.len() > 20, "{stamped:?}");
    // The file as the previous release left it: its schema, without this release's last step (update this
    // when a migration is added).
    as_the_previous_release_left_it(&rusqlite::Connection::open(&path).unwrap(), current - 3);
    let before = files(dir.path());

    let reader = Store::open_for_reading(&path, "desk".into()).unwrap();
    assert_eq!(reader.sprint().unwrap(), Some(sprint.clone()), "the sprint reads");
    assert_eq!(reader.get::<Attendee>("a1").unwrap().map(|a| a.name), Some("Ana".to_owned()));
    let mut reader = reader;
    let refused = reader.write(Timestamp(T0), Op::put(&attendee("a2", "Bo"), None)).unwrap_err();
    assert!(matches!(refused, StoreError::ReadOnly { .. }), "{refused}");
    drop(reader);
    // SQLite's own companions of a WAL database (`-shm`, an empty `-wal`) may appear, as for any reader.
    let after: Vec<_> = files(dir.path()).into_iter().filter(|(name, ..)| name == "sprint.db").collect();
    assert_eq!(after, before, "the read changed no byte of the database");

    // A write opens it as ever, and brings it up to this schema.
    let mut writer = Store::open(&path, "desk".into()).unwrap();
    writer.write(Timestamp(T0), Op::put(&attendee("a2", "Bo"), None)).unwrap();
    let version: usize =
        rusqlite::Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, current);
    // A project from before a column was added (its new column empty) is still there, on every screen.
    assert_eq!(writer.all::<Project>().unwrap(), vec![django()], "no record is lost to a new column");
    // Every field's winning stamp came through, each as it was: an earlier write still loses, and a deleted project edited
    // after its deletion is still the organizer's to review.
    let carried = stamps(&path);
    assert!(stamped.is_subset(&carried), "lost: {:?}", stamped.difference(&carried).collect::<Vec<_>>());
    writer.apply(&early, Timestamp(T0)).unwrap();
    assert_eq!(writer.get::<Attendee>("a1").unwrap().map(|a| a.name), Some("Ana".to_owned()));
    let review = writer.deleted_then_edited().unwrap();
    assert_eq!(review.iter().map(|r| (r.id.as_str(), r.edited_by.as_str())).collect::<Vec<_>>(), [("p2", "kiosk")]);
}

/// Every field's winning stamp the file at `path` keeps: (table, row, field, hlc, origin).
fn stamps(path: &std::path::Path) -> std::collections::BTreeSet<(String, String, String, i64, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'versions'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut stamps = std::collections::BTreeSet::new();
    for table in tables {
        let sql = format!(
            "SELECT t.id, json_extract(v.value, '$[0]'), json_extract(v.value, '$[1]'), json_extract(v.value, '$[2]')
             FROM {table} t, json_each(t.versions) v"
        );
        let mut statement = conn.prepare(&sql).unwrap();
        let rows =
            statement.query_map([], |r| Ok((table.clone(), r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
        stamps.extend(rows.map(Result::unwrap));
    }
    stamps
}

/// Undoes the last three migrations of the file `conn` has open (`tests/fixtures/previous-release.sql`, shared with
/// the command line's test), and sets the schema number the release before had.
fn as_the_previous_release_left_it(conn: &rusqlite::Connection, version: usize) {
    conn.execute_batch(include_str!("../../../tests/fixtures/previous-release.sql")).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
}

fn django() -> Project {
    Project {
        id: ProjectId::from("p1"),
        name: "Django".into(),
        repo_url: None,
        table_label: Some("T1".into()),
        leads: vec![],
        help_wanted: false,
        help_note: String::new(),
    }
}

#[test]
fn an_erasure_and_the_records_it_erases_give_one_sprint_in_any_order() {
    // Someone registered on one device; everyone erased (as the retention period does) or one person erased
    // on another; later edits of the person from a device that had not heard. Every order, one sprint, and
    // no personal value left in any log.
    let mut door = Store::open_in_memory("door".into()).unwrap();
    let person = door.write(Timestamp(T0), Op::put(&attendee("a1", "Zofia Quast"), None)).unwrap();
    let edit = door
        .write(
            Timestamp(T0 + 1),
            vec![Op::Set { entity: Entity::Attendee, id: "a1".into(), field: "email", value: json!("z@q.example") }],
        )
        .unwrap();
    for erased in ["a1", "*"] {
        let name = if erased == "*" { "org-all".to_owned() } else { format!("org-{erased}") };
        let mut organizer = Store::open_in_memory(name.as_str().into()).unwrap();
        let erasure = organizer
            .write(
                Timestamp(T0 + 2),
                vec![Op::Set { entity: Entity::Erasure, id: erased.into(), field: "erased", value: json!(true) }],
            )
            .unwrap();
        let orders: [Vec<&[Change]>; 3] =
            [vec![&person, &edit, &erasure], vec![&erasure, &person, &edit], vec![&person, &erasure, &edit]];
        let mut digests = Vec::new();
        for order in orders {
            let mut device = Store::open_in_memory("device".into()).unwrap();
            for batch in order {
                device.apply(batch, Timestamp(T0 + 10)).unwrap();
            }
            let shown = device.get::<Attendee>("a1").unwrap().unwrap();
            assert_eq!((shown.name.as_str(), &shown.email), ("Erased person", &None), "{erased}");
            for change in device.changes().unwrap() {
                let text = change.value.to_string();
                assert!(!text.contains("Zofia") && !text.contains("z@q"), "{erased}: kept {change:?}");
                // The hash kept of a cleared value cannot confirm a guess: the value's salt went with it.
                if let Some(kept) = &change.cleared {
                    assert_eq!(change.salt, None);
                    for guess in [json!("z@q.example"), json!("Zofia Quast")] {
                        let guessed = Change { value: guess, cleared: None, ..change.clone() };
                        assert_ne!(
                            &sprintdesk_store::trust::hex(&sprintdesk_store::trust::content_hash(&guessed)),
                            kept
                        );
                    }
                }
            }
            digests.push(device.full_digest().unwrap());
        }
        assert!(digests.windows(2).all(|w| w[0] == w[1]), "{erased}: {digests:?}");
    }
}

#[test]
fn a_duplicate_merged_offline_into_an_erased_person_is_erased_too() {
    let mut desk = Store::open_in_memory("desk".into()).unwrap();
    let mut laptop = Store::open_in_memory("laptop".into()).unwrap();
    let people = desk
        .write(
            Timestamp(T0),
            [attendee("p", "Pia Erased"), attendee("d", "Pia E.")].iter().flat_map(|a| Op::put(a, None)).collect(),
        )
        .unwrap();
    laptop.apply(&people, Timestamp(T0)).unwrap();
    // The desk erases Pia while the laptop, offline, merges her duplicate into her.
    let erasure = desk
        .write(
            Timestamp(T0 + 1),
            vec![Op::Set { entity: Entity::Erasure, id: "p".into(), field: "erased", value: json!(true) }],
        )
        .unwrap();
    let merge = laptop
        .write(
            Timestamp(T0 + 2),
            vec![Op::Set { entity: Entity::Attendee, id: "d".into(), field: "merged_into", value: json!("p") }],
        )
        .unwrap();
    desk.apply(&merge, Timestamp(T0 + 3)).unwrap();
    assert_eq!(desk.erase_merged_into_erased(Timestamp(T0 + 3)).unwrap(), 1);
    assert_eq!(desk.erase_merged_into_erased(Timestamp(T0 + 3)).unwrap(), 0, "once");
    // Every device, whatever it saw in between, ends with neither name anywhere.
    laptop.apply(&erasure, Timestamp(T0 + 4)).unwrap();
    laptop.apply(&desk.changes().unwrap(), Timestamp(T0 + 4)).unwrap();
    for device in [&desk, &laptop] {
        assert!(
            device.changes().unwrap().iter().all(|c| !c.value.to_string().contains("Pia")),
            "{:?}",
            device.device()
        );
        assert_eq!(device.get::<Attendee>("d").unwrap().unwrap().name, "Erased person");
    }
    assert_eq!(desk.full_digest().unwrap(), laptop.full_digest().unwrap());
}

const DAY: i64 = 86_400_000;

/// A desk and a laptop holding a sprint whose last day is the day of T0 (personal data kept 30 days after it)
/// and one person.
fn kept_sprint() -> (Store, Store) {
    let sprint = Sprint::new("Kept sprint", "UTC", "2026-07-13".parse().unwrap(), 2).unwrap();
    let mut desk = store("desk");
    let mut laptop = store("laptop");
    let setup = [Op::put(&sprint, None), Op::put(&attendee("p", "Pia Kept"), None)].concat();
    laptop.apply(&desk.write(Timestamp(T0), setup).unwrap(), Timestamp(T0)).unwrap();
    (desk, laptop)
}

#[test]
fn the_organizers_erasure_of_everyone_reaches_a_device_whose_clock_has_not_got_there() {
    let (mut desk, mut laptop) = kept_sprint();
    assert!(!desk.enforce_retention(Timestamp(T0 + 30 * DAY)).unwrap(), "not yet");
    assert_eq!(desk.everyone_erased().unwrap(), EveryoneErased::No);

    // 40 days on by the desk's clock the period has ended: the desk writes the erasure of everyone.
    assert!(desk.enforce_retention(Timestamp(T0 + 40 * DAY)).unwrap());
    assert!(!desk.enforce_retention(Timestamp(T0 + 41 * DAY)).unwrap(), "once");
    assert_eq!(desk.everyone_erased().unwrap(), EveryoneErased::ByTheVenue(Timestamp(T0 + 40 * DAY)));
    let erasures: Vec<Change> = desk.changes().unwrap().into_iter().filter(|c| c.entity == Entity::Erasure).collect();
    assert_eq!(erasures.iter().map(|c| c.entity_id.as_str()).collect::<Vec<_>>(), ["*"]);

    // The laptop's clock says the period runs on; the venue's word erases it all the same.
    laptop.apply(&desk.changes().unwrap(), Timestamp(T0 + 40 * DAY)).unwrap();
    assert!(!laptop.enforce_retention(Timestamp(T0 + DAY)).unwrap());
    assert_eq!(laptop.get::<Attendee>("p").unwrap().unwrap().name, "Erased person");
    assert!(laptop.changes().unwrap().iter().all(|c| !c.value.to_string().contains("Pia")));
    assert!(laptop.relays_others().unwrap() && !laptop.erased_alone().unwrap());
    assert_eq!(
        laptop.everyone_erased().unwrap(),
        desk.everyone_erased().unwrap(),
        "erased on the venue's word, when it was written"
    );
    assert_eq!(desk.full_digest().unwrap(), laptop.full_digest().unwrap());
}

#[test]
fn a_device_that_erases_everyone_on_its_own_clock_passes_on_only_its_own_records() {
    let (_desk, mut laptop) = kept_sprint();
    // The laptop belongs to a venue whose key it does not hold: it is not an organizer's device.
    let venue = store("authority").create_venue().unwrap();
    laptop.pin_venue(&venue, None).unwrap();
    assert!(laptop.relays_others().unwrap());

    assert!(laptop.enforce_retention(Timestamp(T0 + 40 * DAY)).unwrap());
    assert!(laptop.erased_alone().unwrap() && !laptop.relays_others().unwrap());
    assert_eq!(laptop.everyone_erased().unwrap(), EveryoneErased::Alone);
    assert!(laptop.changes().unwrap().iter().all(|c| c.entity != Entity::Erasure), "it writes no erasure");
    assert_eq!(laptop.get::<Attendee>("p").unwrap().unwrap().name, "Erased person");
    assert!(!laptop.enforce_retention(Timestamp(T0 + 41 * DAY)).unwrap(), "once");
}

#[test]
fn a_database_older_than_its_devices_last_write_writes_on_under_the_next_origin() {
    let dir = tempfile::tempdir().unwrap();
    let mark = dir.path().join("d.written");
    // One record a write.
    let add = |store: &mut Store, id: &str| {
        let name = Op::Set { entity: Entity::Attendee, id: id.into(), field: "name", value: json!("Someone") };
        store.write(Timestamp(T0), vec![name]).unwrap();
    };
    // (what the mark says, or nothing; the file's origin; how many records the file holds under it;
    // the origin it writes on under, or `None` when it is not older)
    let cases: [(Option<&str>, &str, usize, Option<&str>); 7] = [
        (None, "desk", 3, None),
        (Some("desk 3"), "desk", 3, None),
        (Some("desk 1"), "desk", 3, None),
        (Some("desk 9"), "desk", 3, Some("desk~2")),
        (Some("desk~3 1"), "desk", 3, Some("desk~4")),
        (Some("desk~3 5"), "desk~3", 5, None),
        // Another device's mark (a database made anew at this path): not this device's history.
        (Some("kiosk 40"), "desk", 3, None),
    ];
    for (noted, origin, records, expected) in cases {
        let mut desk = store("desk");
        if origin != "desk" {
            // A device that moved to a later origin before (its clock put right).
            desk.keep_written_mark(mark.clone());
            std::fs::write(&mark, "desk~2 0\n").unwrap();
            assert_eq!(desk.resume_after_restore().unwrap().map(|r| r.origin.to_string()).as_deref(), Some(origin));
        }
        for n in 0..records {
            add(&mut desk, &format!("p{n}"));
        }
        match noted {
            Some(text) => std::fs::write(&mark, format!("{text}\n")).unwrap(),
            None => {
                let _ = std::fs::remove_file(&mark);
            }
        }
        desk.keep_written_mark(mark.clone());
        let restored = desk.resume_after_restore().unwrap();
        assert_eq!(restored.as_ref().map(|r| r.origin.as_str()), expected, "{noted:?} on {origin}#{records}");
        // It writes on under it, and the mark follows each write.
        add(&mut desk, "after");
        let now = expected.unwrap_or(origin);
        assert_eq!(desk.origin().unwrap().as_str(), now, "{noted:?}");
        let seq = if expected.is_some() { 1 } else { records + 1 };
        assert_eq!(std::fs::read_to_string(&mark).unwrap(), format!("{now} {seq}\n"), "{noted:?}");
    }
}

/// A row's stamps are this device's own: a kiosk whose owner garbles them in its file (or a disk that does)
/// still takes the venue's records. The row is made again from the log, and still judged by its stamps.
#[test]
fn a_row_whose_stamps_were_garbled_in_the_file_is_made_again_and_syncing_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    let mut desk = store("desk");
    let mut laptop = store("laptop");
    let first = desk
        .write(
            Timestamp(T0),
            [attendee("a1", "Ana"), attendee("b1", "Bo")].iter().flat_map(|a| Op::put(a, None)).collect(),
        )
        .unwrap();
    let mut kiosk = Store::open(&path, "kiosk".into()).unwrap();
    kiosk.apply(&first, Timestamp(T0)).unwrap();
    laptop.apply(&first, Timestamp(T0)).unwrap();
    // An edit the laptop made earlier than the desk's renames (it must lose wherever it arrives).
    let early = laptop
        .write(
            Timestamp(T0 + 1_000),
            vec![Op::Set { entity: Entity::Attendee, id: "a1".into(), field: "name", value: json!("Early") }],
        )
        .unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE attendees SET versions = 'not json' WHERE id = 'a1'", [])
        .unwrap();

    let renames: Vec<Op> = [("a1", "Ana Lima"), ("b1", "Bo Chen")]
        .into_iter()
        .map(|(id, name)| Op::Set { entity: Entity::Attendee, id: id.into(), field: "name", value: json!(name) })
        .collect();
    let later = desk.write(Timestamp(T0 + 60_000), renames).unwrap();
    kiosk.apply(&later, Timestamp(T0 + 60_000)).unwrap();
    kiosk.apply(&early, Timestamp(T0 + 60_000)).unwrap();
    desk.apply(&early, Timestamp(T0 + 60_000)).unwrap();
    assert_eq!(kiosk.get::<Attendee>("a1").unwrap().unwrap().name, "Ana Lima");
    assert_eq!(kiosk.get::<Attendee>("b1").unwrap().unwrap().name, "Bo Chen");
    assert_eq!(kiosk.full_digest().unwrap(), desk.full_digest().unwrap());
}

/// The organizer's review list (deleted, then edited) is the same on every device that holds the same
/// records: an erased person's personal fields are judged only where an edit of them arrived before the
/// erasure, so they do not count there.
#[test]
fn a_deleted_erased_person_edited_offline_is_listed_alike_everywhere() {
    let mut desk = store("desk");
    let mut laptop = store("laptop");
    let eve = desk.write(Timestamp(T0), Op::put(&attendee("e1", "Eve"), None)).unwrap();
    laptop.apply(&eve, Timestamp(T0)).unwrap();
    let mut gone = desk
        .write(
            Timestamp(T0 + 1_000),
            vec![Op::Set { entity: Entity::Erasure, id: "e1".into(), field: "erased", value: json!(true) }],
        )
        .unwrap();
    gone.extend(desk.write(Timestamp(T0 + 2_000), vec![Op::delete(Entity::Attendee, "e1")]).unwrap());
    // Offline, the laptop corrects her e-mail after all that (its clock is later).
    let email = Op::Set { entity: Entity::Attendee, id: "e1".into(), field: "email", value: json!("eve@example.org") };
    let edit = laptop.write(Timestamp(T0 + 3_000), vec![email]).unwrap();
    desk.apply(&edit, Timestamp(T0 + 4_000)).unwrap();
    laptop.apply(&gone, Timestamp(T0 + 4_000)).unwrap();
    let mut fresh = store("fresh");
    fresh.apply(&desk.changes().unwrap(), Timestamp(T0 + 4_000)).unwrap();
    let listed = |store: &Store| store.deleted_then_edited().unwrap().into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(listed(&laptop), listed(&desk), "the laptop and the desk");
    assert_eq!(listed(&fresh), listed(&desk), "a device that joined after");
    assert_eq!(laptop.full_digest().unwrap(), desk.full_digest().unwrap());
}

/// Every record must fit in one sync message with room to spare: one over the most any record holds is
/// refused when it is written, an organizer's too, in words, and nothing of its write is kept.
#[test]
fn a_record_too_long_to_share_is_refused_when_it_is_written() {
    let mut store = store("laptop");
    let limit = sprintdesk_store::trust::RECORD_MAX_BYTES;
    // (what, the name's length in bytes, taken) — a name's JSON is its text and two quotes.
    for (what, length, taken) in [("at the most", limit - 2, true), ("one byte over", limit - 1, false)] {
        let before = store.changes().unwrap().len();
        let id = format!("a-{length}");
        let result = store.write(Timestamp(T0), Op::put(&attendee(&id, &"n".repeat(length)), None));
        match (result, taken) {
            (Ok(_), true) => assert!(store.get::<Attendee>(&id).unwrap().is_some(), "{what}"),
            (Err(StoreError::NotAllowed(why)), false) => {
                assert!(why.contains("too long to keep and share"), "{what}: {why}");
                assert_eq!(store.changes().unwrap().len(), before, "{what}: something was kept");
                assert_eq!(store.get::<Attendee>(&id).unwrap(), None, "{what}");
            }
            (other, _) => panic!("{what}: {other:?}"),
        }
    }
}

/// A device signs its chain after every `PROOF_BYTES` of values too, not only every `PROOF_EVERY` records:
/// a receiver takes records only up to a proof and a batch is cut to a few MiB, so a write of many large
/// records (issued again after a clock fix, say) must not run 256 records between two proofs.
#[test]
fn a_write_of_large_records_is_signed_every_megabyte() {
    let mut store = store("laptop");
    let text = "x".repeat(100_000);
    let ops: Vec<Op> = (0..40)
        .map(|i| Op::Set {
            entity: Entity::RetroAnswer,
            id: format!("r-{i}@laptop"),
            field: "replies",
            value: json!([{"question": "q", "text": text}]),
        })
        .collect();
    let written = store.write(Timestamp(T0), ops).unwrap();
    let proven: Vec<usize> = written.iter().enumerate().filter(|(_, c)| c.proof.is_some()).map(|(i, _)| i).collect();
    let mut bytes_between = 0;
    let mut last = None;
    for &at in &proven {
        let from = last.map_or(0, |l: usize| l + 1);
        bytes_between = written[from..=at].iter().map(|c| c.value.to_string().len()).sum::<usize>().max(bytes_between);
        last = Some(at);
    }
    assert_eq!(last, Some(39), "the last record carries a proof");
    let most = sprintdesk_store::trust::PROOF_BYTES + 101_000;
    assert!(bytes_between <= most, "{bytes_between} bytes between two proofs: {proven:?}");
    assert!(proven.len() >= 4, "{proven:?}");
}

/// Two devices edit one field while apart. The one whose write wins (the later) is the only one that can
/// tell the other's was made without it: it arrives after this device wrote. Each case: what device B does
/// and in what order, and whether B notes A's edit as lost.
#[test]
fn an_edit_replaced_unseen_by_this_devices_later_write_is_noted_there_alone() {
    let goal_title = |title: &str| Project { name: title.into(), ..django() };
    // (case, B's steps, A's edit noted at B)
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Step {
        /// A writes (at T0 + 1 s) and B receives it.
        AWritesAndBHears,
        /// A writes (at T0 + 1 s) and B does not hear of it yet.
        AWritesUnheard,
        /// B writes (at T0 + 2 s).
        BWrites,
        /// B writes the same name A wrote (at T0 + 2 s).
        BWritesTheSame,
        /// B receives what it has not heard.
        BHears,
        /// C, a third device, writes later (T0 + 3 s) and B hears it, then hears A.
        CWritesLaterThenBHears,
        /// A writes again (at T0 + 4 s, having heard B) and B hears it.
        AWritesLaterAndBHears,
        /// A saves the name once more (at T0 + 1.5 s), still apart.
        AWritesAgainUnheard,
    }
    use Step::*;
    let cases: &[(&str, &[Step], bool)] = &[
        ("apart: B's later write replaced A's unseen", &[AWritesUnheard, BWrites, BHears], true),
        ("B heard A before writing: an ordinary edit", &[AWritesAndBHears, BWrites], false),
        ("B wrote first, A's later write wins: A's device, not B, can tell", &[BWrites, AWritesLaterAndBHears], false),
        ("the same text on both: nothing lost", &[AWritesUnheard, BWritesTheSame, BHears], false),
        ("someone else wrote since: no longer B's to judge", &[AWritesUnheard, BWrites, CWritesLaterThenBHears], false),
        (
            "A wrote again after hearing B: what stands is A's",
            &[AWritesUnheard, BWrites, BHears, AWritesLaterAndBHears],
            false,
        ),
        (
            "A saved twice apart: only A's last save was lost",
            &[AWritesUnheard, AWritesAgainUnheard, BWrites, BHears],
            true,
        ),
    ];
    for (case, steps, noted) in cases {
        let (mut a, mut b, mut c) = (store("a-laptop"), store("b-laptop"), store("c-laptop"));
        let base = a.write(Timestamp(T0), Op::put(&django(), None)).unwrap();
        b.apply(&base, Timestamp(T0)).unwrap();
        c.apply(&base, Timestamp(T0)).unwrap();
        let mut unheard = Vec::new();
        for step in *steps {
            match step {
                AWritesAndBHears | AWritesUnheard => {
                    let edit =
                        a.write(Timestamp(T0 + 1_000), Op::put(&goal_title("Django (docs)"), Some(&django()))).unwrap();
                    if matches!(step, AWritesAndBHears) {
                        b.apply(&edit, Timestamp(T0 + 1_000)).unwrap();
                    } else {
                        unheard.extend(edit);
                    }
                }
                BWrites | BWritesTheSame => {
                    let name = if matches!(step, BWrites) { "Django (tests)" } else { "Django (docs)" };
                    let before = b.get::<Project>("p1").unwrap().unwrap();
                    let edit = b.write(Timestamp(T0 + 2_000), Op::put(&goal_title(name), Some(&before))).unwrap();
                    a.apply(&edit, Timestamp(T0 + 2_000)).unwrap();
                    c.apply(&edit, Timestamp(T0 + 2_000)).unwrap();
                }
                BHears => {
                    b.apply(&std::mem::take(&mut unheard), Timestamp(T0 + 2_500)).unwrap();
                }
                CWritesLaterThenBHears => {
                    let before = c.get::<Project>("p1").unwrap().unwrap();
                    let edit =
                        c.write(Timestamp(T0 + 3_000), Op::put(&goal_title("Django (C)"), Some(&before))).unwrap();
                    b.apply(&edit, Timestamp(T0 + 3_000)).unwrap();
                    b.apply(&std::mem::take(&mut unheard), Timestamp(T0 + 3_000)).unwrap();
                }
                AWritesAgainUnheard => {
                    let before = a.get::<Project>("p1").unwrap().unwrap();
                    let edit = a
                        .write(Timestamp(T0 + 1_500), Op::put(&goal_title("Django (docs, v2)"), Some(&before)))
                        .unwrap();
                    unheard.extend(edit);
                }
                AWritesLaterAndBHears => {
                    a.apply(&b.changes().unwrap(), Timestamp(T0 + 4_000)).unwrap();
                    let before = a.get::<Project>("p1").unwrap().unwrap();
                    let edit = a
                        .write(Timestamp(T0 + 4_000), Op::put(&goal_title("Django (A again)"), Some(&before)))
                        .unwrap();
                    b.apply(&edit, Timestamp(T0 + 4_000)).unwrap();
                }
            }
        }
        let lost = b.lost_edits().unwrap();
        assert_eq!(!lost.is_empty(), *noted, "{case}: {lost:?}");
        if *noted {
            assert_eq!(lost.len(), 1, "{case}: {lost:?}");
            assert_eq!((lost[0].entity, lost[0].id.as_str(), lost[0].field.as_str()), (Entity::Project, "p1", "name"));
            let last_of_a = if steps.contains(&AWritesAgainUnheard) { "Django (docs, v2)" } else { "Django (docs)" };
            assert_eq!((lost[0].lost.value.clone(), lost[0].kept.clone()), (json!(last_of_a), json!("Django (tests)")));
            assert_eq!(lost[0].lost.origin, DeviceId::from("a-laptop"));
        }
        // Nobody else notes anything: only the winning write's author can tell.
        assert!(a.lost_edits().unwrap().is_empty() && c.lost_edits().unwrap().is_empty(), "{case}");
    }
}

/// A lost edit is forgotten once the person chose; an erasure of the person it is about clears its value
/// from the change log, and it is no longer offered.
#[test]
fn a_lost_edit_goes_when_chosen_or_when_its_value_is_erased() {
    // B renames Ana without having heard A's renaming: A's is lost, and noted at B.
    let apart = || {
        let (mut a, mut b) = (store("a-laptop"), store("b-laptop"));
        let ana = attendee("a1", "Ana");
        b.apply(&a.write(Timestamp(T0), Op::put(&ana, None)).unwrap(), Timestamp(T0)).unwrap();
        let from_a = a.write(Timestamp(T0 + 1_000), Op::put(&attendee("a1", "Ana Lima"), Some(&ana))).unwrap();
        b.write(Timestamp(T0 + 2_000), Op::put(&attendee("a1", "Ana Souza"), Some(&ana))).unwrap();
        b.apply(&from_a, Timestamp(T0 + 2_000)).unwrap();
        let lost = b.lost_edits().unwrap();
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].lost.value, json!("Ana Lima"));
        (b, lost[0].lost.seq)
    };
    let (mut b, seq) = apart();
    assert!(!b.forget_lost_edit("a-laptop", seq + 1).unwrap(), "no such note");
    assert!(b.forget_lost_edit("a-laptop", seq).unwrap());
    assert!(b.lost_edits().unwrap().is_empty(), "forgotten once chosen");

    let (mut b, _) = apart();
    b.write(
        Timestamp(T0 + 3_000),
        vec![Op::Set { entity: Entity::Erasure, id: "a1".into(), field: ERASURE_FIELD, value: json!(true) }],
    )
    .unwrap();
    assert!(b.lost_edits().unwrap().is_empty(), "an erased person's lost name is not offered back");
}

/// A "no photos" pressed on a kiosk apart, crossed by the organizer's yes made without it: the yes wins
/// everywhere, and the organizer's device lists the kiosk's no to put back.
#[test]
fn a_kiosks_no_photos_crossed_by_an_organizers_yes_is_listed_on_the_organizers_device() {
    let (mut desk, mut kiosk) = (store("desk"), store("kiosk"));
    let kim = attendee("a1", "Kim");
    kiosk.apply(&desk.write(Timestamp(T0), Op::put(&kim, None)).unwrap(), Timestamp(T0)).unwrap();
    let no = Attendee { photo_consent: Some(false), ..kim.clone() };
    let declined = kiosk.write(Timestamp(T0 + 1_000), Op::put(&no, Some(&kim))).unwrap();
    let yes = Attendee { photo_consent: Some(true), ..kim.clone() };
    desk.write(Timestamp(T0 + 2_000), Op::put(&yes, Some(&kim))).unwrap();
    desk.apply(&declined, Timestamp(T0 + 2_000)).unwrap();
    let lost = desk.lost_edits().unwrap();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(
        (lost[0].field.as_str(), &lost[0].lost.value, &lost[0].kept),
        ("photo_consent", &json!(false), &json!(true))
    );
}

/// The lost edits a device keeps are bounded, the newest kept: a device that writes over and over buries
/// nothing that came after (when the list was full, no new one was noted).
#[test]
fn the_lost_edits_kept_are_the_newest_five_hundred() {
    let (mut a, mut b) = (store("a-laptop"), store("b-laptop"));
    let projects: Vec<Project> = (0..510)
        .map(|n| Project { id: ProjectId::from(format!("p{n:03}").as_str()), name: format!("Project {n}"), ..django() })
        .collect();
    let base: Vec<Op> = projects.iter().flat_map(|p| Op::put(p, None)).collect();
    b.apply(&a.write(Timestamp(T0), base).unwrap(), Timestamp(T0)).unwrap();
    let renamed = |p: &Project, by: &str| Project { name: format!("{} ({by})", p.name), ..p.clone() };
    let from_a: Vec<Op> = projects.iter().flat_map(|p| Op::put(&renamed(p, "a"), Some(p))).collect();
    let from_a = a.write(Timestamp(T0 + 1_000), from_a).unwrap();
    let from_b: Vec<Op> = projects.iter().flat_map(|p| Op::put(&renamed(p, "b"), Some(p))).collect();
    b.write(Timestamp(T0 + 2_000), from_b).unwrap();
    b.apply(&from_a, Timestamp(T0 + 2_000)).unwrap();
    let lost = b.lost_edits().unwrap();
    assert_eq!(lost.len(), 500);
    assert!(lost.iter().any(|edit| edit.id == "p509"), "the newest is kept");
    assert!(!lost.iter().any(|edit| edit.id == "p000"), "the oldest went");
}

#[test]
fn an_erasures_keys_are_the_venues_are_logged_and_go_with_everyones_personal_data() {
    let desk = store("desk");
    let venue = desk.create_venue().unwrap();
    let keys = desk.person_keys().unwrap().expect("an organizer's device holds the venue's secret");
    let zofia = keys.of("email", "zofia.q@example.org").unwrap();
    // As an import and the door compare them: trimmed, without regard to case; a field's own.
    let cases: [(&str, &str, Option<&String>); 5] = [
        ("email", " Zofia.Q@Example.ORG ", Some(&zofia)),
        ("badge_code", "zofia.q@example.org", None),
        ("email", "zofia.q@example.org.", None),
        ("name", "Zofia", None),
        ("email", "  ", None),
    ];
    for (field, value, same) in cases {
        let key = keys.of(field, value);
        match same {
            Some(same) => assert_eq!(key.as_ref(), Some(same), "{field} {value:?}"),
            None => assert!(key.as_ref() != Some(&zofia), "{field} {value:?}"),
        }
    }
    assert_eq!(keys.of("name", "Zofia"), None);
    assert_eq!(keys.of("email", "  "), None);
    // With a name, folded as the "same person" rule folds it; another name is another key.
    let with_name = keys.of_email_and_name("zofia.q@example.org", "Zofia Quast").unwrap();
    assert_eq!(keys.of_email_and_name(" ZOFIA.Q@example.org", "zofia  quast").as_ref(), Some(&with_name));
    assert_ne!(keys.of_email_and_name("zofia.q@example.org", "Bruno Neumann").as_ref(), Some(&with_name));
    assert_ne!(with_name, zofia);
    // Another venue's keys differ; a device that holds only the venue's public key (a kiosk) has none.
    let other = store("other");
    other.create_venue().unwrap();
    assert_ne!(other.person_keys().unwrap().unwrap().of("email", "zofia.q@example.org"), Some(zofia.clone()));
    let kiosk = store("kiosk");
    kiosk.pin_venue(&venue, None).unwrap();
    assert!(kiosk.person_keys().unwrap().is_none());

    // Logged with the erasure; a malformed list is refused and changes nothing.
    let mut desk = desk;
    let mut erase = |id: &str, field: &'static str, value: serde_json::Value, at: i64| {
        desk.write(Timestamp(T0 + at), vec![Op::Set { entity: Entity::Erasure, id: id.into(), field, value }])
    };
    erase("a1", ERASURE_FIELD, json!(true), 1).unwrap();
    erase("a1", "keys", json!([zofia]), 2).unwrap();
    for bad in [json!("x"), json!(["not hex"]), json!([zofia.to_uppercase() + "0"]), json!(vec![zofia.clone(); 65])] {
        assert!(erase("a2", "keys", bad.clone(), 3).is_err(), "{bad}");
    }
    assert_eq!(desk.erased_person_keys().unwrap(), std::collections::BTreeSet::from([zofia.clone()]));
    assert_eq!(desk.erased().unwrap(), std::collections::HashSet::from(["a1".to_owned()]), "a list is no erasure");

    // When everyone's personal data goes (the retention period), the keys go with it.
    desk.write(
        Timestamp(T0 + 4),
        vec![Op::Set { entity: Entity::Erasure, id: "*".into(), field: ERASURE_FIELD, value: json!(true) }],
    )
    .unwrap();
    assert!(desk.erased_person_keys().unwrap().is_empty());
    assert!(desk.changes().unwrap().iter().all(|c| !c.value.to_string().contains(&zofia)));
    // A device that had not heard of any of it takes the cleared keys as they come (it refused them, and
    // could never sync again).
    let mut late = store("late");
    late.apply(&desk.changes().unwrap(), Timestamp(T0 + 5)).unwrap();
    assert!(late.erased_person_keys().unwrap().is_empty());
    assert_eq!(late.full_digest().unwrap(), desk.full_digest().unwrap());
    // An erasure another organizer made offline arrives after everyone's: its keys are cleared on arrival.
    let mut spare = store("spare");
    let ana = keys.of("email", "ana@example.org").unwrap();
    let offline = spare
        .write(
            Timestamp(T0 + 3),
            vec![
                Op::Set { entity: Entity::Erasure, id: "a2".into(), field: ERASURE_FIELD, value: json!(true) },
                Op::Set { entity: Entity::Erasure, id: "a2".into(), field: "keys", value: json!([ana]) },
            ],
        )
        .unwrap();
    desk.apply(&offline, Timestamp(T0 + 6)).unwrap();
    assert!(desk.erased_person_keys().unwrap().is_empty());
    assert!(desk.changes().unwrap().iter().all(|c| !c.value.to_string().contains(&ana)), "cleared as it came");
}
