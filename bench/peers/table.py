"""The table of medians from scripts/bench-peers' runs: `table.py RESULTS.jsonl [CRSQLITE_BUILD_ERROR]`."""
import json
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    row = json.loads(line)
    runs[row["name"]].append(row)
crsqlite_error = sys.argv[2] if len(sys.argv) > 2 else ""


def med(name, key):
    values = [r[key] for r in runs.get(name, []) if key in r]
    return statistics.median(values) if values else None


def n(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def mb(kb):
    return "—" if kb is None else f"{kb / 1024:,.0f} MB"


rows = []
if "sprintdesk" in runs:
    b = med("sprintdesk", "bytes")
    rows.append(("Sprintdesk (bootstrap over mutual TLS, every record verified)",
                 f"{n(med('sprintdesk-apply', 'apply_rate'))} ({n(med('sprintdesk-apply', 'apply_rate_unverified'))} unverified)",
                 n(med("sprintdesk", "seconds"), 2), f"{n(b)} ({n(b / 100_000, 1)}/value)",
                 mb(med("sprintdesk", "maxrss_kb")), "WAL, synchronous=FULL; zstd JSON frames on the wire"))
if "automerge" in runs:
    b = med("automerge", "bytes")
    rows.append(("automerge 0.12 (sync protocol in memory, then save + fsync)",
                 n(med("automerge", "apply_rate")), f"{n(med('automerge', 'seconds'), 2)} "
                 f"(sync {n(med('automerge', 'sync_seconds'), 2)})", f"{n(b)} ({n(b / 100_000, 1)}/value)",
                 mb(med("automerge", "maxrss_kb")), "not incremental: the whole document saved once"))
if "crsqlite" in runs:
    b = med("crsqlite", "bytes")
    rows.append(("cr-sqlite 0.16.3 (crsql_changes, Python sqlite3)", n(med("crsqlite", "apply_rate")),
                 n(med("crsqlite", "seconds"), 2), f"{n(b)} ({n(b / 100_000, 1)}/value)",
                 mb(med("crsqlite", "maxrss_kb")), "WAL, synchronous=FULL; zlib JSON frames"))
else:
    rows.append(("cr-sqlite 0.16.3", "not built", "", "", "", crsqlite_error or "not run"))
for mode, what, note in (
        ("per-field", "a document per field value", "LevelDB writes not synced (PouchDB's default)"),
        ("per-attendee", "a document per attendee", "LevelDB writes not synced (PouchDB's default)"),
        ("per-attendee-fsync", "a document per attendee, every write synced", "LevelDB sync on every write")):
    name = f"pouchdb-{mode}"
    if name in runs:
        b = med(name, "bytes")
        rows.append((f"PouchDB 9, LevelDB ({what})", n(med(name, "apply_rate")), n(med(name, "seconds"), 2),
                     f"{n(b)} ({n(b / 100_000, 1)}/value)", mb(med(name, "maxrss_kb")),
                     note + "; JSON bodies of a pull"))

count = max((len(v) for v in runs.values()), default=0)
print(f"\nMedians of {count} runs; 100,000 field values from a source database to a fresh one.\n")
print("| Peer | Durable apply (values/s) | End to end (s) | Bytes moved | Peak RSS | Notes |")
print("|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
print("\nEach run:")
for name, rs in runs.items():
    keys = [k for k in ("apply_rate", "apply_rate_unverified", "seconds", "bytes", "maxrss_kb") if k in rs[0]]
    print(f"  {name}: " + "; ".join(f"{k} " + ", ".join(n(r[k], 2 if k == 'seconds' else 0) for r in rs) for k in keys))
