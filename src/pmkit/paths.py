"""Where the course's files live.

``REPO_ROOT`` is the course checkout, ``DATASETS_DIR`` holds the case-study
data, and ``work_dir()`` is the folder where a learner's saved work goes.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "DATASETS_DIR", "WORK_DIR_ENV", "dataset_path", "work_dir"]

#: Environment variable that moves the learner's saved-work folder (tests use it).
WORK_DIR_ENV = "PMKIT_WORK_DIR"


def _find_repo_root() -> Path:
    """Return the checkout that holds ``datasets/``.

    The package lives in ``<repo>/src/pmkit``, so the repo root is two levels
    above this file. If the package was installed somewhere else (not in
    editable mode), look upwards from the current folder for a checkout that
    has both ``datasets/`` and ``src/pmkit/``.
    """
    here = Path(__file__).resolve().parent  # <repo>/src/pmkit
    candidate = here.parent.parent
    if (candidate / "datasets").is_dir():
        return candidate
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "datasets").is_dir() and (folder / "src" / "pmkit").is_dir():
            return folder
    return candidate


REPO_ROOT: Path = _find_repo_root()
DATASETS_DIR: Path = REPO_ROOT / "datasets"


def dataset_path(name: str) -> Path:
    """Return the path of a file in ``datasets/``, for example ``dataset_path("backlog.csv")``.

    Raises ``FileNotFoundError`` with the list of available files if there is
    no such file.
    """
    path = DATASETS_DIR / name
    if path.is_file():
        return path
    if DATASETS_DIR.is_dir():
        available = sorted(p.name for p in DATASETS_DIR.iterdir() if p.is_file() and not p.name.startswith("."))
        listing = ", ".join(available) if available else "none (the folder is empty)"
        raise FileNotFoundError(
            f"There is no dataset called {name!r} in {DATASETS_DIR}. Available files: {listing}."
        )
    raise FileNotFoundError(
        f"There is no dataset called {name!r}: the datasets folder {DATASETS_DIR} does not exist. "
        "Run the course from its repository checkout (pip install -e . in the repo)."
    )


def work_dir() -> Path:
    """Return the learner's saved-work folder, creating it if needed.

    By default this is ``my-work/`` at the repo root (git ignores it). Set the
    environment variable ``PMKIT_WORK_DIR`` to use another folder.
    """
    override = os.environ.get(WORK_DIR_ENV, "").strip()
    folder = Path(override).expanduser() if override else REPO_ROOT / "my-work"
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"Your saved work goes in {folder}, but a file with that name is in the way. "
            f"Move or rename the file, or set {WORK_DIR_ENV} to another folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
