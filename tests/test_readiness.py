"""pmkit.readiness: the questions file, the scoring rules, and the saved history.

Expected scores are worked out by hand from the documented formula
(area = weighted mean of answers ÷ 4 × 100; total = mean of the five areas), never copied from a
run of the code.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime

import numpy as np
import pytest

from pmkit import readiness as rd
from pmkit.data import DataError
from pmkit.readiness import AREAS, Result, load_history, load_questions, latest, save_attempt, score

IDS = [f"{letter}{n}" for letter in "DPSWT" for n in range(1, 6)]
LETTER_AREA = dict(zip("DPSWT", AREAS))
DOUBLE = {"D1", "P1", "S1", "W1", "T1"}  # the one item per area that counts twice


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    folder = tmp_path / "my-work"
    monkeypatch.setenv("PMKIT_WORK_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def questions():
    return load_questions()


def answers_at(level, **overrides):
    answers = {qid: level for qid in IDS}
    answers.update(overrides)
    return answers


# ---- a small questions file written for a test -------------------------------------------------
HEADER = list(rd.COLUMNS)


def row(qid, area, weight="1", anchors=("a0", "a1", "a2", "a3", "a4"), question=None, why="Because."):
    return [qid, area, question or f"Question {qid}?", *anchors, weight, why]


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def one_per_area(tmp_path):
    """Five questions, one per area, weight 1: an area score is answer × 25."""
    rows = [row(letter + "1", area) for letter, area in LETTER_AREA.items()]
    return load_questions(write_csv(tmp_path / "one.csv", rows))


@pytest.fixture
def five_per_area(tmp_path):
    """Twenty-five questions, all weight 1: an area score is (sum of its five answers) × 5."""
    rows = [row(f"{letter}{n}", area) for letter, area in LETTER_AREA.items() for n in range(1, 6)]
    return load_questions(write_csv(tmp_path / "five.csv", rows))


# =================================================================================================
# The course's questions file
# =================================================================================================
def test_the_course_file_has_five_questions_per_area_with_documented_weights(questions):
    assert [q.id for q in questions] == IDS
    for q in questions:
        assert q.area == LETTER_AREA[q.id[0]]
        assert q.weight == (2.0 if q.id in DOUBLE else 1.0), q.id
        assert len(q.anchors) == 5 and len(set(q.anchors)) == 5, f"{q.id}: five different anchors"
        assert q.why.endswith(".") and q.why.count(". ") == 0, f"{q.id}: 'why' is one sentence"


def test_questions_ask_about_behaviour_not_self_flattery(questions):
    flattery = re.compile(r"\b(I am good|I'm good|how good|rate yourself|how confident|excellent|great at)\b", re.I)
    evidence = re.compile(
        r"last|how many|how often|which best|what .*(did|could|can)|what have you|how (have|did|closely)", re.I
    )
    for q in questions:
        assert not flattery.search(q.question), q.id
        assert evidence.search(q.question), f"{q.id} does not ask about behaviour or evidence: {q.question}"


def test_loading_never_changes_the_file():
    path = rd.paths.DATASETS_DIR / "readiness_questions.csv"
    before = path.read_bytes()
    load_questions(path)
    assert path.read_bytes() == before


# =================================================================================================
# Scoring
# =================================================================================================
def test_all_minimum_scores_zero_everywhere(questions):
    result = score(answers_at(0), questions)
    assert result.total == 0.0
    assert result.areas == {a: 0.0 for a in AREAS}
    # five-way tie at 0: the fixed course order decides, and at most three gaps are listed
    assert result.top_gaps == ["discovery", "prioritization", "stakeholders"]
    assert result.gaps_below_threshold == result.top_gaps
    assert [s.module for s in result.route] == ["01", "02", "03", "04", "05", "06", "07"]


def test_all_maximum_scores_a_hundred_and_names_the_single_weakest(questions):
    result = score(answers_at(4), questions)
    assert result.total == 100.0
    assert set(result.areas.values()) == {100.0}
    assert result.top_gaps == ["discovery"]  # no gap below 60: the weakest (tie -> course order)
    assert result.gaps_below_threshold == []
    assert result.all_above_threshold
    assert "None of your areas is below 60" in result.route[1].reason
    assert "No area is below 60" in rd.summary(result)


def test_weights_make_the_key_item_count_twice(questions):
    # discovery weights are 2,1,1,1,1 (total 6, so 24 points at most)
    only_key = score(answers_at(0, D1=4), questions)
    assert only_key.areas["discovery"] == pytest.approx(100 * (2 * 4) / 24)  # 33.33
    all_but_key = score(answers_at(0, D2=4, D3=4, D4=4, D5=4), questions)
    assert all_but_key.areas["discovery"] == pytest.approx(100 * 16 / 24)  # 66.67
    one_other = score(answers_at(0, D2=4), questions)
    assert one_other.areas["discovery"] == pytest.approx(100 * 4 / 24)  # 16.67: half of D1's weight
    # the other areas are untouched
    assert only_key.areas["writing"] == 0.0


def test_a_mixed_set_by_hand(questions):
    answers = {
        "D1": 1, "D2": 1, "D3": 0, "D4": 2, "D5": 1,   # 2*1+1+0+2+1 = 6  -> 6/24  = 25.0
        "P1": 1, "P2": 2, "P3": 2, "P4": 3, "P5": 2,   # 2+2+2+3+2  = 11 -> 45.83
        "S1": 2, "S2": 2, "S3": 1, "S4": 2, "S5": 1,   # 4+2+1+2+1  = 10 -> 41.67
        "W1": 2, "W2": 2, "W3": 1, "W4": 2, "W5": 3,   # 4+2+1+2+3  = 12 -> 50.0
        "T1": 1, "T2": 3, "T3": 3, "T4": 0, "T5": 1,   # 2+3+3+0+1  = 9  -> 37.5
    }  # fmt: skip
    result = score(answers, questions)
    assert result.areas["discovery"] == pytest.approx(25.0)
    assert result.areas["prioritization"] == pytest.approx(1100 / 24)
    assert result.areas["stakeholders"] == pytest.approx(1000 / 24)
    assert result.areas["writing"] == pytest.approx(50.0)
    assert result.areas["transition"] == pytest.approx(37.5)
    assert result.total == pytest.approx((6 + 11 + 10 + 12 + 9) / 24 * 100 / 5)  # 40.0
    assert result.top_gaps == ["discovery", "transition", "stakeholders"]
    # gaps weakest first, then the other skill modules weakest first, then 07
    assert [s.module for s in result.route] == ["01", "02", "06", "04", "03", "05", "07"]
    assert result.answers == answers


def test_an_area_at_exactly_sixty_is_not_a_gap(five_per_area):
    # discovery 3+3+2+2+2 = 12 of 20 -> exactly 60; the rest 16 of 20 -> 80
    answers = {q.id: 3 if q.area != "discovery" else 0 for q in five_per_area}
    answers.update(D1=3, D2=3, D3=2, D4=2, D5=2)
    answers.update(P1=4, S1=4, W1=4, T1=4)
    result = score(answers, five_per_area)
    assert result.areas["discovery"] == 60.0
    assert result.areas["writing"] == 80.0
    assert result.gaps_below_threshold == []
    assert result.top_gaps == ["discovery"]
    # one point less: 11 of 20 -> 55, a gap
    answers["D5"] = 1
    result = score(answers, five_per_area)
    assert result.areas["discovery"] == 55.0
    assert result.top_gaps == ["discovery"] and result.gaps_below_threshold == ["discovery"]
    assert "below the gap line of 60" in result.route[1].reason


def test_ties_are_broken_in_the_fixed_course_order(one_per_area):
    # every area but stakeholders scores 25: four-way tie, only three are listed
    result = score({"D1": 1, "P1": 1, "S1": 3, "W1": 1, "T1": 1}, one_per_area)
    assert result.areas == {"discovery": 25.0, "prioritization": 25.0, "stakeholders": 75.0,
                            "writing": 25.0, "transition": 25.0}
    assert result.total == 35.0  # (25*4 + 75) / 5
    assert result.top_gaps == ["discovery", "prioritization", "writing"]
    assert [s.module for s in result.route] == ["01", "02", "03", "05", "04", "06", "07"]
    # transition is below 60 but not among the three: its reason says so
    assert "also below 60" in result.route[5].reason
    assert "refresher" in result.route[4].reason  # stakeholders, 75


def test_a_transition_gap_brings_module_06_forward(one_per_area):
    result = score({"D1": 4, "P1": 4, "S1": 4, "W1": 4, "T1": 1}, one_per_area)
    assert result.top_gaps == ["transition"]
    assert [s.module for s in result.route] == ["01", "06", "02", "03", "04", "05", "07"]


def test_remaining_modules_follow_weakest_first(one_per_area):
    # only writing is a gap; the rest ordered by score: stakeholders 75, discovery 100 = prioritization 100
    result = score({"D1": 4, "P1": 4, "S1": 3, "W1": 2, "T1": 4}, one_per_area)
    assert result.top_gaps == ["writing"]
    assert [s.module for s in result.route] == ["01", "05", "04", "02", "03", "06", "07"]


def test_route_reasons_quote_the_learners_own_scores(one_per_area):
    result = score({"D1": 1, "P1": 2, "S1": 3, "W1": 4, "T1": 0}, one_per_area)  # 25 50 75 100 0
    assert result.total == 50.0
    reasons = {s.module: s.reason for s in result.route}
    assert "50/100" in reasons["01"] and "50/100" in reasons["07"]
    assert "0/100" in reasons["06"] and "weakest" in reasons["06"]
    assert "25/100" in reasons["02"] and "second-weakest" in reasons["02"]
    assert "50/100" in reasons["03"] and "third-weakest" in reasons["03"]
    assert "75/100" in reasons["04"] and "100/100" in reasons["05"]
    assert [s.title for s in result.route][0] == "What transfers from engineering"
    assert sorted(s.module for s in result.route) == ["01", "02", "03", "04", "05", "06", "07"]


@pytest.mark.parametrize("value, shown", [(62.5, "63"), (59.4, "59"), (59.6, "59.6"), (59.96, "59.9"),
                                          (60.0, "60"), (0, "0"), (100, "100"), (45.8333, "46")])
def test_scores_are_shown_without_crossing_the_gap_line(value, shown):
    assert rd.format_score(value) == shown


def test_summary_is_three_to_five_plain_sentences(questions):
    for answers in (answers_at(0), answers_at(4), answers_at(2, D1=0, T1=4)):
        text = rd.summary(score(answers, questions))
        sentences = re.findall(r"[^.]+\.(?:\s|$)", text)
        assert 3 <= len(sentences) <= 5, text
    text = rd.summary(score(answers_at(0), questions))
    assert text.startswith("Your readiness score is 0 out of 100.")
    assert "All five areas are below 60" in text and "weakest three" in text


# =================================================================================================
# Answers that cannot be scored
# =================================================================================================
def test_missing_answers_are_named(questions):
    answers = answers_at(2)
    del answers["D2"], answers["T5"]
    answers["S3"] = None
    with pytest.raises(ValueError) as err:
        score(answers, questions)
    message = str(err.value)
    assert "No answer yet for 3 questions: D2, S3, T5" in message
    assert "0 to 4" in message


def test_every_bad_answer_is_listed_at_once(questions):
    answers = answers_at(2, D1=5, P2=-1, S3="often", W4=2.5, T5=True)
    answers["Z9"] = 1
    with pytest.raises(ValueError) as err:
        score(answers, questions)
    message = str(err.value)
    for text in ("D1: 5 is outside the scale", "P2: -1 is outside the scale", "S3: 'often' is not",
                 "W4: 2.5 is not", "T5: True is not an answer", "no question called 'Z9'"):
        assert text in message, text
    assert message.count("\n- ") == 6


@pytest.mark.parametrize("value", ["3", " 3 ", 3.0, np.int64(3), "3.0"])
def test_numeric_text_and_whole_numbers_are_accepted(questions, value):
    assert score(answers_at(0, D2=value), questions).areas["discovery"] == pytest.approx(100 * 3 / 24)


def test_ids_match_whatever_their_case(questions):
    lower = {qid.lower(): 4 for qid in IDS}
    assert score(lower, questions).total == 100.0


@pytest.mark.parametrize("answers", [[1, 2, 3], "D1=3", None, 42])
def test_answers_must_be_a_dict(questions, answers):
    with pytest.raises(ValueError, match="must be a dict"):
        score(answers, questions)


def test_question_lists_without_an_area_are_refused(questions):
    with pytest.raises(ValueError, match="transition"):
        score(answers_at(2), [q for q in questions if q.area != "transition"])


def test_result_round_trips_through_a_dict(questions):
    result = score(answers_at(1, W1=4), questions)
    data = json.loads(json.dumps(result.to_dict()))
    again = Result.from_dict(data)
    assert again == result
    assert set(data) == {"answers", "total", "areas", "top_gaps", "route"}


def test_from_dict_names_everything_that_is_wrong(questions):
    data = score(answers_at(1), questions).to_dict()
    data["total"] = "high"
    data["areas"].pop("writing")
    data["route"][2] = {"module": "03"}
    data["answers"]["D1"] = 9
    data["top_gaps"] = []
    with pytest.raises(ValueError) as err:
        Result.from_dict(data)
    message = str(err.value)
    for text in ("'total'", "'writing' is missing", "step 3 of 'route'", "answer to D1", "'top_gaps'"):
        assert text in message, text
    for gaps in (["discovery", "discovery"], ["sales"], ["discovery", "writing", "transition", "stakeholders"]):
        with pytest.raises(ValueError, match="top_gaps"):
            Result.from_dict(score(answers_at(1), questions).to_dict() | {"top_gaps": gaps})


# =================================================================================================
# Checking the questions file
# =================================================================================================
def good_rows():
    return [row(f"{letter}{n}", area) for letter, area in LETTER_AREA.items() for n in (1, 2)]


def problems_of(path):
    with pytest.raises(DataError) as err:
        load_questions(path)
    return err.value


def test_missing_columns_are_named(tmp_path):
    header = [c for c in HEADER if c not in ("why", "anchor_3")]
    rows = [[cell for c, cell in zip(HEADER, r) if c in header] for r in good_rows()]
    err = problems_of(write_csv(tmp_path / "q.csv", rows, header))
    assert {(p.line, p.column) for p in err.problems} == {(1, "anchor_3"), (1, "why")}
    assert "column is missing" in str(err)


def test_a_misspelled_column_gets_a_hint(tmp_path):
    header = ["id", "area", "question", "anchor_0", "anchor_1", "anchor_2", "anchor_3", "anchor_4", "wieght", "why"]
    err = problems_of(write_csv(tmp_path / "q.csv", good_rows(), header))
    assert [p.column for p in err.problems] == ["weight"]
    assert "'wieght'" in str(err)


def test_duplicate_ids_name_both_lines(tmp_path):
    rows = good_rows()
    rows[3][0] = "D1"  # line 5 repeats line 2's id
    err = problems_of(write_csv(tmp_path / "q.csv", rows))
    (problem,) = err.problems
    assert (problem.line, problem.column) == (5, "id")
    assert "used twice (first on line 2)" in problem.message


def test_unknown_area_suggests_the_right_one(tmp_path):
    rows = good_rows()
    rows[0][1] = "discovry"
    rows[1][1] = "Design"
    err = problems_of(write_csv(tmp_path / "q.csv", rows))
    found = {(p.line, p.column): p.message for p in err.problems}
    assert "Did you mean 'discovery'?" in found[(2, "area")]
    assert "not an area" in found[(3, "area")]
    # both discovery rows are now unusable, so the area has no questions left: said too
    assert any(p.line is None and "no questions for the area 'discovery'" in p.message for p in err.problems)


def test_blank_anchor_question_and_why_are_reported(tmp_path):
    rows = good_rows()
    rows[2][5] = "  "        # anchor_2 of line 4
    rows[4][2] = ""          # question of line 6
    rows[6][9] = ""          # why of line 8
    err = problems_of(write_csv(tmp_path / "q.csv", rows))
    assert {(p.line, p.column) for p in err.problems} == {(4, "anchor_2"), (6, "question"), (8, "why")}
    assert "description of answer 2" in str(err)


@pytest.mark.parametrize("weight", ["heavy", "0", "-1", "11", "nan", "inf"])
def test_bad_weights_are_reported(tmp_path, weight):
    rows = good_rows()
    rows[1][8] = weight
    err = problems_of(write_csv(tmp_path / "q.csv", rows))
    (problem,) = err.problems
    assert (problem.line, problem.column) == (3, "weight")
    assert "leave it blank for 1" in problem.message


def test_blank_weight_means_one_and_decimals_work(tmp_path):
    rows = good_rows()
    rows[0][8] = ""
    rows[1][8] = "1.5"
    qs = load_questions(write_csv(tmp_path / "q.csv", rows))
    assert qs[0].weight == 1.0 and qs[1].weight == 1.5
    # discovery: D1 weight 1, D2 weight 1.5; answers 4 and 0 -> 100 * 4 / (4 * 2.5) = 40
    result = score({q.id: 0 for q in qs} | {"D1": 4}, qs)
    assert result.areas["discovery"] == pytest.approx(40.0)


def test_an_area_with_no_questions_is_reported(tmp_path):
    rows = [r for r in good_rows() if r[1] != "transition"]
    err = problems_of(write_csv(tmp_path / "q.csv", rows))
    (problem,) = err.problems
    assert problem.column == "area" and "'transition'" in problem.message


def test_every_problem_is_reported_at_once(tmp_path):
    rows = good_rows()
    rows[0][0] = ""          # blank id, line 2
    rows[2][1] = "sales"     # unknown area, line 4
    rows[5][8] = "x"         # bad weight, line 7
    rows.append(["X1", "writing", "Q?", "a", "b", "c", "d", "e", "1", "Why.", "extra"])  # line 12: extra cell
    err = problems_of(write_csv(tmp_path / "q.csv", rows))
    assert {(p.line, p.column) for p in err.problems} == {(2, "id"), (4, "area"), (7, "weight"), (12, None)}
    assert str(err).startswith("Could not load q.csv: 4 problem(s)")


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert "empty" in str(problems_of(empty))
    header_only = write_csv(tmp_path / "h.csv", [])
    assert "no questions" in str(problems_of(header_only))


def test_not_utf8_and_missing_files(tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(",".join(HEADER).encode() + b"\nD1,discovery,Caf\xe9?,a,b,c,d,e,1,Why.\n")
    assert "not UTF-8" in str(problems_of(bad))
    with pytest.raises(FileNotFoundError, match="no questions file"):
        load_questions(tmp_path / "nowhere.csv")


def test_a_spreadsheet_export_with_bom_and_spaced_header_loads(tmp_path):
    path = tmp_path / "excel.csv"
    write_csv(path, good_rows(), [" ID ", "Area"] + HEADER[2:])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [q.id for q in load_questions(path)][:2] == ["D1", "D2"]


# =================================================================================================
# Saving and the history
# =================================================================================================
def results_file(work_dir):
    return work_dir / "00-start-here" / "readiness.json"


def backups(work_dir):
    return sorted((work_dir / "00-start-here").glob("readiness.json.bak-*"))


def test_save_and_reload(work_dir, questions):
    result = score(answers_at(3, D1=1), questions)
    path = save_attempt(result, when=datetime(2026, 7, 14, 9, 30))
    assert path == results_file(work_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and len(data["attempts"]) == 1
    attempt = data["attempts"][0]
    assert attempt["taken_at"] == "2026-07-14T09:30:00"
    assert set(attempt) == {"taken_at", "answers", "total", "areas", "top_gaps", "route"}
    assert attempt["route"][0] == {"module": "01", "title": "What transfers from engineering",
                                   "reason": result.route[0].reason}
    history = load_history()
    assert history == [attempt]
    assert Result.from_dict(latest()) == result
    assert not list(path.parent.glob(".readiness.json.*.tmp"))  # no temporary file left behind


def test_history_keeps_every_attempt_oldest_first(questions):
    save_attempt(score(answers_at(2), questions), when=datetime(2026, 7, 1, 9))
    save_attempt(score(answers_at(3), questions), when="2026-08-12T10:00:00")
    save_attempt(score(answers_at(1), questions), when=date(2026, 5, 20))  # an older one, added late
    history = load_history()
    assert [a["taken_at"][:10] for a in history] == ["2026-05-20", "2026-07-01", "2026-08-12"]
    assert [a["total"] for a in history] == [25.0, 50.0, 75.0]
    assert latest()["total"] == 75.0


def test_no_results_yet(work_dir):
    assert load_history() == [] and latest() is None
    assert not results_file(work_dir).exists()  # reading never creates the file


def test_bad_when_is_refused_before_anything_is_written(work_dir, questions):
    with pytest.raises(ValueError, match="not a date and time"):
        save_attempt(score(answers_at(2), questions), when="last Tuesday")
    assert not results_file(work_dir).exists()


def test_a_dict_result_can_be_saved(questions):
    save_attempt(score(answers_at(2), questions).to_dict())
    assert latest()["total"] == 50.0
    with pytest.raises(ValueError):
        save_attempt({"total": 50})


@pytest.mark.parametrize("content, reason", [
    (b'{"version": 1, "attempts": [', "not valid JSON"),
    (b"", "it is empty"),
    (b"\xff\xfe\x00\x00", "not UTF-8"),
    (b"[1, 2]", "holds a list"),
    (b'{"version": 1}', "list of attempts is missing"),
    (b'{"version": 1, "attempts": {"a": 1}}', "list of attempts is missing"),
])
def test_a_corrupted_file_is_moved_aside_and_nothing_is_lost(work_dir, questions, capsys, content, reason):
    path = results_file(work_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert load_history() == []
    out = capsys.readouterr().out
    assert reason in out and "nothing is lost" in out
    (backup,) = backups(work_dir)
    assert backup.read_bytes() == content  # the old file is kept, byte for byte
    assert backup.name in out
    assert not path.exists()
    # the next save works and starts a fresh history; the backup stays
    save_attempt(score(answers_at(2), questions))
    assert len(load_history()) == 1
    assert backups(work_dir) == [backup]
    assert capsys.readouterr().out == ""  # once repaired, no more messages


@pytest.mark.parametrize("version, words", [(2, "version 2"), (None, "no version number"), ("2", "version '2'"),
                                            (True, "version 'True'")])
def test_a_file_of_another_version_is_reported_and_kept(work_dir, questions, capsys, version, words):
    path = results_file(work_dir)
    path.parent.mkdir(parents=True)
    attempt = {"taken_at": "2026-07-01T09:00:00", **score(answers_at(2), questions).to_dict()}
    data = {"attempts": [attempt]} if version is None else {"version": version, "attempts": [attempt]}
    text = json.dumps(data)
    path.write_text(text, encoding="utf-8")
    assert load_history() == []
    out = capsys.readouterr().out
    assert words in out and "reads version 1" in out
    (backup,) = backups(work_dir)
    assert backup.read_text(encoding="utf-8") == text


def test_a_file_saved_with_a_byte_order_mark_is_read_not_moved_aside(work_dir, questions, capsys):
    # Windows Notepad adds a BOM when a learner opens the file, fixes a date and saves it.
    save_attempt(score(answers_at(2), questions), when="2026-07-01T09:00:00")
    path = results_file(work_dir)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    history = load_history()
    assert len(history) == 1 and history[0]["total"] == 50.0
    assert capsys.readouterr().out == "" and backups(work_dir) == []
    save_attempt(score(answers_at(3), questions), when="2026-08-01T09:00:00")  # appending keeps the old attempt
    assert [a["total"] for a in load_history()] == [50.0, 75.0]


def test_a_version_typed_in_quotes_by_hand_still_reads(work_dir, questions, capsys):
    path = results_file(work_dir)
    path.parent.mkdir(parents=True)
    attempt = {"taken_at": "2026-07-01T09:00:00", **score(answers_at(2), questions).to_dict()}
    path.write_text(json.dumps({"version": "1", "attempts": [attempt]}), encoding="utf-8")
    assert len(load_history()) == 1
    assert capsys.readouterr().out == "" and backups(work_dir) == []


def test_good_attempts_in_a_partly_damaged_file_are_kept(work_dir, questions, capsys):
    path = results_file(work_dir)
    path.parent.mkdir(parents=True)
    good1 = {"taken_at": "2026-06-01T09:00:00", **score(answers_at(1), questions).to_dict()}
    good2 = {"taken_at": "2026-08-01T09:00:00", **score(answers_at(3), questions).to_dict()}
    bad_total = dict(good1, taken_at="2026-07-01T09:00:00", total="high")
    bad_date = dict(good1, taken_at="yesterday")
    original = json.dumps({"version": 1, "attempts": [good1, bad_total, "junk", good2, bad_date]})
    path.write_text(original, encoding="utf-8")

    history = load_history()
    assert [a["taken_at"] for a in history] == ["2026-06-01T09:00:00", "2026-08-01T09:00:00"]
    out = capsys.readouterr().out
    assert "3 of the 5 attempts" in out
    assert "attempt 2" in out and "attempt 3" in out and "attempt 5" in out
    (backup,) = backups(work_dir)
    assert backup.read_text(encoding="utf-8") == original  # the whole file, bad parts too
    # the file now holds the two good attempts, and reading again is quiet
    assert json.loads(path.read_text(encoding="utf-8"))["attempts"] == history
    assert load_history() == history and capsys.readouterr().out == ""
    save_attempt(score(answers_at(4), questions), when="2026-09-01T09:00:00")
    assert [a["total"] for a in load_history()] == [25.0, 75.0, 100.0]


def test_a_file_that_cannot_be_moved_aside_is_never_overwritten(work_dir, questions, monkeypatch, capsys):
    path = results_file(work_dir)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{broken")

    def refuse(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(rd.os, "replace", refuse)
    assert load_history() == []
    assert "left as it is" in capsys.readouterr().out
    with pytest.raises(OSError, match="was not saved"):
        save_attempt(score(answers_at(2), questions))
    assert path.read_bytes() == b"{broken"


def test_a_crash_while_writing_leaves_the_old_file_whole(work_dir, questions, monkeypatch):
    save_attempt(score(answers_at(2), questions), when="2026-07-01T09:00:00")
    before = results_file(work_dir).read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(rd.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_attempt(score(answers_at(3), questions))
    assert results_file(work_dir).read_bytes() == before
    assert not list(results_file(work_dir).parent.glob(".readiness.json.*.tmp"))


def test_start_over_moves_the_history_aside(work_dir, questions, capsys):
    assert rd.start_over() is None
    save_attempt(score(answers_at(2), questions))
    backup = rd.start_over()
    assert backup is not None and backup.exists()
    assert json.loads(backup.read_text(encoding="utf-8"))["attempts"][0]["total"] == 50.0
    assert load_history() == []
    assert "rename the file" in capsys.readouterr().out
