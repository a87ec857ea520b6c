"""Module 04's apps: the stakeholder grid, the decision-rights editor, the communication-plan
builder and the role-play player.

Each app is a **model** (plain Python: state, checks, tables, figures; no ipywidgets) and a
**view** function that wires ipywidgets controls to it. Every view draws its initial state
when it is built, so the static book shows a full preview. CSS classes:
``pmkit-stakeholder-grid``, ``pmkit-decision-matrix``, ``pmkit-comms-plan`` and
``pmkit-scenario-player``, each with ``-<part>`` classes on its controls.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import stakeholders as st
from .. import work
from . import _common as c

MODULE = st.MODULE

# Stance -> (colour, marker, filled): shape and fill carry the stance as well as colour.
STANCE_STYLE = {
    -2: (c.VERMILLION, "v", True),
    -1: (c.ORANGE, "v", False),
    0: (c.GREY, "o", True),
    1: (c.SKY, "^", False),
    2: (c.BLUE, "^", True),
}


def figure_html(fig: Figure, alt: str, css_class: str = "") -> str:
    """A matplotlib figure as an <img> with alt text (then the figure is freed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    cls = f' class="{c.esc(css_class)}"' if css_class else ""
    return (f'<img{cls} src="data:image/png;base64,{data}" alt="{c.esc(alt)}" '
            'style="max-width:100%;height:auto">')


def _first(name: str) -> str:
    return str(name).split()[0] if str(name).split() else str(name)


def _checked_stakeholders(stakeholders: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    """A checked table: the course's file (None), a file of your own (a path) or a DataFrame."""
    if stakeholders is None:
        return st.load_stakeholders()
    if isinstance(stakeholders, (str, Path)):
        return st.load_stakeholders(stakeholders)
    if not isinstance(stakeholders, pd.DataFrame):
        raise TypeError(f"Give a stakeholder table (a pandas DataFrame), not {type(stakeholders).__name__}.")
    clean = st.validate_stakeholders(stakeholders.reset_index(drop=True))
    if stakeholders.attrs.get("source"):
        clean.attrs["source"] = stakeholders.attrs["source"]
    return clean


# =============================================================================================
# The stakeholder grid
# =============================================================================================
class StakeholderGridModel:
    """People of one initiative on the power-interest grid; the learner moves them.

    Changes are kept as overrides on top of the data, per initiative, so :meth:`reset` is exact
    and switching initiatives loses nothing.
    """

    FIELDS = ("power", "interest", "stance")

    def __init__(self, stakeholders: pd.DataFrame | None = None, initiative: str | None = None,
                 split: float = st.SPLIT):
        self.data = _checked_stakeholders(stakeholders)
        self.split = st._split(split)
        self.overrides: dict[tuple[str, str, str], int] = {}  # (initiative, id, field) -> value
        self.initiative = ""
        self.selected = ""
        self.set_initiative(initiative)

    # ---- state -------------------------------------------------------------------------
    @property
    def initiatives(self) -> list[str]:
        return st.initiatives(self.data)

    def set_initiative(self, initiative: str | None) -> None:
        rows = st.select_initiative(self.data, initiative)
        self.initiative = str(rows["initiative"].iloc[0])
        self._rows = rows.set_index("id")
        ranked = self.table()
        self.selected = str(ranked.index[0])

    @property
    def ids(self) -> list[str]:
        return [str(i) for i in self._rows.index]

    def name(self, person: str) -> str:
        return str(self._rows.at[self._id(person), "name"])

    def _id(self, person: str) -> str:
        if person in self._rows.index:
            return person
        matches = [i for i, n in self._rows["name"].items() if str(n).casefold() == str(person).strip().casefold()]
        if not matches:
            first = [i for i, n in self._rows["name"].items() if _first(n).casefold() == str(person).strip().casefold()]
            matches = first if len(first) == 1 else []
        if not matches:
            raise ValueError(f"There is nobody called {person!r} in this initiative. People: "
                             f"{', '.join(map(str, self._rows['name']))}.")
        return str(matches[0])

    def select(self, person: str) -> None:
        self.selected = self._id(person)

    def value(self, person: str, field: str) -> int:
        pid = self._id(person)
        if field not in self.FIELDS:
            raise ValueError(f"{field!r} is not power, interest or stance.")
        return self.overrides.get((self.initiative, pid, field), int(self._rows.at[pid, field]))

    def set(self, person: str | None = None, power: Any = None, interest: Any = None, stance: Any = None) -> None:
        """Change one person's scores (None leaves a score as it is). Bad values raise ValueError
        and change nothing."""
        pid = self._id(person) if person is not None else self.selected
        new = {}
        for field, value, low, high in (("power", power, 1, 5), ("interest", interest, 1, 5),
                                        ("stance", stance, -2, 2)):
            if value is not None:
                new[field] = st._score(value, field.capitalize(), low, high)
        for field, value in new.items():
            key = (self.initiative, pid, field)
            if value == int(self._rows.at[pid, field]):
                self.overrides.pop(key, None)
            else:
                self.overrides[key] = value

    def reset(self, person: str | None = None) -> None:
        """Undo changes for one person, or for the whole initiative."""
        pid = self._id(person) if person is not None else None
        for key in [k for k in self.overrides if k[0] == self.initiative and (pid is None or k[1] == pid)]:
            del self.overrides[key]

    def changed(self) -> list[str]:
        return sorted({k[1] for k in self.overrides if k[0] == self.initiative})

    # ---- results -----------------------------------------------------------------------
    def current(self) -> pd.DataFrame:
        rows = self._rows.reset_index().copy()
        for field in self.FIELDS:
            rows[field] = [self.value(i, field) for i in rows["id"]]
        return rows

    def table(self) -> pd.DataFrame:
        return st.grid_table(self.current(), self.initiative, self.split)

    def quadrant_of(self, person: str | None = None) -> str:
        pid = self._id(person) if person is not None else self.selected
        return st.quadrant(self.value(pid, "power"), self.value(pid, "interest"), self.split)

    def position_text(self, person: str | None = None) -> str:
        pid = self._id(person) if person is not None else self.selected
        return st.describe_position(self.name(pid), self.value(pid, "power"), self.value(pid, "interest"),
                                    self.value(pid, "stance"), self.split)

    def counts(self) -> dict[str, int]:
        q = self.table()["quadrant"].value_counts()
        return {name: int(q.get(name, 0)) for name in st.QUADRANTS}

    def to_records(self) -> list[dict]:
        """The current map as the exercises save it: [{name, power, interest, stance}, ...]."""
        return [{"name": self.name(i), "power": self.value(i, "power"), "interest": self.value(i, "interest"),
                 "stance": self.value(i, "stance")} for i in self.ids]

    def _positions(self) -> dict[str, tuple[float, float, float]]:
        """id -> (x, y, dx) with people in the same cell spread around it (dx: label side)."""
        rows = self.current()
        cells: dict[tuple[int, int], list[str]] = {}
        for _, r in rows.sort_values("name").iterrows():
            cells.setdefault((int(r["interest"]), int(r["power"])), []).append(str(r["id"]))
        out = {}
        for (x, y), people in cells.items():
            n = len(people)
            for k, pid in enumerate(people):
                if n == 1:
                    out[pid] = (float(x), float(y), 1.0)
                    continue
                angle = math.pi / 2 + 2 * math.pi * k / n
                dx, dy = 0.2 * math.cos(angle), 0.2 * math.sin(angle)
                out[pid] = (x + dx, y + dy, 1.0 if dx >= -1e-9 else -1.0)
        return out

    def figure(self) -> Figure:
        """The grid: interest across, power up; marker shape, fill and label give each stance."""
        fig = Figure(figsize=(7.6, 5.6), layout="constrained")
        ax = fig.subplots()
        line = math.floor(self.split) + 0.5
        ax.axvline(line, color=c.BLACK, linewidth=1, linestyle="--")
        ax.axhline(line, color=c.BLACK, linewidth=1, linestyle="--")
        for text, x, y, ha, va in (("Keep satisfied", 0.01, 0.99, "left", "top"),
                                   ("Manage closely", 0.99, 0.99, "right", "top"),
                                   ("Monitor", 0.01, 0.01, "left", "bottom"),
                                   ("Keep informed", 0.99, 0.01, "right", "bottom")):
            ax.text(x, y, text.upper(), transform=ax.transAxes, ha=ha, va=va, fontsize=9, color="#555",
                    weight="bold")
        rows = self.current().set_index("id")
        positions = self._positions()
        for stance, (colour, marker, filled) in STANCE_STYLE.items():
            part = [pid for pid in rows.index if int(rows.at[pid, "stance"]) == stance]
            xs = [positions[p][0] for p in part]
            ys = [positions[p][1] for p in part]
            ax.scatter(xs, ys, s=90, marker=marker, facecolors=colour if filled else "white", edgecolors=colour,
                       linewidths=2, label=f"{st._signed(stance)} {st.STANCE_LABELS[stance]}", zorder=3)
        for pid in rows.index:
            x, y, side = positions[pid]
            selected = pid == self.selected
            label = f"{_first(rows.at[pid, 'name'])} {st._signed(int(rows.at[pid, 'stance']))}"
            ax.annotate(label, (x, y), xytext=((13 if selected else 7) * side, 0), textcoords="offset points",
                        ha="left" if side > 0 else "right", va="center", fontsize=8.5 if selected else 8,
                        weight="bold" if selected else "normal", zorder=4)
            if selected:
                ax.scatter([x], [y], s=380, facecolors="none", edgecolors=c.BLACK, linewidths=1.5, zorder=2)
        ax.set_xlim(0.4, 5.6)
        ax.set_ylim(0.4, 5.6)
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_xlabel("Interest: how much the initiative affects them (1–5)")
        ax.set_ylabel("Power: how much say they have over it (1–5)")
        short = st.initiative_title(self.initiative)
        ax.set_title(f"Power–interest grid · {short}\nCircled: {self.name(self.selected)}. "
                     f"High means above {self.split:g}; dashed lines mark the split.", fontsize=9)
        ax.legend(title="Stance (shape and fill)", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
                  frameon=False, title_fontsize=8)
        ax.grid(True, color="#eee", zorder=0)
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    def alt_text(self) -> str:
        t = self.table()
        parts = []
        for q in st.QUADRANTS:
            people = t[t["quadrant"] == q]
            if len(people):
                listed = ", ".join(f"{r['name']} (stance {st._signed(int(r['stance']))})" for _, r in people.iterrows())
                parts.append(f"{q}: {listed}")
        return (f"Power-interest grid for {st.initiative_title(self.initiative)}, power up and interest across, "
                f"split above {self.split:g}. " + "; ".join(parts) + ".")

    def figure_html(self) -> str:
        return figure_html(self.figure(), self.alt_text(), "pmkit-stakeholder-grid-figure")

    def table_html(self) -> str:
        t = self.table()
        changed = set(self.changed())
        cols = {"id": "Id", "name": "Name", "role": "Role", "power": "Power", "interest": "Interest",
                "stance": "Stance", "quadrant": "Strategy"}
        fmt = {"name": c.esc, "role": c.esc, "quadrant": c.esc, "stance": lambda v: c.esc(st._signed(int(v))),
               "power": str, "interest": str}
        highlight = {(i, f) for i in changed for f in self.FIELDS}
        return c.html_table(t, cols, fmt, caption="Everyone on the grid, most attention first", highlight=highlight)


def stakeholder_grid(stakeholders: pd.DataFrame | str | Path | None = None, initiative: str | None = None):
    """The power-interest grid as an app: pick a person, move their power, interest and stance.

    ``stakeholders``: None for the course's data, a table, or the path of your own CSV file (a
    file with problems shows them instead of the grid)."""
    import ipywidgets as W

    try:
        model = StakeholderGridModel(stakeholders, initiative)
    except (ValueError, TypeError, OSError) as err:
        return c.error_widget(err, "stakeholder grid")
    pick_initiative = W.Dropdown(options=[(st.initiative_title(i), i) for i in model.initiatives],
                                 value=model.initiative, description="Initiative", style=c.LABEL,
                                 layout=W.Layout(width="560px"))
    person = W.Dropdown(description="Person", style=c.LABEL, layout=W.Layout(width="360px"))
    power = W.IntSlider(min=1, max=5, description="Power (1–5)", style=c.LABEL, continuous_update=False)
    interest = W.IntSlider(min=1, max=5, description="Interest (1–5)", style=c.LABEL, continuous_update=False)
    stance = W.IntSlider(min=-2, max=2, description="Stance (−2 to +2)", style=c.LABEL, continuous_update=False)
    reset_one = W.Button(description="Reset this person", icon="undo")
    reset_all = W.Button(description="Reset everyone", icon="refresh")
    position = W.HTML()
    chart = W.HTML()
    table = W.HTML()
    status = W.HTML()
    for w, cls in ((pick_initiative, "initiative"), (person, "person"), (power, "power"), (interest, "interest"),
                   (stance, "stance"), (reset_one, "reset-person"), (reset_all, "reset"), (position, "position"),
                   (chart, "chart"), (table, "table"), (status, "status")):
        w.add_class(f"pmkit-stakeholder-grid-{cls}")
    busy = {"on": False}

    def fill():
        busy["on"] = True
        try:
            person.options = [(f"{model.name(i)} · {model._rows.at[i, 'role']}", i) for i in model.ids]
            person.value = model.selected
            power.value = model.value(model.selected, "power")
            interest.value = model.value(model.selected, "interest")
            stance.value = model.value(model.selected, "stance")
        finally:
            busy["on"] = False

    def refresh():
        q = model.quadrant_of()
        position.value = (f'<div class="pmkit-note" role="status"><b>{c.esc(q)}</b>. '
                          f"{c.esc(model.position_text())}</div>")
        chart.value = model.figure_html()
        counts = " · ".join(f"{k}: {v}" for k, v in model.counts().items())
        table.value = c.TABLE_CSS + f'<p class="pmkit-note">{c.esc(counts)}</p>' + model.table_html()

    def on_person(change):
        if busy["on"] or change["new"] is None:
            return
        model.select(change["new"])
        fill()
        refresh()

    def on_score(field):
        def handler(change):
            if busy["on"]:
                return
            try:
                model.set(model.selected, **{field: change["new"]})
                status.value = ""
            except ValueError as err:
                status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                fill()
                return
            refresh()
        return handler

    def on_initiative(change):
        model.set_initiative(change["new"])
        fill()
        refresh()

    def on_reset(which):
        def handler(_):
            model.reset(model.selected if which == "one" else None)
            fill()
            refresh()
        return handler

    person.observe(on_person, names="value")
    for w, field in ((power, "power"), (interest, "interest"), (stance, "stance")):
        w.observe(on_score(field), names="value")
    pick_initiative.observe(on_initiative, names="value")
    reset_one.on_click(on_reset("one"))
    reset_all.on_click(on_reset("all"))
    fill()
    refresh()
    controls = W.VBox([pick_initiative, person, power, interest, stance, W.HBox([reset_one, reset_all])])
    app = W.VBox([controls, position, status, chart,
                  W.Accordion(children=[table], titles=("Everyone, by quadrant",))])
    app.add_class("pmkit-stakeholder-grid")
    app.model_ = model
    return app


# =============================================================================================
# The decision-rights editor
# =============================================================================================
_PAIRS = {"RACI": ("R/A", "C/I"), "DACI": ("D/A",), "RAPID": ("P/D", "R/D")}


class DecisionMatrixModel:
    """Edit RACI, DACI and RAPID matrices and see every problem as you go."""

    def __init__(self, matrices: Mapping[str, st.DecisionMatrix] | st.DecisionMatrix | None = None,
                 start: str | None = None):
        if matrices is None or isinstance(matrices, (str, Path)):
            matrices = st.load_matrices(matrices)
        if isinstance(matrices, st.DecisionMatrix):
            matrices = {matrices.id or matrices.framework: matrices}
        if not matrices:
            raise ValueError("There are no decision matrices to edit.")
        self.originals = {k: m.copy() for k, m in matrices.items()}
        self.current = {k: m.copy() for k, m in matrices.items()}
        self.key = start if start is not None else next(iter(self.current))
        if self.key not in self.current:
            raise ValueError(f"There is no matrix {start!r}. Choose one of: {', '.join(self.current)}.")

    @property
    def keys(self) -> list[str]:
        return list(self.current)

    @property
    def matrix(self) -> st.DecisionMatrix:
        return self.current[self.key]

    def title(self, key: str | None = None) -> str:
        m = self.current[key or self.key]
        return m.title or m.id or m.framework

    def select(self, key: str) -> None:
        if key not in self.current:
            raise ValueError(f"There is no matrix {key!r}. Choose one of: {', '.join(self.current)}.")
        self.key = key

    def people(self) -> list[str]:
        return self.matrix.names()

    def decisions(self) -> list[str]:
        return self.matrix.decisions

    def code(self, decision: str) -> str:
        return f"D{self.decisions().index(decision) + 1}"

    def role_options(self) -> list[tuple[str, str]]:
        """(label, value) pairs for one cell's dropdown: no role, each role, common pairs."""
        fw = self.matrix.framework
        options = [("—", "")] + [(k, k) for k in st.FRAMEWORKS[fw]]  # the legend names each letter
        extra = list(_PAIRS[fw])
        for row in self.matrix.cells.values():
            for roles in row.values():
                text = "/".join(roles)
                if len(roles) > 1 and text not in extra:
                    extra.append(text)
        options += [(pair, pair) for pair in extra]
        return options

    def role(self, decision: str, person: str) -> str:
        return self.matrix.role(decision, person)

    def set_role(self, decision: str, person: str, value: Any) -> None:
        self.matrix.set_role(decision, person, value)

    def reset(self) -> None:
        self.current[self.key] = self.originals[self.key].copy()

    def problems(self) -> list[st.MatrixProblem]:
        return self.matrix.problems()

    def to_dict(self) -> dict:
        return self.matrix.to_dict()

    def problems_html(self) -> str:
        probs = self.problems()
        head = f'<p class="pmkit-note" role="status"><b>{c.esc(self.matrix.summary())}</b></p>'
        if not probs:
            return head
        items = []
        for p in probs:
            word, symbol = ("Error", "✗") if p.level == "error" else ("Smell", "⚠")
            where = f"{self.code(p.decision)} · " if p.decision in self.decisions() else ""
            items.append(f'<li class="pmkit-decision-matrix-{p.level}"><b>{symbol} {word}</b> · {c.esc(where)}'
                         f"{c.esc(p.message)}</li>")
        return head + '<ul style="margin:0.2em 0;padding-left:1.2em">' + "".join(items) + "</ul>"

    def legend_html(self) -> str:
        fw = self.matrix.framework
        roles = "; ".join(f"<b>{k}</b> {c.esc(name)}: {c.esc(st.ROLE_HELP[fw][k])}"
                          for k, name in st.FRAMEWORKS[fw].items())
        decisions = "".join(f"<li><b>{self.code(d)}</b>: {c.esc(d)}</li>" for d in self.decisions())
        note = self.matrix.note
        return (f'<p class="pmkit-note">{c.esc(note)}</p>' if note else "") + (
            f'<p class="pmkit-note">{fw} roles: {roles}.</p><ul class="pmkit-note" style="margin:0">{decisions}</ul>')

    def table_html(self) -> str:
        t = self.matrix.table()
        head = "".join(f'<th scope="col" title="{c.esc(d)}">{self.code(d)}</th>' for d in t.columns)
        rows = []
        for person, r in t.iterrows():
            cells = "".join(f"<td>{c.esc(v) or '·'}</td>" for v in r)
            rows.append(f'<tr><th scope="row">{c.esc(person)}</th>{cells}</tr>')
        return (f'<table class="pmkit-table"><caption>{c.esc(self.title())}</caption><thead><tr>'
                f'<th scope="col">Person</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def decision_matrix_editor(matrices: Mapping[str, st.DecisionMatrix] | st.DecisionMatrix | str | Path | None = None,
                           start: str | None = None):
    """The RACI/DACI/RAPID editor: one dropdown per person and decision, checked as you change it.

    ``matrices``: None for the course's file, matrices you built, or the path of your own YAML file."""
    import ipywidgets as W

    try:
        model = DecisionMatrixModel(matrices, start)
    except (ValueError, TypeError, OSError) as err:
        return c.error_widget(err, "decision-rights editor")
    pick = W.Dropdown(options=[(model.title(k), k) for k in model.keys], value=model.key, description="Matrix",
                      style=c.LABEL, layout=W.Layout(width="560px"))
    reset = W.Button(description="Back to the original", icon="undo")
    legend = W.HTML()
    grid_box = W.VBox()
    problems = W.HTML()
    for w, cls in ((pick, "matrix"), (reset, "reset"), (legend, "legend"), (grid_box, "grid"),
                   (problems, "problems")):
        w.add_class(f"pmkit-decision-matrix-{cls}")

    def build_grid():
        decisions = model.decisions()
        options = model.role_options()
        rows = [W.HBox([W.HTML("<b>Person</b>", layout=W.Layout(width="150px"))]
                       + [W.HTML(f'<b title="{c.esc(d)}">{model.code(d)}</b>', layout=W.Layout(width="110px"))
                          for d in decisions])]
        for person in model.people():
            cells = []
            for d in decisions:
                value = model.role(d, person)
                opts = options if any(v == value for _, v in options) else options + [(f"{value} ?", value)]
                dd = W.Dropdown(options=opts, value=value, description=model.code(d),
                                tooltip=f"{person}: role in '{d}'", style={"description_width": "26px"},
                                layout=W.Layout(width="110px"))
                dd.add_class("pmkit-decision-matrix-cell")
                dd.observe(on_cell(d, person), names="value")
                cells.append(dd)
            rows.append(W.HBox([W.HTML(c.esc(person), layout=W.Layout(width="150px"))] + cells))
        grid_box.children = rows

    def refresh():
        legend.value = model.legend_html()
        problems.value = model.problems_html()

    def on_cell(decision, person):
        def handler(change):
            try:
                model.set_role(decision, person, change["new"])
            except ValueError as err:
                problems.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                return
            refresh()
        return handler

    def on_pick(change):
        model.select(change["new"])
        build_grid()
        refresh()

    def on_reset(_):
        model.reset()
        build_grid()
        refresh()

    pick.observe(on_pick, names="value")
    reset.on_click(on_reset)
    build_grid()
    refresh()
    app = W.VBox([W.HBox([pick, reset]), legend, problems, grid_box])
    app.add_class("pmkit-decision-matrix")
    app.model_ = model
    return app


# =============================================================================================
# The communication-plan builder
# =============================================================================================
class CommsPlanModel:
    """Build a communication plan from the stakeholder data, change any line, export Markdown."""

    def __init__(self, stakeholders: pd.DataFrame | None = None, initiative: str | None = None,
                 matrix: st.DecisionMatrix | None = None, owner: str | None = None):
        self.data = _checked_stakeholders(stakeholders)
        rows = st.select_initiative(self.data, initiative)
        self.initiative = str(rows["initiative"].iloc[0])
        self.matrix = matrix
        if owner is None:  # Priya owns the course's plans; your own plan has no owner until you name one
            owner = "Priya Nair" if self.initiative in st.INITIATIVE_TITLES else ""
        self.owner = owner
        self.overrides: dict[str, dict[str, Any]] = {}
        self.selected = self.people()[0]

    def people(self) -> list[str]:
        """Everyone, in plan order (people left out of the plan last)."""
        full = st.comms_plan(self.data, self.initiative, self.matrix, self.owner, self._active_overrides(False))
        return list(full.index)

    def _active_overrides(self, honour_include: bool = True) -> dict:
        if honour_include:
            return self.overrides
        return {k: {f: v for f, v in o.items() if f != "include"} for k, o in self.overrides.items()}

    def _check(self, name: str) -> str:
        known = self.people()
        if name not in known:
            raise ValueError(f"There is nobody called {name!r} in this plan. People: {', '.join(known)}.")
        return name

    def select(self, name: str) -> None:
        self.selected = self._check(name)

    def _set(self, name: str, field: str, value: Any) -> None:
        self.overrides.setdefault(self._check(name), {})[field] = value

    def set_channel(self, name: str, channel: str) -> None:
        text = " ".join(str(channel or "").split())
        if not text:
            raise ValueError("Name a channel, like '1:1 meeting' or 'email'.")
        self._set(name, "channel", text)

    def set_cadence(self, name: str, cadence: str) -> None:
        try:
            value = st._parse_cadence(cadence)
        except st._Bad as err:
            raise ValueError(str(err)) from None
        if not value:
            raise ValueError(f"Choose a cadence: {', '.join(st.CADENCES)}.")
        self._set(name, "cadence", value)

    def set_message(self, name: str, message: str) -> None:
        text = " ".join(str(message or "").split())
        if not text:
            self.overrides.get(self._check(name), {}).pop("message", None)  # back to the suggestion
            return
        self._set(name, "message", text)

    def set_include(self, name: str, include: bool) -> None:
        self._set(name, "include", bool(include))

    def included(self, name: str) -> bool:
        return self.overrides.get(name, {}).get("include", True) is not False

    def reset(self) -> None:
        self.overrides.clear()

    def plan(self) -> pd.DataFrame:
        return st.comms_plan(self.data, self.initiative, self.matrix, self.owner, self.overrides)

    def row(self, name: str | None = None) -> pd.Series:
        name = self._check(name or self.selected)
        full = st.comms_plan(self.data, self.initiative, self.matrix, self.owner, self._active_overrides(False))
        return full.loc[name]

    def markdown(self) -> str:
        return st.plan_markdown(self.plan(), owner=self.owner)

    @property
    def filename(self) -> str:
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", self.initiative).strip("-") or "plan"
        return f"comms_plan_{stem}.md"

    def export(self, filename: str | None = None) -> Path:
        """Write the plan as Markdown to ``my-work/04-stakeholders/`` and return the file."""
        return st.save_markdown(self.markdown(), filename or self.filename)

    @property
    def save_key(self) -> str:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.initiative).strip(".-") or "plan"
        return f"comms_plan.{stem}"

    def save(self) -> Path:
        return work.save_answer(MODULE, self.save_key, self.overrides)

    def load(self) -> list[str]:
        saved = work.load_answer(MODULE, self.save_key)
        if saved is None:
            return []
        if not isinstance(saved, dict):
            return ["Your saved plan changes were not in the expected form; starting from the suggestions."]
        skipped = []
        setters = {"channel": self.set_channel, "cadence": self.set_cadence, "message": self.set_message,
                   "include": self.set_include}
        for name, fields in saved.items():
            if not isinstance(fields, dict):
                continue
            for field, value in fields.items():
                try:
                    setters[field](name, value)
                except (KeyError, ValueError, TypeError) as err:
                    skipped.append(f"skipped a saved change for {name} ({field}): {err}")
        return skipped

    def preview_html(self) -> str:
        plan = self.plan()
        rows = []
        for n, (name, r) in enumerate(plan.iterrows(), start=1):
            need = f"<b>{c.esc(r['needed'])}</b><br>" if r["needed"] else ""
            rows.append(f'<tr data-item="{c.esc(name)}"><td>{n}</td><th scope="row">{c.esc(name)}<br>'
                        f'<span class="pmkit-note">{c.esc(r["quadrant"])} · stance {st._signed(int(r["stance"]))}'
                        f"</span></th><td>{c.esc(r['channel'])}</td><td>{c.esc(r['cadence'])}</td>"
                        f'<td style="text-align:left">{need}{c.esc(r["message"])}</td></tr>')
        left_out = [p for p in self.people() if not self.included(p)]
        foot = (f'<p class="pmkit-note">Left out of the plan: {c.esc(", ".join(left_out))}.</p>' if left_out else "")
        return (c.TABLE_CSS + '<table class="pmkit-table"><caption>Communication plan: decisions needed first'
                '</caption><thead><tr><th scope="col">#</th><th scope="col">Who</th><th scope="col">Channel</th>'
                '<th scope="col">Cadence</th><th scope="col">What we need, and the message</th></tr></thead><tbody>'
                + "".join(rows) + "</tbody></table>" + foot)


def comms_plan_builder(stakeholders: pd.DataFrame | str | Path | None = None, initiative: str | None = None,
                       matrix: st.DecisionMatrix | None = None, owner: str | None = None,
                       restore: bool = True, autosave: bool = True):
    """The communication-plan builder: change each person's channel, cadence and message; export."""
    import ipywidgets as W

    try:
        model = CommsPlanModel(stakeholders, initiative, matrix, owner)
    except (ValueError, TypeError, OSError) as err:
        return c.error_widget(err, "communication-plan builder")
    messages = model.load() if restore else []
    person = W.Dropdown(options=model.people(), value=model.selected, description="Person", style=c.LABEL,
                        layout=W.Layout(width="360px"))
    channel = W.Combobox(options=list(st.CHANNELS), description="Channel", style=c.LABEL, ensure_option=False,
                         continuous_update=False, layout=W.Layout(width="360px"))
    cadence = W.Dropdown(options=list(st.CADENCES), description="Cadence", style=c.LABEL,
                         layout=W.Layout(width="360px"))
    include = W.Checkbox(description="Include in the plan", indent=False)
    message = W.Textarea(description="Message", style=c.LABEL, layout=W.Layout(width="620px", height="80px"))
    save_msg = W.Button(description="Use this message", icon="check")
    export = W.Button(description="Export Markdown", icon="download")
    reset = W.Button(description="Back to the suggestions", icon="undo")
    status = W.HTML()
    preview = W.HTML()
    markdown = W.HTML()
    for w, cls in ((person, "person"), (channel, "channel"), (cadence, "cadence"), (include, "include"),
                   (message, "message"), (save_msg, "use-message"), (export, "export"), (reset, "reset"),
                   (status, "status"), (preview, "preview"), (markdown, "markdown")):
        w.add_class(f"pmkit-comms-plan-{cls}")
    busy = {"on": False}

    def fill():
        busy["on"] = True
        try:
            r = model.row()
            channel.value = str(r["channel"])
            cadence.options = list(dict.fromkeys(list(st.CADENCES) + [str(r["cadence"])]))
            cadence.value = str(r["cadence"])
            include.value = model.included(model.selected)
            message.value = str(r["message"])
        finally:
            busy["on"] = False

    def refresh(note: str = ""):
        preview.value = model.preview_html()
        markdown.value = f'<pre style="white-space:pre-wrap;font-size:0.8em">{c.esc(model.markdown())}</pre>'
        if note:
            status.value = note

    def saved() -> str:
        if not autosave:
            return ""
        path = model.save()
        return f'<span class="pmkit-note">Saved your changes to {c.esc(_short(path))}.</span>'

    def change(setter):
        def handler(ch):
            if busy["on"]:
                return
            try:
                setter(model.selected, ch["new"])
            except ValueError as err:
                status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                return
            refresh(saved())
        return handler

    def on_person(ch):
        model.select(ch["new"])
        fill()

    def on_message(_):
        try:
            model.set_message(model.selected, message.value)
        except ValueError as err:
            status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
            return
        fill()
        refresh(saved())

    def on_export(_):
        try:
            path = model.export()
        except (OSError, ValueError) as err:
            status.value = f'<span class="pmkit-error">The plan was not exported: {c.esc(err)}</span>'
            return
        status.value = f'<span class="pmkit-note">Exported the plan to {c.esc(_short(path))}.</span>'

    def on_reset(_):
        model.reset()
        fill()
        refresh(saved())

    person.observe(on_person, names="value")
    channel.observe(change(model.set_channel), names="value")
    cadence.observe(change(model.set_cadence), names="value")
    include.observe(change(model.set_include), names="value")
    save_msg.on_click(on_message)
    export.on_click(on_export)
    reset.on_click(on_reset)
    fill()
    note = ""
    if model.overrides:
        note = ('<span class="pmkit-note">Restored the changes you saved earlier. Press “Back to the suggestions” '
                "to start again.</span>")
    if messages:
        note += "".join(f'<br><span class="pmkit-error">{c.esc(m)}</span>' for m in messages)
    refresh(note)
    controls = W.VBox([W.HTML(f"<b>{c.esc(st.initiative_title(model.initiative))}</b>"),
                       W.HBox([person, include]), W.HBox([channel, cadence]), message,
                       W.HBox([save_msg, export, reset])])
    app = W.VBox([controls, status, preview, W.Accordion(children=[markdown], titles=("The Markdown",))])
    app.add_class("pmkit-comms-plan")
    app.model_ = model
    return app


# =============================================================================================
# The scenario player
# =============================================================================================
class ScenarioPlayerModel:
    """Play a role-play scenario one choice at a time, with trust and alignment meters."""

    def __init__(self, scenarios: Mapping[str, st.Scenario] | st.Scenario | None = None, start: str | None = None):
        if scenarios is None:
            scenarios = st.load_scenarios()
        elif isinstance(scenarios, (str, Path)):  # a scenario file of your own, or a folder of them
            where = Path(scenarios).expanduser()
            scenarios = st.load_scenarios(where) if where.is_dir() else st.load_scenario(where)
        if isinstance(scenarios, st.Scenario):
            scenarios = {scenarios.id: scenarios}
        if not scenarios:
            raise ValueError("There are no scenarios to play.")
        self.scenarios = dict(scenarios)
        key = start if start is not None else next(iter(self.scenarios))
        if key not in self.scenarios:
            raise ValueError(f"There is no scenario {start!r}. Choose one of: {', '.join(self.scenarios)}.")
        self.key = key
        self.run = self.scenarios[key].run()
        self.last: st.Move | None = None

    @property
    def keys(self) -> list[str]:
        return list(self.scenarios)

    @property
    def scenario(self) -> st.Scenario:
        return self.run.scenario

    @property
    def ending(self) -> st.Ending | None:
        return self.run.ending

    @property
    def finished(self) -> bool:
        return self.run.finished

    @property
    def trust(self) -> int:
        return self.run.trust

    @property
    def alignment(self) -> int:
        return self.run.alignment

    def select(self, key: str) -> None:
        if key not in self.scenarios:
            raise ValueError(f"There is no scenario {key!r}. Choose one of: {', '.join(self.scenarios)}.")
        self.key = key
        self.run = self.scenarios[key].run()
        self.last = None

    def letters(self) -> list[str]:
        step = self.run.current
        return [] if step is None else [ch.letter for ch in step.choices]

    def choose(self, choice: Any) -> st.Move:
        self.last = self.run.choose(choice)
        return self.last

    def restart(self) -> None:
        self.run.restart()
        self.last = None

    def result(self) -> st.PlayResult:
        return self.run.result()

    def step_html(self) -> str:
        sc = self.scenario
        if self.run.finished:
            e = self.run.ending
            word = {"good": "A good ending", "mixed": "A mixed ending", "poor": "A poor ending"}[e.outcome]
            return (f'<div class="pmkit-scenario-player-ending"><p><b>{c.esc(word)}: {c.esc(e.title)}</b></p>'
                    f"<p>{c.esc(e.text)}</p><p class=\"pmkit-note\">Press “Restart” to try another path.</p></div>")
        step = self.run.current
        intro = f'<p class="pmkit-note">{c.esc(sc.summary)}</p>' if len(self.run.path) == 1 else ""
        choices = "".join(f"<li><b>{ch.letter}.</b> {c.esc(ch.text)}</li>" for ch in step.choices)
        # A bold paragraph, not a heading: the widget sits under an h2 in the lesson and an h1 on
        # the exercises page, and no heading level fits both without skipping one.
        return (f'<p class="pmkit-scenario-step" style="margin:0.3em 0"><b>{c.esc(sc.title)} · step {len(self.run.path)}</b></p>{intro}'
                f"<p>{c.esc(step.situation)}</p><p><b>What do you do?</b></p>"
                f'<ul style="list-style:none;padding-left:0.4em">{choices}</ul>')

    @staticmethod
    def _meter(label: str, value: int) -> str:
        span = st.METER
        shown = max(-span, min(span, value))
        left = 50 + 50 * min(shown, 0) / span
        width = 50 * abs(shown) / span
        colour = c.BLUE if value >= 0 else c.VERMILLION
        pattern = "" if value >= 0 else "background-image:repeating-linear-gradient(45deg,transparent 0 4px,#fff 4px 6px);"
        return (f'<div class="pmkit-scenario-player-meter" style="margin:0.2em 0">'
                f"<b>{c.esc(label)}: {st._signed(value)}</b> <span class=\"pmkit-note\">(from −{span} to +{span}; "
                f"{'above' if value > 0 else 'below' if value < 0 else 'at'} the start)</span>"
                f'<div role="meter" aria-label="{c.esc(label)}" aria-valuemin="-{span}" aria-valuemax="{span}" '
                f'aria-valuenow="{value}" style="position:relative;height:12px;width:300px;border:1px solid #555;'
                f'background:#f4f4f4"><div style="position:absolute;left:50%;top:0;bottom:0;border-left:2px solid #000">'
                f'</div><div style="position:absolute;left:{left:.1f}%;width:{width:.1f}%;top:0;bottom:0;'
                f'background:{colour};{pattern}"></div></div></div>')

    def meters_html(self) -> str:
        return self._meter("Trust", self.trust) + self._meter("Alignment", self.alignment)

    def explanation_html(self) -> str:
        if self.last is None:
            return ('<p class="pmkit-note">After each choice you see how it moved trust and alignment, '
                    "and why.</p>")
        m = self.last
        return (f'<div role="status"><p><b>You chose {m.letter}</b> (trust {st._signed(m.trust)}, alignment '
                f"{st._signed(m.alignment)}): {c.esc(m.choice)}</p><p><b>Why:</b> {c.esc(m.why)}</p></div>")

    def history_html(self) -> str:
        moves = self.run.moves
        if not moves:
            return '<p class="pmkit-note">No choices yet.</p>'
        items = "".join(f"<li><b>{c.esc(m.step)} · {m.letter}</b> (trust {st._signed(m.trust)}, alignment "
                        f"{st._signed(m.alignment)}): {c.esc(m.why)}</li>" for m in moves)
        return f"<ol>{items}</ol>"


def scenario_player(scenarios: Mapping[str, st.Scenario] | st.Scenario | str | Path | None = None,
                    start: str | None = None):
    """Play the role-play scenarios: read the situation, pick a choice, watch trust and alignment.

    ``scenarios``: None for the course's two, loaded scenarios, or the path of your own scenario
    file (or a folder of them); a file with problems shows them instead of the player."""
    import ipywidgets as W

    try:
        model = ScenarioPlayerModel(scenarios, start)
    except (ValueError, TypeError, OSError) as err:  # ScenarioError is a ValueError
        return c.error_widget(err, "scenario player")
    pick = W.Dropdown(options=[(model.scenarios[k].title, k) for k in model.keys], value=model.key,
                      description="Scenario", style=c.LABEL, layout=W.Layout(width="420px"))
    restart = W.Button(description="Restart", icon="refresh")
    step = W.HTML()
    buttons = W.HBox()
    meters = W.HTML()
    explanation = W.HTML()
    history = W.HTML()
    for w, cls in ((pick, "scenario"), (restart, "restart"), (step, "step"), (buttons, "choices"),
                   (meters, "meters"), (explanation, "explanation"), (history, "history")):
        w.add_class(f"pmkit-scenario-player-{cls}")

    def make_buttons():
        step_now = model.run.current
        row = []
        for ch in (step_now.choices if step_now else ()):
            b = W.Button(description=f"Choose {ch.letter}", tooltip=ch.text, layout=W.Layout(width="auto"))
            b.add_class("pmkit-scenario-player-choice")
            b.on_click(on_choice(ch.letter))
            row.append(b)
        buttons.children = row

    def refresh():
        step.value = model.step_html()
        meters.value = model.meters_html()
        explanation.value = model.explanation_html()
        history.value = model.history_html()
        make_buttons()

    def on_choice(letter):
        def handler(_):
            try:
                model.choose(letter)
            except ValueError as err:
                explanation.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                return
            refresh()
        return handler

    def on_pick(change):
        model.select(change["new"])
        refresh()

    def on_restart(_):
        model.restart()
        refresh()

    pick.observe(on_pick, names="value")
    restart.on_click(on_restart)
    refresh()
    app = W.VBox([W.HBox([pick, restart]), step, buttons, explanation, meters,
                  W.Accordion(children=[history], titles=("Your choices so far",))])
    app.add_class("pmkit-scenario-player")
    app.model_ = model
    return app


def _short(path: Path) -> str:
    from ..paths import REPO_ROOT

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
