"""Module 06's apps: the path chooser, the CIRCLES and STAR builders, and the calibration trainer.

Each app is a **model** (plain Python: state, validation, tables, figures; tested without a
browser) and a **view** function that wires ipywidgets controls to it:

* :class:`PathChooserModel` / :func:`path_chooser` (CSS root ``pmkit-paths``)
* :class:`CirclesModel` / :func:`circles_builder` (``pmkit-circles``)
* :class:`StarModel` / :func:`star_builder` (``pmkit-star``)
* :class:`CalibrationModel` / :func:`calibration_trainer` (``pmkit-calibration``)

Every view is filled in when it is built, so the static book (no kernel) shows a meaningful
picture: the chooser with an example profile and its recommendation, the calibration trainer
with an example attempt that is labelled as an example. Figures are PNG images with alt text.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import career, interview, work
from ..feedback import Feedback
from . import _common as c

MODULE = career.MODULE
CHOOSER_KEY = "path_chooser"        # the chooser's last inputs (restored next time)
PATH_CHOICE_KEY = "path_choice"     # the record Module 07 reads
CIRCLES_KEY = "circles_answer"
STAR_KEY = "star_story"

#: Short readouts for the 0-4 sliders (the full wording is in pmkit.career.SCALE_WORDS).
SLIDER_WORDS = {
    "reset_appetite": ("none", "a little", "some", "a lot", "any reset"),
    "allies": ("nobody yet", "one contact", "a few", "a sponsor", "a PM manager"),
    "pm_evidence": ("none yet", "a little", "some", "a lot", "a portfolio"),
}

PATH_COLOURS = {"internal": c.BLUE, "apm": c.ORANGE, "external": c.GREEN}
PATH_HATCHES = {"internal": "", "apm": "..", "external": "//"}

CSS = """
<style>
.pmkit-career-table {border-collapse: collapse; font-size: 0.85em; margin: 0.3em 0;}
.pmkit-career-table th, .pmkit-career-table td {padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left;}
.pmkit-career-table td.num, .pmkit-career-table th.num {text-align: right;}
.pmkit-career-table caption {text-align: left; font-weight: bold; padding-bottom: 4px;}
.pmkit-career-table tr.pmkit-total td, .pmkit-career-table tr.pmkit-total th {font-weight: bold; border-top: 2px solid #444;}
.pmkit-example {border: 2px dashed #999; padding: 0.3em 0.8em; margin: 0.4em 0;}
.pmkit-example-label {font-weight: bold; text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.8em;}
.pmkit-prompt {font-size: 0.85em; color: #333; margin: 0.4em 0 0.1em 0;}
</style>
"""


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------
def figure_html(fig: Figure, alt: str, css_class: str = "pmkit-figure") -> str:
    """A matplotlib figure as an ``<img>`` with alt text (a PNG inside the page)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<figure class="{c.esc(css_class)}" style="margin:0.3em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{c.esc(alt)}" style="max-width:100%"></figure>')


class Picture:
    """A figure with alt text, for a notebook cell: ``Picture(fig, "what it shows")``."""

    def __init__(self, fig: Figure, alt: str):
        self.html = figure_html(fig, alt)
        self.alt = alt

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"[figure: {self.alt}]"


def _title(name: str) -> str:
    """Capitalise the first letter only ("APM programme" stays as it is)."""
    return name[:1].upper() + name[1:]


def _feedback_html(fb: Feedback) -> str:
    return fb._repr_html_()


# =============================================================================================
# Path chooser
# =============================================================================================
class PathChooserModel:
    """State of the path chooser: the six inputs, and what the model makes of them.

    ``inputs`` defaults to :data:`pmkit.career.EXAMPLE_PROFILE` (Priya's situation). Invalid
    changes raise ``ValueError`` and change nothing.
    """

    def __init__(self, inputs: Mapping[str, Any] | None = None):
        self.is_example = inputs is None
        self.inputs = career.validate_inputs(dict(career.EXAMPLE_PROFILE if inputs is None else inputs))
        self.notes: list[str] = []
        self._rec: career.Recommendation | None = None

    # ---- state -------------------------------------------------------------------------------
    def set_input(self, key: str, value: Any) -> None:
        if key not in career.INPUTS:
            raise ValueError(f"{key!r} is not an input; the inputs are {', '.join(career.INPUTS)}.")
        self.inputs = career.validate_inputs({**self.inputs, key: value})
        self.is_example = False
        self._rec = None

    def set_inputs(self, values: Mapping[str, Any]) -> None:
        self.inputs = career.validate_inputs({**self.inputs, **dict(values)})
        self.is_example = False
        self._rec = None

    def prefill(self, latest: Any = ...) -> str:
        """Take what the Module 00 self-assessment can tell (see :func:`pmkit.career.prefill_from_readiness`)."""
        values, message = career.prefill_from_readiness(latest)
        if values:
            self.set_inputs(values)
        return message

    # ---- results -----------------------------------------------------------------------------
    def recommendation(self) -> career.Recommendation:
        if self._rec is None:
            self._rec = career.recommend(self.inputs)
        return self._rec

    def sensitivity(self) -> pd.DataFrame:
        return career.sensitivity(self.inputs)

    def record(self, chosen: str | None = None, justification: str = "") -> dict[str, Any]:
        """The "path_choice" record for these inputs (chosen defaults to the recommendation)."""
        rec = self.recommendation()
        pid = career.path_id(chosen) if chosen else rec.path
        out = rec.to_dict()
        out.update({"chosen": pid or rec.path, "chosen_name": career.PATH_NAMES[pid or rec.path],
                    "justification": justification})
        return out

    def summary_html(self) -> str:
        rec = self.recommendation()
        parts = []
        if self.is_example:
            parts.append('<p class="pmkit-example-label">Example: Priya Nair\'s situation when she asked to move '
                         "into product. Change the controls to describe yours.</p>")
        parts.append(f"<p><b>Recommended: {c.esc(rec.path_name)}</b> ({rec.scores[rec.path]:.0f} of 100; "
                     f"next: {c.esc(career.PATH_NAMES[rec.runner_up])}, {rec.scores[rec.runner_up]:.0f}).</p>")
        parts.append("<ul>" + "".join(f"<li>{c.esc(r)}</li>" for r in rec.reasons + rec.caveats) + "</ul>")
        return "".join(parts)

    def contributions_html(self) -> str:
        rec = self.recommendation()
        heads = "".join(
            f'<th scope="col" class="num">{c.esc(_title(career.PATH_NAMES[p]))}'
            + (" ★ (recommended)" if p == rec.path else "") + "</th>" for p in career.PATH_IDS)
        rows = []
        for key in career.INPUTS:
            cells = "".join(f'<td class="num">{rec.contributions.at[key, p]:.1f}</td>' for p in career.PATH_IDS)
            rows.append(f'<tr><th scope="row">{c.esc(career.INPUT_LABELS[key])}</th>'
                        f"<td>{c.esc(career.describe_input(key, self.inputs[key]))}</td>{cells}</tr>")
        total = "".join(f'<td class="num">{rec.scores[p]:.1f}</td>' for p in career.PATH_IDS)
        rows.append(f'<tr class="pmkit-total"><th scope="row">Score (out of 100)</th><td></td>{total}</tr>')
        return (f'<table class="pmkit-career-table pmkit-paths-contrib-table"><caption>Where each route\'s points '
                f'come from</caption><thead><tr><th scope="col">Input</th><th scope="col">Your answer</th>{heads}'
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def whatif_html(self) -> str:
        table = self.sensitivity()
        base = self.recommendation()
        heads = "".join(f'<th scope="col" class="num">{c.esc(_title(career.PATH_NAMES[p]))}</th>'
                        for p in career.PATH_IDS)
        rows = []
        for _, r in table.iterrows():
            if r["changes_answer"]:
                verdict = f"<strong>⚠ yes: {c.esc(career.PATH_NAMES[r['recommended']])}</strong>"
            else:
                verdict = f"no (lead {r['lead']:.1f})"
            cells = "".join(f'<td class="num">{r[p]:.1f}</td>' for p in career.PATH_IDS)
            rows.append(f'<tr><th scope="row">{c.esc(r["label"])}</th><td>{c.esc(r["from"])} → {c.esc(r["to"])}</td>'
                        f"{cells}<td>{verdict}</td></tr>")
        flips = int(table["changes_answer"].sum())
        caption = (f"What if one input moved one step? ({flips} of {len(table)} moves change the answer; "
                   f"now: {base.path_name}, lead {base.margin:.1f} points)")
        return (f'<table class="pmkit-career-table pmkit-paths-whatif-table"><caption>{c.esc(caption)}</caption>'
                f'<thead><tr><th scope="col">Input</th><th scope="col">Change</th>{heads}'
                f'<th scope="col">Answer changes?</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')

    def weights_html(self) -> str:
        w = career.weight_table()
        heads = "".join(f'<th scope="col" class="num">{c.esc(_title(career.PATH_NAMES[p]))}</th>'
                        for p in career.PATH_IDS)
        rows = []
        for key in career.INPUTS:
            cells = "".join(f'<td class="num">{"+" if w.at[key, p] > 0 else ("−" if w.at[key, p] < 0 else "")}'
                            f"{abs(int(w.at[key, p]))}</td>" for p in career.PATH_IDS)
            rows.append(f'<tr><th scope="row">{c.esc(career.INPUT_LABELS[key])}</th>{cells}'
                        f"<td>{c.esc(career.WEIGHT_REASONS[key])}</td></tr>")
        totals = "".join(f'<td class="num">{int(w[p].abs().sum())}</td>' for p in career.PATH_IDS)
        rows.append(f'<tr class="pmkit-total"><th scope="row">Total</th>{totals}<td></td></tr>')
        return (f'<table class="pmkit-career-table pmkit-paths-weights-table"><caption>The weights: points each input '
                f"can give each route (+ pays for more of it, − for less of it)</caption><thead><tr>"
                f'<th scope="col">Input</th>{heads}<th scope="col">Why</th></tr></thead><tbody>{"".join(rows)}'
                "</tbody></table>")

    def figure(self) -> Figure:
        """Horizontal bars of the three scores, values printed, the recommended route marked ★."""
        rec = self.recommendation()
        order = list(career.PATH_IDS)[::-1]
        fig = Figure(figsize=(7, 2.3), layout="constrained")
        ax = fig.subplots()
        labels = [_title(career.PATH_NAMES[p]) + (" ★" if p == rec.path else "") for p in order]
        bars = ax.barh(labels, [rec.scores[p] for p in order], color=[PATH_COLOURS[p] for p in order],
                       edgecolor=c.BLACK, linewidth=0.6)
        for bar, p in zip(bars, order):
            bar.set_hatch(PATH_HATCHES[p])
            value = rec.scores[p]
            text = f"{value:.0f}" + ("  recommended" if p == rec.path else "")
            ax.text(value + 1.5, bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=9,
                    fontweight="bold" if p == rec.path else "normal")
        ax.set_xlim(0, 118)
        ax.set_xlabel("score out of 100 (higher fits your situation better)")
        ax.set_title("How well each route fits your situation", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    def figure_alt(self) -> str:
        rec = self.recommendation()
        scores = ", ".join(f"{career.PATH_NAMES[p]} {rec.scores[p]:.0f}" for p in career.PATH_IDS)
        return f"Bar chart of route scores out of 100: {scores}. Recommended: {rec.path_name}."

    # ---- saving ------------------------------------------------------------------------------
    def save(self):
        """Remember these inputs for next time (key "path_chooser")."""
        return work.save_answer(MODULE, CHOOSER_KEY, dict(self.inputs))

    def load(self) -> str:
        """Restore inputs saved earlier; returns a message ("" when nothing was saved)."""
        saved = work.load_answer(MODULE, CHOOSER_KEY)
        if saved is None:
            return ""
        try:
            self.set_inputs(saved if isinstance(saved, Mapping) else {})
            return "Restored the situation you described last time."
        except ValueError as err:
            return f"Your saved situation could not be used, so the example is shown instead. {err}"

    def save_choice(self) -> Any:
        """Save this recommendation as your path choice (key "path_choice", read by Module 07).

        A justification you wrote in the exercises is kept when it was for the same route.
        """
        old = work.load_answer(MODULE, PATH_CHOICE_KEY)
        record = self.record()
        if isinstance(old, Mapping) and old.get("chosen") == record["chosen"] and old.get("justification"):
            record["justification"] = str(old["justification"])
        return work.save_answer(MODULE, PATH_CHOICE_KEY, record)


def path_chooser(inputs: Mapping[str, Any] | None = None, restore: bool = True, autosave: bool = True):
    """The path chooser as an ipywidgets app (root CSS class ``pmkit-paths``)."""
    import ipywidgets as W

    try:
        model = PathChooserModel(inputs)
    except ValueError as err:
        return c.error_widget(err, "path chooser")
    notes = []
    if restore and inputs is None:
        message = model.load()
        if message:
            notes.append(message)
        else:
            values, message = career.prefill_from_readiness()
            if values:
                model.set_inputs(values)
                notes.append(message + " The other inputs start from Priya's example: change them to yours.")

    wide = W.Layout(width="640px")

    def words(key):
        return [(f"{i} · {w}", i) for i, w in enumerate(SLIDER_WORDS[key])]

    # a slider clamps a value beyond its end, so stretch the end to fit what was restored (up to the limits)
    years_max = max(30, math.ceil(model.inputs["years_experience"]))
    hours_max = max(20, math.ceil(model.inputs["hours_per_week"]))
    years = W.IntSlider(value=int(round(model.inputs["years_experience"])), min=0, max=years_max,
                        description=career.INPUT_LABELS["years_experience"], style=c.LABEL, layout=wide,
                        continuous_update=False)
    reset = W.SelectionSlider(options=words("reset_appetite"), value=model.inputs["reset_appetite"],
                              description="Appetite for a pay or seniority reset", style=c.LABEL, layout=wide,
                              continuous_update=False)
    company = W.ToggleButtons(options=[("Yes", True), ("No", False)], value=model.inputs["company_has_pm_roles"],
                              description=career.INPUT_LABELS["company_has_pm_roles"], style=c.LABEL)
    allies = W.SelectionSlider(options=words("allies"), value=model.inputs["allies"],
                               description="Allies and sponsors for a move", style=c.LABEL, layout=wide,
                               continuous_update=False)
    hours = W.IntSlider(value=int(round(model.inputs["hours_per_week"])), min=0, max=hours_max,
                        description=career.INPUT_LABELS["hours_per_week"], style=c.LABEL, layout=wide,
                        continuous_update=False)
    evidence = W.SelectionSlider(options=words("pm_evidence"), value=model.inputs["pm_evidence"],
                                 description="Evidence of PM work already done", style=c.LABEL, layout=wide,
                                 continuous_update=False)
    save_choice = W.Button(description="Save as my path choice", icon="save", layout=W.Layout(width="auto"),
                           tooltip="Saves this recommendation for your 12-month plan in Module 07")
    status = W.HTML()
    summary = W.HTML()
    chart = W.HTML()
    contrib = W.HTML()
    whatif = W.HTML()
    controls = {"years_experience": years, "reset_appetite": reset, "company_has_pm_roles": company,
                "allies": allies, "hours_per_week": hours, "pm_evidence": evidence}
    for w, cls in ((years, "years"), (reset, "reset"), (company, "company"), (allies, "allies"), (hours, "hours"),
                   (evidence, "evidence"), (save_choice, "save"), (status, "status"), (summary, "summary"),
                   (chart, "chart"), (contrib, "contrib"), (whatif, "whatif")):
        w.add_class(f"pmkit-paths-{cls}")

    def refresh(note: str = ""):
        summary.value = CSS + model.summary_html()
        chart.value = figure_html(model.figure(), model.figure_alt(), "pmkit-figure pmkit-paths-figure")
        contrib.value = CSS + model.contributions_html()
        whatif.value = CSS + model.whatif_html()
        status.value = note

    def on_change(key):
        def handler(change):
            try:
                model.set_input(key, change["new"])
            except ValueError as err:
                status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
                return
            note = ""
            if autosave:
                try:
                    model.save()
                except (OSError, TypeError) as err:
                    note = f'<span class="pmkit-error">Not saved: {c.esc(err)}</span>'
            refresh(note)
        return handler

    for key, widget in controls.items():
        widget.observe(on_change(key), names="value")

    def on_save(_):
        try:
            path = model.save_choice()
        except (OSError, TypeError, ValueError) as err:
            status.value = f'<span class="pmkit-error">Not saved: {c.esc(err)}</span>'
            return
        status.value = (f'<span class="pmkit-note">Saved “{c.esc(model.recommendation().path_name)}” as your path '
                        f"choice in {c.esc(work._shown(path))}. Module 07 builds your plan from it.</span>")

    save_choice.on_click(on_save)
    refresh("<br>".join(f'<span class="pmkit-note">{c.esc(n)}</span>' for n in notes))
    app = W.VBox([
        W.HTML("<b>Your situation</b> (every control has a label; sliders take arrow keys)"),
        years, reset, company, allies, hours, evidence, save_choice, status, summary, chart,
        W.HBox([contrib]), W.HBox([whatif]),
    ])
    app.add_class("pmkit-paths")
    app.model_ = model
    return app


# =============================================================================================
# CIRCLES and STAR builders
# =============================================================================================
DEFAULT_CIRCLES_QUESTION = ("Rotawise's shift swaps stall while staff wait for a manager to approve them. "
                            "How would you improve shift swaps for multi-site operators?")


class CirclesModel:
    """A CIRCLES answer being written: one text per step, and feedback on it."""

    def __init__(self, question: str = DEFAULT_CIRCLES_QUESTION, answer: Mapping[str, str] | None = None):
        self.question = question
        self.answer: dict[str, str] = {k: "" for k in interview.CIRCLES_KEYS}
        if answer:
            for key, text in answer.items():
                self.set_step(key, text)

    @property
    def steps(self):
        return interview.CIRCLES_STEPS

    def set_step(self, key: str, text: Any) -> None:
        if key not in self.answer:
            raise ValueError(f"{key!r} is not a CIRCLES step; the steps are {', '.join(interview.CIRCLES_KEYS)}.")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"The {key} step should be text, not {type(text).__name__}.")
        self.answer[key] = text

    def feedback(self) -> Feedback:
        return interview.check_circles(self.answer, question=None)

    def filled(self) -> int:
        return sum(1 for t in self.answer.values() if t.strip())

    def save(self):
        return work.save_answer(MODULE, CIRCLES_KEY, dict(self.answer))

    def load(self) -> str:
        saved = work.load_answer(MODULE, CIRCLES_KEY)
        if not isinstance(saved, Mapping):
            return ""
        for key in interview.CIRCLES_KEYS:
            value = saved.get(key)
            if isinstance(value, str):
                self.answer[key] = value
        return "Restored your saved CIRCLES answer."


class StarModel:
    """A STAR story being written: four texts, the assembled story, and feedback."""

    def __init__(self, story: Mapping[str, str] | None = None):
        self.story: dict[str, str] = {k: "" for k in interview.STAR_KEYS}
        if story:
            for key, text in story.items():
                self.set_part(key, text)

    def set_part(self, key: str, text: Any) -> None:
        if key not in self.story:
            raise ValueError(f"{key!r} is not a STAR part; the parts are {', '.join(interview.STAR_KEYS)}.")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"The {key} part should be text, not {type(text).__name__}.")
        self.story[key] = text

    def feedback(self) -> Feedback:
        return interview.check_star(self.story)

    def text(self) -> str:
        return interview.star_text(self.story)

    def word_counts(self) -> dict[str, int]:
        return {k: interview._count_words(v) for k, v in self.story.items()}

    def save(self):
        return work.save_answer(MODULE, STAR_KEY, dict(self.story))

    def load(self) -> str:
        saved = work.load_answer(MODULE, STAR_KEY)
        if not isinstance(saved, Mapping):
            return ""
        for key in interview.STAR_KEYS:
            value = saved.get(key)
            if isinstance(value, str):
                self.story[key] = value
        return "Restored your saved STAR story."


def _text_builder(app: str, title_html: str, parts, values: dict[str, str], on_check, restore_note: str):
    """Shared view: one labelled Textarea per part, a check button, and a feedback area."""
    import ipywidgets as W

    boxes = {}
    children = [W.HTML(CSS + title_html)]
    for key, name, prompt in parts:
        area = W.Textarea(value=values.get(key, ""), description=name, placeholder="Your answer",
                          style={"description_width": "220px"}, layout=W.Layout(width="700px", height="70px"))
        area.add_class(f"pmkit-{app}-{key}")
        hint = W.HTML(f'<p class="pmkit-prompt"><b>{c.esc(name)}</b>: {c.esc(prompt)}</p>')
        hint.add_class(f"pmkit-{app}-prompt")
        boxes[key] = area
        children += [hint, area]
    check = W.Button(description="Check my answer", icon="check")
    check.add_class(f"pmkit-{app}-check")
    status = W.HTML(f'<span class="pmkit-note">{c.esc(restore_note)}</span>' if restore_note else "")
    status.add_class(f"pmkit-{app}-status")
    result = W.HTML()
    result.add_class(f"pmkit-{app}-feedback")
    children += [check, status, result]
    check.on_click(lambda _: on_check(boxes, status, result))
    box = W.VBox(children)
    box.add_class(f"pmkit-{app}")
    return box, boxes, status, result


def circles_builder(question: str = DEFAULT_CIRCLES_QUESTION, restore: bool = True, autosave: bool = True):
    """The CIRCLES builder: seven labelled text boxes and a self-check (root ``pmkit-circles``)."""
    model = CirclesModel(question)
    note = model.load() if restore else ""

    def on_check(boxes, status, result):
        try:
            for key, area in boxes.items():
                model.set_step(key, area.value)
            fb = model.feedback()
            result.value = _feedback_html(fb)
            if autosave and model.filled():
                path = model.save()
                status.value = f'<span class="pmkit-note">Saved in {c.esc(work._shown(path))}.</span>'
        except Exception as err:  # noqa: BLE001 - a view never raises at the learner
            status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'

    title = (f"<p><b>Product-sense question:</b> {c.esc(question)}</p><p class=\"pmkit-note\">Write a few "
             "sentences for each CIRCLES step (Lewis Lin), then press “Check my answer”.</p>")
    app, _boxes, _status, result = _text_builder("circles", title, interview.CIRCLES_STEPS, model.answer, on_check, note)
    result.value = _feedback_html(model.feedback()) if model.filled() else (
        '<p class="pmkit-note">Feedback appears here: which steps are empty or thin, and what a strong one '
        "holds.</p>")
    app.model_ = model
    return app


def star_builder(restore: bool = True, autosave: bool = True):
    """The STAR builder: four labelled text boxes, the assembled story and a self-check (``pmkit-star``)."""
    model = StarModel()
    note = model.load() if restore else ""

    def on_check(boxes, status, result):
        try:
            for key, area in boxes.items():
                model.set_part(key, area.value)
            story = c.esc(model.text()).replace("\n", "<br>")
            result.value = _feedback_html(model.feedback()) + (
                f'<div class="pmkit-star-preview"><b>Your story, as you would tell it</b><br>{story}</div>'
                if story else "")
            if autosave and any(v.strip() for v in model.story.values()):
                path = model.save()
                status.value = f'<span class="pmkit-note">Saved in {c.esc(work._shown(path))}.</span>'
        except Exception as err:  # noqa: BLE001
            status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'

    title = ("<p><b>Behavioural question:</b> “Tell me about a time you changed a decision without having the "
             "authority to make it.”</p><p class=\"pmkit-note\">Answer in four parts (STAR), then press "
             "“Check my answer”.</p>")
    app, _boxes, _status, result = _text_builder("star", title, interview.STAR_PARTS, model.story, on_check, note)
    result.value = _feedback_html(model.feedback()) if any(v.strip() for v in model.story.values()) else (
        '<p class="pmkit-note">Feedback appears here: a measurable result, "I" rather than only "we", the '
        "length, and whether the action is the biggest part.</p>")
    app.model_ = model
    return app


# =============================================================================================
# Calibration trainer
# =============================================================================================
#: A made-up history of three rounds, shown (labelled as an example) until you have your own.
EXAMPLE_HISTORY = [
    {"taken_at": "2026-07-01T10:00:00", "n": 15, "hits": 9, "hit_rate": 0.6, "mean_interval_score": 2.07},
    {"taken_at": "2026-07-08T10:00:00", "n": 15, "hits": 11, "hit_rate": 11 / 15, "mean_interval_score": 1.12},
    {"taken_at": "2026-07-15T10:00:00", "n": 15, "hits": 13, "hit_rate": 13 / 15, "mean_interval_score": 0.64},
]


class CalibrationModel:
    """The calibration trainer's state: the learner's typed ranges, the last result, the history."""

    def __init__(self, questions: Any = None):
        self.questions = interview._questions(questions)
        self.entries: dict[str, tuple[Any, Any]] = {q.id: ("", "") for q in self.questions}
        self.result: interview.CalibrationResult | None = None
        self.example = interview.score_calibration(
            {k: v for k, v in interview.EXAMPLE_RANGES.items() if k in self.entries}, self.questions,
            allow_missing=True)

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def question_frame(self) -> pd.DataFrame:
        """The questions without their answers (safe to show before a round)."""
        return interview.question_table(self.questions)

    def set_range(self, qid: str, low: Any, high: Any) -> None:
        if qid not in self.entries:
            raise ValueError(f"There is no question {qid!r}.")
        self.entries[qid] = (low, high)

    def ranges(self) -> dict[str, tuple[Any, Any]]:
        def blank(v):
            return v is None or (isinstance(v, str) and not v.strip())
        return {qid: (None if blank(lo) else lo, None if blank(hi) else hi) for qid, (lo, hi) in self.entries.items()}

    def score(self) -> interview.CalibrationResult:
        """Score the typed ranges; ``ValueError`` lists every problem (nothing changes then)."""
        self.result = interview.score_calibration(self.ranges(), self.questions)
        return self.result

    def history(self) -> list[dict[str, Any]]:
        return interview.load_history()

    def save(self, when: datetime | None = None):
        if self.result is None:
            raise ValueError("Score your ranges first.")
        return interview.save_attempt(self.result, when)

    def shown_result(self) -> tuple[interview.CalibrationResult, bool]:
        """(result to show, is_example)."""
        return (self.result, False) if self.result is not None else (self.example, True)

    def result_html(self) -> str:
        result, is_example = self.shown_result()
        head = ('<p class="pmkit-example-label">Example attempt (made up, not yours): a typical first try. '
                "Type your own ranges above and press “Score my ranges”. The true answers stay hidden until "
                "you score your own round.</p>" if is_example else
                "<p><b>Your round</b></p>")
        rows = []
        for qid, r in result.table.iterrows():
            # the example keeps the true answers (and the side of each miss) hidden: no spoilers
            mark = "✓ hit" if r["hit"] else ("✗ miss" if is_example else f"✗ miss ({r['where']})")
            answer = "hidden" if is_example else interview._fmt(r["answer"])
            rows.append(f'<tr><th scope="row">{c.esc(qid)}</th><td>{c.esc(r["question"])}</td>'
                        f'<td class="num">{c.esc(interview._fmt(r["low"]))} to {c.esc(interview._fmt(r["high"]))}</td>'
                        f'<td class="num">{c.esc(answer)}</td><td>{c.esc(r["unit"])}</td>'
                        f"<td>{c.esc(mark)}</td>"
                        f'<td class="num">{r["relative_score"]:.2f}</td></tr>')
        table = (f'<table class="pmkit-career-table pmkit-calibration-table"><caption>Question by question'
                 f'</caption><thead><tr><th scope="col">Id</th><th scope="col">Question</th>'
                 f'<th scope="col" class="num">Range</th><th scope="col" class="num">True answer</th>'
                 f'<th scope="col">Unit</th><th scope="col">Result</th><th scope="col" class="num">Interval score '
                 f"÷ answer</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
        summary = (f"<p><b>Hit rate: {result.hits} of {result.n} ({result.hit_rate:.0%})</b>, target 90%. "
                   f"<b>Mean interval score: {result.mean_interval_score:.2f}</b> (lower is better).<br>"
                   f"{c.esc(result.verdict_label)}: {c.esc(result.message)}</p>")
        body = head + summary + table
        return CSS + (f'<div class="pmkit-example">{body}</div>' if is_example else body)

    def results_figure(self) -> Figure:
        result, is_example = self.shown_result()
        return interview.results_figure(result, "Example attempt (made up)" if is_example else
                                        "Your 90% ranges against the true answers")

    def results_alt(self) -> str:
        result, is_example = self.shown_result()
        misses = [i for i, r in result.table.iterrows() if not r["hit"]]
        who = "An example attempt" if is_example else "Your attempt"
        return (f"{who}: each question's range drawn against its true answer. {result.hits} of {result.n} "
                f"ranges hold the true answer; misses: {', '.join(misses) or 'none'}.")

    def history_for_chart(self) -> tuple[list[dict[str, Any]], bool]:
        history = self.history()
        return (history, False) if history else (EXAMPLE_HISTORY, True)

    def history_figure(self) -> Figure:
        history, is_example = self.history_for_chart()
        return interview.history_figure(history, "Example history (made up): three rounds a week apart"
                                        if is_example else "Your calibration over time")

    def history_alt(self) -> str:
        history, is_example = self.history_for_chart()
        table = interview.history_table(history)
        points = "; ".join(f"attempt {int(r.attempt)}: hit rate {r.hit_rate:.0%}, interval score "
                           f"{r.mean_interval_score:.2f}" for r in table.itertuples())
        return ("Example history (made up). " if is_example else "Your history. ") + (points or "No attempts yet.")


def calibration_trainer(questions: Any = None, autosave: bool = True):
    """The calibration trainer (root ``pmkit-calibration``): type a 90% range per question, score it."""
    import ipywidgets as W

    try:
        model = CalibrationModel(questions)
    except ValueError as err:  # DataError too
        return c.error_widget(err, "calibration trainer")
    rows = []
    fields = {}
    for q in model.questions:
        label = W.HTML(f"<b>{c.esc(q.id)}</b> · {c.esc(q.question)} <i>({c.esc(q.unit)})</i>")
        label.add_class("pmkit-calibration-question")
        low = W.Text(description=f"{q.id} low", placeholder="low", style=c.LABEL, layout=W.Layout(width="190px"))
        high = W.Text(description=f"{q.id} high", placeholder="high", style=c.LABEL, layout=W.Layout(width="190px"))
        low.add_class("pmkit-calibration-low")
        high.add_class("pmkit-calibration-high")
        fields[q.id] = (low, high)
        rows += [label, W.HBox([low, high])]
    score = W.Button(description="Score my ranges", icon="check", button_style="primary")
    score.add_class("pmkit-calibration-score")
    status = W.HTML()
    status.add_class("pmkit-calibration-status")
    summary = W.HTML()
    summary.add_class("pmkit-calibration-result")
    chart = W.HTML()
    chart.add_class("pmkit-calibration-chart")
    history = W.HTML()
    history.add_class("pmkit-calibration-history")

    def refresh():
        summary.value = model.result_html()
        chart.value = figure_html(model.results_figure(), model.results_alt(), "pmkit-figure")
        history.value = figure_html(model.history_figure(), model.history_alt(), "pmkit-figure")

    def on_score(_):
        for qid, (low, high) in fields.items():
            model.set_range(qid, low.value, high.value)
        try:
            model.score()
        except ValueError as err:
            status.value = f'<pre class="pmkit-error" style="white-space:pre-wrap">{c.esc(err)}</pre>'
            return
        note = ""
        if autosave:
            # pressing the button twice must not add the same round twice to the history
            note = "This round: " + interview._save_unless_repeat(model.result)
        status.value = f'<span class="pmkit-note">{c.esc(note)}</span>'
        refresh()

    score.on_click(on_score)
    refresh()
    intro = W.HTML("<p><b>Give a range you are 90% sure holds each true answer.</b> Type plain numbers "
                   "(1,345 or 68.3), in the unit shown. Do not look anything up.</p>")
    app = W.VBox([intro, *rows, score, status, summary, chart, history])
    app.add_class("pmkit-calibration")
    app.model_ = model
    return app
