"""The Repository on SQLite and PostgreSQL: idempotent saves, selectors, listings, state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Repository
from storage.records import (
    Build,
    Commit,
    Direction,
    FindingKind,
    FindingState,
    Result,
    Sample,
    Selector,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def build(number: int, lab: str = "lab1", job: str = "perf/fio", **kw: object) -> Build:
    fields: dict[str, object] = {"started": T0 + timedelta(days=number), "duration_s": 60.0}
    fields.update(kw)
    return Build(lab=lab, job=job, number=number, **fields)  # type: ignore[arg-type]


def iops(value: float, bs: str = "4k") -> Sample:
    return Sample("read:iops", value, "IOPS", Direction.HIGHER, {"blocksize": bs})


def test_save_build_is_idempotent(repo: Repository) -> None:
    b = build(1, commits=(Commit("abc", "ann", "fix"),), parameters={"size": "10G"})
    first = repo.save_build(b, [iops(100), iops(110), iops(120, "8k")])
    again = repo.save_build(b, [iops(100), iops(110), iops(120, "8k")])
    assert (first.new_build, first.points, first.series_created) == (True, 2, 2)
    assert (again.new_build, again.points, again.series_created) == (False, 2, 0)
    rows = list(repo.export_rows())
    assert [(r.tags, r.value) for r in rows] == [("blocksize=4k", 105.0), ("blocksize=8k", 120.0)]
    stored = repo.build("lab1", "perf/fio", 1)
    assert stored == b


def test_repeats_become_median_with_range(repo: Repository) -> None:
    repo.save_build(build(1), [iops(v) for v in (10, 30, 20, 90)])
    [data] = repo.series(Selector(job="perf/fio"))
    [point] = data.points
    assert (point.value, point.low, point.high, point.repeats) == (25.0, 10, 90, 4)


def test_resave_replaces_the_builds_points(repo: Repository) -> None:
    repo.save_build(build(1, result=Result.RUNNING), [iops(1), iops(2, "8k")])
    repo.save_build(build(1, result=Result.SUCCESS), [iops(5)])
    rows = list(repo.export_rows())
    assert [(r.tags, r.value) for r in rows] == [("blocksize=4k", 5.0)]
    stored = repo.build("lab1", "perf/fio", 1)
    assert stored is not None and stored.result is Result.SUCCESS


def test_a_failed_save_stores_nothing(repo: Repository) -> None:
    bad = Sample("lat", None, "ms")  # type: ignore[arg-type]
    with pytest.raises(Exception, match=r"NOT NULL|not-null"):
        repo.save_build(build(1), [iops(1), bad])
    assert repo.builds("lab1", "perf/fio") == []
    assert list(repo.export_rows()) == []


def test_selectors(repo: Repository) -> None:
    for n in range(1, 11):
        repo.save_build(build(n), [iops(100 + n), iops(200 + n, "8k")])
        repo.save_build(build(n, lab="lab2"), [iops(300 + n)])
    all_series = repo.find_series(Selector(job="perf/fio"))
    assert [(s.key.lab, s.key.tags["blocksize"]) for s in all_series] == [
        ("lab1", "4k"),
        ("lab2", "4k"),
        ("lab1", "8k"),
    ]
    [only] = repo.series(Selector(job="perf/fio", labs=("lab2",), last=3))
    assert [p.build for p in only.points] == [8, 9, 10]
    assert only.series.unit == "IOPS" and only.series.direction is Direction.HIGHER
    tagged = repo.series(
        Selector(job="perf/fio", tags={"blocksize": "8k"}, since=T0 + timedelta(9))
    )
    assert [[p.value for p in s.points] for s in tagged] == [[209.0, 210.0]]
    assert repo.series(Selector(job="perf/fio", metric="nope")) == []


def test_listings(repo: Repository) -> None:
    repo.save_build(build(1), [iops(1)])
    repo.save_build(build(2), [iops(2), Sample("lat:p99", 3.0, "ms", tags={"blocksize": "4k"})])
    repo.save_build(build(7, lab="lab2", job="perf/jmeter"), [Sample("throughput", 5.0, "req/s")])
    assert repo.labs() == ["lab1", "lab2"]
    summaries = repo.jobs()
    assert [(j.lab, j.job, j.builds, j.last_build) for j in summaries] == [
        ("lab1", "perf/fio", 2, 2),
        ("lab2", "perf/jmeter", 1, 7),
    ]
    assert [j.job for j in repo.jobs("lab2")] == ["perf/jmeter"]
    assert [s.key.metric for s in repo.metrics("perf/fio")] == ["lat:p99", "read:iops"]
    assert repo.tag_values("perf/fio") == {"blocksize": ["4k"]}
    assert [b.number for b in repo.builds("lab1", "perf/fio", limit=1)] == [2]
    points = repo.build_points("lab1", "perf/fio", 2)
    assert [(s.key.metric, p.value) for s, p in points] == [("lat:p99", 3.0), ("read:iops", 2.0)]


def test_export_filters_and_order(repo: Repository) -> None:
    repo.save_build(build(2), [iops(2)])
    repo.save_build(build(1), [iops(1), Sample("lat", 9.0, "ms")])
    rows = list(repo.export_rows(metric="read:iops"))
    assert [r.build for r in rows] == [1, 2]
    assert rows[0].timestamp == T0 + timedelta(days=1)
    assert [r.metric for r in repo.export_rows(lab="lab1")] == ["lat", "read:iops", "read:iops"]
    assert list(repo.export_rows(job="other")) == []


def test_sync_state(repo: Repository) -> None:
    assert repo.sync_state("lab1", "perf/fio").last_build == 0
    repo.record_sync_success("lab1", "perf/fio", 41, (40,), T0)
    repo.record_sync_error("lab1", "perf/fio", "HTTP 503 from lab1", T0 + timedelta(1))
    state = repo.sync_state("lab1", "perf/fio")
    assert (state.last_build, state.running, state.last_success) == (41, (40,), T0)
    assert state.last_error == "HTTP 503 from lab1"
    repo.record_sync_success("lab1", "perf/fio", 42, (), T0 + timedelta(2))
    assert repo.sync_state("lab1", "perf/fio").last_error == ""
    assert [s.last_build for s in repo.sync_states()] == [42]


def test_findings_are_stored_once_and_triaged(repo: Repository) -> None:
    repo.save_build(build(1), [iops(100)])
    [series] = repo.find_series(Selector(job="perf/fio"))
    args = dict(
        kind=FindingKind.REGRESSION,
        build_before=1,
        build_after=2,
        value_before=100.0,
        value_after=80.0,
        change_pct=-20.0,
        score=9.0,
        at=T0,
    )
    finding, new = repo.save_finding(series.id, **args)  # type: ignore[arg-type]
    again, new_again = repo.save_finding(series.id, **args)  # type: ignore[arg-type]
    assert new and not new_again and again.id == finding.id
    assert finding.state is FindingState.OPEN and finding.series == series
    acked = repo.set_finding_state(
        finding.id, FindingState.ACKNOWLEDGED, by="U1", at=T0, note="known"
    )
    assert (acked.state, acked.updated_by, acked.note) == (FindingState.ACKNOWLEDGED, "U1", "known")
    assert repo.findings(states=(FindingState.OPEN,)) == []
    assert [f.id for f in repo.findings(job="perf/fio")] == [finding.id]
    repo.add_finding_message(finding.id, "C1", "1.2")
    repo.add_finding_message(finding.id, "C1", "1.2")
    assert repo.finding_messages(finding.id) == [("C1", "1.2")]
    repo.mute_series(series.id, T0 + timedelta(7))
    assert repo.series_muted_until(series.id) == T0 + timedelta(7)


def test_outbox_never_queues_a_key_twice(repo: Repository) -> None:
    message = repo.outbox_add("alert:1", "C1", {"text": "hi"}, T0)
    assert message is not None and message.payload == {"text": "hi"}
    assert repo.outbox_add("alert:1", "C1", {"text": "hi"}, T0) is None
    repo.outbox_mark_failed(message.id, "ratelimited")
    [pending] = repo.outbox_pending()
    assert (pending.attempts, pending.last_error) == (1, "ratelimited")
    repo.outbox_mark_sent(message.id, {"ts": "1.1"}, T0)
    assert repo.outbox_pending() == []


def test_subscriptions(repo: Repository) -> None:
    a = repo.subscribe("C1", lab=None, job="perf/fio", metric=None, by="U1", at=T0)
    b = repo.subscribe("C1", lab=None, job="perf/fio", metric=None, by="U2", at=T0)
    assert a == b
    repo.subscribe("C2", lab="lab1", job=None, metric=None, by="U1", at=T0)
    assert [s.channel for s in repo.subscriptions()] == ["C1", "C2"]
    assert repo.unsubscribe("C1", lab=None, job="perf/fio", metric=None)
    assert not repo.unsubscribe("C1", lab=None, job="perf/fio", metric=None)
    assert [s.channel for s in repo.subscriptions("C2")] == ["C2"]


def test_ids_cached_in_a_rolled_back_outer_transaction_are_forgotten(repo: Repository) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), repo.db.atomic():
        repo.save_build(build(1, job="perf/new"), [iops(1)])
        repo.save_build(build(2, job="perf/new"), [iops(2)])
        raise Boom
    repo.save_build(build(3, job="perf/new"), [iops(3)])
    assert [r.build for r in repo.export_rows(job="perf/new")] == [3]
