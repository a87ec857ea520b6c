"""Module 05's widgets: a live writing coach, and a before/after view of the writing samples.

``WritingCoachModel`` and ``BeforeAfterModel`` hold the state and build the HTML (no ipywidgets
import); ``writing_coach()`` and ``before_after()`` are the thin ipywidgets views on top.

Both views are filled when they are built, so the static book (no kernel) shows a real scorecard
and a highlighted draft. Every flagged span is marked by a line style and a tag letter, with a key,
so colour is never the only carrier of meaning. The learner's text is always HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import writing as wr
from . import _common as c

DEFAULT_SAMPLE = "W01"
OWN_DRAFT = ""  # the sample dropdown's value for "my own draft"


def _samples(samples: Sequence[wr.Sample] | None) -> list[wr.Sample]:
    found = list(samples) if samples is not None else wr.load_samples()
    if not found:
        raise ValueError("There are no writing samples to show.")
    return found


class WritingCoachModel:
    """State of the writing coach: a draft, an audience, and the scorecard for them.

    Starts from a writing sample (by default W01, Tomás's design doc for the CEO) unless ``text``
    is given. ``set_text`` and ``set_audience`` change the state; ``scorecard()`` is computed once
    per change and cached.
    """

    def __init__(self, text: str | None = None, audience: str | None = None,
                 samples: Sequence[wr.Sample] | None = None, sample_id: str | None = DEFAULT_SAMPLE,
                 max_chars: int = 20_000):
        self.samples = _samples(samples)
        self._by_id = {s.id: s for s in self.samples}
        self.max_chars = max_chars
        self.sample_id = OWN_DRAFT
        self.text = ""
        self.audience = wr.AUDIENCES["executive"]
        if text is None and sample_id:
            self.load_sample(sample_id)
        else:
            self.text = wr._as_text(text)
        if audience is not None:
            self.set_audience(audience)
        self._card: wr.Scorecard | None = None

    # ---- state --------------------------------------------------------------------------------
    @property
    def audience_options(self) -> list[tuple[str, str]]:
        return [(f"{a.name}: {a.reader}", a.key) for a in wr.AUDIENCES.values()]

    @property
    def sample_options(self) -> list[tuple[str, str]]:
        return [("My own draft", OWN_DRAFT)] + [(s.label(), s.id) for s in self.samples]

    def set_text(self, text) -> None:
        """Replace the draft (anything: ``None`` and ``...`` count as empty)."""
        text = wr._as_text(text)
        if text != self.text:
            self.text = text
            if self.sample_id and self.text not in (self._by_id[self.sample_id].text,
                                                    self._by_id[self.sample_id].reference_rewrite):
                self.sample_id = OWN_DRAFT
            self._card = None

    def set_audience(self, audience) -> None:
        """Pick the reader: a key of :data:`pmkit.writing.AUDIENCES`. Unknown keys raise ValueError."""
        self.audience = wr._audience(audience)
        self._card = None

    def load_sample(self, sample_id: str, rewrite: bool = False) -> None:
        """Put a sample's engineering original (or its reference rewrite) in the draft, and pick the
        sample's audience."""
        if sample_id not in self._by_id:
            raise ValueError(f"There is no writing sample {sample_id!r}. Choose one of {', '.join(self._by_id)}.")
        sample = self._by_id[sample_id]
        self.text = sample.reference_rewrite if rewrite else sample.text
        self.audience = wr.AUDIENCES[sample.audience]
        self.sample_id = sample_id
        self._card = None

    def start_own_draft(self) -> None:
        """Empty the draft so that the learner can paste their own (the samples stay in the dataset)."""
        self.text = ""
        self.sample_id = OWN_DRAFT
        self._card = None

    # ---- results ------------------------------------------------------------------------------
    def scorecard(self) -> wr.Scorecard:
        if self._card is None:
            self._card = wr.scorecard(self.text, self.audience)
        return self._card

    def summary_html(self) -> str:
        card = self.scorecard()
        source = ""
        if self.sample_id:
            s = self._by_id[self.sample_id]
            source = (f'<p class="pmkit-note">Draft: sample {c.esc(s.id)}, “{c.esc(s.title)}”, by '
                      f"{c.esc(s.author or 'an engineer')}, for {c.esc(s.reader or card.audience.name)}.</p>")
        return source + f'<p class="pmkit-writingcoach-summary-text"><b>{c.esc(card.summary())}</b></p>'

    def table_html(self) -> str:
        return wr.HIGHLIGHT_CSS + wr.scorecard_html(self.scorecard(), "pmkit-writingcoach", summary=False)

    def draft_html(self) -> str:
        card = self.scorecard()
        return (wr.HIGHLIGHT_CSS + wr.legend_html()
                + wr.highlight_html(card.text, card.flags, max_chars=self.max_chars))

    def html(self) -> str:
        """Everything the view shows below the controls, as one HTML string."""
        return self.summary_html() + self.table_html() + self.draft_html()


class BeforeAfterModel:
    """A writing sample's engineering original next to its reference rewrite, both scored for the
    sample's reader."""

    def __init__(self, samples: Sequence[wr.Sample] | None = None, sample_id: str | None = None):
        self.samples = _samples(samples)
        self._by_id = {s.id: s for s in self.samples}
        self.sample_id = self.samples[0].id
        self._cards: dict[str, tuple[wr.Scorecard, wr.Scorecard]] = {}
        if sample_id is not None:
            self.select(sample_id)

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(s.label(), s.id) for s in self.samples]

    @property
    def sample(self) -> wr.Sample:
        return self._by_id[self.sample_id]

    def select(self, sample_id: str) -> None:
        if sample_id not in self._by_id:
            raise ValueError(f"There is no writing sample {sample_id!r}. Choose one of {', '.join(self._by_id)}.")
        self.sample_id = sample_id

    def cards(self) -> tuple[wr.Scorecard, wr.Scorecard]:
        if self.sample_id not in self._cards:
            s = self.sample
            self._cards[self.sample_id] = (wr.scorecard(s.text, s.audience),
                                           wr.scorecard(s.reference_rewrite, s.audience))
        return self._cards[self.sample_id]

    def before(self) -> wr.Scorecard:
        return self.cards()[0]

    def after(self) -> wr.Scorecard:
        return self.cards()[1]

    def comparison(self) -> pd.DataFrame:
        """One row per check: the result and the measurement before and after."""
        before, after = self.cards()
        rows = []
        for b, a in zip(before.checks, after.checks):
            rows.append({"check": b.title, "original": b.status, "original measured": b.measured,
                         "rewrite": a.status, "rewrite measured": a.measured})
        return pd.DataFrame(rows).set_index("check")

    def comparison_html(self) -> str:
        before, after = self.cards()
        sym = {True: "✓ pass", False: "✗ fix", None: "• note"}
        out = ['<table class="pmkit-scorecard pmkit-beforeafter-table">',
               f"<caption>Checks for {c.esc(wr._a(self.sample.audience))} reader: original "
               f"{before.score[0]} of {before.score[1]}, rewrite {after.score[0]} of {after.score[1]}</caption>",
               '<thead><tr><th scope="col">Check</th><th scope="col">Original</th><th scope="col">Rewrite</th></tr>'
               "</thead><tbody>"]
        for b, a in zip(before.checks, after.checks):
            out.append(f'<tr data-check="{c.esc(b.id)}"><th scope="row">{c.esc(b.title)}</th>'
                       f'<td class="pmkit-result-{b.status}">{sym[b.passed]}: {c.esc(b.measured)}</td>'
                       f'<td class="pmkit-result-{a.status}">{sym[a.passed]}: {c.esc(a.measured)}</td></tr>')
        out.append("</tbody></table>")
        return "".join(out)

    def panel_html(self, which: str) -> str:
        """One side: "original" or "rewrite", with its reading numbers and highlighted text."""
        if which not in ("original", "rewrite"):
            raise ValueError("Choose 'original' or 'rewrite'.")
        card = self.before() if which == "original" else self.after()
        s = self.sample
        heading = (f"Engineering original, by {s.author}" if which == "original" and s.author else
                   "Engineering original" if which == "original" else "Reference rewrite")
        r = card.readability
        return (wr.HIGHLIGHT_CSS
                + f'<div class="pmkit-beforeafter-{which}-panel"><p class="pmkit-beforeafter-heading">'
                + f"<b>{c.esc(heading)}</b></p>"
                + f'<p class="pmkit-note">{r.words} words · reading ease {r.reading_ease:.0f} ({c.esc(r.band)}) · '
                + f"grade {r.grade:.1f} · {card.score[0]} of {card.score[1]} checks pass</p>"
                + wr.highlight_html(card.text, card.flags) + "</div>")

    def header_html(self) -> str:
        s = self.sample
        return (f'<p><b>{c.esc(s.id)} · {c.esc(s.title)}</b> ({c.esc(s.kind)}). Written for: '
                f"{c.esc(s.reader or wr.AUDIENCES[s.audience].name)}.</p>")

    def notes_html(self) -> str:
        return f'<p class="pmkit-note"><b>What changed and why.</b> {c.esc(self.sample.notes)}</p>'


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------
def writing_coach(text: str | None = None, audience: str | None = None, sample: str | None = DEFAULT_SAMPLE):
    """The writing coach: paste a draft, pick the reader, see the scorecard and the marked draft.

    Starts with a writing sample so that something useful shows before you type. Choose "My own
    draft" in the sample list, or just edit the text, then press "Check draft" (the box also updates
    when you click outside it).
    """
    import ipywidgets as W

    try:
        model = WritingCoachModel(text=text, audience=audience, sample_id=sample)
    except ValueError as err:  # DataError is a ValueError
        return c.error_widget(err, "writing coach")

    sample_pick = W.Dropdown(options=model.sample_options, value=model.sample_id, description="Start from a sample",
                             style=c.LABEL, layout=W.Layout(width="640px"))
    audience_pick = W.Dropdown(options=model.audience_options, value=model.audience.key, description="Audience",
                               style=c.LABEL, layout=W.Layout(width="640px"))
    draft = W.Textarea(value=model.text, description="Your draft", placeholder="Paste or type your draft here.",
                       continuous_update=False, style=c.LABEL, layout=W.Layout(width="98%", height="13em"))
    check = W.Button(description="Check draft", icon="check", tooltip="Score the draft for the chosen audience")
    status = W.HTML()
    summary = W.HTML()
    table = W.HTML()
    marked = W.HTML()

    parts = ((sample_pick, "sample"), (audience_pick, "audience"), (draft, "draft"), (check, "check"),
             (status, "status"), (summary, "summary"), (table, "scorecard"), (marked, "highlighted"))
    for widget, part in parts:
        widget.add_class(f"pmkit-writingcoach-{part}")

    busy = {"filling": False}

    def refresh(note: str = "") -> None:
        summary.value = model.summary_html()
        table.value = model.table_html()
        marked.value = model.draft_html()
        status.value = note

    def on_text(change) -> None:
        if busy["filling"]:
            return
        model.set_text(change["new"])
        if sample_pick.value != model.sample_id:
            busy["filling"] = True
            sample_pick.value = model.sample_id
            busy["filling"] = False
        refresh()

    def on_check(_) -> None:
        model.set_text(draft.value)
        refresh()

    def on_audience(change) -> None:
        if busy["filling"]:
            return
        try:
            model.set_audience(change["new"])
        except ValueError as err:
            status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
            return
        refresh()

    def on_sample(change) -> None:
        if busy["filling"]:
            return
        if not change["new"]:  # "My own draft": an empty box to paste into
            model.start_own_draft()
            busy["filling"] = True
            draft.value = ""
            busy["filling"] = False
            refresh('<span class="pmkit-note">Paste or type your draft, then press “Check draft”.</span>')
            return
        model.load_sample(change["new"])
        busy["filling"] = True
        draft.value = model.text
        audience_pick.value = model.audience.key
        busy["filling"] = False
        refresh('<span class="pmkit-note">Loaded the engineering original. '
                "Edit it, then press “Check draft”.</span>")

    draft.observe(on_text, names="value")
    audience_pick.observe(on_audience, names="value")
    sample_pick.observe(on_sample, names="value")
    check.on_click(on_check)
    refresh()

    app = W.VBox([
        W.HTML("<b>Writing coach</b>: the scorecard and marks update when you press “Check draft”."),
        sample_pick, audience_pick, draft, W.HBox([check, status]), summary, table, marked,
    ])
    app.add_class("pmkit-writingcoach")
    app.model_ = model  # for tests and curious learners
    return app


def before_after(sample: str | None = None):
    """Pick a writing sample: its engineering original and the reference rewrite, side by side,
    each scored for the sample's reader."""
    import ipywidgets as W

    try:
        model = BeforeAfterModel(sample_id=sample)
    except ValueError as err:
        return c.error_widget(err, "before/after comparison")

    pick = W.Dropdown(options=model.options, value=model.sample_id, description="Sample", style=c.LABEL,
                      layout=W.Layout(width="640px"))
    header = W.HTML()
    table = W.HTML()
    original = W.HTML(layout=W.Layout(width="49%"))
    rewrite = W.HTML(layout=W.Layout(width="49%"))
    notes = W.HTML()
    for widget, part in ((pick, "sample"), (header, "header"), (table, "table"), (original, "original"),
                         (rewrite, "rewrite"), (notes, "notes")):
        widget.add_class(f"pmkit-beforeafter-{part}")

    def refresh(*_):
        model.select(pick.value)
        header.value = model.header_html()
        table.value = wr.HIGHLIGHT_CSS + model.comparison_html()
        original.value = model.panel_html("original")
        rewrite.value = model.panel_html("rewrite")
        notes.value = model.notes_html() + wr.legend_html()

    pick.observe(refresh, names="value")
    refresh()
    app = W.VBox([pick, header, table, W.HBox([original, rewrite]), notes])
    app.add_class("pmkit-beforeafter")
    app.model_ = model
    return app
