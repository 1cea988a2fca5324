"""Plain records that cross package borders.

Everything here is a frozen dataclass: `sync` builds `Build` and `Sample` values, `storage`
keeps them, and `bot` reads `Series` and `Point` values back (and hands plain values to `charts`
and `analysis`). peewee rows never leave `storage/`; these do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

Tags = Mapping[str, str]


class Direction(StrEnum):
    """Which way is better for a series."""

    LOWER = "lower"  # latency, duration, error rate
    HIGHER = "higher"  # throughput, IOPS, bandwidth


class Result(StrEnum):
    """A Jenkins build result; RUNNING while Jenkins still builds it."""

    SUCCESS = "SUCCESS"
    UNSTABLE = "UNSTABLE"
    FAILURE = "FAILURE"
    ABORTED = "ABORTED"
    NOT_BUILT = "NOT_BUILT"
    RUNNING = "RUNNING"


class FindingKind(StrEnum):
    REGRESSION = "regression"
    IMPROVEMENT = "improvement"


class FindingState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    MUTED = "muted"
    RESOLVED = "resolved"


def canonical_tags(tags: Tags) -> str:
    """The tags as `k=v;k=v`, keys sorted: the export format and the series identity."""
    return ";".join(f"{k}={tags[k]}" for k in sorted(tags))


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured value from a report. Several samples of one series in a build are repeats."""

    metric: str
    value: float
    unit: str = ""
    direction: Direction = Direction.LOWER
    tags: Tags = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Commit:
    """One change in a build's change set."""

    id: str
    author: str = ""
    message: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Build:
    """One Jenkins build of one job in one lab."""

    lab: str
    job: str
    number: int
    result: Result = Result.SUCCESS
    started: datetime | None = None  # timezone-aware UTC
    duration_s: float = 0.0
    url: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    commits: tuple[Commit, ...] = ()
    cause: str = ""


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """What one line on a chart is."""

    lab: str
    job: str
    metric: str
    tags: Tags = field(default_factory=dict)

    @property
    def tag_text(self) -> str:
        return canonical_tags(self.tags)


@dataclass(frozen=True, slots=True)
class Series:
    """A stored series with its unit and direction."""

    id: int
    key: SeriesKey
    unit: str
    direction: Direction


class Point(NamedTuple):
    """The value of one series in one build: the median of its repeats, with their range.

    The one record that is a NamedTuple, not a frozen dataclass: a series read builds thousands of
    them, and a frozen dataclass's __init__ (one object.__setattr__ per field) cost 17x a tuple,
    four times the query itself (bench/bench_storage.py). It is just as immutable. The start
    time is kept as epoch seconds and made a datetime only when asked for: making 10,000 of them
    on every read was a third of a series read, and most readers never look.
    """

    build: int
    epoch: float | None  # the build's start, UTC epoch seconds
    value: float
    low: float
    high: float
    repeats: int
    result: Result

    @property
    def started(self) -> datetime | None:
        """The build's start (UTC)."""
        return None if self.epoch is None else datetime.fromtimestamp(self.epoch, UTC)


@dataclass(frozen=True, slots=True)
class SeriesData:
    """A series and its points in build order."""

    series: Series
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Selector:
    """Which series and which builds a query wants.

    Names are exact here; the bot resolves prefixes and case before it builds a selector.
    `last` keeps the newest N builds per series; `since` keeps builds started at or after it.
    """

    job: str | None = None
    metric: str | None = None
    labs: tuple[str, ...] = ()
    tags: Tags = field(default_factory=dict)
    last: int | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A change point in a series, stored as an alert with a triage state."""

    id: int
    series: Series
    kind: FindingKind
    build_before: int
    build_after: int
    value_before: float
    value_after: float
    change_pct: float
    state: FindingState
    created: datetime
    score: float = 0.0
    note: str = ""
    updated_by: str = ""
    muted_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel that hears about the series a selector names."""

    id: int
    channel: str
    lab: str | None
    job: str | None
    metric: str | None
    created_by: str = ""


@dataclass(frozen=True, slots=True)
class SyncState:
    """Per job: how far sync got and how the last pass went."""

    lab: str
    job: str
    last_build: int
    running: tuple[int, ...] = ()
    last_success: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A chat post waiting to be accepted by Slack; stored before it is sent."""

    id: int
    key: str  # unique: the same key is never posted twice
    channel: str
    payload: Mapping[str, Any]
    created: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str = ""
    response: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class JobSummary:
    """A job in a lab with how much is stored for it."""

    lab: str
    job: str
    builds: int
    last_build: int | None
    last_started: datetime | None


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What `save_build` did."""

    new_build: bool
    points: int
    series_created: int


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One point as the export formats show it."""

    lab: str
    job: str
    build: int
    timestamp: datetime | None
    metric: str
    tags: str  # k=v;k=v, keys sorted
    unit: str
    value: float
