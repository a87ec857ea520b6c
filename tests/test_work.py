"""pmkit.work: learners' answers survive restarts, bad files and odd values, and nothing is lost."""

from __future__ import annotations

import json
import os

import pytest

from pmkit import work
from pmkit.work import answers_path, keep_answer, load_answer, load_answers, save_answer, show_saved

MODULE = "03-prioritization"


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    folder = tmp_path / "my-work"
    monkeypatch.setenv("PMKIT_WORK_DIR", str(folder))
    return folder


def _backups(folder):
    return sorted(folder.glob(f"{MODULE}/answers.json.bak-*"))


def test_round_trip_in_the_work_dir(work_dir):
    path = save_answer(MODULE, "prediction", ["B01", "B03", "B07"])
    assert path == work_dir / MODULE / "answers.json"
    assert load_answer(MODULE, "prediction") == ["B01", "B03", "B07"]
    save_answer(MODULE, "rationale", "Templates first — £140k can wait. Ünïcödé kept.")
    assert load_answer(MODULE, "rationale") == "Templates first — £140k can wait. Ünïcödé kept."
    assert load_answer(MODULE, "prediction") == ["B01", "B03", "B07"]  # other answers are kept
    save_answer(MODULE, "prediction", ("B05", "B01", "B03"))
    assert load_answer(MODULE, "prediction") == ["B05", "B01", "B03"]  # replaced, tuples as lists
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "Ünïcödé" in text
    assert json.loads(text) == {"prediction": ["B05", "B01", "B03"],
                                "rationale": "Templates first — £140k can wait. Ünïcödé kept."}


def test_a_file_resaved_with_a_byte_order_mark_is_read_not_moved_aside(work_dir, capsys):
    path = save_answer(MODULE, "rationale", "Templates first.")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # what Windows Notepad does
    assert load_answer(MODULE, "rationale") == "Templates first."
    assert not _backups(work_dir) and "moved" not in capsys.readouterr().out
    save_answer(MODULE, "prediction", ["B01"])  # and saving over it keeps both answers
    assert load_answer(MODULE, "rationale") == "Templates first."


def test_missing_answers_give_the_default(work_dir):
    assert load_answer(MODULE, "nothing") is None
    assert load_answer(MODULE, "nothing", default=...) is Ellipsis
    assert load_answers("07-after") == {}
    assert not (work_dir / "07-after").exists()  # reading never creates files


def test_modules_are_kept_apart():
    save_answer("03-prioritization", "x", 1)
    save_answer("05-writing", "x", 2)
    assert load_answer("03-prioritization", "x") == 1 and load_answer("05-writing", "x") == 2


@pytest.mark.parametrize("bad", ["../escape", "a/b", "", ".hidden", 3, None, "with space"])
def test_unsafe_names_are_refused(bad):
    with pytest.raises(ValueError, match="cannot be used"):
        save_answer(bad, "key", 1)
    with pytest.raises(ValueError, match="cannot be used"):
        save_answer(MODULE, bad, 1)


@pytest.mark.parametrize("value", [object(), {1, 2}, float("nan"), [..., "B01"], b"bytes"])
def test_values_that_are_not_json_are_refused_before_touching_the_file(value):
    save_answer(MODULE, "kept", "safe")
    before = answers_path(MODULE).read_bytes()
    with pytest.raises(TypeError, match="cannot be saved"):
        save_answer(MODULE, "bad", value)
    assert answers_path(MODULE).read_bytes() == before


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"prediction": ["B01", "B03"', "not valid JSON"),
        (b"[1, 2, 3]", "holds a list"),
        (b"", "it is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_a_corrupted_file_is_moved_aside_with_a_message(work_dir, capsys, content, reason):
    path = work_dir / MODULE / "answers.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert load_answer(MODULE, "prediction", default="fallback") == "fallback"
    out = capsys.readouterr().out
    assert reason in out and "moved to answers.json.bak-" in out and "nothing is lost" in out
    backups = _backups(work_dir)
    assert len(backups) == 1 and backups[0].read_bytes() == content  # the learner's bytes are kept
    assert not path.exists()
    # saving starts a fresh file next to the backup
    save_answer(MODULE, "prediction", ["B01"])
    assert load_answer(MODULE, "prediction") == ["B01"]
    assert len(_backups(work_dir)) == 1


def test_saving_over_a_corrupted_file_keeps_the_old_one(work_dir, capsys):
    path = work_dir / MODULE / "answers.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    save_answer(MODULE, "rationale", "text")
    assert "could not be read" in capsys.readouterr().out
    assert json.loads(path.read_text(encoding="utf-8")) == {"rationale": "text"}
    assert _backups(work_dir)[0].read_text(encoding="utf-8") == "{not json"


def test_two_corruptions_in_the_same_second_get_two_backups(work_dir, monkeypatch):
    path = work_dir / MODULE / "answers.json"
    path.parent.mkdir(parents=True)
    for content in ("first broken", "second broken"):
        path.write_text(content, encoding="utf-8")
        load_answers(MODULE)
    contents = sorted(p.read_text(encoding="utf-8") for p in _backups(work_dir))
    assert contents == ["first broken", "second broken"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(work_dir, monkeypatch):
    save_answer(MODULE, "prediction", ["B01", "B03", "B07"])
    before = answers_path(MODULE).read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(work.os, "replace", broken_replace)
        with pytest.raises(OSError, match="disk full"):
            save_answer(MODULE, "prediction", ["B05"])
    assert answers_path(MODULE).read_bytes() == before
    assert sorted(p.name for p in (work_dir / MODULE).iterdir()) == ["answers.json"]


def test_writes_go_through_a_temp_file_and_os_replace(work_dir, monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((os.path.basename(src), os.path.basename(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(work.os, "replace", spy)
    save_answer(MODULE, "k", 1)
    assert len(calls) == 1 and calls[0][1] == "answers.json" and calls[0][0].endswith(".tmp")


# ---------------------------------------------------------------------------------------------
# keep_answer: what the exercise notebooks call
# ---------------------------------------------------------------------------------------------
def test_keep_answer_saves_a_real_answer(capsys):
    assert keep_answer(MODULE, "prediction", ["B01", "B03", "B07"]) == ["B01", "B03", "B07"]
    assert "Saved your answer for 'prediction'" in capsys.readouterr().out
    assert load_answer(MODULE, "prediction") == ["B01", "B03", "B07"]


@pytest.mark.parametrize("placeholder", [..., None, "", "   ", [], [..., ...]])
def test_keep_answer_brings_back_a_saved_answer_after_a_restart(capsys, placeholder):
    keep_answer(MODULE, "prediction", ["B01", "B03", "B07"])
    capsys.readouterr()
    # the kernel restarts; the cell still holds the placeholder
    assert keep_answer(MODULE, "prediction", placeholder) == ["B01", "B03", "B07"]
    assert "Brought back your saved answer" in capsys.readouterr().out


def test_keep_answer_with_nothing_saved_returns_the_placeholder(capsys):
    assert keep_answer(MODULE, "prediction", ...) is Ellipsis
    assert capsys.readouterr().out == ""
    assert not answers_path(MODULE).exists()


def test_keep_answer_never_raises(capsys):
    value = object()
    assert keep_answer(MODULE, "weird", value) is value
    assert "was not saved" in capsys.readouterr().out
    partial = ["B01", ...]
    assert keep_answer(MODULE, "prediction", partial) is partial
    assert "still contains ..." in capsys.readouterr().out
    assert keep_answer("../bad", "k", "x") == "x"
    assert "was not saved" in capsys.readouterr().out


def test_keep_answer_survives_a_corrupted_file(work_dir, capsys):
    path = work_dir / MODULE / "answers.json"
    path.parent.mkdir(parents=True)
    path.write_text("{{{", encoding="utf-8")
    assert keep_answer(MODULE, "rationale", ...) is Ellipsis
    assert "moved to answers.json.bak-" in capsys.readouterr().out
    assert keep_answer(MODULE, "rationale", "New text") == "New text"
    assert load_answer(MODULE, "rationale") == "New text"


def test_show_saved_lists_answers(capsys):
    assert show_saved(MODULE) == {}
    assert "No saved answers yet" in capsys.readouterr().out
    save_answer(MODULE, "prediction", ["B01", "B03", "B07"])
    save_answer(MODULE, "rationale", "word " * 100)
    saved = show_saved(MODULE)
    out = capsys.readouterr().out
    assert set(saved) == {"prediction", "rationale"}
    assert "prediction: ['B01', 'B03', 'B07']" in out and "…" in out  # long answers are shortened


def test_work_dir_override_is_respected(tmp_path, monkeypatch):
    other = tmp_path / "elsewhere"
    monkeypatch.setenv("PMKIT_WORK_DIR", str(other))
    save_answer(MODULE, "k", "v")
    assert (other / MODULE / "answers.json").is_file()


# ---------------------------------------------------------------------------------------------
# The learner's notebook: answer, restart, run again -> the answers come back
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_learner_notebook_answers_survive_a_restart(work_dir):
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    root = Path(__file__).resolve().parent.parent
    path = root / "exercises" / "03_prioritization_exercises.ipynb"

    def run(nb):
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(root)}}).execute()
        return "\n".join(
            out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
        )

    answered = nbformat.read(path, as_version=4)
    for cell in answered.cells:
        if "exercise" not in cell.metadata.get("tags", []):
            continue
        cell.source = (
            cell.source.replace("my_prediction = ...", 'my_prediction = ["B01", "B03", "B07"]')
            .replace("misleading_item = ...", 'misleading_item = "b02"')
            .replace("misleading_reason = ...", 'misleading_reason = "dependency"')
            .replace("my_rationale = ...", 'my_rationale = "Managers of new multi-site accounts save hours."')
        )
        if cell.source.rstrip().endswith("\n..."):
            cell.source = cell.source.rstrip()[:-3] + 'm.set_estimate("B05", "reach", 11_000)\nm.set_estimate("B04", "effort", 6)'
    first = run(answered)
    assert "All three right" in first and 'Defensible: B02' in first
    saved = load_answers(MODULE)
    assert saved["prediction"] == ["B01", "B03", "B07"] and saved["misleading_item"] == "b02"

    # A new kernel and a fresh copy of the notebook: every answer cell still holds "..."
    second = run(nbformat.read(path, as_version=4))
    assert second.count("Brought back your saved answer") == 4
    assert "Defensible: B02" in second and "Self-check of your rationale" in second
    assert "You have not answered yet" not in second
