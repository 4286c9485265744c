//! A believable three-day sprint, played through the real use cases on a clock the demo moves: yesterday
//! was day one, today is day two (up to now), tomorrow is day three. People sign in, claim issues, open
//! and merge PRs, leads write their status; one issue is claimed by two people on two devices that were
//! offline at the time, and so is contested.

use crate::{
    Claim, Clock, DailyStatus, Desk, Error, FixedClock, GoalProgress, HelpWanted, Ids, ImportFile, IssueRef,
    IssuesQuery, NewGoal, NewProject, PersonQuery, PrOpened, SignIn,
};
use chrono::{Duration, NaiveTime, Timelike};
use sprintdesk_domain::{Device, DeviceId, DeviceRole, GoalStatus, Role, Sprint, Timestamp, Venue};
use sprintdesk_store::{Op, Store};
use std::fmt::Write;
use std::sync::Arc;

mod cast;

use cast::PROJECTS;
pub use cast::international_name;

/// A tiny deterministic generator, so the demo is the same sprint every time.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % sides.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.roll(100) < percent
    }
}

/// Plays the demo sprint into `store` (which must hold no sprint yet) and returns it. `offline_device` is
/// the id of the second device whose claim makes the contested issue; `now` is the real time.
pub fn play(
    store: Store,
    offline_device: DeviceId,
    ids: Arc<dyn Ids>,
    now: Timestamp,
    time_zone: &str,
) -> Result<Store, Error> {
    let clock = Arc::new(DemoClock { set: FixedClock::new(now), now });
    let mut desk = Desk::new(store, clock.clone(), ids.clone());

    let today = {
        let probe = Sprint::new("probe", time_zone, chrono::NaiveDate::default(), 1)?;
        probe.local_date(now)
    };
    let day_one = today - Duration::days(1);
    let mut sprint = Sprint::new("PySprints 2026 — demo", time_zone, day_one, 3)?;
    // Keep today's hours around the current time, so the demo shows people in the room whenever it runs.
    let minutes_now = i64::from(sprint.local_time(now).num_seconds_from_midnight() / 60);
    let opens = (9 * 60).min(minutes_now - 180).max(0);
    let closes = (18 * 60).max(minutes_now + 180).min(23 * 60 + 59).max(opens + 1);
    let time =
        |minutes: i64| NaiveTime::from_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, 0).unwrap_or_default();
    sprint.days[1].opens = time(opens);
    sprint.days[1].closes = time(closes);
    sprint.venue = Venue {
        address: "Community Hall, 12 Harbour Street, level 2".into(),
        wifi: "Network PySprints, password on the badge; wired ports at every table".into(),
        food: "Coffee all day; lunch 12:30 in the foyer (vegan and gluten-free marked)".into(),
        house_rules: "Badges visible; quiet room on level 3; doors close at the end of the day".into(),
    };
    let opens_day_one = sprint.opens_at(day_one).unwrap_or(now);
    clock.set(opens_day_one.plus_minutes(-60));
    desk.put_new_sprint(sprint.clone())?;

    // People, from a plain CSV export.
    let mut dice = Dice(2026);
    let mut csv = String::from("name,email,handle,roles,first_timer,badge\n");
    let mut people: Vec<(String, Role, bool)> = Vec::new();
    for n in 0..150usize {
        let name = international_name(n);
        let role = match n {
            0..=13 => Role::TableLead,
            14..=25 => Role::Mentor,
            26..=27 => Role::Organizer,
            _ => Role::Sprinter,
        };
        let first_timer = role == Role::Sprinter && dice.chance(30);
        let ascii: String = sprintdesk_domain::search::words(&name).join(".");
        let handle = if dice.chance(65) { ascii.replace('.', "-") } else { String::new() };
        let roles = match role {
            Role::TableLead => "table lead;mentor",
            Role::Mentor => "mentor",
            Role::Organizer => "organizer",
            Role::Sprinter => "sprinter",
        };
        let _ = writeln!(
            csv,
            "\"{name}\",{ascii}{n}@example.org,{handle},{roles},{},DEMO-{:05}",
            if first_timer { "yes" } else { "no" },
            10_007 * (n + 1) % 99_991
        );
        people.push((name, role, first_timer));
    }
    desk.import_attendees(ImportFile {
        text: csv,
        project: None,
        leave_out_bad_rows: false,
        file_name: Some("the demo's attendees".into()),
        another_event: None,
    })?;
    let everyone = desk.attendees()?;
    let id_of = |name: &str| everyone.iter().find(|a| a.name == name).map(|a| a.id.to_string()).unwrap_or_default();
    let ids_by_index: Vec<String> = people.iter().map(|(name, _, _)| id_of(name)).collect();

    // Projects, their leads (people 0..=13, roughly two per table), goals and issues.
    let mut issue_csv = String::from("project,number,title,url,labels\n");
    let mut goals = Vec::new();
    for (p, project) in PROJECTS.iter().enumerate() {
        let leads: Vec<String> = [p, p + 8].iter().filter(|&&i| i <= 13).map(|&i| ids_by_index[i].clone()).collect();
        desk.add_project(NewProject {
            name: project.name.into(),
            repo_url: Some(project.repo.into()),
            table_label: Some(project.table.into()),
            leads,
        })?;
        for (title, beginner) in project.goals {
            goals.push(desk.add_goal(NewGoal {
                project: project.name.into(),
                title: (*title).into(),
                beginner_friendly: *beginner,
            })?);
        }
        for (number, title, beginner) in project.issues {
            let labels = if *beginner { "good first issue;docs" } else { "type-bug" };
            let _ = writeln!(
                issue_csv,
                "{},{number},\"{title}\",{}/issues/{number},\"{labels}\"",
                project.name, project.repo
            );
        }
    }
    desk.import_issues(ImportFile {
        text: issue_csv,
        project: None,
        leave_out_bad_rows: false,
        file_name: Some("the demo's issues".into()),
        another_event: None,
    })?;

    // Everyone's table: leads at their own, the rest spread over the room.
    let table_of = |n: usize| -> &'static str {
        match n {
            0..=7 => PROJECTS[n].name,
            8..=13 => PROJECTS[n - 8].name,
            // Not n % 8: first names repeat every 40 people, and a table of namesakes looks fake.
            _ => PROJECTS[(n * 7 / 3) % PROJECTS.len()].name,
        }
    };

    // Day one, from opening to closing.
    clock.set(opens_day_one);
    for (n, id) in ids_by_index.iter().enumerate() {
        if n > 13 && !dice.chance(72) {
            continue;
        }
        clock.advance_minutes(1);
        desk.sign_in(SignIn {
            attendee: id.clone(),
            project: Some(table_of(n).into()),
            accept_code_of_conduct: true,
            photo_consent: Some(dice.chance(85)),
            proof: None,
        })?;
    }
    run_claims(&mut desk, &clock, &mut dice, &ids_by_index, &people, table_of, 3)?;
    for (p, project) in PROJECTS.iter().enumerate() {
        clock.advance_minutes(2);
        desk.set_status(DailyStatus {
            project: project.name.into(),
            done: Some(
                ["Set up dev environments for everyone", "Triaged the backlog", "Paired newcomers with mentors"][p % 3]
                    .into(),
            ),
            next: Some("Get the first PRs reviewed".into()),
            blockers: Some(if p % 3 == 1 { "CI runners are slow on the venue network" } else { "" }.into()),
            from: None,
        })?;
    }
    let mut goal_dice = Dice(7);
    for goal in &goals {
        if goal_dice.chance(60) {
            desk.set_goal_status(GoalProgress { goal: goal.id.to_string(), status: GoalStatus::InProgress })?;
        }
    }
    clock.set(sprint.closes_at(day_one).unwrap_or(now).plus_minutes(-45));
    some_leave(&mut desk, &mut dice, 35, &ids_by_index[..14])?;

    // Day two (today), from opening up to now.
    let opens_today = desk.sprint()?.opens_at(today).unwrap_or(now);
    let span = (now.0 - opens_today.0).max(0);
    clock.set(opens_today);
    let arrivals: Vec<usize> = (0..people.len()).filter(|&n| n <= 13 || dice.chance(62)).collect();
    for (k, &n) in arrivals.iter().enumerate() {
        // Arrivals spread over the first half of the time so far.
        clock.set(Timestamp(opens_today.0 + span / 2 * k as i64 / arrivals.len().max(1) as i64));
        desk.sign_in(SignIn {
            attendee: ids_by_index[n].clone(),
            project: Some(table_of(n).into()),
            accept_code_of_conduct: true,
            photo_consent: None,
            proof: None,
        })?;
    }
    clock.set(Timestamp(opens_today.0 + span * 6 / 10));
    run_claims(&mut desk, &clock, &mut dice, &ids_by_index, &people, table_of, 4)?;
    for (p, project) in PROJECTS.iter().enumerate() {
        desk.set_status(DailyStatus {
            project: project.name.into(),
            done: Some(
                [
                    "Three PRs merged, docs backlog halved",
                    "Got the test suite running for all",
                    "Reviewed yesterday's PRs",
                ][p % 3]
                    .into(),
            ),
            next: Some(
                [
                    "Finish reviews before lunch",
                    "Pair the newcomers on beginner issues",
                    "Write the summary for the closing",
                ][p % 3]
                    .into(),
            ),
            blockers: Some(if p == 3 { "Waiting on a maintainer with merge rights" } else { "" }.into()),
            from: None,
        })?;
    }
    for goal in &goals {
        if goal_dice.chance(30) {
            desk.set_goal_status(GoalProgress { goal: goal.id.to_string(), status: GoalStatus::Done })?;
        }
    }
    for (project, note) in [("PyPy", "someone who knows RPython's JIT"), ("Wagtail", "a designer for the admin UI")] {
        desk.set_help_wanted(HelpWanted { project: project.into(), help_wanted: true, note: Some(note.into()) })?;
    }

    clock.set_on_to(Timestamp(opens_today.0 + span * 7 / 10));
    some_leave(&mut desk, &mut dice, 8, &ids_by_index[..14])?;
    // Two people claim the same issue on two devices that cannot see each other.
    clock.set_on_to(Timestamp(opens_today.0 + span * 8 / 10));
    make_contested_claim(&mut desk, clock.clone(), ids, offline_device, &people, &ids_by_index)?;
    Ok(desk.into_store())
}

/// The demo's clock: it shows the time the demo sets, but never later than the real `now`, so nothing the
/// demo records is stamped in the future (a device joining this venue would refuse such records).
#[derive(Debug)]
struct DemoClock {
    set: FixedClock,
    now: Timestamp,
}

impl DemoClock {
    fn set(&self, at: Timestamp) {
        self.set.set(at);
    }

    /// Moves the clock on to `at`, never back: records already written are stamped up to the time the
    /// clock shows, and a device handed them at an earlier time refuses those as stamped in its future (the
    /// offline laptop of the contested claim refused 62 when the demo ran at 15:00, the claims before it
    /// having run past the time set for it).
    fn set_on_to(&self, at: Timestamp) {
        if at > self.set.now() {
            self.set.set(at);
        }
    }

    fn advance_minutes(&self, minutes: i64) {
        self.set.advance_minutes(minutes);
    }
}

impl Clock for DemoClock {
    fn now(&self) -> Timestamp {
        self.set.now().min(self.now)
    }
}

/// Signs out about `percent` in a hundred of the people in the room, never the table leads.
fn some_leave(desk: &mut Desk, dice: &mut Dice, percent: u64, leads: &[String]) -> Result<(), Error> {
    let here = desk.presence()?;
    for person in here.tables.iter().flat_map(|table| &table.people) {
        if !leads.contains(&person.id.0) && dice.chance(percent) {
            desk.sign_out(PersonQuery { attendee: person.id.to_string() })?;
        }
    }
    Ok(())
}

/// Claims for people at each table, the way a lead records them: first-timers on beginner issues with a
/// mentor from their table; then some PRs opened and merged.
fn run_claims(
    desk: &mut Desk,
    clock: &DemoClock,
    dice: &mut Dice,
    ids_by_index: &[String],
    people: &[(String, Role, bool)],
    table_of: impl Fn(usize) -> &'static str,
    per_table: usize,
) -> Result<(), Error> {
    let here = desk.presence()?;
    let here_ids: std::collections::HashSet<String> =
        here.tables.iter().flat_map(|t| t.people.iter().map(|p| p.id.to_string())).collect();
    for project in PROJECTS {
        let at_table: Vec<usize> = (14..people.len())
            .filter(|&n| table_of(n) == project.name && here_ids.contains(&ids_by_index[n]))
            .collect();
        let mentor = (0..26).find(|&n| table_of(n) == project.name && here_ids.contains(&ids_by_index[n]));
        let mut made = 0;
        for &n in &at_table {
            if made == per_table {
                break;
            }
            let (_, _, first_timer) = &people[n];
            let issues = desk.issues(IssuesQuery { project: Some(project.name.into()) })?;
            let pick = issues
                .iter()
                .filter(|i| i.number != Some(CONTESTED_ISSUE))
                .filter(|i| i.holders.iter().all(|h| !h.state.is_open()) && i.state.is_open());
            let pick: Vec<_> = pick.filter(|i| !first_timer || i.beginner_friendly).collect();
            let Some(issue) = pick.get(dice.roll(pick.len() as u64) as usize) else { continue };
            let mentor = if *first_timer { mentor.map(|m| ids_by_index[m].clone()) } else { None };
            clock.advance_minutes(3);
            let claim = Claim { issue: issue.id.to_string(), attendee: ids_by_index[n].clone(), mentor };
            match desk.claim(claim) {
                Ok(_) => made += 1,
                Err(error) => tracing::debug!(%error, "demo claim skipped"),
            }
        }
    }
    clock.advance_minutes(90);
    for issue in desk.issues(IssuesQuery::default())? {
        let holder = issue.holders.iter().find(|h| h.state == sprintdesk_domain::ClaimState::Active);
        if let Some(holder) = holder
            && dice.chance(45)
        {
            clock.advance_minutes(2);
            let by = Some(holder.person.id.to_string());
            desk.mark_pr_opened(PrOpened { issue: issue.id.to_string(), attendee: by })?;
            if dice.chance(50) {
                clock.advance_minutes(20);
                desk.mark_merged(IssueRef { issue: issue.id.to_string() })?;
            }
        }
    }
    Ok(())
}

/// The issue the demo keeps free for the contested claim.
const CONTESTED_ISSUE: u32 = 19230;

fn make_contested_claim(
    desk: &mut Desk,
    clock: Arc<DemoClock>,
    ids: Arc<dyn Ids>,
    offline_device: DeviceId,
    people: &[(String, Role, bool)],
    ids_by_index: &[String],
) -> Result<(), Error> {
    // The offline device has everything up to now (it synced this morning)…
    let mut copy = Store::open_in_memory(offline_device.clone())?;
    copy.apply(&desk.store().changes()?, clock.now())?;
    // …and is a table lead's laptop the venue vouched for when it was paired (it never connects here: it
    // has no certificate), so every device takes its records as the lead's.
    // Its grant scopes it to the project of the issue it claims (Django's table).
    let issue = format!("Django#{CONTESTED_ISSUE}");
    let project = desk.snapshot()?.find_issue(&issue)?.project.clone();
    desk.store().create_venue()?;
    let key = copy.record_key()?;
    let grant = desk.store().sign_grant(&offline_device, DeviceRole::TableLead, Some(&project), "", &key)?;
    let laptop = Device {
        id: offline_device.clone(),
        name: "Table lead laptop (offline)".into(),
        role: DeviceRole::TableLead,
        fingerprint: String::new(),
        paired_by: Some(desk.store().device().clone()),
        paired_at: Some(clock.now()),
        revoked: false,
        grant: Some(grant),
    };
    desk.write(Op::put(&laptop, None))?;
    let mut offline = Desk::new(copy, clock, ids);
    let here = desk.presence()?;
    let here: std::collections::HashSet<String> =
        here.tables.iter().flat_map(|t| t.people.iter().map(|p| p.id.to_string())).collect();
    let sprinters: Vec<&String> = people
        .iter()
        .zip(ids_by_index)
        .filter(|((_, role, first_timer), id)| *role == Role::Sprinter && !first_timer && here.contains(*id))
        .map(|(_, id)| id)
        .take(2)
        .collect();
    let [first, second] = sprinters.as_slice() else {
        return Err(Error::NotFound("the demo found fewer than two sprinters in the room".into()));
    };
    // …then, with the Wi-Fi down, two leads record the same issue for two people.
    desk.claim(Claim { issue: issue.clone(), attendee: (*first).clone(), mentor: None })?;
    offline.claim(Claim { issue, attendee: (*second).clone(), mentor: None })?;
    // When the Wi-Fi is back, the offline device's changes arrive.
    let news: Vec<_> = offline.store().changes()?.into_iter().filter(|c| c.origin == offline_device).collect();
    desk.apply_remote(&news)?;
    Ok(())
}
