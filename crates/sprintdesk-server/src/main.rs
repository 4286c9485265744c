//! `sprintdesk`: the sprint from a terminal. The same core as the desktop app, for a venue hub on a small
//! box, for scripting, and for end-to-end tests. This binary only parses arguments, opens the store and
//! prints what the core returns; the rules live in the core and the domain.

mod cli;
mod http;
mod lan;
mod render;

use clap::Parser;
use cli::{
    AttendeesCommand, Cli, Command, DevicesCommand, GoalCommand, ImportCommand, IssuesCommand, ProjectCommand,
    StatusCommand,
};
use sprintdesk_core::domain::{DeviceId, GoalStatus, Role, Sprint};
use sprintdesk_core::store::{Store, device_id_for};
use sprintdesk_core::{ApiError, Desk, Error, Ids, Lookup, NewAttendee, NewProject, RandomIds, SignIn};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SPRINTDESK_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .with_target(false)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A core error is the user's own mistake or a refusal, worded for them; anything else is a
            // fault of the machine (a file that cannot be read, a full disk).
            match error.downcast_ref::<Error>() {
                Some(core) => {
                    if json {
                        let api = ApiError::from(core);
                        eprintln!("{}", serde_json::to_string(&api).unwrap_or_else(|_| api.message.clone()));
                    } else {
                        eprintln!("error: {core}");
                    }
                    ExitCode::from(if matches!(core, Error::Store(_)) { 3 } else { 1 })
                }
                None => {
                    eprintln!("error: {error:#}");
                    ExitCode::from(3)
                }
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let db = match &cli.db {
        Some(path) => path.clone(),
        None => sprintdesk_api::default_db()?,
    };
    let json = cli.json;
    let ids: Arc<dyn Ids> = Arc::new(RandomIds);
    let clock = sprintdesk_api::clock_from_env()?;
    if let Command::Serve(mut options) = cli.command {
        if options.no_http {
            options.http = None;
        }
        return lan::serve(&db, clock, ids, options, json);
    }
    let store = open_store(&db, ids.as_ref())?;

    let command = match cli.command {
        Command::Join { code, addr, name, role } => return lan::join(store, clock, (code, addr, name, role), json),
        Command::Sync { addr } => return lan::sync(store, clock, &addr, json),
        command => command,
    };

    if let Command::Demo = command {
        let offline = DeviceId(ids.make("demo-kiosk"));
        let time_zone = local_time_zone();
        let store = Desk::demo(store, offline, ids.clone(), clock.now(), &time_zone)?;
        let mut desk = Desk::new(store, clock, ids);
        let board = desk.board()?;
        let people = desk.attendees()?.len();
        if json {
            return print_json(
                &serde_json::json!({"sprint": board.sprint, "attendees": people, "projects": board.projects.len(), "here_now": board.here_now}),
            );
        }
        println!("Made the demo sprint \"{}\" in {}", board.sprint, db.display());
        println!("{people} attendees, {} projects, {} people in the venue now.", board.projects.len(), board.here_now);
        println!("Try: sprintdesk board · sprintdesk presence · sprintdesk attendees search lukasz");
        return Ok(());
    }

    let now = clock.now();
    let mut desk = Desk::new(store, clock, ids);
    match command {
        Command::Demo | Command::Serve(_) | Command::Join { .. } | Command::Sync { .. } => {
            unreachable!("handled above")
        }
        Command::Pair => lan::pair(&desk, now, json)?,
        Command::Peers => lan::peers(&desk, now, json)?,
        Command::Devices(DevicesCommand::List) => {
            let devices = desk.devices()?;
            if json {
                return print_json(&devices);
            }
            for d in devices {
                let state = if d.revoked { "REVOKED" } else { "paired" };
                let this = if d.this_device { "  (this device)" } else { "" };
                println!("{:<14} {:<10} {:<20} {state:<8} {}{this}", d.id, d.role.as_str(), d.name, d.fingerprint);
            }
        }
        Command::Devices(DevicesCommand::Revoke { id }) => {
            let device = desk.revoke_device(&id)?;
            if json {
                return print_json(&device);
            }
            println!("Revoked {} ({}): devices refuse it once they have synced with this one.", device.name, device.id);
        }
        Command::Digest => {
            let digest = desk.digest()?;
            if json {
                return print_json(&serde_json::json!({"digest": digest}));
            }
            println!("{digest}");
        }
        Command::Delete { kind, id } => {
            let kind = sprintdesk_core::deletable_kind(&kind)?;
            desk.delete(kind, &id)?;
            if json {
                return print_json(&serde_json::json!({"deleted": id}));
            }
            println!("Deleted {id}. `sprintdesk restore {} {id}` brings it back.", kind.as_str());
        }
        Command::Restore { kind, id } => {
            let kind = sprintdesk_core::deletable_kind(&kind)?;
            desk.restore(kind, &id)?;
            if json {
                return print_json(&serde_json::json!({"restored": id}));
            }
            println!("Restored {id}.");
        }
        Command::Review => {
            let items = desk.review()?;
            if json {
                return print_json(&items);
            }
            if items.is_empty() {
                println!("Nothing to review: no deleted record was edited elsewhere.");
            }
            for item in items {
                println!(
                    "{} {} \"{}\": deleted by {}, then edited by {}. Restore: sprintdesk restore {} {}",
                    item.kind, item.id, item.label, item.deleted_by, item.edited_by, item.kind, item.id
                );
            }
        }
        Command::Init(init) => {
            let mut sprint = Sprint::new(&init.name, &init.tz.unwrap_or_else(local_time_zone), init.start, init.days)
                .map_err(Error::from)?;
            for day in &mut sprint.days {
                day.is_break = init.break_day.contains(&day.date);
                day.opens = init.opens;
                day.closes = init.closes;
            }
            if let Some(stray) = init.break_day.iter().find(|d| sprint.day(**d).is_none()) {
                anyhow::bail!(Error::Invalid(sprintdesk_core::domain::ValidationError::new(
                    "days",
                    format!("the break day {stray} is not one of the sprint's days")
                )));
            }
            let sprint = desk.create_sprint(sprint)?;
            if json {
                return print_json(&sprint);
            }
            println!(
                "Created the sprint \"{}\" ({} days from {}) in {}",
                sprint.name,
                sprint.days.len(),
                init.start,
                db.display()
            );
        }
        Command::Sprint => {
            let sprint = desk.sprint()?;
            if json {
                return print_json(&sprint);
            }
            print!("{}", render::sprint(&sprint));
        }
        Command::Import(ImportCommand::Attendees { file }) => {
            let report = desk.import_attendees(&read(&file)?)?;
            print_import(json, &file, &report)?;
        }
        Command::Import(ImportCommand::Issues { file, project }) => {
            let report = desk.import_issues(&read(&file)?, project.as_deref())?;
            print_import(json, &file, &report)?;
        }
        Command::Attendees(AttendeesCommand::Search { query, limit }) => {
            let found = desk.search(&query.join(" "), limit)?;
            if json {
                return print_json(&found);
            }
            print!("{}", render::cards(&found));
        }
        Command::Attendees(AttendeesCommand::List) => {
            let people = desk.attendees()?;
            if json {
                return print_json(&people);
            }
            print!("{}", render::attendees(&people));
        }
        Command::Attendees(AttendeesCommand::Show { who }) => {
            let person = desk.attendee(&Lookup::Text(who))?;
            if json {
                return print_json(&person);
            }
            print!("{}", render::attendee(&person));
        }
        Command::Attendees(AttendeesCommand::Add(add)) => {
            let roles = add.role.iter().map(|r| parse_role(r)).collect::<anyhow::Result<Vec<Role>>>()?;
            let person = desk.add_attendee(NewAttendee {
                name: add.name,
                email: add.email,
                handle: add.handle,
                roles,
                first_timer: add.first_timer,
                badge_code: add.badge,
            })?;
            if json {
                return print_json(&person);
            }
            println!("Added {} ({})", person.name, person.id);
        }
        Command::Attendees(AttendeesCommand::Merge { duplicate, into }) => {
            let survivor = desk.merge_attendees(&Lookup::Text(duplicate), &Lookup::Text(into))?;
            if json {
                return print_json(&survivor);
            }
            println!("Merged into {} ({})", survivor.name, survivor.id);
        }
        Command::Signin(signin) => {
            let outcome = desk.sign_in(SignIn {
                who: signin.who.lookup()?,
                project: signin.project,
                accept_code_of_conduct: signin.accept_coc,
                photo_consent: signin.photo.map(|p| p == cli::YesNo::Yes),
            })?;
            if json {
                return print_json(&outcome);
            }
            let at = outcome.project.as_ref().map(|p| format!(" at {}", render::table_name(p))).unwrap_or_default();
            if outcome.already_here {
                println!("{} is already signed in{at} today ({})", outcome.person.name, outcome.day);
            } else {
                println!("Signed in {}{at} for {}", outcome.person.name, outcome.day);
            }
        }
        Command::Signout(who) => {
            let outcome = desk.sign_out(&who.lookup()?)?;
            if json {
                return print_json(&outcome.person);
            }
            println!("Signed out {}", outcome.person.name);
        }
        Command::Presence => {
            let report = desk.presence()?;
            if json {
                return print_json(&report);
            }
            print!("{}", render::presence(&report));
        }
        Command::Project(ProjectCommand::Add { name, repo, table, lead }) => {
            let project = desk.add_project(NewProject { name, repo_url: repo, table_label: table, leads: lead })?;
            if json {
                return print_json(&project);
            }
            println!("Added the project {} ({})", project.name, project.id);
        }
        Command::Project(ProjectCommand::List) => {
            let projects = desk.projects()?;
            if json {
                return print_json(&projects);
            }
            for project in projects {
                let table = project.table_label.as_deref().unwrap_or("no table");
                let help = if project.help_wanted { "  [help wanted]" } else { "" };
                println!("{:<14} {:<10} {}{help}", project.id.as_str(), table, project.name);
            }
        }
        Command::Project(ProjectCommand::HelpWanted { project, state }) => {
            let project = desk.set_help_wanted(&project, state == cli::OnOff::On)?;
            if json {
                return print_json(&project);
            }
            let now = if project.help_wanted { "wants help" } else { "no longer asks for help" };
            println!("{} {now}", project.name);
        }
        Command::Goal(GoalCommand::Add { project, title, beginner }) => {
            let goal = desk.add_goal(&project, &title, beginner)?;
            if json {
                return print_json(&goal);
            }
            println!("Added the goal \"{}\" ({})", goal.title, goal.id);
        }
        Command::Goal(GoalCommand::Status { goal, status }) => {
            let status = GoalStatus::parse(&status).ok_or_else(|| {
                Error::Invalid(sprintdesk_core::domain::ValidationError::new(
                    "status",
                    format!("\"{status}\" is not a goal status (planned, in-progress, done, dropped)"),
                ))
            })?;
            let goal = desk.set_goal_status(&goal, status)?;
            if json {
                return print_json(&goal);
            }
            println!("\"{}\" is now {}", goal.title, goal.status.as_str().replace('_', " "));
        }
        Command::Status(StatusCommand::Add(status)) => {
            let update = desk.set_status(&status.project, &status.done, &status.next, &status.blockers)?;
            if json {
                return print_json(&update);
            }
            println!("Recorded today's status for {}", status.project);
        }
        Command::Issues(IssuesCommand::List { project }) => {
            let issues = desk.issues(project.as_deref())?;
            if json {
                return print_json(&issues);
            }
            for issue in &issues {
                println!("{}", render::issue_line(issue));
            }
        }
        Command::Claim { issue, by, mentor } => {
            let mentor = mentor.map(Lookup::Text);
            let issue = desk.claim(&issue, &Lookup::Text(by), mentor.as_ref())?;
            print_issue(json, "Claimed", &issue)?;
        }
        Command::Release { issue, by } => {
            let issue = desk.release(&issue, &Lookup::Text(by))?;
            print_issue(json, "Released", &issue)?;
        }
        Command::Resolve { issue, keep } => {
            let keep: Vec<Lookup> = keep.into_iter().map(Lookup::Text).collect();
            let issue = desk.resolve(&issue, &keep)?;
            print_issue(json, "Resolved", &issue)?;
        }
        Command::Pr { issue, by } => {
            let by = by.map(Lookup::Text);
            let issue = desk.mark_pr_opened(&issue, by.as_ref())?;
            print_issue(json, "PR opened for", &issue)?;
        }
        Command::Merged { issue } => {
            let issue = desk.mark_merged(&issue)?;
            print_issue(json, "Merged", &issue)?;
        }
        Command::Board => {
            let board = desk.board()?;
            if json {
                return print_json(&board);
            }
            print!("{}", render::board(&board));
        }
    }
    Ok(())
}

fn print_import(json: bool, file: &Path, report: &sprintdesk_core::ImportReport) -> anyhow::Result<()> {
    if json {
        return print_json(report);
    }
    println!(
        "Imported {} ({}): {} added, {} updated, {} unchanged",
        file.display(),
        report.format,
        report.added,
        report.updated,
        report.unchanged
    );
    Ok(())
}

fn print_issue(json: bool, verb: &str, issue: &sprintdesk_core::IssueBoard) -> anyhow::Result<()> {
    if json {
        return print_json(issue);
    }
    println!("{verb} {}", render::issue_line(issue));
    Ok(())
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::NotFound(format!("could not read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| {
        anyhow::Error::new(Error::Import(vec![sprintdesk_core::RowError {
            place: "the file".into(),
            message: "is not UTF-8 text; export it again as UTF-8 CSV".into(),
        }]))
    })
}

fn parse_role(text: &str) -> anyhow::Result<Role> {
    Role::parse(text).ok_or_else(|| {
        Error::Invalid(sprintdesk_core::domain::ValidationError::new(
            "roles",
            format!("\"{text}\" is not a role (sprinter, table lead, mentor, organizer)"),
        ))
        .into()
    })
}

fn open_store(db: &Path, ids: &dyn Ids) -> anyhow::Result<Store> {
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        anyhow::ensure!(parent.is_dir(), "the folder {} does not exist", parent.display());
    }
    let device = device_id_for(&sprintdesk_api::state_dir()?, db, || DeviceId(ids.make("d")))?;
    tracing::debug!(%device, db = %db.display(), "opening the sprint database");
    Ok(Store::open(db, device)?)
}

/// The machine's IANA time zone, for a new sprint when `--tz` is not given.
fn local_time_zone() -> String {
    iana_time_zone::get_timezone().ok().filter(|tz| Sprint::is_time_zone(tz)).unwrap_or_else(|| "UTC".into())
}
