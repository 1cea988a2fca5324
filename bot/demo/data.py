"""Generated lab results for the demo, written in the formats real labs produce.

Two labs run a nightly fio job (PerfKitBenchmarker JSON lines, as the original team's PKB runs
wrote them); one lab also runs a JMeter load test (JTL CSV). Noise, a failed build, an unstable
build, a one-night spike and one real regression per job are drawn from a seeded `random.Random`,
so every demo run tells the same story.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.records import Commit, Result

log = logging.getLogger(__name__)

FIO_JOB = "perf/fio-nightly"
LOAD_JOB = "perf/api-load"
FIO_BUILDS = 60
LOAD_BUILDS = 40
REGRESSION_BUILD = 45  # lab1's fio read IOPS drop by 12 % and p99 latency rises 15 % here
LOAD_REGRESSION_BUILD = 28  # /search's latency rises 30 % here
AUTHORS = ("ana", "bo", "chen", "dev", "eli")
SUSPECT = Commit("9f3c2e1", "chen", "io scheduler: switch default to mq-deadline")


@dataclass(frozen=True, slots=True)
class DemoBuild:
    """One generated build: its metadata and its result files (name -> bytes)."""

    lab: str
    job: str
    number: int
    started: datetime
    result: Result
    commits: tuple[Commit, ...]
    files: dict[str, bytes]


def commits_for(rng: random.Random, lab: str, job: str, number: int) -> tuple[Commit, ...]:
    if lab == "lab1" and job == FIO_JOB and number == REGRESSION_BUILD:
        return (SUSPECT, Commit("41aa07b", "ana", "docs: fio job notes"))
    count = rng.randint(0, 2)
    return tuple(
        Commit(f"{rng.getrandbits(28):07x}", rng.choice(AUTHORS), f"change {number}.{i}")
        for i in range(count)
    )


def fio_lines(rng: random.Random, lab: str, number: int, when: datetime) -> bytes:
    """PKB samples for two block sizes: read IOPS and p99 completion latency."""
    level = 1.0 if lab == "lab1" else 0.9
    regressed = lab == "lab1" and number >= REGRESSION_BUILD
    spike = lab == "lab2" and number == 33
    lines = []
    for blocksize, iops in (("4k", 42_000.0), ("64k", 9_500.0)):
        value = iops * level * (0.88 if regressed else 1.0) * rng.gauss(1.0, 0.015)
        latency = 32_000_000 / iops * (1.15 if regressed else 1.0) * rng.gauss(1.0, 0.02)
        if spike:
            latency *= 1.6
        labels = f"|blocksize:{blocksize}|,|iodepth:32|,|rw:randread|,|run_uri:{number:08x}|"
        for metric, val, unit in (
            ("randread:read:iops", value, ""),
            ("randread:read:clat:p99", latency, "usec"),
        ):
            sample = {
                "metric": metric,
                "value": round(val, 2),
                "unit": unit,
                "timestamp": when.timestamp(),
                "test": "fio",
                "run_uri": f"{number:08x}",
                "labels": labels,
            }
            lines.append(json.dumps(sample))
    return ("\n".join(lines) + "\n").encode()


JTL_HEADER = (
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
    "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n"
)


def jtl_rows(rng: random.Random, number: int, when: datetime) -> bytes:
    """A JMeter CSV results file: 150 requests to each of two endpoints."""
    rows = [JTL_HEADER]
    start = int(when.timestamp() * 1000)
    slower = 1.3 if number >= LOAD_REGRESSION_BUILD else 1.0
    for i in range(300):
        label, base = ("/login", 80.0) if i % 2 else ("/search", 140.0 * slower)
        elapsed = max(1, int(rng.lognormvariate(0, 0.25) * base))
        ok = rng.random() > 0.004
        code = "200" if ok else "500"
        rows.append(
            f"{start + i * 200},{elapsed},{label},{code},OK,users 1-{i % 8},text,"
            f"{'true' if ok else 'false'},,2048,512,8,8,https://shop.example{label},"
            f"{elapsed // 2},0,3\n"
        )
    return "".join(rows).encode()


def result_of(rng: random.Random, number: int) -> Result:
    if number == 18:
        return Result.FAILURE
    return Result.UNSTABLE if rng.random() < 0.03 else Result.SUCCESS


def builds(now: datetime, seed: int = 2017) -> Iterator[DemoBuild]:
    """Every demo build, oldest first per job, ending the night before `now`."""
    rng = random.Random(seed)
    first_night = (now - timedelta(days=FIO_BUILDS)).replace(
        hour=2, minute=0, second=0, microsecond=0, tzinfo=UTC
    )
    for lab in ("lab1", "lab2"):
        for number in range(1, FIO_BUILDS + 1):
            when = first_night + timedelta(days=number - 1, minutes=rng.randint(0, 20))
            yield DemoBuild(
                lab,
                FIO_JOB,
                number,
                when,
                result_of(rng, number),
                commits_for(rng, lab, FIO_JOB, number),
                {"results/fio_samples.json": fio_lines(rng, lab, number, when)},
            )
    for number in range(1, LOAD_BUILDS + 1):
        when = first_night + timedelta(days=FIO_BUILDS - LOAD_BUILDS + number - 1, hours=1)
        yield DemoBuild(
            "lab1",
            LOAD_JOB,
            number,
            when,
            Result.SUCCESS,
            commits_for(rng, "lab1", LOAD_JOB, number),
            {"results/results.jtl": jtl_rows(rng, number, when)},
        )
