"""Drawing one `TrendLine` on an axes: the line, its repeat band, failed builds, change markers.

Shared by the trend, alert and digest charts. Values become float arrays with NaN for missing
(infinities count as missing); on a time axis, points without a time are left out.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes

from charts.decimate import Floats, bucket_range, minmax_indices
from charts.errors import ChartError
from charts.specs import DIRECTIONS, KINDS, STATUSES, X_AXES, Marker, TrendLine
from charts.style import BACKGROUND, BETTER, FAILED, UNSTABLE, WORSE, format_pct

log = logging.getLogger(__name__)

DOTS_UP_TO: Final = 150  # points per line drawn with a dot each; more draw as a plain line
LARGEST: Final = (
    1e200  # matplotlib's tick maths overflows near the float limit; no metric is this big
)
MARKER_LIMIT: Final = 12  # change markers per chart; the biggest changes win
STATUS_STYLE: Final = {
    "failed": {"marker": "X", "color": FAILED, "label": "failed build"},
    "unstable": {"marker": "^", "color": UNSTABLE, "label": "unstable build"},
}
KIND_COLOUR: Final = {"regression": WORSE, "improvement": BETTER}


@dataclass(frozen=True, slots=True)
class LineArrays:
    """A line as arrays on the chosen x axis (build numbers or matplotlib date numbers)."""

    builds: np.ndarray
    x: Floats
    y: Floats
    low: Floats | None
    high: Floats | None
    status: tuple[str, ...]

    @property
    def has_values(self) -> bool:
        return bool(np.isfinite(self.y).any())


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ChartError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def check_direction(direction: str) -> None:
    check_choice("direction", direction, DIRECTIONS)


def check_line(line: TrendLine, x_axis: str) -> None:
    """Fail with one sentence on a line whose parts do not fit together."""
    check_choice("x axis", x_axis, X_AXES)
    count = len(line.builds)
    if len(line.values) != count:
        raise ChartError(f"line {line.label!r} has {count} builds but {len(line.values)} values")
    for name in ("times", "low", "high", "status"):
        part = getattr(line, name)
        if part and len(part) != count:
            raise ChartError(f"line {line.label!r} has {count} builds but {len(part)} {name}")
    if x_axis == "time" and count and not line.times:
        raise ChartError(f"line {line.label!r} has no build times to draw on a time axis")
    for status in line.status:
        check_choice("status", status, STATUSES)
    for marker in line.markers:
        check_choice("marker kind", marker.kind, KINDS)


def floats(values: tuple[float | None, ...]) -> Floats:
    """Values as floats: None, infinities and values past ±`LARGEST` become NaN (missing)."""
    array = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        array[~(np.abs(array) <= LARGEST)] = math.nan
    return array


def line_arrays(line: TrendLine, x_axis: str) -> LineArrays:
    """The line as arrays; on a time axis only points with a time, in time order."""
    check_line(line, x_axis)
    builds = np.array(line.builds, dtype=np.int64)
    y = floats(line.values)
    low = floats(line.low) if line.low else None
    high = floats(line.high) if line.high else None
    status = line.status or ("ok",) * len(builds)
    if x_axis == "build":
        x = builds.astype(np.float64)
        keep = np.arange(len(builds))
    else:
        known = [i for i, t in enumerate(line.times) if t is not None]
        times = [line.times[i] for i in known]
        x = np.asarray(mdates.date2num(times), dtype=np.float64)  # type: ignore[no-untyped-call]
        keep = np.array(known, dtype=np.intp)
    order = np.argsort(x, kind="stable")
    keep = keep[order]
    return LineArrays(
        builds=builds[keep],
        x=x[order],
        y=y[keep],
        low=None if low is None else low[keep],
        high=None if high is None else high[keep],
        status=tuple(status[i] for i in keep),
    )


def draw_line(axes: Axes, arrays: LineArrays, colour: str, label: str) -> None:
    """The line (decimated when long), a dot per point when few, and the repeat band."""
    keep = minmax_indices(arrays.y)
    dotted = len(arrays.y) <= DOTS_UP_TO
    axes.plot(
        arrays.x[keep],
        arrays.y[keep],
        color=colour,
        label=label,
        marker="o" if dotted else None,
        markersize=5,
        markeredgecolor=BACKGROUND,
        markeredgewidth=0.8,
        zorder=3,
    )
    if arrays.low is not None and arrays.high is not None:
        x, low, high = bucket_range(arrays.x, arrays.low, arrays.high)
        axes.fill_between(x, low, high, color=colour, alpha=0.18, linewidth=0, zorder=2)


def draw_status(axes: Axes, arrays: LineArrays, used: set[str]) -> None:
    """Failed and unstable builds: a marker on the value, or at the bottom when it has none."""
    bottom = float(np.nanmin(arrays.y)) if arrays.has_values else 0.0
    statuses = np.array(arrays.status)
    for status, style in STATUS_STYLE.items():
        index = np.flatnonzero(statuses == status)
        if not len(index):
            continue
        y = np.where(np.isnan(arrays.y[index]), bottom, arrays.y[index])
        label = None if status in used else str(style["label"])
        used.add(status)
        axes.scatter(
            arrays.x[index],
            y,
            marker=str(style["marker"]),
            color=str(style["color"]),
            s=80,
            label=label,
            zorder=4,
            edgecolors=BACKGROUND,
            linewidths=0.8,
        )


def pick_markers(markers: tuple[Marker, ...], limit: int = MARKER_LIMIT) -> list[Marker]:
    """Open alerts first, then the biggest changes, at most `limit`, in build order."""
    ranked = sorted(markers, key=lambda m: (not m.open, -abs(m.change_pct)))
    return sorted(ranked[:limit], key=lambda m: m.build)


def marker_text(marker: Marker, prefix: str = "") -> str:
    arrow = "▲" if marker.change_pct >= 0 else "▼"
    name = " ".join(part for part in (prefix, marker.label) if part)
    return f"{name} {arrow} {format_pct(marker.change_pct)}".lstrip()


def label_marker(
    axes: Axes, x: float, level: float, text: str, colour: str, *, strong: bool, leftwards: bool
) -> None:
    """The change % at the top of a marker's rule, on the side with room."""
    note = axes.annotate(
        text,
        xy=(x, level),
        xycoords=("data", "axes fraction"),
        xytext=(-4 if leftwards else 4, 0),
        textcoords="offset points",
        ha="right" if leftwards else "left",
        va="top",
        color=colour,
        fontsize=12,
        fontweight="bold" if strong else "normal",
        zorder=5,
        bbox={
            "boxstyle": "round,pad=0.2",
            "facecolor": BACKGROUND,
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )
    note.set_in_layout(False)


def draw_markers(
    axes: Axes,
    arrays: LineArrays,
    markers: tuple[Marker, ...],
    *,
    labelled: bool = True,
    prefix: str = "",
    slot: int = 0,
) -> int:
    """A vertical rule at each change, with its change % at the top when `labelled`.

    Labels step down through four levels from `slot` so neighbours do not overlap; `prefix`
    names the line when several share the chart. Returns how many were drawn (markers off the
    line's builds are left out).
    """
    first, last = (float(arrays.x[0]), float(arrays.x[-1])) if len(arrays.x) else (0.0, 0.0)
    drawn = 0
    for marker in pick_markers(markers):
        found = np.flatnonzero(arrays.builds == marker.build)
        if not len(found):
            continue
        colour = KIND_COLOUR[marker.kind]
        x = float(arrays.x[found[0]])
        style = "-" if marker.open else "--"
        width = 1.6 if marker.open else 1.2
        axes.axvline(x, color=colour, linestyle=style, linewidth=width, alpha=0.9, zorder=1)
        if labelled:
            level = 0.97 - 0.075 * ((slot + drawn) % 4)
            leftwards = last > first and (x - first) / (last - first) > 0.7
            text = marker_text(marker, prefix)
            label_marker(axes, x, level, text, colour, strong=marker.open, leftwards=leftwards)
        drawn += 1
    return drawn
