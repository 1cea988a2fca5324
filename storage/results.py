"""Builds, series and points read back: the read half of the results store.

The write path is `storage.saving` (`save_build`); this module lists labs and jobs and reads
series, builds and export rows into the frozen records of `storage.records`.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator

import peewee

from storage.models import BuildRow, Job, Lab, PointRow, SeriesRow, from_epoch
from storage.records import (
    Build,
    Commit,
    Direction,
    ExportRow,
    JobSummary,
    Point,
    Result,
    Selector,
    Series,
    SeriesData,
    SeriesKey,
    canonical_tags,
)
from storage.saving import BuildSaver

log = logging.getLogger(__name__)


def _series_record(
    row_id: int, lab: str, job: str, metric: str, tags: str, unit: str, direction: str
) -> Series:
    key = SeriesKey(lab=lab, job=job, metric=metric, tags=json.loads(tags))
    return Series(id=row_id, key=key, unit=unit, direction=Direction(direction))


def _build_record(lab: str, job: str, row: BuildRow) -> Build:
    return Build(
        lab=lab,
        job=job,
        number=row.number,
        result=Result(row.result),
        started=from_epoch(row.started),
        duration_s=row.duration_s,
        url=row.url,
        parameters=row.parameters or {},
        commits=tuple(Commit(**c) for c in row.commits or ()),
        cause=row.cause,
    )


_RESULTS = {r.value: r for r in Result}


class ResultsStore(BuildSaver):
    """The results half of the Repository (mixed into `storage.Repository`)."""

    # ---- labs and jobs -------------------------------------------------------------------

    def labs(self) -> list[str]:
        return [name for (name,) in Lab.select(Lab.name).order_by(Lab.name).tuples()]

    def jobs(self, lab: str | None = None) -> list[JobSummary]:
        """Every job (of one lab) with its build count and newest build."""
        query = (
            Job.select(
                Lab.name,
                Job.name,
                peewee.fn.COUNT(BuildRow.id),
                peewee.fn.MAX(BuildRow.number),
                peewee.fn.MAX(BuildRow.started),
            )
            .join(Lab)
            .switch(Job)
            .join(BuildRow, peewee.JOIN.LEFT_OUTER)
            .group_by(Lab.name, Job.name)
            .order_by(Job.name, Lab.name)
        )
        if lab is not None:
            query = query.where(Lab.name == lab)
        return [
            JobSummary(
                lab=lab_name,
                job=job,
                builds=count,
                last_build=last,
                last_started=from_epoch(started),
            )
            for lab_name, job, count, last, started in query.tuples()
        ]

    # ---- reading -------------------------------------------------------------------------

    def find_series(self, selector: Selector) -> list[Series]:
        """The series a selector names (its build filters are ignored here)."""
        query = (
            SeriesRow.select(
                SeriesRow.id,
                Lab.name,
                Job.name,
                SeriesRow.metric,
                SeriesRow.tags,
                SeriesRow.unit,
                SeriesRow.direction,
            )
            .join(Job)
            .join(Lab)
            .order_by(Job.name, SeriesRow.metric, SeriesRow.tags, Lab.name)
        )
        if selector.job is not None:
            query = query.where(Job.name == selector.job)
        if selector.metric is not None:
            query = query.where(SeriesRow.metric == selector.metric)
        if selector.labs:
            query = query.where(Lab.name.in_(list(selector.labs)))
        found = [_series_record(*row) for row in query.tuples()]
        wanted = dict(selector.tags)
        return [s for s in found if all(s.key.tags.get(k) == v for k, v in wanted.items())]

    def series(self, selector: Selector) -> list[SeriesData]:
        """Each matching series with its points, oldest build first."""
        return [
            SeriesData(series=s, points=self.points(s.id, selector))
            for s in self.find_series(selector)
        ]

    def points(self, series_id: int, selector: Selector | None = None) -> tuple[Point, ...]:
        """The points of one series, oldest build first, cut by `last` and `since`."""
        query = (
            PointRow.select(
                BuildRow.number,
                BuildRow.started,
                PointRow.value,
                PointRow.low,
                PointRow.high,
                PointRow.repeats,
                BuildRow.result,
            )
            .join(BuildRow)
            .where(PointRow.series == series_id)
        )
        if selector is not None and selector.since is not None:
            query = query.where(BuildRow.started >= selector.since.timestamp())
        if selector is not None and selector.last is not None:
            query = query.order_by(BuildRow.number.desc()).limit(selector.last)
        # The driver's rows directly: peewee's per-column converters cost 10x the query itself.
        rows = self.db.execute(query).fetchall()
        if selector is None or selector.last is None:
            rows.sort()  # by build number: cheaper than the temporary B-tree of an ORDER BY
        else:
            rows.reverse()
        return tuple(
            [Point(number, t, v, lo, hi, n, _RESULTS[r]) for number, t, v, lo, hi, n, r in rows]
        )

    def metrics(self, job: str, lab: str | None = None) -> list[Series]:
        """Every series of a job (in one lab or all)."""
        return self.find_series(Selector(job=job, labs=(lab,) if lab else ()))

    def tag_values(self, job: str, metric: str | None = None) -> dict[str, list[str]]:
        """For each tag key of a job's series, the values seen, sorted."""
        values: dict[str, set[str]] = defaultdict(set)
        for series in self.find_series(Selector(job=job, metric=metric)):
            for key, value in series.key.tags.items():
                values[key].add(value)
        return {key: sorted(found) for key, found in sorted(values.items())}

    def build(self, lab: str, job: str, number: int) -> Build | None:
        row = (
            BuildRow.select(BuildRow)
            .join(Job)
            .join(Lab)
            .where((Lab.name == lab) & (Job.name == job) & (BuildRow.number == number))
            .first()
        )
        return None if row is None else _build_record(lab, job, row)

    def builds(
        self,
        lab: str,
        job: str,
        *,
        first: int | None = None,
        last: int | None = None,
        limit: int | None = None,
    ) -> list[Build]:
        """Builds of a job, newest first, optionally within [first, last] by number."""
        query = (
            BuildRow.select(BuildRow)
            .join(Job)
            .join(Lab)
            .where((Lab.name == lab) & (Job.name == job))
            .order_by(BuildRow.number.desc())
        )
        if first is not None:
            query = query.where(BuildRow.number >= first)
        if last is not None:
            query = query.where(BuildRow.number <= last)
        if limit is not None:
            query = query.limit(limit)
        return [_build_record(lab, job, row) for row in query]

    def build_points(self, lab: str, job: str, number: int) -> list[tuple[Series, Point]]:
        """Every series' point in one build, ordered by metric and tags."""
        query = (
            PointRow.select(
                SeriesRow.id,
                SeriesRow.metric,
                SeriesRow.tags,
                SeriesRow.unit,
                SeriesRow.direction,
                BuildRow.started,
                PointRow.value,
                PointRow.low,
                PointRow.high,
                PointRow.repeats,
                BuildRow.result,
            )
            .join(BuildRow)
            .join(Job)
            .join(Lab)
            .switch(PointRow)
            .join(SeriesRow)
            .where((Lab.name == lab) & (Job.name == job) & (BuildRow.number == number))
            .order_by(SeriesRow.metric, SeriesRow.tags)
        )
        out = []
        for (
            sid,
            metric,
            tags,
            unit,
            direction,
            started,
            value,
            low,
            high,
            reps,
            result,
        ) in query.tuples():
            series = _series_record(sid, lab, job, metric, tags, unit, direction)
            point = Point(
                build=number,
                epoch=started,
                value=value,
                low=low,
                high=high,
                repeats=reps,
                result=Result(result),
            )
            out.append((series, point))
        return out

    def export_rows(
        self, *, lab: str | None = None, job: str | None = None, metric: str | None = None
    ) -> Iterator[ExportRow]:
        """Every stored point, one row each, ordered by lab, job, build, metric and tags."""
        query = (
            PointRow.select(
                Lab.name,
                Job.name,
                BuildRow.number,
                BuildRow.started,
                SeriesRow.metric,
                SeriesRow.tags,
                SeriesRow.unit,
                PointRow.value,
            )
            .join(BuildRow)
            .join(Job)
            .join(Lab)
            .switch(PointRow)
            .join(SeriesRow)
            .order_by(Lab.name, Job.name, BuildRow.number, SeriesRow.metric, SeriesRow.tags)
        )
        if lab is not None:
            query = query.where(Lab.name == lab)
        if job is not None:
            query = query.where(Job.name == job)
        if metric is not None:
            query = query.where(SeriesRow.metric == metric)
        for (
            lab_name,
            job_name,
            number,
            started,
            metric_name,
            tags,
            unit,
            value,
        ) in query.tuples().iterator():
            yield ExportRow(
                lab=lab_name,
                job=job_name,
                build=number,
                timestamp=from_epoch(started),
                metric=metric_name,
                tags=canonical_tags(json.loads(tags)),
                unit=unit,
                value=value,
            )
