"""The 7 swagger-mock-validator end-to-end cases give the outcome its tests assert.

The files live in `shared/corpora/swagger-mock-validator` (Apache-2.0, `LICENSE.txt` there);
`expected.json` writes the upstream assertions down as data. Those cases were written for the
older validator with `additionalPropertiesInResponse: true`; openapi-pact-comparator, whose
rules we follow, closes response schemas and still reaches every one of these outcomes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from verifier.comparison import SpecError, compare, load_spec

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared"
)
CORPUS = SHARED / "corpora" / "swagger-mock-validator"
CASES: list[dict[str, Any]] = (
    json.loads((CORPUS / "expected.json").read_text())["cases"] if CORPUS.is_dir() else []
)


def test_the_corpus_is_all_there() -> None:
    assert len(CASES) == 7, f"expected 7 cases in {CORPUS / 'expected.json'}"


def case_id(case: dict[str, Any]) -> str:
    return f"{Path(case['spec']).name}+{Path(case['pact']).name}"


@pytest.mark.parametrize("case", [c for c in CASES if "error_kind" not in c], ids=case_id)
def test_swagger_mock_validator_case(case: dict[str, Any]) -> None:
    spec = load_spec((CORPUS / case["spec"]).read_bytes())
    findings = compare(spec, (CORPUS / case["pact"]).read_bytes())
    errors = [f for f in findings if f.type == "error"]
    warnings = [f for f in findings if f.type == "warning"]
    assert (not errors) == case["success"]
    assert len(errors) == case["errors"]
    assert len(warnings) == case["warnings"]
    if "warning_codes" in case:
        assert [f.code for f in warnings] == case["warning_codes"]
    if "first_error" in case:
        assert errors[0].code == case["first_error"]["code"]
        assert errors[0].mock_details.location == case["first_error"]["location"]
    # The spec location of `first_error` is swagger-mock-validator's (`oneOf.0.unevaluated…`);
    # the comparator reports the closed schema's `additionalProperties`, as we do.
    if "errors_detail" in case:
        for finding, detail in zip(errors, case["errors_detail"], strict=True):
            assert finding.code == detail["code"]
            # swagger-mock-validator kept the pact's header case (`Content-Type`); the
            # comparator names headers in lower case, as we do.
            location, prefix = finding.mock_details.location, detail["location_prefix"]
            assert location.lower().startswith(prefix.lower())


@pytest.mark.parametrize("case", [c for c in CASES if "error_kind" in c], ids=case_id)
def test_an_invalid_swagger_document_is_refused(case: dict[str, Any]) -> None:
    with pytest.raises(SpecError, match=r"info\.version"):
        load_spec((CORPUS / case["spec"]).read_bytes())
