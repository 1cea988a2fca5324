"""JMeter Summariser lines, from jmeter.log or the console of a non-GUI run.

`summary =   1000 in 00:00:31 =   32.7/s Avg:   276 Min:    50 Max:   500 Err:     0 (0.00%)`
(JMeter 3+) or `Generate Summary Results =   1255 in   217s = ...` (JMeter 2.x). The last
cumulative `=` line of each summariser is its result; a summariser that printed only interval `+`
lines is summed from them. Yields count, error_rate (%), latency:mean/min/max (ms) and throughput
(req/s); tags are empty, or `summariser` when the log holds several summarisers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, give_up_after, head_text, sample, text_lines

log = logging.getLogger(__name__)

LINE = re.compile(
    r"^(?:.*Summariser:\s+)?(?P<name>[^\s+=][^+=]*?)\s+(?P<kind>[+=])\s+(?P<count>\d+) in\s+"
    r"(?P<time>[\d:.,]+)s?\s+=\s+(?P<rate>[\d.,]+)/s\s+Avg:\s+(?P<avg>-?\d+)\s+"
    r"Min:\s+(?P<min>-?\d+)\s+Max:\s+(?P<max>-?\d+)\s+Err:\s+(?P<err>\d+)\s+\((?P<pct>[\d.,]+)%\)"
)
SCAN_LIMIT = 16 << 20  # the first summary comes 30 s into a run; a long log may precede it


@dataclass(slots=True)
class Totals:
    count: int
    seconds: float
    rate: float
    mean: float
    low: float
    high: float
    errors: int
    error_pct: float

    def merge(self, other: Totals) -> Totals:
        """These interval totals and the next interval's, as one."""
        count = self.count + other.count
        seconds = self.seconds + other.seconds
        mean = (self.mean * self.count + other.mean * other.count) / count if count else 0.0
        errors = self.errors + other.errors
        return Totals(
            count,
            seconds,
            count / seconds if seconds else 0.0,
            mean,
            min(self.low, other.low),
            max(self.high, other.high),
            errors,
            100.0 * errors / count if count else 0.0,
        )


def seconds(text_time: str) -> float:
    """`217` or `00:00:31` as seconds."""
    total = 0.0
    for part in text_time.replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return total


def totals(match: re.Match[str]) -> Totals:
    def num(key: str) -> float:
        return float(match[key].replace(",", "."))

    return Totals(
        int(match["count"]),
        seconds(match["time"]),
        num("rate"),
        num("avg"),
        num("min"),
        num("max"),
        int(match["err"]),
        num("pct"),
    )


def read(stream: BinaryIO) -> Iterator[Sample]:
    cumulative: dict[str, Totals] = {}
    intervals: dict[str, Totals] = {}
    for line in give_up_after(
        text_lines(stream), SCAN_LIMIT, "Summariser line", lambda: bool(cumulative or intervals)
    ):
        match = LINE.search(line)
        if match is None:
            continue
        name, found = match["name"].strip(), totals(match)
        if match["kind"] == "=":
            cumulative[name] = found
        else:
            intervals[name] = intervals[name].merge(found) if name in intervals else found
    results = {**intervals, **cumulative}
    for name, result in sorted(results.items()):
        tags = {"summariser": name} if len(results) > 1 else {}
        yield from to_samples(result, tags)


def to_samples(result: Totals, tags: dict[str, str]) -> Iterator[Sample]:
    yield sample("count", float(result.count), "", tags, Direction.HIGHER)
    yield sample("error_rate", result.error_pct, "%", tags, Direction.LOWER)
    yield sample("latency:mean", result.mean, "ms", tags, Direction.LOWER)
    yield sample("latency:min", result.low, "ms", tags, Direction.LOWER)
    yield sample("latency:max", result.high, "ms", tags, Direction.LOWER)
    yield sample("throughput", result.rate, "req/s", tags, Direction.HIGHER)


def sniff(head: bytes) -> bool:
    return any(LINE.search(line) for line in head_text(head).splitlines())


FORMAT = Format(
    name="jmeter-log",
    description="JMeter Summariser lines (jmeter.log or non-GUI console)",
    sniffer=sniff,
    reader=read,
    extensions=(".log", ".txt"),
)
