"""`perfdash ask`: the same Router from the command line, its reply as readable text."""

from __future__ import annotations

import pytest

from bot.cli import main
from storage import Repository
from tests.bot.conftest import CONFIG, fill


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
    assert out.startswith("(only you see this)\nLabs (2)\n")
    assert "lab1 (Jenkins (https://jenkins.lab1.example/)): 2 jobs, 13 builds" in out


def test_a_wrong_chat_command_exits_2_with_its_sentence(config_path, capsys):
    assert main(["--config", str(config_path), "ask", "latest fio-nigthly"]) == 2
    out = capsys.readouterr().out
    assert "(!) No job named `fio-nigthly`. Did you mean `perf/fio-nightly`?" in out
    assert "Usage: `/perf latest JOB [lab=a,b]`" in out


def test_ask_acts_as_the_given_user(config_path, capsys):
    assert main(["--config", str(config_path), "ask", "sync", "--user", "U0ADMIN"]) == 2
    assert "cannot sync" in capsys.readouterr().out
    assert main(["--config", str(config_path), "ask", "sync"]) == 2
    assert "Only perfdash admins" in capsys.readouterr().out
