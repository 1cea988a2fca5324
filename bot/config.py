"""The TOML config, loaded into frozen dataclasses.

Every setting is a dataclass field with a default and a `help` text (the field metadata); the loader
walks the dataclasses, so adding a setting is adding a field. Unknown keys, wrong types and bad
values fail with one sentence naming the full key path. Secrets never sit in the file: they come
from the environment variables the file names.
"""

from __future__ import annotations

import os
import re
import tomllib
import typing
import zoneinfo
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

DEFAULT_PATH = "perfdash.toml"
ENV_PATH = "PERFDASH_CONFIG"
ENV_BOT_TOKEN = "SLACK_BOT_TOKEN"
ENV_APP_TOKEN = "SLACK_APP_TOKEN"
ENV_SIGNING_SECRET = "SLACK_SIGNING_SECRET"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DIGEST = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):([0-5]\d)$")


def setting(default: Any = MISSING, help: str = "", **kwargs: Any) -> Any:
    """A config field: its default and the text that documents it."""
    return field(default=default, metadata={"help": help}, **kwargs)


@dataclass(frozen=True, slots=True)
class StorageConfig:
    url: str = setting("sqlite:///perfdash.db", "sqlite:///FILE or postgresql://user@host/db")

    def validate(self, path: str) -> None:
        if not re.match(r"^(sqlite|postgres|postgresql)://", self.url):
            raise ConfigError(f"{path}.url must start with sqlite:/// or postgresql://")


@dataclass(frozen=True, slots=True)
class SlackConfig:
    mode: str = setting(
        "socket", '"socket" (needs SLACK_APP_TOKEN) or "http" (SLACK_SIGNING_SECRET)'
    )
    api_url: str = setting("https://slack.com/api/", "the Slack Web API base URL")
    command: str = setting("/perf", "the slash command perfdash answers")
    alerts_channel: str = setting("", "channel ID for regression alerts")
    digest_channel: str = setting("", "channel ID for the weekly digest")
    ops_channel: str = setting("", "channel ID told once when a scheduled job fails")
    admins: tuple[str, ...] = setting((), "user IDs allowed to run admin commands (sync)")
    http_host: str = setting("127.0.0.1", "HTTP mode: the address to listen on")
    http_port: int = setting(3000, "HTTP mode: the port to listen on")

    def validate(self, path: str) -> None:
        if self.mode not in ("socket", "http"):
            raise ConfigError(f'{path}.mode must be "socket" or "http", not {self.mode!r}')
        if not self.api_url.startswith(("http://", "https://")):
            raise ConfigError(f"{path}.api_url must be an http(s) URL")
        if not re.match(r"^/[a-z0-9_-]+$", self.command):
            raise ConfigError(f"{path}.command must look like /perf")
        _check_port(self.http_port, f"{path}.http_port")


@dataclass(frozen=True, slots=True)
class LabConfig:
    name: str = setting(help="a short name users type (lab1)")
    url: str = setting(help="the Jenkins base URL")
    user: str = setting("", "Jenkins user; empty for anonymous access")
    token_env: str = setting("", "the environment variable holding the user's API token")
    timeout_s: float = setting(30.0, "seconds before a Jenkins request gives up")

    def validate(self, path: str) -> None:
        _check_name(self.name, f"{path}.name")
        if not self.url.startswith(("http://", "https://")):
            raise ConfigError(f"{path}.url must be an http(s) URL")
        if self.token_env and not _ENV_NAME.match(self.token_env):
            raise ConfigError(f"{path}.token_env must be an environment variable name")
        if bool(self.user) != bool(self.token_env):
            raise ConfigError(f"{path}: set both user and token_env, or neither")
        if self.timeout_s <= 0:
            raise ConfigError(f"{path}.timeout_s must be positive")

    def token(self, env: Mapping[str, str]) -> str:
        """The API token from the environment; a ConfigError names the variable when unset."""
        if not self.token_env:
            return ""
        value = env.get(self.token_env, "")
        if not value:
            raise ConfigError(
                f"lab {self.name!r} needs its Jenkins API token in the environment variable "
                f"{self.token_env}"
            )
        return value


@dataclass(frozen=True, slots=True)
class ReportConfig:
    artifact: str = setting("", "glob over the build's artifacts (results/*.json)")
    console: bool = setting(False, "read the console log instead of an artifact")
    format: str = setting("auto", 'a name from `perfdash formats`, or "auto"')
    patterns: tuple[str, ...] = setting((), "console: regexes whose named groups become metrics")
    unit: str = setting("", "console: the unit of the pattern metrics")
    direction: str = setting(
        "", 'console: "lower" or "higher" is better; empty guesses from the name'
    )
    tags: dict[str, str] = field(
        default_factory=dict, metadata={"help": "tags added to every sample of this report"}
    )

    def validate(self, path: str) -> None:
        if bool(self.artifact) == self.console:
            raise ConfigError(f"{path}: set either artifact or console = true")
        if self.direction not in ("", "lower", "higher"):
            raise ConfigError(f'{path}.direction must be "lower" or "higher"')
        for i, pattern in enumerate(self.patterns):
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{path}.patterns[{i}] is not a valid regex: {exc}") from None
            if not compiled.groupindex:
                raise ConfigError(f"{path}.patterns[{i}] has no named group (?P<metric>...)")
        if self.console and not self.patterns and self.format == "auto":
            raise ConfigError(f"{path}: a console report needs patterns or a format")


@dataclass(frozen=True, slots=True)
class JobConfig:
    lab: str = setting(help="the name of a [[labs]] entry")
    name: str = setting(help="the job's full folder path (perf/fio-nightly)")
    reports: tuple[ReportConfig, ...] = setting((), "where the results are ([[jobs.reports]])")

    def validate(self, path: str) -> None:
        if not self.name.strip("/") or "//" in self.name:
            raise ConfigError(f"{path}.name must be a job path such as perf/fio-nightly")


@dataclass(frozen=True, slots=True)
class WebConfig:
    host: str = setting("127.0.0.1", "the dashboard's listen address")
    port: int = setting(8080, "the dashboard's port")
    public_url: str = setting("", "when set, chat replies and alerts link to the dashboard")

    def validate(self, path: str) -> None:
        _check_port(self.port, f"{path}.port")
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise ConfigError(f"{path}.public_url must be an http(s) URL")


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    timezone: str = setting("UTC", "the IANA time zone of the digest time")
    sync_every_minutes: int = setting(15, "minutes between sync passes")
    digest: str = setting("mon 09:00", 'day and time of the weekly digest ("mon 09:00")')

    def validate(self, path: str) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"{path}.timezone {self.timezone!r} is not a known time zone"
            ) from None
        if not 1 <= self.sync_every_minutes <= 24 * 60:
            raise ConfigError(f"{path}.sync_every_minutes must be between 1 and 1440")
        if not _DIGEST.match(self.digest):
            raise ConfigError(f'{path}.digest must look like "mon 09:00"')


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    min_effect_pct: float = setting(
        2.0, "changes smaller than this (in % of the level) are not reported"
    )
    min_effect_pct_by_metric: dict[str, float] = field(
        default_factory=dict,
        metadata={"help": 'per metric: a name or glob pattern ("*p99*") -> its own minimum in %'},
    )

    def validate(self, path: str) -> None:
        values = {
            f"min_effect_pct_by_metric.{k}": v for k, v in self.min_effect_pct_by_metric.items()
        }
        values["min_effect_pct"] = self.min_effect_pct
        for key, value in values.items():
            if not 0 <= value < 1000:
                raise ConfigError(f"{path}.{key} must be a percentage between 0 and 1000")


@dataclass(frozen=True, slots=True)
class Config:
    storage: StorageConfig = field(default_factory=StorageConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    labs: tuple[LabConfig, ...] = ()
    jobs: tuple[JobConfig, ...] = ()
    web: WebConfig = field(default_factory=WebConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    source: str = field(default="", metadata={"internal": True})
    slack_configured: bool = field(default=False, metadata={"internal": True})

    def validate(self, path: str) -> None:
        names = [lab.name for lab in self.labs]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ConfigError(f"labs[{i}].name {name!r} is used twice")
        seen: set[tuple[str, str]] = set()
        for i, job in enumerate(self.jobs):
            if job.lab not in names:
                raise ConfigError(f"jobs[{i}].lab {job.lab!r} is not the name of any [[labs]]")
            if (job.lab, job.name) in seen:
                raise ConfigError(f"jobs[{i}] repeats job {job.name!r} of lab {job.lab!r}")
            seen.add((job.lab, job.name))

    def lab(self, name: str) -> LabConfig:
        for lab in self.labs:
            if lab.name == name:
                return lab
        raise ConfigError(f"no lab named {name!r} in the config")

    def missing_secrets(self, env: Mapping[str, str], *, slack: bool) -> list[str]:
        """Environment variables the config needs and the environment lacks."""
        needed = [lab.token_env for lab in self.labs if lab.token_env]
        if slack:
            needed.append(ENV_BOT_TOKEN)
            mode_secret = {"socket": ENV_APP_TOKEN, "http": ENV_SIGNING_SECRET}
            needed.append(mode_secret[self.slack.mode])
        return [name for name in dict.fromkeys(needed) if not env.get(name)]

    def require_secrets(self, env: Mapping[str, str], *, slack: bool) -> None:
        missing = self.missing_secrets(env, slack=slack)
        if missing:
            raise ConfigError(
                "set the environment variable"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(missing)
                + f" (named by {self.source or 'the config'})"
            )


def _check_name(value: str, path: str) -> None:
    if not _NAME.match(value):
        raise ConfigError(f"{path} {value!r} must be letters, digits, '.', '_' or '-'")


def _check_port(value: int, path: str) -> None:
    if not 0 <= value <= 65535:
        raise ConfigError(f"{path} must be a port number (0-65535)")


# ---- loading ------------------------------------------------------------------------------


def resolve_path(explicit: str | None, env: Mapping[str, str]) -> Path | None:
    """--config, else $PERFDASH_CONFIG, else ./perfdash.toml if present, else None (defaults)."""
    if explicit:
        return Path(explicit)
    if env.get(ENV_PATH):
        return Path(env[ENV_PATH])
    default = Path(DEFAULT_PATH)
    return default if default.is_file() else None


def load_config(path: str | Path | None) -> Config:
    """Read and validate a config file; None gives the built-in defaults."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {str(path)!r} cannot be read: {exc}") from None
    return parse_config(text, source=str(path))


def parse_config(text: str, source: str = "<config>") -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None
    config: Config = _build(Config, data, "")
    return replace(config, source=source, slack_configured="slack" in data)


def _build(cls: type, data: Any, path: str) -> Any:
    where = path or "the top level"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls) if not f.metadata.get("internal")}
    for key in data:
        if key not in known:
            full = f"{path}.{key}" if path else key
            raise ConfigError(f"unknown config key {full!r}")
    values: dict[str, Any] = {}
    for name, spec in known.items():
        full = f"{path}.{name}" if path else name
        if name in data:
            values[name] = _convert(hints[name], data[name], full)
        elif spec.default is MISSING and spec.default_factory is MISSING:
            raise ConfigError(f"config key {full!r} is required")
    obj = cls(**values)
    obj.validate(path or "config")
    return obj


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if is_dataclass(hint):
        return _build(typing.cast(type, hint), value, path)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{path} must be a list")
        return tuple(_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{path} must be a table")
        item = typing.get_args(hint)[1]
        return {str(k): _convert(item, v, f"{path}.{k}") for k, v in value.items()}
    return _scalar(hint, value, path)


_SCALARS: dict[Any, tuple[tuple[type, ...], str]] = {
    str: ((str,), "a string"),
    bool: ((bool,), "true or false"),
    int: ((int,), "an integer"),
    float: ((int, float), "a number"),
}


def _scalar(hint: Any, value: Any, path: str) -> Any:
    accepted, name = _SCALARS[hint]
    if (isinstance(value, bool) and hint is not bool) or not isinstance(value, accepted):
        raise ConfigError(f"{path} must be {name}, not {value!r}")
    return hint(value)


def config_fields(cls: type = Config, prefix: str = "") -> list[str]:
    """Every documented key path (`labs.token_env`), for docs and the coverage test."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.metadata.get("internal"):
            continue
        hint = hints[f.name]
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
        name = f"{prefix}{f.name}"
        if is_dataclass(inner):
            out.extend(config_fields(typing.cast(type, inner), f"{name}."))
        else:
            out.append(name)
    return out


def environment() -> Mapping[str, str]:
    """The process environment (the CLI passes it down; nothing else reads os.environ)."""
    return os.environ
