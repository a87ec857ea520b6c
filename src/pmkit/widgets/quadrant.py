"""Value vs effort 2x2: where each item sits, and how moving the split lines reshuffles it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import prioritization as pr
from . import _common as c

QUADRANT_STYLE = {
    # colour + marker shape, so the quadrant never depends on colour alone
    "Quick win": (c.GREEN, "o"),
    "Big bet": (c.BLUE, "s"),
    "Fill-in": (c.ORANGE, "^"),
    "Time sink": (c.VERMILLION, "X"),
}


class ValueEffortModel:
    """Value (reach x impact x confidence) against effort, split into four quadrants.

    The split lines default to the medians; the learner can move them.
    """

    def __init__(self, backlog: pd.DataFrame):
        self.backlog = backlog = c.checked_backlog(backlog)
        base = pr.value_effort_quadrants(backlog)
        self.default_value_split = base.attrs["value_split"]
        self.default_effort_split = base.attrs["effort_split"]
        self.value_split = self.default_value_split
        self.effort_split = self.default_effort_split
        self.theme: str | None = None
        self._table = base

    @property
    def themes(self) -> list[str]:
        return c.themes_of(self.backlog)

    def set_splits(self, value_split: float | None = None, effort_split: float | None = None) -> None:
        for name, v in (("value", value_split), ("effort", effort_split)):
            if v is not None and (not np.isfinite(float(v)) or float(v) < 0):
                raise ValueError(f"The {name} split must be 0 or more.")
        if value_split is not None:
            self.value_split = float(value_split)
        if effort_split is not None:
            self.effort_split = float(effort_split)
        self._table = pr.value_effort_quadrants(self.backlog, self.value_split, self.effort_split)

    def set_theme(self, theme: str | None) -> None:
        self.theme = c.pick_theme(theme, self.themes)

    def table(self) -> pd.DataFrame:
        t = self._table
        if self.theme is not None:
            t = t[t["theme"].astype(str) == self.theme]
        return t

    def counts(self) -> dict[str, int]:
        q = self.table()["quadrant"].value_counts()
        return {name: int(q.get(name, 0)) for name in pr.QUADRANTS}

    def quadrant_of(self, item_id: str) -> str:
        return str(self._table.at[item_id, "quadrant"])

    def figure(self, label_top: int = 10) -> Figure:
        t = self.table()
        fig = Figure(figsize=(7.5, 5.2), layout="constrained")
        ax = fig.subplots()
        for name, (colour, marker) in QUADRANT_STYLE.items():
            part = t[t["quadrant"] == name]
            ax.scatter(part["effort"], part["value"], s=60, c=colour, marker=marker, label=f"{name} ({len(part)})",
                       edgecolors="black", linewidths=0.5, alpha=0.9)
        ax.axvline(self.effort_split, color=c.GREY, linestyle="--", linewidth=1)
        ax.axhline(self.value_split, color=c.GREY, linestyle="--", linewidth=1)
        if len(t) and (t["value"] > 0).all():
            ax.set_yscale("log")
        elif len(t):
            ax.set_yscale("symlog", linthresh=1.0)
            ax.set_ylim(bottom=0)
        for text, x, y, ha, va in (("Quick wins", 0.01, 0.99, "left", "top"), ("Big bets", 0.99, 0.99, "right", "top"),
                                   ("Fill-ins", 0.01, 0.01, "left", "bottom"),
                                   ("Time sinks", 0.99, 0.01, "right", "bottom")):
            ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=9, color="#444", style="italic")
        labelled = t.sort_values("rice", ascending=False).head(label_top)
        for item_id, row in labelled.iterrows():
            ax.annotate(str(item_id), (row["effort"], row["value"]), xytext=(4, 3), textcoords="offset points",
                        fontsize=8)
        ax.set_xlabel("Effort (person-months)")
        ax.set_ylabel("Value per quarter (reach × impact × confidence, log scale)")
        ax.set_title("Value vs effort · dashed lines are the splits (default: medians)", fontsize=9)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title="Quadrant")
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    def table_html(self) -> str:
        t = self.table()
        cols = {"id": "Id", "title": "Item", "quadrant": "Quadrant", "value": "Value / qtr", "effort": "Effort (pm)"}
        fmt = {"title": c.esc, "quadrant": c.esc, "value": c.fmt_number, "effort": c.fmt_number}
        return c.html_table(t, cols, fmt, caption="Items by quadrant (Quick wins first)")


def value_effort_chart(backlog: pd.DataFrame | None = None):
    """The value-vs-effort 2x2 as an ipywidgets app: move the split lines, filter by theme."""
    import ipywidgets as W

    if backlog is None:
        from ..data import load_backlog

        backlog = load_backlog()
    try:
        model = ValueEffortModel(backlog)
    except ValueError as err:
        return c.error_widget(err, "value-vs-effort chart")
    t = model.table()
    vmax = float(t["value"].max()) if len(t) else 1.0
    emax = float(t["effort"].max()) if len(t) else 1.0
    value = W.FloatSlider(value=model.value_split, min=0, max=vmax, step=max(vmax / 200, 0.01),
                          description="Value split", style=c.LABEL, continuous_update=False, readout_format=",.0f",
                          layout=W.Layout(width="420px"))
    effort = W.FloatSlider(value=model.effort_split, min=0, max=emax, step=0.5, description="Effort split", style=c.LABEL,
                           continuous_update=False, readout_format=".1f", layout=W.Layout(width="420px"))
    theme = W.Dropdown(options=[c.ALL_THEMES] + model.themes, description="Theme", style=c.LABEL)
    reset = W.Button(description="Back to medians", icon="undo")
    counts = W.HTML()
    chart = W.Output()
    table = W.HTML()
    for w, cls in ((value, "value"), (effort, "effort"), (theme, "theme"), (reset, "reset"), (counts, "counts"),
                   (chart, "chart"), (table, "table")):
        w.add_class(f"pmkit-quadrant-{cls}")

    def refresh(*_):
        model.set_splits(value.value, effort.value)
        model.set_theme(theme.value)
        n = model.counts()
        counts.value = '<p class="pmkit-note">' + " · ".join(f"{k}: {v}" for k, v in n.items()) + "</p>"
        c.show_figure(chart, model.figure())
        table.value = c.TABLE_CSS + model.table_html()

    def on_reset(_):
        value.value = model.default_value_split
        effort.value = model.default_effort_split

    for w in (value, effort, theme):
        w.observe(refresh, names="value")
    reset.on_click(on_reset)
    refresh()
    app = W.VBox([W.HBox([value, effort]), W.HBox([theme, reset]), counts, chart,
                  W.Accordion(children=[table], titles=("Items by quadrant",))])
    app.add_class("pmkit-quadrant")
    app.model_ = model
    return app
