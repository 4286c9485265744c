//! Every command that changes the sprint leaves change records about what it changed, and the log alone
//! rebuilds the sprint: that is what sync exchanges, so nothing may change without a record. The table is
//! checked against the API's own list of commands, so a new writing command cannot be left out.

use serde_json::{Value, json};
use sprintdesk_api::Host;
use sprintdesk_api::commands::COMMANDS;
use sprintdesk_core::domain::{Device, DeviceId, DeviceRole, Timestamp};
use sprintdesk_core::store::{Entity, Op, Store};
use sprintdesk_core::{Clock, Desk, FixedClock, SequentialIds};
use std::collections::BTreeSet;
use std::sync::Arc;

pub fn desk_at(device: &str, clock: Arc<FixedClock>) -> Desk {
    Desk::new(Store::open_in_memory(DeviceId::from(device)).unwrap(), clock, Arc::new(SequentialIds::default()))
}

/// 2026-07-13 10:00 UTC, the first morning of the test sprint.
pub fn morning() -> Timestamp {
    Timestamp(1_783_936_800_000)
}

/// A two-day sprint from 2026-07-13, in UTC.
pub fn new_test_sprint() -> sprintdesk_core::NewSprint {
    serde_json::from_value(json!({"name": "EuroPython sprints", "time_zone": "UTC", "start": "2026-07-13", "days": 2}))
        .unwrap()
}

/// One row: the command, how to make its arguments (which may read the sprint first), and the kinds of
/// record it must write (none for this device's own settings, which are not replicated).
struct Row {
    command: &'static str,
    args: Box<dyn Fn(&Host) -> Value>,
    entities: &'static [Entity],
}

fn row(command: &'static str, entities: &'static [Entity], args: impl Fn(&Host) -> Value + 'static) -> Row {
    Row { command, args: Box::new(args), entities }
}

fn ok(host: &Host, command: &str, args: Value) -> Value {
    host.call(command, args).unwrap_or_else(|e| panic!("{command}: {}", e.message))
}

fn first_goal(host: &Host) -> Value {
    ok(host, "board", Value::Null)["projects"][0]["goals"][0]["id"].clone()
}

#[test]
fn every_writing_command_records_its_changes_and_the_log_replays_to_the_same_sprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sprint.db");
    let clock = Arc::new(FixedClock::new(morning()));
    let host = Host::open(&db, dir.path(), clock.clone(), Arc::new(SequentialIds::default())).unwrap();
    let attendees = "name,email,handle,roles,first_timer,badge\nAna Núñez,ana@example.org,ana,mentor,no,B-1\nBo Chen,,bo,sprinter,yes,B-2\nCy Diallo,,cy,sprinter,no,B-3\n";
    let issues = r#"[{"number": 7, "title": "Docs typo", "labels": [{"name": "good first issue"}], "url": "https://github.com/example/proj/issues/7", "state": "OPEN"},
                     {"number": 8, "title": "Crash", "labels": [], "url": "https://github.com/example/proj/issues/8", "state": "OPEN"}]"#;
    use Entity::{Attendee, ClaimEvent, Goal, Issue, PresenceEvent, Project, StatusUpdate};
    let rows = vec![
        row(
            "create_sprint",
            &[Entity::Sprint, Entity::Device],
            // Three days, the second made a break below: a claim can still be kept over a night.
            |_| json!({"name": "EuroPython sprints", "time_zone": "UTC", "start": "2026-07-13", "days": 3}),
        ),
        row("update_sprint", &[Entity::Sprint], |host| {
            let mut sprint = ok(host, "sprint", Value::Null);
            sprint["days"][1]["is_break"] = json!(true);
            sprint["venue"]["wifi"] = json!("EuroPython / sprints2026");
            sprint
        }),
        row("import_attendees", &[Attendee], move |_| json!({"text": attendees})),
        // The wrong file imported, and taken back: its person deleted, a changed e-mail set back.
        row("undo_import", &[Attendee], |host| {
            let report = ok(
                host,
                "import_attendees",
                json!({"text": "name,email,badge\nEve Wrong,,W-1\nAna Núñez,wrong@example.org,B-1\n"}),
            );
            json!({"id": report["undo"]})
        }),
        row("add_attendee", &[Attendee], |_| json!({"name": "Dee Added", "roles": ["sprinter"]})),
        row("edit_attendee", &[Attendee], |host| {
            let mut dee = ok(host, "attendee", json!({"attendee": "Dee Added"}));
            dee["email"] = json!("dee@example.org");
            json!({"id": dee["id"], "name": dee["name"], "handle": dee["handle"], "email": dee["email"],
                   "roles": dee["roles"], "first_timer": dee["first_timer"], "badge_code": dee["badge_code"]})
        }),
        row("merge_attendees", &[Attendee], |_| json!({"duplicate": "Dee Added", "survivor": "@cy"})),
        // Taken back, then merged again (the erasure below erases both).
        row(
            "separate_attendee",
            &[Attendee],
            |host| json!({"duplicate": ok(host, "merged_duplicates", json!({"attendee": "@cy"}))[0]["id"]}),
        ),
        row("merge_attendees", &[Attendee], |_| json!({"duplicate": "Dee Added", "survivor": "@cy"})),
        row(
            "add_project",
            &[Project, Attendee],
            |_| json!({"name": "Proj", "repo_url": "https://github.com/example/proj", "table_label": "T1", "leads": ["@ana"]}),
        ),
        row("edit_project", &[Project, Attendee], |_| {
            json!({"project": "Proj", "to": {"name": "Proj", "repo_url": "https://github.com/example/proj",
                   "table_label": "T1", "leads": ["@ana", "@bo"]}})
        }),
        row(
            "set_help_wanted",
            &[Project],
            |_| json!({"project": "Proj", "help_wanted": true, "note": "a Windows hand"}),
        ),
        row("standup", &[Entity::Standup], |_| json!({"action": "start"})),
        row("add_goal", &[Goal], |_| json!({"project": "Proj", "title": "Ship 1.0", "beginner_friendly": true})),
        row("set_goal_status", &[Goal], |host| json!({"goal": first_goal(host), "status": "done"})),
        row(
            "edit_goal",
            &[Goal],
            |host| json!({"goal": first_goal(host), "title": "Ship 1.0.1", "beginner_friendly": false}),
        ),
        // A co-lead's edit that ours replaced unseen, put back: a new edit of the goal from here. (How such an
        // edit comes to be noted, between two paired laptops, is `tests/lan.rs`'s; here the note is made in
        // the file, about a co-lead's rename written into it.)
        row("settle_lost_edit", &[Goal], {
            let db = db.clone();
            move |host| {
                let goal = first_goal(host);
                let id = goal.as_str().unwrap().to_owned();
                let mut colead = Store::open(&db, "colead".into()).unwrap();
                let theirs = colead
                    .write(
                        morning(),
                        vec![Op::Set { entity: Goal, id: id.clone(), field: "title", value: json!("Ship 1.0 (docs)") }],
                    )
                    .unwrap();
                ok(host, "edit_goal", json!({"goal": goal, "title": "Ship 1.0 (tests)", "beginner_friendly": false}));
                rusqlite::Connection::open(&db)
                    .unwrap()
                    .execute(
                        "INSERT INTO local_lost_edits (origin, seq, entity, entity_id, field) VALUES ('colead', ?1, 'goal', ?2, 'title')",
                        rusqlite::params![theirs[0].seq, id],
                    )
                    .unwrap();
                let lost = ok(host, "lost_edits", Value::Null);
                assert_eq!(
                    (&lost[0]["theirs"], &lost[0]["ours"]),
                    (&json!("Ship 1.0 (docs)"), &json!("Ship 1.0 (tests)")),
                    "{lost}"
                );
                json!({"key": lost[0]["key"], "put_back": true})
            }
        }),
        row(
            "set_status",
            &[StatusUpdate],
            |_| json!({"project": "Proj", "done": "setup", "next": "PRs", "blockers": "none"}),
        ),
        row("import_issues", &[Issue], move |_| json!({"text": issues})),
        row("import_prs", &[Entity::PullRequest], |_| {
            let pull = json!([{"author": {"login": "ana"}, "body": "", "closedAt": null, "createdAt": "2026-07-13T09:00:00Z",
                "labels": [], "mergedAt": null, "number": 7, "state": "OPEN", "title": "Faster start",
                "url": "https://github.com/example/proj/pull/7"}]);
            json!({"text": pull.to_string()})
        }),
        row("answer_retro", &[Entity::RetroAnswer], |_| json!({"replies": [{"question": "q1", "rating": 5}]})),
        row(
            "sign_in",
            &[Attendee, PresenceEvent],
            |_| json!({"attendee": "@bo", "project": "T1", "accept_code_of_conduct": true, "photo_consent": true}),
        ),
        row(
            "register_walk_in",
            &[Attendee, PresenceEvent],
            |_| json!({"name": "Eve Walk-In", "project": "T1", "accept_code_of_conduct": true}),
        ),
        // At the door a first badge follows a walk-in's registration there (its undo token shows it).
        row("print_badge", &[Attendee, Entity::BadgePrint], |host| {
            let registered = ok(
                host,
                "register_walk_in",
                json!({"name": "Gus Walk-In", "project": "T1", "accept_code_of_conduct": true}),
            );
            json!({"attendee": registered["person"]["id"], "token": registered["undo"]})
        }),
        row("decline_photos", &[Attendee], |_| json!({"attendee": "@bo"})),
        row("reprint_badge", &[Entity::BadgePrint], |_| json!({"attendee": "@ana"})),
        row("set_printer", &[], |_| json!({"printer": null})),
        row("set_board_pace", &[], |_| json!({"page_seconds": 5})),
        row("undo", &[PresenceEvent, Attendee], |host| {
            let outcome = ok(host, "register_walk_in", json!({"name": "Fay Oops", "accept_code_of_conduct": true}));
            json!({"token": outcome["undo"]})
        }),
        row("claim", &[ClaimEvent], |host| {
            ok(host, "sign_in", json!({"attendee": "@ana", "project": "T1", "accept_code_of_conduct": true}));
            json!({"issue": "#7", "attendee": "@bo", "mentor": "@ana"})
        }),
        row("keep_overnight", &[ClaimEvent], |_| json!({"issue": "#7", "attendee": "@bo"})),
        row("release", &[ClaimEvent], |_| json!({"issue": "#7", "attendee": "@bo"})),
        row("resolve", &[ClaimEvent], {
            let (db, clock) = (db.clone(), clock.clone());
            move |host| {
                ok(host, "sign_in", json!({"attendee": "@cy", "project": "T1", "accept_code_of_conduct": true}));
                ok(host, "claim", json!({"issue": "#8", "attendee": "@cy"}));
                // Ana's claim of the same issue, made meanwhile on a device that was offline (written here
                // as such a record arrives): the issue is contested, and a lead settles it.
                let issue =
                    ok(host, "issues", json!({})).as_array().unwrap().iter().find(|i| i["number"] == 8).unwrap()["id"]
                        .clone();
                let ana = ok(host, "attendee", json!({"attendee": "@ana"}))["id"].clone();
                let device = DeviceId::from(ok(host, "setup", Value::Null)["device"].as_str().unwrap());
                let claim = sprintdesk_core::domain::ClaimEvent {
                    id: sprintdesk_core::domain::EventId::made_by("offline-claim", &device),
                    issue: serde_json::from_value(issue).unwrap(),
                    action: sprintdesk_core::domain::ClaimAction::Claim {
                        attendee: serde_json::from_value(ana).unwrap(),
                        mentor: None,
                    },
                    device: device.clone(),
                    at: clock.now(),
                };
                Store::open(&db, device).unwrap().write(clock.now(), vec![Op::Claim(claim)]).unwrap();
                json!({"issue": "#8", "keep": ["@cy"]})
            }
        }),
        row("mark_pr_opened", &[ClaimEvent], |_| json!({"issue": "#8", "attendee": "@cy"})),
        row("mark_merged", &[ClaimEvent], |_| json!({"issue": "#8"})),
        row("sign_out", &[PresenceEvent], |_| json!({"attendee": "@bo"})),
        row("sign_out_at_door", &[PresenceEvent], |host| {
            ok(host, "sign_in", json!({"attendee": "@bo", "project": "T1"}));
            json!({"attendee": "@bo", "table": "T1"})
        }),
        // Cy and the duplicate merged into them (Dee): two erasures.
        row("erase_attendee", &[Entity::Erasure], |_| json!({"attendee": "@cy"})),
        row("delete", &[Goal], |host| json!({"kind": "goal", "id": first_goal(host)})),
        row("restore", &[Goal], {
            let db = db.clone();
            move |host| {
                let deleted = ok(host, "board", Value::Null)["projects"][0]["goals"].as_array().unwrap().is_empty();
                assert!(deleted, "the deleted goal left the board");
                let log = Store::open(&db, "reader".into()).unwrap().changes().unwrap();
                let id = log.iter().rev().find(|c| c.entity == Goal).unwrap().entity_id.clone();
                json!({"kind": "goal", "id": id})
            }
        }),
        // A revocation retires the device's origins after what this device holds of them.
        row("revoke_device", &[Entity::Device, Entity::Retirement], {
            let db = db.clone();
            move |_| {
                // Another device on the allow-list (as pairing puts it there), written the one way writes go.
                let mut store = Store::open(&db, "projector".into()).unwrap();
                let projector = Device {
                    id: DeviceId::from("projector"),
                    name: "Projector".into(),
                    role: DeviceRole::Board,
                    fingerprint: "ab".repeat(32),
                    paired_by: None,
                    paired_at: Some(morning()),
                    revoked: false,
                    grant: None,
                };
                store.write(morning(), Op::put(&projector, None)).unwrap();
                json!({"device": "projector"})
            }
        }),
        // This device's own settings and join codes: never replicated, so no change record.
        row("set_typed_addresses", &[], |_| json!({"addresses": ["192.168.1.20:7337"]})),
        row("set_mode", &[], |_| json!({"mode": "table_lead", "project": "Proj"})),
        row("pair", &[], |_| json!({"role": "table_lead", "project": "Proj"})),
    ];

    let writing: BTreeSet<&str> = COMMANDS.iter().filter(|c| c.writes).map(|c| c.name).collect();
    let covered: BTreeSet<&str> = rows.iter().map(|r| r.command).collect();
    assert_eq!(covered, writing, "a row for every command that writes, and only those");

    let log = || Store::open(&db, "reader".into()).unwrap().changes().unwrap();
    for row in &rows {
        clock.advance_minutes(1);
        let args = (row.args)(&host);
        let before = log().len();
        ok(&host, row.command, args);
        let kinds: BTreeSet<Entity> = log()[before..].iter().map(|c| c.entity).collect();
        let expected: BTreeSet<Entity> = row.entities.iter().copied().collect();
        assert_eq!(kinds, expected, "{} wrote records about the wrong things", row.command);
    }

    // The log alone rebuilds exactly the same sprint on another device.
    let mut replica = Store::open_in_memory(DeviceId::from("kiosk")).unwrap();
    let log = log();
    replica.apply(&log, morning().plus_minutes(60)).unwrap();
    let digest = ok(&host, "digest", Value::Null);
    assert_eq!(json!(replica.digest().unwrap()), digest);
}

#[test]
fn a_refused_command_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sprint.db");
    let host = Host::open(&db, dir.path(), Arc::new(FixedClock::new(morning())), Arc::new(SequentialIds::default()))
        .unwrap()
        .for_script();
    ok(
        &host,
        "create_sprint",
        json!({"name": "EuroPython sprints", "time_zone": "UTC", "start": "2026-07-13", "days": 2}),
    );
    ok(&host, "import_attendees", json!({"text": "name,badge\nAna,B-1\n"}));
    let ana = ok(&host, "find_badge", json!({"code": "B-1"}))["id"].clone();
    let count = || Store::open(&db, "reader".into()).unwrap().change_count().unwrap();
    let before = count();
    let refusals = [
        ("import_attendees", json!({"text": "name,email\nBo,not-an-email\n"})),
        ("sign_in", json!({"attendee": ana, "accept_code_of_conduct": false})),
        ("sign_in", json!({"attendee": ana, "project": "Nowhere", "accept_code_of_conduct": true})),
        ("add_project", json!({"name": " "})),
        ("claim", json!({"issue": "#1", "attendee": "Ana"})),
        ("create_sprint", json!({"name": "Again", "time_zone": "UTC", "start": "2026-07-13", "days": 2})),
        ("create_sprint", json!({"name": "Long", "time_zone": "UTC", "start": "2026-07-13", "days": 32})),
        ("undo", json!({"token": "u-never-given"})),
    ];
    for (command, args) in refusals {
        assert!(host.call(command, args.clone()).is_err(), "{command} {args} should be refused");
    }
    assert_eq!(count(), before);
}
