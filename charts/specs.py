"""What a chart shows, as plain frozen values: the only input `charts.render` accepts.

The specs know nothing of the database or of Slack; `bot/chartdata.py` builds them from stored
records. Sequences are tuples so a spec is hashable and safe to share between threads. Values are
floats with `None` (or NaN) for a missing value; times are timezone-aware datetimes or `None`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Direction = Literal["lower", "higher"]
XAxis = Literal["build", "time"]
Kind = Literal["regression", "improvement"]
Status = Literal["ok", "unstable", "failed"]

DIRECTIONS: tuple[Direction, ...] = ("lower", "higher")
X_AXES: tuple[XAxis, ...] = ("build", "time")
KINDS: tuple[Kind, ...] = ("regression", "improvement")
STATUSES: tuple[Status, ...] = ("ok", "unstable", "failed")
MAX_LINES = 6  # lines one trend draws (one colour each); callers check it without matplotlib


@dataclass(frozen=True, slots=True)
class Marker:
    """A change point or alert on a line: drawn at the first build after the change."""

    build: int
    change_pct: float
    kind: Kind
    label: str = ""  # e.g. "alert 12"; empty for a plain change point
    open: bool = False  # an open alert is drawn stronger than a settled one


@dataclass(frozen=True, slots=True)
class TrendLine:
    """One series on a chart: one value per build, oldest build first.

    `times`, `low`, `high` and `status` are either empty (unknown / no band / all ok) or as long
    as `builds`. `low`/`high` give the range of a build's repeats and draw a band.
    """

    label: str
    builds: tuple[int, ...]
    values: tuple[float | None, ...]
    times: tuple[datetime | None, ...] = ()
    low: tuple[float | None, ...] = ()
    high: tuple[float | None, ...] = ()
    status: tuple[Status, ...] = ()
    markers: tuple[Marker, ...] = ()


@dataclass(frozen=True, slots=True)
class TrendSpec:
    """Several lines of one metric (one per lab or tag set) across builds or time."""

    title: str
    unit: str
    direction: Direction
    lines: tuple[TrendLine, ...]
    x_axis: XAxis = "build"
    subtitle: str = ""


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One metric in a comparison; `None` where a side has no value."""

    label: str
    unit: str
    direction: Direction
    left: float | None
    right: float | None


@dataclass(frozen=True, slots=True)
class CompareSpec:
    """Two builds (or two labs' latest runs) side by side, one row per metric.

    The delta is right against left; changes smaller than `neutral_pct` are drawn as noise.
    """

    title: str
    left_label: str
    right_label: str
    rows: tuple[CompareRow, ...]
    subtitle: str = ""
    neutral_pct: float = 1.0


@dataclass(frozen=True, slots=True)
class AlertSpec:
    """The window around one change, with the level before and after it."""

    title: str
    unit: str
    direction: Direction
    line: TrendLine
    build_before: int
    build_after: int
    level_before: float
    level_after: float
    change_pct: float
    kind: Kind
    subtitle: str = ""


@dataclass(frozen=True, slots=True)
class DigestPanel:
    """One small multiple: a mover's recent points and its change."""

    title: str
    unit: str
    direction: Direction
    line: TrendLine
    change_pct: float
    kind: Kind


@dataclass(frozen=True, slots=True)
class DigestSpec:
    """Small multiples of the top movers, biggest first."""

    title: str
    panels: tuple[DigestPanel, ...]
    subtitle: str = ""


Spec = TrendSpec | CompareSpec | AlertSpec | DigestSpec
