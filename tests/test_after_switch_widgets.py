"""Module 07's widget models (drill, plan, portfolio), driven with no browser; and the views built headless."""

from __future__ import annotations

import json

import pytest

from pmkit import plan as pl
from pmkit import work
from pmkit.after_switch import DRILL_KEY, MODULE, load_statements
from pmkit.widgets.after_switch import DrillModel, PlanModel, PortfolioModel, drill_view, plan_view, portfolio_view


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


@pytest.fixture(scope="module")
def statements():
    return load_statements()


def _classes(widget) -> set[str]:
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= _classes(child)
    return found


# ---- drill -----------------------------------------------------------------------------------
def test_drill_starts_at_the_first_statement_with_no_score(statements):
    m = DrillModel(statements)
    assert m.index == 0 and m.current["id"] == statements["id"][0]
    assert m.score() == (0, 0, len(statements))
    assert "Pick one" in m.feedback_html()
    assert statements["statement"][0][:20] in m.statement_html()


def test_drill_feedback_score_and_saved_answers(statements):
    m = DrillModel(statements)
    truth = dict(zip(statements["id"], statements["answer"]))
    first = m.current["id"]
    result = m.answer(truth[first])
    assert result.correct and "Right" in result.text
    m.next()
    second = m.current["id"]
    wrong = "problem" if truth[second] == "solution" else "solution"
    result = m.answer(wrong.upper())
    assert not result.correct and result.text.startswith("Not quite")
    if truth[second] == "solution":
        assert "The problem behind it" in result.text
    assert m.score() == (1, 2, len(statements))
    assert m.wrong() == [second]
    assert work.load_answer(MODULE, DRILL_KEY) == {first: truth[first], second: wrong}


def test_solution_feedback_shows_the_reframe(statements):
    m = DrillModel(statements)
    sol = next(i for i, a in enumerate(statements["answer"]) if a == "solution")
    m.go(sol)
    m.answer("problem")
    html = m.feedback_html()
    assert "The problem behind it" in html and "✗" in html and "Not quite" in html


def test_drill_restores_answers_and_opens_at_the_first_unanswered(statements):
    ids = list(statements["id"])
    work.save_answer(MODULE, DRILL_KEY, {ids[0]: "problem", ids[1]: "solution", "X99": "problem"})
    m = DrillModel(statements)
    assert m.index == 2 and set(m.answers) == {ids[0], ids[1]}
    m.answer("problem")
    saved = work.load_answer(MODULE, DRILL_KEY)
    assert saved["X99"] == "problem", "answers for statements this drill does not show are kept"
    assert saved[ids[2]] == "problem"


def test_drill_refuses_bad_answers_and_changes_nothing(statements):
    m = DrillModel(statements)
    with pytest.raises(ValueError, match="problem"):
        m.answer("maybe")
    assert m.answers == {} and work.load_answer(MODULE, DRILL_KEY) is None
    with pytest.raises(ValueError, match="choose a number"):
        m.go(len(statements))


def test_drill_reset_clears_saved_answers(statements):
    m = DrillModel(statements)
    m.answer("problem")
    m.reset()
    assert m.answers == {} and m.index == 0
    assert work.load_answer(MODULE, DRILL_KEY) == {}


def test_drill_ignores_a_saved_answer_in_the_wrong_form(statements):
    work.save_answer(MODULE, DRILL_KEY, ["P01"])
    m = DrillModel(statements)
    assert m.answers == {} and "not in the expected form" in m.messages[0]


# ---- plan ------------------------------------------------------------------------------------
def _write_readiness(folder, areas):
    path = folder / "00-start-here" / "readiness.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    attempt = {"taken_at": "2026-05-02T10:00:00", "answers": {}, "total": sum(areas.values()) / 5, "areas": areas,
               "top_gaps": sorted(areas, key=areas.get)[:3],
               "route": [{"module": "01", "title": "What transfers", "reason": "first"}]}
    path.write_text(json.dumps({"version": 1, "attempts": [attempt]}), encoding="utf-8")


def test_plan_model_starts_from_the_labelled_example_when_nothing_is_saved():
    m = PlanModel(start_date="2026-09-01")
    assert m.profile == "example" and m.is_example
    assert "Example profile, not yours" in m.label
    plan = m.build()
    assert plan.profile == "example" and plan.path == "internal transfer" and plan.hours_per_week == 5
    html = m.summary_html()
    assert "Example" in html and "pmkit-plan-example" in html
    assert "Example profile" in m.markdown()
    assert [v for _, v in m.profiles] == ["example", "generic"]


def test_plan_model_uses_the_saved_assessment_path_and_hours(work_dir):
    areas = {"discovery": 80.0, "prioritization": 30.0, "stakeholders": 70.0, "writing": 60.0, "transition": 50.0}
    _write_readiness(work_dir, areas)
    work.save_answer("06-landing-the-role", "path_choice",
                     {"inputs": {"hours_per_week": 8}, "recommended": "apm", "chosen": "apm"})
    m = PlanModel(start_date="2026-09-01")
    assert m.profile == "mine" and not m.is_example and m.hours == 8 and m.path == "APM programme"
    plan = m.build()
    assert plan.focus_areas[0] == "prioritization" and plan.path_source == "Module 06"
    assert "2026-05-02" in m.label


def test_plan_model_refuses_bad_input_and_keeps_its_plan():
    m = PlanModel(start_date="2026-09-01")
    before = m.build()
    with pytest.raises(pl.PlanError, match="above the maximum"):
        m.set_hours(80)
    with pytest.raises(pl.PlanError, match="not a path"):
        m.set_path("MBA")
    with pytest.raises(ValueError, match="No self-assessment"):
        m.set_profile("mine")
    assert m.build() is before


def test_plan_model_rebuilds_when_inputs_change():
    m = PlanModel(hours=5, path="internal", profile="generic", start_date="2026-09-01")
    slow = m.build()
    m.set_hours(40)
    fast = m.build()
    assert fast.move_month < slow.move_month
    m.set_path("external")
    assert m.build().path == "external application"


def test_plan_model_saves_markdown_and_calendar(work_dir):
    m = PlanModel(hours=3, path="apm", profile="generic", start_date="2026-10-01")
    paths = m.save()
    assert paths["markdown"].exists() and paths["ics"].exists()
    assert paths["ics"].read_bytes().count(b"BEGIN:VEVENT") == len(m.build().milestones)
    assert pl.Plan.from_dict(work.load_answer(MODULE, "plan")).profile == "generic"


def test_plan_model_brings_back_the_settings_of_the_saved_plan(work_dir):
    # Reopening the notebook and pressing "Save" must not overwrite the saved plan with the defaults.
    PlanModel(hours=12, path="external", profile="generic", start_date="2026-10-01").save()
    saved = work.load_answer(MODULE, "plan")
    m = PlanModel()
    assert (m.hours, m.path, m.start_date.isoformat(), m.profile) == (12, "external application", "2026-10-01",
                                                                      "generic")
    assert "Brought back the settings" in m.restore_note
    m.save()
    assert work.load_answer(MODULE, "plan") == saved
    app = plan_view()
    status = next(w for w in app.children if "pmkit-plan-status" in w._dom_classes)
    assert "Brought back the settings" in status.value


def test_plan_model_ignores_a_damaged_saved_plan(work_dir):
    work.save_answer(MODULE, "plan", {"hours_per_week": "lots", "path": "internal"})
    m = PlanModel(start_date="2026-09-01")
    assert m.hours == 5 and m.restore_note == ""


def test_plan_months_table_lists_every_month():
    html = PlanModel(profile="generic", start_date="2026-09-01").months_html()
    assert html.count('<th scope="row">') == 12 and "Real-world actions" in html


# ---- portfolio -------------------------------------------------------------------------------
def test_portfolio_model_lists_included_and_missing(work_dir):
    work.save_answer("03-prioritization", "rationale", "Templates first, because set-up stalls.")
    m = PortfolioModel()
    assert m.included == ["Prioritization rationale"]
    assert any("Stakeholder map" in x for x in m.missing)
    html = m.pieces_html()
    assert "1 of 10 pieces included" in html and "Where to produce the missing pieces" in html
    files = m.save()
    assert files["html"].exists()


def test_portfolio_model_sees_new_work_after_a_rebuild():
    m = PortfolioModel()
    assert m.included == []
    work.save_answer("05-writing", "executive_summary", "We will ship templates first.")
    m.rebuild("Ada")
    assert m.included == ["Writing for non-technical readers"]
    assert m.portfolio.title == "PM portfolio of Ada"


# ---- views, headless ---------------------------------------------------------------------------
def test_views_build_with_their_css_classes_and_initial_state():
    drill = drill_view()
    assert {"pmkit-drill", "pmkit-drill-statement", "pmkit-drill-problem", "pmkit-drill-solution",
            "pmkit-drill-feedback"} <= _classes(drill)
    plan = plan_view(start_date="2026-09-01")
    assert {"pmkit-plan", "pmkit-plan-hours", "pmkit-plan-path", "pmkit-plan-chart", "pmkit-plan-save-ics"} <= _classes(plan)
    chart = next(w for w in plan.children if "pmkit-plan-chart" in w._dom_classes)
    assert 'alt="Timeline of a 12-month plan' in chart.value
    portfolio = portfolio_view()
    assert {"pmkit-portfolio", "pmkit-portfolio-pieces", "pmkit-portfolio-save"} <= _classes(portfolio)


def test_view_buttons_work_headless(work_dir):
    drill = drill_view()
    buttons = [w for w in drill.children[2].children]
    buttons[0].click()
    assert len(drill.model_.answers) == 1
    plan = plan_view(hours=2, path="external", profile="generic", start_date="2026-09-01")
    save_ics = next(w for box in plan.children for w in getattr(box, "children", ())
                    for w in getattr(w, "children", ()) if "pmkit-plan-save-ics" in w._dom_classes)
    save_ics.click()
    assert (work_dir / MODULE / "my-12-month-plan.ics").exists()
    status = next(w for w in plan.children if "pmkit-plan-status" in w._dom_classes)
    assert "my-12-month-plan.ics" in status.value


def test_views_show_an_error_box_instead_of_raising():
    box = plan_view(hours=99)
    assert "pmkit-error-box" in box._dom_classes
