"""Webhooks and their outbox, on both backends."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import PacticipantChanges
from broker.domain.webhooks import (
    DEAD,
    PENDING,
    RUNNING,
    SUCCEEDED,
    Attempt,
    EventSubject,
    NewEvent,
    PacticipantSelector,
    WebhookDraft,
    WebhookRequest,
    sequence_key,
)
from broker.storage.interface import Storage

LATER = timedelta(minutes=5)


def draft(uuid: str = "aaaaaaaaaaaaaaaa01", **changes: object) -> WebhookDraft:
    fields: dict[str, object] = {
        "uuid": uuid,
        "description": "Trigger the provider build",
        "consumer": PacticipantSelector(name="Web"),
        "provider": PacticipantSelector(label="payments"),
        "events": ("contract_content_changed", "contract_published"),
        "request": WebhookRequest(
            method="POST",
            url="https://ci.example/build?pact=${pactbroker.pactUrl}",
            headers={"Authorization": "Bearer s3cret", "Content-Type": "application/json"},
            body={"pact": "${pactbroker.pactUrl}", "n": [1, 2.5, None, True]},
            username="ci",
            password="hunter2",
        ),
    }
    fields.update(changes)
    return WebhookDraft(**fields)  # type: ignore[arg-type]


async def with_consumer(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Web", PacticipantChanges(), now)


async def test_a_webhook_reads_back_as_stored_with_its_selectors_body_and_credentials(
    storage: Storage, now: datetime
) -> None:
    await with_consumer(storage, now)
    async with storage.transaction() as tx:
        stored = await tx.insert_webhook(draft(), now)
    async with storage.transaction() as tx:
        found = await tx.find_webhook("aaaaaaaaaaaaaaaa01")
        assert await tx.find_webhook("bbbbbbbbbbbbbbbb01") is None
    assert found == stored
    assert stored.consumer == PacticipantSelector(name="Web")
    assert stored.provider == PacticipantSelector(label="payments")
    assert stored.events == ("contract_content_changed", "contract_published")
    assert stored.request == draft().request
    assert stored.enabled
    assert stored.created_at == stored.updated_at == now


async def test_a_text_body_stays_text_and_no_body_stays_none(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        text = await tx.insert_webhook(
            draft(
                consumer=None,
                request=WebhookRequest(method="POST", url="https://x.example", body="<a>1</a>"),
            ),
            now,
        )
        empty = await tx.insert_webhook(
            draft(
                "aaaaaaaaaaaaaaaa02",
                consumer=None,
                provider=None,
                enabled=False,
                request=WebhookRequest(method="POST", url="https://x.example"),
            ),
            now,
        )
    assert text.request.body == "<a>1</a>"
    assert empty.request.body is None
    assert (empty.consumer, empty.provider, empty.enabled) == (None, None, False)


async def test_a_taken_uuid_conflicts_and_an_unknown_pacticipant_is_not_found(
    storage: Storage, now: datetime
) -> None:
    await with_consumer(storage, now)
    async with storage.transaction() as tx:
        await tx.insert_webhook(draft(), now)
        with pytest.raises(ConflictError):
            await tx.insert_webhook(draft(), now)
        with pytest.raises(NotFoundError):
            await tx.insert_webhook(
                draft("aaaaaaaaaaaaaaaa03", consumer=PacticipantSelector(name="Nobody")), now
            )
        # The transaction goes on after both.
        assert len(await tx.list_webhooks()) == 1


async def test_updating_replaces_every_field_and_listing_narrows_by_pacticipant(
    storage: Storage, now: datetime
) -> None:
    await with_consumer(storage, now)
    async with storage.transaction() as tx:
        await tx.insert_webhook(draft(), now)
        other = await tx.insert_webhook(draft("aaaaaaaaaaaaaaaa02", consumer=None), now)
        updated = await tx.update_webhook(
            draft(enabled=False, consumer=PacticipantSelector(label="web")), now + LATER
        )
        assert await tx.update_webhook(draft("cccccccccccccccc01"), now) is None
        web = await tx.find_pacticipant("Web")
        assert web is not None
        await tx.insert_webhook(draft("aaaaaaaaaaaaaaaa04"), now)
        named = await tx.list_webhooks(consumer_id=web.id)
        everything = await tx.list_webhooks()
        enabled = await tx.enabled_webhooks()
    assert updated is not None
    assert (updated.enabled, updated.consumer, updated.updated_at) == (
        False,
        PacticipantSelector(label="web"),
        now + LATER,
    )
    assert updated.created_at == now
    assert [w.uuid for w in named] == ["aaaaaaaaaaaaaaaa04"]
    assert [w.uuid for w in everything] == [
        "aaaaaaaaaaaaaaaa01",
        "aaaaaaaaaaaaaaaa02",
        "aaaaaaaaaaaaaaaa04",
    ]
    assert [w.uuid for w in enabled] == [other.uuid, "aaaaaaaaaaaaaaaa04"]


async def test_deleting_a_pacticipant_deletes_the_webhooks_naming_it(
    storage: Storage, now: datetime
) -> None:
    await with_consumer(storage, now)
    async with storage.transaction() as tx:
        await tx.insert_webhook(draft(), now)
        web = await tx.find_pacticipant("Web")
        assert web is not None
        await tx.delete_pacticipant(web)
    async with storage.transaction() as tx:
        assert await tx.find_webhook("aaaaaaaaaaaaaaaa01") is None


SUBJECT = EventSubject(consumer="Web", provider="Payments")


async def pending(
    storage: Storage, now: datetime, count: int, *, key: str | None = None
) -> list[int]:
    """`count` deliveries of one webhook, in one sequence unless each gets its own key."""
    ids = []
    async with storage.transaction() as tx:
        webhook = await tx.find_webhook("aaaaaaaaaaaaaaaa02") or await tx.insert_webhook(
            draft("aaaaaaaaaaaaaaaa02", consumer=None), now
        )
        for n in range(count):
            event = await tx.insert_webhook_event(
                NewEvent(
                    name="contract_published",
                    subject=SUBJECT,
                    variables={"pactbroker.consumerName": "Web", "n": str(n)},
                    pact_version_sha="abc",
                    consumer_version_id=7,
                ),
                now,
            )
            delivery = await tx.insert_delivery(
                event.id, webhook.id, key or f"{sequence_key(webhook.id, SUBJECT)}{n}", now
            )
            ids.append(delivery.id)
    return ids


async def test_an_event_keeps_its_variables_and_causes(storage: Storage, now: datetime) -> None:
    [delivery_id] = await pending(storage, now, 1)
    async with storage.transaction() as tx:
        delivery = await tx.find_delivery_by_id(delivery_id)
        assert delivery is not None
        event = await tx.find_webhook_event(delivery.event_id)
        caused = await tx.events_caused_by(pact_version_sha="abc", consumer_version_id=7)
        none = await tx.events_caused_by(pact_version_sha="abc", consumer_version_id=8)
        by_uuid = await tx.find_delivery(delivery.uuid)
    assert event is not None
    assert event.variables == {"pactbroker.consumerName": "Web", "n": "0"}
    assert (event.consumer_name, event.provider_name) == ("Web", "Payments")
    assert caused == [event]
    assert none == []
    assert by_uuid == delivery
    assert (delivery.status, delivery.attempts, delivery.event_name) == (PENDING, 0, event.name)
    assert delivery.webhook_uuid == "aaaaaaaaaaaaaaaa02"


async def test_a_claim_takes_due_deliveries_once_and_an_expired_lease_frees_them(
    storage: Storage, now: datetime
) -> None:
    ids = await pending(storage, now, 3)
    async with storage.transaction() as tx:
        early = await tx.claim_deliveries(worker="a", now=now - LATER, lease_until=now, limit=10)
        first = await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=2)
        rest = await tx.claim_deliveries(worker="b", now=now, lease_until=now + LATER, limit=10)
        again = await tx.claim_deliveries(worker="b", now=now, lease_until=now + LATER, limit=10)
        expired = await tx.claim_deliveries(
            worker="c", now=now + LATER, lease_until=now + 2 * LATER, limit=1
        )
    assert early == []
    assert [d.id for d in first] == ids[:2]
    assert [d.id for d in rest] == ids[2:]
    assert again == []
    assert [d.id for d in expired] == ids[:1]
    assert (expired[0].status, expired[0].worker, expired[0].attempts) == (RUNNING, "c", 2)


async def test_work_is_due_exactly_when_a_claim_could_find_some(
    storage: Storage, now: datetime
) -> None:
    """The worker's idle poll: nothing stored, a delivery not yet due, one due, one running."""
    async with storage.transaction() as tx:
        assert not await tx.webhook_work_due(now)
    [delivery_id] = await pending(storage, now, 1)  # due from `now` on
    async with storage.transaction() as tx:
        assert not await tx.webhook_work_due(now - LATER)
        assert await tx.webhook_work_due(now)
        [claimed] = await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=1)
        assert claimed.id == delivery_id
        # Running under its lease: nothing to do until the lease runs out.
        assert not await tx.webhook_work_due(now)
        assert await tx.webhook_work_due(now + LATER)
        assert await tx.settle_delivery(
            delivery_id, worker="a", status=PENDING, next_attempt_at=now + 2 * LATER, now=now
        )
        assert not await tx.webhook_work_due(now + LATER)  # waiting for its retry
        assert await tx.webhook_work_due(now + 2 * LATER)
        await tx.claim_deliveries(
            worker="a", now=now + 2 * LATER, lease_until=now + 3 * LATER, limit=1
        )
        assert await tx.settle_delivery(
            delivery_id, worker="a", status=DEAD, next_attempt_at=None, now=now
        )
        assert not await tx.webhook_work_due(now + 4 * LATER)  # given up: never due again


async def test_a_sequence_is_delivered_in_order(storage: Storage, now: datetime) -> None:
    ids = await pending(storage, now, 3, key="one sequence")
    async with storage.transaction() as tx:
        first = await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=10)
        blocked = await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=10)
        assert await tx.settle_delivery(
            ids[0], worker="a", status=PENDING, next_attempt_at=now + LATER, now=now
        )
        # Waiting for its retry, the first still holds back the second.
        waiting = await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=10)
        retried = await tx.claim_deliveries(
            worker="a", now=now + LATER, lease_until=now + 2 * LATER, limit=10
        )
        assert await tx.settle_delivery(
            ids[0], worker="a", status=DEAD, next_attempt_at=None, now=now + LATER
        )
        second = await tx.claim_deliveries(
            worker="a", now=now + LATER, lease_until=now + 2 * LATER, limit=10
        )
    assert [d.id for d in first] == ids[:1]
    assert blocked == waiting == []
    assert [d.id for d in retried] == ids[:1]
    assert [d.id for d in second] == ids[1:2]


async def test_settling_needs_the_claim_and_attempts_are_logged_in_order(
    storage: Storage, now: datetime
) -> None:
    [delivery_id] = await pending(storage, now, 1)
    logged = Attempt(
        number=1,
        worker="a",
        started_at=now,
        duration_ms=12,
        request={"method": "POST", "url": "https://x.example", "headers": [], "body": "{}"},
        response_status=500,
        response_headers=(("Content-Type", "text/plain"),),
        response_body="boom",
        succeeded=False,
    )
    async with storage.transaction() as tx:
        await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=1)
        assert not await tx.settle_delivery(
            delivery_id, worker="b", status=SUCCEEDED, next_attempt_at=None, now=now
        )
        await tx.insert_attempt(delivery_id, logged)
        second = Attempt(
            number=2,
            worker="a",
            started_at=now + LATER,
            duration_ms=3,
            request={},
            error="Connection refused",
            succeeded=False,
        )
        await tx.insert_attempt(delivery_id, second)
        assert await tx.settle_delivery(
            delivery_id, worker="a", status=SUCCEEDED, next_attempt_at=None, now=now
        )
        attempts = await tx.attempts_of(delivery_id)
        delivery = await tx.find_delivery_by_id(delivery_id)
        assert await tx.count_deliveries(SUCCEEDED) == 1
    assert attempts == [logged, second]
    assert delivery is not None
    assert (delivery.status, delivery.lease_until) == (SUCCEEDED, None)


async def test_only_a_dead_delivery_is_redriven_and_listing_narrows(
    storage: Storage, now: datetime
) -> None:
    ids = await pending(storage, now, 2)
    async with storage.transaction() as tx:
        await tx.claim_deliveries(worker="a", now=now, lease_until=now + LATER, limit=1)
        await tx.settle_delivery(ids[0], worker="a", status=DEAD, next_attempt_at=None, now=now)
        assert not await tx.redrive_delivery(ids[1], now)
        dead = await tx.list_deliveries(status=DEAD)
        assert await tx.redrive_delivery(ids[0], now + LATER)
        revived = await tx.find_delivery_by_id(ids[0])
        webhook = await tx.find_webhook("aaaaaaaaaaaaaaaa02")
        assert webhook is not None
        of_webhook = await tx.list_deliveries(webhook_id=webhook.id)
        of_event = await tx.list_deliveries(event_ids=[dead[0].event_id])
        assert await tx.list_deliveries(event_ids=[]) == []
    assert [d.id for d in dead] == ids[:1]
    assert revived is not None
    assert (revived.status, revived.attempts, revived.next_attempt_at) == (PENDING, 0, now + LATER)
    assert [d.id for d in of_webhook] == ids[::-1]
    assert [d.id for d in of_event] == ids[:1]


async def test_deleting_a_webhook_deletes_its_deliveries(storage: Storage, now: datetime) -> None:
    [delivery_id] = await pending(storage, now, 1)
    async with storage.transaction() as tx:
        assert await tx.delete_webhook("aaaaaaaaaaaaaaaa02")
        assert not await tx.delete_webhook("aaaaaaaaaaaaaaaa02")
        assert await tx.find_delivery_by_id(delivery_id) is None


@pytest.mark.postgres
async def test_two_postgres_claimants_at_once_take_different_deliveries(
    postgres_storage: Storage, now: datetime
) -> None:
    ids = await pending(postgres_storage, now, 6)
    holding = asyncio.Event()
    release = asyncio.Event()

    async def first() -> list[int]:
        async with postgres_storage.transaction() as tx:
            claimed = await tx.claim_deliveries(
                worker="a", now=now, lease_until=now + LATER, limit=3
            )
            holding.set()
            await release.wait()
        return [d.id for d in claimed]

    async def second() -> list[int]:
        await holding.wait()
        async with postgres_storage.transaction() as tx:
            claimed = await tx.claim_deliveries(
                worker="b", now=now, lease_until=now + LATER, limit=10
            )
        release.set()
        return [d.id for d in claimed]

    a, b = await asyncio.gather(first(), second())
    assert a == ids[:3]
    assert b == ids[3:]
