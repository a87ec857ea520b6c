"""The spec review: read a draft spec sentence by sentence and mark the gaps.

``SpecReviewModel`` holds the learner's marks (one kind of gap, or none, per sentence, plus one
for something the spec leaves out entirely), checks them with
:func:`pmkit.transfer.check_spec_review` and saves them to the learner's work folder.
``spec_review()`` builds the ipywidgets view: every sentence with a labelled dropdown, a Check
button, a Show answers button and a feedback area. The spec and the legend are drawn when the
view is built, so the static book shows them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import transfer as tr
from .. import work
from ..feedback import Feedback
from . import _common as c

NO_GAP = "no gap"
SAVE_PREFIX = "spec_review"

_LABEL = {"description_width": "6.5em"}   # the same for every row, so the dropdowns line up
CSS = """
<style>
.pmkit-specreview-spec {max-width: 60em;}
.pmkit-specreview-spec h4 {margin: 0.8em 0 0.2em 0; font-size: 1em;}
.pmkit-specreview-title {font-size: 1.1em; margin: 0.4em 0 0.2em 0;}
.pmkit-specreview-section {margin: 0.7em 0 0.1em 0;}
.pmkit-specreview-legend dt {font-weight: bold; float: left; clear: left; width: 9em;}
.pmkit-specreview-legend dd {margin-left: 9.5em; margin-bottom: 0.15em;}
.pmkit-specreview-mark {font-weight: bold; white-space: nowrap;}
</style>
"""


class SpecReviewModel:
    """State of one spec review.

    ``spec`` is a spec name (``"swap_autoapprove"``, ``"payroll_overtime"``) or a loaded
    :class:`pmkit.transfer.Spec`; ``gaps`` and ``notes`` default to the course's answer key.
    Marks are kept per sentence id, plus :data:`pmkit.transfer.MISSING` for something the spec
    leaves out entirely.
    """

    def __init__(self, spec: str | tr.Spec = "swap_autoapprove", gaps: pd.DataFrame | None = None,
                 notes: pd.DataFrame | None = None):
        self.review = tr._review(spec, gaps, notes)   # validated; DataError with every problem
        self.spec = self.review.spec
        self.keys = self.spec.ids + [tr.MISSING]
        self.marks: dict[str, str | None] = {key: None for key in self.keys}
        self.history: list[tuple[str, str | None, str | None]] = []
        self.revealed = False

    # ---- state -------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def options(self) -> list[tuple[str, str]]:
        """Dropdown choices: (label, value); the value is "no gap" or a kind of gap."""
        return [(NO_GAP, NO_GAP)] + [(kind, kind) for kind in tr.CATEGORIES]

    def _key(self, sentence_id: Any) -> str:
        key = tr._sentence_key(sentence_id, self.spec)
        if key not in self.keys:
            raise ValueError(f"There is no sentence {sentence_id!r} in this spec; it runs from S1 to "
                             f"S{len(self.spec.ids)}. Use '{tr.MISSING}' for something the spec leaves out.")
        return key

    def set_mark(self, sentence_id: Any, kind: Any) -> None:
        """Mark a sentence with a kind of gap, or clear it with None or "no gap".
        Invalid input raises ValueError and changes nothing."""
        key = self._key(sentence_id)
        text = "" if kind is None else str(kind).strip()
        if text.lower() in ("", NO_GAP):
            value = None
        else:
            value = tr.normalise_category(text)
            if value is None:
                raise ValueError(f"{kind!r} is not a kind of gap. Choose one of: {NO_GAP}, "
                                 f"{', '.join(tr.CATEGORIES)}.")
        before = self.marks[key]
        self.marks[key] = value
        self.history.append((key, before, value))

    def mark(self, sentence_id: Any) -> str | None:
        return self.marks[self._key(sentence_id)]

    def marked(self) -> dict[str, str]:
        """The marks in the form :func:`pmkit.transfer.check_spec_review` takes."""
        return {key: value for key, value in self.marks.items() if value is not None}

    def reset(self) -> None:
        for key in self.keys:
            self.marks[key] = None
        self.revealed = False

    # ---- results -----------------------------------------------------------------------------
    def check(self, reveal: bool = False) -> Feedback:
        self.revealed = self.revealed or reveal
        return tr.check_spec_review(self.marked(), self.review.spec, reveal=reveal, gaps=self.review.gaps,
                                    notes=_notes_frame(self.review))

    def found(self) -> list[str]:
        """Gap ids the current marks find (the same rule as :func:`pmkit.transfer.found_gaps`)."""
        return tr._verdict(tr.parse_marks(self.marked(), self.review), self.review).found

    def progress(self) -> str:
        n = sum(1 for key in self.spec.ids if self.marks[key])
        whole = self.marks[tr.MISSING]
        text = f"You have marked {n} of {len(self.spec.ids)} sentences"
        text += f", and marked something missing from the whole spec ({whole})." if whole else "."
        if n >= tr._flag_all_limit(self.spec):
            text += " That is nearly every sentence: most of them are sound."
        return text

    def legend_html(self) -> str:
        items = "".join(f"<dt>{c.esc(kind)}</dt><dd>{c.esc(help_)}</dd>" for kind, help_ in tr.CATEGORY_HELP.items())
        return (f'<dl class="pmkit-specreview-legend" aria-label="Kinds of gap">{items}'
                f"<dt>{NO_GAP}</dt><dd>the sentence is sound as it stands</dd></dl>")

    def spec_html(self) -> str:
        """The whole spec as HTML, each sentence with the learner's current mark in words."""
        parts = [f'<div class="pmkit-specreview-spec"><h3>{c.esc(self.title)}</h3>']
        parts += [f'<p class="pmkit-note">{c.esc(line)}</p>' for line in self.spec.preamble]
        for section, sentences in self.spec.sections():
            if section:
                parts.append(f"<h4>{c.esc(section)}</h4>")
            parts.append("<ol style='list-style:none;padding-left:0'>")
            for s in sentences:
                parts.append(f"<li data-sentence='{s.id}'>{self.sentence_html(s.id)}</li>")
            parts.append("</ol>")
        parts.append("</div>")
        return "".join(parts)

    def sentence_html(self, sentence_id: str) -> str:
        s = self.spec.sentence(sentence_id)
        mark = self.marks[s.id]
        badge = (f' <span class="pmkit-specreview-mark" title="your mark">[marked: {c.esc(mark)}]</span>'
                 if mark else "")
        return f"<strong>{s.id}.</strong> {c.esc(s.text)}{badge}"

    # ---- saving ------------------------------------------------------------------------------
    @property
    def save_key(self) -> str:
        return f"{SAVE_PREFIX}.{self.spec.name}"

    def to_json(self) -> dict:
        return {"marks": self.marked(), "revealed": self.revealed}

    def apply_json(self, data: Any) -> list[str]:
        """Restore saved marks; returns a message for each entry that no longer applies."""
        skipped: list[str] = []
        if not isinstance(data, dict) or not isinstance(data.get("marks", {}), dict):
            return ["Your saved review was not in the expected form; starting with a clean spec."]
        for key, value in data.get("marks", {}).items():
            try:
                self.set_mark(key, value)
            except (TypeError, ValueError) as err:
                skipped.append(f"skipped a saved mark ({key!r}: {value!r}): {err}")
        self.revealed = bool(data.get("revealed", False))
        self.history.clear()
        return skipped

    def save(self) -> Path:
        return work.save_answer(tr.MODULE, self.save_key, self.to_json())

    def load(self) -> list[str]:
        data = work.load_answer(tr.MODULE, self.save_key)
        return [] if data is None else self.apply_json(data)


def _notes_frame(review) -> pd.DataFrame:
    return pd.DataFrame({"spec": review.spec.name, "sentence_id": list(review.notes),
                         "why_no_gap": list(review.notes.values())}, columns=list(tr.NOTE_COLUMNS))


# --------------------------------------------------------------------------------------------
# View
# --------------------------------------------------------------------------------------------
def spec_review(spec: str | tr.Spec = "swap_autoapprove", restore: bool = True, autosave: bool = True):
    """The spec review as an ipywidgets app: every sentence with a dropdown for the kind of gap
    you see in it, one more for what the whole spec leaves out, and Check / Show answers / Reset
    buttons. With ``autosave`` your marks are saved in ``my-work/`` and restored next time."""
    import ipywidgets as W

    try:
        model = SpecReviewModel(spec)
    except (ValueError, OSError) as err:   # DataError is a ValueError
        return c.error_widget(err, "spec review")
    messages = model.load() if restore else []

    rows = []
    dropdowns: dict[str, Any] = {}
    texts: dict[str, Any] = {}
    rows.append(W.HTML(CSS + f'<p class="pmkit-specreview-title"><strong>{c.esc(model.title)}</strong></p>'
                       + "".join(f'<p class="pmkit-note">{c.esc(line)}</p>' for line in model.spec.preamble)))
    for section, sentences in model.spec.sections():
        if section:
            rows.append(W.HTML(f'<p class="pmkit-specreview-section"><strong>{c.esc(section)}</strong></p>'))
        for s in sentences:
            text = W.HTML(model.sentence_html(s.id), layout=W.Layout(width="64%"))
            text.add_class("pmkit-specreview-sentence")
            pick = W.Dropdown(options=model.options, value=model.mark(s.id) or NO_GAP,
                              description=f"{s.id} gap", style=_LABEL, layout=W.Layout(width="250px"))
            pick.add_class("pmkit-specreview-pick")
            dropdowns[s.id], texts[s.id] = pick, text
            rows.append(W.HBox([text, pick], layout=W.Layout(align_items="center")))
    missing_text = W.HTML("<strong>Missing from the whole spec:</strong> something no sentence says at all.",
                          layout=W.Layout(width="64%"))
    missing_text.add_class("pmkit-specreview-sentence")
    missing = W.Dropdown(options=model.options, value=model.mark(tr.MISSING) or NO_GAP,
                         description="Whole spec gap", style=_LABEL, layout=W.Layout(width="250px"))
    missing.add_class("pmkit-specreview-missing")
    dropdowns[tr.MISSING] = missing
    rows.append(W.HBox([missing_text, missing], layout=W.Layout(align_items="center")))

    check = W.Button(description="Check my review", button_style="primary", icon="check",
                     tooltip="Compare your marks with the answer key (hints for what you missed)")
    reveal = W.Button(description="Show answers", icon="eye", tooltip="Show every gap and a better version")
    reset = W.Button(description="Reset", icon="undo", tooltip="Clear every mark")
    status = W.HTML()
    feedback = W.HTML()
    legend = W.HTML("<details><summary><b>The kinds of gap</b></summary>" + model.legend_html() + "</details>")
    for w, cls in ((check, "check"), (reveal, "reveal"), (reset, "reset"), (status, "status"),
                   (feedback, "feedback"), (legend, "legend")):
        w.add_class(f"pmkit-specreview-{cls}")

    busy = {"filling": False}

    def saved_note() -> str:
        if not autosave:
            return ""
        try:
            path = model.save()
        except OSError as err:
            return f'<span class="pmkit-error">Not saved: {c.esc(err)}</span>'
        return f'<span class="pmkit-note">Saved in {c.esc(_short(path))}.</span>'

    def on_pick(key):
        def handler(change):
            if busy["filling"]:
                return
            try:
                model.set_mark(key, change["new"])
            except ValueError as err:
                status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                return
            if key in texts:
                texts[key].value = model.sentence_html(key)
            status.value = f'<span class="pmkit-note">{c.esc(model.progress())}</span> ' + saved_note()
        return handler

    for key, pick in dropdowns.items():
        pick.observe(on_pick(key), names="value")

    def show(result: Feedback):
        feedback.value = result._repr_html_()

    def on_check(_):
        show(model.check(reveal=False))

    def on_reveal(_):
        show(model.check(reveal=True))
        saved_note()

    def on_reset(_):
        model.reset()
        busy["filling"] = True
        try:
            for key, pick in dropdowns.items():
                pick.value = NO_GAP
                if key in texts:
                    texts[key].value = model.sentence_html(key)
        finally:
            busy["filling"] = False
        feedback.value = _start_text()
        status.value = f'<span class="pmkit-note">{c.esc(model.progress())}</span> ' + saved_note()

    check.on_click(on_check)
    reveal.on_click(on_reveal)
    reset.on_click(on_reset)

    note = f'<span class="pmkit-note">{c.esc(model.progress())}</span>'
    if model.marked():
        note = (f'<span class="pmkit-note">Restored the marks you saved earlier. {c.esc(model.progress())} '
                "Press Reset to start again.</span>")
    if messages:
        note += "".join(f'<br><span class="pmkit-error">{c.esc(m)}</span>' for m in messages)
    status.value = note
    feedback.value = _start_text()

    intro = W.HTML('<p class="pmkit-note">Read each sentence. If it has a gap, pick the kind of gap in its '
                   "dropdown; leave sound sentences at “no gap”. Then press <b>Check my review</b>.</p>")
    app = W.VBox([intro, legend, W.VBox(rows), W.HBox([check, reveal, reset]), status, feedback])
    app.add_class("pmkit-specreview")
    app.model_ = model  # for tests and curious learners
    return app


def _start_text() -> str:
    return ('<div class="pmkit-feedback" role="status"><p>Feedback appears here when you press '
            "<b>Check my review</b>. Missed gaps get a hint first; <b>Show answers</b> shows every gap "
            "with a better version.</p></div>")


def _short(path: Path) -> str:
    from ..paths import REPO_ROOT

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
