"""The four apps of Module 02 (Customer discovery).

* ``QuestionCoachModel`` / :func:`question_coach`: type an interview question, get the verdict,
  the rules that fired and a better version.
* ``SynthesisBoardModel`` / :func:`synthesis_board`: tag interview snippets with themes you name;
  live counts by segment and by kind of evidence; themes backed only by opinions are flagged.
  Your tags are saved in your work folder (``my-work/``) after every change.
* ``SayDoModel`` / :func:`say_do_explorer`: pick a feature and compare what customers say (the
  survey) with what they do (the usage data).
* ``StatementCheckerModel`` / :func:`statement_checker`: check an insight statement or a Lean UX
  problem statement; your drafts are saved too.

Each model is plain Python (no ipywidgets import) and renders HTML and figures that the views
show. Every view renders its initial state when it is built, so the static book shows something
meaningful. CSS classes: ``pmkit-coach``, ``pmkit-board``, ``pmkit-saydo``, ``pmkit-statement``
and ``pmkit-<app>-<part>`` for their parts.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import discovery as d
from .. import work
from ..feedback import Feedback
from . import _common as c

MODULE = d.MODULE
BOARD_KEY = "synthesis_board"
DRAFTS_KEY = "statement_drafts"


def figure_html(fig: Figure, alt: str, css_class: str) -> str:
    """A matplotlib figure as an <img> with alt text (PNG, embedded), for an ipywidgets HTML."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure class="{c.esc(css_class)}" style="margin:0.3em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{c.esc(alt)}" style="max-width:100%;height:auto">'
            "</figure>")


def _status(text: str, error: bool = False) -> str:
    cls = "pmkit-error" if error else "pmkit-note"
    role = ' role="alert"' if error else ""
    return f'<span class="{cls}"{role}>{c.esc(text)}</span>' if text else ""


def _short(path: Path) -> str:
    from ..paths import REPO_ROOT

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


# =============================================================================================
# Question coach
# =============================================================================================
DEFAULT_QUESTION = "Would you use a feature that copies one schedule to all your sites?"
COACH_EXAMPLES = (
    DEFAULT_QUESTION,
    "How much would you pay for auto-scheduling?",
    "Don't you find fixing overtime by hand frustrating?",
    "If we built a labour-cost dashboard, would you look at it every Monday?",
    "Do you usually approve swaps quickly?",
    "What do you do when a shift changes, and how do you feel about our notifications?",
    "Tell me about the last time you built next week's rota for all your sites.",
    "Walk me through your last pay run, step by step.",
)


class QuestionCoachModel:
    """State of the question coach: the current question, its verdict and the questions tried."""

    def __init__(self, question: str = DEFAULT_QUESTION):
        self.history: list[tuple[str, str]] = []
        self.verdict: d.Verdict = d.classify_question(None)
        self.check(question)

    def check(self, text: Any) -> d.Verdict:
        """Judge ``text``; remember it (the last ten) unless it was empty. Never raises."""
        self.verdict = d.classify_question(text)
        if self.verdict.level != "empty":
            entry = (self.verdict.text, self.verdict.level)
            if entry in self.history:
                self.history.remove(entry)
            self.history.insert(0, entry)
            del self.history[10:]
        return self.verdict

    @property
    def question(self) -> str:
        return self.verdict.text

    def html(self) -> str:
        return d.verdict_html(self.verdict)

    def history_html(self) -> str:
        if len(self.history) < 2:
            return ""
        items = "".join(f"<li>[{c.esc(level)}] {c.esc(q)}</li>" for q, level in self.history[1:6])
        return f'<details><summary>Questions you checked before</summary><ul>{items}</ul></details>'

    @staticmethod
    def rules_html() -> str:
        """Every rule the coach uses, so nothing is hidden."""
        rows = pd.DataFrame(
            [{"rule": r.label, "kind": "problem" if r.serious else "minor problem", "why": r.why, "fix": r.fix}
             for r in d.QUESTION_RULES]
            + [{"rule": r.label, "kind": "good sign", "why": "", "fix": ""} for r in d.GOOD_SIGNS]
        ).set_index("rule")
        return c.html_table(rows, {"id": "Rule", "kind": "Kind", "why": "Why it matters", "fix": "What to do"},
                            css_class="pmkit-table pmkit-coach-ruletable",
                            caption="The coach's rules (the patterns are in pmkit.discovery)")


def question_coach(question: str = DEFAULT_QUESTION):
    """The interview-question coach as an ipywidgets app."""
    import ipywidgets as W

    model = QuestionCoachModel(question)
    text = W.Text(value=model.question, description="Your question", placeholder="Type a question for a customer",
                  style=c.LABEL, continuous_update=False, layout=W.Layout(width="95%"))
    examples = W.Dropdown(options=[("(pick one)", "")] + [(q, q) for q in COACH_EXAMPLES], value="",
                          description="Or try an example", style=c.LABEL, layout=W.Layout(width="95%"))
    check = W.Button(description="Check question", icon="check", layout=W.Layout(width="auto"), tooltip="Judge the question with the coach's rules")
    verdict = W.HTML()
    history = W.HTML()
    rules = W.HTML(c.TABLE_CSS + model.rules_html())
    accordion = W.Accordion(children=[rules], titles=("Show the rules",))
    for w, part in ((text, "question"), (examples, "examples"), (check, "check"), (verdict, "verdict"),
                    (history, "history"), (accordion, "rules")):
        w.add_class(f"pmkit-coach-{part}")

    def refresh():
        verdict.value = model.html()
        history.value = model.history_html()

    def on_check(*_):
        model.check(text.value)
        refresh()

    def on_example(change):
        if not change["new"]:
            return
        if text.value == change["new"]:
            on_check()
        else:
            text.value = change["new"]  # the observer on text checks it

    check.on_click(on_check)
    text.observe(on_check, names="value")
    examples.observe(on_example, names="value")
    refresh()
    app = W.VBox([W.HTML("<b>Interview question coach</b> (rules after Rob Fitzpatrick's <i>The Mom Test</i>)"),
                  text, examples, check, verdict, history, accordion])
    app.add_class("pmkit-coach")
    app.model_ = model
    return app


# =============================================================================================
# Synthesis board
# =============================================================================================
#: Priya's first pass over the notes, shown until you tag snippets yourself. Two of its themes are
#: backed only by opinions and requests, which the board flags.
SAMPLE_TAGS = {
    "S01": "Copying rotas site by site", "S02": "Copying rotas site by site", "S22": "Copying rotas site by site",
    "S29": "Copying rotas site by site",
    "S06": "Wants better reports", "S25": "Wants better reports", "S39": "Wants better reports",
    "S10": "AI scheduling", "S28": "AI scheduling",
}


class SynthesisBoardModel:
    """Affinity board: a theme (free text) per snippet, counted by segment and kind of evidence."""

    def __init__(self, interviews: pd.DataFrame, tags: dict[str, str] | None = None):
        self.interviews = d.validate_interviews(interviews)
        if interviews.attrs.get("source"):
            self.interviews.attrs["source"] = interviews.attrs["source"]
        self._by_id = self.interviews.set_index("snippet_id")
        self.tags: dict[str, str] = {}
        self.messages: list[str] = []
        if tags:
            self.set_tags(tags)

    # ---- state
    @property
    def ids(self) -> list[str]:
        return list(self._by_id.index)

    def snippet(self, snippet_id: str) -> dict:
        sid = self._check_id(snippet_id)
        return {"snippet_id": sid, **self._by_id.loc[sid].to_dict()}

    def _check_id(self, snippet_id: Any) -> str:
        sid = d._canonical_snippet(snippet_id, self.ids)
        if sid is None:
            raise ValueError(f"There is no snippet {snippet_id!r}; snippets run from {self.ids[0]} to {self.ids[-1]}.")
        return sid

    def tag(self, snippet_id: str, theme: Any) -> None:
        """Put a snippet under a theme (a blank theme removes its tag). Bad ids raise ValueError."""
        sid = self._check_id(snippet_id)
        name = d.clean_theme(theme)
        if not name:
            self.tags.pop(sid, None)
            return
        existing = {t.casefold(): t for t in self.tags.values()}
        self.tags[sid] = existing.get(name.casefold(), name)

    def untag(self, snippet_id: str) -> None:
        self.tags.pop(self._check_id(snippet_id), None)

    def set_tags(self, tags: Any) -> list[str]:
        """Replace all tags; returns messages about entries that could not be used."""
        clean, self.messages = d.clean_tags(tags, self.interviews)
        self.tags = clean
        return self.messages

    def clear(self) -> None:
        self.tags = {}

    def rename_theme(self, old: str, new: str) -> int:
        """Rename a theme (or merge it into another); returns how many snippets moved."""
        new_name = d.clean_theme(new)
        if not new_name:
            raise ValueError("The new theme name is blank.")
        moved = [sid for sid, t in self.tags.items() if t.casefold() == d.clean_theme(old).casefold()]
        for sid in moved:
            del self.tags[sid]
        for sid in moved:
            self.tag(sid, new_name)
        return len(moved)

    def themes(self) -> list[str]:
        t = self.table()
        return [str(x) for x in t.index]

    def theme_of(self, snippet_id: str) -> str:
        return self.tags.get(self._check_id(snippet_id), "")

    def next_untagged(self, after: str | None = None) -> str | None:
        ids = self.ids
        start = ids.index(self._check_id(after)) + 1 if after else 0
        for sid in ids[start:] + ids[:start]:
            if sid not in self.tags:
                return sid
        return None

    # ---- results
    def table(self) -> pd.DataFrame:
        return d.synthesis_table(self.interviews, self.tags)

    def flagged(self) -> list[str]:
        return d.opinion_only_themes(self.interviews, self.tags)

    def summary(self) -> str:
        n, total = len(self.tags), len(self.ids)
        themes = self.themes()
        flagged = self.flagged()
        text = f"{n} of {total} snippets tagged, in {len(themes)} theme(s)."
        if flagged:
            text += (f" ⚠ {len(flagged)} theme(s) rest on opinions, compliments or requests only: "
                     + ", ".join(f"“{t}”" for t in flagged) + ". Look for past behaviour or present pain behind them.")
        elif themes:
            text += " Every theme has some past behaviour or present pain behind it."
        solutions = [t for t in themes if d._solution_words_in(t)]
        if solutions:
            text += (" " + ", ".join(f"“{t}”" for t in solutions) + (" is" if len(solutions) == 1 else " are")
                     + " named after a solution: rename it after the need it serves.")
        return text

    def counts_html(self) -> str:
        t = self.table()
        if t.empty:
            return '<p class="pmkit-note">No themes yet. Pick a snippet, type a theme and press “Tag snippet”.</p>'
        shown = t.copy()
        shown["flag"] = ["⚠ opinions only" if f else "" for f in shown["opinion_only"]]
        seg_cols = {"id": "Theme", "snippets": "Snippets", "interviews": "Interviews"}
        seg_cols.update({s: d.SEGMENT_LABELS[s] for s in d.SEGMENTS})
        by_seg = c.html_table(shown, seg_cols, css_class="pmkit-table pmkit-board-by-segment",
                              caption="Themes by segment (number of snippets)")
        ev_cols = {"id": "Theme"}
        ev_cols.update({k: k.capitalize() for k in d.EVIDENCE_KINDS})
        ev_cols["flag"] = "Flag"
        by_ev = c.html_table(shown, ev_cols, css_class="pmkit-table pmkit-board-by-evidence",
                             caption="Themes by kind of evidence (past behaviour and present pain are the strong kinds)",
                             row_class=lambda i, r: "pmkit-board-flagged" if r["opinion_only"] else "")
        return by_seg + by_ev

    def snippets_html(self, show: str = "all") -> str:
        """All snippets with their theme. ``show``: "all", "tagged", "untagged" or an evidence kind."""
        frame = self._by_id.copy()
        frame["theme"] = [self.tags.get(s, "") for s in frame.index]
        if show == "tagged":
            frame = frame[frame["theme"] != ""]
        elif show == "untagged":
            frame = frame[frame["theme"] == ""]
        elif show in d.EVIDENCE_KINDS:
            frame = frame[frame["evidence"] == show]
        if frame.empty:
            return '<p class="pmkit-note">No snippets match.</p>'
        cols = {"id": "Id", "interview_id": "Interview", "segment": "Segment", "evidence": "Evidence",
                "snippet": "Snippet", "theme": "Your theme"}
        return c.html_table(frame, cols, css_class="pmkit-table pmkit-board-snippets",
                            caption=f"Interview snippets ({len(frame)})")

    # ---- saving
    def to_json(self) -> dict:
        return {"tags": dict(sorted(self.tags.items()))}

    @property
    def save_key(self) -> str:
        source = self.interviews.attrs.get("source")
        if not source:
            return BOARD_KEY
        from ..paths import dataset_path

        try:
            if Path(source).resolve() == dataset_path("interviews.csv").resolve():
                return BOARD_KEY
        except FileNotFoundError:
            pass
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(source).name).strip("._-") or "file"
        return f"{BOARD_KEY}.{stem}"

    def save(self) -> Path:
        return work.save_answer(MODULE, self.save_key, self.to_json())

    def load(self) -> list[str] | None:
        """Restore saved tags. Returns None when nothing was saved, else messages (maybe empty)."""
        data = work.load_answer(MODULE, self.save_key)
        if data is None:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("tags"), dict):
            return ["Your saved themes were not in the expected form, so the board starts empty."]
        return self.set_tags(data["tags"])


_COURSE_NOTES: Any = object()  # the default: the course's interviews.csv


def synthesis_board(interviews: Any = _COURSE_NOTES, sample: bool = True, restore: bool = True,
                    autosave: bool = True):
    """The synthesis board as an ipywidgets app.

    ``interviews`` is a table from :func:`pmkit.discovery.load_interviews` or the path of your own
    notes file; by default the course's notes. Pick a snippet, type a theme in your own words (or
    choose one you used before) and tag it. The
    counts by segment and by evidence update at once. With ``autosave``, every change is saved to
    your work folder and restored next time. With ``sample``, the board starts from Priya's first
    pass when you have saved nothing yet.
    """
    import ipywidgets as W

    if interviews is None:
        return c.error_widget(ValueError(
            "There are no notes to show: you passed None. If you loaded your own file with explain_load, it "
            "listed the problems in the file instead of loading it. Fix those cells, run that cell again, "
            "then run this one."), "synthesis board")
    try:
        if interviews is _COURSE_NOTES:
            interviews = d.load_interviews()
        elif isinstance(interviews, (str, Path)):
            interviews = d.load_interviews(interviews)
        elif not isinstance(interviews, pd.DataFrame):
            raise TypeError(f"Pass the table from load_interviews, or the path of your notes file in quotes. "
                            f"You gave {type(interviews).__name__}.")
        model = SynthesisBoardModel(interviews)
    except (ValueError, OSError, TypeError, AttributeError, KeyError) as err:
        return c.error_widget(err, "synthesis board")
    messages = model.load() if restore else None
    note = ""
    if messages is None:
        if sample:
            model.set_tags({k: v for k, v in SAMPLE_TAGS.items() if k in model.ids})
            note = ("This is Priya's first pass at the themes. Retag the snippets in your own words, or press "
                    "“Clear all tags” to start from nothing.")
    else:
        note = f"Restored {len(model.tags)} tag(s) you saved earlier."
        if messages:
            note += " " + " ".join(messages)

    def label(sid: str) -> str:
        s = model.snippet(sid)
        text = s["snippet"]
        return f"{sid} · {s['evidence']} · {text[:60]}{'…' if len(text) > 60 else ''}"

    picker = W.Dropdown(options=[(label(s), s) for s in model.ids], value=model.ids[0], description="Snippet",
                        style=c.LABEL, layout=W.Layout(width="95%"))
    shown = W.HTML()
    theme = W.Combobox(options=tuple(model.themes()), value="", placeholder="Name a theme in your own words",
                       description="Theme", ensure_option=False, style=c.LABEL, layout=W.Layout(width="420px"))
    tag = W.Button(description="Tag snippet", icon="tag", layout=W.Layout(width="auto"), tooltip="Put this snippet under the theme")
    untag = W.Button(description="Remove tag", icon="times", layout=W.Layout(width="auto"), tooltip="Take this snippet out of its theme")
    nxt = W.Button(description="Next untagged", icon="arrow-right", layout=W.Layout(width="auto"), tooltip="Go to the next snippet with no theme")
    clear = W.Button(description="Clear all tags", icon="trash", layout=W.Layout(width="auto"), tooltip="Remove every tag (saved, so think first)")
    show = W.Dropdown(options=[("All snippets", "all"), ("Untagged", "untagged"), ("Tagged", "tagged")]
                      + [(f"Only {k}", k) for k in d.EVIDENCE_KINDS], value="all", description="List",
                      style=c.LABEL)
    status = W.HTML(_status(note))
    summary = W.HTML()
    counts = W.HTML()
    listing = W.HTML()
    for w, part in ((picker, "snippet"), (shown, "text"), (theme, "theme"), (tag, "tag"), (untag, "untag"),
                    (nxt, "next"), (clear, "clear"), (show, "filter"), (status, "status"), (summary, "summary"),
                    (counts, "counts"), (listing, "snippets")):
        w.add_class(f"pmkit-board-{part}")

    def show_snippet(*_):
        s = model.snippet(picker.value)
        current = model.tags.get(picker.value, "")
        shown.value = (f'<blockquote style="margin:0.3em 0">“{c.esc(s["snippet"])}”</blockquote>'
                       f'<p class="pmkit-note">{c.esc(s["participant_role"])} · {c.esc(d.SEGMENT_LABELS[s["segment"]])}'
                       f' · <b>{c.esc(s["evidence"])}</b> · interview {c.esc(s["interview_id"])}'
                       f' · theme now: <b>{c.esc(current or "none")}</b></p>')
        theme.value = current

    def refresh(message: str = "", error: bool = False):
        theme.options = tuple(model.themes())
        summary.value = f'<p class="pmkit-note">{c.esc(model.summary())}</p>'
        counts.value = c.TABLE_CSS + model.counts_html()
        listing.value = c.TABLE_CSS + model.snippets_html(show.value)
        if message or error:
            status.value = _status(message, error)
        show_snippet()

    def saved(text: str) -> str:
        if not autosave:
            return text
        try:
            path = model.save()
        except (OSError, TypeError) as err:
            return f"{text} Not saved: {err}"
        return f"{text} Saved to {_short(path)}."

    def on_tag(_):
        name = d.clean_theme(theme.value)
        if not name:
            refresh("Type a theme name first, in your own words.", error=True)
            return
        model.tag(picker.value, name)
        refresh(saved(f"{picker.value} is now under “{model.tags[picker.value]}”."))

    def on_untag(_):
        model.untag(picker.value)
        refresh(saved(f"{picker.value} has no theme now."))

    def on_next(_):
        sid = model.next_untagged(picker.value)
        if sid is None:
            refresh("Every snippet has a theme.")
        else:
            picker.value = sid

    def on_clear(_):
        model.clear()
        refresh(saved("All tags removed."))

    picker.observe(show_snippet, names="value")
    show.observe(lambda _: refresh(), names="value")
    tag.on_click(on_tag)
    untag.on_click(on_untag)
    nxt.on_click(on_next)
    clear.on_click(on_clear)
    refresh()
    app = W.VBox([
        W.HTML("<b>Synthesis board</b>: group the snippets into themes you name yourself"),
        picker, shown, W.HBox([theme, tag, untag]), W.HBox([nxt, clear]), status, summary, counts,
        W.Accordion(children=[W.VBox([show, listing])], titles=("All snippets and their themes",)),
    ])
    app.add_class("pmkit-board")
    app.model_ = model
    return app


# =============================================================================================
# Say vs do
# =============================================================================================
class SayDoModel:
    """Stated (survey) against revealed (usage) priority, one feature at a time."""

    def __init__(self, survey: pd.DataFrame | None = None, usage: pd.DataFrame | None = None,
                 features: pd.DataFrame | None = None):
        self.features = d.load_features() if features is None else features
        self.survey = d.load_survey(features=self.features) if survey is None else survey
        self.usage = d.load_usage(features=self.features) if usage is None else usage
        self.segment: str | None = None
        self._tables: dict[str | None, pd.DataFrame] = {}
        self.feature = d.biggest_gap(self.table())

    def table(self) -> pd.DataFrame:
        if self.segment not in self._tables:
            self._tables[self.segment] = d.say_vs_do_table(self.survey, self.usage, self.features, self.segment)
        return self._tables[self.segment]

    @property
    def feature_ids(self) -> list[str]:
        return list(self.table().index)

    def name(self, feature_id: str) -> str:
        return str(self.table().at[feature_id, "name"])

    def set_feature(self, feature: Any) -> None:
        self.feature = d.say_vs_do(feature, self.survey, self.usage, self.features).feature_id

    def set_segment(self, segment: Any) -> None:
        self.segment = d._segment_filter(segment)

    def result(self) -> d.SayDo:
        return d.say_vs_do(self.feature, self.survey, self.usage, self.features, self.segment)

    def correlation_text(self) -> str:
        rho, p = self.table().attrs["spearman"]
        return (f"Across all {len(self.table())} features, Spearman's rank correlation between stated and actual "
                f"rank is {rho:+.2f}: {d.describe_correlation(rho)}.")

    def alt_text(self) -> str:
        r = self.result()
        return (f"Slope chart of every feature's stated rank against its usage rank, with {r.name} highlighted: "
                f"stated {r.stated_rank} of {r.n_features}, used {r.usage_rank} of {r.n_features}. Bars beside it "
                f"show its mean importance and weekly use by segment.")

    def figure(self) -> Figure:
        r = self.result()
        t = self.table()
        n = len(t)
        fig = Figure(figsize=(8.6, 4.2), layout="constrained")
        grid = fig.add_gridspec(2, 2, width_ratios=[1.35, 1])
        ax = fig.add_subplot(grid[:, 0])
        for fid, row in t.iterrows():
            chosen = fid == r.feature_id
            ax.plot([0, 1], [row["stated_rank"], row["usage_rank"]], color=c.VERMILLION if chosen else c.GREY,
                    lw=3 if chosen else 1, marker="o", ms=6 if chosen else 3, zorder=3 if chosen else 1,
                    ls="-" if chosen else "--")
            weight = "bold" if chosen else "normal"
            ax.text(-0.04, row["stated_rank"], f"{row['name']} {int(row['stated_rank'])}", ha="right", va="center",
                    fontsize=8, fontweight=weight)
            ax.text(1.04, row["usage_rank"], f"{int(row['usage_rank'])} {row['name']}", ha="left", va="center",
                    fontsize=8, fontweight=weight)
        ax.set_xlim(-0.9, 1.9)
        ax.set_ylim(n + 0.6, 0.4)
        ax.set_xticks([0, 1], ["What they say\n(survey rank)", "What they do\n(usage rank)"], fontsize=8)
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        who = d.SEGMENT_LABELS[self.segment] if self.segment else "All segments"
        ax.set_title(f"Rank 1 = top · {who}", fontsize=9)

        seg = r.by_segment
        labels = [d.SEGMENT_LABELS[s] for s in seg.index]
        y = np.arange(len(labels))
        ax1 = fig.add_subplot(grid[0, 1])
        ax1.barh(y, seg["mean_importance"], color=c.BLUE)
        ax1.set_xlim(1, 5)
        ax1.set_yticks(y, labels, fontsize=8)
        ax1.invert_yaxis()
        ax1.set_title(f"{r.name}: say (mean importance, 1–5)", fontsize=9)
        for yi, v in zip(y, seg["mean_importance"]):
            ax1.text(v + 0.05, yi, f"{v:.1f}", va="center", fontsize=8)
        ax2 = fig.add_subplot(grid[1, 1])
        ax2.barh(y, seg["weekly_share"] * 100, color=c.ORANGE, hatch="//")
        ax2.set_xlim(0, 100)
        ax2.set_yticks(y, labels, fontsize=8)
        ax2.invert_yaxis()
        ax2.set_title("do (share of the 12 weeks used, %)", fontsize=9)
        for yi, v in zip(y, seg["weekly_share"]):
            ax2.text(v * 100 + 1, yi, f"{v:.0%}", va="center", fontsize=8)
        for a in (ax1, ax2):
            a.tick_params(axis="x", labelsize=8)
            a.spines[["top", "right"]].set_visible(False)
        return fig

    def figure_html(self) -> str:
        return figure_html(self.figure(), self.alt_text(), "pmkit-saydo-figure")

    def table_html(self) -> str:
        t = self.table()
        cols = {"id": "Feature", "name": "Name", "mean_importance": "Importance (1–5)", "stated_rank": "Said rank",
                "weekly_share": "Weeks used", "usage_rank": "Done rank", "gap": "Gap", "reading": "Reading"}
        fmts = {"mean_importance": lambda v: f"{v:.2f}", "weekly_share": c.fmt_percent, "stated_rank": str,
                "usage_rank": str, "gap": lambda v: f"{int(v):+d}", "name": c.esc, "reading": c.esc}
        return c.html_table(t, cols, fmts, css_class="pmkit-table pmkit-saydo-tablebody",
                            caption="Said vs done, biggest gap first (gap = said rank − done rank)",
                            highlight={(self.feature, "name")})

    def text_html(self) -> str:
        return f'<p class="pmkit-saydo-text">{c.esc(self.result().text)}</p>' \
               f'<p class="pmkit-note">{c.esc(self.correlation_text())}</p>'


def say_do_explorer(survey: pd.DataFrame | None = None, usage: pd.DataFrame | None = None,
                    features: pd.DataFrame | None = None):
    """The say-vs-do explorer as an ipywidgets app: starts on the feature with the biggest gap."""
    import ipywidgets as W

    try:
        model = SayDoModel(survey, usage, features)
    except (ValueError, OSError) as err:
        return c.error_widget(err, "say-vs-do explorer")
    feature = W.Dropdown(options=[(f"{model.name(f)} ({f})", f) for f in model.feature_ids], value=model.feature,
                         description="Feature", style=c.LABEL, layout=W.Layout(width="420px"))
    segment = W.Dropdown(options=[(d.ALL_SEGMENTS, "")] + [(d.SEGMENT_LABELS[s], s) for s in d.SEGMENTS], value="",
                         description="Segment", style=c.LABEL)
    text = W.HTML()
    chart = W.HTML()
    table = W.HTML()
    status = W.HTML()
    for w, part in ((feature, "feature"), (segment, "segment"), (text, "text"), (chart, "chart"), (table, "table"),
                    (status, "status")):
        w.add_class(f"pmkit-saydo-{part}")

    def refresh(*_):
        try:
            model.set_segment(segment.value or None)
            model.set_feature(feature.value)
        except ValueError as err:
            status.value = _status(str(err), error=True)
            return
        status.value = ""
        text.value = model.text_html()
        chart.value = model.figure_html()
        table.value = c.TABLE_CSS + model.table_html()

    feature.observe(refresh, names="value")
    segment.observe(refresh, names="value")
    refresh()
    app = W.VBox([W.HTML("<b>Say vs do</b>: the survey against the product's usage data"),
                  W.HBox([feature, segment]), status, text, chart,
                  W.Accordion(children=[table], titles=("All features",))])
    app.add_class("pmkit-saydo")
    app.model_ = model
    return app


# =============================================================================================
# Statement checker
# =============================================================================================
STATEMENT_KINDS = ("insight", "problem statement")
STATEMENT_EXAMPLES = {
    "insight": "Multi-site customers need schedule templates because they asked for them.",
    "problem statement": (
        "Rotawise was meant to make payroll easy for multi-site groups. We should add overtime rules to the "
        "payroll export, because admins fix overtime by hand. Success is fewer tickets."),
}
TEMPLATES = {"insight": d.INSIGHT_TEMPLATE, "problem statement": d.LEAN_UX_TEMPLATE}


class StatementCheckerModel:
    """Check an insight statement or a Lean UX problem statement; keeps a draft of each kind."""

    def __init__(self, kind: str = "problem statement", text: str | None = None):
        self.drafts: dict[str, str] = dict(STATEMENT_EXAMPLES)
        self.kind = self._check_kind(kind)
        if text is not None:
            self.set_text(text)
        self.feedback: Feedback = self.check()

    @staticmethod
    def _check_kind(kind: Any) -> str:
        if kind not in STATEMENT_KINDS:
            raise ValueError(f"Choose what to check: {' or '.join(STATEMENT_KINDS)} (got {kind!r}).")
        return kind

    def set_kind(self, kind: str) -> None:
        self.kind = self._check_kind(kind)

    @property
    def text(self) -> str:
        return self.drafts.get(self.kind, "")

    def set_text(self, text: Any) -> None:
        self.drafts[self.kind] = text if isinstance(text, str) else ""

    def check(self) -> Feedback:
        fn = d.check_insight if self.kind == "insight" else d.check_problem_statement
        self.feedback = fn(self.text)
        return self.feedback

    def template(self) -> str:
        return TEMPLATES[self.kind]

    def html(self) -> str:
        return self.feedback._repr_html_()

    def to_json(self) -> dict:
        return {"drafts": dict(self.drafts), "kind": self.kind}

    def save(self) -> Path:
        return work.save_answer(MODULE, DRAFTS_KEY, self.to_json())

    def load(self) -> bool:
        data = work.load_answer(MODULE, DRAFTS_KEY)
        if not isinstance(data, dict) or not isinstance(data.get("drafts"), dict):
            return False
        for kind in STATEMENT_KINDS:
            if isinstance(data["drafts"].get(kind), str):
                self.drafts[kind] = data["drafts"][kind]
        if data.get("kind") in STATEMENT_KINDS:
            self.kind = data["kind"]
        self.check()
        return True


def statement_checker(kind: str = "problem statement", restore: bool = True, autosave: bool = True):
    """The insight / problem statement checker as an ipywidgets app.

    It starts with a weak example so that you can see the feedback; replace it with your own
    draft. With ``autosave`` your drafts are saved each time you check them.
    """
    import ipywidgets as W

    model = StatementCheckerModel(kind)
    restored = model.load() if restore else False
    which = W.ToggleButtons(options=[(k.capitalize(), k) for k in STATEMENT_KINDS], value=model.kind,
                            description="What to check", style=c.LABEL)
    template = W.HTML()
    text = W.Textarea(value=model.text, description="Your statement", style=c.LABEL,
                      layout=W.Layout(width="95%", height="110px"))
    check = W.Button(description="Check statement", icon="check", layout=W.Layout(width="auto"))
    example = W.Button(description="Show the weak example", icon="undo", layout=W.Layout(width="auto"),
                       tooltip="Put the weak example back in the box")
    result = W.HTML()
    status = W.HTML(_status("Restored your saved drafts." if restored else
                            "This is a weak example on purpose. Read the feedback, then write your own."))
    for w, part in ((which, "kind"), (template, "template"), (text, "text"), (check, "check"), (example, "example"),
                    (result, "feedback"), (status, "status")):
        w.add_class(f"pmkit-statement-{part}")

    def refresh():
        template.value = f'<p class="pmkit-note"><b>Form:</b> {c.esc(model.template())}</p>'
        result.value = model.html()

    def on_kind(change):
        model.set_kind(change["new"])
        text.value = model.text
        model.check()
        refresh()

    def on_check(_):
        model.set_text(text.value)
        model.check()
        note = ""
        if autosave:
            try:
                note = f"Draft saved to {_short(model.save())}."
            except (OSError, TypeError) as err:
                note = f"Draft not saved: {err}"
        status.value = _status(note)
        refresh()

    def on_example(_):
        text.value = STATEMENT_EXAMPLES[model.kind]
        on_check(None)

    which.observe(on_kind, names="value")
    check.on_click(on_check)
    example.on_click(on_example)
    refresh()
    app = W.VBox([W.HTML("<b>Statement checker</b>: insight statements (IDEO) and problem statements (Lean UX)"),
                  which, template, text, W.HBox([check, example]), status, result])
    app.add_class("pmkit-statement")
    app.model_ = model
    return app
