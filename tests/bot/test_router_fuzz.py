"""Any text typed after `/perf` gets a reply and never a crash (property test)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.ratelimit import RateLimiter
from bot.commands.reply import Outcome
from bot.commands.router import Router
from bot.config import parse_config
from storage import Repository
from tests.bot.conftest import CONFIG, NOW, fill
from tests.conftest import sqlite_url

WORDS = [
    "help",
    "labs",
    "jobs",
    "metrics",
    "trend",
    "compare",
    "latest",
    "regressions",
    "sync",
    "tr",
    "co",
    "fio",
    "perf/fio-nightly",
    "http",
    "sysbench",
    "iops",
    "read:latency",
    "cpu",
    "tps",
    "lab=lab1",
    "lab=lab1,lab2",
    "lab=",
    "lab=,",
    "last=5",
    "last=30d",
    "last=0",
    "blocksize=4k",
    "block=64",
    "threads=8",
    "iodepth=32",
    "=x",
    "#3",
    "8",
    "99",
    "0",
    "-1",
    "open",
    "all",
    "<!channel>",
    "&amp;",
    "*",
    "`",
    "/perf",
    "=",
    "a=b=c",
]

word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12))


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    repository = Repository.open(sqlite_url(tmp_path_factory.mktemp("fuzz")))
    repository.upgrade()
    with repository.connection():
        fill(repository)
        limiter = RateLimiter(burst=10**9, per_minute=10**9)
        yield Router(repository, parse_config(CONFIG), limiter=limiter)
    repository.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(word, max_size=6), user=st.sampled_from(["U0ADMIN", "U0USER"]))
def test_any_words_get_a_reply_and_never_a_crash(router, words, user):
    reply = router.handle(" ".join(words), user=user, channel="C0CHAN", now=NOW)
    assert reply.outcome is not Outcome.CRASH, reply.text
    assert reply.text
    assert 0 < len(reply.blocks) <= 50
    if reply.outcome is Outcome.USER_ERROR:
        assert reply.ephemeral and not reply.images
