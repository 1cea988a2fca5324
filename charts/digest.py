"""The digest chart: small multiples of the week's top movers, biggest first.

Each panel is a short trend with its change point marked and its change % in the colour of the
verdict; panels share nothing but the style, since movers have different units.
"""

from __future__ import annotations

import logging
import math
from typing import Final

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from charts.errors import ChartError
from charts.lines import (
    check_choice,
    check_direction,
    draw_line,
    draw_markers,
    draw_status,
    line_arrays,
)
from charts.specs import KINDS, DigestPanel, DigestSpec
from charts.style import (
    LINE_COLOURS,
    WIDTH,
    TickFormatter,
    format_pct,
    new_figure,
    shorten,
    verdict_colour,
)
from charts.trend import fit_builds

log = logging.getLogger(__name__)

MAX_PANELS: Final = 9
COLUMNS: Final = 3
PANEL_PX: Final = 290
FRAME_PX: Final = 110


def digest_size(panels: int) -> tuple[int, int]:
    """The pixel size of a digest of `panels` panels (after the cut to `MAX_PANELS`)."""
    rows = math.ceil(min(panels, MAX_PANELS) / COLUMNS)
    return WIDTH, FRAME_PX + PANEL_PX * rows


def draw_panel(axes: Axes, panel: DigestPanel) -> None:
    check_direction(panel.direction)
    check_choice("kind", panel.kind, KINDS)
    data = line_arrays(panel.line, "build")
    if not data.has_values:
        raise ChartError(f"nothing to draw for {panel.title!r}: it has no values")
    draw_line(axes, data, LINE_COLOURS[0], panel.line.label)
    draw_status(axes, data, set())
    draw_markers(axes, data, panel.line.markers, labelled=False)
    colour = verdict_colour(panel.change_pct, panel.direction)
    axes.set_title(shorten(panel.title, 36), loc="left", fontsize=12, pad=22)
    arrow = "▲" if panel.change_pct >= 0 else "▼"
    axes.text(
        0.0,
        1.02,
        f"{arrow} {format_pct(panel.change_pct)} {panel.kind}",
        transform=axes.transAxes,
        ha="left",
        va="bottom",
        fontsize=12,
        fontweight="bold",
        color=colour,
    )
    unit = f" {panel.unit}" if panel.unit and panel.unit != "%" else panel.unit
    axes.yaxis.set_major_formatter(TickFormatter(unit))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=1))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"#{v:.0f}"))
    fit_builds(axes, float(data.x[0]), float(data.x[-1]))
    axes.tick_params(axis="both", length=0, labelsize=11)
    axes.grid(axis="x", visible=False)


def draw_digest(spec: DigestSpec) -> Figure:
    if not spec.panels:
        raise ChartError("nothing to draw: the digest has no movers")
    panels = spec.panels[:MAX_PANELS]
    figure = new_figure(*digest_size(len(spec.panels)))
    rows = math.ceil(len(panels) / COLUMNS)
    grid = figure.add_gridspec(rows, COLUMNS)
    for index, panel in enumerate(panels):
        draw_panel(figure.add_subplot(grid[index // COLUMNS, index % COLUMNS]), panel)
    note = f"top {MAX_PANELS} of {len(spec.panels)} movers" if len(spec.panels) > MAX_PANELS else ""
    subtitle = " · ".join(part for part in (spec.subtitle, note) if part)
    figure.suptitle(spec.title, x=0.01, ha="left", fontweight="bold")
    if subtitle:
        figure.supxlabel(subtitle, x=0.01, ha="left", fontsize=13, color="#616061")
    return figure
