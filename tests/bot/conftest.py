"""Fixtures for the chat commands: a real SQLite Repository filled through `save_build`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import parse_config
from storage import Repository
from storage.records import Build, Commit, Direction, FindingKind, Result, Sample
from tests.conftest import sqlite_url

START = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

CONFIG = """
[slack]
admins = ["U0ADMIN"]
[[labs]]
name = "lab1"
url = "https://jenkins.lab1.example/"
[[labs]]
name = "lab2"
url = "https://jenkins.lab2.example/"
[[jobs]]
lab = "lab1"
name = "perf/fio-nightly"
[[jobs.reports]]
artifact = "results/*.json"
"""


def fio_samples(lab: str, number: int) -> list[Sample]:
    """IOPS rise with the build number, lab2 is 10% slower; build 8 of lab1 regresses by 20%."""
    base = 1000.0 + number * 2 - (100.0 if lab == "lab2" else 0.0)
    drop = 0.8 if lab == "lab1" and number >= 8 else 1.0
    out = []
    for blocksize, scale in (("4k", 1.0), ("64k", 0.25)):
        tags = {"blocksize": blocksize, "iodepth": "32"}
        iops = base * scale * drop
        out += [
            Sample("read:iops", iops, "IOPS", Direction.HIGHER, tags),
            Sample("read:iops", iops * 1.02, "IOPS", Direction.HIGHER, tags),
            Sample("read:latency", 1000.0 / iops, "ms", Direction.LOWER, tags),
        ]
    if lab == "lab1":
        out.append(Sample("cpu:util", 40.0 + number % 3, "%", Direction.LOWER))
    return out


def fill(repo: Repository) -> None:
    """Two labs running perf/fio-nightly for 10 days, one http job, one stored regression."""
    for lab in ("lab1", "lab2"):
        for number in range(1, 11):
            result = Result.FAILURE if number == 5 and lab == "lab2" else Result.SUCCESS
            build = Build(
                lab=lab,
                job="perf/fio-nightly",
                number=number,
                result=result,
                started=START + timedelta(days=number),
                duration_s=1830.0,
                url=f"https://jenkins.{lab}.example/job/perf/job/fio-nightly/{number}/",
                commits=(Commit(id=f"c{number:03d}", author="ann", message="tune"),),
                cause="Started by timer",
            )
            repo.save_build(build, fio_samples(lab, number))
    for number in range(1, 4):
        build = Build(
            lab="lab1",
            job="web/http-load",
            number=number,
            started=START + timedelta(days=number, hours=3),
            duration_s=300.0,
        )
        repo.save_build(
            build, [Sample("p99", 120.0 + number, "ms", Direction.LOWER, {"endpoint": "/login"})]
        )
    for number in range(1, 3):
        build = Build(
            lab="lab2",
            job="db/sysbench",
            number=number,
            started=START + timedelta(days=number, hours=5),
        )
        repo.save_build(
            build,
            [
                Sample(
                    "tps",
                    100.0 * threads + number,
                    "tx/s",
                    Direction.HIGHER,
                    {"threads": str(threads)},
                )
                for threads in (1, 2, 4, 8, 16, 32, 64)
            ],
        )
    [series] = [
        s
        for s in repo.metrics("perf/fio-nightly", "lab1")
        if s.key.metric == "read:iops" and s.key.tags["blocksize"] == "4k"
    ]
    repo.save_finding(
        series.id,
        kind=FindingKind.REGRESSION,
        build_before=7,
        build_after=8,
        value_before=1024.0,
        value_after=832.0,
        change_pct=-18.75,
        score=9.0,
        at=NOW - timedelta(days=25),
    )
    repo.record_sync_success("lab1", "perf/fio-nightly", 10, (), NOW - timedelta(hours=1))
    repo.record_sync_error(
        "lab2",
        "db/sysbench",
        "HTTP 503 from https://jenkins.lab2.example/",
        NOW - timedelta(hours=2),
    )
    # a lab that is no longer in the config, whose only build is still running
    repo.save_build(Build(lab="lab3", job="perf/old-run", number=1, result=Result.RUNNING), [])


@pytest.fixture
def config():
    return parse_config(CONFIG, source="test.toml")


def _filled(url: str) -> Iterator[Repository]:
    repository = Repository.open(url)
    repository.upgrade()
    with repository.connection():
        fill(repository)
        yield repository
    repository.close()


@pytest.fixture
def filled_repo(tmp_path: Path) -> Iterator[Repository]:
    """The test data on SQLite."""
    yield from _filled(sqlite_url(tmp_path))


@pytest.fixture
def filled_repo_any(db_url: str) -> Iterator[Repository]:
    """The test data on SQLite, and on PostgreSQL when one is configured."""
    yield from _filled(db_url)
