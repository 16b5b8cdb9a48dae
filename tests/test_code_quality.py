"""The project's own checks run with the tests, so CI holds the code to them.

ruff (lint and format) over everything, and `mypy --strict` (configured in pyproject.toml) over
the three packages.
"""

from __future__ import annotations

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
    result = run("mypy", "broker", "clients", "verifier")
    assert result.returncode == 0, result.stdout + result.stderr
