"""Your PM portfolio: the work you saved in the course, gathered into one document.

:func:`build_portfolio` reads what the exercises saved with :mod:`pmkit.work` (one
``answers.json`` per module, with the keys listed in :data:`PIECES`), your self-assessment
history (:func:`pmkit.readiness.load_history`) and your 12-month plan (Module 07's "plan"). It
returns a :class:`Portfolio`: a short framing of the Rotawise case, one section per piece of
work, and the list of pieces that are missing, each with where to produce it. Nothing is ever
invented: a piece you have not saved, or saved in a form that cannot be read, is listed as
missing, never filled in.

A damaged ``answers.json`` is handled by :mod:`pmkit.work`: it is moved aside to
``answers.json.bak-<timestamp>`` (never deleted). The portfolio names the file in a clear message,
lists that module's pieces as missing and still builds everything else.

:func:`to_markdown` and :func:`to_html` render the same content. The HTML file is self-contained
(inline CSS, no scripts, no external files) and every piece of your text is HTML-escaped.
:func:`write_portfolio` writes both files to your work folder.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import readiness, work
from .after_switch import DRILL_KEY, load_statements, normalise_choice
from .plan import Plan, PlanError, _NOTEBOOKS, WEEKS_PER_MONTH
from .plan import MODULE as PLAN_MODULE

__all__ = [
    "MODULE",
    "PIECES",
    "Part",
    "Piece",
    "Section",
    "Missing",
    "Portfolio",
    "build_portfolio",
    "to_markdown",
    "to_html",
    "write_portfolio",
    "portfolio_files",
]

MODULE = PLAN_MODULE  # "07-after-the-switch"


@dataclass(frozen=True)
class Part:
    """One saved answer a piece uses: the key in the module's answers file, and what it is."""

    key: str
    label: str
    required: bool = True
    exercise: str = ""


@dataclass(frozen=True)
class Piece:
    """A piece of the portfolio: a section built from one module's saved answers."""

    id: str
    title: str
    module: str  # "02"
    work_module: str  # "02-customer-discovery"
    parts: tuple[Part, ...]
    why: str

    @property
    def where(self) -> str:
        if self.module == "00":
            return "Module 00, the self-assessment (notebooks/00_start_here.ipynb)"
        return f"Module {self.module} exercises ({_NOTEBOOKS[self.module]})"


#: Every piece, in the order of the portfolio.
PIECES: tuple[Piece, ...] = (
    Piece("framing", "How to read this portfolio", "07", MODULE,
          (Part("portfolio_framing", "your framing paragraph", True, "Assemble your portfolio and frame it"),),
          "A reader decides in one paragraph whether to read on."),
    Piece("readiness", "Where I started, and where I am now", "00", readiness.RESULTS_MODULE,
          (Part("readiness.json", "your self-assessment history", True, "Take the self-assessment"),),
          "Shows that you measured your gaps and worked on them."),
    Piece("systems", "Reading a spec and a system as a PM", "01", "01-what-transfers",
          (Part("spec_gaps", "the gaps you found in a spec", True, "Review Sam's draft spec"),
           Part("system_trace", "the system you traced", False, "Trace what reliable notifications change")),
          "Shows the engineering strengths you bring, put to product use."),
    Piece("discovery", "Customer discovery: insights and the problem", "02", "02-customer-discovery",
          (Part("insights", "your insight statements", True, "Synthesise the notes into insight statements"),
           Part("problem_statement", "your problem statement", True, "Write the problem statement for the most important opportunity"),
           Part("question_rewrites", "your rewritten interview questions", False, "Rewrite five bad interview questions"),
           Part("follow_ups", "your follow-up questions", False, "The three follow-ups drill")),
          "Shows that you find the problem before you design a fix."),
    Piece("problems", "Problems behind solutions", "07", MODULE,
          (Part(DRILL_KEY, "your problem-or-solution answers", True, "Problem or solution?"),
           Part("reframes", "your reframed solution statements", False, "Reframe three solutions as problems")),
          "Shows that you can hear the need behind a request."),
    Piece("prioritization", "Prioritization rationale", "03", "03-prioritization",
          (Part("rationale", "your rationale for the top three", True, "Explain the top three in business terms"),
           Part("misleading_item", "where a framework misleads", False, "Find where RICE misleads"),
           Part("misleading_reason", "why it misleads", False, "Find where RICE misleads")),
          "Shows that you can choose, and explain the choice in business terms."),
    Piece("stakeholders", "Stakeholder map", "04", "04-stakeholders",
          (Part("stakeholder_map", "your stakeholder map", True, "Map the stakeholders of the engine rewrite"),
           Part("raci_fix", "your RACI fix", False, "Fix the broken RACI"),
           Part("next_message", "your next message", False, "Play the FreshBite scenario and write your next message")),
          "Shows that you lead through others, without authority."),
    Piece("writing", "Writing for non-technical readers", "05", "05-writing",
          (Part("executive_summary", "your executive summary", True, "A five-sentence executive summary"),
           Part("release_notes", "your release notes", False, "Release notes customers read"),
           Part("press_release", "your press release", False, "The press release, before you build")),
          "Shows that you write for executives and customers, not only for engineers."),
    Piece("landing", "My path into product", "06", "06-landing-the-role",
          (Part("path_choice", "your path choice", True, "Choose your path and justify it"),
           Part("star_story", "your STAR story", False, "A STAR story from your own work"),
           Part("calibration", "your estimation calibration", False, "A calibration round")),
          "Shows that you chose your route on purpose."),
    Piece("plan", "My 12-month plan", "07", MODULE,
          (Part("plan", "your 12-month plan", True, "Build and save your plan"),),
          "Shows where you are going next, month by month."),
)

CASE_FRAMING = (
    "The work in this portfolio was done in the open-source course \"Engineer → PM\". Its exercises follow one "
    "case study: Rotawise, a fictional 64-person company that sells a web and mobile app for scheduling hourly "
    "staff. Its goal for the quarter is to keep more of its new multi-site customers (restaurant groups, retail "
    "chains and care-home groups): 90-day retention of new multi-site accounts from 71% to 78%. Every piece "
    "below answers a question a product manager at Rotawise would face. The company, its people and its data "
    "are invented; the thinking is mine."
)


# ---------------------------------------------------------------------------------------------
# Content blocks (rendered to Markdown and HTML from the same data)
# ---------------------------------------------------------------------------------------------
@dataclass
class Block:
    kind: str  # "p", "quote", "list", "table", "note", "h3"
    text: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    piece: Piece
    status: str  # "complete", "partial", "missing"
    blocks: list[Block] = field(default_factory=list)
    missing_parts: list[Part] = field(default_factory=list)


@dataclass
class Missing:
    piece: str
    what: str
    where: str
    reason: str = "not saved yet"

    def __str__(self) -> str:
        return f"{self.piece}: {self.what} ({self.reason}). Produce it in {self.where}."


@dataclass
class Portfolio:
    title: str
    created: str
    framing: str
    sections: list[Section]
    missing: list[Missing]
    problems: list[str]

    @property
    def included(self) -> list[Section]:
        return [s for s in self.sections if s.status != "missing"]

    @property
    def complete(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        n = len(self.sections)
        lines = [f"{self.title}: {len(self.included)} of {n} pieces included."]
        for s in self.sections:
            mark = {"complete": "✓", "partial": "◐", "missing": "✗"}[s.status]
            lines.append(f"  {mark} {s.piece.title} ({s.status})")
        if self.missing:
            lines.append("Missing (nothing is filled in for you):")
            lines += [f"  - {m}" for m in self.missing]
        if self.problems:
            lines.append("Problems found while gathering your work:")
            lines += [f"  ! {p}" for p in self.problems]
        return "\n".join(lines)

    __str__ = summary

    def __repr__(self) -> str:
        return self.summary()


# ---------------------------------------------------------------------------------------------
# Reading what was saved
# ---------------------------------------------------------------------------------------------
def _quietly(func, *args):
    """Call ``func`` and return (result, what it printed)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = func(*args)
    return result, buffer.getvalue().strip()


def _load_module(module: str, problems: list[str]) -> dict[str, Any]:
    try:
        answers, said = _quietly(work.load_answers, module)
    except Exception as err:  # noqa: BLE001 - one bad module must not stop the portfolio
        problems.append(f"The saved answers of {module} could not be read ({err}); its pieces are listed as missing.")
        return {}
    if said:
        problems.append(said + f" The pieces from {module} are listed as missing until you redo them.")
    return answers if isinstance(answers, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _texts(value: Any) -> list[str] | None:
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    return None


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (str, int, bool)) or value is None:
        return "" if value is None else str(value)
    return json.dumps(value, ensure_ascii=False)


def _dict_table(value: dict, headers=("Item", "Value")) -> Block:
    return Block("table", headers=list(headers), rows=[[str(k), _scalar(v)] for k, v in value.items()])


# Each renderer returns a list of blocks, or None when the value is not in a usable form.
def _render_text(value: Any, label: str):
    text = _text(value)
    return [Block("quote", text)] if text else None


def _render_list(value: Any, label: str):
    items = _texts(value)
    return [Block("list", items=items)] if items else None


def _render_gaps(value: Any, label: str):
    """Gap ids from Module 01, described from its answer key when it can be read."""
    items = _texts(value)
    if not items:
        return None
    try:
        from .transfer import load_gaps

        gaps = load_gaps().set_index("gap_id")
        described = []
        for gid in items:
            if gid in gaps.index:
                row = gaps.loc[gid]
                described.append(f"{gid} ({row['category']}): {row['what_is_missing']}")
            else:
                described.append(gid)
        items = described
    except Exception:  # noqa: BLE001 - without the key, the ids alone are still true
        pass
    return [Block("list", items=items)]


def _render_edges(value: Any, label: str):
    if not isinstance(value, list) or not value:
        return None
    items = []
    for edge in value:
        if isinstance(edge, (list, tuple)) and len(edge) == 2 and all(isinstance(x, str) for x in edge):
            items.append(f"{edge[0]} → {edge[1]}")
        else:
            return None
    return [Block("list", items=items)]


def _render_map(value: Any, label: str):
    if not isinstance(value, list) or not value or not all(isinstance(r, dict) and _text(r.get("name")) for r in value):
        return None
    cols = ["name", "power", "interest", "stance"]
    extra = sorted({k for r in value for k in r if k not in cols})
    headers = cols + extra
    rows = [[_scalar(r.get(c, "")) for c in headers] for r in value]
    return [Block("table", headers=[h.capitalize() for h in headers], rows=rows)]


def _render_dict(value: Any, label: str):
    if not isinstance(value, dict) or not value:
        return None
    return [_dict_table(value)]


def _render_matrix(value: Any, label: str):
    """A decision-rights matrix saved as {decision: {person: role}}: one row per person, one
    column per decision. Anything else is shown as a plain two-column table."""
    if not isinstance(value, dict) or not value:
        return None
    if not all(isinstance(roles, dict) for roles in value.values()):
        return [_dict_table(value)]
    people: list[str] = []
    for roles in value.values():
        people += [str(person) for person in roles if str(person) not in people]
    decisions = list(value)
    rows = [[person] + [_scalar({str(k): v for k, v in value[d].items()}.get(person, "")) for d in decisions]
            for person in people]
    return [Block("table", headers=["Person"] + [str(d) for d in decisions], rows=rows)]


def _render_misleading(value: Any, label: str):
    text = _text(value)
    return [Block("p", f"{label.capitalize()}: {text}")] if text else None


def _render_path(value: Any, label: str):
    if not isinstance(value, dict):
        return None
    from .plan import normalise_path

    chosen = normalise_path(value.get("chosen_name") or value.get("chosen"))
    recommended = normalise_path(value.get("recommended_name") or value.get("recommended"))
    if not chosen and not recommended:
        return None
    blocks = []
    if chosen and recommended and chosen != recommended:
        blocks.append(Block("p", f"I chose the {chosen}; the course's path model recommended the {recommended}."))
    elif chosen:
        blocks.append(Block("p", f"I chose the {chosen}" + (", as the course's path model recommended." if recommended else ".")))
    else:
        blocks.append(Block("p", f"The course's path model recommended the {recommended}."))
    reason = _text(value.get("justification"))
    if reason:
        blocks.append(Block("quote", reason))
    inputs = value.get("inputs")
    if isinstance(inputs, dict) and inputs:
        blocks.append(Block("table", headers=["My situation", "Value"],
                            rows=[[str(k).replace("_", " "), _scalar(v)] for k, v in inputs.items()]))
    return blocks


def _render_star(value: Any, label: str):
    if isinstance(value, str):
        return _render_text(value, label)
    if not isinstance(value, dict) or not value:
        return None
    order = ["situation", "task", "action", "result"]
    keys = [k for k in order if k in value] + [k for k in value if k not in order]
    rows = [[str(k).capitalize(), _scalar(value[k])] for k in keys if _scalar(value[k]).strip()]
    if not rows:
        return None
    return [Block("h3", "A STAR story"), Block("table", headers=["Part", "My story"], rows=rows)]


def _render_calibration(value: Any, label: str):
    if not isinstance(value, list) or not value:
        return None
    last = value[-1]
    text = f"I practised estimation with 90% ranges: {len(value)} attempt(s)."
    blocks = [Block("h3", "Estimation calibration"), Block("p", text)]
    if isinstance(last, dict):
        shown = {k: v for k, v in last.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
        if shown:
            blocks.append(_dict_table(shown, ("Latest attempt", "Value")))
    return blocks


def _render_drill(value: Any, label: str):
    if not isinstance(value, dict) or not value:
        return None
    choices = {str(k): normalise_choice(v) for k, v in value.items()}
    choices = {k: v for k, v in choices.items() if v}
    if not choices:
        return None
    try:
        table = load_statements()
    except (OSError, ValueError):
        return [Block("p", f"I classified {len(choices)} statements as problem or solution.")]
    truth = dict(zip(table["id"], table["answer"]))
    known = {k: v for k, v in choices.items() if k in truth}
    right = sum(truth[k] == v for k, v in known.items())
    return [Block("p", f"In the \"problem or solution?\" drill I classified {len(known)} of {len(truth)} statements "
                       f"from Rotawise's customers and colleagues; {right} of them matched the course's answer.")]


def _render_reframes(value: Any, label: str):
    if not isinstance(value, dict):
        return None
    items = [f"{k}: {v.strip()}" for k, v in value.items() if isinstance(v, str) and v.strip()]
    if not items:
        return None
    try:
        statements = dict(zip(*[load_statements()[c] for c in ("id", "statement")]))
    except (OSError, ValueError):
        statements = {}
    rows = [[statements.get(str(k), str(k)), v.strip()] for k, v in value.items() if isinstance(v, str) and v.strip()]
    return [Block("h3", "Solutions I reframed as problems"),
            Block("table", headers=["What was said", "The problem behind it"], rows=rows)]


def _render_plan(value: Any, label: str):
    if not isinstance(value, dict):
        return None
    try:
        plan = Plan.from_dict(value)
    except PlanError:
        return None
    start = value.get("start_date")
    blocks = [Block("p", f"Path: {plan.path}. Time: {plan.hours_per_week:g} hours a week "
                         f"(about {plan.hours_per_week * WEEKS_PER_MONTH:.0f} a month). "
                         f"{plan.move_label}: month {plan.move_month}. Target start in a first PM role: "
                         f"month {plan.role_month}" + (" (after this plan)." if plan.role_month > 12 else ".")
                         + (f" The plan starts on {start}." if isinstance(start, str) else ""))]
    if plan.profile == "generic":
        blocks.append(Block("note", "This plan was built from the course's generic profile, not from my "
                                    "self-assessment."))
    elif plan.profile == "example":
        blocks.append(Block("note", "This plan was built from the course's example profile (Priya Nair's), "
                                    "not from my self-assessment."))
    blocks.append(Block("table", headers=["Month", "Focus", "Milestones"], rows=[
        [str(m.number), m.focus, "; ".join(ms.title for ms in m.milestones)] for m in plan.months]))
    return blocks


_RENDERERS = {
    "portfolio_framing": _render_text,
    "spec_gaps": _render_gaps,
    "system_trace": _render_edges,
    "insights": _render_list,
    "problem_statement": _render_text,
    "question_rewrites": _render_list,
    "follow_ups": _render_list,
    DRILL_KEY: _render_drill,
    "reframes": _render_reframes,
    "rationale": _render_text,
    "misleading_item": _render_misleading,
    "misleading_reason": _render_misleading,
    "stakeholder_map": _render_map,
    "raci_fix": _render_matrix,
    "next_message": _render_text,
    "executive_summary": _render_text,
    "release_notes": _render_text,
    "press_release": _render_text,
    "path_choice": _render_path,
    "star_story": _render_star,
    "calibration": _render_calibration,
    "plan": _render_plan,
}

_HEADINGS = {
    "insights": "Insight statements", "problem_statement": "Problem statement",
    "question_rewrites": "Interview questions, rewritten", "follow_ups": "Follow-up questions",
    "spec_gaps": "Gaps I found in the spec", "system_trace": "How the system fits together",
    "raci_fix": "Who decides: the RACI, fixed", "next_message": "The next message I would send",
    "release_notes": "Release notes", "press_release": "Press release", "executive_summary": "Executive summary",
}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _readiness_blocks(history: list[dict]) -> list[Block] | None:
    if not history:
        return None
    first, last = history[0], history[-1]
    rows = []
    for area in readiness.AREAS:
        a, b = first["areas"].get(area), last["areas"].get(area)
        if a is None or b is None:
            continue
        change = b - a
        rows.append([readiness.AREA_TITLES[area], f"{a:.0f}", f"{b:.0f}",
                     "–" if len(history) == 1 else f"{change:+.0f}"])
    when_first, when_last = str(first.get("taken_at", ""))[:10], str(last.get("taken_at", ""))[:10]
    if len(history) == 1:
        text = f"I took the course's readiness self-assessment once ({when_first}); total {last['total']:.0f} of 100."
    else:
        text = (f"I took the course's readiness self-assessment {len(history)} times, from {when_first} to "
                f"{when_last}. My total went from {first['total']:.0f} to {last['total']:.0f} of 100.")
    gaps = [readiness.AREA_TITLES.get(g, g) for g in last.get("top_gaps", [])]
    blocks = [Block("p", text), Block("table", headers=["Area", "First", "Latest", "Change"], rows=rows)]
    if gaps:
        blocks.append(Block("p", "The gaps I am working on now: " + ", ".join(gaps) + "."))
    return blocks


def build_portfolio(name: str | None = None) -> Portfolio:
    """Gather your saved work into a :class:`Portfolio` (see the module docstring). Never raises for
    missing or damaged saved work: those pieces are listed as missing, with a message."""
    problems: list[str] = []
    cache: dict[str, dict[str, Any]] = {}
    sections: list[Section] = []
    missing: list[Missing] = []
    for piece in PIECES:
        if piece.id == "readiness":
            try:
                history, said = _quietly(readiness.load_history)
            except Exception as err:  # noqa: BLE001
                history, said = [], f"Your self-assessment history could not be read ({err})."
            if said:
                problems.append(said)
            blocks = _readiness_blocks(history)
            if blocks:
                sections.append(Section(piece, "complete", blocks))
            else:
                sections.append(Section(piece, "missing", [], list(piece.parts)))
                missing.append(Missing(piece.title, piece.parts[0].label, piece.where))
            continue
        if piece.work_module not in cache:
            cache[piece.work_module] = _load_module(piece.work_module, problems)
        answers = cache[piece.work_module]
        blocks: list[Block] = []
        missing_parts: list[tuple[Part, str]] = []
        have_required = 0
        for part in piece.parts:
            value = answers.get(part.key)
            rendered = None
            reason = "not saved yet"
            if not work.is_unanswered(value):
                try:
                    rendered = _RENDERERS[part.key](value, part.label)
                except Exception:  # noqa: BLE001 - an odd value must not stop the portfolio
                    rendered = None
                if rendered is None:
                    reason = "saved in a form the portfolio cannot read"
                    problems.append(f"{part.label.capitalize()} ({piece.work_module}, key {part.key!r}) is saved in a "
                                    "form the portfolio cannot read, so it is listed as missing. The saved answer "
                                    "was left as it is.")
            if rendered:
                if part.key in _HEADINGS and len(piece.parts) > 1:
                    blocks.append(Block("h3", _HEADINGS[part.key]))
                blocks.extend(rendered)
                have_required += part.required
            else:
                missing_parts.append((part, reason))
        if not blocks:
            status = "missing"
            reasons = sorted({r for p, r in missing_parts if p.required})
            missing.append(Missing(piece.title, _join([p.label for p in piece.parts if p.required]),
                                   piece.where, "; ".join(reasons) or "not saved yet"))
        else:
            status = "complete" if not missing_parts else "partial"
            for part, reason in missing_parts:
                missing.append(Missing(piece.title, part.label + ("" if part.required else " (optional)"),
                                       piece.where + f', exercise "{part.exercise}"', reason))
        sections.append(Section(piece, status, blocks, [p for p, _ in missing_parts]))
    who = _text(name)
    title = f"PM portfolio of {who}" if who else "My PM portfolio"
    return Portfolio(title=title, created=date.today().isoformat(), framing=CASE_FRAMING, sections=sections,
                     missing=missing, problems=problems)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_blocks(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "p":
            out += [b.text, ""]
        elif b.kind == "note":
            out += [f"*{b.text}*", ""]
        elif b.kind == "h3":
            out += [f"### {b.text}", ""]
        elif b.kind == "quote":
            out += [("> " + line) if line.strip() else ">" for line in b.text.splitlines()] + [""]
        elif b.kind == "list":
            out += [f"- {' '.join(item.split())}" for item in b.items] + [""]
        elif b.kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            out.append("|" + "---|" * len(b.headers))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
    return out


def to_markdown(portfolio: Portfolio) -> str:
    """The portfolio as Markdown: the case framing, one section per piece, then what is missing."""
    lines = [f"# {portfolio.title}", "", f"*Assembled on {portfolio.created} from my work in the course "
             "\"Engineer → PM\".*", "", "## About the case", "", portfolio.framing, ""]
    for s in portfolio.sections:
        if s.status == "missing":
            continue
        lines += [f"## {s.piece.title}", "", f"*{s.piece.why}*", ""]
        lines += _md_blocks(s.blocks)
        if s.missing_parts:
            lines += [f"*Not included yet: {', '.join(p.label for p in s.missing_parts)}.*", ""]
    if portfolio.missing:
        lines += ["## Still to do", "", "These pieces are missing. Nothing was filled in for you:", ""]
        lines += [f"- **{m.piece}:** {m.what} ({m.reason}). Where: {m.where}." for m in portfolio.missing]
        lines.append("")
    if portfolio.problems:
        lines += ["## Problems found while gathering the work", ""]
        lines += [f"- {' '.join(p.split())}" for p in portfolio.problems]
        lines.append("")
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;line-height:1.5;
color:#1a1a1a;background:#fff;max-width:46rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;margin-bottom:0.2rem}h2{font-size:1.3rem;border-bottom:2px solid #0072B2;padding-bottom:0.2rem;
margin-top:2rem}h3{font-size:1.05rem;margin-bottom:0.3rem}
.why{color:#444;font-style:italic;margin-top:0}
blockquote{margin:0.5rem 0;padding:0.3rem 1rem;border-left:4px solid #56B4E9;background:#f5f9fc}
table{border-collapse:collapse;margin:0.5rem 0;font-size:0.92rem}
th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}
th{background:#eef3f7}
.status{font-size:0.85rem;color:#333}
.missing li{margin-bottom:0.3rem}
.problem{border-left:4px solid #D55E00;padding:0.3rem 0.8rem;background:#fdf3ec}
nav ul{padding-left:1.2rem}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}
"""


def _h(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_text(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{_h(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _html_blocks(blocks: list[Block]) -> list[str]:
    out = []
    for b in blocks:
        if b.kind == "p":
            out.append(f"<p>{_h(b.text)}</p>")
        elif b.kind == "note":
            out.append(f'<p class="why">{_h(b.text)}</p>')
        elif b.kind == "h3":
            out.append(f"<h3>{_h(b.text)}</h3>")
        elif b.kind == "quote":
            out.append(f"<blockquote>{_html_text(b.text)}</blockquote>")
        elif b.kind == "list":
            out.append("<ul>" + "".join(f"<li>{_h(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f'<th scope="col">{_h(h)}</th>' for h in b.headers)
            body = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return out


def to_html(portfolio: Portfolio) -> str:
    """The portfolio as one self-contained HTML page (inline CSS; no scripts; no external files)."""
    shown = [s for s in portfolio.sections if s.status != "missing"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(portfolio.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_h(portfolio.title)}</h1>",
        f'<p class="status">Assembled on {_h(portfolio.created)} from my work in the course “Engineer → PM”. '
        f"{len(shown)} of {len(portfolio.sections)} pieces included.</p>",
    ]
    if shown:
        parts.append('<nav aria-label="Contents"><ul>' + "".join(
            f'<li><a href="#{_h(s.piece.id)}">{_h(s.piece.title)}</a></li>' for s in shown)
            + ('<li><a href="#still-to-do">Still to do</a></li>' if portfolio.missing else "") + "</ul></nav>")
    parts += ['<section id="about-the-case">', "<h2>About the case</h2>", f"<p>{_h(portfolio.framing)}</p>", "</section>"]
    for s in shown:
        parts.append(f'<section id="{_h(s.piece.id)}">')
        parts.append(f"<h2>{_h(s.piece.title)}</h2>")
        parts.append(f'<p class="why">{_h(s.piece.why)}</p>')
        parts += _html_blocks(s.blocks)
        if s.missing_parts:
            parts.append(f'<p class="status">Not included yet: {_h(", ".join(p.label for p in s.missing_parts))}.</p>')
        parts.append("</section>")
    if portfolio.missing:
        parts.append('<section id="still-to-do" class="missing"><h2>Still to do</h2>'
                     "<p>These pieces are missing. Nothing was filled in for you.</p><ul>")
        parts += [f"<li><strong>{_h(m.piece)}:</strong> {_h(m.what)} ({_h(m.reason)}). Where: {_h(m.where)}.</li>"
                  for m in portfolio.missing]
        parts.append("</ul></section>")
    if portfolio.problems:
        parts.append('<section id="problems"><h2>Problems found while gathering the work</h2>')
        parts += [f'<p class="problem" role="note">{_h(p)}</p>' for p in portfolio.problems]
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def portfolio_files() -> dict[str, Path]:
    from .paths import work_dir

    folder = work_dir() / MODULE
    return {"markdown": folder / "my-portfolio.md", "html": folder / "my-portfolio.html"}


def write_portfolio(portfolio: Portfolio | None = None) -> dict[str, Path]:
    """Write the portfolio as Markdown and HTML to your work folder; return both paths."""
    from .plan import _write

    portfolio = portfolio or build_portfolio()
    files = portfolio_files()
    _write(files["markdown"], to_markdown(portfolio))
    _write(files["html"], to_html(portfolio))
    return files
