"""`perfdash serve`: wires the Slack app to the router and runs it until asked to stop.

Everything long-running is a `Service` (start, stop). `build_runtime` makes the shared parts (the
command executor, the poster, the Bolt App) and the services of the configured Slack mode; more
services (the scheduler, the web dashboard) join `runtime.services`, and their WSGI routes join
`runtime.routes`, before `run_services` starts them all in order and stops them in reverse order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app import CommandRunner, RouterLike, build_app, register
from bot.config import ENV_APP_TOKEN, ENV_BOT_TOKEN, ENV_SIGNING_SECRET, Config
from bot.errors import ConfigError, WorkFailed
from bot.http_server import HEALTHZ, SLACK_EVENTS_PATH, Dispatcher, HttpServer, WSGIApp
from bot.slack_poster import SlackPoster, web_client
from storage import Repository

log = logging.getLogger(__name__)

COMMAND_WORKERS = 4  # query + render + upload; rendering is serialised anyway (matplotlib)
SOCKET_CONNECTIONS = 10  # Socket Mode: envelopes handled at once


class Service(Protocol):
    name: str

    def start(self) -> None: ...
    def stop(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class ExecutorService:
    """The command executor: stopping it lets queued commands finish."""

    name = "commands"

    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self.executor = executor

    def start(self) -> None:
        """Threads start on demand."""

    def stop(self) -> None:
        self.executor.shutdown(wait=True)


class SocketModeService:
    """Slack over an outbound websocket (no public URL needed)."""

    name = "slack-socket-mode"

    def __init__(self, app: App, app_token: str, api_url: str) -> None:
        self.handler = SocketModeHandler(app, app_token, concurrency=SOCKET_CONNECTIONS)
        self.api_url = api_url

    def start(self) -> None:
        """Connect; a refused SLACK_APP_TOKEN is a ConfigError, an unreachable Slack WorkFailed."""
        try:
            self.handler.connect()  # type: ignore[no-untyped-call]
        except SlackApiError as exc:
            error = exc.response.get("error", "") if exc.response is not None else ""
            raise ConfigError(
                f"Slack at {self.api_url} refused {ENV_APP_TOKEN} ({error})"
            ) from None
        except (SlackClientError, OSError) as exc:
            raise WorkFailed(f"cannot reach Slack at {self.api_url}: {exc}") from None
        log.info("connected to Slack in Socket Mode")

    def stop(self) -> None:
        self.handler.close()  # type: ignore[no-untyped-call]


@dataclass
class Runtime:
    """The parts `serve` shares between its services."""

    config: Config
    env: Mapping[str, str]
    repo: Repository
    poster: SlackPoster
    executor: ThreadPoolExecutor
    clock: Callable[[], datetime]
    app: App
    services: list[Service] = field(default_factory=list)
    routes: dict[str, WSGIApp] = field(default_factory=dict)


def build_runtime(
    config: Config,
    env: Mapping[str, str],
    repo: Repository,
    router: RouterLike,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    """The Slack app for `[slack] mode`, its command runner, and their services."""
    config.require_secrets(env, slack=True)
    client = web_client(config, env[ENV_BOT_TOKEN])
    http_mode = config.slack.mode == "http"
    app = build_app(config, client, signing_secret=env[ENV_SIGNING_SECRET] if http_mode else None)
    executor = ThreadPoolExecutor(max_workers=COMMAND_WORKERS, thread_name_prefix="command")
    poster = SlackPoster(client)
    register(app, CommandRunner(router, poster, repo, executor, clock), config.slack.command)
    runtime = Runtime(config, env, repo, poster, executor, clock, app)
    runtime.services.append(ExecutorService(executor))
    if http_mode:
        runtime.routes[SLACK_EVENTS_PATH] = SlackRequestHandler(app, path=SLACK_EVENTS_PATH)
        runtime.routes["/healthz"] = HEALTHZ
    else:
        runtime.services.append(SocketModeService(app, env[ENV_APP_TOKEN], config.slack.api_url))
    return runtime


def http_service(runtime: Runtime) -> HttpServer:
    """The HTTP server for the runtime's routes, on `[slack] http_host:http_port`."""
    slack = runtime.config.slack
    return HttpServer(Dispatcher(runtime.routes), slack.http_host, slack.http_port)


def run_services(services: Sequence[Service], stop: threading.Event) -> None:
    """Start the services in order, wait for `stop`, stop them in reverse order.

    A service that fails to start stops the ones already started, then its error propagates.
    """
    started: list[Service] = []
    try:
        for service in services:
            service.start()
            started.append(service)
        log.info(
            "perfdash is serving (%s); stop with Ctrl-C or SIGTERM",
            ", ".join(s.name for s in started),
        )
        stop.wait()
        log.info("stopping")
    finally:
        for service in reversed(started):
            try:
                service.stop()
            except Exception:
                log.exception("service %s did not stop cleanly", service.name)
