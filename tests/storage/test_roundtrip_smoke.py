from datetime import UTC, datetime

from storage.records import Build, Sample, Selector


def test_save_and_read(repo):
    build = Build(lab="l", job="j", number=1, started=datetime(2026, 1, 1, tzinfo=UTC))
    repo.save_build(build, [Sample("m", 2.0, "ms")])
    [data] = repo.series(Selector(job="j"))
    assert [p.value for p in data.points] == [2.0]
