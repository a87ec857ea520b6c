"""Prioritization frameworks as plain functions over a backlog table.

Every function takes a backlog as loaded by :func:`pmkit.data.load_backlog` (one row per item,
an ``id`` column) and returns a new DataFrame indexed by item id. Nothing here draws, prints or
touches widgets, so the same code serves the notebooks, the widget models, the tests and the
benchmark.

Sources of the definitions (see ``shared/notes/domain-facts.md`` and Module 03):

* RICE: Sean McBride, "RICE: Simple prioritization for product managers", Intercom blog.
* ICE: Sean Ellis / GrowthHackers. Two conventions exist: the product of the three scores
  (1-1000) and their average (1-10). Both are offered and named.
* WSJF: Scaled Agile Framework (SAFe). Cost of Delay = user-business value + time criticality +
  risk reduction / opportunity enablement; WSJF = Cost of Delay / job size.
* Weighted scoring: criteria scored 1-5, weights that sum to 100 %.
* Kendall's tau: :func:`scipy.stats.kendalltau` (tau-b, which handles ties).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

RICE_FACTORS = ("reach", "impact", "confidence", "effort")
ICE_COLUMNS = ("ice_impact", "ice_confidence", "ice_ease")
WSJF_COLUMNS = ("business_value", "time_criticality", "risk_reduction", "job_size")
CRITERIA = ("crit_customer", "crit_revenue", "crit_strategy", "crit_risk")
DEFAULT_WEIGHTS = {"crit_customer": 0.35, "crit_revenue": 0.25, "crit_strategy": 0.30, "crit_risk": 0.10}
IMPACT_SCALE = (0.25, 0.5, 1.0, 2.0, 3.0)
QUADRANTS = ("Quick win", "Big bet", "Fill-in", "Time sink")
FRAMEWORKS = ("RICE", "ICE (product)", "ICE (average)", "WSJF", "Weighted", "Value/effort")

_DESCRIPTIVE = ("title", "theme", "kind")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _require(backlog: pd.DataFrame, columns: Iterable[str], framework: str) -> None:
    missing = [c for c in columns if c not in backlog.columns]
    if missing:
        raise ValueError(
            f"{framework} needs the column(s) {', '.join(missing)}, which this backlog does not have. "
            "See datasets/README.md for what each column means."
        )


def _by_id(backlog: pd.DataFrame) -> pd.DataFrame:
    """Return the backlog indexed by item id (accepts a frame already indexed by id)."""
    if "id" in backlog.columns:
        out = backlog.set_index("id", drop=True)
    else:
        out = backlog.copy()
    out.index = out.index.astype(str)
    out.index.name = "id"
    if out.index.has_duplicates:
        dups = sorted(set(out.index[out.index.duplicated()]))
        raise ValueError(f"Item ids must be unique; repeated: {', '.join(dups)}")
    return out


def _descriptive(frame: pd.DataFrame) -> list[str]:
    return [c for c in _DESCRIPTIVE if c in frame.columns]


def _ranked(frame: pd.DataFrame, score: str, ascending: bool = False) -> pd.DataFrame:
    """Sort by score (ties broken by id so results are stable) and add a 1-based rank."""
    out = frame.copy()
    out["_id"] = out.index
    out = out.sort_values([score, "_id"], ascending=[ascending, True], kind="mergesort")
    out = out.drop(columns="_id")
    out["rank"] = np.arange(1, len(out) + 1)
    # what a reader looks for first (the score and the rank) goes next to the title, so narrow
    # screens and the book's column show it without scrolling sideways
    first = [c for c in ("title", score, "rank") if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


def _as_array(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


# --------------------------------------------------------------------------------------------
# RICE
# --------------------------------------------------------------------------------------------
def rice_score(reach, impact, confidence, effort):
    """Intercom's RICE score: reach x impact x confidence / effort.

    ``reach`` counts people or events per period (>= 0); ``impact`` is on Intercom's scale
    (3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal); ``confidence`` is a fraction in (0, 1]
    (100 % high, 80 % medium, 50 % low); ``effort`` is person-months (> 0).
    Works on scalars (returns a float) or array-likes (returns an array).
    """
    r, i, c, e = (_as_array(v) for v in (reach, impact, confidence, effort))
    problems = []
    if np.any(~np.isfinite(r)) or np.any(r < 0):
        problems.append("reach must be a number of people or events per period, 0 or more")
    if np.any(~np.isfinite(i)) or np.any(i <= 0):
        problems.append("impact must be on Intercom's scale: 3, 2, 1, 0.5 or 0.25")
    if np.any(~np.isfinite(c)) or np.any((c <= 0) | (c > 1)):
        problems.append("confidence must be a fraction between 0 and 1 (0.8 for 80%)")
    if np.any(~np.isfinite(e)) or np.any(e <= 0):
        problems.append("effort must be more than 0 person-months (use 0.5 for well under a month)")
    if problems:
        raise ValueError("Cannot compute RICE: " + "; ".join(problems) + ".")
    with np.errstate(over="ignore"):  # astronomically large inputs give inf, not a warning
        score = r * i * c / e
    return float(score) if score.ndim == 0 else score


def rice_table(backlog: pd.DataFrame) -> pd.DataFrame:
    """Every item's RICE score, best first, with its rank (1 = do first)."""
    _require(backlog, RICE_FACTORS, "RICE")
    items = _by_id(backlog)
    out = items[_descriptive(items) + list(RICE_FACTORS)].copy()
    out["rice"] = rice_score(*(items[c].to_numpy(float) for c in RICE_FACTORS))
    return _ranked(out, "rice")


# --------------------------------------------------------------------------------------------
# ICE
# --------------------------------------------------------------------------------------------
def ice_score(impact, confidence, ease, method: str = "product"):
    """ICE (Sean Ellis): impact, confidence and ease, each scored 1-10.

    ``method="product"`` multiplies them (1-1000); ``method="average"`` averages them (1-10).
    The two conventions can rank items differently, so always say which one you use.
    """
    i, c, e = (_as_array(v) for v in (impact, confidence, ease))
    for name, arr in (("impact", i), ("confidence", c), ("ease", e)):
        if np.any(~np.isfinite(arr)) or np.any((arr < 1) | (arr > 10)):
            raise ValueError(f"ICE {name} must be a score from 1 to 10.")
    if method == "product":
        score = i * c * e
    elif method == "average":
        score = (i + c + e) / 3
    else:
        raise ValueError('ICE method must be "product" (1-1000) or "average" (1-10).')
    return float(score) if np.ndim(score) == 0 else score


def ice_table(backlog: pd.DataFrame, method: str = "product") -> pd.DataFrame:
    _require(backlog, ICE_COLUMNS, "ICE")
    items = _by_id(backlog)
    out = items[_descriptive(items) + list(ICE_COLUMNS)].copy()
    out["ice"] = ice_score(*(items[c].to_numpy(float) for c in ICE_COLUMNS), method=method)
    out.attrs["method"] = method
    return _ranked(out, "ice")


# --------------------------------------------------------------------------------------------
# WSJF
# --------------------------------------------------------------------------------------------
def wsjf_score(business_value, time_criticality, risk_reduction, job_size):
    """SAFe's Weighted Shortest Job First: cost of delay / job size.

    Cost of delay = user-business value + time criticality + risk reduction / opportunity
    enablement, each a relative score (1, 2, 3, 5, 8, 13, 20) against a reference item.
    """
    bv, tc, rr, js = (_as_array(v) for v in (business_value, time_criticality, risk_reduction, job_size))
    if np.any(~np.isfinite(js)) or np.any(js <= 0):
        raise ValueError("WSJF job size must be more than 0.")
    for name, arr in (("business value", bv), ("time criticality", tc), ("risk reduction", rr)):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError(f"WSJF {name} must be a relative score of 0 or more.")
    score = (bv + tc + rr) / js
    return float(score) if np.ndim(score) == 0 else score


def wsjf_table(backlog: pd.DataFrame) -> pd.DataFrame:
    _require(backlog, WSJF_COLUMNS, "WSJF")
    items = _by_id(backlog)
    out = items[_descriptive(items) + list(WSJF_COLUMNS)].copy()
    out["cost_of_delay"] = out[["business_value", "time_criticality", "risk_reduction"]].sum(axis=1).astype(float)
    out["wsjf"] = wsjf_score(*(items[c].to_numpy(float) for c in WSJF_COLUMNS))
    return _ranked(out, "wsjf")


# --------------------------------------------------------------------------------------------
# Weighted scoring
# --------------------------------------------------------------------------------------------
def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Scale weights so they sum to 1. Negative or all-zero weights are refused."""
    if not weights:
        raise ValueError("Give at least one criterion and its weight.")
    w = {str(k): float(v) for k, v in weights.items()}
    bad = [k for k, v in w.items() if not np.isfinite(v) or v < 0]
    if bad:
        raise ValueError(f"Weights must be 0 or more; check {', '.join(bad)}.")
    total = sum(w.values())
    if total <= 0:
        raise ValueError("At least one weight must be more than 0.")
    return {k: v / total for k, v in w.items()}


def weighted_table(backlog: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Weighted scoring: each criterion scored 1-5, weights normalised to sum to 100 %.

    The score is the weighted sum (so it is also on a 1-5 scale).
    """
    w = normalise_weights(weights or DEFAULT_WEIGHTS)
    _require(backlog, w, "Weighted scoring")
    items = _by_id(backlog)
    out = items[_descriptive(items) + list(w)].copy()
    out["weighted"] = sum(out[c].astype(float) * wt for c, wt in w.items())
    out.attrs["weights"] = w
    return _ranked(out, "weighted")


# --------------------------------------------------------------------------------------------
# Value vs effort
# --------------------------------------------------------------------------------------------
def value_effort_quadrants(
    backlog: pd.DataFrame,
    value_split: float | None = None,
    effort_split: float | None = None,
) -> pd.DataFrame:
    """Place every item in a value-vs-effort 2x2.

    Value is RICE's numerator (reach x impact x confidence: the expected benefit per quarter),
    effort is person-months. Splits default to the medians. Quadrant names are not standard;
    the course uses Quick win (high value, low effort), Big bet (high, high), Fill-in (low, low)
    and Time sink (low value, high effort). Items are ranked Quick wins first, then Big bets,
    Fill-ins and Time sinks, by value per effort within each.
    """
    table = rice_table(backlog)
    table["value"] = table["reach"] * table["impact"] * table["confidence"]
    vs = float(table["value"].median()) if value_split is None else float(value_split)
    es = float(table["effort"].median()) if effort_split is None else float(effort_split)
    high_value = table["value"] >= vs
    high_effort = table["effort"] > es
    table["quadrant"] = np.select(
        [high_value & ~high_effort, high_value & high_effort, ~high_value & ~high_effort],
        ["Quick win", "Big bet", "Fill-in"],
        default="Time sink",
    )
    order = {q: n for n, q in enumerate(QUADRANTS)}
    table["_q"] = table["quadrant"].map(order)
    table["_id"] = table.index
    table = table.sort_values(["_q", "rice", "_id"], ascending=[True, False, True], kind="mergesort")
    table = table.drop(columns=["_q", "_id", "rank"])
    table["rank"] = np.arange(1, len(table) + 1)
    first = ["title", "quadrant", "value", "effort", "rank"]
    table = table[[c for c in first if c in table.columns] + [c for c in table.columns if c not in first]]
    table.attrs["value_split"] = vs
    table.attrs["effort_split"] = es
    return table


# --------------------------------------------------------------------------------------------
# Comparing frameworks
# --------------------------------------------------------------------------------------------
_SCORE_COLUMN = {
    "RICE": "rice",
    "ICE (product)": "ice",
    "ICE (average)": "ice",
    "WSJF": "wsjf",
    "Weighted": "weighted",
    "Value/effort": "value",
}


def rank_table(backlog: pd.DataFrame, framework: str, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The ranked table of one framework by name (one of :data:`FRAMEWORKS`).

    The returned frame always has a ``score`` column (the framework's own score) and ``rank``.
    """
    if framework == "RICE":
        t = rice_table(backlog)
    elif framework == "ICE (product)":
        t = ice_table(backlog, "product")
    elif framework == "ICE (average)":
        t = ice_table(backlog, "average")
    elif framework == "WSJF":
        t = wsjf_table(backlog)
    elif framework == "Weighted":
        t = weighted_table(backlog, weights)
    elif framework == "Value/effort":
        t = value_effort_quadrants(backlog)
    else:
        raise ValueError(f"Unknown framework {framework!r}; choose one of: {', '.join(FRAMEWORKS)}.")
    t["score"] = t[_SCORE_COLUMN[framework]]
    t.attrs["framework"] = framework
    return t


def rank_agreement(ranks_a, ranks_b) -> tuple[float, float]:
    """Kendall's tau (tau-b) between two rankings of the same items, and its p-value.

    +1 means the same order, 0 no relation, -1 the reverse order. Uses scipy.
    """
    a = pd.Series(ranks_a)
    b = pd.Series(ranks_b)
    if isinstance(ranks_a, pd.Series) and isinstance(ranks_b, pd.Series):
        if set(a.index) != set(b.index):
            raise ValueError("Both rankings must cover the same items.")
        b = b.reindex(a.index)
    if len(a) != len(b):
        raise ValueError("Both rankings must cover the same items.")
    if len(a) < 2:
        raise ValueError("Rank agreement needs at least two items.")
    result = stats.kendalltau(a.to_numpy(float), b.to_numpy(float))
    return float(result.statistic), float(result.pvalue)


def compare_frameworks(
    backlog: pd.DataFrame, a: str, b: str, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Rank the backlog under two frameworks and show how far each item moves.

    ``moved`` is rank under ``a`` minus rank under ``b``: positive means the item climbs under
    ``b``. Kendall's tau and its p-value are in ``.attrs["tau"]`` and ``.attrs["p_value"]``.
    """
    ta = rank_table(backlog, a, weights)
    tb = rank_table(backlog, b, weights)
    out = ta[_descriptive(ta)].copy()
    out["rank_a"] = ta["rank"]
    out["rank_b"] = tb["rank"].reindex(out.index)
    out["moved"] = out["rank_a"] - out["rank_b"]
    out = out.sort_values(["rank_a"], kind="mergesort")
    tau, p = rank_agreement(out["rank_a"], out["rank_b"])
    out.attrs.update({"a": a, "b": b, "tau": tau, "p_value": p})
    return out


# --------------------------------------------------------------------------------------------
# Capacity
# --------------------------------------------------------------------------------------------
def fits_capacity(table: pd.DataFrame, capacity_pm: float) -> pd.Series:
    """Which items fit in ``capacity_pm`` person-months, taking them in rank order.

    Greedy: walk down the ranking and keep every item whose effort still fits in what is left
    (a large item that does not fit is skipped, and smaller ones below it may still fit).
    """
    if not np.isfinite(capacity_pm) or capacity_pm < 0:
        raise ValueError("Capacity must be 0 or more person-months.")
    left = float(capacity_pm)
    fits = []
    for effort in table["effort"].to_numpy(float):
        ok = effort <= left + 1e-9
        if ok:
            left -= effort
        fits.append(ok)
    return pd.Series(fits, index=table.index, name="fits")


# --------------------------------------------------------------------------------------------
# Uncertainty
# --------------------------------------------------------------------------------------------
def estimate_ranges(estimates: pd.DataFrame, backlog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Low/high of every RICE factor per item across independent estimators.

    ``estimates`` is long format (item_id, estimator, reach, impact, confidence, effort). If a
    backlog is given, its agreed values are added as ``<factor>_mode`` and the range is widened
    to include them.
    """
    _require(estimates, ("item_id",) + RICE_FACTORS, "Estimate ranges")
    grouped = estimates.groupby(estimates["item_id"].astype(str))
    out = pd.DataFrame(index=sorted(grouped.groups))
    out.index.name = "id"
    for f in RICE_FACTORS:
        out[f"{f}_low"] = grouped[f].min().astype(float)
        out[f"{f}_high"] = grouped[f].max().astype(float)
    out["estimators"] = grouped["item_id"].size()
    if backlog is not None:
        items = _by_id(backlog)
        out = out.reindex(items.index)
        for f in RICE_FACTORS:
            mode = items[f].astype(float)
            out[f"{f}_mode"] = mode
            out[f"{f}_low"] = out[f"{f}_low"].fillna(mode).combine(mode, min)
            out[f"{f}_high"] = out[f"{f}_high"].fillna(mode).combine(mode, max)
        out["estimators"] = out["estimators"].fillna(0).astype(int)
    return out


def disagreement(estimates: pd.DataFrame) -> pd.DataFrame:
    """How far estimators disagree on each item: the ratio high/low of their RICE scores.

    A mean hides this: two estimators at 1 and 9 person-months "agree" on 5.
    """
    e = estimates.copy()
    e["rice"] = rice_score(*(e[c].to_numpy(float) for c in RICE_FACTORS))
    g = e.groupby(e["item_id"].astype(str))["rice"]
    out = pd.DataFrame({"rice_min": g.min(), "rice_mean": g.mean(), "rice_max": g.max()})
    out["spread"] = out["rice_max"] / out["rice_min"].where(out["rice_min"] > 0)
    out.index.name = "id"
    return out.sort_values("spread", ascending=False, kind="mergesort")


def _sample_factor(rng, low, mode, high, n):
    """Triangular samples (rows = simulations, columns = items) by the inverse CDF.

    Unlike ``Generator.triangular`` this accepts zero-width ranges (low == high), which is what
    an item with no uncertainty has.
    """
    low = np.minimum(low, mode)
    high = np.maximum(high, mode)
    width = high - low
    left = mode - low
    u = rng.random((n, len(low)))
    with np.errstate(divide="ignore", invalid="ignore"):
        split = np.where(width > 0, left / width, 0.0)
    rising = low + np.sqrt(u * width * left)
    falling = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(u < split, rising, falling)


def monte_carlo_topk(
    backlog: pd.DataFrame,
    ranges: pd.DataFrame,
    k: int = 3,
    n: int = 2000,
    seed: int = 2026,
) -> pd.DataFrame:
    """Each item's chance of landing in the top ``k`` when estimates are ranges, not points.

    Every RICE factor is drawn from a triangular distribution between its low and high with the
    backlog's agreed value as the most likely one; impact is then snapped to Intercom's scale
    and confidence kept within (0, 1]. The same ``seed`` gives the same answer every run.
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be a whole number of items, 1 or more.")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError("n (the number of simulations) must be 1 or more.")
    table = rice_table(backlog)
    ids = table.index
    r = ranges.reindex(ids)
    rng = np.random.default_rng(seed)
    draws = {}
    for f in RICE_FACTORS:
        mode = table[f].to_numpy(float)
        low = r[f"{f}_low"].fillna(pd.Series(mode, index=ids)).to_numpy(float) if f"{f}_low" in r else mode
        high = r[f"{f}_high"].fillna(pd.Series(mode, index=ids)).to_numpy(float) if f"{f}_high" in r else mode
        draws[f] = _sample_factor(rng, low, mode, high, n)
    scale = np.array(IMPACT_SCALE)
    draws["impact"] = scale[np.abs(draws["impact"][..., None] - scale).argmin(axis=-1)]
    draws["confidence"] = np.clip(draws["confidence"], 1e-6, 1.0)
    draws["effort"] = np.maximum(draws["effort"], 1e-6)
    draws["reach"] = np.maximum(draws["reach"], 0.0)
    scores = draws["reach"] * draws["impact"] * draws["confidence"] / draws["effort"]
    # rank within each simulation: 1 = best; ties broken by position (stable)
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(n)[:, None]
    ranks[rows, order] = np.arange(1, len(ids) + 1)
    kk = min(k, len(ids))
    out = table[_descriptive(table)].copy()
    out["rice"] = table["rice"]
    out["rank"] = table["rank"]
    out["p_top_k"] = (ranks <= kk).mean(axis=0)
    out["p_top_1"] = (ranks == 1).mean(axis=0)
    out["median_rank"] = np.median(ranks, axis=0)
    out["rank_p10"] = np.percentile(ranks, 10, axis=0)
    out["rank_p90"] = np.percentile(ranks, 90, axis=0)
    out.attrs.update({"k": kk, "n": n, "seed": seed})
    out["_id"] = out.index
    out = out.sort_values(["p_top_k", "rice", "_id"], ascending=[False, False, True], kind="mergesort")
    first = ["title", "p_top_k", "p_top_1", "rank", "median_rank"]
    return out[[c for c in first if c in out.columns] + [c for c in out.columns if c not in first + ["_id"]]]


# --------------------------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Change:
    item: str
    factor: str
    current: float
    needed: float


def sensitivity(backlog: pd.DataFrame) -> pd.DataFrame:
    """The smallest change to one estimate that would change which item comes first under RICE.

    For every item and every factor, holding everything else fixed:

    * for a challenger, the value the factor would need for the item to overtake today's top
      item (reach, impact or confidence up, effort down);
    * for today's top item, the value that would drop it below the runner-up.

    ``relative_change`` is the size of that change as a fraction of the current value; rows are
    sorted smallest first. ``feasible`` is False when the needed value is off the scale
    (confidence above 100 %, impact above 3). ``needed`` for impact is the exact break-even
    value; ``needed_on_scale`` is the nearest scale step that actually flips the order.
    """
    table = rice_table(backlog)
    if len(table) < 2:
        raise ValueError("Sensitivity needs at least two items.")
    top_id, second_id = table.index[0], table.index[1]
    top_score, second_score = table["rice"].iloc[0], table["rice"].iloc[1]
    rows = []
    for item, row in table.iterrows():
        score = row["rice"]
        if item == top_id:
            target = second_score
            ratio = target / score if score > 0 else np.nan  # factor must shrink to this ratio
            for f in RICE_FACTORS:
                cur = float(row[f])
                needed = cur / ratio if f == "effort" else cur * ratio
                rows.append((item, "would fall behind " + second_id, f, cur, needed))
        else:
            target = top_score
            for f in RICE_FACTORS:
                cur = float(row[f])
                if score <= 0:
                    needed = np.inf if f != "effort" else 0.0
                else:
                    ratio = target / score
                    needed = cur / ratio if f == "effort" else cur * ratio
                rows.append((item, "would overtake " + top_id, f, cur, needed))
    out = pd.DataFrame(rows, columns=["id", "what_happens", "factor", "current", "needed"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_change"] = np.abs(out["needed"] - out["current"]) / out["current"].where(out["current"] > 0)
    out["feasible"] = True
    out.loc[(out["factor"] == "confidence") & (out["needed"] > 1.0 + 1e-9), "feasible"] = False
    out.loc[(out["factor"] == "impact") & (out["needed"] > 3.0 + 1e-9), "feasible"] = False
    out.loc[(out["factor"] == "effort") & (out["needed"] <= 0), "feasible"] = False
    out.loc[~np.isfinite(out["needed"]), "feasible"] = False
    out["needed_on_scale"] = [
        _impact_step(r.needed, r.id == top_id) if r.factor == "impact" else np.nan for r in out.itertuples()
    ]
    is_impact = out["factor"] == "impact"
    out.loc[is_impact & out["needed_on_scale"].isna(), "feasible"] = False
    # impact moves in steps: measure its change to the scale step that really flips the order
    out.loc[is_impact, "relative_change"] = (
        (out.loc[is_impact, "needed_on_scale"] - out.loc[is_impact, "current"]).abs() / out.loc[is_impact, "current"]
    )
    titles = table["title"] if "title" in table.columns else pd.Series(table.index, index=table.index)
    out.insert(1, "title", out["id"].map(titles))
    out = out.sort_values(["feasible", "relative_change", "id", "factor"], ascending=[False, True, True, True],
                          kind="mergesort").reset_index(drop=True)
    out.attrs.update({"top": top_id, "runner_up": second_id})
    return out


def _impact_step(needed: float, falling: bool) -> float:
    """The nearest step on Intercom's impact scale that crosses ``needed``.

    A challenger needs a step strictly above the break-even; the top item falls below the
    runner-up only at a step strictly below it.
    """
    if not np.isfinite(needed):
        return np.nan
    if falling:
        below = [s for s in IMPACT_SCALE if s < needed - 1e-12]
        return max(below) if below else np.nan
    above = [s for s in IMPACT_SCALE if s > needed + 1e-12]
    return min(above) if above else np.nan


def smallest_change_to_top(backlog: pd.DataFrame) -> pd.Series:
    """The single feasible estimate change, smallest relative to its current value, that
    changes the top item (first row of :func:`sensitivity`)."""
    s = sensitivity(backlog)
    feasible = s[s["feasible"]]
    if feasible.empty:
        raise ValueError("No single feasible estimate change alters the top item.")
    return feasible.iloc[0]


def describe_change(change: pd.Series) -> str:
    """One plain-English sentence for a row of :func:`sensitivity`."""
    f = change["factor"]
    cur, need = change["current"], change["needed"]
    if f == "confidence":
        fmt = lambda v: f"{v:.0%}"  # noqa: E731
    elif f == "reach":
        fmt = lambda v: f"{v:,.0f}"  # noqa: E731
    else:
        fmt = lambda v: f"{v:.3g}"  # noqa: E731
    direction = "fell" if need < cur else "rose"
    if f == "impact" and np.isfinite(change.get("needed_on_scale", np.nan)):
        need = change["needed_on_scale"]
    return (
        f"If {change['id']}'s {f} {direction} from {fmt(cur)} to {fmt(need)} "
        f"(a {change['relative_change']:.0%} change), {change['id']} {change['what_happens']}."
    )
