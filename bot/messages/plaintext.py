"""Block Kit as readable terminal text, for `perfdash ask`: the same reply a user would see."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.commands.reply import Reply

log = logging.getLogger(__name__)

_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
EMOJI_TEXT = {
    "warning": "(!)",
    "boom": "(x)",
    "hourglass": "(wait)",
    "white_check_mark": "[ok]",
    "x": "[failed]",
    "heavy_minus_sign": "[-]",
    "hourglass_flowing_sand": "[running]",
    "tada": "",
    "rotating_light": "[alert]",
}


def mrkdwn_text(text: str) -> str:
    """Slack mrkdwn as plain text: links as `label (url)`, emoji as words, no bold or italics."""
    text = _LINK.sub(lambda m: f"{m[2]} ({m[1]})", text)
    text = _EMOJI.sub(lambda m: EMOJI_TEXT.get(m[1], m[0]), text)
    text = _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))
    return html.unescape(text).replace("  ", " ").strip()


def _header(block: dict[str, Any]) -> list[str]:
    title = str(block["text"]["text"])
    return [title, "=" * len(title)]


def _section(block: dict[str, Any]) -> list[str]:
    lines = [mrkdwn_text(str(block["text"]["text"]))] if "text" in block else []
    lines.extend(mrkdwn_text(str(f["text"])) for f in block.get("fields", ()))
    return lines


def _context(block: dict[str, Any]) -> list[str]:
    return ["  " + " ".join(mrkdwn_text(str(e.get("text", ""))) for e in block["elements"])]


def _divider(block: dict[str, Any]) -> list[str]:
    return ["-" * 40]


RENDERERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "divider": _divider,
}


def blocks_text(blocks: Sequence[dict[str, Any]]) -> str:
    out: list[str] = []
    for block in blocks:
        render = RENDERERS.get(str(block.get("type")))
        if render is None:
            log.debug("no text form for block type %r", block.get("type"))
            continue
        out.extend(render(block))
    return "\n".join(out)


def reply_text(reply: Reply) -> str:
    """The reply as a terminal shows it: who sees it, the blocks, then the images."""
    lines = ["(only you see this)"] if reply.ephemeral else []
    lines.append(blocks_text(reply.blocks) if reply.blocks else reply.text)
    lines.extend(f"[image: {image.title} ({image.filename})]" for image in reply.images)
    return "\n".join(lines)
