"""`perfdash demo [--dir DIR]`: the whole loop on this machine, no accounts needed."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.context import Context
from bot.demo.run import run_demo

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the whole loop on generated lab results, no accounts needed"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("perfdash-demo"),
        help="where the demo writes its database, charts and export "
        "(default: ./perfdash-demo; its demo files are replaced each run)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    result = run_demo(args.dir, now=datetime.now(UTC), out=ctx.stdout)
    regressions = sum(1 for d in result.findings if d.finding.kind.value == "regression")
    config = args.dir / "perfdash.toml"
    print(
        f"\nDone: {result.builds} builds, {result.points} points, {len(result.findings)} changes "
        f"({regressions} regressions), {len(result.images)} charts in {args.dir}/alerts and "
        f"{args.dir}/chat.\nTry it yourself on the demo database:\n"
        f'  perfdash --config {config} ask "trend fio-nightly randread:read:clat:p99 blocksize=64k"'
        f" -o {args.dir}\n"
        f"  perfdash --config {config} detect --json\n"
        f"  perfdash --config {config} chart trend --job perf/api-load --metric latency:p95 "
        f"--tag label=/search -o {args.dir}/search.png\n"
        "Next: copy config.example.toml to perfdash.toml, add your labs, run `perfdash sync`; "
        "README.md has the steps to a working Slack bot.",
        file=ctx.stdout,
    )
    return 0
