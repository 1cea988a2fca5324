"""JMeter JTL results saved as CSV (with a header, or headerless in JMeter's default order).

One row per request: `timeStamp` (epoch ms or a formatted date), `elapsed` (ms), `label`,
`success`, ... Quoted fields may span lines (the csv module handles them). Rows stream through
`LoadStats`, so a 1 GB file parses in bounded memory. Transaction Controller parent rows
(`Number of samples in transaction : ...`) get their own label but stay out of the overall totals.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text, text
from sync.parsers.loadstats import LoadStats

log = logging.getLogger(__name__)

# Positions in JMeter's default column order, for files written without a header.
HEADERLESS = {"timestamp": 0, "elapsed": 1, "label": 2, "success": 7, "responsemessage": 4}
HEADERLESS_ROW = re.compile(r"\d{10,13},\d+,")
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
)
TRANSACTION = "Number of samples in transaction"


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


def read(stream: BinaryIO) -> Iterator[Sample]:
    rows = csv.reader(text(stream))
    first = next(rows, None)
    if first is None:
        raise ParseError("is empty")
    names, has_header = columns(first)
    stats = LoadStats()
    pending = [] if has_header else [first]
    at_ts, at_elapsed, at_label = names.get("timestamp", -1), names["elapsed"], names["label"]
    at_ok, at_message = names.get("success", -1), names.get("responsemessage", -1)
    width = max(at_ts, at_elapsed, at_label, at_ok, at_message) + 1
    dated = True
    for row in _chain(pending, rows):
        if len(row) < width:
            if not any(cell.strip() for cell in row):
                continue
            raise ParseError(f"has {len(row)} columns, fewer than the header's", rows.line_num)
        try:
            elapsed = float(row[at_elapsed])
        except ValueError:
            raise ParseError(
                f"elapsed {row[at_elapsed][:30]!r} is not a number", rows.line_num
            ) from None
        start = None
        if at_ts >= 0 and dated:
            start = epoch_ms(row[at_ts])
            dated = start is not None  # one unreadable date: no throughput for this file
        ok = at_ok < 0 or row[at_ok].strip().lower() == "true"
        parent = at_message >= 0 and row[at_message].startswith(TRANSACTION)
        stats.add(row[at_label], elapsed, ok, start, overall=not parent)
    if not dated:
        log.info("JTL timestamps are not dates JMeter writes; throughput left out")
        stats.overall.first = stats.overall.last = 0.0
        for label in stats.labels.values():
            label.first = label.last = 0.0
    yield from stats.samples()


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
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
