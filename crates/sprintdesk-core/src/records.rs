//! Use cases about records as records: delete one, bring it back, the organizer's review of records deleted
//! on one device and edited on another, and the digest that says whether two devices agree.

use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{ClaimAction, ClaimEvent, DeviceId, PresenceKind, Timestamp, ValidationError};
use sprintdesk_store::{DeletedEdit, Entity, Hlc, Op};
use std::collections::{BTreeMap, HashSet};

/// One record, by kind and id.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RecordRef {
    /// attendee, project, goal, issue or status_update (also: person, table, status).
    pub kind: String,
    pub id: String,
}

/// A deleted record that a device edited after the deletion: it stays deleted until an organizer
/// restores it.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
pub struct ReviewItem {
    pub kind: String,
    pub id: String,
    /// The record's name or title, for the list.
    pub label: String,
    pub deleted_by: String,
    pub deleted_at: Timestamp,
    pub edited_by: String,
    pub edited_at: Timestamp,
}

/// How long before a deletion a sign-in or a claim of the deleted record counts as made apart from it (on a
/// device not synced yet) rather than known to whoever deleted it.
const APART_MS: i64 = 60 * 60 * 1000;

pub(crate) fn wall(hlc: Hlc) -> Timestamp {
    Timestamp(i64::try_from(hlc.millis()).unwrap_or(i64::MAX))
}

impl From<DeletedEdit> for ReviewItem {
    fn from(item: DeletedEdit) -> Self {
        let label = ["name", "title"]
            .iter()
            .find_map(|field| item.record.get(*field).and_then(|v| v.as_str()).filter(|s| !s.is_empty()))
            .unwrap_or(&item.id)
            .to_owned();
        ReviewItem {
            kind: item.entity.as_str().to_owned(),
            id: item.id,
            label,
            deleted_by: item.deleted_by.0,
            deleted_at: wall(item.deleted_at),
            edited_by: item.edited_by.0,
            edited_at: wall(item.edited_at),
        }
    }
}

/// Which kinds of record a person can delete, by the names they use.
pub fn deletable_kind(text: &str) -> Result<Entity, Error> {
    match text.trim().to_lowercase().as_str() {
        "attendee" | "person" => Ok(Entity::Attendee),
        "project" | "table" => Ok(Entity::Project),
        "goal" => Ok(Entity::Goal),
        "issue" => Ok(Entity::Issue),
        "status" | "status_update" => Ok(Entity::StatusUpdate),
        "pr" | "pull_request" | "pull request" => Ok(Entity::PullRequest),
        other => Err(Error::NotFound(format!(
            "\"{other}\" is not something that can be deleted (attendee, project, goal, issue, status, pr)"
        ))),
    }
}

impl Desk {
    /// A hash of the materialized sprint: equal on two devices exactly when they show the same sprint.
    pub fn digest(&self) -> Result<String, Error> {
        Ok(self.store().digest()?)
    }

    /// Deletes a record. An edit made elsewhere afterwards does not bring it back: it appears in
    /// [`Desk::review`] instead.
    pub fn delete(&mut self, record: RecordRef) -> Result<(), Error> {
        let (kind, id) = (deletable_kind(&record.kind)?, record.id.trim());
        if !self.exists(kind, id)? {
            return Err(Error::NotFound(format!("there is no {} with the id {id}", kind.as_str().replace('_', " "))));
        }
        self.write(vec![Op::delete(kind, id)])
    }

    /// Brings a deleted record back, with its latest edits.
    pub fn restore(&mut self, record: RecordRef) -> Result<(), Error> {
        let (kind, id) = (deletable_kind(&record.kind)?, record.id.trim());
        match self.store().is_deleted(kind, id)? {
            Some(true) => self.write(vec![Op::restore(kind, id)]),
            Some(false) => Err(Error::Invalid(ValidationError::new("id", format!("{id} is not deleted")))),
            None => Err(Error::NotFound(format!(
                "there is no deleted {} with the id {id}",
                kind.as_str().replace('_', " ")
            ))),
        }
    }

    /// Records deleted on one device and edited on another: for an organizer to restore or leave deleted.
    /// With each device by its name on the allow-list (its id when it has none there).
    pub fn review(&mut self) -> Result<Vec<ReviewItem>, Error> {
        let snapshot = self.snapshot()?;
        let named = |origin: String| {
            let device = sprintdesk_domain::DeviceId::from(sprintdesk_store::device_of(&origin));
            snapshot.devices.get(&device).cloned().unwrap_or(origin)
        };
        let mut items: Vec<ReviewItem> = self
            .store()
            .deleted_then_edited()?
            .into_iter()
            .map(ReviewItem::from)
            .map(|item| ReviewItem { deleted_by: named(item.deleted_by), edited_by: named(item.edited_by), ..item })
            .collect();
        // People deleted though they signed in (and the sign-in was not undone) shortly before the deletion or
        // after it: a kiosk that had not synced signed them in while an organizer deleted them (taking an
        // import back, say). Their sign-ins count
        // nowhere while they stay deleted, and the door cannot find them to sign them out. Likewise issues
        // deleted though a lead claimed them meanwhile.
        type Latest<'s> = BTreeMap<(Entity, &'s str), (&'s DeviceId, Timestamp)>;
        fn note<'s>(latest: &mut Latest<'s>, entity: Entity, id: &'s str, device: &'s DeviceId, at: Timestamp) {
            let kept = latest.entry((entity, id)).or_insert((device, at));
            if at > kept.1 {
                *kept = (device, at);
            }
        }
        let mut since_deleted = Latest::new();
        for event in snapshot.presence_events.iter().filter(|e| e.kind == PresenceKind::SignIn) {
            if !snapshot.attendees.contains_key(&event.attendee) {
                note(&mut since_deleted, Entity::Attendee, event.attendee.as_str(), &event.device, event.at);
            }
        }
        let known: HashSet<&str> = snapshot.issues.iter().map(|i| i.id.as_str()).collect();
        let mut claimed: BTreeMap<&str, Vec<&ClaimEvent>> = BTreeMap::new();
        for event in snapshot.claim_events.iter().filter(|e| !known.contains(e.issue.as_str())) {
            claimed.entry(event.issue.as_str()).or_default().push(event);
        }
        for (issue, events) in claimed {
            for claim in sprintdesk_domain::standing(events) {
                if matches!(claim.action, ClaimAction::Claim { .. }) {
                    note(&mut since_deleted, Entity::Issue, issue, &claim.device, claim.at);
                }
            }
        }
        for ((entity, id), (device, at)) in since_deleted {
            if items.iter().any(|item| item.kind == entity.as_str() && item.id == id) {
                continue; // Listed already, for an edit.
            }
            let Some((record, by, deleted_at)) = self.store().deleted_record(entity, id)? else { continue };
            // A sign-in or claim long before the deletion was known to whoever deleted it (Review has no
            // "keep deleted": such an item would stay for good); one made apart is close to it, or after.
            if at.0 < wall(deleted_at).0.saturating_sub(APART_MS) {
                continue;
            }
            let (field, what) = if entity == Entity::Attendee { ("name", "signed in") } else { ("title", "claimed") };
            let label = record.get(field).and_then(|label| label.as_str()).unwrap_or(id);
            items.push(ReviewItem {
                kind: entity.as_str().to_owned(),
                id: id.to_owned(),
                label: format!("{label} ({what})"),
                deleted_by: named(by.0),
                deleted_at: wall(deleted_at),
                edited_by: snapshot.device_name(device),
                edited_at: at,
            });
        }
        Ok(items)
    }

    fn exists(&self, kind: Entity, id: &str) -> Result<bool, Error> {
        use sprintdesk_domain::{Attendee, Goal, Issue, Project, PullRequest, StatusUpdate};
        let store = self.store();
        Ok(match kind {
            Entity::Attendee => store.get::<Attendee>(id)?.is_some(),
            Entity::Project => store.get::<Project>(id)?.is_some(),
            Entity::Goal => store.get::<Goal>(id)?.is_some(),
            Entity::Issue => store.get::<Issue>(id)?.is_some(),
            Entity::StatusUpdate => store.get::<StatusUpdate>(id)?.is_some(),
            Entity::PullRequest => store.get::<PullRequest>(id)?.is_some(),
            _ => false,
        })
    }
}
