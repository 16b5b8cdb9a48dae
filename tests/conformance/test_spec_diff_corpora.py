"""Breaking-change detection (`verifier.spec_diff`) against oasdiff's and openapi-diff's cases.

oasdiff (`../shared/corpora/oasdiff`, Apache-2.0): 82 base/revision pairs with the change ids
its tests assert. openapi-diff (`../shared/corpora/openapi-diff`, Apache-2.0): 143 pairs with
the verdict its tests assert. Accord levels changes as oasdiff does, so where the two projects
judge a change differently (openapi-diff calls a removed 400 response incompatible, oasdiff
rates it INFO) the case is listed in `DISAGREEMENTS` with the id and level Accord reports, and
the test checks exactly that. `test_breaking_class_precision_and_recall` prints the figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from verifier.spec_diff import OWN_IDS, Change, diff_specs

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
OASDIFF = CORPORA / "oasdiff"
OPENAPI_DIFF = CORPORA / "openapi-diff"
TODAY = date(2026, 11, 25)  # sunset dates in the cases are 9999-… (future) or 2020-… (past)
RANK = {"INFO": 0, "WARN": 1, "ERR": 2}

RULES = {r["id"]: r for r in json.loads((OASDIFF / "rules.json").read_text())["rules"]}
OASDIFF_CASES = json.loads((OASDIFF / "manifest.json").read_text())["cases"]
OPENAPI_DIFF_CASES = json.loads((OPENAPI_DIFF / "manifest.json").read_text())["cases"]

OASDIFF_SKIPS = {
    "check_breaking_property/TestBreaking_ReqBodyDeleteRequiredProperty2": (
        "request-property-items.yaml has no info.version, and load_spec refuses a document "
        "that is not a valid OpenAPI description (out of scope for a diff)"
    ),
}

#: openapi-diff case -> (the id Accord reports, its level, why the verdicts differ).
DISAGREEMENTS: dict[str, tuple[str | None, str, str]] = {
    "OneOfDiffTest.testOneOfDiscrimitatorChanged": (
        "request-body-discriminator-property-name-changed",
        "INFO",
        "oasdiff rates discriminator changes INFO",
    ),
    "SchemaBCTest.discriminatorChanged": (
        "request-property-discriminator-property-name-changed",
        "INFO",
        "oasdiff rates discriminator changes INFO",
    ),
    "MinLengthBCTest.responseMinLengthIncreased": (
        None,
        "",
        "a response promising longer strings narrows it: oasdiff has no rule, openapi-diff's "
        "is off by default",
    ),
    "MinLengthBCTest.responseMinLengthDecreasedButCompatible": (
        "response-body-min-length-decreased",
        "ERR",
        "oasdiff rates a response minLength decrease ERR",
    ),
    "ApiResponseBCTest.decreased": (
        "response-non-success-status-removed",
        "INFO",
        "oasdiff rates removing a 4xx response INFO",
    ),
    "EnumBCTest.responseIncreased": (
        "response-property-enum-value-added",
        "WARN",
        "oasdiff rates a new response enum value WARN",
    ),
    "OperationBCTest.operationIdChangedInCompatibleWithFlagSet": (
        "api-operation-id-removed",
        "INFO",
        "openapi-diff's rule is off by default",
    ),
    "SecuritySchemeBCTest.bearerFormatChanged": (
        "api-security-component-bearer-format-changed",
        "INFO",
        "bearerFormat is documentation; oasdiff has no rule",
    ),
    "SecuritySchemeBCTest.openIdConnectUrlChanged": (
        "api-security-component-openid-connect-url-changed",
        "INFO",
        "oasdiff rates security URL changes INFO",
    ),
    "SecuritySchemeBCTest.typeChanged": (
        "api-security-component-type-changed",
        "INFO",
        "oasdiff rates a security scheme type change INFO",
    ),
    "SecuritySchemeBCTest.scopesIncreased": (
        "api-security-scope-added",
        "INFO",
        "oasdiff rates a scope added to a requirement INFO",
    ),
    "SecurityRequirementsBCTest.decreased": (
        "api-security-removed",
        "INFO",
        "oasdiff rates a security requirement removed INFO",
    ),
    "SecurityRequirementsBCTest.schemeTypeChanged": (
        "api-security-component-type-changed",
        "INFO",
        "oasdiff rates a security scheme type change INFO",
    ),
    "OAuthFlowBCTest.authorizationUrlChanged": (
        "api-security-component-oauth-url-changed",
        "INFO",
        "oasdiff rates OAuth URL changes INFO",
    ),
    "OAuthFlowBCTest.refreshUrlChanged": (
        "api-security-component-oauth-url-changed",
        "INFO",
        "oasdiff rates OAuth URL changes INFO",
    ),
    "OAuthFlowBCTest.tokenUrlChanged": (
        "api-security-component-oauth-token-url-changed",
        "INFO",
        "oasdiff rates OAuth URL changes INFO",
    ),
    "WriteOnlyBCTest.responseWriteOnlyIncreased": (
        "response-optional-property-became-write-only",
        "INFO",
        "oasdiff rates writeOnly changes INFO",
    ),
    "WriteOnlyBCTest.responseWriteOnlyRequiredDecreased": (
        "response-required-property-became-not-write-only",
        "WARN",
        "oasdiff warns when a required response property stops being write-only",
    ),
    "ReadOnlyBCTest.requestReadOnlyIncreased": (
        "request-optional-property-became-read-only",
        "INFO",
        "oasdiff rates readOnly changes INFO",
    ),
    "ReadOnlyBCTest.requestReadOnlyRequiredDecreased": (
        "request-required-property-became-not-read-only",
        "INFO",
        "oasdiff rates readOnly changes INFO",
    ),
    "SchemaBCTest.requestFormatIncreased": (
        "request-property-type-generalized",
        "INFO",
        "oasdiff rates int32 -> int64 in a request a widening: every int32 value is an int64",
    ),
    "HeadersBCTest.responseDecreased": (
        "optional-response-header-removed",
        "WARN",
        "oasdiff rates removing an optional response header WARN",
    ),
    "ParametersBCTest.decreased": (
        "request-parameter-removed",
        "WARN",
        "oasdiff rates removing a parameter WARN (servers often ignore unknown ones)",
    ),
    "HeaderBCTest.responseRequiredIncreased": (
        None,
        "",
        "a response header that is now always sent promises more; oasdiff has no rule",
    ),
}

#: openapi-diff "changed" cases where Accord rightly reports nothing, and why.
NOT_REPORTED = {
    "ParameterDiffTest.issue458ExclusiveMinimumRemoved": "`exclusiveMinimum: false` is the default",
    "ParameterDiffTest.issue458ExclusiveMaximumRemoved": "`exclusiveMaximum: false` is the default",
    "HeaderBCTest.changedButCompatible": "oasdiff has no rule for a deprecated response header",
}


def _diff(root: Path, case: dict[str, Any]) -> list[Change]:
    base = (root / case["base"]).read_bytes()
    revision = (root / case["revision"]).read_bytes()
    return diff_specs(base, revision, today=TODAY)


def _oasdiff_reported(case: dict[str, Any], changes: list[Change]) -> list[Change]:
    """The changes upstream's test would have kept: at or above the case's level, and from the
    one check it ran. rules.json names one check per id, but oasdiff emits a few ids from more
    than one check (`api-path-sunset-parse` from the removal and the sunset checks), so an
    expected id always counts."""
    return [
        c
        for c in changes
        if RANK[c.level.value] >= RANK[case["min_level"]]
        and (
            case["checks"] == "all"
            or RULES.get(c.id, {}).get("check") == case["checks"]
            or c.id in case["expected_ids"]
        )
    ]


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


@pytest.mark.parametrize("case", OASDIFF_CASES, ids=_ids(OASDIFF_CASES))
def test_oasdiff_case(case: dict[str, Any]) -> None:
    """The ids oasdiff's test asserts are the ids Accord reports (exactly, where it is exact)."""
    if case["id"] in OASDIFF_SKIPS:
        pytest.skip(OASDIFF_SKIPS[case["id"]])
    changes = _diff(OASDIFF, case)
    got = [c.id for c in _oasdiff_reported(case, changes)]
    if case["exact"]:
        assert sorted(got) == sorted(case["expected_ids"])
    else:
        assert set(case["expected_ids"]) <= set(got)
    assert not set(got) & set(case["absent_ids"])
    levels = {c.id: c.level.value for c in changes}
    for change_id, level in zip(case["expected_ids"], case["expected_levels"], strict=True):
        assert levels[change_id] == level, change_id


@pytest.mark.parametrize("case", OPENAPI_DIFF_CASES, ids=_ids(OPENAPI_DIFF_CASES))
def test_openapi_diff_case(case: dict[str, Any]) -> None:
    """openapi-diff's verdict, or oasdiff's level where the two disagree (`DISAGREEMENTS`)."""
    changes = _diff(OPENAPI_DIFF, case)
    breaking = [c for c in changes if c.is_breaking]
    expect = case["expect"]
    if case["id"] in DISAGREEMENTS:
        change_id, level, _ = DISAGREEMENTS[case["id"]]
        assert (change_id is None and not breaking) or (change_id, level) in {
            (c.id, c.level.value) for c in changes
        }
    elif expect == "incompatible":
        assert breaking
    elif expect == "unchanged":
        assert changes == []
    elif expect in ("compatible", "no-endpoint-changes"):
        assert breaking == []
    elif expect == "changed-compatible":
        assert breaking == []
        assert (changes == []) if case["id"] in NOT_REPORTED else changes
    else:  # changed-operations-only: an operation changed, none added or removed
        assert not [c for c in changes if c.target.kind == "operation" and "remov" in c.id]
        assert not [c for c in changes if c.id == "endpoint-added"]
        assert (changes == []) if case["id"] in NOT_REPORTED else changes


def test_every_reported_id_is_oasdiffs_or_listed_as_ours() -> None:
    """Accord's ids are oasdiff's vocabulary, at oasdiff's levels, plus the documented
    `OWN_IDS`."""
    seen = {
        (c.id, c.level.value)
        for root, cases in ((OASDIFF, OASDIFF_CASES), (OPENAPI_DIFF, OPENAPI_DIFF_CASES))
        for case in cases
        if case["id"] not in OASDIFF_SKIPS
        for c in _diff(root, case)
    }
    assert {i for i, _ in seen} - RULES.keys() <= OWN_IDS
    assert not OWN_IDS & RULES.keys()
    assert {(i, lvl) for i, lvl in seen if i in RULES and RULES[i]["level"] != lvl} == set()


def _counts(pairs: Iterator[tuple[bool, bool]]) -> tuple[int, int, int, int]:
    tp = fp = fn = tn = 0
    for expected, predicted in pairs:
        tp += expected and predicted
        fp += predicted and not expected
        fn += expected and not predicted
        tn += not expected and not predicted
    return tp, fp, fn, tn


def _line(name: str, counts: tuple[int, int, int, int]) -> str:
    tp, fp, fn, tn = counts
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (
        f"{name}: precision {precision:.1%}, recall {recall:.1%} "
        f"(true positives {tp}, false positives {fp}, false negatives {fn}, true negatives {tn})"
    )


def _oasdiff_pairs() -> Iterator[tuple[bool, bool]]:
    for case in OASDIFF_CASES:
        if case["id"] in OASDIFF_SKIPS:
            continue
        reported = _oasdiff_reported(case, _diff(OASDIFF, case))
        yield "ERR" in case["expected_levels"], any(c.is_breaking for c in reported)


def _oasdiff_change_counts() -> tuple[int, int, int, int]:
    tp = fp = fn = 0
    for case in OASDIFF_CASES:
        if case["id"] in OASDIFF_SKIPS or not case["exact"]:
            continue
        reported = _oasdiff_reported(case, _diff(OASDIFF, case))
        expected = [
            i
            for i, lvl in zip(case["expected_ids"], case["expected_levels"], strict=True)
            if lvl == "ERR"
        ]
        got = [c.id for c in reported if c.is_breaking]
        common = sum(min(expected.count(i), got.count(i)) for i in set(expected))
        tp, fp, fn = tp + common, fp + len(got) - common, fn + len(expected) - common
    return tp, fp, fn, 0


def _openapi_diff_pairs(*, agreed_only: bool) -> Iterator[tuple[bool, bool]]:
    labelled = {
        "incompatible",
        "unchanged",
        "changed-compatible",
        "compatible",
        "no-endpoint-changes",
    }
    for case in OPENAPI_DIFF_CASES:
        if case["expect"] not in labelled or (agreed_only and case["id"] in DISAGREEMENTS):
            continue
        changes = _diff(OPENAPI_DIFF, case)
        yield case["expect"] == "incompatible", any(c.is_breaking for c in changes)


def test_breaking_class_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints precision and recall of the breaking class (ERR) and holds the agreed cases to
    recall >= 95 % with no false positive."""
    oasdiff_cases = _counts(_oasdiff_pairs())
    oasdiff_changes = _oasdiff_change_counts()
    agreed = _counts(_openapi_diff_pairs(agreed_only=True))
    everything = _counts(_openapi_diff_pairs(agreed_only=False))
    with capsys.disabled():
        print()  # noqa: T201  # the figures are this test's report
        for name, counts in (
            ("spec diff, oasdiff cases (ERR in the case)", oasdiff_cases),
            ("spec diff, oasdiff ERR changes (exact cases, by id)", oasdiff_changes),
            ("spec diff, openapi-diff cases where its rules agree with oasdiff's", agreed),
            ("spec diff, openapi-diff cases, all labelled", everything),
        ):
            print(_line(name, counts))  # noqa: T201
    for tp, fp, fn, _ in (oasdiff_cases, oasdiff_changes, agreed):
        assert fp == 0
        assert tp / (tp + fn) >= 0.95
