"""Customer discovery (Module 02): interview notes, stated vs revealed behaviour, and checkers.

Everything here is a plain function or a small dataclass, so that notebooks, widgets and tests
use the same rules. The rules are deliberately simple and written out below as word lists and
regular expressions: a learner can read exactly why a question or a statement got its verdict.

Data (each loader reads a CSV without ever changing it, and raises :class:`pmkit.data.DataError`
listing every problem at once, with line, column and what was expected):

- :func:`load_features`, :func:`load_interviews`, :func:`load_survey`, :func:`load_usage`, and
  :func:`validate_interviews`, :func:`validate_survey`, :func:`validate_usage` for DataFrames.

Interviewing (after Rob Fitzpatrick, *The Mom Test*):

- :func:`classify_question` -> :class:`Verdict`: which rules fired (future tense, hypothetical,
  "would you", leading, opinion, asking the customer to design, solution words, yes/no, compound,
  generalisation, long) and a better version.
- :func:`classify_note`: is a note past behaviour, a present pain, a future opinion, a
  compliment or a feature request? (a transparent guess, not an oracle).
- :func:`check_follow_ups`: the "three follow-up questions" drill.

Synthesis (affinity diagramming; insight statements after IDEO's Design Kit):

- :func:`synthesis_table` and friends: count learner-named themes by segment and by kind of
  evidence; flag themes backed only by opinions, compliments or requests.
- :func:`check_insight`, :func:`check_insights`: "[user] needs [need] because [insight]".

Say vs do (what customers say in a survey against what they do in the product):

- :func:`stated_table`, :func:`usage_table`, :func:`say_vs_do_table`, :func:`say_vs_do`.

Problem statement (Gothelf and Seiden, *Lean UX*):

- :func:`check_problem_statement`: goals, observed gap, adverse effect, measurable criteria, and
  no solution smuggled in.

All ``check_*`` functions return a :class:`pmkit.feedback.Feedback` and never raise: ``...``,
None, blank text and values of the wrong type get a friendly message instead.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .data import DataError, Problem
from .data import _decode, _is_blank, _join_words, _normalise_name, _parse_csv, _resolve, _show
from .feedback import Feedback
from .work import is_unanswered

__all__ = [
    "SEGMENTS", "SEGMENT_LABELS", "EVIDENCE_KINDS", "STRONG_EVIDENCE", "WEAK_EVIDENCE", "WEEKS_OBSERVED",
    "RATING_SCALE",
    "load_features", "load_interviews", "load_survey", "load_usage",
    "validate_features", "validate_interviews", "validate_survey", "validate_usage",
    "QuestionRule", "RuleHit", "Verdict", "QUESTION_RULES", "GOOD_SIGNS", "SOLUTION_WORDS", "TOPICS",
    "classify_question", "NoteGuess", "NOTE_RULES", "classify_note",
    "clean_tags", "synthesis_table", "themes_by_segment", "themes_by_evidence", "opinion_only_themes",
    "stated_table", "usage_table", "say_vs_do_table", "say_vs_do", "SayDo", "biggest_gap",
    "check_insight", "check_insights", "check_problem_statement", "check_follow_ups", "check_question_rewrites",
    "LEAN_UX_TEMPLATE", "INSIGHT_TEMPLATE",
]

#: The three customer segments of the case study, in the order tables show them.
SEGMENTS = ("independent", "multi-site", "enterprise")
SEGMENT_LABELS = {"independent": "Independent", "multi-site": "Multi-site", "enterprise": "Enterprise"}
#: Kinds of evidence an interview snippet can be. The first two are about what really happened.
EVIDENCE_KINDS = ("past behaviour", "present pain", "future opinion", "compliment", "feature request")
STRONG_EVIDENCE = ("past behaviour", "present pain")
WEAK_EVIDENCE = ("future opinion", "compliment", "feature request")
#: The usage data covers 12 weeks (6 April to 28 June 2026).
WEEKS_OBSERVED = 12
#: The survey's importance scale.
RATING_SCALE = {1: "not important", 2: "slightly important", 3: "moderately important", 4: "very important",
                5: "essential"}

ALL_SEGMENTS = "All segments"
MODULE = "02-customer-discovery"


# =============================================================================================
# Loading and validating
# =============================================================================================
class _CellError(Exception):
    """A cell could not be used; the message says why and what was expected."""


@dataclass
class _Table:
    """Rows read from a file (line numbers) or a DataFrame (row labels), with canonical columns."""

    label: str
    header_line: int | None
    names: dict[str, str]            # canonical name -> name as written
    rows: list[tuple[int | None, Any, dict[str, Any]]]  # (line, row label, {canonical: raw})
    notes: list[str]
    extra: list[str]                 # canonical names of columns that are not in the schema


def _read_file(path: str | Path | None, default_name: str) -> tuple[str, int, list[str], list[tuple[int, list]], list[str], Path]:
    p = _resolve(path, default_name)
    try:
        data = p.read_bytes()  # read-only: the learner's file is never written
    except PermissionError:
        raise PermissionError(
            f"Could not open {p}: permission denied. If the file is open in Excel, close it and try again."
        ) from None
    text, notes = _decode(data, p.name)
    source = _parse_csv(text, p.name, notes)
    rows = [(r.line, r.cells) for r in source.rows]
    return p.name, source.header_line, list(source.header), rows, list(source.notes), p


def _table(source: Any, default_name: str, columns: tuple[str, ...], aliases: Mapping[str, str],
           required: tuple[str, ...], label_of_frame: str) -> tuple[_Table, list[Problem], Path | None]:
    """Read a path or a DataFrame into a :class:`_Table`; header problems are returned, not raised."""
    problems: list[Problem] = []
    if isinstance(source, pd.DataFrame):
        label, header_line, path = label_of_frame, None, None
        header = [str(c) for c in source.columns]
        raw_rows = [(None, idx, list(values)) for idx, values in zip(source.index, source.itertuples(index=False))]
        notes: list[str] = []
    else:
        label, header_line, header, file_rows, notes, path = _read_file(source, default_name)
        raw_rows = [(line, None, cells) for line, cells in file_rows]
    written = ["" if _is_blank(h) else unicodedata.normalize("NFKC", str(h)).replace("\ufeff", "").strip()
               for h in header]
    canonical: list[str | None] = []
    for name in written:
        key = _normalise_name(name) if name else ""
        if key not in columns and key in aliases and aliases[key] not in [_normalise_name(n) for n in written]:
            key = aliases[key]
        canonical.append(key or None)
    positions: dict[str, list[int]] = {}
    for pos, key in enumerate(canonical):
        if key:
            positions.setdefault(key, []).append(pos)
    names = {}
    for key, where in positions.items():
        names[key] = written[where[0]]
        if len(where) > 1:
            listed = _join_words([f"'{written[p]}' (column {p + 1})" for p in where])
            problems.append(Problem(header_line, written[where[0]], None,
                                    f"{listed} all mean '{key}'. Keep one of them and rename or delete the others."))
    for need in required:
        if need not in positions:
            near = difflib.get_close_matches(need, [k for k in positions if k not in columns], n=1, cutoff=0.6)
            hint = (f" Did you mean '{names[near[0]]}'? If so, rename that column to '{need}'." if near
                    else f" The columns are: {', '.join(columns)}.")
            problems.append(Problem(header_line, need, None, "this required column is missing." + hint))
    width = len(header)
    rows = []
    for line, row_label, cells in raw_rows:
        cells = list(cells)
        if len(cells) > width and all(_is_blank(c) for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            hint = ("If a text cell contains a comma, put the whole cell in double quotes." if len(cells) > width
                    else "Is a cell missing?")
            problems.append(Problem(line, None, None,
                                    f"this line has {len(cells)} cells but the header has {width} columns. {hint}",
                                    row_label))
            continue
        rows.append((line, row_label, {key: cells[where[0]] for key, where in positions.items()}))
    extra = [k for k in positions if k not in columns]
    return _Table(label, header_line, names, rows, notes, extra), problems, path


def _problem(table: _Table, line, row_label, column: str, raw: Any, message: str) -> Problem:
    value = None if _is_blank(raw) else str(raw)
    return Problem(line, table.names.get(column, column), value, message, row_label)


def _text(raw: Any) -> str:
    if _is_blank(raw):
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _key(raw: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "", _text(raw).lower())


_SEGMENT_KEYS = {
    "independent": "independent", "independents": "independent", "independentoperator": "independent",
    "independentoperators": "independent",
    "multisite": "multi-site", "multisites": "multi-site", "multisiteoperator": "multi-site",
    "multisiteoperators": "multi-site",
    "enterprise": "enterprise", "enterprises": "enterprise",
}
_EXPECT_SEGMENT = "one of independent, multi-site or enterprise"


def _parse_segment(raw: Any) -> str:
    if _is_blank(raw):
        raise _CellError(f"the cell is blank. Expected {_EXPECT_SEGMENT}.")
    found = _SEGMENT_KEYS.get(_key(raw))
    if found is None:
        near = difflib.get_close_matches(_key(raw), list(_SEGMENT_KEYS), n=1, cutoff=0.6)
        hint = f" Did you mean '{_SEGMENT_KEYS[near[0]]}'?" if near else ""
        raise _CellError(f"{_show(_text(raw))} is not a segment. Expected {_EXPECT_SEGMENT}.{hint}")
    return found


_EXPECT_EVIDENCE = "one of " + ", ".join(EVIDENCE_KINDS)
#: Words people use for a kind of evidence; they are suggested, never silently accepted.
_EVIDENCE_HINTS = {
    "pain": "present pain", "pain point": "present pain", "problem": "present pain",
    "frustration": "present pain", "complaint": "present pain",
    "past": "past behaviour", "behaviour": "past behaviour", "story": "past behaviour", "event": "past behaviour",
    "fact": "past behaviour", "observation": "past behaviour",
    "opinion": "future opinion", "prediction": "future opinion", "future": "future opinion", "guess": "future opinion",
    "request": "feature request", "ask": "feature request", "wish": "feature request", "idea": "feature request",
    "suggestion": "feature request", "praise": "compliment", "positive": "compliment", "feedback": "compliment",
}


def _parse_evidence(raw: Any) -> str:
    if _is_blank(raw):
        raise _CellError(f"the cell is blank. Expected the kind of evidence: {_EXPECT_EVIDENCE}.")
    text = _text(raw).lower().replace("behavior", "behaviour")
    text = re.sub(r"[\s_\-]+", " ", text).strip().rstrip("s")
    for kind in EVIDENCE_KINDS:
        if text == kind.rstrip("s"):
            return kind
    near = difflib.get_close_matches(text, EVIDENCE_KINDS, n=1, cutoff=0.5)
    suggestion = _EVIDENCE_HINTS.get(text) or (near[0] if near else None)
    hint = f" Did you mean '{suggestion}'?" if suggestion else ""
    raise _CellError(f"{_show(_text(raw))} is not a kind of evidence. Expected {_EXPECT_EVIDENCE}.{hint}")


def _parse_int(raw: Any, low: int, high: int | None, expect: str, what: str = "") -> int:
    if _is_blank(raw):
        raise _CellError(f"the cell is blank. Expected {expect}.")
    if isinstance(raw, (bool, np.bool_)):
        raise _CellError(f"{_show(raw)} is not a number. Expected {expect}.")
    text = _text(raw)
    if text.endswith("%"):
        raise _CellError(f"{_show(text)} is a percentage, but {what or 'this column'} holds whole numbers. "
                         f"Expected {expect}.")
    try:
        value = float(text.replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _CellError(f"{_show(text)} is not a number. Expected {expect}.") from None
    if not np.isfinite(value) or not float(value).is_integer():
        raise _CellError(f"{_show(text)} is not a whole number. Expected {expect}.")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise _CellError(f"{_show(text)} is out of range. Expected {expect}.")
    return value


def _parse_share(raw: Any, notes: dict) -> float:
    """A share of people: 0.8, 80% or 80 (read as a percentage) -> 0.8."""
    expect = "a share from 0 to 1 (like 0.8) or a percentage (like 80%)"
    if _is_blank(raw):
        raise _CellError(f"the cell is blank. Expected {expect}.")
    if isinstance(raw, (bool, np.bool_)):
        raise _CellError(f"{_show(raw)} is not a number. Expected {expect}.")
    text = _text(raw)
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _CellError(f"{_show(text)} is not a number. Expected {expect}.") from None
    if not np.isfinite(value) or value < 0:
        raise _CellError(f"{_show(text)} cannot be a share of people. Expected {expect}.")
    if percent:
        notes["percent"] = notes.get("percent", 0) + 1
        value /= 100
    elif value > 1:
        notes["percent_number"] = notes.get("percent_number", 0) + 1
        value /= 100
    if value > 1:
        raise _CellError(f"{_show(text)} is more than 100%. Expected {expect}.")
    return round(value, 6)


def _feature_ids(features: Any) -> list[str]:
    if features is None:
        features = load_features()
    if isinstance(features, pd.DataFrame):
        if "feature_id" in features.columns:
            return [str(f) for f in features["feature_id"]]
        return [str(f) for f in features.index]
    if isinstance(features, str):
        return [features]
    return [str(f) for f in features]


def _feature_names(features: Any) -> dict[str, str]:
    if isinstance(features, pd.DataFrame) and "name" in features.columns:
        ids = features["feature_id"] if "feature_id" in features.columns else features.index
        return {str(i): str(n) for i, n in zip(ids, features["name"])}
    return {}


def _match_feature(raw: Any, known: list[str], names: Mapping[str, str] | None = None) -> str:
    if _is_blank(raw):
        raise _CellError(f"the cell is blank. Expected a feature id: {', '.join(known)}.")
    text = _text(raw)
    by_key = {_key(k): k for k in known}
    by_key.update({_key(n): k for k, n in (names or {}).items()})
    if _key(text) in by_key:
        return by_key[_key(text)]
    near = difflib.get_close_matches(_key(text), list(by_key), n=1, cutoff=0.6)
    hint = f" Did you mean '{by_key[near[0]]}'?" if near else ""
    raise _CellError(f"{_show(text)} is not a known feature. Expected one of {', '.join(known)}.{hint}")


def _finish(table: _Table, problems: list[Problem], frame: pd.DataFrame, path: Path | None,
            extra_notes: Iterable[str] = ()) -> pd.DataFrame:
    if problems:
        problems = sorted(problems, key=lambda p: (p.line if p.line is not None else -1))
        raise DataError(problems, table.label)
    if path is not None:
        frame.attrs["source"] = str(path)
    notes = list(table.notes) + list(extra_notes)
    if notes:
        frame.attrs["notes"] = notes
    return frame


def _share_notes(counts: dict) -> list[str]:
    out = []
    if counts.get("percent"):
        out.append(f"active_user_share: read {counts['percent']} percentage(s) like 80% as fractions (80% -> 0.8)")
    if counts.get("percent_number"):
        out.append(f"active_user_share: read {counts['percent_number']} number(s) above 1 as percentages (80 -> 0.8)")
    return out


def _duplicates(table: _Table, key_of, column: str, what: str) -> list[Problem]:
    seen: dict[Any, int | None] = {}
    problems = []
    for line, label, cells in table.rows:
        key = key_of(cells)
        if key is None:
            continue
        if key in seen:
            first = seen[key]
            where = f"line {first}" if first is not None else "an earlier row"
            shown = key if isinstance(key, str) else " / ".join(key)
            problems.append(_problem(table, line, label, column, cells.get(column),
                                     f"{what} {_show(shown)} appears twice (first on {where}). Each must be unique."))
        else:
            seen[key] = line
    return problems


# ---- features.csv ----------------------------------------------------------------------------
FEATURE_COLUMNS = ("feature_id", "name", "area", "backlog_ids", "measured_on", "use_means")
_FEATURE_ALIASES = {"id": "feature_id", "feature": "feature_id", "title": "name", "backlog": "backlog_ids"}


def _features(source: Any) -> pd.DataFrame:
    table, problems, path = _table(source, "features.csv", FEATURE_COLUMNS, _FEATURE_ALIASES,
                                   ("feature_id", "name"), "the features table")
    out = []
    for line, label, cells in table.rows:
        row = {}
        fid = _text(cells.get("feature_id"))
        if not fid:
            problems.append(_problem(table, line, label, "feature_id", "", "the cell is blank. Expected a short id "
                                     "like copy_schedule."))
        elif not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", fid):
            problems.append(_problem(table, line, label, "feature_id", fid, f"{_show(fid)} is not a usable id. "
                                     "Use letters, digits and underscores, starting with a letter, like copy_schedule."))
        row["feature_id"] = fid
        row["name"] = _text(cells.get("name"))
        if not row["name"]:
            problems.append(_problem(table, line, label, "name", "", "the cell is blank. Expected the feature's name."))
        for col in FEATURE_COLUMNS[2:]:
            row[col] = _text(cells.get(col))
        out.append(row)
    problems += _duplicates(table, lambda c: _text(c.get("feature_id")) or None, "feature_id", "The feature id")
    frame = pd.DataFrame(out, columns=list(FEATURE_COLUMNS))
    return _finish(table, problems, frame, path)


def load_features(path: str | Path | None = None) -> pd.DataFrame:
    """Load ``datasets/features.csv`` (or your own file): the features the survey and usage data share."""
    return _features(path)


def validate_features(df: pd.DataFrame) -> pd.DataFrame:
    """The checks of :func:`load_features` for a DataFrame in memory."""
    return _features(df)


# ---- interviews.csv --------------------------------------------------------------------------
INTERVIEW_COLUMNS = ("snippet_id", "interview_id", "participant_role", "segment", "snippet", "evidence")
_INTERVIEW_ALIASES = {
    "id": "snippet_id", "note_id": "snippet_id", "interview": "interview_id", "role": "participant_role",
    "participant": "participant_role", "note": "snippet", "quote": "snippet", "text": "snippet",
    "evidence_kind": "evidence", "kind": "evidence", "evidence_type": "evidence", "type": "evidence",
}


def _interviews(source: Any) -> pd.DataFrame:
    required = ("interview_id", "participant_role", "segment", "snippet", "evidence")
    table, problems, path = _table(source, "interviews.csv", INTERVIEW_COLUMNS, _INTERVIEW_ALIASES, required,
                                   "the interview notes")
    notes = []
    generated_ids = "snippet_id" not in table.names
    if generated_ids and not problems:
        notes.append("the file has no snippet_id column, so the snippets were numbered S01, S02, ... in file order")
    out = []
    first_of_interview: dict[str, tuple[str, str, int | None]] = {}
    for number, (line, label, cells) in enumerate(table.rows, start=1):
        row: dict[str, Any] = {}
        sid = _text(cells.get("snippet_id")) if not generated_ids else f"S{number:02d}"
        if not sid:
            problems.append(_problem(table, line, label, "snippet_id", "", "the cell is blank. Expected a snippet "
                                     "id like S01, so that you can tag the snippet with a theme."))
        row["snippet_id"] = sid
        for col, expect in (("interview_id", "the interview's id, like I01"),
                            ("participant_role", "who was interviewed, like 'Area manager, restaurant group'")):
            row[col] = _text(cells.get(col))
            if not row[col]:
                problems.append(_problem(table, line, label, col, "", f"the cell is blank. Expected {expect}."))
        try:
            row["segment"] = _parse_segment(cells.get("segment"))
        except _CellError as err:
            row["segment"] = None
            problems.append(_problem(table, line, label, "segment", cells.get("segment"), str(err)))
        row["snippet"] = _text(cells.get("snippet"))
        if not row["snippet"]:
            problems.append(_problem(table, line, label, "snippet", "", "the snippet is blank. Expected the "
                                     "participant's words, or a short note of what they did or said."))
        try:
            row["evidence"] = _parse_evidence(cells.get("evidence"))
        except _CellError as err:
            row["evidence"] = None
            problems.append(_problem(table, line, label, "evidence", cells.get("evidence"), str(err)))
        iid = row["interview_id"]
        if iid and row["segment"]:
            if iid in first_of_interview:
                seg, role, first_line = first_of_interview[iid]
                where = f"line {first_line}" if first_line is not None else "an earlier row"
                if seg != row["segment"]:
                    problems.append(_problem(table, line, label, "segment", cells.get("segment"),
                                             f"interview {iid} was with a {seg} customer on {where}, but this row "
                                             f"says {row['segment']}. One interview has one segment."))
            else:
                first_of_interview[iid] = (row["segment"], row["participant_role"], line)
        out.append(row)
    if not generated_ids:
        problems += _duplicates(table, lambda c: _text(c.get("snippet_id")) or None, "snippet_id", "The snippet id")
    frame = pd.DataFrame(out, columns=list(INTERVIEW_COLUMNS))
    return _finish(table, problems, frame, path, notes)


def load_interviews(path: str | Path | None = None) -> pd.DataFrame:
    """Load interview notes (``datasets/interviews.csv`` by default): one row per snippet.

    Columns: snippet_id, interview_id, participant_role, segment, snippet, evidence. Evidence is
    one of :data:`EVIDENCE_KINDS` (spelling variants like "Past behavior" are accepted).
    """
    return _interviews(path)


def validate_interviews(df: pd.DataFrame) -> pd.DataFrame:
    """The checks of :func:`load_interviews` for a DataFrame in memory."""
    return _interviews(df)


# ---- survey.csv ------------------------------------------------------------------------------
SURVEY_ID_COLUMNS = ("respondent_id", "account_id", "segment", "role")
_EXPECT_RATING = "a whole number from 1 (not important) to 5 (essential), or a blank cell for a skipped question"
_RATING_WORDS = {_key(v): k for k, v in RATING_SCALE.items()}


def _parse_rating(raw: Any, notes: dict) -> float:
    if _is_blank(raw):
        return np.nan
    word = _RATING_WORDS.get(_key(raw))
    if word is not None and isinstance(raw, str) and not raw.strip().isdigit():
        notes["words"] = notes.get("words", 0) + 1
        return float(word)
    return float(_parse_int(raw, 1, 5, _EXPECT_RATING, "a rating"))


def _survey(source: Any, features: Any) -> pd.DataFrame:
    known = _feature_ids(features)
    names = _feature_names(features) if isinstance(features, pd.DataFrame) else {}
    columns = SURVEY_ID_COLUMNS + tuple(known) + ("top_priority",)
    aliases = {"respondent": "respondent_id", "id": "respondent_id", "account": "account_id",
               "top_pick": "top_priority", "first_choice": "top_priority"}
    aliases.update({_normalise_name(n): k for k, n in names.items()})
    table, problems, path = _table(source, "survey.csv", columns, aliases, ("respondent_id", "segment"),
                                   "the survey")
    feature_cols = [k for k in known if k in table.names]
    for extra in table.extra:
        near = difflib.get_close_matches(extra, known, n=1, cutoff=0.6)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        problems.append(Problem(table.header_line, table.names[extra], None,
                                f"this column is not a known feature. Expected one of {', '.join(known)} "
                                f"(or respondent_id, account_id, segment, role, top_priority).{hint}"))
    if not feature_cols and not table.extra:
        problems.append(Problem(table.header_line, None, None,
                                f"the survey has no rating columns. Add one column per feature: {', '.join(known)}."))
    counts: dict = {}
    out = []
    for line, label, cells in table.rows:
        row: dict[str, Any] = {}
        row["respondent_id"] = _text(cells.get("respondent_id"))
        if not row["respondent_id"]:
            problems.append(_problem(table, line, label, "respondent_id", "", "the cell is blank. Expected the "
                                     "respondent's id, like R001."))
        row["account_id"] = _text(cells.get("account_id"))
        try:
            row["segment"] = _parse_segment(cells.get("segment"))
        except _CellError as err:
            row["segment"] = None
            problems.append(_problem(table, line, label, "segment", cells.get("segment"), str(err)))
        row["role"] = _text(cells.get("role"))
        for f in feature_cols:
            try:
                row[f] = _parse_rating(cells.get(f), counts)
            except _CellError as err:
                row[f] = np.nan
                problems.append(_problem(table, line, label, f, cells.get(f), str(err)))
        if "top_priority" in table.names:
            raw = cells.get("top_priority")
            if _is_blank(raw):
                row["top_priority"] = ""
            else:
                try:
                    row["top_priority"] = _match_feature(raw, known, names)
                except _CellError as err:
                    row["top_priority"] = ""
                    problems.append(_problem(table, line, label, "top_priority", raw, str(err)))
        out.append(row)
    problems += _duplicates(table, lambda c: _text(c.get("respondent_id")) or None, "respondent_id",
                            "The respondent id")
    cols = [c for c in SURVEY_ID_COLUMNS] + feature_cols + (["top_priority"] if "top_priority" in table.names else [])
    frame = pd.DataFrame(out, columns=cols)
    for f in feature_cols:
        frame[f] = frame[f].astype("Float64").round().astype("Int64")
    frame.attrs["features"] = feature_cols
    notes = [f"read {counts['words']} rating word(s) like 'essential' as numbers (1-5)"] if counts.get("words") else []
    return _finish(table, problems, frame, path, notes)


def load_survey(path: str | Path | None = None, features: Any = None) -> pd.DataFrame:
    """Load a survey of stated preferences (``datasets/survey.csv`` by default).

    One row per respondent: respondent_id, account_id, segment, role, one rating column per
    feature (1 to 5, blank when skipped) and top_priority (a feature id). ``features`` (a
    features table or a list of ids) says which rating columns to expect; by default the course's
    ``features.csv``.
    """
    return _survey(path, features)


def validate_survey(df: pd.DataFrame, features: Any = None) -> pd.DataFrame:
    """The checks of :func:`load_survey` for a DataFrame in memory."""
    return _survey(df, features)


# ---- usage.csv -------------------------------------------------------------------------------
USAGE_COLUMNS = ("account_id", "segment", "locations", "feature_id", "weeks_used", "events", "active_user_share")


def _usage(source: Any, features: Any) -> pd.DataFrame:
    known = _feature_ids(features)
    names = _feature_names(features) if isinstance(features, pd.DataFrame) else {}
    aliases = {"account": "account_id", "feature": "feature_id", "weeks": "weeks_used", "uses": "events",
               "user_share": "active_user_share", "share_of_users": "active_user_share"}
    table, problems, path = _table(source, "usage.csv", USAGE_COLUMNS, aliases,
                                   ("account_id", "segment", "feature_id", "weeks_used"), "the usage data")
    counts: dict = {}
    out = []
    weeks_expect = f"a whole number of weeks from 0 to {WEEKS_OBSERVED} (the data covers {WEEKS_OBSERVED} weeks)"
    for line, label, cells in table.rows:
        row: dict[str, Any] = {}
        row["account_id"] = _text(cells.get("account_id"))
        if not row["account_id"]:
            problems.append(_problem(table, line, label, "account_id", "", "the cell is blank. Expected the "
                                     "account's id, like A1007."))
        try:
            row["segment"] = _parse_segment(cells.get("segment"))
        except _CellError as err:
            row["segment"] = None
            problems.append(_problem(table, line, label, "segment", cells.get("segment"), str(err)))
        try:
            row["feature_id"] = _match_feature(cells.get("feature_id"), known, names)
        except _CellError as err:
            row["feature_id"] = None
            problems.append(_problem(table, line, label, "feature_id", cells.get("feature_id"), str(err)))
        checks = [("weeks_used", lambda raw: _parse_int(raw, 0, WEEKS_OBSERVED, weeks_expect, "weeks_used"))]
        if "locations" in table.names:
            checks.append(("locations", lambda raw: _parse_int(raw, 1, None, "a whole number of locations, 1 or more",
                                                                "locations")))
        if "events" in table.names:
            checks.append(("events", lambda raw: _parse_int(raw, 0, None, "a whole number of uses, 0 or more",
                                                             "events")))
        if "active_user_share" in table.names:
            checks.append(("active_user_share", lambda raw: _parse_share(raw, counts)))
        for col, parse in checks:
            try:
                row[col] = parse(cells.get(col))
            except _CellError as err:
                row[col] = None
                problems.append(_problem(table, line, label, col, cells.get(col), str(err)))
        weeks, events = row.get("weeks_used"), row.get("events")
        if isinstance(weeks, int) and isinstance(events, int) and events < weeks:
            problems.append(_problem(table, line, label, "events", cells.get("events"),
                                     f"{events} uses in {weeks} weeks of use is impossible: every week of use "
                                     "has at least one use. Expected events to be at least weeks_used."))
        out.append(row)
    problems += _duplicates(
        table,
        lambda c: (_text(c.get("account_id")), _text(c.get("feature_id")))
        if _text(c.get("account_id")) and _text(c.get("feature_id")) else None,
        "feature_id", "The account and feature pair")
    cols = [c for c in USAGE_COLUMNS if c in table.names]
    frame = pd.DataFrame(out, columns=cols)
    if not problems:
        for col in ("locations", "weeks_used", "events"):
            if col in frame.columns:
                frame[col] = frame[col].astype("int64")
        if "active_user_share" in frame.columns:
            frame["active_user_share"] = frame["active_user_share"].astype(float)
        frame["weekly_share"] = frame["weeks_used"] / WEEKS_OBSERVED
    return _finish(table, problems, frame, path, _share_notes(counts))


def load_usage(path: str | Path | None = None, features: Any = None) -> pd.DataFrame:
    """Load product usage (``datasets/usage.csv`` by default): one row per account and feature.

    Adds ``weekly_share`` = weeks_used / 12: the share of the observed weeks in which the account
    used the feature. ``active_user_share`` may be written 0.8, 80% or 80.
    """
    return _usage(path, features)


def validate_usage(df: pd.DataFrame, features: Any = None) -> pd.DataFrame:
    """The checks of :func:`load_usage` for a DataFrame in memory."""
    return _usage(df, features)


# =============================================================================================
# Interview questions: transparent rules after The Mom Test
# =============================================================================================
@dataclass(frozen=True)
class QuestionRule:
    """One rule: ``pattern`` is searched in the lower-cased question."""

    id: str
    label: str
    why: str
    fix: str
    pattern: str
    serious: bool = True

    def search(self, text: str) -> re.Match | None:
        return re.search(self.pattern, text, flags=re.IGNORECASE)


#: Words that name a solution rather than a problem (used by questions, insights and problem
#: statements alike). Matched as whole words or phrases, case-insensitively.
SOLUTION_WORDS = (
    "feature", "features", "button", "dashboard", "dashboards", "template", "templates", "integration",
    "integrations", "connector", "plugin", "plug-in", "widget", "chatbot", "chat bot", "ai", "a.i.",
    "artificial intelligence", "machine learning", "automation", "automate", "automated", "automatic",
    "automatically", "auto-scheduling", "auto-schedule", "sso", "single sign-on", "saml", "dark mode",
    "one click", "one-click", "redesign", "rewrite", "new screen", "toggle", "api", "sync", "app update",
    "master rota", "bulk edit", "our app", "our product", "our tool", "our idea", "our solution",
    "we built", "we are building", "we're building", "we could build", "we plan to build", "we could add",
)
_SOLUTION_RE = r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(SOLUTION_WORDS, key=len, reverse=True)) + r")(?![\w-])"
_OPEN_PROMPTS = r"(?:tell|walk|talk|show|describe|take|explain|share)"
_NEGATIVE = (r"(?:don['’]?t|doesn['’]?t|wouldn['’]?t|isn['’]?t|aren['’]?t|won['’]?t|shouldn['’]?t|didn['’]?t"
             r"|can['’]?t|couldn['’]?t|haven['’]?t|hasn['’]?t|wasn['’]?t|weren['’]?t)")

QUESTION_RULES: tuple[QuestionRule, ...] = (
    QuestionRule(
        "would_you", '"Would you…"',
        "asks people to predict their own behaviour. People are optimistic about their future selves, so the "
        "answer is a guess, and often a polite one.",
        "Ask what they did the last time, not what they would do.",
        r"\bwould(?:n['’]?t)?\s+(?:you|your\s+\w+|they|it|this|that|anyone|people)\b|\bcould you see yourself\b"
        r"|\bdo you think (?:you|they)(?:['’]d| would| will| might)\b|\bwould\s+\w+\s+(?:pay|use|buy|want)\b"
        r"|\bwould\s+(?:a|an|the|this|that|it)\s+(?:\w+\s+){0,2}(?:work|help|do|be|make|save|solve)\b"
        r"|\b(?:what|which|how|who)\s+would\s+(?:make|help|improve|change|fix|solve|be|look|work)\b"
        r"|\bhow likely\b|\bwhat are the chances\b"),
    QuestionRule(
        "future", "Future tense",
        "asks about the future. Nobody knows what they will do; they know what they did.",
        "Move the question into the past: 'When did you last…?'",
        r"\bwill\b|['’]ll\b|\bgoing to\b|\bgonna\b|\bin the future\b|\bfrom now on\b|\bsomeday\b|\bone day\b"
        r"|\bnext (?:year|month|quarter|time)\b|\bplan(?:ning)? to\b|\bintend to\b"),
    QuestionRule(
        "hypothetical", "Hypothetical",
        "invents a situation. Answers about imaginary worlds tell you little about the real one.",
        "Ask about a real situation they have been in.",
        r"\bif\s+(?:we|you|rotawise|there|it|they|i)\s+(?:had|have|built|build|added|add|offered|offer|made|make"
        r"|could|were|was|gave|give|did|do|launched|released)\b|\bif\s+(?:[\w'’-]+\s+){1,3}(?:could|would)\b"
        r"|\bimagine\b|\bsuppose\b|\bwhat if\b"
        r"|\bhypothetical(?:ly)?\b|\blet['’]s say\b|\bideal\b|\bmagic wand\b|\bin theory\b|\bdream\b"),
    QuestionRule(
        "leading", "Leading",
        "suggests the answer you hope for. Polite people will give it to you.",
        "Ask a neutral question and let them choose the words.",
        r"(?:^|[.?!:;]\s+|^\s*(?:so|and|but|well|ok|okay|now)[,\s]+)" + _NEGATIVE + r"\s+(?:you|it|that|this|they|we"
        r"|there|the|a|an|your|our)\b|,\s*" + _NEGATIVE + r"\s+(?:you|it|that|this|they|we|there|he|she|i)\s*\??\s*$"
        r"|,\s*right\s*\??\s*$|\bsurely\b|\bobviously\b"
        r"|\bhow (?:great|useful|helpful|annoying|frustrating|painful|bad|easy|hard|good)\s+(?:would|is|was"
        r"|are|were|do|does)\b|\b(?:love|hate|great|amazing|awesome|brilliant|annoying|frustrating|terrible"
        r"|painful|a pain|nightmare|agree)\b"),
    QuestionRule(
        "opinion", "Asks for an opinion",
        "asks what they think or feel about something. Opinions are cheap, and polite people give kind ones.",
        "Ask what they did instead: 'Tell me about the last time you used it.'",
        r"\bdo you (?:like|love|enjoy|prefer|hate)\b|\bwhat do you think (?:of|about)\b"
        r"|\bwhat(?:['’]s| is| are) your (?:opinion|opinions|view|views|take|thoughts|impression|favourite|favorite)\b"
        r"|\bhow do you feel about\b|\bhow (?:do|did) you like (?:it|the|our|rotawise|this|that)\b"
        r"|\bare you (?:happy|satisfied|pleased|unhappy) with\b"
        r"|\bhow (?:happy|satisfied|pleased) are you\b|\bhow (?:would|do) you rate\b|\bon a scale\b"
        r"|\b(?:any|your) (?:feedback|thoughts) (?:on|about)\b|^\s*(?:thoughts|feedback)\b"
        r"|\bis (?:it|this|that|rotawise|the app) (?:any )?(?:good|useful"
        r"|easy|helpful|better)\b"),
    QuestionRule(
        "ideas", "Asks them to design",
        "asks the customer to invent the product. They know their problem well; choosing the answer is your job.",
        "Ask about the problem: what happened the last time, and what did they do about it?",
        r"\b(?:how|what)\s+(?:could|can|should|might)\s+(?:we|rotawise|you guys)\s+(?:do|improve|change|build|add"
        r"|make|fix|offer)\b|\bwhat\s+(?:\w+\s+)?(?:features?|improvements?|changes)\s+(?:would (?:you|help|make)"
        r"|do you (?:want|need|wish)|should (?:we|rotawise)|could (?:we|rotawise)|are missing)\b"
        r"|\bwhat(?:['’]s| is) missing\b|\bwish ?list\b|\bif you could change\b"),
    QuestionRule(
        "solution", "Solution words",
        "names a solution, so the talk turns to your idea instead of their problem.",
        "Leave the feature out. Ask about the task or the problem it would serve.",
        _SOLUTION_RE),
    QuestionRule(
        "yes_no", "Yes/no question",
        "can be answered with one word, so you learn little and cannot follow the story.",
        "Start with 'Tell me about…', 'Walk me through…', 'What…' or 'How…'.",
        r"^\s*(?:(?:so|and|ok|okay|right|well|also|but|now)[,\s]+)?(?:do|does|did|is|are|was|were|would|will"
        r"|can(?!\s+you\s+" + _OPEN_PROMPTS + r")|could(?!\s+you\s+" + _OPEN_PROMPTS + r")|should|have|has"
        r"|had|may|might|shall|must|am|isn['’]?t|aren['’]?t|don['’]?t|doesn['’]?t|didn['’]?t|wasn['’]?t|weren['’]?t"
        r"|won['’]?t|wouldn['’]?t|can['’]?t|couldn['’]?t|shouldn['’]?t|haven['’]?t|hasn['’]?t)\b",
        serious=False),
    QuestionRule(
        "compound", "Two questions in one",
        "asks two things at once. People answer the easier half and you lose the other.",
        "Split it and ask one question at a time.",
        r"\?(?!\s*(?:what happened(?: next| then)?|what did you do(?: about it| next)?|why|and then what|what then"
        r"|how come)\s*\?)\s*[^?]+\?|\?\s*(?:and|or)\b|,?\s+(?:and|or)\s+(?:(?:do|does|did|would|will|is|are|was|were|can|could"
        r"|should)\s+(?:you|they|it|that|this|we|your)\b|how\b(?!\s+(?:long|much|many|often))|why\b)",
        serious=False),
    QuestionRule(
        "generic", "Asks for a generalisation",
        "asks what usually happens. People describe their ideal week, not their real one.",
        "Anchor on one real occasion: 'the last time', 'last week'.",
        r"\b(?:usually|typically|generally|in general|normally|ever|always|often|on average|most of the time"
        r"|tend to|every (?:time|day|week|month|year)|each (?:time|day|week|month|year)|per (?:day|week|month)"
        r"|typical(?:ly)?|any given)\b",
        serious=False),
    QuestionRule(
        "long", "Long question",
        "is long. A long question carries your own assumptions, and people answer only its last part.",
        "Cut it to one short question. Save the background for the follow-ups.",
        r"^(?:\S+\s+){34,}\S+",
        serious=False),
)

#: Signs of a good discovery question. They do not excuse a rule that fired.
GOOD_SIGNS: tuple[QuestionRule, ...] = (
    QuestionRule(
        "past_specific", "Asks about a specific past event",
        "", "",
        r"\blast (?:time|week|month|sunday|monday|tuesday|wednesday|thursday|friday|saturday|pay ?run|quarter"
        r"|year|shift|rota|schedule)\b|\bthe last\b|\byesterday\b|\bthis (?:morning|week)\b|\bmost recent(?:ly)?\b"
        r"|\brecently\b|\bwhen did you last\b|\bwhen was the last\b|\ba time when\b|\bthe time (?:when|you)\b"
        r"|\bin the (?:past|last) (?:week|month|few weeks|quarter)\b"
        r"|\bin (?:the )?(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
        r"|\bon (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    QuestionRule(
        "open", "Open question",
        "", "",
        r"^\s*(?:(?:so|and|ok|okay|now)[,\s]+)?(?:" + _OPEN_PROMPTS + r"\s+me|what|how|why|who|where|when|which"
        r"|(?:could|can|would) you\s+" + _OPEN_PROMPTS + r")\b"),
    QuestionRule(
        "probe", "Digs into what happened",
        "", "",
        r"\bwhat happened\b|\bwhat did you do\b|\bhow did you\b|\bwhat did (?:that|it) cost\b|\bhow long did\b"
        r"|\bwho else\b|\bwhat have you tried\b|\bwhat else\b|\bwhy (?:was|did) that\b|\bwhat did you try\b"
        r"|\bstep by step\b|\bwhat was hard\b|\bwhat (?:do|did) you do (?:instead|about it)\b"),
)

#: Topics of the Rotawise case, used to write a better version of a question:
#: (pattern, "the last time ..." situation, follow-up prompt). The first match wins.
TOPICS: tuple[tuple[str, str, str], ...] = (
    (r"\b(?:pay|price|cost)\b.*\b(?:for|extra|more)\b|\bhow much would\b|\bspend\b",
     "you spent money or time on this problem", "What did you spend, and on what?"),
    (r"\bswap", "a shift swap needed your approval", "What happened?"),
    (r"overtime|payroll|pay ?run|export|wages?\b|xero|sage|sap\b|successfactors",
     "you ran payroll", "Walk me through it, step by step."),
    (r"notif|alert|push|android|iphone|phone|text message",
     "a member of staff missed a change to their shift", "What happened?"),
    (r"report|dashboard|labour cost|costs?\b|budget",
     "you checked what your staff cost you", "How did you do it?"),
    (r"\bsso\b|sign[- ]?on|sign[- ]?in|log ?in|password|security|audit|permission|leaver",
     "someone joined or left and their login had to change", "What happened?"),
    (r"holiday|time off|leave\b|absence|sick",
     "someone asked for time off", "What did you do?"),
    (r"cover|short[- ]staffed|open shift|no[- ]show",
     "you had to find cover for a shift", "How did you do it?"),
    (r"clock|timesheet|hours worked|late\b",
     "you checked the hours someone actually worked", "How did you do it?"),
    (r"template|copy|copied|rota|schedul|roster|publish|set ?up|onboard|location|site",
     "you built next week's schedule for all your sites", "Walk me through it, step by step."),
    (r"\bai\b|auto|forecast|chat",
     "you built a schedule from scratch", "What took the longest?"),
    (r"dark mode|night|screen|app\b",
     "you used the app", "What were you trying to get done?"),
)
_FALLBACK_TOPIC = ("this problem came up", "What happened, and what did you do about it?")


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, and the words that fired it."""

    rule: QuestionRule
    matched: str

    @property
    def id(self) -> str:
        return self.rule.id


_LEVEL_TEXT = {
    "good": "Good question",
    "okay": "Fine, but make it specific",
    "needs work": "Needs work",
    "poor": "Avoid this question",
    "unclear": "The coach cannot judge this",
    "empty": "No question yet",
}

#: Common English words. A question with none of them is not one the rules can read (they are
#: English word patterns), so the coach says so instead of calling it fine.
_ENGLISH_WORDS = frozenset("""
a about after again all am an and any are as at be been before but by can could did do does doing
done for from had has have how i if in is it its last me my no not of on or our should so tell that
the their them then there they this time to us walk was we were what when where which who why will
with would you your yours
""".split())


@dataclass
class Verdict:
    """What :func:`classify_question` found: the level, the rules that fired and a better version.

    ``level`` is "good", "okay", "needs work", "poor", "unclear" (the rules cannot read it: not
    English, or far too long) or "empty". ``ok`` is True for "good" and "okay". ``problems`` are the rules that fired, ``strengths`` the good signs found.
    """

    text: str
    level: str
    problems: list[RuleHit] = field(default_factory=list)
    strengths: list[RuleHit] = field(default_factory=list)
    better: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.level in ("good", "okay")

    @property
    def rule_ids(self) -> list[str]:
        return [h.id for h in self.problems]

    @property
    def headline(self) -> str:
        return _LEVEL_TEXT[self.level]

    def __str__(self) -> str:
        lines = [f"{self.headline}: {self.text!r}" if self.text else self.headline]
        if self.message:
            lines.append(self.message)
        for hit in self.problems:
            lines.append(f"  ✗ {hit.rule.label} (\"{hit.matched}\"): {hit.rule.why} {hit.rule.fix}")
        for hit in self.strengths:
            lines.append(f"  ✓ {hit.rule.label} (\"{hit.matched}\")")
        if self.better:
            lines.append(f"  Try instead: {self.better}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return verdict_html(self)


def verdict_html(v: Verdict) -> str:
    """The verdict as accessible HTML (symbols and words, never colour alone)."""
    esc = html.escape
    symbol = {"good": "✓", "okay": "✓", "needs work": "!", "poor": "✗", "unclear": "?", "empty": "•"}[v.level]
    parts = [f'<div class="pmkit-coach-verdict" data-level="{esc(v.level)}">',
             f'<p><strong>{symbol} {esc(v.headline)}</strong>'
             + (f": “{esc(v.text)}”" if v.text else "") + "</p>"]
    if v.message:
        parts.append(f"<p>{esc(v.message)}</p>")
    if v.problems:
        parts.append('<ul class="pmkit-coach-rules">')
        for hit in v.problems:
            parts.append(f'<li data-rule="{esc(hit.id)}">✗ <strong>{esc(hit.rule.label)}</strong> '
                         f'(“{esc(hit.matched)}”): {esc(hit.rule.why)} <em>{esc(hit.rule.fix)}</em></li>')
        parts.append("</ul>")
    if v.strengths:
        parts.append('<ul class="pmkit-coach-strengths">')
        for hit in v.strengths:
            parts.append(f'<li data-rule="{esc(hit.id)}">✓ {esc(hit.rule.label)} (“{esc(hit.matched)}”)</li>')
        parts.append("</ul>")
    if v.better:
        parts.append(f'<p class="pmkit-coach-better"><strong>Try instead:</strong> {esc(v.better)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _clean_question(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("’", "'").split())


def better_question(text: str) -> str:
    """A past-specific, open version of a question about the same topic (rule-based, see TOPICS)."""
    lowered = _clean_question(text).lower() if isinstance(text, str) else ""
    for pattern, situation, prompt in TOPICS:
        if re.search(pattern, lowered):
            return f"Tell me about the last time {situation}. {prompt}"
    return f"Tell me about the last time {_FALLBACK_TOPIC[0]}. {_FALLBACK_TOPIC[1]}"


def classify_question(text: Any) -> Verdict:
    """Judge an interview question with the rules in :data:`QUESTION_RULES` and :data:`GOOD_SIGNS`.

    Never raises. A question that fires no rule and asks about a specific past event is "good";
    one that fires no rule but stays general is "okay"; only minor rules (yes/no, compound,
    generalisation, long) give "needs work"; any serious rule gives "poor". Solution words in a
    question about a specific past event count as minor. Text with no common English word at all
    (another language, or not a question) is "unclear": the rules cannot read it.
    """
    if text is Ellipsis or text is None or (isinstance(text, str) and not text.strip()):
        return Verdict("", "empty", message="Type a question you might ask a customer, then check it.")
    if not isinstance(text, str):
        return Verdict("", "empty", message=f"A question is text in quotes, like \"Tell me about the last time…\". "
                                            f"You gave {type(text).__name__}.")
    question = _clean_question(text)
    if len(question) > 600:
        return Verdict(question[:80] + "…", "unclear",
                       message=f"That is {len(question.split())} words: more than one question. Keep a question to "
                               "one short sentence, and save the background for the follow-ups.")
    words = re.findall(r"[a-z]+", question.lower().replace("'", " "))
    if not any(w in _ENGLISH_WORDS for w in words):
        return Verdict(question, "unclear",
                       message="The coach's rules are English word patterns, and this has none of the words they "
                               "read (what, how, you, the, last…). Write the question in English to check it. The "
                               "advice holds in any language: ask about a real, recent event, not an opinion.")
    problems = [RuleHit(r, f"{len(question.split())} words" if r.id == "long" else m.group(0).strip(" ,?"))
                for r in QUESTION_RULES if (m := r.search(question))]
    strengths = [RuleHit(r, m.group(0).strip(" ,?")) for r in GOOD_SIGNS if (m := r.search(question))]
    return _verdict_from(question, problems, strengths)


def _verdict_from(question: str, problems: list[RuleHit], strengths: list[RuleHit]) -> Verdict:
    has_past = any(h.id == "past_specific" for h in strengths)
    # Naming a tool is a pitch in "Would you use templates?", but in "Tell me about the last time you
    # synced the hours into Xero" it is part of a real event: then it only costs a "needs work".
    serious = [h for h in problems if h.rule.serious and not (h.id == "solution" and has_past)]
    if serious:
        level = "poor"
    elif problems:
        level = "needs work"
    elif has_past:
        level = "good"
    else:
        level = "okay"
    message = {
        "good": "It asks about something that really happened, in the customer's own words.",
        "okay": "It fires no rule, but it asks in general. Anchor it on one real occasion to get facts.",
        "needs work": "A small fix makes this a good question.",
        "poor": "The answer would be an opinion or a guess, not a fact about the customer's life.",
    }[level]
    if level == "okay" and any(h.id == "probe" for h in strengths):
        message = ("A good follow-up once a customer is telling you a story. To open a topic, anchor the question "
                   "on one real occasion.")
    better = "" if level == "good" else better_question(question)
    return Verdict(question, level, problems, strengths, better, message)


# ---- notes: what kind of evidence is this? ---------------------------------------------------
NOTE_RULES: tuple[tuple[str, str], ...] = (
    ("compliment", r"\b(?:loves?|lovely|great (?:product|app|tool|job|support)|brilliant|amazing|fantastic|excellent"
                   r"|so much easier|so easy|easy, honestly|easier than|thank you|thanks|well done|really good)\b"),
    ("feature request", r"\b(?:you should|could you|can you|could \w+ come|please|i want|what i want|we need an?"
                        r"|we need (?:sign|sso)|i need an?|would be nice|would be great|add an?|wish (?:you|it|there)"
                        r"|if only)\b"),
    ("past behaviour", r"\b(?:last (?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
                       r"|time|run|night)|yesterday|in (?:january|february"
                       r"|march|april|may|june|july|august|september|october|november|december)|it took|took us|took me"
                       r"|i did|we did|the one time|in our pilot|last year|i tried|we dropped|built us"
                       r"|every (?:sunday|quarter|fortnight)[^.]*\b(?:i|we)\b"
                       r"|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b[^.]*\b(?:i|we)\b"
                       r"|(?:i|we) (?:spent|lost|switched|stopped|had to|missed|paid|overpaid|cancelled))"),
    ("future opinion", r"(?:\bwould\b|['’]d\b|\bwill\b|['’]ll\b|\bgoing to\b|\bi think\b|\bi doubt\b|\bi['’]m sure"
                       r"|\bprobably\b|\bdefinitely\b|\bsounds\b|\bonce\b.*\bthere\b|\bfor sure\b|\banyway\b)"),
    ("present pain", r"\b(?:every (?:week|fortnight|month|time)|all the time|always|by hand|manual(?:ly)?|fix|messy"
                     r"|too late|doubles|can['’]t|waste|slips|nearly cancelled|ring round|re-keying|only see|slow"
                     r"|broken|stuck|unreliable|confusing|annoying|frustrat\w*)\b"),
)


@dataclass
class NoteGuess:
    """The rules' guess at a note's kind of evidence, and every rule that matched."""

    text: str
    kind: str | None
    matched: dict[str, str]

    def __str__(self) -> str:
        if self.kind is None:
            return "No rule matched: decide the kind yourself."
        found = "; ".join(f"{k}: “{m}”" for k, m in self.matched.items())
        return f"Probably {self.kind} ({found})."


def classify_note(text: Any) -> NoteGuess:
    """Guess whether a note is past behaviour, present pain, future opinion, compliment or request.

    The rules in :data:`NOTE_RULES` are tried in order and the first that matches wins, except
    that a specific past event beats a compliment or an opinion mentioned along the way. It is a
    guess to argue with, not a label to trust. Never raises; non-text gives ``kind=None``.
    """
    if not isinstance(text, str) or not text.strip():
        return NoteGuess("" if not isinstance(text, str) else text, None, {})
    clean = _clean_question(text)
    matched = {}
    for kind, pattern in NOTE_RULES:
        m = re.search(pattern, clean, flags=re.IGNORECASE)
        if m:
            matched[kind] = m.group(0)
    if not matched:
        return NoteGuess(clean, None, matched)
    if "past behaviour" in matched and "feature request" not in matched:
        return NoteGuess(clean, "past behaviour", matched)
    return NoteGuess(clean, next(iter(matched)), matched)


# =============================================================================================
# Affinity synthesis: themes that the learner names
# =============================================================================================
_SNIPPET_ID = re.compile(r"^\s*([A-Za-z]+)[\s_-]*0*(\d+)\s*$")


def _canonical_snippet(raw: Any, known: list[str]) -> str | None:
    if isinstance(raw, (int, np.integer)) and not isinstance(raw, (bool, np.bool_)):
        # 7 -> the seventh snippet's id, when ids are a prefix and a number ("S07")
        matches = [k for k in known if (km := _SNIPPET_ID.match(k)) and int(km.group(2)) == int(raw)]
        return matches[0] if len(matches) == 1 else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text in known:
        return text
    m = _SNIPPET_ID.match(text)
    if not m:
        return None
    for k in known:
        km = _SNIPPET_ID.match(k)
        if km and km.group(1).upper() == m.group(1).upper() and int(km.group(2)) == int(m.group(2)):
            return k
    return None


def clean_theme(name: Any) -> str:
    """A theme name as typed, tidied: spaces collapsed, ends trimmed ('' for blank or non-text)."""
    if not isinstance(name, str):
        return ""
    return " ".join(unicodedata.normalize("NFKC", name).split())[:80]


def clean_tags(tags: Any, interviews: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """Tidy a learner's ``{snippet id: theme}`` mapping. Returns (tags, messages).

    Snippet ids are matched loosely ("s1" and 1 -> "S01"); blank themes untag a snippet; themes
    that differ only in capitals or spaces are merged into the first spelling used. Unknown ids and
    themes that are not text are reported in the messages and left out. Never raises.
    """
    messages: list[str] = []
    if tags is None or tags is Ellipsis:
        return {}, messages
    if isinstance(tags, pd.Series):
        tags = tags.to_dict()
    if not isinstance(tags, Mapping):
        return {}, [f"Tags should be a dict like {{\"S01\": \"Copying rotas\"}}; you gave {type(tags).__name__}."]
    known = [str(s) for s in interviews["snippet_id"]]
    spelling: dict[str, str] = {}
    out: dict[str, str] = {}
    for raw_id, raw_theme in tags.items():
        sid = _canonical_snippet(raw_id, known)
        if sid is None:
            messages.append(f"There is no snippet {raw_id!r}; snippets run from {known[0]} to {known[-1]}."
                            if known else f"There is no snippet {raw_id!r}.")
            continue
        if raw_theme is not None and raw_theme is not Ellipsis and not isinstance(raw_theme, str):
            messages.append(f"The theme for {sid} should be text in quotes, like \"Copying rotas\"; you gave "
                            f"{type(raw_theme).__name__} {raw_theme!r}, so {sid} was left untagged.")
            out.pop(sid, None)
            continue
        theme = clean_theme(raw_theme)
        if not theme:
            out.pop(sid, None)
            continue
        theme = spelling.setdefault(theme.casefold(), theme)
        out[sid] = theme
    return out, messages


def synthesis_table(interviews: pd.DataFrame, tags: Mapping[str, str]) -> pd.DataFrame:
    """One row per theme: how many snippets and interviews back it, by segment and evidence kind.

    Columns: snippets, interviews, one column per segment, one per evidence kind, strong (past
    behaviour + present pain), weak (the rest), opinion_only (no strong evidence at all),
    single_interview (heard in one interview only) and note (these flags in words, and a hint when
    the theme's name is a solution, like "Templates"). Sorted by strong evidence, then size.
    """
    clean, _ = clean_tags(tags, interviews)
    rows = []
    by_id = interviews.set_index("snippet_id")
    themes: dict[str, list[str]] = {}
    for sid, theme in clean.items():
        themes.setdefault(theme, []).append(sid)
    for theme, ids in themes.items():
        part = by_id.loc[ids]
        row: dict[str, Any] = {"theme": theme, "snippets": len(ids), "interviews": part["interview_id"].nunique()}
        for seg in SEGMENTS:
            row[seg] = int((part["segment"] == seg).sum())
        for kind in EVIDENCE_KINDS:
            row[kind] = int((part["evidence"] == kind).sum())
        row["strong"] = sum(row[k] for k in STRONG_EVIDENCE)
        row["weak"] = sum(row[k] for k in WEAK_EVIDENCE)
        row["opinion_only"] = row["strong"] == 0
        row["single_interview"] = row["interviews"] == 1
        notes = []
        if row["opinion_only"]:
            notes.append("⚠ opinions only: no past behaviour or present pain backs this theme")
        if row["single_interview"]:
            notes.append("heard in one interview only")
        named_after = _solution_words_in(theme)
        if named_after:
            notes.append(f"the name is a solution ({', '.join(named_after)}): name the need instead")
        row["note"] = "; ".join(notes)
        rows.append(row)
    columns = ["theme", "snippets", "interviews", *SEGMENTS, *EVIDENCE_KINDS, "strong", "weak", "opinion_only",
               "single_interview", "note"]
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table.set_index("theme")
    table = table.sort_values(["opinion_only", "strong", "snippets", "theme"],
                              ascending=[True, False, False, True], kind="mergesort")
    return table.set_index("theme")


def themes_by_segment(interviews: pd.DataFrame, tags: Mapping[str, str]) -> pd.DataFrame:
    """Theme x segment snippet counts (with a total)."""
    t = synthesis_table(interviews, tags)
    return t[[*SEGMENTS, "snippets"]].rename(columns={"snippets": "total"})


def themes_by_evidence(interviews: pd.DataFrame, tags: Mapping[str, str]) -> pd.DataFrame:
    """Theme x evidence-kind snippet counts, with strong, weak and the opinion-only flag."""
    t = synthesis_table(interviews, tags)
    return t[[*EVIDENCE_KINDS, "strong", "weak", "opinion_only"]]


def opinion_only_themes(interviews: pd.DataFrame, tags: Mapping[str, str]) -> list[str]:
    """Themes backed only by future opinions, compliments and feature requests."""
    t = synthesis_table(interviews, tags)
    return [str(x) for x in t.index[t["opinion_only"]]] if len(t) else []


# =============================================================================================
# Say vs do: survey against usage
# =============================================================================================
def _segment_filter(segment: Any) -> str | None:
    if segment in (None, "", ALL_SEGMENTS, "all"):
        return None
    try:
        return _parse_segment(segment)
    except _CellError:
        raise ValueError(f"Unknown segment {segment!r}; choose one of {', '.join(SEGMENTS)} or None for all.") from None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def stated_table(survey: pd.DataFrame, features: pd.DataFrame | None = None, segment: Any = None) -> pd.DataFrame:
    """What customers say: per feature, the mean importance (1-5), the share rating it 4 or 5, the
    share who would improve it first, the number of answers, and the stated rank (1 = most wanted).
    Ties in mean importance are broken by the first-choice share."""
    seg = _segment_filter(segment)
    rows = survey if seg is None else survey[survey["segment"] == seg]
    feature_cols = survey.attrs.get("features") or [c for c in survey.columns
                                                   if c not in (*SURVEY_ID_COLUMNS, "top_priority")]
    out = pd.DataFrame(index=pd.Index(feature_cols, name="feature_id"))
    ratings = rows[feature_cols].astype("Float64")
    out["mean_importance"] = [float(ratings[f].mean()) if ratings[f].notna().any() else np.nan for f in feature_cols]
    out["share_4_or_5"] = [float((ratings[f] >= 4).sum() / max(1, ratings[f].notna().sum())) for f in feature_cols]
    if "top_priority" in rows.columns and len(rows):
        first = rows["top_priority"].value_counts()
        out["first_choice_share"] = [float(first.get(f, 0) / len(rows)) for f in feature_cols]
    else:
        out["first_choice_share"] = 0.0
    out["answers"] = [int(ratings[f].notna().sum()) for f in feature_cols]
    order = out.sort_values(["mean_importance", "first_choice_share"], ascending=False, kind="mergesort").index
    out["stated_rank"] = pd.Series(range(1, len(order) + 1), index=order)
    _add_names(out, features)
    return out


def usage_table(usage: pd.DataFrame, features: pd.DataFrame | None = None, segment: Any = None) -> pd.DataFrame:
    """What customers do: per feature, the mean weekly share (the share of the 12 weeks an account
    used it), the share of accounts that used it at all, the number of accounts and the usage rank."""
    seg = _segment_filter(segment)
    rows = usage if seg is None else usage[usage["segment"] == seg]
    if "weekly_share" not in rows.columns:
        rows = rows.assign(weekly_share=rows["weeks_used"] / WEEKS_OBSERVED)
    grouped = rows.groupby("feature_id", sort=False)
    out = pd.DataFrame({
        "weekly_share": grouped["weekly_share"].mean(),
        "accounts_using": grouped["weeks_used"].apply(lambda s: float((s > 0).mean())),
        "accounts": grouped["account_id"].nunique(),
    })
    out.index.name = "feature_id"
    if features is not None and "feature_id" in features.columns:
        out = out.reindex([f for f in features["feature_id"] if f in out.index] +
                          [f for f in out.index if f not in set(features["feature_id"])])
    order = out.sort_values(["weekly_share", "accounts_using"], ascending=False, kind="mergesort").index
    out["usage_rank"] = pd.Series(range(1, len(order) + 1), index=order)
    _add_names(out, features)
    return out


def _add_names(frame: pd.DataFrame, features: pd.DataFrame | None) -> None:
    names = _feature_names(features) if features is not None else {}
    frame.insert(0, "name", [names.get(str(f), str(f).replace("_", " ").capitalize()) for f in frame.index])


def _gap_label(gap: int, n: int) -> str:
    if gap <= -max(3, n // 3):
        return "said more than done"
    if gap >= max(3, n // 3):
        return "done more than said"
    return "about the same"


def say_vs_do_table(survey: pd.DataFrame | None = None, usage: pd.DataFrame | None = None,
                    features: pd.DataFrame | None = None, segment: Any = None) -> pd.DataFrame:
    """Stated rank against usage rank for every feature in both data sets.

    ``gap`` = stated rank - usage rank. A large negative gap means people rank the feature high but
    hardly use it ("said more than done"); a large positive gap means they use it far more than
    they say ("done more than said"). Sorted by the size of the gap. ``.attrs`` holds the rank
    correlations across features: ``spearman`` and ``kendall`` as (statistic, p-value), from
    scipy.stats.
    """
    features = load_features() if features is None else features
    survey = load_survey(features=features) if survey is None else survey
    usage = load_usage(features=features) if usage is None else usage
    said = stated_table(survey, features, segment)
    done = usage_table(usage, features, segment)
    common = [f for f in said.index if f in done.index]
    if not common:
        raise ValueError("The survey and the usage data share no feature ids, so they cannot be compared.")
    said = said.loc[common]
    done = done.loc[common]
    # rank again within the shared features
    said_rank = pd.Series(range(1, len(common) + 1), index=said.sort_values(
        ["mean_importance", "first_choice_share"], ascending=False, kind="mergesort").index).reindex(common)
    done_rank = pd.Series(range(1, len(common) + 1), index=done.sort_values(
        ["weekly_share", "accounts_using"], ascending=False, kind="mergesort").index).reindex(common)
    table = pd.DataFrame({
        "name": said["name"],
        "mean_importance": said["mean_importance"],
        "first_choice_share": said["first_choice_share"],
        "stated_rank": said_rank,
        "weekly_share": done["weekly_share"],
        "accounts_using": done["accounts_using"],
        "usage_rank": done_rank,
    })
    table["gap"] = table["stated_rank"] - table["usage_rank"]
    n = len(table)
    table["reading"] = [_gap_label(int(g), n) for g in table["gap"]]
    table["abs_gap"] = table["gap"].abs()
    table = table.sort_values(["abs_gap", "stated_rank"], ascending=[False, True], kind="mergesort").drop(columns="abs_gap")
    if n >= 3:
        rho = stats.spearmanr(table["stated_rank"], table["usage_rank"])
        tau = stats.kendalltau(table["stated_rank"], table["usage_rank"])
        table.attrs["spearman"] = (float(rho.statistic), float(rho.pvalue))
        table.attrs["kendall"] = (float(tau.statistic), float(tau.pvalue))
    else:
        table.attrs["spearman"] = table.attrs["kendall"] = (float("nan"), float("nan"))
    table.attrs["segment"] = _segment_filter(segment)
    return table


def biggest_gap(table: pd.DataFrame) -> str:
    """The feature id with the largest stated-vs-usage gap (the first row of a say_vs_do_table)."""
    return str(table.index[0])


def describe_correlation(rho: float) -> str:
    """Spearman's rho in plain words."""
    if not np.isfinite(rho):
        return "too few features to compare"
    if rho <= -0.4:
        return "the two rankings run in opposite directions"
    if rho < 0.2:
        return "the two rankings barely agree"
    if rho < 0.6:
        return "the two rankings agree only loosely"
    return "the two rankings broadly agree"


@dataclass
class SayDo:
    """One feature, said against done."""

    feature_id: str
    name: str
    stated_rank: int
    usage_rank: int
    n_features: int
    mean_importance: float
    first_choice_share: float
    weekly_share: float
    accounts_using: float
    gap: int
    reading: str
    by_segment: pd.DataFrame
    segment: str | None = None

    @property
    def text(self) -> str:
        n = self.n_features
        who = f"{SEGMENT_LABELS[self.segment]} customers" if self.segment else "Customers"
        said = (f"{who} rank “{self.name}” {_ordinal(self.stated_rank)} of {n} for importance "
                f"(mean {self.mean_importance:.1f} out of 5; {self.first_choice_share:.0%} would improve it first).")
        did = (f"In the product it comes {_ordinal(self.usage_rank)} of {n}: the average account used it in "
               f"{self.weekly_share:.0%} of the {WEEKS_OBSERVED} weeks, and {self.accounts_using:.0%} of accounts "
               f"used it at all.")
        if self.reading == "said more than done":
            advice = (f"People say far more than they do (a gap of {abs(self.gap)} places). Treat the wish as a clue "
                      "to a need, and ask what they did the last time they needed it.")
        elif self.reading == "done more than said":
            advice = (f"People do far more than they say (a gap of {abs(self.gap)} places). It is so routine that "
                      "nobody thinks to mention it: watch how they do it, and count the effort.")
        else:
            advice = "What people say and what they do roughly agree here."
        return f"{said} {did} {advice}"

    def __str__(self) -> str:
        return self.text


def say_vs_do(feature: Any, survey: pd.DataFrame | None = None, usage: pd.DataFrame | None = None,
              features: pd.DataFrame | None = None, segment: Any = None) -> SayDo:
    """Stated against revealed priority for one feature (id or name). Raises ValueError for an
    unknown feature, naming the known ones."""
    features = load_features() if features is None else features
    survey = load_survey(features=features) if survey is None else survey
    usage = load_usage(features=features) if usage is None else usage
    table = say_vs_do_table(survey, usage, features, segment)
    known = list(table.index)
    try:
        fid = _match_feature(feature, known, dict(zip(table.index, table["name"])))
    except _CellError as err:
        raise ValueError(str(err)[0].upper() + str(err)[1:]) from None
    row = table.loc[fid]
    seg_rows = []
    for seg in SEGMENTS:
        if seg not in set(survey["segment"]) or seg not in set(usage["segment"]):
            continue
        s = stated_table(survey, features, seg)
        u = usage_table(usage, features, seg)
        seg_rows.append({"segment": seg, "mean_importance": float(s.at[fid, "mean_importance"]),
                         "weekly_share": float(u.at[fid, "weekly_share"]),
                         "respondents": int((survey["segment"] == seg).sum()),
                         "accounts": int(u.at[fid, "accounts"])})
    by_segment = pd.DataFrame(seg_rows).set_index("segment") if seg_rows else pd.DataFrame()
    return SayDo(fid, str(row["name"]), int(row["stated_rank"]), int(row["usage_rank"]), len(table),
                 float(row["mean_importance"]), float(row["first_choice_share"]), float(row["weekly_share"]),
                 float(row["accounts_using"]), int(row["gap"]), str(row["reading"]), by_segment,
                 table.attrs.get("segment"))


# =============================================================================================
# Checkers: insights, problem statements, follow-up questions
# =============================================================================================
INSIGHT_TEMPLATE = "[user] needs [need] because [insight]"
LEAN_UX_TEMPLATE = ("[Product] was meant to achieve [goals]. We have observed that it isn't meeting them, which "
                    "causes [adverse effect]. How might we improve [product] so that customers are more "
                    "successful, judged by [measurable criteria]?")

#: Words that name a role. "Managers" alone is still anyone: an insight's user needs a role and a
#: situation ("area managers of new multi-site groups"), or a kind of customer ("multi-site owners").
USER_ROLES = (
    "manager", "managers", "owner", "owners", "scheduler", "schedulers", "staff", "worker", "workers",
    "admin", "admins", "administrator", "administrators", "operator", "operators", "director", "directors",
    "employee", "employees", "carer", "carers", "lead", "leads", "accountant", "accountants", "buyer",
    "buyers", "officer", "officers", "supervisor", "supervisors", "chef", "chefs", "nurse", "nurses",
    "planner", "planners", "head", "heads",
)
#: Words that place a user in a segment, a trade or a job ("payroll", "care-home", "enterprise").
USER_QUALIFIERS = (
    "area", "site", "sites", "store", "stores", "shop", "shops", "café", "cafe", "cafés", "cafes", "salon",
    "salons", "clinic", "clinics", "practice", "restaurant", "restaurants", "pub", "pubs", "chain", "chains",
    "group", "groups", "retail", "care", "care-home", "hospitality", "enterprise", "independent",
    "multi-site", "multisite", "payroll", "hr", "security", "operations", "ops", "finance", "it", "android",
    "iphone", "hourly", "part-time", "night", "weekend",
)
USER_WORDS = USER_ROLES + USER_QUALIFIERS
_USER_FILLER = {"the", "a", "an", "our", "all", "some", "many", "most", "their", "of", "and", "at", "in", "on",
                "with", "who", "that", "for", "every", "new", "busy", "other", "these", "those", "its", "it"}
_GENERIC_USERS = {"user", "users", "customer", "customers", "people", "everyone", "they", "clients", "client",
                  "someone", "anyone", "the user", "the users", "our users", "our customers", "the customer",
                  "the customers"}
_WISH_REASON = re.compile(r"^(?:they|he|she|we|it|customers?|users?|people)\s+(?:want|wants|like|likes|asked|"
                          r"ask|asks|requested|request|said|say|says|need|needs|would like|love|loves|prefer|prefers)"
                          r"\b|^(?:it|that)\s+(?:is|would be)\s+(?:nice|good|great|useful|better|helpful)\b",
                          re.IGNORECASE)
_INSIGHT_RE = re.compile(r"^(?P<user>.+?)\s+(?:needs?|need)\s+(?P<need>.+?)\s+because\s+(?P<insight>.+?)[.!]?$",
                         re.IGNORECASE | re.DOTALL)
_THING_NEED = re.compile(r"^(?:an?|the|more|better|new|some|another)\s+", re.IGNORECASE)
#: A need that says *how* (through which screen, report or message) has chosen a solution.
_NEED_MEANS = re.compile(r"\b(?:mobile app|apps?|push|notifications?|alerts?|reports?|dashboards?|screens?|pages?"
                         r"|tabs?|emails?|e-mails?|text messages?|sms|portal|menus?|settings?|filters?|buttons?)\b",
                         re.IGNORECASE)
#: Needs so general that they fit any product.
_VAGUE_NEED = re.compile(r"\b(?:save (?:time|money|effort)|be (?:more )?(?:efficient|productive|happy|happier|faster"
                         r"|quicker)|work (?:faster|better|smarter|quicker)|(?:a )?better (?:experience|tool|product|app"
                         r"|way|life)|to be (?:easier|better|faster|simpler|quicker)|(?:an )?easier (?:life|time|way)"
                         r"|make (?:it|things|life) (?:easier|better|simpler))\b", re.IGNORECASE)
_EVIDENCE_HINT = re.compile(r"\b\d|\b(?:last|every|each|weeks?|days?|hours?|months?|evening|sunday|by hand|"
                            r"spreadsheet|re-?key|copy|copies|copied|copying|miss|missed|wait|waiting|stall|"
                            r"fix|fixes|fixed|cancel|took|spend|spent)\b", re.IGNORECASE)

_INSIGHT_TITLE = "Insight statement check"
_SELF_CHECK = "This is a self-check, not a grade: the rules look for words, not meaning. Read it once more yourself."


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9£$€%][A-Za-z0-9£$€%'’\-]*", text)


def _solution_words_in(text: str) -> list[str]:
    found = []
    for m in re.finditer(_SOLUTION_RE, text, flags=re.IGNORECASE):
        word = m.group(0).lower()
        if word not in found:
            found.append(word)
    return found


def _text_answer(value: Any, title: str, what: str, example: str) -> tuple[str | None, Feedback | None]:
    """Return (text, None) for a usable answer, or (None, feedback) explaining what to do."""
    if is_unanswered(value):
        return None, Feedback(title, answered=False,
                              summary=f"You have not answered yet: replace ... with {what}, for example {example}. "
                                      "Then run this cell again.")
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        value = " ".join(v.strip() for v in value)
    if not isinstance(value, str):
        return None, Feedback(title, answered=False,
                              summary=f"Write your answer as text in quotes, for example {example}. "
                                      f"You gave {type(value).__name__}.")
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if not text:
        return None, Feedback(title, answered=False, summary=f"Your answer is blank. Write {what}.")
    return text, None


def check_insight(text: Any) -> Feedback:
    """Check one insight statement in the form "[user] needs [need] because [insight]" (IDEO's POV).

    It looks for: the form itself; a specific user (not just "users"); a need that is not a
    solution (no words from :data:`SOLUTION_WORDS`, and a verb rather than a thing); a reason that
    is an insight (not "because they asked for it") with a hint of evidence; a sensible length.
    Never raises.
    """
    try:
        return _check_insight(text)
    except Exception as err:  # noqa: BLE001 - feedback must never crash a notebook
        return Feedback(_INSIGHT_TITLE, answered=False, summary=f"Your statement could not be checked ({err}).")


def _check_insight(value: Any) -> Feedback:
    text, early = _text_answer(value, _INSIGHT_TITLE, "one insight statement in quotes",
                               '"New multi-site area managers need to ... because ..."')
    if early:
        return early
    fb = Feedback(_INSIGHT_TITLE, note=_SELF_CHECK)
    m = _INSIGHT_RE.match(text)
    if not m:
        parts = [w for w in ("needs", "because") if not re.search(rf"\b{w[:-1]}s?\b" if w == "needs" else rf"\b{w}\b",
                                                                    text, re.IGNORECASE)]
        missing = " and ".join(f"'{p}'" for p in parts) or "the parts in that order"
        fb.add("Form: [user] needs [need] because [insight]", False,
               f"I could not find {missing}. Write it as: {INSIGHT_TEMPLATE}.")
        found = _solution_words_in(text)
        if found:
            fb.add("Not a solution", False, f"it names a solution ({', '.join(found)}). Describe the need instead.")
        fb.summary = "Rewrite it in the insight form, then check again."
        return fb
    user, need, insight = (m.group(g).strip(" ,;:") for g in ("user", "need", "insight"))
    if re.search(r"[.!?]\s+\S", need):
        fb.add("Form: [user] needs [need] because [insight]", False,
               f"the need and the reason are in different sentences (“{need} because …”). Make it one sentence: "
               "who needs what, because why.")
    else:
        fb.add("Form: [user] needs [need] because [insight]", True, "all three parts are there.")

    user_words = [w.lower() for w in _words(user)]
    roles = [w for w in user_words if w in USER_ROLES]
    qualifiers = [w for w in user_words if w in USER_QUALIFIERS]
    content = [w for w in user_words if w not in _USER_FILLER]
    if user.lower().strip() in _GENERIC_USERS or not (roles or qualifiers):
        fb.add("A specific user", False,
               f"“{user}” could be anyone. Name the role and situation, like “area managers of new multi-site groups”.")
    elif len(content) < 2:
        fb.add("A specific user", False,
               f"“{user}” is a start, but which ones? Rotawise has some 41,000 managers. Add the situation, like "
               "“area managers of new multi-site groups” or “owners of a single café”.")
    else:
        fb.add("A specific user", True, f"“{user}”.")

    found = _solution_words_in(need)
    means = _NEED_MEANS.search(need)
    vague = _VAGUE_NEED.search(need)
    if found:
        fb.add("The need is not a solution", False,
               f"the need names a solution ({', '.join(found)}). Say what they are trying to get done, so the team "
               "can find the best way to do it.")
    elif _THING_NEED.match(need) and not re.match(r"^an?\s+way\s+to\b", need, re.IGNORECASE):
        fb.add("The need is not a solution", False,
               f"“{need}” is a thing. Needs are verbs: write “to …” or “a way to …” (IDEO's Design Kit).")
    elif means:
        fb.add("The need is not a solution", False,
               f"the need says how (“{means.group(0)}”). Say what they are trying to get done or to know, and leave "
               "the how to the team.")
    elif vague and len(_words(need)) <= 6:
        fb.add("The need is not a solution", False,
               f"“{need}” fits any product. Name the task: what exactly takes the time, or goes wrong?")
    else:
        fb.add("The need is not a solution", True, f"“{need}”.")

    if _WISH_REASON.match(insight):
        fb.add("The reason is an insight", False,
               "“because they want it” repeats the request. Give the reason behind it: what you saw them do, "
               "or what it costs them.")
    elif len(_words(insight)) < 5:
        fb.add("The reason is an insight", False,
               f"“because {insight}” is too thin to explain anything. Say what you saw them do, or what it costs "
               "them.")
    elif not _EVIDENCE_HINT.search(insight):
        fb.add("The reason is an insight", None,
               "fine as a reason. Can you tie it to something you saw: a number, a time, a workaround?")
    else:
        fb.add("The reason is an insight", True, "it points at something observed.")
    found_reason = _solution_words_in(insight)
    if found_reason:
        fb.add("No solution in the reason", False, f"the reason mentions a solution ({', '.join(found_reason)}).")

    count = len(_words(text))
    if count < 10:
        fb.add("Length", False, f"{count} words: too short to carry a real insight. Aim for 12–45.")
    elif count > 60:
        fb.add("Length", False, f"{count} words: split it, or cut to one need and one reason (12–45 words).")
    else:
        fb.add("Length", True, f"{count} words.")
    done = len(fb.passed)
    fb.summary = f"{done} of {len(fb.checks)} checks met." + (" A clear insight." if fb.ok else
                                                               " Revise the lines marked ✗.")
    return fb


_INSIGHTS_TITLE = "Your insight statements"


def check_insights(statements: Any) -> Feedback:
    """Check a list of 3-5 insight statements: one line per statement, and the count.

    Never raises. Each statement gets :func:`check_insight`; the list also needs different needs.
    """
    try:
        return _check_insights(statements)
    except Exception as err:  # noqa: BLE001
        return Feedback(_INSIGHTS_TITLE, answered=False, summary=f"Your statements could not be checked ({err}).")


def _check_insights(statements: Any) -> Feedback:
    example = '["Area managers of new multi-site groups need to ... because ...", ...]'
    if is_unanswered(statements):
        return Feedback(_INSIGHTS_TITLE, answered=False,
                        summary=f"You have not answered yet: replace ... with a list of 3 to 5 statements, like "
                                f"{example}. Then run this cell again.")
    if isinstance(statements, str):
        statements = [s for s in re.split(r"\n+", statements) if s.strip()]
    if not isinstance(statements, (list, tuple)):
        return Feedback(_INSIGHTS_TITLE, answered=False,
                        summary=f"Write a list of statements in quotes, like {example}. You gave "
                                f"{type(statements).__name__}.")
    if any(s is Ellipsis for s in statements):
        return Feedback(_INSIGHTS_TITLE, answered=False, summary="Your list still holds ... : replace each one "
                                                                 "with a statement in quotes.")
    fb = Feedback(_INSIGHTS_TITLE, note=_SELF_CHECK)
    n = len(statements)
    fb.add("Three to five statements", 3 <= n <= 5,
           f"you wrote {n}." + ("" if 3 <= n <= 5 else " IDEO suggests 3 to 5: enough to cover the main needs, "
                                "few enough to remember."))
    needs = []
    for i, s in enumerate(statements, start=1):
        one = check_insight(s)
        if not one.answered:
            fb.add(f"Statement {i}", False, one.summary)
            continue
        failed = [c.label for c in one.failed]
        fb.add(f"Statement {i}", not failed,
               "meets every check." if not failed else "needs work on: " + "; ".join(failed) + ".")
        m = _INSIGHT_RE.match(" ".join(str(s).split()))
        if m:
            needs.append({w.lower() for w in _words(m.group("need")) if len(w) > 3})
    repeats = [(i + 1, j + 1) for i in range(len(needs)) for j in range(i + 1, len(needs))
               if needs[i] and needs[j] and len(needs[i] & needs[j]) / len(needs[i] | needs[j]) > 0.6]
    if repeats:
        i, j = repeats[0]
        fb.add("Different needs", False, f"statements {i} and {j} state almost the same need. Merge them.")
    fb.summary = f"{len(fb.passed)} of {len(fb.checks)} checks met."
    return fb


# ---- problem statement -----------------------------------------------------------------------
_PS_TITLE = "Problem statement check (Lean UX)"
_GOALS = re.compile(r"\b(?:meant to|designed to|built to|intended to|supposed to|was made to|aims? to|the goal|our goal"
                    r"|goals?\b|promise[sd]?(?: to| that)?|exists to|should let|should help|is there to"
                    r"|was (?:built|made|designed) so)\b", re.IGNORECASE)
_OBSERVED = re.compile(r"\b(?:we (?:have )?(?:observed|seen|found|noticed|saw|learned|learnt|heard|measured)|"
                       r"(?:interviews?|data|usage|survey|tickets?|analytics|research) (?:show|shows|showed|suggest"
                       r"|suggests|found|reveal|reveals)|isn['’]?t meeting|is not meeting|aren['’]?t meeting"
                       r"|not meeting|only \d|told us|(?:of|in|across|from) (?:\w+\s+){0,2}(?:interviews|calls"
                       r"|support tickets|tickets|visits|accounts we (?:interviewed|visited|spoke to)))\b", re.IGNORECASE)
_EFFECT = re.compile(r"\b(?:which causes|causes?|causing|caused|leads? to|leading to|results? in|as a result|"
                     r"so (?:they|customers|managers|accounts|staff)|costs?|costing|churn\w*|cancel\w*|miss\w*|"
                     r"delay\w*|stall\w*|los(?:e|es|ing|t)|abandon\w*|give up|gives up|gave up|waste\w*|errors?"
                     r"|frustrat\w*|wrong)\b", re.IGNORECASE)
_MEASURE_WORDS = re.compile(r"\b(?:judged by|measured by|we will know|we'll know|success (?:is|means|looks like)"
                            r"|as measured|tracked by|target)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s?%|\b\d[\d,.]*\s*(?:days?|weeks?|hours?|minutes?|accounts?|tickets?|percent"
                     r"|per cent|points?|pp)\b|\bfrom \d[\d,.]*\s*%?\s*to \d[\d,.]*", re.IGNORECASE)
#: The best evidence of a target: "from 38% to 55%", else a percentage.
_TARGET = re.compile(r"\bfrom \d[\d,.]*\s*%?\s*to \d[\d,.]*\s*%?|\d+(?:\.\d+)?\s?%", re.IGNORECASE)
_HMW = re.compile(r"\bhow might we\b", re.IGNORECASE)
_CUSTOMER = re.compile(r"\b(?:customers?|users?|managers?|owners?|schedulers?|staff|admins?|accounts?|operators?"
                       r"|groups?|teams?)\b", re.IGNORECASE)
_BUILD_VERB = re.compile(r"\b(?:build|add|create|ship|implement|develop|launch|introduce|offer|provide|integrate)\s+"
                         r"(?:a|an|the|new|our|some)\b|\bwe (?:should|must|need to|will|could|want to|plan to)\s+"
                         r"(?:build|add|create|ship|implement|develop|launch|make|give|offer|buy|rewrite|redesign)\b"
                         r"|\bby (?:letting|adding|building|giving|creating|introducing|offering|providing|shipping"
                         r"|automating|integrating|replacing|moving|sending|syncing)\b"
                         r"|\bhow might we (?:let|add|build|give|create|ship|offer|provide|send|automate|integrate"
                         r"|replace)\b",
                         re.IGNORECASE)


def check_problem_statement(text: Any) -> Feedback:
    """Check a problem statement against the Lean UX form (Gothelf and Seiden).

    It looks for the goals the product was meant to meet, the observed gap (evidence), the adverse
    effect, measurable success criteria (a phrase like "judged by" and a number), a named
    customer, and no solution smuggled in (words from :data:`SOLUTION_WORDS` or "build a ...").
    Never raises.
    """
    try:
        return _check_problem_statement(text)
    except Exception as err:  # noqa: BLE001
        return Feedback(_PS_TITLE, answered=False, summary=f"Your statement could not be checked ({err}).")


def _check_problem_statement(value: Any) -> Feedback:
    text, early = _text_answer(value, _PS_TITLE, "your problem statement in triple quotes",
                               '"""Rotawise was meant to ... We have observed ... How might we ...?"""')
    if early:
        return early
    fb = Feedback(_PS_TITLE, note=_SELF_CHECK)
    goal = _GOALS.search(text)
    fb.add("Goals: what the product was meant to achieve", bool(goal),
           f"found “{goal.group(0)}”." if goal else "start with what the product (or this part of it) was meant "
           "to achieve for customers: “Rotawise was meant to …”.")
    seen = _OBSERVED.search(text)
    fb.add("Observed gap: the evidence", bool(seen),
           f"found “{seen.group(0)}”." if seen else "say what you observed that shows it falls short: “We have "
           "observed that …”, from interviews, usage or support data.")
    effect = _EFFECT.search(text)
    fb.add("Adverse effect on customers", bool(effect),
           f"found “{effect.group(0)}”." if effect else "say what the gap costs customers, and through them the "
           "business: “which causes …”.")
    measure, number = _MEASURE_WORDS.search(text), _NUMBER.search(text)
    # The target must sit in the sentence that says how success is judged: a number in the evidence
    # ("in 5 interviews") does not make the criteria measurable.
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", text) if _MEASURE_WORDS.search(x)]
    target = next((n for x in sentences if (n := _TARGET.search(x) or _NUMBER.search(x))), None)
    if measure and target:
        fb.add("Measurable criteria", True, f"found “{measure.group(0)}” and “{target.group(0)}”.")
    elif measure and number:
        fb.add("Measurable criteria", False, f"you say how success is judged (“{measure.group(0)}”), but that "
               f"sentence has no number. The “{number.group(0)}” elsewhere describes the problem. Add the target: "
               "“judged by the share of … rising from 38% to 55%”.")
    elif measure:
        fb.add("Measurable criteria", False, f"you say how success is judged (“{measure.group(0)}”), but with no "
               "number. Add the metric and the target: “judged by the share of … rising from 38% to 55%”.")
    elif number:
        fb.add("Measurable criteria", False, f"there is a number (“{number.group(0)}”), but say how success is "
               "judged: “judged by …”, with the metric and the target.")
    else:
        fb.add("Measurable criteria", False, "end with how you will judge success, with a number: “judged by the "
               "share of … from 38% to 55%”.")
    customer = _CUSTOMER.search(text)
    fb.add("Names the customers", bool(customer),
           f"found “{customer.group(0)}”." if customer else "say whose problem it is: which customers or users.")
    found = _solution_words_in(text)
    verb = _BUILD_VERB.search(text)
    if found or verb:
        smuggled = ", ".join(found + ([verb.group(0)] if verb else []))
        fb.add("No solution smuggled in", False,
               f"it names a solution ({smuggled}). A problem statement leaves room for the team to find the answer; "
               "move the idea to your list of solutions to test.")
    else:
        fb.add("No solution smuggled in", True, "it describes the problem, not the fix.")
    hmw = _HMW.search(text)
    fb.add("Ends with “How might we …?”", True if hmw else None,
           "found it." if hmw else "optional, but Lean UX ends with “How might we improve … so that …?”.")
    count = len(_words(text))
    if count < 35:
        fb.add("Length", False, f"{count} words: too short to hold all the parts. Aim for 50–150.")
    elif count > 200:
        fb.add("Length", False, f"{count} words: a room of engineers should read it in a minute. Aim for 50–150.")
    else:
        fb.add("Length", True, f"{count} words.")
    fb.summary = f"{len(fb.passed)} of {len([c for c in fb.checks if c.ok is not None])} checks met." + (
        " The team can argue about solutions now." if fb.ok else " Fill in what is marked ✗.")
    return fb


# ---- follow-up questions ---------------------------------------------------------------------
_FOLLOW_TITLE = "Three follow-up questions"
_DIG = re.compile(r"\b(?:why|what happens|what happened|how do you|how did you|what do you do|what did you do|"
                  r"instead|today|currently|right now|workaround|what have you tried|what did you try|what does that"
                  r" cost|what did that cost|how long|how often|who|walk me through|tell me about|show me|"
                  r"what would happen if you didn['’]?t)\b", re.IGNORECASE)


def _similar(a: str, b: str) -> bool:
    wa = {w.lower() for w in _words(a) if len(w) > 2}
    wb = {w.lower() for w in _words(b) if len(w) > 2}
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) > 0.7


def _follow_up_verdict(question: Any, requested: set[str]) -> Verdict:
    """Like classify_question, except that an open question may name the requested feature itself:
    "Why do you need the connector?" digs beneath the request rather than pitching a solution."""
    v = classify_question(question)
    if v.level in ("empty", "unclear") or not requested or not any(h.id == "open" for h in v.strengths):
        return v
    words = {w.lower() for w in _solution_words_in(v.text)}
    if not words or not words <= requested:
        return v
    problems = [h for h in v.problems if h.id != "solution"]
    if len(problems) == len(v.problems):
        return v
    return _verdict_from(v.text, problems, v.strengths)


def check_follow_ups(request: Any, questions: Any) -> Feedback:
    """Feedback on the "three follow-ups" drill: given a customer's feature request, ask at least
    three questions that dig beneath it before you think of solutions.

    Each question is judged by :func:`classify_question`; the set also needs three distinct
    questions, at least one about a specific past event and none that pitches the requested
    feature back. Never raises.
    """
    try:
        return _check_follow_ups(request, questions)
    except Exception as err:  # noqa: BLE001
        return Feedback(_FOLLOW_TITLE, answered=False, summary=f"Your questions could not be checked ({err}).")


def _check_follow_ups(request: Any, questions: Any) -> Feedback:
    example = '["Tell me about the last time ...?", "What do you do today when ...?", "Why ...?"]'
    if is_unanswered(questions):
        return Feedback(_FOLLOW_TITLE, answered=False,
                        summary=f"You have not answered yet: replace ... with a list of three questions, like {example}.")
    if isinstance(questions, str):
        parts = [p.strip() for p in re.split(r"(?<=\?)\s+|\n+", questions) if p.strip()]
        questions = parts
    if not isinstance(questions, (list, tuple)):
        return Feedback(_FOLLOW_TITLE, answered=False,
                        summary=f"Write a list of questions in quotes, like {example}. You gave {type(questions).__name__}.")
    if any(q is Ellipsis for q in questions):
        return Feedback(_FOLLOW_TITLE, answered=False,
                        summary="Your list still holds ... : replace each one with a question in quotes.")
    fb = Feedback(_FOLLOW_TITLE, note="A self-check: the rules look for words. Ask a colleague to role-play the customer.")
    requested = set(_solution_words_in(request)) if isinstance(request, str) else set()
    n = len([q for q in questions if isinstance(q, str) and q.strip()])
    fb.add("At least three questions", n >= 3, f"you wrote {n}." + ("" if n >= 3 else " Ask three or more before you "
                                                                     "start thinking about a fix."))
    verdicts = []
    for i, q in enumerate(questions, start=1):
        v = _follow_up_verdict(q, requested)
        if v.level in ("empty", "unclear"):
            fb.add(f"Question {i}", False, v.message)
            continue
        verdicts.append(v)
        if v.ok:
            fb.add(f"Question {i}", True, f"{v.headline.lower()}: “{v.text}”.")
        else:
            reasons = "; ".join(h.rule.label.lower() for h in v.problems)
            fb.add(f"Question {i}", False, f"“{v.text}”: {reasons}. Try: {v.better}")
    texts = [v.text for v in verdicts]
    repeats = [(i + 1, j + 1) for i in range(len(texts)) for j in range(i + 1, len(texts)) if _similar(texts[i], texts[j])]
    if repeats:
        fb.add("Different questions", False, f"questions {repeats[0][0]} and {repeats[0][1]} ask almost the same thing.")
    if verdicts:
        fb.add("At least one asks about a specific past event", any(v.level == "good" for v in verdicts),
               "" if any(v.level == "good" for v in verdicts) else "ask about the last time it happened: that is "
               "where the facts are.")
        digs = [v for v in verdicts if _DIG.search(v.text)]
        fb.add("They dig beneath the request", len(digs) >= 2,
               "they ask what happens today, why, and what it costs." if len(digs) >= 2 else
               "ask what they do today, why it matters, and what it costs them.")
    fb.summary = f"{len(fb.passed)} of {len(fb.checks)} checks met."
    return fb


_REWRITE_TITLE = "Your rewritten questions"


def check_question_rewrites(originals: Any, rewrites: Any) -> Feedback:
    """Feedback on rewriting bad interview questions: each rewrite should be "good" or "okay"
    by :func:`classify_question` and actually differ from the question it replaces. Never raises."""
    try:
        return _check_rewrites(originals, rewrites)
    except Exception as err:  # noqa: BLE001
        return Feedback(_REWRITE_TITLE, answered=False, summary=f"Your rewrites could not be checked ({err}).")


def _check_rewrites(originals: Any, rewrites: Any) -> Feedback:
    originals = list(originals) if isinstance(originals, (list, tuple)) else []
    example = '["Tell me about the last time ...?", ...]'
    if is_unanswered(rewrites):
        return Feedback(_REWRITE_TITLE, answered=False,
                        summary=f"You have not answered yet: replace ... with a list of {len(originals) or 'your'} "
                                f"questions, like {example}.")
    if isinstance(rewrites, str):  # one question per line is fine too
        rewrites = [line.strip() for line in re.split(r"\n+", rewrites) if line.strip()]
    if not isinstance(rewrites, (list, tuple)):
        return Feedback(_REWRITE_TITLE, answered=False,
                        summary=f"Write a list of questions in quotes, like {example}. You gave {type(rewrites).__name__}.")
    fb = Feedback(_REWRITE_TITLE)
    if originals and len(rewrites) != len(originals):
        fb.add("One rewrite per question", False,
               f"there are {len(originals)} questions and you wrote {len(rewrites)} "
               f"{'rewrite' if len(rewrites) == 1 else 'rewrites'}.")
    good = 0
    for i, q in enumerate(rewrites, start=1):
        if q is Ellipsis or is_unanswered(q):
            fb.add(f"Question {i}", False, "not rewritten yet: replace ... with your question.")
            continue
        v = classify_question(q)
        if v.level in ("empty", "unclear"):
            fb.add(f"Question {i}", False, v.message)
            continue
        original = originals[i - 1] if i - 1 < len(originals) and isinstance(originals[i - 1], str) else None
        if original is not None and _clean_question(original).lower() == v.text.lower():
            fb.add(f"Question {i}", False, "this is the original question, unchanged.")
            continue
        if v.ok:
            good += 1
            fb.add(f"Question {i}", True, f"{v.headline.lower()}: “{v.text}”.")
        else:
            fb.add(f"Question {i}", False, f"“{v.text}”: {', '.join(h.rule.label.lower() for h in v.problems)}. "
                                           f"Try: {v.better}")
    past = sum(1 for q in rewrites if isinstance(q, str) and classify_question(q).level == "good")
    fb.summary = (f"{good} of {len(rewrites)} questions pass; {past} ask about a specific past event."
                  + (" Well done." if fb.ok else ""))
    return fb
