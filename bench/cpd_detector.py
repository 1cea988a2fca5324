"""The plug-ins that ../shared/bench/cpd/score.py imports: perfdash's detector, indexes only.

    python ../shared/bench/cpd/score.py bench/cpd-data/series bench/cpd_detector.py:detect \\
        bench/cpd_detector.py:replay --anchors           (or simply: bench/cpd.sh)

`detect` is the offline analysis of the whole series (`analysis.change_points`). `replay` is the
alerting mode: the series arrives 10 builds at a time and each check extends the previous result
with `analysis.update`, which never moves or withdraws a change once reported; its timing columns
are the cost of the whole replay (n / 10 checks), not of one check.

The project must be importable (run from the project root with PYTHONPATH=.); numpy is the only
third-party package it needs, so it runs in the anchors' virtual environment too.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import ChangePoint, change_points, update

REPLAY_STEP = 10  # builds between two checks in `replay`


def detect(values: list[float | None]) -> list[int]:
    """Every confirmed change (no direction, so no minimum effect), as indexes."""
    return [point.index for point in change_points(values)]


def replay(values: list[float | None]) -> list[int]:
    """What the alerting loop would have reported, checking every REPLAY_STEP builds."""
    found: list[ChangePoint] = []
    for end in range(REPLAY_STEP, len(values), REPLAY_STEP):
        found = update(values[:end], found)
    return [point.index for point in update(values, found)]
