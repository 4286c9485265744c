"""One run's output as one JSON line for table.py: `collect.py NAME OUTPUT TIME_OUTPUT` (scripts/bench-peers)."""
import json
import re
import sys

name, out_path, time_path = sys.argv[1:4]
out = open(out_path).read()
row = {"name": name}
for line in out.splitlines():
    if line.startswith("RESULT "):
        row.update(json.loads(line[len("RESULT "):]))


def find(pattern):
    m = re.search(pattern, out)
    if not m:
        raise SystemExit(f"{name}: no line matching {pattern!r} in:\n{out}")
    return [float(g) for g in m.groups()]


if name == "sprintdesk":
    values, seconds, _, bytes_in, _, bytes_out = find(
        r"bootstrap to disk .*?: (\d+) changes in ([\d.]+) s \((\d+) changes/s\), (\d+) bytes in \(([\d.]+) per change\), "
        r"(\d+) bytes out")
    # Both ways, as automerge's figure: the organizer's frames and the joining device's hello and answers.
    row.update(values=values, seconds=seconds, rate=values / seconds, bytes=bytes_in + bytes_out, bytes_in=bytes_in)
elif name == "sprintdesk-apply":
    verified, unverified = find(r"apply rate \(on disk.*?: (\d+) changes/s verified, (\d+) unverified")
    row.update(apply_rate=verified, apply_rate_unverified=unverified)
elif name == "automerge":
    sync_seconds, sync_bytes = find(r"sync protocol in memory: ([\d.]+) s, (\d+) bytes")
    save_seconds, file_bytes, total, durable = find(
        r"saved to disk and fsynced: ([\d.]+) s, (\d+) bytes; sync \+ save: ([\d.]+) s \((\d+) values/s durable\)")
    row.update(values=100_000, sync_seconds=sync_seconds, seconds=total, bytes=sync_bytes, file_bytes=file_bytes,
               apply_rate=durable, rate=durable)
row["maxrss_kb"] = float(re.search(r"MAXRSS_KB (\d+)", open(time_path).read()).group(1))
print(json.dumps(row))
