"""Block Kit primitives and the limits Slack puts on them.

Slack refuses a message with more than 50 blocks, a section text over 3,000 characters or a
header over 150, so long lists are cut here with an "and N more" line instead of failing at post.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_LIST_LINES = 40  # more than this and a list is not read in chat anyway


def escape(text: str) -> str:
    """Text that Slack mrkdwn shows literally (`&`, `<`, `>` are control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> Block:
    cut = text if len(text) <= MAX_HEADER_CHARS else text[: MAX_HEADER_CHARS - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": cut, "emoji": True}}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(mrkdwn)}}


def context(*mrkdwn: str) -> Block:
    elements = [{"type": "mrkdwn", "text": _cut(t)} for t in mrkdwn[:MAX_CONTEXT_ELEMENTS]]
    return {"type": "context", "elements": elements}


def divider() -> Block:
    return {"type": "divider"}


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SECTION_CHARS else text[: MAX_SECTION_CHARS - 1] + "…"


def list_sections(lines: Sequence[str], *, limit: int = MAX_LIST_LINES) -> list[Block]:
    """Lines packed into as few sections as fit; past `limit` lines an "and N more" line."""
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"_… and {len(lines) - limit} more_")
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in shown:
        line = _cut(line)
        if chunk and size + len(line) + 1 > MAX_SECTION_CHARS:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def fit(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """At most MAX_BLOCKS blocks; the last one says that the rest was left out."""
    if len(blocks) <= MAX_BLOCKS:
        return tuple(blocks)
    kept = list(blocks[: MAX_BLOCKS - 1])
    kept.append(context(f"_{len(blocks) - len(kept)} more blocks left out_"))
    return tuple(kept)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts `threads=2` before `threads=16` (digit runs compare as numbers)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def fmt_value(value: float, unit: str = "") -> str:
    """A measured value as people read it: 12,345 IOPS, 3.21 ms, 0.0123 s."""
    size = abs(value)
    if size >= 100:
        text = f"{value:,.0f}"
    elif size >= 1:
        text = f"{value:,.2f}"
    elif size == 0:
        text = "0"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}" if unit else text


def fmt_pct(pct: float) -> str:
    return f"{pct:+.1f}%"


def fmt_time(moment: datetime | None) -> str:
    return (
        "unknown time" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )


def fmt_duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
