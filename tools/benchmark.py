#!/usr/bin/env python
"""Measure the course's performance targets and write them to benchmarks/results.json.

    python tools/benchmark.py [--skip-book] [--skip-notebooks] [--updates 50] [--items 10000]

What it measures (a script, not a timed test: numbers on a shared machine are noisy):

1. Notebook execution: wall time to execute every notebook in notebooks/ and exercises/
   (learner and solution versions) with nbclient, against a floor: the same number of empty
   notebooks through the same runner (so kernel start-up is separated from the course's work).
2. RICE calculator update time on a generated backlog of ``--items`` items: median over
   ``--updates`` updates of (a) changing one estimate and recomputing the ranked table and its
   HTML (target <= 50 ms), and (b) the same plus redrawing the chart to PNG, as the notebook
   does (target <= 200 ms).
3. The book: a cold build into an empty folder, then a rebuild with nothing changed.

The results file records the machine (CPU count, Python and library versions) with the numbers.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results.json"


def notebooks() -> list[Path]:
    found = sorted((REPO_ROOT / "notebooks").glob("*.ipynb")) + sorted((REPO_ROOT / "exercises").rglob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def execute(path: Path, work_dir: str) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def bench_notebooks() -> dict:
    import nbformat

    work = tempfile.mkdtemp(prefix="pmkit-bench-work-")
    os.environ["PMKIT_WORK_DIR"] = work  # never touch a learner's my-work/
    paths = notebooks()
    per = {}
    for p in paths:
        per[str(p.relative_to(REPO_ROOT))] = round(execute(p, work), 2)
    empty_dir = Path(tempfile.mkdtemp(prefix="pmkit-bench-empty-"))
    floor = []
    for i in range(len(paths)):
        e = empty_dir / f"empty{i}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")]), e)
        floor.append(execute(e, work))
    total = sum(per.values())
    return {
        "notebooks": len(paths),
        "total_seconds": round(total, 2),
        "floor_seconds": round(sum(floor), 2),
        "overhead_seconds": round(total - sum(floor), 2),
        "per_notebook_seconds": per,
    }


def bench_rice(items: int, updates: int) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    from pmkit.synthetic import synthetic_backlog
    from pmkit.widgets.rice import RiceCalculatorModel

    model = RiceCalculatorModel(synthetic_backlog(items, seed=11))
    ids = model.ids
    table_ms, chart_ms = [], []
    for n in range(updates):
        item = ids[(n * 7919) % len(ids)]
        start = time.perf_counter()
        model.set_estimate(item, "reach", 100 + n)
        model.table()
        model.table_html()
        mid = time.perf_counter()
        buf = io.BytesIO()
        model.figure().savefig(buf, format="png")
        end = time.perf_counter()
        table_ms.append((mid - start) * 1000)
        chart_ms.append((end - start) * 1000)
    return {
        "items": items,
        "updates": updates,
        "table_update_median_ms": round(statistics.median(table_ms), 1),
        "table_update_max_ms": round(max(table_ms), 1),
        "with_chart_median_ms": round(statistics.median(chart_ms), 1),
        "with_chart_max_ms": round(max(chart_ms), 1),
        "targets_ms": {"table": 50, "with_chart": 200},
    }


def bench_book() -> dict:
    out = Path(tempfile.mkdtemp(prefix="pmkit-bench-book-"))
    env = dict(os.environ, PMKIT_WORK_DIR=tempfile.mkdtemp(prefix="pmkit-bench-work-"))
    cmd = [sys.executable, str(REPO_ROOT / "tools" / "build_book.py"), "--skip-npm", "--output", str(out)]
    times = {}
    for label in ("cold_build_seconds", "rebuild_unchanged_seconds"):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
        times[label] = round(time.perf_counter() - start, 1)
        if proc.returncode != 0:
            times["error"] = proc.stdout[-2000:] + proc.stderr[-2000:]
            break
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-book", action="store_true")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=50)
    args = parser.parse_args()

    import matplotlib
    import pandas

    results = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "pandas": pandas.__version__, "matplotlib": matplotlib.__version__},
        "rice_calculator": bench_rice(args.items, args.updates),
    }
    print(json.dumps(results["rice_calculator"], indent=2), flush=True)
    if not args.skip_notebooks:
        results["notebook_execution"] = bench_notebooks()
        print(json.dumps(results["notebook_execution"], indent=2), flush=True)
    if not args.skip_book:
        results["book"] = bench_book()
        print(json.dumps(results["book"], indent=2), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
