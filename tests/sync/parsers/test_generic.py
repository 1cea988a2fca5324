"""PKB JSON lines, generic CSV and generic JSON: values checked by hand against the files."""

from __future__ import annotations

import pytest

from storage.records import Direction
from sync.parsers import ParseError, detect_format, parse
from sync.parsers.units import direction_for
from tests.sync.parsers.helpers import SAMPLE_DIR, find, one, read_sample


def test_pkb_lines_become_samples_with_config_tags_only() -> None:
    samples = read_sample("handmade/pkb_fio.json")
    assert detect_format((SAMPLE_DIR / "handmade/pkb_fio.json").read_bytes()) == "pkb"
    assert len(samples) == 4
    bw = samples[0]
    assert bw.metric == "sequential_write:write:bandwidth"
    assert (bw.value, bw.unit, bw.direction) == (68796.0, "KiB/s", Direction.HIGHER)
    # run_number, stddev, version are not configuration: they are left out
    assert dict(bw.tags) == {
        "blocksize": "512k",
        "fio_job": "sequential_write",
        "iodepth": "1",
        "machine_type": "n1-standard-1",
        "zone": "us-central1-f",
        "benchmark": "fio",
    }
    lat = samples[1]
    assert lat.value == pytest.approx(14.83446)
    assert (lat.unit, lat.direction) == ("ms", Direction.LOWER)
    assert samples[3].unit == "s"


def test_pkb_bad_line_names_the_line() -> None:
    good = (SAMPLE_DIR / "handmade/pkb_fio.json").read_bytes()
    with pytest.raises(ParseError) as info:
        parse(good + b'{"metric": "x", "value": "fast", "labels": ""}\n', "pkb")
    assert info.value.line == 6
    assert "not a number" in str(info.value)


def test_generic_csv() -> None:
    samples = read_sample("handmade/generic.csv")
    iops = find(samples, "read:iops", blocksize="4k", iodepth="32")
    assert [s.value for s in iops] == [15234.5, 15102.0]
    assert iops[0].unit == "IOPS" and iops[0].direction is Direction.HIGHER
    bw = one(samples, "read:bandwidth", {"blocksize": "128k"})  # empty cell: no iodepth tag
    assert bw.value == 412.25
    assert one(samples, "latency:p99", {"blocksize": "4k", "iodepth": "32"}).direction is (
        Direction.LOWER
    )


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"metric,value\nx,1\ny\n", 3),
        (b"metric,value\nx,abc\n", 2),
        (b"name,value\nx,1\n", 1),
        (b"metric,value\n,1\n", 2),
    ],
)
def test_generic_csv_bad_rows(data: bytes, line: int) -> None:
    with pytest.raises(ParseError) as info:
        parse(data, "csv")
    assert info.value.line == line


def test_generic_json() -> None:
    samples = read_sample("handmade/generic.json")
    p99 = find(samples, "latency:p99", endpoint="/login")
    assert [s.value for s in p99] == [12.5, 13.5]
    rps = one(samples, "throughput", {"endpoint": "/login", "threads": "8"})
    assert (rps.value, rps.unit, rps.direction) == (950.0, "req/s", Direction.HIGHER)
    assert one(samples, "cache_misses").direction is Direction.LOWER


@pytest.mark.parametrize(
    "data",
    [
        b'{"metrics": [{"value": 1}]}',
        b'{"metrics": {}}',
        b'{"metrics": [{"name": "a", "value": null}]}',
        b'{"metrics": [{"name": "a", "value": 1, "tags": []}]}',
        b'{"metrics": [{"name": "a"',
    ],
)
def test_generic_json_bad(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse(data, "json")


def test_pkb_log_complete_results_block() -> None:
    # the Python-dict samples PKB prints at the end of its log (the original team's source)
    samples = read_sample("sysbench/pkb__sysbench_stderr_output_sample.txt")
    assert len(samples) == 16
    p50 = samples[4]
    assert (p50.metric, p50.value, p50.direction) == ("sysbench tps p50", 153.5, Direction.HIGHER)
    assert dict(p50.tags) == {
        "cloud": "GCP", "machine_type": "n1-standard-16", "mysql_svc_db_instance_cores": "4",
        "sysbench_thread_count": "2", "vm_count": "1", "zone": "us-central1-a",
        "benchmark": "mysql_service",
    }  # fmt: skip
    assert p50.unit == ""  # PKB's 'NA'
    latency = one(samples, "sysbench latency percentile 99", dict(p50.tags))
    assert (latency.value, latency.unit, latency.direction) == (17.73, "ms", Direction.LOWER)


def test_pkb_log_without_results() -> None:
    log = b"2017-07-07 11:15:29,849 41b2ddaa MainThread INFO     PerfKitBenchmarker version: v1\n"
    with pytest.raises(ParseError, match="Complete Results"):
        parse(log * 3)


@pytest.mark.parametrize(
    ("metric", "unit", "direction"),
    [
        ("read:iops", "", Direction.HIGHER),
        ("latency:p99", "ms", Direction.LOWER),
        ("sysbench tps p50", "", Direction.HIGHER),
        ("sysbench tps stddev", "", Direction.LOWER),
        ("events_per_sec", "", Direction.HIGHER),
        ("errors_per_sec", "", Direction.LOWER),
        ("failure rate", "", Direction.LOWER),
        ("End to End Runtime", "seconds", Direction.LOWER),
        ("score", "req/s", Direction.HIGHER),
        ("cache_misses", "", Direction.LOWER),
    ],
)
def test_direction_from_metric_and_unit(metric: str, unit: str, direction: Direction) -> None:
    assert direction_for(metric, unit) is direction
