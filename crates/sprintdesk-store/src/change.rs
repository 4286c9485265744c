use crate::Hlc;
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{ClaimEvent, DeviceId, PresenceEvent};

/// The kinds of record the store holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Sprint,
    Attendee,
    Project,
    Goal,
    StatusUpdate,
    Issue,
    /// A pull request or merge request imported from a forge.
    PullRequest,
    /// One person's retrospective answers (with no attendee id).
    RetroAnswer,
    /// One day's stand-up on the projector.
    Standup,
    /// A badge printed at the venue.
    BadgePrint,
    PresenceEvent,
    ClaimEvent,
    Device,
    /// An origin a device stopped writing under after its clock was put back: see
    /// [`crate::Store::reissue_future_changes`].
    Retirement,
    /// A person whose personal data is erased on every device, for good (see [`PERSONAL_FIELDS`]). Its id
    /// is the attendee's.
    Erasure,
}

impl Entity {
    pub const ALL: [Entity; 15] = [
        Entity::Sprint,
        Entity::Attendee,
        Entity::Project,
        Entity::Goal,
        Entity::StatusUpdate,
        Entity::Issue,
        Entity::PullRequest,
        Entity::RetroAnswer,
        Entity::Standup,
        Entity::BadgePrint,
        Entity::PresenceEvent,
        Entity::ClaimEvent,
        Entity::Device,
        Entity::Retirement,
        Entity::Erasure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Sprint => "sprint",
            Entity::Attendee => "attendee",
            Entity::Project => "project",
            Entity::Goal => "goal",
            Entity::StatusUpdate => "status_update",
            Entity::Issue => "issue",
            Entity::PullRequest => "pull_request",
            Entity::RetroAnswer => "retro_answer",
            Entity::Standup => "standup",
            Entity::BadgePrint => "badge_print",
            Entity::PresenceEvent => "presence_event",
            Entity::ClaimEvent => "claim_event",
            Entity::Device => "device",
            Entity::Retirement => "retirement",
            Entity::Erasure => "erasure",
        }
    }

    pub fn parse(text: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|entity| entity.as_str() == text)
    }

    pub fn is_event(self) -> bool {
        matches!(self, Entity::PresenceEvent | Entity::ClaimEvent)
    }

    /// Whether records of this kind can be deleted (and restored). Events cannot: nothing a person did is
    /// ever taken back, only followed by another event.
    pub fn is_deletable(self) -> bool {
        matches!(
            self,
            Entity::Attendee
                | Entity::Project
                | Entity::Goal
                | Entity::StatusUpdate
                | Entity::Issue
                | Entity::PullRequest
        )
    }
}

/// One thing to write. A caller builds ops from domain records ([`Op::put`]) or events; the store turns
/// each into one change record.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Set one field of one record; fields merge last-writer-wins.
    Set { entity: Entity, id: String, field: &'static str, value: serde_json::Value },
    /// Record that someone signed in or out. Insert-only.
    Presence(PresenceEvent),
    /// Record a claim, release, resolution, PR or merge. Insert-only.
    Claim(ClaimEvent),
}

impl Op {
    /// Deletes a record. Deletion is its own last-writer-wins field, so an edit made elsewhere after the
    /// deletion does not bring the record back; it shows up in [`crate::Store::deleted_then_edited`] instead.
    pub fn delete(entity: Entity, id: impl Into<String>) -> Op {
        Op::Set { entity, id: id.into(), field: DELETED_FIELD, value: serde_json::Value::Bool(true) }
    }

    /// Brings a deleted record back, with every field as it was last written (edits after the deletion
    /// included).
    pub fn restore(entity: Entity, id: impl Into<String>) -> Op {
        Op::Set { entity, id: id.into(), field: DELETED_FIELD, value: serde_json::Value::Bool(false) }
    }
}

/// A change record: what one device changed, stamped so that any device can apply it in any order.
///
/// `(origin, seq)` is unique and gap-free per origin: sync compares the highest sequence held per origin.
/// For a field, `field` names it and `value` is its new value; for an event, `field` is `"event"` and
/// `value` the whole event.
///
/// The value is read (`serde_json::Value`) unless the record is only passed on: a device sending records
/// holds each as a [`StoredChange`], its value the JSON text it was stored as.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change<V = serde_json::Value> {
    pub origin: DeviceId,
    pub seq: u64,
    pub hlc: Hlc,
    pub entity: Entity,
    pub entity_id: String,
    pub field: String,
    pub value: V,
    /// The origin's signature of its chain up to this record, on some records (see [`crate::trust`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
    /// Set when the record's content was erased: `value` is null and this is the hash the content had
    /// (hex SHA-256, see [`crate::trust::content_hash`]), so the origin's chain still checks. Only personal
    /// data is ever cleared ([`Change::is_personal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared: Option<String>,
    /// On a record of a person's [`PERSONAL_FIELDS`]: random bytes (hex) its content hash covers with the
    /// value, dropped with the value when it is cleared, so the hash kept cannot confirm a guessed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

impl Change {
    /// Whether this record sets personal data: one of a person's [`PERSONAL_FIELDS`], or a pull request's
    /// author handle ([`PR_AUTHOR_FIELD`]).
    pub fn is_personal(&self) -> bool {
        self.erased_with().is_some()
    }

    /// Whose erasure clears this record's content: the person's, for one of their [`PERSONAL_FIELDS`];
    /// everyone's (`*`), for a pull request's author; nobody's for anything else.
    pub fn erased_with(&self) -> Option<&str> {
        match self.entity {
            Entity::Attendee if PERSONAL_FIELDS.contains(&self.field.as_str()) => Some(&self.entity_id),
            Entity::PullRequest if self.field == PR_AUTHOR_FIELD => Some(crate::retention::EVERYONE),
            // The keys of people erased before go with everyone's personal data: cleared then, and cleared on
            // arrival afterwards; a device that cleared them passes them on so.
            Entity::Erasure if self.field == ERASURE_KEYS_FIELD => Some(crate::retention::EVERYONE),
            _ => None,
        }
    }

    /// This record with its content cleared: a null value, no salt, and the hash its content had.
    pub fn cleared(mut self) -> Change {
        if self.cleared.is_none() {
            self.cleared = Some(crate::trust::hex(&crate::trust::content_hash(&self)));
        }
        self.value = serde_json::Value::Null;
        self.salt = None;
        self
    }
}

/// A change record as it is stored, its value left as the JSON text it was written as: what a device
/// sends to another, which reads the value itself. Serving a bootstrap of a million records had spent a
/// sixth of the serving device's time reading values only to write them out again.
pub type StoredChange = Change<Box<serde_json::value::RawValue>>;

/// How a change record's value is held: read, or as the JSON text it was stored as.
pub trait ChangeValue: Sized {
    /// The value of a record from its stored JSON text, which is checked to be JSON.
    fn from_stored(text: String) -> serde_json::Result<Self>;
    /// Whether the value's JSON could be over `limit` bytes, told without writing it when it cannot.
    fn may_be_longer_than(&self, limit: usize) -> bool;
    /// The value's length as JSON.
    fn json_len(&self) -> usize;
}

impl ChangeValue for serde_json::Value {
    fn from_stored(text: String) -> serde_json::Result<Self> {
        serde_json::from_str(&text)
    }

    fn may_be_longer_than(&self, limit: usize) -> bool {
        // A string's JSON is at most six bytes a byte (`\u0000`) and two quotes.
        match self {
            serde_json::Value::String(text) => text.len() * 6 + 2 > limit,
            serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => false,
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => true,
        }
    }

    fn json_len(&self) -> usize {
        crate::trust::json_len(self)
    }
}

impl ChangeValue for Box<serde_json::value::RawValue> {
    fn from_stored(text: String) -> serde_json::Result<Self> {
        serde_json::value::RawValue::from_string(text)
    }

    fn may_be_longer_than(&self, limit: usize) -> bool {
        self.get().len() > limit
    }

    fn json_len(&self) -> usize {
        self.get().len()
    }
}

impl<V> Change<V> {
    /// This record with another value (or the same, held another way).
    pub fn with_value<W>(self, value: W) -> Change<W> {
        let Change { origin, seq, hlc, entity, entity_id, field, value: _, proof, cleared, salt } = self;
        Change { origin, seq, hlc, entity, entity_id, field, value, proof, cleared, salt }
    }
}

impl StoredChange {
    /// The record with its value read.
    pub fn read(self) -> Result<Change, crate::StoreError> {
        match serde_json::from_str(self.value.get()) {
            Ok(value) => Ok(self.with_value(value)),
            Err(e) => Err(crate::StoreError::Unreadable { entity: "change", reason: e.to_string() }),
        }
    }

    /// [`Change::cleared`], held as stored.
    pub fn cleared(self) -> Result<StoredChange, crate::StoreError> {
        let null = serde_json::value::to_raw_value(&serde_json::Value::Null).expect("null is JSON");
        Ok(self.read()?.cleared().with_value(null))
    }
}

/// The attendee fields that identify a person: what an erasure clears from every table and from the
/// change log. The rest (roles, first-timer, planned days, consents, merges) stays, so that the person
/// still counts in the sprint's numbers as a pseudonym.
pub const PERSONAL_FIELDS: [&str; 4] = ["name", "handle", "email", "badge_code"];

/// A pull request's author, by their forge handle: kept only for someone not on the attendee list (an
/// attendee's pull request names them by id instead), and personal data all the same. It is erased with
/// everyone's once the retention period has ended; an erasure of one person does not know it.
pub const PR_AUTHOR_FIELD: &str = "author";

/// What an erased person is called wherever a name must stand.
pub const ERASED_NAME: &str = "Erased person";

/// The field of an erasure record.
pub const ERASURE_FIELD: &str = "erased";

/// The field of an erasure record that keeps how the erased person was known, as keyed hashes (see
/// [`crate::PersonKeys`]): what an import leaves out, so that a ticketing export that still lists them does
/// not bring them back.
pub const ERASURE_KEYS_FIELD: &str = "keys";

/// The `field` of a change record that carries an event.
pub const EVENT_FIELD: &str = "event";

/// The field of a retirement: the last sequence of the retired origin that stands.
pub const RETIREMENT_FIELD: &str = "after";

/// The field of a deletable record that says whether it is deleted.
pub const DELETED_FIELD: &str = "deleted";
