//! The sprint read into memory at one moment, and the questions every use case asks of it: who a name
//! stands for, which project a table label means, who is here, what state an issue's claims are in, and
//! the views built from them. Nothing here writes.

use crate::Error;
use crate::view::{AttendeeCard, HolderView, IssueBoard, PersonRef, PresentPerson, ProjectRef};
use sprintdesk_domain::search::{SearchIndex, Searchable, fold};
use sprintdesk_domain::{
    Attendee, AttendeeId, BadgePrint, ClaimAction, ClaimEvent, ClaimState, Device, DeviceId, Goal, Issue, IssueClaims,
    IssueId, PresenceEvent, Project, ProjectId, PullRequest, RetroAnswer, Sprint, Standup, StatusUpdate, Timestamp,
    issue_claims, presence, whereabouts, without_retracted,
};
use sprintdesk_store::Store;
use std::collections::{HashMap, HashSet};

/// The sprint read into memory at one moment.
#[derive(Debug)]
pub struct Snapshot {
    pub(crate) sprint: Sprint,
    pub(crate) attendees: HashMap<AttendeeId, Attendee>,
    pub(crate) projects: HashMap<ProjectId, Project>,
    pub(crate) goals: Vec<Goal>,
    pub(crate) status_updates: Vec<StatusUpdate>,
    pub(crate) issues: Vec<Issue>,
    pub(crate) pull_requests: Vec<PullRequest>,
    pub(crate) retro_answers: Vec<RetroAnswer>,
    pub(crate) standups: Vec<Standup>,
    pub(crate) badge_prints: Vec<BadgePrint>,
    /// Every device's name on the allow-list, by id.
    pub(crate) devices: HashMap<DeviceId, String>,
    pub(crate) presence_events: Vec<PresenceEvent>,
    /// Positions in `presence_events` of each person's events (merged duplicates under the survivor).
    presence_by_person: HashMap<AttendeeId, Vec<usize>>,
    pub(crate) claim_events: Vec<ClaimEvent>,
    pub(crate) index: SearchIndex,
    /// People whose personal data was erased: they still count, under a pseudonym, and are listed nowhere.
    pub(crate) erased: HashSet<AttendeeId>,
    /// Everyone's was (the retention period has ended).
    everyone_erased: bool,
}

impl Snapshot {
    pub(crate) fn load(store: &Store) -> Result<Self, Error> {
        let sprint = store.sprint()?.ok_or(Error::NoSprint)?;
        let attendees: HashMap<AttendeeId, Attendee> =
            store.all::<Attendee>()?.into_iter().map(|a| (a.id.clone(), a)).collect();
        let erased: HashSet<AttendeeId> = store.erased()?.into_iter().map(AttendeeId).collect();
        let everyone = erased.contains(&AttendeeId::from("*"));
        let listed = |a: &&Attendee| a.merged_into.is_none() && !everyone && !erased.contains(&a.id);
        let index = SearchIndex::build(attendees.values().filter(listed).map(|a| Searchable {
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
            pull_requests: store.all()?,
            retro_answers: store.all()?,
            standups: store.all()?,
            badge_prints: store.all()?,
            devices: store.all::<Device>()?.into_iter().map(|d| (d.id, d.name)).collect(),
            presence_events: without_retracted(store.presence_events()?),
            presence_by_person: HashMap::new(),
            claim_events: store.claim_events()?,
            index,
            erased,
            everyone_erased: everyone,
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

    /// People who are not merged duplicates, nor erased.
    pub(crate) fn people(&self) -> impl Iterator<Item = &Attendee> {
        self.attendees.values().filter(|a| a.merged_into.is_none() && !self.is_erased(&a.id))
    }

    /// Whether `id`'s personal data was erased (alone, or with everyone's once the retention period ended).
    pub(crate) fn is_erased(&self, id: &AttendeeId) -> bool {
        self.everyone_erased || self.erased.contains(id)
    }

    /// The person a (possibly merged) id stands for.
    pub(crate) fn canonical(&self, id: &AttendeeId) -> AttendeeId {
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

    pub(crate) fn claims(&self, issue: &Issue, now: Timestamp) -> IssueClaims {
        let events: Vec<&ClaimEvent> = self.claim_events.iter().filter(|e| e.issue == issue.id).collect();
        issue_claims(&self.sprint, issue, &events, &self.presence_events, &|id| self.canonical(id), now)
    }

    pub(crate) fn name(&self, id: &AttendeeId) -> String {
        self.attendees.get(&self.canonical(id)).map_or_else(|| format!("({id})"), |a| a.name.clone())
    }

    pub(crate) fn person(&self, id: &AttendeeId) -> PersonRef {
        let id = self.canonical(id);
        PersonRef { name: self.name(&id), id }
    }

    pub(crate) fn present_person(&self, id: &AttendeeId) -> PresentPerson {
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

    /// The table a person is signed in at now, if any.
    pub(crate) fn whereabouts_of(&self, id: &AttendeeId, now: Timestamp) -> Option<ProjectId> {
        let events = self.presence_by_person.get(id).into_iter().flatten().map(|&i| &self.presence_events[i]);
        whereabouts(&self.sprint, events, now).flatten()
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
            needs_code_of_conduct: attendee.coc_version != Some(self.sprint.code_of_conduct.version),
            asks_photo_consent: attendee.photo_consent.is_none(),
        }
    }

    pub(crate) fn issue_board(&self, issue: &Issue, now: Timestamp) -> IssueBoard {
        let claims = self.claims(issue, now);
        let holders = claims
            .holders
            .iter()
            .filter(|h| h.state.is_open() || h.state == ClaimState::Merged)
            .map(|h| HolderView {
                person: self.person(&h.attendee),
                mentor: h.mentor.as_ref().map(|m| self.person(m)),
                state: h.state,
                kept_overnight: h.state == ClaimState::Active && h.kept_until.is_some(),
                claimed_at: h.since,
                claimed_on: h.device.as_ref().map(|d| self.devices.get(d).cloned().unwrap_or_else(|| d.to_string())),
                paired: h.settled && h.state.is_open() && claims.open().count() >= 2,
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

    /// The person `text` names: an attendee id, a `@handle` or handle, or a full name (accents and case
    /// ignored). A merged duplicate stands for the person it was merged into.
    pub(crate) fn find_attendee(&self, text: &str) -> Result<&Attendee, Error> {
        let text = text.trim();
        if let Some(person) = self.attendees.get(&AttendeeId(text.to_owned())).and_then(|a| self.survivor(a)) {
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
            [] => Err(Error::NotFound(format!("no attendee is called, has the id or has the handle \"{text}\""))),
            many => Err(Error::Ambiguous(format!(
                "\"{text}\" could be {}; use their id",
                many.iter().map(|a| format!("{} ({})", a.name, a.id)).collect::<Vec<_>>().join(" or ")
            ))),
        }
    }

    /// The person whose badge code (ticket secret, printed QR value) a scanner typed.
    pub(crate) fn find_by_badge(&self, code: &str) -> Result<&Attendee, Error> {
        let code = code.trim();
        self.attendees
            .values()
            .find(|a| a.badge_code.as_deref() == Some(code))
            .and_then(|a| self.survivor(a))
            .ok_or_else(|| Error::NotFound(format!("no one has the badge code {code}; try typing your name instead")))
    }

    fn survivor(&self, attendee: &Attendee) -> Option<&Attendee> {
        self.attendees.get(&self.canonical(&attendee.id))
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
    pub(crate) fn find_issue(&self, text: &str) -> Result<&Issue, Error> {
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
