//! The [`Store`] handle: opening the sprint's file, migrating its schema, and the reads of the change log,
//! the version vector, retirements, the clock and the origin that the other store modules share. Every
//! job the store does is an `impl Store` in a module of its own: `write`, `apply`, `reissue` and `read`,
//! with `materialize` the one code that changes the data tables. This module writes no data table and no
//! change record, and uses none of those modules.

use crate::schema::MIGRATIONS;
use crate::vector::VersionVector;
use crate::{Change, ChangeValue, Entity, Hlc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sprintdesk_domain::DeviceId;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the sprint database could not be read or written: {}", sqlite_words(.0))]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "this sprint database was written by a newer Sprintdesk (schema {found}, this one knows {known}); update Sprintdesk"
    )]
    NewerSchema { found: usize, known: usize },
    #[error("change {origin}#{seq} was refused: {reason}")]
    BadChange { origin: DeviceId, seq: u64, reason: String },
    #[error("a stored {entity} record could not be read: {reason}")]
    Unreadable { entity: &'static str, reason: String },
    #[error("{path} is not a Sprintdesk database ({what}); it was left exactly as it was: choose another file")]
    NotOurs { path: String, what: String },
    /// This device's role (as the venue vouched for it) does not allow the write.
    #[error("{0}")]
    NotAllowed(String),
    #[error("a key could not be used: {0}")]
    BadKey(String),
    #[error(
        "{wal} beside {path} is not its write-ahead log (it would replace the sprint with another database); \
         nothing was changed: move {wal} away, then open {path} again"
    )]
    ForeignWal { path: String, wal: String },
    #[error("{path} is read-only ({why}); nothing was changed: copy it somewhere you can write to change it")]
    ReadOnly { path: String, why: String },
}

/// SQLite's error, with what to do when the file itself is the trouble: a damaged file went on serving with
/// "database disk image is malformed" on some screens and no word of what to do; a read-only one said
/// "attempt to write a readonly database".
fn sqlite_words(error: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    /// SQLite's extended codes: the file or its folder is read-only; the file was moved or deleted while open.
    const READ_ONLY: i32 = 8;
    const MOVED: i32 = 8 | (4 << 8);
    let extended = match error {
        rusqlite::Error::SqliteFailure(failure, _) => Some(failure.extended_code),
        _ => None,
    };
    match (error.sqlite_error_code(), extended) {
        (Some(DatabaseCorrupt | NotADatabase), _) => format!(
            "the file is damaged ({error}); nothing was changed. Copy it aside and keep it (it may hold what no \
             other device has, and an organizer's file holds the venue's key), then make this device again: put \
             back a backup, or join the venue from a new database"
        ),
        (_, Some(READ_ONLY)) => format!(
            "the file, or the folder it is in, is read-only here ({error}); nothing was changed: let this user \
             write to both, or copy the file somewhere they can"
        ),
        (_, Some(MOVED)) => {
            format!("the file was moved or deleted while Sprintdesk had it open ({error}): start Sprintdesk again")
        }
        _ => error.to_string(),
    }
}

/// `PRAGMA application_id` of a Sprintdesk database: "SPDK".
pub const APPLICATION_ID: i32 = 0x5350_444b;

/// One device's copy of the sprint.
#[derive(Debug)]
pub struct Store {
    /// Checkpoints the write-ahead log while a join's commits do not wait for the disk
    /// ([`Store::relaxed_if`]): `None` until the first of them in a session, `Some(None)` when no thread
    /// or connection could be had for it (not tried again until the session settles). (Before `conn`: it
    /// ends first.)
    checkpointer: Option<Option<Checkpointer>>,
    pub(crate) conn: Connection,
    pub(crate) device: DeviceId,
    pub(crate) trust_cache: std::sync::Mutex<crate::chain::TrustCache>,
    /// The file's path, when it was opened read-only: writes are refused.
    pub(crate) read_only: Option<String>,
    /// Whether SQLite's page cache is at its bulk size ([`Store::size_cache_for`]).
    pub(crate) bulk_cache: bool,
    /// This process has the file open through this store (for [`refuse_foreign_wal`]); `None` in memory.
    pub(crate) open_here: Option<OpenHere>,
    /// Where this device's last write is noted, outside the file ([`crate::written`]); `None`: nowhere.
    pub(crate) written_mark: Option<std::path::PathBuf>,
    /// Records from other devices were committed without waiting for the disk ([`Store::settle`]).
    pub(crate) unsettled: bool,
}

/// The database files this process has open through SQLite, by their canonical path, and how many times.
static OPEN_HERE: std::sync::Mutex<std::collections::BTreeMap<std::path::PathBuf, usize>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// One opening of a database file by this process, for as long as its store lives. POSIX advisory locks
/// belong to a process and a file, not to a handle: closing *any* handle this process has on the file drops
/// every lock SQLite holds on it. So once the file is open here, nothing else in this process may open and
/// close it: `serve` and the app open two stores on one file, and the second one's header check dropped the
/// first's locks. Another program's SQLite (a backup with `sqlite3 sprint.db .backup`) then took itself for
/// the file's last user and deleted the write-ahead log under the running server, whose later writes were
/// lost (`tests/http.rs`, `another_program_opening_the_live_database_loses_no_write`).
#[derive(Debug)]
pub(crate) struct OpenHere(std::path::PathBuf);

impl OpenHere {
    fn new(path: &Path) -> Option<Self> {
        let key = std::fs::canonicalize(path).ok()?;
        *OPEN_HERE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(key.clone()).or_default() += 1;
        Some(Self(key))
    }

    /// Whether this process has the file at `path` open through a store already.
    fn already(path: &Path) -> bool {
        let Ok(key) = std::fs::canonicalize(path) else { return false };
        OPEN_HERE.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key).is_some_and(|count| *count > 0)
    }
}

impl Drop for OpenHere {
    fn drop(&mut self) {
        let mut open = OPEN_HERE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.0) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.0);
            }
        }
    }
}

/// A thread with a connection of its own that checkpoints the write-ahead log when told to: the checkpoint
/// copies the log's pages into the file and waits for the disk twice (the log before, the file after), and
/// a bootstrap's applying thread had spent a tenth of its time waiting so. SQLite lets a checkpoint run
/// beside a writer (`PASSIVE`: it copies what no one is still reading and leaves the rest for the next).
#[derive(Debug)]
struct Checkpointer {
    /// `true`: checkpoint; `false`: end.
    wake: std::sync::mpsc::SyncSender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// How many checkpoints it ran.
    done: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// The write-ahead log's size, in pages, from which a checkpoint is run (SQLite's own default for its
/// automatic ones).
const CHECKPOINT_PAGES: i32 = 1000;
/// The most the log may hold while a [`Checkpointer`] checkpoints it beside the writer (64 MiB of 4 KiB
/// pages): each of its checkpoints copies what was committed when it began, and the log starts again
/// only when a write begins with all of it copied (and no one still reads it). In a bootstrap of a
/// million records its file reached 25 to 64 MiB, and once 100 MiB, in ten runs.
const LOG_PAGES_MAX: i32 = 16 * CHECKPOINT_PAGES;
/// The most of the write-ahead log's file kept once the log starts again (SQLite's `journal_size_limit`).
const LOG_KEPT_BYTES: i64 = 4 * 1024 * 1024;

impl Checkpointer {
    /// `None` for a file not in WAL mode, or when no thread or connection could be had: SQLite then
    /// checkpoints in the commits, as it does by itself.
    fn start(path: &str) -> Option<Self> {
        let started = Self::try_start(path);
        if let Err(error) = &started {
            tracing::warn!(%error, "checkpointing in the commits: no thread or connection for it");
        }
        started.ok().flatten()
    }

    fn try_start(path: &str) -> Result<Option<Self>, Box<dyn std::error::Error>> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        // Reading the file's mode opens its log: a connection that has read nothing checkpoints nothing.
        let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Ok(None);
        }
        let (wake, woken) = std::sync::mpsc::sync_channel::<bool>(1);
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = done.clone();
        let thread = std::thread::Builder::new().name("sqlite-checkpoint".into()).spawn(move || {
            while woken.recv().unwrap_or(false) {
                // (-1: it did not run.)
                match conn.wal_checkpoint_v2(None::<&str>, rusqlite::wal::CheckpointMode::PASSIVE) {
                    Ok((log, _)) if log >= 0 => {
                        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Ok(_) => tracing::debug!("a checkpoint beside the writer did not run"),
                    Err(error) => tracing::debug!(%error, "a checkpoint beside the writer did not run"),
                }
            }
        })?;
        Ok(Some(Self { wake, thread: Some(thread), done }))
    }

    /// What tells it to checkpoint, at most once more whatever it is doing.
    fn nudger(&self) -> impl Fn() + Send + 'static {
        let wake = self.wake.clone();
        move || {
            let _ = wake.try_send(true);
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // (Waits for a checkpoint under way to end.)
        let _ = self.wake.send(false);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let done = self.done.load(std::sync::atomic::Ordering::Relaxed);
        tracing::debug!(done, "checkpoints run beside a join's writes");
    }
}

/// SQLite's page cache, in KiB, for everyday writes (about SQLite's own default, 2,000 KiB): a sign-in
/// touches a few pages (the ends of the log and the events, a leaf of each index), and what is read is read
/// from the core's snapshot, not from here. A larger cache fills towards its bound with the pages a week of
/// events writes, and a board's process grows with it for hours (8 MiB: some 350 bytes an event until
/// full; docs/benchmarks.md), for no faster sign-in or board.
const CACHE_KIB: i64 = 2 * 1024;
/// For a bulk write (a bootstrap's batches, an import): its B-trees are written in no particular order,
/// and pages read again from the file cost more than the memory.
const BULK_CACHE_KIB: i64 = 32 * 1024;
/// A write of at least this many records is a bulk one.
pub(crate) const BULK_RECORDS: usize = 256;

/// The `meta` key noting that an erasure's bytes are still in the write-ahead log (see
/// [`Store::scrub_files`]).
const SCRUB_PENDING: &str = "local:scrub_pending";

/// The `meta` key noting that the file was rebuilt once everyone was erased (see
/// [`Store::rebuild`]).
const REBUILT: &str = "local:rebuilt_after_everyone_erased";

/// How long a write waits for another process's write to end (a CLI command and a running peer share the
/// file).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens (creating if needed) the database at `path` for `device`. WAL with `synchronous=FULL`: once
    /// a write returns, it survives a crash or a power cut. A busy timeout lets a CLI command and a running
    /// peer share the file.
    fn open_file(path: &Path, device: DeviceId) -> Result<Self, StoreError> {
        if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
            return Self::open_read_only(path, device);
        }
        refuse_foreign_wal(path)?;
        let conn = Connection::open(path)?;
        let open_here = OpenHere::new(path);
        conn.busy_timeout(BUSY_TIMEOUT)?;
        claim_or_refuse(&conn, path, true)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let mut store = Self::init(conn, device)?;
        store.open_here = open_here;
        Ok(store)
    }

    /// [`Store::open_file`], for a command that writes: an erasure's bytes a reader held in the log, or a
    /// file whose retention period ended before it was rebuilt (an earlier release), are taken out now.
    /// (A command that only reads opens with [`Store::open_for_reading`], which writes nothing.)
    pub fn open(path: &Path, device: DeviceId) -> Result<Self, StoreError> {
        let store = Self::open_file(path, device)?;
        if store.rebuild_due() {
            store.scrub_files();
        } else {
            store.scrub_if_pending();
        }
        Ok(store)
    }

    /// Opens the database at `path` for a command that only reads. A database of this schema opens as
    /// [`Store::open`] does; one an older Sprintdesk wrote is read through a copy in memory brought up to
    /// this schema, and the file is left exactly as it was (an older Sprintdesk can still open it). Every
    /// write to such a copy is refused.
    pub fn open_for_reading(path: &Path, device: DeviceId) -> Result<Self, StoreError> {
        if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
            return Self::open_read_only(path, device);
        }
        refuse_foreign_wal(path)?;
        let conn = read_only_connection(path)?;
        let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version == 0 || version >= MIGRATIONS.len() {
            drop(conn);
            return Self::open_file(path, device);
        }
        claim_or_refuse(&conn, path, false)?;
        Self::reading_copy(&conn, path, device, version)
    }

    /// Opens a file this user may not write (a copy kept for reference, a backup): reads work, nothing is
    /// migrated or marked, and every write is refused in words. A database of an older schema is read
    /// through a migrated copy in memory.
    fn open_read_only(path: &Path, device: DeviceId) -> Result<Self, StoreError> {
        let conn = read_only_connection(path)?;
        let open_here = OpenHere::new(path);
        if application_id(&conn, path)? != APPLICATION_ID {
            return Err(StoreError::NotOurs {
                path: path.display().to_string(),
                what: "it is not marked as Sprintdesk's".into(),
            });
        }
        let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version > MIGRATIONS.len() {
            return Err(StoreError::NewerSchema { found: version, known: MIGRATIONS.len() });
        }
        if version < MIGRATIONS.len() {
            return Self::reading_copy(&conn, path, device, version);
        }
        Ok(Self {
            conn,
            device,
            trust_cache: Default::default(),
            read_only: Some(path.display().to_string()),
            bulk_cache: false,
            open_here,
            written_mark: None,
            unsettled: false,
            checkpointer: None,
        })
    }

    /// A copy in memory of the database `conn` reads, migrated from `version` to this schema.
    fn reading_copy(conn: &Connection, path: &Path, device: DeviceId, version: usize) -> Result<Self, StoreError> {
        let mut memory = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(conn, &mut memory)?.run_to_completion(i32::MAX, Duration::ZERO, None)?;
        tracing::debug!(version, path = %path.display(), "reading an older schema through a migrated copy");
        let mut store = Self::init(memory, device)?;
        store.read_only = Some(path.display().to_string());
        Ok(store)
    }

    /// A private in-memory store, for tests and benchmarks.
    pub fn open_in_memory(device: DeviceId) -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, device)
    }

    fn init(mut conn: Connection, device: DeviceId) -> Result<Self, StoreError> {
        // Applying a batch uses a statement per table and column: more than rusqlite's default 16, which
        // would prepare them again and again.
        conn.set_prepared_statement_cache_capacity(128);
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // What is deleted or overwritten is zeroed in the file, not left in free space: an erasure must
        // take a person's bytes out of the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        // The write-ahead log's file keeps its largest size otherwise (a join's reached 64 MiB), for as long
        // as the app runs: SQLite cuts it back to this when it starts the log again.
        conn.pragma_update(None, "journal_size_limit", LOG_KEPT_BYTES)?;
        migrate(&mut conn)?;
        let previous: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'device'", [], |row| row.get(0)).optional()?;
        if previous.as_deref() != Some(device.as_str()) {
            if let Some(previous) = previous {
                tracing::warn!(%previous, %device, "this database was last used by another device (copied?); continuing as this device");
            }
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('device', ?1)", [device.as_str()])?;
        }
        Ok(Self {
            conn,
            device,
            trust_cache: Default::default(),
            read_only: None,
            bulk_cache: false,
            open_here: None,
            written_mark: None,
            unsettled: false,
            checkpointer: None,
        })
    }

    /// Sizes SQLite's page cache for a write of `records` records: the bulk size while large batches come
    /// (a bootstrap), the everyday one again with the first small write after them. Shrinking it lets go
    /// of the pages above the smaller bound.
    pub(crate) fn size_cache_for(&mut self, records: usize) -> Result<(), StoreError> {
        let bulk = records >= BULK_RECORDS;
        if bulk != self.bulk_cache {
            let kib = if bulk { BULK_CACHE_KIB } else { CACHE_KIB };
            self.conn.pragma_update(None, "cache_size", -kib)?;
            self.bulk_cache = bulk;
        }
        Ok(())
    }

    /// Runs `write` with its commits not waiting for the disk when `relaxed` (see
    /// [`Store::apply_received`]). A commit stays whole (WAL: a power cut leaves the file as after an earlier
    /// commit), and the next commit that waits makes these last too, the write-ahead log being synced in
    /// order: every other write waits, and [`Store::settle`] makes one. The wait per commit was a tenth of
    /// a bootstrap's applying thread. The setting is put back whatever `write` does, a panic included.
    pub(crate) fn relaxed_if<T>(
        &mut self,
        relaxed: bool,
        write: impl FnOnce(&mut Self) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if !relaxed || self.read_only.is_some() || !self.in_wal_mode()? {
            return write(self);
        }
        // The log is checkpointed by a thread of its own meanwhile, not by the commit that fills it.
        if self.checkpointer.is_none()
            && let Some(path) = self.conn.path().filter(|path| !path.is_empty()).map(str::to_owned)
        {
            self.checkpointer = Some(Checkpointer::start(&path));
        }
        let nudge = self.checkpointer.as_ref().and_then(|c| c.as_ref()).map(Checkpointer::nudger);
        // (The log's file is not cut back during a join's batches, only by the writes between them and
        // after: cutting it at each new start of the log, and growing it again, cost the applying thread
        // some 0.04 s of a million records.)
        let setup = self
            .conn
            .pragma_update(None, "synchronous", "NORMAL")
            .and_then(|()| self.conn.pragma_update(None, "journal_size_limit", -1))
            .and_then(|()| match nudge {
                Some(nudge) => {
                    self.conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: std::ffi::c_int| {
                        if pages >= CHECKPOINT_PAGES {
                            nudge();
                        }
                        // Should the thread fall far behind, the commit checkpoints the whole log itself, waiting
                        // for the thread's checkpoint to end, so that the next write starts the log again.
                        // (An error here would be the commit's, which has happened: it is left to the next.)
                        if pages >= LOG_PAGES_MAX {
                            let _ = wal.checkpoint_v2(rusqlite::wal::CheckpointMode::FULL);
                        }
                        Ok(())
                    }))
                }
                None => Ok(()),
            });
        let result = match setup {
            Ok(()) => {
                self.unsettled = true;
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write(self)))
            }
            Err(error) => Ok(Err(error.into())),
        };
        // Back to SQLite's own checkpoints (setting their threshold puts back its hook), whatever happened.
        type Hook = fn(&mut rusqlite::hooks::Wal, std::ffi::c_int) -> rusqlite::Result<()>;
        let restored = self
            .conn
            .pragma_update(None, "synchronous", "FULL")
            .and(self.conn.pragma_update(None, "journal_size_limit", LOG_KEPT_BYTES))
            .and(self.conn.wal_hook(None::<Hook>))
            .and(self.conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES));
        match result {
            Ok(result) => {
                restored?;
                result
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn in_wal_mode(&self) -> Result<bool, StoreError> {
        let mode: String = self.conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        Ok(mode.eq_ignore_ascii_case("wal"))
    }

    /// Makes what was committed without waiting for the disk ([`Store::relaxed_if`]) last through a power
    /// cut, with a commit that waits: it syncs the write-ahead log, and every commit before it is in it.
    /// (A checkpoint would not do: one that cannot copy the log while someone reads syncs nothing.) Called
    /// when a sync ends and at its heartbeats.
    pub fn settle(&mut self) -> Result<(), StoreError> {
        // A join's checkpointing thread ends here too (the next relaxed write starts another).
        self.checkpointer = None;
        if self.unsettled {
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value)
                 VALUES ('local:settled', COALESCE((SELECT value FROM meta WHERE key = 'local:settled'), 0) + 1)",
                [],
            )?;
            self.unsettled = false;
        }
        Ok(())
    }

    pub fn device(&self) -> &DeviceId {
        &self.device
    }

    /// Refuses a write to a file opened read-only, before anything is tried.
    pub(crate) fn writable(&self) -> Result<(), StoreError> {
        match &self.read_only {
            Some(path) => Err(StoreError::ReadOnly { path: path.clone(), why: "you may read it, not write it".into() }),
            None => Ok(()),
        }
    }

    /// Takes what was just erased out of the files too: the write-ahead log still holds the pages as they
    /// were before, and the database the pages before the erasure, so the log is checkpointed into the
    /// database (whose freed space `secure_delete` zeroes) and truncated. If another connection is reading
    /// right then (a sync session, a backup, `sqlite3`), that cannot be done: the file notes it, and it is
    /// tried again after every write by any process until it is done ([`Store::scrub_if_pending`]).
    pub(crate) fn scrub_files(&self) {
        if self.read_only.is_some() {
            return;
        }
        if self.rebuild_due() {
            self.rebuild();
        }
        // Inside a write turn nothing can be emptied yet: noted, it is done as the turn ends
        // (`Store::end_write_turn`), with nothing to warn of.
        if !self.conn.is_autocommit() {
            if let Err(error) =
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')", [SCRUB_PENDING])
            {
                tracing::warn!(%error, "could not note the write-ahead log to empty after an erasure");
            }
            return;
        }
        // Without waiting for readers: an erasure (or the door's next sign-in) must not wait on a backup.
        let result = self.conn.busy_timeout(Duration::ZERO).and_then(|()| {
            let result = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0));
            self.conn.busy_timeout(BUSY_TIMEOUT).and(result)
        });
        let failed = match result {
            Ok(0) => {
                // (What the log then holds is the note's page, no one's data.)
                if let Err(error) = self.conn.execute("DELETE FROM meta WHERE key = ?1", [SCRUB_PENDING]) {
                    tracing::warn!(%error, "could not take off the note to empty the write-ahead log");
                }
                return;
            }
            Ok(_) => "a reader was busy".to_owned(),
            Err(error) => error.to_string(),
        };
        tracing::warn!(why = %failed, "the write-ahead log could not be emptied after an erasure: tried again after the next write");
        if let Err(error) =
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')", [SCRUB_PENDING])
        {
            tracing::warn!(%error, "could not note the write-ahead log to empty after an erasure");
        }
    }

    /// Whether the file is to be rebuilt ([`Store::rebuild`]): everyone was erased, and it was not rebuilt
    /// since, and no transaction is open.
    fn rebuild_due(&self) -> bool {
        if !self.conn.is_autocommit() {
            return false;
        }
        let due = crate::materialize::is_erased(&self.conn, crate::retention::EVERYONE).and_then(|erased| {
            Ok(erased
                && !self.conn.query_row("SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)", [REBUILT], |row| {
                    row.get::<_, bool>(0)
                })?)
        });
        due.unwrap_or(false)
    }

    /// Once everyone's personal data is erased (the retention period ended), rebuilds the file (`VACUUM`),
    /// once: SQLite leaves bytes of deleted index entries in the unused space of pages it rearranged, where
    /// `secure_delete` does not reach (badge codes, which sign their holders in, were found so after
    /// retention: 9 of 1,200 in one test). A file whose rebuild failed (a reader, a full disk) is rebuilt at
    /// the next erasure or opening.
    fn rebuild(&self) {
        let rebuilt = self.conn.execute_batch("VACUUM").and_then(|()| {
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')", [REBUILT]).map(drop)
        });
        match rebuilt {
            Ok(()) => tracing::info!("the file was rebuilt after everyone's personal data was erased"),
            Err(error) => {
                tracing::warn!(%error, "could not rebuild the file after everyone's personal data was erased")
            }
        }
    }

    /// Empties the write-ahead log if an erasure could not (see [`Store::scrub_files`]): after every write,
    /// outside a write turn, and every few seconds on a running peer (an idle one writes nothing).
    pub fn scrub_if_pending(&self) {
        if self.read_only.is_some() || !self.conn.is_autocommit() {
            return;
        }
        let pending = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)")
            .and_then(|mut statement| statement.query_row([SCRUB_PENDING], |row| row.get::<_, bool>(0)));
        if pending.unwrap_or(false) {
            self.scrub_files();
        }
    }

    /// The origin this device stamps its change records with: its id, or `{id}~{n}` once it has retired
    /// earlier origins (see [`Store::reissue_future_changes`]). Read from the database at every write, so
    /// that every connection to it (the app, a CLI command, a running peer) writes under the same one.
    pub fn origin(&self) -> Result<DeviceId, StoreError> {
        read_origin(&self.conn, &self.device)
    }
}

/// Refuses, before writing a byte, a file that is not a Sprintdesk database: another program's SQLite file
/// (its own application id, or tables that are not ours), or not SQLite at all. An empty file becomes ours,
/// and so does a Sprintdesk database from before the mark (it has our tables and schema version); it is
/// marked only when `mark` (a read leaves the file as it is).
fn claim_or_refuse(conn: &Connection, path: &Path, mark: bool) -> Result<(), StoreError> {
    let not_ours = |what: String| StoreError::NotOurs { path: path.display().to_string(), what };
    let id = application_id(conn, path)?;
    if id == APPLICATION_ID {
        return Ok(());
    }
    if id != 0 {
        return Err(not_ours(format!("it belongs to another program, application id {id:#x}")));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let ours = tables.is_empty()
        || (version > 0 && ["meta", "changes", "vector"].iter().all(|t| tables.iter().any(|n| n == t)));
    if !ours {
        let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
        let more = if tables.len() > 5 { ", …" } else { "" };
        return Err(not_ours(format!("it holds other tables: {}{more}", shown.join(", "))));
    }
    if mark {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    Ok(())
}

fn read_only_connection(path: &Path) -> Result<Connection, StoreError> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Refuses, before SQLite replays it, a write-ahead log beside our file that cannot be its own: one whose
/// last committed first page says the database belongs to another program, or holds an older schema than
/// the file's (an empty or foreign database's log). Replayed, it would replace the sprint's pages, and the
/// next write would make that permanent. SQLite ties a log to nothing but its own header, so this reads both
/// headers itself. A log from another Sprintdesk database of the same schema is not caught here.
fn refuse_foreign_wal(path: &Path) -> Result<(), StoreError> {
    // Open here already: checked then, and the log is ours; opening the file again would drop its locks.
    if OpenHere::already(path) {
        return Ok(());
    }
    let mut wal_path = path.as_os_str().to_owned();
    wal_path.push("-wal");
    let wal_path = std::path::PathBuf::from(wal_path);
    let Ok(mut wal) = std::fs::File::open(&wal_path) else { return Ok(()) };
    let main = std::fs::File::open(path).ok().and_then(|mut file| read_header(&mut file, 0));
    let Some(main) = main.filter(|main| main.application_id == APPLICATION_ID && main.user_version > 0) else {
        return Ok(());
    };
    let Some(logged) = last_committed_first_page(&mut wal) else { return Ok(()) };
    if logged.application_id == APPLICATION_ID && logged.user_version >= main.user_version {
        return Ok(());
    }
    Err(StoreError::ForeignWal { path: path.display().to_string(), wal: wal_path.display().to_string() })
}

/// The fields of an SQLite database header (the first 100 bytes of page 1) this store checks.
#[derive(Debug, PartialEq, Eq)]
struct DatabaseHeader {
    user_version: u32,
    application_id: i32,
}

/// The database header at byte `at` of `file` (0 for a database, a frame's page in a log).
fn read_header(file: &mut std::fs::File, at: u64) -> Option<DatabaseHeader> {
    use std::io::{Read, Seek, SeekFrom};
    let mut page = [0u8; 100];
    file.seek(SeekFrom::Start(at)).ok()?;
    file.read_exact(&mut page).ok()?;
    if &page[..16] != b"SQLite format 3\0" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes([page[at], page[at + 1], page[at + 2], page[at + 3]]);
    Some(DatabaseHeader { user_version: word(60), application_id: word(68) as i32 })
}

/// The header of page 1 as of the last committed transaction of a write-ahead log, if the log changes it.
/// Reads the log's frame headers, and the start of its first-page frames, nothing more.
fn last_committed_first_page(wal: &mut std::fs::File) -> Option<DatabaseHeader> {
    use std::io::{Read, Seek, SeekFrom};
    let mut bytes = [0u8; 32];
    wal.read_exact(&mut bytes).ok()?;
    let word = |bytes: &[u8], at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    if !matches!(word(&bytes, 0), 0x377f_0682 | 0x377f_0683) {
        return None;
    }
    let page_size = u64::from(word(&bytes, 8)).max(1);
    if !page_size.is_power_of_two() || page_size < 512 {
        return None;
    }
    let salts = (word(&bytes, 16), word(&bytes, 20));
    let length = wal.metadata().ok()?.len();
    let (mut at, mut pending, mut committed) = (32u64, None, None);
    let mut frame = [0u8; 24];
    while at + 24 + page_size <= length {
        wal.seek(SeekFrom::Start(at)).ok()?;
        wal.read_exact(&mut frame).ok()?;
        if (word(&frame, 8), word(&frame, 12)) != salts {
            break; // A frame of an earlier generation of the log: SQLite stops here too.
        }
        if word(&frame, 0) == 1 {
            pending = read_header(wal, at + 24);
        }
        if word(&frame, 4) != 0 && pending.is_some() {
            committed = pending.take();
        }
        at += 24 + page_size;
    }
    committed
}

/// The file's `PRAGMA application_id`; a file that is not SQLite at all is not ours.
fn application_id(conn: &Connection, path: &Path) -> Result<i32, StoreError> {
    conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(|error| match error {
        rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::NotADatabase => {
            StoreError::NotOurs { path: path.display().to_string(), what: "it is not an SQLite file".into() }
        }
        error => error.into(),
    })
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(StoreError::NewerSchema { found: version, known: MIGRATIONS.len() });
    }
    for (number, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", number + 1)?;
        tx.commit()?;
        tracing::debug!(migration = number + 1, "migrated the sprint database");
    }
    Ok(())
}

/// The origin `device` writes under (kept per device id: a file opened under two ids keeps both straight).
pub(crate) fn read_origin(conn: &Connection, device: &DeviceId) -> Result<DeviceId, StoreError> {
    let origin: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([format!("origin:{device}")], |row| row.get(0))
        .optional()?;
    Ok(origin
        .map(DeviceId)
        .filter(|origin| device_of(origin.as_str()) == device.as_str())
        .unwrap_or_else(|| device.clone()))
}

/// The device an origin belongs to: `laptop` for `laptop`, `laptop~2`, `laptop~3`…
pub fn device_of(origin: &str) -> &str {
    split_origin(origin).0
}

/// Which of its device's origins this is: 1 for the device's own id, `n` for `{id}~{n}`.
pub(crate) fn epoch_of(origin: &str) -> u64 {
    split_origin(origin).1
}

/// The most origins a device has: its own id and `{id}~2` to `{id}~99`. A device whose clock is put
/// right after running fast starts the next (see [`Store::reissue_future_changes`]); a hundred times is
/// past any real device, and the bound keeps what every device lists per origin (its version vector, sent
/// in every `hello`) small whatever a device's owner does: some 7 KB a device at most, so a venue's
/// `hello` stays far under what a side reads from a device it has not let in yet (1 MiB).
pub const MAX_EPOCH: u64 = 99;

/// Whether `origin` can be a device's origin: a device's id ([`crate::trust::is_device_id`]), or one
/// followed by `~n`, `n` from 2 to [`MAX_EPOCH`] written without leading zeros. Records under anything
/// else are not taken: an origin is kept by every device for good, so one megabytes long, or a device's
/// millionth, would be carried in every sync.
pub fn is_origin(origin: &str) -> bool {
    let (device, epoch) = match origin.split_once('~') {
        Some((device, epoch)) => (device, Some(epoch)),
        None => (origin, None),
    };
    crate::trust::is_device_id(device)
        && epoch.is_none_or(|epoch| {
            !epoch.starts_with('0')
                && epoch.bytes().all(|b| b.is_ascii_digit())
                && epoch.parse::<u64>().is_ok_and(|n| (2..=MAX_EPOCH).contains(&n))
        })
}

pub(crate) fn split_origin(origin: &str) -> (&str, u64) {
    match origin.rsplit_once('~') {
        Some((device, epoch)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (device, epoch.parse().unwrap_or(u64::MAX))
        }
        _ => (origin, 1),
    }
}

pub(crate) fn last_hlc(conn: &Connection) -> Result<Hlc, StoreError> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |row| row.get(0)).optional()?;
    Ok(Hlc(text.and_then(|t| t.parse().ok()).unwrap_or(0)))
}

pub(crate) fn millis(at: i64) -> u64 {
    u64::try_from(at).unwrap_or(0)
}

pub(crate) fn read_vector(conn: &Connection) -> Result<VersionVector, StoreError> {
    let mut statement = conn.prepare_cached("SELECT origin, seq FROM vector")?;
    let rows = statement.query_map([], |row| Ok((DeviceId(row.get(0)?), row.get::<_, u64>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Retired origins and the last sequence of each that stands.
pub(crate) fn read_retirements(conn: &Connection) -> Result<std::collections::HashMap<String, u64>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT id, \"after\" FROM retirements")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn read_changes(
    conn: &Connection,
    tail: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Change>, StoreError> {
    read_changes_as(conn, tail, args)
}

/// [`read_changes`], their values held as `V`.
pub(crate) fn read_changes_as<V: ChangeValue>(
    conn: &Connection,
    tail: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Change<V>>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT origin, seq, hlc, entity, entity_id, field, value, proof, cleared, salt FROM changes {tail}"
    ))?;
    let rows = statement.query_map(args, read_change_as)?;
    rows.map(|row| row?).collect()
}

pub(crate) fn read_change(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Change, StoreError>> {
    read_change_as(row)
}

fn read_change_as<V: ChangeValue>(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Change<V>, StoreError>> {
    let entity: String = row.get(3)?;
    let value: String = row.get(6)?;
    let unreadable = |reason: String| StoreError::Unreadable { entity: "change", reason };
    let Some(entity) = Entity::parse(&entity) else {
        return Ok(Err(unreadable(format!("unknown entity {entity}"))));
    };
    let value = match V::from_stored(value) {
        Ok(value) => value,
        Err(e) => return Ok(Err(unreadable(e.to_string()))),
    };
    Ok(Ok(Change {
        origin: DeviceId(row.get(0)?),
        seq: row.get(1)?,
        hlc: Hlc(row.get::<_, i64>(2)? as u64),
        entity,
        entity_id: row.get(4)?,
        field: row.get(5)?,
        value,
        proof: row.get(7)?,
        cleared: row.get::<_, Option<Vec<u8>>>(8)?.map(|hash| crate::trust::hex(&hash)),
        salt: row.get(9)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Op;
    use sprintdesk_domain::{Attendee, PresenceEvent, PresenceKind, Timestamp};

    fn cache_kib(store: &Store) -> i64 {
        -store.conn.pragma_query_value(None, "cache_size", |row| row.get::<_, i64>(0)).unwrap()
    }

    fn sign_in(n: usize) -> Op {
        Op::Presence(PresenceEvent {
            id: sprintdesk_domain::EventId(format!("e{n}")),
            kind: PresenceKind::SignIn,
            attendee: "a1".into(),
            day: "2026-07-13".parse().unwrap(),
            project: None,
            device: "kiosk".into(),
            at: Timestamp(1_784_000_000_000 + n as i64),
        })
    }

    /// The page cache is large only while bulk writes come: a bootstrap's batches, an import.
    #[test]
    fn the_page_cache_is_large_only_for_bulk_writes() {
        let mut organizer = Store::open_in_memory("organizer".into()).unwrap();
        let people: Vec<Op> = (0..40)
            .flat_map(|n| {
                Op::put(
                    &Attendee {
                        id: sprintdesk_domain::AttendeeId(format!("a{n}")),
                        name: format!("P {n}"),
                        ..Default::default()
                    },
                    None,
                )
            })
            .collect();
        let import = organizer.write(Timestamp(1_784_000_000_000), people).unwrap();
        assert!(import.len() >= BULK_RECORDS);
        let one = organizer.write(Timestamp(1_784_000_000_001), vec![sign_in(1)]).unwrap();

        let mut door = Store::open_in_memory("door".into()).unwrap();
        assert_eq!(cache_kib(&door), CACHE_KIB, "opened");
        struct Step<'a> {
            what: &'a str,
            batch: &'a [crate::Change],
            kib: i64,
        }
        for step in [
            Step { what: "a bootstrap's batch", batch: &import, kib: BULK_CACHE_KIB },
            Step { what: "the next live record", batch: &one, kib: CACHE_KIB },
            Step { what: "an empty batch", batch: &[], kib: CACHE_KIB },
        ] {
            door.apply(step.batch, Timestamp(1_784_000_000_002)).unwrap();
            assert_eq!(cache_kib(&door), step.kib, "after {}", step.what);
        }
        let sign_ins: Vec<Op> = (2..2 + BULK_RECORDS).map(sign_in).collect();
        door.write(Timestamp(1_784_000_000_003), sign_ins).unwrap();
        assert_eq!(cache_kib(&door), BULK_CACHE_KIB, "after a bulk write here");
        door.write(Timestamp(1_784_000_000_004), vec![sign_in(9_999)]).unwrap();
        assert_eq!(cache_kib(&door), CACHE_KIB, "after a sign-in here");
    }

    /// SQLite's `synchronous`: 1 is NORMAL (a commit does not wait for the disk), 2 is FULL.
    fn synchronous(store: &Store) -> i64 {
        store.conn.pragma_query_value(None, "synchronous", |row| row.get(0)).unwrap()
    }

    fn settled(store: &Store) -> i64 {
        let settled: Option<String> =
            store.conn.query_row("SELECT value FROM meta WHERE key = 'local:settled'", [], |row| row.get(0)).ok();
        settled.map_or(0, |n| n.parse().unwrap())
    }

    /// While a join's commits do not wait for the disk, the write-ahead log is checkpointed by a thread of
    /// its own, not by the commit that filled it; afterwards SQLite checkpoints by itself again.
    #[test]
    fn a_joins_log_is_checkpointed_beside_its_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut door = Store::open(&dir.path().join("door.db"), "door".into()).unwrap();
        door.conn.execute_batch("CREATE TABLE filler (bytes BLOB)").unwrap();
        fn checkpoints(door: &Store) -> usize {
            door.checkpointer
                .as_ref()
                .and_then(|c| c.as_ref())
                .map_or(0, |c| c.done.load(std::sync::atomic::Ordering::Relaxed))
        }
        assert_eq!(checkpoints(&door), 0);
        // One commit of 8 MiB: the log's file at least twice what is kept of it after.
        door.relaxed_if(true, |store| {
            store.conn.execute("INSERT INTO filler VALUES (randomblob(8388608))", [])?;
            Ok(())
        })
        .unwrap();
        // Twelve commits of a megabyte each: three times the log's 1,000 pages.
        for _ in 0..12 {
            door.relaxed_if(true, |store| {
                store.conn.execute("INSERT INTO filler VALUES (randomblob(1048576))", [])?;
                Ok(())
            })
            .unwrap();
            assert_eq!(
                door.conn.pragma_query_value(None, "wal_autocheckpoint", |row| row.get::<_, i64>(0)).unwrap(),
                i64::from(CHECKPOINT_PAGES),
                "SQLite's own checkpoints are back after each relaxed write"
            );
        }
        let waited = std::time::Instant::now();
        while checkpoints(&door) == 0 && waited.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(checkpoints(&door) > 0, "the log was checkpointed beside the writes");
        let log = dir.path().join("door.db-wal");
        let log_bytes = || std::fs::metadata(&log).unwrap().len();
        assert!(log_bytes() > LOG_KEPT_BYTES as u64, "the log's file grew during the join: {}", log_bytes());
        door.settle().unwrap();
        assert!(door.checkpointer.is_none(), "its thread ends when the session settles");
        // SQLite checkpoints at the end of the first ordinary write, and cuts the file at the next.
        for _ in 0..2 {
            door.conn.execute("INSERT INTO filler VALUES (x'00')", []).unwrap();
        }
        assert!(log_bytes() <= LOG_KEPT_BYTES as u64, "the log's file is cut back after the join: {}", log_bytes());
        drop(door);
        let door = Store::open(&dir.path().join("door.db"), "door".into()).unwrap();
        let count: i64 = door.conn.query_row("SELECT COUNT(*) FROM filler", [], |row| row.get(0)).unwrap();
        assert_eq!(count, 15);
    }

    /// Only a join's bulk batches are committed without waiting for the disk; every other write waits,
    /// whatever its size, and so does everything after a relaxed batch, refused, panicking or not. Settling
    /// makes a commit that waits, once per relaxed run.
    #[test]
    fn only_a_joins_bulk_batches_commit_without_waiting_for_the_disk() {
        use crate::Received;
        let mut organizer = Store::open_in_memory("organizer".into()).unwrap();
        let batch = |from: usize| (from..from + BULK_RECORDS).map(sign_in).collect::<Vec<_>>();
        let first = organizer.write(Timestamp(1_784_000_000_000), batch(0)).unwrap();
        let second = organizer.write(Timestamp(1_784_000_000_001), batch(1_000)).unwrap();
        let one = organizer.write(Timestamp(1_784_000_000_002), vec![sign_in(5_000)]).unwrap();
        let third = organizer.write(Timestamp(1_784_000_000_003), batch(2_000)).unwrap();
        let mut malformed = organizer.write(Timestamp(1_784_000_000_004), batch(3_000)).unwrap();
        malformed[150].field = "no such field".into();

        let dir = tempfile::tempdir().unwrap();
        let mut door = Store::open(&dir.path().join("door.db"), "door".into()).unwrap();
        let now = Timestamp(1_784_000_000_005);
        assert_eq!(synchronous(&door), 2, "opened");
        door.set_join_unfinished(true).unwrap();
        door.apply_received(&Received::new(first), &[], None, now).unwrap();
        assert_eq!((synchronous(&door), door.unsettled), (2, true), "after a join's bulk batch");
        door.settle().unwrap();
        door.settle().unwrap();
        assert_eq!((door.unsettled, settled(&door)), (false, 1), "settled once");
        assert!(door.apply_received(&Received::new(malformed), &[], None, now).is_err());
        assert_eq!((synchronous(&door), door.unsettled), (2, true), "after a join's bulk batch refused");
        door.settle().unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            door.relaxed_if(true, |_| -> Result<(), StoreError> { panic!("a bug") })
        }));
        assert!(panicked.is_err());
        assert_eq!(synchronous(&door), 2, "after a panic");
        door.settle().unwrap();
        for (what, relaxed) in [
            ("a join's small batch", door.apply_received(&Received::new(one), &[], None, now).map(drop)),
            ("a bulk batch not received by a sync", door.apply(&second, now).map(drop)),
            ("a bulk write here", door.write(now, batch(9_000)).map(drop)),
        ] {
            relaxed.unwrap();
            assert_eq!((synchronous(&door), door.unsettled), (2, false), "after {what}");
        }
        door.set_join_unfinished(false).unwrap();
        door.apply_received(&Received::new(third), &[], None, now).unwrap();
        assert_eq!((synchronous(&door), door.unsettled), (2, false), "after a bulk batch once joined");
        assert_eq!(settled(&door), 3);
        assert_eq!(door.change_count().unwrap(), (4 * BULK_RECORDS + 1) as u64);
    }
}
