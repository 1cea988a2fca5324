"""`perfdash check-config [--online]`: validate the config and the secrets it names; `--online`
also asks each Jenkins lab and Slack whether the URLs and credentials work."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot.context import Context
from bot.errors import WorkFailed
from bot.slack_poster import check_credentials
from bot.syncing import check_labs
from bot.wording import plural

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("check-config", help="validate the config and its secrets")
    parser.add_argument(
        "--online",
        action="store_true",
        help="also ask each Jenkins lab and Slack whether the credentials work",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.config
    config.require_secrets(ctx.env, slack=config.slack_configured)
    source = config.source or "built-in defaults"
    print(
        f"{source}: OK ({plural(len(config.labs), 'lab')}, {plural(len(config.jobs), 'job')}, "
        f"storage {config.storage.url})",
        file=ctx.stdout,
    )
    failed = check_jenkins(ctx) if args.online else []
    if args.online and config.slack_configured:
        for line in check_credentials(config, ctx.env):
            print(line, file=ctx.stdout)
    elif args.online:
        print("Slack: not checked (the config has no [slack] section)", file=ctx.stdout)
    if failed:
        raise WorkFailed(f"{len(failed)} of {len(ctx.config.labs)} labs failed the online check")
    return 0


def check_jenkins(ctx: Context) -> list[str]:
    """Ask every lab who we are; print a line per lab, return the lines of those that failed."""
    failed = []
    for ok, line in check_labs(ctx.config, ctx.env):
        print(f"Jenkins: {line}", file=ctx.stdout if ok else ctx.stderr)
        if not ok:
            failed.append(line)
    return failed
