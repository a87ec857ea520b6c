"""Save a learner's exercise answers so that a kernel restart (or a fresh copy of a notebook) loses nothing.

Answers live in one small JSON file per module::

    <work_dir>/<module>/answers.json        for example my-work/03_prioritization/answers.json

``work_dir()`` comes from :mod:`pmkit.paths`: ``my-work/`` at the repo root (git ignores it), or
the folder named by the ``PMKIT_WORK_DIR`` environment variable.

* :func:`save_answer` writes one answer. The file is replaced in one step (a temporary file, then
  ``os.replace``), so a crash half-way through never leaves a half-written file.
* :func:`load_answer` reads one answer back, or a default.
* :func:`keep_answer` is what the exercise notebooks call: it saves an answer the learner has
  given, or brings back the saved one when the cell still holds the ``...`` placeholder.
* If ``answers.json`` cannot be read (it was edited by hand and broken, say), it is moved aside to
  ``answers.json.bak-<timestamp>`` with a message, and a fresh file is started. Nothing crashes and
  nothing is silently thrown away.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pmkit.paths import REPO_ROOT, work_dir

__all__ = [
    "ANSWERS_FILE",
    "answers_path",
    "load_answers",
    "load_answer",
    "save_answer",
    "keep_answer",
    "show_saved",
    "is_unanswered",
    "write_text_atomic",
    "shown_path",
    "backup_path",
]

ANSWERS_FILE = "answers.json"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _check_name(kind: str, name: Any) -> str:
    """Module and key names become folder names and JSON keys: keep them simple and safe."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ValueError(
            f"The {kind} name {name!r} cannot be used. Use letters, digits, '_', '-' or '.', "
            f"for example '03_prioritization'."
        )
    return name


def answers_path(module: str) -> Path:
    """Return the path of a module's answers file (it may not exist yet)."""
    return work_dir() / _check_name("module", module) / ANSWERS_FILE


def _shown(path: Path) -> str:
    """A path as the learner should read it: relative to the course folder when it is inside it."""
    for base in (REPO_ROOT, Path.cwd()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def _backup_name(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.bak-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak-{stamp}-{counter}")
        counter += 1
    return candidate


# Public names for the other modules that keep their own files in the work folder.
shown_path = _shown
backup_path = _backup_name


def _move_aside(path: Path, reason: str) -> Path | None:
    """Move an unreadable answers file out of the way and say so. Returns the new path."""
    backup = _backup_name(path)
    try:
        os.replace(path, backup)
    except OSError as err:
        print(
            f"Your saved answers in {_shown(path)} could not be read ({reason}), and moving the file aside "
            f"failed too ({err}). The file was left as it is. Answers will not be saved until "
            "you move or fix it."
        )
        return None
    print(
        f"Your saved answers in {_shown(path)} could not be read ({reason}). The file was moved to "
        f"{backup.name} in the same folder, so nothing is lost. A fresh answers file starts now; "
        "you can copy answers back from the old file by hand."
    )
    return backup


class _Unwritable(Exception):
    """The answers file is unreadable and could not be moved aside: do not overwrite it."""


def _read(path: Path) -> dict[str, Any]:
    """Read an answers file. A broken file is moved aside and an empty dict returned."""
    if not path.exists():
        return {}
    try:
        # utf-8-sig: a file re-saved by Windows Notepad starts with a byte-order mark; it is fine.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        reason = "it is not UTF-8 text"
    except OSError as err:
        # A permission problem, say: nothing to move aside, nothing to overwrite.
        print(f"Your saved answers in {_shown(path)} could not be read ({err}).")
        raise _Unwritable from err
    else:
        if not text.strip():
            reason = "it is empty"
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as err:
                reason = f"it is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
            else:
                if isinstance(data, dict):
                    return data
                reason = f"it holds a {type(data).__name__}, not a set of named answers"
    if _move_aside(path, reason) is None:
        raise _Unwritable
    return {}


def load_answers(module: str) -> dict[str, Any]:
    """Return every saved answer of a module as a dict (empty if there are none)."""
    try:
        return _read(answers_path(module))
    except _Unwritable:
        return {}


def load_answer(module: str, key: str, default: Any = None) -> Any:
    """Return the saved answer ``key`` of ``module``, or ``default`` if there is none."""
    _check_name("key", key)
    return load_answers(module).get(key, default)


def _to_json(value: Any, key: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"The answer {key!r} cannot be saved: answers must be text, numbers, True/False, None, "
            f"or lists and dicts of those (got a {type(value).__name__}: {err})."
        ) from None


def write_text_atomic(path: Path, text: str, *, newline: str = "\n", mode: int | None = None) -> Path:
    """Replace ``path`` with ``text`` in one step: a temporary file in the same folder, then
    ``os.replace``. A crash half-way leaves the old file (or none), never half a file. ``mode``
    sets the permissions (``mkstemp`` makes files private; a document to share wants 0o644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
    write_text_atomic(path, text)


def save_answer(module: str, key: str, value: Any) -> Path:
    """Save ``value`` as answer ``key`` of ``module`` and return the answers file's path.

    ``value`` must be JSON-friendly (text, numbers, booleans, None, lists and dicts of those);
    anything else raises ``TypeError`` with a clear message before the file is touched.
    Other answers in the file are kept.
    """
    _check_name("key", key)
    _to_json(value, key)  # fail early, before reading or writing anything
    path = answers_path(module)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = _read(path)
    except _Unwritable:
        raise OSError(f"The answer {key!r} was not saved: {_shown(path)} is in the way (see the message above).") from None
    data[key] = json.loads(_to_json(value, key))  # store a plain copy (tuples become lists)
    _write_atomic(path, data)
    return path


def is_unanswered(value: Any) -> bool:
    """True for the placeholders a learner has not replaced yet: ``...``, None, blank text, empty lists."""
    if value is Ellipsis or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return len(value) == 0 or all(v is Ellipsis for v in value)
    try:  # NaN, pandas NA and NaT: a blank cell, not an answer
        return value != value or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _short(value: Any, limit: int = 70) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def keep_answer(module: str, key: str, value: Any) -> Any:
    """Save an answer, or bring back the saved one. Returns the value the notebook should use.

    * If ``value`` is a real answer, it is saved and returned.
    * If ``value`` is still the ``...`` placeholder (or None, blank, empty) and an answer was saved
      earlier, the saved answer is returned, with a message saying so.
    * Otherwise ``value`` is returned unchanged.

    It never raises: a problem with saving is reported as a message, and the answer is still
    returned so the exercise can go on.
    """
    try:
        if is_unanswered(value):
            saved = load_answer(module, key)
            if not is_unanswered(saved):
                print(f"Brought back your saved answer for {key!r}: {_short(saved)}")
                print("(Write a new answer in the cell above to replace it.)")
                return saved
            return value
        if isinstance(value, (list, tuple)) and any(v is Ellipsis for v in value):
            print(f"Your answer for {key!r} is not saved yet: it still contains ... . Replace every ... first.")
            return value
        path = save_answer(module, key, value)
        print(f"Saved your answer for {key!r} in {_shown(path)}.")
        return value
    except Exception as err:  # noqa: BLE001 - a learner-facing helper must never crash a notebook
        print(f"Your answer for {key!r} was not saved: {err}")
        return value


def show_saved(module: str) -> dict[str, Any]:
    """Print which answers of ``module`` are saved, and return them as a dict."""
    try:
        path = answers_path(module)
        answers = load_answers(module)
    except Exception as err:  # noqa: BLE001
        print(f"Your saved answers could not be read: {err}")
        return {}
    if not answers:
        print(f"No saved answers yet. When you answer an exercise, your answer is saved in {_shown(path)}.")
        return {}
    print(f"Your saved answers ({_shown(path)}):")
    for key in sorted(answers):
        print(f"  {key}: {_short(answers[key])}")
    print("Run the notebook from the top: cells still holding ... get these answers back.")
    return answers
