"""The course on a real JupyterHub: three learners log in and run a module, through the Hub.

``tools/hub_smoke.py`` starts JupyterHub on 127.0.0.1 with its real proxy (configurable-http-proxy
from the npm registry, in ``deploy/hub/node_modules``), the local process spawner and, for this
test only, the dummy authenticator. Every learner logs in through the login form, gets a server
through the Hub's REST API, and runs Module 03 cell by cell on a kernel reached through the Hub's
proxy. A second notebook with a deliberate error proves that a failing cell is noticed. The
per-learner memory figures are written to ``tests/artifacts/jupyterhub.json``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("hub_smoke", REPO_ROOT / "tools" / "hub_smoke.py")
hub_smoke = importlib.util.module_from_spec(spec)
sys.modules["hub_smoke"] = hub_smoke  # dataclasses look their module up here
spec.loader.exec_module(hub_smoke)

pytestmark = [pytest.mark.slow, pytest.mark.hub]

# Saves the learner's name into their own work folder (PMKIT_WORK_DIR, set per learner by the Hub).
SAVE_CELL = "import os\nfrom pmkit.work import save_answer\nx = 1\nsave_answer('hub-check', 'who', os.environ['JUPYTERHUB_USER'])"


@pytest.fixture(scope="module")
def hub_run(tmp_path_factory):
    if not hub_smoke.PROXY.exists() and shutil.which("npm") is None:
        pytest.skip("JupyterHub's proxy is not installed and npm is missing (run .ci/run)")
    work = tmp_path_factory.mktemp("hub")
    broken = work / "broken.ipynb"
    broken.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "metadata": {}, "source": [SAVE_CELL], "outputs": [], "execution_count": None},
                    {"cell_type": "code", "metadata": {}, "source": ["x / 0"], "outputs": [], "execution_count": None},
                    {"cell_type": "code", "metadata": {}, "source": ["y = 2"], "outputs": [], "execution_count": None},
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        encoding="utf-8",
    )
    module = REPO_ROOT / "notebooks" / "03_prioritization.ipynb"
    return hub_smoke.run_hub(learners=3, notebooks=[module, broken], work=work / "hub", log=lambda *_: None)


def test_every_learner_logs_in_gets_a_server_and_runs_the_module(hub_run, artifacts_dir):
    assert hub_run.hub_version.startswith("5."), hub_run.hub_version
    assert len(hub_run.learners) == 3
    for learner in hub_run.learners:
        assert learner.logged_in, f"{learner.name} could not log in\n{hub_run.log_tail}"
        assert learner.server_started, f"{learner.name} got no server\n{hub_run.log_tail}"
        assert learner.notebooks.get("03_prioritization.ipynb") == "ok", (
            f"{learner.name}: {learner.notebooks}\n{hub_run.log_tail}"
        )
    (artifacts_dir / "jupyterhub.json").write_text(
        json.dumps([asdict(lr) for lr in hub_run.learners], indent=2), encoding="utf-8"
    )


def test_a_failing_cell_is_reported_and_stops_the_run(hub_run):
    for learner in hub_run.learners:
        status = learner.notebooks.get("broken.ipynb", "")
        assert status.startswith("cell 2") and "ZeroDivisionError" in status, status
        assert not learner.ok  # one failed notebook makes the learner's run fail
    assert not hub_run.ok


def test_memory_per_learner_is_measured(hub_run):
    for learner in hub_run.learners:
        assert learner.server_rss_mb and 30 < learner.server_rss_mb < 2000, learner
        assert learner.kernel_rss_mb and 30 < learner.kernel_rss_mb < 4000, learner
        assert learner.kernel_cpu_s is not None and learner.kernel_cpu_s > 0


def test_each_learner_saves_into_their_own_work_folder(hub_run):
    for learner in hub_run.learners:
        saved = hub_run.work / "home" / learner.name / "my-work" / "hub-check" / "answers.json"
        assert saved.is_file(), f"{learner.name}'s work was not saved in their own folder"
        assert json.loads(saved.read_text(encoding="utf-8"))["who"] == learner.name
    assert not (REPO_ROOT / "my-work" / "hub-check").exists(), "a learner wrote into the repository"
