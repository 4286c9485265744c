// Generated from the command declarations of sprintdesk-api (commands.rs). Do not edit:
// `SPRINTDESK_BLESS=1 cargo test -p sprintdesk-api` writes it again.
import type { Attendee } from "./Attendee";
import type { AttendeeCard } from "./AttendeeCard";
import type { AttendeeEdit } from "./AttendeeEdit";
import type { Badge } from "./Badge";
import type { BadgePrintLine } from "./BadgePrintLine";
import type { BadgeRequest } from "./BadgeRequest";
import type { BadgeScan } from "./BadgeScan";
import type { Board } from "./Board";
import type { BoardPace } from "./BoardPace";
import type { Claim } from "./Claim";
import type { ClaimDone } from "./ClaimDone";
import type { DailyStatus } from "./DailyStatus";
import type { DeviceRef } from "./DeviceRef";
import type { DeviceView } from "./DeviceView";
import type { Document } from "./Document";
import type { DoorSignOut } from "./DoorSignOut";
import type { Duplicate } from "./Duplicate";
import type { Erase } from "./Erase";
import type { Erased } from "./Erased";
import type { ExportRequest } from "./ExportRequest";
import type { Goal } from "./Goal";
import type { GoalEdit } from "./GoalEdit";
import type { GoalProgress } from "./GoalProgress";
import type { HelpWanted } from "./HelpWanted";
import type { ImportFile } from "./ImportFile";
import type { ImportMade } from "./ImportMade";
import type { ImportReport } from "./ImportReport";
import type { ImportUndone } from "./ImportUndone";
import type { IssueBoard } from "./IssueBoard";
import type { IssueRef } from "./IssueRef";
import type { IssuesQuery } from "./IssuesQuery";
import type { JoinCode } from "./JoinCode";
import type { LockoutView } from "./LockoutView";
import type { LostEditView } from "./LostEditView";
import type { Merge } from "./Merge";
import type { ModeChange } from "./ModeChange";
import type { NewAttendee } from "./NewAttendee";
import type { NewGoal } from "./NewGoal";
import type { NewProject } from "./NewProject";
import type { NewSprint } from "./NewSprint";
import type { PairRequest } from "./PairRequest";
import type { PersonExport } from "./PersonExport";
import type { PersonQuery } from "./PersonQuery";
import type { PersonRef } from "./PersonRef";
import type { PrOpened } from "./PrOpened";
import type { PresenceReport } from "./PresenceReport";
import type { PrinterChoice } from "./PrinterChoice";
import type { Printers } from "./Printers";
import type { Project } from "./Project";
import type { ProjectEdit } from "./ProjectEdit";
import type { RecordRef } from "./RecordRef";
import type { Release } from "./Release";
import type { ReportRequest } from "./ReportRequest";
import type { Resolve } from "./Resolve";
import type { Retention } from "./Retention";
import type { RetroPrompt } from "./RetroPrompt";
import type { RetroSubmission } from "./RetroSubmission";
import type { RetroThanks } from "./RetroThanks";
import type { ReviewItem } from "./ReviewItem";
import type { Search } from "./Search";
import type { Separate } from "./Separate";
import type { SettleLostEdit } from "./SettleLostEdit";
import type { Setup } from "./Setup";
import type { SignIn } from "./SignIn";
import type { SignInOutcome } from "./SignInOutcome";
import type { SignOutOutcome } from "./SignOutOutcome";
import type { Sprint } from "./Sprint";
import type { SprintReport } from "./SprintReport";
import type { SprintSettings } from "./SprintSettings";
import type { StandupStep } from "./StandupStep";
import type { StandupView } from "./StandupView";
import type { StatusUpdate } from "./StatusUpdate";
import type { SyncProgress } from "./SyncProgress";
import type { TypedAddresses } from "./TypedAddresses";
import type { UndoImport } from "./UndoImport";
import type { UndoToken } from "./UndoToken";
import type { WalkIn } from "./WalkIn";
import type { ErrorCode } from "./ErrorCode";

/** Every command: its arguments and its result. */
export interface Commands {
  /** This device's setup: its sprint, screen (mode) and id. */
  setup: { args: null; result: Setup };
  /** Switches this device's screen; leaving or locking kiosk mode needs the organizer PIN. */
  set_mode: { args: ModeChange; result: Setup };
  /** Sets how many seconds this device's board shows each page. */
  set_board_pace: { args: BoardPace; result: Setup };
  /** Creates the sprint in an empty database; this device becomes the venue's first member. */
  create_sprint: { args: NewSprint; result: Sprint };
  /** The sprint's days, hours, venue and code of conduct. */
  sprint: { args: null; result: Sprint };
  /** Changes the sprint's settings; a new code of conduct needs a new version. */
  update_sprint: { args: SprintSettings; result: Sprint };
  /** Kiosk search by name or handle, ignoring accents and case. */
  search: { args: Search; result: Array<AttendeeCard> };
  /** The person whose badge a scanner typed. */
  find_badge: { args: BadgeScan; result: AttendeeCard };
  /** Signs a person in for today. */
  sign_in: { args: SignIn; result: SignInOutcome };
  /** Signs a person out, with no questions (an organizer's or a lead's screen). */
  sign_out: { args: PersonQuery; result: SignOutOutcome };
  /** Signs a person out at the door, with their badge or the table they signed in at; after one wrong table, only their badge (or the desk) signs them out here for ten minutes. */
  sign_out_at_door: { args: DoorSignOut; result: SignOutOutcome };
  /** Records that a person does not want to be photographed (at the door, for anyone: no is the safe answer). */
  decline_photos: { args: PersonQuery; result: PersonRef };
  /** Registers a walk-in and signs them in. */
  register_walk_in: { args: WalkIn; result: SignInOutcome };
  /** Takes back a kiosk action, or a lead's action on an issue, within its few seconds; says what was undone. */
  undo: { args: UndoToken; result: string };
  /** Who is here now, per table, and per day. */
  presence: { args: null; result: PresenceReport };
  /** Every project: goals, claims, how many are at the table, help wanted, today's status; naming only the leads (the door and the venue network must not learn where a named person sits). */
  board: { args: null; result: Board };
  /** The board for the room's own screens: also who is at each table and who holds each claim. */
  room_board: { args: null; result: Board };
  /** Everyone on the list, with contact details (never for a kiosk). */
  attendees: { args: null; result: Array<Attendee> };
  /** One person in full, by id, handle or name. */
  attendee: { args: PersonQuery; result: Attendee };
  /** Adds a person by hand. */
  add_attendee: { args: NewAttendee; result: Attendee };
  /** Corrects a person's details. */
  edit_attendee: { args: AttendeeEdit; result: Attendee };
  /** Pairs of records that are probably one person, surest first. */
  duplicates: { args: null; result: Array<Duplicate> };
  /** Marks one record as a duplicate of another person. */
  merge_attendees: { args: Merge; result: Attendee };
  /** The records merged into a person as duplicates. */
  merged_duplicates: { args: PersonQuery; result: Array<Attendee> };
  /** Takes back a merge: the duplicate is a person of their own again. */
  separate_attendee: { args: Separate; result: Attendee };
  /** Erases a person's personal data on every device, for good; their sign-ins and claims still count under a pseudonym. Needs the organizer PIN where one is set. */
  erase_attendee: { args: Erase; result: Erased };
  /** Where the retention period stands on this device: when it ends, and whether everyone's personal data is erased already. */
  retention: { args: null; result: Retention };
  /** Everything this device holds about one person, for an access request. */
  export_person: { args: PersonQuery; result: PersonExport };
  /** Imports a pretix, Eventbrite or plain CSV attendee list; a file with a bad row imports nothing. */
  import_attendees: { args: ImportFile; result: ImportReport };
  /** The attendee, issue and pull request imports this device made (its last 20), newest first, for undoing. */
  recent_imports: { args: null; result: Array<ImportMade> };
  /** Takes back an import made on this device: what it added is deleted unless anything was written about it since, and what it changed is set back unless changed since. */
  undo_import: { args: UndoImport; result: ImportUndone };
  /** Every project (table). */
  projects: { args: null; result: Array<Project> };
  /** Adds a project and its table and leads. */
  add_project: { args: NewProject; result: Project };
  /** Corrects a project: name, repository, table, leads. */
  edit_project: { args: ProjectEdit; result: Project };
  /** Corrects a goal's title or beginner flag. */
  edit_goal: { args: GoalEdit; result: Goal };
  /** Raises or lowers a project's "help wanted" flag. */
  set_help_wanted: { args: HelpWanted; result: Project };
  /** A badge for someone without one, printed on this device's printer or returned as a PDF. At the door only a first badge for a person who had none; anything else needs the organizer's PIN. */
  print_badge: { args: BadgeRequest; result: Badge };
  /** A badge for anyone, again if need be, from an organizer's device. */
  reprint_badge: { args: BadgeRequest; result: Badge };
  /** Every badge printed, newest first. */
  badge_prints: { args: null; result: Array<BadgePrintLine> };
  /** The printers CUPS knows on this device, and the one badges go to. */
  printers: { args: null; result: Printers };
  /** Chooses this device's badge printer (none: badges open as a PDF). */
  set_printer: { args: PrinterChoice; result: Printers };
  /** Starts, steps (next / previous table) or ends today's stand-up on the projector. */
  standup: { args: StandupStep; result: StandupView | null };
  /** Adds a goal to a project. */
  add_goal: { args: NewGoal; result: Goal };
  /** Moves a goal to planned, in progress, done or dropped. */
  set_goal_status: { args: GoalProgress; result: Goal };
  /** Records a project's done, next and blockers for today. */
  set_status: { args: DailyStatus; result: StatusUpdate };
  /** Imports a GitHub issue list (gh JSON) or a CSV of issues. */
  import_issues: { args: ImportFile; result: ImportReport };
  /** Imports pull requests (gh pr list JSON, GitHub REST, GitLab merge requests); merged ones move the claims of the issues they close. */
  import_prs: { args: ImportFile; result: ImportReport };
  /** The sprint's report: who came, what each project did, pull requests, the retrospective. */
  sprint_report: { args: null; result: SprintReport };
  /** The report as a file to save: Markdown, one self-contained HTML file, or JSON. */
  report: { args: ReportRequest; result: Document };
  /** An export as a file: attendance per person per day, claims, pull requests (CSV), the photo-consent list (CSV), or the whole sprint (JSON). */
  export: { args: ExportRequest; result: Document };
  /** The retrospective's questions, and whether the kiosk asks them at sign-out today. */
  retro: { args: null; result: RetroPrompt };
  /** One person's answers to the retrospective, kept with no attendee id. */
  answer_retro: { args: RetroSubmission; result: RetroThanks };
  /** Issues with their claims, for one project or all. */
  issues: { args: IssuesQuery; result: Array<IssueBoard> };
  /** Records that someone works on an issue, if the rules allow it. */
  claim: { args: Claim; result: ClaimDone };
  /** Lets go of a claim. */
  release: { args: Release; result: ClaimDone };
  /** Keeps a claim over the night (one per table): not released at today's closing. */
  keep_overnight: { args: Release; result: ClaimDone };
  /** Settles a contested issue: who keeps it. */
  resolve: { args: Resolve; result: ClaimDone };
  /** Marks that a pull request was opened for an issue. */
  mark_pr_opened: { args: PrOpened; result: ClaimDone };
  /** Marks an issue's pull request as merged. */
  mark_merged: { args: IssueRef; result: ClaimDone };
  /** How far this device's latest sync has got: records received of those expected (a joining screen's progress, a kiosk's too: it is locked as one once its entry arrives). Counts only. */
  sync_progress: { args: null; result: SyncProgress };
  /** The venue's allow-list of devices. */
  devices: { args: null; result: Array<DeviceView> };
  /** Takes a device off the allow-list for good. */
  revoke_device: { args: DeviceRef; result: DeviceView };
  /** Records deleted on one device and edited on another. */
  review: { args: null; result: Array<ReviewItem> };
  /** Other devices' edits that this device's later edits replaced without having seen them. */
  lost_edits: { args: null; result: Array<LostEditView> };
  /** Keeps what stands for a lost edit, or puts the other device's value back. */
  settle_lost_edit: { args: SettleLostEdit; result: null };
  /** Deletes a record; an edit made elsewhere afterwards does not bring it back. */
  delete: { args: RecordRef; result: null };
  /** Brings a deleted record back, with its latest edits. */
  restore: { args: RecordRef; result: null };
  /** A hash of the sprint as this device shows it: equal on two devices exactly when they agree. */
  digest: { args: null; result: string };
  /** Addresses (`host:port`) this device keeps connecting to besides those it finds on the network: where the venue's Wi-Fi blocks discovery. */
  typed_addresses: { args: null; result: TypedAddresses };
  /** Sets the addresses this device keeps connecting to; it starts on a new one within seconds. */
  set_typed_addresses: { args: TypedAddresses; result: TypedAddresses };
  /** Who was locked out for guessing join codes or the organizer PIN in the last day. */
  lockouts: { args: null; result: Array<LockoutView> };
  /** A one-time join code (and its QR), valid for 10 minutes, for a new device of the role the organizer chooses: a kiosk, a board, a table lead's laptop for one project, or another organizer's device (which gets the venue's key, so it can pair and revoke devices too). */
  pair: { args: PairRequest; result: JoinCode };
}

/** The commands that change the sprint. */
export const WRITES: ReadonlyArray<keyof Commands> = [
  "set_mode",
  "set_board_pace",
  "create_sprint",
  "update_sprint",
  "sign_in",
  "sign_out",
  "sign_out_at_door",
  "decline_photos",
  "register_walk_in",
  "undo",
  "add_attendee",
  "edit_attendee",
  "merge_attendees",
  "separate_attendee",
  "erase_attendee",
  "import_attendees",
  "undo_import",
  "add_project",
  "edit_project",
  "edit_goal",
  "set_help_wanted",
  "print_badge",
  "reprint_badge",
  "set_printer",
  "standup",
  "add_goal",
  "set_goal_status",
  "set_status",
  "import_issues",
  "import_prs",
  "answer_retro",
  "claim",
  "release",
  "keep_overnight",
  "resolve",
  "mark_pr_opened",
  "mark_merged",
  "revoke_device",
  "settle_lost_edit",
  "delete",
  "restore",
  "set_typed_addresses",
  "pair",
];

/** The longest sprint, break days included (the core's one rule). */
export const SPRINT_MAX_DAYS = 31;

/** Every error code the core and its adapters send. */
export const ERROR_CODES: ReadonlyArray<ErrorCode> = [
  "no_sprint",
  "sprint_exists",
  "invalid",
  "not_found",
  "ambiguous",
  "venue_closed",
  "too_late_to_undo",
  "nothing_to_undo",
  "already_merged",
  "issue_closed",
  "consent_needed",
  "not_signed_in",
  "not_allowed",
  "too_many_tries",
  "claim_refused",
  "import_rejected",
  "another_event",
  "storage",
  "unknown_command",
  "bad_arguments",
  "not_sprintdesk",
  "already_served",
  "unreachable",
  "impostor",
  "other_version",
  "sync_failed",
  "internal",
];
