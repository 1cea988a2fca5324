"""Commands answered with a chart: `trend` and the two forms of `compare`.

    trend JOB METRIC [lab=a,b] [key=value ...] [last=N|30d]
    compare JOB BUILD_A BUILD_B [lab=x]
    compare JOB METRIC lab=a,b [key=value ...]

Names resolve like everywhere else (any case, unique prefix); tag keys and values too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import charts
from bot import chartdata
from bot.commands.base import Call, CommandSpec, Services
from bot.commands.catalog import resolve_job
from bot.commands.names import Options, parse_last, resolve, split_options
from bot.commands.reply import CommandError, Reply
from bot.commands.results import resolve_labs
from bot.messages.blocks import natural_key
from bot.messages.charts import compare_reply, trend_reply
from storage.records import Selector, SeriesData

log = logging.getLogger(__name__)

FINDINGS_SHOWN = 1000
# The trend chart draws at most this many lines (charts.trend.MAX_LINES; a test keeps them equal;
# importing charts.trend here would load matplotlib for every CLI command).
MAX_LINES = 6
_BUILD = re.compile(r"^#?(\d{1,9})$")


def resolve_metric(services: Services, job: str, typed: str) -> str:
    metrics = {s.key.metric for s in services.repo.metrics(job)}
    return resolve(typed, metrics, "metric", hint=f"see `{services.slash} metrics {job}`")


def resolve_tags(
    services: Services, job: str, metric: str, options: Mapping[str, str]
) -> dict[str, str]:
    """`key=value` options as the stored tag keys and values they name."""
    known = services.repo.tag_values(job, metric)
    tags = {}
    for typed_key, typed_value in options.items():
        key = resolve(typed_key, known, "tag", hint=f"the tags of {metric}")
        tags[key] = resolve(typed_value, known[key], f"{key} value")
    return tags


def _options(parsed: Options, allowed: set[str]) -> dict[str, str]:
    """The options that are tags: everything but the command's own keys."""
    return {k: v for k, v in parsed.options.items() if k not in allowed}


def run_trend(call: Call) -> Reply:
    services = call.services
    parsed = split_options(call.args)
    if len(parsed.words) != 2:
        raise CommandError("`trend` needs a job and a metric.")
    job = resolve_job(services, parsed.words[0])
    metric = resolve_metric(services, job, parsed.words[1])
    labs = resolve_labs(services, parsed.options.get("lab"), job)
    window = parse_last(parsed.options.get("last"), call.now)
    tags = resolve_tags(services, job, metric, _options(parsed, {"lab", "last"}))
    selector = Selector(
        job=job, metric=metric, labs=labs, tags=tags, last=window.last, since=window.since
    )
    series = [data for data in services.repo.series(selector) if data.points]
    if not series:
        where = f" in {', '.join(labs)}" if "lab" in parsed.options else ""
        cut = "; try a longer last=" if "last" in parsed.options else ""
        raise CommandError(f"No points of `{metric}` of `{job}`{where} match{cut}.")
    if len(series) > MAX_LINES:
        raise CommandError(_too_many(services, job, metric, tags, len(series)))
    findings = services.repo.findings(job=job, limit=FINDINGS_SHOWN)
    spec = chartdata.trend_spec(series, findings)
    return trend_reply(spec, series, findings, charts.render(spec), job=job, metric=metric)


def _too_many(
    services: Services, job: str, metric: str, tags: Mapping[str, str], count: int
) -> str:
    known = services.repo.tag_values(job, metric)
    choices = " ".join(
        f"{k}={'|'.join(sorted(v, key=natural_key))}"
        for k, v in known.items()
        if len(v) > 1 and k not in tags
    )
    return (
        f"{count} series match, and a chart shows at most {MAX_LINES}; "
        f"narrow them with key=value ({choices}) or lab=."
    )


def run_compare(call: Call) -> Reply:
    parsed = split_options(call.args)
    numbers = [build_number(word) for word in parsed.words[1:]]
    if len(numbers) == 2 and None not in numbers:
        return _compare_builds(call, parsed, [n for n in numbers if n is not None])
    if len(numbers) == 1 and numbers[0] is None:
        return _compare_labs(call, parsed)
    raise CommandError(
        "`compare` needs a job and two build numbers, or a job, a metric and lab=a,b."
    )


def build_number(word: str) -> int | None:
    """`42` or `#42` as 42; None for anything else."""
    match = _BUILD.match(word)
    return int(match[1]) if match else None


def _compare_builds(call: Call, parsed: Options, numbers: list[int]) -> Reply:
    services = call.services
    if set(parsed.options) - {"lab"}:
        raise CommandError("Comparing two builds takes only lab=.")
    job = resolve_job(services, parsed.words[0])
    labs = resolve_labs(services, parsed.options.get("lab"), job)
    if len(labs) != 1:
        raise CommandError(f"`{job}` runs in {', '.join(labs)}; pick one with lab=.")
    lab = labs[0]
    sides = []
    for number in numbers:
        if services.repo.build(lab, job, number) is None:
            [newest] = services.repo.builds(lab, job, limit=1)  # the job has builds in this lab
            raise CommandError(
                f"Build #{number} of `{job}` in {lab} is not stored; "
                f"the newest is #{newest.number}."
            )
        sides.append((number, services.repo.build_points(lab, job, number)))
    spec = chartdata.compare_builds_spec(lab, job, sides[0], sides[1])
    return compare_reply(spec, charts.render(spec), name=f"{job}-{sides[0][0]}-{sides[1][0]}")


def _compare_labs(call: Call, parsed: Options) -> Reply:
    services = call.services
    job = resolve_job(services, parsed.words[0])
    metric = resolve_metric(services, job, parsed.words[1])
    if "lab" not in parsed.options:
        raise CommandError("Comparing labs needs the two labs: lab=a,b.")
    labs = resolve_labs(services, parsed.options["lab"], job)
    if len(labs) != 2:
        raise CommandError("Comparing labs needs exactly two different labs: lab=a,b.")
    tags = resolve_tags(services, job, metric, _options(parsed, {"lab"}))
    selector = Selector(job=job, metric=metric, labs=labs, tags=tags, last=1)
    series: list[SeriesData] = services.repo.series(selector)
    spec = chartdata.compare_labs_spec(series, labs[0], labs[1])
    return compare_reply(spec, charts.render(spec), name=f"{job}-{metric}-{labs[0]}-{labs[1]}")


COMMANDS = (
    CommandSpec(
        "trend",
        "JOB METRIC [lab=a,b] [key=value ...] [last=N|30d]",
        "a chart of one metric across builds, one line per lab or tag set",
        run_trend,
        examples=(
            "trend fio-nightly read:iops blocksize=4k lab=lab1,lab2",
            "trend fio-nightly read:latency last=30d",
        ),
    ),
    CommandSpec(
        "compare",
        "JOB BUILD_A BUILD_B [lab=x] | JOB METRIC lab=a,b",
        "two builds side by side, or two labs' latest runs of a metric",
        run_compare,
        examples=(
            "compare fio-nightly 41 42 lab=lab1",
            "compare fio-nightly read:iops lab=lab1,lab2",
        ),
    ),
)
