"""The plug-in that ../shared/bench/cpd/score.py imports: perfdash's detector, indexes only.

    python ../shared/bench/cpd/score.py bench/cpd-data bench/cpd_detector.py:detect --anchors

The project must be importable (run from the project root with PYTHONPATH=.); numpy is the only
third-party package it needs, so it runs in the anchors' virtual environment too.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import change_points


def detect(values: list[float | None]) -> list[int]:
    """Every confirmed change (no direction, so no minimum effect), as indexes."""
    return [point.index for point in change_points(values)]
