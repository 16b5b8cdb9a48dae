"""Row mapping of tokens and users, for either driver."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import msgspec

from broker.domain.auth import ApiToken, ApiUser, Team
from broker.storage.driver import Row, moment


def teams_text(teams: tuple[str, ...]) -> str:
    """A team list as stored: a JSON array."""
    return msgspec.json.encode(list(teams)).decode("utf-8")


def _teams(text: str) -> tuple[str, ...]:
    return tuple(msgspec.json.decode(text, type=list[str]))


def token(row: Row) -> ApiToken:
    """An `api_tokens` row."""
    expires, revoked = row["expires_at"], row["revoked_at"]
    return ApiToken(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        teams=_teams(row["teams"]),
        secret_sha=row["secret_sha"],
        expires_at=None if expires is None else moment(expires),
        revoked_at=None if revoked is None else moment(revoked),
        created_at=moment(row["created_at"]),
        username=row["username"],
    )


def user(row: Row) -> ApiUser:
    """An `api_users` row."""
    return ApiUser(
        id=row["id"],
        username=row["username"],
        password_hash=row["password_hash"],
        salt=row["salt"],
        role=row["role"],
        teams=_teams(row["teams"]),
        created_at=moment(row["created_at"]),
        updated_at=_maybe(row["updated_at"]),
        disabled_at=_maybe(row["disabled_at"]),
        deleted_at=_maybe(row["deleted_at"]),
    )


def _maybe(value: datetime | str | None) -> datetime | None:
    return None if value is None else moment(value)


def teams(rows: Iterable[Row]) -> list[Team]:
    """Teams from `LIST_TEAMS` rows: one row per team and owned pacticipant, by team name."""
    found: dict[str, Team] = {}
    for row in rows:
        team = found.get(row["name"]) or Team(
            name=row["name"],
            pacticipants=(),
            created_at=moment(row["created_at"]),
            updated_at=moment(row["updated_at"]),
        )
        owned = row["pacticipant_name"]
        if owned is not None:
            team = msgspec.structs.replace(team, pacticipants=(*team.pacticipants, owned))
        found[team.name] = team
    return list(found.values())
