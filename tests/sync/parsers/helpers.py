"""Helpers for the parser tests: the copied sample files and a lookup of one sample."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from storage.records import Sample
from sync.parsers import parse

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"


def read_sample(relative: str, fmt: str = "auto") -> list[Sample]:
    path = SAMPLE_DIR / relative
    return parse(path.read_bytes(), fmt, name=path.name)


def find(samples: list[Sample], metric: str, **tags: str) -> list[Sample]:
    """The samples of one metric whose tags are exactly `tags`."""
    return [s for s in samples if s.metric == metric and dict(s.tags) == tags]


def one(samples: list[Sample], metric: str, tags: Mapping[str, str] | None = None) -> Sample:
    found = find(samples, metric, **dict(tags or {}))
    assert len(found) == 1, f"{metric} {tags}: {len(found)} samples"
    return found[0]
