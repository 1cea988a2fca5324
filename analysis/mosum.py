"""Change points in one performance series: robust multi-scale MOSUM, then a validation pass.

Why this design (the measured weaknesses of the open tools are in docs/detection.md):

1. **Winsorize against a running median.** Each value is clipped to the running median of 9
   builds plus or minus `clip` local robust spreads. A one-build spike or a burst of up to 4
   builds cannot move a median of 9, so it is clipped to an ordinary-looking value, while a real
   step moves the median at once and is kept whole. This is what keeps spikes, bursts and
   heavy tails from becoming alerts, without hiding steps.
2. **Moving sums at several scales** (MOSUM, Eichinger & Kirch 2018; multi-scale bottom-up merge
   as in the `mosum` R package). For each build i and window G the statistic is the difference of
   the mean of the G builds from i on and the G builds before i, divided by its local standard
   error (noise estimated on each side separately, so noise that grows with the level is fine).
   Small windows place large steps exactly; large windows find small steps. Every scale costs
   O(n) through cumulative sums, so 50,000 builds take milliseconds.
3. **Validate and place.** Each candidate is re-tested on the two segments between its
   neighbours (at most `max_window` builds each side), its position is the maximum-likelihood
   split of that stretch, and the weakest candidate that fails is dropped until all pass. A
   regime shorter than `min_regime` between two changes is an excursion (a burst, or a run of
   builds on the slower machine of a pool) and fails. A drift check fits level + slope + step
   on the stretch: a slow drift has no step once the slope is accounted for, so it is not cut
   into pieces.

The thresholds are fixed (they do not grow with the length of the series), so a false-alert rate
per build holds for any length and a change found at build k stays at k as builds arrive. All
statistics are invariant to shifting and scaling the series. Missing values (None, NaN, +-inf)
are skipped; indexes always refer to the original positions.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float64]
Values = Sequence[float | None]

MEDIAN_HALF = 4  # the running median covers 2 * 4 + 1 = 9 builds: bursts of up to 4 vanish
BLOCK = 16  # the local spread is measured per block of this many builds
NORMAL_MAD = 1.4826  # MAD to standard deviation for normal noise


@dataclass(frozen=True, slots=True)
class Settings:
    """Detector settings; `change_points(values, **settings)` overrides any of them by name."""

    threshold: float = 4.0  # MOSUM candidate threshold, in standard errors
    confirm: float = 5.5  # validation threshold on the segments between neighbours
    scales: tuple[int, ...] = (5, 10, 20, 40, 80)  # MOSUM windows (builds per side)
    max_window: int = 120  # at most this many builds per side in validation
    min_size: int = 4  # builds needed on each side of a change (and between two changes)
    min_regime: int = 10  # a shorter regime between two changes is an excursion (a burst)
    min_length: int = 10  # series with fewer present values report nothing
    clip: float = 3.0  # winsorize at the running median +- clip local spreads
    drift_ratio: float = 0.5  # with a linear trend fitted, the step keeps this share of its size
    drift_t: float = 3.0  # ... and stands this many standard errors clear of zero

    def __post_init__(self) -> None:
        if self.min_size < 2 or self.min_length < 2 * self.min_size:
            raise ValueError("min_size must be >= 2 and min_length >= 2 * min_size")
        if not self.scales or min(self.scales) < 2:
            raise ValueError("scales must be windows of at least 2 builds")


@dataclass(frozen=True, slots=True)
class Split:
    """A change in the compressed series (present values only): the first index after it."""

    index: int
    score: float
    before: float
    after: float


@dataclass(slots=True)
class Prepared:
    """The present values, their positions, the winsorized values and squared residuals."""

    raw: Array
    positions: npt.NDArray[np.int64]
    clean: Array
    resid2: Array
    settings: Settings = field(default_factory=Settings)


def prepare(values: Values, settings: Settings) -> Prepared:
    """Drop missing values, then winsorize against the running median of 9 builds."""
    raw = np.array(values, dtype=np.float64)  # None becomes NaN
    positions = np.flatnonzero(np.isfinite(raw)).astype(np.int64)
    present = raw[positions]
    # Centred: exact zeros for a constant series; no effect on any statistic.
    x = present - np.median(present) if len(present) else present
    median = _running_median(x, MEDIAN_HALF)
    resid = x - median
    limit = settings.clip * _local_spread(resid)
    clipped = np.clip(resid, -limit, limit)
    return Prepared(
        raw=present,
        positions=positions,
        clean=median + clipped,
        resid2=clipped**2,
        settings=settings,
    )


def _running_median(x: Array, half: int) -> Array:
    if len(x) < 2 * half + 1:
        return np.full_like(x, np.median(x)) if len(x) else x.copy()
    padded = np.pad(x, half, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    # The middle order statistic of an odd window; partition is cheaper than np.median.
    return np.asarray(np.partition(windows, half, axis=1)[:, half], dtype=np.float64)


def _local_spread(resid: Array) -> Array:
    """A robust noise scale per build: the MAD of residuals over about five blocks."""
    n = len(resid)
    if n == 0:
        return resid.copy()
    blocks = -(-n // BLOCK)
    padded = np.full(blocks * BLOCK, np.nan)
    padded[:n] = np.abs(resid)
    per_block = np.nanmedian(padded.reshape(blocks, BLOCK), axis=1)
    if blocks >= 5:
        per_block = _running_median(per_block, 2)
    spread = NORMAL_MAD * np.repeat(per_block, BLOCK)[:n]
    floor = 1e-12 * float(np.max(np.abs(resid)))
    return np.asarray(np.maximum(spread, floor), dtype=np.float64)


def prefix(x: Array) -> Array:
    """Cumulative sums with a leading zero: sum(x[a:b]) = c[b] - c[a]."""
    return np.concatenate(([0.0], np.cumsum(x)))


def mosum(
    prep: Prepared, scale: int, sums: Array, sq: Array
) -> tuple[npt.NDArray[np.int64], Array]:
    """Candidate indexes i in [G, n - G] and their signed MOSUM statistics at window G
    (`sums` and `sq` are the prefix sums of the clean values and of the squared residuals)."""
    n = len(prep.clean)
    idx = np.arange(scale, n - scale + 1, dtype=np.int64)
    before = (sums[idx] - sums[idx - scale]) / scale
    after = (sums[idx + scale] - sums[idx]) / scale
    span = max(scale, 2 * BLOCK)
    lo, hi = np.maximum(idx - span, 0), np.minimum(idx + span, n)
    var_b = (sq[idx] - sq[lo]) / (idx - lo)
    var_a = (sq[hi] - sq[idx]) / (hi - idx)
    # A floor relative to the data keeps a noiseless step finite, so the peak is its middle.
    floor = (1e-9 * float(np.max(np.abs(prep.clean)))) ** 2
    return idx, standardize(after - before, np.maximum((var_b + var_a) / scale, floor))


def standardize(diff: Array, var: Array) -> Array:
    """diff / sqrt(var), with 0/0 = 0 and x/0 = +-inf (a step in a noiseless series)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / np.sqrt(var)
        step = np.where(diff == 0, 0.0, np.sign(diff) * np.inf)
    return np.asarray(np.where(var > 0, z, step), dtype=np.float64)


def candidates(prep: Prepared) -> list[tuple[int, int]]:
    """(index, window) pairs, merged bottom-up: small windows first, as they place a change best;
    a larger window only adds places that no smaller one has claimed."""
    s = prep.settings
    n = len(prep.clean)
    chosen: list[tuple[int, int]] = []
    claimed: list[int] = []  # the chosen indexes, sorted
    sums, sq = prefix(prep.clean), prefix(prep.resid2)
    for scale in sorted(s.scales):
        if 2 * scale > n:
            break
        idx, z = mosum(prep, scale, sums, sq)
        gap = max(s.min_size, scale // 2)
        for k in _peaks(idx, np.abs(z), s.threshold, scale):
            at = bisect.bisect_left(claimed, k)
            near = claimed[max(at - 1, 0) : at + 1]
            if all(abs(k - c) >= gap for c in near):
                claimed.insert(at, k)
                chosen.append((k, scale))
    return sorted(chosen)


def _peaks(idx: npt.NDArray[np.int64], z: Array, threshold: float, scale: int) -> list[int]:
    """The arg-max of each run of exceedances (runs closer than scale/2 join)."""
    over = np.flatnonzero(z >= threshold)
    if not len(over):
        return []
    breaks = np.flatnonzero(np.diff(over) > max(1, scale // 2)) + 1
    return [int(idx[run[int(np.argmax(z[run]))]]) for run in np.split(over, breaks)]
