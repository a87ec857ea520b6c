"""Module 06's widget models, driven with no browser; and the views built headless."""

import json

import pytest

from pmkit import career, interview, work
from pmkit.widgets import career as wc


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


def _classes(widget):
    """Every CSS class used in a widget tree."""
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= _classes(child)
    return found


# ---- path chooser ----------------------------------------------------------------------------
def test_chooser_starts_with_the_labelled_example():
    m = wc.PathChooserModel()
    assert m.is_example and m.inputs == career.validate_inputs(career.EXAMPLE_PROFILE)
    assert m.recommendation().path == "internal"
    assert "Example: Priya Nair" in m.summary_html()
    m.set_input("allies", 4)
    assert not m.is_example and "Example" not in m.summary_html()


def test_chooser_refuses_bad_input_and_changes_nothing():
    m = wc.PathChooserModel()
    before = dict(m.inputs)
    with pytest.raises(ValueError, match="out of range"):
        m.set_input("allies", 9)
    with pytest.raises(ValueError, match="not an input"):
        m.set_input("salary", 3)
    assert m.inputs == before


def test_chooser_tables_show_every_input_and_the_totals():
    m = wc.PathChooserModel()
    contrib = m.contributions_html()
    for key in career.INPUTS:
        assert career.INPUT_LABELS[key] in contrib
    rec = m.recommendation()
    assert f"{rec.scores['internal']:.1f}" in contrib and "★ (recommended)" in contrib
    whatif = m.whatif_html()
    assert "1 of 11 moves change the answer" in whatif
    assert "⚠ yes: external application" in whatif
    weights = m.weights_html()
    assert weights.count(">100<") == 3  # each route's total


def test_chooser_figure_prints_values_and_marks_the_winner():
    m = wc.PathChooserModel()
    fig = m.figure()
    ax = fig.axes[0]
    assert len(ax.patches) == 3
    texts = [t.get_text() for t in ax.texts]
    assert "79  recommended" in texts
    assert {p.get_hatch() for p in ax.patches} == {None, "..", "//"} or len({p.get_hatch() for p in ax.patches}) == 3
    alt = m.figure_alt()
    assert "internal transfer 79" in alt and "Recommended: internal transfer" in alt


def test_chooser_follows_a_change_to_another_route():
    m = wc.PathChooserModel()
    m.set_inputs({"company_has_pm_roles": False, "allies": 0})
    assert m.recommendation().path == "external"


def test_chooser_saves_and_restores_inputs(work_dir):
    m = wc.PathChooserModel()
    m.set_input("hours_per_week", 9)
    m.save()
    fresh = wc.PathChooserModel()
    assert "Restored" in fresh.load()
    assert fresh.inputs["hours_per_week"] == 9


def test_chooser_restore_survives_bad_saved_inputs():
    work.save_answer(career.MODULE, wc.CHOOSER_KEY, {"allies": 99})
    m = wc.PathChooserModel()
    assert "could not be used" in m.load()
    assert m.inputs == career.validate_inputs(career.EXAMPLE_PROFILE)


def test_save_choice_writes_the_record_module_07_reads_and_keeps_a_justification():
    work.save_answer(career.MODULE, "path_choice", {"inputs": career.EXAMPLE_PROFILE, "chosen": "internal",
                                                    "justification": "Because Daniel backs me."})
    m = wc.PathChooserModel()
    m.set_input("hours_per_week", 6)
    m.save_choice()
    saved = career.saved_path_choice()
    assert saved["chosen"] == "internal" and saved["inputs"]["hours_per_week"] == 6
    assert saved["justification"] == "Because Daniel backs me."


def test_prefill_sets_evidence_from_a_self_assessment():
    m = wc.PathChooserModel()
    message = m.prefill({"areas": {"transition": 100}})
    assert m.inputs["pm_evidence"] == 4 and "100/100" in message
    m2 = wc.PathChooserModel()
    m2.prefill(None)
    assert m2.inputs["pm_evidence"] == career.EXAMPLE_PROFILE["pm_evidence"] and m2.is_example


def test_chooser_view_is_built_with_classes_and_reacts():
    app = wc.path_chooser()
    classes = _classes(app)
    assert "pmkit-paths" in classes
    for part in ("years", "reset", "company", "allies", "hours", "evidence", "summary", "chart", "contrib", "whatif",
                 "save"):
        assert f"pmkit-paths-{part}" in classes
    model = app.model_
    company = next(w for w in app.children if "pmkit-paths-company" in w._dom_classes)
    assert company.description
    company.value = False
    assert model.inputs["company_has_pm_roles"] is False
    chart = next(w for w in app.children if "pmkit-paths-chart" in w._dom_classes)
    assert 'alt="Bar chart of route scores' in chart.value
    assert work.load_answer(career.MODULE, wc.CHOOSER_KEY)["company_has_pm_roles"] is False


def test_chooser_view_with_bad_inputs_shows_an_error_not_a_traceback():
    box = wc.path_chooser({"allies": 12})
    assert "pmkit-error-box" in box._dom_classes
    assert "out of range" in box.value


# ---- CIRCLES and STAR -------------------------------------------------------------------------
def test_circles_model():
    m = wc.CirclesModel()
    assert m.filled() == 0 and not m.feedback().answered
    m.set_step("comprehend", "Is the goal retention? I assume we focus on multi-site accounts this quarter.")
    fb = m.feedback()
    assert fb.answered and "Comprehend the situation" in {c.label for c in fb.passed}
    with pytest.raises(ValueError, match="not a CIRCLES step"):
        m.set_step("conclude", "x")
    with pytest.raises(ValueError, match="should be text"):
        m.set_step("cut", 3)
    m.save()
    again = wc.CirclesModel()
    assert "Restored" in again.load() and again.answer["comprehend"].startswith("Is the goal")


def test_star_model():
    m = wc.StarModel({"situation": "At Rotawise.", "action": "I did it."})
    assert m.word_counts()["situation"] == 2
    assert m.text().startswith("Situation: At Rotawise.")
    assert not m.feedback().ok
    with pytest.raises(ValueError, match="not a STAR part"):
        m.set_part("outcome", "x")
    m.save()
    assert work.load_answer(career.MODULE, "star_story")["action"] == "I did it."


def test_text_builders_have_labelled_boxes_and_react():
    app = wc.circles_builder()
    classes = _classes(app)
    assert "pmkit-circles" in classes and "pmkit-circles-comprehend" in classes
    areas = [w for w in app.children if "pmkit-circles-summarize" in getattr(w, "_dom_classes", ())]
    assert areas and areas[0].description == "Summarize your recommendation"
    areas[0].value = "I would build auto-approval first and measure swap completion."
    button = next(w for w in app.children if "pmkit-circles-check" in getattr(w, "_dom_classes", ()))
    button.click()
    assert app.model_.answer["summarize"].startswith("I would")
    feedback = next(w for w in app.children if "pmkit-circles-feedback" in getattr(w, "_dom_classes", ()))
    assert "pmkit-feedback" in feedback.value
    star = wc.star_builder()
    assert {"pmkit-star", "pmkit-star-action", "pmkit-star-check"} <= _classes(star)


# ---- calibration -----------------------------------------------------------------------------
def test_calibration_model_shows_the_example_until_you_score():
    m = wc.CalibrationModel()
    result, is_example = m.shown_result()
    assert is_example and result.hits == 9
    assert "Example attempt (made up, not yours)" in m.result_html()
    assert "hidden" in m.result_html() and "1,345" not in m.result_html()  # no spoilers before your round
    assert "answer" not in m.question_frame().columns  # no spoilers
    history, is_example = m.history_for_chart()
    assert is_example and history == wc.EXAMPLE_HISTORY
    assert m.history_alt().startswith("Example history (made up).")


def test_calibration_model_scores_typed_text():
    m = wc.CalibrationModel()
    for qid in m.ids:
        m.set_range(qid, "1", "100,000")
    result = m.score()
    assert result.n == 15 and result.hits == 12  # misses: the speed of light, the Moon, Rotawise's staff users
    assert set(result.table.index[~result.table["hit"]]) == {"F08", "F09", "C01"}
    assert "Your round" in m.result_html() and "Example attempt" not in m.result_html()
    m.save()
    history, is_example = m.history_for_chart()
    assert not is_example and len(history) == 1
    assert m.history_alt().startswith("Your history.")


def test_calibration_model_bad_ranges_change_nothing():
    m = wc.CalibrationModel()
    m.set_range("F01", "70", "60")
    with pytest.raises(ValueError) as info:
        m.score()
    assert "F01: the low end (70) is above the high end (60)" in str(info.value)
    assert "F02: no range yet" in str(info.value)
    assert m.result is None
    with pytest.raises(ValueError, match="Score your ranges first"):
        m.save()
    with pytest.raises(ValueError, match="no question"):
        m.set_range("Z1", 1, 2)


def test_calibration_view_scores_and_saves():
    app = wc.calibration_trainer()
    classes = _classes(app)
    assert {"pmkit-calibration", "pmkit-calibration-low", "pmkit-calibration-high", "pmkit-calibration-score",
            "pmkit-calibration-chart", "pmkit-calibration-history"} <= classes
    chart = next(w for w in app.children if "pmkit-calibration-chart" in w._dom_classes)
    assert 'alt="An example attempt' in chart.value
    boxes = [w for w in app.children if w.__class__.__name__ == "HBox"]
    for box in boxes:
        low, high = box.children
        assert low.description.endswith(" low") and high.description.endswith(" high")
        low.value, high.value = "0.001", "10000000"
    button = next(w for w in app.children if "pmkit-calibration-score" in w._dom_classes)
    button.click()
    status = next(w for w in app.children if "pmkit-calibration-status" in w._dom_classes)
    assert "added to your history" in status.value and "attempt 1" in status.value
    assert 'alt="Your attempt' in chart.value
    stored = json.loads(work.answers_path(career.MODULE).read_text(encoding="utf-8"))
    assert len(stored["calibration"]) == 1 and stored["calibration"][0]["hits"] == 15
    # pressing the button again with the same ranges does not add the same round twice
    button.click()
    assert "same as your last saved one" in status.value
    assert len(interview.load_history()) == 1


def test_chooser_sliders_stretch_to_show_a_restored_value():
    # a learner's saved situation (from the exercise) may lie beyond a slider's usual end
    work.save_answer(career.MODULE, wc.CHOOSER_KEY, {**career.EXAMPLE_PROFILE, "years_experience": 35,
                                                      "hours_per_week": 25})
    app = wc.path_chooser()
    years = next(w for w in app.children if "pmkit-paths-years" in w._dom_classes)
    hours = next(w for w in app.children if "pmkit-paths-hours" in w._dom_classes)
    assert years.value == 35 and years.max >= 35
    assert hours.value == 25 and hours.max >= 25
    assert app.model_.inputs["years_experience"] == 35


def test_calibration_view_reports_problems_in_its_status_line():
    app = wc.calibration_trainer()
    button = next(w for w in app.children if "pmkit-calibration-score" in w._dom_classes)
    button.click()
    status = next(w for w in app.children if "pmkit-calibration-status" in w._dom_classes)
    assert "pmkit-error" in status.value and "15 problems" in status.value
    assert interview.load_history() == []


def test_picture_has_alt_text():
    pic = wc.Picture(wc.PathChooserModel().figure(), "three bars")
    assert 'alt="three bars"' in pic._repr_html_() and "data:image/png;base64," in pic._repr_html_()
