"""Opening databases and migrating schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import Repository, StorageError
from storage.migrations import LATEST
from storage.models import SchemaVersion


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
