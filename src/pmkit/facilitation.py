"""Agendas for running the course with a group, built from the module notebooks' metadata.

Every module notebook (``notebooks/NN_name.ipynb``) stores its timings in its metadata::

    "pmkit": {"module": "03", "title": "Prioritization", "teaching_minutes": 75,
              "exercise_minutes": 45, "objectives": [...], "keypoints": [...]}

:func:`read_modules` reads them all (and names the notebook when a number is missing or wrong).
Two formats turn them into a minute-by-minute agenda:

* :func:`one_day` - a one-day intensive, 09:00 to 17:00 by default, with a welcome, a morning
  break, lunch, an afternoon break and a wrap-up. When the modules need more time than the day
  has, they are compressed by the rule in :data:`ONE_DAY_RULE` and every trimmed block says so.
* :func:`six_weeks` - a six-week evening cohort, one 2.5-hour session a week by default. Each
  session opens with a warm-up (week 1: welcome) or a recap, has a break, and ends with a group
  discussion. Modules are taken in order, and a module is never split across two weeks. If the
  modules do not fit in the weeks, the rule in :data:`SIX_WEEK_RULE` trims them.

An :class:`Agenda` renders as a pandas DataFrame (:meth:`Agenda.to_frame`) and as Markdown
(:meth:`Agenda.to_markdown`). Everything here is deterministic: the same notebooks give the same
agenda, to the minute.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .paths import REPO_ROOT

__all__ = [
    "MetadataError",
    "AgendaError",
    "ModuleInfo",
    "Row",
    "Agenda",
    "OneDayFormat",
    "SixWeekFormat",
    "ONE_DAY_RULE",
    "SIX_WEEK_RULE",
    "KINDS",
    "module_notebooks",
    "read_module",
    "read_modules",
    "one_day",
    "six_weeks",
    "allocate",
]

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
STEP = 5  # compressed blocks are whole multiples of five minutes

#: The kinds of rows an agenda holds.
KINDS = ("welcome", "recap", "teaching", "exercise", "break", "lunch", "discussion", "buffer", "close")

ONE_DAY_RULE = (
    "When the modules do not fit in the day, they are compressed in two steps. "
    "First, every module keeps its full teaching time and its exercises are trimmed, in proportion "
    "to their planned length, to as little as {min_exercise} minutes. In class, pairs do the first "
    "exercise together; the rest becomes homework. "
    "Only if that is still too long is the teaching trimmed too, in proportion, to as little as "
    "{min_teaching} minutes a module. Then the session covers the key ideas, and learners read the "
    "rest of the notebook before or after the day. Trimmed blocks are whole multiples of five "
    "minutes and say what they were cut from."
)

SIX_WEEK_RULE = (
    "Modules are taken in course order, and each module stays in one session: its teaching is never "
    "split across two weeks, and its exercises follow its teaching. The modules are grouped into the "
    "weeks so that as little as possible is trimmed: teaching first, then exercises; on a tie, "
    "fewer weeks are left without a module and the fullest week is kept as light as possible. When a "
    "week is too full, its exercises are trimmed first, in proportion to their planned length, to as "
    "little as {min_exercise} minutes (in class, pairs do the first exercise; the rest is homework). "
    "Only then is its teaching trimmed, in proportion, to as little as {min_teaching} minutes a "
    "module. Time left over in a week becomes a buffer for questions and pairs review."
)


class MetadataError(ValueError):
    """One or more module notebooks lack the timings an agenda needs.

    ``problems`` lists every problem found, each naming its notebook.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(
            f"The agenda cannot be built: {len(self.problems)} problem(s) in the module notebooks' metadata.\n"
            f"{lines}\n"
            'Each notebook needs metadata["pmkit"] with "title" (text) and "teaching_minutes" and '
            '"exercise_minutes" (whole numbers above 0), as CONTRIBUTING.md shows.'
        )


class AgendaError(ValueError):
    """The modules cannot fit in the chosen format, even compressed."""


# ------------------------------------------------------------------------------------------------
# Reading the notebooks
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModuleInfo:
    """What a facilitator needs to know about one module notebook."""

    module: str
    title: str
    teaching_minutes: int
    exercise_minutes: int
    objectives: tuple[str, ...] = ()
    keypoints: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def total_minutes(self) -> int:
        return self.teaching_minutes + self.exercise_minutes

    @property
    def label(self) -> str:
        """``"03 · Prioritization"``."""
        return f"{self.module} · {self.title}"


def module_notebooks(notebooks_dir: Path | str | None = None) -> list[Path]:
    """The module notebooks (``NN_name.ipynb``) in course order."""
    folder = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    return sorted(p for p in folder.glob(NOTEBOOK_GLOB) if p.is_file())


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def _positive_int(meta: dict, key: str, where: str, problems: list[str]) -> int | None:
    if key not in meta:
        problems.append(f"{where}: metadata['pmkit'] has no {key!r}. Expected a whole number of minutes above 0, e.g. 45.")
        return None
    value = meta[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        problems.append(
            f"{where}: {key!r} is {value!r}. Expected a whole number of minutes above 0, e.g. 45 (not text, not a decimal)."
        )
        return None
    return value


def _texts(meta: dict, key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = meta.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: {key!r} should be a list of sentences (text).")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _read_one(path: Path, problems: list[str]) -> ModuleInfo | None:
    where = _shown(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        problems.append(f"{where}: the notebook cannot be read ({err}).")
        return None
    meta = nb.get("metadata", {}).get("pmkit") if isinstance(nb, dict) and isinstance(nb.get("metadata"), dict) else None
    if not isinstance(meta, dict):
        problems.append(f"{where}: the notebook has no metadata['pmkit'] section.")
        return None
    before = len(problems)
    module = path.name[:2]
    if "module" in meta and str(meta["module"]) != module:
        problems.append(f"{where}: metadata says module {meta['module']!r} but the file name says {module!r}.")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: metadata['pmkit'] has no 'title' (expected the module's name as text, e.g. \"Prioritization\").")
    teaching = _positive_int(meta, "teaching_minutes", where, problems)
    exercises = _positive_int(meta, "exercise_minutes", where, problems)
    objectives = _texts(meta, "objectives", where, problems)
    keypoints = _texts(meta, "keypoints", where, problems)
    if len(problems) > before:
        return None
    return ModuleInfo(module, title.strip(), teaching, exercises, objectives, keypoints, path)


def read_module(path: Path | str) -> ModuleInfo:
    """Read one notebook's ``metadata["pmkit"]``; :class:`MetadataError` names what is wrong."""
    problems: list[str] = []
    info = _read_one(Path(path), problems)
    if info is None:
        raise MetadataError(problems)
    return info


def read_modules(notebooks_dir: Path | str | None = None, paths: list[Path] | None = None) -> list[ModuleInfo]:
    """Read every module notebook, in course order.

    Every problem in every notebook is collected first, then raised together in one
    :class:`MetadataError`, so a facilitator fixes them all in one go.
    """
    found = list(paths) if paths is not None else module_notebooks(notebooks_dir)
    if not found:
        where = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
        raise MetadataError([f"no module notebooks (NN_name.ipynb) were found in {_shown(where)}."])
    problems: list[str] = []
    modules: list[ModuleInfo] = []
    seen: dict[str, Path] = {}
    for path in sorted(found, key=lambda p: p.name):
        info = _read_one(path, problems)
        if info is None:
            continue
        if info.module in seen:
            problems.append(f"{_shown(path)}: module {info.module} also comes from {_shown(seen[info.module])}.")
            continue
        seen[info.module] = path
        modules.append(info)
    if problems:
        raise MetadataError(problems)
    return modules


# ------------------------------------------------------------------------------------------------
# Allocating minutes when the modules do not fit
# ------------------------------------------------------------------------------------------------
def allocate(total: int, wanted: list[int], floor: int, step: int = STEP) -> list[int]:
    """Share ``total`` minutes among blocks in proportion to ``wanted``.

    No block gets more than it wanted, nor less than ``floor`` (or what it wanted, if that is
    less). Shares are whole multiples of ``step`` (except a block kept at its own, uneven,
    planned length); the minutes left after rounding down go one step at a time to the blocks
    that lost the most in rounding, earlier blocks first on a tie. The result never sums to more
    than ``total``; raises :class:`AgendaError` when even the floors do not fit.
    """
    n = len(wanted)
    if n == 0:
        return []
    floors = [min(floor, w) for w in wanted]
    if sum(floors) > total:
        raise AgendaError(f"{n} blocks need at least {sum(floors)} minutes, but only {total} are available.")
    if sum(wanted) <= total:
        return list(wanted)
    # water-filling: blocks whose proportional share falls below their floor are fixed at it
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        budget = total - sum(fixed.values())
        weight = sum(wanted[i] for i in free)
        share = {i: wanted[i] * budget / weight for i in free} if weight else {}
        low = [i for i in free if share[i] < floors[i]]
        if not low:
            break
        for i in low:
            fixed[i] = floors[i]
    exact = [fixed.get(i, share.get(i, 0.0)) for i in range(n)]
    result = []
    for i, x in enumerate(exact):
        if i in fixed:
            result.append(int(floors[i]))
        else:
            result.append(max(floors[i], int(math.floor(x / step + 1e-9)) * step))
    left = total - sum(result)
    order = sorted(range(n), key=lambda i: (-(exact[i] - result[i]), i))
    while left >= step:
        moved = False
        for i in order:
            if left >= step and result[i] + step <= wanted[i]:
                result[i] += step
                left -= step
                moved = True
        if not moved:
            break
    return result


# ------------------------------------------------------------------------------------------------
# Agendas
# ------------------------------------------------------------------------------------------------
def _minutes(clock: str) -> int:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", clock.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"{clock!r} is not a time of day; write it as HH:MM, e.g. 09:00.")
    return int(m.group(1)) * 60 + int(m.group(2))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _modules(n: int) -> str:
    return "one module" if n == 1 else f"{n} modules"


def _duration(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


@dataclass(frozen=True)
class Row:
    """One line of an agenda."""

    session: int  # 1 for the one-day format; the week number for the six-week format
    start: str  # "HH:MM"
    end: str
    minutes: int
    activity: str
    module: str  # "03", or "" for welcome, breaks and the like
    kind: str  # one of KINDS
    note: str = ""


@dataclass
class Agenda:
    """A minute-by-minute agenda. ``rows`` are in time order, session by session."""

    format: str  # "one-day" or "six-weeks"
    title: str
    rows: list[Row]
    modules: list[ModuleInfo]
    rule: str
    notes: list[str] = field(default_factory=list)
    session_label: str = "Day"

    COLUMNS = ("session", "start", "end", "minutes", "activity", "module", "kind", "note")

    def to_frame(self):
        """The rows as a pandas DataFrame (columns: session, start, end, minutes, activity, module, kind, note)."""
        import pandas as pd

        return pd.DataFrame([[getattr(r, c) for c in self.COLUMNS] for r in self.rows], columns=list(self.COLUMNS))

    @property
    def sessions(self) -> list[int]:
        return sorted({r.session for r in self.rows})

    def module_minutes(self) -> dict[str, dict[str, int]]:
        """Minutes scheduled per module: {"03": {"teaching": 75, "exercise": 45}}."""
        out: dict[str, dict[str, int]] = {m.module: {"teaching": 0, "exercise": 0} for m in self.modules}
        for r in self.rows:
            if r.kind in ("teaching", "exercise") and r.module in out:
                out[r.module][r.kind] += r.minutes
        return out

    def compressed(self) -> bool:
        planned = {m.module: (m.teaching_minutes, m.exercise_minutes) for m in self.modules}
        return any((v["teaching"], v["exercise"]) != planned[k] for k, v in self.module_minutes().items())

    def to_markdown(self, heading_level: int = 2) -> str:
        """Markdown: the notes, then one table per session (Time, Minutes, Activity, Notes)."""
        h = "#" * heading_level
        out: list[str] = []
        for note in self.notes:
            out.append(note)
            out.append("")
        for session in self.sessions:
            rows = [r for r in self.rows if r.session == session]
            if len(self.sessions) > 1 or self.format != "one-day":
                out.append(f"{h} {self.session_label} {session}: {rows[0].start}–{rows[-1].end}")
                out.append("")
            out.append("| Time | Minutes | Activity | Notes |")
            out.append("|---|---:|---|---|")
            for r in rows:
                activity = _md_cell(r.activity)
                if r.kind in ("break", "lunch"):
                    activity = f"*{activity}*"
                out.append(f"| {r.start}–{r.end} | {r.minutes} | {activity} | {_md_cell(r.note)} |")
            out.append("")
        return "\n".join(out).rstrip() + "\n"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


@dataclass(frozen=True)
class OneDayFormat:
    """The frame of a one-day intensive. Times are "HH:MM"; durations in minutes."""

    start: str = "09:00"
    end: str = "17:00"
    welcome: int = 15
    close: int = 15
    lunch: int = 60
    lunch_at: str = "12:30"
    breaks: tuple[tuple[str, int], ...] = (("10:30", 15), ("15:00", 15))
    min_exercise: int = 10
    min_teaching: int = 15


@dataclass(frozen=True)
class SixWeekFormat:
    """The frame of an evening cohort: ``weeks`` sessions of ``session_minutes`` each."""

    weeks: int = 6
    start: str = "18:00"
    session_minutes: int = 150
    opening: int = 10  # week 1: welcome; later weeks: warm-up and recap
    break_minutes: int = 10
    discussion: int = 15
    min_exercise: int = 10
    min_teaching: int = 15


@dataclass
class _Block:
    minutes: int
    activity: str
    module: str
    kind: str
    note: str = ""


def _module_blocks(m: ModuleInfo, teaching: int, exercise: int, pairs: str) -> list[_Block]:
    t_note = "" if teaching == m.teaching_minutes else (
        f"Trimmed from {m.teaching_minutes} min: the key ideas only; learners read the rest of the notebook.")
    e_note = "" if exercise == m.exercise_minutes else (
        f"Trimmed from {m.exercise_minutes} min: run the first exercises in pairs; the rest is homework.")
    return [
        _Block(teaching, f"{m.label}: teaching", m.module, "teaching", t_note),
        _Block(exercise, f"{m.label}: exercises {pairs}", m.module, "exercise", e_note),
    ]


def _compress(modules: list[ModuleInfo], budget: int, min_teaching: int, min_exercise: int) -> tuple[list[int], list[int], int]:
    """(teaching, exercise, level): level 0 = as planned, 1 = exercises trimmed, 2 = both trimmed."""
    teach = [m.teaching_minutes for m in modules]
    ex = [m.exercise_minutes for m in modules]
    if sum(teach) + sum(ex) <= budget:
        return teach, ex, 0
    ex_floor = [min(min_exercise, e) for e in ex]
    if sum(teach) + sum(ex_floor) <= budget:
        return teach, allocate(budget - sum(teach), ex, min_exercise), 1
    t_floor = [min(min_teaching, t) for t in teach]
    if sum(t_floor) + sum(ex_floor) > budget:
        raise AgendaError(
            f"{len(modules)} modules need at least {_duration(sum(t_floor) + sum(ex_floor))} even when trimmed "
            f"to {min_teaching} minutes of teaching and {min_exercise} of exercises each, but the day has "
            f"{_duration(budget)} for them. Use the six-week format, or run fewer modules."
        )
    return allocate(budget - sum(ex_floor), teach, min_teaching), ex_floor, 2


def _place_breaks(blocks: list[_Block], first_clock: int, events: list[tuple[int, _Block]]) -> list[_Block]:
    """Insert breaks between blocks, each at the boundary whose clock time is nearest its target.

    ``events`` are (target clock minute, break block) in time order. Breaks go only between two
    content blocks and in order; a break whose target comes after the content would end is dropped.
    """
    content_end = first_clock + sum(b.minutes for b in blocks)
    # a buffer (open time) may be cut in two where a break falls inside it
    for target, _ in events:
        clock, split = first_clock, []
        for b in blocks:
            cut = (target - clock) // STEP * STEP
            if b.kind == "buffer" and STEP <= cut <= b.minutes - STEP:
                split += [_Block(cut, b.activity, b.module, b.kind, b.note),
                          _Block(b.minutes - cut, b.activity, b.module, b.kind, b.note)]
            else:
                split.append(b)
            clock += b.minutes
        blocks = split
    cum = [0]
    for b in blocks:
        cum.append(cum[-1] + b.minutes)
    placed: list[tuple[int, _Block]] = []  # (boundary index, block)
    lowest = 1
    added = 0
    for target, brk in events:
        if target >= content_end:
            continue
        candidates = range(lowest, len(blocks))  # interior boundaries only
        if not candidates:
            continue
        best = min(candidates, key=lambda j: (abs(first_clock + cum[j] + added - target), j))
        placed.append((best, brk))
        added += brk.minutes
        lowest = best + 1 if best + 1 < len(blocks) else best
    out: list[_Block] = []
    for j, b in enumerate(blocks):
        out.extend(brk for k, brk in placed if k == j)
        out.append(b)
    return out


def _rows(session: int, start: int, blocks: list[_Block]) -> list[Row]:
    rows, clock = [], start
    for b in blocks:
        rows.append(Row(session, _clock(clock), _clock(clock + b.minutes), b.minutes, b.activity, b.module, b.kind, b.note))
        clock += b.minutes
    return rows


def one_day(modules: list[ModuleInfo] | None = None, fmt: OneDayFormat | None = None) -> Agenda:
    """A one-day intensive agenda (09:00-17:00 by default) for ``modules`` (default: every notebook)."""
    fmt = fmt or OneDayFormat()
    modules = read_modules() if modules is None else list(modules)
    if not modules:
        raise AgendaError("There are no modules to schedule.")
    start, end = _minutes(fmt.start), _minutes(fmt.end)
    fixed = fmt.welcome + fmt.close + fmt.lunch + sum(m for _, m in fmt.breaks)
    budget = end - start - fixed
    if budget <= 0:
        raise AgendaError(f"A day from {fmt.start} to {fmt.end} leaves no time for modules after its breaks.")
    teach, ex, level = _compress(modules, budget, fmt.min_teaching, fmt.min_exercise)

    blocks: list[_Block] = []
    for m, t, e in zip(modules, teach, ex):
        blocks += _module_blocks(m, t, e, "in pairs")
    events = [(_minutes(at), _Block(mins, "Break", "", "break")) for at, mins in fmt.breaks]
    events.append((_minutes(fmt.lunch_at), _Block(fmt.lunch, "Lunch", "", "lunch")))
    events.sort(key=lambda e: e[0])
    first = start + fmt.welcome
    day = [_Block(fmt.welcome, "Welcome: introductions, the day's plan, install check problems fixed", "", "welcome")]
    day += _place_breaks(blocks, first, events)
    day.append(_Block(fmt.close, "Wrap-up: what each person will try next week; course feedback", "", "close"))
    rows = _rows(1, start, day)

    need = sum(m.total_minutes for m in modules)
    notes = [
        f"The {_modules(len(modules))} plan {_duration(sum(m.teaching_minutes for m in modules))} of teaching and "
        f"{_duration(sum(m.exercise_minutes for m in modules))} of exercises: {_duration(need)} in all. "
        f"Between {fmt.start} and {fmt.end}, after the welcome, breaks, lunch and wrap-up, the day has "
        f"{_duration(budget)} for modules."
    ]
    if level == 0:
        finish = rows[-1].end
        notes.append("Everything fits as planned." + ("" if finish == fmt.end else f" The day ends at {finish}."))
    elif level == 1:
        notes.append("The modules do not fit, so every module keeps its teaching and the exercises are trimmed "
                     "to pairs work, as the Notes column shows.")
    else:
        notes.append("The modules do not fit even with the exercises cut to pairs work, so the teaching is trimmed "
                     "to the key ideas as well, as the Notes column shows. Ask learners to read the notebooks "
                     "before the day.")
    rule = ONE_DAY_RULE.format(min_exercise=fmt.min_exercise, min_teaching=fmt.min_teaching)
    return Agenda("one-day", "One-day intensive", rows, modules, rule, notes, session_label="Day")


def _session_cost(group: list[ModuleInfo], capacity: int, min_teaching: int, min_exercise: int):
    """What fitting ``group`` into one session costs: (teaching trimmed, exercises trimmed, empty, load),
    or None when it cannot fit even trimmed to the floors."""
    if not group:
        return (0, 0, 1, 0)
    teach = sum(m.teaching_minutes for m in group)
    ex = sum(m.exercise_minutes for m in group)
    ex_floor = sum(min(min_exercise, m.exercise_minutes) for m in group)
    t_floor = sum(min(min_teaching, m.teaching_minutes) for m in group)
    if t_floor + ex_floor > capacity:
        return None
    if teach + ex <= capacity:
        return (0, 0, 0, teach + ex)
    if teach + ex_floor <= capacity:
        return (0, teach + ex - capacity, 0, capacity)
    return (teach + ex_floor - capacity, ex - ex_floor, 0, capacity)


def _group(modules: list[ModuleInfo], weeks: int, capacity: int, min_teaching: int, min_exercise: int):
    """Split the modules, in order, into ``weeks`` sessions (some may stay empty) so that the least
    teaching is trimmed, then the least exercise time, then the fewest sessions stay empty, then the
    fullest session is as light as possible. Dynamic programming over (modules, sessions); on a tie
    the earlier weeks take the modules."""
    n = len(modules)

    def add(a, b):
        return (a[0] + b[0], a[1] + b[1], a[2] + b[2], max(a[3], b[3]))

    best: dict[tuple[int, int], tuple] = {(0, 0): ((0, 0, 0, 0), None)}
    for k in range(1, weeks + 1):
        for i in range(n + 1):
            found = None
            for j in range(i, -1, -1):  # j = where session k starts; descending: later sessions empty first
                prev = best.get((j, k - 1))
                if prev is None:
                    continue
                cost = _session_cost(modules[j:i], capacity, min_teaching, min_exercise)
                if cost is None:
                    continue
                total = add(prev[0], cost)
                if found is None or total < found[0]:
                    found = (total, j)
            if found is not None:
                best[(i, k)] = found
    if (n, weeks) not in best:
        return None
    groups, i = [], n
    for k in range(weeks, 0, -1):
        j = best[(i, k)][1]
        groups.append(modules[j:i])
        i = j
    return groups[::-1]


def six_weeks(modules: list[ModuleInfo] | None = None, fmt: SixWeekFormat | None = None) -> Agenda:
    """A six-week evening cohort agenda (6 x 2.5 h by default) for ``modules`` (default: every notebook)."""
    fmt = fmt or SixWeekFormat()
    modules = read_modules() if modules is None else list(modules)
    if not modules:
        raise AgendaError("There are no modules to schedule.")
    capacity = fmt.session_minutes - fmt.opening - fmt.break_minutes - fmt.discussion
    if capacity < fmt.min_teaching:
        raise AgendaError(f"A {fmt.session_minutes}-minute session leaves {capacity} minutes for modules: too few.")
    groups = _group(modules, fmt.weeks, capacity, fmt.min_teaching, fmt.min_exercise)
    if groups is None:
        raise AgendaError(
            f"{len(modules)} modules do not fit in {fmt.weeks} sessions of {_duration(fmt.session_minutes)}, even "
            f"trimmed to {fmt.min_teaching} minutes of teaching and {fmt.min_exercise} of exercises each. "
            "Add weeks or make the sessions longer."
        )
    sessions: list[list[_Block]] = []
    level = 0
    for group in groups:
        teach, ex, lvl = _compress(group, capacity, fmt.min_teaching, fmt.min_exercise) if group else ([], [], 0)
        level = max(level, lvl)
        blocks: list[_Block] = []
        for m, t, e in zip(group, teach, ex):
            blocks += _module_blocks(m, t, e, "in pairs")
        sessions.append(blocks)

    start = _minutes(fmt.start)
    rows: list[Row] = []
    pooling = {"00", "03", "07"}  # modules whose answers cohort mode pools
    for week, blocks in enumerate(sessions, start=1):
        last = week == fmt.weeks
        spare = capacity - sum(b.minutes for b in blocks)
        if not blocks:
            blocks = [_Block(capacity, "Open session: catch up on exercises, review each other's work in pairs",
                             "", "buffer")]
        elif spare > 0:
            blocks = blocks + [_Block(spare, "Buffer: questions, catch-up and pairs review", "", "buffer")]
        opening = (_Block(fmt.opening, "Welcome: introductions, how the course runs, install check", "", "welcome")
                   if week == 1 else
                   _Block(fmt.opening, f"Warm-up and recap of week {week - 1}: one thing each person tried", "", "recap"))
        mid = start + fmt.opening + sum(b.minutes for b in blocks) // 2
        body = _place_breaks(blocks, start + fmt.opening, [(mid, _Block(fmt.break_minutes, "Break", "", "break"))])
        if not any(b.kind == "break" for b in body):
            body.append(_Block(fmt.break_minutes, "Break", "", "break"))
        shown = {b.module for b in blocks}
        if last:
            closing = _Block(fmt.discussion, "Close: each person shares their next step; course feedback", "", "discussion")
        elif shown & pooling:
            closing = _Block(fmt.discussion, "Discussion: pool the cohort's answers and talk through where you disagree",
                             "", "discussion")
        else:
            closing = _Block(fmt.discussion, "Discussion: what surprised you; agree what to try before next week",
                             "", "discussion")
        rows += _rows(week, start, [opening] + body + [closing])

    need = sum(m.total_minutes for m in modules)
    notes = [
        f"The {_modules(len(modules))} plan {_duration(need)} of teaching and exercises. {fmt.weeks} sessions of "
        f"{_duration(fmt.session_minutes)} from {fmt.start} leave {_duration(capacity)} each for modules, "
        f"after the opening ({fmt.opening} min), a break ({fmt.break_minutes} min) and the discussion "
        f"({fmt.discussion} min)."
    ]
    if level == 0:
        notes.append("Everything fits as planned.")
    elif level == 1:
        notes.append("The modules do not fit as planned, so the exercises are trimmed to pairs work, as the Notes "
                     "column shows.")
    else:
        notes.append("The modules do not fit even with the exercises trimmed, so the teaching is trimmed to the key "
                     "ideas as well, as the Notes column shows.")
    rule = SIX_WEEK_RULE.format(min_exercise=fmt.min_exercise, min_teaching=fmt.min_teaching)
    return Agenda("six-weeks", f"{fmt.weeks}-week evening cohort", rows, modules, rule, notes, session_label="Week")
