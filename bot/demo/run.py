"""The demo loop: results in, findings out, charts and chat replies written to a folder.

It drives the product's own parts exactly as production does: each result file goes through the
parsers (format detected by content, as `perfdash ingest` does), each build is stored in one
transaction, detection stores findings, the chat router answers `/perf` commands, charts render
to PNG, and the points are exported as CSV. Nothing leaves the machine.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

import charts
from bot import chartdata
from bot.commands.router import Router
from bot.config import Config, StorageConfig
from bot.demo.data import FIO_JOB, LOAD_JOB, DemoBuild, builds
from bot.detection import Detected, detect, write_table
from bot.errors import UsageError, WorkFailed
from bot.messages.plaintext import reply_text
from storage import Repository
from storage.export import write_csv
from storage.records import Build, FindingKind, Sample, Selector
from sync.ingest import read_file

log = logging.getLogger(__name__)

CHAT = (
    "help",
    "jobs",
    "metrics fio-nightly",
    "trend fio-nightly randread:read:iops blocksize=4k lab=lab1,lab2",
    "compare fio-nightly 44 45 lab=lab1",
    "compare fio-nightly randread:read:clat:p99 lab=lab1,lab2",
    "trend api-load latency:p95 label=/search last=30",
    "regressions",
    "trend fio-nightly randread:read:iopz",
)
MADE_HERE = ("perfdash.db", "perfdash.db-wal", "perfdash.db-shm", "perfdash.toml", "export.csv")


@dataclass(frozen=True, slots=True)
class DemoResult:
    folder: Path
    builds: int
    points: int
    findings: tuple[Detected, ...]
    images: tuple[Path, ...]


def run_demo(folder: Path, *, now: datetime, out: TextIO) -> DemoResult:
    """Run the loop into `folder` (made anew each time) and narrate it on `out`."""
    config = prepare(folder)
    repo = Repository.open(config.storage.url)
    repo.upgrade()
    try:
        with repo.connection():
            stored, points = ingest_all(repo, folder / "results", now, out)
            found = tuple(detect(repo, config.detection, now=now))
            print(f"\n== perfdash detect: {len(found)} changes stored as findings", file=out)
            write_table(found, out)
            images = [*alert_images(repo, found, folder / "alerts")]
            images += ask_all(Router(repo, config), folder / "chat", now, out)
            with (folder / "export.csv").open("w", encoding="utf-8") as csv_file:
                rows = write_csv(repo.export_rows(), csv_file)
    finally:
        repo.close()
    print(f"\n== perfdash export: {rows} points written to {folder / 'export.csv'}", file=out)
    return DemoResult(folder, stored, points, found, tuple(images))


def prepare(folder: Path) -> Config:
    """A fresh demo folder with its own config and database (only the demo's files removed)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in MADE_HERE:
            (folder / name).unlink(missing_ok=True)
        for sub in ("results", "alerts", "chat"):
            shutil.rmtree(folder / sub, ignore_errors=True)
    except OSError as exc:
        raise UsageError(f"cannot prepare the demo folder {str(folder)!r}: {exc}") from None
    url = f"sqlite:///{(folder / 'perfdash.db').resolve()}"
    (folder / "perfdash.toml").write_text(
        "# Written by `perfdash demo`: point the CLI at the demo database.\n"
        f'[storage]\nurl = "{url}"\n',
        encoding="utf-8",
    )
    return Config(storage=StorageConfig(url=url), source=str(folder / "perfdash.toml"))


def ingest_all(repo: Repository, results: Path, now: datetime, out: TextIO) -> tuple[int, int]:
    """Write each build's result files, parse them by content, store the build."""
    stored = points = 0
    for demo in builds(now):
        samples = parse_files(demo, results)
        build = Build(
            lab=demo.lab,
            job=demo.job,
            number=demo.number,
            result=demo.result,
            started=demo.started,
            duration_s=1800.0,
            commits=demo.commits,
            cause="Started by timer",
            url="",
        )
        points += repo.save_build(build, samples).points
        stored += 1
    print(
        f"== ingest: {stored} builds, {points} points from PKB JSON lines ({FIO_JOB}, lab1 and "
        f"lab2) and JMeter JTL ({LOAD_JOB}, lab1), written under {results}",
        file=out,
    )
    return stored, points


def parse_files(demo: DemoBuild, results: Path) -> list[Sample]:
    folder = results / demo.lab / demo.job / str(demo.number)
    samples: list[Sample] = []
    for name, data in demo.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        outcome, found = read_file(path, "auto")
        if not outcome.ok:
            raise WorkFailed(f"demo data did not parse: {outcome.path}: {outcome.error}")
        samples.extend(found)
    return samples


def alert_images(repo: Repository, found: Sequence[Detected], folder: Path) -> list[Path]:
    """The chart an alert would carry, for each regression found."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in found:
        finding = item.finding
        if finding.kind is not FindingKind.REGRESSION:
            continue
        key = finding.series.key
        selector = Selector(job=key.job, metric=key.metric, labs=(key.lab,), tags=key.tags)
        data = next(d for d in repo.series(selector) if d.series.id == finding.series.id)
        path = folder / f"alert-{finding.id}.png"
        path.write_bytes(charts.render(chartdata.alert_spec(data, finding)))
        written.append(path)
    return written


def ask_all(router: Router, folder: Path, now: datetime, out: TextIO) -> list[Path]:
    """Answer the demo's chat commands as `/perf TEXT` would, images into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, text in enumerate(CHAT, start=1):
        reply = router.handle(text, user="U0DEMO", channel="C0DEMO", now=now)
        print(f"\n== /perf {text}", file=out)
        print(reply_text(reply), file=out)
        for image in reply.images:
            path = folder / f"{number:02d}-{Path(image.filename).name}"
            path.write_bytes(image.png)
            print(f"   [image] {path}", file=out)
            written.append(path)
    return written
