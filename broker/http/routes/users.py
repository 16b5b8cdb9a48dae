"""The admin API of basic-auth users beyond creating them (`POST /admin/users`, in admin.py).

`GET /admin/users` lists them, `GET|PATCH|DELETE /admin/users/{username}` shows, disables or
enables, and deletes one; `PUT /admin/users/{username}/password` sets a password (admins, or
the user itself). No answer ever carries a password or its hash.
"""

from __future__ import annotations

import msgspec
from litestar import Response, delete, get, patch, put
from litestar.datastructures import State

from broker.domain.auth import ApiUser
from broker.http.body import read_json
from broker.http.context import PathName, links_for, services_of
from broker.http.hal import AnyRequest, Body, Links, hal, timestamp


class UserChange(msgspec.Struct, kw_only=True, rename="camel"):
    """`PATCH /admin/users/{username}`."""

    disabled: bool


class PasswordBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`PUT /admin/users/{username}/password`."""

    password: str


def user_resource(links: Links, user: ApiUser) -> Body:
    """A user as the admin API shows it."""
    return {
        "username": user.username,
        "role": user.role,
        "teams": list(user.teams),
        "disabled": user.disabled_at is not None,
        "disabledAt": None if user.disabled_at is None else timestamp(user.disabled_at),
        "createdAt": timestamp(user.created_at),
        "updatedAt": timestamp(user.updated_at or user.created_at),
        "_links": {
            "self": links.link(links.path("/admin/users/{name}", name=user.username)),
            "accord:password": links.link(
                links.path("/admin/users/{name}/password", name=user.username)
            ),
        },
    }


@get("/admin/users")
async def list_users(request: AnyRequest, state: State) -> Response[bytes]:
    """Every user not deleted, by username."""
    links = links_for(request, state)
    found = await services_of(state).users.list_users()
    return hal(
        {
            "_embedded": {"users": [user_resource(links, u) for u in found]},
            "_links": {"self": links.link(links.href("admin", "users"))},
        }
    )


@get("/admin/users/{username:str}")
async def show_user(username: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """One user (404 if there is none by that name, or it was deleted)."""
    found = await services_of(state).users.user(username)
    return hal(user_resource(links_for(request, state), found))


@patch("/admin/users/{username:str}")
async def change_user(username: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """`{"disabled": true}` disables the user (401 at its next request); false enables it."""
    body = await read_json(request, UserChange)
    changed = await services_of(state).users.set_disabled(username, disabled=body.disabled)
    return hal(user_resource(links_for(request, state), changed))


@delete("/admin/users/{username:str}", status_code=204)
async def delete_user(username: PathName, state: State) -> None:
    """Delete a user; the audit log keeps what it did, under the same name."""
    await services_of(state).users.delete(username)


@put("/admin/users/{username:str}/password")
async def change_password(username: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """Set the password (admins for anyone; a user for itself)."""
    body = await read_json(request, PasswordBody)
    changed = await services_of(state).users.change_password(username, body.password)
    return hal(user_resource(links_for(request, state), changed))


handlers = [list_users, show_user, change_user, delete_user, change_password]
