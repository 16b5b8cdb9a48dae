"""Specs and pacts that exercise many features at once give what openapi-pact-comparator gives.

The files in `data/` are ours. `mixed-features`: `allOf` over references (nested), nullable
schemas and references, `oneOf` and `anyOf` without a discriminator, `2XX` responses with
headers, array query and header parameters, an API key in the query and in a cookie, JSON,
form, text and XML request bodies, `uniqueItems`, formats, content negotiation.
`openapi31-discriminator`: an OpenAPI 3.1 spec (type lists, `const`, numeric exclusive bounds)
with a discriminated `oneOf` over `allOf` schemas, HTTP basic and bearer security, a `default`
response, and a V4 pact with JSON and base64 encoded bodies. `swagger2-features`: Swagger 2.0
with a base path, global consumes/produces/security, referenced path-level parameters, a csv
header array, `definitions` with a string discriminator and `allOf`, response headers, and
form bodies. Each `*.opc-results.json` is what
`opc --oas NAME.oas.yaml NAME.pact.json` (openapi-pact-comparator 2.3.1) printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.comparison import compare, load_spec

DATA = Path(__file__).parent / "data"
CASES = sorted(path.name.removesuffix(".oas.yaml") for path in DATA.glob("*.oas.yaml"))


def identity(result: dict[str, Any]) -> tuple[Any, ...]:
    mock, spec = result["mockDetails"], result["specDetails"]
    return (result["code"], result["type"], mock["location"], spec["location"], mock.get("value"))


def test_every_case_is_there() -> None:
    assert CASES == ["mixed-features", "openapi31-discriminator", "swagger2-features"]


@pytest.mark.parametrize("name", CASES)
def test_the_findings_are_opc_s_in_opc_s_order(name: str) -> None:
    spec = load_spec((DATA / f"{name}.oas.yaml").read_bytes())
    expected = json.loads((DATA / f"{name}.opc-results.json").read_text())
    got = compare(spec, (DATA / f"{name}.pact.json").read_bytes())
    assert len(expected) > 15
    assert [identity(finding.to_json()) for finding in got] == [identity(r) for r in expected]
