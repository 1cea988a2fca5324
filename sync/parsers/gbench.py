"""Google Benchmark JSON (`--benchmark_format=json` / `--benchmark_out`).

Per benchmark (tag `benchmark`, the run name without an aggregate suffix): `real_time` and
`cpu_time` per iteration in ns (from the row's `time_unit`), and the `items_per_second` /
`bytes_per_second` counters when present (higher is better). Repetitions are repeats; aggregate
rows (mean, median, stddev) are used only for a benchmark that has no iteration rows. Rows that
report `error_occurred` are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import (
    Format,
    ParseError,
    items,
    json_head,
    load_json,
    mapping,
    number,
    sample,
)
from sync.parsers.units import convert_time

log = logging.getLogger(__name__)

TIMES = ("real_time", "cpu_time")
COUNTERS = {"items_per_second": "items/s", "bytes_per_second": "B/s"}


def row_samples(row: dict[str, Any]) -> Iterator[Sample]:
    name = str(row.get("run_name") or row.get("name") or "")
    if not name:
        raise ParseError("has a benchmark without a name")
    if "real_time" not in row:
        raise ParseError(f"benchmark {name!r} has no real_time")
    unit = str(row.get("time_unit") or "ns")
    tags = {"benchmark": name}
    for key in TIMES:
        if key in row:
            value = convert_time(number(row[key], f"{key} of {name!r}"), unit, "ns")
            yield sample(key, value, "ns", tags, Direction.LOWER)
    for key, counter_unit in COUNTERS.items():
        if key in row:
            yield sample(
                key, number(row[key], f"{key} of {name!r}"), counter_unit, tags, Direction.HIGHER
            )


def read(stream: BinaryIO) -> Iterator[Sample]:
    document = mapping(load_json(stream), "the document")
    rows = [mapping(row, "a benchmark") for row in items(document.get("benchmarks"), "benchmarks")]
    rows = [row for row in rows if not row.get("error_occurred")]
    measured = {
        str(row.get("run_name") or row.get("name"))
        for row in rows
        if row.get("run_type", "iteration") == "iteration"
    }
    for row in rows:
        if row.get("run_type", "iteration") == "iteration" or (
            row.get("aggregate_name") == "mean" and str(row.get("run_name")) not in measured
        ):
            yield from row_samples(row)


def sniff(head: bytes) -> bool:
    start = json_head(head)
    return (
        start.startswith("{")
        and '"benchmarks"' in start
        and ('"context"' in start or '"run_type"' in start or '"time_unit"' in start)
        and '"machine_info"' not in start
    )


FORMAT = Format(
    name="gbench",
    description="Google Benchmark JSON (--benchmark_format=json)",
    sniffer=sniff,
    reader=read,
    extensions=(".json",),
)
