"""The pure webhook rules: matching, rendering, redaction and the retry schedule."""

from __future__ import annotations

import base64
import random
import time
import uuid
from datetime import UTC, datetime

import msgspec
import pytest

from broker.domain.webhooks import (
    DEFAULT_RETRY_SCHEDULE,
    EVENT_NAMES,
    REDACTED,
    EventSubject,
    PacticipantSelector,
    RenderedRequest,
    Webhook,
    WebhookRequest,
    logged_request,
    matches,
    ordered_uuid,
    redacted_request,
    render,
    retry_delay,
    sequence_key,
)

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def webhook(**changes: object) -> Webhook:
    fields: dict[str, object] = {
        "id": 1,
        "uuid": "aaaaaaaaaaaaaaaa01",
        "events": ("contract_content_changed",),
        "request": WebhookRequest(method="POST", url="https://ci.example/build"),
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(changes)
    return Webhook(**fields)  # type: ignore[arg-type]


SUBJECT = EventSubject(
    consumer="Web", consumer_labels=("frontend",), provider="Pay", provider_labels=("money",)
)


@pytest.mark.parametrize(
    ("changes", "event", "subject", "expected"),
    [
        ({}, "contract_content_changed", SUBJECT, True),
        ({}, "contract_published", SUBJECT, False),
        ({"enabled": False}, "contract_content_changed", SUBJECT, False),
        ({"consumer": PacticipantSelector(name="Web")}, "contract_content_changed", SUBJECT, True),
        ({"consumer": PacticipantSelector(name="App")}, "contract_content_changed", SUBJECT, False),
        (
            {"consumer": PacticipantSelector(label="frontend")},
            "contract_content_changed",
            SUBJECT,
            True,
        ),
        (
            {"provider": PacticipantSelector(label="frontend")},
            "contract_content_changed",
            SUBJECT,
            False,
        ),
        (
            {"provider": PacticipantSelector(label="money")},
            "contract_content_changed",
            SUBJECT,
            True,
        ),
        # A webhook naming a consumer does not hear of an event that has none.
        (
            {
                "consumer": PacticipantSelector(name="Web"),
                "events": ("provider_contract_published",),
            },
            "provider_contract_published",
            EventSubject(provider="Pay"),
            False,
        ),
        (
            {"events": ("provider_contract_published",)},
            "provider_contract_published",
            EventSubject(provider="Pay"),
            True,
        ),
    ],
)
def test_a_webhook_matches_its_events_and_pacticipants(
    changes: dict[str, object], event: str, subject: EventSubject, expected: bool
) -> None:
    assert matches(webhook(**changes), event, subject) is expected


def test_the_twelve_events_are_distinct() -> None:
    assert len(set(EVENT_NAMES)) == len(EVENT_NAMES) == 12


def test_sequence_keys_separate_webhooks_and_integrations() -> None:
    keys = {
        sequence_key(1, SUBJECT),
        sequence_key(2, SUBJECT),
        sequence_key(1, EventSubject(consumer="Web", provider="Other")),
        sequence_key(1, EventSubject(provider="Pay")),
    }
    assert len(keys) == 4


VARIABLES = {
    "pactbroker.pactUrl": "http://broker/pacts/provider/Pay/consumer/Web/pact-version/1",
    "pactbroker.consumerName": 'We"b & co',
    "accord.awaitingTeams": "payments, web",
}


def test_values_are_url_encoded_in_the_url_and_raw_in_headers_and_body() -> None:
    request = WebhookRequest(
        method="post",
        url="https://ci.example/build?pact=${pactbroker.pactUrl}&who=${pactbroker.consumerName}",
        headers={"X-Consumer": "${pactbroker.consumerName}"},
        body={"consumer": "${pactbroker.consumerName}", "teams": "${accord.awaitingTeams}"},
    )
    rendered = render(request, VARIABLES, [("X-Accord-Event", "contract_published")])
    assert rendered.method == "POST"
    assert rendered.url == (
        "https://ci.example/build?pact=http%3A%2F%2Fbroker%2Fpacts%2Fprovider%2FPay%2Fconsumer"
        "%2FWeb%2Fpact-version%2F1&who=We%22b%20%26%20co"
    )
    assert rendered.headers == (
        ("X-Consumer", 'We"b & co'),
        ("Content-Type", "application/json"),
        ("X-Accord-Event", "contract_published"),
    )
    # Raw, as the Pact Broker substitutes: the quote is not escaped.
    assert rendered.body == b'{"consumer":"We"b & co","teams":"payments, web"}'


def test_a_text_body_is_sent_as_written_and_unknown_variables_stay() -> None:
    request = WebhookRequest(
        method="POST",
        url="https://ci.example/${pactbroker.unknownThing}",
        headers={"Content-Type": "text/xml"},
        body="<who>${pactbroker.consumerName}</who>",
    )
    rendered = render(request, VARIABLES, [])
    assert rendered.url == "https://ci.example/${pactbroker.unknownThing}"
    assert rendered.body == b'<who>We"b & co</who>'
    assert rendered.headers == (("Content-Type", "text/xml"),)


def test_no_body_sends_nothing_and_credentials_become_basic_auth() -> None:
    request = WebhookRequest(
        method="POST", url="https://ci.example", username="ci", password="s3cret"
    )
    rendered = render(request, {}, [])
    assert rendered.body == b""
    [(name, value)] = rendered.headers
    assert name == "Authorization"
    assert base64.b64decode(value.removeprefix("Basic ")) == b"ci:s3cret"


def test_shown_and_logged_requests_mask_passwords_and_secret_headers() -> None:
    request = WebhookRequest(
        method="POST",
        url="https://ci.example",
        headers={
            "Authorization": "Bearer abc",
            "X-Api-Key": "k",
            "PRIVATE-TOKEN": "t",
            "Accept": "application/json",
        },
        username="ci",
        password="s3cret",
    )
    shown = redacted_request(request)
    assert shown.password == REDACTED
    assert shown.username == "ci"
    assert shown.headers == {
        "Authorization": REDACTED,
        "X-Api-Key": REDACTED,
        "PRIVATE-TOKEN": REDACTED,
        "Accept": "application/json",
    }
    logged = msgspec.json.encode(logged_request(render(request, {}, [])))
    assert b"s3cret" not in logged
    assert b"abc" not in logged
    assert base64.b64encode(b"ci:s3cret") not in logged
    assert b"application/json" in logged
    assert redacted_request(WebhookRequest(method="POST", url="https://x")).password is None


def test_logged_requests_keep_what_was_sent() -> None:
    rendered = RenderedRequest(
        method="POST", url="https://x/y", headers=(("Accept", "*/*"),), body=b"\xff{}"
    )
    assert logged_request(rendered) == {
        "method": "POST",
        "url": "https://x/y",
        "headers": [["Accept", "*/*"]],
        "body": "\ufffd{}",
    }


def test_retries_follow_the_schedule_within_the_jitter_then_stop() -> None:
    schedule = (10.0, 100.0)
    rng = random.Random(7)
    first = [retry_delay(1, schedule, rng) for _ in range(200)]
    second = [retry_delay(2, schedule, rng) for _ in range(200)]
    assert all(d is not None and 8.0 <= d <= 12.0 for d in first)
    assert all(d is not None and 80.0 <= d <= 120.0 for d in second)
    assert len(set(first)) > 1  # jittered, not fixed
    assert retry_delay(3, schedule, rng) is None
    assert retry_delay(0, schedule, rng) is None


def test_the_default_schedule_spans_about_a_day() -> None:
    total_hours = sum(DEFAULT_RETRY_SCHEDULE) / 3600
    assert 22 <= total_hours <= 26


def test_delivery_uuids_are_version_7_time_ordered_and_distinct() -> None:
    made = [ordered_uuid() for _ in range(2000)]
    parsed = [uuid.UUID(text) for text in made]
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert len(set(made)) == len(made)
    # The first 48 bits are the time in milliseconds: never going back within one process.
    stamps = [u.int >> 80 for u in parsed]
    assert stamps == sorted(stamps)
    now_ms = time.time_ns() // 1_000_000
    assert now_ms - 60_000 < stamps[0] <= now_ms
    # The random bits vary: not a counter, not a constant.
    assert len({u.int & (2**62 - 1) for u in parsed}) == len(parsed)
