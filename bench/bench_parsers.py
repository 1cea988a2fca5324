"""Benchmark: parse a generated JMeter JTL (1 GB by default) and report MB/s and peak memory.

Each measurement runs in a child process of its own, so its peak RSS (`ru_maxrss`) is its own:

- `baseline`: `csv.reader` over the same file, counting rows (the floor for any CSV parser), or
  for XML, expat calling one trivial handler per element;
- `perfdash`: `sync.parsers.parse(stream, "jtl-csv")`, which streams rows into per-label stats;
- `python`: a child that reads nothing (what the interpreter alone costs);
- `imports`: a child that only imports `sync.parsers` (what perfdash costs before any row).

The file is generated in a temporary directory (deleted afterwards) from a seeded random block of
rows repeated to the size asked for. Usage, from the repository root:

    PYTHONPATH=. python bench/bench_parsers.py [--size-mb 1024] [--jtl csv|xml] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

LABELS = [f"/api/v1/endpoint{i}" for i in range(20)] + ["Login page", "Search, results"]
BLOCK_ROWS = 20_000
HEADER = (
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
    "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n"
)


def quoted(cell: str) -> str:
    """A CSV cell as JMeter writes it: quoted only when it holds a comma, quote or newline."""
    if any(c in cell for c in ',"\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_block(rng: random.Random) -> bytes:
    """BLOCK_ROWS rows of a plausible JTL: lognormal times, 1% failures, quoted labels."""
    rows = []
    start = 1_700_000_000_000
    for i in range(BLOCK_ROWS):
        elapsed = int(rng.lognormvariate(4.5, 0.6))
        label = rng.choice(LABELS)
        ok = rng.random() > 0.01
        code, message = ("200", "OK") if ok else ("500", "Internal Server Error")
        rows.append(
            f"{start + i * 5},{elapsed},{quoted(label)},{code},{message},"
            f"Thread Group 1-{i % 50 + 1},"
            f"text,{'true' if ok else 'false'},,{rng.randint(200, 20000)},{rng.randint(100, 400)},"
            f"50,50,https://shop.example/{label.split(',')[0].replace(' ', '%20')},"
            f"{max(0, elapsed - rng.randint(0, 20))},0,{rng.randint(0, 5)}\n"
        )
    return "".join(rows).encode()


def xml_block(rng: random.Random) -> bytes:
    rows = []
    for i in range(BLOCK_ROWS):
        elapsed = int(rng.lognormvariate(4.5, 0.6))
        ok = "true" if rng.random() > 0.01 else "false"
        rows.append(
            f'<httpSample t="{elapsed}" lt="{elapsed}" ts="{1_700_000_000_000 + i * 5}" s="{ok}" '
            f'lb="{rng.choice(LABELS)}" rc="200" rm="OK" tn="Thread Group 1-{i % 50 + 1}" '
            f'dt="text" by="{rng.randint(200, 20000)}"/>\n'
        )
    return "".join(rows).encode()


def generate(path: Path, size: int, kind: str) -> int:
    """Write about `size` bytes of JTL; returns the real size."""
    rng = random.Random(20261203)
    block = csv_block(rng) if kind == "csv" else xml_block(rng)
    head = (
        HEADER.encode()
        if kind == "csv"
        else b'<?xml version="1.0"?>\n<testResults version="1.2">\n'
    )
    tail = b"" if kind == "csv" else b"</testResults>\n"
    with path.open("wb") as out:
        out.write(head)
        written = len(head)
        while written < size:
            out.write(block)
            written += len(block)
        out.write(tail)
    return path.stat().st_size


def count_elements(path: str) -> int:
    """The XML floor: expat calling one trivial handler per element."""
    from xml.parsers import expat

    count = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    with open(path, "rb") as stream:
        parser.ParseFile(stream)
    return count


def child(mode: str, path: str, kind: str) -> None:
    """Run one measurement and print it as JSON (called in a fresh interpreter)."""
    result: object = None
    started = time.perf_counter()
    if mode == "imports":
        import sync.parsers  # noqa: F401
    elif mode == "baseline" and kind == "csv":
        with open(path, newline="", encoding="utf-8") as stream:
            result = sum(1 for _ in csv.reader(stream))
    elif mode == "baseline":
        result = count_elements(path)
    elif mode == "perfdash":
        from sync.parsers import parse

        with open(path, "rb") as stream:
            samples = parse(stream, "jtl-csv" if kind == "csv" else "jtl-xml")
        result = next(s.value for s in samples if s.metric == "count" and not s.tags)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kib": peak_kib, "result": result}))


def measure(mode: str, path: Path, kind: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), *sys.path])}
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), "--jtl", kind],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    data: dict[str, float] = json.loads(out.stdout)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="file size in MiB (1024)")
    parser.add_argument("--jtl", choices=["csv", "xml"], default="csv", help="JTL flavour")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; best kept")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.jtl)
        return 0
    with tempfile.TemporaryDirectory(prefix="perfdash-bench-") as tmp:
        path = Path(tmp) / f"results.jtl{'' if args.jtl == 'csv' else '.xml'}"
        began = time.perf_counter()
        size = generate(path, args.size_mb * 2**20, args.jtl)
        took = time.perf_counter() - began
        print(f"generated {size / 2**20:.0f} MiB {args.jtl} JTL in {took:.1f} s")
        modes = ["python", "imports", "baseline", "perfdash"]
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):  # interleaved, so a busy moment hits every mode alike
            for mode in modes:
                got = measure(mode, path, args.jtl)
                if mode not in best or got["seconds"] < best[mode]["seconds"]:
                    best[mode] = got
        print(f"{'run':<10} {'seconds':>8} {'MB/s':>8} {'peak RSS MiB':>13}  result  "
              f"(best of {args.repeat})")  # fmt: skip
        for mode, got in best.items():
            rate = size / 1e6 / got["seconds"] if got["result"] is not None else float("nan")
            print(f"{mode:<10} {got['seconds']:>8.2f} {rate:>8.1f} {got['peak_kib'] / 1024:>13.1f}"
                  f"  {got['result']}")  # fmt: skip
        if "baseline" in best:
            ratio = best["baseline"]["seconds"] / best["perfdash"]["seconds"]
            floor = "csv.reader" if args.jtl == "csv" else "expat counting elements"
            print(f"perfdash runs at {ratio:.2f}x the speed of {floor} alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
