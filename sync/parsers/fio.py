"""fio `--output-format=json` and `json+` results (fio 2.x and 3.x schemas).

Per job and per direction that did I/O (read, write, trim): `DIR:iops` (IOPS), `DIR:bandwidth`
(KiB/s), `DIR:latency:mean` and `DIR:latency:max` (total latency, ms) and `DIR:clat:p50/p90/p95/
p99/p99.9` (completion-latency percentiles, ms). fio 3 reports times in ns (`clat_ns`), fio 2 in
us (`clat`); both become ms. Tags: the job name and its configuration (rw, blocksize, iodepth,
numjobs, ioengine), from the job's options over the global ones. The `json+` histogram bins are
not read. fio may print warnings before the JSON; they are skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import (
    Format,
    head_text,
    items,
    mapping,
    number,
    read_json_bytes,
    sample,
)

log = logging.getLogger(__name__)

DIRECTIONS = ("read", "write", "trim")
OPTION_TAGS = {
    "rw": "rw",
    "readwrite": "rw",
    "bs": "blocksize",
    "blocksize": "blocksize",
    "iodepth": "iodepth",
    "numjobs": "numjobs",
    "ioengine": "ioengine",
}
PERCENTILES = {50.0: "p50", 90.0: "p90", 95.0: "p95", 99.0: "p99", 99.9: "p99.9"}
# (key of the latency object, divisor to ms), newest schema first
LATENCY_KEYS = {"ns": 1e6, "us": 1e3}


def load(stream: BinaryIO) -> dict[str, Any]:
    data = read_json_bytes(stream, skip_to_brace=True)
    return mapping(json.loads(data.decode("utf-8")), "the document")


def latency(stats: dict[str, Any], name: str) -> tuple[dict[str, Any], float] | None:
    """The latency object `name` (clat, lat) and its divisor to ms, in either schema."""
    if isinstance(stats.get(f"{name}_ns"), dict):
        return stats[f"{name}_ns"], LATENCY_KEYS["ns"]
    if isinstance(stats.get(name), dict):
        return stats[name], LATENCY_KEYS["us"]
    return None


def direction_samples(prefix: str, stats: dict[str, Any], tags: dict[str, str]) -> Iterator[Sample]:
    yield sample(
        f"{prefix}:iops",
        number(stats.get("iops"), f"{prefix} iops"),
        "IOPS",
        tags,
        Direction.HIGHER,
    )
    yield sample(
        f"{prefix}:bandwidth",
        number(stats.get("bw"), f"{prefix} bw"),
        "KiB/s",
        tags,
        Direction.HIGHER,
    )
    total = latency(stats, "lat")
    if total is not None:
        values, scale = total
        for key in ("mean", "max"):
            if key in values:
                yield sample(
                    f"{prefix}:latency:{key}",
                    number(values[key]) / scale,
                    "ms",
                    tags,
                    Direction.LOWER,
                )
    completion = latency(stats, "clat")
    if completion is not None:
        values, scale = completion
        for key, value in mapping(values.get("percentile", {}), "percentile").items():
            name = PERCENTILES.get(round(float(key), 4))
            if name:
                yield sample(
                    f"{prefix}:clat:{name}", number(value) / scale, "ms", tags, Direction.LOWER
                )


def job_tags(job: dict[str, Any], options: dict[str, Any]) -> dict[str, str]:
    merged = {**options, **mapping(job.get("job options", {}), "job options")}
    tags = {OPTION_TAGS[k]: str(v) for k, v in merged.items() if k in OPTION_TAGS}
    tags["job"] = str(job.get("jobname", ""))
    return tags


def read(stream: BinaryIO) -> Iterator[Sample]:
    document = load(stream)
    options = mapping(document.get("global options", {}), "global options")
    for job in items(document.get("jobs"), "jobs"):
        job = mapping(job, "a job")
        tags = job_tags(job, options)
        for prefix in DIRECTIONS:
            stats = job.get(prefix)
            if isinstance(stats, dict) and (stats.get("io_bytes") or stats.get("iops")):
                yield from direction_samples(prefix, stats, tags)


def sniff(head: bytes) -> bool:
    start = head_text(head)
    return '"fio version"' in start and '"jobs"' in start


FORMAT = Format(
    name="fio",
    description="fio JSON / json+ output (fio 2.x and 3.x)",
    sniffer=sniff,
    reader=read,
    extensions=(".json",),
)
