"""Uncertainty view: each item's chance of making the top k when estimates are ranges."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import prioritization as pr
from . import _common as c


class UncertaintyModel:
    """Seeded Monte Carlo over the estimators' ranges (see :func:`pr.monte_carlo_topk`)."""

    def __init__(self, backlog: pd.DataFrame, estimates: pd.DataFrame, k: int = 3, n: int = 2000,
                 seed: int = 2026):
        self.backlog = backlog = c.checked_backlog(backlog)
        self.ranges = pr.estimate_ranges(estimates, backlog)
        self.k, self.n, self.seed = k, n, seed
        self.widen = 1.0
        self._run()

    def _run(self) -> None:
        ranges = self.ranges
        if self.widen != 1.0:
            ranges = ranges.copy()
            for f in pr.RICE_FACTORS:
                mode = ranges[f"{f}_mode"]
                ranges[f"{f}_low"] = mode - (mode - ranges[f"{f}_low"]) * self.widen
                ranges[f"{f}_high"] = mode + (ranges[f"{f}_high"] - mode) * self.widen
                ranges[f"{f}_low"] = ranges[f"{f}_low"].clip(lower=0)
        self._table = pr.monte_carlo_topk(self.backlog, ranges, k=self.k, n=self.n, seed=self.seed)

    def set_k(self, k: int) -> None:
        if int(k) < 1:
            raise ValueError("k must be 1 or more.")
        self.k = int(k)
        self._run()

    def set_widen(self, factor: float) -> None:
        """Scale every range around the agreed value (1 = as estimated, 0 = no uncertainty)."""
        if float(factor) < 0:
            raise ValueError("The range factor must be 0 or more.")
        self.widen = float(factor)
        self._run()

    def table(self) -> pd.DataFrame:
        return self._table

    def summary(self) -> str:
        t = self._table
        sure = t[t["p_top_k"] >= 0.9]
        contested = t[(t["p_top_k"] >= 0.2) & (t["p_top_k"] < 0.9)]
        by_rank = t.sort_values("rank")
        point_top = list(by_rank.index[: self.k])
        parts = [f"With point estimates the top {self.k} is {', '.join(point_top)}."]
        parts.append(f"Across {self.n:,} simulated estimate sets (seed {self.seed}), "
                     f"{len(sure)} item(s) make the top {self.k} at least 90% of the time"
                     + (f" ({', '.join(sure.index)})" if len(sure) else "") + ".")
        if len(contested):
            parts.append(f"Contested (20–90%): {', '.join(contested.index)}.")
        return " ".join(parts)

    def figure(self, n: int = 12) -> Figure:
        full = self._table
        # always show today's top k, even when the simulation rarely puts them there
        keep = full.index[:n].union(full.index[full["rank"] <= self.k], sort=False)
        t = full.loc[[i for i in full.index if i in set(keep)]].iloc[::-1]
        fig = Figure(figsize=(7.5, 0.32 * max(len(t), 3) + 1.2), layout="constrained")
        ax = fig.subplots()
        in_point_top = t["rank"] <= self.k
        bars = ax.barh([f"{i} · {str(r.title)[:36]}" for i, r in t.iterrows()], t["p_top_k"],
                       color=[c.BLUE if x else c.SKY for x in in_point_top])
        for bar, x in zip(bars, in_point_top):
            if not x:
                bar.set_hatch("..")
        for y, p in enumerate(t["p_top_k"]):
            ax.text(min(p + 0.01, 0.93), y, f"{p:.0%}", va="center", fontsize=8)
        ax.set_xlim(0, 1)
        ax.axvline(0.5, color=c.GREY, linestyle=":", linewidth=1)
        ax.set_xlabel(f"Probability of landing in the top {self.k}")
        ax.set_title(f"Top-{self.k} probability · dark = in today's top {self.k}, dotted = not", fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    def table_html(self, n: int = 12) -> str:
        t = self._table.head(n)
        cols = {"id": "Id", "title": "Item", "rank": "Rank (point)", "p_top_k": f"P(top {self.k})",
                "p_top_1": "P(first)", "rank_p10": "Rank, optimistic", "rank_p90": "Rank, pessimistic"}
        fmt = {"title": c.esc, "rank": str, "p_top_k": c.fmt_percent, "p_top_1": c.fmt_percent,
               "rank_p10": lambda v: f"{v:.0f}", "rank_p90": lambda v: f"{v:.0f}"}
        return c.html_table(t, cols, fmt, caption="Chance of making the cut (optimistic = 10th percentile rank)")


def uncertainty_view(backlog: pd.DataFrame | None = None, estimates: pd.DataFrame | None = None,
                     k: int = 3, n: int = 2000, seed: int = 2026):
    """Choose k and how wide the ranges are; see each item's top-k probability."""
    import ipywidgets as W

    from ..data import load_backlog, load_estimates

    if backlog is None:
        backlog = load_backlog()
    if estimates is None:
        estimates = load_estimates(backlog=backlog)
    try:
        model = UncertaintyModel(backlog, estimates, k=k, n=n, seed=seed)
    except ValueError as err:
        return c.error_widget(err, "uncertainty view")
    pick_k = W.IntSlider(value=k, min=1, max=min(10, len(backlog)), description="Top k", style=c.LABEL, continuous_update=False)
    widen = W.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.25, description="Range ×", style=c.LABEL, continuous_update=False,
                          readout_format=".2f")
    summary = W.HTML()
    chart = W.Output()
    table = W.HTML()
    for w, cls in ((pick_k, "k"), (widen, "widen"), (summary, "summary"), (chart, "chart"), (table, "table")):
        w.add_class(f"pmkit-uncertainty-{cls}")

    def refresh(*_):
        model.k = int(pick_k.value)
        model.set_widen(widen.value)
        summary.value = f'<p class="pmkit-note">{model.summary()}</p>'
        c.show_figure(chart, model.figure())
        table.value = c.TABLE_CSS + model.table_html()

    pick_k.observe(refresh, names="value")
    widen.observe(refresh, names="value")
    refresh()
    app = W.VBox([W.HBox([pick_k, widen]), summary, chart,
                  W.Accordion(children=[table], titles=("The numbers",))])
    app.add_class("pmkit-uncertainty")
    app.model_ = model
    return app
