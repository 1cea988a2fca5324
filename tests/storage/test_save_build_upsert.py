"""save_build's plain-SQL upsert and its id cache: same results as before, on both backends."""

from __future__ import annotations

import peewee
import pytest

from storage import Repository
from storage.records import Build, Result, Sample, Selector


def values(repo: Repository, number: int) -> dict[str, float]:
    return {s.key.metric: p.value for s, p in repo.build_points("l", "j", number)}


def test_resave_updates_values_and_drops_stale_points(repo: Repository) -> None:
    first = repo.save_build(Build("l", "j", 1), [Sample("a", 1.0), Sample("b", 2.0)])
    assert first.new_build and first.points == 2 and first.series_created == 2
    again = repo.save_build(
        Build("l", "j", 1, result=Result.UNSTABLE, parameters={"X": "1"}),
        [Sample("a", 3.0), Sample("a", 5.0)],
    )
    assert not again.new_build and again.series_created == 0
    assert values(repo, 1) == {"a": 4.0}
    build = repo.build("l", "j", 1)
    assert build is not None and build.result is Result.UNSTABLE and build.parameters == {"X": "1"}
    [series] = repo.series(Selector(job="j", metric="a"))
    assert [(p.low, p.high, p.repeats) for p in series.points] == [(3.0, 5.0, 2)]


def test_many_points_in_one_build(repo: Repository) -> None:
    samples = [Sample(f"m{i}", float(i)) for i in range(400)]  # more than one INSERT chunk
    assert repo.save_build(Build("l", "j", 1), samples).points == 400
    assert len(values(repo, 1)) == 400


def test_rolled_back_rows_are_not_remembered(repo: Repository) -> None:
    repo.save_build(Build("l", "j", 1), [Sample("a", 1.0)])
    with pytest.raises(peewee.IntegrityError), repo.db.atomic():
        repo.save_build(Build("l", "other", 1), [Sample("new", 1.0)])
        repo.save_build(Build("l", "other", 2), [Sample("new", 2.0)])  # known here, rolled back
        repo.db.execute_sql("INSERT INTO lab (id, name, url) VALUES (1, 'dup', '')")
    result = repo.save_build(Build("l", "other", 3), [Sample("new", 3.0)])
    assert result.new_build and result.series_created == 1
    assert [b.number for b in repo.builds("l", "other")] == [3]
