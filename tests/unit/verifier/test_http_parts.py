"""Method, path, query, headers and bodies of HTTP interactions, and rule path weighting."""

from __future__ import annotations

import pytest

import verifier.matching
from verifier._matching import paths
from verifier.matching import JSONValue, match_request, match_response


def test_the_public_api_is_what_all_lists() -> None:
    assert sorted(verifier.matching.__all__) == [
        "JSONValue",
        "Mismatch",
        "MismatchKind",
        "Spec",
        "match_message",
        "match_request",
        "match_response",
    ]


def test_request_mismatches_come_in_order_and_name_each_part() -> None:
    expected: dict[str, JSONValue] = {
        "method": "GET",
        "path": "/orders",
        "query": {"page": ["1"]},
        "headers": {"Accept": "application/json"},
    }
    actual: dict[str, JSONValue] = {
        "method": "POST",
        "path": "/order",
        "query": {"page": ["2"]},
        "headers": {},
    }
    found = match_request(expected, actual, spec="3")
    assert [(m.kind, m.path) for m in found] == [
        ("method", "method"),
        ("path", "path"),
        ("query", "$.query.page"),
        ("header", "Accept"),
    ]
    assert found[0].description == "method: expected method 'GET' but got \"POST\""
    assert found[2].description == '$.query.page: expected ["1"] but got ["2"]'
    assert found[3].description == (
        "Accept: expected the header 'Accept' with 'application/json' but it was missing"
    )


def test_multi_valued_headers_compare_value_by_value() -> None:
    expected: dict[str, JSONValue] = {"headers": {"Cache-Control": ["no-cache", "no-store"]}}
    assert (
        match_response(expected, {"headers": {"cache-control": "no-cache,no-store"}}, spec="4")
        == []
    )
    (mismatch,) = match_response(
        expected, {"headers": {"cache-control": "no-store, no-cache"}}, spec="4"
    )
    assert mismatch.description == (
        "Cache-Control: expected 'no-cache, no-store' but got 'no-store, no-cache'"
    )


def test_a_header_rule_applies_to_each_value_of_a_multi_valued_header() -> None:
    expected: dict[str, JSONValue] = {
        "headers": {"X-Id": ["1", "2"]},
        "matchingRules": {"header": {"x-id": {"matchers": [{"match": "integer"}]}}},
    }
    assert match_response(expected, {"headers": {"X-Id": ["7", "8", "9"]}}, spec="4") == []
    assert match_response(expected, {"headers": {"X-Id": ["7", "eight"]}}, spec="4") != []


def test_query_rules_apply_to_every_value_and_unexpected_parameters_fail() -> None:
    expected: dict[str, JSONValue] = {
        "method": "GET",
        "path": "/",
        "query": {"id": ["1"]},
        "matchingRules": {"query": {"id": {"matchers": [{"match": "regex", "regex": "\\d+"}]}}},
    }
    ok: dict[str, JSONValue] = {"method": "GET", "path": "/", "query": "id=10&id=20"}
    assert match_request(expected, ok, spec="3") == []
    bad: dict[str, JSONValue] = {"method": "GET", "path": "/", "query": {"id": ["x"], "q": ["1"]}}
    assert [m.path for m in match_request(expected, bad, spec="3")] == [
        "$.query.id[0]",
        "$.query.q",
    ]


def test_v1_responses_allow_unexpected_keys_but_requests_do_not() -> None:
    expected: dict[str, JSONValue] = {"method": "POST", "path": "/", "body": {"a": 1}}
    actual: dict[str, JSONValue] = {"method": "POST", "path": "/", "body": {"a": 1, "b": 2}}
    (mismatch,) = match_request(expected, actual, spec="1")
    assert mismatch.description == "$.body.b: expected no key 'b' but got 2"
    assert match_response({"body": {"a": 1}}, {"body": {"a": 1, "b": 2}}, spec="1") == []


def test_arrays_must_have_the_same_length_without_rules() -> None:
    found = match_response({"body": {"xs": [1, 2]}}, {"body": {"xs": [1, 2, 3]}}, spec="1.1")
    assert [m.description for m in found] == [
        "$.body.xs[2]: expected an array of 2 item(s) but got the unexpected item 3"
    ]


def test_v1_ignores_matching_rules() -> None:
    expected: dict[str, JSONValue] = {
        "body": {"a": 1},
        "matchingRules": {"$.body.a": {"match": "type"}},
    }
    assert match_response(expected, {"body": {"a": 2}}, spec="1") != []
    assert match_response(expected, {"body": {"a": 2}}, spec="2") == []


def test_the_most_specific_rule_wins() -> None:
    expected: dict[str, JSONValue] = {
        "body": {"items": [{"id": 1, "code": "A"}]},
        "matchingRules": {
            "body": {
                "$.items": {"matchers": [{"match": "type", "min": 1}]},
                "$.items[*].code": {"matchers": [{"match": "equality"}]},
            }
        },
    }
    ok: dict[str, JSONValue] = {"body": {"items": [{"id": 5, "code": "A"}, {"id": 6, "code": "A"}]}}
    assert match_response(expected, ok, spec="3") == []
    bad: dict[str, JSONValue] = {
        "body": {"items": [{"id": 5, "code": "A"}, {"id": 6, "code": "B"}]}
    }
    (mismatch,) = match_response(expected, bad, spec="3")
    assert mismatch.path == "$.body.items[1].code"


def test_keys_with_dots_are_addressed_with_brackets() -> None:
    expected: dict[str, JSONValue] = {
        "body": {"a.b": "x"},
        "matchingRules": {"body": {"$['a.b']": {"matchers": [{"match": "type"}]}}},
    }
    assert match_response(expected, {"body": {"a.b": "y"}}, spec="3") == []
    (mismatch,) = match_response(expected, {"body": {"a.b": 1}}, spec="3")
    assert mismatch.path == "$.body['a.b']"


@pytest.mark.parametrize(
    ("expression", "path", "expected"),
    [
        ("$.a.b", ["a", "b"], (8, 3)),
        ("$.a.*", ["a", "b"], (4, 3)),
        ("$.a[*]", ["a", 0], (4, 3)),
        ("$.a[*]", ["a", "b"], (0, 3)),
        ("$.a", ["a", 0, "b"], (4, 2)),
        ("$.a.0", ["a", 0], (8, 3)),
        ("$['x y'][2]", ["x y", 2], (8, 3)),
        ("$.a.b.c", ["a", "b"], (0, 4)),
    ],
)
def test_rule_path_weights(
    expression: str, path: list[str | int], expected: tuple[int, int]
) -> None:
    assert paths.weight(expression, path) == expected


def test_an_unreadable_rule_path_is_an_error() -> None:
    with pytest.raises(paths.PathSyntaxError):
        paths.parse("items[0]")


def test_form_bodies_compare_field_by_field() -> None:
    expected: dict[str, JSONValue] = {
        "method": "POST",
        "path": "/",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": "name=Mary&age=4",
        "matchingRules": {"body": {"$.age": {"matchers": [{"match": "integer"}]}}},
    }
    actual = dict(expected, body="age=7&name=Mary")
    assert match_request(expected, actual, spec="3") == []
    (mismatch,) = match_request(expected, dict(expected, body="age=old&name=Mary"), spec="3")
    assert (mismatch.path, mismatch.actual) == ("$.body.age[0]", "old")


XML: dict[str, JSONValue] = {"Content-Type": "application/xml"}


def test_xml_mismatches_name_the_attribute_or_text() -> None:
    expected: dict[str, JSONValue] = {
        "headers": XML,
        "body": '<order id="1"><item>pen</item></order>',
        "matchingRules": {"body": {"$.order['@id']": {"matchers": [{"match": "integer"}]}}},
    }
    actual: dict[str, JSONValue] = {
        "headers": XML,
        "body": '<order id="x"><item>ink</item></order>',
    }
    found = match_response(expected, actual, spec="3")
    assert [m.description for m in found] == [
        "$.body.order['@id']: expected an integer but got \"x\"",
        "$.body.order.item['#text']: expected 'pen' but got \"ink\"",
    ]


ITEMS = '<root><item id="1"><name>a</name></item></root>'
MORE_ITEMS = (
    '<root><item id="1"><name>a</name></item><item id="2"><name>b</name></item>'
    '<item id="abc"><name>c</name></item></root>'
)
DIGITS: JSONValue = {"matchers": [{"match": "regex", "regex": "\\d+"}]}
EACH_ITEM: dict[str, JSONValue] = {"$.root.item": {"matchers": [{"match": "type", "min": 1}]}}


def xml_response(rules: dict[str, JSONValue], body: str = ITEMS) -> dict[str, JSONValue]:
    return {"status": 200, "headers": XML, "body": body, "matchingRules": {"body": rules}}


@pytest.mark.parametrize(
    "expression",
    [
        "$.root.item[*]['@id']",  # the V2 specification's cases, pact_matching's planner
        "$.root.item[*].@id",
        "$.root.item['@id']",  # pact_ffi and pact-jvm
        "$.root.item.@id",
        "$.root.*['@id']",
        "$.root.item[2]['@id']",
    ],
)
def test_trust_19_an_xml_attribute_rule_reaches_every_repeated_element(expression: str) -> None:
    """Each way of writing the path reaches the third item, beyond the pact's one example."""
    expected = xml_response({**EACH_ITEM, expression: DIGITS})
    actual: dict[str, JSONValue] = {"status": 200, "headers": XML, "body": MORE_ITEMS}
    (mismatch,) = match_response(expected, actual, spec="4")
    assert mismatch.path == "$.body.root.item[2]['@id']"
    assert mismatch.actual == "abc"
    assert (
        match_response(expected, dict(actual, body=MORE_ITEMS.replace("abc", "3")), spec="4") == []
    )
    request: dict[str, JSONValue] = {"method": "POST", "path": "/", **expected}
    del request["status"]
    sent: dict[str, JSONValue] = {"method": "POST", "path": "/", "headers": XML, "body": MORE_ITEMS}
    assert [m.path for m in match_request(request, sent, spec="4")] == [
        "$.body.root.item[2]['@id']"
    ]


def test_trust_19_rules_under_a_wildcard_reach_nested_text_and_extra_elements() -> None:
    """`[*]` before a child's text, and extra items in a response with no rule of their own."""
    text_rule = xml_response(
        {
            **EACH_ITEM,
            "$.root.item[*].name['#text']": {"matchers": [{"match": "regex", "regex": "[a-c]"}]},
        }
    )
    actual: dict[str, JSONValue] = {
        "status": 200,
        "headers": XML,
        "body": MORE_ITEMS.replace(">c<", ">z<"),
    }
    (mismatch,) = match_response(text_rule, actual, spec="4")
    assert (mismatch.path, mismatch.actual) == ("$.body.root.item[2].name['#text']", "z")
    # No type rule: the response may carry more items than the pact, but each one still
    # meets the rule that names every item; values no rule names are left alone.
    only_ids = xml_response({"$.root.item[*]['@id']": DIGITS})
    got: dict[str, JSONValue] = {"status": 200, "headers": XML, "body": MORE_ITEMS}
    (mismatch,) = match_response(only_ids, got, spec="3")
    assert (mismatch.path, mismatch.actual) == ("$.body.root.item[2]['@id']", "abc")
    fine = MORE_ITEMS.replace('"abc"', '"3"').replace(">c<", ">anything<")
    assert match_response(only_ids, dict(got, body=fine), spec="3") == []


def test_xml_with_a_doctype_is_refused() -> None:
    body = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    (mismatch,) = match_response(
        {"headers": XML, "body": "<a>x</a>"}, {"headers": XML, "body": body}, spec="3"
    )
    assert "may not declare a DTD" in mismatch.description


def test_a_body_that_is_not_json_is_one_mismatch() -> None:
    expected: dict[str, JSONValue] = {
        "headers": {"Content-Type": "application/json"},
        "body": {"a": 1},
    }
    actual: dict[str, JSONValue] = {"headers": expected["headers"], "body": "{not json"}
    (mismatch,) = match_response(expected, actual, spec="3")
    assert mismatch.description.startswith("$.body: expected a JSON body but it cannot be read")
