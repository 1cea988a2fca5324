"""JMeter JTL results saved as XML (`<testResults>` of `<httpSample>` / `<sample>` elements).

Attributes: `t` elapsed ms, `ts` start epoch ms, `s` success, `lb` label. Only top-level samples
count: nested samples are sub-results of their parent, as in JMeter's own reports. The document is
read in chunks by expat's callbacks (no element tree is built), so memory stays bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

from storage.records import Sample
from sync.parsers.base import Format, ParseError, head_text
from sync.parsers.loadstats import LoadStats

log = logging.getLogger(__name__)

SAMPLE_TAGS = frozenset({"httpSample", "sample"})
CHUNK = 1 << 16


class Collector:
    """expat callbacks: top-level samples (depth 2) go into the statistics."""

    def __init__(self) -> None:
        self.stats = LoadStats()
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1 and tag != "testResults":
            raise ParseError(f"has root <{tag}>, not <testResults>", 1)
        if self.depth == 2 and tag in SAMPLE_TAGS:
            try:
                elapsed = float(attrs["t"])
                start = float(attrs["ts"]) if "ts" in attrs else None
            except (KeyError, ValueError):
                raise ParseError(f"has a <{tag}> without a numeric t (elapsed) attribute") from None
            self.stats.add(attrs.get("lb", ""), elapsed, attrs.get("s", "true") == "true", start)

    def end(self, tag: str) -> None:
        self.depth -= 1


def read(stream: BinaryIO) -> Iterator[Sample]:
    collector = Collector()
    parser = expat.ParserCreate()
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.buffer_text = True
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise ParseError(f"is not well-formed XML: {reason}", exc.lineno) from None
    except ParseError as exc:
        raise ParseError(exc.message, exc.line or parser.CurrentLineNumber) from None
    yield from collector.stats.samples()


def sniff(head: bytes) -> bool:
    return "<testResults" in head_text(head)[:2048]


FORMAT = Format(
    name="jtl-xml",
    description="JMeter JTL results as XML (<testResults> of <httpSample>/<sample>)",
    sniffer=sniff,
    reader=read,
    extensions=(".jtl", ".xml"),
)
