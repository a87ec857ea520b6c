"""Your 12-month plan: from your self-assessment, your path and your hours to a month-by-month plan.

:func:`build_plan` turns three inputs into a :class:`Plan` of twelve months, each with a focus, what
to practise, course exercises, real-world actions and milestones. The rules are fixed and written
down here, so that you can check every month of your plan against them.

**Inputs**

* **Your self-assessment** (Module 00): :func:`pmkit.readiness.latest`, its area scores (0-100), its
  top gaps and its total. Without one, the plan uses the course's defaults: the gaps in the order
  :data:`DEFAULT_GAP_ORDER` and an average profile (a total of 50). Such a plan is flagged as
  ``generic`` and says so at the top.
* **Your path**: "internal transfer", "APM programme" or "external application". An explicit
  ``path`` argument wins; without one, the path you chose in Module 06 (its saved "path_choice")
  is used; without that, the internal transfer, because the course's source calls it almost always
  the fastest route. The plan records where the path came from.
* **Your hours per week**: 1 to 40.

**Rules**

1. *Preparation hours.* Before you make the ask or apply, you need about
   :data:`PREP_HOURS` hours of deliberate practice: 60 for an internal transfer (about three months
   at five hours a week, the article's "months 1-3"), 80 for an APM programme (the applications and
   the interview loop need more polish) and 100 for an external application (you also need a
   portfolio that stands on its own). Your self-assessment scales this: the factor is
   ``1.4 - 0.8 × total / 100``, so a total of 50 keeps the hours as they are, 100 cuts them to 60%
   and 0 raises them to 140%.
2. *Months of preparation* = preparation hours ÷ (hours per week × 52 / 12), rounded up, and at
   least :data:`MIN_PREP_MONTHS` months (2 for an internal transfer, 3 otherwise), because
   interviews with customers, shadowing and trust take calendar time that extra hours cannot buy.
3. *Focus of each preparation month.* Your three weakest skill areas take turns, weakest first:
   your top gaps (leaving out transition readiness, which the move itself covers), then your next
   weakest skill areas. When there are more than three months, the turn starts again, so your
   weakest area gets the most months.
4. *The move.* The month after preparation, you make the ask (internal transfer) or send your
   first applications (APM programme, external application). Interview preparation starts in the
   last month of preparation, or one month earlier when transition readiness is one of your two
   weakest areas. The move then takes :data:`MOVE_MONTHS` months until a first PM role can start:
   2 for an internal transfer (the conversation, then a handover), 4 for an external application
   and 5 for an APM programme (selection runs on the programme's own calendar). These are
   targets, not promises.
5. *The first role.* From the target start month on, the months are about the first year in the
   role: listening, staying in the problem, letting engineers own the "how", and valuing the soft
   deliverables.
6. *Intensity.* Below 3 hours a week, each month holds one course exercise and one real-world
   action; otherwise two exercises, and two actions (three from 10 hours a week). The month in
   which interview preparation starts swaps in Module 06's STAR story exercise, and the last month
   of preparation swaps in Module 07's portfolio (both, when they fall in the same month).
7. *Stretching.* Below :data:`STRETCH_BELOW` hours a week the plan says that it stretches; when a
   milestone falls after month 12, it is listed under "after this plan" instead of being squeezed
   in. Month 12 always ends with a review of the plan.

Exports: :func:`to_markdown`, :func:`to_ics` (an iCalendar file of the milestones, RFC 5545, made
with the ``icalendar`` library), :func:`figure` (a timeline chart) and :func:`alt_text`.
:func:`save_plan` writes the plan to your work folder.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import numbers
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import readiness
from .widgets import _common as c

__all__ = [
    "PATHS",
    "DEFAULT_PATH",
    "DEFAULT_GAP_ORDER",
    "SKILL_AREAS",
    "PREP_HOURS",
    "MIN_PREP_MONTHS",
    "MOVE_MONTHS",
    "STRETCH_BELOW",
    "MIN_HOURS",
    "MAX_HOURS",
    "Exercise",
    "Milestone",
    "Month",
    "Plan",
    "PlanError",
    "check_hours",
    "normalise_path",
    "saved_path",
    "saved_assessment",
    "build_plan",
    "to_markdown",
    "to_ics",
    "figure",
    "alt_text",
    "save_plan",
    "plan_files",
    "plan_table",
    "month_start",
]

MODULE = "07-after-the-switch"
SAVE_KEY = "plan"

PATHS = ("internal transfer", "APM programme", "external application")
DEFAULT_PATH = "internal transfer"
MIN_HOURS, MAX_HOURS = 1, 40
STRETCH_BELOW = 2
#: Hours of preparation before the ask or the first applications, for an average profile.
PREP_HOURS = {"internal transfer": 60, "APM programme": 80, "external application": 100}
#: Calendar months of preparation that no number of hours can shorten.
MIN_PREP_MONTHS = {"internal transfer": 2, "APM programme": 3, "external application": 3}
#: Months from the ask (or the first applications) to the target start of a first PM role.
MOVE_MONTHS = {"internal transfer": 2, "APM programme": 5, "external application": 4}
#: Without a self-assessment: discovery first (the article calls it the biggest gap for engineers
#: who have never run discovery), then stakeholders (the gap most find hardest), then writing.
DEFAULT_GAP_ORDER = ("discovery", "stakeholders", "writing", "prioritization", "transition")
DEFAULT_TOTAL = 50.0
SKILL_AREAS = ("discovery", "prioritization", "stakeholders", "writing")
WEEKS_PER_MONTH = 52 / 12

PHASES = {
    "prepare": "Prepare",
    "move": "Make the move",
    "role": "First PM role",
}


class PlanError(ValueError):
    """An input to the plan is unusable; the message says which and what is expected."""


# ---------------------------------------------------------------------------------------------
# What each month can hold
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Exercise:
    """A course exercise: the module number and what you do in it."""

    module: str
    title: str

    @property
    def notebook(self) -> str:
        return _NOTEBOOKS.get(self.module, "")

    def __str__(self) -> str:
        return f"Module {self.module} · {self.title}"


_NOTEBOOKS = {
    "00": "notebooks/00_start_here.ipynb",
    "01": "exercises/01_what_transfers_exercises.ipynb",
    "02": "exercises/02_customer_discovery_exercises.ipynb",
    "03": "exercises/03_prioritization_exercises.ipynb",
    "04": "exercises/04_stakeholders_exercises.ipynb",
    "05": "exercises/05_writing_exercises.ipynb",
    "06": "exercises/06_landing_the_role_exercises.ipynb",
    "07": "exercises/07_after_the_switch_exercises.ipynb",
}

# Each skill area: what to practise, the course exercises that train it, and real-world actions.
AREA_PLAN: dict[str, dict[str, Any]] = {
    "discovery": {
        "short": "Discovery",
        "practise": "Ask about what people did, not what they might want; write what you learn as insights "
                    "and a problem statement, never as feature requests.",
        "exercises": [Exercise("02", "Rewrite five bad interview questions"),
                      Exercise("02", "Synthesise the notes into insight statements"),
                      Exercise("02", "Write the problem statement for the most important opportunity"),
                      Exercise("07", "Problem or solution?"),
                      Exercise("07", "Reframe three solutions as problems"),
                      Exercise("02", "The three follow-ups drill")],
        "actions": ["Join three customer or support calls and write down the problem behind each request",
                    "Run five customer interviews about the past, not about your ideas",
                    "Write a one-page insight summary and share it with your PM",
                    "Help your PM synthesise a round of user research",
                    "Sit with support for a morning and log the problems you hear"],
    },
    "prioritization": {
        "short": "Prioritization",
        "practise": "Rank a real backlog, spot where a score misleads, and argue the top three in business terms.",
        "exercises": [Exercise("03", "Predict the new top three"),
                      Exercise("03", "Find where RICE misleads"),
                      Exercise("03", "Explain the top three in business terms")],
        "actions": ["Write a prioritization rationale for your team's top three backlog items, in business terms",
                    "Ask a PM you trust to critique your rationale",
                    "Sit in on a roadmap or planning meeting and note how trade-offs are argued",
                    "Score your team's backlog with two frameworks and explain where they disagree"],
    },
    "stakeholders": {
        "short": "Stakeholders",
        "practise": "Map who has power and interest, and build agreement before the meeting rather than in it.",
        "exercises": [Exercise("04", "Map the stakeholders of the engine rewrite"),
                      Exercise("04", "Fix the broken RACI"),
                      Exercise("04", "Play the FreshBite scenario and write your next message")],
        "actions": ["Draw a power-interest map for a project you work on",
                    "Hold one-to-ones with three people outside engineering: sales, support and design",
                    "Run one decision meeting with a written pre-read, and send the decision record after it",
                    "Ask a colleague who disagrees with you what would change their mind, and listen"],
    },
    "writing": {
        "short": "Writing",
        "practise": "Write short documents with the decision first, for readers who are not engineers.",
        "exercises": [Exercise("05", "A five-sentence executive summary"),
                      Exercise("05", "Release notes customers read"),
                      Exercise("05", "The press release, before you build")],
        "actions": ["Write a one-pager for a feature your team is planning",
                    "Write the customer-facing release notes for your next release",
                    "Ask a reader who is not an engineer for feedback on one document",
                    "Rewrite the opening of a design doc as a five-sentence executive summary"],
    },
}

TRANSITION_EXERCISES = [Exercise("06", "Choose your path and justify it"),
                        Exercise("06", "A STAR story from your own work"),
                        Exercise("06", "A calibration round"),
                        Exercise("07", "Assemble your portfolio and frame it")]

MOVE_PLAN: dict[str, dict[str, Any]] = {
    "internal transfer": {
        "focus": "Make the ask and plan the handover",
        "practise": "Tell your story in two minutes: the evidence you built, the gaps you are closing and how.",
        "actions": ["Ask your manager and a PM manager what evidence they would need to back your move",
                    "Find a PM manager who is short of people and willing to bet on potential",
                    "Agree a handover plan for your engineering work",
                    "Agree a trial period and what success looks like"],
    },
    "APM programme": {
        "focus": "Applications and the interview loop",
        "practise": "Answer product-sense, estimation and behavioural questions out loud, against a clock.",
        "actions": ["Check each programme's eligibility rules and application dates",
                    "Talk to someone who went through the programme",
                    "Do two mock interviews a week with a friend or a PM",
                    "Decide in advance what pay or seniority reset you can accept"],
    },
    "external application": {
        "focus": "Applications and the interview loop",
        "practise": "Answer product-sense, estimation and behavioural questions out loud, against a clock.",
        "actions": ["Target companies where technical depth is a differentiator: infrastructure, "
                    "developer tools, ML platforms, fintech",
                    "Do two mock interviews a week with a friend or a PM",
                    "Ask PMs at your target companies for a 20-minute chat about their work",
                    "Send tailored applications with a link to your portfolio"],
    },
}

ROLE_PLAN = [
    {"focus": "First month as a PM: listen and learn",
     "practise": "Stay in the problem: before any fix comes to mind, ask three or more follow-up questions.",
     "exercises": [Exercise("07", "Problem or solution?"), Exercise("04", "Map the stakeholders of the engine rewrite")],
     "actions": ["Meet every key stakeholder one to one, and draw the power-interest map of your new area",
                 "Agree with your engineering lead which decisions are theirs",
                 "Start a weekly log of decisions, alignment and learning"]},
    {"focus": "Earn trust: outcomes before output",
     "practise": "Say what must be true and why; leave the how to the engineers.",
     "exercises": [Exercise("01", "Trace what reliable notifications change"), Exercise("03", "Explain the top three in business terms")],
     "actions": ["Agree with your manager what success looks like at 30, 60 and 90 days",
                 "Write your first decision record and share it",
                 "Ask for feedback on one meeting you ran"]},
    {"focus": "Value the soft deliverables",
     "practise": "Count alignment, decisions and customer understanding as real output, and write them down.",
     "exercises": [Exercise("04", "Play the FreshBite scenario and write your next message"), Exercise("05", "A five-sentence executive summary")],
     "actions": ["Review your weekly log: what did the team decide faster because of you?",
                 "Run five customer interviews for your own area",
                 "Ask a non-engineer for feedback on one document"]},
]


@dataclass(frozen=True)
class Milestone:
    """A dated step: ``month`` 1-12 (or later), ``week`` 1-4 within it."""

    month: int
    week: int
    kind: str
    title: str
    detail: str = ""

    @property
    def order(self) -> tuple[int, int]:
        return (self.month, self.week)


@dataclass
class Month:
    number: int
    phase: str
    focus: str
    area: str | None
    practise: str
    exercises: list[Exercise] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class Plan:
    """A 12-month plan. Build it with :func:`build_plan`; months are numbered 1 to 12."""

    path: str
    path_source: str
    hours_per_week: float
    generic: bool
    areas: dict[str, float] | None
    total: float
    focus_areas: list[str]
    prep_hours: float
    prep_months: int
    move_month: int
    interview_prep_month: int
    role_month: int
    months: list[Month]
    milestones: list[Milestone]
    later: list[Milestone]
    notes: list[str]
    assessed_at: str | None = None
    #: "self-assessment" (yours), "generic" (the course's defaults) or "example" (a worked example's profile)
    profile: str = "self-assessment"

    @property
    def title(self) -> str:
        return f"12-month plan · {self.path} · {_hours(self.hours_per_week)} a week"

    @property
    def move_label(self) -> str:
        return "Make the ask" if self.path == "internal transfer" else "Send the first applications"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly data (what is saved as Module 07's "plan")."""
        data = asdict(self)
        data["version"] = 1
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Plan:
        """Rebuild a plan saved with :meth:`to_dict`. Raises :class:`PlanError` if it is not one."""
        if not isinstance(data, dict):
            raise PlanError(f"a saved plan must be a set of named values, not {type(data).__name__}")
        try:
            months = [Month(number=int(m["number"]), phase=str(m["phase"]), focus=str(m["focus"]),
                            area=m.get("area"), practise=str(m["practise"]),
                            exercises=[Exercise(str(e["module"]), str(e["title"])) for e in m["exercises"]],
                            actions=[str(a) for a in m["actions"]],
                            milestones=[Milestone(**ms) for ms in m["milestones"]])
                      for m in data["months"]]
            plan = cls(
                path=str(data["path"]), path_source=str(data["path_source"]),
                hours_per_week=float(data["hours_per_week"]), generic=bool(data["generic"]),
                areas=dict(data["areas"]) if data.get("areas") is not None else None,
                total=float(data["total"]), focus_areas=[str(a) for a in data["focus_areas"]],
                prep_hours=float(data["prep_hours"]), prep_months=int(data["prep_months"]),
                move_month=int(data["move_month"]), interview_prep_month=int(data["interview_prep_month"]),
                role_month=int(data["role_month"]), months=months,
                milestones=[Milestone(**ms) for ms in data["milestones"]],
                later=[Milestone(**ms) for ms in data["later"]],
                notes=[str(n) for n in data["notes"]], assessed_at=data.get("assessed_at"),
                profile=str(data.get("profile") or ("generic" if data["generic"] else "self-assessment")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise PlanError(f"the saved plan is incomplete or damaged ({type(err).__name__}: {err})") from None
        if [m.number for m in plan.months] != list(range(1, 13)) or plan.path not in PATHS:
            raise PlanError("the saved plan does not hold months 1 to 12 of a known path")
        return plan


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
def _hours(value: float) -> str:
    text = f"{value:g}"
    return f"{text} hour" if value == 1 else f"{text} hours"


def check_hours(value: Any) -> float:
    """Hours per week as a number from 1 to 40, or :class:`PlanError` saying what is expected."""
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise PlanError(f"Hours per week must be a number from {MIN_HOURS} to {MAX_HOURS}, like 5 (got {value!r}).")
    if isinstance(value, str):
        from .career import read_number  # the same reading of "5", "4,5", "6 hours a week" as Module 06

        number, span = read_number(value)
        if span is not None:
            raise PlanError(f"{value!r} is a range, but the plan needs one number. Use the hours you can count on "
                            f"every week, the low end ({min(span):g}), and let the good weeks be a bonus.")
        if number is None:
            raise PlanError(f"Hours per week must be a number from {MIN_HOURS} to {MAX_HOURS}, like 5; "
                            f"{value!r} is not a number.")
    elif isinstance(value, numbers.Real):
        number = float(value)
    else:
        raise PlanError(f"Hours per week must be a number from {MIN_HOURS} to {MAX_HOURS}, "
                        f"not {type(value).__name__}.")
    if not math.isfinite(number):
        raise PlanError(f"Hours per week must be a number from {MIN_HOURS} to {MAX_HOURS}; {value!r} is not.")
    if number < MIN_HOURS:
        raise PlanError(f"{number:g} hours a week is below the minimum of {MIN_HOURS}. Even one protected hour a "
                        "week moves you forward; the plan needs at least that.")
    if number > MAX_HOURS:
        raise PlanError(f"{number:g} hours a week is above the maximum of {MAX_HOURS}. Beyond a full working week, "
                        "calendar time (other people's diaries, trust) limits you, not hours.")
    return number


def normalise_path(value: Any) -> str | None:
    """"internal", "Internal transfer", "apm", "APM program", "external"... -> a name from PATHS, or None."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
    for name in PATHS:
        if text == name.lower():
            return name
    if "internal" in text or "transfer" in text:
        return "internal transfer"
    if "apm" in text or "associate" in text or "programme" in text or "program" in text:
        return "APM programme"
    if "external" in text or "application" in text or "outside" in text:
        return "external application"
    return None


def saved_path() -> tuple[str | None, str]:
    """The path chosen in Module 06 (its saved "path_choice"), and a sentence saying what was found.

    The learner's own choice (``chosen``) wins over the model's recommendation (``recommended``).
    Never raises.
    """
    try:
        from .work import load_answer

        record = load_answer("06-landing-the-role", "path_choice")
    except Exception as err:  # noqa: BLE001
        return None, f"Your Module 06 path choice could not be read ({err})."
    if record is None:
        return None, "No path choice is saved from Module 06."
    if not isinstance(record, dict):
        return None, "Your saved Module 06 path choice is not in the expected form, so it was not used."
    for key in ("chosen_name", "chosen", "recommended_name", "recommended", "path", "choice"):
        name = normalise_path(record.get(key))
        if name:
            how = "your own choice" if key.startswith("chosen") else "the path the model recommended"
            return name, f"The path comes from Module 06: {how}, the {name}."
    return None, "Your saved Module 06 path choice names no path the plan knows, so it was not used."


def saved_assessment() -> tuple[dict | None, str]:
    """Your latest self-assessment (Module 00), and a sentence saying what was found. Never raises."""
    try:
        attempt = readiness.latest()
    except Exception as err:  # noqa: BLE001
        return None, f"Your self-assessment could not be read ({err})."
    if attempt is None:
        return None, "No self-assessment is saved yet (Module 00)."
    return attempt, "The plan uses your latest self-assessment (Module 00)."


def _clean_assessment(assessment: Any) -> tuple[dict[str, float], float, list[str], str | None]:
    """Area scores, total and gaps from a saved attempt; PlanError if it cannot be used."""
    if not isinstance(assessment, dict):
        raise PlanError(f"a self-assessment must be a set of named values, not {type(assessment).__name__}")
    areas = assessment.get("areas")
    if not isinstance(areas, dict):
        raise PlanError("the self-assessment has no area scores")
    clean: dict[str, float] = {}
    for area in readiness.AREAS:
        value = areas.get(area)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= float(value) <= 100:
            raise PlanError(f"the score for {area!r} is {value!r}, not a number from 0 to 100")
        clean[area] = float(value)
    total = assessment.get("total")
    if isinstance(total, bool) or not isinstance(total, numbers.Real) or not 0 <= float(total) <= 100:
        total = sum(clean.values()) / len(clean)
    gaps = assessment.get("top_gaps")
    if not isinstance(gaps, list) or not all(g in readiness.AREAS for g in gaps):
        gaps = sorted(readiness.AREAS, key=lambda a: (clean[a], readiness.AREAS.index(a)))[:3]
    taken = assessment.get("taken_at") if isinstance(assessment.get("taken_at"), str) else None
    return clean, float(total), list(gaps), taken


def _focus_areas(areas: dict[str, float] | None, gaps: list[str]) -> list[str]:
    """Rule 3: top gaps (skill areas only), then the next-weakest skill areas; three in all."""
    chosen = [g for g in gaps if g in SKILL_AREAS]
    if areas is not None:
        rest = sorted((a for a in SKILL_AREAS if a not in chosen), key=lambda a: (areas[a], SKILL_AREAS.index(a)))
    else:
        rest = [a for a in DEFAULT_GAP_ORDER if a in SKILL_AREAS and a not in chosen]
    return (chosen + rest)[:3]


# ---------------------------------------------------------------------------------------------
# Building the plan
# ---------------------------------------------------------------------------------------------
_SAVED = object()


def build_plan(hours_per_week: Any, path: Any = None, assessment: Any = _SAVED) -> Plan:
    """Build your 12-month plan (see the module docstring for every rule).

    ``hours_per_week``: 1 to 40. ``path``: one of :data:`PATHS` (loose spellings such as
    "internal" or "apm" work), or None to use your Module 06 choice. ``assessment``: by default
    your latest saved self-assessment; pass None for the generic plan, or an attempt dict.
    Raises :class:`PlanError` (a ``ValueError``) with a clear message for unusable input.
    """
    hours = check_hours(hours_per_week)
    notes: list[str] = []

    # --- the path
    if path is None:
        name, message = saved_path()
        if name:
            chosen, source = name, "Module 06"
            notes.append(message)
        else:
            chosen, source = DEFAULT_PATH, "default"
            notes.append(message + f" The plan assumes an {DEFAULT_PATH}, which the course's source calls "
                                   "almost always the fastest route; pick another path to change it.")
    else:
        chosen = normalise_path(path)
        if chosen is None:
            raise PlanError(f"{path!r} is not a path. Choose one of: " + ", ".join(f'"{p}"' for p in PATHS) + ".")
        source = "your choice"

    # --- the self-assessment
    if assessment is _SAVED:
        assessment, message = saved_assessment()
        notes.append(message)
    generic = assessment is None
    taken_at = None
    if generic:
        areas, total, gaps = None, DEFAULT_TOTAL, list(DEFAULT_GAP_ORDER[:3])
    else:
        try:
            areas, total, gaps, taken_at = _clean_assessment(assessment)
        except PlanError as err:
            notes.append(f"Your self-assessment could not be used ({err}).")
            generic, areas, total, gaps = True, None, DEFAULT_TOTAL, list(DEFAULT_GAP_ORDER[:3])
    if generic:
        notes.insert(0, "Generic plan: without a self-assessment, it uses the course's default gap order "
                        "(customer discovery, then stakeholders, then writing) and an average profile. "
                        "Take the self-assessment in Module 00 to make it yours.")
    focus = _focus_areas(areas, gaps)

    # --- rules 1 and 2: preparation
    factor = min(1.4, max(0.6, 1.4 - 0.8 * total / 100))
    prep_hours = round(PREP_HOURS[chosen] * factor, 1)
    per_month = hours * WEEKS_PER_MONTH
    prep_months = max(MIN_PREP_MONTHS[chosen], math.ceil(prep_hours / per_month - 1e-9))
    move_month = prep_months + 1
    transition_weak = areas is not None and "transition" in sorted(
        readiness.AREAS, key=lambda a: (areas[a], readiness.AREAS.index(a)))[:2]
    interview_prep_month = max(1, prep_months - (1 if transition_weak else 0))
    role_month = move_month + MOVE_MONTHS[chosen]

    if hours < STRETCH_BELOW:
        notes.append(f"At {_hours(hours)} a week the plan stretches: you need about {prep_hours:g} hours of "
                     f"preparation, which takes {prep_months} months at this pace. Protecting one more hour a "
                     f"week would bring the {'ask' if chosen == 'internal transfer' else 'first applications'} "
                     f"to month {_move_month_at(hours + 1, chosen, prep_hours)}.")
    if hours >= 30:
        notes.append(f"At {_hours(hours)} a week, calendar time limits you more than hours: customers' diaries, "
                     "interview loops and trust take weeks whatever you do. Use the spare hours for more "
                     "real-world practice, not for rushing the milestones.")
    if transition_weak:
        notes.append("Transition readiness is one of your two weakest areas, so interview preparation starts a "
                     "month early.")

    # --- milestones
    milestones = _milestones(chosen, prep_months, move_month, interview_prep_month, role_month)
    inside = sorted((m for m in milestones if m.month <= 12), key=lambda m: m.order)
    later = sorted((m for m in milestones if m.month > 12), key=lambda m: m.order)
    if later:
        notes.append("Some milestones fall after month 12 and are listed under \"After this plan\": "
                     + "; ".join(f"{m.title} (month {m.month})" for m in later) + ".")

    # --- months
    n_ex = 1 if hours < 3 else 2
    n_act = 1 if hours < 3 else (2 if hours < 10 else 3)
    months = []
    used_ex: dict[str, int] = {}
    used_act: dict[str, int] = {}
    for number in range(1, 13):
        if number <= prep_months:
            area = focus[(number - 1) % len(focus)]
            spec = AREA_PLAN[area]
            specials = ([Exercise("06", "A STAR story from your own work")] if number == interview_prep_month else []) + \
                       ([Exercise("07", "Assemble your portfolio and frame it")] if number == prep_months else [])
            exercises = _take(spec["exercises"], used_ex, area, max(0, n_ex - len(specials))) + specials
            actions = _take(spec["actions"], used_act, area, n_act)
            month = Month(number, "prepare", readiness.AREA_TITLES[area], area,
                          spec["practise"], _unique(exercises), actions)
        elif number < role_month:
            spec = MOVE_PLAN[chosen]
            exercises = _take(TRANSITION_EXERCISES, used_ex, "transition", n_ex)
            actions = _take(spec["actions"], used_act, chosen, n_act)
            keep = focus[0]
            if n_act > 1:
                actions = actions[:-1] + [f"Keep one {AREA_PLAN[keep]['short'].lower()} habit going: "
                                          + AREA_PLAN[keep]["actions"][0][0].lower() + AREA_PLAN[keep]["actions"][0][1:]]
            month = Month(number, "move", spec["focus"], "transition", spec["practise"], _unique(exercises), actions)
        else:
            stage = ROLE_PLAN[min(number - role_month, len(ROLE_PLAN) - 1)]
            if number - role_month >= len(ROLE_PLAN):
                stage = {**stage, "focus": "Grow into the role: apply your engineering instincts to product problems"}
            month = Month(number, "role", stage["focus"], None, stage["practise"],
                          list(stage["exercises"][:n_ex]), list(stage["actions"][:n_act]))
        month.milestones = [m for m in inside if m.month == number]
        months.append(month)

    return Plan(path=chosen, path_source=source, hours_per_week=hours, generic=generic, areas=areas,
                total=round(total, 1), focus_areas=focus, prep_hours=prep_hours, prep_months=prep_months,
                move_month=move_month, interview_prep_month=interview_prep_month, role_month=role_month,
                months=months, milestones=inside, later=later, notes=notes, assessed_at=taken_at,
                profile="generic" if generic else "self-assessment")


def _move_month_at(hours: float, path: str, prep_hours: float) -> int:
    return max(MIN_PREP_MONTHS[path], math.ceil(prep_hours / (hours * WEEKS_PER_MONTH) - 1e-9)) + 1


def _take(pool: list, used: dict[str, int], key: str, n: int) -> list:
    """The next ``n`` entries of ``pool`` for ``key``, going round when the pool runs out."""
    start = used.get(key, 0)
    picked = [pool[(start + i) % len(pool)] for i in range(min(n, len(pool)))]
    used[key] = start + len(picked)
    return picked


def _unique(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _milestones(path: str, prep_months: int, move_month: int, interview_month: int, role_month: int) -> list[Milestone]:
    ms = [
        Milestone(prep_months, 4, "review", "Retake the self-assessment (Module 00)",
                  "Compare your area scores with your first attempt; the portfolio shows both."),
        Milestone(interview_month, 3, "interview-prep", "Start interview preparation",
                  "Practise your STAR stories and, for applications, product-sense and estimation questions."),
        Milestone(role_month, 1, "role", "Target start in your first PM role",
                  "A target, not a promise. The first months will feel slower than engineering did, and that is normal."),
        Milestone(12, 4, "review", "Review and rebuild this plan",
                  "What moved, what stalled, and what the next twelve months need."),
    ]
    if prep_months >= 6:
        ms.append(Milestone(min(prep_months // 2, 6), 4, "review", "Halfway check: retake the self-assessment (Module 00)",
                            "See which areas moved; if one has not, give it the next month."))
    if path == "internal transfer":
        ms += [
            Milestone(1, 1, "signal", "Tell your manager and a PM you trust that you want to move into product",
                      "Ask what evidence would convince them, and whether you can shadow the PM."),
            Milestone(1, 2, "practice", "Start shadowing a PM", "Join their customer calls and planning meetings."),
            Milestone(prep_months, 2, "evidence", "Evidence for the ask is ready",
                      "An insight summary, a prioritization rationale and a one-pager you wrote."),
            Milestone(move_month, 1, "ask", "Make the ask",
                      "To a PM manager who is short of people: your evidence, the gaps you are closing, a handover plan."),
            Milestone(move_month + 1, 2, "handover", "Agree the handover of your engineering work", ""),
        ]
    elif path == "APM programme":
        ms += [
            Milestone(1, 1, "research", "List APM programmes and their application dates",
                      "Most recruit on a fixed yearly calendar; note each window and eligibility rule."),
            Milestone(prep_months, 2, "evidence", "Application materials are ready",
                      "CV, portfolio link and two STAR stories."),
            Milestone(move_month, 1, "apply", "Apply in the first open window",
                      "If no window is open, use the wait for more real-world practice."),
            Milestone(move_month + 2, 1, "review", "Review the responses so far", "Adjust the list and your stories."),
        ]
    else:
        ms += [
            Milestone(1, 1, "research", "Choose ten target companies where technical depth matters",
                      "Infrastructure, developer tools, ML platforms and fintech are good places to start."),
            Milestone(prep_months, 2, "evidence", "Portfolio is ready",
                      "Discovery, prioritization and writing work a hiring manager can read in ten minutes."),
            Milestone(move_month, 1, "apply", "Send the first targeted applications", ""),
            Milestone(move_month + 2, 1, "review", "Review the responses so far", "Adjust the target list and your portfolio."),
        ]
    return ms


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        # year first is never ambiguous: accept 2026-9-1, 2026/09/01 and 2026.09.01 too
        match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError as err:
                raise PlanError(f"{value!r} is not a real date ({err}). Write it as year-month-day, "
                                "like 2026-09-01.") from None
        raise PlanError(f"The start date must be a date written year-month-day, like 2026-09-01, not {value!r}. "
                        "(A date like 01/09/2026 could mean January or September, so the plan does not guess.)")
    raise PlanError(f"The start date must be a date like 2026-09-01, not {value!r}.")


def month_start(start: Any, number: int) -> date:
    """The first day of plan month ``number`` (1 = the month that starts on ``start``)."""
    first = _as_date(start)
    index = first.month - 1 + number - 1
    year, month = first.year + index // 12, index % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def milestone_date(start: Any, milestone: Milestone) -> date:
    return month_start(start, milestone.month) + timedelta(days=7 * (milestone.week - 1))


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------
def _exercise_md(e: Exercise) -> str:
    return f"{e} (`{e.notebook}`)" if e.notebook else str(e)


def to_markdown(plan: Plan, start_date: Any = None) -> str:
    """The plan as a Markdown document (dates are added when ``start_date`` is given)."""
    start = _as_date(start_date) if start_date is not None else None
    lines = [f"# My {plan.title}", ""]
    if plan.profile == "generic":
        lines += ["> **Generic plan (an example profile, not yours).** No usable self-assessment was found, "
                  "so this plan uses the course's default gap order. Take the Module 00 self-assessment to "
                  "make it yours.", ""]
    elif plan.profile == "example":
        lines += ["> **Example profile, not yours.** This plan is built from a worked example's "
                  "self-assessment. Take the Module 00 self-assessment to make it yours.", ""]
    lines += [
        f"- **Path:** {plan.path} ({_source_words(plan.path_source)})",
        f"- **Time:** {_hours(plan.hours_per_week)} a week, about {plan.hours_per_week * WEEKS_PER_MONTH:.0f} hours a month",
        f"- **Focus areas, in turn:** " + ", ".join(readiness.AREA_TITLES[a] for a in plan.focus_areas),
        f"- **Preparation:** about {plan.prep_hours:g} hours, so {plan.prep_months} month(s)",
        f"- **{plan.move_label}:** month {plan.move_month}" + (f" ({_month_name(start, plan.move_month)})" if start else ""),
        f"- **Target start in a first PM role:** month {plan.role_month}"
        + (f" ({_month_name(start, plan.role_month)})" if start else "") + (" (after this plan)" if plan.role_month > 12 else ""),
    ]
    if plan.areas:
        lines.append("- **Self-assessment:** " + ", ".join(
            f"{readiness.AREA_TITLES[a]} {plan.areas[a]:.0f}" for a in readiness.AREAS) + f" (total {plan.total:.0f})")
    if plan.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in plan.notes]
    lines += ["", "## Milestones", "", "| Month | Week | Milestone |" + (" Date |" if start else ""),
              "|---|---|---|" + ("---|" if start else "")]
    for m in plan.milestones:
        row = f"| {m.month} | {m.week} | {_md_cell(m.title)} |"
        if start:
            row += f" {milestone_date(start, m).isoformat()} |"
        lines.append(row)
    if plan.later:
        lines += ["", "**After this plan:** " + "; ".join(f"{m.title} (month {m.month})" for m in plan.later) + "."]
    lines += ["", "## Month by month"]
    for month in plan.months:
        when = f" ({_month_name(start, month.number)})" if start else ""
        lines += ["", f"### Month {month.number}{when} · {PHASES[month.phase]}: {month.focus}", "",
                  f"- **Practise:** {month.practise}"]
        if month.exercises:
            lines.append("- **Course exercises:** " + "; ".join(_exercise_md(e) for e in month.exercises))
        if month.actions:
            lines.append("- **Real-world actions:**")
            lines += [f"  - {a}" for a in month.actions]
        for m in month.milestones:
            lines.append(f"- **Milestone (week {m.week}):** {m.title}" + (f". {m.detail}" if m.detail else ""))
    lines += ["", "## How this plan was made", "",
              f"Preparation hours: {PREP_HOURS[plan.path]} for an {plan.path} at an average profile, scaled by "
              f"1.4 − 0.8 × total ÷ 100 (your total: {plan.total:.0f}) to {plan.prep_hours:g}. At "
              f"{plan.hours_per_week * WEEKS_PER_MONTH:.0f} hours a month that is {plan.prep_months} month(s) "
              f"(at least {MIN_PREP_MONTHS[plan.path]}). The move takes {MOVE_MONTHS[plan.path]} month(s) from "
              f"month {plan.move_month}. Preparation months take your weakest skill areas in turn. "
              "The full rules are in the docstring of `pmkit.plan`.", ""]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _source_words(source: str) -> str:
    return {"Module 06": "from your Module 06 path choice", "your choice": "your choice",
            "default": "the default: no path choice was saved"}.get(source, source)


def _month_name(start: date | None, number: int) -> str:
    if start is None:
        return ""
    d = month_start(start, number)
    return f"{calendar.month_abbr[d.month]} {d.year}"


def _uid(plan: Plan, start: date, m: Milestone) -> str:
    key = f"{plan.path}|{plan.hours_per_week:g}|{start.isoformat()}|{m.month}|{m.week}|{m.kind}|{m.title}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20] + "@engineer-to-pm.pmkit"


def to_ics(plan: Plan, start_date: Any, stamp: datetime | None = None) -> str:
    """The plan's milestones as an iCalendar (RFC 5545) file, one all-day event each.

    Each event has a UID that stays the same for the same plan and start date (so importing a
    newer copy updates events rather than duplicating them), DTSTAMP (``stamp``, default now, in
    UTC), DTSTART;VALUE=DATE, DTEND, SUMMARY and DESCRIPTION. The ``icalendar`` library writes
    CRLF line endings, folds lines at 75 octets and escapes commas, semicolons and newlines.
    """
    try:
        from icalendar import Calendar, Event
    except ImportError:  # pragma: no cover - icalendar is in requirements.txt
        raise ImportError("Exporting a calendar needs the 'icalendar' package: run "
                          "pip install -r requirements.txt in the course folder.") from None
    start = _as_date(start_date)
    moment = stamp or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//Engineer to PM course//pmkit plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Engineer to PM: {plan.title}")
    for m in plan.milestones:
        day = milestone_date(start, m)
        event = Event()
        event.add("uid", _uid(plan, start, m))
        event.add("dtstamp", moment)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", m.title)
        detail = f"Month {m.month}, week {m.week} of your 12-month plan ({plan.path})."
        if m.detail:
            detail = m.detail + "\n" + detail
        event.add("description", detail)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


# Colours and hatches: each phase and area has a text label too, so colour is never the only carrier.
_AREA_STYLE = {
    "discovery": (c.SKY, ""),
    "prioritization": (c.YELLOW, ".."),
    "stakeholders": (c.PURPLE, "\\\\"),
    "writing": (c.VERMILLION, "--"),
    "transition": (c.ORANGE, "//"),
    None: (c.GREEN, "xx"),
}
_PHASE_STYLE = {"prepare": (c.BLUE, ""), "move": (c.ORANGE, "//"), "role": (c.GREEN, "xx")}


def _short_focus(month: Month) -> str:
    if month.phase == "prepare":
        return AREA_PLAN[month.area]["short"]
    if month.phase == "move":
        return "The ask" if month.focus.startswith("Make the ask") else "Apply"
    return "In role"


def figure(plan: Plan, start_date: Any = None, legend: bool = True) -> Figure:
    """A timeline (Gantt-like) chart: phases, each month's focus, and numbered milestones.

    With ``legend`` the numbered milestones are listed under the chart; without it, list them
    yourself (the plan widget shows them as an HTML list, which screen readers can read).
    """
    start = _as_date(start_date) if start_date is not None else None
    fig = Figure(figsize=(8, 3.6 if not legend else 4.6), layout="constrained")
    ax = fig.subplots()
    rows = {"Phase": 2.0, "Focus": 1.0, "Milestones": 0.0}
    # phases as spans
    spans: list[tuple[str, int, int]] = []
    for month in plan.months:
        if spans and spans[-1][0] == month.phase:
            spans[-1] = (month.phase, spans[-1][1], month.number)
        else:
            spans.append((month.phase, month.number, month.number))
    for phase, first, last in spans:
        colour, hatch = _PHASE_STYLE[phase]
        ax.barh(rows["Phase"], last - first + 1, left=first - 0.5, height=0.6, color=colour, hatch=hatch,
                edgecolor="white", alpha=0.9)
        ax.text((first + last) / 2, rows["Phase"], PHASES[phase], ha="center", va="center", fontsize=8,
                color="black", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.5})
    for month in plan.months:
        colour, hatch = _AREA_STYLE[month.area if month.phase == "prepare" else ("transition" if month.phase == "move" else None)]
        ax.barh(rows["Focus"], 0.94, left=month.number - 0.47, height=0.6, color=colour, hatch=hatch, edgecolor="white")
        ax.text(month.number, rows["Focus"], _short_focus(month), ha="center", va="center", fontsize=6.5,
                rotation=90 if len(_short_focus(month)) > 7 else 0, color="black",
                bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 0.8})
    legend_lines = []
    for i, m in enumerate(plan.milestones, start=1):
        x = m.month - 0.5 + (m.week - 0.5) / 4
        ax.plot([x], [rows["Milestones"]], marker="D", color=c.BLACK, markersize=6)
        ax.text(x, rows["Milestones"] - 0.32 if i % 2 else rows["Milestones"] + 0.3, str(i), ha="center",
                va="center", fontsize=7)
        title = m.title if len(m.title) <= 50 else m.title[:49] + "…"
        legend_lines.append(f"{i}. M{m.month}: {title}")
    ax.set_yticks(list(rows.values()), list(rows.keys()))
    ax.set_ylim(-0.7, 2.5)
    ax.set_xlim(0.5, 12.5)
    ax.set_xticks(range(1, 13))
    if start:
        ax.set_xticklabels([f"{n}\n{_month_name(start, n)}" for n in range(1, 13)], fontsize=7)
    ax.set_xlabel("Month of the plan")
    for x in range(1, 13):
        ax.axvline(x - 0.5, color="#dddddd", linewidth=0.6, zorder=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    title = plan.title + {"generic": " · generic profile", "example": " · example profile"}.get(plan.profile, "")
    ax.set_title(title, fontsize=10)
    handles = [Patch(facecolor=_PHASE_STYLE[p][0], hatch=_PHASE_STYLE[p][1], label=PHASES[p], edgecolor="white")
               for p in PHASES]
    ax.legend(handles=handles, loc="upper right", fontsize=7, ncols=3, frameon=False, bbox_to_anchor=(1, 1.02))
    if legend and legend_lines:
        half = math.ceil(len(legend_lines) / 2)
        text = "\n".join(f"{a:<62}{b}" for a, b in zip(legend_lines[:half], legend_lines[half:] + [""]))
        fig.text(0.01, 0.0, "Milestones:\n" + text, fontsize=7, family="monospace", va="top", ha="left")
    return fig


def alt_text(plan: Plan) -> str:
    """A text description of :func:`figure`, for screen readers and the alt attribute."""
    parts = [f"Timeline of a 12-month plan for the {plan.path} path at {_hours(plan.hours_per_week)} a week"
             + {"generic": " (a generic profile, not the reader's)", "example": " (an example profile, not the reader's)"}
             .get(plan.profile, "") + "."]
    spans: list[tuple[str, int, int]] = []
    for month in plan.months:
        if spans and spans[-1][0] == month.phase:
            spans[-1] = (month.phase, spans[-1][1], month.number)
        else:
            spans.append((month.phase, month.number, month.number))
    for phase, first, last in spans:
        when = f"Month {first}" if first == last else f"Months {first} to {last}"
        if phase == "prepare":
            focus = ", ".join(AREA_PLAN[m.area]["short"].lower() for m in plan.months[first - 1:last])
            parts.append(f"{when}: prepare, focusing in turn on {focus}.")
        elif phase == "move":
            parts.append(f"{when}: make the move ({plan.move_label.lower()} in month {plan.move_month}).")
        else:
            parts.append(f"{when}: the first months in a PM role.")
    if plan.milestones:
        parts.append("Milestones: " + "; ".join(f"month {m.month}, {m.title}" for m in plan.milestones) + ".")
    if plan.later:
        parts.append("After month 12: " + "; ".join(m.title for m in plan.later) + ".")
    return " ".join(parts)


def figure_html(plan: Plan, start_date: Any = None, legend: bool = True) -> str:
    """The chart as an <img> with alt text (a PNG inside the page: no external file)."""
    import base64
    import io

    fig = figure(plan, start_date, legend=legend)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img class="pmkit-plan-chart-img" src="data:image/png;base64,{data}" '
            f'alt="{c.esc(alt_text(plan))}" style="max-width:100%">')


def plan_table(plan: Plan):
    """The plan as a pandas table, one row per month (for notebooks)."""
    import pandas as pd

    rows = [{
        "month": m.number,
        "phase": PHASES[m.phase],
        "focus": m.focus,
        "course exercises": "; ".join(str(e) for e in m.exercises),
        "real-world actions": "; ".join(m.actions),
        "milestones": "; ".join(ms.title for ms in m.milestones),
    } for m in plan.months]
    return pd.DataFrame(rows).set_index("month")


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------
def plan_files() -> dict[str, Path]:
    """Where :func:`save_plan` writes: the Markdown plan and the calendar file."""
    from .paths import work_dir

    folder = work_dir() / MODULE
    return {"markdown": folder / "my-12-month-plan.md", "ics": folder / "my-12-month-plan.ics"}


def _write(path: Path, text: str, newline: str = "\n") -> None:
    from .work import write_text_atomic

    # a document to open and share, not a secret (mkstemp alone makes it private)
    write_text_atomic(path, text, newline=newline, mode=0o644)


def save_plan(plan: Plan, start_date: Any = None, markdown: bool = True, ics: bool = True) -> dict[str, Path]:
    """Save the plan: as Module 07's "plan" answer (the portfolio reads it), as Markdown and,
    when ``start_date`` is given, as an .ics calendar of the milestones. Returns the paths."""
    from .work import save_answer

    out = {"answers": save_answer(MODULE, SAVE_KEY, {**plan.to_dict(), "start_date":
                                                     _as_date(start_date).isoformat() if start_date else None})}
    files = plan_files()
    if markdown:
        _write(files["markdown"], to_markdown(plan, start_date))
        out["markdown"] = files["markdown"]
    if ics and start_date is not None:
        # already CRLF: write it byte for byte
        _write(files["ics"], to_ics(plan, start_date), newline="")
        out["ics"] = files["ics"]
    return out
