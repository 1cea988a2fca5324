"""Chat commands answered in worker processes, so rendering never holds the GIL the acks need.

A chart render is ~0.5 s of CPU under one lock (matplotlib is not thread-safe). In the serving
process it starves the threads that acknowledge slash commands (measured: ack p99 ~3-5x a bare
WSGI app with 20 commands in flight). `ProcessRouter` has the Router's `handle` signature and runs
each command on a small process pool, one Router and one database connection per worker; the
per-user rate limit stays in the parent so a user's budget is not multiplied by the workers.
Replies (frozen records and PNG bytes) come back pickled; the parent's threads post them.

Each worker returns its memory after every command. A matplotlib figure is a web of reference
cycles that only the full collector frees, and glibc keeps freed heap pages: a worker grew from
80 MiB to 200 MiB within 50 charts. Freezing everything made at start-up (`gc.freeze`) makes the
full collection after each command cheap (~2 ms), and `malloc_trim` hands the pages back: a
worker stays near 70 MiB.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

import charts
from bot.commands.ratelimit import RateLimiter
from bot.commands.reply import Reply
from bot.commands.router import Router
from bot.config import Config, environment
from bot.messages import errors
from charts import TrendLine, TrendSpec
from storage import Repository

log = logging.getLogger(__name__)

WORKER_PROCESSES = 2
WORKER_NICENESS = 10
UNLIMITED = 2**31  # workers never refuse a command for rate: the parent's limiter already did

WARM_UP = TrendSpec("warm-up", "", "lower", (TrendLine("warm-up", (1, 2), (1.0, 2.0)),))

_router: Router | None = None
_repo: Repository | None = None


def _start_worker(config: Config) -> None:
    global _router, _repo
    # Ctrl-C reaches the whole process group; the parent stops the workers in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Renders are throughput work; acks are latency work: the parent gets the CPU first.
    os.nice(WORKER_NICENESS)
    _repo = Repository.open(config.storage.url)
    _router = Router(
        _repo,
        config,
        limiter=RateLimiter(burst=UNLIMITED, per_minute=UNLIMITED),
        sync_runner=_lazy_sync_runner(config, _repo),
    )
    # The first render loads matplotlib and its fonts (seconds); pay for it here, not in the
    # first user's command.
    charts.render(WARM_UP)  # loads matplotlib: only ever in a worker
    gc.collect()
    gc.freeze()  # what start-up made lives as long as the worker: later collections skip it


def _lazy_sync_runner(config: Config, repo: Repository) -> Callable[[str | None], str]:
    """`/perf sync` in a worker. The sync code (python-jenkins, requests: 10 MiB a worker) loads
    on the first admin sync, not in every worker at start."""

    def run(lab: str | None) -> str:
        from bot.syncing import chat_sync_runner

        return chat_sync_runner(config, environment(), repo)(lab)

    return run


def _handle(text: str, user: str, channel: str, now: datetime) -> Reply:
    if _router is None or _repo is None:
        raise RuntimeError("worker used before its initializer ran")
    try:
        with _repo.connection():
            return _router.handle(text, user=user, channel=channel, now=now)
    finally:
        _release_memory()


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_MALLOC_TRIM = _malloc_trim()


def _release_memory() -> None:
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _ready() -> bool:
    return _router is not None


class ProcessRouter:
    """`handle` like Router's, run in a worker process; a crashed pool is replaced.

    It is also a `serve` service: `start` spawns the workers, `stop` lets them finish.
    """

    name = "command-workers"

    def __init__(
        self,
        config: Config,
        *,
        processes: int = WORKER_PROCESSES,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.config = config
        self.processes = processes
        self.limiter = limiter or RateLimiter()
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent has threads (waitress, Socket Mode, the executor)
        return ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.config,),
        )

    def start(self) -> None:
        """Start every worker now (imports, fonts), not on the first user's command."""
        futures = [self._pool.submit(_ready) for _ in range(self.processes * 2)]
        if not all(f.result() for f in futures):
            raise RuntimeError("a command worker did not start")

    def handle(self, text: str, *, user: str, channel: str, now: datetime) -> Reply:
        wait = self.limiter.take(user, now)
        if wait > 0:
            log.info("user %s rate limited for %.1f s", user, wait)
            return errors.too_fast(wait)
        pool = self._pool
        try:
            return pool.submit(_handle, text, user, channel, now).result()
        except BrokenProcessPool:
            self._replace(pool)
            raise

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                log.error("a command worker died; starting new workers")
                self._pool = self._new_pool()
        broken.shutdown(wait=False)

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
