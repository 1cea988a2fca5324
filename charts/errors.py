"""The one error `charts` raises: a spec that cannot be drawn, said in one sentence."""

from __future__ import annotations


class ChartError(ValueError):
    """A spec that cannot be drawn (nothing to draw, mismatched lengths, unknown direction...)."""
