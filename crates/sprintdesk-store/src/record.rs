use crate::{Entity, Op, schema};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sprintdesk_domain::{
    Attendee, BadgePrint, Device, Goal, Issue, Project, PullRequest, RetroAnswer, Sprint, Standup, StatusUpdate,
};

/// A domain record the store keeps as a row whose fields merge one by one.
pub trait Record: Serialize + DeserializeOwned {
    const ENTITY: Entity;
    fn record_id(&self) -> String;
}

/// The sprint is a single record.
pub(crate) const SPRINT_ID: &str = "sprint";

impl Record for Sprint {
    const ENTITY: Entity = Entity::Sprint;
    fn record_id(&self) -> String {
        SPRINT_ID.to_owned()
    }
}

macro_rules! record {
    ($type:ty, $entity:ident) => {
        impl Record for $type {
            const ENTITY: Entity = Entity::$entity;
            fn record_id(&self) -> String {
                self.id.0.clone()
            }
        }
    };
}

record!(Attendee, Attendee);
record!(Project, Project);
record!(Goal, Goal);
record!(StatusUpdate, StatusUpdate);
record!(Issue, Issue);
record!(Device, Device);
record!(PullRequest, PullRequest);
record!(RetroAnswer, RetroAnswer);
record!(Standup, Standup);
record!(BadgePrint, BadgePrint);

impl Op {
    /// The field changes that turn `old` into `new` (every field when `old` is `None`). A field whose value
    /// did not change produces no op, so re-importing an unchanged list writes nothing.
    pub fn put<R: Record>(new: &R, old: Option<&R>) -> Vec<Op> {
        let new_fields = fields(new);
        let old_fields = old.map(fields);
        new_fields
            .into_iter()
            .enumerate()
            .filter(|(i, (_, value))| old_fields.as_ref().is_none_or(|old| &old[*i].1 != value))
            .map(|(_, (field, value))| Op::Set { entity: R::ENTITY, id: new.record_id(), field, value })
            .collect()
    }
}

fn fields<R: Record>(record: &R) -> Vec<(&'static str, serde_json::Value)> {
    let mut object = match serde_json::to_value(record) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => unreachable!("records serialize to objects"),
    };
    schema::table(R::ENTITY)
        .columns
        .iter()
        .map(|(name, _)| (*name, object.remove(*name).unwrap_or(serde_json::Value::Null)))
        .collect()
}
