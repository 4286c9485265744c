"""cr-sqlite between two databases on disk, driven from Python's sqlite3 (scripts/bench-peers).

`python3 crsqlite.py EXT seed DIR` writes the source: one CRR table of 10,000 attendees x 10 columns, the
100,000 field values of crates/sprintdesk-sync/benches/sync.rs, 100 attendees per transaction (1,000 changes,
as the Sprintdesk bench writes them). `python3 crsqlite.py EXT sync DIR` makes a fresh target and pulls
every change from the source's `crsql_changes` one db_version (1,000 changes) at a time, each batch framed
as JSON (blobs as hex) and compressed with zlib, decoded and inserted into the target's `crsql_changes` in
one transaction (WAL, synchronous=FULL). It prints one RESULT line.
"""
import json
import os
import sys

try:  # pysqlite3-binary: SQLite 3.51, and it loads extensions (scripts/bench-peers installs it)
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:
    import sqlite3
import time
import zlib

PEOPLE = 10_000
FIELDS = ["name", "handle", "email", "roles", "first_timer", "planned_days", "badge_code",
          "coc_version", "photo_consent", "merged_into"]


def value(field, n):
    """The JSON text the Sprintdesk bench writes for this field."""
    if field == "name":
        v = f"Attendee Number {n}"
    elif field == "handle":
        v = f"sprinter{n}"
    elif field == "email":
        v = f"sprinter{n}@example.org"
    elif field == "roles":
        v = ["sprinter"]
    elif field in ("first_timer", "photo_consent"):
        v = n % 3 == 0
    elif field == "planned_days":
        v = ["2026-07-13", "2026-07-14"]
    elif field == "badge_code":
        v = f"BADGE-{n:06d}"
    elif field == "coc_version":
        v = 1
    else:
        v = None
    return json.dumps(v, separators=(",", ":"))


def open_db(ext, path):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(ext)  # entry point sqlite3_crsqlite_init, from the file name
    db.enable_load_extension(False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS attendee (id TEXT PRIMARY KEY NOT NULL, "
               + ", ".join(FIELDS) + ")")
    # The schema named: with the table's name alone, crsql_as_crr reads its default schema name "main" from
    # a Rust string that has no NUL after it, which fails (SQLITE_NOMEM) when built with today's compiler.
    db.execute("SELECT crsql_as_crr('main', 'attendee')")
    return db


def close(db):
    db.execute("SELECT crsql_finalize()")
    db.close()


def remove(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def seed(ext, folder):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "crsqlite-source.db")
    remove(path)
    db = open_db(ext, path)
    sql = "INSERT INTO attendee (id, " + ", ".join(FIELDS) + ") VALUES (?" + ", ?" * len(FIELDS) + ")"
    for start in range(0, PEOPLE, 100):
        db.execute("BEGIN")
        db.executemany(sql, ([f"att-{n}"] + [value(f, n) for f in FIELDS] for n in range(start, start + 100)))
        db.execute("COMMIT")
    count = db.execute("SELECT count(*) FROM crsql_changes").fetchone()[0]
    print(f"seeded {count} changes", file=sys.stderr)
    close(db)


COLUMNS = '"table", pk, cid, val, col_version, db_version, site_id, cl, seq'


def encode(rows):
    def plain(x):
        return {"b": x.hex()} if isinstance(x, bytes) else x
    return zlib.compress(json.dumps([[plain(x) for x in row] for row in rows], separators=(",", ":")).encode())


def decode(frame):
    def blob(x):
        return bytes.fromhex(x["b"]) if isinstance(x, dict) else x
    return [tuple(blob(x) for x in row) for row in json.loads(zlib.decompress(frame))]


def sync(ext, folder):
    source = open_db(ext, os.path.join(folder, "crsqlite-source.db"))
    target_path = os.path.join(folder, "crsqlite-target.db")
    remove(target_path)
    target = open_db(ext, target_path)
    insert = f"INSERT INTO crsql_changes ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    versions = [v for (v,) in source.execute(
        "SELECT DISTINCT db_version FROM crsql_changes ORDER BY db_version")]
    moved, raw, applied, apply_seconds = 0, 0, 0, 0.0
    started = time.perf_counter()
    since = 0
    for version in versions:
        # The target asks from what it holds; the source answers with the next db_version's changes.
        rows = source.execute(
            f"SELECT {COLUMNS} FROM crsql_changes WHERE db_version > ? AND db_version <= ? ORDER BY db_version, seq",
            (since, version)).fetchall()
        frame = encode(rows)
        moved += len(frame) + 8  # the frame, its length and the version asked from
        raw += len(zlib.decompress(frame))
        batch = decode(frame)
        t = time.perf_counter()
        target.execute("BEGIN")
        target.executemany(insert, batch)
        target.execute("COMMIT")
        apply_seconds += time.perf_counter() - t
        applied += len(batch)
        since = version
    seconds = time.perf_counter() - started
    held = target.execute("SELECT count(*) FROM attendee").fetchone()[0]
    values = target.execute("SELECT count(*) FROM crsql_changes").fetchone()[0]
    if held != PEOPLE or values != PEOPLE * len(FIELDS) or applied != values:
        raise SystemExit(f"target holds {held} attendees, {values} changes; applied {applied}")
    close(source)
    close(target)
    print("RESULT " + json.dumps({"peer": "crsqlite", "values": applied, "seconds": seconds,
                                  "apply_rate": applied / apply_seconds, "rate": applied / seconds,
                                  "bytes": moved, "bytes_json": raw}))


if __name__ == "__main__":
    ext, cmd, folder = sys.argv[1:4]
    {"seed": seed, "sync": sync}[cmd](ext, folder)
