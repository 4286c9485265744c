//! What this device last wrote, kept outside its database, beside its id in the machine's state directory
//! ([`crate::written_mark_for`]). A database put back from a backup (or otherwise older than what the
//! device last wrote) would number the device's records again from where the backup ended: every device
//! that holds the later ones refuses the new ones as not the device's own (two different records under one
//! number), revocations included, and the later ones never come back. Opened, such a file is noticed by
//! its mark ([`Store::resume_after_restore`]) before anything is written: the device writes on under its
//! next origin, and its records after the backup, still held by its peers under the old one, come back
//! like anyone's.

use crate::store::{Store, StoreError, device_of, epoch_of, read_origin};
use sprintdesk_domain::DeviceId;
use std::path::{Path, PathBuf};

/// A database older than what its device last wrote, and what was done ([`Store::resume_after_restore`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The device's last write, by its mark: its origin and sequence number.
    pub wrote: (DeviceId, u64),
    /// How far the file holds that origin's records.
    pub held: u64,
    /// The origin it writes under from now on.
    pub origin: DeviceId,
}

impl Store {
    /// Keeps the origin and number of this device's last write in `path` after each write from now on, and
    /// checks it when opened ([`Store::resume_after_restore`]).
    pub fn keep_written_mark(&mut self, path: PathBuf) {
        self.written_mark = Some(path);
    }

    /// Notes this device's last write in its mark, reading its origin and number from the file (after a
    /// reissue, which moves the origin). A mark that cannot be written is logged; the write stands.
    pub(crate) fn note_written(&self) {
        if self.written_mark.is_none() {
            return;
        }
        let last = read_origin(&self.conn, &self.device).and_then(|origin| Ok((held(self, &origin)?, origin)));
        match last {
            Ok((seq, origin)) => self.note_written_at(&origin, seq),
            Err(error) => tracing::warn!(%error, "could not read this device's last write"),
        }
    }

    /// Notes `origin`'s record `seq` as this device's last write: called after each write is committed.
    pub(crate) fn note_written_at(&self, origin: &DeviceId, seq: u64) {
        let Some(path) = &self.written_mark else { return };
        if let Err(error) = write_mark(path, origin, seq) {
            tracing::warn!(%error, path = %path.display(), "could not note this device's last write");
        }
    }

    /// Whether this database is older than what this device last wrote (put back from a backup), and if so
    /// moves the device to its next origin before anything is written; `None` when it is not.
    pub fn resume_after_restore(&mut self) -> Result<Option<Restored>, StoreError> {
        let Some(path) = self.written_mark.clone() else { return Ok(None) };
        if self.read_only.is_some() {
            return Ok(None);
        }
        let Some((wrote, seq)) = read_mark(&path) else { return Ok(None) };
        if device_of(wrote.as_str()) != self.device.as_str() {
            return Ok(None); // Another device's (a database made anew at this path): replaced at the next write.
        }
        let current = read_origin(&self.conn, &self.device)?;
        let held_now = held(self, &wrote)?;
        let older = epoch_of(wrote.as_str()) > epoch_of(current.as_str()) || (wrote == current && seq > held_now);
        if !older {
            return Ok(None);
        }
        let used = epoch_of(wrote.as_str()).max(epoch_of(current.as_str()));
        if used >= crate::store::MAX_EPOCH {
            return Err(StoreError::NotAllowed(format!(
                "this database is older than what this device last wrote, and the device has begun its records \
                 anew {used} times: pair it again as a new device"
            )));
        }
        let origin = DeviceId(format!("{}~{}", self.device, used + 1));
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            rusqlite::params![format!("origin:{}", self.device), origin.as_str()],
        )?;
        if let Err(error) = write_mark(&path, &origin, 0) {
            // The origin has moved in the file, which is what counts; the next write notes it again.
            tracing::warn!(%error, path = %path.display(), "could not note this device's new origin");
        }
        tracing::warn!(
            wrote = %format!("{wrote}#{seq}"), held = held_now, %origin,
            "this database is older than what this device last wrote (put back from a backup?): it writes on \
             under a new origin and takes its later records back from the venue's organizer and table-lead devices \
             (kiosks and boards pass on only their own)"
        );
        Ok(Some(Restored { wrote: (wrote, seq), held: held_now, origin }))
    }
}

/// The highest sequence number of `origin` the file holds.
fn held(store: &Store, origin: &DeviceId) -> Result<u64, StoreError> {
    let top: Option<u64> = store
        .conn
        .prepare_cached("SELECT MAX(seq) FROM changes WHERE origin = ?1")?
        .query_row([origin.as_str()], |row| row.get(0))?;
    Ok(top.unwrap_or(0))
}

fn read_mark(path: &Path) -> Option<(DeviceId, u64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let (origin, seq) = text.trim().split_once(' ')?;
    Some((DeviceId::from(origin), seq.parse().ok()?))
}

/// Marks written by this process: each one's temporary file is named by its number.
static MARK_WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn write_mark(path: &Path, origin: &DeviceId, seq: u64) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // A name of its own per write: the app's two stores, `serve` and a CLI command may note at once, and a
    // shared temporary file would be truncated under another writer (or renamed over the device's id).
    let n = MARK_WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("written-{}-{n}.tmp", std::process::id()));
    // Gone again if it cannot be finished: on a full disk every write had left one behind.
    std::fs::write(&temporary, format!("{origin} {seq}\n"))
        .and_then(|()| std::fs::rename(&temporary, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found filling the state folder's disk: every write whose mark could not be written left its
    /// temporary file behind. The next temporary files are made ways onto a full disk (`/dev/full`).
    #[cfg(unix)]
    #[test]
    fn a_mark_that_cannot_be_written_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.written");
        let next = MARK_WRITES.load(std::sync::atomic::Ordering::Relaxed);
        for n in next..next + 16 {
            let temporary = path.with_extension(format!("written-{}-{n}.tmp", std::process::id()));
            std::os::unix::fs::symlink("/dev/full", temporary).unwrap();
        }
        let error = write_mark(&path, &DeviceId::from("d"), 1).unwrap_err();
        assert_eq!(error.raw_os_error(), Some(28), "{error}: no space left");
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 15, "the one it tried is gone, the others untouched");
        assert!(!path.exists());
    }
}
