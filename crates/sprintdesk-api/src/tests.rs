use crate::Host;
use crate::commands;
use crate::commands::COMMANDS;
use serde_json::Value;
use serde_json::json;
use sprintdesk_core::ApiError;
use sprintdesk_core::domain::DeviceRole;
use sprintdesk_core::domain::Timestamp;
use sprintdesk_core::{ErrorCode, FixedClock, SequentialIds};
use std::path::Path;
use std::sync::Arc;

struct Venue {
    host: Host,
    clock: Arc<FixedClock>,
    _dir: tempfile::TempDir,
}

/// `at("13 10:30")` is 2026-07-13 10:30 UTC, a sprint day.
fn at(text: &str) -> Timestamp {
    let full = format!("2026-07-{text}:00Z").replace(' ', "T");
    Timestamp::from_utc(full.parse().unwrap())
}

impl Venue {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(at("13 10:00")));
        let host =
            Host::open(&dir.path().join("sprint.db"), dir.path(), clock.clone(), Arc::new(SequentialIds::default()))
                .unwrap();
        let venue = Venue { host, clock, _dir: dir };
        venue.ok(
            "create_sprint",
            json!({"name": "EuroPython sprints", "time_zone": "UTC", "start": "2026-07-13", "days": 2}),
        );
        venue.ok("add_attendee", json!({"name": "Łukasz Langa", "handle": "ambv", "badge_code": "QR-1"}));
        venue.ok("add_attendee", json!({"name": "Ana Lima", "first_timer": true}));
        venue.ok("add_project", json!({"name": "CPython", "table_label": "T1"}));
        venue
    }

    fn call(&self, command: &str, args: Value) -> Result<Value, ApiError> {
        self.host.call(command, args)
    }

    fn ok(&self, command: &str, args: Value) -> Value {
        self.call(command, args).unwrap_or_else(|e| panic!("{command}: {} ({:?})", e.message, e.code))
    }

    fn code(&self, command: &str, args: Value) -> String {
        match self.call(command, args) {
            Ok(value) => panic!("{command} should have been refused, gave {value}"),
            Err(error) => code_name(error.code),
        }
    }

    fn person(&self, query: &str) -> Value {
        self.ok("search", json!({"query": query}))[0].clone()
    }

    fn here_now(&self) -> u64 {
        self.ok("presence", Value::Null)["here_now"].as_u64().unwrap()
    }
}

fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code).unwrap().as_str().unwrap().to_owned()
}

/// The `.ts` files of a folder, by name.
fn typescript_files(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Default::default() };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "ts"))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap()))
        .collect()
}

/// Generates the UI's bindings (every type a command takes or gives, and the command map) and compares
/// them with the committed ones. It never writes them unless asked: `SPRINTDESK_BLESS=1 cargo test`.
#[test]
fn the_committed_typescript_bindings_are_current() {
    let out = tempfile::tempdir().unwrap();
    let cfg = ts_rs::Config::from_env().with_out_dir(out.path());
    commands::export_bindings(&cfg).unwrap();
    commands::export_shell_bindings(&cfg).unwrap();
    std::fs::write(out.path().join("commands.ts"), commands::typescript_map(&cfg)).unwrap();
    let fresh = typescript_files(out.path());
    let committed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let committed = typescript_files(&committed_dir);
    assert!(fresh["commands.ts"].contains("  sign_in: { args: SignIn; result: SignInOutcome };"));
    if fresh == committed {
        return;
    }
    if std::env::var("SPRINTDESK_BLESS").as_deref() == Ok("1") {
        for stale in committed.keys().filter(|name| !fresh.contains_key(*name)) {
            std::fs::remove_file(committed_dir.join(stale)).unwrap();
        }
        for (name, text) in &fresh {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
        return;
    }
    let mut differences: Vec<String> = Vec::new();
    for (name, text) in &fresh {
        match committed.get(name) {
            None => differences.push(format!("{name} is missing")),
            Some(old) if old != text => differences.push(format!("{name} is out of date")),
            Some(_) => {}
        }
    }
    differences.extend(committed.keys().filter(|name| !fresh.contains_key(*name)).map(|n| format!("{n} is stale")));
    panic!(
        "ui/src/bindings does not match the Rust types ({}): run `SPRINTDESK_BLESS=1 cargo test -p sprintdesk-api` \
         and commit what it writes",
        differences.join(", ")
    );
}

#[test]
fn every_listed_command_is_answered() {
    let venue = Venue::new();
    for command in COMMANDS {
        if let Err(error) = venue.call(command.name, Value::Null) {
            assert_ne!(error.code, ErrorCode::UnknownCommand, "{} is listed but not dispatched", command.name);
        }
    }
}

#[test]
fn kiosk_sign_in_asks_for_consent_and_can_be_undone() {
    let venue = Venue::new();
    let lukasz = venue.person("lukasz");
    assert_eq!(lukasz["name"], "Łukasz Langa");
    assert_eq!(lukasz["needs_code_of_conduct"], true);
    assert!(lukasz.get("email").is_none(), "a kiosk card never carries an email");
    let id = lukasz["id"].as_str().unwrap();

    assert_eq!(venue.code("sign_in", json!({"attendee": id})), "consent_needed");
    assert_eq!(venue.here_now(), 0, "a refused sign-in changes nothing");

    let outcome = venue.ok(
        "sign_in",
        json!({"attendee": id, "project": "T1", "accept_code_of_conduct": true, "photo_consent": false}),
    );
    assert_eq!(outcome["project"]["name"], "CPython");
    assert_eq!(venue.here_now(), 1);
    assert_eq!(venue.person("lukasz")["needs_code_of_conduct"], false, "asked once");

    let token = outcome["undo"].as_str().unwrap();
    assert_eq!(venue.ok("undo", json!({"token": token})), "Łukasz Langa was signed in");
    let presence = venue.ok("presence", Value::Null);
    assert_eq!((presence["here_now"].as_u64(), presence["today_count"].as_u64()), (Some(0), Some(0)));
    assert_eq!(venue.code("undo", json!({"token": token})), "nothing_to_undo", "an undo happens once");
    // What the sign-in recorded is taken back with it: the code of conduct is asked again.
    assert_eq!(venue.person("lukasz")["needs_code_of_conduct"], true, "the acceptance went with the sign-in");

    let again = venue.ok("sign_in", json!({"attendee": id, "accept_code_of_conduct": true}));
    let out = venue.ok("sign_out", json!({"attendee": id}));
    assert_eq!(venue.here_now(), 0);
    venue.ok("undo", json!({"token": out["undo"]}));
    assert_eq!(venue.here_now(), 1, "undoing a sign-out keeps them here");
    assert!(again["undo"].is_string());
}

#[test]
fn undo_expires() {
    let cases = [(10, true), (15, true), (16, false), (600, false)];
    for (seconds, accepted) in cases {
        let venue = Venue::new();
        let id = venue.person("ana")["id"].as_str().unwrap().to_owned();
        let outcome = venue.ok("sign_in", json!({"attendee": id, "accept_code_of_conduct": true}));
        venue.clock.set(Timestamp(at("13 10:00").0 + seconds * 1000));
        let result = venue.call("undo", json!({"token": outcome["undo"]}));
        assert_eq!(result.is_ok(), accepted, "undo after {seconds} s");
        if !accepted {
            let error = result.unwrap_err();
            assert_eq!(error.code, ErrorCode::TooLateToUndo, "{}", error.message);
            assert_eq!(venue.here_now(), 1, "a late undo changes nothing");
        }
    }
}

#[test]
fn badges_walk_ins_and_their_undo() {
    let venue = Venue::new();
    assert_eq!(venue.ok("find_badge", json!({"code": " QR-1 "}))["name"], "Łukasz Langa");
    assert_eq!(venue.code("find_badge", json!({"code": "QR-404"})), "not_found");

    assert_eq!(venue.code("register_walk_in", json!({"name": "Zoë Ng"})), "consent_needed");
    assert_eq!(venue.code("register_walk_in", json!({"name": "  ", "accept_code_of_conduct": true})), "invalid");
    assert_eq!(
        venue.code("register_walk_in", json!({"name": "Someone", "handle": "AMBV", "accept_code_of_conduct": true})),
        "invalid",
        "a handle already registered points the person to search instead"
    );
    let outcome =
        venue.ok("register_walk_in", json!({"name": "Zoë Ng", "project": "CPython", "accept_code_of_conduct": true}));
    assert_eq!(venue.person("zoe")["here_now"], true);
    venue.ok("undo", json!({"token": outcome["undo"]}));
    assert!(venue.ok("search", json!({"query": "zoe"})).as_array().unwrap().is_empty(), "the registration is gone too");
    assert_eq!(venue.here_now(), 0);
}

#[test]
fn bad_requests_are_refused_in_words() {
    let venue = Venue::new();
    let cases: &[(&str, Value, &str)] = &[
        ("no_such_thing", Value::Null, "unknown_command"),
        ("search", json!({"query": 5}), "bad_arguments"),
        ("search", json!({"query": "a", "extra": true}), "bad_arguments"),
        ("sign_in", json!({"attendee": "nobody", "accept_code_of_conduct": true}), "not_found"),
        ("claim", json!({"issue": "i-1", "attendee": "nobody"}), "not_found"),
        ("set_mode", json!({"mode": "table_lead"}), "invalid"),
        (
            "create_sprint",
            json!({"name": "Again", "time_zone": "UTC", "start": "2026-07-13", "days": 2}),
            "sprint_exists",
        ),
    ];
    for (command, args, code) in cases {
        let error = venue.call(command, args.clone()).unwrap_err();
        assert_eq!(code_name(error.code), *code, "{command} {args}");
        assert!(!error.message.contains('{'), "{command}: message reads as words: {}", error.message);
    }
    assert!(venue.ok("search", json!({"query": ""})).as_array().unwrap().is_empty(), "never the full list");
}

#[test]
fn the_board_turns_its_pages_at_this_devices_pace() {
    let venue = Venue::new();
    let pace = || venue.ok("setup", Value::Null)["board_page_seconds"].as_u64().unwrap();
    assert_eq!(pace(), 12, "the default");
    let cases: &[(u32, Option<&str>, u64)] =
        &[(2, None, 2), (1, Some("invalid"), 2), (121, Some("invalid"), 2), (120, None, 120), (30, None, 30)];
    for &(seconds, refused, then) in cases {
        match (venue.call("set_board_pace", json!({"page_seconds": seconds})), refused) {
            (Ok(setup), None) => assert_eq!(setup["board_page_seconds"], then, "{seconds} s"),
            (Err(error), Some(code)) => assert_eq!(code_name(error.code), code, "{seconds} s"),
            (result, _) => panic!("{seconds} s: unexpected {result:?}"),
        }
        assert_eq!(pace(), then, "{seconds} s");
    }
}

#[test]
fn kiosk_mode_is_left_only_with_the_organizer_pin() {
    struct Step {
        mode: &'static str,
        pin: Option<&'static str>,
        refused: Option<&'static str>,
        then: &'static str,
    }
    let steps = [
        Step { mode: "kiosk", pin: None, refused: Some("not_allowed"), then: "organizer" },
        Step { mode: "kiosk", pin: Some("12"), refused: Some("invalid"), then: "organizer" },
        Step { mode: "kiosk", pin: Some("2468"), refused: None, then: "kiosk" },
        Step { mode: "organizer", pin: None, refused: Some("not_allowed"), then: "kiosk" },
        Step { mode: "board", pin: Some("1111"), refused: Some("not_allowed"), then: "kiosk" },
        Step { mode: "organizer", pin: Some("2468"), refused: None, then: "organizer" },
        Step { mode: "kiosk", pin: Some("1357"), refused: Some("not_allowed"), then: "organizer" },
        Step { mode: "kiosk", pin: Some("2468"), refused: None, then: "kiosk" },
        Step { mode: "table_lead", pin: Some("2468"), refused: None, then: "table_lead" },
    ];
    let venue = Venue::new();
    for (n, step) in steps.iter().enumerate() {
        let args = json!({"mode": step.mode, "pin": step.pin, "project": "CPython"});
        match (venue.call("set_mode", args), step.refused) {
            (Ok(_), None) => {}
            (Err(error), Some(code)) => assert_eq!(code_name(error.code), code, "step {n}"),
            (result, _) => panic!("step {n}: unexpected {result:?}"),
        }
        assert_eq!(venue.ok("setup", Value::Null)["mode"], step.then, "step {n}");
    }
    assert!(venue.ok("setup", Value::Null)["lead_project"].is_string());
}

#[test]
fn wrong_pins_lock_the_pin_for_longer_each_time_and_the_right_one_works_after() {
    let venue = Venue::new();
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    let leave = |pin: &str| venue.call("set_mode", json!({"mode": "organizer", "pin": pin}));
    for n in 1..=4 {
        assert_eq!(leave("1111").unwrap_err().code, ErrorCode::NotAllowed, "wrong PIN {n} costs nothing yet");
    }
    let fifth = leave("1111").unwrap_err();
    assert_eq!(fifth.code, ErrorCode::TooManyTries);
    assert!(fifth.message.contains("again in 1 minute"), "{}", fifth.message);
    // Locked: not even the right PIN is checked.
    let locked = leave("2468").unwrap_err();
    assert_eq!(locked.code, ErrorCode::TooManyTries, "{}", locked.message);
    assert_eq!(venue.ok("setup", Value::Null)["mode"], "kiosk");
    // After the minute, one more wrong PIN locks for two.
    venue.clock.set(at("13 10:01"));
    assert!(leave("1111").unwrap_err().message.contains("again in 2 minutes"));
    venue.clock.set(at("13 10:02"));
    assert_eq!(leave("2468").unwrap_err().code, ErrorCode::TooManyTries, "still locked");
    venue.clock.set(at("13 10:03"));
    venue.ok("set_mode", json!({"mode": "organizer", "pin": "2468"}));
    // The organizer's Devices page lists the lockout: the latest, after six wrong PINs, and over now.
    let lockouts = venue.ok("lockouts", Value::Null);
    assert_eq!(lockouts.as_array().unwrap().len(), 1, "{lockouts}");
    assert_eq!(lockouts[0]["what"], "organizer PIN");
    assert_eq!(lockouts[0]["failures"], 6);
    assert_eq!(lockouts[0]["locked_now"], false);
    // The right PIN cleared the count: the next wrong one costs nothing.
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    assert_eq!(leave("1111").unwrap_err().code, ErrorCode::NotAllowed);
}

#[test]
fn a_locked_kiosk_answers_only_the_door() {
    // Every command, and whether a locked kiosk may use it. The door finds people, signs them in and
    // out, registers walk-ins, undoes, shows the board and sprint it needs, and unlocks with the PIN.
    let table: &[(&str, bool)] = &[
        ("setup", true),
        ("set_mode", true),
        ("set_board_pace", false),
        ("create_sprint", false),
        ("sprint", true),
        ("update_sprint", false),
        ("search", true),
        ("find_badge", true),
        ("sign_in", true),
        ("sign_out", false),
        ("sign_out_at_door", true),
        ("decline_photos", true),
        ("register_walk_in", true),
        ("undo", true),
        ("presence", false),
        ("board", true),
        ("room_board", false),
        ("attendees", false),
        ("attendee", false),
        ("add_attendee", false),
        ("edit_attendee", false),
        ("duplicates", false),
        ("merge_attendees", false),
        ("merged_duplicates", false),
        ("separate_attendee", false),
        ("erase_attendee", false),
        ("retention", false),
        ("export_person", false),
        ("import_attendees", false),
        ("recent_imports", false),
        ("undo_import", false),
        ("projects", false),
        ("add_project", false),
        ("edit_project", false),
        ("edit_goal", false),
        ("set_help_wanted", false),
        ("print_badge", true),
        ("reprint_badge", false),
        ("badge_prints", false),
        ("printers", false),
        ("set_printer", false),
        ("standup", false),
        ("add_goal", false),
        ("set_goal_status", false),
        ("set_status", false),
        ("import_issues", false),
        ("import_prs", false),
        ("sprint_report", false),
        ("report", false),
        ("export", false),
        ("retro", true),
        ("answer_retro", true),
        ("issues", false),
        ("claim", false),
        ("release", false),
        ("keep_overnight", false),
        ("resolve", false),
        ("mark_pr_opened", false),
        ("mark_merged", false),
        ("sync_progress", true),
        ("devices", false),
        ("revoke_device", false),
        ("review", false),
        ("lost_edits", false),
        ("settle_lost_edit", false),
        ("delete", false),
        ("restore", false),
        ("digest", false),
        ("typed_addresses", false),
        ("set_typed_addresses", false),
        ("lockouts", false),
        ("pair", false),
    ];
    let listed: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    assert_eq!(listed, table.iter().map(|(name, _)| *name).collect::<Vec<_>>(), "the table covers every command");

    let venue = Venue::new();
    let attendees_before = venue.ok("attendees", Value::Null);
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    for (name, door) in table {
        let refused = venue
            .call(name, Value::Null)
            .err()
            .filter(|e| e.code == ErrorCode::NotAllowed && e.message.contains("kiosk"));
        assert_eq!(refused.is_none(), *door, "{name} on a locked kiosk");
    }
    // Real arguments change nothing either: the refusal comes before the command runs.
    let refused = venue.call("add_attendee", json!({"name": "Mallory"})).unwrap_err();
    assert!(refused.message.contains("organizer can unlock it with the PIN"), "{}", refused.message);
    venue.ok("set_mode", json!({"mode": "organizer", "pin": "2468"}));
    assert_eq!(venue.ok("attendees", Value::Null), attendees_before);

    // Every other mode is the screen a device opens on, not a lock.
    for mode in ["organizer", "table_lead", "board"] {
        venue.ok("set_mode", json!({"mode": mode, "project": "CPython"}));
        venue.ok("attendees", Value::Null);
        venue.ok("add_goal", json!({"project": "CPython", "title": format!("Goal set from {mode}")}));
    }
}

/// At the door anyone can type a name: signing a person out there needs their badge, or the table they signed
/// in at chosen among every table ("No table" for none). One wrong table, and for ten minutes only the badge
/// signs them out on this device; an organizer's `sign_out` is not the door's.
#[test]
fn the_door_signs_a_person_out_only_with_their_badge_or_their_table() {
    type Attempt = (i64, Value, Result<(), &'static str>);
    let wrong: Value = json!({"table": "Django"});
    // (what happens, where Łukasz signed in ("" for no table), then each try: minutes after the first, what the
    // door sends besides his name, and what it answers)
    let cases: Vec<(&str, &str, Vec<Attempt>)> = vec![
        ("by name, the right table", "T1", vec![(0, json!({"table": "T1"}), Ok(()))]),
        ("the right table by its project's name", "T1", vec![(0, json!({"table": "CPython"}), Ok(()))]),
        ("a wrong table changes nothing", "T1", vec![(0, wrong.clone(), Err("not_allowed"))]),
        (
            "the right table within ten minutes of a wrong one",
            "T1",
            vec![(0, wrong.clone(), Err("not_allowed")), (9, json!({"table": "T1"}), Err("too_many_tries"))],
        ),
        (
            "the right table ten minutes after a wrong one",
            "T1",
            vec![(0, wrong.clone(), Err("not_allowed")), (10, json!({"table": "T1"}), Ok(()))],
        ),
        (
            "a second wrong table in a row: an hour",
            "T1",
            vec![
                (0, wrong.clone(), Err("not_allowed")),
                (10, wrong.clone(), Err("not_allowed")),
                (69, json!({"table": "T1"}), Err("too_many_tries")),
                (70, json!({"table": "T1"}), Ok(())),
            ],
        ),
        (
            "the right table starts the count again",
            "T1",
            vec![
                (0, wrong.clone(), Err("not_allowed")),
                (10, json!({"table": "T1"}), Ok(())),
                (10, wrong.clone(), Err("not_allowed")),
                (20, json!({"table": "T1"}), Ok(())),
            ],
        ),
        (
            "his badge starts the count again, but the lock runs on",
            "T1",
            vec![
                (0, wrong.clone(), Err("not_allowed")),
                (1, json!({"badge": "QR-1"}), Ok(())),
                (5, json!({"table": "T1"}), Err("too_many_tries")),
                (10, wrong.clone(), Err("not_allowed")),
                (20, json!({"table": "T1"}), Ok(())),
            ],
        ),
        ("the badge code", "T1", vec![(0, json!({"badge": " QR-1 "}), Ok(()))]),
        (
            "the badge while tables are off for him",
            "T1",
            vec![(0, wrong.clone(), Err("not_allowed")), (1, json!({"badge": "QR-1"}), Ok(()))],
        ),
        ("a badge that is not his", "T1", vec![(0, json!({"badge": "QR-404"}), Err("not_allowed"))]),
        ("no table, for someone at a table", "T1", vec![(0, json!({"table": null}), Err("not_allowed"))]),
        ("nothing at all, for someone at a table", "T1", vec![(0, json!({}), Err("not_allowed"))]),
        ("no table, for someone at none", "", vec![(0, json!({"table": null}), Ok(()))]),
        ("a table, for someone at none", "", vec![(0, json!({"table": "T1"}), Err("not_allowed"))]),
    ];
    for (case, table, attempts) in cases {
        let venue = Venue::new();
        venue.ok("add_project", json!({"name": "Django", "table_label": "T2"}));
        let lukasz = venue.person("lukasz")["id"].clone();
        venue.ok("sign_in", json!({"attendee": lukasz, "project": table, "accept_code_of_conduct": true}));
        venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
        assert_eq!(venue.code("sign_out", json!({"attendee": lukasz})), "not_allowed", "{case}: not the door's");
        for (minutes, proof, expected) in attempts {
            venue.clock.set(at("13 10:00").plus_minutes(minutes));
            let mut args = json!({"attendee": "Łukasz Langa"});
            args.as_object_mut().unwrap().extend(proof.as_object().unwrap().clone());
            let got = venue.call("sign_out_at_door", args);
            let here = venue.person("lukasz")["here_now"] == true;
            match (got, expected) {
                (Ok(outcome), Ok(())) => {
                    assert_eq!(outcome["person"]["name"], "Łukasz Langa", "{case}");
                    assert!(!here, "{case}: signed out");
                    assert_eq!(venue.ok("undo", json!({"token": outcome["undo"]})), "Łukasz Langa was signed out");
                    assert!(venue.person("lukasz")["here_now"] == true, "{case}: the undo keeps him here");
                }
                (Err(error), Err(code)) => {
                    assert_eq!(code_name(error.code), code, "{case}: {}", error.message);
                    assert!(here, "{case}: a refusal changes nothing");
                    assert!(error.message.contains("Łukasz Langa"), "{case}: {}", error.message);
                    assert!(!error.message.contains("CPython"), "{case}: never where he sits: {}", error.message);
                }
                (got, expected) => panic!("{case} at +{minutes} min: {got:?}, expected {expected:?}"),
            }
        }
    }

    // The refusal says so in words for the person at the door; it locks one person, not everyone.
    let venue = Venue::new();
    venue.ok("add_project", json!({"name": "Django", "table_label": "T2"}));
    for who in ["lukasz", "ana"] {
        let id = venue.person(who)["id"].clone();
        venue.ok("sign_in", json!({"attendee": id, "project": "T1", "accept_code_of_conduct": true}));
    }
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    let refused = venue.call("sign_out_at_door", json!({"attendee": "@ambv", "table": "T2"})).unwrap_err();
    assert_eq!(
        refused.message,
        "That is not where Łukasz Langa signed in. Choosing a table for Łukasz Langa is off here for 10 more \
         minutes: scan your badge, or ask at the desk."
    );
    venue.ok("sign_out_at_door", json!({"attendee": "Ana Lima", "table": "T1"}));
    let locked = venue.call("sign_out_at_door", json!({"attendee": "@ambv", "table": "T1"})).unwrap_err();
    assert!(locked.message.contains("10 more minutes") && locked.message.contains("badge"), "{}", locked.message);
    // Tried again once the ten minutes are over, another wrong table: an hour (said in minutes), then six.
    use sprintdesk_core::domain::Clock;
    venue.clock.set(venue.clock.now().plus_minutes(10));
    let again = venue.call("sign_out_at_door", json!({"attendee": "@ambv", "table": "T2"})).unwrap_err();
    assert!(again.message.contains("off here for 60 more minutes"), "{}", again.message);
    venue.clock.set(venue.clock.now().plus_minutes(60));
    let third = venue.call("sign_out_at_door", json!({"attendee": "@ambv", "table": "T2"})).unwrap_err();
    assert!(third.message.contains("off here for 6 more hours"), "{}", third.message);
    // An organizer signs anyone out.
    venue.ok("set_mode", json!({"mode": "organizer", "pin": "2468"}));
    venue.ok("sign_out", json!({"attendee": "@ambv"}));
    assert_eq!(venue.here_now(), 0);
}

/// Moving someone who is here to another table at the door needs the same proof: otherwise the door could move
/// them to a table of its choosing and then sign them out "from" it, or learn where they sit.
#[test]
fn moving_someone_at_the_door_needs_the_same_proof() {
    let venue = Venue::new();
    venue.ok("add_project", json!({"name": "Django", "table_label": "T2"}));
    let ana = venue.person("ana")["id"].clone();
    venue.ok("sign_in", json!({"attendee": ana, "project": "T1", "accept_code_of_conduct": true}));
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    let board = || venue.ok("board", Value::Null)["projects"].clone();
    let before = board();
    // (the sign-in's proof, what the door answers)
    let cases = [
        (Value::Null, "not_allowed"),                    // no proof: not even "already here"
        (json!({"table": "T2"}), "not_allowed"),         // a wrong table...
        (json!({"table": "T1"}), "too_many_tries"),      // ...locks tables for her for a while
        (json!({"badge": "QR-1"}), "not_allowed"),       // Łukasz's badge is not hers
        (json!({"table": "CPython"}), "too_many_tries"), // still locked
    ];
    for (n, (proof, code)) in cases.into_iter().enumerate() {
        let refused = venue.call("sign_in", json!({"attendee": ana, "project": "T2", "proof": proof})).unwrap_err();
        assert_eq!(code_name(refused.code), code, "case {n}: {}", refused.message);
        assert_eq!(board(), before, "case {n}: nobody moved");
    }
    venue.clock.set(at("13 10:10"));
    let moved = venue.ok("sign_in", json!({"attendee": ana, "project": "T2", "proof": {"table": "T1"}}));
    assert_eq!((moved["project"]["name"].as_str(), moved["already_here"].as_bool()), (Some("Django"), Some(false)));
    // Where someone is not signed in, nothing is asked.
    let lukasz = venue.person("lukasz")["id"].clone();
    venue.ok("sign_in", json!({"attendee": lukasz, "project": "T1", "accept_code_of_conduct": true}));
    venue.ok("sign_in", json!({"attendee": lukasz, "project": "T2", "proof": {"badge": "QR-1"}}));
}

#[test]
fn the_board_tells_a_lead_who_needs_a_mentor_without_contact_details() {
    let venue = Venue::new();
    venue.ok("add_attendee", json!({"name": "Maya Mentor", "roles": ["mentor"], "email": "maya@example.org"}));
    for who in ["ana", "maya"] {
        let id = venue.person(who)["id"].clone();
        venue.ok(
            "sign_in",
            json!({"attendee": id, "project": "T1", "accept_code_of_conduct": true, "photo_consent": false}),
        );
    }
    let board = venue.ok("room_board", Value::Null);
    let present = &board["projects"][0]["present"];
    assert_eq!(
        present,
        &json!([
            {"id": venue.person("ana")["id"], "name": "Ana Lima", "first_timer": true, "can_mentor": false},
            {"id": venue.person("maya")["id"], "name": "Maya Mentor", "first_timer": false, "can_mentor": true},
        ])
    );
    assert_eq!((board["names"].clone(), board["projects"][0]["here"].clone()), (json!(true), json!(2)));
    assert!(!board.to_string().contains("example.org"), "no email on the board");
}

/// The door's board counts who is here but names nobody except the leads: not at a table, not on a claim,
/// not in closing's list, not by id (the search gives ids), not by the device a claim was made on.
#[test]
fn the_doors_board_says_how_many_are_at_a_table_but_not_who() {
    let venue = Venue::new();
    let (ana, lukasz) = (venue.person("ana"), venue.person("lukasz"));
    venue.ok("sign_in", json!({"attendee": ana["id"], "project": "T1", "accept_code_of_conduct": true}));
    venue.ok("sign_in", json!({"attendee": lukasz["id"], "project": "T1", "accept_code_of_conduct": true}));
    let url = "https://github.com/python/cpython/issues/1";
    venue.ok("import_issues", json!({"text": format!("title,url\nCrash,{url}\n"), "project": "CPython"}));
    venue.ok("claim", json!({"issue": url, "attendee": lukasz["id"]}));
    venue.clock.set(at("13 17:40"));
    let room = venue.ok("room_board", Value::Null);
    let door = venue.ok("board", Value::Null);
    let (room_t1, door_t1) = (&room["projects"][0], &door["projects"][0]);
    assert_eq!((room_t1["here"].clone(), door_t1["here"].clone()), (json!(2), json!(2)));
    assert_eq!(room_t1["closing_releases"][0]["person"]["name"], "Łukasz Langa", "the room sees whose claim");
    assert_eq!(door["names"], json!(false));
    assert_eq!(door_t1["present"], json!([]));
    assert_eq!(door_t1["claims"][0]["holders"][0]["state"], room_t1["claims"][0]["holders"][0]["state"]);
    assert_eq!(door_t1["closing_releases"].as_array().map(Vec::len), Some(1), "closing's list is still there");
    for who in [&ana, &lukasz] {
        let (id, name) = (who["id"].as_str().unwrap(), who["name"].as_str().unwrap());
        assert!(room.to_string().contains(name), "{name} is on the room's board");
        assert!(!door.to_string().contains(name), "{name} is not on the door's: {door}");
        assert!(!door.to_string().contains(id), "nor their id");
    }
    assert_eq!(door_t1["claims"][0]["holders"][0]["claimed_on"], Value::Null, "nor the device that made the claim");
}

#[test]
fn writes_tick_the_change_feed() {
    let venue = Venue::new();
    let mut feed = venue.host.subscribe();
    feed.mark_unchanged();
    venue.ok("search", json!({"query": "ana"}));
    assert!(!feed.has_changed().unwrap(), "a read is not a change");
    venue.ok("add_goal", json!({"project": "CPython", "title": "Land the JIT docs"}));
    assert!(feed.has_changed().unwrap());
}

#[test]
fn joining_something_that_is_not_sprintdesk_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(at("13 10:00")));
    let host = Host::open(&dir.path().join("new.db"), dir.path(), clock, Arc::new(SequentialIds::default())).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let error = runtime.block_on(async {
        // A web server where the organizer's sync port should be.
        let web = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = web.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            while let Ok((mut socket, _)) = web.accept().await {
                let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
            }
        });
        ApiError::from(&host.join("7KQ2M-XW4PA", &address, "Door kiosk", Some(DeviceRole::Kiosk)).await.unwrap_err())
    });
    assert_eq!(error.code, ErrorCode::NotSprintdesk, "{}", error.message);
    assert!(error.message.contains("is not a Sprintdesk device"), "{}", error.message);
    assert_eq!(host.call("setup", Value::Null).unwrap()["sprint"], Value::Null, "nothing joined");
}

/// Every code, met the way a person meets it, says what happened in their words. The match is exhaustive:
/// a new code does not compile until it has its row here (and its heading in the UI's `errors.ts`).
/// A sync that the network or the other device cut off is worth trying again (exit 3, as README says); one
/// the other device refused or broke is not.
#[test]
fn a_sync_cut_off_is_unreachable_and_one_refused_is_not() {
    use sprintdesk_sync::SyncError;
    for (error, code) in [
        (SyncError::Silent, ErrorCode::Unreachable),
        (SyncError::Closed, ErrorCode::Unreachable),
        (SyncError::ClosedUnanswered, ErrorCode::Unreachable),
        (SyncError::Denied("no".into()), ErrorCode::NotAllowed),
        (SyncError::NotPaired, ErrorCode::NotAllowed),
        (SyncError::Unexpected("a have before its hello".into()), ErrorCode::SyncFailed),
        (SyncError::Impostor, ErrorCode::Impostor),
        (SyncError::Protocol(sprintdesk_sync::message::ProtocolError::Version { found: 11 }), ErrorCode::OtherVersion),
    ] {
        let said = error.to_string();
        assert_eq!(crate::Error::from(error).code(), code, "{said}");
    }
}

#[test]
fn every_error_code_comes_with_words_a_person_reads() {
    use crate::Error;
    use sprintdesk_sync::SyncError;
    let venue = Venue::new();
    let issue = "https://example.org/cpython/issues/1";
    venue.ok("import_issues", json!({"text": format!("title,url\nCrash,{issue}\n"), "project": "CPython"}));
    let ana = venue.person("ana")["id"].clone();
    let refusal = |command: &str, args: Value| venue.call(command, args).expect_err(command);
    let adapter = |error: Error| ApiError::from(&error);
    for &code in ErrorCode::ALL {
        let error = match code {
            ErrorCode::NoSprint => {
                let dir = tempfile::tempdir().unwrap();
                let clock = Arc::new(FixedClock::new(at("13 10:00")));
                let empty =
                    Host::open(&dir.path().join("new.db"), dir.path(), clock, Arc::new(SequentialIds::default()));
                empty.unwrap().call("board", Value::Null).unwrap_err()
            }
            ErrorCode::SprintExists => {
                refusal("create_sprint", json!({"name": "Again", "time_zone": "UTC", "start": "2026-07-13", "days": 2}))
            }
            ErrorCode::Invalid => refusal("add_attendee", json!({"name": "  "})),
            ErrorCode::NotFound => refusal("sign_in", json!({"attendee": "nobody at all"})),
            ErrorCode::Ambiguous => {
                // A second "Ana Lima": the rows after this one name Ana by her id.
                venue.ok("add_attendee", json!({"name": "Ana Lima"}));
                refusal("sign_in", json!({"attendee": "Ana Lima"}))
            }
            ErrorCode::VenueClosed => {
                venue.clock.set(at("13 19:00"));
                let error = refusal("sign_in", json!({"attendee": ana, "accept_code_of_conduct": true}));
                venue.clock.set(at("13 10:00"));
                error
            }
            ErrorCode::TooLateToUndo => {
                let signed = venue.ok("sign_in", json!({"attendee": ana, "accept_code_of_conduct": true}));
                venue.clock.set(at("13 10:01"));
                let error = refusal("undo", json!({"token": signed["undo"]}));
                venue.clock.set(at("13 10:00"));
                error
            }
            ErrorCode::NothingToUndo => refusal("undo", json!({"token": "u-never"})),
            ErrorCode::AlreadyMerged => {
                venue.ok("mark_merged", json!({"issue": issue}));
                refusal("mark_merged", json!({"issue": issue}))
            }
            ErrorCode::IssueClosed => refusal("mark_pr_opened", json!({"issue": issue})),
            ErrorCode::ConsentNeeded => refusal("register_walk_in", json!({"name": "Zoë Ng"})),
            ErrorCode::NotSignedIn => refusal("sign_out", json!({"attendee": "@ambv"})),
            ErrorCode::NotAllowed => refusal("set_mode", json!({"mode": "kiosk"})),
            ErrorCode::TooManyTries => {
                let pins = Venue::new();
                pins.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
                for _ in 0..5 {
                    let _ = pins.call("set_mode", json!({"mode": "organizer", "pin": "0000"}));
                }
                pins.call("set_mode", json!({"mode": "organizer", "pin": "2468"})).unwrap_err()
            }
            ErrorCode::ClaimRefused => refusal("claim", json!({"issue": issue, "attendee": "@ambv"})),
            ErrorCode::ImportRejected => refusal("import_attendees", json!({"text": "name,email\nBo,not-an-email\n"})),
            ErrorCode::AnotherEvent => {
                let export = |slug: &str| {
                    format!("Event slug,Order code,Attendee name,Secret\n{slug},O-{slug},Quentin Elsewhere,s-{slug}\n")
                };
                venue.ok("import_attendees", json!({"text": export("pyconde-2026")}));
                refusal("import_attendees", json!({"text": export("djangocon-2025")}))
            }
            ErrorCode::Storage => adapter(Error::Core(sprintdesk_core::Error::Folder(
                "could not create the folder /nowhere/sprintdesk: permission denied".into(),
            ))),
            ErrorCode::UnknownCommand => refusal("drop_tables", Value::Null),
            ErrorCode::BadArguments => refusal("search", json!({"query": 5})),
            ErrorCode::NotSprintdesk => adapter(Error::NotSprintdesk("192.168.1.20:80".into())),
            ErrorCode::AlreadyServed => {
                let _held = venue.host.claim_peer().unwrap();
                adapter(venue.host.claim_peer().unwrap_err())
            }
            ErrorCode::Unreachable => {
                let runtime = tokio::runtime::Runtime::new().unwrap();
                let dir = tempfile::tempdir().unwrap();
                let clock = Arc::new(FixedClock::new(at("13 10:00")));
                let new = Host::open(&dir.path().join("new.db"), dir.path(), clock, Arc::new(SequentialIds::default()))
                    .unwrap();
                // Nothing listens on port 9 of this machine.
                let joined = runtime.block_on(new.join("7KQ2M-XW4PA", "127.0.0.1:9", "Door", Some(DeviceRole::Kiosk)));
                adapter(joined.unwrap_err())
            }
            ErrorCode::Impostor => adapter(SyncError::Impostor.into()),
            ErrorCode::OtherVersion => adapter(
                SyncError::from(sprintdesk_sync::message::ProtocolError::Version {
                    found: sprintdesk_sync::message::PROTOCOL_VERSION + 1,
                })
                .into(),
            ),
            ErrorCode::SyncFailed => adapter(SyncError::Unexpected("a have before its hello".into()).into()),
            ErrorCode::Internal => ApiError::new(ErrorCode::Internal, "the request failed inside Sprintdesk"),
        };
        assert_eq!(error.code, code, "{}", error.message);
        let message = &error.message;
        assert!(message.len() > 10 && message.contains(' '), "{code:?}: {message}");
        assert!(!message.contains('{') && !message.contains("::") && !message.contains("Error"), "{code:?}: {message}");
        assert!(!message.contains(&code_name(code)), "{code:?} does not name its own code: {message}");
    }
}

#[test]
fn erasing_a_person_needs_the_organizer_pin_where_this_device_has_one() {
    let venue = Venue::new();
    // This device was a locked kiosk once: it has an organizer PIN.
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    venue.ok("set_mode", json!({"mode": "organizer", "pin": "2468"}));
    let erase = |pin: Option<&str>| venue.call("erase_attendee", json!({"attendee": "@ambv", "pin": pin}));
    let missing = erase(None).unwrap_err();
    assert_eq!(
        (missing.code, missing.message.as_str()),
        (ErrorCode::NotAllowed, "erasing a person needs the organizer PIN")
    );
    assert_eq!(erase(Some("1111")).unwrap_err().code, ErrorCode::NotAllowed, "a wrong PIN");
    assert_eq!(venue.person("langa")["name"], "Łukasz Langa", "nothing was erased");
    let id = venue.person("langa")["id"].clone();
    let erased = erase(Some("2468")).unwrap();
    // By the id the door once knew, an erased person is no one it signs in or records an answer for (they
    // were signed in as "Erased person", and their record written to).
    for (command, args) in [
        ("sign_in", json!({"attendee": id, "project": "T1", "accept_code_of_conduct": true})),
        ("decline_photos", json!({"attendee": id})),
    ] {
        let refused = venue.call(command, args).unwrap_err();
        assert_eq!(refused.code, ErrorCode::NotFound, "{command}: {}", refused.message);
        assert!(refused.message.contains("register them anew"), "{command}: {}", refused.message);
    }
    assert_eq!(erased["ids"].as_array().unwrap().len(), 1);
    assert_eq!(venue.ok("search", json!({"query": "langa"})), json!([]));
    let again = erase(Some("2468")).unwrap_err();
    assert_eq!(again.code, ErrorCode::NotFound, "{}", again.message);
}

/// The kiosk counts its Undo down from the core's window, less a second for the request: the number in the UI
/// is checked here so the two cannot drift apart again (it once showed 10 s of a 15 s window).
#[test]
fn the_kiosks_undo_countdown_is_the_cores_window_less_a_second() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/countdown.ts");
    let source = std::fs::read_to_string(&path).unwrap();
    let shown: i64 = source
        .lines()
        .find_map(|line| line.strip_prefix("export const UNDO_WINDOW_SECONDS = "))
        .and_then(|rest| rest.trim_end_matches(';').trim().parse().ok())
        .expect("countdown.ts declares UNDO_WINDOW_SECONDS");
    assert_eq!(shown, sprintdesk_core::UNDO_SECONDS - 1);
}

#[test]
fn the_door_prints_a_first_badge_for_someone_without_one_and_anything_more_needs_the_organizer() {
    let venue = Venue::new();
    venue.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    let zoe =
        venue.ok("register_walk_in", json!({"name": "Zoë Ng", "project": "CPython", "accept_code_of_conduct": true}));
    let token = zoe["undo"].as_str().unwrap().to_owned();
    let bo = venue.ok("register_walk_in", json!({"name": "Bo Other", "accept_code_of_conduct": true}));
    let others = bo["undo"].as_str().unwrap().to_owned();
    // (who, the sign-in token shown on the welcome screen, the PIN given, what the door says)
    type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Result<u64, &'a str>);
    let cases: [Case; 8] = [
        ("Zoë Ng", None, None, Err("only for a walk-in who just registered")), // a name typed by anyone: no
        ("Zoë Ng", Some(&others), None, Err("only for a walk-in who just registered")), // someone else's: no
        ("Zoë Ng", Some(&token), None, Ok(0)), // her own welcome screen: a first badge, a new code
        ("Zoë Ng", Some(&token), None, Err("was printed before")), // a second needs the organizer
        ("Zoë Ng", None, Some("1111"), Err("not_allowed")), // not with a wrong PIN
        ("Zoë Ng", None, Some("2468"), Ok(1)), // with the PIN
        ("@ambv", None, None, Err("has a badge already")), // a badge code (a ticket's secret) is not printed
        ("Ana Lima", None, Some("2468"), Ok(0)), // on the list without a code: the organizer, here
    ];
    for (n, (who, token, pin, expected)) in cases.into_iter().enumerate() {
        let got = venue.call("print_badge", json!({"attendee": who, "token": token, "pin": pin}));
        match (got, expected) {
            (Ok(badge), Ok(before)) => {
                assert_eq!(badge["printed_before"], before, "case {n}");
                assert!(badge["pdf_base64"].as_str().unwrap().starts_with("JVBERi"), "case {n}: a PDF");
                assert_eq!(badge["printer"], Value::Null, "case {n}: no printer chosen");
            }
            (Err(e), Err(words)) => {
                assert!(e.message.contains(words) || code_name(e.code) == words, "case {n}: {}", e.message);
            }
            (got, expected) => {
                panic!("case {n} ({who}): {:?}, expected {expected:?}", got.map(|b| b["printed_before"].clone()))
            }
        }
    }
    venue.ok("set_mode", json!({"mode": "organizer", "pin": "2468"}));
    let zoe = &venue.ok("search", json!({"query": "zoe"}))[0];
    let code = venue.ok("attendee", json!({"attendee": zoe["id"]}))["badge_code"].clone();
    let bo = &venue.ok("search", json!({"query": "bo other"}))[0];
    assert_eq!(venue.ok("attendee", json!({"attendee": bo["id"]}))["badge_code"], Value::Null, "refused: no code");
    assert!(code.as_str().is_some_and(|c| c.starts_with("SD-")), "the walk-in was given a code: {code}");
    // The organizer prints anyone's, again if need be; the log has every print.
    assert_eq!(venue.ok("reprint_badge", json!({"attendee": "@ambv"}))["printed_before"], 0);
    assert_eq!(venue.ok("reprint_badge", json!({"attendee": "Zoë Ng"}))["printed_before"], 2);
    let log = venue.ok("badge_prints", Value::Null);
    assert_eq!(log.as_array().unwrap().len(), 5, "{log}");
}

/// The welcome screen offers for a badge what the door will then do: "print" prints with the sign-in's
/// token alone, "pin" needs the organizer's PIN (and prints with it), "ask" prints at this door not even with
/// a PIN. It once offered "Print my badge" to everyone and then asked for a PIN it had no field for.
#[test]
fn the_welcome_screen_offers_for_a_badge_what_the_door_then_does() {
    let kiosk = Venue::new();
    kiosk.ok("set_mode", json!({"mode": "kiosk", "pin": "2468"}));
    let unlocked = Venue::new();
    let sign_in = |who: &str| json!({"attendee": who, "project": "T1", "accept_code_of_conduct": true});
    // Someone already here, again at the door: the table they sit at is their proof.
    let again = |who: &str| json!({"attendee": who, "project": "T1", "proof": {"table": "T1"}});
    let walk_in = json!({"name": "Zoë Ng", "project": "CPython", "accept_code_of_conduct": true});
    // (the device, the sign-in, what is offered, whether to print now, words of the refusal without the PIN)
    type Case<'a> = (&'a Venue, &'a str, Value, &'a str, bool, &'a str);
    let cases: [Case; 8] = [
        (&kiosk, "register_walk_in", walk_in, "print", true, ""),
        (&kiosk, "sign_in", again("Zoë Ng"), "pin", true, "was printed before"), // already here: no new sign-in
        // On the list without a code: a name typed at the door proves no one, and a badge's code is a key to
        // sign its holder out; so the organizer's PIN (it once printed, for whoever typed the name).
        (&kiosk, "sign_in", sign_in("Ana Lima"), "pin", true, "only for a walk-in who just registered"),
        (&kiosk, "sign_in", again("Ana Lima"), "pin", true, "was printed before"), // printed with the PIN
        (&kiosk, "sign_in", sign_in("@ambv"), "pin", true, "has a badge already"), // a ticket's code
        (&unlocked, "sign_in", sign_in("@ambv"), "ask", true, "needs an organizer"), // no PIN to ask for
        (&unlocked, "sign_in", sign_in("Ana Lima"), "ask", true, "needs an organizer"),
        (&unlocked, "sign_in", again("Ana Lima"), "ask", true, "needs an organizer"),
    ];
    for (n, (venue, command, args, offered, print, refusal)) in cases.into_iter().enumerate() {
        let outcome = venue.ok(command, args);
        assert_eq!(outcome["door_badge"], offered, "case {n}: {outcome}");
        if !print {
            continue;
        }
        let who = outcome["person"]["id"].clone();
        let got = venue.call("print_badge", json!({"attendee": who, "token": outcome["undo"]}));
        match offered {
            "print" => assert!(got.is_ok(), "case {n}: {:?}", got.err()),
            _ => {
                let refused = got.expect_err(&format!("case {n}: printed without the PIN"));
                assert!(refused.message.contains(refusal), "case {n}: {}", refused.message);
                let with_pin = venue.call("print_badge", json!({"attendee": who, "pin": "2468"}));
                assert_eq!(with_pin.is_ok(), offered == "pin", "case {n}: with the PIN {:?}", with_pin.err());
            }
        }
    }
}

/// What a table's card and the stand-up show is kept to a length the projector holds: up to it is kept
/// (counted in characters, after the spaces around it), one character more is refused in words and changes
/// nothing.
#[test]
fn what_the_board_shows_is_kept_to_a_length_and_a_longer_text_changes_nothing() {
    use sprintdesk_core::{GOAL_TITLE_MAX, HELP_NOTE_MAX, STATUS_FIELD_MAX};
    let venue = Venue::new();
    let goal = venue.ok("add_goal", json!({"project": "CPython", "title": "Release 3.15", "beginner_friendly": false}));
    let goal = goal["id"].as_str().unwrap().to_owned();
    let status = |field: &str, text: String| {
        let mut args = json!({"project": "CPython", "done": "Triage", "next": "Docs", "blockers": ""});
        args[field] = json!(text);
        args
    };
    type Args<'a> = Box<dyn Fn(String) -> Value + 'a>;
    // (what, the command, its arguments around the text, the field that holds it in the answer, the limit)
    let cases: [(&str, &str, Args, &str, usize); 6] = [
        (
            "a new goal",
            "add_goal",
            Box::new(|t| json!({"project": "CPython", "title": t, "beginner_friendly": false})),
            "title",
            GOAL_TITLE_MAX,
        ),
        (
            "a goal corrected",
            "edit_goal",
            Box::new(|t| json!({"goal": goal, "title": t, "beginner_friendly": false})),
            "title",
            GOAL_TITLE_MAX,
        ),
        ("what was done", "set_status", Box::new(|t| status("done", t)), "done", STATUS_FIELD_MAX),
        ("what is next", "set_status", Box::new(|t| status("next", t)), "next", STATUS_FIELD_MAX),
        ("what blocks the table", "set_status", Box::new(|t| status("blockers", t)), "blockers", STATUS_FIELD_MAX),
        (
            "the help wanted",
            "set_help_wanted",
            Box::new(|t| json!({"project": "CPython", "help_wanted": true, "note": t})),
            "help_note",
            HELP_NOTE_MAX,
        ),
    ];
    for (what, command, args, field, max) in cases {
        let board = || venue.ok("board", Value::Null);
        let before = board();
        let error = venue.call(command, args("é".repeat(max + 1))).unwrap_err();
        assert_eq!(code_name(error.code), "invalid", "{what}");
        assert!(error.message.contains(&format!("in {max} characters or fewer")), "{what}: {}", error.message);
        assert_eq!(board(), before, "{what}: refused, and nothing changed");
        let kept = venue.ok(command, args(format!("  {}\n", "é".repeat(max))));
        assert_eq!(kept[field].as_str().map(|t| t.chars().count()), Some(max), "{what}: {max} is kept");
        assert_ne!(board(), before, "{what}: shown");
    }
}

/// A script's `set_status` with some parts (no `from`, as the lead's form sends) wrote the rest empty: another
/// lead's next steps and blockers were gone. A part not given now keeps what the device holds.
#[test]
fn a_status_written_through_the_api_changes_only_the_parts_it_gives() {
    let venue = Venue::new();
    venue.ok("set_status", json!({"project": "CPython", "done": "Triage", "next": "Docs", "blockers": "Slow CI"}));
    // (the parts given, the status after: done, next, blockers)
    let cases = [
        (json!({"done": "Merged 2 PRs"}), ("Merged 2 PRs", "Docs", "Slow CI")),
        (json!({"next": "  Review #12 "}), ("Merged 2 PRs", "Review #12", "Slow CI")),
        (json!({"blockers": "None."}), ("Merged 2 PRs", "Review #12", "")),
        (json!({"next": ""}), ("Merged 2 PRs", "", "")),
        (json!({}), ("Merged 2 PRs", "", "")),
        (json!({"done": "Merged 3 PRs", "blockers": "No wifi", "next": null}), ("Merged 3 PRs", "", "No wifi")),
        (json!({"done": "Merged 4 PRs", "from": {"done": "Merged 3 PRs"}}), ("Merged 4 PRs", "", "No wifi")),
    ];
    for (given, expected) in cases {
        let mut args = given.clone();
        args["project"] = json!("CPython");
        let saved = venue.ok("set_status", args);
        let parts = |s: &Value| (s["done"].clone(), s["next"].clone(), s["blockers"].clone());
        let expected = (json!(expected.0), json!(expected.1), json!(expected.2));
        assert_eq!(parts(&saved), expected, "{given}: answered");
        let board = venue.ok("board", Value::Null);
        let card = board["projects"].as_array().unwrap().iter().find(|p| p["project"]["name"] == "CPython").unwrap();
        assert_eq!(parts(&card["status_today"]), expected, "{given}: on the board");
    }
}

#[test]
fn a_project_and_its_goals_are_corrected_in_place_and_bad_corrections_change_nothing() {
    let venue = Venue::new();
    venue.ok("add_project", json!({"name": "Django", "table_label": "T2"}));
    venue.ok("set_help_wanted", json!({"project": "CPython", "help_wanted": true, "note": "Windows"}));
    let goal = venue.ok("add_goal", json!({"project": "CPython", "title": "Relase 3.15", "beginner_friendly": false}));
    let edit = |to: Value| venue.call("edit_project", json!({"project": "T1", "to": to}));
    // (what, the correction, the error code, or the name it takes)
    let cases: [(&str, Value, Result<&str, &str>); 5] = [
        (
            "a typo fixed",
            json!({"name": "  CPython   core ", "table_label": "T1", "leads": ["@ambv"]}),
            Ok("CPython core"),
        ),
        ("no name", json!({"name": " ", "table_label": "T1"}), Err("invalid")),
        ("another project's name", json!({"name": "django", "table_label": "T1"}), Err("invalid")),
        ("another project's table", json!({"name": "CPython", "table_label": "t2"}), Err("invalid")),
        (
            "a lead not on the list",
            json!({"name": "CPython", "table_label": "T1", "leads": ["@nobody"]}),
            Err("not_found"),
        ),
    ];
    for (what, to, expected) in cases {
        match (edit(to), expected) {
            (Ok(project), Ok(name)) => assert_eq!(project["name"], name, "{what}"),
            (Err(e), Err(code)) => assert_eq!(code_name(e.code), code, "{what}: {}", e.message),
            (got, _) => panic!("{what}: {got:?}"),
        }
    }
    let board = venue.ok("board", Value::Null);
    let cpython = board["projects"].as_array().unwrap().iter().find(|p| p["project"]["table_label"] == "T1").unwrap();
    assert_eq!(cpython["project"]["name"], "CPython core", "the refused corrections changed nothing");
    assert_eq!((cpython["help_wanted"].clone(), cpython["help_note"].clone()), (json!(true), json!("Windows")));
    assert_eq!(cpython["leads"][0]["name"], "Łukasz Langa");
    assert_eq!(cpython["goals"].as_array().unwrap().len(), 1, "its goals stay");

    assert_eq!(
        venue.code("edit_goal", json!({"goal": goal["id"], "title": "  ", "beginner_friendly": true})),
        "invalid"
    );
    let fixed = venue.ok("edit_goal", json!({"goal": goal["id"], "title": "Release 3.15", "beginner_friendly": true}));
    assert_eq!((fixed["title"].clone(), fixed["beginner_friendly"].clone()), (json!("Release 3.15"), json!(true)));
}
