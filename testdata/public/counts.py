#!/usr/bin/env python3
"""Counts for the public samples in this folder (the numbers in testdata/README.md's table).

Rerun with:  python3 testdata/public/counts.py     (standard library only; prints one Markdown row per file)

- lines: pieces separated by \\n; a final piece without \\n counts as a line ("no final \\n" is noted)
- events: lines that are valid UTF-8 JSON objects with both an "auditID" and a "stage" member
- events by stage: of those events
"""
import json
import os
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def count(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(b"\n")
    terminated = parts[-1] == b""
    if terminated:
        parts.pop()
    events, stages = 0, Counter()
    for raw in parts:
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(obj, dict) and "auditID" in obj and "stage" in obj:
            events += 1
            stages[obj["stage"]] += 1
    return len(data), len(parts), terminated, events, stages


def main():
    print("| file | bytes | lines | events (JSON objects with auditID and stage) | events by stage |")
    print("|---|---|---|---|---|")
    for root, dirs, files in sorted(os.walk(HERE)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            size, lines, terminated, events, stages = count(path)
            rel = os.path.relpath(path, os.path.dirname(HERE))
            st = ", ".join("%s=%d" % kv for kv in sorted(stages.items())) or "-"
            print("| %s | %d | %d%s | %d | %s |" % (rel, size, lines, "" if terminated else " (no final \\n)",
                                                  events, st))


if __name__ == "__main__":
    main()
