"""Hypothesis properties of analysis.change_points (deterministic: derandomized examples)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import change_points, update

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True)


def series(seed: int, n: int, steps: list[tuple[int, float]], sigma: float) -> list[float]:
    """Gaussian noise (sd `sigma`) around a level that moves by `pct` % at each (index, pct)."""
    rng = random.Random(seed)
    level, moves, out = 100.0, dict(steps), []
    for i in range(n):
        level *= 1 + moves.get(i, 0.0) / 100
        out.append(level + rng.gauss(0, sigma))
    return out


def indexes(values: list[float | None]) -> list[int]:
    return [p.index for p in change_points(values)]


@PROPERTY
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 500))
def test_a_constant_series_has_no_change(level: float, n: int) -> None:
    assert change_points([level] * n) == []


@PROPERTY
@given(
    st.integers(0, 2**32),
    st.integers(40, 400),
    st.integers(20, 380),
    st.floats(8, 30),
    st.booleans(),
)
def test_an_injected_step_is_found_where_it_is(
    seed: int, n: int, at: int, pct: float, down: bool
) -> None:
    at = min(at, n - 20)
    values = series(seed, n, [(at, -pct if down else pct)], sigma=1.0)
    assert indexes(values) == [at]


@PROPERTY
@given(st.integers(0, 2**32), st.floats(1e-3, 1e3), st.floats(-1e4, 1e4))
def test_shift_and_scale_leave_indexes_unchanged(seed: int, scale: float, shift: float) -> None:
    rng = random.Random(seed)
    steps = [(k, rng.choice([-1, 1]) * rng.uniform(3, 25)) for k in (60, 130, 200)]
    values = series(seed, 260, steps, sigma=1.0)
    moved: list[float | None] = [v * scale + shift for v in values]
    flipped: list[float | None] = [-v for v in values]
    assert indexes(moved) == indexes(list(values)) == indexes(flipped)


@PROPERTY
@given(st.integers(0, 2**32), st.lists(st.integers(0, 159), max_size=30))
def test_missing_values_do_not_move_a_change(seed: int, holes: list[int]) -> None:
    values: list[float | None] = list(series(seed, 160, [(80, 15.0)], sigma=1.0))
    for i in holes:
        if i != 80:
            values[i] = None
    assert indexes(values) == [80]


@PROPERTY
@given(st.integers(0, 2**32), st.integers(30, 120))
def test_a_change_stays_in_place_as_builds_arrive(seed: int, at: int) -> None:
    values = series(seed, at + 150, [(at, 12.0)], sigma=1.0)
    seen = []
    for end in range(at + 10, len(values) + 1, 7):
        seen.extend(p.index for p in change_points(values[:end]))
    assert set(seen) == {at}


@PROPERTY
@given(st.integers(0, 2**32))
def test_replaying_builds_through_update_matches_the_offline_result(seed: int) -> None:
    values = series(seed, 700, [(150, 10.0), (400, -8.0), (560, 15.0)], sigma=1.0)
    found: list = []
    for end in range(1, len(values) + 1, 25):
        found = update(values[:end], found)
    found = update(values, found)
    assert [p.index for p in found] == indexes(list(values)) == [150, 400, 560]
