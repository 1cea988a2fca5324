"""`perfdash check-config --online` asks the (local) Slack whether the tokens work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack().start() as fake:
        yield fake
    assert fake.unknown == []


def _config(tmp_path: Path, api_url: str, mode: str = "socket") -> str:
    path = tmp_path / "perfdash.toml"
    path.write_text(
        f'[storage]\nurl = "sqlite:///{tmp_path}/p.db"\n'
        f'[slack]\nmode = "{mode}"\napi_url = "{api_url}"\n'
    )
    return str(path)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    return monkeypatch


def test_good_tokens_pass(
    slack: FakeSlack, env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", _config(tmp_path, slack.api_url), "check-config", "--online"]) == 0
    out = capsys.readouterr().out
    assert "SLACK_BOT_TOKEN is the bot 'perfdash' of team 'Perf'" in out
    assert "SLACK_APP_TOKEN may open Socket Mode connections" in out
    assert [c.method for c in slack.calls] == ["auth.test", "apps.connections.open"]


@pytest.mark.parametrize(
    ("variable", "value", "mode"),
    [("SLACK_BOT_TOKEN", "xoxb-revoked", "http"), ("SLACK_APP_TOKEN", "xapp-revoked", "socket")],
)
def test_a_refused_token_is_named(
    slack: FakeSlack,
    env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    mode: str,
) -> None:
    env.setenv(variable, value)
    code = main(["--config", _config(tmp_path, slack.api_url, mode), "check-config", "--online"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"perfdash: Slack at {slack.api_url} refused {variable} (invalid_auth)\n"


def test_an_unreachable_slack_is_one_sentence_and_exit_1(
    env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeSlack().start() as gone:
        url = gone.api_url
    code = main(["--config", _config(tmp_path, url), "check-config", "--online"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"perfdash: cannot reach Slack at {url}: ")
    assert err.count("\n") == 1


def test_a_missing_secret_is_named_before_any_request(
    slack: FakeSlack, env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.delenv("SLACK_APP_TOKEN")
    code = main(["--config", _config(tmp_path, slack.api_url), "check-config", "--online"])
    assert code == 2
    assert "SLACK_APP_TOKEN" in capsys.readouterr().err
    assert slack.calls == []


def test_without_a_slack_section_slack_is_not_checked(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "perfdash.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path}/p.db"\n')
    assert main(["--config", str(path), "check-config", "--online"]) == 0
    assert "Slack: not checked (the config has no [slack] section)" in capsys.readouterr().out
    assert slack.calls == []
