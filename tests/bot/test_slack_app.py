"""The real Bolt App and a real WebClient against the local Slack (tests/fakes/slack.py).

Slash commands arrive signed over HTTP (waitress, as in `serve`) or through the Socket Mode
websocket; replies leave through the poster. The router here is an in-memory stand-in at the narrow
`handle(text, ...) -> Reply` interface, so these tests are about the Slack side only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import requests
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import BUSY, CommandRunner, build_app, register
from bot.commands.reply import Image, Reply
from bot.config import Config, parse_config
from bot.errors import ConfigError
from bot.http_server import HEALTHZ, Dispatcher, HttpServer, WSGIApp
from bot.serve import SocketModeService
from bot.slack_poster import SlackPoster, Target, upload_comment, web_client
from storage import Repository
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    signed_headers,
    slash_command,
    socket_envelope,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"chart" * 100
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class ScriptedRouter:
    """Answers by the first word: chart, private, text, boom (raises), wait (blocks)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.release = threading.Event()

    def handle(self, text: str, *, user: str, channel: str, now: datetime) -> Reply:
        self.seen.append((text, user, channel))
        word = text.split()[0] if text.split() else ""
        if word == "boom":
            raise RuntimeError("a bug")
        if word == "wait":
            self.release.wait()
        answers = {
            "chart": Reply("trend of read:iops", (), images=(Image("trend.png", "Trend", PNG),)),
            "private": Reply("only you see this", (), ephemeral=True),
        }
        return answers.get(word, Reply(f"you said {text}", blocks=(_section(text),)))


def _section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack().start() as fake:
        yield fake
    assert fake.unknown == []


def _config(slack: FakeSlack) -> Config:
    return parse_config(f'[slack]\nmode = "http"\napi_url = "{slack.api_url}"\n')


class Bot:
    """The app as `serve` wires it: Bolt App, runner on its own executor, waitress on port 0."""

    def __init__(self, slack: FakeSlack, repo: Repository, *, max_pending: int = 64) -> None:
        self.slack = slack
        self.router = ScriptedRouter()
        config = _config(slack)
        client = web_client(config, BOT_TOKEN)
        self.app = build_app(config, client, signing_secret=SIGNING_SECRET)
        self.executor = ThreadPoolExecutor(max_workers=2)
        self.runner = CommandRunner(
            self.router,
            SlackPoster(client),
            repo,
            self.executor,
            lambda: NOW,
            max_pending=max_pending,
        )
        register(self.app, self.runner, "/perf")
        routes: dict[str, WSGIApp] = {
            "/slack/events": SlackRequestHandler(self.app),
            "/healthz": HEALTHZ,
        }
        self.http = HttpServer(Dispatcher(routes), "127.0.0.1", 0)
        self.http.start()
        self.url = f"http://127.0.0.1:{self.http.port}/slack/events"

    def send(
        self,
        text: str,
        *,
        channel: str = "C0PERF",
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
    ) -> requests.Response:
        body = urlencode(
            slash_command(text, channel=channel, response_url=self.slack.response_url())
        ).encode()
        return requests.post(
            self.url, data=body, headers=signed_headers(body, secret, timestamp), timeout=30
        )

    def close(self) -> None:
        self.router.release.set()
        self.http.stop()
        self.executor.shutdown(wait=True)


@pytest.fixture
def bot(slack: FakeSlack, sqlite_repo: Repository) -> Iterator[Bot]:
    running = Bot(slack, sqlite_repo)
    yield running
    running.close()


def test_a_signed_command_is_acked_and_its_chart_uploaded_into_the_channel(
    bot: Bot, slack: FakeSlack
) -> None:
    response = bot.send("chart fio read:iops", channel="C0TEAM")
    assert response.status_code == 200
    assert response.text == ""
    [complete] = slack.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C0TEAM"
    assert complete.params["initial_comment"] == "trend of read:iops"
    assert complete.token == BOT_TOKEN
    [upload] = slack.uploads.values()
    assert (upload.filename, upload.data) == ("trend.png", PNG)
    assert bot.router.seen == [("chart fio read:iops", "U0ALICE", "C0TEAM")]


def test_a_public_text_reply_is_posted_with_its_blocks(bot: Bot, slack: FakeSlack) -> None:
    bot.send("labs")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0PERF"
    assert post.params["text"] == "you said labs"
    assert post.params["blocks"] == [_section("labs")]


def test_an_ephemeral_reply_goes_to_the_response_url_only(bot: Bot, slack: FakeSlack) -> None:
    bot.send("private")
    [answer] = slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["text"] == "only you see this"
    assert not slack.called("chat.postMessage")


@pytest.mark.parametrize("error_channel", ["C0OUTSIDE"])
def test_outside_the_channel_the_user_is_told_how_to_invite_the_bot(
    bot: Bot, slack: FakeSlack, error_channel: str
) -> None:
    slack.not_in_channel.add(error_channel)
    bot.send("chart fio read:iops", channel=error_channel)
    [answer] = slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "/invite @perfdash" in answer.params["text"]
    assert "trend of read:iops" in answer.params["text"]


def test_a_rate_limited_post_is_retried_after_retry_after(bot: Bot, slack: FakeSlack) -> None:
    slack.rate_limit("chat.postMessage", times=2, retry_after=0)
    bot.send("labs")
    [post] = slack.wait_for("chat.postMessage")
    assert post.params["text"] == "you said labs"
    assert len(slack.called("chat.postMessage (429)")) == 2


def test_a_crash_tells_the_user_only_a_reference(bot: Bot, slack: FakeSlack) -> None:
    bot.send("boom")
    [answer] = slack.wait_for("response_url")
    assert answer.params["text"].startswith("Sorry, that failed (reference `")
    assert "a bug" not in answer.params["text"]


@pytest.mark.parametrize(
    ("secret", "age_s"),
    [("not-the-secret", 0), (SIGNING_SECRET, 6 * 60)],
    ids=["bad signature", "stale timestamp"],
)
def test_unsigned_or_replayed_requests_are_refused(
    bot: Bot, slack: FakeSlack, secret: str, age_s: int
) -> None:
    import time

    response = bot.send("chart fio read:iops", secret=secret, timestamp=int(time.time()) - age_s)
    assert response.status_code == 401
    assert bot.router.seen == []


def test_past_the_pending_limit_the_user_is_asked_to_retry(
    slack: FakeSlack, sqlite_repo: Repository
) -> None:
    bot = Bot(slack, sqlite_repo, max_pending=1)
    try:
        bot.send("wait")
        bot.send("labs")
        [busy] = slack.wait_for("response_url")
        assert busy.params["text"] == BUSY
        bot.router.release.set()
        [post] = slack.wait_for("chat.postMessage")
        assert post.params["text"] == "you said wait"
    finally:
        bot.close()
    assert [text for text, _, _ in bot.router.seen] == ["wait"]


def test_the_dispatcher_serves_health_and_404(bot: Bot) -> None:
    base = f"http://127.0.0.1:{bot.http.port}"
    assert requests.get(f"{base}/healthz", timeout=30).text == "ok\n"
    assert requests.get(f"{base}/nothing", timeout=30).status_code == 404


def test_socket_mode_end_to_end(slack: FakeSlack, sqlite_repo: Repository) -> None:
    config = _config(slack)
    client = web_client(config, BOT_TOKEN)
    app = build_app(config, client)
    executor = ThreadPoolExecutor(max_workers=2)
    router = ScriptedRouter()
    register(
        app, CommandRunner(router, SlackPoster(client), sqlite_repo, executor, lambda: NOW), "/perf"
    )
    service = SocketModeService(app, APP_TOKEN, slack.api_url)
    service.start()
    try:
        assert slack.socket is not None
        payload = slash_command(
            "chart fio read:iops", channel="C0SOCK", response_url=slack.response_url()
        )
        ack, _ = slack.socket.push(socket_envelope(payload, "env-42"))
        assert ack["envelope_id"] == "env-42"
        [complete] = slack.wait_for("files.completeUploadExternal")
        assert complete.params["channel_id"] == "C0SOCK"
    finally:
        service.stop()
        executor.shutdown(wait=True)
    assert slack.called("apps.connections.open")[0].token == APP_TOKEN


def test_a_refused_bot_token_is_a_config_error(slack: FakeSlack) -> None:
    config = _config(slack)
    with pytest.raises(ConfigError, match="refused SLACK_BOT_TOKEN"):
        build_app(config, web_client(config, "xoxb-wrong"), signing_secret=SIGNING_SECRET)


def test_ephemeral_without_response_url_uses_chat_post_ephemeral(slack: FakeSlack) -> None:
    poster = SlackPoster(web_client(_config(slack), BOT_TOKEN))
    poster.deliver(Reply("psst", (), ephemeral=True), Target(channel="C0PERF", user="U0BOB"))
    [post] = slack.wait_for("chat.postEphemeral")
    assert (post.params["channel"], post.params["user"], post.params["text"]) == (
        "C0PERF",
        "U0BOB",
        "psst",
    )


def test_a_chart_upload_carries_the_reply_blocks_as_its_comment() -> None:
    blocks = (
        {"type": "header", "text": {"type": "plain_text", "text": "lab2 · fio · read:latency"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*lab2*  4.35 ms at #10"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*min* 4.35 ms"}]},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "8 points on 1 line"}]},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Mute"}}],
        },
    )
    reply = Reply("Trend: lab2", blocks, images=(Image("t.png", "T", PNG),))
    assert upload_comment(reply) == (
        "*lab2 · fio · read:latency*\n*lab2*  4.35 ms at #10\n*min* 4.35 ms\n8 points on 1 line"
    )
    assert upload_comment(Reply("just text", ())) == "just text"
    long = Reply("x", ({"type": "section", "text": {"type": "mrkdwn", "text": "y" * 5000}},))
    assert len(upload_comment(long)) == 3500


def test_a_dead_response_url_falls_back_to_chat_post_ephemeral(slack: FakeSlack) -> None:
    poster = SlackPoster(web_client(_config(slack), BOT_TOKEN))
    with FakeSlack().start() as gone:
        dead = gone.response_url()
    poster.ephemeral(Target("C0PERF", "U0BOB", response_url=dead), "psst")
    [post] = slack.wait_for("chat.postEphemeral")
    assert (post.params["user"], post.params["text"]) == ("U0BOB", "psst")
