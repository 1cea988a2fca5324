"""sync.service: incremental passes against the fake Jenkins with real python-jenkins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from storage import Repository
from storage.records import Result
from sync.errors import UnknownSelection
from sync.records import JobSpec, LabSpec, Progress, ReportSpec
from sync.service import SyncService
from tests.fakes.jenkins import FakeBuild, FakeJenkins
from tests.fakes.jenkins_results import add_perf_builds, perf_build

JOB = "perf/fio-nightly"
PKB = ReportSpec(artifact="results/*.json")
CLOCK = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeJenkins]:
    with FakeJenkins() as server:
        yield server


def lab(fake: FakeJenkins, name: str = "lab1", **kwargs: object) -> LabSpec:
    options: dict[str, object] = {
        "user": "perfdash",
        "token": "s3cret",
        "token_env": "LAB1_JENKINS_TOKEN",
        "timeout_s": 2.0,
        "retries": 1,
        "backoff_s": 0.0,
        "workers": 3,
    }
    options.update(kwargs)
    return LabSpec(name, fake.url, **options)  # type: ignore[arg-type]


def service(
    repo: Repository, labs: list[LabSpec], jobs: list[JobSpec], **kwargs: object
) -> SyncService:
    ticks = iter(CLOCK + timedelta(seconds=i) for i in range(10_000))
    return SyncService(repo, labs, jobs, now=lambda: next(ticks), **kwargs)  # type: ignore[arg-type]


def stored(repo: Repository, lab_name: str = "lab1", job: str = JOB) -> list[int]:
    return sorted(b.number for b in repo.builds(lab_name, job))


def test_first_pass_reads_past_100_builds_and_a_second_pass_costs_one_request(
    fake: FakeJenkins, repo: Repository
) -> None:
    add_perf_builds(fake, JOB, range(1, 131))
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))])
    first = sync.run()
    (job,) = first.jobs
    assert job.ok and job.new_builds == tuple(range(1, 131)) and job.points == 130 * 5
    assert stored(repo) == list(range(1, 131))
    assert repo.sync_state("lab1", JOB).last_build == 130
    assert fake.count("/artifact/") == 130 and fake.count("allBuilds") == 3  # 25 + 100 + 5
    fake.reset_log()
    second = sync.run()
    assert second.jobs[0].new_builds == () and second.jobs[0].points == 0
    assert len(fake.requests) == 1 and second.jobs[0].requests == 1
    build = repo.build("lab1", JOB, 7)
    assert build is not None and build.parameters == {"SIZE": "10G"}
    assert build.cause == "Started by timer" and build.started is not None


@pytest.mark.parametrize("history", [10, 400])
def test_new_builds_cost_requests_by_their_number_not_the_history(
    fake: FakeJenkins, sqlite_repo: Repository, history: int
) -> None:
    add_perf_builds(fake, JOB, range(1, history + 1))
    sync = service(sqlite_repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))])
    sync.run()
    add_perf_builds(fake, JOB, range(history + 1, history + 4))
    fake.reset_log()
    report = sync.run()
    assert report.jobs[0].new_builds == (history + 1, history + 2, history + 3)
    assert len(fake.requests) == 1 + 3  # one page, one artifact per new build


def test_a_build_deleted_while_pages_are_listed_shifts_nothing_past_us(
    fake: FakeJenkins, repo: Repository
) -> None:
    add_perf_builds(fake, JOB, range(1, 61))

    def delete_on_second_page(path: str) -> None:
        if "%7B24," in path and 55 in fake.jobs[JOB]:
            del fake.jobs[JOB][55]  # everything older moves one place up the list

    fake.on_request = delete_on_second_page
    report = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))]).run()
    assert report.jobs[0].new_builds == tuple(n for n in range(1, 61) if n != 55)
    assert fake.count("allBuilds") == 4  # two pages, then both again


def test_running_builds_are_revisited_and_deleted_ones_tolerated(
    fake: FakeJenkins, repo: Repository
) -> None:
    add_perf_builds(fake, JOB, range(1, 4))
    fake.add_build(JOB, perf_build(4, 5, result=None))
    fake.add_build(JOB, perf_build(5, 5, result=None))
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))], first_page=3)
    report = sync.run()
    assert report.jobs[0].running == (4, 5) and stored(repo) == [1, 2, 3]
    assert repo.sync_state("lab1", JOB).running == (4, 5)
    fake.jobs[JOB][4].result = "UNSTABLE"
    del fake.jobs[JOB][5]  # deleted while it ran
    add_perf_builds(fake, JOB, range(6, 10))
    fake.reset_log()
    report = sync.run()
    assert report.jobs[0].new_builds == (4, 6, 7, 8, 9) and report.jobs[0].running == ()
    built = repo.build("lab1", JOB, 4)
    assert built is not None and built.result is Result.UNSTABLE
    # pages {0,3} and {3,103} reach build 4; build 5 was not listed: one request says it is gone
    assert fake.count("allBuilds") == 2 and fake.count("/5/api/json") == 1
    assert repo.sync_state("lab1", JOB).running == ()


def test_a_lab_failing_midway_leaves_no_half_build_and_catches_up_without_duplicates(
    fake: FakeJenkins, repo: Repository
) -> None:
    for n in range(1, 21):
        build = perf_build(n, 5)
        build.console = f"Requests/sec: {n}.0\n"
        fake.add_build(JOB, build)
    console = ReportSpec(
        console=True,
        patterns=(r"Requests/sec: (?P<rps>[0-9.]+)",),
        unit="req/s",
        direction="higher",
    )
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB, console))])
    fake.fail("/12/consoleText", status=503, times=-1)  # the artifact of 12 arrives, its log not
    failed = sync.run()
    (job,) = failed.jobs
    assert not job.ok and "HTTP 503" in job.error and job.new_builds == tuple(range(1, 12))
    assert stored(repo) == list(range(1, 12))
    assert repo.build_points("lab1", JOB, 12) == []
    state = repo.sync_state("lab1", JOB)
    assert state.last_build == 11 and "HTTP 503" in state.last_error
    fake.clear_faults()
    fake.reset_log()
    caught_up = sync.run()
    assert caught_up.jobs[0].ok and caught_up.jobs[0].new_builds == tuple(range(12, 21))
    assert caught_up.jobs[0].updated_builds == ()
    assert fake.count("/artifact/") == 9  # builds 1-11 are not read again
    assert len(repo.build_points("lab1", JOB, 12)) == 6
    assert repo.sync_state("lab1", JOB).last_error == ""


def test_a_lab_going_down_midway_skips_its_other_jobs_and_resumes_later(
    fake: FakeJenkins, repo: Repository
) -> None:
    add_perf_builds(fake, JOB, range(1, 13))
    add_perf_builds(fake, "other", range(1, 4))
    jobs = [JobSpec("lab1", JOB, (PKB,)), JobSpec("lab1", "other", (PKB,))]
    sync = service(repo, [lab(fake)], jobs)
    fake.fail("/job/fio-nightly/6/artifact/", drop=True, times=-1)  # the lab drops off at 6
    first, other = sync.run().jobs
    assert "cannot be reached" in first.error and first.new_builds == (1, 2, 3, 4, 5)
    assert other.error == first.error and fake.count("job/other") == 0
    assert stored(repo) == [1, 2, 3, 4, 5]
    fake.clear_faults()
    again = sync.run()
    assert again.jobs[0].new_builds == tuple(range(6, 13)) and again.jobs[1].new_builds == (1, 2, 3)
    assert stored(repo) == list(range(1, 13))


def test_labs_are_independent_and_a_down_lab_is_asked_once(repo: Repository) -> None:
    with FakeJenkins() as good, FakeJenkins() as bad:
        add_perf_builds(good, JOB, range(1, 4))
        add_perf_builds(bad, JOB, range(1, 4))
        add_perf_builds(bad, "other", range(1, 4))
        bad.fail("", drop=True, times=-1)
        jobs = [
            JobSpec("down", JOB, (PKB,)),
            JobSpec("down", "other", (PKB,)),
            JobSpec("lab1", JOB, (PKB,)),
        ]
        report = service(repo, [lab(bad, "down"), lab(good)], jobs).run()
        down_fio, down_other, up = report.jobs
        assert up.ok and up.new_builds == (1, 2, 3)
        assert "cannot be reached" in down_fio.error and down_other.error == down_fio.error
        assert bad.count("other") == 0  # the second job of a down lab costs nothing
        assert [j.job for j in report.failed] == [JOB, "other"]
        assert repo.sync_state("down", "other").last_error == down_fio.error


def test_wrong_credentials_name_the_lab_and_the_variable(
    fake: FakeJenkins, repo: Repository
) -> None:
    add_perf_builds(fake, JOB, range(1, 3))
    report = service(repo, [lab(fake, token="nope")], [JobSpec("lab1", JOB, (PKB,))]).run()
    assert report.jobs[0].error == (
        "lab 'lab1' refused user 'perfdash' (HTTP 401); check the API token in the environment "
        "variable LAB1_JENKINS_TOKEN"
    )


def test_broken_reports_are_skipped_with_reasons_and_the_rest_lands(
    fake: FakeJenkins, repo: Repository
) -> None:
    good = perf_build(1, 5)
    good.artifacts["results/broken.json"] = b'{"metric": "x", "value": '
    good.artifacts["results/cut.json"] = perf_build(1, 5).artifacts["results/fio.json"]
    good.truncated.add("results/cut.json")
    fake.add_build(JOB, good)
    fake.add_build(JOB, FakeBuild(2, result="FAILURE"))
    reports = (PKB, ReportSpec(artifact="results/fio.json", tags={"cluster": "ceph-a"}))
    report = service(repo, [lab(fake)], [JobSpec("lab1", JOB, reports)]).run()
    (job,) = report.jobs
    assert job.ok and job.new_builds == (1, 2)
    reasons = {(s.build, s.report): s.reason for s in job.skipped}
    assert "results/broken.json" in reasons[(1, "results/broken.json")]
    assert "cut short" in reasons[(1, "results/cut.json")]
    assert reasons[(2, "results/*.json")] == (
        "no artifact matches results/*.json (the build archived no artifacts)"
    )
    points = repo.build_points("lab1", JOB, 1)
    assert len(points) == 10  # fio.json through both reports; the second adds its tag
    assert sum(1 for series, _ in points if series.key.tags.get("cluster") == "ceph-a") == 5
    failed = repo.build("lab1", JOB, 2)
    assert failed is not None and failed.result is Result.FAILURE


def test_numbering_restart_is_read_again(fake: FakeJenkins, repo: Repository) -> None:
    add_perf_builds(fake, JOB, range(1, 41))
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))])
    sync.run()
    fake.jobs[JOB].clear()
    add_perf_builds(fake, JOB, range(1, 4), seed=7)
    report = sync.run()
    assert report.jobs[0].ok and report.jobs[0].updated_builds == (1, 2, 3)
    assert repo.sync_state("lab1", JOB).last_build == 3
    fresh = perf_build(2, 5, seed=7).artifacts["results/fio.json"]
    assert sorted(p.value for _, p in repo.build_points("lab1", JOB, 2)) == sorted(
        json.loads(line)["value"] for line in fresh.splitlines()
    )
    add_perf_builds(fake, JOB, range(4, 6), seed=7)
    fake.reset_log()
    # the old builds 4 and 5 are replaced as the new numbering reaches them; 6-40 stay
    assert sync.run().jobs[0].updated_builds == (4, 5) and len(fake.requests) == 3
    assert stored(repo) == list(range(1, 41))


def test_deleting_the_newest_builds_is_not_a_restart(fake: FakeJenkins, repo: Repository) -> None:
    add_perf_builds(fake, JOB, range(1, 41))
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))])
    sync.run()
    for number in (38, 39, 40):
        del fake.jobs[JOB][number]
    fake.reset_log()
    report = sync.run()
    assert report.jobs[0].ok and report.jobs[0].updated_builds == ()
    assert len(fake.requests) == 1 and repo.sync_state("lab1", JOB).last_build == 40
    add_perf_builds(fake, JOB, range(41, 43))
    assert sync.run().jobs[0].new_builds == (41, 42)


def test_full_rereads_everything_and_changes_nothing_right(
    fake: FakeJenkins, repo: Repository
) -> None:
    add_perf_builds(fake, JOB, range(1, 31))
    ticks: list[Progress] = []
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))], progress=ticks.append)
    sync.run()
    before = list(repo.export_rows())
    assert ticks[-1] == Progress("lab1", JOB, 30, 30)
    fake.reset_log()
    full = sync.run(full=True)
    assert full.jobs[0].new_builds == () and full.jobs[0].updated_builds == tuple(range(1, 31))
    assert list(repo.export_rows()) == before
    assert fake.count("/artifact/") == 30


def test_a_failed_full_pass_keeps_the_mark(fake: FakeJenkins, repo: Repository) -> None:
    add_perf_builds(fake, JOB, range(1, 31))
    fake.add_build(JOB, perf_build(31, 5, result=None))
    sync = service(repo, [lab(fake)], [JobSpec("lab1", JOB, (PKB,))])
    sync.run()
    fake.fail("/10/artifact/", status=500, times=-1)
    failed = sync.run(full=True)
    assert not failed.jobs[0].ok and failed.jobs[0].updated_builds == tuple(range(1, 10))
    state = repo.sync_state("lab1", JOB)
    assert state.last_build == 31 and state.running == (31,) and "HTTP 500" in state.last_error
    fake.clear_faults()
    fake.reset_log()
    assert sync.run().jobs[0].ok and len(fake.requests) == 1


def test_selection_by_lab_and_job(fake: FakeJenkins, repo: Repository) -> None:
    add_perf_builds(fake, JOB, range(1, 3))
    add_perf_builds(fake, "other", range(1, 3))
    jobs = [JobSpec("lab1", JOB, (PKB,)), JobSpec("lab1", "other", (PKB,))]
    sync = service(repo, [lab(fake)], jobs)
    assert [j.job for j in sync.run(job="other").jobs] == ["other"]
    with pytest.raises(UnknownSelection, match=r"no job named 'perf/fio' .*did you mean"):
        sync.run(job="perf/fio")
    with pytest.raises(UnknownSelection, match="known: lab1"):
        sync.run(lab="production")


def test_a_glob_that_matches_nothing_names_what_the_build_has(
    fake: FakeJenkins, repo: Repository
) -> None:
    build = perf_build(1, 5)
    for name in ("a.log", "b.log", "c.log"):
        build.artifacts[f"logs/{name}"] = b"x"
    fake.add_build(JOB, build)
    reports = (ReportSpec(artifact="*.json"),)
    (job,) = service(repo, [lab(fake)], [JobSpec("lab1", JOB, reports)]).run().jobs
    [skipped] = job.skipped
    assert skipped.reason == (
        "no artifact matches *.json (the build has logs/a.log, logs/b.log, logs/c.log and 1 more)"
    )
