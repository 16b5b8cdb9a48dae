"""Webhook deliveries as an admin sees them: which are dead, and delivering one again.

    with BrokerClient("http://127.0.0.1:9292", token=ADMIN) as broker:
        for delivery in broker.list_webhook_deliveries(status="dead"):
            print(delivery.uuid, delivery.event_name, delivery.attempts_made)
        broker.redrive_delivery(dead_uuid)

A delivery is one event for one webhook (the Pact Broker calls it a triggered webhook). Once
its retries run out it is dead: kept, listed here, and re-driven from its first attempt.
"""

from __future__ import annotations

import msgspec

from clients.sdk import _hal as hal
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Resource


class WebhookDelivery(Resource, frozen=True, kw_only=True):
    """One delivery: its status, its event and how many attempts were made."""

    uuid: str
    name: str = ""
    status: str
    attempts_made: int = 0
    next_attempt_at: str | None = None
    event_name: str = ""
    triggered_at: str = ""
    webhook_uuid: str = ""


class _DeliveriesEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    triggered_webhooks: list[WebhookDelivery] = msgspec.field(default_factory=list)


class _DeliveryList(Resource, frozen=True, kw_only=True):
    embedded: _DeliveriesEmbedded = msgspec.field(
        default_factory=_DeliveriesEmbedded, name="_embedded"
    )


def list_webhook_deliveries(
    session: Session, *, status: str | None = None, limit: int = 100
) -> Operation[list[WebhookDelivery]]:
    """`GET /admin/webhook-deliveries` (admin): newest first, of one status or all."""
    params = {"limit": str(limit)}
    if status is not None:
        params["status"] = status
    listed = yield from session.fetch(
        "GET", "/admin/webhook-deliveries", _DeliveryList, params=params
    )
    return list(listed.embedded.triggered_webhooks)


def redrive_delivery(session: Session, uuid: str) -> Operation[WebhookDelivery]:
    """`POST /triggered-webhooks/{uuid}/redrive` (admin): a dead delivery is pending again."""
    href = hal.expand("/triggered-webhooks/{uuid}/redrive", {"uuid": uuid})
    return (yield from session.fetch("POST", href, WebhookDelivery))
