"""The `PerfKitBenchmarker Complete Results` block of a PKB run log (pkb.log, or a Jenkins console).

PKB prints every sample there as a Python dict (`{'metadata': {...}, 'metric': ..., 'unit': ...,
'value': ...}`, pretty-printed over several lines): the block the original perf team extracted with
sed. Each dict is read with `ast.literal_eval` (literals only, nothing is executed) and becomes a
sample exactly as a line of PKB's JSON output would (see `pkb`). Lines before the block are skipped.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text, text_lines
from sync.parsers.pkb import to_sample

log = logging.getLogger(__name__)

HEADER = "PerfKitBenchmarker Complete Results"
RECORD_LIMIT = 1 << 20


def records(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """(first line, text) of each `{...}` dict after the header, until the block ends."""
    number, inside, parts, start = 0, False, list[str](), 0
    for line in lines:
        number += 1
        if not inside:
            inside = HEADER in line
            continue
        if not parts and not line.startswith("{"):
            if parts or line.strip().startswith("-"):
                return  # the summary table after the samples
            continue
        if not parts:
            start = number
        parts.append(line)
        if sum(map(len, parts)) > RECORD_LIMIT:
            raise ParseError("has a result record over 1 MiB", start)
        if line.rstrip().endswith("}"):
            try:
                ast.parse("".join(parts).strip(), mode="eval")
            except SyntaxError:
                continue  # the dict goes on
            yield start, "".join(parts)
            parts = []
    if not inside:
        raise ParseError(f"has no '{HEADER}' block")
    if parts:
        raise ParseError("ends inside a result record", start)


def read(stream: BinaryIO) -> Iterator[Sample]:
    for line, record in records(text_lines(stream)):
        try:
            value = ast.literal_eval(record.strip())
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            raise ParseError("holds a result record that is not a Python literal", line) from None
        if not isinstance(value, dict):
            raise ParseError("holds a result record that is not a dict", line)
        yield to_sample(value, line)


def sniff(head: bytes) -> bool:
    start = head_text(head)
    return "PerfKitBenchmarker version" in start or HEADER in start


FORMAT = Format(
    name="pkb-log",
    description="PerfKitBenchmarker run log (its 'Complete Results' block of sample dicts)",
    sniffer=sniff,
    reader=read,
    extensions=(".log", ".txt"),
)
