"""What a sync pass takes in (labs, jobs, reports) and what it hands back (a SyncReport).

Plain frozen records, so `bot` converts its config into them and reads the report without sync
importing `bot`. `SyncReport.to_json()` is the shape `perfdash sync --json` prints.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LabSpec:
    """One Jenkins server. `token_env` only names the variable, for error messages."""

    name: str
    url: str
    user: str = ""
    token: str = ""
    token_env: str = ""
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 0.5  # urllib3 backoff factor: waits of 0, 2x, 4x ... this between retries
    workers: int = 4  # report downloads in flight per lab


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """Where a job's results are: an artifact glob, or the console log (`console=True`)."""

    artifact: str = ""
    console: bool = False
    format: str = "auto"
    patterns: tuple[str, ...] = ()
    unit: str = ""
    direction: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "console" if self.console else self.artifact


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job to follow, by its full folder path, with its reports."""

    lab: str
    name: str
    reports: tuple[ReportSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class SkippedReport:
    """A report of a build that gave no samples, and why (the build's other reports still land)."""

    build: int
    report: str
    reason: str


@dataclass(frozen=True, slots=True)
class JobReport:
    """How one job's pass went."""

    lab: str
    job: str
    new_builds: tuple[int, ...] = ()
    updated_builds: tuple[int, ...] = ()  # stored before; re-read (running then, or --full)
    points: int = 0
    running: tuple[int, ...] = ()
    skipped: tuple[SkippedReport, ...] = ()
    error: str = ""
    error_kind: str = ""
    requests: int = 0  # HTTP requests this job cost (as the client counted them)

    @property
    def ok(self) -> bool:
        return not self.error

    def to_json(self) -> dict[str, Any]:
        return {
            "lab": self.lab,
            "job": self.job,
            "ok": self.ok,
            "new_builds": list(self.new_builds),
            "updated_builds": list(self.updated_builds),
            "points": self.points,
            "running": list(self.running),
            "skipped": [
                {"build": s.build, "report": s.report, "reason": s.reason} for s in self.skipped
            ],
            "error": self.error,
            "error_kind": self.error_kind,  # auth, unreachable, not found, server error, ...
            "requests": self.requests,
        }


@dataclass(frozen=True, slots=True)
class SyncReport:
    """One pass over the selected jobs."""

    jobs: tuple[JobReport, ...]
    started: datetime
    finished: datetime

    @property
    def failed(self) -> tuple[JobReport, ...]:
        return tuple(j for j in self.jobs if not j.ok)

    @property
    def new_builds(self) -> int:
        return sum(len(j.new_builds) for j in self.jobs)

    @property
    def points(self) -> int:
        return sum(j.points for j in self.jobs)

    def to_json(self) -> list[dict[str, Any]]:
        return [j.to_json() for j in self.jobs]


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress tick for a display: `done` of `total` new builds of a job are stored."""

    lab: str
    job: str
    done: int
    total: int
