#!/usr/bin/env python3
"""Prints the resilience table from target/resilience/*.jsonl (one JSON line per test, written
by tests/it/common/resilience.rs and scripts/fuzz) and says whether the run passed."""

import argparse
import json
import pathlib
import sys

COLUMNS = [
    ("bad_inputs", "bad inputs"),
    ("faults", "faults"),
    ("acked", "writes acked"),
    ("found", "writes found"),
    ("unacked_found", "refused but stored"),
    ("lost", "requests lost"),
    ("api_failures", "API failures"),
]


def read_rows(folder):
    rows = []
    for path in sorted(pathlib.Path(folder).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not JSON: {e}")
    return sorted(rows, key=lambda r: (str(r.get("suite")), str(r.get("test"))))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder")
    parser.add_argument("--tests-status", type=int, default=0)
    parser.add_argument("--fuzz-status", type=int, default=0)
    parser.add_argument("--api-status", type=int, default=0)
    args = parser.parse_args()

    rows = read_rows(args.folder)
    total = {key: sum(int(r.get(key, 0) or 0) for r in rows) for key, _ in COLUMNS}
    crashes = sum(int(r.get("crashes", 0) or 0) for r in rows)

    header = ["suite", "test"] + [label for _, label in COLUMNS]
    body = [
        [str(r.get("suite", "")), str(r.get("test", ""))]
        + [str(r.get(key, 0) or 0) for key, _ in COLUMNS]
        for r in rows
    ]
    body.append(["total", f"{len(rows)} tests"] + [str(total[key]) for key, _ in COLUMNS])
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]

    def show(cells):
        # Names left, figures right.
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(cells, widths))))

    show(header)
    print("  ".join("-" * w for w in widths))
    for line in body[:-1]:
        show(line)
    print("  ".join("-" * w for w in widths))
    show(body[-1])

    failures = []
    if args.tests_status != 0:
        failures.append(f"tests failed (exit status {args.tests_status})")
    if args.fuzz_status != 0:
        failures.append(f"scripts/fuzz failed (exit status {args.fuzz_status})")
    if args.api_status != 0:
        failures.append(f"scripts/schemathesis failed (exit status {args.api_status})")
    if total["api_failures"] > 0:
        failures.append(f"{total['api_failures']} API answers not as described (schemathesis)")
    if not rows:
        failures.append("no figures recorded")
    if total["lost"] > 0:
        failures.append(f"{total['lost']} requests lost")
    if total["unacked_found"] > 0:
        failures.append(f"{total['unacked_found']} refused writes were stored")
    if total["found"] < total["acked"]:
        failures.append(f"{total['acked'] - total['found']} acknowledged writes not found")
    if crashes > 0:
        failures.append(f"{crashes} fuzz crashes")
    if failures:
        print("resilience: FAILED: " + "; ".join(failures))
        return 1
    print("resilience: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
