"""Pieces shared by the widget models and views: colours, number formats, figure output."""

from __future__ import annotations

import html

import pandas as pd

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#999999"
BLACK = "#000000"

IMPACT_LABELS = {3.0: "3 · massive", 2.0: "2 · high", 1.0: "1 · medium", 0.5: "0.5 · low", 0.25: "0.25 · minimal"}
CONFIDENCE_LABELS = {1.0: "100% · high", 0.8: "80% · medium", 0.5: "50% · low", 0.2: "20% · moonshot"}
ALL_THEMES = "All themes"


def fmt_number(value: float) -> str:
    """Readable number: thousands separators, at most one decimal for small values."""
    if pd.isna(value):
        return "–"
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_percent(value: float) -> str:
    return "–" if pd.isna(value) else f"{float(value):.0%}"


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def html_table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    formats: dict | None = None,
    css_class: str = "pmkit-table",
    row_class=None,
    caption: str | None = None,
    highlight: set[tuple[str, str]] | None = None,
) -> str:
    """Render rows as an accessible HTML table. The index (item id) goes in ``data-item``.

    ``columns`` maps frame column -> header; ``"id"`` means the index. ``highlight`` holds
    (id, column) cells the learner changed: they are marked with a symbol and a title, not
    colour alone.
    """
    formats = formats or {}
    highlight = highlight or set()
    out = [f'<table class="{esc(css_class)}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in columns.values()) + "</tr></thead>")
    out.append("<tbody>")
    for item_id, row in frame.iterrows():
        cls = row_class(item_id, row) if row_class else ""
        out.append(f'<tr data-item="{esc(item_id)}"' + (f' class="{esc(cls)}"' if cls else "") + ">")
        for col in columns:
            value = item_id if col == "id" else row[col]
            text = formats[col](value) if col in formats else esc(value)
            if (str(item_id), col) in highlight:
                text = f'<strong title="changed by you">{text} ✎</strong>'
            tag = "th scope=\"row\"" if col == "id" else "td"
            out.append(f"<{tag}>{text}</{tag.split()[0]}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


TABLE_CSS = """
<style>
.pmkit-table {border-collapse: collapse; font-size: 0.85em; margin: 0.3em 0;}
.pmkit-table th, .pmkit-table td {padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left;}
.pmkit-table td:nth-child(n+5) {text-align: right;}
.pmkit-table tr.pmkit-out td {color: #555;}
.pmkit-table caption {text-align: left; font-weight: bold; padding-bottom: 4px;}
.pmkit-note {font-size: 0.9em; color: #333;}
.pmkit-error {color: #A33; font-weight: bold;}
</style>
"""


def show_figure(output, fig) -> None:
    """Replace what an ipywidgets Output shows with a matplotlib figure (then free it)."""
    from IPython.display import display
    import matplotlib.pyplot as plt

    with output:
        output.clear_output(wait=True)
        display(fig)
    plt.close(fig)

# Let control labels take the room they need instead of being cut ("Capacity (…").
LABEL = {"description_width": "initial"}


def checked_backlog(backlog: pd.DataFrame) -> pd.DataFrame:
    """Validate a backlog handed to a widget with the loader's rules (a clear DataError listing
    every problem, never a pandas traceback), keeping where it came from."""
    from ..data import validate_backlog

    clean = validate_backlog(backlog)
    if backlog.attrs.get("source"):
        clean.attrs["source"] = backlog.attrs["source"]
    return clean


def error_widget(err: Exception, what: str):
    """What a view shows instead of raising when its input is unusable."""
    import ipywidgets as W

    box = W.HTML(
        f'<div class="pmkit-error" role="alert">The {esc(what)} cannot start:</div>'
        f'<pre style="white-space: pre-wrap">{esc(err)}</pre>'
        '<p class="pmkit-note">Fix the data and run the cell again. Nothing was changed.</p>'
    )
    box.add_class("pmkit-error-box")
    return box


def themes_of(frame: pd.DataFrame) -> list[str]:
    """The backlog's strategic themes, sorted (empty when it has no theme column)."""
    if "theme" not in frame.columns:
        return []
    return sorted(frame["theme"].dropna().astype(str).unique())


def pick_theme(theme: str | None, themes: list[str]) -> str | None:
    """None for "all themes"; the theme itself if the backlog has it; otherwise a clear error."""
    if theme in (None, "", ALL_THEMES):
        return None
    if theme not in themes:
        raise ValueError(f"Unknown theme {theme!r}; choose one of {', '.join(themes) or '(this backlog has none)'}.")
    return theme
