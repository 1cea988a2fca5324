"""Writing stored points as CSV or JSON: `lab,job,build,timestamp,metric,tags,unit,value`.

Both writers stream: an export of millions of points never sits in memory.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TextIO

from storage.records import ExportRow

log = logging.getLogger(__name__)

COLUMNS = ("lab", "job", "build", "timestamp", "metric", "tags", "unit", "value")


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the microsecond when there is one."""
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def _as_dict(row: ExportRow) -> dict[str, Any]:
    return {
        "lab": row.lab,
        "job": row.job,
        "build": row.build,
        "timestamp": iso_utc(row.timestamp),
        "metric": row.metric,
        "tags": row.tags,
        "unit": row.unit,
        "value": row.value,
    }


def write_csv(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Write a header and one line per row; return the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        data = _as_dict(row)
        data["timestamp"] = data["timestamp"] or ""
        data["value"] = repr(row.value)
        writer.writerow(data[c] for c in COLUMNS)
        count += 1
    return count


def write_json(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Write one JSON array of objects, one per line; return the row count."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(_as_dict(row)))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


WRITERS: dict[str, Callable[[Iterable[ExportRow], TextIO], int]] = {
    "csv": write_csv,
    "json": write_json,
}
