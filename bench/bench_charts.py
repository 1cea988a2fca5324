"""Benchmark: a 5,000-point trend from perfdash against a plain pyplot script, in one run.

Both draw the same 5,000 builds (with a step and two spikes) at the same size and DPI into PNG
bytes; they alternate so machine noise hits both alike. perfdash also draws the repeat band,
failed builds, the change marker, units and legend; the plain script draws a bare line.
Prints the median and best time of each and the ratio perfdash / pyplot (target: <= 1.0).

    python -m bench.bench_charts [--points 5000] [--repeats 15]     (from the project root)
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import charts  # sets MPLCONFIGDIR before matplotlib loads
from charts import Marker, TrendLine, TrendSpec
from charts.style import DPI, HEIGHT, WIDTH

import matplotlib  # isort: skip

matplotlib.use("Agg")
from matplotlib import pyplot as plt


def series(points: int, seed: int = 5) -> tuple[list[int], list[float]]:
    rng = random.Random(seed)
    builds = list(range(1, points + 1))
    values = [12.0 * (1.15 if b > points * 0.7 else 1.0) + rng.gauss(0, 0.25) for b in builds]
    values[points // 3] = 30.0  # one-build spikes that decimation must keep
    values[points // 2] = 2.0
    return builds, values


def perfdash_spec(builds: list[int], values: list[float]) -> TrendSpec:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    line = TrendLine(
        label="lab1",
        builds=tuple(builds),
        values=tuple(values),
        times=tuple(start + timedelta(hours=2 * i) for i in range(len(builds))),
        low=tuple(v - 0.3 for v in values),
        high=tuple(v + 0.3 for v in values),
        status=tuple("failed" if b % 500 == 0 else "ok" for b in builds),
        markers=(
            Marker(
                build=int(len(builds) * 0.7) + 1,
                change_pct=15.0,
                kind="regression",
                label="alert 1",
                open=True,
            ),
        ),
    )
    return TrendSpec(
        title="lab1 · perf/fio-nightly · read_latency_p99",
        unit="ms",
        direction="lower",
        lines=(line,),
        subtitle="blocksize=4k iodepth=32",
    )


def pyplot_png(builds: list[int], values: list[float]) -> bytes:
    """What a plain pyplot script does: plot, label, save."""
    plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    plt.plot(builds, values)
    plt.title("lab1 perf/fio-nightly read_latency_p99")
    plt.xlabel("build")
    plt.ylabel("ms")
    buffer = io.BytesIO()
    plt.savefig(buffer, format="png", dpi=DPI)
    plt.close()
    return buffer.getvalue()


def timed(work: Callable[[], bytes]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    builds, values = series(args.points)
    spec = perfdash_spec(builds, values)
    ours = lambda: charts.render(spec)  # noqa: E731
    theirs = lambda: pyplot_png(builds, values)  # noqa: E731
    ours(), theirs()  # warm up: fonts, caches
    times: dict[str, list[float]] = {"perfdash": [], "pyplot": []}
    for _ in range(args.repeats):
        times["perfdash"].append(timed(ours))
        times["pyplot"].append(timed(theirs))
    print(
        f"{args.points:,}-point trend, {WIDTH}x{HEIGHT} px at {DPI} dpi, "
        f"{args.repeats} alternating runs each"
    )
    for name, runs in times.items():
        print(
            f"  {name:9s} median {statistics.median(runs) * 1000:7.1f} ms   "
            f"best {min(runs) * 1000:7.1f} ms"
        )
    ratio = statistics.median(times["perfdash"]) / statistics.median(times["pyplot"])
    print(f"  ratio perfdash / pyplot (medians): {ratio:.2f}  (target <= 1.00)")


if __name__ == "__main__":
    main()
