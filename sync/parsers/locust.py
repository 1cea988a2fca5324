"""Locust `--csv` request statistics (`*_stats.csv`; also the pre-1.0 `*_requests.csv`).

One row per endpoint (tags `endpoint` = Name, `method` = Type) and an `Aggregated` (or legacy
`Total`) row for the whole run (tags `{}`): count, error_rate (%), latency:mean, latency:median,
p90, p95, p99, latency:min, latency:max (ms) and throughput (req/s). Blank lines are skipped;
`N/A` cells leave that metric out.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, ParseError, head_text, number, sample, text_lines

log = logging.getLogger(__name__)

# Column names of Locust >= 1.0 and of the legacy *_requests.csv, for each metric.
COLUMNS: dict[str, tuple[tuple[str, ...], str, Direction]] = {
    "latency:mean": (("Average Response Time", "Average response time"), "ms", Direction.LOWER),
    "latency:median": (
        ("Median Response Time", "Median response time", "50%"),
        "ms",
        Direction.LOWER,
    ),
    "latency:p90": (("90%",), "ms", Direction.LOWER),
    "latency:p95": (("95%",), "ms", Direction.LOWER),
    "latency:p99": (("99%",), "ms", Direction.LOWER),
    "latency:min": (("Min Response Time", "Min response time"), "ms", Direction.LOWER),
    "latency:max": (("Max Response Time", "Max response time", "100%"), "ms", Direction.LOWER),
    "throughput": (("Requests/s",), "req/s", Direction.HIGHER),
}
COUNT = ("Request Count", "# requests", "# Requests")
FAILURES = ("Failure Count", "# failures", "# Failures")
TYPE = ("Type", "Method")
OVERALL = frozenset({"Aggregated", "Total"})


def cell(row: dict[str, str], names: tuple[str, ...]) -> str:
    return next((row[n] for n in names if row.get(n) not in (None, "", "N/A")), "")


def row_samples(row: dict[str, str], line: int) -> Iterator[Sample]:
    name = row.get("Name", "").strip()
    method = cell(row, TYPE).strip()
    overall = name in OVERALL and method in ("", "None")
    tags = {} if overall else {"endpoint": name, **({"method": method} if method else {})}
    count = number(cell(row, COUNT), f"the request count of {name!r}", line)
    yield sample("count", count, "", tags, Direction.HIGHER)
    if count:
        failures = number(cell(row, FAILURES) or 0, f"the failure count of {name!r}", line)
        yield sample("error_rate", 100.0 * failures / count, "%", tags, Direction.LOWER)
    for metric, (names, unit, direction) in COLUMNS.items():
        value = cell(row, names)
        if value:
            yield sample(
                metric, number(value, f"{metric} of {name!r}", line), unit, tags, direction
            )


def read(stream: BinaryIO) -> Iterator[Sample]:
    rows = csv.DictReader(text_lines(stream))
    fields = set(rows.fieldnames or ())
    if "Name" not in fields or not fields & set(COUNT):
        raise ParseError("lacks the Locust columns Name and Request Count", 1)
    for row in rows:
        if None in row:
            raise ParseError("has more cells than the header", rows.line_num)
        if None in row.values():  # a row cut short: the file was truncated, or it is no stats file
            raise ParseError("has fewer cells than the header", rows.line_num)
        if not any((value or "").strip() for value in row.values()):
            continue
        yield from row_samples({k: (v or "") for k, v in row.items()}, rows.line_num)


def sniff(head: bytes) -> bool:
    first = head_text(head).lstrip().split("\n", 1)[0]
    names = {cell.strip().strip('"') for cell in first.split(",")}
    return "Name" in names and bool(names & set(COUNT)) and bool(names & set(FAILURES))


FORMAT = Format(
    name="locust",
    description="Locust --csv request statistics (*_stats.csv, legacy *_requests.csv)",
    sniffer=sniff,
    reader=read,
    extensions=(".csv",),
)
