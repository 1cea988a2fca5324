"""Stored records become chart specs exactly as expected."""

from __future__ import annotations

import pytest

from bot import chartdata
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
from storage import Repository
from storage.records import (
    Direction,
    FindingState,
    Point,
    Result,
    Selector,
    Series,
    SeriesData,
    SeriesKey,
)
from tests.bot.chart_fixtures import JOB, START, add_finding, fill, started
from tests.charts.pngs import png_size

STATUS = ("ok", "ok", "failed", "ok", "unstable", "ok", "ok", "ok")
LAB1_4K = (10.0, 10.0, 10.0, 10.0, 10.0, 12.0, 12.0, 12.0)


@pytest.fixture
def filled(sqlite_repo: Repository) -> Repository:
    fill(sqlite_repo)
    return sqlite_repo


def latency_4k(repo: Repository, *labs: str) -> list:
    return repo.series(Selector(job=JOB, metric="latency", labs=labs, tags={"bs": "4k"}))


def test_trend_of_one_series_with_its_open_finding(filled: Repository) -> None:
    finding_id = add_finding(filled)
    spec = chartdata.trend_spec(latency_4k(filled, "lab1"), filled.findings(job=JOB))
    assert spec == TrendSpec(
        title=f"lab1 · {JOB} · latency",
        unit="ms",
        direction="lower",
        lines=(
            TrendLine(
                label="lab1",
                builds=tuple(range(1, 9)),
                values=LAB1_4K,
                times=tuple(started("lab1", n) for n in range(1, 9)),
                low=tuple(v - 0.5 for v in LAB1_4K),
                high=tuple(v + 0.5 for v in LAB1_4K),
                status=STATUS,
                markers=(
                    Marker(
                        build=6,
                        change_pct=20.0,
                        kind="regression",
                        label=f"alert {finding_id}",
                        open=True,
                    ),
                ),
            ),
        ),
        x_axis="build",
        subtitle="bs=4k · builds #1–#8",
    )
    assert png_size(render(spec)) == (1200, 675)


def test_a_settled_finding_is_a_plain_change_point(filled: Repository) -> None:
    finding_id = add_finding(filled)
    filled.set_finding_state(finding_id, FindingState.ACKNOWLEDGED, by="U1", at=START)
    spec = chartdata.trend_spec(latency_4k(filled, "lab1"), filled.findings(job=JOB))
    assert spec.lines[0].markers == (Marker(build=6, change_pct=20.0, kind="regression"),)


def test_two_labs_share_a_time_axis_and_are_named_by_lab(filled: Repository) -> None:
    spec = chartdata.trend_spec(latency_4k(filled))
    assert spec.title == f"{JOB} · latency"
    assert spec.x_axis == "time"
    assert [line.label for line in spec.lines] == ["lab1", "lab2"]
    assert spec.lines[1].builds == tuple(range(101, 109))
    assert spec.subtitle == "bs=4k · 01 Oct – 05 Oct 2026"
    assert png_size(render(spec)) == (1200, 675)


def test_lines_differing_by_tags_are_named_by_them(filled: Repository) -> None:
    series = filled.series(Selector(job=JOB, metric="latency", labs=("lab1",)))
    spec = chartdata.trend_spec(series)
    assert spec.title == f"lab1 · {JOB} · latency"
    assert [line.label for line in spec.lines] == ["bs=1m", "bs=4k"]
    assert spec.lines[0].low == ()  # no repeats, no band
    assert spec.x_axis == "build"


def test_the_untagged_line_beside_tagged_ones_is_overall_not_its_lab() -> None:
    keys = [
        SeriesKey("lab1", "perf/api-load", "latency:p95", {"label": "/login"}),
        SeriesKey("lab1", "perf/api-load", "latency:p95", {"label": "/search"}),
        SeriesKey("lab1", "perf/api-load", "latency:p95"),
    ]
    shared, labels = chartdata.split_keys(keys)
    assert labels == ["label=/login", "label=/search", "overall"]
    assert shared["lab"] == "lab1"
    assert chartdata.split_keys(keys[2:])[1] == ["lab1"]  # one line: named by its lab
    two_labs = [keys[2], SeriesKey("lab2", "perf/api-load", "latency:p95", {"label": "/login"})]
    assert chartdata.split_keys(two_labs)[1] == ["lab1", "lab2 label=/login"]


def test_last_cuts_the_points(filled: Repository) -> None:
    series = filled.series(
        Selector(job=JOB, metric="latency", labs=("lab1",), tags={"bs": "4k"}, last=3)
    )
    spec = chartdata.trend_spec(series)
    assert spec.lines[0].builds == (6, 7, 8)
    assert spec.subtitle == "bs=4k · builds #6–#8"


def test_no_points_and_mixed_units_say_why(filled: Repository) -> None:
    with pytest.raises(ChartError, match="no points match"):
        chartdata.trend_spec([])
    mixed = filled.series(Selector(job=JOB, labs=("lab1",), tags={"bs": "4k"}))
    with pytest.raises(ChartError, match=r"different units \(IOPS, ms\)"):
        chartdata.trend_spec(mixed)


def test_compare_two_builds(filled: Repository) -> None:
    spec = chartdata.compare_builds_spec(
        "lab1",
        JOB,
        (5, filled.build_points("lab1", JOB, 5)),
        (6, filled.build_points("lab1", JOB, 6)),
    )
    assert spec == CompareSpec(
        title=f"lab1 · {JOB} · build #5 vs #6",
        left_label="#5",
        right_label="#6",
        rows=(
            CompareRow("iops bs=4k", "IOPS", "higher", 1000.0, 1000.0 / 1.2),
            CompareRow("latency bs=1m", "ms", "lower", 30.0, 30.0),
            CompareRow("latency bs=4k", "ms", "lower", 10.0, 12.0),
        ),
        subtitle="3 metrics",
    )
    assert png_size(render(spec)) == (1200, 420)


def test_compare_builds_with_nothing_stored_says_why() -> None:
    with pytest.raises(ChartError, match="hold no points"):
        chartdata.compare_builds_spec("lab1", JOB, (1, []), (2, []))


def test_compare_two_labs_latest_runs(filled: Repository) -> None:
    series = filled.series(Selector(job=JOB, metric="latency", last=1))
    spec = chartdata.compare_labs_spec(series, "lab1", "lab2")
    assert spec == CompareSpec(
        title=f"{JOB} · latency · lab1 vs lab2",
        left_label="lab1",
        right_label="lab2",
        rows=(
            CompareRow("bs=1m", "ms", "lower", 30.0, 30.0),
            CompareRow("bs=4k", "ms", "lower", 12.0, 10.0),
        ),
        subtitle="latest runs: lab1 #8, lab2 #108",
    )


def test_compare_labs_without_points_in_one_says_why(filled: Repository) -> None:
    series = filled.series(Selector(job=JOB, metric="latency", labs=("lab1",), last=1))
    with pytest.raises(ChartError, match="no points in lab lab3"):
        chartdata.compare_labs_spec(series, "lab1", "lab3")


def test_alert_window_around_the_change(filled: Repository) -> None:
    finding_id = add_finding(filled)
    [finding] = filled.findings(job=JOB)
    [data] = latency_4k(filled, "lab1")
    spec = chartdata.alert_spec(data, finding, size=2)
    expected_line = TrendLine(
        label="lab1",
        builds=(4, 5, 6, 7),
        values=(10.0, 10.0, 12.0, 12.0),
        times=tuple(started("lab1", n) for n in (4, 5, 6, 7)),
        low=(9.5, 9.5, 11.5, 11.5),
        high=(10.5, 10.5, 12.5, 12.5),
        status=("ok", "unstable", "ok", "ok"),
    )
    assert spec == AlertSpec(
        title=f"lab1 · {JOB} · latency",
        unit="ms",
        direction="lower",
        line=expected_line,
        build_before=5,
        build_after=6,
        level_before=10.0,
        level_after=12.0,
        change_pct=20.0,
        kind="regression",
        subtitle=f"bs=4k · alert {finding_id}, open",
    )
    assert png_size(render(spec)) == (1200, 675)


def test_digest_panels_in_the_order_given(filled: Repository) -> None:
    add_finding(filled)
    [finding] = filled.findings(job=JOB)
    [data] = latency_4k(filled, "lab1")
    spec = chartdata.digest_spec([(data, finding)], title="Week 48", subtitle="1 mover")
    line = chartdata.trend_line(data, "lab1", [finding])
    assert spec == DigestSpec(
        title="Week 48",
        panels=(DigestPanel("lab1 latency", "ms", "lower", line, 20.0, "regression"),),
        subtitle="1 mover · bs=4k",
    )
    assert line.markers == (
        Marker(build=6, change_pct=20.0, kind="regression", label=f"alert {finding.id}", open=True),
    )
    assert png_size(render(spec)) == (1200, 400)
    with pytest.raises(ChartError, match="no series moved"):
        chartdata.digest_spec([])
    empty = SeriesData(data.series, ())
    assert chartdata.digest_spec([(empty, finding), (data, finding)]).panels == spec.panels
    with pytest.raises(ChartError, match="no series moved"):
        chartdata.digest_spec([(empty, finding)])


def test_compare_rows_move_shared_tags_to_the_subtitle() -> None:
    def point(value: float) -> Point:
        return Point(
            build=1,
            epoch=None,
            value=value,
            low=value,
            high=value,
            repeats=1,
            result=Result.SUCCESS,
        )

    def series(sid: int, metric: str, bs: str) -> Series:
        tags = {"bs": bs, "rw": "randread"}
        return Series(sid, SeriesKey("lab1", JOB, metric, tags), "ms", Direction.LOWER)

    left = [(series(1, "lat", "4k"), point(1.0)), (series(2, "lat", "1m"), point(2.0))]
    right = [(series(1, "lat", "4k"), point(1.5)), (series(3, "iops", "4k"), point(9.0))]
    spec = chartdata.compare_builds_spec("lab1", JOB, (1, left), (2, right))
    assert spec.rows == (
        CompareRow("iops bs=4k", "ms", "lower", None, 9.0),
        CompareRow("lat bs=1m", "ms", "lower", 2.0, None),
        CompareRow("lat bs=4k", "ms", "lower", 1.0, 1.5),
    )
    assert spec.subtitle == "rw=randread · 3 metrics"
