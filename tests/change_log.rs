//! Every kind of mutation the core offers leaves change records, and the log alone rebuilds the sprint:
//! that is what sync will exchange, so nothing may change without a record.

use sprintdesk_core::domain::{DeviceId, GoalStatus, Role, Sprint, Timestamp};
use sprintdesk_core::store::{Entity, Store};
use sprintdesk_core::{Desk, Error, FixedClock, Lookup, NewAttendee, NewProject, SequentialIds, SignIn};
use std::sync::Arc;

pub fn desk_at(device: &str, clock: Arc<FixedClock>) -> Desk {
    Desk::new(Store::open_in_memory(DeviceId::from(device)).unwrap(), clock, Arc::new(SequentialIds::default()))
}

/// 2026-07-13 10:00 UTC, the first morning of the test sprint.
pub fn morning() -> Timestamp {
    Timestamp(1_783_936_800_000)
}

pub fn test_sprint() -> Sprint {
    Sprint::new("EuroPython sprints", "UTC", "2026-07-13".parse().unwrap(), 2).unwrap()
}

type Mutation = (&'static str, Box<dyn Fn(&mut Desk) -> Result<(), Error>>, &'static [Entity]);

#[test]
fn every_mutation_kind_writes_change_records_and_the_log_replays_to_the_same_sprint() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = desk_at("organizer", clock.clone());
    let who = |name: &str| Lookup::Text(name.into());
    let attendees = "name,email,handle,roles,first_timer,badge\nAna Núñez,ana@example.org,ana,mentor,no,B-1\nBo Chen,,bo,sprinter,yes,B-2\nCy Diallo,,cy,sprinter,no,B-3\n";
    let issues = r#"[{"number": 7, "title": "Docs typo", "labels": [{"name": "good first issue"}], "url": "https://github.com/example/proj/issues/7", "state": "OPEN"},
                     {"number": 8, "title": "Crash", "labels": [], "url": "https://github.com/example/proj/issues/8", "state": "OPEN"}]"#;
    let mutations: Vec<Mutation> = vec![
        ("create the sprint", Box::new(|d| d.create_sprint(test_sprint()).map(drop)), &[Entity::Sprint]),
        (
            "change the sprint's settings",
            Box::new(|d| {
                let mut sprint = d.sprint()?;
                sprint.days[1].is_break = true;
                sprint.venue.wifi = "EuroPython / sprints2026".into();
                d.update_sprint(sprint).map(drop)
            }),
            &[Entity::Sprint],
        ),
        ("import attendees", Box::new(move |d| d.import_attendees(attendees).map(drop)), &[Entity::Attendee]),
        (
            "register a walk-in",
            Box::new(|d| {
                d.add_attendee(NewAttendee {
                    name: "Dee Walk-In".into(),
                    roles: vec![Role::Sprinter],
                    ..NewAttendee::default()
                })
                .map(drop)
            }),
            &[Entity::Attendee],
        ),
        (
            "merge a duplicate",
            Box::new(move |d| d.merge_attendees(&who("Dee Walk-In"), &who("@cy")).map(drop)),
            &[Entity::Attendee],
        ),
        (
            "add a project",
            Box::new(move |d| {
                d.add_project(NewProject {
                    name: "Proj".into(),
                    repo_url: Some("https://github.com/example/proj".into()),
                    table_label: Some("T1".into()),
                    leads: vec!["@ana".into()],
                })
                .map(drop)
            }),
            &[Entity::Project, Entity::Attendee],
        ),
        ("raise help wanted", Box::new(|d| d.set_help_wanted("Proj", true).map(drop)), &[Entity::Project]),
        ("add a goal", Box::new(|d| d.add_goal("Proj", "Ship 1.0", true).map(drop)), &[Entity::Goal]),
        (
            "set a goal's status",
            Box::new(|d| {
                let goal = d.board()?.projects[0].goals[0].id.clone();
                d.set_goal_status(goal.as_str(), GoalStatus::Done).map(drop)
            }),
            &[Entity::Goal],
        ),
        (
            "write today's status",
            Box::new(|d| d.set_status("Proj", "setup", "PRs", "none").map(drop)),
            &[Entity::StatusUpdate],
        ),
        ("import issues", Box::new(move |d| d.import_issues(issues, None).map(drop)), &[Entity::Issue]),
        (
            "sign in (accepting the code of conduct)",
            Box::new(|d| {
                for person in ["@ana", "@bo", "@cy"] {
                    d.sign_in(SignIn {
                        who: Lookup::Text(person.into()),
                        project: Some("T1".into()),
                        accept_code_of_conduct: true,
                        photo_consent: Some(true),
                    })?;
                }
                Ok(())
            }),
            &[Entity::Attendee, Entity::PresenceEvent],
        ),
        ("claim", Box::new(move |d| d.claim("#7", &who("@bo"), Some(&who("@ana"))).map(drop)), &[Entity::ClaimEvent]),
        ("release", Box::new(move |d| d.release("#7", &who("@bo")).map(drop)), &[Entity::ClaimEvent]),
        (
            "resolve",
            Box::new(move |d| {
                d.claim("#8", &who("@cy"), None)?;
                d.resolve("#8", &[who("@cy")]).map(drop)
            }),
            &[Entity::ClaimEvent],
        ),
        (
            "mark a PR opened",
            Box::new(move |d| d.mark_pr_opened("#8", Some(&who("@cy"))).map(drop)),
            &[Entity::ClaimEvent],
        ),
        ("mark merged", Box::new(|d| d.mark_merged("#8").map(drop)), &[Entity::ClaimEvent]),
        ("sign out", Box::new(move |d| d.sign_out(&who("@bo")).map(drop)), &[Entity::PresenceEvent]),
    ];

    for (name, mutate, entities) in &mutations {
        let before = desk.store().change_count().unwrap();
        clock.advance_minutes(1);
        mutate(&mut desk).unwrap_or_else(|e| panic!("{name}: {e}"));
        let changes = desk.store().changes().unwrap();
        let new: Vec<_> = changes.iter().filter(|c| c.seq > before).collect();
        assert!(!new.is_empty(), "{name} wrote no change record");
        let kinds: std::collections::BTreeSet<Entity> = new.iter().map(|c| c.entity).collect();
        let expected: std::collections::BTreeSet<Entity> = entities.iter().copied().collect();
        assert_eq!(kinds, expected, "{name} wrote records about the wrong things");
    }

    // The log alone rebuilds exactly the same sprint on another device.
    let mut replica = Store::open_in_memory(DeviceId::from("kiosk")).unwrap();
    let log = desk.store().changes().unwrap();
    replica.apply(&log, morning()).unwrap();
    assert_eq!(replica.digest().unwrap(), desk.store().digest().unwrap());
    let seqs: Vec<u64> = log.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=log.len() as u64).collect::<Vec<_>>(), "gap-free");
}

#[test]
fn a_refused_use_case_writes_nothing() {
    let clock = Arc::new(FixedClock::new(morning()));
    let mut desk = desk_at("organizer", clock);
    desk.create_sprint(test_sprint()).unwrap();
    desk.import_attendees("name,badge\nAna,B-1\n").unwrap();
    let before = desk.store().change_count().unwrap();
    let refusals: Vec<Result<(), Error>> = vec![
        desk.import_attendees("name,email\nBo,not-an-email\n").map(drop),
        desk.sign_in(SignIn {
            who: Lookup::Badge("B-1".into()),
            project: None,
            accept_code_of_conduct: false,
            photo_consent: None,
        })
        .map(drop),
        desk.sign_in(SignIn {
            who: Lookup::Badge("B-1".into()),
            project: Some("Nowhere".into()),
            accept_code_of_conduct: true,
            photo_consent: None,
        })
        .map(drop),
        desk.add_project(NewProject { name: " ".into(), ..NewProject::default() }).map(drop),
        desk.claim("#1", &Lookup::Text("Ana".into()), None).map(drop),
        desk.create_sprint(test_sprint()).map(drop),
    ];
    for result in refusals {
        assert!(result.is_err());
    }
    assert_eq!(desk.store().change_count().unwrap(), before);
}
