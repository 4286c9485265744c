//! The report's numbers, on a sprint built by hand through the core: people arriving and leaving on
//! different days, a break day, a walk-in merged into an imported person, an erased person, pull requests
//! merged before, during and after the sprint, a first-timer's first merged pull request, a contested claim
//! resolved as a pair, and the retrospective.

use crate::change_log::desk_at;
use serde_json::{Value, json};
use sprintdesk_core::domain::{RetroReply, Timestamp};
use sprintdesk_core::store::Store;
use sprintdesk_core::{
    Claim, DailyStatus, Desk, Erase, ExportKind, ExportRequest, FixedClock, GoalProgress, ImportFile, Merge, NewGoal,
    NewProject, ReportFormat, ReportRequest, Resolve, RetroSubmission, SequentialIds, SignIn, WalkIn,
};
use std::sync::Arc;

/// 10:00 UTC on `date` (the sprint runs in UTC).
fn at(date: &str) -> Timestamp {
    let at = chrono::DateTime::parse_from_rfc3339(&format!("{date}T10:00:00Z")).unwrap();
    Timestamp::from_utc(at.to_utc())
}

fn sign_in(desk: &mut Desk, who: &str, table: &str) {
    let request = SignIn {
        attendee: who.into(),
        project: Some(table.into()),
        accept_code_of_conduct: true,
        photo_consent: Some(who != "@cy"),
        proof: None,
    };
    desk.sign_in(request).unwrap_or_else(|e| panic!("{who}: {e}"));
}

fn sync(from: &Desk, to: &mut Desk) {
    to.apply_remote(&from.store().changes().unwrap()).unwrap();
}

const PRS: &str = r#"[
 {"author":{"login":"outsider"},"body":"","closedAt":"2026-06-20T12:00:00Z","createdAt":"2026-06-18T12:00:00Z","labels":[],"mergedAt":"2026-06-20T12:00:00Z","number":10,"state":"MERGED","title":"Before the sprint","url":"https://github.com/org/proj/pull/10"},
 {"author":{"login":"outsider"},"body":"","closedAt":"2026-06-25T12:00:00Z","createdAt":"2026-06-24T12:00:00Z","labels":[],"mergedAt":"2026-06-25T12:00:00Z","number":11,"state":"MERGED","title":"Also before","url":"https://github.com/org/proj/pull/11"},
 {"author":{"login":"outsider"},"body":"","closedAt":"2026-05-01T12:00:00Z","createdAt":"2026-05-01T11:00:00Z","labels":[],"mergedAt":"2026-05-01T12:00:00Z","number":9,"state":"MERGED","title":"Long before: not in the usual rate","url":"https://github.com/org/proj/pull/9"},
 {"author":{"login":"dee"},"body":"Fixes #1","closedAt":"2026-07-15T16:00:00Z","createdAt":"2026-07-13T15:00:00Z","labels":[],"mergedAt":"2026-07-15T16:00:00Z","number":12,"state":"MERGED","title":"Handle an empty config","url":"https://github.com/org/proj/pull/12"},
 {"author":{"login":"bo"},"body":"","closedAt":null,"createdAt":"2026-07-15T11:00:00Z","labels":[],"mergedAt":null,"number":13,"state":"OPEN","title":"gh-2: Speed up the loader","url":"https://github.com/org/proj/pull/13"},
 {"author":{"login":"cy"},"body":"","closedAt":"2026-07-21T09:00:00Z","createdAt":"2026-07-20T09:00:00Z","labels":[],"mergedAt":"2026-07-21T09:00:00Z","number":14,"state":"MERGED","title":"After the sprint","url":"https://github.com/org/proj/pull/14"},
 {"author":{"id":"BOT_1","is_bot":true,"login":"dependabot[bot]","name":""},"body":"","closedAt":null,"createdAt":"2026-07-15T13:00:00Z","labels":[],"mergedAt":null,"number":15,"state":"OPEN","title":"Bump the loader's dependency","url":"https://github.com/org/proj/pull/15"},
 {"author":{"login":"outsider"},"body":"","closedAt":null,"createdAt":"2026-07-15T14:00:00Z","labels":[],"mergedAt":null,"number":16,"state":"OPEN","title":"Drive-by fix","url":"https://github.com/org/proj/pull/16"},
 {"author":{"login":"eve"},"body":"","closedAt":"2026-07-15T17:00:00Z","createdAt":"2026-07-15T12:00:00Z","labels":[],"mergedAt":"2026-07-15T17:00:00Z","number":3,"state":"MERGED","title":"Docs typo","url":"https://github.com/org/docs/pull/3"}
]"#;

/// The hand-built sprint: 13–16 July 2026, the 14th a break day; Proj at T1 and Docs at T2.
fn hand_built() -> Desk {
    let (mut desk, clock) = hand_built_day_one();
    desk.resolve(Resolve { issue: "#2".into(), keep: vec!["@bo".into(), "@cy".into()] }).unwrap();
    hand_built_rest(desk, clock)
}

/// The hand-built sprint's first morning, up to the contested claim on #2 (Bo here, Cy on a lead's laptop).
fn hand_built_day_one() -> (Desk, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(at("2026-07-13")));
    let mut desk = desk_at("organizer", clock.clone());
    desk.create_sprint(
        serde_json::from_value(json!({
            "name": "Hand-built sprint", "time_zone": "UTC", "start": "2026-07-13", "days": 4,
            "break_days": ["2026-07-14"]
        }))
        .unwrap(),
    )
    .unwrap();
    desk.import_attendees(ImportFile {
        text: "name,handle,roles,first_timer\nAna Mentor,ana,mentor,no\nBo Builder,bo,sprinter,no\nCy Coder,cy,sprinter,no\nDee Newcomer,dee,sprinter,yes\nEve Erasable,eve,sprinter,no\n".into(),
        project: None, leave_out_bad_rows: false, file_name: None,
        another_event: None,
    })
    .unwrap();
    for (name, repo, table) in
        [("Proj", "https://github.com/org/proj", "T1"), ("Docs", "https://github.com/org/docs", "T2")]
    {
        let project = NewProject {
            name: name.into(),
            repo_url: Some(repo.into()),
            table_label: Some(table.into()),
            ..NewProject::default()
        };
        desk.add_project(project).unwrap();
    }
    desk.import_issues(ImportFile {
        text: "number,title,url,labels\n1,Crash on an empty config,https://github.com/org/proj/issues/1,good first issue\n2,Slow loader,https://github.com/org/proj/issues/2,perf\n".into(),
        project: Some("Proj".into()), leave_out_bad_rows: false, file_name: None,
        another_event: None,
    })
    .unwrap();
    for title in ["Fix the loader", "Rewrite in Rust"] {
        desk.add_goal(NewGoal { project: "Proj".into(), title: title.into(), beginner_friendly: false }).unwrap();
    }

    // Day 1: everyone comes. Dee (a first-timer) claims #1 with Ana as mentor; Bo here and Cy on a lead's
    // laptop, offline, both claim #2; back online the lead keeps both: a pair.
    let mut laptop = Desk::new(
        Store::open_in_memory("lead-laptop".into()).unwrap(),
        clock.clone(),
        Arc::new(SequentialIds::default()),
    );
    for who in ["@ana", "@bo", "@cy", "@dee"] {
        sign_in(&mut desk, who, "T1");
    }
    sign_in(&mut desk, "@eve", "T2");
    sync(&desk, &mut laptop);
    desk.claim(Claim { issue: "#1".into(), attendee: "@dee".into(), mentor: Some("@ana".into()) }).unwrap();
    desk.claim(Claim { issue: "#2".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    laptop.claim(Claim { issue: "#2".into(), attendee: "@cy".into(), mentor: None }).unwrap();
    sync(&laptop, &mut desk);
    (desk, clock)
}

fn hand_built_rest(mut desk: Desk, clock: Arc<FixedClock>) -> Desk {
    let goal = |desk: &mut Desk, title: &str| {
        let board = desk.board().unwrap();
        board.projects.iter().flat_map(|p| p.goals.clone()).find(|g| g.title == title).unwrap()
    };
    let (done, dropped) = (goal(&mut desk, "Fix the loader"), goal(&mut desk, "Rewrite in Rust"));
    desk.set_status(DailyStatus {
        project: "T1".into(),
        done: Some("Set up".into()),
        next: Some("Loader".into()),
        blockers: Some("Slow CI".into()),
        from: None,
    })
    .unwrap();

    // Day 3 (after the break): Bo comes back registered again at the door as a walk-in, merged into his
    // record; Cy does not come back.
    clock.set(at("2026-07-15"));
    for who in ["@ana", "@dee"] {
        sign_in(&mut desk, who, "T1");
    }
    sign_in(&mut desk, "@eve", "T2");
    let walk_in = desk
        .register_walk_in(WalkIn {
            name: "Bo B.".into(),
            project: Some("T1".into()),
            accept_code_of_conduct: true,
            ..WalkIn::default()
        })
        .unwrap();
    desk.merge_attendees(Merge { duplicate: walk_in.person.id.to_string(), survivor: "@bo".into() }).unwrap();
    desk.set_status(DailyStatus {
        project: "Proj".into(),
        done: Some("Loader faster".into()),
        ..DailyStatus::default()
    })
    .unwrap();
    desk.set_goal_status(GoalProgress { goal: done.id.to_string(), status: sprintdesk_core::domain::GoalStatus::Done })
        .unwrap();
    desk.set_goal_status(GoalProgress {
        goal: dropped.id.to_string(),
        status: sprintdesk_core::domain::GoalStatus::Dropped,
    })
    .unwrap();

    // Day 4, the last: Ana and Dee; three answer the retrospective at sign-out, one skips.
    clock.set(at("2026-07-16"));
    for who in ["@ana", "@dee"] {
        sign_in(&mut desk, who, "T1");
    }
    let reply = |q: &str, rating: Option<u8>, text: Option<&str>| RetroReply {
        question: q.into(),
        rating,
        text: text.map(str::to_owned),
    };
    for replies in [
        vec![reply("q1", Some(5), None), reply("q2", None, Some("The mentors"))],
        vec![reply("q1", Some(4), None), reply("q3", None, Some("More power sockets"))],
        vec![reply("q1", Some(4), None)],
        vec![],
    ] {
        desk.answer_retro(RetroSubmission { replies, token: None }).unwrap();
    }

    // Afterwards: the pull requests come in, and Eve asks to be erased.
    clock.set(at("2026-07-22"));
    desk.import_prs(ImportFile {
        text: PRS.into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    desk.erase_attendee(Erase { attendee: "@eve".into(), pin: None }).unwrap();
    // The pull requests come in again (an updated export): Eve's stays hers, and her handle is not written.
    desk.import_prs(ImportFile {
        text: PRS.into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    desk
}

#[test]
fn the_report_counts_what_happened() {
    let mut desk = hand_built();
    let report = serde_json::to_value(desk.sprint_report().unwrap()).unwrap();
    let proj = |pointer: &str| format!("/projects/1{pointer}"); // Docs, Proj: by name
    // (what, where in the report, expected)
    let cases: Vec<(&str, String, Value)> = vec![
        ("distinct participants (the walk-in counts as Bo)", "/participants".into(), json!(5)),
        ("first-time contributors", "/first_timers".into(), json!(1)),
        ("erased, counted", "/erased".into(), json!(1)),
        ("roles", "/roles".into(), json!([{"role": "sprinter", "people": 4}, {"role": "mentor", "people": 1}])),
        (
            "people per day, the break day empty",
            "/days".into(),
            json!([
                {"date": "2026-07-13", "is_break": false, "people": 5, "arrivals": 5, "departures": 1, "to_come": false, "departures_unknown": false},
                {"date": "2026-07-14", "is_break": true, "people": 0, "arrivals": 0, "departures": 0, "to_come": false, "departures_unknown": false},
                {"date": "2026-07-15", "is_break": false, "people": 4, "arrivals": 0, "departures": 2, "to_come": false, "departures_unknown": false},
                {"date": "2026-07-16", "is_break": false, "people": 2, "arrivals": 0, "departures": 2, "to_come": false, "departures_unknown": false},
            ]),
        ),
        ("projects by name", "/projects/0/name".into(), json!("Docs")),
        ("Docs: the erased person's table still counts", "/projects/0/sprinters_per_day".into(), json!([1, 0, 1, 0])),
        ("Proj: sprinters per day (Bo on day 3 through his walk-in)", proj("/sprinters_per_day"), json!([4, 0, 3, 2])),
        ("Proj: issues claimed", proj("/issues_claimed"), json!(2)),
        ("Proj: with a PR open", proj("/issues_pr_open"), json!(1)),
        ("Proj: merged", proj("/issues_merged"), json!(1)),
        ("Proj: PRs opened during the sprint (#12, #13)", proj("/prs_opened"), json!(2)),
        ("Proj: PRs merged during the sprint (#12)", proj("/prs_merged"), json!(1)),
        ("Proj: a bot's and a passer-by's PRs, not counted (#15, #16)", proj("/prs_by_others"), json!(2)),
        ("Proj: the PRs of the sprint", proj("/prs/0/number"), json!(12)),
        (
            "Proj: first-timer and first merged PR",
            proj("/first_time_contributors"),
            json!([{
                "name": "Dee Newcomer",
                "first_merged": {"number": 12, "title": "Handle an empty config", "url": "https://github.com/org/proj/pull/12",
                                 "state": "merged", "author": "Dee Newcomer", "first_contribution": true},
                "merged_issue": null
            }]),
        ),
        ("Proj: mentor pairs", proj("/mentor_pairs"), json!([{"mentee": "Dee Newcomer", "mentor": "Ana Mentor"}])),
        ("Proj: the contested claim, resolved as a pair", proj("/pairs"), json!([["Bo Builder", "Cy Coder"]])),
        (
            "Proj: goals and how they ended",
            proj("/goals"),
            json!([
                {"title": "Fix the loader", "status": "done"}, {"title": "Rewrite in Rust", "status": "dropped"}
            ]),
        ),
        ("Proj: daily notes", proj("/status_log/0/blockers"), json!("Slow CI")),
        (
            "Proj: 1 merged in 3 open days against 2 in the 28 days before",
            proj("/merge_rate"),
            json!({
                "per_sprint_day": 1.0 / 3.0, "usual_per_day": 2.0 / 28.0, "ratio": (1.0 / 3.0) / (2.0 / 28.0)
            }),
        ),
        (
            "totals",
            "/totals".into(),
            json!({
                "issues_claimed": 2, "issues_merged": 1, "prs_opened": 3, "prs_merged": 2, "prs_by_others": 2,
                "first_contributions_merged": 1
            }),
        ),
        ("retrospective: ratings", "/retrospective/0/ratings".into(), json!([0, 0, 0, 2, 1])),
        ("retrospective: average", "/retrospective/0/average".into(), json!(13.0 / 3.0)),
        ("retrospective: went well", "/retrospective/1/texts".into(), json!(["The mentors"])),
        ("retrospective: change", "/retrospective/2/texts".into(), json!(["More power sockets"])),
    ];
    for (what, pointer, expected) in cases {
        assert_eq!(report.pointer(&pointer), Some(&expected), "{what} ({pointer})");
    }
    // Listed all the same, by name or by handle.
    let listed: Vec<(u64, &str)> = report["projects"][1]["prs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pr| (pr["number"].as_u64().unwrap(), pr["author"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, [(12, "Dee Newcomer"), (13, "Bo Builder"), (15, "dependabot[bot]"), (16, "outsider")]);
    // Eve, erased, is named in no format of the report nor in any export; her pull request still counts.
    for format in [ReportFormat::Md, ReportFormat::Html, ReportFormat::Json] {
        let text = desk.report(ReportRequest { format }).unwrap().text;
        assert!(!text.contains("Eve") && !text.contains("eve"), "{format:?}");
    }
    for kind in ExportKind::ALL {
        let text = desk.export(ExportRequest { kind }).unwrap().text;
        assert!(!text.contains("Eve") && !text.contains("Erasable"), "{kind:?}");
        // Nor is her pull request's page, which names her on the forge (the whole-sprint JSON once had it).
        assert!(!text.contains("org/docs/pull/3") && !text.contains("Docs typo"), "{kind:?}");
    }
    // Her pull request counts for Docs, but is not listed: its page would name her.
    assert_eq!(report.pointer("/projects/0/prs_merged"), Some(&json!(1)));
    assert_eq!(report.pointer("/projects/0/prs"), Some(&json!([])));
    // Nor does an access request on her pseudonym lead there (it gave the pull request's page and its times):
    // the project and the day only.
    let whole: Value =
        serde_json::from_str(&desk.export(ExportRequest { kind: ExportKind::Sprint }).unwrap().text).unwrap();
    let eve = whole["attendees"].as_array().unwrap().iter().find(|a| a["name"] == "Erased person").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let asked =
        serde_json::to_value(desk.export_person(sprintdesk_core::PersonQuery { attendee: eve }).unwrap()).unwrap();
    assert_eq!(
        asked["pull_requests"],
        json!([{"project": "Docs", "number": null, "title": "", "url": "", "state": "merged",
                "opened": "2026-07-15", "merged": "2026-07-15"}]),
        "{asked}"
    );
}

#[test]
fn the_report_reads_as_a_blog_post_and_as_one_html_file() {
    let mut desk = hand_built();
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap();
    assert_eq!(md.file_name, "hand-built-sprint-report.md");
    for line in [
        "# Hand-built sprint",
        "**5 people** took part, 1 of them a first-timer.",
        "- 2 issues claimed, 1 merged",
        "- 1 first-time contributor with a merged pull request (a first contribution)",
        "- 3 pull requests opened and 2 merged during the sprint by attendees (imported from the repositories; 2 more by others, such as bots, not counted)",
        "People at the table per day: Mon 13 Jul: 4, Wed 15 Jul: 3, Thu 16 Jul: 2.",
        "| Tue 14 Jul | break | | |",
        "- Dee Newcomer: first merged pull request [#12 Handle an empty config by Dee Newcomer (merged)](https://github.com/org/proj/pull/12)",
        "Pairs: Dee Newcomer mentored by Ana Mentor; Bo Builder and Cy Coder worked as a pair.",
        "- Mon 13 Jul: done: Set up; next: Loader; blockers: Slow CI",
        "Average 4.3 of 5 (1: 0, 2: 0, 3: 0, 4: 2, 5: 1).",
        "> More power sockets",
        "_1 person whose personal data was erased is counted, not named._",
    ] {
        assert!(md.text.contains(line), "{line}\n---\n{}", md.text);
    }
    let html = desk.report(ReportRequest { format: ReportFormat::Html }).unwrap();
    assert_eq!((html.file_name.as_str(), html.media_type.as_str()), ("hand-built-sprint-report.html", "text/html"));
    assert!(
        html.text.starts_with("<!doctype html>")
            && html.text.contains("<svg role=\"img\" aria-label=\"People per day\"")
    );
    assert!(html.text.contains("2 more by others, such as bots, are listed with their projects"));
    // One self-contained file: nothing is fetched.
    for outside in ["<script", "src=", "<link", "@import", "url("] {
        assert!(!html.text.contains(outside), "{outside}");
    }
}

#[test]
fn exports_are_spreadsheets_for_the_people_around_a_sprint() {
    let mut desk = hand_built();
    let attendance = desk.export(ExportRequest { kind: ExportKind::Attendance }).unwrap();
    assert_eq!(attendance.file_name, "hand-built-sprint-attendance.csv");
    // UTF-8 with a byte-order mark, so that Excel reads the names as they are.
    let text = attendance.text.strip_prefix('\u{feff}').expect("a byte-order mark first");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "name,attendee_id,day,signed_in,signed_out,tables,hours");
    let bo: Vec<&&str> = lines.iter().filter(|l| l.starts_with("Bo Builder,")).collect();
    assert_eq!(bo.len(), 2, "Bo on days 1 and 3 (the walk-in merged into him): {bo:?}");
    // In until closing on day 3: the venue's closing signed him out (the list left it empty, as if he had
    // never left), eight hours in all.
    assert!(bo[1].ends_with(",2026-07-15,10:00,18:00,Proj,8.0"), "{}", bo[1]);
    assert_eq!(lines.len(), 1 + 5 + 4 + 2, "one row per person per day");
    let consent = desk.export(ExportRequest { kind: ExportKind::PhotoConsent }).unwrap().text;
    assert!(consent.contains("Cy Coder,cy,no") && consent.contains("Ana Mentor,ana,yes"), "{consent}");
    // The photographer's list holds no badge codes: a badge's code signs its holder in and out at the door.
    assert_eq!(consent.lines().next(), Some("\u{feff}name,handle,photo_consent"));
    let claims = desk.export(ExportRequest { kind: ExportKind::Claims }).unwrap().text;
    assert!(claims.contains("Proj,#1,Crash on an empty config,https://github.com/org/proj/issues/1,Dee Newcomer,Ana Mentor,2026-07-13 10:00,released (closing time),merged"), "{claims}");
    let prs = desk.export(ExportRequest { kind: ExportKind::Prs }).unwrap().text;
    assert_eq!(prs.lines().count(), 1 + 9);
    // The export's first_contribution says what the report counts: Dee came as a first-timer, and #12 is
    // her first pull request merged in the sprint (`gh` says nothing of first contributions). It once said
    // "no" for it while the report counted one.
    let first_contribution = |number: &str| {
        let row =
            prs.lines().find(|line| line.split(',').nth(1) == Some(number)).unwrap_or_else(|| panic!("#{number}"));
        row.split(',').nth(6).unwrap().to_owned()
    };
    for (number, expected, why) in [
        ("12", "yes", "a first-timer's first pull request merged in the sprint"),
        ("13", "no", "open, by someone who had contributed before"),
        ("14", "no", "merged after the sprint, by someone who had contributed before"),
        ("10", "no", "by someone who was not at the venue"),
    ] {
        assert_eq!(first_contribution(number), expected, "#{number}: {why}");
    }
    let whole: Value =
        serde_json::from_str(&desk.export(ExportRequest { kind: ExportKind::Sprint }).unwrap().text).unwrap();
    assert_eq!(whole["pull_requests"].as_array().unwrap().len(), 9);
    assert_eq!(whole["retrospective_answers"].as_array().unwrap().len(), 3, "the skip wrote nothing");
    assert!(whole["retrospective_answers"].to_string().find("attendee").is_none(), "answers name no one");
}

/// The photographer's and the attendance lists are in the order of names as a person reads them: "Ábel"
/// among the As, not after "Zoë" (they were sorted by code point).
#[test]
fn exports_list_people_in_the_order_a_person_reads_names() {
    let mut desk = hand_built();
    let names = ["Zoë Nowak", "Ábel Szabó", "Émile Roux", "Ørjan Lie", "Łukasz Langa", "İsmail Kaya", "adam Small"];
    let csv = names.iter().fold("name\n".to_owned(), |csv, name| csv + name + "\n");
    desk.import_attendees(ImportFile {
        text: csv,
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let consent = desk.export(ExportRequest { kind: ExportKind::PhotoConsent }).unwrap().text;
    let listed: Vec<&str> =
        consent.lines().skip(1).filter_map(|line| line.split(',').next()).filter(|name| names.contains(name)).collect();
    assert_eq!(
        listed,
        ["Ábel Szabó", "adam Small", "Émile Roux", "İsmail Kaya", "Łukasz Langa", "Ørjan Lie", "Zoë Nowak"]
    );
}

/// The stand-up calls tables in the order the board and the Projects page show them: by their numbers (T9
/// before T10), a table with no label last; not as text sorts (T1, T10, T11, …, T2).
#[test]
fn the_stand_up_calls_tables_in_number_order_as_the_board_shows_them() {
    use sprintdesk_core::{StandupAction, StandupStep};
    let clock = Arc::new(FixedClock::new(at("2026-07-13")));
    let mut desk = desk_at("organizer", clock);
    desk.create_sprint(
        serde_json::from_value(json!({"name": "Order sprint", "time_zone": "UTC", "start": "2026-07-13", "days": 1}))
            .unwrap(),
    )
    .unwrap();
    for (name, table) in [("Ten", Some("T10")), ("Floor", None), ("Nine", Some("T9")), ("One", Some("T1"))] {
        let project = NewProject { name: name.into(), table_label: table.map(Into::into), ..NewProject::default() };
        desk.add_project(project).unwrap();
    }
    let started = desk.standup(StandupStep { action: StandupAction::Start, turn_seconds: None }).unwrap().unwrap();
    let order: Vec<&str> = started.order.iter().map(|p| p.name.as_str()).collect();
    let board: Vec<String> = desk.board().unwrap().projects.iter().map(|p| p.project.name.clone()).collect();
    assert_eq!(order, ["One", "Nine", "Ten", "Floor"]);
    assert_eq!(order, board, "the board's order");
}

/// The stand-up, run from the organizer's device on a hand-built sprint day: it speaks table by table in table
/// order (only tables with someone there or a status), keeps each turn's time and what the screen showed, and
/// the report says so. Stepping with nothing running, or after the end, is refused in words.
#[test]
fn the_stand_up_steps_table_by_table_and_the_report_keeps_it() {
    use sprintdesk_core::{StandupAction, StandupStep};
    let clock = Arc::new(FixedClock::new(at("2026-07-13")));
    let mut desk = desk_at("organizer", clock.clone());
    desk.create_sprint(
        serde_json::from_value(
            json!({"name": "Stand-up sprint", "time_zone": "UTC", "start": "2026-07-13", "days": 2}),
        )
        .unwrap(),
    )
    .unwrap();
    desk.import_attendees(ImportFile {
        text: "name,handle\nAna,ana\nBo,bo\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    for (name, table) in [("Quiet", "T0"), ("Docs", "T2"), ("Proj", "T1")] {
        let project = NewProject { name: name.into(), table_label: Some(table.into()), ..NewProject::default() };
        desk.add_project(project).unwrap();
    }
    sign_in(&mut desk, "@ana", "T1");
    desk.set_status(DailyStatus { project: "T2".into(), blockers: Some("No wifi".into()), ..DailyStatus::default() })
        .unwrap();
    let step = |action| StandupStep { action, turn_seconds: None };

    let refused = desk.standup(step(StandupAction::Next)).unwrap_err();
    assert!(refused.to_string().contains("start it first"), "{refused}");
    let started = desk.standup(StandupStep { action: StandupAction::Start, turn_seconds: Some(90) }).unwrap().unwrap();
    let order: Vec<&str> = started.order.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(order, ["Proj", "Docs"], "table order, the quiet table left out");
    assert_eq!((started.position, started.turn_seconds), (0, 90));
    let board = desk.board().unwrap().standup.expect("the board shows the stand-up");
    assert_eq!(board.order[board.position as usize].name, "Proj");

    clock.set(Timestamp(at("2026-07-13").0 + 3_700_000));
    assert!(desk.board().unwrap().standup.is_none(), "left running for an hour, it lets the board go");
    clock.set(Timestamp(at("2026-07-13").0 + 80_000));
    assert_eq!(desk.board().unwrap().standup.unwrap().elapsed_seconds, 80);
    let on = desk.standup(step(StandupAction::Next)).unwrap().unwrap();
    assert_eq!((on.position, on.elapsed_seconds), (1, 0));
    clock.set(Timestamp(at("2026-07-13").0 + 200_000));
    assert_eq!(desk.standup(step(StandupAction::Next)).unwrap(), None, "past the last table it ends");
    assert!(desk.board().unwrap().standup.is_none());
    let over = desk.standup(step(StandupAction::Previous)).unwrap_err();
    assert!(over.to_string().contains("start it first"), "{over}");

    let report = desk.sprint_report().unwrap();
    // Made on the first day: the days after it are to come, not days when no one came.
    let to_come: Vec<bool> = report.days.iter().map(|d| d.to_come).collect();
    assert!(!to_come[0]);
    assert!(to_come[1..].iter().all(|t| *t), "{to_come:?}");
    let standups = serde_json::to_value(&report.standups).unwrap();
    assert_eq!(standups, json!([{"day": "2026-07-13", "tables": 2, "seconds": 200, "blockers": 1}]));
    let docs = report.projects.iter().find(|p| p.name == "Docs").unwrap();
    assert_eq!(docs.status_log[0].standup_seconds, 120);
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    assert!(md.contains("## Stand-ups\n\n- Mon 13 Jul: 2 tables in 3 min 20 s, 1 blocker raised"), "{md}");
    assert!(md.contains("blockers: No wifi (stand-up: 2 min)"), "{md}");
    assert!(md.contains("Tue 14 Jul: to come."), "{md}");
    // The per-day columns are explained where they stand, in every file ("Left" is not sign-outs).
    let html = desk.report(ReportRequest { format: ReportFormat::Html }).unwrap().text;
    // (This sprint has no break day: its second day, to come, read "break" in the charts.)
    assert!(!html.contains(">break</text>"), "a day to come is no break");
    assert!(html.contains(">to come</text>"), "the charts say which days are to come");
    for text in [&md, &html] {
        assert!(
            text.contains("Left: it was their last day at the sprint") && text.contains("Neither counts sign-outs")
        );
        assert!(text.contains("to come"), "days after today say so");
        // And so does each table's count, and the charts (a day to come read "0", and "break" in the chart).
        assert!(!text.contains("Tue 14 Jul: 0"), "a day to come is no day when no one came");
        // Issues a lead marked merged are counted apart from the pull requests imported from the repository.
        assert!(text.contains("imported from the repositor"), "the pull request counts say where they come from");
    }
}

/// `date` at `hm`, UTC (the closing-time sprints below are in UTC).
fn utc(date: &str, hm: &str) -> Timestamp {
    let at = chrono::DateTime::parse_from_rfc3339(&format!("{date}T{hm}:00Z")).unwrap();
    Timestamp::from_utc(at.to_utc())
}

/// The sprint `sprint` (its JSON) at 10:00 on 2026-07-13, with one table (Proj, T1) where each of `people`
/// has signed in and claimed an issue: the first #1, the next #2, and so on.
fn claimed_at_one_table(sprint: Value, people: &[&str]) -> (Desk, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(utc("2026-07-13", "10:00")));
    let mut desk = desk_at("organizer", clock.clone());
    desk.create_sprint(serde_json::from_value(sprint).unwrap()).unwrap();
    let csv: String = people.iter().map(|name| format!("{name},{}\n", name.to_lowercase())).collect();
    desk.import_attendees(ImportFile {
        text: format!("name,handle\n{csv}"),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    desk.add_project(NewProject { name: "Proj".into(), table_label: Some("T1".into()), ..NewProject::default() })
        .unwrap();
    let issues: Vec<Value> = (1..=people.len())
        .map(|n| json!({"number": n, "title": format!("Issue {n}"), "labels": [], "url": format!("https://example.org/p/issues/{n}"), "state": "OPEN"}))
        .collect();
    desk.import_issues(ImportFile {
        text: Value::from(issues).to_string(),
        project: Some("Proj".into()),
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    for (n, name) in people.iter().enumerate() {
        let who = format!("@{}", name.to_lowercase());
        sign_in(&mut desk, &who, "T1");
        desk.claim(Claim { issue: format!("#{}", n + 1), attendee: who, mentor: None }).unwrap();
    }
    (desk, clock)
}

/// Who the first table's claims closing will release, by name, as the board lists them.
fn closing_releases(desk: &mut Desk) -> Vec<String> {
    let board = desk.board().unwrap();
    board.projects[0].closing_releases.iter().map(|r| r.person.name.clone()).collect()
}

/// Closing time on a lead's screen: from half an hour before, the board lists the claims closing will release;
/// the lead keeps one overnight (one per table), which is then not released that evening, nor by its holder
/// signing out, and is released at the next sprint day's closing. The last day has no night to keep one over.
#[test]
fn half_an_hour_before_closing_the_board_lists_what_closing_releases_and_a_lead_keeps_one_overnight() {
    let (mut desk, clock) = claimed_at_one_table(
        json!({"name": "Evening sprint", "time_zone": "UTC", "start": "2026-07-13", "days": 3,
            "break_days": ["2026-07-14"]}),
        &["Ana", "Bo", "Cy"],
    );
    let releasing = closing_releases;
    assert_eq!(releasing(&mut desk), Vec::<String>::new(), "nothing listed in the morning");
    assert!(desk.board().unwrap().closing_at.is_none());

    clock.set(utc("2026-07-13", "17:35"));
    assert_eq!(releasing(&mut desk), ["Ana", "Bo", "Cy"]);
    assert_eq!(desk.board().unwrap().closing_at, Some(utc("2026-07-13", "18:00")));
    let kept = desk.keep_overnight(sprintdesk_core::Release { issue: "#2".into(), attendee: "@bo".into() }).unwrap();
    assert!(kept.issue.holders[0].kept_overnight);
    assert_eq!(releasing(&mut desk), ["Ana", "Cy"]);
    let second = desk.keep_overnight(sprintdesk_core::Release { issue: "#1".into(), attendee: "@ana".into() });
    let refused = second.unwrap_err().to_string();
    assert!(refused.contains("already keeps") && refused.contains("(Bo) overnight"), "one per table: {refused}");
    clock.set(utc("2026-07-13", "17:45"));
    desk.sign_out(sprintdesk_core::PersonQuery { attendee: "@bo".into() }).unwrap();

    // The break day passes; on the next sprint day Bo still holds #2, the others were released at closing.
    clock.set(utc("2026-07-15", "10:00"));
    let held: Vec<(String, bool)> = ["#1", "#2", "#3"]
        .iter()
        .map(|i| {
            let board = desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap();
            let issue = board.iter().find(|b| format!("#{}", b.number.unwrap()) == *i).unwrap().clone();
            (i.to_string(), issue.holders.iter().any(|h| h.state.is_open()))
        })
        .collect();
    assert_eq!(held, [("#1".into(), false), ("#2".into(), true), ("#3".into(), false)]);
    let last = desk.keep_overnight(sprintdesk_core::Release { issue: "#2".into(), attendee: "@bo".into() });
    assert!(last.unwrap_err().to_string().contains("last day"), "no night after the last day");
    clock.set(utc("2026-07-15", "18:00"));
    let board = desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap();
    assert!(board.iter().all(|b| b.holders.iter().all(|h| !h.state.is_open())), "released at the next closing");
}

/// A claim kept overnight is kept for one night: on the next day it is listed among the claims that day's
/// closing releases, and the lead can keep it again. It showed as "Kept overnight" all the next day, was
/// missing from the closing list, had no "Keep overnight" button, and was released at closing.
#[test]
fn a_claim_kept_overnight_is_kept_one_night_and_can_be_kept_again_the_next_evening() {
    let (mut desk, clock) = claimed_at_one_table(
        json!({"name": "Week sprint", "time_zone": "UTC", "start": "2026-07-13", "days": 3}),
        &["Ana", "Bo"],
    );
    let releasing = closing_releases;
    let kept = |desk: &mut Desk| -> bool {
        let board = desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap();
        board.iter().find(|b| b.number == Some(2)).unwrap().holders[0].kept_overnight
    };
    let keep_bo = sprintdesk_core::Release { issue: "#2".into(), attendee: "@bo".into() };

    clock.set(utc("2026-07-13", "17:35"));
    desk.keep_overnight(keep_bo.clone()).unwrap();
    assert!(kept(&mut desk));
    assert_eq!(releasing(&mut desk), ["Ana"]);

    // The next day Bo's claim holds through the day; it is no longer "kept overnight".
    clock.set(utc("2026-07-14", "10:00"));
    assert!(!kept(&mut desk), "kept for last night only");
    clock.set(utc("2026-07-14", "17:35"));
    assert_eq!(releasing(&mut desk), ["Bo"], "tonight's closing releases it");
    desk.keep_overnight(keep_bo).unwrap();
    assert!(kept(&mut desk));
    assert_eq!(releasing(&mut desk), Vec::<String>::new());
    clock.set(utc("2026-07-15", "10:00"));
    let board = desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap();
    assert!(board.iter().find(|b| b.number == Some(2)).unwrap().holders[0].state.is_open(), "kept a second night");
}

/// A contested issue says where each claim came from and when; once a lead keeps both, each holder is shown
/// as one of a pair and the issue is no longer contested.
#[test]
fn a_contested_claim_says_which_device_made_each_and_when_and_a_pair_shows_as_one() {
    let (mut desk, _clock) = hand_built_day_one();
    let issue = |desk: &mut Desk| {
        desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap().into_iter().find(|i| i.number == Some(2)).unwrap()
    };
    let contested = issue(&mut desk);
    assert!(contested.contested);
    let mut origins: Vec<(String, Option<String>)> =
        contested.holders.iter().map(|h| (h.person.name.clone(), h.claimed_on.clone())).collect();
    origins.sort();
    assert_eq!(
        origins,
        [
            ("Bo Builder".to_owned(), Some("organizer".to_owned())),
            ("Cy Coder".to_owned(), Some("lead-laptop".to_owned()))
        ]
    );
    assert!(contested.holders.iter().all(|h| h.claimed_at.0 > 0 && !h.paired));
    desk.resolve(Resolve { issue: "#2".into(), keep: vec!["@bo".into(), "@cy".into()] }).unwrap();
    let paired = issue(&mut desk);
    assert!(!paired.contested);
    assert!(paired.holders.iter().all(|h| h.paired), "{:?}", paired.holders);
}

/// An access request is written for the person to read: tables, issues and devices by name, times in the
/// venue's time zone, their pull requests, and the words others typed that name them (which erasing leaves,
/// so the Erase dialog lists them). It once gave internal ids and milliseconds, and no pull requests.
#[test]
fn an_access_request_reads_by_name_and_lists_pull_requests_and_the_words_that_name_them() {
    let (mut desk, clock) = hand_built_day_one();
    desk.resolve(Resolve { issue: "#2".into(), keep: vec!["@bo".into(), "@cy".into()] }).unwrap();
    desk.set_status(DailyStatus {
        project: "T2".into(),
        done: Some("Reviewed Dee's config fix".into()),
        next: Some("Deeper docs; ask DEE NEWCOMER about the loader".into()),
        blockers: Some("Waiting on Idee".into()),
        from: None,
    })
    .unwrap();
    let mut desk = hand_built_rest(desk, clock);
    let reply = RetroReply { question: "q2".into(), rating: None, text: Some("Pairing with @dee".into()) };
    desk.answer_retro(RetroSubmission { replies: vec![reply], token: None }).unwrap();

    let export =
        serde_json::to_value(desk.export_person(sprintdesk_core::PersonQuery { attendee: "@dee".into() }).unwrap())
            .unwrap();
    let cases: Vec<(&str, &str, Value)> = vec![
        ("her first sign-in, at Proj's table, in the venue's time", "/presence/0/table", json!("Proj")),
        ("… the time", "/presence/0/time", json!("2026-07-13 10:00")),
        ("her claim names the issue", "/claims/0/issue", json!("#1 Crash on an empty config")),
        ("… and its project", "/claims/0/project", json!("Proj")),
        ("her pull request", "/pull_requests/0/number", json!(12)),
        ("… merged", "/pull_requests/0/merged", json!("2026-07-15 16:00")),
        ("one pull request", "/pull_requests/1", Value::Null),
    ];
    let actions: Vec<&str> =
        export["claims"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"merged"), "the merge of the issue she claimed is hers to know of too: {actions:?}");
    let name = export["history"].as_array().unwrap().iter().find(|h| h["field"] == "name").unwrap();
    assert_eq!(name["value"], "Dee Newcomer", "values as written, not JSON text inside JSON");
    for (what, pointer, expected) in cases {
        assert_eq!(export.pointer(pointer).unwrap_or(&Value::Null), &expected, "{what} ({pointer})\n{export:#}");
    }
    let mentions: Vec<(String, String)> = export["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["place"].as_str().unwrap().to_owned(), m["text"].as_str().unwrap().to_owned()))
        .collect();
    let expected = |place: &str, text: &str| (place.to_owned(), text.to_owned());
    assert_eq!(
        mentions,
        vec![
            expected("Notes of Docs, 2026-07-13 (done)", "Reviewed Dee's config fix"),
            expected("Notes of Docs, 2026-07-13 (next)", "Deeper docs; ask DEE NEWCOMER about the loader"),
            expected("A retrospective answer", "Pairing with @dee"),
        ],
        "her first name, full name or handle as words; not \"Deeper\" or \"Idee\""
    );
    let text = export.to_string();
    let millis = regex_lite_millis(&text);
    assert!(millis.is_empty(), "no raw millisecond times: {millis:?}");
}

/// Runs of 13 digits or more in `text`: milliseconds since 1970.
fn regex_lite_millis(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit()).filter(|run| run.len() >= 13).map(str::to_owned).collect()
}

/// Pairs whose people were all erased (as retention erases everyone) are counted, not listed: the report
/// once read "Erased person mentored by Erased person", and every such pair collapsed into that one line.
#[test]
fn pairs_of_erased_people_are_counted_not_listed() {
    // (who is erased, mentor pairs listed, pairs listed, pairs counted unnamed, the Markdown's line)
    let cases: Vec<(&[&str], Value, Value, u32, &str)> = vec![
        (
            &[],
            json!([{"mentee": "Dee Newcomer", "mentor": "Ana Mentor"}]),
            json!([["Bo Builder", "Cy Coder"]]),
            0,
            "Pairs: Dee Newcomer mentored by Ana Mentor; Bo Builder and Cy Coder worked as a pair.",
        ),
        (
            &["@ana"],
            json!([{"mentee": "Dee Newcomer", "mentor": "Erased person"}]),
            json!([["Bo Builder", "Cy Coder"]]),
            0,
            "Pairs: Dee Newcomer mentored by Erased person; Bo Builder and Cy Coder worked as a pair.",
        ),
        (
            &["@ana", "@dee"],
            json!([]),
            json!([["Bo Builder", "Cy Coder"]]),
            1,
            "Pairs: Bo Builder and Cy Coder worked as a pair; 1 more pair, their names erased.",
        ),
        (&["@ana", "@dee", "@bo", "@cy"], json!([]), json!([]), 2, "Pairs: 2 pairs, their names erased."),
    ];
    let mut unlinked_in_all = 0;
    for (erased, mentor_pairs, pairs, unnamed, line) in cases {
        let mut desk = hand_built();
        for who in erased {
            desk.erase_attendee(Erase { attendee: (*who).into(), pin: None }).unwrap();
        }
        let report = serde_json::to_value(desk.sprint_report().unwrap()).unwrap();
        let proj = &report["projects"][1];
        assert_eq!(proj["mentor_pairs"], mentor_pairs, "{erased:?} erased");
        assert_eq!(proj["pairs"], pairs, "{erased:?} erased");
        assert_eq!(proj["unnamed_pairs"], unnamed, "{erased:?} erased");
        let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
        assert!(md.lines().any(|l| l == line), "{erased:?} erased: no line {line:?} in\n{md}");
        let html = desk.report(ReportRequest { format: ReportFormat::Html }).unwrap().text;
        assert!(!html.contains("Erased person mentored by Erased person"), "{erased:?} erased");
        // The claims export counts an erased holder's claim but does not say which issue (its page leads to
        // their pull request); a claim whose mentor alone was erased is its holder's, and says it.
        let claims = desk.export(ExportRequest { kind: ExportKind::Claims }).unwrap().text;
        for row in claims.lines().skip(1) {
            let cells: Vec<&str> = row.split(',').collect();
            let (issue, url, holder) = (cells[1], cells[3], cells[4]);
            if holder == "Erased person" {
                assert_eq!((issue, url), ("", ""), "{erased:?} erased: {row}");
            } else {
                assert!(issue.starts_with('#') && url.contains("/issues/"), "{erased:?} erased: {row}");
            }
        }
        assert_eq!(claims.lines().count(), 1 + 3, "{erased:?} erased: every claim still counts");
        // Nor does the rows' order: an erased holder's come last (between #11 and #13, a blank row was #12),
        // and so do an erased person's pull requests.
        let last_erased = |text: &str, erased_row: &dyn Fn(&str) -> bool| {
            let flags: Vec<bool> = text.lines().skip(1).map(erased_row).collect();
            assert!(flags.windows(2).all(|pair| pair[0] <= pair[1]), "{erased:?} erased:\n{text}");
        };
        last_erased(&claims, &|row| row.split(',').nth(4) == Some("Erased person"));
        let listed = desk.export(ExportRequest { kind: ExportKind::Prs }).unwrap().text;
        last_erased(&listed, &|row| row.split(',').nth(1) == Some(""));
        // The whole sprint as JSON keeps that rule: an erased holder's claim events are there, on no issue.
        let whole: Value =
            serde_json::from_str(&desk.export(ExportRequest { kind: ExportKind::Sprint }).unwrap().text).unwrap();
        let erased_ids: Vec<&str> = whole["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["name"] == "Erased person")
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert!(erased_ids.len() >= erased.len(), "{erased:?} erased: {erased_ids:?}");
        let events = whole["claim_events"].as_array().unwrap();
        let mut unlinked = 0;
        for event in events {
            let action = &event["action"];
            let named: Vec<&str> = action["attendee"]
                .as_str()
                .into_iter()
                .chain(action["keep"].as_array().into_iter().flatten().filter_map(Value::as_str))
                .collect();
            let names_erased = named.iter().any(|id| erased_ids.contains(id));
            if named.is_empty() {
                continue; // A merge: on no issue where an erased person claimed it (below).
            }
            assert_eq!(event["issue"] == "", names_erased, "{erased:?} erased: {event}");
            unlinked += usize::from(names_erased);
        }
        // An event on no issue keeps its day only (its minute was the pull request's on the forge), and the
        // events stand in time order, so that its place among the timed ones does not tell its minute.
        let day = 24 * 60 * 60 * 1000;
        for event in events.iter().filter(|event| event["issue"] == "") {
            assert_eq!(event["at"].as_i64().unwrap() % day, 0, "{erased:?} erased: {event}");
        }
        let at = |e: &Value| e["at"].as_i64().unwrap();
        assert!(events.windows(2).all(|w| at(&w[0]) <= at(&w[1])), "{erased:?} erased: {events:?}");
        unlinked_in_all += unlinked;
        if erased.contains(&"@dee") {
            // Dee claimed #1, and her pull request merged it: nothing in any file says #1 was hers. Not the
            // merge's event, not her pull request's issues or minutes, not her claim's state or minute.
            let first = whole["issues"].as_array().unwrap().iter().find(|i| i["number"] == 1).unwrap()["id"].clone();
            assert!(!events.iter().any(|event| event["issue"] == first), "{erased:?} erased: {events:?}");
            let prs = whole["pull_requests"].as_array().unwrap();
            let hers =
                prs.iter().find(|pr| pr["attendee"].as_str().is_some_and(|id| erased_ids.contains(&id))).unwrap();
            assert_eq!(hers["closes"], json!([]), "{hers}");
            let day = 24 * 60 * 60 * 1000;
            assert!(
                hers["created_at"].as_i64().unwrap() % day == 0 && hers["merged_at"].as_i64().unwrap() % day == 0,
                "{hers}"
            );
            let row =
                claims.lines().find(|row| row.contains("Erased person") && row.contains("merged")).map(str::to_owned);
            let row = row.or_else(|| {
                claims.lines().find(|row| row.split(',').nth(4) == Some("Erased person")).map(str::to_owned)
            });
            let cells: Vec<String> = row.unwrap().split(',').map(String::from).collect();
            assert!(cells[6].len() == "2026-07-13".len() && cells[8].is_empty(), "{cells:?}");
            let listed = desk.export(ExportRequest { kind: ExportKind::Prs }).unwrap().text;
            assert!(listed.lines().any(|row| row.ends_with(",2026-07-13,2026-07-15,2026-07-15")), "{listed}");
        }
    }
    assert!(unlinked_in_all >= 3, "erased holders' claims, releases and pull requests are on no issue");
}

/// A pull request import taken back on one device leaves every device with the report it had before: the
/// pull requests gone, #1's claim back to open, both devices' digests equal.
#[test]
fn a_pull_request_import_taken_back_reaches_another_device() {
    let (mut desk, clock) = hand_built_day_one();
    let mut spare =
        Desk::new(Store::open_in_memory("spare".into()).unwrap(), clock, Arc::new(SequentialIds::default()));
    sync(&desk, &mut spare);
    let report_before = serde_json::to_value(spare.sprint_report().unwrap()).unwrap();
    let imported = desk
        .import_prs(ImportFile {
            text: PRS.into(),
            project: None,
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap();
    assert_eq!((imported.added, imported.claims_moved), (9, 2), "{imported:?}");
    sync(&desk, &mut spare);
    assert_ne!(serde_json::to_value(spare.sprint_report().unwrap()).unwrap(), report_before);
    let undone = desk.undo_import(sprintdesk_core::UndoImport::new(imported.undo.unwrap())).unwrap();
    assert_eq!((undone.removed, undone.claims_moved_back, &undone.kept), (9, 2, &vec![]), "{undone:?}");
    sync(&desk, &mut spare);
    assert_eq!(desk.digest().unwrap(), spare.digest().unwrap());
    assert_eq!(serde_json::to_value(spare.sprint_report().unwrap()).unwrap(), report_before);
}

/// A first-timer whose issue a lead marked merged counted for nothing until the pull requests were
/// imported: the report said "0 first-time contributors with a merged pull request" beside the table's
/// note "Dee's first PR merged!".
#[test]
fn a_first_timers_issue_marked_merged_at_the_table_counts_before_any_import() {
    let (mut desk, _clock) = hand_built_day_one();
    let count = |desk: &mut Desk| desk.sprint_report().unwrap().totals.first_contributions_merged;
    assert_eq!(count(&mut desk), 0);
    desk.mark_merged(sprintdesk_core::IssueRef { issue: "#1".into() }).unwrap();
    assert_eq!(count(&mut desk), 1);
    let report = serde_json::to_value(desk.sprint_report().unwrap()).unwrap();
    let proj = report["projects"].as_array().unwrap().iter().find(|p| p["name"] == "Proj").unwrap();
    assert_eq!(
        proj["first_time_contributors"],
        json!([{"name": "Dee Newcomer", "first_merged": null, "merged_issue": "#1 Crash on an empty config"}])
    );
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    assert!(md.contains("- Dee Newcomer: merged #1 Crash on an empty config\n"), "{md}");
    assert!(md.contains("- 1 first-time contributor with a merged pull request (a first contribution)"), "{md}");
    // Once her pull request is imported, it is what the report names.
    desk.import_prs(ImportFile {
        text: PRS.into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    assert!(md.contains("- Dee Newcomer: first merged pull request [#12 Handle an empty config by"), "{md}");
    assert_eq!(count(&mut desk), 1);
}

/// After closing, the board counted no one "today" while the organizer's Today page said how many came.
#[test]
fn after_closing_the_board_counts_today_as_the_today_page_does() {
    let (mut desk, clock) = hand_built_day_one();
    assert_eq!((desk.board().unwrap().today_count, desk.presence().unwrap().today_count), (5, 5));
    clock.set(utc("2026-07-13", "22:30"));
    let (board, presence) = (desk.board().unwrap(), desk.presence().unwrap());
    assert_eq!((board.today, board.here_now), (None, 0), "closed: nobody is here");
    assert_eq!((board.today_count, presence.today_count), (5, 5));
}

/// Undoing a pull request import puts back no erased person's handle: the later import had linked the pull
/// requests to her (their author cleared), and its undo set the author back to her handle, on every device.
#[test]
fn a_pull_request_import_taken_back_names_no_erased_author_again() {
    let (mut desk, _clock) = hand_built_day_one();
    let file = || ImportFile {
        text: PRS.into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    };
    desk.import_prs(file()).unwrap();
    desk.import_attendees(ImportFile {
        text: "name,handle\nOtto Outsider,outsider\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let linked = desk.import_prs(file()).unwrap();
    desk.erase_attendee(Erase { attendee: "@outsider".into(), pin: None }).unwrap();
    desk.undo_import(sprintdesk_core::UndoImport::new(linked.undo.unwrap())).unwrap();
    let prs = desk.export(ExportRequest { kind: ExportKind::Prs }).unwrap().text;
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    assert!(!prs.contains("outsider") && !md.contains("outsider"), "{prs}\n{md}");
}

/// A pull request imported after its author was erased at her request named her again by her forge handle,
/// in the report, the exports and every device's history: with no attendee left holding the handle, the
/// import kept it as a visitor's. Her erasure's keys now know the handle, and the import names the pseudonym.
#[test]
fn a_pull_request_imported_after_its_author_was_erased_names_no_handle() {
    let (mut desk, _clock) = hand_built_day_one();
    desk.import_attendees(ImportFile {
        text: "name,handle\nOtto Outsider,@Outsider\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let otto = desk.erase_attendee(Erase { attendee: "@outsider".into(), pin: None }).unwrap().ids[0].clone();
    desk.import_prs(ImportFile {
        text: PRS.into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let prs = desk.export(ExportRequest { kind: ExportKind::Prs }).unwrap().text;
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    assert!(!prs.to_lowercase().contains("outsider") && !md.to_lowercase().contains("outsider"), "{prs}\n{md}");
    let log = desk.store().changes().unwrap();
    assert!(!log.iter().any(|c| c.value.to_string().to_lowercase().contains("outsider")), "no handle in the history");
    // Her pull requests still count, for the pseudonym.
    let by_her: Vec<sprintdesk_core::domain::PullRequest> = desk.store().all().unwrap();
    let by_her = by_her.iter().filter(|p| p.attendee.as_ref() == Some(&otto) && p.author.is_none()).count();
    assert_eq!(by_her, 4, "the four pull requests by outsider, linked to the pseudonym");
}

/// On day one the report said "Left 5" beside "People 5": everyone who came today had "left" as far as anyone
/// knew, which read as everyone gone. Today's "Left" is a dash while the sprint goes on; on the last day it
/// counts everyone.
#[test]
fn today_the_report_does_not_say_everyone_left() {
    let (mut desk, clock) = hand_built_day_one();
    let json = |desk: &mut Desk| -> Value {
        serde_json::from_str(&desk.report(ReportRequest { format: ReportFormat::Json }).unwrap().text).unwrap()
    };
    let day_one = json(&mut desk);
    let unknown: Vec<&Value> = day_one["days"].as_array().unwrap().iter().map(|d| &d["departures_unknown"]).collect();
    assert_eq!(unknown, [&json!(true), &json!(false), &json!(false), &json!(false)], "{day_one}");
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    let row = md.lines().find(|l| l.starts_with("| Mon 13 Jul")).unwrap();
    assert!(row.ends_with("| \u{2014} |"), "{row}");
    clock.set(utc("2026-07-16", "17:00"));
    let last = json(&mut desk);
    assert!(last["days"].as_array().unwrap().iter().all(|d| d["departures_unknown"] == false), "{last}");
}

/// Only the handle a person holds when erased is kept as a key: one corrected since may be someone else's
/// (a typo, or a handle a door typed for a walk-in), and that stranger's pull requests went to the pseudonym.
#[test]
fn a_handle_corrected_before_an_erasure_leaves_its_owners_pull_requests_theirs() {
    let (mut desk, _clock) = hand_built_day_one();
    desk.import_attendees(ImportFile {
        text: "name,handle\nOtto Other,outsider\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let otto: Vec<sprintdesk_core::domain::Attendee> = desk.store().all().unwrap();
    let otto = otto.into_iter().find(|a| a.name == "Otto Other").unwrap();
    desk.edit_attendee(sprintdesk_core::AttendeeEdit {
        id: otto.id.clone(),
        name: otto.name.clone(),
        handle: Some("otto-o".into()),
        email: None,
        roles: otto.roles.clone(),
        first_timer: false,
        badge_code: None,
        photo_consent: None,
    })
    .unwrap();
    desk.erase_attendee(Erase { attendee: otto.id.to_string(), pin: None }).unwrap();
    desk.import_prs(ImportFile {
        text: PRS.into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let prs: Vec<sprintdesk_core::domain::PullRequest> = desk.store().all().unwrap();
    let theirs = prs.iter().filter(|p| p.author.as_deref() == Some("outsider") && p.attendee.is_none()).count();
    assert_eq!(theirs, 4, "outsider's four pull requests stay a visitor's");
}

/// A pull request import taken back while a later one that lists the same pull requests stands leaves the
/// claims they moved as they are: #1 stayed merged by the pull request the later file lists, and the undo
/// made it "claimed" again.
#[test]
fn an_earlier_pull_request_import_taken_back_leaves_the_claims_a_later_one_stands_for() {
    let (mut desk, _clock) = hand_built_day_one();
    let first = desk
        .import_prs(ImportFile {
            text: PRS.into(),
            project: None,
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap();
    // The next day's export: one title changed, #12 (Dee's, which merged #1) listed as it was.
    let later = PRS.replace("Drive-by fix", "Drive-by fix, reworded");
    assert_ne!(later, PRS);
    desk.import_prs(ImportFile {
        text: later,
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let before = serde_json::to_value(desk.sprint_report().unwrap()).unwrap();
    let state = |desk: &mut Desk| {
        let issues = serde_json::to_value(desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap()).unwrap();
        issues.as_array().unwrap().iter().find(|i| i["number"] == 1).unwrap()["state"].clone()
    };
    assert_eq!(state(&mut desk), "merged");
    let undone = desk.undo_import(sprintdesk_core::UndoImport::new(first.undo.unwrap())).unwrap();
    assert_eq!(undone.claims_moved_back, 0, "{undone:?}");
    assert!(
        undone
            .kept
            .iter()
            .any(|k| k == "#1 Crash on an empty config: pull request #12 closes it and stays, its claim's step kept"),
        "{undone:?}"
    );
    assert_eq!(state(&mut desk), "merged");
    assert_eq!(serde_json::to_value(desk.sprint_report().unwrap()).unwrap(), before);
}

/// Two pull request imports taken back, the later first: the later file had merged #12, and its undo set #12
/// back to open but kept the merge step on #1 ("a pull request that stays closes it"), so #1 ended merged
/// with no pull request at all once the earlier import was taken back too.
#[test]
fn two_pull_request_imports_taken_back_latest_first_leave_the_claims_as_they_were() {
    let (mut desk, _clock) = hand_built_day_one();
    let state = |desk: &mut Desk| {
        let issues = serde_json::to_value(desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap()).unwrap();
        issues.as_array().unwrap().iter().find(|i| i["number"] == 1).unwrap()["state"].clone()
    };
    let before = state(&mut desk);
    let open = PRS.replace(
        r#""closedAt":"2026-07-15T16:00:00Z","createdAt":"2026-07-13T15:00:00Z","labels":[],"mergedAt":"2026-07-15T16:00:00Z","number":12,"state":"MERGED""#,
        r#""closedAt":null,"createdAt":"2026-07-13T15:00:00Z","labels":[],"mergedAt":null,"number":12,"state":"OPEN""#,
    );
    assert_ne!(open, PRS);
    let first = desk
        .import_prs(ImportFile {
            text: open,
            project: None,
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap();
    assert_eq!(state(&mut desk), "pr_open");
    let second = desk
        .import_prs(ImportFile {
            text: PRS.into(),
            project: None,
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap();
    assert_eq!(state(&mut desk), "merged");
    desk.undo_import(sprintdesk_core::UndoImport::new(second.undo.unwrap())).unwrap();
    assert_eq!(state(&mut desk), "pr_open", "#12 is open again, as the first file says");
    desk.undo_import(sprintdesk_core::UndoImport::new(first.undo.unwrap())).unwrap();
    assert_eq!(state(&mut desk), before);
    assert_eq!(desk.export(ExportRequest { kind: ExportKind::Prs }).unwrap().text.trim().lines().count(), 1);
}

/// A merged issue's holder is shown for the credit, but not once they are erased: the board and the issues
/// list showed "Erased person" holding it, merged, with the claim's minute, and the forge's pull request for
/// the issue tells who that was.
#[test]
fn a_merged_issue_shows_no_erased_holder() {
    let (mut desk, _clock) = hand_built_day_one();
    desk.mark_merged(sprintdesk_core::IssueRef { issue: "#1".into() }).unwrap();
    let holders = |desk: &mut Desk| {
        let issues = serde_json::to_value(desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap()).unwrap();
        let first = issues.as_array().unwrap().iter().find(|i| i["number"] == 1).unwrap().clone();
        assert_eq!(first["state"], "merged", "{first}");
        let names: Vec<String> =
            first["holders"].as_array().unwrap().iter().map(|h| h["person"]["name"].as_str().unwrap().into()).collect();
        names
    };
    assert_eq!(holders(&mut desk), ["Dee Newcomer"]);
    desk.erase_attendee(Erase { attendee: "@dee".into(), pin: None }).unwrap();
    assert_eq!(holders(&mut desk), Vec::<String>::new());
    // Bo's open claim on #2 is still shown when Bo is erased: nobody is to take it from under him.
    desk.erase_attendee(Erase { attendee: "@bo".into(), pin: None }).unwrap();
    let issues = serde_json::to_value(desk.issues(sprintdesk_core::IssuesQuery::default()).unwrap()).unwrap();
    let second = issues.as_array().unwrap().iter().find(|i| i["number"] == 2).unwrap();
    assert!(second["holders"].as_array().unwrap().iter().any(|h| h["person"]["name"] == "Erased person"), "{second}");
}

/// A sprint over a week long named two days alike under a table's chart and in its line of the blog post
/// ("Sat 2, Sun 1, …, Sat 0, Sun 0"): dates there instead.
#[test]
fn a_sprint_over_a_week_long_names_each_day_apart() {
    let clock = Arc::new(FixedClock::new(at("2026-10-24")));
    let mut desk = desk_at("organizer", clock);
    desk.create_sprint(
        serde_json::from_value(json!({"name": "Long sprint", "time_zone": "UTC", "start": "2026-10-24", "days": 9}))
            .unwrap(),
    )
    .unwrap();
    desk.add_project(NewProject { name: "Docs".into(), table_label: Some("T1".into()), ..NewProject::default() })
        .unwrap();
    let md = desk.report(ReportRequest { format: ReportFormat::Md }).unwrap().text;
    assert!(md.contains("People at the table per day: Sat 24 Oct: 0, Sun 25 Oct: to come,"), "{md}");
    assert!(md.contains("Sat 31 Oct: to come, Sun 1 Nov: to come."), "{md}");
    let html = desk.report(ReportRequest { format: ReportFormat::Html }).unwrap().text;
    let chart = &html[html.find("People at the table per day, Docs").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    for day in ["24", "31", "1"] {
        assert!(chart.contains(&format!("text-anchor=\"middle\">{day}</text>")), "{day}: {chart}");
    }
    assert!(!chart.contains(">Sat</text>"), "{chart}");

    // A month long across a 30-day month: the 15th twice; day and month then.
    let clock = Arc::new(FixedClock::new(at("2026-04-15")));
    let mut desk = desk_at("organizer", clock);
    let month = json!({"name": "Month sprint", "time_zone": "UTC", "start": "2026-04-15", "days": 31});
    desk.create_sprint(serde_json::from_value(month).unwrap()).unwrap();
    desk.add_project(NewProject { name: "Docs".into(), table_label: Some("T1".into()), ..NewProject::default() })
        .unwrap();
    let html = desk.report(ReportRequest { format: ReportFormat::Html }).unwrap().text;
    let chart = &html[html.find("People at the table per day, Docs").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    // (The bars' own figures are centred text too: the days' labels are those with a date.)
    let labels: Vec<&str> = chart
        .split("text-anchor=\"middle\">")
        .skip(1)
        .filter_map(|t| t.split('<').next())
        .filter(|t| t.contains('/'))
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = labels.iter().collect();
    assert!(labels.len() == 31 && distinct.len() == labels.len(), "{labels:?}");
    assert!(labels.contains(&"15/4") && labels.contains(&"15/5"), "{labels:?}");
}

/// The organizer moved the sprint's first two days out of it (a rehearsal day and a break day entered by
/// mistake): whoever came only then is in no day of the report, and is not counted in its totals either.
#[test]
fn people_who_came_only_on_days_taken_out_of_the_sprint_are_not_counted() {
    let mut desk = hand_built();
    let mut sprint = desk.sprint().unwrap();
    sprint.days.retain(|day| day.date.to_string().as_str() >= "2026-07-15");
    desk.update_sprint(sprintdesk_core::SprintSettings { sprint, pin: None }).unwrap();
    let report = serde_json::to_value(desk.sprint_report().unwrap()).unwrap();
    let days = report["days"].as_array().unwrap();
    let sum = |field: &str| days.iter().map(|day| day[field].as_u64().unwrap()).sum::<u64>();
    let cases: Vec<(&str, Value, Value)> = vec![
        ("participants: those who came on the 15th or the 16th", report["participants"].clone(), json!(4)),
        ("everyone counted arrives on one day of the report", json!(sum("arrivals")), report["participants"].clone()),
        ("and leaves on one", json!(sum("departures")), report["participants"].clone()),
        ("arrivals on the first day left", days[0]["arrivals"].clone(), json!(4)),
        (
            "roles of those counted",
            report["roles"].clone(),
            json!([{"role": "sprinter", "people": 3}, {"role": "mentor", "people": 1}]),
        ),
    ];
    for (what, got, expected) in cases {
        assert_eq!(got, expected, "{what}");
    }
}
