"""`perfdash chart trend|compare`: render a chart from the stored results into a PNG file.

Names are exact here (the chat router resolves prefixes); an unknown job, lab, metric or tag
value fails with one sentence naming the closest matches.
"""

from __future__ import annotations

import argparse
import difflib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import charts
from bot import chartdata
from bot.context import Context
from bot.errors import UsageError, UserError, WorkFailed
from charts import CompareSpec, TrendSpec
from charts.specs import MAX_LINES
from storage import Repository
from storage.records import Selector, SeriesData

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("chart", help="render a trend or a comparison to a PNG file")
    kinds = parser.add_subparsers(dest="chart", metavar="KIND", required=True)
    trend = kinds.add_parser("trend", help="one metric across builds, one line per lab or tags")
    trend.add_argument("--job", required=True, help="the job (its full path)")
    trend.add_argument("--metric", required=True, help="the metric")
    trend.add_argument("--lab", action="append", default=[], help="only this lab (repeatable)")
    trend.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="K=V",
        help="only series with this tag value (repeatable)",
    )
    trend.add_argument("--last", type=positive, metavar="N", help="only the newest N builds")
    trend.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.png")
    trend.set_defaults(run=run_trend)
    compare = kinds.add_parser(
        "compare", help="two builds (--builds A B) or two labs' latest runs (--lab A --lab B)"
    )
    compare.add_argument("--job", required=True, help="the job (its full path)")
    compare.add_argument(
        "--builds", nargs=2, type=positive, metavar=("A", "B"), help="the two build numbers"
    )
    compare.add_argument("--metric", help="only this metric")
    compare.add_argument(
        "--lab",
        action="append",
        default=[],
        help="the lab of the builds, or twice: the two labs to compare",
    )
    compare.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.png")
    compare.set_defaults(run=run_compare)


def positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return number


def parse_tags(pairs: Iterable[str]) -> dict[str, str]:
    tags = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"--tag {pair!r} must look like key=value")
        tags[key] = value
    return tags


def check_known(kind: str, name: str, known: Iterable[str]) -> None:
    """Fail with the closest known names when `name` is not one of them."""
    names = sorted(set(known))
    if name in names:
        return
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else (f"; known: {', '.join(names[:10])}" if names else f"; no {kind}s are stored yet")
    )
    raise UserError(f"unknown {kind} {name!r}{hint}")


def check_job(repo: Repository, job: str, labs: Iterable[str]) -> list[str]:
    """The labs that hold the job (of those asked for, when any)."""
    for lab in labs:
        check_known("lab", lab, repo.labs())
    jobs = repo.jobs()
    check_known("job", job, (j.job for j in jobs))
    holding = sorted({j.lab for j in jobs if j.job == job})
    for lab in labs:
        if lab not in holding:
            raise UserError(f"lab {lab!r} has no job {job!r}; it is in {', '.join(holding)}")
    return list(labs) or holding


def trend_series(repo: Repository, args: argparse.Namespace) -> list[SeriesData]:
    labs = check_job(repo, args.job, args.lab)
    check_known("metric", args.metric, (s.key.metric for s in repo.metrics(args.job)))
    tags = parse_tags(args.tag)
    known = repo.tag_values(args.job, args.metric)
    for key, value in tags.items():
        check_known("tag", key, known)
        check_known(f"{key} value", value, known[key])
    selector = Selector(
        job=args.job, metric=args.metric, labs=tuple(labs), tags=tags, last=args.last
    )
    series = repo.series(selector)
    if len(series) > MAX_LINES:
        choices = "; ".join(f"{k}={'|'.join(v)}" for k, v in known.items() if len(v) > 1)
        raise UsageError(f"{len(series)} series match; narrow them with --tag ({choices})")
    if not any(data.points for data in series):
        raise WorkFailed(f"no points of {args.metric} in {args.job} match")
    return series


def run_trend(args: argparse.Namespace, ctx: Context) -> int:
    repo = ctx.repository()
    with repo.connection():
        series = trend_series(repo, args)
        findings = repo.findings(job=args.job, limit=1000)
    spec = chartdata.trend_spec(series, findings)
    return write_chart(spec, args.output, ctx)


def compare_builds(repo: Repository, args: argparse.Namespace) -> CompareSpec:
    labs = check_job(repo, args.job, args.lab)
    if len(labs) != 1:
        raise UsageError(f"{args.job} runs in {', '.join(labs)}: pick one with --lab")
    lab = labs[0]
    if args.metric is not None:
        check_known("metric", args.metric, (s.key.metric for s in repo.metrics(args.job, lab)))
    sides = []
    for number in args.builds:
        if repo.build(lab, args.job, number) is None:
            raise UserError(f"build #{number} of {args.job} in {lab} is not stored")
        points = repo.build_points(lab, args.job, number)
        wanted = [(s, p) for s, p in points if args.metric in (None, s.key.metric)]
        sides.append((number, wanted))
    return chartdata.compare_builds_spec(lab, args.job, sides[0], sides[1])


def compare_labs(repo: Repository, args: argparse.Namespace) -> CompareSpec:
    if len(args.lab) != 2 or args.lab[0] == args.lab[1]:
        raise UsageError("give --builds A B, or two different labs: --lab A --lab B")
    labs = check_job(repo, args.job, args.lab)
    if args.metric is not None:
        check_known("metric", args.metric, (s.key.metric for s in repo.metrics(args.job)))
    selector = Selector(job=args.job, metric=args.metric, labs=tuple(labs), last=1)
    return chartdata.compare_labs_spec(repo.series(selector), labs[0], labs[1])


def run_compare(args: argparse.Namespace, ctx: Context) -> int:
    repo = ctx.repository()
    with repo.connection():
        spec = compare_builds(repo, args) if args.builds else compare_labs(repo, args)
    return write_chart(spec, args.output, ctx)


def write_chart(spec: TrendSpec | CompareSpec, output: Path, ctx: Context) -> int:
    """Render, then write the file whole (a failed render leaves no file behind)."""
    png = charts.render(spec)
    try:
        output.write_bytes(png)
    except OSError as exc:
        raise WorkFailed(f"cannot write {output}: {exc.strerror or exc}") from None
    print(f"wrote {output} ({len(png):,} bytes)", file=ctx.stdout)
    return 0
