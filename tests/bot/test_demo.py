"""`perfdash demo` runs the whole loop on generated results, as `make demo` does."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo.data import LOAD_REGRESSION_BUILD, REGRESSION_BUILD
from bot.demo.run import run_demo

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def test_demo_finds_the_planted_regressions(tmp_path: Path) -> None:
    out = io.StringIO()
    result = run_demo(tmp_path / "demo", now=NOW, out=out)
    assert result.builds == 160
    changes = {
        (d.finding.series.key.job, d.finding.series.key.lab, d.finding.build_after)
        for d in result.findings
    }
    assert changes == {
        ("perf/fio-nightly", "lab1", REGRESSION_BUILD),
        ("perf/api-load", "lab1", LOAD_REGRESSION_BUILD),
    }
    assert all(d.finding.kind.value == "regression" for d in result.findings)
    assert result.images and all(p.read_bytes().startswith(PNG) for p in result.images)
    text = out.getvalue()
    assert "Did you mean `randread:read:iops`" in text
    with (tmp_path / "demo" / "export.csv").open() as export:
        assert sum(1 for _ in csv.reader(export)) == result.points + 1


def test_demo_is_repeatable(tmp_path: Path) -> None:
    first = run_demo(tmp_path, now=NOW, out=io.StringIO())
    again = run_demo(tmp_path, now=NOW, out=io.StringIO())
    assert (again.builds, again.points, len(again.findings)) == (
        first.builds,
        first.points,
        len(first.findings),
    )


def test_demo_cli_and_its_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "d"
    assert main(["demo", "--dir", str(folder)]) == 0
    assert "Done: 160 builds" in capsys.readouterr().out
    config = str(folder / "perfdash.toml")
    assert main(["--config", config, "ask", "latest api-load"]) == 0
    assert "perf/api-load" in capsys.readouterr().out


def test_demo_folder_that_cannot_be_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["demo", "--dir", str(blocker / "sub")]) == 2
    assert capsys.readouterr().err.startswith("perfdash: cannot prepare the demo folder")
