"""The public detector: `change_points(values, direction=..., **settings) -> list[ChangePoint]`.

`change_points` analyses a whole series; `update` extends an earlier result after new builds and
reads only a window at the end, so a periodic check costs the same on 100 or 100,000 builds.
The algorithm (robust multi-scale MOSUM plus validation) is described in `analysis.mosum` and in
docs/detection.md.

Classification: with a `direction` ("lower" or "higher" is better), every change becomes a
"regression" or an "improvement", and changes smaller than `min_effect_pct` (default 2 %) are
not reported: they may be real, but nobody should be paged for them. `min_effect_for` picks a
per-metric minimum from a table of metric-name patterns.
"""

from __future__ import annotations

import fnmatch
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

from analysis.mosum import Settings, Values, candidates, prepare
from analysis.validate import validate

log = logging.getLogger(__name__)

DEFAULT_MIN_EFFECT_PCT = 2.0
REGRESSION = "regression"
IMPROVEMENT = "improvement"
# Which sign of change is worse, per direction name (storage's Direction values and aliases).
WORSE_SIGN: dict[str, float] = {
    "lower": 1.0,
    "lower_is_better": 1.0,
    "higher": -1.0,
    "higher_is_better": -1.0,
}
MIN_REGIME = Settings().min_regime
SETTING_NAMES = frozenset(f.name for f in fields(Settings))


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A change: `index` is the first value of the new regime (a position in the input)."""

    index: int
    before: float  # median of the old regime (at most max_window values before)
    after: float  # median of the new regime (at most max_window values from index on)
    change_pct: float  # (after - before) / |before| in %; +-inf when before is 0
    score: float  # Welch statistic of the two sides, in standard errors (inf: noiseless step)
    kind: str | None = None  # "regression" / "improvement" when a direction was given


def settings_from(overrides: Mapping[str, object]) -> Settings:
    """Settings with the named overrides; an unknown name is a ValueError."""
    unknown = sorted(set(overrides) - SETTING_NAMES)
    if unknown:
        raise ValueError(f"unknown detector setting(s): {', '.join(unknown)}")
    return Settings(**overrides)  # type: ignore[arg-type]


def change_points(
    values: Values,
    *,
    direction: str | None = None,
    min_effect_pct: float = DEFAULT_MIN_EFFECT_PCT,
    **settings: object,
) -> list[ChangePoint]:
    """Change points of one series, oldest value first; None (or NaN) marks a missing build.

    Without `direction` every statistically confirmed change is returned (kind None); with it,
    only changes of at least `min_effect_pct` %, each classified. Deterministic; fewer than
    `min_length` (10) present values give no change points.
    """
    config = settings_from(settings)
    prep = prepare(values, config)
    if len(prep.clean) < config.min_length:
        return []
    found = [
        ChangePoint(
            index=int(prep.positions[split.index]),
            before=split.before,
            after=split.after,
            change_pct=percent(split.before, split.after),
            score=split.score,
        )
        for split in validate(prep, candidates(prep))
    ]
    return classify(found, direction, min_effect_pct)


def update(
    values: Values,
    previous: Sequence[ChangePoint],
    *,
    direction: str | None = None,
    min_effect_pct: float = DEFAULT_MIN_EFFECT_PCT,
    **settings: object,
) -> list[ChangePoint]:
    """`previous` (the result for an earlier prefix of `values`) plus the changes found since.

    Earlier change points are kept as they are (alerts never move or flap), and a new one is
    reported once `min_regime` (10) builds of the new regime exist: by then a burst has ended
    and is seen for the excursion it is. Only the values
    after the last earlier change, and at most `horizon` of them (4 x max_window), are read, so
    the cost does not grow with the history. Call it at least every `horizon - max_window`
    builds, or a change in between may be missed.
    """
    config = settings_from(settings)
    last = max((p.index for p in previous), default=0)
    start = max(last, len(values) - horizon(config))
    tail = change_points(
        values[start:], direction=direction, min_effect_pct=min_effect_pct, **settings
    )
    settled = len(values) - config.min_regime
    fresh = [replace(p, index=p.index + start) for p in tail if last < p.index + start <= settled]
    return merge(previous, fresh, min_regime=config.min_regime)


def merge(
    previous: Sequence[ChangePoint], found: Sequence[ChangePoint], *, min_regime: int = MIN_REGIME
) -> list[ChangePoint]:
    """Earlier change points plus those of a fresh analysis that are not one of them again
    (within `min_regime` values of an earlier one); earlier ones win, so nothing moves."""
    fresh = [p for p in found if all(abs(p.index - q.index) >= min_regime for q in previous)]
    return sorted([*previous, *fresh], key=lambda p: p.index)


def horizon(config: Settings) -> int:
    """How many of the newest values `update` reads at most."""
    return 4 * config.max_window


def classify(
    found: list[ChangePoint], direction: str | None, min_effect_pct: float
) -> list[ChangePoint]:
    """Name each change a regression or an improvement; drop those below the minimum effect."""
    if direction is None:
        return found
    if direction not in WORSE_SIGN:
        raise ValueError(f"direction must be one of {', '.join(WORSE_SIGN)}, not {direction!r}")
    worse = WORSE_SIGN[direction]
    return [
        replace(p, kind=REGRESSION if p.change_pct * worse > 0 else IMPROVEMENT)
        for p in found
        if abs(p.change_pct) >= min_effect_pct
    ]


def min_effect_for(
    metric: str, overrides: Mapping[str, float], default: float = DEFAULT_MIN_EFFECT_PCT
) -> float:
    """The minimum effect for a metric: an exact name first, else the longest matching glob
    pattern (`*p99*`, `latency.*`), else the default. Matching ignores case."""
    lowered = {pattern.lower(): pct for pattern, pct in overrides.items()}
    name = metric.lower()
    if name in lowered:
        return lowered[name]
    matching = [p for p in lowered if fnmatch.fnmatchcase(name, p)]
    return lowered[max(matching, key=len)] if matching else default


def percent(before: float, after: float) -> float:
    """The change from before to after in % of |before|; +-inf from 0, 0 when both are 0."""
    if before == 0:
        return 0.0 if after == 0 else math.copysign(math.inf, after)
    return (after - before) / abs(before) * 100.0
