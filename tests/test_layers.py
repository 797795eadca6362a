"""The platform's packages import only packages below them (DESIGN.md, Layout): the doors (views,
cli) never import each other, services are the only way in for them, and the pure core (criteria,
scoring, the workflow rules) knows nothing of the web or the database."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lower number: lower layer. A package may import its own modules and packages of a lower layer.
LAYERS = {
    "settings": 0,
    "i18n": 0,
    "criteria": 0,
    "scoring": 1,
    "storage": 1,
    "models": 2,
    "workflow": 3,
    "grading": 3,
    "registry": 3,
    "reports": 3,
    "accounts": 3,
    "services": 4,
    "jobs": 5,  # long work on the queue, over services; the doors start it
    "views": 6,
    "cli": 6,
    "reloading": 6,  # the serving process following the guide (over services)
    "app": 7,  # assembles the doors
    "bench": 8,
    "loadtest": 8,
}
WEB_AND_DATABASE = ("flask", "flask_appbuilder", "flask_admin", "sqlalchemy", "werkzeug")
PURE = ("criteria", "scoring", "workflow/rules.py", "workflow/entries.py")


def _sources(part: str) -> Iterator[Path]:
    path = ROOT / part
    yield from [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every absolute import in the file, inside functions too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_every_package_of_the_platform_has_a_layer():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} | {p.stem for p in ROOT.glob("*.py")}
    assert packages - {"tests", "migrations"} == set(LAYERS)


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_a_package_imports_only_packages_below_it(package):
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _sources(package if (ROOT / package).is_dir() else f"{package}.py")
        for line, module in _imports(path)
        if module in LAYERS and module != package and LAYERS[module] >= LAYERS[package]
    ]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("part", PURE)
def test_the_pure_core_knows_nothing_of_the_web_or_the_database(part):
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _sources(part)
        for line, module in _imports(path)
        if module in WEB_AND_DATABASE
    ]
    assert not found, "\n".join(found)
