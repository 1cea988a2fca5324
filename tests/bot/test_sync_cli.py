"""`perfdash sync`: the summary, --json, exit codes and one-sentence errors, end to end."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.subcommands.sync import ProgressLine
from bot.syncing import build_ranges, check_labs
from storage import Repository
from sync.records import Progress
from tests.fakes.jenkins import FakeJenkins, lab_toml
from tests.fakes.jenkins_results import add_perf_builds, perf_build

JOB = "perf/fio-nightly"


@pytest.fixture
def fake() -> Iterator[FakeJenkins]:
    with FakeJenkins() as server:
        add_perf_builds(server, JOB, range(1, 6))
        broken = perf_build(6, 5)
        broken.artifacts["results/broken.json"] = b"not a report"
        server.add_build(JOB, broken)
        server.add_build(JOB, perf_build(7, 5, result=None))
        yield server


def write_config(tmp_path: Path, url: str, *, down_lab: bool = False) -> str:
    text = f"""
[storage]
url = "sqlite:///{tmp_path / "perfdash.db"}"
{lab_toml(url, JOB)}"""
    if down_lab:
        text += """
[[labs]]
name = "lab2"
url = "http://127.0.0.1:9/"
timeout_s = 1.0
[[jobs]]
lab = "lab2"
name = "perf/other"
"""
    path = tmp_path / "perfdash.toml"
    path.write_text(text)
    return str(path)


def sync(config: str, *args: str) -> int:
    return main(["--config", config, "sync", *args])


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The right token in the environment; a test sets another one through the fixture."""
    monkeypatch.setenv("LAB1_JENKINS_TOKEN", "s3cret")
    return monkeypatch


@pytest.fixture
def config(fake: FakeJenkins, tmp_path: Path) -> str:
    return write_config(tmp_path, fake.url)


def test_summary_reads_well_and_a_second_pass_has_nothing_new(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sync(config) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"lab1 {JOB}: 6 new builds (1-6), 30 points; 1 still running (7)"
    assert out[1].startswith("  skipped build 6 results/broken.json: results/broken.json ")
    assert out[2].startswith("synced 1 job of 1 lab in ")
    assert out[2].endswith(": 6 new builds, 30 points, 1 skipped report")
    assert sync(config) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"lab1 {JOB}: 1 still running (7)"


def test_json_output_and_exit_1_when_one_lab_fails(
    fake: FakeJenkins, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, fake.url, down_lab=True)
    assert sync(config, "--json") == 1
    captured = capsys.readouterr()
    good, down = json.loads(captured.out)
    assert good["ok"] and good["new_builds"] == [1, 2, 3, 4, 5, 6] and good["running"] == [7]
    assert good["skipped"][0]["build"] == 6
    assert not down["ok"] and "cannot be reached" in down["error"]
    assert captured.err.splitlines()[-1] == "perfdash: 1 of 2 jobs failed to sync"
    repo = Repository.open(f"sqlite:///{tmp_path / 'perfdash.db'}")
    with repo.connection():
        assert repo.sync_state("lab2", "perf/other").last_error == down["error"]
        assert len(repo.builds("lab1", JOB)) == 6


def test_wrong_token_is_one_sentence_with_the_lab_and_variable(
    config: str, token: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token.setenv("LAB1_JENKINS_TOKEN", "wrong")
    assert sync(config) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"lab1 {JOB}: FAILED: lab 'lab1' refused user 'perfdash' (HTTP 401); check the API "
        "token in the environment variable LAB1_JENKINS_TOKEN"
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--lab", "lab3"],
            "s3cret",
            "perfdash: no lab named 'lab3' in the config; did you mean lab1?",
        ),
        (
            ["--job", "perf/fio"],
            "s3cret",
            f"perfdash: no job named 'perf/fio' in the config; did you mean {JOB}?",
        ),
        (
            [],
            "",
            "perfdash: lab 'lab1' needs its Jenkins API token in the environment variable "
            "LAB1_JENKINS_TOKEN",
        ),
    ],
)
def test_bad_usage_exits_2_with_one_sentence_and_stores_nothing(
    fake: FakeJenkins,
    config: str,
    token: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    env: str,
    message: str,
) -> None:
    token.setenv("LAB1_JENKINS_TOKEN", env)
    assert sync(config, *args) == 2
    assert capsys.readouterr().err.strip() == message
    assert fake.requests == []


def test_an_unknown_report_format_names_its_key(
    fake: FakeJenkins, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(config)
    path.write_text(path.read_text() + 'format = "fio-json"\n')
    assert sync(config) == 2
    assert capsys.readouterr().err.strip() == (
        "perfdash: jobs[0].reports[0].format 'fio-json' is not a report format; "
        "see `perfdash formats`"
    )
    assert fake.requests == []


def test_build_ranges() -> None:
    assert build_ranges([9, 1, 2, 3, 7, 10]) == "1-3, 7, 9-10"
    assert build_ranges([]) == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal() -> None:
    stream = Terminal()
    line = ProgressLine(stream)
    for done in range(1, 301):
        line(Progress("lab1", JOB, done, 300))
    line.clear()
    shown = stream.getvalue().split("\r\033[K")
    assert shown[1] == f"lab1 {JOB}: 3/300 builds" and shown[-2] == f"lab1 {JOB}: 300/300 builds"
    assert len(shown) == 102 and shown[-1] == ""  # one update per percent, then cleared


def test_check_labs_for_check_config_online(fake: FakeJenkins, tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, fake.url, down_lab=True))
    (ok, line), (down_ok, down) = check_labs(config, {"LAB1_JENKINS_TOKEN": "s3cret"})
    assert ok and line == f"lab 'lab1': {fake.url} answers, signed in as perfdash"
    assert not down_ok and down.startswith("lab 'lab2': http://127.0.0.1:9/ cannot be reached")
    ((bad, sentence), _) = check_labs(config, {"LAB1_JENKINS_TOKEN": "nope"})
    assert not bad and sentence.endswith("in the environment variable LAB1_JENKINS_TOKEN")


def test_check_config_online_asks_every_lab(
    fake: FakeJenkins, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", write_config(tmp_path, fake.url), "check-config", "--online"]) == 0
    out = capsys.readouterr().out
    assert f"Jenkins: lab 'lab1': {fake.url} answers, signed in as perfdash" in out
    assert "Slack: not checked" in out
    down = write_config(tmp_path, fake.url, down_lab=True)
    assert main(["--config", down, "check-config", "--online"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("Jenkins: lab 'lab2': http://127.0.0.1:9/ cannot be reached")
    assert err[-1] == "perfdash: 1 of 2 labs failed the online check"
