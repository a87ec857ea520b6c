#!/usr/bin/env python
"""Generate the learners' exercise notebooks from the authored solution notebooks.

Authors write only ``exercises/solutions/<name>.ipynb``. This script writes
``exercises/<name>.ipynb`` for learners from it:

* cells tagged ``solution`` are dropped;
* sphinx-exercise solution cells are dropped too, tagged or not: a markdown cell holding a
  ``{solution}`` directive, and every cell from a ``{solution-start}`` cell to the matching
  ``{solution-end}`` cell;
* in code cells tagged ``exercise``, everything after a line ``# solution`` is replaced by ``...``
  (the lines above the marker stay);
* sphinx-exercise ``{exercise}`` directives become plain markdown (``## Exercise 1: Title`` and the
  text), because JupyterLab does not render MyST directives;
* outputs and execution counts are cleared, and saved widget state is removed.

The output is written with nbformat and a trailing newline, so running the script twice gives
byte-identical files.

Usage::

    python tools/make_exercises.py           # (re)write every learner notebook
    python tools/make_exercises.py --check   # exit 1 and list the learner notebooks that drifted
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
MARKER = "# solution"
PLACEHOLDER = "..."

# A MyST directive fence: ```{name} argument   or   :::{name} argument
_FENCE = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[A-Za-z0-9_-]+)\}[ \t]*(?P<arg>.*?)[ \t]*$")
_OPTION = re.compile(r"^[ \t]*:[A-Za-z0-9_-]+:.*$")
_SOLUTION_DIRECTIVES = {"solution", "solution-start", "solution-end"}


@dataclass
class Report:
    """What the generator did to one notebook (for messages and tests)."""

    dropped: list[int] = field(default_factory=list)
    untagged_dropped: list[int] = field(default_factory=list)
    blanked: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _tags(cell) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return list(tags) if isinstance(tags, (list, tuple)) else []


def _directives(source: str) -> set[str]:
    """Names of the MyST directives opened in a markdown cell."""
    return {m.group("name") for line in source.splitlines() if (m := _FENCE.match(line))}


def _is_marker(line: str) -> bool:
    return line.strip().lower() == MARKER


def blank_solution_code(source: str) -> tuple[str, bool]:
    """Keep the lines above the ``# solution`` marker and put ``...`` in place of the rest."""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if _is_marker(line):
            kept = lines[:i]
            while kept and not kept[-1].strip():
                kept.pop()
            indent = re.match(r"^\s*", line).group(0)
            return "\n".join([*kept, indent + PLACEHOLDER]), True
    return source, False


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {fence[0]} and len(stripped) >= len(fence)


def exercise_directives_to_markdown(source: str, counter: list[int]) -> str:
    """Rewrite ``{exercise}`` / ``{exercise-start}`` / ``{exercise-end}`` fences as plain markdown.

    ``counter`` holds the number of the last exercise (a one-item list, updated in place), so
    the exercises are numbered in order through the notebook, as sphinx-exercise numbers them.
    """
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        name = match.group("name") if match else None
        if name not in {"exercise", "exercise-start", "exercise-end"}:
            out.append(lines[i])
            i += 1
            continue
        fence = match.group("fence")
        title = match.group("arg")
        i += 1
        options: list[str] = []
        while i < len(lines) and _OPTION.match(lines[i]):
            options.append(lines[i].strip())
            i += 1
        body: list[str] = []
        while i < len(lines) and not _closes(lines[i], fence):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        if name == "exercise-end":
            continue
        numbered = not any(opt.startswith(":nonumber:") for opt in options)
        if numbered:
            counter[0] += 1
            heading = f"## Exercise {counter[0]}" + (f": {title}" if title else "")
        else:
            heading = "## Exercise" + (f": {title}" if title else "")
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        out.append(heading)
        if body:
            out.append("")
            out.extend(body)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def _stable_id(index: int, source: str) -> str:
    return hashlib.sha1(f"{index}:{source}".encode()).hexdigest()[:8]


def make_learner_notebook(solution_nb, source_name: str = "") -> tuple[nbformat.NotebookNode, Report]:
    """Return the learner version of a solutions notebook (the input is not modified)."""
    nb = copy.deepcopy(solution_nb)
    report = Report()
    cells = []
    counter = [0]
    in_gated_solution = False
    for index, cell in enumerate(nb.cells):
        tags = _tags(cell)
        source = cell.get("source", "")
        names = _directives(source) if cell.cell_type == "markdown" else set()
        drop = SOLUTION_TAG in tags or bool(names & _SOLUTION_DIRECTIVES) or in_gated_solution
        if "solution-start" in names:
            in_gated_solution = True
        if "solution-end" in names:
            in_gated_solution = False
        if drop:
            report.dropped.append(index)
            if SOLUTION_TAG not in tags:
                report.untagged_dropped.append(index)
                report.warnings.append(
                    f"{source_name} cell {index + 1}: dropped because it is part of a solution, "
                    f"but it is not tagged '{SOLUTION_TAG}'. Tag it to make that explicit."
                )
            continue
        if cell.cell_type == "code":
            if EXERCISE_TAG in tags:
                cell.source, changed = blank_solution_code(source)
                if changed:
                    report.blanked.append(index)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and names & {"exercise", "exercise-start", "exercise-end"}:
            cell.source = exercise_directives_to_markdown(source, counter)
            if not cell.source.strip():
                report.dropped.append(index)
                continue
        cell.metadata.pop("execution", None)
        if not cell.get("id"):
            cell["id"] = _stable_id(index, cell.source)
        cells.append(cell)
    if in_gated_solution:
        report.warnings.append(f"{source_name}: a {{solution-start}} has no matching {{solution-end}}.")
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    pmkit_meta = dict(nb.metadata.get("pmkit", {}))
    pmkit_meta["generated_from"] = f"exercises/solutions/{source_name}" if source_name else "exercises/solutions"
    pmkit_meta["generated_by"] = "tools/make_exercises.py (edit the solutions notebook, not this one)"
    nb.metadata["pmkit"] = pmkit_meta
    if nb.get("nbformat_minor", 0) < 5:
        nb["nbformat_minor"] = 5
    return nb, report


def render(solution_path: Path) -> tuple[str, Report]:
    """Return the exact text of the learner notebook for ``solution_path``."""
    solution_nb = nbformat.read(solution_path, as_version=4)
    learner_nb, report = make_learner_notebook(solution_nb, solution_path.name)
    text = nbformat.writes(learner_nb)
    if not text.endswith("\n"):
        text += "\n"
    return text, report


def solution_notebooks(root: Path) -> list[Path]:
    return sorted((root / "exercises" / "solutions").glob("*.ipynb"))


def learner_path(root: Path, solution_path: Path) -> Path:
    return root / "exercises" / solution_path.name


def generate(root: Path = REPO_ROOT) -> list[Path]:
    """Write every learner notebook. Returns the files that were written."""
    written = []
    for src in solution_notebooks(root):
        text, report = render(src)
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        dest = learner_path(root, src)
        if not dest.exists() or dest.read_bytes() != text.encode("utf-8"):
            with open(dest, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            written.append(dest)
    return written


def check(root: Path = REPO_ROOT) -> list[str]:
    """Return one line per learner notebook that differs from what would be generated.

    Covers learner notebooks that are out of date or missing, and learner notebooks that have no
    solutions notebook (so they could never be regenerated).
    """
    problems = []
    sources = solution_notebooks(root)
    for src in sources:
        dest = learner_path(root, src)
        rel = dest.relative_to(root).as_posix()
        if not dest.exists():
            problems.append(f"{rel}: missing (generate it from exercises/solutions/{src.name})")
            continue
        text, _ = render(src)
        if dest.read_bytes() != text.encode("utf-8"):
            problems.append(f"{rel}: differs from what exercises/solutions/{src.name} generates")
    names = {src.name for src in sources}
    for dest in sorted((root / "exercises").glob("*.ipynb")):
        if dest.name not in names:
            problems.append(
                f"{dest.relative_to(root).as_posix()}: has no solutions notebook "
                f"(author it as exercises/solutions/{dest.name})"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report learner notebooks that drifted; exit 1 if any")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not solution_notebooks(root):
        print(f"No solutions notebooks found in {root / 'exercises' / 'solutions'}.", file=sys.stderr)
        return 1
    if args.check:
        problems = check(root)
        if problems:
            print("These learner notebooks are out of sync with their solutions:")
            for line in problems:
                print(f"  {line}")
            print("Run `python tools/make_exercises.py` to regenerate them (never edit them by hand).")
            return 1
        print(f"All {len(solution_notebooks(root))} learner notebook(s) match their solutions.")
        return 0
    written = generate(root)
    for path in written:
        print(f"wrote {path.relative_to(root).as_posix()}")
    if not written:
        print("All learner notebooks were already up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
