"""The learner exercise notebooks are generated from the solutions and must not drift from them.

``tools/make_exercises.py --check`` is the gate; these tests run it on the real repo, prove that
it does report a drifted copy, and pin down each rule of the generator.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))


def _load_tool():
    spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the file runs
    spec.loader.exec_module(module)
    return module


mx = _load_tool()


def _copy_exercises(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return tmp_path


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


# ---------------------------------------------------------------------------------------------
# The committed notebooks
# ---------------------------------------------------------------------------------------------
def test_there_are_solution_notebooks():
    assert SOLUTIONS, "no exercises/solutions/*.ipynb found"


def test_committed_learner_notebooks_match_their_solutions():
    problems = mx.check(ROOT)
    assert problems == [], "learner notebooks drifted; run python tools/make_exercises.py:\n" + "\n".join(problems)


def test_check_command_passes_on_the_repo(capsys):
    assert mx.main(["--check"]) == 0
    assert "match their solutions" in capsys.readouterr().out


def test_a_hand_edited_learner_copy_is_reported_as_drift(tmp_path, capsys):
    root = _copy_exercises(tmp_path)
    learner = root / "exercises" / SOLUTIONS[0].name
    nb = nbformat.read(learner, as_version=4)
    nb.cells[0].source += "\n\nA sentence added by hand."
    nbformat.write(nb, learner)
    problems = mx.check(root)
    assert len(problems) == 1 and learner.name in problems[0]
    assert mx.main(["--check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"exercises/{learner.name}" in out and "make_exercises.py" in out


def test_an_edited_solution_without_regeneration_is_reported_as_drift(tmp_path):
    root = _copy_exercises(tmp_path)
    src = root / "exercises" / "solutions" / SOLUTIONS[0].name
    nb = nbformat.read(src, as_version=4)
    nb.cells.append(new_markdown_cell("A new closing remark."))
    nbformat.write(nb, src)
    assert [p for p in mx.check(root) if SOLUTIONS[0].name in p]
    mx.generate(root)  # regenerating fixes it
    assert mx.check(root) == []


def test_whitespace_only_drift_is_reported(tmp_path):
    root = _copy_exercises(tmp_path)
    learner = root / "exercises" / SOLUTIONS[0].name
    learner.write_bytes(learner.read_bytes().rstrip(b"\n"))
    assert mx.check(root)


def test_missing_and_orphan_learner_notebooks_are_reported(tmp_path):
    root = _copy_exercises(tmp_path)
    (root / "exercises" / SOLUTIONS[0].name).unlink()
    shutil.copy(SOLUTIONS[0], root / "exercises" / "99_hand_written.ipynb")
    problems = "\n".join(mx.check(root))
    assert "missing" in problems and "99_hand_written.ipynb: has no solutions notebook" in problems


def test_regeneration_is_byte_identical(tmp_path):
    root = _copy_exercises(tmp_path)
    for path in (root / "exercises").glob("*.ipynb"):
        path.unlink()
    written = mx.generate(root)
    assert len(written) == len(SOLUTIONS)
    first = {p.name: p.read_bytes() for p in written}
    assert mx.generate(root) == []  # nothing to rewrite the second time
    for name, data in first.items():
        assert (root / "exercises" / name).read_bytes() == data
        assert data == (ROOT / "exercises" / name).read_bytes()
        assert data.endswith(b"}\n")


@pytest.mark.parametrize("src", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_leaks_into_the_learner_copy(src):
    solution = nbformat.read(src, as_version=4)
    learner = nbformat.read(ROOT / "exercises" / src.name, as_version=4)
    learner_text = "\n".join(c.source for c in learner.cells)
    assert not any("solution" in _tags(c) for c in learner.cells)
    assert not re.search(r"\{solution(-start|-end)?\}", learner_text)
    assert "# solution" not in learner_text
    for cell in solution.cells:
        if "solution" in _tags(cell) and len(cell.source.strip()) > 40:
            assert cell.source.strip() not in learner_text
        if cell.cell_type == "code" and "exercise" in _tags(cell) and "# solution" in cell.source:
            answer = cell.source.split("# solution", 1)[1].strip()
            assert answer and answer not in learner_text
    for cell in learner.cells:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


@pytest.mark.parametrize("src", SOLUTIONS, ids=lambda p: p.name)
def test_every_exercise_has_a_tagged_dropdown_solution(src):
    nb = nbformat.read(src, as_version=4)
    labels = []
    open_label = None
    for cell in nb.cells:
        exercise = re.search(r"```\{exercise\}.*\n:label: (\S+)", cell.source)
        if exercise:
            labels.append(exercise.group(1))
        start = re.search(r"\{solution-start\} (\S+)\n:class: dropdown", cell.source)
        if start:
            open_label = start.group(1)
        if open_label:
            assert "solution" in _tags(cell), f"cell inside the solution of {open_label} is not tagged 'solution'"
        if "{solution-end}" in cell.source:
            assert open_label in labels, f"solution for unknown exercise {open_label}"
            labels.remove(open_label)
            open_label = None
    assert open_label is None
    assert labels == [], f"exercises without a solution: {labels}"


@pytest.mark.parametrize("src", SOLUTIONS, ids=lambda p: p.name)
def test_learner_answer_cells_start_unanswered(src):
    learner = nbformat.read(ROOT / "exercises" / src.name, as_version=4)
    exercise_cells = [c for c in learner.cells if c.cell_type == "code" and "exercise" in _tags(c)]
    assert len(exercise_cells) >= 3
    for cell in exercise_cells:
        assert re.search(r"(^|=\s*)\.\.\.\s*(#.*)?$", cell.source, flags=re.M), cell.source


# ---------------------------------------------------------------------------------------------
# The generator's rules, on a small notebook built here
# ---------------------------------------------------------------------------------------------
def _sample_notebook():
    tagged = {"tags": ["solution"]}
    cells = [
        new_markdown_cell("# Sample"),
        new_markdown_cell("````{exercise} Add two numbers\n:label: ex-add\n\nUse `+`.\n```python\nx = 1\n```\n````"),
        new_code_cell("# Write your answer below.\nanswer = ...\n# solution\nanswer = 1 + 1", metadata={"tags": ["exercise"]}),
        new_code_cell("check(answer)"),
        new_markdown_cell("```{solution-start} ex-add\n:class: dropdown\n```", metadata=tagged),
        new_markdown_cell("The sum is 2.", metadata=tagged),
        new_code_cell("print('secret untagged solution')"),  # forgot the tag: still inside the solution
        new_markdown_cell("```{solution-end}\n```", metadata=tagged),
        new_markdown_cell("```{solution} ex-add\n:class: dropdown\nAn inline solution.\n```"),
        new_markdown_cell(":::{exercise}\n:label: ex-two\n:nonumber:\nA colon-fenced exercise.\n:::"),
        new_code_cell("1 + 1", metadata={"tags": ["solution"]}),
        new_markdown_cell("The end."),
    ]
    cells[3].outputs = [new_output("stream", name="stdout", text="old output")]
    cells[3].execution_count = 7
    nb = new_notebook(cells=cells, metadata={"widgets": {"state": {}}, "kernelspec": {"name": "python3", "display_name": "Python 3"}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nb


def test_generator_rules_on_a_sample_notebook():
    original = _sample_notebook()
    before = json.dumps(original, sort_keys=True)
    learner, report = mx.make_learner_notebook(original, "sample.ipynb")
    assert json.dumps(original, sort_keys=True) == before  # the input is not modified
    sources = [c.source for c in learner.cells]
    assert sources == [
        "# Sample",
        "## Exercise 1: Add two numbers\n\nUse `+`.\n```python\nx = 1\n```",
        "# Write your answer below.\nanswer = ...\n...",
        "check(answer)",
        "## Exercise\n\nA colon-fenced exercise.",
        "The end.",
    ]
    assert learner.cells[3].outputs == [] and learner.cells[3].execution_count is None
    assert "widgets" not in learner.metadata
    assert learner.metadata["pmkit"]["generated_from"] == "exercises/solutions/sample.ipynb"
    assert report.untagged_dropped == [6, 8]  # both dropped, both warned about
    assert any("not tagged 'solution'" in w for w in report.warnings)
    assert report.blanked == [2]


def test_marker_keeps_indentation_and_lines_above():
    text, changed = mx.blank_solution_code("def f():\n    x = 1\n    # solution\n    return 42\n")
    assert changed and text == "def f():\n    x = 1\n    ..."
    same, changed = mx.blank_solution_code("value = ...\n")
    assert not changed and same == "value = ...\n"
    # "# solutions" or a comment mentioning the word is not the marker
    text, changed = mx.blank_solution_code("# see the solutions notebook\nx = 1")
    assert not changed


def test_solution_start_without_end_is_reported():
    nb = new_notebook(cells=[
        new_markdown_cell("```{solution-start} ex\n:class: dropdown\n```"),
        new_code_cell("print(1)"),
    ])
    learner, report = mx.make_learner_notebook(nb, "broken.ipynb")
    assert learner.cells == []
    assert any("no matching {solution-end}" in w for w in report.warnings)
