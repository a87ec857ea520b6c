"""Framework comparison: rank the backlog two ways and see which items move, and how far."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import prioritization as pr
from . import _common as c


def describe_tau(tau: float) -> str:
    """Kendall's tau in plain words."""
    if tau >= 0.8:
        words = "almost the same order"
    elif tau >= 0.5:
        words = "broadly similar orders with some swaps"
    elif tau >= 0.2:
        words = "only loosely related orders"
    elif tau > -0.2:
        words = "orders with little in common"
    else:
        words = "roughly opposite orders"
    return f"Kendall's tau = {tau:+.2f}: {words}."


class FrameworkComparisonModel:
    """Two frameworks side by side. ``moved`` > 0 means the item climbs under framework B."""

    def __init__(self, backlog: pd.DataFrame, a: str = "RICE", b: str = "WSJF", weights=None):
        self.backlog = c.checked_backlog(backlog)
        self.weights = weights
        self.frameworks = [f for f in pr.FRAMEWORKS if self._available(f)]
        self.a, self.b = a, b
        self.set_frameworks(a, b)

    def _available(self, framework: str) -> bool:
        try:
            pr.rank_table(self.backlog.head(2), framework, self.weights)
            return True
        except ValueError:
            return False

    def set_frameworks(self, a: str, b: str) -> None:
        for f in (a, b):
            if f not in self.frameworks:
                raise ValueError(f"{f!r} cannot be computed for this backlog; choose from {', '.join(self.frameworks)}.")
        self.a, self.b = a, b
        self._table = pr.compare_frameworks(self.backlog, a, b, self.weights)

    def table(self) -> pd.DataFrame:
        return self._table

    @property
    def tau(self) -> float:
        return float(self._table.attrs["tau"])

    def movers(self, n: int = 5) -> pd.DataFrame:
        """The items whose rank changes most between the two frameworks."""
        t = self._table.copy()
        t["abs_moved"] = t["moved"].abs()
        t["_id"] = t.index
        return t.sort_values(["abs_moved", "_id"], ascending=[False, True]).head(n).drop(columns=["_id"])

    def top_changes(self, k: int = 5) -> tuple[list[str], list[str]]:
        """Items in A's top k but not B's, and in B's top k but not A's."""
        t = self._table
        in_a = set(t.index[t["rank_a"] <= k])
        in_b = set(t.index[t["rank_b"] <= k])
        return sorted(in_a - in_b), sorted(in_b - in_a)

    def summary(self, k: int = 5) -> str:
        out_, in_ = self.top_changes(k)
        m = self.movers(1)
        biggest = ""
        if len(m) and m["abs_moved"].iloc[0] > 0:
            i = m.index[0]
            biggest = (f" The biggest move: {i} ({c.esc(m.at[i, 'title'])}) from #{m.at[i, 'rank_a']} "
                       f"under {self.a} to #{m.at[i, 'rank_b']} under {self.b}.")
        tops = (f" Top {k} under {self.b} gains {', '.join(in_) or 'nothing'} and loses "
                f"{', '.join(out_) or 'nothing'}.")
        return describe_tau(self.tau) + tops + biggest

    def figure(self) -> Figure:
        """A slope chart: each item's rank under A (left) and B (right)."""
        t = self._table
        fig = Figure(figsize=(7.5, 0.22 * len(t) + 1.5), layout="constrained")
        ax = fig.subplots()
        big = t["moved"].abs() >= max(3, t["moved"].abs().quantile(0.75))
        for item_id, row in t.iterrows():
            up = row["moved"] > 0
            colour = (c.BLUE if up else c.VERMILLION) if big[item_id] else c.GREY
            style = "-" if up else "--"
            ax.plot([0, 1], [row["rank_a"], row["rank_b"]], color=colour, linestyle=style,
                    linewidth=2 if big[item_id] else 1, marker="o", markersize=3)
            ax.text(-0.03, row["rank_a"], str(item_id), ha="right", va="center", fontsize=7)
            ax.text(1.03, row["rank_b"], str(item_id), ha="left", va="center", fontsize=7)
        ax.set_xlim(-0.25, 1.25)
        ax.invert_yaxis()
        ax.set_xticks([0, 1], [f"{self.a}\n(rank)", f"{self.b}\n(rank)"])
        ax.set_yticks([])
        ax.set_title("How ranks change · solid blue = climbs, dashed vermillion = falls (big moves in colour)",
                     fontsize=9)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        return fig

    def table_html(self, n: int = 10) -> str:
        m = self.movers(n)
        cols = {"id": "Id", "title": "Item", "rank_a": f"Rank · {self.a}", "rank_b": f"Rank · {self.b}",
                "moved": "Places climbed"}
        fmt = {"title": c.esc, "rank_a": str, "rank_b": str, "moved": lambda v: f"{int(v):+d}"}
        return c.html_table(m, cols, fmt, caption=f"The {n} biggest moves")


def framework_comparison(backlog: pd.DataFrame | None = None, a: str = "RICE", b: str = "WSJF"):
    """Pick two frameworks; see Kendall's tau, the biggest movers and a slope chart."""
    import ipywidgets as W

    if backlog is None:
        from ..data import load_backlog

        backlog = load_backlog()
    try:
        model = FrameworkComparisonModel(backlog, a, b)
    except ValueError as err:
        return c.error_widget(err, "framework comparison")
    pick_a = W.Dropdown(options=model.frameworks, value=a, description="Framework A", style=c.LABEL)
    pick_b = W.Dropdown(options=model.frameworks, value=b, description="Framework B", style=c.LABEL)
    summary = W.HTML()
    table = W.HTML()
    chart = W.Output()
    for w, cls in ((pick_a, "a"), (pick_b, "b"), (summary, "summary"), (table, "table"), (chart, "chart")):
        w.add_class(f"pmkit-compare-{cls}")

    def refresh(*_):
        model.set_frameworks(pick_a.value, pick_b.value)
        summary.value = f'<p class="pmkit-note">{model.summary()}</p>'
        table.value = c.TABLE_CSS + model.table_html()
        c.show_figure(chart, model.figure())

    pick_a.observe(refresh, names="value")
    pick_b.observe(refresh, names="value")
    refresh()
    app = W.VBox([W.HBox([pick_a, pick_b]), summary, W.HBox([table, chart])])
    app.add_class("pmkit-compare")
    app.model_ = model
    return app
