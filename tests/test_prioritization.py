"""Unit and property tests of pmkit.prioritization."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pmkit import prioritization as pr
from pmkit.synthetic import synthetic_backlog


@pytest.fixture
def intercom():
    """Intercom's three worked projects (facts note; Intercom's RICE post)."""
    return pd.DataFrame({
        "id": ["P1", "P2", "P3"],
        "title": ["Project 1", "Project 2", "Project 3"],
        # Project 1: 500 customers/month x 30% x 3 months = 450 per quarter
        "reach": [500 * 0.30 * 3, 2000, 800],
        "impact": [3, 1, 2],
        "confidence": [1.0, 0.8, 0.5],
        "effort": [2, 4, 1],
    })


def test_intercom_worked_example(intercom):
    assert pr.rice_score(450, 3, 1.0, 2) == pytest.approx(675)
    assert pr.rice_score(2000, 1, 0.8, 4) == pytest.approx(400)
    assert pr.rice_score(800, 2, 0.5, 1) == pytest.approx(800)
    table = pr.rice_table(intercom)
    assert list(table.index) == ["P3", "P1", "P2"]
    assert list(table["rank"]) == [1, 2, 3]
    assert table.loc["P1", "rice"] == pytest.approx(675)


def test_rice_score_vectorised():
    scores = pr.rice_score([100, 200], [1, 2], [0.5, 1.0], [1, 4])
    np.testing.assert_allclose(scores, [50, 100])


@pytest.mark.parametrize(
    "args, words",
    [
        ((100, 1, 0.8, 0), "effort"),
        ((100, 1, 0.8, -1), "effort"),
        ((-5, 1, 0.8, 1), "reach"),
        ((100, 1, 80, 1), "confidence"),
        ((100, 0, 0.8, 1), "impact"),
        ((float("nan"), 1, 0.8, 1), "reach"),
    ],
)
def test_rice_score_rejects_bad_input_with_a_clear_message(args, words):
    with pytest.raises(ValueError, match=words):
        pr.rice_score(*args)


finite = st.floats(allow_nan=True, allow_infinity=True, width=64)


@given(finite, finite, finite, finite)
@settings(max_examples=200, deadline=None)
def test_rice_score_never_raises_anything_but_valueerror(r, i, c, e):
    try:
        score = pr.rice_score(r, i, c, e)
    except ValueError:
        return
    assert math.isfinite(score) or math.isinf(score)  # huge reach / tiny effort may overflow to inf
    assert score >= 0


@given(st.floats(0, 1e6), st.sampled_from(pr.IMPACT_SCALE), st.sampled_from([0.5, 0.8, 1.0]),
       st.floats(0.5, 100))
@settings(max_examples=100, deadline=None)
def test_rice_monotone(reach, impact, confidence, effort):
    base = pr.rice_score(reach, impact, confidence, effort)
    assert pr.rice_score(reach + 1, impact, confidence, effort) >= base
    assert pr.rice_score(reach, impact, confidence, effort + 1) <= base


def test_ice_conventions_are_named_and_differ():
    assert pr.ice_score(8, 5, 5, "product") == 200
    assert pr.ice_score(8, 5, 5, "average") == pytest.approx(6.0)
    # (9,9,1) beats (5,5,5) on average but loses on product: the conventions can disagree
    assert pr.ice_score(9, 9, 1, "average") > pr.ice_score(5, 5, 5, "average")
    assert pr.ice_score(9, 9, 1, "product") < pr.ice_score(5, 5, 5, "product")
    with pytest.raises(ValueError, match="product"):
        pr.ice_score(5, 5, 5, "sum")
    with pytest.raises(ValueError, match="1 to 10"):
        pr.ice_score(11, 5, 5)


def test_wsjf():
    assert pr.wsjf_score(8, 5, 3, 2) == pytest.approx(8.0)
    with pytest.raises(ValueError, match="job size"):
        pr.wsjf_score(8, 5, 3, 0)


def test_weighted_scoring_normalises_weights():
    b = synthetic_backlog(20)
    t1 = pr.weighted_table(b, {"crit_customer": 1, "crit_revenue": 1})
    t2 = pr.weighted_table(b, {"crit_customer": 50, "crit_revenue": 50})
    pd.testing.assert_series_equal(t1["weighted"], t2["weighted"])
    assert t1["weighted"].between(1, 5).all()
    with pytest.raises(ValueError):
        pr.weighted_table(b, {"crit_customer": -1})
    with pytest.raises(ValueError, match="crit_nonsense"):
        pr.weighted_table(b, {"crit_nonsense": 1})


def test_value_effort_quadrants(intercom):
    q = pr.value_effort_quadrants(intercom, value_split=1000, effort_split=1.5)
    # P1: value 1350, effort 2 -> Big bet; P2: 1600, 4 -> Big bet; P3: 800, 1 -> Fill-in
    assert q.loc["P1", "quadrant"] == "Big bet"
    assert q.loc["P3", "quadrant"] == "Fill-in"
    q2 = pr.value_effort_quadrants(intercom, value_split=1000, effort_split=3)
    assert q2.loc["P1", "quadrant"] == "Quick win"
    assert q2.loc["P3", "quadrant"] == "Fill-in"
    assert set(pr.value_effort_quadrants(synthetic_backlog(50))["quadrant"]) <= set(pr.QUADRANTS)


def test_rank_agreement_uses_scipy_kendall():
    a = pd.Series([1, 2, 3, 4, 5], index=list("abcde"))
    b = pd.Series([2, 1, 3, 5, 4], index=list("abcde"))
    tau, p = pr.rank_agreement(a, b)
    expected = stats.kendalltau([1, 2, 3, 4, 5], [2, 1, 3, 5, 4])
    assert tau == pytest.approx(expected.statistic)
    assert pr.rank_agreement(a, a)[0] == pytest.approx(1.0)
    assert pr.rank_agreement(a, a[::-1].set_axis(a.index))[0] == pytest.approx(-1.0)
    # aligned on item ids, not position
    assert pr.rank_agreement(a, a.iloc[::-1])[0] == pytest.approx(1.0)


def test_compare_frameworks_moves_and_tau():
    b = synthetic_backlog(30)
    cmp = pr.compare_frameworks(b, "RICE", "WSJF")
    assert (cmp["moved"] == cmp["rank_a"] - cmp["rank_b"]).all()
    assert sorted(cmp["rank_b"]) == list(range(1, 31))
    assert -1 <= cmp.attrs["tau"] <= 1
    same = pr.compare_frameworks(b, "RICE", "RICE")
    assert same.attrs["tau"] == pytest.approx(1.0)
    assert (same["moved"] == 0).all()
    with pytest.raises(ValueError, match="Unknown framework"):
        pr.rank_table(b, "MAGIC")


def test_fits_capacity_greedy_skips_what_does_not_fit():
    t = pd.DataFrame({"effort": [3.0, 5.0, 1.0, 2.0]}, index=list("abcd"))
    assert list(pr.fits_capacity(t, 6)) == [True, False, True, True]
    assert not pr.fits_capacity(t, 0).any()
    with pytest.raises(ValueError):
        pr.fits_capacity(t, -1)


def test_missing_columns_named():
    b = pd.DataFrame({"id": ["a"], "title": ["x"], "reach": [1]})
    with pytest.raises(ValueError, match="impact, confidence, effort"):
        pr.rice_table(b)


def test_duplicate_ids_refused():
    b = synthetic_backlog(3)
    b.loc[1, "id"] = b.loc[0, "id"]
    with pytest.raises(ValueError, match="unique"):
        pr.rice_table(b)


@pytest.fixture
def est_for_intercom():
    return pd.DataFrame({
        "item_id": ["P1", "P1", "P2", "P2", "P3", "P3"],
        "estimator": ["a", "b"] * 3,
        "reach": [400, 500, 1500, 2500, 700, 900],
        "impact": [2, 3, 1, 1, 2, 3],
        "confidence": [0.8, 1, 0.8, 0.5, 0.5, 0.8],
        "effort": [2, 3, 3, 5, 1, 2],
    })


def test_estimate_ranges_include_agreed_value(intercom, est_for_intercom):
    r = pr.estimate_ranges(est_for_intercom, intercom)
    assert r.loc["P1", "reach_low"] == 400 and r.loc["P1", "reach_high"] == 500
    # agreed P1 reach is 450, inside; P2 agreed effort 4 inside [3, 5]
    assert r.loc["P2", "effort_low"] == 3 and r.loc["P2", "effort_high"] == 5
    assert (r["reach_low"] <= r["reach_mode"]).all() and (r["reach_mode"] <= r["reach_high"]).all()


def test_monte_carlo_is_seeded_and_sane(intercom, est_for_intercom):
    r = pr.estimate_ranges(est_for_intercom, intercom)
    a = pr.monte_carlo_topk(intercom, r, k=1, n=500, seed=1)
    b = pr.monte_carlo_topk(intercom, r, k=1, n=500, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert a["p_top_k"].sum() == pytest.approx(1.0)  # exactly one item is first in each run
    k2 = pr.monte_carlo_topk(intercom, r, k=2, n=500, seed=1)
    assert k2["p_top_k"].sum() == pytest.approx(2.0)


def test_monte_carlo_without_uncertainty_reproduces_point_ranking(intercom):
    ranges = pd.DataFrame(index=["P1", "P2", "P3"])
    for f in pr.RICE_FACTORS:
        ranges[f"{f}_low"] = intercom.set_index("id")[f].astype(float)
        ranges[f"{f}_high"] = ranges[f"{f}_low"]
    out = pr.monte_carlo_topk(intercom, ranges, k=1, n=50)
    assert out.loc["P3", "p_top_k"] == 1.0
    assert out.loc["P1", "p_top_k"] == 0.0


def test_sensitivity_changes_really_flip_the_top(intercom):
    """Apply each feasible change just past its threshold: the top item must change."""
    s = pr.sensitivity(intercom)
    top = s.attrs["top"]
    for row in s[s["feasible"]].itertuples():
        changed = intercom.astype({f: float for f in pr.RICE_FACTORS})
        idx = changed.index[changed["id"] == row.id][0]
        if row.factor == "impact":
            new = row.needed_on_scale
        elif row.factor == "effort":
            new = row.needed * (1.001 if row.id == top else 0.999)
        else:
            new = row.needed * (0.999 if row.id == top else 1.001)
        changed.loc[idx, row.factor] = new
        assert pr.rice_table(changed).index[0] != top, row
    # the smallest change is the first feasible row and is sorted
    smallest = pr.smallest_change_to_top(intercom)
    assert smallest["relative_change"] == pytest.approx(s[s["feasible"]]["relative_change"].min())
    text = pr.describe_change(smallest)
    assert smallest["id"] in text and smallest["factor"] in text


def test_sensitivity_marks_impossible_changes(intercom):
    s = pr.sensitivity(intercom)
    conf = s[(s["id"] == "P2") & (s["factor"] == "confidence")].iloc[0]
    assert conf["needed"] > 1 and not conf["feasible"]


def test_disagreement_spread(est_for_intercom):
    d = pr.disagreement(est_for_intercom)
    assert (d["spread"] >= 1).all()
    assert d["rice_min"].le(d["rice_mean"]).all() and d["rice_mean"].le(d["rice_max"]).all()


def test_triangular_sampler_stays_in_range_and_has_the_right_mean():
    rng = np.random.default_rng(0)
    low, mode, high = np.array([0.0, 5.0, 2.0]), np.array([1.0, 5.0, 2.0]), np.array([4.0, 5.0, 2.0])
    x = pr._sample_factor(rng, low, mode, high, 20000)
    assert (x >= low).all() and (x <= high).all()
    assert x[:, 0].mean() == pytest.approx((0 + 1 + 4) / 3, abs=0.03)
    assert (x[:, 1] == 5).all() and (x[:, 2] == 2).all()   # zero-width ranges are exact
