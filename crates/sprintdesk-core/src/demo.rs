//! A believable three-day sprint, played through the real use cases on a clock the demo moves: yesterday
//! was day one, today is day two (up to now), tomorrow is day three. People sign in, claim issues, open
//! and merge PRs, leads write their status; one issue is claimed by two people on two devices that were
//! offline at the time, and so is contested.

use crate::{Clock, Desk, Error, FixedClock, Ids, Lookup, NewProject, SignIn};
use chrono::{Duration, NaiveTime, Timelike};
use sprintdesk_domain::{DeviceId, GoalStatus, Role, Sprint, Timestamp, Venue};
use sprintdesk_store::Store;
use std::fmt::Write;
use std::sync::Arc;

const FIRST_NAMES: &[&str] = &[
    "Łukasz",
    "Zeynep",
    "Éric",
    "Dong-hee",
    "Ana María",
    "Søren",
    "Aoife",
    "Kwame",
    "Mei",
    "Rahul",
    "Olga",
    "Tomás",
    "Yuki",
    "Fatima",
    "Jürgen",
    "Chiamaka",
    "Matías",
    "Ingrid",
    "Hamid",
    "Priya",
    "Nikolai",
    "Camille",
    "Thandiwe",
    "Bartłomiej",
    "Siobhán",
    "Ngozi",
    "Hyun-woo",
    "Leilani",
    "Dóra",
    "Arnav",
    "Zoë",
    "Mateus",
    "Elif",
    "Jakub",
    "Amara",
    "Björn",
    "Lucía",
    "Tariq",
    "Mirela",
    "Kofi",
];
const LAST_NAMES: &[&str] = &[
    "Nowak",
    "Taşkaya",
    "Araujo",
    "Park",
    "Núñez",
    "Kierkegaard",
    "Ní Bhriain",
    "Mensah",
    "Chen",
    "Iyer",
    "Petrova",
    "Ó Súilleabháin",
    "Tanaka",
    "Haddad",
    "Groß",
    "Okafor",
    "Fernández",
    "Lindqvist",
    "Rahimi",
    "Raghunathan",
    "Volkov",
    "Lefèvre",
    "Dlamini",
    "Wójcik",
    "Ó Briain",
    "Adeyemi",
    "Kim",
    "Kahananui",
    "Szabó",
    "Deshpande",
    "O'Brien",
    "Gonçalves",
    "Yılmaz",
    "Dvořák",
    "Diallo",
    "Åström",
    "García",
    "Qureshi",
    "Popescu",
    "Boateng",
    "Nguyễn",
    "Müller",
];

/// The `n`th name of the demo's international cast: first names and family names from many languages,
/// with accents, hyphens, apostrophes and letters that do not decompose (ł, ß, ø).
pub fn international_name(n: usize) -> String {
    let first = FIRST_NAMES[n % FIRST_NAMES.len()];
    let last = LAST_NAMES[(n * 7 + n / FIRST_NAMES.len()) % LAST_NAMES.len()];
    format!("{first} {last}")
}

struct DemoProject {
    name: &'static str,
    repo: &'static str,
    table: &'static str,
    goals: &'static [(&'static str, bool)],
    issues: &'static [(u32, &'static str, bool)],
}

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        name: "CPython",
        repo: "https://github.com/python/cpython",
        table: "T1",
        goals: &[
            ("Triage 30 open documentation issues", true),
            ("Land the REPL colour theme PR", false),
            ("Review sprint PRs within the day", false),
        ],
        issues: &[
            (141020, "Docs: clarify str.splitlines() with trailing newline", true),
            (141033, "Add missing test for argparse mutually exclusive groups", true),
            (141051, "pathlib: Path.walk() follows symlinks inconsistently on Windows", false),
            (141077, "Typo in the tutorial's section on list comprehensions", true),
            (141102, "asyncio: TaskGroup error message names the wrong task", false),
            (141118, "Improve error message for unclosed f-string brace", false),
            (141140, "Document the -X importtime output columns", true),
        ],
    },
    DemoProject {
        name: "PyPy",
        repo: "https://github.com/pypy/pypy",
        table: "T2",
        goals: &[
            ("Make the 3.11 test suite green on Linux", false),
            ("Write a first-contributor guide to RPython", true),
        ],
        issues: &[
            (5120, "Port the missing os.memfd_create", false),
            (5126, "Translate error: unsupported opcode in a generated helper", false),
            (5131, "Docs: how to run a single app-level test", true),
            (5140, "JIT log viewer crashes on empty traces", false),
        ],
    },
    DemoProject {
        name: "Django",
        repo: "https://github.com/django/django",
        table: "T3",
        goals: &[("Close 10 'Accepted' easy-pickings tickets", true), ("Finish the async ORM cursor review", false)],
        issues: &[
            (19201, "Admin: date hierarchy ignores the USE_TZ setting for month links", false),
            (19214, "Add a system check for a duplicate app label in INSTALLED_APPS", true),
            (19222, "Docs: update the deployment checklist for ASGI", true),
            (19230, "QuerySet.bulk_update() with an expression in a JSONField", false),
            (19241, "Translate the new password validator messages", true),
        ],
    },
    DemoProject {
        name: "pip",
        repo: "https://github.com/pypa/pip",
        table: "T4",
        goals: &[("Ship the resolver progress reporter", false), ("Improve --dry-run output", true)],
        issues: &[
            (13402, "Show the requirement chain when a conflict is reported", false),
            (13410, "pip list --outdated should honour --index-url", false),
            (13415, "Typo in 'pip download' help text", true),
            (13421, "Add a news fragment template check to CI", true),
        ],
    },
    DemoProject {
        name: "pytest",
        repo: "https://github.com/pytest-dev/pytest",
        table: "T5",
        goals: &[("Clear the 'good first issue' backlog", true), ("Prototype fixture scoping for classes", false)],
        issues: &[
            (13050, "Improve the message when a fixture name is misspelled", true),
            (13061, "approx() repr for nested dicts is hard to read", true),
            (13072, "Deprecate the --strict alias", false),
            (13080, "Docs: explain tmp_path retention policy", true),
        ],
    },
    DemoProject {
        name: "BeeWare",
        repo: "https://github.com/beeware/toga",
        table: "T6",
        goals: &[("Android: finish the Table widget", false), ("Every new contributor lands a PR", true)],
        issues: &[
            (3301, "Add a missing docstring to the Switch widget", true),
            (3310, "GTK: Slider emits on_change twice", false),
            (3317, "Example app for the MapView widget", true),
        ],
    },
    DemoProject {
        name: "Wagtail",
        repo: "https://github.com/wagtail/wagtail",
        table: "T7",
        goals: &[("Accessibility audit of the page editor", false), ("Translate admin strings into 3 languages", true)],
        issues: &[
            (12801, "Contrast of the 'Live' status badge fails WCAG AA", true),
            (12814, "Keyboard focus lost after closing the image chooser", false),
            (12820, "Missing alt-text hint in the image upload form", true),
        ],
    },
    DemoProject {
        name: "NumPy",
        repo: "https://github.com/numpy/numpy",
        table: "T8",
        goals: &[("Finish the NEP 50 follow-ups", false), ("Fix 5 documentation examples that fail doctest", true)],
        issues: &[
            (28010, "DOC: np.linspace example output is out of date", true),
            (28016, "BUG: np.unique with equal_nan on complex input", false),
            (28023, "DOC: add a see-also from argsort to lexsort", true),
            (28031, "ENH: better error for mismatched ufunc out shapes", false),
        ],
    },
];

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
    let clock = Arc::new(FixedClock::new(now));
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
    desk.create_sprint(sprint.clone())?;

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
    desk.import_attendees(&csv)?;
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
            goals.push(desk.add_goal(project.name, title, *beginner)?);
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
    desk.import_issues(&issue_csv, None)?;

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
            who: Lookup::Id(id.clone()),
            project: Some(table_of(n).into()),
            accept_code_of_conduct: true,
            photo_consent: Some(dice.chance(85)),
        })?;
    }
    run_claims(&mut desk, &clock, &mut dice, &ids_by_index, &people, table_of, 3)?;
    for (p, project) in PROJECTS.iter().enumerate() {
        clock.advance_minutes(2);
        desk.set_status(
            project.name,
            ["Set up dev environments for everyone", "Triaged the backlog", "Paired newcomers with mentors"][p % 3],
            "Get the first PRs reviewed",
            if p % 3 == 1 { "CI runners are slow on the venue network" } else { "" },
        )?;
    }
    let mut goal_dice = Dice(7);
    for goal in &goals {
        if goal_dice.chance(60) {
            desk.set_goal_status(goal.id.as_str(), GoalStatus::InProgress)?;
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
            who: Lookup::Id(ids_by_index[n].clone()),
            project: Some(table_of(n).into()),
            accept_code_of_conduct: true,
            photo_consent: None,
        })?;
    }
    clock.set(Timestamp(opens_today.0 + span * 6 / 10));
    run_claims(&mut desk, &clock, &mut dice, &ids_by_index, &people, table_of, 4)?;
    for (p, project) in PROJECTS.iter().enumerate() {
        desk.set_status(
            project.name,
            ["Three PRs merged, docs backlog halved", "Got the test suite running for all", "Reviewed yesterday's PRs"]
                [p % 3],
            [
                "Finish reviews before lunch",
                "Pair the newcomers on beginner issues",
                "Write the summary for the closing",
            ][p % 3],
            if p == 3 { "Waiting on a maintainer with merge rights" } else { "" },
        )?;
    }
    for goal in &goals {
        if goal_dice.chance(30) {
            desk.set_goal_status(goal.id.as_str(), GoalStatus::Done)?;
        }
    }
    desk.set_help_wanted("PyPy", true)?;
    desk.set_help_wanted("Wagtail", true)?;

    clock.set(Timestamp(opens_today.0 + span * 7 / 10));
    some_leave(&mut desk, &mut dice, 8, &ids_by_index[..14])?;
    // Two people claim the same issue on two devices that cannot see each other.
    clock.set(Timestamp(opens_today.0 + span * 8 / 10));
    make_contested_claim(&mut desk, clock.clone(), ids, offline_device, &people, &ids_by_index)?;
    Ok(desk.into_store())
}

/// Signs out about `percent` in a hundred of the people in the room, never the table leads.
fn some_leave(desk: &mut Desk, dice: &mut Dice, percent: u64, leads: &[String]) -> Result<(), Error> {
    let here = desk.presence()?;
    for person in here.tables.iter().flat_map(|table| &table.people) {
        if !leads.contains(&person.id.0) && dice.chance(percent) {
            desk.sign_out(&Lookup::Id(person.id.0.clone()))?;
        }
    }
    Ok(())
}

/// Claims for people at each table, the way a lead records them: first-timers on beginner issues with a
/// mentor from their table; then some PRs opened and merged.
fn run_claims(
    desk: &mut Desk,
    clock: &FixedClock,
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
            let issues = desk.issues(Some(project.name))?;
            let pick = issues
                .iter()
                .filter(|i| i.number != Some(CONTESTED_ISSUE))
                .filter(|i| i.holders.iter().all(|h| !h.state.is_open()) && i.state.is_open());
            let pick: Vec<_> = pick.filter(|i| !first_timer || i.beginner_friendly).collect();
            let Some(issue) = pick.get(dice.roll(pick.len() as u64) as usize) else { continue };
            let mentor = if *first_timer { mentor.map(|m| Lookup::Id(ids_by_index[m].clone())) } else { None };
            clock.advance_minutes(3);
            match desk.claim(issue.id.as_str(), &Lookup::Id(ids_by_index[n].clone()), mentor.as_ref()) {
                Ok(_) => made += 1,
                Err(error) => tracing::debug!(%error, "demo claim skipped"),
            }
        }
    }
    clock.advance_minutes(90);
    for issue in desk.issues(None)? {
        let holder = issue.holders.iter().find(|h| h.state == sprintdesk_domain::ClaimState::Active);
        if let Some(holder) = holder
            && dice.chance(45)
        {
            clock.advance_minutes(2);
            desk.mark_pr_opened(issue.id.as_str(), Some(&Lookup::Id(holder.person.id.to_string())))?;
            if dice.chance(50) {
                clock.advance_minutes(20);
                desk.mark_merged(issue.id.as_str())?;
            }
        }
    }
    Ok(())
}

/// The issue the demo keeps free for the contested claim.
const CONTESTED_ISSUE: u32 = 19230;

fn make_contested_claim(
    desk: &mut Desk,
    clock: Arc<FixedClock>,
    ids: Arc<dyn Ids>,
    offline_device: DeviceId,
    people: &[(String, Role, bool)],
    ids_by_index: &[String],
) -> Result<(), Error> {
    // The offline device has everything up to now (it synced this morning)…
    let mut copy = Store::open_in_memory(offline_device.clone())?;
    copy.apply(&desk.store().changes()?, clock.now())?;
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
    let issue = format!("Django#{CONTESTED_ISSUE}");
    // …then, with the Wi-Fi down, two leads record the same issue for two people.
    desk.claim(&issue, &Lookup::Id((*first).clone()), None)?;
    offline.claim(&issue, &Lookup::Id((*second).clone()), None)?;
    // When the Wi-Fi is back, the offline device's changes arrive.
    let news: Vec<_> = offline.store().changes()?.into_iter().filter(|c| c.origin == offline_device).collect();
    desk.apply_remote(&news)?;
    Ok(())
}
