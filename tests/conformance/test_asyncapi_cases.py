"""Accord's AsyncAPI comparison gives what openapi-pact-comparator 2.3.1 (`opc --asyncapi`) gives.

Each fixture of `tests/conformance/asyncapi/cases` (written for Accord, not taken from
anywhere) holds opc's recorded output; the codes, types and locations of Accord's findings, and
of the causes of each `message.no.match`, must be the same, in the same order. For AsyncAPI
2.x documents, which opc refuses, the oracle is opc on a 3.0 twin of the document, its spec
locations mapped to the 2.x document's (see `cases.py`).
"""

from __future__ import annotations

import json

import pytest

from tests.conformance.asyncapi.cases import CASES, NAMES, essentials, meta
from verifier.comparison import compare_with, encode, load_asyncapi, load_spec


def test_there_are_at_least_25_cases_of_both_major_versions_and_formats() -> None:
    cases = [meta(name) for name in NAMES]
    assert len(cases) >= 25
    assert sum("oracle" in case for case in cases) >= 5  # AsyncAPI 2.x
    assert sum("openapi" in case for case in cases) >= 1  # pacts mixing HTTP and messages
    assert any(case["document"].endswith(".json") for case in cases)
    assert all((CASES / name / "opc.json").is_file() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_accord_finds_what_opc_finds(name: str) -> None:
    case = meta(name)
    folder = CASES / name
    document = load_asyncapi((folder / case["document"]).read_bytes())
    assert document.is_v2 == ("oracle" in case)
    openapi = load_spec((folder / case["openapi"]).read_bytes()) if "openapi" in case else None
    found = json.loads(
        encode(
            compare_with((folder / "pact.json").read_bytes(), openapi=openapi, asyncapi=document)
        )
    )
    expected = json.loads((folder / "opc.json").read_text())
    assert essentials(found, {}) == essentials(expected, case.get("locations", {}))
