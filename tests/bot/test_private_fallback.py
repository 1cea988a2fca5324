"""A chart reply the bot cannot post (it is not in the channel) reaches the user privately, and
its words do not claim a chart that is not there: the real router's replies, the real poster and
WebClient, the local Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.commands.router import Router
from bot.slack_poster import SlackPoster, Target, web_client
from tests.bot.conftest import NOW
from tests.fakes.slack import BOT_TOKEN, FakeSlack

OUTSIDE = "C0OUTSIDE"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(not_in_channel={OUTSIDE}).start() as fake:
        yield fake


@pytest.mark.parametrize("command", ["trend fio iops", "compare fio 3 8 lab=lab1"])
def test_a_chart_answered_privately_does_not_say_it_is_attached(
    command: str, slack: FakeSlack, filled_repo, config
) -> None:
    config = replace(config, slack=replace(config.slack, api_url=slack.api_url))
    reply = Router(filled_repo, config).handle(command, user="U0USER", channel=OUTSIDE, now=NOW)
    assert reply.images
    poster = SlackPoster(web_client(config, BOT_TOKEN))
    poster.deliver(reply, Target(OUTSIDE, "U0USER", slack.response_url()))
    [answer] = slack.wait_for("response_url")
    words = answer.params["text"] + json.dumps(answer.params["blocks"])
    assert "/invite @perfdash" in words
    assert "attached" not in words
