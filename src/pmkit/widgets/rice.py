"""The RICE calculator: adjust any item's estimates and watch the ranking move.

``RiceCalculatorModel`` holds the state and does the work; ``rice_calculator()`` builds the
ipywidgets view on top of it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import prioritization as pr
from .. import work
from ..data import DataError, validate_value
from . import _common as c

FIELDS = pr.RICE_FACTORS
MODULE = "03-prioritization"
SAVE_KEY = "rice_calculator"


def check_estimate(field: str, value) -> float:
    """Validate one RICE estimate typed by a learner; return it as a float.

    Uses the same rules as the file loader (:func:`pmkit.data.validate_value`): ``"80%"``, ``80``
    and ``0.8`` are all a confidence of 0.8; impact must be on Intercom's scale; effort above 0.
    Raises ``ValueError`` with a sentence the learner can act on.
    """
    if field not in FIELDS:
        raise ValueError(f"'{field}' is not a RICE estimate; choose one of {', '.join(FIELDS)}.")
    try:
        return float(validate_value(field, value))
    except DataError as err:
        raise ValueError(f"{field}: {err.problems[0].message}") from None


class RiceCalculatorModel:
    """State of the RICE calculator.

    ``backlog`` is a loaded backlog (``pmkit.data.load_backlog``). The learner's changes are
    kept as overrides on top of the original estimates, so ``reset()`` and ``changes()`` are
    exact, and they can be saved to and restored from the learner's work folder.
    """

    def __init__(self, backlog: pd.DataFrame, capacity: float | None = None, max_rows: int = 40):
        pr._require(backlog, ("id", "title") + FIELDS, "The RICE calculator")
        items = pr._by_id(c.checked_backlog(backlog))
        self._original = items
        self._current = items.copy()
        for f in FIELDS:
            self._original[f] = self._original[f].astype(float)
            self._current[f] = self._current[f].astype(float)
        self.overrides: dict[tuple[str, str], float] = {}
        self.history: list[tuple[str, str, float, float]] = []
        self.theme: str | None = None
        total = float(self._original["effort"].sum())
        # default capacity: a third of the backlog's total effort, to the nearest half month
        self.capacity = float(capacity) if capacity is not None else round(total / 3 * 2) / 2
        self.max_rows = max_rows
        self._cache: pd.DataFrame | None = None

    # ---- state changes ---------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return list(self._original.index)

    @property
    def themes(self) -> list[str]:
        return c.themes_of(self._original)

    def title(self, item_id: str) -> str:
        return str(self._original.at[item_id, "title"])

    def estimate(self, item_id: str, field: str) -> float:
        self._check_id(item_id)
        return float(self._current.at[item_id, field])

    def original(self, item_id: str, field: str) -> float:
        self._check_id(item_id)
        return float(self._original.at[item_id, field])

    def _check_id(self, item_id: str) -> None:
        if item_id not in self._original.index:
            raise ValueError(f"There is no item {item_id!r} in this backlog.")

    def set_estimate(self, item_id: str, field: str, value) -> None:
        """Change one estimate. Invalid input raises ValueError and changes nothing."""
        self._check_id(item_id)
        number = check_estimate(field, value)
        before = float(self._current.at[item_id, field])
        self._current.at[item_id, field] = number
        if np.isclose(number, self._original.at[item_id, field]):
            self.overrides.pop((item_id, field), None)
        else:
            self.overrides[(item_id, field)] = number
        self.history.append((item_id, field, before, number))
        self._cache = None

    def set_theme(self, theme: str | None) -> None:
        self.theme = c.pick_theme(theme, self.themes)
        self._cache = None

    def set_capacity(self, person_months: float) -> None:
        value = float(person_months)
        if not np.isfinite(value) or value < 0:
            raise ValueError("Capacity must be 0 or more person-months.")
        self.capacity = value
        self._cache = None

    def reset(self, item_id: str | None = None) -> None:
        """Undo the learner's changes (for one item, or all)."""
        for key in [k for k in self.overrides if item_id is None or k[0] == item_id]:
            self._current.at[key[0], key[1]] = self._original.at[key[0], key[1]]
            del self.overrides[key]
        self._cache = None

    # ---- results ---------------------------------------------------------------------------
    def table(self) -> pd.DataFrame:
        """Ranked RICE table for the current estimates and theme, with a ``fits`` column."""
        if self._cache is None:
            items = self._current
            if self.theme is not None:
                items = items[items["theme"].astype(str) == self.theme]
            scores = pr.rice_score(*(items[f].to_numpy(float) for f in FIELDS))
            cols = [col for col in ("title", "theme") if col in items.columns]
            table = items[cols + list(FIELDS)].copy()
            table["rice"] = scores
            table = pr._ranked(table, "rice")
            table["fits"] = pr.fits_capacity(table, self.capacity)
            table["changed"] = table.index.isin({i for i, _ in self.overrides})
            self._cache = table
        return self._cache

    def top(self, n: int = 3) -> list[str]:
        return list(self.table().index[:n])

    def changes(self) -> pd.DataFrame:
        """The learner's changes against the original estimates."""
        rows = [
            {"id": i, "field": f, "original": float(self._original.at[i, f]), "now": v}
            for (i, f), v in sorted(self.overrides.items())
        ]
        return pd.DataFrame(rows, columns=["id", "field", "original", "now"])

    def summary(self) -> str:
        t = self.table()
        if t.empty:
            return "No items match this filter."
        fit = t[t["fits"]]
        scope = f"theme {self.theme}" if self.theme else "the whole backlog"
        top = ", ".join(f"{i} ({c.esc(self.title(i))})" for i in t.index[:3])
        return (
            f"Top three for {scope}: {top}. "
            f"{len(fit)} of {len(t)} items fit in {c.fmt_number(self.capacity)} person-month(s) "
            f"({c.fmt_number(fit['effort'].sum())} used)."
        )

    def table_html(self) -> str:
        t = self.table()
        shown = t.head(self.max_rows)
        changed = {(str(i), f) for (i, f) in self.overrides}
        cols = {"rank": "Rank", "id": "Id", "title": "Item"}
        if "theme" in t.columns:
            cols["theme"] = "Theme"
        cols.update({"reach": "Reach", "impact": "Impact", "confidence": "Confidence", "effort": "Effort (pm)",
                     "rice": "RICE", "fits": "Fits capacity?"})
        formats = {
            "reach": c.fmt_number, "impact": c.fmt_number, "confidence": c.fmt_percent,
            "effort": c.fmt_number, "rice": c.fmt_number, "rank": str,
            "title": c.esc, "theme": c.esc, "fits": lambda v: "yes" if v else "no",
        }
        body = c.html_table(
            shown, cols, formats, css_class="pmkit-table",
            row_class=lambda i, r: "" if r["fits"] else "pmkit-out",
            caption="RICE ranking (reach × impact × confidence ÷ effort)", highlight=changed,
        )
        more = len(t) - len(shown)
        if more > 0:
            body += f'<p class="pmkit-note">… and {more:,} more items below.</p>'
        return body

    def figure(self, n: int = 15) -> Figure:
        """Horizontal bars of the top ``n`` items; items inside the capacity line are solid."""
        t = self.table().head(n).iloc[::-1]
        fig = Figure(figsize=(7.5, 0.32 * max(len(t), 3) + 1.2), layout="constrained")
        ax = fig.subplots()
        if t.empty:
            ax.text(0.5, 0.5, "No items match this filter", ha="center", va="center")
            ax.set_axis_off()
            return fig
        colours = [c.BLUE if f else c.GREY for f in t["fits"]]
        hatches = ["" if f else "//" for f in t["fits"]]
        bars = ax.barh([f"{i} · {str(r.title)[:38]}" for i, r in t.iterrows()], t["rice"], color=colours)
        for bar, hatch, changed in zip(bars, hatches, t["changed"]):
            bar.set_hatch(hatch)
            if changed:
                bar.set_edgecolor(c.VERMILLION)
                bar.set_linewidth(2)
        ax.set_xlabel("RICE score (reach × impact × confidence ÷ effort)")
        ax.set_title(
            f"Top {len(t)} by RICE · solid = fits in {c.fmt_number(self.capacity)} person-months, "
            "hatched = does not",
            fontsize=9,
        )
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    # ---- saving the learner's work ---------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "overrides": [{"id": i, "field": f, "value": v} for (i, f), v in sorted(self.overrides.items())],
            "theme": self.theme,
            "capacity": self.capacity,
        }

    def apply_json(self, data: dict) -> list[str]:
        """Restore saved state; returns messages about entries that no longer apply."""
        skipped = []
        for entry in data.get("overrides", []):
            try:
                self.set_estimate(str(entry["id"]), str(entry["field"]), entry["value"])
            except (KeyError, TypeError, ValueError) as err:
                skipped.append(f"skipped a saved change ({entry!r}): {err}")
        try:
            if data.get("capacity") is not None:
                self.set_capacity(data["capacity"])
            self.set_theme(data.get("theme"))
        except (TypeError, ValueError) as err:
            skipped.append(f"skipped the saved filter: {err}")
        self.history.clear()
        return skipped

    @property
    def save_key(self) -> str:
        """Where this backlog's changes are saved: one entry per backlog, so experimenting with
        your own file never overwrites what you saved for the Rotawise sample (or vice versa)."""
        source = self._original.attrs.get("source")
        if source:
            from ..paths import dataset_path

            if Path(source).resolve() == dataset_path("backlog.csv").resolve():
                return SAVE_KEY
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(source).name).strip("._-") or "file"
            return f"{SAVE_KEY}.{stem}"
        digest = hashlib.sha1("\n".join(sorted(self.ids)).encode("utf-8")).hexdigest()[:10]
        return f"{SAVE_KEY}.table-{digest}"

    def save(self) -> Path:
        """Save the learner's changes in their work folder (``my-work/``); return the file."""
        return work.save_answer(MODULE, self.save_key, self.to_json())

    def load(self) -> list[str]:
        """Restore changes saved earlier. Nothing saved is fine; a damaged file is moved aside
        (by :mod:`pmkit.work`, which says so) and the original estimates are kept."""
        data = work.load_answer(MODULE, self.save_key)
        if data is None:
            return []
        if not isinstance(data, dict):
            return ["Your saved RICE estimates were not in the expected form; starting from the team's estimates."]
        return self.apply_json(data)


# --------------------------------------------------------------------------------------------
# View
# --------------------------------------------------------------------------------------------
def rice_calculator(backlog: pd.DataFrame | None = None, capacity: float | None = None,
                    restore: bool = True, autosave: bool = True):
    """The RICE calculator as an ipywidgets app.

    Pick an item, change its reach, impact, confidence or effort, filter by theme and move the
    capacity line: the ranked table and the chart update at once. With ``autosave`` every
    valid change is saved to your work folder (``my-work/``) and restored next time.
    """
    import ipywidgets as W

    sample_note = ""
    if backlog is None:
        from ..data import load_backlog

        backlog = load_backlog()
        sample_note = ('<span class="pmkit-note">No backlog was given, so this shows the Rotawise sample '
                       "backlog (datasets/backlog.csv).</span><br>")
    try:
        model = RiceCalculatorModel(backlog, capacity=capacity)
    except ValueError as err:  # DataError is a ValueError
        return c.error_widget(err, "RICE calculator")
    messages = model.load() if restore else []

    item = W.Dropdown(options=[(f"{i} · {model.title(i)}", i) for i in model.ids], description="Item", style=c.LABEL,
                      layout=W.Layout(width="420px"))
    reach = W.BoundedFloatText(min=0, max=1e12, step=100, description="Reach / qtr", style=c.LABEL, layout=W.Layout(width="220px"))
    impact = W.Dropdown(options=[(label, v) for v, label in c.IMPACT_LABELS.items()], description="Impact", style=c.LABEL,
                        layout=W.Layout(width="220px"))
    confidence = W.Dropdown(description="Confidence", style=c.LABEL, layout=W.Layout(width="220px"))
    effort = W.BoundedFloatText(min=0.5, max=1e6, step=0.5, description="Effort (pm)", style=c.LABEL, layout=W.Layout(width="220px"))
    theme = W.Dropdown(options=[c.ALL_THEMES] + model.themes, value=model.theme or c.ALL_THEMES,
                       description="Theme", style=c.LABEL, layout=W.Layout(width="300px"))
    total = float(model._original["effort"].sum())
    cap = W.FloatSlider(value=model.capacity, min=0, max=max(total, model.capacity), step=0.5,
                        description="Capacity (pm)", style=c.LABEL, continuous_update=False, readout_format=".1f",
                        layout=W.Layout(width="420px"))
    reset_item = W.Button(description="Reset this item", icon="undo")
    reset_all = W.Button(description="Reset all", icon="refresh")
    status = W.HTML()
    top = W.HTML()
    table = W.HTML()
    chart = W.Output()

    for w, cls in ((item, "item"), (reach, "reach"), (impact, "impact"), (confidence, "confidence"),
                   (effort, "effort"), (theme, "theme"), (cap, "capacity"), (reset_item, "reset-item"),
                   (reset_all, "reset"), (status, "status"), (top, "top"), (table, "table"), (chart, "chart")):
        w.add_class(f"pmkit-rice-{cls}")

    busy = {"filling": False}

    def fill_fields(*_):
        busy["filling"] = True
        try:
            i = item.value
            reach.value = model.estimate(i, "reach")
            impact.value = model.estimate(i, "impact")
            conf = model.estimate(i, "confidence")
            options = dict(c.CONFIDENCE_LABELS)
            if not any(np.isclose(conf, v) for v in options):
                options[conf] = f"{conf:.0%}"
            confidence.options = [(label, v) for v, label in sorted(options.items(), reverse=True)]
            confidence.value = next(v for v in options if np.isclose(v, conf))
            effort.value = model.estimate(i, "effort")
        finally:
            busy["filling"] = False

    def refresh(note: str = ""):
        table.value = c.TABLE_CSS + model.table_html()
        top.value = f'<p class="pmkit-note">{model.summary()}</p>'
        if note:
            status.value = note
        c.show_figure(chart, model.figure())

    def saved_note() -> str:
        if not autosave:
            return ""
        path = model.save()
        return f'<span class="pmkit-note">Saved your changes to {c.esc(_short(path))}.</span>'

    def on_estimate(field):
        def handler(change):
            if busy["filling"]:
                return
            try:
                model.set_estimate(item.value, field, change["new"])
            except ValueError as err:
                status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                fill_fields()
                return
            refresh(saved_note())
        return handler

    for w, field in ((reach, "reach"), (impact, "impact"), (confidence, "confidence"), (effort, "effort")):
        w.observe(on_estimate(field), names="value")
    item.observe(fill_fields, names="value")

    def on_theme(change):
        model.set_theme(change["new"])
        refresh(saved_note())

    def on_capacity(change):
        model.set_capacity(change["new"])
        refresh(saved_note())

    def on_reset(which):
        def handler(_):
            model.reset(item.value if which == "item" else None)
            fill_fields()
            refresh(saved_note())
        return handler

    theme.observe(on_theme, names="value")
    cap.observe(on_capacity, names="value")
    reset_item.on_click(on_reset("item"))
    reset_all.on_click(on_reset("all"))

    fill_fields()
    note = sample_note
    if model.overrides:
        note = (f'<span class="pmkit-note">Restored {len(model.overrides)} change(s) you saved earlier. '
                "Press “Reset all” to go back to the team's estimates.</span>")
    if messages:
        note += "".join(f'<br><span class="pmkit-error">{c.esc(m)}</span>' for m in messages)
    refresh(note)

    controls = W.VBox([
        W.HTML("<b>Change an item's estimates</b> (Intercom's scales)"),
        item, W.HBox([reach, effort]), W.HBox([impact, confidence]), W.HBox([reset_item, reset_all]),
        W.HTML("<b>Filter and capacity</b>"), theme, cap,
    ])
    app = W.VBox([controls, status, top, W.HBox([table]), chart])
    app.add_class("pmkit-rice")
    app.model_ = model  # for tests and curious learners
    return app


def _short(path: Path) -> str:
    """The path relative to the course folder when it is inside it (shorter to read)."""
    from ..paths import REPO_ROOT

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
