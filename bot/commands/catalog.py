"""Commands that list what exists: `help`, `labs`, `jobs [lab]`, `metrics JOB [filter]`."""

from __future__ import annotations

import logging

from bot.commands.base import Call, CommandSpec, Services
from bot.commands.names import resolve
from bot.commands.reply import CommandError, Reply
from bot.messages.catalog import (
    HelpLine,
    LabLine,
    command_help_reply,
    help_reply,
    jobs_reply,
    labs_reply,
    metrics_reply,
)

log = logging.getLogger(__name__)


def help_line(spec: CommandSpec, slash: str) -> HelpLine:
    usage = f"{slash} {spec.name} {spec.usage}".rstrip()
    examples = tuple(f"{slash} {example}" for example in spec.examples)
    return HelpLine(usage=usage, summary=spec.summary, examples=examples, admin=spec.admin)


def run_help(call: Call) -> Reply:
    services = call.services
    if len(call.args) > 1:
        raise CommandError("`help` takes at most one command name.")
    if call.args:
        name = resolve(call.args[0], services.commands, "command")
        return command_help_reply(help_line(services.commands[name], services.slash))
    lines = [help_line(spec, services.slash) for spec in services.commands.values()]
    return help_reply(lines, services.slash)


def run_labs(call: Call) -> Reply:
    if call.args:
        raise CommandError("`labs` takes no arguments.")
    repo, config = call.services.repo, call.services.config
    urls = {lab.name: lab.url for lab in config.labs}
    jobs = repo.jobs()
    states = repo.sync_states()
    lines = []
    for name in sorted(set(urls) | set(repo.labs())):
        lab_states = [s for s in states if s.lab == name]
        successes = [s.last_success for s in lab_states if s.last_success is not None]
        errors = [s for s in lab_states if s.last_error]
        lines.append(
            LabLine(
                name=name,
                url=urls.get(name, ""),
                jobs=sum(1 for j in jobs if j.lab == name),
                builds=sum(j.builds for j in jobs if j.lab == name),
                last_success=max(successes, default=None),
                last_error=errors[-1].last_error if errors else "",
            )
        )
    return labs_reply(lines)


def known_labs(services: Services) -> list[str]:
    """Labs in the config or in the database."""
    return sorted({lab.name for lab in services.config.labs} | set(services.repo.labs()))


def run_jobs(call: Call) -> Reply:
    if len(call.args) > 1:
        raise CommandError("`jobs` takes at most one lab name.")
    services = call.services
    lab = None
    if call.args:
        lab = resolve(
            call.args[0], known_labs(services), "lab", hint=f"see `{services.slash} labs`"
        )
    jobs = services.repo.jobs(lab)
    return jobs_reply(jobs, services.repo.sync_states(), lab)


def resolve_job(services: Services, typed: str) -> str:
    """The stored job (full path) a user means; the error lists the close ones."""
    jobs = {summary.job for summary in services.repo.jobs()}
    return resolve(typed, jobs, "job", hint=f"see `{services.slash} jobs`")


def run_metrics(call: Call) -> Reply:
    if not call.args or len(call.args) > 2:
        raise CommandError("`metrics` needs a job name, and takes one optional filter.")
    job = resolve_job(call.services, call.args[0])
    filter_text = call.args[1] if len(call.args) == 2 else ""
    series = [
        s for s in call.services.repo.metrics(job) if filter_text.lower() in s.key.metric.lower()
    ]
    return metrics_reply(job, series, filter_text)


COMMANDS = (
    CommandSpec(
        "help",
        "[COMMAND]",
        "list the commands, or explain one",
        run_help,
        examples=("help", "help trend"),
    ),
    CommandSpec(
        "labs", "", "the labs, their jobs and when they last synced", run_labs, examples=("labs",)
    ),
    CommandSpec(
        "jobs",
        "[LAB]",
        "the jobs (of one lab) with their builds",
        run_jobs,
        examples=("jobs", "jobs lab1"),
    ),
    CommandSpec(
        "metrics",
        "JOB [FILTER]",
        "the metrics of a job, their units and tags",
        run_metrics,
        examples=("metrics fio-nightly", "metrics fio-nightly iops"),
    ),
)
