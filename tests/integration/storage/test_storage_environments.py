"""Environments, deployed versions and released versions, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
import pytest

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import (
    Contact,
    DeployedVersion,
    Environment,
    Pacticipant,
    PacticipantChanges,
    ReleasedVersion,
    Version,
)
from broker.storage.interface import ANY, Storage


def an_environment(uuid: str, name: str, now: datetime, **changes: object) -> Environment:
    environment = Environment(
        uuid=uuid,
        name=name,
        display_name=name.title(),
        production=False,
        created_at=now,
        updated_at=now,
    )
    return msgspec.structs.replace(environment, **changes)


def deployment(
    uuid: str,
    version: Version,
    environment: Environment,
    now: datetime,
    instance: str | None = None,
) -> DeployedVersion:
    return DeployedVersion(
        uuid=uuid,
        version_id=version.id,
        pacticipant_id=version.pacticipant_id,
        environment_id=environment.uuid,
        application_instance=instance,
        created_at=now,
    )


def release(
    uuid: str, version: Version, environment: Environment, now: datetime
) -> ReleasedVersion:
    return ReleasedVersion(
        uuid=uuid,
        version_id=version.id,
        pacticipant_id=version.pacticipant_id,
        environment_id=environment.uuid,
        created_at=now,
    )


async def test_an_environment_keeps_its_contacts(storage: Storage, now: datetime) -> None:
    contacts = (
        Contact(name="Team Foo", details={"emailAddress": "foo@example.com", "slack": ["#foo"]}),
        Contact(name="On call"),
    )
    environment = an_environment("e-1", "production", now, production=True, contacts=contacts)
    async with storage.transaction() as tx:
        inserted = await tx.insert_environment(environment)

    async with storage.transaction() as tx:
        assert await tx.find_environment("e-1") == environment
        assert await tx.find_environment_by_name("production") == environment
        assert await tx.find_environment("e-2") is None
        assert await tx.find_environment_by_name("Production") is None
    assert inserted == environment


async def test_a_second_environment_with_the_same_name_is_a_conflict(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    with pytest.raises(ConflictError, match="production"):
        async with storage.transaction() as tx:
            await tx.insert_environment(an_environment("e-2", environment.name, now))

    async with storage.transaction() as tx:
        assert await tx.list_environments() == [environment]


async def test_updating_an_environment_replaces_its_attributes(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    changed = msgspec.structs.replace(
        environment,
        name="prod",
        display_name="Prod",
        production=False,
        contacts=(Contact(name="Ops", details={"emailAddress": "ops@example.com"}),),
        updated_at=now + timedelta(days=1),
    )
    async with storage.transaction() as tx:
        updated = await tx.update_environment(changed)

    async with storage.transaction() as tx:
        assert await tx.find_environment(environment.uuid) == changed
        assert await tx.find_environment_by_name("production") is None
    assert updated == changed


async def test_renaming_an_environment_to_a_taken_name_is_a_conflict(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    async with storage.transaction() as tx:
        test = await tx.insert_environment(an_environment("e-2", "test", now))

    with pytest.raises(ConflictError, match="production"):
        async with storage.transaction() as tx:
            await tx.update_environment(msgspec.structs.replace(test, name="production"))

    async with storage.transaction() as tx:
        assert await tx.find_environment("e-2") == test


async def test_environments_are_listed_by_name(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        for uuid, name in [("e-1", "test"), ("e-2", "production"), ("e-3", "dev")]:
            await tx.insert_environment(an_environment(uuid, name, now))

    async with storage.transaction() as tx:
        assert [e.name for e in await tx.list_environments()] == ["dev", "production", "test"]


async def test_deleting_an_environment_removes_its_deployments_and_releases(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        test = await tx.insert_environment(an_environment("e-2", "test", now))
        await tx.insert_deployed_version(deployment("d-1", version, environment, now))
        await tx.insert_deployed_version(deployment("d-2", version, test, now))
        await tx.insert_released_version(release("r-1", version, environment, now))
        await tx.insert_released_version(release("r-2", version, test, now))

    async with storage.transaction() as tx:
        await tx.delete_environment(environment)

    async with storage.transaction() as tx:
        assert await tx.find_environment(environment.uuid) is None
        assert await tx.find_deployed_version("d-1") is None
        assert await tx.find_released_version("r-1") is None
        assert await tx.find_deployed_version("d-2") is not None
        assert await tx.find_released_version("r-2") is not None
        assert await tx.find_version_by_id(version.id) == version
        assert await tx.environments_of_version(version.id) == (["e-2"], ["e-2"])


async def test_a_deployed_version_round_trips(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    deployed = deployment("d-1", version, environment, now, instance="blue")
    async with storage.transaction() as tx:
        inserted = await tx.insert_deployed_version(deployed)

    async with storage.transaction() as tx:
        assert await tx.find_deployed_version("d-1") == deployed
        assert await tx.find_deployed_version("d-2") is None
    assert inserted == deployed
    assert inserted.is_currently_deployed


async def test_a_deployment_to_an_unknown_environment_is_not_found(
    storage: Storage, version: Version, now: datetime
) -> None:
    nowhere = an_environment("e-404", "nowhere", now)
    with pytest.raises(NotFoundError):
        async with storage.transaction() as tx:
            await tx.insert_deployed_version(deployment("d-1", version, nowhere, now))


async def test_deployed_versions_are_filtered_as_asked_oldest_first(
    storage: Storage, environment: Environment, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        test = await tx.insert_environment(an_environment("e-2", "test", now))
        v1 = await tx.insert_version(pacticipant.id, "1", None, now)
        v2 = await tx.insert_version(pacticipant.id, "2", None, now)
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        b1 = await tx.insert_version(other.id, "1", None, now)
        rows = [
            deployment("d-1", v1, environment, now, instance=None),
            deployment("d-2", v2, environment, now, instance="blue"),
            deployment("d-3", b1, environment, now, instance=None),
            deployment("d-4", v2, test, now, instance=None),
            deployment("d-5", v1, environment, now, instance="green"),
        ]
        for row in rows:
            await tx.insert_deployed_version(row)
        await tx.mark_undeployed(rows[4], now + timedelta(hours=1))

    def uuids(found: list[DeployedVersion]) -> list[str]:
        return [d.uuid for d in found]

    async with storage.transaction() as tx:
        env = environment.uuid
        assert uuids(await tx.deployed_versions(env)) == ["d-1", "d-2", "d-3", "d-5"]
        assert uuids(await tx.deployed_versions(test.uuid)) == ["d-4"]
        assert uuids(await tx.deployed_versions(env, pacticipant_id=pacticipant.id)) == [
            "d-1",
            "d-2",
            "d-5",
        ]
        assert uuids(await tx.deployed_versions(env, version_id=v1.id)) == ["d-1", "d-5"]
        assert uuids(await tx.deployed_versions(env, currently_deployed=True)) == [
            "d-1",
            "d-2",
            "d-3",
        ]
        assert uuids(await tx.deployed_versions(env, currently_deployed=False)) == ["d-5"]
        assert uuids(await tx.deployed_versions(env, application_instance=None)) == [
            "d-1",
            "d-3",
        ]
        assert uuids(await tx.deployed_versions(env, application_instance="blue")) == ["d-2"]
        assert uuids(await tx.deployed_versions(env, application_instance=ANY)) == [
            "d-1",
            "d-2",
            "d-3",
            "d-5",
        ]
        assert uuids(
            await tx.deployed_versions(
                env,
                pacticipant_id=pacticipant.id,
                currently_deployed=True,
                application_instance=None,
            )
        ) == ["d-1"]
        assert await tx.deployed_versions("e-404") == []


async def test_marking_a_version_undeployed_records_when(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    undeployed_at = now + timedelta(hours=2, microseconds=7)
    async with storage.transaction() as tx:
        deployed = await tx.insert_deployed_version(deployment("d-1", version, environment, now))
        marked = await tx.mark_undeployed(deployed, undeployed_at)

    async with storage.transaction() as tx:
        stored = await tx.find_deployed_version("d-1")

    assert stored == marked == msgspec.structs.replace(deployed, undeployed_at=undeployed_at)
    assert not marked.is_currently_deployed


async def test_a_released_version_round_trips(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    released = release("r-1", version, environment, now)
    async with storage.transaction() as tx:
        inserted = await tx.insert_released_version(released)

    async with storage.transaction() as tx:
        assert await tx.find_released_version("r-1") == released
        assert await tx.find_released_version("r-2") is None
    assert inserted == released
    assert inserted.is_currently_supported


async def test_releasing_a_version_twice_to_one_environment_is_a_conflict(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_released_version(release("r-1", version, environment, now))

    with pytest.raises(ConflictError):
        async with storage.transaction() as tx:
            await tx.insert_released_version(release("r-2", version, environment, now))

    async with storage.transaction() as tx:
        assert [r.uuid for r in await tx.released_versions(environment.uuid)] == ["r-1"]


async def test_support_of_a_release_ends_and_resumes(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    ended_at = now + timedelta(days=30)
    async with storage.transaction() as tx:
        released = await tx.insert_released_version(release("r-1", version, environment, now))
        ended = await tx.set_support_ended(released, ended_at)

    async with storage.transaction() as tx:
        assert await tx.find_released_version("r-1") == ended
        assert ended.support_ended_at == ended_at
        assert not ended.is_currently_supported
        assert await tx.released_versions(environment.uuid, currently_supported=True) == []
        resumed = await tx.set_support_ended(ended, None)

    async with storage.transaction() as tx:
        assert await tx.find_released_version("r-1") == resumed == released
        assert await tx.released_versions(environment.uuid, currently_supported=True) == [released]


async def test_released_versions_are_filtered_as_asked_oldest_first(
    storage: Storage, environment: Environment, pacticipant: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        test = await tx.insert_environment(an_environment("e-2", "test", now))
        v1 = await tx.insert_version(pacticipant.id, "1", None, now)
        v2 = await tx.insert_version(pacticipant.id, "2", None, now)
        other = await tx.insert_pacticipant("Bar", PacticipantChanges(), now)
        b1 = await tx.insert_version(other.id, "1", None, now)
        rows = [
            release("r-1", v2, environment, now),
            release("r-2", b1, environment, now),
            release("r-3", v1, environment, now),
            release("r-4", v1, test, now),
        ]
        for row in rows:
            await tx.insert_released_version(row)
        await tx.set_support_ended(rows[0], now + timedelta(days=1))

    def uuids(found: list[ReleasedVersion]) -> list[str]:
        return [r.uuid for r in found]

    async with storage.transaction() as tx:
        env = environment.uuid
        assert uuids(await tx.released_versions(env)) == ["r-1", "r-2", "r-3"]
        assert uuids(await tx.released_versions(test.uuid)) == ["r-4"]
        assert uuids(await tx.released_versions(env, pacticipant_id=pacticipant.id)) == [
            "r-1",
            "r-3",
        ]
        assert uuids(await tx.released_versions(env, version_id=v1.id)) == ["r-3"]
        assert uuids(await tx.released_versions(env, currently_supported=True)) == ["r-2", "r-3"]
        assert uuids(await tx.released_versions(env, currently_supported=False)) == ["r-1"]
        assert uuids(
            await tx.released_versions(env, pacticipant_id=other.id, currently_supported=True)
        ) == ["r-2"]


async def test_the_environments_of_a_version_are_where_it_is_currently(
    storage: Storage, environment: Environment, version: Version, now: datetime
) -> None:
    """Undeployed records and releases whose support ended do not count."""
    async with storage.transaction() as tx:
        test = await tx.insert_environment(an_environment("e-2", "test", now))
        staging = await tx.insert_environment(an_environment("e-3", "staging", now))
        assert await tx.environments_of_version(version.id) == ([], [])

        await tx.insert_deployed_version(deployment("d-1", version, test, now, instance="a"))
        await tx.insert_deployed_version(deployment("d-2", version, test, now, instance="b"))
        gone = await tx.insert_deployed_version(deployment("d-3", version, staging, now))
        await tx.mark_undeployed(gone, now)
        await tx.insert_released_version(release("r-1", version, environment, now))
        ended = await tx.insert_released_version(release("r-2", version, staging, now))
        await tx.set_support_ended(ended, now)

    async with storage.transaction() as tx:
        deployed_in, released_to = await tx.environments_of_version(version.id)

    assert deployed_in == ["e-2"]
    assert released_to == [environment.uuid]
