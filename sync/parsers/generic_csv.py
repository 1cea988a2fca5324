"""The generic CSV format: a header `metric,value[,unit][,direction][,tag columns...]`.

For harnesses with no format of their own. Every row is one sample; every column after `metric`,
`value`, `unit` and `direction` is a tag (configuration labels such as `blocksize` or `endpoint`);
an empty tag cell leaves that tag out. Column names are matched case-insensitively.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text, number, sample, text_lines
from sync.parsers.units import canonical, parse_direction

log = logging.getLogger(__name__)

FIXED = ("metric", "value", "unit", "direction")


def read(stream: BinaryIO) -> Iterator[Sample]:
    rows = csv.reader(text_lines(stream))
    header = [cell.strip().lower() for cell in next(rows, [])]
    if header[:2] != ["metric", "value"]:
        raise ParseError("does not start with a 'metric,value' header", 1)
    tag_columns = [(i, name) for i, name in enumerate(header) if name not in FIXED]
    column = {name: i for i, name in enumerate(header)}
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        line = rows.line_num
        if len(row) != len(header):
            raise ParseError(f"has {len(row)} cells where the header has {len(header)}", line)
        metric = row[0].strip()
        if not metric:
            raise ParseError("has an empty metric name", line)
        value, unit = canonical(
            number(row[1], f"the value of {metric!r}", line),
            row[column["unit"]] if "unit" in column else "",
        )
        direction = row[column["direction"]] if "direction" in column else ""
        tags = {name: row[i].strip() for i, name in tag_columns if row[i].strip()}
        yield sample(metric, value, unit, tags, parse_direction(direction, metric, unit))


def sniff(head: bytes) -> bool:
    first = head_text(head).lstrip().split("\n", 1)[0]
    cells = [cell.strip().strip('"').lower() for cell in first.split(",")]
    return cells[:2] == ["metric", "value"]


FORMAT = Format(
    name="csv",
    description="generic CSV: header metric,value[,unit][,direction][,tag columns]",
    sniffer=sniff,
    reader=read,
    extensions=(".csv",),
)
