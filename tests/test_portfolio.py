"""The portfolio (pmkit.portfolio): every piece present, some missing, damaged saved work, escaping,
and a self-contained HTML file."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from pmkit import plan as pl
from pmkit import portfolio as pf
from pmkit import work

SCRIPT = "<script>alert('x')</script>"

ANSWERS = {
    "01-what-transfers": {"spec_gaps": ["G02", "G05", "G07"], "system_trace": [["Schedule builder", "Notifications"],
                                                                                ["Notifications", "Mobile app"]]},
    "02-customer-discovery": {
        "question_rewrites": ["Tell me about the last time you built next week's rota."],
        "insights": ["Area managers copy the same rota to every site by hand.",
                     "Staff stop asking for swaps after two slow approvals."],
        "problem_statement": "New multi-site accounts stall in their first two weeks because each site is set up by hand.",
        "follow_ups": ["What happened the last time a site had no rota?"],
    },
    "03-prioritization": {"prediction": ["B01", "B03", "B07"], "misleading_item": "B02",
                          "misleading_reason": "dependency",
                          "rationale": "Templates first, because new multi-site accounts stall at set-up. " + SCRIPT},
    "04-stakeholders": {
        "stakeholder_map": [{"name": "Greg Hollis", "power": "high", "interest": "high", "stance": "against"},
                            {"name": "Aisha Rahman", "power": "medium", "interest": "high", "stance": "for"}],
        "raci_fix": {"Accountable": "Daniel Reyes", "Responsible": "Priya Nair"},
        "next_message": "Greg, can we look at the FreshBite numbers together on Thursday?",
    },
    "05-writing": {"executive_summary": "We will ship templates first.\n\nSecond paragraph & more.",
                   "release_notes": "Templates now work across locations.", "press_release": "Leeds, 2026 ..."},
    "06-landing-the-role": {
        "path_choice": {"inputs": {"years_experience": 4, "hours_per_week": 4}, "recommended": "internal",
                        "recommended_name": "internal transfer", "chosen": "internal", "chosen_name": "internal transfer",
                        "justification": "My company has PM roles and a sponsor."},
        "star_story": {"situation": "An outage", "task": "Lead the fix", "action": "I ran the call", "result": "Fixed in 2h"},
        "calibration": [{"hit_rate": 0.6, "interval_score": 120.5}, {"hit_rate": 0.8, "interval_score": 80.0}],
    },
    "07-after-the-switch": {
        "problem_or_solution": {"P01": "problem", "P02": "solution", "P03": "solution"},
        "reframes": {"P04": "Staff who cannot work a shift wait days for cover, so shifts go unfilled."},
        "portfolio_framing": "I worked through the Engineer to PM course on Rotawise, a fictional case study. " * 3,
    },
}


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


def _attempt(total: float, taken_at: str) -> dict:
    areas = {"discovery": total - 10, "prioritization": total, "stakeholders": total + 5, "writing": total,
             "transition": total + 5}
    return {"taken_at": taken_at, "answers": {}, "total": total, "areas": areas,
            "top_gaps": ["discovery"], "route": [{"module": "02", "title": "Customer discovery", "reason": "gap"}]}


def save_everything(folder) -> None:
    for module, answers in ANSWERS.items():
        for key, value in answers.items():
            work.save_answer(module, key, value)
    results = folder / "00-start-here" / "readiness.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps({"version": 1, "attempts": [_attempt(40, "2026-01-10T09:00:00"),
                                                              _attempt(65, "2026-06-10T09:00:00")]}), encoding="utf-8")
    plan = pl.build_plan(5, "internal transfer", assessment=None)
    pl.save_plan(plan, "2026-09-01")


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "action", "data")]


# ---- complete -------------------------------------------------------------------------------
def test_every_piece_present_builds_a_complete_portfolio(work_dir):
    save_everything(work_dir)
    p = pf.build_portfolio("Ada Engineer")
    assert p.problems == []
    assert p.missing == [], [str(m) for m in p.missing]
    assert [s.status for s in p.sections] == ["complete"] * len(pf.PIECES)
    md = pf.to_markdown(p)
    assert md.startswith("# PM portfolio of Ada Engineer")
    assert "## About the case" in md and "Rotawise" in md
    for text in ("Area managers copy the same rota", "Greg Hollis", "We will ship templates first",
                 "internal transfer", "My company has PM roles", "Fixed in 2h", "## My 12-month plan",
                 "from 40 to 65 of 100", "3 of 24 statements"):
        assert text in md, text
    assert "## Still to do" not in md


def test_the_drill_score_is_counted_against_the_course_answers(work_dir):
    save_everything(work_dir)
    md = pf.to_markdown(pf.build_portfolio())
    # P01 is a problem, P02 a solution, P03 a problem: two of three match
    assert "2 of them matched" in md


# ---- missing -------------------------------------------------------------------------------
def test_nothing_saved_lists_every_piece_as_missing_and_fakes_nothing(work_dir):
    p = pf.build_portfolio()
    assert p.included == []
    assert len(p.missing) == len(pf.PIECES)
    md = pf.to_markdown(p)
    for piece in pf.PIECES:
        assert f"## {piece.title}" not in md, f"{piece.title} shown although nothing is saved"
    assert "## Still to do" in md and "Nothing was filled in for you" in md
    assert "exercises/02_customer_discovery_exercises.ipynb" in md
    assert "notebooks/00_start_here.ipynb" in md


def test_some_pieces_missing_are_listed_with_where_to_produce_them(work_dir):
    save_everything(work_dir)
    answers = work.answers_path("04-stakeholders")
    answers.unlink()
    work.save_answer("02-customer-discovery", "problem_statement", "   ")  # blank: not an answer
    p = pf.build_portfolio()
    status = {s.piece.id: s.status for s in p.sections}
    assert status["stakeholders"] == "missing"
    assert status["discovery"] == "partial"
    assert status["prioritization"] == "complete"
    missing = {(m.piece, m.what): m for m in p.missing}
    assert ("Stakeholder map", "your stakeholder map") in missing
    assert "exercises/04_stakeholders_exercises.ipynb" in missing[("Stakeholder map", "your stakeholder map")].where
    problem = missing[("Customer discovery: insights and the problem", "your problem statement")]
    assert "Write the problem statement" in problem.where
    md = pf.to_markdown(p)
    assert "## Stakeholder map" not in md
    assert "Not included yet: your problem statement." in md


def test_a_value_in_the_wrong_form_is_listed_not_faked_and_left_in_place(work_dir):
    save_everything(work_dir)
    work.save_answer("04-stakeholders", "stakeholder_map", "Greg is against it")
    before = work.answers_path("04-stakeholders").read_bytes()
    p = pf.build_portfolio()
    section = next(s for s in p.sections if s.piece.id == "stakeholders")
    assert section.status == "partial"
    assert any(m.reason == "saved in a form the portfolio cannot read" for m in p.missing)
    assert any("stakeholder_map" in x for x in p.problems)
    assert work.answers_path("04-stakeholders").read_bytes() == before


def test_a_saved_plan_that_cannot_be_read_is_missing_not_faked(work_dir):
    save_everything(work_dir)
    work.save_answer("07-after-the-switch", "plan", {"path": "internal transfer", "months": []})
    p = pf.build_portfolio()
    assert next(s for s in p.sections if s.piece.id == "plan").status == "missing"
    assert "## My 12-month plan" not in pf.to_markdown(p)


# ---- damaged files ------------------------------------------------------------------------------
def test_a_corrupted_answers_file_is_named_kept_and_the_rest_still_builds(work_dir):
    save_everything(work_dir)
    broken = work.answers_path("02-customer-discovery")
    broken.write_text('{"insights": ["half a', encoding="utf-8")
    p = pf.build_portfolio()
    assert len(p.problems) == 1
    message = p.problems[0]
    assert "02-customer-discovery/answers.json" in message and "not valid JSON" in message
    assert "moved to answers.json.bak-" in message and "listed as missing" in message
    backups = list(broken.parent.glob("answers.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == '{"insights": ["half a'
    status = {s.piece.id: s.status for s in p.sections}
    assert status["discovery"] == "missing"
    assert all(v == "complete" for k, v in status.items() if k != "discovery")
    md = pf.to_markdown(p)
    assert "## Problems found while gathering the work" in md and "answers.json" in md
    assert "## Prioritization rationale" in md
    html = pf.to_html(p)
    assert "02-customer-discovery/answers.json" in html


def test_a_corrupted_readiness_file_is_kept_and_reported(work_dir):
    save_everything(work_dir)
    results = work_dir / "00-start-here" / "readiness.json"
    results.write_text("[]", encoding="utf-8")
    p = pf.build_portfolio()
    assert any("readiness.json" in x for x in p.problems)
    assert next(s for s in p.sections if s.piece.id == "readiness").status == "missing"
    assert list(results.parent.glob("readiness.json.bak-*"))
    assert next(s for s in p.sections if s.piece.id == "plan").status == "complete"


# ---- HTML ---------------------------------------------------------------------------------------
def test_learner_text_is_escaped_in_the_html(work_dir):
    save_everything(work_dir)
    work.save_answer("04-stakeholders", "stakeholder_map",
                     [{"name": '"><img src=x onerror=alert(1)>', "power": "high", "interest": "low", "stance": SCRIPT}])
    html = pf.to_html(pf.build_portfolio(name=SCRIPT))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    parser = _Refs()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags


def test_the_html_is_self_contained(work_dir):
    save_everything(work_dir)
    work.save_answer("05-writing", "release_notes", "See https://example.com/notes and <a href='http://x'>x</a>")
    html = pf.to_html(pf.build_portfolio())
    parser = _Refs()
    parser.feed(html)
    assert parser.refs, "the page has in-page links"
    assert all(ref.startswith("#") for ref in parser.refs), parser.refs
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, flags=re.I)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html and "<style>" in html


def test_write_portfolio_writes_both_files_to_the_work_folder(work_dir):
    save_everything(work_dir)
    files = pf.write_portfolio()
    assert files["markdown"].parent == work_dir / "07-after-the-switch"
    assert files["markdown"].read_text(encoding="utf-8").startswith("# My PM portfolio")
    assert files["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_summary_lists_included_and_missing(work_dir):
    work.save_answer("03-prioritization", "rationale", "Templates first.")
    text = pf.build_portfolio().summary()
    assert "1 of 10 pieces included" in text
    assert "◐ Prioritization rationale (partial)" in text  # the optional parts are not saved
    assert "✗ Stakeholder map (missing)" in text


def test_every_missing_piece_names_a_real_exercise(exercise_titles):
    """A missing piece tells the learner which exercise produces it: that exercise must exist."""
    assert len(exercise_titles) > 20
    named = {part.exercise for piece in pf.PIECES for part in piece.parts}
    assert named - exercise_titles == set(), f"portfolio names exercises that do not exist: {named - exercise_titles}"


def test_a_fixed_raci_reads_as_a_person_by_decision_table(work_dir):
    raci = {"Which goes first in Q3": {"Priya Nair": "R", "Daniel Reyes": "A", "Greg Hollis": "C"},
            "What Rotawise offers FreshBite": {"Greg Hollis": "A", "Priya Nair": "C"}}
    work.save_answer("04-stakeholders", "raci_fix", raci)
    md = pf.to_markdown(pf.build_portfolio("Ada Engineer"))
    # answers.json keeps its keys sorted, so the decisions come back in alphabetical order
    assert "| Person | What Rotawise offers FreshBite | Which goes first in Q3 |" in md
    assert re.search(r"\| Greg Hollis \| A \| C \|", md), md
    assert re.search(r"\| Daniel Reyes \|\s*\| A \|", md), md  # no role in the FreshBite decision
    assert '{"Priya Nair"' not in md  # never a raw dict
