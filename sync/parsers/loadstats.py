"""Summary statistics of per-request load-test results, in bounded memory.

JMeter JTL files hold one row per request, millions of them. `LoadStats` keeps, per label, a
histogram of response times (JMeter times are whole milliseconds, so a label holds at most a few
thousand distinct values however long the run), the count, errors, sum and the first start and last
end; percentiles are exact (nearest rank) from the histogram. `samples()` yields what a user
expects per label and for all labels together (tags `{}`): count, error rate, mean, median, p90,
p95, p99, max and throughput.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator

from storage.records import Direction, Sample
from sync.parsers.base import sample

log = logging.getLogger(__name__)

PERCENTILES: dict[str, float] = {"median": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0}


class LabelStats:
    """Running totals of one label."""

    __slots__ = ("count", "errors", "first", "histogram", "last", "total")

    def __init__(self) -> None:
        self.histogram: dict[float, int] = {}
        self.count = 0
        self.errors = 0
        self.total = 0.0
        self.first = math.inf  # earliest start, epoch ms
        self.last = -math.inf  # latest end, epoch ms

    def add(self, elapsed: float, ok: bool, start: float | None) -> None:
        histogram = self.histogram
        histogram[elapsed] = histogram.get(elapsed, 0) + 1
        self.count += 1
        self.total += elapsed
        if not ok:
            self.errors += 1
        if start is not None:
            self.first = min(self.first, start)
            self.last = max(self.last, start + elapsed)

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
        yield sample("count", float(self.count), "", tags, Direction.HIGHER)
        yield sample("error_rate", 100.0 * self.errors / self.count, "%", tags, Direction.LOWER)
        yield sample("latency:mean", self.total / self.count, unit, tags, Direction.LOWER)
        for name, pct in PERCENTILES.items():
            yield sample(f"latency:{name}", self.percentile(pct), unit, tags, Direction.LOWER)
        yield sample("latency:max", max(self.histogram), unit, tags, Direction.LOWER)
        span_s = (self.last - self.first) / 1000.0
        if math.isfinite(span_s) and span_s > 0:
            yield sample("throughput", self.count / span_s, "req/s", tags, Direction.HIGHER)


class LoadStats:
    """Per-label and overall statistics; `tag` names the tag that holds the label."""

    def __init__(self, tag: str = "label", unit: str = "ms") -> None:
        self.tag = tag
        self.unit = unit
        self.labels: dict[str, LabelStats] = {}
        self.overall = LabelStats()

    def add(
        self, label: str, elapsed: float, ok: bool, start: float | None, *, overall: bool = True
    ) -> None:
        """One request; `overall=False` keeps it out of the all-labels totals (transactions)."""
        stats = self.labels.get(label)
        if stats is None:
            stats = self.labels[label] = LabelStats()
        stats.add(elapsed, ok, start)
        if overall:
            self.overall.add(elapsed, ok, start)

    def samples(self) -> Iterator[Sample]:
        yield from self.overall.samples({}, self.unit)
        for label in sorted(self.labels):
            tags = {self.tag: " ".join(label.split())}  # a label may span lines
            yield from self.labels[label].samples(tags, self.unit)
