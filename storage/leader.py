"""Which replica runs the scheduled jobs: a PostgreSQL advisory lock, held on its own connection.

Several `perfdash serve` replicas may share one PostgreSQL database; exactly one of them must run
the syncs and digests. The lock is a session lock (`pg_try_advisory_lock`) on a connection kept
only for it, so it lasts as long as the process and goes away with it when the process dies.
SQLite is one machine's file: its single process is always the leader.
"""

from __future__ import annotations

import logging
from typing import Any

from storage.db import is_sqlite, open_database

log = logging.getLogger(__name__)

LOCK_KEY = 0x7065_7266  # "perf": the advisory lock perfdash schedulers compete for


class LeaderLock:
    """`acquire()` is True when this process is (or has just become) the leader."""

    def __init__(self, url: str, key: int = LOCK_KEY) -> None:
        self._db = open_database(url)
        self._key = key
        self._connection: Any = None
        self._held = False

    def acquire(self) -> bool:
        if self._held or is_sqlite(self._db):
            self._held = True
            return True
        try:
            if self._connection is None:
                self._connection = self._db._connect()
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", (self._key,))
                self._held = bool(cursor.fetchone()[0])
            self._connection.commit()
        except Exception as exc:  # a lost connection: not the leader until it is back
            log.warning("leader lock: %s", exc)
            self.release()
            return False
        if self._held:
            log.info("this process runs the scheduled jobs (advisory lock %d)", self._key)
        return self._held

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        """Give the lock up: unlocked at once, then the connection closed.

        Closing alone releases it too, but only once the server has ended that session, a moment
        later: a replica asking right after a stop was refused (a flaky test showed it).
        """
        connection, self._connection, held, self._held = self._connection, None, self._held, False
        if connection is None:
            return
        try:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
                connection.commit()
        except Exception as exc:  # a broken connection: closing it releases the lock
            log.debug("leader lock unlock: %s", exc)
        finally:
            try:
                connection.close()
            except Exception as exc:  # closing a broken connection
                log.debug("leader lock close: %s", exc)
