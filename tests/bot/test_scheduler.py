"""The scheduled sync: real sync against the fake Jenkins, ops told once, jobs configured right."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Config, parse_config
from bot.scheduler import MISFIRE_GRACE_S, Jobs, build_scheduler
from storage import Repository
from storage.leader import LeaderLock
from tests.fakes.jenkins import FakeJenkins, lab_toml
from tests.fakes.jenkins_results import add_perf_builds

JOB = "perf/fio-nightly"
ENV = {"LAB1_JENKINS_TOKEN": "s3cret"}
NOW = datetime(2026, 12, 3, tzinfo=UTC)


def config_for(tmp_path: Path, url: str) -> Config:
    return parse_config(f"""
[storage]
url = "sqlite:///{tmp_path / "p.db"}"
{lab_toml(url, JOB)}
[schedule]
sync_every_minutes = 5
timezone = "Europe/Paris"
""")


@pytest.fixture
def fake() -> Iterator[FakeJenkins]:
    with FakeJenkins() as server:
        add_perf_builds(server, JOB, range(1, 4))
        yield server


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(f"sqlite:///{tmp_path / 'p.db'}")
    repository.upgrade()
    yield repository
    repository.close()


def test_scheduled_pass_syncs_and_tells_ops_once(
    tmp_path: Path, fake: FakeJenkins, repo: Repository
) -> None:
    told: list[str] = []
    config = config_for(tmp_path, fake.url)
    jobs = Jobs(
        config,
        ENV,
        repo,
        leader=LeaderLock(config.storage.url),
        notify=told.append,
        now=lambda: NOW,
    )
    lines = jobs.sync_and_detect()
    assert lines[0].startswith("lab1 perf/fio-nightly: 3 new builds")
    assert lines[-1] == "detection: 0 new change points"
    fake.fail("api/json", status=401, times=-1)
    jobs.sync_and_detect()
    jobs.sync_and_detect()
    assert len(told) == 1 and "LAB1_JENKINS_TOKEN" in told[0]
    fake.clear_faults()
    add_perf_builds(fake, JOB, range(4, 5))
    assert jobs.sync_and_detect()[0].startswith("lab1 perf/fio-nightly: 1 new build")
    fake.fail("api/json", status=401, times=-1)
    jobs.sync_and_detect()
    assert len(told) == 2  # failing again after a success is news again


def test_a_crash_is_told_and_raised(tmp_path: Path, repo: Repository) -> None:
    told: list[str] = []
    config = config_for(tmp_path, "http://127.0.0.1:9/")
    jobs = Jobs(config, {}, repo, leader=LeaderLock(config.storage.url), notify=told.append)
    with pytest.raises(Exception, match="LAB1_JENKINS_TOKEN"):
        jobs.sync_and_detect()
    assert told == [
        "perfdash: the scheduled sync failed: lab 'lab1' needs its Jenkins API token in the "
        "environment variable LAB1_JENKINS_TOKEN"
    ]


def test_scheduler_jobs(tmp_path: Path, repo: Repository) -> None:
    config = config_for(tmp_path, "http://127.0.0.1:9/")
    scheduler = build_scheduler(
        config, Jobs(config, ENV, repo, leader=LeaderLock(config.storage.url))
    )
    [job] = scheduler.get_jobs()
    assert job.id == "sync"
    assert job.trigger.interval.total_seconds() == 300
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, MISFIRE_GRACE_S)
    assert str(scheduler.timezone) == "Europe/Paris"
    empty = build_scheduler(
        Config(), Jobs(Config(), {}, repo, leader=LeaderLock(config.storage.url))
    )
    assert empty.get_jobs() == []
