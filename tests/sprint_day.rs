//! Whole stretches of a sprint played through the core on a clock the test moves, across devices.

use crate::change_log::{desk_at, morning, new_test_sprint};
use sprintdesk_core::domain::{ClaimState, Clock, IssueState, Timestamp};
use sprintdesk_core::store::Store;
use sprintdesk_core::{
    Claim, Desk, Error, FixedClock, ImportFile, IssuesQuery, Merge, NewAttendee, NewProject, PersonQuery, PrOpened,
    RecordRef, Release, Resolve, Search, SequentialIds, SignIn, SprintSettings, UndoImport, UndoToken,
};
use std::sync::Arc;

fn sign_in(desk: &mut Desk, who: &str) {
    desk.sign_in(SignIn {
        attendee: who.into(),
        project: Some("T1".into()),
        accept_code_of_conduct: true,
        photo_consent: None,
        proof: None,
    })
    .unwrap_or_else(|e| panic!("{who}: {e}"));
}

fn set_up(clock: Arc<FixedClock>) -> Desk {
    let mut desk = desk_at("organizer", clock);
    desk.create_sprint(new_test_sprint()).unwrap();
    desk.import_attendees(ImportFile {
        text: "name,handle,roles,first_timer\nAna,ana,mentor,no\nBo,bo,sprinter,no\nCy,cy,sprinter,no\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    desk.add_project(NewProject { name: "Proj".into(), table_label: Some("T1".into()), ..NewProject::default() })
        .unwrap();
    desk.import_issues(ImportFile {
        text: "title,url,labels\nCrash on start,https://example.org/p/issues/1,bug\n".into(),
        project: Some("Proj".into()),
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    for who in ["@ana", "@bo", "@cy"] {
        sign_in(&mut desk, who);
    }
    desk
}

/// Copies everything `from` holds that `to` lacks: a full sync, done the simple way.
fn sync(from: &Desk, to: &mut Desk) {
    to.apply_remote(&from.store().changes().unwrap()).unwrap();
}

#[test]
fn two_offline_claims_become_contested_on_both_devices_until_a_lead_pairs_them() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    let mut kiosk = desk_at("lead-laptop", clock.clone());
    sync(&desk, &mut kiosk);

    // The Wi-Fi is down: each device sees a free issue and records a claim.
    clock.advance_minutes(5);
    desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    kiosk.claim(Claim { issue: "#1".into(), attendee: "@cy".into(), mentor: None }).unwrap();
    // Back online.
    sync(&kiosk, &mut desk);
    sync(&desk, &mut kiosk);
    for device in [&mut desk, &mut kiosk] {
        let issue = &device.issues(IssuesQuery::default()).unwrap()[0];
        assert!(issue.contested, "contested on every device");
        assert_eq!(issue.holders.len(), 2, "neither claim was dropped");
    }
    let (code, message) = match desk.claim(Claim { issue: "#1".into(), attendee: "@ana".into(), mentor: None }) {
        Err(e) => (e.code(), e.to_string()),
        Ok(_) => panic!("a third claim on a held issue is refused"),
    };
    assert_eq!(code, sprintdesk_core::ErrorCode::ClaimRefused, "{message}");

    clock.advance_minutes(5);
    kiosk.resolve(Resolve { issue: "#1".into(), keep: vec!["@bo".into(), "@cy".into()] }).unwrap();
    sync(&kiosk, &mut desk);
    let issue = &desk.issues(IssuesQuery::default()).unwrap()[0];
    assert!(!issue.contested, "paired by the lead");
    assert_eq!(issue.holders.iter().filter(|h| h.state == ClaimState::Active).count(), 2);
    assert_eq!(desk.store().digest().unwrap(), kiosk.store().digest().unwrap());
    // Settled already: another lead's decision is refused in words, and changes nothing.
    let refused = desk.resolve(Resolve { issue: "#1".into(), keep: vec!["@bo".into()] }).unwrap_err().to_string();
    assert!(refused.contains("is not contested any more") && refused.contains("Bo and Cy hold it"), "{refused}");
    assert_eq!(desk.store().digest().unwrap(), kiosk.store().digest().unwrap());
}

/// A first-timer holds one issue at a time; with the Wi-Fi down, the desk and a lead's laptop each let her
/// claim a different beginner issue, and once they synced she held two, with nothing said. Each issue's
/// row now names the other, on both devices, and stops saying so once she lets one go.
#[test]
fn a_first_timer_with_two_offline_claims_is_flagged_until_one_is_let_go() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    desk.import_attendees(ImportFile {
        text: "name,handle,first_timer\nFern,fern,yes\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    desk.import_issues(ImportFile {
        text: "title,url,labels\nTypo in docs,https://example.org/p/issues/2,good first issue\n\
               Add a test,https://example.org/p/issues/3,good first issue\n"
            .into(),
        project: Some("Proj".into()),
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    sign_in(&mut desk, "@fern");
    let mut laptop = desk_at("lead-laptop", clock.clone());
    sync(&desk, &mut laptop);
    clock.advance_minutes(5);
    desk.claim(Claim { issue: "#2".into(), attendee: "@fern".into(), mentor: Some("@ana".into()) }).unwrap();
    laptop.claim(Claim { issue: "#3".into(), attendee: "@fern".into(), mentor: Some("@ana".into()) }).unwrap();
    // On one device, before they sync, the rule holds: a second claim is refused.
    let refused = desk.claim(Claim { issue: "#3".into(), attendee: "@fern".into(), mentor: Some("@ana".into()) });
    assert!(refused.is_err(), "one at a time on one device");
    sync(&laptop, &mut desk);
    sync(&desk, &mut laptop);
    let flags = |device: &mut Desk| -> Vec<(Option<u32>, Vec<String>)> {
        let issues = device.issues(IssuesQuery::default()).unwrap();
        let mut held: Vec<(Option<u32>, Vec<String>)> = issues
            .iter()
            .flat_map(|i| {
                i.holders.iter().filter(|h| h.person.name == "Fern").map(|h| (i.number, h.also_holds.clone()))
            })
            .collect();
        held.sort();
        held
    };
    let both = vec![(Some(2), vec!["#3 (Add a test)".to_owned()]), (Some(3), vec!["#2 (Typo in docs)".to_owned()])];
    assert_eq!(flags(&mut desk), both);
    assert_eq!(flags(&mut laptop), both);
    // Someone who is no first-timer holding two is no one's concern here.
    desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    let bo = desk.issues(IssuesQuery::default()).unwrap();
    assert!(bo.iter().flat_map(|i| &i.holders).filter(|h| h.person.name == "Bo").all(|h| h.also_holds.is_empty()));
    // The lead lets one go: the flag is gone on both devices.
    clock.advance_minutes(1);
    laptop.release(Release { issue: "#3".into(), attendee: "@fern".into() }).unwrap();
    sync(&laptop, &mut desk);
    assert_eq!(flags(&mut desk), vec![(Some(2), Vec::new())]);
    assert_eq!(flags(&mut laptop), vec![(Some(2), Vec::new())]);
}

#[test]
fn signing_out_releases_a_claim_and_a_merged_duplicate_counts_once() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    clock.advance_minutes(30);
    desk.sign_out(PersonQuery { attendee: "@bo".into() }).unwrap();
    assert!(desk.issues(IssuesQuery::default()).unwrap()[0].holders.is_empty(), "released at sign-out");

    // Bo registered again at the kiosk as a walk-in; the organizer merges the two records.
    let walk_in =
        desk.add_attendee(sprintdesk_core::NewAttendee { name: "Bo (again)".into(), ..Default::default() }).unwrap();
    sign_in(&mut desk, walk_in.id.as_str());
    desk.merge_attendees(Merge { duplicate: walk_in.id.to_string(), survivor: "@bo".into() }).unwrap();
    let presence = desk.presence().unwrap();
    assert_eq!(presence.today_count, 3, "Bo counts once");
    assert!(presence.tables[0].people.iter().any(|p| p.name == "Bo"), "present under the surviving record");
    assert!(
        desk.search(Search { query: "again".into(), limit: Some(10) }).unwrap().is_empty(),
        "the duplicate leaves search"
    );
}

#[test]
fn a_new_code_of_conduct_version_is_asked_for_again() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    desk.sign_out(PersonQuery { attendee: "@ana".into() }).unwrap();
    let mut sprint = desk.sprint().unwrap();
    sprint.code_of_conduct.text.push_str(" Masks are welcome.");
    assert!(
        matches!(desk.update_sprint(SprintSettings { sprint: sprint.clone(), pin: None }), Err(Error::Invalid(_))),
        "a new text needs a new version"
    );
    sprint.code_of_conduct.version = 2;
    desk.update_sprint(SprintSettings { sprint, pin: None }).unwrap();
    let refused = desk.sign_in(SignIn {
        attendee: "@ana".into(),
        project: None,
        accept_code_of_conduct: false,
        photo_consent: None,
        proof: None,
    });
    assert!(matches!(&refused, Err(Error::ConsentNeeded(m)) if m.contains("it has changed")), "{refused:?}");
    sign_in(&mut desk, "@ana");
}

#[test]
fn search_sees_changes_made_by_another_process_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sprint.db");
    let clock = Arc::new(FixedClock::new(morning()));
    let ids = Arc::new(SequentialIds::default());
    let mut kiosk = Desk::new(Store::open(&path, "kiosk".into()).unwrap(), clock.clone(), ids.clone());
    kiosk.create_sprint(new_test_sprint()).unwrap();
    assert!(kiosk.search(Search { query: "ana".into(), limit: Some(5) }).unwrap().is_empty());
    // The organizer's CLI writes to the same database file.
    let mut cli = Desk::new(Store::open(&path, "kiosk".into()).unwrap(), clock, ids);
    cli.import_attendees(ImportFile {
        text: "name\nAna Núñez\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    assert_eq!(kiosk.search(Search { query: "ana".into(), limit: Some(5) }).unwrap()[0].name, "Ana Núñez");
}

#[test]
fn the_demo_never_stamps_the_future_whatever_the_hour() {
    // A device joining refuses records stamped over an hour in its future, and the demo used to stamp up
    // to three hours ahead depending on the hour it ran.
    for hour in [0, 11, 23] {
        let now = Timestamp(morning().0 - 10 * 3_600_000 + hour * 3_600_000);
        let store = Store::open_in_memory("organizer".into()).unwrap();
        let ids = Arc::new(SequentialIds::default());
        let store = sprintdesk_core::demo(store, "demo-kiosk".into(), ids, now, "UTC").unwrap();
        let latest = store.changes().unwrap().iter().map(|c| c.hlc.millis()).max().unwrap();
        assert!(latest <= now.0 as u64, "at {hour}:00 the demo stamped {} ms in the future", latest - now.0 as u64);
    }
}

#[test]
fn a_walk_in_whose_name_is_on_the_list_is_asked_before_a_second_record_is_made() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = desk_at("kiosk", clock);
    desk.create_sprint(new_test_sprint()).unwrap();
    desk.import_attendees(ImportFile {
        text: "name,handle\nŁukasz Wiśniewski,lwis\nAna Lima,\n".into(),
        project: None,
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    })
    .unwrap();
    let walk_in = |name: &str, someone_else: bool| sprintdesk_core::WalkIn {
        name: name.into(),
        accept_code_of_conduct: true,
        someone_else,
        ..sprintdesk_core::WalkIn::default()
    };
    let people = |desk: &mut Desk| desk.attendees().unwrap().len();
    let here = |desk: &mut Desk| desk.presence().unwrap().here_now;
    // (typed at the door, says they are someone else, registered?)
    let cases = [
        ("Lukasz Wisniewski", false, false),
        ("  lukasz   WIŚNIEWSKI ", false, false),
        ("ana lima", false, false),
        // One or two typing mistakes from a name on the list are asked about too.
        ("Lukasz Wisniewsky", false, false),
        ("Łukasz Wiśnievski", false, false),
        ("Ana Lma", false, false),
        ("Ana Limas", false, false),
        ("Ana Lima Santos", false, true),
        ("Lukasz W.", false, true),
        ("Lukasz Wisniewski", true, true),
    ];
    for (typed, someone_else, registered) in cases {
        let (before, here_before) = (people(&mut desk), here(&mut desk));
        match desk.register_walk_in(walk_in(typed, someone_else)) {
            Ok(outcome) => assert!(registered, "{typed:?} was registered as {}", outcome.person.name),
            Err(error) => {
                assert!(!registered, "{typed:?}: {error}");
                assert_eq!(error.code(), sprintdesk_core::ErrorCode::Ambiguous, "{typed:?}");
                assert!(error.to_string().contains("is already on the list"), "{error}");
                assert_eq!((people(&mut desk), here(&mut desk)), (before, here_before), "{typed:?} changed nothing");
            }
        }
    }
}

#[test]
fn the_boards_count_of_open_issues_follows_merges_made_at_the_sprint() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock);
    desk.import_issues(ImportFile {
        text: "title,url,labels\nTypo in docs,https://example.org/p/issues/2,good first issue\nOld one,https://example.org/p/issues/3,bug\n".into(),
        project: Some("Proj".into()), leave_out_bad_rows: false, file_name: None,
        another_event: None,
    })
    .unwrap();
    let counts = |desk: &mut Desk| {
        let board = desk.board().unwrap();
        let proj = board.projects.iter().find(|p| p.project.name == "Proj").unwrap();
        (proj.open_issues, proj.beginner_issues)
    };
    assert_eq!(counts(&mut desk), (3, 1));
    desk.claim(Claim { issue: "#2".into(), attendee: "@ana".into(), mentor: None }).unwrap();
    desk.mark_pr_opened(sprintdesk_core::PrOpened { issue: "#2".into(), attendee: Some("@ana".into()) }).unwrap();
    assert_eq!(counts(&mut desk), (3, 1), "a pull request open leaves it open");
    desk.mark_merged(sprintdesk_core::IssueRef { issue: "#2".into() }).unwrap();
    assert_eq!(counts(&mut desk), (2, 0), "merged: neither open nor for beginners any more");
}

#[test]
fn a_lead_takes_back_a_release_a_pr_and_a_merge_within_seconds_and_every_device_agrees() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    let mut laptop = desk_at("lead-laptop", clock.clone());
    let issue = |desk: &mut Desk| desk.issues(IssuesQuery::default()).unwrap().remove(0);
    let states = |desk: &mut Desk| {
        let issue = issue(desk);
        (issue.state, issue.holders.iter().map(|h| (h.person.name.clone(), h.state)).collect::<Vec<_>>())
    };
    let undo = |desk: &mut Desk, token: Option<String>| desk.undo(UndoToken { token: token.unwrap() });
    let one = || sprintdesk_core::IssueRef { issue: "#1".into() };
    desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    let held = states(&mut desk);
    assert_eq!(held.1, [("Bo".to_owned(), ClaimState::Active)]);

    // (what the lead did by mistake, then took back: the issue as it was before)
    clock.advance_minutes(1);
    let done = desk.release(Release { issue: "#1".into(), attendee: "@bo".into() }).unwrap();
    assert_eq!(done.done, "Bo let go of #1 (Crash on start)");
    assert_eq!(undo(&mut desk, done.undo).unwrap(), "Bo holds #1 (Crash on start) again");
    assert_eq!(states(&mut desk), held, "the release undone: Bo holds it again");

    clock.advance_minutes(1);
    let pr = desk.mark_pr_opened(PrOpened { issue: "#1".into(), attendee: Some("@bo".into()) }).unwrap();
    let pr_open = states(&mut desk);
    assert_eq!(pr_open.0, IssueState::PrOpen);
    let merged = desk.mark_merged(one()).unwrap();
    assert_eq!(states(&mut desk).0, IssueState::Merged);
    // What the undo says is what holds after it (it once said "#1 (Crash on start) is merged").
    assert_eq!(undo(&mut desk, merged.undo).unwrap(), "#1 (Crash on start) is not marked merged");
    assert_eq!(states(&mut desk), pr_open, "the merge undone: the PR is open again");
    assert_eq!(undo(&mut desk, pr.undo).unwrap(), "#1 (Crash on start) has no pull request open");
    assert_eq!(states(&mut desk), held, "the PR undone too");

    // Twice is refused in words, and so is too late: 15 seconds, as at the kiosk.
    let again = desk.mark_merged(one()).unwrap();
    let token = again.undo.clone();
    undo(&mut desk, token.clone()).unwrap();
    let error = undo(&mut desk, token).unwrap_err();
    assert!(error.to_string().contains("undone already"), "{error}");
    let merged = desk.mark_merged(one()).unwrap();
    clock.set(clock.now().plus_seconds(16));
    let error = undo(&mut desk, merged.undo).unwrap_err();
    assert!(error.to_string().contains("too late to undo"), "{error}");
    assert_eq!(states(&mut desk).0, IssueState::Merged);

    // The undos sync like any record: another device sees the same issue.
    sync(&desk, &mut laptop);
    assert_eq!(issue(&mut laptop), issue(&mut desk));
    assert_eq!(laptop.digest().unwrap(), desk.digest().unwrap());
}

#[test]
fn undoing_a_claim_a_later_step_builds_on_is_refused_until_that_step_is_undone() {
    // A lead claims #1 for Bo, marks Bo's PR opened, then presses the claim's Undo (its toast still up).
    // Taking the claim back from under the PR would leave "a PR is open; no one holds it", with no way left
    // to name who opened it.
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    let undo = |desk: &mut Desk, token: Option<String>| desk.undo(UndoToken { token: token.unwrap() });
    let holders = |desk: &mut Desk| {
        let issue = desk.issues(IssuesQuery::default()).unwrap().remove(0);
        (issue.state, issue.holders.iter().map(|h| (h.person.name.clone(), h.state)).collect::<Vec<_>>())
    };
    let claimed = desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    let pr = desk.mark_pr_opened(PrOpened { issue: "#1".into(), attendee: Some("@bo".into()) }).unwrap();
    let before = holders(&mut desk);
    assert_eq!(before.0, IssueState::PrOpen);
    let error = undo(&mut desk, claimed.undo.clone()).unwrap_err();
    assert!(error.to_string().contains("too late to undo that: a later step on issue #1 builds on it"), "{error}");
    assert_eq!(holders(&mut desk), before, "nothing changed");
    // Step by step, it goes: the PR, then the claim.
    undo(&mut desk, pr.undo).unwrap();
    undo(&mut desk, claimed.undo).unwrap();
    assert_eq!(holders(&mut desk), (IssueState::Open, vec![]), "back to as it was");
    // A release someone else's claim came after (it could be made because the issue was let go) stays.
    desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    let released = desk.release(Release { issue: "#1".into(), attendee: "@bo".into() }).unwrap();
    desk.claim(Claim { issue: "#1".into(), attendee: "@ana".into(), mentor: None }).unwrap();
    let error = undo(&mut desk, released.undo).unwrap_err();
    assert!(error.to_string().contains("a later step on issue #1 builds on it; undo that step first"), "{error}");
    let names: Vec<String> = holders(&mut desk).1.into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["Ana"], "one holder, not a contest made by the undo");
}

#[test]
fn the_board_lists_tables_as_people_read_their_labels() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock);
    for (name, table) in [("Jupyter", "T10"), ("Django", "T2"), ("PyPy", "by the window")] {
        desk.add_project(NewProject { name: name.into(), table_label: Some(table.into()), ..NewProject::default() })
            .unwrap();
    }
    desk.add_project(NewProject { name: "Unseated".into(), ..NewProject::default() }).unwrap();
    let order: Vec<String> = desk.board().unwrap().projects.iter().map(|p| p.project.name.clone()).collect();
    assert_eq!(order, ["PyPy", "Proj", "Django", "Jupyter", "Unseated"], "T1, T2, T10; no table last");
}

#[test]
fn two_leads_writing_one_days_status_keep_each_others_parts() {
    use sprintdesk_core::domain::StatusUpdate;
    use sprintdesk_core::{DailyStatus, StatusText};
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    let mut laptop = desk_at("lead-laptop", clock.clone());
    sync(&desk, &mut laptop);
    let status = |device: &Desk| {
        let all = device.store().all::<StatusUpdate>().unwrap();
        assert_eq!(all.len(), 1, "one status for the day");
        (all[0].done.clone(), all[0].next.clone(), all[0].blockers.clone())
    };
    let text = |done: &str, next: &str, blockers: &str| (done.to_owned(), next.to_owned(), blockers.to_owned());

    // Offline, the laptop writes the day's first status (blockers only); later the desk writes its own first
    // one (done only). The desk's empty blockers, written later, won and the table's blocker was gone.
    clock.advance_minutes(5);
    laptop
        .set_status(DailyStatus {
            project: "Proj".into(),
            blockers: Some("CI runners down".into()),
            ..DailyStatus::default()
        })
        .unwrap();
    clock.advance_minutes(1);
    desk.set_status(DailyStatus {
        project: "Proj".into(),
        done: Some("Merged 2 PRs".into()),
        ..DailyStatus::default()
    })
    .unwrap();
    sync(&laptop, &mut desk);
    sync(&desk, &mut laptop);
    for device in [&desk, &laptop] {
        assert_eq!(status(device), text("Merged 2 PRs", "", "CI runners down"));
    }

    // Each case: what the other lead saves, what this lead's form showed when they began, what they save;
    // then the day's status on both devices.
    let cases = [
        (
            "the other lead's new Done stays when this one changes only Next",
            text("Merged 3 PRs", "", "CI runners down"),
            text("Merged 2 PRs", "", "CI runners down"),
            text("Merged 2 PRs", "Review the async ORM PR", "CI runners down"),
            text("Merged 3 PRs", "Review the async ORM PR", "CI runners down"),
        ),
        (
            "a part both changed: the later save wins",
            text("Merged 4 PRs", "Review the async ORM PR", "CI runners down"),
            text("Merged 3 PRs", "Review the async ORM PR", "CI runners down"),
            text("Merged 5 PRs", "Review the async ORM PR", "CI runners down"),
            text("Merged 5 PRs", "Review the async ORM PR", "CI runners down"),
        ),
        (
            "clearing a part on purpose clears it",
            text("Merged 5 PRs", "Docs", "CI runners down"),
            text("Merged 5 PRs", "Review the async ORM PR", "CI runners down"),
            text("Merged 5 PRs", "Review the async ORM PR", ""),
            text("Merged 5 PRs", "Docs", ""),
        ),
    ];
    for (case, other, shown, saved, expected) in cases {
        clock.advance_minutes(1);
        let (done, next, blockers) = other;
        let (done, next, blockers) = (Some(done), Some(next), Some(blockers));
        desk.set_status(DailyStatus { project: "Proj".into(), done, next, blockers, from: None }).unwrap();
        sync(&desk, &mut laptop);
        clock.advance_minutes(1);
        let from = StatusText { done: Some(shown.0), next: Some(shown.1), blockers: Some(shown.2) };
        let (done, next, blockers) = (Some(saved.0), Some(saved.1), Some(saved.2));
        laptop.set_status(DailyStatus { project: "Proj".into(), done, next, blockers, from: Some(from) }).unwrap();
        sync(&laptop, &mut desk);
        for device in [&desk, &laptop] {
            assert_eq!(status(device), expected, "{case}");
        }
    }
}

#[test]
fn re_importing_issues_closed_on_the_forge_says_how_many_claims_it_released() {
    // The import said "1 updated", and Bo's claim was gone without a word.
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = set_up(clock.clone());
    desk.claim(Claim { issue: "#1".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    let file = |state: &str| ImportFile {
        text: format!(
            r#"[{{"number": 1, "title": "Crash on start", "labels": [], "url": "https://example.org/p/issues/1", "state": "{state}"}}]"#
        ),
        project: Some("Proj".into()),
        leave_out_bad_rows: false,
        file_name: None,
        another_event: None,
    };
    let again = desk.import_issues(file("OPEN")).unwrap();
    assert_eq!((again.updated, again.claims_released), (1, 0), "{again:?}");
    let closed = desk.import_issues(file("CLOSED")).unwrap();
    assert_eq!((closed.updated, closed.claims_released), (1, 1), "{closed:?}");
    let issue = &desk.issues(IssuesQuery::default()).unwrap()[0];
    assert!(issue.holders.iter().all(|h| !h.state.is_open()), "released");
    let once_more = desk.import_issues(file("CLOSED")).unwrap();
    assert_eq!((once_more.unchanged, once_more.claims_released), (1, 0), "nothing more to release");
}

/// A kiosk that had not synced signed in a person an organizer then removed by taking back the import that
/// had added them: the sign-in came to nothing on every device, unsaid (the door could not find them to
/// sign them out either). The organizer's Review now lists them, and restoring them brings the sign-in back.
#[test]
fn a_person_signed_in_at_a_kiosk_not_yet_synced_when_their_import_was_taken_back_is_listed_to_restore() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut organizer = desk_at("organizer", clock.clone());
    organizer.create_sprint(new_test_sprint()).unwrap();
    organizer
        .import_attendees(ImportFile {
            text: "name,handle\nBo Chen,bo\nAna Lima,ana\n".into(),
            project: None,
            leave_out_bad_rows: false,
            file_name: Some("wrong.csv".into()),
            another_event: None,
        })
        .unwrap();
    organizer
        .add_project(NewProject { name: "Proj".into(), table_label: Some("T1".into()), ..NewProject::default() })
        .unwrap();
    let mut kiosk = desk_at("kiosk", clock.clone());
    sync(&organizer, &mut kiosk);
    // Apart: Bo signs in at the door as the organizer takes the file back.
    clock.advance_minutes(1);
    sign_in(&mut kiosk, "@bo");
    clock.advance_minutes(1);
    let id = organizer.imports().unwrap()[0].id.clone();
    let undone = organizer.undo_import(UndoImport::new(id)).unwrap();
    assert_eq!(undone.removed, 2, "the organizer did not know of the sign-in");
    sync(&kiosk, &mut organizer);
    sync(&organizer, &mut kiosk);
    for desk in [&mut organizer, &mut kiosk] {
        assert_eq!(desk.presence().unwrap().here_now, 0, "a deleted person is here nowhere");
    }
    let review = organizer.review().unwrap();
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(review[0].label, "Bo Chen (signed in)");
    assert!(review[0].edited_at < review[0].deleted_at, "signed in before the deletion, unseen by it");
    organizer.restore(RecordRef { kind: review[0].kind.clone(), id: review[0].id.clone() }).unwrap();
    sync(&organizer, &mut kiosk);
    for desk in [&mut organizer, &mut kiosk] {
        assert_eq!(desk.presence().unwrap().here_now, 1, "restored, Bo is here again");
    }
    assert!(organizer.review().unwrap().is_empty());
    // Someone the organizer deletes knowingly, hours after they signed in, is not listed: Review has no
    // "keep deleted", and the item would stay for good.
    let cy = organizer
        .add_attendee(NewAttendee { name: "Cy Later".into(), roles: vec![], ..NewAttendee::default() })
        .unwrap();
    sign_in(&mut organizer, cy.id.as_str());
    clock.advance_minutes(120);
    organizer.delete(RecordRef { kind: "attendee".into(), id: cy.id.to_string() }).unwrap();
    assert!(organizer.review().unwrap().is_empty(), "{:?}", organizer.review().unwrap());
}

/// The same for an issue a lead claimed on a laptop not yet synced as the organizer took its import back.
#[test]
fn an_issue_claimed_apart_when_its_import_was_taken_back_is_listed_to_restore() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut organizer = set_up(clock.clone());
    organizer
        .import_issues(ImportFile {
            text: "title,url,labels\nWrong repository's issue,https://example.org/p/issues/2,bug\n".into(),
            project: Some("Proj".into()),
            leave_out_bad_rows: false,
            file_name: None,
            another_event: None,
        })
        .unwrap();
    let mut lead = desk_at("lead-laptop", clock.clone());
    sync(&organizer, &mut lead);
    clock.advance_minutes(1);
    lead.claim(Claim { issue: "#2".into(), attendee: "@bo".into(), mentor: None }).unwrap();
    clock.advance_minutes(1);
    let id = organizer.imports().unwrap()[0].id.clone();
    assert_eq!(organizer.undo_import(UndoImport::new(id)).unwrap().removed, 1);
    sync(&lead, &mut organizer);
    let review = organizer.review().unwrap();
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(review[0].label, "Wrong repository's issue (claimed)");
    organizer.restore(RecordRef { kind: review[0].kind.clone(), id: review[0].id.clone() }).unwrap();
    let board = organizer.issues(IssuesQuery { project: None }).unwrap();
    let restored = board.iter().find(|i| i.title == "Wrong repository's issue").expect("restored");
    assert_eq!(restored.holders.len(), 1, "with Bo's claim");
}
