"""Every chart kind renders a whole PNG of its expected pixel size, edge cases included."""

from __future__ import annotations

import math
import random
import threading
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charts import (
    AlertSpec,
    ChartError,
    CompareRow,
    CompareSpec,
    DigestPanel,
    DigestSpec,
    Marker,
    TrendLine,
    TrendSpec,
    render,
)
from charts.compare import MAX_ROWS, compare_size
from charts.decimate import BUCKETS
from charts.digest import MAX_PANELS, digest_size
from charts.style import BETTER, HEIGHT, WIDTH, WORSE
from charts.trend import draw_trend
from tests.charts.conftest import line
from tests.charts.pngs import colour_share, pixels, png_size


def noisy(count: int, seed: int = 1, base: float = 12.0) -> list[float | None]:
    rng = random.Random(seed)
    return [base + rng.gauss(0, 0.2) for _ in range(count)]


def trend(*lines: TrendLine, x_axis: str = "build") -> TrendSpec:
    return TrendSpec(
        title="lab1 · perf/fio · read_latency_p99",
        unit="ms",
        direction="lower",
        lines=lines,
        x_axis=x_axis,  # type: ignore[arg-type]
        subtitle="blocksize=4k",
    )


def assert_png(data: bytes, size: tuple[int, int] = (WIDTH, HEIGHT)) -> None:
    assert png_size(data) == size
    assert pixels(data).shape[:2] == (size[1], size[0])


FULL_LINE = line(
    noisy(40),
    low=tuple(v - 0.3 for v in noisy(40)),  # type: ignore[operator]
    high=tuple(v + 0.3 for v in noisy(40)),  # type: ignore[operator]
    status=tuple("failed" if i == 7 else "unstable" if i == 9 else "ok" for i in range(40)),
    markers=(Marker(build=120, change_pct=15.2, kind="regression", label="alert 3", open=True),),
)


@pytest.mark.parametrize("x_axis", ["build", "time"])
def test_trend_with_everything_renders(x_axis: str) -> None:
    spec = trend(FULL_LINE, line(noisy(40, seed=2, base=10.0), label="lab2"), x_axis=x_axis)
    assert_png(render(spec))


@pytest.mark.parametrize(
    "values",
    [
        pytest.param([5.0], id="single point"),
        pytest.param([7.0] * 30, id="all equal"),
        pytest.param([0.0] * 30, id="all zero"),
        pytest.param([1.0, math.nan, None, 2.0, math.inf, 3.0], id="nan none inf"),
        pytest.param([None, None, 4.0, None], id="one value among gaps"),
        pytest.param([1e-9, 2e-9, 1.5e-9], id="tiny"),
        pytest.param([1e15, 3e15, 2e15], id="huge values"),
        pytest.param([1e199, -1e199, 3.0], id="near the largest drawable"),
        pytest.param([1e308, 5.0, -1.7e308], id="past the largest drawable are gaps"),
        pytest.param([5e-324, 0.0], id="subnormal"),
        pytest.param([-5.0, 3.0, -1.0], id="negative"),
    ],
)
def test_awkward_series_render(values: list[float | None]) -> None:
    assert_png(render(trend(line(values))))


def test_fifty_thousand_points_render() -> None:
    assert_png(render(trend(line(noisy(50_000)), line(noisy(50_000, 3, 9.0), label="lab2"))))


def test_a_one_build_spike_in_a_long_series_is_drawn() -> None:
    values = noisy(20_000)
    values[12_345] = 40.0  # far above everything else
    values[4_321] = -3.0  # and one far below
    figure = draw_trend(trend(line(values)))
    [axes] = figure.axes
    [drawn] = axes.get_lines()
    assert len(drawn.get_ydata()) <= 2 * BUCKETS
    assert 40.0 in drawn.get_ydata()
    assert -3.0 in drawn.get_ydata()
    assert axes.get_ylim()[0] < -3.0 and axes.get_ylim()[1] > 40.0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (trend(), "no lines"),
        (trend(line([])), "no line has a value"),
        (trend(line([None, math.nan])), "no line has a value"),
        (trend(*[line([1.0], label=f"l{i}") for i in range(7)]), "too many lines"),
        (trend(TrendLine("x", (1, 2), (1.0,))), "2 builds but 1 values"),
        (trend(TrendLine("x", (1,), (1.0,), status=("bad",))), "status must be one of"),  # type: ignore[arg-type]
        (trend(TrendLine("x", (1,), (1.0,)), x_axis="time"), "no build times"),
        (trend(TrendLine("x", (1,), (1.0,)), x_axis="sideways"), "x axis must be one of"),
        (replace(trend(line([1.0])), direction="up"), "direction must be one of"),  # type: ignore[arg-type]
    ],
)
def test_undrawable_trends_say_why(spec: TrendSpec, message: str) -> None:
    with pytest.raises(ChartError, match=message):
        render(spec)


def test_time_axis_leaves_out_points_without_time() -> None:
    base = line([1.0, 2.0, 3.0])
    timed = replace(base, times=(None, base.times[1], base.times[2]))
    assert_png(render(trend(timed, x_axis="time")))
    with pytest.raises(ChartError, match="no line has a value"):
        render(trend(replace(base, times=(None, None, None)), x_axis="time"))


def compare(rows: tuple[CompareRow, ...]) -> CompareSpec:
    return CompareSpec("lab1 · perf/fio · #41 vs #42", "#41", "#42", rows, "2 metrics")


ROWS = (
    CompareRow("read_iops bs=4k", "IOPS", "higher", 45_000.0, 40_000.0),
    CompareRow("read_latency_p99 bs=4k", "ms", "lower", 12.0, 10.0),
    CompareRow("cpu", "%", "lower", 50.0, None),
    CompareRow("zero before", "ms", "lower", 0.0, 3.0),
    CompareRow("gone", "ms", "lower", None, None),
    CompareRow("overflowing change", "ms", "lower", -1.7e308, 1.7e308),
)


def test_compare_renders_with_worse_red_and_better_green() -> None:
    data = render(compare(ROWS))
    assert_png(data, compare_size(len(ROWS)))
    assert colour_share(data, WORSE) > 0.002
    assert colour_share(data, BETTER) > 0.002


def test_compare_with_only_improvements_has_no_red() -> None:
    data = render(compare(ROWS[1:2]))
    assert colour_share(data, WORSE) == 0
    assert colour_share(data, BETTER) > 0.002


def test_long_compare_keeps_the_biggest_changes() -> None:
    rows = tuple(
        CompareRow(f"m{i}", "ms", "lower", 10.0, 10.0 + i / 10) for i in range(MAX_ROWS + 15)
    )
    assert compare_size(len(rows)) == compare_size(MAX_ROWS)
    assert_png(render(compare(rows)), compare_size(MAX_ROWS))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((), "no metrics"),
        ((CompareRow("a", "ms", "lower", None, None),), "no metric has a value"),
        ((CompareRow("a", "ms", "sideways", 1.0, 2.0),), "direction must be one of"),  # type: ignore[arg-type]
    ],
)
def test_undrawable_compares_say_why(rows: tuple[CompareRow, ...], message: str) -> None:
    with pytest.raises(ChartError, match=message):
        render(compare(rows))


def alert(**changes: object) -> AlertSpec:
    values = [12.0 + (2.0 if i >= 10 else 0.0) for i in range(20)]
    spec = AlertSpec(
        title="lab1 · perf/fio · read_latency_p99",
        unit="ms",
        direction="lower",
        line=line(values),  # type: ignore[arg-type]
        build_before=109,
        build_after=110,
        level_before=12.0,
        level_after=14.0,
        change_pct=16.7,
        kind="regression",
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


def test_alert_renders_in_the_colour_of_its_verdict() -> None:
    regression = render(alert())
    assert_png(regression)
    assert colour_share(regression, WORSE) > 0.001
    improvement = render(alert(kind="improvement", level_after=10.0, change_pct=-16.7))
    assert colour_share(improvement, BETTER) > 0.001


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"build_after": 109}, "must come after"),
        ({"kind": "sideways"}, "kind must be one of"),
        ({"line": line([None] * 5)}, "no values"),
        ({"level_after": math.nan}, "must be finite"),
    ],
)
def test_undrawable_alerts_say_why(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ChartError, match=message):
        render(alert(**changes))


def panel(index: int) -> DigestPanel:
    marker = Marker(build=110, change_pct=10.0 + index, kind="regression")
    return DigestPanel(
        title=f"lab{index} read_latency_p99 blocksize=4k",
        unit="ms",
        direction="lower",
        line=line(noisy(20, seed=index), markers=(marker,)),
        change_pct=10.0 + index,
        kind="regression",
    )


@pytest.mark.parametrize("count", [1, 3, 4, MAX_PANELS, MAX_PANELS + 5])
def test_digest_renders_a_grid_of_panels(count: int) -> None:
    spec = DigestSpec("Weekly digest", tuple(panel(i) for i in range(count)), "2 labs")
    assert_png(render(spec), digest_size(count))


def test_digest_sizes() -> None:
    assert digest_size(1) == digest_size(3) == (WIDTH, 400)
    assert digest_size(4) == (WIDTH, 690)
    assert digest_size(100) == digest_size(MAX_PANELS) == (WIDTH, 980)


def test_empty_digest_says_why() -> None:
    with pytest.raises(ChartError, match="no movers"):
        render(DigestSpec("Weekly digest", ()))


def test_unknown_spec_type_says_why() -> None:
    with pytest.raises(ChartError, match="no chart draws a str"):
        render("trend")  # type: ignore[arg-type]


def test_concurrent_renders_match_serial_ones() -> None:
    specs = [trend(FULL_LINE), compare(ROWS), alert(), trend(line(noisy(5000)))] * 3
    expected = [render(spec) for spec in specs]
    results: list[bytes | None] = [None] * len(specs)

    def work(index: int) -> None:
        results[index] = render(specs[index])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(specs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


def test_render_stays_the_function_after_its_module_loads() -> None:
    import charts
    import charts.renderer

    assert charts.render is charts.renderer.render
    assert png_size(charts.render(trend(line([1.0, 2.0])))) == (WIDTH, HEIGHT)


maybe_value = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e6, 1e6)
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(maybe_value, max_size=60),
    st.sampled_from(["build", "time"]),
    st.lists(st.sampled_from(["ok", "unstable", "failed"]), max_size=60),
)
def test_any_values_draw_or_say_why(
    values: list[float | None], x_axis: str, statuses: list[str]
) -> None:
    """Whatever the values, a render is a PNG of the trend size or a ChartError, nothing else."""
    status = tuple(statuses[: len(values)]) if len(statuses) >= len(values) else ()
    spec = trend(line(values, status=status), x_axis=x_axis)
    try:
        data = render(spec)
    except ChartError as exc:
        assert "nothing to draw" in str(exc)
    else:
        assert png_size(data) == (WIDTH, HEIGHT)
