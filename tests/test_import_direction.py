"""Imports flow one way (DESIGN.md): a wrong import anywhere in the project fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "charts", "storage", "sync", "bot")

# Which project packages each package may import.
ALLOWED_PROJECT = {
    "analysis": set(),
    "charts": set(),
    "storage": set(),
    "sync": {"storage"},
    "bot": set(PACKAGES),
}
# Outside libraries that only one package may import.
OWNED = {
    "jenkins": "sync",
    "peewee": "storage",
    "playhouse": "storage",
    "slack_bolt": "bot",
    "slack_sdk": "bot",
    "apscheduler": "bot",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def package_files() -> list[tuple[str, Path]]:
    return [(pkg, path) for pkg in PACKAGES for path in sorted((ROOT / pkg).rglob("*.py"))]


@pytest.mark.parametrize(
    ("package", "path"),
    package_files(),
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else v,
)
def test_imports_flow_one_way(package: str, path: Path) -> None:
    for module in imported_modules(path):
        top = module.split(".", 1)[0]
        if top in PACKAGES and top != package:
            assert top in ALLOWED_PROJECT[package], f"{package} must not import {module}"
        if top in OWNED:
            assert OWNED[top] == package, f"only {OWNED[top]}/ may import {top}"


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import peewee\nfrom bot.config import Config\n", encoding="utf-8")
    assert imported_modules(bad) == {"peewee", "bot.config"}
