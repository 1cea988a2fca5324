"""`perfdash check-config [--online]`: validate the config and the secrets it names."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.context import Context

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("check-config", help="validate the config and its secrets")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.config
    config.require_secrets(ctx.env, slack=config.slack_configured)
    source = config.source or "built-in defaults"
    print(
        f"{source}: OK ({len(config.labs)} labs, {len(config.jobs)} jobs, "
        f"storage {config.storage.url})",
        file=ctx.stdout,
    )
    return 0
