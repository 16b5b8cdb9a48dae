"""The stored results of `tests/unit/comparison/data/opc-cases` are what the real opc prints.

The unit tests compare our findings with those files; this runs openapi-pact-comparator 2.3.1
(installed with the other Pact clients) on the same spec and pact, so the files cannot drift
from the tool they claim to record.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.pact_clients import ensure_installed

pytestmark = pytest.mark.pact_clients

DATA = Path(__file__).resolve().parents[1] / "unit" / "comparison" / "data" / "opc-cases"
CASES = sorted(path.name.removesuffix(".oas.yaml") for path in DATA.glob("*.oas.yaml"))


def test_every_case_is_there() -> None:
    assert CASES == [
        "ajv-keyword-reports",
        "if-then-else",
        "router-options",
        "wildcard-paths",
        "yaml-core-scalars",
    ]


@pytest.mark.parametrize("name", CASES)
def test_trust_21_opc_prints_the_stored_results(name: str) -> None:
    opc = ensure_installed() / "rust" / "node_modules" / ".bin" / "opc"
    run = subprocess.run(
        [str(opc), "--oas", str(DATA / f"{name}.oas.yaml"), str(DATA / f"{name}.pact.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.stdout, run.stderr
    assert json.loads(run.stdout.splitlines()[0]) == json.loads(
        (DATA / f"{name}.opc-results.json").read_text()
    )
