"""Module 07's three apps: the "problem or solution?" drill, your 12-month plan and your portfolio.

Each app is a model (plain Python, no ipywidgets import, driven by the tests) and a thin view:

* :class:`DrillModel` / :func:`drill_view`: one statement at a time from
  ``datasets/problem_or_solution.csv``; two labelled buttons; feedback with the explanation and,
  for a solution, the problem behind it; a running score. Answers are saved as Module 07's
  "problem_or_solution" (statement id -> "problem" or "solution") and restored next time.
* :class:`PlanModel` / :func:`plan_view`: hours per week, path, profile and start date in;
  a timeline chart, a preview and buttons that save the plan as Markdown and as an .ics calendar.
  With no saved self-assessment it starts from an example profile (Priya Nair a year before her
  move), labelled as such, never presented as the reader's own.
* :class:`PortfolioModel` / :func:`portfolio_view`: gathers your saved work, lists what is
  included and what is missing (and where to produce it), and saves Markdown and HTML files.

CSS classes: ``pmkit-drill``, ``pmkit-plan`` and ``pmkit-portfolio`` on the roots, and
``pmkit-<app>-<part>`` on the parts.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .. import plan as pl
from .. import portfolio as pf
from .. import work
from ..after_switch import DRILL_KEY, MODULE, load_statements, normalise_choice, shown_path
from . import _common as c

__all__ = [
    "DrillModel",
    "DrillResult",
    "drill_view",
    "PlanModel",
    "plan_view",
    "PortfolioModel",
    "portfolio_view",
    "PROFILES",
]


# =============================================================================================
# The drill
# =============================================================================================
class DrillResult:
    """Feedback on one answer."""

    def __init__(self, statement: dict, choice: str):
        self.id = statement["id"]
        self.choice = choice
        self.answer = statement["answer"]
        self.correct = choice == self.answer
        self.explanation = statement["explanation"]
        self.reframe = statement["reframe"]

    @property
    def text(self) -> str:
        head = "Right" if self.correct else "Not quite"
        words = f"{head}: it is a {self.answer} statement. {self.explanation}"
        if self.answer == "solution":
            words += f" The problem behind it: {self.reframe}"
        return words


class DrillModel:
    """State of the "problem or solution?" drill.

    ``statements`` is a table from :func:`pmkit.after_switch.load_statements` (the course's file
    by default). ``answers`` maps statement id -> the learner's choice. With ``restore`` the saved
    answers are loaded and the drill opens at the first unanswered statement.
    """

    def __init__(self, statements=None, restore: bool = True, autosave: bool = True):
        table = statements if statements is not None else load_statements()
        self.statements: list[dict] = table.to_dict("records")
        if not self.statements:
            raise ValueError("The drill needs at least one statement.")
        self._by_id = {s["id"]: s for s in self.statements}
        self.answers: dict[str, str] = {}
        self.index = 0
        self.last: DrillResult | None = None
        self.autosave = autosave
        self.messages: list[str] = []
        if restore:
            self.messages = self.load()
            self.index = self._first_unanswered()

    # ---- navigation -------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.statements)

    @property
    def current(self) -> dict:
        return self.statements[self.index]

    def _first_unanswered(self) -> int:
        for i, s in enumerate(self.statements):
            if s["id"] not in self.answers:
                return i
        return 0

    def go(self, index: int) -> None:
        if not 0 <= index < self.total:
            raise ValueError(f"There are {self.total} statements; choose a number from 0 to {self.total - 1}.")
        self.index = index
        self.last = self._result_for_current()

    def next(self) -> None:
        self.go(min(self.index + 1, self.total - 1))

    def previous(self) -> None:
        self.go(max(self.index - 1, 0))

    def _result_for_current(self) -> DrillResult | None:
        choice = self.answers.get(self.current["id"])
        return DrillResult(self.current, choice) if choice else None

    # ---- answering --------------------------------------------------------------------------
    def answer(self, choice: Any) -> DrillResult:
        """Answer the current statement ("problem" or "solution"); returns the feedback."""
        clean = normalise_choice(choice)
        if clean is None:
            raise ValueError(f'{choice!r} is not an answer: choose "problem" or "solution".')
        statement = self.current
        self.answers[statement["id"]] = clean
        self.last = DrillResult(statement, clean)
        if self.autosave:
            self.save()
        return self.last

    def score(self) -> tuple[int, int, int]:
        """(right, answered, total), counting only statements in this drill."""
        answered = {k: v for k, v in self.answers.items() if k in self._by_id}
        right = sum(self._by_id[k]["answer"] == v for k, v in answered.items())
        return right, len(answered), self.total

    def score_text(self) -> str:
        right, answered, total = self.score()
        if not answered:
            return f"Statement {self.index + 1} of {total}. No answers yet."
        return f"Statement {self.index + 1} of {total}. Score: {right} right out of {answered} answered."

    def wrong(self) -> list[str]:
        return [k for k, v in self.answers.items() if k in self._by_id and self._by_id[k]["answer"] != v]

    def reset(self) -> None:
        """Forget every answer (the saved ones too) and start from the first statement."""
        self.answers = {}
        self.index = 0
        self.last = None
        if self.autosave:
            work.save_answer(MODULE, DRILL_KEY, {})

    # ---- saving -----------------------------------------------------------------------------
    def save(self) -> Path:
        """Save the answers (merged with any saved for statements this drill does not show)."""
        saved = work.load_answer(MODULE, DRILL_KEY)
        merged = {k: v for k, v in saved.items() if k not in self._by_id} if isinstance(saved, dict) else {}
        merged.update(self.answers)
        return work.save_answer(MODULE, DRILL_KEY, merged)

    def load(self) -> list[str]:
        saved = work.load_answer(MODULE, DRILL_KEY)
        if saved is None:
            return []
        if not isinstance(saved, dict):
            return ["Your saved drill answers were not in the expected form; starting afresh (the file was not changed)."]
        skipped = 0
        for k, v in saved.items():
            choice = normalise_choice(v)
            if k in self._by_id and choice:
                self.answers[k] = choice
            elif k in self._by_id:
                skipped += 1
        return [f"Skipped {skipped} saved answer(s) that were neither problem nor solution."] if skipped else []

    # ---- display ----------------------------------------------------------------------------
    def statement_html(self) -> str:
        s = self.current
        return (f'<blockquote class="pmkit-drill-quote" style="font-size:1.1em;margin:0.4em 0;padding:0.4em 0.8em;'
                f'border-left:4px solid {c.BLUE}">“{c.esc(s["statement"])}”</blockquote>'
                f'<div class="pmkit-note">{c.esc(s["source_person"])}, {c.esc(s["channel"])} · {c.esc(s["id"])}</div>')

    def feedback_html(self) -> str:
        r = self.last
        if r is None:
            return ('<div class="pmkit-note">Is this a <b>problem</b> (what someone cannot do, and what it costs them) '
                    "or a <b>solution</b> (a fix someone has already chosen)? Pick one.</div>")
        symbol, colour = ("✓", "#006b3c") if r.correct else ("✗", "#a33")
        body = f"<b>{symbol} {'Right' if r.correct else 'Not quite'}:</b> it is a <b>{c.esc(r.answer)}</b> statement"
        body += f" (you said {c.esc(r.choice)}). {c.esc(r.explanation)}"
        if r.answer == "solution":
            body += f'<br><b>The problem behind it:</b> {c.esc(r.reframe)}'
        return f'<div role="status" style="border-left:4px solid {colour};padding:0.3em 0.8em">{body}</div>'


def drill_view(statements=None, restore: bool = True, autosave: bool = True):
    """The drill as an ipywidgets app (see :class:`DrillModel`)."""
    import ipywidgets as W

    try:
        model = DrillModel(statements, restore=restore, autosave=autosave)
    except (OSError, ValueError) as err:
        return c.error_widget(err, "problem-or-solution drill")

    progress = W.HTML()
    statement = W.HTML()
    problem = W.Button(description="Problem", tooltip="It describes what someone cannot do, and what it costs them",
                       icon="question-circle")
    solution = W.Button(description="Solution", tooltip="It names a fix that someone has already chosen",
                        icon="wrench")
    feedback = W.HTML()
    previous = W.Button(description="Previous", icon="arrow-left", layout=W.Layout(width="auto"))
    nxt = W.Button(description="Next", icon="arrow-right", layout=W.Layout(width="auto"))
    restart = W.Button(description="Start again", icon="refresh", tooltip="Forget your answers and start from the first",
                       layout=W.Layout(width="auto"))
    status = W.HTML()
    for w, part in ((progress, "progress"), (statement, "statement"), (problem, "problem"), (solution, "solution"),
                    (feedback, "feedback"), (previous, "previous"), (nxt, "next"), (restart, "restart"),
                    (status, "status")):
        w.add_class(f"pmkit-drill-{part}")

    def refresh(note: str = ""):
        progress.value = f'<div class="pmkit-note">{c.esc(model.score_text())}</div>'
        statement.value = model.statement_html()
        feedback.value = model.feedback_html()
        status.value = note

    def on_answer(choice):
        def handler(_):
            try:
                model.answer(choice)
            except (OSError, ValueError) as err:
                refresh(f'<span class="pmkit-error">{c.esc(err)}</span>')
                return
            refresh()
        return handler

    def on_nav(step):
        def handler(_):
            model.go(min(max(model.index + step, 0), model.total - 1))
            refresh()
        return handler

    def on_restart(_):
        try:
            model.reset()
        except OSError as err:
            refresh(f'<span class="pmkit-error">{c.esc(err)}</span>')
            return
        refresh('<span class="pmkit-note">Your answers were cleared.</span>')

    problem.on_click(on_answer("problem"))
    solution.on_click(on_answer("solution"))
    previous.on_click(on_nav(-1))
    nxt.on_click(on_nav(1))
    restart.on_click(on_restart)
    note = "".join(f'<span class="pmkit-error">{c.esc(m)}</span>' for m in model.messages)
    if not note and model.answers:
        note = f'<span class="pmkit-note">Restored {len(model.answers)} answer(s) you saved earlier.</span>'
    refresh(note)
    app = W.VBox([progress, statement, W.HBox([problem, solution]), feedback, W.HBox([previous, nxt, restart]), status])
    app.add_class("pmkit-drill")
    app.model_ = model
    return app


# =============================================================================================
# The plan
# =============================================================================================
PROFILES = {
    "mine": "My latest self-assessment",
    "example": "Example: Priya Nair a year before her move",
    "generic": "Generic: the course's default gaps",
}


def _example_attempt() -> dict | None:
    """Priya's first self-assessment, from Module 00's worked example (or None if unavailable)."""
    try:
        from .readiness import example_history

        return example_history()[0]
    except Exception:  # noqa: BLE001 - the example is a nicety; the generic profile still works
        return None


def _default_start(today: date | None = None) -> date:
    today = today or date.today()
    first = date(today.year, today.month, 1)
    return (first + timedelta(days=32)).replace(day=1)


class PlanModel:
    """State of the plan app: hours, path, profile and start date in; a :class:`pmkit.plan.Plan` out.

    ``profile`` is "mine" (your latest saved self-assessment), "example" (Priya Nair's first
    self-assessment, from Module 00) or "generic" (the course's defaults). By default it is
    "mine" when a self-assessment is saved, and "example" otherwise.
    """

    def __init__(self, hours: Any = None, path: Any = None, profile: str | None = None,
                 start_date: Any = None, restore: bool = True):
        self.mine, self.mine_note = pl.saved_assessment()
        self.saved_path_name, self.path_note = pl.saved_path()
        self.example = _example_attempt()
        # the settings of the plan you saved last time come back, so "Save" never overwrites it with defaults
        saved = self._saved_settings() if restore else {}
        self.restore_note = ""
        if saved:
            when = f", starting {saved['start_date'].isoformat()}" if saved.get("start_date") else ""
            self.restore_note = (f"Brought back the settings of the plan you saved: {saved['path']}, "
                                 f"{pl._hours(saved['hours'])} a week{when}.")
        default_profile = "mine" if self.mine is not None else ("example" if self.example else "generic")
        if saved.get("profile") in ("example", "generic") and self.mine is None:
            default_profile = saved["profile"]
        self.profile = profile or default_profile
        self._check_profile(self.profile)
        if hours is not None:
            self.hours = pl.check_hours(hours)
        else:
            self.hours = saved["hours"] if "hours" in saved else self._default_hours()
        if path is not None:
            self.path = pl.normalise_path(path)
        else:
            self.path = saved.get("path") or self.saved_path_name or pl.DEFAULT_PATH
        if self.path is None:
            raise pl.PlanError(f"{path!r} is not a path. Choose one of: " + ", ".join(pl.PATHS) + ".")
        if start_date is not None:
            self.start_date = pl._as_date(start_date)
        else:
            self.start_date = saved.get("start_date") or _default_start()
        self._plan: pl.Plan | None = None

    @staticmethod
    def _saved_settings() -> dict[str, Any]:
        """Hours, path, start date and profile of the plan saved last time; {} when none is usable."""
        try:
            record = work.load_answer(MODULE, pl.SAVE_KEY)
        except Exception:  # noqa: BLE001 - a damaged file is reported by pmkit.work; start afresh
            return {}
        if not isinstance(record, dict):
            return {}
        out: dict[str, Any] = {}
        try:
            out["hours"] = pl.check_hours(record.get("hours_per_week"))
            out["path"] = pl.normalise_path(record.get("path")) or pl.DEFAULT_PATH
        except ValueError:
            return {}
        try:
            if record.get("start_date"):
                out["start_date"] = pl._as_date(record["start_date"])
        except ValueError:
            pass
        if record.get("profile") in ("self-assessment", "example", "generic"):
            out["profile"] = record["profile"]
        return out

    def _default_hours(self) -> float:
        """Hours from your Module 06 situation (if saved and within 1-40), else 5."""
        record = work.load_answer("06-landing-the-role", "path_choice")
        try:
            hours = float(record["inputs"]["hours_per_week"])
            return pl.check_hours(hours)
        except Exception:  # noqa: BLE001 - nothing usable saved: the course's standard pace
            return 5.0

    def _check_profile(self, profile: str) -> None:
        if profile not in PROFILES:
            raise ValueError(f"Unknown profile {profile!r}; choose one of {', '.join(PROFILES)}.")
        if profile == "mine" and self.mine is None:
            raise ValueError("No self-assessment is saved yet: take it in Module 00, or choose the example "
                             "or generic profile.")
        if profile == "example" and self.example is None:
            raise ValueError("The example profile is not available; choose the generic profile.")

    @property
    def profiles(self) -> list[tuple[str, str]]:
        options = []
        if self.mine is not None:
            when = str(self.mine.get("taken_at", ""))[:10]
            options.append((f"{PROFILES['mine']} ({when})" if when else PROFILES["mine"], "mine"))
        if self.example is not None:
            options.append((PROFILES["example"], "example"))
        options.append((PROFILES["generic"], "generic"))
        return options

    # ---- inputs -----------------------------------------------------------------------------
    def set_hours(self, hours: Any) -> None:
        self.hours = pl.check_hours(hours)
        self._plan = None

    def set_path(self, path: Any) -> None:
        name = pl.normalise_path(path)
        if name is None:
            raise pl.PlanError(f"{path!r} is not a path. Choose one of: " + ", ".join(pl.PATHS) + ".")
        self.path = name
        self._plan = None

    def set_profile(self, profile: str) -> None:
        self._check_profile(profile)
        self.profile = profile
        self._plan = None

    def set_start(self, start: Any) -> None:
        self.start_date = pl._as_date(start)
        self._plan = None

    # ---- outputs ----------------------------------------------------------------------------
    @property
    def is_example(self) -> bool:
        return self.profile != "mine"

    @property
    def label(self) -> str:
        if self.profile == "mine":
            return f"Your plan, from your self-assessment of {str(self.mine.get('taken_at', ''))[:10]}."
        if self.profile == "example":
            return ("Example profile, not yours: Priya Nair's first self-assessment, a year before her move "
                    "(Module 00's worked example). Take the self-assessment in Module 00 to build your own.")
        return ("Generic profile, not yours: the course's default gap order (customer discovery, stakeholders, "
                "writing). Take the self-assessment in Module 00 to build your own.")

    def build(self) -> pl.Plan:
        if self._plan is None:
            attempt = {"mine": self.mine, "example": self.example, "generic": None}[self.profile]
            plan = pl.build_plan(self.hours, self.path, assessment=attempt)
            if self.saved_path_name == self.path:
                plan.path_source = "Module 06"
            if self.profile == "example":
                plan.profile = "example"
                plan.notes.insert(0, "Example profile: Priya Nair's first self-assessment, not yours.")
            self._plan = plan
        return self._plan

    def markdown(self) -> str:
        return pl.to_markdown(self.build(), self.start_date)

    def ics(self) -> str:
        return pl.to_ics(self.build(), self.start_date)

    def chart_html(self) -> str:
        """The timeline chart, then its numbered milestones as an HTML list (text, not pixels)."""
        p = self.build()
        items = "".join(f"<li>Month {m.month} ({c.esc(pl._month_name(self.start_date, m.month))}), week {m.week}: "
                        f"{c.esc(m.title)}</li>" for m in p.milestones)
        later = ""
        if p.later:
            later = ('<p class="pmkit-note"><b>After this plan:</b> '
                     + "; ".join(f"{c.esc(m.title)} (month {m.month})" for m in p.later) + "</p>")
        return (pl.figure_html(p, self.start_date, legend=False)
                + f'<ol class="pmkit-plan-milestones" aria-label="Milestones">{items}</ol>' + later)

    def summary_html(self) -> str:
        p = self.build()
        cls = "pmkit-plan-example" if self.is_example else "pmkit-plan-mine"
        parts = [f'<div class="{cls}" style="border-left:4px solid {c.ORANGE if self.is_example else c.BLUE};'
                 f'padding:0.3em 0.8em"><b>{"Example" if self.is_example else "Yours"}:</b> {c.esc(self.label)}</div>']
        parts.append(f'<p class="pmkit-note"><b>{c.esc(p.move_label)}:</b> month {p.move_month} '
                     f'({c.esc(pl._month_name(self.start_date, p.move_month))}) · <b>Target start in a first PM role:</b> '
                     f'month {p.role_month} ({c.esc(pl._month_name(self.start_date, p.role_month))})'
                     + (" — after this 12-month plan" if p.role_month > 12 else "") + "</p>")
        if p.notes:
            parts.append("<ul class=\"pmkit-note\">" + "".join(f"<li>{c.esc(n)}</li>" for n in p.notes) + "</ul>")
        return "".join(parts)

    def months_html(self) -> str:
        """The month-by-month plan as an HTML table (the preview of the Markdown file)."""
        p = self.build()
        rows = []
        for m in p.months:
            ex = "<br>".join(c.esc(str(e)) for e in m.exercises)
            acts = "<br>".join(c.esc(a) for a in m.actions)
            ms = "<br>".join(f"◆ {c.esc(x.title)}" for x in m.milestones)
            rows.append(f"<tr><th scope=\"row\">{m.number}<br><span class=\"pmkit-note\">"
                        f"{c.esc(pl._month_name(self.start_date, m.number))}</span></th>"
                        f"<td><b>{c.esc(pl.PHASES[m.phase])}</b>: {c.esc(m.focus)}<br>"
                        f"<span class=\"pmkit-note\">{c.esc(m.practise)}</span></td>"
                        f"<td>{ex}</td><td>{acts}</td><td>{ms}</td></tr>")
        head = "".join(f'<th scope="col">{h}</th>' for h in ("Month", "Focus and practice", "Course exercises",
                                                            "Real-world actions", "Milestones"))
        return (c.TABLE_CSS + '<details class="pmkit-plan-months"><summary><b>Month by month</b>: focus, course '
                "exercises, real-world actions and milestones (12 rows; click to open)</summary>"
                '<table class="pmkit-table pmkit-plan-table">'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>")

    def save(self, markdown: bool = True, ics: bool = True) -> dict[str, Path]:
        return pl.save_plan(self.build(), self.start_date, markdown=markdown, ics=ics)


def plan_view(hours: Any = None, path: Any = None, profile: str | None = None, start_date: Any = None):
    """The plan as an ipywidgets app (see :class:`PlanModel`)."""
    import ipywidgets as W

    try:
        model = PlanModel(hours=hours, path=path, profile=profile, start_date=start_date)
    except (OSError, ValueError) as err:
        return c.error_widget(err, "plan builder")

    hours_w = W.IntSlider(value=int(round(model.hours)), min=pl.MIN_HOURS, max=pl.MAX_HOURS, step=1,
                          description="Hours per week", style=c.LABEL, continuous_update=False,
                          layout=W.Layout(width="420px"))
    path_w = W.Dropdown(options=list(pl.PATHS), value=model.path, description="Path", style=c.LABEL,
                        layout=W.Layout(width="420px"))
    profile_w = W.Dropdown(options=model.profiles, value=model.profile, description="Profile", style=c.LABEL,
                           layout=W.Layout(width="520px"))
    start_w = W.DatePicker(value=model.start_date, description="Start date", style=c.LABEL)
    build = W.Button(description="Build my plan", icon="calendar", button_style="primary", layout=W.Layout(width="auto"))
    save_md = W.Button(description="Save as Markdown", icon="file-text", layout=W.Layout(width="auto"))
    save_ics = W.Button(description="Save calendar (.ics)", icon="download", layout=W.Layout(width="auto"))
    summary = W.HTML()
    chart = W.HTML()
    months = W.HTML()
    status = W.HTML()
    for w, part in ((hours_w, "hours"), (path_w, "path"), (profile_w, "profile"), (start_w, "start"),
                    (build, "build"), (save_md, "save-md"), (save_ics, "save-ics"), (summary, "summary"),
                    (chart, "chart"), (months, "preview"), (status, "status")):
        w.add_class(f"pmkit-plan-{part}")

    def render(note: str = ""):
        summary.value = model.summary_html()
        chart.value = model.chart_html()
        months.value = model.months_html()
        status.value = note

    def on_build(_=None):
        try:
            model.set_hours(hours_w.value)
            model.set_path(path_w.value)
            model.set_profile(profile_w.value)
            if start_w.value is not None:
                model.set_start(start_w.value)
        except ValueError as err:
            status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
            return
        render('<span class="pmkit-note">Plan rebuilt. Save it with the buttons below.</span>')

    def on_save(kind):
        def handler(_):
            on_build()
            try:
                paths = model.save(markdown=kind == "md", ics=kind == "ics")
            except (OSError, ValueError, ImportError) as err:
                status.value = f'<span class="pmkit-error">Not saved: {c.esc(err)}</span>'
                return
            saved = paths.get("markdown" if kind == "md" else "ics")
            status.value = (f'<span class="pmkit-note">Saved {c.esc(shown_path(saved))} '
                            f"(and the plan itself in {c.esc(shown_path(paths['answers']))}, for your portfolio).</span>")
        return handler

    build.on_click(on_build)
    save_md.on_click(on_save("md"))
    save_ics.on_click(on_save("ics"))
    render('<span class="pmkit-note">' + c.esc(model.restore_note or model.path_note) + "</span>")
    controls = W.VBox([profile_w, path_w, hours_w, start_w, W.HBox([build, save_md, save_ics])])
    app = W.VBox([controls, status, summary, chart, months])
    app.add_class("pmkit-plan")
    app.model_ = model
    return app


# =============================================================================================
# The portfolio
# =============================================================================================
class PortfolioModel:
    """Builds your portfolio from the saved work and lists what is in and what is missing."""

    def __init__(self, name: str | None = None):
        self.name = name
        self.portfolio = pf.build_portfolio(name)

    def rebuild(self, name: str | None = None) -> pf.Portfolio:
        if name is not None:
            self.name = name
        self.portfolio = pf.build_portfolio(self.name)
        return self.portfolio

    @property
    def included(self) -> list[str]:
        return [s.piece.title for s in self.portfolio.included]

    @property
    def missing(self) -> list[str]:
        return [str(m) for m in self.portfolio.missing]

    def pieces_html(self) -> str:
        p = self.portfolio
        marks = {"complete": ("✓", "included"), "partial": ("◐", "partly included"), "missing": ("✗", "missing")}
        items = []
        for s in p.sections:
            symbol, word = marks[s.status]
            items.append(f'<li class="pmkit-portfolio-{s.status}"><span aria-hidden="true">{symbol}</span> '
                         f"<b>{c.esc(s.piece.title)}</b> — {word} <span class=\"pmkit-note\">(Module {s.piece.module})"
                         "</span></li>")
        html = (f'<p><b>{len(p.included)} of {len(p.sections)} pieces included.</b> '
                "Missing pieces are listed, never filled in for you.</p>"
                f'<ul style="list-style:none;padding-left:0.2em">{"".join(items)}</ul>')
        if p.missing:
            html += ('<details><summary>Where to produce the missing pieces</summary><ul>'
                     + "".join(f"<li><b>{c.esc(m.piece)}:</b> {c.esc(m.what)} ({c.esc(m.reason)}). "
                               f"{c.esc(m.where)}.</li>" for m in p.missing) + "</ul></details>")
        if p.problems:
            html += "".join(f'<p class="pmkit-error" role="alert">{c.esc(x)}</p>' for x in p.problems)
        return html

    def save(self) -> dict[str, Path]:
        return pf.write_portfolio(self.portfolio)


def portfolio_view(name: str | None = None):
    """The portfolio as an ipywidgets app (see :class:`PortfolioModel`)."""
    import ipywidgets as W

    try:
        model = PortfolioModel(name)
    except Exception as err:  # noqa: BLE001 - a view never raises at the learner
        return c.error_widget(err, "portfolio builder")
    name_w = W.Text(value=name or "", description="Your name (optional)", style=c.LABEL,
                    placeholder="shown in the title", layout=W.Layout(width="420px"))
    build = W.Button(description="Build my portfolio", icon="folder-open", button_style="primary", layout=W.Layout(width="auto"))
    save = W.Button(description="Save .md and .html", icon="save", layout=W.Layout(width="auto"))
    pieces = W.HTML()
    status = W.HTML()
    for w, part in ((name_w, "name"), (build, "build"), (save, "save"), (pieces, "pieces"), (status, "status")):
        w.add_class(f"pmkit-portfolio-{part}")

    def on_build(_=None):
        model.rebuild(name_w.value.strip())
        pieces.value = model.pieces_html()
        status.value = '<span class="pmkit-note">Portfolio rebuilt from your saved work.</span>'

    def on_save(_):
        on_build()
        try:
            files = model.save()
        except OSError as err:
            status.value = f'<span class="pmkit-error">Not saved: {c.esc(err)}</span>'
            return
        status.value = ('<span class="pmkit-note">Saved ' + " and ".join(c.esc(shown_path(p)) for p in files.values())
                        + ". Open the .html file in any browser; it needs no internet.</span>")

    build.on_click(on_build)
    save.on_click(on_save)
    pieces.value = model.pieces_html()
    app = W.VBox([W.HBox([name_w]), W.HBox([build, save]), status, pieces])
    app.add_class("pmkit-portfolio")
    app.model_ = model
    return app
