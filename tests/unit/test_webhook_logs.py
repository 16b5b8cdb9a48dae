"""What a webhook attempt's log may show a reader: the masks and the text of each block."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broker.domain.webhook_logs import attempt_log, delivery_log, redacted_url, shown_attempt
from broker.domain.webhooks import REDACTED, Attempt, RenderedRequest, logged_request

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ci.example/build", "https://ci.example/build"),
        (
            "https://ci.example/job?token=abc&ref=main",
            f"https://ci.example/job?token={REDACTED}&ref=main",
        ),
        (
            "https://ci.example/x?API_KEY=1&secret=2",
            f"https://ci.example/x?API_KEY={REDACTED}&secret={REDACTED}",
        ),
        ("https://bob:pw@ci.example/x", f"https://bob:{REDACTED}@ci.example/x"),
        ("https://bob@ci.example/x", "https://bob@ci.example/x"),
        ("https://ci.example/x?ref=a%20b", "https://ci.example/x?ref=a%20b"),
        ("http://[::1/x", "http://[::1/x"),  # not a URL: shown as it is
    ],
)
def test_secrets_in_a_url_are_masked(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


def attempt(**outcome: object) -> Attempt:
    rendered = RenderedRequest(
        method="POST",
        url="https://ci.example/build?token=abc",
        headers=(("Authorization", "Basic Y2k6cHc="), ("X-Accord-Event", "contract_published")),
        body=b'{"a": 1}',
    )
    defaults: dict[str, object] = {
        "number": 1,
        "worker": "w1",
        "started_at": AT,
        "duration_ms": 40,
        "request": logged_request(rendered),
        "succeeded": False,
    }
    return Attempt(**{**defaults, **outcome})  # type: ignore[arg-type]  # a test's overrides


def test_a_shown_attempt_masks_request_url_and_secret_response_headers() -> None:
    shown = shown_attempt(
        attempt(response_status=200, response_headers=(("Set-Cookie", "s=1"), ("X-Id", "7")))
    )
    assert shown.request["url"] == f"https://ci.example/build?token={REDACTED}"
    assert ["Authorization", REDACTED] in shown.request["headers"]  # type: ignore[operator]
    assert shown.response_headers == (("Set-Cookie", REDACTED), ("X-Id", "7"))


def test_an_attempt_log_has_the_request_the_response_and_the_verdict() -> None:
    text = attempt_log(
        attempt(
            response_status=500,
            response_headers=(("Content-Type", "text/plain"),),
            response_body="down",
        ),
        "Delivery d-1 of contract_published",
    )
    assert text.splitlines()[0] == (
        "Delivery d-1 of contract_published: attempt 1, started 2026-12-01T12:00:00.000+00:00 by w1"
    )
    assert f"POST https://ci.example/build?token={REDACTED}" in text
    assert f"Authorization: {REDACTED}" in text and "Y2k6cHc=" not in text
    assert '{"a": 1}' in text
    assert "HTTP 500\nContent-Type: text/plain\n\ndown\n" in text
    assert text.endswith("The attempt failed after 40 ms.\n")


def test_an_attempt_without_a_response_logs_its_error() -> None:
    text = attempt_log(attempt(error="Could not connect: refused."), "Test execution t")
    assert "Error: Could not connect: refused." in text
    assert "HTTP " not in text


def test_a_delivery_log_has_a_block_per_attempt_or_says_there_is_none() -> None:
    assert delivery_log([], "Delivery d") == "Delivery d: no attempt yet.\n"
    text = delivery_log([attempt(), attempt(number=2, succeeded=True, response_status=204)], "D")
    assert "D: attempt 1," in text and "D: attempt 2," in text
    assert text.count("The attempt") == 2 and "succeeded after" in text
