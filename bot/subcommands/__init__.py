"""CLI subcommands, one module each. A module has `register(subparsers)`, which adds its parser
and sets `run(args, ctx) -> int` as the parser's default."""

from bot.subcommands import ask, chart, check_config, db, detect, export

SUBCOMMANDS = (check_config, db, export, detect, chart, ask)
