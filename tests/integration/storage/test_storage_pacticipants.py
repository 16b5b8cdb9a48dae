"""Pacticipants and their labels, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import (
    DeployedVersion,
    Environment,
    Pacticipant,
    PacticipantChanges,
    Page,
    ReleasedVersion,
)
from broker.storage.interface import Storage


async def test_an_inserted_pacticipant_is_found_by_name_and_by_id(
    storage: Storage, now: datetime
) -> None:
    changes = PacticipantChanges(
        display_name="Foo Service",
        repository_url="https://git.example.com/foo",
        main_branch="main",
    )
    async with storage.transaction() as tx:
        inserted = await tx.insert_pacticipant("Foo", changes, now)

    async with storage.transaction() as tx:
        by_name = await tx.find_pacticipant("Foo")
        by_id = await tx.find_pacticipant_by_id(inserted.id)

    assert by_name == by_id == inserted
    assert inserted == Pacticipant(
        id=inserted.id,
        name="Foo",
        display_name="Foo Service",
        repository_url="https://git.example.com/foo",
        main_branch="main",
        created_at=now,
        updated_at=now,
    )


async def test_finding_an_unknown_pacticipant_gives_none(storage: Storage) -> None:
    async with storage.transaction() as tx:
        assert await tx.find_pacticipant("Nobody") is None
        assert await tx.find_pacticipant_by_id(12345) is None


async def test_pacticipant_names_match_exactly(storage: Storage, pacticipant: Pacticipant) -> None:
    async with storage.transaction() as tx:
        assert await tx.find_pacticipant("foo") is None
        assert await tx.find_pacticipant("Foo ") is None


async def test_a_second_pacticipant_with_the_same_name_is_a_conflict(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    with pytest.raises(ConflictError, match="Foo"):
        async with storage.transaction() as tx:
            await tx.insert_pacticipant("Foo", PacticipantChanges(), now)

    async with storage.transaction() as tx:
        listed, total = await tx.list_pacticipants(Page())
    assert (listed, total) == ([pacticipant], 1)


async def test_a_transaction_goes_on_after_a_conflict(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    """A service may catch the conflict (a concurrent insert) and carry on in the transaction."""
    async with storage.transaction() as tx:
        with pytest.raises(ConflictError):
            await tx.insert_pacticipant("Foo", PacticipantChanges(), now)
        assert await tx.find_pacticipant("Foo") == pacticipant
        await tx.insert_pacticipant("Bar", PacticipantChanges(), now)

    async with storage.transaction() as tx:
        assert await tx.find_pacticipant("Bar") is not None


async def test_updating_a_pacticipant_changes_only_the_fields_set(
    storage: Storage, now: datetime
) -> None:
    later = now + timedelta(minutes=5)
    async with storage.transaction() as tx:
        original = await tx.insert_pacticipant(
            "Foo",
            PacticipantChanges(display_name="Foo", repository_url="https://git.example.com/foo"),
            now,
        )
        updated = await tx.update_pacticipant(
            original, PacticipantChanges(display_name=None, main_branch="trunk"), later
        )

    async with storage.transaction() as tx:
        stored = await tx.find_pacticipant_by_id(original.id)

    assert stored == updated
    assert updated.display_name is None
    assert updated.main_branch == "trunk"
    assert updated.repository_url == "https://git.example.com/foo"
    assert updated.created_at == now
    assert updated.updated_at == later


async def test_pacticipants_are_listed_by_name_a_page_at_a_time(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"]:
            await tx.insert_pacticipant(name, PacticipantChanges(), now)

    async with storage.transaction() as tx:
        first, total = await tx.list_pacticipants(Page(number=1, size=2))
        second, _ = await tx.list_pacticipants(Page(number=2, size=2))
        last, _ = await tx.list_pacticipants(Page(number=3, size=2))
        beyond, total_beyond = await tx.list_pacticipants(Page(number=4, size=2))

    assert [p.name for p in first] == ["Alpha", "Bravo"]
    assert [p.name for p in second] == ["Charlie", "Delta"]
    assert [p.name for p in last] == ["Echo"]
    assert beyond == []
    assert total == total_beyond == 5


async def test_deleting_a_pacticipant_removes_everything_that_belongs_to_it(
    storage: Storage, pacticipant: Pacticipant, environment: Environment, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        kept = await tx.insert_version(other.id, "9.9.9", None, now)
        await tx.add_label(other.id, "team-a", now)
        await tx.add_label(pacticipant.id, "team-a", now)
        version = await tx.insert_version(pacticipant.id, "1.0.0", None, now)
        branch = await tx.insert_branch(pacticipant.id, "main", now)
        await tx.insert_branch_version(branch.id, version.id, now)
        await tx.insert_tag(version.id, "prod", now)
        await tx.insert_deployed_version(
            DeployedVersion(
                uuid="d-1",
                version_id=version.id,
                pacticipant_id=pacticipant.id,
                environment_id=environment.uuid,
                application_instance=None,
                created_at=now,
            )
        )
        await tx.insert_released_version(
            ReleasedVersion(
                uuid="r-1",
                version_id=version.id,
                pacticipant_id=pacticipant.id,
                environment_id=environment.uuid,
                created_at=now,
            )
        )

    async with storage.transaction() as tx:
        await tx.delete_pacticipant(pacticipant)

    async with storage.transaction() as tx:
        assert await tx.find_pacticipant("Foo") is None
        assert await tx.find_version_by_id(version.id) is None
        assert await tx.find_branch(pacticipant.id, "main") is None
        assert await tx.find_branch_version(branch.id, version.id) is None
        assert await tx.find_tag(version.id, "prod") is None
        assert await tx.labels_of(pacticipant.id) == []
        assert await tx.find_deployed_version("d-1") is None
        assert await tx.find_released_version("r-1") is None
        assert await tx.deployed_versions(environment.uuid) == []
        assert await tx.released_versions(environment.uuid) == []
        # The other pacticipant and the environment stay.
        assert await tx.pacticipants_with_label("team-a") == [other]
        assert await tx.find_version_by_id(kept.id) == kept
        assert await tx.find_environment(environment.uuid) == environment


async def test_labels_are_added_once_and_listed_in_order(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        assert await tx.add_label(pacticipant.id, "team-b", now) is True
        assert await tx.add_label(pacticipant.id, "team-a", now) is True
        assert await tx.add_label(pacticipant.id, "team-b", now) is False

    async with storage.transaction() as tx:
        assert await tx.labels_of(pacticipant.id) == ["team-a", "team-b"]


async def test_removing_a_label_says_whether_it_was_there(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.add_label(pacticipant.id, "team-a", now)
        await tx.add_label(pacticipant.id, "team-b", now)

    async with storage.transaction() as tx:
        assert await tx.remove_label(pacticipant.id, "team-a") is True
        assert await tx.remove_label(pacticipant.id, "team-a") is False
        assert await tx.remove_label(pacticipant.id, "never") is False

    async with storage.transaction() as tx:
        assert await tx.labels_of(pacticipant.id) == ["team-b"]


async def test_pacticipants_with_a_label_are_ordered_by_name(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        zulu = await tx.insert_pacticipant("Zulu", PacticipantChanges(), now)
        alpha = await tx.insert_pacticipant("Alpha", PacticipantChanges(), now)
        mike = await tx.insert_pacticipant("Mike", PacticipantChanges(), now)
        for labelled in (zulu, alpha):
            await tx.add_label(labelled.id, "team-a", now)
        await tx.add_label(mike.id, "team-b", now)

    async with storage.transaction() as tx:
        assert await tx.pacticipants_with_label("team-a") == [alpha, zulu]
        assert await tx.pacticipants_with_label("team-b") == [mike]
        assert await tx.pacticipants_with_label("nobody") == []


async def test_labelling_an_unknown_pacticipant_is_not_found(
    storage: Storage, now: datetime
) -> None:
    with pytest.raises(NotFoundError):
        async with storage.transaction() as tx:
            await tx.add_label(12345, "team-a", now)
