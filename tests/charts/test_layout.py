"""Where the text of a chart lands: nothing runs into anything else or off the image, and the
axes name what a user needs (the build of a one-build chart, the day of a one-instant chart)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from charts import CompareRow, CompareSpec, TrendLine, TrendSpec
from charts.compare import draw_compare
from charts.style import RC
from charts.trend import draw_trend
from tests.charts.conftest import line

LONG_SUBTITLE = (
    "benchmark=fio iodepth=32 rw=randread numjobs=4 machine_type=n1-standard-16 zone=us-east1-b"
    " · latest runs: lab1 #60, lab2 #60"
)


@pytest.fixture(autouse=True)
def house_style() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def drawn_texts(figure: Figure) -> list[Text]:
    """Every text but the x tick labels (those of ticks outside the view are never drawn)."""
    figure.draw_without_rendering()
    ticks = {id(t) for axes in figure.axes for t in axes.get_xticklabels()}
    return [
        t
        for t in figure.findobj(Text)
        if id(t) not in ticks and t.get_visible() and t.get_text().strip()
    ]


def compare(subtitle: str, label: str = "randread:read:clat:p99 blocksize=4k") -> CompareSpec:
    rows = tuple(CompareRow(f"{label} {i}", "ms", "lower", 0.856 + i, 0.76 + i) for i in range(4))
    return CompareSpec("perf/fio-nightly · lab1 vs lab2", "lab1", "lab2", rows, subtitle)


@pytest.mark.parametrize(
    "subtitle",
    [
        "benchmark=fio iodepth=32 rw=randread · latest runs: lab1 #60, lab2 #60",
        "benchmark=fio iodepth=32 rw=randread · 4 metrics",
        LONG_SUBTITLE,
    ],
)
@pytest.mark.parametrize("label", ["randread:read:clat:p99 blocksize=4k", "bs=4k"])
def test_compare_texts_neither_overlap_nor_leave_the_image(subtitle: str, label: str) -> None:
    figure = draw_compare(compare(subtitle, label))
    texts = drawn_texts(figure)
    header = next(t for t in texts if t.get_text() == "lab1 → lab2")
    top = [t for t in texts if t.get_text().startswith(subtitle[:12])]
    assert len(top) == 1, "the subtitle is drawn once"
    width, height = figure.bbox.width, figure.bbox.height
    for text in texts:
        box = text.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= width + 1, f"{text.get_text()!r} leaves the image"
        assert box.y0 >= 0 and box.y1 <= height + 1, f"{text.get_text()!r} leaves the image"
    for subtitle_text in top:
        assert not subtitle_text.get_window_extent().overlaps(header.get_window_extent())


def test_compare_header_stands_over_the_values_column() -> None:
    figure = draw_compare(compare("4 metrics"))
    texts = drawn_texts(figure)
    header = next(t for t in texts if t.get_text() == "lab1 → lab2")
    value = next(t for t in texts if t.get_text() == "0.856 ms → 0.76 ms")
    assert abs(header.get_window_extent().x0 - value.get_window_extent().x0) < 4


def tick_labels(figure: Figure) -> list[str]:
    figure.draw_without_rendering()
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    return [t.get_text() for t in axes.get_xticklabels() if low <= t.get_position()[0] <= high] + [
        axes.xaxis.get_offset_text().get_text()
    ]


def trend(*lines: TrendLine, x_axis: str = "build") -> TrendSpec:
    return TrendSpec("lab1 · perf/fio · p99", "ms", "lower", lines, x_axis)  # type: ignore[arg-type]


@pytest.mark.parametrize("first", [1, 41, 1234])
def test_a_one_build_trend_names_its_build(first: int) -> None:
    assert f"#{first}" in tick_labels(draw_trend(trend(line([5.0], first=first))))


def test_a_time_axis_of_one_instant_shows_its_day_not_years() -> None:
    moment = datetime(2026, 12, 2, 2, 17, tzinfo=UTC)
    lines = (
        TrendLine("lab1", (60,), (3.0,), times=(moment,)),
        TrendLine("lab2", (7,), (4.0,), times=(moment,)),
    )
    labels = tick_labels(draw_trend(trend(*lines, x_axis="time")))
    assert "02 Dec 2026" in labels[-1], labels
    assert not any(label in {"2025", "2026", "2027"} for label in labels), labels
