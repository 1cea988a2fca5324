"""Saving one build: the one write path for results.

`save_build` is one transaction per build, an upsert on (build) and on (series, build), so a
re-run stores the same thing again and changes nothing. Rows are written with hand-written SQL
per database (docs/storage.md says why each path is the one it is).
"""

from __future__ import annotations

import functools
import io
import json
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import peewee

from storage.models import BuildRow, Job, Lab, PointRow, SeriesRow, to_epoch
from storage.records import Build, Sample, SaveResult

log = logging.getLogger(__name__)

SeriesIdentity = tuple[str, str]  # (metric, tags as canonical JSON)


def tags_json(tags: Any) -> str:
    """Tags as canonical JSON (keys sorted), the form that identifies a series."""
    return _tags_json(tuple(tags.items()))


@functools.lru_cache(maxsize=4096)
def _tags_json(items: tuple[tuple[Any, Any], ...]) -> str:
    # Builds repeat the same few tag sets thousands of times; dumping each again was 20% of a save.
    return json.dumps({str(k): str(v) for k, v in items}, sort_keys=True)


# A build's commit does not wait for PostgreSQL's WAL flush (docs/storage.md has the figures).
# A crash of the server can lose the last builds saved, never half of one, and never a build the
# sync state counts as synced: that state is committed afterwards with a flush, which makes the
# earlier commits durable too, and a lost build is read again on the next pass.
_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"
_POINT_TABLE = PointRow._meta.table_name
_POINT_COLUMNS = "series_id, build_id, value, low, high, repeats"
_BATCH = 500  # points per INSERT statement (6 parameters each; SQLite allows 32,766)
_COPY_NULL = "\\N"


def _copy_float(value: float | None) -> str:
    return _COPY_NULL if value is None else repr(value)


def _point_row(
    series_id: int, build_id: int, values: list[float]
) -> tuple[int, int, float, float, float, int]:
    if len(values) == 1:  # the common case, and a third of the per-point cost when it was not
        return (series_id, build_id, values[0], values[0], values[0], 1)
    return (series_id, build_id, statistics.median(values), min(values), max(values), len(values))


class BuildSaver:
    """The write half of the results store (mixed into `storage.Repository`)."""

    db: peewee.Database
    _job_ids: dict[tuple[str, str], int]
    _series_ids: dict[int, dict[SeriesIdentity, int]]

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
        """The id of the job, created (with its lab) as needed; cached per Repository."""
        cached = self._job_ids.get((lab, name))
        if cached is not None:
            return cached
        lab_id = self.ensure_lab(lab)
        job = Job.get_or_none((Job.lab == lab_id) & (Job.name == name))
        if job is None:
            Job.insert(lab=lab_id, name=name).on_conflict_ignore().execute()
            job = Job.get((Job.lab == lab_id) & (Job.name == name))
        self._job_ids[(lab, name)] = int(job.id)
        return int(job.id)

    def save_build(self, build: Build, samples: Iterable[Sample]) -> SaveResult:
        """Store a build and its samples in one transaction; safe to repeat.

        Repeats of one series in the build become one point: their median, with min and max.
        Points of this build that the new samples no longer hold are removed.
        """
        grouped: dict[SeriesIdentity, list[Sample]] = defaultdict(list)
        for sample in samples:
            grouped[(sample.metric, tags_json(sample.tags))].append(sample)
        outer = self.db.in_transaction()
        try:
            with self.db.atomic():
                if not outer and isinstance(self.db, peewee.PostgresqlDatabase):
                    self.db.execute_sql(_ASYNC_COMMIT)
                job_id = self.ensure_job(build.lab, build.job)
                build_id, new_build = self._upsert_build(job_id, build)
                series_ids, created = self._ensure_series(job_id, grouped)
                rows = [
                    _point_row(series_ids[identity], build_id, [s.value for s in group])
                    for identity, group in grouped.items()
                ]
                if not new_build:
                    self._delete_points_except(build_id, list(series_ids.values()))
                self._upsert_points(rows, new_build=new_build)
        except BaseException:
            self._forget_ids()  # ids cached inside a rolled-back transaction may not exist
            raise
        if outer:
            # The caller's transaction may still roll back what this save created.
            self._forget_ids()
        return SaveResult(new_build=new_build, points=len(rows), series_created=created)

    def _upsert_points(
        self, rows: list[tuple[int, int, float, float, float, int]], *, new_build: bool
    ) -> None:
        # Hand-written SQL: peewee's insert_many spends ~30 us per value building the query,
        # which made it 6x slower than the driver on 100-point builds (bench/bench_storage.py).
        if not rows:
            return
        if new_build and isinstance(self.db, peewee.PostgresqlDatabase):
            self._copy_points(rows)
            return
        param = self.db.param
        insert = f"INSERT INTO {_POINT_TABLE} ({_POINT_COLUMNS}) VALUES "
        upsert = (
            " ON CONFLICT (series_id, build_id) DO UPDATE SET value = EXCLUDED.value,"
            " low = EXCLUDED.low, high = EXCLUDED.high, repeats = EXCLUDED.repeats"
        )
        row_sql = "(" + ", ".join([param] * 6) + ")"
        if isinstance(self.db, peewee.SqliteDatabase):
            # In-process: one prepared statement run per row beats a 500-row VALUES list, whose
            # binding and temporary rows doubled the system time of a save.
            self.db.cursor().executemany(insert + row_sql + upsert, rows)
            return
        # Over the network: one round trip per 500 rows.
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            sql = insert + ", ".join([row_sql] * len(batch)) + upsert
            self.db.execute_sql(sql, [value for row in batch for value in row])

    def _copy_points(self, rows: list[tuple[int, int, float, float, float, int]]) -> None:
        # A new build has no points yet, so nothing can conflict: COPY, PostgreSQL's bulk path,
        # took two thirds of the time of a multi-row INSERT ... ON CONFLICT (bench/ figures in
        # docs/storage.md). repr() writes floats exactly; COPY reads nan and inf as they come.
        text = "".join(
            f"{s}\t{b}\t{_copy_float(v)}\t{_copy_float(lo)}\t{_copy_float(hi)}\t{n}\n"
            for s, b, v, lo, hi, n in rows
        )
        with peewee.__exception_wrapper__:  # the same peewee errors as every other statement
            self.db.cursor().copy_expert(
                f"COPY {_POINT_TABLE} ({_POINT_COLUMNS}) FROM STDIN", io.StringIO(text)
            )

    def _delete_points_except(self, build_id: int, keep: list[int]) -> None:
        stale = PointRow.delete().where(PointRow.build == build_id)
        if keep:
            stale = stale.where(PointRow.series.not_in(keep))
        stale.execute()

    def _upsert_build(self, job_id: int, build: Build) -> tuple[int, bool]:
        # Hand-written SQL, as for points: peewee building the INSERT was a quarter of a save.
        fields = {
            BuildRow.result: build.result.value,
            BuildRow.started: to_epoch(build.started),
            BuildRow.duration_s: build.duration_s,
            BuildRow.url: build.url,
            BuildRow.parameters: dict(build.parameters),
            BuildRow.commits: [
                {"id": c.id, "author": c.author, "message": c.message, "url": c.url}
                for c in build.commits
            ],
            BuildRow.cause: build.cause,
        }
        columns = [f.column_name for f in fields]
        values = [f.db_value(v) for f, v in fields.items()]
        table, param = BuildRow._meta.table_name, self.db.param
        existing = self.db.execute_sql(
            f"SELECT id FROM {table} WHERE job_id = {param} AND number = {param}",
            (job_id, build.number),
        ).fetchone()
        if existing is None:
            inserted = self.db.execute_sql(
                f"INSERT INTO {table} (job_id, number, {', '.join(columns)})"
                f" VALUES ({', '.join([param] * (len(columns) + 2))}) RETURNING id",
                [job_id, build.number, *values],
            ).fetchone()
            return int(inserted[0]), True
        assignments = ", ".join(f"{column} = {param}" for column in columns)
        self.db.execute_sql(
            f"UPDATE {table} SET {assignments} WHERE id = {param}", [*values, existing[0]]
        )
        return int(existing[0]), False

    def _ensure_series(
        self, job_id: int, grouped: dict[SeriesIdentity, list[Sample]]
    ) -> tuple[dict[SeriesIdentity, int], int]:
        known = self._series_ids.get(job_id)
        if known is None or any(identity not in known for identity in grouped):
            known = self._load_series_ids(job_id)
        missing = [identity for identity in grouped if identity not in known]
        rows = [
            (
                job_id,
                metric,
                tags,
                grouped[(metric, tags)][0].unit,
                grouped[(metric, tags)][0].direction.value,
            )
            for metric, tags in missing
        ]
        fields = [
            SeriesRow.job,
            SeriesRow.metric,
            SeriesRow.tags,
            SeriesRow.unit,
            SeriesRow.direction,
        ]
        # One INSERT per batch: a first build of 1,000 series made 1,000 round trips on PostgreSQL.
        for batch in peewee.chunked(rows, _BATCH):
            SeriesRow.insert_many(batch, fields=fields).on_conflict_ignore().execute()
        if missing:
            known = self._load_series_ids(job_id)
        return {identity: known[identity] for identity in grouped}, len(missing)

    def _load_series_ids(self, job_id: int) -> dict[SeriesIdentity, int]:
        query = SeriesRow.select(SeriesRow.id, SeriesRow.metric, SeriesRow.tags).where(
            SeriesRow.job == job_id
        )
        known = {(metric, tags): row_id for row_id, metric, tags in query.tuples()}
        self._series_ids[job_id] = known
        return known

    def _forget_ids(self) -> None:
        self._series_ids.clear()
        self._job_ids.clear()
