"""oasdiff's response and API rules: each case yields exactly its id at oasdiff's level.

The table is `rules_response.py`; every owned rule of `rules.json` is a case or listed as not
applicable, with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.spec_diff.rules_response import (
    CASES,
    NOT_APPLICABLE,
    OWNED_PREFIXES,
    TODAY,
    Case,
    api,
    body,
    edit,
    item_doc,
    mapped,
    prop,
    with_op,
)
from verifier.spec_diff import DeprecationPolicy, diff_specs

_S: dict[str, Any] = {"type": "string"}
_OBJECT: dict[str, Any] = {"type": "object"}

RULES_FILE = Path(__file__).resolve().parents[4] / "shared" / "corpora" / "oasdiff" / "rules.json"
RULES = {r["id"]: r for r in json.loads(RULES_FILE.read_text())["rules"]}
# the request side owns `request-…`, `new-…`, `optional-request…`, `required-request…`
OWNED = {rule for rule in RULES if rule.startswith(OWNED_PREFIXES)}


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
def test_rule(case: Case) -> None:
    """The revision yields the rule's id at rules.json's level, and nothing else."""
    assert case.level == RULES[case.rule]["level"]
    changes = diff_specs(
        json.dumps(case.base), json.dumps(case.revision), today=TODAY, **case.options
    )
    found = sorted((change.id, change.level.value) for change in changes)
    expected = sorted(
        [(case.rule, case.level), *((other, RULES[other]["level"]) for other in case.also)]
    )
    assert found == expected


def test_every_owned_rule_is_tested_or_not_applicable() -> None:
    """No owned rule is left out, none is both tested and set aside, and the table is ours."""
    tested = {case.rule for case in CASES}
    assert OWNED - tested - NOT_APPLICABLE.keys() == set()
    assert tested & NOT_APPLICABLE.keys() == set()
    assert (tested | NOT_APPLICABLE.keys()) - OWNED == set()
    assert len(tested) == len(CASES)  # one case per rule
    assert all(reason.strip() for reason in NOT_APPLICABLE.values())
    assert len(tested) / len(OWNED) >= 0.97


@pytest.mark.parametrize(
    "sunset",
    ["2027-06-01 or so", "2027-13-01", "2027-6-1", 20270601, "2027-06-01T25:00:00Z", None],
)
def test_a_sunset_that_does_not_parse_is_never_trusted(sunset: object) -> None:
    """Removing an operation, deprecating one or a response property with such a sunset is
    reported as a sunset that cannot be read, never judged as a date."""
    deprecated = {"deprecated": True, "x-sunset": sunset}
    removed = diff_specs(
        json.dumps(item_doc(**deprecated)), json.dumps(api(schema=_S)), today=TODAY
    )
    assert [(c.id, c.level.value) for c in removed] == [("api-path-sunset-parse", "ERR")]
    operation = diff_specs(json.dumps(with_op()), json.dumps(with_op(**deprecated)), today=TODAY)
    assert [(c.id, c.level.value) for c in operation] == [("api-deprecated-sunset-parse", "ERR")]
    field = diff_specs(json.dumps(prop(_S)), json.dumps(prop({**_S, **deprecated})), today=TODAY)
    assert [(c.id, c.level.value) for c in field] == [
        ("response-property-deprecated-sunset-invalid", "ERR")
    ]


@pytest.mark.parametrize(
    "sunset", ["2027-06-01", "2027-06-01T00:00:00Z", "2027-06-01T08:30:00+02:00"]
)
def test_a_date_or_an_rfc3339_date_time_is_a_sunset(sunset: str) -> None:
    """oasdiff's two forms of a sunset: removing the operation before it breaks clients."""
    removed = diff_specs(
        json.dumps(item_doc(deprecated=True, **{"x-sunset": sunset})),
        json.dumps(api(schema=_S)),
        today=TODAY,
    )
    assert [c.id for c in removed] == ["api-path-removed-before-sunset"]


def test_a_yaml_date_is_a_sunset() -> None:
    """An unquoted YAML date (read as a date, not a string) is the date it names."""
    base = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n"
        "      deprecated: true\n      x-sunset: 2027-06-01\n"
        "      responses: {'200': {description: ok}}\n"
    )
    revision = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
    changes = diff_specs(base, revision, today=TODAY)
    assert [c.id for c in changes] == ["api-path-removed-before-sunset"]


def test_annotation_only_all_of_members_of_a_request_are_not_breaking() -> None:
    """The request side of the same fix: a title-only allOf branch refuses no request."""

    def request(schema: dict[str, Any]) -> str:
        document = api(schema=_S)
        document["paths"]["/pets"]["post"] = {
            "requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"201": {"description": "made"}},
        }
        return json.dumps(document)

    added = diff_specs(request(_OBJECT), request({**_OBJECT, "allOf": [{"title": "Pet"}]}))
    assert [(c.id, c.level.value) for c in added] == [
        ("request-body-all-of-added-annotation-only", "INFO")
    ]
    constrained = diff_specs(request(_OBJECT), request({**_OBJECT, "allOf": [{"required": ["a"]}]}))
    assert [(c.id, c.level.value) for c in constrained] == [("request-body-all-of-added", "ERR")]


def test_discriminator_mapping_changes_are_told_apart() -> None:
    """Keys added, deleted and remapped in one revision are three changes, each naming its key."""
    base = mapped({"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"})
    revision = mapped({"cat": "#/components/schemas/Feline", "bird": "#/components/schemas/B"})
    changes = diff_specs(json.dumps(body(base)), json.dumps(body(revision)))
    found = {c.id: c.text for c in changes}
    assert set(found) == {
        "response-body-discriminator-mapping-added",
        "response-body-discriminator-mapping-deleted",
        "response-body-discriminator-mapping-changed",
    }
    assert "bird" in found["response-body-discriminator-mapping-added"]
    assert "dog" in found["response-body-discriminator-mapping-deleted"]
    assert "cat" in found["response-body-discriminator-mapping-changed"]


def test_a_deprecation_policy_reaches_request_parameters_and_properties() -> None:
    """With oasdiff's minimum notice, deprecating a request parameter or property without a
    sunset is an error there too (without a policy it is not: see the request table)."""

    def document(parameter: dict[str, Any], field: dict[str, Any]) -> str:
        spec = api(schema=_S)
        spec["paths"]["/pets"]["get"]["parameters"] = [{"name": "q", "in": "query", **parameter}]
        spec["paths"]["/pets"]["post"] = {
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"name": field}}}}},
            "responses": {"201": {"description": "made"}},
        }  # fmt: skip
        return json.dumps(spec)

    base = document({"schema": _S}, _S)
    revision = document({"schema": _S, "deprecated": True}, {**_S, "deprecated": True})
    found = sorted(
        (c.id, c.level.value)
        for c in diff_specs(base, revision, today=TODAY, policy=DeprecationPolicy())
    )
    assert found == [
        ("request-parameter-deprecated-sunset-missing", "ERR"),
        ("request-property-deprecated-sunset-missing", "ERR"),
    ]
    without = sorted(c.id for c in diff_specs(base, revision, today=TODAY))
    assert without == ["request-parameter-deprecated", "request-property-deprecated"]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("1.0.0", "2.0.0", []),
        ("0.3.1", "0.4.0", []),  # below 1.0.0 a minor increase carries a breaking change
        ("0.3.1", "0.3.2", ["api-major-version-not-bumped"]),
        ("v1.4.0", "v1.4.0", ["api-version-not-bumped"]),
        ("2.0.0", "1.9.9", ["api-version-decreased"]),
        ("v1", "v1", []),  # not semantic versions: not judged
        ("2026-05-01", "2026-06-01", []),
    ],
)
def test_the_versioning_policy_judges_semantic_versions_only(
    before: str, after: str, expected: list[str]
) -> None:
    """A breaking change (a success status removed) under each pair of versions."""
    base = edit(body(_S, version=before), ("paths", "/pets", "get", "responses", "201"), {
        "description": "made"})  # fmt: skip
    changes = diff_specs(
        json.dumps(base), json.dumps(body(_S, version=after)), today=TODAY, versioning=True
    )
    assert [c.id for c in changes if c.id != "response-success-status-removed"] == expected


def _yaml_spec(schema: str, media: str = "application/json", operation: str = "") -> str:
    return (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    get:\n"
        f"{operation}      responses:\n        '200':\n          description: d\n"
        f"          content:\n            {media}:\n              schema: {schema}\n"
    )


@pytest.mark.parametrize(
    ("base", "revision", "expected"),
    [
        (  # YAML reads `1:` as an integer: it is the property named "1"
            _yaml_spec("{type: object, properties: {1: {type: string}, a: {type: string}}}"),
            _yaml_spec("{type: object, properties: {1: {type: string, readOnly: true}}}"),
            ["response-optional-property-became-read-only", "response-optional-property-removed"],
        ),
        (  # a media type YAML reads as a number
            _yaml_spec("{type: string}", media="1"),
            _yaml_spec("{type: string}", media="2"),
            ["response-media-type-added", "response-media-type-removed"],
        ),
        (
            _yaml_spec("{type: object, properties: {a: {type: string}}}"),
            _yaml_spec("{type: object, properties: {a: {deprecated: true, x-sunset: [1]}}}"),
            ["response-property-deprecated-sunset-invalid", "response-property-type-changed"],
        ),
        (
            _yaml_spec("{type: string}", operation="      x-stability-level: {a: 1}\n"),
            _yaml_spec("{type: string}", operation="      x-stability-level: [1]\n"),
            ["api-invalid-stability-level", "api-invalid-stability-level"],
        ),
        (
            _yaml_spec("{type: object, discriminator: {propertyName: k, mapping: [1]}}"),
            _yaml_spec("{type: object, discriminator: {propertyName: k, mapping: {1: 2}}}"),
            ["response-body-discriminator-mapping-added"],
        ),
    ],
)
def test_odd_values_where_names_and_keywords_belong_are_compared(
    base: str, revision: str, expected: list[str]
) -> None:
    """Hostile documents: odd keys and keyword values give changes, never an exception."""
    changes = diff_specs(base, revision, today=TODAY, policy=DeprecationPolicy(), versioning=True)
    assert sorted(c.id for c in changes) == expected
