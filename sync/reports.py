"""A build's reports: which artifacts a `[[jobs.reports]]` entry picks, fetched and parsed.

A report that cannot give samples (no matching artifact, a 404, a transfer cut short, a parse
error, a console log matching no pattern) is skipped with a reason and the build's other reports
still land. Failures of the lab itself (unreachable, credentials, 5xx after the retries) propagate,
so the build is not stored half-read and the next pass fetches it again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from storage.records import Sample
from sync import parsers
from sync.errors import NotFound, Truncated
from sync.jenkins import BuildInfo, JenkinsClient
from sync.parsers.console import parse_console
from sync.records import ReportSpec, SkippedReport

log = logging.getLogger(__name__)

SKIPPABLE = (NotFound, Truncated, parsers.ParseError)


@dataclass(frozen=True, slots=True)
class BuildReports:
    """The samples read from one build, and the reports that gave none."""

    build: BuildInfo
    samples: tuple[Sample, ...]
    skipped: tuple[SkippedReport, ...]


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over artifact paths: `*` and `?` stay within a folder, `**/` spans folders."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i])))
            i += 1
    return re.compile("".join(out))


def matching(pattern: str, paths: tuple[str, ...]) -> list[str]:
    regex = glob_regex(pattern.lstrip("/"))
    return [path for path in paths if regex.fullmatch(path)]


def _artifacts_text(paths: tuple[str, ...], shown: int = 3) -> str:
    """What a build does have, so that a glob that matches nothing can be put right."""
    if not paths:
        return "the build archived no artifacts"
    listed = ", ".join(paths[:shown])
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return f"the build has {listed}{more}"


def read_build(
    client: JenkinsClient, job: str, build: BuildInfo, reports: tuple[ReportSpec, ...]
) -> BuildReports:
    """Fetch and parse every report of one build (runs on the lab's worker threads)."""
    samples: list[Sample] = []
    skipped: list[SkippedReport] = []
    for spec in reports:
        if spec.console:
            _read_console(client, job, build, spec, samples, skipped)
            continue
        paths = matching(spec.artifact, build.artifacts)
        if not paths:
            reason = f"no artifact matches {spec.artifact} ({_artifacts_text(build.artifacts)})"
            skipped.append(SkippedReport(build.number, spec.label, reason))
        for path in paths:
            try:
                found = parsers.parse(
                    client.artifact(job, build.number, path), spec.format, name=path
                )
            except SKIPPABLE as exc:
                skipped.append(SkippedReport(build.number, path, _reason(path, exc)))
                continue
            samples.extend(_tagged(found, spec))
    for skip in skipped:
        log.info("build %s of %s: skipped %s: %s", build.number, job, skip.report, skip.reason)
    return BuildReports(build, tuple(samples), tuple(skipped))


def _read_console(
    client: JenkinsClient,
    job: str,
    build: BuildInfo,
    spec: ReportSpec,
    samples: list[Sample],
    skipped: list[SkippedReport],
) -> None:
    try:
        text = client.console(job, build.number)
        if spec.patterns:
            found = parse_console(
                text, spec.patterns, unit=spec.unit, direction=spec.direction, tags=dict(spec.tags)
            )
        else:
            found = parsers.parse(text.encode("utf-8"), spec.format, name="console")
    except SKIPPABLE as exc:
        skipped.append(SkippedReport(build.number, "console", _reason("the console log", exc)))
        return
    if not found:
        skipped.append(
            SkippedReport(build.number, "console", "the console log matches none of the patterns")
        )
    samples.extend(_tagged(found, spec))


def _tagged(samples: list[Sample], spec: ReportSpec) -> list[Sample]:
    """The report's configured tags added to each sample (they win over the file's own)."""
    if not spec.tags:
        return samples
    return [replace(s, tags={**s.tags, **spec.tags}) for s in samples]


def _reason(what: str, exc: Exception) -> str:
    if isinstance(exc, parsers.ParseError):
        return f"{what} {exc}" if exc.line is None else f"{what}: {exc}"
    return str(exc)
