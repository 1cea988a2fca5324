"""hyperfine `--export-json` and `--export-csv` results (two formats, one mapping).

Per command (tag `command`, plus the `--parameter-scan`/`-L` parameters in JSON): `time:mean`,
`time:median`, `time:min`, `time:max`, `time:stddev`, `time:user`, `time:system`, all in s.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import (
    Format,
    ParseError,
    head_text,
    items,
    json_head,
    load_json,
    mapping,
    number,
    sample,
    text_lines,
)

log = logging.getLogger(__name__)

STATS = ("mean", "median", "min", "max", "stddev", "user", "system")


def command_samples(
    result: Mapping[str, Any], tags: dict[str, str], line: int | None = None
) -> Iterator[Sample]:
    name = tags["command"]
    for key in STATS:
        value = result.get(key)
        if value not in (None, ""):
            yield sample(
                f"time:{key}", number(value, f"{key} of {name!r}", line), "s", tags, Direction.LOWER
            )


def read_json(stream: BinaryIO) -> Iterator[Sample]:
    document = mapping(load_json(stream), "the document")
    for result in items(document.get("results"), "results"):
        result = mapping(result, "a result")
        if not isinstance(result.get("command"), str):
            raise ParseError("has a result without a command")
        params = mapping(result.get("parameters") or {}, "parameters")
        tags = {"command": result["command"], **{str(k): str(v) for k, v in params.items()}}
        yield from command_samples(result, tags)


def read_csv(stream: BinaryIO) -> Iterator[Sample]:
    rows = csv.DictReader(text_lines(stream))
    if "command" not in (rows.fieldnames or ()) or "mean" not in (rows.fieldnames or ()):
        raise ParseError("lacks the hyperfine columns command and mean", 1)
    for row in rows:
        if None in row or None in row.values():
            raise ParseError("has a row whose cells do not match the header", rows.line_num)
        params = {
            k.removeprefix("parameter_"): v for k, v in row.items() if k.startswith("parameter_")
        }
        yield from command_samples(row, {"command": row["command"], **params}, rows.line_num)


def sniff_json(head: bytes) -> bool:
    start = json_head(head)
    return (
        start.startswith("{")
        and '"results"' in start
        and '"command"' in start
        and ('"mean"' in start)
    )


def sniff_csv(head: bytes) -> bool:
    first = head_text(head).lstrip().split("\n", 1)[0].strip()
    return first.startswith("command,mean,stddev,median")


JSON_FORMAT = Format(
    name="hyperfine-json",
    description="hyperfine --export-json",
    sniffer=sniff_json,
    reader=read_json,
    extensions=(".json",),
)
CSV_FORMAT = Format(
    name="hyperfine-csv",
    description="hyperfine --export-csv",
    sniffer=sniff_csv,
    reader=read_csv,
    extensions=(".csv",),
)
