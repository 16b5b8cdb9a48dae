"""Tokens, users and teams on SQLite.

Mixed into `SQLiteTransaction`; the SQL is `auth_queries`'.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from broker.domain.auth import ApiToken, ApiUser, Team
from broker.storage import auth_queries as q
from broker.storage.auth_rows import teams, teams_text, token, user
from broker.storage.driver import moment
from broker.storage.sqlite_time import to_text

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLiteAuthRows:
    """Mixed into `SQLiteTransaction`, which provides the connection `_c`."""

    _c: Connection

    async def has_credentials(self) -> bool:
        row = await self._c.fetch_one(q.HAS_CREDENTIALS)
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
        expires = None if expires_at is None else to_text(expires_at)
        values = (name, role, teams_text(teams), secret_sha, expires, to_text(now), username)
        row = await self._c.fetch_one(q.INSERT_TOKEN, values)
        assert row is not None
        return token(row)

    async def find_token_by_sha(self, secret_sha: str) -> ApiToken | None:
        row = await self._c.fetch_one(q.FIND_TOKEN_BY_SHA, (secret_sha,))
        return None if row is None else token(row)

    async def list_tokens(self) -> list[ApiToken]:
        return [token(row) for row in await self._c.fetch_all(q.LIST_TOKENS)]

    async def revoke_token(self, token_id: int, now: datetime) -> ApiToken | None:
        row = await self._c.fetch_one(q.REVOKE_TOKEN, (to_text(now), token_id))
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
        at = to_text(now)
        values = (username, password_hash, salt, role, teams_text(teams), at, at)
        row = await self._c.fetch_one(q.INSERT_USER, values)
        assert row is not None
        return user(row)

    async def find_user(self, username: str) -> ApiUser | None:
        row = await self._c.fetch_one(q.FIND_USER, (username,))
        return None if row is None else user(row)

    async def list_users(self) -> list[ApiUser]:
        return [user(row) for row in await self._c.fetch_all(q.LIST_USERS)]

    async def set_user_disabled(
        self, username: str, disabled_at: datetime | None, now: datetime
    ) -> ApiUser | None:
        disabled = None if disabled_at is None else to_text(disabled_at)
        row = await self._c.fetch_one(q.SET_USER_DISABLED, (disabled, to_text(now), username))
        return None if row is None else user(row)

    async def set_user_password(
        self, username: str, password_hash: str, salt: str, now: datetime
    ) -> ApiUser | None:
        values = (password_hash, salt, to_text(now), username)
        row = await self._c.fetch_one(q.SET_USER_PASSWORD, values)
        return None if row is None else user(row)

    async def delete_user(self, username: str, now: datetime) -> ApiUser | None:
        row = await self._c.fetch_one(q.DELETE_USER, (to_text(now), to_text(now), username))
        return None if row is None else user(row)

    async def save_team(self, name: str, pacticipants: tuple[str, ...], now: datetime) -> Team:
        row = await self._c.fetch_one(q.UPSERT_TEAM, (name, to_text(now), to_text(now)))
        assert row is not None
        await self._c.execute(q.CLEAR_TEAM, (row["id"],))
        for pacticipant in pacticipants:
            await self._c.execute(q.ADD_TO_TEAM, (row["id"], pacticipant))
        return Team(
            name=row["name"],
            pacticipants=tuple(dict.fromkeys(pacticipants)),
            created_at=moment(row["created_at"]),
            updated_at=moment(row["updated_at"]),
        )

    async def teams_owning(self, pacticipant_name: str) -> frozenset[str]:
        rows = await self._c.fetch_all(q.TEAMS_OWNING, (pacticipant_name,))
        return frozenset(row["name"] for row in rows)

    async def list_teams(self) -> list[Team]:
        return teams(await self._c.fetch_all(q.LIST_TEAMS))
