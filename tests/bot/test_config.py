"""The config loader: the example documents every key, and every mistake names its key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config, config_fields, load_config, parse_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"
TABLE_SETTINGS = {"jobs.reports.tags", "detection.min_effect_pct_by_metric"}
SECRETS = {"LAB1_JENKINS_TOKEN": "t", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}


def example_keys(data: object, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    items = data if isinstance(data, list) else [data]
    for item in items:
        for key, value in item.items():
            path = f"{prefix}{key}"
            # A table is a section unless the setting itself is a table (tags, per-metric maps).
            nested = isinstance(value, dict) and path not in TABLE_SETTINGS
            tables = isinstance(value, list) and value and isinstance(value[0], dict)
            if nested or tables:
                keys |= example_keys(value, f"{path}.")
            else:
                keys.add(path)
    return keys


def test_example_loads_and_covers_every_key() -> None:
    config = load_config(EXAMPLE)
    assert config.labs[0].name == "lab1"
    assert config.jobs[0].reports[1].console is True
    documented = example_keys(tomllib.loads(EXAMPLE.read_text()))
    assert set(config_fields()) == documented


def test_every_setting_has_help() -> None:
    import dataclasses
    import typing

    def walk(cls: type) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.metadata.get("internal"):
                continue
            inner = hints[f.name]
            if typing.get_origin(inner) is tuple:
                inner = typing.get_args(inner)[0]
            if dataclasses.is_dataclass(inner):
                walk(inner)
            else:
                assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help"

    walk(Config)


def test_no_file_gives_defaults() -> None:
    config = load_config(None)
    assert config.storage.url == "sqlite:///perfdash.db"
    assert config.labs == ()
    assert not config.slack_configured


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[storage]\nurll = 'x'", "unknown config key 'storage.urll'"),
        ("[slak]\n", "unknown config key 'slak'"),
        (
            "[[labs]]\nname='a'\nurl='http://j/'\n[[jobs]]\nlab='a'\nname='x'\n"
            "[[jobs.reports]]\nartifact='*.json'\nformt='auto'",
            "unknown config key 'jobs[0].reports[0].formt'",
        ),
        ("[slack]\nhttp_port = 'eighty'", "slack.http_port must be an integer"),
        ("[slack]\nhttp_port = true", "slack.http_port must be an integer"),
        ("[slack]\nmode = 'pigeon'", 'slack.mode must be "socket" or "http"'),
        ("[slack]\nadmins = 'U1'", "slack.admins must be a list"),
        ("[schedule]\ndigest = 'monday 9am'", 'schedule.digest must look like "mon 09:00"'),
        ("[schedule]\ntimezone = 'Mars/Base'", "schedule.timezone 'Mars/Base' is not a known"),
        ("[storage]\nurl = 'mysql://x'", "storage.url must start with"),
        ("[[labs]]\nname = 'a b'\nurl = 'http://x/'", "labs[0].name 'a b' must be"),
        ("[[labs]]\nname = 'a'", "config key 'labs[0].url' is required"),
        ("[[labs]]\nname='a'\nurl='http://x/'\nuser='u'", "labs[0]: set both user and token_env"),
        ("[[jobs]]\nlab='nope'\nname='x'", "jobs[0].lab 'nope' is not the name of any [[labs]]"),
        (
            "[[labs]]\nname='a'\nurl='http://j/'\n[[jobs]]\nlab='a'\nname='x'\n"
            "[[jobs.reports]]\nconsole=true\npatterns=['(no group)']",
            "jobs[0].reports[0].patterns[0] has no named group",
        ),
        ("storage = 3", "storage must be a table"),
        ("[storage", "is not valid TOML"),
    ],
)
def test_mistakes_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert message in str(caught.value)


def test_missing_secrets_are_named() -> None:
    config = load_config(EXAMPLE)
    assert config.missing_secrets(SECRETS, slack=True) == []
    assert config.missing_secrets({}, slack=False) == ["LAB1_JENKINS_TOKEN"]
    with pytest.raises(ConfigError, match="LAB1_JENKINS_TOKEN"):
        config.lab("lab1").token({})
    assert config.lab("lab1").token(SECRETS) == "t"


def test_check_config_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(EXAMPLE), "check-config"]) == 0
    assert "OK (1 lab, 1 job" in capsys.readouterr().out

    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("sync_every_minutes", "sync_every_minute"))
    assert main(["--config", str(bad), "check-config"]) == 2
    err = capsys.readouterr().err
    assert err == "perfdash: unknown config key 'schedule.sync_every_minute'\n"


def test_check_config_missing_secret_and_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    assert main(["--config", str(EXAMPLE), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "LAB1_JENKINS_TOKEN" in err and err.count("\n") == 1
    assert main(["--config", "/nonexistent/perfdash.toml", "check-config"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_env_var_names_the_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[storage]\nurl = 'sqlite:///{tmp_path}/x.db'\n")
    monkeypatch.setenv("PERFDASH_CONFIG", str(path))
    assert main(["check-config"]) == 0
    assert str(path) in capsys.readouterr().out
