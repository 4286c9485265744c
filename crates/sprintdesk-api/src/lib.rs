//! The one API every front end calls. A [`Host`] is this device as a venue member: the core's [`Desk`]
//! behind named [`commands`], the LAN peer running in-process, and a change feed that ticks whenever the
//! sprint changes here or arrives from another device. The desktop shell wraps each command in a one-line
//! Tauri command; the `sprintdesk` server answers `POST /api/<command>` with the same function; the
//! `sprintdesk` CLI calls the same commands typed ([`Host::run`]). So what a device may do (a locked kiosk
//! only the door's commands) holds whatever asks it, and pairing and joining are written once, here.
//!
//! This crate holds no rules and no SQL: it parses arguments, calls the core, and reports the core's
//! errors as the one `{code, message}` [`ApiError`]. It does not depend on Tauri or on any HTTP stack.

mod badges;
pub mod commands;
mod error;
mod host;
mod places;

pub use badges::{PrinterChoice, Printers};
pub use error::Error;
pub use host::{Host, JoinCode, Joined, PairRequest, PeerLock, SyncProgress, host_name, join_venue, reachable};
pub use places::{clock_from_env, default_db, downloads_dir, save_download, state_dir};
pub use sprintdesk_sync as sync;

#[cfg(test)]
mod tests;
