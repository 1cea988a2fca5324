"""Summary statistics of per-request load-test results, in bounded memory.

JMeter JTL files hold one row per request, millions of them. `LabelStats` keeps, per label, a
histogram of response times (JMeter times are whole milliseconds, so a label holds at most a few
thousand distinct values however long the run), the count, the errors and the first start and last
end; mean and percentiles (nearest rank) are exact, computed from the histogram at the end.
`LoadStats.samples()` yields what a user expects per label and for all labels together (tags
`{}`): count, error rate, mean, median, p90, p95, p99, max and throughput.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator

from storage.records import Direction, Sample
from sync.parsers.base import sample

log = logging.getLogger(__name__)

PERCENTILES: dict[str, float] = {"median": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0}


class LabelStats:
    """Running totals of one label; readers may update the fields directly in hot loops."""

    __slots__ = ("count", "errors", "first", "histogram", "last")

    def __init__(self) -> None:
        self.histogram: dict[float, int] = {}
        self.count = 0
        self.errors = 0
        self.first = math.inf  # earliest start, epoch ms
        self.last = -math.inf  # latest end, epoch ms

    def add(self, elapsed: float, ok: bool, start: float | None) -> None:
        histogram = self.histogram
        histogram[elapsed] = histogram.get(elapsed, 0) + 1
        self.count += 1
        if not ok:
            self.errors += 1
        if start is not None:
            if start < self.first:
                self.first = start
            if start + elapsed > self.last:
                self.last = start + elapsed

    def merge(self, other: LabelStats) -> None:
        for value, count in other.histogram.items():
            self.histogram[value] = self.histogram.get(value, 0) + count
        self.count += other.count
        self.errors += other.errors
        self.first = min(self.first, other.first)
        self.last = max(self.last, other.last)

    def forget_times(self) -> None:
        """Drop the start/end range (the timestamps could not be read): no throughput."""
        self.first, self.last = math.inf, -math.inf

    def percentile(self, pct: float) -> float:
        """The nearest-rank percentile: the smallest value with at least pct% of values <= it."""
        rank = max(1, math.ceil(pct / 100.0 * self.count))
        seen = 0
        for value in sorted(self.histogram):
            seen += self.histogram[value]
            if seen >= rank:
                return value
        return max(self.histogram)

    def samples(self, tags: dict[str, str], unit: str) -> Iterator[Sample]:
        if not self.count:
            return
        mean = sum(value * count for value, count in self.histogram.items()) / self.count
        yield sample("count", float(self.count), "", tags, Direction.HIGHER)
        yield sample("error_rate", 100.0 * self.errors / self.count, "%", tags, Direction.LOWER)
        yield sample("latency:mean", mean, unit, tags, Direction.LOWER)
        for name, pct in PERCENTILES.items():
            yield sample(f"latency:{name}", self.percentile(pct), unit, tags, Direction.LOWER)
        yield sample("latency:max", max(self.histogram), unit, tags, Direction.LOWER)
        span_s = (self.last - self.first) / 1000.0
        if math.isfinite(span_s) and span_s > 0:
            yield sample("throughput", self.count / span_s, "req/s", tags, Direction.HIGHER)


class LoadStats:
    """Per-label statistics; `tag` names the tag that holds the label.

    Labels in `parents` (JMeter Transaction Controller results) are reported but stay out of the
    all-labels totals, which would otherwise count their children twice.
    """

    def __init__(self, tag: str = "label", unit: str = "ms") -> None:
        self.tag = tag
        self.unit = unit
        self.labels: dict[str, LabelStats] = {}
        self.parents: dict[str, LabelStats] = {}

    def add(self, label: str, elapsed: float, ok: bool, start: float | None) -> None:
        stats = self.labels.get(label)
        if stats is None:
            stats = self.labels[label] = LabelStats()
        stats.add(elapsed, ok, start)

    def all_stats(self) -> Iterable[LabelStats]:
        return [*self.labels.values(), *self.parents.values()]

    def samples(self) -> Iterator[Sample]:
        overall = LabelStats()
        for stats in self.labels.values():
            overall.merge(stats)
        yield from overall.samples({}, self.unit)
        merged: dict[str, LabelStats] = {}
        for group in (self.labels, self.parents):
            for label, stats in group.items():
                name = " ".join(label.split())  # a label may span lines
                merged.setdefault(name, LabelStats()).merge(stats)
        for name in sorted(merged):
            yield from merged[name].samples({self.tag: name}, self.unit)
