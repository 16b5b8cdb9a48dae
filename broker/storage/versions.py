"""Versions, branches and tags: their SQL and row mapping, written once for both drivers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from broker.domain.errors import NotFoundError
from broker.domain.model import (
    Branch,
    BranchVersion,
    Environment,
    Pacticipant,
    Page,
    Tag,
    Version,
)
from broker.storage.driver import Driver, Row, moment, page_of, record, records, written
from broker.storage.environments import environment_of


def to_version(row: Row, prefix: str = "") -> Version:
    """A `versions` row, or its columns named with `prefix` beside another table's.

    Written out: the batched reads of `selection` map thousands of them.
    """
    return Version(
        id=row[prefix + "id"],
        pacticipant_id=row[prefix + "pacticipant_id"],
        number=row[prefix + "number"],
        build_url=row[prefix + "build_url"],
        created_at=moment(row[prefix + "created_at"]),
        updated_at=moment(row[prefix + "updated_at"]),
    )


def aliased(table: str, prefix: str, fields: Iterable[str]) -> str:
    """SELECT columns `table.field AS prefixfield`: one table's row beside another's."""
    return ", ".join(f"{table}.{field} AS {prefix}{field}" for field in fields)


# A version's and an environment's columns beside a pacticipant's, told apart by a prefix
# (`to_version(row, "v_")` and `prefixed` read them back).
VERSION_COLUMNS = aliased("v", "v_", Version.__struct_fields__)
_ENVIRONMENT_COLUMNS = (
    "e.uuid AS e_uuid, e.name AS e_name, e.display_name AS e_display_name,"
    " e.production AS e_production, e.contacts AS e_contacts,"
    " e.created_at AS e_created_at, e.updated_at AS e_updated_at"
)


def prefixed(row: Row, prefix: str) -> dict[str, Any]:
    """The columns of `row` named `prefix…`, under their names without it."""
    # A row iterates its values, not its column names: hence `keys()`.
    return {key[len(prefix) :]: row[key] for key in row.keys() if key.startswith(prefix)}  # noqa: SIM118


def _named(row: Row) -> tuple[Pacticipant, Version | None]:
    """A pacticipant's row with `VERSION_COLUMNS` of one of its versions, or of none."""
    pacticipant = record(Pacticipant, row)
    return pacticipant, None if row["v_id"] is None else to_version(row, "v_")


# An environment by its name, and a pacticipant by its name with one of its versions by number:
# one row whatever exists, each side joined to a one-row base (`environment_with_version`).
ENVIRONMENT_WITH_VERSION = (
    f"SELECT {_ENVIRONMENT_COLUMNS}, p.*, {VERSION_COLUMNS}"  # noqa: S608 - fixed columns
    " FROM (SELECT 1 AS one) base"
    " LEFT JOIN environments e ON e.name = ?"
    " LEFT JOIN pacticipants p ON p.name = ?"
    " LEFT JOIN versions v ON v.pacticipant_id = p.id AND v.number = ?"
)


def environment_with_version(
    row: Row,
) -> tuple[Environment | None, tuple[Pacticipant, Version | None] | None]:
    """A row of `ENVIRONMENT_WITH_VERSION`: the environment, and the pacticipant and version."""
    named = prefixed(row, "e_")
    environment = None if named["uuid"] is None else environment_of(named)
    return environment, None if row["id"] is None else _named(row)


class VersionRows:
    """The `Versions` role of a transaction."""

    _db: Driver

    async def find_version(self, pacticipant_id: int, number: str) -> Version | None:
        row = await self._db.fetchrow(
            "SELECT * FROM versions WHERE pacticipant_id = ? AND number = ?",
            pacticipant_id,
            number,
        )
        return None if row is None else to_version(row)

    async def find_named_version(
        self, pacticipant_name: str, number: str
    ) -> tuple[Pacticipant, Version | None] | None:
        row = await self._db.fetchrow(
            f"SELECT p.*, {VERSION_COLUMNS} FROM pacticipants p"  # noqa: S608 - fixed columns
            " LEFT JOIN versions v ON v.pacticipant_id = p.id AND v.number = ?"
            " WHERE p.name = ?",
            number,
            pacticipant_name,
        )
        return None if row is None else _named(row)

    async def find_named_branch_head(
        self, pacticipant_name: str, branch: str | None
    ) -> tuple[Pacticipant, Version | None] | None:
        # The head kept on the branch row by triggers (migration 0005).
        row = await self._db.fetchrow(
            f"SELECT p.*, {VERSION_COLUMNS} FROM pacticipants p"  # noqa: S608 - fixed columns
            " LEFT JOIN branches b ON b.pacticipant_id = p.id"
            " AND b.name = coalesce(?, p.main_branch)"
            " LEFT JOIN versions v ON v.id = b.head_version_id WHERE p.name = ?",
            branch,
            pacticipant_name,
        )
        return None if row is None else _named(row)

    async def find_version_by_id(self, version_id: int) -> Version | None:
        row = await self._db.fetchrow("SELECT * FROM versions WHERE id = ?", version_id)
        return None if row is None else to_version(row)

    async def insert_version(
        self, pacticipant_id: int, number: str, build_url: str | None, now: datetime
    ) -> Version:
        row = await self._db.insert(
            "INSERT INTO versions (pacticipant_id, number, build_url, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING *",
            pacticipant_id,
            number,
            build_url,
            self._db.time(now),
            self._db.time(now),
            conflict=f"Version {number!r} already exists",
            missing="The pacticipant of the version does not exist",
        )
        return to_version(written(row))

    async def update_version(
        self, version: Version, build_url: str | None, now: datetime
    ) -> Version:
        row = await self._db.fetchrow(
            "UPDATE versions SET build_url = ?, updated_at = ? WHERE id = ? RETURNING *",
            build_url,
            self._db.time(now),
            version.id,
        )
        if row is None:
            raise NotFoundError(f"Version {version.number!r} was not found")
        return to_version(row)

    async def delete_version(self, version: Version) -> None:
        # ON DELETE CASCADE takes its branch memberships, tags, deployments and releases along.
        await self._db.execute("DELETE FROM versions WHERE id = ?", version.id)

    async def list_versions(self, pacticipant_id: int, page: Page) -> tuple[list[Version], int]:
        # Row ids order versions by creation: newest first is highest id first.
        rows, total = await page_of(
            self._db,
            "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            "SELECT count(*) FROM versions WHERE pacticipant_id = ?",
            pacticipant_id,
            page=page,
        )
        return [to_version(row) for row in rows], total

    async def versions_with_tag(self, pacticipant_id: int, tag: str) -> list[Version]:
        rows = await self._db.fetch(
            "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id"
            " WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id",
            pacticipant_id,
            tag,
        )
        return [to_version(row) for row in rows]

    async def latest_version(self, pacticipant_id: int, tag: str | None = None) -> Version | None:
        if tag is None:
            row = await self._db.fetchrow(
                "SELECT * FROM versions WHERE pacticipant_id = ? ORDER BY id DESC LIMIT 1",
                pacticipant_id,
            )
        else:
            row = await self._db.fetchrow(
                "SELECT v.* FROM versions v JOIN tags t ON t.version_id = v.id"
                " WHERE v.pacticipant_id = ? AND t.name = ? ORDER BY v.id DESC LIMIT 1",
                pacticipant_id,
                tag,
            )
        return None if row is None else to_version(row)

    # branches

    async def find_branch(self, pacticipant_id: int, name: str) -> Branch | None:
        row = await self._db.fetchrow(
            "SELECT * FROM branches WHERE pacticipant_id = ? AND name = ?", pacticipant_id, name
        )
        return None if row is None else record(Branch, row)

    async def find_branch_head(self, pacticipant_id: int, name: str) -> Version | None:
        # The head kept on the branch row by triggers (migration 0005): one statement.
        row = await self._db.fetchrow(
            "SELECT v.* FROM branches b JOIN versions v ON v.id = b.head_version_id"
            " WHERE b.pacticipant_id = ? AND b.name = ?",
            pacticipant_id,
            name,
        )
        return None if row is None else to_version(row)

    async def insert_branch(self, pacticipant_id: int, name: str, now: datetime) -> Branch:
        row = await self._db.insert(
            "INSERT INTO branches (pacticipant_id, name, created_at) VALUES (?, ?, ?) RETURNING *",
            pacticipant_id,
            name,
            self._db.time(now),
            conflict=f"Branch {name!r} already exists",
            missing="The pacticipant of the branch does not exist",
        )
        return record(Branch, written(row))

    async def delete_branch(self, branch: Branch) -> None:
        await self._db.execute("DELETE FROM branches WHERE id = ?", branch.id)

    async def list_branches(self, pacticipant_id: int, page: Page) -> tuple[list[Branch], int]:
        rows, total = await page_of(
            self._db,
            "SELECT * FROM branches WHERE pacticipant_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            "SELECT count(*) FROM branches WHERE pacticipant_id = ?",
            pacticipant_id,
            page=page,
        )
        return records(Branch, rows), total

    async def find_branch_version(self, branch_id: int, version_id: int) -> BranchVersion | None:
        row = await self._db.fetchrow(
            "SELECT * FROM branch_versions WHERE branch_id = ? AND version_id = ?",
            branch_id,
            version_id,
        )
        return None if row is None else record(BranchVersion, row)

    async def insert_branch_version(
        self, branch_id: int, version_id: int, now: datetime
    ) -> BranchVersion:
        row = await self._db.insert(
            "INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES (?, ?, ?)"
            " RETURNING *",
            branch_id,
            version_id,
            self._db.time(now),
            conflict="The version is already on that branch",
            missing="The branch or the version does not exist",
        )
        return record(BranchVersion, written(row))

    async def delete_branch_version(self, branch_id: int, version_id: int) -> bool:
        removed = await self._db.execute(
            "DELETE FROM branch_versions WHERE branch_id = ? AND version_id = ?",
            branch_id,
            version_id,
        )
        return removed > 0

    async def branch_versions(self, branch_id: int, page: Page) -> tuple[list[Version], int]:
        rows, total = await page_of(
            self._db,
            "SELECT v.* FROM versions v JOIN branch_versions bv ON bv.version_id = v.id"
            " WHERE bv.branch_id = ? ORDER BY bv.seq DESC LIMIT ? OFFSET ?",
            "SELECT count(*) FROM branch_versions WHERE branch_id = ?",
            branch_id,
            page=page,
        )
        return [to_version(row) for row in rows], total

    async def branches_of_version(self, version_id: int) -> list[tuple[Branch, bool]]:
        # A branch's head is the version added to it last (highest seq), not the highest number.
        rows = await self._db.fetch(
            "SELECT b.*, bv.seq = (SELECT max(h.seq) FROM branch_versions h"
            " WHERE h.branch_id = b.id) AS is_head"
            " FROM branches b JOIN branch_versions bv ON bv.branch_id = b.id"
            " WHERE bv.version_id = ? ORDER BY bv.seq",
            version_id,
        )
        # SQLite hands booleans back as 0 or 1.
        return [(record(Branch, row), bool(row["is_head"])) for row in rows]

    # tags

    async def find_tag(self, version_id: int, name: str) -> Tag | None:
        row = await self._db.fetchrow(
            "SELECT * FROM tags WHERE version_id = ? AND name = ?", version_id, name
        )
        return None if row is None else record(Tag, row)

    async def insert_tag(self, version_id: int, name: str, now: datetime) -> Tag:
        row = await self._db.insert(
            "INSERT INTO tags (version_id, name, created_at) VALUES (?, ?, ?) RETURNING *",
            version_id,
            name,
            self._db.time(now),
            conflict=f"The version already has tag {name!r}",
            missing="The version to tag does not exist",
        )
        return record(Tag, written(row))

    async def delete_tag(self, version_id: int, name: str) -> bool:
        removed = await self._db.execute(
            "DELETE FROM tags WHERE version_id = ? AND name = ?", version_id, name
        )
        return removed > 0

    async def tags_of_version(self, version_id: int) -> list[Tag]:
        rows = await self._db.fetch(
            "SELECT * FROM tags WHERE version_id = ? ORDER BY seq", version_id
        )
        return records(Tag, rows)
