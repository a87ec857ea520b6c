"""The 12-month plan (pmkit.plan): every path at the edge hours, with and without a self-assessment,
its documented rules, its Markdown, and its iCalendar file parsed back."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar
from matplotlib.figure import Figure

from pmkit import plan as pl
from pmkit import readiness, work

STAMP = datetime(2026, 7, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


def _attempt(areas: dict[str, float], taken_at: str = "2026-06-01T10:00:00") -> dict:
    total = sum(areas.values()) / len(areas)
    gaps = sorted((a for a in readiness.AREAS if areas[a] < 60), key=lambda a: (areas[a], readiness.AREAS.index(a)))[:3]
    return {"taken_at": taken_at, "answers": {}, "total": total, "areas": areas, "top_gaps": gaps or
            [min(readiness.AREAS, key=lambda a: areas[a])],
            "route": [{"module": "01", "title": "What transfers", "reason": "It frames the rest."}]}


WEAK_WRITING = {"discovery": 70.0, "prioritization": 55.0, "stakeholders": 65.0, "writing": 20.0, "transition": 50.0}


def write_readiness(folder, *attempts) -> None:
    """A results file in the contract's format (Module 00), written as the learner's would be."""
    path = folder / "00-start-here" / "readiness.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "attempts": list(attempts)}), encoding="utf-8")


# ---- every path at the edge hours, with and without a self-assessment ------------------------
@pytest.mark.parametrize("with_readiness", [False, True], ids=["no-assessment", "assessment"])
@pytest.mark.parametrize("hours", [1, 2, 40])
@pytest.mark.parametrize("path", pl.PATHS)
def test_every_path_and_edge_hours_give_a_full_sensible_plan(work_dir, path, hours, with_readiness):
    if with_readiness:
        write_readiness(work_dir, _attempt(WEAK_WRITING))
    plan = pl.build_plan(hours, path)
    assert plan.path == path and plan.path_source == "your choice"
    assert plan.generic is (not with_readiness)
    assert [m.number for m in plan.months] == list(range(1, 13))
    for month in plan.months:
        assert month.focus and month.practise
        assert month.exercises and month.actions, f"month {month.number} is empty"
        assert all(e.module in pl._NOTEBOOKS for e in month.exercises)
        assert len(month.actions) == len(set(month.actions))
    # milestones: inside the plan, in order, and each one placed in its month
    order = [m.order for m in plan.milestones]
    assert order == sorted(order)
    assert all(1 <= m.month <= 12 and 1 <= m.week <= 4 for m in plan.milestones)
    assert all(m.month > 12 for m in plan.later)
    assert sum(len(m.milestones) for m in plan.months) == len(plan.milestones)
    assert plan.milestones[-1].title == "Review and rebuild this plan"
    # the move comes after preparation, the role after the move
    assert plan.prep_months >= pl.MIN_PREP_MONTHS[path]
    assert plan.interview_prep_month <= plan.prep_months < plan.move_month < plan.role_month
    phases = [m.phase for m in plan.months]
    assert phases == sorted(phases, key=["prepare", "move", "role"].index), "phases out of order"
    if hours < pl.STRETCH_BELOW:
        assert any("stretches" in n for n in plan.notes)
        assert plan.later, "at 1 hour a week some milestones fall after month 12"
    else:
        assert not any("stretches" in n for n in plan.notes)
    if hours == 40:
        assert plan.prep_months == pl.MIN_PREP_MONTHS[path], "40 hours a week hits the calendar minimum"
        assert any("calendar time" in n for n in plan.notes)
        assert plan.role_month <= 12
    ask = [m for m in plan.milestones + plan.later if m.kind in ("ask", "apply")]
    assert len(ask) == 1 and ask[0].month == plan.move_month


def test_worked_numbers_follow_the_documented_rules():
    # Average profile (total 50): factor 1.0. Internal transfer: 60 h; at 5 h a week (21.7 h a month)
    # that is ceil(2.77) = 3 months of preparation, the ask in month 4, a target start in month 6.
    plan = pl.build_plan(5, "internal transfer", assessment=None)
    assert (plan.prep_hours, plan.prep_months, plan.move_month, plan.role_month) == (60, 3, 4, 6)
    assert [m.phase for m in plan.months] == ["prepare"] * 3 + ["move"] * 2 + ["role"] * 7
    # External application at 2 h a week: 100 h / 8.67 h a month = 11.5 -> 12 months; apply in month 13.
    ext = pl.build_plan(2, "external", assessment=None)
    assert (ext.prep_months, ext.move_month, ext.role_month) == (12, 13, 17)
    assert all(m.phase == "prepare" for m in ext.months)
    # A strong self-assessment (total 100) cuts the hours to 60%; a weak one (0) raises them to 140%.
    strong = pl.build_plan(5, "apm", assessment=_attempt({a: 100.0 for a in readiness.AREAS}))
    weak = pl.build_plan(5, "apm", assessment=_attempt({a: 0.0 for a in readiness.AREAS}))
    assert strong.prep_hours == pytest.approx(48) and weak.prep_hours == pytest.approx(112)
    assert strong.prep_months == 3 and weak.prep_months == math.ceil(112 / (5 * 52 / 12))


def test_focus_months_take_the_weakest_areas_in_turn(work_dir):
    write_readiness(work_dir, _attempt(WEAK_WRITING))
    plan = pl.build_plan(2, "internal transfer")
    assert plan.focus_areas == ["writing", "prioritization", "stakeholders"]
    focus = [m.area for m in plan.months if m.phase == "prepare"]
    assert focus[:4] == ["writing", "prioritization", "stakeholders", "writing"]
    assert focus.count("writing") >= focus.count("stakeholders")
    assert plan.areas == WEAK_WRITING and plan.assessed_at == "2026-06-01T10:00:00"


def test_generic_plan_says_so_and_uses_the_default_gap_order():
    plan = pl.build_plan(5, "internal transfer", assessment=None)
    assert plan.generic and plan.profile == "generic" and plan.areas is None
    assert plan.focus_areas == ["discovery", "stakeholders", "writing"]
    assert "Generic plan" in plan.notes[0]
    assert "Generic plan" in pl.to_markdown(plan)


def test_weak_transition_starts_interview_prep_a_month_early():
    areas = {"discovery": 80.0, "prioritization": 80.0, "stakeholders": 80.0, "writing": 30.0, "transition": 20.0}
    plan = pl.build_plan(5, "external application", assessment=_attempt(areas))
    assert plan.interview_prep_month == plan.prep_months - 1
    assert any("interview preparation starts a month early" in n for n in plan.notes)


@pytest.mark.parametrize("path", pl.PATHS)
def test_more_hours_never_delay_the_move(path):
    moves = [pl.build_plan(h, path, assessment=None).move_month for h in range(1, 41)]
    assert moves == sorted(moves, reverse=True)


# ---- inputs -----------------------------------------------------------------------------------
@pytest.mark.parametrize("bad, words", [
    (0, "below the minimum"), (0.5, "below the minimum"), (41, "above the maximum"), (-3, "below"),
    ("lots", "not a number"), (True, "must be a number"), (None, "must be a number"), (..., "must be a number"),
    (float("nan"), "from 1 to 40"), ([5], "not list"),
])
def test_bad_hours_are_refused_with_a_clear_message(bad, words):
    with pytest.raises(pl.PlanError, match=words):
        pl.build_plan(bad, "internal transfer", assessment=None)


def test_hours_given_as_text_are_read():
    assert pl.build_plan("7,5", "apm", assessment=None).hours_per_week == 7.5


@pytest.mark.parametrize("text, hours", [("10 hours", 10), ("5h", 5), ("6 hrs/week", 6), ("4 hours a week", 4),
                                         (" 3 ", 3)])
def test_hours_typed_with_a_unit_are_read(text, hours):
    assert pl.check_hours(text) == hours


def test_a_range_of_hours_asks_for_the_hours_you_can_count_on():
    with pytest.raises(pl.PlanError, match=r"'2-4' is a range.*low end \(2\)"):
        pl.check_hours("2-4")


@pytest.mark.parametrize("text", ["2026-9-1", "2026/09/01", "2026.09.01", " 2026-09-01 "])
def test_start_dates_written_year_first_are_read(text):
    assert pl._as_date(text) == date(2026, 9, 1)


@pytest.mark.parametrize("text, words", [("01/09/2026", "could mean January or September"),
                                         ("2026-02-30", "not a real date"), ("next monday", "year-month-day")])
def test_unclear_start_dates_are_refused_with_a_reason(text, words):
    with pytest.raises(pl.PlanError, match=words):
        pl._as_date(text)


@pytest.mark.parametrize("text, name", [
    ("internal", "internal transfer"), ("Internal Transfer", "internal transfer"), ("apm", "APM programme"),
    ("APM program", "APM programme"), ("external", "external application"), ("External application", "external application"),
])
def test_path_names_are_read_loosely(text, name):
    assert pl.normalise_path(text) == name


def test_unknown_path_is_refused():
    with pytest.raises(pl.PlanError, match="not a path"):
        pl.build_plan(5, "MBA", assessment=None)


def test_paths_match_module_06():
    from pmkit import career

    assert pl.PATHS == career.PATHS


def test_path_comes_from_module_06_when_not_given():
    record = {"inputs": {"hours_per_week": 6}, "recommended": "internal", "recommended_name": "internal transfer",
              "chosen": "external", "chosen_name": "external application", "justification": "..."}
    work.save_answer("06-landing-the-role", "path_choice", record)
    plan = pl.build_plan(5, assessment=None)
    assert plan.path == "external application" and plan.path_source == "Module 06"
    assert any("your own choice" in n for n in plan.notes)
    # an explicit path wins over the saved one
    assert pl.build_plan(5, "apm", assessment=None).path == "APM programme"


def test_without_any_saved_path_the_default_is_flagged():
    plan = pl.build_plan(5, assessment=None)
    assert plan.path == pl.DEFAULT_PATH and plan.path_source == "default"
    assert any("No path choice is saved" in n for n in plan.notes)


def test_a_damaged_self_assessment_file_gives_a_generic_plan_and_is_kept(work_dir, capsys):
    path = work_dir / "00-start-here" / "readiness.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    plan = pl.build_plan(5, "internal transfer")
    assert plan.generic
    backups = list(path.parent.glob("readiness.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "{not json"
    assert "readiness.json" in capsys.readouterr().out


def test_an_unusable_assessment_dict_falls_back_to_generic_with_a_reason():
    plan = pl.build_plan(5, "apm", assessment={"areas": {"discovery": "high"}})
    assert plan.generic
    assert any("could not be used" in n for n in plan.notes)


# ---- saving and reading back ------------------------------------------------------------------
def test_plan_round_trips_through_its_saved_form():
    plan = pl.build_plan(3, "apm", assessment=_attempt(WEAK_WRITING))
    data = json.loads(json.dumps(plan.to_dict()))
    assert pl.Plan.from_dict(data) == plan


@pytest.mark.parametrize("bad", [None, [], {"path": "internal transfer"}, {"months": "x"}])
def test_damaged_saved_plans_raise_plan_error(bad):
    with pytest.raises(pl.PlanError):
        pl.Plan.from_dict(bad)


def test_save_plan_writes_the_answer_the_markdown_and_the_calendar(work_dir):
    plan = pl.build_plan(5, "internal transfer", assessment=None)
    paths = pl.save_plan(plan, "2026-09-01")
    assert set(paths) == {"answers", "markdown", "ics"}
    saved = work.load_answer("07-after-the-switch", "plan")
    assert pl.Plan.from_dict(saved) == plan and saved["start_date"] == "2026-09-01"
    assert paths["markdown"].read_text(encoding="utf-8").startswith("# My 12-month plan")
    raw = paths["ics"].read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")


def test_markdown_has_every_month_and_the_dates():
    plan = pl.build_plan(5, "external application", assessment=None)
    text = pl.to_markdown(plan, date(2026, 9, 1))
    for n in range(1, 13):
        assert re.search(rf"^### Month {n} \(", text, flags=re.M), f"month {n} missing"
    assert "(Sep 2026)" in text and "(Aug 2027)" in text
    assert "## How this plan was made" in text
    for m in plan.milestones:
        assert m.title in text


# ---- the calendar ----------------------------------------------------------------------------
def _unfold(raw: str) -> list[str]:
    return raw.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


@pytest.mark.parametrize("hours", [1, 2, 5, 40])
@pytest.mark.parametrize("path", pl.PATHS)
def test_ics_parses_back_with_every_required_property(path, hours):
    plan = pl.build_plan(hours, path, assessment=None)
    raw = pl.to_ics(plan, date(2026, 9, 1), stamp=STAMP)
    # RFC 5545 framing: CRLF only, lines of at most 75 octets
    assert raw.endswith("\r\n")
    assert "\n" not in raw.replace("\r\n", "") and "\r" not in raw.replace("\r\n", "")
    for line in raw.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    events = cal.walk("VEVENT")
    assert len(events) == len(plan.milestones) > 0
    uids = set()
    for event, milestone in zip(events, plan.milestones):
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert prop in event, f"{prop} missing"
        uids.add(str(event["UID"]))
        assert event.decoded("DTSTART") == pl.milestone_date("2026-09-01", milestone)
        assert type(event.decoded("DTSTART")) is date  # an all-day event: DTSTART;VALUE=DATE
        assert event.decoded("DTSTAMP") == STAMP
        assert str(event["SUMMARY"]) == milestone.title
    assert len(uids) == len(events)
    assert sum(line.startswith("DTSTART;VALUE=DATE:") for line in _unfold(raw)) == len(events)


def test_ics_uids_are_stable_for_the_same_plan():
    plan = pl.build_plan(5, "apm", assessment=None)
    a = Calendar.from_ical(pl.to_ics(plan, "2026-09-01", stamp=STAMP))
    b = Calendar.from_ical(pl.to_ics(plan, "2026-09-01", stamp=datetime(2027, 1, 1, tzinfo=timezone.utc)))
    assert [str(e["UID"]) for e in a.walk("VEVENT")] == [str(e["UID"]) for e in b.walk("VEVENT")]


def test_ics_escaping_round_trips():
    plan = pl.build_plan(5, "internal transfer", assessment=None)
    tricky = "Ask Daniel, Maya; then rest\nand a second line with ünïcödé " + "long " * 20
    plan.milestones[0] = replace(plan.milestones[0], title=tricky, detail="a; b, c\\d")
    raw = pl.to_ics(plan, "2026-09-01", stamp=STAMP)
    unfolded = "\r\n".join(_unfold(raw))
    assert "SUMMARY:Ask Daniel\\, Maya\\; then rest\\nand a second line" in unfolded
    assert "a\\; b\\, c\\\\d" in unfolded
    for line in raw.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == tricky
    assert str(event["DESCRIPTION"]).startswith("a; b, c\\d\n")


def test_month_start_clamps_to_the_end_of_short_months():
    assert pl.month_start("2026-01-31", 2) == date(2026, 2, 28)
    assert pl.month_start(date(2026, 11, 15), 3) == date(2027, 1, 15)
    with pytest.raises(pl.PlanError, match="date like"):
        pl.month_start("next week", 1)


# ---- the chart --------------------------------------------------------------------------------
def test_figure_and_alt_text_describe_the_same_plan():
    plan = pl.build_plan(4, "internal transfer", assessment=_attempt(WEAK_WRITING))
    fig = pl.figure(plan, "2026-09-01")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Phase", "Focus", "Milestones"]
    texts = {t.get_text() for t in ax.texts}
    assert {"Prepare", "Make the move", "First PM role", "Writing"} <= texts  # labels, not colour alone
    alt = pl.alt_text(plan)
    assert "internal transfer" in alt and "4 hours a week" in alt
    for m in plan.milestones:
        assert m.title in alt
    html = pl.figure_html(plan)
    assert html.startswith('<img class="pmkit-plan-chart-img" src="data:image/png;base64,') and 'alt="' in html


@pytest.mark.parametrize("hours, n_actions", [(1, 1), (2.5, 1), (3, 2), (9, 2), (10, 3), (40, 3)])
def test_intensity_follows_the_hours(hours, n_actions):
    plan = pl.build_plan(hours, "internal transfer", assessment=None)
    n_ex = 1 if hours < 3 else 2
    for month in plan.months:
        assert len(month.actions) == n_actions
        specials = [e for e in month.exercises if e.title in ("A STAR story from your own work", "Assemble your portfolio and frame it")]
        assert len(month.exercises) == max(n_ex, len(specials)), (month.number, month.exercises)
    prep = [m for m in plan.months if m.phase == "prepare"]
    if plan.prep_months <= 12:
        assert Exercise("07", "Assemble your portfolio and frame it") in prep[-1].exercises


Exercise = pl.Exercise


def test_every_exercise_the_plan_suggests_exists(exercise_titles):
    """The plan sends the learner to course exercises by title: each must be a real exercise."""
    named = {ex.title for table in (pl.AREA_PLAN, pl.MOVE_PLAN) for entry in table.values()
             for ex in entry.get("exercises", [])}
    assert len(named) >= 15
    assert named - exercise_titles == set(), f"the plan names exercises that do not exist: {named - exercise_titles}"
