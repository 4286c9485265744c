//! The imports this device made, and taking one back: the wrong file imported (last year's export,
//! another event's, a list of issues or pull requests for the wrong project) is undone in one step instead
//! of record by record, on the device that imported it, at any time.
//!
//! Undoing writes new records like any edit, so it reaches every device: the people (issues, pull requests)
//! the import added are deleted, unless anything was written about them since (a sign-in, an edit, a merge, a claim,
//! a badge printed): those are kept and named. A field the import changed on a record already there gets
//! its value from before the import back, unless it was changed again since. Nothing of what happened at
//! the venue is taken back with it.
//!
//! A file that should never have been imported at all (another event's attendee list) is personal data on
//! every device: taking it back with `erase` also erases the people it added, as erasing each would (their
//! details cleared from every device's change log), though without the keys that keep an erased person out
//! of the next import: they did not ask to be forgotten, and may yet register.

use crate::desk::Desk;
use crate::error::Error;
use crate::view::ImportReport;
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{AttendeeId, ClaimAction, DeviceId, EventId, IssueId, PrState, Timestamp, ValidationError};
use sprintdesk_store::{Change, ERASURE_KEYS_FIELD, Entity, Hlc, Op};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// This device's own setting that lists its imports (no personal data: ids, counts, the file's format).
const KEPT_KEY: &str = "imports";

/// Imports remembered, newest last; older ones can no longer be undone here.
const IMPORTS_KEPT: usize = 20;

/// An import this device made, as listed for undoing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportMade {
    pub id: String,
    /// `attendees`, `issues` or `prs` (pull requests).
    pub kind: String,
    /// When, in the sprint's time zone: "2026-05-18 09:12".
    pub at: String,
    /// The file's format, as its report said.
    pub format: String,
    pub added: usize,
    pub updated: usize,
    /// The file's name, when the screen or command gave it.
    pub file: Option<String>,
    /// Undone already (it cannot be undone twice).
    pub undone: bool,
    /// The people it added were erased when, or after, it was taken back.
    pub erased: bool,
}

/// Which import to undo, by the id its report or the list gave.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UndoImport {
    pub id: String,
    /// Also erase the people it added (an attendee import): at once, or after it was taken back.
    #[serde(default)]
    pub erase: bool,
    /// The organizer PIN, where this device has one: erasing needs it.
    #[serde(default)]
    pub pin: Option<String>,
}

impl UndoImport {
    /// Takes back import `id`, erasing no one.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), erase: false, pin: None }
    }
}

/// What undoing an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportUndone {
    /// People (or issues) the import added, now deleted on every device.
    pub removed: usize,
    /// Their names (titles), for the organizer to check.
    pub removed_names: Vec<String>,
    /// Records already there whose details the import changed, set back.
    pub restored: usize,
    /// What was kept, and why: "Ana Lima: signed in since the import".
    pub kept: Vec<String>,
    /// Claims a pull request import had moved to "PR open" or "merged", moved back.
    pub claims_moved_back: usize,
    /// People it added whose personal data was erased on every device (with `erase`).
    pub erased: usize,
    /// Their names, for the organizer to check.
    pub erased_names: Vec<String>,
}

/// An import as this device keeps it: its own records from `first` to `last`.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Kept {
    id: String,
    kind: String,
    at: Timestamp,
    format: String,
    added: usize,
    updated: usize,
    origin: String,
    first: u64,
    last: u64,
    first_hlc: u64,
    #[serde(default)]
    undone: bool,
    /// The records its undo wrote (origin, first and last sequence), once undone.
    #[serde(default)]
    undo_run: Option<(String, u64, u64)>,
    #[serde(default)]
    file: Option<String>,
    /// The records it found on the list and left unchanged (a person a later import lists is not one an
    /// earlier one's undo removes).
    #[serde(default)]
    unchanged: Vec<String>,
    /// Once undone: the records it had added that the undo kept for what happened at the venue since (a
    /// sign-in, an edit, a merge). What it wrote of them stands, as if it had not been taken back.
    #[serde(default)]
    kept_rows: Vec<String>,
    /// The claim events it wrote, as (issue, event): a pull request import moves the claims on the issues
    /// it closes to "PR open" or "merged", and its undo takes those steps back.
    #[serde(default)]
    claim_events: Vec<(IssueId, EventId)>,
    /// The people it added were erased (with its undo, or after).
    #[serde(default)]
    erased: bool,
    /// Once undone: rows it added that its undo kept only for other imports (a later one listed them, or
    /// wrote them again): the undo of the last import that still holds them takes them back in turn.
    #[serde(default)]
    handed: Vec<String>,
    /// The events an attendee file named (pretix's event slug, Eventbrite's event name): a later file for
    /// another event is asked about before it is imported.
    #[serde(default)]
    events: Vec<String>,
}

impl Kept {
    /// The runs of records this import and its undo wrote.
    fn runs(&self) -> Vec<(DeviceId, u64, u64)> {
        let mut runs = Vec::new();
        if self.wrote() {
            runs.push((DeviceId(self.origin.clone()), self.first, self.last));
        }
        if let Some((origin, first, last)) = &self.undo_run {
            runs.push((DeviceId(origin.clone()), *first, *last));
        }
        runs
    }

    /// Whether it wrote anything (an import that changed nothing is kept only for what it listed).
    fn wrote(&self) -> bool {
        self.last > 0
    }
}

impl Desk {
    /// Writes an import's `ops` and remembers them for [`Desk::undo_import`], with the records it found and
    /// left `unchanged`; notes the undo's id in `report` (none when the import changed nothing).
    pub(crate) fn write_import(
        &mut self,
        kind: &str,
        file: Option<&str>,
        ops: Vec<Op>,
        unchanged: Vec<String>,
        report: &mut ImportReport,
    ) -> Result<(), Error> {
        let claim_events: Vec<(IssueId, EventId)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Claim(event) => Some((event.issue.clone(), event.id.clone())),
                _ => None,
            })
            .collect();
        let written = self.write_returning(ops)?;
        let run = written.first().zip(written.last());
        if run.is_none() && unchanged.is_empty() {
            return Ok(());
        }
        let kept = Kept {
            id: self.make_id("import"),
            kind: kind.into(),
            at: self.now(),
            format: report.format.clone(),
            added: report.added,
            updated: report.updated,
            origin: run.map(|(first, _)| first.origin.to_string()).unwrap_or_default(),
            first: run.map_or(0, |(first, _)| first.seq),
            last: run.map_or(0, |(_, last)| last.seq),
            first_hlc: run.map_or(0, |(first, _)| first.hlc.0),
            undone: false,
            undo_run: None,
            file: file.map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()),
            unchanged,
            kept_rows: Vec::new(),
            claim_events,
            erased: false,
            handed: Vec::new(),
            events: report.events.clone(),
        };
        if kept.wrote() {
            report.undo = Some(kept.id.clone());
        }
        let mut imports = self.imports_kept()?;
        imports.push(kept);
        // The last imports that wrote something, and those after the oldest of them that changed nothing
        // (kept for whom they listed): re-importing an unchanged file twenty times forgets no import.
        let writing: Vec<usize> = imports.iter().enumerate().filter(|(_, i)| i.wrote()).map(|(n, _)| n).collect();
        let forget = writing.len().checked_sub(IMPORTS_KEPT).map_or(0, |extra| writing[extra]);
        imports.drain(..forget);
        self.keep_imports(&imports)
    }

    /// This device's imports that can be listed for undoing, newest first.
    pub fn imports(&mut self) -> Result<Vec<ImportMade>, Error> {
        let sprint = self.sprint()?;
        Ok(self
            .imports_kept()?
            .into_iter()
            .rev()
            .filter(Kept::wrote)
            .map(|kept| ImportMade {
                id: kept.id,
                kind: kept.kind,
                at: sprint.local_minute(kept.at),
                format: kept.format,
                added: kept.added,
                updated: kept.updated,
                file: kept.file,
                undone: kept.undone,
                erased: kept.erased,
            })
            .collect())
    }

    /// Takes back one of this device's imports (see the module's doc), in one write turn. Erasing asks for
    /// the organizer PIN first, outside the turn: a wrong PIN counted inside it was rolled back with the
    /// refused use case, and the PIN could be guessed without ever locking.
    pub fn undo_import(&mut self, undo: UndoImport) -> Result<ImportUndone, Error> {
        if undo.erase {
            let kind = self.imports_kept()?.into_iter().find(|kept| kept.id == undo.id.trim()).map(|kept| kept.kind);
            if kind.is_some_and(|kind| kind != "attendees") {
                return Err(not_erasable());
            }
            self.confirm_pin(undo.pin.as_deref(), "erasing the people an import added")?;
        }
        self.in_write_turn(|desk| desk.take_back_import(undo))
    }

    fn take_back_import(&mut self, undo: UndoImport) -> Result<ImportUndone, Error> {
        let mut imports = self.imports_kept()?;
        let wanted = undo.id.trim();
        if wanted.is_empty() {
            return Err(ValidationError::new(
                "id",
                "say which import to take back, by its id (as the list of imports shows it)",
            )
            .into());
        }
        let Some(position) = imports.iter().position(|kept| kept.id == wanted && kept.wrote()) else {
            return Err(Error::NotFound(format!(
                "there is no import {wanted} on this device: an import is taken back on the device that made it, \
                 and only its last {IMPORTS_KEPT}"
            )));
        };
        let kept = imports[position].clone();
        if kept.undone {
            if undo.erase && !kept.erased {
                return self.erase_taken_back(&mut imports, position);
            }
            return Err(Error::NothingToUndo(if kept.erased {
                "that import was taken back, and those it removed erased, already".into()
            } else {
                "that import was taken back already".into()
            }));
        }
        // Imports taken back, and what their undos wrote, are as if they had never been: neither what a field
        // held before this import nor a change since. Except the records their undos kept: a person one added
        // and who signed in since stays as it made them.
        let gone: Vec<(DeviceId, u64, u64)> =
            imports.iter().filter(|other| other.undone).flat_map(Kept::runs).collect();
        let standing: HashSet<String> =
            imports.iter().filter(|other| other.undone).flat_map(|other| other.kept_rows.iter().cloned()).collect();
        let origin = DeviceId(kept.origin.clone());
        let replaced = self.store().replaced_by(&origin, kept.first, kept.last, &gone, &standing)?;
        if replaced.is_empty() && kept.claim_events.is_empty() {
            return Err(Error::NothingToUndo(
                "this device no longer holds what that import wrote (its clock was put back since, and the \
                 records were issued again): nothing was changed"
                    .into(),
            ));
        }
        // Each record the import wrote, by row; a row none of whose fields had a value before is one it added.
        let mut rows: BTreeMap<(Entity, String), Vec<&sprintdesk_store::Replaced>> = BTreeMap::new();
        for one in &replaced {
            rows.entry((one.record.entity, one.record.entity_id.clone())).or_default().push(one);
        }
        let ids: HashSet<String> = rows.keys().map(|(_, id)| id.clone()).collect();
        let mut skip = gone.clone();
        skip.extend(kept.runs());
        let named = self.store().named_since(Hlc(kept.first_hlc), &ids, &skip)?;
        // What happened at the venue since, imports left out: a row kept for that stands even once the
        // imports that also named it are taken back (`kept_rows`); one kept only for a later import does not.
        skip.extend(imports.iter().filter(|other| !other.undone && other.id != kept.id).flat_map(Kept::runs));
        let named_at_the_venue = self.store().named_since(Hlc(kept.first_hlc), &ids, &skip)?;
        // A later import that stands and found them on the list unchanged lists them still.
        let listed_later: HashMap<&str, &Kept> = imports[position + 1..]
            .iter()
            .filter(|later| !later.undone)
            .flat_map(|later| later.unchanged.iter().map(move |id| (id.as_str(), later)))
            .collect();
        let snapshot = self.snapshot()?;
        let sprint = &snapshot.sprint;
        let erased =
            |entity: Entity, id: &str| entity == Entity::Attendee && snapshot.is_erased(&AttendeeId(id.into()));
        let name = |entity: Entity, id: &str| {
            match entity {
                Entity::Attendee => snapshot.attendees.get(&AttendeeId(id.into())).map(|a| a.name.clone()),
                Entity::Issue => snapshot.issues.iter().find(|i| i.id.as_str() == id).map(issue_words),
                Entity::PullRequest => {
                    snapshot.pull_requests.iter().find(|p| p.id.as_str() == id).map(|p| numbered(p.number, &p.title))
                }
                _ => None,
            }
            .unwrap_or_else(|| id.to_owned())
        };
        let mut undone = ImportUndone::default();
        let mut ops = Vec::new();
        let mut kept_rows = Vec::new();
        let mut handed = Vec::new();
        for ((entity, id), records) in &rows {
            if erased(*entity, id) || self.store().is_deleted(*entity, id)? != Some(false) {
                continue; // Gone already: nothing of theirs to take back.
            }
            let named_by = named.get(id);
            if records.iter().all(|one| one.before.is_none()) {
                if let Some(by) = named_by {
                    undone.kept.push(format!("{}: {}", name(*entity, id), since_words(by)));
                    if named_at_the_venue.contains_key(id) {
                        kept_rows.push(id.clone());
                    } else {
                        handed.push(id.clone());
                    }
                } else if let Some(later) = listed_later.get(id.as_str()) {
                    undone.kept.push(format!(
                        "{}: on the list of the import of {}, kept",
                        name(*entity, id),
                        later.file.clone().unwrap_or_else(|| sprint.local_minute(later.at))
                    ));
                    handed.push(id.clone());
                } else {
                    ops.push(Op::delete(*entity, id.as_str()));
                    undone.removed += 1;
                    undone.removed_names.push(name(*entity, id));
                }
                continue;
            }
            // A badge printed or scanned since works with the code it was given: that code stays (after any
            // sign-in, by badge or not: which it was is not recorded).
            let badge_used =
                named_by.is_some_and(|by| by.contains(&Entity::BadgePrint) || by.contains(&Entity::PresenceEvent));
            let mut set_back = false;
            let mut kept_fields = Vec::new();
            // A pull request's author and its link to a person are not set back once that person is erased (or
            // everyone is): the handle it held before would name them again, on every device.
            let author_erased = *entity == Entity::PullRequest
                && (snapshot.is_erased(&AttendeeId::from("*"))
                    || snapshot
                        .pull_requests
                        .iter()
                        .find(|p| p.id.as_str() == id)
                        .and_then(|p| p.attendee.as_ref())
                        .is_some_and(|a| snapshot.is_erased(&snapshot.canonical(a))));
            for one in records {
                let Some(before) = one.before.as_ref().filter(|before| before.cleared.is_none()) else { continue };
                if author_erased && matches!(one.record.field.as_str(), "author" | "attendee") {
                    continue;
                }
                // Changed since to something else (written again with the same value, it is still the import's).
                if one.since.as_ref().is_some_and(|since| since.value != one.record.value) {
                    kept_fields.push(format!("{} changed since the import", field_words(&one.record)));
                    continue;
                }
                if badge_used && one.record.field == "badge_code" {
                    kept_fields.push("badge code (a badge printed or a sign-in since the import)".into());
                    continue;
                }
                if let Some(field) = one.field {
                    ops.push(Op::Set { entity: *entity, id: id.clone(), field, value: before.value.clone() });
                    set_back = true;
                }
            }
            undone.restored += usize::from(set_back);
            if !kept_fields.is_empty() {
                undone.kept.push(format!("{}: {}, kept", name(*entity, id), kept_fields.join(", ")));
            }
        }
        // Rows an earlier import added whose undo kept them only for other imports (a later one listed them, or
        // wrote them again): taken back now, as that undo would have, unless the venue named them since or an
        // import that still stands lists them. A row this undo deletes anyway is not deleted twice.
        let entity = entity_of(&kept.kind);
        let deleting: HashSet<String> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Set { id, field, .. } if *field == sprintdesk_store::DELETED_FIELD => Some(id.clone()),
                _ => None,
            })
            .collect();
        let standing_others: Vec<&Kept> = imports.iter().filter(|other| !other.undone && other.id != kept.id).collect();
        let every_run: Vec<(DeviceId, u64, u64)> = imports.iter().flat_map(Kept::runs).collect();
        // Records at the venue and of the imports that stand, this one's and those taken back left out.
        let not_standing: Vec<(DeviceId, u64, u64)> =
            imports.iter().filter(|other| other.undone || other.id == kept.id).flat_map(Kept::runs).collect();
        // Those an undo asked to erase are erased as they go, whether this one is asked to or not.
        let mut erase_handed = HashSet::new();
        for earlier in imports.iter().filter(|earlier| earlier.undone && earlier.id != kept.id) {
            let theirs: HashSet<String> = earlier.handed.iter().cloned().collect();
            if theirs.is_empty() {
                continue;
            }
            let at_the_venue = self.store().named_since(Hlc(earlier.first_hlc), &theirs, &every_run)?;
            let named_by_standing = self.store().named_since(Hlc(earlier.first_hlc), &theirs, &not_standing)?;
            for id in &theirs {
                if deleting.contains(id) {
                    if earlier.erased {
                        erase_handed.insert(id.clone());
                    }
                    continue;
                }
                if erased(entity, id) || self.store().is_deleted(entity, id)? != Some(false) {
                    continue;
                }
                if at_the_venue.contains_key(id) {
                    kept_rows.push(id.clone());
                } else if named_by_standing.contains_key(id)
                    || standing_others.iter().any(|other| other.unchanged.contains(id))
                {
                    // Still another import's: its undo decides.
                } else {
                    ops.push(Op::delete(entity, id.as_str()));
                    undone.removed += 1;
                    undone.removed_names.push(name(entity, id));
                    if earlier.erased {
                        erase_handed.insert(id.clone());
                    }
                }
            }
        }
        // The claims it moved (a pull request import's "PR open" or "merged") go back one step, unless a later
        // step on the issue builds on it (as for a lead's undo): that step stands, and so does this one. Nor
        // while a pull request that stays (another import lists it) closes the issue.
        let removed: HashSet<&str> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Set { entity: Entity::PullRequest, id, field, .. } if *field == sprintdesk_store::DELETED_FIELD => {
                    Some(id.as_str())
                }
                _ => None,
            })
            .collect();
        // A pull request as the undo leaves it: its state and the issues it closes, set back where it sets
        // them back (a later file's "merged" undone leaves it open, and a merge step has nothing to stand on).
        let set_back = |pr: &str, field: &str| {
            ops.iter().find_map(|op| match op {
                Op::Set { entity: Entity::PullRequest, id, field: f, value } if id == pr && *f == field => {
                    Some(value.clone())
                }
                _ => None,
            })
        };
        let still_closed_by = |issue: &IssueId, step: &ClaimAction| {
            snapshot.pull_requests.iter().filter(|p| !removed.contains(p.id.as_str())).find(|p| {
                let state = set_back(p.id.as_str(), "state")
                    .and_then(|v| serde_json::from_value::<PrState>(v).ok())
                    .unwrap_or(p.state);
                let closes = set_back(p.id.as_str(), "closes")
                    .and_then(|v| serde_json::from_value::<Vec<IssueId>>(v).ok())
                    .unwrap_or_else(|| p.closes.clone());
                let stands = match step {
                    ClaimAction::Merged => state == PrState::Merged,
                    ClaimAction::PrOpened { .. } => matches!(state, PrState::Open | PrState::Merged),
                    _ => false,
                };
                stands && closes.contains(issue)
            })
        };
        let mut claim_ops = Vec::new();
        for (issue, event) in &kept.claim_events {
            let standing = sprintdesk_domain::standing(snapshot.claim_events.iter().filter(|e| &e.issue == issue));
            if !standing.iter().any(|e| &e.id == event) {
                continue; // Taken back already, or its issue is gone.
            }
            let words = snapshot.issues.iter().find(|i| &i.id == issue).map_or_else(|| issue.to_string(), issue_words);
            if crate::kiosk::later_step_refuses_undo(&snapshot, issue, event).is_err() {
                undone.kept.push(format!("{words}: worked on since the import, its claim's step kept"));
                continue;
            }
            let step = snapshot.claim_events.iter().find(|e| &e.id == event).map(|e| &e.action);
            if let Some(pr) = step.and_then(|step| still_closed_by(issue, step)) {
                let pr = pr.number.map_or_else(|| pr.url.clone(), |n| format!("#{n}"));
                undone.kept.push(format!("{words}: pull request {pr} closes it and stays, its claim's step kept"));
                continue;
            }
            claim_ops.push(Op::Claim(self.claim_retraction_event(&snapshot, issue, event)));
            undone.claims_moved_back += 1;
        }
        ops.extend(claim_ops);
        if (undo.erase || !erase_handed.is_empty()) && entity == Entity::Attendee {
            let removed: Vec<AttendeeId> = ops
                .iter()
                .filter_map(|op| match op {
                    Op::Set { entity: Entity::Attendee, id, field, .. }
                        if *field == sprintdesk_store::DELETED_FIELD && (undo.erase || erase_handed.contains(id)) =>
                    {
                        Some(AttendeeId(id.clone()))
                    }
                    _ => None,
                })
                .collect();
            undone.erased = removed.len();
            undone.erased_names = removed.iter().map(|id| name(Entity::Attendee, id.as_str())).collect();
            ops.extend(erasures(&removed));
            imports[position].erased = undo.erase;
        }
        let written = self.write_returning(ops)?;
        imports[position].undone = true;
        imports[position].kept_rows = kept_rows;
        imports[position].handed = handed;
        if let (Some(first), Some(last)) = (written.first(), written.last()) {
            imports[position].undo_run = Some((first.origin.to_string(), first.seq, last.seq));
        }
        self.keep_imports(&imports)?;
        tracing::info!(import = %kept.id, removed = undone.removed, restored = undone.restored, kept = undone.kept.len(), erased = undone.erased, "undid an import");
        Ok(undone)
    }

    /// Erases the people an attendee import taken back earlier had added and its undo removed: those still
    /// off the list (one restored since is the organizer's choice, and stays) and not erased already.
    fn erase_taken_back(&mut self, imports: &mut [Kept], position: usize) -> Result<ImportUndone, Error> {
        let kept = imports[position].clone();
        // What the import added, judged as its undo judged it: other imports taken back are as if never made.
        let gone: Vec<(DeviceId, u64, u64)> =
            imports.iter().filter(|other| other.undone && other.id != kept.id).flat_map(Kept::runs).collect();
        let standing: HashSet<String> = imports
            .iter()
            .filter(|other| other.undone && other.id != kept.id)
            .flat_map(|other| other.kept_rows.iter().cloned())
            .collect();
        let replaced =
            self.store().replaced_by(&DeviceId(kept.origin.clone()), kept.first, kept.last, &gone, &standing)?;
        let mut added: BTreeMap<&str, bool> = BTreeMap::new();
        for one in replaced.iter().filter(|one| one.record.entity == Entity::Attendee) {
            *added.entry(one.record.entity_id.as_str()).or_insert(true) &= one.before.is_none();
        }
        let added: HashSet<String> =
            added.into_iter().filter(|(_, added)| *added).map(|(id, _)| id.to_owned()).collect();
        // Someone signed in (or edited, merged) at the venue since, imports aside, is here after all: a door
        // that had not synced when the import was taken back lists them under Review, to restore.
        let skip: Vec<(DeviceId, u64, u64)> = imports.iter().flat_map(Kept::runs).collect();
        let at_the_venue = self.store().named_since(Hlc(kept.first_hlc), &added, &skip)?;
        let snapshot = self.snapshot()?;
        let mut undone = ImportUndone::default();
        let mut people = Vec::new();
        for id in added.iter().map(|id| AttendeeId(id.clone())).collect::<BTreeSet<_>>() {
            if snapshot.is_erased(&id) || kept.kept_rows.contains(&id.0) {
                continue;
            }
            // Off the list, the snapshot has no name for them: their deleted row has.
            let name = match self.store().deleted_record(Entity::Attendee, id.as_str())? {
                Some((row, _, _)) => row["name"].as_str().map_or_else(|| id.to_string(), str::to_owned),
                None => snapshot.attendees.get(&id).map_or_else(|| id.to_string(), |a| a.name.clone()),
            };
            match self.store().is_deleted(Entity::Attendee, id.as_str())? {
                Some(true) if at_the_venue.contains_key(id.as_str()) => {
                    let by = &at_the_venue[id.as_str()];
                    undone.kept.push(if by.contains(&Entity::PresenceEvent) {
                        format!("{name}: signed in or out since the import, not erased (Review offers to restore them)")
                    } else {
                        format!(
                            "{name}: {} (a merge or an edit at the venue): erase them by hand if they are not here",
                            since_words(by).replace(", kept", ", not erased")
                        )
                    });
                }
                Some(true) => {
                    undone.removed_names.push(name);
                    people.push(id);
                }
                Some(false) => undone.kept.push(format!("{name}: back on the list since, not erased")),
                None => {}
            }
        }
        if people.is_empty() {
            return Err(Error::NothingToUndo(format!(
                "no one that import added is off the list, unerased and untouched at the venue since: nothing was \
                 erased{}",
                if undone.kept.is_empty() { String::new() } else { format!(" ({})", undone.kept.join("; ")) }
            )));
        }
        self.write(erasures(&people).collect())?;
        undone.erased = people.len();
        undone.erased_names = undone.removed_names.clone();
        imports[position].erased = true;
        self.keep_imports(imports)?;
        tracing::info!(import = %kept.id, erased = undone.erased, "erased the people an import taken back had added");
        Ok(undone)
    }

    /// The events this device's attendee imports still standing were for, each once (as first written).
    pub(crate) fn events_imported(&self) -> Result<Vec<String>, Error> {
        let mut events: Vec<String> = Vec::new();
        for kept in self.imports_kept()?.into_iter().filter(|kept| kept.kind == "attendees" && !kept.undone) {
            for event in kept.events {
                if !events.iter().any(|seen| seen.eq_ignore_ascii_case(&event)) {
                    events.push(event);
                }
            }
        }
        Ok(events)
    }

    fn imports_kept(&self) -> Result<Vec<Kept>, Error> {
        let Some(text) = self.store().local_setting(KEPT_KEY)? else { return Ok(Vec::new()) };
        // A list this release cannot read is not a reason to refuse an import: it starts again.
        Ok(serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the list of imports made here is unreadable; starting it again");
            Vec::new()
        }))
    }

    fn keep_imports(&self, imports: &[Kept]) -> Result<(), Error> {
        let text = serde_json::to_string(imports).unwrap_or_else(|_| "[]".into());
        Ok(self.store().set_local_setting(KEPT_KEY, &text)?)
    }
}

/// The erasure records of `people`, each with an empty list of keys: unlike a person who asked to be
/// forgotten, they are not kept out of a later import, nor is a duplicate merged into one of them on a device
/// that had not heard ([`sprintdesk_store::Store::erase_merged_into_erased`] reads the empty list).
fn erasures(people: &[AttendeeId]) -> impl Iterator<Item = Op> + '_ {
    people.iter().flat_map(|id| {
        [(sprintdesk_store::ERASURE_FIELD, serde_json::Value::Bool(true)), (ERASURE_KEYS_FIELD, serde_json::json!([]))]
            .map(|(field, value)| Op::Set { entity: Entity::Erasure, id: id.to_string(), field, value })
    })
}

/// The kind of record an import of `kind` adds.
fn entity_of(kind: &str) -> Entity {
    match kind {
        "issues" => Entity::Issue,
        "prs" => Entity::PullRequest,
        _ => Entity::Attendee,
    }
}

fn not_erasable() -> Error {
    ValidationError::new(
        "erase",
        "only the people an attendee import added can be erased: issues and pull requests are taken back without it",
    )
    .into()
}

/// Why a record the import added is kept, from the kinds of the records written about it since: the
/// most telling one.
fn since_words(by: &BTreeSet<Entity>) -> &'static str {
    if by.contains(&Entity::PresenceEvent) {
        "signed in or out since the import, kept"
    } else if by.contains(&Entity::ClaimEvent) {
        "claimed or worked on since the import, kept"
    } else if by.contains(&Entity::BadgePrint) {
        "badge printed since the import, kept"
    } else {
        "changed since the import, kept"
    }
}

/// An issue as a person names it: "#12 Crash on start".
fn issue_words(issue: &sprintdesk_domain::Issue) -> String {
    numbered(issue.number, &issue.title)
}

/// An issue or a pull request by its number and title: "#12 Crash on start", or the title alone.
fn numbered(number: Option<impl std::fmt::Display>, title: &str) -> String {
    match number {
        Some(number) => format!("#{number} {title}"),
        None => title.to_owned(),
    }
}

/// A field record's field, in words.
fn field_words(record: &Change) -> String {
    match record.field.as_str() {
        "email" => "e-mail".into(),
        "badge_code" => "badge code".into(),
        "first_timer" => "first-timer".into(),
        other => other.replace('_', " "),
    }
}
