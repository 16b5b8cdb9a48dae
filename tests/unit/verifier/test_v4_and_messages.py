"""V4 additions and messages, from the V4 specification's text: bodies with content types,
`status` rules, arrayContains, eachKey/eachValue, message metadata and contents."""

from __future__ import annotations

import base64

import pytest

from verifier.matching import JSONValue, match_message, match_request, match_response


def test_v4_bodies_carry_their_content_type() -> None:
    pact: dict[str, JSONValue] = {
        "status": 200,
        "body": {"content": {"id": 1}, "contentType": "application/json", "encoded": False},
    }
    actual: dict[str, JSONValue] = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": '{"id": 2}',
    }
    (mismatch,) = match_response(pact, actual, spec="4")
    assert (mismatch.path, mismatch.expected, mismatch.actual) == ("$.body.id", 1, 2)
    assert mismatch.description == "$.body.id: expected 1 but got 2"


def test_a_v4_text_body_compares_as_text() -> None:
    pact: dict[str, JSONValue] = {"body": {"content": "hello", "contentType": "text/plain"}}
    assert match_response(pact, {"body": {"content": "hello"}}, spec="4") == []
    (mismatch,) = match_response(pact, {"body": {"content": "bye"}}, spec="4")
    assert mismatch.description == '$.body: expected "hello" but got "bye"'


def test_a_base64_body_matches_by_content_type() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    pact: dict[str, JSONValue] = {
        "body": {
            "content": base64.b64encode(png).decode(),
            "contentType": "image/png",
            "encoded": "base64",
        },
        "matchingRules": {
            "body": {"$": {"matchers": [{"match": "contentType", "value": "image/png"}]}}
        },
    }
    assert (
        match_response(
            pact,
            {
                "body": {
                    "content": base64.b64encode(png + b"x").decode(),
                    "contentType": "image/png",
                    "encoded": "base64",
                }
            },
            spec="4",
        )
        == []
    )
    actual: dict[str, JSONValue] = {"body": {"content": "not an image", "contentType": "image/png"}}
    (mismatch,) = match_response(pact, actual, spec="4")
    assert "content of type image/png (it looks like text/plain)" in mismatch.description


def test_a_body_of_another_content_type_is_a_content_type_mismatch() -> None:
    pact: dict[str, JSONValue] = {"headers": {"Content-Type": "application/json"}, "body": {"a": 1}}
    actual: dict[str, JSONValue] = {"headers": {"Content-Type": "text/html"}, "body": "<p>oops</p>"}
    kinds = [m.kind for m in match_response(pact, actual, spec="3")]
    assert kinds == ["header", "content-type"]


@pytest.mark.parametrize(
    ("status_class", "code", "passes"),
    [
        ("success", 204, True),
        ("success", 302, False),
        ("redirect", 301, True),
        ("clientError", 404, True),
        ("serverError", 404, False),
        ("nonError", 302, True),
        ("error", 503, True),
        ("info", 101, True),
    ],
)
def test_status_code_matcher_accepts_a_class_of_statuses(
    status_class: str, code: int, passes: bool
) -> None:
    pact: dict[str, JSONValue] = {
        "status": 200,
        "matchingRules": {
            "status": {"matchers": [{"match": "statusCode", "status": status_class}]}
        },
    }
    mismatches = match_response(pact, {"status": code}, spec="4")
    assert (mismatches == []) is passes
    if not passes:
        assert mismatches[0].kind == "status"
        assert (
            mismatches[0].description == f"status: expected a {status_class} status but got {code}"
        )


def test_status_code_matcher_accepts_a_list_of_codes() -> None:
    pact: dict[str, JSONValue] = {
        "status": 200,
        "matchingRules": {"status": {"matchers": [{"match": "statusCode", "status": [200, 201]}]}},
    }
    assert match_response(pact, {"status": 201}, spec="4") == []
    assert match_response(pact, {"status": 202}, spec="4") != []


def test_a_different_status_without_rules_names_both() -> None:
    (mismatch,) = match_response({"status": 200}, {"status": 500}, spec="4")
    assert mismatch.description == "status: expected status 200 but got 500"


ARRAY_CONTAINS: dict[str, JSONValue] = {
    "body": {"items": [{"id": 1, "kind": "a"}, {"id": 2, "kind": "b"}]},
    "matchingRules": {
        "body": {
            "$.items": {
                "matchers": [
                    {
                        "match": "arrayContains",
                        "variants": [
                            {"index": 0, "rules": {"$.id": {"matchers": [{"match": "integer"}]}}},
                            {"index": 1, "rules": {}},
                        ],
                    }
                ]
            }
        }
    },
}


def test_array_contains_finds_each_variant_in_any_order() -> None:
    actual: dict[str, JSONValue] = {
        "body": {"items": [{"id": 2, "kind": "b"}, {"id": 99, "kind": "c"}, {"id": 7, "kind": "a"}]}
    }
    assert match_response(ARRAY_CONTAINS, actual, spec="4") == []


def test_array_contains_reports_the_missing_variant() -> None:
    actual: dict[str, JSONValue] = {"body": {"items": [{"id": 7, "kind": "a"}]}}
    (mismatch,) = match_response(ARRAY_CONTAINS, actual, spec="4")
    assert mismatch.path == "$.body.items"
    assert 'containing an item like {"id": 2, "kind": "b"} (variant 1)' in mismatch.description


def test_each_key_checks_every_key_and_each_value_every_value() -> None:
    pact: dict[str, JSONValue] = {
        "body": {"scores": {"alice": 1}},
        "matchingRules": {
            "body": {
                "$.scores": {
                    "matchers": [
                        {"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}]},
                        {"match": "eachValue", "rules": [{"match": "integer"}]},
                    ]
                }
            }
        },
    }
    assert match_request(pact, {"body": {"scores": {"bob": 3, "carol": 4}}}, spec="4") == []
    found = match_request(pact, {"body": {"scores": {"Bob": 3, "carol": "x"}}}, spec="4")
    assert sorted(m.description for m in found) == [
        "$.body.scores.Bob: expected a key that is a value matching the regular expression "
        "'[a-z]+' but got 'Bob'",
        '$.body.scores.carol: expected an integer but got "x"',
    ]


def test_each_value_applies_to_array_items() -> None:
    pact: dict[str, JSONValue] = {
        "body": {"tags": ["a"]},
        "matchingRules": {
            "body": {
                "$.tags": {
                    "matchers": [
                        {"match": "eachValue", "rules": [{"match": "regex", "regex": "[a-z]"}]}
                    ]
                }
            }
        },
    }
    assert match_response(pact, {"body": {"tags": ["b", "c"]}}, spec="4") == []
    (mismatch,) = match_response(pact, {"body": {"tags": ["b", "CC"]}}, spec="4")
    assert mismatch.path == "$.body.tags[1]"


def test_not_empty_on_an_array_also_types_its_items() -> None:
    pact: dict[str, JSONValue] = {
        "body": {"ids": [1]},
        "matchingRules": {"body": {"$.ids": {"matchers": [{"match": "notEmpty"}]}}},
    }
    assert match_response(pact, {"body": {"ids": [5, 6]}}, spec="4") == []
    (mismatch,) = match_response(pact, {"body": {"ids": [5, "6"]}}, spec="4")
    assert mismatch.path == "$.body.ids[1]"


MESSAGE: dict[str, JSONValue] = {
    "description": "an order was placed",
    "contents": {"content": {"orderId": 10, "total": 9.5}, "contentType": "application/json"},
    "metadata": {"contentType": "application/json", "topic": "orders", "partition": "3"},
    "matchingRules": {
        "body": {"$.orderId": {"matchers": [{"match": "integer"}]}},
        "metadata": {"partition": {"matchers": [{"match": "regex", "regex": "\\d+"}]}},
    },
}


def test_a_message_matches_on_contents_and_metadata() -> None:
    actual: dict[str, JSONValue] = {
        "contents": {"orderId": 11, "total": 9.5, "extra": True},
        "metadata": {
            "contentType": "application/json; charset=utf-8",
            "topic": "orders",
            "partition": "12",
            "key": "k1",
        },
    }
    assert match_message(MESSAGE, actual, spec="4") == []


def test_message_metadata_mismatches_name_the_key() -> None:
    actual: dict[str, JSONValue] = {
        "contents": {"orderId": 11, "total": 9.5},
        "metadata": {"contentType": "application/json", "topic": "payments", "partition": "x"},
    }
    found = match_message(MESSAGE, actual, spec="4")
    assert [(m.kind, m.path) for m in found] == [
        ("metadata", "$.metadata.topic"),
        ("metadata", "$.metadata.partition"),
    ]
    assert found[0].description == '$.metadata.topic: expected "orders" but got "payments"'


def test_message_contents_mismatches_use_the_contents_root() -> None:
    actual: dict[str, JSONValue] = {
        "contents": {"orderId": "11"},
        "metadata": {"contentType": "application/json", "topic": "orders", "partition": "1"},
    }
    found = match_message(MESSAGE, actual, spec="4")
    assert [m.description for m in found] == [
        '$.contents.orderId: expected an integer but got "11"',
        "$.contents.total: expected 9.5 but the key 'total' was missing",
    ]


def test_a_v3_message_with_text_contents() -> None:
    pact: dict[str, JSONValue] = {"contents": "ping", "metadata": {"contentType": "text/plain"}}
    assert (
        match_message(
            pact, {"contents": "ping", "metadata": {"contentType": "text/plain"}}, spec="3"
        )
        == []
    )
    (mismatch,) = match_message(
        pact, {"contents": "pong", "metadata": {"contentType": "text/plain"}}, spec="3"
    )
    assert mismatch.description == '$.contents: expected "ping" but got "pong"'


def test_an_unknown_spec_version_is_refused() -> None:
    with pytest.raises(ValueError, match="spec must be one of"):
        match_request({}, {}, spec="5")  # type: ignore[arg-type]  # the point of the test


@pytest.mark.parametrize("content_type", ["application/octet-stream", "image/jpeg"])
def test_trust_20_not_empty_fails_an_empty_binary_body(content_type: str) -> None:
    """A `notEmpty` rule on `$` judges the body even when the pact's own example is empty."""
    not_empty: JSONValue = {"body": {"$": {"matchers": [{"match": "notEmpty"}]}}}
    example: JSONValue = {"content": "", "contentType": content_type, "encoded": "base64"}
    headers: JSONValue = {"Content-Type": content_type}
    response: dict[str, JSONValue] = {"body": example, "matchingRules": not_empty}
    bodies: list[JSONValue] = [
        "",
        {"content": "", "contentType": content_type, "encoded": "base64"},
    ]
    for body in bodies:
        actual: dict[str, JSONValue] = {"status": 200, "headers": headers, "body": body}
        (mismatch,) = match_response(response, actual, spec="4")
        assert mismatch.path == "$.body"
        assert "not empty" in mismatch.description
    request: dict[str, JSONValue] = {"method": "PUT", "path": "/avatar", **response}
    (mismatch,) = match_request(
        request, {"method": "PUT", "path": "/avatar", "headers": headers, "body": ""}, spec="4"
    )
    assert "not empty" in mismatch.description
    # Without any example at all, the rule still asks for a body.
    assert match_response({"matchingRules": not_empty}, {"headers": headers}, spec="4")
    message: dict[str, JSONValue] = {"contents": example, "matchingRules": not_empty}
    (mismatch,) = match_message(message, {"contents": example}, spec="4")
    assert mismatch.path == "$.contents"
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 12).decode()
    filled: JSONValue = {"content": jpeg, "contentType": content_type, "encoded": "base64"}
    assert match_response(response, {"headers": headers, "body": filled}, spec="4") == []
    assert match_message(message, {"contents": filled}, spec="4") == []
