"""Rally results: the current `rally task report --json` (format_version 1.x) and the legacy
`rally task results` list.

Per workload (tag `scenario`, plus `position` when a scenario runs more than once): from the
iterations, `duration:mean`, `duration:median`, `duration:p90`, `duration:p95`, `duration:max` (s,
successful iterations only, percentiles interpolated as Rally does), `count`, `error_rate` (%),
and `throughput` (iterations per second of load); the same duration statistics per top-level
atomic action (tag `action`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.records import Direction, Sample
from sync.parsers.base import (
    Format,
    ParseError,
    items,
    json_head,
    load_json,
    mapping,
    number,
    sample,
)

log = logging.getLogger(__name__)

STATS = {"mean": None, "median": 50.0, "p90": 90.0, "p95": 95.0, "max": 100.0}


def percentile(ordered: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks, as Rally (and numpy's default) computes it."""
    position = (len(ordered) - 1) * pct / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def duration_samples(values: list[float], tags: dict[str, str]) -> Iterator[Sample]:
    if not values:
        return
    ordered = sorted(values)
    for name, pct in STATS.items():
        value = sum(ordered) / len(ordered) if pct is None else percentile(ordered, pct)
        yield sample(f"duration:{name}", value, "s", tags, Direction.LOWER)


def actions(iteration: dict[str, Any]) -> Iterator[tuple[str, float]]:
    """Top-level atomic actions as (name, seconds): a list (current) or a dict (legacy)."""
    raw = iteration.get("atomic_actions") or []
    if isinstance(raw, dict):
        for name, value in raw.items():
            yield str(name), number(value, f"atomic action {name!r}")
        return
    for action in items(raw, "atomic_actions"):
        action = mapping(action, "an atomic action")
        start, end = action.get("started_at"), action.get("finished_at")
        yield str(action.get("name")), number(end, "finished_at") - number(start, "started_at")


def workload_samples(
    iterations: list[Any], load_duration: Any, tags: dict[str, str]
) -> Iterator[Sample]:
    ok: list[float] = []
    per_action: defaultdict[str, list[float]] = defaultdict(list)
    failed = 0
    for iteration in iterations:
        iteration = mapping(iteration, "an iteration")
        if iteration.get("error"):
            failed += 1
            continue
        ok.append(number(iteration.get("duration"), "an iteration duration"))
        for name, seconds in actions(iteration):
            per_action[name].append(seconds)
    total = len(iterations)
    yield sample("count", float(total), "", tags, Direction.HIGHER)
    if total:
        yield sample("error_rate", 100.0 * failed / total, "%", tags, Direction.LOWER)
    load = number(load_duration or 0, "load_duration")
    if load > 0:
        yield sample("throughput", total / load, "iterations/s", tags, Direction.HIGHER)
    yield from duration_samples(ok, tags)
    for name, values in per_action.items():
        yield from duration_samples(values, {**tags, "action": name})


def workloads(document: Any) -> Iterator[tuple[str, list[Any], Any]]:
    """(scenario, iterations, load_duration) of every workload, in either format."""
    if isinstance(document, list):
        for entry in document:
            entry = mapping(entry, "a task result")
            key = mapping(entry.get("key"), "key")
            yield (
                str(key.get("name")),
                items(entry.get("result"), "result"),
                entry.get("load_duration"),
            )
        return
    for task in items(mapping(document, "the document").get("tasks"), "tasks"):
        for subtask in items(mapping(task, "a task").get("subtasks"), "subtasks"):
            for workload in items(mapping(subtask, "a subtask").get("workloads"), "workloads"):
                workload = mapping(workload, "a workload")
                scenario = mapping(workload.get("scenario"), "scenario")
                name = next(iter(scenario), "")
                yield str(name), items(workload.get("data"), "data"), workload.get("load_duration")


def read(stream: BinaryIO) -> Iterator[Sample]:
    found = list(workloads(load_json(stream)))
    if not found:
        raise ParseError("holds no Rally workloads")
    repeated = Counter(name for name, _, _ in found)
    position: Counter[str] = Counter()
    for name, iterations, load in found:
        tags = {"scenario": name}
        if repeated[name] > 1:
            tags["position"] = str(position[name])
        position[name] += 1
        yield from workload_samples(iterations, load, tags)


def sniff(head: bytes) -> bool:
    start = json_head(head)
    current = start.startswith("{") and '"tasks"' in start and '"format_version"' in start
    legacy = start.startswith("[") and '"load_duration"' in start and '"key"' in start
    return current or legacy


FORMAT = Format(
    name="rally",
    description="Rally task report JSON (rally task report --json; legacy rally task results)",
    sniffer=sniff,
    reader=read,
    extensions=(".json",),
)
