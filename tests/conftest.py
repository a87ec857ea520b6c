"""Shared fixtures for the browser tests (tests/test_book.py, tests/test_jupyterlab.py).

Both drive Debian's Chromium (/usr/bin/chromium) with Python Playwright; neither downloads a
browser. When Chromium is missing they are skipped with the reason; CI installs it, so they run
there.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path(os.environ.get("PMKIT_CHROMIUM", "/usr/bin/chromium"))
# Flags that keep Chromium from phoning home, so that the tests can see every request it makes.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the whole test module."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """tests/artifacts/ (git-ignored): screenshots the browser tests leave for a human to look at."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="module")
def backlog():
    """The Rotawise backlog, loaded and validated as a learner would."""
    from pmkit.data import load_backlog

    return load_backlog()


@pytest.fixture(scope="module")
def estimates(backlog):
    """The five estimators' independent estimates for the same items."""
    from pmkit.data import load_estimates

    return load_estimates(backlog=backlog)
