"""The shared reading helpers: line splitting as the csv module sees lines, units."""

from __future__ import annotations

import io

import pytest

from sync.parsers import ParseError, parse
from sync.parsers.base import LINE_LIMIT, TEXT_CHUNK, text_lines
from sync.parsers.units import bytes_from, canonical, convert_time


def lines_of(data: bytes) -> list[str]:
    return list(text_lines(io.BytesIO(data)))


def test_line_ends_are_kept_and_a_crlf_split_by_a_chunk_stays_one_line() -> None:
    first = b"x" * (TEXT_CHUNK - 1) + b"\r"  # the chunk ends between \r and \n
    assert lines_of(first + b"\nb\r\nc") == [first.decode() + "\n", "b\r\n", "c"]


@pytest.mark.parametrize("char", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028"])
def test_only_cr_and_lf_break_lines(char: str) -> None:
    data = f"a{char}b\nc\n".encode()
    assert lines_of(data) == [f"a{char}b\n", "c\n"]


def test_bom_is_skipped() -> None:
    assert lines_of(b"\xef\xbb\xbfmetric,value\n") == ["metric,value\n"]


def test_a_line_longer_than_the_limit() -> None:
    with pytest.raises(ParseError) as info:
        lines_of(b"ok\n" + b"x" * (LINE_LIMIT + TEXT_CHUNK))
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [(2, "us", "ns", 2000), (78.27, "s", "ms", 78270), (83.33, "m", "s", 4999.8),
     (1352, "usec", "ms", 1.352), (1, "h", "s", 3600)],
)  # fmt: skip
def test_convert_time(value: float, unit: str, to: str, expected: float) -> None:
    assert convert_time(value, unit, to) == pytest.approx(expected)


def test_canonical_units_and_bytes() -> None:
    assert canonical(5, "usec") == (5, "us")
    assert canonical(2, "min") == (120, "s")
    assert canonical(3, "iops") == (3, "IOPS")
    assert canonical(1, "NA") == (1, "")
    assert bytes_from("9.06MB") == pytest.approx(9.06 * 2**20)
    assert bytes_from("843.38KB") == pytest.approx(843.38 * 1024)


def test_broken_json_names_its_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        parse(b'{"fio version": "fio-3.29",\n  "jobs": [{"jobname": "x', "fio")
    assert str(info.value) == "line 2: is not valid JSON: Unterminated string starting at column 24"
