//! LAN sync. Devices exchange version vectors, then stream each other the change records the other
//! lacks, both ways, in bounded batches applied one transaction each, until the vectors are equal.
//!
//! Deciding is separate from doing: [`plan`] is a pure function of two vectors; [`session`] does the I/O
//! over any byte stream, so tests run many devices in one process over in-memory pipes and the real peer
//! runs the same code over mutually authenticated TLS ([`tls`]). Only devices on the replicated
//! allow-list get past the first message; a new device gets there with a one-time join code
//! ([`pairing`]).
//!
//! This crate merges nothing itself: the store's materializer does (last-writer-wins fields, insert-only
//! events). It reads no clock but the [`Clock`] it is given.

pub mod message;
pub mod pairing;
pub mod peer;
pub mod plan;
pub mod replica;
pub mod report;
pub mod session;
pub mod throttle;
pub mod tls;

pub use plan::{Batch, complete, plan};
pub use replica::{Admission, Joining, Replica, Welcome};
pub use report::JoinRefusal;
pub use session::{Authority, Mode, Report, SyncError};
pub use sprintdesk_domain::{Clock, FixedClock, SystemClock};
