"""Each command's whole reply (text, Block Kit, images) against a saved expected JSON file."""

from __future__ import annotations

import pytest

from bot.commands.router import Router
from tests.bot.conftest import NOW
from tests.bot.expected_files import assert_matches_expected

SCENARIOS = {
    "help": "help",
    "help_trend": "help latest",
    "labs": "labs",
    "jobs": "jobs",
    "jobs_lab2": "jobs LAB2",
    "metrics": "metrics fio-nightly",
    "metrics_filter": "metrics fio lat",
    "latest": "latest fio",
    "latest_lab1": "latest fio lab=lab1",
    "regressions": "regressions",
    "regressions_none": "regressions all web",
    "error_unknown_job": "metrics fio-nigthly",
    "error_unknown_command": "trnd fio",
    "error_not_admin": "sync",
    "trend": "trend fio iops",
    "trend_narrowed": "trend FIO-N read:iops block=4 lab=lab1 last=5",
    "trend_since": "trend fio lat lab=lab2 blocksize=64k last=30d",
    "trend_too_many": "trend sysbench tps",
    "compare_builds": "compare fio 3 8 lab=lab1",
    "compare_labs": "compare fio iops lab=lab1,lab2",
    "compare_labs_nothing": "compare fio cpu lab=lab1,lab2",
    "error_bad_tag_value": "trend fio iops blocksize=8k",
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_reply_matches_expected(name, filled_repo_any, config):
    router = Router(filled_repo_any, config)
    reply = router.handle(SCENARIOS[name], user="U0USER", channel="C0CHAN", now=NOW)
    assert_matches_expected(name, reply)
