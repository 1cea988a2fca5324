"""`perfdash db upgrade`: apply schema migrations."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.context import Context

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply schema migrations")
    upgrade.set_defaults(run=run_upgrade)


def run_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    repo = ctx.repository(upgrade=False)
    before, after = repo.upgrade()
    if before == after:
        print(f"schema is up to date (version {after})", file=ctx.stdout)
    else:
        print(f"schema upgraded from version {before} to {after}", file=ctx.stdout)
    return 0
