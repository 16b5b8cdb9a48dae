"""Imports flow one way: web -> http -> services -> domain, storage -> domain, and
webhooks -> services.

The SDK never sees broker; the verifier's engines (matching, comparison, spec diff) reach
nothing outside themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# package prefix -> prefixes it must not import
FORBIDDEN = {
    "broker.domain": [
        "broker.http",
        "broker.services",
        "broker.storage",
        "broker.app",
        "litestar",
        "asyncpg",
        "sqlite3",
        "uvicorn",
    ],
    "broker.services": [
        "broker.http",
        "broker.app",
        "litestar",
        "asyncpg",
        "sqlite3",
        "broker.storage.sqlite",
        "broker.storage.postgres",
    ],
    "broker.storage": ["broker.http", "broker.services", "broker.app", "litestar"],
    "broker.http": [
        "broker.storage.sqlite",
        "broker.storage.postgres",
        "asyncpg",
        "sqlite3",
        "broker.web",
    ],
    # Pages sit on top of the API's layer: they call services and reuse http's rules and links.
    "broker.web": ["broker.storage", "broker.app", "asyncpg", "sqlite3"],
    # Outbound calls and the delivery worker: storage through its interface, no HTTP server.
    "broker.webhooks": [
        "broker.http",
        "broker.web",
        "broker.app",
        "litestar",
        "asyncpg",
        "sqlite3",
        "broker.storage.sqlite",
        "broker.storage.postgres",
    ],
    "clients": ["broker"],
    # The pure engines read documents and answer; no broker, HTTP client or network code.
    **{
        engine: ["broker", "clients", "httpx", "litestar", "asyncpg", "socket", "urllib.request"]
        for engine in (
            "verifier.comparison",
            "verifier.spec_diff",
            "verifier.matching",
            "verifier._matching",
            "verifier.pact_validation",
            # `accord probe` plans its checks without sending anything (issue 17).
            "verifier.probe.plan",
            "verifier.probe.samples",
        )
    },
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules() -> list[tuple[str, Path]]:
    out = []
    for package in ("broker", "clients", "verifier"):
        for path in sorted((REPO / package).rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts)
            out.append((name, path))
    return out


def violations_of(name: str, imported: set[str]) -> list[str]:
    bad = []
    for layer, banned in FORBIDDEN.items():
        if name == layer or name.startswith(layer + "."):
            for module in imported:
                for prefix in banned:
                    if module == prefix or module.startswith(prefix + "."):
                        bad.append(f"{name} imports {module}")
    return bad


@pytest.mark.parametrize(("name", "path"), modules(), ids=[n for n, _ in modules()])
def test_module_respects_the_layers(name: str, path: Path) -> None:
    # The CLI starts the broker through a lazy import; that one edge is the documented exception.
    imported = imports_of(path) - ({"broker.__main__"} if name.startswith("clients.cli") else set())
    assert violations_of(name, imported) == []


def test_the_checker_catches_a_violation() -> None:
    assert violations_of("broker.domain.model", {"litestar"}) == [
        "broker.domain.model imports litestar"
    ]
    assert violations_of("clients.sdk._client", {"broker.app"}) == [
        "clients.sdk._client imports broker.app"
    ]
    assert violations_of("verifier.spec_diff.engine", {"httpx"}) == [
        "verifier.spec_diff.engine imports httpx"
    ]
