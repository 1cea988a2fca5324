"""The alert chart: the window around one change, with the level before and after it drawn.

The builds between the last good and the first changed build are shaded (the suspect range whose
commits the alert lists), and the change is spelled out in the colour of its verdict.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from charts.errors import ChartError
from charts.lines import (
    KIND_COLOUR,
    LineArrays,
    check_choice,
    check_direction,
    draw_line,
    draw_status,
    line_arrays,
)
from charts.specs import KINDS, AlertSpec
from charts.style import (
    BACKGROUND,
    LINE_COLOURS,
    MUTED,
    axis_label,
    bottom_legend,
    format_pct,
    format_value,
    plot_figure,
    put_titles,
    style_value_axis,
)
from charts.trend import fit_builds, style_x_axis

log = logging.getLogger(__name__)


def headline(spec: AlertSpec) -> str:
    arrow = "▲" if spec.change_pct >= 0 else "▼"
    before = format_value(spec.level_before, spec.unit)
    after = format_value(spec.level_after, spec.unit)
    return f"{arrow} {format_pct(spec.change_pct)} {spec.kind}: {before} → {after}"


def check_alert(spec: AlertSpec) -> None:
    check_direction(spec.direction)
    check_choice("kind", spec.kind, KINDS)
    if spec.build_after <= spec.build_before:
        raise ChartError(
            f"the build after the change (#{spec.build_after}) must come after "
            f"the build before it (#{spec.build_before})"
        )
    if not all(math.isfinite(v) for v in (spec.level_before, spec.level_after, spec.change_pct)):
        raise ChartError("the levels and the change of an alert must be finite numbers")


def draw_levels(axes: Axes, spec: AlertSpec, data: LineArrays, colour: str) -> None:
    """The suspect range shaded, the level before and the level after as dashed lines."""
    first = float(min(data.x[0], spec.build_before))
    last = float(max(data.x[-1], spec.build_after))
    axes.axvspan(spec.build_before, spec.build_after, color=colour, alpha=0.10, linewidth=0)
    dashed: dict[str, Any] = {"linestyles": "--", "linewidth": 2.4, "zorder": 4}
    axes.hlines(
        spec.level_before, first, spec.build_before, colors=MUTED, label="level before", **dashed
    )
    axes.hlines(
        spec.level_after, spec.build_after, last, colors=colour, label="level after", **dashed
    )
    shown = [part for part in (data.y, data.low, data.high) if part is not None]
    low, high = float(np.nanmin(shown)), float(np.nanmax(shown))
    pad = max(high - low, abs(high) * 0.02, 1e-9) * 0.35
    levels = (spec.level_before, spec.level_after)
    axes.set_ylim(min(low, *levels) - pad * 0.5, max(high, *levels) + pad)  # room for headline


def draw_headline(axes: Axes, spec: AlertSpec, colour: str) -> None:
    box = {"boxstyle": "round,pad=0.3", "facecolor": BACKGROUND, "edgecolor": "none", "alpha": 0.9}
    axes.text(
        0.01,
        0.97,
        headline(spec),
        transform=axes.transAxes,
        ha="left",
        va="top",
        fontsize=17,
        fontweight="bold",
        color=colour,
        zorder=6,
        bbox=box,
    )


def draw_alert(spec: AlertSpec) -> Figure:
    check_alert(spec)
    data = line_arrays(spec.line, "build")
    if not data.has_values:
        raise ChartError("nothing to draw: the alert window has no values")
    figure, axes = plot_figure()
    colour = KIND_COLOUR[spec.kind]
    draw_levels(axes, spec, data, colour)
    draw_line(axes, data, LINE_COLOURS[0], spec.line.label)
    draw_status(axes, data, set())
    draw_headline(axes, spec, colour)
    style_value_axis(axes)
    style_x_axis(axes, "build")
    fit_builds(
        axes, min(float(data.x[0]), spec.build_before), max(float(data.x[-1]), spec.build_after)
    )
    axes.set_ylabel(axis_label(spec.unit, spec.direction))
    between = f"changed between build #{spec.build_before} and #{spec.build_after}"
    subtitle = " · ".join(part for part in (spec.subtitle, between) if part)
    put_titles(figure, axes, spec.title, subtitle)
    bottom_legend(figure, *axes.get_legend_handles_labels())
    return figure
