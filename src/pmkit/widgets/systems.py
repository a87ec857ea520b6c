"""The trace builder: draw what one change sets off downstream, then check it.

``SystemsModel`` holds the learner's edges (from, to, sign), lays them out in layers from the
change, draws them with matplotlib (no networkx) and checks them with
:func:`pmkit.transfer.check_trace`. ``systems_view()`` builds the ipywidgets view: dropdowns
for the two nodes and the sign, Add / Remove / Clear buttons, the list of edges, the figure and
a "Check against the Rotawise model" button. The figure is drawn when the view is built, so
the static book shows it too.

Colours are Okabe-Ito and never carry meaning alone: a + link is a solid line labelled "+",
a - link is a dashed line labelled "−"; metrics have square boxes with their role written in.
"""

from __future__ import annotations

import base64
import io
import re
import textwrap
from collections import deque
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from .. import transfer as tr
from .. import work
from ..feedback import Feedback
from . import _common as c

SAVE_PREFIX = "system_trace_widget"
SIGN_LABELS = {"+": "+  more of From means more of To", "-": "−  more of From means less of To"}
_BOX_W, _BOX_H = 2.2, 1.0          # node box size in data units (the height grows with the text)
_COL_W, _ROW_H = 3.5, 1.45         # distance between columns and rows
_MAX_W_IN, _MAX_H_IN = 7.5, 8.5    # fits the book's text column (about 740 px) without shrinking
_NODE_PT = 8.5                     # node text at full size: about 11 px on screen
_PNG_DPI = 144                     # sharp on high-density screens; shown at 96 px per inch


# --------------------------------------------------------------------------------------------
# Drawing (pure: a list of edges in, a matplotlib Figure out)
# --------------------------------------------------------------------------------------------
def _as_triples(edges: Any) -> list[tuple[str, str, str | None]]:
    if isinstance(edges, pd.DataFrame):
        sign = edges["effect"] if "effect" in edges.columns else [None] * len(edges)
        return [(str(a), str(b), s) for a, b, s in zip(edges["from_node"], edges["to_node"], sign)]
    out = []
    for e in edges:
        if len(e) == 3:
            out.append((str(e[0]), str(e[1]), e[2]))
        else:
            out.append((str(e[0]), str(e[1]), None))
    return out


def layers(edges: Any, change: str) -> dict[str, int]:
    """Column of every node: 0 for the change, then the fewest links from it. Nodes that the
    edges never connect to the change get the column after the last one."""
    triples = _as_triples(edges)
    nxt: dict[str, list[str]] = {}
    for a, b, _ in triples:
        nxt.setdefault(a, []).append(b)
    dist = {change: 0}
    queue = deque([change])
    while queue:
        node = queue.popleft()
        for b in nxt.get(node, []):
            if b not in dist:
                dist[b] = dist[node] + 1
                queue.append(b)
    loose = max(dist.values()) + 1
    for a, b, _ in triples:
        for node in (a, b):
            dist.setdefault(node, loose)
    return dist


def _order(dist: dict[str, int], triples, row_h: float = _ROW_H,
           col_w: float = _COL_W) -> dict[str, tuple[float, float]]:
    """x, y of every node: one column per layer; the rows in each column ordered to keep lines from
    crossing (barycentre sweeps, forwards and backwards, keeping the order with fewest crossings)."""
    columns: dict[int, list[str]] = {}
    for node, col in sorted(dist.items(), key=lambda item: (item[1], item[0])):
        columns.setdefault(col, []).append(node)
    links = [(a, b) for a, b, _ in triples if a in dist and b in dist and dist[b] == dist[a] + 1]

    def ys(order: dict[int, list[str]]) -> dict[str, float]:
        return {node: (len(nodes) - 1) / 2 - row for nodes in order.values() for row, node in enumerate(nodes)}

    def crossings(order: dict[int, list[str]]) -> int:
        y = ys(order)
        return sum(1 for i, (a, b) in enumerate(links) for c, d in links[i + 1:]
                   if dist[a] == dist[c] and (y[a] - y[c]) * (y[b] - y[d]) < 0)

    def sweep(order: dict[int, list[str]], forward: bool) -> dict[int, list[str]]:
        order = {col: list(nodes) for col, nodes in order.items()}
        cols = sorted(order)[1:] if forward else sorted(order, reverse=True)[1:]
        for col in cols:
            y = ys(order)
            near = [(a, b) for a, b in links if (dist[b] == col if forward else dist[a] == col)]

            def centre(node: str) -> float:
                found = [y[a] for a, b in near if b == node] if forward else [y[b] for a, b in near if a == node]
                return sum(found) / len(found) if found else y[node]

            order[col].sort(key=lambda node: (-centre(node), node))
        return order

    best = {col: list(nodes) for col, nodes in columns.items()}
    best = sweep(best, forward=True)
    current, fewest = best, crossings(best)
    for _ in range(4):
        for forward in (False, True):
            current = sweep(current, forward)
            count = crossings(current)
            if count < fewest:
                best, fewest = current, count
    def swaps(col: int) -> list[tuple[int, int]]:
        return [(col, i) for i in range(len(best.get(col, [])) - 1)]

    improved = len(links) <= 40                 # small graphs: swap neighbours, in one column or in two
    while improved and fewest:                  # side by side, while that removes crossings
        improved = False
        moves = [(m,) for col in sorted(best) for m in swaps(col)]
        moves += [(m, n) for col in sorted(best) for m in swaps(col) for n in swaps(col + 1)]
        for move in moves:
            trial = {c: list(n) for c, n in best.items()}
            for col, i in move:
                trial[col][i], trial[col][i + 1] = trial[col][i + 1], trial[col][i]
            count = crossings(trial)
            if count < fewest:
                best, fewest, improved = trial, count, True
                break
    y = ys(best)
    return {node: (dist[node] * col_w, y[node] * row_h) for node in dist}


def _edge_point(centre: tuple[float, float], toward: tuple[float, float], box_w: float = _BOX_W,
                box_h: float = _BOX_H) -> tuple[float, float]:
    """Where the line from a box's centre towards ``toward`` leaves the box."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    tx = (box_w / 2) / abs(dx) if dx else float("inf")
    ty = (box_h / 2) / abs(dy) if dy else float("inf")
    t = min(tx, ty)
    return centre[0] + t * dx, centre[1] + t * dy


def _bezier(p1, ctrl, p2, t: float) -> tuple[float, float]:
    u = 1 - t
    return (u * u * p1[0] + 2 * u * t * ctrl[0] + t * t * p2[0], u * u * p1[1] + 2 * u * t * ctrl[1] + t * t * p2[1])


def _free_spot(p1, ctrl, p2, placed, others=(), boxes=(), gap: float = 0.42,
               clear: float = 0.3) -> tuple[float, float]:
    """A point on the curved edge for its sign label: away from labels already placed, from the
    node boxes (``boxes``: x, y, half width, half height) and from the other edges (``others``:
    points along them), so a label never hides a name or sits where two lines cross."""
    def free_of_labels(spot):
        return all(abs(spot[0] - x) > gap or abs(spot[1] - y) > gap * 0.6 for x, y in placed)

    def free_of_boxes(spot):
        return all(abs(spot[0] - x) > w + 0.2 or abs(spot[1] - y) > h + 0.15 for x, y, w, h in boxes)

    def free_of_lines(spot):
        return all(abs(spot[0] - x) > clear or abs(spot[1] - y) > clear for x, y in others)

    candidates = [_bezier(p1, ctrl, p2, t) for t in (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8, 0.13)]
    for test in (lambda sp: free_of_labels(sp) and free_of_boxes(sp) and free_of_lines(sp),
                 lambda sp: free_of_labels(sp) and free_of_boxes(sp), free_of_labels):
        for spot in candidates:
            if test(spot):
                return spot
    return candidates[0]


def _node_text(node: str, model: tr.SystemModel | None, width: int = 16) -> str:
    text = "\n".join(textwrap.wrap(node, width)) or node
    if model is not None and node in model.nodes.index:
        kind = model.kind(node)
        if kind == "metric":
            text += f"\n[{model.role(node)}]"
        elif kind == "change" and model.nodes.at[node, "backlog_id"]:
            text += f"\n[change · {model.nodes.at[node, 'backlog_id']}]"
    return text


def _geometry(dist: dict[str, int], texts: dict[str, str]) -> tuple[float, float, float, float, float]:
    """(inches per data unit, node font size, box height, row height, column width) for a layout:
    as large as the book's text column allows, with boxes tall enough for their text. Long chains
    get narrower gaps between columns, so their text can stay at full size."""
    n_cols = max(dist.values()) + 1
    col_w = _COL_W if n_cols <= 4 else _COL_W - 0.5
    per_col: dict[int, int] = {}
    for col in dist.values():
        per_col[col] = per_col.get(col, 0) + 1
    lines = max((t.count("\n") + 1 for t in texts.values()), default=1)
    width = (n_cols - 1) * col_w + _BOX_W * 1.4
    scale = min(0.62, _MAX_W_IN / width)
    font = max(6.0, _NODE_PT * min(1.0, scale / 0.49))
    box_h = max(_BOX_H, (lines * font * 1.3 / 72 + 0.12) / scale)
    row_h = box_h + (_ROW_H - _BOX_H)
    height = (max(per_col.values()) - 1) * row_h + box_h + 2.2 * row_h
    if height * scale > _MAX_H_IN:
        scale = _MAX_H_IN / height
        font = max(6.0, _NODE_PT * min(1.0, scale / 0.49))
    return scale, font, box_h, row_h, col_w


def draw_trace(edges: Any, change: str, model: tr.SystemModel | None = None, title: str | None = None,
               marks: dict[tuple[str, str], bool | None] | None = None) -> Figure:
    """Draw edges in layers from ``change``: a list of (from, to, sign) or a table such as
    :func:`pmkit.transfer.downstream` returns. ``marks`` puts ✓ or ✗ on edges (after a check).
    The figure is sized to be shown at 96 pixels per inch (see :func:`figure_html`) in the book's
    text column, so its text stays readable without a kernel."""
    triples = _as_triples(edges)
    dist = layers(triples, change)
    texts = {node: _node_text(node, model, 13 if node == change else 16) for node in dist}   # bold is wider
    scale, font, box_h, row_h, col_w = _geometry(dist, texts)
    pos = _order(dist, triples, row_h, col_w)
    n_cols = max(dist.values()) + 1
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    x_lo, x_hi = min(xs) - _BOX_W * 0.6, (max(xs) + _BOX_W * 0.8) if triples else col_w * 2.2
    y_lo, y_hi = min(ys) - box_h / 2 - 0.35, max(ys) + box_h / 2 + row_h * 0.75
    if (x_hi - x_lo) * scale < 6.0:                                    # room for the legend
        x_hi = x_lo + 6.0 / scale
    legend_in = 0.75 if marks else 0.55
    fig = Figure(figsize=((x_hi - x_lo) * scale, (y_hi - y_lo) * scale + 0.45 + legend_in), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_title(title or f"Your trace from {change}", fontsize=font + 2.5)
    linked = _reach(triples, change)
    connected = max(dist[n] for n in linked)
    for col in range(n_cols):
        if col == 0:
            head = "the change"
        elif col > connected:
            head = "not linked to\nthe change yet"
        else:
            head = f"step {col}"
        top = max(y for node, (x, y) in pos.items() if dist[node] == col) if any(dist[n] == col for n in pos) else 0
        ax.text(col * col_w, top + box_h / 2 + 0.12, head, ha="center", va="bottom", fontsize=font,
                color="#333333", style="italic")
    for node, (x, y) in pos.items():
        kind = model.kind(node) if model is not None and node in model.nodes.index else "effect"
        face = {"change": "#cfe8f7", "metric": "#fbf3c4"}.get(kind, "#ffffff")
        style = "square,pad=0.02" if kind == "metric" else "round,pad=0.02,rounding_size=0.18"
        box = FancyBboxPatch((x - _BOX_W / 2, y - box_h / 2), _BOX_W, box_h, boxstyle=style,
                             facecolor=face, edgecolor=c.BLACK if kind != "effect" else c.GREY,
                             linewidth=1.6 if kind == "change" else 1.0, zorder=2)
        ax.add_patch(box)
        ax.text(x, y, texts[node], ha="center", va="center", fontsize=font, zorder=3, linespacing=1.15,
                fontweight="bold" if node == change else "normal")
    pairs = {(a, b) for a, b, _ in triples}
    drawn = []                                   # (a, b, sign, p1, ctrl, p2, colour)
    for a, b, sign in triples:
        if a not in pos or b not in pos or a == b:
            continue
        start, end = pos[a], pos[b]
        if dist[b] == dist[a]:                  # same column: leave and enter on the right, bowing outwards
            p1, p2 = (start[0] + _BOX_W / 2, start[1]), (end[0] + _BOX_W / 2, end[1])
            rad = 0.5 if p2[1] > p1[1] else -0.5
        elif dist[b] < dist[a]:                 # backwards: over the top
            p1, p2 = (start[0], start[1] + box_h / 2), (end[0], end[1] + box_h / 2)
            rad = 0.35
        else:
            rad = 0.18 if (b, a) in pairs else 0.0
            p1, p2 = _edge_point(start, end, _BOX_W, box_h), _edge_point(end, start, _BOX_W, box_h)
        colour = c.BLUE if sign == "+" else c.VERMILLION if sign == "-" else c.GREY
        line = "solid" if sign == "+" else "dashed" if sign == "-" else "dotted"
        arrow = FancyArrowPatch(p1, p2, arrowstyle="-|>", mutation_scale=13, color=colour, linewidth=1.5,
                                linestyle=line, connectionstyle=f"arc3,rad={rad}", zorder=1)
        ax.add_patch(arrow)
        mid = ((p1[0] + p2[0]) / 2, (p1[1] + p2[1]) / 2)
        ctrl = (mid[0] + rad * (p2[1] - p1[1]), mid[1] - rad * (p2[0] - p1[0]))
        drawn.append((a, b, sign, p1, ctrl, p2, colour))
    samples = {(a, b): [_bezier(p1, ctrl, p2, i / 24) for i in range(1, 24)] for a, b, _, p1, ctrl, p2, _ in drawn}
    boxes = [(x, y, _BOX_W / 2, box_h / 2) for x, y in pos.values()]
    placed: list[tuple[float, float]] = []
    for a, b, sign, p1, ctrl, p2, colour in drawn:
        others = [pt for key, pts in samples.items() if key != (a, b) for pt in pts]
        label_at = _free_spot(p1, ctrl, p2, placed, others, boxes)
        placed.append(label_at)
        text = {"+": "+", "-": "−"}.get(sign or "", "?")
        mark = (marks or {}).get((a, b))
        if mark is True:
            text += " ✓"
        elif mark is False:
            text += " ✗"
        ax.text(*label_at, text, ha="center", va="center", fontsize=font + 1.5, fontweight="bold", color=colour,
                zorder=4, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": colour,
                                "linewidth": 0.8})
    if not triples:
        ax.text(col_w * 0.9, 0, "Add your first edge:\nwhat does this change\nmove directly?", ha="left",
                va="center", fontsize=font + 0.5, color="#333333")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    handles = [Line2D([], [], color=c.BLUE, linestyle="solid", linewidth=1.8,
                      label="+ : more of one, more of the next"),
               Line2D([], [], color=c.VERMILLION, linestyle="dashed", linewidth=1.8,
                      label="− : more of one, less of the next"),
               Patch(facecolor="#cfe8f7", edgecolor=c.BLACK, label="rounded, bold edge: the change"),
               Patch(facecolor="#fbf3c4", edgecolor=c.BLACK, label="square: one of the quarter's metrics")]
    if marks:
        handles.append(Line2D([], [], color="white", label="✓ in the Rotawise model · ✗ not (or wrong sign)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=font, frameon=False)
    return fig


def _reach(edges: Any, change: str) -> set[str]:
    """The nodes the edges connect to the change, following the arrows."""
    triples = _as_triples(edges)
    reach = {change}
    grew = True
    while grew:
        grew = False
        for a, b, _ in triples:
            if a in reach and b not in reach:
                reach.add(b)
                grew = True
    return reach


def describe(edges: Any, change: str) -> str:
    """A sentence listing the edges, for alt text and screen readers."""
    triples = _as_triples(edges)
    if not triples:
        return f"A diagram with only the change, {change}, and no edges yet."
    listed = "; ".join(f"{a} to {b} ({'plus' if s == '+' else 'minus' if s == '-' else 'no sign'})"
                       for a, b, s in triples[:20])
    more = f"; and {len(triples) - 20} more" if len(triples) > 20 else ""
    return f"A diagram of {len(triples)} link(s) from {change}: {listed}{more}."


def figure_html(fig: Figure, alt: str, css_class: str = "pmkit-systems-image") -> str:
    """A figure as an <img> with alt text (a PNG inside the HTML, so saved widget state keeps it)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_PNG_DPI)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width = round(fig.get_size_inches()[0] * 96)       # drawn for 96 px per inch; the extra pixels keep it sharp
    return (f'<figure class="{c.esc(css_class)}" style="margin:0.3em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{c.esc(alt)}" width="{width}" '
            'style="max-width:100%;height:auto"></figure>')


def trace_picture(edges: Any, change: str, model: tr.SystemModel | None = None, title: str | None = None):
    """Draw edges for a notebook cell: an HTML picture with alt text (works in the static book).

    ``edges`` is anything :func:`pmkit.transfer.check_trace` accepts (a list of (from, to, sign),
    text lines, a table such as :func:`pmkit.transfer.key_edges` returns). Edges whose nodes are
    not in the model are left out and listed under the picture; an unanswered ``...`` draws the
    change alone. Never raises for a learner's answer.
    """
    from IPython.display import HTML

    model = model if model is not None else tr.load_system_model()
    start = model._require(change)
    triples: list[tuple[str, str, str | None]] = []
    skipped: list[str] = []
    if not work.is_unanswered(edges):
        try:
            parsed = tr.parse_edges(edges)
        except TypeError:
            parsed = []
            skipped.append(f"could not read {c.esc(tr._type_name(edges))} as edges")
        for e in parsed:
            a, b = model.canonical(e.source), model.canonical(e.target)
            if a is None or b is None or a == b:
                if e.raw != "...":
                    skipped.append(c.esc(tr._short(e.raw, 50)))
                continue
            triples.append((a, b, e.sign if e.sign in ("+", "-") else None))
    fig = draw_trace(triples, start, model, title=title)
    html = figure_html(fig, describe(triples, start), css_class="pmkit-systems-picture")
    if skipped:
        html += f'<p class="pmkit-note">Not drawn (not edges between two model nodes): {"; ".join(skipped)}.</p>'
    return HTML(html)


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------
class SystemsModel:
    """State of the trace builder for one change.

    ``change`` is a change node of the Rotawise model (a name, or a backlog id such as "B04");
    ``model`` defaults to :func:`pmkit.transfer.load_system_model`. With ``example=True`` the
    trace starts with one edge from the model, so there is something to look at.
    """

    def __init__(self, change: str = "swap auto-approval", model: tr.SystemModel | None = None,
                 example: bool = False):
        self.model = model if model is not None else tr.load_system_model()
        self.change = self.model._require(change)
        if not self.model.successors(self.change):
            raise ValueError(f"Nothing in the Rotawise model follows from '{self.change}', so there is nothing to "
                             f"trace from it. Start from a change: {', '.join(self.model.changes)}.")
        self.edges: list[tuple[str, str, str]] = []
        self.history: list[tuple[str, tuple[str, str, str] | None]] = []
        self.checked: dict[tuple[str, str], bool | None] | None = None
        if example:
            first = tr.downstream(self.change, depth=1, model=self.model).iloc[0]
            self.add_edge(first["from_node"], first["to_node"], first["effect"])
            self.history.clear()

    # ---- state -------------------------------------------------------------------------------
    @property
    def nodes(self) -> list[str]:
        return self.model.names

    def node_options(self) -> list[tuple[str, str]]:
        return [(self.model.label(n), n) for n in self.nodes]

    def _node(self, name: Any) -> str:
        node = self.model.canonical(name)
        if node is None:
            raise ValueError(f"{name!r} is not a node in the Rotawise model.{self.model.suggest(name)}")
        return node

    def add_edge(self, source: Any, target: Any, sign: Any) -> str:
        """Add an edge (or change the sign of one already there). Returns what happened.
        Invalid input raises ValueError and changes nothing."""
        a, b = self._node(source), self._node(target)
        if a == b:
            raise ValueError("An edge must join two different nodes: pick another To node.")
        s = tr._sign(sign)
        if s not in ("+", "-"):
            raise ValueError(f"{sign!r} is not a sign. Use + (more means more) or - (more means less).")
        for i, (x, y, old) in enumerate(self.edges):
            if (x, y) == (a, b):
                if old == s:
                    raise ValueError(f"{a} → {b} ({old}) is already in your trace.")
                self.edges[i] = (a, b, s)
                self.history.append(("sign", (a, b, s)))
                self.checked = None
                return f"Changed the sign of {a} → {b} to {s}."
        self.edges.append((a, b, s))
        self.history.append(("add", (a, b, s)))
        self.checked = None
        return f"Added {a} → {b} ({s})."

    def remove_edge(self, source: Any, target: Any) -> str:
        a, b = self._node(source), self._node(target)
        for i, (x, y, s) in enumerate(self.edges):
            if (x, y) == (a, b):
                del self.edges[i]
                self.history.append(("remove", (x, y, s)))
                self.checked = None
                return f"Removed {a} → {b}."
        raise ValueError(f"{a} → {b} is not in your trace.")

    def clear(self) -> None:
        self.edges.clear()
        self.history.append(("clear", None))
        self.checked = None

    # ---- results -----------------------------------------------------------------------------
    def check(self, reveal: bool = False) -> Feedback:
        result = tr.check_trace(self.edges, self.change, reveal=reveal, model=self.model)
        marks: dict[tuple[str, str], bool | None] = {}
        downstream_of_change = tr._distances(self.model, self.change)
        for a, b, s in self.edges:
            edge = self.model.edge(a, b)
            marks[(a, b)] = edge is not None and edge["effect"] == s and a in downstream_of_change
        self.checked = marks
        return result

    def layers(self) -> dict[str, int]:
        return layers(self.edges, self.change)

    def figure(self) -> Figure:
        return draw_trace(self.edges, self.change, self.model, marks=self.checked)

    def figure_html(self) -> str:
        return figure_html(self.figure(), describe(self.edges, self.change))

    def edges_html(self) -> str:
        if not self.edges:
            return '<p class="pmkit-note">No edges yet.</p>'
        frame = pd.DataFrame(
            [{"from": a, "to": b, "sign": "+ (more means more)" if s == "+" else "− (more means less)",
              "step": self.layers().get(a, 0) + 1} for a, b, s in self.edges],
            index=pd.RangeIndex(1, len(self.edges) + 1, name="#"))
        cols = {"id": "#", "from": "From", "to": "To", "sign": "Effect"}
        return c.TABLE_CSS + c.html_table(frame, cols, {"from": c.esc, "to": c.esc, "sign": c.esc},
                                          css_class="pmkit-table", caption="Your edges")

    def glossary_html(self) -> str:
        rows = "".join(f"<li><b>{c.esc(self.model.label(n))}</b>: {c.esc(self.model.nodes.at[n, 'description'])}</li>"
                       for n in self.nodes)
        return f'<ul class="pmkit-systems-glossary-list">{rows}</ul>'

    def summary(self) -> str:
        linked = _reach(self.edges, self.change)
        reached = [m for m in self.model.metrics if m in linked]
        text = f"{len(self.edges)} edge(s) in your trace."
        if reached:
            text += f" It reaches {', '.join(reached)}."
        return text

    # ---- saving ------------------------------------------------------------------------------
    @property
    def save_key(self) -> str:
        return f"{SAVE_PREFIX}.{re.sub(r'[^A-Za-z0-9]+', '-', self.change).strip('-')}"

    def to_json(self) -> dict:
        return {"change": self.change, "edges": [[a, b, s] for a, b, s in self.edges]}

    def apply_json(self, data: Any) -> list[str]:
        if not isinstance(data, dict) or not isinstance(data.get("edges", []), list):
            return ["Your saved trace was not in the expected form; starting again."]
        self.edges.clear()
        skipped = []
        for entry in data.get("edges", []):
            if not isinstance(entry, (list, tuple)) or len(entry) != 3:
                skipped.append(f"skipped a saved entry ({tr._short(repr(entry), 40)}): it is not an edge of the "
                               "form [from, to, sign].")
                continue
            try:
                self.add_edge(*entry)
            except ValueError as err:
                skipped.append(f"skipped a saved edge ({tr._short(repr(entry), 60)}): {err}")
        self.history.clear()
        self.checked = None
        return skipped

    def save(self) -> Path:
        return work.save_answer(tr.MODULE, self.save_key, self.to_json())

    def load(self) -> list[str]:
        data = work.load_answer(tr.MODULE, self.save_key)
        return [] if data is None else self.apply_json(data)


# --------------------------------------------------------------------------------------------
# View
# --------------------------------------------------------------------------------------------
def systems_view(change: str = "swap auto-approval", restore: bool = True, autosave: bool = True,
                 example: bool = True):
    """The trace builder as an ipywidgets app.

    Pick a From node, a To node and the sign, then press Add edge. The diagram redraws in layers
    from the change. "Check against the Rotawise model" compares your edges with the course's
    model. With ``autosave`` your trace is saved in ``my-work/`` and restored next time.
    """
    import ipywidgets as W

    try:
        model = SystemsModel(change, example=False)
    except (ValueError, OSError) as err:   # DataError is a ValueError
        return c.error_widget(err, "trace builder")
    messages = model.load() if restore else []
    restored = bool(model.edges)
    if not restored and example:
        first = tr.downstream(model.change, depth=1, model=model.model).iloc[0]
        model.add_edge(first["from_node"], first["to_node"], first["effect"])
        model.history.clear()

    options = model.node_options()
    source = W.Dropdown(options=options, value=model.change, description="From", style=c.LABEL,
                        layout=W.Layout(width="100%", max_width="420px"))
    target = W.Dropdown(options=options, value=None, description="To", style=c.LABEL,
                        layout=W.Layout(width="100%", max_width="420px"))
    sign = W.Dropdown(options=[(label, s) for s, label in SIGN_LABELS.items()], value="+", description="Effect",
                      style=c.LABEL, layout=W.Layout(width="100%", max_width="420px"))
    add = W.Button(description="Add edge", icon="plus", button_style="primary", tooltip="Add this link to your trace")
    listing = W.Select(options=[], description="Your edges", style=c.LABEL, rows=6,
                       layout=W.Layout(width="100%", max_width="560px"))
    remove = W.Button(description="Remove selected", icon="minus", tooltip="Remove the edge selected in the list")
    clear = W.Button(description="Clear all", icon="trash", tooltip="Remove every edge")
    check = W.Button(description="Check against the Rotawise model", icon="check", button_style="success",
                     layout=W.Layout(width="auto"))
    reveal = W.Button(description="Show the model's answer", icon="eye", layout=W.Layout(width="auto"))
    figure = W.HTML()
    status = W.HTML()
    feedback = W.HTML()
    glossary = W.HTML("<details><summary><b>What the nodes mean</b></summary>" + model.glossary_html() + "</details>")
    for w, cls in ((source, "from"), (target, "to"), (sign, "effect"), (add, "add"), (listing, "edges"),
                   (remove, "remove"), (clear, "clear"), (check, "check"), (reveal, "reveal"), (figure, "figure"),
                   (status, "status"), (feedback, "feedback"), (glossary, "glossary")):
        w.add_class(f"pmkit-systems-{cls}")

    def saved_note() -> str:
        if not autosave:
            return ""
        try:
            path = model.save()
        except OSError as err:
            return f' <span class="pmkit-error">Not saved: {c.esc(err)}</span>'
        return f' <span class="pmkit-note">Saved in {c.esc(_short(path))}.</span>'

    def refresh(note: str = "") -> None:
        listing.options = [(f"{a} → {b} ({'+' if s == '+' else '−'})", i) for i, (a, b, s) in enumerate(model.edges)]
        figure.value = model.figure_html()
        status.value = f'<span class="pmkit-note">{c.esc(model.summary())}</span>' + note

    def on_add(_):
        if source.value is None or target.value is None:
            status.value = '<span class="pmkit-error">Pick a From node and a To node first.</span>'
            return
        try:
            said = model.add_edge(source.value, target.value, sign.value)
        except ValueError as err:
            status.value = f'<span class="pmkit-error">{c.esc(err)}</span>'
            return
        feedback.value = ""
        refresh(f' <span class="pmkit-note">{c.esc(said)}</span>' + saved_note())
        source.value = target.value   # carry on from where the last edge ended
        target.value = None

    def on_remove(_):
        if listing.value is None:
            status.value = '<span class="pmkit-error">Select an edge in the list first.</span>'
            return
        a, b, _s = model.edges[listing.value]
        said = model.remove_edge(a, b)
        feedback.value = ""
        refresh(f' <span class="pmkit-note">{c.esc(said)}</span>' + saved_note())

    def on_clear(_):
        model.clear()
        feedback.value = ""
        refresh(saved_note())

    def on_check(reveal_all: bool):
        def handler(_):
            result = model.check(reveal=reveal_all)
            feedback.value = result._repr_html_()
            refresh()
        return handler

    add.on_click(on_add)
    remove.on_click(on_remove)
    clear.on_click(on_clear)
    check.on_click(on_check(False))
    reveal.on_click(on_check(True))

    note = ""
    if restored:
        note = " <span class='pmkit-note'>Restored the trace you saved earlier. Press Clear all to start again.</span>"
    elif example and model.edges:
        a, b, s = model.edges[0]
        note = (f" <span class='pmkit-note'>One example edge is already in: {c.esc(a)} → {c.esc(b)} ({s}). "
                "Add the next links from there.</span>")
    if messages:
        note += "".join(f'<br><span class="pmkit-error">{c.esc(m)}</span>' for m in messages)
    if model.edges:
        source.value = model.edges[-1][1]
    refresh(note)
    feedback.value = ('<div class="pmkit-feedback" role="status"><p>Feedback appears here when you press '
                      "<b>Check against the Rotawise model</b>.</p></div>")

    intro = W.HTML(f'<p class="pmkit-note">Trace what <b>{c.esc(model.change)}</b> changes downstream. '
                   "Pick a From node, a To node and the effect, then press <b>Add edge</b>. "
                   "A + link means more of From brings more of To; a − link means more of From brings less of To.</p>")
    controls = W.VBox([source, target, sign, W.HBox([add])])
    edits = W.VBox([listing, W.HBox([remove, clear])])
    app = W.VBox([intro, glossary, controls, edits, status, figure, W.HBox([check, reveal]), feedback])
    app.add_class("pmkit-systems")
    app.model_ = model  # for tests and curious learners
    return app


def _short(path: Path) -> str:
    from ..paths import REPO_ROOT

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
