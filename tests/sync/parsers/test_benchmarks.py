"""Storage and micro-benchmark formats (fio, Google Benchmark, pytest-benchmark, hyperfine,
sysbench), Rally and JUnit. Expected values come from reading the sample files by hand."""

from __future__ import annotations

import pytest

from storage.records import Direction
from sync.parsers import ParseError, parse
from tests.sync.parsers.helpers import SAMPLE_DIR, find, one, read_sample

PP = "performance-plugin"
FIO_HIST_READ = {
    "job": "rand_16k_read_100%-io-depth-1-num-jobs-2", "rw": "randread", "blocksize": "16k",
    "iodepth": "1", "numjobs": "2", "ioengine": "libaio",
}  # fmt: skip


def test_fio_2_17_with_global_options() -> None:
    samples = read_sample("fio/pkb__hist__pkb-7fb0c9d8-0_fio.json")
    iops = one(samples, "read:iops", FIO_HIST_READ)
    assert (iops.value, iops.unit, iops.direction) == (8086.673998, "IOPS", Direction.HIGHER)
    assert one(samples, "read:bandwidth", FIO_HIST_READ).value == 129386
    # lat mean 245.531122 usec; clat "99.000000": 1352 usec, "50.000000": 96 usec
    assert one(samples, "read:latency:mean", FIO_HIST_READ).value == pytest.approx(0.245531122)
    assert one(samples, "read:clat:p99", FIO_HIST_READ).value == pytest.approx(1.352)
    assert one(samples, "read:clat:p50", FIO_HIST_READ).unit == "ms"
    assert not find(samples, "write:iops", **FIO_HIST_READ)  # the read job wrote nothing


def test_fio_3_json_plus_in_ns() -> None:
    samples = read_sample("fio/arcaflow__poisson-rate-submission_output-plus.json")
    tags = {"job": "poisson-rate-submit", "rw": "randread", "iodepth": "32", "ioengine": "libaio"}
    assert one(samples, "read:iops", tags).value == 49.198837
    assert one(samples, "read:latency:mean", tags).value == pytest.approx(0.461936892578)
    assert one(samples, "read:latency:max", tags).value == pytest.approx(4.595805)


def test_fio_2_1_old_schema_with_duplicate_keys() -> None:
    samples = read_sample("fio/pkb__fio-parser-sample-result.json")
    assert one(samples, "write:iops", {"job": "sequential_write"}).value == 133
    assert one(samples, "read:iops", {"job": "sequential_read"}).value == 253
    assert len({s.tags["job"] for s in samples}) == 5


def test_fio_with_warnings_before_the_json() -> None:
    raw = (SAMPLE_DIR / "fio/pkb__hist__pkb-7fb0c9d8-0_fio.json").read_bytes()
    noisy = b"note: both iodepth >= 1 and synchronous I/O engine are selected\n" + raw
    assert parse(noisy, "fio") == read_sample("fio/pkb__hist__pkb-7fb0c9d8-0_fio.json")


def test_gbench() -> None:
    samples = read_sample("google-benchmark/test1_run1.json")
    same = one(samples, "real_time", {"benchmark": "BM_SameTimes"})
    assert (same.value, same.unit, same.direction) == (10, "ns", Direction.LOWER)
    assert one(samples, "cpu_time", {"benchmark": "BM_2xFaster"}).value == 50


def test_gbench_without_timing_fields_is_an_error() -> None:
    with pytest.raises(ParseError, match="has no real_time"):
        read_sample("google-benchmark/test4_run.json")


def test_gbench_repetitions_and_units() -> None:
    data = b"""{"context": {}, "benchmarks": [
      {"name": "BM_x", "run_name": "BM_x", "run_type": "iteration", "real_time": 2.0,
       "cpu_time": 1.5, "time_unit": "us", "items_per_second": 5e5},
      {"name": "BM_x", "run_name": "BM_x", "run_type": "iteration", "real_time": 4.0,
       "cpu_time": 3.5, "time_unit": "us"},
      {"name": "BM_x_mean", "run_name": "BM_x", "run_type": "aggregate", "aggregate_name": "mean",
       "real_time": 3.0, "cpu_time": 2.5, "time_unit": "us"},
      {"name": "BM_y_mean", "run_name": "BM_y", "run_type": "aggregate", "aggregate_name": "mean",
       "real_time": 7.0, "cpu_time": 6.0, "time_unit": "ms"},
      {"name": "BM_bad", "run_type": "iteration", "error_occurred": true}]}"""
    samples = parse(data)
    assert [s.value for s in find(samples, "real_time", benchmark="BM_x")] == [2000.0, 4000.0]
    assert one(samples, "real_time", {"benchmark": "BM_y"}).value == 7e6
    assert one(samples, "items_per_second", {"benchmark": "BM_x"}).direction is Direction.HIGHER


def test_pytest_benchmark() -> None:
    name = "0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes.json"
    samples = read_sample(f"pytest-benchmark/{name}")
    tags = {"benchmark": "tests/test_normal.py::test_xfast_parametrized[0]"}
    low = one(samples, "time:min", tags)
    assert low.value == pytest.approx(217.31454219544334) and low.unit == "ns"


@pytest.mark.parametrize("ext", ["json", "csv"])
def test_hyperfine(ext: str) -> None:
    samples = read_sample(f"hyperfine/generated_hyperfine1.15.0_two_commands.{ext}")
    mean = one(samples, "time:mean", {"command": "sleep 0.02"})
    assert mean.value == pytest.approx(0.021649680759999998) and mean.unit == "s"
    assert one(samples, "time:max", {"command": "python3 -c pass"}).value == pytest.approx(
        0.30996462746000003
    )


def test_sysbench_cpu() -> None:
    samples = read_sample("sysbench/generated_sysbench1.0.20_cpu_run.txt")
    assert one(samples, "events_per_sec", {"threads": "4"}).value == 1113.86
    assert one(samples, "latency:p95", {"threads": "4"}).value == 16.71
    assert one(samples, "latency:mean", {"threads": "4"}).unit == "ms"


def test_sysbench_oltp_and_memory() -> None:
    oltp = read_sample("sysbench/pkb__sysbench-output-sample.txt")
    assert one(oltp, "tps", {"threads": "16"}).value == 986.49
    assert one(oltp, "qps", {"threads": "16"}).value == 19730.45
    memory = read_sample("sysbench/pkb__sysbench-memory-output-sample.txt")
    tags = {"threads": "1", "blocksize": "1KiB", "operation": "write", "scope": "global"}
    ops = find(memory, "ops_per_sec", **tags)  # four runs, one per CPU: repeats of one series
    assert [s.value for s in ops] == [3894455.31, 5471831.90, 5481537.76, 3902760.89]
    assert find(memory, "bandwidth", **tags)[0].value == 3803.18


def test_sysbench_0_5_inside_a_pkb_log() -> None:
    samples = read_sample("sysbench/pkb__sysbench_stderr_output_sample.txt", "sysbench")
    assert one(samples, "tps", {"threads": "2"}).value == 151.85
    assert one(samples, "latency:p99", {"threads": "2"}).value == 17.73


def test_rally_task_report() -> None:
    samples = read_sample("rally/generated_rally5.1.1_task_report.json")
    dummy = {"scenario": "Dummy.dummy"}
    assert one(samples, "count", dummy).value == 10
    assert one(samples, "throughput", dummy).value == pytest.approx(10 / 0.508795976638794)
    assert one(samples, "duration:mean", dummy).value == pytest.approx(0.1, abs=0.002)
    assert one(samples, "duration:median", {**dummy, "action": "foo"}).value == pytest.approx(
        0.1, abs=0.002
    )
    failing = {"scenario": "Dummy.dummy_random_fail_in_atomic"}
    assert one(samples, "error_rate", failing).value == 10.0  # failed_iteration_count 1 of 10


def test_rally_legacy_task_results() -> None:
    # durations 0.1, 0.2, 0.3 succeed and one fails; p90 interpolated: 0.2 + 0.8 * 0.1
    samples = read_sample("handmade/rally_legacy_task_results.json")
    tags = {"scenario": "Dummy.dummy"}
    assert one(samples, "error_rate", tags).value == 25.0
    assert one(samples, "duration:mean", tags).value == pytest.approx(0.2)
    assert one(samples, "duration:p90", tags).value == pytest.approx(0.28)
    assert one(samples, "duration:max", {**tags, "action": "foo"}).value == pytest.approx(0.28)
    assert one(samples, "throughput", tags).value == pytest.approx(8.0)  # 4 / 0.5 s


def test_junit_outcomes() -> None:
    samples = read_sample(f"{PP}/TEST-JUnitResults-success-failure-error.xml")
    assert one(samples, "duration", {"suite": "tests.ATest", "test": "sucess"}).value == 0.0
    assert one(samples, "count").value == 3
    assert one(samples, "error_rate").value == pytest.approx(200 / 3)


def test_junit_missing_time_and_iterations() -> None:
    no_time = read_sample(f"{PP}/TEST-JUnitResults-noTimeAttribute.xml")
    tags = {"suite": "hudson.plugins.performance.parsers.JUnitParserTest",
            "test": "parseWithoutTimeAttribute"}  # fmt: skip
    assert [s.value for s in find(no_time, "duration", **tags)] == [0.1, 0.1]
    iterations = read_sample(f"{PP}/jUnitIssue5571.xml")
    facade = "junit.framework.JUnit4TestCaseFacade"
    runs = find(iterations, "duration", suite=facade, test="unknown")
    assert len(runs) == 200 and runs[0].value == 0.89


def test_junit_testsuites_and_rally_export() -> None:
    samples = read_sample(f"{PP}/TEST-results.xml")
    first = one(samples, "duration", {"suite": "00-compile_t", "test": "1 - use ACLBot::Storage;"})
    assert first.value == pytest.approx(0.262654066085815)
    rally = read_sample("rally/generated_rally5.1.1_junit.xml")
    assert one(rally, "duration", {"suite": "Dummy", "test": "dummy"}).value == 0.54
    assert one(rally, "error_rate").value == 25.0
