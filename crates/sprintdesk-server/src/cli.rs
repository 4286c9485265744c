//! The command line, as clap parses it.

use chrono::{NaiveDate, NaiveTime};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Sprintdesk: run an in-person coding sprint from a terminal.
#[derive(Debug, Parser)]
#[command(name = "sprintdesk", version, about, propagate_version = true)]
pub struct Cli {
    /// The sprint database [default: the platform data directory, e.g. ~/.local/share/sprintdesk/sprint.db]
    #[arg(long, global = true, env = "SPRINTDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Print JSON instead of text (errors too, as {"code", "message"} on stderr)
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run this device as a full venue peer: sync listener, live sync with known devices, discovery and
    /// join codes. Stops with Ctrl-C.
    Serve(Serve),
    /// Show a one-time join code (and its QR) for a new device, valid for 10 minutes: the code says what
    /// the device will be
    Pair {
        /// kiosk, board, table-lead (with --project) or organizer
        #[arg(long, default_value = "kiosk")]
        role: String,
        /// A table lead's project (id, name or table): its laptop writes only that project's goals, status
        /// and claims
        #[arg(long)]
        project: Option<String>,
        /// The same as --role organizer: the device gets the venue's key and may pair and revoke devices too
        #[arg(long, conflicts_with = "role")]
        organizer: bool,
    },
    /// Join the venue of the device at ADDR (host:port) with the join code it shows
    Join {
        code: String,
        addr: String,
        /// How this device is listed [default: the machine's host name]
        #[arg(long)]
        name: Option<String>,
        /// What this device is (organizer, table-lead, kiosk or board), checked against what the organizer
        /// chose for the code [default: what the code says]
        #[arg(long)]
        role: Option<String>,
    },
    /// Forget this device's organizer PIN and unlock its kiosk (for an organizer who forgot it; the next
    /// lock sets a new one). Works only here, on this computer's own shell
    ForgotPin,
    /// On the venue's organizer computer whose Sprintdesk state folder was lost (it is back under a new id
    /// and must be paired again): take back the venue's key this database holds, to pair and revoke again.
    /// Only for the venue's own organizer file, when no other organizer computer can pair it; works only
    /// here, on this computer's own shell
    TakeBackVenue,
    /// Known devices: last seen, clock offset, how far behind, problems
    Peers,
    /// Sync once with the device at ADDR (host:port), ending when both hold the same changes
    Sync { addr: String },
    /// The venue's paired devices
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// A hash of the sprint as this device shows it: equal on two devices exactly when they agree
    Digest,
    /// Delete a record (attendee, project, goal, issue, status, pr)
    Delete { kind: String, id: String },
    /// Erase a person's personal data (name, e-mail, handle, badge) on every device, for good; their
    /// sign-ins and claims still count under a pseudonym
    Erase {
        who: String,
        /// The organizer PIN, where this device has one
        #[arg(long)]
        pin: Option<String>,
    },
    /// Bring back a deleted record
    Restore { kind: String, id: String },
    /// Records deleted on one device and edited on another, to restore or leave deleted
    Review,
    /// Create the sprint in a new database
    Init(Init),
    /// Show the sprint's days, hours, venue and code of conduct
    Sprint,
    /// Fill a new database with a realistic three-day demo sprint
    Demo,
    /// Import attendees (pretix, Eventbrite, plain CSV), issues (gh JSON, CSV) or pull requests (gh, GitHub REST, GitLab)
    #[command(subcommand)]
    Import(ImportCommand),
    /// Find, list, add and merge attendees
    #[command(subcommand)]
    Attendees(AttendeesCommand),
    /// Sign someone in for today, by id, name, @handle or badge
    Signin(SignInArgs),
    /// Sign someone out
    Signout(Who),
    /// Who is here now, per table, and how many came each day
    Presence,
    /// Add and list projects (tables)
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Add goals and change their status
    #[command(subcommand)]
    Goal(GoalCommand),
    /// The daily status meeting: record a project's done, next and blockers for today
    #[command(subcommand)]
    Status(StatusCommand),
    /// List issues and their claims
    #[command(subcommand)]
    Issues(IssuesCommand),
    /// Record that someone works on an issue (ISSUE: id, URL, #123 or project#123)
    Claim {
        issue: String,
        #[arg(long)]
        by: String,
        /// Required for a first-time contributor
        #[arg(long)]
        mentor: Option<String>,
    },
    /// Let go of a claimed issue
    Release {
        issue: String,
        #[arg(long)]
        by: String,
    },
    /// Settle a contested issue: who keeps it (name two to pair them)
    Resolve {
        issue: String,
        #[arg(long, required = true)]
        keep: Vec<String>,
    },
    /// Mark that a pull request was opened for an issue
    Pr {
        issue: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Mark an issue's pull request as merged
    Merged { issue: String },
    /// Every project: goals, claims, who is present, help wanted, today's status
    Board,
    /// The sprint's report: who came, what each project did, pull requests, the retrospective
    Report {
        /// html (one self-contained file), md (for a blog post) or json (for scripts)
        #[arg(long, default_value = "md", value_parser = ["md", "html", "json"])]
        format: String,
        /// Write it to this file instead of the screen
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Export: attendance (per person per day), claims, prs, photo-consent (CSV), or sprint (everything, JSON)
    Export {
        #[arg(value_parser = ["attendance", "claims", "prs", "photo-consent", "sprint"])]
        kind: String,
        /// Write it to this file instead of the screen
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A printable badge (name, handle, project, QR code of the badge code) for someone without one: sent to
    /// this device's badge printer when one is chosen in Settings, and written as a PDF
    Badge {
        /// The attendee: id, @handle or name
        who: String,
        /// Where to write the PDF [default: badge.pdf here]; an existing file is never replaced
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run any command of the API by name, with its arguments as JSON; prints the JSON result. The same
    /// commands as the app and `POST /api/<command>` (e.g. `sprintdesk call duplicates`)
    Call {
        command: String,
        /// The arguments as a JSON object, e.g. '{"query": "lukasz"}'
        args: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct Init {
    #[arg(long)]
    pub name: String,
    /// The first day, YYYY-MM-DD
    #[arg(long)]
    pub start: NaiveDate,
    /// How many days, break days included
    #[arg(long)]
    pub days: u32,
    /// The venue's time zone, e.g. Europe/Prague [default: this machine's]
    #[arg(long)]
    pub tz: Option<String>,
    /// A day when the venue is closed (repeatable)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub break_day: Vec<NaiveDate>,
    #[arg(long, default_value = "09:00", value_parser = parse_time)]
    pub opens: NaiveTime,
    #[arg(long, default_value = "18:00", value_parser = parse_time)]
    pub closes: NaiveTime,
}

fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("\"{text}\" is not a time like 09:30"))
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A pretix check-in list CSV, an Eventbrite attendee CSV, or a CSV with name,email,handle,roles
    Attendees {
        file: PathBuf,
        /// Import the good rows and leave out the bad ones (listed), rather than importing nothing until
        /// every row is mended
        #[arg(long)]
        leave_out_bad_rows: bool,
        /// Import it although it names another event than the attendee lists imported before (it is this
        /// sprint's list after all)
        #[arg(long)]
        another_event: bool,
    },
    /// The JSON of `gh issue list --json number,title,labels,url,state`, or a CSV with title,url,labels
    Issues {
        file: PathBuf,
        /// The project the issues belong to, when the file's repository is this project's or none's (one of
        /// another project's repository is refused) [default: matched by repository URL]
        #[arg(long)]
        project: Option<String>,
    },
    /// Pull requests: `gh pr list --state all --json number,title,url,state,author,createdAt,mergedAt,closedAt,labels,body`,
    /// `gh api repos/OWNER/REPO/pulls?state=all --paginate`, or `glab mr list -F json`. Merged ones move the
    /// claims of the issues they close
    Prs {
        file: PathBuf,
        /// The project the pull requests belong to, when the file's repository is this project's or none's
        /// (one of another project's repository is refused) [default: matched by repository URL]
        #[arg(long)]
        project: Option<String>,
    },
    /// The attendee and issue imports made on this device (its last 20), newest first
    List,
    /// Take back an import made on this device: the people or issues it added are deleted (unless signed in,
    /// edited or claimed since) and what it changed is set back (unless changed since)
    Undo {
        /// The import, as `import list` or the import itself printed it [default: the latest not undone]
        id: Option<String>,
        /// Also erase the people an attendee import added from every device and its history (a file that
        /// should never have been imported); works too on an import taken back already
        #[arg(long)]
        erase: bool,
        /// The organizer PIN, where this device has one (erasing needs it)
        #[arg(long)]
        pin: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AttendeesCommand {
    /// Search by name or handle, ignoring accents and case ("lukasz" finds "Łukasz")
    Search {
        #[arg(required = true)]
        query: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Everyone (organizers only: includes emails)
    List,
    /// One person in full
    Show { who: String },
    /// Register someone (a walk-in)
    Add(AddAttendee),
    /// Correct someone's details; only what is given changes (an empty value, `--email ''`, clears it)
    Edit(EditAttendee),
    /// Pairs of records that are probably one person (same ticket, email, handle or name)
    Duplicates,
    /// Mark DUPLICATE as the same person as INTO
    Merge { duplicate: String, into: String },
    /// Take back a merge: DUPLICATE (its id, as `attendees merged WHO` lists it) is a person of their own
    /// again
    Separate { duplicate: String },
    /// The records merged into WHO as duplicates
    Merged { who: String },
    /// Everything the venue holds about one person, as JSON (an access request)
    ExportPerson {
        who: String,
        /// Write it to this file instead of the screen
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct AddAttendee {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: Option<String>,
    /// GitHub or GitLab handle
    #[arg(long)]
    pub handle: Option<String>,
    /// sprinter, table-lead, mentor or organizer (repeatable)
    #[arg(long)]
    pub role: Vec<String>,
    #[arg(long)]
    pub first_timer: bool,
    #[arg(long)]
    pub badge: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditAttendee {
    /// An attendee id, @handle or full name
    pub who: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// GitHub or GitLab handle
    #[arg(long)]
    pub handle: Option<String>,
    /// sprinter, table-lead, mentor or organizer (repeatable; replaces their roles)
    #[arg(long)]
    pub role: Vec<String>,
    #[arg(long, value_enum)]
    pub first_timer: Option<YesNo>,
    #[arg(long)]
    pub badge: Option<String>,
    /// Whether they agree to be photographed (a withdrawn answer is given to an organizer)
    #[arg(long, value_enum)]
    pub photo: Option<YesNo>,
}

#[derive(Debug, Args)]
pub struct Who {
    /// An attendee id, @handle or full name
    #[arg(required_unless_present = "badge", conflicts_with = "badge")]
    pub attendee: Option<String>,
    /// A badge code or ticket secret, as scanned
    #[arg(long)]
    pub badge: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    #[command(flatten)]
    pub who: Who,
    /// The project or table they sit at
    #[arg(long)]
    pub project: Option<String>,
    /// To move someone signed in already: the table they are at now, as the door asks it (`none` for no
    /// table); their --badge does as well
    #[arg(long, value_name = "TABLE", conflicts_with = "badge")]
    pub from: Option<String>,
    /// They have read and accept the code of conduct (needed on their first sign-in, and when it changes)
    #[arg(long)]
    pub accept_coc: bool,
    /// Whether they agree to be photographed
    #[arg(long, value_enum)]
    pub photo: Option<YesNo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        repo: Option<String>,
        /// The table label, e.g. T4
        #[arg(long)]
        table: Option<String>,
        /// A table lead, by id, @handle or name (repeatable)
        #[arg(long)]
        lead: Vec<String>,
    },
    List,
    /// Raise or lower the "help wanted" flag
    HelpWanted {
        project: String,
        state: OnOff,
        /// What help is wanted, e.g. "someone who knows Windows"
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    Add {
        #[arg(long)]
        project: String,
        #[arg(long)]
        title: String,
        /// A goal suitable for first-time contributors
        #[arg(long)]
        beginner: bool,
    },
    /// Set a goal's status: planned, in-progress, done, dropped
    Status { goal: String, status: String },
}

#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// Record today's status for a project: the parts given (`--blockers ""` clears one); the others stay
    /// as they are
    Add(StatusArgs),
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long)]
    pub project: String,
    #[arg(long)]
    pub done: Option<String>,
    #[arg(long)]
    pub next: Option<String>,
    #[arg(long)]
    pub blockers: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IssuesCommand {
    List {
        #[arg(long)]
        project: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct Serve {
    /// Where to accept sync connections from other devices
    #[arg(long, default_value = "0.0.0.0:7733", value_name = "ADDR")]
    pub listen: String,
    /// Also keep connected to this device (host:port); repeat for more
    #[arg(long, value_name = "ADDR")]
    pub connect: Vec<String>,
    /// Do not advertise or browse with mDNS
    #[arg(long)]
    pub no_discovery: bool,
    /// How this device is listed [default: the machine's host name]
    #[arg(long)]
    pub name: Option<String>,
    /// This device's role, when it starts a venue: organizer, table-lead, kiosk or board
    #[arg(long, default_value = "organizer")]
    pub role: String,
    /// Where the browser UI and its JSON API listen (keep it on 127.0.0.1 unless the venue needs otherwise)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7780")]
    pub http: Option<String>,
    /// Do not serve the browser UI and its API
    #[arg(long, conflicts_with = "http")]
    pub no_http: bool,
    /// The built UI to serve [default: ui/dist of this checkout, or $SPRINTDESK_UI]
    #[arg(long, value_name = "DIR")]
    pub ui: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DevicesCommand {
    /// List the paired devices
    List,
    /// Revoke a device: every device refuses it once the revocation has synced
    Revoke { id: String },
}
