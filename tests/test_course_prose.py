"""The course practises what it preaches: every module's teaching prose meets the readability
target that Module 05 sets and justifies (pmkit.writing.COURSE_TARGET).

The prose is what a reader reads in the notebook's markdown cells: no code, tables, headings,
directive options, HTML tags or link targets (pmkit.writing.prose_of_markdown). When a module
misses the target, fix the prose, not the target: the message names the hardest sentences.
"""

from pathlib import Path

import pytest

from pmkit.writing import COURSE_TARGET, notebook_prose, prose_report

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_module_notebooks_to_measure():
    assert NOTEBOOKS, "no module notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_teaching_prose_meets_the_course_target(path):
    report = prose_report(notebook_prose(path))
    assert report.words > 0, f"{path.name} has no teaching prose"
    assert report.meets_target, (
        f"Module {path.name[:2]} ({path.name}) misses the course's prose target "
        f"({COURSE_TARGET.describe()}): {'; '.join(report.misses)}.\n"
        f"{report.summary()}\nFix these sentences first (hardest first):\n{report.worst_text(5)}"
    )
