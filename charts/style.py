"""The look shared by every chart: sizes, colours, fonts, number formats, and the PNG encoder.

Charts are opaque images with their own background, so they read the same in a light or a dark
Slack theme. Line colours come from the Okabe-Ito colour-blind safe palette, keeping its green and
vermillion for "better" and "worse" only. Sizes are in pixels at a fixed DPI, large enough text to
read on a phone when Slack scales the image to the screen width.
"""

from __future__ import annotations

import io
import logging
import math
from typing import Any, Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

log = logging.getLogger(__name__)

DPI: Final = 100
WIDTH: Final = 1200  # px
HEIGHT: Final = 675  # px, 16:9

BACKGROUND: Final = "#ffffff"
TEXT: Final = "#1d1c1d"  # Slack's own text colour
MUTED: Final = "#616061"
GRID: Final = "#e8e8e8"
BETTER: Final = "#007a5a"  # green, readable on white
WORSE: Final = "#d40e0d"  # red
NEUTRAL: Final = "#868686"
FAILED: Final = "#d40e0d"
UNSTABLE: Final = "#e69f00"
LINE_COLOURS: Final = ("#0072b2", "#cc79a7", "#e69f00", "#56b4e9", "#6b4c9a", "#000000")

RC: Final[dict[Any, Any]] = {  # keys are checked by rc_context
    "font.size": 15,
    "axes.titlesize": 15,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "figure.titlesize": 19,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "axes.edgecolor": "#bbbbbb",
    "axes.facecolor": BACKGROUND,
    "figure.facecolor": BACKGROUND,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 1.0,
    "lines.linewidth": 2.2,
    "legend.frameon": False,
    "timezone": "UTC",
}

HUGE: Final = 1e15  # from here numbers show as powers of ten (1.2e+18), past the T prefix
SI_PREFIXES: Final = (  # (from, divide by, prefix): plain numbers up to 9,999
    (1e12, 1e12, "T"),
    (1e9, 1e9, "G"),
    (1e6, 1e6, "M"),
    (1e4, 1e3, "k"),
)
PNG_OPTIONS: Final = {"compress_level": 3}  # 6 (the default) is slower for ~5% smaller files
PLOT_MARGINS: Final = (125, 35, 92, 125)  # px: left, right, top, bottom
LEGEND_CHAR_PX: Final = 9  # width of one legend character at 13 pt, a little generous
LEGEND_KEY_PX: Final = 60  # the key and the gap after an entry
LEGEND_ROW_PX: Final = 26
TITLE_CHARS: Final = 76  # what fits the width at the title and subtitle sizes
SUBTITLE_CHARS: Final = 110


def new_figure(width: int = WIDTH, height: int = HEIGHT) -> Figure:
    """A figure of exactly `width` x `height` pixels with an Agg canvas and constrained layout.

    Constrained layout fits labels of any length (compare rows, digest panels) but measures
    every text twice; the one-plot charts use `plot_figure` and its fixed margins instead.
    """
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.get_layout_engine().set(w_pad=0.12, h_pad=0.1)  # type: ignore[union-attr, call-arg]
    return figure


def plot_figure(width: int = WIDTH, height: int = HEIGHT) -> tuple[Figure, Axes]:
    """A figure with one plot placed by fixed pixel margins (tick labels are compact, so the
    margins hold them): title and subtitle above, legend below. Much faster than a layout engine.
    """
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    left, right, top, bottom = PLOT_MARGINS
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    return figure, figure.add_subplot()


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bottom_legend(figure: Figure, handles: list[Any], labels: list[str]) -> None:
    """A legend along the bottom edge of a `plot_figure`, in as many columns as fit; the plot's
    bottom margin grows by one line for each legend row past the first."""
    width = figure.get_figwidth() * DPI
    widest = max((len(label) for label in labels), default=1) * LEGEND_CHAR_PX + LEGEND_KEY_PX
    columns = max(1, min(len(labels), int((width - 40) // widest), 4))
    rows = -(-len(labels) // columns)
    height = figure.get_figheight() * DPI
    figure.subplots_adjust(bottom=(PLOT_MARGINS[3] + LEGEND_ROW_PX * (rows - 1)) / height)
    figure.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=columns,
        handlelength=1.6,
        borderaxespad=0.4,
    )


def to_png(figure: Figure) -> bytes:
    """The figure as PNG bytes, at its own pixel size."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs=PNG_OPTIONS)
    return buffer.getvalue()


def digits(value: float) -> str:
    """About three significant digits, never in exponent notation."""
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def compact_number(value: float) -> str:
    """A number in a few characters: 0.00123, 12.3, 1,234, 45.7k, 1.23M, 25.0G."""
    if not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= HUGE:
        return f"{value:.3g}"
    for threshold, scale, prefix in SI_PREFIXES:
        if size >= threshold:
            return digits(value / scale) + prefix
    if size == 0:
        return "0"
    if size >= 1:
        return digits(value)
    return f"{value:.3g}"


def format_value(value: float | None, unit: str) -> str:
    """A value with its unit: `12.3 ms`, `45.6k IOPS`, `99.5%`; `n/a` when missing."""
    if value is None or not math.isfinite(value):
        return "n/a"
    text = compact_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_pct(change: float | None) -> str:
    """A signed change: `+12.3%`, `-0.4%`, `+1,234%`; `n/a` when it cannot be computed."""
    if change is None or not math.isfinite(change):
        return "n/a"
    if abs(change) >= 100:
        return f"{change:+,.0f}%"
    return f"{change:+.1f}%"


def change_pct(before: float | None, after: float | None) -> float | None:
    """The change from `before` to `after` in % of `before`; None when it has no meaning."""
    if before is None or after is None or not (math.isfinite(before) and math.isfinite(after)):
        return None
    if before == 0:
        return 0.0 if after == 0 else None
    with np.errstate(over="ignore"):
        change = float(np.float64(after - before) / abs(before) * 100.0)
    return change if math.isfinite(change) else None


def is_worse(change: float, direction: str) -> bool:
    """Whether a change in % is for the worse, given which way is better."""
    return change > 0 if direction == "lower" else change < 0


def verdict_colour(change: float | None, direction: str, neutral_pct: float = 0.0) -> str:
    """Red for worse, green for better, grey for noise or unknown."""
    if change is None or not math.isfinite(change) or abs(change) < neutral_pct:
        return NEUTRAL
    return WORSE if is_worse(change, direction) else BETTER


def direction_text(direction: str) -> str:
    return {"lower": "lower is better", "higher": "higher is better"}[direction]


def axis_label(unit: str, direction: str) -> str:
    """The y axis label: the unit and which way is better."""
    arrow = {"lower": "↓", "higher": "↑"}[direction]
    return f"{unit}  ({arrow} {direction_text(direction)})" if unit else direction_text(direction)


class TickFormatter(Formatter):
    """Tick labels with one SI prefix and as many decimals as the tick step needs.

    `compact_number` formats each number alone; ticks should agree with each other
    (9.5, 10.0, 10.5 rather than 9.50, 10.0, 10.5).
    """

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix
        self.ticks: list[float] = []

    def set_locs(self, locs: Any) -> None:
        self.ticks = [float(v) for v in locs if math.isfinite(v)]

    def __call__(self, x: float, pos: int | None = None) -> str:
        biggest = max((abs(v) for v in self.ticks), default=abs(x))
        _, scale, prefix = next((row for row in SI_PREFIXES if biggest >= row[0]), (0, 1.0, ""))
        if 0 < biggest < 1e-3 or biggest >= HUGE:  # a shared power of ten (2.5e-6, 3.0e18)
            power = math.floor(math.log10(biggest))
            scale, prefix = 10.0**power, f"e{power}"
        scaled = [v / scale for v in self.ticks] or [x / scale]
        decimals = next((d for d in range(7) if all(exact(v, d) for v in scaled)), 6)
        return f"{x / scale:,.{decimals}f}{prefix}{self.suffix}"


def exact(value: float, decimals: int) -> bool:
    """Whether `value` shows without loss with `decimals` decimals."""
    return abs(round(value, decimals) - value) < 1e-9 * max(1.0, abs(value))


def style_value_axis(axes: Axes) -> None:
    """Compact numbers on the y axis; the unit lives in the axis label."""
    axes.yaxis.set_major_formatter(TickFormatter())
    axes.tick_params(axis="both", length=0, pad=6)
    axes.grid(axis="x", visible=False)


def put_titles(figure: Figure, axes: Axes, title: str, subtitle: str) -> None:
    """A bold title at the top left, and a muted subtitle above the plot.

    On a `plot_figure` the subtitle is plain figure text at a fixed place (an axes title makes
    matplotlib re-measure every tick label to place it).
    """
    if figure.get_layout_engine() is not None:  # the engine places both
        figure.suptitle(shorten(title, TITLE_CHARS), x=0.01, ha="left", fontweight="bold")
        if subtitle:
            text = shorten(subtitle, SUBTITLE_CHARS)
            axes.set_title(text, loc="left", color=MUTED, fontsize=14, pad=10)
        return
    height = figure.get_figheight() * DPI
    figure.suptitle(
        shorten(title, TITLE_CHARS),
        x=0.01,
        y=1 - 12 / height,
        ha="left",
        va="top",
        fontweight="bold",
    )
    if subtitle:
        text = shorten(subtitle, SUBTITLE_CHARS)
        figure.text(0.01, 1 - 52 / height, text, color=MUTED, fontsize=14, va="top")
