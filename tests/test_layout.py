"""The code's shape: the domain never depends on the interfaces, each interface area is a
subpackage, and no module grows past the length that made the old ones hard to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "guanxi"
INTERFACES = ("guanxi.web", "guanxi.api")
# Packages that hold no business rules of their own: the interfaces, the wiring and the tools.
NOT_DOMAIN = {"web", "api", "templates", "static", "locale", "seeding", "ops"}
TOP_LEVEL_WIRING = {"urls.py", "settings.py", "cli.py", "wsgi.py", "celery.py", "tasks.py"}
MAX_LINES = 1000


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _domain_modules() -> list[Path]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts:
            continue
        if len(relative.parts) == 1:
            if relative.name not in TOP_LEVEL_WIRING:
                found.append(path)
        elif relative.parts[0] not in NOT_DOMAIN:
            found.append(path)
    return found


def test_the_domain_never_imports_the_pages_or_the_api() -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _domain_modules()
        for name in _imports(path)
        if name.startswith(INTERFACES)
    ]
    assert _domain_modules(), "no domain modules found: the walk is wrong"
    assert offenders == []


@pytest.mark.parametrize("layer", ["web", "api"])
def test_interface_areas_are_subpackages_not_name_prefixes(layer: str) -> None:
    areas = {p.name for p in (SRC / layer).iterdir() if (p / "__init__.py").exists()}
    assert {"archive", "plans", "keycustomers", "history"} <= areas
    prefixed = [
        p.name
        for p in (SRC / layer).glob("*.py")
        if any(p.name.startswith(f"{area}_") for area in areas)
    ]
    assert prefixed == []


def test_no_module_passes_a_thousand_lines() -> None:
    long = [
        f"{path.relative_to(SRC)}: {count}"
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and (count := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []


def test_the_generator_modules_import_no_circle() -> None:
    """Each generator module may import only modules listed before it in the load order."""
    package = SRC / "seeding" / "generator"
    order = ["bulk", "profiles", "pools", "common", "organisation", "customers", "plans"]
    order += ["accesslog", "archive", "keycustomers", "visits", "contactreports", "feedback"]
    order += ["risk", "planning"]
    modules = {path.stem for path in package.glob("*.py")} - {"__init__"}
    assert modules == set(order), "a generator module missing from the load order"
    for index, name in enumerate(order):
        allowed = {f"guanxi.seeding.generator.{earlier}" for earlier in order[:index]}
        for imported in _imports(package / f"{name}.py"):
            if imported.startswith("guanxi.seeding.generator."):
                module = ".".join(imported.split(".")[:4])
                assert module in allowed, f"{name} imports {module}"
