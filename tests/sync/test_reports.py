"""sync.reports: which artifacts a report's glob picks."""

from __future__ import annotations

import pytest

from sync.reports import matching

PATHS = (
    "results/fio.json",
    "results/run1/fio.json",
    "results/fio.jsonl",
    "logs/results/fio.json",
    "summary.csv",
)


@pytest.mark.parametrize(
    ("glob", "picked"),
    [
        ("results/*.json", ["results/fio.json"]),
        ("results/**/*.json", ["results/fio.json", "results/run1/fio.json"]),
        ("**/fio.json", ["results/fio.json", "results/run1/fio.json", "logs/results/fio.json"]),
        ("results/fio.json?", ["results/fio.jsonl"]),
        ("/summary.csv", ["summary.csv"]),
        ("*.csv", ["summary.csv"]),
        ("results/[ab].json", []),  # brackets are literal characters, not a class
    ],
)
def test_globs_match_whole_paths(glob: str, picked: list[str]) -> None:
    assert matching(glob, PATHS) == picked
