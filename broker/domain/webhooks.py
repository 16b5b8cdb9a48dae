"""Webhooks: what a team asks the broker to call when something happens, and how it is called.

A webhook names the events it listens to, the consumer and provider it is about (each by name,
by label, or absent for any) and the HTTP request to make. When an event happens, the broker
stores it in the outbox with its template variables, in the same transaction as the change
that caused it, and one delivery for each enabled webhook that matches; workers then make the
calls (`broker.webhooks`). Pure rules only: which webhook matches, how a request is rendered,
what a log may show, when the next attempt is due.
"""

from __future__ import annotations

import base64
import os
import random
import re
import time
import uuid as uuids
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from urllib.parse import quote

import msgspec

from broker.domain.model import JSONValue

# The Pact Broker's events, with its names.
CONTRACT_PUBLISHED = "contract_published"
CONTRACT_CONTENT_CHANGED = "contract_content_changed"
CONTRACT_REQUIRING_VERIFICATION_PUBLISHED = "contract_requiring_verification_published"
PROVIDER_VERIFICATION_PUBLISHED = "provider_verification_published"
PROVIDER_VERIFICATION_SUCCEEDED = "provider_verification_succeeded"
PROVIDER_VERIFICATION_FAILED = "provider_verification_failed"
PACT_BROKER_EVENTS = (
    CONTRACT_PUBLISHED,
    CONTRACT_CONTENT_CHANGED,
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_SUCCEEDED,
    PROVIDER_VERIFICATION_FAILED,
)

# Accord's own: governance and provider contracts.
CHANGE_REQUEST_OPENED = "change_request_opened"
CHANGE_REQUEST_APPROVED = "change_request_approved"
CHANGE_REQUEST_REJECTED = "change_request_rejected"
CHANGE_REQUEST_SUPERSEDED = "change_request_superseded"
PROVIDER_CONTRACT_PUBLISHED = "provider_contract_published"
PROVIDER_CONTRACT_CHANGED = "provider_contract_changed"
ACCORD_EVENTS = (
    CHANGE_REQUEST_OPENED,
    CHANGE_REQUEST_APPROVED,
    CHANGE_REQUEST_REJECTED,
    CHANGE_REQUEST_SUPERSEDED,
    PROVIDER_CONTRACT_PUBLISHED,
    PROVIDER_CONTRACT_CHANGED,
)

EVENT_NAMES = PACT_BROKER_EVENTS + ACCORD_EVENTS
DEFAULT_EVENTS = (CONTRACT_CONTENT_CHANGED,)

REDACTED = "**********"
# Header names whose values are secrets: shown masked, as the Pact Broker masks them.
_SECRET_HEADER = re.compile(r"authorization|token|secret|password|api[-_]?key|cookie", re.I)

# `${pactbroker.consumerName}`, `${accord.changeRequestUrl}`.
TEMPLATE = re.compile(r"\$\{((?:pactbroker|accord)\.[A-Za-z]+)\}")


class PacticipantSelector(msgspec.Struct, frozen=True, kw_only=True):
    """Which pacticipants a webhook is about: one by name, or all with a label."""

    name: str | None = None
    label: str | None = None

    def selects(self, name: str | None, labels: Sequence[str]) -> bool:
        """Whether the pacticipant (absent: None) is one this selector names."""
        if name is None:
            return False
        if self.name is not None:
            return self.name == name
        return self.label is not None and self.label in labels


class WebhookRequest(msgspec.Struct, frozen=True, kw_only=True):
    """The call a webhook makes; `url`, `headers` and `body` may hold template variables.

    `body` is any JSON value; a string is sent as it is (XML, form data…), anything else as
    JSON.
    """

    method: str
    url: str
    headers: dict[str, str] = {}
    body: JSONValue = None
    username: str | None = None
    password: str | None = None


class Webhook(msgspec.Struct, frozen=True, kw_only=True):
    """A stored webhook. `consumer`/`provider` absent: any pacticipant."""

    id: int
    uuid: str
    description: str | None = None
    consumer: PacticipantSelector | None = None
    provider: PacticipantSelector | None = None
    events: tuple[str, ...] = DEFAULT_EVENTS
    request: WebhookRequest
    enabled: bool = True
    created_at: datetime
    updated_at: datetime


class Listener(msgspec.Struct, frozen=True, kw_only=True):
    """What deciding whether an enabled webhook hears an event needs, and no more.

    A change reads every enabled webhook as a listener (not its request, credentials or times,
    which only a delivery needs), so webhooks cost a publication little.
    """

    id: int
    uuid: str
    description: str | None = None
    consumer: PacticipantSelector | None = None
    provider: PacticipantSelector | None = None
    events: tuple[str, ...] = DEFAULT_EVENTS
    enabled: bool = True


class WebhookDraft(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook as a request describes it, before it is stored."""

    uuid: str
    description: str | None = None
    consumer: PacticipantSelector | None = None
    provider: PacticipantSelector | None = None
    events: tuple[str, ...] = DEFAULT_EVENTS
    request: WebhookRequest
    enabled: bool = True


class EventSubject(msgspec.Struct, frozen=True, kw_only=True):
    """Whom an event is about: names and labels of its consumer (if any) and provider."""

    consumer: str | None = None
    consumer_labels: tuple[str, ...] = ()
    provider: str | None = None
    provider_labels: tuple[str, ...] = ()


def matches(webhook: Webhook | Listener, event: str, subject: EventSubject) -> bool:
    """Whether an enabled webhook wants this event about this consumer and provider.

    A webhook naming a consumer does not hear of events that have none (a provider contract's).
    """
    if not webhook.enabled or event not in webhook.events:
        return False
    if webhook.consumer is not None and not webhook.consumer.selects(
        subject.consumer, subject.consumer_labels
    ):
        return False
    return webhook.provider is None or webhook.provider.selects(
        subject.provider, subject.provider_labels
    )


def sequence_key(webhook_id: int, subject: EventSubject) -> str:
    """Deliveries with one key are made in the order their events happened.

    The key is the webhook and the integration (consumer and provider), so one slow receiver
    or pair does not hold up the others.
    """
    return f"{webhook_id}\x1f{subject.consumer or ''}\x1f{subject.provider or ''}"


class RenderedRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook's request with its variables filled: what goes on the wire."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


def fill(template: str, variables: Mapping[str, str], encode: Callable[[str], str]) -> str:
    """`template` with each known `${…}` variable replaced by `encode(value)`.

    Unknown variables stay as written, as the Pact Broker leaves them.
    """

    def value(found: re.Match[str]) -> str:
        name = found.group(1)
        return encode(variables[name]) if name in variables else found.group(0)

    return TEMPLATE.sub(value, template)


def _raw(value: str) -> str:
    return value


def _url_encoded(value: str) -> str:
    return quote(value, safe="")


def render(
    request: WebhookRequest, variables: Mapping[str, str], extra_headers: Sequence[tuple[str, str]]
) -> RenderedRequest:
    """The request to send: URL-encoded values in the URL, raw values in headers and body.

    `extra_headers` (the delivery and event ids) come last; basic-auth credentials become an
    `Authorization` header; a JSON body gets `Content-Type: application/json` unless a header
    sets one.
    """
    headers = [(name, fill(value, variables, _raw)) for name, value in request.headers.items()]
    if request.username is not None:
        token = f"{request.username}:{request.password or ''}".encode()
        headers.append(("Authorization", "Basic " + base64.b64encode(token).decode("ascii")))
    if request.body is None:
        body = b""
    elif isinstance(request.body, str):
        body = fill(request.body, variables, _raw).encode()
    else:
        body = fill(msgspec.json.encode(request.body).decode(), variables, _raw).encode()
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
    return RenderedRequest(
        method=request.method.upper(),
        url=fill(request.url, variables, _url_encoded),
        headers=(*headers, *extra_headers),
        body=body,
    )


def is_secret_header(name: str) -> bool:
    """Whether a header's value is a credential, never shown once stored."""
    return bool(_SECRET_HEADER.search(name))


def redacted_headers(
    headers: Mapping[str, str] | Sequence[tuple[str, str]],
) -> list[tuple[str, str]]:
    """Headers as they may be shown: secret values masked."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [(name, REDACTED if is_secret_header(name) else value) for name, value in pairs]


def redacted_request(request: WebhookRequest) -> WebhookRequest:
    """The request as a response or a log may show it: password and secret headers masked."""
    return msgspec.structs.replace(
        request,
        headers=dict(redacted_headers(request.headers)),
        password=None if request.password is None else REDACTED,
    )


# Seconds before each retry: 11 retries over about 24 hours, each with ±20 % jitter.
DEFAULT_RETRY_SCHEDULE = (
    10.0,
    30.0,
    60.0,
    300.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    14400.0,
    28800.0,
    28800.0,
)
JITTER = 0.2


def retry_delay(
    attempts_made: int, schedule: Sequence[float], rng: random.Random | None = None
) -> float | None:
    """Seconds to wait before the next attempt after `attempts_made` failed ones.

    None when the schedule is used up: the delivery is dead. The delay is the schedule's
    entry moved by up to ±20 % at random, so receivers that failed together are not all
    retried in the same instant.
    """
    if attempts_made < 1 or attempts_made > len(schedule):
        return None
    base = schedule[attempts_made - 1]
    spread = (rng or random).uniform(-JITTER, JITTER)
    return max(0.0, base * (1.0 + spread))


class WebhookEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event in the outbox, with its template variables' values when it happened.

    The ids say what caused it, so a pact, a verification result or a change request can list
    the webhooks it triggered.
    """

    id: int
    uuid: str
    name: str
    consumer_name: str | None = None
    provider_name: str | None = None
    variables: dict[str, str]
    pact_version_sha: str | None = None
    consumer_version_id: int | None = None
    verification_id: int | None = None
    change_request_id: int | None = None
    created_at: datetime


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """A delivery an event will be fanned out into: its webhook, sequence and uuid.

    The uuid is chosen when the event is stored, so the publication can name the delivery's
    logs at once.
    """

    webhook_id: int
    sequence_key: str
    uuid: str


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event to store: what happened, about whom, its variables and its deliveries-to-be."""

    name: str
    subject: EventSubject
    variables: dict[str, str]
    pact_version_sha: str | None = None
    consumer_version_id: int | None = None
    verification_id: int | None = None
    change_request_id: int | None = None
    targets: tuple[Target, ...] = ()


def ordered_uuid() -> str:
    """A version-7 UUID (RFC 9562 §5.7): time-ordered, so index inserts append, not scatter.

    Deliveries and events are written in bulk on every publication; random (v4) keys would
    land on a different page of the `uuid` index each.
    """
    millis = time.time_ns() // 1_000_000
    random = int.from_bytes(os.urandom(10))  # one system call: 74 of its 80 bits are used
    rand_a = random >> 68  # 12 bits
    rand_b = random & (2**62 - 1)
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuids.UUID(int=value))


PENDING = "pending"
RUNNING = "running"
SUCCEEDED = "succeeded"
DEAD = "dead"
DELIVERY_STATUSES = (PENDING, RUNNING, SUCCEEDED, DEAD)


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    """One event to deliver to one webhook, and how far it has got."""

    id: int
    uuid: str
    event_id: int
    webhook_id: int
    webhook_uuid: str
    event_name: str
    sequence_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None = None
    worker: str | None = None
    created_at: datetime
    updated_at: datetime


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    """The log of one attempt: the request as sent (credentials masked) and what came back.

    `request` holds `method`, `url`, `headers` (pairs) and `body` (text).
    """

    number: int
    worker: str
    started_at: datetime
    duration_ms: int
    request: dict[str, JSONValue]
    response_status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: str = ""
    error: str | None = None
    succeeded: bool


def logged_request(rendered: RenderedRequest) -> dict[str, JSONValue]:
    """A rendered request as an attempt's log keeps it: secret header values masked."""
    return {
        "method": rendered.method,
        "url": rendered.url,
        "headers": [list(pair) for pair in redacted_headers(rendered.headers)],
        "body": rendered.body.decode("utf-8", errors="replace"),
    }
