"""Each matcher of the Pact specification, passing and failing, with the mismatch it reports."""

from __future__ import annotations

import pytest

from tests.support.linear_regex import backtracking_refused
from verifier.matching import JSONValue, Mismatch, match_request, match_response


def body_rule(
    matcher: dict[str, JSONValue], expected: JSONValue, actual: JSONValue
) -> list[Mismatch]:
    """Match a response body `{"value": actual}` against `{"value": expected}` under one rule."""
    pact: dict[str, JSONValue] = {
        "status": 200,
        "body": {"value": expected},
        "matchingRules": {"body": {"$.value": {"matchers": [matcher]}}},
    }
    return match_response(pact, {"status": 200, "body": {"value": actual}}, spec="4")


PASSING = [
    ({"match": "equality"}, "red", "red"),
    ({"match": "type"}, "red", "blue"),
    ({"match": "type"}, 1, 2.5),
    ({"match": "type", "min": 1}, [1], [1, 2, 3]),
    ({"match": "type", "max": 2}, [1], [4, 5]),
    ({"match": "type", "min": 1, "max": 3}, [1], [7, 8]),
    ({"match": "regex", "regex": r"\d{3}-\d{4}"}, "555-1234", "123-4567"),
    ({"match": "include", "value": "gator"}, "alligator", "navigator"),
    ({"match": "integer"}, 1, -42),
    ({"match": "decimal"}, 1.5, 100.25),
    ({"match": "number"}, 1, 3.75),
    ({"match": "boolean"}, True, False),
    ({"match": "null"}, None, None),
    ({"match": "date", "format": "yyyy-MM-dd"}, "2024-01-31", "2023-02-28"),
    ({"match": "date", "format": "dd/MM/yyyy"}, "31/01/2024", "29/02/2024"),
    ({"match": "time", "format": "HH:mm:ss"}, "10:00:00", "23:59:59"),
    (
        {"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"},
        "",
        "2024-05-01T12:30:00.123+02:00",
    ),
    ({"match": "timestamp", "timestamp": "yyyy-MM-dd HH:mm:ss"}, "", "2015-06-10 20:41:37"),
    ({"match": "timestamp"}, "", "2015-06-10T20:41:37Z"),
    ({"match": "date"}, "", "2015-06-10"),
    ({"match": "time"}, "", "20:41:37"),
    ({"match": "semver"}, "1.0.0", "2.10.3-rc.1+build.5"),
    ({"match": "notEmpty"}, "x", "anything"),
    ({"match": "notEmpty"}, [1], [2, 3]),
    ({"match": "values"}, {"a": 1}, {"b": 2, "c": 3}),
]


@pytest.mark.parametrize(("matcher", "expected", "actual"), PASSING, ids=lambda v: str(v)[:40])
def test_a_value_that_satisfies_the_matcher_matches(
    matcher: dict[str, JSONValue], expected: JSONValue, actual: JSONValue
) -> None:
    assert body_rule(matcher, expected, actual) == []


FAILING = [
    ({"match": "equality"}, "red", "blue", "(equality)"),
    ({"match": "type"}, "red", 1, "type string"),
    ({"match": "type"}, 1, True, "type number"),
    ({"match": "type", "min": 2}, [1], [1], "at least 2"),
    ({"match": "type", "max": 1}, [1], [1, 2], "at most 1"),
    ({"match": "regex", "regex": r"\d+"}, "1", "12a", r"regular expression '\\d+'"),
    ({"match": "include", "value": "gator"}, "alligator", "crocodile", "including 'gator'"),
    ({"match": "integer"}, 1, 1.5, "an integer"),
    ({"match": "integer"}, 1, "1", "an integer"),
    ({"match": "decimal"}, 1.5, 1, "a decimal number"),
    ({"match": "number"}, 1, "1", "a number"),
    ({"match": "boolean"}, True, "yes", "a boolean"),
    ({"match": "null"}, None, 0, "null"),
    ({"match": "date", "format": "yyyy-MM-dd"}, "", "2024-02-30", "format 'yyyy-MM-dd'"),
    ({"match": "date", "format": "yyyy-MM-dd"}, "", "24-02-01", "format 'yyyy-MM-dd'"),
    ({"match": "time", "format": "HH:mm"}, "", "25:00", "format 'HH:mm'"),
    (
        {"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
        "",
        "2024-01-01 10:00:00",
        "date-time",
    ),
    ({"match": "timestamp"}, "", "yesterday", "ISO 8601 date-time"),
    ({"match": "semver"}, "1.0.0", "1.0", "a semantic version"),
    ({"match": "notEmpty"}, "x", "", "not empty"),
    ({"match": "notEmpty"}, [1], [], "not empty"),
    ({"match": "notEmpty"}, "x", None, "not empty"),
    ({"match": "values"}, {"a": 1}, {"b": "two"}, "of type number (like 1)"),
    ({"match": "noSuchMatcher"}, 1, 1, "unknown matcher 'noSuchMatcher'"),
]


@pytest.mark.parametrize(
    ("matcher", "expected", "actual", "phrase"), FAILING, ids=lambda v: str(v)[:40]
)
def test_a_value_that_fails_the_matcher_is_a_body_mismatch_naming_path_and_values(
    matcher: dict[str, JSONValue], expected: JSONValue, actual: JSONValue, phrase: str
) -> None:
    mismatches = body_rule(matcher, expected, actual)
    assert len(mismatches) == 1, mismatches
    (mismatch,) = mismatches
    assert mismatch.kind == "body"
    assert mismatch.path.startswith("$.body.value")
    assert mismatch.description.startswith(mismatch.path + ": expected ")
    assert phrase in mismatch.description


def test_a_regex_mismatch_says_what_was_expected_and_what_came() -> None:
    (mismatch,) = body_rule({"match": "regex", "regex": r"\d+"}, "123", "abc")
    assert mismatch == Mismatch(
        kind="body",
        path="$.body.value",
        expected="123",
        actual="abc",
        description="$.body.value: expected a value matching the regular expression "
        + repr(r"\d+")
        + ' but got "abc"',
    )


def test_and_combination_needs_every_matcher() -> None:
    rules: dict[str, JSONValue] = {
        "matchers": [{"match": "type"}, {"match": "regex", "regex": "[a-z]+"}],
        "combine": "AND",
    }
    pact: dict[str, JSONValue] = {"body": {"v": "abc"}, "matchingRules": {"body": {"$.v": rules}}}
    assert match_response(pact, {"body": {"v": "xyz"}}, spec="3") == []
    (mismatch,) = match_response(pact, {"body": {"v": "XYZ"}}, spec="3")
    assert "regular expression '[a-z]+'" in mismatch.description


def test_or_combination_needs_one_matcher() -> None:
    rules: dict[str, JSONValue] = {
        "matchers": [{"match": "null"}, {"match": "integer"}],
        "combine": "OR",
    }
    pact: dict[str, JSONValue] = {"body": {"v": 1}, "matchingRules": {"body": {"$.v": rules}}}
    assert match_response(pact, {"body": {"v": None}}, spec="3") == []
    assert match_response(pact, {"body": {"v": 7}}, spec="3") == []
    (mismatch,) = match_response(pact, {"body": {"v": "7"}}, spec="3")
    assert mismatch.description == '$.body.v: expected null or an integer but got "7"'


def test_v2_rules_without_a_match_key_are_inferred() -> None:
    pact: dict[str, JSONValue] = {
        "body": {"items": [1], "code": "a1"},
        "matchingRules": {"$.body.items": {"min": 2}, "$.body.code": {"regex": "[a-z]\\d"}},
    }
    assert match_response(pact, {"body": {"items": [1, 2], "code": "b2"}}, spec="2") == []
    found = match_response(pact, {"body": {"items": [1], "code": "22"}}, spec="2")
    assert [m.path for m in found] == ["$.body.items", "$.body.code"]


def test_integer_and_number_accept_numeric_text_in_headers() -> None:
    pact: dict[str, JSONValue] = {
        "headers": {"X-Count": "1", "X-Ratio": "0.5"},
        "matchingRules": {
            "header": {
                "X-Count": {"matchers": [{"match": "integer"}]},
                "X-Ratio": {"matchers": [{"match": "decimal"}]},
            }
        },
    }
    assert match_response(pact, {"headers": {"x-count": "42", "x-ratio": "3.14"}}, spec="3") == []
    (mismatch,) = match_response(pact, {"headers": {"x-count": "4.2", "x-ratio": "3.14"}}, spec="3")
    assert (mismatch.kind, mismatch.path) == ("header", "X-Count")
    assert mismatch.description == "X-Count: expected an integer but got '4.2'"


LONG_MISS = "a" * 40 + "!"


def test_trust_07_catastrophic_regex_rules_are_judged_at_once_wherever_they_apply() -> None:
    """`^(a+)+$` against 40 letters and a `!` backtracks for days in Python's `re`."""
    rule: JSONValue = {"matchers": [{"match": "regex", "regex": "^(a+)+$"}]}
    expected: dict[str, JSONValue] = {
        "method": "GET",
        "path": "/aaa",
        "query": {"q": ["aaa"]},
        "headers": {"X-Key": "aaa"},
        "body": {"value": "aaa"},
        "matchingRules": {
            "path": rule,
            "query": {"q": rule},
            "header": {"X-Key": rule},
            "body": {"$.value": rule},
        },
    }
    actual: dict[str, JSONValue] = {
        "method": "GET",
        "path": LONG_MISS,
        "query": {"q": [LONG_MISS]},
        "headers": {"X-Key": LONG_MISS},
        "body": {"value": LONG_MISS},
    }
    v2_rule: dict[str, JSONValue] = {"$.body.v": {"regex": "^(a+)+$"}}
    with backtracking_refused(patterns=["(a+)+"], texts=["a" * 40]):
        found = match_request(expected, actual, spec="4")
        v2 = match_response(
            {"status": 200, "body": {"v": "aaa"}, "matchingRules": v2_rule},
            {"status": 200, "body": {"v": LONG_MISS}},
            spec="2",
        )
    assert sorted(m.kind for m in found) == ["body", "header", "path", "query"]
    assert [m.path for m in v2] == ["$.body.v"]
    fitting = match_request(expected, {**actual, "path": "a" * 40}, spec="4")
    assert "path" not in {m.kind for m in fitting}


@pytest.mark.parametrize(
    ("regex", "construct"),
    [(r"(?=\d)\w+", "look-ahead"), (r"(\w)\1", "back-reference"), (r"\w++", "possessive")],
)
def test_trust_07_a_regex_rule_re2_cannot_run_is_a_mismatch_naming_the_construct(
    regex: str, construct: str
) -> None:
    (mismatch,) = body_rule({"match": "regex", "regex": regex}, "11", "11")
    assert construct in mismatch.description


def test_trust_07_pact_regexes_read_java_syntax() -> None:
    assert body_rule({"match": "regex", "regex": r"\Qa.b\E\d+"}, "a.b1", "a.b22") == []
    assert body_rule({"match": "regex", "regex": r"\p{Upper}{2}"}, "AB", "CD") == []
    assert body_rule({"match": "regex", "regex": r"\d+"}, "1", "\u0663") != []  # ASCII \d


def test_trust_07_a_date_format_of_many_digit_fields_is_judged_at_once() -> None:
    """`ydyd…` is `\\d{1,9}\\d{1,2}…`: backtracking splits a long number exponentially many ways."""
    matcher: dict[str, JSONValue] = {"match": "date", "format": "yd" * 10}
    with backtracking_refused(texts=["1" * 110]):
        (mismatch,) = body_rule(matcher, "", "1" * 110 + "x")
    assert "format" in mismatch.description
