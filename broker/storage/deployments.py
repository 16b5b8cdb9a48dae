"""Deployed and released versions: their SQL and row mapping, written once for both drivers."""

from __future__ import annotations

from datetime import datetime

from broker.domain.errors import NotFoundError
from broker.domain.model import DeployedVersion, ReleasedVersion
from broker.storage.driver import Driver, Row, S, equal, record, written
from broker.storage.interface import ANY, AnyInstance


def _in_environment(kind: type[S], row: Row) -> S:
    """A deployed or released version: its environment's column is `environment_uuid`."""
    return record(kind, row, environment_id=row["environment_uuid"])


class DeploymentRows:
    """The `Deployments` role of a transaction."""

    _db: Driver

    async def insert_deployed_version(self, deployed: DeployedVersion) -> DeployedVersion:
        row = await self._db.insert(
            "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_uuid,"
            " application_instance, created_at, undeployed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            deployed.uuid,
            deployed.version_id,
            deployed.pacticipant_id,
            deployed.environment_id,
            deployed.application_instance,
            self._db.time(deployed.created_at),
            self._db.time(deployed.undeployed_at),
            conflict=f"A deployment record with uuid {deployed.uuid!r} already exists",
            missing="The version, pacticipant or environment of the deployment does not exist",
        )
        return _in_environment(DeployedVersion, written(row))

    async def find_deployed_version(self, uuid: str) -> DeployedVersion | None:
        row = await self._db.fetchrow("SELECT * FROM deployed_versions WHERE uuid = ?", uuid)
        return None if row is None else _in_environment(DeployedVersion, row)

    async def deployed_versions(
        self,
        environment_id: str,
        *,
        pacticipant_id: int | None = None,
        version_id: int | None = None,
        currently_deployed: bool | None = None,
        application_instance: str | AnyInstance | None = ANY,
    ) -> list[DeployedVersion]:
        # ANY filters nothing; None asks for the records without an instance (IS NULL below).
        conditions, arguments = equal(
            environment_uuid=environment_id,
            pacticipant_id=pacticipant_id,
            version_id=version_id,
            application_instance=application_instance if application_instance is not ANY else None,
        )
        if currently_deployed is not None:
            conditions.append(f"undeployed_at IS {'' if currently_deployed else 'NOT '}NULL")
        if application_instance is None:
            conditions.append("application_instance IS NULL")
        rows = await self._db.fetch(
            f"SELECT * FROM deployed_versions WHERE {' AND '.join(conditions)} ORDER BY id",  # noqa: S608 - fixed fragments, values bound
            *arguments,
        )
        return [_in_environment(DeployedVersion, row) for row in rows]

    async def mark_undeployed(self, deployed: DeployedVersion, now: datetime) -> DeployedVersion:
        row = await self._db.fetchrow(
            "UPDATE deployed_versions SET undeployed_at = ? WHERE uuid = ? RETURNING *",
            self._db.time(now),
            deployed.uuid,
        )
        if row is None:
            raise NotFoundError(f"No deployment record with uuid {deployed.uuid!r} was found")
        return _in_environment(DeployedVersion, row)

    async def insert_released_version(self, released: ReleasedVersion) -> ReleasedVersion:
        row = await self._db.insert(
            "INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_uuid,"
            " created_at, support_ended_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
            released.uuid,
            released.version_id,
            released.pacticipant_id,
            released.environment_id,
            self._db.time(released.created_at),
            self._db.time(released.support_ended_at),
            conflict="That version is already released to that environment",
            missing="The version, pacticipant or environment of the release does not exist",
        )
        return _in_environment(ReleasedVersion, written(row))

    async def find_released_version(self, uuid: str) -> ReleasedVersion | None:
        row = await self._db.fetchrow("SELECT * FROM released_versions WHERE uuid = ?", uuid)
        return None if row is None else _in_environment(ReleasedVersion, row)

    async def released_versions(
        self,
        environment_id: str,
        *,
        pacticipant_id: int | None = None,
        version_id: int | None = None,
        currently_supported: bool | None = None,
    ) -> list[ReleasedVersion]:
        conditions, arguments = equal(
            environment_uuid=environment_id, pacticipant_id=pacticipant_id, version_id=version_id
        )
        if currently_supported is not None:
            conditions.append(f"support_ended_at IS {'' if currently_supported else 'NOT '}NULL")
        rows = await self._db.fetch(
            f"SELECT * FROM released_versions WHERE {' AND '.join(conditions)} ORDER BY id",  # noqa: S608 - fixed fragments, values bound
            *arguments,
        )
        return [_in_environment(ReleasedVersion, row) for row in rows]

    async def set_support_ended(
        self, released: ReleasedVersion, ended_at: datetime | None
    ) -> ReleasedVersion:
        row = await self._db.fetchrow(
            "UPDATE released_versions SET support_ended_at = ? WHERE uuid = ? RETURNING *",
            self._db.time(ended_at),
            released.uuid,
        )
        if row is None:
            raise NotFoundError(f"No release record with uuid {released.uuid!r} was found")
        return _in_environment(ReleasedVersion, row)

    async def environments_of_version(self, version_id: int) -> tuple[list[str], list[str]]:
        # Current records only: an undeployed or unsupported version is no longer there.
        deployed = await self._db.fetch(
            "SELECT environment_uuid FROM deployed_versions"
            " WHERE version_id = ? AND undeployed_at IS NULL"
            " GROUP BY environment_uuid ORDER BY min(id)",
            version_id,
        )
        released = await self._db.fetch(
            "SELECT environment_uuid FROM released_versions"
            " WHERE version_id = ? AND support_ended_at IS NULL ORDER BY id",
            version_id,
        )
        return [row["environment_uuid"] for row in deployed], [
            row["environment_uuid"] for row in released
        ]
