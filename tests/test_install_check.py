"""The install check: each check reports a broken environment in plain words, and the command's exit code says so."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pmkit import install_check as ic
from pmkit.install_check import CheckResult

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------------
# Python
# ------------------------------------------------------------------------------------------------
def test_python_version():
    assert ic.check_python((3, 11, 0)).ok is True
    assert ic.check_python((3, 13, 1)).ok is True
    old = ic.check_python((3, 10, 12))
    assert old.ok is False and "3.10.12 is too old" in old.detail and "3.11" in old.fix
    assert ic.check_python().ok is True  # this test suite runs on a supported Python


# ------------------------------------------------------------------------------------------------
# Packages
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def req_files(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("-c constraints.txt\n-e .\n# a comment\nalpha>=1.0,<2\nbeta-pkg>=2  # trailing\ngamma\n", encoding="utf-8")
    con = tmp_path / "constraints.txt"
    con.write_text("alpha==1.4.0\nbeta-pkg==2.1\ngamma==0.3\n", encoding="utf-8")
    return req, con


def fake_env(installed: dict[str, str], broken_imports=()):
    def version_of(name):
        key = name.lower().replace("_", "-")
        if key not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed[key]

    def import_module(name):
        if name in broken_imports:
            raise ImportError(f"cannot import {name}")
        return object()

    return version_of, import_module


def test_requirements_are_parsed(req_files):
    req, _ = req_files
    found = ic.read_requirements(req)
    assert [(r.name, r.specifier) for r in found] == [("alpha", ">=1.0,<2"), ("beta-pkg", ">=2"), ("gamma", "")]


def test_all_packages_fine(req_files):
    req, con = req_files
    version_of, import_module = fake_env({"alpha": "1.4.0", "beta-pkg": "2.1", "gamma": "0.3", "pmkit": "0.1.0"})
    result = ic.check_packages(req, con, import_module, version_of)
    assert result.ok is True and not result.failed
    assert "all 4 packages import" in result.detail


def test_a_missing_package_is_reported_with_a_fix(req_files):
    req, con = req_files
    version_of, import_module = fake_env({"alpha": "1.4.0", "gamma": "0.3", "pmkit": "0.1.0"})
    result = ic.check_packages(req, con, import_module, version_of)
    assert result.failed
    bad = [i for i in result.items if i.ok is False]
    assert [i.name for i in bad] == ["beta-pkg"]
    assert "not installed" in bad[0].detail and "pip install -r requirements.txt" in bad[0].fix


def test_a_package_that_does_not_import(req_files):
    req, con = req_files
    version_of, import_module = fake_env({"alpha": "1.4.0", "beta-pkg": "2.1", "gamma": "0.3", "pmkit": "0.1.0"},
                                         broken_imports={"alpha"})
    result = ic.check_packages(req, con, import_module, version_of)
    alpha = next(i for i in result.items if i.name == "alpha")
    assert alpha.ok is False and "cannot be imported" in alpha.detail and "--force-reinstall" in alpha.fix


def test_version_outside_the_range_fails_and_untested_version_warns(req_files):
    req, con = req_files
    version_of, import_module = fake_env({"alpha": "2.0.1", "beta-pkg": "2.5", "gamma": "0.3", "pmkit": "0.1.0"})
    result = ic.check_packages(req, con, import_module, version_of)
    by_name = {i.name: i for i in result.items}
    assert by_name["alpha"].ok is False and ">=1.0,<2" in by_name["alpha"].detail
    assert by_name["beta-pkg"].ok is None and "tested with 2.1" in by_name["beta-pkg"].detail
    assert not by_name["beta-pkg"].failed  # a warning is not a failure
    assert result.failed


def test_course_package_missing(req_files):
    req, con = req_files
    version_of, import_module = fake_env({"alpha": "1.4.0", "beta-pkg": "2.1", "gamma": "0.3"})
    result = ic.check_packages(req, con, import_module, version_of)
    pmkit = next(i for i in result.items if i.name == "pmkit")
    assert pmkit.ok is False and "pip install -e ." in pmkit.fix


def test_missing_requirements_file(tmp_path):
    result = ic.check_packages(tmp_path / "requirements.txt", tmp_path / "constraints.txt")
    assert result.ok is False and "full copy of the course" in result.fix


def test_import_names_are_found_for_the_real_requirements():
    names = {r.name: ic._import_name(r) for r in ic.read_requirements(ROOT / "requirements.txt")}
    assert names["pytest-xdist"] == "xdist"
    assert names["jupyter-book"] == "jupyter_book"
    if "websocket-client" in names:
        assert names["websocket-client"] == "websocket"


def test_real_packages_pass():
    result = ic.check_packages()
    assert not [i.detail for i in result.items if i.ok is False]


# ------------------------------------------------------------------------------------------------
# Widgets front end
# ------------------------------------------------------------------------------------------------
def test_widgets_extension_found(tmp_path):
    ext = tmp_path / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    ext.mkdir(parents=True)
    (ext / "package.json").write_text("{}", encoding="utf-8")
    result = ic.check_widgets_frontend([tmp_path / "nowhere", tmp_path / "labextensions"], version_of=lambda n: "3.0.17")
    assert result.ok is True and str(tmp_path / "labextensions") in result.detail


def test_widgets_extension_missing(tmp_path):
    result = ic.check_widgets_frontend([tmp_path], version_of=lambda n: "3.0.17")
    assert result.ok is False and "cannot find its extension" in result.detail and "restart JupyterLab" in result.fix


def test_jupyterlab_widgets_not_installed(tmp_path):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    result = ic.check_widgets_frontend([tmp_path], version_of=missing)
    assert result.ok is False and "plain text" in result.detail


def test_real_widgets_front_end():
    assert ic.check_widgets_frontend().ok is True


# ------------------------------------------------------------------------------------------------
# Datasets
# ------------------------------------------------------------------------------------------------
def test_a_corrupted_dataset_is_reported(tmp_path):
    from pmkit.data import load_backlog

    good = (ROOT / "datasets" / "backlog.csv").read_text(encoding="utf-8")
    broken = tmp_path / "backlog.csv"
    broken.write_text(good.replace(",2,", ",-2,", 1).replace("B03,", "B01,", 1), encoding="utf-8")
    result = ic.check_datasets([("pmkit.data.load_backlog", lambda: load_backlog(broken)),
                                ("pmkit.data.load_estimates", lambda: [1, 2, 3])])
    assert result.ok is False
    bad = [i for i in result.items if i.ok is False]
    assert len(bad) == 1 and "load_backlog() failed" in bad[0].detail
    assert "git checkout -- datasets" in bad[0].fix
    assert "1 of 2 data sets could not be loaded" in result.detail


def test_a_truncated_dataset_is_reported(tmp_path):
    from pmkit.data import load_backlog

    cut = tmp_path / "backlog.csv"
    cut.write_bytes((ROOT / "datasets" / "backlog.csv").read_bytes()[:700])
    result = ic.check_datasets([("pmkit.data.load_backlog", lambda: load_backlog(cut))])
    assert result.ok is False


def test_loaders_are_discovered_in_the_package():
    names = [name for name, _ in ic.dataset_loaders()]
    assert "pmkit.data.load_backlog" in names and "pmkit.data.load_estimates" in names
    assert not any(name.startswith("pmkit.work.") for name in names)  # load_answers(module) is not a dataset loader


def test_no_loaders_is_a_failure():
    assert ic.check_datasets([]).ok is False


# ------------------------------------------------------------------------------------------------
# Work folder and JupyterLab
# ------------------------------------------------------------------------------------------------
def test_work_folder_writable(tmp_path):
    assert ic.check_work_folder(tmp_path / "my-work").ok is True
    assert not list((tmp_path / "my-work").iterdir())  # the probe file is removed


def test_work_folder_not_writable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    result = ic.check_work_folder(blocker / "my-work")
    assert result.ok is False and "cannot be saved" in result.detail and "PMKIT_WORK_DIR" in result.fix


def test_work_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "elsewhere"))
    result = ic.check_work_folder()
    assert result.ok is True and "elsewhere" in result.detail


def test_jupyterlab_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(ic.sys, "executable", str(tmp_path / "python"))
    result = ic.check_jupyterlab(which=lambda name: None)
    assert result.ok is False and "not found" in result.detail


def test_jupyterlab_broken(monkeypatch, tmp_path):
    monkeypatch.setattr(ic.sys, "executable", str(tmp_path / "python"))

    def run(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 1, "", "ModuleNotFoundError: No module named 'jupyterlab'")

    result = ic.check_jupyterlab(which=lambda name: "/usr/bin/jupyter-lab", run=run)
    assert result.ok is False and "No module named" in result.detail


def test_jupyterlab_present(monkeypatch, tmp_path):
    monkeypatch.setattr(ic.sys, "executable", str(tmp_path / "python"))
    run = lambda cmd, **kwargs: subprocess.CompletedProcess(cmd, 0, "4.6.6\n", "")  # noqa: E731
    result = ic.check_jupyterlab(which=lambda name: "/opt/bin/jupyter-lab", run=run)
    assert result.ok is True and "4.6.6" in result.detail


# ------------------------------------------------------------------------------------------------
# The report and the command
# ------------------------------------------------------------------------------------------------
def test_a_crashing_check_is_reported_not_raised():
    def check_boom():
        raise RuntimeError("kaboom")

    results = ic.run_checks([check_boom])
    assert results[0].ok is False and "kaboom" in results[0].detail


def test_report_and_exit_code(monkeypatch, capsys):
    ok = lambda: CheckResult("Python", True, "Python 3.11.7")  # noqa: E731
    warn = lambda: CheckResult("Packages", None, "all 3 packages import (1 untested version(s))", items=[  # noqa: E731
        CheckResult("alpha", None, "alpha 1.5 (the course was tested with 1.4)")])
    bad = lambda: CheckResult("Work folder", False, "Your answers cannot be saved", "Set PMKIT_WORK_DIR.")  # noqa: E731
    monkeypatch.setattr(ic, "CHECKS", (ok, warn))
    assert ic.main([]) == 0
    out = capsys.readouterr().out
    assert "[ok]   Python" in out and "All checks passed" in out and "alpha 1.5" in out
    monkeypatch.setattr(ic, "CHECKS", (ok, bad))
    assert ic.main([]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] Work folder" in out and "How to fix: Set PMKIT_WORK_DIR." in out and "1 check(s) failed" in out


def test_broken_python_makes_the_command_fail(monkeypatch, capsys):
    monkeypatch.setattr(ic, "CHECKS", (lambda: ic.check_python((3, 9, 18)),))
    assert ic.main([]) == 1
    assert "Python 3.9.18 is too old" in capsys.readouterr().out


@pytest.mark.slow
def test_the_command_runs(tmp_path):
    """The real check, as a learner runs it: it prints the checklist, and its exit code matches it."""
    env = {"PMKIT_WORK_DIR": str(tmp_path / "work"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "pmkit.install_check"], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)
    assert "Engineer -> PM: install check" in proc.stdout, proc.stderr
    for name in ("Python", "Packages", "Widgets front end", "Datasets", "Work folder", "JupyterLab"):
        assert re.search(rf"^\[(ok|warn|FAIL)\]\s+{name}:", proc.stdout, flags=re.M), name
    assert proc.returncode == (1 if "[FAIL]" in proc.stdout else 0)


@pytest.mark.slow
def test_the_wrapper_reports_an_environment_without_packages(tmp_path):
    """python -S hides site-packages: a machine where nothing was installed. The wrapper still runs
    (it finds pmkit in src/), says which packages are missing, and exits 1."""
    env = {"PMKIT_WORK_DIR": str(tmp_path / "work"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-S", str(ROOT / "tools" / "check_install.py")], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[FAIL] Packages" in proc.stdout and "pandas is not installed." in proc.stdout
    assert "the package 'pandas' is missing" in proc.stdout or "the package 'numpy' is missing" in proc.stdout
    assert "How to fix: Run pip install -r requirements.txt" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
