"""Pure analysis of performance series: change points and their classification.

Data in, values out: nothing here reads a clock, the environment, a database or the network.
"""

from analysis.changepoints import (
    DEFAULT_MIN_EFFECT_PCT,
    IMPROVEMENT,
    REGRESSION,
    ChangePoint,
    change_points,
    classify,
    horizon,
    merge,
    min_effect_for,
    update,
)
from analysis.mosum import Settings

__all__ = [
    "DEFAULT_MIN_EFFECT_PCT",
    "IMPROVEMENT",
    "REGRESSION",
    "ChangePoint",
    "Settings",
    "change_points",
    "classify",
    "horizon",
    "merge",
    "min_effect_for",
    "update",
]
