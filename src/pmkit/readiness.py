"""Module 00's readiness self-assessment: load the questions, score the answers, keep the history.

The questions live in ``datasets/readiness_questions.csv`` (one row per question; see the data
dictionary in ``datasets/README.md``). Each question belongs to one of five areas, and each answer
is a whole number from 0 to 4, chosen from five written anchors.

How a result is worked out (the notebook explains the same rules in plain words):

* **Area score** = weighted mean of the area's answers ÷ 4 × 100, so 0 to 100. Most questions have
  weight 1; the one question per area that is the clearest evidence of the skill has weight 2.
* **Total** = the plain mean of the five area scores. Each area counts the same however many
  questions it has, because each is a separate skill with its own module, and a strong area should
  not hide a weak one by having more questions.
* **Top gaps** = the areas scoring below :data:`GAP_THRESHOLD` (60), weakest first, at most
  :data:`MAX_GAPS` (3). When no area is below 60, the single weakest area is returned instead (and
  :attr:`Result.gaps_below_threshold` is empty, so the wording can say so). Ties are broken by the
  fixed order of :data:`AREAS`, which is the order of the course's modules.
* **Route** = an order through modules 01 to 07, each step with a reason that quotes your scores:
  01 first (it is short and frames the rest); then the modules of your top gaps, weakest first; then
  the remaining skill modules 02-05, weakest first; then 06 if it is not already placed; 07 last.

Results are saved in ``<work_dir>/00-start-here/readiness.json`` (``my-work/`` by default) as
``{"version": 1, "attempts": [...]}``, oldest attempt first. Writes are atomic. A damaged file is
moved aside to ``readiness.json.bak-<timestamp>`` with a printed message and never deleted; when
only some attempts are damaged, the good ones are kept in a fresh file.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import numbers
import os
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import paths, work
from .data import DataError, Problem

__all__ = [
    "AREAS",
    "AREA_TITLES",
    "AREA_MODULES",
    "MODULE_TITLES",
    "GAP_THRESHOLD",
    "MAX_GAPS",
    "SCALE_MAX",
    "COLUMNS",
    "RESULTS_MODULE",
    "RESULTS_FILE",
    "HISTORY_VERSION",
    "Question",
    "RouteStep",
    "Result",
    "load_questions",
    "parse_answer",
    "score",
    "summary",
    "format_score",
    "is_gap",
    "top_gaps",
    "results_path",
    "save_attempt",
    "load_history",
    "latest",
    "start_over",
]

#: The five areas, in the course's module order (also the tie-break order).
AREAS: tuple[str, ...] = ("discovery", "prioritization", "stakeholders", "writing", "transition")
AREA_TITLES: dict[str, str] = {
    "discovery": "Customer discovery",
    "prioritization": "Prioritization",
    "stakeholders": "Stakeholders and influence",
    "writing": "Writing for non-technical readers",
    "transition": "Transition readiness",
}
#: The module that works on each area.
AREA_MODULES: dict[str, str] = {
    "discovery": "02",
    "prioritization": "03",
    "stakeholders": "04",
    "writing": "05",
    "transition": "06",
}
MODULE_TITLES: dict[str, str] = {
    "01": "What transfers from engineering",
    "02": "Customer discovery",
    "03": "Prioritization",
    "04": "Stakeholders and influence",
    "05": "Writing for non-technical readers",
    "06": "Landing the role",
    "07": "After the switch",
}
#: What each area's module gives you, used in the route's reasons.
_MODULE_OFFERS: dict[str, str] = {
    "discovery": "It teaches you to find the problem worth solving before anyone designs a fix.",
    "prioritization": "It teaches you to choose what to build and argue for it in business terms.",
    "stakeholders": "It teaches you to build agreement with people who do not report to you.",
    "writing": "It teaches you to write short, decision-first documents for readers who are not engineers.",
    "transition": "It covers the routes into a first PM role, the interviews and the evidence to show.",
}

#: An area scoring below this is a gap. An area at exactly 60 is not.
GAP_THRESHOLD = 60.0
#: At most this many areas are reported as top gaps.
MAX_GAPS = 3
#: Answers run from 0 to this value.
SCALE_MAX = 4
#: Columns of the questions file, in order.
COLUMNS = ("id", "area", "question", "anchor_0", "anchor_1", "anchor_2", "anchor_3", "anchor_4", "weight", "why")
_ANCHORS = COLUMNS[3:8]
_MAX_WEIGHT = 10.0

RESULTS_MODULE = "00-start-here"
RESULTS_FILE = "readiness.json"
HISTORY_VERSION = 1

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")
_ORDINALS = ("weakest", "second-weakest", "third-weakest")
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _count(n: int) -> str:
    return _NUMBER_WORDS.get(n, str(n))


# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    """One question of the self-assessment. ``anchors[k]`` describes answer ``k`` (0 to 4)."""

    id: str
    area: str
    question: str
    anchors: tuple[str, ...]
    weight: float = 1.0
    why: str = ""
    line: int | None = None  # where it came from in the file (the header is line 1)

    @property
    def area_title(self) -> str:
        return AREA_TITLES.get(self.area, self.area)


def _show(value: Any, limit: int = 40) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if text.isprintable() else repr(text.encode("unicode_escape").decode("ascii"))


def _default_questions_path() -> Path:
    return paths.DATASETS_DIR / "readiness_questions.csv"


def _parse_weight(text: str) -> float:
    """A cell of the weight column -> float. Blank means 1. Raises ValueError with the reason."""
    if text == "":
        return 1.0
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{_show(text)} is not a number") from None
    if not math.isfinite(value) or value <= 0 or value > _MAX_WEIGHT:
        raise ValueError(f"{_show(text)} is outside the range")
    return value


def load_questions(path: str | os.PathLike | None = None) -> list[Question]:
    """Read and check the self-assessment's questions.

    ``path`` defaults to ``datasets/readiness_questions.csv``. The file is never changed. Every
    problem is reported at once in a :class:`pmkit.data.DataError`, each with the line (the header
    is line 1), the column and what was expected: missing columns, blank or duplicate ids, unknown
    areas, blank questions, anchors or reasons, bad weights, and areas with no questions.
    """
    path = Path(path) if path is not None else _default_questions_path()
    source = path.name
    if not path.is_file():
        raise FileNotFoundError(f"There is no questions file at {path}. The course's own file is "
                                f"{_default_questions_path()}.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError([Problem(None, None, None, f"the file is not UTF-8 text (byte {err.start}). "
                                 "Save it from your editor or spreadsheet as 'CSV UTF-8'.")], source) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    problems: list[Problem] = []
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError([Problem(1, None, None, "the file is empty. Expected a header row with the columns "
                                 + ", ".join(COLUMNS) + ".")], source)

    header = [cell.strip().lower().lstrip("\ufeff") for cell in rows[0]]
    missing = [col for col in COLUMNS if col not in header]
    for col in missing:
        close = difflib.get_close_matches(col, [h for h in header if h not in COLUMNS], n=1)
        hint = f" The header has {_show(close[0])}: is that it, misspelled?" if close else ""
        problems.append(Problem(1, col, None, f"the column is missing. Expected the columns "
                                f"{', '.join(COLUMNS)}.{hint}"))
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    for col in dupes:
        problems.append(Problem(1, col, None, "the header names this column more than once; keep one."))
    if problems:
        raise DataError(problems, source)
    position = {col: header.index(col) for col in COLUMNS}

    questions: list[Question] = []
    seen: dict[str, int] = {}
    data_rows = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        data_rows += 1
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            problems.append(Problem(number, None, None, f"the line has {len(row)} cells but the header has "
                                    f"{len(header)}. Check for a comma in a cell that is not inside quotes."))
            continue

        def cell(col: str) -> str:
            i = position[col]
            return row[i].strip() if i < len(row) else ""

        row_problems: list[Problem] = []
        qid = cell("id")
        if not qid:
            row_problems.append(Problem(number, "id", None, "the id is blank. Give each question a short id "
                                        "such as D1."))
        elif not _ID.match(qid):
            row_problems.append(Problem(number, "id", qid, f"{_show(qid)} is not a usable id. Use a letter "
                                        "followed by letters or digits, such as D1."))
        elif qid.upper() in seen:
            row_problems.append(Problem(number, "id", qid, f"{_show(qid)} is used twice (first on line "
                                        f"{seen[qid.upper()]}). Each question needs its own id."))
        else:
            seen[qid.upper()] = number
        area = cell("area").lower()
        if area not in AREAS:
            close = difflib.get_close_matches(area, AREAS, n=1)
            hint = f" Did you mean {_show(close[0])}?" if close else ""
            shown = _show(cell("area")) if area else "the blank cell"
            row_problems.append(Problem(number, "area", cell("area"), f"{shown} is not an area. Expected one "
                                        f"of {', '.join(AREAS)}.{hint}"))
        for col, what in (("question", "the question"), ("why", "one sentence on why the behaviour matters")):
            if not cell(col):
                row_problems.append(Problem(number, col, None, f"the cell is blank. Expected {what}."))
        for k, col in enumerate(_ANCHORS):
            if not cell(col):
                row_problems.append(Problem(number, col, None, f"the cell is blank. Expected a concrete "
                                            f"description of answer {k}."))
        try:
            weight = _parse_weight(cell("weight"))
        except ValueError as err:
            row_problems.append(Problem(number, "weight", cell("weight"), f"{err}. Expected a number above 0 "
                                        f"and at most {_MAX_WEIGHT:g}, like 1 or 2; leave it blank for 1."))
            weight = 1.0
        if row_problems:
            problems.extend(row_problems)
            continue
        questions.append(Question(
            id=qid, area=area, question=cell("question"),
            anchors=tuple(cell(col) for col in _ANCHORS), weight=weight, why=cell("why"), line=number,
        ))

    if data_rows == 0:
        problems.append(Problem(None, None, None, "the file has a header but no questions."))
    else:
        areas_in_file = {q.area for q in questions}
        bad_area_lines = any(p.column == "area" for p in problems)
        for area in AREAS:
            if area not in areas_in_file:
                note = " (some lines above have an area that could not be read)" if bad_area_lines else ""
                problems.append(Problem(None, "area", area, f"there are no questions for the area {_show(area)}"
                                        f"{note}. Each of the five areas needs at least one question."))
    if problems:
        raise DataError(problems, source)
    return questions


def _questions_or_default(questions: Sequence[Question] | None) -> list[Question]:
    if questions is None:
        return load_questions()
    questions = list(questions)
    if not all(isinstance(q, Question) for q in questions):
        raise ValueError("questions must be a list of Question objects, as load_questions() returns.")
    empty = [a for a in AREAS if not any(q.area == a for q in questions)]
    if empty:
        raise ValueError(f"These areas have no questions: {', '.join(empty)}. Each of the five areas needs "
                         "at least one.")
    return questions


# --------------------------------------------------------------------------------------------
# Answers and scoring
# --------------------------------------------------------------------------------------------
_SCALE_WORDS = f"a whole number from 0 to {SCALE_MAX}"


def parse_answer(value: Any) -> int:
    """One answer -> an int from 0 to 4. Accepts ints, whole floats like ``3.0`` and text like ``"3"``.

    Raises ``ValueError`` with a plain reason (it does not name the question; callers add that).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is not an answer. Use {_SCALE_WORDS}.")
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
            raise ValueError(f"{_show(value)} is not {_SCALE_WORDS}.")
        number = int(float(text))
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        if not math.isfinite(float(value)) or not float(value).is_integer():
            raise ValueError(f"{value!r} is not {_SCALE_WORDS}.")
        number = int(value)
    else:
        raise ValueError(f"a {type(value).__name__} is not an answer. Use {_SCALE_WORDS}.")
    if not 0 <= number <= SCALE_MAX:
        raise ValueError(f"{number} is outside the scale. Use {_SCALE_WORDS}.")
    return number


def _match_ids(answers: Mapping, questions: Sequence[Question]) -> tuple[dict[str, Any], list[str]]:
    """Map answer keys to question ids (case and spaces ignored). Returns (by id, unknown keys)."""
    by_upper = {q.id.upper(): q.id for q in questions}
    matched: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in answers.items():
        qid = by_upper.get(str(key).strip().upper())
        if qid is None:
            unknown.append(str(key))
        else:
            matched[qid] = value
    return matched, unknown


@dataclass(frozen=True)
class RouteStep:
    """One step of the recommended route: a module, its title and why it sits here."""

    module: str
    title: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"module": self.module, "title": self.title, "reason": self.reason}


@dataclass
class Result:
    """A scored self-assessment. Scores run from 0 to 100."""

    total: float
    areas: dict[str, float]
    top_gaps: list[str]
    route: list[RouteStep]
    answers: dict[str, int] = field(default_factory=dict)

    @property
    def gaps_below_threshold(self) -> list[str]:
        """The top gaps that really are below the gap line (empty when every area is at 60 or more)."""
        return [a for a in self.top_gaps if _below(self.areas[a])]

    @property
    def all_above_threshold(self) -> bool:
        return not any(_below(v) for v in self.areas.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "answers": dict(self.answers),
            "total": float(self.total),
            "areas": {a: float(self.areas[a]) for a in AREAS},
            "top_gaps": list(self.top_gaps),
            "route": [step.to_dict() for step in self.route],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Rebuild a result from :meth:`to_dict` (or a saved attempt). Raises ValueError naming
        everything that is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a result must be a set of named values, not a {type(data).__name__}")
        wrong: list[str] = []

        def number(value: Any, what: str) -> float | None:
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
                    or not 0 <= value <= 100:
                wrong.append(f"{what} is {_show(value)}, not a number from 0 to 100")
                return None
            return float(value)

        total = number(data.get("total"), "'total'")
        areas_raw = data.get("areas")
        areas: dict[str, float] = {}
        if not isinstance(areas_raw, Mapping):
            wrong.append("'areas' is missing or not a set of area scores")
        else:
            for a in AREAS:
                if a not in areas_raw:
                    wrong.append(f"the score for {a!r} is missing")
                else:
                    v = number(areas_raw[a], f"the score for {a!r}")
                    if v is not None:
                        areas[a] = v
        gaps = data.get("top_gaps")
        if (not isinstance(gaps, list) or not 1 <= len(gaps) <= MAX_GAPS or len(set(map(str, gaps))) != len(gaps)
                or not all(isinstance(g, str) and g in AREAS for g in gaps)):
            wrong.append(f"'top_gaps' is {_show(gaps)}, not a list of one to {MAX_GAPS} different areas")
        route_raw = data.get("route")
        route: list[RouteStep] = []
        if not isinstance(route_raw, list):
            wrong.append("'route' is missing or not a list")
        else:
            for i, step in enumerate(route_raw, start=1):
                fields = ("module", "title", "reason")
                if isinstance(step, Mapping) and all(isinstance(step.get(k), str) for k in fields):
                    route.append(RouteStep(step["module"], step["title"], step["reason"]))
                else:
                    wrong.append(f"step {i} of 'route' needs text for module, title and reason")
        answers_raw = data.get("answers")
        answers: dict[str, int] = {}
        if not isinstance(answers_raw, Mapping):
            wrong.append("'answers' is missing or not a set of answers")
        else:
            for key, value in answers_raw.items():
                try:
                    answers[str(key)] = parse_answer(value)
                except ValueError as err:
                    wrong.append(f"the answer to {key!s} is wrong: {err}")
        if wrong:
            raise ValueError("; ".join(wrong))
        return cls(total=total, areas=areas, top_gaps=list(gaps), route=route, answers=answers)


def is_gap(value: float) -> bool:
    """True when an area score is below the gap line (60). Exactly 60 is not a gap."""
    # round away the last bit of floating-point noise, so that 59.99999999999999 counts as 60
    return round(float(value), 9) < GAP_THRESHOLD


_below = is_gap


def format_score(value: float) -> str:
    """A score for people: a whole number, unless rounding would carry it across the gap line
    (59.6 is shown as 59.6, never as 60)."""
    shown = str(math.floor(float(value) + 0.5))  # halves round up: 62.5 -> 63
    if (float(shown) < GAP_THRESHOLD) != _below(value):
        return f"{math.floor(value * 10) / 10:.1f}"
    return shown


def _check_answers(answers: Any, questions: Sequence[Question]) -> dict[str, int]:
    if not isinstance(answers, Mapping):
        raise ValueError(f"Your answers must be a dict of question id -> {_SCALE_WORDS}, like "
                         f"{{'{questions[0].id}': 3, ...}}; got a {type(answers).__name__}.")
    matched, unknown = _match_ids(answers, questions)
    clean: dict[str, int] = {}
    missing: list[str] = []
    invalid: list[str] = []
    for q in questions:
        value = matched.get(q.id)
        if q.id not in matched or value is None or (isinstance(value, str) and not value.strip()):
            missing.append(q.id)
            continue
        try:
            clean[q.id] = parse_answer(value)
        except ValueError as err:
            invalid.append(f"{q.id}: {err}")
    lines: list[str] = []
    if missing:
        lines.append(f"No answer yet for {len(missing)} question{'s' if len(missing) != 1 else ''}: "
                     f"{', '.join(missing)}. Give each one {_SCALE_WORDS}.")
    lines += invalid
    if unknown:
        lines.append(f"There is no question called {', '.join(_show(u) for u in unknown)}. Check the id"
                     f"{'s' if len(unknown) != 1 else ''}; the questions run "
                     f"{questions[0].id} to {questions[-1].id}.")
    if lines:
        raise ValueError("Your answers could not be scored yet:\n- " + "\n- ".join(lines))
    return clean


def _order(areas: Mapping[str, float], among: Iterable[str]) -> list[str]:
    """Weakest first; ties in the fixed order of AREAS."""
    return sorted(among, key=lambda a: (round(areas[a], 9), AREAS.index(a)))


def top_gaps(areas: Mapping[str, float]) -> list[str]:
    """The areas below the gap line, weakest first, at most MAX_GAPS; else the single weakest."""
    below = [a for a in AREAS if _below(areas[a])]
    if below:
        return _order(areas, below)[:MAX_GAPS]
    return _order(areas, AREAS)[:1]


def _route(total: float, areas: Mapping[str, float], gaps: list[str]) -> list[RouteStep]:
    def step(module: str, reason: str) -> RouteStep:
        return RouteStep(module, MODULE_TITLES[module], reason)

    steps = [step("01", f"Your total is {format_score(total)}/100. Start with this short module whatever "
                        "your scores: it shows which engineering habits help in product work and which get "
                        "in the way, and every later module builds on it.")]
    placed = {"01"}
    any_below = any(_below(areas[a]) for a in AREAS)
    for rank, area in enumerate(gaps):
        title, s = AREA_TITLES[area], format_score(areas[area])
        if any_below:
            reason = (f"Your {title} score is {s}/100, below the gap line of {GAP_THRESHOLD:.0f}: your "
                      f"{_ORDINALS[rank]} area, so it comes early. {_MODULE_OFFERS[area]}")
        else:
            reason = (f"None of your areas is below {GAP_THRESHOLD:.0f}. {title} is your lowest at {s}/100, "
                      f"so it comes next. {_MODULE_OFFERS[area]}")
        steps.append(step(AREA_MODULES[area], reason))
        placed.add(AREA_MODULES[area])

    def later_reason(area: str) -> str:
        title, s = AREA_TITLES[area], format_score(areas[area])
        if _below(areas[area]):
            return (f"Your {title} score is {s}/100, also below {GAP_THRESHOLD:.0f}. It comes after your "
                    f"{_count(len(gaps))} weakest areas, but do not skip it. {_MODULE_OFFERS[area]}")
        return (f"Your {title} score is {s}/100, at or above {GAP_THRESHOLD:.0f}, so treat this module as a "
                "refresher: skim what you already do and spend your time on the exercises.")

    skills = [a for a in AREAS if a != "transition" and AREA_MODULES[a] not in placed]
    for area in _order(areas, skills):
        steps.append(step(AREA_MODULES[area], later_reason(area)))
        placed.add(AREA_MODULES[area])
    if "06" not in placed:
        steps.append(step("06", later_reason("transition") + " It sits after the skill modules because the "
                          "evidence it asks you to show comes from their exercises."))
    steps.append(step("07", "Last, because it turns your results into a plan: it reads your saved "
                            f"self-assessment (total {format_score(total)}/100) and builds a 12-month plan "
                            "around your gaps."))
    return steps


def score(answers: Mapping[str, Any], questions: Sequence[Question] | None = None) -> Result:
    """Score a complete set of answers (question id -> 0..4).

    Raises ``ValueError`` listing, in plain words, every missing answer, every answer that is not a
    whole number from 0 to 4, and every id that is not a question. ``questions`` defaults to the
    course's file (:func:`load_questions`).
    """
    questions = _questions_or_default(questions)
    clean = _check_answers(answers, questions)
    areas: dict[str, float] = {}
    for area in AREAS:
        items = [q for q in questions if q.area == area]
        weighted = sum(q.weight * clean[q.id] for q in items)
        # multiply before dividing, so that 12 of 20 points is exactly 60.0 (not 60.000000000000007)
        areas[area] = 100.0 * weighted / (SCALE_MAX * sum(q.weight for q in items))
    total = sum(areas.values()) / len(AREAS)
    gaps = top_gaps(areas)
    return Result(total=total, areas=areas, top_gaps=gaps, route=_route(total, areas, gaps), answers=clean)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def summary(result: Result) -> str:
    """The result in three to five plain sentences."""
    areas = result.areas
    order = _order(areas, AREAS)
    weakest, strongest = order[0], order[-1]
    sentences = [f"Your readiness score is {format_score(result.total)} out of 100."]
    if areas[weakest] == areas[strongest]:
        sentences.append(f"All five areas score the same, {format_score(areas[weakest])}.")
    else:
        sentences.append(f"Your strongest area is {AREA_TITLES[strongest]} ({format_score(areas[strongest])}) "
                         f"and your weakest is {AREA_TITLES[weakest]} ({format_score(areas[weakest])}).")
    below = [a for a in AREAS if _below(areas[a])]
    gaps = result.gaps_below_threshold
    if not below:
        sentences.append(f"No area is below {GAP_THRESHOLD:.0f}, the line this course uses for a gap, so your "
                         f"lowest area, {AREA_TITLES[weakest]}, is the one to work on first.")
    else:
        names = _join([AREA_TITLES[a] for a in gaps])
        count = len(below)
        if count == len(AREAS):
            lead = "All five areas are"
        elif count > 1:
            lead = f"{_count(count).capitalize()} of the five areas are"
        else:
            lead = "One area is"
        extra = (f"; the course starts with the weakest {_count(len(gaps))}: {names}" if count > len(gaps)
                 else f": {names}")
        sentences.append(f"{lead} below {GAP_THRESHOLD:.0f}, the line this course uses for a gap{extra}.")
    first_gap = next((s for s in result.route if s.module != "01"), None)
    if first_gap is not None:
        sentences.append(f"After the short Module 01, go to Module {first_gap.module} ({first_gap.title}).")
    sentences.append("The score describes what you have done so far, not what you can learn, so retake the "
                     "assessment in four to six weeks to see it move.")
    return " ".join(sentences)


# --------------------------------------------------------------------------------------------
# Saving and history
# --------------------------------------------------------------------------------------------
def results_path() -> Path:
    """``<work_dir>/00-start-here/readiness.json`` (it may not exist yet)."""
    return paths.work_dir() / RESULTS_MODULE / RESULTS_FILE


# The work folder's own helpers: how a path is shown, the name of a backup, an atomic write.
_shown = work.shown_path
_backup_name = work.backup_path


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    work.write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


class _Blocked(Exception):
    """The results file is unreadable and could not be moved aside: never overwrite it."""


def _when(taken_at: str) -> datetime:
    moment = datetime.fromisoformat(taken_at)
    return moment if moment.tzinfo else moment.astimezone()  # naive = local time


def _check_attempt(attempt: Any) -> dict[str, Any]:
    """A clean copy of a saved attempt, or ValueError saying what is wrong with it."""
    if not isinstance(attempt, Mapping):
        raise ValueError(f"it is a {type(attempt).__name__}, not a set of named values")
    taken_at = attempt.get("taken_at")
    problems = []
    if not isinstance(taken_at, str):
        problems.append("'taken_at' is missing")
    else:
        try:
            _when(taken_at)
        except ValueError:
            problems.append(f"'taken_at' is {_show(taken_at)}, not a date and time like 2026-07-14T09:30:00")
    try:
        result = Result.from_dict(attempt)
    except ValueError as err:
        problems.append(str(err))
    if problems:
        raise ValueError("; ".join(problems))
    return {"taken_at": taken_at, **result.to_dict()}


def _move_aside(path: Path, reason: str) -> Path:
    backup = _backup_name(path)
    try:
        os.replace(path, backup)
    except OSError as err:
        print(f"Your saved self-assessment results in {_shown(path)} could not be read ({reason}), and moving "
              f"the file aside failed too ({err}). The file was left as it is, and new results will not be "
              "saved until you move or fix it.")
        raise _Blocked from err
    print(f"Your saved self-assessment results in {_shown(path)} could not be read ({reason}). The file was "
          f"moved to {backup.name} in the same folder, so nothing is lost. A fresh results file starts with "
          "your next attempt.")
    return backup


def _read_history(path: Path) -> list[dict[str, Any]]:
    """Attempts from the results file, oldest first. Damaged files are moved aside (see module doc)."""
    if not path.exists():
        return []
    try:
        # "utf-8-sig": a file saved by an editor that adds a byte-order mark (Windows Notepad) still reads
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _move_aside(path, "it is not UTF-8 text")
        return []
    except OSError as err:
        print(f"Your saved self-assessment results in {_shown(path)} could not be read ({err}).")
        raise _Blocked from err
    if not text.strip():
        _move_aside(path, "it is empty")
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        _move_aside(path, f"it is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}")
        return []
    if not isinstance(data, dict):
        _move_aside(path, f"it holds a {type(data).__name__}, not a results file")
        return []
    version = data.get("version")
    if isinstance(version, str) and version.strip() == str(HISTORY_VERSION):
        version = HISTORY_VERSION  # a hand edit that put the number in quotes: "1" means 1
    if version != HISTORY_VERSION or isinstance(version, bool):
        if version is None:
            shown = "no version number"
        elif isinstance(version, int) and not isinstance(version, bool):
            shown = f"version {version}"
        else:
            shown = f"version {_show(version)}"
        _move_aside(path, f"it has {shown}, and this course reads version {HISTORY_VERSION}")
        return []
    attempts = data.get("attempts")
    if not isinstance(attempts, list):
        _move_aside(path, "its list of attempts is missing")
        return []
    good: list[dict[str, Any]] = []
    bad: list[str] = []
    for i, attempt in enumerate(attempts, start=1):
        try:
            good.append(_check_attempt(attempt))
        except ValueError as err:
            bad.append(f"attempt {i}: {err}")
    if bad:
        backup = _backup_name(path)
        try:
            shutil.copy2(path, backup)
            _write_atomic(path, {"version": HISTORY_VERSION, "attempts": good})
        except OSError as err:
            print(f"{len(bad)} of the {len(attempts)} attempts in {_shown(path)} could not be read, and the "
                  f"file could not be repaired ({err}). It was left as it is; the {len(good)} readable "
                  "attempt(s) are used for now, but new results will not be saved until you fix the file.")
            raise _Blocked from err
        print(f"{len(bad)} of the {len(attempts)} attempts in {_shown(path)} could not be read and were left "
              f"out: " + "; ".join(bad) + f". The whole file was first copied to {backup.name} in the same "
              f"folder, so nothing is lost, and the {len(good)} good attempt(s) were kept.")
    good.sort(key=lambda a: _when(a["taken_at"]).timestamp())  # stable: equal times keep their order
    return good


def load_history() -> list[dict[str, Any]]:
    """Every saved attempt, oldest first; ``[]`` when there are none.

    Never raises for a damaged file: it is moved aside to ``readiness.json.bak-<timestamp>`` with a
    printed message. When only some attempts are damaged, the file is copied aside and the good
    attempts are kept.
    """
    try:
        return _read_history(results_path())
    except _Blocked:
        return []


def latest() -> dict[str, Any] | None:
    """The most recent saved attempt, or None."""
    history = load_history()
    return history[-1] if history else None


def _timestamp(when: datetime | date | str | None) -> str:
    if when is None:
        return datetime.now().astimezone().replace(microsecond=0).isoformat()
    if isinstance(when, datetime):
        return when.replace(microsecond=0).isoformat()
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day, 12, 0).isoformat()
    if isinstance(when, str):
        try:
            _when(when)
        except ValueError:
            raise ValueError(f"{_show(when)} is not a date and time like 2026-07-14T09:30:00.") from None
        return when
    raise ValueError(f"'when' must be a datetime, a date or ISO-8601 text, not a {type(when).__name__}.")


def save_attempt(result: Result | Mapping[str, Any], when: datetime | date | str | None = None) -> Path:
    """Add a scored attempt to your history and return the results file's path.

    The file is replaced in one step, so a crash never leaves half a file. ``when`` defaults to now.
    """
    if not isinstance(result, Result):
        result = Result.from_dict(result)
    attempt = _check_attempt({"taken_at": _timestamp(when), **result.to_dict()})
    path = results_path()
    try:
        history = _read_history(path)
    except _Blocked:
        raise OSError(f"Your result was not saved: {_shown(path)} is in the way (see the message above).") from None
    history.append(attempt)
    history.sort(key=lambda a: _when(a["taken_at"]).timestamp())
    _write_atomic(path, {"version": HISTORY_VERSION, "attempts": history})
    return path


def start_over() -> Path | None:
    """Move your results file aside (to ``readiness.json.bak-<timestamp>``) so the next attempt
    starts a fresh history. Nothing is deleted. Returns where the old file went, or None."""
    path = results_path()
    if not path.exists():
        print("There are no saved results yet, so there is nothing to move.")
        return None
    backup = _backup_name(path)
    os.replace(path, backup)
    print(f"Your earlier results were moved to {_shown(backup)}. Your next attempt starts a fresh history. "
          "To bring the old one back, rename the file to readiness.json.")
    return backup
