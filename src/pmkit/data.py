"""Load and check the course's CSV files, and learners' own versions of them.

A learner's spreadsheet export can hold blank cells, ``80%`` in a confidence
column, ``1,000`` with a thousands separator, a byte-order mark, semicolons
instead of commas, and so on. The loaders here read such a file without ever
changing it. They either return a clean DataFrame (when the meaning of every
cell is clear) or raise :class:`DataError`, which lists every problem at once:
the line as seen in the file, the column and what was expected.

Public API:

- :func:`load_backlog`, :func:`load_estimates`: read a CSV file.
- :func:`validate_backlog`: the same checks for a DataFrame in memory.
- :func:`validate_value`: check one value for one column (for widgets).
- :func:`explain_load`: for notebooks; prints a friendly report instead of raising.
- :class:`DataError`, :class:`Problem`, and the scales ``RICE_IMPACT_SCALE``,
  ``RICE_CONFIDENCE_SCALE`` and ``FIBONACCI``.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import math
import numbers
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pmkit import paths

__all__ = [
    "RICE_IMPACT_SCALE",
    "RICE_CONFIDENCE_SCALE",
    "FIBONACCI",
    "BACKLOG_REQUIRED",
    "BACKLOG_OPTIONAL",
    "ESTIMATES_COLUMNS",
    "Problem",
    "DataError",
    "load_backlog",
    "load_estimates",
    "validate_backlog",
    "validate_value",
    "explain_load",
]

#: Intercom's RICE impact scale: value -> name.
RICE_IMPACT_SCALE = {3: "massive", 2: "high", 1: "medium", 0.5: "low", 0.25: "minimal"}
#: Intercom's RICE confidence levels: value -> name.
RICE_CONFIDENCE_SCALE = {1.0: "high", 0.8: "medium", 0.5: "low"}
#: The modified Fibonacci scale used for WSJF's relative estimates.
FIBONACCI = (1, 2, 3, 5, 8, 13, 20)

BACKLOG_REQUIRED = ("id", "title", "reach", "impact", "confidence", "effort")
BACKLOG_OPTIONAL = (
    "description", "area", "theme", "kind", "requester", "reach_unit",
    "ice_impact", "ice_confidence", "ice_ease",
    "business_value", "time_criticality", "risk_reduction", "job_size",
    "crit_customer", "crit_revenue", "crit_strategy", "crit_risk",
    "depends_on",
)  # fmt: skip
ESTIMATES_COLUMNS = ("item_id", "estimator", "role", "reach", "impact", "confidence", "effort")

_MAX_SHOWN = 40  # longest cell text quoted in a message


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One problem found in the data.

    ``line`` is the line in the file (the header is line 1); for a DataFrame in
    memory ``line`` is None and ``row`` holds the row's index label instead.
    ``message`` is plain English and already quotes the offending value.
    """

    line: int | None
    column: str | None
    value: str | None
    message: str
    row: Hashable | None = None

    @property
    def where(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


class DataError(ValueError):
    """The data could not be used. ``.problems`` lists every problem found.

    ``str(error)`` starts with "Could not load <file>: N problem(s)" and then
    gives one problem per line.
    """

    def __init__(self, problems: Iterable[Problem] | str, source: str = "the data", verb: str = "load"):
        if isinstance(problems, str):
            problems = [Problem(None, None, None, problems)]
        self.problems: list[Problem] = list(problems)
        self.source = source
        self.verb = verb
        lines = [f"Could not {verb} {source}: {len(self.problems)} problem(s)"]
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self):  # keep the problems when pickled (e.g. by pytest-xdist)
        return (self.__class__, (self.problems, self.source, self.verb))


class _CellError(Exception):
    """Raised by a cell parser; the message becomes a Problem."""


# --------------------------------------------------------------------------- small helpers


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return word if n == 1 else (plural or word + "s")


def _show(value: Any) -> str:
    """Quote a cell value for a message, shortened and with odd characters escaped."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    if not text.isprintable():
        text = text.encode("unicode_escape").decode("ascii")
    return f"'{text}'"


def _join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _clean_text(value: Any) -> str:
    """Text form of a cell: NFKC-normalised, stripped, typographic minus signs made ASCII."""
    text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace("\u2212", "-").replace("\u2013", "-")


def _normalise_name(name: Any) -> str:
    """Column name -> canonical form: 'Effort (person-months)' -> 'effort'."""
    text = unicodedata.normalize("NFKC", str(name)).replace("\ufeff", "").strip().lower()
    text = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", text)  # a trailing unit in brackets
    text = re.sub(r"\W+", "_", text)
    return re.sub(r"_+", "_", text).strip("_")


# --------------------------------------------------------------------------- numbers


_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPACE_GROUPED = re.compile(r"[+-]?[1-9][0-9]{0,2}(?: [0-9]{3})+(?:[.,][0-9]+)?")
_GROUPED = {
    ",": re.compile(r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+"),
    ".": re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+"),
}
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
_EXCEL_ERROR = re.compile(r"#(?:DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|GETTING_DATA)", re.I)


@dataclass
class _Context:
    """What a cell parser needs to know about the file, and the notes it leaves."""

    decimal_comma: bool = False
    file_kind: str = "comma-separated file"
    counts: dict[tuple[str, str], list] = field(default_factory=dict)

    def note(self, column: str, kind: str, example: str) -> None:
        entry = self.counts.setdefault((column, kind), [0, example])
        entry[0] += 1

    def rendered_notes(self) -> list[str]:
        out = []
        for (column, kind), (n, example) in self.counts.items():
            ex = _show(example)
            if kind == "percent":
                text = (f"read {n} {_plural(n, 'percentage')} like {ex} as "
                        f"{_plural(n, 'a fraction', 'fractions')} (80% -> 0.8)")
            elif kind == "percent_number":
                text = (f"read {n} {_plural(n, 'number')} above 1 like {ex} as "
                        f"{_plural(n, 'a percentage', 'percentages')} (80 -> 0.8)")
            elif kind == "word":
                text = (f"read {n} {_plural(n, 'word')} like {ex} as "
                        f"{_plural(n, 'its', 'their')} number on Intercom's scale")
            elif kind == "thousands":
                text = f"removed thousands separators from {n} {_plural(n, 'number')} like {ex}"
            elif kind == "decimal_comma":
                text = f"read {n} {_plural(n, 'number')} with a decimal comma, like {ex}"
            else:  # pragma: no cover - every kind used above is listed
                text = f"{kind}: {n} like {ex}"
            out.append(f"{column}: {text}" if column else text)
        return out


def _not_a_number(shown: str, expect: str) -> _CellError:
    return _CellError(f"{shown} is not a number. Expected {expect}.")


def _text_to_float(text: str, shown: str, column: str, expect: str, ctx: _Context) -> float:
    """Parse number text (already stripped, no % sign) using the file's conventions."""
    s = text
    used_thousands = used_decimal_comma = False
    if any(ch.isspace() for ch in s):
        compact = re.sub(r"\s+", " ", s)
        if not _SPACE_GROUPED.fullmatch(compact):
            raise _not_a_number(shown, expect)
        s = compact.replace(" ", "")
        used_thousands = True
    has_comma, has_dot = "," in s, "." in s
    if has_comma and has_dot:
        last = max(s.rfind(","), s.rfind("."))
        point = s[last]
        separator = "." if point == "," else ","
        whole, fraction = s[:last], s[last + 1 :]
        if not re.fullmatch(r"[0-9]+", fraction) or not _GROUPED[separator].fullmatch(whole):
            raise _not_a_number(shown, expect)
        if point == "," and not ctx.decimal_comma:
            raise _CellError(
                f"{shown} uses a comma as the decimal point, which a {ctx.file_kind} cannot hold "
                f"without confusion. Write it with a point and no separators, like "
                f"{whole.replace('.', '')}.{fraction}."
            )
        s = whole.replace(separator, "") + "." + fraction
        used_thousands = True
        used_decimal_comma = point == ","
    elif has_comma:
        if _GROUPED[","].fullmatch(s):
            if s.count(",") == 1 and ctx.decimal_comma:
                small = f"{float(s.replace(',', '.')):g}"
                raise _CellError(
                    f"{shown} is ambiguous in a {ctx.file_kind}: it could mean {small} (with a decimal comma) "
                    f"or {s.replace(',', '')} (with a thousands separator). Write {s.replace(',', '')} "
                    f"without a separator, or {small.replace('.', ',')} if you meant the small number."
                )
            s = s.replace(",", "")
            used_thousands = True
        elif _DECIMAL_COMMA.fullmatch(s):
            if not ctx.decimal_comma:
                raise _CellError(
                    f"{shown} uses a comma as the decimal point, which a {ctx.file_kind} cannot hold "
                    f"without confusion. Write it with a point, like {s.replace(',', '.')}."
                )
            s = s.replace(",", ".")
            used_decimal_comma = True
        else:
            raise _not_a_number(shown, expect)
    elif has_dot and ctx.decimal_comma and _GROUPED["."].fullmatch(s):
        if s.count(".") == 1:
            small = f"{float(s):g}"
            raise _CellError(
                f"{shown} is ambiguous in a {ctx.file_kind}, where a point may separate thousands: "
                f"it could mean {small} or {s.replace('.', '')}. Write {s.replace('.', '')} without a "
                f"separator, or {small.replace('.', ',')} if you meant the small number."
            )
        s = s.replace(".", "")
        used_thousands = True
    if not _PLAIN_NUMBER.fullmatch(s):
        raise _not_a_number(shown, expect)
    value = float(s) + 0.0  # + 0.0 turns -0.0 into 0.0
    if not math.isfinite(value):
        raise _CellError(f"{shown} is too large to use. Expected {expect}.")
    if used_thousands:
        ctx.note(column, "thousands", text)
    if used_decimal_comma:
        ctx.note("", "decimal_comma", text)
    return value


def _read_number(
    raw: Any, column: str, expect: str, ctx: _Context, *, percent_ok: bool = False
) -> tuple[float, bool, str]:
    """Return (value, was_a_percentage, shown) for a cell; raise _CellError if it is not a number."""
    if _is_blank(raw):
        raise _CellError(f"the cell is blank. Expected {expect}.")
    if isinstance(raw, (bool, np.bool_)):
        raise _not_a_number(_show(raw), expect)
    if isinstance(raw, numbers.Number) and not isinstance(raw, str):
        shown = _show(raw)
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            raise _not_a_number(shown, expect) from None
        if not math.isfinite(value):
            raise _CellError(f"{shown} is not a finite number. Expected {expect}.")
        return value, False, shown
    original = raw if isinstance(raw, str) else str(raw)
    shown = _show(original.strip())
    text = _clean_text(original)
    if _EXCEL_ERROR.fullmatch(text):
        raise _CellError(
            f"{shown} is an Excel error, not a number. Fix the formula in the spreadsheet and "
            f"export the file again. Expected {expect}."
        )
    if text.endswith("%"):
        if not percent_ok:
            raise _CellError(f"{shown} is a percentage, but only confidence can be one. Expected {expect}.")
        value = _text_to_float(text[:-1].rstrip(), shown, column, expect, ctx)
        return value / 100.0, True, shown
    return _text_to_float(text, shown, column, expect, ctx), False, shown


def _word(raw: Any) -> str | None:
    return raw.strip().lower() if isinstance(raw, str) else None


# --------------------------------------------------------------------------- column parsers

_EXPECT_REACH = "a count of people or accounts per quarter, 0 or more, like 1200"
_EXPECT_IMPACT = "Intercom's impact scale: 3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal)"
_EXPECT_CONFIDENCE = "a percentage like 80% or a fraction like 0.8"
_EXPECT_EFFORT = "person-months above 0, like 2 or 0.5"
_EXPECT_ICE = "a whole number from 1 to 10"
_EXPECT_WSJF = "one of 1, 2, 3, 5, 8, 13 or 20 (the modified Fibonacci scale)"
_EXPECT_CRIT = "a whole number from 1 to 5"

_IMPACT_WORDS = {name: float(value) for value, name in RICE_IMPACT_SCALE.items()}
_CONFIDENCE_WORDS = {name: float(value) for value, name in RICE_CONFIDENCE_SCALE.items()}


def _parse_reach(raw: Any, column: str, ctx: _Context) -> float:
    value, _, shown = _read_number(raw, column, _EXPECT_REACH, ctx)
    if value < 0:
        raise _CellError(f"{shown} is negative. Reach counts people or accounts, so it must be 0 or more.")
    return value


def _parse_impact(raw: Any, column: str, ctx: _Context) -> float:
    word = _word(raw)
    if word in _IMPACT_WORDS:
        ctx.note(column, "word", raw.strip())
        return _IMPACT_WORDS[word]
    value, _, shown = _read_number(raw, column, _EXPECT_IMPACT, ctx)
    for level in RICE_IMPACT_SCALE:
        if abs(value - level) < 1e-9:
            return float(level)
    raise _CellError(
        f"{shown} is not on Intercom's impact scale. "
        "Use 3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal)."
    )


def _parse_confidence(raw: Any, column: str, ctx: _Context) -> float:
    word = _word(raw)
    if word in _CONFIDENCE_WORDS:
        ctx.note(column, "word", raw.strip())
        return _CONFIDENCE_WORDS[word]
    value, was_percent, shown = _read_number(raw, column, _EXPECT_CONFIDENCE, ctx, percent_ok=True)
    scale_hint = "Intercom uses 100% for high, 80% for medium and 50% for low confidence."
    if was_percent:
        if 0 < value <= 1:
            ctx.note(column, "percent", raw.strip() if isinstance(raw, str) else str(raw))
            return value
        raise _CellError(f"{shown} is outside the range. Confidence must be above 0% and at most 100%. {scale_hint}")
    if 0 < value <= 1:
        return value
    if 1 < value < 10:
        # 5 could be 5%, or a 1-10 score pasted from ICE: too unclear to guess
        raise _CellError(
            f"{shown} is unclear as a confidence: write {value:g}% if you mean a percentage, or a fraction "
            f"like 0.8. {scale_hint}"
        )
    if 10 <= value <= 100:
        ctx.note(column, "percent_number", raw.strip() if isinstance(raw, str) else repr(raw))
        return value / 100.0
    raise _CellError(
        f"{shown} is not a valid confidence. It must be above 0 and at most 1 (or at most 100%). {scale_hint}"
    )


def _parse_effort(raw: Any, column: str, ctx: _Context) -> float:
    value, _, shown = _read_number(raw, column, _EXPECT_EFFORT, ctx)
    if value == 0:
        raise _CellError(f"{shown} is zero. RICE divides by effort; use 0.5 for well under a month of work.")
    if value < 0:
        raise _CellError(
            f"{shown} is negative. Effort is person-months of work, so it must be above 0 "
            "(use 0.5 for well under a month)."
        )
    return value


def _int_parser(
    allowed: tuple[int, ...], expect: str, divisor_of: str | None = None
) -> Callable[[Any, str, _Context], int]:
    def parse(raw: Any, column: str, ctx: _Context) -> int:
        value, _, shown = _read_number(raw, column, expect, ctx)
        if divisor_of and value <= 0:
            raise _CellError(f"{shown} must be above 0, because {divisor_of} divides by it. Expected {expect}.")
        if not value.is_integer():
            raise _CellError(f"{shown} is not a whole number. Expected {expect}.")
        if int(value) not in allowed:
            raise _CellError(f"{shown} is off the scale. Expected {expect}.")
        return int(value)

    return parse


_DEPENDENCY_SPLIT = re.compile(r"[\s,;|]+")


def _parse_ids(raw: Any) -> tuple[str, ...]:
    """Cell -> tuple of ids (for depends_on). Accepts text or a list/tuple of ids."""
    if isinstance(raw, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        parts = [str(x).strip() for x in raw if not _is_blank(x)]
    elif _is_blank(raw):
        parts = []
    else:
        parts = _DEPENDENCY_SPLIT.split(str(raw).strip())
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


def _parse_text(raw: Any) -> str:
    if _is_blank(raw):
        return ""
    return raw.strip() if isinstance(raw, str) else str(raw).strip()


# --------------------------------------------------------------------------- schemas


@dataclass(frozen=True)
class _Spec:
    name: str
    kind: str  # "key" (id-like, must not be blank), "title", "text", "float", "int", "ids"
    parse: Callable[[Any, str, _Context], Any] | None = None
    expect: str = ""


@dataclass(frozen=True)
class _Schema:
    what: str
    default_file: str
    specs: tuple[_Spec, ...]
    required: tuple[str, ...]
    aliases: dict[str, str]
    unique: tuple[str, ...]
    order: tuple[str, ...]  # column order of the result

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {s.name: s for s in self.specs})

    def spec(self, name: str) -> _Spec | None:
        return self._by_name.get(name)  # type: ignore[attr-defined]


_ice = _int_parser(tuple(range(1, 11)), _EXPECT_ICE)
_wsjf = _int_parser(FIBONACCI, _EXPECT_WSJF)
_crit = _int_parser((1, 2, 3, 4, 5), _EXPECT_CRIT)
_RICE_SPECS = (
    _Spec("reach", "float", _parse_reach, _EXPECT_REACH),
    _Spec("impact", "float", _parse_impact, _EXPECT_IMPACT),
    _Spec("confidence", "float", _parse_confidence, _EXPECT_CONFIDENCE),
    _Spec("effort", "float", _parse_effort, _EXPECT_EFFORT),
)
_RICE_ALIASES = {
    "rice_reach": "reach", "rice_impact": "impact", "rice_confidence": "confidence", "rice_effort": "effort",
}

_BACKLOG = _Schema(
    what="backlog",
    default_file="backlog.csv",
    specs=(
        _Spec("id", "key", expect="a short unique id like B07"),
        _Spec("title", "title", expect="a short name for the item"),
        *_RICE_SPECS,
        _Spec("description", "text"),
        _Spec("area", "text"),
        _Spec("theme", "text"),
        _Spec("kind", "text"),
        _Spec("requester", "text"),
        _Spec("reach_unit", "text"),
        _Spec("ice_impact", "int", _ice, _EXPECT_ICE),
        _Spec("ice_confidence", "int", _ice, _EXPECT_ICE),
        _Spec("ice_ease", "int", _ice, _EXPECT_ICE),
        _Spec("business_value", "int", _wsjf, _EXPECT_WSJF),
        _Spec("time_criticality", "int", _wsjf, _EXPECT_WSJF),
        _Spec("risk_reduction", "int", _wsjf, _EXPECT_WSJF),
        _Spec("job_size", "int", _int_parser(FIBONACCI, _EXPECT_WSJF, divisor_of="WSJF"), _EXPECT_WSJF),
        _Spec("crit_customer", "int", _crit, _EXPECT_CRIT),
        _Spec("crit_revenue", "int", _crit, _EXPECT_CRIT),
        _Spec("crit_strategy", "int", _crit, _EXPECT_CRIT),
        _Spec("crit_risk", "int", _crit, _EXPECT_CRIT),
        _Spec("depends_on", "ids"),
    ),
    required=BACKLOG_REQUIRED,
    aliases={
        "item_id": "id",
        "issue_key": "id",
        "name": "title",
        "item_name": "title",
        "summary": "title",
        "dependencies": "depends_on",
        "depends": "depends_on",
        "blocked_by": "depends_on",
        "user_business_value": "business_value",
        "risk_reduction_opportunity_enablement": "risk_reduction",
        **_RICE_ALIASES,
    },
    unique=("id",),
    order=BACKLOG_REQUIRED + BACKLOG_OPTIONAL,
)

_ESTIMATES = _Schema(
    what="estimates",
    default_file="estimates.csv",
    specs=(
        _Spec("item_id", "key", expect="the id of a backlog item, like B07"),
        _Spec("estimator", "key", expect="the name of the person who gave the estimate"),
        _Spec("role", "text"),
        *_RICE_SPECS,
    ),
    required=("item_id", "estimator", "reach", "impact", "confidence", "effort"),
    aliases={"id": "item_id", "estimated_by": "estimator", **_RICE_ALIASES},
    unique=("item_id", "estimator"),
    order=ESTIMATES_COLUMNS,
)


# --------------------------------------------------------------------------- reading a file


@dataclass
class _Row:
    line: int | None
    label: Hashable | None
    cells: list[Any]


@dataclass
class _Source:
    label: str  # used in "Could not load <label>"
    verb: str
    header: list[Any]
    header_line: int | None
    rows: list[_Row]
    delimiter: str | None = None  # None for a DataFrame in memory
    notes: list[str] = field(default_factory=list)
    index: pd.Index | None = None  # None -> RangeIndex
    frame: pd.DataFrame | None = None  # the DataFrame in memory, if any


_DELIMITER_NAMES = {",": "comma-separated file", ";": "semicolon-separated file", "\t": "tab-separated file"}


def _fail(source_label: str, message: str, line: int | None = None) -> DataError:
    return DataError([Problem(line, None, None, message)], source_label)


def _decode(data: bytes, label: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    if data.startswith(b"PK\x03\x04"):
        raise _fail(label, "This looks like an Excel workbook (.xlsx), not a CSV file. In Excel choose "
                    "File > Save As and pick 'CSV UTF-8 (Comma delimited)', then load that file.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(label, "This looks like an old Excel workbook (.xls), not a CSV file. In Excel choose "
                    "File > Save As and pick 'CSV UTF-8 (Comma delimited)', then load that file.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(label, "The file starts like UTF-16 text but cannot be read as UTF-16. "
                        "Save it again as 'CSV UTF-8'.") from None
        notes.append("read the file as UTF-16 text (Excel's 'Unicode Text' format)")
    elif data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as err:
            raise _fail(label, f"The file says it is UTF-8 text but byte {err.start + 3} is not valid UTF-8. "
                        "Save it again as 'CSV UTF-8'.") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if b"\x00" in data:
                raise _fail(label, "This is not a text file (it contains zero bytes). "
                            "Load a CSV file saved as 'CSV UTF-8'.") from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise _fail(label, "The file is neither UTF-8 nor Windows-1252 text, so its letters cannot "
                            "be read. Save it again as 'CSV UTF-8'.") from None
            notes.append("the file is not UTF-8, so it was read as Windows-1252 text (how Excel on Windows saves CSV)")
    if "\x00" in text:
        raise _fail(label, "This is not a text file (it contains zero bytes). Load a CSV file saved as 'CSV UTF-8'.")
    return text, notes


def _detect_delimiter(line: str) -> str:
    """Pick comma, semicolon or tab: whichever appears most often outside quotes in the header."""
    counts = Counter()
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in ",;\t":
            counts[ch] += 1
    if not counts:
        return ","
    best = max(counts.values())
    for ch in (",", ";", "\t"):
        if counts[ch] == best:
            return ch
    return ","  # pragma: no cover


def _csv_error_message(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return ("a cell here is extremely long. This usually means a double quote (\") opens a cell "
                "and is never closed. Check the quotes on this line.")
    if "unexpected end of data" in text:
        return ("a double quote (\") opens a cell here that is never closed. "
                "Close it, or remove the stray quote.")
    if "expected after" in text:
        return ("text follows a closing double quote. Put the whole cell in double quotes, "
                "and write a quote inside a cell as two quotes (\"\").")
    return f"this line cannot be read as CSV ({text})."


def _parse_csv(text: str, label: str, notes: list[str]) -> _Source:
    first_line = next((ln for ln in io.StringIO(text, newline="") if ln.strip()), None)
    if first_line is None:
        message = "The file is empty." if not text else "The file has only blank lines, so there is no data to load."
        raise _fail(label, message + " Save the spreadsheet as CSV with a header row and one row per item.")
    delimiter = _detect_delimiter(first_line)
    if delimiter != ",":
        european = ", as European Excel exports are" if delimiter == ";" else ""
        notes.append(f"the file is a {_DELIMITER_NAMES[delimiter]}{european}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 1
    rows: list[_Row] = []
    previous = 0
    empty_rows = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not record or all(not cell.strip() for cell in record):
                if header is not None and record:
                    empty_rows += 1
                continue
            if header is None:
                header, header_line = record, start
            else:
                rows.append(_Row(start, None, record))
    except csv.Error as err:
        raise _fail(label, _csv_error_message(err), line=previous + 1) from None
    if header is None:
        raise _fail(label, "The file has only empty cells, so there is no header row and no data to load. "
                    "Save the spreadsheet as CSV with a header row and one row per item.")
    if not rows:
        raise _fail(label, f"The file has a header row (line {header_line}) but no data rows below it. "
                    "Add one row per item.")
    if empty_rows:
        notes.append(f"skipped {empty_rows} empty {_plural(empty_rows, 'row')}")
    return _Source(label, "load", header, header_line, rows, delimiter, notes)


def _resolve(path: str | Path | None, default_name: str) -> Path:
    if path is None:
        return paths.dataset_path(default_name)
    p = Path(path).expanduser()
    if p.is_dir():
        raise IsADirectoryError(f"{p} is a folder, not a file. Give the path of the CSV file inside it.")
    if not p.exists():
        raise FileNotFoundError(
            f"There is no file at {p} (full path {p.absolute()}). Check the file name and folder; "
            f"relative paths start from the notebook's folder, {Path.cwd()}."
        )
    return p


def _read_source(path: str | Path | None, schema: _Schema) -> tuple[_Source, Path]:
    p = _resolve(path, schema.default_file)
    try:
        data = p.read_bytes()  # read-only: the learner's file is never written
    except PermissionError:
        raise PermissionError(
            f"Could not open {p}: permission denied. If the file is open in Excel, close it and try again."
        ) from None
    label = p.name
    text, notes = _decode(data, label)
    return _parse_csv(text, label, notes), p


# --------------------------------------------------------------------------- checking a table


def _strongly_connected(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns the strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges.get(root, ())))]
        while work:
            node, successors = work[-1]
            descended = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges.get(nxt, ()))))
                    descended = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_through(start: str, members: set[str], edges: dict[str, list[str]]) -> list[str]:
    """Shortest path start -> ... -> start inside one strongly connected component."""
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in edges.get(node, ()):
                if nxt not in members:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
                if nxt not in parent:
                    parent[nxt] = node
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return [start, start]  # pragma: no cover - a component always has a cycle


def _places_text(rows: list[_Row]) -> str:
    if rows[0].line is not None:
        word = "line" if len(rows) == 1 else "lines"
        return f"{word} {_join_words([str(r.line) for r in rows])}"
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {_join_words([str(r.label) for r in rows])}"


class _Checker:
    """Checks one table (a parsed file or a DataFrame) against a schema, collecting every problem.

    The steps run in order: map the header to canonical names, set aside
    ragged lines, parse every cell with the column's rules, run the
    table-wide checks (unique keys, known ids, dependencies) and, if nothing
    was wrong, build the DataFrame.
    """

    def __init__(self, source: _Source, schema: _Schema):
        self.source = source
        self.schema = schema
        self.in_memory = source.delimiter is None
        self.ctx = _Context(
            decimal_comma=source.delimiter == ";",
            file_kind=_DELIMITER_NAMES.get(source.delimiter or ",", "table"),
        )
        self.notes = list(source.notes)
        self.found: list[tuple[tuple[int, int], Problem]] = []  # (sort key, problem)
        self.n_columns = len(source.header)
        self.row_order = {id(row): i for i, row in enumerate(source.rows)}
        self.names: list[str] = []  # column names as written (stripped)
        self.positions_of: dict[str, list[int]] = {}  # canonical name -> positions
        self.skip: set[int] = set()  # positions not to parse
        self.unnamed_empty: set[int] = set()
        self.good_rows: list[_Row] = []
        self.lost_ids: set[str] = set()  # ids on lines that could not be read
        self.use: dict[str, int] = {}  # canonical name -> position, for the columns to parse
        self.values: dict[str, list[Any]] = {}

    # ---- helpers
    def add(self, problem: Problem, row: _Row | None = None, position: int = -1) -> None:
        order = self.row_order[id(row)] if row is not None else -1
        self.found.append(((order, position), problem))

    def run(self, known_ids: set[str] | None = None) -> pd.DataFrame:
        self.map_header()
        self.set_aside_ragged_rows()
        self.drop_empty_optional_columns()
        self.detect_decimal_commas()
        self.parse_cells()
        self.check_unique()
        if known_ids is not None:
            self.check_known_ids(known_ids)
        self.check_dependencies()
        if self.found:
            self.found.sort(key=lambda pair: pair[0])
            raise DataError([problem for _, problem in self.found], self.source.label, self.source.verb)
        return self.build()

    # ---- header
    def map_header(self) -> None:
        schema, header_line = self.schema, self.source.header_line
        self.names = names = [
            "" if _is_blank(h) else unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").strip()
            for h in self.source.header
        ]
        normalised = [_normalise_name(n) for n in names]
        canonical: list[str | None] = []
        for key in normalised:
            if key and schema.spec(key) is None and key in schema.aliases and schema.aliases[key] not in normalised:
                key = schema.aliases[key]  # an alias only counts if the canonical name is not there too
            canonical.append(key or None)

        # columns with no name: drop if empty everywhere (trailing separators), else keep as extras
        for position, key in enumerate(canonical):
            if key is not None:
                continue
            if all(position >= len(r.cells) or _is_blank(r.cells[position]) for r in self.source.rows):
                self.unnamed_empty.add(position)
            else:
                canonical[position] = f"unnamed_{position + 1}"
                self.notes.append(f"column {position + 1} has no name; kept it as 'unnamed_{position + 1}'")
        if self.unnamed_empty:
            k = len(self.unnamed_empty)
            self.notes.append(
                f"ignored {k} empty {_plural(k, 'column')} with no name (often left by trailing separators)"
            )
        self.skip |= self.unnamed_empty

        for position, key in enumerate(canonical):
            if key is not None and position not in self.skip:
                self.positions_of.setdefault(key, []).append(position)
        for key, where in self.positions_of.items():
            if len(where) > 1:
                listed = _join_words([f"'{names[p]}' (column {p + 1})" for p in where])
                verb = "both mean" if len(where) == 2 else "all mean"
                self.add(Problem(header_line, names[where[0]], None,
                                 f"{listed} {verb} '{key}'. Keep one of them and rename or delete the others."),
                         position=where[0])
                self.skip.update(where)

        extras = [k for k, where in self.positions_of.items() if schema.spec(k) is None and len(where) == 1]
        for required in schema.required:
            if required in self.positions_of:
                continue
            guess = difflib.get_close_matches(required, extras, n=1, cutoff=0.6)
            if guess:
                original = names[self.positions_of[guess[0]][0]]
                message = (f"this required column is missing. Did you mean '{original}'? "
                           f"If so, rename that column to '{required}'.")
            else:
                message = f"this required column is missing. Add it: it holds {schema.spec(required).expect}."
            self.add(Problem(header_line, required, None, message),
                     position=self.n_columns + schema.required.index(required))
        if extras:
            missing = [s.name for s in schema.specs if s.name not in self.positions_of]
            described = []
            for key in extras:
                near = difflib.get_close_matches(key, missing, n=1, cutoff=0.75)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                described.append(f"'{names[self.positions_of[key][0]]}'{hint}")
            self.notes.append(
                f"kept {len(extras)} {_plural(len(extras), 'column')} that pmkit does not use: {', '.join(described)}"
            )

    # ---- rows
    def set_aside_ragged_rows(self) -> None:
        n = self.n_columns
        trimmed = 0
        for row in self.source.rows:
            cells = row.cells
            if len(cells) > n and all(_is_blank(c) for c in cells[n:]):
                row.cells = cells = cells[:n]
                trimmed += 1
            elif len(cells) < n and all(p in self.unnamed_empty for p in range(len(cells), n)):
                row.cells = cells = cells + [""] * (n - len(cells))
            if len(cells) == n:
                self.good_rows.append(row)
                continue
            if len(cells) > n:
                word = {",": "comma", ";": "semicolon", "\t": "tab"}[self.source.delimiter or ","]
                hint = f"If a text cell contains a {word}, put the whole cell in double quotes."
            else:
                hint = "Is a cell missing?"
            message = f"this line has {len(cells)} cells but the header has {n} columns. {hint}"
            self.add(Problem(row.line, None, None, message), row)
            for p in self.positions_of.get(self.schema.unique[0], []):
                if p < len(cells) and not _is_blank(cells[p]):
                    self.lost_ids.add(_parse_text(cells[p]))
        if trimmed:
            self.notes.append(f"ignored empty cells past the last column on {trimmed} {_plural(trimmed, 'line')}")

    def drop_empty_optional_columns(self) -> None:
        for key, where in self.positions_of.items():
            spec = self.schema.spec(key)
            if spec is None or key in self.schema.required or spec.kind not in ("float", "int") or len(where) > 1:
                continue
            if all(_is_blank(r.cells[where[0]]) for r in self.good_rows):
                self.skip.add(where[0])
                self.notes.append(f"column '{self.names[where[0]]}' is empty in every row, so it was left out")
        self.use = {k: w[0] for k, w in self.positions_of.items() if len(w) == 1 and w[0] not in self.skip}

    def detect_decimal_commas(self) -> None:
        """Tab files from European Excel use decimal commas: decide once for the whole file."""
        if self.source.delimiter != "\t":
            return
        number_positions = [p for k, p in self.use.items()
                            if (spec := self.schema.spec(k)) is not None and spec.kind in ("float", "int")]
        for row in self.good_rows:
            for p in number_positions:
                cell = row.cells[p]
                if isinstance(cell, str):
                    text = _clean_text(cell).rstrip("%").strip()
                    if _DECIMAL_COMMA.fullmatch(text) and not _GROUPED[","].fullmatch(text):
                        self.ctx.decimal_comma = True
                        self.notes.append("the file uses decimal commas (like 0,8), as European Excel exports do")
                        return

    def parse_cells(self) -> None:
        self.values = {key: [] for key in self.use}
        for row in self.good_rows:
            for key, p in self.use.items():
                raw = row.cells[p]
                try:
                    value = self.parse_one(key, raw)
                except _CellError as err:
                    value = None
                    value_text = "" if _is_blank(raw) else str(raw)
                    self.add(Problem(row.line, self.names[p], value_text, str(err), row.label), row, p)
                self.values[key].append(value)

    def parse_one(self, key: str, raw: Any) -> Any:
        spec = self.schema.spec(key)
        if spec is None:  # an extra column: kept as it is
            return raw if self.in_memory else _parse_text(raw)
        return _parse_with(spec, raw, self.ctx)

    # ---- table-wide checks
    def check_unique(self) -> None:
        keys = self.schema.unique
        if not all(k in self.use for k in keys):
            return
        groups: dict[tuple, list[_Row]] = {}
        for i, row in enumerate(self.good_rows):
            key_values = tuple(self.values[k][i] for k in keys)
            if all(key_values):
                groups.setdefault(key_values, []).append(row)
        p = self.use[keys[0]]
        for key_values, rows in groups.items():
            if len(rows) < 2:
                continue
            if len(keys) == 1:
                message = f"the id {_show(key_values[0])} appears on {_places_text(rows)}. Every item needs its own id."
            else:
                message = (f"{_show(key_values[1])} gave more than one estimate for item {_show(key_values[0])} "
                           f"({_places_text(rows)}). Keep one row per estimator and item.")
            self.add(Problem(rows[0].line, self.names[p], " / ".join(key_values), message, rows[0].label), rows[0], p)

    def check_known_ids(self, known_ids: set[str]) -> None:
        if "item_id" not in self.use:
            return
        p = self.use["item_id"]
        lowered = {k.lower(): k for k in known_ids}
        for i, row in enumerate(self.good_rows):
            item = self.values["item_id"][i]
            if item and item not in known_ids:
                near = lowered.get(item.lower())
                hint = f" Did you mean '{near}'?" if near else ""
                self.add(Problem(row.line, self.names[p], item,
                                 f"{_show(item)} is not the id of any item in the backlog.{hint}", row.label), row, p)

    def check_dependencies(self) -> None:
        if "depends_on" not in self.use or "id" not in self.use:
            return
        p = self.use["depends_on"]
        column = self.names[p]
        ids = self.values["id"]
        known = {i for i in ids if i}
        lowered = {k.lower(): k for k in known}
        edges: dict[str, list[str]] = {}
        first_row: dict[str, _Row] = {}
        for i, row in enumerate(self.good_rows):
            own = ids[i]
            if own:
                first_row.setdefault(own, row)
            for dep in self.values["depends_on"][i] or ():
                if own and dep == own:
                    self.add(Problem(row.line, column, dep,
                                     f"item {_show(own)} depends on itself. Remove {_show(dep)} from its {column}.",
                                     row.label), row, p)
                elif dep not in known:
                    if dep in self.lost_ids:
                        continue  # that line already has a problem of its own
                    near = lowered.get(dep.lower())
                    hint = f" Did you mean '{near}'?" if near else " List ids from the id column, separated by spaces."
                    self.add(Problem(row.line, column, dep,
                                     f"{_show(dep)} is not the id of any item in this file.{hint}", row.label), row, p)
                elif own:
                    edges.setdefault(own, []).append(dep)
        order = list(dict.fromkeys(i for i in ids if i))
        rank = {item: n for n, item in enumerate(order)}
        for component in _strongly_connected(order, edges):
            if len(component) < 2:
                continue
            component.sort(key=rank.__getitem__)
            cycle = _cycle_through(component[0], set(component), edges)
            if len(cycle) > 8:  # keep the message short for long loops
                cycle = [*cycle[:6], "...", cycle[-1]]
            chain = f"{cycle[0]} needs " + ", which needs ".join(cycle[1:])
            members = component if len(component) <= 8 else [*component[:6], f"{len(component) - 6} more"]
            start = first_row[component[0]]
            self.add(Problem(start.line, column, " ".join(component),
                             f"items {_join_words(members)} depend on each other in a loop ({chain}), so none of "
                             f"them can ship first. Remove one of these dependencies.", start.label), start, p)

    # ---- result
    def build(self) -> pd.DataFrame:
        source, schema = self.source, self.schema
        if source.index is not None:
            index = source.index[[self.row_order[id(r)] for r in self.good_rows]]
        else:
            index = pd.RangeIndex(len(self.good_rows))
        columns: dict[str, pd.Series] = {}
        known = [name for name in schema.order if name in self.use]
        extras = [k for k in self.use if schema.spec(k) is None]
        for key in known + extras:
            spec = schema.spec(key)
            kind = spec.kind if spec is not None else "extra"
            if kind == "float":
                columns[key] = pd.Series(self.values[key], index=index, dtype="float64")
            elif kind == "int":
                columns[key] = pd.Series(self.values[key], index=index, dtype="int64")
            elif kind == "ids":
                columns[key] = pd.Series(self.values[key], index=index, dtype=object)
            elif kind == "extra" and source.frame is not None:
                column = source.frame.iloc[:, self.use[key]].copy()  # keep the learner's own column as it is
                column.index = index
                columns[key] = column.rename(key)
            else:
                columns[key] = pd.Series(self.values[key], index=index)
        frame = pd.DataFrame(columns, index=index)
        origin = source.frame.attrs.get("source", "in-memory table") if source.frame is not None else ""
        frame.attrs["source"] = str(origin)
        frame.attrs["notes"] = self.notes + self.ctx.rendered_notes()
        return frame


def _parse_with(spec: _Spec, raw: Any, ctx: _Context) -> Any:
    """Parse one cell with its column's rules (shared by files, DataFrames and single values)."""
    if spec.kind in ("key", "title"):
        value = _parse_text(raw)
        if not value:
            what = "id" if spec.name in ("id", "item_id") else spec.name
            raise _CellError(f"the {what} is blank. Expected {spec.expect}.")
        return value
    if spec.kind == "text":
        return _parse_text(raw)
    if spec.kind == "ids":
        return _parse_ids(raw)
    return spec.parse(raw, spec.name, ctx)


def _check(source: _Source, schema: _Schema, known_ids: set[str] | None = None) -> pd.DataFrame:
    return _Checker(source, schema).run(known_ids)


# --------------------------------------------------------------------------- public API


def load_backlog(path: str | Path | None = None) -> pd.DataFrame:
    """Load and check a backlog CSV (default: ``datasets/backlog.csv``).

    Returns a DataFrame with the canonical columns first (see ``BACKLOG_REQUIRED``
    and ``BACKLOG_OPTIONAL``), any extra columns after them, and
    ``df.attrs["notes"]`` listing every conversion made while reading. Raises
    :class:`DataError` listing every problem at once. The file is only read.
    """
    source, file = _read_source(path, _BACKLOG)
    frame = _check(source, _BACKLOG)
    frame.attrs["source"] = str(file.absolute())
    return frame


def _ids_of(backlog: Any) -> set[str]:
    if isinstance(backlog, pd.DataFrame):
        if "id" in backlog.columns:
            return {str(x).strip() for x in backlog["id"] if not _is_blank(x)}
        return {str(x).strip() for x in backlog.index if not _is_blank(x)}
    return {str(x).strip() for x in backlog if not _is_blank(x)}


def load_estimates(path: str | Path | None = None, backlog: Any = None) -> pd.DataFrame:
    """Load and check an estimates CSV (default: ``datasets/estimates.csv``).

    Long format: one row per (item_id, estimator) with columns item_id,
    estimator, role (optional), reach, impact, confidence, effort, read with
    the same rules as the backlog. If ``backlog`` is given (a DataFrame with an
    ``id`` column, or a list of ids), every item_id must be one of its ids.
    """
    source, file = _read_source(path, _ESTIMATES)
    frame = _check(source, _ESTIMATES, known_ids=_ids_of(backlog) if backlog is not None else None)
    frame.attrs["source"] = str(file.absolute())
    return frame


def validate_backlog(df: pd.DataFrame) -> pd.DataFrame:
    """Check a backlog DataFrame in memory with the same rules as :func:`load_backlog`.

    Problems are reported by row label ("row 3") instead of file line. Returns
    a new, clean DataFrame with the same index; ``df`` itself is not changed.
    """
    if not isinstance(df, pd.DataFrame):
        hint = " To read a file, use load_backlog(path)." if isinstance(df, (str, Path)) else ""
        raise TypeError(f"validate_backlog needs a pandas DataFrame, not {type(df).__name__}.{hint}")
    frame = df
    if "id" not in {_normalise_name(c) for c in df.columns} and df.index.name is not None \
            and _normalise_name(df.index.name) == "id":
        frame = df.reset_index()
    if frame.shape[0] == 0:
        raise DataError([Problem(None, None, None, "The table has no rows. Add at least one item.")],
                        "the backlog table", "use")
    rows = [
        _Row(None, label, list(values))
        for label, values in zip(frame.index, frame.itertuples(index=False, name=None))
    ]
    source = _Source("the backlog table", "use", list(frame.columns), None, rows, None, [], frame.index, frame)
    return _check(source, _BACKLOG)


def validate_value(column: str, value: Any) -> Any:
    """Check one value for one backlog column, as typed in a widget.

    Returns the clean value (for example ``validate_value("confidence", "80%")``
    returns 0.8) or raises :class:`DataError` with one problem.
    """
    key = _normalise_name(column)
    key = key if _BACKLOG.spec(key) is not None else _BACKLOG.aliases.get(key, key)
    spec = _BACKLOG.spec(key)
    if spec is None:
        known = ", ".join(s.name for s in _BACKLOG.specs)
        raise DataError([Problem(None, str(column), None, f"this is not a backlog column. Known columns: {known}.")],
                        "this value", "use")
    try:
        return _parse_with(spec, value, _Context())
    except _CellError as err:
        raise DataError([Problem(None, key, None if _is_blank(value) else str(value), str(err))],
                        "this value", "use") from None


def explain_load(
    path: str | Path | None = None, loader: Callable[..., pd.DataFrame] = load_backlog
) -> pd.DataFrame | None:
    """Load a file for a notebook: return the DataFrame, or print what is wrong and return None.

    Never raises for bad data or a missing file; the learner sees a short,
    friendly report instead of a traceback.
    """
    name = Path(path).name if path is not None else "the course's file"
    try:
        frame = loader(path)
    except DataError as err:
        print(f"{err}\n\nYour file was not changed. "
              "Fix the cells listed above, save the file, and run this cell again.")
        return None
    except IsADirectoryError as err:
        print(f"{err}\nNothing was loaded.")
        return None
    except FileNotFoundError as err:
        print(f"{err}\nNothing was loaded.")
        return None
    except PermissionError as err:
        print(f"{err}\nNothing was loaded, and your file was not changed.")
        return None
    except OSError as err:
        print(f"Could not read {name}: {err.strerror or err}. Nothing was loaded, and your file was not changed.")
        return None
    notes = frame.attrs.get("notes") or []
    if notes:
        listed = "\n".join(f"- {note}" for note in notes)
        print(f"Loaded {len(frame)} rows from {name}. While reading it:\n{listed}\nYour file was not changed.")
    return frame
