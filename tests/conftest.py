"""Shared fixtures for the book and browser tests.

* ``book``: the book, built ONCE per test session by ``tools/build_book.py`` (which executes every
  notebook and fails on any warning) into a temporary folder. tests/test_book.py and
  tests/test_site.py both read it. Under pytest-xdist (``pytest -n 2 --dist loadscope``) each
  worker is its own process, so a plain session fixture would build once per worker: instead the
  first worker that collects a test needing the book starts the build in the background (so it
  runs while the unit tests do), and every worker waits for that one build. A file lock in the
  session's shared temporary folder keeps it to one.
  Set ``PMKIT_BOOK_BUILD=/some/output`` to test a build made earlier with
  ``python tools/build_book.py --output /some/output`` instead of building again.
* ``book_server``: the built HTML served on a free 127.0.0.1 port.
* ``browser``: Debian's Chromium (/usr/bin/chromium) through Python Playwright; nothing downloads
  a browser. When Chromium is missing the browser tests are skipped with the reason; CI installs
  it, so they run there.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
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


# --------------------------------------------------------------------------------------------
# The book, built once per session


BUILD_SCRIPT = REPO_ROOT / "tools" / "build_book.py"
NPM_INSTALLED = REPO_ROOT / "book" / "widgets" / "node_modules" / "@jupyter-widgets" / "html-manager"
BOOK_BUILD_TIMEOUT_S = 2400
# Runs the build and writes its exit status to a file when it ends, so that any worker can tell
# that the build is over (only the worker that started it could wait() on the process).
_BUILD_WRAPPER = (
    "import pathlib, subprocess, sys\n"
    "log = open(sys.argv[1], 'w', encoding='utf-8')\n"
    "rc = subprocess.call(sys.argv[3:], stdout=log, stderr=subprocess.STDOUT)\n"
    "log.close()\n"
    "pathlib.Path(sys.argv[2]).write_text(str(rc))\n"
)


@dataclass
class Build:
    """A finished book build: the exit status of tools/build_book.py, its log and the HTML."""

    returncode: int
    log: str
    html: Path
    output: Path


def _shared_dir(tmp_path_factory) -> Path:
    """A folder this test session shares between all its pytest-xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _file_lock(path: Path):
    """An exclusive lock between processes (POSIX); elsewhere, no lock (each worker builds)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _start_book_build(shared: Path) -> Path:
    """Start the one build of this session in the background, unless it has started already.
    Returns the folder it builds into."""
    out = shared / "book"
    with _file_lock(shared / "book.lock"):
        if (out / "started").is_file():
            return out
        out.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env["PMKIT_WORK_DIR"] = str(out / "my-work")  # the notebooks save nothing into the repo
        cmd = [sys.executable, str(BUILD_SCRIPT), "--output", str(out)]
        if NPM_INSTALLED.is_dir():
            cmd.append("--skip-npm")  # .ci/run installed the npm packages; stay offline
        subprocess.Popen(
            [sys.executable, "-c", _BUILD_WRAPPER, str(out / "build.log"), str(out / "returncode"), *cmd],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        (out / "started").write_text(f"{time.time()}\n{' '.join(cmd)}\n", encoding="utf-8")
    return out


def _needs_book(item) -> bool:
    return "book" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Start building the book as soon as it is known that a selected test needs it."""
    if os.environ.get("PMKIT_BOOK_BUILD") or config.option.collectonly:
        return
    if any(_needs_book(item) for item in items):
        factory = getattr(config, "_tmp_path_factory", None)
        if factory is not None:
            _start_book_build(_shared_dir(factory))


def _finished_build(output: Path) -> Build:
    """A build made by tools/build_book.py --output OUTPUT (PMKIT_BOOK_BUILD)."""
    html = output / "_build" / "html"
    log_file = html / "reports" / "build.log"
    if not log_file.is_file():
        pytest.fail(f"PMKIT_BOOK_BUILD={output}: no build log at {log_file}; build the book there first")
    # tools/build_book.py writes this stamp only after a build without problems.
    ok = (output / "_build" / ".notebook-inputs.sha256").is_file()
    return Build(0 if ok else 1, log_file.read_text(encoding="utf-8", errors="replace"), html, output)


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Build:
    """The book, built once for the whole session (see the module docstring)."""
    reuse = os.environ.get("PMKIT_BOOK_BUILD")
    if reuse:
        return _finished_build(Path(reuse).resolve())
    out = _start_book_build(_shared_dir(tmp_path_factory))
    deadline = time.monotonic() + BOOK_BUILD_TIMEOUT_S
    while not (out / "returncode").is_file():
        if time.monotonic() > deadline:
            pytest.fail(f"the book build did not finish in {BOOK_BUILD_TIMEOUT_S} s; log: {out / 'build.log'}")
        time.sleep(2)
    returncode = int((out / "returncode").read_text().strip() or 1)
    log = (out / "build.log").read_text(encoding="utf-8", errors="replace")
    return Build(returncode, log, out / "_build" / "html", out)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    missing: list[str]

    def do_GET(self):
        if self.path == "/favicon.ico":  # Chromium asks for it; the book has none
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, fmt, *args):  # keep pytest's output clean; remember 404s
        if len(args) >= 2 and str(args[1]).startswith(("4", "5")):
            self.missing.append(f"{args[1]} {args[0]}")


@pytest.fixture(scope="session")
def book_server(book):
    """Serve the built HTML on a free 127.0.0.1 port, in a thread. Yields (base URL, a list that
    collects every request the server answered with an error)."""
    if not (book.html / "index.html").is_file():
        pytest.fail(f"the book was not built (exit status {book.returncode}):\n{book.log[-4000:]}")
    missing: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"missing": missing})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(book.html))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", missing
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------------------------
# A real JupyterLab for the browser tests


@contextlib.contextmanager
def running_jupyterlab(tmp: Path, port: int, start_timeout_s: float = 90):
    """JupyterLab on 127.0.0.1:port over a copy of notebooks/ in ``tmp``, with its own Jupyter
    folders and PMKIT_WORK_DIR (``tmp/my-work``), so nothing is saved into the repository.
    Yields (base URL, work folder, log file); stops the server by its PID."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    root = tmp / "root"
    shutil.copytree(
        REPO_ROOT / "notebooks",
        root / "notebooks",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    env = dict(os.environ)
    for name, folder in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
        "PMKIT_WORK_DIR": "my-work",
    }.items():
        (tmp / folder).mkdir()
        env[name] = str(tmp / folder)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip", "127.0.0.1",
        "--port", str(port), "--port-retries=0", "--allow-root",
        "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log_path = tmp / "jupyterlab.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited ({proc.returncode}):\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/api/status", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer in {start_timeout_s} s:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield base, tmp / "my-work", log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="session")
def exercise_titles() -> set[str]:
    """The title of every exercise in the solution notebooks, as learners see it, plus Module
    00's exercise (the self-assessment itself has no exercises notebook)."""
    import json
    import re

    titles = {"Take the self-assessment"}
    for nb in (REPO_ROOT / "exercises" / "solutions").glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            titles |= set(re.findall(r"\{exercise\} (.+)", "".join(cell["source"])))
    return titles
