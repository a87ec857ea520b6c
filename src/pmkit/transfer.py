"""Module 01 (What transfers from engineering): spec reviews and systems thinking.

Everything here is a plain function or a small frozen record: nothing draws, prints or touches
widgets. The widget models in :mod:`pmkit.widgets.spec_review` and :mod:`pmkit.widgets.systems`
and the notebooks call these.

Data (all in ``datasets/``, documented in ``datasets/README.md``):

* ``spec_<name>.md``: a short product spec whose sentences are numbered ``**S1.**``, ``**S2.**``...
  (:func:`load_spec`).
* ``spec_gaps.csv``: the answer key, one row per planted gap (:func:`load_gaps`).
* ``spec_notes.csv``: for each sentence with no gap, why it is sound (:func:`load_spec_notes`),
  so a false alarm gets a reason, not just a "no".
* ``system_nodes.csv`` and ``system_model.csv``: the Rotawise causal model, as nodes and signed,
  delayed edges (:func:`load_system_model`).

Loaders report every problem in a file at once, as :class:`pmkit.data.DataError` with the line,
the column and what was expected. Checkers (:func:`check_spec_review`, :func:`check_trace`,
:func:`check_problem_rewrite`) return a :class:`pmkit.feedback.Feedback` and never raise:
``...``, ``None``, empty answers, odd types and unknown names all get a friendly sentence.

Sources for the ideas (cited in the Module 01 notebook): causal loop diagrams with signed links
(John Sterman, *Business Dynamics*, 2000; Donella Meadows, *Thinking in Systems*, 2008); problem
statements and "How might we" questions (Gothelf and Seiden, *Lean UX*; IDEO's Design Kit).
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .data import DataError, Problem
from .feedback import JARGON, Feedback
from .work import is_unanswered

__all__ = [
    "MODULE",
    "CATEGORIES",
    "CATEGORY_HELP",
    "SPECS",
    "MISSING",
    "MAX_KINDS",
    "FLAG_ALL_SHARE",
    "MAX_EDGE_LINES",
    "EFFECTS",
    "DELAYS",
    "NODE_KINDS",
    "METRIC_ROLES",
    "Sentence",
    "Spec",
    "SystemModel",
    "load_spec",
    "load_gaps",
    "load_spec_notes",
    "load_system_nodes",
    "load_system_model",
    "normalise_category",
    "parse_marks",
    "found_gaps",
    "check_spec_review",
    "downstream",
    "net_effects",
    "key_edges",
    "parse_edges",
    "edge_pairs",
    "check_trace",
    "check_problem_rewrite",
]

#: The saved-work module id for Module 01 (``pmkit.work.keep_answer(MODULE, ...)``).
MODULE = "01-what-transfers"

#: The kinds of gap a spec review looks for, in the order the widgets offer them.
CATEGORIES = ("assumption", "edge case", "success metric", "solutioning", "scope")
CATEGORY_HELP = {
    "assumption": "something stated as fact that nobody has checked, or that the plan silently relies on",
    "edge case": "a situation the spec does not say how to handle",
    "success metric": "no way, or no measurable way, to tell whether the release worked",
    "solutioning": "the spec decides how to build it, which is the team's call",
    "scope": "work that the problem did not ask for has crept in",
}
#: The key to use for something the spec leaves out entirely (no sentence holds it).
MISSING = "missing"

#: The specs that ship with the course: name -> file in datasets/.
SPECS = {
    "swap_autoapprove": "spec_swap_autoapprove.md",
    "payroll_overtime": "spec_payroll_overtime.md",
}

EFFECTS = ("+", "-")
DELAYS = ("immediate", "weeks", "months")
NODE_KINDS = ("change", "effect", "metric")
METRIC_ROLES = ("north star", "leading", "guardrail", "tracked")

GAP_COLUMNS = ("spec", "gap_id", "sentence_id", "category", "hint", "what_is_missing", "why_it_matters",
               "better_version")
NOTE_COLUMNS = ("spec", "sentence_id", "why_no_gap")
NODE_COLUMNS = ("node", "kind", "backlog_id", "metric_role", "description")
EDGE_COLUMNS = ("from_node", "to_node", "effect", "delay", "explanation")

_MINUS = {"\u2212": "-", "\u2013": "-", "\u2014": "-"}


# =============================================================================================
# Small helpers
# =============================================================================================
def _clean(value: Any) -> str:
    """A cell or an answer as stripped text ('' for blanks)."""
    if value is None or value is Ellipsis:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _squash(text: str) -> str:
    """Lower case, one space between words, hyphens and underscores read as spaces."""
    text = text.lower().replace("\u2011", "-")
    text = re.sub(r"[-_/]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _type_name(value: Any) -> str:
    names = {"str": "text", "int": "a whole number", "float": "a number", "list": "a list", "tuple": "a tuple",
             "dict": "a dict", "set": "a set", "bool": "True/False", "bytes": "bytes"}
    name = type(value).__name__
    return names.get(name, f"a {name}")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _join(items: list[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


# =============================================================================================
# Reading files
# =============================================================================================
def _resolve(path: str | Path | None, default_name: str) -> Path:
    if path is None:
        return paths.dataset_path(default_name)
    p = Path(path).expanduser()
    if p.is_dir():
        raise IsADirectoryError(f"{p} is a folder, not a file. Give the path of the file inside it.")
    if not p.exists():
        raise FileNotFoundError(f"There is no file at {p}. Check the file name and the folder.")
    return p


def _read_text(p: Path) -> str:
    """The file as text. Never writes it. A file that is not UTF-8 text is a DataError."""
    data = p.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise DataError([Problem(None, None, None, "this is not a text file (it contains zero bytes). "
                                 "Save it as UTF-8 text.")], p.name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError([Problem(line, None, None, "this line is not UTF-8 text. Save the file as UTF-8.")],
                        p.name) from None


@dataclass
class _Table:
    """A CSV file as rows of text cells, keyed by the canonical column names."""

    label: str
    header_line: int
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]


def _read_table(path: str | Path | None, default_name: str, columns: tuple[str, ...],
                optional: tuple[str, ...] = ()) -> _Table:
    """Read a CSV file with the required ``columns``; problems with the header or the shape of a
    row are collected (not raised) so the caller can add its cell problems and report all at once.
    A file that cannot be read as a table at all raises DataError at once."""
    import csv
    import io

    p = _resolve(path, default_name)
    text = _read_text(p)
    label = p.name
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if record and any(cell.strip() for cell in record):
                records.append((start, record))
    except csv.Error:
        raise DataError([Problem(previous + 1, None, None, 'a double quote (") opens a cell here that is never '
                                 'closed, or text follows a closing quote. Check the quotes on this line.')],
                        label) from None
    if not records:
        raise DataError([Problem(None, None, None, "the file is empty. Expected a header row ("
                                 + ",".join(columns) + ") and one row per entry.")], label)
    header_line, header = records[0]
    names = [_squash(h.replace("\ufeff", "")).replace(" ", "_") for h in header]
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in columns or name in optional:
            if name in index:
                problems.append(Problem(header_line, header[position], None,
                                        f"the column '{name}' appears twice. Keep one of them."))
            index.setdefault(name, position)
    for name in columns:
        if name not in index:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
            hint = f" Is '{header[names.index(close[0])]}' meant to be '{name}'?" if close else ""
            problems.append(Problem(header_line, name, None,
                                    f"the column is missing.{hint} Expected the columns {', '.join(columns)}."))
    if len(records) == 1:
        problems.append(Problem(header_line, None, None, "the file has a header row but no rows below it."))
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in records[1:]:
        if len(record) != len(header):
            problems.append(Problem(line, None, None,
                                    f"this row has {len(record)} cells but the header has {len(header)}. "
                                    "A comma inside a cell needs double quotes around the cell."))
            continue
        rows.append((line, {name: record[pos].strip() for name, pos in index.items()}))
    return _Table(label, header_line, rows, problems)


def _suggest(value: str, options: Iterable[str]) -> str:
    options = list(options)
    by_squash = {_squash(o): o for o in options}
    wanted = _squash(value)
    close = difflib.get_close_matches(wanted, list(by_squash), n=1, cutoff=0.6)
    if not close and len(wanted) >= 4:      # "templates" -> "schedule templates across locations"
        close = [o for o in by_squash if wanted in o][:1]
    return f" Did you mean '{by_squash[close[0]]}'?" if close else ""


# =============================================================================================
# Specs
# =============================================================================================
@dataclass(frozen=True)
class Sentence:
    """One numbered sentence (or short paragraph) of a spec."""

    id: str        # "S4"
    number: int    # 4
    text: str
    section: str   # the "## " heading above it ("" if none)
    line: int      # where it starts in the file


@dataclass(frozen=True)
class Spec:
    """A product spec as numbered sentences, with its title and the unnumbered lines above them."""

    name: str
    title: str
    preamble: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    source: str = ""

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sentences]

    def sentence(self, sentence_id: str) -> Sentence:
        for s in self.sentences:
            if s.id == sentence_id:
                return s
        raise KeyError(f"{self.name} has no sentence {sentence_id!r}; it runs from S1 to S{len(self.sentences)}.")

    def sections(self) -> list[tuple[str, list[Sentence]]]:
        """The sentences grouped under their headings, in order."""
        out: list[tuple[str, list[Sentence]]] = []
        for s in self.sentences:
            if not out or out[-1][0] != s.section:
                out.append((s.section, []))
            out[-1][1].append(s)
        return out

    def as_markdown(self) -> str:
        lines = [f"**{self.title}**", ""]
        for section, sentences in self.sections():
            if section:
                lines += [f"*{section}*", ""]
            lines += [f"- **{s.id}.** {s.text}" for s in sentences] + [""]
        return "\n".join(lines).strip()


_SENTENCE = re.compile(r"^\*\*S(\d+)\.\*\*\s*(.*)$")
_LOOKS_NUMBERED = re.compile(r"^(?:\*\*\s*)?S\s*\d+\b", re.IGNORECASE)


def _spec_path(name: str | Path, base: Path | None = None) -> Path:
    """Find a spec file from a course name ("swap_autoapprove"), a file name or a path."""
    if isinstance(name, Path) or str(name).endswith(".md") or "/" in str(name) or "\\" in str(name):
        candidate = Path(name).expanduser()
        if candidate.is_file():
            return candidate
        if len(candidate.parts) == 1:           # a bare file name: look next to the key, then in datasets/
            for folder in ([base] if base is not None else []) + [paths.DATASETS_DIR]:
                if (folder / candidate.name).is_file():
                    return folder / candidate.name
        return _resolve(candidate, "")
    text = str(name).strip()
    key = re.sub(r"[\s\-]+", "_", text.lower())
    key = key[len("spec_"):] if key.startswith("spec_") else key
    file_names = [SPECS[key]] if key in SPECS else []
    file_names += [f"spec_{text}.md", f"spec_{key}.md"]
    for folder in ([base] if base is not None else []) + [paths.DATASETS_DIR]:
        for file_name in file_names:
            if (folder / file_name).is_file():
                return folder / file_name
    known = ", ".join(f"'{k}'" for k in SPECS)
    starts = [k for k in SPECS if key and k.startswith(key)]
    close = starts or difflib.get_close_matches(key, list(SPECS), n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise FileNotFoundError(f"There is no spec called {text!r}.{hint} The course's specs are {known}; "
                            "you can also give the path of a spec_<name>.md file.")


def _spec_name(p: Path) -> str:
    stem = p.stem
    return stem[len("spec_"):] if stem.startswith("spec_") else stem


def load_spec(name: str | Path = "swap_autoapprove", base: Path | None = None) -> Spec:
    """Load a spec written as numbered sentences.

    ``name`` is one of :data:`SPECS` (``"swap_autoapprove"``, ``"payroll_overtime"``), a file
    name such as ``"spec_payroll_overtime.md"`` or a path. The file needs a ``# Title`` line and
    sentences that each start a paragraph with ``**S1.**``, ``**S2.**``... numbered from 1
    without gaps. Lines under a sentence (until a blank line) continue it. Raises
    :class:`~pmkit.data.DataError` listing every problem, with its line.
    """
    p = _spec_path(name, base)
    text = _read_text(p)
    label = p.name
    problems: list[Problem] = []
    title = ""
    preamble: list[str] = []
    section = ""
    found: list[list[Any]] = []  # [number, text, section, line]
    current: list[Any] | None = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("# ") and not title:
            title = line[2:].strip()
            current = None
            continue
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            current = None
            continue
        match = _SENTENCE.match(line)
        if match:
            number, body = int(match.group(1)), match.group(2).strip()
            if not body:
                problems.append(Problem(line_no, None, line, f"sentence S{number} has no text. Expected "
                                        f"**S{number}.** followed by the sentence on the same line."))
            current = [number, body, section, line_no]
            found.append(current)
            continue
        if _LOOKS_NUMBERED.match(line):
            problems.append(Problem(line_no, None, _short(line, 30),
                                    "this looks like a numbered sentence but is not written as **S4.** "
                                    "(two stars, S, the number, a full stop, two stars) followed by the text."))
            current = None
            continue
        if current is not None:
            current[1] = (current[1] + " " + line).strip()
        else:
            preamble.append(line)
    if not title:
        problems.append(Problem(1, None, None, "the spec has no title. Expected a first line like '# Spec: ...'."))
    if not found:
        problems.append(Problem(None, None, None, "the spec has no numbered sentences. Start each one with "
                                "**S1.**, **S2.** and so on, each in its own paragraph."))
    seen: dict[int, int] = {}
    for expected, (number, _body, _section, line_no) in enumerate(found, start=1):
        if number in seen:
            problems.append(Problem(line_no, None, f"S{number}", f"S{number} is used twice (first on line "
                                    f"{seen[number]}). Number the sentences S1, S2, S3... once each."))
        elif number != expected:
            problems.append(Problem(line_no, None, f"S{number}", f"expected S{expected} here, found S{number}. "
                                    "Number the sentences in order from S1, with no gaps."))
        seen.setdefault(number, line_no)
    if problems:
        raise DataError(problems, label)
    sentences = tuple(Sentence(f"S{n}", n, body, sec, ln) for n, body, sec, ln in found)
    return Spec(_spec_name(p), title, tuple(preamble), sentences, str(p))


def _specs_for(names: Iterable[str], base: Path, given: Mapping[str, Spec] | None) -> dict[str, Spec | Exception]:
    out: dict[str, Spec | Exception] = {}
    for name in names:
        if given is not None and name in given:
            out[name] = given[name]
            continue
        try:
            out[name] = load_spec(name, base=base)
        except (OSError, DataError) as err:
            out[name] = err
    return out


_GAP_ID = re.compile(r"^[A-Z]{1,4}[0-9]{1,3}$")
_SENTENCE_ID = re.compile(r"^S[1-9][0-9]*$")


def normalise_category(value: Any) -> str | None:
    """The canonical kind of gap for what a learner (or a file) wrote, or None if it is not one.

    "Edge-case", "edge cases", "Scope creep", "metric", "assumptions" and "solution" all work.
    """
    text = _squash(_clean(value))
    if not text:
        return None
    synonyms = {
        "assumption": "assumption", "assumptions": "assumption", "assume": "assumption",
        "unchecked assumption": "assumption", "hidden assumption": "assumption",
        "edge case": "edge case", "edge cases": "edge case", "edgecase": "edge case", "edgecases": "edge case",
        "corner case": "edge case", "edge": "edge case",
        "success metric": "success metric", "success metrics": "success metric", "metric": "success metric",
        "metrics": "success metric", "success": "success metric", "no metric": "success metric",
        "no success metric": "success metric", "measure": "success metric", "kpi": "success metric",
        "solutioning": "solutioning", "solution": "solutioning", "solutioneering": "solutioning",
        "the how": "solutioning", "how": "solutioning", "deciding the how": "solutioning",
        "solution first": "solutioning", "implementation": "solutioning",
        "scope": "scope", "scope creep": "scope", "creep": "scope", "out of scope": "scope",
    }
    return synonyms.get(text)


def load_gaps(path: str | Path | None = None, specs: Mapping[str, Spec] | None = None) -> pd.DataFrame:
    """Load the spec-review answer key (default ``datasets/spec_gaps.csv``).

    One row per planted gap: ``spec`` (a spec name), ``gap_id`` (unique, like ``SW3``),
    ``sentence_id`` (``S1``... or blank when the spec leaves the thing out entirely),
    ``category`` (one of :data:`CATEGORIES`), ``hint``, ``what_is_missing``, ``why_it_matters``
    and ``better_version``. Every spec named must exist (``spec_<name>.md`` next to the file or in
    ``datasets/``) and hold the sentence. Raises DataError listing every problem.
    """
    table = _read_table(path, "spec_gaps.csv", GAP_COLUMNS)
    base = _resolve(path, "spec_gaps.csv").parent
    problems = list(table.problems)
    loaded = _specs_for(sorted({r["spec"] for _, r in table.rows if r.get("spec")}), base, specs)
    ids: dict[str, int] = {}
    places: dict[tuple[str, str], int] = {}
    out = []
    for line, row in table.rows:
        bad = len(problems)
        spec_name = row.get("spec", "")
        spec = loaded.get(spec_name)
        if not spec_name:
            problems.append(Problem(line, "spec", None, "the cell is blank. Expected a spec name such as "
                                    "'swap_autoapprove'."))
        elif isinstance(spec, Exception):
            reason = str(spec).splitlines()[0]
            problems.append(Problem(line, "spec", spec_name, f"'{spec_name}' cannot be used: {reason}"))
        gap_id = row.get("gap_id", "")
        if not _GAP_ID.match(gap_id):
            problems.append(Problem(line, "gap_id", gap_id or None, f"'{gap_id}' is not a gap id. Expected one to four "
                                    "capital letters and a number, like SW3."))
        elif gap_id in ids:
            problems.append(Problem(line, "gap_id", gap_id, f"'{gap_id}' is used twice (first on line {ids[gap_id]}). "
                                    "Every gap needs its own id."))
        else:
            ids[gap_id] = line
        sentence_id = row.get("sentence_id", "").upper()
        if sentence_id and not _SENTENCE_ID.match(sentence_id):
            problems.append(Problem(line, "sentence_id", sentence_id, f"'{sentence_id}' is not a sentence id. "
                                    "Expected S1, S2..., or a blank cell for something the spec leaves out."))
        elif sentence_id and isinstance(spec, Spec) and sentence_id not in spec.ids:
            problems.append(Problem(line, "sentence_id", sentence_id, f"spec '{spec_name}' has no sentence "
                                    f"{sentence_id}; it runs from S1 to S{len(spec.ids)}."))
        elif sentence_id and spec_name:
            key = (spec_name, sentence_id)
            if key in places:
                problems.append(Problem(line, "sentence_id", sentence_id, f"{sentence_id} already holds a gap "
                                        f"(line {places[key]}). Keep one gap per sentence."))
            places.setdefault(key, line)
        category_raw = row.get("category", "")
        category = category_raw.lower() if category_raw.lower() in CATEGORIES else None
        if category is None:
            problems.append(Problem(line, "category", category_raw or None,
                                    f"'{category_raw}' is not a kind of gap. Expected one of {', '.join(CATEGORIES)}."
                                    + _suggest(category_raw, CATEGORIES) if category_raw else
                                    f"the cell is blank. Expected one of {', '.join(CATEGORIES)}."))
        for column in ("hint", "what_is_missing", "why_it_matters", "better_version"):
            if not row.get(column):
                problems.append(Problem(line, column, None, "the cell is blank. Expected a sentence or two."))
        if len(problems) == bad:
            out.append({**{c: row.get(c, "") for c in GAP_COLUMNS}, "sentence_id": sentence_id,
                        "category": category, "line": line})
    if problems:
        raise DataError(problems, table.label)
    frame = pd.DataFrame(out, columns=list(GAP_COLUMNS) + ["line"])
    frame.attrs["source"] = str(_resolve(path, "spec_gaps.csv"))
    return frame


def load_spec_notes(path: str | Path | None = None, specs: Mapping[str, Spec] | None = None) -> pd.DataFrame:
    """Load why each sound sentence is sound (default ``datasets/spec_notes.csv``).

    Columns ``spec``, ``sentence_id`` and ``why_no_gap``; one row per sentence at most. A learner
    who marks a sound sentence as a gap reads this note. Raises DataError listing every problem.
    """
    table = _read_table(path, "spec_notes.csv", NOTE_COLUMNS)
    base = _resolve(path, "spec_notes.csv").parent
    problems = list(table.problems)
    loaded = _specs_for(sorted({r["spec"] for _, r in table.rows if r.get("spec")}), base, specs)
    seen: dict[tuple[str, str], int] = {}
    out = []
    for line, row in table.rows:
        bad = len(problems)
        spec_name, sentence_id = row.get("spec", ""), row.get("sentence_id", "").upper()
        spec = loaded.get(spec_name)
        if not spec_name:
            problems.append(Problem(line, "spec", None, "the cell is blank. Expected a spec name."))
        elif isinstance(spec, Exception):
            problems.append(Problem(line, "spec", spec_name, f"'{spec_name}' cannot be used: "
                                    + str(spec).splitlines()[0]))
        if not _SENTENCE_ID.match(sentence_id):
            problems.append(Problem(line, "sentence_id", sentence_id or None, "expected a sentence id such as S3."))
        elif isinstance(spec, Spec) and sentence_id not in spec.ids:
            problems.append(Problem(line, "sentence_id", sentence_id, f"spec '{spec_name}' has no sentence "
                                    f"{sentence_id}; it runs from S1 to S{len(spec.ids)}."))
        elif (spec_name, sentence_id) in seen:
            problems.append(Problem(line, "sentence_id", sentence_id, f"{sentence_id} already has a note "
                                    f"(line {seen[(spec_name, sentence_id)]}). Keep one note per sentence."))
        else:
            seen[(spec_name, sentence_id)] = line
        if not row.get("why_no_gap"):
            problems.append(Problem(line, "why_no_gap", None, "the cell is blank. Expected a sentence that says "
                                    "why this sentence is sound."))
        if len(problems) == bad:
            out.append({"spec": spec_name, "sentence_id": sentence_id, "why_no_gap": row["why_no_gap"],
                        "line": line})
    if problems:
        raise DataError(problems, table.label)
    return pd.DataFrame(out, columns=list(NOTE_COLUMNS) + ["line"])


@dataclass(frozen=True)
class _Review:
    spec: Spec
    gaps: pd.DataFrame   # this spec's rows of spec_gaps.csv
    notes: dict[str, str]


def _review(spec: str | Spec, gaps: pd.DataFrame | None = None, notes: pd.DataFrame | None = None) -> _Review:
    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    given = {loaded.name: loaded}
    if gaps is None:
        gaps = load_gaps(specs=given)
    if notes is None:
        notes = load_spec_notes(specs=given)
    mine = gaps[gaps["spec"] == loaded.name].reset_index(drop=True)
    if mine.empty:
        raise DataError([Problem(None, "spec", loaded.name, f"the answer key has no gaps for the spec "
                                 f"'{loaded.name}'. Add its rows to spec_gaps.csv.")], "spec_gaps.csv")
    mine_notes = notes[notes["spec"] == loaded.name]
    return _Review(loaded, mine, dict(zip(mine_notes["sentence_id"], mine_notes["why_no_gap"])))


# =============================================================================================
# Checking a spec review
# =============================================================================================
_MISSING_WORDS = {"missing", "omission", "omissions", "omitted", "whole spec", "the whole spec", "whole",
                  "spec", "overall", "not in any sentence", "nowhere", "left out", "absent", "none"}
_NO_GAP = {"", "no gap", "none", "ok", "fine", "sound", "no", "n/a", "na", "-", "no issue", "nothing"}


def _sentence_key(value: Any, spec: Spec) -> str | None:
    """'S4', 's 4', '4', 4, 'S04', 'S4.' or '**S4.**' (as the spec shows it) -> 'S4'; the
    missing-key words -> MISSING; anything else (including None and blank text) -> None."""
    if value is None or value is Ellipsis or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return f"S{int(value)}"
    if isinstance(value, float) and value.is_integer():
        return f"S{int(value)}"
    text = _clean(value)
    if not text:
        return None
    if _squash(text) in _MISSING_WORDS:
        return MISSING
    text = text.strip("*_()[]{}.:;,'\" ")
    match = re.fullmatch(r"(?:s|sentence)?\s*[-#]?\s*0*(\d+)", text, flags=re.IGNORECASE)
    if match:
        return f"S{int(match.group(1))}"
    return None


@dataclass
class _Marks:
    """A learner's marks, read: sentence key -> categories (empty list: marked, kind not given)."""

    marks: dict[str, list[str]]
    notes: list[str]
    unknown: list[str]


def _read_value(value: Any, gap_ids: dict[str, str], notes: list[str]) -> tuple[bool, list[str]]:
    """(marked?, categories) for one mark's value. Gap ids count as their gap's category."""
    items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    marked = False
    categories: list[str] = []
    for item in items:
        if item is Ellipsis or item is None or item is False:
            continue
        if item is True:
            marked = True
            continue
        text = _clean(item)
        if _squash(text) in _NO_GAP:
            continue
        if text.upper() in gap_ids:
            marked = True
            categories.append(gap_ids[text.upper()])
            continue
        category = normalise_category(text)
        if category is None:
            close = difflib.get_close_matches(_squash(text), list(CATEGORIES), n=1, cutoff=0.7)
            if close:
                category = close[0]
                notes.append(f"read {text!r} as '{category}'")
        if category is None:
            marked = True
            notes.append(f"{text!r} is not a kind of gap; the kinds are {', '.join(CATEGORIES)}")
            continue
        marked = True
        if category not in categories:
            categories.append(category)
    return marked, categories


_PAIR = re.compile(r"^\s*(?P<key>[^:=\-–>]+?)\s*(?:[:=]|->|–|—|-\s)\s*(?P<value>.+?)\s*$")


def parse_marks(marked: Any, spec: str | Spec = "swap_autoapprove", gaps: pd.DataFrame | None = None) -> _Marks:
    """Read a learner's marks in any of the forms the checker accepts (see :func:`check_spec_review`).

    Raises ``TypeError`` for a form it cannot read at all (the checker turns that into a message).
    """
    review = spec if isinstance(spec, _Review) else _review(spec, gaps)
    gap_ids = {str(g).upper(): c for g, c in zip(review.gaps["gap_id"], review.gaps["category"])}
    gap_places = {str(g).upper(): (s or MISSING) for g, s in zip(review.gaps["gap_id"], review.gaps["sentence_id"])}
    marks: dict[str, list[str]] = {}
    notes: list[str] = []
    unknown: list[str] = []

    def add(key: str, categories: list[str]) -> None:
        current = marks.setdefault(key, [])
        current.extend(c for c in categories if c not in current)

    def from_pair(raw_key: Any, value: Any) -> None:
        key = _sentence_key(raw_key, review.spec)
        if key is None and _clean(raw_key).upper() in gap_ids:       # {"SW3": "edge case"}
            key = gap_places[_clean(raw_key).upper()]
        if key is None:
            unknown.append(_clean(raw_key) or ("a blank key" if raw_key is not None else "None"))
            return
        marked, categories = _read_value(value, gap_ids, notes)
        if marked:
            add(key, categories)

    def from_item(item: Any) -> None:
        if item is Ellipsis or item is None:
            return
        if isinstance(item, (tuple, list)) and len(item) == 2:
            from_pair(item[0], item[1])
            return
        if isinstance(item, Mapping):
            for k, v in item.items():
                from_pair(k, v)
            return
        text = _clean(item)
        if not text:
            return
        if text.upper() in gap_ids:                                     # a gap id on its own
            add(gap_places[text.upper()], [gap_ids[text.upper()]])
            return
        key = _sentence_key(item, review.spec) if not isinstance(item, str) or not re.search(r"\s\S", text) else None
        if key is not None and key != MISSING or (isinstance(item, str) and _squash(text) in _MISSING_WORDS):
            add(key or MISSING, [])                                     # a place with no kind
            return
        match = _PAIR.match(text) or re.match(r"^\s*(?P<key>\**\s*S?\s*\d+\.?\s*\**)\s+(?P<value>.+)$", text,
                                              re.IGNORECASE)
        if match:
            from_pair(match.group("key"), match.group("value"))
            return
        unknown.append(text)

    if isinstance(marked, Mapping):
        for k, v in marked.items():
            from_pair(k, v)
    elif isinstance(marked, str):
        for part in re.split(r"[\n;,]+", marked):
            from_item(part)
    elif isinstance(marked, (list, tuple)) and len(marked) == 2 and _is_one_pair(marked, review.spec):
        from_pair(marked[0], marked[1])                                 # ("S4", "assumption") on its own
    elif isinstance(marked, (list, tuple, set, frozenset)):
        for item in marked:
            from_item(item)
    elif isinstance(marked, pd.Series):
        for k, v in marked.items():
            from_pair(k, v)
    else:
        raise TypeError(_type_name(marked))
    return _Marks(marks, notes, unknown)


def _is_one_pair(marked: Any, spec: Spec) -> bool:
    """True for ("S4", "assumption") or ["S4", ["scope", "edge case"]]: one sentence and its kind."""
    place, kind = marked
    if _sentence_key(place, spec) is None or _sentence_key(kind, spec) is not None:
        return False
    kinds = kind if isinstance(kind, (list, tuple, set, frozenset)) else [kind]
    return any(normalise_category(k) is not None for k in kinds)


#: A sentence marked with more kinds than this is a guess, not a review comment: no credit.
MAX_KINDS = 2
#: Marking at least this share of a spec's sentences is "flag everything": the review is not scored.
FLAG_ALL_SHARE = 0.9


@dataclass
class _Verdict:
    """How a learner's marks compare with the answer key (the one rule the checker, found_gaps and
    the widget share)."""

    found: list[str]          # gap ids credited: right place, and the right kind or no kind named
    wrong_kind: list[str]     # right place, only other kinds named
    hedged: list[str]         # right place, but more than MAX_KINDS kinds named
    false_alarms: list[str]   # sentence ids with no gap, or "missing:<kind>"
    n_marked: int             # sentences marked (not counting "missing")
    flagged_all: bool         # (nearly) every sentence marked: nothing is credited


def _flag_all_limit(spec: Spec) -> int:
    return max(2, math.ceil(FLAG_ALL_SHARE * len(spec.ids)))


def _verdict(read: _Marks, review: _Review) -> _Verdict:
    spec = review.spec
    marked = [sid for sid in spec.ids if sid in read.marks]
    flagged_all = len(marked) >= _flag_all_limit(spec)
    by_sentence = {g.sentence_id: g for g in review.gaps.itertuples() if g.sentence_id}
    omissions = [g for g in review.gaps.itertuples() if not g.sentence_id]
    found, wrong_kind, hedged, false_alarms = [], [], [], []
    for sid in marked:
        kinds = read.marks[sid]
        gap = by_sentence.get(sid)
        if gap is None:
            false_alarms.append(sid)
        elif len(kinds) > MAX_KINDS:
            hedged.append(gap.gap_id)
        elif not kinds or gap.category in kinds:
            found.append(gap.gap_id)
        else:
            wrong_kind.append(gap.gap_id)
    missing_kinds = read.marks.get(MISSING)
    if missing_kinds is not None:
        if len(missing_kinds) > MAX_KINDS:
            hedged += [g.gap_id for g in omissions]
        else:
            matched = [g for g in omissions if not missing_kinds or g.category in missing_kinds]
            found += [g.gap_id for g in matched]
            anchored = {g.category for g in by_sentence.values()}
            for kind in missing_kinds:
                if not any(g.category == kind for g in omissions) and kind not in anchored:
                    false_alarms.append(f"{MISSING}:{kind}")
            if not missing_kinds and not matched:
                false_alarms.append(MISSING)
    order = list(review.gaps["gap_id"])
    found.sort(key=order.index)
    if flagged_all:
        found = []
    return _Verdict(found, wrong_kind, hedged, false_alarms, len(marked), flagged_all)


def found_gaps(marked: Any, spec: str | Spec = "swap_autoapprove") -> list[str]:
    """The gap ids a learner's review finds, by the same rule as :func:`check_spec_review`: a gap
    counts when its sentence is marked with the right kind (or with no kind), or, for a gap the
    spec leaves out entirely, when ``"missing"`` names its kind (or no kind). A sentence marked
    with more than :data:`MAX_KINDS` kinds is a guess and does not count, and a review that marks
    (nearly) every sentence finds nothing.

    This is what the exercises save as ``spec_gaps``. Never raises; [] for an unusable answer.
    """
    try:
        review = _review(spec)
        read = parse_marks(marked, review)
        return _verdict(read, review).found
    except Exception:  # noqa: BLE001 - used on learners' answers: never crash
        return []


_EXAMPLE_MARKS = '{"S2": "scope", "S7": "edge case"}'


def check_spec_review(marked: Any, spec: str | Spec = "swap_autoapprove", reveal: bool = False,
                      gaps: pd.DataFrame | None = None, notes: pd.DataFrame | None = None) -> Feedback:
    """Feedback on a learner's review of a spec: gaps found, gaps missed, false alarms.

    ``marked`` maps sentence ids to the kind of gap the learner sees there, for example
    ``{"S4": "assumption", "S9": "edge case"}``. Use the key ``"missing"`` for something the spec
    leaves out entirely, with one kind or a list of kinds. Also accepted: a list of gap ids
    (``["SW1", "SW3"]``), a list of sentence ids (places only), pairs, or text such as
    ``"S4: assumption; S9: edge case"``. Kinds are :data:`CATEGORIES`; ``"no gap"`` or ``None``
    leaves a sentence unmarked.

    Missed gaps get a hint first. With ``reveal=True`` every gap is shown with what is missing,
    why it matters and a better version. Guessing earns nothing: a sentence marked with more than
    :data:`MAX_KINDS` kinds is not a find, and a review that marks at least
    :data:`FLAG_ALL_SHARE` of the sentences is not scored at all. Never raises.
    """
    title = "Spec review"
    try:
        review = _review(spec, gaps, notes)
        title = "Spec review: " + re.sub(r"^Spec:\s*", "", review.spec.title)
    except Exception as err:  # noqa: BLE001
        return Feedback(title, answered=False, summary=f"The spec could not be loaded, so your review cannot be "
                        f"checked: {str(err).splitlines()[0]}")
    try:
        return _check_spec_review(marked, review, reveal, title)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(title, answered=False, summary=f"Your review could not be checked ({type(err).__name__}: "
                        f"{err}). Write it as a dict like {_EXAMPLE_MARKS}.")


def _check_spec_review(marked: Any, review: _Review, reveal: bool, title: str) -> Feedback:
    spec = review.spec
    if is_unanswered(marked) or (isinstance(marked, Mapping) and all(is_unanswered(v) for v in marked.values())):
        return Feedback(title, answered=False, summary=(
            "You have not marked any sentence yet. Give each sentence with a gap the kind of gap you see, "
            f"in a dict like {_EXAMPLE_MARKS} (the key \"missing\" is for something the spec leaves out "
            f"entirely). The kinds are {', '.join(CATEGORIES)}."))
    try:
        read = parse_marks(marked, review)
    except TypeError:
        return Feedback(title, answered=False, summary=(
            f"Your review should be a dict from sentence ids to kinds of gap, like {_EXAMPLE_MARKS}. "
            f"You gave {_type_name(marked)}."))
    if not read.marks:
        said = f" These could not be read: {', '.join(repr(u) for u in read.unknown[:4])}." if read.unknown else ""
        return Feedback(title, answered=False, summary=(
            f"No marked sentences were found in your answer.{said} Use sentence ids from S1 to "
            f"S{len(spec.ids)} (or \"missing\" for something the spec leaves out), like {_EXAMPLE_MARKS}."))

    verdict = _verdict(read, review)
    result = Feedback(title)
    if read.notes:
        result.add("How your answer was read", None, "; ".join(read.notes) + ".")
    outside = [k for k in read.marks if k != MISSING and k not in spec.ids]
    if read.unknown or outside:
        shown = [repr(u) for u in read.unknown[:4]] + outside[:4]
        more = len(read.unknown) + len(outside) - len(shown)
        listed = ", ".join(shown) + f" and {more} more" if more > 0 else _join(shown)
        result.add("Not understood", None, f"{listed}: use "
                   f"sentence ids S1 to S{len(spec.ids)}, or \"missing\" for something no sentence holds.")

    total = len(review.gaps)
    if verdict.flagged_all:
        result.add("Marks only the sentences with a gap", False,
                   f"you marked {verdict.n_marked} of the {len(spec.ids)} sentences. A review that flags (almost) "
                   "everything finds every gap by accident and tells the author nothing about where the real "
                   "problems are. Keep only the sentences where you can say what is missing, and leave the sound "
                   "ones at \"no gap\".")
        if reveal:
            for gap in review.gaps.itertuples():
                result.add(f"{_place(gap, spec)} (the answer)", None,
                           f"{_phrase(gap.category)}. {gap.what_is_missing} Why it matters: {gap.why_it_matters} "
                           f"Better: \"{gap.better_version}\"")
        result.summary = (f"Not scored: you marked {verdict.n_marked} of {len(spec.ids)} sentences, so no gap "
                          f"counts as found. The spec has {total} gaps; most sentences are sound.")
        return result

    by_sentence = {g.sentence_id: g for g in review.gaps.itertuples() if g.sentence_id}
    omissions = [g for g in review.gaps.itertuples() if not g.sentence_id]
    handled: set[str] = set()

    for sid in spec.ids:
        if sid not in read.marks:
            continue
        kinds = read.marks[sid]
        gap = by_sentence.get(sid)
        where = f"{sid} · {_short(spec.sentence(sid).text, 48)}"
        if gap is None:
            named = f" as {_join([repr(k) for k in kinds])}" if kinds else ""
            why = review.notes.get(sid, "Nothing in it is missing or decided for the team.")
            result.add(where, False, f"no gap here, so marking it{named} is a false alarm. {why}")
            continue
        handled.add(gap.gap_id)
        if gap.gap_id in verdict.found:
            kind_note = "" if kinds else f" (It is {_phrase(gap.category)}.)"
            result.add(where, True, f"found: {gap.category}.{kind_note} {gap.what_is_missing} "
                       f"Why it matters: {gap.why_it_matters} Better: \"{gap.better_version}\"")
        elif gap.gap_id in verdict.hedged:
            told = (f"It is {_phrase(gap.category)}. {gap.what_is_missing} Better: \"{gap.better_version}\""
                    if reveal else f"Hint: {gap.hint}")
            result.add(where, False, f"right place: there is a gap here. But you named {len(kinds)} kinds of gap, "
                       f"and a review comment needs the one that fits best. {told}")
        elif reveal:
            result.add(where, False, f"there is a gap here, but it is {_phrase(gap.category)}, not "
                       f"{_join([_phrase(k) for k in kinds])}. {gap.what_is_missing} Better: "
                       f"\"{gap.better_version}\"")
        else:
            result.add(where, False, f"right place: there is a gap here. But is it really "
                       f"{_join([_phrase(k) for k in kinds], 'or')}? Hint: {gap.hint}")

    missing_kinds = read.marks.get(MISSING)
    if missing_kinds is not None and len(missing_kinds) > MAX_KINDS:
        result.add("Missing from the whole spec", False, f"you named {len(missing_kinds)} kinds of gap as missing. "
                   "Name only what the spec really leaves out: a guess at every kind is not a finding.")
    elif missing_kinds is not None:
        matched = [g for g in omissions if g.gap_id in verdict.found]
        for gap in matched:
            handled.add(gap.gap_id)
            result.add("Missing from the whole spec", True, f"found: {gap.category}. {gap.what_is_missing} "
                       f"Why it matters: {gap.why_it_matters} Better: \"{gap.better_version}\"")
        for kind in missing_kinds:
            if any(g.category == kind for g in omissions):
                continue
            anchored = [g for g in review.gaps.itertuples() if g.sentence_id and g.category == kind]
            if anchored and any(g.gap_id not in handled for g in anchored):
                result.add(f"Missing from the whole spec: {kind}", False,
                           f"close. A gap of this kind is in the spec, but it sits in a sentence: it is there, just "
                           f"not good enough. Find the sentence and mark it '{kind}' instead.")
            elif anchored:
                result.add(f"Missing from the whole spec: {kind}", None,
                           "you already found the sentence that holds this kind of gap.")
            else:
                result.add(f"Missing from the whole spec: {kind}", False,
                           f"false alarm: the spec leaves nothing of the kind '{kind}' out entirely.")
        if not missing_kinds and not matched:
            result.add("Missing from the whole spec", False, "nothing is missing from the spec as a whole; "
                       "every gap sits in a sentence.")

    missed = [g for g in review.gaps.itertuples() if g.gap_id not in handled and g.gap_id not in verdict.found
              and g.gap_id not in verdict.hedged]
    for number, gap in enumerate(missed, start=1):
        if reveal:
            result.add(f"{_place(gap, spec)} (missed)", False, f"{gap.category}. {gap.what_is_missing} Why it "
                       f"matters: {gap.why_it_matters} Better: \"{gap.better_version}\"")
        else:
            result.add(f"Not found yet ({number} of {len(missed)})", False, f"Hint: {gap.hint}")

    found, false_alarms = verdict.found, verdict.false_alarms
    parts = [f"You found {len(found)} of {total} gaps"]
    if verdict.wrong_kind:
        parts.append(f"{len(verdict.wrong_kind)} more in the right place but named as the wrong kind")
    if verdict.hedged:
        parts.append(f"{len(verdict.hedged)} more in the right place but with too many kinds named")
    parts.append(f"{_plural(len(false_alarms), 'false alarm')}" if false_alarms else "no false alarms")
    summary = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] + "."
    if len(found) == total and not false_alarms:
        summary += " A thorough review: every gap found, and nothing flagged that was sound."
    elif len(false_alarms) >= 3 and len(false_alarms) > len(found):
        summary += (" More false alarms than finds: each one costs the author time to answer, so flag only what you "
                    "can explain.")
    result.summary = summary
    if not reveal and (missed or verdict.wrong_kind or verdict.hedged):
        result.note = ("Try the hints first. To see every gap with a better version, use the Show answers button, "
                       "or call check_spec_review(..., reveal=True).")
    return result


def _place(gap: Any, spec: Spec) -> str:
    return (f"{gap.sentence_id} · {_short(spec.sentence(gap.sentence_id).text, 48)}" if gap.sentence_id
            else "Missing from the whole spec")


#: How each kind of gap reads in a sentence ("is it really an undefined edge case?").
_KIND_PHRASES = {
    "assumption": "an unchecked assumption",
    "edge case": "an undefined edge case",
    "success metric": "a missing or vague success metric",
    "solutioning": "solutioning (deciding the how)",
    "scope": "scope creep",
}


def _phrase(kind: str) -> str:
    return _KIND_PHRASES.get(kind, _article(kind))


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


# =============================================================================================
# The system model
# =============================================================================================
@dataclass(frozen=True)
class SystemModel:
    """The Rotawise causal model: ``nodes`` (indexed by node name) and signed, delayed ``edges``."""

    nodes: pd.DataFrame
    edges: pd.DataFrame

    @property
    def names(self) -> list[str]:
        return list(self.nodes.index)

    @property
    def changes(self) -> list[str]:
        return list(self.nodes.index[self.nodes["kind"] == "change"])

    @property
    def metrics(self) -> list[str]:
        return list(self.nodes.index[self.nodes["kind"] == "metric"])

    def kind(self, node: str) -> str:
        return str(self.nodes.at[node, "kind"])

    def role(self, node: str) -> str:
        return str(self.nodes.at[node, "metric_role"]) if node in self.nodes.index else ""

    def label(self, node: str) -> str:
        """The node with its backlog id or metric role, for tables and dropdowns."""
        row = self.nodes.loc[node]
        if row["kind"] == "change" and row["backlog_id"]:
            return f"{node} ({row['backlog_id']})"
        if row["kind"] == "metric":
            return f"{node} ({row['metric_role']})"
        return node

    def canonical(self, name: Any) -> str | None:
        """The model's spelling of a node name ("Overtime-Hours " -> "overtime hours"), a backlog
        id of a change ("B04" -> "swap auto-approval"), or None."""
        text = _clean(name)
        if not text:
            return None
        text = re.sub(r"\s*\((?:B\d+|north star|leading|guardrail|tracked)\)\s*$", "", text, flags=re.IGNORECASE)
        return self._spellings.get(_squash(text)) or self._spellings.get(text.upper())

    @cached_property
    def _spellings(self) -> dict[str, str]:
        """Squashed node names and upper-case backlog ids -> node."""
        out = {str(backlog_id).upper(): node for node, backlog_id in self.nodes["backlog_id"].items() if backlog_id}
        out.update({_squash(node): node for node in self.nodes.index})
        return out

    def suggest(self, name: Any) -> str:
        return _suggest(_clean(name), self.names)

    @cached_property
    def _by_pair(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(r["from_node"], r["to_node"]): r for r in self.edges.to_dict("records")}

    @cached_property
    def _out(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for a, b in self._by_pair:
            out.setdefault(a, []).append(b)
        return out

    @cached_property
    def _in(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for a, b in self._by_pair:
            out.setdefault(b, []).append(a)
        return out

    def edge(self, source: str, target: str) -> dict[str, Any] | None:
        """The edge as a dict (from_node, to_node, effect, delay, explanation), or None."""
        return self._by_pair.get((source, target))

    def successors(self, node: str) -> list[str]:
        return list(self._out.get(node, []))

    def predecessors(self, node: str) -> list[str]:
        return list(self._in.get(node, []))

    def _require(self, node: Any) -> str:
        found = self.canonical(node)
        if found is None:
            raise ValueError(f"{node!r} is not a node in the Rotawise model.{self.suggest(node)} "
                             f"The changes you can trace are: {', '.join(self.changes)}.")
        return found


def load_system_nodes(path: str | Path | None = None) -> pd.DataFrame:
    """Load the model's nodes (default ``datasets/system_nodes.csv``), indexed by ``node``.

    ``kind`` is ``change`` (something the team can ship; give its ``backlog_id``), ``effect`` or
    ``metric`` (one of the quarter's numbers; give its ``metric_role``: north star, leading,
    guardrail or tracked). Raises DataError listing every problem.
    """
    table = _read_table(path, "system_nodes.csv", NODE_COLUMNS)
    problems = list(table.problems)
    seen: dict[str, int] = {}
    out = []
    for line, row in table.rows:
        bad = len(problems)
        node = " ".join(row.get("node", "").split())
        if not node:
            problems.append(Problem(line, "node", None, "the cell is blank. Expected a short node name."))
        elif _squash(node) in seen:
            problems.append(Problem(line, "node", node, f"'{node}' is listed twice (first on line "
                                    f"{seen[_squash(node)]}). Node names must be unique."))
        else:
            seen[_squash(node)] = line
        kind = row.get("kind", "").lower()
        if kind not in NODE_KINDS:
            problems.append(Problem(line, "kind", row.get("kind") or None,
                                    f"expected one of {', '.join(NODE_KINDS)}." + _suggest(row.get("kind", ""), NODE_KINDS)))
        backlog_id = row.get("backlog_id", "").upper()
        if backlog_id and not re.fullmatch(r"B\d{2}", backlog_id):
            problems.append(Problem(line, "backlog_id", backlog_id, "expected a backlog id like B04, or a blank cell."))
        role = row.get("metric_role", "").lower()
        if kind == "metric" and role not in METRIC_ROLES:
            problems.append(Problem(line, "metric_role", role or None,
                                    f"a metric needs its role: one of {', '.join(METRIC_ROLES)}."))
        elif kind != "metric" and role:
            problems.append(Problem(line, "metric_role", role, "only a node of kind 'metric' has a role. "
                                    "Leave the cell blank, or set the kind to 'metric'."))
        if not row.get("description"):
            problems.append(Problem(line, "description", None, "the cell is blank. Expected one sentence."))
        if len(problems) == bad:
            out.append({"node": node, "kind": kind, "backlog_id": backlog_id, "metric_role": role,
                        "description": row["description"]})
    if problems:
        raise DataError(problems, table.label)
    return pd.DataFrame(out, columns=list(NODE_COLUMNS)).set_index("node")


def _effect(text: str) -> str | None:
    text = text.strip()
    for odd, plain in _MINUS.items():
        text = text.replace(odd, plain)
    return text if text in EFFECTS else None


def load_system_model(path: str | Path | None = None, nodes: str | Path | pd.DataFrame | None = None) -> SystemModel:
    """Load the Rotawise causal model (default ``datasets/system_model.csv``).

    Every row is an edge: ``from_node`` and ``to_node`` (names from the nodes file), ``effect``
    (``+``: more of one means more of the other; ``-``: more means less), ``delay`` (immediate,
    weeks or months) and a one-sentence ``explanation``. ``nodes`` is the nodes file (default: the
    ``system_nodes.csv`` next to the edges file, else the course's). Unknown nodes, an edge from
    a node to itself, the same edge twice, a bad sign or delay and blank cells are all reported,
    each with its line and column. Raises DataError.
    """
    edges_path = _resolve(path, "system_model.csv")
    if isinstance(nodes, pd.DataFrame):
        node_table = nodes
    else:
        if nodes is None:
            sibling = edges_path.parent / "system_nodes.csv"
            nodes = sibling if sibling.is_file() else None
        node_table = load_system_nodes(nodes)
    table = _read_table(edges_path, "system_model.csv", EDGE_COLUMNS)
    problems = list(table.problems)
    names = {_squash(n): n for n in node_table.index}
    seen: dict[tuple[str, str], int] = {}
    out = []
    for line, row in table.rows:
        bad = len(problems)
        ends = []
        for column in ("from_node", "to_node"):
            raw = row.get(column, "")
            node = names.get(_squash(raw))
            if not raw:
                problems.append(Problem(line, column, None, "the cell is blank. Expected a node name from "
                                        "system_nodes.csv."))
            elif node is None:
                problems.append(Problem(line, column, raw, f"'{raw}' is not a node in system_nodes.csv."
                                        + (_suggest(raw, node_table.index) or " Add it there first, or fix the spelling.")))
            ends.append(node)
        source, target = ends
        if source and target and source == target:
            problems.append(Problem(line, "to_node", target, "an edge must join two different nodes; this one "
                                    "points back at its own start."))
        elif source and target:
            if (source, target) in seen:
                problems.append(Problem(line, "to_node", target, f"the edge {source} → {target} is already on "
                                        f"line {seen[(source, target)]}. Keep one edge per pair; merge the "
                                        "explanations."))
            seen.setdefault((source, target), line)
        effect = _effect(row.get("effect", ""))
        if effect is None:
            problems.append(Problem(line, "effect", row.get("effect") or None,
                                    "expected + (more of the first means more of the second) or - (more of the "
                                    "first means less of the second)."))
        delay = row.get("delay", "").lower()
        if delay not in DELAYS:
            problems.append(Problem(line, "delay", row.get("delay") or None,
                                    f"expected one of {', '.join(DELAYS)}." + _suggest(row.get("delay", ""), DELAYS)))
        if not row.get("explanation"):
            problems.append(Problem(line, "explanation", None, "the cell is blank. Expected one sentence that "
                                    "says why the first node moves the second."))
        if len(problems) == bad:
            out.append({"from_node": source, "to_node": target, "effect": effect, "delay": delay,
                        "explanation": row["explanation"], "line": line})
    if problems:
        raise DataError(problems, table.label)
    edges = pd.DataFrame(out, columns=list(EDGE_COLUMNS) + ["line"])
    return SystemModel(node_table, edges)


def _model(model: SystemModel | None) -> SystemModel:
    return model if model is not None else load_system_model()


def _distances(model: SystemModel, start: str, reverse: bool = False) -> dict[str, int]:
    step = model.predecessors if reverse else model.successors
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in step(node):
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist


def downstream(change_node: str = "swap auto-approval", depth: int | None = None,
               model: SystemModel | None = None) -> pd.DataFrame:
    """The edges a change sets off, nearest first.

    Returns the model's edges whose start can be reached from ``change_node`` in fewer than
    ``depth`` steps (all of them when ``depth`` is None), with a ``step`` column: 1 for the
    change's own edges, 2 for the next ring, and so on. Raises ValueError for an unknown node
    or a depth below 1.
    """
    model = _model(model)
    start = model._require(change_node)
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 1):
        raise ValueError(f"depth must be a whole number of 1 or more (or None for everything); got {depth!r}.")
    dist = _distances(model, start)
    rows = model.edges[model.edges["from_node"].isin(dist)].copy()
    rows["step"] = rows["from_node"].map(dist) + 1
    if depth is not None:
        rows = rows[rows["step"] <= depth]
    rows = rows.sort_values(["step", "line"], kind="stable")
    return rows[["step", "from_node", "to_node", "effect", "delay", "explanation"]].reset_index(drop=True)


def _simple_paths(model: SystemModel, start: str, max_len: int) -> Iterable[list[str]]:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in model.successors(node):
            if nxt in path:
                continue
            new = path + [nxt]
            yield new
            if len(new) - 1 < max_len:
                stack.append((nxt, new))


def net_effects(change_node: str = "swap auto-approval", depth: int | None = None,
                model: SystemModel | None = None) -> pd.DataFrame:
    """What a change does to every node downstream.

    One row per node reached, nearest first. ``step`` is the fewest links from the change.
    ``ways_up`` and ``ways_down`` count every path without loops (up to ``depth`` links) whose
    signs multiply to + or to -. ``nearest`` is the sign along the shortest paths, which act first:
    "+", "-", or "mixed" when the shortest paths disagree. It says nothing about strength: the
    model has signs, not sizes. ``pushback`` is True when a longer path pushes the other way. ``kind``
    and ``metric_role`` come from the nodes file.
    """
    model = _model(model)
    start = model._require(change_node)
    max_len = depth if depth is not None else len(model.names)
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise ValueError(f"depth must be a whole number of 1 or more (or None); got {depth!r}.")
    signs = {pair: edge["effect"] for pair, edge in model._by_pair.items()}
    found: dict[str, list[tuple[int, str]]] = {}
    for path in _simple_paths(model, start, max_len):
        negatives = sum(signs[(a, b)] == "-" for a, b in zip(path, path[1:]))
        found.setdefault(path[-1], []).append((len(path) - 1, "-" if negatives % 2 else "+"))
    rows = []
    for node, ways in found.items():
        shortest = min(length for length, _ in ways)
        first = {sign for length, sign in ways if length == shortest}
        net = first.pop() if len(first) == 1 else "mixed"
        pushback = net != "mixed" and any(sign != net for _, sign in ways)
        rows.append({"node": node, "step": shortest, "ways_up": sum(sg == "+" for _, sg in ways),
                     "ways_down": sum(sg == "-" for _, sg in ways), "nearest": net, "pushback": pushback,
                     "kind": model.kind(node), "metric_role": model.role(node)})
    rows.sort(key=lambda r: (r["step"], model.names.index(r["node"])))
    columns = ["node", "step", "ways_up", "ways_down", "nearest", "pushback", "kind", "metric_role"]
    return pd.DataFrame(rows, columns=columns).set_index("node")


def key_edges(change_node: str = "swap auto-approval", depth: int = 4,
              model: SystemModel | None = None) -> pd.DataFrame:
    """The edges that matter most for a change: every edge on a shortest path from the change to
    one of the quarter's metrics at most ``depth`` links away. Columns as :func:`downstream`,
    plus ``leads_to`` (the metrics each edge is on the way to)."""
    model = _model(model)
    start = model._require(change_node)
    dist = _distances(model, start)
    keep: dict[tuple[str, str], list[str]] = {}
    for metric in model.metrics:
        if metric not in dist or dist[metric] == 0 or dist[metric] > depth:
            continue
        back = _distances(model, metric, reverse=True)
        for a, b in model._by_pair:
            if a in dist and b in back and dist[a] + 1 + back[b] == dist[metric]:
                keep.setdefault((a, b), []).append(metric)
    rows = downstream(start, model=model)
    if rows.empty:
        return rows.assign(leads_to=pd.Series(dtype=str)).reset_index(drop=True)
    rows = rows[[(a, b) in keep for a, b in zip(rows["from_node"], rows["to_node"])]].copy()
    rows["leads_to"] = [", ".join(keep[(a, b)]) for a, b in zip(rows["from_node"], rows["to_node"])]
    return rows.reset_index(drop=True)


# =============================================================================================
# Checking a trace
# =============================================================================================
_SIGN_WORDS = {
    "+": "+", "plus": "+", "+1": "+", "1": "+", "up": "+", "increase": "+", "increases": "+", "more": "+",
    "positive": "+", "raises": "+", "raise": "+", "same": "+", "s": "+",
    "-": "-", "minus": "-", "-1": "-", "down": "-", "decrease": "-", "decreases": "-", "less": "-",
    "fewer": "-", "negative": "-", "lowers": "-", "lower": "-", "reduces": "-", "reduce": "-", "opposite": "-",
    "o": "-",
}


def _sign(value: Any) -> str | None | bool:
    """'+' or '-'; None when no sign was given; False when the sign cannot be read."""
    if value is None or value is Ellipsis:
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return "+" if value > 0 else "-" if value < 0 else False
    text = _clean(value)
    for odd, plain in _MINUS.items():
        text = text.replace(odd, plain)
    if not text:
        return None
    return _SIGN_WORDS.get(text.lower(), False)


_ARROW = re.compile(r"\s*(?:-->|->|—>|=>|→|>)\s*")
_TRAILING_SIGN = re.compile(
    r"^(?P<name>.*?)\s*(?:[(\[:,]\s*(?P<a>[+\-−]|plus|minus|up|down)\s*[)\]]?|\s+(?P<b>[+\-−]|plus|minus|up|down)"
    r"|(?P<c>[+−]))\s*$", re.IGNORECASE)


def _split_sign(text: str) -> tuple[str, Any]:
    """'support tickets (+)' -> ('support tickets', '+'); no sign -> (text, None)."""
    match = _TRAILING_SIGN.match(text.strip())
    if not match or not match.group("name"):
        return text, None
    return match.group("name"), _sign(match.group("a") or match.group("b") or match.group("c"))


@dataclass
class _Edge:
    raw: str
    source: str
    target: str
    sign: str | None | bool
    problem: str = ""    # why it could not be read as an edge ("" when it could)


def _edges_from_text(text: str) -> list[_Edge]:
    """'a -> b (+)' is one edge; 'a -> b (-) -> c (+)' is a chain of two."""
    parts = _ARROW.split(text)
    if len(parts) < 2:
        return [_Edge(text, "", "", False, "it has no arrow: write it as \"from -> to (+)\"")]
    out = []
    for left, right in zip(parts, parts[1:]):
        source = _split_sign(left)[0] if out else left
        target, sign = _split_sign(right)
        raw = text if len(parts) == 2 else f"{_clean(source)} -> {right.strip()}"
        out.append(_Edge(raw, _clean(source), _clean(target), sign,
                         "" if _clean(source) and _clean(target) else "a name is missing on one side of the arrow"))
    return out


def _edges_from_mapping(edges: Mapping) -> list[Any]:
    """{"a": "b"}, {"a": ["b", "c"]} or {"a": {"b": "+"}}: edges from each key."""
    items: list[Any] = []
    for source, value in edges.items():
        if isinstance(value, Mapping):
            items += [(source, target, sign) for target, sign in value.items()]
        elif isinstance(value, (list, tuple, set, frozenset)) and not (
                isinstance(value, tuple) and len(value) == 2 and _sign(value[1]) in ("+", "-")):
            items += [(source, *v) if isinstance(v, (list, tuple)) else (source, v) for v in value]
        elif isinstance(value, tuple):
            items.append((source, *value))
        elif isinstance(value, str):
            items.append((source, value))
        else:
            items.append(_Edge(f"{source}: {value!r}", "", "", False,
                               f"the value for '{source}' is {_type_name(value)}, not a node name"))
    return items


def parse_edges(edges: Any) -> list[_Edge]:
    """Read a learner's edges: pairs ``(from, to)``, triples ``(from, to, "+")``, dicts with
    ``from``/``to``/``effect`` keys, a dict from each node to the node(s) it moves, text lines
    like ``"swap wait time -> support tickets (+)"`` (a line may chain several arrows), or a table
    with ``from_node``, ``to_node`` and ``effect`` columns. Names are not checked here. Items that
    cannot be read come back with a ``problem``. Raises TypeError for a form it cannot read."""
    if isinstance(edges, pd.DataFrame):
        cols = {_squash(str(c)).replace(" ", "_"): c for c in edges.columns}
        f, t = cols.get("from_node") or cols.get("from"), cols.get("to_node") or cols.get("to")
        e = cols.get("effect") or cols.get("sign")
        if f is None or t is None:
            raise TypeError("a table without from_node and to_node columns")
        return [_Edge(f"{a} -> {b}", _clean(a), _clean(b), _sign(s) if e else None)
                for a, b, s in zip(edges[f], edges[t], edges[e] if e else [None] * len(edges))]
    if isinstance(edges, str):
        items: list[Any] = [line for line in re.split(r"[\n;]+", edges) if line.strip()]
    elif isinstance(edges, Mapping) and any(k in edges for k in ("from", "from_node", "to", "to_node")):
        items = [edges]
    elif isinstance(edges, Mapping):
        items = _edges_from_mapping(edges)
    elif isinstance(edges, (list, tuple, set, frozenset)):
        items = list(edges)
        if 2 <= len(items) <= 3 and all(isinstance(x, str) for x in items) and not any(_ARROW.search(x) for x in items):
            items = [tuple(items)]   # one edge given on its own
    else:
        raise TypeError(_type_name(edges))
    out: list[_Edge] = []
    for item in items:
        if item is Ellipsis or item is None:
            out.append(_Edge("...", "", "", None))
            continue
        if isinstance(item, _Edge):
            out.append(item)
        elif isinstance(item, Mapping):
            source = item.get("from", item.get("from_node", item.get("source")))
            target = item.get("to", item.get("to_node", item.get("target")))
            sign = item.get("effect", item.get("sign"))
            missing = [k for k, v in (("from", source), ("to", target)) if not _clean(v)]
            out.append(_Edge(f"{source} -> {target}", _clean(source), _clean(target), _sign(sign),
                             f"it has no '{missing[0]}' key" if missing else ""))
        elif isinstance(item, (list, tuple)) and len(item) in (2, 3):
            sign = _sign(item[2]) if len(item) == 3 else None
            out.append(_Edge(" -> ".join(_clean(x) for x in item[:2]), _clean(item[0]), _clean(item[1]), sign,
                             "" if _clean(item[0]) and _clean(item[1]) else "one of its two names is blank"))
        elif isinstance(item, (list, tuple)):
            out.append(_Edge(_short(repr(tuple(item)), 50), "", "", False,
                             f"it has {_plural(len(item), 'part')}; an edge has two or three: (from, to) or "
                             "(from, to, sign)"))
        elif isinstance(item, str):
            out += _edges_from_text(item.strip())
        else:
            out.append(_Edge(repr(item), "", "", False, f"it is {_type_name(item)}, not an edge"))
    return out


def edge_pairs(edges: Any, model: SystemModel | None = None) -> list[list[str]]:
    """The learner's edges as ``[from, to]`` pairs in the model's spelling (names it cannot match
    are kept as typed): the form the exercises save as ``system_trace``. [] for an unusable answer."""
    if is_unanswered(edges):
        return []
    try:
        model = _model(model)
        parsed = parse_edges(edges)
    except Exception:  # noqa: BLE001
        return []
    out = []
    for e in parsed:
        if not e.source or not e.target:
            continue
        pair = [model.canonical(e.source) or e.source, model.canonical(e.target) or e.target]
        if pair not in out:
            out.append(pair)
    return out


_EXAMPLE_EDGES = '[("from node", "to node", "+"), ("to node", "next node", "-")]'


def _word(sign: str) -> str:
    return "+ (more means more)" if sign == "+" else "- (more means less)"


def check_trace(learner_edges: Any, change_node: str = "swap auto-approval", reveal: bool = False,
                depth: int = 4, model: SystemModel | None = None) -> Feedback:
    """Check a learner's trace of a change's downstream effects against the Rotawise model.

    ``learner_edges`` is a list of edges, each ``(from, to)`` or ``(from, to, sign)`` with sign
    ``"+"`` or ``"-"`` (see :func:`parse_edges` for the other forms). The feedback says which
    edges are in the model (and whether their sign is right), which are not and why (the arrow
    runs the other way, it skips a step, or the model has no such link), which of the quarter's
    metrics the trace reaches, and the missing edges that matter most (:func:`key_edges`, within
    ``depth`` links): as hints first, in full with ``reveal=True``. Hints name only nodes the
    trace already reaches, so they never give the path away. Links of the model that the change
    does not set off do not count, a link given twice is reported once, and at most
    :data:`MAX_EDGE_LINES` lines describe wrong edges. Never raises.
    """
    title = f"Trace: what {change_node} changes downstream" if isinstance(change_node, str) else "Trace"
    try:
        model = _model(model)
    except Exception as err:  # noqa: BLE001
        return Feedback(title, answered=False, summary="The Rotawise model could not be loaded, so your trace "
                        f"cannot be checked: {str(err).splitlines()[0]}")
    start = model.canonical(change_node)
    if start is None:
        return Feedback(title, answered=False, summary=f"{change_node!r} is not a change in the Rotawise model."
                        f"{model.suggest(change_node)} Choose one of: {', '.join(model.changes)}.")
    title = f"Trace: what {start} changes downstream"
    if not model.successors(start):
        what = f"one of the quarter's metrics ({model.role(start)})" if model.kind(start) == "metric" else "a node"
        return Feedback(title, answered=False, summary=(
            f"'{start}' is {what} where chains of effects end: nothing in the model follows from it, so there is "
            f"nothing to trace. Start from a change: {', '.join(model.changes)}."))
    try:
        return _check_trace(learner_edges, start, reveal, depth, model, title)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(title, answered=False, summary=f"Your trace could not be checked ({type(err).__name__}: "
                        f"{err}). Write it as a list of edges, like {_EXAMPLE_EDGES}.")


#: At most this many lines about single edges that are not right; the rest are counted.
MAX_EDGE_LINES = 30


def _check_trace(learner_edges: Any, start: str, reveal: bool, depth: int, model: SystemModel,
                 title: str) -> Feedback:
    first = downstream(start, depth=1, model=model)
    example = (f'[("{first.at[0, "from_node"]}", "{first.at[0, "to_node"]}", "{first.at[0, "effect"]}"), ...]'
               if not first.empty else _EXAMPLE_EDGES)
    if is_unanswered(learner_edges):
        return Feedback(title, answered=False, summary=(
            "You have not drawn any edges yet. Write each as (from, to, sign), starting from the change, "
            f"for example {example}."))
    try:
        parsed = parse_edges(learner_edges)
    except TypeError:
        return Feedback(title, answered=False, summary=(
            f"Your trace should be a list of edges like {example}. You gave {_type_name(learner_edges)}."))
    if any(e.raw == "..." for e in parsed):
        return Feedback(title, answered=False, summary=(
            f"Your list still holds ... : replace it with edges like {example}."))

    if not any(e.source and e.target for e in parsed):
        shown = "; ".join(f"{_short(e.raw, 30)!r}" + (f": {e.problem}" if e.problem else "") for e in parsed[:3])
        return Feedback(title, answered=False, summary=(
            f"None of your edges could be read ({shown}). Write each as (from, to, sign), like {example}."))

    # every pair the learner gave, with the signs they gave it (to report repeats once, not per copy)
    signs_given: dict[tuple[str, str], list[Any]] = {}
    for e in parsed:
        if e.source and e.target:
            a, b = model.canonical(e.source) or e.source, model.canonical(e.target) or e.target
            signs_given.setdefault((a, b), []).append(e.sign)

    result = Feedback(title)
    model_dist = _distances(model, start)
    good: list[tuple[str, str]] = []     # in the model, downstream of the change (sign right or not given)
    seen: set[tuple[str, str]] = set()
    wrong_sign = wrong = off_trace = 0
    hidden = 0                           # lines about single edges left out (MAX_EDGE_LINES)

    def say(label: str, ok: bool | None, message: Any) -> None:
        nonlocal hidden
        if ok is True or sum(1 for c in result.checks if c.ok is not True) < MAX_EDGE_LINES:
            result.add(label, ok, message() if callable(message) else message)
        else:
            hidden += 1

    for e in parsed:
        if not e.source or not e.target:
            say(_short(e.raw), False, f"could not read this as an edge{': ' + e.problem if e.problem else ''}. "
                "Write it as (from, to, sign), like (\"swap wait time\", \"support tickets\", \"+\").")
            wrong += 1
            continue
        source, target = model.canonical(e.source), model.canonical(e.target)
        label = f"{source or e.source} → {target or e.target}"
        pair = (source or e.source, target or e.target)
        if pair in seen:
            continue
        seen.add(pair)
        given = signs_given.get(pair, [])
        signs = sorted({g for g in given if g in ("+", "-")})
        repeat = ""
        if len(signs) > 1:
            repeat = (f" (You listed this link {len(given)} times, with both signs; only the first, {e.sign}, is "
                      "checked. Keep the one you mean.)")
        elif len(given) > 1:
            repeat = f" (You listed this link {len(given)} times; it counts once.)"
        if source is None or target is None:
            bad = [n for n, c in ((e.source, source), (e.target, target)) if c is None]
            say(label, False, lambda bad=bad, repeat=repeat: " ".join(
                f"'{n}' is not a node in the model.{model.suggest(n)}" for n in bad)
                + " Use the node names from the list above." + repeat)
            wrong += 1
            continue
        if source == target:
            say(label, False, "an edge must join two different nodes: a node does not cause itself." + repeat)
            wrong += 1
            continue
        sign_note = " (The sign could not be read: use \"+\" or \"-\".)" if e.sign is False else ""
        edge = model.edge(source, target)
        if edge is not None and source not in model_dist:
            off_trace += 1
            say(label, False, f"this link is in the model, but it is not part of what {start} sets off: nothing "
                f"downstream of the change moves {source}. Keep the trace to the change's own effects.{repeat}")
            continue
        if edge is not None:
            good.append((source, target))
            if e.sign in ("+", "-") and e.sign != edge["effect"]:
                wrong_sign += 1
                say(f"{label} ({e.sign})", False, f"this link is in the model, but its sign is "
                    f"{_word(edge['effect'])}, not {e.sign}. {edge['explanation']}{repeat}")
            elif e.sign in ("+", "-"):
                say(f"{label} ({e.sign})", True, f"in the model, sign right ({_delay(edge['delay'])}). "
                    f"{edge['explanation']}{repeat}")
            else:
                say(label, True, f"in the model, with the sign {edge['effect']}; give the sign next time."
                    f"{sign_note} {edge['explanation']}{repeat}")
            continue
        wrong += 1
        reverse = model.edge(target, source)
        if reverse is not None:
            say(label, False, f"the model has this link the other way round: {target} → {source} "
                f"({reverse['effect']}). Ask which one causes the other. {reverse['explanation']}{repeat}")
            continue
        via = _shortest_path(model, source, target)
        if via is not None:
            between = len(via) - 2
            if reveal:
                how = f"in the model, {source} affects {target} through {_join([repr(n) for n in via[1:-1]])}"
            else:                             # a hint: how far, not which nodes
                how = (f"in the model, {source} reaches {target} only through {_plural(between, 'step')} in "
                       f"between. What does {source} change first, and what does that change?")
            say(label, False, f"not a direct link: {how}. Put in the steps in between, so the trace shows how it "
                f"happens.{repeat}")
            continue
        causes = model.predecessors(target)
        said = (f"In the model, {target} moves with {_join([repr(c) for c in causes])}."
                if causes else f"In the model, nothing drives {target}: it is a change the team makes.")
        say(label, False, f"the model has no link from {source} to {target}, direct or through other nodes. "
            f"{said}{repeat}")
    if hidden:
        result.add(f"{hidden} more", False, f"{_plural(hidden, 'more line')} about edges that are not right "
                   "are not shown. Fix the ones above first; a shorter trace is easier to check.")

    # which parts of the learner's graph hang together from the change
    reach = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for a, b in good:
            if a == node and b not in reach:
                reach.add(b)
                frontier.append(b)
    loose = [(a, b) for a, b in good if a not in reach]
    if loose:
        result.add("Not connected to the change", None, f"{_join([f'{a} → {b}' for a, b in loose[:3]])}: right, but "
                   f"your trace never gets from {start} to their start. Add the links in between.")

    metrics_in_reach = [m for m in model.metrics if m in model_dist and model_dist[m] <= depth]
    reached = [m for m in metrics_in_reach if m in reach]
    needed = min(2, len(metrics_in_reach))
    if metrics_in_reach:
        ok = len(reached) >= needed
        not_yet = [m for m in metrics_in_reach if m not in reach]
        msg = (f"your trace reaches {_join(reached)}." if reached else "your trace reaches none of them yet.")
        if not_yet:
            msg += f" Still to reach: {_join(not_yet)}."
        result.add(f"Reaches the quarter's metrics ({len(reached)} of {len(metrics_in_reach)})", ok, msg)

    key = key_edges(start, depth=depth, model=model)
    have = set(good)
    missing = [r for r in key.itertuples() if (r.from_node, r.to_node) not in have]
    shown_links = 0
    if reveal:
        for r in missing:
            result.add(f"Missing: {r.from_node} → {r.to_node} ({r.effect})", False,
                       f"{r.explanation} (On the way to {r.leads_to}.)")
        shown_links = len(missing)
    else:
        # hints only from nodes the trace already reaches: naming a node further on would give the path away
        groups: dict[str, list[Any]] = {}
        for r in missing:
            groups.setdefault(r.from_node, []).append(r)
        open_ends = [node for node in groups if node in reach] or list(groups)[:1]
        for node in open_ends[:3]:
            rows = groups[node]
            leads: list[str] = []
            for r in rows:
                leads += [m for m in r.leads_to.split(", ") if m not in leads]
            links = "a link" if len(rows) == 1 else f"{len(rows)} links"
            result.add(f"Missing: {links} from {node}", False,
                       f"the model has {links} from '{node}' that your trace lacks, on the way to {_join(leads)}. "
                       f"What does {node} change next?")
            shown_links += len(rows)

    mixed = net_effects(start, model=model)
    mixed = [m for m in reached if m in mixed.index and mixed.at[m, "nearest"] == "mixed"]
    if mixed:
        result.add("Watch out", None, f"in the model, {_join(mixed)} can move either way after this change: some "
                   "paths push it up and others push it down. Which one wins is a question to test, not to assume.")

    right = len(good) - wrong_sign
    parts = [f"{_plural(right, 'edge')} match the model" if right != 1 else "1 edge matches the model"]
    if wrong_sign:
        parts.append(f"{_plural(wrong_sign, 'edge')} with the wrong sign")
    if off_trace:
        parts.append(f"{_plural(off_trace, 'edge')} that this change does not set off")
    if wrong:
        parts.append(f"{_plural(wrong, 'edge')} not in the model")
    key_found = len(key) - len(missing)
    result.summary = (_join(parts) + f". You have {key_found} of the {len(key)} links that matter most "
                      f"(those on the shortest paths to the quarter's metrics).")
    if not missing and not wrong and not wrong_sign and not off_trace:
        result.summary += " A complete trace."
    if missing and not reveal:
        more = len(missing) - shown_links
        result.note = ((f"{_plural(more, 'more missing link')} not hinted at yet: they start from nodes your trace "
                        "does not reach. " if more > 0 else "")
                       + "To see the model's full answer, use the reveal option (reveal=True).")
    return result


def _delay(delay: str) -> str:
    return {"immediate": "it acts at once", "weeks": "it takes weeks", "months": "it takes months"}.get(delay, delay)


def _shortest_path(model: SystemModel, source: str, target: str) -> list[str] | None:
    previous = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for nxt in model.successors(node):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


# =============================================================================================
# Rewriting a solution-first request
# =============================================================================================
_WHO = re.compile(
    r"\b(staff|workers?|employees?|colleagues?|managers?|schedulers?|admins?|owners?|customers?|accounts?|"
    r"users?|people|multi-?site|area managers?|payroll|team leads?|site leads?|prospects?|buyers?|care[- ]homes?|"
    r"restaurants?|shops?|stores?)\b", re.IGNORECASE)
_EVIDENCE = re.compile(
    r"(\d|\b(interviews?|told us|said|says|tickets?|data|rate|survey|reviews?|calls?|complain\w*|observed|"
    r"we saw|logs?|days?|hours?|weeks?|most|many|often|every)\b)", re.IGNORECASE)
_SOLUTION = re.compile(
    r"\b(build|building|implement\w*|develop\w*|ship|shipping|rewrite|rewriting|integrat\w*|"
    r"chat ?bots?|bots?|buttons?|widgets?|connectors?|dashboards?|solver|algorithm\w*|mobile approvals?|"
    r"one[- ]tap|app feature|new feature|feature|screen|auto[- ]?approv\w*|approve\w* (?:from|on) (?:their |a |the )?"
    r"(?:phones?|mobile)|push notifications?)\b", re.IGNORECASE)
_OPEN_START = re.compile(r"^\s*(how|what|why|which|where|when|who)\b", re.IGNORECASE)
_CLOSED_START = re.compile(r"^\s*(should|shall|can|could|will|would|is|are|do|does|did|must|may)\b", re.IGNORECASE)
_OUTCOME = re.compile(
    r"(\d|\b(faster|quicker|sooner|within|wait\w*|complete\w*|fewer|less|more|rate|retention|activation|"
    r"tickets?|without|so that|stop|never|on time|covered|filled|hours?|days?|minutes?)\b)", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z0-9£%][A-Za-z0-9£%'’\-]*")


def _solution_words(text: str) -> list[str]:
    found = []
    for m in _SOLUTION.finditer(text):
        word = m.group(0).lower()
        if word not in found:
            found.append(word)
    for pattern, (word, _plain) in JARGON.items():
        if re.search(pattern, text, re.IGNORECASE) and word.lower() not in found:
            found.append(word.lower())
    return found


def check_problem_rewrite(problem: Any, question: Any = None) -> Feedback:
    """Self-check a rewrite of a solution-first request as a problem and an open question.

    ``problem``: who has the problem, what goes wrong for them, and the evidence, with no solution
    in it. ``question``: an open question that leaves the team room to find the answer, ideally
    "How might we ...?". Also accepts one dict ``{"problem": ..., "question": ...}``. It looks for
    words, so it is a self-check, not a grade. Never raises.
    """
    title = "Rewrite: a problem and an open question"
    try:
        return _check_problem_rewrite(problem, question, title)
    except Exception as err:  # noqa: BLE001
        return Feedback(title, answered=False, summary=f"Your rewrite could not be checked ({type(err).__name__}: "
                        f"{err}). Write the problem and the question as two pieces of text.")


def _check_problem_rewrite(problem: Any, question: Any, title: str) -> Feedback:
    if isinstance(problem, Mapping):
        problem, question = problem.get("problem"), problem.get("question", question)
    elif isinstance(problem, (list, tuple)) and len(problem) == 2 and question is None:
        problem, question = problem
    example = 'my_problem = """Managers at ... """ and my_question = "How might we ...?"'
    if is_unanswered(problem) and is_unanswered(question):
        return Feedback(title, answered=False, summary=f"You have not written your rewrite yet: replace each ... "
                        f"with text, for example {example}.")
    for name, value in (("problem", problem), ("question", question)):
        if is_unanswered(value):
            return Feedback(title, answered=False, summary=f"Your {name} is still empty: replace its ... with text.")
        if not isinstance(value, str):
            return Feedback(title, answered=False, summary=f"Your {name} should be text in quotes. You gave "
                            f"{_type_name(value)}.")
    result = Feedback(title, note="A self-check, not a grade: it looks for words, so read your rewrite once more "
                      "as the engineer who will receive it.")
    who = sorted({m.group(0).lower() for m in _WHO.finditer(problem)})
    result.add("Says who has the problem", bool(who), f"found: {', '.join(who[:4])}." if who else
               "name the people who suffer, for example managers at new multi-site accounts, or staff.")
    evidence = re.search(r"(?<![A-Za-z\d])\d[\d,.]*\s?%?", problem) or _EVIDENCE.search(problem)
    result.add("Gives evidence or size", bool(evidence), f"found \"{evidence.group(0)}\"." if evidence else
               "say how you know and how big it is: a number, a quote from interviews, or a ticket count.")
    in_problem = _solution_words(problem)
    result.add("The problem names no solution", not in_problem,
               "none of the usual solution words found." if not in_problem else
               f"found {_join([repr(w) for w in in_problem])}. Describe what goes wrong, not what to build.")
    q = question.strip()
    if _CLOSED_START.match(q):
        result.add("The question is open", False, f"it starts with \"{_CLOSED_START.match(q).group(1)}\", so it "
                   "can be answered yes or no. Try \"How might we ...?\".")
    elif _OPEN_START.match(q) and q.endswith("?"):
        result.add("The question is open", True, "it asks how or what, so the team can bring ideas.")
    elif not q.endswith("?"):
        result.add("The question is open", False, "end it with a question mark, and start with How or What.")
    else:
        result.add("The question is open", False, "start with How or What, for example \"How might we ...?\".")
    in_question = _solution_words(q)
    result.add("The question leaves the how to the team", not in_question,
               "it does not smuggle in an answer." if not in_question else
               f"found {_join([repr(w) for w in in_question])}: that is an answer dressed as a question.")
    outcome = _OUTCOME.search(problem + " " + q)
    result.add("Points at an outcome you could measure", bool(outcome),
               f"found \"{outcome.group(0)}\"." if outcome else
               "say what would be better, and how you would see it: faster decisions, fewer tickets, a rate.")
    n_problem, n_question = len(_WORDS.findall(problem)), len(_WORDS.findall(q))
    ok_length = 15 <= n_problem <= 120 and 5 <= n_question <= 40
    result.add("Length", ok_length, f"problem {n_problem} words (aim for 15–120), question {n_question} words "
               "(aim for 5–40).")
    done = len(result.passed)
    result.summary = f"{done} of {len(result.checks)} checks met." + (
        " Clear, and it leaves the team room to think." if done == len(result.checks) else "")
    return result
