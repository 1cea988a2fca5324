"""Load-test formats (JMeter JTL CSV/XML and Summariser log, Taurus, Locust, wrk, k6).

Expected values were worked out by hand from the sample files (see the comments).
"""

from __future__ import annotations

import pytest

from storage.records import Direction
from sync.parsers import ParseError, parse
from tests.sync.parsers.helpers import SAMPLE_DIR, find, one, read_sample

PP = "performance-plugin"


def test_jtl_xml_ten_samples_percentiles() -> None:
    # elapsed 1..10 ms: mean 5.5, nearest-rank median 5, p90 9, p95/p99/max 10
    samples = read_sample(f"{PP}/JMeterResultsTenSamples.jtl")
    assert one(samples, "count").value == 10
    assert one(samples, "latency:mean").value == 5.5
    assert one(samples, "latency:median").value == 5
    assert one(samples, "latency:p90").value == 9
    assert one(samples, "latency:p95").value == 10
    assert one(samples, "latency:max").value == 10
    assert one(samples, "error_rate").value == 0
    assert one(samples, "latency:p99").direction is Direction.LOWER
    assert one(samples, "throughput").direction is Direction.HIGHER


def test_jtl_xml_one_sample_throughput() -> None:
    # one sample of t=2 ms: it runs from ts to ts+2 ms, so 1 / 0.002 s = 500 req/s
    samples = read_sample(f"{PP}/JMeterResultsOneSample.jtl")
    assert one(samples, "throughput", {"label": "Bat"}).value == pytest.approx(500.0)
    assert one(samples, "throughput").unit == "req/s"


def test_jtl_xml_counts_only_top_level_samples() -> None:
    # 10 httpSample elements, each with assertionResult children that are not samples
    samples = read_sample(f"{PP}/JMeterResultsMultiLevel.jtl")
    assert one(samples, "count").value == 10
    # sample elements of JMeter 3 (<sample>), one of two failed
    nested = read_sample(f"{PP}/single_result/nested/res.jtl")
    assert one(nested, "error_rate").value == 50.0
    assert one(nested, "latency:mean", {"label": "jp@gc - Dummy Sampler"}).value == (454 + 333) / 2


def test_jtl_xml_large_file_per_label() -> None:
    samples = read_sample(f"{PP}/constraint-test.xml")
    labels = {s.tags.get("label") for s in samples}
    assert {"listBookings", "listShows"} <= labels
    total = one(samples, "count").value
    assert total == sum(s.value for s in samples if s.metric == "count" and s.tags)


def test_jtl_csv_with_header() -> None:
    # elapsed 1425, 2204, 2204; first start ...741256, last end ...741258 + 2204
    samples = read_sample(f"{PP}/JMeterCsvResults.csv")
    assert one(samples, "count").value == 3
    assert one(samples, "latency:mean").value == pytest.approx(1944.3333, rel=1e-6)
    assert one(samples, "throughput").value == pytest.approx(3 / 2.206)
    assert one(samples, "count", {"label": "GET /ordermgmt/pre-logout"}).value == 2


def test_jtl_csv_failed_sample_and_formatted_timestamps() -> None:
    samples = read_sample(f"{PP}/JMeterPublisher_formatted_timeStamp.csv")
    assert one(samples, "error_rate").value == pytest.approx(100 / 3)
    assert one(samples, "error_rate", {"label": "GET /ordermgmt/login - Login Page"}).value == 100
    # from 07:42:21.256 to the end of the 2000 ms sample started at 21.257: 2.001 s
    assert one(samples, "throughput").value == pytest.approx(3 / 2.001)


def test_jtl_csv_impossible_dates_give_no_throughput() -> None:
    samples = read_sample(f"{PP}/JMeterCsvResults2.csv")  # month 20
    assert not find(samples, "throughput")
    assert one(samples, "count").value == 3


def test_jtl_csv_without_header_is_detected_by_content() -> None:
    samples = read_sample(f"{PP}/JENKINS-16627_CSV_instead_of_XML.jtl")
    assert one(samples, "latency:mean").value == pytest.approx((1425 + 59 + 2204) / 3)
    assert one(samples, "latency:max", {"label": "GET /ordermgmt/inventory"}).value == 59


def test_jtl_csv_quoted_label_over_three_lines() -> None:
    samples = read_sample(f"{PP}/multiLineCSV.jtl")
    assert one(samples, "count").value == 2
    assert one(samples, "error_rate").value == 50
    labels = {s.tags["label"] for s in samples if "label" in s.tags}
    long = next(label for label in labels if label.startswith("no such element"))
    assert "\n" not in long and '{"method":"id","selector":"reviewBAD"}' in long


def test_jtl_csv_transaction_parents_stay_out_of_the_totals() -> None:
    # 313 rows, 103 of them Transaction Controller parents (HP 37, Search 33, Scenario 33)
    samples = read_sample(f"{PP}/filewithtransactions.csv")
    assert one(samples, "count").value == 210
    assert one(samples, "count", {"label": "HP"}).value == 37
    assert one(samples, "count", {"label": "Scenario"}).value == 33


def test_jtl_csv_non_numeric_response_code() -> None:
    samples = read_sample(f"{PP}/single_result/res.csv")
    assert one(samples, "error_rate", {"label": "HTTP Request"}).value == 100
    assert one(samples, "latency:mean").value == 92


def test_jtl_csv_bad_elapsed_names_the_line() -> None:
    data = b"timeStamp,elapsed,label,success\n1,10,a,true\n2,x,a,true\n"
    with pytest.raises(ParseError) as info:
        parse(data, "jtl-csv")
    assert info.value.line == 3


def test_jtl_xml_truncated_is_an_error() -> None:
    data = b'<?xml version="1.0"?><testResults><httpSample t="1" ts="1" lb="a"/><httpSa'
    with pytest.raises(ParseError, match="XML"):
        parse(data, "jtl-xml")


@pytest.mark.parametrize(
    ("name", "count", "errors", "mean", "low", "high", "rate"),
    [
        # the last cumulative '=' line; the made-up last line says 123 errors (4.56%)
        (f"{PP}/summary.log", 1257, 4.56, 333, 3, 5630, 7.8),
        (f"{PP}/_deleted_from_history/Summary.log", 1255, 0.0, 330, 5, 5628, 5.8),
    ],
)
def test_jmeter_summariser(
    name: str, count: int, errors: float, mean: float, low: float, high: float, rate: float
) -> None:
    samples = read_sample(name)
    assert [(s.metric, s.value) for s in samples] == [
        ("count", count), ("error_rate", errors), ("latency:mean", mean),
        ("latency:min", low), ("latency:max", high), ("throughput", rate),
    ]  # fmt: skip


def test_jmeter_log_with_two_summarisers() -> None:
    samples = read_sample(f"{PP}/jmeter.log")
    assert one(samples, "count", {"summariser": "summary"}).value == 1000
    assert one(samples, "throughput", {"summariser": "Generate Summary Results"}).value == 32.7


def test_jmeter_log_interval_lines_only_are_summed() -> None:
    log = (
        b"summary +  100 in 00:00:10 = 10.0/s Avg: 200 Min: 50 Max: 400 Err: 1 (1.00%)\n"
        b"summary +  300 in 00:00:20 = 15.0/s Avg: 100 Min: 40 Max: 500 Err: 3 (1.00%)\n"
    )
    samples = parse(log)
    assert one(samples, "count").value == 400
    assert one(samples, "latency:mean").value == pytest.approx((100 * 200 + 300 * 100) / 400)
    assert one(samples, "latency:min").value == 40
    assert one(samples, "throughput").value == pytest.approx(400 / 30)
    assert one(samples, "error_rate").value == pytest.approx(1.0)


@pytest.mark.parametrize(
    "name", [f"{PP}/TaurusXMLReport.xml", f"{PP}/_deleted_from_history/TaurusCSVReport.csv"]
)
def test_taurus_final_stats(name: str) -> None:
    # overall group: throughput 677 samples, 11 failed, avg_rt 0.4595 s, perc/95.0 1.293 s
    samples = read_sample(name)
    assert one(samples, "count").value == 677
    assert one(samples, "error_rate").value == pytest.approx(1100 / 677)
    assert one(samples, "latency:mean").value == pytest.approx(459.5)
    assert one(samples, "latency:p95").value == pytest.approx(1293.0)
    assert one(samples, "latency:max").value == pytest.approx(1718.0)
    assert one(samples, "latency:mean").unit == "ms"
    assert len(find(samples, "count")) == 1  # the labels have their own tags


def test_taurus_xml_other_reports() -> None:
    samples = read_sample(f"{PP}/aggregate-results.xml")
    assert one(samples, "count", {"label": "http://blazedemo.com/reserve.php"}).value == 271
    previous = read_sample(f"{PP}/TaurusPreviousBuildReport.xml")  # rc/ConnectException inside
    assert one(previous, "count").value == 445


def test_locust_stats_2x() -> None:
    samples = read_sample("locust/generated_locust2.47.0_stats.csv")
    page = {"endpoint": "/index.html", "method": "GET"}
    assert one(samples, "count", page).value == 740
    assert one(samples, "latency:mean", page).value == pytest.approx(2.488201331082463)
    assert one(samples, "latency:p99", page).value == 10
    assert one(samples, "throughput", page).value == pytest.approx(105.82733231351541)
    # Aggregated row: 295 failures of 1035 requests
    assert one(samples, "error_rate").value == pytest.approx(29500 / 1035)
    assert one(samples, "error_rate", {"endpoint": "/does-not-exist", "method": "GET"}).value == 100


def test_locust_stats_with_blank_lines_and_legacy_requests_csv() -> None:
    samples = read_sample(f"{PP}/test_results_stats.csv")
    assert one(samples, "count").value == 71464
    assert one(samples, "latency:p95", {"endpoint": "small", "method": "POST"}).value == 570
    legacy = read_sample(f"{PP}/_deleted_from_history/test_results_requests.csv")
    assert one(legacy, "count").value == 71464  # the "None","Total" row
    assert one(legacy, "error_rate").value == pytest.approx(1e6 / 71464)


@pytest.mark.parametrize(
    "sample", ["locust/generated_locust2.47.0_stats.csv", f"{PP}/test_results_stats.csv"]
)
def test_locust_stats_cut_inside_a_row_are_refused(sample: str) -> None:
    data = (SAMPLE_DIR / sample).read_bytes().rstrip()
    cut = data[: data.rindex(b",", 0, len(data) - 10)]  # the last row loses its last cells
    with pytest.raises(ParseError, match="fewer cells than the header"):
        parse(cut, "locust", name="stats.csv")
    with pytest.raises(ParseError, match="fewer cells than the header"):
        parse(cut, "auto", name="stats.csv")


def test_wrk_units() -> None:
    tags = {"endpoint": "http://www.google.com", "threads": "8", "connections": "16"}
    long = read_sample(f"{PP}/WrkResultsLong.wrk")
    assert one(long, "latency:mean", tags).value == pytest.approx(78270.0)  # 78.27s
    assert one(long, "latency:max", tags).value == pytest.approx(235540.0)
    quick = read_sample(f"{PP}/WrkResultsQuick.wrk")
    assert one(quick, "latency:mean", tags).value == pytest.approx(78.27)
    assert one(quick, "count", tags).value == 1045
    assert one(quick, "throughput", tags).value == 205.68
    assert one(quick, "transfer", tags).value == pytest.approx(9.06)  # MB = MiB in wrk


def test_wrk_latency_distribution() -> None:
    samples = read_sample(f"{PP}/WrkResultsWithLatencyFlag.wrk")
    tags = {"endpoint": "http://www.google.com", "threads": "1", "connections": "1"}
    assert one(samples, "latency:median", tags).value == pytest.approx(40.25)
    assert one(samples, "latency:p99", tags).value == pytest.approx(46.51)
    assert one(samples, "transfer", tags).value == pytest.approx(843.38 / 1024)


def test_wrk_errors() -> None:
    text = (
        b"Running 10s test @ http://127.0.0.1:8080/\n  2 threads and 10 connections\n"
        b"  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
        b"    Latency   500.00us  100.00us   2.00ms   90.00%\n"
        b"  200 requests in 10.00s, 20.00KB read\n"
        b"  Socket errors: connect 0, read 2, write 0, timeout 3\n"
        b"  Non-2xx or 3xx responses: 5\nRequests/sec:     20.00\nTransfer/sec:      2.00KB\n"
    )
    samples = parse(text)
    assert one(samples, "error_rate", {"endpoint": "http://127.0.0.1:8080/", "threads": "2",
                                        "connections": "10"}).value == 5.0  # fmt: skip
    assert samples[0].value == 0.5  # 500us as ms


def test_k6_summary_export() -> None:
    samples = read_sample("handmade/k6_summary_export.json")
    assert one(samples, "latency:p95").value == 139.49
    assert one(samples, "latency:median", {"expected_response": "true"}).value == 116.2
    assert one(samples, "error_rate").value == pytest.approx(2.0)
    assert one(samples, "throughput").value == 9.893
    assert one(samples, "checks:pass_rate").direction is Direction.HIGHER


def test_k6_handle_summary() -> None:
    samples = read_sample("handmade/k6_handle_summary.json")
    assert one(samples, "latency:p99").value == 190.75
    assert one(samples, "latency:p99", {"name": "/login"}).value == 200.0
    assert one(samples, "count").value == 3000
    assert one(samples, "error_rate").value == pytest.approx(0.5)
    assert one(samples, "checkout_time:p95").unit == ""  # a custom trend not marked as time


@pytest.mark.parametrize(
    ("data", "line"),
    [
        # a quoted label over two lines before the bad row: line numbers count physical lines
        (
            b'timeStamp,elapsed,label\n1393227741256,5,"a\nb"\n1393227741257,7,c\n1393227741258,x,c\n',
            5,
        ),
        (
            b'1393227741256,5,"a\nb",200,OK,t,text,true,1,2\n1393227741258,x,c,200,OK,t,text,true,1,2\n',
            3,
        ),
        (b'timeStamp,elapsed,label\n1393227741256,5,"never closed\n' + b"1,2,3\n" * 10, 2),
    ],
)
def test_jtl_csv_line_numbers_after_multi_line_fields(data: bytes, line: int) -> None:
    with pytest.raises(ParseError) as info:
        parse(data, "jtl-csv")
    assert info.value.line == line


def test_jtl_csv_used_column_at_the_end_of_the_line() -> None:
    # the loop splits only up to the last column it needs; here that column ends the line
    data = b"elapsed,label,timeStamp\r\n5,a,1393227741256\r\n7,a,1393227741258\r\n"
    samples = parse(data, "jtl-csv")
    assert one(samples, "latency:max", {"label": "a"}).value == 7
    assert one(samples, "throughput").value == pytest.approx(2 / 0.009)
