//! The use cases. Each one reads a snapshot of the sprint, asks the domain's rules, and writes through the
//! store's one mutation path; none of them writes anything when it returns an error.

use crate::import::{self, ImportedAttendee};
use crate::view::*;
use crate::{Clock, Error, Ids, RowError};
use chrono::NaiveDate;
use sprintdesk_domain::search::{SearchIndex, Searchable, fold};
use sprintdesk_domain::{
    Attendee, AttendeeId, ClaimAction, ClaimEvent, ClaimRequest, ClaimState, EventId, Goal, GoalId, GoalStatus, Issue,
    IssueClaims, IssueId, PresenceEvent, PresenceKind, Project, ProjectId, Role, Sprint, StatusId, StatusUpdate,
    Timestamp, ValidationError, check_claim, issue_claims, presence, whereabouts, without_retracted,
};
use sprintdesk_store::{Op, Store};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// How a person is named in a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// An attendee id.
    Id(String),
    /// A badge code or ticket secret, as a scanner types it.
    Badge(String),
    /// An id, a `@handle`, or a full name: whatever the organizer typed.
    Text(String),
}

#[derive(Clone, Debug, Default)]
pub struct NewAttendee {
    pub name: String,
    pub email: Option<String>,
    pub handle: Option<String>,
    pub roles: Vec<Role>,
    pub first_timer: bool,
    pub badge_code: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct NewProject {
    pub name: String,
    pub repo_url: Option<String>,
    pub table_label: Option<String>,
    /// People named as in [`Lookup::Text`].
    pub leads: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct SignIn {
    pub who: Lookup,
    /// A project id, name or table label.
    pub project: Option<String>,
    /// The person has read and accepted the current code of conduct (asked on their first sign-in and
    /// again when it changes).
    pub accept_code_of_conduct: bool,
    pub photo_consent: Option<bool>,
}

/// The sprint as one device sees it, with the time passed in.
#[derive(Debug)]
pub struct Desk {
    store: Store,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
    cache: Option<(CacheKey, Arc<Snapshot>)>,
    writes: u64,
    pub(crate) undoable: crate::kiosk::UndoList,
}

type CacheKey = (i64, u64);

impl Desk {
    pub fn new(store: Store, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> Self {
        Self { store, clock, ids, cache: None, writes: 0, undoable: Default::default() }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn into_store(self) -> Store {
        self.store
    }

    /// Applies change records that came from other devices (the sync path).
    pub fn apply_remote(
        &mut self,
        changes: &[sprintdesk_store::Change],
    ) -> Result<sprintdesk_store::ApplyOutcome, Error> {
        self.writes += 1;
        Ok(self.store.apply(changes, self.clock.now())?)
    }

    /// Builds the demo sprint in an empty store; see [`crate::demo`].
    pub fn demo(
        store: Store,
        offline_device: sprintdesk_domain::DeviceId,
        ids: Arc<dyn Ids>,
        now: Timestamp,
        time_zone: &str,
    ) -> Result<Store, Error> {
        crate::demo::play(store, offline_device, ids, now, time_zone)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn make_id(&self, prefix: &str) -> String {
        self.ids.make(prefix)
    }

    /// Writes through the store's one mutation path.
    pub(crate) fn write(&mut self, ops: Vec<Op>) -> Result<(), Error> {
        if ops.is_empty() {
            return Ok(());
        }
        self.writes += 1;
        let now = self.clock.now();
        let changes = self.store.write(now, ops)?;
        tracing::debug!(changes = changes.len(), first_seq = changes[0].seq, "recorded");
        Ok(())
    }

    /// The whole sprint in memory, reloaded only when this or another process has written to the store
    /// since the last call. Reads are then cheap enough for a kiosk's every keystroke.
    pub(crate) fn snapshot(&mut self) -> Result<Arc<Snapshot>, Error> {
        let key = (self.store.data_version()?, self.writes);
        if let Some((cached, snapshot)) = &self.cache
            && *cached == key
        {
            return Ok(Arc::clone(snapshot));
        }
        let snapshot = Arc::new(Snapshot::load(&self.store)?);
        self.cache = Some((key, Arc::clone(&snapshot)));
        Ok(snapshot)
    }

    // --- The sprint ------------------------------------------------------------------------------------

    pub fn create_sprint(&mut self, sprint: Sprint) -> Result<Sprint, Error> {
        if let Some(existing) = self.store.sprint()? {
            return Err(Error::SprintExists(existing.name));
        }
        sprint.validate()?;
        self.write(Op::put(&sprint, None))?;
        Ok(sprint)
    }

    pub fn sprint(&mut self) -> Result<Sprint, Error> {
        Ok(self.snapshot()?.sprint.clone())
    }

    /// Changes the sprint's settings (days, hours, venue, code of conduct). A new code-of-conduct text
    /// must come with a higher version, so everyone is asked to accept it again.
    pub fn update_sprint(&mut self, sprint: Sprint) -> Result<Sprint, Error> {
        let old = self.snapshot()?.sprint.clone();
        sprint.validate()?;
        if sprint.code_of_conduct.text != old.code_of_conduct.text
            && sprint.code_of_conduct.version <= old.code_of_conduct.version
        {
            return Err(ValidationError::new(
                "code_of_conduct",
                "a changed code of conduct needs a new version number, so everyone accepts it again",
            )
            .into());
        }
        self.write(Op::put(&sprint, Some(&old)))?;
        Ok(sprint)
    }

    // --- Attendees -------------------------------------------------------------------------------------

    pub fn add_attendee(&mut self, new: NewAttendee) -> Result<Attendee, Error> {
        let snapshot = self.snapshot()?;
        let attendee = Attendee {
            id: AttendeeId(self.make_id("a")),
            name: new.name,
            handle: new.handle,
            email: new.email,
            roles: new.roles,
            first_timer: new.first_timer,
            badge_code: new.badge_code,
            ..Attendee::default()
        }
        .normalized()?;
        if let Some(badge) = &attendee.badge_code
            && let Some(other) = snapshot.people().find(|p| p.badge_code.as_ref() == Some(badge))
        {
            return Err(ValidationError::new(
                "badge_code",
                format!("the badge code {badge} is already {}'s", other.name),
            )
            .into());
        }
        self.write(Op::put(&attendee, None))?;
        Ok(attendee)
    }

    pub fn attendee(&mut self, who: &Lookup) -> Result<Attendee, Error> {
        Ok(self.snapshot()?.find_attendee(who)?.clone())
    }

    /// Everyone, for the organizer (never for a kiosk).
    pub fn attendees(&mut self) -> Result<Vec<Attendee>, Error> {
        let snapshot = self.snapshot()?;
        let mut people: Vec<Attendee> = snapshot.people().cloned().collect();
        people.sort_by_cached_key(|p| fold(&p.name));
        Ok(people)
    }

    /// Kiosk search: folds case and accents, matches word starts; an empty query finds nobody.
    pub fn search(&mut self, query: &str, limit: usize) -> Result<Vec<AttendeeCard>, Error> {
        let snapshot = self.snapshot()?;
        let ids = snapshot.index.search(query, limit);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.now();
        Ok(ids.iter().filter_map(|id| snapshot.attendees.get(id)).map(|a| snapshot.card(a, now)).collect())
    }

    /// Marks `duplicate` as the same person as `survivor`: their sign-ins and claims count as the
    /// survivor's, and the duplicate leaves lists and search.
    pub fn merge_attendees(&mut self, duplicate: &Lookup, survivor: &Lookup) -> Result<Attendee, Error> {
        let snapshot = self.snapshot()?;
        let duplicate = snapshot.find_attendee(duplicate)?.clone();
        let survivor = snapshot.find_attendee(survivor)?.clone();
        if duplicate.id == survivor.id {
            return Err(ValidationError::new("merged_into", "that is the same person twice").into());
        }
        let merged = Attendee { merged_into: Some(survivor.id.clone()), ..duplicate.clone() };
        self.write(Op::put(&merged, Some(&duplicate)))?;
        Ok(survivor)
    }

    pub fn import_attendees(&mut self, text: &str) -> Result<ImportReport, Error> {
        let (format, rows) = import::parse_attendees(text).map_err(Error::Import)?;
        let snapshot = self.snapshot()?;
        let existing: Vec<&Attendee> = snapshot.people().collect();
        let mut report = ImportReport { format: format.label().into(), ..ImportReport::default() };
        let mut ops = Vec::new();
        let mut errors = Vec::new();
        let mut matched: HashMap<AttendeeId, u64> = HashMap::new();
        for row in rows {
            let found = match_existing(&existing, &row);
            if let Some(person) = found
                && let Some(first) = matched.insert(person.id.clone(), row.line)
            {
                errors.push(RowError {
                    place: format!("line {}", row.line),
                    message: format!("this is {} again, as on line {first}", person.name),
                });
                continue;
            }
            let base =
                found.cloned().unwrap_or_else(|| Attendee { id: AttendeeId(self.make_id("a")), ..Attendee::default() });
            let updated = Attendee {
                name: row.name,
                email: row.email.or(base.email.clone()),
                handle: row.handle.or(base.handle.clone()),
                badge_code: row.badge_code.or(base.badge_code.clone()),
                roles: row.roles.unwrap_or(base.roles.clone()),
                first_timer: row.first_timer.unwrap_or(base.first_timer),
                ..base.clone()
            }
            .normalized()?;
            let changes = Op::put(&updated, found);
            report.count(found.is_some(), !changes.is_empty());
            ops.extend(changes);
        }
        if !errors.is_empty() {
            return Err(Error::Import(errors));
        }
        self.write(ops)?;
        Ok(report)
    }

    // --- Presence --------------------------------------------------------------------------------------

    pub fn sign_in(&mut self, request: SignIn) -> Result<SignInOutcome, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let day = open_day(&snapshot.sprint, now)?;
        let person = snapshot.find_attendee(&request.who)?.clone();
        let project = request.project.as_deref().map(|p| snapshot.find_project(p)).transpose()?;
        let project_id = project.map(|p| p.id.clone());

        let mut updated = person.clone();
        let coc = &snapshot.sprint.code_of_conduct;
        if person.coc_version != Some(coc.version) {
            if !request.accept_code_of_conduct {
                let again =
                    if person.coc_version.is_some() { " (it has changed since they last accepted it)" } else { "" };
                return Err(Error::ConsentNeeded(format!(
                    "{} must read and accept the code of conduct{again} to sign in",
                    person.name
                )));
            }
            updated.coc_version = Some(coc.version);
        }
        if request.photo_consent.is_some() {
            updated.photo_consent = request.photo_consent;
        }
        let mut ops = Op::put(&updated, Some(&person));
        let already_here = snapshot.presence(now).here.get(&person.id) == Some(&project_id);
        let event = (!already_here).then(|| EventId(self.make_id("e")));
        if let Some(event) = &event {
            ops.push(Op::Presence(PresenceEvent {
                id: event.clone(),
                kind: PresenceKind::SignIn,
                attendee: person.id.clone(),
                day,
                project: project_id,
                device: self.store.device().clone(),
                at: snapshot.event_time(now, Some(&person.id), None),
            }));
        }
        self.write(ops)?;
        let person = snapshot.person(&person.id);
        let undo = event.map(|event| {
            self.remember_undo(format!("{} was signed in", person.name), vec![(person.id.clone(), event)], None)
        });
        Ok(SignInOutcome { person, day, project: project.map(|p| snapshot.project_ref(p)), already_here, undo })
    }

    pub fn sign_out(&mut self, who: &Lookup) -> Result<SignOutOutcome, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let person = snapshot.find_attendee(who)?;
        if !snapshot.presence(now).is_here(&person.id) {
            return Err(Error::NotSignedIn(format!("{} is not signed in right now", person.name)));
        }
        let event = EventId(self.make_id("e"));
        self.write(vec![Op::Presence(PresenceEvent {
            id: event.clone(),
            kind: PresenceKind::SignOut,
            attendee: person.id.clone(),
            day: snapshot.sprint.local_date(now),
            project: None,
            device: self.store.device().clone(),
            at: snapshot.event_time(now, Some(&person.id), None),
        })])?;
        let person = snapshot.person(&person.id);
        let undo =
            self.remember_undo(format!("{} was signed out", person.name), vec![(person.id.clone(), event)], None);
        Ok(SignOutOutcome { person, undo: Some(undo) })
    }

    pub fn presence(&mut self) -> Result<PresenceReport, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let presence = snapshot.presence(now);
        let mut tables: BTreeMap<(bool, String), TablePresence> = BTreeMap::new();
        for (person, project) in &presence.here {
            let project = project.as_ref().and_then(|id| snapshot.projects.get(id));
            let key = (project.is_none(), project.map_or_else(String::new, |p| fold(&p.name)));
            tables
                .entry(key)
                .or_insert_with(|| TablePresence {
                    project: project.map(|p| snapshot.project_ref(p)),
                    people: Vec::new(),
                })
                .people
                .push(snapshot.person(person));
        }
        let mut tables: Vec<TablePresence> = tables.into_values().collect();
        for table in &mut tables {
            table.people.sort_by_cached_key(|p| fold(&p.name));
        }
        let per_day = snapshot
            .sprint
            .days
            .iter()
            .map(|day| DayCount {
                date: day.date,
                is_break: day.is_break,
                people: presence.per_day.get(&day.date).map_or(0, |people| people.len()),
            })
            .collect();
        Ok(PresenceReport {
            today: presence.today,
            here_now: presence.here.len(),
            today_count: presence.today_count(),
            tables,
            per_day,
        })
    }

    // --- Projects, goals, status ----------------------------------------------------------------------

    pub fn add_project(&mut self, new: NewProject) -> Result<Project, Error> {
        let snapshot = self.snapshot()?;
        let name = new.name.trim().to_owned();
        if name.is_empty() {
            return Err(ValidationError::new("name", "the project needs a name").into());
        }
        if snapshot.projects.values().any(|p| fold(&p.name) == fold(&name)) {
            return Err(ValidationError::new("name", format!("there is already a project called {name}")).into());
        }
        let table_label = new.table_label.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        if let Some(label) = &table_label
            && let Some(other) =
                snapshot.projects.values().find(|p| p.table_label.as_ref().is_some_and(|l| fold(l) == fold(label)))
        {
            return Err(
                ValidationError::new("table_label", format!("table {label} is already {}'s", other.name)).into()
            );
        }
        let mut ops = Vec::new();
        let mut leads = Vec::new();
        for lead in &new.leads {
            let person = snapshot.find_attendee(&Lookup::Text(lead.clone()))?;
            if !person.has_role(Role::TableLead) {
                let mut promoted = person.clone();
                promoted.roles.push(Role::TableLead);
                promoted.roles.sort();
                ops.extend(Op::put(&promoted, Some(person)));
            }
            leads.push(person.id.clone());
        }
        let project = Project {
            id: ProjectId(self.make_id("p")),
            name,
            repo_url: new.repo_url.map(|u| u.trim().trim_end_matches('/').to_owned()).filter(|u| !u.is_empty()),
            table_label,
            leads,
            help_wanted: false,
        };
        ops.extend(Op::put(&project, None));
        self.write(ops)?;
        Ok(project)
    }

    pub fn projects(&mut self) -> Result<Vec<Project>, Error> {
        let snapshot = self.snapshot()?;
        let mut projects: Vec<Project> = snapshot.projects.values().cloned().collect();
        projects.sort_by_cached_key(|p| fold(&p.name));
        Ok(projects)
    }

    pub fn set_help_wanted(&mut self, project: &str, help_wanted: bool) -> Result<Project, Error> {
        let snapshot = self.snapshot()?;
        let old = snapshot.find_project(project)?;
        let new = Project { help_wanted, ..old.clone() };
        self.write(Op::put(&new, Some(old)))?;
        Ok(new)
    }

    pub fn add_goal(&mut self, project: &str, title: &str, beginner_friendly: bool) -> Result<Goal, Error> {
        let snapshot = self.snapshot()?;
        let project = snapshot.find_project(project)?;
        let title = title.trim();
        if title.is_empty() {
            return Err(ValidationError::new("title", "the goal needs a title").into());
        }
        let goal = Goal {
            id: GoalId(self.make_id("g")),
            project: project.id.clone(),
            title: title.to_owned(),
            beginner_friendly,
            status: GoalStatus::Planned,
            notes: String::new(),
        };
        self.write(Op::put(&goal, None))?;
        Ok(goal)
    }

    pub fn set_goal_status(&mut self, goal: &str, status: GoalStatus) -> Result<Goal, Error> {
        let snapshot = self.snapshot()?;
        let old = snapshot
            .goals
            .iter()
            .find(|g| g.id.as_str() == goal)
            .ok_or_else(|| Error::NotFound(format!("there is no goal {goal}")))?;
        let new = Goal { status, ..old.clone() };
        self.write(Op::put(&new, Some(old)))?;
        Ok(new)
    }

    /// Today's status update for a project (the daily status meeting): done, next, blockers.
    pub fn set_status(&mut self, project: &str, done: &str, next: &str, blockers: &str) -> Result<StatusUpdate, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let project = snapshot.find_project(project)?;
        let day = snapshot.sprint.local_date(now);
        if snapshot.sprint.day(day).is_none() {
            return Err(Error::Closed(format!("{day} is not a day of the sprint")));
        }
        let id = StatusId::for_day(&project.id, day);
        let old = snapshot.status_updates.iter().find(|s| s.id == id);
        let new = StatusUpdate {
            id,
            project: project.id.clone(),
            day,
            done: done.trim().to_owned(),
            next: next.trim().to_owned(),
            blockers: blockers.trim().to_owned(),
        };
        self.write(Op::put(&new, old))?;
        Ok(new)
    }

    // --- Issues and claims ----------------------------------------------------------------------------

    pub fn import_issues(&mut self, text: &str, project: Option<&str>) -> Result<ImportReport, Error> {
        let (format, rows) = import::parse_issues(text).map_err(Error::Import)?;
        let snapshot = self.snapshot()?;
        let forced = project.map(|p| snapshot.find_project(p)).transpose()?;
        let by_repo: HashMap<String, &Project> = snapshot
            .projects
            .values()
            .filter_map(|p| p.repo_url.as_ref().map(|url| (normalize_repo(url), p)))
            .collect();
        let by_url: HashMap<&str, &Issue> = snapshot.issues.iter().map(|i| (i.url.as_str(), i)).collect();
        let mut report = ImportReport { format: format.label().into(), ..ImportReport::default() };
        let mut ops = Vec::new();
        let mut errors = Vec::new();
        for row in rows {
            let project = match (forced, &row.project) {
                (Some(project), _) => Ok(project),
                (None, Some(name)) => snapshot.find_project(name).map_err(|e| e.to_string()),
                (None, None) => by_repo.get(&normalize_repo(&row.repository())).copied().ok_or_else(|| {
                    format!(
                        "no project has the repository {}; add the project with that repository, or import with --project",
                        row.repository()
                    )
                }),
            };
            let project = match project {
                Ok(project) => project,
                Err(message) => {
                    errors.push(RowError { place: row.place.clone(), message });
                    continue;
                }
            };
            let old = by_url.get(row.url.as_str()).copied();
            let issue = Issue {
                id: old.map_or_else(|| IssueId(self.make_id("i")), |o| o.id.clone()),
                project: project.id.clone(),
                url: row.url,
                number: row.number,
                title: row.title,
                labels: row.labels,
                beginner_friendly: row.beginner_friendly,
                state: row.state,
            };
            let changes = Op::put(&issue, old);
            report.count(old.is_some(), !changes.is_empty());
            ops.extend(changes);
        }
        if !errors.is_empty() {
            return Err(Error::Import(errors));
        }
        self.write(ops)?;
        Ok(report)
    }

    pub fn issues(&mut self, project: Option<&str>) -> Result<Vec<IssueBoard>, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let project = project.map(|p| snapshot.find_project(p)).transpose()?;
        Ok(snapshot
            .issues
            .iter()
            .filter(|issue| project.is_none_or(|p| p.id == issue.project))
            .map(|issue| snapshot.issue_board(issue, now))
            .collect())
    }

    /// Records that `by` works on `issue` (with `mentor` for a first-time contributor), if the rules
    /// allow it.
    pub fn claim(&mut self, issue: &str, by: &Lookup, mentor: Option<&Lookup>) -> Result<IssueBoard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(issue)?;
        let person = snapshot.find_attendee(by)?;
        let mentor = mentor.map(|m| snapshot.find_attendee(m)).transpose()?;
        let presence = snapshot.presence(now);
        let claims = snapshot.claims(issue, now);
        let open_elsewhere = snapshot
            .issues
            .iter()
            .filter(|other| other.id != issue.id)
            .filter(|other| snapshot.claims(other, now).open_by(&person.id).is_some())
            .count();
        check_claim(&ClaimRequest {
            attendee: person,
            issue,
            mentor,
            claims: &claims,
            open_elsewhere,
            attendee_present: presence.is_here(&person.id),
            mentor_present: mentor.is_some_and(|m| presence.is_here(&m.id)),
            holder_name: claims.open().next().map(|h| snapshot.name(&h.attendee)),
        })?;
        let action = ClaimAction::Claim { attendee: person.id.clone(), mentor: mentor.map(|m| m.id.clone()) };
        self.record_claim_event(issue, action)
    }

    pub fn release(&mut self, issue: &str, by: &Lookup) -> Result<IssueBoard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(issue)?;
        let person = snapshot.find_attendee(by)?;
        if snapshot.claims(issue, now).open_by(&person.id).is_none() {
            return Err(Error::NotFound(format!("{} does not hold {}", person.name, issue_label(issue))));
        }
        self.record_claim_event(issue, ClaimAction::Release { attendee: person.id.clone() })
    }

    /// Settles a contested issue: the people in `keep` keep it (two or more make a pair), the others'
    /// claims are released.
    pub fn resolve(&mut self, issue: &str, keep: &[Lookup]) -> Result<IssueBoard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(issue)?;
        let claims = snapshot.claims(issue, now);
        if keep.is_empty() {
            return Err(ValidationError::new("keep", "name who keeps the issue (two names make a pair)").into());
        }
        let mut kept = Vec::new();
        for who in keep {
            let person = snapshot.find_attendee(who)?;
            if claims.open_by(&person.id).is_none() {
                return Err(Error::NotFound(format!("{} does not hold {}", person.name, issue_label(issue))));
            }
            kept.push(person.id.clone());
        }
        self.record_claim_event(issue, ClaimAction::Resolve { keep: kept })
    }

    pub fn mark_pr_opened(&mut self, issue: &str, by: Option<&Lookup>) -> Result<IssueBoard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(issue)?;
        let claims = snapshot.claims(issue, now);
        if !claims.state.is_open() {
            return Err(Error::Closed(format!(
                "{} is already {}",
                issue_label(issue),
                claims.state.as_str().replace('_', " ")
            )));
        }
        let by = by.map(|who| snapshot.find_attendee(who)).transpose()?;
        self.record_claim_event(issue, ClaimAction::PrOpened { attendee: by.map(|p| p.id.clone()) })
    }

    pub fn mark_merged(&mut self, issue: &str) -> Result<IssueBoard, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let issue = snapshot.find_issue(issue)?;
        if snapshot.claims(issue, now).state == sprintdesk_domain::IssueState::Merged {
            return Err(Error::Closed(format!("{} is already merged", issue_label(issue))));
        }
        self.record_claim_event(issue, ClaimAction::Merged)
    }

    fn record_claim_event(&mut self, issue: &Issue, action: ClaimAction) -> Result<IssueBoard, Error> {
        let now = self.now();
        let at = {
            let snapshot = self.snapshot()?;
            let person = match &action {
                ClaimAction::Claim { attendee, .. } | ClaimAction::Release { attendee } => Some(attendee),
                _ => None,
            };
            snapshot.event_time(now, person, Some(&issue.id))
        };
        let event = ClaimEvent {
            id: EventId(self.make_id("c")),
            issue: issue.id.clone(),
            action,
            device: self.store.device().clone(),
            at,
        };
        self.write(vec![Op::Claim(event)])?;
        let snapshot = self.snapshot()?;
        Ok(snapshot.issue_board(issue, at))
    }

    // --- The board -------------------------------------------------------------------------------------

    /// Every project: its goals, claims and their state, who is at its table, help wanted, today's status.
    pub fn board(&mut self) -> Result<Board, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let presence = snapshot.presence(now);
        let mut projects: Vec<&Project> = snapshot.projects.values().collect();
        projects.sort_by_cached_key(|p| (p.table_label.clone().unwrap_or_default(), fold(&p.name)));
        let boards = projects
            .into_iter()
            .map(|project| {
                let mut present: Vec<PresentPerson> = presence
                    .here
                    .iter()
                    .filter(|(_, table)| table.as_ref() == Some(&project.id))
                    .map(|(person, _)| snapshot.present_person(person))
                    .collect();
                present.sort_by_cached_key(|p| fold(&p.name));
                let issues: Vec<&Issue> = snapshot.issues.iter().filter(|i| i.project == project.id).collect();
                let mut claims: Vec<IssueBoard> = issues
                    .iter()
                    .map(|issue| snapshot.issue_board(issue, now))
                    .filter(|board| !board.holders.is_empty())
                    .collect();
                claims.sort_by_key(|c| (!c.contested, c.state, c.number));
                let open: Vec<&&Issue> = issues.iter().filter(|i| i.state.is_open()).collect();
                ProjectBoard {
                    project: snapshot.project_ref(project),
                    repo_url: project.repo_url.clone(),
                    help_wanted: project.help_wanted,
                    leads: project.leads.iter().map(|id| snapshot.person(id)).collect(),
                    present,
                    goals: snapshot
                        .goals
                        .iter()
                        .filter(|g| g.project == project.id)
                        .map(|g| GoalView {
                            id: g.id.clone(),
                            title: g.title.clone(),
                            status: g.status,
                            beginner_friendly: g.beginner_friendly,
                        })
                        .collect(),
                    claims,
                    status_today: presence.today.and_then(|day| {
                        let id = StatusId::for_day(&project.id, day);
                        snapshot.status_updates.iter().find(|s| s.id == id).map(|s| StatusView {
                            done: s.done.clone(),
                            next: s.next.clone(),
                            blockers: s.blockers.clone(),
                        })
                    }),
                    open_issues: open.len(),
                    beginner_issues: open.iter().filter(|i| i.beginner_friendly).count(),
                }
            })
            .collect();
        Ok(Board {
            sprint: snapshot.sprint.name.clone(),
            today: presence.today,
            here_now: presence.here.len(),
            today_count: presence.today_count(),
            projects: boards,
        })
    }
}

fn issue_label(issue: &Issue) -> String {
    match issue.number {
        Some(number) => format!("#{number} ({})", issue.title),
        None => format!("\"{}\"", issue.title),
    }
}

fn normalize_repo(url: &str) -> String {
    url.trim().trim_end_matches('/').trim_end_matches(".git").to_lowercase()
}

/// The venue-local day at `now`, if people can sign in then.
pub(crate) fn open_day(sprint: &Sprint, now: Timestamp) -> Result<NaiveDate, Error> {
    let date = sprint.local_date(now);
    let Some(day) = sprint.day(date) else {
        let first = sprint.days.first().map(|d| d.date.to_string()).unwrap_or_default();
        let last = sprint.days.last().map(|d| d.date.to_string()).unwrap_or_default();
        return Err(Error::Closed(format!("the sprint is not on today ({date}); it runs from {first} to {last}")));
    };
    if day.is_break {
        return Err(Error::Closed(format!("today ({date}) is a break day: the venue is closed")));
    }
    if sprint.closes_at(date).is_some_and(|close| now >= close) {
        return Err(Error::Closed(format!("the venue closed at {} today", day.closes.format("%H:%M"))));
    }
    Ok(date)
}

/// Finds the known person an import row is about: same ticket secret, else same email, else same handle.
/// Email and handle only match someone whose ticket is not a different one.
fn match_existing<'a>(existing: &[&'a Attendee], row: &ImportedAttendee) -> Option<&'a Attendee> {
    let compatible = |a: &Attendee| match (&a.badge_code, &row.badge_code) {
        (Some(mine), Some(theirs)) => mine == theirs,
        _ => true,
    };
    let lower = |s: &Option<String>| s.as_ref().map(|s| s.to_lowercase());
    if let Some(badge) = &row.badge_code
        && let Some(person) = existing.iter().find(|a| a.badge_code.as_ref() == Some(badge))
    {
        return Some(person);
    }
    if let Some(email) = lower(&row.email)
        && let Some(person) = existing.iter().find(|a| lower(&a.email) == Some(email.clone()) && compatible(a))
    {
        return Some(person);
    }
    if let Some(handle) = lower(&row.handle)
        && let Some(person) = existing.iter().find(|a| lower(&a.handle) == Some(handle.clone()) && compatible(a))
    {
        return Some(person);
    }
    None
}

/// The sprint read into memory at one moment.
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub(crate) sprint: Sprint,
    pub(crate) attendees: HashMap<AttendeeId, Attendee>,
    pub(crate) projects: HashMap<ProjectId, Project>,
    goals: Vec<Goal>,
    status_updates: Vec<StatusUpdate>,
    issues: Vec<Issue>,
    pub(crate) presence_events: Vec<PresenceEvent>,
    /// Positions in `presence_events` of each person's events (merged duplicates under the survivor).
    presence_by_person: HashMap<AttendeeId, Vec<usize>>,
    claim_events: Vec<ClaimEvent>,
    pub(crate) index: SearchIndex,
}

impl Snapshot {
    fn load(store: &Store) -> Result<Self, Error> {
        let sprint = store.sprint()?.ok_or(Error::NoSprint)?;
        let attendees: HashMap<AttendeeId, Attendee> =
            store.all::<Attendee>()?.into_iter().map(|a| (a.id.clone(), a)).collect();
        let index = SearchIndex::build(attendees.values().filter(|a| a.merged_into.is_none()).map(|a| Searchable {
            id: &a.id,
            name: &a.name,
            handle: a.handle.as_deref(),
        }));
        let mut issues = store.all::<Issue>()?;
        issues.sort_by(|a, b| (&a.project, a.number, &a.url).cmp(&(&b.project, b.number, &b.url)));
        let mut snapshot = Self {
            sprint,
            attendees,
            projects: store.all::<Project>()?.into_iter().map(|p| (p.id.clone(), p)).collect(),
            goals: store.all()?,
            status_updates: store.all()?,
            issues,
            presence_events: without_retracted(store.presence_events()?),
            presence_by_person: HashMap::new(),
            claim_events: store.claim_events()?,
            index,
        };
        let mut by_person: HashMap<AttendeeId, Vec<usize>> = HashMap::new();
        for (i, event) in snapshot.presence_events.iter().enumerate() {
            by_person.entry(snapshot.canonical(&event.attendee)).or_default().push(i);
        }
        snapshot.presence_by_person = by_person;
        Ok(snapshot)
    }

    /// The time to record a new event at: now, or just after the latest event it follows (the person's
    /// sign-ins, the issue's claims), so that two actions in the same millisecond, or on a clock that
    /// stepped back, still happen in the order they were taken.
    pub(crate) fn event_time(&self, now: Timestamp, person: Option<&AttendeeId>, issue: Option<&IssueId>) -> Timestamp {
        let person = person.map(|p| self.canonical(p));
        let after_presence = self
            .presence_events
            .iter()
            .filter(|e| person.as_ref().is_some_and(|p| self.canonical(&e.attendee) == *p))
            .map(|e| e.at);
        let involves = |e: &ClaimEvent| match &e.action {
            ClaimAction::Claim { attendee, .. } | ClaimAction::Release { attendee } => {
                person.as_ref().is_some_and(|p| self.canonical(attendee) == *p)
            }
            _ => false,
        };
        let after_claims = self.claim_events.iter().filter(|e| Some(&e.issue) == issue || involves(e)).map(|e| e.at);
        after_presence.chain(after_claims).map(|at| Timestamp(at.0 + 1)).fold(now, Timestamp::max)
    }

    /// People who are not merged duplicates.
    pub(crate) fn people(&self) -> impl Iterator<Item = &Attendee> {
        self.attendees.values().filter(|a| a.merged_into.is_none())
    }

    /// The person a (possibly merged) id stands for.
    fn canonical(&self, id: &AttendeeId) -> AttendeeId {
        let mut current = id;
        for _ in 0..16 {
            match self.attendees.get(current).and_then(|a| a.merged_into.as_ref()) {
                Some(next) => current = next,
                None => break,
            }
        }
        current.clone()
    }

    pub(crate) fn presence(&self, now: Timestamp) -> sprintdesk_domain::Presence {
        presence(&self.sprint, &self.presence_events, &|id| self.canonical(id), now)
    }

    fn claims(&self, issue: &Issue, now: Timestamp) -> IssueClaims {
        let events: Vec<&ClaimEvent> = self.claim_events.iter().filter(|e| e.issue == issue.id).collect();
        issue_claims(&self.sprint, issue, &events, &self.presence_events, &|id| self.canonical(id), now)
    }

    fn name(&self, id: &AttendeeId) -> String {
        self.attendees.get(&self.canonical(id)).map_or_else(|| format!("({id})"), |a| a.name.clone())
    }

    pub(crate) fn person(&self, id: &AttendeeId) -> PersonRef {
        let id = self.canonical(id);
        PersonRef { name: self.name(&id), id }
    }

    fn present_person(&self, id: &AttendeeId) -> PresentPerson {
        let id = self.canonical(id);
        let attendee = self.attendees.get(&id);
        PresentPerson {
            name: self.name(&id),
            first_timer: attendee.is_some_and(|a| a.first_timer),
            can_mentor: attendee.is_some_and(Attendee::can_mentor),
            id,
        }
    }

    pub(crate) fn project_ref(&self, project: &Project) -> ProjectRef {
        ProjectRef { id: project.id.clone(), name: project.name.clone(), table_label: project.table_label.clone() }
    }

    /// A kiosk's view of one person: only their own sign-ins are looked at, so it stays cheap however many
    /// people are in the room.
    pub(crate) fn card(&self, attendee: &Attendee, now: Timestamp) -> AttendeeCard {
        let events = self.presence_by_person.get(&attendee.id).into_iter().flatten().map(|&i| &self.presence_events[i]);
        let table = whereabouts(&self.sprint, events, now);
        AttendeeCard {
            id: attendee.id.clone(),
            name: attendee.name.clone(),
            handle: attendee.handle.clone(),
            first_timer: attendee.first_timer,
            here_now: table.is_some(),
            table: table.flatten().and_then(|id| self.projects.get(&id)).map(|p| self.project_ref(p)),
            needs_code_of_conduct: attendee.coc_version != Some(self.sprint.code_of_conduct.version),
            asks_photo_consent: attendee.photo_consent.is_none(),
        }
    }

    fn issue_board(&self, issue: &Issue, now: Timestamp) -> IssueBoard {
        let claims = self.claims(issue, now);
        let holders = claims
            .holders
            .iter()
            .filter(|h| h.state.is_open() || h.state == ClaimState::Merged)
            .map(|h| HolderView {
                person: self.person(&h.attendee),
                mentor: h.mentor.as_ref().map(|m| self.person(m)),
                state: h.state,
            })
            .collect();
        IssueBoard {
            id: issue.id.clone(),
            number: issue.number,
            title: issue.title.clone(),
            url: issue.url.clone(),
            state: claims.state,
            beginner_friendly: issue.beginner_friendly,
            contested: claims.contested,
            holders,
        }
    }

    pub(crate) fn find_attendee(&self, who: &Lookup) -> Result<&Attendee, Error> {
        let survivor = |a: &Attendee| self.attendees.get(&self.canonical(&a.id));
        match who {
            Lookup::Id(id) => self
                .attendees
                .get(&AttendeeId(id.trim().to_owned()))
                .and_then(survivor)
                .ok_or_else(|| Error::NotFound(format!("no attendee has the id {id}"))),
            Lookup::Badge(code) => {
                let code = code.trim();
                self.attendees.values().find(|a| a.badge_code.as_deref() == Some(code)).and_then(survivor).ok_or_else(
                    || Error::NotFound(format!("no one has the badge code {code}; try typing your name instead")),
                )
            }
            Lookup::Text(text) => {
                let text = text.trim();
                if let Some(person) = self.attendees.get(&AttendeeId(text.to_owned())).and_then(survivor) {
                    return Ok(person);
                }
                let handle = text.trim_start_matches('@').to_lowercase();
                let folded = fold(text);
                let mut found: Vec<&Attendee> =
                    self.people().filter(|a| a.handle.as_ref().is_some_and(|h| h.to_lowercase() == handle)).collect();
                if found.is_empty() {
                    found = self.people().filter(|a| fold(&a.name) == folded).collect();
                }
                match found.as_slice() {
                    [one] => Ok(one),
                    [] => Err(Error::NotFound(format!("no attendee is called or has the handle \"{text}\""))),
                    many => Err(Error::Ambiguous(format!(
                        "\"{text}\" could be {}; use their id",
                        many.iter().map(|a| format!("{} ({})", a.name, a.id)).collect::<Vec<_>>().join(" or ")
                    ))),
                }
            }
        }
    }

    pub(crate) fn find_project(&self, text: &str) -> Result<&Project, Error> {
        let text = text.trim();
        if let Some(project) = self.projects.get(&ProjectId(text.to_owned())) {
            return Ok(project);
        }
        let folded = fold(text);
        self.projects
            .values()
            .find(|p| fold(&p.name) == folded || p.table_label.as_ref().is_some_and(|l| fold(l) == folded))
            .ok_or_else(|| {
                let mut names: Vec<&str> = self.projects.values().map(|p| p.name.as_str()).collect();
                names.sort();
                Error::NotFound(format!("there is no project or table \"{text}\" (projects: {})", names.join(", ")))
            })
    }

    /// An issue by id, URL, `#123`, `123` or `project#123`.
    fn find_issue(&self, text: &str) -> Result<&Issue, Error> {
        let text = text.trim();
        if let Some(issue) = self.issues.iter().find(|i| i.id.as_str() == text || i.url == text) {
            return Ok(issue);
        }
        let (project, number) = match text.rsplit_once('#') {
            Some((project, number)) => (Some(project.trim()).filter(|p| !p.is_empty()), number),
            None => (None, text),
        };
        let number: u32 =
            number.trim().parse().map_err(|_| Error::NotFound(format!("there is no issue \"{text}\"")))?;
        let project = project.map(|p| self.find_project(p)).transpose()?;
        let found: Vec<&Issue> = self
            .issues
            .iter()
            .filter(|i| i.number == Some(number) && project.is_none_or(|p| p.id == i.project))
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::NotFound(format!("there is no issue #{number}"))),
            _ => {
                let names: HashSet<String> = found
                    .iter()
                    .filter_map(|i| self.projects.get(&i.project))
                    .map(|p| format!("{}#{number}", p.name))
                    .collect();
                let mut names: Vec<String> = names.into_iter().collect();
                names.sort();
                Err(Error::Ambiguous(format!("several projects have an issue #{number}: say {}", names.join(" or "))))
            }
        }
    }
}
