#!/usr/bin/env python
"""Run the course on a real JupyterHub on this machine, as a cohort would, and measure it.

    python tools/hub_smoke.py [--learners 2] [--notebook notebooks/03_prioritization.ipynb ...]
                              [--all-notebooks] [--output benchmarks/jupyterhub.json]

What it does, all on 127.0.0.1:

1. Writes a JupyterHub configuration into a temporary folder: JupyterHub's own proxy
   (``configurable-http-proxy``, installed from the npm registry into ``deploy/hub/node_modules``
   by ``npm ci``), the local process spawner (every learner's server is a process of this user,
   with its own home folder and its own ``PMKIT_WORK_DIR``), and the **dummy authenticator with a
   random password, for this test only**. Never use that authenticator on a real server.
2. Starts the Hub, logs each learner in through the login form, starts their server through the
   Hub's REST API, and asks the Hub for a token for each learner.
3. Through the Hub's proxy (``/user/<name>/api/kernels``), starts a kernel per learner and runs
   every code cell of the chosen notebooks over the kernel's websocket, in order, stopping at the
   first error. A run succeeds when every cell replies ``ok``.
4. Measures each learner's memory (resident set size of their Jupyter server plus its kernels)
   and the CPU time their kernel used, then stops the Hub and everything it started.

The test ``tests/test_jupyterhub.py`` calls :func:`run_hub` with three learners and one module.
Run this script with ``--all-notebooks`` to size a deployment: it writes the per-learner figures
to ``benchmarks/jupyterhub.json``, which the deployment guide quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HUB_NPM_DIR = REPO_ROOT / "deploy" / "hub"
PROXY = HUB_NPM_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
MODULE_NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


class HubError(RuntimeError):
    """A step of the smoke run failed; the message says which and why."""


@dataclass
class LearnerRun:
    name: str
    logged_in: bool = False
    server_started: bool = False
    notebooks: dict[str, str] = field(default_factory=dict)  # notebook -> "ok" or the error
    cells_run: int = 0
    server_rss_mb: float | None = None  # largest resident memory of the learner's Jupyter server
    kernel_rss_mb: float | None = None  # largest resident memory of a kernel, after a notebook ran
    kernel_cpu_s: float | None = None  # CPU time (user + system) of all their kernels, added up
    seconds: float | None = None

    @property
    def ok(self) -> bool:
        return (
            self.logged_in
            and self.server_started
            and bool(self.notebooks)
            and all(v == "ok" for v in self.notebooks.values())
        )


@dataclass
class HubRun:
    learners: list[LearnerRun]
    hub_version: str
    proxy_version: str
    startup_s: float
    total_s: float
    log_tail: str = ""
    work: Path | None = None  # the Hub's folder (learners' homes are in work/home/<name>)

    @property
    def ok(self) -> bool:
        return bool(self.learners) and all(learner.ok for learner in self.learners)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_proxy() -> Path:
    """``npm ci`` the proxy into deploy/hub/node_modules when it is not there yet."""
    if PROXY.exists():
        return PROXY
    npm = shutil.which("npm")
    if npm is None:
        raise HubError("npm is not installed: it is needed once to install JupyterHub's proxy")
    lock = HUB_NPM_DIR / "package-lock.json"
    cmd = [npm, "ci" if lock.exists() else "install", "--ignore-scripts", "--no-audit", "--no-fund"]
    proc = subprocess.run(cmd, cwd=HUB_NPM_DIR, capture_output=True, text=True)
    if proc.returncode != 0 or not PROXY.exists():
        raise HubError(f"could not install configurable-http-proxy: {proc.stderr[-2000:]}")
    return PROXY


def _config(work: Path, ports: dict[str, int], token: str, password: str) -> str:
    home = work / "home"
    return f"""# Written by tools/hub_smoke.py for a local smoke test. Not a production configuration.
import os
import sys
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports['public']}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports['hub']}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['proxy_api']}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(work / 'proxy.pid')!r}
c.JupyterHub.db_url = "sqlite:///{work / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(work / 'cookie_secret')!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
# TEST ONLY: any user name logs in with this random password.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(home) + '/{username}'!r}
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
# CI containers run as root; Jupyter refuses that unless told. A real Hub spawns as the learner.
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {{
    "PMKIT_WORK_DIR": lambda spawner: {str(home)!r} + "/" + spawner.user.name + "/my-work",
    "MPLBACKEND": "Agg",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}}
c.JupyterHub.services = [{{"name": "smoke-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "smoke-test",
    "scopes": ["admin:users", "admin:servers", "tokens", "read:users", "access:servers"],
    "services": ["smoke-test"],
}}]
"""


def _wait(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as err:  # noqa: BLE001 - keep polling; report the last error
            last_error = err
        time.sleep(interval)
    raise HubError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last_error})")


def _code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def _execute(ws_url: str, token: str, cells: list[str], timeout: float) -> tuple[str, int]:
    """Run cells on a kernel over its websocket. Returns ("ok" or the error, cells run)."""
    import websocket  # websocket-client

    # JupyterHub 5 refuses tokens in URLs: the token travels in a header.
    ws = websocket.create_connection(ws_url, timeout=timeout, header=[f"Authorization: token {token}"])
    session = uuid.uuid4().hex
    try:
        for count, code in enumerate(cells, start=1):
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "username": "smoke",
                            "session": session,
                            "msg_type": "execute_request",
                            "version": "5.3",
                            "date": datetime.now(timezone.utc).isoformat(),
                        },
                        "parent_header": {},
                        "metadata": {},
                        "content": {
                            "code": code,
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                        "channel": "shell",
                        "buffers": [],
                    }
                )
            )
            error = None
            while True:
                raw = ws.recv()
                if isinstance(raw, bytes):  # binary frames carry widget buffers: not ours
                    continue
                reply = json.loads(raw)
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = reply.get("msg_type") or reply.get("header", {}).get("msg_type")
                if kind == "error":
                    content = reply["content"]
                    error = f"{content.get('ename')}: {content.get('evalue')}"
                if kind == "execute_reply" and reply.get("channel", "shell") == "shell":
                    if reply["content"].get("status") != "ok":
                        content = reply["content"]
                        error = error or f"{content.get('ename')}: {content.get('evalue')}"
                    break
            if error:
                first_line = code.strip().splitlines()[0][:80]
                return f"cell {count} ({first_line!r}) failed: {error}", count
        return "ok", len(cells)
    finally:
        ws.close()


def _processes_of(user: str):
    """The learner's Jupyter server process and its children (kernels), found by environment."""
    import psutil

    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            if "jupyterhub.singleuser" in cmd and proc.environ().get("JUPYTERHUB_USER") == user:
                return proc, proc.children(recursive=True)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return None, []


def _measure(run: LearnerRun) -> None:
    import psutil

    server, children = _processes_of(run.name)
    if server is None:
        return
    try:
        server_mb = round(server.memory_info().rss / 2**20, 1)
        kernels = [c for c in children if "ipykernel" in " ".join(c.cmdline())]
        kernel_mb = round(sum(k.memory_info().rss for k in kernels) / 2**20, 1)
        kernel_cpu = sum(sum(k.cpu_times()[:2]) for k in kernels)
    except psutil.Error:
        return
    # Each notebook gets a fresh kernel: keep the largest figures, and add up the CPU time.
    run.server_rss_mb = max(run.server_rss_mb or 0, server_mb)
    run.kernel_rss_mb = max(run.kernel_rss_mb or 0, kernel_mb)
    run.kernel_cpu_s = round((run.kernel_cpu_s or 0) + kernel_cpu, 2)


def run_hub(
    learners: int = 3,
    notebooks: list[Path] | None = None,
    work: Path | None = None,
    cell_timeout: float = 300,
    log=print,
) -> HubRun:
    """Start a real JupyterHub on loopback, log learners in, run notebooks for each, measure."""
    import requests

    notebooks = [Path(n) for n in (notebooks or [REPO_ROOT / "notebooks" / "03_prioritization.ipynb"])]
    for nb in notebooks:
        if not nb.is_file():
            raise HubError(f"no such notebook: {nb}")
    install_proxy()
    own_work = work is None
    work = Path(tempfile.mkdtemp(prefix="pmkit-hub-")) if work is None else work
    work.mkdir(parents=True, exist_ok=True)
    ports = {"public": free_port(), "hub": free_port(), "proxy_api": free_port()}
    token, password = secrets.token_hex(16), secrets.token_urlsafe(12)
    (work / "jupyterhub_config.py").write_text(_config(work, ports, token, password), encoding="utf-8")
    base = f"http://127.0.0.1:{ports['public']}"
    api = f"{base}/hub/api"
    headers = {"Authorization": f"token {token}"}
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("PMKIT_WORK_DIR", None)
    hub_log = open(work / "jupyterhub.log", "w", encoding="utf-8")  # noqa: SIM115
    started = time.perf_counter()
    hub = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(work / "jupyterhub_config.py")],
        cwd=work,
        env=env,
        stdout=hub_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    runs = [LearnerRun(name=f"learner{i + 1}") for i in range(learners)]
    result = HubRun(runs, "", "", 0.0, 0.0, work=None if own_work else work)
    try:
        info = _wait(
            lambda: hub.poll() is None and requests.get(f"{api}/", timeout=5).json(),
            90,
            "the Hub to answer on " + api,
        )
        if hub.poll() is not None:
            raise HubError("the Hub stopped during start-up")
        result.hub_version = info.get("version", "")
        result.proxy_version = subprocess.run(
            [str(PROXY), "--version"], capture_output=True, text=True
        ).stdout.strip()
        result.startup_s = round(time.perf_counter() - started, 2)
        log(f"JupyterHub {result.hub_version} is up at {base} after {result.startup_s} s")

        for run in runs:
            t0 = time.perf_counter()
            browser = requests.Session()
            browser.get(f"{base}/hub/login", timeout=30)
            xsrf = browser.cookies.get("_xsrf", "")
            page = browser.post(
                f"{base}/hub/login?next=",
                data={"username": run.name, "password": password, "_xsrf": xsrf},
                timeout=60,
                allow_redirects=False,
            )
            run.logged_in = page.status_code in (302, 303) and any(
                c.name.startswith("jupyterhub-session-id") or c.name == "jupyterhub-hub-login"
                for c in browser.cookies
            )
            if not run.logged_in:
                run.notebooks["login"] = f"login failed with HTTP {page.status_code}"
                continue
            r = requests.post(f"{api}/users/{run.name}/server", headers=headers, timeout=60)
            if r.status_code not in (201, 202):
                run.notebooks["spawn"] = f"spawn failed with HTTP {r.status_code}: {r.text[:200]}"
                continue
            _wait(
                lambda: requests.get(f"{api}/users/{run.name}", headers=headers, timeout=10)
                .json()
                .get("servers", {})
                .get("", {})
                .get("ready"),
                180,
                f"{run.name}'s server to be ready",
            )
            run.server_started = True
            user_token = requests.post(
                f"{api}/users/{run.name}/tokens",
                headers=headers,
                json={"note": "smoke test", "expires_in": 3600},
                timeout=30,
            ).json()["token"]
            user_headers = {"Authorization": f"token {user_token}"}
            for nb in notebooks:
                kernel = requests.post(
                    f"{base}/user/{run.name}/api/kernels",
                    headers=user_headers,
                    json={"name": "python3"},
                    timeout=60,
                )
                if kernel.status_code != 201:
                    run.notebooks[nb.name] = f"no kernel: HTTP {kernel.status_code} {kernel.text[:200]}"
                    break
                kid = kernel.json()["id"]
                ws_url = (
                    f"ws://127.0.0.1:{ports['public']}/user/{run.name}/api/kernels/{kid}/channels"
                )
                status, count = _execute(ws_url, user_token, _code_cells(nb), cell_timeout)
                run.notebooks[nb.name] = status
                run.cells_run += count
                log(f"{run.name}: {nb.name}: {status} ({count} cells)")
                _measure(run)  # before the kernel is shut down: the learner's peak state
                requests.delete(
                    f"{base}/user/{run.name}/api/kernels/{kid}", headers=user_headers, timeout=30
                )
            run.seconds = round(time.perf_counter() - t0, 2)
        return result
    finally:
        result.total_s = round(time.perf_counter() - started, 2)
        _stop(hub)
        hub_log.close()
        result.log_tail = "\n".join(
            (work / "jupyterhub.log").read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        )
        if own_work:
            shutil.rmtree(work, ignore_errors=True)


def _stop(hub: subprocess.Popen) -> None:
    """Stop the Hub (it stops the learners' servers and the proxy), then anything left over."""
    if hub.poll() is None:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(hub.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2)
    parser.add_argument("--notebook", type=Path, action="append", help="notebook to run (repeatable)")
    parser.add_argument("--all-notebooks", action="store_true", help="run every module notebook")
    parser.add_argument("--output", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)
    notebooks = MODULE_NOTEBOOKS if args.all_notebooks else args.notebook
    try:
        run = run_hub(args.learners, notebooks)
    except HubError as err:
        print(f"FAILED: {err}", file=sys.stderr)
        return 1
    for learner in run.learners:
        print(
            f"{learner.name}: {'ok' if learner.ok else 'FAILED'}; {learner.cells_run} cells; "
            f"server {learner.server_rss_mb} MB + kernel {learner.kernel_rss_mb} MB; "
            f"kernel CPU {learner.kernel_cpu_s} s; {learner.seconds} s"
        )
        for nb, status in learner.notebooks.items():
            if status != "ok":
                print(f"  {nb}: {status}")
    if args.output:
        totals = [
            (lr.server_rss_mb or 0) + (lr.kernel_rss_mb or 0) for lr in run.learners if lr.ok
        ]
        data = {
            "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform()},
            "jupyterhub": run.hub_version,
            "configurable_http_proxy": run.proxy_version,
            "notebooks": [str(Path(n).relative_to(REPO_ROOT)) for n in (notebooks or [])] or ["notebooks/03_prioritization.ipynb"],
            "hub_startup_s": run.startup_s,
            "total_s": run.total_s,
            "learners": [asdict(lr) | {"ok": lr.ok} for lr in run.learners],
            "max_memory_per_learner_mb": max(totals) if totals else None,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    if not run.ok:
        print(run.log_tail, file=sys.stderr)
    return 0 if run.ok else 1


if __name__ == "__main__":
    sys.exit(main())
