"""What a chat command answers: a Reply (Block Kit blocks, a plain-text fallback, PNG images).

The Router returns a Reply and never talks to Slack; the poster in `bot/` sends it. `CommandError`
is the known, user-facing failure: its text is shown as is, with the command's usage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How a command went: the poster may ignore it; `perfdash ask` maps it to an exit code."""

    OK = "ok"
    USER_ERROR = "user_error"  # bad input, unknown name, not allowed, too fast
    CRASH = "crash"  # a bug or an outage: logged with a reference


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG to upload into the channel with the reply."""

    filename: str
    title: str
    png: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """A chat answer: `text` is the plain fallback (notifications, upload comment)."""

    text: str
    blocks: tuple[dict[str, Any], ...]
    ephemeral: bool = False
    images: tuple[Image, ...] = ()
    outcome: Outcome = Outcome.OK


class CommandError(Exception):
    """A known, user-facing failure of a chat command; its text is shown to the user as is."""
