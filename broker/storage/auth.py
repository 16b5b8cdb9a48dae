"""Tokens, users and teams: their SQL and row mapping, written once for both drivers.

Team lists are JSON arrays in a text column on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import msgspec

from broker.domain.auth import ApiToken, ApiUser, Team
from broker.storage.driver import Driver, Row, S, json_text, moment, record, written


def _with_teams(kind: type[S], row: Row) -> S:
    """A token or a user: its teams are a JSON array."""
    return record(kind, row, teams=msgspec.json.decode(row["teams"], type=tuple[str, ...]))


def _team_list(rows: Iterable[Row]) -> list[Team]:
    """Teams from one row per team and owned pacticipant, ordered by team name."""
    found: dict[str, Team] = {}
    for row in rows:
        team = found.get(row["name"]) or record(Team, row, pacticipants=())
        owned = row["pacticipant_name"]
        if owned is not None:
            team = msgspec.structs.replace(team, pacticipants=(*team.pacticipants, owned))
        found[team.name] = team
    return list(found.values())


class AuthRows:
    """The `Auth` role of a transaction."""

    _db: Driver

    async def has_credentials(self) -> bool:
        found = await self._db.fetchval(
            "SELECT (EXISTS (SELECT 1 FROM api_tokens) OR EXISTS (SELECT 1 FROM api_users))"
        )
        return bool(found)

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
        row = await self._db.insert(
            "INSERT INTO api_tokens (name, role, teams, secret_sha, expires_at, created_at,"
            " username) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            name,
            role,
            json_text(teams),
            secret_sha,
            self._db.time(expires_at),
            self._db.time(now),
            username,
            conflict="A token with that secret already exists",
        )
        return _with_teams(ApiToken, written(row))

    async def find_token_by_sha(self, secret_sha: str) -> ApiToken | None:
        row = await self._db.fetchrow("SELECT * FROM api_tokens WHERE secret_sha = ?", secret_sha)
        return None if row is None else _with_teams(ApiToken, row)

    async def list_tokens(self) -> list[ApiToken]:
        rows = await self._db.fetch("SELECT * FROM api_tokens ORDER BY id")
        return [_with_teams(ApiToken, row) for row in rows]

    async def revoke_token(self, token_id: int, now: datetime) -> ApiToken | None:
        row = await self._db.fetchrow(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *",
            self._db.time(now),
            token_id,
        )
        return None if row is None else _with_teams(ApiToken, row)

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
        row = await self._db.insert(
            "INSERT INTO api_users (username, password_hash, salt, role, teams, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
            username,
            password_hash,
            salt,
            role,
            json_text(teams),
            self._db.time(now),
            self._db.time(now),
            conflict="That name is already taken",
        )
        return _with_teams(ApiUser, written(row))

    async def find_user(self, username: str) -> ApiUser | None:
        row = await self._db.fetchrow("SELECT * FROM api_users WHERE username = ?", username)
        return None if row is None else _with_teams(ApiUser, row)

    async def list_users(self) -> list[ApiUser]:
        rows = await self._db.fetch(
            "SELECT * FROM api_users WHERE deleted_at IS NULL ORDER BY username"
        )
        return [_with_teams(ApiUser, row) for row in rows]

    async def set_user_disabled(
        self, username: str, disabled_at: datetime | None, now: datetime
    ) -> ApiUser | None:
        row = await self._db.fetchrow(
            "UPDATE api_users SET disabled_at = ?, updated_at = ?"
            " WHERE username = ? AND deleted_at IS NULL RETURNING *",
            self._db.time(disabled_at),
            self._db.time(now),
            username,
        )
        return None if row is None else _with_teams(ApiUser, row)

    async def set_user_password(
        self, username: str, password_hash: str, salt: str, now: datetime
    ) -> ApiUser | None:
        row = await self._db.fetchrow(
            "UPDATE api_users SET password_hash = ?, salt = ?, updated_at = ?"
            " WHERE username = ? AND deleted_at IS NULL RETURNING *",
            password_hash,
            salt,
            self._db.time(now),
            username,
        )
        return None if row is None else _with_teams(ApiUser, row)

    async def delete_user(self, username: str, now: datetime) -> ApiUser | None:
        # The row stays (the name stays taken); what let it log in or own anything goes.
        row = await self._db.fetchrow(
            "UPDATE api_users SET deleted_at = ?, updated_at = ?, password_hash = '', salt = '',"
            " teams = '[]' WHERE username = ? AND deleted_at IS NULL RETURNING *",
            self._db.time(now),
            self._db.time(now),
            username,
        )
        return None if row is None else _with_teams(ApiUser, row)

    async def save_team(self, name: str, pacticipants: tuple[str, ...], now: datetime) -> Team:
        row = await self._db.fetchrow(
            "INSERT INTO teams (name, created_at, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at RETURNING *",
            name,
            self._db.time(now),
            self._db.time(now),
        )
        assert row is not None  # INSERT … RETURNING returns the row it inserted or updated
        await self._db.execute("DELETE FROM team_pacticipants WHERE team_id = ?", row["id"])
        for pacticipant in pacticipants:
            await self._db.execute(
                "INSERT INTO team_pacticipants (team_id, pacticipant_name) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                row["id"],
                pacticipant,
            )
        return record(Team, row, pacticipants=tuple(dict.fromkeys(pacticipants)))

    async def teams_owning(self, pacticipant_name: str) -> frozenset[str]:
        rows = await self._db.fetch(
            "SELECT t.name FROM teams t JOIN team_pacticipants o ON o.team_id = t.id"
            " WHERE o.pacticipant_name = ?",
            pacticipant_name,
        )
        return frozenset(row["name"] for row in rows)

    async def list_teams(self) -> list[Team]:
        rows = await self._db.fetch(
            "SELECT t.name, t.created_at, t.updated_at, o.pacticipant_name FROM teams t"
            " LEFT JOIN team_pacticipants o ON o.team_id = t.id"
            " ORDER BY t.name, o.pacticipant_name"
        )
        return _team_list(rows)

    # failed logins (broker/services/login_throttle.py)

    async def recent_login_failures(
        self, kind: str, key: str, since: datetime, limit: int
    ) -> list[datetime]:
        rows = await self._db.fetch(
            "SELECT failed_at FROM login_failures WHERE kind = ? AND key = ? AND failed_at > ?"
            " ORDER BY failed_at DESC LIMIT ?",
            kind,
            key,
            self._db.time(since),
            limit,
        )
        return [moment(row["failed_at"]) for row in rows]

    async def record_login_failure(
        self, keys: Iterable[tuple[str, str]], at: datetime, forget_before: datetime
    ) -> None:
        await self._db.execute(
            "DELETE FROM login_failures WHERE failed_at < ?", self._db.time(forget_before)
        )
        for kind, key in keys:
            await self._db.execute(
                "INSERT INTO login_failures (kind, key, failed_at) VALUES (?, ?, ?)",
                kind,
                key,
                self._db.time(at),
            )

    async def forget_login_failures(self, kind: str, key: str) -> None:
        await self._db.execute("DELETE FROM login_failures WHERE kind = ? AND key = ?", kind, key)
