"""Cohort mode: export round-trip, anonymity, and pooling a hostile shared folder without crashing,
without losing good submissions, without executing anything and without reading outside the folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit import cohort, work
from pmkit.cohort import FORMAT, VERSION, CohortError

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 7, 14, 18, 0, tzinfo=timezone.utc)
SECRET = "TOP-SECRET-OUTSIDE-CONTENT-7f3a"


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    folder = tmp_path / "my-work"
    monkeypatch.setenv("PMKIT_WORK_DIR", str(folder))
    return folder


@pytest.fixture
def shared(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def keys():
    return {"03-prioritization/prediction": ["B01", "B03", "B07"],
            "07-after-the-switch/problem_or_solution": {"P01": ("problem", "Statement one"),
                                                        "P02": ("solution", "Statement two"),
                                                        "P03": ("problem", "Statement three")}}


def submission(learner="amber-otter-3f9a", created=T0, rice=None, readiness=True, statements=None, **extra):
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "learner": learner,
        "created": created.isoformat(),
        "readiness": {"total": 50.0, "areas": {a: 50.0 for a in cohort.AREAS}, "top_gaps": ["writing"],
                      "taken_at": T0.isoformat()} if readiness else None,
        "rice_estimates": rice if rice is not None else {"B04": {"reach": 1000, "impact": 2, "confidence": 0.8, "effort": 3}},
        "statements": statements if statements is not None else {"03-prioritization/prediction": ["B01", "B03", "B07"]},
    }
    doc.update(extra)
    return doc


def put(folder: Path, name: str, doc) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def everything_shown(p: cohort.Pool) -> str:
    """Every table and text a facilitator can see, as one string."""
    frames = [p.estimates, p.spread, p.readiness, p.statements, p.texts, p.report]
    return "\n".join(f.to_csv() for f in frames) + p.summary() + "\n".join(p.notes) + repr(p)


# ------------------------------------------------------------------------------------------------
# Learner side
# ------------------------------------------------------------------------------------------------
def save_some_work():
    """Answers as the module notebooks save them, and two RICE calculator changes."""
    from pmkit.data import load_backlog
    from pmkit.widgets.rice import RiceCalculatorModel

    work.save_answer("03-prioritization", "prediction", ["B01", "B03", "B07"])
    work.save_answer("03-prioritization", "misleading_item", "B02")
    work.save_answer("03-prioritization", "misleading_reason", "dependency")
    work.save_answer("07-after-the-switch", "problem_or_solution", {"P01": "problem", "P02": "problem"})
    work.save_answer("02-customer-discovery", "insights", ["Managers need X because Y."])
    work.save_answer("02-customer-discovery", "problem_statement", "Rotawise was meant to ...")
    model = RiceCalculatorModel(load_backlog())
    model.set_estimate("B04", "effort", 8)
    model.set_estimate("B14", "impact", 0.25)
    model.save()
    return model


def test_export_round_trip(shared, keys):
    model = save_some_work()
    path = cohort.export_submission(shared, when=T0)
    assert path.parent == shared and path.suffix == ".json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert data["learner"] == cohort.pseudonym()
    assert data["created"] == T0.isoformat()
    # the RICE calculator's changes, with the team's values for the other factors
    assert set(data["rice_estimates"]) == {"B04", "B14"}
    assert data["rice_estimates"]["B04"] == {f: model.estimate("B04", f) for f in cohort.RICE_FIELDS}
    assert data["rice_estimates"]["B04"]["effort"] == 8
    assert data["statements"]["03-prioritization/prediction"] == ["B01", "B03", "B07"]
    assert data["statements"]["07-after-the-switch/problem_or_solution"] == {"P01": "problem", "P02": "problem"}
    assert data["statements"]["02-customer-discovery/problem_statement"] == "Rotawise was meant to ..."
    # and the pool reads it back
    p = cohort.pool(shared, answer_keys=keys)
    assert p.n == 1 and p.report.empty
    assert p.estimates.set_index("item_id").loc["B04", "effort"] == 8
    row = p.statements.set_index("statement").loc["P02"]
    assert row["wrong"] == 1 and row["share_wrong"] == 1.0
    assert p.statements.set_index("statement").loc["prediction", "wrong"] == 0


def test_export_includes_the_latest_readiness_result(shared):
    readiness = pytest.importorskip("pmkit.readiness")
    questions = readiness.load_questions()
    result = readiness.score({q.id: 2 for q in questions}, questions)
    readiness.save_attempt(result, when="2026-07-01T10:00:00")
    path = cohort.export_submission(shared, when=T0)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["readiness"]["total"] == pytest.approx(result.total)
    assert set(data["readiness"]["areas"]) == set(readiness.AREAS)
    assert "answers" not in data["readiness"]  # scores only, never the answers themselves


def test_text_answers_can_be_left_out(shared):
    save_some_work()
    data = json.loads(cohort.export_submission(shared, include_text=False).read_text(encoding="utf-8"))
    assert not any(k.startswith("02-customer-discovery") for k in data["statements"])


def test_anonymous_by_default_and_names_only_by_choice(shared):
    save_some_work()
    anon = json.loads(cohort.export_submission(shared, name="Ada Lovelace").read_text(encoding="utf-8"))
    assert anon["learner"] == cohort.pseudonym()
    files = "".join(p.read_text(encoding="utf-8") + p.name for p in shared.iterdir())
    assert "Ada" not in files and "Lovelace" not in files
    named = cohort.export_submission(shared, name="Ada Lovelace", anonymous=False)
    assert json.loads(named.read_text(encoding="utf-8"))["learner"] == "Ada Lovelace"
    assert named.name.startswith("ada-lovelace-")
    with pytest.raises(CohortError, match="name"):
        cohort.export_submission(shared, anonymous=False)


def test_pseudonym_is_stable_random_and_not_the_name(tmp_path, monkeypatch):
    first = cohort.pseudonym()
    assert re.fullmatch(r"[a-z]+-[a-z]+-[0-9a-f]{4}", first)
    assert cohort.pseudonym() == first
    names = set()
    for k in range(5):
        monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / f"other-{k}"))
        names.add(cohort.pseudonym())
    assert len(names) >= 4  # 268 million possibilities: five learners collide with negligible odds


def test_export_never_overwrites_and_leaves_no_temporary_files(shared):
    save_some_work()
    paths = {cohort.export_submission(shared, when=T0) for _ in range(5)}
    assert len(paths) == 5 and all(p.is_file() for p in paths)
    assert sorted(p.name for p in shared.iterdir()) == sorted(p.name for p in paths)
    # a stranger's file with a colliding-looking name is untouched
    stranger = shared / "someone-else.json"
    stranger.write_text("keep me", encoding="utf-8")
    cohort.export_submission(shared, when=T0)
    assert stranger.read_text(encoding="utf-8") == "keep me"


def test_handing_in_twice_keeps_the_newest(shared):
    save_some_work()
    cohort.export_submission(shared, when=T0)
    work.save_answer("03-prioritization", "prediction", ["B01", "B03", "B04"])
    newest = cohort.export_submission(shared, when=T0 + timedelta(hours=1))
    p = cohort.pool(shared, answer_keys={"03-prioritization/prediction": ["B01", "B03", "B07"]})
    assert p.n == 1
    assert p.statements.loc[0, "wrong"] == 1  # the newer (wrong) prediction counts
    dup = p.report[p.report["status"] == "duplicate"]
    assert len(dup) == 1 and newest.name in dup.iloc[0]["reason"]


def test_export_errors_are_plain(shared, tmp_path, capsys):
    with pytest.raises(CohortError, match="does not exist"):
        cohort.export_submission(tmp_path / "nope")
    afile = tmp_path / "a-file"
    afile.write_text("x")
    with pytest.raises(CohortError, match="is a file"):
        cohort.export_submission(afile)
    with pytest.raises(CohortError, match="nothing to hand in"):
        cohort.export_submission(shared)
    # the notebook version prints instead of raising
    assert cohort.submit(tmp_path / "nope") is None
    assert "not handed in" in capsys.readouterr().out
    save_some_work()
    path = cohort.submit(shared)
    out = capsys.readouterr().out
    assert path is not None and "pseudonym" in out and "RICE estimates for 2 item(s)" in out


def test_a_damaged_saved_answer_is_left_out_with_a_message(shared):
    save_some_work()
    work.save_answer("03-prioritization", "prediction", ["B01", "B01"])  # not three different ids
    parts, messages = cohort.gather()
    assert "03-prioritization/prediction" not in parts["statements"]
    assert any("Predict the new top three" in m for m in messages)


# ------------------------------------------------------------------------------------------------
# The hostile shared folder
# ------------------------------------------------------------------------------------------------
def build_hostile_folder(folder: Path, outside: Path) -> dict[str, str]:
    """Every case from the issue, each in its own file; returns {file: expected status}."""
    expect = {}
    put(folder, "good-1.json", submission("learner-one"))
    put(folder, "good-2.json", submission("learner-two", rice={"B04": {"reach": 1000, "impact": 1, "confidence": 0.5, "effort": 6}}))
    expect["good-1.json"] = expect["good-2.json"] = None
    (folder / "malformed.json").write_text('{"format": "pmkit-cohort-submission", "version": 1,, }', encoding="utf-8")
    expect["malformed.json"] = "skipped"
    text = json.dumps(submission("learner-three"), indent=2)
    (folder / "truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    expect["truncated.json"] = "skipped"
    put(folder, "dup-old.json", submission("learner-one", created=T0 - timedelta(days=1)))
    expect["dup-old.json"] = "duplicate"
    big = submission("learner-big")
    big["padding"] = "x" * (cohort.MAX_BYTES + 10)
    put(folder, "oversized.json", big)
    expect["oversized.json"] = "skipped"
    put(folder, "wrong-format.json", {**submission("learner-four"), "format": "something-else"})
    expect["wrong-format.json"] = "skipped"
    put(folder, "wrong-version.json", {**submission("learner-five"), "version": 2})
    expect["wrong-version.json"] = "skipped"
    put(folder, "version-text.json", {**submission("learner-five-b"), "version": "1"})
    expect["version-text.json"] = "skipped"
    bad_values = submission(
        "learner-six",
        rice={
            "B01": {"reach": 5000, "impact": 2, "confidence": 1.0, "effort": 2},  # good: kept
            "B02": {"reach": 10, "impact": 4, "confidence": 0.8, "effort": 1},  # impact off the scale
            "B03": {"reach": -5, "impact": 1, "confidence": 0.8, "effort": 1},  # negative reach
            "B05": {"reach": "many", "impact": 1, "confidence": 0.8, "effort": 1},  # text
            "B06": {"reach": 10, "impact": 1, "confidence": 80, "effort": 1},  # percent, not fraction
            "B07": {"reach": 10, "impact": 1, "confidence": 0.8, "effort": 0},  # zero effort
            "B08": {"reach": 10, "impact": True, "confidence": 0.8, "effort": 1},  # a boolean
            "B09": [1, 2, 3],
        },
        statements={"03-prioritization/prediction": "B01 B03 B07", "07-after-the-switch/problem_or_solution": {"P01": "problem"},
                    "99-unknown/thing": 1},
    )
    bad_values["readiness"]["areas"]["writing"] = 140
    bad_values["readiness"]["areas"]["astrology"] = 50
    bad_values["readiness"]["total"] = "high"
    put(folder, "bad-values.json", bad_values)
    expect["bad-values.json"] = "partly used"
    (folder / "latin1.json").write_bytes(json.dumps(submission("caf\u00e9"), ensure_ascii=False).encode("latin-1"))
    expect["latin1.json"] = "skipped"
    (folder / "empty.json").write_bytes(b"")
    expect["empty.json"] = "skipped"
    (folder / "blank.json").write_bytes(b"  \n\t ")
    expect["blank.json"] = "skipped"
    (folder / "a-folder.json").mkdir()
    put(folder / "a-folder.json", "inside.json", submission("learner-in-subfolder"))
    expect["a-folder.json"] = "skipped"
    (folder / "subdir").mkdir()
    expect["subdir"] = "skipped"
    # links: never followed, wherever they point
    secret_file = outside / "secret.json"
    secret_file.write_text(json.dumps(submission("outsider", statements={"02-customer-discovery/problem_statement": SECRET})),
                           encoding="utf-8")
    os.symlink(secret_file, folder / "link-out.json")
    expect["link-out.json"] = "skipped"
    os.symlink(outside, folder / "link-to-dir.json")
    expect["link-to-dir.json"] = "skipped"
    os.symlink(folder / "good-2.json", folder / "link-in.json")
    expect["link-in.json"] = "skipped"
    os.symlink(outside / "missing.json", folder / "dangling.json")
    expect["dangling.json"] = "skipped"
    os.link(secret_file, folder / "hardlink-out.json")
    expect["hardlink-out.json"] = "skipped"
    os.mkfifo(folder / "pipe.json")
    expect["pipe.json"] = "skipped"
    (folder / "notes.txt").write_text(SECRET, encoding="utf-8")
    expect["notes.txt"] = "ignored"
    (folder / "submission.json.bak").write_text(json.dumps(submission("learner-bak")), encoding="utf-8")
    expect["submission.json.bak"] = "ignored"
    (folder / ".pmkit-123.part").write_text("half", encoding="utf-8")
    expect[".pmkit-123.part"] = "ignored"
    (folder / "array.json").write_text("[1, 2, 3]", encoding="utf-8")
    expect["array.json"] = "skipped"
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    expect["deep.json"] = "skipped"
    (folder / "huge-int.json").write_text('{"version": ' + "9" * 5000 + "}", encoding="utf-8")
    expect["huge-int.json"] = "skipped"
    put(folder, "no-learner.json", {**submission("x"), "learner": ["not", "text"]})
    expect["no-learner.json"] = "skipped"
    # a would-be payload: only ever data
    marker = outside / "executed"
    payload = submission("learner-seven", statements={
        "02-customer-discovery/problem_statement": f"__import__('os').system('touch {marker}')"})
    payload["__reduce__"] = "os.system"
    put(folder, "payload.json", payload)
    expect["payload.json"] = "partly used"
    (folder / "nan.json").write_text(
        '{"format": "pmkit-cohort-submission", "version": 1, "learner": "learner-nan", '
        '"rice_estimates": {"B01": {"reach": NaN, "impact": 1, "confidence": 0.8, "effort": Infinity}}, '
        '"statements": {"03-prioritization/prediction": ["B01", "B03", "B07"]}}', encoding="utf-8")
    expect["nan.json"] = "partly used"
    return expect


@pytest.fixture
def hostile(tmp_path):
    folder = tmp_path / "shared"
    outside = tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    expect = build_hostile_folder(folder, outside)
    return folder, outside, expect


def test_hostile_folder_every_case_is_reported_and_the_good_ones_kept(hostile, keys):
    folder, outside, expect = hostile
    p = cohort.pool(folder, answer_keys=keys)
    statuses = {}
    for row in p.report.itertuples():
        statuses.setdefault(row.file, set()).add(row.status)
    for name, status in expect.items():
        if status is None:
            assert name not in statuses, f"{name} should be pooled cleanly, got {statuses.get(name)}"
        else:
            assert statuses.get(name) == {status}, f"{name}: expected {status}, got {statuses.get(name)}"
    # good ones kept: two good learners, plus the partly-used ones
    assert p.n == 5  # learner-one (newest), learner-two, learner-six, learner-seven, learner-nan
    assert sorted(p.estimates["item_id"]) == ["B01", "B04", "B04", "B04"]  # learner-nan's estimate was NaN
    # learner-one's newest file is kept, its older duplicate is not
    dup = p.report[p.report["file"] == "dup-old.json"].iloc[0]
    assert "good-1.json" in dup["reason"]


def test_reasons_say_what_is_wrong(hostile, keys):
    folder, _outside, _ = hostile
    p = cohort.pool(folder, answer_keys=keys)
    reason = {}
    for file, text in zip(p.report["file"], p.report["reason"]):
        reason[file] = (reason.get(file, "") + " " + text).strip()
    assert "truncated" in reason["truncated.json"]
    assert "not valid JSON" in reason["malformed.json"]
    assert "over the 1 MB limit" in reason["oversized.json"]
    assert "newer pmkit" in reason["wrong-version.json"]
    assert "not a cohort submission" in reason["wrong-format.json"]
    assert "not UTF-8" in reason["latin1.json"]
    assert "empty" in reason["empty.json"] and "empty" in reason["blank.json"]
    assert "symbolic link" in reason["link-out.json"] and "symbolic link" in reason["dangling.json"]
    assert "hard links" in reason["hardlink-out.json"]
    assert "folder" in reason["subdir"]
    assert "not a regular file" in reason["pipe.json"]
    partly = reason["bad-values.json"]
    for fragment in ("impact 4", "reach -5", "'many'", "confidence 80", "effort 0", "B09", "writing score '140'",
                     "astrology", "three item ids", "99-unknown/thing"):
        assert fragment in partly or fragment in " ".join(p.report["reason"]), fragment


def test_bad_fields_are_dropped_and_good_fields_kept(hostile, keys):
    folder, *_ = hostile
    p = cohort.pool(folder, answer_keys=keys, reveal_names=True)
    six = p.estimates[p.estimates["learner"] == "learner-six"]
    assert list(six["item_id"]) == ["B01"]  # the one valid estimate survived
    r = p.readiness.set_index("learner").loc["learner-six"]
    assert r["writing"] != r["writing"]  # NaN: the 140 was dropped
    assert r["discovery"] == 50.0  # the good areas stayed
    drill = p.statements.set_index("statement").loc["P01"]
    assert drill["answered"] >= 1  # learner-six's valid drill answer still counts


def test_links_and_files_outside_the_folder_are_never_read(hostile, monkeypatch, keys):
    folder, outside, _ = hostile
    opened = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        opened.append((Path(path), flags))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(cohort.os, "open", spy)
    p = cohort.pool(folder, answer_keys=keys, reveal_names=True)
    assert SECRET not in everything_shown(p)
    assert "outsider" not in everything_shown(p)
    names = {path.name for path, _ in opened}
    for never in ("link-out.json", "link-in.json", "dangling.json", "hardlink-out.json", "link-to-dir.json",
                  "pipe.json", "oversized.json", "notes.txt", "empty.json"):
        assert never not in names, f"{never} was opened"
    assert opened and all(path.parent == folder for path, _ in opened)
    assert all(flags & os.O_NOFOLLOW for _, flags in opened)


def test_nothing_from_a_submission_is_executed(hostile, keys):
    folder, outside, _ = hostile
    p = cohort.pool(folder, answer_keys=keys)
    assert not (outside / "executed").exists()
    assert p.texts["text"].str.contains("__import__").any()  # it is just text
    source = (ROOT / "src" / "pmkit" / "cohort.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+(pickle|yaml|marshal|shelve|dill)\b", source, flags=re.M)
    assert not re.search(r"(?<![\w.])(eval|exec|compile|__import__)\(", source)


def test_pooling_never_crashes_on_an_empty_or_odd_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    p = cohort.pool(empty)
    assert p.n == 0 and p.spread.empty and p.statements.empty and p.report.empty
    assert "0 learner(s)" in p.summary()
    assert p.discussion_prompts() == []
    for fig in (cohort.spread_figure(p), cohort.readiness_figure(p), cohort.hardest_figure(p)):
        assert fig is not None
    assert "No chart" in cohort.spread_alt(p) and "No chart" in cohort.hardest_alt(p)
    with pytest.raises(CohortError, match="not a folder"):
        cohort.pool(tmp_path / "missing")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_any_bytes_are_pooled_or_reported(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    put(folder, "good.json", submission("learner-good"))
    (folder / "fuzz.json").write_bytes(data)
    p = cohort.pool(folder, answer_keys={}, reveal_names=True)
    assert "learner-good" in p.learners
    assert p.n in (1, 2)
    assert p.n == 2 or "fuzz.json" in set(p.report["file"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                        max_leaves=20))
def test_any_json_in_the_known_fields_is_validated_not_crashed(tmp_path_factory, doc):
    folder = tmp_path_factory.mktemp("fuzzfields")
    base = submission("learner-fuzz")
    for field in ("readiness", "rice_estimates", "statements", "created"):
        put(folder, f"{field}.json", {**base, "learner": f"learner-{field}", field: doc})
    p = cohort.pool(folder, answer_keys={})
    assert p.n == 4  # a bad field never costs the whole submission


# ------------------------------------------------------------------------------------------------
# What the pool computes
# ------------------------------------------------------------------------------------------------
def test_spread_is_sorted_by_disagreement(shared):
    # B01: everyone agrees. B02: the room is split on effort.
    for k, effort in enumerate([1, 1, 8, 8, 2, 6]):
        put(shared, f"s{k}.json", submission(f"learner-{k}", rice={
            "B01": {"reach": 1000, "impact": 2, "confidence": 0.8, "effort": 2},
            "B02": {"reach": 1000, "impact": 2, "confidence": 0.8, "effort": effort},
        }))
    p = cohort.pool(shared, answer_keys={})
    assert list(p.spread["item_id"]) == ["B02", "B01"]
    b01 = p.spread.set_index("item_id").loc["B01"]
    assert b01["disagreement"] == 0 and b01["rice_median"] == pytest.approx(800)
    b02 = p.spread.set_index("item_id").loc["B02"]
    assert b02["most_disputed_factor"] == "effort"
    assert b02["n"] == 6 and b02["effort_median"] == pytest.approx(4)
    q1, q3 = b02["rice_q1"], b02["rice_q3"]
    assert b02["disagreement"] == pytest.approx((q3 - q1) / (q3 + q1))
    assert b02["rice_cv"] > 0


def test_readiness_distribution(shared):
    for k, score in enumerate([10, 30, 35, 55, 90, 100]):
        doc = submission(f"learner-{k}")
        doc["readiness"]["areas"]["writing"] = score
        put(shared, f"r{k}.json", doc)
    p = cohort.pool(shared, answer_keys={})
    hist = p.readiness_histogram()
    writing = hist[hist["area"] == "writing"]
    assert list(writing["count"]) == [1, 2, 1, 0, 2]  # 100 falls in the last band
    assert hist.groupby("area")["count"].sum().eq(6).all()
    s = p.readiness_summary().set_index("area")
    assert s.loc["writing", "median"] == pytest.approx(45)
    assert s.loc["writing", "weakest_for"] == 6


def test_hardest_statements_and_missing_keys(shared, keys):
    answers = [{"P01": "problem", "P02": "problem", "P03": "problem"},
               {"P01": "problem", "P02": "problem", "P03": "solution"},
               {"P01": "problem", "P02": "solution", "P03": "solution"},
               {"P01": "solution", "P02": "problem", "P99": "problem"}]
    for k, a in enumerate(answers):
        put(shared, f"h{k}.json", submission(f"learner-{k}", statements={"07-after-the-switch/problem_or_solution": a}))
    p = cohort.pool(shared, answer_keys=keys)
    table = p.statements.set_index("statement")
    assert list(p.statements["statement"]) == ["P02", "P03", "P01"]
    assert table.loc["P02", "wrong"] == 3 and table.loc["P02", "share_wrong"] == pytest.approx(0.75)
    assert table.loc["P03", "answered"] == 3 and table.loc["P03", "wrong"] == 2
    assert "P99" not in table.index
    # no answer keys at all: nothing is marked
    assert cohort.pool(shared, answer_keys={}).statements.empty


def test_answer_key_files_absent_are_skipped_with_a_note(monkeypatch, tmp_path, shared):
    monkeypatch.setattr(cohort, "DATASETS_DIR", tmp_path / "no-datasets")
    keys, notes = cohort.load_answer_keys()
    assert "07-after-the-switch/problem_or_solution" not in keys
    assert any("problem_or_solution.csv is absent" in n for n in notes)
    put(shared, "a.json", submission("learner-a", statements={"07-after-the-switch/problem_or_solution": {"P01": "problem"}}))
    p = cohort.pool(shared)
    assert any("absent" in n for n in p.notes)


def test_real_answer_keys():
    keys, notes = cohort.load_answer_keys()
    assert keys["03-prioritization/prediction"] == ["B01", "B03", "B07"]
    if (ROOT / "datasets" / "problem_or_solution.csv").is_file():
        drill = keys["07-after-the-switch/problem_or_solution"]
        assert drill and {a for a, _ in drill.values()} <= {"problem", "solution"}


def test_prediction_changes_match_the_exercise():
    """The 03 answer key replays the exercise's changes: they must be the ones the solution makes."""
    nb = json.loads((ROOT / "exercises" / "solutions" / "03_prioritization_exercises.ipynb").read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    calls = re.findall(r'm\.set_estimate\("(B\d+)",\s*"(\w+)",\s*([\d_.]+)\)', source)
    assert {(i, f, float(v.replace("_", ""))) for i, f, v in calls} == {(i, f, float(v)) for i, f, v in cohort.PREDICTION_CHANGES}


def test_anonymised_by_default(hostile, keys):
    folder, *_ = hostile
    p = cohort.pool(folder, answer_keys=keys)
    shown = "\n".join(f.to_csv() for f in (p.estimates, p.spread, p.readiness, p.statements, p.texts))
    assert "learner-one" not in shown and "learner-six" not in shown
    assert p.learners == [f"Learner {k:02d}" for k in range(1, p.n + 1)]
    revealed = cohort.pool(folder, answer_keys=keys, reveal_names=True)
    assert "learner-one" in revealed.learners


def test_figures_have_alt_text(hostile, keys):
    folder, *_ = hostile
    p = cohort.pool(folder, answer_keys=keys)
    for make, alt in ((cohort.spread_figure, cohort.spread_alt), (cohort.readiness_figure, cohort.readiness_alt),
                      (cohort.hardest_figure, cohort.hardest_alt)):
        html = cohort.figure_html(make(p), alt(p), "caption")
        assert '<img src="data:image/png;base64,' in html and 'alt="' in html and "<figcaption>caption" in html
        assert len(alt(p)) > 40


# ------------------------------------------------------------------------------------------------
# The demo folder and scale
# ------------------------------------------------------------------------------------------------
def test_demo_folder_matches_its_generator():
    proc = subprocess.run([sys.executable, str(ROOT / "datasets" / "make_cohort_demo.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_demo_folder_shows_each_kind_of_report():
    p = cohort.pool(cohort.DEMO_FOLDER)
    assert p.n == 12
    status = dict(zip(p.report["file"], p.report["status"]))
    for name in ("truncated-upload.json", "not-json.json", "empty.json", "latin1-export.json",
                 "old-draft-format.json", "from-a-newer-pmkit.json"):
        assert status[name] == "skipped", name
    assert status["facilitator-notes.txt"] == "ignored"
    assert list(status.values()).count("duplicate") == 1
    assert list(status.values()).count("partly used") == 1
    assert len(p.spread_table()) >= 5 and len(p.statements) >= 5
    assert p.discussion_prompts()


def test_pooling_1000_submissions(tmp_path):
    docs = cohort.synthetic_submissions(1000, seed=7, drill_key={"P01": "problem", "P02": "solution"},
                                        prediction_key=["B01", "B03", "B07"])
    for k, doc in enumerate(docs):
        (tmp_path / f"{k:04d}.json").write_text(json.dumps(doc), encoding="utf-8")
    start = time.perf_counter()
    p = cohort.pool(tmp_path, answer_keys={"03-prioritization/prediction": ["B01", "B03", "B07"]})
    seconds = time.perf_counter() - start
    assert p.n == 1000 and p.report.empty
    assert len(p.estimates) == sum(len(d["rice_estimates"]) for d in docs)
    assert seconds < 10, f"pooling 1,000 submissions took {seconds:.1f} s"


def test_synthetic_submissions_are_seeded_and_valid():
    a = cohort.synthetic_submissions(20, seed=3)
    assert a == cohort.synthetic_submissions(20, seed=3)
    assert a != cohort.synthetic_submissions(20, seed=4)
    for doc in a:
        assert not cohort.validate_submission(doc).dropped


def test_facilitator_notebook_is_clean_and_readable():
    import textstat

    nb = json.loads((ROOT / "notebooks" / "facilitator" / "cohort_pooling.ipynb").read_text(encoding="utf-8"))
    assert not [c for c in nb["cells"] if c.get("outputs") or c.get("execution_count")], "commit it without outputs"
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    prose = re.sub(r"```.*?```", " ", prose, flags=re.S)
    prose = re.sub(r"`[^`]*`", "code", prose)
    assert textstat.flesch_reading_ease(re.sub(r"[#*_>]", "", prose)) >= 50
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "cohort.DEMO_FOLDER" in code and "reveal_names=True" not in code  # anonymised by default
