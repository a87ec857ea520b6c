"""Tests of pmkit.data: loading and checking backlog and estimates files.

Every rule is tested with a real file written to a temporary folder. The
property-based tests check that any cell text gives a DataFrame or a
DataError (never another exception), that problems are reported on the line
where they sit, and that valid backlogs survive a write/load round trip.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import pickle
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit import data, paths
from pmkit.data import (
    BACKLOG_OPTIONAL,
    BACKLOG_REQUIRED,
    FIBONACCI,
    RICE_CONFIDENCE_SCALE,
    RICE_IMPACT_SCALE,
    DataError,
    Problem,
    explain_load,
    load_backlog,
    load_estimates,
    validate_backlog,
    validate_value,
)

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_BACKLOG = FIXTURES / "backlog_small.csv"
SMALL_ESTIMATES = FIXTURES / "estimates_small.csv"
MIN_HEADER = ["id", "title", "reach", "impact", "confidence", "effort"]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --------------------------------------------------------------------------- helpers


def fixture_table(path: Path = SMALL_BACKLOG) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        records = list(csv.reader(f))
    return records[0], records[1:]


def csv_bytes(header, rows, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows([header, *rows])  # "\r\n" line ends, as Excel writes
    raw = buf.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + raw if bom else raw


def write(folder: Path, header, rows, *, name="backlog.csv", **kwargs) -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(header, rows, **kwargs))
    return path


def write_text(folder: Path, text: str, *, name="backlog.csv", encoding="utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def small_with(changes: dict[tuple[int, str], str]) -> tuple[list[str], list[list[str]]]:
    """The small fixture with some cells changed: {(row index, column): new text}."""
    header, rows = fixture_table()
    rows = [list(r) for r in rows]
    for (r, column), value in changes.items():
        rows[r][header.index(column)] = value
    return header, rows


def minimal(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    return MIN_HEADER, rows


def problems_of(path: Path, loader=load_backlog) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        loader(path)
    return caught.value.problems


def only_problem(path: Path, loader=load_backlog) -> Problem:
    found = problems_of(path, loader)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


# --------------------------------------------------------------------------- a valid file


def test_small_fixture_loads_with_canonical_columns_and_types():
    df = load_backlog(SMALL_BACKLOG)
    assert list(df.columns) == list(BACKLOG_REQUIRED + BACKLOG_OPTIONAL)
    assert isinstance(df.index, pd.RangeIndex) and len(df) == 6
    for column in ("reach", "impact", "confidence", "effort"):
        assert df[column].dtype == np.float64
    for column in ("ice_impact", "ice_ease", "business_value", "job_size", "crit_customer", "crit_risk"):
        assert df[column].dtype == np.int64
    assert df["id"].tolist() == ["B01", "B02", "B03", "B04", "B05", "B06"]
    assert df.loc[5, "depends_on"] == ("B01", "B05")
    assert df.loc[0, "depends_on"] == ()
    assert df.loc[3, "effort"] == 1.5
    assert df.attrs["source"] == str(SMALL_BACKLOG.absolute())
    assert df.attrs["notes"] == []


def test_columns_are_ordered_required_then_optional_then_extras(tmp_path):
    header = ["notes", "depends_on", "effort", "confidence", "theme", "impact", "reach", "title", "id"]
    rows = [["hi", "", "2", "0.8", "Retention", "1", "10", "A", "B01"]]
    df = load_backlog(write(tmp_path, header, rows))
    assert list(df.columns) == [*MIN_HEADER, "theme", "depends_on", "notes"]


def test_constants_match_the_api_contract():
    assert RICE_IMPACT_SCALE == {3: "massive", 2: "high", 1: "medium", 0.5: "low", 0.25: "minimal"}
    assert RICE_CONFIDENCE_SCALE == {1.0: "high", 0.8: "medium", 0.5: "low"}
    assert FIBONACCI == (1, 2, 3, 5, 8, 13, 20)


# --------------------------------------------------------------------------- numbers


def test_blank_cell_is_a_problem_with_line_and_column(tmp_path):
    path = write(tmp_path, *small_with({(2, "reach"): "  "}))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (4, "reach")
    assert "blank" in problem.message and "Expected" in problem.message


def test_percentage_confidence_is_read_as_a_fraction_with_a_note(tmp_path):
    changes = {(0, "confidence"): "80%", (1, "confidence"): " 50 % ", (2, "confidence"): "100%"}
    path = write(tmp_path, *small_with(changes))
    df = load_backlog(path)
    assert df["confidence"].tolist()[:3] == [0.8, 0.5, 1.0]
    assert any(n.startswith("confidence: read 3 percentages like '80%'") for n in df.attrs["notes"])


def test_confidence_as_whole_percent_number_is_converted_with_a_note(tmp_path):
    df = load_backlog(write(tmp_path, *small_with({(0, "confidence"): "80", (1, "confidence"): "50"})))
    assert df["confidence"].tolist()[:2] == [0.8, 0.5]
    assert any("confidence: read 2 numbers above 1 like '80'" in n for n in df.attrs["notes"])


@pytest.mark.parametrize("value", ["0", "-0.5", "101", "150%", "0%", "-20%"])
def test_confidence_out_of_range_is_a_problem_mentioning_intercoms_levels(tmp_path, value):
    problem = only_problem(write(tmp_path, *small_with({(1, "confidence"): value})))
    assert problem.column == "confidence" and problem.line == 3
    assert "100%" in problem.message and "80%" in problem.message and "50%" in problem.message


def test_confidence_words_are_read_on_intercoms_scale(tmp_path):
    changes = {(0, "confidence"): "High", (1, "confidence"): "medium", (2, "confidence"): "LOW"}
    df = load_backlog(write(tmp_path, *small_with(changes)))
    assert df["confidence"].tolist()[:3] == [1.0, 0.8, 0.5]


def test_the_contracts_example_message(tmp_path):
    path = write(tmp_path, *small_with({(5, "confidence"): "8O%"}), name="mine.csv")
    with pytest.raises(DataError) as caught:
        load_backlog(path)
    text = str(caught.value)
    assert text.splitlines() == [
        "Could not load mine.csv: 1 problem(s)",
        "line 7, column 'confidence': '8O%' is not a number. Expected a percentage like 80% or a fraction like 0.8.",
    ]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["1,000", "1 000", "1\u00a0000", "1\u202f000", " 1000 "])
def test_thousands_separators_in_a_comma_file(tmp_path, text):
    df = load_backlog(write(tmp_path, *small_with({(0, "reach"): text})))
    assert df.loc[0, "reach"] == 1000.0
    if text.strip() != "1000":
        assert any(n.startswith("reach: removed thousands separators from 1 number") for n in df.attrs["notes"])


def test_bigger_numbers_with_separators(tmp_path):
    changes = {(0, "reach"): "12,500", (1, "reach"): "1,234,567.5", (2, "reach"): "12 500"}
    df = load_backlog(write(tmp_path, *small_with(changes)))
    assert df["reach"].tolist()[:3] == [12500.0, 1234567.5, 12500.0]


def test_thousands_separators_in_a_tab_file(tmp_path):
    header, rows = small_with({(0, "reach"): "1,000", (1, "reach"): "12,500"})
    df = load_backlog(write(tmp_path, header, rows, delimiter="\t"))
    assert df["reach"].tolist()[:2] == [1000.0, 12500.0]
    assert any("tab-separated" in n for n in df.attrs["notes"])


def test_tab_file_with_decimal_commas_reads_them_and_makes_1_000_ambiguous(tmp_path):
    header, rows = small_with({(0, "confidence"): "0,8", (1, "effort"): "2,5"})
    df = load_backlog(write(tmp_path, header, rows, delimiter="\t"))
    assert (df.loc[0, "confidence"], df.loc[1, "effort"]) == (0.8, 2.5)
    header, rows = small_with({(0, "confidence"): "0,8", (1, "reach"): "1,000"})
    problem = only_problem(write(tmp_path, header, rows, delimiter="\t"))
    assert problem.line == 3 and "ambiguous" in problem.message


def test_decimal_comma_in_a_comma_file_is_a_problem(tmp_path):
    problem = only_problem(write(tmp_path, *small_with({(0, "effort"): "2,5"})))
    assert "2.5" in problem.message and "decimal point" in problem.message


def test_semicolon_file_with_decimal_commas(tmp_path):
    changes = {(0, "confidence"): "0,8", (1, "effort"): "2,5", (2, "reach"): "1.000,5", (3, "reach"): "1 200"}
    header, rows = small_with(changes)
    df = load_backlog(write(tmp_path, header, rows, delimiter=";"))
    assert df.loc[0, "confidence"] == 0.8
    assert df.loc[1, "effort"] == 2.5
    assert df.loc[2, "reach"] == 1000.5
    assert df.loc[3, "reach"] == 1200.0
    assert df.loc[5, "depends_on"] == ("B01", "B05")
    notes = " | ".join(df.attrs["notes"])
    assert "semicolon" in notes and "decimal comma" in notes


@pytest.mark.parametrize("text", ["1,000", "12,500", "1.000"])
def test_ambiguous_number_in_a_semicolon_file_is_a_problem(tmp_path, text):
    header, rows = small_with({(0, "reach"): text})
    problem = only_problem(write(tmp_path, header, rows, delimiter=";"))
    assert (problem.line, problem.column, problem.value) == (2, "reach", text)
    assert "ambiguous" in problem.message
    assert text.replace(",", "").replace(".", "") in problem.message  # offers the big reading


def test_zero_effort_explains_that_rice_divides_by_effort(tmp_path):
    problem = only_problem(write(tmp_path, *small_with({(0, "effort"): "0"})))
    assert problem.column == "effort"
    assert "RICE divides by effort; use 0.5 for well under a month" in problem.message


def test_negative_effort_and_reach_are_problems(tmp_path):
    found = problems_of(write(tmp_path, *small_with({(0, "effort"): "-2", (1, "reach"): "-10"})))
    assert [(p.line, p.column) for p in found] == [(2, "effort"), (3, "reach")]
    assert all("negative" in p.message for p in found)


def test_zero_reach_is_allowed(tmp_path):
    assert load_backlog(write(tmp_path, *small_with({(0, "reach"): "0"}))).loc[0, "reach"] == 0.0


@pytest.mark.parametrize("value", ["4", "0", "1.5", "-1", "100%"])
def test_impact_off_the_scale_lists_the_scale(tmp_path, value):
    problem = only_problem(write(tmp_path, *small_with({(0, "impact"): value})))
    assert problem.column == "impact"
    if value != "100%":
        assert "3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal)" in problem.message


def test_impact_words_and_equivalent_numbers(tmp_path):
    changes = {(0, "impact"): "Massive", (1, "impact"): "HIGH", (2, "impact"): "medium", (3, "impact"): "low",
               (4, "impact"): " minimal ", (5, "impact"): ".50"}
    df = load_backlog(write(tmp_path, *small_with(changes)))
    assert df["impact"].tolist() == [3.0, 2.0, 1.0, 0.5, 0.25, 0.5]
    assert any(n.startswith("impact: read 5 words like 'Massive'") for n in df.attrs["notes"])


@pytest.mark.parametrize(
    "value", ["lots", "nan", "inf", "-inf", "1e999", "1_000", "#DIV/0!", "12 apples", "1,2,3", "\u0663"]
)
def test_non_numbers_are_quoted_in_the_problem(tmp_path, value):
    problem = only_problem(write(tmp_path, *small_with({(0, "reach"): value})))
    assert problem.value == value
    assert data._show(value) in problem.message
    if value == "#DIV/0!":
        assert "Excel error" in problem.message


def test_percent_is_only_for_confidence(tmp_path):
    problem = only_problem(write(tmp_path, *small_with({(0, "reach"): "50%"})))
    assert "only confidence" in problem.message


def test_typographic_minus_and_fullwidth_digits(tmp_path):
    problem = only_problem(write(tmp_path, *small_with({(0, "effort"): "\u22122"})))
    assert "negative" in problem.message
    df = load_backlog(write(tmp_path, *small_with({(0, "reach"): "\uff11\uff12\uff10\uff10"})))
    assert df.loc[0, "reach"] == 1200.0


@pytest.mark.parametrize(
    ("column", "value", "ok"),
    [
        ("ice_ease", "7.0", 7), ("ice_ease", "11", None), ("ice_ease", "0", None), ("ice_ease", "7.5", None),
        ("job_size", "13", 13), ("job_size", "4", None), ("job_size", "0", None), ("job_size", "-3", None),
        ("business_value", "21", None), ("crit_risk", "5", 5), ("crit_risk", "6", None), ("crit_risk", "2.5", None),
    ],
)
def test_whole_number_scales(tmp_path, column, value, ok):
    path = write(tmp_path, *small_with({(0, column): value}))
    if ok is None:
        problem = only_problem(path)
        assert (problem.line, problem.column) == (2, column)
        if column == "job_size" and float(value) <= 0:
            assert "WSJF divides" in problem.message
    else:
        df = load_backlog(path)
        assert df.loc[0, column] == ok and df[column].dtype == np.int64


def test_blank_in_a_partly_filled_optional_number_column_is_a_problem(tmp_path):
    problem = only_problem(write(tmp_path, *small_with({(3, "ice_impact"): ""})))
    assert (problem.line, problem.column) == (5, "ice_impact") and "blank" in problem.message


def test_optional_number_column_empty_everywhere_is_left_out(tmp_path):
    header, rows = fixture_table()
    position = header.index("ice_ease")
    for row in rows:
        row[position] = ""
    df = load_backlog(write(tmp_path, header, rows))
    assert "ice_ease" not in df.columns and "ice_impact" in df.columns
    assert any("'ice_ease' is empty in every row" in n for n in df.attrs["notes"])


# --------------------------------------------------------------------------- ids and dependencies


def test_blank_id_is_a_problem(tmp_path):
    problem = only_problem(write(tmp_path, *small_with({(1, "id"): " "})))
    assert (problem.line, problem.column) == (3, "id") and "id is blank" in problem.message


def test_ids_are_stripped(tmp_path):
    df = load_backlog(write(tmp_path, *small_with({(0, "id"): "  B01 "})))
    assert df.loc[0, "id"] == "B01"


def test_duplicate_ids_give_one_problem_per_id_naming_every_line(tmp_path):
    # B03 and B06 depend on B05, which is renamed here, so their dependencies are cleared
    changes = {(3, "id"): "B02", (5, "id"): "B02", (4, "id"): "B01", (2, "depends_on"): "", (5, "depends_on"): ""}
    path = write(tmp_path, *small_with(changes))
    found = problems_of(path)
    assert [(p.line, p.value) for p in found] == [(2, "B01"), (3, "B02")]
    assert "lines 2 and 6" in found[0].message
    assert "lines 3, 5 and 7" in found[1].message


def test_dependencies_accept_several_separators(tmp_path):
    df = load_backlog(write(tmp_path, *small_with({(5, "depends_on"): " B01, B02|B03;B04  B04 "})))
    assert df.loc[5, "depends_on"] == ("B01", "B02", "B03", "B04")


def test_unknown_and_self_dependencies(tmp_path):
    found = problems_of(write(tmp_path, *small_with({(0, "depends_on"): "B01", (1, "depends_on"): "B99 b03"})))
    assert [(p.line, p.value) for p in found] == [(2, "B01"), (3, "B99"), (3, "b03")]
    assert "depends on itself" in found[0].message
    assert "not the id of any item" in found[1].message
    assert "Did you mean 'B03'?" in found[2].message


def test_dependency_cycle_is_a_problem(tmp_path):
    # B03 -> B05 (fixture) and B05 -> B06 -> B03 closes a loop of three; B01 <-> B02 is a loop of two
    changes = {(4, "depends_on"): "B06", (5, "depends_on"): "B03", (0, "depends_on"): "B02", (1, "depends_on"): "B01"}
    found = problems_of(write(tmp_path, *small_with(changes)))
    assert [p.line for p in found] == [2, 4]
    assert "items B01 and B02 depend on each other in a loop (B01 needs B02, which needs B01)" in found[0].message
    assert "B03, B05 and B06" in found[1].message
    assert "B03 needs B05, which needs B06, which needs B03" in found[1].message


def test_long_dependency_chain_without_cycle_is_fine(tmp_path):
    rows = [[f"X{i}", f"T{i}", "1", "1", "1", "1", f"X{i - 1}" if i else ""] for i in range(3000)]
    df = load_backlog(write(tmp_path, MIN_HEADER + ["depends_on"], rows))
    assert df.loc[2999, "depends_on"] == ("X2998",)
    rows[0][-1] = "X2999"
    found = problems_of(write(tmp_path, MIN_HEADER + ["depends_on"], rows))
    assert len(found) == 1 and "X0 needs X2999, which needs X2998" in found[0].message


# --------------------------------------------------------------------------- columns


def test_unknown_columns_are_kept_and_listed_in_notes(tmp_path):
    header, rows = fixture_table()
    header = header + ["Owner", "Bussiness value"]
    rows = [r + ["Priya", "x"] for r in rows]
    df = load_backlog(write(tmp_path, header, rows))
    assert list(df.columns[-2:]) == ["owner", "bussiness_value"]
    assert df["owner"].tolist() == ["Priya"] * 6
    note = next(n for n in df.attrs["notes"] if n.startswith("kept 2 columns"))
    assert "'Owner'" in note and "'Bussiness value'" in note


def test_unknown_column_close_to_an_absent_optional_column_gets_a_hint(tmp_path):
    header, rows = minimal([["B01", "A", "1", "1", "1", "1", "5"]])
    df = load_backlog(write(tmp_path, header + ["Bussiness value"], rows))
    assert any("did you mean 'business_value'?" in n for n in df.attrs["notes"])


def test_misspelled_required_column_suggests_the_close_name(tmp_path):
    header, rows = fixture_table()
    header[header.index("confidence")] = "Confidnce"
    problem = only_problem(write(tmp_path, header, rows))
    assert (problem.line, problem.column) == (1, "confidence")
    assert "missing" in problem.message and "Did you mean 'Confidnce'?" in problem.message


def test_missing_required_column_without_a_close_name(tmp_path):
    header, rows = fixture_table()
    position = header.index("effort")
    header = header[:position] + header[position + 1:]
    rows = [r[:position] + r[position + 1:] for r in rows]
    problem = only_problem(write(tmp_path, header, rows))
    assert problem.column == "effort" and "person-months" in problem.message


def test_column_names_are_normalised_and_units_dropped(tmp_path):
    header = ["  ID ", "Item name", "Reach (users/quarter)", "IMPACT", "Confidence (%)", "Effort (person-months)",
              "Time-criticality", "Job size", "Depends on", "ICE ease"]
    rows = [["B01", "A", "10", "1", "80%", "2", "3", "5", "", "4"],
            ["B02", "B", "5", "2", "0.5", "1", "1", "1", "B01", "9"]]
    df = load_backlog(write(tmp_path, header, rows))
    assert list(df.columns) == ["id", "title", "reach", "impact", "confidence", "effort", "ice_ease",
                                "time_criticality", "job_size", "depends_on"]
    assert df.loc[1, "depends_on"] == ("B01",)


def test_alias_is_not_used_when_the_canonical_column_exists(tmp_path):
    header, rows = minimal([["B01", "Title", "1", "1", "1", "1", "Nick"]])
    df = load_backlog(write(tmp_path, header + ["Name"], rows))
    assert df.loc[0, "title"] == "Title" and df.loc[0, "name"] == "Nick"


def test_duplicate_columns_are_a_problem(tmp_path):
    header, rows = minimal([["B01", "A", "1", "1", "1", "1", "2"]])
    problem = only_problem(write(tmp_path, header + ["Reach (users)"], rows))
    assert problem.line == 1
    assert "'reach' (column 3) and 'Reach (users)' (column 7) both mean 'reach'" in problem.message


def test_two_aliases_for_one_column_are_a_problem(tmp_path):
    header = ["id", "Name", "Summary", "reach", "impact", "confidence", "effort"]
    problem = only_problem(write(tmp_path, header, [["B01", "A", "B", "1", "1", "1", "1"]]))
    assert "both mean 'title'" in problem.message


def test_trailing_separators_make_empty_unnamed_columns_that_are_ignored(tmp_path):
    text = "id,title,reach,impact,confidence,effort,,\nB01,A,1,1,1,1,,\nB02,B,2,1,1,1\n"
    df = load_backlog(write_text(tmp_path, text))
    assert list(df.columns) == MIN_HEADER and len(df) == 2


# --------------------------------------------------------------------------- encodings and file shapes


def test_utf8_bom_is_handled(tmp_path):
    header, rows = fixture_table()
    df = load_backlog(write(tmp_path, header, rows, bom=True))
    assert list(df.columns)[0] == "id" and df.loc[0, "id"] == "B01"


def test_cp1252_file_is_read_with_a_note(tmp_path):
    header, rows = small_with({(0, "title"): "Café rota – £5 plan"})
    df = load_backlog(write(tmp_path, header, rows, encoding="cp1252"))
    assert df.loc[0, "title"] == "Café rota – £5 plan"
    assert any("Windows-1252" in n for n in df.attrs["notes"])


def test_utf16_file_from_excel_unicode_text_is_read(tmp_path):
    header, rows = small_with({(0, "title"): "Café"})
    df = load_backlog(write(tmp_path, header, rows, delimiter="\t", encoding="utf-16"))
    assert df.loc[0, "title"] == "Café" and len(df) == 6


def test_undecodable_file_is_a_data_error(tmp_path):
    path = tmp_path / "backlog.csv"
    path.write_bytes(b"id,title,reach,impact,confidence,effort\nB01,\x81\x8d\xff,1,1,1,1\n")
    problem = only_problem(path)
    assert "UTF-8" in problem.message and "Windows-1252" in problem.message


@pytest.mark.parametrize(
    ("start", "word"), [(b"PK\x03\x04", ".xlsx"), (b"\xd0\xcf\x11\xe0", ".xls"), (b"ab\x00cd", "zero bytes")]
)
def test_binary_files_are_a_data_error(tmp_path, start, word):
    path = tmp_path / "backlog.csv"
    path.write_bytes(start + bytes(range(256)))
    assert word in only_problem(path).message


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("\n\n  \r\n", "only blank lines"), (";;\n;;\n", "only empty cells"),
     ("id,title,reach,impact,confidence,effort\n", "no data rows"),
     ("\n\nid,title,reach,impact,confidence,effort\n,,,,,\n", "no data rows")],
)
def test_empty_files_are_a_data_error(tmp_path, text, words):
    problem = only_problem(write_text(tmp_path, text))
    assert words in problem.message


def test_blank_lines_and_empty_rows_are_skipped_but_line_numbers_stay_true(tmp_path):
    text = "\nid,title,reach,impact,confidence,effort\nB01,A,1,1,1,1\n\n,,,,,\nB02,B,x,1,1,1\n"
    problem = only_problem(write_text(tmp_path, text))
    assert problem.line == 6


def test_crlf_and_cr_line_endings(tmp_path):
    for ending in ("\r\n", "\r"):
        text = ending.join(["id,title,reach,impact,confidence,effort", "B01,A,1,1,1,1", "B02,B,x,1,1,1"]) + ending
        assert only_problem(write_text(tmp_path, text)).line == 3


def test_ragged_rows_are_problems_and_other_rows_are_still_checked(tmp_path):
    text = ("id,title,reach,impact,confidence,effort\n"
            "B01,Templates, multi-site,1,1,1,1\n"
            "B02,Short,1,1\n"
            "B03,Fine,1,1,1,0\n")
    found = problems_of(write_text(tmp_path, text))
    assert [(p.line, p.column) for p in found] == [(2, None), (3, None), (4, "effort")]
    assert "7 cells but the header has 6 columns" in found[0].message and "double quotes" in found[0].message
    assert "4 cells" in found[1].message


def test_dependency_on_a_ragged_row_is_not_reported_twice(tmp_path):
    text = ("id,title,reach,impact,confidence,effort,depends_on\n"
            "B01,Too,many,cells,1,1,1,1,\n"
            "B02,Fine,1,1,1,1,B01\n")
    found = problems_of(write_text(tmp_path, text))
    assert [p.line for p in found] == [2]


def test_multiline_quoted_description_keeps_line_numbers_true(tmp_path):
    text = ("id,title,description,reach,impact,confidence,effort\n"
            'B01,A,"first line\nsecond line\nthird line",100,7,0.8,1\n'
            "B02,B,plain,abc,1,0.8,1\n"
            'B03,C,"x\r\ny",-5,1,0.8,1\n'
            "B04,D,,1,1,0.8,0\n")
    found = problems_of(write_text(tmp_path, text))
    assert [(p.line, p.column) for p in found] == [(2, "impact"), (5, "reach"), (6, "reach"), (8, "effort")]
    df_text = text.replace(",7,", ",1,").replace("abc", "1").replace("-5", "5").replace(",0\n", ",1\n")
    df = load_backlog(write_text(tmp_path, df_text))
    assert df.loc[0, "description"] == "first line\nsecond line\nthird line"


def test_unclosed_quote_is_reported_on_its_line(tmp_path):
    text = 'id,title,reach,impact,confidence,effort\nB01,A,1,1,1,1\nB02,"Unclosed,1,1,1,1\nB03,C,1,1,1,1\n'
    problem = only_problem(write_text(tmp_path, text))
    assert problem.line == 3 and "never closed" in problem.message


def test_text_after_a_closing_quote_is_reported(tmp_path):
    text = 'id,title,reach,impact,confidence,effort\nB01,"Big" thing,1,1,1,1\n'
    problem = only_problem(write_text(tmp_path, text))
    assert problem.line == 2 and "closing double quote" in problem.message


def test_semicolon_header_with_quoted_commas_is_detected_as_semicolon(tmp_path):
    text = ('id;title;reach;impact;confidence;effort;"notes, one, two, three, four, five, six, seven"\n'
            "B01;A, B;1;1;0,8;1;x\n")
    df = load_backlog(write_text(tmp_path, text))
    assert df.loc[0, "title"] == "A, B" and df.loc[0, "confidence"] == 0.8


# --------------------------------------------------------------------------- all at once, and the file untouched


def test_every_problem_is_reported_at_once(tmp_path):
    changes = {(0, "reach"): "", (1, "confidence"): "8O%", (2, "effort"): "0", (3, "impact"): "4",
               (3, "id"): "B01", (5, "job_size"): "4"}
    path = write(tmp_path, *small_with(changes), name="mine.csv")
    with pytest.raises(DataError) as caught:
        load_backlog(path)
    err = caught.value
    assert [(p.line, p.column) for p in err.problems] == [
        (2, "id"), (2, "reach"), (3, "confidence"), (4, "effort"), (5, "impact"), (7, "job_size")]
    lines = str(err).splitlines()
    assert lines[0] == "Could not load mine.csv: 6 problem(s)"
    assert lines[1:] == [str(p) for p in err.problems]


def test_the_file_is_never_changed(tmp_path):
    good = write(tmp_path, *fixture_table(), name="good.csv", bom=True)
    bad = write(tmp_path, *small_with({(0, "reach"): "1,000", (1, "effort"): "0"}), name="bad.csv", delimiter=";")
    os.utime(good, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    os.utime(bad, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (good, bad)}
    listing = sorted(tmp_path.iterdir())
    load_backlog(good)
    validate_backlog(load_backlog(good))
    with pytest.raises(DataError):
        load_backlog(bad)
    explain_load(bad)
    explain_load(good)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (good, bad)}
    assert after == before
    assert sorted(tmp_path.iterdir()) == listing


def test_data_error_survives_pickling():
    err = DataError([Problem(3, "reach", "x", "'x' is not a number.")], "mine.csv")
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems and str(again) == str(err)


def test_problem_text_forms():
    assert str(Problem(None, None, None, "The file is empty.")) == "The file is empty."
    assert str(Problem(4, None, None, "bad line.")) == "line 4: bad line."
    assert str(Problem(None, "reach", None, "missing.")) == "column 'reach': missing."
    assert str(Problem(None, "reach", "x", "bad.", row=3)) == "row 3, column 'reach': bad."
    assert str(DataError("Something broke.")) == "Could not load the data: 1 problem(s)\nSomething broke."


# --------------------------------------------------------------------------- paths and the loaders' errors


def test_missing_file_gives_a_clear_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="There is no file at"):
        load_backlog(tmp_path / "nope.csv")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        load_backlog(tmp_path)


def test_default_path_is_the_course_dataset(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DATASETS_DIR", tmp_path)
    write(tmp_path, *fixture_table())
    df = load_backlog()
    assert df.attrs["source"] == str(tmp_path / "backlog.csv") and len(df) == 6
    with pytest.raises(FileNotFoundError, match="Available files: backlog.csv"):
        load_estimates()


# --------------------------------------------------------------------------- estimates


def test_estimates_fixture_loads_in_long_format():
    backlog = load_backlog(SMALL_BACKLOG)
    est = load_estimates(SMALL_ESTIMATES, backlog=backlog)
    assert list(est.columns) == ["item_id", "estimator", "role", "reach", "impact", "confidence", "effort"]
    assert len(est) == 10 and est["confidence"].dtype == np.float64
    assert est.loc[1, "estimator"] == "Tomás Berg"


def test_estimates_use_the_same_number_rules(tmp_path):
    header, rows = fixture_table(SMALL_ESTIMATES)
    rows[0][5] = "80%"
    rows[1][3] = "2,000"
    rows[2][6] = "0"
    rows[3][4] = "huge"
    path = write(tmp_path, header, rows, name="estimates.csv")
    found = problems_of(path, load_estimates)
    assert [(p.line, p.column) for p in found] == [(4, "effort"), (5, "impact")]
    rows[2][6], rows[3][4] = "3", "1"
    est = load_estimates(write(tmp_path, header, rows, name="estimates.csv"))
    assert (est.loc[0, "confidence"], est.loc[1, "reach"]) == (0.8, 2000.0)


def test_estimates_role_is_optional_and_duplicates_are_problems(tmp_path):
    header, rows = fixture_table(SMALL_ESTIMATES)
    header = [h for h in header if h != "role"]
    rows = [r[:2] + r[3:] for r in rows]
    est = load_estimates(write(tmp_path, header, rows, name="e.csv"))
    assert "role" not in est.columns
    rows.append(["B01", " Priya Nair ", "1", "1", "1", "1"])
    problem = only_problem(write(tmp_path, header, rows, name="e.csv"), load_estimates)
    assert problem.line == 2
    assert "'Priya Nair' gave more than one estimate for item 'B01' (lines 2 and 12)" in problem.message


def test_estimates_for_unknown_items_are_problems_when_a_backlog_is_given(tmp_path):
    header, rows = fixture_table(SMALL_ESTIMATES)
    rows[4][0] = "B77"
    rows[5][0] = "b03"
    path = write(tmp_path, header, rows, name="e.csv")
    assert len(load_estimates(path)) == 10  # no backlog: nothing to compare with
    found = problems_of(path, lambda p: load_estimates(p, backlog=load_backlog(SMALL_BACKLOG)))
    assert [(p.line, p.value) for p in found] == [(6, "B77"), (7, "b03")]
    assert "Did you mean 'B03'?" in found[1].message
    found = problems_of(path, lambda p: load_estimates(p, backlog=["B01", "B02", "B03", "B04", "B05", "B06"]))
    assert len(found) == 2


def test_estimates_missing_columns_and_blank_keys(tmp_path):
    path = write(tmp_path, ["item", "who", "reach", "impact", "confidence", "effort"],
                 [["B01", "A", "1", "1", "1", "1"]], name="e.csv")
    found = problems_of(path, load_estimates)
    assert {p.column for p in found} == {"item_id", "estimator"}
    path = write(tmp_path, ["item_id", "estimator", "reach", "impact", "confidence", "effort"],
                 [["", "A", "1", "1", "1", "1"], ["B01", " ", "1", "1", "1", "1"]], name="e.csv")
    assert [p.message.split(".")[0] for p in problems_of(path, load_estimates)] == [
        "the id is blank", "the estimator is blank"]


# --------------------------------------------------------------------------- validate_backlog / validate_value


def test_validate_backlog_accepts_a_loaded_backlog_unchanged():
    df = load_backlog(SMALL_BACKLOG)
    again = validate_backlog(df)
    pd.testing.assert_frame_equal(again, df)
    assert again.attrs["source"] == df.attrs["source"]


def test_validate_backlog_reports_rows_and_leaves_the_input_alone():
    df = load_backlog(SMALL_BACKLOG)
    df["confidence"] = df["confidence"].astype(object)
    df.loc[1, "confidence"] = "80%"
    df.loc[2, "effort"] = 0.0
    df.loc[3, "reach"] = np.nan
    df.at[4, "depends_on"] = ("B03",)  # B03 already needs B05: a loop
    before = df.copy()
    with pytest.raises(DataError) as caught:
        validate_backlog(df)
    text = str(caught.value).splitlines()
    assert text[0] == "Could not use the backlog table: 3 problem(s)"
    assert text[1].startswith("row 2, column 'effort': '0.0' is zero. RICE divides by effort")
    assert text[2] == ("row 2, column 'depends_on': items B03 and B05 depend on each other in a loop "
                       "(B03 needs B05, which needs B03), so none of them can ship first. "
                       "Remove one of these dependencies.")
    assert text[3].startswith("row 3, column 'reach': the cell is blank.")
    assert all(p.line is None for p in caught.value.problems)
    pd.testing.assert_frame_equal(df, before)
    df.loc[2, "effort"], df.loc[3, "reach"], df.loc[4, "depends_on"] = 1.0, 10.0, "B01 B02"
    clean = validate_backlog(df)
    assert clean.loc[1, "confidence"] == 0.8 and clean["confidence"].dtype == np.float64
    assert clean.loc[4, "depends_on"] == ("B01", "B02")
    assert any("percentage" in n for n in clean.attrs["notes"])


def test_validate_backlog_uses_index_labels_and_accepts_an_id_index():
    df = load_backlog(SMALL_BACKLOG)
    df.index = list("abcdef")
    df.loc["c", "impact"] = 4.0
    problem = only_problem(df, validate_backlog)
    assert (problem.row, str(problem)[:22]) == ("c", "row c, column 'impact'")
    by_id = load_backlog(SMALL_BACKLOG).set_index("id")
    clean = validate_backlog(by_id)
    assert clean["id"].tolist()[:2] == ["B01", "B02"]


def test_validate_backlog_checks_columns_and_types():
    df = load_backlog(SMALL_BACKLOG).drop(columns=["effort"]).rename(columns={"reach": "Reach (users)"})
    problem = only_problem(df, validate_backlog)
    assert problem.column == "effort" and problem.line is None
    with pytest.raises(TypeError, match="load_backlog"):
        validate_backlog("backlog.csv")
    with pytest.raises(DataError, match="no rows"):
        validate_backlog(load_backlog(SMALL_BACKLOG).iloc[0:0])
    odd = load_backlog(SMALL_BACKLOG)
    odd["reach"] = odd["reach"].astype(object)
    odd.loc[0, "reach"], odd.loc[1, "reach"], odd.loc[2, "reach"] = True, None, complex(1, 2)
    assert [p.row for p in problems_of(odd, validate_backlog)] == [0, 1, 2]


def test_validate_value_for_widgets():
    assert validate_value("confidence", "80%") == 0.8
    assert validate_value("Confidence (%)", 50) == 0.5
    assert validate_value("impact", "high") == 2.0
    assert validate_value("depends_on", "B01, B02") == ("B01", "B02")
    assert validate_value("ice_ease", 7.0) == 7
    with pytest.raises(DataError) as caught:
        validate_value("effort", 0)
    assert "RICE divides by effort" in str(caught.value)
    with pytest.raises(DataError, match="not a backlog column"):
        validate_value("colour", 1)


# --------------------------------------------------------------------------- explain_load


def test_explain_load_prints_problems_instead_of_raising(tmp_path, capsys):
    path = write(tmp_path, *small_with({(0, "effort"): "0"}), name="mine.csv")
    assert explain_load(path) is None
    out = capsys.readouterr().out
    assert out.startswith("Could not load mine.csv: 1 problem(s)\nline 2, column 'effort'")
    assert "Your file was not changed." in out and "Traceback" not in out


def test_explain_load_handles_missing_files_folders_and_permissions(tmp_path, capsys):
    assert explain_load(tmp_path / "nope.csv") is None
    assert "There is no file at" in capsys.readouterr().out
    assert explain_load(tmp_path) is None
    assert "is a folder, not a file" in capsys.readouterr().out

    def locked(path):
        raise PermissionError(13, "Permission denied")

    assert explain_load("x.csv", loader=locked) is None
    assert "Permission denied" in capsys.readouterr().out

    def broken(path):
        raise OSError(5, "Input/output error")

    assert explain_load("x.csv", loader=broken) is None
    assert "Could not read x.csv: Input/output error" in capsys.readouterr().out


def test_explain_load_returns_the_frame_and_lists_conversions(tmp_path, capsys):
    df = explain_load(SMALL_BACKLOG)
    assert isinstance(df, pd.DataFrame) and capsys.readouterr().out == ""
    df = explain_load(write(tmp_path, *small_with({(0, "confidence"): "80%"}), name="mine.csv"))
    assert df.loc[0, "confidence"] == 0.8
    out = capsys.readouterr().out
    assert "Loaded 6 rows from mine.csv" in out and "percentage" in out and "not changed" in out
    est = explain_load(SMALL_ESTIMATES, loader=load_estimates)
    assert len(est) == 10


# --------------------------------------------------------------------------- the course's own data


REAL_BACKLOG = paths.DATASETS_DIR / "backlog.csv"
REAL_ESTIMATES = paths.DATASETS_DIR / "estimates.csv"


@pytest.mark.skipif(not (REAL_BACKLOG.is_file() and REAL_ESTIMATES.is_file()), reason="datasets not written yet")
def test_the_course_datasets_load_cleanly():
    backlog = load_backlog()
    assert list(backlog.columns) == list(BACKLOG_REQUIRED + BACKLOG_OPTIONAL)
    assert 25 <= len(backlog) <= 40
    assert backlog["id"].is_unique
    assert backlog.attrs["notes"] == [], "the committed backlog should need no conversions"
    estimates = load_estimates(backlog=backlog)
    assert list(estimates.columns) == ["item_id", "estimator", "role", "reach", "impact", "confidence", "effort"]
    assert set(estimates["item_id"]) == set(backlog["id"])
    assert estimates.groupby("item_id")["estimator"].nunique().min() >= 2
    assert estimates.attrs["notes"] == []


# --------------------------------------------------------------------------- property-based tests

_CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_SMALL_HEADER, _SMALL_ROWS = fixture_table()


@FAST
@given(row=st.integers(0, 5), column=st.sampled_from(_SMALL_HEADER), text=_CELL_TEXT,
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_cell_text_gives_a_frame_or_a_data_error(tmp_path_factory, row, column, text, delimiter):
    folder = tmp_path_factory.mktemp("cells", numbered=True)
    header, rows = small_with({(row, column): text})
    path = write(folder, header, rows, delimiter=delimiter)
    try:
        df = load_backlog(path)
    except DataError as err:
        assert err.problems and str(err).startswith("Could not load backlog.csv: ")
    else:
        assert len(df) == 6 and list(df.columns[:6]) == list(BACKLOG_REQUIRED)
        assert all(math.isfinite(x) for x in df["effort"]) and (df["effort"] > 0).all()


@FAST
@given(position=st.integers(0, len(_SMALL_HEADER) - 1), text=_CELL_TEXT)
def test_any_header_text_gives_a_frame_or_a_data_error(tmp_path_factory, position, text):
    folder = tmp_path_factory.mktemp("header", numbered=True)
    header, rows = fixture_table()
    header[position] = text
    try:
        load_backlog(write(folder, header, rows))
    except DataError as err:
        assert err.problems


@FAST
@given(blob=st.binary(max_size=300))
def test_any_bytes_give_a_frame_or_a_data_error(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("bytes", numbered=True) / "backlog.csv"
    path.write_bytes(blob)
    try:
        load_backlog(path)
    except DataError as err:
        assert err.problems


_BAD_VALUES = {
    "reach": ["-1", "-0.5", "lots", "", "1,2,3", "5%", "nan"],
    "impact": ["4", "0", "1.5", "huge", "-1", "", "3%"],
    "confidence": ["0", "-0.2", "101", "150%", "0%", "8O%", ""],
    "effort": ["0", "-1", "0.0", "", "x", "inf"],
    "ice_ease": ["0", "11", "7.5", ""],
    "business_value": ["4", "21", "0"],
    "job_size": ["4", "0", "-5", ""],
    "crit_risk": ["0", "6", "2.5", "1e9"],
}


@FAST
@given(row=st.integers(0, 5), data_=st.data())
def test_a_problem_in_row_r_is_reported_on_line_r_plus_2(tmp_path_factory, row, data_):
    column = data_.draw(st.sampled_from(sorted(_BAD_VALUES)))
    value = data_.draw(st.one_of(st.sampled_from(_BAD_VALUES[column]),
                                 st.text(string.ascii_letters, min_size=1, max_size=8).map("x".__add__)))
    folder = tmp_path_factory.mktemp("lines", numbered=True)
    problem = only_problem(write(folder, *small_with({(row, column): value})))
    assert (problem.line, problem.column) == (row + 2, column)
    assert str(problem).startswith(f"line {row + 2}, column '{column}': ")


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25)


@st.composite
def backlogs(draw):
    n = draw(st.integers(1, 8))
    ids = draw(st.lists(st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=6),
                        min_size=n, max_size=n, unique=True))
    items = []
    for i, item_id in enumerate(ids):
        title = draw(_TEXT.map(str.strip).filter(bool))
        items.append({
            "id": item_id,
            "title": title,
            "reach": draw(st.one_of(st.integers(0, 10**7), st.floats(0, 1e9, allow_nan=False))),
            "impact": draw(st.sampled_from([3, 2, 1, 0.5, 0.25, "massive", "High", "medium", "low", "minimal"])),
            "confidence": draw(st.floats(0, 1, exclude_min=True)),
            "effort": draw(st.floats(0, 1e4, exclude_min=True, allow_subnormal=False)),
            "description": draw(_TEXT),
            "ice_ease": draw(st.integers(1, 10)),
            "job_size": draw(st.sampled_from(FIBONACCI)),
            "crit_risk": draw(st.integers(1, 5)),
            "depends_on": tuple(draw(st.lists(st.sampled_from(ids[:i]), unique=True, max_size=3))) if i else (),
        })
    return items


@FAST
@given(items=backlogs())
def test_valid_backlogs_round_trip(tmp_path_factory, items):
    header = list(items[0])
    rows = [[" ".join(v) if k == "depends_on" else v for k, v in item.items()] for item in items]
    path = write(tmp_path_factory.mktemp("trip", numbered=True), header, rows)
    df = load_backlog(path)
    words = {name: float(value) for value, name in RICE_IMPACT_SCALE.items()}
    expected = pd.DataFrame({
        "id": [it["id"] for it in items],
        "title": [it["title"] for it in items],
        "reach": pd.Series([float(it["reach"]) for it in items], dtype="float64"),
        "impact": pd.Series([words.get(str(it["impact"]).lower(), it["impact"]) for it in items], dtype="float64"),
        "confidence": pd.Series([it["confidence"] for it in items], dtype="float64"),
        "effort": pd.Series([it["effort"] for it in items], dtype="float64"),
        "description": [it["description"].strip() for it in items],
        "ice_ease": pd.Series([it["ice_ease"] for it in items], dtype="int64"),
        "job_size": pd.Series([it["job_size"] for it in items], dtype="int64"),
        "crit_risk": pd.Series([it["crit_risk"] for it in items], dtype="int64"),
        "depends_on": pd.Series([it["depends_on"] for it in items], dtype=object),
    })
    pd.testing.assert_frame_equal(df, expected)
    pd.testing.assert_frame_equal(validate_backlog(df), df)


@pytest.mark.parametrize("value", ["1.5", "5", "9"])
def test_confidence_between_1_and_10_is_unclear_not_guessed(tmp_path, value):
    """5 could be 5% or an ICE-style score out of 10: the learner is asked, not second-guessed."""
    problem = only_problem(write(tmp_path, *small_with({(1, "confidence"): value})))
    assert problem.column == "confidence" and problem.line == 3
    assert "unclear" in problem.message and f"{value}%" in problem.message
