"""`perfdash ask "TEXT" [-o DIR]`: run a chat command locally, exactly as `/perf TEXT`.

Prints the reply as readable text and writes its images into DIR. `sync` (admins: `--user`) runs
one pass in this process. Exit 0 when the command answered, 2 when the chat command itself was
wrong (unknown name, bad arguments, not allowed), 1 on a crash.
"""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.commands.base import SyncRunner
from bot.commands.reply import Outcome, Reply
from bot.commands.router import Router
from bot.context import Context
from bot.errors import UsageError, WorkFailed
from bot.messages.plaintext import reply_text
from bot.syncing import run_sync, summary_lines
from storage import Repository

log = logging.getLogger(__name__)

EXIT_CODES = {Outcome.OK: 0, Outcome.USER_ERROR: 2, Outcome.CRASH: 1}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ask", help="run a chat command locally, exactly as /perf TEXT, and print the reply"
    )
    parser.add_argument("text", metavar="TEXT", help='the command, e.g. "trend fio-nightly iops"')
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        type=Path,
        help="write the reply's images into this folder (created if needed)",
    )
    parser.add_argument(
        "--user",
        default="cli",
        help="the chat user to act as (admin commands check it; default: cli)",
    )
    parser.add_argument("--channel", default="cli", help="the channel to act in (default: cli)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    repo = ctx.repository()
    router = Router(repo, ctx.config, sync_runner=local_sync(ctx, repo))
    with repo.connection():
        reply = router.handle(
            args.text, user=args.user, channel=args.channel, now=datetime.now(UTC)
        )
    print(reply_text(reply), file=ctx.stdout)
    for path in write_images(reply, args.output):
        print(f"wrote {path}", file=ctx.stdout)
    if reply.images and args.output is None:
        print("(use -o DIR to save the images)", file=ctx.stdout)
    return EXIT_CODES[reply.outcome]


def local_sync(ctx: Context, repo: Repository) -> SyncRunner:
    """`/perf sync [lab]` from the terminal: one pass in this process, as `perfdash sync`."""

    def run(lab: str | None) -> str:
        return "\n".join(summary_lines(run_sync(ctx.config, ctx.env, repo, lab=lab)))

    return run


def write_images(reply: Reply, folder: Path | None) -> list[Path]:
    """Each image as DIR/filename; the folder is created, an unwritable one is a usage error."""
    if folder is None or not reply.images:
        return []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"cannot create the output folder {str(folder)!r}: {exc.strerror}"
        ) from None
    written = []
    for image in reply.images:
        path = folder / Path(image.filename).name
        try:
            path.write_bytes(image.png)
        except OSError as exc:
            raise WorkFailed(f"cannot write {str(path)!r}: {exc.strerror}") from None
        written.append(path)
    return written
