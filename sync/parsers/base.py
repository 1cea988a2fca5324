"""The one small interface every report format implements, and the helpers they share.

A format is a `Format` value: a name, a one-line description, `sniff(head)` (does the first part of
a file look like this format?) and `parse(stream)` (a generator of `Sample` values, reading the
binary stream as it goes). `Format.parse` turns every failure of the reader into a `ParseError`, so
callers only ever handle one exception type.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from storage.records import Direction, Sample
from sync.parsers.units import direction_for

log = logging.getLogger(__name__)

JSON_LIMIT = 256 * 1024 * 1024  # a whole-document JSON report larger than this is refused


class ParseError(Exception):
    """A report that cannot be read; the message is one sentence, `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


# What a reader may raise on malformed input; `Format.parse` turns these into ParseError.
READER_ERRORS: tuple[type[Exception], ...] = (
    ValueError,  # includes json.JSONDecodeError and UnicodeDecodeError
    KeyError,
    LookupError,  # an XML declaration naming an unknown encoding
    IndexError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
    csv.Error,
    ET.ParseError,
)

Reader = Callable[[BinaryIO], Iterator[Sample]]


@dataclass(frozen=True, slots=True)
class Format:
    """A report format: detection by content and a streaming reader."""

    name: str
    description: str
    sniffer: Callable[[bytes], bool]
    reader: Reader
    extensions: tuple[str, ...] = ()  # file-name hints, used only to break ties

    def sniff(self, head: bytes) -> bool:
        """True when the first bytes of a file look like this format (never raises)."""
        try:
            return bool(self.sniffer(head))
        except READER_ERRORS:
            return False

    def parse(self, stream: BinaryIO) -> Iterator[Sample]:
        """The samples of a report, read as the stream goes; raises only ParseError."""
        try:
            yield from self.reader(stream)
        except ParseError:
            raise
        except UnicodeDecodeError as exc:
            raise ParseError(f"is not UTF-8 text (byte {exc.start} of a chunk)") from exc
        except csv.Error as exc:
            raise ParseError(f"is not valid CSV ({exc})") from exc
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            reason = re.sub(r": line \d+, column \d+$", "", str(exc))
            raise ParseError(f"is not well-formed XML: {reason}", line) from exc
        except json.JSONDecodeError as exc:
            # exc.msg may end in "starting at" and leaves the place to str(exc); say it plainly.
            reason = f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
            raise ParseError(f"is not valid JSON: {reason}", exc.lineno) from exc
        except READER_ERRORS as exc:
            kind = type(exc).__name__
            raise ParseError(f"is not a valid {self.name} report ({kind}: {exc})") from exc


# ---- reading helpers -----------------------------------------------------------------------


LINE_LIMIT = 1 << 20  # characters; a longer line is an error, not a reason to read on
TEXT_CHUNK = 1 << 18
# Characters str.splitlines() breaks at but the csv module and file iteration do not.
ASCII_BREAKS = "\v\f\x1c\x1d\x1e"
OTHER_BREAKS = "\x85\u2028\u2029"


def other_breaks(block: str) -> bool:
    """Does `block` hold a line break only str.splitlines() knows? (substring scans are far
    faster than a regular expression here)"""
    if any(char in block for char in ASCII_BREAKS):
        return True
    return not block.isascii() and any(char in block for char in OTHER_BREAKS)


def text_lines(stream: BinaryIO) -> Iterator[str]:
    """The stream's lines as UTF-8 text (BOM skipped, line ends kept for the csv module).

    Read in chunks and split in C (much faster than a readline per line). A line longer than
    LINE_LIMIT is a ParseError: a huge file without line breaks is never held in memory whole."""
    reader = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    carry, number = "", 0
    while chunk := reader.read(TEXT_CHUNK):
        block = carry + chunk
        if other_breaks(block):
            parts = [part + "\n" for part in block.split("\n")]
            parts[-1] = parts[-1][:-1]
        else:
            parts = block.splitlines(keepends=True)
        carry = parts.pop() if parts and not parts[-1].endswith("\n") else ""
        if len(carry) > LINE_LIMIT:
            raise ParseError(
                f"has a line longer than {LINE_LIMIT // 1024} KiB", number + len(parts) + 1
            )
        number += len(parts)
        yield from parts
    if carry:
        yield carry


def give_up_after(
    lines: Iterator[str], limit: int, what: str, found: Callable[[], bool]
) -> Iterator[str]:
    """The lines, until `limit` characters have passed without `found()` turning true: a huge
    file of something else fails in well under a second instead of being read to its end."""
    seen = 0
    for line in lines:
        if seen <= limit:
            seen += len(line)
            if seen > limit and not found():
                raise ParseError(f"has no {what} in its first {limit // 1024} KiB")
        yield line


RECORD_LIMIT = 1 << 20  # a quoted CSV field longer than this is an error, not a reason to read on


def split_csv(line: str, lines: Iterator[str], number: int) -> tuple[list[str], int]:
    """One CSV record starting with `line` (the caller splits quote-free lines itself, which is
    much faster than the csv module): its cells, and how many more lines it took."""
    parts = join_quoted(line, lines, number)
    return next(csv.reader(["".join(parts)])), len(parts) - 1


def join_quoted(line: str, lines: Iterator[str], number: int) -> list[str]:
    """`line` and the lines after it until the quotes balance (a quoted field may span lines);
    `number` is the record's first line, for the error when a quote never closes."""
    parts, quotes, size = [line], line.count('"'), len(line)
    while quotes % 2:
        more = next(lines, None)
        if more is None or size > RECORD_LIMIT:
            raise ParseError("has a quoted field that never ends", number)
        parts.append(more)
        quotes += more.count('"')
        size += len(more)
    return parts


def head_text(head: bytes) -> str:
    """The first bytes as text for sniffing; a multi-byte character cut at the end is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    return decoder.decode(head, final=False)


def read_json_bytes(stream: BinaryIO, skip_to_brace: bool = False) -> bytes:
    """The bytes of a whole JSON document, from its first `{` or `[` (or, with `skip_to_brace`,
    its first `{` within the first 64 KiB, after any text a tool printed before it). A file that
    does not start like JSON fails before the rest is read; one over JSON_LIMIT is refused."""
    head = stream.read(1 << 16).removeprefix(b"\xef\xbb\xbf")
    if not head.strip():
        raise ParseError("is empty")
    start = head.find(b"{") if skip_to_brace else len(head) - len(head.lstrip())
    if start < 0 or head[start : start + 1] not in (b"{", b"["):
        raise ParseError("is not a JSON document", 1)
    data = head[start:] + stream.read(JSON_LIMIT + 1 - len(head))
    if len(data) > JSON_LIMIT:
        raise ParseError(f"is larger than {JSON_LIMIT // 2**20} MiB, too big for a JSON report")
    return data


def load_json(stream: BinaryIO) -> Any:
    """A whole JSON document (reports of this kind are small)."""
    return json.loads(read_json_bytes(stream).decode("utf-8-sig"))


def json_head(head: bytes) -> str:
    """The head as text without leading whitespace, for JSON sniffers ('' when not text)."""
    try:
        return head_text(head).lstrip()
    except UnicodeDecodeError:
        return ""


def number(value: Any, what: str = "value", line: int | None = None) -> float:
    """A finite float from a JSON number or a numeric string, else a ParseError naming `what`."""
    if isinstance(value, bool) or value is None:
        raise ParseError(f"{what} is {value!r}, not a number", line)
    try:
        result = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ParseError(f"{what} is {str(value)[:40]!r}, not a number", line) from None
    if not math.isfinite(result):
        raise ParseError(f"{what} is {value!r}, not a finite number", line)
    return result


def mapping(value: Any, what: str) -> dict[str, Any]:
    """`value` when it is a JSON object, else a ParseError naming `what`."""
    if not isinstance(value, dict):
        raise ParseError(f"{what} is not a JSON object")
    return value


def items(value: Any, what: str) -> list[Any]:
    """`value` when it is a JSON array, else a ParseError naming `what`."""
    if not isinstance(value, list):
        raise ParseError(f"{what} is not a JSON array")
    return value


def sample(
    metric: str,
    value: float,
    unit: str = "",
    tags: dict[str, str] | None = None,
    direction: Direction | None = None,
) -> Sample:
    """A Sample whose direction is inferred from its metric and unit unless given."""
    return Sample(
        metric=metric,
        value=value,
        unit=unit,
        direction=direction or direction_for(metric, unit),
        tags=tags or {},
    )


def xml_events(stream: BinaryIO, chunk: int = 1 << 16) -> Iterator[tuple[str, ET.Element]]:
    """start/end events of an XML document, read in chunks (the caller clears what it is done
    with, so memory stays bounded)."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    while data := stream.read(chunk):
        parser.feed(data)
        yield from parser.read_events()  # type: ignore[misc]
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]
