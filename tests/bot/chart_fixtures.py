"""A small stored history for the chart tests: two labs, one job, two metrics, a step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Repository
from storage.records import Build, Direction, FindingKind, Result, Sample

JOB = "perf/fio"
START = datetime(2026, 10, 1, tzinfo=UTC)
RESULTS = {3: Result.FAILURE, 5: Result.UNSTABLE}


def started(lab: str, number: int) -> datetime:
    return START + timedelta(hours=12 * number + (1 if lab == "lab2" else 0))


def samples(lab: str, number: int) -> list[Sample]:
    """lab1's 4k latency steps up 20% from build 6; lab2 runs builds 101-108, no step."""
    step = 1.2 if lab == "lab1" and number >= 6 else 1.0
    latency = 10.0 * step
    return [
        Sample("latency", latency - 0.5, "ms", Direction.LOWER, {"bs": "4k"}),
        Sample("latency", latency, "ms", Direction.LOWER, {"bs": "4k"}),
        Sample("latency", latency + 0.5, "ms", Direction.LOWER, {"bs": "4k"}),
        Sample("latency", 30.0, "ms", Direction.LOWER, {"bs": "1m"}),
        Sample("iops", 1000.0 / step, "IOPS", Direction.HIGHER, {"bs": "4k"}),
    ]


def fill(repo: Repository) -> None:
    for number in range(1, 9):
        for lab, offset in (("lab1", 0), ("lab2", 100)):
            build = Build(
                lab=lab,
                job=JOB,
                number=number + offset,
                result=RESULTS.get(number, Result.SUCCESS),
                started=started(lab, number),
            )
            repo.save_build(build, samples(lab, number))


def add_finding(repo: Repository, lab: str = "lab1") -> int:
    """The 4k latency step of lab1 (builds 5 -> 6) as an open finding; returns its id."""
    [series] = [
        s for s in repo.metrics(JOB, lab) if s.key.metric == "latency" and s.key.tags["bs"] == "4k"
    ]
    finding, _new = repo.save_finding(
        series.id,
        kind=FindingKind.REGRESSION,
        build_before=5,
        build_after=6,
        value_before=10.0,
        value_after=12.0,
        change_pct=20.0,
        score=5.0,
        at=START + timedelta(days=10),
    )
    return finding.id
