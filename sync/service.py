"""The incremental sync: one pass over the configured jobs, lab by lab.

Entry point: `SyncService(repo, labs, jobs).run(lab=None, job=None, full=False) -> SyncReport`.
The scheduler, `/perf sync` and `perfdash sync` all call that; it never raises for a lab's
troubles (they land in the report and in each job's SyncState), only for unknown names.

Per job, a pass:

1. lists builds newest first through `tree=allBuilds[...]{M,N}` pages, and stops at the first
   page that reaches the last fully synced build (`SyncState.last_build`): a pass with nothing new
   costs one request;
2. revisits the builds that were still running last time (inside the listed pages for free, or
   one request each when they are older than the page; a 404 means the build was deleted);
3. fetches the reports of each finished build on a small thread pool per lab, in build order,
   and stores each build with its samples in one transaction (`Repository.save_build`);
4. records the new high-water mark and the builds still running, or, if the lab failed midway,
   the builds stored so far and the error, so the next pass resumes with no duplicate.

A job whose newest build number is below the high-water mark, and whose newest build is not the
stored build of that number, was recreated or had its numbering reset: it is read again from the
start (when the newest builds were only deleted, nothing is read again). `full=True` re-reads
every build; storing is an upsert, so whatever is already right stays as it is.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from storage import Repository
from sync.errors import AuthFailed, JenkinsError, UnknownSelection
from sync.jenkins import BuildInfo, JenkinsClient
from sync.records import JobReport, JobSpec, LabSpec, Progress, SkippedReport, SyncReport
from sync.reports import BuildReports, read_build

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
LIST_ATTEMPTS = 3
# Failures that say the whole lab is unusable this pass (bad credentials, no answer).
LAB_WIDE_KINDS = frozenset(cls.kind for cls in JenkinsError.__subclasses__() if cls.lab_wide)
ClientFactory = Callable[[LabSpec], JenkinsClient]
ProgressHook = Callable[[Progress], None]


def default_client(lab: LabSpec) -> JenkinsClient:
    return JenkinsClient(
        lab.url,
        lab.user,
        lab.token,
        timeout=lab.timeout_s,
        retries=lab.retries,
        backoff=lab.backoff_s,
        pool=lab.workers,
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


def describe(error: JenkinsError, lab: LabSpec) -> str:
    """One sentence for the user that names the lab (and, for credentials, the variable)."""
    if isinstance(error, AuthFailed):
        if not lab.user:
            return (
                f"lab {lab.name!r} refused anonymous access (HTTP {error.status}); set user "
                f"and token_env for it in the config"
            )
        return (
            f"lab {lab.name!r} refused user {lab.user!r} (HTTP {error.status}); check the "
            f"API token in the environment variable {lab.token_env or '(token_env unset)'}"
        )
    return f"lab {lab.name!r}: {error}"


def check_lab(lab: LabSpec, client_factory: ClientFactory = default_client) -> str:
    """Check a lab's URL and credentials (`check-config --online`); raises a described error."""
    try:
        user = client_factory(lab).whoami()
    except JenkinsError as exc:
        raise type(exc)(describe(exc, lab), status=exc.status) from exc
    return f"lab {lab.name!r}: {lab.url} answers, signed in as {user}"


@dataclass
class _Plan:
    """What one job's pass will read: finished builds to store, running ones to remember."""

    mark: int  # the high-water mark this pass started from (0 after a numbering restart)
    newest: int
    to_store: list[BuildInfo]
    running: list[int]
    old_running: set[int]
    gone: set[int] = field(default_factory=set)
    full: bool = False


@dataclass
class _Outcome:
    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    points: int = 0
    skipped: list[SkippedReport] = field(default_factory=list)

    def report(self, spec: JobSpec, **extra: Any) -> JobReport:
        return JobReport(
            lab=spec.lab,
            job=spec.name,
            new_builds=tuple(self.new),
            updated_builds=tuple(self.updated),
            points=self.points,
            skipped=tuple(self.skipped),
            **extra,
        )


class SyncService:
    """Syncs the given jobs from their labs into the Repository."""

    def __init__(
        self,
        repo: Repository,
        labs: Sequence[LabSpec],
        jobs: Sequence[JobSpec],
        *,
        client_factory: ClientFactory = default_client,
        now: Callable[[], datetime] = utc_now,
        progress: ProgressHook | None = None,
        first_page: int = 25,
        page_size: int = 100,
    ) -> None:
        self.repo = repo
        self.labs = {lab.name: lab for lab in labs}
        self.jobs = tuple(jobs)
        self.client_factory = client_factory
        self.now = now
        self.progress = progress
        self.first_page = first_page
        self.page_size = page_size

    def run(self, lab: str | None = None, job: str | None = None, full: bool = False) -> SyncReport:
        """One pass over the jobs of `lab` (or every lab), or over one `job` (its full path)."""
        selected = self.select(lab, job)
        started = self.now()
        reports: list[JobReport] = []
        for lab_name in dict.fromkeys(spec.lab for spec in selected):
            lab_jobs = [spec for spec in selected if spec.lab == lab_name]
            reports.extend(self._sync_lab(self.labs[lab_name], lab_jobs, full))
        return SyncReport(jobs=tuple(reports), started=started, finished=self.now())

    def select(self, lab: str | None, job: str | None) -> list[JobSpec]:
        """The jobs a `--lab`/`--job` choice names; UnknownSelection says what exists."""
        if lab is not None and lab not in self.labs:
            raise UnknownSelection("lab", lab, sorted(self.labs))
        chosen = [s for s in self.jobs if lab is None or s.lab == lab]
        if job is not None:
            names = sorted({s.name for s in chosen})
            chosen = [s for s in chosen if s.name == job.strip("/")]
            if not chosen:
                raise UnknownSelection("job", job, names)
        return chosen

    # ---- one lab -------------------------------------------------------------------------

    def _sync_lab(self, lab: LabSpec, jobs: list[JobSpec], full: bool) -> list[JobReport]:
        self.repo.ensure_lab(lab.name, lab.url)
        client = self.client_factory(lab)
        lab_error: str = ""
        reports = []
        with ThreadPoolExecutor(
            max_workers=max(1, lab.workers), thread_name_prefix=f"sync-{lab.name}"
        ) as pool:
            for spec in jobs:
                if lab_error:  # the lab is down or refuses us: do not wait on it once per job
                    reports.append(self._failed(spec, lab_error, "lab"))
                    continue
                report = self._sync_job(client, pool, lab, spec, full)
                if report.error_kind in LAB_WIDE_KINDS:
                    lab_error = report.error
                reports.append(report)
        return reports

    def _failed(self, spec: JobSpec, error: str, kind: str) -> JobReport:
        self.repo.record_sync_error(spec.lab, spec.name, error, self.now())
        return JobReport(lab=spec.lab, job=spec.name, error=error, error_kind=kind)

    # ---- one job -------------------------------------------------------------------------

    def _sync_job(
        self,
        client: JenkinsClient,
        pool: ThreadPoolExecutor,
        lab: LabSpec,
        spec: JobSpec,
        full: bool,
    ) -> JobReport:
        before = client.requests
        state = self.repo.sync_state(spec.lab, spec.name)
        plan: _Plan | None = None
        outcome = _Outcome()
        try:
            plan = self._plan(client, spec, state.last_build, set(state.running), full)
            self._store(client, pool, lab, spec, plan, outcome)
        except JenkinsError as exc:
            return self._job_failed(
                spec, plan, outcome, describe(exc, lab), exc.kind, client.requests - before
            )
        except Exception as exc:  # a bug must not stop the other jobs and labs
            log.exception("sync of %s in lab %s crashed", spec.name, spec.lab)
            return self._job_failed(
                spec,
                plan,
                outcome,
                f"sync crashed ({type(exc).__name__}: {exc}); see the log",
                "crash",
                client.requests - before,
            )
        running = tuple(sorted(plan.running))
        self.repo.record_sync_success(
            spec.lab, spec.name, max(plan.newest, plan.mark), running, self.now()
        )
        log.info(
            "synced %s in lab %s: %d new builds, %d points, %d skipped reports",
            spec.name,
            spec.lab,
            len(outcome.new),
            outcome.points,
            len(outcome.skipped),
        )
        return outcome.report(spec, running=running, requests=client.requests - before)

    def _job_failed(
        self,
        spec: JobSpec,
        plan: _Plan | None,
        outcome: _Outcome,
        error: str,
        kind: str,
        requests: int,
    ) -> JobReport:
        """Keep what was stored before the failure, so the next pass resumes after it."""
        log.info("sync of %s in lab %s failed: %s", spec.name, spec.lab, error)
        # A failed --full pass keeps the old mark: it only re-read builds synced before.
        if plan is not None and not plan.full and (outcome.new or outcome.updated):
            stored = set(outcome.new) | set(outcome.updated)
            mark = max(plan.mark, *stored)
            running = {n for n in plan.running if n <= mark}
            running |= {n for n in plan.old_running if n not in stored and n not in plan.gone}
            self.repo.record_sync_progress(spec.lab, spec.name, mark, tuple(sorted(running)))
        self.repo.record_sync_error(spec.lab, spec.name, error, self.now())
        return outcome.report(spec, error=error, error_kind=kind, requests=requests)

    def _plan(
        self, client: JenkinsClient, spec: JobSpec, mark: int, old_running: set[int], full: bool
    ) -> _Plan:
        if full:
            mark, old_running = 0, set()
        listed = self._list_newer(client, spec.name, mark)
        if listed and listed[0].number < mark and self._renumbered(spec, listed[0]):
            log.warning(
                "job %s in lab %s restarted its numbering at %d (synced up to %d); "
                "reading it again",
                spec.name,
                spec.lab,
                listed[0].number,
                mark,
            )
            mark, old_running = 0, set()
            listed = self._list_newer(client, spec.name, 0)
        by_number = {b.number: b for b in listed}
        gone: set[int] = set()
        for number in sorted(old_running - by_number.keys()):
            info = client.build(spec.name, number)
            if info is None:
                gone.add(number)  # deleted while it ran
            else:
                by_number[number] = info
        wanted = [b for n, b in sorted(by_number.items()) if n > mark or n in old_running]
        return _Plan(
            mark=mark,
            newest=listed[0].number if listed else 0,
            to_store=[b for b in wanted if not b.building],
            running=[b.number for b in wanted if b.building],
            old_running=old_running,
            gone=gone,
            full=full,
        )

    def _renumbered(self, spec: JobSpec, newest: BuildInfo) -> bool:
        """Whether a newest build below the mark is a new numbering, not deleted newer builds.

        Deleting the newest builds also leaves the newest number below the mark; then the build
        that is newest now is stored already, with the same start time.
        """
        stored = self.repo.build(spec.lab, spec.name, newest.number)
        return stored is None or stored.started != newest.started

    def _list_newer(self, client: JenkinsClient, job: str, mark: int) -> list[BuildInfo]:
        """Builds newest first, page by page, until a page reaches `mark` or the oldest build.

        Pages overlap by one build: a page that does not start at the last build seen means a
        build was deleted meanwhile and the list shifted under us, so it is read again (new
        builds shift it the other way, which only repeats builds already seen).
        """
        listed: list[BuildInfo] = []
        for _ in range(LIST_ATTEMPTS):
            listed, complete = self._pages(client, job, mark)
            if complete:
                break
            log.info("the builds of %s changed while they were listed; listing again", job)
        return listed

    def _pages(self, client: JenkinsClient, job: str, mark: int) -> tuple[list[BuildInfo], bool]:
        listed: list[BuildInfo] = []
        start, size = 0, self.first_page
        while True:
            page = client.builds(job, start, start + size)
            if listed and page and page[0].number < listed[-1].number:
                return listed, False
            oldest = listed[-1].number if listed else None
            listed.extend(b for b in page if oldest is None or b.number < oldest)
            if len(page) < size or page[-1].number <= mark:
                return listed, True
            start, size = start + size - 1, self.page_size

    def _store(
        self,
        client: JenkinsClient,
        pool: ThreadPoolExecutor,
        lab: LabSpec,
        spec: JobSpec,
        plan: _Plan,
        outcome: _Outcome,
    ) -> None:
        total = len(plan.to_store)

        def read(build: BuildInfo) -> BuildReports:
            return read_build(client, spec.name, build, spec.reports)

        for done, got in enumerate(in_order(pool, read, plan.to_store, lab.workers * 4), 1):
            saved = self.repo.save_build(got.build.record(spec.lab, spec.name), got.samples)
            (outcome.new if saved.new_build else outcome.updated).append(got.build.number)
            outcome.points += saved.points
            outcome.skipped.extend(got.skipped)
            if self.progress is not None:
                self.progress(Progress(spec.lab, spec.name, done, total))


def in_order(
    pool: ThreadPoolExecutor, fn: Callable[[T], R], items: Iterable[T], window: int
) -> Iterator[R]:
    """`fn` over items on the pool, at most `window` in flight, results in the items' order.

    The first failure is raised in order; the work not yet started is cancelled.
    """
    pending: deque[Future[R]] = deque()
    source = iter(items)
    try:
        for item in source:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            for item in source:
                pending.append(pool.submit(fn, item))
                break
            yield result
    finally:
        for future in pending:
            future.cancel()
