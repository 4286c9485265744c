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

/// Where the desktop app saves the files a person downloads (an access request's JSON, the report, exports):
/// `$SPRINTDESK_DOWNLOADS`, else the user's Downloads folder, else their home folder.
pub fn downloads_dir() -> Result<PathBuf, crate::Error> {
    if let Some(dir) = std::env::var_os("SPRINTDESK_DOWNLOADS") {
        return Ok(PathBuf::from(dir));
    }
    dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| crate::Error::NotSaved("this system has no Downloads or home folder to save the file in".into()))
}

/// Saves `contents` in `dir` as `name` (reduced to a plain file name), never replacing a file already there:
/// `report.html`, then `report (2).html`, … Returns where it went.
pub fn save_download(dir: &std::path::Path, name: &str, contents: &[u8]) -> Result<PathBuf, crate::Error> {
    let name = plain_file_name(name);
    // Only the kinds of file Sprintdesk makes (nothing a desktop would run), and nothing huge.
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if !DOWNLOAD_KINDS.contains(&extension.as_str()) {
        return Err(crate::Error::NotSaved(format!(
            "{name} was not saved: Sprintdesk saves only {} files",
            DOWNLOAD_KINDS.join(", ")
        )));
    }
    if contents.len() > MAX_DOWNLOAD_BYTES {
        return Err(crate::Error::NotSaved(format!("{name} was not saved: it is over 64 MB")));
    }
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name.as_str(), ""),
    };
    let not_saved =
        |e: std::io::Error| crate::Error::NotSaved(format!("could not save {name} in {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(not_saved)?;
    for n in 1..1000 {
        let path = if n == 1 { dir.join(&name) } else { dir.join(format!("{stem} ({n}){extension}")) };
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(contents).and_then(|()| file.sync_all()).map_err(not_saved)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(not_saved(e)),
        }
    }
    Err(crate::Error::NotSaved(format!("{} already has 999 files called {name}: tidy it up", dir.display())))
}

/// The file extensions a download may have: what reports and exports are.
const DOWNLOAD_KINDS: [&str; 6] = ["csv", "json", "md", "html", "txt", "pdf"];

/// The largest download saved.
const MAX_DOWNLOAD_BYTES: usize = 64 * 1024 * 1024;

/// `name` as a file name that stays in its folder: letters, digits, `-_.() ` and spaces; no leading dot.
fn plain_file_name(name: &str) -> String {
    let kept: String =
        name.chars().map(|c| if c.is_alphanumeric() || "-_.() ".contains(c) { c } else { '-' }).take(120).collect();
    let kept = kept.trim().trim_start_matches('.').to_owned();
    if kept.is_empty() { "sprintdesk-file".into() } else { kept }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_is_a_plain_file_in_its_folder_and_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_download(dir.path(), "report.html", b"one").unwrap();
        let second = save_download(dir.path(), "report.html", b"two").unwrap();
        assert_eq!(first, dir.path().join("report.html"));
        assert_eq!(second, dir.path().join("report (2).html"));
        assert_eq!(std::fs::read(&first).unwrap(), b"one", "the first is kept");
        for (asked, saved) in [
            ("/tmp/x.json", "-tmp-x.json"),
            ("../../etc/passwd.csv", "-..-etc-passwd.csv"),
            (".bashrc.txt", "bashrc.txt"),
            ("person-a-7k2m.json", "person-a-7k2m.json"),
            ("Łukasz attendance.csv", "Łukasz attendance.csv"),
            ("badge-zoë.pdf", "badge-zoë.pdf"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = save_download(dir.path(), asked, b"x").unwrap();
            assert_eq!(path.parent(), Some(dir.path()), "{asked}");
            assert_eq!(path.file_name().unwrap().to_str().unwrap(), saved, "{asked}");
        }
        for refused in ["run.desktop", "setup.exe", "x.sh", "", "...", "noextension", "report.html.lnk"] {
            let dir = tempfile::tempdir().unwrap();
            let error = save_download(dir.path(), refused, b"x").unwrap_err().to_string();
            assert!(error.contains("Sprintdesk saves only csv, json, md, html, txt, pdf files"), "{refused}: {error}");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{refused}: nothing written");
        }
    }
}
