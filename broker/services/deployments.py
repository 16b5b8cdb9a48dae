"""Deployed and released versions: what runs, or is supported, in each environment."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from broker.domain.errors import NotFoundError, UnprocessableError
from broker.domain.model import DeployedVersion, Environment, Pacticipant, ReleasedVersion, Version
from broker.services.audit import audit, fields_hash
from broker.services.auth import ensure_may_change
from broker.services.clock import Clock, IdSource, random_uuid, system_clock
from broker.services.environments import require_environment
from broker.services.pacticipants import require_pacticipant
from broker.services.versions import require_version
from broker.storage.interface import (
    ANY,
    AnyInstance,
    AuditLog,
    Deployments,
    Environments,
    Pacticipants,
    Selection,
    Storage,
    Versions,
)


class _Roles(AuditLog, Deployments, Environments, Pacticipants, Selection, Versions, Protocol):
    """The storage roles this module's helpers use."""


class Deployment(msgspec.Struct, frozen=True, kw_only=True):
    """A deployed version with the pacticipant, version and environment it joins."""

    record: DeployedVersion
    pacticipant: Pacticipant
    version: Version
    environment: Environment


class Release(msgspec.Struct, frozen=True, kw_only=True):
    """A released version with the pacticipant, version and environment it joins."""

    record: ReleasedVersion
    pacticipant: Pacticipant
    version: Version
    environment: Environment


def _subject(kind: str, held: Deployment | Release) -> str:
    """`deployment:Orders@1.0.0->production` (with `#instance` when there is one)."""
    where = f"{kind}:{held.pacticipant.name}@{held.version.number}->{held.environment.name}"
    instance = getattr(held.record, "application_instance", None)
    return where if instance is None else f"{where}#{instance}"


async def _audited(
    tx: _Roles, now: datetime, action: str, held: Deployment | Release, before: str | None
) -> None:
    kind = "deployment" if isinstance(held, Deployment) else "release"
    after = fields_hash(held.record)
    await audit(tx, now, action, _subject(kind, held), before, after, held.pacticipant.name)


async def _deployment(tx: _Roles, record: DeployedVersion) -> Deployment:
    pacticipant = await tx.find_pacticipant_by_id(record.pacticipant_id)
    version = await tx.find_version_by_id(record.version_id)
    environment = await tx.find_environment(record.environment_id)
    assert pacticipant and version and environment, "foreign keys keep these"
    return Deployment(
        record=record, pacticipant=pacticipant, version=version, environment=environment
    )


async def _release(tx: _Roles, record: ReleasedVersion) -> Release:
    pacticipant = await tx.find_pacticipant_by_id(record.pacticipant_id)
    version = await tx.find_version_by_id(record.version_id)
    environment = await tx.find_environment(record.environment_id)
    assert pacticipant and version and environment, "foreign keys keep these"
    return Release(record=record, pacticipant=pacticipant, version=version, environment=environment)


async def _joined(
    tx: _Roles, environment: Environment, records: list[DeployedVersion] | list[ReleasedVersion]
) -> tuple[dict[int, Pacticipant], dict[int, Version]]:
    """The pacticipants and versions of records in one environment, read in a few queries."""
    versions = {v.id: v for v in await tx.versions_by_ids(sorted({r.version_id for r in records}))}
    pacticipants = {
        p.id: p for p in await tx.pacticipants_by_ids(sorted({r.pacticipant_id for r in records}))
    }
    return pacticipants, versions


async def _deployments_in(
    tx: _Roles, environment: Environment, records: list[DeployedVersion]
) -> list[Deployment]:
    """`_deployment` of each record of one environment, batched (a page lists them all)."""
    if not records:
        return []
    pacticipants, versions = await _joined(tx, environment, records)
    return [
        Deployment(
            record=r,
            pacticipant=pacticipants[r.pacticipant_id],
            version=versions[r.version_id],
            environment=environment,
        )
        for r in records
    ]


async def _releases_in(
    tx: _Roles, environment: Environment, records: list[ReleasedVersion]
) -> list[Release]:
    """`_release` of each record of one environment, batched."""
    if not records:
        return []
    pacticipants, versions = await _joined(tx, environment, records)
    return [
        Release(
            record=r,
            pacticipant=pacticipants[r.pacticipant_id],
            version=versions[r.version_id],
            environment=environment,
        )
        for r in records
    ]


class LiveVersionReads(Deployments, Versions, Protocol):
    """What `live_versions` reads."""


async def live_versions(
    tx: LiveVersionReads,
    pacticipant_id: int,
    environment_uuid: str,
    *,
    deployed: bool = True,
    released: bool = True,
) -> list[Version]:
    """The pacticipant's versions currently deployed (any instance) and/or supported there."""
    ids: list[int] = []
    if deployed:
        records = await tx.deployed_versions(
            environment_uuid, pacticipant_id=pacticipant_id, currently_deployed=True
        )
        ids += [d.version_id for d in records]
    if released:
        releases = await tx.released_versions(
            environment_uuid, pacticipant_id=pacticipant_id, currently_supported=True
        )
        ids += [r.version_id for r in releases]
    found = [await tx.find_version_by_id(i) for i in dict.fromkeys(ids)]
    return [v for v in found if v is not None]


class DeploymentService:
    """record-deployment, record-undeployment, record-release, record-support-ended."""

    def __init__(
        self, storage: Storage, clock: Clock = system_clock, new_id: IdSource = random_uuid
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._new_id = new_id

    async def _target(
        self, tx: _Roles, pacticipant_name: str, number: str, environment_uuid: str
    ) -> tuple[Pacticipant, Version, Environment]:
        pacticipant = await require_pacticipant(tx, pacticipant_name)
        version = await require_version(tx, pacticipant, number)
        environment = await require_environment(tx, environment_uuid)
        return pacticipant, version, environment

    async def record_deployment(
        self,
        pacticipant_name: str,
        number: str,
        environment_uuid: str,
        application_instance: str | None,
    ) -> tuple[Deployment, bool]:
        """Record that a version now runs in an environment (as one application instance).

        The version previously deployed to the same environment and instance is marked
        undeployed. Recording the version already deployed there changes nothing. Nothing is
        created implicitly: the version and environment must exist.

        Returns:
            The deployment and whether a new record was made.
        """
        async with self._storage.transaction() as tx:
            pacticipant, version, environment = await self._target(
                tx, pacticipant_name, number, environment_uuid
            )
            await tx.lock_pacticipant(pacticipant)
            current = await tx.deployed_versions(
                environment.uuid,
                pacticipant_id=pacticipant.id,
                currently_deployed=True,
                application_instance=application_instance,
            )
            now = self._clock()
            for record in current:
                if record.version_id == version.id:
                    same = await _deployment(tx, record)
                    await _audited(tx, now, "deployment.record", same, fields_hash(record))
                    return same, False
            for record in current:
                await tx.mark_undeployed(record, now)
            record = await tx.insert_deployed_version(
                DeployedVersion(
                    uuid=self._new_id(),
                    version_id=version.id,
                    pacticipant_id=pacticipant.id,
                    environment_id=environment.uuid,
                    application_instance=application_instance,
                    created_at=now,
                )
            )
            made = Deployment(
                record=record, pacticipant=pacticipant, version=version, environment=environment
            )
            await _audited(tx, now, "deployment.record", made, None)
            return made, True

    async def deployments_of_version(
        self, pacticipant_name: str, number: str, environment_uuid: str
    ) -> list[Deployment]:
        """Every deployment record of a version in an environment."""
        async with self._storage.browse() as tx:
            pacticipant, version, environment = await self._target(
                tx, pacticipant_name, number, environment_uuid
            )
            records = await tx.deployed_versions(environment.uuid, version_id=version.id)
            return [
                Deployment(
                    record=r, pacticipant=pacticipant, version=version, environment=environment
                )
                for r in records
            ]

    async def get_deployment(self, uuid: str) -> Deployment:
        """A deployment record by uuid."""
        async with self._storage.transaction() as tx:
            record = await tx.find_deployed_version(uuid)
            if record is None:
                raise NotFoundError(f"No deployed version with uuid {uuid!r} exists")
            return await _deployment(tx, record)

    async def set_currently_deployed(self, uuid: str, currently_deployed: bool) -> Deployment:
        """record-undeployment: only `false` is allowed; undeploying twice keeps the first time."""
        if currently_deployed:
            raise UnprocessableError(
                "currentlyDeployed can only be set to false: record a new deployment instead"
            )
        async with self._storage.transaction() as tx:
            record = await tx.find_deployed_version(uuid)
            if record is None:
                raise NotFoundError(f"No deployed version with uuid {uuid!r} exists")
            await ensure_may_change(tx, (await _deployment(tx, record)).pacticipant.name)
            before = fields_hash(record)
            if record.is_currently_deployed:
                record = await tx.mark_undeployed(record, self._clock())
            ended = await _deployment(tx, record)
            await _audited(tx, self._clock(), "deployment.undeploy", ended, before)
            return ended

    async def currently_deployed(
        self,
        environment_uuid: str,
        *,
        pacticipant_name: str | None = None,
        application_instance: str | AnyInstance | None = ANY,
    ) -> tuple[Environment, list[Deployment]]:
        """What runs in an environment now, optionally for one pacticipant and instance."""
        async with self._storage.transaction() as tx:
            environment = await require_environment(tx, environment_uuid)
            pacticipant_id = None
            if pacticipant_name is not None:
                pacticipant = await tx.find_pacticipant(pacticipant_name)
                if pacticipant is None:
                    return environment, []
                pacticipant_id = pacticipant.id
            records = await tx.deployed_versions(
                environment.uuid,
                pacticipant_id=pacticipant_id,
                currently_deployed=True,
                application_instance=application_instance,
            )
            return environment, await _deployments_in(tx, environment, records)

    async def record_release(
        self, pacticipant_name: str, number: str, environment_uuid: str
    ) -> tuple[Release, bool]:
        """Record a release; releasing again resumes support. Other releases stay supported.

        Returns:
            The release and whether a new record was made.
        """
        async with self._storage.transaction() as tx:
            pacticipant, version, environment = await self._target(
                tx, pacticipant_name, number, environment_uuid
            )
            await tx.lock_pacticipant(pacticipant)
            existing = await tx.released_versions(environment.uuid, version_id=version.id)
            if existing:
                record = existing[0]
                before = fields_hash(record)
                if not record.is_currently_supported:
                    record = await tx.set_support_ended(record, None)
                again = Release(
                    record=record, pacticipant=pacticipant, version=version, environment=environment
                )
                await _audited(tx, self._clock(), "release.record", again, before)
                return again, False
            record = await tx.insert_released_version(
                ReleasedVersion(
                    uuid=self._new_id(),
                    version_id=version.id,
                    pacticipant_id=pacticipant.id,
                    environment_id=environment.uuid,
                    created_at=self._clock(),
                )
            )
            made = Release(
                record=record, pacticipant=pacticipant, version=version, environment=environment
            )
            await _audited(tx, self._clock(), "release.record", made, None)
            return made, True

    async def releases_of_version(
        self, pacticipant_name: str, number: str, environment_uuid: str
    ) -> list[Release]:
        """The release record of a version in an environment (zero or one)."""
        async with self._storage.browse() as tx:
            pacticipant, version, environment = await self._target(
                tx, pacticipant_name, number, environment_uuid
            )
            records = await tx.released_versions(environment.uuid, version_id=version.id)
            return [
                Release(record=r, pacticipant=pacticipant, version=version, environment=environment)
                for r in records
            ]

    async def get_release(self, uuid: str) -> Release:
        """A release record by uuid."""
        async with self._storage.transaction() as tx:
            record = await tx.find_released_version(uuid)
            if record is None:
                raise NotFoundError(f"No released version with uuid {uuid!r} exists")
            return await _release(tx, record)

    async def set_currently_supported(self, uuid: str, currently_supported: bool) -> Release:
        """record-support-ended: only `false` is allowed."""
        if currently_supported:
            raise UnprocessableError(
                "currentlySupported can only be set to false: record the release again instead"
            )
        async with self._storage.transaction() as tx:
            record = await tx.find_released_version(uuid)
            if record is None:
                raise NotFoundError(f"No released version with uuid {uuid!r} exists")
            await ensure_may_change(tx, (await _release(tx, record)).pacticipant.name)
            before = fields_hash(record)
            if record.is_currently_supported:
                record = await tx.set_support_ended(record, self._clock())
            ended = await _release(tx, record)
            await _audited(tx, self._clock(), "release.end-support", ended, before)
            return ended

    async def currently_supported(
        self,
        environment_uuid: str,
        *,
        pacticipant_name: str | None = None,
        version_number: str | None = None,
    ) -> tuple[Environment, list[Release]]:
        """Releases supported in an environment now, optionally for one pacticipant/version."""
        async with self._storage.transaction() as tx:
            environment = await require_environment(tx, environment_uuid)
            pacticipant_id = version_id = None
            if pacticipant_name is not None:
                pacticipant = await tx.find_pacticipant(pacticipant_name)
                if pacticipant is None:
                    return environment, []
                pacticipant_id = pacticipant.id
                if version_number is not None:
                    version = await tx.find_version(pacticipant.id, version_number)
                    if version is None:
                        return environment, []
                    version_id = version.id
            records = await tx.released_versions(
                environment.uuid,
                pacticipant_id=pacticipant_id,
                version_id=version_id,
                currently_supported=True,
            )
            return environment, await _releases_in(tx, environment, records)
