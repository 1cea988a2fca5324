"""Commands about results: `latest JOB [lab=a,b]` and `regressions [open|all] [JOB]`."""

from __future__ import annotations

import logging

from bot.commands.base import Call, CommandSpec, Services
from bot.commands.catalog import known_labs, resolve_job
from bot.commands.names import resolve, split_options
from bot.commands.reply import CommandError, Reply
from bot.messages.results import LatestBuild, LatestRow, latest_reply, regressions_reply
from storage.records import FindingKind, FindingState, Result

log = logging.getLogger(__name__)

REGRESSIONS_LIMIT = 20
SCOPES = {"open": (FindingState.OPEN,), "all": ()}
RECENT_BUILDS = 10  # how far back `latest` looks for a finished build with results


def resolve_labs(services: Services, value: str | None, job: str) -> tuple[str, ...]:
    """The labs of `lab=a,b` among those that hold the job; all of them when not given."""
    holding = sorted({s.lab for s in services.repo.jobs() if s.job == job})
    if value is None:
        return tuple(holding)
    labs = []
    for typed in value.split(","):
        if not typed:
            raise CommandError(
                "`lab=` must list lab names separated by commas, e.g. lab=lab1,lab2."
            )
        lab = resolve(typed, known_labs(services), "lab", hint=f"see `{services.slash} labs`")
        if lab not in holding:
            raise CommandError(
                f"Lab `{lab}` has no builds of `{job}`; it is in {', '.join(holding)}."
            )
        labs.append(lab)
    return tuple(dict.fromkeys(labs))


def run_latest(call: Call) -> Reply:
    parsed = split_options(call.args)
    if len(parsed.words) != 1 or set(parsed.options) - {"lab"}:
        raise CommandError("`latest` needs one job name, and takes only lab=.")
    job = resolve_job(call.services, parsed.words[0])
    labs = resolve_labs(call.services, parsed.options.get("lab"), job)
    builds = [found for lab in labs if (found := _latest(call.services, lab, job)) is not None]
    if not builds:
        raise CommandError(f"`{job}` has no finished build with results yet.")
    return latest_reply(job, builds)


def _latest(services: Services, lab: str, job: str) -> LatestBuild | None:
    repo = services.repo
    finished = [b for b in repo.builds(lab, job, limit=RECENT_BUILDS) if b.result != Result.RUNNING]
    for i, build in enumerate(finished):
        points = repo.build_points(lab, job, build.number)
        if not points:
            continue
        previous = next(
            (b.number for b in finished[i + 1 :] if repo.build_points(lab, job, b.number)), None
        )
        before = (
            {}
            if previous is None
            else {series.id: point for series, point in repo.build_points(lab, job, previous)}
        )
        rows = tuple(LatestRow(series=s, point=p, previous=before.get(s.id)) for s, p in points)
        return LatestBuild(build=build, previous_build=previous, rows=rows)
    return None


def run_regressions(call: Call) -> Reply:
    words = list(call.args)
    if len(words) > 2:
        raise CommandError("`regressions` takes open or all, and one job name.")
    scope = "open"
    if words and words[0].lower() in SCOPES:
        scope = words.pop(0).lower()
    if len(words) > 1:
        raise CommandError("`regressions` takes open or all first, then one job name.")
    job = resolve_job(call.services, words[0]) if words else None
    found = call.services.repo.findings(states=SCOPES[scope], job=job, limit=REGRESSIONS_LIMIT * 5)
    regressions = [f for f in found if f.kind is FindingKind.REGRESSION][:REGRESSIONS_LIMIT]
    return regressions_reply(regressions, scope=scope, job=job, limit=REGRESSIONS_LIMIT)


COMMANDS = (
    CommandSpec(
        "latest",
        "JOB [lab=a,b]",
        "the newest build of a job in each lab, metric by metric against the build before",
        run_latest,
        examples=("latest fio-nightly", "latest fio-nightly lab=lab1"),
    ),
    CommandSpec(
        "regressions",
        "[open|all] [JOB]",
        "the regressions found, newest first",
        run_regressions,
        examples=("regressions", "regressions all fio-nightly"),
    ),
)
