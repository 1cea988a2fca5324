"""The chat command router: the text after `/perf` in, a `Reply` out. It never talks to Slack.

It limits input length and rate per user, resolves the command name (unique prefix, any case,
closest matches for typos), checks admin-only commands against `[slack] admins`, and dispatches
through a dict. A `CommandError` is shown as is with the command's usage; anything else is a
crash: logged with a reference id, and the user sees only the reference.
"""

from __future__ import annotations

import html
import logging
import random
from collections.abc import Iterable
from datetime import datetime

from bot.commands import admin, catalog, results, trends
from bot.commands.base import Call, CommandSpec, Services, SyncRunner
from bot.commands.catalog import help_line
from bot.commands.names import resolve
from bot.commands.ratelimit import RateLimiter
from bot.commands.reply import CommandError, Reply
from bot.config import Config
from bot.errors import UserError
from bot.messages import errors
from charts import ChartError
from storage import Repository
from sync.errors import UnknownSelection

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 500
# Failures whose text is meant for the user (shown as is, with usage); anything else is a crash.
USER_FACING: tuple[type[Exception], ...] = (CommandError, ChartError, UserError, UnknownSelection)
GROUPS: tuple[tuple[CommandSpec, ...], ...] = (
    catalog.COMMANDS,
    trends.COMMANDS,
    results.COMMANDS,
    admin.COMMANDS,
)


def command_table(groups: Iterable[tuple[CommandSpec, ...]] = GROUPS) -> dict[str, CommandSpec]:
    """Every command by name, in the order help lists them; a name used twice is a bug."""
    table: dict[str, CommandSpec] = {}
    for group in groups:
        for spec in group:
            if spec.name in table:
                raise ValueError(f"chat command {spec.name!r} is defined twice")
            table[spec.name] = spec
    return table


def sentence(text: str) -> str:
    """An error text as a sentence: capitalised, with a full stop (ChartError texts lack both)."""
    text = text.strip()
    if not text:
        return "That did not work."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


class Router:
    """Answers chat commands from the Repository; one instance serves every thread."""

    def __init__(
        self,
        repo: Repository,
        config: Config,
        *,
        sync_runner: SyncRunner | None = None,
        limiter: RateLimiter | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.services = Services(
            repo=repo, config=config, sync_runner=sync_runner, commands=command_table()
        )
        self.limiter = limiter or RateLimiter()
        self.rng = rng or random.Random()

    def handle(self, text: str, *, user: str, channel: str, now: datetime) -> Reply:
        """The reply to one command; never raises."""
        slash = self.services.slash
        wait = self.limiter.take(user, now)
        if wait > 0:
            log.info("user %s rate limited for %.1f s", user, wait)
            return errors.too_fast(wait)
        spec: CommandSpec | None = None
        try:
            words = self._words(text)
            if not words:
                words = ["help"]
            spec = self.services.commands[resolve(words[0], self.services.commands, "command")]
            call = Call(
                args=tuple(words[1:]), user=user, channel=channel, now=now, services=self.services
            )
            self._check_allowed(spec, user)
            return spec.handler(call)
        except USER_FACING as exc:
            usage = help_line(spec, slash).usage if spec else ""
            return errors.user_error(sentence(str(exc)), usage=usage, slash=slash)
        except Exception:
            reference = f"{self.rng.getrandbits(32):08x}"
            log.exception(
                "chat command crashed (reference %s): user %s, channel %s, text %r",
                reference,
                user,
                channel,
                text[:MAX_INPUT_CHARS],
            )
            return errors.crash(reference)

    def _words(self, text: str) -> list[str]:
        if len(text) > MAX_INPUT_CHARS:
            raise CommandError(
                f"That command is too long ({len(text)} characters); "
                f"the limit is {MAX_INPUT_CHARS}."
            )
        words = html.unescape(text).split()
        if words and words[0].lower() == self.services.slash:
            words = words[1:]
        return words

    def _check_allowed(self, spec: CommandSpec, user: str) -> None:
        if spec.admin and user not in self.services.config.slack.admins:
            raise CommandError(
                f"Only perfdash admins may run `{spec.name}`; "
                "ask one to add you to `[slack] admins`."
            )
