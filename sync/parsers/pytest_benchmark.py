"""pytest-benchmark JSON (`--benchmark-json`, or a file from `.benchmarks/`).

Per benchmark (tag `benchmark` = its full name, and `group` when set): `time:min`, `time:mean`,
`time:median`, `time:max`, `time:stddev` in ns per call (the report is in seconds) and `ops`
(calls per second, higher is better) when the version writes it.
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

log = logging.getLogger(__name__)

STATS = ("min", "mean", "median", "max", "stddev")


def bench_samples(bench: dict[str, Any]) -> Iterator[Sample]:
    name = str(bench.get("fullname") or bench.get("name") or "")
    if not name:
        raise ParseError("has a benchmark without a name")
    stats = mapping(bench.get("stats"), f"stats of {name!r}")
    tags = {"benchmark": name}
    if bench.get("group"):
        tags["group"] = str(bench["group"])
    for key in STATS:
        if key in stats:
            value = number(stats[key], f"stats.{key} of {name!r}") * 1e9
            yield sample(f"time:{key}", value, "ns", tags, Direction.LOWER)
    if "ops" in stats:
        yield sample(
            "ops", number(stats["ops"], f"stats.ops of {name!r}"), "ops/s", tags, Direction.HIGHER
        )


def read(stream: BinaryIO) -> Iterator[Sample]:
    document = mapping(load_json(stream), "the document")
    for bench in items(document.get("benchmarks"), "benchmarks"):
        yield from bench_samples(mapping(bench, "a benchmark"))


def sniff(head: bytes) -> bool:
    start = json_head(head)
    return (
        start.startswith("{")
        and '"benchmarks"' in start
        and ('"machine_info"' in start or '"fullname"' in start or '"stats"' in start)
    )


FORMAT = Format(
    name="pytest-benchmark",
    description="pytest-benchmark JSON (--benchmark-json, .benchmarks/)",
    sniffer=sniff,
    reader=read,
    extensions=(".json",),
)
