"""The readiness self-assessment of Module 00, as a widget.

``ReadinessModel`` holds the answers and does the work (no ipywidgets import): it checks each
answer, scores a complete set with :func:`pmkit.readiness.score`, draws the radar and history
charts, and saves to the learner's work folder. ``readiness_assessment()`` and
``readiness_history()`` are the thin ipywidgets views on top.

With no saved attempt (always so in the published book), the result area shows a worked example,
labelled as such: Priya Nair, the case study's product manager, a year before her move into
product. It is never presented as the reader's own result.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import readiness as rd
from .. import work
from . import _common as c

__all__ = [
    "EXAMPLE_LABEL",
    "EXAMPLE_ANSWERS",
    "EXAMPLE_HISTORY",
    "DRAFT_KEY",
    "ReadinessModel",
    "example_result",
    "example_history",
    "radar_figure",
    "history_figure",
    "radar_alt",
    "history_alt",
    "readiness_assessment",
    "readiness_history",
    "show_result",
]

EXAMPLE_LABEL = "Example: Priya Nair a year before her move"
EXAMPLE_HISTORY_LABEL = "Example: Priya Nair's three attempts in the year before her move"

#: Priya's answers in January 2025, a year before she moved from backend engineering into product.
#: She had talked to a few customers and wrote well for engineers, but had no product evidence to
#: show and had not prepared for a move.
EXAMPLE_ANSWERS: dict[str, int] = {
    "D1": 1, "D2": 1, "D3": 0, "D4": 2, "D5": 1,
    "P1": 1, "P2": 2, "P3": 2, "P4": 3, "P5": 2,
    "S1": 2, "S2": 2, "S3": 1, "S4": 2, "S5": 1,
    "W1": 2, "W2": 2, "W3": 1, "W4": 2, "W5": 3,
    "T1": 1, "T2": 3, "T3": 3, "T4": 0, "T5": 1,
}  # fmt: skip

#: Her three attempts, a year, six months and one month before the move (retaken as the course advises).
EXAMPLE_HISTORY: tuple[tuple[str, dict[str, int]], ...] = (
    ("2025-01-13T09:00:00", EXAMPLE_ANSWERS),
    ("2025-07-14T09:00:00", {
        "D1": 3, "D2": 3, "D3": 2, "D4": 2, "D5": 3,
        "P1": 2, "P2": 3, "P3": 2, "P4": 3, "P5": 3,
        "S1": 2, "S2": 3, "S3": 2, "S4": 2, "S5": 2,
        "W1": 2, "W2": 3, "W3": 2, "W4": 2, "W5": 3,
        "T1": 2, "T2": 3, "T3": 3, "T4": 1, "T5": 2,
    }),
    ("2025-12-15T09:00:00", {
        "D1": 4, "D2": 3, "D3": 3, "D4": 3, "D5": 3,
        "P1": 3, "P2": 3, "P3": 3, "P4": 4, "P5": 3,
        "S1": 3, "S2": 3, "S3": 3, "S4": 3, "S5": 3,
        "W1": 3, "W2": 3, "W3": 3, "W4": 2, "W5": 3,
        "T1": 3, "T2": 4, "T3": 4, "T4": 3, "T5": 4,
    }),
)  # fmt: skip

#: Unfinished answers are kept here (pmkit.work, module "00-start-here") so a restart loses nothing.
DRAFT_KEY = "draft_answers"

#: Short area names for narrow table headers.
AREA_SHORT = {"discovery": "Discovery", "prioritization": "Prioritization", "stakeholders": "Stakeholders",
              "writing": "Writing", "transition": "Transition"}

# One colour, marker and line style per area: the styles alone tell the lines apart.
_STYLES = {
    "discovery": (c.BLUE, "s", "-"),
    "prioritization": (c.ORANGE, "^", "--"),
    "stakeholders": (c.GREEN, "D", "-."),
    "writing": (c.VERMILLION, "v", ":"),
    "transition": (c.PURPLE, "P", (0, (6, 2, 1, 2, 1, 2))),
}


def example_result(questions: Sequence[rd.Question] | None = None) -> rd.Result:
    """Priya's result a year before her move, scored with the same rules as yours."""
    return rd.score(EXAMPLE_ANSWERS, questions)


def example_history(questions: Sequence[rd.Question] | None = None) -> list[dict[str, Any]]:
    """Priya's three attempts, in the same form as :func:`pmkit.readiness.load_history` returns."""
    questions = rd.load_questions() if questions is None else questions
    return [{"taken_at": when, **rd.score(answers, questions).to_dict()} for when, answers in EXAMPLE_HISTORY]


def _day(taken_at: str) -> str:
    try:
        moment = datetime.fromisoformat(taken_at)
    except (TypeError, ValueError):
        return str(taken_at)
    return f"{moment.day} {moment:%b %Y}"


def _wrap(text: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


# --------------------------------------------------------------------------------------------
# Figures (pure matplotlib, no pyplot)
# --------------------------------------------------------------------------------------------
def radar_alt(result: rd.Result, previous: Mapping[str, Any] | None = None, label: str | None = None) -> str:
    """A text description of the radar chart, for screen readers."""
    prev = previous.get("areas", {}) if previous else {}
    parts = []
    for a in rd.AREAS:
        text = f"{rd.AREA_TITLES[a]} {rd.format_score(result.areas[a])}"
        if a in prev:
            text += f" (was {rd.format_score(prev[a])})"
        parts.append(text)
    lead = f"{label}. " if label else ""
    return (f"{lead}Radar chart of readiness by area, each from 0 to 100: {'; '.join(parts)}. "
            f"Total {rd.format_score(result.total)}. A dotted ring marks {rd.GAP_THRESHOLD:.0f}, the gap line.")


def radar_figure(result: rd.Result, previous: Mapping[str, Any] | None = None, title: str | None = None) -> Figure:
    """Area scores on a radar chart, with the gap line and, optionally, an earlier attempt.

    Each axis label carries the score (and the earlier score), so no reading depends on colour.
    """
    fig = Figure(figsize=(6.6, 6.0), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    angles = np.linspace(0, 2 * np.pi, len(rd.AREAS), endpoint=False)
    closed = np.append(angles, angles[0])
    ring = np.linspace(0, 2 * np.pi, 200)
    ax.plot(ring, np.full_like(ring, rd.GAP_THRESHOLD), color=c.BLACK, linestyle=":", linewidth=1.3,
            label=f"Gap line ({rd.GAP_THRESHOLD:.0f})")
    prev = previous.get("areas") if previous else None
    if prev:
        values = [float(prev[a]) for a in rd.AREAS]
        ax.plot(closed, values + values[:1], color=c.ORANGE, linestyle="--", linewidth=2, marker="s",
                markersize=6, label=f"Earlier attempt ({_day(previous.get('taken_at', ''))})")
    values = [float(result.areas[a]) for a in rd.AREAS]
    ax.plot(closed, values + values[:1], color=c.BLUE, linewidth=2.4, marker="o", markersize=7,
            label="This result" if prev else "Area scores")
    ax.fill(closed, values + values[:1], color=c.BLUE, alpha=0.15)
    labels = []
    for a in rd.AREAS:
        text = f"{_wrap(rd.AREA_TITLES[a])}\n{rd.format_score(result.areas[a])}"
        if prev:
            text += f" (was {rd.format_score(prev[a])})"
        labels.append(text)
    ax.set_xticks(angles, labels, fontsize=9)
    ax.tick_params(axis="x", pad=22)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100], ["20", "40", "60", "80", "100"], fontsize=7, color="#444444")
    ax.set_rlabel_position(90 - 360 / len(rd.AREAS) / 2)
    heading = title or "Readiness by area (0–100)"
    fig.suptitle(f"{heading}\nTotal: {rd.format_score(result.total)} out of 100", fontsize=11)
    fig.legend(loc="outside lower center", ncol=3 if prev else 2, fontsize=8, frameon=False)
    return fig


def history_alt(history: Sequence[Mapping[str, Any]], label: str | None = None) -> str:
    """A text description of the history chart, for screen readers."""
    lead = f"{label}. " if label else ""
    if not history:
        return f"{lead}No attempts are saved yet, so the history chart is empty."
    days = ", ".join(_day(a["taken_at"]) for a in history)
    series = [f"Total: {', '.join(rd.format_score(a['total']) for a in history)}"]
    for area in rd.AREAS:
        series.append(f"{rd.AREA_TITLES[area]}: {', '.join(rd.format_score(a['areas'][area]) for a in history)}")
    return (f"{lead}Line chart of {len(history)} attempt(s), taken {days}. Scores from 0 to 100, in order: "
            + "; ".join(series) + f". A dotted line marks {rd.GAP_THRESHOLD:.0f}, the gap line.")


def history_figure(history: Sequence[Mapping[str, Any]], title: str | None = None) -> Figure:
    """Total and area scores over attempts. Lines differ by marker and style, not only colour, and
    the legend gives each line's latest score."""
    fig = Figure(figsize=(8.0, 4.4), layout="constrained")
    ax = fig.subplots()
    heading = title or "Your readiness over time"
    if not history:
        ax.text(0.5, 0.5, "No attempts saved yet.\nScore your answers above to start your history.",
                ha="center", va="center", fontsize=11)
        ax.set_axis_off()
        fig.suptitle(heading, fontsize=11)
        return fig
    x = np.arange(1, len(history) + 1)
    for area in rd.AREAS:
        colour, marker, style = _STYLES[area]
        ys = [float(a["areas"][area]) for a in history]
        ax.plot(x, ys, color=colour, marker=marker, linestyle=style, linewidth=1.6, markersize=6,
                label=f"{rd.AREA_TITLES[area]} (latest {rd.format_score(ys[-1])})")
    totals = [float(a["total"]) for a in history]
    ax.plot(x, totals, color=c.BLACK, marker="o", linewidth=3, markersize=8,
            label=f"Total (latest {rd.format_score(totals[-1])})")
    for xi, t in zip(x, totals):
        ax.annotate(rd.format_score(t), (xi, t), textcoords="offset points", xytext=(-9, 7), ha="right",
                    fontsize=9, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.axhline(rd.GAP_THRESHOLD, color=c.GREY, linestyle=":", linewidth=1.3)
    ax.text(x[0], rd.GAP_THRESHOLD + 1.5, f"gap line ({rd.GAP_THRESHOLD:.0f})", fontsize=8, color="#444444")
    ax.set_xticks(x, [f"{i}\n{_day(a['taken_at'])}" for i, a in zip(x, history)], fontsize=8)
    ax.set_xlim(0.6, len(history) + 0.4)
    ax.set_ylim(0, 105)
    ax.set_xlabel("Attempt")
    ax.set_ylabel("Score (0–100)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(heading, fontsize=11)
    fig.legend(loc="outside right center", fontsize=8, frameon=False)
    return fig


def figure_html(fig: Figure, alt: str, css_class: str) -> str:
    """A matplotlib figure as an <img> with alt text (embedded as PNG; works in the static book)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img class="{c.esc(css_class)}" src="data:image/png;base64,{data}" alt="{c.esc(alt)}" '
            'style="max-width: 100%; height: auto;">')


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------
class ReadinessModel:
    """State of the self-assessment: the answers given so far, and what they add up to."""

    def __init__(self, questions: Sequence[rd.Question] | None = None):
        self.questions: list[rd.Question] = rd._questions_or_default(questions)
        self._by_id = {q.id: q for q in self.questions}
        self._by_upper = {q.id.upper(): q for q in self.questions}  # "d1" and " D1 " find D1, as score() does
        self._answers: dict[str, int] = {}
        self.restored_from: str | None = None  # "draft", "attempt" or None

    # ---- answers -----------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def question(self, qid: str) -> rd.Question:
        try:
            return self._by_id[qid] if qid in self._by_id else self._by_upper[str(qid).strip().upper()]
        except KeyError:
            raise ValueError(f"There is no question {qid!r}; the questions run {self.ids[0]} to "
                             f"{self.ids[-1]}.") from None

    def set_answer(self, qid: str, value: Any) -> None:
        """Record an answer (0 to 4). ``None`` or blank text removes it. A bad value raises
        ValueError naming the question, and changes nothing."""
        q = self.question(qid)
        if value is None or (isinstance(value, str) and not value.strip()):
            self._answers.pop(q.id, None)
            return
        try:
            self._answers[q.id] = rd.parse_answer(value)
        except ValueError as err:
            raise ValueError(f"{q.id}: {err}") from None

    def clear(self) -> None:
        self._answers.clear()

    @property
    def answers(self) -> dict[str, int]:
        """The answers so far, in question order."""
        return {qid: self._answers[qid] for qid in self.ids if qid in self._answers}

    @property
    def answered(self) -> list[str]:
        return [qid for qid in self.ids if qid in self._answers]

    @property
    def unanswered(self) -> list[str]:
        return [qid for qid in self.ids if qid not in self._answers]

    @property
    def progress(self) -> float:
        """Share of questions answered, from 0 to 1."""
        return len(self._answers) / len(self.questions)

    def progress_text(self) -> str:
        done, total = len(self._answers), len(self.questions)
        if done == total:
            return f"All {total} questions answered. Press “Score my answers” to see your result."
        left = self.unanswered
        shown = ", ".join(left[:10]) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        return f"{done} of {total} questions answered. Still to answer: {shown}."

    @property
    def is_complete(self) -> bool:
        return not self.unanswered

    def result(self) -> rd.Result:
        """Score the answers. Raises ValueError naming the unanswered questions when some are left."""
        if not self.is_complete:
            left = self.unanswered
            raise ValueError(
                f"You have answered {len(self._answers)} of {len(self.questions)} questions. Your result "
                f"appears when every question has an answer. Still to answer: {', '.join(left)}."
            )
        return rd.score(self.answers, self.questions)

    def load_answers(self, answers: Any) -> list[str]:
        """Fill in answers from a dict (a saved draft or attempt). Returns messages for entries that
        were skipped (unknown ids, bad values); the rest are kept."""
        if not isinstance(answers, Mapping):
            return ["Your saved answers were not in the expected form, so the questions start empty."]
        skipped = []
        for key, value in answers.items():
            qid = next((i for i in self.ids if i.upper() == str(key).strip().upper()), None)
            if qid is None:
                skipped.append(f"skipped a saved answer for {key!r}: there is no such question now")
                continue
            try:
                self.set_answer(qid, value)
            except ValueError as err:
                skipped.append(f"skipped a saved answer: {err}")
        return skipped

    # ---- saved work --------------------------------------------------------------------------
    def restore(self) -> list[str]:
        """Bring back your unfinished answers (the draft), or else the answers of your latest attempt.
        Returns messages about anything skipped. Damaged files are moved aside, never lost."""
        self.restored_from = None
        draft = work.load_answer(rd.RESULTS_MODULE, DRAFT_KEY)
        if draft is not None:
            self.clear()
            messages = self.load_answers(draft)
            self.restored_from = "draft"
            return messages
        last = rd.latest()
        if last is not None:
            self.clear()
            messages = self.load_answers(last.get("answers", {}))
            self.restored_from = "attempt"
            return messages
        return []

    def save_draft(self) -> Path:
        """Keep the answers so far in your work folder (they come back after a restart)."""
        return work.save_answer(rd.RESULTS_MODULE, DRAFT_KEY, self.answers)

    def history(self) -> list[dict[str, Any]]:
        return rd.load_history()

    def save(self, when=None, force: bool = False) -> Path | None:
        """Score the answers and add the attempt to your history. Returns the file, or None when the
        answers are the same as your latest attempt's from the same day (unless ``force``)."""
        result = self.result()
        last = rd.latest()
        if not force and last is not None and last.get("answers") == result.answers:
            when_day = (when if when is not None else datetime.now())
            when_day = when_day.date() if isinstance(when_day, datetime) else when_day
            if str(last["taken_at"])[:10] == str(when_day)[:10]:
                return None
        return rd.save_attempt(result, when=when)

    # ---- tables and figures -------------------------------------------------------------------
    def area_table(self, result: rd.Result) -> pd.DataFrame:
        """One row per area: title, score, whether it is a gap, and the module that works on it."""
        rows = []
        for a in rd.AREAS:
            n = sum(1 for q in self.questions if q.area == a)
            rows.append({
                "area": a, "title": rd.AREA_TITLES[a], "questions": n, "score": result.areas[a],
                "gap": "top gap" if a in result.gaps_below_threshold else (
                    "below 60" if rd.is_gap(result.areas[a]) else "no"),
                "module": rd.AREA_MODULES[a],
            })
        return pd.DataFrame(rows).set_index("area")

    def radar_figure(self, result: rd.Result | None = None, previous: Mapping[str, Any] | None = None,
                     title: str | None = None) -> Figure:
        return radar_figure(result if result is not None else self.result(), previous, title)

    def history_figure(self, history: Sequence[Mapping[str, Any]] | None = None, title: str | None = None) -> Figure:
        return history_figure(self.history() if history is None else history, title)

    def result_html(self, result: rd.Result, heading: str, note: str = "") -> str:
        """The result as HTML: total, area table, top gaps, route and summary."""
        table = self.area_table(result)
        gap_words = {"top gap": "yes, a top gap", "below 60": "below 60", "no": "no"}
        rows = "".join(
            f'<tr><th scope="row">{c.esc(r.title)}</th><td>{rd.format_score(r.score)}</td>'
            f"<td>{gap_words[r.gap]}</td><td>{c.esc(r.module)}</td></tr>"
            for r in table.itertuples()
        )
        area_table = (
            '<table class="pmkit-table pmkit-readiness-areas"><caption>Score per area (0–100; a gap is '
            f'below {rd.GAP_THRESHOLD:.0f})</caption><thead><tr><th scope="col">Area</th><th scope="col">'
            'Score</th><th scope="col">Gap?</th><th scope="col">Module</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
        if result.gaps_below_threshold:
            gaps = ", ".join(f"{rd.AREA_TITLES[a]} ({rd.format_score(result.areas[a])})" for a in result.top_gaps)
            gap_line = f"<p><b>Top gaps, weakest first:</b> {c.esc(gaps)}</p>"
        else:
            a = result.top_gaps[0]
            gap_line = (f"<p><b>No area is below {rd.GAP_THRESHOLD:.0f}.</b> Your lowest is "
                        f"{c.esc(rd.AREA_TITLES[a])} ({rd.format_score(result.areas[a])}).</p>")
        route = "".join(
            f"<li><b>Module {c.esc(s.module)} · {c.esc(s.title)}</b>: {c.esc(s.reason)}</li>" for s in result.route
        )
        return (
            f'<div class="pmkit-readiness-result-box"><h3 class="pmkit-readiness-heading">{c.esc(heading)}</h3>'
            + (f'<p class="pmkit-note">{note}</p>' if note else "")
            + f'<p class="pmkit-readiness-total"><b>Readiness score: {rd.format_score(result.total)} out of 100'
            "</b></p>"
            + f'<p class="pmkit-readiness-summary">{c.esc(rd.summary(result))}</p>'
            + area_table + gap_line
            + f'<p><b>Your route through the course</b></p><ol class="pmkit-readiness-route">{route}</ol></div>'
        )


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------
_CSS = """
<style>
.pmkit-readiness-answer label {display: flex !important; align-items: flex-start; height: auto !important;
  line-height: 1.35 !important; white-space: normal !important; padding: 2px 0;}
.pmkit-readiness-answer label input {float: none !important; order: -1; flex: 0 0 auto; margin: 0.15em 8px 0 1px !important;}
.pmkit-readiness-question {border-top: 1px solid #ddd; padding-top: 6px; margin-top: 4px;}
.pmkit-readiness-area h3 {margin: 14px 0 2px 0;}
.pmkit-readiness-route li {margin-bottom: 4px;}
.pmkit-readiness-heading {margin: 6px 0;}
.pmkit-readiness-numbers td {text-align: right !important;}
.pmkit-readiness-numbers td.pmkit-readiness-date {text-align: left !important; white-space: nowrap;}
</style>
"""


def _status(message: str, error: bool = False) -> str:
    cls = "pmkit-error" if error else "pmkit-note"
    return f'<div class="{cls}" role="status">{c.esc(message).replace(chr(10), "<br>")}</div>'


def _example_note() -> str:
    return ("This is <b>not your result</b>. It shows what a result looks like, using the answers Priya Nair "
            "(the case study's product manager) gave a year before she moved from engineering into product. "
            "Answer every question above and press “Score my answers” to see yours.")


def readiness_assessment(questions: Sequence[rd.Question] | None = None, restore: bool = True,
                         autosave: bool = True):
    """The self-assessment as an ipywidgets app: one set of radio buttons per question, a
    “Score my answers” button, a status line and the result (score, table, gaps, route, summary,
    radar chart). Unfinished answers and results are saved in your work folder and come back
    after a restart."""
    import ipywidgets as W

    try:
        model = ReadinessModel(questions)
    except (ValueError, FileNotFoundError) as err:  # DataError is a ValueError
        return c.error_widget(err, "self-assessment")
    messages = model.restore() if restore else []
    history = model.history() if restore else []

    controls: dict[str, Any] = {}
    sections = []
    for area in rd.AREAS:
        items = [q for q in model.questions if q.area == area]
        header = W.HTML(f"<h3>{c.esc(rd.AREA_TITLES[area])}</h3>")
        header.add_class("pmkit-readiness-area")
        boxes = [header]
        for q in items:
            text = W.HTML(f"<p><b>{c.esc(q.id)}.</b> {c.esc(q.question)}</p>")
            text.add_class("pmkit-readiness-question")
            radio = W.RadioButtons(
                options=[(f"{k} · {anchor}", k) for k, anchor in enumerate(q.anchors)],
                value=model.answers.get(q.id), description=f"Your answer to {q.id}", tooltip=q.question,
                style=c.LABEL, layout=W.Layout(width="auto"),
            )
            radio.add_class("pmkit-readiness-answer")
            controls[q.id] = radio
            boxes.append(W.VBox([text, radio]))
        section = W.VBox(boxes)
        section.add_class(f"pmkit-readiness-{area}")
        sections.append(section)

    progress = W.HTML()
    score_button = W.Button(description="Score my answers", icon="check", button_style="primary",
                            tooltip="Work out your readiness score, top gaps and route, and save them")
    clear_button = W.Button(description="Clear my answers", icon="eraser",
                            tooltip="Empty every question (your saved results stay)")
    status = W.HTML()
    result_box = W.HTML()
    radar = W.HTML()
    for w, part in ((progress, "progress"), (score_button, "score"), (clear_button, "clear"),
                    (status, "status"), (result_box, "result"), (radar, "radar")):
        w.add_class(f"pmkit-readiness-{part}")

    busy = {"filling": False}

    def show(result: rd.Result, heading: str, note: str = "", previous: Mapping[str, Any] | None = None):
        result_box.value = c.TABLE_CSS + model.result_html(result, heading, note)
        radar.value = figure_html(radar_figure(result, previous, heading), radar_alt(result, previous, heading),
                                  "pmkit-readiness-radar-image")

    def update_progress():
        progress.value = f'<p class="pmkit-note"><b>Progress:</b> {c.esc(model.progress_text())}</p>'

    def on_answer(qid):
        def handler(change):
            if busy["filling"]:
                return
            try:
                model.set_answer(qid, change["new"])
            except ValueError as err:
                status.value = _status(str(err), error=True)
                return
            update_progress()
            if autosave:
                try:
                    model.save_draft()
                except (OSError, TypeError, ValueError) as err:
                    status.value = _status(f"Your answers could not be saved: {err}", error=True)
        return handler

    for qid, radio in controls.items():
        radio.observe(on_answer(qid), names="value")

    def on_score(_):
        try:
            result = model.result()
        except ValueError as err:
            status.value = _status(str(err), error=True)
            return
        before = model.history()
        previous = before[-1] if before else None
        note = ""
        if autosave:
            try:
                path = model.save()
            except OSError as err:
                status.value = _status(str(err), error=True)
                path = None
            else:
                after = model.history()
                if path is None:
                    status.value = _status("Same answers as your latest attempt today, so nothing new was saved.")
                    previous = after[-2] if len(after) >= 2 else None
                else:
                    where = c.esc(_short(path))
                    status.value = _status(f"Saved as attempt {len(after)} in {_short(path)}.")
                    note = f"Saved in {where}. Retake the assessment in four to six weeks to see your progress."
        heading = f"Your result, {_day(datetime.now().isoformat())}"
        if previous is not None:
            note += f" The dashed line on the chart shows your attempt of {_day(previous['taken_at'])}."
        show(result, heading, note.strip(), previous)

    def on_clear(_):
        busy["filling"] = True
        try:
            for radio in controls.values():
                radio.value = None
        finally:
            busy["filling"] = False
        model.clear()
        update_progress()
        if autosave:
            try:
                model.save_draft()
            except (OSError, TypeError, ValueError) as err:
                status.value = _status(f"Your answers could not be saved: {err}", error=True)
                return
        status.value = _status("All answers cleared. Your saved results are still there.")

    score_button.on_click(on_score)
    clear_button.on_click(on_clear)

    # First view: your latest saved result, or the labelled example.
    notes = []
    if model.restored_from == "draft" and model.answers:
        notes.append(f"Brought back {len(model.answers)} answer(s) you gave earlier.")
    elif model.restored_from == "attempt":
        notes.append("Filled in the answers of your latest attempt. Change any that are different now.")
    notes += messages
    if history:
        last = history[-1]
        previous = history[-2] if len(history) >= 2 else None
        show(rd.Result.from_dict(last), f"Your latest saved result, {_day(last['taken_at'])}",
             f"You have {len(history)} saved attempt(s).", previous)
    else:
        show(example_result(model.questions), EXAMPLE_LABEL, _example_note())
    status.value = _status(" ".join(notes)) if notes else ""
    update_progress()

    intro = W.HTML(
        _CSS + '<p class="pmkit-note">Pick the answer that describes what you have <b>actually done</b>, not '
        "what you could do. Each answer is saved as you go.</p>"
    )
    buttons = W.HBox([score_button, clear_button])
    app = W.VBox([intro, *sections, progress, buttons, status, result_box, radar])
    app.add_class("pmkit-readiness")
    app.model_ = model  # for tests and curious learners
    app.controls_ = controls
    app.buttons_ = {"score": score_button, "clear": clear_button}
    return app


def readiness_history(example_when_empty: bool = True):
    """Your attempts over time: a line chart of the total and each area, and a table. With no saved
    attempt it shows Priya Nair's example history, labelled as an example."""
    import ipywidgets as W

    chart = W.HTML()
    table = W.HTML()
    status = W.HTML()
    refresh = W.Button(description="Refresh", icon="refresh",
                       tooltip="Read your saved attempts again (after you score a new one)")
    for w, part in ((chart, "history-chart"), (table, "history-table"), (status, "history-status"),
                    (refresh, "history-refresh")):
        w.add_class(f"pmkit-readiness-{part}")

    def draw(_=None):
        history = rd.load_history()
        label = "Your readiness over time"
        note = ""
        if not history and example_when_empty:
            history = example_history()
            label = EXAMPLE_HISTORY_LABEL
            note = ("You have no saved attempts yet, so this shows an <b>example</b>, not your history: Priya "
                    "Nair took the assessment three times in the year before her move.")
        elif len(history) == 1:
            note = "You have one saved attempt. Retake the assessment in four to six weeks to draw a line."
        chart.value = figure_html(history_figure(history, label), history_alt(history, label),
                                  "pmkit-readiness-history-image")
        rows = "".join(
            f'<tr><th scope="row">{i}</th><td class="pmkit-readiness-date">{c.esc(_day(a["taken_at"]))}</td>'
            f'<td>{rd.format_score(a["total"])}</td>'
            + "".join(f"<td>{rd.format_score(a['areas'][ar])}</td>" for ar in rd.AREAS)
            + "</tr>"
            for i, a in enumerate(history, start=1)
        )
        heads = "".join(f'<th scope="col" title="{c.esc(rd.AREA_TITLES[a])}">{AREA_SHORT[a]}</th>' for a in rd.AREAS)
        table.value = (
            c.TABLE_CSS + _CSS + '<table class="pmkit-table pmkit-readiness-numbers">'
            f'<caption>{c.esc(label)}</caption><thead><tr><th scope="col">Attempt</th><th scope="col">Date</th>'
            f'<th scope="col">Total</th>{heads}</tr></thead><tbody>{rows}</tbody></table>'
        ) if history else ""
        status.value = f'<p class="pmkit-note">{note}</p>' if note else ""

    refresh.on_click(draw)
    draw()
    app = W.VBox([status, chart, table, refresh])
    app.add_class("pmkit-readiness-history")
    app.add_class("pmkit-readiness")
    return app


def show_result(result: rd.Result | None = None, label: str | None = None):
    """Show a result as HTML: score, summary, area table, gaps, route and radar chart.

    With no ``result``, shows your latest saved attempt (with the one before it on the chart), or
    says that nothing is saved yet. Returns an IPython ``HTML`` object for a notebook cell.
    """
    from IPython.display import HTML

    previous = None
    if result is None:
        history = rd.load_history()
        if not history:
            return HTML('<p class="pmkit-note">You have no saved result yet. Answer every question in the '
                        "self-assessment above and press “Score my answers”; then run this cell again.</p>")
        result = rd.Result.from_dict(history[-1])
        label = label or f"Your latest saved result, {_day(history[-1]['taken_at'])}"
        previous = history[-2] if len(history) >= 2 else None
    label = label or "Self-assessment result"
    body = ReadinessModel().result_html(result, label)
    image = figure_html(radar_figure(result, previous, label), radar_alt(result, previous, label),
                        "pmkit-readiness-radar-image")
    return HTML(f'<div class="pmkit-readiness pmkit-readiness-static">{c.TABLE_CSS}{body}{image}</div>')


def _short(path: Path) -> str:
    from ..paths import REPO_ROOT

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
