"""Spec builders for the chart tests: small, deterministic lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charts import TrendLine

START = datetime(2026, 10, 1, tzinfo=UTC)


def line(
    values: list[float | None], *, label: str = "lab1", first: int = 100, **parts: object
) -> TrendLine:
    """A line over consecutive builds from `first`, one build every 12 hours."""
    builds = tuple(range(first, first + len(values)))
    times = tuple(START + timedelta(hours=12 * i) for i in range(len(values)))
    return TrendLine(label=label, builds=builds, values=tuple(values), times=times, **parts)  # type: ignore[arg-type]
