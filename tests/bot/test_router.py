"""The Router's own rules: input limits, rate, admins, name matching, crashes with a reference."""

from __future__ import annotations

import logging
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.commands import trends
from bot.commands.ratelimit import RateLimiter
from bot.commands.reply import Outcome
from bot.commands.router import GROUPS, MAX_INPUT_CHARS, Router, command_table
from charts import trend
from storage import Repository
from tests.bot.conftest import NOW
from tests.conftest import sqlite_url


def ask(router, text, user="U0USER"):
    return router.handle(text, user=user, channel="C0CHAN", now=NOW)


@pytest.fixture
def router(filled_repo, config):
    return Router(filled_repo, config)


def test_empty_text_is_help(router):
    reply = ask(router, "  ")
    assert reply.ephemeral
    assert reply.outcome is Outcome.OK
    assert reply.blocks[0]["text"]["text"] == "perfdash commands"


@pytest.mark.parametrize("text", ["/perf labs", "LABS", "lab", "  labs  "])
def test_command_names_match_by_case_and_prefix(router, text):
    assert ask(router, text).text.startswith("Labs: lab1, lab2")


def test_an_ambiguous_command_prefix_lists_both(router):
    reply = ask(router, "la")
    assert reply.outcome is Outcome.USER_ERROR
    assert "`labs` or `latest`" in reply.text


def test_a_typo_in_a_command_answers_with_a_suggestion(router):
    reply = ask(router, "regresions")
    assert reply.ephemeral
    assert reply.text.startswith("No command named `regresions`. Did you mean `regressions`?")


def test_too_long_input_is_refused_before_any_work(router):
    reply = ask(router, "metrics " + "x" * MAX_INPUT_CHARS)
    assert reply.outcome is Outcome.USER_ERROR
    assert f"the limit is {MAX_INPUT_CHARS}" in reply.text


def test_slack_entities_are_decoded(router):
    assert ask(router, "jobs lab&#50;").text == "Jobs in lab2: db/sysbench, perf/fio-nightly"


@pytest.mark.parametrize("text", ["metrics <!channel>", "metrics fio &lt;!here&gt;"])
def test_user_text_is_escaped_in_blocks_and_fallback(router, text):
    reply = ask(router, text)
    shown = reply.text + reply.blocks[0]["text"]["text"]
    assert "<!" not in shown
    assert "&lt;!" in reply.text
    assert "&lt;!" in reply.blocks[0]["text"]["text"]


def test_a_flood_from_one_user_is_told_to_wait(filled_repo, config):
    router = Router(filled_repo, config, limiter=RateLimiter(burst=2, per_minute=6))
    assert [ask(router, "labs").outcome for _ in range(2)] == [Outcome.OK, Outcome.OK]
    reply = ask(router, "labs")
    assert reply.outcome is Outcome.USER_ERROR
    assert reply.text == "You are sending commands too fast; try again in 10 s."
    assert ask(router, "labs", user="U0OTHER").outcome is Outcome.OK
    later = router.handle("labs", user="U0USER", channel="C", now=NOW + timedelta(seconds=10))
    assert later.outcome is Outcome.OK


def test_sync_is_for_admins_only(filled_repo, config):
    ran = []
    router = Router(filled_repo, config, sync_runner=lambda lab: ran.append(lab) or "3 builds")
    denied = ask(router, "sync lab1")
    assert denied.outcome is Outcome.USER_ERROR
    assert "Only perfdash admins may run `sync`" in denied.text
    assert ran == []
    done = ask(router, "sync LAB1", user="U0ADMIN")
    assert done.text == "Sync of lab1 done: 3 builds"
    assert ran == ["lab1"]
    assert ask(router, "sync", user="U0ADMIN").text == "Sync of every lab done: 3 builds"
    assert ran == ["lab1", None]


def test_sync_names_only_configured_labs(filled_repo, config):
    router = Router(filled_repo, config, sync_runner=lambda lab: "ok")
    reply = ask(router, "sync lab9", user="U0ADMIN")
    assert "No lab named `lab9`" in reply.text


def test_sync_without_a_runner_says_where_to_sync(router):
    reply = ask(router, "sync", user="U0ADMIN")
    assert reply.outcome is Outcome.USER_ERROR
    assert "run `perfdash sync` on the server" in reply.text


def test_a_crash_shows_only_a_reference_and_logs_it(filled_repo, config, caplog):
    def broken(lab):
        raise RuntimeError("secret detail")

    router = Router(filled_repo, config, sync_runner=broken, rng=random.Random(7))
    with caplog.at_level(logging.ERROR):
        reply = ask(router, "sync", user="U0ADMIN")
    reference = f"{random.Random(7).getrandbits(32):08x}"
    assert reply.outcome is Outcome.CRASH
    assert reply.ephemeral
    assert f"reference `{reference}`" in reply.text
    assert "secret detail" not in reply.text + str(reply.blocks)
    [record] = caplog.records
    assert reference in record.getMessage()
    assert record.exc_info is not None


def test_the_slash_command_name_comes_from_the_config(filled_repo, config):
    config = replace(config, slack=replace(config.slack, command="/bench"))
    reply = ask(Router(filled_repo, config), "/bench nope")
    assert "Type `/bench help` for the commands." in reply.text


def test_every_command_of_this_part_of_the_grammar_is_routed():
    assert set(command_table()) >= {
        "help",
        "labs",
        "jobs",
        "metrics",
        "latest",
        "regressions",
        "sync",
    }


def test_a_command_defined_twice_is_a_bug():
    with pytest.raises(ValueError, match="defined twice"):
        command_table([GROUPS[0], GROUPS[0]])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("labs extra", "`labs` takes no arguments."),
        ("jobs a b", "`jobs` takes at most one lab name."),
        ("jobs lab9", "No lab named `lab9`"),
        ("metrics", "`metrics` needs a job name"),
        ("latest", "`latest` needs one job name, and takes only lab=."),
        ("latest fio web", "`latest` needs one job name"),
        ("latest fio lab=", "`lab=` must look like key=value."),
        ("latest fio lab=lab1,,lab2", "`lab=` must list lab names"),
        ("latest http lab=lab2", "Lab `lab2` has no builds of `web/http-load`"),
        ("regressions open fio web", "`regressions` takes open or all"),
        ("regressions fio web", "`regressions` takes open or all first"),
        ("help a b", "`help` takes at most one command name."),
        ("latest old-run", "`perf/old-run` has no finished build with results yet."),
    ],
)
def test_bad_arguments_answer_one_sentence_with_usage(router, text, message):
    reply = ask(router, text)
    assert reply.outcome is Outcome.USER_ERROR
    assert reply.ephemeral
    assert message in reply.text
    assert "Usage: `/perf " in reply.text


def test_every_command_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "chat.md").read_text(encoding="utf-8")
    for spec in command_table().values():
        assert f"| `{spec.name}" in doc, f"docs/chat.md has no row for {spec.name}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("trend fio cpu lab=lab2", "No points of `cpu:util` of `perf/fio-nightly` in lab2 match."),
        (
            "trend fio lat last=1d",
            "No points of `read:latency` of `perf/fio-nightly` match; try a longer last=.",
        ),
        ("trend fio", "`trend` needs a job and a metric."),
        ("trend fio iops last=2w", "`last=2w` must be a number of builds"),
        ("compare fio 1", "`compare` needs a job and two build numbers"),
        ("compare fio 1 2", "`perf/fio-nightly` runs in lab1, lab2; pick one with lab=."),
        (
            "compare fio #1 #99 lab=lab1",
            "Build #99 of `perf/fio-nightly` in lab1 is not stored; the newest is #10.",
        ),
        ("compare fio 1 2 lab=lab1 blocksize=4k", "Comparing two builds takes only lab=."),
        ("compare fio iops", "Comparing labs needs the two labs: lab=a,b."),
        ("compare fio iops lab=lab1", "Comparing labs needs exactly two different labs"),
        ("compare fio iops lab=lab1,LAB1", "Comparing labs needs exactly two different labs"),
    ],
)
def test_chart_commands_refuse_bad_input_with_one_sentence(router, text, message):
    reply = ask(router, text)
    assert reply.outcome is Outcome.USER_ERROR
    assert reply.images == ()
    assert message in reply.text


def test_a_broken_database_is_a_crash_with_a_reference(tmp_path, config, caplog):
    repository = Repository.open(sqlite_url(tmp_path))  # never upgraded: no tables
    with repository.connection(), caplog.at_level(logging.ERROR):
        reply = Router(repository, config, rng=random.Random(1)).handle(
            "labs", user="U1", channel="C1", now=NOW
        )
    repository.close()
    assert reply.outcome is Outcome.CRASH
    assert "no such table" not in reply.text
    assert f"reference `{random.Random(1).getrandbits(32):08x}`" in reply.text
    assert "no such table" in caplog.text


def test_one_router_serves_many_threads(filled_repo, config):
    router = Router(filled_repo, config)
    texts = ["labs", "trend fio iops lab=lab1", "latest http", "metrics fio", "regressions"] * 3

    def answer(i_text):
        i, text = i_text
        with filled_repo.connection():
            return router.handle(text, user=f"U{i}", channel="C", now=NOW)

    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(answer, enumerate(texts)))
    assert [r.outcome for r in replies] == [Outcome.OK] * len(texts)
    assert [bool(r.images) for r in replies] == [t.startswith("trend") for t in texts]


def test_the_router_and_the_trend_chart_agree_on_the_most_lines():
    assert trends.MAX_LINES == trend.MAX_LINES
