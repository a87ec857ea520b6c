"""The Module 02 widget models, driven with no browser; and their views built headless."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pmkit import discovery as d
from pmkit import work
from pmkit.widgets import discovery as wd


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


@pytest.fixture(scope="module")
def interviews():
    return d.load_interviews()


def _classes(widget) -> set[str]:
    found = set(widget._dom_classes)
    for child in getattr(widget, "children", ()):
        found |= _classes(child)
    return found


# ---- question coach --------------------------------------------------------------------------
def test_coach_starts_with_a_bad_question_and_its_verdict():
    m = wd.QuestionCoachModel()
    assert m.question == wd.DEFAULT_QUESTION
    assert m.verdict.level == "poor" and {"would_you", "solution"} <= set(m.verdict.rule_ids)
    assert "Try instead" in m.html() and m.verdict.better in m.html().replace("&#x27;", "'")


def test_coach_check_and_history():
    m = wd.QuestionCoachModel()
    good = "Tell me about the last time you ran payroll."
    assert m.check(good).level == "good"
    m.check("")
    assert m.verdict.level == "empty"
    assert [q for q, _ in m.history] == [good, wd.DEFAULT_QUESTION]
    m.check(wd.DEFAULT_QUESTION)
    assert [q for q, _ in m.history] == [wd.DEFAULT_QUESTION, good]  # moved to the front, not repeated
    assert "Questions you checked before" in m.history_html()
    for _ in range(15):
        m.check(f"Why {_}?")
    assert len(m.history) == 10


def test_coach_rules_table_lists_every_rule():
    page = wd.QuestionCoachModel.rules_html()
    for rule in d.QUESTION_RULES + d.GOOD_SIGNS:
        assert rule.label.replace('"', "&quot;") in page


def test_coach_says_when_it_cannot_read_a_question():
    app = wd.question_coach()
    text = next(w for w in app.children if "pmkit-coach-question" in w._dom_classes)
    verdict = next(w for w in app.children if "pmkit-coach-verdict" in w._dom_classes)
    text.value = "Wie oft benutzen Sie die App?"
    assert 'data-level="unclear"' in verdict.value and "English" in verdict.value
    assert "Good question" not in verdict.value and "Fine" not in verdict.value


def test_coach_examples_cover_good_and_bad():
    levels = {d.classify_question(q).level for q in wd.COACH_EXAMPLES}
    assert {"good", "poor", "needs work"} <= levels


def test_coach_view_reacts_to_a_new_question():
    app = wd.question_coach()
    assert "pmkit-coach" in app._dom_classes
    assert {"pmkit-coach-question", "pmkit-coach-verdict", "pmkit-coach-check", "pmkit-coach-rules"} <= _classes(app)
    text = next(w for w in app.children if "pmkit-coach-question" in w._dom_classes)
    verdict = next(w for w in app.children if "pmkit-coach-verdict" in w._dom_classes)
    assert 'data-level="poor"' in verdict.value
    text.value = "Walk me through your last pay run, step by step."
    assert 'data-level="good"' in verdict.value
    examples = next(w for w in app.children if "pmkit-coach-examples" in w._dom_classes)
    examples.value = wd.COACH_EXAMPLES[4]
    assert text.value == wd.COACH_EXAMPLES[4] and 'data-level="needs work"' in verdict.value


# ---- synthesis board -------------------------------------------------------------------------
def test_board_tags_counts_and_flags(interviews):
    m = wd.SynthesisBoardModel(interviews, wd.SAMPLE_TAGS)
    assert set(m.flagged()) == {"Wants better reports", "AI scheduling"}
    m.tag("s7", "wants better REPORTS")  # a loose id; the theme merges into the existing spelling
    assert m.tags["S07"] == "Wants better reports"
    assert "Wants better reports" not in m.flagged()  # S07 is past behaviour
    t = m.table()
    assert t.at["Wants better reports", "past behaviour"] == 1
    m.untag("S07")
    assert "S07" not in m.tags
    m.tag("S10", "")
    assert "S10" not in m.tags
    assert m.rename_theme("AI scheduling", "Copying rotas site by site") == 1
    assert "AI scheduling" not in m.themes()
    with pytest.raises(ValueError, match="no snippet"):
        m.tag("S99", "x")
    with pytest.raises(ValueError, match="blank"):
        m.rename_theme("Wants better reports", " ")


def test_board_summary_and_html(interviews):
    m = wd.SynthesisBoardModel(interviews, wd.SAMPLE_TAGS)
    assert "9 of 49 snippets tagged" in m.summary() and "⚠" in m.summary()
    assert "“AI scheduling” is named after a solution" in m.summary()
    page = m.counts_html()
    assert "pmkit-board-by-segment" in page and "pmkit-board-by-evidence" in page and "⚠ opinions only" in page
    assert m.snippets_html("untagged").count("<tr data-item=") == 40
    compliments = int((interviews["evidence"] == "compliment").sum())
    assert m.snippets_html("compliment").count("<tr data-item=") == compliments
    m.clear()
    assert "No themes yet" in m.counts_html()
    assert m.next_untagged() == "S01" and m.next_untagged("S48") == "S49"


def test_board_next_untagged_wraps_and_ends(interviews):
    m = wd.SynthesisBoardModel(interviews)
    for sid in m.ids[:-1]:
        m.tag(sid, "All")
    assert m.next_untagged("S05") == m.ids[-1]
    m.tag(m.ids[-1], "All")
    assert m.next_untagged() is None


def test_board_saves_and_restores(interviews, work_dir):
    m = wd.SynthesisBoardModel(interviews)
    assert m.load() is None  # nothing saved yet
    m.tag("S01", "Copying")
    path = m.save()
    assert path.is_relative_to(work_dir)
    saved = json.loads(path.read_text("utf-8"))
    assert saved[wd.BOARD_KEY] == {"tags": {"S01": "Copying"}}
    again = wd.SynthesisBoardModel(interviews)
    assert again.load() == [] and again.tags == {"S01": "Copying"}


def test_board_survives_damaged_saved_state(interviews):
    work.save_answer(wd.MODULE, wd.BOARD_KEY, "not a dict")
    m = wd.SynthesisBoardModel(interviews)
    assert "not in the expected form" in m.load()[0] and m.tags == {}
    work.save_answer(wd.MODULE, wd.BOARD_KEY, {"tags": {"S01": "A", "S77": "B"}})
    assert "no snippet" in m.load()[0] and m.tags == {"S01": "A"}


def test_board_refuses_bad_notes():
    bad = pd.DataFrame({"snippet_id": ["S1"], "interview_id": ["I1"], "participant_role": ["x"],
                        "segment": ["independent"], "snippet": [""], "evidence": ["compliment"]})
    with pytest.raises(ValueError, match="blank"):
        wd.SynthesisBoardModel(bad)
    view = wd.synthesis_board(bad)
    assert "pmkit-error-box" in view._dom_classes


@pytest.mark.parametrize("value, words", [
    (None, "you passed None"),                      # explain_load returned None: the file had problems
    ("no_such_notes.csv", "There is no file"),
    (42, "You gave int"),
])
def test_board_explains_unusable_input_instead_of_showing_the_course_notes(work_dir, value, words):
    view = wd.synthesis_board(value)
    assert "pmkit-error-box" in view._dom_classes and words in view.value


def test_board_takes_the_path_of_your_own_notes(work_dir, tmp_path):
    path = tmp_path / "my_notes.csv"
    path.write_text("snippet_id,interview_id,participant_role,segment,snippet,evidence\n"
                    "S1,I1,Owner,independent,Last week I copied the rota twice.,past behaviour\n", encoding="utf-8")
    app = wd.synthesis_board(str(path))
    assert "pmkit-board" in app._dom_classes
    assert app.model_.ids == ["S1"] and app.model_.save_key == "synthesis_board.my_notes.csv"


def test_board_view_starts_with_the_sample_and_autosaves(work_dir):
    app = wd.synthesis_board()
    assert "pmkit-board" in app._dom_classes
    assert {"pmkit-board-snippet", "pmkit-board-theme", "pmkit-board-tag", "pmkit-board-counts",
            "pmkit-board-summary"} <= _classes(app)
    model = app.model_
    assert model.tags == wd.SAMPLE_TAGS
    parts = {cls: w for w in _walk(app) for cls in w._dom_classes}
    assert "⚠" in parts["pmkit-board-summary"].value
    parts["pmkit-board-snippet"].value = "S07"
    parts["pmkit-board-theme"].value = "Labour costs"
    parts["pmkit-board-tag"].click()
    assert model.tags["S07"] == "Labour costs"
    assert "Labour costs" in parts["pmkit-board-counts"].value
    assert work.load_answer(wd.MODULE, wd.BOARD_KEY)["tags"]["S07"] == "Labour costs"
    # a second board restores the saved tags instead of the sample
    again = wd.synthesis_board()
    assert again.model_.tags["S07"] == "Labour costs"
    parts["pmkit-board-theme"].value = "  "
    parts["pmkit-board-tag"].click()
    assert "Type a theme name first" in parts["pmkit-board-status"].value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# ---- say vs do -------------------------------------------------------------------------------
def test_saydo_starts_on_the_biggest_gap():
    m = wd.SayDoModel()
    assert m.feature == d.biggest_gap(m.table())
    assert m.result().reading != "about the same"
    assert m.name(m.feature) in m.alt_text()
    fig = m.figure()
    assert len(fig.axes) == 3
    assert 'alt="Slope chart' in m.figure_html() and "data:image/png;base64," in m.figure_html()
    assert "Spearman" in m.correlation_text()


def test_saydo_feature_and_segment():
    m = wd.SayDoModel()
    m.set_feature("Copy a schedule")
    assert m.feature == "copy_schedule"
    m.set_segment("multi-site")
    assert m.result().segment == "multi-site" and "Multi-site customers" in m.text_html()
    assert m.table().attrs["segment"] == "multi-site"
    m.set_segment(None)
    assert m.result().segment is None
    with pytest.raises(ValueError):
        m.set_feature("dark mode")
    with pytest.raises(ValueError):
        m.set_segment("franchise")
    assert "pmkit-saydo-tablebody" in m.table_html()


def test_saydo_view():
    app = wd.say_do_explorer()
    assert "pmkit-saydo" in app._dom_classes
    parts = {cls: w for w in _walk(app) for cls in w._dom_classes}
    assert "<img" in parts["pmkit-saydo-chart"].value and "alt=" in parts["pmkit-saydo-chart"].value
    before = parts["pmkit-saydo-text"].value
    parts["pmkit-saydo-feature"].value = "swap_approval"
    assert parts["pmkit-saydo-text"].value != before and "Approve shift swaps" in parts["pmkit-saydo-text"].value
    parts["pmkit-saydo-segment"].value = "enterprise"
    assert "Enterprise customers" in parts["pmkit-saydo-text"].value


# ---- statement checker -----------------------------------------------------------------------
def test_statement_checker_starts_with_a_weak_example():
    m = wd.StatementCheckerModel()
    assert m.kind == "problem statement"
    assert "No solution smuggled in" in [c.label for c in m.feedback.failed]
    m.set_kind("insight")
    m.check()
    assert "The need is not a solution" in [c.label for c in m.feedback.failed]
    assert m.template() == d.INSIGHT_TEMPLATE
    with pytest.raises(ValueError, match="insight or problem statement"):
        m.set_kind("essay")


def test_statement_checker_drafts_are_kept_per_kind_and_saved():
    m = wd.StatementCheckerModel("insight")
    good = ("Payroll admins at pub groups need to trust the hours they export because they spend half a day each "
            "pay run fixing overtime by hand.")
    m.set_text(good)
    assert m.check().ok
    m.set_kind("problem statement")
    assert m.text == wd.STATEMENT_EXAMPLES["problem statement"]
    m.save()
    again = wd.StatementCheckerModel()
    assert again.load() and again.drafts["insight"] == good and again.kind == "problem statement"
    m.set_text(None)
    assert not m.check().answered


def test_statement_checker_view():
    app = wd.statement_checker()
    assert "pmkit-statement" in app._dom_classes
    parts = {cls: w for w in _walk(app) for cls in w._dom_classes}
    assert "pmkit-feedback" in parts["pmkit-statement-feedback"].value
    parts["pmkit-statement-kind"].value = "insight"
    assert parts["pmkit-statement-text"].value == wd.STATEMENT_EXAMPLES["insight"]
    assert "Insight statement check" in parts["pmkit-statement-feedback"].value
    parts["pmkit-statement-text"].value = "..."
    parts["pmkit-statement-check"].click()
    assert "saved" in parts["pmkit-statement-status"].value
    assert work.load_answer(wd.MODULE, wd.DRAFTS_KEY)["drafts"]["insight"] == "..."


def test_every_control_has_a_label():
    import ipywidgets as W

    for app in (wd.question_coach(), wd.synthesis_board(), wd.say_do_explorer(), wd.statement_checker()):
        for w in _walk(app):
            if isinstance(w, (W.Text, W.Textarea, W.Dropdown, W.Combobox, W.ToggleButtons)):
                assert w.description, f"{type(w).__name__} in {app._dom_classes} has no label"
            if isinstance(w, W.Button):
                assert w.description
