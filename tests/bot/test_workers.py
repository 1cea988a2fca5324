"""ProcessRouter: the real Router in real worker processes, the rate limit in the parent."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands.ratelimit import RateLimiter
from bot.commands.reply import Outcome
from bot.commands.router import Router
from bot.config import Config, parse_config
from bot.workers import ProcessRouter
from storage import Repository
from storage.records import Build, Direction, Sample

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    url = f"sqlite:///{tmp_path / 'perfdash.db'}"
    repo = Repository.open(url)
    repo.upgrade()
    with repo.connection():
        for number in range(1, 31):
            build = Build("lab1", "fio-nightly", number, started=NOW - timedelta(days=40 - number))
            repo.save_build(build, [Sample("read:iops", 1000.0 + number, "IOPS", Direction.HIGHER)])
    repo.close()
    return parse_config(f'[storage]\nurl = "{url}"\n')


@pytest.fixture
def workers(config: Config) -> Iterator[ProcessRouter]:
    router = ProcessRouter(config, processes=1, limiter=RateLimiter(burst=3, per_minute=1))
    router.start()
    yield router
    router.stop()


def test_a_worker_answers_as_the_router_does(workers: ProcessRouter, config: Config) -> None:
    repo = Repository.open(config.storage.url)
    with repo.connection():
        for text in ["latest fio", "trend fio read", "lbas"]:
            here = Router(repo, config).handle(text, user="U1", channel="C1", now=NOW)
            there = workers.handle(text, user=f"U{text}", channel="C1", now=NOW)
            assert (there.text, there.blocks, there.ephemeral) == (
                here.text,
                here.blocks,
                here.ephemeral,
            )
            assert [i.filename for i in there.images] == [i.filename for i in here.images]
    repo.close()


def test_the_rate_limit_is_kept_in_the_parent(workers: ProcessRouter) -> None:
    answers = [workers.handle("help", user="U0FAST", channel="C1", now=NOW) for _ in range(4)]
    assert [a.outcome for a in answers] == [Outcome.OK] * 3 + [Outcome.USER_ERROR]
    assert "too fast" in answers[-1].text
    other = workers.handle("help", user="U0OTHER", channel="C1", now=NOW)
    assert other.outcome == Outcome.OK


def test_a_dead_worker_is_replaced(workers: ProcessRouter) -> None:
    pid = workers._pool.submit(os.getpid).result()  # the worker's pid, to kill it
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        workers.handle("help", user="U1", channel="C1", now=NOW)
    assert workers.handle("help", user="U2", channel="C1", now=NOW).outcome == Outcome.OK
