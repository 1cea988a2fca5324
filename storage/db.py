"""Opening the database named by `[storage] url`.

SQLite gets WAL mode, a busy timeout and foreign keys; PostgreSQL goes through psycopg2 (the
`postgres` extra). Every model binds to `database_proxy`, initialised here once the URL is known.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import peewee

log = logging.getLogger(__name__)

database_proxy = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32_000,
    # A checkpoint copies every page written since the last one back into the database. At the
    # default of 1,000 WAL pages that was every ten 100-point builds, and the same index pages
    # were copied again each time; at 4,000 a save of 100,000 points took about a fifth less.
    "wal_autocheckpoint": 4_000,
    "journal_size_limit": 64 * 1024 * 1024,  # the WAL file shrinks back to this after a checkpoint
}


class StorageError(Exception):
    """A storage problem the user can fix (a bad URL, an unreachable server)."""


def open_database(url: str) -> peewee.Database:
    """Open (lazily connect) the database a `[storage] url` names."""
    parsed = urlparse(url)
    scheme = parsed.scheme.split("+", 1)[0]
    opener = _OPENERS.get(scheme)
    if opener is None:
        raise StorageError(
            f"storage.url {url!r} has an unsupported scheme; use sqlite:///FILE or postgresql://..."
        )
    return opener(url)


def _open_sqlite(url: str) -> peewee.Database:
    # sqlite:///relative.db, sqlite:////abs/path.db, sqlite:///:memory:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path:
        raise StorageError(f"storage.url {url!r} names no file; use sqlite:///perfdash.db")
    if path != ":memory:":
        parent = Path(path).expanduser().parent
        if not parent.is_dir():
            raise StorageError(f"storage.url {url!r}: the folder {str(parent)!r} does not exist")
    return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def _open_postgres(url: str) -> peewee.Database:
    parsed = urlparse(url)
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    kwargs: dict[str, object] = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username) if parsed.username else None,
        "password": unquote(parsed.password) if parsed.password else None,
        "connect_timeout": int(options.pop("connect_timeout", "10")),
    }
    schema = options.pop("schema", None)
    if schema:
        kwargs["options"] = f"-c search_path={schema}"
    kwargs.update(options)
    name = parsed.path.lstrip("/")
    if not name:
        raise StorageError(f"storage.url {url!r} names no database; add /DBNAME")
    clean = {k: v for k, v in kwargs.items() if v is not None}
    return peewee.PostgresqlDatabase(name, **clean)


_OPENERS = {
    "sqlite": _open_sqlite,
    "postgres": _open_postgres,
    "postgresql": _open_postgres,
}


def is_sqlite(db: peewee.Database) -> bool:
    return isinstance(db, peewee.SqliteDatabase)
