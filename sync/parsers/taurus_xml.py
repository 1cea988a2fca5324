"""Taurus (bzt) final-stats XML (`<FinalStatus>` with one `<Group label=...>` per label).

Times are seconds in the report and ms here. Taurus's `throughput` is the number of samples (the
report has no duration), so it becomes `count`. Per label (the empty label is the overall group,
tags `{}`): count, error_rate (%), latency:mean, latency:median, p90, p95, p99, p99.9 and
latency:max (the 100th percentile), all ms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, ParseError, head_text, number, sample, xml_events

log = logging.getLogger(__name__)

PERCENTILES = {
    "50.0": "median",
    "90.0": "p90",
    "95.0": "p95",
    "99.0": "p99",
    "99.9": "p99.9",
    "100.0": "max",
}


def group_samples(label: str, values: Mapping[str, str]) -> Iterator[Sample]:
    """The samples of one group from its `name -> value` cells (`perc/95.0`, `avg_rt`, ...)."""
    tags = {"label": label} if label else {}
    count = number(values.get("throughput", ""), f"throughput of label {label!r}")
    yield sample("count", count, "", tags, Direction.HIGHER)
    if count:
        fail = number(values.get("fail") or 0, f"fail of label {label!r}")
        yield sample("error_rate", 100.0 * fail / count, "%", tags, Direction.LOWER)
    if values.get("avg_rt"):
        yield sample("latency:mean", number(values["avg_rt"]) * 1000.0, "ms", tags, Direction.LOWER)
    for param, name in PERCENTILES.items():
        value = values.get(f"perc/{param}")
        if value:
            yield sample(
                f"latency:{name}",
                number(value, f"perc/{param}") * 1000.0,
                "ms",
                tags,
                Direction.LOWER,
            )


def read(stream: BinaryIO) -> Iterator[Sample]:
    label: str | None = None
    values: dict[str, str] = {}
    depth = 0
    for event, element in xml_events(stream):
        depth += 1 if event == "start" else -1
        if event == "start":
            if depth == 1 and element.tag != "FinalStatus":
                raise ParseError(f"has root <{element.tag}>, not <FinalStatus>", 1)
            if element.tag == "Group":
                label, values = element.get("label", ""), {}
        elif element.tag == "Group" and label is not None:
            yield from group_samples(label, values)
            label = None
            element.clear()
        elif label is not None and depth == 2 and element.get("value") is not None:
            param = element.get("param")
            values[f"{element.tag}/{param}" if param else element.tag] = element.get("value", "")


def sniff(head: bytes) -> bool:
    return "<FinalStatus" in head_text(head)[:2048]


FORMAT = Format(
    name="taurus-xml",
    description="Taurus (bzt) final-stats XML (<FinalStatus>)",
    sniffer=sniff,
    reader=read,
    extensions=(".xml",),
)
