"""analysis/ is pure: it imports the standard library, numpy and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import analysis

ALLOWED = {"numpy", "analysis", "__future__"} | set(sys.stdlib_module_names)
IMPURE = {"os", "time", "datetime", "random", "socket", "subprocess"}  # clock, env, I/O


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_analysis_imports_only_numpy_and_the_standard_library() -> None:
    files = sorted(Path(analysis.__file__).parent.glob("*.py"))
    assert len(files) >= 4
    for path in files:
        names = imported(path)
        assert names <= ALLOWED, (path.name, names - ALLOWED)
        assert not names & IMPURE, (path.name, names & IMPURE)
