"""Report parsers: bytes of a result file in, `Sample` values out (pure; no I/O but the stream).

`FORMATS` maps a format name to its `Format` (`.name`, `.description`, `.sniff(head)`,
`.parse(stream)`); `detect_format` picks one by content; `parse` reads a whole report into a list.
Every failure is a `ParseError` with a one-sentence message (and a line number when known).
"""

from __future__ import annotations

import io
import logging
import os
from typing import BinaryIO

from storage.records import Sample
from sync.parsers.base import Format, ParseError
from sync.parsers.registry import ORDER

log = logging.getLogger(__name__)

Parser = Format
FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in ORDER}
HEAD_BYTES = 64 * 1024

__all__ = ["FORMATS", "HEAD_BYTES", "ParseError", "Parser", "detect_format", "parse", "peek"]


def detect_format(head: bytes, name: str = "") -> str:
    """The name of the format the first bytes of a file look like; `name` only breaks ties."""
    if not head.strip():
        raise ParseError("is empty")
    if b"\x00" in head:
        raise ParseError("is binary, not a text report")
    matches = [fmt for fmt in ORDER if fmt.sniff(head)]
    if not matches:
        raise ParseError("is not in any known report format (see `perfdash formats`)")
    suffix = os.path.splitext(name)[1].lower()
    hinted = [fmt for fmt in matches if suffix and suffix in fmt.extensions]
    return (hinted or matches)[0].name


def parse(data: bytes | BinaryIO, fmt: str = "auto", *, name: str = "") -> list[Sample]:
    """Every sample of one report; `fmt` is a name from FORMATS or "auto" (detect by content).

    Raises ParseError when the report is unreadable or holds no samples.
    """
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    if fmt == "auto":
        head, stream = peek(stream)
        fmt = detect_format(head, name)
        log.debug("%s: detected format %s", name or "report", fmt)
    if fmt not in FORMATS:
        raise ParseError(f"format {fmt!r} is unknown (see `perfdash formats`)")
    samples = list(FORMATS[fmt].parse(stream))
    if not samples:
        raise ParseError(f"holds no results in the {fmt} format")
    return samples


def peek(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first HEAD_BYTES of a stream, and a stream that still starts at the beginning."""
    if stream.seekable():
        start = stream.tell()
        head = stream.read(HEAD_BYTES)
        stream.seek(start)
        return head, stream
    head = stream.read(HEAD_BYTES)
    return head, io.BufferedReader(_Replay(head, stream))


class _Replay(io.RawIOBase):
    """A non-seekable stream with its already-read head put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)
