"""Webhooks and pending deliveries written straight into a broker's database, as events would.

The services that emit events write these rows in their own transactions; tests of delivery
write them with the storage API so that delivery is tested on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from broker.domain.webhooks import (
    CONTRACT_CONTENT_CHANGED,
    Delivery,
    EventSubject,
    NewEvent,
    Webhook,
    WebhookDraft,
    WebhookRequest,
    sequence_key,
)
from broker.services.clock import system_clock
from broker.storage.interface import Storage


def receiver_request(url: str, **changes: object) -> WebhookRequest:
    """A POST to `url` with a JSON body naming the consumer and the provider."""
    fields: dict[str, object] = {
        "method": "POST",
        "url": url,
        "body": {
            "consumer": "${pactbroker.consumerName}",
            "provider": "${pactbroker.providerName}",
        },
    }
    fields.update(changes)
    return WebhookRequest(**fields)  # type: ignore[arg-type]


async def insert_webhook(
    storage: Storage, request: WebhookRequest, *, enabled: bool = True
) -> Webhook:
    """A webhook for any consumer and provider, listening to the default event."""
    draft = WebhookDraft(uuid=uuid.uuid4().hex, request=request, enabled=enabled)
    async with storage.transaction() as tx:
        return await tx.insert_webhook(draft, system_clock())


async def insert_deliveries(
    storage: Storage,
    webhook: Webhook,
    subjects: Sequence[tuple[str, str]],
    *,
    event: str = CONTRACT_CONTENT_CHANGED,
) -> list[Delivery]:
    """One event per (consumer, provider), in order, each with a delivery to `webhook`, due now.

    Subjects that share a consumer and provider share a sequence: they are delivered in order.
    """
    deliveries = []
    async with storage.transaction() as tx:
        for consumer, provider in subjects:
            subject = EventSubject(consumer=consumer, provider=provider)
            stored = await tx.insert_webhook_event(
                NewEvent(
                    name=event,
                    subject=subject,
                    variables={
                        "pactbroker.consumerName": consumer,
                        "pactbroker.providerName": provider,
                    },
                ),
                system_clock(),
            )
            deliveries.append(
                await tx.insert_delivery(
                    stored.id, webhook.id, sequence_key(webhook.id, subject), system_clock()
                )
            )
    return deliveries
