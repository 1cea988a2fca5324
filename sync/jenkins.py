"""The one module that talks to Jenkins: python-jenkins, made safe for a scheduled sync.

What it adds to python-jenkins (see DESIGN.md, "Known pitfalls"):

- a timeout on every request (python-jenkins has none by default);
- retries with exponential backoff through an `HTTPAdapter` mounted on its session (its own
  `retries=` argument does nothing useful), for connection errors, read timeouts and 5xx answers;
- failures sorted by the HTTP status actually seen (a response hook records it), because
  python-jenkins reports a 503 as "does not exist" and a 500 as an authentication failure;
- build lists through `tree=allBuilds[...]{M,N}` ranges, which carry every field a sync needs, so
  one request lists up to a page of builds with their details (`get_job_info` stops at 100);
- artifacts as bytes (never `get_build_artifact`, which parses JSON), console text, and build
  details with parameters, causes and commits from `changeSet` (freestyle) or `changeSets`
  (Pipeline).

Read requests go out without a CSRF crumb: Jenkins only wants one on POST, and asking for it
would cost one extra request per client.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import jenkins
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from storage.records import Build, Commit, Result
from sync.errors import AuthFailed, JenkinsError, NotFound, ServerError, Truncated, Unreachable

log = logging.getLogger(__name__)

T = TypeVar("T")

# The fields of a build a sync reads, as a Jenkins `tree=` expression. Fields a build class does
# not have (changeSet on a Pipeline run, changeSets on a freestyle build) are simply left out.
_COMMIT_FIELDS = "items[commitId,id,revision,msg,comment,author[fullName],user]"
BUILD_TREE = (
    "number,url,building,result,timestamp,duration,"
    "actions[parameters[name,value],causes[shortDescription]],"
    f"changeSet[{_COMMIT_FIELDS}],changeSets[{_COMMIT_FIELDS}],"
    "artifacts[relativePath]"
)
MAX_TIMESTAMP_MS = 253_402_300_799_000  # 9999-12-31: beyond it, datetime cannot hold the time
RETRY_STATUSES = (500, 502, 503, 504)
TRUNCATION_ERRORS = (
    urllib3.exceptions.ProtocolError,
    requests.exceptions.ChunkedEncodingError,
)
FAILURES = (jenkins.JenkinsException, requests.RequestException, urllib3.exceptions.HTTPError)


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """One build as Jenkins describes it (the part a sync needs)."""

    number: int
    building: bool
    result: Result
    started: datetime | None = None
    duration_s: float = 0.0
    url: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    causes: tuple[str, ...] = ()
    commits: tuple[Commit, ...] = ()
    artifacts: tuple[str, ...] = ()  # relativePath of each artifact

    def record(self, lab: str, job: str) -> Build:
        """The storage record of this build."""
        return Build(
            lab=lab,
            job=job,
            number=self.number,
            result=self.result,
            started=self.started,
            duration_s=self.duration_s,
            url=self.url,
            parameters=dict(self.parameters),
            commits=self.commits,
            cause="; ".join(self.causes),
        )


def job_path(name: str) -> str:
    """`perf/fio nightly` -> `job/perf/job/fio nightly` (python-jenkins quotes it later)."""
    return "/".join(f"job/{part}" for part in name.strip("/").split("/"))


class JenkinsClient:
    """A client for one Jenkins server; safe to share between the threads of one lab.

    Every method raises only `sync.errors.JenkinsError` subclasses.
    """

    def __init__(
        self,
        url: str,
        user: str = "",
        token: str = "",
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        pool: int = 4,
    ) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.user = user
        self.timeout = timeout
        self.retries = retries
        self._server = jenkins.Jenkins(
            self.url, username=user or None, password=token or None, timeout=timeout
        )
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
            respect_retry_after_header=False,  # a 503's Retry-After may say an hour
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=pool, pool_maxsize=pool)
        self._server.crumb = False  # GETs need no crumb; asking costs a request per client
        session: requests.Session = self._server._session  # python-jenkins has no public door
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.hooks["response"].append(self._remember_status)
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self.requests = 0  # answers received (retries inside the adapter are not counted)

    # ---- what the sync asks --------------------------------------------------------------

    def whoami(self) -> str:
        """The id of the user the credentials belong to; checks URL and credentials at once."""
        data = self._call("the user check", self._server.get_whoami)
        return str(data.get("id") or data.get("fullName") or "anonymous")

    def builds(self, job: str, start: int = 0, stop: int = 100) -> list[BuildInfo]:
        """Builds `start` to `stop - 1` of a job, newest first, with their details."""
        query = f"?tree=allBuilds[{BUILD_TREE}]{{{start},{stop}}}"
        what = f"the build list of job {job!r}"
        data = self._call(what, self._server.get_info, job_path(job), query)
        if not isinstance(data, dict) or not isinstance(data.get("allBuilds"), list):
            raise NotFound(f"{job!r} on {self.url} is not a job with builds (a folder?)")
        return [
            parse_build(item)
            for item in data["allBuilds"]
            if isinstance(item, dict) and isinstance(item.get("number"), int)
        ]

    def build(self, job: str, number: int) -> BuildInfo | None:
        """One build's details; None when the build does not exist (deleted)."""
        try:
            data = self._call(
                f"build {number} of job {job!r}", self._server.get_build_info, job, number
            )
        except NotFound:
            return None
        return parse_build(data)

    def artifact(self, job: str, number: int, path: str) -> bytes:
        """An artifact's bytes; a transfer cut short is tried again before Truncated."""
        what = f"artifact {path} of build {number}"
        for attempt in range(self.retries + 1):
            try:
                data: bytes = self._call(
                    what, self._server.get_build_artifact_as_bytes, job, number, path
                )
                return data
            except Truncated:
                if attempt == self.retries:
                    raise
                log.info("%s was cut short; trying again", what)
        raise AssertionError("unreachable")

    def console(self, job: str, number: int) -> str:
        """The whole console log of a build ("" when Jenkins has none)."""
        what = f"the console log of build {number}"
        try:
            text: str = self._call(what, self._server.get_build_console_output, job, number)
        except ServerError as exc:
            if exc.status == 200:  # python-jenkins calls an empty log "does not exist"
                return ""
            raise
        return text

    # ---- failures ------------------------------------------------------------------------

    def _remember_status(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._local.status = response.status_code
        with self._count_lock:
            self.requests += 1

    def _call(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        self._local.status = None
        try:
            return fn(*args)
        except FAILURES as exc:
            raise self._classify(what, exc, getattr(self._local, "status", None)) from exc

    def _classify(self, what: str, exc: Exception, status: int | None) -> JenkinsError:
        if status is None or (status == 200 and isinstance(exc, TRUNCATION_ERRORS)):
            return self._no_answer(what, exc, status)
        if status in (401, 403):
            who = f"user {self.user!r}" if self.user else "anonymous access"
            return AuthFailed(f"{self.url} refused {who} (HTTP {status})", status=status)
        if status == 404:
            return NotFound(f"{what} does not exist on {self.url} (HTTP 404)", status=status)
        if status >= 500:
            return ServerError(
                f"{self.url} failed on {what} (HTTP {status}, after {self.retries} retries)",
                status=status,
            )
        return ServerError(
            f"{self.url} gave an unexpected answer to {what} (HTTP {status}: {_first_line(exc)})",
            status=status,
        )

    def _no_answer(self, what: str, exc: Exception, status: int | None) -> JenkinsError:
        if isinstance(exc, TRUNCATION_ERRORS):
            return Truncated(f"{what} was cut short by {self.url}", status=status)
        if isinstance(exc, jenkins.TimeoutException) or "timed out" in str(exc).lower():
            return Unreachable(
                f"{self.url} did not answer within {self.timeout:g} s ({self.retries} retries)"
            )
        return Unreachable(f"{self.url} cannot be reached ({_reason(exc)})")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0][:200]


def _reason(exc: Exception) -> str:
    """A short cause for a connection failure, without urllib3's nested reprs."""
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "No route to host",
        "certificate verify failed",
        "Connection reset",
        "Remote end closed",
    ):
        if marker in text:
            return marker.lower()
    return _first_line(exc)


# ---- reading build JSON ------------------------------------------------------------------


def parse_build(data: Mapping[str, Any]) -> BuildInfo:
    """A build's JSON (from `get_build_info` or a `tree=` list) as a BuildInfo."""
    building = bool(data.get("building"))
    raw_result = data.get("result")
    result = Result.RUNNING if building or raw_result is None else _result(raw_result)
    timestamp = data.get("timestamp")
    started = (
        datetime.fromtimestamp(timestamp / 1000, tz=UTC)
        if isinstance(timestamp, int | float) and 0 < timestamp < MAX_TIMESTAMP_MS
        else None
    )
    duration = data.get("duration")
    actions = [a for a in _list(data.get("actions")) if isinstance(a, dict)]
    return BuildInfo(
        number=int(data["number"]),
        building=result is Result.RUNNING,
        result=result,
        started=started,
        duration_s=duration / 1000 if isinstance(duration, int | float) else 0.0,
        url=str(data.get("url") or ""),
        parameters=_parameters(actions),
        causes=tuple(
            str(c["shortDescription"])
            for a in actions
            for c in _list(a.get("causes"))
            if isinstance(c, dict) and c.get("shortDescription")
        ),
        commits=_commits(data),
        artifacts=tuple(
            str(a["relativePath"])
            for a in _list(data.get("artifacts"))
            if isinstance(a, dict) and a.get("relativePath")
        ),
    )


def _result(value: Any) -> Result:
    try:
        return Result(str(value))
    except ValueError:
        log.warning("unknown Jenkins build result %r; stored as FAILURE", value)
        return Result.FAILURE


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _parameters(actions: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for action in actions:
        for param in _list(action.get("parameters")):
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                value = param.get("value")
                out[param["name"]] = (
                    value
                    if isinstance(value, str | int | float | bool) or value is None
                    else str(value)
                )
    return out


def _commits(data: Mapping[str, Any]) -> tuple[Commit, ...]:
    """Commits of `changeSet` (an object, freestyle) and `changeSets` (a list, Pipeline)."""
    sets = [data["changeSet"]] if isinstance(data.get("changeSet"), dict) else []
    sets += [s for s in _list(data.get("changeSets")) if isinstance(s, dict)]
    commits = []
    for item in (i for s in sets for i in _list(s.get("items")) if isinstance(i, dict)):
        ident = item.get("commitId") or item.get("id") or item.get("revision")
        if ident is None:
            continue
        author = item.get("author")
        name = author.get("fullName") if isinstance(author, dict) else item.get("user")
        message = item.get("msg") or item.get("comment") or ""
        commits.append(Commit(id=str(ident), author=str(name or ""), message=str(message).strip()))
    return tuple(commits)
