"""`perfdash serve`: the Slack app (Socket Mode or HTTP) until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.context import Context
from bot.scheduler import Jobs, SchedulerService, ops_notifier
from bot.serve import build_runtime, http_service, run_services
from bot.workers import ProcessRouter
from storage.leader import LeaderLock

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="answer Slack (and run the scheduled jobs)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if not args.verbose:
        # A service logs its life (listening, connected, jobs run, stopping); -v adds nothing
        # here, -vv adds debug.
        logging.getLogger().setLevel(logging.INFO)
    config = ctx.config
    config.require_secrets(ctx.env, slack=True)
    repo = ctx.repository(upgrade=True)
    workers = ProcessRouter(config)
    runtime = build_runtime(config, ctx.env, repo, workers)
    runtime.services.insert(0, workers)
    jobs = Jobs(
        config,
        ctx.env,
        repo,
        leader=LeaderLock(config.storage.url),
        notify=ops_notifier(runtime.poster.post_text, config.slack.ops_channel),
    )
    runtime.services.append(SchedulerService(config, jobs))
    if runtime.routes:
        runtime.services.append(http_service(runtime))
    stop = threading.Event()
    with _stop_on_signals(stop):
        run_services(runtime.services, stop)
    return 0


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` (a graceful stop) instead of killing the process."""

    def request_stop(signum: int, frame: object) -> None:
        log.info("received %s", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
