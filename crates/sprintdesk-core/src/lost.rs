//! Edits lost to last-writer-wins, as a person sees them: another device's text that this device's later
//! edit replaced without having seen it (see `sprintdesk_store::LostEdit`), to keep what stands or put
//! the other back. Only the device whose edit won can tell, so only its screen asks.

use crate::records::wall;
use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sprintdesk_domain::{Attendee, Goal, Project, ProjectId, Sprint, StatusUpdate, Timestamp};
use sprintdesk_store::{Entity, LostEdit, Op, Record, Store};

/// Another device's edit that this device's later edit replaced without having seen it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LostEditView {
    /// Names the edit for [`SettleLostEdit`].
    pub key: String,
    /// What was edited, in words: `the goal “Port to 3.13”`, `Wagtail's status for 2026-05-19`.
    pub what: String,
    /// The field, in words: `title`, `blockers`, `help note`.
    pub field: String,
    /// The table it belongs to, for a lead's screen (none for a person or the sprint's settings).
    pub project: Option<ProjectId>,
    /// The other device's value, as shown, and when it was written there.
    pub theirs: String,
    pub their_at: Timestamp,
    /// The device that wrote it, by its name on the allow-list and its role: `Ana's laptop (table lead)`.
    pub by: String,
    /// This device's value that stands, and when it was written.
    pub ours: String,
    pub our_at: Timestamp,
}

/// What the person chose for a lost edit: keep what stands, or put the other device's value back.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SettleLostEdit {
    pub key: String,
    pub put_back: bool,
}

fn key(edit: &LostEdit) -> String {
    format!("{}/{}", edit.lost.origin, edit.lost.seq)
}

impl Desk {
    /// The edits from other devices that this device's own later edits replaced without having seen them,
    /// oldest first.
    pub fn lost_edits(&mut self) -> Result<Vec<LostEditView>, Error> {
        let snapshot = self.snapshot()?;
        let edits = self.store().lost_edits()?;
        let trust = self.store().trust()?;
        // A device by its name on the allow-list (which it chose when it joined) and the role the venue
        // vouched for, which it did not: "Organizer desk" written by a table lead's laptop says so.
        let by = |origin: &str| {
            let device = sprintdesk_store::device_of(origin);
            let name = snapshot.device_name(&device.into());
            match trust.device(device) {
                Some(known) => format!("{name} ({})", known.vouched.role.as_str().replace('_', " ")),
                None => name,
            }
        };
        Ok(edits
            .into_iter()
            .map(|edit| {
                let (what, project) = self.described(&edit);
                let shown = |value: &Value| shown(&snapshot, &edit.field, value);
                LostEditView {
                    key: key(&edit),
                    what,
                    field: edit.field.replace('_', " "),
                    project,
                    theirs: shown(&edit.lost.value),
                    their_at: wall(edit.lost.hlc),
                    by: by(edit.lost.origin.as_str()),
                    ours: shown(&edit.kept),
                    our_at: wall(edit.kept_at),
                }
            })
            .collect())
    }

    /// Keeps what stands (the note goes), or puts the other device's value back as a new edit from here.
    pub fn settle_lost_edit(&mut self, choice: SettleLostEdit) -> Result<(), Error> {
        let edit = self.store().lost_edits()?.into_iter().find(|edit| key(edit) == choice.key).ok_or_else(|| {
            Error::NotFound(
                "that edit is no longer waiting for a choice: it was settled, or the record changed since".into(),
            )
        })?;
        if choice.put_back {
            let ops = put_back(self.store(), &edit)?;
            self.write(ops)?;
        }
        self.local_store().forget_lost_edit(edit.lost.origin.as_str(), edit.lost.seq)?;
        Ok(())
    }

    /// The record an edit is about, in words, and its table.
    fn described(&self, edit: &LostEdit) -> (String, Option<ProjectId>) {
        let store = self.store();
        let project_name = |id: &ProjectId| {
            store.get::<Project>(&id.0).ok().flatten().map(|p| p.name).unwrap_or_else(|| "a project".into())
        };
        match edit.entity {
            Entity::Goal => match store.get::<Goal>(&edit.id).ok().flatten() {
                Some(goal) => {
                    (format!("the goal “{}” of {}", goal.title, project_name(&goal.project)), Some(goal.project))
                }
                None => ("a goal".into(), None),
            },
            Entity::StatusUpdate => match store.get::<StatusUpdate>(&edit.id).ok().flatten() {
                Some(status) => {
                    (format!("{}'s status for {}", project_name(&status.project), status.day), Some(status.project))
                }
                None => ("a table's status".into(), None),
            },
            Entity::Project => (
                format!("the project {}", project_name(&ProjectId::from(edit.id.as_str()))),
                Some(ProjectId::from(edit.id.as_str())),
            ),
            Entity::Attendee => match store.get::<Attendee>(&edit.id).ok().flatten() {
                Some(person) => (format!("{}'s details", person.name), None),
                None => ("a person's details".into(), None),
            },
            Entity::Sprint => ("the sprint's settings".into(), None),
            _ => (edit.entity.as_str().replace('_', " "), None),
        }
    }
}

/// A value as a person reads it: text as it is, yes or no, a list joined, people by name.
fn shown(snapshot: &crate::snapshot::Snapshot, field: &str, value: &Value) -> String {
    match value {
        Value::Null => "(empty)".into(),
        Value::String(text) if text.trim().is_empty() => "(empty)".into(),
        Value::String(text) if field == "status" => text.replace('_', " "),
        Value::String(text) => text.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) if field == "leads" => {
            items.iter().filter_map(Value::as_str).map(|id| snapshot.name(&id.into())).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) if items.is_empty() => "(none)".into(),
        Value::Array(items) => items.iter().map(|item| shown(snapshot, "", item)).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| format!("{}: {}", name.replace('_', " "), shown(snapshot, name, value)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The op that sets the lost edit's field to its value again, as a new edit from this device.
fn put_back(store: &Store, edit: &LostEdit) -> Result<Vec<Op>, Error> {
    match edit.entity {
        Entity::Goal => with_field::<Goal>(store, edit),
        Entity::StatusUpdate => with_field::<StatusUpdate>(store, edit),
        Entity::Project => with_field::<Project>(store, edit),
        Entity::Attendee => with_field::<Attendee>(store, edit),
        Entity::Sprint => with_field::<Sprint>(store, edit),
        _ => Err(Error::NotFound("that kind of record cannot be put back".into())),
    }
}

fn with_field<R: Record>(store: &Store, edit: &LostEdit) -> Result<Vec<Op>, Error> {
    let gone = || Error::NotFound("that record is no longer here".into());
    let current: R = store.get(&edit.id)?.ok_or_else(gone)?;
    let mut fields = match serde_json::to_value(&current) {
        Ok(Value::Object(fields)) => fields,
        _ => return Err(gone()),
    };
    fields.insert(edit.field.clone(), edit.lost.value.clone());
    let restored: R = serde_json::from_value(Value::Object(fields)).map_err(|e| {
        Error::Invalid(sprintdesk_domain::ValidationError::new("value", format!("it cannot be put back ({e})")))
    })?;
    Ok(Op::put(&restored, Some(&current)))
}
