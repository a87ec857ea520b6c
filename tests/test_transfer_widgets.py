"""Module 01's widgets: the spec review and the trace builder, as models and as headless views."""

from __future__ import annotations

import json
import re

import pytest
from matplotlib.figure import Figure

from pmkit import transfer as tr
from pmkit.widgets.spec_review import NO_GAP, SpecReviewModel, spec_review
from pmkit.widgets.systems import SystemsModel, describe, draw_trace, layers, systems_view, trace_picture


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


def _find(widget, cls):
    if cls in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = _find(child, cls)
        if found is not None:
            return found
    return None


def _find_all(widget, cls, out=None):
    out = [] if out is None else out
    if cls in getattr(widget, "_dom_classes", ()):
        out.append(widget)
    for child in getattr(widget, "children", ()):
        _find_all(child, cls, out)
    return out


def _controls(widget, out=None):
    """Every control that takes input (for the accessibility check)."""
    import ipywidgets as W

    out = [] if out is None else out
    if isinstance(widget, (W.Dropdown, W.Select, W.Button)):
        out.append(widget)
    for child in getattr(widget, "children", ()):
        _controls(child, out)
    return out


# =============================================================================================
# Spec review: model
# =============================================================================================
def test_spec_review_model_marks_and_checks():
    m = SpecReviewModel("swap_autoapprove")
    assert len(m.keys) == 19 and m.keys[-1] == tr.MISSING
    assert [v for _, v in m.options] == [NO_GAP, *tr.CATEGORIES]
    m.set_mark("S4", "assumption")
    m.set_mark("s9", "Edge-case")
    m.set_mark("missing", "success metric")
    assert m.marked() == {"S4": "assumption", "S9": "edge case", tr.MISSING: "success metric"}
    assert m.found() == ["SW1", "SW3", "SW8"]
    assert m.found() == tr.found_gaps(m.marked())
    result = m.check()
    assert "3 of 8" in result.summary and not result.ok
    assert "marked 2 of 18 sentences" in m.progress() and "success metric" in m.progress()
    m.set_mark("S4", NO_GAP)
    assert "S4" not in m.marked()
    m.reset()
    assert m.marked() == {}


@pytest.mark.parametrize("sentence, kind, words", [
    ("S99", "scope", "no sentence"),
    ("banana", "scope", "no sentence"),
    ("S4", "bug", "not a kind of gap"),
])
def test_spec_review_model_refuses_bad_marks_and_changes_nothing(sentence, kind, words):
    m = SpecReviewModel()
    m.set_mark("S8", "edge case")
    with pytest.raises(ValueError, match=words):
        m.set_mark(sentence, kind)
    assert m.marked() == {"S8": "edge case"}


def test_spec_review_html_shows_every_sentence_and_the_marks():
    m = SpecReviewModel("payroll_overtime")
    m.set_mark("S3", "assumption")
    html = m.spec_html()
    for s in m.spec.sentences:
        assert f"<strong>{s.id}.</strong>" in html
    assert "[marked: assumption]" in html          # the mark is in words, not only a colour
    assert all(kind in m.legend_html() for kind in tr.CATEGORIES)


def test_spec_review_saves_and_restores(work_dir):
    m = SpecReviewModel()
    m.set_mark("S14", "solutioning")
    path = m.save()
    assert path.is_relative_to(work_dir)
    again = SpecReviewModel()
    assert again.load() == []
    assert again.marked() == {"S14": "solutioning"}
    # another spec keeps its own marks
    other = SpecReviewModel("payroll_overtime")
    assert other.load() == [] and other.marked() == {}


def test_spec_review_survives_odd_saved_data(work_dir):
    m = SpecReviewModel()
    assert m.apply_json({"marks": {"S4": "assumption", "S77": "scope", "S8": "nonsense"}}) != []
    assert m.marked() == {"S4": "assumption"}
    assert "expected form" in m.apply_json(["not", "a", "dict"])[0]
    (work_dir / tr.MODULE).mkdir(parents=True)
    (work_dir / tr.MODULE / "answers.json").write_text("{broken", encoding="utf-8")
    fresh = SpecReviewModel()
    assert fresh.load() == [] and fresh.marked() == {}
    assert list((work_dir / tr.MODULE).glob("answers.json.bak-*"))   # set aside, not lost


# =============================================================================================
# Spec review: view
# =============================================================================================
def test_spec_review_view_builds_and_reacts():
    app = spec_review("swap_autoapprove")
    assert "pmkit-specreview" in app._dom_classes
    picks = _find_all(app, "pmkit-specreview-pick")
    assert len(picks) == 18
    sentences = _find_all(app, "pmkit-specreview-sentence")
    assert len(sentences) == 19                                   # 18 sentences and the whole-spec row
    assert "S1." in sentences[0].value                            # the spec is there before any click
    feedback = _find(app, "pmkit-specreview-feedback")
    assert "Feedback appears here" in feedback.value
    picks[13].value = "solutioning"                               # S14, as a learner would
    assert app.model_.marked() == {"S14": "solutioning"}
    assert "[marked: solutioning]" in sentences[13].value
    assert "Saved" in _find(app, "pmkit-specreview-status").value
    _find(app, "pmkit-specreview-check").click()
    assert "1 of 8" in feedback.value and "Hint" in feedback.value
    _find(app, "pmkit-specreview-reveal").click()
    assert "Better" in feedback.value and "(missed)" in feedback.value
    # a restarted kernel gets the marks back
    again = spec_review("swap_autoapprove")
    assert again.model_.marked() == {"S14": "solutioning"}
    assert _find_all(again, "pmkit-specreview-pick")[13].value == "solutioning"
    assert "Restored" in _find(again, "pmkit-specreview-status").value
    _find(again, "pmkit-specreview-reset").click()
    assert again.model_.marked() == {}
    assert all(p.value == NO_GAP for p in _find_all(again, "pmkit-specreview-pick"))


def test_spec_review_view_labels_every_control():
    app = spec_review("payroll_overtime", restore=False, autosave=False)
    for control in _controls(app):
        assert control.description.strip(), control
    assert _find(app, "pmkit-specreview-missing").description == "Whole spec gap"


def test_spec_review_view_shows_a_bad_spec_instead_of_raising(tmp_path):
    path = tmp_path / "spec_broken.md"
    path.write_text("no title\n\n**S2.** Out of order.\n", encoding="utf-8")
    view = spec_review(path)
    assert "pmkit-error-box" in view._dom_classes and "expected S1" in view.value


# =============================================================================================
# Trace builder: model and drawing
# =============================================================================================
def test_systems_model_edges():
    m = SystemsModel("B04")
    assert m.change == "swap auto-approval" and m.edges == []
    assert "Added" in m.add_edge("swap auto-approval", "swap wait time", "-")
    assert "Changed the sign" in m.add_edge("Swap auto-approval", "swap-wait-time", "+")
    assert m.edges == [("swap auto-approval", "swap wait time", "+")]
    m.add_edge("swap wait time", "support tickets", "up")
    assert m.layers() == {"swap auto-approval": 0, "swap wait time": 1, "support tickets": 2}
    assert "Removed" in m.remove_edge("swap wait time", "support tickets")
    m.clear()
    assert m.edges == []
    example = SystemsModel(example=True)
    assert example.edges == [("swap auto-approval", "manager approval workload", "-")]


@pytest.mark.parametrize("source, target, sign, words", [
    ("swap auto-approval", "swap auto-approval", "+", "two different"),
    ("swap auto-approval", "moon phase", "+", "not a node"),
    ("overtme hours", "overtime cost", "+", "Did you mean"),
    ("overtime hours", "overtime cost", "sideways", "not a sign"),
])
def test_systems_model_refuses_bad_edges(source, target, sign, words):
    m = SystemsModel()
    m.add_edge("swap auto-approval", "swap wait time", "-")
    with pytest.raises(ValueError, match=words):
        m.add_edge(source, target, sign)
    assert m.edges == [("swap auto-approval", "swap wait time", "-")]
    with pytest.raises(ValueError, match="already"):
        m.add_edge("swap auto-approval", "swap wait time", "-")
    with pytest.raises(ValueError, match="not in your trace"):
        m.remove_edge("overtime hours", "overtime cost")


def test_systems_check_marks_each_edge():
    m = SystemsModel()
    m.add_edge("swap auto-approval", "swap wait time", "-")
    m.add_edge("swap wait time", "support tickets", "-")
    m.add_edge("staff app rating", "90-day retention", "+")
    result = m.check()
    assert not result.ok
    assert m.checked == {("swap auto-approval", "swap wait time"): True,
                         ("swap wait time", "support tickets"): False,
                         ("staff app rating", "90-day retention"): False}
    m.add_edge("swap wait time", "support tickets", "+")
    assert m.checked is None                               # a change clears the old marks


def test_layers_put_loose_edges_in_their_own_column():
    got = layers([("a", "b", "+"), ("b", "c", "-"), ("x", "y", "+"), ("c", "a", "+")], "a")
    assert got == {"a": 0, "b": 1, "c": 2, "x": 3, "y": 3}


def test_draw_trace_handles_loops_loose_edges_and_nothing():
    model = tr.load_system_model()
    fig = draw_trace(tr.downstream("reliable Android push", model=model), "reliable Android push", model)
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("[guardrail]" in t for t in texts) and "the change" in texts
    assert any(t.startswith("−") for t in texts) and any(t.startswith("+") for t in texts)
    loose = draw_trace([("unfilled shifts", "overtime hours", "+")], "swap auto-approval", model)
    assert any("not linked" in t.get_text() for t in loose.axes[0].texts)
    empty = draw_trace([], "swap auto-approval", model)
    assert any("Add your first edge" in t.get_text() for t in empty.axes[0].texts)
    marked = draw_trace([("swap auto-approval", "swap wait time", "-")], "swap auto-approval", model,
                        marks={("swap auto-approval", "swap wait time"): True})
    assert any(t.get_text() == "− ✓" for t in marked.axes[0].texts)


def test_figure_html_has_alt_text():
    m = SystemsModel(example=True)
    html = m.figure_html()
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt.startswith("A diagram of 1 link") and "manager approval workload" in alt
    assert html.count("data:image/png;base64,") == 1
    assert describe([], "swap auto-approval").startswith("A diagram with only the change")


def test_trace_picture_takes_any_answer():
    for answer in (..., None, [("swap auto-approval", "swap wait time", "-"), ("nope", "nada")], 42,
                   tr.key_edges("B06")):
        picture = trace_picture(answer, "B06")
        assert "<img" in picture.data and 'alt="' in picture.data
    assert "Not drawn" in trace_picture([("nope", "nada")], "B06").data


def test_systems_saves_and_restores(work_dir):
    m = SystemsModel()
    m.add_edge("swap auto-approval", "missed shift changes", "+")
    m.save()
    again = SystemsModel()
    assert again.load() == [] and again.edges == [("swap auto-approval", "missed shift changes", "+")]
    saved = json.loads((work_dir / tr.MODULE / "answers.json").read_text(encoding="utf-8"))
    assert saved[m.save_key]["edges"] == [["swap auto-approval", "missed shift changes", "+"]]
    other = SystemsModel("reliable Android push")
    assert other.save_key != m.save_key and other.load() == [] and other.edges == []
    odd = SystemsModel()
    assert odd.apply_json({"edges": [["swap auto-approval", "nowhere", "+"], ["x"]]})
    assert odd.edges == []


# =============================================================================================
# Trace builder: view
# =============================================================================================
def test_systems_view_builds_and_reacts():
    app = systems_view("swap auto-approval")
    assert "pmkit-systems" in app._dom_classes
    figure = _find(app, "pmkit-systems-figure")
    assert "<img" in figure.value and 'alt="A diagram of 1 link' in figure.value   # drawn at construction
    assert "example edge" in _find(app, "pmkit-systems-status").value
    source, target, sign = (_find(app, f"pmkit-systems-{p}") for p in ("from", "to", "effect"))
    assert source.value == "manager approval workload"        # carries on from the example edge
    assert target.value is None                               # no answer suggested
    source.value, target.value, sign.value = "manager approval workload", "manager admin time", "+"
    _find(app, "pmkit-systems-add").click()
    assert app.model_.edges[-1] == ("manager approval workload", "manager admin time", "+")
    assert len(_find(app, "pmkit-systems-edges").options) == 2
    assert "Saved" in _find(app, "pmkit-systems-status").value
    assert source.value == "manager admin time" and target.value is None    # ready for the next link
    _find(app, "pmkit-systems-add").click()
    assert "Pick a From node and a To node" in _find(app, "pmkit-systems-status").value
    target.value = source.value                               # an edge to itself is refused, politely
    _find(app, "pmkit-systems-add").click()
    assert "pmkit-error" in _find(app, "pmkit-systems-status").value and len(app.model_.edges) == 2
    figure_before = _find(app, "pmkit-systems-figure").value
    _find(app, "pmkit-systems-check").click()
    feedback = _find(app, "pmkit-systems-feedback").value
    assert "2 edges match the model" in feedback
    assert app.model_.checked == {("swap auto-approval", "manager approval workload"): True,
                                  ("manager approval workload", "manager admin time"): True}
    assert _find(app, "pmkit-systems-figure").value != figure_before    # redrawn with ✓ marks
    listing = _find(app, "pmkit-systems-edges")
    listing.value = 0
    _find(app, "pmkit-systems-remove").click()
    assert app.model_.edges == [("manager approval workload", "manager admin time", "+")]
    # a restart brings the trace back, without the example edge
    again = systems_view("swap auto-approval")
    assert again.model_.edges == [("manager approval workload", "manager admin time", "+")]
    assert "Restored" in _find(again, "pmkit-systems-status").value
    _find(again, "pmkit-systems-clear").click()
    assert again.model_.edges == []


def test_systems_view_labels_every_control_and_reports_bad_input():
    app = systems_view("reliable Android push", restore=False, autosave=False, example=False)
    for control in _controls(app):
        assert control.description.strip(), control
    _find(app, "pmkit-systems-remove").click()                # nothing selected
    assert "Select an edge" in _find(app, "pmkit-systems-status").value
    bad = systems_view("not a change at all")
    assert "pmkit-error-box" in bad._dom_classes


# =============================================================================================
# Odd input found in review
# =============================================================================================
def test_spec_review_model_found_agrees_with_the_checker():
    m = SpecReviewModel()
    m.set_mark("S9", "assumption")                        # right place, wrong kind: not a find
    assert m.found() == [] == tr.found_gaps(m.marked())
    assert "0 of 8" in m.check().summary
    for i in range(1, 18):
        m.set_mark(f"S{i}", "scope")
    assert "nearly every sentence" in m.progress()
    assert m.found() == [] and m.check().summary.startswith("Not scored")
    with pytest.raises(ValueError, match="no sentence"):
        m.set_mark(None, "scope")                         # not read as "missing from the whole spec"


@pytest.mark.parametrize("start", ["90-day retention", "support tickets"])
def test_systems_refuses_a_start_with_nothing_downstream(start):
    with pytest.raises(ValueError, match="nothing to trace"):
        SystemsModel(start, example=True)
    view = systems_view(start)
    assert "pmkit-error-box" in view._dom_classes and "nothing to trace" in view.value


def test_systems_saved_junk_gets_plain_messages():
    m = SystemsModel()
    skipped = m.apply_json({"edges": [["x"], 5, None, ["swap auto-approval", "swap wait time", "-"]]})
    assert len(skipped) == 3 and all("not an edge of the form [from, to, sign]" in s for s in skipped)
    assert not any("positional" in s or "iterable" in s for s in skipped)
    assert m.edges == [("swap auto-approval", "swap wait time", "-")]


def test_systems_figure_marks_agree_with_the_feedback():
    m = SystemsModel("reliable Android push")
    m.add_edge("reliable Android push", "missed shift changes", "-")
    m.add_edge("swap auto-approval", "swap wait time", "-")        # in the model, but not set off by B06
    result = m.check()
    assert m.checked == {("reliable Android push", "missed shift changes"): True,
                         ("swap auto-approval", "swap wait time"): False}
    assert "does not set off" in result.summary


# =============================================================================================
# The figures in the static book
# =============================================================================================
_CHANGES = ["swap auto-approval", "reliable Android push", "overtime rules in payroll export",
            "schedule templates across locations"]


@pytest.mark.parametrize("change", _CHANGES)
def test_course_figures_fit_the_book_column_with_readable_text(change):
    model = tr.load_system_model()
    fig = draw_trace(tr.key_edges(change, model=model), change, model)
    assert fig.get_size_inches()[0] * 96 <= 740                     # shown 1:1 in a ~740 px text column
    names = [t for t in fig.axes[0].texts if t.get_text().split("\n")[0] in " ".join(model.names)]
    assert names and min(t.get_fontsize() for t in names) >= 8       # about 11 px on screen
    html = trace_picture(tr.key_edges(change, model=model), change).data
    assert int(re.search(r'width="(\d+)"', html).group(1)) <= 740


@pytest.mark.parametrize("change", _CHANGES)
def test_course_figures_have_no_crossing_lines_and_labels_clear_of_names(change):
    from pmkit.widgets.systems import _BOX_W, _order

    model = tr.load_system_model()
    key = tr.key_edges(change, model=model)
    triples = list(zip(key["from_node"], key["to_node"], key["effect"]))
    dist = layers(triples, change)
    pos = _order(dist, triples)
    links = [(a, b) for a, b, _ in triples if dist[b] == dist[a] + 1]
    crossing = [(p, q) for i, p in enumerate(links) for q in links[i + 1:] if dist[p[0]] == dist[q[0]]
                and (pos[p[0]][1] - pos[q[0]][1]) * (pos[p[1]][1] - pos[q[1]][1]) < 0]
    assert crossing == []
    fig = draw_trace(triples, change, model)
    ax = fig.axes[0]
    boxes = [p.get_bbox() for p in ax.patches if p.__class__.__name__ == "FancyBboxPatch"]
    signs = [t for t in ax.texts if t.get_text() in ("+", "−")]
    assert len(signs) == len(triples)
    for t in signs:
        x, y = t.get_position()
        assert not any(b.x0 < x < b.x1 and b.y0 < y < b.y1 for b in boxes), t.get_text()
    assert all(abs(b.x1 - b.x0 - _BOX_W) < 1e-6 for b in boxes)
