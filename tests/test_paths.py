"""Tests of pmkit.paths: the repo root, dataset paths and the learner's saved-work folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pmkit
from pmkit import paths


def test_repo_root_is_the_checkout_that_holds_the_package_and_datasets():
    assert paths.REPO_ROOT.is_absolute()
    assert (paths.REPO_ROOT / "datasets").is_dir()
    assert (paths.REPO_ROOT / "src" / "pmkit" / "paths.py").is_file()
    assert Path(paths.__file__).resolve().parents[2] == paths.REPO_ROOT
    assert paths.DATASETS_DIR == paths.REPO_ROOT / "datasets"


def test_package_metadata_and_lazy_submodules():
    assert pmkit.__version__ == "0.1.0"
    assert pmkit.__doc__ and "Engineer -> PM" in pmkit.__doc__
    code = "import sys, pmkit; print(sorted(m for m in sys.modules if m.startswith('pmkit.')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"  # importing pmkit does not import its submodules


def test_dataset_path_returns_existing_files(monkeypatch, tmp_path):
    (tmp_path / "backlog.csv").write_text("id\n")
    monkeypatch.setattr(paths, "DATASETS_DIR", tmp_path)
    assert paths.dataset_path("backlog.csv") == tmp_path / "backlog.csv"


def test_dataset_path_lists_available_files_when_missing(monkeypatch, tmp_path):
    for name in ("estimates.csv", "backlog.csv", ".hidden"):
        (tmp_path / name).write_text("x\n")
    (tmp_path / "subfolder").mkdir()
    monkeypatch.setattr(paths, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError) as caught:
        paths.dataset_path("backlog.cvs")
    message = str(caught.value)
    assert "'backlog.cvs'" in message
    assert message.endswith("Available files: backlog.csv, estimates.csv.")


def test_dataset_path_when_the_folder_is_empty_or_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="none \\(the folder is empty\\)"):
        paths.dataset_path("backlog.csv")
    monkeypatch.setattr(paths, "DATASETS_DIR", tmp_path / "gone")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        paths.dataset_path("backlog.csv")


def test_work_dir_defaults_to_my_work_at_the_repo_root(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.WORK_DIR_ENV, raising=False)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    folder = paths.work_dir()
    assert folder == tmp_path / "my-work" and folder.is_dir()
    assert paths.work_dir() == folder  # a second call is fine


def test_work_dir_env_var_overrides(monkeypatch, tmp_path):
    target = tmp_path / "elsewhere" / "saved"
    monkeypatch.setenv(paths.WORK_DIR_ENV, str(target))
    assert paths.work_dir() == target and target.is_dir()
    monkeypatch.setenv(paths.WORK_DIR_ENV, "   ")  # blank means "not set"
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    assert paths.work_dir() == tmp_path / "my-work"


def test_work_dir_with_a_file_in_the_way(monkeypatch, tmp_path):
    blocker = tmp_path / "my-work"
    blocker.write_text("not a folder")
    monkeypatch.setenv(paths.WORK_DIR_ENV, str(blocker))
    with pytest.raises(NotADirectoryError, match="a file with that name is in the way"):
        paths.work_dir()
    assert blocker.read_text() == "not a folder"


def test_my_work_is_ignored_by_git():
    gitignore = (paths.REPO_ROOT / ".gitignore").read_text().splitlines()
    assert "my-work/" in gitignore
