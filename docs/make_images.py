"""Write the example charts in docs/images/ the way the bot makes them.

A seeded, synthetic fio-style history (two labs, 60 nightly builds, latency and IOPS per block
size, repeats, a failed and an unstable build, a 15% latency regression in lab1 and an IOPS
improvement) goes into a throwaway SQLite Repository through `save_build`; the charts come out
through `bot.chartdata` and `charts.render`, the same path as `/perf trend` and `perfdash chart`.

    PYTHONPATH=. /work/venv/bin/python docs/make_images.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import charts
from bot import chartdata
from charts.specs import Spec
from storage import Repository
from storage.records import (
    Build,
    Direction,
    Finding,
    FindingKind,
    Result,
    Sample,
    Selector,
    SeriesData,
)

JOB = "perf/fio-nightly"
START = datetime(2026, 9, 1, 1, 30, tzinfo=UTC)
BUILDS = 60
LABS = {"lab1": 0, "lab2": 400}  # lab2's Jenkins numbers its builds differently
SPECIAL = {17: Result.FAILURE, 33: Result.UNSTABLE}


def samples(rng: random.Random, lab: str, n: int) -> list[Sample]:
    slow = 1.15 if lab == "lab1" and n >= 45 else 1.0  # the regression
    fast = 1.08 if n >= 52 else 1.0  # an improvement in both labs
    base = {"lab1": 1.0, "lab2": 0.9}[lab]
    out = []
    for bs, scale in (("4k", 1.0), ("64k", 2.6), ("1m", 14.0)):
        tags = {"bs": bs, "iodepth": "32", "rw": "randread"}
        latency = 0.84 * scale * base * slow
        for _ in range(3):
            out.append(
                Sample("clat_p99", latency * rng.gauss(1, 0.025), "ms", Direction.LOWER, tags)
            )
        iops = 152_000 / scale / base * fast
        out.append(Sample("iops", iops * rng.gauss(1, 0.015), "IOPS", Direction.HIGHER, tags))
        out.append(
            Sample(
                "bw",
                iops * {"4k": 4, "64k": 64, "1m": 1024}[bs] / 1024 * rng.gauss(1, 0.015),
                "MiB/s",
                Direction.HIGHER,
                tags,
            )
        )
    return out


def fill(repo: Repository) -> None:
    rng = random.Random(48)
    for n in range(1, BUILDS + 1):
        for lab, offset in LABS.items():
            started = START + timedelta(days=n, minutes=rng.randint(0, 40))
            build = Build(
                lab=lab,
                job=JOB,
                number=n + offset,
                started=started,
                result=SPECIAL.get(n, Result.SUCCESS),
                duration_s=1800.0,
            )
            repo.save_build(build, samples(rng, lab, n))


def find(repo: Repository, lab: str, metric: str, bs: str) -> int:
    [series] = repo.find_series(Selector(job=JOB, metric=metric, labs=(lab,), tags={"bs": bs}))
    return series.id


def levels(repo: Repository, series_id: int, before: int, after: int) -> tuple[float, float]:
    """The median of the 10 points before the change and of the points after it."""
    points = repo.points(series_id)
    left = [p.value for p in points if p.build <= before][-10:]
    right = [p.value for p in points if p.build >= after]
    return statistics.median(left), statistics.median(right)


def add_findings(repo: Repository) -> None:
    """What detection finds in this history: lab1's latency step and the IOPS gain in both."""
    at = START + timedelta(days=BUILDS)
    changes = [("lab1", "clat_p99", FindingKind.REGRESSION, 44)]
    changes += [(lab, "iops", FindingKind.IMPROVEMENT, 51 + offset) for lab, offset in LABS.items()]
    for lab, metric, kind, before in changes:
        for bs in ("4k", "64k", "1m"):
            series_id = find(repo, lab, metric, bs)
            value_before, value_after = levels(repo, series_id, before, before + 1)
            repo.save_finding(
                series_id,
                kind=kind,
                build_before=before,
                build_after=before + 1,
                value_before=value_before,
                value_after=value_after,
                change_pct=(value_after - value_before) / value_before * 100,
                score=9.0,
                at=at,
            )


def trend_and_compare_specs(repo: Repository, findings: list[Finding]) -> dict[str, Spec]:
    lat4k = repo.series(Selector(job=JOB, metric="clat_p99", tags={"bs": "4k"}))
    lab1 = [data for data in lat4k if data.series.key.lab == "lab1"]
    iops = repo.series(Selector(job=JOB, metric="iops", labs=("lab2",), last=30))
    builds = [(n, repo.build_points("lab1", JOB, n)) for n in (44, 52)]
    return {
        "trend.png": chartdata.trend_spec(lab1, findings),
        "trend-labs.png": chartdata.trend_spec(lat4k, findings),
        "trend-tags.png": chartdata.trend_spec(iops, findings),
        "compare-builds.png": chartdata.compare_builds_spec("lab1", JOB, *builds),
        "compare-labs.png": chartdata.compare_labs_spec(
            repo.series(Selector(job=JOB, last=1)), "lab1", "lab2"
        ),
    }


def recent(repo: Repository, finding: Finding, last: int = 30) -> SeriesData:
    key = finding.series.key
    selector = Selector(job=JOB, metric=key.metric, labs=(key.lab,), tags=dict(key.tags), last=last)
    [data] = repo.series(selector)
    return data


def alert_and_digest_specs(repo: Repository, findings: list[Finding]) -> dict[str, Spec]:
    regression = next(
        f for f in findings if f.kind is FindingKind.REGRESSION and f.series.key.tags["bs"] == "4k"
    )
    movers = sorted(findings, key=lambda f: -abs(f.change_pct))[:6]
    return {
        "alert.png": chartdata.alert_spec(recent(repo, regression, last=BUILDS), regression),
        "digest.png": chartdata.digest_spec(
            [(recent(repo, f), f) for f in movers],
            title="Weekly digest · top movers",
            subtitle="perf/fio-nightly, 2 labs, last 30 builds",
        ),
    }


def render_all(repo: Repository, out: Path) -> None:
    findings = repo.findings(limit=1000)
    images = trend_and_compare_specs(repo, findings) | alert_and_digest_specs(repo, findings)
    out.mkdir(parents=True, exist_ok=True)
    for name, spec in images.items():
        png = charts.render(spec)
        (out / name).write_bytes(png)
        print(f"{out / name}: {len(png):,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "images")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Repository.open(f"sqlite:///{tmp}/examples.db")
        repo.upgrade()
        with repo.connection():
            fill(repo)
            add_findings(repo)
            render_all(repo, args.out)
        repo.close()


if __name__ == "__main__":
    main()
