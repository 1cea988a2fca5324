"""Repository.series_findings: one series' findings, oldest change first, optionally cut."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import Repository
from storage.records import Build, FindingKind, Sample

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def _series_ids(repo: Repository) -> dict[str, int]:
    for number in (1, 2):
        repo.save_build(
            Build(lab="lab1", job="perf/fio", number=number),
            [Sample(metric="iops", value=1.0), Sample(metric="lat", value=2.0)],
        )
    return {s.key.metric: s.id for s in repo.metrics("perf/fio")}


def test_series_findings_keeps_to_one_series_in_build_order(repo: Repository) -> None:
    ids = _series_ids(repo)
    for after in (30, 10, 20):
        repo.save_finding(
            ids["iops"],
            kind=FindingKind.REGRESSION,
            build_before=after - 1,
            build_after=after,
            value_before=1.0,
            value_after=0.8,
            change_pct=-20.0,
            score=9.0,
            at=NOW,
        )
    repo.save_finding(
        ids["lat"],
        kind=FindingKind.IMPROVEMENT,
        build_before=4,
        build_after=5,
        value_before=2.0,
        value_after=1.0,
        change_pct=-50.0,
        score=9.0,
        at=NOW,
    )
    assert [f.build_after for f in repo.series_findings(ids["iops"])] == [10, 20, 30]
    assert [f.build_after for f in repo.series_findings(ids["iops"], since_build=20)] == [20, 30]
    assert [f.build_after for f in repo.series_findings(ids["lat"])] == [5]
