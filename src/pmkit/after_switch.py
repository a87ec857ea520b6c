"""Module 07 (After the switch): the "problem or solution?" drill and the exercises' feedback.

* :func:`load_statements` reads ``datasets/problem_or_solution.csv`` (or a file of your own with the
  same columns) and checks every row. A bad file raises :class:`pmkit.data.DataError`, which lists
  every problem at once with its line and column. The file is never changed.
* :func:`check_drill` gives feedback on a set of "problem"/"solution" answers.
* :func:`check_reframes` is a self-check of solution statements rewritten as problems.
* :func:`check_framing` is a self-check of the framing paragraph at the top of a portfolio.
* :func:`keep_answers_dict` saves a dict of answers (one per statement) without losing the answers
  saved earlier, and brings saved answers back into entries that still hold ``...``.

Every ``check_*`` function takes whatever the learner typed and returns a
:class:`pmkit.feedback.Feedback`. None of them raises.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .data import DataError, Problem
from .feedback import Feedback
from .paths import REPO_ROOT, dataset_path
from .work import is_unanswered, load_answer, save_answer

__all__ = [
    "MODULE",
    "DRILL_KEY",
    "STATEMENT_COLUMNS",
    "CHOICES",
    "load_statements",
    "normalise_choice",
    "check_drill",
    "check_reframes",
    "check_framing",
    "keep_answers_dict",
    "keep_drill_answers",
    "shown_path",
    "build_my_plan",
    "check_plan",
]

#: The key under which Module 07 saves its answers (``pmkit.work``).
MODULE = "07-after-the-switch"
#: Where the drill's answers are saved: a dict statement id -> "problem" | "solution".
DRILL_KEY = "problem_or_solution"
#: The columns of ``problem_or_solution.csv``, in order.
STATEMENT_COLUMNS = ("id", "statement", "source_person", "channel", "answer", "explanation", "reframe")
#: The two answers the drill accepts.
CHOICES = ("problem", "solution")

_ID = re.compile(r"^P\d{2,3}$")
_MAX_LEN = {"statement": 300, "source_person": 80, "channel": 40, "explanation": 500, "reframe": 300}


def shown_path(path: Path) -> str:
    """A path as the learner should read it: relative to the course folder when it is inside it."""
    for base in (REPO_ROOT, Path.cwd()):
        try:
            return Path(path).resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            continue
    return str(path)


# ---------------------------------------------------------------------------------------------
# Loading the statements
# ---------------------------------------------------------------------------------------------
def _quote(value: str, limit: int = 40) -> str:
    text = value if len(value) <= limit else value[: limit - 3] + "..."
    return f"'{text}'"


def load_statements(path: str | Path | None = None) -> pd.DataFrame:
    """Load and check the drill's statements. Returns one row per statement, in file order.

    ``path=None`` reads ``datasets/problem_or_solution.csv``. The rules: the seven columns of
    :data:`STATEMENT_COLUMNS` (in any order); ids like ``P01``, unique; no blank statement,
    source, channel, answer or explanation; ``answer`` is ``problem`` or ``solution``; a
    ``solution`` row has a ``reframe`` (the problem behind it) and a ``problem`` row leaves it
    blank. Any broken rule raises :class:`DataError` listing every problem with its line.
    """
    file = Path(path) if path is not None else dataset_path("problem_or_solution.csv")
    label = shown_path(file)
    try:
        raw = file.read_bytes()
    except OSError as err:
        raise DataError(f"the file cannot be read ({err.strerror or err}).", source=label) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(
            f"the file is not UTF-8 text (a byte at position {err.start} cannot be read). "
            "Save it as 'CSV UTF-8' from your spreadsheet.", source=label) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise DataError(f"the file is not valid CSV: {err}.", source=label) from None
    records = [r for r in records if any(cell.strip() for cell in r)] if records else []
    if not records:
        raise DataError("the file is empty. Expected a header row and one row per statement.", source=label)

    header = [h.strip().lower() for h in records[0]]
    problems: list[Problem] = []
    missing = [c for c in STATEMENT_COLUMNS if c not in header]
    if missing:
        problems.append(Problem(1, None, None, f"the header lacks the column(s) {', '.join(missing)}. "
                                f"Expected the columns {', '.join(STATEMENT_COLUMNS)}."))
    extra = [h for h in header if h and h not in STATEMENT_COLUMNS]
    if extra:
        problems.append(Problem(1, None, None, f"unknown column(s) {', '.join(extra)}. "
                                f"Expected only {', '.join(STATEMENT_COLUMNS)}."))
    if problems:
        raise DataError(problems, source=label)

    # Line numbers as a spreadsheet shows them: the header is line 1. Quoted cells may span
    # lines, so count physical lines with a second reader.
    line_numbers = _record_lines(text)
    rows = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records[1:], start=1):
        line = line_numbers[index] if index < len(line_numbers) else index + 1
        if len(record) != len(header):
            problems.append(Problem(line, None, None, f"this row has {len(record)} cells, but the header has "
                                    f"{len(header)}. Check for a missing or extra comma, or an unquoted comma in a text."))
            continue
        row = {h: cell.strip() for h, cell in zip(header, record)}
        for column in ("id", "statement", "source_person", "channel", "answer", "explanation"):
            if not row[column]:
                problems.append(Problem(line, column, "", "is blank. Every statement needs this."))
        for column, limit in _MAX_LEN.items():
            if len(row[column]) > limit:
                problems.append(Problem(line, column, row[column][:20],
                                        f"is {len(row[column])} characters long. Keep it under {limit}."))
        ident = row["id"]
        if ident:
            if not _ID.match(ident):
                problems.append(Problem(line, "id", ident, f"{_quote(ident)} is not an id like P01 "
                                        "(a capital P and two or three digits)."))
            elif ident in seen:
                problems.append(Problem(line, "id", ident, f"{_quote(ident)} is used twice (first on line {seen[ident]}). "
                                        "Ids must be unique."))
            else:
                seen[ident] = line
        answer = row["answer"].lower()
        if row["answer"] and answer not in CHOICES:
            problems.append(Problem(line, "answer", row["answer"],
                                    f"{_quote(row['answer'])} is not an answer. Expected 'problem' or 'solution'."))
        if answer == "solution" and not row["reframe"]:
            problems.append(Problem(line, "reframe", "", "is blank. A solution statement needs its reframe: "
                                    "the problem behind it, in one sentence."))
        if answer == "problem" and row["reframe"]:
            problems.append(Problem(line, "reframe", row["reframe"][:20], "should be blank for a problem statement "
                                    "(the reframe is the problem behind a solution statement)."))
        row["answer"] = answer
        rows.append(row)
    if not problems and not rows:
        problems.append(Problem(None, None, None, "the file has a header but no statements."))
    if problems:
        raise DataError(problems, source=label)
    frame = pd.DataFrame(rows, columns=list(STATEMENT_COLUMNS))
    frame.attrs["source"] = str(file)
    return frame


def _record_lines(text: str) -> list[int]:
    """The file line on which each non-blank CSV record starts (index 0 is the header)."""
    starts = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            break
        if any(cell.strip() for cell in record):
            starts.append(line)
        line = reader.line_num + 1
    return starts


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------
def normalise_choice(value: Any) -> str | None:
    """'Problem', ' solution ', 'p', 's' -> 'problem' / 'solution'; anything else -> None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in CHOICES:
        return text
    if text in ("p", "prob"):
        return "problem"
    if text in ("s", "sol"):
        return "solution"
    return None


def _statements(statements: Any) -> pd.DataFrame | None:
    if isinstance(statements, pd.DataFrame) and not statements.empty:
        return statements
    try:
        return load_statements()
    except (OSError, ValueError):
        return None


_DRILL_TITLE = "Problem or solution?"


def check_drill(answers: Any, statements: Any = None) -> Feedback:
    """Feedback on drill answers: a dict ``{"P01": "problem", ...}``.

    Every answered statement gets a line: right, or wrong with the explanation (and, for a
    solution, the problem behind it). Unknown ids and values other than problem/solution are
    named. Entries still holding ``...`` are counted as not answered yet.
    """
    if is_unanswered(answers) or (isinstance(answers, dict) and all(is_unanswered(v) for v in answers.values())):
        return Feedback(_DRILL_TITLE, answered=False,
                        summary='You have not answered yet: write "problem" or "solution" in place of each ..., '
                                'for example {"P01": "problem"}. Then run this cell again.')
    if not isinstance(answers, dict):
        return Feedback(_DRILL_TITLE, answered=False,
                        summary=f"Your answer is {type(answers).__name__}, but a dict is expected: one entry per "
                                'statement, like {"P01": "problem", "P02": "solution"}.')
    table = _statements(statements)
    if table is None:
        return Feedback(_DRILL_TITLE, answered=False,
                        summary="The statements file could not be loaded, so your answers cannot be checked. "
                                "Run the lesson notebook's setup cell to see why.")
    by_id = {str(r["id"]): r for r in table.to_dict("records")}
    fb = Feedback(_DRILL_TITLE)
    right = wrong = pending = 0
    for key, value in answers.items():
        ident = str(key).strip().upper() if isinstance(key, str) else key
        if ident not in by_id:
            fb.add(f"{key!r}", False, f"there is no statement with this id. The ids run from "
                                      f"{min(by_id)} to {max(by_id)}.")
            continue
        if is_unanswered(value):
            pending += 1
            continue
        choice = normalise_choice(value)
        row = by_id[ident]
        if choice is None:
            fb.add(f"{ident}", False, f'{value!r} is not an answer: write "problem" or "solution".')
            continue
        if choice == row["answer"]:
            right += 1
            fb.add(f"{ident}: {row['answer']}", True, row["explanation"])
        else:
            wrong += 1
            message = f"it is a {row['answer']} statement. {row['explanation']}"
            if row["answer"] == "solution":
                message += f" The problem behind it: {row['reframe']}"
            fb.add(f"{ident}: you said {choice}", False, message)
    done = right + wrong
    fb.summary = f"{right} of {done} right." if done else "No answers to check yet."
    if pending:
        fb.summary += f" {pending} still to answer."
    if done and wrong == 0 and not fb.failed:
        fb.note = "Every answer is right. Now try the harder part: turn each solution into the problem behind it."
    return fb


# Words that name a fix rather than a need. A reframe that still uses them is probably still a solution.
SOLUTION_WORDS = (
    "button", "chatbot", "bot", "connector", "rewrite", "screen", "video", "cache", "caching", "email",
    "dashboard", "feature", "integration", "api", "sso", "single sign-on", "geofence", "geofenced",
    "geofencing", "solver", "push", "price rise", "raise the price", "widget", "page", "menu",
)
_SOLUTION_OPENERS = (
    "add ", "build ", "create ", "make ", "we need", "we should", "let's", "lets ", "switch ", "put ",
    "send ", "integrate ", "implement ", "rewrite ", "move ", "raise ", "use ", "install ", "ship ",
)
_WHO_WORDS = (
    "manager", "managers", "staff", "owner", "owners", "admin", "administrator", "customer", "customers",
    "team", "teams", "prospect", "prospects", "user", "users", "account", "accounts", "scheduler",
    "schedulers", "payroll", "worker", "workers", "employee", "employees", "people", "buyers", "auditors",
    "it ", "squad", "engineers", "trials",
)
_EFFECT_WORDS = (
    "so ", "because", "which", "cannot", "can't", "can not", "wait", "miss", "lose", "late", "stall",
    "error", "errors", "ticket", "tickets", "churn", "too long", "by hand", "re-key", "repeat", "repeats", "fail",
    "costs", "hours", "days",
    "struggle", "give up", "behind", "without", "risk", "slow",
)


def _contains_word(text: str, word: str) -> bool:
    if word.endswith(" ") or " " in word.strip():
        return word in text
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


def _check_one_reframe(ident: str, text: str, row: dict | None) -> tuple[bool, str]:
    lowered = " ".join(text.lower().split()) + " "
    words = len(text.split())
    issues = []
    if words < 8:
        issues.append(f"it is only {words} words: say who has the problem and what it costs them")
    if words > 60:
        issues.append(f"it is {words} words: one or two sentences are enough")
    if any(lowered.startswith(op) for op in _SOLUTION_OPENERS):
        issues.append("it starts like an instruction to build something")
    named = [w.strip() for w in SOLUTION_WORDS if _contains_word(lowered, w)]
    if named:
        issues.append(f"it still names a fix ({', '.join(sorted(set(named)))})")
    if not any(_contains_word(lowered, w) for w in _WHO_WORDS):
        issues.append("it does not say who has the problem (managers, staff, owners, a customer's team...)")
    if not any(_contains_word(lowered, w) for w in _EFFECT_WORDS) and not re.search(r"\d", lowered):
        issues.append("it does not say what the problem costs them (waiting, errors, lost deals, work by hand...)")
    if issues:
        return False, "; ".join(issues) + "."
    return True, "states who has the problem and what it costs, without naming a fix."


_REFRAME_TITLE = "Solutions reframed as problems (a self-check, not a grade)"


def check_reframes(reframes: Any, statements: Any = None) -> Feedback:
    """Self-check of reframes: ``{"P04": "When staff cannot work a shift, ...", ...}``.

    For each reframe it checks that the text says who has the problem and what it costs them,
    does not start like an instruction ("Add...", "We need...") and no longer names a fix
    (button, chatbot, connector...). It then shows the course's own reframe to compare with.
    """
    if is_unanswered(reframes) or (isinstance(reframes, dict) and all(is_unanswered(v) for v in reframes.values())):
        return Feedback(_REFRAME_TITLE, answered=False,
                        summary="You have not answered yet: replace each ... with one or two sentences that state "
                                "the problem behind the solution. Then run this cell again.")
    if not isinstance(reframes, dict):
        return Feedback(_REFRAME_TITLE, answered=False,
                        summary=f"Your answer is {type(reframes).__name__}, but a dict is expected: "
                                '{"P04": "your reframe", ...}.')
    table = _statements(statements)
    by_id = {str(r["id"]): r for r in table.to_dict("records")} if table is not None else {}
    fb = Feedback(_REFRAME_TITLE)
    done = 0
    for key, text in reframes.items():
        ident = str(key).strip().upper() if isinstance(key, str) else str(key)
        row = by_id.get(ident)
        if by_id and row is None:
            fb.add(f"{key!r}", False, "there is no statement with this id.")
            continue
        if row is not None and row["answer"] != "solution":
            fb.add(ident, False, "this statement is already a problem statement; pick a solution statement to reframe.")
            continue
        if is_unanswered(text):
            fb.add(ident, None, "not answered yet.")
            continue
        if not isinstance(text, str):
            fb.add(ident, False, f"write the reframe as text in quotes (got {type(text).__name__}).")
            continue
        done += 1
        ok, message = _check_one_reframe(ident, text, row)
        if row is not None:
            message += f" Compare with the course's reframe: {row['reframe']}"
        fb.add(ident, ok, message)
    fb.summary = f"{done} reframe(s) checked."
    fb.note = ("This check looks for words, not meaning. Read your reframe aloud to someone who has not seen "
               "the solution: could they think of three different ways to solve it?")
    return fb


_FRAMING_TITLE = "Your portfolio's framing paragraph (a self-check, not a grade)"


def check_framing(text: Any) -> Feedback:
    """Self-check of the paragraph that opens the learner's portfolio.

    It should be 60 to 200 words, in the first person, name the case (Rotawise) and the
    problem worked on, and say what the reader will find (discovery, prioritization,
    stakeholders, writing, the plan). It should not claim results the course did not produce.
    """
    if is_unanswered(text):
        return Feedback(_FRAMING_TITLE, answered=False,
                        summary='You have not answered yet: write your paragraph in triple quotes, my_framing = """...""". '
                                "Then run this cell again.")
    if not isinstance(text, str):
        return Feedback(_FRAMING_TITLE, answered=False,
                        summary=f"Write the paragraph as text in quotes (got {type(text).__name__}).")
    lowered = text.lower()
    words = len(text.split())
    fb = Feedback(_FRAMING_TITLE)

    def add(label: str, ok: bool, good: str, hint: str) -> None:
        fb.add(label, ok, good if ok else hint)

    add("Length", 60 <= words <= 200, f"{words} words.",
        f"{words} words; aim for 60 to 200, because a reader skims this paragraph first.")
    add("First person", bool(re.search(r"\b(i|my|i'm|i've)\b", lowered)), "you say what you did.",
        "say what you did yourself: 'I interviewed...', 'I ranked...'.")
    add("Names the case", "rotawise" in lowered, "the reader knows which company the work is about.",
        "name Rotawise, the course's fictional rota app, so that no reader mistakes it for a real job.")
    add("Says it is a course case study",
        any(w in lowered for w in ("course", "case study", "fictional", "exercise")),
        "you are open about where the work comes from.",
        "say that this is a course case study; be open about where the work comes from.")
    topics = [t for t in ("discover", "interview", "insight", "priorit", "stakeholder", "writ", "summary", "plan")
              if t in lowered]
    add("Says what is inside", len(topics) >= 2, "the reader knows what to look for.",
        "name at least two kinds of work the reader will find (discovery, prioritization, stakeholders, writing...).")
    claims = [w for w in ("increased revenue", "grew revenue", "launched", "shipped", "delivered", "saved the company")
              if w in lowered]
    add("Claims only what you did", not claims, "no claims of real-world results.",
        f"it says {', '.join(claims)}: the course work is practice, so describe your analysis and decisions, "
        "not results in a real company.")
    return fb


# ---------------------------------------------------------------------------------------------
# Saving dicts of answers
# ---------------------------------------------------------------------------------------------
def keep_answers_dict(module: str, key: str, answers: Any) -> Any:
    """Save a dict of answers under ``key``, merged with what was saved before; bring saved ones back.

    * Entries whose value is a real answer are saved (other saved entries are kept).
    * Entries that still hold ``...`` get the saved value back, with a message.
    * Anything that is not a dict is returned unchanged with a message.

    Returns the dict the notebook should use. Never raises.
    """
    if is_unanswered(answers):
        saved = load_answer(module, key)
        if isinstance(saved, dict) and saved:
            print(f"Brought back your {len(saved)} saved answer(s) for {key!r}.")
            return dict(saved)
        return answers
    if not isinstance(answers, dict):
        print(f"Your answer for {key!r} was not saved: expected a dict like {{\"P01\": ...}}, "
              f"got {type(answers).__name__}.")
        return answers
    try:
        saved = load_answer(module, key)
        saved = dict(saved) if isinstance(saved, dict) else {}
        result = {}
        brought_back = 0
        fresh = {}
        for k, v in answers.items():
            name = str(k)
            if is_unanswered(v):
                if name in saved and not is_unanswered(saved[name]):
                    result[k] = saved[name]
                    brought_back += 1
                else:
                    result[k] = v
            else:
                result[k] = v
                fresh[name] = v
        if fresh:
            merged = {**saved, **fresh}
            path = save_answer(module, key, merged)
            print(f"Saved {len(fresh)} answer(s) for {key!r} in {shown_path(path)}.")
        if brought_back:
            print(f"Brought back {brought_back} saved answer(s) for {key!r} (replace a ... to change one).")
        return result
    except Exception as err:  # noqa: BLE001 - a learner-facing helper must never crash a notebook
        print(f"Your answers for {key!r} were not saved: {err}")
        return answers


def keep_drill_answers(answers: Any) -> Any:
    """:func:`keep_answers_dict` for the drill: saves into ``07-after-the-switch`` / ``problem_or_solution``.

    Answers are stored in the same form the drill widget uses ("problem" or "solution", in
    lower case); values that are neither are not saved (the check explains why).
    """
    if isinstance(answers, dict):
        cleaned = {}
        for k, v in answers.items():
            choice = normalise_choice(v)
            key = str(k).strip().upper() if isinstance(k, str) else k
            cleaned[key] = choice if choice is not None else (v if is_unanswered(v) else ...)
        kept = keep_answers_dict(MODULE, DRILL_KEY, cleaned)
        if isinstance(kept, dict):
            # keep the learner's own (unsaved) wrong values visible to the check
            for k, v in answers.items():
                key = str(k).strip().upper() if isinstance(k, str) else k
                if normalise_choice(v) is None and not is_unanswered(v):
                    kept[key] = v
        return kept
    return keep_answers_dict(MODULE, DRILL_KEY, answers)


# ---------------------------------------------------------------------------------------------
# The plan exercise
# ---------------------------------------------------------------------------------------------
def build_my_plan(hours: Any, path: Any, start: Any, save: bool = True):
    """Build (and by default save) your plan from the exercise's three answers. Never raises.

    ``path`` may be "from module 06" to use the path you chose there. Saving writes Module 07's
    "plan" answer (the portfolio reads it), ``my-12-month-plan.md`` and ``my-12-month-plan.ics``.
    Returns the :class:`pmkit.plan.Plan`, or None (with a message) when an answer is missing or
    unusable.
    """
    from . import plan as pl

    if any(is_unanswered(v) for v in (hours, path, start)):
        print("Fill in my_hours, my_path and my_start first, then run this cell again.")
        return None
    try:
        chosen = None if isinstance(path, str) and "06" in path else path
        plan = pl.build_plan(hours, chosen)
        start_day = pl._as_date(start)
        if save:
            paths = pl.save_plan(plan, start_day)
            for kind in ("markdown", "ics"):
                print(f"Saved {shown_path(paths[kind])}")
            print(f"(The plan is also saved in {shown_path(paths['answers'])}, for your portfolio.)")
        return plan
    except (ValueError, OSError, ImportError) as err:
        print(f"Your plan was not built: {err}")
        return None


_PLAN_TITLE = "Your 12-month plan"


def check_plan(plan: Any) -> Feedback:
    """Checklist for the plan exercise: is it yours, does the move fit in the year, is it saved?"""
    from . import plan as pl

    if plan is None or is_unanswered(plan):
        return Feedback(_PLAN_TITLE, answered=False,
                        summary="No plan yet: fill in the three answers above and run both cells again.")
    if not isinstance(plan, pl.Plan):
        return Feedback(_PLAN_TITLE, answered=False,
                        summary=f"This is {type(plan).__name__}, not a plan. Build it with build_my_plan(...).")
    fb = Feedback(_PLAN_TITLE)
    fb.summary = (f"{plan.path}, {pl._hours(plan.hours_per_week)} a week: {plan.move_label.lower()} in month "
                  f"{plan.move_month}, a first PM role from month {plan.role_month}.")
    if plan.profile == "self-assessment":
        fb.add("Built from your self-assessment", True, "its weakest areas set the focus of the months.")
    else:
        fb.add("Built from your self-assessment", None,
               "it uses the course's generic profile. Take the self-assessment in Module 00, then rebuild it.")
    inside = plan.move_month <= 12
    fb.add("The ask or first applications fall inside the year", inside,
           f"month {plan.move_month}." if inside else
           f"month {plan.move_month} is after the plan. Protect more hours, or accept the longer road and say so.")
    saved = load_answer(MODULE, "plan")
    same = isinstance(saved, dict) and {k: v for k, v in saved.items() if k not in ("start_date", "version")} == \
        {k: v for k, v in plan.to_dict().items() if k != "version"}
    fb.add("Saved for your portfolio", same,
           "the portfolio will include it." if same else "run build_my_plan(...) with save=True to save it.")
    ics = pl.plan_files()["ics"]
    fb.add("Calendar file", ics.exists(),
           f"import {shown_path(ics)} into your calendar app." if ics.exists() else "not written yet.")
    return fb
