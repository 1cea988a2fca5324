"""Detection by content for every sample a parser claims, and bad input of every kind.

The property tests hold the contract other packages rely on: whatever the bytes, a parser returns
samples or raises ParseError, never another exception.
"""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.parsers import FORMATS, ParseError, detect_format, parse
from tests.sync.parsers.helpers import SAMPLE_DIR

PP = "performance-plugin"
CLAIMED = {
    "fio/arcaflow__poisson-rate-submission_output-plus.json": "fio",
    "fio/pkb__fio-parser-sample-result.json": "fio",
    "fio/pkb__hist__pkb-7fb0c9d8-0_fio.json": "fio",
    "google-benchmark/test1_run1.json": "gbench",
    "hyperfine/generated_hyperfine1.15.0_two_commands.csv": "hyperfine-csv",
    "hyperfine/generated_hyperfine1.15.0_two_commands.json": "hyperfine-json",
    "locust/generated_locust2.47.0_stats.csv": "locust",
    f"{PP}/JENKINS-16627_CSV_instead_of_XML.jtl": "jtl-csv",
    f"{PP}/JMeterCsvResults.csv": "jtl-csv",
    f"{PP}/JMeterCsvResults2.csv": "jtl-csv",
    f"{PP}/JMeterPublisher.csv": "jtl-csv",
    f"{PP}/JMeterPublisher_formatted_timeStamp.csv": "jtl-csv",
    f"{PP}/filewithtransactions.csv": "jtl-csv",
    f"{PP}/multiLineCSV.jtl": "jtl-csv",
    f"{PP}/single_result/res.csv": "jtl-csv",
    f"{PP}/JMeterResults.jtl": "jtl-xml",
    f"{PP}/JMeterResultsMultiLevel.jtl": "jtl-xml",
    f"{PP}/JMeterResultsOneSample.jtl": "jtl-xml",
    f"{PP}/JMeterResultsRandomUri.jtl": "jtl-xml",
    f"{PP}/JMeterResultsTenSamples.jtl": "jtl-xml",
    f"{PP}/JMeterResultsThreeSamples.jtl": "jtl-xml",
    f"{PP}/whitespace-followed-by-xml.jtl": "jtl-xml",
    f"{PP}/constraint-test.xml": "jtl-xml",
    f"{PP}/single_result/nested/res.jtl": "jtl-xml",
    f"{PP}/jmeter.log": "jmeter-log",
    f"{PP}/summary.log": "jmeter-log",
    f"{PP}/_deleted_from_history/Summary.log": "jmeter-log",
    f"{PP}/TEST-JUnitResults.xml": "junit",
    f"{PP}/TEST-JUnitResults-noTimeAttribute.xml": "junit",
    f"{PP}/TEST-JUnitResults-relative-thrashould.xml": "junit",
    f"{PP}/TEST-JUnitResults-relative-thrashould-2.xml": "junit",
    f"{PP}/TEST-JUnitResults-success-failure-error.xml": "junit",
    f"{PP}/TEST-results.xml": "junit",
    f"{PP}/jUnitIssue5571.xml": "junit",
    "rally/generated_rally5.1.1_junit.xml": "junit",
    f"{PP}/TaurusXMLReport.xml": "taurus-xml",
    f"{PP}/TaurusPreviousBuildReport.xml": "taurus-xml",
    f"{PP}/aggregate-results.xml": "taurus-xml",
    f"{PP}/_deleted_from_history/TaurusCSVReport.csv": "taurus-csv",
    f"{PP}/test_results_stats.csv": "locust",
    f"{PP}/_deleted_from_history/test_results_requests.csv": "locust",
    f"{PP}/WrkResultsLong.wrk": "wrk",
    f"{PP}/WrkResultsQuick.wrk": "wrk",
    f"{PP}/WrkResultsWithLatencyFlag.wrk": "wrk",
    "pytest-benchmark/0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_"
    "uncommitted-changes.json": "pytest-benchmark",
    "pytest-benchmark/0030_5b78858eb718649a31fb93d8dc96ca2cee41a4cd_20150815_030419_"
    "uncommitted-changes.json": "pytest-benchmark",
    "rally/generated_rally5.1.1_task_report.json": "rally",
    "handmade/rally_legacy_task_results.json": "rally",
    "sysbench/generated_sysbench1.0.20_cpu_run.txt": "sysbench",
    "sysbench/pkb__sysbench-memory-output-sample.txt": "sysbench",
    "sysbench/pkb__sysbench-output-sample.txt": "sysbench",
    "sysbench/pkb__sysbench_stderr_output_sample.txt": "pkb-log",
    "handmade/k6_summary_export.json": "k6",
    "handmade/k6_handle_summary.json": "k6",
    "handmade/pkb_fio.json": "pkb",
    "handmade/generic.csv": "csv",
    "handmade/generic.json": "json",
}
# Files of the corpus that are not results (inputs, other reports), or results no parser claims.
UNCLAIMED = [
    f"{PP}/IagoResults.log",
    f"{PP}/performanceTest.yml",
    "hyperfine/generated_hyperfine1.15.0_two_commands_stdout.txt",
    "locust/generated_locust2.47.0_failures.csv",
    "rally/generated_rally5.1.1_input_task.json",
    "rally/generated_rally5.1.1_sla-check.json",
    "rally/generated_rally5.1.1_task_start_console.txt",
    "jenkins-api/job1_build2.json",
]


def test_every_format_is_claimed_by_a_sample() -> None:
    assert set(CLAIMED.values()) == set(FORMATS)


@pytest.mark.parametrize(("name", "fmt"), sorted(CLAIMED.items()))
def test_detects_and_reads_every_claimed_sample(name: str, fmt: str) -> None:
    data = (SAMPLE_DIR / name).read_bytes()
    assert detect_format(data[:65536], name) == fmt
    samples = parse(data, name=name)
    assert samples == parse(data, fmt)
    assert all(s.metric and s.unit is not None for s in samples)
    assert all("run_uri" not in s.tags and "timestamp" not in s.tags for s in samples)


@pytest.mark.parametrize("name", UNCLAIMED)
def test_files_no_parser_claims(name: str) -> None:
    with pytest.raises(ParseError, match="not in any known report format"):
        parse((SAMPLE_DIR / name).read_bytes(), name=name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (bytes(range(256)) * 64, "is binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is binary"),
        (b"hello world\n" * 1000, "not in any known report format"),
    ],
)
def test_bad_input_auto(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(data)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_file_with_every_format(fmt: str) -> None:
    with pytest.raises(ParseError):
        parse(b"", fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_binary_junk_with_every_format(fmt: str) -> None:
    junk = random.Random(7).randbytes(200_000)
    with pytest.raises(ParseError):
        parse(io.BytesIO(junk), fmt)


def test_unknown_format_name() -> None:
    with pytest.raises(ParseError, match="unknown"):
        parse(b"metric,value\nx,1\n", "nope")


def test_non_seekable_stream_keeps_its_head() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            chunk = self.data.read(min(len(buffer), 100))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = (SAMPLE_DIR / f"{PP}/JMeterResultsTenSamples.jtl").read_bytes()
    assert parse(io.BufferedReader(Pipe(data))) == parse(data)


def check(data: bytes, fmt: str) -> None:
    """The contract: samples, or ParseError (anything else fails the test)."""
    try:
        samples = parse(data, fmt)
    except ParseError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert samples


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["auto", *FORMATS]))
def test_any_bytes_give_samples_or_parse_error(data: bytes, fmt: str) -> None:
    check(data, fmt)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CLAIMED)), st.data())
def test_damaged_samples_give_samples_or_parse_error(name: str, data: st.DataObject) -> None:
    raw = (SAMPLE_DIR / name).read_bytes()
    cut = data.draw(st.integers(0, len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, max(0, cut - 1)), st.integers(0, 255)),
                               max_size=4))  # fmt: skip
    damaged = bytearray(raw[:cut])
    for index, value in flips:
        if index < len(damaged):
            damaged[index] = value
    check(bytes(damaged), data.draw(st.sampled_from(["auto", CLAIMED[name]])))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FORMATS)), st.text(max_size=500))
def test_any_text_gives_samples_or_parse_error(fmt: str, text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), fmt)


def test_xml_declaring_an_unknown_encoding() -> None:
    # found by the property test: expat raises LookupError for an unknown encoding name
    with pytest.raises(ParseError):
        parse(b'<?xml version="1.0" encoding="ATF-8"?>\n<testResults', "auto")


class Endless(io.RawIOBase):
    """An endless stream of one byte that counts what was read from it."""

    def __init__(self, byte: bytes) -> None:
        self.byte = byte
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        buffer[:] = self.byte * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


@pytest.mark.parametrize(
    "fmt", ["fio", "rally", "k6", "json", "gbench", "pytest-benchmark", "hyperfine-json"]
)
def test_endless_junk_fails_after_reading_little(fmt: str) -> None:
    stream = Endless(b"a")
    with pytest.raises(ParseError, match="not a JSON document"):
        parse(io.BufferedReader(stream), fmt)
    assert stream.read_bytes <= 1 << 17


@pytest.mark.parametrize(("fmt", "byte"), [("wrk", b"a"), ("sysbench", b"a"), ("jtl-csv", b",")])
def test_endless_text_fails_after_reading_little(fmt: str, byte: bytes) -> None:
    stream = Endless(byte)
    with pytest.raises(ParseError):
        parse(io.BufferedReader(stream), fmt)
    assert stream.read_bytes <= 4 << 20
