#!/usr/bin/env python3
"""Compute testdata/logrotate/EXPECTED.md from the logrotate-style set in this folder.

Rerun with:  python3 testdata/logrotate/expected.py
(writes EXPECTED.md next to this script; prints it too). Standard library only, deterministic.

Reading order (oldest first, logrotate naming: higher number = older):
    audit.log.3.gz, audit.log.2.gz, audit.log.1, audit.log
"""
import gzip
import json
import os
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ["audit.log.3.gz", "audit.log.2.gz", "audit.log.1", "audit.log"]
ORIGIN = {
    "audit.log.3.gz": "audit-2026-11-21T15-04-39.007.log (gzip -9 -n)",
    "audit.log.2.gz": "audit-2026-11-21T15-06-48.115.log (gzip -9 -n)",
    "audit.log.1": "audit-2026-11-21T15-06-50.257.log (uncompressed)",
    "audit.log": "audit.log (current file)",
}
FINAL_STAGES = ("ResponseComplete", "Panic")


def read_bytes(name):
    path = os.path.join(HERE, name)
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def main():
    total_lines = 0
    blank = 0
    unparseable = 0
    stages = Counter()
    keys_stages = OrderedDict()  # (auditID, requestReceivedTimestamp) -> [stages]
    auditids = set()
    first_ts = last_ts = None
    min_ts = max_ts = None
    per_file = []
    for name in ORDER:
        data = read_bytes(name)
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()  # file ends with a newline
        f_stages = Counter()
        f_first = f_last = None
        for raw in lines:
            total_lines += 1
            if not raw.strip():
                blank += 1
                continue
            try:
                ev = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                unparseable += 1
                continue
            st = ev.get("stage")
            stages[st] += 1
            f_stages[st] += 1
            key = (ev.get("auditID"), ev.get("requestReceivedTimestamp"))
            keys_stages.setdefault(key, []).append(st)
            auditids.add(ev.get("auditID"))
            ts = ev.get("stageTimestamp")
            if f_first is None:
                f_first = ts
            f_last = ts
            if first_ts is None:
                first_ts = ts
            last_ts = ts
            # all timestamps share the same RFC3339 microsecond "Z" format, so string order is time order
            min_ts = ts if min_ts is None or ts < min_ts else min_ts
            max_ts = ts if max_ts is None or ts > max_ts else max_ts
        per_file.append((name, len(data), len(lines), f_stages, f_first, f_last))

    incomplete = [(k, v) for k, v in keys_stages.items() if not any(s in FINAL_STAGES for s in v)]

    out = []
    w = out.append
    w("# Expected values: testdata/logrotate/")
    w("")
    w("Computed by `python3 testdata/logrotate/expected.py` (rerunnable; standard library only) from the files in this")
    w("folder, read in logrotate order, oldest first: `audit.log.3.gz`, `audit.log.2.gz`, `audit.log.1`, `audit.log`.")
    w("Source: /work/shared/testdata/realcluster/s6-dev-policy (real kube-apiserver v1.20.2, multi-rule policy,")
    w("`omitStages: [RequestReceived]`, so there are no RequestReceived events). The .gz files decompress byte-exactly")
    w("to the original rotated backups.")
    w("")
    w("## Files")
    w("")
    w("| file | origin | bytes on disk | lines | events by stage | first stageTimestamp | last stageTimestamp |")
    w("|---|---|---|---|---|---|---|")
    for name, nbytes, nlines, fst, ff, fl in per_file:
        disk = os.path.getsize(os.path.join(HERE, name))
        st = ", ".join("%s=%d" % (k, v) for k, v in sorted(fst.items()))
        w("| %s | %s | %d (decompressed %d) | %d | %s | %s | %s |" % (name, ORIGIN[name], disk, nbytes, nlines, st, ff, fl))
    w("")
    w("## Totals (whole set)")
    w("")
    w("- total lines: **%d** (blank: %d, unparseable: %d, so events: **%d**)" % (total_lines, blank, unparseable, total_lines - blank - unparseable))
    w("- events by stage: " + ", ".join("%s=**%d**" % (k, v) for k, v in sorted(stages.items())) +
      " (RequestReceived=%d, Panic=%d)" % (stages.get("RequestReceived", 0), stages.get("Panic", 0)))
    w("- distinct (auditID, requestReceivedTimestamp) keys: **%d** (distinct auditIDs: %d)" % (len(keys_stages), len(auditids)))
    seqs = Counter("+".join(v) for v in keys_stages.values())
    w("- stage sequence per key: " + ", ".join("%s=%d" % (k, v) for k, v in sorted(seqs.items())))
    w("- requests (keys) with no ResponseComplete/Panic stage: **%d**" % len(incomplete))
    for (aid, rrt), v in incomplete:
        w("  - auditID `%s`, requestReceivedTimestamp `%s`, stages %s" % (aid, rrt, "+".join(v)))
    w("- first stageTimestamp of the set (first line of audit.log.3.gz): **%s**" % first_ts)
    w("- last stageTimestamp of the set (last line of audit.log): **%s**" % last_ts)
    w("- min / max stageTimestamp over all events: %s / %s" % (min_ts, max_ts))
    w("")
    text = "\n".join(out)
    with open(os.path.join(HERE, "EXPECTED.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
