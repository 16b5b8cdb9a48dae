"""The recorded `opc.json` of each AsyncAPI fixture is what the real `opc --asyncapi` prints.

`test_asyncapi_cases.py` compares Accord's findings with those files; this runs
openapi-pact-comparator 2.3.1 (installed with the other Pact clients) on the same documents and
pacts, so the files cannot drift from the tool they claim to record.
"""

from __future__ import annotations

import json

import pytest

from tests.conformance.asyncapi.cases import CASES, NAMES, run_opc
from tests.e2e.pact_clients import ensure_installed

pytestmark = pytest.mark.pact_clients


@pytest.mark.parametrize("name", NAMES)
def test_opc_prints_the_recorded_results(name: str) -> None:
    opc = ensure_installed() / "rust" / "node_modules" / ".bin" / "opc"
    assert run_opc(opc, name) == json.loads((CASES / name / "opc.json").read_text())
