#!/usr/bin/env python
"""Write the demo shared folder datasets/cohort_demo/ (seeded, so always the same files).

    python datasets/make_cohort_demo.py            # (re)write the folder
    python datasets/make_cohort_demo.py --check    # exit 1 if the folder differs from what this script makes

The folder is what a facilitator's shared folder might hold after an evening session: twelve
learners' submissions (synthetic, from pmkit.cohort.synthetic_submissions), one of them with a
few impossible values, and the mess a real shared folder collects. Each broken file is there on purpose, so that the facilitator notebook
shows how pooling reports it:

* one learner who handed in twice (the older file is reported as a duplicate);
* a file cut off half-way (truncated JSON), a file that is not JSON at all, an empty file;
* a file saved in Latin-1 rather than UTF-8;
* a file from an older draft of the format and one from a newer pmkit (wrong version);
* a submission with some impossible values (they are dropped; the good ones are kept);
* a stray notes file that is not JSON (ignored).

Oversized files and symbolic links are left out of the committed folder (a 1 MB file in the
repository and links on Windows would both be a nuisance); the tests build those in a temporary
folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "cohort_demo"
SEED = 2026
LEARNERS = 12


def _dump(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _name(doc: dict, suffix: str = "") -> str:
    stamp = doc["created"].replace("-", "").replace(":", "").replace("+0000", "Z")[:15] + "Z"
    return f"{doc['learner']}-{stamp}{suffix}.json"


def render() -> dict[str, bytes]:
    """Every file of the demo folder: {file name: bytes}."""
    from pmkit import cohort
    from pmkit.data import load_backlog

    backlog = load_backlog()
    keys, notes = cohort.load_answer_keys(backlog)
    if notes:
        raise SystemExit("make_cohort_demo.py needs the answer keys: " + " ".join(notes))
    drill = {sid: answer for sid, (answer, _text) in keys["07-after-the-switch/problem_or_solution"].items()}
    docs = cohort.synthetic_submissions(LEARNERS, seed=SEED, backlog=backlog, drill_key=drill,
                                        prediction_key=keys["03-prioritization/prediction"])
    files: dict[str, bytes] = {}
    good, spare = docs[:-1], docs[-1]
    for doc in good:
        files[_name(doc)] = _dump(doc).encode("utf-8")

    # the first learner handed in twice: an earlier file with fewer estimates
    first = json.loads(_dump(good[0]))
    first["created"] = (datetime.fromisoformat(first["created"]) - timedelta(minutes=50)).isoformat()
    first["rice_estimates"] = dict(list(first["rice_estimates"].items())[:3])
    files[_name(first, "-first-try")] = _dump(first).encode("utf-8")

    # some impossible values: dropped one by one, the rest of the submission is used
    odd = json.loads(_dump(spare))
    items = sorted(odd["rice_estimates"])
    odd["rice_estimates"][items[0]]["impact"] = 4
    odd["rice_estimates"][items[1]]["confidence"] = 1.5
    odd["rice_estimates"]["not an id!"] = {"reach": 10, "impact": 1, "confidence": 0.8, "effort": 1}
    odd["readiness"]["areas"]["writing"] = 140
    odd["statements"]["03-prioritization/prediction"] = ["B01", "B01", "B03"]
    odd["statements"]["09-secret/answers"] = "not a statement cohort mode knows"
    files[_name(odd, "-odd-values")] = _dump(odd).encode("utf-8")

    text = _dump(good[1])
    files["truncated-upload.json"] = text[: len(text) // 2].encode("utf-8")
    files["not-json.json"] = b"Learner notes: B04 effort is surely 8 months, not 3!\n"
    files["empty.json"] = b""
    latin = json.loads(_dump(good[2]))
    latin["learner"] = "caf\u00e9-learner"
    files["latin1-export.json"] = _dump(latin).encode("latin-1")
    old = json.loads(_dump(good[3]))
    old["format"] = "pmkit-answers"
    del old["version"]
    files["old-draft-format.json"] = _dump(old).encode("utf-8")
    newer = json.loads(_dump(good[4]))
    newer["version"] = 2
    files["from-a-newer-pmkit.json"] = _dump(newer).encode("utf-8")
    files["facilitator-notes.txt"] = b"Week 3: ask the B04 outliers to explain their effort.\n"
    return dict(sorted(files.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the folder differs from what this script makes")
    parser.add_argument("--outdir", type=Path, default=OUT, help="folder to write or check (default: datasets/cohort_demo)")
    args = parser.parse_args(argv)
    from pmkit.generated import write_or_check

    return write_or_check(render(), args.outdir, "datasets/make_cohort_demo.py", args.check, only_these=True)


if __name__ == "__main__":
    sys.exit(main())
