"""Accord and pact-python 4.2 (the Rust verifier) fail the same interactions.

Runs `benchmarks/verifier_vs_pact_python.py` small: a pact of 20 interactions with provider
states against the test provider app, answering at once and in 10 ms, then with 3 seeded bugs;
the script exits non-zero unless both verifiers pass the sound provider and fail exactly the
seeded bugs.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.pact_clients import CLIENTS_DIR, REPO, ensure_installed

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]


def test_both_verifiers_fail_the_same_interactions() -> None:
    ensure_installed()
    done = subprocess.run(
        [
            sys.executable, str(REPO / "benchmarks" / "verifier_vs_pact_python.py"),
            "--interactions", "20", "--rounds", "1", "--bugs", "3",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env={**os.environ, "CLIENTS_DIR": str(CLIENTS_DIR)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "3 broken items; accord failed 3, pact-python failed 3; same verdicts: yes" in done.stdout
    )
