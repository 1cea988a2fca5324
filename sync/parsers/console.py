"""Named-group regular expressions over console text (a Jenkins build log).

Each named group of each pattern is a metric; every match is one repeat of it. A group that did not
take part in a match, or whose text is not a number, is skipped for that match.
Example: `r"Requests/sec:\\s+(?P<throughput>[\\d.]+)"`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from storage.records import Sample
from sync.parsers.base import ParseError, sample
from sync.parsers.units import direction_for, parse_direction

log = logging.getLogger(__name__)

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def compile_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """The patterns compiled; one without a named group, or that does not compile, is an error."""
    compiled = []
    for pattern in patterns:
        try:
            regex = re.compile(pattern, re.MULTILINE)
        except re.error as exc:
            message = f"pattern {pattern!r} is not a valid regular expression: {exc}"
            raise ParseError(message) from None
        if not regex.groupindex:
            raise ParseError(f"pattern {pattern!r} has no named group (?P<metric>...)")
        compiled.append(regex)
    return compiled


def parse_console(
    text: str,
    patterns: Sequence[str],
    *,
    unit: str = "",
    direction: str = "",
    tags: Mapping[str, str] | None = None,
) -> list[Sample]:
    """One sample per named group per match, in the order they appear in the text."""
    found: list[tuple[int, Sample]] = []
    for regex in compile_patterns(patterns):
        for match in regex.finditer(text):
            for metric, raw in match.groupdict().items():
                value = NUMBER.fullmatch(raw.strip().replace(",", "")) if raw else None
                if value is None:
                    continue
                chosen = (
                    parse_direction(direction, metric, unit)
                    if direction
                    else (direction_for(metric, unit))
                )
                found.append(
                    (
                        match.start(metric),
                        sample(metric, float(value.group()), unit, dict(tags or {}), chosen),
                    )
                )
    found.sort(key=lambda pair: pair[0])
    return [s for _, s in found]
