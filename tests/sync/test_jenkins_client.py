"""sync.jenkins: real python-jenkins against the local fake Jenkins, and the recorded shapes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import replace

import jenkins
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.records import Commit, Result
from sync.errors import AuthFailed, NotFound, ServerError, Truncated, Unreachable
from sync.jenkins import JenkinsClient, parse_build
from sync.records import LabSpec
from sync.service import check_lab
from tests.conftest import SAMPLES
from tests.fakes.jenkins import FakeBuild, FakeJenkins
from tests.fakes.jenkins_tree import apply_tree, parse_tree

API = SAMPLES / "jenkins-api"
JOB = "perf/fio nightly"


@pytest.fixture
def fake() -> Iterator[FakeJenkins]:
    with FakeJenkins() as server:
        for n in range(1, 251):
            server.add_build(
                JOB,
                FakeBuild(
                    n,
                    timestamp_ms=1_700_000_000_000 + n * 60_000,
                    artifacts={"out/r.json": b'{"n": %d}' % n},
                ),
            )
        yield server


def client(fake: FakeJenkins, **kwargs: object) -> JenkinsClient:
    options: dict[str, object] = {"timeout": 2.0, "retries": 2, "backoff": 0.0}
    options.update(kwargs)
    return JenkinsClient(
        fake.url,
        str(options.pop("user", "perfdash")),
        str(options.pop("token", "s3cret")),
        **options,
    )  # type: ignore[arg-type]


def test_build_pages_reach_past_the_first_hundred_in_one_request_each(fake: FakeJenkins) -> None:
    jc = client(fake)
    newest = jc.builds(JOB, 0, 100)
    oldest = jc.builds(JOB, 200, 300)
    assert [b.number for b in newest] == list(range(250, 150, -1))
    assert [b.number for b in oldest] == list(range(50, 0, -1))
    assert fake.count("allBuilds") == 2 and len(fake.requests) == 2  # no crumb, no job info
    assert oldest[-1].artifacts == ("out/r.json",)
    assert oldest[-1].started is not None and oldest[-1].duration_s == 60.0


def test_details_parameters_causes_and_both_change_set_shapes(fake: FakeJenkins) -> None:
    commit = {"commitId": "abc123", "msg": "Faster IO", "author": {"fullName": "Ann"}}
    fake.add_build(
        JOB,
        FakeBuild(
            251,
            parameters={"SIZE": "4k", "DEBUG": True},
            cause="Started by user admin",
            commits=[commit],
        ),
    )
    fake.add_build(JOB, FakeBuild(252, pipeline=True, commits=[commit]))
    fake.add_build(JOB, FakeBuild(253, result=None))
    jc = client(fake)
    running, pipeline, freestyle = jc.builds(JOB, 0, 3)
    assert running.result is Result.RUNNING and running.building
    assert pipeline.commits == freestyle.commits == (Commit("abc123", "Ann", "Faster IO"),)
    assert freestyle.parameters == {"SIZE": "4k", "DEBUG": True}
    assert freestyle.causes == ("Started by user admin",)
    single = jc.build(JOB, 251)
    assert single is not None and single.record("lab1", JOB).cause == "Started by user admin"


def test_deleted_build_is_none_and_unknown_job_or_folder_is_not_found(fake: FakeJenkins) -> None:
    jc = client(fake)
    assert jc.build(JOB, 999) is None
    with pytest.raises(NotFound, match="does not exist"):
        jc.builds("perf/nope")
    with pytest.raises(NotFound, match="not a job"):
        jc.builds("perf")


def test_artifacts_are_bytes_and_console_is_text(fake: FakeJenkins) -> None:
    raw = bytes(range(256)) + b"\xff\xfe not json"
    fake.add_build(JOB, FakeBuild(251, artifacts={"bin/blob.dat": raw}, console="Requests/s: 12\n"))
    jc = client(fake)
    assert jc.artifact(JOB, 251, "bin/blob.dat") == raw
    fake.jobs[JOB][251].artifacts["out dir/r #1?.json"] = b"{}"
    assert jc.artifact(JOB, 251, "out dir/r #1?.json") == b"{}"
    assert jc.console(JOB, 251) == "Requests/s: 12\n"
    assert jc.console(JOB, 1) == ""


def test_whoami_checks_credentials_without_a_crumb_request(fake: FakeJenkins) -> None:
    plain = jenkins.Jenkins(fake.url, "perfdash", "s3cret", timeout=2)
    assert plain.get_whoami()["id"] == "perfdash"
    assert fake.count("crumbIssuer") == 1  # python-jenkins alone asks for a crumb first
    assert client(fake).whoami() == "perfdash"
    assert fake.count("crumbIssuer") == 1 and fake.count("me/api") == 2
    with pytest.raises(AuthFailed, match=r"refused user 'perfdash' \(HTTP 401\)"):
        client(fake, token="wrong").whoami()
    with pytest.raises(AuthFailed, match=r"anonymous access \(HTTP 403\)"):
        client(fake, user="", token="").builds(JOB)


def test_a_500_is_a_server_error_not_an_auth_failure(fake: FakeJenkins) -> None:
    fake.fail("allBuilds", status=500, times=-1)
    with pytest.raises(ServerError, match="HTTP 500") as info:
        client(fake).builds(JOB)
    assert info.value.status == 500
    assert fake.count("allBuilds") == 3  # the first try and two retries


def test_a_passing_503_is_retried_and_a_lasting_one_is_a_server_error(fake: FakeJenkins) -> None:
    fake.fail("artifact", status=503, times=1)
    assert client(fake).artifact(JOB, 7, "out/r.json") == b'{"n": 7}'
    assert fake.count("/artifact/") == 2
    fake.fail("consoleText", status=503, times=-1)
    with pytest.raises(ServerError, match="HTTP 503"):
        client(fake).console(JOB, 7)


def test_a_slow_server_times_out_as_unreachable(fake: FakeJenkins) -> None:
    fake.fail("allBuilds", delay=1.0, times=-1)
    with pytest.raises(Unreachable, match=r"did not answer within 0\.2 s"):
        client(fake, timeout=0.2, retries=1).builds(JOB)
    fake.clear_faults()


def test_a_closed_port_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    jc = JenkinsClient(f"http://127.0.0.1:{port}", "u", "t", timeout=1.0, retries=1, backoff=0)
    with pytest.raises(Unreachable, match="connection refused"):
        jc.builds(JOB)


def test_a_truncated_artifact_is_tried_again_then_reported(fake: FakeJenkins) -> None:
    fake.jobs[JOB][9].truncated.add("out/r.json")
    with pytest.raises(Truncated, match="cut short"):
        client(fake).artifact(JOB, 9, "out/r.json")
    assert fake.count("9/artifact/") == 3


@pytest.mark.parametrize(
    ("sample", "result", "commits", "parameters"),
    [
        (
            "api4jenkins/run/workflowrun.json",
            Result.FAILURE,
            0,
            {"parameter1": "value1", "parameter2": "value2"},
        ),
        ("api4jenkins/run/freestylebuild.json", None, 0, None),
        ("jenkins-rest/build-info-git-commit.json", None, 1, None),
        ("jenkins-rest/build-info-empty-and-null-params.json", None, None, None),
    ],
)
def test_recorded_builds_parse(
    sample: str, result: Result | None, commits: int | None, parameters: dict[str, str] | None
) -> None:
    data = json.loads((API / sample).read_text())
    info = parse_build(data)
    assert info.number == data["number"]
    if result is not None:
        assert info.result is result
    if commits is not None:
        assert len(info.commits) == commits
    if parameters is not None:
        assert dict(info.parameters) == parameters
    assert all(
        isinstance(v, str | int | float | bool) or v is None for v in info.parameters.values()
    )


def test_tree_ranges_follow_jenkins() -> None:
    data = {"_class": "X", "all": [{"n": i, "x": 1} for i in range(10)], "other": 1}
    assert apply_tree(data, parse_tree("all[n]{2,4}")) == {
        "_class": "X",
        "all": [{"n": 2}, {"n": 3}],
    }
    assert len(apply_tree(data, parse_tree("all[n]{,3}"))["all"]) == 3
    assert len(apply_tree(data, parse_tree("all[n]{8,}"))["all"]) == 2
    assert apply_tree(data, parse_tree("all[n]{5}"))["all"] == [{"n": 5}]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "result",
        "building",
        "timestamp",
        "duration",
        "url",
        "actions",
        "changeSet",
        "changeSets",
        "artifacts",
    ]
)


@settings(suppress_health_check=[HealthCheck.too_slow])  # a loaded CI machine, not the test
@given(st.integers(min_value=1, max_value=10**9), st.dictionaries(FIELDS, JSON))
def test_any_build_json_with_a_number_parses(number: int, fields: dict[str, object]) -> None:
    info = parse_build({"number": number, **fields})
    assert info.number == number and isinstance(info.result, Result)
    assert all(isinstance(c, Commit) for c in info.commits)


@pytest.mark.parametrize("timestamp", [10**30, -5, float("inf"), "1700000000000", None])
def test_odd_timestamps_give_no_start_time(timestamp: object) -> None:
    assert parse_build({"number": 1, "timestamp": timestamp}).started is None


def test_check_lab_names_the_lab_and_variable(fake: FakeJenkins) -> None:
    good = LabSpec("lab1", fake.url, "perfdash", "s3cret", "LAB1_JENKINS_TOKEN", timeout_s=2.0)
    assert check_lab(good) == f"lab 'lab1': {fake.url} answers, signed in as perfdash"
    with pytest.raises(AuthFailed, match="environment variable LAB1_JENKINS_TOKEN"):
        check_lab(replace(good, token="bad"))
