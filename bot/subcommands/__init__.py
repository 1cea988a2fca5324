"""CLI subcommands, one module each. A module has `register(subparsers)`, which adds its parser
and sets `run(args, ctx) -> int` as the parser's default."""

from bot.subcommands import (
    ask,
    chart,
    check_config,
    db,
    demo,
    detect,
    export,
    formats,
    ingest,
    serve,
    sync,
)

SUBCOMMANDS = (demo, serve, sync, ingest, formats, ask, chart, detect, export, check_config, db)
