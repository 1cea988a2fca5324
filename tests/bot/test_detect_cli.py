"""`perfdash detect` end to end: a real SQLite file, the CLI's main(), its table and JSON."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.cli import main
from storage import Repository
from storage.records import Build, Direction, Result, Sample

JOB = "perf/fio-nightly"
KEYS = [
    "lab",
    "job",
    "metric",
    "tags",
    "unit",
    "kind",
    "build_before",
    "build_after",
    "value_before",
    "value_after",
    "change_pct",
]


def level(n: int, base: float, moves: dict[int, float]) -> float:
    for at, factor in moves.items():
        if n >= at:
            base *= factor
    return base


def seed_db(path: Path, builds: int = 200, lat_moves: dict[int, float] | None = None) -> None:
    """Latency (lower is better) up 15 % at build 120; IOPS (higher) up 8 % at build 60; build
    150 failed with a garbage IOPS value; a latency spike at build 90."""
    rng = random.Random(4)
    moves = {120: 1.15} if lat_moves is None else lat_moves
    repo = Repository.open(f"sqlite:///{path}")
    repo.upgrade()
    tags = {"iodepth": "32", "bs": "4k"}
    with repo.connection():
        for n in range(1, builds + 1):
            lat = level(n, 10.0, moves) * (1 + rng.gauss(0, 0.01)) * (3 if n == 90 else 1)
            iops = level(n, 5000.0, {60: 1.08}) * (1 + rng.gauss(0, 0.01))
            failed = n == 150
            repo.save_build(
                Build(
                    lab="lab1",
                    job=JOB,
                    number=n,
                    result=Result.FAILURE if failed else Result.SUCCESS,
                ),
                [
                    Sample("read.lat_p99", lat, "ms", Direction.LOWER, tags),
                    Sample("read.iops", 1.0 if failed else iops, "IOPS", Direction.HIGHER, tags),
                ],
            )
    repo.close()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "perfdash.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path / "perfdash.db"}"\n')
    return path


def run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), "detect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored_findings(config: Path) -> list[tuple[str, int]]:
    repo = Repository.open(f"sqlite:///{config.parent / 'perfdash.db'}")
    with repo.connection():
        found = [(f.series.key.metric, f.build_after) for f in repo.findings()]
    repo.close()
    return sorted(found)


def test_json_has_exactly_the_stable_keys(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    seed_db(config.parent / "perfdash.db")
    code, out, err = run(capsys, config, "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [list(row) for row in rows] == [KEYS, KEYS]
    iops, lat = rows
    assert {k: iops[k] for k in KEYS if not k.startswith(("value", "change"))} == {
        "lab": "lab1",
        "job": JOB,
        "metric": "read.iops",
        "tags": "bs=4k;iodepth=32",
        "unit": "IOPS",
        "kind": "improvement",
        "build_before": 59,
        "build_after": 60,
    }
    assert iops["change_pct"] == pytest.approx(8.0, abs=1.0)
    assert iops["value_before"] == pytest.approx(5000, rel=0.01)
    assert (lat["metric"], lat["kind"], lat["build_before"], lat["build_after"]) == (
        "read.lat_p99",
        "regression",
        119,
        120,
    )
    assert lat["change_pct"] == pytest.approx(15.0, abs=1.5)


def test_findings_are_stored_once(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    seed_db(config.parent / "perfdash.db")
    first = run(capsys, config, "--json")
    second = run(capsys, config, "--json")
    assert first == second
    assert stored_findings(config) == [("read.iops", 60), ("read.lat_p99", 120)]


def test_table_is_readable_and_marks_new_findings(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    seed_db(config.parent / "perfdash.db")
    code, out, _ = run(capsys, config, "--metric", "read.lat_p99")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "kind",
        "lab",
        "job",
        "metric",
        "tags",
        "builds",
        "before",
        "after",
        "change",
    ]
    assert lines[1].split()[:6] == [
        "regression",
        "lab1",
        JOB,
        "read.lat_p99",
        "bs=4k;iodepth=32",
        "119->120",
    ]
    assert lines[1].endswith("new")
    assert lines[2] == "1 change point, 1 new"
    _, again, _ = run(capsys, config, "--metric", "read.lat_p99")
    assert again.splitlines()[-1] == "1 change point, 0 new"


def test_per_metric_minimum_effect_from_the_config(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    seed_db(config.parent / "perfdash.db")
    config.write_text(
        config.read_text() + '[detection]\nmin_effect_pct_by_metric = { "*p99*" = 20.0 }\n'
    )
    code, out, _ = run(capsys, config, "--json")
    assert code == 0
    assert [row["metric"] for row in json.loads(out)] == ["read.iops"]


def test_only_the_newest_window_is_read_unless_full(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    seed_db(config.parent / "perfdash.db", builds=900, lat_moves={100: 1.2, 800: 0.8})
    _, out, _ = run(capsys, config, "--metric", "read.lat_p99", "--json")
    assert [row["build_after"] for row in json.loads(out)] == [800]
    _, out, _ = run(capsys, config, "--metric", "read.lat_p99", "--json", "--full")
    assert [row["build_after"] for row in json.loads(out)] == [100, 800]
    assert [b for m, b in stored_findings(config) if m == "read.lat_p99"] == [100, 800]


def test_an_empty_database_finds_nothing(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    assert run(capsys, config) == (0, "no change points found\n", "")
    assert run(capsys, config, "--json") == (0, "[]\n", "")


@pytest.mark.parametrize("args", [["--job", "perf/nope"], ["--lab", "lab9", "--metric", "x"]])
def test_an_unknown_name_is_one_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str], config: Path, args: list[str]
) -> None:
    seed_db(config.parent / "perfdash.db")
    code, out, err = run(capsys, config, *args)
    assert (code, out) == (2, "")
    assert err.startswith("perfdash: no stored series matches --")
    assert err.count("\n") == 1
    assert stored_findings(config) == []


def test_a_bad_minimum_in_the_config_is_exit_2(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    config.write_text(config.read_text() + "[detection]\nmin_effect_pct = -3\n")
    code, out, err = run(capsys, config)
    assert (code, out) == (2, "")
    assert "detection.min_effect_pct must be a percentage" in err


def test_a_change_from_zero_has_a_null_change_pct(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    repo = Repository.open(f"sqlite:///{config.parent / 'perfdash.db'}")
    repo.upgrade()
    with repo.connection():
        for n in range(1, 41):
            errors = 0.0 if n <= 20 else 3.0
            repo.save_build(
                Build(lab="lab1", job=JOB, number=n),
                [Sample("errors", errors, "count", Direction.LOWER)],
            )
    repo.close()
    code, out, _ = run(capsys, config, "--json")
    (row,) = json.loads(out)
    assert (code, row["kind"], row["build_after"], row["change_pct"]) == (0, "regression", 21, None)
    _, table, _ = run(capsys, config)
    assert "from 0" in table.splitlines()[1]
