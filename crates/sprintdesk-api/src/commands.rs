//! The named commands: each one parses its arguments, calls one use case of the core, and returns its
//! result as JSON. [`COMMANDS`] is the list the adapters expose (Tauri commands, `POST /api/<name>`) and the
//! UI's typed client is generated from (`ui/src/bindings/commands.ts`).

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sprintdesk_core::Reach::{self, Door, Staff};
use sprintdesk_core::domain::{GoalStatus, Role, Sprint};
use sprintdesk_core::{
    AttendeeEdit, Desk, Error, Lookup, ModeChange, NewAttendee, NewProject, NewSprint, SignIn, WalkIn,
};

/// One command: its name, the TypeScript types of its arguments and result, whether it writes, and which
/// devices may use it (a locked kiosk reaches only the door's commands).
#[derive(Clone, Copy, Debug)]
pub struct Command {
    pub name: &'static str,
    pub args: &'static str,
    pub result: &'static str,
    pub writes: bool,
    pub reach: Reach,
}

const fn read(reach: Reach, name: &'static str, args: &'static str, result: &'static str) -> Command {
    Command { name, args, result, writes: false, reach }
}

const fn write(reach: Reach, name: &'static str, args: &'static str, result: &'static str) -> Command {
    Command { name, args, result, writes: true, reach }
}

/// Every command, in the order the generated client lists them.
pub const COMMANDS: &[Command] = &[
    read(Door, "setup", "null", "Setup"),
    write(Door, "set_mode", "ModeChange", "Setup"),
    write(Staff, "create_sprint", "NewSprint", "Sprint"),
    read(Door, "sprint", "null", "Sprint"),
    write(Staff, "update_sprint", "Sprint", "Sprint"),
    read(Door, "search", "SearchArgs", "Array<AttendeeCard>"),
    read(Door, "find_badge", "BadgeArgs", "AttendeeCard"),
    write(Door, "sign_in", "SignInArgs", "SignInOutcome"),
    write(Door, "sign_out", "PersonArgs", "SignOutOutcome"),
    write(Door, "register_walk_in", "WalkIn", "SignInOutcome"),
    write(Door, "undo", "UndoArgs", "string"),
    read(Staff, "presence", "null", "PresenceReport"),
    read(Door, "board", "null", "Board"),
    read(Staff, "attendees", "null", "Array<Attendee>"),
    write(Staff, "add_attendee", "NewAttendeeArgs", "Attendee"),
    write(Staff, "edit_attendee", "AttendeeEdit", "Attendee"),
    write(Staff, "merge_attendees", "MergeArgs", "Attendee"),
    write(Staff, "import_attendees", "ImportArgs", "ImportReport"),
    read(Staff, "projects", "null", "Array<Project>"),
    write(Staff, "add_project", "NewProjectArgs", "Project"),
    write(Staff, "set_help_wanted", "HelpWantedArgs", "Project"),
    write(Staff, "add_goal", "NewGoalArgs", "Goal"),
    write(Staff, "set_goal_status", "GoalStatusArgs", "Goal"),
    write(Staff, "set_status", "StatusArgs", "StatusUpdate"),
    write(Staff, "import_issues", "ImportArgs", "ImportReport"),
    read(Staff, "issues", "IssuesArgs", "Array<IssueBoard>"),
    write(Staff, "claim", "ClaimArgs", "IssueBoard"),
    write(Staff, "release", "ClaimArgs", "IssueBoard"),
    write(Staff, "resolve", "ResolveArgs", "IssueBoard"),
    write(Staff, "mark_pr_opened", "IssueArgs", "IssueBoard"),
    write(Staff, "mark_merged", "IssueArgs", "IssueBoard"),
    read(Staff, "devices", "null", "Array<DeviceView>"),
    write(Staff, "revoke_device", "DeviceArgs", "DeviceView"),
    read(Staff, "review", "null", "Array<ReviewItem>"),
    write(Staff, "restore", "RecordArgs", "null"),
    write(Staff, "pair", "null", "JoinCode"),
];

/// Finds a command by name.
pub fn command(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

macro_rules! args {
    ($($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty),* $(,)? })*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, Deserialize, ts_rs::TS)]
        #[serde(deny_unknown_fields)]
        #[ts(export)]
        pub struct $name { $($(#[$fdoc])* pub $field: $ty),* }
    )*};
}

args! {
    SearchArgs {
        query: String,
        /// At most this many people (default 8, never more than 20).
        #[serde(default)] limit: Option<u32>,
    }
    BadgeArgs { code: String }
    SignInArgs {
        /// An attendee id.
        attendee: String,
        /// A project id, name or table label.
        #[serde(default)] project: Option<String>,
        #[serde(default)] accept_code_of_conduct: bool,
        #[serde(default)] photo_consent: Option<bool>,
    }
    PersonArgs { attendee: String }
    UndoArgs { token: String }
    NewAttendeeArgs {
        name: String,
        #[serde(default)] handle: Option<String>,
        #[serde(default)] email: Option<String>,
        #[serde(default)] roles: Vec<Role>,
        #[serde(default)] first_timer: bool,
        #[serde(default)] badge_code: Option<String>,
    }
    MergeArgs { duplicate: String, survivor: String }
    ImportArgs {
        /// The file's text: a pretix or Eventbrite export, a plain CSV, or a GitHub issue list.
        text: String,
        /// For issues: the project they belong to, when the file does not say.
        #[serde(default)] project: Option<String>,
    }
    NewProjectArgs {
        name: String,
        #[serde(default)] repo_url: Option<String>,
        #[serde(default)] table_label: Option<String>,
        /// Attendee ids, handles or full names.
        #[serde(default)] leads: Vec<String>,
    }
    HelpWantedArgs { project: String, help_wanted: bool }
    NewGoalArgs { project: String, title: String, #[serde(default)] beginner_friendly: bool }
    GoalStatusArgs { goal: String, status: GoalStatus }
    StatusArgs { project: String, done: String, next: String, blockers: String }
    IssuesArgs { #[serde(default)] project: Option<String> }
    ClaimArgs {
        issue: String,
        /// The attendee id of the sprinter.
        attendee: String,
        /// The attendee id of their mentor (a first-time contributor needs one).
        #[serde(default)] mentor: Option<String>,
    }
    ResolveArgs {
        issue: String,
        /// Attendee ids of who keeps the issue; two or more make a pair.
        keep: Vec<String>,
    }
    IssueArgs {
        issue: String,
        /// Who opened the pull request, if known.
        #[serde(default)] attendee: Option<String>,
    }
    DeviceArgs { device: String }
    RecordArgs {
        /// attendee, project, goal, status_update or issue.
        kind: String,
        id: String,
    }
}

/// A join code for a new device, with where to reach this one.
#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JoinCode {
    pub code: String,
    /// This device's LAN address, when its peer is listening.
    pub address: Option<String>,
    #[ts(type = "number")]
    pub expires_at: i64,
    /// The QR code of `sprintdesk:join?code=…&addr=…`, as SVG.
    pub qr_svg: String,
}

/// Why a command was not run: the error the core gave, or arguments that did not fit.
#[derive(Debug)]
pub enum CallError {
    Core(Error),
    UnknownCommand(String),
    BadArguments { command: &'static str, reason: String },
}

impl From<Error> for CallError {
    fn from(error: Error) -> Self {
        CallError::Core(error)
    }
}

impl From<sprintdesk_core::store::StoreError> for CallError {
    fn from(error: sprintdesk_core::store::StoreError) -> Self {
        CallError::Core(error.into())
    }
}

impl From<&CallError> for sprintdesk_core::ApiError {
    fn from(error: &CallError) -> Self {
        let (code, message) = match error {
            CallError::Core(error) => return error.into(),
            CallError::UnknownCommand(name) => ("unknown_command", format!("there is no command called {name}")),
            CallError::BadArguments { command, reason } => {
                ("bad_arguments", format!("the request to {command} did not make sense: {reason}"))
            }
        };
        sprintdesk_core::ApiError { code: code.into(), message, rows: Vec::new() }
    }
}

fn parse<T: DeserializeOwned>(command: &'static Command, args: Value) -> Result<T, CallError> {
    // `null` stands for "no arguments" and for an empty object alike.
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    serde_json::from_value(args)
        .map_err(|error| CallError::BadArguments { command: command.name, reason: error.to_string() })
}

fn json<T: serde::Serialize>(value: T) -> Result<Value, CallError> {
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
}

fn id(text: String) -> Lookup {
    Lookup::Id(text)
}

/// Runs `command` against the desk. `pair` is answered by the host (it needs the peer's address).
pub(crate) fn dispatch(desk: &mut Desk, command: &'static Command, args: Value) -> Result<Value, CallError> {
    let c = command;
    match c.name {
        "setup" => json(desk.setup()?),
        "set_mode" => json(desk.set_mode(parse::<ModeChange>(c, args)?)?),
        "create_sprint" => json(desk.create_new_sprint(parse::<NewSprint>(c, args)?)?),
        "sprint" => json(desk.sprint()?),
        "update_sprint" => json(desk.update_sprint(parse::<Sprint>(c, args)?)?),
        "search" => {
            let a: SearchArgs = parse(c, args)?;
            json(desk.search(&a.query, a.limit.unwrap_or(8).clamp(1, 20) as usize)?)
        }
        "find_badge" => json(desk.find_badge(&parse::<BadgeArgs>(c, args)?.code)?),
        "sign_in" => {
            let a: SignInArgs = parse(c, args)?;
            json(desk.sign_in(SignIn {
                who: id(a.attendee),
                project: a.project.filter(|p| !p.is_empty()),
                accept_code_of_conduct: a.accept_code_of_conduct,
                photo_consent: a.photo_consent,
            })?)
        }
        "sign_out" => json(desk.sign_out(&id(parse::<PersonArgs>(c, args)?.attendee))?),
        "register_walk_in" => json(desk.register_walk_in(parse::<WalkIn>(c, args)?)?),
        "undo" => json(desk.undo(&parse::<UndoArgs>(c, args)?.token)?),
        "presence" => json(desk.presence()?),
        "board" => json(desk.board()?),
        "attendees" => json(desk.attendees()?),
        "add_attendee" => {
            let a: NewAttendeeArgs = parse(c, args)?;
            json(desk.add_attendee(NewAttendee {
                name: a.name,
                email: a.email,
                handle: a.handle,
                roles: a.roles,
                first_timer: a.first_timer,
                badge_code: a.badge_code,
            })?)
        }
        "edit_attendee" => json(desk.edit_attendee(parse::<AttendeeEdit>(c, args)?)?),
        "merge_attendees" => {
            let a: MergeArgs = parse(c, args)?;
            json(desk.merge_attendees(&id(a.duplicate), &id(a.survivor))?)
        }
        "import_attendees" => json(desk.import_attendees(&parse::<ImportArgs>(c, args)?.text)?),
        "projects" => json(desk.projects()?),
        "add_project" => {
            let a: NewProjectArgs = parse(c, args)?;
            json(desk.add_project(NewProject {
                name: a.name,
                repo_url: a.repo_url,
                table_label: a.table_label,
                leads: a.leads,
            })?)
        }
        "set_help_wanted" => {
            let a: HelpWantedArgs = parse(c, args)?;
            json(desk.set_help_wanted(&a.project, a.help_wanted)?)
        }
        "add_goal" => {
            let a: NewGoalArgs = parse(c, args)?;
            json(desk.add_goal(&a.project, &a.title, a.beginner_friendly)?)
        }
        "set_goal_status" => {
            let a: GoalStatusArgs = parse(c, args)?;
            json(desk.set_goal_status(&a.goal, a.status)?)
        }
        "set_status" => {
            let a: StatusArgs = parse(c, args)?;
            json(desk.set_status(&a.project, &a.done, &a.next, &a.blockers)?)
        }
        "import_issues" => {
            let a: ImportArgs = parse(c, args)?;
            json(desk.import_issues(&a.text, a.project.as_deref())?)
        }
        "issues" => json(desk.issues(parse::<IssuesArgs>(c, args)?.project.as_deref())?),
        "claim" => {
            let a: ClaimArgs = parse(c, args)?;
            json(desk.claim(&a.issue, &id(a.attendee), a.mentor.map(id).as_ref())?)
        }
        "release" => {
            let a: ClaimArgs = parse(c, args)?;
            json(desk.release(&a.issue, &id(a.attendee))?)
        }
        "resolve" => {
            let a: ResolveArgs = parse(c, args)?;
            let keep: Vec<Lookup> = a.keep.into_iter().map(id).collect();
            json(desk.resolve(&a.issue, &keep)?)
        }
        "mark_pr_opened" => {
            let a: IssueArgs = parse(c, args)?;
            json(desk.mark_pr_opened(&a.issue, a.attendee.map(id).as_ref())?)
        }
        "mark_merged" => json(desk.mark_merged(&parse::<IssueArgs>(c, args)?.issue)?),
        "devices" => json(desk.devices()?),
        "revoke_device" => json(desk.revoke_device(&parse::<DeviceArgs>(c, args)?.device)?),
        "review" => json(desk.review()?),
        "restore" => {
            let a: RecordArgs = parse(c, args)?;
            json(desk.restore(sprintdesk_core::deletable_kind(&a.kind)?, &a.id)?)
        }
        _ => Err(CallError::UnknownCommand(c.name.into())),
    }
}

/// The TypeScript map from command name to `[arguments, result]` that the UI's client is typed by.
pub fn typescript_map() -> String {
    let mut types: Vec<&str> = COMMANDS
        .iter()
        .flat_map(|c| [c.args, c.result])
        .map(|t| t.trim_start_matches("Array<").trim_end_matches('>'))
        .filter(|t| !matches!(*t, "null" | "string"))
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut out = String::from("// Generated by sprintdesk-api (commands.rs) when `cargo test` runs. Do not edit.\n");
    for t in &types {
        out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
    }
    out.push_str("\n/** Every command: its arguments and its result. */\nexport interface Commands {\n");
    for c in COMMANDS {
        out.push_str(&format!("  {}: {{ args: {}; result: {} }};\n", c.name, c.args, c.result));
    }
    out.push_str(
        "}\n\n/** The commands that change the sprint. */\nexport const WRITES: ReadonlyArray<keyof Commands> = [\n",
    );
    for c in COMMANDS.iter().filter(|c| c.writes) {
        out.push_str(&format!("  \"{}\",\n", c.name));
    }
    out.push_str("];\n");
    out
}
