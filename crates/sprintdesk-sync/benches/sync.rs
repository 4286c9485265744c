//! Sync figures for docs/benchmarks.md: apply rate, a fresh device bootstrapping 100,000 changes over
//! mutual TLS on loopback, bytes on the wire per change, live propagation of a sign-in, and the same rows
//! replicated with the `automerge` crate for comparison.
//!
//! `cargo bench -p sprintdesk-sync --bench sync` (prints a table; a figure per line); `-- apply` prints the
//! apply rates only, `-- bootstrap-disk` a fresh device's bootstrap to disk only, `-- automerge` the
//! automerge comparison only, `-- million` a fresh device bootstrapping a million changes from another
//! process (both on disk), with each side's peak memory, `-- small-writes` one sign-in at a time to a device
//! on disk.

use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use sprintdesk_domain::{AttendeeId, DeviceId, DeviceRole, EventId, PresenceEvent, PresenceKind, Timestamp};
use sprintdesk_store::{Change, Entity, Op, Store};
use sprintdesk_sync::peer::{self, PeerOptions};
use sprintdesk_sync::session::{self, Authority, Mode};
use sprintdesk_sync::{Replica, SystemClock};
use std::sync::Arc;
use std::time::{Duration, Instant};

const T0: i64 = 1_784_000_000_000;
const PEOPLE: usize = 10_000;
/// Ten fields per attendee: 100,000 change records.
const FIELDS: [&str; 10] = [
    "name",
    "handle",
    "email",
    "roles",
    "first_timer",
    "planned_days",
    "badge_code",
    "coc_version",
    "photo_consent",
    "merged_into",
];

fn value(field: &str, n: usize) -> serde_json::Value {
    use serde_json::json;
    match field {
        "name" => json!(format!("Attendee Number {n}")),
        "handle" => json!(format!("sprinter{n}")),
        "email" => json!(format!("sprinter{n}@example.org")),
        "roles" => json!(["sprinter"]),
        "first_timer" | "photo_consent" => json!(n.is_multiple_of(3)),
        "planned_days" => json!(["2026-07-13", "2026-07-14"]),
        "badge_code" => json!(format!("BADGE-{n:06}")),
        "coc_version" => json!(1),
        _ => serde_json::Value::Null,
    }
}

/// The ten fields of each of `people`, as the organizer writes them.
fn attendee_ops(people: &[usize]) -> Vec<Op> {
    people
        .iter()
        .flat_map(|&n| {
            FIELDS.iter().map(move |field| Op::Set {
                entity: Entity::Attendee,
                id: format!("att-{n}"),
                field,
                value: value(field, n),
            })
        })
        .collect()
}

/// The venue's first device: it holds the venue's key and signs its own grant, so every record it writes
/// can be verified by a device that pinned the venue.
fn organizer_store() -> Store {
    let mut store = Store::open_in_memory("organizer".into()).unwrap();
    store.create_venue().unwrap();
    let key = store.record_key().unwrap();
    let grant = store.sign_grant(&"organizer".into(), DeviceRole::Organizer, None, "bench", &key).unwrap();
    let me = sprintdesk_domain::Device {
        id: "organizer".into(),
        name: "Organizer".into(),
        role: DeviceRole::Organizer,
        fingerprint: "bench".into(),
        paired_by: None,
        paired_at: None,
        revoked: false,
        grant: Some(grant),
    };
    store.write(Timestamp(T0), Op::put(&me, None)).unwrap();
    for chunk in (0..PEOPLE).collect::<Vec<_>>().chunks(100) {
        store.write(Timestamp(T0), attendee_ops(chunk)).unwrap();
    }
    store
}

/// `changes` cut as a sync sends them: at most a batch's worth, each ending on a record with its proof.
fn batches(changes: &[Change]) -> Vec<&[Change]> {
    let mut cut = Vec::new();
    let mut rest = changes;
    while !rest.is_empty() {
        let window = &rest[..rest.len().min(session::BATCH_RECORDS as usize)];
        let end = window.iter().rposition(|c| c.proof.is_some()).map_or(window.len(), |i| i + 1);
        cut.push(&rest[..end]);
        rest = &rest[end..];
    }
    cut
}

/// Applies `changes` in sync-sized batches to a fresh store; with `venue`, the store pinned that venue and
/// checks every record's proof and role, as a joined device does.
fn apply_rate(changes: &[Change], venue: Option<&str>) -> f64 {
    let mut fresh = Store::open_in_memory("fresh".into()).unwrap();
    if let Some(venue) = venue {
        fresh.pin_venue(venue, None).unwrap();
    }
    let started = Instant::now();
    for batch in batches(changes) {
        fresh.apply(batch, Timestamp(T0)).unwrap();
    }
    changes.len() as f64 / started.elapsed().as_secs_f64()
}

fn apply_rate_on_disk(changes: &[Change], venue: Option<&str>) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Store::open(&dir.path().join("bench.db"), "fresh".into()).unwrap();
    if let Some(venue) = venue {
        fresh.pin_venue(venue, None).unwrap();
    }
    let started = Instant::now();
    for batch in batches(changes) {
        fresh.apply(batch, Timestamp(T0)).unwrap();
    }
    changes.len() as f64 / started.elapsed().as_secs_f64()
}

/// One record at a time, as a door writes: a device on disk holding all of `changes` (a 10,000-attendee
/// venue) writes 500 sign-ins one by one, each its own transaction (WAL, `synchronous=FULL`): each write's
/// time, p50 and p95. What each commit writes is the pages it touched, so the page size is felt here.
fn small_writes(changes: &[Change]) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db"), "door".into()).unwrap();
    for batch in batches(changes) {
        store.apply(batch, Timestamp(T0)).unwrap();
    }
    let mut times = Vec::new();
    for n in 0..500usize {
        let at = Timestamp(T0 + n as i64 * 1000);
        let event = PresenceEvent {
            id: EventId(format!("door-{n}")),
            kind: PresenceKind::SignIn,
            attendee: AttendeeId(format!("att-{}", n * 17 % PEOPLE)),
            day: "2026-07-13".parse().unwrap(),
            project: None,
            device: DeviceId::from("door"),
            at,
        };
        let started = Instant::now();
        store.write(at, vec![Op::Presence(event)]).unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one sign-in written on disk (WAL, synchronous=FULL, 10,000 attendees held), 500 writes: p50 {:.2} ms, \
         p95 {:.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
}

/// Erasing one person on a device whose log holds all of `changes` (on disk, WAL, `synchronous=FULL`), nine
/// people one after another, each time beside an ordinary one-field edit: the times (medians), how many log
/// records each erasure rewrote, and the file's size before and after.
fn erase_bench(changes: &[Change]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path, "desk".into()).unwrap();
    for batch in batches(changes) {
        store.apply(batch, Timestamp(T0)).unwrap();
    }
    let cleared = |store: &Store| store.changes().unwrap().iter().filter(|c| c.cleared.is_some()).count();
    let size = || std::fs::metadata(&path).unwrap().len();
    let size_before = size();
    let (mut erasures, mut edits, mut rewritten) = (vec![], vec![], vec![]);
    for n in 0..9 {
        let started = Instant::now();
        let op = Op::Set {
            entity: Entity::Attendee,
            id: format!("att-{}", 500 + n),
            field: "roles",
            value: serde_json::json!(["mentor"]),
        };
        store.write(Timestamp(T0 + 1), vec![op]).unwrap();
        edits.push(started.elapsed().as_secs_f64() * 1000.0);
        let before = cleared(&store);
        let started = Instant::now();
        let op = Op::Set {
            entity: Entity::Erasure,
            id: format!("att-{n}"),
            field: "erased",
            value: serde_json::json!(true),
        };
        store.write(Timestamp(T0 + 1), vec![op]).unwrap();
        erasures.push(started.elapsed().as_secs_f64() * 1000.0);
        rewritten.push(cleared(&store) - before);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!("log: {} change records, on disk", changes.len() + 18);
    println!(
        "erase one person, median of 9: {:.1} ms (an ordinary one-field edit beside it: {:.1} ms)",
        median(erasures),
        median(edits)
    );
    println!("log records each erasure rewrote: {rewritten:?} (the person's name, handle, e-mail and badge)");
    println!("database file: {} bytes before, {} after", size_before, size());
    // An import's people erased together (1,000 of the 10,000), in one write: one pass over the log.
    let before = cleared(&store);
    let ops = (1000..2000)
        .map(|n| Op::Set {
            entity: Entity::Erasure,
            id: format!("att-{n}"),
            field: "erased",
            value: serde_json::json!(true),
        })
        .collect();
    let started = Instant::now();
    store.write(Timestamp(T0 + 2), ops).unwrap();
    println!(
        "erase 1,000 people in one write: {:.1} ms ({} log records cleared)",
        started.elapsed().as_secs_f64() * 1000.0,
        cleared(&store) - before
    );
}

/// The organizer (enrolled on its own allow-list, holding the venue's key) and a fresh device.
fn enrolled(organizer: Store, device: &str) -> (Arc<Replica>, Arc<Replica>) {
    let clock = Arc::new(SystemClock);
    let a = Arc::new(Replica::new(organizer, clock.clone()));
    let b = Arc::new(Replica::new(Store::open_in_memory(device.into()).unwrap(), clock));
    a.enrol_self("Organizer", DeviceRole::Organizer).unwrap();
    (a, b)
}

async fn serve(replica: Arc<Replica>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    std::mem::forget(stop);
    tokio::spawn(peer::serve(replica, listener, PeerOptions { connect: vec![], discovery: false }, stopped));
    address
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One automerge sync message from `from` to `to`, through its wire encoding; its size, if there was one.
fn relay(
    from: &mut automerge::AutoCommit,
    from_state: &mut automerge::sync::State,
    to: &mut automerge::AutoCommit,
    to_state: &mut automerge::sync::State,
) -> Option<usize> {
    let wire = from.sync().generate_sync_message(from_state)?.encode();
    let message = automerge::sync::Message::decode(&wire).unwrap();
    to.sync().receive_sync_message(to_state, message).unwrap();
    Some(wire.len())
}

fn automerge_comparison() -> (f64, usize, f64, automerge::AutoCommit) {
    let mut source = automerge::AutoCommit::new();
    let attendees = source.put_object(automerge::ROOT, "attendees", automerge::ObjType::Map).unwrap();
    for n in 0..PEOPLE {
        let person = source.put_object(&attendees, format!("att-{n}"), automerge::ObjType::Map).unwrap();
        for field in FIELDS {
            source.put(&person, field, value(field, n).to_string()).unwrap();
        }
        if n % 100 == 99 {
            source.commit();
        }
    }
    source.commit();
    let mut target = automerge::AutoCommit::new();
    let (mut source_state, mut target_state) = (automerge::sync::State::new(), automerge::sync::State::new());
    let started = Instant::now();
    let mut bytes = 0;
    loop {
        let there = relay(&mut source, &mut source_state, &mut target, &mut target_state);
        let back = relay(&mut target, &mut target_state, &mut source, &mut source_state);
        match (there, back) {
            (None, None) => break,
            (there, back) => bytes += there.unwrap_or(0) + back.unwrap_or(0),
        }
    }
    let sync_seconds = started.elapsed().as_secs_f64();
    (sync_seconds, bytes, (PEOPLE * FIELDS.len()) as f64 / sync_seconds, target)
}

/// The receiver's document made durable the way an automerge app keeps one: saved whole to a file and
/// fsynced. The seconds and the file's size.
fn automerge_save(target: &mut automerge::AutoCommit) -> (f64, u64) {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("target.automerge");
    let started = Instant::now();
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(&target.save()).unwrap();
    file.sync_all().unwrap();
    (started.elapsed().as_secs_f64(), std::fs::metadata(&path).unwrap().len())
}

fn print_automerge() {
    let (seconds, bytes, rate, mut target) = automerge_comparison();
    println!(
        "automerge 0.12, same {} field values, sync protocol in memory: {:.2} s, {} bytes ({:.0} bytes per value), {:.0} values/s",
        PEOPLE * FIELDS.len(),
        seconds,
        bytes,
        bytes as f64 / (PEOPLE * FIELDS.len()) as f64,
        rate
    );
    let (save_seconds, file_bytes) = automerge_save(&mut target);
    println!(
        "automerge 0.12, the receiver's document then saved to disk and fsynced: {:.2} s, {} bytes; \
         sync + save: {:.2} s ({:.0} values/s durable)",
        save_seconds,
        file_bytes,
        seconds + save_seconds,
        (PEOPLE * FIELDS.len()) as f64 / (seconds + save_seconds)
    );
}

/// A fresh device whose store is on disk (WAL; its batches synced when the join ends) joins the organizer
/// and pulls its whole log over mutual TLS on loopback, checking every record's proof: the figure to set
/// beside peers that write what they receive to disk (scripts/bench-peers).
fn bootstrap_to_disk(runtime: &tokio::runtime::Runtime, organizer: &Arc<Replica>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("board.db"), "board-on-disk".into()).unwrap();
    let on_disk = Arc::new(Replica::new(store, Arc::new(SystemClock)));
    let code = sprintdesk_sync::pairing::new_code();
    organizer.store().add_join_code(&code, Timestamp(i64::MAX)).unwrap();
    let (report, elapsed) = runtime.block_on(async {
        let address = serve(organizer.clone()).await;
        let started = Instant::now();
        let report = peer::join(&on_disk, &address, &code, "Board on disk", None).await.unwrap();
        (report, started.elapsed())
    });
    println!(
        "bootstrap to disk (join, every record verified, WAL, synced when the join ends): {} changes in {:.2} s \
         ({:.0} changes/s), {} bytes in ({:.1} per change), {} bytes out",
        report.received,
        elapsed.as_secs_f64(),
        report.received as f64 / elapsed.as_secs_f64(),
        report.bytes_in,
        report.bytes_in as f64 / report.received as f64,
        report.bytes_out
    );
}

/// The million-change venue: 50,000 attendees with ten fields each (500,000 records) and five days of a
/// sign-in and a sign-out for each of them (500,000), all written by the organizer's device.
const MILLION_PEOPLE: usize = 50_000;
const MILLION_DAYS: usize = 5;

/// Writes the million-change venue into a database at `path`, as the organizer's device, and enrols that
/// device on its own allow-list (it holds the venue's key).
fn make_million(path: &std::path::Path) {
    let store = Store::open(path, "organizer".into()).unwrap();
    let organizer = Replica::new(store, Arc::new(SystemClock));
    organizer.enrol_self("Organizer", DeviceRole::Organizer).unwrap();
    let started = Instant::now();
    let people: Vec<usize> = (0..MILLION_PEOPLE).collect();
    for chunk in people.chunks(200) {
        organizer.write(attendee_ops(chunk)).unwrap();
    }
    for day in 0..MILLION_DAYS {
        let date: chrono::NaiveDate =
            "2026-07-13".parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(day as u64);
        for chunk in people.chunks(1_000) {
            let ops: Vec<Op> = chunk
                .iter()
                .flat_map(|&n| {
                    [PresenceKind::SignIn, PresenceKind::SignOut].into_iter().enumerate().map(move |(i, kind)| {
                        Op::Presence(PresenceEvent {
                            id: EventId(format!("ev-{day}-{n}-{i}")),
                            kind,
                            attendee: AttendeeId(format!("att-{n}")),
                            day: date,
                            project: None,
                            device: DeviceId::from("organizer"),
                            at: Timestamp(T0 + (day * 86_400_000 + i * 28_800_000) as i64),
                        })
                    })
                })
                .collect();
            organizer.write(ops).unwrap();
        }
    }
    let held = organizer.vector().unwrap().iter().map(|(_, seq)| seq).sum::<u64>();
    eprintln!("made the million-change venue: {held} records in {:.1} s", started.elapsed().as_secs_f64());
}

/// The CPU time this process has used so far, every thread, user and system, in seconds.
fn cpu_seconds() -> f64 {
    cpu_seconds_of("/proc/self/stat")
}

/// The CPU time of the thread that calls this (the one that applies a join's batches).
fn thread_cpu_seconds() -> f64 {
    cpu_seconds_of("/proc/thread-self/stat")
}

fn cpu_seconds_of(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // The fields after the command's name (which ends with the last ')'): utime and stime are 14th and 15th.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = fields.get(11..13).map(|t| t.iter().filter_map(|n| n.parse::<f64>().ok()).sum()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ, 100 on Linux.
}

/// The calling thread's time on a CPU and time waiting for one (runnable, another thread on it), in
/// seconds (`/proc/thread-self/schedstat`).
fn thread_sched_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let mut nanos = stat.split_whitespace().map(|n| n.parse::<f64>().unwrap_or(0.0) / 1e9);
    (nanos.next().unwrap_or(0.0), nanos.next().unwrap_or(0.0))
}

/// This process's peak resident memory so far, in MiB (`VmHWM`).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// The organizer's side of the million-change bootstrap, in its own process: serves the database at `path`
/// on loopback, prints its address and a join code, and once its standard input closes prints its digest
/// and its peak memory.
fn serve_million(path: &std::path::Path) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let store = Store::open(path, "organizer".into()).unwrap();
    let organizer = Arc::new(Replica::new(store, Arc::new(SystemClock)));
    let code = sprintdesk_sync::pairing::new_code();
    // A second organizer's laptop: a staff device, which holds every field (a kiosk holds fewer).
    organizer.store().add_join_code_for(&code, Timestamp(i64::MAX), DeviceRole::Organizer, None).unwrap();
    let address = runtime.block_on(serve(organizer.clone()));
    println!("{address} {code}");
    let mut line = String::new();
    while std::io::stdin().read_line(&mut line).map(|n| n > 0).unwrap_or(false) {}
    let (peak, cpu) = (peak_rss_mib(), cpu_seconds()); // Before the digest, which reads the whole log.
    println!("{} {peak:.1} {cpu:.2}", organizer.store().digest().unwrap());
}

/// A fresh device on disk joins the million-change venue served by another process, and the figures: the
/// time, the rate, the bytes, each side's peak memory; both sides' digests must agree.
fn million() {
    use std::io::{BufRead, Write};
    use std::process::{Command, Stdio};
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("million-v1");
    let source = dir.join("organizer.db");
    let me = std::env::current_exe().unwrap();
    if !source.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let partial = dir.join("organizer.partial.db");
        let _ = std::fs::remove_file(&partial);
        let made = Command::new(&me).arg("million-make").arg(&partial).status().unwrap();
        assert!(made.success(), "making the million-change venue failed");
        std::fs::rename(&partial, &source).unwrap();
    }
    // Each run serves a copy, so every run starts from the same venue (a join adds the new device to it).
    let target = tempfile::tempdir().unwrap();
    let served = target.path().join("organizer.db");
    std::fs::copy(&source, &served).unwrap();
    let mut organizer = Command::new(&me)
        .arg("million-serve")
        .arg(&served)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut answers = std::io::BufReader::new(organizer.stdout.take().unwrap());
    let mut line = String::new();
    answers.read_line(&mut line).unwrap();
    let (address, code) = line.trim().split_once(' ').unwrap();
    let (address, code) = (address.to_owned(), code.to_owned());
    let store = Store::open(&target.path().join("fresh.db"), "fresh".into()).unwrap();
    let fresh = Arc::new(Replica::new(store, Arc::new(SystemClock)));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (started, cpu_before, thread_before) = (Instant::now(), cpu_seconds(), thread_cpu_seconds());
    let sched_before = thread_sched_seconds();
    // The write-ahead log's file, looked at every 10 ms: it is cut back once the join is over.
    let wal = target.path().join("fresh.db-wal");
    let joining = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let (wal, joining) = (wal.clone(), joining.clone());
        std::thread::spawn(move || {
            let mut largest = 0;
            while joining.load(std::sync::atomic::Ordering::Relaxed) {
                largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            largest
        })
    };
    let report = runtime.block_on(peer::join(&fresh, &address, &code, "Fresh", None)).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let joiner_cpu = cpu_seconds() - cpu_before;
    let applying_cpu = thread_cpu_seconds() - thread_before;
    let sched_after = thread_sched_seconds();
    // What the applying thread did with the join's time: ran, waited for a CPU, or was off it (waiting for
    // the disk, a lock or records). (All zero where the kernel does not say.)
    let (ran, queued) = (sched_after.0 - sched_before.0, sched_after.1 - sched_before.1);
    let off = if ran > 0.0 { (elapsed - ran - queued).max(0.0) } else { 0.0 };
    joining.store(false, std::sync::atomic::Ordering::Relaxed);
    let log_largest = watcher.join().unwrap();
    let joiner_peak = peak_rss_mib();
    let mut input = organizer.stdin.take().unwrap();
    input.write_all(b"done\n").unwrap();
    drop(input);
    line.clear();
    answers.read_line(&mut line).unwrap();
    organizer.wait().unwrap();
    let mut answer = line.split_whitespace();
    let (their_digest, organizer_peak, organizer_cpu) =
        (answer.next().unwrap(), answer.next().unwrap(), answer.next().unwrap());
    let digest = fresh.store().digest().unwrap();
    assert_eq!(digest, their_digest, "the fresh device does not hold what the organizer holds");
    let size = std::fs::metadata(target.path().join("fresh.db")).map(|m| m.len()).unwrap_or(0);
    println!(
        "bootstrap of a million changes (join over TLS loopback, organizer in another process, both on disk, every \
         record verified): {} changes in {:.2} s ({:.0} changes/s), {} bytes in ({:.1} per change); peak RSS: \
         joining device {:.0} MiB, organizer {} MiB; CPU time: joining device {:.2} s (its applying thread \
         {:.2} s), organizer {} s; the applying thread waited {:.2} s for a CPU and was off it {:.2} s (the \
         disk, locks, records); the new database {:.0} MiB, its write-ahead log at most {:.0} MiB during the join \
         and {:.1} MiB after",
        report.received,
        elapsed,
        report.received as f64 / elapsed,
        report.bytes_in,
        report.bytes_in as f64 / report.received as f64,
        joiner_peak,
        organizer_peak,
        joiner_cpu,
        applying_cpu,
        organizer_cpu,
        queued,
        off,
        size as f64 / 1048576.0,
        log_largest as f64 / 1048576.0,
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks benches to list themselves.
    }
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a.starts_with("million")).map(|i| (args[i].as_str(), args.get(i + 1))) {
        Some(("million-make", Some(path))) => return make_million(std::path::Path::new(path)),
        Some(("million-serve", Some(path))) => return serve_million(std::path::Path::new(path)),
        Some(("million", _)) => return million(),
        _ => {}
    }
    if std::env::args().any(|a| a == "automerge") {
        // `cargo bench -p sprintdesk-sync --bench sync -- automerge`: automerge alone, so that the process's
        // peak memory is automerge's (scripts/bench-peers).
        return print_automerge();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let organizer = organizer_store();
    if std::env::args().any(|a| a == "bootstrap-disk") {
        // `cargo bench -p sprintdesk-sync --bench sync -- bootstrap-disk`: that bootstrap alone, so that the
        // process's peak memory is the two peers' (scripts/bench-peers).
        let (organizer, _board) = enrolled(organizer, "board");
        return bootstrap_to_disk(&runtime, &organizer);
    }
    let changes = organizer.changes().unwrap();
    println!("change records: {}", changes.len());

    if std::env::args().any(|a| a == "small-writes") {
        return small_writes(&changes); // `cargo bench -p sprintdesk-sync --bench sync -- small-writes`
    }
    if std::env::args().any(|a| a == "erase") {
        return erase_bench(&changes); // `cargo bench -p sprintdesk-sync --bench sync -- erase`
    }
    let venue = organizer.venue_key().unwrap();
    let venue = venue.as_deref();
    // Verified and unverified side by side, alternating, so a noisy machine weighs on both alike.
    let median = |mut rates: Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (mut checked, mut unchecked, mut checked_disk, mut unchecked_disk) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        checked.push(apply_rate(&changes, venue));
        unchecked.push(apply_rate(&changes, None));
        checked_disk.push(apply_rate_on_disk(&changes, venue));
        unchecked_disk.push(apply_rate_on_disk(&changes, None));
    }
    println!(
        "apply rate (in memory, batches of {}), median of 5: {:.0} changes/s verified, {:.0} unverified",
        session::BATCH_RECORDS,
        median(checked),
        median(unchecked)
    );
    println!(
        "apply rate (on disk, WAL, synchronous=FULL), median of 5: {:.0} changes/s verified, {:.0} unverified",
        median(checked_disk),
        median(unchecked_disk)
    );
    if std::env::args().any(|a| a == "apply") {
        return; // `cargo bench -p sprintdesk-sync --bench sync -- apply`: the apply rates only.
    }

    // Bootstrap: a fresh device joins with a code and pulls everything over mutual TLS on loopback,
    // checking every record's proof against the venue's key it pins.
    let (organizer, board) = enrolled(organizer, "board");
    let code = sprintdesk_sync::pairing::new_code();
    organizer.store().add_join_code(&code, Timestamp(i64::MAX)).unwrap();
    let report = runtime.block_on(async {
        let address = serve(organizer.clone()).await;
        let started = Instant::now();
        let report = peer::join(&board, &address, &code, "Board", None).await.unwrap();
        (report, started.elapsed())
    });
    let (report, elapsed) = report;
    assert_eq!(board.store().digest().unwrap(), organizer.store().digest().unwrap());
    println!(
        "bootstrap (join, every record verified): {} changes in {:.2} s over TLS loopback ({:.0} changes/s)",
        report.received,
        elapsed.as_secs_f64(),
        report.received as f64 / elapsed.as_secs_f64()
    );
    println!(
        "bytes on the wire per change (bootstrap to a board, compressed frames): {:.1}",
        report.bytes_in as f64 / report.received as f64
    );
    bootstrap_to_disk(&runtime, &organizer);
    // The same log in batches as the wire carries them, as plain JSON (protocol 6's frames) and as sent now.
    let log = organizer.store().changes().unwrap();
    let (mut json, mut compressed) = (0usize, 0usize);
    for batch in log.chunks(session::BATCH_RECORDS as usize) {
        let message = sprintdesk_sync::message::Message::Changes { changes: batch.to_vec(), grants: vec![] };
        json += 4 + 1 + serde_json::to_vec(&message).unwrap().len();
        compressed += 4 + sprintdesk_sync::message::encode(&message).len();
    }
    println!(
        "the organizer's whole log ({} records, with salts, no fields cleared): {:.1} bytes per change as JSON frames, \
         {:.1} compressed",
        log.len(),
        json as f64 / log.len() as f64,
        compressed as f64 / log.len() as f64
    );

    // Live: a sign-in written on the organizer, seen on the board.
    let samples = runtime.block_on(async {
        let address = serve(organizer.clone()).await;
        let (stream, fingerprint) = peer::connect(&board, &address).await.unwrap();
        let live = {
            let board = board.clone();
            tokio::spawn(async move {
                session::initiate(&board, stream, Authority::Certificate(fingerprint), Mode::Live).await
            })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut samples = Vec::new();
        for n in 0..200 {
            let event = PresenceEvent {
                id: EventId(format!("live-{n}")),
                kind: PresenceKind::SignIn,
                attendee: AttendeeId(format!("att-{n}")),
                day: "2026-07-13".parse().unwrap(),
                project: None,
                device: DeviceId::from("organizer"),
                at: Timestamp(T0),
            };
            let started = Instant::now();
            let seq = organizer.write(vec![Op::Presence(event)]).unwrap()[0].seq;
            while board.vector().unwrap().get(&"organizer".into()) < seq {
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        live.abort();
        samples
    });
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "live sign-in propagation over TLS loopback ({} samples): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        sorted.len(),
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.95),
        sorted[sorted.len() - 1]
    );

    print_automerge();
}
