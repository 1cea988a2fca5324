"""A Jenkins-compatible HTTP server on port 0, for real python-jenkins to talk to.

It serves the shapes recorded in shared/samples/jenkins-api: jobs inside folders, build JSON with
`actions` (parameters, causes, `{}` placeholders), `changeSet` (freestyle) or `changeSets`
(Pipeline), artifacts, console text, `tree=` filtering with `{M,N}` ranges, `builds` capped at
100, a crumb issuer and `me/api/json`. It checks HTTP Basic auth and logs every request, so tests
can count them. Faults are queued with `fail()`: a status (401, 404, 500, 503), a slow answer
(`delay`), a dropped connection, or a truncated artifact.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.jenkins_tree import apply_tree, parse_tree

CRUMB = {
    "_class": "hudson.security.csrf.DefaultCrumbIssuer",
    "crumb": "0f1e2d3c4b5a",
    "crumbRequestField": "Jenkins-Crumb",
}
BUILD_PATH = re.compile(r"^(?P<job>(?:job/[^/]+/)+)(?P<number>\d+)/(?P<rest>.*)$")
JOB_PATH = re.compile(r"^(?P<job>(?:job/[^/]+/)+)api/json$")


@dataclass
class FakeBuild:
    """One build; `result=None` while it runs."""

    number: int
    result: str | None = "SUCCESS"
    timestamp_ms: int = 1_700_000_000_000
    duration_ms: int = 60_000
    parameters: dict[str, Any] = field(default_factory=dict)
    cause: str = "Started by timer"
    commits: list[dict[str, Any]] = field(default_factory=list)
    pipeline: bool = False  # Pipeline runs carry changeSets (a list), freestyle changeSet
    artifacts: dict[str, bytes] = field(default_factory=dict)
    console: str = ""
    truncated: set[str] = field(default_factory=set)  # artifact paths sent cut short


@dataclass
class Fault:
    """What to do instead of answering, for the next `times` requests whose path matches."""

    match: str
    status: int = 0  # an HTTP status to answer with
    delay: float = 0.0  # seconds to wait before answering normally (a timeout for the client)
    drop: bool = False  # close the connection without an answer
    times: int = 1  # -1: until cleared


class FakeJenkins:
    """The server state; start it with `with FakeJenkins() as server:` and use `server.url`."""

    def __init__(self, user: str = "perfdash", token: str = "s3cret", crumb: bool = True) -> None:
        self.user = user
        self.token = token
        self.crumb = crumb
        self.jobs: dict[str, dict[int, FakeBuild]] = {}
        self.requests: list[str] = []
        self.faults: list[Fault] = []
        self.on_request: Callable[[str], None] | None = None  # called with each path first
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- set-up --------------------------------------------------------------------------

    def add_job(self, name: str) -> dict[int, FakeBuild]:
        return self.jobs.setdefault(name.strip("/"), {})

    def add_build(self, job: str, build: FakeBuild) -> FakeBuild:
        with self.lock:
            self.add_job(job)[build.number] = build
        return build

    def fail(
        self,
        match: str = "",
        *,
        status: int = 0,
        delay: float = 0.0,
        drop: bool = False,
        times: int = 1,
    ) -> None:
        with self.lock:
            self.faults.append(Fault(match, status, delay, drop, times))

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def count(self, contains: str = "") -> int:
        with self.lock:
            return sum(1 for r in self.requests if contains in r)

    def reset_log(self) -> None:
        with self.lock:
            self.requests.clear()

    # ---- serving -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> FakeJenkins:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.match in path and fault.times != 0:
                    fault.times -= 1
                    return fault
        return None

    # ---- JSON shapes ---------------------------------------------------------------------

    def folders(self) -> set[str]:
        return {
            "/".join(name.split("/")[:i])
            for name in self.jobs
            for i in range(1, name.count("/") + 1)
        }

    def build_json(self, job: str, build: FakeBuild) -> dict[str, Any]:
        """A build as `get_build_info` (depth 0) returns it."""
        running = build.result is None
        data: dict[str, Any] = {
            "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun"
            if build.pipeline
            else "hudson.model.FreeStyleBuild",
            "actions": _actions(build),
            "artifacts": [
                {
                    "displayPath": p.rsplit("/", 1)[-1],
                    "fileName": p.rsplit("/", 1)[-1],
                    "relativePath": p,
                }
                for p in sorted(build.artifacts)
            ],
            "building": running,
            "description": None,
            "displayName": f"#{build.number}",
            "duration": 0 if running else build.duration_ms,
            "estimatedDuration": build.duration_ms,
            "executor": {} if running else None,
            "fullDisplayName": f"{job.replace('/', ' » ')} #{build.number}",
            "id": str(build.number),
            "keepLog": False,
            "number": build.number,
            "queueId": 1000 + build.number,
            "result": build.result,
            "timestamp": build.timestamp_ms,
            "url": f"{self.url}{_job_url(job)}{build.number}/",
            "culprits": [],
        }
        data.update(_change_sets(build))
        return data

    def job_json(
        self, job: str, span: tuple[int | None, int | None] | None = None
    ) -> dict[str, Any]:
        """A job's JSON; `allBuilds` only holds the `span` slice (Jenkins reads no more)."""
        builds = self.jobs[job]
        numbers = sorted(builds, reverse=True)
        refs = [
            {
                "_class": "hudson.model.FreeStyleBuild",
                "number": n,
                "url": f"{self.url}{_job_url(job)}{n}/",
            }
            for n in numbers
        ]

        def ref(n: int | None) -> dict[str, Any] | None:
            return None if n is None else {"number": n, "url": f"{self.url}{_job_url(job)}{n}/"}

        done = [n for n in numbers if builds[n].result is not None]
        return {
            "_class": "hudson.model.FreeStyleProject",
            "name": job.rsplit("/", 1)[-1],
            "fullName": job,
            "url": f"{self.url}{_job_url(job)}",
            "builds": refs[:100],
            "allBuilds": [
                self.build_json(job, builds[n])
                for n in (numbers[(span[0] or 0) : span[1]] if span else numbers)
            ],
            "firstBuild": ref(numbers[-1] if numbers else None),
            "lastBuild": ref(numbers[0] if numbers else None),
            "lastCompletedBuild": ref(done[0] if done else None),
            "nextBuildNumber": (numbers[0] + 1) if numbers else 1,
            "inQueue": False,
        }

    def folder_json(self, folder: str) -> dict[str, Any]:
        prefix = folder + "/" if folder else ""
        children = sorted(
            {name[len(prefix) :].split("/", 1)[0] for name in self.jobs if name.startswith(prefix)}
        )
        return {
            "_class": "com.cloudbees.hudson.plugins.folder.Folder"
            if folder
            else "hudson.model.Hudson",
            "name": folder.rsplit("/", 1)[-1],
            "jobs": [
                {
                    "_class": "hudson.model.FreeStyleProject",
                    "name": c,
                    "url": f"{self.url}{_job_url(prefix + c)}",
                }
                for c in children
            ],
        }


def _job_url(job: str) -> str:
    return "".join(f"job/{part}/" for part in job.split("/"))


def _actions(build: FakeBuild) -> list[dict[str, Any]]:
    """Parameters (when any), causes and an empty placeholder, as Jenkins lists them."""
    actions: list[dict[str, Any]] = [
        {
            "_class": "hudson.model.CauseAction",
            "causes": [
                {"_class": "hudson.model.Cause$UserIdCause", "shortDescription": build.cause}
            ],
        },
        {},
    ]
    if build.parameters:
        parameters = [
            {"_class": "hudson.model.StringParameterValue", "name": k, "value": v}
            for k, v in build.parameters.items()
        ]
        actions.insert(0, {"_class": "hudson.model.ParametersAction", "parameters": parameters})
    return actions


def _change_sets(build: FakeBuild) -> dict[str, Any]:
    """`changeSets` (a list) on a Pipeline run, `changeSet` (an object) on a freestyle build."""
    change_set = {
        "_class": "hudson.plugins.git.GitChangeSetList",
        "kind": "git",
        "items": build.commits,
    }
    if build.pipeline:
        return {"changeSets": [change_set] if build.commits else []}
    empty: dict[str, Any] = {"_class": "hudson.scm.EmptyChangeLogSet", "items": [], "kind": None}
    return {"changeSet": change_set if build.commits else empty, "builtOn": ""}


# ---- the handler ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    fake: FakeJenkins
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds 40 ms
    # to every answer on a kept-alive connection (Jetty, in a real Jenkins, sets TCP_NODELAY).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        fake = self.fake
        with fake.lock:
            fake.requests.append(self.path)
        if fake.on_request is not None:
            fake.on_request(self.path)
        fault = fake.take_fault(self.path)
        if fault is not None and self._fault(fault):
            return
        if not self._authorised():
            return
        parts = urlsplit(self.path)
        path = unquote(parts.path).lstrip("/")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            self._route(path, query)
        except KeyError:
            self._send(404, b"<html>Not Found</html>", "text/html")

    def _fault(self, fault: Fault) -> bool:
        if fault.drop:
            self.close_connection = True
            self.connection.close()
            return True
        if fault.delay:
            time.sleep(fault.delay)
            return False
        self._send(fault.status, f"<html>Error {fault.status}</html>".encode(), "text/html")
        return True

    def _authorised(self) -> bool:
        fake = self.fake
        if not fake.user:
            return True
        header = self.headers.get("Authorization", "")
        expected = base64.b64encode(f"{fake.user}:{fake.token}".encode()).decode()
        if header == f"Basic {expected}":
            return True
        if header:
            self._send(401, b"<html>Invalid password/token for user</html>", "text/html")
        else:
            self._send(
                403, b"<html>anonymous is missing the Overall/Read permission</html>", "text/html"
            )
        return False

    def _route(self, path: str, query: dict[str, str]) -> None:
        fake = self.fake
        if path == "crumbIssuer/api/json":
            if not fake.crumb:
                raise KeyError(path)
            return self._json(CRUMB, query)
        if path == "me/api/json":
            return self._json(
                {
                    "_class": "hudson.model.User",
                    "id": fake.user or "anonymous",
                    "fullName": fake.user or "anonymous",
                    "description": None,
                    "absoluteUrl": f"{fake.url}user/{fake.user}",
                },
                query,
            )
        if path == "api/json":
            return self._json(fake.folder_json(""), query)
        build_match = BUILD_PATH.match(path)
        if build_match:
            return self._build(
                _job_name(build_match["job"]),
                int(build_match["number"]),
                build_match["rest"],
                query,
            )
        job_match = JOB_PATH.match(path)
        if job_match:
            job = _job_name(job_match["job"])
            if job in fake.jobs:
                return self._job(job, query)
            if job in fake.folders():
                return self._json(fake.folder_json(job), query)
        raise KeyError(path)

    def _job(self, job: str, query: dict[str, str]) -> None:
        if "tree" not in query:
            data = self.fake.job_json(job, (0, 0))
            del data["allBuilds"]  # only a tree= query names allBuilds; builds stay capped
            return self._json(data, query)
        tree = parse_tree(query["tree"])
        sub, span = tree.get("allBuilds", (None, (0, 0)))
        if "allBuilds" in tree:
            tree["allBuilds"] = (sub, None)  # sliced once, here
        self._send_json(apply_tree(self.fake.job_json(job, span), tree))

    def _build(self, job: str, number: int, rest: str, query: dict[str, str]) -> None:
        fake = self.fake
        build = fake.jobs[job][number]
        if rest == "api/json":
            return self._json(fake.build_json(job, build), query)
        if rest == "consoleText":
            return self._send(200, build.console.encode(), "text/plain;charset=UTF-8")
        if rest.startswith("artifact/"):
            name = rest[len("artifact/") :]
            body = build.artifacts[name]
            if name in build.truncated:
                return self._send_truncated(body)
            return self._send(200, body, "application/octet-stream")
        raise KeyError(rest)

    def _json(self, data: Any, query: dict[str, str]) -> None:
        if "tree" in query:
            data = apply_tree(data, parse_tree(query["tree"]))
        self._send_json(data)

    def _send_json(self, data: Any) -> None:
        self._send(200, json.dumps(data).encode(), "application/json;charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_truncated(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)


def _job_name(path: str) -> str:
    """`job/perf/job/fio/` -> `perf/fio` (every second segment, so a job may be named "job")."""
    return "/".join(path.strip("/").split("/")[1::2])


def lab_toml(url: str, job: str, *, lab: str = "lab1", timeout_s: float = 2.0) -> str:
    """perfdash config for a lab at `url` (a FakeJenkins, or a closed port) with one job reading
    results/*.json; the fake's user, the token in `LAB1_JENKINS_TOKEN` (for lab1)."""
    return f"""
[[labs]]
name = "{lab}"
url = "{url}"
user = "perfdash"
token_env = "{lab.upper()}_JENKINS_TOKEN"
timeout_s = {timeout_s}
[[jobs]]
lab = "{lab}"
name = "{job}"
[[jobs.reports]]
artifact = "results/*.json"
"""
