//! Where a device keeps its sprint and identity, and which clock it reads: the same rules for the
//! `sprintdesk` binary and the desktop app, so both open the same database on one machine.

use sprintdesk_core::domain::{Timestamp, ValidationError};
use sprintdesk_core::{Clock, Error, FixedClock, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;

/// `$SPRINTDESK_DB`, or `sprint.db` in the user's data directory (made if missing).
pub fn default_db() -> Result<PathBuf, Error> {
    if let Some(path) = std::env::var_os("SPRINTDESK_DB") {
        return Ok(PathBuf::from(path));
    }
    let dir = dirs::data_dir()
        .ok_or_else(|| Error::Folder("this system has no data directory; set SPRINTDESK_DB".into()))?
        .join("sprintdesk");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Folder(format!("could not create the folder {}: {e}", dir.display())))?;
    Ok(dir.join("sprint.db"))
}

/// Where the device identity is kept: outside the database, on this machine (`$SPRINTDESK_STATE_DIR`).
pub fn state_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os("SPRINTDESK_STATE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let base = dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .ok_or_else(|| Error::Folder("this system has no state directory; set SPRINTDESK_STATE_DIR".into()))?;
    Ok(base.join("sprintdesk"))
}

/// The wall clock, or a fixed time from `SPRINTDESK_NOW` (RFC 3339) for rehearsals and tests.
pub fn clock_from_env() -> Result<Arc<dyn Clock>, Error> {
    match std::env::var("SPRINTDESK_NOW") {
        Ok(text) => {
            let at = chrono::DateTime::parse_from_rfc3339(&text).map_err(|_| {
                ValidationError::new("SPRINTDESK_NOW", format!("{text} is not a time like 2026-05-18T10:30:00-05:00"))
            })?;
            Ok(Arc::new(FixedClock::new(Timestamp::from_utc(at.to_utc()))))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}
