"""The trend chart: one metric across builds or time, one line per lab or tag set.

Each line shows its points (min/max-decimated when long), the range of a build's repeats as a
band, failed and unstable builds as markers, and its change points with their change %. The
legend names each line with its latest value.
"""

from __future__ import annotations

import logging

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from charts.errors import ChartError
from charts.lines import (
    STATUS_STYLE,
    LineArrays,
    check_direction,
    draw_line,
    draw_markers,
    draw_status,
    line_arrays,
)
from charts.specs import MAX_LINES, TrendSpec
from charts.style import (
    LINE_COLOURS,
    axis_label,
    bottom_legend,
    format_value,
    plot_figure,
    put_titles,
    shorten,
    style_value_axis,
)

log = logging.getLogger(__name__)

LINE_LABEL_CHARS = 34
MIN_TIME_SPAN_DAYS = 1.0  # a time axis shows at least a day (one instant drew years 2024-2028)


def latest_value(arrays: LineArrays) -> float | None:
    finite = np.flatnonzero(np.isfinite(arrays.y))
    return float(arrays.y[finite[-1]]) if len(finite) else None


def fit_builds(axes: Axes, first: float, last: float) -> None:
    """A build axis from just before the first build to just after the last (no `#0` ticks)."""
    pad = max(0.5, (last - first) * 0.02)
    axes.set_xlim(first - pad, last + pad)
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: f"#{v:.0f}" if first <= v <= last else "")
    )


def fit_times(axes: Axes, first: float, last: float) -> None:
    """A time axis of at least `MIN_TIME_SPAN_DAYS` around the points (matplotlib date numbers):
    points that all share one instant otherwise get an axis of years with no date on it."""
    if last - first < MIN_TIME_SPAN_DAYS / 24:
        middle = (first + last) / 2
        axes.set_xlim(middle - MIN_TIME_SPAN_DAYS / 2, middle + MIN_TIME_SPAN_DAYS / 2)


def style_x_axis(axes: Axes, x_axis: str) -> None:
    """Dates as concise labels on a time axis; `#123` build numbers on a build axis."""
    if x_axis == "time":
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        concise = mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
            locator, offset_formats=["", "%Y", "%Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"]
        )
        axes.xaxis.set_major_formatter(concise)
        axes.set_xlabel("build start (UTC)", color="#616061", fontsize=13)
    else:
        # min_n_ticks=1: with fewer integers in view it falls back to ticks like 0.9, 1.05,
        # and a one-build chart had no build number on its axis
        axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True, min_n_ticks=1))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"#{v:.0f}"))
        axes.set_xlabel("build", color="#616061", fontsize=13)


def draw_trend(spec: TrendSpec) -> Figure:
    check_direction(spec.direction)
    if not spec.lines:
        raise ChartError("nothing to draw: the chart has no lines")
    if len(spec.lines) > MAX_LINES:
        raise ChartError(f"too many lines ({len(spec.lines)}); a trend shows at most {MAX_LINES}")
    arrays = [line_arrays(line, spec.x_axis) for line in spec.lines]
    if not any(a.has_values for a in arrays):
        raise ChartError("nothing to draw: no line has a value")
    figure, axes = plot_figure()
    used: set[str] = set()
    slot = 0
    for line, data, colour in zip(spec.lines, arrays, LINE_COLOURS, strict=False):
        latest = format_value(latest_value(data), spec.unit)
        draw_line(axes, data, colour, f"{shorten(line.label, LINE_LABEL_CHARS)}  (last {latest})")
        draw_status(axes, data, used)
        prefix = line.label if len(spec.lines) > 1 else ""
        slot += draw_markers(axes, data, line.markers, prefix=prefix, slot=slot)
    style_value_axis(axes)
    style_x_axis(axes, spec.x_axis)
    xs = [data.x for data in arrays if len(data.x)]
    first, last = min(float(x[0]) for x in xs), max(float(x[-1]) for x in xs)
    (fit_builds if spec.x_axis == "build" else fit_times)(axes, first, last)
    axes.set_ylabel(axis_label(spec.unit, spec.direction))
    put_titles(figure, axes, spec.title, spec.subtitle)
    handles, labels = axes.get_legend_handles_labels()
    status_labels = {str(style["label"]) for style in STATUS_STYLE.values()}
    order = sorted(range(len(labels)), key=lambda i: labels[i] in status_labels)  # lines first
    bottom_legend(figure, [handles[i] for i in order], [labels[i] for i in order])
    return figure
