"""Admin-only commands: `sync [lab]` runs one sync pass now (users in `[slack] admins`)."""

from __future__ import annotations

import logging

from bot.commands.base import Call, CommandSpec
from bot.commands.names import resolve
from bot.commands.reply import CommandError, Reply
from bot.messages.blocks import escape, section

log = logging.getLogger(__name__)


def run_sync(call: Call) -> Reply:
    services = call.services
    if len(call.args) > 1:
        raise CommandError("`sync` takes at most one lab name.")
    if services.sync_runner is None:
        raise CommandError("This perfdash process cannot sync; run `perfdash sync` on the server.")
    configured = [lab.name for lab in services.config.labs]
    if not configured:
        raise CommandError("No labs are configured; add a [[labs]] entry to the config.")
    lab = None
    if call.args:
        lab = resolve(call.args[0], configured, "lab", hint="the labs of the config")
    log.info("user %s started a sync of %s", call.user, lab or "every lab")
    summary = services.sync_runner(lab)
    title = f"Sync of {lab or 'every lab'} done"
    return Reply(
        text=f"{title}: {summary}",
        blocks=(section(f"*{escape(title)}*\n{escape(summary)}"),),
        ephemeral=True,
    )


COMMANDS = (
    CommandSpec(
        "sync",
        "[LAB]",
        "sync new Jenkins builds now (one lab or all)",
        run_sync,
        admin=True,
        examples=("sync", "sync lab1"),
    ),
)
