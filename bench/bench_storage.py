"""Storage benchmark: 100,000 points saved and a 10,000-point series read, beside a raw baseline.

Run: `python -m bench.bench_storage [--postgres URL]` (the URL defaults to
$PERFDASH_TEST_POSTGRES_URL). Points are saved the way sync saves them, one transaction per build,
in two shapes: 1,000 builds of 100 points and 100 builds of 1,000 points. The SQLite baseline does
the same inserts with the bare sqlite3 module (same rows, same transactions, no ORM), the
PostgreSQL one with bare psycopg2; the ratio is perfdash's time over the baseline's. Targets
(DESIGN.md): 100,000 points in under 2 s; a 10,000-point series read in under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from storage import Repository
from storage.db import SQLITE_PRAGMAS
from storage.records import Build, Direction, Sample, Selector

SHAPES = ((1_000, 100), (100, 1_000))  # (builds, points per build): 100,000 points each
LONG = 10_000  # points in the series that is read back
T0 = datetime(2026, 1, 1, tzinfo=UTC)
Work = list[tuple[Build, list[Sample]]]


def prepare(job: str, builds: int, per_build: int) -> Work:
    """The input, made before the clock starts: parsing is not what this measures."""
    return [
        (
            Build("lab1", job, n, started=T0 + timedelta(minutes=n)),
            [
                Sample(
                    f"metric{i % 10}",
                    1000.0 + (n * 7 + i) % 13,
                    "ms",
                    Direction.LOWER,
                    {"endpoint": f"/e{i // 10}"},
                )
                for i in range(per_build)
            ],
        )
        for n in range(1, builds + 1)
    ]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn: Callable[[], object], runs: int = 15) -> float:
    fn()  # warm caches
    return statistics.median(timed(fn) for _ in range(runs))


def repository_times(url: str) -> tuple[list[float], float]:
    repo = Repository.open(url)
    repo.upgrade()
    with repo.connection():
        writes = []
        for builds, per_build in SHAPES:
            work = prepare(f"perf/wide{per_build}", builds, per_build)
            writes.append(timed(lambda w=work: [repo.save_build(b, s) for b, s in w]))
        for build, found in prepare("perf/long", LONG, 1):
            repo.save_build(build, found)
        selector = Selector(job="perf/long", metric="metric0")

        def read() -> None:
            [data] = repo.series(selector)
            assert len(data.points) == LONG

        read_time = median_time(read)
    repo.close()
    return writes, read_time


def baseline_times(
    write: Callable[[Work], None], read: Callable[[], None]
) -> tuple[list[float], float]:
    """A bare driver's run: each shape saved (timed), the long series saved, then read back."""
    writes = []
    for builds, per_build in SHAPES:
        work = prepare("raw", builds, per_build)  # made before the clock starts
        writes.append(timed(lambda w=work: write(w)))
    write(prepare("raw", LONG, 1))
    return writes, median_time(read)


def raw_sqlite_times(path: str) -> tuple[list[float], float]:
    """The same rows through the sqlite3 module, with perfdash's pragmas."""
    con = sqlite3.connect(path, isolation_level=None)
    for name, value in SQLITE_PRAGMAS.items():
        con.execute(f"PRAGMA {name}={value}")
    con.execute("CREATE TABLE p (series INT, build INT, value REAL, PRIMARY KEY (series, build))")
    con.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, number INTEGER, started REAL)")
    upsert = "INSERT INTO p VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value"
    build_id = 0

    def write(work: Work) -> None:
        nonlocal build_id
        for _build, found in work:
            build_id += 1
            con.execute("BEGIN")
            con.execute("INSERT INTO b VALUES (?, ?, ?)", (build_id, build_id, 0.0))
            con.executemany(upsert, [(i, build_id, s.value) for i, s in enumerate(found)])
            con.execute("COMMIT")

    def read() -> None:
        rows = con.execute(
            "SELECT b.number, b.started, p.value FROM p JOIN b ON b.id = p.build "
            "WHERE p.series = 0 AND p.build > ? ORDER BY b.number DESC",
            (build_id - LONG,),
        ).fetchall()
        assert len(rows) == LONG

    times = baseline_times(write, read)
    con.close()
    return times


def raw_postgres_times(url: str, schema: str) -> tuple[list[float], float]:
    """The same rows through bare psycopg2: multi-row upserts of 500, one transaction per build,
    committed without waiting for the WAL flush, as perfdash commits builds."""
    import psycopg2

    con = psycopg2.connect(url, options=f"-c search_path={schema}")
    cur = con.cursor()
    cur.execute("CREATE TABLE p (series INT, build INT, value FLOAT8, PRIMARY KEY (series, build))")
    cur.execute("CREATE TABLE b (id INT PRIMARY KEY, number INT, started FLOAT8)")
    con.commit()
    build_id = 0

    def write(work: Work) -> None:
        nonlocal build_id
        for _build, found in work:
            build_id += 1
            cur.execute("SET LOCAL synchronous_commit TO OFF")  # as perfdash's save_build does
            cur.execute("INSERT INTO b VALUES (%s, %s, %s)", (build_id, build_id, 0.0))
            rows = [(i, build_id, s.value) for i, s in enumerate(found)]
            for start in range(0, len(rows), 500):
                batch = rows[start : start + 500]
                cur.execute(
                    "INSERT INTO p VALUES "
                    + ", ".join(["(%s, %s, %s)"] * len(batch))
                    + " ON CONFLICT (series, build) DO UPDATE SET value = EXCLUDED.value",
                    [value for row in batch for value in row],
                )
            con.commit()

    def read() -> None:
        cur.execute(
            "SELECT b.number, b.started, p.value FROM p JOIN b ON b.id = p.build "
            "WHERE p.series = 0 AND p.build > %s ORDER BY b.number DESC",
            (build_id - LONG,),
        )
        assert len(cur.fetchall()) == LONG

    times = baseline_times(write, read)
    con.close()
    return times


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    import psycopg2

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        admin.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


def report(
    name: str, times: tuple[list[float], float], base: tuple[list[float], float] | None
) -> None:
    writes, read = times
    for (builds, per_build), write, i in zip(SHAPES, writes, range(len(SHAPES)), strict=True):
        line = (
            f"{name}: save {builds * per_build:,} points ({builds:,} builds x {per_build:,})"
            f" in {write:.2f} s ({builds * per_build / write:,.0f} points/s; target < 2 s)"
        )
        if base:
            line += f"; baseline {base[0][i]:.2f} s, ratio {write / base[0][i]:.2f}x"
        print(line)
    line = f"{name}: read a {LONG:,}-point series in {read * 1000:.1f} ms (target < 20 ms)"
    if base:
        line += f"; baseline {base[1] * 1000:.1f} ms, ratio {read / base[1]:.2f}x"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("PERFDASH_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        base = raw_sqlite_times(os.path.join(tmp, "raw.db"))
        report("SQLite", repository_times(f"sqlite:///{tmp}/perfdash.db"), base)
    if args.postgres:
        with postgres_schema(args.postgres) as schema:
            base = raw_postgres_times(args.postgres, schema)
            sep = "&" if "?" in args.postgres else "?"
            report("PostgreSQL", repository_times(f"{args.postgres}{sep}schema={schema}"), base)
    else:
        print("PostgreSQL: skipped (pass --postgres URL or set PERFDASH_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
