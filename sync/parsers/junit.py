"""JUnit XML (`<testsuite>` or `<testsuites>`): test durations, as Maven, pytest, Rally and many
harnesses write them.

Each passing `<testcase>` with a `time` is one `duration` sample (s), tagged `suite` (its
classname, else the enclosing suite's name) and `test` (its name); a test that appears several
times (per-iteration benchmarks) gives repeats. A testcase without `time` is skipped. For the whole
file: `count` (testcases) and `error_rate` (% failed or in error; skipped ones do not count).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import Format, ParseError, head_text, number, sample, xml_events

log = logging.getLogger(__name__)

FAILED = frozenset({"failure", "error"})
ROOTS = frozenset({"testsuite", "testsuites"})


def outcome(case: ET.Element) -> str:
    """passed, failed or skipped."""
    children = {child.tag for child in case}
    if children & FAILED:
        return "failed"
    return "skipped" if "skipped" in children else "passed"


def read(stream: BinaryIO) -> Iterator[Sample]:
    suites: list[str] = []
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for event, element in xml_events(stream):
        if event == "start":
            if not suites and element.tag not in ROOTS:
                raise ParseError(f"has root <{element.tag}>, not <testsuite> or <testsuites>", 1)
            if element.tag in ROOTS:
                suites.append(element.get("name", ""))
            continue
        if element.tag in ROOTS:
            suites.pop()
            element.clear()
        elif element.tag == "testcase":
            result = outcome(element)
            counts[result] += 1
            time = element.get("time")
            if result == "passed" and time is not None and time.strip():
                tags = {
                    "suite": element.get("classname") or suites[-1],
                    "test": element.get("name", ""),
                }
                yield sample("duration", number(time, "testcase time"), "s", tags, Direction.LOWER)
            element.clear()
    ran = counts["passed"] + counts["failed"]
    if ran:
        yield sample("count", float(ran), "", {}, Direction.HIGHER)
        yield sample("error_rate", 100.0 * counts["failed"] / ran, "%", {}, Direction.LOWER)


def sniff(head: bytes) -> bool:
    start = head_text(head)[:4096]
    return "<testsuite" in start and "<testResults" not in start


FORMAT = Format(
    name="junit",
    description="JUnit XML test results (test durations)",
    sniffer=sniff,
    reader=read,
    extensions=(".xml",),
)
