"""The spec diff is pure: it imports no broker, no HTTP client and no network code."""

from __future__ import annotations

import ast
from pathlib import Path

import verifier.spec_diff

PACKAGE = Path(verifier.spec_diff.__file__).parent
BANNED = ("broker", "clients", "httpx", "litestar", "asyncpg", "socket", "urllib.request")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_spec_diff_imports_nothing_that_reaches_out() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 5
    reaching = {
        f"{path.name} imports {module}"
        for path in modules
        for module in imports_of(path)
        if any(module == banned or module.startswith(banned + ".") for banned in BANNED)
    }
    assert reaching == set()


def test_the_public_names_are_importable() -> None:
    for name in verifier.spec_diff.__all__:
        assert getattr(verifier.spec_diff, name) is not None
