"""`perfdash serve` as a process: signed commands in over HTTP (or Socket Mode), replies out to
the local Slack, graceful stop on SIGTERM, one-sentence errors on bad set-up."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from storage import Repository
from storage.records import Build, Direction, Sample
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    WAIT_S,
    FakeSlack,
    signed_headers,
    slash_command,
    socket_envelope,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack().start() as fake:
        yield fake
    assert fake.unknown == []


def _write_config(tmp_path: Path, slack: FakeSlack, mode: str) -> Path:
    path = tmp_path / "perfdash.toml"
    path.write_text(
        f'[storage]\nurl = "sqlite:///{tmp_path / "perfdash.db"}"\n'
        f'[slack]\nmode = "{mode}"\napi_url = "{slack.api_url}"\nhttp_port = 0\n'
        '[[labs]]\nname = "lab1"\nurl = "http://jenkins.invalid/"\n'
    )
    repo = Repository.open(f"sqlite:///{tmp_path / 'perfdash.db'}")
    repo.upgrade()
    with repo.connection():
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for number in range(1, 41):
            sample = Sample("read:iops", 50_000.0 + number, "IOPS", Direction.HIGHER)
            build = Build("lab1", "fio-nightly", number, started=start + timedelta(days=number))
            repo.save_build(build, [sample])
    repo.close()
    return path


class Serve:
    """`python -m bot serve` in a child process, its stderr read line by line."""

    def __init__(self, config: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(config), "serve"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for_line(self, pattern: str) -> re.Match[str]:
        while True:
            line = self.lines.get(timeout=WAIT_S)
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def output(self) -> str:
        """Everything the process wrote to stderr (after it exited)."""
        self._reader.join(timeout=WAIT_S)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=WAIT_S)


def _env(**extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, **extra}


def test_http_mode_answers_signed_commands_and_stops_on_sigterm(
    slack: FakeSlack, tmp_path: Path
) -> None:
    serve = Serve(_write_config(tmp_path, slack, "http"), _env(SLACK_SIGNING_SECRET=SIGNING_SECRET))
    try:
        port = serve.wait_for_line(r"listening on http://127\.0\.0\.1:(\d+)").group(1)
        url = f"http://127.0.0.1:{port}/slack/events"
        commands = [("latest fio", "C0TEAM"), ("lbas", "C0TEAM"), ("trend fio read", "C0CHART")]
        for text, channel in commands:
            form = slash_command(text, channel=channel, response_url=slack.response_url())
            body = urlencode(form).encode()
            response = requests.post(url, data=body, headers=signed_headers(body), timeout=30)
            assert response.status_code == 200
        [post] = slack.wait_for("chat.postMessage")
        assert post.params["channel"] == "C0TEAM"
        assert "fio-nightly" in post.params["text"]
        [typo] = slack.wait_for("response_url")
        assert typo.params["response_type"] == "ephemeral"
        assert "Did you mean `labs`" in typo.params["text"]
        [chart] = slack.wait_for("files.completeUploadExternal")
        assert chart.params["channel_id"] == "C0CHART"
        assert "read:iops" in chart.params["initial_comment"]
        [upload] = slack.uploads.values()
        assert upload.data.startswith(b"\x89PNG")
        unsigned = requests.post(url, data=b"text=labs", timeout=30)
        assert unsigned.status_code == 401
    finally:
        code = serve.stop()
    assert code == 0
    assert "received SIGTERM" in serve.output()


def test_socket_mode_serve_acks_an_envelope(slack: FakeSlack, tmp_path: Path) -> None:
    serve = Serve(_write_config(tmp_path, slack, "socket"), _env(SLACK_APP_TOKEN=APP_TOKEN))
    try:
        serve.wait_for_line("perfdash is serving")
        assert slack.socket is not None
        payload = slash_command("latest fio", channel="C0SOCK", response_url=slack.response_url())
        ack, _ = slack.socket.push(socket_envelope(payload, "env-7"))
        assert ack["envelope_id"] == "env-7"
        [post] = slack.wait_for("chat.postMessage")
        assert post.params["channel"] == "C0SOCK"
    finally:
        assert serve.stop() == 0


@pytest.mark.parametrize(
    ("env", "api_url", "code", "message"),
    [
        ({}, "", 2, "perfdash: set the environment variable SLACK_SIGNING_SECRET (named by "),
        (
            {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": "xoxb-revoked"},
            "",
            2,
            "perfdash: Slack at http://",
        ),
        (
            {"SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "http://127.0.0.1:9/api/",
            1,
            "perfdash: cannot reach Slack at http://127.0.0.1:9/api/: ",
        ),
    ],
    ids=["missing secret", "refused token", "unreachable Slack"],
)
def test_bad_set_up_is_one_sentence(
    slack: FakeSlack, tmp_path: Path, env: dict[str, str], api_url: str, code: int, message: str
) -> None:
    config = _write_config(tmp_path, slack, "http")
    if api_url:
        config.write_text(config.read_text().replace(slack.api_url, api_url))
    serve = Serve(config, _env(**env))
    assert serve.proc.wait(timeout=WAIT_S) == code
    output = serve.output()
    assert "Traceback" not in output
    [sentence] = [line for line in output.splitlines() if line.startswith("perfdash: ")]
    assert sentence.startswith(message)


def test_a_refused_app_token_is_one_sentence_and_exit_2(slack: FakeSlack, tmp_path: Path) -> None:
    serve = Serve(_write_config(tmp_path, slack, "socket"), _env(SLACK_APP_TOKEN="xapp-revoked"))
    assert serve.proc.wait(timeout=WAIT_S) == 2
    output = serve.output()
    assert "Traceback" not in output
    assert f"perfdash: Slack at {slack.api_url} refused SLACK_APP_TOKEN (invalid_auth)\n" in output


def test_serve_runs_the_scheduled_sync_and_admin_sync(slack: FakeSlack, tmp_path: Path) -> None:
    from tests.fakes.jenkins import FakeJenkins
    from tests.fakes.jenkins_results import add_perf_builds

    with FakeJenkins() as jenkins:
        add_perf_builds(jenkins, "perf/fio", range(1, 4))
        config = _write_config(tmp_path, slack, "http")
        config.write_text(
            config.read_text().replace("http://jenkins.invalid/", jenkins.url)
            + 'user = "perfdash"\ntoken_env = "LAB1_JENKINS_TOKEN"\n'
            '[[jobs]]\nlab = "lab1"\nname = "perf/fio"\n'
            '[[jobs.reports]]\nartifact = "results/*.json"\n'
        )
        config.write_text(
            config.read_text().replace("http_port = 0\n", 'http_port = 0\nadmins = ["U0ADMIN"]\n')
        )
        env = _env(SLACK_SIGNING_SECRET=SIGNING_SECRET, LAB1_JENKINS_TOKEN=jenkins.token)
        serve = Serve(config, env)
        try:
            port = serve.wait_for_line(r"listening on http://127\.0\.0\.1:(\d+)").group(1)
            _wait_for_builds(tmp_path / "perfdash.db", "perf/fio", 3)  # the first scheduled pass
            add_perf_builds(jenkins, "perf/fio", range(4, 6))
            form = slash_command("sync", user="U0ADMIN", response_url=slack.response_url())
            body = urlencode(form).encode()
            url = f"http://127.0.0.1:{port}/slack/events"
            assert requests.post(url, data=body, headers=signed_headers(body)).status_code == 200
            [reply] = slack.wait_for("response_url")
            assert "Sync of every lab done" in reply.params["text"]
            assert "2 new builds (4-5)" in reply.params["text"]
        finally:
            assert serve.stop() == 0


def _wait_for_builds(db: Path, job: str, count: int) -> None:
    import time

    repo = Repository.open(f"sqlite:///{db}")
    deadline = time.monotonic() + WAIT_S
    try:
        while True:
            with repo.connection():
                if len(repo.builds("lab1", job)) >= count:
                    return
            assert time.monotonic() < deadline, f"no {count} builds of {job} stored in time"
            time.sleep(0.2)
    finally:
        repo.close()
