"""The `perfdash` command line: global options, one subcommand per module, one `except`.

Each subcommand lives in `bot/subcommands/` (argument set-up and a `run` that calls into the package
owning the work). Expected errors print one sentence on stderr and map to an exit code; anything
else is a crash, logged with its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from enum import IntEnum

from bot.config import environment, resolve_path
from bot.context import Context
from bot.errors import UserError
from bot.subcommands import SUBCOMMANDS
from charts import ChartError
from storage import StorageError
from sync.errors import UnknownSelection

log = logging.getLogger(__name__)


class Exit(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2


# Expected failures of the packages below `bot`, and the exit code each one means.
EXPECTED_ERRORS: dict[type[Exception], Exit] = {
    StorageError: Exit.FAILED,
    UnknownSelection: Exit.USAGE,
    ChartError: Exit.FAILED,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfdash",
        description="Performance-test results from Jenkins, as charts and alerts in Slack.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $PERFDASH_CONFIG, else ./perfdash.toml)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in SUBCOMMANDS:
        module.register(commands)
    return parser


def configure_logging(verbosity: int) -> None:
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # urllib3 logs every retry of an unreachable lab as a long warning; sync reports it once.
    logging.getLogger("urllib3").setLevel(level if verbosity >= 2 else logging.ERROR)


def silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's own flush at exit cannot fail on
    the closed pipe again."""
    with contextlib.suppress(OSError, ValueError):  # not a file (a test captures it): no need
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    env = environment()
    ctx = Context(
        config_path=resolve_path(args.config, env), env=env, stdout=sys.stdout, stderr=sys.stderr
    )
    try:
        code = int(args.run(args, ctx))
        sys.stdout.flush()  # a reader that went away shows here, not in a traceback at exit
        return code
    except BrokenPipeError:  # `perfdash export | head`: stop quietly, as other tools do
        silence_stdout()
        return int(Exit.FAILED)
    except UserError as exc:
        print(f"perfdash: {exc}", file=sys.stderr)
        return exc.exit_code
    except tuple(EXPECTED_ERRORS) as exc:
        print(f"perfdash: {exc}", file=sys.stderr)
        return int(EXPECTED_ERRORS[type(exc)])
    except KeyboardInterrupt:
        print("perfdash: interrupted", file=sys.stderr)
        return int(Exit.FAILED)
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
