//! `sprintdesk`: the sprint from a terminal. The same core as the desktop app, for a venue hub on a small
//! box, for scripting, and for end-to-end tests. This binary only parses arguments, opens the store and
//! prints what the core returns; the rules live in the core and the domain.

mod cli;
mod http;
mod lan;
mod print;
mod render;

use clap::Parser;
use cli::{
    AttendeesCommand, Cli, Command, DevicesCommand, GoalCommand, ImportCommand, IssuesCommand, ProjectCommand,
    StatusCommand, YesNo,
};
use print::{out, outln, print_import, print_imports, print_issue, print_json, print_undone};
use sprintdesk_api::Host;
use sprintdesk_api::commands as cmd;
use sprintdesk_core::domain::{DeviceId, DeviceRole, GoalStatus, Role, SameBecause, Sprint, ValidationError};
use sprintdesk_core::store::{Store, device_id_for, written_mark_for};
use sprintdesk_core::{
    ApiError, AttendeeEdit, BadgeScan, Claim, DailyStatus, DeviceRef, DoorProof, DoorSignOut, Error, ErrorCode,
    ExportRequest, GoalProgress, HelpWanted, Ids, ImportFile, IssueRef, IssuesQuery, Merge, NewAttendee, NewGoal,
    NewProject, NewSprint, PersonQuery, PrOpened, RandomIds, RecordRef, Release, ReportRequest, Resolve, Search,
    Separate, SignIn, UndoImport,
};
use std::io::Write;
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
    let result = run(cli).and_then(|()| Ok(std::io::stdout().flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Whoever read the output has stopped (`| head`): nothing is wrong, and nothing more to say.
        Err(error)
            if error.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            // A refusal is the user's own mistake or a rule, worded for them; anything else is a fault of
            // the machine (a file that cannot be read, a full disk).
            let refusal = error
                .downcast_ref::<sprintdesk_api::Error>()
                .map(ApiError::from)
                .or_else(|| error.downcast_ref::<Error>().map(ApiError::from))
                .or_else(|| error.downcast_ref::<CallRefused>().map(|refused| refused.0.clone()));
            match refusal {
                Some(refusal) => {
                    if json {
                        eprintln!("{}", serde_json::to_string(&refusal).unwrap_or_else(|_| refusal.message.clone()));
                    } else {
                        eprintln!("error: {}", refusal.message);
                        if refusal.importable.is_some() {
                            eprintln!("(run the import again with --leave-out-bad-rows to import the good rows now)");
                        }
                        if refusal.code == ErrorCode::AnotherEvent {
                            eprintln!("(if it is this sprint's list, run the import again with --another-event)");
                        }
                    }
                    // Exit 3 as the README says: the machine, the file or another device failed, not the user.
                    let fault =
                        matches!(refusal.code, ErrorCode::Storage | ErrorCode::Internal | ErrorCode::Unreachable);
                    ExitCode::from(if fault { 3 } else { 1 })
                }
                None => {
                    // A fault of the machine (a file that cannot be written): with --json, in the same shape.
                    if json {
                        // A file or disk that failed is storage; anything else, the program's own fault.
                        let io = error.chain().any(|cause| cause.downcast_ref::<std::io::Error>().is_some());
                        let fault = ApiError {
                            code: if io { ErrorCode::Storage } else { ErrorCode::Internal },
                            message: format!("{error:#}"),
                            rows: Vec::new(),
                            importable: None,
                        };
                        eprintln!("{}", serde_json::to_string(&fault).unwrap_or_else(|_| fault.message.clone()));
                    } else {
                        eprintln!("error: {error:#}");
                    }
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
    // Only the commands that start a device's database make one: a read (or a typo in --db) never leaves a
    // new, empty sprint database behind.
    let starts_a_database = match &cli.command {
        Command::Init(_) | Command::Demo | Command::Join { .. } => true,
        Command::Call { command, .. } => command == "create_sprint",
        _ => false,
    };
    if !starts_a_database && !db.exists() {
        return Err(sprintdesk_api::Error::from(sprintdesk_core::Error::NotFound(format!(
            "there is no sprint database at {}; nothing was made: start one with `sprintdesk init` (or \
             `sprintdesk demo`), join a venue with `sprintdesk join`, or give another --db",
            db.display()
        )))
        .into());
    }
    ensure_folder(&db)?;
    if let Command::Demo = cli.command {
        let offline = DeviceId(ids.make("demo-kiosk"));
        sprintdesk_core::demo(open_store(&db, ids.as_ref())?, offline, ids.clone(), clock.now(), &local_time_zone())?;
    }
    // A command that only reads never migrates the file (an older Sprintdesk could not open it again).
    let reads_only = match &cli.command {
        Command::Peers
        | Command::Devices(DevicesCommand::List)
        | Command::Digest
        | Command::Review
        | Command::Sprint
        | Command::Presence
        | Command::Board
        | Command::Report { .. }
        | Command::Export { .. }
        | Command::Project(ProjectCommand::List)
        | Command::Issues(IssuesCommand::List { .. })
        | Command::Import(ImportCommand::List)
        | Command::Attendees(
            AttendeesCommand::Search { .. }
            | AttendeesCommand::List
            | AttendeesCommand::Show { .. }
            | AttendeesCommand::Merged { .. }
            | AttendeesCommand::ExportPerson { .. }
            | AttendeesCommand::Duplicates,
        ) => true,
        Command::Call { command, .. } => cmd::COMMANDS.iter().any(|c| c.name == command && !c.writes),
        _ => false,
    };
    let open = if reads_only { Host::open_for_reading } else { Host::open };
    let host = open(&db, &sprintdesk_api::state_dir()?, clock.clone(), ids)?.for_script();
    let now = clock.now();
    // A device whose join broke off holds part of the venue: the app shows its joining screen until the rest
    // arrives, and a script reading it must not take what it holds for the whole sprint.
    let fetches_the_rest = matches!(cli.command, Command::Join { .. } | Command::Sync { .. } | Command::Peers);
    // (Not under --json: a script reads stderr as one JSON error; `call setup` says `join_unfinished`.)
    if !fetches_the_rest && !json && host.replica().store().join_unfinished()? {
        // Syncing needs the organizer's own entry, which arrives late in a join: before it, only a new code.
        let next = if host.replica().store().knows_an_organizer()? {
            "`sprintdesk sync ADDRESS` (the organizer's device) fetches the rest"
        } else {
            "Ask an organizer for a new join code and run `sprintdesk join` again: what arrived is kept, and only \
             the rest is fetched"
        };
        eprintln!(
            "Note: this device's join broke off before the whole venue arrived, so what it shows may be \
             incomplete. {next}."
        );
    }
    match cli.command {
        Command::Serve(_) => unreachable!("handled above"),
        Command::Demo => {
            let board = host.run::<cmd::board>(())?;
            let people = host.run::<cmd::attendees>(())?.len();
            if json {
                return print_json(
                    &serde_json::json!({"sprint": board.sprint, "attendees": people, "projects": board.projects.len(), "here_now": board.here_now}),
                );
            }
            outln!("Made the demo sprint \"{}\" in {}", board.sprint, db.display());
            outln!(
                "{people} attendees, {} projects, {} people in the venue now.",
                board.projects.len(),
                board.here_now
            );
            outln!("Try: sprintdesk board · sprintdesk presence · sprintdesk attendees search lukasz");
        }
        Command::Join { code, addr, name, role } => lan::join(&host, (code, addr, name, role), json)?,
        Command::Sync { addr } => lan::sync(&host, &addr, json)?,
        Command::Pair { role, project, organizer } => {
            let role = if organizer { DeviceRole::Organizer } else { lan::parse_role(&role)? };
            lan::pair(&host, sprintdesk_api::PairRequest { role, project }, json)?
        }
        Command::ForgotPin => {
            let forgot = host.forget_pin()?;
            if json {
                return print_json(&serde_json::json!({"forgot": forgot}));
            }
            if forgot && host.setup()?.role == Some(DeviceRole::Kiosk) {
                outln!(
                    "Forgot this device's organizer PIN. It was paired as the door's kiosk and stays locked as one: \
                     its screen asks for a new PIN before the door opens again."
                );
            } else if forgot {
                outln!(
                    "Forgot this device's organizer PIN: it is unlocked (organizer mode). A kiosk window still \
                     open leaves the kiosk with any PIN now (Staff); lock it again to set a new one."
                );
            } else {
                outln!("This device has no organizer PIN and is not locked: nothing to forget.");
            }
        }
        Command::TakeBackVenue => {
            let taken = host.take_back_venue(&sprintdesk_api::host_name())?;
            if !taken {
                // A refusal (exit 1), as the exit codes say: a script must not read it as done.
                anyhow::bail!(sprintdesk_api::Error::from(sprintdesk_core::store::StoreError::NotAllowed(
                    "nothing taken: this database holds no venue key under an earlier id of this computer (it is \
                     not an organizer's file, or this computer is already its venue's organizer)"
                        .into()
                )));
            }
            if json {
                return print_json(&serde_json::json!({"taken": true}));
            }
            outln!(
                "This computer is the venue's organizer again, under its new id: it pairs and revokes. Devices paired \
                 before let it in when it reaches them (it carries the venue's grant for its new id): keep it running."
            );
        }
        Command::Peers => lan::peers(&host, now, json)?,
        Command::Call { command, args } => {
            let args = match args {
                Some(text) => serde_json::from_str(&text).map_err(|e| {
                    Error::Invalid(ValidationError::new("args", format!("the arguments are not JSON: {e}")))
                })?,
                None => serde_json::Value::Null,
            };
            let value = host.call(&command, args).map_err(CallRefused)?;
            return print_json(&value);
        }
        Command::Devices(DevicesCommand::List) => {
            let devices = host.run::<cmd::devices>(())?;
            if json {
                return print_json(&devices);
            }
            for d in devices {
                let state = if d.revoked { "REVOKED" } else { "paired" };
                let this = if d.this_device { "  (this device)" } else { "" };
                outln!("{:<14} {:<10} {:<20} {state:<8} {}{this}", d.id, d.role.as_str(), d.name, d.fingerprint);
            }
        }
        Command::Devices(DevicesCommand::Revoke { id }) => {
            let device = host.run::<cmd::revoke_device>(DeviceRef { device: id })?;
            if json {
                return print_json(&device);
            }
            outln!("Revoked {} ({}): devices refuse it once they have synced with this one.", device.name, device.id);
            // What the Revoke dialog says before: only its records this device holds are kept.
            let seen = device.last_seen.map_or("it never synced with this device directly".to_owned(), |at| {
                format!("it last synced with this device {}", lan::ago(now, at))
            });
            outln!(
                "Only its records this device holds are kept: anything else it recorded is dropped on every device \
                 ({seen})."
            );
        }
        Command::Digest => {
            let digest = host.run::<cmd::digest>(())?;
            if json {
                return print_json(&serde_json::json!({"digest": digest}));
            }
            outln!("{digest}");
        }
        Command::Erase { who, pin } => {
            // Where others' words name them, read first (the app's erase dialog says so too): an erasure does
            // not change what other people typed, and the report shows it as written.
            let mentions = host.run::<cmd::export_person>(PersonQuery { attendee: who.clone() }).map(|e| e.mentions);
            let erased = host.run::<cmd::erase_attendee>(sprintdesk_core::Erase { attendee: who, pin })?;
            if json {
                return print_json(&erased);
            }
            let ids: Vec<String> = erased.ids.iter().map(ToString::to_string).collect();
            let count = |n: u32, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            outln!(
                "Erased {}: their name, e-mail, handle and badge are gone from this device and its history, and \
                 from every device it syncs with. {} and {} still count, under a pseudonym.",
                ids.join(", "),
                count(erased.presence_events, "sign-in"),
                count(erased.claim_events, "claim event")
            );
            let mentions = mentions.unwrap_or_default();
            if !mentions.is_empty() {
                let these = if mentions.len() == 1 {
                    "this names them".to_owned()
                } else {
                    format!("these {} name them", mentions.len())
                };
                outln!(
                    "Erasing does not change words other people typed, and {these} (the report shows notes and \
                     answers as written; edit or delete them if they should go):"
                );
                for mention in &mentions {
                    outln!("  {}: {}", mention.place, mention.text);
                }
            }
        }
        Command::Report { format, out } => {
            let format = serde_json::from_value(serde_json::Value::String(format))?;
            let document = host.run::<cmd::report>(ReportRequest { format })?;
            write_document(&document, out.as_deref(), json)?;
        }
        Command::Badge { who, out } => {
            use base64::Engine;
            // The file is made first (never replacing one), so a badge is not logged as printed when it
            // cannot be written.
            let path = out.unwrap_or_else(|| "badge.pdf".into());
            let mut file = create_out(&path)?;
            let made =
                host.run::<cmd::reprint_badge>(sprintdesk_core::BadgeRequest { attendee: who, pin: None, token: None });
            let badge = match made {
                Ok(badge) => badge,
                Err(error) => {
                    drop(file);
                    let _ = std::fs::remove_file(&path);
                    return Err(error.into());
                }
            };
            // A badge that cannot be written leaves no part of a file behind to refuse the next try.
            let written = base64::engine::general_purpose::STANDARD
                .decode(&badge.pdf_base64)
                .map_err(anyhow::Error::from)
                .and_then(|pdf| Ok(std::io::Write::write_all(&mut file, &pdf).and_then(|()| file.sync_all())?));
            if let Err(error) = written {
                drop(file);
                let _ = std::fs::remove_file(&path);
                return Err(error.context(format!("could not write {}", path.display())));
            }
            if json {
                return print_json(
                    &serde_json::json!({"written": path, "printer": badge.printer, "printed_before": badge.printed_before}),
                );
            }
            outln!("Wrote {}'s badge to {}", badge.name, path.display());
            match &badge.printer {
                Some(printer) => outln!("Sent to the printer {printer}."),
                None => outln!("No badge printer is chosen on this device: print the PDF."),
            }
            if badge.printed_before > 0 {
                outln!("(printed {} time(s) before)", badge.printed_before);
            }
        }
        Command::Export { kind, out } => {
            let kind = serde_json::from_value(serde_json::Value::String(kind.replace('-', "_")))?;
            let document = host.run::<cmd::export>(ExportRequest { kind })?;
            write_document(&document, out.as_deref(), json)?;
        }
        Command::Attendees(AttendeesCommand::ExportPerson { who, out }) => {
            let export = host.run::<cmd::export_person>(PersonQuery { attendee: who })?;
            let text = serde_json::to_string_pretty(&export)?;
            match out {
                Some(path) => {
                    write_new(&path, format!("{text}\n").as_bytes())?;
                    if !json {
                        outln!("Wrote everything held about {} to {}", export.attendee.id, path.display());
                    }
                }
                None => outln!("{text}"),
            }
        }
        Command::Delete { kind, id } => {
            host.run::<cmd::delete>(RecordRef { kind: kind.clone(), id: id.clone() })?;
            if json {
                return print_json(&serde_json::json!({"deleted": id}));
            }
            let kind = sprintdesk_core::deletable_kind(&kind)?;
            outln!("Deleted {id}. `sprintdesk restore {} {id}` brings it back.", kind.as_str());
        }
        Command::Restore { kind, id } => {
            host.run::<cmd::restore>(RecordRef { kind, id: id.clone() })?;
            if json {
                return print_json(&serde_json::json!({"restored": id}));
            }
            outln!("Restored {id}.");
        }
        Command::Review => {
            let items = host.run::<cmd::review>(())?;
            if json {
                return print_json(&items);
            }
            if items.is_empty() {
                outln!("Nothing to review: no deleted record was edited elsewhere.");
            }
            for item in items {
                // In the order they happened (a sign-in made apart may be older than the deletion).
                let (deleted, edited) =
                    (format!("deleted by {}", item.deleted_by), format!("edited by {}", item.edited_by));
                let (first, then) =
                    if item.edited_at < item.deleted_at { (edited, deleted) } else { (deleted, edited) };
                outln!(
                    "{} {} \"{}\": {first}, then {then}. Restore: sprintdesk restore {} {}",
                    item.kind,
                    item.id,
                    item.label,
                    item.kind,
                    item.id
                );
            }
        }
        Command::Init(init) => {
            let start = init.start;
            let sprint = host.run::<cmd::create_sprint>(NewSprint {
                name: init.name,
                time_zone: init.tz.unwrap_or_else(local_time_zone),
                start,
                days: init.days,
                break_days: init.break_day,
                opens: Some(init.opens),
                closes: Some(init.closes),
            })?;
            if json {
                return print_json(&sprint);
            }
            // The zone is said: taken from the machine when not given, a wrong one moves every day's hours.
            outln!(
                "Created the sprint \"{}\" ({} days from {start}, times in {}) in {}",
                sprint.name,
                sprint.days.len(),
                sprint.time_zone,
                db.display()
            );
        }
        Command::Sprint => {
            let sprint = host.run::<cmd::sprint>(())?;
            if json {
                return print_json(&sprint);
            }
            out!("{}", render::sprint(&sprint));
        }
        Command::Import(ImportCommand::Attendees { file, leave_out_bad_rows, another_event }) => {
            let report = host.run::<cmd::import_attendees>(ImportFile {
                text: read(&file)?,
                project: None,
                leave_out_bad_rows,
                file_name: file_name(&file),
                another_event: Some(another_event),
            })?;
            print_import(json, &file, &report)?;
        }
        Command::Import(ImportCommand::Issues { file, project }) => {
            let report = host.run::<cmd::import_issues>(ImportFile {
                text: read(&file)?,
                project,
                leave_out_bad_rows: false,
                file_name: file_name(&file),
                another_event: None,
            })?;
            print_import(json, &file, &report)?;
        }
        Command::Import(ImportCommand::Prs { file, project }) => {
            let report = host.run::<cmd::import_prs>(ImportFile {
                text: read(&file)?,
                project,
                leave_out_bad_rows: false,
                file_name: file_name(&file),
                another_event: None,
            })?;
            print_import(json, &file, &report)?;
        }
        Command::Import(ImportCommand::List) => {
            print_imports(json, &host.run::<cmd::recent_imports>(())?)?;
        }
        Command::Import(ImportCommand::Undo { id, erase, pin }) => {
            let imports = host.run::<cmd::recent_imports>(())?;
            // Without an id, only the latest import: run twice, it must not go on to the one before (the
            // right file imported after the wrong one).
            let import = match &id {
                Some(id) => imports.iter().find(|import| import.id == id.trim()),
                None => imports.first(),
            };
            let Some(import) = import else {
                let Some(id) = id else {
                    return Err(Error::NothingToUndo("no import made on this device can be taken back".into()).into());
                };
                // The core words an unknown or empty id, and changes nothing.
                host.run::<cmd::undo_import>(UndoImport { id: id.clone(), erase, pin })?;
                anyhow::bail!("there is no import {id} on this device (`sprintdesk import list` shows them)");
            };
            // The latest import, taken back already, is still the one meant when its people are to be erased.
            if id.is_none() && import.undone && (!erase || import.erased) {
                return Err(Error::NothingToUndo(format!(
                    "the latest import ({}) was taken back already{}; to take back an earlier one, give its id \
                     (`sprintdesk import list` shows them)",
                    print::import_words(import),
                    if import.erased { ", and those it removed erased" } else { "" }
                ))
                .into());
            }
            let undone = host.run::<cmd::undo_import>(UndoImport { id: import.id.clone(), erase, pin })?;
            print_undone(json, import, &undone)?;
        }
        Command::Attendees(AttendeesCommand::Search { query, limit }) => {
            let limit = Some(u32::try_from(limit).unwrap_or(u32::MAX));
            let found = host.run::<cmd::search>(Search { query: query.join(" "), limit })?;
            if json {
                return print_json(&found);
            }
            out!("{}", render::cards(&found));
        }
        Command::Attendees(AttendeesCommand::List) => {
            let people = host.run::<cmd::attendees>(())?;
            if json {
                return print_json(&people);
            }
            out!("{}", render::attendees(&people));
        }
        Command::Attendees(AttendeesCommand::Show { who }) => {
            let person = host.run::<cmd::attendee>(PersonQuery { attendee: who })?;
            if json {
                return print_json(&person);
            }
            out!("{}", render::attendee(&person));
        }
        Command::Attendees(AttendeesCommand::Add(add)) => {
            let roles = add.role.iter().map(|r| parse_role(r)).collect::<anyhow::Result<Vec<Role>>>()?;
            let person = host.run::<cmd::add_attendee>(NewAttendee {
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
            outln!("Added {} ({})", person.name, person.id);
        }
        Command::Attendees(AttendeesCommand::Edit(edit)) => {
            let person = host.run::<cmd::attendee>(PersonQuery { attendee: edit.who })?;
            // An empty value clears an optional detail.
            let given = |value: Option<String>, held: Option<String>| match value {
                Some(value) if value.trim().is_empty() => None,
                Some(value) => Some(value),
                None => held,
            };
            let roles = if edit.role.is_empty() {
                person.roles.clone()
            } else {
                edit.role.iter().map(|r| parse_role(r)).collect::<anyhow::Result<Vec<Role>>>()?
            };
            let edited = host.run::<cmd::edit_attendee>(AttendeeEdit {
                id: person.id.clone(),
                name: edit.name.unwrap_or_else(|| person.name.clone()),
                handle: given(edit.handle, person.handle.clone()),
                email: given(edit.email, person.email.clone()),
                roles,
                first_timer: edit.first_timer.map_or(person.first_timer, |answer| answer == YesNo::Yes),
                badge_code: given(edit.badge, person.badge_code.clone()),
                photo_consent: edit.photo.map(|answer| answer == YesNo::Yes),
            })?;
            if json {
                return print_json(&edited);
            }
            outln!("Updated {} ({})", edited.name, edited.id);
        }
        Command::Attendees(AttendeesCommand::Duplicates) => {
            let pairs = host.run::<cmd::duplicates>(())?;
            if json {
                return print_json(&pairs);
            }
            if pairs.is_empty() {
                outln!("No likely duplicates.");
            }
            for pair in pairs {
                let because = match pair.because {
                    SameBecause::Badge => "the same ticket",
                    SameBecause::Email => "the same email",
                    SameBecause::Handle => "the same handle",
                    SameBecause::Name => "the same name (only likely)",
                };
                outln!("{} ({}) and {} ({}): {because}", pair.a.name, pair.a.id, pair.b.name, pair.b.id);
            }
        }
        Command::Attendees(AttendeesCommand::Merge { duplicate, into }) => {
            let survivor = host.run::<cmd::merge_attendees>(Merge { duplicate, survivor: into })?;
            if json {
                return print_json(&survivor);
            }
            outln!("Merged into {} ({})", survivor.name, survivor.id);
        }
        Command::Attendees(AttendeesCommand::Separate { duplicate }) => {
            let person = host.run::<cmd::separate_attendee>(Separate { duplicate })?;
            if json {
                return print_json(&person);
            }
            outln!("{} ({}) is a person of their own again", person.name, person.id);
        }
        Command::Attendees(AttendeesCommand::Merged { who }) => {
            let merged = host.run::<cmd::merged_duplicates>(PersonQuery { attendee: who })?;
            if json {
                return print_json(&merged);
            }
            for person in &merged {
                outln!("{} ({})", person.name, person.id);
            }
        }
        Command::Signin(signin) => {
            let attendee = who(&host, &signin.who)?;
            // A badge, or the table they are at now, is the proof the door asks of someone who is here
            // already (to move them): the organizer's command line could move no one by name.
            let from = signin.from.as_deref().map(str::trim).map(|table| DoorProof {
                table: (!table.is_empty() && !table.eq_ignore_ascii_case("none")).then(|| table.to_owned()),
                badge: None,
            });
            let proof = signin.who.badge.clone().map(|badge| DoorProof { table: None, badge: Some(badge) }).or(from);
            let asked = proof.is_none();
            let outcome = host
                .run::<cmd::sign_in>(SignIn {
                    attendee,
                    project: signin.project,
                    accept_code_of_conduct: signin.accept_coc,
                    photo_consent: signin.photo.map(|p| p == cli::YesNo::Yes),
                    proof,
                })
                .map_err(|error| match error {
                    // The door's words, and how this command says it.
                    sprintdesk_api::Error::Core(Error::NotAllowed(words))
                        if asked && words.contains("to change table") =>
                    {
                        sprintdesk_api::Error::Core(Error::NotAllowed(format!(
                            "{words} (here: --from TABLE, the table they are at now, or --badge CODE)"
                        )))
                    }
                    error => error,
                })?;
            if json {
                return print_json(&outcome);
            }
            // At the door a sign-in records a first answer to photos only; from the organizer's command line
            // a changed answer (someone withdrawing theirs) is the organizer's edit.
            if let Some(answer) = signin.photo.map(|p| p == cli::YesNo::Yes) {
                photo_answer(&host, &outcome.person.id, answer)?;
            }
            let at = outcome.project.as_ref().map(|p| format!(" at {}", render::table_name(p))).unwrap_or_default();
            if outcome.already_here {
                outln!("{} is already signed in{at} today ({})", outcome.person.name, outcome.day);
            } else {
                outln!("Signed in {}{at} for {}", outcome.person.name, outcome.day);
            }
        }
        Command::Signout(person) => {
            let attendee = who(&host, &person)?;
            // With a badge, as the door does (a locked kiosk's command line too); by name, an organizer's.
            let outcome = match person.badge.clone() {
                Some(badge) => {
                    host.run::<cmd::sign_out_at_door>(DoorSignOut { attendee, table: None, badge: Some(badge) })?
                }
                None => host.run::<cmd::sign_out>(PersonQuery { attendee })?,
            };
            if json {
                return print_json(&outcome.person);
            }
            outln!("Signed out {}", outcome.person.name);
            if !outcome.released.is_empty() {
                outln!("Let go (others may take them now): {}", outcome.released.join(", "));
            }
        }
        Command::Presence => {
            let report = host.run::<cmd::presence>(())?;
            if json {
                return print_json(&report);
            }
            out!("{}", render::presence(&report));
        }
        Command::Project(ProjectCommand::Add { name, repo, table, lead }) => {
            let project =
                host.run::<cmd::add_project>(NewProject { name, repo_url: repo, table_label: table, leads: lead })?;
            if json {
                return print_json(&project);
            }
            outln!("Added the project {} ({})", project.name, project.id);
        }
        Command::Project(ProjectCommand::List) => {
            let projects = host.run::<cmd::projects>(())?;
            if json {
                return print_json(&projects);
            }
            for project in projects {
                let table = project.table_label.as_deref().unwrap_or("no table");
                let help = if project.help_wanted { "  [help wanted]" } else { "" };
                outln!("{:<14} {:<10} {}{help}", project.id.as_str(), table, project.name);
            }
        }
        Command::Project(ProjectCommand::HelpWanted { project, state, note }) => {
            let help_wanted = state == cli::OnOff::On;
            let project = host.run::<cmd::set_help_wanted>(HelpWanted { project, help_wanted, note })?;
            if json {
                return print_json(&project);
            }
            let now = if project.help_wanted { "wants help" } else { "no longer asks for help" };
            outln!("{} {now}", project.name);
        }
        Command::Goal(GoalCommand::Add { project, title, beginner }) => {
            let goal = host.run::<cmd::add_goal>(NewGoal { project, title, beginner_friendly: beginner })?;
            if json {
                return print_json(&goal);
            }
            outln!("Added the goal \"{}\" ({})", goal.title, goal.id);
        }
        Command::Goal(GoalCommand::Status { goal, status }) => {
            let status = GoalStatus::parse(&status).ok_or_else(|| {
                Error::Invalid(ValidationError::new(
                    "status",
                    format!("\"{status}\" is not a goal status (planned, in-progress, done, dropped)"),
                ))
            })?;
            let goal = host.run::<cmd::set_goal_status>(GoalProgress { goal, status })?;
            if json {
                return print_json(&goal);
            }
            outln!("\"{}\" is now {}", goal.title, goal.status.as_str().replace('_', " "));
        }
        Command::Status(StatusCommand::Add(status)) => {
            let project = status.project.clone();
            if status.done.is_none() && status.next.is_none() && status.blockers.is_none() {
                return Err(Error::Invalid(ValidationError::new(
                    "status",
                    "say what to record: --done, --next or --blockers (or more than one)",
                ))
                .into());
            }
            // Only the parts named are written; the others keep what this device holds.
            let update = host.run::<cmd::set_status>(DailyStatus {
                project: status.project,
                done: status.done,
                next: status.next,
                blockers: status.blockers,
                from: None,
            })?;
            if json {
                return print_json(&update);
            }
            outln!("Recorded today's status for {project}");
        }
        Command::Issues(IssuesCommand::List { project }) => {
            let issues = host.run::<cmd::issues>(IssuesQuery { project })?;
            if json {
                return print_json(&issues);
            }
            for issue in &issues {
                outln!("{}", render::issue_line(issue));
            }
        }
        Command::Claim { issue, by, mentor } => {
            let issue = host.run::<cmd::claim>(Claim { issue, attendee: by, mentor })?.issue;
            print_issue(json, "Claimed", &issue)?;
        }
        Command::Release { issue, by } => {
            let issue = host.run::<cmd::release>(Release { issue, attendee: by })?.issue;
            print_issue(json, "Released", &issue)?;
        }
        Command::Resolve { issue, keep } => {
            let issue = host.run::<cmd::resolve>(Resolve { issue, keep })?.issue;
            print_issue(json, "Resolved", &issue)?;
        }
        Command::Pr { issue, by } => {
            let issue = host.run::<cmd::mark_pr_opened>(PrOpened { issue, attendee: by })?.issue;
            print_issue(json, "PR opened for", &issue)?;
        }
        Command::Merged { issue } => {
            let issue = host.run::<cmd::mark_merged>(IssueRef { issue })?.issue;
            print_issue(json, "Merged", &issue)?;
        }
        Command::Board => {
            let board = host.run::<cmd::room_board>(())?;
            if json {
                return print_json(&board);
            }
            out!("{}", render::board(&board));
        }
    }
    Ok(())
}

/// A refusal from `sprintdesk call`, already in the `{code, message}` shape.
#[derive(Debug)]
struct CallRefused(ApiError);

impl std::fmt::Display for CallRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for CallRefused {}

/// The attendee a `Who` names, as the commands take them: their id for a badge scan, else the text.
fn who(host: &Host, who: &cli::Who) -> anyhow::Result<String> {
    match (&who.attendee, &who.badge) {
        (_, Some(badge)) => Ok(host.run::<cmd::find_badge>(BadgeScan { code: badge.clone() })?.id.to_string()),
        (Some(text), None) => Ok(text.clone()),
        (None, None) => anyhow::bail!("name the attendee or pass --badge"),
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::NotFound(format!("could not read {}: {e}", path.display())))?;
    let refused = |message: &str| {
        anyhow::Error::new(Error::Import(vec![sprintdesk_core::RowError {
            place: "the file".into(),
            message: message.into(),
        }]))
    };
    // An .xlsx workbook (pretix's default export) is a zip file: say so, not that it is "not UTF-8".
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(refused("is a spreadsheet workbook (.xlsx or .ods), not CSV; export it again as CSV (UTF-8)"));
    }
    String::from_utf8(bytes).map_err(|_| refused("is not UTF-8 text; export it again as UTF-8 CSV"))
}

/// A file's name, without its folders (which may name the user), for the list of imports.
fn file_name(path: &Path) -> Option<String> {
    path.file_name().map(|name| name.to_string_lossy().into_owned())
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

/// Refuses a database path whose folder does not exist (rather than making folders the user did not ask for).
fn ensure_folder(db: &Path) -> anyhow::Result<()> {
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        anyhow::ensure!(parent.is_dir(), "the folder {} does not exist", parent.display());
    }
    Ok(())
}

/// The store the demo is played into (the device id kept as for every other command).
fn open_store(db: &Path, ids: &dyn Ids) -> anyhow::Result<Store> {
    let state = sprintdesk_api::state_dir()?;
    let device = device_id_for(&state, db, || DeviceId(ids.make("d"))).map_err(Error::from)?;
    tracing::debug!(%device, db = %db.display(), "opening the sprint database");
    let mut store = Store::open(db, device).map_err(Error::from)?;
    store.keep_written_mark(written_mark_for(&state, db));
    store.resume_after_restore().map_err(Error::from)?;
    Ok(store)
}

/// The machine's IANA time zone, for a new sprint when `--tz` is not given: `TZ` when it names one (as a
/// shell's `TZ=America/Chicago` does), else the system's.
fn local_time_zone() -> String {
    let from_env = std::env::var("TZ").ok().map(|tz| tz.trim_start_matches(':').to_owned());
    from_env
        .into_iter()
        .chain(iana_time_zone::get_timezone().ok())
        .find(|tz| Sprint::is_time_zone(tz))
        .unwrap_or_else(|| "UTC".into())
}

/// Makes the file `--out` names, never replacing one: a report or export written over last night's, or
/// over a file of another kind, was lost without a word. Readable by its owner only: an export names people.
fn create_out(path: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(file) => Ok(file),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(sprintdesk_api::Error::from(sprintdesk_core::Error::from(ValidationError::new(
                "out",
                format!(
                    "could not write {}: something of that name is there already (a file, a folder), and is kept \
                     as it was. Give another --out, or move it away first",
                    path.display()
                ),
            )))
            .into())
        }
        // "adir/" names a folder, which `create_new` does not see as there already.
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory || path.is_dir() => {
            Err(sprintdesk_api::Error::from(sprintdesk_core::Error::from(ValidationError::new(
                "out",
                format!(
                    "could not write {}: that is a folder, kept as it was. Give --out the name of a new file in it",
                    path.display()
                ),
            )))
            .into())
        }
        // The cause kept as itself, so that a fault of the disk is told apart (`--json`: `storage`).
        Err(e) => Err(anyhow::Error::new(e).context(format!("could not write {}", path.display()))),
    }
}

/// Writes `bytes` to a new file at `path` (see [`create_out`]); a file left part written is removed.
fn write_new(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = create_out(path)?;
    if let Err(e) = std::io::Write::write_all(&mut file, bytes).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(anyhow::Error::new(e).context(format!("could not write {}", path.display())));
    }
    Ok(())
}

/// Writes a report or export to `out`, or to the screen.
fn write_document(
    document: &sprintdesk_core::Document,
    out: Option<&std::path::Path>,
    json: bool,
) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            write_new(path, document.text.as_bytes())?;
            if json {
                print_json(&serde_json::json!({"written": path, "bytes": document.text.len()}))?;
            } else {
                outln!("Wrote {} ({} bytes)", path.display(), document.text.len());
            }
        }
        None => out!("{}", document.text),
    }
    Ok(())
}

/// Records `answer` as the person's answer to photos when it differs from the one held: the organizer's edit,
/// which a locked kiosk's command line may not make (it says so, and changes nothing).
fn photo_answer(host: &Host, person: &sprintdesk_core::domain::AttendeeId, answer: bool) -> anyhow::Result<()> {
    let Ok(held) = host.run::<cmd::attendee>(PersonQuery { attendee: person.to_string() }) else {
        // A locked kiosk reads no one's record (it once said this note at every sign-in, the answer recorded
        // or not): a "no" it records as the door does, from anyone; a "yes" stays the first answer given.
        if !answer {
            host.run::<cmd::decline_photos>(PersonQuery { attendee: person.to_string() })?;
        }
        return Ok(());
    };
    if held.photo_consent == Some(answer) {
        return Ok(());
    }
    let edit = sprintdesk_core::AttendeeEdit {
        id: held.id.clone(),
        name: held.name.clone(),
        handle: held.handle.clone(),
        email: held.email.clone(),
        roles: held.roles.clone(),
        first_timer: held.first_timer,
        badge_code: held.badge_code.clone(),
        photo_consent: Some(answer),
    };
    if host.run::<cmd::edit_attendee>(edit).is_err() {
        eprintln!("note: a changed answer to photos is an organizer's to record; this device kept the one it holds");
    }
    Ok(())
}
