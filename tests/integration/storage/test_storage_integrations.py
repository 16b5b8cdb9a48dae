"""Integrations: listing, the newest result of a pseudo branch, deleting, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

from broker.domain.model import Pacticipant, PacticipantChanges, Verification, Version
from broker.storage.interface import Storage, Transaction
from tests.integration.storage.test_storage_pacts import publish


async def result(  # noqa: PLR0917 - one result's facts
    tx: Transaction,
    consumer: Pacticipant,
    provider: Pacticipant,
    sha: str,
    provider_version: Version,
    success: bool,
    now: datetime,
) -> Verification:
    content = await tx.find_pact_version(consumer.id, provider.id, sha)
    assert content is not None
    return await tx.insert_verification(
        Verification(
            id=0,
            pact_version_id=content.id,
            consumer_id=consumer.id,
            provider_id=provider.id,
            provider_version_id=provider_version.id,
            success=success,
            created_at=now,
        )
    )


async def test_the_newest_result_follows_consumer_versions_then_tags(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        web = await tx.insert_pacticipant("Web", PacticipantChanges(), now)
        orders = await tx.insert_pacticipant("Orders", PacticipantChanges(), now)
        c1 = await tx.insert_version(web.id, "1", None, now)
        c2 = await tx.insert_version(web.id, "2", None, now)
        c3 = await tx.insert_version(web.id, "3", None, now)
        p1 = await tx.insert_version(orders.id, "p1", None, now)
        p2 = await tx.insert_version(orders.id, "p2", None, now)
        await tx.insert_tag(c1.id, "prod", now)
        await tx.insert_tag(p1.id, "prod", now)
        await publish(tx, web, orders, c1, "a", now)
        await publish(tx, web, orders, c2, "b", now)
        await publish(tx, web, orders, c3, "c", now)  # never verified
        ok = await result(tx, web, orders, "a", p1, True, now)
        bad = await result(tx, web, orders, "b", p2, False, now + timedelta(seconds=1))
        assert await tx.latest_integration_result(web.id, orders.id) == bad
        assert await tx.latest_integration_result(web.id, orders.id, tag="prod") == ok
        assert await tx.latest_integration_result(web.id, orders.id, untagged=True) == bad
        assert await tx.latest_integration_result(web.id, orders.id, provider_tag="prod") == ok
        assert await tx.latest_integration_result(web.id, orders.id, tag="none") is None
        [row] = await tx.list_integrations()
        assert (row.consumer_name, row.provider_name) == ("Web", "Orders")


async def test_deleting_an_integration_keeps_what_others_still_name(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        web = await tx.insert_pacticipant("Web", PacticipantChanges(), now)
        orders = await tx.insert_pacticipant("Orders", PacticipantChanges(), now)
        users = await tx.insert_pacticipant("Users", PacticipantChanges(), now)
        c1 = await tx.insert_version(web.id, "1", None, now)
        p1 = await tx.insert_version(orders.id, "p1", None, now)
        await publish(tx, web, orders, c1, "a", now)
        await publish(tx, web, users, c1, "u", now)  # Web version 1 still holds this pact
        await result(tx, web, orders, "a", p1, True, now)
        await tx.delete_integration(web.id, orders.id)
        assert await tx.delete_orphan_versions([web.id, orders.id]) == 1  # p1 only
        assert not await tx.delete_pacticipant_if_orphan(web.id)
        assert await tx.delete_pacticipant_if_orphan(orders.id)
        assert await tx.find_pacticipant("Orders") is None
        assert await tx.find_version(web.id, "1") is not None
        assert await tx.latest_publication(web.id, users.id) is not None
        assert [(r.consumer_name, r.provider_name) for r in await tx.list_integrations()] == [
            ("Web", "Users")
        ]
        assert await tx.delete_all_pacticipants() == 2
        assert await tx.list_integrations() == []
