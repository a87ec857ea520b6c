"""pmkit.writing: readability formulas, the coach's checks, the data files and the exercise feedback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit import writing as wr
from pmkit.data import DataError
from pmkit.paths import REPO_ROOT

# ---------------------------------------------------------------------------------------------
# Readability: hand-counted reference texts and the published formulas
# ---------------------------------------------------------------------------------------------
# Counted by hand (dictionary syllables), not by the code under test.
# "The cat sat on the mat. The dog ran to the park.": 12 words, 2 sentences, every word one syllable.
REF_CAT = ("The cat sat on the mat. The dog ran to the park.", 12, 2, 12)
# we(1) rec-om-mend(3) build-ing(2) tem-plates(2) this(1) quar-ter(2) = 11
# the(1) work(1) costs(1) four(1) per-son(2) months(1) = 7
# plan-ners(2) will(1) save(1) time(1) ev-ery(2) week(1) = 8           -> 18 words, 3 sentences, 26 syllables
REF_PLAN = ("We recommend building templates this quarter. The work costs four person months. "
            "Planners will save time every week.", 18, 3, 26)
# Rotawise's rota-builder pitch, with longer words:
# ro-ta-wise(3) lets(1) own-ers(2) pub-lish(2) sched-ules(2) for(1) ev-ery(2) lo-ca-tion(3) = 16 (8 words)
# in-stead(2) of(1) chang-ing(2) each(1) ro-ta(2) sep-a-rate-ly(4) = 12 (6 words)  -> 14 words, 2 sentences, 28
REF_PITCH = ("Rotawise lets owners publish schedules for every location. Instead of changing each rota separately.",
             14, 2, 28)


def fre(words, sentences, syllables):
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def fkg(words, sentences, syllables):
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


@pytest.mark.parametrize("text, words, sentences, syllables", [REF_CAT, REF_PLAN])
def test_counts_and_scores_match_hand_counts(text, words, sentences, syllables):
    r = wr.readability(text)
    assert (r.words, r.sentences, r.syllables) == (words, sentences, syllables)
    assert r.reading_ease == pytest.approx(fre(words, sentences, syllables), abs=1e-9)
    assert r.grade == pytest.approx(fkg(words, sentences, syllables), abs=1e-9)


def test_reference_values_written_out():
    # the published formulas, evaluated by hand for the two reference texts
    assert wr.readability(REF_CAT[0]).reading_ease == pytest.approx(116.145)
    assert wr.readability(REF_CAT[0]).grade == pytest.approx(-1.45)
    assert wr.readability(REF_PLAN[0]).reading_ease == pytest.approx(206.835 - 6.09 - 84.6 * 26 / 18)
    assert wr.flesch_band(116) == "very easy" and wr.flesch_band(65) == "plain English"
    assert wr.flesch_band(55) == "fairly difficult" and wr.flesch_band(-20) == "very difficult"


def test_known_limit_pyphen_undercounts_some_words():
    """pyphen finds hyphenation points, not syllables: documented in the module and the notebook.
    If a new pyphen fixes this, update the text that describes the limit."""
    text, words, sentences, syllables = REF_PITCH
    r = wr.readability(text)
    assert (r.words, r.sentences) == (words, sentences)
    assert r.syllables < syllables  # "rotawise" counts 2, "separately" 3: the score comes out too easy
    assert wr._syllables_of_words(["area"]) == 1  # a dictionary says 3


def test_our_scores_equal_textstat_unrounded_and_leave_the_shared_instance_alone():
    import textstat
    from textstat.textstat import textstatistics

    ts = textstatistics()
    ts.set_rounding(False)
    for text in (REF_CAT[0], REF_PLAN[0], REF_PITCH[0], wr.load_samples()[0].text):
        r = wr.readability(text)
        assert r.reading_ease == pytest.approx(ts.flesch_reading_ease(text), abs=1e-6)
        assert r.grade == pytest.approx(ts.flesch_kincaid_grade(text), abs=1e-6)
    # textstat's shared object still rounds (tests/test_lessons.py relies on its defaults)
    assert textstat.flesch_reading_ease(REF_CAT[0]) == 116.15


_VOCAB = ["the", "rota", "manager", "publishes", "schedules", "for", "every", "location", "quickly",
          "templates", "save", "hours", "administration", "and", "staff", "swap", "shifts", "we",
          "recommend", "Android", "notifications", "payroll", "overtime", "café"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(_VOCAB), min_size=3, max_size=25), min_size=1, max_size=8))
def test_property_scores_follow_the_formula_from_textstat_counts(sentences):
    from textstat.textstat import textstatistics

    ts = textstatistics()
    ts.set_rounding(False)
    text = " ".join(" ".join(words).capitalize() + "." for words in sentences)
    r = wr.readability(text)
    assert r.words == ts.lexicon_count(text) == sum(len(s) for s in sentences)
    assert r.sentences == len(sentences) == ts.sentence_count(text)
    assert r.syllables == ts.syllable_count(text)
    assert r.reading_ease == pytest.approx(fre(r.words, r.sentences, r.syllables))
    assert r.grade == pytest.approx(fkg(r.words, r.sentences, r.syllables))


def test_readability_runs_with_the_network_blocked():
    """textstat 0.7.4 + pyphen must not touch the network (0.7.9+ downloads NLTK data)."""
    code = textwrap.dedent("""
        import socket
        def refuse(*a, **k):
            raise RuntimeError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from pmkit import writing
        card = writing.scorecard("We recommend schedule templates. Managers save hours every week.", "executive")
        print(round(card.readability.reading_ease, 3))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout.strip()) == pytest.approx(wr.readability(
        "We recommend schedule templates. Managers save hours every week.").reading_ease, abs=1e-3)


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------
def test_sentences_keep_abbreviations_decimals_and_wrapped_lines_together():
    text = ("Hi Maya,\nWe recommend templates, e.g. for B01. Dr. Smith agreed.\nPrices rose 1.5% in Q3. "
            "Is it done? Yes!\n\n- first item\n- second item. Third sentence\nover a wrapped line.")
    got = [s.text for s in wr.split_sentences(text)]
    assert got == ["Hi Maya,", "We recommend templates, e.g. for B01.", "Dr. Smith agreed.", "Prices rose 1.5% in Q3.",
                   "Is it done?", "Yes!", "first item", "second item.", "Third sentence\nover a wrapped line."]
    for s in wr.split_sentences(text):
        assert text[s.start:s.end] == s.text


def test_sentence_word_counts():
    (s,) = wr.split_sentences("The location-groups work costs four person-months.")
    assert s.words == 6


# ---------------------------------------------------------------------------------------------
# Each check flags the right spans
# ---------------------------------------------------------------------------------------------
def spans(flags):
    return [f.text for f in flags]


def test_passive_voice_rule_and_its_documented_limits():
    text = ("The rota was published by Priya. Shifts are not always approved. It's been sent. "
            "We are interested. Rotawise's published rota is live. Staff got moved.")
    assert spans(wr.find_passives(text)) == ["was published", "are not always approved", "been sent"]
    # "got moved" is a passive the rule misses; "are interested" is an adjective it skips on purpose.


def test_jargon_is_found_with_inflections_and_plain_alternatives():
    flags = wr.find_jargon("We refactored the back-end and deployed two webhooks. The constraint solver waits.")
    assert spans(flags) == ["refactored", "back-end", "deployed", "webhooks", "constraint solver"]
    by_text = {f.text: f for f in flags}
    assert "rework that makes later changes quicker" in by_text["refactored"].suggestion
    assert by_text["constraint solver"].term == "constraint solver"


def test_acronyms_only_first_unexplained_use_is_flagged():
    text = ("Single sign-on (SSO) ships in Q4. SSO again. The CEO asked about GDPR and GDPR. "
            "The SCIM (automatic account removal) work waits. APIs break. B01 and W04 are ids. LEEDS, 1 May.")
    flags, explained = wr.find_acronyms(text)
    assert spans(flags) == ["GDPR", "APIs"]
    assert explained == ["SSO", "SCIM"]
    api = flags[1]
    assert api.term == "API" and "connection to another system" in api.suggestion


def test_acronyms_known_to_the_reader_are_not_flagged():
    flags, _ = wr.find_acronyms("Our ARR grew and SSO closed two deals.", known={"ARR", "SSO"})
    assert flags == []


def test_hedges_case_rules():
    text = "We might ship in May. It may slip. In most cases it works, but we cannot guarantee it."
    assert spans(wr.find_hedges(text)) == ["might", "may", "In most cases", "cannot guarantee"]


def test_bluf_points_to_a_buried_ask():
    text = ("The template job fans out per location. It reuses the copy-week code. Conflicts go in a diff. "
            "We recommend shipping it in Q3.")
    check = wr.scorecard(text, "executive")["bluf"]
    assert check.passed is False
    assert "sentence 4" in check.message
    assert [f.text for f in check.flags][-1] == "We recommend shipping it in Q3."
    assert wr.scorecard("We recommend templates. They save hours.", "executive")["bluf"].passed is True
    assert wr.scorecard(text, "engineering")["bluf"].passed is None  # recommended, not required


def test_bluf_is_a_word_search_and_can_be_fooled():
    """The notebook says so, with this very example: W01 opens with "Proposal:" and passes."""
    check = wr.scorecard(wr.get_sample("W01").text, "executive")["bluf"]
    assert check.passed is True and "Proposal" in check.measured


def test_long_sentences_and_length_spans():
    long = "Staff " + " ".join(["word"] * 29) + "."
    card = wr.scorecard("We recommend this. " + long, "customer")
    check = card["long_sentences"]
    assert check.passed is False and len(check.flags) == 1
    assert card.text[check.flags[0].start:check.flags[0].end] == long
    many = "We recommend this plan. " + "Staff save time. " * 120
    length = wr.scorecard(many, "customer")["length"]
    assert length.passed is False
    cut = length.flags[0].start
    assert len(many[:cut].split()) == wr.AUDIENCES["customer"].max_words


def test_fix_first_follows_the_audience_order():
    draft = wr.load_samples()[0].text  # W01, Tomás's design doc
    card = wr.scorecard(draft, "executive")
    failed = [c.id for c in card.checks if c.passed is False]
    assert len(card.fix_first) == len(failed) >= 3
    order = [cid for cid in wr.AUDIENCES["executive"].fix_order if cid in failed]
    assert card.fix_first == [card[cid].fix for cid in order]


def test_readability_check_flags_the_hardest_sentences():
    hard = ("Consequently, the administrative reconfiguration necessitates comprehensive organisational "
            "consideration of interdependent operational responsibilities. ") * 4
    check = wr.scorecard("We recommend this. " + hard, "customer")["readability"]
    assert check.passed is False and check.flags
    assert all("grade" in f.message for f in check.flags)


# ---------------------------------------------------------------------------------------------
# Edge inputs
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", "   \n\t", None, ..., b"", []])
def test_empty_input_gives_an_empty_scorecard(value):
    card = wr.scorecard(value, "executive")
    assert all(c.passed is None for c in card.checks)
    assert card.fix_first == ["Write or paste a draft first."]
    assert not card.passed
    assert "Nothing to check" in card.summary()


def test_one_word():
    card = wr.scorecard("Templates", "customer")
    assert card.readability.words == 1 and card.readability.sentences == 1
    assert card["readability"].passed is None  # too short to score
    assert card["length"].passed is True
    str(card), card.to_frame(), card._repr_html_()


@pytest.mark.parametrize("text", [
    "Wir empfehlen, die Vorlagen im dritten Quartal zu bauen, weil neue Kunden sonst jede Filiale einzeln "
    "planen müssen und das kostet Zeit. Die Kosten liegen bei vier Personenmonaten.",
    "テンプレート機能を第3四半期に開発することを提案します。新しい顧客は各店舗のシフトを個別に作成しています。",
    "Nous recommandons de construire les modèles ce trimestre pour les clients qui ont plusieurs sites.",
])
def test_non_english_text_gets_a_note_not_a_crash(text):
    card = wr.scorecard(text, "executive")
    assert card.readability.english is False
    assert any("does not look like English" in n for n in card.notes)
    for cid in ("bluf", "jargon", "acronyms", "readability", "hedges", "passive"):
        assert card[cid].passed is None, cid
    assert "formulas are for English" in card["readability"].message


def test_unknown_audience_is_a_clear_error():
    with pytest.raises(ValueError, match="Choose one of: executive, sales, legal, customer, engineering"):
        wr.scorecard("Hello there.", "board")


def test_one_megabyte_in_well_under_a_second(capsys):
    seed = (REPO_ROOT.parent / "shared" / "seed" / "engineering-to-product-management.txt")
    base = seed.read_text(encoding="utf-8") if seed.exists() else " ".join(s.text for s in wr.load_samples())
    big = ((base + "\nThe end of one copy.\n") * (1_000_000 // len(base) + 2))[:1_000_000]
    wr.scorecard("Warm up: we recommend it.", "executive")
    start, cpu_start = time.perf_counter(), time.process_time()
    card = wr.scorecard(big, "executive")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    with capsys.disabled():
        print(f"\n[timing] scorecard of {len(big):,} characters ({card.readability.words:,} words): "
              f"{cpu:.2f} s CPU, {elapsed:.2f} s wall")
    assert card.readability.words > 100_000
    # About 0.55 s of CPU on the 2-core build machine. CPU time, not wall time, so that other jobs on
    # a busy machine do not make the test flaky; the bound is generous on purpose.
    assert cpu < 3.0


def test_huge_single_word_and_unspaced_script_stay_fast():
    for text in ("x" * 1_000_000, "日本語の文章です。" * 110_000):
        start = time.process_time()
        wr.scorecard(text, "customer")
        assert time.process_time() - start < 3.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from(list(wr.AUDIENCES)))
def test_property_any_text_gives_a_consistent_scorecard(text, audience):
    card = wr.scorecard(text, audience)
    assert [c.id for c in card.checks] == list(wr.CHECKS)
    for flag in card.flags:
        assert 0 <= flag.start < flag.end <= len(text)
        if flag.check in ("jargon", "acronyms", "hedges", "passive"):
            assert text[flag.start:flag.end] == flag.text
    if text.strip():
        assert set(card.fix_first) <= {c.fix for c in card.checks if c.passed is False}
        assert len(card.fix_first) == len(card.failed)
    else:
        assert card.fix_first == ["Write or paste a draft first."]
    html_out = card._repr_html_()
    assert "<script" not in html_out.lower() or "<script" not in text.lower()
    _assert_balanced(wr.highlight_html(text, card.flags))


class _TagBalance(HTMLParser):
    VOID = {"br", "hr", "img", "input", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def _assert_balanced(markup: str) -> None:
    parser = _TagBalance()
    parser.feed(markup)
    parser.close()
    assert parser.ok and not parser.stack, markup[:300]


def test_highlight_escapes_and_nests_overlapping_spans():
    text = "<b>We</b> deployed the API & it was refactored."
    flags = [wr.Flag(0, len(text), "long_sentences", text, "long"),
             wr.Flag(10, 18, "jargon", "deployed", "jargon"),
             wr.Flag(13, 32, "passive", text[13:32], "made up, crosses the next"),
             wr.Flag(23, 26, "acronyms", "API", "acronym")]
    out = wr.highlight_html(text, flags)
    assert "<b>" not in out and "&lt;b&gt;We&lt;/b&gt;" in out and "&amp;" in out
    _assert_balanced(out)
    for check in ("long_sentences", "jargon", "passive", "acronyms"):
        assert f"pmkit-mark-{check}" in out
    assert out.count('class="pmkit-tag"') == 4  # one tag letter per flag, at its end


def test_legend_names_every_mark_in_words():
    legend = wr.legend_html()
    for title, tag, style in wr.CHECKS.values():
        assert title in legend and f">{tag}</sup>" in legend and style in legend


# ---------------------------------------------------------------------------------------------
# The data files
# ---------------------------------------------------------------------------------------------
def test_jargon_file_loads_with_enough_terms():
    frame = wr.load_jargon()
    assert list(frame.columns) == ["term", "plain", "kind", "note"]
    assert len(frame) >= 150
    assert set(frame["kind"]) == {"acronym", "jargon"}
    assert frame["plain"].str.strip().ne("").all()


def test_jargon_loader_reports_every_problem_with_line_and_column(tmp_path):
    bad = tmp_path / "my_jargon.csv"
    bad.write_text("term,plain,kind,note\nAPI,connection,acronym,\nrefactor,,jargon,\nSSO,one login,acro,\n"
                   "Api,connection,jargon,\napi,again,jargon,\ndb,stored data,acronym,\n", encoding="utf-8")
    before = bad.read_bytes()
    with pytest.raises(DataError) as info:
        wr.load_jargon(bad)
    found = {(p.line, p.column) for p in info.value.problems}
    assert found == {(3, "plain"), (4, "kind"), (6, "term"), (7, "term")}
    assert "Expected 'acronym' or 'jargon'" in str(info.value)
    assert bad.read_bytes() == before  # never changed


@pytest.mark.parametrize("content, words", [
    ("", "empty"),
    ("term,kind\nAPI,acronym\n", "lacks the column(s) plain"),
    ("term,plain,kind,note\n", "no terms"),
])
def test_jargon_loader_structural_errors(tmp_path, content, words):
    path = tmp_path / "j.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(words)):
        wr.load_jargon(path)


def test_samples_table():
    table = wr.samples_table()
    assert list(table.index) == [s.id for s in wr.load_samples()]
    assert (table["words"] > 0).all() and (table["rewrite words"] > 0).all()


def test_samples_load_and_cover_every_audience():
    samples = wr.load_samples()
    assert len(samples) >= 10
    assert {s.audience for s in samples} == set(wr.AUDIENCES)
    kinds = {s.kind for s in samples}
    assert {"design-doc", "postmortem", "changelog", "status-update", "deprecation-notice"} <= kinds
    assert len({s.id for s in samples}) == len(samples)


@pytest.mark.parametrize("sample", wr.load_samples(), ids=lambda s: s.id)
def test_every_reference_rewrite_passes_its_readers_checks(sample):
    before = wr.scorecard(sample.text, sample.audience)
    after = wr.scorecard(sample.reference_rewrite, sample.audience)
    assert after.failed == [], [(c.title, c.measured) for c in after.failed]
    assert len(before.failed) >= 2, "the engineering original should show what to fix"
    assert after.readability.reading_ease > before.readability.reading_ease or sample.audience == "engineering"


def test_samples_loader_reports_problems_with_lines(tmp_path):
    good = json.loads(wr._resolve(None, "writing_samples.json").read_text(encoding="utf-8"))
    broken = [dict(good[0]), dict(good[1]), dict(good[2])]
    broken[1]["audience"] = "board"
    broken[1]["id"] = good[0]["id"]
    del broken[2]["text"]
    path = tmp_path / "samples.json"
    path.write_text(json.dumps(broken, indent=2), encoding="utf-8")
    with pytest.raises(DataError) as info:
        wr.load_samples(path)
    problems = info.value.problems
    assert {(p.column) for p in problems} == {"audience", "id", "text"}
    first_lines = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line.strip() == "{"]
    assert {p.line for p in problems} == set(first_lines[1:3])


def test_samples_loader_invalid_json(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('[\n  {"id": "W01",\n  "kind": }\n]', encoding="utf-8")
    with pytest.raises(DataError) as info:
        wr.load_samples(path)
    assert info.value.problems[0].line == 3 and "not valid JSON" in str(info.value)


# ---------------------------------------------------------------------------------------------
# The course's prose
# ---------------------------------------------------------------------------------------------
def test_prose_of_markdown_strips_what_readers_do_not_read():
    md = textwrap.dedent("""
        # A heading
        Read [this link](https://example.com/x) and <https://example.org>.
        | a | table |
        |---|---|
        ```python
        print("code")
        ```
        ```{exercise} Title
        :label: ex05
        ```
        <details><summary><b>For facilitators</b></summary>Plain words.</details>
        Use `pr.rice_table` here.
    """)
    prose = " ".join(wr.prose_of_markdown(md).split())
    assert prose == "Read this link and . For facilitators Plain words. Use code here."


def test_prose_report_against_the_course_target():
    easy = "You write for busy people. Put the point first. Cut what they do not need. " * 20
    report = wr.prose_report(easy)
    assert report.meets_target and not report.misses
    hard = ("Notwithstanding organisational considerations, comprehensive prioritisation methodologies "
            "necessitate sophisticated stakeholder interdependency evaluations, particularly regarding "
            "multidimensional implementation characteristics and infrastructural sustainability. ") * 10
    report = wr.prose_report(hard)
    assert not report.meets_target
    assert any("Flesch Reading Ease" in m for m in report.misses)
    assert any("sentences average" in m for m in report.misses)
    assert report.worst and "grade" in str(report)
    assert wr.COURSE_TARGET.min_reading_ease == 60 and wr.COURSE_TARGET.max_words_per_sentence == 18


# ---------------------------------------------------------------------------------------------
# Exercise feedback
# ---------------------------------------------------------------------------------------------
CHECKERS = [wr.check_executive_summary, wr.check_release_notes, wr.check_press_release]


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("value", [..., None, "", "   ", []])
def test_unanswered_gets_a_friendly_message(checker, value):
    fb = checker(value)
    assert fb.answered is False and "replace ..." in fb.summary


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("value", [42, {"a": 1}, 3.5])
def test_wrong_type_gets_a_friendly_message(checker, value):
    fb = checker(value)
    assert fb.answered is False and "text in triple quotes" in fb.summary


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_property_feedback_never_raises(text):
    for checker in CHECKERS:
        fb = checker(text)
        str(fb), fb._repr_html_()


def test_executive_summary_feedback_on_reference_and_original():
    sample = wr.get_sample("W02")
    good = wr.check_executive_summary(sample.reference_rewrite)
    assert good.ok, str(good)
    bad = wr.check_executive_summary(sample.text)
    failed = {c.label for c in bad.failed}
    assert {"Exactly five sentences", "The first sentence states the recommendation or ask"} <= failed


def test_release_notes_feedback():
    sample = wr.get_sample("W04")
    assert wr.check_release_notes(sample.reference_rewrite).ok
    raw = wr.check_release_notes(sample.text)
    assert "Leaves out internal work" in {c.label for c in raw.failed}
    partial = wr.check_release_notes("You can now copy a week's schedule to your other locations in one step.")
    missing = {c.label for c in partial.failed}
    assert "Covers: overnight shifts over the clock change" in missing


def test_press_release_feedback():
    text = textwrap.dedent("""\
        Rotawise templates: one schedule for every site

        LEEDS, 1 October 2026. Rotawise today launched schedule templates that work across locations.
        Area managers can now build one weekly schedule and apply it to every site in minutes.
        Until now, a manager with twelve sites built twelve rotas by hand. Many new customers told us that
        this is where setting up Rotawise stalled. With templates, a manager builds the week once and picks
        the sites. Rotawise warns them when a site lacks a role the template needs.
        "Every Sunday night I copied the same rota into fourteen branches," said Jo Marsh, an operations
        manager. "Now I do it once, fix two gaps, and I'm done before dinner."
        Owners can group their sites by region or brand, and send a template to a whole group at once.
        Schedule templates are available today to every multi-site account at no extra cost. To get
        started, open next week's schedule and choose Save as template.
    """)
    fb = wr.check_press_release(text)
    assert fb.ok, str(fb)
    no_quote = wr.check_press_release(text.replace('"', ""))
    assert "Quotes a customer" in {c.label for c in no_quote.failed}


def test_the_notebook_quotes_the_current_size_of_the_data():
    """Module 05's prose names how many terms and samples the course ships; keep them in step."""
    prose = wr.notebook_prose(REPO_ROOT / "notebooks" / "05_writing.ipynb")
    assert f"{len(wr.load_jargon())} terms" in prose
    assert f"all {len(wr.load_samples())} samples" in prose


# ---------------------------------------------------------------------------------------------
# Review fixes: realistic drafts the first version judged wrongly
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("opening", [
    "Ship templates in August; delay the FreshBite connector to Q4.",
    "Let's ship templates in August and move the FreshBite connector to Q4.",
    "Run a two-week trial before we commit to a rebuild.",
    "Don't rebuild the engine this quarter.",
    "- **Fund templates now.**",
    "Templates are two weeks late.",
    "The pilot now starts on 17 August.",
    "Single sign-on ships in Q4.",
    "We can't build the SAP connector this quarter.",
    "We're pausing the engine rewrite until January.",
    "Choose one of two options by Friday: templates or the connector.",
])
def test_bluf_credits_a_bottom_line_stated_without_the_usual_cue_words(opening):
    text = opening + " Templates help every new multi-site account. The connector serves one prospect."
    check = wr.scorecard(text, "executive")["bluf"]
    assert check.passed is True, (opening, check.message)


@pytest.mark.parametrize("opening", [
    "Ship dates are set by the release train.",
    "Start times have changed for the job.",
    "Build quality matters to us.",
    "Run times are long.",
    "Cut-off times are in UTC.",
    "Keep reading for the details.",
    "The service starts on boot.",
    "The template job fans out per location.",
])
def test_bluf_does_not_mistake_a_noun_phrase_or_a_description_for_an_ask(opening):
    text = opening + " It reuses the copy-week code. Conflicts go in a diff."
    assert wr.scorecard(text, "executive")["bluf"].passed is False, opening


def test_executive_summary_feedback_credits_an_imperative_first_sentence():
    summary = ("Run a two-week trial before we commit nine person-months to a rebuild. A rebuild lets us add "
               "labour rules in days and warn schedulers of clashes. It costs about nine person-months, and "
               "our estimates range from five to twelve. Meanwhile the squad could not build templates, our "
               "main lever for new multi-site accounts. I will bring you a decision on 18 September.")
    fb = wr.check_executive_summary(summary)
    assert "The first sentence states the recommendation or ask" not in {c.label for c in fb.failed}, str(fb)


@pytest.mark.parametrize("text, expected", [
    ("The cat sat. The dog ran.", ["The cat sat.", "The dog ran."]),
    ("We worked in the sun. Then we rested.", ["We worked in the sun.", "Then we rested."]),
    ("The answer is no. We ship in May.", ["The answer is no.", "We ship in May."]),
    ("We need logs, tests, etc. The rest can wait.", ["We need logs, tests, etc.", "The rest can wait."]),
    ("We chose option B. It costs less.", ["We chose option B.", "It costs less."]),
    ("So did I. Then we left.", ["So did I.", "Then we left."]),
    ("We start in Jan. Then review.", ["We start in Jan.", "Then review."]),
    ("Ship on Jan. 5 or later. See fig. 3 and No. 4 first.", ["Ship on Jan. 5 or later.", "See fig. 3 and No. 4 first."]),
    ('"Why?" she asked. Nobody knew.', ['"Why?" she asked.', "Nobody knew."]),
    ("J. Peter Kincaid wrote it. Dr. Flesch too.", ["J. Peter Kincaid wrote it.", "Dr. Flesch too."]),
    ("Robert P. Fishburne helped. See p. 5 of it.", ["Robert P. Fishburne helped.", "See p. 5 of it."]),
    ("Growth was 3.5% in v2.1, e.g. in Leeds, i.e. the HQ. See https://x.example/a.b for more.",
     ["Growth was 3.5% in v2.1, e.g. in Leeds, i.e. the HQ.", "See https://x.example/a.b for more."]),
])
def test_sentences_end_after_words_that_are_only_sometimes_abbreviations(text, expected):
    assert [s.text for s in wr.split_sentences(text)] == expected


def test_windows_line_endings_split_like_unix_ones():
    unix = "We recommend templates.\nThey save hours.\n\n- First item\n- Second item"
    windows = unix.replace("\n", "\r\n")
    assert [s.text.strip() for s in wr.split_sentences(windows)] == [s.text for s in wr.split_sentences(unix)]
    assert wr.scorecard(windows, "executive").to_dict()["checks"][0]["passed"] is True


def test_terse_english_notes_count_as_english_and_dutch_does_not():
    notes = ("- Copy schedules across locations\n- Android shift alerts fixed\n- Overnight shift hours correct "
             "after clock change\n- Payroll export overtime codes\n- Faster schedule builder loading\n"
             "- New Xero connector settings page")
    assert wr.looks_english(notes)
    assert wr.scorecard(notes, "customer")["jargon"].passed is not None  # checked, not skipped
    dutch = ("Wij raden aan om de sjablonen dit kwartaal te bouwen, omdat nieuwe klanten anders elke "
             "vestiging apart plannen.")
    polish = ("Zalecamy zbudowanie szablonów w tym kwartale, ponieważ nowi klienci planują każdą lokalizację "
              "osobno, co zajmuje dużo czasu kierownikom zmian i właścicielom sklepów każdego tygodnia.")
    assert not wr.looks_english(dutch) and not wr.looks_english(polish)


def test_code_is_flagged_as_code_for_non_engineers_and_its_words_are_not_checked():
    text = ("We recommend the new connection. Call `GET /v2/shifts` instead; it `is deployed` daily.\n\n"
            "```\nSSO = may_be_deployed()\n```\nThen SSO works.")
    card = wr.scorecard(text, "executive")
    jargon = card["jargon"]
    assert [f.text for f in jargon.flags] == ["`GET /v2/shifts`", "`is deployed`", "```\nSSO = may_be_deployed()\n```"]
    assert all(text[f.start:f.end] == f.text and f.term == "code" for f in jargon.flags)
    assert [f.text for f in card["acronyms"].flags] == ["SSO"]  # the first use outside the code
    assert text[card["acronyms"].flags[0].start - 5:card["acronyms"].flags[0].start] == "Then "
    assert card["hedges"].flags == [] and card["passive"].flags == []
    assert wr.scorecard(text, "engineering")["jargon"].flags == []


@pytest.mark.parametrize("text, explained", [
    ("Single sign-on (SSO) ships.", True),
    ("SSO (single sign-on) ships.", True),
    ("Single sign-on, or SSO, ships.", True),
    ("SSO, or single sign-on, ships.", True),
    ("The API (a connection to another system) changes.", True),
    ("We need SSO (see below).", False),
    ("Customers want SSO (and audit logs).", False),
    ("Use Okta, or SSO.", False),
    ("Ship SCIM, or SSO first.", False),
])
def test_acronym_explanations(text, explained):
    flags, spelled = wr.find_acronyms(text)
    assert bool(spelled) is explained and bool(flags) is not explained, (flags, spelled)


def test_passive_rule_skips_common_adjectives():
    text = ("We are excited. We are delighted. The team is tired. Rotawise is based in Leeds. The bug is "
            "unresolved. The app is outdated. The rota was published by Priya.")
    assert spans(wr.find_passives(text)) == ["was published"]


def test_average_sentence_length_needs_a_few_sentences():
    one = ("Templates across locations are at risk: the pilot will start two weeks late unless we decide one "
           "question by Thursday.")  # the notebook's example of a good opening
    assert 18 < wr.split_sentences(one)[0].words <= 25
    assert wr.scorecard(one, "executive")["long_sentences"].passed is True
    three = " ".join([one] * 3)
    assert wr.scorecard(three, "executive")["long_sentences"].passed is False


@pytest.mark.parametrize("text, passed", [
    ("## What's new\n\n- Copy a week's schedule to all your sites in one step.\n- Android alerts work again.", True),
    ("Update the Rotawise app before Friday. The old version stops working.", True),
    ("Sign in with your company login from Monday. Passwords still work.", True),
    ("Open the week and choose Copy to locations. Pick the sites.", True),
    ("Open questions remain about the schema. The team meets weekly.", False),
    ("Check digits are validated by the service. The team meets weekly.", False),
])
def test_bluf_for_customers_credits_an_instruction(text, passed):
    assert wr.scorecard(text, "customer")["bluf"].passed is passed


def test_length_limit_cut_counts_words_not_bullets_or_dashes():
    bullets = "We recommend this plan.\n" + "- Staff save time — every week.\n" * 60
    length = wr.scorecard(bullets, "customer")["length"]
    assert length.passed is False
    cut = length.flags[0].start
    assert wr.readability(bullets[:cut]).words == wr.AUDIENCES["customer"].max_words
