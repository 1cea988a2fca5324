"""The second pass: place each candidate change exactly and keep only those that hold up.

A candidate from the moving sums is tested again on the longest clean stretch it has: from the
previous change to the next one, at most `max_window` builds each side. Its position is the split
of that stretch with the largest CUSUM (the maximum-likelihood split for one mean shift), its
score a Welch statistic of the two sides. Candidates that fail are dropped weakest first, and
their neighbours are re-placed and re-tested on the longer stretches they gain.
"""

from __future__ import annotations

import logging
import math

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
        self.tsums = prefix(np.arange(len(prep.clean)) * prep.clean)
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

    def evaluate(self, lo: int, k: int, hi: int, radius: int) -> tuple[int, float] | None:
        """Place the change near k between neighbours lo and hi: (index, score), or None when
        there is no room. The score is 0 when a linear drift explains the jump."""
        s = self.prep.settings
        a, b = max(lo, k - s.max_window), min(hi, k + s.max_window)
        first, last = max(a + s.min_size, k - radius), min(b - s.min_size, k + radius)
        if first > last:
            return None
        j = self.best_split(a, b, first, last)
        a, b = max(lo, j - s.max_window), min(hi, j + s.max_window)
        jump = self.mean(j, b) - self.mean(a, j)
        var_b, var_a = self.noise(j, a, b)
        var = var_b / (j - a) + var_a / (b - j)
        score = abs(jump) / math.sqrt(var) if var > 0 else (math.inf if jump else 0.0)
        return j, score if self.explains_level_shift(a, j, b, jump) else 0.0

    def noise(self, j: int, a: int, b: int) -> tuple[float, float]:
        """The variance of each side of j, each measured over at least VAR_SPAN values."""
        span = max(VAR_SPAN, self.prep.settings.min_regime)
        lo, hi = max(0, min(a, j - span)), min(self.n, max(b, j + span))
        var_b, var_a = self.var(lo, j), self.var(j, hi)
        # A side cut short by an end of the series has too few values to measure its noise:
        # it may not look quieter than the other side (this keeps the newest builds honest).
        if hi - j < span:
            var_a = max(var_a, var_b)
        if j - lo < span:
            var_b = max(var_b, var_a)
        return var_b, var_a

    def step_with_trend(self, a: int, j: int, b: int) -> tuple[float, float] | None:
        """Least squares of x[a:b] on (1, t - j, t >= j) from prefix sums, in O(1): the step
        and its variance; None when the fit is degenerate."""
        n, right = b - a, b - j
        sy, sy_right = self.sums[b] - self.sums[a], self.sums[b] - self.sums[j]
        suy = (self.tsums[b] - self.tsums[a]) - j * sy
        su = n * ((a + b - 1) / 2 - j)
        suu = _square_sum(j - a) + _square_sum(right - 1)
        sur = right * (right - 1) / 2
        gram = np.array([[n, su, right], [su, suu, sur], [right, sur, right]], dtype=np.float64)
        try:
            inverse = np.linalg.inv(gram)
        except np.linalg.LinAlgError:
            return None
        xty = np.array([sy, suy, sy_right], dtype=np.float64)
        beta = inverse @ xty
        rss = max(0.0, float(self.sq[b] - self.sq[a] - beta @ xty))
        return float(beta[2]), rss / max(n - 3, 1) * float(inverse[2, 2])

    def explains_level_shift(self, a: int, j: int, b: int, jump: float) -> bool:
        """False when a straight line through [a, b) accounts for the jump (a drift).

        Fits level + slope + step on the stretch by least squares; the step must keep its sign
        and `drift_ratio` of its size, and stand `drift_t` standard errors clear of zero.
        """
        if jump == 0:
            return False
        s = self.prep.settings
        fit = self.step_with_trend(a, j, b)
        if fit is None:
            return True
        step, var = fit
        if step * jump <= 0 or abs(step) < s.drift_ratio * abs(jump):
            return False
        return var == 0 or abs(step) / math.sqrt(var) >= s.drift_t


def validate(prep: Prepared, found: list[tuple[int, int]]) -> list[Split]:
    """Re-place and re-test candidates; drop the weakest failing one until all pass."""
    stretch = Stretch(prep)
    s = prep.settings
    points = [k for k, _ in found]
    radii = [scale for _, scale in found]
    scores = [-1.0] * len(points)  # -1: no room for a change there
    dirty = set(range(len(points)))
    while True:
        for i in sorted(dirty):
            lo = points[i - 1] if i > 0 else 0
            hi = points[i + 1] if i + 1 < len(points) else stretch.n
            placed = stretch.evaluate(lo, points[i], hi, radii[i])
            if placed is not None:
                points[i], scores[i] = placed
            else:
                scores[i] = -1.0
        failing = [
            i
            for i, score in enumerate(scores)
            if score < s.confirm or _transient(points, i, s.min_regime)
        ]
        if not failing:
            return _with_levels(prep, points, scores)
        worst = min(failing, key=lambda i: scores[i])
        del points[worst], radii[worst], scores[worst]
        dirty = {i for i in (worst - 1, worst) if 0 <= i < len(points)}


def _with_levels(prep: Prepared, points: list[int], scores: list[float]) -> list[Split]:
    """Each change with the medians of the raw values on each side (to its neighbours, at
    most max_window values)."""
    bounds = [0, *points, len(prep.raw)]
    window = prep.settings.max_window
    return [
        Split(
            index=j,
            score=score,
            before=float(np.median(prep.raw[max(bounds[i], j - window) : j])),
            after=float(np.median(prep.raw[j : min(bounds[i + 2], j + window)])),
        )
        for i, (j, score) in enumerate(zip(points, scores, strict=True))
    ]


def _transient(points: list[int], i: int, min_regime: int) -> bool:
    """A regime shorter than min_regime between two changes is an excursion, not a change."""
    return (i > 0 and points[i] - points[i - 1] < min_regime) or (
        i + 1 < len(points) and points[i + 1] - points[i] < min_regime
    )


def _square_sum(k: int) -> float:
    """1^2 + 2^2 + ... + k^2."""
    return k * (k + 1) * (2 * k + 1) / 6
