"""Feedback for the course's exercises.

Every ``check_*`` function takes whatever the learner typed and returns a :class:`Feedback`: a
checklist that prints as plain text and shows as HTML in a notebook. The functions never raise.
An unanswered exercise (the ``...`` placeholder, ``None``, empty text or an empty list), a wrong
type, an unknown id or a lowercase id all get a friendly message instead of a traceback.

Module 03 (prioritization):

* :func:`check_top_three` - did the learner predict the new top three after a change of estimates?
* :func:`check_misleading` - is the learner's "RICE misleads here, because..." answer defensible
  from the data? Several answers are right; each is judged on the backlog's columns.
* :func:`check_rationale` - a self-check (not a grade) of a written rationale: customer and
  business outcomes, no implementation jargon, what is not being done and why, length.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .work import is_unanswered

__all__ = [
    "Check",
    "Feedback",
    "REASONS",
    "JARGON",
    "check_top_three",
    "check_misleading",
    "check_rationale",
    "normalise_id",
]


# ---------------------------------------------------------------------------------------------
# The result type
# ---------------------------------------------------------------------------------------------
@dataclass(repr=False)
class Check:
    """One line of a checklist. ``ok`` is True (passed), False (not yet) or None (information)."""

    label: str
    ok: bool | None
    message: str = ""


_SYMBOL = {True: "✓", False: "✗", None: "•"}
_WORD = {True: "yes", False: "not yet", None: "note"}


@dataclass(repr=False)
class Feedback:
    """A checklist for one exercise answer.

    ``answered`` is False while the learner has not given a usable answer; ``summary`` then says
    what to do. ``passed`` and ``failed`` list the checks by outcome; ``ok`` is True when the
    answer was given and no check failed.
    """

    title: str
    answered: bool = True
    summary: str = ""
    checks: list[Check] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> list[Check]:
        return [c for c in self.checks if c.ok is True]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.ok is False]

    @property
    def ok(self) -> bool:
        return self.answered and not self.failed

    def add(self, label: str, ok: bool | None, message: str = "") -> None:
        self.checks.append(Check(label, ok, message))

    def __str__(self) -> str:
        lines = [self.title]
        if self.summary:
            lines.append(self.summary)
        for check in self.checks:
            text = check.label + (f": {check.message}" if check.message else "")
            lines.append(f"  {_SYMBOL[check.ok]} {text}")
        if self.note:
            lines.append(f"({self.note})")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        esc = html.escape
        colour = {True: "#006b3c", False: "#a33", None: "#444"}
        parts = [
            '<div class="pmkit-feedback" style="border-left:4px solid #0072B2;padding:0.3em 0.8em;margin:0.4em 0">',
            f"<strong>{esc(self.title)}</strong>",
        ]
        if self.summary:
            parts.append(f"<p>{esc(self.summary)}</p>")
        if self.checks:
            parts.append('<ul style="list-style:none;padding-left:0.2em;margin:0.3em 0">')
            for check in self.checks:
                message = f": {esc(check.message)}" if check.message else ""
                parts.append(
                    f'<li><span style="color:{colour[check.ok]};font-weight:bold" '
                    f'title="{_WORD[check.ok]}">{_SYMBOL[check.ok]}'
                    f'<span style="position:absolute;left:-9999px"> ({_WORD[check.ok]})</span></span> '
                    f"{esc(check.label)}{message}</li>"
                )
            parts.append("</ul>")
        if self.note:
            parts.append(f'<p style="font-size:0.9em;color:#444"><em>{esc(self.note)}</em></p>')
        parts.append("</div>")
        return "".join(parts)


def _unanswered(title: str, what: str, example: str) -> Feedback:
    return Feedback(
        title=title,
        answered=False,
        summary=f"You have not answered yet: replace ... with {what}, for example {example}. Then run this cell again.",
    )


def _type_name(value: Any) -> str:
    names = {
        "str": "text", "int": "a whole number", "float": "a number", "list": "a list", "tuple": "a tuple",
        "dict": "a dict", "set": "a set", "bool": "True/False", "bytes": "bytes",
    }
    name = type(value).__name__
    return names.get(name, f"a {name}")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------------------------
# Item ids and the backlog
# ---------------------------------------------------------------------------------------------
_ID = re.compile(r"^\s*([A-Za-z]+)[\s_-]*0*(\d+)\s*$")


def normalise_id(value: Any, known: Iterable[str] | None = None) -> str | None:
    """Return the canonical id for what a learner typed ("b5", " B05 ", "b-05" -> "B05"), or None.

    With ``known`` ids, the result must be one of them (None otherwise). Without them, letters are
    upper-cased and the number padded to two digits.
    """
    if not isinstance(value, str):
        return None
    known = [str(k) for k in known] if known is not None else None
    text = value.strip()
    if known is not None and text in known:
        return text
    match = _ID.match(text)
    if not match:
        if known is not None:
            upper = {k.upper(): k for k in known}
            return upper.get(text.upper())
        return None
    prefix, digits = match.group(1).upper(), match.group(2)
    if known is None:
        return f"{prefix}{int(digits):02d}"
    for key in known:
        km = _ID.match(key)
        if km and km.group(1).upper() == prefix and int(km.group(2)) == int(digits):
            return key
    return None


def _id_range(known: list[str]) -> str:
    if not known:
        return "no ids at all"
    ordered = sorted(known, key=lambda k: (len(k), k))
    return f"{ordered[0]} to {ordered[-1]}" if len(ordered) > 2 else " and ".join(ordered)


def _course_data(loader_name: str) -> pd.DataFrame | None:
    """The course's own data set through its validated loader, or None if it cannot be loaded
    (feedback must never crash, so it then says it cannot check instead)."""
    from pmkit import data  # noqa: PLC0415 - keeps importing pmkit.feedback light

    try:
        return getattr(data, loader_name)()
    except (OSError, ValueError):
        return None


def _default_backlog() -> pd.DataFrame | None:
    return _course_data("load_backlog")


def _default_estimates() -> pd.DataFrame | None:
    return _course_data("load_estimates")


def _items(backlog: Any) -> pd.DataFrame | None:
    """The backlog indexed by id, or None if ``backlog`` is not a usable table."""
    if not isinstance(backlog, pd.DataFrame) or backlog.empty:
        return None
    frame = backlog.set_index("id") if "id" in backlog.columns else backlog.copy()
    frame.index = frame.index.astype(str)
    if frame.index.has_duplicates:
        return None
    return frame


def _titles(items: pd.DataFrame | None) -> dict[str, str]:
    if items is None or "title" not in items.columns:
        return {}
    return {str(k): str(v) for k, v in items["title"].items()}


def _named(item_id: str, titles: dict[str, str]) -> str:
    return f"{item_id} ({titles[item_id]})" if item_id in titles else item_id


def _as_id_list(value: Any) -> list[Any] | None:
    """Turn a list-like answer into a list; text like "B01, B03 B07" is split. None if not list-like."""
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,;]+", value.strip()) if part]
    if isinstance(value, pd.DataFrame):
        if "id" in value.columns:
            return list(value["id"])
        return list(value.index)
    if isinstance(value, (list, tuple, pd.Series, pd.Index)):
        return list(value)
    if type(value).__name__ == "ndarray":
        try:
            return list(value.ravel())
        except Exception:  # noqa: BLE001
            return None
    return None


# ---------------------------------------------------------------------------------------------
# Exercise: predict the new top three
# ---------------------------------------------------------------------------------------------
_TOP3_TITLE = "Predict the new top three"
_TOP3_EXAMPLE = '["B01", "B02", "B03"]'


def check_top_three(prediction: Any, actual: Any, before: Any = None, backlog: Any = None) -> Feedback:
    """Compare a predicted top three with the calculator's actual one.

    ``prediction``: the learner's three ids, most important first. ``actual``: the calculator's
    new top three (``m.top(3)``), a longer ranked list, a ranked table, or the calculator model
    itself. ``before``: the top three before the changes, to say what moved. ``backlog``: for
    checking ids and showing titles (the course's backlog by default).
    """
    try:
        return _check_top_three(prediction, actual, before, backlog)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(
            _TOP3_TITLE, answered=False,
            summary=f"Your answer could not be checked ({type(err).__name__}: {err}). "
            f"Write three ids in a list, like {_TOP3_EXAMPLE}.",
        )


def _ranking_from(actual: Any) -> list[str] | None:
    if hasattr(actual, "top") and callable(actual.top) and not isinstance(actual, (pd.DataFrame, pd.Series)):
        table = actual.table() if hasattr(actual, "table") else None
        if isinstance(table, pd.DataFrame):
            return [str(i) for i in table.index]
        return [str(i) for i in actual.top(3)]
    values = _as_id_list(actual)
    if values is None or not values or not all(isinstance(v, str) for v in values):
        return None
    return [v.strip() for v in values]


def _check_top_three(prediction, actual, before, backlog) -> Feedback:
    if is_unanswered(prediction):
        return _unanswered(_TOP3_TITLE, "a list of three ids in quotes, most important first", _TOP3_EXAMPLE)
    items = _items(backlog) if backlog is not None else None
    known: list[str] | None = list(items.index) if items is not None else None
    if known is None and hasattr(actual, "ids"):
        try:
            known = [str(i) for i in actual.ids]
        except Exception:  # noqa: BLE001
            known = None
    if known is None or items is None:
        default = _default_backlog()
        default_items = _items(default)
        if items is None:
            items = default_items
        if known is None and default_items is not None:
            known = list(default_items.index)
    titles = _titles(items)

    guesses = _as_id_list(prediction)
    if guesses is None or isinstance(prediction, dict):
        return Feedback(
            _TOP3_TITLE, answered=False,
            summary=f"Your prediction should be a list of three ids in quotes, like {_TOP3_EXAMPLE}. "
            f"You gave {_type_name(prediction)}.",
        )
    if any(g is Ellipsis for g in guesses):
        return Feedback(_TOP3_TITLE, answered=False,
                        summary=f"Your list still holds ... : replace each ... with an id in quotes, like {_TOP3_EXAMPLE}.")
    not_text = [g for g in guesses if not isinstance(g, str)]
    if not_text:
        return Feedback(
            _TOP3_TITLE, answered=False,
            summary=f"Write each id as text in quotes: {not_text[0]!r} should look like \"B05\". "
            f"For example {_TOP3_EXAMPLE}.",
        )
    ids: list[str] = []
    unknown: list[str] = []
    renamed: list[str] = []
    for guess in guesses:
        item_id = normalise_id(guess, known)
        if item_id is None:
            unknown.append(guess)
            continue
        if item_id != guess:
            renamed.append(f"read {guess!r} as {item_id}")
        ids.append(item_id)
    if unknown:
        where = f" The ids run from {_id_range(known)}." if known else ""
        return Feedback(
            _TOP3_TITLE, answered=False,
            summary=f"These are not ids in the backlog: {', '.join(repr(u) for u in unknown)}.{where} "
            "Check the id column of the table above.",
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        return Feedback(_TOP3_TITLE, answered=False,
                        summary=f"You listed {', '.join(repeated)} more than once. Name three different items.")
    if len(ids) != 3:
        return Feedback(
            _TOP3_TITLE, answered=False,
            summary=f"Your prediction has {len(ids)} id{'s' if len(ids) != 1 else ''}; the exercise asks for "
            f"exactly three, most important first, like {_TOP3_EXAMPLE}.",
        )

    ranking = _ranking_from(actual)
    if not ranking or len(ranking) < 3:
        return Feedback(
            _TOP3_TITLE, answered=True,
            summary="Your prediction is written down. To check it, pass the calculator's new top three as the "
            "second argument: check_top_three(my_prediction, m.top(3)).",
            checks=[Check("Prediction", None, ", ".join(ids))],
        )
    ranking = [normalise_id(r, known) or r for r in ranking]
    top = ranking[:3]
    result = Feedback(_TOP3_TITLE)
    if renamed:
        result.add("Ids", None, "; ".join(renamed) + ".")
    for position, item_id in enumerate(ids, start=1):
        name = _named(item_id, titles)
        if item_id in top:
            place = top.index(item_id) + 1
            where = "in the place you gave it" if place == position else f"{_ordinal(place)}, not {_ordinal(position)}"
            result.add(name, True, f"right, it is in the new top three ({where}).")
        else:
            rank = f" It is now {_ordinal(ranking.index(item_id) + 1)}." if item_id in ranking[3:] else ""
            result.add(name, False, f"not in the new top three.{rank}")
    missed = [i for i in top if i not in ids]
    if missed:
        result.add("You did not predict", None, ", ".join(
            f"{_named(i, titles)} at {_ordinal(top.index(i) + 1)}" for i in missed) + ".")

    before_ids = None
    if before is not None and not is_unanswered(before):
        raw = _ranking_from(before)
        if raw:
            before_ids = [normalise_id(r, known) or r for r in raw[:3]]
    if before_ids:
        left = [i for i in before_ids if i not in top]
        joined = [i for i in top if i not in before_ids]
        if not left and not joined and before_ids == top:
            result.add("What moved", None,
                       "nothing: the top three is the same as before. If you expected a change, check that you "
                       "ran the cell that applies the new estimates.")
        else:
            moves = []
            if left:
                moves.append("dropped out: " + ", ".join(_named(i, titles) for i in left))
            if joined:
                moves.append("came in: " + ", ".join(_named(i, titles) for i in joined))
            swapped = [i for i in top if i in before_ids and before_ids.index(i) != top.index(i)]
            if swapped:
                moves.append("changed place: " + ", ".join(
                    f"{i} {_ordinal(before_ids.index(i) + 1)} → {_ordinal(top.index(i) + 1)}" for i in swapped))
            result.add("What moved", None, "; ".join(moves) + ".")

    right = len(result.passed)
    in_order = ids == top
    if right == 3 and in_order:
        result.summary = "All three right, in the right order. Your model of the scores is sound."
    elif right == 3:
        result.summary = "All three right, but not in the same order. Look at how close their scores are."
    else:
        result.summary = (
            f"{right} of 3 right. Compare each changed score with its neighbours: "
            "a halved reach halves the score, and a doubled effort halves it too."
        )
    result.note = "Predicting before you compute trains your sense of what moves a ranking. A miss is useful too."
    return result


# ---------------------------------------------------------------------------------------------
# Exercise: find where a framework misleads
# ---------------------------------------------------------------------------------------------
_MISLEAD_TITLE = "Where RICE misleads"

#: The reasons a learner can give, and the words accepted for each.
REASONS = ("dependency", "table stakes", "strategic bet", "one customer", "inflated estimate")
_REASON_WORDS = {
    "dependency": ("dependency", "dependencies", "depends", "depend", "dependent", "prerequisite", "blocker", "blocks"),
    "table stakes": ("table stakes", "tablestakes", "table stake", "must have", "musthave"),
    "strategic bet": ("strategic bet", "strategy", "strategic", "bet"),
    "one customer": ("one customer", "single customer", "one client", "one deal", "single deal", "one account"),
    "inflated estimate": ("inflated estimate", "inflated", "inflated estimates", "optimistic estimate", "overestimate",
                          "over estimate", "inflated reach", "estimate"),
}
_WHERE_TO_LOOK = {
    "dependency": "Look at the depends_on column: find an item that a higher-ranked item has to wait for.",
    "table stakes": "Look at the kind column for items marked 'table-stakes'.",
    "strategic bet": "Look at the kind column for items marked 'strategic-bet'.",
    "one customer": "Look for an item with a tiny reach but a high crit_revenue, often asked for by Sales.",
    "inflated estimate": (
        "Look for an item that RICE ranks high while ICE ranks it far lower, or whose agreed estimate beats "
        "what every team member estimated (datasets/estimates.csv)."
    ),
}
_TINY_REACH = {"accounts/quarter": 5}
_TINY_REACH_OTHER = 50


def normalise_reason(value: Any) -> str | None:
    """Map what a learner typed ("Table-stakes", "dependencies") to one of :data:`REASONS`."""
    if not isinstance(value, str):
        return None
    text = re.sub(r"[\s_\-]+", " ", value.strip().lower())
    text = text.strip(" .!'\"")
    for reason in REASONS:
        if text == reason:
            return reason
    for reason, words in _REASON_WORDS.items():
        if text in words:
            return reason
    return None


def _depends_on(items: pd.DataFrame) -> dict[str, list[str]]:
    if "depends_on" not in items.columns:
        return {}
    out = {}
    for item_id, value in items["depends_on"].items():
        if isinstance(value, str) and value.strip():
            out[str(item_id)] = [v for v in re.split(r"[\s,;]+", value.strip()) if v]
        elif isinstance(value, (list, tuple, set, frozenset)):  # pmkit.data.load_backlog gives tuples
            out[str(item_id)] = [str(v).strip() for v in value if str(v).strip()]
        else:
            out[str(item_id)] = []
    return out


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _ranked_name(item_id: str, titles: dict[str, str], rank: int) -> str:
    title = f"{titles[item_id]}, " if item_id in titles else ""
    return f"{item_id} ({title}ranked {_ordinal(rank)})"


def _count(reach: float, unit: str) -> str:
    noun = unit.split("/")[0] or "people"
    if reach == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return f"{reach:,.0f} {noun}" if reach == int(reach) else f"{reach:,g} {noun}"


def _rank_map(table: pd.DataFrame) -> dict[str, int]:
    return {str(i): int(r) for i, r in table["rank"].items()}


def _team_rice_ranks(items: pd.DataFrame, estimates: pd.DataFrame | None) -> dict[str, int]:
    """RICE ranks when every item uses the median of the team's independent estimates."""
    from pmkit import prioritization as pr  # noqa: PLC0415

    if estimates is None or not {"item_id", "reach", "impact", "confidence", "effort"} <= set(estimates.columns):
        return {}
    med = estimates.groupby(estimates["item_id"].astype(str))[["reach", "impact", "confidence", "effort"]].median()
    med = med[med.index.isin(items.index)]
    if len(med) != len(items):
        return {}
    frame = med.copy()
    frame.index.name = "id"
    try:
        return _rank_map(pr.rice_table(frame.reset_index()))
    except Exception:  # noqa: BLE001
        return {}


def _evidence(item_id: str, items: pd.DataFrame, estimates: pd.DataFrame | None) -> dict[str, tuple[bool, str]]:
    """For each reason: (defensible?, explanation) for this item, from the data alone."""
    from pmkit import prioritization as pr  # noqa: PLC0415

    titles = _titles(items)
    n = len(items)
    rice = _rank_map(pr.rice_table(items.reset_index(names="id")))
    rank = rice[item_id]
    row = items.loc[item_id]
    name = _named(item_id, titles)
    out: dict[str, tuple[bool, str]] = {}

    # Dependency: RICE scores items one by one, so it cannot see that items wait for each other.
    deps = _depends_on(items)
    waiting = [d for d, needs in deps.items() if item_id in needs and d in rice]
    ahead = sorted((d for d in waiting if rice[d] < rank), key=rice.get)
    needs_low = sorted((p for p in deps.get(item_id, []) if p in rice and rice[p] > rank), key=rice.get)
    if ahead:
        who = _and([_ranked_name(d, titles, rice[d]) for d in ahead])
        out["dependency"] = (True, (
            f"RICE ranks {name} {_ordinal(rank)} of {n}, yet {who} cannot ship without it. RICE scores each item "
            "alone, so this score leaves out the value it unlocks. Plan it before the items that wait for it."
        ))
    elif needs_low:
        who = _and([_ranked_name(p, titles, rice[p]) for p in needs_low])
        out["dependency"] = (True, (
            f"RICE ranks {name} {_ordinal(rank)}, but it needs {who} to ship first. Its real cost includes that "
            "work, which its RICE score leaves out."
        ))
    elif waiting:
        out["dependency"] = (False, (
            f"Other items wait for {item_id}, but RICE already ranks it above all of them ({_ordinal(rank)}), "
            "so the order still works here."
        ))
    else:
        out["dependency"] = (False, f"No item lists {item_id} in depends_on, and it waits for nothing ranked below it.")

    kind = str(row.get("kind", "")).strip().lower()
    # Table stakes: the cost of NOT having it (lost deals, failed audits) is not in RICE.
    if kind == "table-stakes":
        if rank > 3:
            out["table stakes"] = (True, (
                f"{name} is table stakes: buyers expect it, and without it deals stall or audits fail. RICE ranks "
                f"it {_ordinal(rank)} of {n} because few people use it each quarter. The cost of not having it "
                "does not show up in the score."
            ))
        else:
            out["table stakes"] = (False, f"{item_id} is table stakes, but RICE already ranks it {_ordinal(rank)}.")
    else:
        out["table stakes"] = (False, f"{item_id} is marked '{kind}', not 'table-stakes', in the kind column.")

    # Strategic bet: low confidence and big effort sink it, though it may shape the company's future.
    if kind == "strategic-bet":
        if rank > 3:
            out["strategic bet"] = (True, (
                f"{name} is a strategic bet. RICE ranks it {_ordinal(rank)} of {n} because its confidence is low and "
                "its effort is large. But a bet is chosen for where the company wants to be, not for this "
                "quarter's reach. Decide on it openly, outside the RICE order."
            ))
        else:
            out["strategic bet"] = (False, f"{item_id} is a strategic bet, but RICE already ranks it {_ordinal(rank)}.")
    else:
        out["strategic bet"] = (False, f"{item_id} is marked '{kind}', not 'strategic-bet', in the kind column.")

    # One customer: a tiny reach hides a large single deal (or RICE buries a make-or-break account).
    reach = float(row.get("reach", float("nan")))
    unit = str(row.get("reach_unit", ""))
    revenue = row.get("crit_revenue")
    tiny = reach <= _TINY_REACH.get(unit, _TINY_REACH_OTHER)
    try:
        high_revenue = revenue is not None and float(revenue) >= 4
    except (TypeError, ValueError):
        high_revenue = False
    if tiny and high_revenue:
        out["one customer"] = (True, (
            f"{name} reaches only {_count(reach, unit)} a quarter, yet its revenue score is "
            f"{int(float(revenue))} of 5. RICE ranks it {_ordinal(rank)} of {n}: reach counts heads, not money. "
            "The real question is whether one deal is worth what the item costs, and that is a business call."
        ))
    elif tiny:
        out["one customer"] = (False, f"{item_id} has a small reach, but its revenue score ({revenue}) is not high.")
    else:
        out["one customer"] = (False, f"{item_id} reaches {_count(reach, unit)} a quarter: that is not one customer.")

    # Inflated estimate: an optimistic input lifts the item above where the evidence puts it.
    reasons = []
    if estimates is not None and {"item_id", "reach", "impact", "confidence", "effort"} <= set(estimates.columns):
        mine = estimates[estimates["item_id"].astype(str) == item_id]
        if len(mine):
            if float(row["reach"]) > mine["reach"].max():
                reasons.append(f"its agreed reach ({float(row['reach']):g}) is above every team member's estimate")
            if float(row["impact"]) > mine["impact"].max():
                reasons.append(f"its agreed impact ({float(row['impact']):g}) is above every team member's estimate")
            if float(row["confidence"]) > mine["confidence"].max():
                reasons.append("its agreed confidence is above every team member's estimate")
            if float(row["effort"]) < mine["effort"].min():
                reasons.append(f"its agreed effort ({float(row['effort']):g} person-months) is below every team member's estimate")
    team = _team_rice_ranks(items, estimates)
    if item_id in team and team[item_id] - rank >= 5:
        reasons.append(f"with the team's median estimates it would rank {_ordinal(team[item_id])}, not {_ordinal(rank)}")
    try:
        ice = _rank_map(pr.ice_table(items.reset_index(names="id")))
    except Exception:  # noqa: BLE001
        ice = {}
    if item_id in ice and ice[item_id] - rank >= 8:
        extra = " (its reach counts staff, who far outnumber schedulers)" if unit.startswith("staff") else ""
        reasons.append(f"ICE ranks it only {_ordinal(ice[item_id])}, so one input does most of the work in RICE{extra}")
    if float(row["impact"]) >= 2 and float(row["confidence"]) <= 0.5:
        reasons.append("it claims a high impact that nobody is confident about")
    if reasons and rank <= n // 2:
        out["inflated estimate"] = (True, (
            f"RICE ranks {name} {_ordinal(rank)} of {n}, but " + "; and ".join(reasons) + ". "
            "Check the numbers behind it before you let it take a slot."
        ))
    elif reasons:
        out["inflated estimate"] = (False, (
            f"Something about {item_id}'s numbers looks generous, but RICE still ranks it {_ordinal(rank)} of {n}: "
            "an inflated estimate misleads when it lifts an item, and this one is not lifted."
        ))
    elif item_id in ice and rank - ice[item_id] >= 8:
        out["inflated estimate"] = (False, (
            f"ICE ranks {item_id} {_ordinal(ice[item_id])}, but RICE ranks it only {_ordinal(rank)}. If any "
            "numbers are generous here, they are ICE's, and RICE is not lifted by them."
        ))
    else:
        out["inflated estimate"] = (False, f"{item_id}'s estimates are in line with the team's and with ICE.")
    return out


def check_misleading(item_id: Any, reason: Any, backlog: Any = None, estimates: Any = None) -> Feedback:
    """Judge "RICE's rank for ``item_id`` misleads, because of ``reason``" against the data.

    ``reason`` is one of :data:`REASONS`. Any answer the data supports is accepted, and the
    feedback explains why; an answer it does not support gets a hint. ``backlog`` defaults to the
    course's backlog, ``estimates`` to the team's independent estimates.
    """
    try:
        return _check_misleading(item_id, reason, backlog, estimates)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary=f"Your answer could not be checked ({type(err).__name__}: {err}).")


def _check_misleading(item_id, reason, backlog, estimates) -> Feedback:
    reasons_list = ", ".join(f'"{r}"' for r in REASONS)
    missing = []
    if is_unanswered(item_id):
        missing.append('the item id in quotes (for example "B07")')
    if is_unanswered(reason):
        missing.append(f"one reason in quotes, from: {reasons_list}")
    if missing:
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary="You have not answered yet: replace ... with " + ", and ... with ".join(missing) + ".")
    if not isinstance(item_id, str):
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary=f'The item id should be text in quotes, like "B07". You gave {_type_name(item_id)}.')
    chosen = normalise_reason(reason)
    if chosen is None:
        given = repr(reason) if isinstance(reason, str) else _type_name(reason)
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary=f"Pick the reason from this list, in quotes: {reasons_list}. You gave {given}.")
    if backlog is None:
        backlog = _default_backlog()
    items = _items(backlog)
    if items is None:
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary="The backlog could not be read. Pass it as the third argument: "
                        "check_misleading(item, reason, backlog), with backlog = load_backlog().")
    needed = {"reach", "impact", "confidence", "effort"}
    if not needed <= set(items.columns):
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary=f"The backlog needs the columns {', '.join(sorted(needed))} to be checked.")
    known = list(items.index)
    canonical = normalise_id(item_id, known)
    if canonical is None:
        return Feedback(_MISLEAD_TITLE, answered=False,
                        summary=f"{item_id!r} is not an id in the backlog. The ids run from {_id_range(known)}.")
    if estimates is None:
        estimates = _default_estimates()
    if not isinstance(estimates, pd.DataFrame):
        estimates = None

    evidence = _evidence(canonical, items, estimates)
    titles = _titles(items)
    result = Feedback(_MISLEAD_TITLE)
    if canonical != item_id:
        result.add("Id", None, f"read {item_id!r} as {canonical}.")
    ok, why = evidence[chosen]
    others = [r for r in REASONS if r != chosen and evidence[r][0]]
    if ok:
        result.summary = f"Defensible: {_named(canonical, titles)} and \"{chosen}\"."
        result.add(f"Why \"{chosen}\" holds", True, why)
        for other in others:
            result.add(f"Also true: \"{other}\"", None, evidence[other][1])
        result.note = ("Several answers are right in this exercise. What matters is that you can point to the data "
                       "that makes the framework's number misleading, then argue for your real assessment.")
    elif others:
        result.summary = (f"{_named(canonical, titles)} is a good pick, but the data supports another reason. "
                          f"Try again with a reason that fits it.")
        result.add(f"\"{chosen}\" does not hold", False, why)
        result.add("Hint", None, "Read the item's kind, depends_on and reach columns again.")
    else:
        result.summary = f"The data does not support this answer for {_named(canonical, titles)}."
        result.add(f"\"{chosen}\" does not hold", False, why)
        result.add("Hint", None, _WHERE_TO_LOOK[chosen])
    return result


# ---------------------------------------------------------------------------------------------
# Exercise: write a rationale in business terms (self-check)
# ---------------------------------------------------------------------------------------------
_RATIONALE_TITLE = "Self-check of your rationale"
_SELF_CHECK_NOTE = ("This is a self-check, not a grade. It looks for words, not meaning. Read your text once more "
                    "as a busy finance director would: is every sentence about customers and the business?")

#: Implementation jargon -> a plainer way to say it to a business reader.
JARGON: dict[str, tuple[str, str]] = {
    # regex (matched case-insensitively, except inside a (?-i:...) group): (word, plain alternative)
    r"\bAPIs?\b": ("API", "connection or integration with their other tools"),
    r"\bmicro-?services?\b": ("microservice", "a separate part of the product"),
    r"\brefactor\w*": ("refactor", "rework that makes later changes quicker"),
    r"\bschemas?\b": ("schema", "the way the data is organised"),
    r"\bkafka\b": ("Kafka", "leave the tool out; say what customers get"),
    r"\bend-?points?\b": ("endpoint", "connection"),
    r"\bdatabases?\b": ("database", "stored data"),
    r"(?-i:\bDBs?\b)": ("DB", "stored data"),
    r"\bmigrat(?:e|es|ed|ing|ion|ions)\b": ("migration", "moving customers' data"),
    r"\blatency\b": ("latency", "how long customers wait"),
    r"\bback-?\s?end\b": ("backend", "behind the scenes"),
    r"\bfront-?\s?end\b": ("frontend", "the screens customers use"),
    r"\bcach(?:e|es|ed|ing)\b": ("cache", "a speed-up"),
    r"\bkubernetes\b|\bk8s\b": ("Kubernetes", "leave the tool out; say what customers get"),
    r"(?-i:\bCI\b)|\bCI/CD\b": ("CI", "our release checks"),
    r"\bdeploy(?:s|ed|ing|ment|ments)?\b": ("deploy", "release"),
    r"\bsprints?\b": ("sprint", "weeks"),
    r"\bstory[- ]points?\b": ("story points", "weeks of work"),
    r"\btech(?:nical)?[- ]debt\b": ("tech debt", "work that keeps the product reliable and quick to change"),
    r"\bSQL\b": ("SQL", "reports"),
    r"\bJSON\b": ("JSON", "a file the other tool can read"),
    r"\bSDKs?\b": ("SDK", "a toolkit for partners"),
    r"\bwebhooks?\b": ("webhook", "an automatic message to their other tools"),
    r"\bOAuth\b|\bSAML\b": ("SAML/OAuth", "single sign-on (SSO)"),
    r"\binfra(?:structure)?\b": ("infrastructure", "the systems the product runs on"),
    r"\bscalability\b": ("scalability", "coping with growth"),
    r"\bthroughput\b": ("throughput", "how much it can handle"),
    r"\bpull requests?\b": ("pull request", "change"),
    r"\bcode ?base\b": ("codebase", "the product"),
    r"\brewrite\b|\brewriting\b": ("rewrite", "rebuild"),
    r"\bconstraint solver\b": ("constraint solver", "a new scheduling engine"),
    r"\bdata model\b": ("data model", "how we store locations and groups"),
    r"\bservers?\b": ("server", "our systems"),
    r"\bunit tests?\b": ("unit test", "checks"),
    r"\bregressions?\b": ("regression", "something that used to work breaking"),
    r"\breact native\b": ("React Native", "the staff app's foundations"),
    r"\bFCM\b|\bfirebase\b": ("Firebase/FCM", "Android's notification service"),
}

_CUSTOMER = re.compile(
    r"\b(customers?|clients?|accounts?|users?|managers?|schedulers?|staff|workers?|employees?|operators?|"
    r"owners?|admins?|segments?|multi-?site|independents?|enterprises?|buyers?|prospects?|caf[eé]s?|"
    r"restaurants?|retailers?|care[- ]homes?|teams?|people|shift workers?|HR)\b", re.IGNORECASE)
_OUTCOME = re.compile(
    r"\b(sav(?:e|es|ing)|less|fewer|faster|quicker|sooner|without|so that|so they|able to|can|stop|stops|avoid|"
    r"hours?|minutes?|days?|time|miss|missed|never|trust|publish|get|gets|see|keep|pay|paid|easier|help|"
    r"helps|lets?|no longer|reduce|reduces|cut|cuts|spend|spends|win|lose|losing)\b", re.IGNORECASE)
_BUSINESS = re.compile(
    r"\b(retention|retain(?:s|ed|ing)?|activation|activat(?:e|es|ed|ing)|churn(?:s|ed|ing)?|revenue|ARR|MRR|NPS|"
    r"conversion|convert(?:s|ed)?|expansion|upsell\w*|renewals?|renew(?:s|ed)?|deals?|growth|margin|costs?|"
    r"support tickets?|tickets per|logo retention|sign-?ups?|trials?|pipeline|profit\w*|bookings?|"
    r"lifetime value|LTV|CAC|payback|win rate|north[- ]star|goal|OKR\w*|metric\w*)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?:[£$€]\s?\d[\d,.]*\s?[kKmM]?\b|\b\d[\d,.]*\s?%|\b\d[\d,.]*\s?(?:percent|per cent|points?|pp)\b)")
_BARE_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NOT_DOING = re.compile(
    r"\b(not (?:now|yet|this quarter|doing|building|do|build|start|starting|ship|shipping|include|including|"
    r"take|taking|fund|funding|pursue|pursuing|commit|committing)|won'?t|won’t|will not|are not|aren'?t|"
    r"defer\w*|postpon\w*|later|next quarter|in Q[1-4]|park\w*|hold(?:ing)? off|rather than|instead of|"
    r"say(?:ing)? no|deprioriti[sz]\w*|leav(?:e|ing) out|trade-?offs?|at the (?:cost|expense) of|wait(?:s|ing)?|"
    r"delay\w*|out of scope|drop\w*|not in the top|pause\w*)\b", re.IGNORECASE)
_WHY_WORDS = re.compile(r"\b(because|since|so that|as it|as they|as we|due to|given|which means|until|while|"
                        r"the reason|that is why|so we|unless|only if|only when)\b", re.IGNORECASE)
_WHY = re.compile(_WHY_WORDS.pattern + r"|:|—|–", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z0-9£$€%][A-Za-z0-9£$€%'’\-.,]*")
MIN_WORDS, MAX_WORDS = 60, 300


def _gives_a_reason(text: str, start: int) -> bool:
    """Is there a reason in the sentence that says what waits (from ``start``), or in the next one?

    A colon or dash counts only in the same sentence ("We are not doing X: ..."); a word such as
    "because" counts in either.
    """
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", text) if m.end() > start]
    first_end = ends[0] if ends else len(text)
    second_end = ends[1] if len(ends) > 1 else len(text)
    same, following = text[start:first_end], text[first_end:second_end]
    return bool(_WHY.search(same) or _WHY_WORDS.search(following))


def _jargon_found(text: str) -> list[tuple[str, str]]:
    found = []
    for pattern, (word, plain) in JARGON.items():
        if re.search(pattern, text, re.IGNORECASE):
            if (word, plain) not in found:
                found.append((word, plain))
    return found


def check_rationale(text: Any) -> Feedback:
    """Self-check a prioritization rationale written for business readers.

    Reports whether the text names a customer or segment outcome, a business outcome or metric,
    avoids implementation jargon (with plainer words for each one found), says what is not being
    done and why, and has a reasonable length (60-300 words). It is a self-check, not a grade.
    """
    try:
        return _check_rationale(text)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(_RATIONALE_TITLE, answered=False,
                        summary=f"Your text could not be checked ({type(err).__name__}: {err}).")


def _check_rationale(text: Any) -> Feedback:
    if is_unanswered(text):
        return _unanswered(_RATIONALE_TITLE, "your rationale as text in triple quotes",
                           'my_rationale = """This quarter we will..."""')
    if isinstance(text, (list, tuple)) and text and all(isinstance(t, str) for t in text):
        text = "\n".join(text)
    if not isinstance(text, str):
        return Feedback(_RATIONALE_TITLE, answered=False,
                        summary='Your rationale should be text in triple quotes, like my_rationale = """...""". '
                        f"You gave {_type_name(text)}.")
    words = _WORDS.findall(text)
    count = len(words)
    result = Feedback(_RATIONALE_TITLE, note=_SELF_CHECK_NOTE)

    customer = sorted({m.group(0).lower() for m in _CUSTOMER.finditer(text)})
    outcome = _OUTCOME.search(text)
    if customer and outcome:
        result.add("Customer or segment outcome", True, f"you say who gains ({', '.join(customer[:4])}) and how.")
    elif customer:
        result.add("Customer or segment outcome", False,
                   f"you name {', '.join(customer[:3])}, but not what changes for them. Say what they can do, or "
                   "stop suffering, once this ships.")
    else:
        result.add("Customer or segment outcome", False,
                   "name who gains (for example new multi-site accounts, or their managers) and what changes for them.")

    business = sorted({m.group(0) for m in _BUSINESS.finditer(text)}, key=str.lower)
    numbers = [m.group(0).strip() for m in _NUMBER.finditer(text)]
    if business or numbers:
        shown = ", ".join((business + numbers)[:5])
        result.add("Business outcome or metric", True, f"found: {shown}.")
    elif _BARE_NUMBER.search(text):
        result.add("Business outcome or metric", False,
                   "you give numbers, but not what they measure. Tie them to a business result, such as "
                   "retention going from 71% to 78%.")
    else:
        result.add("Business outcome or metric", False,
                   "link the choice to a business result: retention, activation, churn, revenue or ARR, "
                   "ideally with a number.")

    jargon = _jargon_found(text)
    if jargon:
        swaps = "; ".join(f"'{word}' → {plain}" for word, plain in jargon)
        result.add("No implementation jargon", False, f"found {len(jargon)}: {swaps}.")
    else:
        result.add("No implementation jargon", True, "none of the usual technical words found.")

    not_doing = _NOT_DOING.search(text)
    if not_doing and _gives_a_reason(text, not_doing.start()):
        result.add("What you are not doing, and why", True, f"found \"{not_doing.group(0)}\" with a reason.")
    elif not_doing:
        result.add("What you are not doing, and why", False,
                   f"you say what waits (\"{not_doing.group(0)}\"); now say why, in one sentence.")
    else:
        result.add("What you are not doing, and why", False,
                   "a good rationale also names what waits and why, so nobody is surprised later.")

    if count < MIN_WORDS:
        result.add("Length", False, f"{count} words. Aim for {MIN_WORDS}–{MAX_WORDS}: enough to give reasons.")
    elif count > MAX_WORDS:
        result.add("Length", False, f"{count} words. Aim for {MIN_WORDS}–{MAX_WORDS}: busy readers skim long notes.")
    else:
        result.add("Length", True, f"{count} words.")

    done = len(result.passed)
    total = len(result.checks)
    result.summary = (f"{done} of {total} checks met." + (" Nicely done." if done == total else
                      " Revise the lines marked ✗, then run the check again."))
    return result
