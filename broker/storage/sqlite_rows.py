"""SQL and row mapping of the SQLite adapter: one method per `Transaction` operation."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from broker.domain.errors import ConflictError, NotFoundError
from broker.domain.model import (
    Branch,
    BranchVersion,
    DeployedVersion,
    Page,
    ReleasedVersion,
    Tag,
    Version,
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


def _version(row: sqlite3.Row) -> Version:
    return Version(
        id=row["id"],
        pacticipant_id=row["pacticipant_id"],
        number=row["number"],
        build_url=row["build_url"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
    )


def _branch(row: sqlite3.Row) -> Branch:
    return Branch(
        id=row["id"],
        pacticipant_id=row["pacticipant_id"],
        name=row["name"],
        created_at=from_text(row["created_at"]),
    )


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

    # versions

    async def find_version(self, pacticipant_id: int, number: str) -> Version | None:
        row = await self._c.fetch_one(
            "SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?",
            (pacticipant_id, number),
        )
        return None if row is None else _version(row)

    async def find_version_by_id(self, version_id: int) -> Version | None:
        row = await self._c.fetch_one("SELECT * FROM versions WHERE id = ?", (version_id,))
        return None if row is None else _version(row)

    async def insert_version(
        self, pacticipant_id: int, number: str, build_url: str | None, now: datetime
    ) -> Version:
        row_id = await _unique(
            self._c.execute(
                "INSERT INTO versions (pacticipant_id, number, build_url, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (pacticipant_id, number, build_url, to_text(now), to_text(now)),
            ),
            f"Version {number!r} already exists",
        )
        found = await self.find_version_by_id(row_id)
        assert found is not None
        return found

    async def update_version(
        self, version: Version, build_url: str | None, now: datetime
    ) -> Version:
        await self._c.execute(
            "UPDATE versions SET build_url = ?, updated_at = ? WHERE id = ?",
            (build_url, to_text(now), version.id),
        )
        found = await self.find_version_by_id(version.id)
        if found is None:
            raise NotFoundError(f"Version {version.number!r} no longer exists")
        return found

    async def delete_version(self, version: Version) -> None:
        await self._c.execute("DELETE FROM versions WHERE id = ?", (version.id,))

    async def list_versions(self, pacticipant_id: int, page: Page) -> tuple[list[Version], int]:
        rows = await self._c.fetch_all(
            "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (pacticipant_id, page.size, page.offset),
        )
        total = await self._c.fetch_one(
            "SELECT count(*) AS n FROM versions WHERE pacticipant_id = ?", (pacticipant_id,)
        )
        return [_version(r) for r in rows], total["n"] if total else 0

    async def versions_with_tag(self, pacticipant_id: int, tag: str) -> list[Version]:
        rows = await self._c.fetch_all(
            "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id"
            " WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id",
            (pacticipant_id, tag),
        )
        return [_version(r) for r in rows]

    async def latest_version(self, pacticipant_id: int, tag: str | None = None) -> Version | None:
        if tag is None:
            row = await self._c.fetch_one(
                "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1",
                (pacticipant_id,),
            )
        else:
            row = await self._c.fetch_one(
                "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id"
                " WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC LIMIT 1",
                (pacticipant_id, tag),
            )
        return None if row is None else _version(row)

    # branches

    async def find_branch(self, pacticipant_id: int, name: str) -> Branch | None:
        row = await self._c.fetch_one(
            "SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?", (pacticipant_id, name)
        )
        return None if row is None else _branch(row)

    async def insert_branch(self, pacticipant_id: int, name: str, now: datetime) -> Branch:
        row_id = await _unique(
            self._c.execute(
                "INSERT INTO branches (pacticipant_id, name, created_at) VALUES (?, ?, ?)",
                (pacticipant_id, name, to_text(now)),
            ),
            f"Branch {name!r} already exists",
        )
        row = await self._c.fetch_one("SELECT * FROM branches WHERE id = ?", (row_id,))
        assert row is not None
        return _branch(row)

    async def delete_branch(self, branch: Branch) -> None:
        await self._c.execute("DELETE FROM branches WHERE id = ?", (branch.id,))

    async def list_branches(self, pacticipant_id: int, page: Page) -> tuple[list[Branch], int]:
        rows = await self._c.fetch_all(
            "SELECT * FROM branches WHERE pacticipant_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (pacticipant_id, page.size, page.offset),
        )
        total = await self._c.fetch_one(
            "SELECT count(*) AS n FROM branches WHERE pacticipant_id = ?", (pacticipant_id,)
        )
        return [_branch(r) for r in rows], total["n"] if total else 0

    async def find_branch_version(self, branch_id: int, version_id: int) -> BranchVersion | None:
        row = await self._c.fetch_one(
            "SELECT * FROM branch_versions WHERE branch_id = ? AND version_id = ?",
            (branch_id, version_id),
        )
        if row is None:
            return None
        return BranchVersion(
            branch_id=row["branch_id"],
            version_id=row["version_id"],
            created_at=from_text(row["created_at"]),
        )

    async def insert_branch_version(
        self, branch_id: int, version_id: int, now: datetime
    ) -> BranchVersion:
        await _unique(
            self._c.execute(
                "INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (?, ?, ?)",
                (branch_id, version_id, to_text(now)),
            ),
            "The version is already on that branch",
        )
        return BranchVersion(branch_id=branch_id, version_id=version_id, created_at=now)

    async def delete_branch_version(self, branch_id: int, version_id: int) -> bool:
        changed = await self._c.changes(
            "DELETE FROM branch_versions WHERE branch_id = ? AND version_id = ?",
            (branch_id, version_id),
        )
        return changed > 0

    async def branch_versions(self, branch_id: int, page: Page) -> tuple[list[Version], int]:
        rows = await self._c.fetch_all(
            "SELECT v.* FROM versions v JOIN branch_versions bv ON bv.version_id = v.id"
            " WHERE bv.branch_id = ? ORDER BY bv.seq DESC LIMIT ? OFFSET ?",
            (branch_id, page.size, page.offset),
        )
        total = await self._c.fetch_one(
            "SELECT count(*) AS n FROM branch_versions WHERE branch_id = ?", (branch_id,)
        )
        return [_version(r) for r in rows], total["n"] if total else 0

    async def branches_of_version(self, version_id: int) -> list[tuple[Branch, bool]]:
        rows = await self._c.fetch_all(
            "SELECT b.*, (SELECT max(seq) FROM branch_versions h WHERE h.branch_id = b.id)"
            " = bv.seq AS is_head"
            " FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id"
            " WHERE bv.version_id = ? ORDER BY bv.seq",
            (version_id,),
        )
        return [(_branch(r), bool(r["is_head"])) for r in rows]

    # tags

    async def find_tag(self, version_id: int, name: str) -> Tag | None:
        row = await self._c.fetch_one(
            "SELECT * FROM tags WHERE version_id = ? AND name = ?", (version_id, name)
        )
        if row is None:
            return None
        return Tag(
            version_id=row["version_id"],
            name=row["name"],
            created_at=from_text(row["created_at"]),
        )

    async def insert_tag(self, version_id: int, name: str, now: datetime) -> Tag:
        await _unique(
            self._c.execute(
                "INSERT INTO tags (version_id, name, created_at) VALUES (?, ?, ?)",
                (version_id, name, to_text(now)),
            ),
            f"The version already has tag {name!r}",
        )
        return Tag(version_id=version_id, name=name, created_at=now)

    async def delete_tag(self, version_id: int, name: str) -> bool:
        changed = await self._c.changes(
            "DELETE FROM tags WHERE version_id = ? AND name = ?", (version_id, name)
        )
        return changed > 0

    async def tags_of_version(self, version_id: int) -> list[Tag]:
        rows = await self._c.fetch_all(
            "SELECT * FROM tags WHERE version_id = ? ORDER BY seq", (version_id,)
        )
        return [
            Tag(version_id=r["version_id"], name=r["name"], created_at=from_text(r["created_at"]))
            for r in rows
        ]

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
