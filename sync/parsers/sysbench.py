"""sysbench text output (1.x; the summary lines of 0.5 too). A file may hold several runs (one per
`sysbench N.N` banner); runs with the same configuration are repeats.

Yields, as the run reports them: `events_per_sec` (cpu), `tps`, `qps` and `errors_per_sec`
(OLTP), `ops_per_sec` and `bandwidth` (MiB/s, memory/fileio), `latency:min`, `latency:mean`,
`latency:max` and `latency:pNN` (ms). Tags: `threads`, and for memory runs `blocksize`,
`operation` and `scope`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, ParseError, give_up_after, head_text, sample, text_lines
from sync.parsers.units import convert_time

log = logging.getLogger(__name__)

BANNER = re.compile(r"sysbench (\d+\.\d+)")
TAGS = {
    "threads": re.compile(r"^Number of threads:\s*(\d+)"),
    "blocksize": re.compile(r"^\s*block size:\s*(\S+)"),
    "operation": re.compile(r"^\s*operation:\s*(\S+)"),
    "scope": re.compile(r"^\s*scope:\s*(\S+)"),
}
# metric -> (pattern whose first group is the value, unit, direction)
VALUES: dict[str, tuple[re.Pattern[str], str, Direction]] = {
    "events_per_sec": (
        re.compile(r"^\s*events per second:\s*([\d.]+)"),
        "events/s",
        Direction.HIGHER,
    ),
    "tps": (re.compile(r"^\s*transactions:\s*\d+\s*\(([\d.]+) per sec"), "tps", Direction.HIGHER),
    "qps": (re.compile(r"^\s*queries:\s*\d+\s*\(([\d.]+) per sec"), "qps", Direction.HIGHER),
    "errors_per_sec": (
        re.compile(r"^\s*ignored errors:\s*\d+\s*\(([\d.]+) per sec"),
        "errors/s",
        Direction.LOWER,
    ),
    "ops_per_sec": (
        re.compile(r"^Total operations:\s*\d+\s*\(([\d.]+) per sec"),
        "ops/s",
        Direction.HIGHER,
    ),
    "bandwidth": (re.compile(r"transferred \(([\d.]+) MiB/sec\)"), "MiB/s", Direction.HIGHER),
}
SCAN_LIMIT = 1 << 20
LATENCY_HEADER = re.compile(r"^Latency \(ms\):")
LATENCY = re.compile(r"^\s*(min|avg|max|(\d+)(?:th|st|nd|rd) percentile):\s*([\d.]+)")
OLD_LATENCY = re.compile(r"^\s*(min|avg|max|approx\.\s+(\d+) percentile):\s*([\d.]+)(ms|s|us)")


def latency_sample(kind: str, pct: str | None, value: float, tags: dict[str, str]) -> Sample:
    name = {"min": "min", "avg": "mean", "max": "max"}.get(kind, f"p{pct}")
    return sample(f"latency:{name}", value, "ms", tags, Direction.LOWER)


def runs(stream: BinaryIO) -> Iterator[list[str]]:
    """The lines of each run, split at the `sysbench N.N` banners."""
    current: list[str] = []
    banner = False

    def seen() -> bool:
        return banner

    for line in give_up_after(text_lines(stream), SCAN_LIMIT, "sysbench banner", seen):
        banner = banner or bool(BANNER.search(line))
        if BANNER.search(line) and current:
            yield current
            current = []
        current.append(line.rstrip("\r\n"))
    if current:
        yield current


def run_samples(lines: list[str]) -> Iterator[Sample]:
    tags: dict[str, str] = {}
    for line in lines:
        for name, pattern in TAGS.items():
            match = pattern.search(line)
            if match:
                tags[name] = match[1]
    in_latency = False
    for line in lines:
        for metric, (pattern, unit, direction) in VALUES.items():
            match = pattern.search(line)
            if match:
                yield sample(metric, float(match[1]), unit, dict(tags), direction)
        in_latency = in_latency or bool(LATENCY_HEADER.search(line))
        match = LATENCY.search(line) if in_latency else OLD_LATENCY.search(line)
        if match and in_latency:
            yield latency_sample(match[1], match[2], float(match[3]), dict(tags))
        elif match:
            value = convert_time(float(match[3]), match[4], "ms")
            yield latency_sample(match[1].split()[0], match[2], value, dict(tags))


def read(stream: BinaryIO) -> Iterator[Sample]:
    seen = False
    for lines in runs(stream):
        if any(BANNER.search(line) for line in lines[:3]):
            for found in run_samples(lines):
                seen = True
                yield found
    if not seen:
        raise ParseError("has no sysbench results (no 'sysbench N.N' run with statistics)")


def sniff(head: bytes) -> bool:
    start = head_text(head)
    return bool(BANNER.search(start[:4096])) and (
        "Running the test with following options" in start or "General statistics" in start
    )


FORMAT = Format(
    name="sysbench",
    description="sysbench text output (cpu, memory, fileio, OLTP)",
    sniffer=sniff,
    reader=read,
    extensions=(".txt", ".log"),
)
