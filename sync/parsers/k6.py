"""k6 end-of-test summary JSON: `--summary-export` and the `handleSummary()` data object.

Both have `metrics: {name: ...}`; handleSummary nests the numbers in `values`. Submetrics such as
`http_req_duration{name:/login}` become tags. Yields `latency:mean/median/min/max/p90/p95/p99`
(ms) from `http_req_duration`, `count` and `throughput` (req/s) from `http_reqs`, `error_rate` (%)
from `http_req_failed`, `checks:pass_rate` (%), `iterations:rate` (iterations/s), and for every
other trend metric `NAME:mean/median/min/max/p90/p95/p99` (ms when k6 marks it a time).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, ParseError, json_head, load_json, mapping, number, sample

log = logging.getLogger(__name__)

TREND = {
    "avg": "mean",
    "med": "median",
    "min": "min",
    "max": "max",
    "p(90)": "p90",
    "p(95)": "p95",
    "p(99)": "p99",
}
SUBMETRIC = re.compile(r"^([^{]+)\{(.*)\}$")
OBJECT = re.compile(r'"metrics"\s*:\s*\{')
TIME_TRENDS = ("http_req_", "iteration_duration", "group_duration")


def split_name(key: str) -> tuple[str, dict[str, str]]:
    """`http_req_duration{name:/login,method:GET}` -> ("http_req_duration", {...})."""
    match = SUBMETRIC.match(key)
    if not match:
        return key, {}
    tags = dict(part.split(":", 1) for part in match[2].split(",") if ":" in part)
    return match[1], {k.strip(): v.strip() for k, v in tags.items()}


def metric_samples(key: str, body: dict[str, Any]) -> Iterator[Sample]:
    name, tags = split_name(key)
    values = mapping(body.get("values", body), f"metrics.{key}")
    if name == "http_reqs":
        yield sample(
            "count", number(values.get("count"), "http_reqs.count"), "", tags, Direction.HIGHER
        )
        yield sample(
            "throughput",
            number(values.get("rate"), "http_reqs.rate"),
            "req/s",
            tags,
            Direction.HIGHER,
        )
    elif name in ("http_req_failed", "checks"):
        rate = values.get("rate", values.get("value"))
        metric = "error_rate" if name == "http_req_failed" else "checks:pass_rate"
        direction = Direction.LOWER if name == "http_req_failed" else Direction.HIGHER
        yield sample(metric, 100.0 * number(rate, f"{name} rate"), "%", tags, direction)
    elif name == "iterations" and "rate" in values:
        yield sample(
            "iterations:rate",
            number(values["rate"], "iterations.rate"),
            "iterations/s",
            tags,
            Direction.HIGHER,
        )
    elif any(stat in values for stat in ("avg", "med", "p(95)")):
        prefix = "latency" if name == "http_req_duration" else name
        timed = body.get("contains") == "time" or name.startswith(TIME_TRENDS)
        for stat, label in TREND.items():
            if stat in values:
                yield sample(
                    f"{prefix}:{label}",
                    number(values[stat], f"{key}.{stat}"),
                    "ms" if timed else "",
                    tags,
                    Direction.LOWER,
                )


def read(stream: BinaryIO) -> Iterator[Sample]:
    metrics = mapping(mapping(load_json(stream), "the document").get("metrics"), "metrics")
    if not metrics:
        raise ParseError("has an empty 'metrics' object")
    for key, body in metrics.items():
        yield from metric_samples(str(key), mapping(body, f"metrics.{key}"))


def sniff(head: bytes) -> bool:
    start = json_head(head)
    return (
        start.startswith("{")
        and bool(OBJECT.search(start))
        and any(
            name in start
            for name in (
                '"http_req_duration',
                '"iterations"',
                '"vus"',
                '"root_group"',
                '"http_reqs"',
                '"iteration_duration"',
            )
        )
    )


FORMAT = Format(
    name="k6",
    description="k6 summary JSON (--summary-export, handleSummary data)",
    sniffer=sniff,
    reader=read,
    extensions=(".json",),
)
