"""`perfdash chart trend|compare` against a real SQLite file, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from charts.compare import compare_size
from storage import Repository
from storage.records import Build, Sample
from tests.bot.chart_fixtures import JOB, START, add_finding, fill
from tests.charts.pngs import png_size


@pytest.fixture
def config(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'perfdash.db'}"
    repo = Repository.open(url)
    repo.upgrade()
    with repo.connection():
        fill(repo)
        add_finding(repo)
    repo.close()
    path = tmp_path / "perfdash.toml"
    path.write_text(f'[storage]\nurl = "{url}"\n')
    return path


def run(config: Path, *args: str) -> int:
    return main(["--config", str(config), "chart", *args])


def test_trend_writes_a_png(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "trend.png"
    code = run(
        config,
        "trend",
        "--job",
        JOB,
        "--metric",
        "latency",
        "--tag",
        "bs=4k",
        "--lab",
        "lab1",
        "--last",
        "5",
        "-o",
        str(out),
    )
    assert code == 0
    assert png_size(out.read_bytes()) == (1200, 675)
    assert capsys.readouterr().out.startswith(f"wrote {out} (")


def test_trend_over_two_labs_and_two_tags(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "trend.png"
    assert run(config, "trend", "--job", JOB, "--metric", "latency", "-o", str(out)) == 0
    assert png_size(out.read_bytes()) == (1200, 675)


def test_compare_builds_and_labs(config: Path, tmp_path: Path) -> None:
    builds, labs = tmp_path / "builds.png", tmp_path / "labs.png"
    assert (
        run(
            config,
            "compare",
            "--job",
            JOB,
            "--builds",
            "5",
            "6",
            "--lab",
            "lab1",
            "-o",
            str(builds),
        )
        == 0
    )
    assert png_size(builds.read_bytes()) == compare_size(3)
    assert (
        run(
            config,
            "compare",
            "--job",
            JOB,
            "--metric",
            "latency",
            "--lab",
            "lab1",
            "--lab",
            "lab2",
            "-o",
            str(labs),
        )
        == 0
    )
    assert png_size(labs.read_bytes()) == compare_size(2)


def test_compare_builds_of_one_metric(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "builds.png"
    args = ["--job", JOB, "--builds", "5", "6", "--lab", "lab1", "--metric", "latency"]
    assert run(config, "compare", *args, "-o", str(out)) == 0
    assert png_size(out.read_bytes()) == compare_size(2)


def test_too_many_series_name_the_tags_to_narrow_with(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = config.read_text().split('"')[1]
    repo = Repository.open(url)
    with repo.connection():
        build = Build(lab="lab1", job=JOB, number=9, started=START)
        repo.save_build(build, [Sample("qd", 1.0, "ms", tags={"qd": str(2**i)}) for i in range(7)])
    repo.close()
    out = tmp_path / "x.png"
    assert run(config, "trend", "--job", JOB, "--metric", "qd", "-o", str(out)) == 2
    message = "7 series match; narrow them with --tag (qd=1|16|2|32|4|64|8)"
    assert capsys.readouterr().err == f"perfdash: {message}\n"
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["trend", "--job", "perf/fi", "--metric", "latency"],
            1,
            "unknown job 'perf/fi'; did you mean perf/fio?",
        ),
        (
            ["trend", "--job", JOB, "--metric", "latncy"],
            1,
            "unknown metric 'latncy'; did you mean latency?",
        ),
        (
            ["trend", "--job", JOB, "--metric", "latency", "--lab", "lab9"],
            1,
            "unknown lab 'lab9'; did you mean lab2, lab1?",
        ),
        (
            ["trend", "--job", JOB, "--metric", "latency", "--tag", "bs=8k"],
            1,
            "unknown bs value '8k'; did you mean 4k?",
        ),
        (
            ["trend", "--job", JOB, "--metric", "latency", "--tag", "size=4k"],
            1,
            "unknown tag 'size'; known: bs",
        ),
        (
            ["trend", "--job", JOB, "--metric", "latency", "--tag", "bs"],
            2,
            "--tag 'bs' must look like key=value",
        ),
        (
            ["compare", "--job", JOB, "--builds", "5", "6"],
            2,
            "perf/fio runs in lab1, lab2: pick one with --lab",
        ),
        (
            ["compare", "--job", JOB, "--builds", "5", "99", "--lab", "lab1"],
            1,
            "build #99 of perf/fio in lab1 is not stored",
        ),
        (
            ["compare", "--job", JOB, "--lab", "lab1"],
            2,
            "give --builds A B, or two different labs: --lab A --lab B",
        ),
    ],
)
def test_bad_input_is_one_sentence_and_writes_nothing(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    out = tmp_path / "x.png"
    assert run(config, *args, "-o", str(out)) == code
    assert capsys.readouterr().err == f"perfdash: {message}\n"
    assert not out.exists()


def test_no_points_in_the_window_is_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text(f'[storage]\nurl = "sqlite:///{tmp_path / "empty.db"}"\n')
    assert (
        run(empty, "trend", "--job", JOB, "--metric", "latency", "-o", str(tmp_path / "x.png")) == 1
    )
    assert capsys.readouterr().err == f"perfdash: unknown job '{JOB}'; no jobs are stored yet\n"


def test_bad_numbers_are_usage_errors(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(config, "trend", "--job", JOB, "--metric", "latency", "--last", "0", "-o", "x.png")
    assert exit_info.value.code == 2
    assert "argument --last: '0' must be 1 or more" in capsys.readouterr().err


def test_unwritable_output_is_a_failure(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing-dir" / "x.png"
    assert run(config, "trend", "--job", JOB, "--metric", "latency", "-o", str(out)) == 1
    assert capsys.readouterr().err == f"perfdash: cannot write {out}: No such file or directory\n"


def test_commands_that_never_draw_do_not_load_matplotlib() -> None:
    code = "import sys, bot.cli; sys.exit('matplotlib' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env={"PYTHONPATH": str(root)}, check=False
    )
    assert result.returncode == 0
