//! Kiosk search over 10,000 attendees, through the core's use case (`Desk::search`), as a kiosk calls it
//! on every keystroke. Target: p99 under 2 ms.
//!
//! Then a sign-in followed by a search (a kiosk's keystroke just after the door wrote), with the snapshot
//! patched after each write as the app does and, side by side in the same run, read again whole as it was;
//! and the same on disk (WAL, `synchronous=FULL`), as a kiosk writes.
//!
//! `cargo bench -p sprintdesk-core --bench search` prints the percentiles of single searches first, then
//! the sign-in figures, then criterion's estimates per query.

use criterion::{BenchmarkId, Criterion};
use sprintdesk_core::domain::Timestamp;
use sprintdesk_core::store::Store;
use sprintdesk_core::{
    BadgeScan, Desk, FixedClock, ImportFile, NewSprint, Search, SequentialIds, SignIn, international_name,
};
use std::fmt::Write;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PEOPLE: usize = 10_000;
const SIGNED_IN: usize = 1_000;

/// Someone found by their badge signs in, accepting the code of conduct, at no table.
fn at_the_door(attendee: String) -> SignIn {
    SignIn { attendee, project: None, accept_code_of_conduct: true, photo_consent: None, proof: None }
}

/// A sprint with 10,000 attendees, 1,000 of them signed in this morning, in memory.
fn kiosk() -> Desk {
    kiosk_on(Store::open_in_memory("kiosk".into()).expect("in-memory store"))
}

/// [`kiosk`] in `store`.
fn kiosk_on(store: Store) -> Desk {
    let morning = Timestamp(1_783_936_800_000); // 2026-07-13 10:00 UTC
    let clock = Arc::new(FixedClock::new(morning));
    let mut desk = Desk::new(store, clock.clone(), Arc::new(SequentialIds::default()));
    let new = NewSprint {
        name: "Bench sprint".into(),
        time_zone: "UTC".into(),
        start: "2026-07-13".parse().unwrap(),
        days: 3,
        break_days: Vec::new(),
        opens: None,
        closes: None,
    };
    desk.create_sprint(new).unwrap();
    let mut csv = String::from("name,handle,badge\n");
    for n in 0..PEOPLE {
        let _ = writeln!(csv, "\"{} {n}\",user{n},B{n}", international_name(n).replace('"', ""));
    }
    let started = Instant::now();
    desk.import_attendees(ImportFile {
        text: csv,
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    println!("import of {PEOPLE} attendees (one transaction): {:?}", started.elapsed());
    let started = Instant::now();
    for n in (0..PEOPLE).step_by(PEOPLE / SIGNED_IN) {
        let attendee = desk.find_badge(BadgeScan { code: format!("B{n}") }).unwrap().id.to_string();
        desk.sign_in(at_the_door(attendee)).unwrap();
    }
    let each = started.elapsed() / SIGNED_IN as u32;
    println!("sign-in through the core with {PEOPLE} attendees (snapshot patched): {each:?} on average");
    desk
}

/// What people type at a kiosk, letter by letter and whole; the last four hold typing mistakes (the search
/// then also compares each name word that begins with the same letter, letter by letter).
const QUERIES: &[&str] = &[
    "l",
    "lu",
    "luk",
    "lukasz",
    "taskaya",
    "eric araujo",
    "dong",
    "nunez ana",
    "o'brien",
    "zzz",
    "lukazs",
    "araujp",
    "erci araujo",
    "zzzzzz",
];

fn percentiles(desk: &mut Desk) {
    desk.search(Search { query: "warm up".into(), limit: Some(10) }).unwrap();
    let mut samples: Vec<Duration> = Vec::with_capacity(20_000);
    for _ in 0..2_000 {
        for query in QUERIES {
            let start = Instant::now();
            black_box(desk.search(Search { query: (*black_box(query)).to_owned(), limit: Some(10) }).unwrap());
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize];
    println!(
        "kiosk search, {PEOPLE} attendees, {SIGNED_IN} signed in, {} searches: p50 {:?}  p99 {:?}  max {:?}",
        samples.len(),
        at(0.50),
        at(0.99),
        samples[samples.len() - 1]
    );
}

/// Signs in 500 people not yet here, one by one, each followed by a search: the sign-in's time and the
/// search's just after it, p50 and p95.
fn sign_in_then_search(desk: &mut Desk, how: &str) {
    let mut sign_ins = Vec::new();
    let mut searches = Vec::new();
    for n in (1..PEOPLE).step_by(PEOPLE / SIGNED_IN).take(500) {
        let attendee = desk.find_badge(BadgeScan { code: format!("B{n}") }).unwrap().id.to_string();
        let start = Instant::now();
        desk.sign_in(at_the_door(attendee)).unwrap();
        sign_ins.push(start.elapsed());
        let start = Instant::now();
        black_box(desk.search(Search { query: "luk".into(), limit: Some(10) }).unwrap());
        searches.push(start.elapsed());
    }
    let at = |samples: &mut Vec<Duration>, p: f64| {
        samples.sort();
        samples[((samples.len() as f64 - 1.0) * p) as usize]
    };
    println!(
        "{how}: sign-in p50 {:?} p95 {:?}; the search just after p50 {:?} p95 {:?} ({} sign-ins)",
        at(&mut sign_ins, 0.5),
        at(&mut sign_ins, 0.95),
        at(&mut searches, 0.5),
        at(&mut searches, 0.95),
        sign_ins.len()
    );
}

fn main() {
    let mut desk = kiosk();
    percentiles(&mut desk);
    let mut reloading = kiosk();
    reloading.reload_after_writes();
    sign_in_then_search(&mut reloading, "snapshot read whole after each write (before)");
    sign_in_then_search(&mut desk, "snapshot patched after each write (now)");
    // As a kiosk writes: to its file, each sign-in's commit waiting for the disk.
    let dir = tempfile::tempdir().unwrap();
    let mut on_disk = kiosk_on(Store::open(&dir.path().join("kiosk.db"), "kiosk".into()).unwrap());
    sign_in_then_search(&mut on_disk, "on disk (WAL, synchronous=FULL), snapshot patched");
    if std::env::args().any(|a| a == "--sign-in-only") {
        return;
    }

    let mut criterion = Criterion::default().configure_from_args().warm_up_time(Duration::from_secs(1));
    let mut group = criterion.benchmark_group("kiosk_search_10k");
    for query in QUERIES {
        group.bench_with_input(BenchmarkId::from_parameter(query), query, |b, query| {
            b.iter(|| {
                black_box(desk.search(Search { query: (*black_box(query)).to_owned(), limit: Some(10) }).unwrap())
            })
        });
    }
    group.finish();
    criterion.final_summary();
}
