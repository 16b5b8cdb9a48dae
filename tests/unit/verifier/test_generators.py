"""Generators make the values a request carries on replay (V3/V4 `generators`)."""

from __future__ import annotations

import datetime
import random
import re
import uuid

import pytest

from verifier._errors import GeneratorError
from verifier._generators import dates, regexes
from verifier._generators.requests import apply
from verifier._generators.values import Context, generate
from verifier.matching import JSONValue, match_request

NOW = datetime.datetime(2024, 1, 31, 15, 4, 5, 123000, tzinfo=datetime.UTC)


def context(**state: JSONValue) -> Context:
    return Context(provider_state=state, now=NOW, rng=random.Random(7))


def test_random_int_stays_within_its_bounds() -> None:
    ctx = context()
    made = {generate({"type": "RandomInt", "min": 3, "max": 5}, 0, ctx) for _ in range(50)}
    assert made == {3, 4, 5}


def test_random_decimal_hexadecimal_string_and_boolean_have_their_shapes() -> None:
    ctx = context()
    decimal = generate({"type": "RandomDecimal", "digits": 6}, 0, ctx)
    assert isinstance(decimal, float)
    assert len(str(decimal).replace(".", "")) <= 6
    assert re.fullmatch(
        r"[0-9a-f]{8}", str(generate({"type": "RandomHexadecimal", "digits": 8}, "", ctx))
    )
    assert re.fullmatch(
        r"[A-Za-z0-9]{12}", str(generate({"type": "RandomString", "size": 12}, "", ctx))
    )
    assert {generate({"type": "RandomBoolean"}, False, ctx) for _ in range(40)} == {True, False}


@pytest.mark.parametrize(
    ("form", "shape"),
    [
        (None, r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        ("simple", r"[0-9a-f]{32}"),
        (
            "upper-case-hyphenated",
            r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}",
        ),
        ("URN", r"urn:uuid:[0-9a-f-]{36}"),
    ],
)
def test_uuid_generator_writes_each_format(form: str | None, shape: str) -> None:
    generator: dict[str, JSONValue] = (
        {"type": "Uuid"} if form is None else {"type": "Uuid", "format": form}
    )
    made = str(generate(generator, "", context()))
    assert re.fullmatch(shape, made)
    uuid.UUID(made.removeprefix("urn:uuid:"))


@pytest.mark.parametrize(
    "expression",
    [
        r"\d{3}-[a-z]+(x|y)\w*",
        r"^[A-F0-9]{8}$",
        r"(\w+)@(\w+)\.com",
        r"[^abc]{2,}",
        r"\d+(\.\d{2})?",
        "red|green",
    ],
)
def test_regex_generator_writes_a_matching_string(expression: str) -> None:
    rng = random.Random(1)
    for _ in range(20):
        assert re.fullmatch(expression, regexes.generate(expression, rng))


def test_a_bad_regex_is_a_generator_error() -> None:
    with pytest.raises(GeneratorError, match="not a valid Java regular expression"):
        generate({"type": "Regex", "regex": "(unclosed"}, "", context())


def test_dates_are_written_in_java_patterns() -> None:
    assert dates.format_moment(NOW, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX") == "2024-01-31T15:04:05.123Z"
    assert dates.format_moment(NOW, "EEE, d MMM yy hh:mm a Z") == "Wed, 31 Jan 24 03:04 PM +0000"
    assert dates.format_moment(NOW, "EEEE d MMMM ''yy") == "Wednesday 31 January '24"


def test_date_time_and_datetime_generators_follow_their_expressions() -> None:
    ctx = context()
    assert generate({"type": "Date"}, "", ctx) == "2024-01-31"
    assert generate({"type": "Date", "expression": "today + 1 month"}, "", ctx) == "2024-02-29"
    assert generate({"type": "Date", "expression": "next week - 2 days"}, "", ctx) == "2024-02-05"
    assert (
        generate({"type": "Time", "expression": "now + 2 hours - 5 minutes"}, "", ctx) == "16:59:05"
    )
    made = generate(
        {"type": "DateTime", "format": "yyyy-MM-dd HH:mm", "expression": "tomorrow @ 3 o'clock pm"},
        "",
        ctx,
    )
    assert made == "2024-02-01 15:00"
    assert (
        generate({"type": "Time", "expression": "midnight", "format": "HH:mm"}, "", ctx) == "00:00"
    )


def test_an_unreadable_date_expression_is_a_generator_error() -> None:
    with pytest.raises(GeneratorError, match="cannot read"):
        generate({"type": "Date", "expression": "when pigs fly"}, "", context())


@pytest.mark.parametrize(
    ("kind", "expression"),
    [
        ("Date", "+ 99999999 years"),
        ("Date", "- 99999999 days"),
        ("DateTime", "now @ + 999999999999 seconds"),
        ("Date", "+ " + "9" * 5000 + " days"),
    ],
)
def test_a_date_expression_past_the_calendar_is_a_generator_error(
    kind: str, expression: str
) -> None:
    """datetime's ValueError or OverflowError escaped: event-check said 'Unexpected error'."""
    with pytest.raises(GeneratorError, match="expression is out of range"):
        generate({"type": kind, "expression": expression}, "", context())


def test_provider_state_fills_expressions_and_keeps_types() -> None:
    ctx = context(id=42, name="Ada")
    assert generate({"type": "ProviderState", "expression": "${id}"}, 1, ctx) == 42
    assert (
        generate({"type": "ProviderState", "expression": "/users/${id}/${name}"}, "", ctx)
        == "/users/42/Ada"
    )
    assert (
        generate({"type": "ProviderState", "expression": "${id}", "dataType": "STRING"}, "", ctx)
        == "42"
    )
    assert (
        generate({"type": "ProviderState", "expression": "${name}", "dataType": "RAW"}, "", ctx)
        == "Ada"
    )


def test_provider_state_without_the_value_keeps_the_example_and_says_so() -> None:
    ctx = context()
    assert generate({"type": "ProviderState", "expression": "${id}"}, 7, ctx) == 7
    (note,) = ctx.notes
    assert note == (
        "the provider state setup returned no value for id; "
        "the pact's example is sent instead of '${id}'"
    )


def test_mock_server_url_changes_nothing_on_replay_but_does_with_a_mock_server() -> None:
    generator: dict[str, JSONValue] = {
        "type": "MockServerURL",
        "example": "http://localhost:1234/orders/1",
        "regex": r".*(/orders/\d+)$",
    }
    assert (
        generate(generator, "http://localhost:1234/orders/1", context())
        == "http://localhost:1234/orders/1"
    )
    mocked = Context(now=NOW, mock_server_url="http://127.0.0.1:9999/")
    assert generate(generator, "x", mocked) == "http://127.0.0.1:9999/orders/1"


def test_an_unknown_generator_type_is_an_error() -> None:
    with pytest.raises(GeneratorError, match="unknown generator type 'Dice'"):
        generate({"type": "Dice"}, 1, context())


def test_a_v3_request_gets_path_header_query_and_body_values() -> None:
    request: dict[str, JSONValue] = {
        "method": "PUT",
        "path": "/users/1",
        "query": {"page": ["1"]},
        "headers": {"X-Request-Id": "abc", "Content-Type": "application/json"},
        "body": {"id": 1, "items": [{"code": "a"}, {"code": "b"}], "when": "2000-01-01"},
        "generators": {
            "path": {"type": "ProviderState", "expression": "/users/${userId}"},
            "header": {"x-request-id": {"type": "Uuid"}},
            "query": {"page": {"type": "RandomInt", "min": 2, "max": 2}},
            "body": {
                "$.id": {"type": "ProviderState", "expression": "${userId}"},
                "$.items[*].code": {"type": "Regex", "regex": "[A-Z]{3}"},
                "$.when": {"type": "Date", "expression": "yesterday"},
            },
        },
    }
    made = apply(request, context(userId=99))
    assert made["path"] == "/users/99"
    assert made["query"] == {"page": ["2"]}
    headers = made["headers"]
    assert isinstance(headers, dict)
    uuid.UUID(str(headers["X-Request-Id"]))
    body = made["body"]
    assert isinstance(body, dict)
    assert body["id"] == 99
    assert body["when"] == "2024-01-30"
    items = body["items"]
    assert isinstance(items, list)
    codes = [item["code"] for item in items if isinstance(item, dict)]
    assert [re.fullmatch("[A-Z]{3}", str(code)) is not None for code in codes] == [True, True]
    assert "generators" not in made
    assert request["path"] == "/users/1", "the pact's request is left as it was"


def test_a_v4_request_body_with_a_content_type_is_generated_inside() -> None:
    request: dict[str, JSONValue] = {
        "method": "POST",
        "path": "/orders",
        "headers": {"X-Ids": ["a", "b"]},
        "body": {"content": {"total": 0}, "contentType": "application/json", "encoded": False},
        "generators": {
            "body": {"$.total": {"type": "RandomInt", "min": 5, "max": 5}},
            "header": {"X-Ids": {"type": "RandomString", "size": 3}},
        },
    }
    made = apply(request, context())
    assert made["body"] == {
        "content": {"total": 5},
        "contentType": "application/json",
        "encoded": False,
    }
    ids = made["headers"]["X-Ids"]  # type: ignore[index, call-overload]
    assert isinstance(ids, list)
    assert [len(str(value)) for value in ids] == [3, 3]


def test_a_json_body_written_as_text_and_a_whole_text_body_are_generated() -> None:
    made = apply(
        {
            "body": '{"n": 1}',
            "generators": {"body": {"$.n": {"type": "RandomInt", "min": 8, "max": 8}}},
        },
        context(),
    )
    assert made["body"] == '{"n": 8}'
    text = apply(
        {
            "body": "hello",
            "generators": {"body": {"$": {"type": "RandomHexadecimal", "digits": 4}}},
        },
        context(),
    )
    assert re.fullmatch("[0-9a-f]{4}", str(text["body"]))


def test_a_generated_request_still_matches_its_pact() -> None:
    """What the verifier sends satisfies the consumer's own matching rules."""
    request: dict[str, JSONValue] = {
        "method": "POST",
        "path": "/things",
        "headers": {"Content-Type": "application/json"},
        "body": {"ref": "AB-1", "when": "2020-01-01T00:00:00"},
        "matchingRules": {
            "body": {
                "$.ref": {"matchers": [{"match": "regex", "regex": r"[A-Z]{2}-\d+"}]},
                "$.when": {
                    "matchers": [{"match": "timestamp", "timestamp": "yyyy-MM-dd'T'HH:mm:ss"}]
                },
            }
        },
        "generators": {
            "body": {
                "$.ref": {"type": "Regex", "regex": r"[A-Z]{2}-\d+"},
                "$.when": {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
            }
        },
    }
    made = apply(request, context())
    assert made["body"] != request["body"]
    assert match_request(request, made, spec="3") == []


def test_response_generators_do_not_change_matching() -> None:
    """A response's generators serve the mock server; the verifier matches by the rules."""
    from verifier.matching import match_response

    expected: dict[str, JSONValue] = {
        "status": 200,
        "body": {"id": 1},
        "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
        "generators": {"body": {"$.id": {"type": "RandomInt"}}},
    }
    assert match_response(expected, {"status": 200, "body": {"id": 12345}}, spec="3") == []


BASE = datetime.datetime(2000, 1, 1, 10, 0, tzinfo=datetime.UTC)  # a Saturday


@pytest.mark.parametrize(
    ("expression", "moment"),
    [
        ("", "2000-01-01T10:00"),
        ("today", "2000-01-01T10:00"),
        ("yesterday", "1999-12-31T10:00"),
        ("- 2 weeks", "1999-12-18T10:00"),
        ("tomorrow+ 4 years", "2004-01-02T10:00"),
        ("last month", "1999-12-01T10:00"),
        ("next fortnight", "2000-01-15T10:00"),
        ("next monday", "2000-01-03T10:00"),
        ("last wednesday", "1999-12-29T10:00"),
        ("next jan", "2001-01-01T10:00"),
        ("next june + 2 weeks", "2000-06-15T10:00"),
        ("last december + 2 weeks + 4 days", "1999-12-19T10:00"),
        ("@ midnight", "2000-01-01T00:00"),
        ("@ 2 o'clock", "2000-01-01T14:00"),
        ("@ 12 o'clock am", "2000-01-01T12:00"),
        ("@ 1 o'clock pm", "2000-01-01T13:00"),
        ("tomorrow @ noon + 30 minutes", "2000-01-02T12:30"),
    ],
)
def test_date_time_expressions_resolve_as_the_reference_implementation_documents(
    expression: str, moment: str
) -> None:
    """The expressions and results of pact_models' datetime_expressions documentation."""
    resolved = dates.evaluate(expression, BASE, "datetime")
    assert dates.format_moment(resolved, "yyyy-MM-dd'T'HH:mm") == moment
