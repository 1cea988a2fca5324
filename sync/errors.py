"""The ways a Jenkins request fails, as the project's own errors.

python-jenkins reports a 502/503 as "job does not exist" and a 500 as an authentication failure;
`sync.jenkins` sorts every failure into one of these classes by the HTTP status it actually saw,
so the service can decide what to retry, what to skip and what to tell the user.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)


class JenkinsError(Exception):
    """A Jenkins request failed; the message is one sentence. `status` is the HTTP status, if any.

    `lab_wide` errors (bad credentials, an unreachable server) fail every job of the lab: the
    service stops asking that lab for the rest of the pass instead of waiting on each job.
    """

    lab_wide = False
    kind = "error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthFailed(JenkinsError):
    """401/403: the user or its API token is wrong, or lacks the read permission."""

    lab_wide = True
    kind = "auth"


class NotFound(JenkinsError):
    """404: the job, build or artifact does not exist (any more)."""

    kind = "not found"


class ServerError(JenkinsError):
    """5xx after the retries, or an answer that is not what Jenkins sends (not JSON)."""

    kind = "server error"


class Unreachable(JenkinsError):
    """No answer: connection refused, DNS, TLS, or a timeout after the retries."""

    lab_wide = True
    kind = "unreachable"


class Truncated(JenkinsError):
    """The server closed the connection before the whole body arrived."""

    kind = "truncated"


class UnknownSelection(ValueError):
    """A `--lab` or `--job` (or `/perf sync LAB`) that names nothing in the config."""

    def __init__(self, what: str, name: str, known: Sequence[str]) -> None:
        close = difflib.get_close_matches(name, known, n=3)
        if close:
            hint = "; did you mean " + " or ".join(close) + "?"
        else:
            hint = "; known: " + ", ".join(known) if known else "; none is configured"
        super().__init__(f"no {what} named {name!r} in the config{hint}")
