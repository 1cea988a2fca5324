"""JMeter JTL results saved as CSV (with a header, or headerless in JMeter's default order).

One row per request: `timeStamp` (epoch ms or a formatted date), `elapsed` (ms), `label`,
`success`, ... Quoted fields may span lines (the csv module handles them). Rows stream into
per-label histograms (`loadstats`), so a 1 GB file parses in bounded memory; the loop is kept flat
because it runs once per request. Transaction Controller parent rows (`Number of samples in
transaction : ...`) get their own label but stay out of the overall totals.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text, join_quoted, split_csv, text_lines
from sync.parsers.loadstats import LabelStats, LoadStats

log = logging.getLogger(__name__)

# Positions in JMeter's default column order, for files written without a header.
HEADERLESS = {"timestamp": 0, "elapsed": 1, "label": 2, "responsemessage": 4, "success": 7}
HEADERLESS_ROW = re.compile(r"\d{10,13},\d+,")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S",
                "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")  # fmt: skip
TRANSACTION = "Number of samples in transaction"
CACHE_LIMIT = 100_000  # distinct elapsed texts remembered as numbers


def epoch_ms(value: str) -> float | None:
    """A JMeter timestamp as epoch ms; None for a date no format reads (e.g. month 20)."""
    if value.isdigit():
        return float(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp() * 1000.0
        except ValueError:
            continue
    return None


def columns(first: list[str]) -> tuple[dict[str, int], bool]:
    """Column positions from the header, or the default order when the row is data."""
    names = {cell.strip().lower(): i for i, cell in enumerate(first)}
    if "elapsed" in names and "label" in names:
        return names, True
    if len(first) >= 8 and HEADERLESS_ROW.match(",".join(first[:2]) + ","):
        return dict(HEADERLESS), False
    message = "has neither a JMeter CSV header (timeStamp,elapsed,label,...) nor a data row"
    raise ParseError(message, 1)


def elapsed_number(value: str, line: int) -> float:
    try:
        return float(value)
    except ValueError:
        raise ParseError(f"elapsed {value[:30]!r} is not a number", line) from None


def read(stream: BinaryIO) -> Iterator[Sample]:
    lines = text_lines(stream)
    first = next(lines, None)
    if first is None:
        raise ParseError("is empty")
    parts = join_quoted(first, lines, 1)
    record = "".join(parts)
    names, has_header = columns(next(csv.reader([record])))
    stats = LoadStats()
    if has_header:
        dated = accumulate(lines, names, stats, len(parts))
    else:  # the first record is data: count it again, from its first line
        dated = accumulate(_prepend(record, lines), names, stats, len(parts) - 1)
    if not dated:
        log.info("JTL timestamps are not dates JMeter writes; throughput left out")
        for label in stats.all_stats():
            label.forget_times()
    yield from stats.samples()


def accumulate(lines: Iterator[str], names: dict[str, int], stats: LoadStats, number: int) -> bool:
    """Every record into `stats` (`number`: lines read so far); False when a date was unreadable.

    This loop runs once per request, so it is flat and splits quote-free lines itself.
    """
    at_ts, at_elapsed, at_label = names.get("timestamp", -1), names["elapsed"], names["label"]
    at_ok, at_msg = names.get("success", -1), names.get("responsemessage", -1)
    width = max(at_ts, at_elapsed, at_label, at_ok, at_msg) + 1
    numbers: dict[str, float] = {}
    dated = at_ts >= 0
    for line in lines:
        number += 1
        if '"' in line:
            row, extra = split_csv(line, lines, number)
            line_at, number = number, number + extra
        else:
            row, line_at = line.split(",", width), number  # the columns used, and the rest
            if len(row) <= width:  # no rest: the last column used holds the line end
                row = line.rstrip("\r\n").split(",")
        if len(row) < width:
            if not any(cell.strip() for cell in row):
                continue
            raise ParseError(f"has {len(row)} columns, fewer than the header's", line_at)
        raw = row[at_elapsed]
        elapsed = numbers.get(raw)
        if elapsed is None:
            if len(numbers) > CACHE_LIMIT:
                numbers.clear()
            elapsed = numbers[raw] = elapsed_number(raw, line_at)
        group = stats.parents if at_msg >= 0 and row[at_msg].startswith(TRANSACTION) else (
            stats.labels)  # fmt: skip
        label = group.get(row[at_label])
        if label is None:
            label = group[row[at_label]] = LabelStats()
        histogram = label.histogram
        histogram[elapsed] = histogram.get(elapsed, 0) + 1
        label.count += 1
        if at_ok >= 0 and row[at_ok] != "true" and row[at_ok].strip().lower() != "true":
            label.errors += 1
        if dated:
            stamp = row[at_ts]
            start = float(stamp) if stamp.isdigit() else epoch_ms(stamp)
            if start is None:
                dated = False  # one unreadable date: no throughput for this file
                continue
            if start < label.first:
                label.first = start
            if start + elapsed > label.last:
                label.last = start + elapsed
    return dated or at_ts < 0


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def sniff(head: bytes) -> bool:
    first = head_text(head).lstrip("\r\n").split("\n", 1)[0]
    lowered = first.lower()
    if "elapsed" in lowered and "label" in lowered and "timestamp" in lowered:
        return True
    return bool(HEADERLESS_ROW.match(first)) and first.count(",") >= 7


FORMAT = Format(
    name="jtl-csv",
    description="JMeter JTL results as CSV (with or without a header)",
    sniffer=sniff,
    reader=read,
    extensions=(".jtl", ".csv"),
)
