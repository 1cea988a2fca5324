"""From the config to a sync pass, and from its report to text a person reads.

The one place `bot` builds a `sync.service.SyncService`: `perfdash sync`, the scheduler and
`/perf sync` all go through `sync_service()` and print or post `summary_lines()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from bot.config import Config, JobConfig, LabConfig, ReportConfig
from bot.errors import ConfigError
from bot.wording import plural
from storage import Repository
from sync.errors import JenkinsError
from sync.parsers import FORMATS
from sync.records import JobReport, JobSpec, LabSpec, ReportSpec, SyncReport
from sync.service import (
    ClientFactory,
    ProgressHook,
    SyncService,
    check_lab,
    default_client,
    utc_now,
)

log = logging.getLogger(__name__)

MAX_SKIPPED_SHOWN = 10


def lab_spec(lab: LabConfig, env: Mapping[str, str]) -> LabSpec:
    """A lab's sync settings; the token is read from its variable (empty when unset)."""
    token = env.get(lab.token_env, "") if lab.token_env else ""
    return LabSpec(
        name=lab.name,
        url=lab.url,
        user=lab.user,
        token=token,
        token_env=lab.token_env,
        timeout_s=lab.timeout_s,
    )


def report_spec(report: ReportConfig) -> ReportSpec:
    return ReportSpec(
        artifact=report.artifact,
        console=report.console,
        format=report.format,
        patterns=report.patterns,
        unit=report.unit,
        direction=report.direction,
        tags=dict(report.tags),
    )


def job_spec(job: JobConfig) -> JobSpec:
    return JobSpec(
        lab=job.lab, name=job.name.strip("/"), reports=tuple(report_spec(r) for r in job.reports)
    )


def require_tokens(config: Config, env: Mapping[str, str], labs: Iterable[str]) -> None:
    """A ConfigError naming the variable when a lab about to be synced has no token."""
    wanted = set(labs)
    for lab in config.labs:
        if lab.name in wanted:
            lab.token(env)


def check_formats(config: Config) -> None:
    """A ConfigError naming the key when a report asks for a format that does not exist.

    (Checked here, not at load time: the config module does not know the parsers.)
    """
    for i, job in enumerate(config.jobs):
        for j, report in enumerate(job.reports):
            if report.format != "auto" and report.format not in FORMATS:
                raise ConfigError(
                    f"jobs[{i}].reports[{j}].format {report.format!r} is not a report format; "
                    "see `perfdash formats`"
                )


def sync_service(
    config: Config,
    env: Mapping[str, str],
    repo: Repository,
    *,
    progress: ProgressHook | None = None,
    client_factory: ClientFactory = default_client,
    now: Callable[[], datetime] = utc_now,
) -> SyncService:
    """A SyncService over every configured lab and job."""
    return SyncService(
        repo,
        [lab_spec(lab, env) for lab in config.labs],
        [job_spec(job) for job in config.jobs],
        client_factory=client_factory,
        now=now,
        progress=progress,
    )


def run_sync(
    config: Config,
    env: Mapping[str, str],
    repo: Repository,
    *,
    lab: str | None = None,
    job: str | None = None,
    full: bool = False,
    progress: ProgressHook | None = None,
) -> SyncReport:
    """One pass, as `perfdash sync`, the scheduler and `/perf sync` run it.

    Unknown names raise `sync.errors.UnknownSelection`; a selected lab without its token, or an
    unknown report format, a ConfigError. A lab's own failures are in the report, never raised.
    Call it inside `repo.connection()` (peewee opens one connection per thread; the caller owns
    it).
    """
    check_formats(config)
    service = sync_service(config, env, repo, progress=progress)
    require_tokens(config, env, {spec.lab for spec in service.select(lab, job)})
    return service.run(lab=lab, job=job, full=full)


def check_labs(
    config: Config, env: Mapping[str, str], client_factory: ClientFactory = default_client
) -> list[tuple[bool, str]]:
    """The Jenkins half of `check-config --online`: per lab, whether it passed, and a line."""
    results = []
    for lab in config.labs:
        try:
            results.append((True, check_lab(lab_spec(lab, env), client_factory)))
        except JenkinsError as exc:
            results.append((False, str(exc)))
    return results


# ---- the summary -------------------------------------------------------------------------


def build_ranges(numbers: Iterable[int]) -> str:
    """`1, 2, 3, 7, 9, 10` -> `1-3, 7, 9-10`."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def job_line(job: JobReport) -> str:
    head = f"{job.lab} {job.job}:"
    if not job.ok:
        done = (
            f" (stored {plural(len(job.new_builds), 'new build')} first)" if job.new_builds else ""
        )
        return f"{head} FAILED: {job.error}{done}"
    parts = []
    if job.new_builds:
        parts.append(
            f"{plural(len(job.new_builds), 'new build')} "
            f"({build_ranges(job.new_builds)}), {plural(job.points, 'point')}"
        )
    if job.updated_builds:
        parts.append(
            f"{plural(len(job.updated_builds), 'build')} read again "
            f"({build_ranges(job.updated_builds)})"
        )
    if job.running:
        parts.append(f"{len(job.running)} still running ({build_ranges(job.running)})")
    return f"{head} {'; '.join(parts) if parts else 'nothing new'}"


def summary_lines(report: SyncReport) -> list[str]:
    """What a person wants to read after a pass: a line per job, its skipped reports, a total."""
    lines = []
    for job in report.jobs:
        lines.append(job_line(job))
        for skip in job.skipped[:MAX_SKIPPED_SHOWN]:
            lines.append(f"  skipped build {skip.build} {skip.report}: {skip.reason}")
        if len(job.skipped) > MAX_SKIPPED_SHOWN:
            lines.append(f"  ... and {len(job.skipped) - MAX_SKIPPED_SHOWN} more skipped reports")
    seconds = (report.finished - report.started).total_seconds()
    labs = len({j.lab for j in report.jobs})
    skipped = sum(len(j.skipped) for j in report.jobs)
    total = (
        f"synced {plural(len(report.jobs), 'job')} of {plural(labs, 'lab')} in "
        f"{seconds:.1f} s: {plural(report.new_builds, 'new build')}, "
        f"{plural(report.points, 'point')}, {plural(skipped, 'skipped report')}"
    )
    if report.failed:
        total += f", {len(report.failed)} failed"
    lines.append(total)
    return lines


def chat_sync_runner(
    config: Config, env: Mapping[str, str], repo: Repository
) -> Callable[[str | None], str]:
    """What `/perf sync [lab]` runs: one pass (the caller holds a connection), as summary text."""

    def run(lab: str | None) -> str:
        return "\n".join(summary_lines(run_sync(config, env, repo, lab=lab)))

    return run
