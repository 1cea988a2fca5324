"""Operational state: sync progress, findings (alerts), subscriptions and the chat outbox."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import peewee

from storage.models import (
    FindingMessage,
    FindingRow,
    Job,
    Lab,
    OutboxRow,
    SeriesRow,
    SubscriptionRow,
    SyncStateRow,
    from_epoch,
    to_epoch,
)
from storage.records import (
    Direction,
    Finding,
    FindingKind,
    FindingState,
    OutboxMessage,
    Series,
    SeriesKey,
    Subscription,
    SyncState,
)
from storage.results import ResultsStore

log = logging.getLogger(__name__)


def _finding(row: FindingRow, lab: str, job: str) -> Finding:
    series_row = row.series
    series = Series(
        id=series_row.id,
        key=SeriesKey(lab=lab, job=job, metric=series_row.metric, tags=json.loads(series_row.tags)),
        unit=series_row.unit,
        direction=Direction(series_row.direction),
    )
    created = from_epoch(row.created)
    assert created is not None
    return Finding(
        id=row.id,
        series=series,
        kind=FindingKind(row.kind),
        build_before=row.build_before,
        build_after=row.build_after,
        value_before=row.value_before,
        value_after=row.value_after,
        change_pct=row.change_pct,
        state=FindingState(row.state),
        created=created,
        score=row.score,
        note=row.note,
        updated_by=row.updated_by,
        muted_until=from_epoch(row.muted_until),
    )


def _sync_state(lab: str, job: str, row: SyncStateRow) -> SyncState:
    return SyncState(
        lab=lab,
        job=job,
        last_build=row.last_build,
        running=tuple(row.running or ()),
        last_success=from_epoch(row.last_success),
        last_error=row.last_error,
        last_error_at=from_epoch(row.last_error_at),
    )


def _outbox(row: OutboxRow) -> OutboxMessage:
    created = from_epoch(row.created)
    assert created is not None
    return OutboxMessage(
        id=row.id,
        key=row.key,
        channel=row.channel,
        payload=row.payload,
        created=created,
        attempts=row.attempts,
        sent_at=from_epoch(row.sent_at),
        last_error=row.last_error,
        response=row.response or {},
    )


class StateStore(ResultsStore):
    """Results plus operational state; `storage.Repository` is this with a database."""

    # ---- sync state ----------------------------------------------------------------------

    def sync_state(self, lab: str, job: str) -> SyncState:
        """How far sync got for a job; a job never synced is at build 0."""
        row = (
            SyncStateRow.select(SyncStateRow)
            .join(Job)
            .join(Lab)
            .where((Lab.name == lab) & (Job.name == job))
            .first()
        )
        if row is None:
            return SyncState(lab=lab, job=job, last_build=0)
        return _sync_state(lab, job, row)

    def sync_states(self) -> list[SyncState]:
        """The sync state of every job that has one, by lab and job."""
        query = (
            SyncStateRow.select(SyncStateRow, Job, Lab)
            .join(Job)
            .join(Lab)
            .order_by(Lab.name, Job.name)
        )
        return [_sync_state(row.job.lab.name, row.job.name, row) for row in query]

    def record_sync_success(
        self, lab: str, job: str, last_build: int, running: tuple[int, ...], at: datetime
    ) -> None:
        """Mark a pass over a job as complete up to `last_build`; clears the last error."""
        job_id = self.ensure_job(lab, job)
        fields = {
            "last_build": last_build,
            "running": sorted(running),
            "last_success": to_epoch(at),
            "last_error": "",
            "last_error_at": None,
        }
        self._upsert_sync_state(job_id, fields)

    def record_sync_progress(
        self, lab: str, job: str, last_build: int, running: tuple[int, ...]
    ) -> None:
        """Move the high-water mark without touching success or error (used mid-pass)."""
        job_id = self.ensure_job(lab, job)
        self._upsert_sync_state(job_id, {"last_build": last_build, "running": sorted(running)})

    def record_sync_error(self, lab: str, job: str, error: str, at: datetime) -> None:
        job_id = self.ensure_job(lab, job)
        self._upsert_sync_state(job_id, {"last_error": error, "last_error_at": to_epoch(at)})

    def _upsert_sync_state(self, job_id: int, fields: Mapping[str, Any]) -> None:
        with self.db.atomic():
            updated = SyncStateRow.update(**fields).where(SyncStateRow.job == job_id).execute()
            if not updated:
                SyncStateRow.insert(job=job_id, **fields).execute()

    # ---- findings ------------------------------------------------------------------------

    def save_finding(
        self,
        series_id: int,
        *,
        kind: FindingKind,
        build_before: int,
        build_after: int,
        value_before: float,
        value_after: float,
        change_pct: float,
        score: float,
        at: datetime,
    ) -> tuple[Finding, bool]:
        """Store a change point once; return it and whether it is new.

        A finding is identified by its series and the first build of the new regime, so running
        detection again never creates a second alert for the same change.
        """
        now = to_epoch(at)
        with self.db.atomic():
            existing = FindingRow.get_or_none(
                (FindingRow.series == series_id) & (FindingRow.build_after == build_after)
            )
            if existing is not None:
                return self.finding(existing.id), False
            row_id = FindingRow.insert(
                series=series_id,
                kind=kind.value,
                build_before=build_before,
                build_after=build_after,
                value_before=value_before,
                value_after=value_after,
                change_pct=change_pct,
                score=score,
                state=FindingState.OPEN.value,
                created=now,
                updated=now,
            ).execute()
        return self.finding(int(row_id)), True

    def finding(self, finding_id: int) -> Finding:
        row = (
            FindingRow.select(FindingRow, SeriesRow, Job, Lab)
            .join(SeriesRow)
            .join(Job)
            .join(Lab)
            .where(FindingRow.id == finding_id)
            .get()
        )
        return _finding(row, row.series.job.lab.name, row.series.job.name)

    def findings(
        self,
        *,
        states: tuple[FindingState, ...] = (),
        job: str | None = None,
        lab: str | None = None,
        limit: int = 100,
    ) -> list[Finding]:
        """Findings, newest first, filtered by state, job and lab."""
        query = (
            FindingRow.select(FindingRow, SeriesRow, Job, Lab)
            .join(SeriesRow)
            .join(Job)
            .join(Lab)
            .order_by(FindingRow.created.desc(), FindingRow.id.desc())
            .limit(limit)
        )
        if states:
            query = query.where(FindingRow.state.in_([s.value for s in states]))
        if job is not None:
            query = query.where(Job.name == job)
        if lab is not None:
            query = query.where(Lab.name == lab)
        return [_finding(row, row.series.job.lab.name, row.series.job.name) for row in query]

    def series_findings(self, series_id: int, *, since_build: int | None = None) -> list[Finding]:
        """The findings of one series, oldest change first (from `since_build` on, if given)."""
        query = (
            FindingRow.select(FindingRow, SeriesRow, Job, Lab)
            .join(SeriesRow)
            .join(Job)
            .join(Lab)
            .where(FindingRow.series == series_id)
            .order_by(FindingRow.build_after)
        )
        if since_build is not None:
            query = query.where(FindingRow.build_after >= since_build)
        return [_finding(row, row.series.job.lab.name, row.series.job.name) for row in query]

    def set_finding_state(
        self,
        finding_id: int,
        state: FindingState,
        *,
        by: str,
        at: datetime,
        note: str = "",
        muted_until: datetime | None = None,
    ) -> Finding:
        FindingRow.update(
            state=state.value,
            updated=to_epoch(at),
            updated_by=by,
            note=note,
            muted_until=to_epoch(muted_until),
        ).where(FindingRow.id == finding_id).execute()
        return self.finding(finding_id)

    def mute_series(self, series_id: int, until: datetime | None) -> None:
        SeriesRow.update(muted_until=to_epoch(until)).where(SeriesRow.id == series_id).execute()

    def series_muted_until(self, series_id: int) -> datetime | None:
        row = SeriesRow.get_or_none(SeriesRow.id == series_id)
        return None if row is None else from_epoch(row.muted_until)

    def add_finding_message(self, finding_id: int, channel: str, ts: str) -> None:
        FindingMessage.insert(
            finding=finding_id, channel=channel, ts=ts
        ).on_conflict_ignore().execute()

    def finding_messages(self, finding_id: int) -> list[tuple[str, str]]:
        query = FindingMessage.select(FindingMessage.channel, FindingMessage.ts).where(
            FindingMessage.finding == finding_id
        )
        return list(query.tuples())

    # ---- subscriptions -------------------------------------------------------------------

    def subscribe(
        self,
        channel: str,
        *,
        lab: str | None,
        job: str | None,
        metric: str | None,
        by: str,
        at: datetime,
    ) -> Subscription:
        existing = self._subscription_row(channel, lab, job, metric)
        row = existing or SubscriptionRow.create(
            channel=channel, lab=lab, job=job, metric=metric, created_by=by, created=to_epoch(at)
        )
        return Subscription(
            id=row.id,
            channel=row.channel,
            lab=row.lab,
            job=row.job,
            metric=row.metric,
            created_by=row.created_by,
        )

    def unsubscribe(
        self, channel: str, *, lab: str | None, job: str | None, metric: str | None
    ) -> bool:
        row = self._subscription_row(channel, lab, job, metric)
        if row is None:
            return False
        row.delete_instance()
        return True

    def subscriptions(self, channel: str | None = None) -> list[Subscription]:
        query = SubscriptionRow.select().order_by(SubscriptionRow.id)
        if channel is not None:
            query = query.where(SubscriptionRow.channel == channel)
        return [
            Subscription(
                id=r.id,
                channel=r.channel,
                lab=r.lab,
                job=r.job,
                metric=r.metric,
                created_by=r.created_by,
            )
            for r in query
        ]

    def _subscription_row(
        self, channel: str, lab: str | None, job: str | None, metric: str | None
    ) -> SubscriptionRow | None:
        def same(field: peewee.Field, value: str | None) -> peewee.Expression:
            return field.is_null() if value is None else field == value

        row: SubscriptionRow | None = SubscriptionRow.get_or_none(
            (SubscriptionRow.channel == channel)
            & same(SubscriptionRow.lab, lab)
            & same(SubscriptionRow.job, job)
            & same(SubscriptionRow.metric, metric)
        )
        return row

    # ---- outbox --------------------------------------------------------------------------

    def outbox_add(
        self, key: str, channel: str, payload: Mapping[str, Any], at: datetime
    ) -> OutboxMessage | None:
        """Queue a post; None when a post with this key was queued before (never twice)."""
        with self.db.atomic():
            if OutboxRow.select().where(OutboxRow.key == key).exists():
                return None
            row_id = OutboxRow.insert(
                key=key, channel=channel, payload=dict(payload), created=to_epoch(at)
            ).execute()
        return _outbox(OutboxRow.get_by_id(row_id))

    def outbox_pending(self, limit: int = 50) -> list[OutboxMessage]:
        query = (
            OutboxRow.select()
            .where(OutboxRow.sent_at.is_null())
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [_outbox(row) for row in query]

    def outbox_mark_sent(self, message_id: int, response: Mapping[str, Any], at: datetime) -> None:
        OutboxRow.update(
            sent_at=to_epoch(at),
            response=dict(response),
            attempts=OutboxRow.attempts + 1,
            last_error="",
        ).where(OutboxRow.id == message_id).execute()

    def outbox_mark_failed(self, message_id: int, error: str) -> None:
        OutboxRow.update(attempts=OutboxRow.attempts + 1, last_error=error).where(
            OutboxRow.id == message_id
        ).execute()
