"""Module 01 (What transfers from engineering): the data files, the loaders and the checkers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit import transfer as tr
from pmkit.data import DataError, load_backlog
from pmkit.feedback import Feedback
from pmkit.paths import DATASETS_DIR

SWAP_ANSWER = {"S4": "assumption", "S8": "edge case", "S9": "edge case", "S10": "edge case", "S11": "assumption",
               "S14": "solutioning", "S15": "scope", "missing": "success metric"}
PAYROLL_ANSWER = {"S3": "assumption", "S4": "edge case", "S5": "edge case", "S6": "solutioning", "S9": "scope",
                  "S10": "success metric"}


@pytest.fixture(scope="module")
def model():
    return tr.load_system_model()


@pytest.fixture(scope="module")
def gaps():
    return tr.load_gaps()


def _problems(err: DataError) -> set[tuple[int | None, str | None]]:
    return {(p.line, p.column) for p in err.problems}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# =============================================================================================
# The course's data
# =============================================================================================
def test_specs_load_with_numbered_sentences():
    swap = tr.load_spec("swap_autoapprove")
    assert swap.title.startswith("Spec: Auto-approve shift swaps")
    assert swap.ids == [f"S{i}" for i in range(1, 19)]
    assert [name for name, _ in swap.sections()] == ["The problem", "What we want to happen",
                                                     "How it works for staff and managers", "Build notes", "Rollout"]
    words = len(Path(swap.source).read_text(encoding="utf-8").split())
    assert 400 <= words <= 600, words
    payroll = tr.load_spec("spec_payroll_overtime.md")
    assert payroll.name == "payroll_overtime" and len(payroll.ids) == 11
    assert "**S3.**" in payroll.as_markdown()


def test_answer_key_plants_every_kind_of_gap(gaps):
    swap = gaps[gaps["spec"] == "swap_autoapprove"]
    assert 6 <= len(swap) <= 8
    assert set(swap["category"]) == set(tr.CATEGORIES)
    assert (swap["sentence_id"] == "").sum() == 1            # one thing the spec leaves out entirely
    assert set(gaps["spec"]) == set(tr.SPECS)
    assert gaps["gap_id"].is_unique
    payroll = gaps[gaps["spec"] == "payroll_overtime"]
    assert set(payroll["category"]) == set(tr.CATEGORIES)


@pytest.mark.parametrize("name", sorted(tr.SPECS))
def test_every_sentence_is_either_a_gap_or_explained_as_sound(name, gaps):
    spec = tr.load_spec(name)
    notes = tr.load_spec_notes()
    gap_sentences = set(gaps.loc[(gaps["spec"] == name) & (gaps["sentence_id"] != ""), "sentence_id"])
    sound = set(notes.loc[notes["spec"] == name, "sentence_id"])
    assert not gap_sentences & sound
    assert gap_sentences | sound == set(spec.ids)


def test_hints_do_not_give_the_place_away(gaps):
    for row in gaps.itertuples():
        if row.sentence_id:
            assert not re.search(rf"\b{row.sentence_id}\b", row.hint), (row.gap_id, row.hint)


def test_system_model_matches_the_case_study(model):
    assert 20 <= len(model.edges) <= 30
    assert set(model.edges["effect"]) == {"+", "-"}
    roles = model.nodes.loc[model.metrics, "metric_role"].value_counts().to_dict()
    assert roles == {"guardrail": 2, "north star": 1, "leading": 1, "tracked": 1}
    for node, words in {"support tickets": "23", "staff app rating": "4.4", "multi-site activation": "55%",
                        "90-day retention": "78%", "shift-swap completion rate": "61%"}.items():
        assert words in model.nodes.at[node, "description"]
    backlog = load_backlog().set_index("id")
    for change in model.changes:
        assert model.nodes.at[change, "backlog_id"] in backlog.index
    assert backlog.at["B04", "title"] == "Instant shift-swap approval"
    # every node is reached from some change, and every metric too
    reached = set()
    for change in model.changes:
        reached |= set(tr.downstream(change, model=model)["to_node"])
    assert reached | set(model.changes) == set(model.names)


def test_canonical_names(model):
    assert model.canonical("  Overtime-Hours ") == "overtime hours"
    assert model.canonical("b04") == "swap auto-approval"
    assert model.canonical("support tickets (guardrail)") == "support tickets"
    assert model.canonical("overtime") is None
    assert "overtime" in model.suggest("overtime")


# =============================================================================================
# Bad files: every problem at once, with line and column
# =============================================================================================
def test_bad_spec_reports_every_problem(tmp_path):
    path = _write(tmp_path / "spec_bad.md", "no title here\n\n**S1.** One.\n\n**S3.** Three.\n\n**S3.** Again.\n\n"
                  "**S 5** broken marker\n\n**S4.**\n")
    with pytest.raises(DataError) as caught:
        tr.load_spec(path)
    lines = {p.line for p in caught.value.problems}
    assert {1, 5, 7, 9, 11} <= lines
    text = str(caught.value)
    assert "no title" in text and "expected S2" in text and "used twice" in text and "**S4.**" in text


def test_spec_continuation_lines_and_not_utf8(tmp_path):
    path = _write(tmp_path / "spec_ok.md", "# Spec: ok\n\n**S1.** First part\ncontinues here.\n")
    assert tr.load_spec(path).sentence("S1").text == "First part continues here."
    bad = tmp_path / "spec_latin.md"
    bad.write_bytes("# Spec\n\n**S1.** Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        tr.load_spec(bad)
    with pytest.raises(FileNotFoundError, match="swap_autoapprove"):
        tr.load_spec("no_such_spec")


def test_bad_gaps_file(tmp_path):
    shutil.copy(DATASETS_DIR / "spec_swap_autoapprove.md", tmp_path)
    header = ",".join(tr.GAP_COLUMNS)
    ok = "x,why,fix"
    path = _write(tmp_path / "spec_gaps.csv", "\n".join([
        header,
        f"swap_autoapprove,G1,S4,assumption,hint,{ok}",          # fine
        f"swap_autoapprove,G1,S5,edge case,hint,{ok}",           # duplicate id
        f"swap_autoapprove,bad id,S99,edge-case,hint,{ok}",      # bad id, no such sentence, bad category
        f"swap_autoapprove,G3,S4,scope,,{ok}",                   # S4 twice, blank hint
        f"nowhere,G4,S1,scope,hint,{ok}",                        # unknown spec
        "swap_autoapprove,G5,S6,scope",                          # too few cells
    ]) + "\n")
    with pytest.raises(DataError) as caught:
        tr.load_gaps(path)
    found = _problems(caught.value)
    assert {(3, "gap_id"), (4, "gap_id"), (4, "sentence_id"), (4, "category"), (5, "sentence_id"), (5, "hint"),
            (6, "spec"), (7, None)} <= found
    assert "Did you mean 'edge case'?" in str(caught.value)


def test_gaps_file_missing_a_column(tmp_path):
    path = _write(tmp_path / "spec_gaps.csv", "spec,gap_id,sentence_id,categry,hint\nswap_autoapprove,G1,S1,scope,h\n")
    with pytest.raises(DataError) as caught:
        tr.load_gaps(path)
    assert (1, "category") in _problems(caught.value)
    assert "categry" in str(caught.value)


def test_bad_notes_file(tmp_path):
    shutil.copy(DATASETS_DIR / "spec_payroll_overtime.md", tmp_path)
    path = _write(tmp_path / "spec_notes.csv", "spec,sentence_id,why_no_gap\npayroll_overtime,S1,fine\n"
                  "payroll_overtime,S1,twice\npayroll_overtime,S40,x\npayroll_overtime,S2,\n")
    with pytest.raises(DataError) as caught:
        tr.load_spec_notes(path)
    assert _problems(caught.value) == {(3, "sentence_id"), (4, "sentence_id"), (5, "why_no_gap")}


def _model_files(tmp_path: Path, edges: list[str]) -> Path:
    shutil.copy(DATASETS_DIR / "system_nodes.csv", tmp_path)
    return _write(tmp_path / "system_model.csv", "from_node,to_node,effect,delay,explanation\n" + "\n".join(edges) + "\n")


def test_bad_model_reports_unknown_nodes_duplicates_and_signs(tmp_path):
    path = _model_files(tmp_path, [
        "swap auto-approval,swap wait time,-,immediate,fine",
        "swap auto-approval,swap wait time,+,weeks,duplicate edge",
        "swap auto-aproval,support tickets,+,weeks,typo in a node",
        "overtime hours,overtime hours,+,weeks,points at itself",
        "overtime hours,overtime cost,++,weeks,bad sign",
        "overtime hours,payroll export fixes,+,fortnight,bad delay",
        "unfilled shifts,overtime hours,+,weeks,",
    ])
    with pytest.raises(DataError) as caught:
        tr.load_system_model(path)
    assert _problems(caught.value) == {(3, "to_node"), (4, "from_node"), (5, "to_node"), (6, "effect"), (7, "delay"),
                                       (8, "explanation")}
    text = str(caught.value)
    assert "Did you mean 'swap auto-approval'?" in text and "already on line 2" in text


def test_model_accepts_a_typographic_minus(tmp_path):
    path = _model_files(tmp_path, ["swap auto-approval,swap wait time,\u2212,immediate,fine"])
    assert tr.load_system_model(path).edges.at[0, "effect"] == "-"


def test_bad_nodes_file(tmp_path):
    path = _write(tmp_path / "system_nodes.csv", "node,kind,backlog_id,metric_role,description\n"
                  "a,change,B04,,x\nA,effect,,,dup\nb,metric,,,no role\nc,effect,,guardrail,role on effect\n"
                  "d,gadget,X9,,bad kind and id\n")
    with pytest.raises(DataError) as caught:
        tr.load_system_nodes(path)
    assert _problems(caught.value) == {(3, "node"), (4, "metric_role"), (5, "metric_role"), (6, "kind"),
                                       (6, "backlog_id")}


def test_empty_and_unreadable_csv(tmp_path):
    with pytest.raises(DataError, match="empty"):
        tr.load_system_nodes(_write(tmp_path / "empty.csv", "\n\n"))
    with pytest.raises(DataError, match="quote"):
        tr.load_system_nodes(_write(tmp_path / "quote.csv", 'node,kind,backlog_id,metric_role,description\n"a,b\n'))


def test_loaders_never_write_the_file(tmp_path):
    path = _model_files(tmp_path, ["overtime hours,overtime cost,++,weeks,bad sign"])
    before = path.read_bytes()
    with pytest.raises(DataError):
        tr.load_system_model(path)
    assert path.read_bytes() == before


# =============================================================================================
# Graph functions
# =============================================================================================
def test_downstream_steps(model):
    first = tr.downstream("swap auto-approval", depth=1, model=model)
    assert set(first["to_node"]) == set(model.successors("swap auto-approval"))
    assert (first["step"] == 1).all()
    everything = tr.downstream("B04", model=model)
    assert everything["step"].is_monotonic_increasing
    # the model has loops; the walk still ends and lists every reachable edge once
    assert not everything.duplicated(["from_node", "to_node"]).any()
    with pytest.raises(ValueError, match="not a node"):
        tr.downstream("teleport", model=model)
    with pytest.raises(ValueError, match="depth"):
        tr.downstream("B04", depth=0, model=model)


def test_net_effects(model):
    fx = tr.net_effects("swap auto-approval", model=model)
    assert fx.at["manager approval workload", "nearest"] == "-"
    assert fx.at["support tickets", "nearest"] == "mixed"          # the guardrail can go either way
    assert fx.at["overtime hours", "nearest"] == "+" and fx.at["overtime hours", "pushback"]
    push = tr.net_effects("reliable Android push", model=model)
    assert push.at["missed shift changes", "nearest"] == "-"
    assert push.at["support tickets", "nearest"] == "-"
    assert push.at["multi-site activation", "nearest"] == "+"     # two minus links make a plus


def test_key_edges_are_shortest_paths_to_metrics(model):
    key = tr.key_edges("swap auto-approval", model=model)
    assert len(key) == 12
    assert set(key.loc[key["step"] == 1, "from_node"]) == {"swap auto-approval"}
    push = tr.key_edges("B06", model=model)
    assert set(map(tuple, push[["from_node", "to_node"]].to_numpy())) == {
        ("reliable Android push", "missed shift changes"), ("missed shift changes", "support tickets"),
        ("missed shift changes", "staff app rating"), ("missed shift changes", "unfilled shifts"),
        ("unfilled shifts", "manager admin time"), ("manager admin time", "multi-site activation")}


# =============================================================================================
# check_spec_review
# =============================================================================================
def test_a_perfect_review_finds_everything():
    result = tr.check_spec_review(SWAP_ANSWER)
    assert result.ok and len(result.passed) == 8 and "8 of 8" in result.summary
    payroll = tr.check_spec_review(PAYROLL_ANSWER, spec="payroll_overtime")
    assert payroll.ok and "6 of 6" in payroll.summary


def test_missed_gaps_get_hints_first_and_answers_on_reveal(gaps):
    result = tr.check_spec_review({"S14": "solutioning"})
    assert not result.ok and "1 of 8" in result.summary
    missed = [c for c in result.failed if c.label.startswith("Not found yet")]
    assert len(missed) == 7
    hidden = gaps[(gaps["spec"] == "swap_autoapprove") & (gaps["gap_id"] != "SW6")]
    text = str(result)
    for row in hidden.itertuples():
        assert row.hint in text and row.better_version not in text
    revealed = str(tr.check_spec_review({"S14": "solutioning"}, reveal=True))
    for row in hidden.itertuples():
        assert row.better_version in revealed


def test_wrong_kind_is_named_as_right_place():
    result = tr.check_spec_review({"S9": "assumption"})
    check = next(c for c in result.checks if c.label.startswith("S9"))
    assert check.ok is False and "right place" in check.message
    assert "edge case" not in check.message                       # the kind is not given away
    assert "edge case" in str(tr.check_spec_review({"S9": "assumption"}, reveal=True))


def test_false_alarms_say_why_the_sentence_is_sound():
    notes = tr.load_spec_notes()
    why = notes.loc[(notes["spec"] == "swap_autoapprove") & (notes["sentence_id"] == "S12"), "why_no_gap"].item()
    result = tr.check_spec_review({"S12": "edge case"})
    check = next(c for c in result.checks if c.label.startswith("S12"))
    assert check.ok is False and "false alarm" in check.message and why in check.message
    assert "1 false alarm" in result.summary


def test_missing_key_for_a_gap_that_sits_in_a_sentence():
    result = tr.check_spec_review({"missing": "success metric"}, spec="payroll_overtime")
    check = next(c for c in result.checks if c.label.startswith("Missing from the whole spec"))
    assert check.ok is False and "sits in a sentence" in check.message
    scoped = tr.check_spec_review({"missing": "scope"}, spec="swap_autoapprove")
    assert "sits in a sentence" in str(scoped)
    nothing = tr.check_spec_review({"S15": "scope", "missing": "scope"}, spec="swap_autoapprove")
    assert any(c.ok is None and "already found" in c.message for c in nothing.checks)


@pytest.mark.parametrize("answer", [
    "S4: assumption; S8 - edge case\nS14 solutioning",
    [("S4", "assumption"), ("S8", "edge case"), ("S14", "solutioning")],
    {4: "Assumptions", "s8": "Edge-Case", "sentence 14": "solution"},
    ["SW1", "SW2", "SW6"],
])
def test_answer_forms_are_read_alike(answer):
    result = tr.check_spec_review(answer)
    assert result.answered and "3 of 8" in result.summary, str(result)
    assert tr.found_gaps(answer) == ["SW1", "SW2", "SW6"]


def test_places_only_count_as_found():
    result = tr.check_spec_review(["S4", "S9", "missing"])
    assert "3 of 8" in result.summary
    assert tr.found_gaps(["S4", "S9", "missing"]) == ["SW1", "SW3", "SW8"]


@pytest.mark.parametrize("answer", [..., None, "", "   ", {}, [], [...], {"S4": ...}, {"S4": None, "S8": ...},
                                    {"S4": "no gap"}, "hello", 42, 3.5, True, object(), {"S4": object()}.keys()])
def test_unanswered_and_malformed_reviews_get_a_friendly_message(answer):
    result = tr.check_spec_review(answer)
    assert isinstance(result, Feedback)
    assert not result.answered and result.summary
    assert "Traceback" not in str(result)


def test_unknown_sentences_and_kinds_are_reported_not_fatal():
    result = tr.check_spec_review({"S99": "scope", "S4": "assumptionz", "S8": "wibble"})
    text = str(result)
    assert result.answered and "S99" in text and "read 'assumptionz' as 'assumption'" in text
    assert "'wibble' is not a kind of gap" in text


def test_unknown_spec_is_a_message():
    result = tr.check_spec_review({"S1": "scope"}, spec="nope")
    assert not result.answered and "could not be loaded" in result.summary
    assert tr.found_gaps({"S1": "scope"}, spec="nope") == []


@pytest.mark.parametrize("spec, n", [("swap_autoapprove", 18), ("payroll_overtime", 11)])
@pytest.mark.parametrize("how", ["places", "one kind", "every kind"])
def test_flagging_every_sentence_is_not_scored(spec, n, how, gaps):
    value = {"places": True, "one kind": "assumption", "every kind": list(tr.CATEGORIES)}[how]
    marks = {f"S{i}": value for i in range(1, n + 1)} | {"missing": value}
    result = tr.check_spec_review(marks, spec=spec)
    assert result.answered and not result.ok
    assert result.summary.startswith("Not scored") and f"marked {n} of {n}" in result.summary
    assert tr.found_gaps(marks, spec) == [] and not result.passed
    mine = gaps[gaps["spec"] == spec]
    text = str(result)
    assert not any(row.better_version in text for row in mine.itertuples())     # no answers for free
    revealed = str(tr.check_spec_review(marks, spec=spec, reveal=True))
    assert all(row.better_version in revealed for row in mine.itertuples())


def test_marking_many_sentences_honestly_is_still_scored():
    sound = ["S1", "S2", "S3", "S5", "S6", "S7", "S12", "S13", "S16"]        # 7 gaps + 9 sound = 16 of 18
    marks = dict(SWAP_ANSWER) | {sid: "assumption" for sid in sound}
    result = tr.check_spec_review(marks)
    assert "8 of 8" in result.summary and "9 false alarms" in result.summary
    assert "More false alarms than finds" in result.summary                # 9 false alarms, 8 finds
    fewer = tr.check_spec_review(dict(SWAP_ANSWER) | {"S1": "assumption", "S2": "assumption"})
    assert "2 false alarms" in fewer.summary and "More false alarms" not in fewer.summary
    assert len(tr.found_gaps(marks)) == 8
    one_more = tr.check_spec_review(marks | {"S17": "scope"})               # 17 of 18: flags everything
    assert one_more.summary.startswith("Not scored")


def test_naming_every_kind_is_a_guess_not_a_find():
    result = tr.check_spec_review({"S4": list(tr.CATEGORIES), "S9": "edge case", "missing": list(tr.CATEGORIES)})
    s4 = next(c for c in result.checks if c.label.startswith("S4"))
    assert s4.ok is False and "named 5 kinds" in s4.message and "Hint:" in s4.message
    whole = next(c for c in result.checks if c.label == "Missing from the whole spec")
    assert whole.ok is False and "5 kinds" in whole.message
    assert "1 of 8" in result.summary and "too many kinds" in result.summary
    assert tr.found_gaps({"S4": list(tr.CATEGORIES), "S9": "edge case"}) == ["SW3"]
    two = {"S4": ["assumption", "edge case"]}                               # two kinds: still a review comment
    assert tr.found_gaps(two) == ["SW1"] and "1 of 8" in tr.check_spec_review(two).summary


def test_found_gaps_saves_only_what_the_checker_credits():
    assert tr.found_gaps({"S9": "assumption"}) == []                          # right place, wrong kind
    assert "0 of 8" in tr.check_spec_review({"S9": "assumption"}).summary
    assert tr.found_gaps({"S9": "edge case", "S12": "scope"}) == ["SW3"]      # a false alarm costs nothing here


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([f"S{i}" for i in range(1, 19)] + ["missing"]),
                       st.one_of(st.sampled_from(list(tr.CATEGORIES)),
                                 st.lists(st.sampled_from(list(tr.CATEGORIES)), min_size=1, max_size=4)),
                       min_size=1, max_size=19))
def test_found_gaps_and_the_summary_always_agree(marks):
    result = tr.check_spec_review(marks)
    match = re.search(r"found (\d+) of", result.summary)
    found = tr.found_gaps(marks)
    assert (int(match.group(1)) if match else 0) == len(found), str(result)
    assert len([c for c in result.passed]) == len(found)


@pytest.mark.parametrize("answer", [
    {"S4.": "assumption", "**S8.**": "edge case", "(S14)": "solutioning"},
    {"s04": "Assumption", "Sentence 8": "EDGE CASE", 14: "Solution"},
    ["S4: assumption", "**S8.** edge case", "S14 - solutioning"],
])
def test_sentence_ids_in_the_shapes_the_spec_shows(answer):
    assert tr.found_gaps(answer) == ["SW1", "SW2", "SW6"], str(tr.check_spec_review(answer))


def test_one_pair_on_its_own_and_blank_keys():
    assert tr.found_gaps(("S4", "assumption")) == ["SW1"]
    assert tr.found_gaps(["S4", "S9"]) == ["SW1", "SW3"]                      # two places, not a pair
    for blank in ({None: "success metric"}, {"": "success metric"}):        # not read as "missing"
        result = tr.check_spec_review(blank)
        assert not result.answered and tr.found_gaps(blank) == []


def test_wrong_kind_wording_reads_as_english():
    check = next(c for c in tr.check_spec_review({"S4": "scope"}).checks if c.label.startswith("S4"))
    assert "is it really scope creep?" in check.message and "a scope" not in check.message
    revealed = next(c for c in tr.check_spec_review({"S4": "scope"}, reveal=True).checks if c.label.startswith("S4"))
    assert "it is an unchecked assumption, not scope creep" in revealed.message


@pytest.mark.parametrize("name", ["Payroll_Overtime", "payroll overtime", "spec_payroll_overtime",
                                  "PAYROLL-OVERTIME"])
def test_spec_names_are_forgiving(name):
    assert tr.load_spec(name).name == "payroll_overtime"
    assert "1 of 6" in tr.check_spec_review({"S3": "assumption"}, spec=name).summary


def test_a_partial_spec_name_gets_a_suggestion():
    result = tr.check_spec_review({"S3": "assumption"}, spec="payroll")
    assert not result.answered and "Did you mean 'payroll_overtime'?" in result.summary


_TEXT = st.one_of(st.none(), st.just(...), st.integers(-3, 30), st.text(max_size=12),
                  st.sampled_from(list(tr.CATEGORIES) + ["no gap", "missing", "SW3", "S4"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.dictionaries(_TEXT, st.one_of(_TEXT, st.lists(_TEXT, max_size=3)), max_size=6),
                 st.lists(_TEXT, max_size=6), _TEXT))
def test_check_spec_review_never_raises(answer):
    result = tr.check_spec_review(answer)
    assert isinstance(result, Feedback)
    assert isinstance(tr.found_gaps(answer), list)


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(sorted(SWAP_ANSWER)), max_size=8))
def test_marking_more_real_gaps_never_finds_fewer(keys):
    marks = {k: SWAP_ANSWER[k] for k in keys}
    result = tr.check_spec_review(marks)
    if not keys:
        assert not result.answered and tr.found_gaps(marks) == []
        return
    found = int(re.search(r"found (\d+) of", result.summary).group(1))
    assert found == len(keys)
    assert result.ok == (len(keys) == len(SWAP_ANSWER))
    assert len(tr.found_gaps(marks)) == len(keys)


# =============================================================================================
# check_trace
# =============================================================================================
def _key_triples(change: str, model) -> list[tuple[str, str, str]]:
    key = tr.key_edges(change, model=model)
    return list(zip(key["from_node"], key["to_node"], key["effect"]))


@pytest.mark.parametrize("change", ["swap auto-approval", "reliable Android push", "overtime rules in payroll export",
                                    "schedule templates across locations"])
def test_the_key_edges_are_a_complete_trace(change, model):
    result = tr.check_trace(_key_triples(change, model), change, model=model)
    assert result.ok, str(result)
    assert "A complete trace" in result.summary


def test_trace_feedback_names_each_kind_of_mistake(model):
    result = tr.check_trace([
        ("swap auto-approval", "swap wait time", "-"),          # right
        ("swap wait time", "support tickets", "-"),             # wrong sign
        ("manager admin time", "manager approval workload"),    # reversed
        ("swap auto-approval", "support tickets", "+"),         # skips a step
        ("staff app rating", "90-day retention", "+"),          # no such link
        ("overtime", "overtime cost", "+"),                     # unknown node
        ("unfilled shifts", "overtime hours", "+"),             # right but not connected
    ], "swap auto-approval", model=model)
    by_label = {c.label.split(" (")[0]: c for c in result.checks}
    assert by_label["swap auto-approval → swap wait time"].ok is True
    assert "sign is +" in by_label["swap wait time → support tickets"].message
    assert "other way round" in by_label["manager admin time → manager approval workload"].message
    skip = by_label["swap auto-approval → support tickets"].message
    assert "through 1 step in between" in skip and "swap wait time" not in skip       # a hint, not the answer
    assert "no link" in by_label["staff app rating → 90-day retention"].message
    assert "Did you mean 'overtime" in by_label["overtime → overtime cost"].message
    assert any(c.label == "Not connected to the change" for c in result.checks)
    assert any(c.label == "Watch out" and "support tickets" in c.message for c in result.checks)
    assert "1 edge with the wrong sign" in result.summary and "4 edges not in the model" in result.summary


def test_missing_edges_are_hints_until_revealed(model):
    start = [("reliable Android push", "missed shift changes", "-")]
    hinted = tr.check_trace(start, "B06", model=model)
    missing = [c for c in hinted.checks if c.label.startswith("Missing")]
    # one hint per node the trace already reaches, with all its missing links in it
    assert [c.label for c in missing] == ["Missing: 3 links from missed shift changes"]
    assert "What does missed shift changes change next?" in missing[0].message
    assert "unfilled shifts" not in str(hinted)                  # nodes further on are not given away
    assert "2 more missing links not hinted at yet" in hinted.note
    revealed = tr.check_trace(start, "B06", reveal=True, model=model)
    assert sum(c.label.startswith("Missing") for c in revealed.checks) == 5
    assert "missed shift changes → unfilled shifts (+)" in str(revealed)


@pytest.mark.parametrize("answer", [
    ["swap auto-approval -> swap wait time (-)", "swap wait time → support tickets: +"],
    "swap auto-approval -> swap wait time -\nswap wait time --> support tickets +",
    [{"from": "B04", "to": "Swap Wait Time", "effect": "decreases"}, {"from_node": "swap wait time",
                                                                       "to_node": "support tickets", "sign": 1}],
    pd.DataFrame({"from_node": ["swap auto-approval", "swap wait time"], "to_node": ["swap wait time", "support tickets"],
                  "effect": ["-", "+"]}),
])
def test_trace_forms_are_read_alike(answer, model):
    result = tr.check_trace(answer, "swap auto-approval", model=model)
    assert "2 edges match the model" in result.summary, str(result)
    assert tr.edge_pairs(answer, model=model) == [["swap auto-approval", "swap wait time"],
                                                  ["swap wait time", "support tickets"]]


@pytest.mark.parametrize("answer", [..., None, "", [], [...], [("a", "b"), ...], 7, 2.5, {"x": 1}, [("x",)],
                                    "no arrows at all", [1, 2, 3], object()])
def test_unanswered_and_malformed_traces_get_a_friendly_message(answer, model):
    result = tr.check_trace(answer, "swap auto-approval", model=model)
    assert isinstance(result, Feedback) and not result.answered and result.summary


def test_unknown_change_is_a_message(model):
    result = tr.check_trace([("a", "b")], "world peace", model=model)
    assert not result.answered and "not a change" in result.summary


def test_a_long_chain_is_not_called_no_link(model):
    # the shortcut the facilitator note warns about: from the change straight to retention
    result = tr.check_trace([("reliable Android push", "90-day retention", "+")], "B06", model=model)
    check = result.failed[0]
    assert "not a direct link" in check.message and "4 steps in between" in check.message
    assert "no link" not in check.message and "missed shift changes" not in check.message
    revealed = tr.check_trace([("reliable Android push", "90-day retention", "+")], "B06", reveal=True, model=model)
    assert "through 'missed shift changes', 'unfilled shifts'" in revealed.failed[0].message


def test_pasting_the_whole_model_is_not_a_complete_trace(model):
    everything = list(zip(model.edges["from_node"], model.edges["to_node"], model.edges["effect"]))
    result = tr.check_trace(everything, "reliable Android push", model=model)
    assert not result.ok and "A complete trace" not in result.summary
    assert "8 edges that this change does not set off" in result.summary
    off = next(c for c in result.checks if c.label == "swap auto-approval → swap wait time")
    assert off.ok is False and "not part of what reliable Android push sets off" in off.message
    own = tr.check_trace(_key_triples("reliable Android push", model), "reliable Android push", model=model)
    assert own.ok                                                           # its own links are still fine


def test_repeated_edges_are_reported_once(model):
    edge = ("swap auto-approval", "swap wait time", "-")
    result = tr.check_trace([edge] * 50, "swap auto-approval", model=model)
    lines = [c for c in result.checks if c.label.startswith("swap auto-approval → swap wait time")]
    assert len(lines) == 1 and lines[0].ok is True and "50 times" in lines[0].message
    both = tr.check_trace([edge, ("Swap Auto-Approval", "swap wait time", "+")], "B04", model=model)
    line = next(c for c in both.checks if c.label.startswith("swap auto-approval → swap wait time"))
    assert "with both signs" in line.message and "Keep the one you mean" in line.message


def test_huge_traces_give_a_short_answer(model):
    junk = [(f"node {i}", "support tickets", "+") for i in range(500)]
    result = tr.check_trace([("swap auto-approval", "swap wait time", "-")] + junk, "B04", model=model)
    per_edge = [c for c in result.checks if c.label.startswith("node ")]
    assert len(per_edge) == tr.MAX_EDGE_LINES
    more = next(c for c in result.checks if c.label.endswith("more"))
    assert "470 more lines" in more.message and "500 edges not in the model" in result.summary


@pytest.mark.parametrize("answer", [
    "reliable Android push -> missed shift changes (-) -> support tickets (+)",
    ["Reliable Android Push → Missed Shift Changes: -", "missed shift changes --> support tickets +"],
    {"reliable Android push": {"missed shift changes": "-"}, "missed shift changes": {"support tickets": "+"}},
    {"reliable Android push": ("missed shift changes", "-"), "missed shift changes": ["support tickets"]},
])
def test_chains_and_mappings_are_read(answer, model):
    result = tr.check_trace(answer, "B06", model=model)
    assert "2 edges match the model" in result.summary, str(result)
    assert tr.edge_pairs(answer, model=model) == [["reliable Android push", "missed shift changes"],
                                                  ["missed shift changes", "support tickets"]]


@pytest.mark.parametrize("answer, words", [
    ([("reliable Android push", "missed shift changes", "-", "weeks")], "4 parts"),
    ([("reliable Android push",)], "1 part;"),
    (["reliable Android push and then missed shift changes"], "no arrow"),
    ({"reliable Android push": 3}, "not a node name"),
])
def test_unreadable_edges_say_why(answer, words, model):
    result = tr.check_trace(answer, "B06", model=model)
    assert not result.answered and words in result.summary


@pytest.mark.parametrize("start", ["90-day retention", "support tickets", "Staff App Rating"])
def test_tracing_from_the_end_of_a_chain_is_a_message(start, model):
    result = tr.check_trace([("a", "b")], start, model=model)
    assert not result.answered and "nothing to trace" in result.summary
    assert "swap auto-approval" in result.summary                           # says where to start instead
    key = tr.key_edges(start, model=model)
    assert key.empty and "leads_to" in key.columns


def test_a_partial_change_name_gets_a_suggestion(model):
    result = tr.check_trace([("a", "b")], "templates", model=model)
    assert "Did you mean 'schedule templates across locations'?" in result.summary


_NODE = st.sampled_from(["swap auto-approval", "swap wait time", "support tickets", "overtime hours",
                         "missed shift changes", "unfilled shifts", "nonsense", "B04", "", "90-day retention"])
_SIGN = st.sampled_from(["+", "-", "x", None, 1, -1, "up"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.tuples(_NODE, _NODE), st.tuples(_NODE, _NODE, _SIGN), st.text(max_size=20)),
                max_size=8))
def test_check_trace_never_raises_and_counts_add_up(edges):
    model = tr.load_system_model()
    result = tr.check_trace(edges, "swap auto-approval", model=model)
    assert isinstance(result, Feedback)
    pairs = tr.edge_pairs(edges, model=model)
    assert all(isinstance(p, list) and len(p) == 2 for p in pairs)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_adding_a_model_edge_never_loses_a_key_link(data):
    model = tr.load_system_model()
    key = _key_triples("swap auto-approval", model)
    chosen = data.draw(st.lists(st.sampled_from(key), unique=True, max_size=len(key)))
    extra = data.draw(st.sampled_from(key))

    def found(edges):
        return int(re.search(r"You have (\d+) of", tr.check_trace(edges, "swap auto-approval", model=model).summary)
                   .group(1))

    if not chosen:
        assert not tr.check_trace(chosen, "swap auto-approval", model=model).answered
        chosen = [key[0]]
    assert found(chosen) == len(chosen)
    assert found(chosen + [extra]) >= found(chosen)


# =============================================================================================
# check_problem_rewrite
# =============================================================================================
def test_a_good_rewrite_passes_every_check():
    result = tr.check_problem_rewrite(
        "Managers at new multi-site accounts leave swap requests waiting for two or three days. Only 61% of swap "
        "requests end in a completed swap.",
        "How might we get most swaps decided within a few hours without adding work for managers?")
    assert result.ok, str(result)


def test_a_solution_dressed_as_a_problem_fails():
    result = tr.check_problem_rewrite("We should rewrite the engine on a constraint solver.",
                                      "Should we build the solver this quarter?")
    failed = {c.label for c in result.failed}
    assert {"The problem names no solution", "The question is open", "The question leaves the how to the team",
            "Gives evidence or size"} <= failed
    assert "'rewrite'" in str(result)


def test_rewrite_forms_and_unanswered():
    good = ("Staff at care homes wait days for swaps; 61% complete.", "What would get swaps decided faster?")
    assert tr.check_problem_rewrite(*good).answered
    assert tr.check_problem_rewrite({"problem": good[0], "question": good[1]}).answered
    assert tr.check_problem_rewrite(list(good)).answered
    for problem, question in [(..., ...), (None, None), ("", ""), ("text here", ...), (5, "How?"), ("x", ["a"])]:
        result = tr.check_problem_rewrite(problem, question)
        assert not result.answered and result.summary
