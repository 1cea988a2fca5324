"""peewee models: the tables behind the Repository.

Times are stored as UTC epoch seconds (floats): portable between SQLite and PostgreSQL and cheap to
read back in bulk. Structured values (parameters, commits, tags, payloads) are JSON text.

A foreign key gets no index of its own (`index=False`) when a unique index starts with it: the
second index only doubled the pages each saved build writes (bench/bench_storage.py).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import peewee

from storage.db import database_proxy

log = logging.getLogger(__name__)


def to_epoch(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def from_epoch(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


class JSONField(peewee.TextField):
    """A JSON document stored as text, keys sorted so equal values compare equal."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, sort_keys=True, default=str)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = peewee.IntegerField()
    applied = peewee.DoubleField()


class Lab(BaseModel):
    name = peewee.CharField(unique=True)
    url = peewee.TextField(default="")


class Job(BaseModel):
    lab = peewee.ForeignKeyField(Lab, backref="jobs", on_delete="CASCADE", index=False)
    name = peewee.CharField()

    class Meta:
        indexes = ((("lab", "name"), True),)


class BuildRow(BaseModel):
    job = peewee.ForeignKeyField(Job, backref="builds", on_delete="CASCADE", index=False)
    number = peewee.IntegerField()
    result = peewee.CharField(default="SUCCESS")
    started = peewee.DoubleField(null=True)
    duration_s = peewee.DoubleField(default=0.0)
    url = peewee.TextField(default="")
    parameters = JSONField(default=dict)
    commits = JSONField(default=list)
    cause = peewee.TextField(default="")

    class Meta:
        table_name = "build"
        indexes = ((("job", "number"), True),)


class SeriesRow(BaseModel):
    job = peewee.ForeignKeyField(Job, backref="series", on_delete="CASCADE", index=False)
    metric = peewee.CharField()
    tags = peewee.TextField(default="{}")  # canonical JSON, part of the identity
    unit = peewee.CharField(default="")
    direction = peewee.CharField(default="lower")
    muted_until = peewee.DoubleField(null=True)

    class Meta:
        table_name = "series"
        indexes = ((("job", "metric", "tags"), True),)


class PointRow(BaseModel):
    series = peewee.ForeignKeyField(SeriesRow, backref="points", on_delete="CASCADE", index=False)
    build = peewee.ForeignKeyField(BuildRow, backref="points", on_delete="CASCADE")
    value = peewee.DoubleField()
    low = peewee.DoubleField()
    high = peewee.DoubleField()
    repeats = peewee.IntegerField(default=1)

    class Meta:
        table_name = "point"
        # The key is the table: on SQLite it is made WITHOUT ROWID (storage.migrations), so the
        # points of one series sit together, and a save writes one B-tree instead of two.
        primary_key = peewee.CompositeKey("series", "build")


class FindingRow(BaseModel):
    series = peewee.ForeignKeyField(SeriesRow, backref="findings", on_delete="CASCADE", index=False)
    kind = peewee.CharField()
    build_before = peewee.IntegerField()
    build_after = peewee.IntegerField()
    value_before = peewee.DoubleField()
    value_after = peewee.DoubleField()
    change_pct = peewee.DoubleField()
    score = peewee.DoubleField(default=0.0)
    state = peewee.CharField(default="open", index=True)
    created = peewee.DoubleField()
    updated = peewee.DoubleField()
    note = peewee.TextField(default="")
    updated_by = peewee.CharField(default="")
    muted_until = peewee.DoubleField(null=True)

    class Meta:
        table_name = "finding"
        indexes = ((("series", "build_after"), True),)


class FindingMessage(BaseModel):
    """A chat message that carries a finding (so buttons and updates find it)."""

    finding = peewee.ForeignKeyField(FindingRow, backref="messages", on_delete="CASCADE")
    channel = peewee.CharField()
    ts = peewee.CharField()

    class Meta:
        table_name = "finding_message"
        indexes = ((("channel", "ts"), True),)


class SubscriptionRow(BaseModel):
    channel = peewee.CharField()
    lab = peewee.CharField(null=True)
    job = peewee.CharField(null=True)
    metric = peewee.CharField(null=True)
    created_by = peewee.CharField(default="")
    created = peewee.DoubleField()

    class Meta:
        table_name = "subscription"


class SyncStateRow(BaseModel):
    job = peewee.ForeignKeyField(Job, unique=True, on_delete="CASCADE")
    last_build = peewee.IntegerField(default=0)
    running = JSONField(default=list)
    last_success = peewee.DoubleField(null=True)
    last_error = peewee.TextField(default="")
    last_error_at = peewee.DoubleField(null=True)

    class Meta:
        table_name = "sync_state"


class OutboxRow(BaseModel):
    key = peewee.CharField(unique=True)
    channel = peewee.CharField()
    payload = JSONField()
    created = peewee.DoubleField()
    attempts = peewee.IntegerField(default=0)
    sent_at = peewee.DoubleField(null=True, index=True)
    last_error = peewee.TextField(default="")
    response = JSONField(default=dict)

    class Meta:
        table_name = "outbox"


ALL_MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion,
    Lab,
    Job,
    BuildRow,
    SeriesRow,
    PointRow,
    FindingRow,
    FindingMessage,
    SubscriptionRow,
    SyncStateRow,
    OutboxRow,
)
