"""Interview practice for Module 06: CIRCLES, STAR, and an estimation trainer with calibration.

* **CIRCLES** (Lewis Lin, *Decode and Conquer*) is a scaffold for product-sense questions:
  Comprehend the situation, Identify the customer, Report the customer's needs, Cut through
  prioritization, List solutions, Evaluate trade-offs, Summarize your recommendation.
  :func:`check_circles` names the steps that are empty or thin.
* **STAR** (Situation, Task, Action, Result) shapes a behavioural answer. :func:`check_star` checks
  that the result is measurable, that the action says what *you* did ("I", not only "we"), and the
  length and balance of the story.
* **Calibration**: for each question of ``datasets/estimation_questions.csv`` the learner gives a
  range they are 90% sure holds the true answer. :func:`score_calibration` reports the hit rate
  (about 90% is well calibrated; far less is overconfident) and the interval score of Gneiting and
  Raftery (2007), "Strictly proper scoring rules, prediction, and estimation", *Journal of the
  American Statistical Association* 102(477), section 6.2. For a central (1 - alpha) interval
  [l, u] and true value x::

      IS = (u - l) + (2 / alpha) * (l - x) * [x < l] + (2 / alpha) * (x - u) * [x > u]

  With alpha = 0.1 a miss costs 20 times the distance by which the range missed, so the score
  rewards narrow ranges only while they still hold the answer. Lower is better.

  The questions mix units (metres, millions of people, pounds), so the *mean* interval score
  divides each question's score by its true answer first: it is unit-free, and 0.10 means "on
  average, a cost of 10% of the true value".

* Every attempt can be saved to the learner's work folder (``my-work/06-landing-the-role/
  answers.json``, key ``"calibration"``: a list of attempts, oldest first) with
  :func:`save_attempt`, and read back with :func:`load_history`. Saving goes through
  :mod:`pmkit.work`, so writes are atomic and a broken file is moved aside, never lost.

The ``check_*`` functions are feedback functions: they never raise, whatever the learner typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from . import work
from .data import DataError, Problem
from .feedback import Feedback
from .paths import dataset_path
from .work import is_unanswered

__all__ = [
    "MODULE",
    "CIRCLES_STEPS",
    "STAR_PARTS",
    "check_circles",
    "check_star",
    "star_text",
    "Question",
    "load_estimation_questions",
    "interval_score",
    "parse_bound",
    "split_range",
    "validate_ranges",
    "CalibrationResult",
    "score_calibration",
    "check_calibration",
    "filled_ranges",
    "blank_ranges",
    "question_table",
    "range_template",
    "EXAMPLE_RANGES",
    "HISTORY_KEY",
    "save_attempt",
    "load_history",
    "history_table",
    "history_figure",
    "results_figure",
    "ALPHA",
]

MODULE = "06-landing-the-role"
HISTORY_KEY = "calibration"
ALPHA = 0.1  # a 90% interval

_WORDS = re.compile(r"[A-Za-z0-9£$€%][A-Za-z0-9£$€%'’\-.,]*")


def _count_words(text: str) -> int:
    return len(_WORDS.findall(text))


def _type_name(value: Any) -> str:
    names = {"str": "text", "int": "a whole number", "float": "a number", "list": "a list", "tuple": "a tuple",
             "dict": "a dict", "set": "a set", "bool": "True/False"}
    return names.get(type(value).__name__, f"a {type(value).__name__}")


def _key(text: Any) -> str:
    return re.sub(r"[^a-z]+", "_", str(text).lower()).strip("_")


# =============================================================================================
# CIRCLES
# =============================================================================================
#: (key, step name, prompt). Step names after Lewis Lin's CIRCLES Method.
CIRCLES_STEPS = (
    ("comprehend", "Comprehend the situation",
     "What is being asked, and why now? Ask your clarifying questions and state the goal and your assumptions."),
    ("identify", "Identify the customer",
     "Who are the possible users? Pick one group to focus on and say why."),
    ("report", "Report the customer's needs",
     "What does that user need, want or struggle with? List two or more needs, in their words."),
    ("cut", "Cut through prioritization",
     "Which need matters most, and why that one first?"),
    ("list", "List solutions",
     "Give at least three different ideas that meet the chosen need, from simple to bold."),
    ("evaluate", "Evaluate trade-offs",
     "Weigh the ideas: benefit, cost, risk and what each one gives up."),
    ("summarize", "Summarize your recommendation",
     "Say what you would build first, for whom, and how you would know it worked."),
)
CIRCLES_KEYS = tuple(k for k, _, _ in CIRCLES_STEPS)
_CIRCLES_MIN_WORDS = {"comprehend": 10, "identify": 8, "report": 12, "cut": 8, "list": 12, "evaluate": 12,
                      "summarize": 10}

_USERS = re.compile(
    r"\b(customers?|users?|managers?|schedulers?|staff|workers?|employees?|owners?|admins?|operators?|segments?|"
    r"persona\w*|multi-?site|independents?|enterprises?|buyers?|teams?|people|HR|payroll|area managers?|"
    r"site managers?|shift workers?)\b", re.IGNORECASE)
_FOCUS = re.compile(r"\b(focus\w*|choose|chose|pick\w*|target\w*|primary|main|first|start with|most)\b", re.IGNORECASE)
_CLARIFY = re.compile(r"\?|\b(goal|assum\w*|clarif\w*|metric\w*|success|why|constraint\w*|scope|objective|"
                      r"retention|activation|revenue)\b", re.IGNORECASE)
_NEEDS = re.compile(r"\b(needs?|wants?|pains?|struggl\w*|frustrat\w*|so that|have to|has to|can'?t|cannot|"
                    r"wait\w*|miss\w*|hard|slow|worr\w*|afraid|trust|time|hours?)\b", re.IGNORECASE)
_CUT = re.compile(r"\b(because|since|most|biggest|largest|highest|first|priorit\w*|focus\w*|matters?|"
                  r"more than|rather than|over)\b", re.IGNORECASE)
_TRADE = re.compile(r"\b(but|however|cost\w*|risk\w*|trade-?offs?|downsides?|versus|vs\.?|effort|pros?|cons?|"
                    r"cheap\w*|expensive|quick\w*|slow\w*|harder|easier|gives? up|at the expense)\b", re.IGNORECASE)
_RECOMMEND = re.compile(r"\b(recommend\w*|I would|I'd|I will|build|ship|start with|first|launch|test|pilot)\b",
                        re.IGNORECASE)
_MEASURE = re.compile(r"\b(measur\w*|metric\w*|success|know it worked|retention|activation|rate|%|percent|"
                      r"per cent|target|goal)\b", re.IGNORECASE)


def _items(text: str) -> int:
    """How many separate ideas a text lists: bullet lines, numbered lines, semicolons or sentences."""
    lines = [ln for ln in text.splitlines() if re.match(r"^\s*(?:[-*•]|\d+[.)])\s+\S", ln)]
    semis = len([p for p in re.split(r";", text) if p.strip()])
    sentences = len([p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if _count_words(p) >= 3])
    return max(len(lines), semis, sentences)


def _step_lookup(answer: Mapping) -> tuple[dict[str, str], list[str]]:
    names = {_key(name): k for k, name, _ in CIRCLES_STEPS}
    names.update({k: k for k in CIRCLES_KEYS})
    names.update({"summarise": "summarize", "summarise_your_recommendation": "summarize",
                  "cut_through_prioritisation": "cut", "evaluate_tradeoffs": "evaluate",
                  "evaluate_trade_offs": "evaluate", "cut_through_prioritization": "cut"})
    found: dict[str, str] = {}
    unknown: list[str] = []
    for raw_key, value in answer.items():
        step = names.get(_key(raw_key))
        if step is None:
            unknown.append(str(raw_key))
            continue
        found[step] = value
    return found, unknown


def check_circles(answer: Any, question: str | None = None) -> Feedback:
    """Self-check a CIRCLES answer: a dict from step to text (keys like "comprehend" or the step names).

    Names every step that is empty or thin, and says what a strong version of it holds. Never raises.
    """
    title = "Your CIRCLES answer" + (f": {question}" if question else "")
    try:
        return _check_circles(answer, title)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(title, answered=False, summary=f"Your answer could not be checked ({type(err).__name__}: {err}).")


def _check_circles(answer: Any, title: str) -> Feedback:
    example = '{"comprehend": "...", "identify": "...", ...}'
    if is_unanswered(answer) or (isinstance(answer, Mapping) and all(is_unanswered(v) for v in answer.values())):
        return Feedback(title, answered=False, summary=(
            f"You have not answered yet: write a dict with one text per step, like {example}. "
            "The seven keys are: " + ", ".join(CIRCLES_KEYS) + "."))
    if not isinstance(answer, Mapping):
        return Feedback(title, answered=False, summary=(
            f"Your answer should be a dict with one text per step, like {example}. You gave {_type_name(answer)}."))
    steps, unknown = _step_lookup(answer)
    result = Feedback(title, note="A self-check, not a grade: it looks for signs of each step, so read your answer "
                                   "aloud once as well.")
    empty, thin = [], []
    for key, name, _prompt in CIRCLES_STEPS:
        value = steps.get(key)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = "\n".join(f"- {v}" for v in value)
        if is_unanswered(value):
            result.add(name, False, "empty. " + dict((k, p) for k, _, p in CIRCLES_STEPS)[key])
            empty.append(name)
            continue
        if not isinstance(value, str):
            result.add(name, False, f"should be text, not {_type_name(value)}.")
            thin.append(name)
            continue
        ok, message = _judge_step(key, value)
        result.add(name, ok, message)
        if not ok:
            thin.append(name)
    for key in unknown:
        result.add(f"Key {key!r}", None, "is not a CIRCLES step, so it was not checked. The steps are: "
                   + ", ".join(CIRCLES_KEYS) + ".")
    done = len(result.passed)
    parts = [f"{done} of {len(CIRCLES_STEPS)} steps look complete."]
    if empty:
        parts.append("Empty: " + ", ".join(empty) + ".")
    if thin:
        parts.append("Thin: " + ", ".join(thin) + ".")
    if done == len(CIRCLES_STEPS):
        parts.append("Nicely done. Now say it aloud in under five minutes.")
    result.summary = " ".join(parts)
    return result


def _judge_step(key: str, text: str) -> tuple[bool, str]:
    words = _count_words(text)
    need = _CIRCLES_MIN_WORDS[key]
    if words < need:
        return False, f"thin ({words} words). Aim for at least {need}: " + dict(
            (k, p) for k, _, p in CIRCLES_STEPS)[key]
    if key == "comprehend":
        if _CLARIFY.search(text):
            return True, "you clarify the goal or state assumptions."
        return False, "ask a clarifying question, or state the goal and your assumptions."
    if key == "identify":
        users = sorted({m.group(0).lower() for m in _USERS.finditer(text)})
        if not users:
            return False, "name the users, such as multi-site managers or hourly staff."
        if not _FOCUS.search(text):
            return False, f"you name {', '.join(users[:3])}; now pick one group to focus on and say why."
        return True, f"you name {', '.join(users[:3])} and choose a focus."
    if key == "report":
        if _items(text) < 2:
            return False, "list at least two needs, one per line or sentence."
        if not _NEEDS.search(text):
            return False, "phrase them as needs or pains (\"managers need...\", \"staff wait...\"), not as features."
        return True, f"{_items(text)} needs listed."
    if key == "cut":
        if _CUT.search(text):
            return True, "you pick a need and give a reason."
        return False, "say which need comes first and why (\"because...\")."
    if key == "list":
        n = _items(text)
        if n < 3:
            return False, f"{n} idea(s) found. List at least three, one per line or sentence."
        return True, f"{n} ideas listed."
    if key == "evaluate":
        if _TRADE.search(text):
            return True, "you weigh benefits against costs or risks."
        return False, "compare the ideas: what each costs, risks or gives up, not only what it offers."
    if key == "summarize":
        if not _RECOMMEND.search(text):
            return False, "end with a clear recommendation: what you would build first."
        if not _MEASURE.search(text):
            return False, "you recommend something; add how you would measure success."
        return True, "a clear recommendation with a measure of success."
    raise KeyError(key)  # pragma: no cover


# =============================================================================================
# STAR
# =============================================================================================
STAR_PARTS = (
    ("situation", "Situation", "Where and when? Give just enough context: the team, the product, the problem."),
    ("task", "Task", "What were you responsible for? What was at stake?"),
    ("action", "Action", "What did you do, step by step? Say \"I\", not only \"we\". This is the biggest part."),
    ("result", "Result", "What changed, in numbers if you can? What did you learn?"),
)
STAR_KEYS = tuple(k for k, _, _ in STAR_PARTS)
STAR_MIN_WORDS, STAR_MAX_WORDS = 80, 350

_I = re.compile(r"\b(I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|my|me|myself)\b")
_WE = re.compile(r"\b(we|we're|we’re|we've|we’ve|we'd|we’d|our|us|ourselves)\b", re.IGNORECASE)
_MEASURABLE = re.compile(
    r"(?:[£$€]\s?\d[\d,.]*\s?(?:k|m|bn)?(?!\w)|\b\d[\d,.]*\s?(?:%|percent|per cent|points?|pp|x|times|hours?|days?|"
    r"weeks?|months?|minutes?|customers?|accounts?|users?|tickets?|k|m|bn)(?!\w)|\b(?:doubled|halved|tripled)\b|"
    r"\bfrom\s+\S+\s+to\s+\S+)",
    re.IGNORECASE)
_LEARN = re.compile(r"\b(learn\w*|next time|would do|taught me|lesson)\b", re.IGNORECASE)


def _star_parts(story: Mapping) -> tuple[dict[str, Any], list[str]]:
    found: dict[str, Any] = {}
    unknown: list[str] = []
    for raw_key, value in story.items():
        key = _key(raw_key)
        key = {"s": "situation", "t": "task", "a": "action", "r": "result", "actions": "action",
               "results": "result"}.get(key, key)
        if key in STAR_KEYS:
            found[key] = value
        else:
            unknown.append(str(raw_key))
    return found, unknown


def star_text(story: Any) -> str:
    """The story as one text, part by part (empty parts left out). Never raises."""
    try:
        if not isinstance(story, Mapping):
            return ""
        parts, _ = _star_parts(story)
        return "\n\n".join(f"{label}: {str(parts[k]).strip()}" for k, label, _ in STAR_PARTS
                           if k in parts and not is_unanswered(parts[k]))
    except Exception:  # noqa: BLE001
        return ""


def check_star(story: Any) -> Feedback:
    """Self-check a STAR story: a dict with "situation", "task", "action" and "result" texts.

    Checks every part is there, that the action says what *you* did, that the result is
    measurable, the length (80-350 words) and the balance (the action is the biggest part).
    Never raises.
    """
    title = "Your STAR story"
    try:
        return _check_star(story, title)
    except Exception as err:  # noqa: BLE001
        return Feedback(title, answered=False, summary=f"Your story could not be checked ({type(err).__name__}: {err}).")


def _check_star(story: Any, title: str) -> Feedback:
    example = '{"situation": "...", "task": "...", "action": "...", "result": "..."}'
    if is_unanswered(story) or (isinstance(story, Mapping) and all(is_unanswered(v) for v in story.values())):
        return Feedback(title, answered=False, summary=f"You have not answered yet: write a dict like {example}.")
    if not isinstance(story, Mapping):
        return Feedback(title, answered=False, summary=(
            f"Your story should be a dict like {example}. You gave {_type_name(story)}."))
    parts, unknown = _star_parts(story)
    texts = {}
    for key in STAR_KEYS:
        value = parts.get(key)
        if isinstance(value, str) and value.strip():
            texts[key] = value.strip()
    result = Feedback(title, note="A self-check, not a grade. Tell the story aloud too: it should take about "
                                   "two minutes.")
    missing = [label for k, label, _ in STAR_PARTS if k not in texts]
    wrong_type = [label for k, label, _ in STAR_PARTS if k in parts and not is_unanswered(parts[k])
                  and not isinstance(parts[k], str)]
    if missing:
        detail = "; ".join(f"{label}: {prompt}" for k, label, prompt in STAR_PARTS if label in missing)
        extra = f" ({', '.join(wrong_type)} should be text.)" if wrong_type else ""
        result.add("All four parts", False, f"missing {', '.join(missing)}. {detail}{extra}")
    else:
        result.add("All four parts", True, "situation, task, action and result are all there.")

    action = texts.get("action", "")
    if action:
        n_i, n_we = len(_I.findall(action)), len(_WE.findall(action))
        if n_i == 0 and n_we > 0:
            result.add("Action says what you did", False,
                       f"the action says \"we\" {n_we} time(s) and never \"I\". Interviewers hire you, not your "
                       "team: say what you did yourself.")
        elif n_i == 0:
            result.add("Action says what you did", False, "write the action in the first person: \"I did...\".")
        elif n_we > n_i:
            result.add("Action says what you did", False,
                       f"\"we\" ({n_we}) outnumbers \"I\" ({n_i}). Keep the team in the story, but make your own "
                       "part clear.")
        else:
            result.add("Action says what you did", True, f"\"I\" {n_i} time(s), \"we\" {n_we}.")
    else:
        result.add("Action says what you did", False, "there is no action yet.")

    outcome = texts.get("result", "")
    found = _MEASURABLE.search(outcome) if outcome else None
    if found:
        result.add("Measurable result", True, f"found \"{found.group(0).strip()}\".")
    elif outcome:
        result.add("Measurable result", False, "say what changed with a number: a percentage, a time saved, "
                   "money, or a count of customers or tickets.")
    else:
        result.add("Measurable result", False, "there is no result yet.")

    counts = {k: _count_words(t) for k, t in texts.items()}
    total = sum(counts.values())
    if total < STAR_MIN_WORDS:
        result.add("Length", False, f"{total} words. Aim for {STAR_MIN_WORDS}-{STAR_MAX_WORDS}: enough to show "
                   "what you did.")
    elif total > STAR_MAX_WORDS:
        result.add("Length", False, f"{total} words. Aim for {STAR_MIN_WORDS}-{STAR_MAX_WORDS}: trim the "
                   "situation first.")
    else:
        result.add("Length", True, f"{total} words.")

    if total and "action" in counts:
        share = counts["action"] / total
        setup = (counts.get("situation", 0) + counts.get("task", 0)) / total
        if share >= 0.35 and counts["action"] >= max(counts.values()):
            result.add("Balance", True, f"the action is the biggest part ({share:.0%} of the words).")
        elif setup > 0.5:
            result.add("Balance", False, f"situation and task take {setup:.0%} of the words. Cut the set-up; "
                       "spend the words on what you did.")
        else:
            result.add("Balance", False, f"the action is only {share:.0%} of the words. Make it the biggest part.")
    if outcome and _LEARN.search(outcome):
        result.add("What you learned", True, "you say what you learned; interviewers like that.")
    elif outcome:
        result.add("What you learned", None, "optional: end with one sentence on what you learned.")
    for key in unknown:
        result.add(f"Key {key!r}", None, "is not a STAR part, so it was not checked.")
    done = len(result.passed)
    graded = len([c for c in result.checks if c.ok is not None])
    result.summary = f"{done} of {graded} checks met." + (
        " Nicely done." if done == graded else " Revise the lines marked ✗, then run the check again.")
    return result


# =============================================================================================
# Estimation questions and calibration
# =============================================================================================
@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: float
    unit: str
    source: str
    kind: str


QUESTION_COLUMNS = ("id", "question", "answer", "unit", "source", "kind")
KINDS = ("fact", "case-study")


def load_estimation_questions(path: str | Path | None = None) -> list[Question]:
    """Load and check ``datasets/estimation_questions.csv`` (or another file with its columns).

    Raises :class:`pmkit.data.DataError` listing every problem (line, column, what is expected).
    The file is only read.
    """
    source = Path(path) if path is not None else dataset_path("estimation_questions.csv")
    label = source.name
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"the file {source} does not exist.", source=label) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"the file could not be read as CSV ({type(err).__name__}: {err}).", source=label) from None
    problems: list[Problem] = []
    missing = [c for c in QUESTION_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(Problem(1, None, None, f"missing column(s) {', '.join(missing)}. Expected the columns "
                                + ", ".join(QUESTION_COLUMNS) + "."))
        raise DataError(problems, source=label)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        qid = str(row.id).strip()
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", qid):
            problems.append(Problem(i, "id", qid, f"'{qid}' is not a usable id. Expected letters and digits, like F01."))
        elif qid in seen:
            problems.append(Problem(i, "id", qid, f"'{qid}' is used twice (also on line {seen[qid]}). Ids must be unique."))
        else:
            seen[qid] = i
        for col in ("question", "unit", "source"):
            if not str(getattr(row, col)).strip():
                problems.append(Problem(i, col, "", f"is empty. Every question needs a {col}."))
        answer = parse_number(row.answer)
        if answer is None:
            problems.append(Problem(i, "answer", str(row.answer), f"'{row.answer}' is not a number. Expected the "
                                    "true answer as a plain number, like 1345."))
        kind = str(row.kind).strip()
        if kind not in KINDS:
            problems.append(Problem(i, "kind", kind, f"'{kind}' is not a kind. Expected fact or case-study."))
        if answer is not None and answer == 0:
            problems.append(Problem(i, "answer", str(row.answer), "is 0. The course scores ranges relative to "
                                    "the answer, so it must not be 0."))
        questions.append(Question(qid, str(row.question).strip(), answer if answer is not None else math.nan,
                                  str(row.unit).strip(), str(row.source).strip(), kind))
    if not questions:
        problems.append(Problem(None, None, None, "the file has no questions."))
    if problems:
        raise DataError(problems, source=label)
    return questions


def parse_number(value: Any) -> float | None:
    """A finite number from a number or text such as "1,345" or " 68.3 "; None otherwise."""
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", text, flags=re.IGNORECASE):
            return None
        number = float(text)
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
    return number if math.isfinite(number) else None


def parse_bound(value: Any, what: str = "value") -> float:
    """One end of a range as a float; ``ValueError`` with a clear message otherwise."""
    number = parse_number(value)
    if number is None:
        if value is Ellipsis or value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(f"the {what} is missing. Type a plain number, such as 1,345 or 68.3.")
        raise ValueError(f"the {what} {value!r} is not a number. Type a plain number, such as 1,345 or 68.3 "
                         "(no units or words).")
    return number


_RANGE_SEPARATOR = re.compile(r"\s*(?:\bto\b|–|—|-)\s*", re.IGNORECASE)


def split_range(text: Any) -> tuple[float, float] | None:
    """A range typed as text, "60-75", "60 to 75" or "1,200 – 1,500", as (low, high); else None.

    Every place a separator could split the text is tried, so a minus sign still works
    ("-5-10" is -5 to 10). Both sides must be plain numbers (see :func:`parse_number`).
    """
    if not isinstance(text, str):
        return None
    for match in _RANGE_SEPARATOR.finditer(text):
        low, high = parse_number(text[:match.start()]), parse_number(text[match.end():])
        if low is not None and high is not None:
            return low, high
    return None


def interval_score(low: float, high: float, x: float, alpha: float = ALPHA) -> float:
    """Gneiting and Raftery's (2007) interval score for a central (1 - alpha) range [low, high].

    ``(high - low) + (2/alpha)(low - x)[x < low] + (2/alpha)(x - high)[x > high]``. Lower is
    better; a range that holds ``x`` scores its width.
    """
    low, high, x = float(low), float(high), float(x)
    if not (0 < alpha < 1):
        raise ValueError("alpha must be between 0 and 1 (0.1 for a 90% range).")
    if low > high:
        raise ValueError(f"the low end ({low:g}) is above the high end ({high:g}).")
    score = high - low
    if x < low:
        score += 2.0 / alpha * (low - x)
    elif x > high:
        score += 2.0 / alpha * (x - high)
    return score


def _fmt(value: float) -> str:
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _questions(questions: Any) -> list[Question]:
    if questions is None:
        return load_estimation_questions()
    if isinstance(questions, (str, Path)):
        return load_estimation_questions(questions)
    return list(questions)


def validate_ranges(ranges: Any, questions: Any = None, allow_missing: bool = False) -> dict[str, tuple[float, float]]:
    """Check a learner's ranges and return ``{id: (low, high)}`` as floats, in question order.

    ``ranges`` maps a question id ("F01", or "f01") to a pair ``(low, high)``. Every problem is
    reported at once in one ``ValueError``: a range that is not a pair, a value that is not a
    number, a low end above the high end, an unknown id, and (unless ``allow_missing``) the
    questions with no range.
    """
    qs = _questions(questions)
    by_id = {q.id.upper(): q for q in qs}
    if not isinstance(ranges, Mapping):
        raise ValueError("Give your ranges as a dict from question id to (low, high), like "
                         '{"F01": (60, 75), "F02": (20, 30)}. ' + f"You gave {_type_name(ranges)}.")
    problems: list[str] = []
    clean: dict[str, tuple[float, float]] = {}
    for raw_id, pair in ranges.items():
        qid = str(raw_id).strip().upper()
        if qid not in by_id:
            problems.append(f"{raw_id!r}: there is no question with this id. The ids are "
                            f"{qs[0].id} to {qs[-1].id} (see the question table).")
            continue
        if isinstance(pair, Mapping):
            pair = (pair.get("low", pair.get("lo")), pair.get("high", pair.get("hi")))
        if isinstance(pair, str):
            pair = split_range(pair) or pair  # "60-75" or "60 to 75" typed as text is a range too
        if isinstance(pair, str) or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            problems.append(f"{qid}: {pair!r} is not a range. Give two numbers, low and high, like (60, 75).")
            continue
        if all(p is Ellipsis or p is None for p in pair):
            if not allow_missing:
                problems.append(f"{qid}: no range yet. Give a low and a high number.")
            continue
        try:
            low = parse_bound(pair[0], "low end")
        except ValueError as err:
            problems.append(f"{qid}: {err}")
            low = None
        try:
            high = parse_bound(pair[1], "high end")
        except ValueError as err:
            problems.append(f"{qid}: {err}")
            high = None
        if low is None or high is None:
            continue
        if low > high:
            problems.append(f"{qid}: the low end ({_fmt(low)}) is above the high end ({_fmt(high)}). "
                            "Swap them, or check for a typo.")
            continue
        clean[qid] = (low, high)
    if not allow_missing:
        missing = [q.id for q in qs if q.id.upper() not in clean and q.id.upper() not in
                   {str(k).strip().upper() for k in ranges}]
        if missing:
            problems.append("No range for " + ", ".join(missing) + ". Give a range for every question "
                            "(a very wide one is fine when you have no idea).")
    if not problems and not clean:
        problems.append("No ranges given yet.")
    if problems:
        raise ValueError(("Your ranges have a problem:\n" if len(problems) == 1 else
                          f"Your ranges have {len(problems)} problems:\n") + "\n".join(f"- {p}" for p in problems))
    order = [q.id for q in qs if q.id.upper() in clean]
    return {qid: clean[qid.upper()] for qid in order}


VERDICTS = {
    "overconfident": "Overconfident",
    "slightly": "A little overconfident, or unlucky",
    "calibrated": "Well calibrated",
    "all": "Every answer caught",
}


@dataclass(repr=False)
class CalibrationResult:
    """The score of one round of 90% ranges.

    ``table`` has one row per question (index: id) with the columns ``question``, ``unit``,
    ``low``, ``high``, ``answer``, ``hit`` (bool), ``where`` ("inside", "above your range",
    "below your range"), ``width``, ``penalty``, ``interval_score`` (in the question's unit) and
    ``relative_score`` (interval score ÷ true answer). ``mean_interval_score`` is the mean of
    ``relative_score``: unit-free, lower is better.
    """

    table: pd.DataFrame
    n: int
    hits: int
    hit_rate: float
    mean_interval_score: float
    verdict: str
    message: str
    p_value: float
    alpha: float = ALPHA
    skipped: list[str] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        return {i: (float(r.low), float(r.high)) for i, r in self.table.iterrows()}

    def to_attempt(self, when: datetime | None = None) -> dict[str, Any]:
        """The record saved in the history (JSON-friendly)."""
        when = when or datetime.now()
        return {
            "taken_at": when.isoformat(timespec="seconds"),
            "n": self.n,
            "hits": self.hits,
            "hit_rate": round(self.hit_rate, 4),
            "mean_interval_score": round(self.mean_interval_score, 6),
            "verdict": self.verdict,
            "ranges": {i: [lo, hi] for i, (lo, hi) in self.ranges.items()},
        }

    def summary(self) -> str:
        return (f"Hit rate {self.hits} of {self.n} ({self.hit_rate:.0%}; the target is 90%). "
                f"Mean interval score {self.mean_interval_score:.2f} (lower is better). "
                f"{self.verdict_label}: {self.message}")

    def __str__(self) -> str:
        return self.summary()

    __repr__ = __str__


def _verdict(hits: int, n: int, alpha: float) -> tuple[str, str, float]:
    from scipy.stats import binom

    target = 1 - alpha
    p_value = float(binom.cdf(hits, n, target))
    expected = target * n
    if p_value < 0.05:
        return "overconfident", (
            f"your ranges are too narrow. Someone whose 90% ranges are honest catches about {expected:.1f} "
            f"of {n}; catching {hits} or fewer happens by chance less than 5% of the time "
            f"(here {p_value:.1%}). Widen your ranges until they feel uncomfortably wide."), p_value
    if hits < math.floor(expected + 1e-9):
        return "slightly", (
            f"{hits} of {n} is below the {expected:.1f} a well-calibrated person would catch, but chance alone "
            f"could explain it ({p_value:.0%} of honest range-setters do this badly or worse). "
            "Try another round before you change much."), p_value
    if hits == n:
        return "all", (
            "good, but check that your ranges are not wider than you need: the interval score rewards "
            "narrower ranges that still hold the answer."), p_value
    return "calibrated", (f"{hits} of {n} is in line with honest 90% ranges. Now try to narrow them without "
                          "losing hits."), p_value


def score_calibration(ranges: Any, questions: Any = None, alpha: float = ALPHA,
                      allow_missing: bool = False) -> CalibrationResult:
    """Score a round of ranges: hit rate, interval scores and a verdict.

    Raises ``ValueError`` (listing every problem) when the ranges are not usable; see
    :func:`validate_ranges`. For feedback that never raises, use :func:`check_calibration`.
    """
    qs = _questions(questions)
    clean = validate_ranges(ranges, qs, allow_missing=allow_missing)
    by_id = {q.id: q for q in qs}
    rows = []
    for qid, (low, high) in clean.items():
        q = by_id[qid]
        x = q.answer
        hit = low <= x <= high
        where = "inside" if hit else ("above your range" if x > high else "below your range")
        width = high - low
        score = interval_score(low, high, x, alpha)
        rows.append({"id": qid, "question": q.question, "unit": q.unit, "low": low, "high": high, "answer": x,
                     "hit": hit, "where": where, "width": width, "penalty": score - width,
                     "interval_score": score, "relative_score": score / abs(x)})
    table = pd.DataFrame(rows).set_index("id")
    n = len(table)
    hits = int(table["hit"].sum())
    verdict, message, p_value = _verdict(hits, n, alpha)
    skipped = [q.id for q in qs if q.id not in clean]
    return CalibrationResult(table=table, n=n, hits=hits, hit_rate=hits / n,
                             mean_interval_score=float(table["relative_score"].mean()), verdict=verdict,
                             message=message, p_value=p_value, alpha=alpha, skipped=skipped)


def question_table(questions: Any = None) -> pd.DataFrame:
    """The questions without their answers or sources (safe to show before a round), indexed by id."""
    return pd.DataFrame([{"id": q.id, "question": q.question, "unit": q.unit, "kind": q.kind}
                         for q in _questions(questions)]).set_index("id")


def range_template(questions: Any = None, name: str = "my_ranges") -> str:
    """Python text to copy into the exercise: every question as a comment over a ``(..., ...)`` pair."""
    lines = [f"{name} = {{"]
    for q in _questions(questions):
        lines.append(f"    # {q.question} ({q.unit})")
        lines.append(f'    "{q.id}": (..., ...),')
    lines.append("}")
    return "\n".join(lines)


def blank_ranges(questions: Any = None) -> dict[str, tuple]:
    """A template ``{id: (..., ...)}`` with every question, to fill in."""
    return {q.id: (..., ...) for q in _questions(questions)}


def filled_ranges(ranges: Any) -> Any:
    """The ranges the learner has filled in so far, ready for ``keep_answer``.

    Pairs still holding ``...`` are left out. Returns ``...`` when nothing is filled in (so
    ``keep_answer`` brings back saved ranges), and the input unchanged when it is not a dict
    (the check then explains the problem). Never raises.
    """
    try:
        if not isinstance(ranges, Mapping):
            return ranges
        out = {}
        for key, pair in ranges.items():
            if isinstance(pair, (list, tuple)) and pair and all(p is Ellipsis for p in pair):
                continue
            if pair is Ellipsis:
                continue
            if isinstance(pair, (list, tuple)):
                pair = [None if p is Ellipsis else p for p in pair]
                pair = [p if isinstance(p, (int, float, str)) or p is None else str(p) for p in pair]
            out[str(key)] = pair
        return out if out else ...
    except Exception:  # noqa: BLE001
        return ranges


def check_calibration(ranges: Any, questions: Any = None, save: bool = False,
                      allow_missing: bool = False) -> Feedback:
    """Feedback on a round of 90% ranges: hit rate, interval score, verdict, and one line per miss.

    With ``save=True`` a valid round is added to your history (unless it repeats your last
    saved round exactly). Never raises.
    """
    title = "Your calibration round"
    try:
        if is_unanswered(ranges):
            return Feedback(title, answered=False, summary=(
                "You have not answered yet: give a (low, high) pair for each question, like "
                '{"F01": (60, 75), ...}. Then run this cell again.'))
        try:
            result = score_calibration(ranges, questions, allow_missing=allow_missing)
        except ValueError as err:  # DataError is a ValueError too
            return Feedback(title, answered=False, summary=str(err))
        fb = Feedback(title, summary=f"{result.verdict_label}: {result.message}",
                      note="Interval score: the width of your range, plus 20 times the distance by which it "
                           "missed (Gneiting and Raftery, 2007), divided by the true answer so that all units count "
                           "alike. Lower is better.")
        fb.add("Hit rate", result.verdict != "overconfident",
               f"{result.hits} of {result.n} true answers inside your ranges ({result.hit_rate:.0%}; aim for 90%).")
        fb.add("Mean interval score", None, f"{result.mean_interval_score:.2f}.")
        for qid, row in result.table.iterrows():
            if not row["hit"]:
                fb.add(f"{qid} missed", None, f"the answer is {_fmt(row['answer'])} ({row['unit']}), "
                       f"{row['where']} of {_fmt(row['low'])} to {_fmt(row['high'])}.")
        if result.skipped:
            fb.add("Not answered", None, ", ".join(result.skipped) + ".")
        if save:
            fb.add("Saved", None, _save_unless_repeat(result))
        return fb
    except Exception as err:  # noqa: BLE001
        return Feedback(title, answered=False, summary=f"Your ranges could not be checked ({type(err).__name__}: {err}).")


def _save_unless_repeat(result: CalibrationResult) -> str:
    history = load_history(quiet=True)
    attempt = result.to_attempt()
    if history and history[-1].get("ranges") == attempt["ranges"]:
        return "this round is the same as your last saved one, so it was not added again."
    try:
        path = save_attempt(result)
    except (OSError, TypeError, ValueError) as err:
        return f"not saved: {err}"
    return f"added to your history in {work._shown(path)} (attempt {len(history) + 1})."


# ---------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------
def _valid_attempt(entry: Any) -> str | None:
    """None if ``entry`` is a usable attempt; otherwise what is wrong with it."""
    if not isinstance(entry, Mapping):
        return f"it is {_type_name(entry)}, not an attempt"
    for key in ("hit_rate", "mean_interval_score"):
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"its {key} is missing or not a number"
    if not 0 <= entry["hit_rate"] <= 1:
        return "its hit_rate is not between 0 and 1"
    if entry["mean_interval_score"] < 0:
        return "its mean_interval_score is negative"
    if not isinstance(entry.get("taken_at"), str):
        return "it has no date"
    return None


def _raw_history() -> list:
    value = work.load_answer(MODULE, HISTORY_KEY)
    if value is None:
        return []
    if not isinstance(value, list):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = f"{HISTORY_KEY}.unreadable-{stamp}"
        work.save_answer(MODULE, aside, value)
        work.save_answer(MODULE, HISTORY_KEY, [])
        print(f"Your saved calibration history was not a list of attempts, so it was kept under the key "
              f"{aside!r} in the same file and a fresh history starts now.")
        return []
    return value


def load_history(quiet: bool = False) -> list[dict[str, Any]]:
    """Your saved calibration attempts, oldest first ([] when there are none).

    Entries that cannot be used are skipped with a message but stay in the file. A broken
    answers file is moved aside by :mod:`pmkit.work` (it says so). Never raises.
    """
    try:
        raw = _raw_history()
    except Exception as err:  # noqa: BLE001
        print(f"Your calibration history could not be read: {err}")
        return []
    good = []
    for number, entry in enumerate(raw, start=1):
        problem = _valid_attempt(entry)
        if problem:
            if not quiet:
                print(f"Attempt {number} in your calibration history was skipped: {problem}. It stays in the file.")
            continue
        good.append(dict(entry))
    return good


def save_attempt(result: CalibrationResult, when: datetime | None = None) -> Path:
    """Append one scored round to your history (atomic write via :mod:`pmkit.work`); return the file."""
    if not isinstance(result, CalibrationResult):
        raise TypeError("save_attempt needs the result of score_calibration(...).")
    history = _raw_history()
    history.append(result.to_attempt(when))
    return work.save_answer(MODULE, HISTORY_KEY, history)


def history_table(history: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """One row per saved attempt: attempt number, date, hits, n, hit rate, mean interval score."""
    history = load_history() if history is None else [h for h in history if _valid_attempt(h) is None]
    rows = [{"attempt": i, "taken_at": str(h["taken_at"])[:16].replace("T", " "), "hits": h.get("hits"),
             "n": h.get("n"), "hit_rate": float(h["hit_rate"]), "mean_interval_score": float(h["mean_interval_score"])}
            for i, h in enumerate(history, start=1)]
    return pd.DataFrame(rows, columns=["attempt", "taken_at", "hits", "n", "hit_rate", "mean_interval_score"])


def history_figure(history: list[dict[str, Any]] | None = None, title: str = "Your calibration over time") -> Figure:
    """Two panels: hit rate per attempt (with the 90% target) and mean interval score per attempt."""
    from .widgets import _common as c

    table = history_table(history)
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax_hit, ax_score = fig.subplots(1, 2)
    if table.empty:
        for ax in (ax_hit, ax_score):
            ax.set_axis_off()
        ax_hit.text(0.5, 0.5, "No saved attempts yet.\nScore a round to start your history.", ha="center",
                    va="center", transform=ax_hit.transAxes)
        fig.suptitle(title, fontsize=10)
        return fig
    x = table["attempt"]
    ax_hit.plot(x, table["hit_rate"] * 100, marker="o", color=c.BLUE, label="your hit rate")
    ax_hit.axhline(90, color=c.BLACK, linestyle="--", linewidth=1, label="target: 90%")
    for xi, yi in zip(x, table["hit_rate"] * 100):
        ax_hit.annotate(f"{yi:.0f}%", (xi, yi), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax_hit.set_ylim(0, 105)
    ax_hit.set_xlabel("attempt")
    ax_hit.set_ylabel("hit rate (%)")
    ax_hit.set_title("Hit rate: aim for the dashed line", fontsize=9)
    ax_hit.legend(fontsize=8, loc="lower right")
    ax_score.plot(x, table["mean_interval_score"], marker="s", color=c.VERMILLION, label="mean interval score")
    for xi, yi in zip(x, table["mean_interval_score"]):
        ax_score.annotate(f"{yi:.2f}", (xi, yi), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax_score.set_ylim(bottom=0, top=max(float(table["mean_interval_score"].max()) * 1.25, 0.1))
    ax_score.set_xlabel("attempt")
    ax_score.set_ylabel("mean interval score")
    ax_score.set_title("Interval score: lower is better", fontsize=9)
    for ax in (ax_hit, ax_score):
        ax.set_xticks(list(x))
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title, fontsize=10)
    return fig


def results_figure(result: CalibrationResult, title: str = "Your 90% ranges against the true answers") -> Figure:
    """One row per question: your range, drawn relative to the true answer (the diamond at 1).

    Ranges are divided by the true answer so that every question fits one log-scaled axis (from a
    tenth to ten times the answer). A solid line with ✓ is a hit; a dashed line with ✗ is a miss.
    Ends beyond the axis are drawn as arrows.
    """
    from .widgets import _common as c

    t = result.table.iloc[::-1]
    fig = Figure(figsize=(7.5, 0.34 * len(t) + 1.4), layout="constrained")
    ax = fig.subplots()
    lo_lim, hi_lim = 0.1, 10.0
    for y, (qid, row) in enumerate(t.iterrows()):
        x = row["answer"]
        a, b = row["low"] / x, row["high"] / x
        if x < 0:
            a, b = b, a
        left, right = min(max(a, lo_lim), hi_lim), min(max(b, lo_lim), hi_lim)
        colour = c.BLUE if row["hit"] else c.VERMILLION
        style = "-" if row["hit"] else "--"
        ax.plot([left, right], [y, y], linestyle=style, color=colour, linewidth=2.2, solid_capstyle="butt")
        ax.plot([left, right], [y, y], linestyle="none", marker="|", markersize=10, color=colour)
        if a < lo_lim:
            ax.plot([lo_lim], [y], marker="<", color=colour)
        if b > hi_lim:
            ax.plot([hi_lim], [y], marker=">", color=colour)
        ax.plot([1], [y], marker="D", color=c.BLACK, markersize=5, zorder=3)
        ax.text(hi_lim * 1.5, y, "✓ hit" if row["hit"] else "✗ miss", va="center", fontsize=8, color=c.BLACK)
    ax.set_xscale("log")
    ax.set_xlim(lo_lim, hi_lim)
    ax.set_yticks(range(len(t)))
    ax.set_yticklabels([f"{i} · {str(r['question'])[:44]}" for i, r in t.iterrows()], fontsize=8)
    ax.set_xticks([0.1, 0.5, 1, 2, 10])
    ax.set_xticklabels(["÷10", "÷2", "true\nanswer", "×2", "×10"], fontsize=8)
    ax.minorticks_off()
    ax.axvline(1, color=c.GREY, linewidth=0.8, zorder=0)
    ax.set_xlabel("your range, as a multiple of the true answer (◆ = true answer)")
    ax.set_title(f"{title}\n{result.hits} of {result.n} hits (solid ✓) · misses dashed ✗", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


#: A made-up first attempt, shown (clearly labelled as an example) before the learner's own.
#: Like many first attempts, its ranges are too narrow: 9 hits out of 15.
EXAMPLE_RANGES = {
    "F01": (65, 70),
    "F02": (25, 28),
    "F03": (1200, 1300),
    "F04": (5, 12),
    "F05": (8800, 8900),
    "F06": (180, 200),
    "F07": (42, 42.5),
    "F08": (290000, 310000),
    "F09": (350000, 400000),
    "F10": (600, 700),
    "C01": (100000, 250000),
    "C02": (2500, 3500),
    "C03": (5, 8),
    "C04": (20, 60),
    "C05": (200, 300),
}
