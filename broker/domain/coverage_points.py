"""A pacticipant's integration points, read from its pacts, its consumers' pacts and its OpenAPI.

Pure: the documents come in parsed (JSON objects), the points go out. Four kinds of point:

- **called**: an endpoint (method and path) of a provider that the pacticipant's own pacts call,
  with the interactions' descriptions as its purpose;
- **exposed**: an operation of the pacticipant's OpenAPI document, with the consumers whose
  pacts call it (a pact path matches a path template segment by segment);
- **published**: a message the pacticipant provides to consumers (their message pacts);
- **consumed**: a message the pacticipant's own message pacts expect from a provider.

Each point has a key (what it is, stable across versions) and a fingerprint (a hash of what
defines it), so the points of two versions tell new and changed points apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

import msgspec

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CHANNEL_KEYS = ("channel", "topic", "destination", "queue", "exchange", "subject", "routingKey")
MAX_POINTS = 5000  # per pacticipant and kind: a bound on the report's work, far past real use


class Direction(StrEnum):
    """Which side of an integration point the pacticipant is on."""

    CALLED = "called"
    EXPOSED = "exposed"
    PUBLISHED = "published"
    CONSUMED = "consumed"


class Point(msgspec.Struct, frozen=True, kw_only=True):
    """One integration point and what the documents say of it."""

    direction: Direction
    counterpart: str = ""  # the provider called or the publisher of a consumed event
    method: str = ""  # APIs
    path: str = ""  # APIs: a pact's path, or the OpenAPI path template
    operation_id: str = ""
    event: str = ""  # events: the message's description
    channel: str = ""
    purposes: tuple[str, ...] = ()  # the interactions' descriptions (called APIs)
    consumers: tuple[str, ...] = ()  # exposed APIs and published events
    interactions: int = 0  # how many pact interactions exercise the point
    statuses: tuple[str, ...] = ()  # exposed APIs: the declared response statuses
    security: tuple[str, ...] = ()  # exposed APIs: the security schemes it requires
    fingerprint: str = ""

    @property
    def key(self) -> str:
        """What the point is, the same in every version that has it."""
        if self.direction in (Direction.CALLED, Direction.EXPOSED):
            return f"{self.direction} {self.counterpart} {self.method} {self.path}"
        return f"{self.direction} {self.counterpart} {self.event}"

    @property
    def is_api(self) -> bool:
        """An endpoint (called or exposed), not an event."""
        return self.direction in (Direction.CALLED, Direction.EXPOSED)

    @property
    def name(self) -> str:
        """How the report names the point: `GET /orders/{id}` or the event."""
        return f"{self.method} {self.path}" if self.is_api else self.event


class Pact(msgspec.Struct, frozen=True, kw_only=True):
    """A pact document, parsed, with its consumer and provider names."""

    consumer: str
    provider: str
    document: Any


def _fingerprint(value: object) -> str:
    canonical = msgspec.json.encode(value, order="sorted")
    return hashlib.sha256(canonical).hexdigest()[:16]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _http_interactions(document: Any) -> list[Mapping[str, Any]]:
    found = document.get("interactions") if isinstance(document, Mapping) else None
    if not isinstance(found, list):
        return []
    return [
        item
        for item in found
        if isinstance(item, Mapping)
        and item.get("type", "Synchronous/HTTP") == "Synchronous/HTTP"
        and isinstance(item.get("request"), Mapping)
    ]


def _messages(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    found: list[Mapping[str, Any]] = []
    for item in document.get("messages") or []:
        if isinstance(item, Mapping):
            found.append(item)
    for item in document.get("interactions") or []:
        if isinstance(item, Mapping) and item.get("type") in (
            "Asynchronous/Messages",
            "Synchronous/Messages",
        ):
            found.append(item)
    return found


def _channel(message: Mapping[str, Any]) -> str:
    metadata = message.get("metadata") or message.get("metaData") or {}
    if not isinstance(metadata, Mapping):
        return ""
    for key in CHANNEL_KEYS:
        if isinstance(metadata.get(key), str | int):
            return str(metadata[key])
    return ""


def _request(interaction: Mapping[str, Any]) -> tuple[str, str]:
    request = interaction["request"]
    return str(_text(request.get("method")) or "GET").upper(), _text(request.get("path")) or "/"


def called_points(own_pacts: Sequence[Pact]) -> list[Point]:
    """The endpoints the pacticipant's pacts call, one point per provider, method and path."""
    grouped: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for pact in own_pacts:
        for interaction in _http_interactions(pact.document):
            method, path = _request(interaction)
            grouped.setdefault((pact.provider, method, path), []).append(interaction)
    return [
        Point(
            direction=Direction.CALLED,
            counterpart=provider,
            method=method,
            path=path,
            purposes=tuple(dict.fromkeys(_text(i.get("description")) for i in interactions)),
            interactions=len(interactions),
            fingerprint=_fingerprint(
                sorted(
                    (
                        msgspec.json.encode(
                            {k: i.get(k) for k in ("request", "response")}, order="sorted"
                        )
                    )
                    for i in interactions
                )
            ),
        )
        for (provider, method, path), interactions in sorted(grouped.items())[:MAX_POINTS]
    ]


def template_pattern(template: str) -> re.Pattern[str]:
    """A path template (`/orders/{id}`) as a pattern matching the paths it names."""
    parts = re.split(r"(\{[^}/]*\})", template)
    return re.compile(
        "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p) + "/?"
    )


def _security(operation: Mapping[str, Any], document: Mapping[str, Any]) -> tuple[str, ...]:
    required = operation.get("security", document.get("security")) or []
    names: list[str] = []
    if isinstance(required, list):
        for alternative in required:
            if isinstance(alternative, Mapping):
                names.extend(str(name) for name in alternative)
    return tuple(dict.fromkeys(names))


def exposed_points(openapi: Any, consumer_pacts: Sequence[Pact]) -> list[Point]:
    """The operations of the OpenAPI document, each with the consumers whose pacts call it."""
    if not isinstance(openapi, Mapping) or not isinstance(openapi.get("paths"), Mapping):
        return []
    calls = [
        (pact.consumer, *_request(interaction))
        for pact in consumer_pacts
        for interaction in _http_interactions(pact.document)
    ]
    points = []
    for template, item in openapi["paths"].items():
        if not isinstance(item, Mapping):
            continue
        pattern = template_pattern(str(template))
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            upper = method.upper()
            callers = [
                consumer
                for consumer, called, path in calls
                if called == upper and pattern.fullmatch(path.split("?")[0])
            ]
            responses = operation.get("responses")
            points.append(
                Point(
                    direction=Direction.EXPOSED,
                    method=upper,
                    path=str(template),
                    operation_id=_text(operation.get("operationId")),
                    consumers=tuple(sorted(set(callers))),
                    interactions=len(callers),
                    statuses=tuple(str(s) for s in responses)
                    if isinstance(responses, Mapping)
                    else (),
                    security=_security(operation, openapi),
                    fingerprint=_fingerprint(operation),
                )
            )
            if len(points) >= MAX_POINTS:
                return points
    return points


def _event_points(pacts: Iterable[Pact], direction: Direction, *, own: bool) -> list[Point]:
    grouped: dict[tuple[str, str], tuple[list[str], list[Mapping[str, Any]]]] = {}
    for pact in pacts:
        counterpart = pact.provider if own else ""
        for message in _messages(pact.document):
            key = (counterpart, _text(message.get("description")))
            names, messages = grouped.setdefault(key, ([], []))
            names.append(pact.consumer)
            messages.append(message)
    return [
        Point(
            direction=direction,
            counterpart=counterpart,
            event=event,
            channel=next((c for c in map(_channel, messages) if c), ""),
            consumers=() if own else tuple(sorted(set(names))),
            interactions=len(messages),
            fingerprint=_fingerprint(
                sorted(
                    msgspec.json.encode(
                        {k: m.get(k) for k in ("contents", "metadata", "metaData")},
                        order="sorted",
                    )
                    for m in messages
                )
            ),
        )
        for (counterpart, event), (names, messages) in sorted(grouped.items())[:MAX_POINTS]
    ]


def integration_points(
    own_pacts: Sequence[Pact], consumer_pacts: Sequence[Pact], openapi: Any
) -> list[Point]:
    """Every point: APIs called and exposed, events published and consumed, in that order.

    `own_pacts` are the pacticipant's pacts as a consumer; `consumer_pacts` its consumers'
    pacts with it; `openapi` its provider contract (None when it has none).
    """
    return [
        *called_points(own_pacts),
        *exposed_points(openapi, consumer_pacts),
        *_event_points(consumer_pacts, Direction.PUBLISHED, own=False),
        *_event_points(own_pacts, Direction.CONSUMED, own=True),
    ]
