"""The path chooser of Module 06: which route into a first PM role fits your situation?

The course's source article names three routes: an **internal transfer**, an **APM programme**
(associate product manager) and an **external application**. This module scores each route for
one learner's situation with a small, fully visible weighted model, so that the learner can see
*why* a route comes out on top and how the answer moves when one thing about them changes.

The model
---------
Six inputs describe the learner (see :data:`INPUTS`). Each is turned into a *level* between 0
and 1 with a simple rule (:func:`levels`):

=====================  ===============================================  ==================
input                  level                                            one step (what-if)
=====================  ===============================================  ==================
years_experience       years ÷ 6, capped at 1 (6+ years count as full)  1 year
reset_appetite         0–4 ÷ 4                                          1
company_has_pm_roles   1 for yes, 0 for no                              yes ↔ no
allies                 0–4 ÷ 4                                          1
hours_per_week         hours ÷ 10, capped at 1 (10+ hours count full)   2 hours
pm_evidence            0–4 ÷ 4                                          1
=====================  ===============================================  ==================

Each route gives each input a number of **points** (:data:`WEIGHTS`). A ``+`` weight pays its
points in proportion to the level; a ``-`` weight pays them in proportion to ``1 - level`` (for
example an APM programme suits people *early* in their career). Every route's points add up to
100, so every score runs from 0 to 100 and the three scores can be compared directly:

=====================  ========  ===  ========
input                  internal  apm  external
=====================  ========  ===  ========
company_has_pm_roles       +35   -10      -15
allies                     +25     0        0
pm_evidence                +20   +10      +30
years_experience           +10   -30      +25
reset_appetite               0   +35      +10
hours_per_week             +10   +15      +20
(total)                    100   100      100
=====================  ========  ===  ========

The weights are a teaching model, written from the claims of the course's source article (an
internal move is usually fastest and rests on relationships and evidence; APM programmes suit
early-career people who accept a pay and seniority reset; external applications need a portfolio
and reward technical depth). They were not fitted to data. The point is that every number is on
the table, so a learner can disagree with one and see what follows.

Public functions: :func:`validate_inputs`, :func:`recommend`, :func:`sensitivity`,
:func:`weight_table`, :func:`prefill_from_readiness`, :func:`path_choice_record`,
:func:`check_path_choice` and :func:`saved_path_choice`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .feedback import Feedback
from .work import is_unanswered

__all__ = [
    "MODULE",
    "PATH_IDS",
    "PATHS",
    "PATH_NAMES",
    "INPUTS",
    "INPUT_LABELS",
    "WEIGHTS",
    "STEPS",
    "EXAMPLE_PROFILE",
    "Recommendation",
    "validate_inputs",
    "levels",
    "recommend",
    "sensitivity",
    "weight_table",
    "describe_input",
    "prefill_from_readiness",
    "path_choice_record",
    "check_path_choice",
    "saved_path_choice",
    "path_id",
]

MODULE = "06-landing-the-role"

#: The three routes, as the course names them, and their short ids (same order).
PATHS = ("internal transfer", "APM programme", "external application")
PATH_IDS = ("internal", "apm", "external")
PATH_NAMES = dict(zip(PATH_IDS, PATHS))

#: The six inputs, in the order they are shown.
INPUTS = (
    "years_experience",
    "reset_appetite",
    "company_has_pm_roles",
    "allies",
    "hours_per_week",
    "pm_evidence",
)

INPUT_LABELS = {
    "years_experience": "Years of engineering experience",
    "reset_appetite": "Appetite for a pay or seniority reset (0-4)",
    "company_has_pm_roles": "Your company has PM roles",
    "allies": "Allies and sponsors for a move (0-4)",
    "hours_per_week": "Hours per week you can give to the move",
    "pm_evidence": "Evidence of PM work you have already done (0-4)",
}

#: Words for the 0-4 scales, shown next to the sliders and in the reasons.
SCALE_WORDS = {
    "reset_appetite": ("none", "a little", "some", "a lot", "any reset is fine"),
    "allies": ("nobody yet", "one friendly contact", "a few supporters", "a sponsor and supporters",
               "a PM manager who wants you"),
    "pm_evidence": ("none yet", "a little: shadowed a PM", "some: ran interviews or wrote a spec",
                    "a lot: several pieces of PM work", "a portfolio of PM work"),
}

#: Short names for the inputs, used inside sentences.
SHORT_LABELS = {
    "years_experience": "years of engineering experience",
    "reset_appetite": "appetite for a pay or seniority reset",
    "company_has_pm_roles": "whether your company has PM roles",
    "allies": "allies and sponsors",
    "hours_per_week": "hours a week for the move",
    "pm_evidence": "evidence of PM work",
}

#: What each input expects, for error messages.
EXPECTED = {
    "years_experience": "a number of years from 0 to 50, like 4",
    "reset_appetite": "a whole number from 0 (no reset at all) to 4 (any reset is fine)",
    "company_has_pm_roles": "True (yes) or False (no)",
    "allies": "a whole number from 0 (nobody yet) to 4 (a PM manager who wants you)",
    "hours_per_week": "a number of hours from 0 to 80, like 4",
    "pm_evidence": "a whole number from 0 (none yet) to 4 (a portfolio of PM work)",
}

#: Points each input can give each route. A positive number pays in proportion to the input's
#: level; a negative number pays its size in proportion to (1 - level). Each route sums to 100.
WEIGHTS: dict[str, dict[str, int]] = {
    "company_has_pm_roles": {"internal": 35, "apm": -10, "external": -15},
    "allies": {"internal": 25, "apm": 0, "external": 0},
    "pm_evidence": {"internal": 20, "apm": 10, "external": 30},
    "years_experience": {"internal": 10, "apm": -30, "external": 25},
    "reset_appetite": {"internal": 0, "apm": 35, "external": 10},
    "hours_per_week": {"internal": 10, "apm": 15, "external": 20},
}

#: Why each weight is what it is, in one line (shown under the weight table).
WEIGHT_REASONS = {
    "company_has_pm_roles": "An internal move needs a PM role to move into; without one, you must look outside.",
    "allies": "An internal move rests on people who vouch for you; outside, nobody knows them.",
    "pm_evidence": "Evidence makes the internal ask easy and is the whole case for an outside hiring manager.",
    "years_experience": "Technical depth sets you apart outside and adds credibility inside; APM programmes "
                        "are built for people early in their career.",
    "reset_appetite": "APM programmes usually mean a lower title and pay for an experienced engineer; an "
                      "outside move sometimes does too.",
    "hours_per_week": "Every route needs preparation time; applications and programme selection need the most.",
}

#: The size of "one step" for the what-if table.
STEPS = {
    "years_experience": 1,
    "reset_appetite": 1,
    "company_has_pm_roles": None,  # a toggle: the step flips it
    "allies": 1,
    "hours_per_week": 2,
    "pm_evidence": 1,
}

_LIMITS = {  # (lowest, highest) allowed
    "years_experience": (0, 50),
    "reset_appetite": (0, 4),
    "allies": (0, 4),
    "hours_per_week": (0, 80),
    "pm_evidence": (0, 4),
}
_WHOLE = {"reset_appetite", "allies", "pm_evidence"}
_FULL_AT = {"years_experience": 6.0, "hours_per_week": 10.0}

#: Priya Nair's situation when she asked to move into product at Rotawise (the book's example).
EXAMPLE_PROFILE = {
    "years_experience": 4,
    "reset_appetite": 1,
    "company_has_pm_roles": True,
    "allies": 3,
    "hours_per_week": 4,
    "pm_evidence": 3,
}

CLOSE_CALL = 5.0  # points: a lead smaller than this is reported as a close call


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
_YES = {"yes", "y", "true", "1", "ja"}
_NO = {"no", "n", "false", "0", "nee"}


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    return None


_NUM = r"[+-]?\d+(?:[.,]\d+)?"
_RANGE = re.compile(rf"^\s*({_NUM})\s*(?:-|–|—|to)\s*({_NUM})\b", re.IGNORECASE)
_AMOUNT = re.compile(rf"^\s*({_NUM})\s*(?:h|hrs?|hours?|y|yrs?|years?)?\.?\s*"
                     r"(?:(?:a|per|each|/)\s*(?:week|wk|w)\.?)?\s*$", re.IGNORECASE)


def _decimal(text: str) -> float:
    return float(text.replace(",", "."))  # "4,5" is four and a half (a decimal comma), not 45


def read_number(value: Any) -> tuple[float | None, tuple[float, float] | None]:
    """A learner's number as ``(number, None)``; a range such as "10-20" as ``(None, (10, 20))``;
    anything else as ``(None, None)``.

    Accepts numbers, numeric text with spaces, a decimal comma ("4,5") and a unit word after the
    number ("4 years", "10 hours", "5h a week", "6 hrs/week"). Used for every "how many" input
    of Modules 06 and 07, so that both read the same text the same way.
    """
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        span = _RANGE.match(text)
        if span:
            return None, (_decimal(span.group(1)), _decimal(span.group(2)))
        match = _AMOUNT.match(text)
        if not match:
            return None, None
        number = _decimal(match.group(1))
    else:
        try:
            number = float(value)  # ints, floats, numpy numbers
        except (TypeError, ValueError):
            return None, None
    return (number, None) if math.isfinite(number) else (None, None)


def _as_number(value: Any) -> float | None:
    return read_number(value)[0]


def _input_key(key: Any) -> str:
    """ " Years Experience " -> "years_experience": keys typed by hand still match."""
    return re.sub(r"[\s-]+", "_", str(key).strip().lower())


def validate_inputs(inputs: Any) -> dict[str, Any]:
    """Check a learner's six inputs and return them cleaned (numbers as numbers, a real bool).

    ``inputs`` is a mapping with the keys of :data:`INPUTS`. Numbers may be given as text
    ("4"), and the yes/no input as True/False or "yes"/"no". Every problem is reported at once
    in one ``ValueError``, one line per input, saying what is expected.
    """
    if not isinstance(inputs, Mapping):
        raise ValueError(
            "Describe your situation as a dict with these keys: " + ", ".join(INPUTS) + ". "
            f"You gave {type(inputs).__name__}."
        )
    problems: list[str] = []
    clean: dict[str, Any] = {}
    given: dict[str, Any] = {}
    for raw, value in inputs.items():  # keys typed by hand: case, spaces and hyphens do not matter
        key = _input_key(raw)
        if key in INPUTS and key in given:
            problems.append(f"{raw!r} gives {key} a second time; keep one.")
            continue
        given[key if key in INPUTS else raw] = value
    inputs = given
    unknown = [k for k in inputs if k not in INPUTS]
    for key in unknown:
        close = [k for k in INPUTS if str(key).lower().replace(" ", "_") in k]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        problems.append(f"{key!r} is not one of the inputs ({', '.join(INPUTS)}).{hint}")
    for key in INPUTS:
        if key not in inputs or is_unanswered(inputs[key]):
            problems.append(f"{key}: missing. Expected {EXPECTED[key]}.")
            continue
        value = inputs[key]
        if key == "company_has_pm_roles":
            flag = _as_bool(value)
            if flag is None:
                problems.append(f"{key}: {value!r} is not yes or no. Expected {EXPECTED[key]}.")
            else:
                clean[key] = flag
            continue
        number, span = read_number(value)
        low, high = _LIMITS[key]
        if span is not None:
            middle = (span[0] + span[1]) / 2
            problems.append(f"{key}: {value!r} is a range, but the model needs one number. Use your best single "
                            f"guess, such as the middle ({middle:g}).")
        elif number is None:
            problems.append(f"{key}: {value!r} is not a number. Expected {EXPECTED[key]}.")
        elif number < low or number > high:
            problems.append(f"{key}: {number:g} is out of range. Expected {EXPECTED[key]}.")
        elif key in _WHOLE and number != int(number):
            problems.append(f"{key}: {number:g} is not a whole number. Use 0, 1, 2, 3 or 4.")
        else:
            clean[key] = int(number) if key in _WHOLE else (int(number) if number == int(number) else number)
    if problems:
        raise ValueError("Your situation has " + ("a problem" if len(problems) == 1 else f"{len(problems)} problems")
                         + ":\n" + "\n".join(f"- {p}" for p in problems))
    return clean


def levels(inputs: Mapping[str, Any]) -> dict[str, float]:
    """Each input as a level from 0 to 1 (see the module docstring for the rules)."""
    clean = validate_inputs(inputs)
    out = {}
    for key in INPUTS:
        value = clean[key]
        if key == "company_has_pm_roles":
            out[key] = 1.0 if value else 0.0
        elif key in _FULL_AT:
            out[key] = min(float(value) / _FULL_AT[key], 1.0)
        else:
            out[key] = float(value) / 4.0
    return out


def describe_input(key: str, value: Any) -> str:
    """An input's value in plain words, for tables and reasons."""
    if key == "company_has_pm_roles":
        return "yes" if value else "no"
    if key == "years_experience":
        return f"{value:g} year" + ("" if value == 1 else "s")
    if key == "hours_per_week":
        return f"{value:g} hour" + ("" if value == 1 else "s") + " a week"
    words = SCALE_WORDS[key][int(value)]
    return f"{int(value)} ({words})"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------
def weight_table() -> pd.DataFrame:
    """The documented weight table: rows are inputs, columns are routes, values are signed points.

    A ``+`` weight pays in proportion to the input's level, a ``-`` weight in proportion to
    ``1 - level``. Each route's points add up to 100 (check it: ``weight_table().abs().sum()``).
    """
    frame = pd.DataFrame(WEIGHTS).T.loc[list(INPUTS), list(PATH_IDS)]
    frame.index.name = "input"
    return frame


def _contributions(lv: Mapping[str, float]) -> pd.DataFrame:
    rows = {}
    for key in INPUTS:
        row = {}
        for pid in PATH_IDS:
            weight = WEIGHTS[key][pid]
            row[pid] = weight * lv[key] if weight >= 0 else -weight * (1.0 - lv[key])
        rows[key] = row
    frame = pd.DataFrame(rows).T.loc[list(INPUTS), list(PATH_IDS)]
    frame.index.name = "input"
    return frame


@dataclass(repr=False)
class Recommendation:
    """The model's answer for one situation.

    ``path`` is the winning route's id, ``scores`` maps every route id to its score (0-100),
    ``contributions`` is a table of points (rows inputs, columns route ids) whose columns add up
    to the scores, and ``reasons`` says in plain words why the winner won.
    """

    path: str
    scores: dict[str, float]
    contributions: pd.DataFrame
    reasons: list[str]
    inputs: dict[str, Any]
    runner_up: str = ""
    margin: float = 0.0
    caveats: list[str] = field(default_factory=list)

    @property
    def path_name(self) -> str:
        return PATH_NAMES[self.path]

    @property
    def close_call(self) -> bool:
        return self.margin < CLOSE_CALL

    def ranking(self) -> list[str]:
        return sorted(PATH_IDS, key=lambda p: (-round(self.scores[p], 9), PATH_IDS.index(p)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": dict(self.inputs),
            "recommended": self.path,
            "recommended_name": self.path_name,
            "scores": {p: round(s, 2) for p, s in self.scores.items()},
        }

    def __str__(self) -> str:
        lines = [f"Recommended: {self.path_name} ({self.scores[self.path]:.0f} of 100)."]
        lines += [f"- {r}" for r in self.reasons + self.caveats]
        return "\n".join(lines)

    __repr__ = __str__


def _reasons(clean: dict[str, Any], contrib: pd.DataFrame, winner: str, runner: str) -> list[str]:
    gap = (contrib[winner] - contrib[runner]).sort_values(ascending=False)
    reasons = []
    for key in gap.index[:3]:
        if gap[key] <= 0.05:
            break
        value = describe_input(key, clean[key])
        reasons.append(
            f"{_cap(SHORT_LABELS[key])}: {value}. That gives the {PATH_NAMES[winner]} "
            f"{contrib.at[key, winner]:.0f} points and the {PATH_NAMES[runner]} {contrib.at[key, runner]:.0f}."
        )
    against = gap[gap < -0.05].sort_values()
    if len(against):
        key = against.index[0]
        reasons.append(
            f"Working against it: {SHORT_LABELS[key]}. At {describe_input(key, clean[key])}, it favours "
            f"the {PATH_NAMES[runner]} by {-against.iloc[0]:.0f} points."
        )
    return reasons


def _caveats(clean: dict[str, Any], winner: str, margin: float, runner: str) -> list[str]:
    notes = []
    if margin < CLOSE_CALL:
        notes.append(f"A close call: the {PATH_NAMES[runner]} is only {margin:.1f} points behind. "
                     "Look at the what-if table before you decide.")
    if winner == "internal" and not clean["company_has_pm_roles"]:
        notes.append("Your company has no PM roles today, so an internal move means persuading it to create one.")
    if winner == "apm" and clean["years_experience"] >= 4:
        notes.append("With four or more years as an engineer, an APM programme will probably mean a lower "
                     "title and lower pay than you have now: a step back.")
    if winner == "external" and clean["pm_evidence"] <= 1:
        notes.append("Outside hiring managers will ask for proof of PM work; build a portfolio before you apply.")
    if clean["hours_per_week"] < 2:
        notes.append("Under two hours a week, any route will be slow. Find a little more time if you can.")
    return notes


def recommend(inputs: Mapping[str, Any]) -> Recommendation:
    """Score the three routes for one situation and say which fits best, and why.

    Raises ``ValueError`` (listing every problem) when the inputs are not valid. Ties go to the
    route listed first in :data:`PATH_IDS`.
    """
    clean = validate_inputs(inputs)
    contrib = _contributions(levels(clean))
    scores = {p: float(contrib[p].sum()) for p in PATH_IDS}
    order = sorted(PATH_IDS, key=lambda p: (-round(scores[p], 9), PATH_IDS.index(p)))
    winner, runner = order[0], order[1]
    margin = scores[winner] - scores[runner]
    return Recommendation(
        path=winner,
        scores=scores,
        contributions=contrib,
        reasons=_reasons(clean, contrib, winner, runner),
        inputs=clean,
        runner_up=runner,
        margin=margin,
        caveats=_caveats(clean, winner, margin, runner),
    )


def _step(key: str, value: Any, direction: int) -> Any | None:
    """The input's value one step up (+1) or down (-1), or None if it cannot move that way."""
    if key == "company_has_pm_roles":
        # one step "up" turns it on, "down" turns it off
        return None if (direction > 0) == bool(value) else direction > 0
    low, high = _LIMITS[key]
    new = value + direction * STEPS[key]
    if new < low or new > high:
        return None
    return int(new) if float(new).is_integer() else new


def sensitivity(inputs: Mapping[str, Any]) -> pd.DataFrame:
    """What-if table: how the answer changes when each input moves one step up or down.

    One row per possible move (an input at the end of its scale moves one way only; the yes/no
    input flips). Columns: ``input``, ``label``, ``change`` ("+1 year", "yes → no", ...),
    ``from``, ``to``, the three route scores after the move, ``recommended`` (route id),
    ``changes_answer`` (bool) and ``lead`` (the winner's lead in points after the move).
    """
    base = recommend(inputs)
    clean = base.inputs
    rows = []
    for key in INPUTS:
        for direction in (+1, -1):
            new = _step(key, clean[key], direction)
            if new is None:
                continue
            moved = dict(clean, **{key: new})
            rec = recommend(moved)
            if key == "company_has_pm_roles":
                change = f"{describe_input(key, clean[key])} → {describe_input(key, new)}"
            else:
                unit = {"years_experience": " year", "hours_per_week": " hours"}.get(key, "")
                size = STEPS[key]
                change = f"{'+' if direction > 0 else '−'}{size}{unit}"
            rows.append({
                "input": key,
                "label": INPUT_LABELS[key],
                "change": change,
                "from": describe_input(key, clean[key]),
                "to": describe_input(key, new),
                **{pid: round(rec.scores[pid], 1) for pid in PATH_IDS},
                "recommended": rec.path,
                "changes_answer": rec.path != base.path,
                "lead": round(rec.margin, 1),
            })
    return pd.DataFrame(rows, columns=["input", "label", "change", "from", "to", *PATH_IDS, "recommended",
                                       "changes_answer", "lead"])


# ---------------------------------------------------------------------------------------------
# Prefill from the Module 00 self-assessment
# ---------------------------------------------------------------------------------------------
def prefill_from_readiness(latest: Any = ...) -> tuple[dict[str, Any], str]:
    """Suggest a value for ``pm_evidence`` from your latest readiness self-assessment (Module 00).

    Returns ``(values, message)``. ``values`` is empty when there is nothing to use: no saved
    self-assessment, no ``pmkit.readiness`` module, or an attempt with neither an answer to T1 nor
    a "transition" score. Never raises. ``latest`` is for tests; by default it is
    ``pmkit.readiness.latest()``.

    The self-assessment's question T1 asks what finished evidence of product work you could show,
    on the same 0-4 scale as ``pm_evidence``, so your answer to T1 is copied as it is. Only when an
    attempt has no usable T1 answer does the transition-readiness score (0-100) stand in for it
    (score ÷ 25, rounded). That score is a rougher guide, because it also counts relationships,
    interview practice and a plan, which the path chooser asks about separately.
    """
    if latest is ...:
        try:
            from . import readiness  # Module 00; optional
        except ImportError:
            return {}, "No self-assessment module is installed, so nothing was filled in for you."
        try:
            latest = readiness.latest()
        except Exception as err:  # noqa: BLE001 - a prefill must never stop the chooser
            return {}, f"Your self-assessment could not be read ({err}); fill in every input yourself."
    if not latest:
        return {}, ("No saved self-assessment yet (Module 00). Fill in every input yourself, "
                    "or take the self-assessment first.")
    when = str(latest.get("taken_at", ""))[:10] if isinstance(latest, Mapping) else ""
    of = f" (self-assessment of {when})" if when else ""
    answers = latest.get("answers") if isinstance(latest, Mapping) else None
    if isinstance(answers, Mapping):
        t1 = next((v for k, v in answers.items() if str(k).strip().upper() == "T1"), None)
        number = _as_number(t1)
        if number is not None and number in (0, 1, 2, 3, 4):
            evidence = int(number)
            return ({"pm_evidence": evidence},
                    f"Evidence of PM work set to {evidence}, your answer to T1 (the finished product work you "
                    f"could show){of}. Change it if it does not fit.")
    try:
        areas = latest.get("areas") or {}
        score = float(areas["transition"])
        if not math.isfinite(score):
            raise ValueError("not a number")
    except (AttributeError, KeyError, TypeError, ValueError):
        return {}, "Your saved self-assessment has no transition-readiness score; fill in every input yourself."
    score = min(max(score, 0.0), 100.0)
    evidence = int(min(4, max(0, math.floor(score / 25 + 0.5))))
    return ({"pm_evidence": evidence},
            f"Evidence of PM work set to {evidence} from your transition-readiness score of {score:.0f}/100"
            + of + ". Change it if it does not fit.")


# ---------------------------------------------------------------------------------------------
# The exercise: choose a path and justify it
# ---------------------------------------------------------------------------------------------
def path_id(value: Any) -> str | None:
    """Turn a route given as an id, a name or a close spelling into its id (or None)."""
    if not isinstance(value, str):
        return None
    text = re.sub(r"[^a-z]+", " ", value.lower()).strip()
    if not text:
        return None
    if text in PATH_IDS:
        return text
    for pid, name in PATH_NAMES.items():
        if text == name.lower():
            return pid
    if "internal" in text or "transfer" in text:
        return "internal"
    if "apm" in text or "associate" in text or "programme" in text or "program" in text:
        return "apm"
    if "external" in text or "outside" in text or "apply" in text or "application" in text:
        return "external"
    return None


def path_choice_record(profile: Any, chosen: Any, justification: Any) -> Any:
    """Build what the exercise saves as "path_choice", or ``...`` when there is nothing to save.

    The record is a dict: ``inputs`` (the six cleaned inputs), ``recommended`` (the model's route
    id), ``recommended_name``, ``scores``, ``chosen`` (the learner's own route id, which may
    differ), ``chosen_name`` and ``justification`` (text). Module 07 reads it to build the plan.

    Never raises. When the answers are still placeholders it returns ``...`` (so ``keep_answer``
    brings back an earlier answer). When they have problems it prints them and returns ``None``.
    """
    try:
        if all(is_unanswered(v) for v in (profile, chosen, justification)):
            return ...
        problems = []
        try:
            rec = recommend(profile)
        except ValueError as err:
            problems.append(str(err))
            rec = None
        pid = path_id(chosen)
        if pid is None:
            problems.append(f"Your chosen path {chosen!r} is not one of: " + ", ".join(
                f'"{p}" ({PATH_NAMES[p]})' for p in PATH_IDS) + ".")
        text = justification.strip() if isinstance(justification, str) else ""
        if not text:
            problems.append("Your justification is empty: write two or three sentences in quotes.")
        if problems:
            print("Not saved yet, because:\n" + "\n".join(problems)
                  + "\n(A path choice you saved earlier stays saved. If one is brought back below, the check "
                    "is about that earlier answer until you fix the problems above.)")
            return None
        record = rec.to_dict()
        record.update({"chosen": pid, "chosen_name": PATH_NAMES[pid], "justification": text})
        return record
    except Exception as err:  # noqa: BLE001
        print(f"Your path choice could not be read ({type(err).__name__}: {err}).")
        return None


_FACTORS = re.compile(
    r"\b(ally|allies|sponsor\w*|manager\w*|mentor\w*|pay|salary|salaries|money|seniority|title|reset|hours?|"
    r"time|evenings?|weekends?|evidence|portfolio|spec\w*|interviews?|discovery|experience|years?|"
    r"company|employer|PM roles?|product team|technical|depth|network|relationships?|risk\w*|family|mortgage)\b",
    re.IGNORECASE)
_NEXT_STEP = re.compile(
    r"\b(will|next|this (?:week|month|quarter)|by (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|the end|end of|q[1-4])|plan to|going to|first step|start(?:ing)?|"
    r"ask|apply|shadow|volunteer|book|schedule|talk to|meet)\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z0-9£$€%'’-]+")


def check_path_choice(record: Any) -> Feedback:
    """Self-check the "choose your path" exercise (the record from :func:`path_choice_record`).

    Never raises; an unanswered or malformed answer gets a friendly message.
    """
    title = "Your path choice"
    try:
        if is_unanswered(record):
            return Feedback(title, answered=False, summary=(
                "You have not answered yet: fill in my_profile, my_path and my_reason, then run the cells again."))
        if not isinstance(record, Mapping) or "inputs" not in record:
            return Feedback(title, answered=False, summary=(
                "This is not a path choice record. Build it with path_choice_record(my_profile, my_path, my_reason)."))
        result = Feedback(title, note="A self-check, not a grade: the model is a starting point, not an oracle.")
        try:
            rec = recommend(record["inputs"])
        except ValueError as err:
            return Feedback(title, answered=False, summary=str(err))
        result.add("Your situation", True, "all six inputs are valid.")
        pid = path_id(record.get("chosen"))
        if pid is None:
            result.add("Your choice", False, "name one path: internal, apm or external.")
        elif pid == rec.path:
            result.add("Your choice", True, f"you chose the {PATH_NAMES[pid]}, as the model does "
                       f"({rec.scores[pid]:.0f} of 100).")
        else:
            result.add("Your choice", None, f"you chose the {PATH_NAMES[pid]}; the model prefers the "
                       f"{rec.path_name} ({rec.scores[rec.path]:.0f} against {rec.scores[pid]:.0f}). That is allowed: "
                       "say what the model misses.")
        text = str(record.get("justification") or "")
        words = len(_WORDS.findall(text))
        factors = sorted({m.group(0).lower() for m in _FACTORS.finditer(text)})
        if factors:
            result.add("Grounded in your situation", True, "you mention " + ", ".join(factors[:5]) + ".")
        else:
            result.add("Grounded in your situation", False, "tie the choice to your facts: allies, evidence, "
                       "time, pay, or whether your company has PM roles.")
        if pid is not None and pid != rec.path:
            missing = any(w in text.lower() for w in ("model", "miss", "does not know", "doesn't know", "weights",
                                                      "not in the", "ignores", "leaves out"))
            result.add("Why you differ from the model", missing or None,
                       "you say what the model leaves out." if missing else
                       "name the fact the model does not see (it knows only six inputs).")
        step = _NEXT_STEP.search(text)
        if step:
            result.add("A next step", True, f"found \"{step.group(0)}\".")
        else:
            result.add("A next step", False, "end with the first thing you will do, and when.")
        if words < 25:
            result.add("Length", False, f"{words} words. Aim for 25-200: enough to give two or three reasons.")
        elif words > 200:
            result.add("Length", False, f"{words} words. Aim for 25-200; cut to the reasons that decide it.")
        else:
            result.add("Length", True, f"{words} words.")
        done, total = len(result.passed), len([c for c in result.checks if c.ok is not None])
        result.summary = f"{done} of {total} checks met." + (
            " Nicely done." if done == total else " Revise the lines marked ✗, then run the check again.")
        return result
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(title, answered=False, summary=f"Your answer could not be checked ({type(err).__name__}: {err}).")


def saved_path_choice() -> dict[str, Any] | None:
    """The learner's saved path choice (Module 06's "path_choice" answer), checked, or None.

    For Module 07: returns the record with cleaned ``inputs`` and valid ``chosen`` and
    ``recommended`` ids, or None (with a printed reason) when nothing usable is saved. Never raises.
    """
    from .work import load_answer

    try:
        record = load_answer(MODULE, "path_choice")
    except Exception as err:  # noqa: BLE001
        print(f"Your saved path choice could not be read: {err}")
        return None
    if record is None:
        return None
    if not isinstance(record, Mapping) or "inputs" not in record:
        print("Your saved path choice is not in the expected form; redo the first exercise of Module 06.")
        return None
    try:
        rec = recommend(record["inputs"])
    except ValueError as err:
        print(f"Your saved path choice has a problem: {err}")
        return None
    out = dict(record)
    out["inputs"] = rec.inputs
    out["recommended"] = rec.path
    out["recommended_name"] = rec.path_name
    out["scores"] = {p: round(s, 2) for p, s in rec.scores.items()}
    chosen = path_id(record.get("chosen")) or rec.path
    out["chosen"] = chosen
    out["chosen_name"] = PATH_NAMES[chosen]
    return out
