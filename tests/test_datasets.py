"""The committed case-study data is exactly what its generating script produces."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_committed_csvs_match_the_generator():
    proc = subprocess.run([sys.executable, str(ROOT / "datasets" / "make_backlog.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_detects_drift(tmp_path):
    script = ROOT / "datasets" / "make_backlog.py"
    subprocess.run([sys.executable, str(script), "--outdir", str(tmp_path)], check=True, capture_output=True)
    csv = tmp_path / "backlog.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("B01,", "B01x,", 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), "--check", "--outdir", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1


def test_every_dataset_file_is_documented():
    readme = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for f in (ROOT / "datasets").glob("*.csv"):
        assert f"`{f.name}`" in readme, f"datasets/README.md does not document {f.name}"


def test_template_loads_and_messy_example_reports_each_planted_problem():
    from pmkit.data import DataError, load_backlog

    template = load_backlog(ROOT / "datasets" / "backlog_template.csv")
    assert list(template["id"]) == ["A1", "A2", "A3"]
    assert template.loc[1, "depends_on"] == ("A1",)
    try:
        load_backlog(ROOT / "datasets" / "backlog_messy_example.csv")
    except DataError as err:
        found = {(p.line, p.column) for p in err.problems}
    else:
        raise AssertionError("the messy example must not load")
    assert found == {(2, "Reach"), (3, "ID"), (3, "Effort (person-months)"), (4, "Reach"), (5, "Impact"),
                     (5, "Depends on")}
