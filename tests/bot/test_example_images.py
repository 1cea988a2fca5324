"""docs/make_images.py still makes every example chart the docs show, at the expected sizes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from charts.compare import compare_size
from charts.digest import digest_size
from storage import Repository
from tests.charts.pngs import png_size

ROOT = Path(__file__).resolve().parents[2]
SIZES = {
    "trend.png": (1200, 675),
    "trend-labs.png": (1200, 675),
    "trend-tags.png": (1200, 675),
    "alert.png": (1200, 675),
    "compare-builds.png": compare_size(9),
    "compare-labs.png": compare_size(9),
    "digest.png": digest_size(6),
}


def test_example_images_render(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_images", ROOT / "docs" / "make_images.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    repo = Repository.open(f"sqlite:///{tmp_path / 'examples.db'}")
    repo.upgrade()
    with repo.connection():
        module.fill(repo)
        module.add_findings(repo)
        module.render_all(repo, tmp_path / "images")
    repo.close()
    made = {path.name: png_size(path.read_bytes()) for path in (tmp_path / "images").iterdir()}
    assert made == SIZES
    shown = set(re.findall(r"images/([\w-]+\.png)", (ROOT / "docs" / "charts.md").read_text()))
    assert shown == set(SIZES)
