"""analysis.change_points on literal series: values in, indexes out."""

from __future__ import annotations

import math
import random

import pytest

from analysis import ChangePoint, change_points, classify, min_effect_for, update


def indexes(values: list[float | None], **kwargs: object) -> list[int]:
    return [p.index for p in change_points(values, **kwargs)]


def noisy(levels: list[tuple[float, int]], sigma: float = 0.01, seed: int = 1) -> list[float]:
    """Concatenated regimes (level, length) with relative Gaussian noise."""
    rng = random.Random(seed)
    return [level * (1 + rng.gauss(0, sigma)) for level, length in levels for _ in range(length)]


def test_a_noiseless_step_is_found_at_its_first_value() -> None:
    assert indexes([10.0] * 8 + [12.0] * 8) == [8]


def test_a_constant_series_has_no_change() -> None:
    assert indexes([3.0] * 50) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            [1.0, 1.02, 0.99, 1.01, 1.0, 0.98, 1.01, 1.0, 1.02, 0.99, 1.01, 1.0] * 2
            + [1.2, 1.22, 1.19, 1.21, 1.2, 1.18, 1.21, 1.2, 1.22, 1.19, 1.21, 1.2] * 2,
            [24],
        ),
        (
            [
                5.0,
                5.1,
                4.9,
                5.0,
                5.05,
                4.95,
                5.0,
                5.1,
                4.9,
                5.0,
                9.0,
                5.0,
                4.95,
                5.05,
                5.0,
                5.1,
                4.9,
                5.0,
                5.05,
                4.95,
                5.0,
            ],
            [],
        ),  # one spike is not a change
    ],
)
def test_literal_series(values: list[float], expected: list[int]) -> None:
    assert indexes(values) == expected


def test_steps_of_a_noisy_series_are_found_in_place() -> None:
    values = noisy([(100.0, 60), (110.0, 50), (95.0, 70)])
    assert indexes(values) == [60, 110]


def test_spikes_and_a_burst_are_not_changes() -> None:
    values = noisy([(100.0, 200)], seed=3)
    for i in (20, 75, 140):
        values[i] *= 2.5
    values[100:104] = [170.0, 180.0, 160.0, 175.0]
    assert indexes(values) == []


def test_missing_values_keep_original_positions() -> None:
    values: list[float | None] = list(noisy([(50.0, 40), (60.0, 40)]))
    for i in (5, 12, 39, 55, 70):
        values[i] = None
    values[41] = math.nan
    assert indexes(values) == [40]


def test_series_shorter_than_the_minimum_report_nothing() -> None:
    assert indexes([1.0] * 4 + [2.0] * 5) == []  # 9 values
    assert indexes([1.0] * 5 + [2.0] * 5) == [5]  # 10 values
    assert indexes([None] * 30 + [1.0] * 4 + [2.0] * 5) == []  # 9 present values
    assert indexes([]) == []


def test_a_slow_drift_is_not_cut_into_steps() -> None:
    rng = random.Random(7)
    values = [100.0 * (1 + 0.25 * i / 600) * (1 + rng.gauss(0, 0.01)) for i in range(600)]
    assert indexes(values) == []


def test_levels_and_change_are_reported() -> None:
    (point,) = change_points([10.0] * 20 + [12.0] * 20)
    assert point == ChangePoint(
        index=20, before=10.0, after=12.0, change_pct=20.0, score=math.inf, kind=None
    )


def test_direction_classifies_and_drops_small_changes() -> None:
    values = noisy([(100.0, 80), (110.0, 80), (108.5, 80)], sigma=0.002)
    assert indexes(values) == [80, 160]  # a 1.4 % step is real in 0.2 % noise ...
    lower = change_points(values, direction="lower")
    assert [(p.index, p.kind) for p in lower] == [(80, "regression")]  # ... but below 2 %
    higher = change_points(values, direction="higher", min_effect_pct=1.0)
    assert [(p.index, p.kind) for p in higher] == [(80, "improvement"), (160, "regression")]


def test_a_change_from_zero_has_an_infinite_change_pct() -> None:
    (point,) = change_points([0.0] * 10 + [1.0] * 10, direction="lower")
    assert point.change_pct == math.inf
    assert point.kind == "regression"


def test_unknown_direction_and_setting_are_errors() -> None:
    with pytest.raises(ValueError, match="direction"):
        change_points([1.0] * 20, direction="sideways")
    with pytest.raises(ValueError, match="unknown detector setting"):
        change_points([1.0] * 20, treshold=3)
    with pytest.raises(ValueError, match="min_size"):
        change_points([1.0] * 20, min_size=1)


def test_classify_without_direction_keeps_everything() -> None:
    point = ChangePoint(index=3, before=1.0, after=1.001, change_pct=0.1, score=9.0)
    assert classify([point], None, 2.0) == [point]


def test_min_effect_prefers_exact_name_then_longest_pattern() -> None:
    overrides = {"*p99*": 5.0, "read.*p99*": 8.0, "read.iops": 1.0}
    assert min_effect_for("READ.iops", overrides) == 1.0
    assert min_effect_for("read.lat_p99", overrides) == 8.0
    assert min_effect_for("write.lat_p99", overrides) == 5.0
    assert min_effect_for("write.iops", overrides) == 2.0
    assert min_effect_for("write.iops", overrides, default=3.0) == 3.0


def test_update_keeps_earlier_changes_and_finds_new_ones() -> None:
    values = noisy([(100.0, 300), (120.0, 300), (100.0, 100)])
    first = change_points(values[:400])
    assert [p.index for p in first] == [300]
    later = update(values, first)
    assert later[0] is first[0]
    assert [p.index for p in later] == [300, 600]
    assert update(values, later) == later


def test_update_reads_only_a_window() -> None:
    """Values older than the window cannot change the result (they may even be garbage)."""
    values = noisy([(100.0, 5000), (130.0, 40)])
    garbage: list[float | None] = [None if i % 2 else 1e9 * i for i in range(4000)]
    assert [p.index for p in update(values, [])] == [5000]
    assert [p.index for p in update(garbage + values[4000:], [])] == [5000]
