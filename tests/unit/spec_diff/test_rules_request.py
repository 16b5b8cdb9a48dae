"""Every request-side rule of oasdiff's `rules.json`: its example reports exactly that id at that
level, or it is listed as not applicable with a reason (`rules_request.py`)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.unit.spec_diff.rules_request import (
    CASES,
    EXTRA_CASES,
    NOT_APPLICABLE,
    PREFIXES,
    STRING,
    Case,
    body,
    obj,
    param,
    prop,
)
from verifier.spec_diff import OWN_IDS, diff_specs

RULES_JSON = Path(__file__).parents[3].parent / "shared" / "corpora" / "oasdiff" / "rules.json"
RULES = {rule["id"]: rule for rule in json.loads(RULES_JSON.read_text())["rules"]}
OWNED = sorted(rule for rule in RULES if rule.startswith(PREFIXES))
TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "case",
    [*CASES, *EXTRA_CASES],
    ids=[c.rule for c in CASES] + [f"extra-{c.rule}" for c in EXTRA_CASES],
)
def test_rule(case: Case) -> None:
    """The revision reports the rule's id at its level, and no other id."""
    changes = diff_specs(
        json.dumps(case.base), json.dumps(case.revision), today=TODAY, **case.options
    )
    found = {(c.id, c.level.value) for c in changes}
    assert found, "nothing reported"
    assert {i for i, _ in found} == {case.rule, *case.also}, found
    assert (case.rule, case.level) in found, found
    assert RULES[case.rule]["level"] == case.level


def test_every_owned_rule_has_a_case_or_a_reason() -> None:
    """Each owned rule is tested or explained, not both; prints the coverage."""
    tested = {case.rule for case in CASES}
    assert tested <= set(OWNED), tested - set(OWNED)
    assert not tested & NOT_APPLICABLE.keys()
    assert set(NOT_APPLICABLE) <= set(OWNED)
    assert all(len(reason) > 40 for reason in NOT_APPLICABLE.values())
    missing = set(OWNED) - tested - NOT_APPLICABLE.keys()
    assert not missing, sorted(missing)
    print(  # noqa: T201  # the coverage is this test's report
        f"\nrequest-side rules: {len(OWNED)} owned, {len(tested)} tested "
        f"({len(tested) / len(OWNED):.1%}), {len(NOT_APPLICABLE)} not applicable"
    )
    assert len(tested) / len(OWNED) >= 0.97


def test_every_id_the_cases_report_is_known() -> None:
    """No case makes Accord report an id that is neither oasdiff's nor in `OWN_IDS`."""
    seen = {
        change.id
        for case in CASES
        for change in diff_specs(json.dumps(case.base), json.dumps(case.revision), today=TODAY)
    }
    assert seen - RULES.keys() <= OWN_IDS, sorted(seen - RULES.keys() - OWN_IDS)


# a keyword, the schema it is set on, and values it takes (None: absent)
SWEEP: dict[str, tuple[dict[str, Any], list[Any]]] = {
    "maximum": ({"type": "number"}, [None, 1, 5]),
    "exclusiveMinimum": ({"type": "number"}, [None, 1, 5]),
    "maxLength": (STRING, [None, 1, 5]),
    "minItems": ({"type": "array", "items": STRING}, [None, 1, 5]),
    "maxItems": ({"type": "array", "items": STRING}, [None, 1, 5]),
    "maxProperties": ({"type": "object"}, [None, 1, 5]),
    "minProperties": ({"type": "object"}, [None, 1, 5]),
    "pattern": (STRING, [None, "^a", ".*"]),
    "enum": (STRING, [None, ["a"], ["a", "b"]]),
    "default": (STRING, [None, "a"]),
    "format": (STRING, [None, "date", "date-time"]),
    "type": ({}, [None, "string", "integer", "number"]),
    "deprecated": (STRING, [None, True]),
    "const": (STRING, [None, "a", "b"]),
}
PLACES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "body": lambda s: body(s, openapi="3.1.0"),
    "property": lambda s: prop(s, openapi="3.1.0"),
    "query": lambda s: param(s, openapi="3.1.0"),
    "header": lambda s: param(s, where="header", name="X-A", openapi="3.1.0"),
    "object query": lambda s: param(obj({"a": s}), openapi="3.1.0", style="deepObject"),
    "object header": lambda s: param(obj({"a": s}), where="header", name="X-A", openapi="3.1.0"),
    "query items": lambda s: param({"type": "array", "items": s}, openapi="3.1.0"),
}


@pytest.mark.parametrize("keyword", sorted(SWEEP))
def test_every_request_id_is_oasdiffs_or_our_own(keyword: str) -> None:
    """Each keyword set, unset and changed in every request place: the ids reported are
    `rules.json`'s or `OWN_IDS`'s, and at `rules.json`'s level."""
    schema, values = SWEEP[keyword]
    reported = 0
    for before, after in itertools.permutations(values, 2):
        for build in PLACES.values():
            base = {**schema, **({} if before is None else {keyword: before})}
            revision = {**schema, **({} if after is None else {keyword: after})}
            for change in diff_specs(
                json.dumps(build(base)), json.dumps(build(revision)), today=TODAY
            ):
                reported += 1
                assert change.id in RULES or change.id in OWN_IDS, change
                if change.id in RULES:
                    assert change.level.value == RULES[change.id]["level"], change
    assert reported


ODD_SCHEMAS: list[Any] = [
    {"type": "string", "format": [1]},
    {"type": "integer", "format": {"a": 1}},
    {"type": "object", "properties": [1, 2], "required": ["a"]},
    {"allOf": [1, None, {"x-note": 1}]},
    {"x-stability-level": [1]},
    {"contentSchema": 1, "contentEncoding": [1]},
    {"deprecated": True, "x-sunset": [1]},
    {"type": ["string", 1, None]},
    {"oneOf": "x"},
]


@pytest.mark.parametrize("odd", ODD_SCHEMAS, ids=[json.dumps(o) for o in ODD_SCHEMAS])
def test_odd_keyword_values_are_compared_without_failing(odd: Any) -> None:
    """Values of the wrong kind where the request checks read keywords raise nothing."""
    for build in PLACES.values():
        for before, after in ((odd, STRING), (STRING, odd), (odd, {})):
            diff_specs(json.dumps(build(before)), json.dumps(build(after)), today=TODAY)


def test_a_discriminator_mapping_with_keys_of_mixed_kinds_is_compared() -> None:
    """YAML allows integer keys beside string ones; the mapping's changes still come out."""

    def spec(mapping: str) -> str:
        return (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    post:\n"
            "      requestBody:\n        content:\n          application/json:\n"
            "            schema:\n              oneOf: [{type: object}]\n"
            f"              discriminator: {{propertyName: kind, mapping: {mapping}}}\n"
            "      responses: {'200': {description: done}}\n"
        )

    changes = diff_specs(spec("{1: '#/a', b: '#/b'}"), spec("{2: '#/a', c: '#/b'}"))
    # one change of each kind naming its keys, as oasdiff reports them (a list of keys)
    texts = {c.id: c.text for c in changes}
    assert sorted(texts) == [
        "request-body-discriminator-mapping-added",
        "request-body-discriminator-mapping-deleted",
    ]
    assert "2, c" in texts["request-body-discriminator-mapping-added"]
    assert "1, b" in texts["request-body-discriminator-mapping-deleted"]
