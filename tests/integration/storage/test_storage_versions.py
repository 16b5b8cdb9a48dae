"""Versions and tags, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import Environment, Pacticipant, PacticipantChanges, Page, Tag, Version
from broker.storage.interface import Storage


async def insert_versions(
    storage: Storage, pacticipant: Pacticipant, numbers: list[str], now: datetime
) -> list[Version]:
    async with storage.transaction() as tx:
        return [
            await tx.insert_version(pacticipant.id, number, None, now + timedelta(seconds=i))
            for i, number in enumerate(numbers)
        ]


async def test_an_inserted_version_is_found_by_number_and_by_id(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        inserted = await tx.insert_version(
            pacticipant.id, "1.0.0", "https://ci.example.com/builds/1", now
        )

    async with storage.transaction() as tx:
        assert await tx.find_version(pacticipant.id, "1.0.0") == inserted
        assert await tx.find_version_by_id(inserted.id) == inserted
        assert await tx.find_version(pacticipant.id, "2.0.0") is None
        assert await tx.find_version_by_id(inserted.id + 1000) is None
    assert inserted == Version(
        id=inserted.id,
        pacticipant_id=pacticipant.id,
        number="1.0.0",
        build_url="https://ci.example.com/builds/1",
        created_at=now,
        updated_at=now,
    )


async def test_a_version_number_is_unique_per_pacticipant_only(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        await tx.insert_version(pacticipant.id, "1.0.0", None, now)
        same_number_elsewhere = await tx.insert_version(other.id, "1.0.0", None, now)

    with pytest.raises(ConflictError, match=r"1\.0\.0"):
        async with storage.transaction() as tx:
            await tx.insert_version(pacticipant.id, "1.0.0", None, now)

    async with storage.transaction() as tx:
        assert await tx.find_version(other.id, "1.0.0") == same_number_elsewhere
        _, total = await tx.list_versions(pacticipant.id, Page())
    assert total == 1


async def test_a_version_of_an_unknown_pacticipant_is_not_found(
    storage: Storage, now: datetime
) -> None:
    with pytest.raises(NotFoundError):
        async with storage.transaction() as tx:
            await tx.insert_version(12345, "1.0.0", None, now)


async def test_updating_a_version_changes_its_build_url_and_update_time(
    storage: Storage, version: Version, now: datetime
) -> None:
    later = now + timedelta(hours=1)
    async with storage.transaction() as tx:
        updated = await tx.update_version(version, "https://ci.example.com/builds/2", later)

    async with storage.transaction() as tx:
        stored = await tx.find_version_by_id(version.id)

    assert stored == updated
    assert updated.build_url == "https://ci.example.com/builds/2"
    assert updated.created_at == now
    assert updated.updated_at == later


async def test_versions_are_listed_newest_first_a_page_at_a_time(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    """Newest means created last, whatever the numbers say."""
    numbers = ["3.0.0", "1.0.0", "10.0.0", "2.0.0", "0.1.0"]
    await insert_versions(storage, pacticipant, numbers, now)

    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        await tx.insert_version(other.id, "99.0.0", None, now)

    async with storage.transaction() as tx:
        first, total = await tx.list_versions(pacticipant.id, Page(number=1, size=2))
        second, _ = await tx.list_versions(pacticipant.id, Page(number=2, size=2))
        last, _ = await tx.list_versions(pacticipant.id, Page(number=3, size=2))
        beyond, total_beyond = await tx.list_versions(pacticipant.id, Page(number=9, size=2))
        everything, _ = await tx.list_versions(pacticipant.id, Page())

    assert [v.number for v in first] == ["0.1.0", "2.0.0"]
    assert [v.number for v in second] == ["10.0.0", "1.0.0"]
    assert [v.number for v in last] == ["3.0.0"]
    assert beyond == []
    assert total == total_beyond == 5
    assert [v.number for v in everything] == list(reversed(numbers))


async def test_the_latest_version_is_the_one_created_last(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        assert await tx.latest_version(pacticipant.id) is None

    *_, last = await insert_versions(storage, pacticipant, ["2.0.0", "10.0.0", "1.5.0"], now)

    async with storage.transaction() as tx:
        assert await tx.latest_version(pacticipant.id) == last


async def test_the_latest_version_with_a_tag_skips_newer_untagged_versions(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    one, two, three, _four = await insert_versions(storage, pacticipant, ["1", "2", "3", "4"], now)
    async with storage.transaction() as tx:
        await tx.insert_tag(one.id, "prod", now)
        await tx.insert_tag(three.id, "prod", now)
        await tx.insert_tag(two.id, "test", now)
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        elsewhere = await tx.insert_version(other.id, "5", None, now)
        await tx.insert_tag(elsewhere.id, "prod", now)

    async with storage.transaction() as tx:
        assert await tx.latest_version(pacticipant.id, "prod") == three
        assert await tx.latest_version(pacticipant.id, "test") == two
        assert await tx.latest_version(pacticipant.id, "nowhere") is None


async def test_tags_are_kept_in_the_order_they_were_added(
    storage: Storage, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        for i, name in enumerate(["zeta", "alpha", "mid"]):
            await tx.insert_tag(version.id, name, now + timedelta(seconds=i))

    async with storage.transaction() as tx:
        tags = await tx.tags_of_version(version.id)
        found = await tx.find_tag(version.id, "alpha")

    assert tags == [
        Tag(version_id=version.id, name="zeta", created_at=now),
        Tag(version_id=version.id, name="alpha", created_at=now + timedelta(seconds=1)),
        Tag(version_id=version.id, name="mid", created_at=now + timedelta(seconds=2)),
    ]
    assert found == tags[1]


async def test_tagging_a_version_twice_with_one_name_is_a_conflict(
    storage: Storage, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_tag(version.id, "prod", now)

    with pytest.raises(ConflictError, match="prod"):
        async with storage.transaction() as tx:
            await tx.insert_tag(version.id, "prod", now)

    async with storage.transaction() as tx:
        assert [t.name for t in await tx.tags_of_version(version.id)] == ["prod"]


async def test_deleting_a_tag_says_whether_it_was_there(
    storage: Storage, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_tag(version.id, "prod", now)
        await tx.insert_tag(version.id, "test", now)

    async with storage.transaction() as tx:
        assert await tx.delete_tag(version.id, "prod") is True
        assert await tx.delete_tag(version.id, "prod") is False

    async with storage.transaction() as tx:
        assert await tx.find_tag(version.id, "prod") is None
        assert [t.name for t in await tx.tags_of_version(version.id)] == ["test"]


async def test_tagging_an_unknown_version_is_not_found(storage: Storage, now: datetime) -> None:
    with pytest.raises(NotFoundError):
        async with storage.transaction() as tx:
            await tx.insert_tag(12345, "prod", now)


async def test_deleting_a_version_takes_its_tags_and_branch_memberships(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    first, second = await insert_versions(storage, pacticipant, ["1", "2"], now)
    async with storage.transaction() as tx:
        await tx.insert_tag(first.id, "prod", now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(branch.id, first.id, now)
        await tx.delete_version(first)
    async with storage.transaction() as tx:
        assert await tx.find_version_by_id(first.id) is None
        assert await tx.find_version_by_id(second.id) == second
        assert await tx.tags_of_version(first.id) == []
        assert await tx.latest_version(pacticipant.id, "prod") is None
        versions, total = await tx.branch_versions(branch.id, Page())
        assert (versions, total) == ([], 0)


async def test_versions_with_a_tag_are_listed_oldest_first(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    first, second, third = await insert_versions(storage, pacticipant, ["1", "2", "3"], now)
    async with storage.transaction() as tx:
        await tx.insert_tag(third.id, "prod", now)
        await tx.insert_tag(first.id, "prod", now)
        await tx.insert_tag(second.id, "dev", now)
        assert [v.number for v in await tx.versions_with_tag(pacticipant.id, "prod")] == ["1", "3"]
        assert await tx.versions_with_tag(pacticipant.id, "none") == []


async def test_a_version_is_found_with_its_pacticipant_by_their_names(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(main_branch="main"), now)
        inserted = await tx.insert_version(pacticipant.id, "1.0.0", "https://ci/1", now)
        await tx.insert_version(other.id, "2.0.0", None, now)
    async with storage.transaction() as tx:
        assert await tx.find_named_version("Foo", "1.0.0") == (pacticipant, inserted)
        # Bar's version is not Foo's; a known pacticipant without the version; no pacticipant.
        assert await tx.find_named_version("Foo", "2.0.0") == (pacticipant, None)
        assert await tx.find_named_version("Bar", "2.0.0") == (
            other,
            await tx.find_version(other.id, "2.0.0"),
        )
        assert await tx.find_named_version("Baz", "1.0.0") is None


async def test_an_environment_and_a_version_are_found_by_their_names_in_one_read(
    storage: Storage, pacticipant: Pacticipant, environment: Environment, now: datetime
) -> None:
    async with storage.transaction() as tx:
        inserted = await tx.insert_version(pacticipant.id, "1.0.0", None, now)
    async with storage.transaction() as tx:
        found = await tx.find_candidacy("production", "Foo", "1.0.0")
        assert found[:2] == (environment, (pacticipant, inserted))
        assert found.standing == await tx.version_standing("Foo", inserted.id, "1.0.0")
        assert found.counterparts == ([], [], {})  # no integrations: none, and nothing live
        assert await tx.find_candidacy("production", "Foo", "9") == (
            environment,
            (pacticipant, None),
            None,
            None,
        )
        assert await tx.find_candidacy("production", "Bar", "1.0.0") == (
            environment,
            None,
            None,
            None,
        )
        staging = await tx.find_candidacy("staging", "Foo", "1.0.0")
        assert staging[:2] == (None, (pacticipant, inserted))
        assert staging.standing is not None
        assert staging.counterparts is None  # nothing is live in no environment
        assert await tx.find_candidacy("staging", "Bar", "1") == (None, None, None, None)
        # The same environment as read alone, contacts and times included.
        assert found.environment == await tx.find_environment_by_name("production")
