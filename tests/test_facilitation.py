"""Facilitator agendas: built from the notebooks' metadata, totals add up, nothing overlaps, same every time.

Fixture notebooks are written to tmp_path, so these tests do not depend on which modules exist yet.
The last tests check the real pages in book/facilitator/ (stale agenda, readable prose, one-page
handouts).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit import facilitation as fac

ROOT = Path(__file__).resolve().parent.parent
FACILITATOR = ROOT / "book" / "facilitator"
MAKE_AGENDA = ROOT / "tools" / "make_agenda.py"

# A realistic full course: (id, name, title, teaching, exercises)
COURSE = [
    ("00", "start_here", "Start here", 20, 15),
    ("01", "what_transfers", "What transfers from engineering", 60, 40),
    ("02", "customer_discovery", "Customer discovery", 75, 45),
    ("03", "prioritization", "Prioritization", 75, 45),
    ("04", "stakeholders", "Stakeholders and influence", 75, 45),
    ("05", "writing", "Writing for non-technical readers", 75, 45),
    ("06", "landing_the_role", "Landing the role", 75, 45),
    ("07", "after_the_switch", "After the switch", 60, 40),
]


def write_notebook(folder: Path, module: str, name: str, meta: dict | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": f"# {module} · {name}"}],
          "metadata": {} if meta is None else {"pmkit": meta}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / f"{module}_{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def meta(module, title, teaching, exercises):
    return {"module": module, "title": title, "teaching_minutes": teaching, "exercise_minutes": exercises,
            "objectives": [f"Objective of {title}."], "keypoints": [f"Key point of {title}."]}


@pytest.fixture
def course_dir(tmp_path):
    folder = tmp_path / "notebooks"
    for module, name, title, t, e in COURSE:
        write_notebook(folder, module, name, meta(module, title, t, e))
    return folder


def modules_of(spec):
    return [fac.ModuleInfo(m, title, t, e) for m, _n, title, t, e in spec]


def minutes(clock: str) -> int:
    h, m = clock.split(":")
    return int(h) * 60 + int(m)


def assert_contiguous(rows):
    """Each session's rows follow each other with no gap and no overlap, and minutes match the clock."""
    by_session = {}
    for r in rows:
        by_session.setdefault(r.session, []).append(r)
    for session_rows in by_session.values():
        for r in session_rows:
            assert r.minutes > 0, r
            assert minutes(r.end) - minutes(r.start) == r.minutes, r
            assert r.kind in fac.KINDS, r
        for a, b in zip(session_rows, session_rows[1:]):
            assert a.end == b.start, (a, b)


# ------------------------------------------------------------------------------------------------
# Reading the metadata
# ------------------------------------------------------------------------------------------------
def test_reads_every_module_in_course_order(course_dir):
    modules = fac.read_modules(course_dir)
    assert [m.module for m in modules] == [c[0] for c in COURSE]
    assert modules[3].title == "Prioritization" and modules[3].teaching_minutes == 75
    assert modules[3].objectives == ("Objective of Prioritization.",)


def test_other_notebooks_are_not_modules(course_dir):
    write_notebook(course_dir / "facilitator", "xx", "cohort", None)
    (course_dir / "scratch.ipynb").write_text("{}", encoding="utf-8")
    assert len(fac.read_modules(course_dir)) == len(COURSE)


@pytest.mark.parametrize(
    "bad, expected",
    [
        ({"teaching_minutes": None}, "'teaching_minutes'"),
        ({"exercise_minutes": "45"}, "'exercise_minutes' is '45'"),
        ({"exercise_minutes": 0}, "'exercise_minutes' is 0"),
        ({"teaching_minutes": -10}, "'teaching_minutes' is -10"),
        ({"teaching_minutes": 45.5}, "'teaching_minutes' is 45.5"),
        ({"teaching_minutes": True}, "'teaching_minutes' is True"),
        ({"title": ""}, "no 'title'"),
        ({"title": 3}, "no 'title'"),
    ],
)
def test_bad_metadata_is_a_clear_error_naming_the_notebook(course_dir, bad, expected):
    m = meta("05", "Writing", 75, 45)
    for key, value in bad.items():
        if value is None:
            del m[key]
        else:
            m[key] = value
    write_notebook(course_dir, "05", "writing", m)
    with pytest.raises(fac.MetadataError) as err:
        fac.read_modules(course_dir)
    assert "05_writing.ipynb" in str(err.value)
    assert expected in str(err.value)
    assert len(err.value.problems) == 1


def test_missing_section_and_broken_json_are_all_reported_at_once(course_dir):
    write_notebook(course_dir, "02", "customer_discovery", None)
    (course_dir / "04_stakeholders.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(fac.MetadataError) as err:
        fac.read_modules(course_dir)
    text = str(err.value)
    assert "02_customer_discovery.ipynb: the notebook has no metadata['pmkit'] section" in text
    assert "04_stakeholders.ipynb: the notebook cannot be read" in text
    assert len(err.value.problems) == 2


def test_module_id_must_match_the_file_name(course_dir):
    write_notebook(course_dir, "06", "landing_the_role", meta("07", "Landing the role", 75, 45))
    with pytest.raises(fac.MetadataError, match="06_landing_the_role.ipynb: metadata says module '07'"):
        fac.read_modules(course_dir)


def test_no_notebooks_is_an_error(tmp_path):
    with pytest.raises(fac.MetadataError, match="no module notebooks"):
        fac.read_modules(tmp_path)


def test_the_real_notebooks_carry_their_timings():
    modules = fac.read_modules()
    assert modules, "no module notebooks in notebooks/"
    assert all(m.teaching_minutes > 0 and m.exercise_minutes > 0 for m in modules)


# ------------------------------------------------------------------------------------------------
# Allocating minutes
# ------------------------------------------------------------------------------------------------
def test_allocate_keeps_what_fits_and_shares_the_rest_in_proportion():
    assert fac.allocate(100, [30, 20], 10) == [30, 20]
    shares = fac.allocate(60, [45, 45, 30], 10)
    assert sum(shares) == 60 and shares[0] >= shares[1] >= shares[2] and shares[0] - shares[1] <= fac.STEP
    assert fac.allocate(30, [45, 45, 5], 10) == [15, 10, 5]  # the leftover step goes to the first on a tie
    with pytest.raises(fac.AgendaError):
        fac.allocate(25, [45, 45, 45], 10)


@settings(max_examples=200, deadline=None)
@given(wanted=st.lists(st.integers(1, 200), min_size=1, max_size=12), floor=st.integers(1, 30), slack=st.integers(0, 400))
def test_allocate_properties(wanted, floor, slack):
    floors = [min(floor, w) for w in wanted]
    total = sum(floors) + slack
    shares = fac.allocate(total, wanted, floor)
    assert len(shares) == len(wanted)
    assert sum(shares) <= total
    for s, w, f in zip(shares, wanted, floors):
        assert f <= s <= w
    if sum(wanted) <= total:
        assert shares == wanted
    else:  # little is wasted: at most one 5-minute step per block
        assert total - sum(shares) < fac.STEP * len(wanted)


# ------------------------------------------------------------------------------------------------
# One-day intensive
# ------------------------------------------------------------------------------------------------
def test_one_day_that_fits_keeps_every_minute():
    spec = COURSE[2:4]  # two modules: 4 hours
    agenda = fac.one_day(modules_of(spec))
    assert_contiguous(agenda.rows)
    assert agenda.rows[0].start == "09:00" and agenda.rows[0].kind == "welcome"
    assert agenda.rows[-1].kind == "close"
    assert agenda.module_minutes() == {"02": {"teaching": 75, "exercise": 45}, "03": {"teaching": 75, "exercise": 45}}
    assert not agenda.compressed()
    assert "Everything fits as planned" in agenda.to_markdown()
    kinds = [r.kind for r in agenda.rows]
    assert "lunch" in kinds and kinds.count("break") >= 1


def test_one_day_trims_exercises_first_and_says_so():
    spec = COURSE[1:5]  # 4 modules: 285 min teaching + 175 exercises > 360
    agenda = fac.one_day(modules_of(spec))
    assert_contiguous(agenda.rows)
    got = agenda.module_minutes()
    for m, _n, _t, teaching, exercises in spec:
        assert got[m]["teaching"] == teaching  # teaching kept
        assert 10 <= got[m]["exercise"] < exercises
    trimmed = [r for r in agenda.rows if r.kind == "exercise"]
    assert all("Trimmed from" in r.note and "pairs" in r.note for r in trimmed)
    assert "exercises are trimmed to pairs work" in agenda.to_markdown()
    assert agenda.rows[-1].end == "17:00"


def test_one_day_full_course_trims_teaching_too_and_fills_the_day():
    agenda = fac.one_day(modules_of(COURSE))
    assert_contiguous(agenda.rows)
    assert agenda.rows[0].start == "09:00" and agenda.rows[-1].end == "17:00"
    total = sum(r.minutes for r in agenda.rows)
    assert total == 8 * 60
    module_time = sum(v["teaching"] + v["exercise"] for v in agenda.module_minutes().values())
    assert module_time == 8 * 60 - 15 - 15 - 60 - 30  # welcome, close, lunch, two breaks
    assert any("Trimmed from 75 min: the key ideas only" in r.note for r in agenda.rows)
    lunch = next(r for r in agenda.rows if r.kind == "lunch")
    assert abs(minutes(lunch.start) - minutes("12:30")) <= 60
    # every module keeps at least the floors, in course order
    order = [r.module for r in agenda.rows if r.module]
    assert order == sorted(order)
    assert all(v["teaching"] >= 15 and v["exercise"] >= 10 for v in agenda.module_minutes().values())


def test_one_day_that_cannot_fit_is_a_clear_error():
    many = [(f"{k:02d}", "m", f"Module {k}", 60, 30) for k in range(20)]
    with pytest.raises(fac.AgendaError, match="six-week format"):
        fac.one_day(modules_of(many))


def test_one_day_format_is_configurable():
    fmt = fac.OneDayFormat(start="08:30", end="16:00", breaks=(("10:00", 10),), lunch=45, lunch_at="12:00")
    agenda = fac.one_day(modules_of(COURSE[:4]), fmt)
    assert_contiguous(agenda.rows)
    assert agenda.rows[0].start == "08:30" and minutes(agenda.rows[-1].end) <= minutes("16:00")


# ------------------------------------------------------------------------------------------------
# Six-week evening cohort
# ------------------------------------------------------------------------------------------------
def test_six_weeks_full_course():
    agenda = fac.six_weeks(modules_of(COURSE))
    assert_contiguous(agenda.rows)
    assert agenda.sessions == [1, 2, 3, 4, 5, 6]
    for week in agenda.sessions:
        rows = [r for r in agenda.rows if r.session == week]
        assert rows[0].start == "18:00" and rows[-1].end == "20:30"
        assert sum(r.minutes for r in rows) == 150
        assert rows[0].kind == ("welcome" if week == 1 else "recap")
        assert rows[-1].kind == "discussion"
        assert [r.kind for r in rows].count("break") == 1
    # each module's teaching is one block in one session, and modules come in order
    for m, *_ in COURSE:
        teaching = [r for r in agenda.rows if r.module == m and r.kind == "teaching"]
        assert len(teaching) == 1
        assert {r.session for r in agenda.rows if r.module == m} == {teaching[0].session}
    order = [r.module for r in agenda.rows if r.module]
    assert order == sorted(order)
    assert "Close" in agenda.rows[-1].activity


def test_six_weeks_that_fit_keep_every_minute():
    spec = [("01", "a", "A", 40, 20), ("02", "b", "B", 50, 30), ("03", "c", "C", 30, 20)]
    agenda = fac.six_weeks(modules_of(spec))
    assert not agenda.compressed()
    assert sum(1 for r in agenda.rows if r.kind == "buffer") >= 3  # the empty weeks are open sessions
    assert_contiguous(agenda.rows)


def test_six_weeks_trims_only_the_weeks_that_are_too_full():
    agenda = fac.six_weeks(modules_of(COURSE))
    got = agenda.module_minutes()
    kept = [m for m, *_ in COURSE if got[m]["teaching"] == dict((c[0], c[3]) for c in COURSE)[m]]
    assert len(kept) >= 5  # most modules keep their full teaching
    trimmed = [r for r in agenda.rows if "Trimmed from" in r.note]
    assert trimmed and all(r.kind in ("teaching", "exercise") for r in trimmed)


def test_six_weeks_impossible_is_a_clear_error():
    many = [(f"{k:02d}", "m", f"Module {k}", 60, 30) for k in range(30)]
    with pytest.raises(fac.AgendaError, match="do not fit in 6 sessions"):
        fac.six_weeks(modules_of(many))


def test_a_module_longer_than_a_session_is_trimmed_not_split():
    agenda = fac.six_weeks(modules_of([("01", "x", "Long", 150, 60)]))
    rows = [r for r in agenda.rows if r.module == "01"]
    assert {r.session for r in rows} == {1}
    assert sum(r.minutes for r in rows) == 115


# ------------------------------------------------------------------------------------------------
# Rendering and determinism
# ------------------------------------------------------------------------------------------------
def test_frame_and_markdown(course_dir):
    modules = fac.read_modules(course_dir)
    agenda = fac.six_weeks(modules)
    frame = agenda.to_frame()
    assert list(frame.columns) == list(fac.Agenda.COLUMNS)
    assert len(frame) == len(agenda.rows)
    md = agenda.to_markdown()
    assert md.count("## Week ") == 6
    assert "| Time | Minutes | Activity | Notes |" in md
    assert "03 · Prioritization: teaching" in md


def test_agendas_are_deterministic(course_dir):
    first = (fac.one_day(fac.read_modules(course_dir)).to_markdown(), fac.six_weeks(fac.read_modules(course_dir)).to_markdown())
    again = (fac.one_day(fac.read_modules(course_dir)).to_markdown(), fac.six_weeks(fac.read_modules(course_dir)).to_markdown())
    assert first == again


# ------------------------------------------------------------------------------------------------
# tools/make_agenda.py and the book pages
# ------------------------------------------------------------------------------------------------
def test_book_agenda_pages_are_up_to_date():
    proc = subprocess.run([sys.executable, str(MAKE_AGENDA), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _fake_root(tmp_path: Path, spec) -> Path:
    root = tmp_path / "course"
    for module, name, title, t, e in spec:
        write_notebook(root / "notebooks", module, name, meta(module, title, t, e))
    (root / "book").mkdir(parents=True)
    import shutil

    shutil.copytree(FACILITATOR, root / "book" / "facilitator")
    return root


def test_make_agenda_check_fails_when_a_page_is_stale(tmp_path):
    root = _fake_root(tmp_path, COURSE)
    run = [sys.executable, str(MAKE_AGENDA), "--root", str(root)]
    assert subprocess.run(run, capture_output=True, text=True).returncode == 0
    assert subprocess.run(run + ["--check"], capture_output=True, text=True).returncode == 0
    day = (root / "book" / "facilitator" / "agenda_one_day.md").read_text(encoding="utf-8")
    assert "Trimmed from" in day and "| 09:00–09:15 |" in day
    notes = (root / "book" / "facilitator" / "notes_04.md").read_text(encoding="utf-8")
    assert "**Planned time:** 75 minutes of teaching and 45 minutes" in notes
    # a notebook's timing changes: the pages are stale until make_agenda runs again
    write_notebook(root / "notebooks", "04", "stakeholders", meta("04", "Stakeholders and influence", 60, 30))
    proc = subprocess.run(run + ["--check"], capture_output=True, text=True)
    assert proc.returncode == 1 and "agenda_one_day.md is stale" in proc.stderr


def test_make_agenda_fails_when_a_notebook_lacks_its_metadata(tmp_path):
    root = _fake_root(tmp_path, COURSE)
    m = meta("05", "Writing", 75, 45)
    del m["exercise_minutes"]
    write_notebook(root / "notebooks", "05", "writing", m)
    proc = subprocess.run([sys.executable, str(MAKE_AGENDA), "--root", str(root), "--check"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "05_writing.ipynb" in proc.stderr and "'exercise_minutes'" in proc.stderr


def test_every_module_has_notes_and_a_handout():
    for module in ("00", "01", "02", "03", "04", "05", "06", "07"):
        notes = (FACILITATOR / f"notes_{module}.md").read_text(encoding="utf-8")
        for heading in ("## Goals", "## Timings", "## Discussion prompts", "## Common misconceptions",
                        "## Running the exercises in pairs"):
            assert heading in notes, f"notes_{module}.md lacks {heading}"
        handout = (FACILITATOR / f"handout_{module}.md").read_text(encoding="utf-8")
        assert "@media print" in handout and "pmkit-notes-space" in handout
        assert "## Exercise prompts" in handout


def _prose(markdown: str) -> str:
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"^\s*\|.*$", " ", text, flags=re.M)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    text = re.sub(r"^\s*:\w+:.*$", " ", text, flags=re.M)
    text = re.sub(r"\{\w+\}`([^`<]*)(<[^>]*>)?`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"`[^`]*`", "code", text)
    return re.sub(r"[*_>]", "", text)


HAND_WRITTEN = ["index.md", "install_check.md", "cohort_mode.md"] + \
    [f"notes_{m:02d}.md" for m in range(8)]


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_facilitator_prose_is_plain_english(name):
    import textstat

    prose = _prose((FACILITATOR / name).read_text(encoding="utf-8"))
    assert len(prose.split()) >= 150, f"{name} is too short to be useful"
    ease = textstat.flesch_reading_ease(prose)
    assert ease >= 50, f"{name}: Flesch Reading Ease {ease:.0f} < 50"


@pytest.mark.parametrize("module", [f"{m:02d}" for m in range(8)])
def test_handouts_fit_on_one_page(module):
    """A printed page holds about 450 words of this layout with the notes box; keep each handout under it."""
    text = (FACILITATOR / f"handout_{module}.md").read_text(encoding="utf-8")
    words = len(_prose(text).split())
    assert words <= 430, f"handout_{module}.md has {words} words: too long for one printed page"
