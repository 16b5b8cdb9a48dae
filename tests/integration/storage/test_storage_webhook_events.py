"""Emitting webhook events, on both backends: deliveries in one statement, the previous pact of
a consumer version, and an event that commits or rolls back with its transaction."""

from __future__ import annotations

from datetime import datetime

import msgspec
import pytest

from broker.domain.model import Pacticipant, PacticipantChanges
from broker.domain.webhooks import (
    CONTRACT_PUBLISHED,
    PENDING,
    EventSubject,
    NewEvent,
    PacticipantSelector,
    Target,
    WebhookDraft,
    WebhookRequest,
    ordered_uuid,
    sequence_key,
)
from broker.services.contracts import Contract, ContractService, PublishRequest
from broker.services.doorbell import Doorbell
from broker.services.webhook_deliveries import WebhookDeliveryService
from broker.services.webhook_events import Events
from broker.storage.interface import Storage
from broker.webhooks.guard import WebhookPolicy
from broker.webhooks.sender import WebhookSender
from tests.integration.storage.test_storage_pacts import consumer_versions, publish


def hook(uuid: str, **changes: object) -> WebhookDraft:
    fields: dict[str, object] = {
        "uuid": uuid,
        "events": (CONTRACT_PUBLISHED,),
        "request": WebhookRequest(method="POST", url="https://ci.example/build"),
    }
    fields.update(changes)
    return WebhookDraft(**fields)  # type: ignore[arg-type]


async def test_an_events_targets_become_deliveries_once_when_fanned_out(
    storage: Storage, now: datetime
) -> None:
    """The event row holds its deliveries-to-be; the fan-out makes them, once, with their uuids."""
    async with storage.transaction() as tx:
        hooks = [await tx.insert_webhook(hook(f"hook-{i:02}-aaaaaaaaaaaa"), now) for i in range(3)]
        targets = tuple(
            Target(webhook_id=h.id, sequence_key=f"key-{h.id}", uuid=ordered_uuid()) for h in hooks
        )
        [event] = await tx.insert_webhook_events(
            [
                NewEvent(
                    name=CONTRACT_PUBLISHED,
                    subject=EventSubject(provider="Bar"),
                    variables={},
                    targets=targets,
                )
            ],
            now,
        )
        assert await tx.list_deliveries() == []  # not yet fanned out
    async with storage.transaction() as tx:
        assert await tx.webhook_work_due(now)  # the event waits to be fanned out
        assert await tx.fan_out_events() == 3
        assert await tx.fan_out_events() == 0  # an event is fanned out once
    async with storage.transaction() as tx:
        made = [await tx.find_delivery(t.uuid) for t in targets]
        assert [d.webhook_uuid for d in made if d is not None] == [h.uuid for h in hooks]
        for delivery, target in zip(made, targets, strict=True):
            assert delivery is not None
            assert (delivery.event_id, delivery.sequence_key) == (event.id, target.sequence_key)
            assert (delivery.status, delivery.attempts, delivery.event_name) == (
                PENDING,
                0,
                CONTRACT_PUBLISHED,
            )
            assert delivery.created_at == delivery.next_attempt_at == now


async def test_the_fan_out_drops_targets_whose_webhook_was_deleted_and_keeps_event_order(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        kept = await tx.insert_webhook(hook("hook-kept-aaaaaaaaaaa"), now)
        gone = await tx.insert_webhook(hook("hook-gone-aaaaaaaaaaa"), now)
        news = [
            NewEvent(
                name=CONTRACT_PUBLISHED,
                subject=EventSubject(provider=f"Bar{n}"),
                variables={},
                targets=tuple(
                    Target(webhook_id=h.id, sequence_key="one", uuid=ordered_uuid())
                    for h in (kept, gone)
                ),
            )
            for n in range(3)
        ]
        first = await tx.insert_webhook_events(news[:1], now)
        later = await tx.insert_webhook_events(news[1:], now)
        assert await tx.delete_webhook(gone.uuid)
    async with storage.transaction() as tx:
        assert await tx.fan_out_events() == 3
        made = await tx.list_deliveries()
    assert {d.webhook_uuid for d in made} == {kept.uuid}
    # Newest first; the deliveries are in their events' order.
    assert [d.event_id for d in reversed(made)] == [e.id for e in first + later]


async def test_the_previous_publication_is_the_newest_earlier_one_on_the_branch_or_tag(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        provider = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(branch.id, v1.id, now)
        await tx.insert_tag(v2.id, "prod", now)
        for version, sha in ((v1, "a"), (v2, "b"), (v3, "c")):
            await publish(tx, pacticipant, provider, version, sha, now)
        third = await tx.find_publication(v3.id, provider.id)
        first = await tx.find_publication(v1.id, provider.id)
        second = await tx.find_publication(v2.id, provider.id)
        assert third is not None and first is not None and second is not None
        assert await tx.previous_publication(third) == second
        assert await tx.previous_publication(third, branch="main") == first
        assert await tx.previous_publication(third, tag="prod") == second
        assert await tx.previous_publication(third, tag="dev") is None
        assert await tx.previous_publication(first) is None


async def test_an_event_rolls_back_with_its_transaction_and_commits_with_it(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    """No event without the change, no change without the event: one transaction holds both."""
    async with storage.transaction() as tx:
        await tx.insert_webhook(hook("hook-any-aaaaaaaaaaaa"), now)

    async def variables() -> dict[str, str]:
        return {"pactbroker.consumerName": "Foo"}

    with pytest.raises(RuntimeError):
        async with storage.transaction() as tx:
            await tx.add_label(pacticipant.id, "changed", now)
            events = Events(tx, now)
            await events.emit(
                CONTRACT_PUBLISHED, consumer=pacticipant, provider=pacticipant, variables=variables
            )
            assert len(await events.flush()) == 1
            raise RuntimeError("the change fails after its event was written")
    async with storage.transaction() as tx:
        assert await tx.fan_out_events() == 0
        assert await tx.list_deliveries() == []
        assert await tx.labels_of(pacticipant.id) == []

    async with storage.transaction() as tx:
        await tx.add_label(pacticipant.id, "changed", now)
        events = Events(tx, now)
        await events.emit(
            CONTRACT_PUBLISHED, consumer=pacticipant, provider=pacticipant, variables=variables
        )
        await events.flush()
    async with storage.transaction() as tx:
        assert await tx.fan_out_events() == 1
        [delivery] = await tx.list_deliveries()
        event = await tx.find_webhook_event(delivery.event_id)
        assert event is not None
        assert event.variables == {"pactbroker.consumerName": "Foo"}
        assert await tx.labels_of(pacticipant.id) == ["changed"]


async def test_labels_are_read_only_when_a_webhook_selects_by_label(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.add_label(pacticipant.id, "payments", now)
        await tx.insert_webhook(
            hook("hook-named-aaaaaaaaaa", consumer=PacticipantSelector(name="Foo")), now
        )

    async def variables() -> dict[str, str]:
        return {}

    async with storage.transaction() as tx:
        events = Events(tx, now)
        emitted = await events.emit(
            CONTRACT_PUBLISHED, consumer=pacticipant, provider=pacticipant, variables=variables
        )
        assert emitted
        assert events._labels == {}
        await tx.insert_webhook(
            hook("hook-label-aaaaaaaaaa", provider=PacticipantSelector(label="payments")), now
        )
        later = Events(tx, now)
        await later.emit(
            CONTRACT_PUBLISHED, consumer=pacticipant, provider=pacticipant, variables=variables
        )
        assert len(await later.flush()) == 2
        assert later._labels == {pacticipant.id: ("payments",)}


async def test_a_transactions_events_are_stored_in_order_with_their_variables(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        stored = await tx.insert_webhook_events(
            [
                NewEvent(
                    name=name,
                    subject=EventSubject(consumer="Foo", provider="Bar"),
                    variables={"pactbroker.eventName": name},
                    consumer_version_id=None,
                )
                for name in ("contract_published", "contract_content_changed")
            ],
            now,
        )
        assert [e.name for e in stored] == ["contract_published", "contract_content_changed"]
        for event in stored:
            assert await tx.find_webhook_event(event.id) == event
            assert event.variables == {"pactbroker.eventName": event.name}
            assert (event.consumer_name, event.provider_name, event.created_at) == (
                "Foo",
                "Bar",
                now,
            )
        assert await tx.insert_webhook_events([], now) == []


async def test_the_facts_of_variables_are_read_in_one_statement_each(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        await tx.add_label(pacticipant.id, "web", now)
        await tx.add_label(pacticipant.id, "frontend", now)
        assert await tx.labels_of_pacticipants([pacticipant.id, other.id]) == {
            pacticipant.id: ["frontend", "web"],
            other.id: [],
        }
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        main = await tx.insert_branch(pacticipant.id, "main", now)
        feature = await tx.insert_branch(pacticipant.id, "feat", now)
        await tx.insert_branch_version(main.id, v1.id, now)
        await tx.insert_branch_version(feature.id, v1.id, now)
        await tx.insert_branch_version(main.id, v2.id, now)
        await tx.insert_tag(v1.id, "prod", now)
        await tx.insert_tag(v1.id, "dev", now)
        assert await tx.names_of_versions([v1.id, v3.id]) == {
            v1.id: (["main", "feat"], ["prod", "dev"]),
            v3.id: ([], []),
        }
        assert await tx.live_versions_of(pacticipant.id) == []
        assert await tx.live_versions_of(pacticipant.id, "main") == [(v2, "main", "head")]
        assert await tx.live_versions_of(pacticipant.id, "nope") == []


async def test_only_matching_webhooks_become_targets_named_by_the_notices(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        foo = await tx.insert_webhook(
            hook("hook-foo-aaaaaaaaaaaa", consumer=PacticipantSelector(name="Foo")), now
        )
        await tx.insert_webhook(
            hook("hook-other-aaaaaaaaaa", consumer=PacticipantSelector(label="x")), now
        )
        other = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)

    async def variables() -> dict[str, str]:
        return {"a": "1"}

    async with storage.transaction() as tx:
        events = Events(tx, now)
        assert await events.emit(
            CONTRACT_PUBLISHED, consumer=pacticipant, provider=other, variables=variables
        )
        assert not await events.emit(
            CONTRACT_PUBLISHED, consumer=other, provider=other, variables=variables
        )
        [made] = await events.flush()
        assert made.webhook_uuid == foo.uuid
        subject = EventSubject(consumer="Foo", provider="Baz")
        assert made.sequence_key == sequence_key(foo.id, subject)
        [notice] = events.notices()
        assert f"/triggered-webhooks/{made.uuid}/logs" in notice.text
    async with storage.transaction() as tx:
        assert await tx.fan_out_events() == 1
        [delivery] = await tx.list_deliveries()
        assert (delivery.uuid, delivery.webhook_id) == (made.uuid, foo.id)


async def test_a_publication_rings_the_doorbell_only_when_it_made_deliveries(
    storage: Storage, now: datetime
) -> None:
    bell = Doorbell()
    contracts = ContractService(storage, allow_modification=False, doorbell=bell)

    def request(version: str, description: str) -> PublishRequest:
        document = {
            "consumer": {"name": "Foo"},
            "provider": {"name": "Bar"},
            "interactions": [
                {
                    "description": description,
                    "request": {"method": "GET", "path": "/"},
                    "response": {"status": 200},
                }
            ],
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
        content = msgspec.json.encode(document)
        return PublishRequest(
            pacticipant_name="Foo",
            version_number=version,
            contracts=(Contract(consumer_name="Foo", provider_name="Bar", content=content),),
        )

    await contracts.publish(request("1", "a"))
    assert not await bell.wait(0)
    async with storage.transaction() as tx:
        await tx.insert_webhook(hook("hook-any-aaaaaaaaaaaa"), now)
    await contracts.publish(request("2", "b"))
    assert await bell.wait(0)


async def test_a_read_fans_out_a_backlog_beyond_one_statement_of_events(
    storage: Storage, now: datetime
) -> None:
    """With no worker running, reading the newest event's delivery still finds it."""
    async with storage.transaction() as tx:
        webhook = await tx.insert_webhook(hook("hook-backlog-aaaaaaaa"), now)
        backlog = [
            NewEvent(
                name=CONTRACT_PUBLISHED,
                subject=EventSubject(provider=f"P{n}"),
                variables={},
                targets=(Target(webhook_id=webhook.id, sequence_key=f"k{n}", uuid=ordered_uuid()),),
            )
            for n in range(250)  # more than one fan-out statement takes
        ]
        await tx.insert_webhook_events(backlog, now)
    sender = WebhookSender(WebhookPolicy())
    try:
        service = WebhookDeliveryService(storage, sender, Doorbell())
        newest = await service.delivery(backlog[-1].targets[0].uuid)
    finally:
        await sender.aclose()
    assert (newest.delivery.status, newest.event.provider_name) == (PENDING, "P249")
