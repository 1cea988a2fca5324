"""`perfdash formats`: the report formats `ingest` and `[[jobs.reports]] format` accept."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.context import Context
from sync.parsers import FORMATS

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("formats", help="list the supported report formats")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    width = max(len(name) for name in FORMATS)
    print(f"{'auto':<{width}}  detect the format from the file's content", file=ctx.stdout)
    for name, fmt in FORMATS.items():
        print(f"{name:<{width}}  {fmt.description}", file=ctx.stdout)
    return 0
