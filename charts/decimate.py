"""Min/max decimation: fewer points to draw, with every spike kept.

A line of tens of thousands of points is drawn at about one bucket per pixel column; each bucket
keeps its lowest and its highest value in their original order, so a one-build spike stays on the
chart where averaging or striding would drop it. Buckets with no value keep one missing value so
gaps stay gaps.
"""

from __future__ import annotations

import logging
from typing import Final

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Floats = npt.NDArray[np.float64]

BUCKETS: Final = 1000  # about one per pixel column of the plot area


def minmax_indices(values: Floats, buckets: int = BUCKETS) -> npt.NDArray[np.intp]:
    """Indices to keep, ascending: each bucket's min and max (or its first index when empty).

    Buckets hold consecutive points of equal count; at most `2 * buckets` indices come back, and
    every index when there are no more points than that.
    """
    count = len(values)
    if count <= 2 * buckets:
        return np.arange(count)
    size = -(-count // buckets)  # ceiling
    padded = np.full(size * buckets, np.nan)
    padded[:count] = values
    grid = padded.reshape(buckets, size)
    missing = np.isnan(grid)
    lows = np.where(missing, np.inf, grid).argmin(axis=1)
    highs = np.where(missing, -np.inf, grid).argmax(axis=1)
    empty = missing.all(axis=1)
    lows[empty] = 0
    highs[empty] = 0
    starts = np.arange(buckets) * size
    keep = np.concatenate([starts + lows, starts + highs])
    return np.unique(keep[keep < count])


def bucket_range(
    x: Floats, low: Floats, high: Floats, buckets: int = BUCKETS
) -> tuple[Floats, Floats, Floats]:
    """A band cut to `buckets` steps: each bucket's first x, lowest low and highest high."""
    count = len(x)
    if count <= 2 * buckets:
        return x, low, high
    size = -(-count // buckets)
    edges = np.arange(0, count, size)
    with np.errstate(invalid="ignore"):
        lows = np.fmin.reduceat(low, edges)
        highs = np.fmax.reduceat(high, edges)
    return x[edges], lows, highs
