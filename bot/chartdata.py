"""Stored records in, chart specs out: the bridge between `storage.records` and `charts`.

The chat commands and `perfdash chart` both build their specs here. Parts of the series keys that
all lines share (lab, job, metric, tags) go into the title; the parts that differ name the lines.
Specs that would be empty raise `charts.ChartError` with one sentence, like `charts.render`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

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
)
from charts.specs import Direction as SpecDirection
from charts.specs import Kind, Status
from storage.records import (
    Direction,
    Finding,
    FindingKind,
    FindingState,
    Point,
    Result,
    Series,
    SeriesData,
    SeriesKey,
    Tags,
)

log = logging.getLogger(__name__)

STATUS: Final[dict[Result, Status]] = {
    Result.SUCCESS: "ok",
    Result.RUNNING: "ok",
    Result.UNSTABLE: "unstable",
    Result.FAILURE: "failed",
    Result.ABORTED: "failed",
    Result.NOT_BUILT: "failed",
}
DIRECTION: Final[dict[Direction, SpecDirection]] = {
    Direction.LOWER: "lower",
    Direction.HIGHER: "higher",
}
KIND: Final[dict[FindingKind, Kind]] = {
    FindingKind.REGRESSION: "regression",
    FindingKind.IMPROVEMENT: "improvement",
}
ALERT_WINDOW: Final = 20  # builds shown on each side of a change
OVERALL: Final = "overall"  # the line without tags among tagged ones (a load test's total)


def tag_words(tags: Tags) -> str:
    """Tags as `k=v k=v`, keys sorted (the chat grammar's own spelling)."""
    return " ".join(f"{k}={tags[k]}" for k in sorted(tags))


def key_parts(key: SeriesKey) -> dict[str, str]:
    parts = {"lab": key.lab, "job": key.job, "metric": key.metric}
    parts.update({f"tag:{k}": f"{k}={v}" for k, v in sorted(key.tags.items())})
    return parts


def split_keys(keys: Sequence[SeriesKey]) -> tuple[dict[str, str], list[str]]:
    """The parts every key shares, and for each key a label of the parts that differ.

    A lone key is named by its lab; a key with nothing of its own among several (the untagged
    overall series beside per-label ones) is `overall`, not its lab, which the title already has.
    """
    parts = [key_parts(key) for key in keys]
    names = list(dict.fromkeys(name for p in parts for name in p))
    shared = {
        name: parts[0][name]
        for name in names
        if all(p.get(name) == parts[0].get(name) for p in parts)
    }
    fallback = [p["lab"] if len(parts) == 1 else OVERALL for p in parts]
    labels = [
        " ".join(v for n, v in p.items() if n not in shared) or other
        for p, other in zip(parts, fallback, strict=True)
    ]
    return shared, labels


def title_of(shared: dict[str, str]) -> tuple[str, str]:
    """A title naming lab, job and metric (those shared), and a subtitle of the shared tags."""
    title = " · ".join(shared[name] for name in ("lab", "job", "metric") if name in shared)
    tags = " ".join(v for n, v in shared.items() if n.startswith("tag:"))
    return title, tags


def markers_for(series: Series, findings: Sequence[Finding]) -> tuple[Marker, ...]:
    return tuple(
        Marker(
            build=f.build_after,
            change_pct=f.change_pct,
            kind=KIND[f.kind],
            label=f"alert {f.id}" if f.state is FindingState.OPEN else "",
            open=f.state is FindingState.OPEN,
        )
        for f in findings
        if f.series.id == series.id
    )


def trend_line(data: SeriesData, label: str, findings: Sequence[Finding] = ()) -> TrendLine:
    """One stored series as a line: medians, the range of repeats, build results, findings."""
    points = data.points
    repeated = any(p.repeats > 1 for p in points)
    return TrendLine(
        label=label,
        builds=tuple(p.build for p in points),
        values=tuple(p.value for p in points),
        times=tuple(p.started for p in points),
        low=tuple(p.low for p in points) if repeated else (),
        high=tuple(p.high for p in points) if repeated else (),
        status=tuple(STATUS[p.result] for p in points),
        markers=markers_for(data.series, findings),
    )


def common_unit(series: Sequence[Series]) -> str:
    units = sorted({s.unit for s in series})
    if len(units) > 1:
        raise ChartError(
            f"the series have different units ({', '.join(u or 'none' for u in units)}); "
            "chart one metric at a time"
        )
    return units[0]


def span_text(series: Sequence[SeriesData]) -> str:
    """The builds shown: a build range in one lab, a date range across labs."""
    points = [p for data in series for p in data.points]
    if len({data.series.key.lab for data in series}) > 1:
        times = [p.started for p in points if p.started is not None]
        if not times:
            return ""
        first, last = min(times), max(times)
        return (
            f"{first:%d %b %Y}"
            if first.date() == last.date()
            else (f"{first:%d %b} – {last:%d %b %Y}")
        )
    builds = [p.build for p in points]
    low, high = min(builds), max(builds)
    return f"build #{low}" if low == high else f"builds #{low}–#{high}"


def trend_spec(
    series: Sequence[SeriesData], findings: Sequence[Finding] = (), *, x_axis: str | None = None
) -> TrendSpec:
    """A trend of one or more series; on a time axis when they come from several labs.

    Build numbers of different labs do not line up, so several labs share a time axis (when
    every point has a start time); pass `x_axis` to choose.
    """
    if not series or not any(data.points for data in series):
        raise ChartError("nothing to draw: no points match")
    shown = [data for data in series if data.points]
    shared, labels = split_keys([data.series.key for data in shown])
    title, tags = title_of(shared)
    several_labs = "lab" not in shared
    timed = all(p.started is not None for data in shown for p in data.points)
    axis = x_axis or ("time" if several_labs and timed else "build")
    return TrendSpec(
        title=title or "trend",
        unit=common_unit([data.series for data in shown]),
        direction=DIRECTION[shown[0].series.direction],
        lines=tuple(
            trend_line(data, label, findings) for data, label in zip(shown, labels, strict=True)
        ),
        x_axis="time" if axis == "time" else "build",
        subtitle=" · ".join(part for part in (tags, span_text(shown)) if part),
    )


def row_labels(series: Sequence[Series]) -> tuple[dict[int, str], str]:
    """Per series id, its row label (the metric, when several, and the tags that differ);
    and the tags every row shares, for the subtitle."""
    tag_sets = [set(s.key.tags.items()) for s in series]
    common = set.intersection(*tag_sets) if tag_sets else set()
    several = len({s.key.metric for s in series}) > 1
    labels = {}
    for item in series:
        differing = [f"{k}={v}" for k, v in sorted(item.key.tags.items()) if (k, v) not in common]
        parts = ([item.key.metric] if several else []) + differing
        labels[item.id] = " ".join(parts) or item.key.metric
    return labels, " ".join(f"{k}={v}" for k, v in sorted(common))


def compare_rows(
    left: Sequence[tuple[Series, Point]], right: Sequence[tuple[Series, Point]]
) -> tuple[tuple[CompareRow, ...], str]:
    """One row per (metric, tags) found on either side, in metric and tag order; and the tags
    all rows share."""
    lefts = {(s.key.metric, s.key.tag_text): (s, p) for s, p in left}
    rights = {(s.key.metric, s.key.tag_text): (s, p) for s, p in right}
    labels, shared = row_labels([s for s, _p in (*left, *right)])
    rows = []
    for identity in sorted(lefts.keys() | rights.keys()):
        series = (lefts.get(identity) or rights[identity])[0]
        left_point = lefts.get(identity, (None, None))[1]
        right_point = rights.get(identity, (None, None))[1]
        rows.append(
            CompareRow(
                label=labels[series.id],
                unit=series.unit,
                direction=DIRECTION[series.direction],
                left=None if left_point is None else left_point.value,
                right=None if right_point is None else right_point.value,
            )
        )
    return tuple(rows), shared


def compare_builds_spec(
    lab: str,
    job: str,
    left: tuple[int, Sequence[tuple[Series, Point]]],
    right: tuple[int, Sequence[tuple[Series, Point]]],
) -> CompareSpec:
    """Two builds of one job side by side; each side is (build number, its points)."""
    (left_build, left_points), (right_build, right_points) = left, right
    if not left_points and not right_points:
        raise ChartError(
            f"builds #{left_build} and #{right_build} of {job} in {lab} hold no points"
        )
    rows, shared = compare_rows(left_points, right_points)
    return CompareSpec(
        title=f"{lab} · {job} · build #{left_build} vs #{right_build}",
        left_label=f"#{left_build}",
        right_label=f"#{right_build}",
        rows=rows,
        subtitle=" · ".join(part for part in (shared, f"{len(rows)} metrics") if part),
    )


def latest(series: Sequence[SeriesData], lab: str) -> list[tuple[Series, Point]]:
    return [(d.series, d.points[-1]) for d in series if d.series.key.lab == lab and d.points]


def compare_labs_spec(series: Sequence[SeriesData], left_lab: str, right_lab: str) -> CompareSpec:
    """Each lab's latest point of each series, side by side (one job, any metrics)."""
    left, right = latest(series, left_lab), latest(series, right_lab)
    missing = [lab for lab, side in ((left_lab, left), (right_lab, right)) if not side]
    if missing:
        raise ChartError(f"nothing to compare: no points in lab {' or '.join(missing)}")
    shared, _labels = split_keys([s.key for s, _p in left + right])
    title = " · ".join(shared[n] for n in ("job", "metric") if n in shared)
    builds = f"latest runs: {left_lab} #{max(p.build for _s, p in left)}, " + (
        f"{right_lab} #{max(p.build for _s, p in right)}"
    )
    rows, tags = compare_rows(left, right)
    return CompareSpec(
        title=f"{title} · {left_lab} vs {right_lab}",
        left_label=left_lab,
        right_label=right_lab,
        rows=rows,
        subtitle=" · ".join(part for part in (tags, builds) if part),
    )


def window(points: tuple[Point, ...], finding: Finding, size: int) -> tuple[Point, ...]:
    """The points from `size` builds before the change to `size` builds after it."""
    before = [i for i, p in enumerate(points) if p.build <= finding.build_before]
    after = [i for i, p in enumerate(points) if p.build >= finding.build_after]
    start = max(0, (before[-1] if before else 0) - size + 1)
    stop = (after[0] if after else len(points)) + size
    return points[start:stop]


def alert_spec(data: SeriesData, finding: Finding, *, size: int = ALERT_WINDOW) -> AlertSpec:
    """The window around a finding, with its before and after levels."""
    points = window(data.points, finding, size)
    if not points:
        raise ChartError(f"nothing to draw: alert {finding.id} has no points around its change")
    key = data.series.key
    shared = {"lab": key.lab, "job": key.job, "metric": key.metric}
    title, _ = title_of(shared)
    tags = tag_words(key.tags)
    subtitle = " · ".join(part for part in (tags, f"alert {finding.id}, {finding.state}") if part)
    return AlertSpec(
        title=title,
        unit=data.series.unit,
        direction=DIRECTION[data.series.direction],
        line=trend_line(SeriesData(data.series, points), key.lab),
        build_before=finding.build_before,
        build_after=finding.build_after,
        level_before=finding.value_before,
        level_after=finding.value_after,
        change_pct=finding.change_pct,
        kind=KIND[finding.kind],
        subtitle=subtitle,
    )


def digest_spec(
    movers: Sequence[tuple[SeriesData, Finding]], *, title: str = "Top movers", subtitle: str = ""
) -> DigestSpec:
    """Small multiples of the movers, in the order given (biggest first).

    Panels are named by lab, metric and the tags that differ between movers; tags all movers
    share go to the subtitle. Movers without points are left out.
    """
    movers = [(data, finding) for data, finding in movers if data.points]
    if not movers:
        raise ChartError("nothing to draw: no series moved")
    tag_sets = [set(data.series.key.tags.items()) for data, _finding in movers]
    common = set.intersection(*tag_sets)
    panels = []
    for data, finding in movers:
        key = data.series.key
        tags = [f"{k}={v}" for k, v in sorted(key.tags.items()) if (k, v) not in common]
        panels.append(
            DigestPanel(
                title=" ".join([key.lab, key.metric, *tags]),
                unit=data.series.unit,
                direction=DIRECTION[data.series.direction],
                line=trend_line(data, key.lab, [finding]),
                change_pct=finding.change_pct,
                kind=KIND[finding.kind],
            )
        )
    shared = " ".join(f"{k}={v}" for k, v in sorted(common))
    return DigestSpec(
        title=title,
        panels=tuple(panels),
        subtitle=" · ".join(part for part in (subtitle, shared) if part),
    )
