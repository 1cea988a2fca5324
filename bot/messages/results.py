"""Replies about results: the latest build of a job, and the stored regressions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.commands.reply import Reply
from bot.messages.blocks import (
    Block,
    context,
    divider,
    escape,
    fit,
    fmt_duration,
    fmt_pct,
    fmt_time,
    fmt_value,
    header,
    list_sections,
    section,
)
from bot.wording import plural
from storage.records import Build, Direction, Finding, Point, Result, Series

log = logging.getLogger(__name__)

NOTABLE_PCT = 5.0  # a change smaller than this is not called better or worse
RESULT_ICONS = {
    Result.SUCCESS: ":white_check_mark:",
    Result.UNSTABLE: ":warning:",
    Result.FAILURE: ":x:",
    Result.ABORTED: ":heavy_minus_sign:",
    Result.NOT_BUILT: ":heavy_minus_sign:",
    Result.RUNNING: ":hourglass_flowing_sand:",
}


def change_pct(before: float, after: float) -> float | None:
    return None if before == 0 else (after - before) / abs(before) * 100.0


def verdict(pct: float | None, direction: Direction) -> str:
    """`worse` or `better` for a notable change, else empty."""
    if pct is None or abs(pct) < NOTABLE_PCT:
        return ""
    improved = (pct > 0) == (direction is Direction.HIGHER)
    return "better" if improved else "worse"


def series_label(series: Series, *, with_lab: bool = False) -> str:
    """`read:iops blocksize=4k` (and ` @lab1`): one line of a chart, in words."""
    tags = " ".join(f"{k}={series.key.tags[k]}" for k in sorted(series.key.tags))
    label = f"{series.key.metric} {tags}".strip()
    return f"{label} @{series.key.lab}" if with_lab else label


@dataclass(frozen=True, slots=True)
class LatestRow:
    series: Series
    point: Point
    previous: Point | None  # the same series in the build before, when it has one


@dataclass(frozen=True, slots=True)
class LatestBuild:
    build: Build
    previous_build: int | None
    rows: tuple[LatestRow, ...]


def latest_reply(job: str, builds: Sequence[LatestBuild]) -> Reply:
    """One section per lab: the newest build, then each metric against the build before."""
    blocks: list[Block] = [header(f"Latest {job}")]
    summaries = []
    for i, latest in enumerate(builds):
        if i:
            blocks.append(divider())
        blocks.append(section(_build_line(latest.build)))
        blocks.extend(list_sections([_latest_row(row) for row in latest.rows], limit=25))
        if latest.previous_build is not None:
            blocks.append(
                context(
                    f"Changes are against #{latest.previous_build}; "
                    f"better or worse from {NOTABLE_PCT:.0f}%."
                )
            )
        summaries.append(
            f"{latest.build.lab} #{latest.build.number} {latest.build.result.value.lower()}"
        )
    return Reply(text=f"Latest {job}: " + ", ".join(summaries), blocks=fit(blocks))


def _build_line(build: Build) -> str:
    number = f"<{build.url}|#{build.number}>" if build.url else f"#{build.number}"
    parts = [
        f"{RESULT_ICONS[build.result]} *{escape(build.lab)}* {number} {build.result.value.lower()}",
        f"started {fmt_time(build.started)}",
    ]
    if build.duration_s:
        parts.append(f"took {fmt_duration(build.duration_s)}")
    if build.commits:
        parts.append(plural(len(build.commits), "commit"))
    line = ", ".join(parts)
    if build.cause:
        line += f"\n_{escape(build.cause)}_"
    return line


def _latest_row(row: LatestRow) -> str:
    value = fmt_value(row.point.value, row.series.unit)
    line = f"`{escape(series_label(row.series))}`  {escape(value)}"
    if row.previous is None:
        return line + "  _new_"
    pct = change_pct(row.previous.value, row.point.value)
    if pct is None:
        return line
    judged = verdict(pct, row.series.direction)
    return line + f"  ({fmt_pct(pct)}{', ' + judged if judged else ''})"


def regressions_reply(
    findings: Sequence[Finding], *, scope: str, job: str | None, limit: int
) -> Reply:
    """The stored regressions, newest first, one line each with its id for `ack`."""
    where = f" in {job}" if job else ""
    title = f"{'Open regressions' if scope == 'open' else 'Regressions'}{where}"
    if not findings:
        text = f"No {title[0].lower()}{title[1:]}."
        return Reply(text=text, blocks=(section(f":tada: {escape(text)}"),))
    rows = [_finding_row(f) for f in findings]
    blocks: list[Block] = [header(f"{title} ({len(findings)})"), *list_sections(rows)]
    if len(findings) >= limit:
        blocks.append(context(f"Showing the newest {limit}."))
    return Reply(text=f"{title}: {len(findings)}", blocks=fit(blocks))


def _finding_row(finding: Finding) -> str:
    series = finding.series
    before = fmt_value(finding.value_before, series.unit)
    after = fmt_value(finding.value_after, series.unit)
    state = "" if finding.state.value == "open" else f"  _{finding.state.value}_"
    return (
        f"*#{finding.id}* `{escape(series.key.job)}` `{escape(series_label(series))}` "
        f"in {escape(series.key.lab)}: {escape(before)} → {escape(after)} "
        f"({fmt_pct(finding.change_pct)}) between #{finding.build_before} and "
        f"#{finding.build_after}, found {fmt_time(finding.created)}{state}"
    )
