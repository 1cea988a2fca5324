"""The two kinds of expected failure the CLI and the chat router show as one sentence.

Anything else is a crash: logged with a reference, and the user sees only the reference.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class UserError(Exception):
    """A known, user-facing failure: its text is shown as is."""

    exit_code = 1


class UsageError(UserError):
    """Bad usage or bad config: exit 2."""

    exit_code = 2


class ConfigError(UsageError):
    """The config file (or a secret in the environment) is wrong; the text names the key."""


class WorkFailed(UserError):
    """The work ran and (partly) failed: exit 1."""

    exit_code = 1
