"""Compare a Reply with its saved expected JSON; PERFDASH_REGEN=1 rewrites the files instead."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bot.commands.reply import Reply

EXPECTED = Path(__file__).resolve().parent / "expected"


def reply_json(reply: Reply) -> dict[str, Any]:
    """Everything a Reply holds, with each image as its name, title and PNG signature check."""
    return {
        "text": reply.text,
        "ephemeral": reply.ephemeral,
        "outcome": reply.outcome.value,
        "blocks": list(reply.blocks),
        "images": [
            {"filename": i.filename, "title": i.title, "png": i.png.startswith(b"\x89PNG\r\n")}
            for i in reply.images
        ],
    }


def assert_matches_expected(name: str, reply: Reply) -> None:
    path = EXPECTED / f"{name}.json"
    actual = reply_json(reply)
    if os.environ.get("PERFDASH_REGEN") == "1":
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run once with PERFDASH_REGEN=1 and review it"
    assert actual == json.loads(path.read_text(encoding="utf-8"))
