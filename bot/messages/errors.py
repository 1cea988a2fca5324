"""Replies for what went wrong: a user error (with usage), a crash (a reference), too fast."""

from __future__ import annotations

import logging

from bot.commands.reply import Outcome, Reply
from bot.messages.blocks import context, escape, section

log = logging.getLogger(__name__)


def user_error(message: str, *, usage: str = "", slash: str = "/perf") -> Reply:
    """The error's sentence as is, then how the command is used (or where help is)."""
    hint = f"Usage: `{usage}`" if usage else f"Type `{slash} help` for the commands."
    blocks = (section(f":warning: {escape(message)}"), context(escape(hint)))
    return Reply(
        text=escape(f"{message} {hint}"), blocks=blocks, ephemeral=True, outcome=Outcome.USER_ERROR
    )


def crash(reference: str) -> Reply:
    """All the user learns of a crash: it happened, and the reference to quote."""
    message = (
        f"Something went wrong on our side (reference `{reference}`). "
        "Try again later, or give the reference to the perfdash operators."
    )
    return Reply(
        text=message, blocks=(section(f":boom: {message}"),), ephemeral=True, outcome=Outcome.CRASH
    )


def too_fast(wait_s: float) -> Reply:
    seconds = max(1, round(wait_s))
    message = f"You are sending commands too fast; try again in {seconds} s."
    return Reply(
        text=message,
        blocks=(section(f":hourglass: {message}"),),
        ephemeral=True,
        outcome=Outcome.USER_ERROR,
    )
