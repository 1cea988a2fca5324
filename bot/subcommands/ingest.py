"""`perfdash ingest FILE... --lab L --job J --build N [--format F]`: import result files.

Each file is reported on its own line; a bad file is named with its line and left out while the
others of the same command are stored as one build. Exit 1 when any file failed.
"""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.context import Context
from bot.errors import UsageError
from sync.ingest import FileOutcome, ingest
from sync.parsers import FORMATS

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="import result files as one build, without Jenkins",
        description="Parse result files and store them as one build of a job in a lab.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="result files")
    parser.add_argument("--lab", required=True, help="lab name (created when new)")
    parser.add_argument("--job", required=True, help="job name, e.g. perf/fio-nightly")
    parser.add_argument("--build", required=True, type=int, help="build number")
    parser.add_argument(
        "--format",
        default="auto",
        choices=["auto", *FORMATS],
        metavar="FORMAT",
        help="report format (default: auto, by content; see `perfdash formats`)",
    )
    parser.add_argument(
        "--started",
        metavar="ISO8601",
        help="when the build started (default: the newest file's time)",
    )
    parser.set_defaults(run=run)


def started(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--started {text!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def describe(outcome: FileOutcome) -> str:
    if outcome.ok:
        return f"{outcome.path}: {outcome.samples} samples ({outcome.format})"
    return f"{outcome.path}: {outcome.error}"


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.build < 1:
        raise UsageError(f"--build {args.build} is not a build number (1 or more)")
    when = started(args.started)
    report = ingest(
        ctx.repository(),
        args.lab,
        args.job,
        args.build,
        [Path(f) for f in args.files],
        args.format,
        when,
    )
    for outcome in report.files:
        if outcome.ok:
            print(describe(outcome), file=ctx.stdout)
        else:
            print(f"perfdash: {describe(outcome)}", file=ctx.stderr)
    if report.saved is not None:
        saved = report.saved
        print(
            f"stored {args.lab} {args.job} #{args.build}: {saved.points} points, "
            f"{saved.series_created} new series",
            file=ctx.stdout,
        )
    else:  # on stdout: each bad file already has its one line on stderr
        print("nothing stored: no file could be read", file=ctx.stdout)
    return 1 if report.failed else 0
