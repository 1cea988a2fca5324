"""PerfKitBenchmarker newline-delimited JSON samples (`--json_path`, the JSON publisher).

Each line is one sample: `metric`, `value`, `unit`, `timestamp`, `test`, `run_uri`, and `labels` as
`|key:value|,|key:value|` (older files carry a `metadata` object instead). The metric keeps PKB's
name (`sequential_read:read:bandwidth`); the benchmark (`test`) and the configuration labels PKB
records (blocksize, iodepth, numjobs, rw, machine type, ...) become tags. Run ids, timestamps,
versions and measured values in the labels are not tags.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError, json_head, mapping, number, sample, text_lines
from sync.parsers.units import canonical, convert_time, is_time

log = logging.getLogger(__name__)

# Labels that describe the configuration of a run; everything else PKB records is left out.
CONFIG_LABELS = frozenset(
    {
        "blocksize",
        "block_size",
        "iodepth",
        "io_depth",
        "numjobs",
        "num_jobs",
        "rw",
        "fio_job",
        "ioengine",
        "direct",
        "size",
        "threads",
        "num_threads",
        "thread_count",
        "sysbench_thread_count",
        "machine_type",
        "cloud",
        "zone",
        "region",
        "num_vms",
        "vm_count",
        "disk_type",
        "disk_size",
        "num_striped_disks",
        "scratch_disk_type",
        "os_type",
        "protocol",
        "endpoint",
        "label",
        "workload",
        "test_name",
        "operation",
        "mode",
        "percentile",
        "sample_type",
        "num_cpus",
        "cpu_count",
        "mysql_svc_db_instance_cores",
        "storage_type",
    }
)
LABEL = re.compile(r"\|([^|:]+):([^|]*)\|")
SCALAR = (str, int, float)


def labels(text_labels: str) -> dict[str, str]:
    """`|a:1|,|b:x|` as a dict (a value may hold `:`; it may not hold `|`)."""
    return {key.strip(): value.strip() for key, value in LABEL.findall(text_labels)}


def config_tags(meta: dict[str, Any], test: str) -> dict[str, str]:
    tags = {k: str(v) for k, v in meta.items() if k in CONFIG_LABELS and isinstance(v, SCALAR)}
    if test:
        tags["benchmark"] = test
    return tags


def to_sample(record: dict[str, Any], line: int) -> Sample:
    metric = record.get("metric")
    if not isinstance(metric, str) or not metric:
        raise ParseError("has no 'metric' name", line)
    value = number(record.get("value"), f"the value of {metric!r}", line)
    unit = str(record.get("unit") or "")
    if is_time(unit):  # PKB mixes usec, ms and seconds; latencies are ms, durations s
        target = "s" if unit.lower() in {"s", "sec", "seconds"} else "ms"
        value, unit = convert_time(value, unit, target), target
    else:
        value, unit = canonical(value, unit)
    raw = record.get("labels")
    meta = labels(raw) if isinstance(raw, str) else mapping(record.get("metadata", {}), "metadata")
    return sample(metric, value, unit, config_tags(meta, str(record.get("test") or "")))


def read(stream: BinaryIO) -> Iterator[Sample]:
    for number_, line in enumerate(text_lines(stream), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ParseError(f"is not a JSON object ({exc.msg})", number_) from None
        if not isinstance(record, dict):
            raise ParseError("is not a JSON object", number_)
        yield to_sample(record, number_)


def sniff(head: bytes) -> bool:
    first = json_head(head).split("\n", 1)[0]
    return (
        first.startswith("{")
        and '"metric"' in first
        and ('"labels"' in first or '"run_uri"' in first or '"official"' in first)
    )


FORMAT = Format(
    name="pkb",
    description="PerfKitBenchmarker JSON lines (one sample per line, labels |key:value|)",
    sniffer=sniff,
    reader=read,
    extensions=(".json", ".jsonl"),
)
