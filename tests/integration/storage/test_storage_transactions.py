"""Transactions and stored times, on every backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from broker.domain.model import (
    DeployedVersion,
    Environment,
    PacticipantChanges,
    Page,
    ReleasedVersion,
)
from broker.storage.interface import Storage


class Boom(Exception):
    """Raised by a test to abandon a transaction."""


async def test_a_transaction_that_raises_leaves_nothing_stored(
    storage: Storage, now: datetime
) -> None:
    with pytest.raises(Boom):
        async with storage.transaction() as tx:
            foo = await tx.insert_pacticipant("Foo", PacticipantChanges(), now)
            version = await tx.insert_version(foo.id, "1", None, now)
            await tx.insert_tag(version.id, "prod", now)
            await tx.add_label(foo.id, "team-a", now)
            await tx.insert_environment(
                Environment(
                    uuid="e-1",
                    name="test",
                    display_name="Test",
                    production=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            assert await tx.find_pacticipant("Foo") == foo  # visible inside, before commit
            raise Boom

    async with storage.transaction() as tx:
        assert await tx.list_pacticipants(Page()) == ([], 0)
        assert await tx.pacticipants_with_label("team-a") == []
        assert await tx.list_environments() == []


async def test_a_failed_update_leaves_the_previous_state(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        foo = await tx.insert_pacticipant("Foo", PacticipantChanges(display_name="Foo"), now)

    with pytest.raises(Boom):
        async with storage.transaction() as tx:
            await tx.update_pacticipant(foo, PacticipantChanges(display_name="Changed"), now)
            await tx.delete_pacticipant(foo)
            raise Boom

    async with storage.transaction() as tx:
        assert await tx.find_pacticipant("Foo") == foo


async def test_concurrent_transactions_all_commit(storage: Storage, now: datetime) -> None:
    async def insert(name: str) -> None:
        async with storage.transaction() as tx:
            await tx.insert_pacticipant(name, PacticipantChanges(), now)

    names = [f"Service{i:02d}" for i in range(12)]
    await asyncio.gather(*(insert(name) for name in names))

    async with storage.transaction() as tx:
        listed, total = await tx.list_pacticipants(Page())
    assert [p.name for p in listed] == names
    assert total == 12


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 5, 17, 9, 30, 15, 1, tzinfo=UTC),
        datetime(1999, 12, 31, 0, 0, 0, 0, tzinfo=UTC),
    ],
    ids=["last-microsecond", "first-microsecond", "whole-second"],
)
async def test_every_stored_time_comes_back_as_the_same_utc_instant(
    storage: Storage, moment: datetime
) -> None:
    later = moment + timedelta(microseconds=1)
    async with storage.transaction() as tx:
        foo = await tx.insert_pacticipant("Foo", PacticipantChanges(), moment)
        version = await tx.insert_version(foo.id, "1", None, moment)
        branch = await tx.insert_branch(foo.id, "main", moment)
        await tx.insert_branch_version(branch.id, version.id, later)
        await tx.insert_tag(version.id, "prod", later)
        environment = Environment(
            uuid="e-1",
            name="test",
            display_name="Test",
            production=False,
            created_at=moment,
            updated_at=later,
        )
        await tx.insert_environment(environment)
        await tx.insert_deployed_version(
            DeployedVersion(
                uuid="d-1",
                version_id=version.id,
                pacticipant_id=foo.id,
                environment_id="e-1",
                application_instance=None,
                created_at=moment,
                undeployed_at=later,
            )
        )
        await tx.insert_released_version(
            ReleasedVersion(
                uuid="r-1",
                version_id=version.id,
                pacticipant_id=foo.id,
                environment_id="e-1",
                created_at=moment,
                support_ended_at=later,
            )
        )

    async with storage.transaction() as tx:
        stored_foo = await tx.find_pacticipant("Foo")
        stored_version = await tx.find_version_by_id(version.id)
        stored_branch = await tx.find_branch(foo.id, "main")
        stored_membership = await tx.find_branch_version(branch.id, version.id)
        stored_tag = await tx.find_tag(version.id, "prod")
        stored_environment = await tx.find_environment("e-1")
        deployed = await tx.find_deployed_version("d-1")
        released = await tx.find_released_version("r-1")

    assert stored_foo is not None
    assert stored_version is not None
    assert stored_branch is not None
    assert stored_membership is not None
    assert stored_tag is not None
    assert stored_environment is not None
    assert deployed is not None
    assert released is not None
    times = {
        "pacticipant.created_at": (stored_foo.created_at, moment),
        "pacticipant.updated_at": (stored_foo.updated_at, moment),
        "version.created_at": (stored_version.created_at, moment),
        "version.updated_at": (stored_version.updated_at, moment),
        "branch.created_at": (stored_branch.created_at, moment),
        "branch_version.created_at": (stored_membership.created_at, later),
        "tag.created_at": (stored_tag.created_at, later),
        "environment.created_at": (stored_environment.created_at, moment),
        "environment.updated_at": (stored_environment.updated_at, later),
        "deployed.created_at": (deployed.created_at, moment),
        "deployed.undeployed_at": (deployed.undeployed_at, later),
        "released.created_at": (released.created_at, moment),
        "released.support_ended_at": (released.support_ended_at, later),
    }
    for field, (stored, expected) in times.items():
        assert stored == expected, field
        assert stored is not None
        assert stored.utcoffset() == timedelta(0), field
        assert stored.microsecond == expected.microsecond, field


async def test_a_time_given_in_another_zone_is_read_back_in_utc(storage: Storage) -> None:
    in_paris = datetime(2024, 7, 1, 14, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))
    async with storage.transaction() as tx:
        await tx.insert_pacticipant("Foo", PacticipantChanges(), in_paris)

    async with storage.transaction() as tx:
        stored = await tx.find_pacticipant("Foo")

    assert stored is not None
    assert stored.created_at == in_paris
    assert stored.created_at.utcoffset() == timedelta(0)
    assert (stored.created_at.hour, stored.created_at.microsecond) == (12, 250000)


async def test_a_cancelled_transaction_stores_nothing_and_the_storage_goes_on(
    storage: Storage, now: datetime
) -> None:
    """A request cancelled while waiting on another's lock leaves the storage usable."""

    async def insert_bar_then_foo() -> None:
        async with storage.transaction() as tx:
            await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
            await tx.insert_pacticipant("Foo", PacticipantChanges(), now)  # waits for the holder

    async with storage.transaction() as holder:
        await holder.insert_pacticipant("Foo", PacticipantChanges(), now)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(insert_bar_then_foo(), timeout=0.5)

    await storage.check()
    async with storage.transaction() as tx:
        assert await tx.find_pacticipant("Bar") is None
        assert await tx.find_pacticipant("Foo") is not None
