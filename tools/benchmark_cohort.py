#!/usr/bin/env python
"""Measure how long pooling a cohort's submissions takes, and write benchmarks/cohort.json.

    python tools/benchmark_cohort.py [--submissions 1000] [--runs 5] [--seed 2026]

It writes ``--submissions`` seeded synthetic submissions (pmkit.cohort.synthetic_submissions:
each learner re-estimates 6 to 12 backlog items and answers the drill) into a temporary folder,
with a handful of broken files mixed in (truncated, not JSON, a wrong version, a duplicate), then
times ``pmkit.cohort.pool()`` over the folder ``--runs`` times. The first run is reported
separately ("cold": the file system cache may be cold, pandas warms up); the target is that
pooling 1,000 submissions takes under 2 seconds.

This is a script, not a timed test: numbers on a shared machine are noisy. ``bench_cohort()``
returns the same dictionary, for tools/benchmark.py to call.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "cohort.json"
TARGET_SECONDS = 2.0


def write_folder(folder: Path, n: int, seed: int) -> dict:
    """Fill ``folder`` with ``n`` synthetic submissions and a few broken files; return counts."""
    from pmkit import cohort

    keys, _notes = cohort.load_answer_keys()
    drill = {sid: a for sid, (a, _t) in keys.get("07-after-the-switch/problem_or_solution", {}).items()}
    docs = cohort.synthetic_submissions(n, seed=seed, drill_key=drill or None,
                                        prediction_key=keys.get("03-prioritization/prediction"))
    total_bytes = 0
    for k, doc in enumerate(docs):
        data = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        (folder / f"{doc['learner']}-{k:05d}.json").write_bytes(data)
        total_bytes += len(data)
    broken = {
        "truncated.json": json.dumps(docs[0])[:200].encode(),
        "not-json.json": b"not json at all",
        "newer.json": json.dumps({**docs[1], "version": 2}).encode(),
        "again.json": json.dumps({**docs[2], "created": "2026-07-14T23:59:00+00:00"}).encode(),
    }
    for name, data in broken.items():
        (folder / name).write_bytes(data)
    return {"submissions": n, "broken_files": len(broken), "megabytes": round(total_bytes / 1e6, 2)}


def bench_cohort(submissions: int = 1000, runs: int = 5, seed: int = 2026) -> dict:
    from pmkit import cohort

    with tempfile.TemporaryDirectory(prefix="pmkit-cohort-bench-") as tmp:
        folder = Path(tmp)
        made = write_folder(folder, submissions, seed)
        keys, _ = cohort.load_answer_keys()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = cohort.pool(folder, answer_keys=keys)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        cohort.pool(folder)  # with the answer keys loaded from datasets/ as the notebook does
        with_keys = time.perf_counter() - start
    return {
        **made,
        "pooled_learners": result.n,
        "estimates": int(len(result.estimates)),
        "reported_files": int(len(result.report)),
        "runs": runs,
        "cold_seconds": round(times[0], 3),
        "median_seconds": round(statistics.median(times), 3),
        "max_seconds": round(max(times), 3),
        "with_answer_key_loading_seconds": round(with_keys, 3),
        "target_seconds": TARGET_SECONDS,
        "meets_target": max(times) < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT / "src"))
    import pandas

    numbers = bench_cohort(args.submissions, args.runs, args.seed)
    out = {
        "when": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "pandas": pandas.__version__},
        "cohort_pooling": numbers,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    print(f"wrote {args.output}")
    return 0 if numbers["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
