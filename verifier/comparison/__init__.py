"""Checking consumer pacts against a provider's OpenAPI document, without replaying anything.

The engine is pure: bytes or parsed documents in, findings out; no HTTP, no broker::

    from verifier.comparison import compare, load_spec

    spec = load_spec(Path("openapi.yaml").read_bytes())   # parsed and indexed once per content
    for finding in compare(spec, json.loads(Path("pact.json").read_text())):
        print(finding.type, finding.code, finding.mock_details.location)

Findings have openapi-pact-comparator's codes, types and `[root]…` locations, and encode
(`encode(findings)`) to the JSON it prints. OpenAPI 3.0, 3.1 and Swagger 2.0 (YAML or JSON)
and V1 to V4 pacts are read; message interactions are left out, and `uncovered(pact)` gives an
error finding for each of them, for a caller that takes a comparison as a pact's verdict.

Message interactions are compared with a producer's AsyncAPI document (2.x or 3.x,
`load_asyncapi`, `verifier.comparison.asyncapi`); `compare_with(pact, openapi=…, asyncapi=…)`
compares a pact with either document or both, as `opc --oas X --asyncapi Y` does.

A comparison that cannot run raises a `ComparisonError`: `SpecError` for the document,
`ComparisonPactError` for the pact (also a `PactError`: this package's `PactError` is
`verifier.PactError`).
"""

from __future__ import annotations

from verifier._errors import ComparisonError, ComparisonPactError, PactError, SpecError
from verifier.comparison.asyncapi import AsyncApi, is_asyncapi, load_asyncapi
from verifier.comparison.coverage import uncovered
from verifier.comparison.engine import compare, compare_with
from verifier.comparison.findings import Finding, FindingType, MockDetails, SpecDetails, encode
from verifier.comparison.spec import Spec, load_document, load_spec

__all__ = [
    "AsyncApi",
    "ComparisonError",
    "ComparisonPactError",
    "Finding",
    "FindingType",
    "MockDetails",
    "PactError",
    "Spec",
    "SpecDetails",
    "SpecError",
    "compare",
    "compare_with",
    "encode",
    "is_asyncapi",
    "load_asyncapi",
    "load_document",
    "load_spec",
    "uncovered",
]
