"""`perfdash export`: every stored point, one row each, as CSV or JSON."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.context import Context
from storage.export import WRITERS

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export", help="print stored points (lab,job,build,timestamp,metric,tags,unit,value)"
    )
    parser.add_argument("--lab", help="only this lab")
    parser.add_argument("--job", help="only this job (its full path)")
    parser.add_argument("--metric", help="only this metric")
    parser.add_argument(
        "--format", choices=sorted(WRITERS), default="csv", help="output format (default: csv)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    repo = ctx.repository()
    with repo.connection():
        rows = repo.export_rows(lab=args.lab, job=args.job, metric=args.metric)
        count = WRITERS[args.format](rows, ctx.stdout)
    log.info("exported %d points", count)
    return 0
