"""The waitress server of `serve`: routes by path, and a stop that lets requests finish."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from typing import Any

import requests

from bot.http_server import HEALTHZ, Dispatcher, HttpServer, StartResponse, text_app


def test_routes_exact_then_longest_prefix_then_404() -> None:
    routes = {
        "/healthz": HEALTHZ,
        "/api/": text_app("200 OK", "api"),
        "/api/v2/": text_app("200 OK", "v2"),
    }
    server = HttpServer(Dispatcher(routes), "127.0.0.1", 0)
    server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        answers = [
            requests.get(base + path, timeout=30)
            for path in ["/healthz", "/api/series", "/api/v2/x", "/apix", "/"]
        ]
        assert [(a.status_code, a.text) for a in answers] == [
            (200, "ok\n"),
            (200, "api"),
            (200, "v2"),
            (404, "not found\n"),
            (404, "not found\n"),
        ]
    finally:
        server.stop()


def _wait_until_refused(port: int) -> None:
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=30).close()
        except (ConnectionRefusedError, ConnectionResetError):
            # Refused once the socket is closed; reset when the probe was still in the closed
            # socket's backlog.
            return
        threading.Event().wait(0.01)


def test_stop_lets_a_request_in_flight_finish() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        entered.set()
        release.wait()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    server = HttpServer(Dispatcher({"/slow": slow}), "127.0.0.1", 0)
    server.start()
    port = server.port
    url = f"http://127.0.0.1:{server.port}/slow"
    answers: list[requests.Response] = []
    client = threading.Thread(target=lambda: answers.append(requests.get(url, timeout=30)))
    client.start()
    entered.wait()
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    _wait_until_refused(port)  # the stop is under way
    release.set()
    stopper.join()
    client.join()
    assert [(a.status_code, a.text) for a in answers] == [(200, "done")]


def test_stop_ends_a_server_whose_loop_trigger_is_already_closed() -> None:
    server = HttpServer(Dispatcher({"/healthz": HEALTHZ}), "127.0.0.1", 0)
    server.start()
    port = server.port
    trigger = server._server.trigger  # waitress' own wake-up pipe
    closed = threading.Event()
    trigger.pull_trigger(lambda: (trigger.close(), closed.set()))
    assert closed.wait(30)
    server.stop()  # returns, and the port is closed
    _wait_until_refused(port)
