"""Shared fixtures: a Repository on a real SQLite file, and on PostgreSQL when one is configured.

PostgreSQL runs when PERFDASH_TEST_POSTGRES_URL is set (`.ci/run` sets it when the server answers);
each test gets a fresh schema of its own, so parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import Repository

POSTGRES_URL = os.environ.get("PERFDASH_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"]
DATA = Path(__file__).resolve().parent / "data"
# Copies of the corpus files the tests read, with their sources and licenses in NOTICE.md.
SAMPLES = DATA / "samples"


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'perfdash.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; dropped after the test."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set PERFDASH_TEST_POSTGRES_URL (.ci/run does)")
    import psycopg2

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_URL.split("?", 1)[0])
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}schema={schema}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for each backend: SQLite always, PostgreSQL when configured."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    """An upgraded Repository with a connection open for the test's thread."""
    repository = Repository.open(db_url)
    repository.upgrade()
    with repository.connection():
        yield repository
    repository.close()


@pytest.fixture
def sqlite_repo(tmp_path: Path) -> Iterator[Repository]:
    """An upgraded Repository on a SQLite file only (for tests that are not about storage)."""
    repository = Repository.open(sqlite_url(tmp_path))
    repository.upgrade()
    with repository.connection():
        yield repository
    repository.close()
