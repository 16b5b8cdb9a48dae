"""The broker's admin API for basic-auth users and teams, as the SDK uses it.

Admins create, list, disable, enable and delete users and set any user's password; a user may
set its own. Passwords go to the broker in a request body and never come back.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from clients.sdk import _hal as hal
from clients.sdk._governance import Team
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Resource


class User(Resource, frozen=True, kw_only=True):
    """A basic-auth user as the broker shows it (never with its password)."""

    username: str
    role: str
    teams: list[str] = msgspec.field(default_factory=list)
    disabled: bool = False
    disabled_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class UserEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """`_embedded` of the user list."""

    users: list[User] = msgspec.field(default_factory=list)


class UserList(Resource, frozen=True, kw_only=True):
    """`GET /admin/users`."""

    embedded: UserEmbedded = msgspec.field(default_factory=UserEmbedded, name="_embedded")


class TeamEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """`_embedded` of the team list."""

    teams: list[Team] = msgspec.field(default_factory=list)


class TeamList(Resource, frozen=True, kw_only=True):
    """`GET /admin/teams`."""

    embedded: TeamEmbedded = msgspec.field(default_factory=TeamEmbedded, name="_embedded")


def _user_href(username: str) -> str:
    return hal.expand("/admin/users/{username}", {"username": username})


def create_user(
    session: Session, username: str, *, password: str, role: str, teams: Iterable[str]
) -> Operation[User]:
    """`POST /admin/users`: the user as the broker now shows it."""
    body = {"username": username, "password": password, "role": role, "teams": list(teams)}
    return (yield from session.fetch("POST", "/admin/users", User, body=body))


def list_users(session: Session) -> Operation[list[User]]:
    """`GET /admin/users`: every user not deleted."""
    listed = yield from session.fetch("GET", "/admin/users", UserList)
    return list(listed.embedded.users)


def get_user(session: Session, username: str) -> Operation[User]:
    """`GET /admin/users/{username}`."""
    return (yield from session.fetch("GET", _user_href(username), User))


def set_user_disabled(session: Session, username: str, *, disabled: bool) -> Operation[User]:
    """`PATCH /admin/users/{username}` with `{"disabled": ...}`."""
    body = {"disabled": disabled}
    return (yield from session.fetch("PATCH", _user_href(username), User, body=body))


def delete_user(session: Session, username: str) -> Operation[None]:
    """`DELETE /admin/users/{username}`."""
    yield from session.send("DELETE", _user_href(username))


def change_password(session: Session, username: str, password: str) -> Operation[User]:
    """`PUT /admin/users/{username}/password`."""
    href = hal.expand("/admin/users/{username}/password", {"username": username})
    return (yield from session.fetch("PUT", href, User, body={"password": password}))


def list_teams(session: Session) -> Operation[list[Team]]:
    """`GET /admin/teams`: every team and the pacticipants it owns."""
    listed = yield from session.fetch("GET", "/admin/teams", TeamList)
    return list(listed.embedded.teams)
