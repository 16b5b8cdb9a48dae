"""Consumer notifications, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import Pacticipant, PacticipantChanges, Page
from broker.domain.notifications import NotifiedChange
from broker.storage.driver import Driver
from broker.storage.interface import Storage

REMOVED = NotifiedChange(
    id="api-path-removed-without-deprecation",
    level="ERR",
    operation="GET /users/{id}",
    location="paths./users/{id}.get",
    text="The operation was removed.",
    interactions=("a request for user 42", "a request for a user ✓"),
)
DESCRIBED = NotifiedChange(
    id="api-description-changed", level="INFO", operation="", location="info", text="Reworded."
)


async def two_pacticipants(storage: Storage, now: datetime) -> tuple[Pacticipant, Pacticipant]:
    async with storage.transaction() as tx:
        consumer = await tx.insert_pacticipant("Web", PacticipantChanges(), now)
        provider = await tx.insert_pacticipant("Users", PacticipantChanges(), now)
    return consumer, provider


async def test_a_notification_keeps_its_changes_and_reads_back_with_names(
    storage: Storage, now: datetime
) -> None:
    consumer, provider = await two_pacticipants(storage, now)
    async with storage.transaction() as tx:
        stored = await tx.insert_notification(
            consumer_id=consumer.id,
            provider_id=provider.id,
            provider_version="2.0.0",
            summary="Version 2.0.0 of Users changed its OpenAPI document.",
            changes=[REMOVED, DESCRIBED],
            change_request_id=None,
            now=now,
        )
    async with storage.transaction() as tx:
        found = await tx.find_notification(stored.id)
        assert await tx.find_notification(stored.id + 100) is None
    assert found == stored
    assert (stored.consumer, stored.provider, stored.provider_version) == ("Web", "Users", "2.0.0")
    assert stored.changes == (REMOVED, DESCRIBED)
    assert stored.created_at == now
    assert stored.change_request_id is None
    assert stored.affected_interactions == REMOVED.interactions


async def test_a_consumers_notifications_come_newest_first_in_pages(
    storage: Storage, now: datetime
) -> None:
    consumer, provider = await two_pacticipants(storage, now)
    async with storage.transaction() as tx:
        for number in range(5):
            await tx.insert_notification(
                consumer_id=consumer.id,
                provider_id=provider.id,
                provider_version=f"{number}",
                summary=f"change {number}",
                changes=[DESCRIBED],
                change_request_id=number if number % 2 else None,
                now=now + timedelta(minutes=number),
            )
        # the provider, as a consumer of nobody, has none of its own
        assert await tx.list_notifications(provider.id, Page()) == ([], 0)
    async with storage.transaction() as tx:
        first, total = await tx.list_notifications(consumer.id, Page(number=1, size=2))
        last, _ = await tx.list_notifications(consumer.id, Page(number=3, size=2))
    assert total == 5
    assert [n.provider_version for n in first] == ["4", "3"]
    assert [n.change_request_id for n in first] == [None, 3]
    assert [n.provider_version for n in last] == ["0"]
    assert last[0].created_at == now


async def test_deleting_the_consumer_deletes_its_notifications(
    storage: Storage, now: datetime
) -> None:
    consumer, provider = await two_pacticipants(storage, now)
    async with storage.transaction() as tx:
        stored = await tx.insert_notification(
            consumer_id=consumer.id,
            provider_id=provider.id,
            provider_version="2",
            summary="s",
            changes=[DESCRIBED],
            change_request_id=None,
            now=now,
        )
        await tx.delete_pacticipant(consumer)
    async with storage.transaction() as tx:
        assert await tx.find_notification(stored.id) is None


class Boom(Exception):
    """Raised by a test to abandon a transaction."""


async def test_a_notification_for_a_missing_pacticipant_says_so_on_both_backends(
    storage: Storage, now: datetime
) -> None:
    consumer, provider = await two_pacticipants(storage, now)
    with pytest.raises(NotFoundError) as raised:
        async with storage.transaction() as tx:
            await tx.insert_notification(
                consumer_id=consumer.id,
                provider_id=provider.id + 100,
                provider_version="2",
                summary="s",
                changes=[DESCRIBED],
                change_request_id=None,
                now=now,
            )
    assert raised.value.message == (
        "The consumer or the provider of the notification does not exist"
    )


async def test_a_duplicate_notification_reads_the_same_on_both_backends(
    storage: Storage, now: datetime
) -> None:
    """Issue #13: SQLite said "That name is already taken", PostgreSQL named the notification.

    The schema makes no two notifications clash, so the test adds a uniqueness rule inside a
    transaction it then abandons, which takes the rule away again.
    """
    consumer, provider = await two_pacticipants(storage, now)
    fields = {
        "consumer_id": consumer.id,
        "provider_id": provider.id,
        "provider_version": "2",
        "summary": "s",
        "changes": [DESCRIBED],
        "change_request_id": None,
        "now": now,
    }
    with pytest.raises(Boom):
        async with storage.transaction() as tx:
            db: Driver = tx._db  # type: ignore[attr-defined]  # the driver, to add the rule
            await db.execute(
                "CREATE UNIQUE INDEX notifications_once ON notifications (consumer_id, provider_id)"
            )
            await tx.insert_notification(**fields)  # type: ignore[arg-type]
            with pytest.raises(ConflictError) as raised:
                await tx.insert_notification(**fields)  # type: ignore[arg-type]
            assert raised.value.message == "That notification already exists"
            assert (await tx.list_notifications(consumer.id, Page()))[1] == 1  # still usable
            raise Boom
    async with storage.transaction() as tx:
        await tx.insert_notification(**fields)  # type: ignore[arg-type]
        await tx.insert_notification(**fields)  # type: ignore[arg-type]


async def test_the_document_published_just_before_is_found_by_publication_order(
    storage: Storage, now: datetime
) -> None:
    """A version publishing again keeps its place; the first publication has none before it."""
    _, provider = await two_pacticipants(storage, now)
    async with storage.transaction() as tx:
        documents = [
            await tx.insert_provider_contract(
                provider.id,
                sha,
                "openapi: 3.0.3",
                content_type="application/yaml",
                specification="oas",
                now=now,
            )
            for sha in ("a" * 64, "b" * 64)
        ]
        publications = []
        for number, document in (("1", documents[0]), ("2", documents[1]), ("3", documents[1])):
            version = await tx.insert_version(provider.id, number, None, now)
            publications.append(
                await tx.save_contract_publication(
                    provider_id=provider.id,
                    provider_version_id=version.id,
                    contract_version_id=document.id,
                    self_verification_success=True,
                    self_verification=None,
                    now=now,
                )
            )
        first, second, third = publications
        assert await tx.contract_published_before(provider.id, first.id) is None
        assert await tx.contract_published_before(provider.id, second.id) == documents[0].id
        assert await tx.contract_published_before(provider.id, third.id) == documents[1].id
        again = await tx.save_contract_publication(
            provider_id=provider.id,
            provider_version_id=second.provider_version_id,
            contract_version_id=documents[0].id,
            self_verification_success=True,
            self_verification=None,
            now=now,
        )
        assert again.id == second.id
        assert await tx.contract_published_before(provider.id, third.id) == documents[0].id
