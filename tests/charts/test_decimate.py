"""Min/max decimation keeps every bucket's extremes, in order, and keeps gaps."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from charts.decimate import bucket_range, minmax_indices

values = st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)), min_size=0, max_size=3000)


def test_short_series_are_kept_whole() -> None:
    assert minmax_indices(np.arange(10.0), buckets=5).tolist() == list(range(10))


def test_each_bucket_keeps_its_min_and_max_in_order() -> None:
    data = np.array([5.0, 1.0, 9.0, 2.0, 3.0, 8.0, 0.0, 4.0, 7.0, 6.0, 5.0, 5.0])
    # 12 points > 2 * 4: buckets of 3 are [5,1,9] [2,3,8] [0,4,7] [6,5,5]
    assert minmax_indices(data, buckets=4).tolist() == [1, 2, 3, 5, 6, 8, 9, 10]


def test_all_missing_bucket_keeps_one_gap() -> None:
    data = np.array([1.0, 2.0, 3.0, math.nan, math.nan, math.nan, 4.0, 5.0, 6.0])
    kept = minmax_indices(data, buckets=3)
    assert kept.tolist() == [0, 2, 3, 6, 8]
    assert math.isnan(data[3])


@given(values, st.integers(1, 200))
def test_decimation_properties(raw: list[float], buckets: int) -> None:
    data = np.array(raw, dtype=np.float64)
    kept = minmax_indices(data, buckets)
    whole = len(data) <= 2 * buckets
    assert len(kept) == len(data) if whole else len(kept) <= 2 * buckets
    assert kept.tolist() == sorted(set(kept.tolist()))
    assert all(0 <= i < len(data) for i in kept)
    finite = data[np.isfinite(data)]
    if len(finite):
        assert np.nanmax(data[kept]) == finite.max()
        assert np.nanmin(data[kept]) == finite.min()


@given(values, st.integers(1, 200))
def test_band_keeps_its_extremes(raw: list[float], buckets: int) -> None:
    data = np.array(raw, dtype=np.float64)
    x = np.arange(len(data), dtype=np.float64)
    bx, low, high = bucket_range(x, data - 1, data + 1, buckets)
    assert len(bx) == len(low) == len(high)
    assert len(bx) == len(data) if len(data) <= 2 * buckets else len(bx) <= buckets
    finite = data[np.isfinite(data)]
    if len(finite):
        assert np.nanmin(low) == finite.min() - 1
        assert np.nanmax(high) == finite.max() + 1
