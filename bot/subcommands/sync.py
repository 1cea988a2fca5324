"""`perfdash sync [--lab L] [--job J] [--full] [--json]`: one sync pass, summarised per job.

Exit 0 when every job synced, 1 when any failed (the others still synced), 2 for bad usage or
config (an unknown lab or job, a missing token).
"""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any, TextIO

from bot.context import Context
from bot.syncing import run_sync, summary_lines
from sync.records import Progress

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="fetch new builds and their results from Jenkins (one pass)",
        description="Fetch the builds each configured job gained since the last pass, with "
        "their reports. Exit 1 when a job failed (the others still synced).",
    )
    parser.add_argument("--lab", help="only this lab")
    parser.add_argument("--job", help="only this job (its full path, e.g. perf/fio-nightly)")
    parser.add_argument(
        "--full", action="store_true", help="re-read every build, not only the new ones"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON array, an object per job"
    )
    parser.set_defaults(run=run)


class ProgressLine:
    """A one-line progress display on a terminal: `lab1 perf/fio: 340/1000 builds`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, tick: Progress) -> None:
        step = max(1, tick.total // 100)
        if tick.done % step and tick.done != tick.total:
            return
        self.stream.write(f"\r\033[K{tick.lab} {tick.job}: {tick.done}/{tick.total} builds")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.config
    repo = ctx.repository()
    display = ProgressLine(ctx.stderr) if ctx.stderr.isatty() and not args.json else None
    try:
        with repo.connection():
            report = run_sync(
                config, ctx.env, repo, lab=args.lab, job=args.job, full=args.full, progress=display
            )
    finally:
        if display is not None:
            display.clear()
    if args.json:
        print(json.dumps(report.to_json(), indent=2), file=ctx.stdout)
        for job in report.failed:  # the JSON has them too; stderr is what a person reads
            print(f"perfdash: {job.lab} {job.job}: {job.error}", file=ctx.stderr)
    elif not report.jobs:
        where = f"lab {args.lab!r}" if args.lab else "the config"
        print(f"nothing to sync: {where} has no [[jobs]]", file=ctx.stdout)
    else:
        print("\n".join(summary_lines(report)), file=ctx.stdout)
    if report.failed:
        print(
            f"perfdash: {len(report.failed)} of {len(report.jobs)} jobs failed to sync",
            file=ctx.stderr,
        )
        return 1
    return 0
