"""How long the chat router takes to answer `trend` for a long series, against a baseline.

The baseline is the least any trend answer must do: read the same series from the same SQLite
file and render the same chart spec (`repo.series` + `chartdata.trend_spec` + `charts.render`).
The router adds name resolution, tag lookups, findings and the Block Kit reply on top. Both run
in this process, alternating, on one database of LABS labs x BUILDS builds.

    PYTHONPATH=. python bench/bench_router.py [--builds 1000] [--runs 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import charts
from bot import chartdata
from bot.commands.ratelimit import RateLimiter
from bot.commands.router import Router
from bot.config import parse_config
from storage import Repository
from storage.records import Build, Direction, Result, Sample, Selector

LABS = ("lab1", "lab2")
JOB = "perf/fio-nightly"
START = datetime(2024, 1, 1, tzinfo=UTC)


def fill(repo: Repository, builds: int, rng: random.Random) -> None:
    """Each build holds 20 series (5 metrics x 4 block sizes); the bench charts one of them."""
    for lab in LABS:
        for number in range(1, builds + 1):
            result = Result.FAILURE if rng.random() < 0.02 else Result.SUCCESS
            build = Build(
                lab=lab,
                job=JOB,
                number=number,
                result=result,
                started=START + timedelta(hours=6 * number),
            )
            samples = [
                Sample(
                    f"read:{metric}",
                    rng.gauss(1000.0, 30.0),
                    "IOPS",
                    Direction.HIGHER,
                    {"blocksize": blocksize, "iodepth": "32"},
                )
                for metric in ("iops", "bw", "lat", "clat", "slat")
                for blocksize in ("4k", "16k", "64k", "1m")
            ]
            repo.save_build(build, samples)


def timed(action: Callable[[], None]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository.open(f"sqlite:///{Path(folder) / 'bench.db'}")
        repo.upgrade()
        with repo.connection():
            began = time.perf_counter()
            fill(repo, args.builds, random.Random(1))
            print(
                f"filled {len(LABS)} labs x {args.builds} builds x 20 series "
                f"in {time.perf_counter() - began:.1f} s"
            )
            config = parse_config("", source="bench")
            router = Router(repo, config, limiter=RateLimiter(burst=10**6, per_minute=10**6))
            now = START + timedelta(days=3650)
            text = "trend fio iops blocksize=4k lab=lab1,lab2"

            def ask() -> None:
                reply = router.handle(text, user="U1", channel="C1", now=now)
                assert reply.images, reply.text

            def baseline() -> None:
                selector = Selector(
                    job=JOB,
                    metric="read:iops",
                    labs=LABS,
                    tags={"blocksize": "4k", "iodepth": "32"},
                )
                charts.render(chartdata.trend_spec(repo.series(selector)))

            ask()  # warm the caches (fonts, SQLite pages) for both
            baseline()
            routed: list[float] = []
            plain: list[float] = []
            for _ in range(args.runs):
                routed.append(timed(ask))
                plain.append(timed(baseline))
        repo.close()
    points = len(LABS) * args.builds
    for name, values in (("router trend", routed), ("baseline render", plain)):
        print(
            f"{name:16s} {points} points: p50 {statistics.median(values) * 1000:7.1f} ms  "
            f"max {max(values) * 1000:7.1f} ms  ({len(values)} runs)"
        )
    ratio = statistics.median(routed) / statistics.median(plain)
    print(f"router / baseline at p50: {ratio:.2f}")


if __name__ == "__main__":
    main()
