"""Block Kit primitives: Slack's limits are kept, values read as people write them."""

from __future__ import annotations

import pytest

from bot.messages.blocks import (
    MAX_BLOCKS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    context,
    escape,
    fit,
    fmt_duration,
    fmt_value,
    header,
    list_sections,
    natural_key,
    section,
)
from bot.messages.charts import filename
from bot.messages.plaintext import blocks_text, mrkdwn_text
from bot.messages.results import verdict
from storage.records import Direction


def test_escape_keeps_slack_control_characters_literal():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_long_texts_are_cut_to_slacks_limits():
    assert len(header("x" * 500)["text"]["text"]) == MAX_HEADER_CHARS
    assert len(section("y" * 5000)["text"]["text"]) == MAX_SECTION_CHARS


def test_list_sections_pack_lines_and_say_what_was_left_out():
    lines = [f"line {i:03d} " + "z" * 190 for i in range(45)]
    blocks = list_sections(lines)
    texts = [b["text"]["text"] for b in blocks]
    assert all(len(t) <= MAX_SECTION_CHARS for t in texts)
    joined = "\n".join(texts).splitlines()
    assert len(joined) == 41
    assert joined[-1] == "_… and 5 more_"
    assert len(blocks) == 3


def test_fit_keeps_at_most_fifty_blocks():
    blocks = [section(str(i)) for i in range(70)]
    kept = fit(blocks)
    assert len(kept) == MAX_BLOCKS
    assert kept[-1] == context("_21 more blocks left out_")
    assert fit(blocks[:3]) == tuple(blocks[:3])


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12345.678, "IOPS", "12,346 IOPS"),
        (3.21, "ms", "3.21 ms"),
        (0.012345, "s", "0.0123 s"),
        (0.0, "", "0"),
        (-250.0, "%", "-250 %"),
    ],
)
def test_fmt_value(value, unit, text):
    assert fmt_value(value, unit) == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(5, "5 s"), (1830, "30 min 30 s"), (7260, "2 h 01 min")]
)
def test_fmt_duration(seconds, text):
    assert fmt_duration(seconds) == text


def test_natural_key_orders_numbers_by_value():
    assert sorted(["16", "2", "1", "4k", "64k"], key=natural_key) == ["1", "2", "4k", "16", "64k"]


@pytest.mark.parametrize(
    ("pct", "direction", "word"),
    [
        (10.0, Direction.HIGHER, "better"),
        (-10.0, Direction.HIGHER, "worse"),
        (10.0, Direction.LOWER, "worse"),
        (-10.0, Direction.LOWER, "better"),
        (4.9, Direction.LOWER, ""),
        (None, Direction.LOWER, ""),
    ],
)
def test_verdict(pct, direction, word):
    assert verdict(pct, direction) == word


def test_filenames_hold_only_safe_characters():
    assert filename("trend", "perf/fio nightly", "../../etc/passwd") == (
        "trend-perf-fio-nightly-etc-passwd.png"
    )
    assert filename("", "///") == "chart.png"


def test_plain_text_drops_markup_but_keeps_names():
    text = mrkdwn_text(":warning: *lab1* <https://j.example/1/|#1> _timer_ `a_b*c` &lt;x&gt;")
    assert text == "(!) lab1 #1 (https://j.example/1/) timer `a_b*c` <x>"


def test_plain_text_of_blocks():
    blocks = [
        header("Title"),
        section("one\ntwo"),
        {"type": "divider"},
        context("note"),
        {"type": "image", "image_url": "x"},
    ]
    assert blocks_text(blocks) == "Title\n=====\none\ntwo\n" + "-" * 40 + "\n  note"
