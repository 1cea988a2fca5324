"""Schema versions.

A new database gets every table of the current models at once and is stamped with the latest
version. An existing database runs each migration above its stamped version, in order, each in its
own transaction. To change the schema: change the models, then append a step to `MIGRATIONS` that
brings a database of the previous version to the new one (playhouse.migrate helps).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import peewee

from storage.db import is_sqlite
from storage.models import ALL_MODELS, PointRow, SchemaVersion

log = logging.getLogger(__name__)

Migration = Callable[[peewee.Database], None]


def _initial(db: peewee.Database) -> None:
    _cluster_on_sqlite(db)
    db.create_tables(ALL_MODELS, safe=True)


def _cluster_on_sqlite(db: peewee.Database) -> None:
    # peewee writes WITHOUT ROWID whatever the database; only SQLite knows it.
    PointRow._meta.without_rowid = is_sqlite(db)


def _drop_redundant_indexes(db: peewee.Database) -> None:
    # Each of these foreign-key indexes is the first column of a unique index of its table.
    for name in (
        "job_lab_id",
        "build_job_id",
        "series_job_id",
        "point_series_id",
        "finding_series_id",
    ):
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def _points_keyed_by_series_and_build(db: peewee.Database) -> None:
    # The id column and its table go: (series, build) becomes the primary key, clustered on
    # SQLite. Copied out and back, so that no index or constraint name is taken twice.
    columns = "series_id, build_id, value, low, high, repeats"
    db.execute_sql(f"CREATE TABLE point_v2 AS SELECT {columns} FROM point")
    db.execute_sql("DROP TABLE point")
    _cluster_on_sqlite(db)
    db.create_tables([PointRow])
    db.execute_sql(
        f"INSERT INTO point ({columns}) SELECT {columns} FROM point_v2 ORDER BY series_id, build_id"
    )
    db.execute_sql("DROP TABLE point_v2")


# version -> the step that produces it from version - 1
MIGRATIONS: dict[int, Migration] = {
    1: _initial,
    2: _drop_redundant_indexes,
    3: _points_keyed_by_series_and_build,
}
LATEST = max(MIGRATIONS)


def current_version(db: peewee.Database) -> int:
    """The stamped schema version; 0 for an empty database."""
    # Not db.table_exists(): on PostgreSQL it looks only in "public", not along the search_path.
    try:
        with db.atomic():
            row = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    except (peewee.OperationalError, peewee.ProgrammingError):
        return 0
    return int(row or 0)


def upgrade(db: peewee.Database) -> tuple[int, int]:
    """Bring the schema to the latest version; return (before, after)."""
    before = current_version(db)
    if before > LATEST:
        from storage.db import StorageError

        raise StorageError(
            f"the database has schema version {before}, newer than this perfdash ({LATEST}); "
            "upgrade perfdash"
        )
    if before == 0:
        with db.atomic():
            _initial(db)
            SchemaVersion.create(version=LATEST, applied=time.time())
        log.info("created schema version %d", LATEST)
        return before, LATEST
    for version in range(before + 1, LATEST + 1):
        with db.atomic():
            MIGRATIONS[version](db)
            SchemaVersion.create(version=version, applied=time.time())
        log.info("migrated schema to version %d", version)
    return before, LATEST
