"""The self-assessment widget: its model driven with no browser, and its views built headless."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from matplotlib.colors import to_hex

from pmkit import readiness as rd
from pmkit import work
from pmkit.widgets import _common as c
from pmkit.widgets import readiness as wr
from pmkit.widgets.readiness import EXAMPLE_LABEL, ReadinessModel

IDS = [f"{letter}{n}" for letter in "DPSWT" for n in range(1, 6)]


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    folder = tmp_path / "my-work"
    monkeypatch.setenv("PMKIT_WORK_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def questions():
    return rd.load_questions()


def filled(questions, level=2, **overrides):
    model = ReadinessModel(questions)
    for qid in IDS:
        model.set_answer(qid, overrides.get(qid, level))
    return model


# ---- answers and progress --------------------------------------------------------------------
def test_answers_progress_and_what_is_left(questions):
    m = ReadinessModel(questions)
    assert m.progress == 0 and m.answered == [] and m.unanswered == IDS
    for qid in ("T5", "D1", "D2", "P1", "W3"):
        m.set_answer(qid, 3)
    assert m.progress == pytest.approx(5 / 25)
    assert m.answered == ["D1", "D2", "P1", "W3", "T5"]  # question order, not the order answered
    assert m.unanswered[:3] == ["D3", "D4", "D5"] and len(m.unanswered) == 20
    assert m.progress_text().startswith("5 of 25 questions answered. Still to answer: D3, D4, D5")
    assert "and 10 more" in m.progress_text()
    m.set_answer("D1", None)  # clearing an answer
    assert "D1" in m.unanswered and m.progress == pytest.approx(4 / 25)
    m.set_answer("D2", "4")
    assert m.answers["D2"] == 4


@pytest.mark.parametrize("value, words", [(5, "outside the scale"), ("lots", "not a whole number"),
                                          (1.5, "not a whole number"), (True, "not an answer")])
def test_a_bad_answer_names_the_question_and_changes_nothing(questions, value, words):
    m = ReadinessModel(questions)
    m.set_answer("S2", 1)
    with pytest.raises(ValueError, match=words) as err:
        m.set_answer("S2", value)
    assert str(err.value).startswith("S2:")
    assert m.answers == {"S2": 1}


def test_unknown_question(questions):
    with pytest.raises(ValueError, match="no question 'X1'"):
        ReadinessModel(questions).set_answer("X1", 2)


def test_question_ids_match_whatever_their_case_as_in_score(questions):
    m = ReadinessModel(questions)
    m.set_answer("d1", 3)
    m.set_answer(" p2 ", "2")
    assert m.answers == {"D1": 3, "P2": 2}


def test_result_needs_every_answer_and_says_which_are_missing(questions):
    m = filled(questions)
    m.set_answer("P4", None)
    m.set_answer("T2", None)
    with pytest.raises(ValueError) as err:
        m.result()
    message = str(err.value)
    assert "answered 23 of 25" in message and "Still to answer: P4, T2." in message
    m.set_answer("P4", 2)
    m.set_answer("T2", 2)
    assert m.is_complete
    result = m.result()
    assert result.total == 50.0  # every answer 2 of 4
    assert result == rd.score(m.answers, questions)


def test_area_table_marks_gaps(questions):
    # discovery all 0 (0), prioritization all 4 (100), rest 2 (50): three gaps below 60
    levels = {qid: 0 for qid in IDS if qid[0] == "D"} | {qid: 4 for qid in IDS if qid[0] == "P"}
    m = filled(questions, 2, **levels)
    table = m.area_table(m.result())
    assert list(table.index) == list(rd.AREAS)
    assert table.loc["discovery", "score"] == 0.0 and table.loc["prioritization", "score"] == 100.0
    assert list(table["gap"]) == ["top gap", "no", "top gap", "top gap", "below 60"]
    assert list(table["module"]) == ["02", "03", "04", "05", "06"]
    assert set(table["questions"]) == {5}


# ---- the example --------------------------------------------------------------------------------
def test_the_example_is_priya_and_scored_by_the_same_rules(questions):
    result = wr.example_result(questions)
    # by hand: discovery 6/24, prioritization 11/24, stakeholders 10/24, writing 12/24, transition 9/24
    assert result.total == pytest.approx(48 / 24 * 100 / 5)  # 40
    assert result.areas["discovery"] == 25.0
    assert result.top_gaps == ["discovery", "transition", "stakeholders"]
    assert "Priya Nair" in EXAMPLE_LABEL and EXAMPLE_LABEL.startswith("Example:")
    history = wr.example_history(questions)
    assert [a["taken_at"][:7] for a in history] == ["2025-01", "2025-07", "2025-12"]
    # second attempt by hand: 16, 15, 13, 14, 13 of 24 points -> total 71/24*100/5
    assert history[1]["total"] == pytest.approx(71 / 24 * 100 / 5)
    # stakeholders and transition tie at 13/24: the course order puts stakeholders first
    assert history[1]["top_gaps"] == ["stakeholders", "transition", "writing"]
    assert history[2]["top_gaps"] == ["writing"] and history[2]["areas"]["writing"] > 60


# ---- saved work -------------------------------------------------------------------------------
def test_a_draft_survives_a_restart(questions, work_dir):
    m = ReadinessModel(questions)
    m.set_answer("D1", 3)
    m.set_answer("W2", 1)
    path = m.save_draft()
    assert path == work_dir / "00-start-here" / "answers.json"
    again = ReadinessModel(questions)
    assert again.restore() == []
    assert again.restored_from == "draft"
    assert again.answers == {"D1": 3, "W2": 1}


def test_without_a_draft_the_latest_attempt_comes_back(questions):
    m = filled(questions, 3)
    m.save(when=datetime(2026, 7, 1, 9))
    again = ReadinessModel(questions)
    again.restore()
    assert again.restored_from == "attempt" and again.answers == m.answers


def test_nothing_saved_means_an_empty_start(questions):
    m = ReadinessModel(questions)
    assert m.restore() == [] and m.restored_from is None and m.answers == {}


def test_damaged_saved_answers_are_skipped_not_fatal(questions):
    work.save_answer(rd.RESULTS_MODULE, wr.DRAFT_KEY, {"D1": 9, "ZZ9": 1, "d2": "3", "P1": 2})
    m = ReadinessModel(questions)
    messages = m.restore()
    assert m.answers == {"D2": 3, "P1": 2}
    assert len(messages) == 2 and any("D1" in x for x in messages) and any("ZZ9" in x for x in messages)
    work.save_answer(rd.RESULTS_MODULE, wr.DRAFT_KEY, "not a dict")
    assert "not in the expected form" in ReadinessModel(questions).restore()[0]


def test_save_adds_an_attempt_but_not_the_same_one_twice_a_day(questions):
    m = filled(questions, 2)
    assert m.save(when=datetime(2026, 7, 1, 9)) is not None
    assert m.save(when=datetime(2026, 7, 1, 15)) is None  # same answers, same day
    assert len(m.history()) == 1
    assert m.save(when=datetime(2026, 7, 1, 16), force=True) is not None
    assert m.save(when=datetime(2026, 8, 12, 9)) is not None  # a retake weeks later counts
    m.set_answer("D1", 4)
    assert m.save(when=datetime(2026, 8, 12, 10)) is not None  # changed answers count
    assert [a["total"] for a in m.history()] == [50.0, 50.0, 50.0, pytest.approx((100 * 16 / 24 + 4 * 50) / 5)]


# ---- figures ----------------------------------------------------------------------------------
def test_radar_labels_carry_the_numbers(questions):
    result = filled(questions, 2, D1=4, D2=4, D3=4, D4=4, D5=4).result()  # discovery 100, rest 50
    fig = wr.radar_figure(result)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 5
    assert labels[0].replace("\n", " ") == "Customer discovery 100"
    assert labels[1].endswith("\n50")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert to_hex(lines["Area scores"].get_color()) == c.BLUE.lower()
    assert list(lines["Area scores"].get_ydata()) == [100.0, 50, 50, 50, 50, 100.0]  # closed polygon
    assert set(lines["Gap line (60)"].get_ydata()) == {60.0}
    assert "Total: 60 out of 100" in fig._suptitle.get_text()


def test_radar_overlays_an_earlier_attempt(questions):
    earlier = {"taken_at": "2026-05-04T10:00:00", **filled(questions, 1).result().to_dict()}
    result = filled(questions, 3).result()
    ax = wr.radar_figure(result, earlier).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert all(label.endswith("75 (was 25)") for label in labels)
    styles = {line.get_label(): line.get_linestyle() for line in ax.get_lines()}
    assert styles["Earlier attempt (4 May 2026)"] == "--" and styles["This result"] == "-"
    alt = wr.radar_alt(result, earlier, "Your result")
    assert alt.startswith("Your result. Radar chart") and "Prioritization 75 (was 25)" in alt


def test_history_chart_has_a_line_per_area_and_the_total(questions):
    history = wr.example_history(questions)
    fig = wr.history_figure(history, "Example")
    ax = fig.axes[0]
    labelled = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(labelled) == 6
    total = next(line for line in labelled if line.get_label().startswith("Total"))
    assert list(total.get_ydata()) == pytest.approx([a["total"] for a in history])
    assert total.get_label() == f"Total (latest {rd.format_score(history[-1]['total'])})"
    styles = {line.get_linestyle() for line in labelled}
    markers = {line.get_marker() for line in labelled}
    assert len(markers) == 6 and len(styles) >= 4  # told apart without colour
    assert [t.get_text().split("\n")[1] for t in ax.get_xticklabels()] == ["13 Jan 2025", "14 Jul 2025", "15 Dec 2025"]
    alt = wr.history_alt(history)
    assert "Total: 40, 59, 79" in alt


def test_empty_history_chart_says_so():
    fig = wr.history_figure([])
    assert "No attempts saved yet" in fig.axes[0].texts[0].get_text()
    assert "empty" in wr.history_alt([])


def test_figure_html_is_an_image_with_alt_text(questions):
    html = wr.figure_html(wr.radar_figure(wr.example_result(questions)), 'Alt "quoted" <text>', "x-radar")
    assert html.startswith('<img class="x-radar" src="data:image/png;base64,')
    assert 'alt="Alt &quot;quoted&quot; &lt;text&gt;"' in html


def test_result_html_has_every_part(questions):
    m = ReadinessModel(questions)
    result = wr.example_result(questions)
    html = m.result_html(result, EXAMPLE_LABEL, "Not yours.")
    assert EXAMPLE_LABEL in html and "Readiness score: 40 out of 100" in html
    assert html.count("<li>") == 7 and "Module 02 · Customer discovery" in html
    assert "Top gaps, weakest first:</b> Customer discovery (25), Transition readiness (38)" in html
    assert rd.summary(result) in html
    # the result sits under a "##" section of the lesson, so its heading is an h3 (no skipped level)
    assert '<h3 class="pmkit-readiness-heading">' in html and "<h4" not in html


# ---- views, built headless ----------------------------------------------------------------------
def test_view_starts_with_the_labelled_example(questions):
    app = wr.readiness_assessment(questions)
    assert "pmkit-readiness" in app._dom_classes
    assert len(app.controls_) == 25
    radio = app.controls_["D1"]
    assert radio.value is None and radio.description == "Your answer to D1"
    assert radio.options[4][0].startswith("4 · Eight or more")
    assert "pmkit-readiness-answer" in radio._dom_classes
    result_box = next(w for w in app.children if "pmkit-readiness-result" in w._dom_classes)
    assert EXAMPLE_LABEL in result_box.value and "not your result" in result_box.value
    radar = next(w for w in app.children if "pmkit-readiness-radar" in w._dom_classes)
    assert 'alt="Example: Priya Nair' in radar.value


def test_view_saves_as_you_go_and_scores(questions, work_dir):
    app = wr.readiness_assessment(questions)
    parts = {cls.removeprefix("pmkit-readiness-"): w for w in app.children for cls in w._dom_classes}
    for qid in IDS[:-1]:
        app.controls_[qid].value = 3
    assert json.loads((work_dir / "00-start-here" / "answers.json").read_text())[wr.DRAFT_KEY]["D1"] == 3
    app.buttons_["score"].click()  # one question left: an error, nothing saved
    assert "Still to answer: T5" in parts["status"].value and "pmkit-error" in parts["status"].value
    assert rd.latest() is None
    app.controls_["T5"].value = 1
    app.buttons_["score"].click()
    saved = rd.latest()
    assert saved is not None and saved["answers"]["T5"] == 1
    assert saved["areas"]["transition"] == pytest.approx(100 * (2 * 3 + 3 + 3 + 3 + 1) / 24)
    assert "Saved as attempt 1" in parts["status"].value
    assert "Your result" in parts["result"].value and EXAMPLE_LABEL not in parts["result"].value

    # a "restart": a new view brings back the answers and shows the saved result
    again = wr.readiness_assessment(questions)
    assert again.controls_["T5"].value == 1 and again.controls_["D1"].value == 3
    parts2 = {cls.removeprefix("pmkit-readiness-"): w for w in again.children for cls in w._dom_classes}
    assert "Your latest saved result" in parts2["result"].value
    assert "Brought back 25 answer(s)" in parts2["status"].value

    # clearing empties the questions but keeps the history
    again.buttons_["clear"].click()
    assert all(r.value is None for r in again.controls_.values())
    assert len(rd.load_history()) == 1
    assert again.model_.answers == {}
    fresh = ReadinessModel(questions)  # after another restart the questions stay empty (the draft wins)
    assert fresh.restore() == [] and fresh.restored_from == "draft" and fresh.answers == {}


def test_view_reports_a_broken_questions_file(tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,area\nD1,discovery\n", encoding="utf-8")
    monkeypatch.setattr(rd, "_default_questions_path", lambda: bad)
    box = wr.readiness_assessment()  # never raises at the learner: shows the loader's report
    assert "pmkit-error-box" in box._dom_classes
    assert "column is missing" in box.value and "anchor_0" in box.value


def test_history_view_shows_the_example_then_yours(questions):
    view = wr.readiness_history()
    parts = {cls.removeprefix("pmkit-readiness-"): w for w in view.children for cls in w._dom_classes}
    assert "example" in parts["history-status"].value
    assert "Priya Nair" in parts["history-chart"].value and parts["history-table"].value.count("<tr>") == 4
    rd.save_attempt(filled(questions, 1).result(), when="2026-07-01T09:00:00")
    rd.save_attempt(filled(questions, 3).result(), when="2026-08-12T09:00:00")
    parts["history-refresh"].click()
    assert "Priya" not in parts["history-chart"].value
    assert "Total: 25, 75" in parts["history-chart"].value  # the alt text
    assert parts["history-table"].value.count("<tr>") == 3 and parts["history-status"].value == ""


def test_show_result_labels_the_example_and_finds_your_latest(questions):
    html = wr.show_result().data
    assert "no saved result yet" in html
    example = wr.show_result(wr.example_result(questions), EXAMPLE_LABEL).data
    assert EXAMPLE_LABEL in example and 'alt="Example: Priya Nair' in example
    rd.save_attempt(filled(questions, 1).result(), when="2026-06-01T09:00:00")
    rd.save_attempt(filled(questions, 4).result(), when="2026-07-14T09:00:00")
    mine = wr.show_result().data
    assert "Your latest saved result, 14 Jul 2026" in mine and "Readiness score: 100 out of 100" in mine
    assert "(was 25)" in mine  # the earlier attempt is on the chart (alt text)
