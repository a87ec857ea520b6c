"""The drill's statements file (datasets/problem_or_solution.csv), its loader, and Module 07's
exercise feedback and saving helpers."""

from __future__ import annotations

import pytest

from pmkit import work
from pmkit.after_switch import (
    DRILL_KEY,
    MODULE,
    STATEMENT_COLUMNS,
    _check_one_reframe,
    check_drill,
    check_framing,
    check_reframes,
    keep_answers_dict,
    keep_drill_answers,
    load_statements,
)
from pmkit.data import DataError
from pmkit.paths import dataset_path

HEADER = ",".join(STATEMENT_COLUMNS)
GOOD_PROBLEM = 'P01,"I rebuild the rota for every site.","Area manager",interview,problem,"It names a pain.",'
GOOD_SOLUTION = 'P02,"Add a copy button.","Site manager",ticket,solution,"A button is a fix.","Managers repeat work, which costs hours."'


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


# ---- the course's file -----------------------------------------------------------------------
def test_course_statements_are_valid_and_balanced():
    table = load_statements()
    assert list(table.columns) == list(STATEMENT_COLUMNS)
    assert len(table) >= 20
    assert table["id"].is_unique
    counts = table["answer"].value_counts()
    assert counts["problem"] >= 8 and counts["solution"] >= 8
    solutions = table[table["answer"] == "solution"]
    assert (solutions["reframe"].str.len() > 20).all()
    assert (table.loc[table["answer"] == "problem", "reframe"] == "").all()


def test_statements_come_from_the_case_studys_people_and_customers():
    table = load_statements()
    people = " ".join(table["source_person"])
    for name in ("Greg Hollis", "Maya Okafor", "Tomás Berg", "Aisha Rahman", "Priya Nair"):
        assert name in people
    assert any("interview" in ch for ch in table["channel"]) and "Slack" in set(table["channel"])


def test_every_course_reframe_passes_the_reframe_self_check_and_no_statement_does():
    table = load_statements()
    for row in table[table["answer"] == "solution"].to_dict("records"):
        ok, message = _check_one_reframe(row["id"], row["reframe"], row)
        assert ok, f"{row['id']}: {message}"
        assert not _check_one_reframe(row["id"], row["statement"], row)[0], f"{row['id']} statement passes as a reframe"


# ---- bad files -------------------------------------------------------------------------------
def _load(tmp_path, text: str | bytes):
    path = tmp_path / "statements.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = path.read_bytes()
    try:
        return load_statements(path)
    finally:
        assert path.read_bytes() == before, "the loader changed the learner's file"


def test_a_good_small_file_loads(tmp_path):
    table = _load(tmp_path, "\n".join([HEADER, GOOD_PROBLEM, GOOD_SOLUTION]) + "\n")
    assert list(table["id"]) == ["P01", "P02"] and table.attrs["source"].endswith("statements.csv")


def test_every_problem_is_reported_at_once_with_lines_and_columns(tmp_path):
    rows = [
        HEADER,
        GOOD_PROBLEM,
        'P01,"Duplicate id.","Someone",Slack,problem,"Why.",',                       # line 3
        'P3,"Bad id.","Someone",Slack,problem,"Why.",',                              # line 4
        'P04,"Bad answer.","Someone",Slack,maybe,"Why.",',                           # line 5
        'P05,"No reframe.","Someone",Slack,solution,"Why.",',                        # line 6
        'P06,"Reframe on a problem.","Someone",Slack,problem,"Why.","A reframe."',   # line 7
        'P07,,"Someone",Slack,problem,"Why.",',                                      # line 8
        'P08,"Too few cells"',                                                       # line 9
    ]
    with pytest.raises(DataError) as info:
        _load(tmp_path, "\n".join(rows) + "\n")
    text = str(info.value)
    expected = [
        ("line 3, column 'id'", "used twice (first on line 2)"),
        ("line 4, column 'id'", "not an id like P01"),
        ("line 5, column 'answer'", "Expected 'problem' or 'solution'"),
        ("line 6, column 'reframe'", "needs its reframe"),
        ("line 7, column 'reframe'", "should be blank"),
        ("line 8, column 'statement'", "is blank"),
        ("line 9", "has 2 cells"),
    ]
    for where, what in expected:
        assert any(where in line and what in line for line in text.splitlines()), (where, what, text)
    assert len(info.value.problems) == len(expected)


def test_quoted_line_breaks_keep_line_numbers_right(tmp_path):
    text = "\n".join([HEADER, 'P01,"Two\nlines.","A",b,problem,"Why.",', 'P02,"x","A",b,nope,"Why.",']) + "\n"
    with pytest.raises(DataError, match="line 4, column 'answer'"):
        _load(tmp_path, text)


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (HEADER.encode() + b"\n", "no statements"),
    (b"id,statement,answer\nP01,x,problem\n", "lacks the column"),
    ((HEADER + ",colour\n").encode(), "unknown column"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_unusable_files_get_one_clear_message(tmp_path, content, words):
    with pytest.raises(DataError, match=words):
        _load(tmp_path, content)


def test_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot be read"):
        load_statements(tmp_path / "nope.csv")


def test_a_byte_order_mark_and_crlf_are_fine(tmp_path):
    text = "\r\n".join([HEADER, GOOD_PROBLEM, GOOD_SOLUTION]) + "\r\n"
    table = _load(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert len(table) == 2


def test_the_course_file_is_utf8_with_unix_line_endings():
    raw = dataset_path("problem_or_solution.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    raw.decode("utf-8")


# ---- feedback --------------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [..., None, "", {}, {"P01": ...}, [], 42, "problem", {"P01": None}])
def test_check_drill_never_raises(answer):
    fb = check_drill(answer)
    assert fb.title and (not fb.answered or fb.checks is not None)


def test_check_drill_marks_right_wrong_unknown_and_invalid():
    table = load_statements()
    truth = dict(zip(table["id"], table["answer"]))
    other = {"problem": "solution", "solution": "problem"}
    answers = {"P01": truth["P01"], "p02": other[truth["P02"]], "P99": "problem", "P03": "maybe", "P04": ...}
    fb = check_drill(answers)
    assert fb.answered
    assert fb.summary.startswith("1 of 2 right.") and "1 still to answer" in fb.summary
    labels = [c.label for c in fb.failed]
    assert any("P02" in x for x in labels) and any("P99" in x for x in labels) and any("P03" in x for x in labels)
    assert len(fb.passed) == 1 and not fb.ok


@pytest.mark.parametrize("answer", [..., None, {}, {"P02": ...}, "text", 3])
def test_check_reframes_never_raises(answer):
    assert check_reframes(answer).title


def test_check_reframes_flags_solution_words_and_shows_the_course_reframe():
    fb = check_reframes({"P04": "Build a chatbot for staff.", "P02": "FreshBite's payroll team must re-key "
                         "approved hours by hand each month, which holds up the deal.", "P01": "x", "P77": "y"})
    by_label = {c.label: c for c in fb.checks}
    assert by_label["P04"].ok is False and "chatbot" in by_label["P04"].message
    assert by_label["P02"].ok is True and "Compare with the course's reframe" in by_label["P02"].message
    assert by_label["P01"].ok is False and "already a problem statement" in by_label["P01"].message
    assert by_label["'P77'"].ok is False


@pytest.mark.parametrize("answer", [..., None, "", 12, ["a"]])
def test_check_framing_never_raises(answer):
    assert not check_framing(answer).answered


def test_check_framing_passes_a_good_paragraph_and_flags_claims():
    good = ("This portfolio collects the work I did in the open-source Engineer to PM course. Every exercise "
            "uses one case study: Rotawise, a fictional company that makes a rota app for hourly staff. I "
            "interviewed its customers on paper, turned what I heard into insight statements, ranked its "
            "backlog and wrote the rationale for the leadership team. You will also find my stakeholder map, "
            "an executive summary and my own 12-month plan.")
    assert check_framing(good).ok
    fb = check_framing(good + " I launched the templates feature and increased revenue by 10%.")
    assert [c.label for c in fb.failed] == ["Claims only what you did"]


# ---- saving dicts of answers -----------------------------------------------------------------
def test_keep_drill_answers_merges_saves_and_brings_back(capsys):
    first = keep_drill_answers({"P01": "Problem", "P02": ...})
    assert first == {"P01": "problem", "P02": ...}
    assert work.load_answer(MODULE, DRILL_KEY) == {"P01": "problem"}
    second = keep_drill_answers({"P01": ..., "P02": "s", "P03": "maybe"})
    assert second == {"P01": "problem", "P02": "solution", "P03": "maybe"}
    assert work.load_answer(MODULE, DRILL_KEY) == {"P01": "problem", "P02": "solution"}
    out = capsys.readouterr().out
    assert "Saved 1 answer(s)" in out and "Brought back 1 saved answer(s)" in out
    assert keep_drill_answers(...) == {"P01": "problem", "P02": "solution"}


def test_keep_answers_dict_never_raises_and_reports(capsys):
    assert keep_answers_dict(MODULE, "reframes", "not a dict") == "not a dict"
    assert "was not saved" in capsys.readouterr().out
    assert keep_answers_dict(MODULE, "bad key!", {"P01": "x"}) == {"P01": "x"}
    assert "were not saved" in capsys.readouterr().out
    assert keep_answers_dict(MODULE, "reframes", {"P01": object()})["P01"] is not None
