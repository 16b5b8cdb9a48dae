"""Branches and the versions on them, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import Branch, BranchVersion, Pacticipant, PacticipantChanges, Page
from broker.storage.interface import Storage


async def test_an_inserted_branch_is_found_by_name(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        inserted = await tx.insert_branch(pacticipant.id, "main", now)

    async with storage.transaction() as tx:
        assert await tx.find_branch(pacticipant.id, "main") == inserted
        assert await tx.find_branch(pacticipant.id, "Main") is None
    assert inserted == Branch(
        id=inserted.id, pacticipant_id=pacticipant.id, name="main", created_at=now
    )


async def test_a_branch_name_is_unique_per_pacticipant_only(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_branch(pacticipant.id, "main", now)
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        await tx.insert_branch(other.id, "main", now)

    with pytest.raises(ConflictError, match="main"):
        async with storage.transaction() as tx:
            await tx.insert_branch(pacticipant.id, "main", now)


async def test_branches_are_listed_most_recently_created_first(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        for i, name in enumerate(["main", "feat/a", "feat/b"]):
            await tx.insert_branch(pacticipant.id, name, now + timedelta(seconds=i))

    async with storage.transaction() as tx:
        first, total = await tx.list_branches(pacticipant.id, Page(number=1, size=2))
        second, _ = await tx.list_branches(pacticipant.id, Page(number=2, size=2))

    assert [b.name for b in first] == ["feat/b", "feat/a"]
    assert [b.name for b in second] == ["main"]
    assert total == 3


async def test_versions_on_a_branch_are_listed_most_recently_added_first(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    """The order of addition counts, not the order the versions were created in."""
    async with storage.transaction() as tx:
        old = await tx.insert_version(pacticipant.id, "1", None, now)
        new = await tx.insert_version(pacticipant.id, "2", None, now)
        newest = await tx.insert_version(pacticipant.id, "3", None, now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(branch.id, new.id, now)
        await tx.insert_branch_version(branch.id, newest.id, now)
        await tx.insert_branch_version(branch.id, old.id, now)

    async with storage.transaction() as tx:
        first, total = await tx.branch_versions(branch.id, Page(number=1, size=2))
        second, _ = await tx.branch_versions(branch.id, Page(number=2, size=2))

    assert first == [old, newest]
    assert second == [new]
    assert total == 3


async def test_the_head_of_a_branch_is_the_version_added_last(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    """Not the highest version number, and not the version created last."""
    async with storage.transaction() as tx:
        higher = await tx.insert_version(pacticipant.id, "2.0.0", None, now)
        lower = await tx.insert_version(pacticipant.id, "1.0.0", None, now)
        main = await tx.insert_branch(pacticipant.id, "main", now)
        feature = await tx.insert_branch(pacticipant.id, "feat/x", now)
        await tx.insert_branch_version(main.id, lower.id, now)
        await tx.insert_branch_version(main.id, higher.id, now)
        await tx.insert_branch_version(feature.id, lower.id, now)

    async with storage.transaction() as tx:
        assert await tx.branches_of_version(higher.id) == [(main, True)]
        assert await tx.branches_of_version(lower.id) == [(main, False), (feature, True)]

    async with storage.transaction() as tx:
        assert await tx.delete_branch_version(main.id, higher.id) is True

    async with storage.transaction() as tx:
        assert await tx.branches_of_version(lower.id) == [(main, True), (feature, True)]
        assert await tx.branches_of_version(higher.id) == []


async def test_a_branch_version_is_found_with_the_time_it_was_added(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    added = now + timedelta(minutes=3)
    async with storage.transaction() as tx:
        version = await tx.insert_version(pacticipant.id, "1", None, now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        inserted = await tx.insert_branch_version(branch.id, version.id, added)

    async with storage.transaction() as tx:
        found = await tx.find_branch_version(branch.id, version.id)
        other = await tx.insert_version(pacticipant.id, "2", None, now)
        assert await tx.find_branch_version(branch.id, other.id) is None

    assert (
        found
        == inserted
        == BranchVersion(branch_id=branch.id, version_id=version.id, created_at=added)
    )


async def test_adding_a_version_to_a_branch_twice_is_a_conflict(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        version = await tx.insert_version(pacticipant.id, "1", None, now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(branch.id, version.id, now)

    with pytest.raises(ConflictError):
        async with storage.transaction() as tx:
            await tx.insert_branch_version(branch.id, version.id, now)


async def test_adding_an_unknown_version_to_a_branch_is_not_found(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        branch = await tx.insert_branch(pacticipant.id, "main", now)

    with pytest.raises(NotFoundError):
        async with storage.transaction() as tx:
            await tx.insert_branch_version(branch.id, 12345, now)


async def test_taking_a_version_off_a_branch_says_whether_it_was_on_it(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        version = await tx.insert_version(pacticipant.id, "1", None, now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(branch.id, version.id, now)

    async with storage.transaction() as tx:
        assert await tx.delete_branch_version(branch.id, version.id) is True
        assert await tx.delete_branch_version(branch.id, version.id) is False

    async with storage.transaction() as tx:
        assert await tx.branch_versions(branch.id, Page()) == ([], 0)
        assert await tx.find_version_by_id(version.id) == version


async def test_deleting_a_branch_keeps_its_versions(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        version = await tx.insert_version(pacticipant.id, "1", None, now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        kept = await tx.insert_branch(pacticipant.id, "develop", now)
        await tx.insert_branch_version(branch.id, version.id, now)
        await tx.insert_branch_version(kept.id, version.id, now)

    async with storage.transaction() as tx:
        await tx.delete_branch(branch)

    async with storage.transaction() as tx:
        assert await tx.find_branch(pacticipant.id, "main") is None
        assert await tx.find_branch_version(branch.id, version.id) is None
        assert await tx.find_version_by_id(version.id) == version
        assert await tx.branches_of_version(version.id) == [(kept, True)]
        assert await tx.list_branches(pacticipant.id, Page()) == ([kept], 1)


async def test_a_branch_head_is_found_with_its_pacticipant_by_their_names(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        bare = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        main = await tx.insert_branch(pacticipant.id, "main", now)
        feature = await tx.insert_branch(pacticipant.id, "feat", now)
        await tx.insert_branch(pacticipant.id, "empty", now)
        old = await tx.insert_version(pacticipant.id, "1", None, now)
        new = await tx.insert_version(pacticipant.id, "2", None, now + timedelta(seconds=1))
        await tx.insert_branch_version(main.id, old.id, now)
        await tx.insert_branch_version(main.id, new.id, now)
        await tx.insert_branch_version(feature.id, old.id, now)
    async with storage.transaction() as tx:
        assert await tx.find_named_branch_head("Foo", "main") == (pacticipant, new)
        assert await tx.find_named_branch_head("Foo", "feat") == (pacticipant, old)
        assert await tx.find_named_branch_head("Foo", "empty") == (pacticipant, None)
        assert await tx.find_named_branch_head("Foo", "nope") == (pacticipant, None)
        # No main branch yet: none for the main branch's head; then Foo's is `feat`.
        assert await tx.find_named_branch_head("Foo", None) == (pacticipant, None)
        assert await tx.find_named_branch_head("Bar", "main") == (bare, None)
        assert await tx.find_named_branch_head("Baz", "main") is None
        named = await tx.update_pacticipant(
            pacticipant, PacticipantChanges(main_branch="feat"), now
        )
    async with storage.transaction() as tx:
        assert await tx.find_named_branch_head("Foo", None) == (named, old)
        assert await tx.find_named_branch_head("Foo", "main") == (named, new)
