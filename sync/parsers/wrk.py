"""wrk console output (with or without `--latency`).

Yields latency:mean, latency:max (ms; wrk prints us, ms, s or m), the `--latency`
percentiles (latency:median, p75, p90, p99), count (requests), error_rate (% of requests with a
socket error or a non-2xx/3xx status), throughput (req/s) and transfer (MiB/s). Tags: `endpoint`
(the URL), `threads` and `connections`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, ParseError, give_up_after, head_text, sample, text_lines
from sync.parsers.units import bytes_from, convert_time

log = logging.getLogger(__name__)

TIME = r"([\d.]+)(us|ms|s|m|h)"
PATTERNS: dict[str, re.Pattern[str]] = {
    "running": re.compile(r"^Running .* test @ (\S+)"),
    "setup": re.compile(r"^\s*(\d+) threads and (\d+) connections"),
    "latency": re.compile(rf"^\s*Latency\s+{TIME}\s+{TIME}\s+{TIME}"),
    "percentile": re.compile(rf"^\s*(50|75|90|99)(?:\.0+)?%\s+{TIME}\s*$"),
    "requests": re.compile(r"^\s*(\d+) requests in "),
    "socket": re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"),
    "non2xx": re.compile(r"Non-2xx or 3xx responses: (\d+)"),
    "rps": re.compile(r"^Requests/sec:\s+([\d.]+)"),
    "transfer": re.compile(r"^Transfer/sec:\s+([\d.]+\s*[KMGT]?i?B)"),
}
SCAN_LIMIT = 1 << 20  # wrk prints a few hundred bytes
PERCENTILE_NAMES = {"50": "median", "75": "p75", "90": "p90", "99": "p99"}


def ms(value: str, unit: str) -> float:
    return convert_time(float(value), unit, "ms")


def matches(stream: BinaryIO) -> dict[str, list[tuple[str, ...]]]:
    """For each pattern, the groups of every line it matched."""
    found: dict[str, list[tuple[str, ...]]] = {name: [] for name in PATTERNS}
    lines = give_up_after(
        text_lines(stream),
        SCAN_LIMIT,
        "wrk output",
        lambda: bool(found["running"] or found["requests"]),
    )
    for line in lines:
        for name, pattern in PATTERNS.items():
            match = pattern.search(line)
            if match:
                found[name].append(match.groups())
    return found


def read(stream: BinaryIO) -> Iterator[Sample]:
    found = matches(stream)
    if not found["rps"] or not found["requests"]:
        raise ParseError("has no wrk 'Requests/sec' and 'N requests in' lines")
    tags: dict[str, str] = {}
    if found["running"]:
        tags["endpoint"] = found["running"][0][0]
    if found["setup"]:
        tags["threads"], tags["connections"] = found["setup"][0]
    if found["latency"]:
        avg, avg_unit, _, _, top, top_unit = found["latency"][0]
        yield sample("latency:mean", ms(avg, avg_unit), "ms", tags, Direction.LOWER)
        yield sample("latency:max", ms(top, top_unit), "ms", tags, Direction.LOWER)
    for pct, value, unit in found["percentile"]:
        yield sample(
            f"latency:{PERCENTILE_NAMES[pct]}", ms(value, unit), "ms", tags, Direction.LOWER
        )
    count = float(found["requests"][0][0])
    errors = sum(int(n) for groups in found["socket"] for n in groups)
    errors += sum(int(groups[0]) for groups in found["non2xx"])
    yield sample("count", count, "", tags, Direction.HIGHER)
    if count:
        yield sample("error_rate", 100.0 * errors / count, "%", tags, Direction.LOWER)
    yield sample("throughput", float(found["rps"][0][0]), "req/s", tags, Direction.HIGHER)
    if found["transfer"]:
        per_second = bytes_from(found["transfer"][0][0].replace(" ", ""))
        yield sample("transfer", per_second / 2**20, "MiB/s", tags, Direction.HIGHER)


def sniff(head: bytes) -> bool:
    start = head_text(head)
    return "Requests/sec:" in start and ("Thread Stats" in start or "requests in" in start)


FORMAT = Format(
    name="wrk",
    description="wrk console output (Requests/sec, Latency, --latency distribution)",
    sniffer=sniff,
    reader=read,
    extensions=(".wrk", ".txt", ".log"),
)
