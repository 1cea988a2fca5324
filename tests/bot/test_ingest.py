"""`perfdash ingest` and `perfdash formats` through the real CLI and a real SQLite file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.cli import main
from storage import Repository
from sync.parsers import FORMATS
from tests.conftest import SAMPLES

JTL = SAMPLES / "performance-plugin" / "JMeterResultsTenSamples.jtl"
FIO = SAMPLES / "fio" / "pkb__hist__pkb-7fb0c9d8-0_fio.json"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "perfdash.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path / "perfdash.db"}"\n')
    return path


def stored(config: Path) -> list[tuple[str, int, str, str, float]]:
    url = config.read_text().split('"')[1]
    repo = Repository.open(url)
    try:
        with repo.connection():
            return [(r.job, r.build, r.metric, r.tags, r.value) for r in repo.export_rows()]
    finally:
        repo.close()


def ingest(config: Path, *args: str) -> int:
    return main(["--config", str(config), "ingest", *args])


def test_ingest_two_files_as_one_build(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = ingest(config, str(JTL), str(FIO), "--lab", "lab1", "--job", "perf/fio", "--build", "7")
    out = capsys.readouterr()
    assert code == 0, out.err
    assert f"{JTL}: 45 samples (jtl-xml)" in out.out
    assert "stored lab1 perf/fio #7: 63 points, 63 new series" in out.out
    rows = stored(config)
    assert ("perf/fio", 7, "latency:mean", "", 5.5) in rows
    assert len(rows) == 63


def test_a_bad_file_is_named_and_left_out(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truncated = tmp_path / "truncated.jtl"
    truncated.write_bytes(JTL.read_bytes()[:300])
    code = ingest(config, str(truncated), str(FIO), "--lab", "l", "--job", "j", "--build", "1")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == [f"perfdash: {truncated}: line 4: is not well-formed XML: unclosed token"]
    assert {row[2] for row in stored(config)} >= {"read:iops", "write:iops"}
    assert not any(row[2] == "count" for row in stored(config))  # nothing of the bad file


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (bytes(random.Random(1).randbytes(4096)), "is binary, not a text report"),
        (b"timeStamp,elapsed,label\n1,fast,a\n", "line 2: elapsed 'fast' is not a number"),
    ],
)
def test_bad_only_file_stores_nothing(
    config: Path, tmp_path: Path, content: bytes, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jtl"
    path.write_bytes(content)
    code = ingest(config, str(path), "--lab", "l", "--job", "j", "--build", "1")
    out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [f"perfdash: {path}: {message}"]  # one line, naming the file
    assert out.splitlines() == ["nothing stored: no file could be read"]
    assert stored(config) == []


def test_huge_junk_file_fails_at_once(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.jtl"
    with junk.open("wb") as out:
        block = b"lorem ipsum dolor sit amet, consectetur adipiscing elit\n" * 18724  # 1 MiB
        for _ in range(64):  # 64 MiB of text that is no report
            out.write(block)
    assert ingest(config, str(junk), "--lab", "l", "--job", "j", "--build", "1") == 1
    assert "is not in any known report format" in capsys.readouterr().err
    assert ingest(config, str(junk), "--lab", "l", "--job", "j", "--build", "1",
                  "--format", "jtl-csv") == 1  # fmt: skip
    assert "line 1: has neither a JMeter CSV header" in capsys.readouterr().err
    one_line = tmp_path / "one-line.jtl"
    one_line.write_bytes(b'"' + b"x,\n" * (1 << 20))  # a quote that never closes
    assert ingest(config, str(one_line), "--format", "jtl-csv", "--lab", "l", "--job", "j",
                  "--build", "1") == 1  # fmt: skip
    assert "line 1: has a quoted field that never ends" in capsys.readouterr().err


def test_missing_file_and_explicit_format(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = ingest(config, "/no/such/file.json", str(FIO), "--format", "fio",
                  "--lab", "l", "--job", "j", "--build", "2")  # fmt: skip
    out = capsys.readouterr()
    assert code == 1
    assert "perfdash: /no/such/file.json: No such file or directory" in out.err
    assert "(fio)" in out.out


def test_re_ingest_is_idempotent(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = (str(JTL), "--lab", "l", "--job", "j", "--build", "3", "--started", "2026-01-02T03:04")
    assert ingest(config, *args) == 0
    assert ingest(config, *args) == 0
    assert "0 new series" in capsys.readouterr().out.splitlines()[-1]
    assert len(stored(config)) == 45


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--build", "0"], "--build 0 is not a build number"),
        (["--build", "1", "--started", "yesterday"], "--started 'yesterday' is not an ISO 8601"),
    ],
)
def test_usage_errors(
    config: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ingest(config, str(JTL), "--lab", "l", "--job", "j", *args) == 2
    assert message in capsys.readouterr().err


def test_unknown_format_is_a_usage_error(config: Path) -> None:
    with pytest.raises(SystemExit) as info:
        ingest(config, str(JTL), "--lab", "l", "--job", "j", "--build", "1", "--format", "nope")
    assert info.value.code == 2


def test_formats_lists_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["auto", *FORMATS]
