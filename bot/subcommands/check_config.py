"""`perfdash check-config [--online]`: validate the config and the secrets it names; `--online`
also asks Slack whether the tokens work."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.context import Context
from bot.slack_poster import check_credentials

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("check-config", help="validate the config and its secrets")
    parser.add_argument(
        "--online", action="store_true", help="also ask Slack whether the credentials work"
    )
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
    if args.online and config.slack_configured:
        for line in check_credentials(config, ctx.env):
            print(line, file=ctx.stdout)
    elif args.online:
        print("Slack: not checked (the config has no [slack] section)", file=ctx.stdout)
    return 0
