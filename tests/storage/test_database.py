"""Opening databases and migrating schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import peewee
import pytest

from storage import Repository, StorageError
from storage.migrations import LATEST
from storage.models import SchemaVersion
from storage.records import Build, Direction, Sample, Selector


def test_sqlite_pragmas(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'p.db'}")
    repo.upgrade()
    with repo.connection():
        pragma = {
            name: repo.db.execute_sql(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000}


def test_upgrade_is_idempotent(db_url: str) -> None:
    repo = Repository.open(db_url)
    assert repo.upgrade() == (0, LATEST)
    assert repo.upgrade() == (LATEST, LATEST)
    assert repo.schema_version() == LATEST


def index_names(repo: Repository) -> set[str]:
    if isinstance(repo.db, peewee.SqliteDatabase):
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return {row[0] for row in repo.db.execute_sql(sql).fetchall()}


def test_version_1_loses_its_redundant_indexes_and_keeps_its_rows(db_url: str) -> None:
    repo = Repository.open(db_url)
    repo.upgrade()
    build = Build("lab1", "perf/fio", 7, started=datetime(2026, 1, 1, tzinfo=UTC))
    with repo.connection():
        repo.save_build(build, [Sample("iops", 5.0, "", Direction.HIGHER)])
        # Schema version 1 as it was made: an index on every foreign key.
        for table, column in (("build", "job_id"), ("point", "series_id")):
            repo.db.execute_sql(f"CREATE INDEX {table}_{column} ON {table} ({column})")
        SchemaVersion.update(version=1).execute()
    assert repo.schema_version() == 1
    assert repo.upgrade() == (1, LATEST)
    with repo.connection():
        assert not {"build_job_id", "point_series_id"} & index_names(repo)
        [data] = repo.series(Selector(job="perf/fio", metric="iops"))
        assert [p.value for p in data.points] == [5.0]


def point_columns(repo: Repository) -> list[str]:
    cursor = repo.db.execute_sql("SELECT * FROM point WHERE 1 = 0")
    return [column[0] for column in cursor.description]


def test_version_2_keys_points_by_series_and_build_and_keeps_them(db_url: str) -> None:
    repo = Repository.open(db_url)
    repo.upgrade()
    with repo.connection():
        # Schema version 2's point table: an id column and a unique index on (series, build).
        repo.db.execute_sql("DROP TABLE point")
        key = "INTEGER" if isinstance(repo.db, peewee.SqliteDatabase) else "SERIAL"
        repo.db.execute_sql(
            f"CREATE TABLE point (id {key} PRIMARY KEY, series_id INTEGER NOT NULL"
            " REFERENCES series (id) ON DELETE CASCADE, build_id INTEGER NOT NULL"
            " REFERENCES build (id) ON DELETE CASCADE, value REAL NOT NULL, low REAL NOT NULL,"
            " high REAL NOT NULL, repeats INTEGER NOT NULL)"
        )
        repo.db.execute_sql(
            "CREATE UNIQUE INDEX point_series_id_build_id ON point (series_id, build_id)"
        )
        repo.db.execute_sql("CREATE INDEX point_build_id ON point (build_id)")
        for number, value in ((1, 5.0), (2, 6.0)):
            build = Build("lab1", "perf/fio", number, started=datetime(2026, 1, number, tzinfo=UTC))
            repo.save_build(build, [Sample("iops", value, "", Direction.HIGHER)])
        SchemaVersion.update(version=2).execute()
    assert repo.upgrade() == (2, LATEST)
    with repo.connection():
        assert point_columns(repo) == ["series_id", "build_id", "value", "low", "high", "repeats"]
        assert "point_build_id" in index_names(repo)
        [data] = repo.series(Selector(job="perf/fio", metric="iops"))
        assert [(p.build, p.value) for p in data.points] == [(1, 5.0), (2, 6.0)]
        build = Build("lab1", "perf/fio", 2, started=datetime(2026, 1, 2, tzinfo=UTC))
        repo.save_build(build, [Sample("iops", 7.0, "", Direction.HIGHER)])  # the upsert holds
        [data] = repo.series(Selector(job="perf/fio", metric="iops"))
        assert [(p.build, p.value) for p in data.points] == [(1, 5.0), (2, 7.0)]


def test_sqlite_clusters_points_by_series(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'p.db'}")
    repo.upgrade()
    with repo.connection():
        [(sql,)] = repo.db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'point'")
    assert sql.endswith("WITHOUT ROWID")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'p.db'}")
    repo.upgrade()
    with repo.connection():
        SchemaVersion.create(version=LATEST + 1, applied=0.0)
    with pytest.raises(StorageError, match="newer than this perfdash"):
        repo.upgrade()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "unsupported scheme"),
        ("sqlite://", "names no file"),
        ("sqlite:////no/such/folder/p.db", "does not exist"),
        ("postgresql://127.0.0.1:5432", "names no database"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message):
        Repository.open(url)
