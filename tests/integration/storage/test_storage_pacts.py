"""Pact versions and publications, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError
from broker.domain.model import Pacticipant, PacticipantChanges, PactPublication, Page, Version
from broker.storage.interface import Storage, Transaction


async def consumer_versions(
    tx: Transaction, consumer: Pacticipant, numbers: list[str], now: datetime
) -> list[Version]:
    return [
        await tx.insert_version(consumer.id, n, None, now + timedelta(seconds=i))
        for i, n in enumerate(numbers)
    ]


@pytest.fixture
async def provider(storage: Storage, now: datetime) -> Pacticipant:
    async with storage.transaction() as tx:
        return await tx.insert_pacticipant("Bar", PacticipantChanges(), now)


async def head_pacts(
    tx: Transaction,
    provider_id: int,
    since: datetime,
    *,
    by_tag: bool = False,
    unverified_on: tuple[int, datetime] | None = None,
) -> list[tuple[str, PactPublication]]:
    """The branch heads' (or with `by_tag`, the tags') WIP candidates: (name, pact)."""
    found = await tx.wip_candidates(provider_id, since, unverified_on=unverified_on)
    return [(c.name, c.publication) for c in found if c.by_tag == by_tag]


async def publish(  # noqa: PLR0917 - mirrors the insert calls it wraps
    tx: Transaction,
    consumer: Pacticipant,
    provider: Pacticipant,
    version: Version,
    sha: str,
    now: datetime,
) -> int:
    content = await tx.find_pact_version(consumer.id, provider.id, sha)
    if content is None:
        content = await tx.insert_pact_version(
            consumer.id, provider.id, sha, f'{{"sha": "{sha}"}}', now
        )
    publication = await tx.insert_publication(
        consumer_id=consumer.id,
        provider_id=provider.id,
        consumer_version_id=version.id,
        pact_version_id=content.id,
        now=now,
    )
    return publication.id


async def test_content_is_stored_once_per_integration_and_sha(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        stored = await tx.insert_pact_version(
            pacticipant.id, provider.id, "abc", '{ "x" : 1 }', now
        )
        assert await tx.find_pact_version(pacticipant.id, provider.id, "abc") == stored
        assert await tx.find_pact_version_by_id(stored.id) == stored
        assert stored.content == '{ "x" : 1 }'
        assert stored.created_at == now
        with pytest.raises(ConflictError):
            await tx.insert_pact_version(pacticipant.id, provider.id, "abc", "{}", now)


async def test_a_consumer_version_holds_one_pact_per_provider_and_can_be_replaced(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        (v1,) = await consumer_versions(tx, pacticipant, ["1"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        with pytest.raises(ConflictError):
            await publish(tx, pacticipant, provider, v1, "b", now)
        current = await tx.find_publication(v1.id, provider.id)
        assert current is not None
        other = await tx.insert_pact_version(pacticipant.id, provider.id, "c", "{}", now)
        later = now + timedelta(minutes=1)
        replaced = await tx.replace_publication(current, other.id, later)
        assert (replaced.revision, replaced.pact_version_id, replaced.updated_at) == (
            2,
            other.id,
            later,
        )
        assert replaced.created_at == now


async def test_latest_publication_by_branch_tag_and_untagged(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        for version, sha in ((v1, "a"), (v2, "b"), (v3, "c")):
            await publish(tx, pacticipant, provider, version, sha, now)
        main = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(main.id, v1.id, now)
        await tx.insert_branch_version(main.id, v2.id, now)
        await tx.insert_tag(v1.id, "prod", now)
        await tx.insert_tag(v3.id, "dev", now)

        def version_of(found: PactPublication | None) -> int:
            assert found is not None
            return found.consumer_version_id

        assert version_of(await tx.latest_publication(pacticipant.id, provider.id)) == v3.id
        assert (
            version_of(await tx.latest_publication(pacticipant.id, provider.id, branch="main"))
            == v2.id
        )
        assert (
            version_of(await tx.latest_publication(pacticipant.id, provider.id, tag="prod"))
            == v1.id
        )
        assert (
            version_of(await tx.latest_publication(pacticipant.id, provider.id, untagged=True))
            == v2.id
        )
        assert await tx.latest_publication(pacticipant.id, provider.id, tag="nope") is None


async def test_latest_publications_gives_one_per_integration(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other_consumer = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        v1, v2 = await consumer_versions(tx, pacticipant, ["1", "2"], now)
        (w1,) = await consumer_versions(tx, other_consumer, ["9"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        await publish(tx, pacticipant, provider, v2, "b", now)
        await publish(tx, other_consumer, provider, w1, "z", now)
        await tx.insert_tag(v1.id, "prod", now)
        latest = await tx.latest_publications()
        assert sorted(p.consumer_version_id for p in latest) == sorted([v2.id, w1.id])
        assert [
            p.consumer_version_id for p in await tx.latest_publications(provider.id, tag="prod")
        ] == [v1.id]
        assert await tx.latest_publications(pacticipant.id) == []
        page, total = await tx.publications_of_integration(
            pacticipant.id, provider.id, Page(number=1, size=1)
        )
        assert ([p.consumer_version_id for p in page], total) == ([v2.id], 2)


async def test_previous_distinct_skips_versions_with_the_same_content(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        await publish(tx, pacticipant, provider, v2, "b", now)
        await publish(tx, pacticipant, provider, v3, "b", now)
        third = await tx.find_publication(v3.id, provider.id)
        assert third is not None
        previous = await tx.previous_distinct_publication(third)
        assert previous is not None and previous.consumer_version_id == v1.id
        sharing = await tx.publications_of_pact_version(third.pact_version_id)
        assert [p.consumer_version_id for p in sharing] == [v2.id, v3.id]


async def test_deleting_the_last_publication_of_content_deletes_the_content(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        v1, v2 = await consumer_versions(tx, pacticipant, ["1", "2"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        await publish(tx, pacticipant, provider, v2, "a", now)
        first = await tx.find_publication(v1.id, provider.id)
        second = await tx.find_publication(v2.id, provider.id)
        assert first is not None and second is not None
        await tx.delete_publication(first)
        assert await tx.find_pact_version(pacticipant.id, provider.id, "a") is not None
        await tx.delete_publication(second)
        assert await tx.find_pact_version(pacticipant.id, provider.id, "a") is None
        assert await tx.latest_publication(pacticipant.id, provider.id) is None


async def test_deleting_a_consumer_version_removes_its_publications(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        (v1,) = await consumer_versions(tx, pacticipant, ["1"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        await tx.delete_version(v1)
        assert await tx.latest_publications() == []


async def test_provider_publications_by_consumer_branch_main_branch_and_tag(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        w1, w2 = await consumer_versions(tx, other, ["8", "9"], now)
        for version, sha in ((v1, "a"), (v2, "b"), (v3, "c")):
            await publish(tx, pacticipant, provider, version, sha, now)
        for version, sha in ((w1, "y"), (w2, "z")):
            await publish(tx, other, provider, version, sha, now)
        # The consumer's main branch is "trunk", the other's "main"; both have a "main" branch.
        pacticipant = await tx.update_pacticipant(
            pacticipant, PacticipantChanges(main_branch="trunk"), now
        )
        await tx.update_pacticipant(other, PacticipantChanges(main_branch="main"), now)
        trunk = await tx.insert_branch(pacticipant.id, "trunk", now)
        main = await tx.insert_branch(pacticipant.id, "main", now)
        other_main = await tx.insert_branch(other.id, "main", now)
        await tx.insert_branch_version(trunk.id, v1.id, now)
        await tx.insert_branch_version(trunk.id, v2.id, now)
        await tx.insert_branch_version(main.id, v3.id, now)
        await tx.insert_branch_version(other_main.id, w1.id, now)
        await tx.insert_tag(v1.id, "prod", now)
        await tx.insert_tag(w2.id, "prod", now)

        def versions(publications: list[PactPublication]) -> list[int]:
            return [p.consumer_version_id for p in publications]

        everything = await tx.provider_publications(provider.id)
        assert versions(everything) == [v3.id, v2.id, v1.id, w2.id, w1.id]
        mine = await tx.provider_publications(provider.id, consumer_id=pacticipant.id)
        assert versions(mine) == [v3.id, v2.id, v1.id]
        on_main = await tx.provider_publications(provider.id, branch="main")
        assert versions(on_main) == [v3.id, w1.id]
        on_main_branches = await tx.provider_publications(provider.id, main_branch=True)
        assert versions(on_main_branches) == [v2.id, v1.id, w1.id]
        tagged = await tx.provider_publications(provider.id, tag="prod")
        assert versions(tagged) == [v1.id, w2.id]
        assert await tx.provider_publications(pacticipant.id) == []
        latest_main = await tx.latest_publications(provider.id, main_branch=True)
        assert sorted(versions(latest_main)) == sorted([v2.id, w1.id])
