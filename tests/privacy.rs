//! Erasure tried as an organizer and as a curious device owner would, against real `sprintdesk` processes on
//! 127.0.0.1: the organizer erases a person it has just edited while a table lead's laptop is offline; once
//! every device has synced, no byte of the person's name, e-mail, handle or badge is left in any device's
//! files, the sprint's numbers are unchanged, and every device shows the same sprint.

use crate::lan::{ALL_DAY, Device, join_as, join_as_lead};
use serde_json::{Value, json};

/// Every place in `device`'s folder where one of `needles` occurs as bytes: (file, needle).
fn traces(device: &Device, needles: &[&str]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for name in ["sprint.db", "sprint.db-wal", "sprint.db-shm"] {
        let Ok(bytes) = std::fs::read(device.dir.path().join(name)) else { continue };
        for needle in needles {
            if bytes.windows(needle.len()).any(|window| window == needle.as_bytes()) {
                found.push((name.to_owned(), (*needle).to_owned()));
            }
        }
    }
    found
}

/// The numbers the report keeps: people per day, here now, people per table.
fn numbers(device: &Device) -> Value {
    let presence = device.json(&["call", "presence"]);
    let per_table: Vec<(Value, usize)> = presence["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["project"]["name"].clone(), t["people"].as_array().unwrap().len()))
        .collect();
    json!({"per_day": presence["per_day"], "here_now": presence["here_now"], "per_table": per_table})
}

/// The arguments of `edit_attendee` that change `who`'s e-mail and nothing else.
fn with_email(device: &Device, who: &str, email: &str) -> String {
    let mut person = device.json(&["attendees", "show", who]);
    person["email"] = json!(email);
    let fields = ["id", "name", "handle", "email", "roles", "first_timer", "badge_code"];
    let edit: serde_json::Map<String, Value> = fields.iter().map(|f| ((*f).to_owned(), person[*f].clone())).collect();
    Value::Object(edit).to_string()
}

#[test]
fn an_erasure_reaches_every_device_and_its_history_and_the_numbers_stay() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let lead = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Privacy sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let add = ["attendees", "add", "--name", "Zofia Quastenbrück", "--email", "zofia.q@example.org"];
    let zofia = desk.json(&[&add[..], &["--handle", "zofiaq", "--badge", "ZQ-7781-XK"]].concat())["id"]
        .as_str()
        .unwrap()
        .to_owned();
    desk.ok(&["attendees", "add", "--name", "Ana Pereira", "--email", "ana@example.org"]);
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    join_as_lead(&desk, &address, &lead, "Django table", "Django");

    // Zofia signs in at the door with her badge, Ana by name; everyone syncs.
    kiosk.ok(&["signin", "--badge", "ZQ-7781-XK", "--project", "T1", "--accept-coc"]);
    kiosk.ok(&["signin", "Ana Pereira", "--project", "T1", "--accept-coc"]);
    kiosk.ok(&["sync", &address]);
    lead.ok(&["sync", &address]);
    let before = numbers(&desk);
    assert_eq!(before["here_now"], 2, "{before}");
    let needles = ["Quastenbr", "zofia.q@example.org", "zofia.new@example.org", "zofiaq", "ZQ-7781-XK"];
    assert!(!traces(&lead, &needles).is_empty(), "the lead's laptop holds her data before the erasure");

    // The lead's laptop goes offline. The organizer corrects her e-mail, then she asks to be erased.
    desk.ok(&["call", "edit_attendee", &with_email(&desk, &zofia, "zofia.new@example.org")]);
    let erased = desk.json(&["erase", &zofia]);
    assert_eq!(erased["ids"], json!([zofia]), "{erased}");
    assert_eq!(erased["presence_events"], 1, "{erased}");

    // Every device syncs, the laptop last.
    kiosk.ok(&["sync", &address]);
    lead.ok(&["sync", &address]);
    for (name, device) in [("desk", &desk), ("kiosk", &kiosk), ("lead", &lead)] {
        assert_eq!(traces(device, &needles), Vec::<(String, String)>::new(), "{name}'s files");
        assert_eq!(numbers(device), before, "{name} counts her still");
        let found = device.json(&["attendees", "search", "zofia"]);
        assert_eq!(found, json!([]), "{name} finds her no more");
        let shown = device.json(&["attendees", "show", &zofia]);
        assert_eq!((shown["name"].as_str(), &shown["email"]), (Some("Erased person"), &Value::Null), "{name}");
    }
    assert_eq!(kiosk.digest(), desk.digest());
    assert_eq!(lead.digest(), desk.digest());

    // Her data cannot come back through an edit, and her access request shows what is left.
    let out = desk.run(&["call", "edit_attendee", &with_email(&desk, &zofia, "back@example.org")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("was erased"), "{out:?}");
    let export = desk.json(&["attendees", "export-person", &zofia]);
    assert_eq!(export["erased"], true);
    assert_eq!(export["presence"].as_array().unwrap().len(), 1, "{export}");
    assert!(export["history"].as_array().unwrap().iter().any(|h| h["cleared"] == true), "{export}");
    assert!(!export.to_string().contains("zofia"), "{export}");
}

/// An organizer takes the ticketing export again after someone was erased at their request (late
/// registrations, say): the export still lists them, and the import added them back, e-mail and all, on
/// every device. Another organizer's laptop, which did not erase them, imports it here.
#[test]
fn a_ticketing_export_taken_again_after_an_erasure_does_not_bring_the_person_back() {
    let mut desk = Device::new();
    let spare = Device::new();
    let kiosk = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Privacy sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    let export = desk.dir.path().join("tickets.csv");
    std::fs::write(
        &export,
        "name,email,handle,roles\nZofia Quastenbrück,zofia.q@example.org,zofiaq,sprinter\nAna Pereira,ana@example.org,,sprinter\n",
    )
    .unwrap();
    let file = export.to_str().unwrap();
    desk.ok(&["import", "attendees", file]);
    let zofia = desk.json(&["attendees", "search", "zofia"])[0]["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as(&desk, &address, &spare, "Spare desk", "organizer");
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    // Her e-mail is corrected, then she asks to be erased; every device syncs.
    desk.ok(&["attendees", "edit", &zofia, "--email", "zofia.new@example.org"]);
    desk.ok(&["erase", &zofia]);
    spare.ok(&["sync", &address]);
    kiosk.ok(&["sync", &address]);

    // The spare laptop imports the same export again: she is left out, and it says so.
    let report = spare.json(&["import", "attendees", file]);
    assert_eq!((&report["erased"], &report["added"], &report["unchanged"]), (&json!(["line 2"]), &json!(0), &json!(1)));
    // A later export has her under the e-mail she had last, in capitals, and a new person.
    let later = desk.dir.path().join("later.csv");
    std::fs::write(&later, "name,email\nZofia Q.,ZOFIA.NEW@example.org\nBruno Neu,bruno@example.org\n").unwrap();
    let said = desk.ok(&["import", "attendees", later.to_str().unwrap()]);
    assert!(said.contains("1 row about people erased at their request") && said.contains("line 2"), "{said}");
    spare.ok(&["sync", &address]);
    kiosk.ok(&["sync", &address]);
    let needles = ["Quastenbr", "zofia.q@example.org", "zofia.new@example.org", "ZOFIA.NEW", "zofiaq", "Zofia Q."];
    for (name, device) in [("desk", &desk), ("spare", &spare), ("kiosk", &kiosk)] {
        assert_eq!(device.json(&["attendees", "search", "zofia"]), json!([]), "{name}");
        assert_eq!(device.json(&["attendees", "search", "bruno"]).as_array().unwrap().len(), 1, "{name}");
        assert_eq!(traces(device, &needles), Vec::<(String, String)>::new(), "{name}'s files");
    }
    assert_eq!(kiosk.digest(), desk.digest());

    // She asks to come back: added by hand, she is on the list, and the export taken again updates her.
    desk.ok(&["attendees", "add", "--name", "Zofia Quastenbrück", "--email", "zofia.q@example.org"]);
    let report = desk.json(&["import", "attendees", file]);
    assert_eq!((&report["erased"], &report["added"]), (&json!([]), &json!(0)), "{report}");
    assert_eq!(desk.json(&["attendees", "search", "zofia"]).as_array().unwrap().len(), 1);
}

/// The organizer imports another event's attendee list by mistake, and every device takes it. Taken back
/// with `--erase`, the strangers leave every device and its history; one of them who signed in since is
/// kept; the people already on the list keep their details; and one of them registering after all is
/// imported as anyone would be (the erasure keeps no keys that would leave them out). A second wrong file,
/// taken back without erasing, is erased afterwards. A wrong PIN changes nothing.
#[test]
fn another_events_list_taken_back_and_erased_leaves_no_byte_of_it_on_any_device() {
    let mut desk = Device::new();
    let spare = Device::new();
    let kiosk = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Privacy sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    desk.ok(&["attendees", "add", "--name", "Ana Pereira", "--email", "ana@example.org"]);
    desk.ok(&["attendees", "add", "--name", "Paul Realperson", "--email", "paul.real@example.org"]);
    // The organizer PIN, set as a kiosk is locked: erasing asks for it.
    for mode in ["kiosk", "organizer"] {
        desk.ok(&["call", "set_mode", &json!({"mode": mode, "pin": "2468"}).to_string()]);
    }
    let address = desk.serve(None);
    join_as(&desk, &address, &spare, "Spare desk", "organizer");
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");

    let wrong = desk.dir.path().join("other-event.csv");
    std::fs::write(
        &wrong,
        "name,email,handle,badge\n\
         Wilhelmina Strangefellow,w.strangefellow@other-event.example,wstrangefellow,OE-4411-ZQ\n\
         Bartholomew Outsiderson,bart.outsiderson@other-event.example,,OE-4412-ZQ\n\
         Cosima Ferngast,cosima.ferngast@other-event.example,cferngast,OE-4413-ZQ\n\
         Ana Pereira,ana@example.org,,\n",
    )
    .unwrap();
    let report = desk.json(&["import", "attendees", wrong.to_str().unwrap()]);
    assert_eq!((&report["added"], &report["unchanged"]), (&json!(3), &json!(1)), "{report}");
    spare.ok(&["sync", &address]);
    kiosk.ok(&["sync", &address]);
    // Cosima happens to be here, and signs in at the door before anyone notices.
    kiosk.ok(&["signin", "Cosima Ferngast", "--accept-coc"]);
    kiosk.ok(&["sync", &address]);
    let strangers = [
        "Strangefellow",
        "w.strangefellow@other-event.example",
        "wstrangefellow",
        "OE-4411-ZQ",
        "Outsiderson",
        "bart.outsiderson@other-event.example",
        "OE-4412-ZQ",
    ];
    assert!(!traces(&spare, &strangers).is_empty(), "the spare laptop holds the file's people before");
    assert!(!traces(&kiosk, &strangers).is_empty(), "the kiosk holds their names before");

    // Offline, the spare laptop takes Paul, on this sprint's list, for the same person as Wilhelmina.
    spare.ok(&["attendees", "merge", "Paul Realperson", "Wilhelmina Strangefellow"]);

    // A wrong PIN takes nothing back.
    let id = desk.json(&["import", "list"])[0]["id"].as_str().unwrap().to_owned();
    let out = desk.run(&["import", "undo", &id, "--erase", "--pin", "1111"]);
    assert!(!out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("PIN"), "{out:?}");
    assert_eq!(desk.json(&["attendees", "search", "Strangefellow"]).as_array().unwrap().len(), 1);

    let undone = desk.json(&["import", "undo", &id, "--erase", "--pin", "2468"]);
    assert_eq!((&undone["removed"], &undone["erased"]), (&json!(2), &json!(2)), "{undone}");
    assert_eq!(undone["kept"], json!(["Cosima Ferngast: signed in or out since the import, kept"]), "{undone}");
    assert_eq!(desk.json(&["import", "list"])[0]["erased"], true);
    // The merge arrives after the erasure: Paul goes with Wilhelmina, as a duplicate merged into an erased
    // person does, but without keys (twice, for the erasure to come back from the desk).
    for _ in 0..2 {
        spare.ok(&["sync", &address]);
        kiosk.ok(&["sync", &address]);
    }
    for (name, device) in [("desk", &desk), ("spare", &spare), ("kiosk", &kiosk)] {
        assert_eq!(traces(device, &strangers), Vec::<(String, String)>::new(), "{name}'s files");
        assert_eq!(device.json(&["attendees", "search", "Ana Pereira"]).as_array().unwrap().len(), 1, "{name}");
        assert_eq!(device.json(&["attendees", "search", "Cosima"]).as_array().unwrap().len(), 1, "{name}");
        assert_eq!(device.json(&["attendees", "search", "Strangefellow"]), json!([]), "{name}");
    }
    assert_eq!(spare.digest(), desk.digest());
    assert_eq!(kiosk.digest(), desk.digest());
    assert_eq!(desk.json(&["attendees", "show", "Ana Pereira"])["email"], "ana@example.org");

    // Bartholomew registers for this sprint after all, and Paul is on it: the next ticket export adds both.
    let right = desk.dir.path().join("tickets.csv");
    std::fs::write(
        &right,
        "name,email\nBartholomew Outsiderson,bart.outsiderson@other-event.example\nPaul Realperson,paul.real@example.org\n",
    )
    .unwrap();
    let report = desk.json(&["import", "attendees", right.to_str().unwrap()]);
    assert_eq!((&report["added"], &report["erased"]), (&json!(2), &json!([])), "{report}");

    // A second wrong file, taken back without erasing; its person is erased when the organizer asks after.
    // Kasimir, on it too, signed in at the kiosk while it had not heard of the undo: he is here, and kept.
    let again = desk.dir.path().join("again.csv");
    std::fs::write(
        &again,
        "name,email\nGottfried Irrtumsmann,g.irrtumsmann@other-event.example\nKasimir Kioskwalker,kasimir@example.org\n",
    )
    .unwrap();
    desk.ok(&["import", "attendees", again.to_str().unwrap()]);
    kiosk.ok(&["sync", &address]);
    desk.ok(&["import", "undo"]);
    kiosk.ok(&["signin", "Kasimir Kioskwalker", "--accept-coc"]);
    kiosk.ok(&["sync", &address]);
    spare.ok(&["sync", &address]);
    let gottfried = ["Irrtumsmann", "g.irrtumsmann@other-event.example"];
    assert!(!traces(&spare, &gottfried).is_empty(), "taken back without erasing, his details stay in the log");
    let said = desk.ok(&["import", "undo", "--erase", "--pin", "2468"]);
    assert!(said.contains("1 person erased from every device"), "{said}");
    assert!(said.contains("Erased: Gottfried Irrtumsmann"), "named, not by id: {said}");
    assert!(said.contains("Kasimir Kioskwalker: signed in or out since the import, not erased"), "{said}");
    let out = desk.run(&["import", "undo", "--erase", "--pin", "2468"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("those it removed erased"), "{out:?}");
    spare.ok(&["sync", &address]);
    kiosk.ok(&["sync", &address]);
    for (name, device) in [("desk", &desk), ("spare", &spare), ("kiosk", &kiosk)] {
        assert_eq!(traces(device, &gottfried), Vec::<(String, String)>::new(), "{name}'s files");
        assert!(!traces(device, &["kasimir@example.org"]).is_empty() || name == "kiosk", "{name} keeps Kasimir's");
    }
    assert_eq!(spare.digest(), desk.digest());
}

/// A duplicate merged into someone on another organizer's laptop that had not heard of her erasure: the
/// desk erases the duplicate when the merge arrives, and kept no way to know it by, so the ticket export
/// brought the duplicate's e-mail back on every device.
#[test]
fn a_duplicate_merged_into_an_erased_person_elsewhere_is_kept_out_of_the_next_import_too() {
    let mut desk = Device::new();
    let spare = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Privacy sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    let export = desk.dir.path().join("tickets.csv");
    std::fs::write(&export, "name,email\nZofia Quast,zofia@example.org\nZofia Q,zofia.alt@example.org\n").unwrap();
    let file = export.to_str().unwrap();
    desk.ok(&["import", "attendees", file]);
    let address = desk.serve(None);
    join_as(&desk, &address, &spare, "Spare desk", "organizer");
    // The spare laptop, offline, merges the duplicate into her; meanwhile the desk erases her.
    spare.ok(&["attendees", "merge", "Zofia Q", "Zofia Quast"]);
    desk.ok(&["erase", "Zofia Quast"]);
    spare.ok(&["sync", &address]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !desk.json(&["attendees", "search", "zofia"]).as_array().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the duplicate was never erased");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let report = desk.json(&["import", "attendees", file]);
    assert_eq!((&report["erased"], &report["added"]), (&json!(["line 2", "line 3"]), &json!(0)), "{report}");
    assert_eq!(traces(&desk, &["zofia.alt@example.org", "Zofia Q"]), Vec::<(String, String)>::new());
}

/// An erasure made while something else reads the file (a sync session, `sqlite3 .backup` as the README
/// suggests): the erased bytes could not be checkpointed out then, and stayed in the database and its log
/// through every later write; then until the next write (on an idle hub, for hours). A running peer now
/// tries again every few seconds.
#[test]
fn an_erasure_made_while_another_program_reads_the_file_leaves_its_bytes_once_the_reader_is_done() {
    let mut desk = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Privacy sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    let add = ["attendees", "add", "--name", "Zofia Quastenbrück", "--email", "zofia.q@example.org"];
    let zofia = desk.json(&[&add[..], &["--handle", "zofiaq", "--badge", "ZQ-7781-XK"]].concat())["id"]
        .as_str()
        .unwrap()
        .to_owned();
    desk.ok(&["signin", "--badge", "ZQ-7781-XK", "--accept-coc"]);
    let needles = ["Quastenbr", "zofia.q@example.org", "zofiaq", "ZQ-7781-XK"];
    // The venue's hub runs on the file all along (so the log is never emptied by its last user closing it).
    desk.serve(None);
    let reader = rusqlite::Connection::open(desk.dir.path().join("sprint.db")).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let held: i64 = reader.query_row("SELECT COUNT(*) FROM changes", [], |row| row.get(0)).unwrap();
    assert!(held > 0);
    desk.ok(&["erase", &zofia]);
    assert!(!traces(&desk, &needles).is_empty(), "the reader held the log: the bytes are still there");
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    // The hub takes them out by itself, with nothing written: they once stayed until the next write, of
    // anything, by any process, and an idle hub wrote nothing for hours.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !traces(&desk, &needles).is_empty() {
        assert!(std::time::Instant::now() < deadline, "the erased bytes stayed: {:?}", traces(&desk, &needles));
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    // A command that only reads writes nothing.
    let file = |name: &str| std::fs::read(desk.dir.path().join(name)).unwrap_or_default();
    let before = (file("sprint.db"), file("sprint.db-wal"));
    desk.ok(&["attendees", "list"]);
    assert!(before == (file("sprint.db"), file("sprint.db-wal")), "reading the file changed it");
    let shown = desk.json(&["attendees", "show", &zofia]);
    assert_eq!(shown["name"], "Erased person", "{shown}");
}

#[test]
fn when_the_retention_period_ends_every_device_erases_everyones_personal_data_and_the_numbers_stay() {
    let desk = Device::new();
    let kiosk = Device::new();
    // The sprint ran 40 days ago: everything is set up with the clock of that day.
    let then = chrono::Utc::now() - chrono::Duration::days(40);
    let start = then.format("%Y-%m-%d").to_string();
    let at = then.date_naive().and_hms_opt(10, 0, 0).unwrap().and_utc().to_rfc3339();
    let past = |device: &Device, args: &[&str]| -> String {
        let out = device.command(args).env("SPRINTDESK_NOW", &at).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    past(&desk, &[&["init", "--name", "Last month's sprint", "--start", &start, "--days", "2"][..], &ALL_DAY].concat());
    past(&desk, &["project", "add", "--name", "PyPy", "--table", "T2", "--repo", "https://github.com/pypy/pypy"]);
    let add = ["attendees", "add", "--name", "Rosalind Retainova", "--email", "rosalind.r@example.org"];
    past(&desk, &[&add[..], &["--badge", "RR-5150-QQ", "--handle", "rosretain"]].concat());
    // Pull requests of that day: Rosalind's, and one by someone not on the list (kept by their handle).
    let prs = desk.dir.path().join("prs.json");
    let pr = |n: u32, login: &str| {
        json!({"number": n, "title": format!("Change {n}"), "url": format!("https://github.com/pypy/pypy/pull/{n}"),
               "state": "OPEN", "author": {"login": login}, "createdAt": at})
    };
    std::fs::write(&prs, json!([pr(1, "rosretain"), pr(2, "outsiderhandle9")]).to_string()).unwrap();
    past(&desk, &["import", "prs", prs.to_str().unwrap()]);
    past(&desk, &["attendees", "add", "--name", "Bruno Keptdata", "--email", "bruno.k@example.org"]);
    past(&desk, &["signin", "--badge", "RR-5150-QQ", "--project", "T2", "--accept-coc"]);
    past(&desk, &["signin", "Bruno Keptdata", "--accept-coc"]);
    past(&desk, &["attendees", "add", "--name", "Cleo Erasedfirst", "--email", "cleo.e@example.org"]);
    // The kiosk joined that day (the desk's peer ran with that day's clock).
    let mut serving = desk
        .command(&["--json", "serve", "--listen", "127.0.0.1:0", "--no-discovery", "--no-http"])
        .env("SPRINTDESK_NOW", &at)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let address = crate::lan::started(&mut serving)["listening"].as_str().unwrap().to_owned();
    let code: Value = serde_json::from_str(&past(&desk, &["--json", "pair"])).unwrap();
    past(&kiosk, &["join", code["code"].as_str().unwrap(), &address, "--name", "Door kiosk"]);
    serving.kill().unwrap();
    serving.wait().unwrap();
    // Cleo asked to be erased after the kiosk last synced: her erasure, with the keys that keep her out of a
    // later import, reaches the kiosk only after the retention period cleared those keys on the desk (the
    // kiosk refused them as cleared, and could never sync again).
    past(&desk, &["erase", "Cleo Erasedfirst"]);
    let needles = [
        "Erasedfirst",
        "cleo.e@example.org",
        "Retainova",
        "rosalind.r@example.org",
        "rosretain",
        "RR-5150-QQ",
        "Keptdata",
        "bruno.k@example.org",
        "outsiderhandle9",
    ];
    assert_eq!(traces(&kiosk, &needles).len(), 6, "the kiosk held their names, handles and badges (no e-mails)");
    let per_day = |device: &Device| device.json(&["call", "presence"])["per_day"].clone();
    let before = per_day(&desk);

    // Today, 40 days on, with the default retention of 30 days after the last day: the desk's next start
    // (its peer), and the kiosk's next sync, erase everyone's personal data.
    let mut desk = desk;
    let address = desk.serve(None);
    kiosk.ok(&["sync", &address]);
    for (name, device) in [("desk", &desk), ("kiosk", &kiosk)] {
        assert_eq!(traces(device, &needles), Vec::<(String, String)>::new(), "{name}'s files");
        assert_eq!(per_day(device), before, "{name}: the numbers for the report stay");
        assert_eq!(device.json(&["attendees", "list"]), json!([]), "{name} lists no one");
        let conn = rusqlite::Connection::open(device.dir.path().join("sprint.db")).unwrap();
        let keys: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM changes WHERE entity = 'erasure' AND field = 'keys' AND cleared IS NULL",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(keys, 0, "{name}: the erased people's keys went with everyone's data");
    }
    assert_eq!(kiosk.digest(), desk.digest());
    let report = desk.ok(&["report"]);
    assert!(report.contains("Change 2") && !report.contains("outsiderhandle9"), "{report}");
    // The same export imported again afterwards is taken, and keeps no handle.
    desk.ok(&["import", "prs", prs.to_str().unwrap()]);
    assert_eq!(traces(&desk, &needles), Vec::<(String, String)>::new(), "the desk's files after a new import");
}

/// SQLite leaves bytes of deleted index entries in the unused space of pages it rearranged, where
/// `secure_delete` does not reach: after the retention period of a sprint of 1,200 imported in six lists,
/// badge codes (which sign their holders in) were still in the file.
#[test]
fn when_the_retention_period_ends_no_badge_code_is_left_in_the_files_of_a_large_sprint() {
    let mut desk = Device::new();
    let then = chrono::Utc::now() - chrono::Duration::days(40);
    let start = then.format("%Y-%m-%d").to_string();
    let at = then.date_naive().and_hms_opt(10, 0, 0).unwrap().and_utc().to_rfc3339();
    let past = |device: &Device, args: &[&str]| {
        let out = device.command(args).env("SPRINTDESK_NOW", &at).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    past(&desk, &[&["init", "--name", "Last month's sprint", "--start", &start, "--days", "2"][..], &ALL_DAY].concat());
    let (first, last) = (["Emil", "Zane", "Ana", "Bo"], ["Reyes", "García", "Kim", "Lee"]);
    for list in 1..=6 {
        let mut csv = String::from("name,email,handle,badge\n");
        for i in 0..200 {
            let n = list * 1000 + i;
            let name = format!("{} {} {n}", first[(n * 7) % 4], last[(n * 13) % 4]);
            csv += &format!("{name},p{n}@corp{}.test,h{n}x,QXBADGE{n:05}ZZ\n", i % 7);
        }
        let file = desk.dir.path().join(format!("list-{list}.csv"));
        std::fs::write(&file, csv).unwrap();
        past(&desk, &["import", "attendees", file.to_str().unwrap()]);
    }
    assert!(!traces(&desk, &["QXBADGE"]).is_empty());
    // Today, 40 days on: the desk's next start erases everyone's personal data.
    desk.serve(None);
    assert_eq!(desk.json(&["attendees", "list"]), json!([]));
    assert_eq!(traces(&desk, &["QXBADGE", "@corp"]), Vec::<(String, String)>::new());
}

#[test]
fn a_kiosk_holds_no_e_mails_works_offline_with_what_it_holds_and_relays_only_its_own_records() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let laptop = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Big sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "NumPy", "--table", "T8"]);
    let mut csv = String::from("name,email,handle,roles,first_timer,badge\n");
    for n in 0..2000 {
        csv.push_str(&format!("Person Number{n},person{n}@venue-mail.example,handle{n},sprinter,no,BADGE-{n:05}\n"));
    }
    let file = desk.dir.path().join("people.csv");
    std::fs::write(&file, csv).unwrap();
    desk.ok(&["import", "attendees", file.to_str().unwrap()]);
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    // A table lead's laptop: a staff device, it holds everything.
    join_as_lead(&desk, &address, &laptop, "NumPy table", "NumPy");

    // 2,000 people at the door, and not one e-mail in the kiosk's files.
    let emails = |device: &Device| traces(device, &["@venue-mail.example"]);
    assert_eq!(emails(&kiosk), Vec::<(String, String)>::new(), "the kiosk holds no e-mail");
    assert!(!emails(&laptop).is_empty(), "the lead's laptop holds them");
    // Exports name people (who came when, who said no to photos): made on staff devices only, whatever
    // screen the kiosk is switched to.
    let refused = kiosk.run(&["export", "photo-consent"]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(said.contains("this one is paired as a kiosk") && refused.stdout.is_empty(), "{said}");
    assert!(laptop.ok(&["export", "photo-consent"]).contains("Person Number1234"));
    let shown = kiosk.json(&["attendees", "show", "handle1234"]);
    assert_eq!((shown["name"].as_str(), &shown["email"]), (Some("Person Number1234"), &Value::Null));

    // Offline, with what it holds: search by name, sign in by badge, a walk-in.
    let found = kiosk.json(&["attendees", "search", "number1999"]);
    assert_eq!(found[0]["name"], "Person Number1999", "{found}");
    kiosk.ok(&["signin", "--badge", "BADGE-00042", "--project", "T8", "--accept-coc"]);
    let walk_in = json!({"name": "Wanda Walkin", "project": "T8", "accept_code_of_conduct": true});
    kiosk.ok(&["call", "register_walk_in", &walk_in.to_string()]);
    assert_eq!(emails(&kiosk), Vec::<(String, String)>::new());

    // The organizer adds someone; the kiosk takes it (without the e-mail). The lead's laptop, which can reach
    // only the kiosk, gets the kiosk's own records from it and nothing the kiosk holds cleared.
    desk.ok(&["attendees", "add", "--name", "Late Comer", "--email", "late@venue-mail.example"]);
    kiosk.ok(&["sync", &address]);
    assert_eq!(emails(&kiosk), Vec::<(String, String)>::new());
    let mut kiosk = kiosk;
    let kiosk_address = kiosk.serve(None);
    laptop.ok(&["sync", &kiosk_address]);
    assert_eq!(laptop.json(&["call", "presence"])["here_now"], 2, "the kiosk's sign-ins reached the laptop");
    assert_eq!(laptop.json(&["attendees", "search", "late comer"]), json!([]), "not the desk's news, relayed");
    let person = laptop.json(&["attendees", "show", "handle7"]);
    assert_eq!(person["email"], "person7@venue-mail.example", "the laptop's e-mails are whole");

    // The kiosk's sign-ins reach the organizer; once the laptop reaches a staff device it holds all again.
    assert_eq!(desk.json(&["call", "presence"])["here_now"], 2);
    laptop.ok(&["sync", &address]);
    assert_eq!(laptop.json(&["attendees", "show", "Late Comer"])["email"], "late@venue-mail.example");
    assert_eq!(laptop.digest(), desk.digest());
    assert_eq!(kiosk.digest(), desk.digest(), "the kiosk holds the same sprint, less the e-mails");
}

/// Starts `sprintdesk serve` on `device` with its clock at `at` (RFC 3339); returns it and its address.
fn serve_at(device: &Device, at: &str) -> (std::process::Child, String) {
    let mut serving = device
        .command(&["--json", "serve", "--listen", "127.0.0.1:0", "--no-discovery", "--no-http"])
        .env("SPRINTDESK_NOW", at)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let address = crate::lan::started(&mut serving)["listening"].as_str().unwrap().to_owned();
    (serving, address)
}

/// A sprint of yesterday and the two days after on `desk`, a project, and two table leads' laptops paired
/// with it; returns the desk's address.
fn desk_and_two_leads(desk: &mut Device, first: &Device, second: &Device) -> String {
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Relay sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "CPython", "--table", "T1"]);
    desk.ok(&["attendees", "add", "--name", "Early Bird", "--email", "early@relay-mail.example"]);
    let address = desk.serve(None);
    join_as_lead(desk, &address, first, "First laptop", "CPython");
    join_as_lead(desk, &address, second, "Second laptop", "CPython");
    address
}

#[test]
fn a_laptop_whose_clock_ends_retention_early_passes_on_only_its_own_records() {
    let mut desk = Device::new();
    let fast = Device::new();
    let other = Device::new();
    let address = desk_and_two_leads(&mut desk, &fast, &other);
    // The organizer adds someone; the first laptop takes it, the second has not synced since.
    desk.ok(&["attendees", "add", "--name", "Quentin Held", "--email", "quentin@relay-mail.example"]);
    fast.ok(&["sync", &address]);
    assert!(!traces(&fast, &["quentin@relay-mail.example"]).is_empty());

    // The first laptop's clock runs 40 days fast: by it, the retention period (30 days after the sprint's
    // last day) has ended, so at its start it erases everyone's personal data on its own.
    let fast_now = (chrono::Utc::now() + chrono::Duration::days(40)).to_rfc3339();
    let (mut serving, fast_address) = serve_at(&fast, &fast_now);
    assert_eq!(traces(&fast, &["@relay-mail.example", "Quentin"]), Vec::<(String, String)>::new());

    // The second laptop reaches it first: it must not take the desk's records cleared from it (they would
    // count as held, and it would never get the values), only the first laptop's own.
    other.ok(&["sync", &fast_address]);
    serving.kill().unwrap();
    serving.wait().unwrap();
    other.ok(&["sync", &address]);
    let quentin = other.json(&["attendees", "show", "Quentin Held"]);
    assert_eq!(quentin["email"], "quentin@relay-mail.example", "the values came from the desk: {quentin}");
    assert_eq!(other.digest(), desk.digest());
    let flagged: Vec<Value> =
        other.json(&["devices", "list"]).as_array().unwrap().iter().filter(|d| d["refused"] != 0).cloned().collect();
    assert_eq!(flagged, Vec::<Value>::new(), "nothing was withheld from the second laptop");
}

/// A kiosk and a board are sent the venue's people with their e-mails cleared (neither holds any). Their first
/// batches arrive before the venue's word on what they are, and a helper found every freshly joined kiosk
/// telling the organizer to revoke the organizer's own laptop, as one that withheld what people said.
#[test]
fn a_kiosk_or_board_that_joins_does_not_take_the_organizer_for_a_device_that_withheld_e_mails() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let board = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Door sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    for n in 0..3 {
        desk.ok(&["attendees", "add", "--name", &format!("Person {n}"), "--email", &format!("p{n}@door-mail.example")]);
    }
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    join_as(&desk, &address, &board, "Hall board", "board");
    for (name, device) in [("kiosk", &kiosk), ("board", &board)] {
        assert_eq!(traces(device, &["@door-mail.example"]), Vec::<(String, String)>::new(), "{name}'s files");
        let flagged: Vec<Value> = device
            .json(&["devices", "list"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["refused"] != 0)
            .cloned()
            .collect();
        assert_eq!(flagged, Vec::<Value>::new(), "the {name} holds the organizer to have withheld nothing");
    }
}

/// What `sprintdesk` keeps as a record's content hash (see `trust::content_hash`), from its row.
fn stored_content_hash(entity: &str, id: &str, field: &str, salt: Option<&str>, value: &str) -> Vec<u8> {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for part in [entity, id, field] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    if let Some(salt) = salt {
        hash.update([0]);
        hash.update((salt.len() as u64).to_be_bytes());
        hash.update(salt.as_bytes());
    }
    hash.update(value.as_bytes());
    hash.finalize().to_vec()
}

/// Clears the record `condition` picks in `device`'s file as an erasure would: its value gone, its content
/// hash kept (so its author's chain still checks), as the device's owner can.
fn clear_in_file(device: &Device, condition: &str) {
    let db = rusqlite::Connection::open(device.dir.path().join("sprint.db")).unwrap();
    let (origin, seq, entity, id, field, salt, value): (String, i64, String, String, String, Option<String>, String) =
        db.query_row(
            &format!("SELECT origin, seq, entity, entity_id, field, salt, value FROM changes WHERE {condition}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    let hash = stored_content_hash(&entity, &id, &field, salt.as_deref(), &value);
    db.execute(
        "UPDATE changes SET value = 'null', cleared = ?3, salt = NULL WHERE origin = ?1 AND seq = ?2",
        rusqlite::params![origin, seq, hash],
    )
    .unwrap();
}

/// A pull request's author (someone not on the list) is erased only with everyone's: a laptop whose owner
/// clears one in its file before that is named as withholding it, as for a person's e-mail.
#[test]
fn a_laptop_whose_owner_clears_a_pull_requests_author_is_named_as_withholding_it() {
    let mut desk = Device::new();
    let tampered = Device::new();
    let other = Device::new();
    let address = desk_and_two_leads(&mut desk, &tampered, &other);
    desk.ok(&["project", "add", "--name", "PyPy", "--repo", "https://github.com/pypy/pypy"]);
    let prs = desk.dir.path().join("prs.json");
    let pr = json!({"number": 2, "title": "Change 2", "url": "https://github.com/pypy/pypy/pull/2", "state": "OPEN",
                    "author": {"login": "outsiderhandle9"}, "createdAt": "2026-05-18T10:00:00Z"});
    std::fs::write(&prs, json!([pr]).to_string()).unwrap();
    desk.ok(&["import", "prs", prs.to_str().unwrap()]);
    tampered.ok(&["sync", &address]);
    clear_in_file(&tampered, "entity = 'pull_request' AND field = 'author' AND value LIKE '%outsiderhandle9%'");
    let row = synced_from_tampered(tampered, &other);
    assert_eq!(row["refused"], 1, "{row}");
    assert!(row["refusal"].as_str().unwrap().contains("without the erasure that clears it"), "{row}");
}

/// `other` syncs from the tampered laptop ("First laptop"), serving: that laptop's row on its Devices page.
fn synced_from_tampered(mut tampered: Device, other: &Device) -> Value {
    let tampered_address = tampered.serve(None);
    other.ok(&["sync", &tampered_address]);
    first_laptop(other)
}

/// The first laptop's row on `device`'s Devices page.
fn first_laptop(device: &Device) -> Value {
    device.json(&["devices", "list"]).as_array().unwrap().iter().find(|d| d["name"] == "First laptop").unwrap().clone()
}

#[test]
fn a_laptop_whose_owner_clears_records_in_its_file_is_named_as_withholding_them() {
    let mut desk = Device::new();
    let tampered = Device::new();
    let other = Device::new();
    let address = desk_and_two_leads(&mut desk, &tampered, &other);
    desk.ok(&["attendees", "add", "--name", "Quentin Held", "--email", "quentin@relay-mail.example"]);
    tampered.ok(&["sync", &address]);

    // The first laptop's owner clears the e-mail's record in its file, as an erasure would: value gone,
    // the content hash kept, so the chain still checks.
    clear_in_file(&tampered, "field = 'email' AND value LIKE '%quentin@%'");

    // The second laptop syncs from it before it reaches the desk: the record comes cleared, with no erasure
    // to explain it. Its Devices page names the laptop that withheld it.
    let row = synced_from_tampered(tampered, &other);
    assert_eq!(row["refused"], 1, "{row}");
    let why = row["refusal"].as_str().unwrap();
    assert!(why.contains("without the erasure that clears it") && why.contains("revoke"), "{why}");
    // What an erasure explains is not flagged: once the organizer erases the person, the flag goes.
    desk.ok(&["erase", "Quentin Held"]);
    other.ok(&["sync", &address]);
    assert_eq!(first_laptop(&other)["refused"], 0);
}
