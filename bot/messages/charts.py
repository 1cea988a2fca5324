"""Replies that carry a chart: a trend, or a comparison of two builds or two labs.

The blocks say in words what the PNG shows (latest values, ranges, the biggest changes), so the
reply reads well in a notification, on a phone, and for screen readers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.chartdata import split_keys
from bot.commands.reply import Image, Reply
from bot.messages.blocks import (
    Block,
    context,
    escape,
    fit,
    fmt_pct,
    fmt_time,
    fmt_value,
    header,
    list_sections,
)
from bot.messages.results import change_pct, verdict
from bot.wording import plural
from charts import CompareRow, CompareSpec, TrendSpec
from storage.records import Direction, Finding, FindingState, Result, SeriesData

log = logging.getLogger(__name__)

NOT_PASSED = frozenset({Result.FAILURE, Result.UNSTABLE, Result.ABORTED, Result.NOT_BUILT})
COMPARE_ROWS = 15  # the biggest changes are listed; the chart shows every row
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def filename(*parts: str) -> str:
    """A safe file name from names: letters, digits, `.`, `_` and `-` only."""
    stem = "-".join(_UNSAFE.sub("-", part).strip("-._") for part in parts if part)
    return f"{stem[:120] or 'chart'}.png"


def chart_title(spec: TrendSpec | CompareSpec) -> str:
    return f"{spec.title} ({spec.subtitle})" if spec.subtitle else spec.title


def trend_reply(
    spec: TrendSpec,
    series: Sequence[SeriesData],
    findings: Sequence[Finding],
    png: bytes,
    *,
    job: str,
    metric: str,
) -> Reply:
    """The trend chart, and per line its latest value, its range and the findings on it."""
    shown = [data for data in series if data.points]
    _shared, labels = split_keys([data.series.key for data in shown])
    rows = [_trend_row(data, label) for data, label in zip(shown, labels, strict=True)]
    ids = {data.series.id for data in shown}
    marked = [f for f in findings if f.series.id in ids and _in_window(f, shown)]
    rows += [_finding_row(f) for f in marked]
    blocks: list[Block] = [header(chart_title(spec)), *list_sections(rows)]
    blocks.append(context(_trend_note(shown)))
    image = Image(filename=filename("trend", job, metric), title=chart_title(spec), png=png)
    return Reply(text=f"Trend: {chart_title(spec)}", blocks=fit(blocks), images=(image,))


def _trend_note(shown: Sequence[SeriesData]) -> str:
    points = [p for data in shown for p in data.points]
    failed = sum(1 for p in points if p.result in NOT_PASSED)
    lines = f"{len(points)} points on {plural(len(shown), 'line')}"
    marked = f", {failed} of them from failed or unstable builds (marked)" if failed else ""
    return f"{lines}{marked}"  # no "the chart is attached": false when it could not be posted


def _trend_row(data: SeriesData, label: str) -> str:
    unit = data.series.unit
    points = data.points
    last = points[-1]
    values = [p.value for p in points]
    row = (
        f"*{escape(label)}*  {escape(fmt_value(last.value, unit))} at #{last.build} "
        f"({fmt_time(last.started)})"
    )
    if len(points) > 1:
        pct = change_pct(points[0].value, last.value)
        judged = verdict(pct, data.series.direction)
        since = f"{fmt_pct(pct)} since #{points[0].build}" if pct is not None else ""
        row += (
            f"\n    range {escape(fmt_value(min(values), unit))} – "
            f"{escape(fmt_value(max(values), unit))}"
            + (f", {since}" if since else "")
            + (f" ({judged})" if judged else "")
        )
    return row


def _in_window(finding: Finding, shown: Sequence[SeriesData]) -> bool:
    for data in shown:
        if data.series.id == finding.series.id:
            return data.points[0].build <= finding.build_after <= data.points[-1].build
    return False


def _finding_row(finding: Finding) -> str:
    state = "" if finding.state is FindingState.OPEN else f", {finding.state.value}"
    return (
        f":rotating_light: {finding.kind.value} *#{finding.id}* "
        f"{fmt_pct(finding.change_pct)} at #{finding.build_after} "
        f"({escape(finding.series.key.lab)}{state})"
    )


def compare_reply(spec: CompareSpec, png: bytes, *, name: str) -> Reply:
    """The comparison chart, and in words the rows that changed most (right against left)."""
    changes = sorted(spec.rows, key=_size_of_change, reverse=True)
    rows = [_compare_row(row, spec) for row in changes[:COMPARE_ROWS]]
    if len(changes) > COMPARE_ROWS:
        rows.append(f"_… and {len(changes) - COMPARE_ROWS} smaller changes on the chart_")
    blocks: list[Block] = [header(chart_title(spec)), *list_sections(rows)]
    blocks.append(
        context(
            f"{escape(spec.right_label)} against {escape(spec.left_label)}, biggest changes first"
        )
    )
    image = Image(filename=filename("compare", name), title=chart_title(spec), png=png)
    return Reply(text=f"Compare: {chart_title(spec)}", blocks=fit(blocks), images=(image,))


def _size_of_change(row: CompareRow) -> float:
    if row.left is None or row.right is None:
        return float("inf")
    pct = change_pct(row.left, row.right)
    return abs(pct) if pct is not None else 0.0


def _compare_row(row: CompareRow, spec: CompareSpec) -> str:
    left = "–" if row.left is None else fmt_value(row.left, row.unit)
    right = "–" if row.right is None else fmt_value(row.right, row.unit)
    line = f"`{escape(row.label)}`  {escape(left)} → {escape(right)}"
    if row.left is None or row.right is None:
        missing = spec.left_label if row.left is None else spec.right_label
        return line + f"  _(not in {escape(missing)})_"
    pct = change_pct(row.left, row.right)
    if pct is None:
        return line
    judged = verdict(pct, Direction(row.direction))
    return line + f"  ({fmt_pct(pct)}{', ' + judged if judged else ''})"
