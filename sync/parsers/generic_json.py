"""The generic JSON format: `{"metrics": [{"name", "value", "unit", "tags", "direction"}]}`.

For harnesses with no format of their own. `name` and `value` are required; `unit` (default
none), `tags` (an object of configuration labels, values turned into strings) and `direction`
(`lower` or `higher`; default inferred from the name and unit) are optional. A metric that appears
several times is a set of repeats.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, json_head, load_json, mapping, number, sample
from sync.parsers.units import canonical, parse_direction

log = logging.getLogger(__name__)

ARRAY = re.compile(r'"metrics"\s*:\s*\[')


def to_sample(entry: Any, index: int) -> Sample:
    where = f"metrics[{index}]"
    item = mapping(entry, where)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ParseError(f"{where} has no 'name'")
    value = number(item.get("value"), f"{where}.value")
    value, unit = canonical(value, str(item.get("unit") or ""))
    raw_tags = item.get("tags")
    tags = {} if raw_tags is None else mapping(raw_tags, f"{where}.tags")
    clean = {str(k): str(v) for k, v in tags.items() if isinstance(v, str | int | float)}
    direction = parse_direction(str(item.get("direction") or ""), name, unit)
    return sample(name.strip(), value, unit, clean, direction)


def read(stream: BinaryIO) -> Iterator[Sample]:
    document = mapping(load_json(stream), "the document")
    metrics = document.get("metrics")
    if not isinstance(metrics, list):
        raise ParseError("has no 'metrics' array")
    for index, entry in enumerate(metrics):
        yield to_sample(entry, index)


def sniff(head: bytes) -> bool:
    start = json_head(head)
    return start.startswith("{") and bool(ARRAY.search(start[:4096])) and '"name"' in start


FORMAT = Format(
    name="json",
    description='generic JSON: {"metrics": [{"name", "value", "unit", "tags", "direction"}]}',
    sniffer=sniff,
    reader=read,
    extensions=(".json",),
)
