"""Slash commands under load: ack latency and time until the chart is in the channel.

Runs `serve`'s HTTP stack for real (waitress, Bolt's WSGI adapter, signature checks, the command
executor, the real Router and chart renderer, slack_sdk's WebClient) against the local Slack of
tests/fakes, with a 1,000-build series in a SQLite file. Sends ROUNDS x 20 signed `/perf trend`
commands, 20 in flight at a time, each from its own user into its own channel, and measures

- ack latency: from sending the request until its HTTP 200 (Slack's 3 s limit; target p99 < 100 ms);
- chart in channel: from sending until the fake Slack accepted files.completeUploadExternal for
  that channel (target p50 < 1.5 s).

Baselines in the same run: a bare WSGI app on the same waitress set-up that only answers 200
(the floor for an ack), and the router alone (query + render, one at a time, no Slack).

    PYTHONPATH=. python bench/bench_bot.py [--rounds N] [--builds N]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

from bot.commands.router import Router
from bot.config import parse_config
from bot.http_server import Dispatcher, HttpServer, text_app
from bot.serve import build_runtime, http_service, run_services
from storage import Repository
from storage.records import Build, Direction, Result, Sample
from tests.fakes.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    signed_headers,
    slash_command,
)

log = logging.getLogger(__name__)

IN_FLIGHT = 20
JOB = "fio-nightly"
METRIC = "read:iops"
START = datetime(2024, 1, 1, tzinfo=UTC)


def seed(repo: Repository, builds: int, rng: random.Random) -> None:
    """One series of `builds` builds: noise around 50k IOPS, a 10% step down two thirds in."""
    with repo.connection():
        for number in range(1, builds + 1):
            level = 50_000.0 if number < builds * 2 // 3 else 45_000.0
            result = Result.FAILURE if number % 97 == 0 else Result.SUCCESS
            build = Build("lab1", JOB, number, result, START + timedelta(hours=6 * number), 600.0)
            sample = Sample(
                METRIC, rng.gauss(level, 800.0), "IOPS", Direction.HIGHER, {"blocksize": "4k"}
            )
            repo.save_build(build, [sample])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def fire(url: str, bodies: Iterable[bytes]) -> list[tuple[float, float, int]]:
    """POST the bodies signed, IN_FLIGHT at a time: (sent at, ack seconds, status) for each."""

    def one(body: bytes) -> tuple[float, float, int]:
        started = time.perf_counter()
        response = requests.post(url, data=body, headers=signed_headers(body), timeout=30)
        return started, time.perf_counter() - started, response.status_code

    with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
        return list(pool.map(one, bodies))


def command_body(slack: FakeSlack, text: str, channel: str, user: str) -> bytes:
    payload = slash_command(text, channel=channel, user=user, response_url=slack.response_url())
    return urlencode(payload).encode()


def bench_bot(slack: FakeSlack, repo: Repository, builds: int, rounds: int) -> dict[str, Any]:
    config = parse_config(
        f'[storage]\nurl = "sqlite:///unused"\n[slack]\nmode = "http"\n'
        f'api_url = "{slack.api_url}"\nhttp_port = 0\n'
    )
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    router = Router(repo, config)
    runtime = build_runtime(config, env, repo, router)
    http = http_service(runtime)
    runtime.services.append(http)
    stop = threading.Event()
    server = threading.Thread(target=run_services, args=(runtime.services, stop))
    server.start()
    while http.port == 0:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{http.port}/slack/events"
    text = f"trend {JOB} {METRIC} last={builds}"
    try:
        fire(url, [command_body(slack, text, "CWARM", "UWARM")])
        slack.wait_for("files.completeUploadExternal", 1)
        acks: list[float] = []
        charts: list[float] = []
        for r in range(rounds):
            channels = [f"CR{r}N{i}" for i in range(IN_FLIGHT)]
            bodies = [command_body(slack, text, c, f"UR{r}N{i}") for i, c in enumerate(channels)]
            sent = fire(url, bodies)
            done = slack.wait_for("files.completeUploadExternal", 1 + (r + 1) * IN_FLIGHT)
            arrived = {str(c.params.get("channel_id")): c.at for c in done}
            for channel, (started, ack_s, status) in zip(channels, sent, strict=True):
                if status != 200:
                    raise SystemExit(f"the bot answered HTTP {status}")
                acks.append(ack_s)
                charts.append(arrived[channel] - started)
        size = max(len(u.data) for u in slack.uploads.values())
    finally:
        stop.set()
        server.join()
    return {"acks": acks, "charts": charts, "png_bytes": size, "router": router, "text": text}


def bench_bare_ack(rounds: int) -> list[float]:
    """The floor: the same waitress set-up answering 200 with no Slack app behind it."""
    http = HttpServer(Dispatcher({"/slack/events": text_app("200 OK", "")}), "127.0.0.1", 0)
    http.start()
    try:
        url = f"http://127.0.0.1:{http.port}/slack/events"
        fire(url, [b"warm"])
        return [ack for _ in range(rounds) for _, ack, _ in fire(url, [b"x=1"] * IN_FLIGHT)]
    finally:
        http.stop()


def bench_router_alone(
    repo: Repository, handle: Callable[..., Any], text: str, times: int
) -> list[float]:
    """Query + render without Slack or HTTP, one at a time."""
    out = []
    with repo.connection():
        for i in range(times):
            started = time.perf_counter()
            reply = handle(text, user=f"UALONE{i}", channel="CALONE", now=datetime.now(UTC))
            out.append(time.perf_counter() - started)
            if not reply.images:
                raise SystemExit(f"the router answered without a chart: {reply.text}")
    return out


def report(name: str, values: list[float], base: list[float]) -> None:
    p50, p99 = percentile(values, 50), percentile(values, 99)
    b50, b99 = percentile(base, 50), percentile(base, 99)
    print(
        f"{name:<34} p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms   "
        f"(baseline p50 {b50 * 1000:7.1f} ms, p99 {b99 * 1000:7.1f} ms; "
        f"ratio p50 {p50 / b50:5.1f}x, p99 {p99 / b99:5.1f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 20 commands in flight")
    parser.add_argument("--builds", type=int, default=1000, help="builds in the charted series")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp, FakeSlack().start() as slack:
        repo = Repository.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        repo.upgrade()
        seed(repo, args.builds, random.Random(7))
        result = bench_bot(slack, repo, args.builds, args.rounds)
        bare = bench_bare_ack(args.rounds)
        alone = bench_router_alone(repo, result["router"].handle, result["text"], 10)
        repo.close()
    n = len(result["acks"])
    print(
        f"{n} signed `/perf {result['text']}` commands, {IN_FLIGHT} in flight, "
        f"{args.builds}-build series, PNG {result['png_bytes'] / 1024:.0f} KiB"
    )
    report("ack latency (bot)", result["acks"], bare)
    report("chart in channel (bot, 20 flight)", result["charts"], alone)
    print(
        "baselines: ack = bare WSGI 200 on the same waitress; chart = router.handle alone, "
        "sequential"
    )
    ack_p99 = percentile(result["acks"], 99)
    chart_p50 = percentile(result["charts"], 50)
    print(
        f"targets: ack p99 {ack_p99 * 1000:.1f} ms < 100 ms: {'yes' if ack_p99 < 0.1 else 'NO'}; "
        f"chart p50 {chart_p50:.2f} s < 1.5 s: {'yes' if chart_p50 < 1.5 else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
