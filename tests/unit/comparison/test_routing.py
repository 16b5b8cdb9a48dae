"""Routing a pact's method and path to the spec's operation."""

from __future__ import annotations

import json

from verifier.comparison import load_spec


def spec_with(paths: dict[str, object], **info: object) -> bytes:
    operation = {"responses": {"200": {"description": "OK"}}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", **info},
        "paths": {path: {"get": operation} for path in paths},
    }
    return json.dumps(document).encode()


def test_a_literal_segment_wins_over_a_template() -> None:
    spec = load_spec(spec_with({"/pets/{id}": {}, "/pets/mine": {}}))
    assert spec.router.find("GET", "/pets/mine") is not None
    operation, params = spec.router.find("GET", "/pets/7") or (None, {})
    assert operation is not None and operation.path == "/pets/{id}"
    assert params == {"id": "7"}


def test_backtracking_finds_a_template_when_the_literal_branch_ends_nowhere() -> None:
    spec = load_spec(spec_with({"/a/b/c": {}, "/a/{x}/d": {}}))
    found = spec.router.find("GET", "/a/b/d")
    assert found is not None and found[0].path == "/a/{x}/d"


def test_matching_is_case_sensitive_unless_the_spec_says_otherwise() -> None:
    assert load_spec(spec_with({"/Pets": {}})).router.find("GET", "/pets") is None
    relaxed = load_spec(spec_with({"/Pets": {}}, **{"x-opc-config-case-insensitive": True}))
    assert relaxed.router.find("GET", "/pets") is not None


def test_percent_escapes_are_decoded_and_broken_ones_match_nothing() -> None:
    spec = load_spec(spec_with({"/files/{name}": {}, "/a b": {}}))
    found = spec.router.find("GET", "/files/my%20file")
    assert found is not None and found[1] == {"name": "my file"}
    assert spec.router.find("GET", "/a%20b") is not None
    assert spec.router.find("GET", "/files/100%") is None


def test_a_template_inside_a_segment_and_hyphenated_names() -> None:
    spec = load_spec(spec_with({"/reports/{report-id}.json": {}}))
    found = spec.router.find("GET", "/reports/42.json")
    assert found is not None and found[1] == {"reportid": "42"}


def test_other_methods_and_trailing_slashes_do_not_match() -> None:
    spec = load_spec(spec_with({"/pets": {}}))
    assert spec.router.find("POST", "/pets") is None
    assert spec.router.find("GET", "/pets/") is None
