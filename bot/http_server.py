"""The HTTP side of `serve`: a small WSGI dispatcher on waitress, a production WSGI server.

Routes are WSGI apps by path: `/slack/events` is Bolt's WSGI adapter (HTTP mode), `/healthz`
answers "ok", and the web dashboard mounts its pages and `/api/` here later (a route ending in
"/" matches every path below it). `HttpServer` is a service of `serve`: start, stop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

SLACK_EVENTS_PATH = "/slack/events"
THREADS = 8
STOP_GRACE_S = 10  # how long a stop waits for requests in flight


def text_app(status: str, body: str) -> WSGIApp:
    """A WSGI app that always answers `status` with a plain-text body."""
    payload = body.encode()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response(
            status,
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    return app


NOT_FOUND = text_app("404 Not Found", "not found\n")
HEALTHZ = text_app("200 OK", "ok\n")


class Dispatcher:
    """Picks the WSGI app by path: an exact route, else the longest route ending in "/" that
    prefixes the path, else 404."""

    def __init__(self, routes: Mapping[str, WSGIApp]) -> None:
        self.routes = dict(routes)
        self._prefixes = sorted((r for r in self.routes if r.endswith("/")), key=len, reverse=True)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        app = self.routes.get(path)
        if app is None:
            app = next((self.routes[p] for p in self._prefixes if path.startswith(p)), NOT_FOUND)
        return app(environ, start_response)


class HttpServer:
    """Waitress serving `app` on host:port from a thread; port 0 picks a free port (see `port`).

    `stop` closes the listening socket, lets requests in flight finish, and joins the thread.
    """

    name = "http"

    def __init__(self, app: WSGIApp, host: str, port: int, *, threads: int = THREADS) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port) if self._server else self.requested_port

    def start(self) -> None:
        self._server = create_server(
            self.app,
            host=self.host,
            port=self.requested_port,
            threads=self.threads,
            ident="perfdash",
            clear_untrusted_proxy_headers=True,
        )
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)
        self._thread.start()
        log.info("listening on http://%s:%d", self.host, self.port)

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        server = self._server
        # From the server's own loop thread: stop accepting; let the requests being handled
        # finish (the loop keeps writing their responses); then close every connection, which
        # ends the loop.
        _in_loop(server, lambda: wasyncore.dispatcher.close(server))
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=STOP_GRACE_S)
        if not _in_loop(server, lambda: wasyncore.close_all(server._map)):
            self._thread.join(timeout=2.0)  # the loop wakes at least once a second
            if self._thread.is_alive():  # the loop lives on without its trigger: close it here
                wasyncore.close_all(server._map)
        self._thread.join()
        self._server = None
        log.info("HTTP server stopped")


def _in_loop(server: Any, thunk: Callable[[], object]) -> bool:
    """Run `thunk` on the server's loop thread; False when the loop's trigger is already closed.

    Seen once in CI: the second pull of a stop found the trigger's pipe already closed (EBADF).
    What closed it inside waitress is not known; the stop must end the server all the same.
    """
    try:
        server.trigger.pull_trigger(thunk)
    except OSError:
        log.debug("the HTTP server's loop trigger is already closed")
        return False
    return True
