"""Import result files without Jenkins: parse each file, store the good ones as one build.

Every file is parsed completely before anything is stored, so a file that fails half-way adds
nothing; the samples of the files that parsed land together through `Repository.save_build`, in one
transaction. The CLI (`perfdash ingest`) prints the outcome of each file.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage import Repository
from storage.records import Build, Sample, SaveResult
from sync.parsers import ParseError, detect_format, parse, peek

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What became of one file: its format and sample count, or the one-sentence error."""

    path: str
    format: str = ""
    samples: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True, slots=True)
class IngestReport:
    files: tuple[FileOutcome, ...]
    saved: SaveResult | None

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if not f.ok)


def read_file(path: Path, fmt: str) -> tuple[FileOutcome, list[Sample]]:
    """Parse one file; a failure becomes the outcome's error, never an exception."""
    try:
        with path.open("rb") as stream:
            chosen = fmt
            if fmt == "auto":
                head, stream_again = peek(stream)
                chosen = detect_format(head, path.name)
                samples = parse(stream_again, chosen, name=path.name)
            else:
                samples = parse(stream, chosen, name=path.name)
    except ParseError as exc:
        return FileOutcome(str(path), fmt, error=str(exc)), []
    except OSError as exc:
        return FileOutcome(str(path), fmt, error=exc.strerror or str(exc)), []
    log.info("%s: %d samples (%s)", path, len(samples), chosen)
    return FileOutcome(str(path), chosen, len(samples)), samples


def newest_mtime(paths: Sequence[Path]) -> datetime | None:
    """When the newest readable file was written: the build's start when none is given."""
    times = []
    for path in paths:
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(max(times), UTC) if times else None


def ingest(
    repo: Repository,
    lab: str,
    job: str,
    number: int,
    paths: Sequence[Path],
    fmt: str = "auto",
    started: datetime | None = None,
) -> IngestReport:
    """Parse every file and store the samples of those that parsed as build `number`."""
    outcomes: list[FileOutcome] = []
    samples: list[Sample] = []
    for path in paths:
        outcome, found = read_file(path, fmt)
        outcomes.append(outcome)
        samples.extend(found)
    if not samples:
        return IngestReport(tuple(outcomes), None)
    build = Build(
        lab=lab,
        job=job,
        number=number,
        started=started or newest_mtime([Path(o.path) for o in outcomes if o.ok]),
    )
    with repo.connection():
        saved = repo.save_build(build, samples)
    return IngestReport(tuple(outcomes), saved)
