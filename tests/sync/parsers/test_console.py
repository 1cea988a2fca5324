"""Named-group regular expressions over console text."""

from __future__ import annotations

import pytest

from storage.records import Direction
from sync.parsers import ParseError
from sync.parsers.console import parse_console
from tests.sync.parsers.helpers import SAMPLE_DIR

HYPERFINE_STDOUT = "hyperfine/generated_hyperfine1.15.0_two_commands_stdout.txt"


def test_each_named_group_is_a_metric_and_each_match_a_repeat() -> None:
    log = "iter 1: 12.5 ops/s, p99 3.1 ms\niter 2: 13.0 ops/s, p99 2.9 ms\n"
    samples = parse_console(
        log, [r"(?P<throughput>[\d.]+) ops/s, p99 (?P<latency_p99>[\d.]+) ms"], tags={"vm": "a"}
    )
    assert [(s.metric, s.value) for s in samples] == [
        ("throughput", 12.5), ("latency_p99", 3.1), ("throughput", 13.0), ("latency_p99", 2.9),
    ]  # fmt: skip
    assert samples[0].direction is Direction.HIGHER and samples[1].direction is Direction.LOWER
    assert dict(samples[0].tags) == {"vm": "a"}


def test_hyperfine_console_with_a_pattern() -> None:
    text = (SAMPLE_DIR / HYPERFINE_STDOUT).read_text()
    samples = parse_console(text, [r"Time \(mean ± σ\):\s+(?P<time_mean>[\d.]+) ms"], unit="ms")
    assert [s.value for s in samples] == [21.6, 186.2]
    assert samples[0].unit == "ms"


def test_explicit_direction_and_thousands_separators() -> None:
    samples = parse_console("score: 1,234.5\n", [r"score: (?P<score>[\d,.]+)"], direction="higher")
    assert samples[0].value == 1234.5 and samples[0].direction is Direction.HIGHER


def test_groups_that_are_not_numbers_are_skipped() -> None:
    samples = parse_console("a=x b=2\n", [r"a=(?P<a>\S+) b=(?P<b>\S+)"])
    assert [(s.metric, s.value) for s in samples] == [("b", 2.0)]


@pytest.mark.parametrize("pattern", ["(unclosed", r"no groups (\d+)"])
def test_bad_patterns(pattern: str) -> None:
    with pytest.raises(ParseError, match="pattern"):
        parse_console("x", [pattern])
