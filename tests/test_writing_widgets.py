"""Module 05's widget models (no browser), and the views built headless."""

from __future__ import annotations

import pytest

from pmkit import writing as wr
from pmkit.widgets.writing import (
    BeforeAfterModel,
    WritingCoachModel,
    before_after,
    writing_coach,
)


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


# ---- writing coach model ----------------------------------------------------------------------
def test_coach_starts_from_a_sample_with_a_full_scorecard():
    m = WritingCoachModel()
    sample = wr.get_sample("W01")
    assert m.text == sample.text and m.audience.key == sample.audience and m.sample_id == "W01"
    card = m.scorecard()
    assert card.failed, "the engineering original should have something to fix"
    html = m.html()
    assert "Scorecard for an executive reader" in html
    assert "pmkit-writingcoach-scorecard" in html and "pmkit-draft" in html
    assert "Tomás Berg" in html  # says whose draft it is


def test_coach_recomputes_when_text_or_audience_changes():
    m = WritingCoachModel(text="We recommend templates. The constraint solver waits.", audience="executive")
    assert m.sample_id == ""
    assert m.scorecard()["jargon"].passed is False
    m.set_audience("engineering")
    assert m.scorecard()["jargon"].passed is None
    m.set_text("We recommend templates. They save managers hours.")
    m.set_audience("executive")
    assert m.scorecard()["jargon"].passed is True


def test_editing_a_sample_makes_it_your_own_draft():
    m = WritingCoachModel(sample_id="W04")
    assert m.sample_id == "W04" and m.audience.key == "customer"
    m.set_text(m.text + " One more line.")
    assert m.sample_id == ""
    m.load_sample("W04", rewrite=True)
    assert m.text == wr.get_sample("W04").reference_rewrite and m.scorecard().passed


def test_coach_escapes_the_learners_html():
    m = WritingCoachModel(text='<script>alert("x")</script> We recommend <b>SSO</b> & "more". It was decided.',
                          audience="customer")
    html = m.html()
    assert "<script>" not in html and "<b>SSO</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&amp;" in html


def test_coach_bad_input_is_refused_clearly():
    m = WritingCoachModel()
    with pytest.raises(ValueError, match="Unknown audience"):
        m.set_audience("martians")
    with pytest.raises(ValueError, match="no writing sample 'W99'"):
        m.load_sample("W99")
    m.set_text(None)
    assert m.text == "" and "Nothing to check yet" in m.summary_html()


def test_coach_caps_what_it_shows_of_huge_drafts():
    m = WritingCoachModel(text="We recommend it. " + "Staff swap shifts. " * 5000, audience="customer", max_chars=2000)
    assert "Showing the first 2,000" in m.draft_html()
    assert m.scorecard().readability.words > 10_000


# ---- before/after model -----------------------------------------------------------------------
def test_before_after_compares_original_and_rewrite():
    m = BeforeAfterModel()
    assert m.sample_id == wr.load_samples()[0].id
    table = m.comparison()
    assert list(table.index) == [t for t, _, _ in wr.CHECKS.values()]
    assert (table["rewrite"] != "fix").all()
    assert (table["original"] == "fix").sum() >= 2
    m.select("W07")
    assert m.sample.audience == "legal"
    html = m.comparison_html()
    assert "Checks for a legal reader" in html
    assert "Engineering original" in m.panel_html("original") and "Reference rewrite" in m.panel_html("rewrite")
    with pytest.raises(ValueError):
        m.panel_html("middle")
    with pytest.raises(ValueError):
        m.select("nope")


@pytest.mark.parametrize("sample", wr.load_samples(), ids=lambda s: s.id)
def test_every_sample_renders_both_panels(sample):
    m = BeforeAfterModel(sample_id=sample.id)
    for which in ("original", "rewrite"):
        assert "pmkit-draft" in m.panel_html(which)
    assert sample.notes[:30].replace("'", "&#x27;") in m.notes_html() or sample.notes[:20] in m.notes_html()


# ---- views (headless) -------------------------------------------------------------------------
def _classes(widget) -> set[str]:
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= _classes(child)
    return found


def _find(widget, cls):
    if cls in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        hit = _find(child, cls)
        if hit is not None:
            return hit
    return None


def test_coach_view_is_filled_at_construction_and_labelled():
    app = writing_coach()
    classes = _classes(app)
    for part in ("sample", "audience", "draft", "check", "scorecard", "highlighted", "summary", "status"):
        assert f"pmkit-writingcoach-{part}" in classes
    assert "pmkit-writingcoach" in app._dom_classes
    draft = _find(app, "pmkit-writingcoach-draft")
    assert draft.description == "Your draft" and draft.value == wr.get_sample("W01").text
    assert _find(app, "pmkit-writingcoach-audience").description == "Audience"
    assert "Scorecard for an executive reader" in _find(app, "pmkit-writingcoach-scorecard").value
    assert "pmkit-mark-" in _find(app, "pmkit-writingcoach-highlighted").value


def test_coach_view_reacts_to_the_controls():
    app = writing_coach()
    draft = _find(app, "pmkit-writingcoach-draft")
    audience = _find(app, "pmkit-writingcoach-audience")
    sample = _find(app, "pmkit-writingcoach-sample")
    draft.value = "<script>x</script> You can now copy a week to every site."
    table = _find(app, "pmkit-writingcoach-scorecard").value
    assert "<script>" not in _find(app, "pmkit-writingcoach-highlighted").value
    assert sample.value == ""  # now the learner's own draft
    audience.value = "customer"
    assert "customer reader" in _find(app, "pmkit-writingcoach-scorecard").value != table
    sample.value = "W06"
    assert draft.value == wr.get_sample("W06").text and audience.value == "customer"


def test_before_after_view():
    app = before_after()
    classes = _classes(app)
    for part in ("sample", "header", "table", "original", "rewrite", "notes"):
        assert f"pmkit-beforeafter-{part}" in classes
    pick = _find(app, "pmkit-beforeafter-sample")
    assert pick.description == "Sample"
    pick.value = "W13"
    assert "W13" in _find(app, "pmkit-beforeafter-header").value
    assert "Key:" in _find(app, "pmkit-beforeafter-notes").value


def test_views_show_an_error_box_for_a_bad_sample_id():
    box = writing_coach(sample="W99")
    assert "pmkit-error-box" in box._dom_classes
    box = before_after(sample="W99")
    assert "pmkit-error-box" in box._dom_classes


def test_choosing_my_own_draft_empties_the_box_to_paste_into():
    app = writing_coach()
    draft = _find(app, "pmkit-writingcoach-draft")
    sample = _find(app, "pmkit-writingcoach-sample")
    sample.value = ""
    assert draft.value == "" and app.model_.sample_id == ""
    assert "Nothing to check yet" in _find(app, "pmkit-writingcoach-summary").value
    assert "sample W01" not in _find(app, "pmkit-writingcoach-summary").value
    draft.value = "You can now copy a week to every site."
    assert "pass" in _find(app, "pmkit-writingcoach-scorecard").value
