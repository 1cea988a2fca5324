"""Builds, series and points: saving one build and reading series back.

`save_build` is the one write path for results: one transaction per build, an upsert on
(build) and on (series, build), so a re-run stores the same thing again and changes nothing.
"""

from __future__ import annotations

import json
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import peewee

from storage.models import BuildRow, Job, Lab, PointRow, SeriesRow
from storage.records import (
    Build,
    Commit,
    Direction,
    ExportRow,
    JobSummary,
    Point,
    Result,
    Sample,
    SaveResult,
    Selector,
    Series,
    SeriesData,
    SeriesKey,
    canonical_tags,
)

log = logging.getLogger(__name__)

SeriesIdentity = tuple[str, str]  # (metric, tags as canonical JSON)


def to_epoch(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def from_epoch(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def tags_json(tags: Any) -> str:
    return json.dumps({str(k): str(v) for k, v in dict(tags).items()}, sort_keys=True)


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


class ResultsStore:
    """The results half of the Repository (mixed into `storage.Repository`)."""

    db: peewee.Database

    # ---- labs and jobs -------------------------------------------------------------------

    def ensure_lab(self, name: str, url: str = "") -> int:
        """The id of the lab, created (or its URL updated) as needed."""
        lab = Lab.get_or_none(Lab.name == name)
        if lab is None:
            Lab.insert(name=name, url=url).on_conflict_ignore().execute()
            lab = Lab.get(Lab.name == name)
        elif url and lab.url != url:
            Lab.update(url=url).where(Lab.id == lab.id).execute()
        return int(lab.id)

    def ensure_job(self, lab: str, name: str) -> int:
        lab_id = self.ensure_lab(lab)
        job = Job.get_or_none((Job.lab == lab_id) & (Job.name == name))
        if job is None:
            Job.insert(lab=lab_id, name=name).on_conflict_ignore().execute()
            job = Job.get((Job.lab == lab_id) & (Job.name == name))
        return int(job.id)

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

    # ---- writing a build -----------------------------------------------------------------

    def save_build(self, build: Build, samples: Iterable[Sample]) -> SaveResult:
        """Store a build and its samples in one transaction; safe to repeat.

        Repeats of one series in the build become one point: their median, with min and max.
        Points of this build that the new samples no longer hold are removed.
        """
        grouped: dict[SeriesIdentity, list[Sample]] = defaultdict(list)
        for sample in samples:
            grouped[(sample.metric, tags_json(sample.tags))].append(sample)
        with self.db.atomic():
            job_id = self.ensure_job(build.lab, build.job)
            build_id, new_build = self._upsert_build(job_id, build)
            series_ids, created = self._ensure_series(job_id, grouped)
            rows = []
            for identity, group in grouped.items():
                values = [s.value for s in group]
                rows.append(
                    {
                        "series": series_ids[identity],
                        "build": build_id,
                        "value": statistics.median(values),
                        "low": min(values),
                        "high": max(values),
                        "repeats": len(values),
                    }
                )
            keep = list(series_ids.values())
            stale = PointRow.delete().where(PointRow.build == build_id)
            if keep:
                stale = stale.where(PointRow.series.not_in(keep))
            stale.execute()
            for start in range(0, len(rows), 500):
                (
                    PointRow.insert_many(rows[start : start + 500])
                    .on_conflict(
                        conflict_target=[PointRow.series, PointRow.build],
                        preserve=[PointRow.value, PointRow.low, PointRow.high, PointRow.repeats],
                    )
                    .execute()
                )
        return SaveResult(new_build=new_build, points=len(rows), series_created=created)

    def _upsert_build(self, job_id: int, build: Build) -> tuple[int, bool]:
        fields = {
            "result": build.result.value,
            "started": to_epoch(build.started),
            "duration_s": build.duration_s,
            "url": build.url,
            "parameters": dict(build.parameters),
            "commits": [
                {"id": c.id, "author": c.author, "message": c.message, "url": c.url}
                for c in build.commits
            ],
            "cause": build.cause,
        }
        existing = BuildRow.get_or_none(
            (BuildRow.job == job_id) & (BuildRow.number == build.number)
        )
        if existing is None:
            row_id = BuildRow.insert(job=job_id, number=build.number, **fields).execute()
            return int(row_id), True
        BuildRow.update(**fields).where(BuildRow.id == existing.id).execute()
        return int(existing.id), False

    def _ensure_series(
        self, job_id: int, grouped: dict[SeriesIdentity, list[Sample]]
    ) -> tuple[dict[SeriesIdentity, int], int]:
        if not grouped:
            return {}, 0
        known = {
            (metric, tags): row_id
            for row_id, metric, tags in SeriesRow.select(
                SeriesRow.id, SeriesRow.metric, SeriesRow.tags
            )
            .where(SeriesRow.job == job_id)
            .tuples()
        }
        missing = [identity for identity in grouped if identity not in known]
        for metric, tags in missing:
            first = grouped[(metric, tags)][0]
            SeriesRow.insert(
                job=job_id,
                metric=metric,
                tags=tags,
                unit=first.unit,
                direction=first.direction.value,
            ).on_conflict_ignore().execute()
        if missing:
            known.update(
                ((metric, tags), row_id)
                for row_id, metric, tags in SeriesRow.select(
                    SeriesRow.id, SeriesRow.metric, SeriesRow.tags
                )
                .where(SeriesRow.job == job_id)
                .tuples()
            )
        return {identity: known[identity] for identity in grouped}, len(missing)

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
            .order_by(BuildRow.number.desc())
        )
        if selector is not None and selector.since is not None:
            query = query.where(BuildRow.started >= selector.since.timestamp())
        if selector is not None and selector.last is not None:
            query = query.limit(selector.last)
        rows = list(query.tuples())
        rows.reverse()
        return tuple(
            Point(
                build=number,
                started=from_epoch(started),
                value=value,
                low=low,
                high=high,
                repeats=repeats,
                result=Result(result),
            )
            for number, started, value, low, high, repeats, result in rows
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
                started=from_epoch(started),
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
