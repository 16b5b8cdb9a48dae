"""Tokens, users and teams on PostgreSQL.

Mixed into `PostgresTransaction`; the SQL is `auth_queries`'.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.auth import ApiToken, ApiUser, Team
from broker.storage import auth_queries as q
from broker.storage.auth_rows import teams, teams_text, token, user
from broker.storage.driver import moment, numbered

if TYPE_CHECKING:
    import asyncpg


class PostgresAuthRows:
    """Mixed into `PostgresTransaction`, which provides the statement helpers declared here."""

    if TYPE_CHECKING:

        async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]: ...

        async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None: ...

        async def _execute(self, query: str, *arguments: object) -> None: ...

        async def _write(
            self, query: str, *arguments: object, conflict: str, missing: str = ...
        ) -> asyncpg.Record | None: ...

    async def has_credentials(self) -> bool:
        row = await self._fetchrow(q.HAS_CREDENTIALS)
        return row is not None and bool(row["found"])

    async def insert_token(
        self,
        *,
        name: str,
        role: str,
        teams: tuple[str, ...],
        secret_sha: str,
        expires_at: datetime | None,
        now: datetime,
        username: str | None = None,
    ) -> ApiToken:
        row = await self._write(
            numbered(q.INSERT_TOKEN),
            name,
            role,
            teams_text(teams),
            secret_sha,
            expires_at,
            now,
            username,
            conflict="A token with that secret already exists",
        )
        assert row is not None
        return token(row)

    async def find_token_by_sha(self, secret_sha: str) -> ApiToken | None:
        row = await self._fetchrow(numbered(q.FIND_TOKEN_BY_SHA), secret_sha)
        return None if row is None else token(row)

    async def list_tokens(self) -> list[ApiToken]:
        return [token(row) for row in await self._fetch(q.LIST_TOKENS)]

    async def revoke_token(self, token_id: int, now: datetime) -> ApiToken | None:
        row = await self._fetchrow(numbered(q.REVOKE_TOKEN), now, token_id)
        return None if row is None else token(row)

    async def insert_user(
        self,
        *,
        username: str,
        password_hash: str,
        salt: str,
        role: str,
        teams: tuple[str, ...],
        now: datetime,
    ) -> ApiUser:
        row = await self._write(
            numbered(q.INSERT_USER),
            username,
            password_hash,
            salt,
            role,
            teams_text(teams),
            now,
            now,
            conflict="That name is already taken",
        )
        assert row is not None
        return user(row)

    async def find_user(self, username: str) -> ApiUser | None:
        row = await self._fetchrow(numbered(q.FIND_USER), username)
        return None if row is None else user(row)

    async def list_users(self) -> list[ApiUser]:
        return [user(row) for row in await self._fetch(q.LIST_USERS)]

    async def set_user_disabled(
        self, username: str, disabled_at: datetime | None, now: datetime
    ) -> ApiUser | None:
        row = await self._fetchrow(numbered(q.SET_USER_DISABLED), disabled_at, now, username)
        return None if row is None else user(row)

    async def set_user_password(
        self, username: str, password_hash: str, salt: str, now: datetime
    ) -> ApiUser | None:
        query = numbered(q.SET_USER_PASSWORD)
        row = await self._fetchrow(query, password_hash, salt, now, username)
        return None if row is None else user(row)

    async def delete_user(self, username: str, now: datetime) -> ApiUser | None:
        row = await self._fetchrow(numbered(q.DELETE_USER), now, now, username)
        return None if row is None else user(row)

    async def save_team(self, name: str, pacticipants: tuple[str, ...], now: datetime) -> Team:
        row = await self._fetchrow(numbered(q.UPSERT_TEAM), name, now, now)
        assert row is not None
        await self._execute(numbered(q.CLEAR_TEAM), row["id"])
        for pacticipant in pacticipants:
            await self._execute(numbered(q.ADD_TO_TEAM), row["id"], pacticipant)
        return Team(
            name=row["name"],
            pacticipants=tuple(dict.fromkeys(pacticipants)),
            created_at=moment(row["created_at"]),
            updated_at=moment(row["updated_at"]),
        )

    async def teams_owning(self, pacticipant_name: str) -> frozenset[str]:
        rows = await self._fetch(numbered(q.TEAMS_OWNING), pacticipant_name)
        return frozenset(row["name"] for row in rows)

    async def list_teams(self) -> list[Team]:
        return teams(await self._fetch(q.LIST_TEAMS))
