"""SQL and row mapping of the SQLite adapter: one method per `Transaction` operation."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import (
    DeployedVersion,
    ReleasedVersion,
)
from broker.storage.driver import Driver
from broker.storage.environments import EnvironmentRows
from broker.storage.governance_store import GovernanceRows
from broker.storage.interface import ANY, AnyInstance
from broker.storage.notification_store import NotificationRows
from broker.storage.pacticipants import PacticipantRows
from broker.storage.sqlite_audit import SQLiteAuditRows
from broker.storage.sqlite_auth import SQLiteAuthRows
from broker.storage.sqlite_contracts import SQLiteContractRows
from broker.storage.sqlite_pacts import SQLitePactRows
from broker.storage.sqlite_selection import SQLiteSelectionRows
from broker.storage.sqlite_statements import SQLiteStatements
from broker.storage.sqlite_time import from_text, to_text
from broker.storage.versions import VersionRows

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection

T = TypeVar("T")


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


async def _unique(work: Awaitable[T], message: str) -> T:
    """Await `work`, giving a uniqueness conflict a message that names the duplicate."""
    try:
        return await work
    except ConflictError as error:
        raise ConflictError(message) from error


def _deployed(row: sqlite3.Row) -> DeployedVersion:
    return DeployedVersion(
        uuid=row["uuid"],
        version_id=row["version_id"],
        pacticipant_id=row["pacticipant_id"],
        environment_id=row["environment_uuid"],
        application_instance=row["application_instance"],
        created_at=from_text(row["created_at"]),
        undeployed_at=_time(row["undeployed_at"]),
    )


def _released(row: sqlite3.Row) -> ReleasedVersion:
    return ReleasedVersion(
        uuid=row["uuid"],
        version_id=row["version_id"],
        pacticipant_id=row["pacticipant_id"],
        environment_id=row["environment_uuid"],
        created_at=from_text(row["created_at"]),
        support_ended_at=_time(row["support_ended_at"]),
    )


class SQLiteTransaction(
    VersionRows,
    PacticipantRows,
    EnvironmentRows,
    SQLitePactRows,
    SQLiteSelectionRows,
    SQLiteContractRows,
    SQLiteAuthRows,
    SQLiteAuditRows,
    SQLiteStatements,
    GovernanceRows,
    NotificationRows,
):
    """The `Transaction` protocol on an SQLite connection inside BEGIN … COMMIT."""

    def __init__(self, connection: Connection, driver: Driver) -> None:
        self._c = connection
        self._db = driver

    # deployed and released versions

    async def insert_deployed_version(self, deployed: DeployedVersion) -> DeployedVersion:
        await self._c.execute(
            "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_uuid,"
            " application_instance, created_at, undeployed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                deployed.uuid,
                deployed.version_id,
                deployed.pacticipant_id,
                deployed.environment_id,
                deployed.application_instance,
                to_text(deployed.created_at),
                None if deployed.undeployed_at is None else to_text(deployed.undeployed_at),
            ),
        )
        return deployed

    async def find_deployed_version(self, uuid: str) -> DeployedVersion | None:
        row = await self._c.fetch_one("SELECT * FROM deployed_versions WHERE uuid = ?", (uuid,))
        return None if row is None else _deployed(row)

    async def deployed_versions(
        self,
        environment_id: str,
        *,
        pacticipant_id: int | None = None,
        version_id: int | None = None,
        currently_deployed: bool | None = None,
        application_instance: str | AnyInstance | None = ANY,
    ) -> list[DeployedVersion]:
        where, params = ["environment_uuid = ?"], [environment_id]
        _filter(where, params, "pacticipant_id", pacticipant_id)
        _filter(where, params, "version_id", version_id)
        if currently_deployed is not None:
            where.append(
                "undeployed_at IS NULL" if currently_deployed else "undeployed_at IS NOT NULL"
            )
        if application_instance is None:
            where.append("application_instance IS NULL")
        elif application_instance is not ANY:
            _filter(where, params, "application_instance", application_instance)
        rows = await self._c.fetch_all(
            f"SELECT * FROM deployed_versions WHERE {' AND '.join(where)} ORDER BY id",  # noqa: S608 - fixed fragments
            params,
        )
        return [_deployed(r) for r in rows]

    async def mark_undeployed(self, deployed: DeployedVersion, now: datetime) -> DeployedVersion:
        changed = await self._c.changes(
            "UPDATE deployed_versions SET undeployed_at = ? WHERE uuid = ?",
            (to_text(now), deployed.uuid),
        )
        if not changed:
            raise NotFoundError(f"Deployed version {deployed.uuid!r} no longer exists")
        return msgspec.structs.replace(deployed, undeployed_at=now)

    async def insert_released_version(self, released: ReleasedVersion) -> ReleasedVersion:
        await _unique(
            self._c.execute(
                "INSERT INTO released_versions (uuid, version_id, pacticipant_id,"
                " environment_uuid, created_at, support_ended_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    released.uuid,
                    released.version_id,
                    released.pacticipant_id,
                    released.environment_id,
                    to_text(released.created_at),
                    None
                    if released.support_ended_at is None
                    else to_text(released.support_ended_at),
                ),
            ),
            "That version is already released to that environment",
        )
        return released

    async def find_released_version(self, uuid: str) -> ReleasedVersion | None:
        row = await self._c.fetch_one("SELECT * FROM released_versions WHERE uuid = ?", (uuid,))
        return None if row is None else _released(row)

    async def released_versions(
        self,
        environment_id: str,
        *,
        pacticipant_id: int | None = None,
        version_id: int | None = None,
        currently_supported: bool | None = None,
    ) -> list[ReleasedVersion]:
        where, params = ["environment_uuid = ?"], [environment_id]
        _filter(where, params, "pacticipant_id", pacticipant_id)
        _filter(where, params, "version_id", version_id)
        if currently_supported is not None:
            where.append(
                "support_ended_at IS NULL"
                if currently_supported
                else "support_ended_at IS NOT NULL"
            )
        rows = await self._c.fetch_all(
            f"SELECT * FROM released_versions WHERE {' AND '.join(where)} ORDER BY id",  # noqa: S608 - fixed fragments
            params,
        )
        return [_released(r) for r in rows]

    async def set_support_ended(
        self, released: ReleasedVersion, ended_at: datetime | None
    ) -> ReleasedVersion:
        changed = await self._c.changes(
            "UPDATE released_versions SET support_ended_at = ? WHERE uuid = ?",
            (None if ended_at is None else to_text(ended_at), released.uuid),
        )
        if not changed:
            raise NotFoundError(f"Released version {released.uuid!r} no longer exists")
        return msgspec.structs.replace(released, support_ended_at=ended_at)

    async def environments_of_version(self, version_id: int) -> tuple[list[str], list[str]]:
        deployed = await self._c.fetch_all(
            "SELECT DISTINCT environment_uuid FROM deployed_versions"
            " WHERE version_id = ? AND undeployed_at IS NULL",
            (version_id,),
        )
        released = await self._c.fetch_all(
            "SELECT DISTINCT environment_uuid FROM released_versions"
            " WHERE version_id = ? AND support_ended_at IS NULL",
            (version_id,),
        )
        return [r[0] for r in deployed], [r[0] for r in released]


def _filter(where: list[str], params: list[Any], column: str, value: object) -> None:
    if value is not None:
        where.append(f"{column} = ?")
        params.append(value)
