"""Replies that list what exists: commands (help), labs, jobs and metrics."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.commands.reply import Reply
from bot.messages.blocks import (
    context,
    escape,
    fit,
    fmt_time,
    header,
    list_sections,
    natural_key,
    section,
)
from bot.wording import plural
from storage.records import JobSummary, Series, SyncState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HelpLine:
    usage: str  # "/perf trend JOB METRIC ..."
    summary: str
    examples: tuple[str, ...] = ()
    admin: bool = False


def help_reply(lines: Sequence[HelpLine], slash: str) -> Reply:
    """Every command with its usage, one line each."""
    rows = [
        f"`{escape(line.usage)}`  {escape(line.summary)}" + ("  _(admins)_" if line.admin else "")
        for line in lines
    ]
    blocks = [
        header("perfdash commands"),
        *list_sections(rows),
        context(
            escape(
                f"Names match by unique prefix, any case. `{slash} help COMMAND` shows examples."
            )
        ),
    ]
    return Reply(
        text="perfdash commands: " + "; ".join(line.usage for line in lines),
        blocks=fit(blocks),
        ephemeral=True,
    )


def command_help_reply(line: HelpLine) -> Reply:
    """One command: its usage, what it does, and examples."""
    blocks = [section(f"`{escape(line.usage)}`\n{escape(line.summary)}")]
    if line.examples:
        blocks.append(section("*Examples*\n" + "\n".join(f"`{escape(e)}`" for e in line.examples)))
    if line.admin:
        blocks.append(context("Only the users listed in `[slack] admins` may run it."))
    return Reply(text=f"{line.usage}: {line.summary}", blocks=tuple(blocks), ephemeral=True)


@dataclass(frozen=True, slots=True)
class LabLine:
    name: str
    url: str  # empty when the lab is stored but no longer configured
    jobs: int
    builds: int
    last_success: datetime | None
    last_error: str


def labs_reply(labs: Sequence[LabLine]) -> Reply:
    if not labs:
        text = "No labs yet: add a [[labs]] entry to the config and run a sync."
        return Reply(text=text, blocks=(section(escape(text)),), ephemeral=True)
    rows = [_lab_row(lab) for lab in labs]
    blocks = [header(f"Labs ({len(labs)})"), *list_sections(rows)]
    return Reply(
        text=f"Labs: {', '.join(lab.name for lab in labs)}", blocks=fit(blocks), ephemeral=True
    )


def _lab_row(lab: LabLine) -> str:
    where = f"<{lab.url}|Jenkins>" if lab.url else "_not in the config_"
    synced = f"synced {fmt_time(lab.last_success)}" if lab.last_success else "never synced"
    row = (
        f"*{escape(lab.name)}* ({where}): {plural(lab.jobs, 'job')}, "
        f"{plural(lab.builds, 'build')}, {synced}"
    )
    if lab.last_error:
        row += f"\n    :warning: last sync error: {escape(_short(lab.last_error))}"
    return row


def jobs_reply(jobs: Sequence[JobSummary], states: Sequence[SyncState], lab: str | None) -> Reply:
    where = f" in {lab}" if lab else ""
    if not jobs:
        text = f"No jobs{where} yet: list them as [[jobs]] in the config and run a sync."
        return Reply(text=text, blocks=(section(escape(text)),), ephemeral=True)
    errors = {(s.lab, s.job): s.last_error for s in states if s.last_error}
    rows = []
    for job in jobs:
        when = f" at {fmt_time(job.last_started)}" if job.last_started else ""
        last = f", last #{job.last_build}{when}" if job.last_build else ""
        row = f"`{escape(job.job)}` in *{escape(job.lab)}*: {plural(job.builds, 'build')}{last}"
        if (job.lab, job.job) in errors:
            row += f"\n    :warning: last sync error: {escape(_short(errors[job.lab, job.job]))}"
        rows.append(row)
    blocks = [header(f"Jobs{where} ({len(jobs)})"), *list_sections(rows)]
    names = sorted({job.job for job in jobs})
    return Reply(text=f"Jobs{where}: {', '.join(names)}", blocks=fit(blocks), ephemeral=True)


def metrics_reply(job: str, series: Sequence[Series], filter_text: str = "") -> Reply:
    """Each metric of a job once, with its unit, direction, labs and tag values."""
    matching = f" matching `{escape(filter_text)}`" if filter_text else ""
    if not series:
        text = f"`{escape(job)}` has no metrics{matching}."
        return Reply(text=text, blocks=(section(text),), ephemeral=True)
    grouped: dict[str, list[Series]] = defaultdict(list)
    for one in series:
        grouped[one.key.metric].append(one)
    rows = [_metric_row(metric, group) for metric, group in sorted(grouped.items())]
    blocks = [
        header(f"Metrics of {job} ({len(grouped)})"),
        *list_sections(rows),
        context(
            escape(
                "Narrow a trend with key=value, e.g. blocksize=4k; "
                "better is marked ↑ (higher) or ↓ (lower)."
            )
        ),
    ]
    return Reply(
        text=f"Metrics of {escape(job)}{matching}: {escape(', '.join(sorted(grouped)))}",
        blocks=fit(blocks),
        ephemeral=True,
    )


def _metric_row(metric: str, group: Sequence[Series]) -> str:
    first = group[0]
    arrow = "↑" if first.direction.value == "higher" else "↓"
    unit = f" {escape(first.unit)}" if first.unit else ""
    labs = sorted({s.key.lab for s in group})
    tags: dict[str, set[str]] = defaultdict(set)
    for one in group:
        for key, value in one.key.tags.items():
            tags[key].add(value)
    tag_text = "; ".join(
        f"{k}={','.join(sorted(v, key=natural_key))}" for k, v in sorted(tags.items())
    )
    row = f"`{escape(metric)}`{unit} {arrow}  {len(group)} series in {', '.join(labs)}"
    return row + (f"\n    {escape(_short(tag_text, 300))}" if tag_text else "")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
