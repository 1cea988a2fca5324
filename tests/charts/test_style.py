"""Number formats, change arithmetic and verdict colours, checked exactly."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from charts.specs import MAX_LINES
from charts.style import (
    BETTER,
    LINE_COLOURS,
    NEUTRAL,
    WORSE,
    TickFormatter,
    axis_label,
    change_pct,
    compact_number,
    format_pct,
    format_value,
    verdict_colour,
)

CHARTS = Path(__file__).resolve().parents[2] / "charts"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (0.00123, "0.00123"),
        (1.5, "1.50"),
        (12.34, "12.3"),
        (999.6, "1,000"),
        (1234.0, "1,234"),
        (45_678.0, "45.7k"),
        (1_234_567.0, "1.23M"),
        (2.5e10, "25.0G"),
        (3e14, "300T"),
        (3e15, "3e+15"),
        (-1.7e308, "-1.7e+308"),
        (9_999.0, "9,999"),
        (10_000.0, "10.0k"),
        (-45_678.0, "-45.7k"),
        (math.nan, "n/a"),
        (math.inf, "n/a"),
    ],
)
def test_compact_number(value: float, text: str) -> None:
    assert compact_number(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(12.34, "ms", "12.3 ms"), (99.5, "%", "99.5%"), (45_678.0, "", "45.7k"), (None, "ms", "n/a")],
)
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    ("change", "text"),
    [(12.345, "+12.3%"), (-0.04, "-0.0%"), (1234.0, "+1,234%"), (None, "n/a"), (math.nan, "n/a")],
)
def test_format_pct(change: float | None, text: str) -> None:
    assert format_pct(change) == text


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [(10.0, 12.0, 20.0), (-10.0, -5.0, 50.0), (0.0, 0.0, 0.0), (0.0, 1.0, None), (None, 1.0, None)],
)
def test_change_pct(before: float | None, after: float | None, change: float | None) -> None:
    assert change_pct(before, after) == change


@pytest.mark.parametrize(
    ("change", "direction", "colour"),
    [
        (5.0, "lower", WORSE),
        (-5.0, "lower", BETTER),
        (5.0, "higher", BETTER),
        (-5.0, "higher", WORSE),
        (0.5, "lower", NEUTRAL),
        (None, "lower", NEUTRAL),
    ],
)
def test_verdict_colour(change: float | None, direction: str, colour: str) -> None:
    assert verdict_colour(change, direction, neutral_pct=1.0) == colour


def test_axis_label() -> None:
    assert axis_label("ms", "lower") == "ms  (↓ lower is better)"
    assert axis_label("", "higher") == "higher is better"


def test_charts_never_import_pyplot() -> None:
    """pyplot keeps global figure state; charts use `Figure` and the Agg canvas only (the
    project-wide import directions are checked in tests/test_import_direction.py)."""
    for path in CHARTS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            assert "matplotlib.pyplot" not in names, f"{path.name} imports pyplot"


@pytest.mark.parametrize(
    ("locs", "labels"),
    [
        ([9.5, 10.0, 10.5], ["9.5", "10.0", "10.5"]),
        ([0.0, 0.2, 0.4, 0.6000000000000001], ["0.0", "0.2", "0.4", "0.6"]),
        ([0, 100, 200], ["0", "100", "200"]),
        ([0.001, 0.002], ["0.001", "0.002"]),
        ([40_000, 42_500, 45_000], ["40.0k", "42.5k", "45.0k"]),
        ([1e6, 2e6], ["1M", "2M"]),
        ([1e-6, 1.5e-6, 2e-6], ["1.0e-6", "1.5e-6", "2.0e-6"]),
        ([0.0, 5e-7, 1e-6], ["0.0e-6", "0.5e-6", "1.0e-6"]),
        ([2e18, 2.5e18], ["2.0e18", "2.5e18"]),
    ],
)
def test_tick_labels_agree_with_each_other(locs: list[float], labels: list[str]) -> None:
    formatter = TickFormatter()
    formatter.set_locs(locs)
    assert [formatter(v) for v in locs] == labels


def test_each_trend_line_has_its_own_colour() -> None:
    assert len(LINE_COLOURS) >= MAX_LINES
    assert len(set(LINE_COLOURS[:MAX_LINES])) == MAX_LINES
