"""JMeter JTL results saved as XML (`<testResults>` of `<httpSample>` / `<sample>` elements).

Attributes: `t` elapsed ms, `ts` start epoch ms, `s` success, `lb` label. Only top-level samples
count: nested samples are sub-results of their parent, as in JMeter's own reports. The XML is read
incrementally and each sample is dropped once counted, so memory stays bounded.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text, xml_events
from sync.parsers.loadstats import LoadStats

log = logging.getLogger(__name__)

SAMPLE_TAGS = frozenset({"httpSample", "sample"})


def read(stream: BinaryIO) -> Iterator[Sample]:
    stats = LoadStats()
    depth = 0
    root: ET.Element | None = None
    for event, element in xml_events(stream):
        if event == "start":
            depth += 1
            if depth == 1:
                root = element
                if element.tag != "testResults":
                    raise ParseError(f"has root <{element.tag}>, not <testResults>", 1)
            continue
        depth -= 1
        if depth == 1 and root is not None:
            if element.tag in SAMPLE_TAGS:
                add(stats, element)
            root.clear()
    yield from stats.samples()


def add(stats: LoadStats, element: ET.Element) -> None:
    attrs = element.attrib
    try:
        elapsed = float(attrs["t"])
        start = float(attrs["ts"]) if "ts" in attrs else None
    except (KeyError, ValueError):
        raise ParseError(f"has a <{element.tag}> without a numeric t (elapsed) attribute") from None
    stats.add(attrs.get("lb", ""), elapsed, attrs.get("s", "true") == "true", start)


def sniff(head: bytes) -> bool:
    return "<testResults" in head_text(head)[:2048]


FORMAT = Format(
    name="jtl-xml",
    description="JMeter JTL results as XML (<testResults> of <httpSample>/<sample>)",
    sniffer=sniff,
    reader=read,
    extensions=(".jtl", ".xml"),
)
