"""The scheduled jobs of `perfdash serve`: a sync pass (then detection) every N minutes.

APScheduler 3.x runs them on its own thread. Every job is `coalesce=True`, `max_instances=1` and
has a `misfire_grace_time`, so a pass that overruns is never doubled and one missed while the
process was busy still runs. With several replicas on one PostgreSQL, only the holder of the
leader lock runs a job; the others skip it and try to take the lock at the next run.

A failed job tells the ops channel once (until the job succeeds again) and re-raises, so the
failure is also logged by the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.detection import detect
from bot.syncing import run_sync, summary_lines
from bot.wording import plural
from storage import Repository
from storage.leader import LeaderLock

log = logging.getLogger(__name__)

Notify = Callable[[str], None]
MISFIRE_GRACE_S = 3600


def utc_now() -> datetime:
    return datetime.now(UTC)


class Jobs:
    """The work each scheduled job does; plain methods, so tests call them directly."""

    def __init__(
        self,
        config: Config,
        env: Mapping[str, str],
        repo: Repository,
        *,
        leader: LeaderLock,
        notify: Notify | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._config, self._env, self._repo = config, env, repo
        self._leader, self._notify, self._now = leader, notify, now
        self._failing: dict[str, str] = {}  # job name -> the failure already told

    def sync_and_detect(self) -> list[str]:
        """One sync pass over every lab, then detection on what changed; the summary lines."""
        return self._guarded("sync", self._sync_and_detect) or []

    def _sync_and_detect(self) -> list[str]:
        with self._repo.connection():
            report = run_sync(self._config, self._env, self._repo)
            found = detect(self._repo, self._config.detection, now=self._now())
        lines = summary_lines(report)
        new = sum(1 for item in found if item.new)
        lines.append(f"detection: {plural(new, 'new change point')}")
        for line in lines:
            log.info("scheduled sync: %s", line)
        if report.failed:
            failed = "; ".join(f"{j.lab} {j.job}: {j.error}" for j in report.failed)
            self._tell(
                "sync", f"perfdash sync: {plural(len(report.failed), 'job')} failed: {failed}"
            )
        else:
            self._failing.pop("sync", None)
        return lines

    def _guarded(self, name: str, work: Callable[[], Any]) -> Any:
        if not self._leader.acquire():
            log.debug("%s: another replica holds the leader lock; skipped", name)
            return None
        try:
            return work()
        except Exception as exc:
            self._tell(name, f"perfdash: the scheduled {name} failed: {exc}")
            raise

    def _tell(self, name: str, text: str) -> None:
        """Post a failure to the ops channel once, until the job succeeds again."""
        if self._failing.get(name) == text or self._notify is None:
            return
        self._failing[name] = text
        try:
            self._notify(text)
        except Exception:  # the ops channel is best effort; the failure is logged anyway
            log.exception("could not tell the ops channel about %s", name)


def build_scheduler(config: Config, jobs: Jobs) -> BackgroundScheduler:
    """The scheduler with its jobs added, not yet started."""
    scheduler = BackgroundScheduler(timezone=config.schedule.timezone)
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S}
    if config.jobs:
        scheduler.add_job(
            jobs.sync_and_detect,
            IntervalTrigger(minutes=config.schedule.sync_every_minutes),
            id="sync",
            name="sync and detect",
            next_run_time=datetime.now(UTC),  # a first pass right after start
            **defaults,
        )
    return scheduler


class SchedulerService:
    """The scheduler as a `serve` service: started with the others, shut down on stop."""

    name = "scheduler"

    def __init__(self, config: Config, jobs: Jobs) -> None:
        self.scheduler = build_scheduler(config, jobs)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)  # a pass in progress finishes; nothing is cut short


def ops_notifier(post: Callable[[str, str], Any], channel: str) -> Notify | None:
    """Post failures to `[slack] ops_channel`; None (log only) when no channel is set."""
    if not channel:
        return None
    return lambda text: post(channel, text)
