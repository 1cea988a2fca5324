"""The compare chart: two builds (or two labs' latest runs) side by side, one row per metric.

Metrics have different units, so the bars show the change in % from left to right, coloured by
better or worse for that metric's direction; the right-hand column spells out both values with
their units. Long comparisons keep the biggest changes.
"""

from __future__ import annotations

import logging
import textwrap
from typing import Final

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from charts.errors import ChartError
from charts.lines import check_direction
from charts.specs import CompareRow, CompareSpec
from charts.style import (
    MUTED,
    NEUTRAL,
    TITLE_CHARS,
    WIDTH,
    change_pct,
    format_pct,
    format_value,
    new_figure,
    shorten,
    verdict_colour,
)

log = logging.getLogger(__name__)

MAX_ROWS: Final = 25
LABEL_CHARS: Final = 38
ROW_PX: Final = 46
FRAME_PX: Final = 190
MIN_HEIGHT: Final = 420
MIN_SPAN_PCT: Final = 5.0
CHAR_PX: Final = 11  # width of one label or subtitle character at 14 pt, a little generous
SUBTITLE_LINES: Final = 2
HEADER_PT: Final = 10  # the column header's distance above the plot, in points
SUBTITLE_PT: Final = HEADER_PT + 22  # the subtitle sits one line above the header


def compare_size(rows: int) -> tuple[int, int]:
    """The pixel size of a compare chart of `rows` rows (after the cut to `MAX_ROWS`)."""
    return WIDTH, max(MIN_HEIGHT, FRAME_PX + ROW_PX * min(rows, MAX_ROWS))


def keep_rows(rows: tuple[CompareRow, ...]) -> tuple[list[CompareRow], str]:
    """At most `MAX_ROWS` rows, the biggest changes first when cut; and a note when cut."""
    if len(rows) <= MAX_ROWS:
        return list(rows), ""

    def size(row: CompareRow) -> float:
        change = change_pct(row.left, row.right)
        return -1.0 if change is None else abs(change)

    biggest = set(sorted(range(len(rows)), key=lambda i: -size(rows[i]))[:MAX_ROWS])
    kept = [row for i, row in enumerate(rows) if i in biggest]
    return kept, f"the {MAX_ROWS} biggest changes of {len(rows)} metrics"


def value_text(row: CompareRow, spec: CompareSpec) -> str:
    if row.left is None and row.right is None:
        return "no values"
    if row.left is None:
        return f"only in {spec.right_label}: {format_value(row.right, row.unit)}"
    if row.right is None:
        return f"only in {spec.left_label}: {format_value(row.left, row.unit)}"
    return f"{format_value(row.left, row.unit)} → {format_value(row.right, row.unit)}"


def draw_rows(axes: Axes, rows: list[CompareRow], spec: CompareSpec) -> None:
    changes = [change_pct(row.left, row.right) for row in rows]
    places = list(range(len(rows)))[::-1]  # first row on top
    widths = [0.0 if c is None else c for c in changes]
    colours = [
        verdict_colour(c, row.direction, spec.neutral_pct)
        for c, row in zip(changes, rows, strict=True)
    ]
    bars = axes.barh(places, widths, color=colours, height=0.62, zorder=3)
    labels = [format_pct(c) if c is not None else "" for c in changes]
    axes.bar_label(bars, labels=labels, padding=5, fontsize=13, color=MUTED)
    span = max([MIN_SPAN_PCT, *(abs(w) for w in widths)]) * 1.5
    axes.set_xlim(-span, span)
    axes.axvline(0, color=NEUTRAL, linewidth=1.2, zorder=2)
    axes.set_yticks(places, [shorten(row.label, LABEL_CHARS) for row in rows])
    axes.set_ylim(-0.7, len(rows) - 0.3)
    values = axes.twinx()
    values.set_ylim(axes.get_ylim())
    values.set_yticks(places, [value_text(row, spec) for row in rows])
    for axis in (axes, values):
        axis.tick_params(axis="both", length=0, pad=8)
        axis.grid(axis="y", visible=False)
        for side in ("top", "right", "left"):
            axis.spines[side].set_visible(False)
    values.tick_params(axis="y", labelsize=13, labelcolor=MUTED)
    values.annotate(  # the values column's header, over that column
        f"{spec.left_label} → {spec.right_label}",
        xy=(1.0, 1.0),
        xycoords="axes fraction",
        xytext=(8, HEADER_PT),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=13,
        color=MUTED,
    )
    axes.tick_params(axis="y", labelsize=14)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+.0f}%" if v else "0"))


def subtitle_lines(subtitle: str, rows: list[CompareRow]) -> str:
    """The subtitle wrapped to the width right of the row labels (it starts over the plot)."""
    labels = max(len(shorten(row.label, LABEL_CHARS)) for row in rows)
    width = max(30, (WIDTH - 20 - CHAR_PX * (labels + 2)) // CHAR_PX)
    return textwrap.fill(subtitle, width, max_lines=SUBTITLE_LINES, placeholder=" …")


def put_compare_titles(figure: Figure, axes: Axes, title: str, subtitle: str) -> None:
    """The bold title at the top left, and the subtitle over the plot on a line of its own, above
    the values column's header (on one line the two ran into each other)."""
    figure.suptitle(shorten(title, TITLE_CHARS), x=0.01, ha="left", fontweight="bold")
    if subtitle:
        axes.set_title(subtitle, loc="left", color=MUTED, fontsize=14, pad=SUBTITLE_PT)


def draw_compare(spec: CompareSpec) -> Figure:
    if not spec.rows:
        raise ChartError("nothing to draw: the comparison has no metrics")
    for row in spec.rows:
        check_direction(row.direction)
    if all(row.left is None and row.right is None for row in spec.rows):
        raise ChartError("nothing to draw: no metric has a value on either side")
    rows, note = keep_rows(spec.rows)
    figure = new_figure(*compare_size(len(spec.rows)))
    axes = figure.add_subplot()
    draw_rows(axes, rows, spec)
    subtitle = " · ".join(part for part in (spec.subtitle, note) if part)
    put_compare_titles(figure, axes, spec.title, subtitle_lines(subtitle, rows) if subtitle else "")
    axes.set_xlabel(
        f"change from {spec.left_label} to {spec.right_label}  "
        "(green better, red worse, grey within noise)",
        color=MUTED,
        fontsize=13,
    )
    return figure
