"""The Slack app: builds the Bolt `App` and registers the listeners; nothing else.

The slash command listener acknowledges first (Slack allows 3 s), then hands the request to
`CommandRunner`, which runs the router (query and render) and the upload on the project's own
bounded executor, inside a database connection. The listener takes microseconds, so it runs on
the request's own thread instead of Bolt's small listener pool, where acks would queue.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime
from typing import Any, Protocol

from slack_bolt import Ack, App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.config import Config
from bot.errors import ConfigError, WorkFailed
from bot.slack_poster import ReplyLike, SlackPoster, Target

log = logging.getLogger(__name__)

MAX_PENDING = 64  # commands queued or running; past this the user is asked to retry
BUSY = "perfdash is busy with other requests; please try again in a minute."


class RouterLike(Protocol):
    """bot.commands.router.Router: chat text in, a reply out (it never talks to Slack)."""

    def handle(self, text: str, *, user: str, channel: str, now: datetime) -> ReplyLike: ...


class ConnectionSource(Protocol):
    """The Repository's `connection()`: a per-thread database connection for one unit of work."""

    def connection(self) -> Any: ...


class CommandRunner:
    """Runs slash commands after their ack: router, then poster, on the given executor.

    At most `max_pending` commands wait or run at once; `submit` refuses more (the listener then
    tells the user to retry) so a burst cannot queue work without bound.
    """

    def __init__(
        self,
        router: RouterLike,
        poster: SlackPoster,
        repo: ConnectionSource,
        executor: Executor,
        clock: Callable[[], datetime],
        *,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.router = router
        self.poster = poster
        self.repo = repo
        self.executor = executor
        self.clock = clock
        self.max_pending = max_pending
        self._slots = threading.BoundedSemaphore(max_pending)

    def submit(self, text: str, target: Target) -> bool:
        """Queue the command; False when too many are pending."""
        if not self._slots.acquire(blocking=False):
            log.warning("command refused: %d commands pending", self.max_pending)
            return False
        try:
            self.executor.submit(self._run, text, target)
        except RuntimeError:  # the executor is shutting down
            self._slots.release()
            return False
        return True

    def _run(self, text: str, target: Target) -> None:
        try:
            with self.repo.connection():
                reply = self.router.handle(
                    text, user=target.user, channel=target.channel, now=self.clock()
                )
            self.poster.deliver(reply, target)
        except Exception:
            self._report_crash(text, target)
        finally:
            self._slots.release()

    def _report_crash(self, text: str, target: Target) -> None:
        reference = uuid.uuid4().hex[:8]
        log.exception("command %r from %s failed (reference %s)", text, target.user, reference)
        try:
            self.poster.ephemeral(
                target,
                f"Sorry, that failed (reference `{reference}`); "
                "an operator can find the details in the log.",
            )
        except Exception:
            log.exception("could not tell %s about failure %s", target.user, reference)


class _QuietTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that `client`
    wins over it; the token is in the client on purpose, so the warning only confuses."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_QuietTokenWarning())


def build_app(
    config: Config,
    client: WebClient,
    *,
    signing_secret: str | None = None,
) -> App:
    """A Bolt App on `client` (token and `[slack] api_url` live in the client, not in App).

    Bolt checks the token with auth.test here: a refused one raises ConfigError, an unreachable
    Slack WorkFailed.
    HTTP mode passes the signing secret (requests are signature-checked); Socket Mode needs none.
    """
    try:
        return App(
            client=client,
            signing_secret=signing_secret,
            request_verification_enabled=signing_secret is not None,
            # The listener only acks and queues (microseconds), so it runs on the request's own
            # thread: no hop through Bolt's 5-thread pool, whose queue would delay acks.
            process_before_response=True,
        )
    except BoltError as exc:
        raise ConfigError(
            f"Slack at {config.slack.api_url} refused SLACK_BOT_TOKEN: {exc}"
        ) from None
    except (SlackClientError, OSError) as exc:
        raise WorkFailed(f"cannot reach Slack at {config.slack.api_url}: {exc}") from None


def register(app: App, runner: CommandRunner, command: str) -> None:
    """The slash command listener: ack within milliseconds, the work goes to `runner`."""

    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        ack()
        target = Target(
            channel=str(command.get("channel_id", "")),
            user=str(command.get("user_id", "")),
            response_url=str(command.get("response_url", "")),
        )
        if not runner.submit(str(command.get("text", "")), target):
            runner.poster.ephemeral(target, BUSY)

    app.command(command)(on_command)
