"""A local Slack: the Web API over HTTP and a Socket Mode websocket, both on port 0.

`FakeSlack` records every call (method, form/JSON parameters) and answers the handful of Web API
methods perfdash uses, the upload URLs that `files.getUploadURLExternal` hands out, and the
`response_url`s of slash commands. Tests choose failures: `not_in_channel` for some channels, an
HTTP 429 with Retry-After for the next N calls of a method, a token that `auth.test` refuses. Any
method it does not know is answered with an error and recorded in `unknown`, so a test can fail on
it. `socket_url` is what `apps.connections.open` returns: a websocket server that sends `hello`,
lets a test push an envelope and waits for the app's ack.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.sync.server import Server, ServerConnection, serve

log = logging.getLogger(__name__)

BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-test-app-token"
SIGNING_SECRET = "test-signing-secret"
WAIT_S = 60.0  # a bound on waiting for background work, so a broken test fails instead of hanging


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), "upload" or "response_url"
    params: dict[str, Any]
    token: str
    at: float  # time.perf_counter() when it arrived


@dataclass
class Upload:
    file_id: str
    filename: str
    data: bytes = b""


@dataclass
class FakeSlack:
    """The recorded state; serve it with `start()` (a context manager), read it from tests."""

    bot_tokens: set[str] = field(default_factory=lambda: {BOT_TOKEN})
    app_tokens: set[str] = field(default_factory=lambda: {APP_TOKEN})
    not_in_channel: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    base: str = ""
    socket: FakeSocket | None = None
    _rate_limits: dict[str, tuple[int, int]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _cond: threading.Condition = field(default_factory=threading.Condition)
    on_call: Callable[[Call], None] | None = None

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.base}/respond/{name}"

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and Retry-After."""
        self._rate_limits[method] = (times, retry_after)

    def record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        if self.on_call is not None:
            self.on_call(call)

    def called(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1) -> list[Call]:
        """Block until `count` calls of `method` arrived; fail after WAIT_S."""
        deadline = time.monotonic() + WAIT_S
        with self._cond:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"waited for {count} x {method}; calls: {seen}")
                self._cond.wait(left)
            return [c for c in self.calls if c.method == method]

    def next_id(self) -> int:
        return next(self._ids)

    def take_rate_limit(self, method: str) -> int | None:
        """The Retry-After to answer with, if this call of `method` is to be rate limited."""
        with self._cond:
            times, retry_after = self._rate_limits.get(method, (0, 0))
            if times <= 0:
                return None
            self._rate_limits[method] = (times - 1, retry_after)
            return retry_after

    # ---- Web API methods ------------------------------------------------------------------

    def api(self, method: str, params: dict[str, Any], token: str) -> dict[str, Any]:
        handler = _METHODS.get(method)
        if handler is None:
            self.unknown.append(method)
            return {"ok": False, "error": "unknown_method"}
        token_kind = self.app_tokens if method == "apps.connections.open" else self.bot_tokens
        if token not in token_kind:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        return handler(self, params)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://perf.example/",
            "team": "Perf",
            "user": "perfdash",
            "team_id": "T0PERF",
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
        }

    def _post(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        return {"ok": True, "channel": channel, "ts": f"{time.time():.6f}"}

    def _get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{self.next_id():06d}"
        self.uploads[file_id] = Upload(file_id, str(params.get("filename", "")))
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel_id", ""))
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        files = json.loads(params["files"]) if isinstance(params["files"], str) else params["files"]
        missing = [f["id"] for f in files if not self.uploads.get(f["id"], Upload("", "")).data]
        if missing:
            return {"ok": False, "error": "file_upload_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": channel.lower(),
                "is_member": channel not in self.not_in_channel,
            },
        }

    def _connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.socket is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket.url}

    # ---- serving --------------------------------------------------------------------------

    def start(self, port: int = 0) -> _Running:
        return _Running(self, port)


_METHODS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": FakeSlack._auth_test,
    "chat.postMessage": FakeSlack._post,
    "chat.postEphemeral": FakeSlack._post,
    "files.getUploadURLExternal": FakeSlack._get_upload_url,
    "files.completeUploadExternal": FakeSlack._complete_upload,
    "conversations.info": FakeSlack._conversations_info,
    "apps.connections.open": FakeSlack._connections_open,
}


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fake slack: " + format, *args)

    def do_POST(self) -> None:
        at = time.perf_counter()
        fake = self.server.fake
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        kind, _, name = path.strip("/").partition("/")
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if kind == "upload" and name in fake.uploads:
            fake.uploads[name].data = body
            fake.record(Call("upload", {"file_id": name, "size": len(body)}, token, at))
            return self._send(200, b"OK - " + str(len(body)).encode(), "text/plain")
        if kind == "respond":
            fake.record(Call("response_url", {"name": name, **json.loads(body)}, token, at))
            return self._send(200, b"ok", "text/plain")
        if kind != "api":
            fake.unknown.append(path)
            return self._send(404, b"not found", "text/plain")
        retry_after = fake.take_rate_limit(name)
        if retry_after is not None:
            fake.record(Call(name + " (429)", {}, token, at))
            return self._send(
                429,
                b'{"ok":false,"error":"ratelimited"}',
                "application/json",
                {"Retry-After": str(retry_after)},
            )
        params = self._params(body)
        token = token or str(params.pop("token", ""))
        reply = fake.api(name, params, token)
        fake.record(Call(name, params, token, at))
        self._send(200, json.dumps(reply).encode(), "application/json")

    def _params(self, body: bytes) -> dict[str, Any]:
        query = dict(parse_qsl(urlsplit(self.path).query))
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return {**query, **json.loads(body or b"{}")}
        return {**query, **dict(parse_qsl(body.decode()))}

    def _send(
        self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class FakeSocket:
    """The Socket Mode websocket: sends hello on connect; `push` sends an envelope, waits for the
    app's ack with the same envelope_id and returns it (with the seconds it took)."""

    def __init__(self) -> None:
        self.server: Server = serve(self._session, "127.0.0.1", 0)
        port = int(self.server.socket.getsockname()[1])
        self.url = f"ws://127.0.0.1:{port}/link"
        self._conns: list[ServerConnection] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _session(self, conn: ServerConnection) -> None:
        conn.send(
            json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}})
        )
        with self._cond:
            self._conns.append(conn)
            self._cond.notify_all()
        for message in conn:
            data = json.loads(message)
            with self._cond:
                self._acks[data.get("envelope_id", "")] = data
                self._cond.notify_all()

    def wait_connected(self) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._conns, WAIT_S):
                raise AssertionError("the app never opened the Socket Mode connection")

    def push(self, envelope: dict[str, Any]) -> tuple[dict[str, Any], float]:
        self.wait_connected()
        envelope_id = envelope["envelope_id"]
        started = time.perf_counter()
        self._conns[-1].send(json.dumps(envelope))
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, WAIT_S):
                raise AssertionError(f"no ack for envelope {envelope_id}")
            return self._acks[envelope_id], time.perf_counter() - started

    def close(self) -> None:
        self.server.shutdown()
        self._thread.join()


class _Running:
    def __init__(self, fake: FakeSlack, port: int) -> None:
        self.fake = fake
        self.port = port

    def __enter__(self) -> FakeSlack:
        self.http = _HTTPServer(("127.0.0.1", self.port), _Handler)
        self.http.fake = self.fake
        self.fake.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.fake.socket = FakeSocket()
        self.thread = threading.Thread(target=self.http.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join()
        if self.fake.socket is not None:
            self.fake.socket.close()


# ---- what Slack sends to the app ------------------------------------------------------------


def slash_command(
    text: str,
    *,
    channel: str = "C0PERF",
    user: str = "U0ALICE",
    response_url: str = "",
    command: str = "/perf",
) -> dict[str, str]:
    """The form fields of a slash command request."""
    return {
        "token": "legacy",
        "team_id": "T0PERF",
        "team_domain": "perf",
        "channel_id": channel,
        "channel_name": channel.lower(),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0PERF",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def signed_headers(
    body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers of a request signed the way Slack signs them (v0 HMAC-SHA256)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def socket_envelope(payload: dict[str, str], envelope_id: str = "env-1") -> dict[str, Any]:
    """A Socket Mode envelope carrying a slash command."""
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "payload": payload,
        "accepts_response_payload": True,
    }


_PRINT_LOCK = threading.Lock()


def _print_call(call: Call) -> None:
    shown = {
        k: v
        for k, v in call.params.items()
        if k
        in (
            "channel",
            "channel_id",
            "text",
            "initial_comment",
            "filename",
            "size",
            "response_type",
            "error",
        )
    }
    line = f"{call.method} {json.dumps(shown)} at {time.time():.6f}\n"
    with _PRINT_LOCK:  # handler threads print concurrently; keep each line whole
        sys.stdout.write(line)
        sys.stdout.flush()


def main() -> None:
    """Run the fake alone (for trying `perfdash serve` by hand, and for bench/bench_bot.py): print
    its URLs, then one line per call: method, its main parameters as JSON, the wall-clock time."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--not-in-channel",
        action="append",
        default=[],
        metavar="CHANNEL",
        help="answer not_in_channel for posts into CHANNEL",
    )
    args = parser.parse_args()
    fake = FakeSlack(on_call=_print_call, not_in_channel=set(args.not_in_channel))
    with fake.start(args.port):
        print(f"api_url = {fake.api_url}\nresponse_url = {fake.response_url()}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
