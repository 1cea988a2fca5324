"""`make bench` / `python -m bench`: every benchmark once, each beside its baseline.

Figures are printed, never asserted: compare within one run, not across machines. The parser
benchmark runs on a 256 MiB JTL here (`python -m bench.bench_parsers` alone does 1 GiB); the
change-point table needs the anchors' own virtualenv and runs with `bench/cpd.sh`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS: tuple[tuple[str, ...], ...] = (
    ("bench.bench_storage",),
    ("bench.bench_sync",),
    ("bench.bench_parsers", "--size-mb", "256"),
    ("bench.bench_charts",),
    ("bench.bench_router",),
    ("bench.bench_bot",),
)


def main() -> int:
    failed = []
    for module, *args in RUNS:
        print(f"\n=== python -m {module} {' '.join(args)}".rstrip(), flush=True)
        done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, check=False)
        if done.returncode:
            failed.append(module)
    print("\n=== change points: run bench/cpd.sh (the anchors need their own virtualenv)")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
