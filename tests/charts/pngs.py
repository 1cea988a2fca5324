"""Reading back what `charts.render` wrote: is it a PNG, and of what pixel size."""

from __future__ import annotations

import io
import struct

import numpy as np
from matplotlib import image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk; fails on anything that is not a PNG."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR", "PNG without IHDR first"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pixels(data: bytes) -> np.ndarray:
    """The decoded image (height x width x channels); decoding proves the file is whole."""
    return np.asarray(image.imread(io.BytesIO(data), format="png"))


def colour_share(data: bytes, rgb: str, tolerance: float = 0.02) -> float:
    """The share of pixels within `tolerance` of the colour `#rrggbb`."""
    wanted = np.array([int(rgb[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    found = pixels(data)[..., :3]
    close = np.all(np.abs(found - wanted) <= tolerance, axis=-1)
    return float(close.mean())
