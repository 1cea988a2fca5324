"""`perfdash export` and `perfdash db upgrade` through `main()`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage import Repository
from storage.records import Build, Direction, Sample


@pytest.fixture
def config(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    path = tmp_path / "perfdash.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{db}"\n')
    repo = Repository.open(f"sqlite:///{db}")
    repo.upgrade()
    with repo.connection():
        started = datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC)
        for n, v in ((1, 1500.5), (2, 1490.0)):
            samples = [
                Sample("read:iops", v, "IOPS", Direction.HIGHER, {"iodepth": "32", "bs": "4k"}),
                Sample("lat:p99", 2.5, "ms"),
            ]
            repo.save_build(Build("lab1", "perf/fio", n, started=started), samples)
    repo.close()
    return path


def test_csv(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "export", "--metric", "read:iops"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "lab,job,build,timestamp,metric,tags,unit,value",
        "lab1,perf/fio,1,2026-11-02T03:04:05Z,read:iops,bs=4k;iodepth=32,IOPS,1500.5",
        "lab1,perf/fio,2,2026-11-02T03:04:05Z,read:iops,bs=4k;iodepth=32,IOPS,1490.0",
    ]


def test_json(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "export", "--format", "json", "--lab", "lab1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {
        "lab": "lab1",
        "job": "perf/fio",
        "build": 1,
        "timestamp": "2026-11-02T03:04:05Z",
        "metric": "lat:p99",
        "tags": "",
        "unit": "ms",
        "value": 2.5,
    }
    assert len(rows) == 4


def test_empty_json_is_an_array(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "export", "--format", "json", "--job", "none"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_bad_usage_exits_2(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(config), "export", "--format", "xml"])
    assert caught.value.code == 2


def test_db_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path}/new.db"\n')
    assert main(["--config", str(path), "db", "upgrade"]) == 0
    assert "upgraded from version 0" in capsys.readouterr().out
    assert main(["--config", str(path), "db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_unusable_storage_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[storage]\nurl = "sqlite:////no/such/dir/x.db"\n')
    assert main(["--config", str(path), "export"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("perfdash: storage.url") and err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_reader_that_goes_away_gets_no_traceback(config: Path, fmt: str) -> None:
    """`perfdash export | head -1`: the pipe closes under the writer."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), "export", "--format", fmt],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1
