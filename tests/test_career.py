"""Module 06's logic: the path model, CIRCLES and STAR checks, calibration scoring and its history."""

import json
import math
import re

import pandas as pd
import pytest

from pmkit import career, interview, work
from pmkit.data import DataError
from pmkit.interview import Question


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


def profile(**changes):
    base = dict(career.EXAMPLE_PROFILE)
    base.update(changes)
    return base


# =============================================================================================
# Path model
# =============================================================================================
def test_each_routes_weights_add_up_to_100_points():
    table = career.weight_table()
    assert list(table.index) == list(career.INPUTS)
    assert list(table.columns) == list(career.PATH_IDS)
    assert table.abs().sum().to_dict() == {"internal": 100, "apm": 100, "external": 100}
    assert set(career.WEIGHT_REASONS) == set(career.INPUTS)


def test_weight_table_in_the_docstring_matches_the_weights():
    import re

    for key in career.INPUTS:
        match = re.search(rf"^\s*{key}\s+([+-]?\d+)\s+([+-]?\d+)\s+([+-]?\d+)\s*$", career.__doc__, flags=re.M)
        assert match, f"{key} is missing from the documented weight table"
        assert [int(n) for n in match.groups()] == [career.WEIGHTS[key][p] for p in career.PATH_IDS], key


def test_contributions_add_up_to_the_scores_and_stay_within_0_100():
    rec = career.recommend(career.EXAMPLE_PROFILE)
    for pid in career.PATH_IDS:
        assert rec.contributions[pid].sum() == pytest.approx(rec.scores[pid])
        assert 0 <= rec.scores[pid] <= 100
    assert (rec.contributions.to_numpy() >= 0).all()


def test_priyas_example_by_hand():
    # years 4 -> 4/6; reset 1 -> 0.25; roles yes -> 1; allies 3 -> 0.75; hours 4 -> 0.4; evidence 3 -> 0.75
    # (evidence 3 = her answer to T1 in Module 00's last attempt before the move: three finished pieces)
    rec = career.recommend(career.EXAMPLE_PROFILE)
    assert rec.scores["internal"] == pytest.approx(10 * 4 / 6 + 0 + 35 + 25 * 0.75 + 10 * 0.4 + 20 * 0.75)
    assert rec.scores["apm"] == pytest.approx(30 * (1 - 4 / 6) + 35 * 0.25 + 0 + 0 + 15 * 0.4 + 10 * 0.75)
    assert rec.scores["external"] == pytest.approx(25 * 4 / 6 + 10 * 0.25 + 0 + 0 + 20 * 0.4 + 30 * 0.75)
    assert round(rec.scores["internal"]) == 79 and round(rec.scores["external"]) == 50  # the lesson's numbers
    assert rec.path == "internal" and rec.path_name == "internal transfer"
    assert rec.runner_up == "external"
    assert rec.margin == pytest.approx(rec.scores["internal"] - rec.scores["external"])


@pytest.mark.parametrize("expected, inputs", [
    ("internal", dict(years_experience=4, reset_appetite=0, company_has_pm_roles=True, allies=4, hours_per_week=4,
                      pm_evidence=2)),
    ("apm", dict(years_experience=1, reset_appetite=4, company_has_pm_roles=False, allies=0, hours_per_week=8,
                 pm_evidence=1)),
    ("external", dict(years_experience=8, reset_appetite=1, company_has_pm_roles=False, allies=1, hours_per_week=6,
                      pm_evidence=3)),
])
def test_every_path_can_win(expected, inputs):
    rec = career.recommend(inputs)
    assert rec.path == expected
    assert rec.reasons, "a winner must come with reasons"
    assert career.PATH_NAMES[expected] in rec.reasons[0]


@pytest.mark.parametrize("pid, inputs", [
    ("internal", dict(years_experience=6, reset_appetite=0, company_has_pm_roles=True, allies=4, hours_per_week=10,
                      pm_evidence=4)),
    ("apm", dict(years_experience=0, reset_appetite=4, company_has_pm_roles=False, allies=0, hours_per_week=10,
                 pm_evidence=4)),
    ("external", dict(years_experience=6, reset_appetite=4, company_has_pm_roles=False, allies=0, hours_per_week=10,
                      pm_evidence=4)),
])
def test_each_route_reaches_100_for_its_ideal_profile(pid, inputs):
    assert career.recommend(inputs).scores[pid] == pytest.approx(100)


def test_having_pm_roles_helps_internal_and_hurts_the_others():
    yes = career.recommend(profile(company_has_pm_roles=True)).scores
    no = career.recommend(profile(company_has_pm_roles=False)).scores
    assert yes["internal"] - no["internal"] == pytest.approx(35)
    assert no["apm"] - yes["apm"] == pytest.approx(10)
    assert no["external"] - yes["external"] == pytest.approx(15)


def test_levels_cap_long_experience_and_many_hours():
    assert career.levels(profile(years_experience=20))["years_experience"] == 1
    assert career.levels(profile(years_experience=3))["years_experience"] == pytest.approx(0.5)
    assert career.levels(profile(hours_per_week=25))["hours_per_week"] == 1


def test_a_tie_goes_to_the_route_listed_first():
    # internal = 35 (roles) + 25*a ... find an exact tie by construction: all levels 0 except roles
    rec = career.recommend(dict(years_experience=0, reset_appetite=0, company_has_pm_roles=True, allies=0,
                                hours_per_week=0, pm_evidence=0))
    # internal 35; apm 30 (early career); external 0
    assert rec.scores == {"internal": 35, "apm": 30, "external": 0}
    tie = career.recommend(dict(years_experience=0, reset_appetite=0, company_has_pm_roles=False, allies=0,
                                hours_per_week=0, pm_evidence=2))
    # internal 10; apm 30+10+5 = 45; external 15+15 = 30
    assert tie.path == "apm"


def test_inputs_accept_text_and_yes_no():
    clean = career.validate_inputs(dict(years_experience="4", reset_appetite="1", company_has_pm_roles="yes",
                                        allies=3.0, hours_per_week="4.5", pm_evidence=2))
    assert clean == dict(years_experience=4, reset_appetite=1, company_has_pm_roles=True, allies=3,
                         hours_per_week=4.5, pm_evidence=2)


@pytest.mark.parametrize("text, number", [("4 years", 4), ("10 hours", 10), ("5h a week", 5), ("6 hrs/week", 6),
                                          ("4,5", 4.5), (" 3 ", 3), ("2.5 hours per week", 2.5)])
def test_numbers_typed_with_a_unit_or_a_decimal_comma(text, number):
    # "4,5" used to become 45 (the comma was dropped as a thousands separator)
    clean = career.validate_inputs(profile(hours_per_week=text))
    assert clean["hours_per_week"] == number


def test_a_range_gets_its_own_message():
    with pytest.raises(ValueError, match=r"'10-20' is a range.*one number.*middle \(15\)"):
        career.validate_inputs(profile(hours_per_week="10-20"))
    with pytest.raises(ValueError, match="is a range"):
        career.validate_inputs(profile(years_experience="3 to 5"))


def test_keys_typed_by_hand_match_whatever_their_case_or_spaces():
    typed = {" Years_Experience ": 4, "RESET_APPETITE": 1, "company has pm roles": "yes", "Allies": 3,
             "hours-per-week": "4", "pm_evidence": 3}
    assert career.validate_inputs(typed) == career.validate_inputs(career.EXAMPLE_PROFILE)
    with pytest.raises(ValueError, match="second time"):
        career.validate_inputs({**career.EXAMPLE_PROFILE, "Allies": 2})


def test_every_input_problem_is_reported_at_once():
    with pytest.raises(ValueError) as info:
        career.validate_inputs({"years_experience": "lots", "reset_appetite": 7, "allies": 1.5,
                                "hours_per_week": -2, "pm_evidence": ..., "colour": "blue"})
    text = str(info.value)
    assert "6 problems" in text or "7 problems" in text
    for words in ("'lots' is not a number", "reset_appetite: 7 is out of range", "allies: 1.5 is not a whole number",
                  "hours_per_week: -2 is out of range", "pm_evidence: missing", "company_has_pm_roles: missing",
                  "'colour' is not one of the inputs"):
        assert words in text


@pytest.mark.parametrize("bad", [None, "internal", 4, ["a"]])
def test_inputs_that_are_not_a_dict_get_a_clear_message(bad):
    with pytest.raises(ValueError, match="dict with these keys"):
        career.recommend(bad)


def test_yes_no_must_be_yes_or_no():
    with pytest.raises(ValueError, match="not yes or no"):
        career.validate_inputs(profile(company_has_pm_roles="maybe"))


def test_sensitivity_moves_each_input_one_step():
    table = career.sensitivity(career.EXAMPLE_PROFILE)
    # every input moves both ways except the toggle (it is "yes", so it can only flip to "no")
    assert len(table) == 2 * 5 + 1
    toggle = table[table["input"] == "company_has_pm_roles"].iloc[0]
    assert toggle["change"] == "yes → no"
    hours_up = table[(table["input"] == "hours_per_week") & (table["change"] == "+2 hours")].iloc[0]
    assert hours_up["to"] == "6 hours a week"
    for _, row in table.iterrows():
        assert row["recommended"] in career.PATH_IDS
        assert row["changes_answer"] == (row["recommended"] != "internal")
    # Priya's lead is wide: only taking away the PM roles changes the answer (to an external application)
    flips = table[table["changes_answer"]]
    assert list(flips["input"]) == ["company_has_pm_roles"] and list(flips["recommended"]) == ["external"]


def test_sensitivity_finds_the_step_that_flips_a_close_call():
    close = dict(years_experience=0, reset_appetite=1, company_has_pm_roles=True, allies=0, hours_per_week=4,
                 pm_evidence=2)
    rec = career.recommend(close)
    assert rec.path == "apm" and rec.close_call
    table = career.sensitivity(close)
    flip = table[(table["input"] == "allies") & (table["change"] == "+1")].iloc[0]
    assert flip["changes_answer"] and flip["recommended"] == "internal"
    expected = career.recommend(dict(close, allies=1)).scores
    assert flip["internal"] == pytest.approx(round(expected["internal"], 1))
    assert any("close call" in c for c in rec.caveats)


def test_sensitivity_at_the_ends_of_the_scales():
    ends = dict(years_experience=0, reset_appetite=4, company_has_pm_roles=False, allies=0, hours_per_week=0,
                pm_evidence=4)
    table = career.sensitivity(ends)
    moves = set(zip(table["input"], table["change"]))
    assert ("years_experience", "−1 year") not in moves and ("years_experience", "+1 year") in moves
    assert ("reset_appetite", "+1") not in moves and ("pm_evidence", "+1") not in moves
    assert ("company_has_pm_roles", "no → yes") in moves


def test_caveats_warn_an_experienced_engineer_about_apm():
    rec = career.recommend(dict(years_experience=4, reset_appetite=4, company_has_pm_roles=False, allies=0,
                                hours_per_week=10, pm_evidence=0))
    assert rec.path == "apm"
    assert any("step back" in c for c in rec.caveats)


# ---- prefill from Module 00 ------------------------------------------------------------------
@pytest.mark.parametrize("score, evidence", [(0, 0), (12, 0), (13, 1), (50, 2), (60, 2), (88, 4), (100, 4)])
def test_prefill_turns_the_transition_score_into_evidence(score, evidence):
    values, message = career.prefill_from_readiness({"taken_at": "2026-07-01T09:00:00", "areas": {"transition": score}})
    assert values == {"pm_evidence": evidence}
    assert "2026-07-01" in message


@pytest.mark.parametrize("answers, evidence", [({"T1": 3}, 3), ({"t1": "0"}, 0), ({"T1": 4, "T2": 0}, 4)])
def test_prefill_copies_the_answer_to_t1_which_asks_about_evidence(answers, evidence):
    # the transition score (100 here) also counts allies, interviews and a plan; T1 is the evidence itself
    latest = {"taken_at": "2025-12-15T09:00:00", "areas": {"transition": 100.0}, "answers": answers}
    values, message = career.prefill_from_readiness(latest)
    assert values == {"pm_evidence": evidence}
    assert "T1" in message and "2025-12-15" in message


def test_prefill_for_priya_matches_her_example_profile():
    from pmkit.widgets.readiness import example_history

    last_before_the_move = example_history()[-1]
    values, _ = career.prefill_from_readiness(last_before_the_move)
    assert values == {"pm_evidence": career.EXAMPLE_PROFILE["pm_evidence"]}


@pytest.mark.parametrize("latest", [None, {}, {"areas": {}}, {"areas": {"transition": "high"}},
                                    {"areas": {"transition": float("nan")}}, {"areas": None}, "junk",
                                    {"answers": {"T1": 9}}, {"answers": ["T1"]}, {"answers": {"T1": "x"}}])
def test_prefill_without_a_usable_self_assessment_fills_nothing(latest):
    values, message = career.prefill_from_readiness(latest)
    assert values == {} and message


def test_prefill_from_the_real_module_never_raises():
    values, message = career.prefill_from_readiness()
    assert isinstance(values, dict) and isinstance(message, str)


# ---- the exercise record -----------------------------------------------------------------------
def test_path_choice_record_and_its_check():
    record = career.path_choice_record(
        career.EXAMPLE_PROFILE, "Internal transfer",
        "My company has PM roles and Daniel is a sponsor who knows my work. I have already written one spec. "
        "I will ask him for a trial project next month.")
    assert record["recommended"] == "internal" and record["chosen"] == "internal"
    assert set(record["inputs"]) == set(career.INPUTS)
    fb = career.check_path_choice(record)
    assert fb.answered and fb.ok, str(fb)


def test_path_choice_record_placeholders_and_problems(capsys):
    assert career.path_choice_record(..., ..., ...) is ...
    assert career.path_choice_record({"years_experience": 4}, "moon", "") is None
    out = capsys.readouterr().out
    assert "Not saved yet" in out and "'moon'" in out and "justification is empty" in out


def test_choosing_against_the_model_asks_what_it_misses():
    record = career.path_choice_record(career.EXAMPLE_PROFILE, "external", "I want a fresh start.")
    fb = career.check_path_choice(record)
    labels = {c.label: c for c in fb.checks}
    assert labels["Your choice"].ok is None
    assert "Why you differ from the model" in labels


@pytest.mark.parametrize("junk", [..., None, "", 5, "internal", {"inputs": 3}, {"inputs": {}}, [1, 2], {"x": 1}])
def test_check_path_choice_never_raises(junk):
    fb = career.check_path_choice(junk)
    assert not fb.ok
    assert str(fb)


def test_saved_path_choice_round_trip():
    record = career.path_choice_record(career.EXAMPLE_PROFILE, "apm", "A reset is fine by me; I will apply in May.")
    work.keep_answer(career.MODULE, "path_choice", record)
    saved = career.saved_path_choice()
    assert saved["chosen"] == "apm" and saved["recommended"] == "internal"
    assert saved["inputs"]["hours_per_week"] == 4


def test_saved_path_choice_when_missing_or_broken(work_dir, capsys):
    assert career.saved_path_choice() is None
    work.save_answer(career.MODULE, "path_choice", {"inputs": {"allies": 9}})
    assert career.saved_path_choice() is None
    assert "problem" in capsys.readouterr().out


@pytest.mark.parametrize("text, pid", [("internal", "internal"), ("Internal Transfer", "internal"),
                                       ("APM programme", "apm"), ("APM program", "apm"),
                                       ("external application", "external"), ("apply outside", "external"),
                                       ("", None), (3, None), ("astronaut", None)])
def test_path_id(text, pid):
    assert career.path_id(text) == pid


# =============================================================================================
# CIRCLES
# =============================================================================================
GOOD_CIRCLES = {
    "comprehend": "Is the goal retention of new multi-site accounts? I assume we mean swaps between staff at one site.",
    "identify": "Two users matter: staff who want a swap and site managers who approve it. I will focus on the "
                "managers, because their approval is where swaps stall.",
    "report": "Managers need to approve swaps without checking overtime by hand. Staff need an answer before the "
              "shift starts. Managers worry that a swap leaves a shift without the right skills.",
    "cut": "The approval wait matters most, because 39% of swaps never complete and the wait is the main reason.",
    "list": "- Auto-approve swaps that break no rule.\n- A one-tap approval in the manager app.\n"
            "- A daily digest of pending swaps for area managers.",
    "evaluate": "Auto-approval removes the wait but takes control from managers. One-tap approval is cheap, "
                "but still needs a manager online. The digest costs little but is slow.",
    "summarize": "I would build rule-based auto-approval first, with a manager override, and measure the swap "
                 "completion rate, aiming to move it from 61% to 75%.",
}


def test_a_complete_circles_answer_passes_every_step():
    fb = interview.check_circles(GOOD_CIRCLES)
    assert fb.ok, str(fb)
    assert len(fb.passed) == 7


def test_empty_and_thin_steps_are_named():
    answer = dict(GOOD_CIRCLES, list="Auto-approve.", evaluate="", summarize=...)
    fb = interview.check_circles(answer)
    failed = {c.label for c in fb.failed}
    assert failed == {"List solutions", "Evaluate trade-offs", "Summarize your recommendation"}
    assert "Empty: Evaluate trade-offs, Summarize your recommendation." in fb.summary
    assert "Thin: List solutions." in fb.summary


def test_circles_specific_weaknesses():
    answer = dict(GOOD_CIRCLES,
                  identify="There are many different kinds of folks involved in this whole thing overall.",
                  summarize="I would build the auto-approval rules first for everybody who uses the product.")
    fb = interview.check_circles(answer)
    messages = {c.label: c.message for c in fb.failed}
    assert "name the users" in messages["Identify the customer"]
    assert "measure success" in messages["Summarize your recommendation"]


def test_circles_accepts_step_names_as_keys_and_notes_unknown_keys():
    renamed = {name: GOOD_CIRCLES[key] for key, name, _ in interview.CIRCLES_STEPS}
    renamed["Bonus"] = "text"
    fb = interview.check_circles(renamed)
    assert len(fb.passed) == 7
    assert any(c.ok is None and "Bonus" in c.label for c in fb.checks)


@pytest.mark.parametrize("junk", [..., None, "", "my answer", 42, [], {}, {"comprehend": ...}, {"comprehend": 5},
                                  {"comprehend": ["a", "b"]}])
def test_check_circles_never_raises(junk):
    fb = interview.check_circles(junk)
    assert not fb.ok
    assert str(fb)


# =============================================================================================
# STAR
# =============================================================================================
GOOD_STAR = {
    "situation": "At Rotawise, staff on Android kept missing shift changes, and support tickets about it were rising.",
    "task": "As a backend engineer I owned the notification service, so I was asked to find out why.",
    "action": "I read two hundred tickets with the support lead and tagged each one. I found that most came from "
              "three phone makers that kill apps in the background. I wrote a one-page proposal with two options "
              "and their costs, and I walked the CTO and the scheduling PM through it. I then built the fix they "
              "chose, and I set up a weekly report so we could see if it worked.",
    "result": "Tickets about missed shifts fell by 40% in six weeks. I learned that a short written proposal "
              "moves a decision faster than a long meeting.",
}


def test_a_good_star_story_passes():
    fb = interview.check_star(GOOD_STAR)
    assert fb.ok, str(fb)
    assert {c.label for c in fb.passed} >= {"All four parts", "Action says what you did", "Measurable result",
                                            "Length", "Balance"}


def test_we_only_action_and_vague_result_fail():
    story = dict(GOOD_STAR, action="We looked at the tickets. We found the cause. We fixed it and we shipped it, "
                                   "and our team wrote a report for our managers about what we did together.",
                 result="Things got much better and everyone was happy with the outcome.")
    fb = interview.check_star(story)
    failed = {c.label: c.message for c in fb.failed}
    assert "never \"I\"" in failed["Action says what you did"]
    assert "with a number" in failed["Measurable result"]


def test_missing_parts_and_length():
    fb = interview.check_star({"situation": "A team.", "action": "I fixed it."})
    failed = {c.label: c.message for c in fb.failed}
    assert "missing Task, Result" in failed["All four parts"]
    assert failed["Length"].startswith("5 words")


def test_star_text_joins_the_parts_in_order():
    text = interview.star_text({"result": "R.", "situation": "S.", "task": "", "action": "A."})
    assert text == "Situation: S.\n\nAction: A.\n\nResult: R."
    assert interview.star_text("junk") == ""


@pytest.mark.parametrize("junk", [..., None, "", "story", 3, [], {}, {"situation": ...}, {"action": 7}])
def test_check_star_never_raises(junk):
    fb = interview.check_star(junk)
    assert not fb.ok
    assert str(fb)


# =============================================================================================
# Estimation questions
# =============================================================================================
def test_the_question_bank():
    qs = interview.load_estimation_questions()
    assert len(qs) >= 12
    assert len({q.id for q in qs}) == len(qs)
    assert {q.kind for q in qs} == {"fact", "case-study"}
    for q in qs:
        assert q.source and q.unit and q.question.endswith("?")
        assert math.isfinite(q.answer) and q.answer > 0
        if q.kind == "case-study":
            assert q.source.startswith("Rotawise case study")


def test_case_study_answers_agree_with_the_case_study():
    qs = {q.id: q.answer for q in interview.load_estimation_questions()}
    assert qs["C01"] == 390_000
    assert qs["C02"] == 2_150 + 880 + 70
    assert qs["C03"] == pytest.approx((2_150 * 49 + 880 * 390 + 70 * 3_900) * 12 / 1e6, abs=0.005)
    assert qs["C04"] == pytest.approx(390_000 / 3_100, abs=0.05)
    assert qs["C05"] == pytest.approx(880 * 390 / 1_000)


def test_a_bad_question_file_lists_every_problem(tmp_path):
    bad = tmp_path / "q.csv"
    bad.write_text("id,question,answer,unit,source,kind\n"
                   "Q1,How many?,12,things,somewhere,fact\n"
                   "Q1,How many more?,lots,things,somewhere,fact\n"
                   "Q3,,0,things,,guess\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        interview.load_estimation_questions(bad)
    found = {(p.line, p.column) for p in info.value.problems}
    assert found == {(3, "id"), (3, "answer"), (4, "question"), (4, "source"), (4, "answer"), (4, "kind")}
    assert "used twice (also on line 2)" in str(info.value)


def test_a_question_file_missing_a_column(tmp_path):
    bad = tmp_path / "q.csv"
    bad.write_text("id,question,answer\nQ1,How many?,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        interview.load_estimation_questions(bad)


# =============================================================================================
# Calibration scoring (known values, by hand)
# =============================================================================================
def test_interval_score_inside_is_the_width():
    assert interview.interval_score(90, 110, 100) == 20
    assert interview.interval_score(90, 110, 90) == 20  # on the edge counts as inside
    assert interview.interval_score(5, 5, 5) == 0


@pytest.mark.parametrize("d", [0.5, 1, 10, 250])
def test_interval_score_below_and_above_cost_20_times_the_miss(d):
    assert interview.interval_score(100, 130, 100 - d) == pytest.approx(30 + 20 * d)
    assert interview.interval_score(100, 130, 130 + d) == pytest.approx(30 + 20 * d)


def test_interval_score_other_alpha_and_bad_ranges():
    assert interview.interval_score(0, 10, 15, alpha=0.5) == pytest.approx(10 + 4 * 5)
    with pytest.raises(ValueError, match="above the high end"):
        interview.interval_score(10, 0, 5)
    with pytest.raises(ValueError, match="alpha"):
        interview.interval_score(0, 1, 0, alpha=1.5)


SMALL = [Question("Q1", "a?", 100, "u", "s", "fact"), Question("Q2", "b?", 50, "u", "s", "fact"),
         Question("Q3", "c?", 10, "u", "s", "fact"), Question("Q4", "d?", 1000, "u", "s", "fact")]


def test_score_calibration_known_values():
    result = interview.score_calibration({"Q1": (90, 110), "Q2": (60, 70), "Q3": (1, 5), "Q4": (0, 2000)}, SMALL)
    t = result.table
    assert list(t.index) == ["Q1", "Q2", "Q3", "Q4"]
    assert list(t["hit"]) == [True, False, False, True]
    assert list(t["where"]) == ["inside", "below your range", "above your range", "inside"]
    assert list(t["interval_score"]) == [20, 10 + 20 * 10, 4 + 20 * 5, 2000]
    assert list(t["relative_score"]) == pytest.approx([0.2, 4.2, 10.4, 2.0])
    assert result.n == 4 and result.hits == 2 and result.hit_rate == 0.5
    assert result.mean_interval_score == pytest.approx((0.2 + 4.2 + 10.4 + 2.0) / 4)


def test_example_attempt_by_hand():
    result = interview.score_calibration(interview.EXAMPLE_RANGES)
    assert result.hits == 9 and result.n == 15
    assert result.verdict == "overconfident"
    # F03: 1,345 m above (1,200, 1,300): 100 + 20 * 45
    assert result.table.at["F03", "interval_score"] == pytest.approx(1000)
    assert result.table.at["F07", "interval_score"] == pytest.approx(0.5)


@pytest.mark.parametrize("hits, verdict", [(15, "all"), (14, "calibrated"), (13, "calibrated"), (12, "slightly"),
                                           (11, "slightly"), (10, "overconfident"), (3, "overconfident")])
def test_verdict_follows_the_binomial_chance_of_so_few_hits(hits, verdict):
    # P(X <= 10 | n=15, p=0.9) = 1.3% < 5%; P(X <= 11) = 5.6%
    qs = [Question(f"Q{i}", "?", 100, "u", "s", "fact") for i in range(15)]
    ranges = {f"Q{i}": ((90, 110) if i < hits else (1, 2)) for i in range(15)}
    result = interview.score_calibration(ranges, qs)
    assert result.hits == hits and result.verdict == verdict


@pytest.mark.parametrize("typed, low, high", [("90-110", 90, 110), ("90 to 110", 90, 110), ("90 – 110", 90, 110),
                                             ("1,000-2,000", 1000, 2000), ("-5-110", -5, 110)])
def test_a_range_typed_as_one_text_is_read(typed, low, high):
    # a learner naturally types "90-110" in one pair of quotes rather than (90, 110)
    result = interview.score_calibration({"Q1": typed, "Q2": (40, 60), "Q3": (9, 11), "Q4": (900, 1100)}, SMALL)
    assert (result.table.at["Q1", "low"], result.table.at["Q1", "high"]) == (low, high)


@pytest.mark.parametrize("typed, words", [("110-90", "low end (110) is above the high end (90)"),
                                          ("about 100", "is not a range"), ("90-", "is not a range")])
def test_a_text_range_that_cannot_be_used_says_why(typed, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        interview.score_calibration({"Q1": typed, "Q2": (40, 60), "Q3": (9, 11), "Q4": (900, 1100)}, SMALL)


def test_ranges_accept_text_numbers_lowercase_ids_and_lists():
    result = interview.score_calibration({"q1": ["1,000", "2,000"], "Q2": ("40", 60.0), "Q3": (9, 11),
                                          "Q4": {"low": 999, "high": 1001}}, SMALL)
    assert result.table.at["Q1", "low"] == 1000 and result.hits == 3


def test_every_range_problem_is_reported_at_once():
    with pytest.raises(ValueError) as info:
        interview.score_calibration({"Q1": (110, 90), "Q2": ("fifty", 60), "Q9": (1, 2), "Q3": 5}, SMALL)
    text = str(info.value)
    assert "5 problems" in text
    assert "Q1: the low end (110) is above the high end (90)" in text
    assert "Q2: the low end 'fifty' is not a number" in text
    assert "'Q9': there is no question with this id" in text
    assert "Q3: 5 is not a range" in text
    assert "No range for Q4" in text


@pytest.mark.parametrize("bad, words", [
    ("F01: 1-2", "dict from question id"),
    ({"Q1": (..., ...), "Q2": (1, 2), "Q3": (1, 2), "Q4": (1, 2)}, "Q1: no range yet"),
    ({"Q1": (1, None), "Q2": (1, 2), "Q3": (1, 2), "Q4": (1, 2)}, "high end is missing"),
    ({"Q1": (1, float("nan")), "Q2": (1, 2), "Q3": (1, 2), "Q4": (1, 2)}, "is not a number"),
    ({"Q1": (True, 2), "Q2": (1, 2), "Q3": (1, 2), "Q4": (1, 2)}, "is not a number"),
    ({}, "No range for"),
])
def test_bad_ranges(bad, words):
    with pytest.raises(ValueError, match=words):
        interview.score_calibration(bad, SMALL)


def test_allow_missing_scores_a_partial_round():
    result = interview.score_calibration({"Q1": (90, 110), "Q2": (..., ...)}, SMALL, allow_missing=True)
    assert result.n == 1 and result.skipped == ["Q2", "Q3", "Q4"]


@pytest.mark.parametrize("junk", [..., None, "", "ranges", 3, [], {}, {"F01": "x"}, {"F01": (..., ...)},
                                  {"F01": (2, 1)}])
def test_check_calibration_never_raises(junk):
    fb = interview.check_calibration(junk)
    assert not fb.ok
    assert str(fb)


def test_check_calibration_reports_hits_and_misses():
    fb = interview.check_calibration({"Q1": (90, 110), "Q2": (60, 70), "Q3": (1, 5), "Q4": (0, 2000)}, SMALL)
    assert fb.answered
    text = str(fb)
    assert "2 of 4" in text and "Q2 missed" in text and "Q3 missed" in text and "Q1 missed" not in text


def test_filled_ranges_keeps_only_answered_pairs():
    assert interview.filled_ranges(interview.blank_ranges()) is ...
    assert interview.filled_ranges({"F01": (60, 70), "F02": (..., ...)}) == {"F01": [60, 70]}
    assert interview.filled_ranges({"F01": (60, ...)}) == {"F01": [60, None]}
    assert interview.filled_ranges("junk") == "junk"


# =============================================================================================
# History: saved, reloaded, and safe against a broken file
# =============================================================================================
def _round(hits):
    qs = [Question(f"Q{i}", "?", 100, "u", "s", "fact") for i in range(10)]
    return interview.score_calibration({f"Q{i}": ((90, 110) if i < hits else (1, 2)) for i in range(10)}, qs)


def test_history_round_trip_oldest_first():
    from datetime import datetime

    assert interview.load_history() == []
    interview.save_attempt(_round(6), when=datetime(2026, 7, 1, 9, 0))
    path = interview.save_attempt(_round(9), when=datetime(2026, 7, 8, 9, 0))
    assert path == work.answers_path(interview.MODULE)
    history = interview.load_history()
    assert [h["hits"] for h in history] == [6, 9]
    assert history[0]["taken_at"] == "2026-07-01T09:00:00"
    assert history[1]["ranges"]["Q0"] == [90.0, 110.0]
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(stored["calibration"], list) and len(stored["calibration"]) == 2
    table = interview.history_table()
    assert list(table["attempt"]) == [1, 2] and list(table["hit_rate"]) == [0.6, 0.9]


def test_history_keeps_other_answers_in_the_file():
    work.save_answer(interview.MODULE, "star_story", {"situation": "kept"})
    interview.save_attempt(_round(5))
    assert work.load_answer(interview.MODULE, "star_story") == {"situation": "kept"}


def test_a_corrupted_answers_file_is_moved_aside_not_lost(work_dir, capsys):
    interview.save_attempt(_round(5))
    path = work.answers_path(interview.MODULE)
    path.write_text('{"calibration": [ {"hit_rate": 0.5,', encoding="utf-8")
    assert interview.load_history() == []
    assert "moved to" in capsys.readouterr().out
    backups = list(path.parent.glob("answers.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8").startswith('{"calibration"')
    interview.save_attempt(_round(7))
    assert [h["hits"] for h in interview.load_history()] == [7]


def test_a_history_that_is_not_a_list_is_kept_under_another_key(capsys):
    work.save_answer(interview.MODULE, "calibration", {"oops": 1})
    assert interview.load_history() == []
    answers = work.load_answers(interview.MODULE)
    kept = [k for k in answers if k.startswith("calibration.unreadable-")]
    assert len(kept) == 1 and answers[kept[0]] == {"oops": 1}
    assert answers["calibration"] == []
    assert "kept under the key" in capsys.readouterr().out


def test_bad_entries_are_skipped_but_stay_in_the_file(capsys):
    good = _round(8).to_attempt()
    work.save_answer(interview.MODULE, "calibration", [good, "junk", {"hit_rate": 2, "mean_interval_score": 1,
                                                                      "taken_at": "x"}])
    history = interview.load_history()
    assert len(history) == 1 and history[0]["hits"] == 8
    out = capsys.readouterr().out
    assert "Attempt 2" in out and "Attempt 3" in out
    assert len(work.load_answer(interview.MODULE, "calibration")) == 3
    interview.save_attempt(_round(9))
    assert len(work.load_answer(interview.MODULE, "calibration")) == 4


def test_check_calibration_saves_once_per_distinct_round():
    ranges = {"Q1": (90, 110), "Q2": (40, 60), "Q3": (9, 11), "Q4": (900, 1100)}
    first = interview.check_calibration(ranges, SMALL, save=True)
    again = interview.check_calibration(ranges, SMALL, save=True)
    assert "added to your history" in str(first)
    assert "not added again" in str(again)
    assert len(interview.load_history()) == 1
    interview.check_calibration(dict(ranges, Q1=(80, 120)), SMALL, save=True)
    assert len(interview.load_history()) == 2


def test_figures():
    fig = interview.results_figure(interview.score_calibration(interview.EXAMPLE_RANGES))
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 15
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("✓ hit") == 9 and texts.count("✗ miss") == 6
    empty = interview.history_figure([])
    assert "No saved attempts" in empty.axes[0].texts[0].get_text()
    interview.save_attempt(_round(6))
    interview.save_attempt(_round(9))
    fig = interview.history_figure()
    hit_line = fig.axes[0].lines[0]
    assert list(hit_line.get_ydata()) == [60, 90]


def test_result_to_attempt_is_json_friendly():
    attempt = _round(7).to_attempt()
    assert json.loads(json.dumps(attempt)) == attempt
    assert set(attempt) == {"taken_at", "n", "hits", "hit_rate", "mean_interval_score", "verdict", "ranges"}
    assert isinstance(pd.Timestamp(attempt["taken_at"]), pd.Timestamp)


def test_range_template_is_valid_python_with_every_question():
    namespace = {}
    exec(interview.range_template(), namespace)  # noqa: S102 - our own generated text
    ranges = namespace["my_ranges"]
    assert list(ranges) == [q.id for q in interview.load_estimation_questions()]
    assert interview.filled_ranges(ranges) is ...


def test_prefill_reads_the_saved_module_00_self_assessment():
    readiness = pytest.importorskip("pmkit.readiness")
    questions = readiness.load_questions()
    result = readiness.score({q.id: 3 for q in questions})
    readiness.save_attempt(result)
    values, message = career.prefill_from_readiness()
    assert values == {"pm_evidence": 3}  # the saved answer to T1
    assert "T1" in message
