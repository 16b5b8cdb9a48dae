"""The project's own checks run with the tests, so CI holds the code to them.

ruff (lint and format) over everything, `mypy --strict` (configured in pyproject.toml) over
the three packages, the tests and the benchmarks, and no timed assertion in the tests.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_ruff_finds_nothing() -> None:
    lint = run("ruff", "check", "--output-format", "concise", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatting = run("ruff", "format", "--check", ".")
    assert formatting.returncode == 0, formatting.stdout + formatting.stderr


def test_mypy_strict_passes() -> None:
    result = run("mypy", "broker", "clients", "verifier", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


# What a timed assertion looks like, kept simple. A duration is a subtraction one of whose sides
# is a clock call (`time.perf_counter()`, `time.monotonic()`, `time.time()`, their `_ns` forms,
# or `perf_counter()`/`monotonic()` imported bare) or an instant's name (`_INSTANTS`); a name of
# `_DURATIONS`; or a name the file binds from, or appends, a value holding a duration
# (`took = time.monotonic() - began`, `latencies.append(...)`, then `p99 = latencies[k]`). An
# `assert` is flagged when it orders (<, <=, >, >=) a value holding a duration. Waiting up to a
# deadline (`assert time.monotonic() < deadline`) is not flagged: it bounds a wait, as a
# client's timeout does, and judges no measured duration.
_CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "time", "time_ns"}
_BARE_CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns"}
_INSTANTS = {"started", "start", "began", "begin"}
_DURATIONS = {"elapsed", "took", "duration", "latency", "latencies"}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _is_clock(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    called = node.func
    if isinstance(called, ast.Attribute):
        return (
            called.attr in _CLOCKS
            and isinstance(called.value, ast.Name)
            and called.value.id == "time"
        )
    return isinstance(called, ast.Name) and called.id in _BARE_CLOCKS


def _holds_duration(node: ast.AST, durations: set[str]) -> bool:
    """Whether `node` holds an elapsed-time subtraction or a name of `durations`."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id in durations:
            return True
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Sub):
            for side in (part.left, part.right):
                if _is_clock(side) or (isinstance(side, ast.Name) and side.id in _INSTANTS):
                    return True
    return False


def _bindings(tree: ast.AST) -> list[tuple[list[ast.expr], ast.expr]]:
    """(targets, value) of each assignment, and of each `name.append(value)`."""
    found: list[tuple[list[ast.expr], ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            found.append((node.targets, node.value))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            found.append(([node.target], node.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and len(node.args) == 1
        ):
            found.append(([node.func.value], node.args[0]))
    return found


def _durations(tree: ast.AST) -> set[str]:
    """`_DURATIONS` and the names the file binds from durations (until none is added)."""
    durations = set(_DURATIONS)
    bindings = _bindings(tree)
    while True:
        added = {
            target.id
            for targets, value in bindings
            if _holds_duration(value, durations)
            for target in targets
            if isinstance(target, ast.Name) and target.id not in durations
        }
        if not added:
            return durations
        durations |= added


def timed_assertions(source: str) -> list[int]:
    """The lines of the `assert` statements of `source` that judge a measured duration."""
    tree = ast.parse(source)
    durations = _durations(tree)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        and any(
            isinstance(each, ast.Compare)
            and any(isinstance(op, _ORDERING) for op in each.ops)
            and _holds_duration(each, durations)
            for each in ast.walk(node.test)
        )
    )


def test_no_test_asserts_on_measured_time() -> None:
    """Performance is checked by benchmarks (`benchmarks/`): machines here are shared and noisy."""
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted((REPO / "tests").rglob("*.py"))
        for line in timed_assertions(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"timed assertions (use a benchmark or deterministic evidence): {found}"


def test_the_timed_assertion_check_finds_what_it_should() -> None:
    flagged = """
import time
from time import perf_counter
started = time.perf_counter()
assert time.perf_counter() - started < 5.0
assert perf_counter() - started <= 1
took = time.monotonic() - began
assert took < 6
assert max(time.time() - t for t in marks) < 2
assert elapsed > 0.1
latencies.append(time.perf_counter() - started)
p99 = latencies[int(len(latencies) * 0.99)]
assert p99 < 0.1, p99
assert max(took for _, took in answers.values()) < 8
"""
    kept = """
import time
deadline = time.monotonic() + 20
assert time.monotonic() < deadline, "did not start"
assert started.returncode == 1
assert len(events) >= 10
assert count - before > 3
assert took == "yes"
"""
    assert timed_assertions(flagged) == [5, 6, 8, 9, 10, 13, 14]
    assert timed_assertions(kept) == []
