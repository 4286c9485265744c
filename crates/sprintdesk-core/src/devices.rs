//! Use cases about the venue's devices and about deleted records: the allow-list, revocation, and the
//! organizer's review list of records deleted on one device and edited on another.

use crate::{Desk, Error};
use serde::Serialize;
use sprintdesk_domain::{Device, DeviceRole, Timestamp};
use sprintdesk_store::{DeletedEdit, Entity, Hlc, Op};

/// A device on the venue's allow-list, as an organizer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceView {
    pub id: String,
    pub name: String,
    pub role: DeviceRole,
    /// The first 16 hex digits of its certificate's SHA-256, to compare by eye.
    pub fingerprint: String,
    pub paired_by: Option<String>,
    pub paired_at: Option<Timestamp>,
    pub revoked: bool,
    /// Whether this is the device showing the list.
    pub this_device: bool,
}

/// A deleted record that a device edited after the deletion: it stays deleted until an organizer
/// restores it.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewItem {
    pub kind: &'static str,
    pub id: String,
    /// The record's name or title, for the list.
    pub label: String,
    pub deleted_by: String,
    pub deleted_at: Timestamp,
    pub edited_by: String,
    pub edited_at: Timestamp,
}

fn wall(hlc: Hlc) -> Timestamp {
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
            kind: item.entity.as_str(),
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
        other => Err(Error::NotFound(format!(
            "\"{other}\" is not something that can be deleted (attendee, project, goal, issue, status)"
        ))),
    }
}

impl Desk {
    pub fn devices(&self) -> Result<Vec<DeviceView>, Error> {
        let this = self.store().device().clone();
        let devices: Vec<Device> = self.store().all()?;
        Ok(devices
            .into_iter()
            .map(|d| DeviceView {
                this_device: d.id == this,
                id: d.id.0,
                name: d.name,
                role: d.role,
                fingerprint: d.fingerprint.chars().take(16).collect(),
                paired_by: d.paired_by.map(|p| p.0),
                paired_at: d.paired_at,
                revoked: d.revoked,
            })
            .collect())
    }

    /// Takes a device off the allow-list for good: once the revocation reaches a device, it refuses the
    /// revoked one. A revoked machine can only come back by joining again with a new database.
    pub fn revoke_device(&mut self, id: &str) -> Result<DeviceView, Error> {
        let id = id.trim();
        if id == self.store().device().as_str() {
            return Err(Error::Invalid(sprintdesk_domain::ValidationError::new(
                "device",
                "this is the device you are using; revoke it from another organizer device",
            )));
        }
        let Some(device) = self.store().get::<Device>(id)? else {
            return Err(Error::NotFound(format!("no paired device has the id {id}; see `sprintdesk devices`")));
        };
        if !device.revoked {
            self.write(vec![Op::Set {
                entity: Entity::Device,
                id: device.id.0.clone(),
                field: "revoked",
                value: serde_json::Value::Bool(true),
            }])?;
        }
        self.devices()?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| Error::NotFound(format!("the device {id} disappeared")))
    }

    /// A hash of the materialized sprint: equal on two devices exactly when they show the same sprint.
    pub fn digest(&self) -> Result<String, Error> {
        Ok(self.store().digest()?)
    }

    /// Deletes a record. An edit made elsewhere afterwards does not bring it back: it appears in
    /// [`Desk::review`] instead.
    pub fn delete(&mut self, kind: Entity, id: &str) -> Result<(), Error> {
        if !self.exists(kind, id)? {
            return Err(Error::NotFound(format!("there is no {} with the id {id}", kind.as_str().replace('_', " "))));
        }
        self.write(vec![Op::delete(kind, id)])
    }

    /// Brings a deleted record back, with its latest edits.
    pub fn restore(&mut self, kind: Entity, id: &str) -> Result<(), Error> {
        match self.store().is_deleted(kind, id)? {
            Some(true) => self.write(vec![Op::restore(kind, id)]),
            Some(false) => {
                Err(Error::Invalid(sprintdesk_domain::ValidationError::new("id", format!("{id} is not deleted"))))
            }
            None => Err(Error::NotFound(format!(
                "there is no deleted {} with the id {id}",
                kind.as_str().replace('_', " ")
            ))),
        }
    }

    /// Records deleted on one device and edited on another: for an organizer to restore or leave deleted.
    pub fn review(&self) -> Result<Vec<ReviewItem>, Error> {
        Ok(self.store().deleted_then_edited()?.into_iter().map(ReviewItem::from).collect())
    }

    fn exists(&self, kind: Entity, id: &str) -> Result<bool, Error> {
        use sprintdesk_domain::{Attendee, Goal, Issue, Project, StatusUpdate};
        let store = self.store();
        Ok(match kind {
            Entity::Attendee => store.get::<Attendee>(id)?.is_some(),
            Entity::Project => store.get::<Project>(id)?.is_some(),
            Entity::Goal => store.get::<Goal>(id)?.is_some(),
            Entity::Issue => store.get::<Issue>(id)?.is_some(),
            Entity::StatusUpdate => store.get::<StatusUpdate>(id)?.is_some(),
            _ => false,
        })
    }
}
