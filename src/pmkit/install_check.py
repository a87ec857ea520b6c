"""Check that this machine is ready for the course, and say in plain words what to fix.

Run it before the workshop::

    python -m pmkit.install_check          # or: python tools/check_install.py

It checks, in order:

1. Python is version 3.11 or newer.
2. Every package in ``requirements.txt`` imports, and its version is inside the range that
   ``requirements.txt`` allows. A version that differs from the exact one in ``constraints.txt``
   (the one the course was tested with) is a warning, not a failure.
3. The widgets front end: ``jupyterlab_widgets`` is installed and JupyterLab can find its
   extension (``@jupyter-widgets/jupyterlab-manager``) in one of its labextensions folders.
4. The course's data sets load with the course's own loaders (``pmkit.data`` and every module's
   ``load_*`` function).
5. The folder where your work is saved (``my-work/``) can be written to.
6. The ``jupyter lab`` command is there and answers.

Each check is a function that returns a :class:`CheckResult`, so the tests can fake a broken
machine. The command prints a checklist and exits with status 1 when any check failed.

This module imports only the standard library at the top, so it still runs (and reports) when
pandas or any other package is missing.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CheckResult",
    "MIN_PYTHON",
    "check_python",
    "check_packages",
    "check_widgets_frontend",
    "check_datasets",
    "check_work_folder",
    "check_jupyterlab",
    "run_checks",
    "format_report",
    "main",
]

MIN_PYTHON = (3, 11)
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
INSTALL = "pip install -r requirements.txt"
_INSTALL_FIX = f"Run {INSTALL} in the course folder, with the course's virtual environment active."

#: The name you import, for packages whose import name differs from the name you install.
IMPORT_NAMES = {
    "jupyter-book": "jupyter_book",
    "sphinx-exercise": "sphinx_exercise",
    "sphinx-togglebutton": "sphinx_togglebutton",
    "sphinx-design": "sphinx_design",
    "pytest-xdist": "xdist",
    "ipykernel": "ipykernel",
    "pyyaml": "yaml",
    "beautifulsoup4": "bs4",
    "pillow": "PIL",
}

WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"


@dataclass
class CheckResult:
    """The outcome of one check. ``ok`` is True (passed), False (failed) or None (a warning)."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""
    items: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.ok is False or any(i.failed for i in self.items)


# ------------------------------------------------------------------------------------------------
# 1. Python
# ------------------------------------------------------------------------------------------------
def check_python(version_info: tuple[int, ...] | None = None) -> CheckResult:
    """Python must be 3.11 or newer."""
    v = tuple(version_info if version_info is not None else sys.version_info)[:3]
    shown = ".".join(str(x) for x in v)
    if v[:2] >= MIN_PYTHON:
        return CheckResult("Python", True, f"Python {shown}")
    need = ".".join(str(x) for x in MIN_PYTHON)
    return CheckResult(
        "Python", False, f"Python {shown} is too old: the course needs Python {need} or newer.",
        f"Install Python {need} or newer (python.org, or your system's package manager), then create a fresh "
        f"virtual environment with it and run {INSTALL}.",
    )


# ------------------------------------------------------------------------------------------------
# 2. Packages
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    name: str  # as written in requirements.txt
    specifier: str  # e.g. ">=8.1,<9" ("" when unbounded)
    line: int

    @property
    def key(self) -> str:
        return re.sub(r"[-_.]+", "-", self.name).lower()


_REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([<>=!~].*)?$")


def read_requirements(path: Path) -> list[Requirement]:
    """The package lines of a requirements or constraints file (options, ``-e`` and comments skipped)."""
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        line = line.split(";", 1)[0].strip()  # environment markers are not used by the course
        m = _REQ.match(line)
        if m:
            found.append(Requirement(m.group(1), (m.group(3) or "").replace(" ", ""), number))
    return found


_TOP_LEVEL: dict[str, list[str]] | None = None


def _import_name(requirement: Requirement) -> str:
    """The module to import for a requirement: a known exception, else the top-level module the
    installed distribution provides (so "websocket-client" gives "websocket"), else the name with
    dashes turned into underscores."""
    global _TOP_LEVEL
    if requirement.key in IMPORT_NAMES:
        return IMPORT_NAMES[requirement.key]
    guess = requirement.name.replace("-", "_")
    if _TOP_LEVEL is None:
        _TOP_LEVEL = {}
        try:
            for module, dists in importlib.metadata.packages_distributions().items():
                for dist in dists:
                    _TOP_LEVEL.setdefault(re.sub(r"[-_.]+", "-", dist).lower(), []).append(module)
        except Exception:  # noqa: BLE001 - fall back to the guess
            pass
    modules = [m for m in _TOP_LEVEL.get(requirement.key, []) if not m.startswith("_") and m.isidentifier()]
    if not modules or guess in modules or guess.lower() in modules:
        return guess if not modules or guess in modules else guess.lower()
    return sorted(modules, key=lambda m: (len(m), m))[0]


def _check_one(req: Requirement, pinned: str, import_module: Callable, version_of: Callable) -> CheckResult:
    module = _import_name(req)
    try:
        installed = version_of(req.name)
    except importlib.metadata.PackageNotFoundError:
        return CheckResult(req.name, False, f"{req.name} is not installed.", _INSTALL_FIX)
    try:
        import_module(module)
    except Exception as err:  # noqa: BLE001 - any import failure is the learner's problem to fix
        return CheckResult(req.name, False, f"{req.name} {installed} is installed but cannot be imported "
                           f"({type(err).__name__}: {err}).",
                           f"Reinstall it: pip install --force-reinstall -c constraints.txt \"{req.name}{req.specifier}\".")
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion, Version
    except ImportError:
        return CheckResult(req.name, None, f"{req.name} {installed} imports (its version was not compared: "
                           "the 'packaging' library is missing).", f"Run {INSTALL}.")
    try:
        version = Version(installed)
        allowed = SpecifierSet(req.specifier)
        exact = SpecifierSet(pinned) if pinned else None
    except (InvalidVersion, InvalidSpecifier) as err:
        return CheckResult(req.name, None, f"{req.name} {installed}: its version could not be compared ({err}).")
    if req.specifier and version not in allowed:
        return CheckResult(req.name, False, f"{req.name} {installed} is outside the range the course needs ({req.specifier}).",
                           f"Run {INSTALL}: it installs the tested version{' (' + pinned + ')' if pinned else ''}.")
    if exact is not None and version not in exact:
        return CheckResult(req.name, None, f"{req.name} {installed} (the course was tested with {pinned.lstrip('=')}; "
                           "this version is allowed but untested).",
                           f"If something misbehaves, run {INSTALL} to get the tested version.")
    return CheckResult(req.name, True, f"{req.name} {installed}")


def check_packages(
    requirements: Path | None = None,
    constraints: Path | None = None,
    import_module: Callable = importlib.import_module,
    version_of: Callable = importlib.metadata.version,
) -> CheckResult:
    """Every package in requirements.txt imports and has an allowed version; the course package
    itself is installed."""
    requirements = requirements or REPO_ROOT / "requirements.txt"
    constraints = constraints or REPO_ROOT / "constraints.txt"
    if not requirements.is_file():
        return CheckResult("Packages", False, f"{requirements} is missing, so the packages cannot be checked.",
                           "Run this check from a full copy of the course (git clone), not from a copied notebook.")
    reqs = read_requirements(requirements)
    pins = {r.key: r.specifier for r in read_requirements(constraints)} if constraints.is_file() else {}
    items = [_check_one(r, pins.get(r.key, ""), import_module, version_of) for r in reqs]
    # the course package itself (the "-e ." line)
    try:
        version_of("pmkit")
        import_module("pmkit")
        items.append(CheckResult("pmkit", True, "pmkit (the course package) is installed"))
    except Exception:  # noqa: BLE001
        items.append(CheckResult("pmkit", False, "pmkit, the course's own package, is not installed.",
                                 f"In the course folder, run {INSTALL} (it installs pmkit with 'pip install -e .')."))
    bad = [i for i in items if i.ok is False]
    warn = [i for i in items if i.ok is None]
    if bad:
        detail = f"{len(bad)} of {len(items)} packages need attention: " + ", ".join(i.name for i in bad)
    else:
        detail = f"all {len(items)} packages import" + (f" ({len(warn)} untested version(s))" if warn else "")
    return CheckResult("Packages", False if bad else (None if warn else True), detail,
                       _INSTALL_FIX if bad else "", items)


# ------------------------------------------------------------------------------------------------
# 3. Widgets front end
# ------------------------------------------------------------------------------------------------
def labextension_paths() -> list[Path]:
    """The folders where JupyterLab looks for prebuilt extensions."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return [Path(sys.prefix) / "share" / "jupyter" / "labextensions"]
    return [Path(p) for p in jupyter_path("labextensions")]


def check_widgets_frontend(paths: Iterable[Path] | None = None, version_of: Callable = importlib.metadata.version) -> CheckResult:
    """jupyterlab_widgets is installed and its extension is where JupyterLab looks for it."""
    fix = f"Run {INSTALL} (it installs jupyterlab_widgets), then restart JupyterLab."
    try:
        installed = version_of("jupyterlab_widgets")
    except importlib.metadata.PackageNotFoundError:
        return CheckResult("Widgets front end", False, "jupyterlab_widgets is not installed, so sliders and buttons "
                           "would show as plain text in JupyterLab.", fix)
    folders = list(paths) if paths is not None else labextension_paths()
    for folder in folders:
        if (folder / WIDGETS_EXTENSION / "package.json").is_file():
            return CheckResult("Widgets front end", True,
                               f"jupyterlab_widgets {installed}; its extension is in {folder}")
    shown = ", ".join(str(f) for f in folders) or "(none)"
    return CheckResult("Widgets front end", False,
                       f"jupyterlab_widgets {installed} is installed, but JupyterLab cannot find its extension "
                       f"{WIDGETS_EXTENSION} in {shown}. Widgets would not appear.",
                       "Install it into the same environment that runs JupyterLab: "
                       "pip install --force-reinstall -c constraints.txt jupyterlab_widgets, then restart JupyterLab.")


# ------------------------------------------------------------------------------------------------
# 4. Datasets
# ------------------------------------------------------------------------------------------------
def dataset_loaders() -> list[tuple[str, Callable]]:
    """Every ``load_*`` function of the course package that loads a file from ``datasets/`` by
    default: a function whose first parameter is ``path`` with the default ``None`` and whose
    other parameters all have defaults. Found in pmkit's modules, so a new module's data is
    checked without changing this file."""
    import pkgutil

    import pmkit

    found: list[tuple[str, Callable]] = []
    for info in sorted(pkgutil.iter_modules(pmkit.__path__), key=lambda i: i.name):
        if info.ispkg or info.name.startswith("_") or info.name in ("install_check",):
            continue
        try:
            module = importlib.import_module(f"pmkit.{info.name}")
        except Exception:  # noqa: BLE001 - a module that cannot even import is reported by the caller
            found.append((f"pmkit.{info.name}", _broken_import(f"pmkit.{info.name}")))
            continue
        for name, fn in sorted(vars(module).items()):
            if not name.startswith("load_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if not params or params[0].name != "path" or params[0].default is not None:
                continue
            if any(p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in params[1:]):
                continue
            found.append((f"pmkit.{info.name}.{name}", fn))
    return found


def _broken_import(name: str) -> Callable:
    def load(path=None):
        importlib.import_module(name)

    return load


def check_datasets(loaders: list[tuple[str, Callable]] | None = None) -> CheckResult:
    """Each data set loads with the course's own loader (and so passes its checks)."""
    try:
        loaders = dataset_loaders() if loaders is None else loaders
    except Exception as err:  # noqa: BLE001
        return CheckResult("Datasets", False, f"The course package cannot be imported ({type(err).__name__}: {err}).",
                           f"Run {INSTALL}.")
    items = []
    missing: dict[str, list[str]] = {}  # missing package -> loaders that need it
    for label, load in loaders:
        try:
            result = load()
        except ImportError as err:
            missing.setdefault(getattr(err, "name", None) or str(err), []).append(label)
            continue
        except Exception as err:  # noqa: BLE001 - DataError lists every problem; show it
            first = str(err).strip().splitlines()
            items.append(CheckResult(label, False, f"{label}() failed: " + " ".join(first[:3])[:400],
                                     "Your copy of datasets/ looks damaged or edited. Restore it with "
                                     "'git checkout -- datasets' (or download the course again)."))
            continue
        size = f"{len(result)} rows" if hasattr(result, "__len__") else "loaded"
        items.append(CheckResult(label, True, f"{label}(): {size}"))
    for package, labels in sorted(missing.items()):
        items.append(CheckResult(package, False, f"{len(labels)} data set(s) cannot be checked: the package "
                                 f"{package!r} is missing.", _INSTALL_FIX))
    if not items:
        return CheckResult("Datasets", False, "No dataset loaders were found in the course package.", f"Run {INSTALL}.")
    bad = [i for i in items if i.failed]
    checked = len(loaders)
    failed = checked - sum(1 for i in items if i.ok)
    detail = f"{failed} of {checked} data sets could not be loaded" if bad else f"all {checked} data sets load"
    return CheckResult("Datasets", not bad, detail, bad[0].fix if bad else "", items)


# ------------------------------------------------------------------------------------------------
# 5. Work folder
# ------------------------------------------------------------------------------------------------
def check_work_folder(folder: Path | None = None) -> CheckResult:
    """The saved-work folder exists (or can be made) and a file can be written and removed in it."""
    try:
        if folder is None:
            from pmkit.paths import work_dir

            folder = work_dir()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".install-check-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("ok\n")
        os.unlink(tmp)
    except Exception as err:  # noqa: BLE001
        where = folder if folder is not None else "my-work/"
        return CheckResult("Work folder", False, f"Your answers cannot be saved: {where} is not writable "
                           f"({type(err).__name__}: {err}).",
                           "Give yourself write access to that folder, or choose another one by setting the "
                           "PMKIT_WORK_DIR environment variable to a folder you own.")
    return CheckResult("Work folder", True, f"your work is saved in {folder}")


# ------------------------------------------------------------------------------------------------
# 6. JupyterLab
# ------------------------------------------------------------------------------------------------
def find_jupyter_lab(which: Callable = shutil.which) -> str | None:
    """The jupyter-lab command next to this Python (a virtual environment), or on the PATH."""
    here = Path(sys.executable).parent / ("jupyter-lab.exe" if os.name == "nt" else "jupyter-lab")
    if here.is_file():
        return str(here)
    return which("jupyter-lab")


def check_jupyterlab(which: Callable = shutil.which, run: Callable = subprocess.run) -> CheckResult:
    """The jupyter-lab command exists and prints its version."""
    fix = f"Run {INSTALL}; then start the course with 'jupyter lab' from the course folder."
    command = find_jupyter_lab(which)
    if command is None:
        return CheckResult("JupyterLab", False, "The 'jupyter lab' command was not found.", fix)
    try:
        proc = run([command, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return CheckResult("JupyterLab", False, f"'{command} --version' did not run ({err}).", fix)
    if proc.returncode != 0:
        return CheckResult("JupyterLab", False, f"'{command} --version' failed: {(proc.stderr or '').strip()[:300]}", fix)
    return CheckResult("JupyterLab", True, f"JupyterLab {proc.stdout.strip()} ({command})")


# ------------------------------------------------------------------------------------------------
# Running them all
# ------------------------------------------------------------------------------------------------
CHECKS: tuple[Callable[[], CheckResult], ...] = (
    check_python, check_packages, check_widgets_frontend, check_datasets, check_work_folder, check_jupyterlab,
)


def run_checks(checks: Iterable[Callable[[], CheckResult]] = CHECKS) -> list[CheckResult]:
    """Run each check; a check that crashes is reported as failed, never raised."""
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as err:  # noqa: BLE001
            name = getattr(check, "__name__", "check").replace("check_", "").replace("_", " ").capitalize()
            results.append(CheckResult(name, False, f"The check itself crashed ({type(err).__name__}: {err}).",
                                       f"Run {INSTALL}, then run this check again."))
    return results


_MARK = {True: "[ok]  ", None: "[warn]", False: "[FAIL]"}


def format_report(results: list[CheckResult], verbose: bool = False) -> str:
    """The checklist as plain text: one line per check, and a "how to fix" line under each failure."""
    lines = ["Engineer -> PM: install check", ""]
    for r in results:
        lines.append(f"{_MARK[r.ok]} {r.name}: {r.detail}")
        for item in r.items:
            if item.ok is not True or verbose:
                lines.append(f"    {_MARK[item.ok]} {item.detail}")
                if item.fix and item.ok is False and item.fix != r.fix:
                    lines.append(f"           How to fix: {item.fix}")
        if r.fix and r.failed:
            lines.append(f"       How to fix: {r.fix}")
    failed = [r for r in results if r.failed]
    lines.append("")
    if failed:
        lines.append(f"{len(failed)} check(s) failed. Fix them from the top (later checks often pass once earlier "
                     "ones do), then run this check again.")
    else:
        warned = sum(1 for r in results if r.ok is None)
        lines.append("All checks passed. You are ready for the course: start it with 'jupyter lab'."
                     + (f" ({warned} warning(s) above are safe to ignore unless something misbehaves.)" if warned else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pmkit.install_check",
                                     description="Check that this machine is ready for the Engineer -> PM course.")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list every package that passed")
    args = parser.parse_args(argv)
    results = run_checks(CHECKS)
    print(format_report(results, verbose=args.verbose))
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
