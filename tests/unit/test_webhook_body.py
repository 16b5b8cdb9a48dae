"""Reading a webhook body (pact-broker-api §13.2): what it accepts, and where each fault is."""

from __future__ import annotations

from typing import Any

import pytest

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.webhook_body import parse_webhook, requested_call
from broker.domain.webhooks import DEFAULT_EVENTS, EVENT_NAMES, PacticipantSelector

UUID = "a-webhook-uuid-0001"
REQUEST = {"method": "POST", "url": "https://hooks.example.com/build"}


def problems(body: Any, **options: Any) -> list[str]:
    with pytest.raises(InvalidInputError) as refused:
        parse_webhook(body, UUID, **options)
    return [error.pointer for error in refused.value.errors]


def test_the_smallest_body_takes_the_pact_brokers_defaults() -> None:
    draft = parse_webhook({"request": {"method": "post", "url": " https://h.example/x "}}, UUID)
    assert draft.uuid == UUID
    assert draft.consumer is None and draft.provider is None
    assert draft.events == DEFAULT_EVENTS
    assert draft.enabled is True
    assert draft.request.method == "POST"
    assert draft.request.url == "https://h.example/x"
    assert draft.request.headers == {}
    assert draft.request.body is None


def test_every_field_is_read() -> None:
    body = {
        "description": "Build",
        "consumer": {"name": "Web"},
        "provider": {"label": "billing"},
        "events": [{"name": name} for name in (*EVENT_NAMES, EVENT_NAMES[0])],
        "request": {
            **REQUEST,
            "headers": {"X-A": "1"},
            "body": [1, {"a": None}],
            "username": "u",
            "password": "p",
        },
        "enabled": False,
        "teamUuid": "ignored: PactFlow only",
    }
    draft = parse_webhook(body, UUID)
    assert draft.description == "Build"
    assert draft.consumer == PacticipantSelector(name="Web")
    assert draft.provider == PacticipantSelector(label="billing")
    assert draft.events == EVENT_NAMES  # duplicates dropped, order kept
    assert draft.request.headers == {"X-A": "1"}
    assert draft.request.body == [1, {"a": None}]
    assert (draft.request.username, draft.request.password) == ("u", "p")
    assert draft.enabled is False


def test_header_lines_as_older_rust_clis_send_them() -> None:
    body = {"request": {**REQUEST, "headers": ["Foo:bar", "Accept: a/b: c"]}}
    assert parse_webhook(body, UUID).request.headers == {"Foo": "bar", "Accept": "a/b: c"}


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ([REQUEST], [""]),
        ({}, ["/request"]),
        ({"request": "POST https://x"}, ["/request"]),
        ({"request": {"url": "https://x"}}, ["/request/method"]),
        ({"request": {"method": "POST", "url": 5}}, ["/request/url"]),
        ({"request": {"method": " ", "url": ""}}, ["/request/method", "/request/url"]),
        ({"request": REQUEST, "description": 1}, ["/description"]),
        ({"request": REQUEST, "consumer": "Web"}, ["/consumer"]),
        ({"request": REQUEST, "consumer": {}}, ["/consumer"]),
        ({"request": REQUEST, "consumer": {"name": "W", "label": "l"}}, ["/consumer"]),
        ({"request": REQUEST, "provider": {"name": " "}}, ["/provider/name"]),
        ({"request": REQUEST, "provider": {"label": 3}}, ["/provider/label"]),
        ({"request": REQUEST, "events": []}, ["/events"]),
        ({"request": REQUEST, "events": {"name": "contract_published"}}, ["/events"]),
        (
            {"request": REQUEST, "events": [{"name": "pact_changed"}, "x"]},
            ["/events/0/name", "/events/1/name"],
        ),
        ({"request": {**REQUEST, "headers": "X: 1"}}, ["/request/headers"]),
        ({"request": {**REQUEST, "headers": {"X": 1}}}, ["/request/headers/X"]),
        ({"request": {**REQUEST, "headers": {"a/b c": "1"}}}, ["/request/headers/a~1b c"]),
        ({"request": {**REQUEST, "headers": {"X": "1\r\nY: 2"}}}, ["/request/headers/X"]),
        ({"request": {**REQUEST, "headers": {"X": "a\x00"}}}, ["/request/headers/X"]),
        ({"request": {**REQUEST, "headers": ["no colon"]}}, ["/request/headers/0"]),
        (
            {"request": {**REQUEST, "username": 1, "password": ["p"]}},
            ["/request/username", "/request/password"],
        ),
        ({"request": REQUEST, "enabled": "true"}, ["/enabled"]),
    ],
)
def test_each_bad_field_is_named(body: Any, pointers: list[str]) -> None:
    assert problems(body) == pointers


def test_a_uuid_chosen_by_the_client_must_be_long_and_plain() -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_webhook({"request": REQUEST}, "not/a uuid at all")
    assert [e.pointer for e in refused.value.errors] == ["/uuid"]
    chosen = "696c5f93-1b7f-44bc-8d03-59440fcaa9a0"
    assert parse_webhook({"request": REQUEST}, chosen).uuid == chosen


def test_the_path_names_the_default_and_the_body_may_only_agree() -> None:
    names = {"consumer": "Web", "provider": "Orders"}
    draft = parse_webhook({"request": REQUEST}, UUID, path_names=names)
    assert draft.consumer == PacticipantSelector(name="Web")
    assert draft.provider == PacticipantSelector(name="Orders")
    agreeing = {"request": REQUEST, "provider": {"name": "Orders"}}
    assert parse_webhook(agreeing, UUID, path_names=names).provider == draft.provider
    other = {"request": REQUEST, "provider": {"name": "Billing"}, "consumer": {"label": "x"}}
    assert problems(other, path_names=names) == ["/consumer/name", "/provider/name"]


def test_problems_found_elsewhere_are_reported_with_the_bodys() -> None:
    guard = [FieldError("/request/url", "is a loopback address")]
    assert problems({"request": REQUEST, "enabled": 1}, problems=guard) == [
        "/request/url",
        "/enabled",
    ]


def test_the_guard_is_given_the_method_and_url_when_they_are_strings() -> None:
    assert requested_call({"request": REQUEST}) == ("POST", REQUEST["url"])
    assert requested_call({"request": {"url": "https://x", "method": 1}}) == (None, "https://x")
    assert requested_call({"request": {"url": " "}}) == (None, None)
    assert requested_call({"request": []}) == (None, None)
    assert requested_call([]) == (None, None)
