"""Regression detection glue: series from the Repository, `analysis` on them, findings stored.

Each check reads only the newest `analysis` horizon of a series (480 builds by default) and
extends what was found before (`analysis.update`), so a check after a sync costs the same on a
young series and on one with 100,000 builds, and a stored change never moves or is found twice.
`full=True` analyses the whole history instead (after a backfill); stored findings still win.

Builds that FAILED, were ABORTED, NOT_BUILT or are still RUNNING count as missing values: their
numbers are not trusted.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

import analysis
from bot.config import DetectionConfig
from bot.errors import UsageError
from bot.messages.blocks import fmt_value
from bot.wording import plural
from storage import Repository
from storage.records import Finding, FindingKind, Point, Result, Selector, Series

log = logging.getLogger(__name__)

TRUSTED = frozenset({Result.SUCCESS, Result.UNSTABLE})
SCORE_CAP = 1e9  # a step in a noiseless series scores infinity; stored as this


@dataclass(frozen=True, slots=True)
class Detected:
    """One change point of one series, as `perfdash detect` reports it."""

    finding: Finding
    new: bool  # stored by this run (False: found before)


def detect(
    repo: Repository,
    settings: DetectionConfig,
    *,
    now: datetime,
    lab: str | None = None,
    job: str | None = None,
    metric: str | None = None,
    full: bool = False,
) -> list[Detected]:
    """Check every matching series, store each finding once, return what the checks saw."""
    selector = Selector(job=job, metric=metric, labs=(lab,) if lab else ())
    matching = repo.find_series(selector)
    if not matching and (lab or job or metric):
        named = ", ".join(
            f"{flag} {value}"
            for flag, value in (("--lab", lab), ("--job", job), ("--metric", metric))
            if value
        )
        raise UsageError(
            f"no stored series matches {named} (names are exact; see "
            "`perfdash export` for what is stored)"
        )
    found: list[Detected] = []
    for series in matching:
        found.extend(check_series(repo, series, settings, now=now, full=full))
    return found


def check_series(
    repo: Repository,
    series: Series,
    settings: DetectionConfig,
    *,
    now: datetime,
    full: bool = False,
) -> list[Detected]:
    """Change points in one series' recent window (or whole history); new ones are stored."""
    window = None if full else analysis.horizon(analysis.Settings())
    points = repo.points(series.id, Selector(last=window))
    if not points:
        return []
    values = [p.value if p.result in TRUSTED else None for p in points]
    stored = repo.series_findings(series.id, since_build=points[0].build)
    previous = _as_change_points(stored, points)
    min_effect = analysis.min_effect_for(
        series.key.metric, settings.min_effect_pct_by_metric, settings.min_effect_pct
    )
    analyse = _analyse_all if full else analysis.update
    changes = analyse(values, previous, direction=series.direction.value, min_effect_pct=min_effect)
    known = {f.build_after: f for f in stored}
    out = []
    for change in changes:
        build_after = points[change.index].build
        if build_after in known:
            out.append(Detected(known[build_after], new=False))
        else:
            out.append(
                _store(
                    repo,
                    series,
                    change,
                    _build_before(points, values, change.index),
                    build_after,
                    now,
                )
            )
    return out


def _analyse_all(
    values: Sequence[float | None],
    previous: Sequence[analysis.ChangePoint],
    *,
    direction: str,
    min_effect_pct: float,
) -> list[analysis.ChangePoint]:
    """The whole history analysed afresh; stored findings win over what it finds near them."""
    found = analysis.change_points(values, direction=direction, min_effect_pct=min_effect_pct)
    return analysis.merge(previous, found)


def _as_change_points(
    stored: Sequence[Finding], points: Sequence[Point]
) -> list[analysis.ChangePoint]:
    """Stored findings inside the window, as the change points `analysis.update` extends."""
    index = {p.build: i for i, p in enumerate(points)}
    return [
        analysis.ChangePoint(
            index=index[f.build_after],
            before=f.value_before,
            after=f.value_after,
            change_pct=f.change_pct,
            score=f.score,
            kind=f.kind.value,
        )
        for f in stored
        if f.build_after in index
    ]


def _build_before(points: Sequence[Point], values: Sequence[float | None], index: int) -> int:
    """The newest build before the change with a trusted value (the last good one)."""
    for i in range(index - 1, -1, -1):
        if values[i] is not None:
            return points[i].build
    return points[max(index - 1, 0)].build


def _store(
    repo: Repository,
    series: Series,
    change: analysis.ChangePoint,
    build_before: int,
    build_after: int,
    now: datetime,
) -> Detected:
    kind = FindingKind(change.kind or analysis.REGRESSION)  # update() got a direction
    finding, new = repo.save_finding(
        series.id,
        kind=kind,
        build_before=build_before,
        build_after=build_after,
        value_before=change.before,
        value_after=change.after,
        change_pct=change.change_pct,
        score=min(change.score, SCORE_CAP),
        at=now,
    )
    if new:
        key = series.key
        log.info(
            "new %s in %s/%s %s at build %d (%+.1f%%)",
            kind.value,
            key.lab,
            key.job,
            key.metric,
            build_after,
            change.change_pct,
        )
    return Detected(finding, new)


# ---- output ----------------------------------------------------------------------------------


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def as_json_object(item: Detected) -> dict[str, object]:
    """The stable JSON shape (DESIGN.md); a change from 0 has change_pct null."""
    f = item.finding
    key = f.series.key
    return {
        "lab": key.lab,
        "job": key.job,
        "metric": key.metric,
        "tags": key.tag_text,
        "unit": f.series.unit,
        "kind": f.kind.value,
        "build_before": f.build_before,
        "build_after": f.build_after,
        "value_before": f.value_before,
        "value_after": f.value_after,
        "change_pct": _finite(f.change_pct),
    }


def write_json(found: Iterable[Detected], out: TextIO) -> None:
    """One JSON array, one object per line."""
    objects = [json.dumps(as_json_object(item)) for item in found]
    out.write("[\n" + ",\n".join(objects) + "\n]\n" if objects else "[]\n")


TABLE_HEADER = ("kind", "lab", "job", "metric", "tags", "builds", "before", "after", "change", "")


def write_table(found: Sequence[Detected], out: TextIO) -> None:
    """A readable table, one change per line; a note when there is nothing."""
    if not found:
        out.write("no change points found\n")
        return
    rows = [TABLE_HEADER] + [_table_row(item) for item in found]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    for row in rows:
        out.write(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        )
    new = sum(item.new for item in found)
    out.write(f"{plural(len(found), 'change point')}, {new} new\n")


def _table_row(item: Detected) -> tuple[str, ...]:
    f = item.finding
    key, unit = f.series.key, f.series.unit
    change = f"{f.change_pct:+.1f}%" if math.isfinite(f.change_pct) else "from 0"
    return (
        f.kind.value,
        key.lab,
        key.job,
        key.metric,
        key.tag_text or "-",
        f"{f.build_before}->{f.build_after}",
        fmt_value(f.value_before, unit),
        fmt_value(f.value_after, unit),
        change,
        "new" if item.new else "",
    )
