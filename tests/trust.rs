//! The venue's trust rules tried as attackers would, against real `sprintdesk` processes on 127.0.0.1:
//! the owner of a paired kiosk edits its SQLite file to plant a device on the allow-list, rewrite a
//! person's e-mail and write under the organizer's name, then syncs. Every device refuses alike and says
//! so; the planted machine gets nothing. And only an organizer's device pairs.

use crate::lan::{ALL_DAY, Device, join_as, join_as_lead};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sprintdesk_store::trust::{self, SigningKey};
use sprintdesk_store::{Change, Entity, Hlc};
use std::path::Path;

/// What the owner of a paired device can do with its file: append a record to its change log as if the
/// device had written it under `origin`, linked into that origin's chain and signed with the key the file
/// holds (the device's own: the file holds no other).
fn forge(db: &Path, device: &str, origin: &str, entity: Entity, entity_id: &str, field: &str, value: Value) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let secret: Vec<u8> = conn
        .query_row("SELECT secret FROM local_keys WHERE device = ?1 AND name = 'device'", [device], |r| r.get(0))
        .unwrap();
    let key = SigningKey::from_pkcs8(&secret).unwrap();
    let seq: u64 =
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE origin = ?1", [origin], |r| r.get(0)).unwrap();
    let (tip, link): (u64, Vec<u8>) = conn
        .query_row("SELECT seq, link FROM chains WHERE origin = ?1", [origin], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap_or((0, vec![0; 32]));
    assert_eq!(tip, seq, "the chain of {origin} is linked up to its last record");
    let hlc: i64 = conn.query_row("SELECT MAX(hlc) FROM changes", [], |r| r.get(0)).unwrap();
    let mut change = Change {
        origin: origin.into(),
        seq: seq + 1,
        hlc: Hlc(hlc as u64 + 1),
        entity,
        entity_id: entity_id.to_owned(),
        field: field.to_owned(),
        value,
        proof: None,
        cleared: None,
        salt: None,
    };
    let link = trust::link(&link.try_into().unwrap(), &change, &trust::content_hash(&change));
    change.proof = Some(trust::hex(&key.sign(&trust::head_message(origin, change.seq, &link))));
    conn.execute(
        "INSERT INTO changes (origin, seq, hlc, entity, entity_id, field, value, proof) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            origin,
            change.seq,
            change.hlc.0 as i64,
            entity.as_str(),
            entity_id,
            field,
            change.value.to_string(),
            change.proof
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT OR REPLACE INTO chains (origin, seq, link) VALUES (?1, ?2, ?3)",
        rusqlite::params![origin, change.seq, link.as_slice()],
    )
    .unwrap();
    conn.execute("INSERT OR REPLACE INTO vector (origin, seq) VALUES (?1, ?2)", rusqlite::params![origin, change.seq])
        .unwrap();
}

fn db(device: &Device) -> std::path::PathBuf {
    device.dir.path().join("sprint.db")
}

fn device_id(device: &Device) -> String {
    device.json(&["call", "setup"])["device"].as_str().unwrap().to_owned()
}

/// The SHA-256 of the certificate a device presents, as the allow-list records it.
fn fingerprint(device: &Device) -> String {
    let conn = rusqlite::Connection::open(db(device)).unwrap();
    let cert: Vec<u8> = conn.query_row("SELECT cert FROM local_identity", [], |r| r.get(0)).unwrap();
    Sha256::digest(cert).iter().map(|b| format!("{b:02x}")).collect()
}

fn email(device: &Device, who: &str) -> Value {
    device.json(&["attendees", "show", who])["email"].clone()
}

fn allow_list(device: &Device) -> Vec<Value> {
    device.json(&["call", "devices"]).as_array().unwrap().clone()
}

#[test]
fn a_paired_kiosk_that_edits_its_file_to_forge_records_is_refused_on_every_device() {
    let mut desk = Device::new();
    let mut kiosk = Device::new();
    let lead = Device::new();
    let projector = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Trust sprint", "--start", &yesterday, "--days", "3"][..], &ALL_DAY].concat());
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira", "--email", "ana@example.org"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    join_as_lead(&desk, &address, &lead, "Table lead", "Django");
    let (desk_id, kiosk_id) = (device_id(&desk), device_id(&kiosk));
    kiosk.ok(&["sync", &address]); // It holds everything the desk holds.

    // A machine of the attacker's: it has a certificate of its own (made trying a join) but is not paired.
    let refused = projector.run(&["join", "AAAAA-BBBBB", &address, "--name", "Projector", "--role", "board"]);
    assert!(!refused.status.success(), "an unpaired machine is refused");
    let planted = fingerprint(&projector);

    // The kiosk's owner edits its file: a device record for the projector (with a grant signed by the
    // kiosk's own key: the file holds no other), a new e-mail for Ana, and a record under the organizer's
    // name. Each is linked into its chain and signed, as Sprintdesk would.
    let kiosk_key = {
        let conn = rusqlite::Connection::open(db(&kiosk)).unwrap();
        let secret: Vec<u8> = conn
            .query_row("SELECT secret FROM local_keys WHERE device = ?1 AND name = 'device'", [&kiosk_id], |r| r.get(0))
            .unwrap();
        SigningKey::from_pkcs8(&secret).unwrap()
    };
    let grant = trust::sign_grant(
        &kiosk_key,
        "projector",
        sprintdesk_core::domain::DeviceRole::Organizer,
        None,
        &planted,
        &kiosk_key.public_hex(),
    );
    let kiosk_db = db(&kiosk);
    for (field, value) in [
        ("name", json!("Projector")),
        ("role", json!("organizer")),
        ("fingerprint", json!(planted)),
        ("revoked", json!(false)),
        ("grant", serde_json::to_value(&grant).unwrap()),
    ] {
        forge(&kiosk_db, &kiosk_id, &kiosk_id, Entity::Device, "projector", field, value);
    }
    forge(&kiosk_db, &kiosk_id, &kiosk_id, Entity::Attendee, &ana, "email", json!("ana@attacker.example"));
    forge(&kiosk_db, &kiosk_id, &desk_id, Entity::Attendee, &ana, "email", json!("via-desk@attacker.example"));

    // The kiosk syncs with the organizer's desk. A kiosk passes on only its own records (it holds others'
    // without e-mails), so the record under the organizer's name does not even leave it.
    kiosk.run(&["sync", &address]);

    // The desk took none of it, and its Devices page and peers list say what the kiosk sent.
    assert_eq!(email(&desk, &ana), json!("ana@example.org"));
    let devices = allow_list(&desk);
    assert!(devices.iter().all(|d| d["id"] != "projector"), "nothing planted: {devices:?}");
    let kiosk_row = devices.iter().find(|d| d["id"] == kiosk_id.as_str()).unwrap();
    assert!(kiosk_row["refused"].as_u64().unwrap() >= 6, "{kiosk_row}");
    assert!(kiosk_row["refusal"].as_str().unwrap().contains("may not write"), "{kiosk_row}");
    let peers = desk.json(&["peers"]).to_string();
    assert!(peers.contains("refused"), "{peers}");

    // The planted machine is still refused.
    let out = projector.run(&["sync", &address]);
    let said = String::from_utf8_lossy(&out.stderr);
    // Exit 1, a refusal to put right by pairing, not 3 (a device that could not be reached, worth retrying).
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("not on the venue's allow-list"), "{said}");

    // A third device takes the kiosk's records relayed by the desk, and syncs with the kiosk itself: it
    // refuses the forged records alike, and takes nothing under the organizer's name from the kiosk.
    let out = lead.run(&["sync", &address]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("may not write the allow-list"), "the lead refuses the relayed records too: {said}");
    let kiosk_address = kiosk.serve(None);
    lead.run(&["sync", &kiosk_address]);
    assert_eq!(email(&lead, &ana), json!("ana@example.org"));

    // A device that does pass on others' records (a table lead's laptop) whose owner forges a record under
    // the organizer's name: every device refuses it, as not signed by its author.
    forge(&db(&lead), &device_id(&lead), &desk_id, Entity::Attendee, &ana, "email", json!("via-lead@attacker.example"));
    let out = lead.run(&["sync", &address]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the forging lead is told its records were refused");
    assert!(said.contains("nothing proved"), "{said}");
    assert_eq!(email(&desk, &ana), json!("ana@example.org"));
    assert!(allow_list(&lead).iter().all(|d| d["id"] != "projector"));
    assert!(allow_list(&desk).iter().all(|d| d["id"] != "projector"));
}

#[test]
fn only_an_organizers_device_pairs_and_an_organizers_code_is_needed_to_join_as_one() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let second = Device::new();
    let newcomer = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Pairing sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");

    // A kiosk does not hold the venue's key: it cannot make join codes.
    let out = kiosk.run(&["pair"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only an organizer's device"));

    // An ordinary code does not make an organizer.
    let code = desk.json(&["pair"])["code"].as_str().unwrap().to_owned();
    let out = second.run(&["join", &code, &address, "--name", "Sneaky", "--role", "organizer"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("that join code is for a kiosk, not an organizer's device"), "{said}");

    // An organizer's code does: the second organizer's device holds the venue's key and pairs a newcomer,
    // whose records every device then takes.
    join_as(&desk, &address, &second, "Second organizer", "organizer");
    let mut second = second;
    let second_address = second.serve(Some(&address));
    join_as(&second, &second_address, &newcomer, "Board", "board");
    // The second organizer's live session tells the desk of the newcomer.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while allow_list(&desk).len() < 4 {
        assert!(std::time::Instant::now() < deadline, "the newcomer's entry reached the desk");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    newcomer.ok(&["sync", &address]);
    let ids: Vec<Value> = allow_list(&desk).iter().map(|d| d["vouched"].clone()).collect();
    assert_eq!(ids.len(), 4, "desk, kiosk, second organizer and board are on the desk's allow-list");
    assert!(ids.iter().all(|v| v == &json!(true)), "every entry is vouched for: {ids:?}");
    let board = allow_list(&desk).into_iter().find(|d| d["name"] == "Board").unwrap();
    assert_eq!(board["paired_by"], "Second organizer", "the Devices page names who paired it");
}

#[test]
fn a_table_lead_writes_its_own_projects_goals_and_nothing_of_another_even_by_editing_its_file() {
    let mut desk = Device::new();
    let lead = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Scoped sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    desk.ok(&["project", "add", "--name", "CPython", "--table", "T2"]);
    let goal = |project: &str, title: &str| {
        desk.json(&["goal", "add", "--project", project, "--title", title])["id"].as_str().unwrap().to_owned()
    };
    let (ours, theirs) = (goal("Django", "Async ORM docs"), goal("CPython", "Faster startup"));
    let address = desk.serve(None);

    // A table lead's code is for one table; a code asked for a lead without a project is refused in words.
    let out = desk.run(&["pair", "--role", "table-lead"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose its project"), "{out:?}");
    // The laptop says nothing of what it is: the code decides, and it opens on its table.
    let joined = join_as_lead(&desk, &address, &lead, "Django table", "Django");
    assert_eq!((joined["role"].as_str(), joined["project"].as_str()), (Some("table_lead"), Some("Django")));
    let setup = lead.json(&["call", "setup"]);
    assert_eq!(setup["mode"], "table_lead", "{setup}");
    let lead_id = device_id(&lead);

    // Through Sprintdesk, the lead's own project's goal changes; another project's is refused in words.
    lead.ok(&["goal", "status", &ours, "done"]);
    let out = lead.run(&["goal", "status", &theirs, "dropped"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not another project's goals"), "{said}");

    // Its owner edits the file instead: the record is linked and signed as Sprintdesk would.
    forge(&db(&lead), &lead_id, &lead_id, Entity::Goal, &theirs, "status", json!("dropped"));
    lead.run(&["sync", &address]);
    let board = desk.json(&["call", "board"]);
    let goal_status = |id: &str| -> Value {
        board["projects"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["goals"].as_array().unwrap().iter())
            .find(|g| g["id"] == id)
            .map(|g| g["status"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(goal_status(&ours), json!("done"), "the lead's own project's goal changed on the desk");
    assert_eq!(goal_status(&theirs), json!("planned"), "another project's goal did not");
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == lead_id.as_str()).unwrap();
    assert_eq!(row["refused"], 1, "{row}");
    assert!(row["refusal"].as_str().unwrap().contains("another project's goal"), "{row}");
}

#[test]
fn a_lead_that_forges_an_erasure_of_everyone_does_not_turn_retention_off() {
    let mut desk = Device::new();
    let lead = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Kept sprint", "--start", &yesterday, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    desk.ok(&["attendees", "add", "--name", "Rita Retained", "--email", "rita@kept.example"]);
    let address = desk.serve(None);
    join_as_lead(&desk, &address, &lead, "Django table", "Django");

    // The laptop's owner plants an erasure of everyone, signed as the laptop: every device refuses it (only an
    // organizer erases), but it sits in their logs.
    let lead_id = device_id(&lead);
    forge(&db(&lead), &lead_id, &lead_id, Entity::Erasure, "*", "erased", json!(true));
    lead.ok(&["sync", &address]);
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == lead_id.as_str()).unwrap();
    assert_eq!(row["refused"], 1, "{row}");
    assert_eq!(desk.json(&["attendees", "show", "Rita Retained"])["email"], "rita@kept.example", "nothing erased");

    // Forty days on, the retention period has ended: the organizer's device still erases everyone at its start.
    desk.kill();
    let later = (chrono::Utc::now() + chrono::Duration::days(40)).to_rfc3339();
    let mut serving = desk
        .command(&["--json", "serve", "--listen", "127.0.0.1:0", "--no-discovery", "--no-http"])
        .env("SPRINTDESK_NOW", &later)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::lan::started(&mut serving);
    serving.kill().unwrap();
    serving.wait().unwrap();
    let bytes = std::fs::read(db(&desk)).unwrap();
    let wal = std::fs::read(db(&desk).with_extension("db-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(!file.windows(17).any(|w| w == b"rita@kept.example"), "the e-mail is gone from the desk's files");
    }
}

#[test]
fn a_paired_kiosk_that_makes_up_origins_megabytes_long_cannot_stop_the_venues_sync() {
    // Every device keeps each origin it holds records of for good, and lists them all in every `hello`.
    // The owner of a paired kiosk makes up origins of its own device six megabytes long (`{id}~000…02`),
    // writes an allowed record under each, signed with the kiosk's own key, and syncs them one at a time
    // (so that its own `hello` stays under the 16 MiB a frame may be). Taken, three would make the
    // organizer's `hello` too large for any device to read: no sync, no join, even after a revocation.
    let mut desk = Device::new();
    let kiosk = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Origin sprint", "--start", &today, "--days", "3"][..], &ALL_DAY].concat());
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira"])["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    let kiosk_id = device_id(&kiosk);
    let kiosk_db = db(&kiosk);
    for n in 2..=4 {
        let origin = format!("{kiosk_id}~{}{n}", "0".repeat(6_000_000));
        forge(&kiosk_db, &kiosk_id, &origin, Entity::Attendee, &ana, "coc_version", json!(n));
        let conn = rusqlite::Connection::open(&kiosk_db).unwrap();
        conn.execute("DELETE FROM vector WHERE length(origin) > 100 AND origin <> ?1", [&origin]).unwrap();
        // Given a minute: on a device that takes such records, this sync never ends.
        let mut sync = kiosk.command(&["sync", &address]).spawn().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while sync.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = sync.kill();
        let _ = sync.wait();
    }

    // The organizer took none of it: no origin of its is longer than a device's id and `~999`.
    let longest: i64 = rusqlite::Connection::open(db(&desk))
        .unwrap()
        .query_row("SELECT COALESCE(MAX(length(origin)), 0) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert!(longest <= 68, "the organizer keeps an origin of {longest} bytes");
    // And the venue still works: a new device joins and holds what the organizer holds.
    let fresh = Device::new();
    join_as(&desk, &address, &fresh, "New kiosk", "kiosk");
    assert_eq!(fresh.json(&["attendees", "show", &ana])["name"], json!("Ana Pereira"));
}

/// The owner of a paired kiosk edits its file: its own grant taken out of it (so that the frames it sends
/// carry none), then one record signed with the kiosk's key whose text makes a frame just under the 16 MiB a
/// device reads. The organizer refused it by the kiosk's role but kept it whole in its log, as a link of the
/// kiosk's chain; passed on with the kiosk's grant, it made a frame over what any device reads. No device
/// synced with the organizer again, none could join, and revoking the kiosk reached no one.
#[test]
fn a_paired_kiosk_that_writes_one_record_of_sixteen_megabytes_cannot_stop_the_venues_sync() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let lead = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Poison sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira"])["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    let kiosk_id = device_id(&kiosk);
    kiosk.ok(&["signin", &ana, "--accept-coc", "--photo", "yes"]);
    kiosk.ok(&["sync", &address]);

    // The text: as long as leaves 150 bytes of the 16 MiB a frame may be around the kiosk's own frame.
    let kiosk_db = db(&kiosk);
    let conn = rusqlite::Connection::open(&kiosk_db).unwrap();
    conn.execute("UPDATE devices SET \"grant\" = NULL WHERE id = ?1", [&kiosk_id]).unwrap();
    let skeleton = Change {
        origin: kiosk_id.as_str().into(),
        seq: 99,
        hlc: Hlc(u64::MAX / 2),
        entity: Entity::Sprint,
        entity_id: "sprint".into(),
        field: "name".into(),
        value: json!(""),
        proof: Some("0".repeat(128)),
        cleared: None,
        salt: None,
    };
    let frame = format!(r#"{{"type":"changes","changes":[{}]}}"#, serde_json::to_string(&skeleton).unwrap());
    let long = "P".repeat(16 * 1024 * 1024 - 150 - frame.len());
    forge(&kiosk_db, &kiosk_id, &kiosk_id, Entity::Sprint, "sprint", "name", json!(long));
    drop(long);
    let mut sync = kiosk.command(&["sync", &address]).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sync.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = sync.kill();
    let _ = sync.wait();

    // The organizer keeps nothing of it, and says why on its Devices page.
    let longest: i64 = rusqlite::Connection::open(db(&desk))
        .unwrap()
        .query_row("SELECT COALESCE(MAX(length(value)), 0) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert!(longest < 1024 * 1024, "the organizer keeps a record of {longest} bytes");
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == kiosk_id.as_str()).unwrap();
    let why = row["refusal"].as_str().unwrap_or_default();
    assert!(why.contains("too large to keep or pass on"), "{row}");
    // The venue goes on: the kiosk revoked and someone added reach the lead's laptop, and a new device joins.
    desk.ok(&["devices", "revoke", &kiosk_id]);
    desk.ok(&["attendees", "add", "--name", "After Poison"]);
    let synced = lead.run(&["sync", &address]);
    assert!(synced.status.success(), "{}", String::from_utf8_lossy(&synced.stderr));
    assert!(lead.ok(&["attendees", "search", "After Poison"]).contains("After Poison"));
    let revoked = allow_list(&lead).into_iter().find(|d| d["id"] == kiosk_id.as_str()).unwrap();
    assert_eq!(revoked["revoked"], json!(true), "{revoked}");
    let fresh = Device::new();
    join_as(&desk, &address, &fresh, "New board", "board");
    assert!(fresh.ok(&["attendees", "search", "After Poison"]).contains("After Poison"));
}

/// A table lead's laptop passes the organizer's records on. Its owner edited its file to clear the keys of
/// an erasure (a null and the content's real hash: the chain still checks) before a second organizer's
/// laptop, offline when the person was erased, synced with it. That laptop took the erasure without its
/// keys, and imported the ticketing export again: the erased person was back, e-mail and all, under a new
/// id, and from it on every device. A device holding an erasure's keys withheld now refuses attendee files,
/// in words naming the relay, until the erasure of everyone explains them.
#[test]
fn a_lead_that_clears_an_erasures_keys_in_its_file_cannot_bring_the_person_back() {
    let mut desk = Device::new();
    let spare = Device::new();
    let mut lead = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Keys sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let export = desk.dir.path().join("export.csv");
    std::fs::write(
        &export,
        "name,email,badge\nVictor Victim,victor@example.org,VV-1\nAna Pereira,ana@example.org,AP-1\n",
    )
    .unwrap();
    desk.ok(&["import", "attendees", export.to_str().unwrap()]);
    let address = desk.serve(None);
    join_as(&desk, &address, &spare, "Spare desk", "organizer");
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    spare.ok(&["sync", &address]); // It hears of the lead's laptop, and goes offline.

    desk.ok(&["erase", "Victor Victim"]);
    lead.ok(&["sync", &address]);
    // The lead's owner clears the erasure's keys in its file, as an honest device clears them once everyone
    // is erased.
    let conn = rusqlite::Connection::open(db(&lead)).unwrap();
    let keys: Vec<Change> = conn
        .prepare(
            "SELECT origin, seq, hlc, entity_id, value, salt FROM changes WHERE entity = 'erasure' AND field = 'keys'",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(Change {
                origin: r.get::<_, String>(0)?.as_str().into(),
                seq: r.get(1)?,
                hlc: Hlc(r.get::<_, i64>(2)? as u64),
                entity: Entity::Erasure,
                entity_id: r.get(3)?,
                field: "keys".into(),
                value: serde_json::from_str(&r.get::<_, String>(4)?).unwrap(),
                proof: None,
                cleared: None,
                salt: r.get(5)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(keys.len(), 1, "the lead holds the erasure's keys");
    for record in &keys {
        conn.execute(
            "UPDATE changes SET value = 'null', cleared = ?3, salt = NULL WHERE origin = ?1 AND seq = ?2",
            rusqlite::params![record.origin.as_str(), record.seq, trust::content_hash(record).as_slice()],
        )
        .unwrap();
    }
    drop(conn);
    desk.kill();
    let lead_address = lead.serve(None);

    // The spare laptop comes back, meets the lead's laptop first, and imports the export again.
    spare.ok(&["sync", &lead_address]);
    let before = spare.digest();
    let refused = spare.run(&["import", "attendees", export.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success(),
        "the erased person is imported again: {}",
        String::from_utf8_lossy(&refused.stdout)
    );
    assert!(said.contains("passed on by Django table") && said.contains("organizer's desk"), "{said}");
    assert_eq!(spare.digest(), before, "nothing was imported");
    // The organizer's desk, which holds the keys, imports the export and leaves him out; the spare laptop
    // hears of it, and he is on no device.
    lead.kill();
    let address = desk.serve(None);
    let report = desk.json(&["import", "attendees", export.to_str().unwrap()]);
    assert_eq!((report["added"].clone(), report["erased"].clone()), (json!(0), json!(["line 2"])), "{report}");
    spare.ok(&["sync", &address]);
    for device in [&desk, &spare] {
        assert!(!device.ok(&["attendees", "search", "Victor"]).contains("Victor Victim"), "Victor is back");
    }
}

/// What an honest lead's laptop passes on after the organizer ended the retention period early (everyone's
/// personal data erased: the erasures' keys and the pull requests' authors cleared first, the erasure of
/// everyone after them) reaches a laptop that was offline, whole: no record is held back as withheld.
#[test]
fn an_honest_lead_passes_on_the_erasure_of_everyone_to_a_laptop_that_was_offline() {
    let mut desk = Device::new();
    let mut lead = Device::new();
    let other = Device::new();
    let start = (chrono::Utc::now() - chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Early end", "--start", &start, "--days", "1"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1", "--repo", "https://github.com/django/django"]);
    desk.ok(&["attendees", "add", "--name", "Victor Victim", "--email", "victor@example.org"]);
    desk.ok(&["attendees", "add", "--name", "Ana Pereira", "--email", "ana@example.org"]);
    let address = desk.serve(None);
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    join_as_lead(&desk, &address, &other, "Second laptop", "Django");
    let prs = desk.dir.path().join("prs.json");
    let pr = json!({"number": 1, "title": "Change", "url": "https://github.com/django/django/pull/1", "state": "OPEN",
                    "author": {"login": "outsiderhandle9"}, "createdAt": "2026-05-18T10:00:00Z"});
    std::fs::write(&prs, json!([pr]).to_string()).unwrap();
    desk.ok(&["import", "prs", prs.to_str().unwrap()]);
    desk.ok(&["erase", "Victor Victim"]);
    // The organizer ends the retention period now: its peer, started again, erases everyone.
    let mut sprint = desk.json(&["call", "sprint"]);
    sprint["retention_days"] = json!(0);
    desk.ok(&["call", "update_sprint", &sprint.to_string()]);
    desk.kill();
    let address = desk.serve(None);
    lead.ok(&["sync", &address]);
    assert_eq!(lead.json(&["attendees", "list"]), json!([]), "the lead's laptop erased everyone");
    desk.kill();
    let lead_address = lead.serve(None);
    other.ok(&["sync", &lead_address]);
    assert_eq!(other.json(&["attendees", "list"]), json!([]), "the laptop that was offline lists no one");
    assert_eq!(other.digest(), lead.digest());
}

/// The same value written with other bytes: every object's keys the other way round, every string's
/// characters as `\u` escapes, spaces around everything.
fn rewritten(value: &Value) -> String {
    let text = |s: &str| format!("\"{}\"", s.encode_utf16().map(|unit| format!("\\u{unit:04x}")).collect::<String>());
    match value {
        Value::Object(map) => {
            let fields: Vec<String> =
                map.iter().rev().map(|(k, v)| format!("{} : {}", text(k), rewritten(v))).collect();
            format!("{{ {} }}", fields.join(" , "))
        }
        Value::Array(items) => format!("[ {} ]", items.iter().map(rewritten).collect::<Vec<_>>().join(" , ")),
        Value::String(s) => format!(" {} ", text(s)),
        other => format!(" {other} "),
    }
}

/// A device passes on records as the text it stored them in. A table lead's laptop, relaying the
/// organizer's records, had its file edited to hold them as other bytes for the same values (keys the
/// other way round, escapes, spaces). A laptop that takes them from it reads every value, checks it
/// against its author's chain as ever, and keeps what it would have written itself: the organizer's bytes.
#[test]
fn a_lead_that_rewrites_the_text_of_records_it_passes_on_changes_nothing_a_receiver_keeps() {
    let mut desk = Device::new();
    let mut lead = Device::new();
    let other = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Odd bytes", "--start", &today, "--days", "1"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let address = desk.serve(None);
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    join_as_lead(&desk, &address, &other, "Second laptop", "Django");
    // Written after the second laptop joined: it has none of them.
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira"])["id"].as_str().unwrap().to_owned();
    desk.ok(&["signin", &ana, "--accept-coc", "--photo", "yes"]);
    lead.ok(&["sync", &address]);
    desk.kill();

    let desk_id = device_id(&desk);
    let texts = |device: &Device| -> Vec<(u64, String)> {
        rusqlite::Connection::open(db(device))
            .unwrap()
            .prepare("SELECT seq, value FROM changes WHERE origin = ?1 AND cleared IS NULL ORDER BY seq")
            .unwrap()
            .query_map([&desk_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let organizers = texts(&desk);
    let conn = rusqlite::Connection::open(db(&lead)).unwrap();
    for (seq, text) in &organizers {
        let odd = rewritten(&serde_json::from_str(text).unwrap());
        assert_eq!(serde_json::from_str::<Value>(&odd).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        conn.execute(
            "UPDATE changes SET value = ?3 WHERE origin = ?1 AND seq = ?2",
            rusqlite::params![desk_id, seq, odd],
        )
        .unwrap();
    }
    drop(conn);
    let at_the_lead = texts(&lead);
    assert_eq!(at_the_lead.len(), organizers.len());
    assert!(at_the_lead.iter().zip(&organizers).all(|(odd, kept)| odd.1 != kept.1), "every text was rewritten");

    let lead_address = lead.serve(None);
    // The second laptop logs every frame it reads as its JSON.
    let synced = other
        .command(&["sync", &lead_address])
        .env("SPRINTDESK_LOG", "sprintdesk_sync::message=trace")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&synced.stderr);
    assert!(synced.status.success(), "{log}");
    assert!(log.contains(r"\u0041\u006e\u0061"), "the lead sent its own bytes (\"Ana\" escaped)");
    assert!(other.present().contains(&ana), "the sign-in arrived through the lead");
    assert_eq!(texts(&other), organizers, "the second laptop keeps the organizer's bytes, not the lead's");
    assert_eq!(other.digest(), desk.digest());
}

/// A door sets what it likes on the walk-ins it registered. A paired kiosk's owner edited its file to give
/// its walk-in Eve the forge handle of Victor, on the list: the organizer's pull request import then counted
/// all of Victor's pull requests as Eve's, and once Eve asked to be erased they were "Erased person"'s for
/// good. A handle two people hold is now no one's at import, and the import says whose it is.
#[test]
fn a_kiosk_that_gives_its_walk_in_someones_handle_does_not_take_their_pull_requests() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Handle sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Alpha", "--repo", "https://github.com/acme/alpha", "--table", "T1"]);
    desk.ok(&["attendees", "add", "--name", "Victor Victim", "--handle", "victorv"]);
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    let kiosk_id = device_id(&kiosk);
    let walk_in = json!({"name": "Eve Walkin", "project": "T1", "accept_code_of_conduct": true});
    let eve =
        kiosk.json(&["call", "register_walk_in", &walk_in.to_string()])["person"]["id"].as_str().unwrap().to_owned();
    forge(&db(&kiosk), &kiosk_id, &kiosk_id, Entity::Attendee, &eve, "handle", json!("victorv"));
    kiosk.ok(&["sync", &address]);

    let prs: Vec<Value> = (1..=3)
        .map(|n| {
            json!({"number": n, "title": format!("Change {n}"), "url": format!("https://github.com/acme/alpha/pull/{n}"),
                   "state": "MERGED", "author": {"login": "victorv"}, "createdAt": "2026-05-18T10:00:00Z",
                   "mergedAt": "2026-05-18T12:00:00Z"})
        })
        .collect();
    let file = desk.dir.path().join("prs.json");
    std::fs::write(&file, Value::Array(prs).to_string()).unwrap();
    let report = desk.json(&["import", "prs", file.to_str().unwrap()]);
    assert_eq!(report["shared_handles"], json!(["@victorv: Eve Walkin, Victor Victim"]), "{report}");
    let linked = |device: &Device| -> Vec<Option<String>> {
        rusqlite::Connection::open(db(device))
            .unwrap()
            .prepare("SELECT attendee FROM pull_requests ORDER BY number")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(linked(&desk), vec![None, None, None], "the pull requests went to one of the two");
    // Nor is the handle written on them, where the report and the exports would name one of the two by it.
    let authors: i64 = rusqlite::Connection::open(db(&desk))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM pull_requests WHERE author IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(authors, 0, "the shared handle is written on the pull requests");
    // Eve asks to be erased: Victor's pull requests do not become the erased person's.
    desk.ok(&["erase", &eve]);
    let report = desk.json(&["import", "prs", file.to_str().unwrap()]);
    assert_eq!(report["shared_handles"], json!([]), "{report}");
    let victor = desk.json(&["attendees", "search", "Victor Victim"])[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(linked(&desk), vec![Some(victor.clone()), Some(victor.clone()), Some(victor)]);
}

/// What a door or a lead writes is held, on every device, to the lengths its forms allow: a paired kiosk's
/// owner once could edit its file to give a walk-in a megabyte-long name, which every kiosk, board and badge
/// of the venue then showed (and every device kept in memory, in its search index).
#[test]
fn a_paired_kiosk_or_lead_that_edits_its_file_to_write_megabyte_long_texts_is_refused() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let lead = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Long sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira"])["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    let (kiosk_id, lead_id) = (device_id(&kiosk), device_id(&lead));

    // Through Sprintdesk: a walk-in at the door, a goal at the table.
    let walk_in = json!({"name": "Wanda Walkin", "project": "T1", "accept_code_of_conduct": true});
    let registered = kiosk.json(&["call", "register_walk_in", &walk_in.to_string()]);
    let wanda = registered["person"]["id"].as_str().unwrap().to_owned();
    // The kiosk offers the walk-in it registered a first badge; Ana, whom the organizer listed without a
    // code, it sends to an organizer (a kiosk gives codes only to the people it registered).
    assert_eq!(registered["door_badge"], "print");
    let signed_in = kiosk.json(&[
        "call",
        "sign_in",
        &json!({"attendee": ana, "project": "T1", "accept_code_of_conduct": true}).to_string(),
    ]);
    assert_eq!(signed_in["door_badge"], "ask", "{signed_in}");
    let out = kiosk.run(&["call", "print_badge", &json!({"attendee": ana, "token": signed_in["undo"]}).to_string()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("may not give them one"), "{said}");
    let goal = lead.json(&["goal", "add", "--project", "Django", "--title", "Async ORM docs"])["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Their owners edit the files: the same person and goal, a megabyte long, linked and signed as
    // Sprintdesk would.
    // (Under the megabyte no device keeps at all: see `…_one_record_of_sixteen_megabytes_…`.)
    let long = "W".repeat((1 << 20) - 16);
    forge(&db(&kiosk), &kiosk_id, &kiosk_id, Entity::Attendee, &wanda, "name", json!(long));
    forge(&db(&lead), &lead_id, &lead_id, Entity::Goal, &goal, "title", json!(long));
    kiosk.run(&["sync", &address]);
    lead.run(&["sync", &address]);

    // The desk took the walk-in and the goal as they were first written, and not the edits.
    // (Lengths in the messages: a failure must not print a megabyte.)
    let name = desk.json(&["attendees", "show", &wanda])["name"].as_str().unwrap_or_default().to_owned();
    assert!(name == "Wanda Walkin", "the desk shows a name of {} characters", name.len());
    let board = desk.json(&["call", "board"]);
    let titles: Vec<&str> =
        board["projects"][0]["goals"].as_array().unwrap().iter().filter_map(|g| g["title"].as_str()).collect();
    let lengths: Vec<usize> = titles.iter().map(|t| t.len()).collect();
    assert!(titles == ["Async ORM docs"], "goal titles of {lengths:?} characters");
    let devices = allow_list(&desk);
    for (id, limit) in [(&kiosk_id, 200), (&lead_id, 200)] {
        let row = devices.iter().find(|d| d["id"] == id.as_str()).unwrap();
        assert_eq!(row["refused"], 1, "{row}");
        let why = row["refusal"].as_str().unwrap();
        assert!(why.contains(&format!("a text of 1048560 characters where {limit} is the most")), "{why}");
    }
}

/// A lead may write records of up to 128 KiB each (its retrospective answers). A paired lead's owner wrote
/// a hundred and sixty of them, sending them to the organizer eighty at a time: the organizer's next batch
/// of them, planned by count, was then over what any device reads, so no device synced with the organizer
/// again (a new one could not even join), and not after the lead was revoked either.
#[test]
fn a_paired_lead_that_writes_many_large_records_cannot_stop_the_venues_sync() {
    let mut desk = Device::new();
    let lead = Device::new();
    let kiosk = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Large sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let bob = desk.json(&["attendees", "add", "--name", "Bob Builder"])["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    let lead_id = device_id(&lead);

    // Each answer within every limit a lead is held to: sixty texts of 1,990 characters, some 121 KB.
    let mut replies = vec![json!({"question": "q1", "rating": 5})];
    replies.extend((0..60).map(|_| json!({"question": "q2", "text": "x".repeat(1990)})));
    let replies = Value::Array(replies);
    for round in 0..2 {
        for n in 0..80 {
            let id = format!("r-{round}-{n}@{lead_id}");
            forge(&db(&lead), &lead_id, &lead_id, Entity::RetroAnswer, &id, "day", json!(today));
            forge(&db(&lead), &lead_id, &lead_id, Entity::RetroAnswer, &id, "replies", replies.clone());
        }
        lead.ok(&["sync", &address]);
    }
    let held = |device: &Device| -> i64 {
        rusqlite::Connection::open(db(device))
            .unwrap()
            .query_row("SELECT COUNT(*) FROM retro_answers", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(held(&desk), 160, "the organizer takes answers a lead may write");

    // The organizer signs Bob in: the kiosk hears of it, and a new kiosk joins and holds it all.
    desk.ok(&["signin", &bob, "--accept-coc", "--photo", "no"]);
    kiosk.ok(&["sync", &address]);
    assert!(kiosk.present().contains(&bob), "the kiosk did not hear that Bob is here");
    let fresh = Device::new();
    join_as(&desk, &address, &fresh, "New kiosk", "kiosk");
    assert!(fresh.present().contains(&bob), "a new kiosk did not get the sprint");
    assert_eq!(held(&fresh), 160);
}

/// A door device may set anyone's consents. A paired kiosk's owner set one person's code-of-conduct version
/// to 2³² (a whole number, as the column is, but past what a version holds): her row no longer read, so she
/// was gone from every list, search and sign-in on every device, and the organizer could neither edit nor
/// erase her. Such a record is now refused everywhere like one outside its author's role, and says why.
#[test]
fn a_paired_kiosk_that_sets_a_value_no_record_holds_cannot_hide_a_person() {
    let mut desk = Device::new();
    let kiosk = Device::new();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Hidden sprint", "--start", &today, "--days", "2"][..], &ALL_DAY].concat());
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira"])["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as(&desk, &address, &kiosk, "Door kiosk", "kiosk");
    let kiosk_id = device_id(&kiosk);

    // (the field, a value of the column's kind that no attendee holds)
    let forged =
        [("coc_version", json!(4_294_967_296_u64)), ("photo_consent", json!("yes")), ("coc_version", json!(-1))];
    for (field, value) in &forged {
        forge(&db(&kiosk), &kiosk_id, &kiosk_id, Entity::Attendee, &ana, field, value.clone());
    }
    kiosk.ok(&["sync", &address]);

    // Ana is still on the organizer's list, found by name, and can sign in.
    assert_eq!(desk.json(&["attendees", "show", &ana])["name"], json!("Ana Pereira"));
    let listed = desk.json(&["attendees", "list"]);
    assert!(listed.to_string().contains("Ana Pereira"), "{listed}");
    desk.ok(&["signin", "Ana Pereira", "--accept-coc", "--photo", "no"]);
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == kiosk_id.as_str()).unwrap();
    assert_eq!(row["refused"], 3, "{row}");
    let why = row["refusal"].as_str().unwrap();
    assert!(why.contains("a value no attendee holds"), "{why}");
}

/// A paired lead's owner wrote a sign-out for Ana timed at the end of time, and sign-ins for a day to come:
/// every later sign-in of Ana failed on every device (the next event is timed one past the latest), and
/// the report counted the days to come before they came. Events are now held to when they were written.
#[test]
fn a_paired_lead_cannot_time_events_past_when_it_wrote_them() {
    let mut desk = Device::new();
    let lead = Device::new();
    let today = chrono::Utc::now().date_naive();
    let start = today.to_string();
    desk.ok(&[&["init", "--name", "Timed sprint", "--start", &start, "--days", "3"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let ana = desk.json(&["attendees", "add", "--name", "Ana Pereira"])["id"].as_str().unwrap().to_owned();
    let address = desk.serve(None);
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    let lead_id = device_id(&lead);

    let event = |id: &str, kind: &str, who: &str, day: String, at: i64| json!({"id": id, "kind": kind, "attendee": who, "day": day, "project": null, "device": lead_id, "at": at});
    let end_of_time = event(&format!("e-1@{lead_id}"), "sign_out", &ana, start.clone(), i64::MAX);
    forge(&db(&lead), &lead_id, &lead_id, Entity::PresenceEvent, &format!("e-1@{lead_id}"), "event", end_of_time);
    let tomorrow = (today + chrono::Days::new(2)).to_string();
    let now = chrono::Utc::now().timestamp_millis();
    let to_come = event(&format!("e-2@{lead_id}"), "sign_in", &ana, tomorrow.clone(), now);
    forge(&db(&lead), &lead_id, &lead_id, Entity::PresenceEvent, &format!("e-2@{lead_id}"), "event", to_come);
    // And from the other end: a sign-in at the start of time (the hours in the attendance export overflowed),
    // and one long before for a day to come.
    let start_of_time = event(&format!("e-3@{lead_id}"), "sign_in", &ana, start.clone(), i64::MIN);
    forge(&db(&lead), &lead_id, &lead_id, Entity::PresenceEvent, &format!("e-3@{lead_id}"), "event", start_of_time);
    let long_before = event(&format!("e-4@{lead_id}"), "sign_in", &ana, tomorrow, -9_000_000_000_000_000);
    forge(&db(&lead), &lead_id, &lead_id, Entity::PresenceEvent, &format!("e-4@{lead_id}"), "event", long_before);
    lead.ok(&["sync", &address]);

    // Ana signs in at the organizer's desk, and is here.
    desk.ok(&["signin", "Ana Pereira", "--accept-coc", "--photo", "no"]);
    assert!(desk.present().contains(&ana), "Ana is not shown as here");
    let presence = desk.json(&["presence"]);
    let counted: Vec<&Value> = presence["per_day"].as_array().unwrap().iter().map(|day| &day["people"]).collect();
    assert_eq!(counted, [&json!(1), &json!(0), &json!(0)], "the days to come are counted: {presence}");
    desk.ok(&["export", "attendance"]);
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == lead_id.as_str()).unwrap();
    assert_eq!(row["refused"], 4, "{row}");
}

/// A paired lead's owner writes, with the lead's own key, sign-ins of people nobody registered, timed now and
/// for today. They were counted: in "here now", the day's people, the report's participants and a row each in
/// the attendance export. They count nowhere; the real sign-in still does.
#[test]
fn a_paired_lead_that_signs_in_made_up_people_does_not_swell_the_counts() {
    let mut desk = Device::new();
    let lead = Device::new();
    let today = chrono::Utc::now().date_naive().to_string();
    desk.ok(&[&["init", "--name", "Counted sprint", "--start", &today, "--days", "1"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    desk.ok(&["attendees", "add", "--name", "Ana Pereira"]);
    let address = desk.serve(None);
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    let lead_id = device_id(&lead);
    let now = chrono::Utc::now().timestamp_millis();
    for i in 1..=30 {
        let id = format!("e-{i}@{lead_id}");
        let who = format!("a-{}@{lead_id}", 100 + i);
        let event = json!({"id": id, "kind": "sign_in", "attendee": who, "day": today, "project": null, "device": lead_id, "at": now});
        forge(&db(&lead), &lead_id, &lead_id, Entity::PresenceEvent, &id, "event", event);
    }
    lead.ok(&["sync", &address]);
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == lead_id.as_str()).unwrap();
    assert_eq!(row["refused"], 0, "taken as the lead wrote them: {row}");

    desk.ok(&["signin", "Ana Pereira", "--accept-coc", "--photo", "no"]);
    let presence = desk.json(&["presence"]);
    assert_eq!((&presence["here_now"], &presence["today_count"]), (&json!(1), &json!(1)), "{presence}");
    assert_eq!(presence["per_day"][0]["people"], 1, "{presence}");
    let report: Value = serde_json::from_str(&desk.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!((&report["participants"], &report["days"][0]["people"]), (&json!(1), &json!(1)));
    let attendance = desk.ok(&["export", "attendance"]);
    assert_eq!(attendance.lines().count(), 2, "a header and Ana's day:\n{attendance}");
}

#[test]
fn a_lead_that_plants_e_mails_on_a_person_cannot_keep_others_out_of_the_import_once_they_are_erased() {
    // The laptop's owner writes someone else's e-mail onto Zofia, signed as the laptop: refused on every
    // device, but held in their logs. The erasure kept it among her keys, and the import then left out the
    // person whose e-mail it was.
    let mut desk = Device::new();
    let lead = Device::new();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    desk.ok(&[&["init", "--name", "Kept sprint", "--start", &yesterday, "--days", "2"][..], &ALL_DAY].concat());
    desk.ok(&["project", "add", "--name", "Django", "--table", "T1"]);
    let zofia = desk.json(&["attendees", "add", "--name", "Zofia Quast", "--email", "zofia@example.org"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let address = desk.serve(None);
    join_as_lead(&desk, &address, &lead, "Django table", "Django");
    let lead_id = device_id(&lead);
    forge(&db(&lead), &lead_id, &lead_id, Entity::Attendee, &zofia, "email", json!("victor@example.org"));
    lead.ok(&["sync", &address]);
    let row = allow_list(&desk).into_iter().find(|d| d["id"] == lead_id.as_str()).unwrap();
    assert_eq!(row["refused"], 1, "{row}");

    desk.ok(&["erase", &zofia]);
    let file = desk.dir.path().join("later.csv");
    std::fs::write(&file, "name,email\nVictor Victim,victor@example.org\nZofia Quast,zofia@example.org\n").unwrap();
    let report = desk.json(&["import", "attendees", file.to_str().unwrap()]);
    assert_eq!((&report["erased"], &report["added"]), (&json!(["line 3"]), &json!(1)), "{report}");
    assert_eq!(email(&desk, "Victor Victim"), "victor@example.org");
}
