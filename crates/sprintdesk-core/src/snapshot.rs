//! The sprint read into memory at one moment, and the questions every use case asks of it: who a name
//! stands for, which project a table label means, who is here, what state an issue's claims are in, and
//! the views built from them. Nothing here writes.
//!
//! After a write, here or on another device, the snapshot is patched ([`Snapshot::patch`]): the change log
//! says which records changed since the snapshot's version vector, and only those are read again; a sign-in
//! costs one event read, not the whole sprint.

use crate::Error;
use crate::view::{AttendeeCard, HolderView, IssueBoard, PersonRef, PresentPerson, ProjectRef};
use sprintdesk_domain::search::{SearchIndex, Searchable, fold};
use sprintdesk_domain::{
    Attendee, AttendeeId, BadgePrint, ClaimAction, ClaimEvent, ClaimState, Device, DeviceId, EventId, Goal, Issue,
    IssueClaims, IssueId, Presence, PresenceEvent, PresenceTally, Project, ProjectId, PullRequest, RetroAnswer, Sprint,
    Standup, StatusUpdate, Timestamp, issue_claims, open_today, signed_out_after, whereabouts, without_retracted,
};
use sprintdesk_store::{Entity, Store, VersionVector};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

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
    /// What of the change log this snapshot holds (at least: it may hold a little more).
    vector: VersionVector,
    /// Presence events an undo took back, whether or not they have arrived.
    retracted: HashSet<EventId>,
    /// Presence as last worked out, for the open day its tally is for (none after closing time): every
    /// board asks for it twice a second, and it changes only with a write or as a day opens or closes. A
    /// patch that only adds events keeps the tally, which then adds just those (a week of events is not
    /// read again after every sign-in); any other patch forgets it.
    presence_seen: Mutex<Option<KeptPresence>>,
}

/// Presence worked out, and the tally it came from: see [`Snapshot::presence`].
#[derive(Debug)]
struct KeptPresence {
    tally: PresenceTally,
    /// What the tally said when it had added every event; `None` once a patch added more.
    presence: Option<Arc<Presence>>,
}

/// The longest project name or table looked up: far past any project's name, short of what costs the door
/// time to compare with every project.
const PROJECT_LOOKUP_MAX: usize = 1_000;

/// More records than this changed since a snapshot (a bulk sync, an import): it is read again in full.
const PATCH_AT_MOST: usize = 2_000;

impl Snapshot {
    pub(crate) fn load(store: &Store) -> Result<Self, Error> {
        // The vector first: whatever lands while the tables are read is read again by the next patch.
        let vector = store.vector()?;
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
            presence_events: Vec::new(),
            presence_by_person: HashMap::new(),
            claim_events: store.claim_events()?,
            index,
            erased,
            everyone_erased: everyone,
            vector,
            retracted: HashSet::new(),
            presence_seen: Mutex::new(None),
        };
        let events = store.presence_events()?;
        snapshot.retracted = events.iter().filter_map(PresenceEvent::retracts).collect();
        snapshot.presence_events = without_retracted(events);
        snapshot.index_presence();
        Ok(snapshot)
    }

    fn index_presence(&mut self) {
        let mut by_person: HashMap<AttendeeId, Vec<usize>> = HashMap::new();
        for (i, event) in self.presence_events.iter().enumerate() {
            by_person.entry(self.canonical(&event.attendee)).or_default().push(i);
        }
        self.presence_by_person = by_person;
    }

    /// Brings this snapshot up to what `store` holds now by reading again only the records changed since
    /// it was read. `false` (and the snapshot half patched: drop it) when it cannot: too many changes, an
    /// erasure or a retirement, which touch everything.
    pub(crate) fn patch(&mut self, store: &Store) -> Result<bool, Error> {
        // Kept only if this patch just adds events after those the tally holds (checked at the end).
        let kept = self.presence_seen.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        let now_held = store.vector()?;
        let Some(touched) = store.touched_since(&self.vector, &now_held, PATCH_AT_MOST)? else {
            return Ok(false);
        };
        self.vector = now_held;
        let mut kinds: HashSet<Entity> = HashSet::new();
        let (mut presence, mut claims, mut people): (Vec<&str>, Vec<&str>, Vec<&str>) = Default::default();
        for (entity, id) in &touched {
            match entity {
                Entity::Erasure | Entity::Retirement => return Ok(false),
                Entity::PresenceEvent => presence.push(id),
                Entity::ClaimEvent => claims.push(id),
                Entity::Attendee => people.push(id),
                other => {
                    kinds.insert(*other);
                }
            }
        }
        for kind in kinds {
            self.reread(store, kind)?;
        }
        people.sort_unstable();
        people.dedup();
        let mut reindex = false;
        for id in people {
            reindex |= self.reread_person(store, &AttendeeId::from(id))?;
        }
        for event in store.presence_events_with_ids(&presence)? {
            reindex |= self.add_presence(event);
        }
        for event in store.claim_events_with_ids(&claims)? {
            if !self.claim_events.iter().any(|e| e.id == event.id) {
                let at = self.claim_events.partition_point(|e| (e.at, &e.id) < (event.at, &event.id));
                self.claim_events.insert(at, event);
            }
        }
        if reindex {
            self.index_presence();
        } else if let Some(mut kept) = kept {
            kept.presence = None;
            *self.presence_seen.get_mut().unwrap_or_else(PoisonError::into_inner) = Some(kept);
        }
        Ok(true)
    }

    /// Reads one kind of record again, whole (projects, goals and the like are few).
    fn reread(&mut self, store: &Store, kind: Entity) -> Result<(), Error> {
        match kind {
            Entity::Sprint => self.sprint = store.sprint()?.ok_or(Error::NoSprint)?,
            Entity::Project => self.projects = store.all::<Project>()?.into_iter().map(|p| (p.id.clone(), p)).collect(),
            Entity::Goal => self.goals = store.all()?,
            Entity::StatusUpdate => self.status_updates = store.all()?,
            Entity::Issue => {
                let mut issues = store.all::<Issue>()?;
                issues.sort_by(|a, b| (&a.project, a.number, &a.url).cmp(&(&b.project, b.number, &b.url)));
                self.issues = issues;
            }
            Entity::PullRequest => self.pull_requests = store.all()?,
            Entity::RetroAnswer => self.retro_answers = store.all()?,
            Entity::Standup => self.standups = store.all()?,
            Entity::BadgePrint => self.badge_prints = store.all()?,
            Entity::Device => self.devices = store.all::<Device>()?.into_iter().map(|d| (d.id, d.name)).collect(),
            Entity::Attendee | Entity::PresenceEvent | Entity::ClaimEvent | Entity::Retirement | Entity::Erasure => {}
        }
        Ok(())
    }

    /// Reads one person again and indexes them for search as [`Snapshot::load`] does. Whether who they
    /// stand for changed (a merge), so presence must be indexed again.
    fn reread_person(&mut self, store: &Store, id: &AttendeeId) -> Result<bool, Error> {
        let now = store.get::<Attendee>(id.as_str())?;
        let merged_before = self.attendees.get(id).map(|a| a.merged_into.clone());
        let merged_now = now.as_ref().map(|a| a.merged_into.clone());
        match now {
            Some(person) => {
                let listed = person.merged_into.is_none() && !self.is_erased(&person.id);
                if listed {
                    self.index.upsert(Searchable {
                        id: &person.id,
                        name: &person.name,
                        handle: person.handle.as_deref(),
                    });
                } else {
                    self.index.remove(id);
                }
                self.attendees.insert(id.clone(), person);
            }
            None => {
                self.index.remove(id);
                self.attendees.remove(id);
            }
        }
        Ok(merged_before != merged_now)
    }

    /// Adds one stored presence event as [`Snapshot::load`] would have it (undo's retractions applied).
    /// Whether the per-person positions must be made again (it did not go at the end).
    fn add_presence(&mut self, event: PresenceEvent) -> bool {
        if let Some(taken_back) = event.retracts() {
            self.retracted.insert(taken_back.clone());
            match self.presence_events.iter().position(|e| e.id == taken_back) {
                Some(at) => {
                    self.presence_events.remove(at);
                    return true;
                }
                None => return false,
            }
        }
        // Kept in (time, id) order, and an event's time is part of it: one already held sits where this
        // one would go (no walk through a week of events per sign-in).
        let at = self.presence_events.partition_point(|e| (e.at, &e.id) < (event.at, &event.id));
        if self.retracted.contains(&event.id) || self.presence_events.get(at).is_some_and(|e| e.id == event.id) {
            return false;
        }
        let last = at == self.presence_events.len();
        let person = self.canonical(&event.attendee);
        self.presence_events.insert(at, event);
        if last {
            self.presence_by_person.entry(person).or_default().push(at);
        }
        !last
    }

    /// The time to record a new event at: now, or just after the latest event it follows (the person's
    /// sign-ins, the issue's claims), so that two actions in the same millisecond, or on a clock that
    /// stepped back, still happen in the order they were taken.
    pub(crate) fn event_time(&self, now: Timestamp, person: Option<&AttendeeId>, issue: Option<&IssueId>) -> Timestamp {
        let person = person.map(|p| self.canonical(p));
        let after_presence = person.iter().flat_map(|p| self.events_of(p)).map(|e| e.at);
        let involves = |e: &ClaimEvent| match &e.action {
            ClaimAction::Claim { attendee, .. } | ClaimAction::Release { attendee } => {
                person.as_ref().is_some_and(|p| self.canonical(attendee) == *p)
            }
            _ => false,
        };
        let after_claims = self.claim_events.iter().filter(|e| Some(&e.issue) == issue || involves(e)).map(|e| e.at);
        after_presence.chain(after_claims).map(|at| Timestamp(at.0.saturating_add(1))).fold(now, Timestamp::max)
    }

    /// People who are not merged duplicates, nor erased.
    pub(crate) fn people(&self) -> impl Iterator<Item = &Attendee> {
        self.attendees.values().filter(|a| a.merged_into.is_none() && !self.is_erased(&a.id))
    }

    /// Whether `id`'s personal data was erased (alone, or with everyone's once the retention period ended).
    pub(crate) fn is_erased(&self, id: &AttendeeId) -> bool {
        self.everyone_erased || self.erased.contains(id)
    }

    /// Whether `pr` is an erased person's: counted, but never listed by what would lead to its page.
    pub(crate) fn by_erased(&self, pr: &sprintdesk_domain::PullRequest) -> bool {
        pr.attendee.as_ref().is_some_and(|id| self.is_erased(&self.canonical(id)))
    }

    /// The person a (possibly merged) id stands for.
    pub(crate) fn canonical(&self, id: &AttendeeId) -> AttendeeId {
        self.canonical_ref(id).clone()
    }

    /// Whom a presence event of `id` counts for: the person it stands for, if anyone registered them (a
    /// paired device could write sign-ins of made-up ids; those count nowhere). A person who appears or
    /// goes makes the tally start again ([`Snapshot::reread_person`]).
    pub(crate) fn counted<'a>(&'a self, id: &'a AttendeeId) -> Option<&'a AttendeeId> {
        let person = self.canonical_ref(id);
        self.attendees.contains_key(person).then_some(person)
    }

    /// [`Snapshot::find_attendee`] for the door: someone whose personal data was erased is no one it signs
    /// in or records an answer for (found by their old id, they were signed in as "Erased person").
    pub(crate) fn find_at_door(&self, text: &str) -> Result<&Attendee, Error> {
        let person = self.find_attendee(text)?;
        if self.is_erased(&person.id) {
            return Err(Error::NotFound(
                "that person's personal data was erased: register them anew (\"I'm not on the list\")".into(),
            ));
        }
        Ok(person)
    }

    /// [`Snapshot::canonical`], without copying it.
    fn canonical_ref<'a>(&'a self, id: &'a AttendeeId) -> &'a AttendeeId {
        let mut current = id;
        for _ in 0..16 {
            match self.attendees.get(current).and_then(|a| a.merged_into.as_ref()) {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }

    /// Who is here at `now` and how many came each day: the events are tallied once per open day, and
    /// after a write only the events it added.
    pub(crate) fn presence(&self, now: Timestamp) -> Arc<Presence> {
        let today = open_today(&self.sprint, now);
        let mut seen = self.presence_seen.lock().unwrap_or_else(PoisonError::into_inner);
        let (tally, presence) = match seen.take().filter(|kept| kept.tally.today() == today) {
            Some(KeptPresence { tally, presence: Some(presence) }) => (tally, presence),
            held => {
                let mut tally = held.map_or_else(|| PresenceTally::new(today), |kept| kept.tally);
                tally.add(&self.presence_events, &|id| self.counted(id));
                let presence = Arc::new(tally.presence(&self.presence_events));
                (tally, presence)
            }
        };
        *seen = Some(KeptPresence { tally, presence: Some(Arc::clone(&presence)) });
        presence
    }

    pub(crate) fn claims(&self, issue: &Issue, now: Timestamp) -> IssueClaims {
        let events: Vec<&ClaimEvent> = self.claim_events.iter().filter(|e| e.issue == issue.id).collect();
        let signed_out = |who: &AttendeeId, since| signed_out_after(self.events_of(who), since);
        issue_claims(&self.sprint, issue, &events, &signed_out, &|id| self.canonical(id), now)
    }

    /// A device by its name on the allow-list, or its id when it has none there.
    pub(crate) fn device_name(&self, id: &DeviceId) -> String {
        self.devices.get(id).cloned().unwrap_or_else(|| id.to_string())
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
        self.here_at(id, now).flatten()
    }

    /// Whether `id` (a person as they are now, not a merged duplicate) is here, and at which table: only
    /// their own events are read, the same rule as [`Snapshot::presence`] for everyone.
    pub(crate) fn here_at(&self, id: &AttendeeId, now: Timestamp) -> Option<Option<ProjectId>> {
        whereabouts(&self.sprint, self.events_of(id), now)
    }

    /// The tables `id` signed in at since they last signed out today (moves included), each once, in order: a
    /// person asked at the door where they signed in may name the first or where they moved to since (not
    /// the morning's, before lunch: each table more is a guess more for someone pretending to be them).
    pub(crate) fn tables_today(&self, id: &AttendeeId, now: Timestamp) -> Vec<Option<ProjectId>> {
        let today = self.sprint.local_date(now);
        let mut events: Vec<&PresenceEvent> = self.events_of(id).filter(|event| event.day == today).collect();
        events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        let since =
            events.iter().rposition(|e| e.kind == sprintdesk_domain::PresenceKind::SignOut).map_or(0, |i| i + 1);
        let mut tables: Vec<Option<ProjectId>> = Vec::new();
        for event in events[since..].iter().filter(|e| e.kind == sprintdesk_domain::PresenceKind::SignIn) {
            if !tables.contains(&event.project) {
                tables.push(event.project.clone());
            }
        }
        tables
    }

    /// The presence events of `id` and of the duplicates merged into them.
    fn events_of<'a>(&'a self, id: &AttendeeId) -> impl Iterator<Item = &'a PresenceEvent> + 'a {
        self.presence_by_person.get(id).into_iter().flatten().map(|&i| &self.presence_events[i])
    }

    /// A kiosk's view of one person: only their own sign-ins are looked at, so it stays cheap however many
    /// people are in the room.
    pub(crate) fn card(&self, attendee: &Attendee, now: Timestamp) -> AttendeeCard {
        let table = self.here_at(&attendee.id, now);
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
            // A merged claim is shown for the credit; an erased person's is not theirs to take, and with the
            // issue's pull request on the forge it would tell who the pseudonym was.
            .filter(|h| {
                h.state.is_open() || (h.state == ClaimState::Merged && !self.is_erased(&self.canonical(&h.attendee)))
            })
            .map(|h| HolderView {
                person: self.person(&h.attendee),
                mentor: h.mentor.as_ref().map(|m| self.person(m)),
                state: h.state,
                // Kept past today (a claim kept last night is kept no longer: tonight's closing releases it).
                kept_overnight: h.state == ClaimState::Active
                    && h.kept_until.is_some_and(|day| day > self.sprint.local_date(now)),
                claimed_at: h.since,
                claimed_on: h.device.as_ref().map(|d| self.device_name(d)),
                paired: h.settled && h.state.is_open() && claims.open().count() >= 2,
                also_holds: if h.state.is_open() {
                    self.first_timer_also_holds(&h.attendee, issue, now)
                } else {
                    Vec::new()
                },
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

    /// The issues other than `issue` that `who`, a first-timer, holds open too (none for anyone else), as
    /// "#3 (Document the board)".
    fn first_timer_also_holds(&self, who: &AttendeeId, issue: &Issue, now: Timestamp) -> Vec<String> {
        if !self.attendees.get(who).is_some_and(|a| a.first_timer) {
            return Vec::new();
        }
        self.held_elsewhere(who, issue, now)
            .map(|other| match other.number {
                Some(number) => format!("#{number} ({})", other.title),
                None => other.title.clone(),
            })
            .collect()
    }

    /// The issues `who` works on now (claimed, no pull request yet): what signing out lets go.
    pub(crate) fn working_on(&self, who: &AttendeeId, now: Timestamp) -> Vec<Issue> {
        self.claimed_by(who)
            .filter(|issue| {
                self.claims(issue, now).open_by(who).is_some_and(|h| h.state == sprintdesk_domain::ClaimState::Active)
            })
            .cloned()
            .collect()
    }

    /// The issues other than `issue` that `who` holds open.
    pub(crate) fn held_elsewhere<'a>(
        &'a self,
        who: &'a AttendeeId,
        issue: &'a Issue,
        now: Timestamp,
    ) -> impl Iterator<Item = &'a Issue> + 'a {
        self.claimed_by(who)
            .filter(move |other| other.id != issue.id)
            .filter(move |other| self.claims(other, now).open_by(who).is_some())
    }

    /// The issues a claim of `who` (a merged duplicate's included) names: only these are worked out for what
    /// they hold, not every issue.
    fn claimed_by<'a>(&'a self, who: &'a AttendeeId) -> impl Iterator<Item = &'a Issue> + 'a {
        let mut named: Vec<&IssueId> = self
            .claim_events
            .iter()
            .filter(|e| matches!(&e.action, ClaimAction::Claim { attendee, .. } if self.canonical_ref(attendee) == who))
            .map(|e| &e.issue)
            .collect();
        named.sort();
        named.dedup();
        self.issues.iter().filter(move |issue| named.binary_search(&&issue.id).is_ok())
    }

    /// The person `text` names: an attendee id, a `@handle` or handle, or a full name (accents and case
    /// ignored). A merged duplicate stands for the person it was merged into.
    pub(crate) fn find_attendee(&self, text: &str) -> Result<&Attendee, Error> {
        let text = text.trim();
        // Longer than any name: matching it against everyone's only costs the door time (a megabyte sent as a
        // name to sign in held every kiosk behind it for most of a second).
        if text.chars().nth(sprintdesk_domain::NAME_MAX).is_some() {
            return Err(Error::NotFound(format!(
                "no one on the list has a name that long (names are at most {} characters)",
                sprintdesk_domain::NAME_MAX
            )));
        }
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
            [] => {
                // Not taken as meaning whoever it starts like (two people share a first name): said instead.
                const SHOWN: usize = 4;
                let mut like: Vec<String> = self
                    .index
                    .search(text, SHOWN + 1)
                    .iter()
                    .filter_map(|id| self.attendees.get(id))
                    .map(|a| match &a.handle {
                        Some(handle) => format!("{} (@{handle})", a.name),
                        None => a.name.clone(),
                    })
                    .collect();
                if like.len() > SHOWN {
                    like.truncate(SHOWN);
                    like.push("someone else".into());
                }
                let hint = match like.as_slice() {
                    [] => String::new(),
                    [one] => format!("; did you mean {one}? Give the full name, the @handle or the id"),
                    [first @ .., last] => format!(
                        "; did you mean {} or {last}? Give the full name, the @handle or the id",
                        first.join(", ")
                    ),
                };
                Err(Error::NotFound(format!("no attendee is called, has the id or has the handle \"{text}\"{hint}")))
            }
            many => Err(Error::Ambiguous(format!(
                "\"{text}\" could be {}; use their id",
                many.iter().map(|a| format!("{} ({})", a.name, a.id)).collect::<Vec<_>>().join(" or ")
            ))),
        }
    }

    /// The person whose badge code (ticket secret, printed QR value) a scanner typed.
    pub(crate) fn find_by_badge(&self, code: &str) -> Result<&Attendee, Error> {
        let code = code.trim();
        // As scanned first; else typed by hand in another case ("demo-42" for "DEMO-42"), when that names one
        // badge only.
        let by_hand = || {
            // Records merged into one person (who kept the duplicate's code) are one badge.
            let any_case: Vec<&Attendee> = self
                .attendees
                .values()
                .filter(|a| a.badge_code.as_deref().is_some_and(|b| b.eq_ignore_ascii_case(code)))
                .filter_map(|a| self.badge_holder(a))
                .collect();
            any_case.first().copied().filter(|one| any_case.iter().all(|other| other.id == one.id))
        };
        self.attendees
            .values()
            .find(|a| a.badge_code.as_deref() == Some(code))
            .and_then(|a| self.badge_holder(a))
            .or_else(by_hand)
            .ok_or_else(|| Error::NotFound(format!("no one has the badge code {code}; try typing your name instead")))
    }

    /// Whom `attendee`'s badge code signs in and out: they, or the person they were merged into; but not
    /// when they were a walk-in. Anyone at the door can register a walk-in under someone's name and print its
    /// first badge: once an organizer merged it into her, its code moved and signed her out from the Wi-Fi.
    /// (A second ticket imported for one person, merged, still works.)
    fn badge_holder(&self, attendee: &Attendee) -> Option<&Attendee> {
        if attendee.merged_into.is_some() && attendee.id.registered_by().is_some() {
            return None;
        }
        self.survivor(attendee)
    }

    fn survivor(&self, attendee: &Attendee) -> Option<&Attendee> {
        self.attendees.get(&self.canonical(&attendee.id))
    }

    pub(crate) fn find_project(&self, text: &str) -> Result<&Project, Error> {
        let text = text.trim();
        if text.chars().nth(PROJECT_LOOKUP_MAX).is_some() {
            return Err(Error::NotFound("there is no project or table with a name that long".into()));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Desk, NewSprint, SequentialIds};
    use proptest::prelude::*;
    use sprintdesk_domain::{FixedClock, PresenceKind, presence};
    use sprintdesk_store::Op;
    use std::sync::Arc;

    const T0: i64 = 1_784_000_000_000; // 2026-07-13, the sprint's first day

    /// One write, as a device or a sync would make it: events may arrive out of order, an undo before
    /// what it takes back, a merge or deletion between sign-ins.
    #[derive(Clone, Debug)]
    enum Step {
        Presence { event: u8, person: u8, table: Option<u8>, minute: u16, out: bool },
        Undo { event: u8, minute: u16 },
        Claim { event: u8, person: u8, minute: u16 },
        Rename { person: u8, name: u8 },
        Merge { person: u8, into: u8 },
        Delete { person: u8 },
        Project { table: u8 },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0..40u8, 0..8u8, proptest::option::of(0..3u8), 0..600u16, any::<bool>())
                .prop_map(|(event, person, table, minute, out)| Step::Presence { event, person, table, minute, out }),
            1 => (0..40u8, 0..600u16).prop_map(|(event, minute)| Step::Undo { event, minute }),
            1 => (0..20u8, 0..8u8, 0..600u16).prop_map(|(event, person, minute)| Step::Claim { event, person, minute }),
            1 => (0..8u8, 0..4u8).prop_map(|(person, name)| Step::Rename { person, name }),
            1 => (0..8u8, 0..8u8).prop_map(|(person, into)| Step::Merge { person, into }),
            1 => (0..8u8).prop_map(|person| Step::Delete { person }),
            1 => (0..3u8).prop_map(|table| Step::Project { table }),
        ]
    }

    fn person(n: u8) -> Attendee {
        Attendee {
            id: AttendeeId(format!("a-{n}")),
            name: format!("Person {n}"),
            handle: Some(format!("p{n}")),
            email: None,
            roles: vec![],
            first_timer: n.is_multiple_of(2),
            planned_days: vec![],
            badge_code: None,
            coc_version: None,
            photo_consent: None,
            merged_into: None,
        }
    }

    fn ops(desk: &Desk, step: &Step) -> Vec<Op> {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 7, 13).unwrap();
        let at = |minute: u16| Timestamp(T0 + 8 * 3_600_000 + i64::from(minute) * 60_000);
        let current = |n: u8| desk.store().get::<Attendee>(&format!("a-{n}")).unwrap();
        match step {
            Step::Presence { event, person, table, minute, out } => vec![Op::Presence(PresenceEvent {
                id: EventId(format!("e-{event}")),
                kind: if *out { PresenceKind::SignOut } else { PresenceKind::SignIn },
                attendee: AttendeeId(format!("a-{person}")),
                day,
                project: table.map(|t| ProjectId(format!("p-{t}"))),
                device: "d".into(),
                at: at(*minute),
            })],
            Step::Undo { event, minute } => {
                let target = EventId(format!("e-{event}"));
                vec![Op::Presence(PresenceEvent {
                    id: PresenceEvent::retraction_id(&target),
                    kind: PresenceKind::Retract,
                    attendee: AttendeeId("a-0".into()),
                    day,
                    project: None,
                    device: "d".into(),
                    at: at(*minute),
                })]
            }
            Step::Claim { event, person, minute } => vec![Op::Claim(ClaimEvent {
                id: EventId(format!("c-{event}")),
                issue: IssueId("i-1".into()),
                action: ClaimAction::Claim { attendee: AttendeeId(format!("a-{person}")), mentor: None },
                device: "d".into(),
                at: at(*minute),
            })],
            Step::Rename { person, name } => match current(*person) {
                Some(old) => Op::put(&Attendee { name: format!("Renamed {name} Ünal"), ..old.clone() }, Some(&old)),
                None => Op::put(&self::person(*person), None),
            },
            Step::Merge { person, into } if person != into => match current(*person) {
                Some(old) if current(*into).is_some_and(|i| i.merged_into.is_none()) => {
                    Op::put(&Attendee { merged_into: Some(AttendeeId(format!("a-{into}"))), ..old.clone() }, Some(&old))
                }
                _ => vec![],
            },
            Step::Merge { .. } => vec![],
            Step::Delete { person } => vec![Op::delete(Entity::Attendee, format!("a-{person}"))],
            Step::Project { table } => {
                let project = Project {
                    id: ProjectId(format!("p-{table}")),
                    name: format!("Project {table}"),
                    repo_url: None,
                    table_label: Some(format!("T{table}")),
                    leads: vec![],
                    help_wanted: false,
                    help_note: String::new(),
                };
                Op::put(&project, None)
            }
        }
    }

    /// Everything a snapshot holds, in one order, to compare a patched one with one read whole.
    fn contents(s: &Snapshot) -> String {
        let mut attendees: Vec<_> = s.attendees.values().collect();
        attendees.sort_by(|a, b| a.id.cmp(&b.id));
        let mut projects: Vec<_> = s.projects.values().collect();
        projects.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_person: Vec<_> = s.presence_by_person.iter().collect();
        by_person.sort();
        format!(
            "{:?}\n{attendees:?}\n{projects:?}\n{:?}\n{:?}\n{by_person:?}\n{:?}",
            s.sprint,
            s.presence_events,
            s.claim_events,
            s.index.contents()
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// After any writes, here or applied from another device, in any order and batches, the patched
        /// snapshot is the one a full read gives.
        #[test]
        fn a_patched_snapshot_is_the_snapshot_read_whole(
            steps in proptest::collection::vec((step(), any::<bool>(), any::<bool>()), 1..40)
        ) {
            let store = Store::open_in_memory("d".into()).unwrap();
            let clock = Arc::new(FixedClock::new(Timestamp(T0)));
            let mut desk = Desk::new(store, clock, Arc::new(SequentialIds::default()));
            let sprint: NewSprint = serde_json::from_value(serde_json::json!({
                "name": "Patch", "time_zone": "UTC", "start": "2026-07-13", "days": 2
            })).unwrap();
            desk.create_sprint(sprint).unwrap();
            let people: Vec<Op> = (0..6).flat_map(|n| Op::put(&person(n), None)).collect();
            desk.write(people).unwrap();
            desk.snapshot().unwrap();
            // What a board asks, of the patched snapshot and of one read whole: while the events' day is
            // open and after it closes (T0 is 03:33 UTC on the second day; the events say they are the
            // first day's and are stamped from 11:33 on the second), on the second day, and after the
            // sprint. The patched one has been asked before each write, last at the time it is asked
            // first after it: what it worked out must not outlive that write.
            let issue = Issue {
                id: IssueId("i-1".into()),
                project: ProjectId("p-0".into()),
                url: "https://github.com/python/cpython/issues/1".into(),
                number: Some(1),
                title: "Claimed".into(),
                labels: vec![],
                beginner_friendly: false,
                state: sprintdesk_domain::IssueState::Open,
            };
            // `worked_out`: as the rules give it from every event, not as the snapshot kept it (presence)
            // or looks it up (a claim holder's sign-outs, from their own events, merged duplicates' too).
            let asked = |s: &Snapshot, worked_out: bool| {
                [-15, -17, -11, -7, 7, 9, 12, 20, 33, -15].map(|hour| Timestamp(T0 + hour * 3_600_000)).map(|now| {
                    if !worked_out {
                        return format!("{:?}\n{:?}", s.presence(now), s.claims(&issue, now));
                    }
                    let everyone = &s.presence_events;
                    let signed_out = |who: &AttendeeId, since| {
                        signed_out_after(everyone.iter().filter(|e| s.canonical_ref(&e.attendee) == who), since)
                    };
                    let events: Vec<&ClaimEvent> = s.claim_events.iter().filter(|e| e.issue == issue.id).collect();
                    format!(
                        "{:?}\n{:?}",
                        presence(&s.sprint, everyone, &|id| s.counted(id), now),
                        issue_claims(&s.sprint, &issue, &events, &signed_out, &|id| s.canonical(id), now)
                    )
                })
            };
            // Another device, whose records arrive as a sync applies them: its edits race this one's, and
            // the older of two loses wherever it lands.
            let mut elsewhere = Store::open_in_memory("o".into()).unwrap();
            for (step, look, from_elsewhere) in &steps {
                let before = desk.snapshot().unwrap();
                asked(&before, false);
                drop(before);
                let ops = ops(&desk, step);
                if *from_elsewhere {
                    let records = elsewhere.write(Timestamp(T0), ops).unwrap();
                    let outcome = desk.apply_remote(&records).unwrap();
                    prop_assert_eq!(outcome.applied, records.len(), "{:?}", outcome);
                } else {
                    desk.write(ops).unwrap();
                }
                if *look {
                    let patched = desk.snapshot().unwrap();
                    let whole = Snapshot::load(desk.store()).unwrap();
                    prop_assert_eq!(contents(&patched), contents(&whole), "after {:?}", step);
                    prop_assert_eq!(asked(&patched, false), asked(&whole, true), "after {:?}", step);
                }
            }
            let patched = desk.snapshot().unwrap();
            prop_assert_eq!(contents(&patched), contents(&Snapshot::load(desk.store()).unwrap()));
        }
    }
}
