"""Sync throughput and request counts against a local fake Jenkins: 1,000 builds x 50 series.

Run from the project root:
    PYTHONPATH=. python bench/bench_sync.py [--builds N] [--series N] [--workers N]

The fake Jenkins (tests/fakes/jenkins.py) runs in a child process, so it does not share the GIL
with the client. Two syncers read the same job into fresh SQLite files, side by side:

- perfdash: `sync.service.SyncService` (tree= pages, a pool of 4 report downloads);
- baseline: the plain python-jenkins loop (`get_job_info(fetch_all_builds=True)`, then
  `get_build_info` and `get_build_artifact_as_bytes` per build not stored yet, one at a time).

Each does a first pass, an idle pass (nothing new) and an incremental pass (10 new builds). The
request counts come from the server's own log.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

import jenkins

from storage import Repository
from sync import parsers
from sync.jenkins import parse_build
from sync.records import JobSpec, LabSpec, ReportSpec
from sync.service import SyncService
from tests.fakes.jenkins import FakeJenkins
from tests.fakes.jenkins_results import add_perf_builds

JOB = "perf/fio-nightly"
NEW = 10


def serve(conn: Connection, builds: int, series: int) -> None:
    """The child: a fake Jenkins answering commands over a pipe."""
    with FakeJenkins() as fake:
        add_perf_builds(fake, JOB, range(1, builds + 1), series=series)
        conn.send(fake.url)
        while True:
            command, arg = conn.recv()
            if command == "add":
                add_perf_builds(fake, JOB, range(arg[0], arg[1]), series=series)
                conn.send(None)
            elif command == "requests":
                conn.send((len(fake.requests), time.process_time()))
            else:
                return


@dataclass
class Pass:
    name: str
    seconds: float
    builds: int
    requests: int
    cpu: float  # CPU seconds of client and server: the rate a free machine would allow


def timed(server: Connection, name: str, run: Callable[[], int]) -> Pass:
    server.send(("requests", None))
    requests_before, server_cpu = server.recv()
    start, cpu = time.perf_counter(), time.process_time()
    builds = run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    server.send(("requests", None))
    requests_after, server_after = server.recv()
    return Pass(
        name, seconds, builds, requests_after - requests_before, cpu + server_after - server_cpu
    )


def perfdash_syncer(url: str, db: Path, workers: int = 4) -> Callable[[], int]:
    repo = Repository.open(f"sqlite:///{db}")
    repo.upgrade()
    lab = LabSpec("lab1", url, "perfdash", "s3cret", timeout_s=30.0, workers=workers)
    service = SyncService(repo, [lab], [JobSpec("lab1", JOB, (ReportSpec("results/*.json"),))])

    def run() -> int:
        with repo.connection():
            report = service.run()
        assert report.jobs[0].ok, report.jobs[0].error
        return len(report.jobs[0].new_builds)

    return run


def baseline_syncer(url: str, db: Path) -> Callable[[], int]:
    """What a first attempt with python-jenkins looks like (it also keeps a timeout)."""
    repo = Repository.open(f"sqlite:///{db}")
    repo.upgrade()
    server = jenkins.Jenkins(url, "perfdash", "s3cret", timeout=30)

    def run() -> int:
        count = 0
        with repo.connection():
            stored = {b.number for b in repo.builds("lab1", JOB)}
            for ref in server.get_job_info(JOB, fetch_all_builds=True)["builds"]:
                if ref["number"] in stored:
                    continue
                info = parse_build(server.get_build_info(JOB, ref["number"]))
                if info.building:
                    continue
                samples = []
                for path in info.artifacts:
                    data = server.get_build_artifact_as_bytes(JOB, info.number, path)
                    samples.extend(parsers.parse(data, name=path))
                repo.save_build(info.record("lab1", JOB), samples)
                count += 1
        return count

    return run


def bench(
    name: str, server: Connection, make: Callable[[], Callable[[], int]], total: int
) -> list[Pass]:
    run = make()
    passes = [timed(server, "first", run), timed(server, "idle", run)]
    server.send(("add", (total + 1, total + NEW + 1)))
    server.recv()
    passes.append(timed(server, f"+{NEW} builds", run))
    for p in passes:
        rate = p.builds / p.seconds if p.builds else 0.0
        per_cpu = p.builds / p.cpu if p.builds else 0.0
        print(
            f"{name:9} {p.name:11} {p.builds:5} builds {p.seconds:7.2f} s "
            f"{rate:7.1f} builds/s {p.requests:6} requests  "
            f"({p.cpu:6.2f} CPU s, {per_cpu:6.1f} builds per CPU s)"
        )
    return passes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=1000)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="perfdash's downloads per lab")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        syncers = (
            ("perfdash", partial(perfdash_syncer, workers=args.workers)),
            ("baseline", baseline_syncer),
        )
        for name, factory in syncers:
            ours, theirs = mp.Pipe()
            child = mp.Process(target=serve, args=(theirs, args.builds, args.series))
            child.start()
            url = ours.recv()
            db = Path(tmp) / f"{name}.db"
            results[name] = bench(name, ours, partial(factory, url, db), args.builds)
            ours.send(("stop", None))
            child.join()
    ours_first, base_first = results["perfdash"][0], results["baseline"][0]
    speedup = (ours_first.builds / ours_first.seconds) / (base_first.builds / base_first.seconds)
    print(
        f"first pass: perfdash {ours_first.builds / ours_first.seconds:.1f} builds/s, "
        f"{speedup:.1f}x the baseline; requests {ours_first.requests} vs "
        f"{base_first.requests}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
