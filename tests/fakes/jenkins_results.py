"""Result files and builds for the fake Jenkins: PKB JSON lines with seeded values."""

from __future__ import annotations

import json
import random

from tests.fakes.jenkins import FakeBuild, FakeJenkins


def pkb_report(values: dict[tuple[str, str], float]) -> bytes:
    """PerfKitBenchmarker JSON lines: one sample per (metric, blocksize) with its value."""
    lines = [
        json.dumps(
            {
                "metric": metric,
                "value": value,
                "unit": "MB/sec",
                "timestamp": 1.7e9,
                "test": "fio",
                "run_uri": "abc123",
                "labels": f"|blocksize:{blocksize}|,|iodepth:32|,|run_uri:abc123|",
            }
        )
        for (metric, blocksize), value in values.items()
    ]
    return ("\n".join(lines) + "\n").encode()


def perf_build(
    number: int,
    series: int,
    *,
    seed: int = 0,
    result: str | None = "SUCCESS",
    path: str = "results/fio.json",
) -> FakeBuild:
    """A build whose artifact holds `series` series (metric x blocksize), values seeded."""
    rng = random.Random(seed * 1_000_003 + number)
    values = {
        (f"metric_{i // 5}", f"{4 << (i % 5)}k"): round(100 + rng.gauss(0, 3), 3)
        for i in range(series)
    }
    return FakeBuild(
        number,
        result=result,
        timestamp_ms=1_700_000_000_000 + seed * 10**10 + number * 3_600_000,
        parameters={"SIZE": "10G"},
        artifacts={path: pkb_report(values)},
        console=f"Run {number}\nRequests/sec: {1000 + number}.5\n",
    )


def add_perf_builds(
    fake: FakeJenkins, job: str, numbers: range, series: int = 5, seed: int = 0
) -> None:
    for number in numbers:
        fake.add_build(job, perf_build(number, series, seed=seed))
