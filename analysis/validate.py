"""The second pass: place each candidate change exactly and keep only those that hold up.

A candidate from the moving sums is tested again on the longest clean stretch it has: from the
previous change to the next one, at most `max_window` builds each side. Its position is the split
of that stretch with the largest CUSUM (the maximum-likelihood split for one mean shift), its
score a Welch statistic of the two sides. Candidates that fail are dropped weakest first, and
their neighbours are re-placed and re-tested on the longer stretches they gain.
"""

from __future__ import annotations

import logging

import numpy as np

from analysis.mosum import Array, Prepared, Split, prefix

log = logging.getLogger(__name__)

VAR_SPAN = 32  # the noise of each side is measured over at least this many builds


class Stretch:
    """Prefix sums of one prepared series, for O(1) means and variances of any segment."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.sums = prefix(prep.clean)
        self.sq = prefix(prep.clean**2)
        self.n = len(prep.clean)

    def mean(self, a: int, b: int) -> float:
        return float(self.sums[b] - self.sums[a]) / (b - a)

    def var(self, a: int, b: int) -> float:
        """The variance of the winsorized values of [a, b) (about their own mean)."""
        mean = self.mean(a, b)
        return max(0.0, float(self.sq[b] - self.sq[a]) / (b - a) - mean * mean)

    def best_split(self, a: int, b: int, first: int, last: int) -> int:
        """The j in [first, last] maximising |mean(a:j) - mean(j:b)| * sqrt((j-a)(b-j)/(b-a))."""
        j = np.arange(first, last + 1)
        left = (self.sums[j] - self.sums[a]) / (j - a)
        right = (self.sums[b] - self.sums[j]) / (b - j)
        cusum: Array = np.abs(right - left) * np.sqrt((j - a) * (b - j) / (b - a))
        return int(j[int(np.argmax(cusum))])

    def slope(self, a: int, b: int) -> tuple[float, float]:
        """A slope from the means of the two halves of [a, b), and its weight (inverse variance)."""
        half = (b - a) // 2
        if half < 2:
            return 0.0, 0.0
        rise = self.mean(b - half, b) - self.mean(a, a + half)
        return rise / (b - a - half), float(b - a) ** 3

    def evaluate(self, lo: int, k: int, hi: int, radius: int) -> Split | None:
        """Place the change near k between neighbours lo and hi; None when there is no room."""
        s = self.prep.settings
        a, b = max(lo, k - s.max_window), min(hi, k + s.max_window)
        first, last = max(a + s.min_size, k - radius), min(b - s.min_size, k + radius)
        if first > last:
            return None
        j = self.best_split(a, b, first, last)
        a, b = max(lo, j - s.max_window), min(hi, j + s.max_window)
        jump = self.mean(j, b) - self.mean(a, j)
        span = max(VAR_SPAN, s.min_regime)
        var_b = self.var(max(0, min(a, j - span)), j)
        var_a = self.var(j, min(self.n, max(b, j + span)))
        var = var_b / (j - a) + var_a / (b - j)
        score = abs(jump) / np.sqrt(var) if var > 0 else (np.inf if jump else 0.0)
        if not self.explains_level_shift(a, j, b, jump):
            score = 0.0
        raw = self.prep.raw
        return Split(
            index=j,
            score=float(score),
            before=float(np.median(raw[a:j])),
            after=float(np.median(raw[j:b])),
        )

    def explains_level_shift(self, a: int, j: int, b: int, jump: float) -> bool:
        """False when a common slope on both sides accounts for most of the jump (a drift)."""
        (s1, w1), (s2, w2) = self.slope(a, j), self.slope(j, b)
        if jump == 0 or w1 + w2 == 0:
            return jump != 0
        slope = (s1 * w1 + s2 * w2) / (w1 + w2)
        adjusted = jump - slope * (b - a) / 2
        return adjusted * jump > 0 and abs(adjusted) >= self.prep.settings.drift_ratio * abs(jump)


def validate(prep: Prepared, found: list[tuple[int, int]]) -> list[Split]:
    """Re-place and re-test candidates; drop the weakest failing one until all pass."""
    stretch = Stretch(prep)
    s = prep.settings
    points = [k for k, _ in found]
    radii = [scale for _, scale in found]
    splits: list[Split | None] = [None] * len(points)
    dirty = set(range(len(points)))
    while True:
        for i in sorted(dirty):
            lo = points[i - 1] if i > 0 else 0
            hi = points[i + 1] if i + 1 < len(points) else stretch.n
            splits[i] = stretch.evaluate(lo, points[i], hi, radii[i])
            if splits[i] is not None:
                points[i] = splits[i].index  # type: ignore[union-attr]
        failing = [
            i
            for i, sp in enumerate(splits)
            if sp is None or sp.score < s.confirm or _transient(points, i, s.min_regime)
        ]
        if not failing:
            return [sp for sp in splits if sp is not None]
        worst = min(failing, key=lambda i: -1.0 if splits[i] is None else splits[i].score)  # type: ignore[union-attr]
        del points[worst], radii[worst], splits[worst]
        dirty = {i for i in (worst - 1, worst) if 0 <= i < len(points)}


def _transient(points: list[int], i: int, min_regime: int) -> bool:
    """A regime shorter than min_regime between two changes is an excursion, not a change."""
    return (i > 0 and points[i] - points[i - 1] < min_regime) or (
        i + 1 < len(points) and points[i + 1] - points[i] < min_regime
    )
