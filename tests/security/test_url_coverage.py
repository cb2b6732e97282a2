"""Every page and API route has a row in a permission matrix, or a stated reason it needs none.

Matrix tests declare the URL names they cover in a module-level ``COVERS`` (a dict or set of
names, namespaced like ``api:customer-detail``); the older matrices are listed in EARLIER below.
A new route without a row fails this test, naming it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent.parent

# Public, or guarded by Django's own machinery rather than by guanxi.access.
ALLOWED: dict[str, str] = {
    "login": "the sign-in page must be reachable signed out (rate-limited by axes)",
    "logout": "signing out needs no permission",
    "set_language": "choosing the language carries no data",
    "api:token": "exchanges a password for a token; locked out by axes, throttled per address",
    "api:schema": "the OpenAPI description holds no records",
    "api:docs": "the Swagger page renders the schema only",
    "healthz": "liveness probe: answers ok, no data",
    "readyz": "readiness probe: answers ok or which dependency is down, no records",
    "metrics": "guarded by its own bearer token or loopback (ops.views.metrics_allowed)",
}
ALLOWED_PREFIXES: dict[str, str] = {
    "admin/": "Django admin: superusers only, guarded by Django's is_staff check",
    "static/": "static files carry no data",
}
# Matrices written before COVERS existed: url name -> the test that holds its rows.
EARLIER: dict[str, str] = {
    "customer-list": "tests/test_permission_matrix.py::test_matrix",
    "customer-detail": "tests/test_permission_matrix.py::test_matrix",
    "access-log": "tests/test_permission_matrix.py::test_matrix",
    "contact-detail": "tests/test_permission_matrix.py::test_contact_matrix",
    "api:customer-list": "tests/test_permission_matrix.py::test_matrix",
    "api:customer-detail": "tests/test_permission_matrix.py::test_matrix",
    "api:access-log-list": "tests/test_permission_matrix.py::test_matrix",
    "api:contact-detail": "tests/test_permission_matrix.py::test_contact_matrix",
    "api:contact-list": "tests/test_permission_matrix.py::test_contact_matrix",
    "api:relationship-list": "tests/test_permission_matrix.py::test_contact_matrix",
    "customer-export": "tests/customers/test_excel_matrix.py::test_export_matrix",
    "api:customer-export": "tests/customers/test_excel_matrix.py::test_export_matrix",
    "customer-import": "tests/customers/test_excel_matrix.py::test_import_matrix",
    "api:customer-import-list": "tests/customers/test_excel_matrix.py::test_import_matrix",
    "customer-import-report": "tests/customers/test_excel.py",
    "archive-review": "tests/customers/test_review.py::test_who_may_open_the_page_and_the_report",
    "archive-review-report": (
        "tests/customers/test_review.py::test_who_may_open_the_page_and_the_report"
    ),
    "history-customer": "tests/history/test_matrix.py::test_history_follows_the_organisation_line",
    "api:history-list": "tests/history/test_matrix.py::test_history_follows_the_organisation_line",
}


def routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    """(route, namespaced name) of every URL pattern, however deeply included."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), f"{ns}{pattern.name}" if pattern.name else ""


def declared_covers() -> dict[str, str]:
    """COVERS of every matrix module, read without importing it."""
    found: dict[str, str] = {}
    for module in sorted(TESTS.rglob("test_*matrix*.py")):
        for node in ast.parse(module.read_text()).body:
            if not isinstance(node, ast.Assign) or not any(
                isinstance(t, ast.Name) and t.id == "COVERS" for t in node.targets
            ):
                continue
            names = _literal_names(node.value, module)
            found.update(dict.fromkeys(names, str(module.relative_to(TESTS.parent))))
    return found


def _literal_names(value: ast.expr, module: Path) -> list[str]:
    try:
        literal = ast.literal_eval(value)
        return list(literal)
    except ValueError:  # e.g. a comprehension over the module's route tables
        namespace: dict[str, object] = {}
        exec(compile(module.read_text(), str(module), "exec"), namespace)  # noqa: S102
        return list(namespace["COVERS"])  # type: ignore[call-overload]


def covered() -> dict[str, str]:
    return {**EARLIER, **declared_covers()}


def test_every_route_has_a_matrix_row_or_a_reason() -> None:
    rows = covered()
    uncovered = sorted(
        f"{name or '(unnamed)'} /{route}"
        for route, name in routes(get_resolver().url_patterns)
        if name not in rows
        and name not in ALLOWED
        and not any(route.startswith(prefix) for prefix in ALLOWED_PREFIXES)
    )
    assert uncovered == [], "routes without a permission-matrix row: " + ", ".join(uncovered)


def test_every_listed_matrix_test_exists() -> None:
    for where in EARLIER.values():
        path, _sep, function = where.partition("::")
        source = (TESTS.parent / path).read_text()
        assert not function or f"def {function}(" in source, where


def test_the_allow_list_names_real_routes() -> None:
    names = {name for _route, name in routes(get_resolver().url_patterns)}
    assert set(ALLOWED) <= names
