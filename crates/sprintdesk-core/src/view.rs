//! What the use cases return: plain serializable views, shaped for the screens that show them.

use crate::{DoorBadge, RowError};
use chrono::NaiveDate;
use serde::Serialize;
use sprintdesk_domain::{
    AttendeeId, ClaimState, GoalId, GoalStatus, IssueId, IssueState, ProjectId, SameBecause, Timestamp,
};

/// A person as a kiosk may show them: no email, no badge code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AttendeeCard {
    pub id: AttendeeId,
    pub name: String,
    pub handle: Option<String>,
    pub first_timer: bool,
    /// Whether they are signed in now. Never where they sit: the door must not tell anyone where a named person
    /// is (someone avoiding a person, under the code of conduct); the person knows their own table.
    pub here_now: bool,
    /// They have not accepted the current code of conduct yet: the kiosk asks before signing them in.
    pub needs_code_of_conduct: bool,
    /// They were never asked about photos: the kiosk asks once.
    pub asks_photo_consent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PersonRef {
    pub id: AttendeeId,
    pub name: String,
}

impl PersonRef {
    /// Someone the door's board does not name: an empty id and name (see [`Board::names`]).
    pub fn withheld() -> Self {
        Self { id: AttendeeId::default(), name: String::new() }
    }
}

/// Someone signed in at a table, with what a table lead needs to pair people: no contact details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PresentPerson {
    pub id: AttendeeId,
    pub name: String,
    /// A first-time contributor: their claims need a mentor.
    pub first_timer: bool,
    /// A mentor or table lead, who may mentor a first-timer's claim.
    pub can_mentor: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ProjectRef {
    pub id: ProjectId,
    pub name: String,
    pub table_label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SignInOutcome {
    pub person: PersonRef,
    pub day: NaiveDate,
    pub project: Option<ProjectRef>,
    /// They were already signed in at this table today: nothing new was recorded.
    pub already_here: bool,
    /// Hands this to [`crate::Desk::undo`] within [`crate::UNDO_SECONDS`] to take the sign-in back.
    pub undo: Option<String>,
    /// What the welcome screen offers for their badge (with `undo` as the proof it is them).
    pub door_badge: DoorBadge,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SignOutOutcome {
    pub person: PersonRef,
    pub undo: Option<String>,
    /// The kiosk asks the retrospective now: today it does, and this person has not answered it yet today
    /// (`undo` is then also good for one set of answers).
    pub retro: bool,
    /// The claims the sign-out let go, as "#1042 (Fix the loader)": a claim is held while its holder is here,
    /// so someone who leaves for lunch is told that others may take it now.
    pub released: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PresenceReport {
    /// The day, when the venue is open now (a sprint day, not a break, before closing).
    pub today: Option<NaiveDate>,
    /// The venue's date now, open or not.
    pub date: NaiveDate,
    /// Where the venue stands now: open, closed for the evening, a break, before or after the sprint.
    pub venue: VenueNow,
    pub here_now: usize,
    /// Distinct people signed in on [`PresenceReport::date`], including those who have left (after closing
    /// too: the evening's page still says who came).
    pub today_count: usize,
    /// Who is here now, per table; `project` is `None` for people who did not choose one.
    pub tables: Vec<TablePresence>,
    pub per_day: Vec<DayCount>,
}

/// Where the venue stands at one moment, for the words above the day's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VenueNow {
    /// A sprint day before its closing time: people sign in.
    Open,
    /// A sprint day after its closing time (`HH:MM`, the venue's time): everyone still in was signed out.
    /// `reopens`: the next day the venue opens; none after the sprint's last.
    Closed { closed: String, reopens: Option<NaiveDate> },
    /// A break day of the sprint: closed until `reopens` (none when no open day follows).
    Break { reopens: Option<NaiveDate> },
    /// Before the sprint's first day, or on a day between two of its days: the venue opens on `starts`.
    Before { starts: NaiveDate },
    /// After the sprint's last day.
    Over,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TablePresence {
    pub project: Option<ProjectRef>,
    pub people: Vec<PersonRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DayCount {
    pub date: NaiveDate,
    pub is_break: bool,
    pub people: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Board {
    pub sprint: String,
    /// It names who is here at each table and who holds each claim: a screen in the room (a paired board,
    /// a lead's, the organizer's). `false` at the door and over the venue network, where it names only the
    /// leads: someone avoiding a person must not be able to find them from the door.
    pub names: bool,
    pub today: Option<NaiveDate>,
    pub here_now: usize,
    pub today_count: usize,
    pub projects: Vec<ProjectBoard>,
    /// Today's stand-up, while it runs.
    pub standup: Option<StandupView>,
    /// The venue closes within half an hour, at this instant: claims not kept overnight are released then.
    #[ts(type = "number | null")]
    pub closing_at: Option<Timestamp>,
    /// Where the venue stands now (the kiosk says it is closed before asking anyone anything).
    pub venue: VenueNow,
    /// [`Board::closing_at`] in the venue's time (`HH:MM`), whatever zone the screen is in.
    pub closing_time: Option<String>,
    /// This closing is the sprint's last: its claims are released for good, none kept overnight.
    pub closing_is_last: bool,
    /// The next day the venue opens after today (none on the last day): a claim kept overnight lasts until
    /// that day's closing, which may be days away over a break.
    pub next_open_day: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ProjectBoard {
    pub project: ProjectRef,
    pub repo_url: Option<String>,
    pub help_wanted: bool,
    /// What help is wanted, in the lead's words ("" if they said nothing).
    pub help_note: String,
    pub leads: Vec<PersonRef>,
    /// How many are signed in at this table now.
    pub here: usize,
    /// Who they are (empty when the board does not name people, see [`Board::names`]).
    pub present: Vec<PresentPerson>,
    pub goals: Vec<GoalView>,
    /// Issues with a claim on them (active, PR open or merged), contested ones first.
    pub claims: Vec<IssueBoard>,
    pub status_today: Option<StatusView>,
    /// While today's status says nothing yet: the latest earlier one, for the morning's stand-up (what the
    /// table said it would do next, what blocked it).
    pub status_earlier: Option<EarlierStatus>,
    pub open_issues: usize,
    pub beginner_issues: usize,
    /// From half an hour before closing: the claims closing will release (none kept overnight).
    pub closing_releases: Vec<ClosingRelease>,
}

/// Today's stand-up while it runs: which table speaks, in what order, and for how long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StandupView {
    pub day: NaiveDate,
    /// Which of `order` is speaking.
    pub position: u32,
    pub order: Vec<ProjectRef>,
    pub turn_seconds: u32,
    /// Seconds the speaking table has had when this was read.
    pub elapsed_seconds: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct GoalView {
    pub id: GoalId,
    pub title: String,
    pub status: GoalStatus,
    pub beginner_friendly: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StatusView {
    pub done: String,
    pub next: String,
    pub blockers: String,
}

impl StatusView {
    /// All three fields are empty (a status cleared by its lead).
    pub fn is_empty(&self) -> bool {
        self.done.trim().is_empty() && self.next.trim().is_empty() && self.blockers.trim().is_empty()
    }
}

/// A table's status of an earlier day, shown while today's says nothing yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct EarlierStatus {
    pub day: NaiveDate,
    /// `day` is the calendar day before today.
    pub yesterday: bool,
    pub status: StatusView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IssueBoard {
    pub id: IssueId,
    pub number: Option<u32>,
    pub title: String,
    pub url: String,
    pub state: IssueState,
    pub beginner_friendly: bool,
    pub contested: bool,
    /// Current holders (active, PR open) and, once merged, who did it.
    pub holders: Vec<HolderView>,
}

/// What a lead's action on an issue (claim, release, PR opened, merged, …) left, and how to take it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ClaimDone {
    pub issue: IssueBoard,
    /// What was done, in words ("Ana Lima let go of #12 (Fix the docs)").
    pub done: String,
    /// Hands this to [`crate::Desk::undo`] within [`crate::UNDO_SECONDS`] to take the action back (none
    /// when nothing new was recorded).
    pub undo: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HolderView {
    pub person: PersonRef,
    pub mentor: Option<PersonRef>,
    pub state: ClaimState,
    /// A lead kept it over the night: closing time does not release it today.
    pub kept_overnight: bool,
    /// When the claim was made, and on which device (by its name on the allow-list).
    #[ts(type = "number")]
    pub claimed_at: Timestamp,
    pub claimed_on: Option<String>,
    /// A lead agreed to two or more holding it together.
    pub paired: bool,
    /// For a first-timer, who holds one issue at a time: the other issues they hold too, as "#3 (Document
    /// the board)". Two claims made on two devices while they were apart each passed the rule there; the
    /// lead lets one go.
    pub also_holds: Vec<String>,
}

/// A claim that today's closing will release (shown from half an hour before).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ClosingRelease {
    pub issue: IssueId,
    pub number: Option<u32>,
    pub title: String,
    pub person: PersonRef,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportReport {
    /// The format recognised from the header: `pretix`, `eventbrite`, `plain csv`, `gh json`.
    pub format: String,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Pull requests only: claims moved to "PR open" or merged by the pull requests that close their issues.
    #[serde(default)]
    pub claims_moved: usize,
    /// Issues only: claims released because the file now says their issue is closed (they were released
    /// without a word).
    #[serde(default)]
    pub claims_released: usize,
    /// Attendees only: people whose details on this device the file replaced, each with the fields it
    /// replaced ("Mariatta Wijaya: name, e-mail"). The file wins; a correction made here since the last
    /// import is undone by it, and said.
    #[serde(default)]
    pub replaced: Vec<String>,
    /// Attendees only, when asked to leave bad rows out: the rows not imported and why, in the file's order.
    #[serde(default)]
    pub left_out: Vec<RowError>,
    /// Attendees only: rows whose ticket the file says was cancelled, refunded or is not attending (pretix's
    /// order status, Eventbrite's attendee status): not imported.
    #[serde(default)]
    pub not_coming: usize,
    /// Attendees only: of those, the people already on the list, by name. They stay on it (a ticket given
    /// back at the door is still a person who came): the organizer deletes them if they are not coming.
    #[serde(default)]
    pub not_coming_listed: Vec<String>,
    /// Attendees only: rows taken as the person of an earlier row of the file (a pretix add-on, a row
    /// repeated with the same name and e-mail or handle), in words: "line 39 (Zoe Muller): as line 3".
    #[serde(default)]
    pub repeated: Vec<String>,
    /// Attendees only: the rows about people erased at their request (by an e-mail or badge code they
    /// had), by place ("line 12"): not imported, so that a ticketing export taken again does not bring them
    /// back. A person who asks to come back is added by hand (or registers at the door).
    #[serde(default)]
    pub erased: Vec<String>,
    /// Attendees only: people this import added or updated who look listed twice under one name (two tickets
    /// with one e-mail or handle, or registered again), each name once: the kiosk would show both until they
    /// are merged.
    #[serde(default)]
    pub likely_duplicates: Vec<String>,
    /// Pull requests only: authors whose handle two people on the list hold, with their names ("@victorv:
    /// Eve Walkin, Victor Victim"): their pull requests are counted for neither (a link made before stays)
    /// until one handle is corrected or the two are merged, and imported again.
    #[serde(default)]
    pub shared_handles: Vec<String>,
    /// Pull requests only: authors not on the list whose pull request closes an issue claimed by someone
    /// with no handle on their record ("@ramonr closes #19220, claimed by Ramón Raman"): most likely them.
    /// Add the handle to their record and import again, and the pull request is theirs.
    #[serde(default)]
    pub unknown_authors: Vec<String>,
    /// Attendees only: the events the file is for, as its ticketing tool names them (pretix's event slug,
    /// Eventbrite's event name); none when it does not say.
    #[serde(default)]
    pub events: Vec<String>,
    /// Attendees and issues: the id to undo this import with (see `undo_import`), when it changed anything.
    #[serde(default)]
    pub undo: Option<String>,
}

impl ImportReport {
    /// Counts one imported row: new, or known and changed, or known and unchanged.
    pub(crate) fn count(&mut self, known: bool, changed: bool) {
        match (known, changed) {
            (false, _) => self.added += 1,
            (true, true) => self.updated += 1,
            (true, false) => self.unchanged += 1,
        }
    }
}

/// Two records that are probably one person, for the organizer to merge (or leave).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Duplicate {
    /// The fuller record (ticket, email, handle): the one to keep, unless the organizer knows better.
    pub a: PersonRef,
    /// The likely duplicate.
    pub b: PersonRef,
    /// The evidence: the same ticket, email or handle, or only the same name.
    pub because: SameBecause,
}

/// A file made for a person to save: its suggested name, media type and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Document {
    pub file_name: String,
    pub media_type: String,
    pub text: String,
}
