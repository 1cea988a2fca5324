"""The shapes every command group shares: what a handler receives and how a command is declared.

A group module (catalog, results, charts, admin) exposes `COMMANDS`, a tuple of `CommandSpec`; the
Router merges the groups into one dict and dispatches through it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.commands.reply import Reply
from bot.config import Config
from storage import Repository

log = logging.getLogger(__name__)

SyncRunner = Callable[[str | None], str]


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers may use: the stored data, the config, and the optional sync runner."""

    repo: Repository
    config: Config
    sync_runner: SyncRunner | None
    commands: Mapping[str, CommandSpec]

    @property
    def slash(self) -> str:
        return self.config.slack.command


@dataclass(frozen=True, slots=True)
class Call:
    """One command invocation: the words after the command name, who, where and when."""

    args: tuple[str, ...]
    user: str
    channel: str
    now: datetime
    services: Services


Handler = Callable[[Call], Reply]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A chat command: its name, usage line, one-line summary, handler and who may run it."""

    name: str
    usage: str  # the arguments, e.g. "JOB METRIC [lab=a,b] [key=value ...] [last=N|30d]"
    summary: str
    handler: Handler
    admin: bool = False
    examples: tuple[str, ...] = ()
