//! The sprint's local store: one SQLite file per device holding the whole sprint, and the change log that
//! sync exchanges.
//!
//! Every write goes through [`Store::write`], which updates the data and appends one change record per
//! field or event, in one transaction. Records from other devices go through [`Store::apply`], which
//! materializes them with the same code. Materializing is idempotent (a record seen twice is a no-op) and
//! commutative (fields are last-writer-wins by `(hlc, origin)`, events are insert-only), so any delivery
//! order gives the same state. Nothing else in Sprintdesk writes these tables.
//!
//! The store knows tables and records, not rules: who is present or who holds a claim is decided in
//! `sprintdesk-domain` from what this crate reads back. It reads no clock: the caller passes the time.

mod apply;
mod chain;
mod change;
mod device;
mod fields;
mod hlc;
mod local;
mod lost;
mod materialize;
mod person_keys;
mod read;
mod record;
mod reissue;
mod retention;
mod revocation;
mod schema;
mod store;
mod takeback;
pub mod trust;
mod vector;
mod write;
mod written;

pub use apply::{ApplyOutcome, MAX_AHEAD_MS, Received, Refused};
pub use chain::{Refusal, Trust, TrustedDevice};
pub use change::{
    Change, ChangeValue, DELETED_FIELD, ERASED_NAME, ERASURE_FIELD, ERASURE_KEYS_FIELD, Entity, Op, PERSONAL_FIELDS,
    StoredChange,
};
pub use device::{DeviceIdError, device_id_for, written_mark_for};
pub use hlc::Hlc;
pub use local::{Identity, Lockout, PeerRecord, PendingCode};
pub use lost::LostEdit;
pub use person_keys::{MAX_PERSON_KEYS, PersonKeys};
pub use read::DeletedEdit;
pub use record::Record;
pub use reissue::Reissue;
pub use retention::EveryoneErased;
pub use revocation::{MAX_PROOF_STEPS, ProvenRevocation, RevocationProof};
pub use store::{APPLICATION_ID, MAX_EPOCH, Store, StoreError, device_of, is_origin};
pub use takeback::Replaced;
pub use vector::VersionVector;
pub use written::Restored;
