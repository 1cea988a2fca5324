from datetime import UTC, datetime, timedelta

import pytest

from bot.commands.names import Options, Window, parse_last, quoted, resolve, split_options
from bot.commands.reply import CommandError

JOBS = ["perf/fio-nightly", "perf/fio-weekly", "web/http-load", "Sysbench"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("perf/fio-nightly", "perf/fio-nightly"),
        ("PERF/FIO-NIGHTLY", "perf/fio-nightly"),
        ("fio-n", "perf/fio-nightly"),
        ("fio-nightly", "perf/fio-nightly"),
        ("web", "web/http-load"),
        ("http", "web/http-load"),
        ("sys", "Sysbench"),
        ("perf/fio-w", "perf/fio-weekly"),
    ],
)
def test_resolve_by_case_and_unique_prefix(typed, expected):
    assert resolve(typed, JOBS, "job") == expected


def test_an_exact_name_wins_over_a_longer_one_it_prefixes():
    assert resolve("iops", ["iops", "iops_max"], "metric") == "iops"


def test_an_ambiguous_prefix_lists_the_candidates():
    with pytest.raises(CommandError) as err:
        resolve("fio", JOBS, "job")
    assert str(err.value) == (
        "`fio` matches several jobs: `perf/fio-nightly` or `perf/fio-weekly`. "
        "Type more of the name."
    )


def test_a_typo_answers_with_the_closest_names():
    with pytest.raises(CommandError) as err:
        resolve("fio-nigthly", JOBS, "job")
    assert str(err.value) == "No job named `fio-nigthly`. Did you mean `perf/fio-nightly`?"


def test_nothing_close_lists_what_exists_and_where():
    with pytest.raises(CommandError) as err:
        resolve("zzz", ["lab1", "lab2"], "lab", hint="see `/perf labs`")
    assert str(err.value) == "No lab named `zzz`. Known labs: `lab1` or `lab2` (see `/perf labs`)."


def test_no_names_at_all():
    with pytest.raises(CommandError, match="there are none yet"):
        resolve("x", [], "job")


def test_split_options():
    assert split_options(["fio", "read:iops", "lab=a,b", "BlockSize=4k"]) == Options(
        words=("fio", "read:iops"), options={"lab": "a,b", "blocksize": "4k"}
    )


@pytest.mark.parametrize("arg", ["=4k", "blocksize=", "="])
def test_split_options_refuses_half_options(arg):
    with pytest.raises(CommandError, match="must look like key=value"):
        split_options([arg])


def test_split_options_refuses_a_repeated_key():
    with pytest.raises(CommandError, match="given twice"):
        split_options(["lab=a", "LAB=b"])


NOW = datetime(2026, 12, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "window"),
    [
        (None, Window()),
        ("50", Window(last=50)),
        ("30d", Window(since=NOW - timedelta(days=30))),
        ("7D", Window(since=NOW - timedelta(days=7))),
    ],
)
def test_parse_last(value, window):
    assert parse_last(value, NOW) == window


@pytest.mark.parametrize("value", ["0", "-3", "abc", "3w", "1.5", "9999999", "4000d"])
def test_parse_last_refuses(value):
    with pytest.raises(CommandError, match=f"last={value}"):
        parse_last(value, NOW)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (2, "`n0` or `n1`"),
        (9, "`n0`, `n1`, `n2`, `n3`, `n4`, `n5`, `n6`, `n7` or `n8`"),
        (10, "`n0`, `n1`, `n2`, `n3`, `n4`, `n5`, `n6`, `n7` or 2 more"),
    ],
)
def test_lists_name_every_name_a_count_would_stand_for_alone(count: int, text: str) -> None:
    assert quoted(f"n{i}" for i in range(count)) == text
