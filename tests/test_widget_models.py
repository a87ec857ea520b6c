"""The widget models, driven with no browser; and the views built headless."""

import json

import pandas as pd
import pytest

from pmkit import prioritization as pr
from pmkit.data import load_backlog, load_estimates
from pmkit.synthetic import synthetic_backlog
from pmkit.widgets.compare import FrameworkComparisonModel, describe_tau
from pmkit.widgets.quadrant import ValueEffortModel
from pmkit.widgets.rice import RiceCalculatorModel, check_estimate
from pmkit.widgets.uncertainty import UncertaintyModel


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


# ---- RICE calculator ------------------------------------------------------------------------
def test_rice_model_matches_rice_table(backlog):
    m = RiceCalculatorModel(backlog)
    expected = pr.rice_table(backlog)
    assert list(m.table().index) == list(expected.index)
    pd.testing.assert_series_equal(m.table()["rice"], expected["rice"])


def test_raising_second_items_reach_makes_it_first(backlog):
    m = RiceCalculatorModel(backlog)
    first, second = m.top(2)
    m.set_estimate(second, "reach", m.estimate(second, "reach") * 10)
    assert m.top(1) == [second]
    assert m.top(2) == [second, first]
    assert m.table().loc[second, "changed"]
    assert list(m.changes()["id"]) == [second]


@pytest.mark.parametrize("field, value, words", [
    ("effort", 0, "zero"),
    ("effort", "-1", "negative"),
    ("impact", 4, "Intercom"),
    ("confidence", "150%", "at most 100%"),
    ("reach", "lots", "not a number"),
    ("reach", -10, "negative"),
    ("colour", 1, "not a RICE estimate"),
])
def test_bad_estimates_are_refused_and_change_nothing(backlog, field, value, words):
    m = RiceCalculatorModel(backlog)
    before = m.table().copy()
    with pytest.raises(ValueError, match=words):
        m.set_estimate("B01", field, value)
    pd.testing.assert_frame_equal(m.table(), before)
    assert m.changes().empty


def test_confidence_accepts_percent_forms():
    assert check_estimate("confidence", "80%") == pytest.approx(0.8)
    assert check_estimate("confidence", 80) == pytest.approx(0.8)
    assert check_estimate("confidence", 0.8) == pytest.approx(0.8)
    assert check_estimate("reach", "1,000") == 1000


def test_unknown_item(backlog):
    with pytest.raises(ValueError, match="no item"):
        RiceCalculatorModel(backlog).set_estimate("B999", "reach", 10)


def test_theme_filter_and_capacity(backlog):
    m = RiceCalculatorModel(backlog)
    theme = m.themes[0]
    m.set_theme(theme)
    t = m.table()
    assert len(t) == (backlog["theme"] == theme).sum()
    assert (t["theme"] == theme).all()
    m.set_theme("All themes")
    assert len(m.table()) == len(backlog)
    m.set_capacity(6)
    fits = m.table()[m.table()["fits"]]
    assert fits["effort"].sum() <= 6
    m.set_capacity(0)
    assert not m.table()["fits"].any()
    with pytest.raises(ValueError):
        m.set_theme("Not a theme")


def test_reset_restores_original(backlog):
    m = RiceCalculatorModel(backlog)
    original = m.table().copy()
    m.set_estimate("B01", "effort", 13)
    m.set_estimate("B02", "impact", 3)
    m.reset("B01")
    assert list(m.changes()["id"]) == ["B02"]
    m.reset()
    pd.testing.assert_frame_equal(m.table().drop(columns="changed"), original.drop(columns="changed"))


def test_save_and_restore_survive_a_new_model(backlog, work_dir):
    m = RiceCalculatorModel(backlog)
    m.set_estimate("B02", "reach", 99_999)
    m.set_theme(m.themes[1])
    m.set_capacity(7.5)
    path = m.save()
    assert path.is_relative_to(work_dir)
    fresh = RiceCalculatorModel(backlog)   # e.g. after a kernel restart
    assert fresh.load() == []
    assert fresh.estimate("B02", "reach") == 99_999
    assert fresh.theme == m.themes[1] and fresh.capacity == 7.5


def test_damaged_save_file_is_set_aside_not_fatal(backlog, work_dir, capsys):
    m = RiceCalculatorModel(backlog)
    path = m.save()
    path.write_text("{not json", encoding="utf-8")
    fresh = RiceCalculatorModel(backlog)
    assert fresh.load() == []
    assert fresh.changes().empty
    assert list(path.parent.glob("answers.json.bak-*")), "the damaged file is kept aside, not deleted"
    assert "not valid JSON" in capsys.readouterr().out
    from pmkit import work
    work.save_answer("03-prioritization", "rice_calculator",
                     {"overrides": [{"id": "B01", "field": "effort", "value": 0},
                                    {"id": "ZZZ", "field": "reach", "value": 1}]})
    msgs = RiceCalculatorModel(backlog).load()
    assert len(msgs) == 2 and "zero" in msgs[0] and "ZZZ" in msgs[1]


def test_table_html_and_figure(backlog):
    m = RiceCalculatorModel(backlog)
    m.set_estimate("B03", "reach", 1)
    html = m.table_html()
    assert html.count("<tr data-item=") == len(backlog)
    assert 'data-item="B03"' in html and "changed by you" in html
    fig = m.figure()
    assert len(fig.axes[0].patches) == 15


def test_large_backlog_shows_a_window():
    m = RiceCalculatorModel(synthetic_backlog(2000))
    html = m.table_html()
    assert html.count("<tr data-item=") == m.max_rows
    assert "more items below" in html


# ---- other models ---------------------------------------------------------------------------
def test_value_effort_model(backlog):
    q = ValueEffortModel(backlog)
    assert sum(q.counts().values()) == len(backlog)
    q.set_splits(value_split=0, effort_split=1000)
    assert q.counts()["Quick win"] == len(backlog)
    with pytest.raises(ValueError):
        q.set_splits(value_split=-1)
    assert q.figure().axes


def test_comparison_model(backlog):
    cm = FrameworkComparisonModel(backlog, "RICE", "WSJF")
    assert "Kendall's tau" in cm.summary()
    cm.set_frameworks("RICE", "RICE")
    assert cm.tau == pytest.approx(1.0)
    assert cm.top_changes() == ([], [])
    assert describe_tau(-0.9).endswith("roughly opposite orders.")
    with pytest.raises(ValueError):
        cm.set_frameworks("RICE", "Tarot")


def test_comparison_model_offers_only_computable_frameworks():
    minimal = synthetic_backlog(10)[["id", "title", "reach", "impact", "confidence", "effort"]]
    cm = FrameworkComparisonModel(minimal, "RICE", "Value/effort")
    assert "WSJF" not in cm.frameworks and "RICE" in cm.frameworks


def test_uncertainty_model(backlog, estimates):
    u = UncertaintyModel(backlog, estimates, k=3, n=500)
    t = u.table()
    assert t["p_top_k"].sum() == pytest.approx(3.0)
    u.set_widen(0)
    t0 = u.table()
    # with no uncertainty the point top three make the cut every time
    assert set(t0.index[t0["p_top_k"] == 1.0]) == set(pr.rice_table(backlog).index[:3])
    assert "simulated" in u.summary()


# ---- views, built headless ------------------------------------------------------------------
def test_views_build_and_react_without_a_browser(backlog, estimates):
    from pmkit.widgets.compare import framework_comparison
    from pmkit.widgets.quadrant import value_effort_chart
    from pmkit.widgets.rice import rice_calculator
    from pmkit.widgets.uncertainty import uncertainty_view

    app = rice_calculator(backlog)
    assert "pmkit-rice" in app._dom_classes
    m = app.model_
    first, second = m.top(2)
    item = _find(app, "pmkit-rice-item")
    reach = _find(app, "pmkit-rice-reach")
    item.value = second
    reach.value = reach.value * 10            # what a learner's typing does
    assert m.top(1) == [second]
    top = _find(app, "pmkit-rice-top")
    assert second in top.value
    effort = _find(app, "pmkit-rice-effort")
    status = _find(app, "pmkit-rice-status")
    effort.value = 0.5
    assert "Saved" in status.value
    # restored in a new view (kernel restart)
    again = rice_calculator(backlog)
    assert again.model_.top(1) == [second]
    assert "Restored" in _find(again, "pmkit-rice-status").value
    for factory in (value_effort_chart, framework_comparison):
        assert factory(backlog)._dom_classes
    assert uncertainty_view(backlog, estimates, n=200)._dom_classes


def _find(widget, cls):
    if cls in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = _find(child, cls)
        if found is not None:
            return found
    return None


def test_unvalidated_frames_get_the_loaders_messages_not_a_pandas_traceback():
    from pmkit.data import DataError
    from pmkit.widgets.rice import rice_calculator

    raw = pd.DataFrame({"id": ["a", "b", "b"], "title": ["x", "y", "z"], "reach": ["1,000", "lots", "5"],
                        "impact": ["high", "2", "9"], "confidence": ["80%", "0.5", "1"], "effort": [1, 0, 2]})
    with pytest.raises(DataError) as caught:
        RiceCalculatorModel(raw)
    text = str(caught.value)
    for words in ("lots", "zero", "'9'", "b"):
        assert words in text
    view = rice_calculator(raw)                     # the view shows it instead of raising
    assert "pmkit-error-box" in view._dom_classes and "lots" in view.value
    fine = RiceCalculatorModel(raw.iloc[:1])        # '1,000' and 'high' are unambiguous
    assert fine.estimate("a", "reach") == 1000 and fine.estimate("a", "impact") == 2


def test_own_backlog_is_saved_apart_from_the_sample(backlog, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("id,title,reach,impact,confidence,effort\nB01,Mine,10,1,0.8,1\nX2,Other,5,1,0.5,1\n",
                    encoding="utf-8")
    sample = RiceCalculatorModel(backlog)
    sample.set_estimate("B01", "reach", 12345)
    sample.save()
    own = RiceCalculatorModel(load_backlog(mine))
    assert own.save_key != sample.save_key
    own.set_estimate("B01", "reach", 7)
    own.save()
    again = RiceCalculatorModel(backlog)
    again.load()
    assert again.estimate("B01", "reach") == 12345
