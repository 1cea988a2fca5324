"""`perfdash ask`: the same Router from the command line, its reply as readable text."""

from __future__ import annotations

import pytest

from bot.cli import main
from storage import Repository
from tests.bot.conftest import CONFIG, fill
from tests.fakes.jenkins import FakeJenkins, lab_toml
from tests.fakes.jenkins_results import add_perf_builds


@pytest.fixture
def config_path(tmp_path):
    db = tmp_path / "perfdash.db"
    repo = Repository.open(f"sqlite:///{db}")
    repo.upgrade()
    with repo.connection():
        fill(repo)
    repo.close()
    path = tmp_path / "perfdash.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{db}"\n{CONFIG}', encoding="utf-8")
    return path


def test_ask_prints_the_reply_as_text(config_path, capsys):
    assert main(["--config", str(config_path), "ask", "/perf regressions"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["Open regressions (1)", "===================="]
    assert "#1 `perf/fio-nightly` `read:iops blocksize=4k iodepth=32` in lab1" in out
    assert "*" not in out and '"type"' not in out


def test_ask_says_when_only_the_user_would_see_it(config_path, capsys):
    assert main(["--config", str(config_path), "ask", "labs"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("(only you see this)\nLabs (3)\n")
    assert "lab1 (Jenkins (https://jenkins.lab1.example/)): 2 jobs, 13 builds" in out


def test_a_wrong_chat_command_exits_2_with_its_sentence(config_path, capsys):
    assert main(["--config", str(config_path), "ask", "latest fio-nigthly"]) == 2
    out = capsys.readouterr().out
    assert "(!) No job named `fio-nigthly`. Did you mean `perf/fio-nightly`?" in out
    assert "Usage: `/perf latest JOB [lab=a,b]`" in out


def test_ask_acts_as_the_given_user(config_path, capsys):
    # An admin runs a real pass; the configured lab does not exist, and the reply says so.
    assert main(["--config", str(config_path), "ask", "sync lab1", "--user", "U0ADMIN"]) == 0
    assert "FAILED: lab 'lab1': https://jenkins.lab1.example/ cannot be reached" in (
        capsys.readouterr().out
    )
    assert main(["--config", str(config_path), "ask", "sync"]) == 2
    assert "Only perfdash admins" in capsys.readouterr().out


@pytest.fixture
def jenkins_config(tmp_path):
    """A config whose lab1 is a local fake Jenkins with five builds of perf/fio-nightly."""
    with FakeJenkins() as server:
        add_perf_builds(server, "perf/fio-nightly", range(1, 6))
        path = tmp_path / "perfdash.toml"
        path.write_text(
            f"""
[storage]
url = "sqlite:///{tmp_path / "perfdash.db"}"
[slack]
admins = ["U0ADMIN"]
{lab_toml(server.url, "perf/fio-nightly", timeout_s=5.0)}""",
            encoding="utf-8",
        )
        yield str(path)


def test_ask_syncs_for_an_admin_only(jenkins_config, monkeypatch, capsys):
    monkeypatch.setenv("LAB1_JENKINS_TOKEN", "s3cret")
    assert main(["--config", jenkins_config, "ask", "sync"]) == 2
    assert "Only perfdash admins" in capsys.readouterr().out
    assert main(["--config", jenkins_config, "ask", "sync LAB1", "--user", "U0ADMIN"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("(only you see this)\nSync of lab1 done\n")
    assert "synced 1 job of 1 lab" in out
    assert main(["--config", jenkins_config, "ask", "latest fio"]) == 0
    assert "lab1 #5 (" in capsys.readouterr().out


def test_a_missing_token_is_the_admins_error_not_a_crash(jenkins_config, monkeypatch, capsys):
    monkeypatch.delenv("LAB1_JENKINS_TOKEN", raising=False)
    assert main(["--config", jenkins_config, "ask", "sync", "--user", "U0ADMIN"]) == 2
    out = capsys.readouterr().out
    assert "environment variable LAB1_JENKINS_TOKEN" in out
    assert "reference" not in out


def test_ask_writes_the_chart_into_the_folder(config_path, tmp_path, capsys):
    out_dir = tmp_path / "out" / "charts"
    argv = ["--config", str(config_path), "ask", "trend fio iops lab=lab1", "-o", str(out_dir)]
    assert main(argv) == 0
    png = out_dir / "trend-perf-fio-nightly-read-iops.png"
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    out = capsys.readouterr().out
    assert f"wrote {png}" in out
    assert "[image: lab1 · perf/fio-nightly · read:iops" in out


def test_ask_without_a_folder_says_how_to_save_the_chart(config_path, tmp_path, capsys):
    assert main(["--config", str(config_path), "ask", "compare fio 1 2 lab=lab2"]) == 0
    assert "(use -o DIR to save the images)" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.png"))


def test_an_output_folder_that_is_a_file_is_one_sentence_and_exit_2(config_path, tmp_path, capsys):
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    argv = ["--config", str(config_path), "ask", "trend fio iops lab=lab1", "-o", str(blocker)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"perfdash: cannot create the output folder '{blocker}'")
    assert len(err.strip().splitlines()) == 1
