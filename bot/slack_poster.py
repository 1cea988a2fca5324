"""The one module that talks to the Slack Web API: builds the client, checks credentials, posts.

`SlackPoster.deliver` takes a finished reply (text, Block Kit blocks, PNG images; built by pure
code elsewhere) and the request it answers, and sends it: ephemeral replies through the slash
command's `response_url` (or `chat.postEphemeral`), charts through `files_upload_v2` into the
channel with the reply text as the comment, other public replies with `chat.postMessage`. When the
bot is not in the channel, the user is told privately how to invite it, and still gets the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.config import ENV_APP_TOKEN, ENV_BOT_TOKEN, Config
from bot.errors import ConfigError, WorkFailed

log = logging.getLogger(__name__)

TIMEOUT_S = 30
RATE_LIMIT_RETRIES = 3
# Slack answers these when the bot may not post in the conversation.
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
MAX_COMMENT = 3500  # characters of an upload's initial comment (Slack truncates long ones)


class ImageLike(Protocol):
    """What the poster needs of a reply image (bot.commands.reply.Image)."""

    @property
    def filename(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def png(self) -> bytes: ...


class ReplyLike(Protocol):
    """What the poster needs of a reply (bot.commands.reply.Reply)."""

    @property
    def text(self) -> str: ...
    @property
    def blocks(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def ephemeral(self) -> bool: ...
    @property
    def images(self) -> Sequence[ImageLike]: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where a reply goes: the conversation and user of a slash command, and its response_url."""

    channel: str
    user: str
    response_url: str = ""


def web_client(config: Config, token: str) -> WebClient:
    """A WebClient for `[slack] api_url` that retries connection errors and HTTP 429."""
    client = WebClient(token=token, base_url=config.slack.api_url, timeout=TIMEOUT_S)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def invite_hint(bot_name: str = "perfdash") -> str:
    return (
        f"I am not in this channel, so I cannot post the chart here. Invite me with "
        f"`/invite @{bot_name}` and ask again."
    )


class SlackPoster:
    """Sends replies; handed its client (the token and base URL live in the client)."""

    def __init__(self, client: WebClient, *, bot_name: str = "perfdash") -> None:
        self.client = client
        self.bot_name = bot_name

    def deliver(self, reply: ReplyLike, target: Target) -> None:
        """Send `reply` for `target`; a bot outside the channel answers privately instead."""
        try:
            if reply.ephemeral:
                self.ephemeral(target, reply.text, reply.blocks)
            elif reply.images:
                self._upload(reply, target.channel)
            else:
                self.client.chat_postMessage(
                    channel=target.channel, text=reply.text, blocks=_blocks(reply.blocks)
                )
        except SlackApiError as exc:
            if _error(exc) not in NOT_A_MEMBER:
                raise
            log.info("not a member of %s (%s): answering privately", target.channel, _error(exc))
            hint = _section(invite_hint(self.bot_name))
            self.ephemeral(
                target, f"{invite_hint(self.bot_name)}\n{reply.text}", [hint, *reply.blocks]
            )

    def post_text(self, channel: str, text: str) -> None:
        """A plain message to a channel (the ops channel's failure notices)."""
        self.client.chat_postMessage(channel=channel, text=text)

    def ephemeral(
        self, target: Target, text: str, blocks: Sequence[Mapping[str, Any]] = ()
    ) -> None:
        """Only the user sees it: through the response_url when there is one (it works in any
        conversation, member or not; it expires after 30 minutes), else chat.postEphemeral."""
        if target.response_url and self._respond(target.response_url, text, blocks):
            return
        self.client.chat_postEphemeral(
            channel=target.channel, user=target.user, text=text, blocks=_blocks(blocks)
        )

    def _respond(self, url: str, text: str, blocks: Sequence[Mapping[str, Any]]) -> bool:
        """Post to a response_url; False (logged) when it refused or could not be reached."""
        webhook = WebhookClient(
            url,
            timeout=TIMEOUT_S,
            retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler()],
        )
        try:
            response = webhook.send(text=text, blocks=_blocks(blocks), response_type="ephemeral")
        except (SlackClientError, OSError) as exc:
            log.warning("response_url unreachable (%s); using chat.postEphemeral", exc)
            return False
        if response.status_code != 200:
            log.warning(
                "response_url answered %s %s; using chat.postEphemeral",
                response.status_code,
                response.body,
            )
            return False
        return True

    def _upload(self, reply: ReplyLike, channel: str) -> None:
        uploads = [
            {"filename": image.filename, "title": image.title, "content": image.png}
            for image in reply.images
        ]
        self.client.files_upload_v2(
            file_uploads=uploads, channel=channel, initial_comment=upload_comment(reply)
        )


def upload_comment(reply: ReplyLike) -> str:
    """The comment posted with a chart: a file upload carries mrkdwn text, not blocks, so the
    blocks' text (header in bold, sections, context lines) is kept as mrkdwn; else the text."""
    lines: list[str] = []
    for block in reply.blocks:
        lines.extend(_BLOCK_TEXT.get(str(block.get("type")), _no_text)(block))
    comment = "\n".join(line for line in lines if line) or reply.text
    return comment if len(comment) <= MAX_COMMENT else comment[: MAX_COMMENT - 1] + "…"


def _no_text(block: Mapping[str, Any]) -> list[str]:
    return []


def _header_text(block: Mapping[str, Any]) -> list[str]:
    return [f"*{block['text']['text']}*"]


def _section_text(block: Mapping[str, Any]) -> list[str]:
    texts = [block["text"]] if "text" in block else []
    return [str(t.get("text", "")) for t in [*texts, *block.get("fields", ())]]


def _context_text(block: Mapping[str, Any]) -> list[str]:
    return [str(e.get("text", "")) for e in block.get("elements", ()) if "text" in e]


_BLOCK_TEXT = {"header": _header_text, "section": _section_text, "context": _context_text}


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "")) if exc.response is not None else ""


def _blocks(blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]] | None:
    return [dict(block) for block in blocks] or None


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def check_credentials(config: Config, env: Mapping[str, str]) -> list[str]:
    """Ask Slack whether the tokens work (auth.test; apps.connections.open in Socket Mode).

    Returns one line per check that passed; a refused token raises ConfigError naming its
    environment variable, an unreachable Slack raises WorkFailed.
    """
    config.require_secrets(env, slack=True)
    client = web_client(config, env[ENV_BOT_TOKEN])
    lines = []
    try:
        auth = client.auth_test()
        lines.append(
            f"Slack: {ENV_BOT_TOKEN} is the bot {auth.get('user')!r} of team {auth.get('team')!r}"
        )
        if config.slack.mode == "socket":
            client.apps_connections_open(app_token=env[ENV_APP_TOKEN])
            lines.append(f"Slack: {ENV_APP_TOKEN} may open Socket Mode connections")
    except SlackApiError as exc:
        variable = ENV_BOT_TOKEN if not lines else ENV_APP_TOKEN
        raise ConfigError(
            f"Slack at {config.slack.api_url} refused {variable} "
            f"({_error(exc) or exc.response.status_code})"
        ) from None
    except (SlackClientError, OSError) as exc:
        raise WorkFailed(f"cannot reach Slack at {config.slack.api_url}: {exc}") from None
    return lines
