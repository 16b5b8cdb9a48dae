"""Small specs and pacts, each about one router or validator behaviour, give what opc gives.

Each `data/opc-cases/NAME.opc-results.json` is what `opc --oas NAME.oas.yaml NAME.pact.json`
(openapi-pact-comparator 2.3.1) printed; `tests/conformance/test_opc_cases_live.py` runs the
real comparator again on the same files when it is installed.
`ajv-keyword-reports`: `propertyNames` and `contains` (each failure, then the keyword's own),
`false` subschemas (reported where they stand), and locations whose names Ajv escapes (`a b`,
`é`, `x/y`, `t~n`, a `patternProperties` key).
`if-then-else`: failing `then` and `else` branches in a query parameter, nested properties,
array items behind a `$ref`, an `anyOf` branch and `allOf` members (OpenAPI 3.1).
`router-options`: the spec's `x-opc-config-ignore-trailing-slash`, `-ignore-duplicate-slashes`
and `-no-percent-encoding`.
`wildcard-paths`: `*` and `**` path templates beside literal and templated ones.
`yaml-core-scalars`: plain YAML scalars that YAML 1.1 and 1.2 read apart (`on`, `yes`, `017`,
`0o17`, `12:30`, `1_000`), as names and enum values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.comparison import compare, load_spec

DATA = Path(__file__).parent / "data" / "opc-cases"


def identity(result: dict[str, Any]) -> tuple[Any, ...]:
    mock, spec = result["mockDetails"], result["specDetails"]
    return (
        result["code"],
        result["type"],
        mock["location"],
        mock.get("value"),
        spec["location"],
        spec.get("pathMethod"),
        spec.get("pathName"),
    )


def ours(name: str) -> list[tuple[Any, ...]]:
    spec = load_spec((DATA / f"{name}.oas.yaml").read_bytes())
    found = compare(spec, (DATA / f"{name}.pact.json").read_bytes())
    return [identity(finding.to_json()) for finding in found]


def theirs(name: str) -> list[tuple[Any, ...]]:
    return [
        identity(result) for result in json.loads((DATA / f"{name}.opc-results.json").read_text())
    ]


def test_trust_21_a_failing_then_or_else_is_reported_with_the_if_location_beside_it() -> None:
    got = ours("if-then-else")
    schema = "[root].paths./n.get.responses.200.content.application/json.schema"
    inner = "[root].interactions[2].response.body.inner"
    assert [(location, spec) for _, _, location, _, spec, _, _ in got[4:8]] == [
        (inner, f"{schema}.properties.inner.then.required"),
        (f"{inner}.x", f"{schema}.properties.inner.then.properties.x.minLength"),
        (inner, f"{schema}.properties.inner.if"),
        (inner, f"{schema}.properties.inner.additionalProperties"),
    ]
    assert got == theirs("if-then-else")


def test_trust_21_wildcard_path_segments_route_as_opc_s_router_does() -> None:
    spec = load_spec((DATA / "wildcard-paths.oas.yaml").read_bytes())
    routed = {
        path: found[0].path if (found := spec.router.find("GET", path)) else None
        for path in ("/f/q/other", "/f/", "/f", "/f/lit/a/b", "/f/xq", "/f/xq/r", "/e/a.json/b")
    }
    assert routed == {
        "/f/q/other": "/f/**",  # any number of segments, after `{id}/deep` leads nowhere
        "/f/": "/f/**",  # none at all
        "/f": None,  # but the slash before the wildcard is literal
        "/f/lit/a/b": "/f/lit/**",
        "/f/xq": "/f/x{id}",  # a parameter before a wildcard with the same literal prefix
        "/f/xq/r": "/f/x*",
        "/e/a.json/b": "/e/*",
    }
    assert ours("wildcard-paths") == theirs("wildcard-paths")


@pytest.mark.parametrize(
    ("template", "path", "routed"),
    [
        ("/files/**", "/files/a/b/c", True),
        ("/files/*", "/files/a%2Fb", True),
        ("/files/v**", "/files/v", True),
        ("/files/v**", "/files/w1", False),
        ("/a/{b}**", "/a/x*", True),  # after a parameter a star is literal text
        ("/a/{b}**", "/a/x", False),
        ("/files/**/meta", "/files/a/meta", False),  # opc refuses the spec; nothing routes
        ("/files/**.json", "/files/a.json", False),
    ],
)
def test_trust_21_where_a_star_is_a_wildcard(template: str, path: str, routed: bool) -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {template: {"get": {"responses": {"200": {"description": "OK"}}}}},
    }
    spec = load_spec(json.dumps(document).encode())
    assert (spec.router.find("GET", path) is not None) is routed


def test_trust_21_yaml_scalars_read_as_opc_reads_them() -> None:
    """YAML 1.2 core scalars: a property named `on` is checked, `yes` is a string, 017 is 17."""
    spec = load_spec((DATA / "yaml-core-scalars.oas.yaml").read_bytes())
    properties = spec.document["paths"]["/k"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["properties"]
    assert "on" in properties
    assert properties["flag"]["enum"] == ["yes", "no", "On", "off", "y", "n"]
    assert properties["n"]["enum"] == [15, "1_000", "0b11", 17, 31, "12:30"]
    assert ours("yaml-core-scalars") == theirs("yaml-core-scalars")


def test_trust_21_keywords_with_subschemas_report_as_ajv_does() -> None:
    """The sibling of if/then: propertyNames and contains add their own error after the items'."""
    got = ours("ajv-keyword-reports")
    schema = "[root].paths./k.post.requestBody.content.application/json.schema.properties"
    assert [spec for _, _, _, _, spec, _, _ in got[:7]] == [
        f"{schema}.pn.propertyNames.maxLength",
        f"{schema}.pn.propertyNames",
        f"{schema}.pn.propertyNames.pattern",
        f"{schema}.pn.propertyNames",
        f"{schema}.co.contains.minimum",
        f"{schema}.co.contains.minimum",
        f"{schema}.co.contains",
    ]
    assert f"{schema}.pp.patternProperties.%5En%5B0-9%5D*%24.type" in [row[4] for row in got]
    assert (
        "[root].interactions[13].request.body.tup.1",
        f"{schema}.tup.items.1.false schema",
    ) in [(row[2], row[4]) for row in got]
    assert got == theirs("ajv-keyword-reports")


def test_trust_21_the_router_options_of_opc_apply() -> None:
    """Trailing and doubled slashes and literal percent signs, when the spec's info asks."""
    spec = load_spec((DATA / "router-options.oas.yaml").read_bytes())
    routed = {
        path: found[0].path if (found := spec.router.find("GET", path)) else None
        for path in ("/pets", "/cats/", "//cats", "/a/b", "/files/100%", "/w//x/")
    }
    assert routed == {
        "/pets": "/pets/",
        "/cats/": "/cats",
        "//cats": "/cats",
        "/a/b": "/a//b",
        "/files/100%": "/files/{name}",
        "/w//x/": "/w/**",
    }
    assert ours("router-options") == theirs("router-options")
