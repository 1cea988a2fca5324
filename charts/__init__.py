"""Charts: plain specs in, PNG bytes out (matplotlib `Figure` and the Agg canvas, never pyplot).

`render(spec)` draws a `TrendSpec`, `CompareSpec`, `AlertSpec` or `DigestSpec`; a spec that
cannot be drawn raises `ChartError` with one sentence. The package knows nothing of the database
or of Slack. matplotlib keeps a font cache in MPLCONFIGDIR; unless one is set, it goes to a
persistent folder so the cache is not rebuilt on every start (the only environment access here,
and it must happen before matplotlib is imported).

matplotlib itself loads on the first use of `render` (about half a second), so importing the
specs and `ChartError` stays cheap for the CLI commands that never draw.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("MPLCONFIGDIR", str(Path.home() / ".cache" / "perfdash" / "matplotlib"))

from charts.errors import ChartError
from charts.specs import (
    MAX_LINES,
    AlertSpec,
    CompareRow,
    CompareSpec,
    DigestPanel,
    DigestSpec,
    Marker,
    TrendLine,
    TrendSpec,
)

__all__ = [
    "MAX_LINES",
    "AlertSpec",
    "ChartError",
    "CompareRow",
    "CompareSpec",
    "DigestPanel",
    "DigestSpec",
    "Marker",
    "TrendLine",
    "TrendSpec",
    "render",
]

if TYPE_CHECKING:
    from charts.renderer import render


def __getattr__(name: str) -> Any:
    if name == "render":
        from charts.renderer import render

        globals()["render"] = render  # later look-ups skip this function
        return render
    raise AttributeError(f"module 'charts' has no attribute {name!r}")
