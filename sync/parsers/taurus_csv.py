"""Taurus (bzt) final-stats CSV: one row per label (the empty label is the overall row).

Columns `avg_rt`, `fail`, `throughput` (the number of samples), `perc_95.0`, ..., `label`; the
samples are those of the XML form (see `taurus_xml`).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text, text_lines
from sync.parsers.taurus_xml import group_samples

log = logging.getLogger(__name__)

REQUIRED = frozenset({"label", "throughput", "avg_rt"})


def read(stream: BinaryIO) -> Iterator[Sample]:
    rows = csv.DictReader(text_lines(stream))
    missing = REQUIRED - set(rows.fieldnames or ())
    if missing:
        raise ParseError(f"lacks the Taurus column(s) {', '.join(sorted(missing))}", 1)
    for row in rows:
        if None in row or any(value is None for value in row.values()):
            raise ParseError("has a row whose cells do not match the header", rows.line_num)
        cells = {key.replace("perc_", "perc/"): value for key, value in row.items()}
        yield from group_samples(row["label"].strip(), cells)


def sniff(head: bytes) -> bool:
    first = head_text(head).lstrip().split("\n", 1)[0]
    names = {cell.strip() for cell in first.split(",")}
    return names >= REQUIRED and "perc_50.0" in names


FORMAT = Format(
    name="taurus-csv",
    description="Taurus (bzt) final-stats CSV (avg_rt, perc_*, throughput, label)",
    sniffer=sniff,
    reader=read,
    extensions=(".csv",),
)
