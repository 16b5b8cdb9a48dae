"""The admin API of basic-auth users.

`POST /admin/users` creates one (the password kept only as its scrypt hash), `GET /admin/users`
lists them, `GET|PATCH|DELETE /admin/users/{username}` shows, disables or enables, and deletes
one; `PUT /admin/users/{username}/password` sets a password (admins, or the user itself). No
answer ever carries a password or its hash.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put

from broker.domain.auth import ROLES, ApiUser
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, Links, hal, timestamp
from broker.http.operation_docs import documented, hal_list, links_to
from broker.http.permissions import admin, read
from broker.http.responses import Link, SelfLinks, UserLinks, UserResource
from broker.http.wire import NotBlank
from broker.services.users import MIN_PASSWORD

# Schema only (`/openapi.json`): the user service refuses these with its own messages.
Password = Annotated[str, msgspec.Meta(extra_json_schema={"minLength": MIN_PASSWORD})]
RoleName = Annotated[str, msgspec.Meta(extra_json_schema={"enum": list(ROLES)})]


class UserChange(msgspec.Struct, kw_only=True, rename="camel"):
    """`PATCH /admin/users/{username}`."""

    disabled: bool


class UserBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`POST /admin/users`."""

    username: NotBlank
    password: Password
    role: RoleName
    teams: list[NotBlank] = []


class PasswordBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`PUT /admin/users/{username}/password`."""

    password: Password


def user_resource(links: Links, user: ApiUser) -> UserResource:
    """A user as the admin API shows it."""
    return UserResource(
        username=user.username,
        role=user.role,
        teams=list(user.teams),
        disabled=user.disabled_at is not None,
        disabled_at=None if user.disabled_at is None else timestamp(user.disabled_at),
        created_at=timestamp(user.created_at),
        updated_at=timestamp(user.updated_at or user.created_at),
        links=UserLinks(
            self_=Link(href=links.path("/admin/users/{name}", name=user.username)),
            password=Link(href=links.path("/admin/users/{name}/password", name=user.username)),
        ),
    )


class UserController(Controller):
    """`/admin/users` and `/admin/users/{username}`."""

    path = "/admin/users"

    @post(
        "/",
        opt=admin()
        | documented(
            body=UserBody,
            returns=UserResource,
            statuses=(201,),
            links=links_to(
                "show_user", "change_user", "delete_user", username="$response.body#/username"
            ),
        ),
    )
    async def create_user(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """A basic-auth user; the password is kept only as its scrypt hash."""
        body = await read_json(request, UserBody)
        username, _, _ = await services.auth.create_user(
            username=body.username, password=body.password, role=body.role, teams=tuple(body.teams)
        )
        created = await services.users.user(username)
        resource = user_resource(links, created)
        return hal(resource, status=201, headers={"Location": resource.links.self_.href})

    @get(
        "/",
        opt=admin() | documented(returns=hal_list("users", UserResource, links=SelfLinks)),
    )
    async def list_users(self, services: ServicesDep, links: LinksDep) -> Response[bytes]:
        """Every user not deleted, by username."""
        found = await services.users.list_users()
        return hal(
            {
                "_embedded": {"users": [user_resource(links, u) for u in found]},
                "_links": {"self": links.link(links.href("admin", "users"))},
            }
        )

    @get("/{username:str}", opt=admin() | documented(returns=UserResource))
    async def show_user(
        self, username: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One user (404 if there is none by that name, or it was deleted)."""
        found = await services.users.user(username)
        return hal(user_resource(links, found))

    @patch("/{username:str}", opt=admin() | documented(body=UserChange, returns=UserResource))
    async def change_user(
        self, username: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """`{"disabled": true}` disables the user (401 at its next request); false enables it."""
        body = await read_json(request, UserChange)
        changed = await services.users.set_disabled(username, disabled=body.disabled)
        return hal(user_resource(links, changed))

    @delete("/{username:str}", status_code=204, opt=admin())
    async def delete_user(self, username: PathName, services: ServicesDep) -> None:
        """Delete a user; the audit log keeps what it did, under the same name."""
        await services.users.delete(username)

    # Any caller may ask; the service lets only admins and the user itself through.
    @put(
        "/{username:str}/password",
        opt=read() | documented(body=PasswordBody, returns=UserResource),
    )
    async def change_password(
        self, username: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Set the password (admins for anyone; a user for itself)."""
        body = await read_json(request, PasswordBody)
        changed = await services.users.change_password(username, body.password)
        return hal(user_resource(links, changed))
