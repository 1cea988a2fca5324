"""The Repository: the one door to stored data, returning frozen records.

Open it from a `[storage] url`; it binds the models, upgrades on request, and hands out connection
contexts for threads (peewee opens one connection per thread).
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import Any

import peewee

from storage.db import database_proxy, open_database
from storage.migrations import current_version, upgrade
from storage.state import StateStore

log = logging.getLogger(__name__)


class Repository(StateStore):
    """Results and operational state in one database.

    The models bind through one process-wide proxy, so a process holds one open Repository at a
    time (the CLI and `serve` each open exactly one).
    """

    def __init__(self, db: peewee.Database) -> None:
        self.db = db
        self._job_ids = {}
        self._series_ids = {}
        database_proxy.initialize(db)

    @classmethod
    def open(cls, url: str) -> Repository:
        return cls(open_database(url))

    def upgrade(self) -> tuple[int, int]:
        """Apply migrations; return the schema version before and after."""
        with self.db.connection_context():
            return upgrade(self.db)

    def schema_version(self) -> int:
        with self.db.connection_context():
            return current_version(self.db)

    def connection(self) -> AbstractContextManager[Any]:
        """A connection for the current thread, closed on exit (wrap handlers and jobs)."""
        context: AbstractContextManager[Any] = self.db.connection_context()
        return context

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
