"""The public detector: `change_points(values, direction=..., **settings) -> list[ChangePoint]`."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.mosum import Settings, Values, candidates, prepare
from analysis.validate import validate

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A change: `index` is the first value of the new regime (a position in the input)."""

    index: int
    before: float  # median of the old regime (at most max_window values before)
    after: float  # median of the new regime (at most max_window values from index on)
    change_pct: float  # (after - before) / |before| in %; +-inf when before is 0
    score: float  # Welch statistic of the two sides, in standard errors
    kind: str | None = None  # "regression" / "improvement" when a direction was given


def change_points(values: Values, *, direction: str | None = None,
                  **settings: object) -> list[ChangePoint]:
    """Change points of one series, oldest value first; None marks a missing build."""
    config = Settings(**settings)  # type: ignore[arg-type]
    prep = prepare(values, config)
    if len(prep.clean) < config.min_length:
        return []
    found = validate(prep, candidates(prep))
    out = []
    for split in found:
        out.append(ChangePoint(index=int(prep.positions[split.index]), before=split.before,
                               after=split.after, change_pct=_pct(split.before, split.after),
                               score=split.score))
    return out


def _pct(before: float, after: float) -> float:
    if before == 0:
        return 0.0 if after == 0 else math.copysign(math.inf, after)
    return (after - before) / abs(before) * 100.0


def indexes(points: Sequence[ChangePoint]) -> list[int]:
    return [p.index for p in points]
