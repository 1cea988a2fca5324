"""`render(spec) -> PNG bytes`: one entry point, dispatching on the spec type through a dict.

matplotlib is not thread-safe (its rcParams, font cache and text layout are shared), so rendering
holds one module lock; the bot renders on a thread pool and each render waits its turn.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from charts.alert import draw_alert
from charts.compare import draw_compare
from charts.digest import draw_digest
from charts.errors import ChartError
from charts.specs import AlertSpec, CompareSpec, DigestSpec, Spec, TrendSpec
from charts.style import RC, to_png
from charts.trend import draw_trend

log = logging.getLogger(__name__)

_LOCK = threading.Lock()

DRAWERS: dict[type[Any], Callable[[Any], Figure]] = {
    TrendSpec: draw_trend,
    CompareSpec: draw_compare,
    AlertSpec: draw_alert,
    DigestSpec: draw_digest,
}


def render(spec: Spec) -> bytes:
    """The chart for `spec` as PNG bytes; `ChartError` when it cannot be drawn."""
    drawer = DRAWERS.get(type(spec))
    if drawer is None:
        raise ChartError(f"no chart draws a {type(spec).__name__}")
    with _LOCK, matplotlib.rc_context(RC):
        figure = drawer(spec)
        png = to_png(figure)
    log.debug("rendered %s: %d bytes", type(spec).__name__, len(png))
    return png
