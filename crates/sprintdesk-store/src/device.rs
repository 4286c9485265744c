//! A device's identity: a stable random id, kept outside the database file.
//!
//! The id lives in the machine's own state directory, keyed by the database's path. A database copied to
//! another machine (or another path) therefore gets a new id there and is never mistaken for the device
//! it came from: two devices writing under one id would break the gap-free numbering sync relies on.

use sha2::{Digest, Sha256};
use sprintdesk_domain::DeviceId;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("the device identity file {path} could not be {action}: {source}")]
pub struct DeviceIdError {
    path: PathBuf,
    action: &'static str,
    source: std::io::Error,
}

/// The id of this device for the database at `db_path`, made with `fresh` and remembered under
/// `state_dir` the first time. A database file that does not exist yet always gets a fresh id: a sprint
/// database deleted and made again must not reuse the old one's numbering, which its peers still hold.
pub fn device_id_for(
    state_dir: &Path,
    db_path: &Path,
    fresh: impl FnOnce() -> DeviceId,
) -> Result<DeviceId, DeviceIdError> {
    let absolute = absolute(db_path);
    let key = path_key(db_path);
    let dir = state_dir.join("devices");
    let path = dir.join(format!("{key}.id"));
    let error = |action, source| DeviceIdError { path: path.clone(), action, source };
    match std::fs::read_to_string(&path) {
        Ok(_) if !db_path.exists() => {}
        Ok(text) => {
            if let Some(id) = text.lines().next().map(str::trim).filter(|id| !id.is_empty()) {
                return Ok(DeviceId::from(id));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(error("read", e)),
    }
    let id = fresh();
    std::fs::create_dir_all(&dir).map_err(|e| error("created", e))?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, format!("{id}\n{}\n", absolute.display())).map_err(|e| error("written", e))?;
    std::fs::rename(&temporary, &path).map_err(|e| error("written", e))?;
    Ok(id)
}

/// Where the device of the database at `db_path` notes its last write ([`crate::written`]): beside its id
/// under `state_dir`, outside the file, so that a file put back from a backup is noticed.
pub fn written_mark_for(state_dir: &Path, db_path: &Path) -> PathBuf {
    state_dir.join("devices").join(format!("{}.written", path_key(db_path)))
}

/// The key of a database's files under the state directory: its absolute path, hashed.
fn path_key(db_path: &Path) -> String {
    Sha256::digest(absolute(db_path).to_string_lossy().as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn absolute(path: &Path) -> PathBuf {
    // The file may not exist yet: resolve its folder, then add the name.
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let parent = parent.canonicalize().unwrap_or_else(|_| parent.to_path_buf());
    match path.file_name() {
        Some(name) => parent.join(name),
        None => parent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_stable_per_database_and_differs_for_a_copy() {
        let state = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let db = data.path().join("sprint.db");
        let copy = data.path().join("copy.db");
        std::fs::write(&db, "").unwrap();
        let first = device_id_for(state.path(), &db, || "one".into()).unwrap();
        let again = device_id_for(state.path(), &db, || "two".into()).unwrap();
        let copied = device_id_for(state.path(), &copy, || "three".into()).unwrap();
        let other_machine = tempfile::tempdir().unwrap();
        let elsewhere = device_id_for(other_machine.path(), &db, || "four".into()).unwrap();
        assert_eq!((first.as_str(), again.as_str()), ("one", "one"));
        assert_eq!(copied.as_str(), "three");
        assert_eq!(elsewhere.as_str(), "four");
        std::fs::remove_file(&db).unwrap();
        let remade = device_id_for(state.path(), &db, || "five".into()).unwrap();
        assert_eq!(remade.as_str(), "five", "a database made again is a new device");
    }
}
