//! The sprint report for a large sprint: 10,000 attendees, 50 projects, 1,000 issues, 3,000 pull requests,
//! 9,000 sign-ins over three days, 500 claims and 500 sets of retrospective answers. Target: under 1 s.
//!
//! `cargo bench -p sprintdesk-core --bench report` prints the time of the first report after the data
//! arrived (the sprint read into memory included), then the median and slowest of 10 more, and of each file
//! format. A bench binary that prints figures, not a timed test.

use sprintdesk_core::domain::{
    ClaimAction, ClaimEvent, EventId, IssueId, PresenceEvent, PresenceKind, RetroAnswer, RetroAnswerId, RetroReply,
    Timestamp,
};
use sprintdesk_core::store::{Op, Store};
use sprintdesk_core::{
    Desk, FixedClock, ImportFile, IssuesQuery, NewProject, NewSprint, ReportFormat, ReportRequest, SequentialIds,
    international_name,
};
use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PEOPLE: usize = 10_000;
const PROJECTS: usize = 50;
const ISSUES_PER_PROJECT: usize = 20;
const PRS: usize = 3_000;
const DAY_MS: i64 = 86_400_000;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("{what}: {:?}", start.elapsed());
    out
}

fn main() {
    let first_morning = Timestamp(1_783_936_800_000); // 2026-07-13 10:00 UTC
    let clock = Arc::new(FixedClock::new(first_morning));
    let mut desk =
        Desk::new(Store::open_in_memory("desk".into()).unwrap(), clock.clone(), Arc::new(SequentialIds::default()));
    let new = NewSprint {
        name: "Big sprint".into(),
        time_zone: "UTC".into(),
        start: "2026-07-13".parse().unwrap(),
        days: 3,
        break_days: Vec::new(),
        opens: None,
        closes: None,
    };
    desk.create_sprint(new).unwrap();
    let mut csv = String::from("name,handle,roles,first_timer\n");
    for n in 0..PEOPLE {
        let role = if n % 25 == 0 { "mentor" } else { "sprinter" };
        let first = if n % 10 == 0 { "yes" } else { "no" };
        let _ = writeln!(csv, "\"{} {n}\",user{n},{role},{first}", international_name(n).replace('"', ""));
    }
    timed("setup: import 10,000 attendees", || {
        desk.import_attendees(ImportFile {
            text: csv,
            project: None,
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap()
    });
    let mut issues = String::from("project,number,title,url,labels\n");
    for p in 0..PROJECTS {
        let project = NewProject {
            name: format!("Project {p}"),
            repo_url: Some(format!("https://github.com/org/p{p}")),
            table_label: Some(format!("T{p}")),
            ..NewProject::default()
        };
        desk.add_project(project).unwrap();
        for i in 1..=ISSUES_PER_PROJECT {
            let _ = writeln!(issues, "Project {p},{i},Issue {i} of {p},https://github.com/org/p{p}/issues/{i},easy");
        }
    }
    desk.import_issues(ImportFile {
        text: issues,
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let mut prs = String::from("[");
    for n in 0..PRS {
        let p = n % PROJECTS;
        // From four weeks before the sprint to its last day.
        let created = first_morning.0 - 28 * DAY_MS + (n as i64 * 31 * DAY_MS / PRS as i64);
        let iso = |at: i64| Timestamp(at).to_utc().to_rfc3339();
        let merged = if n % 2 == 0 { format!("\"{}\"", iso(created + 3_600_000)) } else { "null".into() };
        let state = if n % 2 == 0 { "MERGED" } else { "OPEN" };
        let _ = write!(
            prs,
            "{}{{\"author\":{{\"login\":\"user{}\"}},\"body\":\"Fixes #{}\",\"closedAt\":null,\"createdAt\":\"{}\",\"labels\":[],\"mergedAt\":{merged},\"number\":{},\"state\":\"{state}\",\"title\":\"Change {n}\",\"url\":\"https://github.com/org/p{p}/pull/{}\"}}",
            if n == 0 { "" } else { "," },
            (n * 3) % PEOPLE,
            n % ISSUES_PER_PROJECT + 1,
            iso(created),
            1000 + n,
            1000 + n
        );
    }
    prs.push(']');

    // Sign-ins, claims and answers written on a door device and applied here, as sync would.
    let people: Vec<_> = desk.attendees().unwrap().into_iter().map(|a| a.id).collect();
    let projects: Vec<_> = desk.projects().unwrap().into_iter().map(|p| p.id).collect();
    let issue_ids: Vec<IssueId> = desk.issues(IssuesQuery::default()).unwrap().into_iter().map(|i| i.id).collect();
    let mut door = Store::open_in_memory("door".into()).unwrap();
    let mut seq = 0;
    let mut id = |prefix: &str| {
        seq += 1;
        format!("{prefix}-{seq}@door")
    };
    for day in 0..3i64 {
        let at = Timestamp(first_morning.0 + day * DAY_MS);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 7, 13 + day as u32).unwrap();
        let ops: Vec<Op> = (0..3_000)
            .map(|k| {
                let person = &people[(k * 3 + day as usize) % PEOPLE];
                Op::Presence(PresenceEvent {
                    id: EventId(id("e")),
                    kind: PresenceKind::SignIn,
                    attendee: person.clone(),
                    day: date,
                    project: Some(projects[k % PROJECTS].clone()),
                    device: "door".into(),
                    at,
                })
            })
            .collect();
        door.write(at, ops).unwrap();
    }
    let ops: Vec<Op> = (0..500)
        .map(|k| {
            Op::Claim(ClaimEvent {
                id: EventId(id("c")),
                issue: issue_ids[k % issue_ids.len()].clone(),
                action: ClaimAction::Claim { attendee: people[k * 3].clone(), mentor: Some(people[25].clone()) },
                device: "door".into(),
                at: Timestamp(first_morning.0 + 60_000),
            })
        })
        .collect();
    door.write(Timestamp(first_morning.0 + 60_000), ops).unwrap();
    let mut ops = Vec::new();
    for k in 0..500 {
        let answer = RetroAnswer {
            id: RetroAnswerId(id("r")),
            day: "2026-07-15".parse().unwrap(),
            replies: vec![
                RetroReply { question: "q1".into(), rating: Some((k % 5 + 1) as u8), text: None },
                RetroReply { question: "q2".into(), rating: None, text: Some(format!("Answer {k}")) },
            ],
        };
        ops.extend(Op::put(&answer, None));
    }
    door.write(Timestamp(first_morning.0 + 2 * DAY_MS), ops).unwrap();
    clock.set(Timestamp(first_morning.0 + 5 * DAY_MS));
    let outcome = desk.apply_remote(&door.changes().unwrap()).unwrap();
    assert!(outcome.refused.is_empty(), "{outcome:?}");
    timed("setup: import 3,000 pull requests", || {
        desk.import_prs(ImportFile {
            text: prs,
            project: None,
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap()
    });

    let first = timed("the first report after the data arrived (reading the sprint into memory included)", || {
        desk.sprint_report().unwrap()
    });
    println!(
        "  {} participants, {} projects, {} PRs opened and {} merged during the sprint, {} retrospective answers",
        first.participants,
        first.projects.len(),
        first.totals.prs_opened,
        first.totals.prs_merged,
        first.retrospective[0].answers
    );
    for (label, format) in
        [("report data", None), ("HTML", Some(ReportFormat::Html)), ("Markdown", Some(ReportFormat::Md))]
    {
        let mut samples: Vec<Duration> = (0..10)
            .map(|_| {
                let start = Instant::now();
                match format {
                    None => drop(desk.sprint_report().unwrap()),
                    Some(format) => drop(desk.report(ReportRequest { format }).unwrap()),
                }
                start.elapsed()
            })
            .collect();
        samples.sort();
        println!("{label}, 10 runs: median {:?}, slowest {:?}", samples[5], samples[9]);
    }
}
