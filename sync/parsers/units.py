"""Unit names and scales, and which way is better for a metric.

Parsers name units from one small vocabulary (`ms`, `s`, `ns`, `req/s`, `IOPS`, `KiB/s`, `%`, ...)
and convert times to one scale per kind of quantity (request and I/O latency in ms, durations of
tests, commands and runs in s, micro-benchmark iterations in ns). A metric's direction comes from
its last `:`-separated part and its unit: throughput, IOPS and bandwidth are higher-is-better,
everything else (latency, duration, error rate, failures) lower-is-better.
"""

from __future__ import annotations

import logging
import re

from storage.records import Direction

log = logging.getLogger(__name__)

# Time spellings seen in reports -> (multiplier, power of ten) in seconds; kept apart so that
# conversions between SI prefixes stay exact (2 us is 2000 ns, not 1999.9999999999998).
TIME_UNITS: dict[str, tuple[float, int]] = {
    "ns": (1, -9), "nsec": (1, -9), "nanoseconds": (1, -9),
    "us": (1, -6), "usec": (1, -6), "µs": (1, -6), "μs": (1, -6), "microseconds": (1, -6),
    "ms": (1, -3), "msec": (1, -3), "milliseconds": (1, -3),
    "s": (1, 0), "sec": (1, 0), "secs": (1, 0), "second": (1, 0), "seconds": (1, 0),
    "m": (60, 0), "min": (60, 0), "minutes": (60, 0),
    "h": (3600, 0), "hr": (3600, 0), "hours": (3600, 0),
}  # fmt: skip
TIME_SCALE: dict[str, int] = {"ns": -9, "us": -6, "ms": -3, "s": 0}

# Synonyms of units that are not times.
SYNONYMS: dict[str, str] = {
    "iops": "IOPS",
    "ops/sec": "ops/s",
    "requests/sec": "req/s",
    "reqs/s": "req/s",
    "req/sec": "req/s",
    "rps": "req/s",
    "hits/s": "req/s",
    "percent": "%",
    "pct": "%",
    "bytes": "B",
    "byte": "B",
    "kb/s": "KiB/s",
    "kib/s": "KiB/s",
    "mb/s": "MiB/s",
    "mib/s": "MiB/s",
    "transactions/sec": "tps",
    "queries/sec": "qps",
    "mbytes/sec": "MiB/s",
    "na": "",
    "n/a": "",
    "mb/sec": "MiB/s",
    "kb/sec": "KiB/s",
}

# Byte sizes as wrk and fio print them (binary multiples).
BYTE_SCALE: dict[str, float] = {
    "b": 1.0,
    "kb": 1024.0,
    "kib": 1024.0,
    "k": 1024.0,
    "mb": 1024.0**2,
    "mib": 1024.0**2,
    "m": 1024.0**2,
    "gb": 1024.0**3,
    "gib": 1024.0**3,
    "g": 1024.0**3,
    "tb": 1024.0**4,
}

# Words of a metric name that make it higher-is-better (names split on `:`, `_`, `/`, spaces).
HIGHER_PARTS = frozenset({
    "throughput", "iops", "bandwidth", "bw", "rps", "tps", "qps", "ops", "transfer", "speed",
    "hits", "succ", "success", "passed", "count", "requests", "rate", "pass",
})  # fmt: skip
# ... unless the name is about the spread (a throughput's stddev is still better small) or errors.
LOWER_PARTS = frozenset({
    "stddev", "stdev", "std", "cv", "variance", "error", "errors", "fail", "failed", "failure",
    "failures", "latency", "time", "duration",
})  # fmt: skip
WORD = re.compile(r"[\s:/_.,()-]+")
HIGHER_UNITS = frozenset(
    {"IOPS", "req/s", "ops/s", "tps", "qps", "KiB/s", "MiB/s", "GiB/s", "B/s", "events/s",
     "items/s", "iterations/s"}
)  # fmt: skip


def time_unit(unit: str) -> tuple[float, int]:
    clean = unit.strip()
    return TIME_UNITS.get(clean.lower()) or TIME_UNITS[clean]


def convert_time(value: float, unit: str, to: str) -> float:
    """`value` in `unit` (any spelling in TIME_UNITS) expressed in `to` (ns, us, ms or s)."""
    multiplier, power = time_unit(unit)
    shift = power - TIME_SCALE[to]
    scaled = value * multiplier
    return float(scaled * 10**shift if shift >= 0 else scaled / 10 ** (-shift))


def is_time(unit: str) -> bool:
    return unit.strip().lower() in TIME_UNITS or unit.strip() in TIME_UNITS


def canonical(value: float, unit: str) -> tuple[float, str]:
    """A user-given unit named from the vocabulary: times keep their scale, synonyms are renamed."""
    clean = unit.strip()
    if is_time(clean):
        multiplier, power = time_unit(clean)
        name = next((k for k, v in TIME_SCALE.items() if v == power), "s")
        return convert_time(value, clean, name) if multiplier != 1 else value, name
    return value, SYNONYMS.get(clean.lower(), clean)


def bytes_from(text: str) -> float:
    """`12.5MB`, `512KB`, `3.2k` as bytes (binary multiples, as wrk and fio print them)."""
    body = text.strip()
    digits = body.rstrip("BbKkMmGgTtIi")
    suffix = body[len(digits) :].lower() or "b"
    return float(digits) * BYTE_SCALE[suffix]


def direction_for(metric: str, unit: str = "") -> Direction:
    """Higher-is-better for throughput, IOPS and bandwidth; lower-is-better for everything else."""
    parts = set(WORD.split(metric.lower()))
    if parts & LOWER_PARTS:
        return Direction.LOWER
    per_second = "per" in parts and bool(parts & {"sec", "second", "s", "minute", "min"})
    if unit in HIGHER_UNITS or parts & HIGHER_PARTS or per_second:
        return Direction.HIGHER
    return Direction.LOWER


def parse_direction(text: str, metric: str, unit: str) -> Direction:
    """An explicit direction (`lower`, `higher`, `lower_is_better`, ...) or the inferred one."""
    word = text.strip().lower()
    if word.startswith("higher") or word in {"up", "max", "bigger"}:
        return Direction.HIGHER
    if word.startswith("lower") or word in {"down", "min", "smaller"}:
        return Direction.LOWER
    return direction_for(metric, unit)
