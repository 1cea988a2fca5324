"""Slash commands under load: ack latency and time until the chart is in the channel.

Starts `perfdash serve` in HTTP mode as its own process (waitress, Bolt's WSGI adapter, signature
checks, the command executor, the real Router and chart renderer, slack_sdk's WebClient) against
the local Slack of tests/fakes, which runs here with the load generator, over a 1,000-build series
in a SQLite file. Sends ROUNDS x 20 signed `/perf trend` commands, 20 in flight at a time, each
from its own user into its own channel, then ROUNDS x 2 commands one at a time, and measures

- ack latency: from sending the request until its HTTP 200 (Slack allows 3 s; target p99 < 100 ms);
- chart in channel: from sending until the fake Slack accepted files.completeUploadExternal for
  that channel (target p50 < 1.5 s), one at a time and with 20 in flight.

Baselines in the same run: a bare WSGI app on the same waitress set-up, in its own process, that
only answers 200 (the floor for an ack), and the router alone in this process (query + render,
one at a time, no HTTP and no Slack).

    PYTHONPATH=. python bench/bench_bot.py [--rounds N] [--builds N]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import requests

from bot.commands.router import Router
from bot.config import load_config
from bot.http_server import Dispatcher, HttpServer, text_app
from storage import Repository
from storage.records import Build, Direction, Result, Sample
from tests.fakes.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    WAIT_S,
    signed_headers,
    slash_command,
)

ROOT = Path(__file__).resolve().parents[1]
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
            value = rng.gauss(level, 800.0)
            sample = Sample(METRIC, value, "IOPS", Direction.HIGHER, {"blocksize": "4k"})
            repo.save_build(build, [sample])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def fire(url: str, bodies: Iterable[bytes]) -> list[tuple[float, float, int]]:
    """POST the bodies signed, IN_FLIGHT at a time: (wall time sent, ack seconds, status)."""

    def one(body: bytes) -> tuple[float, float, int]:
        sent, started = time.time(), time.perf_counter()
        response = requests.post(url, data=body, headers=signed_headers(body), timeout=30)
        return sent, time.perf_counter() - started, response.status_code

    with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
        return list(pool.map(one, bodies))


def command_body(slack: RemoteSlack, text: str, channel: str, user: str) -> bytes:
    payload = slash_command(text, channel=channel, user=user, response_url=slack.response_url())
    return urlencode(payload).encode()


class RemoteSlack:
    """The fake Slack (tests/fakes/slack.py) in its own process, so the uploads it receives do
    not compete with the load generator here for the GIL; it reports each call on stdout."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.slack"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.api_url = self.proc.stdout.readline().split(" = ")[1].strip()
        self._response_url = self.proc.stdout.readline().split(" = ")[1].strip()
        self.completed: dict[str, float] = {}  # channel -> wall time the chart was in it
        self.upload_sizes: list[int] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def response_url(self) -> str:
        return self._response_url

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            method, rest = line.split(" ", 1)
            params_text, _, at = rest.rpartition(" at ")
            params = json.loads(params_text)
            with self._cond:
                if method == "files.completeUploadExternal":
                    self.completed[params["channel_id"]] = float(at)
                elif method == "upload":
                    self.upload_sizes.append(int(params["size"]))
                self._cond.notify_all()

    def wait_uploads(self, count: int) -> dict[str, float]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.completed) >= count, WAIT_S):
                raise SystemExit(f"only {len(self.completed)} of {count} charts arrived")
            return dict(self.completed)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def rss_mib(pid: int) -> list[float]:
    """Resident memory of a process, then of each child (command workers...), in MiB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    out = []
    for each in [pid, *map(int, children)]:
        status = Path(f"/proc/{each}/status").read_text()
        kib = re.search(r"VmRSS:\s+(\d+) kB", status)
        out.append(int(kib.group(1)) / 1024 if kib else 0.0)
    return out


@contextmanager
def server(argv: list[str], env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A child process that logs `listening on http://HOST:PORT`; yields its events URL, pid."""
    proc = subprocess.Popen(
        [sys.executable, *argv],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            match = re.search(r"listening on (http://[\d.]+:\d+)", line)
            if match:
                break
        else:
            raise SystemExit(f"{argv} did not start (exit {proc.wait()})")
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        yield f"{match.group(1)}/slack/events", proc.pid
    finally:
        proc.terminate()
        proc.wait()


def bench_bot(slack: RemoteSlack, url: str, text: str, rounds: int) -> dict[str, list[float]]:
    fire(url, [command_body(slack, text, "CWARM", "UWARM")])
    slack.wait_uploads(1)
    acks: list[float] = []
    charts: list[float] = []
    for r in range(rounds):
        channels = [f"CR{r}N{i}" for i in range(IN_FLIGHT)]
        bodies = [command_body(slack, text, c, f"UR{r}N{i}") for i, c in enumerate(channels)]
        sent = fire(url, bodies)
        arrived = slack.wait_uploads(1 + (r + 1) * IN_FLIGHT)
        for channel, (started, ack_s, status) in zip(channels, sent, strict=True):
            if status != 200:
                raise SystemExit(f"the bot answered HTTP {status}")
            acks.append(ack_s)
            charts.append(arrived[channel] - started)
    alone = []
    for i in range(rounds * 2):
        [(started, _, _)] = fire(url, [command_body(slack, text, f"CSEQ{i}", f"USEQ{i}")])
        arrived = slack.wait_uploads(1 + rounds * IN_FLIGHT + i + 1)
        alone.append(arrived[f"CSEQ{i}"] - started)
    return {"acks": acks, "charts": charts, "alone": alone}


def bench_bare_ack(url: str, rounds: int) -> list[float]:
    fire(url, [b"warm"])
    return [ack for _ in range(rounds) for _, ack, _ in fire(url, [b"x=1"] * IN_FLIGHT)]


def bench_router_alone(config_path: Path, text: str, times: int) -> list[float]:
    """Query + render without Slack or HTTP, one at a time, in this process."""
    config = load_config(config_path)
    repo = Repository.open(config.storage.url)
    router = Router(repo, config)
    out = []
    with repo.connection():
        for i in range(times + 1):
            started = time.perf_counter()
            reply = router.handle(text, user=f"UALONE{i}", channel="C", now=datetime.now(UTC))
            out.append(time.perf_counter() - started)
            if not reply.images:
                raise SystemExit(f"the router answered without a chart: {reply.text}")
    repo.close()
    return out[1:]  # the first one loads fonts


def serve_bare(port: int) -> None:
    """The baseline server: waitress as `serve` sets it up, answering 200 to everything."""
    logging.basicConfig(level=logging.INFO)  # `server()` waits for its "listening on" line
    http = HttpServer(Dispatcher({"/slack/events": text_app("200 OK", "")}), "127.0.0.1", port)
    http.start()
    threading.Event().wait()


def report(name: str, values: list[float], base: list[float]) -> None:
    p50, p99 = percentile(values, 50), percentile(values, 99)
    b50, b99 = percentile(base, 50), percentile(base, 99)
    print(
        f"{name:<32} p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  "
        f"| baseline p50 {b50 * 1000:6.1f} ms  p99 {b99 * 1000:6.1f} ms "
        f"| ratio p50 {p50 / b50:4.1f}x  p99 {p99 / b99:4.1f}x"
    )


def write_config(tmp: Path, slack: RemoteSlack) -> Path:
    path = tmp / "perfdash.toml"
    path.write_text(
        f'[storage]\nurl = "sqlite:///{tmp / "bench.db"}"\n'
        f'[slack]\nmode = "http"\napi_url = "{slack.api_url}"\nhttp_port = 0\n'
        '[[labs]]\nname = "lab1"\nurl = "http://jenkins.invalid/"\n'
    )
    return path


def measure(
    slack: RemoteSlack, text: str, builds: int, rounds: int
) -> tuple[dict[str, list[float]], list[float], list[float], list[float]]:
    """The bot's figures, the bare ack baseline, the router-alone baseline, serve's RSS."""
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    with tempfile.TemporaryDirectory() as tmp:
        config_path = write_config(Path(tmp), slack)
        repo = Repository.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        repo.upgrade()
        seed(repo, builds, random.Random(7))
        repo.close()
        with server(["-m", "bot", "--config", str(config_path), "serve"], env) as (url, pid):
            bot = bench_bot(slack, url, text, rounds)
            rss = rss_mib(pid)
        with server([__file__, "--serve-bare", "0"], {}) as (url, _):
            bare = bench_bare_ack(url, rounds)
        alone = bench_router_alone(config_path, text, rounds * 2)
    return bot, bare, alone, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 20 commands in flight")
    parser.add_argument("--builds", type=int, default=1000, help="builds in the charted series")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare is not None:
        serve_bare(args.serve_bare)
    text = f"trend {JOB} {METRIC} last={args.builds}"
    slack = RemoteSlack()
    try:
        bot, bare, alone, rss = measure(slack, text, args.builds, args.rounds)
    finally:
        slack.close()
    size = max(slack.upload_sizes)
    print(
        f"{len(bot['acks'])} signed `/perf {text}` commands, {IN_FLIGHT} in flight; then "
        f"{len(bot['alone'])} one at a time; {args.builds}-build series, PNG {size / 1024:.0f} KiB"
    )
    print(
        f"serve RSS after {len(bot['acks']) + len(bot['alone']) + 1} charts: {rss[0]:.0f} MiB; "
        "its children (command workers, multiprocessing's resource tracker): "
        + ", ".join(f"{r:.0f}" for r in rss[1:])
        + " MiB"
    )
    report("ack latency, 20 in flight", bot["acks"], bare)
    report("chart in channel, one at a time", bot["alone"], alone)
    report("chart in channel, 20 in flight", bot["charts"], alone)
    print(
        "baselines: ack = bare WSGI 200 on the same waitress (own process); "
        "chart = router.handle alone (query + render), one at a time"
    )
    ack_p99 = percentile(bot["acks"], 99)
    chart_p50 = percentile(bot["alone"], 50)
    print(
        f"targets: ack p99 {ack_p99 * 1000:.1f} ms < 100 ms: {'yes' if ack_p99 < 0.1 else 'NO'}; "
        f"chart p50 {chart_p50:.2f} s < 1.5 s: {'yes' if chart_p50 < 1.5 else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
