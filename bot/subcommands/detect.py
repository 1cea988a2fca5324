"""`perfdash detect`: find change points in stored series and store each finding once."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from typing import Any

from bot.context import Context
from bot.detection import detect, write_json, write_table

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "detect", help="find regressions and improvements in stored series and store them"
    )
    parser.add_argument("--lab", help="only this lab")
    parser.add_argument("--job", help="only this job (its full path)")
    parser.add_argument("--metric", help="only this metric")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument(
        "--full",
        action="store_true",
        help="analyse each series' whole history, not only its newest builds",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    settings = ctx.config.detection
    repo = ctx.repository()
    with repo.connection():
        found = detect(
            repo,
            settings,
            now=datetime.now(UTC),
            lab=args.lab,
            job=args.job,
            metric=args.metric,
            full=args.full,
        )
    (write_json if args.json else write_table)(found, ctx.stdout)
    return 0
