"""Turning what a user typed into stored names: case-insensitive, by unique prefix, with hints.

A name may also be given by its last segment (`fio-nightly` for `perf/fio-nightly`, `iops` for
`read:iops`). An
unknown name answers with the closest matches (difflib); an ambiguous prefix lists the candidates.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.reply import CommandError

log = logging.getLogger(__name__)

MAX_LISTED = 8
_SEGMENTS = re.compile(r"[/:]")
_LAST = re.compile(r"^(?P<count>[1-9]\d{0,5})(?P<unit>d?)$", re.IGNORECASE)
MAX_LAST_BUILDS = 100_000
MAX_LAST_DAYS = 3650


def quoted(names: Iterable[str]) -> str:
    """`a`, `b` or `c` (at most MAX_LISTED, then a count; never "or 1 more", which hid the one
    name it stood for: `trend`, among the commands)."""
    items = [f"`{n}`" for n in names]
    if len(items) > MAX_LISTED + 1:
        items = [*items[:MAX_LISTED], f"{len(items) - MAX_LISTED} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _aliases(name: str) -> tuple[str, ...]:
    """The lower-cased forms a name answers to: itself and its last `/` or `:` segment
    (`fio-nightly` for the job `perf/fio-nightly`, `iops` for the metric `read:iops`)."""
    lowered = name.lower()
    tail = _SEGMENTS.split(lowered)[-1]
    return (lowered, tail) if tail and tail != lowered else (lowered,)


def resolve(typed: str, choices: Iterable[str], what: str, *, hint: str = "") -> str:
    """The one choice `typed` names; a CommandError that helps when none or several do.

    An exact (case-insensitive) name wins over prefixes; `hint` tells where to list them.
    """
    known = sorted(set(choices))
    wanted = typed.lower()
    for tier in (_exact, _prefixed):
        found = [name for name in known if tier(wanted, _aliases(name))]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise CommandError(
                f"`{typed}` matches several {what}s: {quoted(found)}. Type more of the name."
            )
    raise CommandError(unknown_message(typed, known, what, hint))


def _exact(wanted: str, aliases: Sequence[str]) -> bool:
    return wanted in aliases


def _prefixed(wanted: str, aliases: Sequence[str]) -> bool:
    return any(alias.startswith(wanted) for alias in aliases)


def unknown_message(typed: str, known: Sequence[str], what: str, hint: str = "") -> str:
    """`No job named x. Did you mean ...?`, or what exists when nothing is close."""
    by_alias = {alias: name for name in known for alias in _aliases(name)}
    close = difflib.get_close_matches(typed.lower(), list(by_alias), n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_alias[alias] for alias in close))
    if suggestions:
        return f"No {what} named `{typed}`. Did you mean {quoted(suggestions)}?"
    if not known:
        return f"No {what} named `{typed}`: there are none yet."
    tail = f" ({hint})" if hint else ""
    return f"No {what} named `{typed}`. Known {what}s: {quoted(known)}{tail}."


@dataclass(frozen=True, slots=True)
class Options:
    """The words of a command split into positional words and `key=value` options."""

    words: tuple[str, ...]
    options: dict[str, str]


def split_options(args: Sequence[str]) -> Options:
    """Positional words and `key=value` options; a repeated or empty key is an error."""
    words: list[str] = []
    options: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep:
            words.append(arg)
            continue
        if not key or not value:
            raise CommandError(f"`{arg}` must look like key=value.")
        if key.lower() in options:
            raise CommandError(f"`{key}=` is given twice.")
        options[key.lower()] = value
    return Options(words=tuple(words), options=options)


@dataclass(frozen=True, slots=True)
class Window:
    """`last=N` (the newest N builds) or `last=30d` (builds started in the last 30 days)."""

    last: int | None = None
    since: datetime | None = None


def parse_last(value: str | None, now: datetime) -> Window:
    if value is None:
        return Window()
    match = _LAST.match(value)
    if match is None:
        raise CommandError(
            f"`last={value}` must be a number of builds (last=50) or days (last=30d)."
        )
    count = int(match["count"])
    if match["unit"]:
        if count > MAX_LAST_DAYS:
            raise CommandError(f"`last={value}` is too far back; use at most {MAX_LAST_DAYS}d.")
        return Window(since=now - timedelta(days=count))
    if count > MAX_LAST_BUILDS:
        raise CommandError(f"`last={value}` is too many builds; use at most {MAX_LAST_BUILDS}.")
    return Window(last=count)
