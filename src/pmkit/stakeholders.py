"""Stakeholders and influence without authority (Module 04).

Everything Module 04 computes lives here; the notebooks only call it.

* **Stakeholder maps.** :func:`load_stakeholders` reads a CSV file such as
  ``datasets/stakeholders.csv`` (one row per person and initiative) and
  :func:`validate_stakeholders` checks a table in memory. Like :mod:`pmkit.data`, they never
  change the file and report every problem at once as a :class:`pmkit.data.DataError`, with
  the line, the column and what was expected.
* **The power-interest grid** (Mendelow): :func:`quadrant`, :func:`strategy`,
  :func:`grid_table`. Power and interest are whole numbers from 1 to 5. A score is *high*
  when it is above the split, 3 by default, so 4 and 5 are high and 1 to 3 are low. A 3 sits
  on the line, and the grid says so ("borderline").
* **Decision rights**: :class:`DecisionMatrix` holds a RACI, DACI or RAPID matrix and lists
  what is wrong with it in plain words (:meth:`DecisionMatrix.problems`): errors (such as two
  Accountables) and smells (such as one person both Responsible and Accountable).
  :func:`load_matrices` reads ``datasets/decision_rights.yaml``.
* **Communication plans**: :func:`comms_plan` builds one from the stakeholder data and a
  decision matrix (decisions needed first) and :func:`plan_markdown` writes it as Markdown.
* **Role-play scenarios**: :func:`load_scenario` reads and checks a YAML scenario file
  (unknown or unreachable steps, dangling choices, bad values, loops with no way out: each is
  a clear error naming the file and the step); :meth:`Scenario.play` plays a list of choices.
* **Feedback** for the exercises, returning :class:`pmkit.feedback.Feedback` and never raising:
  :func:`check_stakeholder_map`, :func:`check_raci_fix` and :func:`check_message`.
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import data as _data
from .data import DataError, Problem
from .feedback import Feedback
from .paths import DATASETS_DIR, work_dir
from .work import is_unanswered, write_text_atomic

__all__ = [
    "MODULE",
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "CADENCES",
    "CHANNELS",
    "SPLIT",
    "QUADRANTS",
    "STRATEGIES",
    "STANCE_LABELS",
    "INITIATIVE_TITLES",
    "FRAMEWORKS",
    "load_stakeholders",
    "validate_stakeholders",
    "explain_stakeholders",
    "initiatives",
    "initiative_title",
    "select_initiative",
    "quadrant",
    "strategy",
    "is_borderline",
    "stance_label",
    "grid_table",
    "describe_position",
    "MatrixProblem",
    "DecisionMatrix",
    "validate_matrix",
    "load_matrices",
    "suggested_message",
    "decisions_needed",
    "comms_plan",
    "plan_markdown",
    "save_markdown",
    "ScenarioProblem",
    "ScenarioError",
    "Choice",
    "Step",
    "Ending",
    "Move",
    "Scenario",
    "ScenarioRun",
    "PlayResult",
    "parse_scenario",
    "load_scenario",
    "load_scenarios",
    "explain_scenario",
    "explain_matrices",
    "replay",
    "as_map_records",
    "answer_if_changed",
    "check_stakeholder_map",
    "check_raci_fix",
    "check_message",
]

#: The module's key in the learner's saved work (pmkit.work).
MODULE = "04-stakeholders"


# =============================================================================================
# Stakeholder data
# =============================================================================================

#: Columns of a stakeholder file, in the order a loaded table has them.
COLUMNS = ("id", "name", "role", "team", "power", "interest", "stance", "cares_about",
           "preferred_channel", "cadence", "initiative")
#: Columns a stakeholder file must have. The others are optional.
REQUIRED_COLUMNS = ("id", "name", "power", "interest", "stance")
#: How often a stakeholder hears from you, most often first.
CADENCES = ("daily", "twice a week", "weekly", "fortnightly", "monthly", "quarterly", "at milestones")
#: Channels offered by the communication-plan builder (a file may name others).
CHANNELS = ("1:1 meeting", "written update", "email", "Slack message", "design review", "leadership meeting",
            "demo")
#: The initiative a file without an ``initiative`` column belongs to.
DEFAULT_INITIATIVE = "main"
#: Human titles of the course's initiatives (others are shown by their id).
INITIATIVE_TITLES = {
    "templates-vs-freshbite": "Q3 plan: schedule templates (B01) before the FreshBite connector (B08)",
    "engine-rewrite": "Rewrite of the scheduling engine on a constraint solver (B13)",
}

_ALIASES = {
    "person": "name", "full_name": "name", "stakeholder": "name", "who": "name",
    "job_title": "role", "title": "role", "position": "role",
    "department": "team", "function": "team", "group": "team",
    "influence": "power", "attitude": "stance", "support": "stance", "position_on_it": "stance",
    "cares": "cares_about", "concerns": "cares_about", "what_they_care_about": "cares_about", "motivation": "cares_about",
    "channel": "preferred_channel", "preferred_channels": "preferred_channel",
    "frequency": "cadence", "how_often": "cadence",
    "project": "initiative",
}
_EXPECT = {
    "id": "a short unique id like S01",
    "name": "the person's name, like Greg Hollis",
    "power": "a whole number from 1 (little say over the decision) to 5 (can make or block it)",
    "interest": "a whole number from 1 (barely affected) to 5 (follows it closely)",
    "stance": "a whole number from -2 (strongly against) to +2 (strongly for)",
}
_SCALES = {"power": (1, 5), "interest": (1, 5), "stance": (-2, 2)}
_STANCE_WORDS = {"champion": 2, "strong supporter": 2, "supporter": 1, "supportive": 1, "neutral": 0,
                 "sceptic": -1, "skeptic": -1, "sceptical": -1, "skeptical": -1, "opponent": -2, "blocker": -2}
_CADENCE_WORDS = {
    "every day": "daily", "each day": "daily", "twice weekly": "twice a week", "2x a week": "twice a week",
    "every week": "weekly", "each week": "weekly", "once a week": "weekly",
    "every two weeks": "fortnightly", "every other week": "fortnightly", "every 2 weeks": "fortnightly",
    "every month": "monthly", "once a month": "monthly", "each month": "monthly",
    "every quarter": "quarterly", "milestones": "at milestones", "per milestone": "at milestones",
    "at each milestone": "at milestones", "at milestone": "at milestones",
}
_AMBIGUOUS_CADENCE = {"biweekly", "bi-weekly", "bi weekly", "bimonthly", "bi-monthly"}
# Words people type into a 1-5 column instead of a number: the message says which numbers they mean.
_LEVEL_WORDS = {
    "very low": "1", "low": "1 or 2", "medium": "3", "med": "3", "mid": "3", "moderate": "3", "average": "3",
    "high": "4 or 5", "very high": "5", "critical": "5", "none": "1", "little": "1 or 2", "some": "3",
}
# Stance words that do not say how strongly (the message lists the words that do).
_VAGUE_STANCE = {"for": "+1 or +2", "pro": "+1 or +2", "positive": "+1 or +2", "support": "+1 or +2",
                 "supports": "+1 or +2", "in favour": "+1 or +2", "in favor": "+1 or +2", "yes": "+1 or +2",
                 "against": "-1 or -2", "anti": "-1 or -2", "negative": "-1 or -2", "opposed": "-1 or -2",
                 "opposes": "-1 or -2", "no": "-1 or -2", "unknown": "0 for now, and find out",
                 "unsure": "0", "mixed": "0", "undecided": "0"}


class _Bad(Exception):
    """A cell that cannot be used; the message becomes a Problem."""


def _norm_name(value: Any) -> str:
    return " ".join(str(value).split())


def _parse_scale(raw: Any, column: str, ctx: Any) -> int:
    low, high = _SCALES[column]
    expect = _EXPECT[column]
    if column == "stance" and isinstance(raw, str) and raw.strip().lower() in _STANCE_WORDS:
        return _STANCE_WORDS[raw.strip().lower()]
    word = " ".join(raw.strip().lower().split()) if isinstance(raw, str) else None
    if word and column in ("power", "interest") and word in _LEVEL_WORDS:
        raise _Bad(f"{_data._show(raw.strip())} is a word, not a score. Write a number instead: "
                   f"'{word}' would be {_LEVEL_WORDS[word]}. Expected {expect}.")
    if word and column == "stance" and word in _VAGUE_STANCE:
        words = ", ".join(f"{w} ({_signed(v)})" for w, v in (("champion", 2), ("supporter", 1), ("neutral", 0),
                                                             ("sceptic", -1), ("blocker", -2)))
        raise _Bad(f"{_data._show(raw.strip())} does not say how strongly: write {_VAGUE_STANCE[word]}. "
                   f"Expected {expect}, or one of the words {words}.")
    try:
        value, was_percent, shown = _data._read_number(raw, column, expect, ctx, percent_ok=True)
    except _data._CellError as err:
        extra = ""
        if column == "stance" and word and "not a number" in str(err):
            extra = " You can also write one of the words champion, supporter, neutral, sceptic or blocker."
        raise _Bad(str(err) + extra) from None
    if was_percent:
        raise _Bad(f"{shown} is a percentage. Expected {expect}.")
    if not float(value).is_integer():
        raise _Bad(f"{shown} is not a whole number. Expected {expect}.")
    if not low <= value <= high:
        raise _Bad(f"{shown} is off the scale. Expected {expect}.")
    return int(value)


def _parse_cadence(raw: Any) -> str:
    if _data._is_blank(raw):
        return ""
    text = " ".join(str(raw).strip().lower().split())
    if text in CADENCES:
        return text
    if text in _CADENCE_WORDS:
        return _CADENCE_WORDS[text]
    shown = _data._show(str(raw).strip())
    if text in _AMBIGUOUS_CADENCE:
        raise _Bad(f"{shown} is ambiguous: it can mean twice a week or every two weeks. "
                   "Write 'twice a week' or 'fortnightly' (or 'monthly').")
    near = difflib.get_close_matches(text, CADENCES, n=1, cutoff=0.6)
    hint = f" Did you mean '{near[0]}'?" if near else ""
    raise _Bad(f"{shown} is not a cadence the plan knows.{hint} Expected one of: {', '.join(CADENCES)}, or blank.")


def _text(raw: Any) -> str:
    return "" if _data._is_blank(raw) else " ".join(str(raw).split())


def _check_stakeholders(label: str, verb: str, header: list[Any], header_line: int | None,
                        rows: list[tuple[int | None, Any, list[Any]]], notes: list[str],
                        delimiter: str | None) -> pd.DataFrame:
    """Check a stakeholder table (parsed file or DataFrame); raise DataError listing every problem."""
    found: list[tuple[tuple[int, int], Problem]] = []

    def add(order: int, position: int, line, column, value, message, row=None):
        found.append(((order, position), Problem(line, column, value, message, row)))

    names = ["" if _data._is_blank(h) else str(h).replace("\ufeff", "").strip() for h in header]
    keys = [_data._normalise_name(n) for n in names]
    canonical: list[str | None] = []
    for key in keys:
        if key in COLUMNS:
            canonical.append(key)
        elif key in _ALIASES and _ALIASES[key] not in keys:
            canonical.append(_ALIASES[key])
        else:
            canonical.append(None)
    positions: dict[str, list[int]] = {}
    for p, key in enumerate(canonical):
        if key is not None:
            positions.setdefault(key, []).append(p)
    for key, where in positions.items():
        if len(where) > 1:
            listed = _data._join_words([f"'{names[p]}' (column {p + 1})" for p in where])
            add(-1, where[0], header_line, names[where[0]], None,
                f"{listed} all mean '{key}'. Keep one of them and rename or delete the others.")
    use = {k: w[0] for k, w in positions.items() if len(w) == 1}
    extras = [names[p] for p, key in enumerate(canonical) if key is None and names[p]]
    for n, required in enumerate(REQUIRED_COLUMNS):
        if required in positions:
            continue
        near = difflib.get_close_matches(required, [_data._normalise_name(e) for e in extras], n=1, cutoff=0.6)
        if near:
            original = extras[[_data._normalise_name(e) for e in extras].index(near[0])]
            message = f"this required column is missing. Did you mean '{original}'? If so, rename it to '{required}'."
        else:
            message = f"this required column is missing. Add it: it holds {_EXPECT[required]}."
        add(-1, len(names) + n, header_line, required, None, message)
    if extras:
        notes.append(f"kept no data from {len(extras)} column(s) that the map does not use: "
                     + ", ".join(f"'{e}'" for e in extras))

    width = len(names)
    ctx = _data._Context(decimal_comma=delimiter == ";")
    values: dict[str, list[Any]] = {k: [] for k in use}
    good: list[tuple[int, int | None, Any]] = []  # (order, line, label)
    for order, (line, row_label, cells) in enumerate(rows):
        cells = list(cells)
        if len(cells) > width and all(_data._is_blank(c) for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            word = {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter or ",", "comma")
            hint = (f"If a text cell contains a {word}, put the whole cell in double quotes."
                    if len(cells) > width else "Is a cell missing?")
            add(order, -1, line, None, None,
                f"this line has {len(cells)} cells but the header has {width} columns. {hint}", row_label)
            continue
        good.append((order, line, row_label))
        for key, p in use.items():
            raw = cells[p]
            try:
                if key in _SCALES:
                    value = _parse_scale(raw, key, ctx)
                elif key == "cadence":
                    value = _parse_cadence(raw)
                else:
                    value = _text(raw)
                    if key in ("id", "name") and not value:
                        raise _Bad(f"the {key} is blank. Expected {_EXPECT[key]}.")
            except _Bad as err:
                value = None
                add(order, p, line, names[p], "" if _data._is_blank(raw) else str(raw), str(err), row_label)
            values[key].append(value)

    def where_text(items: list[tuple[int | None, Any]]) -> str:
        if items[0][0] is not None:
            return ("line " if len(items) == 1 else "lines ") + _data._join_words([str(i[0]) for i in items])
        return ("row " if len(items) == 1 else "rows ") + _data._join_words([str(i[1]) for i in items])

    # initiative: blank everywhere (or no column) -> one map; blank in some rows only -> a problem
    initiative_values = values.get("initiative")
    if initiative_values is not None:
        named = [v for v in initiative_values if v]
        if named:
            for i, v in enumerate(initiative_values):
                if not v:
                    order, line, row_label = good[i]
                    shown = _data._join_words(sorted(set(named))[:3])
                    add(order, use["initiative"], line, names[use["initiative"]], "",
                        f"the initiative is blank, but other rows name one ({shown}). Fill it in, so that each "
                        "person belongs to one map.", row_label)
        else:
            values["initiative"] = [DEFAULT_INITIATIVE] * len(good)
    if "id" in use:
        groups: dict[str, list[int]] = {}
        for i, v in enumerate(values["id"]):
            if v:
                groups.setdefault(v, []).append(i)
        for v, idx in groups.items():
            if len(idx) > 1:
                order, line, row_label = good[idx[0]]
                add(order, use["id"], line, names[use["id"]], v,
                    f"the id {_data._show(v)} appears on {where_text([(good[i][1], good[i][2]) for i in idx])}. "
                    "Every row needs its own id.", row_label)
    if "name" in use:
        inits = values.get("initiative") or [DEFAULT_INITIATIVE] * len(good)
        groups2: dict[tuple[str, str], list[int]] = {}
        for i, v in enumerate(values["name"]):
            if v and inits[i] is not None:
                groups2.setdefault((str(inits[i]), v.casefold()), []).append(i)
        for (init, _), idx in groups2.items():
            if len(idx) > 1:
                order, line, row_label = good[idx[0]]
                what = "" if init == DEFAULT_INITIATIVE else f" for the initiative {_data._show(init)}"
                add(order, use["name"], line, names[use["name"]], values["name"][idx[0]],
                    f"{_data._show(values['name'][idx[0]])} appears more than once{what} "
                    f"({where_text([(good[i][1], good[i][2]) for i in idx])}). Keep one row per person.", row_label)
    if not good and not found:
        add(-1, 0, None, None, None, "The table has no rows. Add one row per person.")
    if found:
        found.sort(key=lambda pair: pair[0])
        raise DataError([p for _, p in found], label, verb)

    in_memory = header_line is None
    frame = pd.DataFrame(index=pd.Index([g[2] for g in good]) if in_memory else pd.RangeIndex(len(good)))
    for key in COLUMNS:
        if key in values:
            frame[key] = pd.Series(values[key], index=frame.index, dtype="int64" if key in _SCALES else object)
        elif key == "initiative":
            frame[key] = DEFAULT_INITIATIVE
        else:
            frame[key] = ""
    for key in COLUMNS:
        if key not in _SCALES:
            frame[key] = frame[key].astype(str)
    frame.attrs["notes"] = notes + ctx.rendered_notes()
    return frame


def load_stakeholders(path: str | Path | None = None) -> pd.DataFrame:
    """Load and check a stakeholder CSV file (default: ``datasets/stakeholders.csv``).

    Returns a table with the columns in :data:`COLUMNS` (optional columns the file lacks are
    blank; a file with no ``initiative`` column is one map called ``"main"``). Raises
    :class:`pmkit.data.DataError` listing every problem, with its line and column. The file
    is only read, never written.
    """
    p = _data._resolve(path, "stakeholders.csv")
    try:
        raw = p.read_bytes()
    except PermissionError:
        raise PermissionError(f"Could not open {p}: permission denied. If the file is open in Excel, "
                              "close it and try again.") from None
    text, notes = _data._decode(raw, p.name)
    source = _data._parse_csv(text, p.name, notes)
    rows = [(r.line, None, r.cells) for r in source.rows]
    frame = _check_stakeholders(p.name, "load", source.header, source.header_line, rows, source.notes,
                                source.delimiter)
    frame.attrs["source"] = str(p.absolute())
    return frame


def validate_stakeholders(df: pd.DataFrame) -> pd.DataFrame:
    """Check a stakeholder table in memory with the same rules as :func:`load_stakeholders`.

    Problems name the row label ("row 3") instead of a line. Returns a new, clean table;
    ``df`` itself is not changed.
    """
    if not isinstance(df, pd.DataFrame):
        hint = " To read a file, use load_stakeholders(path)." if isinstance(df, (str, Path)) else ""
        raise TypeError(f"validate_stakeholders needs a pandas DataFrame, not {type(df).__name__}.{hint}")
    rows = [(None, label, list(values)) for label, values in zip(df.index, df.itertuples(index=False, name=None))]
    frame = _check_stakeholders("the stakeholder table", "use", list(df.columns), None, rows, [], None)
    frame.attrs["source"] = df.attrs.get("source", "in-memory table")
    return frame


def explain_stakeholders(path: str | Path | None = None) -> pd.DataFrame | None:
    """Load a stakeholder file for a notebook: the table, or a friendly report and None."""
    return _data.explain_load(path, loader=load_stakeholders)


def initiatives(stakeholders: pd.DataFrame) -> list[str]:
    """The initiatives in a stakeholder table, in the order they first appear."""
    return list(dict.fromkeys(str(i) for i in stakeholders["initiative"]))


def initiative_title(initiative: str) -> str:
    """A readable title for an initiative id (a file without an initiative column is "your map")."""
    if initiative == DEFAULT_INITIATIVE:
        return "your stakeholder map"
    return INITIATIVE_TITLES.get(initiative, initiative)


def select_initiative(stakeholders: pd.DataFrame, initiative: str | None = None) -> pd.DataFrame:
    """The rows of one initiative (the first one in the table when ``initiative`` is None)."""
    known = initiatives(stakeholders)
    if not known:
        raise ValueError("The stakeholder table has no rows.")
    if initiative is None:
        initiative = known[0]
    if initiative not in known:
        raise ValueError(f"There is no initiative {initiative!r} in this table. Choose one of: {', '.join(known)}.")
    return stakeholders[stakeholders["initiative"] == initiative]


# =============================================================================================
# The power-interest grid
# =============================================================================================

#: Scores above this are "high" (so with the default, 4 and 5 are high and 1-3 low).
SPLIT = 3
#: The four quadrants, most attention first.
QUADRANTS = ("Manage closely", "Keep satisfied", "Keep informed", "Monitor")
#: What to do with the people in each quadrant.
STRATEGIES = {
    "Manage closely": "Key players: they can decide or block, and they care. Work through decisions with them "
                      "early, not after the fact, and meet them often.",
    "Keep satisfied": "They can back or block the work but do not follow it closely. Give them short, timely "
                      "updates and never a surprise; ask for their view before the big calls.",
    "Keep informed": "They care and feel the effects, but cannot decide alone. Keep them up to date, invite "
                     "their questions, and use them as an early warning and a source of detail.",
    "Monitor": "Little say and little interest for now. A brief note at milestones is enough; watch for "
               "their power or interest to grow.",
}
#: Words for the stance scale.
STANCE_LABELS = {-2: "strongly against", -1: "leans against", 0: "neutral", 1: "leans for", 2: "strongly for"}


def _score(value: Any, what: str, low: int = 1, high: int = 5) -> int:
    """A whole number on a scale (numpy numbers welcome); ValueError otherwise."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if ok:
        number = float(value)
        ok = math.isfinite(number) and number.is_integer() and low <= number <= high
    if not ok:
        raise ValueError(f"{what} must be a whole number from {low} to {high}, not {value!r}.")
    return int(value)


def _split(split: Any) -> float:
    if isinstance(split, (bool, np.bool_)) or not isinstance(split, numbers.Real) or not 1 <= split < 5:
        raise ValueError(f"The split must be a number from 1 to just under 5, not {split!r}.")
    return float(split)


def quadrant(power: int, interest: int, split: float = SPLIT) -> str:
    """The power-interest quadrant: high means above ``split`` (default 3, so 4 and 5 are high)."""
    p, i, s = _score(power, "Power"), _score(interest, "Interest"), _split(split)
    if p > s:
        return "Manage closely" if i > s else "Keep satisfied"
    return "Keep informed" if i > s else "Monitor"


def strategy(power: int, interest: int, split: float = SPLIT) -> str:
    """What to do with someone at this power and interest."""
    return STRATEGIES[quadrant(power, interest, split)]


def is_borderline(power: int, interest: int, split: float = SPLIT) -> bool:
    """True when power or interest sits within half a point of the split (one step would move it)."""
    s = _split(split)
    return abs(_score(power, "Power") - s) <= 0.5 or abs(_score(interest, "Interest") - s) <= 0.5


def stance_label(stance: int) -> str:
    return STANCE_LABELS[_score(stance, "Stance", -2, 2)]


def _signed(stance: int) -> str:
    return f"+{stance}" if stance > 0 else ("−" + str(-stance) if stance < 0 else "0")


def describe_position(name: str, power: int, interest: int, stance: int, split: float = SPLIT) -> str:
    """One paragraph on where a person sits, what to do, and whether they are close to a line."""
    q = quadrant(power, interest, split)
    text = (f"{name}: power {power}, interest {interest}, stance {_signed(stance)} ({stance_label(stance)}). "
            f"Quadrant: {q}. {STRATEGIES[q]}")
    if is_borderline(power, interest, split):
        text += " Borderline: one step on either scale would move them to another quadrant, so check again soon."
    if stance <= -1 and q in ("Manage closely", "Keep satisfied"):
        text += " They lean against the plan and can block it: hear their concern before you present anything."
    elif stance >= 1 and q in ("Keep informed", "Monitor"):
        text += " A supporter with little power: ask them to help make the case to others."
    return text


def grid_table(stakeholders: pd.DataFrame, initiative: str | None = None, split: float = SPLIT) -> pd.DataFrame:
    """One row per person of an initiative: quadrant, strategy, borderline and stance label.

    Sorted by quadrant (Manage closely first), then power and interest, highest first.
    """
    rows = select_initiative(stakeholders, initiative)
    table = rows[["id", "name", "role", "power", "interest", "stance", "cares_about"]].copy()
    table["quadrant"] = [quadrant(p, i, split) for p, i in zip(table["power"], table["interest"])]
    table["strategy"] = table["quadrant"].map(STRATEGIES)
    table["borderline"] = [is_borderline(p, i, split) for p, i in zip(table["power"], table["interest"])]
    table["stance_label"] = table["stance"].map(STANCE_LABELS)
    order = {q: n for n, q in enumerate(QUADRANTS)}
    table["_q"] = table["quadrant"].map(order)
    table = table.sort_values(["_q", "power", "interest", "name"], ascending=[True, False, False, True])
    return table.drop(columns="_q").set_index("id")


# =============================================================================================
# Decision rights: RACI, DACI, RAPID
# =============================================================================================

#: Role letters and names per framework, in the order they are shown.
FRAMEWORKS: dict[str, dict[str, str]] = {
    "RACI": {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"},
    "DACI": {"D": "Driver", "A": "Approver", "C": "Contributor", "I": "Informed"},
    "RAPID": {"R": "Recommend", "A": "Agree", "P": "Perform", "I": "Input", "D": "Decide"},
}
#: What each role means, in one line (for the editor's help text).
ROLE_HELP: dict[str, dict[str, str]] = {
    "RACI": {"R": "does the work", "A": "answers for the outcome (exactly one)",
             "C": "asked before (two-way)", "I": "told after (one-way)"},
    "DACI": {"D": "drives the decision to a close", "A": "approves it (exactly one)",
             "C": "contributes knowledge", "I": "told once it is made"},
    "RAPID": {"R": "recommends a course", "A": "must agree (a veto)", "P": "carries it out",
              "I": "gives input", "D": "decides (exactly one)"},
}
#: How many Consulted (RACI) people make a decision slow.
MAX_CONSULTED = 5
#: How many Agree (veto) roles in RAPID make a decision easy to stall.
MAX_AGREE = 2


@dataclass(frozen=True)
class MatrixProblem:
    """One problem in a decision matrix. ``level`` is "error" (must fix) or "smell" (worth a look)."""

    level: str
    decision: str | None
    person: str | None
    message: str

    def __str__(self) -> str:
        where = f"'{self.decision}': " if self.decision else ""
        return f"{'Error' if self.level == 'error' else 'Smell'} · {where}{self.message}"


def _framework(name: Any) -> str:
    key = str(name).strip().upper() if isinstance(name, str) else None
    if key not in FRAMEWORKS:
        raise ValueError(f"Unknown framework {name!r}. Choose RACI, DACI or RAPID.")
    return key


def _role_list(framework: str) -> str:
    return ", ".join(f"{k} ({n})" for k, n in FRAMEWORKS[framework].items())


def _other_framework_hint(framework: str, part: str) -> str:
    """' Approver is a DACI role...' when a cell uses another framework's role name."""
    for other, roles in FRAMEWORKS.items():
        if other == framework:
            continue
        for name in roles.values():
            if part.lower() == name.lower():
                return f" {name} is a {other} role, and this matrix is a {framework}."
    return ""


def _parse_roles(framework: str, value: Any) -> tuple[tuple[str, ...], str | None]:
    """Cell -> (role letters in framework order, None) or ((), message) if it cannot be read.

    Accepts letters in any case ("r", "R/A", "A, R", "RA"), role names ("Accountable"), a
    list of either, and ignores notes in brackets ("A (interim)") and trailing full stops.
    """
    roles = FRAMEWORKS[framework]
    if value is None or value is Ellipsis or (isinstance(value, float) and math.isnan(value)):
        return (), None
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [str(v).strip() for v in value]
    elif isinstance(value, str):
        text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", value)  # notes in brackets
        parts = [p.rstrip(".*") or p for p in re.split(r"[\s/,;+&|]+|\band\b", text.strip()) if p]
    else:
        what = "True/False" if isinstance(value, bool) else repr(value)
        hint = " (YAML reads yes, no, on and off as True/False)" if isinstance(value, bool) else ""
        return (), f"{what} is not a role{hint}. Use {_role_list(framework)}."
    letters: list[str] = []
    by_name = {n.lower(): k for k, n in roles.items()}
    for part in parts:
        if part in ("-", "–", "—"):
            continue
        low = part.lower()
        if low in by_name:
            letters.append(by_name[low])
        elif part.upper() in roles:
            letters.append(part.upper())
        elif len(part) <= len(roles) and all(ch in roles for ch in part.upper()) and part.isalpha():
            letters.extend(part.upper())
        else:
            return (), (f"'{part}' is not a {framework} role.{_other_framework_hint(framework, part)} "
                        f"Use {_role_list(framework)}.")
    ordered = tuple(k for k in roles if k in letters)
    return ordered, None


def _merged(value: Any) -> Any:
    """A YAML list of one-entry blocks ("- Ana: A" lines) as one mapping; anything else unchanged."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) and len(v) == 1 for v in value):
        keys = [next(iter(v)) for v in value]
        if len(set(map(str, keys))) == len(keys):
            return {k: v for item in value for k, v in item.items()}
    return value


class DecisionMatrix:
    """A RACI, DACI or RAPID matrix: for each decision, who holds which role.

    ``decisions`` maps decision text to a mapping of person to role(s). A role is a letter
    (``"A"``), a name (``"Accountable"``) or several (``"R/A"``). Cells that cannot be read
    are kept and reported by :meth:`problems`; nothing here raises for a bad cell. With
    ``people`` (the names you know), any other name is reported as unknown.
    """

    def __init__(self, framework: str, decisions: Mapping[str, Mapping[str, Any]] | None = None,
                 people: Iterable[str] | None = None, title: str = "", matrix_id: str = "",
                 initiative: str = "", note: str = ""):
        self.framework = _framework(framework)
        self.people = [_norm_name(p) for p in people] if people is not None else None
        self.title = title
        self.id = matrix_id
        self.initiative = initiative
        self.note = note
        self.cells: dict[str, dict[str, tuple[str, ...]]] = {}
        self.invalid: dict[tuple[str, str], tuple[Any, str]] = {}
        if decisions is None:
            return
        if not isinstance(decisions, Mapping):
            raise TypeError("A decision matrix is a dict: {decision: {person: role}}. "
                            f"You gave {type(decisions).__name__}.")
        for decision, row in decisions.items():
            d = _norm_name(decision)
            self.cells.setdefault(d, {})
            if row is None:
                continue
            row = _merged(row)
            if not isinstance(row, Mapping):
                self.invalid[(d, "")] = (row, "this decision should map each person to a role, like "
                                              "{'Priya Nair': 'R', 'Daniel Reyes': 'A'}.")
                continue
            for person, value in row.items():
                p = _norm_name(person)
                roles, message = _parse_roles(self.framework, value)
                if message:
                    self.invalid[(d, p)] = (value, message)
                elif roles:
                    self.cells[d][p] = roles

    # ---- editing -----------------------------------------------------------------------
    @property
    def roles(self) -> dict[str, str]:
        return FRAMEWORKS[self.framework]

    @property
    def decisions(self) -> list[str]:
        return list(self.cells)

    def names(self) -> list[str]:
        """Everyone in the matrix: the known people first (in their order), then anyone else."""
        named = list(dict.fromkeys(p for row in self.cells.values() for p in row))
        named += [p for (_, p) in self.invalid if p and p not in named]
        if self.people is None:
            return named
        return list(self.people) + [p for p in named if p not in self.people]

    def decision_key(self, decision: Any) -> str | None:
        """The decision a name refers to: exact, then ignoring case and spaces, then a code like "D2"
        (the n-th decision, as the editor labels them). None when nothing matches."""
        d = _norm_name(decision)
        if d in self.cells:
            return d
        folded = {k.casefold(): k for k in self.cells}
        if d.casefold() in folded:
            return folded[d.casefold()]
        code = re.fullmatch(r"[Dd](\d{1,3})", d)
        if code and 1 <= int(code.group(1)) <= len(self.cells):
            return list(self.cells)[int(code.group(1)) - 1]
        return None

    def role(self, decision: str, person: str) -> str:
        """The roles of one person in one decision as text ("R/A"; "" for none)."""
        key = self.decision_key(decision)
        return "/".join(self.cells.get(key, {}).get(_norm_name(person), ())) if key else ""

    def set_role(self, decision: str, person: str, value: Any) -> None:
        """Give a person a role (or roles, or none with "" / None). Raises ValueError for a bad role.

        ``decision`` is the decision's text, or its code ("D1" is the first decision)."""
        d, p = self.decision_key(decision), _norm_name(person)
        if d is None:
            listed = "; ".join(f"D{n} = {k}" for n, k in enumerate(self.cells, start=1))
            raise ValueError(f"There is no decision {decision!r} in this matrix. Decisions: {listed}.")
        if not p:
            raise ValueError("Name the person, like 'Priya Nair'.")
        roles, message = _parse_roles(self.framework, value)
        if message:
            raise ValueError(message)
        self.invalid.pop((d, p), None)
        if roles:
            self.cells[d][p] = roles
        else:
            self.cells[d].pop(p, None)

    def add_decision(self, decision: str) -> None:
        d = _norm_name(decision)
        if not d:
            raise ValueError("A decision needs a name, such as 'Which goes first in Q3'.")
        self.cells.setdefault(d, {})

    def copy(self) -> DecisionMatrix:
        other = DecisionMatrix(self.framework, None, self.people, self.title, self.id, self.initiative, self.note)
        other.cells = {d: dict(row) for d, row in self.cells.items()}
        other.invalid = dict(self.invalid)
        return other

    def to_dict(self) -> dict[str, dict[str, str]]:
        """The matrix as plain data ({decision: {person: "R/A"}}), cells that could not be read included."""
        out: dict[str, dict[str, str]] = {}
        for d, row in self.cells.items():
            out[d] = {p: "/".join(r) for p, r in row.items()}
        for (d, p), (value, _) in self.invalid.items():
            if p:
                out.setdefault(d, {})[p] = value if isinstance(value, str) else str(value)
        return out

    def table(self) -> pd.DataFrame:
        """People (rows) by decisions (columns); each cell holds the role letters or ""."""
        names = self.names()
        frame = pd.DataFrame("", index=pd.Index(names, name="person"), columns=self.decisions, dtype=object)
        for d, row in self.cells.items():
            for p, r in row.items():
                frame.loc[p, d] = "/".join(r)
        for (d, p), (value, _) in self.invalid.items():
            if p:
                frame.loc[p, d] = f"{value} ?"
        return frame

    # ---- checking ----------------------------------------------------------------------
    def problems(self) -> list[MatrixProblem]:
        """Every problem, decision by decision: errors first, then smells."""
        out: list[MatrixProblem] = []
        if not self.cells:
            return [MatrixProblem("error", None, None, "The matrix has no decisions. Add at least one.")]
        for d in self.cells:
            errors, smells = self._check_decision(d)
            out += errors + smells
        return out

    def errors(self) -> list[MatrixProblem]:
        return [p for p in self.problems() if p.level == "error"]

    def smells(self) -> list[MatrixProblem]:
        return [p for p in self.problems() if p.level == "smell"]

    @property
    def is_valid(self) -> bool:
        """True when there are no errors (smells may remain)."""
        return not self.errors()

    def _unknown_hint(self, person: str) -> str:
        assert self.people is not None
        lowered = {p.casefold(): p for p in self.people}
        if person.casefold() in lowered:
            return f" Did you mean '{lowered[person.casefold()]}'? Write the name exactly as in the list."
        first = [p for p in self.people if p.split()[0].casefold() == person.split()[0].casefold()] if person else []
        if len(first) == 1:
            return f" Did you mean '{first[0]}'? Use full names, so nobody has to guess."
        near = difflib.get_close_matches(person, self.people, n=1, cutoff=0.6)
        if near:
            return f" Did you mean '{near[0]}'?"
        return " A role belongs to one named person, not to a team; pick who speaks for it."

    def _check_decision(self, d: str) -> tuple[list[MatrixProblem], list[MatrixProblem]]:
        fw, names = self.framework, self.roles
        row = self.cells[d]
        errors: list[MatrixProblem] = []
        smells: list[MatrixProblem] = []
        for (dd, p), (value, message) in self.invalid.items():
            if dd == d:
                who = f"{p}: " if p else ""
                errors.append(MatrixProblem("error", d, p or None, f"{who}{message}"))
        if self.people is not None:
            for p in row:
                if p not in self.people:
                    errors.append(MatrixProblem("error", d, p, f"'{p}' is not one of the people you listed."
                                                + self._unknown_hint(p)))
        if not row:
            if not any(dd == d for dd, _ in self.invalid):
                needed = {"RACI": "one Accountable and at least one Responsible",
                          "DACI": "one Driver and one Approver",
                          "RAPID": "one Decide, a Recommend and a Perform"}[fw]
                errors.append(MatrixProblem("error", d, None, f"nobody has a role in this decision yet. Give it "
                                                              f"{needed}."))
            return errors, smells
        holders = {k: [p for p, r in row.items() if k in r] for k in names}
        unreadable = [p for (dd, p) in self.invalid if dd == d and p]

        def maybe(letter: str) -> str:
            """A 'nobody is X' may only be because a cell could not be read: say so."""
            if not unreadable:
                return ""
            cells = _data._join_words(unreadable)
            if len(unreadable) == 1:
                return (f" (The cell for {cells} could not be read; if it was meant as {names[letter]}, fixing it "
                        "fixes this too.)")
            return (f" (The cells for {cells} could not be read; if one was meant as {names[letter]}, fixing it "
                    "fixes this too.)")

        def name_list(people: list[str]) -> str:
            return _data._join_words(people)

        def nobody(letter: str) -> str:
            return {"RACI": f"nobody is {names[letter]}", "DACI": f"nobody is the {names[letter]}",
                    "RAPID": f"nobody has the {letter} ({names[letter]})"}[fw]

        def several(letter: str, n: int) -> str:
            return {"RACI": f"{n} people are {names[letter]}", "DACI": f"{n} people are named {names[letter]}",
                    "RAPID": f"{n} people have the {letter} ({names[letter]})"}[fw]

        def exactly_one(letter: str, why: str) -> None:
            n = len(holders[letter])
            if n == 0:
                errors.append(MatrixProblem("error", d, None, f"{nobody(letter)}. Name exactly one person, {why}."
                                            + maybe(letter)))
            elif n > 1:
                errors.append(MatrixProblem(
                    "error", d, None,
                    f"{several(letter, n)} ({name_list(holders[letter])}). Keep exactly one: with two, each can "
                    "wait for the other, and nobody is sure who has the final word."))

        def at_least_one(letter: str, why: str) -> None:
            if not holders[letter]:
                errors.append(MatrixProblem("error", d, None, f"{nobody(letter)}: {why}" + maybe(letter)))

        def same_person(a: str, b: str, why: str) -> None:
            for p in holders[a]:
                if p in holders[b]:
                    smells.append(MatrixProblem("smell", d, p, f"{p} is both {names[a]} and {names[b]}. {why}"))

        if fw == "RACI":
            exactly_one("A", "who answers for the outcome")
            at_least_one("R", "name who does the work.")
            same_person("R", "A", "Nobody else checks the work. Fine for a small task; for a contested decision, "
                                  "split the two roles.")
            same_person("C", "I", "Consulted people are informed anyway; keep just C.")
            if len(holders["C"]) > MAX_CONSULTED:
                smells.append(MatrixProblem(
                    "smell", d, None,
                    f"{len(holders['C'])} people are Consulted. Each one is a conversation before you can decide; "
                    f"keep the few whose knowledge changes the answer (at most {MAX_CONSULTED}) and inform the rest."))
            if row and not unreadable and not holders["C"] and not holders["I"]:
                smells.append(MatrixProblem("smell", d, None, "nobody is Consulted or Informed. "
                                            "Who will be surprised when this is decided?"))
        elif fw == "DACI":
            exactly_one("D", "who drives the decision to a close")
            exactly_one("A", "who makes the final call")
            same_person("D", "A", "The driver approves their own recommendation, so nobody else weighs it.")
            same_person("C", "I", "Contributors know about the decision anyway; keep just C.")
            if row and not unreadable and not holders["C"]:
                smells.append(MatrixProblem("smell", d, None, "nobody is a Contributor. "
                                            "Who knows the facts this decision needs?"))
        else:  # RAPID
            exactly_one("D", "who has the final say")
            at_least_one("R", "someone must make a recommendation for the decider to weigh.")
            at_least_one("P", "who will carry the decision out once it is made?")
            same_person("R", "D", "The recommender decides on their own proposal, so nobody weighs it.")
            if len(holders["A"]) > MAX_AGREE:
                smells.append(MatrixProblem(
                    "smell", d, None,
                    f"{len(holders['A'])} people must Agree ({name_list(holders['A'])}). Each Agree is a veto; "
                    "keep it for those with a legal, financial or technical reason to block."))
            if row and not unreadable and not holders["I"]:
                smells.append(MatrixProblem("smell", d, None, "nobody gives Input. "
                                            "Whose facts or views should the recommendation rest on?"))
        for p, r in row.items():
            if len(r) > 2:
                smells.append(MatrixProblem("smell", d, p, f"{p} holds {len(r)} roles ({'/'.join(r)}). "
                                            "Pick the one that matters."))
        return errors, smells

    def summary(self) -> str:
        """One sentence: how many errors and smells, or that every check passes."""
        probs = self.problems()
        e = sum(p.level == "error" for p in probs)
        s = len(probs) - e
        if not probs:
            key = {"RACI": "Accountable", "DACI": "Approver", "RAPID": "Decide"}[self.framework]
            return f"No problems: every decision has exactly one {key} and all the roles it needs."
        return (f"{e} {'error' if e == 1 else 'errors'} and {s} {'smell' if s == 1 else 'smells'} "
                f"in {len(self.cells)} {'decision' if len(self.cells) == 1 else 'decisions'}.")

    def __repr__(self) -> str:
        return f"DecisionMatrix({self.framework}, {len(self.cells)} decisions: {self.summary()})"


def validate_matrix(framework: str, decisions: Mapping[str, Mapping[str, Any]],
                    people: Iterable[str] | None = None) -> list[MatrixProblem]:
    """Every problem in a decision matrix given as plain data (see :class:`DecisionMatrix`)."""
    return DecisionMatrix(framework, decisions, people).problems()


# ---- YAML with line numbers (shared by matrix and scenario files) ----------------------------
#: Files larger than this are refused before parsing (a scenario file is usually 10-20 KB).
MAX_YAML_BYTES = 500_000


def _yaml_tip(problem: str, text: str) -> str:
    """Plain words for PyYAML's most common complaints."""
    tips = []
    if "\t" in text:
        tips.append("Indent with spaces, never tabs.")
    if "mapping values are not allowed" in problem:
        tips.append("A text that contains ': ' (a colon and a space) must be in quotes, or written on the "
                    "next lines after '>-'.")
    elif "expected <block end>" in problem or "expected a block" in problem:
        tips.append("The indentation does not line up: each line of a block must start in the same column "
                    "as the others.")
    elif "found undefined alias" in problem or "found unknown escape" in problem:
        tips.append("A '*' or a backslash at the start of a text must be in quotes.")
    elif "while scanning a quoted scalar" in problem or "found unexpected end of stream" in problem:
        tips.append("A quote was opened and never closed.")
    tips.append("Check the indentation and quotes on this line and the one above.")
    return " " + " ".join(tips)


def _yaml_read(text: str, source: str) -> tuple[Any, dict[tuple, int], list[tuple[int, str]]]:
    """Parse YAML safely. Returns (data, line of each path, problems as (line, message)).

    Problems cover syntax errors and keys written twice in one mapping (which plain
    ``yaml.safe_load`` would silently drop).
    """
    problems: list[tuple[int, str]] = []
    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = err.problem or "the YAML cannot be read"
        problems.append((line, f"{what} (the file is not valid YAML here).{_yaml_tip(what, text)}"))
        return None, lines, problems
    except yaml.YAMLError as err:
        problems.append((0, f"the file is not valid YAML: {err}"))
        return None, lines, problems
    seen = 0
    stack: list[tuple[Any, tuple]] = [(root, ())] if root is not None else []
    while stack:
        node, path = stack.pop()
        seen += 1
        if seen > 50_000:
            break
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else None
                line = k.start_mark.line + 1
                if key in keys:
                    problems.append((line, f"the key '{key}' appears twice in the same block (lines {keys[key]} "
                                           f"and {line}); YAML would silently keep only the last one."))
                keys[key] = line
                lines[path + (key,)] = line
                stack.append((v, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, path + (i,)))
    return data, lines, problems


def _read_text(path: str | Path) -> tuple[str, Path]:
    p = Path(path).expanduser()
    if p.is_dir():
        raise IsADirectoryError(f"{p} is a folder, not a file. Give the path of the YAML file inside it.")
    if not p.exists():
        raise FileNotFoundError(f"There is no file at {p} (full path {p.absolute()}). Check the name and folder.")
    size = p.stat().st_size
    if size > MAX_YAML_BYTES:
        raise DataError([Problem(None, None, None,
                                 f"The file is {size / 1_000_000:.1f} MB; a file like this is usually under 50 KB. "
                                 "Check that it is the right file, or split it into smaller ones.")], p.name)
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError([Problem(None, None, None, "The file is not UTF-8 text. Save it again as UTF-8.")],
                        p.name) from None
    return text, p


def load_matrices(path: str | Path | None = None) -> dict[str, DecisionMatrix]:
    """Read decision matrices from YAML (default ``datasets/decision_rights.yaml``).

    The file holds ``people`` (a list of names) and ``matrices``: each with ``id``,
    ``framework`` (RACI, DACI or RAPID), ``title``, optional ``initiative`` and ``note``, and
    ``decisions`` ({decision: {person: role}}). The file's structure is checked (a
    :class:`pmkit.data.DataError` lists every problem with its line). What is wrong *inside*
    a matrix (two Accountables, say) is not an error here: ask :meth:`DecisionMatrix.problems`.
    """
    text, p = _read_text(path if path is not None else DATASETS_DIR / "decision_rights.yaml")
    data, lines, raw_problems = _yaml_read(text, p.name)
    problems = [Problem(line or None, None, None, message) for line, message in raw_problems]
    result: dict[str, DecisionMatrix] = {}
    if data is not None or not problems:  # keys written twice are reported along with the rest
        if not isinstance(data, Mapping):
            problems.append(Problem(1, None, None, "the file should start with 'people:' and 'matrices:'."))
        else:
            people = data.get("people")
            if people is not None and (not isinstance(people, list) or not all(isinstance(x, str) for x in people)):
                problems.append(Problem(lines.get(("people",)), None, None,
                                        "'people' should be a list of names, one per line starting with '- '."))
                people = None
            matrices = data.get("matrices")
            if not isinstance(matrices, list) or not matrices:
                problems.append(Problem(lines.get(("matrices",), 1), None, None,
                                        "'matrices' should be a list of matrices, each starting with '- id:'."))
                matrices = []
            for n, m in enumerate(matrices):
                line = lines.get(("matrices", n))
                if not isinstance(m, Mapping):
                    problems.append(Problem(line, None, None, f"matrix {n + 1} should be a block with id, "
                                                              "framework and decisions."))
                    continue
                mid = str(m.get("id") or "").strip()
                label = f"matrix '{mid}'" if mid else f"matrix {n + 1}"
                for key in ("id", "framework", "decisions"):
                    if m.get(key) in (None, ""):
                        problems.append(Problem(line, None, None, f"{label} has no '{key}'."))
                if mid and mid in result:
                    problems.append(Problem(line, None, None, f"the id '{mid}' is used by two matrices."))
                if m.get("framework") is not None and str(m.get("framework")).strip().upper() not in FRAMEWORKS:
                    problems.append(Problem(lines.get(("matrices", n, "framework"), line), None, None,
                                            f"{label}: framework {m.get('framework')!r} is not RACI, DACI or RAPID."))
                    continue
                decisions = _merged(m.get("decisions"))
                if decisions is not None and not isinstance(decisions, Mapping):
                    problems.append(Problem(lines.get(("matrices", n, "decisions"), line), None, None,
                                            f"{label}: 'decisions' should map each decision to its people."))
                    continue
                if mid and m.get("framework") and decisions is not None and mid not in result:
                    result[mid] = DecisionMatrix(m["framework"], decisions, people, str(m.get("title") or mid), mid,
                                                 str(m.get("initiative") or ""), " ".join(str(m.get("note") or "").split()))
    if problems:
        raise DataError(problems, p.name)
    return result


# =============================================================================================
# Communication plans
# =============================================================================================

# Roles that mean "we need something from this person", with a weight (lower = sooner).
_NEEDS = {
    "RACI": {"A": (0, "Decision"), "C": (2, "Input on")},
    "DACI": {"A": (0, "Decision"), "C": (2, "Input on")},
    "RAPID": {"D": (0, "Decision"), "A": (1, "Sign-off (can veto)"), "I": (2, "Input on")},
}


def decisions_needed(matrix: DecisionMatrix | None, person: str) -> list[tuple[int, str]]:
    """What we need from ``person`` according to ``matrix``: (weight, text) pairs, most urgent first."""
    if matrix is None:
        return []
    needs = _NEEDS[matrix.framework]
    out = []
    p = _norm_name(person)
    for d, row in matrix.cells.items():
        for letter in row.get(p, ()):
            if letter in needs:
                weight, verb = needs[letter]
                out.append((weight, f"{verb}: {d}"))
    return sorted(out)


def suggested_message(quadrant_name: str, stance: int, cares_about: str = "") -> str:
    """A first draft of what to tell someone, from their quadrant, stance and what they care about."""
    cares = cares_about.strip().rstrip(".")
    first_word = cares.split()[0] if cares else ""
    if cares and not (len(first_word) > 1 and first_word.isupper()):
        cares = cares[0].lower() + cares[1:]  # "A platform..." -> "a platform...", but "ARR..." stays
    care_text = f" ({cares})" if cares else ""
    if stance <= -1:
        first = f"Hear their concern first{care_text}, then show how the plan deals with it."
    elif stance >= 1:
        first = f"Thank them for their support and ask them to help make the case{care_text}."
    else:
        first = f"Show what the plan means for what they care about{care_text}."
    second = {
        "Manage closely": "Go through the plan with them before it is final, and ask what would change their mind.",
        "Keep satisfied": "Keep it to three lines: the decision, the reason, what it means for them. No surprises.",
        "Keep informed": "Share progress and what changes for their team; invite questions.",
        "Monitor": "A short note at milestones; watch for a change in their interest.",
    }[quadrant_name]
    return f"{first} {second}"


def comms_plan(stakeholders: pd.DataFrame, initiative: str | None = None, matrix: DecisionMatrix | None = None,
               owner: str = "", overrides: Mapping[str, Mapping[str, Any]] | None = None,
               split: float = SPLIT) -> pd.DataFrame:
    """A communication plan for one initiative: who, channel, cadence, message and what we need.

    People we need a decision or input from (per ``matrix``) come first, the most urgent
    first; then everyone else by quadrant (Manage closely first) and power. ``overrides``
    maps a person's name to changed ``channel``, ``cadence``, ``message`` or ``include``
    (False leaves them out). The result is indexed by name.
    """
    rows = select_initiative(stakeholders, initiative)
    overrides = overrides or {}
    records = []
    for _, r in rows.iterrows():
        name = str(r["name"])
        q = quadrant(int(r["power"]), int(r["interest"]), split)
        needs = decisions_needed(matrix, name)
        change = overrides.get(name, {})
        if change.get("include", True) is False:
            continue
        records.append({
            "name": name,
            "role": str(r["role"]),
            "quadrant": q,
            "power": int(r["power"]),
            "interest": int(r["interest"]),
            "stance": int(r["stance"]),
            "channel": str(change.get("channel") or r["preferred_channel"] or "not set yet"),
            "cadence": str(change.get("cadence") or r["cadence"] or "not set yet"),
            "needed": "; ".join(text for _, text in needs),
            "urgency": min((w for w, _ in needs), default=9),
            "message": str(change.get("message") or suggested_message(q, int(r["stance"]), str(r["cares_about"]))),
            "owner": owner,
        })
    columns = ["name", "role", "quadrant", "power", "interest", "stance", "channel", "cadence", "needed",
               "urgency", "message", "owner"]
    plan = pd.DataFrame(records, columns=columns)
    order = {q: n for n, q in enumerate(QUADRANTS)}
    plan["_q"] = plan["quadrant"].map(order)
    plan = plan.sort_values(["urgency", "_q", "power", "interest", "name"],
                            ascending=[True, True, False, False, True], kind="stable")
    plan = plan.drop(columns="_q").set_index("name")
    plan.attrs["initiative"] = str(rows["initiative"].iloc[0]) if len(rows) else ""
    return plan


def _md_cell(value: Any) -> str:
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|") or " "


def plan_markdown(plan: pd.DataFrame, title: str | None = None, owner: str = "") -> str:
    """The plan as Markdown: decisions needed first, then everyone in order. Pipes are escaped."""
    initiative = plan.attrs.get("initiative", "")
    heading = title or (f"Communication plan: {initiative_title(initiative)}" if initiative else "Communication plan")
    lines = [f"# {_md_cell(heading)}", ""]
    if owner:
        lines += [f"Owner: {_md_cell(owner)}.", ""]
    lines += ["Decisions needed come first. The more senior the reader, the shorter the update.", ""]
    needed = plan[plan["needed"] != ""]
    lines += ["## Decisions and input needed first", ""]
    if len(needed):
        lines += ["| Who | What we need from them | Channel | Cadence |", "|---|---|---|---|"]
        for name, r in needed.iterrows():
            lines.append(f"| {_md_cell(name)} | {_md_cell(r['needed'])} | {_md_cell(r['channel'])} | "
                         f"{_md_cell(r['cadence'])} |")
    else:
        lines.append("No decision or input is needed from anyone on this list yet.")
    lines += ["", "## Everyone, in order", "",
              "| # | Who | Role | Strategy | Stance | Channel | Cadence | Message |",
              "|---|---|---|---|---|---|---|---|"]
    for n, (name, r) in enumerate(plan.iterrows(), start=1):
        lines.append(f"| {n} | {_md_cell(name)} | {_md_cell(r['role'])} | {_md_cell(r['quadrant'])} | "
                     f"{_signed(int(r['stance']))} | {_md_cell(r['channel'])} | {_md_cell(r['cadence'])} | "
                     f"{_md_cell(r['message'])} |")
    return "\n".join(lines) + "\n"


_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.md$")


def save_markdown(text: str, filename: str) -> Path:
    """Write Markdown into the learner's work folder (``my-work/04-stakeholders/``), atomically."""
    if not isinstance(filename, str) or not _FILE_NAME.match(filename) or ".." in filename:
        raise ValueError(f"{filename!r} cannot be used as a file name. Use letters, digits, '-', '_' and end "
                         "with .md, like comms_plan.md.")
    folder = work_dir() / MODULE
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    write_text_atomic(target, text)
    return target


# =============================================================================================
# Role-play scenarios
# =============================================================================================

#: Each choice moves trust and alignment by a whole number in this range.
DELTA_RANGE = (-2, 2)
#: The meters show trust and alignment between -METER and +METER.
METER = 6
_LETTERS = "ABCDEFGHIJ"
_SCENARIO_KEYS = {"id", "title", "counterpart", "initiative", "summary", "start", "steps", "endings", "message"}
_STEP_KEYS = {"id", "situation", "choices"}
_CHOICE_KEYS = {"text", "next", "trust", "alignment", "why"}
_ENDING_KEYS = {"id", "title", "text", "outcome"}
_MESSAGE_KEYS = {"to", "prompt", "concern", "their_terms"}
_OUTCOMES = ("good", "mixed", "poor")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class ScenarioProblem(Problem):
    """A problem in a scenario file, with the step (and choice) it is in."""

    step: str | None = None
    choice: str | None = None
    file: str | None = None

    @property
    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.step:
            parts.append(f"step '{self.step}'")
        if self.choice:
            parts.append(f"choice {self.choice}")
        if self.line:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


class ScenarioError(DataError):
    """A scenario file cannot be used; ``.problems`` lists every problem (file, step, line)."""

    def __init__(self, problems, source: str = "the scenario", verb: str = "load"):
        super().__init__(problems, source, verb)


@dataclass(frozen=True)
class Choice:
    letter: str
    text: str
    next: str
    trust: int
    alignment: int
    why: str


@dataclass(frozen=True)
class Step:
    id: str
    situation: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Ending:
    id: str
    title: str
    text: str
    outcome: str


@dataclass(frozen=True)
class Move:
    """One choice made: where, which, its effect and why."""

    step: str
    letter: str
    choice: str
    trust: int
    alignment: int
    why: str

    def __str__(self) -> str:
        return (f"{self.step} · {self.letter}: {self.choice} (trust {_signed(self.trust)}, alignment "
                f"{_signed(self.alignment)}). Why: {self.why}")


@dataclass(frozen=True, eq=False)
class PlayResult:
    """Where a list of choices led: the path, the scores, each move's explanation, the ending."""

    scenario: Scenario
    path: tuple[str, ...]
    moves: tuple[Move, ...]
    trust: int
    alignment: int
    ending: Ending | None

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(m.letter for m in self.moves)

    @property
    def explanations(self) -> list[str]:
        return [m.why for m in self.moves]

    @property
    def current(self) -> Step | None:
        """The step waiting for a choice (None once an ending is reached)."""
        return None if self.finished else self.scenario.steps[self.path[-1]]

    def __str__(self) -> str:
        lines = [f"{self.scenario.title}: {len(self.moves)} choice(s); trust {_signed(self.trust)}, "
                 f"alignment {_signed(self.alignment)}."]
        lines += [f"  {n}. {m}" for n, m in enumerate(self.moves, start=1)]
        if self.ending:
            lines.append(f"Ending ({self.ending.outcome}): {self.ending.title}. {self.ending.text}")
        else:
            lines.append(f"Not finished: step '{self.path[-1]}' waits for a choice.")
        return "\n".join(lines)

    __repr__ = __str__


@dataclass(frozen=True, eq=False)
class Scenario:
    """A checked role-play (see :func:`parse_scenario`). Compared and hashed by identity."""

    id: str
    title: str
    counterpart: str
    initiative: str
    summary: str
    start: str
    steps: dict[str, Step]
    endings: dict[str, Ending]
    message: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def __repr__(self) -> str:
        return (f"Scenario({self.id!r}: {self.title}; {len(self.steps)} steps, {len(self.endings)} endings, "
                f"starts at {self.start!r})")

    def run(self) -> ScenarioRun:
        """A fresh run from the first step (for the player)."""
        return ScenarioRun(self)

    def play(self, choices: Iterable[Any]) -> PlayResult:
        """Play a list of choices (letters like "B", or 0-based numbers) from the start.

        Stops at an ending. Raises ValueError, naming the step, for a choice that does not
        exist or for choices left over after an ending.
        """
        if isinstance(choices, str):
            choices = _split_choices(choices)
        run = self.run()
        for n, choice in enumerate(choices, start=1):
            if run.finished:
                raise ValueError(f"Choice {n} ({choice!r}) comes after the scenario has ended at "
                                 f"'{run.ending.title}'. Remove it.")
            run.choose(choice)
        return run.result()

    def paths(self, limit: int = 10_000) -> list[PlayResult]:
        """Every way through the scenario that visits no step twice (for tests and facilitators)."""
        out: list[PlayResult] = []

        def walk(letters: list[str], visited: set[str], at: str) -> None:
            if len(out) >= limit:
                return
            for ch in self.steps[at].choices:
                if ch.next in self.endings:
                    out.append(self.play(letters + [ch.letter]))
                elif ch.next not in visited:
                    walk(letters + [ch.letter], visited | {ch.next}, ch.next)

        walk([], {self.start}, self.start)
        return out

    def best_path(self) -> PlayResult:
        """The simple path with the highest trust + alignment (ties: the shorter one)."""
        return max(self.paths(), key=lambda r: (r.trust + r.alignment, -len(r.moves)))


class ScenarioRun:
    """A scenario being played, one choice at a time."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.restart()

    def restart(self) -> None:
        self.path: list[str] = [self.scenario.start]
        self.moves: list[Move] = []
        self.trust = 0
        self.alignment = 0
        self.ending: Ending | None = None

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def current(self) -> Step | None:
        return None if self.finished else self.scenario.steps[self.path[-1]]

    def _pick(self, choice: Any) -> Choice:
        step = self.current
        assert step is not None
        letters = [c.letter for c in step.choices]
        span = f"{letters[0]} to {letters[-1]}" if len(letters) > 1 else letters[0]
        if isinstance(choice, bool):
            raise ValueError(f"Step '{step.id}' needs a letter ({span}), not {choice!r}.")
        if isinstance(choice, numbers.Integral):
            choice = int(choice)
        if isinstance(choice, int):
            if 0 <= choice < len(step.choices):
                return step.choices[choice]
            raise ValueError(f"Step '{step.id}' has {len(letters)} choices ({span}); number {choice} is not one of "
                             f"them (numbers count from 0).")
        if isinstance(choice, str):
            key = re.sub(r"^(?:CHOOSE|CHOICE|OPTION)\s+", "", choice.strip().upper()).rstrip(".):")
            for c in step.choices:
                if c.letter == key:
                    return c
            raise ValueError(f"Step '{step.id}' has choices {span}; {choice!r} is not one of them.")
        raise ValueError(f"Step '{step.id}' needs a letter ({span}), not {type(choice).__name__}.")

    def choose(self, choice: Any) -> Move:
        """Make a choice at the current step. Returns the move (with its explanation)."""
        if self.finished:
            raise ValueError(f"The scenario has ended ('{self.ending.title}'). Restart to play again.")
        step = self.current
        picked = self._pick(choice)
        move = Move(step.id, picked.letter, picked.text, picked.trust, picked.alignment, picked.why)
        self.moves.append(move)
        self.trust += picked.trust
        self.alignment += picked.alignment
        self.path.append(picked.next)
        if picked.next in self.scenario.endings:
            self.ending = self.scenario.endings[picked.next]
        return move

    def result(self) -> PlayResult:
        return PlayResult(self.scenario, tuple(self.path), tuple(self.moves), self.trust, self.alignment,
                          self.ending)


def _split_choices(text: str) -> list[str]:
    """ "B, A", "B A" and "BA" all mean ["B", "A"]."""
    parts = [c for c in re.split(r"[\s,;]+", text) if c]
    if len(parts) == 1 and re.fullmatch(f"[{_LETTERS}]{{2,}}", parts[0].upper()):
        return list(parts[0].upper())
    return parts


def _delta(value: Any) -> int | None:
    """A trust/alignment change as an int, or None if it is not a whole number from -2 to +2.

    ``1``, ``+1``, ``1.0`` and the text ``"+1"`` (a number someone put in quotes) all mean 1.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if not re.fullmatch(r"[+-]?\d+(?:\.0+)?", text):
            return None
        value = float(text)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        number = int(value)
        if DELTA_RANGE[0] <= number <= DELTA_RANGE[1]:
            return number
    return None


def _is_delta(value: Any) -> bool:
    return _delta(value) is not None


_YAML_BOOL_TIP = " (YAML reads yes, no, on, off, true and false as True/False: put the word in quotes.)"


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    """Check and build a scenario from YAML text. Raises :class:`ScenarioError` listing every problem.

    Checked: valid YAML; the required fields (id, title, start, steps, endings; each step's id,
    situation and choices; each choice's text, next, trust, alignment and why; each ending's
    id, title and text); unknown keys (typos); ids unique; every ``next`` names a step or an
    ending; trust and alignment whole numbers from -2 to +2; every step and ending reachable
    from the start; and no step from which no ending can be reached (a loop with no way out).
    """
    data, lines, raw = _yaml_read(text, source)
    problems: list[ScenarioProblem] = [ScenarioProblem(line or None, None, None, msg, None, None, None, source)
                                       for line, msg in raw]
    if problems and data is None:  # a syntax error: nothing else can be checked
        raise ScenarioError(problems, source)

    def add(message: str, path: tuple = (), step: str | None = None, choice: str | None = None) -> None:
        line = None
        for cut in range(len(path), -1, -1):
            if path[:cut] in lines:
                line = lines[path[:cut]]
                break
        problems.append(ScenarioProblem(line, None, None, message, None, step, choice, source))

    def unknown_keys(block: Mapping, allowed: set[str], path: tuple, what: str, step=None, choice=None) -> None:
        for key in block:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
                hint = f" Did you mean '{near[0]}'?" if near else f" Allowed: {', '.join(sorted(allowed))}."
                add(f"{what} has an unknown field '{key}'.{hint}", path + (key,), step, choice)

    def text_field(block: Mapping, key: str, path: tuple, what: str, step=None, choice=None) -> str:
        value = block.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            add(f"{what} has no '{key}'" + (" (it is blank)." if key in block else "."), path, step, choice)
            return ""
        if isinstance(value, bool):
            add(f"{what}: '{key}' is {value}, not text.{_YAML_BOOL_TIP}", path + (key,), step, choice)
            return ""
        if not isinstance(value, (str, int, float)):
            shape = "a list" if isinstance(value, list) else "a block of fields" if isinstance(value, Mapping) \
                else type(value).__name__
            add(f"{what}: '{key}' should be text, not {shape}.", path + (key,), step, choice)
            return ""
        return " ".join(str(value).split())

    if not isinstance(data, Mapping):
        add("the file should hold one scenario: a block with id, title, start, steps and endings.", ())
        raise ScenarioError(problems, source)
    unknown_keys(data, _SCENARIO_KEYS, (), "the scenario")
    sid = text_field(data, "id", ("id",), "the scenario")
    title = text_field(data, "title", ("title",), "the scenario")
    start = text_field(data, "start", ("start",), "the scenario")
    counterpart = " ".join(str(data.get("counterpart") or "").split())
    initiative = " ".join(str(data.get("initiative") or "").split())
    summary = " ".join(str(data.get("summary") or "").split())

    raw_steps = data.get("steps")
    raw_endings = data.get("endings")
    unresolved: list[tuple[str | None, str | None]] = []  # choices whose 'next' could not be followed
    for key, what in (("steps", "steps"), ("endings", "endings")):
        value = data.get(key)
        if isinstance(value, list) and value:
            continue
        if isinstance(value, Mapping):
            add(f"'{key}' is a block of fields, but it should be a list: start each of the {what} with "
                "'- id:' (a dash, a space, then id).", (key,))
        else:
            add(f"the scenario needs '{key}': a list of {what}, each starting with '- id:'.", (key,))
    if not isinstance(raw_steps, list):
        raw_steps = []
    if not isinstance(raw_endings, list):
        raw_endings = []

    ids: dict[str, str] = {}  # id -> "step" / "ending"
    endings: dict[str, Ending] = {}
    for n, e in enumerate(raw_endings):
        path = ("endings", n)
        if not isinstance(e, Mapping):
            add(f"ending {n + 1} should be a block with id, title and text.", path)
            continue
        eid = text_field(e, "id", path, f"ending {n + 1}")
        unknown_keys(e, _ENDING_KEYS, path, f"ending '{eid or n + 1}'")
        etitle = text_field(e, "title", path, f"ending '{eid or n + 1}'")
        etext = text_field(e, "text", path, f"ending '{eid or n + 1}'")
        outcome = str(e.get("outcome") or "mixed").strip().lower()
        if outcome not in _OUTCOMES:
            add(f"ending '{eid}': outcome {e.get('outcome')!r} should be good, mixed or poor.", path + ("outcome",))
        if eid:
            if not _ID.match(eid):
                add(f"ending id '{eid}' should be letters, digits and dashes, like 'shared-plan'.", path + ("id",))
            if eid in ids:
                add(f"the id '{eid}' is used twice (ids of steps and endings must be unique).", path + ("id",))
            ids[eid] = "ending"
            endings[eid] = Ending(eid, etitle, etext, outcome)

    steps: dict[str, Step] = {}
    step_paths: dict[str, tuple] = {}
    for n, s in enumerate(raw_steps):
        path = ("steps", n)
        if not isinstance(s, Mapping):
            add(f"step {n + 1} should be a block with id, situation and choices.", path)
            continue
        stid = text_field(s, "id", path, f"step {n + 1}")
        label = stid or None
        if stid:
            if not _ID.match(stid):
                add(f"the id '{stid}' should be letters, digits and dashes, like 'the-ask'.", path + ("id",), label)
            if stid in ids:
                add(f"the id '{stid}' is used twice (ids of steps and endings must be unique).", path + ("id",), label)
            ids[stid] = "step"
        unknown_keys(s, _STEP_KEYS, path, "this step", label)
        situation = text_field(s, "situation", path, "this step", label)
        raw_choices = s.get("choices")
        choices: list[Choice] = []
        if isinstance(raw_choices, Mapping):
            add("'choices' is a block of fields, but it should be a list: start each choice with '- text:' "
                "(a dash, a space, then text).", path + ("choices",), label)
            unresolved.append((label, None))
            raw_choices = []
        elif not isinstance(raw_choices, list) or not raw_choices:
            add("this step has no choices. Give it at least one; a place where the story stops belongs "
                "under 'endings'.", path + ("choices",), label)
            unresolved.append((label, None))
            raw_choices = []
        if len(raw_choices) > len(_LETTERS):
            add(f"this step has {len(raw_choices)} choices; at most {len(_LETTERS)} fit.", path + ("choices",), label)
            raw_choices = raw_choices[: len(_LETTERS)]
        for k, c in enumerate(raw_choices):
            letter = _LETTERS[k]
            cpath = path + ("choices", k)
            if not isinstance(c, Mapping):
                add("this choice should be a block with text, next, trust, alignment and why.", cpath, label, letter)
                unresolved.append((label, letter))
                continue
            unknown_keys(c, _CHOICE_KEYS, cpath, "this choice", label, letter)
            ctext = text_field(c, "text", cpath, "this choice", label, letter)
            why = text_field(c, "why", cpath, "this choice", label, letter)
            nxt = c.get("next")
            if nxt is None or (isinstance(nxt, str) and not nxt.strip()):
                add("this choice leads nowhere: 'next' is missing or blank (a dangling choice). Name the step or "
                    "ending it leads to.", cpath + (("next",) if "next" in c else ()), label, letter)
                unresolved.append((label, letter))
                nxt = ""
            elif isinstance(nxt, bool) or not isinstance(nxt, (str, int)):
                what = f"{nxt}{_YAML_BOOL_TIP}" if isinstance(nxt, bool) else "a list or a block, not one id"
                add(f"'next' is {what} Name the one step or ending this choice leads to.",
                    cpath + ("next",), label, letter)
                unresolved.append((label, letter))
                nxt = ""
            else:
                nxt = str(nxt).strip()
            deltas = {}
            for key in ("trust", "alignment"):
                if key not in c:
                    add(f"this choice has no '{key}'. Give a whole number from {DELTA_RANGE[0]} to "
                        f"+{DELTA_RANGE[1]} (0 if it does not change).", cpath, label, letter)
                    deltas[key] = 0
                elif _delta(c[key]) is None:
                    tip = _YAML_BOOL_TIP if isinstance(c[key], bool) else ""
                    add(f"'{key}' is {c[key]!r}; expected a whole number from {DELTA_RANGE[0]} to "
                        f"+{DELTA_RANGE[1]}.{tip}", cpath + (key,), label, letter)
                    deltas[key] = 0
                else:
                    deltas[key] = _delta(c[key])
            choices.append(Choice(letter, ctext, nxt, deltas["trust"], deltas["alignment"], why))
        if stid and stid not in steps:
            steps[stid] = Step(stid, situation, tuple(choices))
            step_paths[stid] = path

    # references
    every = set(steps) | set(endings)
    for stid, step in steps.items():
        for k, ch in enumerate(step.choices):
            cpath = step_paths[stid] + ("choices", k, "next")
            if not ch.next:
                continue
            if ch.next == stid:
                add("this choice leads back to its own step, so the player would go round in a circle.",
                    cpath, stid, ch.letter)
            elif ch.next not in every:
                near = difflib.get_close_matches(ch.next, sorted(every), n=1, cutoff=0.6)
                hint = f" Did you mean '{near[0]}'?" if near else " Check the spelling against the step ids."
                add(f"'next' names an unknown step '{ch.next}'.{hint}", cpath, stid, ch.letter)
                unresolved.append((stid, ch.letter))
    if start and start not in steps:
        near = difflib.get_close_matches(start, sorted(steps), n=1, cutoff=0.6)
        what = "an ending, but the scenario must start at a step" if start in endings else "no step"
        hint = f" Did you mean '{near[0]}'?" if near else ""
        add(f"'start' is '{start}', which is {what}.{hint}", ("start",))

    # reachability from the start, and whether each step can still reach an ending
    if start in steps:
        edges = {sid_: [c.next for c in st.choices if c.next in every] for sid_, st in steps.items()}
        seen = {start}
        frontier = [start]
        while frontier:
            node = frontier.pop()
            for nxt in edges.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        because = ""
        if unresolved:
            because = (" This may only be because of a choice above whose 'next' could not be followed; "
                       "fix that first.")
        for stid in steps:
            if stid not in seen:
                add(f"no choice leads to this step, so players never see it (unreachable from '{start}').{because}",
                    step_paths[stid], stid)
        for n, e in enumerate(raw_endings):
            eid = e.get("id") if isinstance(e, Mapping) else None
            if isinstance(eid, (str, int)) and not isinstance(eid, bool) and str(eid).strip() in endings \
                    and str(eid).strip() not in seen:
                add(f"no choice leads to the ending '{str(eid).strip()}', so players never reach it "
                    f"(unreachable from '{start}').{because}", ("endings", n))
        # steps from which no ending can be reached; a step with a choice that could not be
        # followed is left out (its problem is reported already, and it may be meant to end)
        can_end = set(endings) | {sid_ for sid_, _ in unresolved if sid_}
        leads_here: dict[str, set[str]] = {}
        for sid_, targets in edges.items():
            for t in targets:
                leads_here.setdefault(t, set()).add(sid_)
        frontier = list(can_end)
        while frontier:
            node = frontier.pop()
            for before in leads_here.get(node, ()):
                if before not in can_end:
                    can_end.add(before)
                    frontier.append(before)
        trapped = [s_ for s_ in steps if s_ in seen and s_ not in can_end]
        if trapped:
            if len(trapped) == 1:
                add("no choice from this step ever reaches an ending, so the player is stuck here. Point at "
                    "least one of its choices at an ending.", step_paths[trapped[0]], trapped[0])
            else:
                shown = [f"'{s_}'" for s_ in trapped[:6]]
                if len(trapped) > 6:
                    shown.append(f"{len(trapped) - 6} more")
                add(f"no choice from here ever reaches an ending: the steps {_data._join_words(shown)} only lead "
                    "to each other, so the player is stuck in a loop. Point at least one of their choices at an "
                    "ending.", step_paths[trapped[0]], trapped[0])

    message = data.get("message") or {}
    if not isinstance(message, Mapping):
        add("'message' should be a block with to, prompt, concern and their_terms.", ("message",))
        message = {}
    else:
        unknown_keys(message, _MESSAGE_KEYS, ("message",), "'message'")
        for key in ("concern", "their_terms"):
            words = message.get(key)
            if words is not None and (not isinstance(words, list) or not all(isinstance(w, (str, int)) for w in words)):
                add(f"'message: {key}' should be a list of words, like [deal, contract].", ("message", key))
    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise ScenarioError(problems, source)
    msg = {"to": str(message.get("to") or (counterpart.split()[0] if counterpart else "")),
           "prompt": " ".join(str(message.get("prompt") or "").split()),
           "concern": [str(w).lower() for w in message.get("concern") or []],
           "their_terms": [str(w).lower() for w in message.get("their_terms") or []]}
    return Scenario(sid, title, counterpart, initiative, summary, start, steps, endings, msg, source)


def load_scenario(path: str | Path) -> Scenario:
    """Load and check one scenario file. Raises :class:`ScenarioError` naming the file and the step.

    The file is only read, never written.
    """
    try:
        text, p = _read_text(path)
    except ScenarioError:
        raise
    except DataError as err:  # not UTF-8, or far too big
        name = Path(path).name
        raise ScenarioError([ScenarioProblem(None, None, None, q.message, None, None, None, name)
                             for q in err.problems], name) from None
    return parse_scenario(text, p.name)


def explain_scenario(path: str | Path) -> Scenario | None:
    """For notebooks: load a scenario file, or print every problem (no traceback) and return None."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as err:
        print(f"{err}\n\nNothing was loaded, and your file was not changed. Fix the lines listed above, save "
              "the file and run this cell again.")
        return None
    except (FileNotFoundError, IsADirectoryError, PermissionError) as err:
        print(f"{err}\nNothing was loaded.")
        return None
    except OSError as err:
        print(f"Could not read {path}: {err.strerror or err}. Nothing was loaded.")
        return None
    print(f"{scenario.source}: '{scenario.title}' is sound: {len(scenario.steps)} steps, "
          f"{len(scenario.endings)} endings, every step reachable and every path ends.")
    return scenario


def explain_matrices(path: str | Path | None = None) -> dict[str, DecisionMatrix] | None:
    """For notebooks: load a decision-rights file and print what each matrix still needs; never raises.

    Returns the matrices (even those with errors inside, so you can fix them in the editor), or
    None when the file itself cannot be read.
    """
    try:
        matrices = load_matrices(path)
    except DataError as err:
        print(f"{err}\n\nNothing was loaded, and your file was not changed. Fix the lines listed above, save "
              "the file and run this cell again.")
        return None
    except (FileNotFoundError, IsADirectoryError, PermissionError) as err:
        print(f"{err}\nNothing was loaded.")
        return None
    except OSError as err:
        print(f"Could not read {path}: {err.strerror or err}. Nothing was loaded.")
        return None
    for key, matrix in matrices.items():
        print(f"{key} ({matrix.framework}): {matrix.summary()}")
        for problem in matrix.problems():
            print(f"  - {problem}")
    return matrices


def load_scenarios(folder: str | Path | None = None) -> dict[str, Scenario]:
    """Load every ``*.yaml`` scenario in a folder (default ``datasets/scenarios``), by id.

    Problems in several files are reported together in one :class:`ScenarioError`.
    """
    where = Path(folder) if folder is not None else DATASETS_DIR / "scenarios"
    if not where.is_dir():
        raise FileNotFoundError(f"There is no folder {where}.")
    out: dict[str, Scenario] = {}
    problems: list[Problem] = []
    for file in sorted(list(where.glob("*.yaml")) + list(where.glob("*.yml"))):
        try:
            scenario = load_scenario(file)
        except ScenarioError as err:
            problems += err.problems
            continue
        if scenario.id in out:
            problems.append(ScenarioProblem(None, None, None, f"the scenario id '{scenario.id}' is also used by "
                                                              f"{out[scenario.id].source}.", None, None, None,
                                            file.name))
            continue
        out[scenario.id] = scenario
    if problems:
        raise ScenarioError(problems, f"the scenarios in {where.name}/")
    if not out:
        raise FileNotFoundError(f"There are no .yaml scenario files in {where}.")
    return out


def replay(scenario: Scenario, choices: Any) -> PlayResult:
    """For notebooks: play ``choices`` and print the path; never raises.

    With ``...`` (not answered yet) or bad choices it prints what to do and returns the
    state at the start (or as far as the valid choices went).
    """
    if is_unanswered(choices):
        print(f"You have not chosen yet. Write your choices as a list of letters, like ['B', 'A'], "
              f"then run the cell again. The scenario starts at '{scenario.start}'.")
        return scenario.run().result()
    if isinstance(choices, str):
        items = _split_choices(choices)
    elif isinstance(choices, Iterable) and not isinstance(choices, Mapping):
        items = list(choices)
    else:
        print(f"Your choices should be a list of letters, like ['B', 'A'], not {type(choices).__name__}.")
        return scenario.run().result()
    run = scenario.run()
    for n, item in enumerate(items, start=1):
        if run.finished:
            print(f"Choices from number {n} on were not used: the scenario had already ended.")
            break
        if isinstance(item, numbers.Number) and not isinstance(item, bool):
            print(f"Choice {n} is the number {item!r}. Write the letters the player shows (A, B, C), so nobody "
                  "has to guess whether counting starts at 0 or 1.")
            break
        try:
            run.choose(item)
        except ValueError as err:
            print(f"Choice {n} could not be used: {err}")
            break
    result = run.result()
    print(result)
    return result


# =============================================================================================
# Feedback for the exercises
# =============================================================================================

_MAP_TITLE = "Your stakeholder map"
_RACI_TITLE = "Your fixed RACI"
_MESSAGE_TITLE = "Your next message"


def _people_index(names: Iterable[str]) -> dict[str, str]:
    return {_norm_name(n).casefold(): _norm_name(n) for n in names}


def _plain_letters(text: str) -> str:
    """Lower case without accents, so that "Tomas" finds "Tomás"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _match_person(name: Any, known: list[str]) -> str | None:
    """The known name a learner meant: exact, any case or accents, or a unique first name."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = _plain_letters(_norm_name(name))
    index = {_plain_letters(_norm_name(k)): _norm_name(k) for k in known}
    if text in index:
        return index[text]
    first = [k for k in known if _plain_letters(k.split()[0]) == text.split()[0]]
    if len(first) == 1 and len(text.split()) == 1:
        return first[0]
    return None


def _whole(value: Any, low: int, high: int) -> int | None:
    """A score from a map answer (numbers, or numbers typed as text like "4" or "+1"); None if unusable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if not re.fullmatch(r"[+-]?\d+(?:\.0+)?", text):
            return None
        value = float(text)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer() \
            and low <= value <= high:
        return int(value)
    return None


def as_map_records(answer: Any) -> Any:
    """Turn a map answer into the saved form: a list of {name, power, interest, stance} dicts.

    Accepts {name: (power, interest, stance)}, {name: {"power":..}}, a list of such dicts or
    a DataFrame. Anything unanswered (``...``) or unreadable is returned unchanged.
    """
    if is_unanswered(answer):
        return answer
    if isinstance(answer, Mapping) and answer and all(v is Ellipsis for v in answer.values()):
        return Ellipsis  # the template, not filled in yet
    try:
        if isinstance(answer, pd.DataFrame):
            frame = answer.reset_index() if "name" not in answer.columns else answer
            return [{"name": str(r["name"]), "power": _plain(r["power"]), "interest": _plain(r["interest"]),
                     "stance": _plain(r["stance"])} for _, r in frame.iterrows()]
        if isinstance(answer, Mapping):
            out: list[Any] = []
            for name, value in answer.items():
                if value is Ellipsis:
                    out.append(Ellipsis)  # keeps keep_answer from saving a half-filled map
                elif isinstance(value, Mapping):
                    out.append({"name": str(name), "power": _plain(value.get("power")),
                                "interest": _plain(value.get("interest")), "stance": _plain(value.get("stance"))})
                elif isinstance(value, (list, tuple)) and len(value) == 3:
                    out.append({"name": str(name), "power": _plain(value[0]), "interest": _plain(value[1]),
                                "stance": _plain(value[2])})
                else:
                    out.append({"name": str(name), "power": _plain(value), "interest": None, "stance": None})
            return out
        if isinstance(answer, (list, tuple)) and all(isinstance(x, Mapping) for x in answer):
            return [{"name": str(x.get("name")), "power": _plain(x.get("power")),
                     "interest": _plain(x.get("interest")), "stance": _plain(x.get("stance"))} for x in answer]
    except Exception:  # noqa: BLE001 - leave odd answers for the checker to explain
        return answer
    return answer


def _plain(value: Any) -> Any:
    if value is Ellipsis:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, str):  # a score typed as text ("4", "+1") is saved as the number
        number = _whole(value, -1000, 1000)
        return value if number is None else number
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)


def _unanswered(title: str, what: str, example: str) -> Feedback:
    return Feedback(title, answered=False,
                    summary=f"You have not answered yet: replace ... with {what}, for example {example}. "
                            "Then run this cell again.")


def check_stakeholder_map(answer: Any, stakeholders: pd.DataFrame | None = None,
                          initiative: str = "engine-rewrite", split: float = SPLIT) -> Feedback:
    """Compare a learner's power-interest map with Priya's map of the same initiative.

    ``answer``: {name: (power, interest, stance)} or a list of {name, power, interest, stance}.
    Each person is checked for the quadrant and the direction of their stance. A map is a
    judgement call, so a different quadrant comes with Priya's reasons, not a grade.
    """
    try:
        return _check_map(answer, stakeholders, initiative, split)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(_MAP_TITLE, answered=False,
                        summary=f"Your map could not be checked ({type(err).__name__}: {err}). Write it as "
                                '{"Name": (power, interest, stance), ...}.')


def _check_map(answer, stakeholders, initiative, split) -> Feedback:
    example = '{"Tomás Berg": (4, 5, 2), "Nadia Petrova": (5, 4, 0), ...}'
    if is_unanswered(answer):
        return _unanswered(_MAP_TITLE, "one entry per person: (power, interest, stance)", example)
    if stakeholders is None:
        stakeholders = load_stakeholders()
    reference = select_initiative(stakeholders, initiative)
    known = [str(n) for n in reference["name"]]
    records = as_map_records(answer)
    if records is Ellipsis:
        return _unanswered(_MAP_TITLE, "a (power, interest, stance) for each person", example)
    if not isinstance(records, list):
        return Feedback(_MAP_TITLE, answered=False,
                        summary=f"Write your map as a dict, like {example}. You gave "
                                f"{type(answer).__name__}.")
    result = Feedback(_MAP_TITLE, note="A map is a judgement call. Where yours differs, say why in a sentence: "
                                       "the reasons matter more than the numbers.")
    given: dict[str, dict] = {}
    bad_values: list[str] = []
    not_three: list[str] = []
    unknown: list[str] = []
    twice: list[str] = []
    names_used: dict[str, list[Any]] = {}
    unfilled = sum(rec is Ellipsis for rec in records)
    records = [rec for rec in records if isinstance(rec, Mapping)]
    for rec in records:
        person = _match_person(rec.get("name"), known)
        if person is None:
            unknown.append(str(rec.get("name")))
            continue
        if person in given:
            twice.append(f"{person} (as {_data._join_words([repr(n) for n in names_used[person] + [rec.get('name')]])})")
            names_used[person].append(rec.get("name"))
            continue
        names_used[person] = [rec.get("name")]
        values = {}
        if rec.get("interest") is None and rec.get("stance") is None and rec.get("power") is not None:
            not_three.append(person)
            given[person] = {key: None for key in _SCALES}
            continue
        for key, (low, high) in _SCALES.items():
            v = rec.get(key)
            number = _whole(v, low, high)
            if number is None:
                bad_values.append(f"{person}'s {key} is {v!r} (expected a whole number from {low} to {high})")
            values[key] = number
        given[person] = values
    missing = [k for k in known if k not in given]
    if twice:
        result.add("Each person once", False, f"{'; '.join(twice)} more than once. The check used the first; "
                                              "delete the others.")
    if unknown:
        result.add("Only people in this initiative", False,
                   f"not in the list: {', '.join(unknown)}. Use the names in the table above.")
    if missing:
        still = f" ({unfilled} still hold ...)" if unfilled else ""
        result.add("Everyone mapped", False, f"you left out {_data._join_words(missing)}{still}.")
    else:
        result.add("Everyone mapped", True, f"all {len(known)} people.")
    if not_three:
        bad_values.insert(0, f"{_data._join_words(not_three)} "
                             f"{'needs' if len(not_three) == 1 else 'need'} three numbers each, (power, interest, "
                             "stance), like (4, 5, 2)")
    if bad_values:
        result.add("Values on the scales", False, "; ".join(bad_values) + ".")
    same = 0
    near = 0
    compared = 0
    for _, r in reference.iterrows():
        person = str(r["name"])
        if person not in given:
            continue
        v = given[person]
        if None in v.values():
            continue
        compared += 1
        theirs = quadrant(int(r["power"]), int(r["interest"]), split)
        mine = quadrant(v["power"], v["interest"], split)
        ref_stance = int(r["stance"])
        same_direction = (v["stance"] > 0) == (ref_stance > 0) and (v["stance"] < 0) == (ref_stance < 0)
        close = abs(v["stance"] - ref_stance) <= 1
        one_step = abs(v["power"] - int(r["power"])) <= 1 and abs(v["interest"] - int(r["interest"])) <= 1
        if mine == theirs:
            same += 1
        elif one_step:
            near += 1
            result.add(person, None,
                       f"you put them in {mine} (power {v['power']}, interest {v['interest']}); Priya's map has "
                       f"{theirs} (power {int(r['power'])}, interest {int(r['interest'])}). That is one step across "
                       f"a line, so it is a judgement call: say in a sentence why you chose yours. What they care "
                       f"about here: {r['cares_about']}."
                       + ("" if same_direction or close else
                          f" Look again at their stance, though: you have them {stance_label(v['stance'])} and she "
                          f"has them {stance_label(ref_stance)}."))
            continue
        if mine == theirs and (same_direction or close):
            result.add(person, True, f"{mine}, as in Priya's map.")
        elif mine == theirs:
            result.add(person, False,
                       f"{mine}, as in Priya's map; but you have them {stance_label(v['stance'])} and she has them "
                       f"{stance_label(ref_stance)}. What they care about here: {r['cares_about']}.")
        else:
            result.add(person, False,
                       f"you put them in {mine} (power {v['power']}, interest {v['interest']}); Priya's map has "
                       f"{theirs} (power {int(r['power'])}, interest {int(r['interest'])}). What they care about "
                       f"here: {r['cares_about']}.")
    summary = f"{same} of {len(known)} people are in the same quadrant as in Priya's map"
    if near:
        summary += f", and {near} {'is' if near == 1 else 'are'} one step away, across a line"
    if compared < len(known):
        summary += f"; {len(known) - compared} could not be compared yet"
    summary += "."
    if result.failed:
        summary += " Compare your reasons where they differ, and fix the lines marked ✗."
    elif near:
        summary += " Well judged; be ready to explain the borderline calls."
    else:
        summary += " Well judged."
    result.summary = summary
    return result


def answer_if_changed(matrix: Any, original: DecisionMatrix) -> Any:
    """For notebooks: the matrix as plain data once it differs from ``original``, else ``...``.

    So ``keep_answer`` never overwrites a saved fix with the unchanged original.
    """
    if isinstance(matrix, DecisionMatrix):
        data = matrix.to_dict()
    elif isinstance(matrix, Mapping):
        data = DecisionMatrix(original.framework, matrix).to_dict()
    else:
        return matrix
    return Ellipsis if data == original.to_dict() else data


def check_raci_fix(answer: Any, original: DecisionMatrix | Mapping | None = None,
                   people: Iterable[str] | None = None) -> Feedback:
    """Check a fixed RACI: no errors left, no smells left, no decision dropped, nobody silenced."""
    try:
        return _check_raci(answer, original, people)
    except Exception as err:  # noqa: BLE001
        return Feedback(_RACI_TITLE, answered=False,
                        summary=f"Your matrix could not be checked ({type(err).__name__}: {err}). Write it as "
                                '{"decision": {"Person Name": "R"}, ...}.')


def _check_raci(answer, original, people) -> Feedback:
    example = '{"Scope of the templates pilot": {"Priya Nair": "A", "Lena Fischer": "R"}, ...}'
    if is_unanswered(answer):
        return _unanswered(_RACI_TITLE, "the fixed matrix as a dict", example)
    if original is None:
        original = load_matrices()["q3-raci-wiki"]
    if isinstance(original, Mapping):
        original = DecisionMatrix("RACI", original, people)
    if people is None:
        people = original.people
    if isinstance(answer, DecisionMatrix):
        fixed = answer.copy()
        if fixed.framework != "RACI":
            return Feedback(_RACI_TITLE, answered=False, summary=f"This exercise is about a RACI; you gave a "
                                                                 f"{fixed.framework} matrix.")
        fixed.people = list(people) if people is not None else None
    elif isinstance(answer, Mapping):
        # decisions may be named by their code ("D1") or with other capitals or spaces
        renamed: dict[str, Any] = {}
        for key, row in answer.items():
            target = original.decision_key(key) or _norm_name(key)
            if target in renamed and isinstance(renamed[target], Mapping) and isinstance(row, Mapping):
                renamed[target] = {**renamed[target], **row}
            else:
                renamed[target] = row
        fixed = DecisionMatrix("RACI", renamed, people)
    else:
        return Feedback(_RACI_TITLE, answered=False,
                        summary=f"Write the fixed matrix as a dict, like {example}. You gave {type(answer).__name__}.")
    if fixed.to_dict() == original.to_dict():
        return Feedback(_RACI_TITLE, answered=False,
                        summary="This is still the matrix from the wiki: nothing has changed yet. Edit its cells "
                                "(see the problems listed above), then run the check again.")
    result = Feedback(_RACI_TITLE)
    problems = fixed.problems()
    kinds = {
        "Exactly one Accountable per decision": lambda p: "Accountable" in p.message and p.level == "error",
        "Someone Responsible for every decision": lambda p: ("nobody is Responsible" in p.message
                                                             or "nobody has a role" in p.message),
        "Only named people from the team": lambda p: "is not one of the people" in p.message,
        "Every role is R, A, C or I": lambda p: "is not a RACI role" in p.message or "should map each" in p.message,
    }
    claimed: set[int] = set()
    for label, test in kinds.items():
        hits = [p for p in problems if test(p)]
        claimed |= {id(p) for p in hits}
        if hits:
            result.add(label, False, " ".join(str(p) for p in hits[:3]) + (" …" if len(hits) > 3 else ""))
        else:
            result.add(label, True)
    other_errors = [p for p in problems if p.level == "error" and id(p) not in claimed]
    if other_errors:
        result.add("No other errors", False, " ".join(str(p) for p in other_errors[:3]))
    smells = [p for p in problems if p.level == "smell"]
    if smells:
        result.add("Smells dealt with", False,
                   " ".join(str(p) for p in smells[:3]) + (" …" if len(smells) > 3 else "")
                   + " A smell can be right; if you keep one, say why in a comment.")
    else:
        result.add("Smells dealt with", True)
    dropped = [d for d in original.decisions if d not in fixed.cells]
    added = [d for d in fixed.decisions if d not in original.cells]
    if dropped:
        result.add("Every decision kept", False, f"you removed {_data._join_words([repr(d) for d in dropped])}. "
                                                 "Fix a broken decision rather than delete it.")
    else:
        result.add("Every decision kept", True)
    if added:
        result.add("New decisions", None, f"you added {_data._join_words([repr(d) for d in added])}.")
    voices = {p for d, row in original.cells.items() for p, r in row.items()
              if (set(r) & {"A", "C", "R"}) and (people is None or p in people)}
    silenced = sorted(p for p in voices if not any(p in row for row in fixed.cells.values()))
    if silenced:
        result.add("Nobody with a voice dropped", False,
                   f"{_data._join_words(silenced)} had a say before and now have no role at all. Were they "
                   "consulted for a reason?")
    else:
        result.add("Nobody with a voice dropped", True)
    done, total = len(result.passed), len([c for c in result.checks if c.ok is not None])
    result.summary = f"{done} of {total} checks met." + (" The matrix is sound." if done == total else
                                                          " Fix the lines marked ✗ and run the check again.")
    return result


# ---- the message rubric ------------------------------------------------------------------------
MESSAGE_MIN_WORDS = 30
MESSAGE_MAX_WORDS = 150
_ASK = re.compile(
    r"\b(I(?: propose| suggest| recommend|'d like|'d suggest|'d propose| would like| would suggest| want to|"
    r"'m asking| am asking|'m proposing| am proposing| need)|"
    r"(?:can|could|would|will) you|let's|let us|shall we|please|my (?:proposal|recommendation|ask)|"
    r"the decision|we (?:decided|will|should|could)|we'll|I'll|how about|what if we|are you (?:ok|okay|happy))\b",
    re.IGNORECASE)
_ACK = re.compile(
    r"\b(I (?:hear|understand|know|see|get|realise|realize|agree|appreciate)|you(?:'re| are) right|"
    r"(?:that|it|this) (?:matters|is important|is fair|makes sense)|fair point|good point|I was wrong|"
    r"thanks? (?:you )?for|your (?:point|concern|worry|deal|target|quarter|team|squad|doc|idea|work)|"
    r"you (?:need|want|said|told me|mentioned|care)|makes sense)\b",
    re.IGNORECASE)
_REASON = re.compile(r"\b(because|so that|so you|so we|so it|which means|that way|this means|since|"
                     r"in order to|that gives|which gives|which lets|lets you|so the)\b", re.IGNORECASE)
_WHEN = re.compile(
    r"\b(today|tonight|tomorrow|this (?:week|afternoon|morning|evening)|next (?:week|call|meeting)|"
    r"(?:on |by |before |until )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"by (?:the )?end of|by (?:noon|lunch|tomorrow)|\d{1,2}(?::\d{2})?\s?(?:am|pm)|"
    r"in (?:\d+|two|three|a few) (?:days|weeks|hours)|(?:\d+|15|30|twenty|thirty|fifteen)[- ]minutes?|"
    r"before (?:the|our|your) (?:review|meeting|call|demo|stand-?up|plan review|1:1)|"
    r"after (?:the|our|your) (?:review|meeting|call|demo|stand-?up|1:1)|after (?:lunch|stand-?up)|"
    r"at (?:the|our) (?:review|plan review|stand-?up)|(?:by |before )?(?:EOD|COB|end of (?:the )?day)|"
    r"(?:on |by |before )?(?:\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?))\b",
    re.IGNORECASE)
_TALKING_AT = {
    r"\bas I (?:said|mentioned|already said)\b": "'as I said' tells them they were not listening",
    r"\bobviously\b": "'obviously' makes them feel foolish for not seeing it",
    r"\bclearly\b": "'clearly' sounds like the case is closed",
    r"\byou(?:'re| are) wrong\b": "'you're wrong' starts a fight; say what you see instead",
    r"\bper my last\b": "'per my last' reads as a reproach",
    r"\bI already told you\b": "'I already told you' is blame",
    r"\bno offen[cs]e\b": "'no offence' usually comes before one",
    r"\bthe data proves\b": "'the data proves' shuts the door; invite them to look at it with you",
    r"\bwith (?:all due )?respect\b": "'with respect' signals the opposite",
    r"\bjust do\b": "'just do' dismisses the effort involved",
    r"\bsimply\b": "'simply' makes their concern sound trivial",
    r"\byou (?:need|have) to understand\b": "'you need to understand' is a lecture, not a conversation",
    r"\byou(?:'re| are) (?:mistaken|missing the point)\b": "telling them they are mistaken starts a fight",
    r"\byou don'?t (?:understand|get it)\b": "'you don't understand' talks down to them",
    r"\b(?:the|this|my) decision (?:is|has been) (?:made|final)(?=[.,;!]|\s+and\b|\s*$)|\bthis is final\b|"
    r"\bnot up for discussion\b|"
    r"\bnon-?negotiable\b": "announcing that it is final closes the conversation before they have spoken",
    r"\bthe (?:data|numbers) (?:is|are) clear\b|\bthe (?:data|numbers) (?:say|says|show) so\b":
        "'the data is clear' shuts the door; invite them to look at the numbers with you",
    r"\btrust me\b": "'trust me' asks for trust instead of earning it",
    r"\bstop (?:promising|escalating)\b": "telling them to stop reads as a reprimand",
    r"\bI(?:'ll| will) (?:write|do) the (?:design|code|implementation) (?:for you|myself)\b|"
    r"\bI(?:'ll| will) design it\b": "offering to do the design yourself takes the how away from the team",
}
# Words that bury an ask: two or more and the ask no longer reads as one.
_HEDGES = re.compile(
    r"\b(perhaps|maybe|possibly|potentially|sort of|kind of|at some point|whenever works|no rush|"
    r"sorry to bother|if that's (?:ok|okay|alright)|just wondering|if you don't mind|I guess)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-zÀ-ÿ£0-9][A-Za-zÀ-ÿ0-9'’£-]*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def _scenario_of(state: Any) -> tuple[Scenario | None, Ending | None]:
    if isinstance(state, Scenario):
        return state, None
    if isinstance(state, (PlayResult, ScenarioRun)):
        return state.scenario, state.ending
    inner = getattr(state, "run", None)
    if isinstance(inner, ScenarioRun):
        return inner.scenario, inner.ending
    return None, None


def _terms_in(text: str, terms: list[str]) -> list[str]:
    found = []
    low = text.lower()
    for term in terms:
        t = term.lower()
        pattern = r"(?<![A-Za-z])" + re.escape(t) + r"(?![A-Za-z])" if t[:1].isalnum() else re.escape(t)
        if re.search(pattern, low) and t not in found:
            found.append(t)
    return found


def check_message(text: Any, scenario_state: Any = None) -> Feedback:
    """Self-check the message you would send next in a role-play.

    The rubric: it states the decision or the ask; it acknowledges the other person's
    concern; it gives the reason in their terms; it proposes a concrete next step; it is
    short (30 to 150 words); and it does not talk at them. ``scenario_state`` (a played
    result, a run, the player or a :class:`Scenario`) supplies who the message is for and
    the words of their concern; without it the check uses general rules only.
    """
    try:
        return _check_message(text, scenario_state)
    except Exception as err:  # noqa: BLE001
        return Feedback(_MESSAGE_TITLE, answered=False,
                        summary=f"Your message could not be checked ({type(err).__name__}: {err}).")


def _check_message(text: Any, state: Any) -> Feedback:
    if is_unanswered(text):
        return _unanswered(_MESSAGE_TITLE, "your message in triple quotes", 'next_message = """Hi Greg, ..."""')
    if isinstance(text, (list, tuple)) and text and all(isinstance(t, str) for t in text):
        text = "\n".join(text)
    if not isinstance(text, str):
        return Feedback(_MESSAGE_TITLE, answered=False,
                        summary=f'Your message should be text in triple quotes, like next_message = """...""". '
                                f"You gave {type(text).__name__}.")
    text = (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
            .replace("\u2013", "-").replace("\u2014", " - "))
    scenario, ending = _scenario_of(state)
    rubric = scenario.message if scenario else {}
    who = rubric.get("to") or "them"
    concern_terms = rubric.get("concern") or []
    their_terms = rubric.get("their_terms") or []
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    words = _WORD.findall(text)
    result = Feedback(_MESSAGE_TITLE, note="A self-check, not a grade: it looks for words, so read your message "
                                           f"once more as {who} would.")

    ask = _ASK.search(text)
    hedges = list(dict.fromkeys(h.group(0).lower() for h in _HEDGES.finditer(text)))
    if (ask or "?" in text) and len(hedges) >= 2:
        result.add("States the decision or the ask", False,
                   f"your ask is buried under hedges ({', '.join(hedges[:4])}). Say once, plainly, what you "
                   "propose or need, e.g. \"I propose...\" or \"Can you...?\"")
    elif ask or "?" in text:
        shown = ask.group(0) if ask else "a question"
        result.add("States the decision or the ask", True, f"found \"{shown}\".")
    else:
        result.add("States the decision or the ask", False,
                   "say plainly what you propose or what you need from them, e.g. \"I propose...\" or "
                   "\"Can you...?\"")

    ack_sentences = [s for s in sentences if _ACK.search(s)]
    concern_hits = _terms_in(text, concern_terms) if concern_terms else []
    if ack_sentences and (concern_hits or not concern_terms):
        shown = f" ({', '.join(concern_hits[:3])})" if concern_hits else ""
        result.add("Acknowledges their concern", True, f"you show you heard them{shown}.")
    elif ack_sentences:
        result.add("Acknowledges their concern", False,
                   f"you acknowledge them, but not what worries {who}. Name the concern in their words "
                   f"(for example: {', '.join(concern_terms[:4])}).")
    elif concern_hits:
        result.add("Acknowledges their concern", False,
                   f"you mention {', '.join(concern_hits[:3])}, but not that you heard them. Try \"I know...\", "
                   "\"I understand...\" or \"You're right that...\".")
    else:
        result.add("Acknowledges their concern", False,
                   f"start from what {who} cares about and show you heard it before you make your case.")

    reason_sentences = [s for s in sentences if _REASON.search(s)]
    terms_in_reasons = sorted({t for s in reason_sentences for t in _terms_in(s, their_terms)}) if their_terms else []
    if reason_sentences and (terms_in_reasons or not their_terms):
        shown = f" ({', '.join(terms_in_reasons[:3])})" if terms_in_reasons else ""
        result.add("Gives the reason in their terms", True, f"your reason speaks to what {who} cares about{shown}.")
    elif reason_sentences:
        result.add("Gives the reason in their terms", False,
                   f"you give a reason, but in your terms. Say what it means for {who} "
                   f"(for example: {', '.join(their_terms[:4])}).")
    else:
        result.add("Gives the reason in their terms", False,
                   "give one reason (\"because...\", \"so that...\") in terms the reader cares about.")

    when = _WHEN.search(text)
    if when:
        result.add("Proposes a concrete next step", True, f"found \"{when.group(0).strip()}\".")
    else:
        result.add("Proposes a concrete next step", False,
                   "end with who does what by when, e.g. \"Can we take 20 minutes on Thursday?\"")

    count = len(words)
    if count < MESSAGE_MIN_WORDS:
        result.add("Short, but complete", False, f"{count} words: too short to carry the points above "
                                                 f"(aim for {MESSAGE_MIN_WORDS}–{MESSAGE_MAX_WORDS}).")
    elif count > MESSAGE_MAX_WORDS:
        result.add("Short, but complete", False, f"{count} words. A busy reader skims; aim for "
                                                 f"{MESSAGE_MIN_WORDS}–{MESSAGE_MAX_WORDS}.")
    else:
        result.add("Short, but complete", True, f"{count} words.")

    tone = [why for pattern, why in _TALKING_AT.items() if re.search(pattern, text, re.IGNORECASE)]
    letters = [ch for ch in text if ch.isalpha()]
    capitals = [w for w in re.findall(r"\b[A-Z]{6,}\b", text)]  # short acronyms (RICE, ARR, SAP) are fine
    if len(letters) >= 40 and sum(ch.isupper() for ch in letters) > 0.5 * len(letters):
        tone.append("most of it is in capitals, which reads as shouting")
    elif len(capitals) >= 2:
        tone.append(f"words in capitals ({', '.join(capitals[:3])}) read as shouting")
    if tone:
        result.add("Talks with them, not at them", False, "; ".join(tone) + ".")
    else:
        result.add("Talks with them, not at them", True, "no lecturing phrases found.")

    if scenario and ending is None:
        result.add("Where you are in the scenario", None,
                   "you have not reached an ending yet; the message is checked against the whole scenario.")
    done, total = len(result.passed), len([c for c in result.checks if c.ok is not None])
    result.summary = f"{done} of {total} checks met." + (" Ready to send." if done == total else
                                                          " Revise the lines marked ✗, then run the check again.")
    return result
