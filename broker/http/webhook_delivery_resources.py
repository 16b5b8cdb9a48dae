"""HAL bodies of triggered webhooks (deliveries), their lists, and a test execution's result.

A triggered webhook carries the Pact Broker's members (`name`, `status`, `attemptsMade`,
`eventName`, `triggeredAt`, `pb:logs`, `pb:webhook`) and Accord's: the event with its variables
(never secret: they are what the broker knows of the pact or result) and, on its own resource,
each attempt with the request as sent, credentials masked.
"""

from __future__ import annotations

from typing import Any

import msgspec

from broker.domain.model import JSONValue
from broker.domain.webhooks import DEAD, PENDING, Attempt
from broker.http.hal import Body, Links, timestamp
from broker.services.webhook_deliveries import DeliveryView, Execution

TRIGGERED = "/triggered-webhooks/{d}"
WEBHOOK = "/webhooks/{w}"


def _name(view: DeliveryView) -> str:
    if view.webhook is not None and view.webhook.description:
        return view.webhook.description
    return f"Webhook {view.delivery.webhook_uuid}"


def _json_or_text(text: str) -> JSONValue:
    """A body as the Pact Broker shows one: parsed when it is JSON, else the text."""
    if not text:
        return text
    try:
        parsed: JSONValue = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return text
    return parsed


def _headers(pairs: Any) -> dict[str, str]:
    """Header pairs as one object; a repeated name's values joined by `, `."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[str(name)] = f"{joined[name]}, {value}" if name in joined else str(value)
    return joined


def attempt_body(attempt: Attempt) -> Body:
    """One attempt: the request as sent (masked), and the response or the error."""
    request = attempt.request
    body: Body = {
        "number": attempt.number,
        "worker": attempt.worker,
        "startedAt": timestamp(attempt.started_at),
        "durationMs": attempt.duration_ms,
        "succeeded": attempt.succeeded,
        "request": {
            "method": request.get("method"),
            "url": request.get("url"),
            "headers": _headers(request.get("headers") or []),
            "body": _json_or_text(str(request.get("body") or "")),
        },
    }
    if attempt.response_status is not None:
        body["response"] = {
            "status": attempt.response_status,
            "headers": _headers(attempt.response_headers),
            "body": _json_or_text(attempt.response_body),
        }
    if attempt.error is not None:
        body["error"] = {"message": attempt.error}
    return body


def triggered_webhook(links: Links, view: DeliveryView, *, full: bool = False) -> Body:
    """One delivery; `full` adds the event's variables and every attempt."""
    delivery, event = view.delivery, view.event
    href = links.path(TRIGGERED, d=delivery.uuid)
    pending = delivery.status == PENDING
    body: Body = {
        "uuid": delivery.uuid,
        "name": _name(view),
        "status": delivery.status,
        "attemptsMade": delivery.attempts,
        "nextAttemptAt": timestamp(delivery.next_attempt_at) if pending else None,
        "eventName": event.name,
        "triggeredAt": timestamp(delivery.created_at),
        "updatedAt": timestamp(delivery.updated_at),
        "webhookUuid": delivery.webhook_uuid,
        "event": {
            "uuid": event.uuid,
            "name": event.name,
            "consumer": event.consumer_name,
            "provider": event.provider_name,
            "createdAt": timestamp(event.created_at),
        },
    }
    if full:
        body["event"]["variables"] = dict(sorted(event.variables.items()))
        body["attempts"] = [attempt_body(attempt) for attempt in view.attempts]
    logs = links.path(TRIGGERED + "/logs", d=delivery.uuid)
    body["_links"] = {
        "self": links.link(href, title="Triggered webhook", name=_name(view)),
        "pb:logs": links.link(logs, title="Webhook execution logs", name=_name(view)),
        "logs": links.link(logs, title="DEPRECATED - Use pb:logs", name=_name(view)),
    }
    if view.webhook is not None:
        body["_links"]["pb:webhook"] = links.link(
            links.path(WEBHOOK, w=delivery.webhook_uuid), title="Webhook", name=_name(view)
        )
    if delivery.status == DEAD:
        body["_links"]["redrive"] = links.link(
            links.path(TRIGGERED + "/redrive", d=delivery.uuid),
            title="POST here to deliver it again (admin)",
        )
    return body


def triggered_webhooks(links: Links, href: str, title: str, views: list[DeliveryView]) -> Body:
    """A list of deliveries, newest first, as the Pact Broker lists triggered webhooks."""
    return {
        "_embedded": {"triggeredWebhooks": [triggered_webhook(links, view) for view in views]},
        "_links": {"self": links.link(href, title=title)},
    }


def execution_result(links: Links, execution: Execution) -> Body:
    """`POST /webhooks/{uuid}/execute`: what the Ruby and Rust `test-webhook` read.

    The Ruby CLI prints `logs`; the Rust one prints the whole body. The response shows, since
    the guard only lets the webhook reach hosts the broker's operator allowed.
    """
    attempt = attempt_body(execution.attempt)
    webhook = links.path(WEBHOOK, w=execution.webhook.uuid)
    body: Body = {"request": attempt["request"]}
    for member in ("response", "error"):
        if member in attempt:
            body[member] = attempt[member]
    body |= {
        "logs": execution.logs,
        "success": execution.succeeded,
        "_links": {
            "webhook": links.link(webhook, title="Webhook"),
            "try-again": links.link(webhook + "/execute", title="Execute the webhook again"),
        },
    }
    return body
