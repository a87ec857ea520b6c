"""Cohort mode: learners hand in their answers; the facilitator pools them to see where the group disagrees.

Learner side
    :func:`export_submission` gathers the learner's saved work (the latest readiness
    self-assessment from Module 00, the RICE estimates they changed in Module 03's calculator, and
    their answers to a few exercises) into ONE plain JSON file and writes it into a shared folder.
    :func:`submit` is the same call for a notebook: it prints what happened and never raises.

    The file is written atomically and never replaces another file: it is written under a
    temporary name first, then linked to a fresh name that nobody else has. The learner appears
    under a random pseudonym ("amber-otter-3f9a") that is kept in their own work folder, so a
    second submission is recognised as theirs. Their real name is written only when they ask for
    it (``anonymous=False, name="..."``).

Facilitator side
    :func:`pool` reads every submission in a folder and returns a :class:`Pool`: for each backlog
    item the spread of the cohort's RICE estimates, sorted by how much people disagree; the
    cohort's readiness per area; which exercise statements the group found hardest (against the
    answer keys in ``datasets/`` when they exist); and a report of every file that was skipped,
    and why.

    A shared folder is hostile ground, so :func:`pool` trusts nothing in it:

    * Only ``*.json`` files directly in the folder are read; other files are listed as ignored.
    * Symbolic links are never followed and never opened, wherever they point. Folders, devices,
      pipes and files with several hard links are skipped. Files are opened with ``O_NOFOLLOW`` and
      checked again after opening (same file, still a regular file).
    * Files over 1 MB are skipped before a byte is read; at most 1 MB is ever read from any file.
    * The contents are parsed with :func:`json.loads` only: nothing is executed, ever (no pickle,
      no eval, no YAML).
    * Empty, non-UTF-8, malformed or truncated files and wrong formats or versions are skipped
      with a reason. Within a good file, each field is checked: a bad field is dropped and
      reported, and the good fields are kept.
    * When one learner handed in twice, the newest submission is kept and the older one reported.

Everything a facilitator sees is anonymised by default: learners appear as "Learner 01",
"Learner 02"... (``pool(..., reveal_names=True)`` shows the names or pseudonyms in the files).
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .paths import DATASETS_DIR, REPO_ROOT, work_dir

__all__ = [
    "FORMAT",
    "VERSION",
    "MAX_BYTES",
    "DEMO_FOLDER",
    "AREAS",
    "STATEMENTS",
    "PREDICTION_CHANGES",
    "CohortError",
    "Pool",
    "pseudonym",
    "gather",
    "export_submission",
    "submit",
    "validate_submission",
    "pool",
    "load_answer_keys",
    "synthetic_submissions",
    "spread_figure",
    "readiness_figure",
    "hardest_figure",
    "figure_html",
]

#: What every submission file says it is.
FORMAT = "pmkit-cohort-submission"
#: The submission format's version. Files of another version are skipped with a reason.
VERSION = 1
#: Files bigger than this are skipped before they are read (1 MB).
MAX_BYTES = 1024 * 1024
#: The bundled demo folder the facilitator notebook opens by default.
DEMO_FOLDER = DATASETS_DIR / "cohort_demo"

MAX_ITEMS = 2000  # RICE estimates per submission
MAX_TEXT = 5000  # characters in one free-text answer
MAX_LIST = 20  # entries in a list answer
MAX_LABELS = 500  # statements in a classification answer
MAX_REPORTED = 20  # problems listed per partly used file

try:  # Module 00 defines the areas; the tuple below is the course contract, used if it is absent
    from .readiness import AREAS as _READINESS_AREAS
except Exception:  # noqa: BLE001 - cohort mode must work in a checkout without module 00
    _READINESS_AREAS = None
AREAS: tuple[str, ...] = tuple(_READINESS_AREAS or ("discovery", "prioritization", "stakeholders", "writing", "transition"))

RICE_FIELDS = ("reach", "impact", "confidence", "effort")
IMPACT_SCALE = (3.0, 2.0, 1.0, 0.5, 0.25)  # Intercom's impact scale
RICE_SAVE = ("03-prioritization", "rice_calculator")  # where the RICE calculator keeps its changes

#: Module 03's "predict the new top three" exercise: the two changes it asks the learner to make.
#: The answer key is worked out from the backlog with these changes (tests check that they match
#: the solution notebook).
PREDICTION_CHANGES = (("B05", "reach", 11_000), ("B04", "effort", 6))

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_LEARNER = re.compile(r"^[^\x00-\x1f\x7f]{1,80}$")


class CohortError(ValueError):
    """A cohort action cannot go ahead; the message says why and what to do."""


# ------------------------------------------------------------------------------------------------
# The statements a submission may carry
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatementSpec:
    key: str  # "module/answer key", as in pmkit.work
    kind: str  # "top3" | "id" | "word" | "labels" | "texts" | "text"
    title: str

    @property
    def module(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split("/", 1)[1]


#: The exercise answers a submission carries (saved by the module notebooks with pmkit.work).
STATEMENTS: tuple[StatementSpec, ...] = (
    StatementSpec("03-prioritization/prediction", "top3", "03 · Predict the new top three"),
    StatementSpec("03-prioritization/misleading_item", "id", "03 · Where RICE misleads: the item"),
    StatementSpec("03-prioritization/misleading_reason", "word", "03 · Where RICE misleads: the reason"),
    StatementSpec("07-after-the-switch/problem_or_solution", "labels", "07 · Problem or solution?"),
    StatementSpec("02-customer-discovery/insights", "texts", "02 · Insight statements"),
    StatementSpec("02-customer-discovery/problem_statement", "text", "02 · Problem statement"),
)
_SPECS = {s.key: s for s in STATEMENTS}
_LABELS = ("problem", "solution")


def _short(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _num(value: float) -> str:
    """A RICE score for reading: 12,345 / 54.3 / 0.53."""
    from .widgets._common import fmt_number

    return fmt_number(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_text(value: Any, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError("the text is blank")
    if len(text) > limit:
        raise ValueError(f"the text has {len(text):,} characters; the limit is {limit:,}")
    if "\x00" in text:
        raise ValueError("the text holds a NUL character")
    return text


def _check_statement(spec: StatementSpec, value: Any) -> Any:
    """A clean copy of one statement answer, or ValueError saying what is wrong."""
    if spec.kind == "top3":
        if not isinstance(value, list) or len(value) != 3 or not all(isinstance(v, str) and _ID.match(v.strip()) for v in value):
            raise ValueError(f"expected three item ids like [\"B01\", \"B03\", \"B07\"], got {_short(value)}")
        ids = [v.strip().upper() for v in value]
        if len(set(ids)) != 3:
            raise ValueError(f"the three ids must differ, got {_short(value)}")
        return ids
    if spec.kind == "id":
        if not isinstance(value, str) or not _ID.match(value.strip()):
            raise ValueError(f"expected an item id like \"B07\", got {_short(value)}")
        return value.strip().upper()
    if spec.kind == "word":
        return _check_text(value, 60).lower()
    if spec.kind == "labels":
        if not isinstance(value, dict) or not value:
            raise ValueError(f"expected statement ids with \"problem\" or \"solution\", got {_short(value)}")
        if len(value) > MAX_LABELS:
            raise ValueError(f"{len(value)} statements; the limit is {MAX_LABELS}")
        clean = {}
        for k, v in value.items():
            if not _ID.match(k) or not isinstance(v, str) or v.strip().lower() not in _LABELS:
                raise ValueError(f"statement {_short(k, 20)}: expected \"problem\" or \"solution\", got {_short(v)}")
            clean[k.upper()] = v.strip().lower()
        return clean
    if spec.kind == "texts":
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            raise ValueError(f"expected a list of 1 to {MAX_LIST} sentences, got {_short(value)}")
        return [_check_text(v) for v in value]
    if spec.kind == "text":
        return _check_text(value)
    raise ValueError(f"unknown kind {spec.kind!r}")  # pragma: no cover - specs are fixed above


# ------------------------------------------------------------------------------------------------
# Checking one submission (used by export and by pool: what export writes, pool accepts)
# ------------------------------------------------------------------------------------------------
def _check_rice(item_id: Any, value: Any) -> dict[str, float]:
    if not isinstance(item_id, str) or not _ID.match(item_id):
        raise ValueError(f"{_short(item_id, 20)} is not an item id (letters, digits, '_', '-' or '.')")
    if not isinstance(value, dict):
        raise ValueError(f"expected reach, impact, confidence and effort, got {_short(value)}")
    missing = [f for f in RICE_FIELDS if f not in value]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing")
    out = {}
    for f in RICE_FIELDS:
        v = value[f]
        if not _is_number(v):
            raise ValueError(f"{f} is {_short(v)}, not a number")
        out[f] = float(v)
    if not 0 <= out["reach"] <= 1e12:
        raise ValueError(f"reach {out['reach']:g} is out of range (0 or more people or accounts a quarter)")
    if not any(math.isclose(out["impact"], s) for s in IMPACT_SCALE):
        raise ValueError(f"impact {out['impact']:g} is not on Intercom's scale (3, 2, 1, 0.5, 0.25)")
    if not 0 < out["confidence"] <= 1:
        raise ValueError(f"confidence {out['confidence']:g} is not a fraction above 0 and at most 1 (0.8 = 80%)")
    if not 0 < out["effort"] <= 1e6:
        raise ValueError(f"effort {out['effort']:g} is not a number of person-months above 0")
    return out


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"expected a date and time like 2026-07-14T09:30:00+00:00, got {_short(value)}")
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{_short(value)} is not a date and time like 2026-07-14T09:30:00+00:00") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _check_readiness(value: Any, dropped: list[str]) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        dropped.append(f"readiness: expected the scores of a self-assessment, got {_short(value)}")
        return None
    out: dict[str, Any] = {}
    total = value.get("total")
    if total is not None:
        if _is_number(total) and 0 <= total <= 100:
            out["total"] = float(total)
        else:
            dropped.append(f"readiness total {_short(total)} is not a score from 0 to 100")
    areas = value.get("areas")
    clean_areas: dict[str, float] = {}
    if isinstance(areas, dict):
        for area, score in areas.items():
            if area not in AREAS:
                dropped.append(f"readiness area {_short(area, 20)} is not one of {', '.join(AREAS)}")
            elif not (_is_number(score) and 0 <= score <= 100):
                dropped.append(f"readiness {area} score {_short(score)} is not from 0 to 100")
            else:
                clean_areas[area] = float(score)
    elif areas is not None:
        dropped.append(f"readiness areas: expected area scores, got {_short(areas)}")
    out["areas"] = clean_areas
    gaps = value.get("top_gaps")
    if gaps is not None:
        if isinstance(gaps, list) and all(isinstance(g, str) and g in AREAS for g in gaps) and len(gaps) <= len(AREAS):
            out["top_gaps"] = list(gaps)
        else:
            dropped.append(f"readiness top_gaps {_short(gaps)} is not a list of areas")
    taken = value.get("taken_at")
    if taken is not None:
        try:
            _parse_time(taken)
            out["taken_at"] = taken
        except ValueError as err:
            dropped.append(f"readiness taken_at: {err}")
    if "total" not in out and not clean_areas:
        return None
    return out


@dataclass
class Submission:
    """One learner's checked submission."""

    file: str
    learner: str
    created: datetime | None
    readiness: dict | None
    rice_estimates: dict[str, dict[str, float]]
    statements: dict[str, Any]
    dropped: list[str] = field(default_factory=list)
    mtime_ns: int = 0


_KNOWN_FIELDS = {"format", "version", "learner", "created", "readiness", "rice_estimates", "statements"}


class _Skip(Exception):
    """The whole file is unusable; the message is the reason."""


def validate_submission(data: Any, file: str = "<memory>") -> Submission:
    """Check a parsed submission. Raises ValueError when the whole file is unusable (wrong format
    or version, no learner); otherwise returns it with bad fields dropped and listed in
    ``Submission.dropped``."""
    if not isinstance(data, dict):
        raise ValueError(f"it holds a JSON {type(data).__name__}, not a submission")
    if data.get("format") != FORMAT:
        shown = _short(data.get("format")) if "format" in data else "missing"
        raise ValueError(f"it is not a cohort submission (format is {shown}; expected {FORMAT!r})")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        if _is_number(version) and version > VERSION:
            raise ValueError(f"it was made by a newer pmkit (format version {version:g}); this one reads version {VERSION}. "
                             "Update the course on this machine")
        raise ValueError(f"its format version is {_short(version)}; this pmkit reads version {VERSION}")
    learner = data.get("learner")
    if not isinstance(learner, str) or not _LEARNER.match(learner.strip() or "\x00"):
        raise ValueError(f"it has no usable learner pseudonym ({_short(learner)})")
    dropped: list[str] = []
    created = None
    if "created" in data:
        try:
            created = _parse_time(data["created"])
        except ValueError as err:
            dropped.append(f"created: {err}")
    readiness = _check_readiness(data.get("readiness"), dropped)
    rice: dict[str, dict[str, float]] = {}
    raw = data.get("rice_estimates")
    if isinstance(raw, dict):
        if len(raw) > MAX_ITEMS:
            dropped.append(f"rice_estimates: {len(raw):,} items; the limit is {MAX_ITEMS:,}, so none were used")
        else:
            for item_id, value in raw.items():
                try:
                    rice[item_id.strip().upper()] = _check_rice(item_id, value)
                except ValueError as err:
                    dropped.append(f"RICE estimate {_short(item_id, 20)}: {err}")
    elif raw is not None:
        dropped.append(f"rice_estimates: expected item ids with estimates, got {_short(raw)}")
    statements: dict[str, Any] = {}
    raw = data.get("statements")
    if isinstance(raw, dict):
        for key, value in raw.items():
            spec = _SPECS.get(key)
            if spec is None:
                dropped.append(f"statement {_short(key, 50)} is not one that cohort mode knows")
                continue
            try:
                statements[key] = _check_statement(spec, value)
            except ValueError as err:
                dropped.append(f"statement {key}: {err}")
    elif raw is not None:
        dropped.append(f"statements: expected named answers, got {_short(raw)}")
    unknown = sorted(k for k in data if k not in _KNOWN_FIELDS)
    if unknown:
        shown = ", ".join(_short(k, 20) for k in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        dropped.append(f"unknown field(s) ignored: {shown}")
    return Submission(file, learner.strip(), created, readiness, rice, statements, dropped)


# ------------------------------------------------------------------------------------------------
# Learner side: gather and export
# ------------------------------------------------------------------------------------------------
_ADJECTIVES = (
    "amber", "azure", "bold", "brisk", "calm", "clever", "coral", "crisp", "eager", "fair", "gentle", "golden",
    "grand", "happy", "hazel", "honest", "ivory", "jolly", "keen", "kind", "lively", "lucky", "merry", "mint",
    "misty", "noble", "olive", "patient", "plucky", "proud", "quick", "quiet", "rapid", "ready", "rosy", "royal",
    "ruby", "rustic", "sandy", "sharp", "silver", "sly", "snowy", "solar", "steady", "sunny", "swift", "tidy",
    "topaz", "true", "vivid", "warm", "wise", "witty", "young", "zesty",
)
_ANIMALS = (
    "badger", "beaver", "bison", "crane", "dolphin", "eagle", "falcon", "ferret", "finch", "fox", "gecko", "gull",
    "hare", "hawk", "heron", "ibis", "jay", "koala", "lark", "lemur", "lynx", "marten", "mole", "moose", "newt",
    "otter", "owl", "panda", "pelican", "puffin", "quail", "raven", "robin", "salmon", "seal", "shrew", "sloth",
    "swan", "tapir", "tern", "tiger", "toad", "trout", "vole", "walrus", "whale", "wolf", "wombat", "wren", "yak",
)
_PSEUDONYM = re.compile(r"^[a-z]+-[a-z]+-[0-9a-f]{4}$")
_IDENTITY = ("cohort", "pseudonym.json")


def _new_pseudonym(rng=None) -> str:
    if rng is None:
        return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_ANIMALS)}-{secrets.token_hex(2)}"
    return f"{rng.choice(_ADJECTIVES)}-{rng.choice(_ANIMALS)}-{int(rng.integers(0, 16**4)):04x}"


def pseudonym() -> str:
    """The learner's cohort pseudonym, like ``"amber-otter-3f9a"``.

    It is random (from the operating system's secure random source, never from a seed or from the
    learner's name) and kept in ``my-work/cohort/pseudonym.json``, so every submission from this
    learner carries the same pseudonym and a newer one replaces the older one in the pool.
    """
    path = work_dir().joinpath(*_IDENTITY)
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get("pseudonym")
        if isinstance(saved, str) and _PSEUDONYM.match(saved):
            return saved
    except (OSError, ValueError, AttributeError):
        pass
    name = _new_pseudonym()
    from .work import write_text_atomic

    write_text_atomic(path, json.dumps({"pseudonym": name}))
    return name


def _saved_rice_estimates(messages: list[str]) -> dict[str, dict[str, float]]:
    """The items the learner changed in Module 03's RICE calculator, each with all four factors
    (the team's value for the factors they did not change)."""
    from . import work

    saved = work.load_answer(*RICE_SAVE)
    if saved is None:
        return {}
    if not isinstance(saved, dict) or not isinstance(saved.get("overrides", []), list):
        messages.append("Your saved RICE calculator changes are not in the expected form, so none were included.")
        return {}
    overrides = [o for o in saved.get("overrides", []) if isinstance(o, dict)]
    if not overrides:
        return {}
    try:
        from .data import load_backlog

        items = load_backlog().set_index("id")
    except Exception as err:  # noqa: BLE001
        messages.append(f"The course backlog could not be loaded ({err}), so your RICE estimates were not included.")
        return {}
    out: dict[str, dict[str, float]] = {}
    for o in overrides:
        item, factor = str(o.get("id")), o.get("field")
        if item not in items.index or factor not in RICE_FIELDS:
            messages.append(f"A saved RICE change ({item}, {factor}) does not match the backlog and was left out.")
            continue
        entry = out.setdefault(item, {f: float(items.at[item, f]) for f in RICE_FIELDS})
        entry[factor] = o.get("value")
    clean = {}
    for item, entry in sorted(out.items()):
        try:
            clean[item] = _check_rice(item, entry)
        except ValueError as err:
            messages.append(f"Your RICE estimate for {item} was left out: {err}.")
    return clean


def _saved_readiness(messages: list[str]) -> dict | None:
    try:
        from . import readiness
    except ImportError:
        return None
    try:
        attempt = readiness.latest()
    except Exception as err:  # noqa: BLE001
        messages.append(f"Your readiness result could not be read ({err}), so it was not included.")
        return None
    if not attempt:
        return None
    picked = {k: attempt.get(k) for k in ("total", "areas", "top_gaps", "taken_at") if k in attempt}
    dropped: list[str] = []
    clean = _check_readiness(picked, dropped)
    for d in dropped:
        messages.append(f"Part of your readiness result was left out: {d}.")
    return clean


def gather(include_text: bool = True) -> tuple[dict, list[str]]:
    """Collect what a submission carries from the learner's saved work.

    Returns ``(parts, messages)``: ``parts`` has ``readiness``, ``rice_estimates`` and
    ``statements``; ``messages`` say what was left out and why. Nothing is written.
    """
    from . import work

    messages: list[str] = []
    readiness = _saved_readiness(messages)
    rice = _saved_rice_estimates(messages)
    statements: dict[str, Any] = {}
    for spec in STATEMENTS:
        if not include_text and spec.kind in ("text", "texts"):
            continue
        try:
            value = work.load_answer(spec.module, spec.name)
        except Exception as err:  # noqa: BLE001
            messages.append(f"{spec.title}: your saved answer could not be read ({err}).")
            continue
        if work.is_unanswered(value):
            continue
        try:
            statements[spec.key] = _check_statement(spec, value)
        except ValueError as err:
            messages.append(f"{spec.title}: your saved answer was left out ({err}).")
    return {"readiness": readiness, "rice_estimates": rice, "statements": statements}, messages


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "learner"


def _write_new_file(folder: Path, stem: str, text: str) -> Path:
    """Write ``text`` to a new file in ``folder``, atomically, never replacing an existing file."""
    data = text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".pmkit-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        for _ in range(20):
            final = folder / f"{stem}-{secrets.token_hex(3)}.json"
            try:
                os.link(tmp, final)  # fails if the name exists: nothing is ever overwritten
                return final
            except FileExistsError:
                continue
            except OSError:
                # a file system without hard links: create the final name exclusively instead
                try:
                    out = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
                except FileExistsError:
                    continue
                with os.fdopen(out, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                return final
        raise CohortError(f"Could not find a free file name in {folder}.")
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def export_submission(
    folder: str | os.PathLike,
    name: str | None = None,
    anonymous: bool = True,
    *,
    when: datetime | None = None,
    include_text: bool = True,
    parts: Mapping[str, Any] | None = None,
) -> Path:
    """Write the learner's submission into the shared ``folder`` and return the new file's path.

    ``anonymous=True`` (the default) writes only the learner's pseudonym. To put your name on the
    submission instead, pass ``anonymous=False, name="Your Name"``. ``include_text=False`` leaves
    out free-text answers (insight and problem statements). ``parts`` replaces what is gathered from
    the saved work (tests and custom exercises use it). Raises :class:`CohortError` with a plain
    message when the folder is unusable or there is nothing to hand in.
    """
    target = Path(folder).expanduser()
    if not target.exists():
        raise CohortError(f"The shared folder {target} does not exist. Check the path your facilitator gave you.")
    if not target.is_dir():
        raise CohortError(f"{target} is a file, not a folder. Check the path your facilitator gave you.")
    if not os.access(target, os.W_OK | os.X_OK):
        raise CohortError(f"You cannot write into {target}. Ask your facilitator to give learners write access.")
    if anonymous:
        learner = pseudonym()
        stem = learner
    else:
        if not isinstance(name, str) or not name.strip():
            raise CohortError('To hand in under your name, pass it: export_submission(folder, name="Your Name", anonymous=False).')
        learner = " ".join(name.split())[:80]
        stem = f"{_slug(learner)}-{pseudonym()}"
    gathered = dict(parts) if parts is not None else gather(include_text=include_text)[0]
    created = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "learner": learner,
        "created": created.isoformat(),
        "readiness": gathered.get("readiness"),
        "rice_estimates": dict(gathered.get("rice_estimates") or {}),
        "statements": dict(gathered.get("statements") or {}),
    }
    checked = validate_submission(document)
    if checked.dropped:
        raise CohortError("The submission is not valid: " + "; ".join(checked.dropped))
    if checked.readiness is None and not checked.rice_estimates and not checked.statements:
        raise CohortError("There is nothing to hand in yet: no saved readiness result, RICE changes or exercise answers "
                          "were found in your work folder. Do the exercises first.")
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
    return _write_new_file(target, f"{stem}-{created.strftime('%Y%m%dT%H%M%SZ')}", text)


def submit(folder: str | os.PathLike, name: str | None = None, anonymous: bool = True, include_text: bool = True) -> Path | None:
    """Hand in your answers from a notebook: prints what was sent and where; never raises."""
    messages: list[str] = []
    try:
        parts, messages = gather(include_text=include_text)
        path = export_submission(folder, name=name, anonymous=anonymous, parts=parts)
    except Exception as err:  # noqa: BLE001 - a learner-facing helper must never crash a notebook
        print(f"Your answers were not handed in: {err}")
        for message in messages:
            print(message)
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    who = "your name" if not anonymous else f"your pseudonym {data['learner']!r} (not your name)"
    print(f"Handed in as {who}: {path.name} in {path.parent}.")
    parts = []
    if data["readiness"]:
        parts.append("your latest readiness scores")
    if data["rice_estimates"]:
        parts.append(f"your RICE estimates for {len(data['rice_estimates'])} item(s)")
    if data["statements"]:
        parts.append(f"{len(data['statements'])} exercise answer(s)")
    print("It holds " + ", ".join(parts) + ".")
    for message in messages:
        print(message)
    print("Hand in again at any time: the facilitator's pool keeps only your newest submission.")
    return path


# ------------------------------------------------------------------------------------------------
# Facilitator side: reading a hostile folder
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Report:
    file: str
    status: str  # "skipped" | "ignored" | "duplicate" | "partly used"
    reason: str


def _json_error(err: json.JSONDecodeError, text: str) -> str:
    body = text.strip()
    if err.pos >= len(text.rstrip()) or (body.startswith("{") and not body.endswith("}")):
        return f"it stops before the JSON is complete (truncated at line {err.lineno}); ask the learner to hand in again"
    return f"it is not valid JSON ({err.msg} at line {err.lineno}, column {err.colno})"


def _read_entry(folder_fd_path: Path, entry: os.DirEntry, max_bytes: int) -> tuple[bytes | None, str | None, int]:
    """Read one directory entry safely. Returns (bytes, None, mtime) or (None, reason, 0)."""
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as err:
        return None, f"it cannot be inspected ({err.strerror or err})", 0
    if stat.S_ISLNK(st.st_mode):
        return None, "it is a symbolic link; links are never followed, so it was not read", 0
    if stat.S_ISDIR(st.st_mode):
        return None, "it is a folder; only files directly in the shared folder are read", 0
    if not stat.S_ISREG(st.st_mode):
        return None, "it is not a regular file (a device, pipe or socket), so it was not read", 0
    if st.st_nlink > 1:
        return None, "it has other hard links (it may be a file from outside the folder), so it was not read", 0
    if st.st_size > max_bytes:
        return None, f"it is {st.st_size / 1024 / 1024:.1f} MB, over the {max_bytes / 1024 / 1024:g} MB limit, so it was not read", 0
    if st.st_size == 0:
        return None, "it is empty", 0
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(folder_fd_path / entry.name, flags)
    except OSError as err:
        return None, f"it cannot be opened ({err.strerror or err})", 0
    try:
        after = os.fstat(fd)
        if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (st.st_dev, st.st_ino):
            return None, "it changed while it was being read (it was replaced), so it was not read", 0
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(65536, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        return None, f"it cannot be read ({err.strerror or err})", 0
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        return None, f"it grew past the {max_bytes / 1024 / 1024:g} MB limit while it was read, so it was not used", 0
    if not data.strip():
        return None, "it is empty", 0
    return data, None, st.st_mtime_ns


def _parse(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _Skip(f"it is not UTF-8 text (byte 0x{data[err.start]:02x} at position {err.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise _Skip(_json_error(err, text)) from None
    except RecursionError:
        raise _Skip("it is nested too deeply to be a submission") from None
    except ValueError as err:  # e.g. an integer with thousands of digits
        raise _Skip(f"it is not valid JSON ({err})") from None


def _read_folder(folder: Path, max_bytes: int) -> tuple[list[Submission], list[_Report]]:
    submissions: list[Submission] = []
    reports: list[_Report] = []
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            reports.append(_Report(name, "ignored", "a hidden file (an export still being written starts with a dot)"))
            continue
        try:
            is_link = entry.is_symlink()
        except OSError:
            is_link = True
        if not name.lower().endswith(".json") and not is_link:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if not is_dir:
                reports.append(_Report(name, "ignored", "not a .json file"))
                continue
        data, reason, mtime = _read_entry(folder, entry, max_bytes)
        if data is None:
            reports.append(_Report(name, "skipped", reason))
            continue
        try:
            parsed = _parse(data)
            sub = validate_submission(parsed, name)
        except _Skip as err:
            reports.append(_Report(name, "skipped", str(err)))
            continue
        except ValueError as err:
            reports.append(_Report(name, "skipped", str(err)))
            continue
        sub.mtime_ns = mtime
        submissions.append(sub)
    return submissions, reports


def _dedupe(submissions: list[Submission]) -> tuple[list[Submission], list[_Report]]:
    """Keep each learner's newest submission (by its 'created' time, then the file's time, then name)."""
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    by_learner: dict[str, list[Submission]] = {}
    for s in submissions:
        by_learner.setdefault(s.learner, []).append(s)
    kept, reports = [], []
    for learner in sorted(by_learner):
        group = sorted(by_learner[learner], key=lambda s: (s.created or oldest, s.mtime_ns, s.file))
        newest = group[-1]
        kept.append(newest)
        for s in group[:-1]:
            reports.append(_Report(s.file, "duplicate",
                                   f"the same learner handed in again later; only the newest ({newest.file}) is used"))
    return kept, reports


# ------------------------------------------------------------------------------------------------
# Answer keys
# ------------------------------------------------------------------------------------------------
def _problem_or_solution_key(notes: list[str]) -> dict[str, tuple[str, str]] | None:
    """{statement id: (answer, statement text)} from Module 07's datasets/problem_or_solution.csv."""
    path = DATASETS_DIR / "problem_or_solution.csv"
    if not path.is_file():
        notes.append("No answer key for 07 · Problem or solution? (datasets/problem_or_solution.csv is absent), "
                     "so those answers were not marked.")
        return None
    try:
        from .after_switch import load_statements
    except ImportError:
        load_statements = None
    try:
        if load_statements is not None:
            frame = load_statements(path)
            return {str(r.id): (str(r.answer), str(r.statement)) for r in frame.itertuples()}
        import csv

        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        key = {r["id"].strip(): (r["answer"].strip().lower(), r.get("statement", "").strip()) for r in rows}
        if not key or any(a not in _LABELS for a, _ in key.values()):
            raise ValueError("its answer column must hold 'problem' or 'solution' on every row")
        return key
    except Exception as err:  # noqa: BLE001
        notes.append(f"The answer key datasets/problem_or_solution.csv cannot be read ({err}), so 07 answers were not marked.")
        return None


def _prediction_key(notes: list[str], backlog=None) -> list[str] | None:
    """Module 03's "predict the new top three": the top three after PREDICTION_CHANGES."""
    try:
        from .data import load_backlog
        from .widgets.rice import RiceCalculatorModel

        model = RiceCalculatorModel(backlog if backlog is not None else load_backlog())
        for item, factor, value in PREDICTION_CHANGES:
            model.set_estimate(item, factor, value)
        return model.top(3)
    except Exception as err:  # noqa: BLE001
        notes.append(f"No answer key for 03 · Predict the new top three (the backlog cannot be scored: {err}), "
                     "so those answers were not marked.")
        return None


def load_answer_keys(backlog=None) -> tuple[dict[str, Any], list[str]]:
    """The answer keys that exist in this checkout, and notes about the ones that do not.

    Returns ``({statement key: key}, notes)``. ``"03-prioritization/prediction"`` maps to the
    correct top three (a list of ids); ``"07-after-the-switch/problem_or_solution"`` maps to
    ``{statement id: (answer, statement text)}``.
    """
    notes: list[str] = []
    keys: dict[str, Any] = {}
    top3 = _prediction_key(notes, backlog)
    if top3:
        keys["03-prioritization/prediction"] = top3
    labels = _problem_or_solution_key(notes)
    if labels:
        keys["07-after-the-switch/problem_or_solution"] = labels
    return keys, notes


# ------------------------------------------------------------------------------------------------
# The pool
# ------------------------------------------------------------------------------------------------
def _qcd(q1, q3):
    """Quartile coefficient of dispersion (Q3 - Q1) / (Q3 + Q1): 0 = everyone agrees, 1 = wildly apart."""
    import numpy as np

    q1, q3 = np.asarray(q1, float), np.asarray(q3, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (q3 - q1) / (q3 + q1)
    return np.where((q3 + q1) > 0, out, 0.0)


@dataclass
class Pool:
    """The pooled submissions of a cohort. Every table names learners by label only ("Learner 01")
    unless the pool was made with ``reveal_names=True``."""

    folder: Path
    learners: list[str]  # labels, in order
    estimates: Any  # DataFrame: learner, item_id, reach, impact, confidence, effort, rice
    spread: Any  # DataFrame: one row per item, most disputed first
    readiness: Any  # DataFrame: learner, total, <area>...
    statements: Any  # DataFrame: one row per marked statement, hardest first
    texts: Any  # DataFrame: learner, statement, text
    report: Any  # DataFrame: file, status, reason
    notes: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.learners)

    def readiness_histogram(self, bins: int = 5):
        """Histogram data per area: area, bin ("0–20"...), low, high, count. The last bin includes 100."""
        import numpy as np
        import pandas as pd

        edges = np.linspace(0, 100, bins + 1)
        rows = []
        for area in ("total",) + AREAS:
            values = self.readiness[area].dropna().to_numpy(float) if area in self.readiness else np.array([])
            counts, _ = np.histogram(values, bins=edges)
            for k in range(bins):
                rows.append({"area": area, "bin": f"{edges[k]:g}–{edges[k + 1]:g}", "low": float(edges[k]),
                             "high": float(edges[k + 1]), "count": int(counts[k])})
        return pd.DataFrame(rows, columns=["area", "bin", "low", "high", "count"])

    def readiness_summary(self):
        """Per area: how many learners, median, lowest and highest score, and how many named it a top gap."""
        import pandas as pd

        rows = []
        for area in AREAS:
            values = self.readiness[area].dropna() if area in self.readiness else pd.Series(dtype=float)
            gaps = int(self.readiness["top_gap"].eq(area).sum()) if "top_gap" in self.readiness else 0
            rows.append({"area": area, "learners": int(values.size),
                         "median": float(values.median()) if values.size else float("nan"),
                         "lowest": float(values.min()) if values.size else float("nan"),
                         "highest": float(values.max()) if values.size else float("nan"),
                         "weakest_for": gaps})
        return pd.DataFrame(rows, columns=["area", "learners", "median", "lowest", "highest", "weakest_for"])

    def ranked(self):
        """The items with enough estimates to show a spread, most disputed first."""
        if self.spread.empty:
            return self.spread
        keep = self.spread["enough"].astype(bool) & self.spread["disagreement"].notna()
        return self.spread.loc[keep]

    def spread_table(self, n: int = 10):
        """The ``n`` most disputed items, for reading: median RICE, the middle half, and the factor in dispute."""
        import pandas as pd

        top = self.ranked().head(n)
        return pd.DataFrame({
            "item": top["item_id"],
            "title": top["title"],
            "estimates": top["n"].astype(int),
            "median RICE": [_num(v) for v in top["rice_median"]],
            "middle half": [f"{_num(a)} – {_num(b)}" for a, b in zip(top["rice_q1"], top["rice_q3"])],
            "disagreement": top["disagreement"].round(2),
            "most disputed": top["most_disputed_factor"],
        }).reset_index(drop=True)

    def hardest_table(self, n: int = 10):
        """The ``n`` statements most often answered wrongly, for reading."""
        import pandas as pd

        top = self.statements.head(n)
        return pd.DataFrame({
            "statement": top["statement"],
            "text": top["text"],
            "right answer": top["answer"],
            "answered": top["answered"].astype(int),
            "wrong": [f"{w} ({s:.0%})" for w, s in zip(top["wrong"], top["share_wrong"])],
        }).reset_index(drop=True)

    def summary(self) -> str:
        counts = self.report.drop_duplicates(["file", "status"])["status"].value_counts() if len(self.report) else {}
        parts = [f"{self.n} learner(s) pooled from {self.folder.name}/"]
        for status in ("skipped", "duplicate", "partly used", "ignored"):
            c = int(counts.get(status, 0)) if len(self.report) else 0
            if c:
                parts.append(f"{c} file(s) {status}")
        text = "; ".join(parts) + "."
        if len(self.spread):
            top = self.spread.iloc[0]
            text += (f" The cohort disagrees most about {top['item_id']} ({top['title']}): RICE scores from "
                     f"{_num(top['rice_q1'])} to {_num(top['rice_q3'])} across the middle half of {int(top['n'])} estimates.")
        return text

    def discussion_prompts(self, n: int = 3) -> list[str]:
        """Questions for the room, built from the pooled data (anonymised)."""
        prompts = []
        for _, row in self.ranked().head(n).iterrows():
            factor = row["most_disputed_factor"]
            prompts.append(
                f"{row['item_id']} · {row['title']}: the middle half of the cohort's RICE scores runs from "
                f"{_num(row['rice_q1'])} to {_num(row['rice_q3'])}, and {factor} is the estimate people disagree on most. "
                f"Ask one person from each end to explain their {factor}. What evidence would settle it?"
            )
        if len(self.statements):
            hard = self.statements.iloc[0]
            prompts.append(
                f"{hard['question']}: {hard['share_wrong']:.0%} of those who answered got "
                f"{hard['statement']} wrong. Read it aloud and ask the room what made it tricky."
            )
        summary = self.readiness_summary()
        known = summary.dropna(subset=["median"])
        if len(known):
            weakest = known.sort_values(["median", "area"]).iloc[0]
            prompts.append(
                f"Readiness: {weakest['area']} has the lowest median ({weakest['median']:.0f} of 100). "
                "Which single habit from that module could each person start next week?"
            )
        return prompts


def _titles(backlog) -> dict[str, str]:
    if backlog is None:
        try:
            from .data import load_backlog

            backlog = load_backlog()
        except Exception:  # noqa: BLE001 - titles are a nicety; the pool works without them
            return {}
    try:
        return {str(i): str(t) for i, t in zip(backlog["id"], backlog["title"])}
    except Exception:  # noqa: BLE001
        return {}


def _labels(submissions: list[Submission], reveal_names: bool) -> dict[str, str]:
    ordered = sorted(s.learner for s in submissions)
    width = max(2, len(str(len(ordered))))
    return {name: (name if reveal_names else f"Learner {k:0{width}d}") for k, name in enumerate(ordered, start=1)}


def _spread_frame(estimates, titles: dict[str, str], min_estimates: int = 3):
    import numpy as np
    import pandas as pd

    cols = ["item_id", "title", "n", "enough", "rice_median", "rice_q1", "rice_q3", "rice_iqr", "rice_cv", "disagreement",
            "most_disputed_factor"]
    for f in RICE_FIELDS:
        cols += [f"{f}_median", f"{f}_iqr", f"{f}_cv"]
    if estimates.empty:
        return pd.DataFrame(columns=cols)
    g = estimates.groupby("item_id", sort=True)
    out = pd.DataFrame({"n": g.size()})
    spreads = {}
    for f in ("rice",) + RICE_FIELDS:
        q = g[f].quantile([0.25, 0.5, 0.75]).unstack()
        mean, std = g[f].mean(), g[f].std(ddof=1)
        out[f"{f}_median"] = q[0.5]
        out[f"{f}_q1"], out[f"{f}_q3"] = q[0.25], q[0.75]
        out[f"{f}_iqr"] = q[0.75] - q[0.25]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{f}_cv"] = np.where(mean > 0, std / mean, np.nan)
        spreads[f] = _qcd(q[0.25], q[0.75])
    out["disagreement"] = np.where(out["n"] >= 2, spreads["rice"], np.nan)
    # an item only a few learners estimated cannot show a split in the room: rank it after the others
    out["enough"] = out["n"] >= min_estimates
    factor_spread = np.vstack([spreads[f] for f in RICE_FIELDS]).T
    out["most_disputed_factor"] = [RICE_FIELDS[int(np.argmax(row))] if n >= 2 else ""
                                   for row, n in zip(factor_spread, out["n"])]
    out = out.reset_index()
    out["title"] = out["item_id"].map(titles).fillna("")
    out = out.sort_values(["enough", "disagreement", "n", "item_id"], ascending=[False, False, False, True],
                          na_position="last")
    return out[cols].reset_index(drop=True)


def _statement_frame(kept: list[Submission], keys: dict[str, Any]):
    import pandas as pd

    cols = ["question", "statement", "text", "answer", "answered", "wrong", "share_wrong"]
    rows = []
    top3 = keys.get("03-prioritization/prediction")
    if top3:
        answers = [s.statements["03-prioritization/prediction"] for s in kept if "03-prioritization/prediction" in s.statements]
        if answers:
            wrong = sum(set(a) != set(top3) for a in answers)
            rows.append({"question": _SPECS["03-prioritization/prediction"].title, "statement": "prediction",
                         "text": "The new top three after the two changes", "answer": ", ".join(top3),
                         "answered": len(answers), "wrong": wrong, "share_wrong": wrong / len(answers)})
    labels = keys.get("07-after-the-switch/problem_or_solution")
    if labels:
        tally: dict[str, list[int]] = {}
        for s in kept:
            for sid, choice in s.statements.get("07-after-the-switch/problem_or_solution", {}).items():
                if sid in labels:
                    t = tally.setdefault(sid, [0, 0])
                    t[0] += 1
                    t[1] += choice != labels[sid][0]
        for sid, (answered, wrong) in tally.items():
            rows.append({"question": _SPECS["07-after-the-switch/problem_or_solution"].title, "statement": sid,
                         "text": labels[sid][1], "answer": labels[sid][0], "answered": answered, "wrong": wrong,
                         "share_wrong": wrong / answered})
    frame = pd.DataFrame(rows, columns=cols)
    if len(frame):
        frame = frame.sort_values(["share_wrong", "answered", "statement"], ascending=[False, False, True]).reset_index(drop=True)
    return frame


def pool(
    folder: str | os.PathLike | None = None,
    *,
    reveal_names: bool = False,
    answer_keys: Mapping[str, Any] | None = None,
    backlog=None,
    max_bytes: int = MAX_BYTES,
) -> Pool:
    """Pool every submission in ``folder`` (default: the bundled demo folder).

    Never raises because of a file's contents: every unusable file is listed in ``Pool.report``
    with the reason. Raises :class:`CohortError` only when ``folder`` itself is not a readable
    folder. ``answer_keys`` replaces :func:`load_answer_keys` (same shape); ``backlog`` gives item
    titles and the 03 answer key (default: the course backlog).
    """
    import numpy as np
    import pandas as pd

    target = Path(folder).expanduser() if folder is not None else DEMO_FOLDER
    if not target.is_dir():
        raise CohortError(f"{target} is not a folder. Point pool() at the shared folder the learners hand in to.")
    try:
        found, reports = _read_folder(target, max_bytes)
    except OSError as err:
        raise CohortError(f"The folder {target} cannot be read ({err.strerror or err}).") from None
    kept, dupes = _dedupe(found)
    reports += dupes
    for s in kept:  # one row per dropped value, at most MAX_REPORTED per file
        for problem in s.dropped[:MAX_REPORTED]:
            reports.append(_Report(s.file, "partly used", problem))
        if len(s.dropped) > MAX_REPORTED:
            reports.append(_Report(s.file, "partly used", f"and {len(s.dropped) - MAX_REPORTED} more problem(s)"))
    labels = _labels(kept, reveal_names)
    kept.sort(key=lambda s: labels[s.learner])
    titles = _titles(backlog)

    # RICE estimates: one row per (learner, item)
    learners_col, items_col, values = [], [], []
    for s in kept:
        for item_id, est in s.rice_estimates.items():
            learners_col.append(labels[s.learner])
            items_col.append(item_id)
            values.append([est[f] for f in RICE_FIELDS])
    arr = np.array(values, dtype=float).reshape(-1, 4)
    estimates = pd.DataFrame({"learner": learners_col, "item_id": items_col})
    for k, f in enumerate(RICE_FIELDS):
        estimates[f] = arr[:, k]
    estimates["rice"] = arr[:, 0] * arr[:, 1] * arr[:, 2] / arr[:, 3] if len(arr) else np.array([], dtype=float)
    estimators = estimates["learner"].nunique() if len(estimates) else 0
    spread = _spread_frame(estimates, titles, max(3, math.ceil(0.25 * estimators)))

    # readiness
    rows = []
    for s in kept:
        if s.readiness:
            row = {"learner": labels[s.learner], "total": s.readiness.get("total", np.nan)}
            for area in AREAS:
                row[area] = s.readiness["areas"].get(area, np.nan)
            gaps = s.readiness.get("top_gaps") or []
            row["top_gap"] = gaps[0] if gaps else None
            rows.append(row)
    readiness = pd.DataFrame(rows, columns=["learner", "total", *AREAS, "top_gap"])
    for col in ("total", *AREAS):
        readiness[col] = readiness[col].astype(float)

    # statements marked against the answer keys
    notes: list[str] = []
    if answer_keys is None:
        answer_keys, notes = load_answer_keys(backlog)
    statements = _statement_frame(kept, dict(answer_keys))
    texts = pd.DataFrame(
        [{"learner": labels[s.learner], "statement": _SPECS[k].title, "text": t}
         for s in kept for k, v in s.statements.items() if _SPECS[k].kind in ("text", "texts")
         for t in (v if isinstance(v, list) else [v])],
        columns=["learner", "statement", "text"],
    )
    report = pd.DataFrame([(r.file, r.status, r.reason) for r in reports], columns=["file", "status", "reason"])
    order = {"skipped": 0, "duplicate": 1, "partly used": 2, "ignored": 3}
    if len(report):
        report = report.assign(_o=report["status"].map(order)).sort_values(["_o", "file"]).drop(columns="_o").reset_index(drop=True)
    return Pool(target, [labels[s.learner] for s in kept], estimates, spread, readiness, statements, texts, report,
                notes, titles)


# ------------------------------------------------------------------------------------------------
# Synthetic submissions (the demo folder, the benchmark and the tests)
# ------------------------------------------------------------------------------------------------
_INSIGHTS = (
    "Area managers of multi-site groups need to set up every site in one sitting because their week has no room "
    "for twelve separate rotas.",
    "Staff on Android need to trust that a changed shift reaches them, because a missed change costs them a day's pay.",
    "Store managers need swaps to settle without them, because approving each one by hand pulls them off the floor.",
    "Payroll admins need overtime to arrive right first time, because every manual fix delays everyone's pay.",
)
_PROBLEM_STATEMENTS = (
    "Rotawise was meant to get a new multi-site account running in its first two weeks. We see that only 38% "
    "publish a schedule for every location within 14 days, which leads to early churn. How might we help new "
    "groups set up every site, judged by the 14-day activation rate?",
    "Rotawise was meant to make shift swaps painless. We have observed that swaps stall while they wait for a "
    "manager, so only 61% complete. How might we help staff settle swaps, judged by the swap completion rate?",
)


_DISCUSSED = ("B01", "B03", "B04", "B05", "B07", "B08", "B12", "B14")  # items Module 03's session discusses


def synthetic_submissions(n: int, seed: int = 2026, backlog=None, drill_key: Mapping[str, str] | None = None,
                          prediction_key: list[str] | None = None,
                          start: str = "2026-07-14T18:00:00+00:00") -> list[dict]:
    """``n`` made-up submissions (seeded, so always the same), shaped like real ones.

    Each learner re-estimates 6 to 12 backlog items around the team's values (a few items split
    the room far more than others), has readiness scores, predicts the 03 top three (about half
    right, against ``prediction_key``) and, when ``drill_key`` ({statement id: "problem" or
    "solution"}) is given, classifies those statements (a few statements are hard).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    if backlog is None:
        from .data import load_backlog

        backlog = load_backlog()
    items = backlog.set_index("id")
    ids = list(items.index)
    # how hard each factor is to agree on, per item: a few items are contested on purpose
    contested = {i: rng.uniform(0.1, 0.35, 4) for i in ids}
    for i, factor, width in (("B04", 3, 0.9), ("B14", 1, 0.8), ("B12", 2, 0.7), ("B08", 0, 0.9), ("B06", 3, 0.6)):
        if i in contested:
            contested[i][factor] = width
    drill_key = dict(drill_key or {})
    statement_ids = sorted(drill_key)
    difficulty = {sid: 0.7 * float(rng.beta(1.2, 3.0)) for sid in statement_ids}
    key_top3 = list(prediction_key) if prediction_key else None
    others = [i for i in ids if i not in (key_top3 or [])]
    t0 = datetime.fromisoformat(start)
    out = []
    for k in range(n):
        learner = _new_pseudonym(rng)
        # most learners re-estimate the items a session discusses; each adds a few of their own
        core = [i for i in _DISCUSSED if i in contested and rng.random() < 0.8]
        rest = [i for i in ids if i not in core]
        extra = rng.choice(rest, size=min(len(rest), int(rng.integers(2, 7))), replace=False) if rest else []
        chosen = core + [str(i) for i in extra]
        rice = {}
        for item in sorted(chosen):
            spread = contested[item]
            reach = float(items.at[item, "reach"]) * float(np.exp(rng.normal(0, spread[0])))
            reach = float(max(1, round(reach, -1) if reach >= 100 else round(reach)))
            steps = int(np.clip(np.round(rng.normal(0, spread[1] * 2)), -2, 2))
            pos = int(np.clip(IMPACT_SCALE.index(float(items.at[item, "impact"])) + steps, 0, 4))
            conf_scale = (1.0, 0.8, 0.5)
            base = min(range(3), key=lambda j: abs(conf_scale[j] - float(items.at[item, "confidence"])))
            cpos = int(np.clip(base + np.round(rng.normal(0, spread[2] * 2)), 0, 2))
            effort = float(items.at[item, "effort"]) * float(np.exp(rng.normal(0, spread[3])))
            effort = max(0.5, round(effort * 2) / 2)
            rice[item] = {"reach": reach, "impact": IMPACT_SCALE[pos], "confidence": conf_scale[cpos], "effort": effort}
        base_level = rng.normal(52, 12)
        areas = {a: float(np.clip(round(base_level + rng.normal(0, 14), 1), 0, 100)) for a in AREAS}
        total = round(sum(areas.values()) / len(areas), 1)
        gaps = sorted(AREAS, key=lambda a: (areas[a], AREAS.index(a)))[:2]
        statements: dict[str, Any] = {}
        skill = rng.uniform(-0.1, 0.15)
        if key_top3:
            guess = list(key_top3)
            if rng.random() > 0.5 + skill:  # a common slip: one of the three replaced by a near miss
                guess[int(rng.integers(0, 3))] = str(others[int(rng.integers(0, min(6, len(others))))])
            statements["03-prioritization/prediction"] = guess
        if statement_ids:
            flip = {"problem": "solution", "solution": "problem"}
            statements["07-after-the-switch/problem_or_solution"] = {
                sid: (drill_key[sid] if rng.random() > max(0.0, difficulty[sid] - skill) else flip[drill_key[sid]])
                for sid in statement_ids
            }
        statements["03-prioritization/misleading_item"] = str(rng.choice(["B02", "B08", "B09", "B12", "B24"]))
        statements["03-prioritization/misleading_reason"] = str(rng.choice(
            ["dependency", "one customer", "table stakes", "strategic bet", "inflated estimate"]))
        if rng.random() < 0.6:
            statements["02-customer-discovery/insights"] = [str(s) for s in rng.choice(_INSIGHTS, size=2, replace=False)]
        if rng.random() < 0.5:
            statements["02-customer-discovery/problem_statement"] = str(rng.choice(_PROBLEM_STATEMENTS))
        created = t0.timestamp() + int(rng.integers(0, 3 * 3600))
        out.append({
            "format": FORMAT,
            "version": VERSION,
            "learner": learner,
            "created": datetime.fromtimestamp(created, timezone.utc).isoformat(),
            "readiness": {"total": total, "areas": areas, "top_gaps": gaps, "taken_at": start},
            "rice_estimates": rice,
            "statements": statements,
        })
    return out


# ------------------------------------------------------------------------------------------------
# Charts (Okabe-Ito colours; every chart carries its meaning in text and shape, not colour alone)
# ------------------------------------------------------------------------------------------------
def _colours():
    from .widgets import _common as c

    return c


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def spread_figure(p: Pool, n: int = 10):
    """Box plots of the cohort's RICE scores for the ``n`` most disputed items (log scale)."""
    from matplotlib.figure import Figure

    c = _colours()
    top = p.ranked().head(n)
    fig = Figure(figsize=(8, 0.45 * max(len(top), 3) + 1.4), layout="constrained")
    ax = fig.subplots()
    if top.empty:
        ax.text(0.5, 0.5, "Not enough RICE estimates to show a spread", ha="center", va="center")
        ax.set_axis_off()
        return fig
    order = list(top["item_id"])[::-1]
    data = [p.estimates.loc[p.estimates["item_id"] == i, "rice"].to_numpy() for i in order]
    import matplotlib

    direction = ({"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10)
                 else {"vert": False})
    ax.boxplot(data, **direction, widths=0.55, patch_artist=True, showfliers=False,
               boxprops={"facecolor": c.SKY, "edgecolor": c.BLUE}, medianprops={"color": c.BLACK, "linewidth": 2},
               whiskerprops={"color": c.BLUE}, capprops={"color": c.BLUE})
    for y, values in enumerate(data, start=1):
        jitter = [(k % 5 - 2) * 0.05 for k in range(len(values))]
        ax.scatter(values, [y + j for j in jitter], s=12, color=c.VERMILLION, marker="o", zorder=3, alpha=0.8)
    labels = [f"{i} · {_cut(p.titles.get(i, ''), 34)}" for i in order]
    ax.set_yticks(range(1, len(order) + 1), labels, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("RICE score from each learner's estimates (log scale)\n"
                  "box = middle half of the cohort, black line = median, dot = one learner", fontsize=9)
    ax.set_title(f"The {len(order)} items the cohort disagrees on most (most disputed at the top)", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def spread_alt(p: Pool, n: int = 3) -> str:
    top = p.ranked().head(n)
    if top.empty:
        return "No chart: there are not enough RICE estimates to show a spread."
    parts = [f"{r.item_id} ({r.title}): middle half from {_num(r.rice_q1)} to {_num(r.rice_q3)}, median {_num(r.rice_median)}, "
             f"{int(r.n)} estimates, most disputed factor {r.most_disputed_factor}" for r in top.itertuples()]
    return "Box plots of RICE scores per backlog item, most disputed first. " + "; ".join(parts) + "."


def readiness_figure(p: Pool, bins: int = 5):
    """One small histogram per area of the cohort's readiness scores, with the median marked."""
    from matplotlib.figure import Figure

    c = _colours()
    hist = p.readiness_histogram(bins)
    summary = p.readiness_summary().set_index("area")
    fig = Figure(figsize=(9, 2.6), layout="constrained")
    axes = fig.subplots(1, len(AREAS), sharey=True)
    for ax, area in zip(axes, AREAS):
        h = hist[hist["area"] == area]
        ax.bar(h["low"] + 10, h["count"], width=18, color=c.BLUE, edgecolor=c.BLACK, linewidth=0.5)
        median = summary.at[area, "median"]
        title = area.capitalize()
        if median == median:
            ax.axvline(median, color=c.VERMILLION, linestyle="--", linewidth=2)
            title += f"\nmedian {median:.0f}"
        ax.set_title(title, fontsize=9)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 50, 100])
        ax.set_xlabel("score", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel("learners")
    fig.suptitle("The cohort's readiness per area (bars = learners per 20-point band; dashed line = median)", fontsize=10)
    return fig


def readiness_alt(p: Pool) -> str:
    s = p.readiness_summary().dropna(subset=["median"])
    if s.empty:
        return "No chart: no submission holds a readiness result."
    parts = [f"{r.area} median {r.median:.0f} (from {r.lowest:.0f} to {r.highest:.0f})" for r in s.itertuples()]
    weakest = s.sort_values(["median", "area"]).iloc[0]["area"]
    return (f"Histograms of readiness scores for {int(s['learners'].max())} learners, one per area: " + "; ".join(parts)
            + f". The weakest area is {weakest}.")


def hardest_figure(p: Pool, n: int = 10):
    """Horizontal bars: the share of learners who got each statement wrong, hardest at the top."""
    from matplotlib.figure import Figure

    c = _colours()
    top = p.statements.head(n)
    fig = Figure(figsize=(8, 0.42 * max(len(top), 3) + 1.3), layout="constrained")
    ax = fig.subplots()
    if top.empty:
        ax.text(0.5, 0.5, "No marked answers to show", ha="center", va="center")
        ax.set_axis_off()
        return fig
    rows = top.iloc[::-1]
    labels = [f"{r.statement}: {_cut(str(r.text), 46)}" for r in rows.itertuples()]
    bars = ax.barh(labels, rows["share_wrong"] * 100, color=c.ORANGE, edgecolor=c.BLACK, linewidth=0.5)
    for bar, r in zip(bars, rows.itertuples()):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2,
                f"{r.share_wrong:.0%} wrong ({r.wrong} of {r.answered})", va="center", fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel("share of learners who answered it wrongly (%)")
    ax.set_title("The statements the cohort found hardest", fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def hardest_alt(p: Pool, n: int = 3) -> str:
    if p.statements.empty:
        return "No chart: no submission holds an answer that can be marked."
    parts = [f"{r.statement} ({r.share_wrong:.0%} wrong of {r.answered}; the answer is {r.answer})"
             for r in p.statements.head(n).itertuples()]
    return "Bar chart of the share of learners who got each statement wrong, hardest first: " + "; ".join(parts) + "."


def figure_html(fig, alt: str, caption: str | None = None) -> str:
    """A matplotlib figure as an accessible HTML ``<figure>``: a PNG with alt text, and a caption."""
    import html as _html

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{_html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="pmkit-cohort-figure"><img src="data:image/png;base64,{data}" '
            f'alt="{_html.escape(alt, quote=True)}" style="max-width:100%">{cap}</figure>')


def shown(path: Path) -> str:
    """A path relative to the course folder when it is inside it."""
    try:
        return Path(path).resolve().relative_to(REPO_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)
