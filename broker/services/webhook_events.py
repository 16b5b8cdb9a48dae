"""Writing webhook events to the outbox, inside the transaction of the change that causes them.

A service opens one `Events` per transaction, calls `emit` for each event and `flush` before the
transaction ends; the events, each with the deliveries it will make (its targets, uuids
chosen now), commit with the change or not at all (issue #14, item 3). The delivery worker
fans the targets out into delivery rows before it claims (`fan_out_events`), so a publication
writes one row per event whatever the number of webhooks. After the commit the service rings
the `Doorbell` (`Events.ring`) when `Events.deliveries` is not empty. When no webhook listens,
an event costs nothing beyond one read of the enabled webhooks per transaction: it is not
stored and its variables are never computed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

import msgspec

from broker.domain.errors import Notice
from broker.domain.model import Pacticipant
from broker.domain.webhooks import (
    EventSubject,
    Listener,
    NewEvent,
    Target,
    matches,
    ordered_uuid,
    sequence_key,
)
from broker.services.doorbell import Doorbell
from broker.services.origin import current_base_url
from broker.storage.interface import EventFacts, Pacticipants, WebhookOutbox, Webhooks

Variables = dict[str, str]
VariablesOf = Callable[[], Awaitable[Variables]]


class EventRoles(EventFacts, Pacticipants, Webhooks, WebhookOutbox, Protocol):
    """The storage roles emitting an event uses."""


class Triggered(msgspec.Struct, frozen=True, kw_only=True):
    """A delivery an event will make: its uuid is chosen now, its row made by the fan-out."""

    uuid: str
    event_name: str
    webhook_id: int
    webhook_uuid: str
    sequence_key: str


class Events:
    """The webhook events of one transaction, written together by `flush`.

    Reads the enabled webhooks once (the first time an event is emitted) and the pacticipants'
    labels only when a webhook listening to the event selects by label (or the variables
    need them). Events wait in memory until `flush`, which stores them all and their
    deliveries in two statements: call it before the transaction ends.
    """

    def __init__(self, tx: EventRoles, now: datetime) -> None:
        self._tx = tx
        self._now = now
        self._webhooks: list[Listener] | None = None
        self._labels: dict[int, tuple[str, ...]] = {}
        self._pending: list[tuple[NewEvent, list[Listener]]] = []
        self.deliveries: list[Triggered] = []

    async def _candidates(self, name: str) -> list[Listener]:
        if self._webhooks is None:
            self._webhooks = await self._tx.enabled_webhooks()
        return [w for w in self._webhooks if name in w.events]

    async def wants(self, name: str) -> bool:
        """Whether some enabled webhook listens to the event (whatever it is about)."""
        return bool(await self._candidates(name))

    def knows(self, pacticipant: Pacticipant) -> bool:
        """Whether the pacticipant's labels were read in this transaction."""
        return pacticipant.id in self._labels

    def learn(self, labels: dict[int, list[str]]) -> None:
        """Keep labels read along with other facts."""
        self._labels.update((i, tuple(names)) for i, names in labels.items())

    async def labels(self, *pacticipants: Pacticipant | None) -> list[tuple[str, ...]]:
        """Each pacticipant's labels (none for None), read in one statement once per transaction."""
        missing = [p.id for p in pacticipants if p is not None and p.id not in self._labels]
        if missing:
            found = await self._tx.labels_of_pacticipants(list(dict.fromkeys(missing)))
            self._labels.update((i, tuple(names)) for i, names in found.items())
        return [() if p is None else self._labels[p.id] for p in pacticipants]

    async def emit(
        self,
        name: str,
        *,
        consumer: Pacticipant | None,
        provider: Pacticipant,
        variables: VariablesOf,
        pact_version_sha: str | None = None,
        consumer_version_id: int | None = None,
        verification_id: int | None = None,
        change_request_id: int | None = None,
    ) -> bool:
        """Queue the event if an enabled webhook matches it; whether one did.

        `variables` is called only then.
        """
        candidates = await self._candidates(name)
        if not candidates:
            return False
        by_label = any(
            (w.consumer is not None and w.consumer.label is not None)
            or (w.provider is not None and w.provider.label is not None)
            for w in candidates
        )
        consumer_labels, provider_labels = (
            await self.labels(consumer, provider) if by_label else [(), ()]
        )
        subject = EventSubject(
            consumer=None if consumer is None else consumer.name,
            consumer_labels=consumer_labels,
            provider=provider.name,
            provider_labels=provider_labels,
        )
        matching = [w for w in candidates if matches(w, name, subject)]
        if not matching:
            return False
        event = NewEvent(
            name=name,
            subject=subject,
            variables=await variables(),
            pact_version_sha=pact_version_sha,
            consumer_version_id=consumer_version_id,
            verification_id=verification_id,
            change_request_id=change_request_id,
        )
        self._pending.append((event, matching))
        return True

    async def flush(self) -> list[Triggered]:
        """Store the queued events with their targets (the deliveries-to-be, in `deliveries`)."""
        if not self._pending:
            return []
        pending, self._pending = self._pending, []
        events: list[NewEvent] = []
        made: list[Triggered] = []
        for new, webhooks in pending:
            targets = tuple(
                Target(
                    webhook_id=w.id,
                    sequence_key=sequence_key(w.id, new.subject),
                    uuid=ordered_uuid(),
                )
                for w in webhooks
            )
            events.append(msgspec.structs.replace(new, targets=targets))
            made += [
                Triggered(
                    uuid=t.uuid,
                    event_name=new.name,
                    webhook_id=w.id,
                    webhook_uuid=w.uuid,
                    sequence_key=t.sequence_key,
                )
                for t, w in zip(targets, webhooks, strict=True)
            ]
        await self._tx.insert_webhook_events(events, self._now)
        self.deliveries += made
        return made

    def notices(self) -> list[Notice]:
        """One notice per delivery made, with the URL of its logs (as the Pact Broker's)."""
        described = {w.id: w.description for w in self._webhooks or ()}
        base = current_base_url.get()
        notices = []
        for delivery in self.deliveries:
            description = described.get(delivery.webhook_id) or delivery.webhook_uuid
            notices.append(
                Notice(
                    "debug",
                    f"  Webhook {description!r} triggered for event {delivery.event_name}.\n"
                    f"    See logs at {base}/triggered-webhooks/{delivery.uuid}/logs",
                )
            )
        return notices

    def ring(self, doorbell: Doorbell | None) -> None:
        """After the commit: wake the workers if deliveries were made."""
        assert not self._pending, "events emitted but never flushed: they would be lost"
        if self.deliveries and doorbell is not None:
            doorbell.ring()
