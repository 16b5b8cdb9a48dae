"""`/ui/admin`, `/ui/admin/tokens` and `/ui/admin/users`: the admin API as pages.

Each page and form declares the admin API's rule (`admin()`), and each form calls the service
its API route calls, so a page refuses what the API refuses. A refused form is shown again with
the API's status, its message and each bad field under its label; nothing is stored. A change
that succeeds redirects (303) to its list with a notice, so reloading does not send it twice;
creating a token answers with the page that shows its secret, this once.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from broker.domain.auth import ROLES
from broker.domain.errors import FieldError, InvalidInputError
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import admin
from broker.services.auth import CreatedToken
from broker.services.clock import system_clock
from broker.web import admin_view
from broker.web.admin_forms import (
    REFUSALS,
    Shown,
    kept,
    names,
    optional_moment,
    shown,
    status_of,
    text,
)
from broker.web.rendering import links_of, render
from broker.web.security import page

# What a redirect's `?done=` says happened. Fixed sentences: a link cannot make a page say
# anything else.
DONE = {
    "revoked": "The token was revoked: it is refused from now on.",
    "user-created": "The user was created.",
    "disabled": "The user was disabled: it is refused from its next request on.",
    "enabled": "The user was enabled.",
    "deleted": "The user was deleted; its name stays taken.",
    "password": "The password was set; the user's sessions signed in with the old one ended.",
    "team-saved": "The team was saved.",
    "assigned": "The pacticipant was assigned to the team.",
    "unassigned": "The pacticipant was taken from the team.",
    "mode": "The mode was set.",
    "policy": "The approval policy was set.",
    "redriven": "The delivery was re-driven: it is pending and due now.",
}


def notice(request: AnyRequest) -> str | None:
    """The sentence a redirect's `?done=` names, if any."""
    return DONE.get(request.query_params.get("done", ""))


def done(request: AnyRequest, *path: str, what: str, query: str = "") -> Redirect:
    """303 to the admin page `path` saying `what` was done."""
    target = links_of(request).href("ui", "admin", *path) + f"?done={what}" + query
    return Redirect(target, status_code=303)


async def _tokens(
    request: AnyRequest,
    services: ServicesDep,
    *,
    status: int = 200,
    problem: Shown | None = None,
    values: dict[str, str] | None = None,
    created: CreatedToken | None = None,
) -> Response[Any]:
    context = {
        "rows": await admin_view.token_rows(services, system_clock()),
        "roles": ROLES,
        "users": [u.username for u in await admin_view.users(services)],
        "problem": problem,
        "values": values or {},
        "created": created,
        "notice": notice(request),
    }
    return await render(request, "admin_tokens.html", context, status=status)


async def _users(
    request: AnyRequest,
    services: ServicesDep,
    *,
    status: int = 200,
    problem: Shown | None = None,
    values: dict[str, str] | None = None,
) -> Response[Any]:
    context = {
        "users": await admin_view.users(services),
        "roles": ROLES,
        "problem": problem,
        "values": values or {},
        "notice": notice(request),
    }
    return await render(request, "admin_users.html", context, status=status)


class AdminPageController(Controller):
    """The admin index, tokens and users."""

    path = "/ui/admin"

    @get("/", opt=page(admin()))
    async def index(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """What there is to administer, counted."""
        counts = await admin_view.admin_index(services, system_clock())
        return await render(request, "admin_index.html", {"counts": counts})

    @get("/tokens", opt=page(admin()))
    async def tokens(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Every token (never a secret), the form to create one, and a revoke button each."""
        return await _tokens(request, services)

    @post("/tokens", opt=page(admin()), status_code=201)
    async def create_token(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Create a token (`POST /admin/tokens`); the answer shows its secret, this once."""
        form = await request.form()
        try:
            created = await services.auth.create_token(
                name=text(form, "name"),
                role=text(form, "role"),
                teams=names(form, "teams"),
                expires_at=optional_moment(form, "expiresAt"),
                user=text(form, "user") or None,
            )
        except REFUSALS as error:
            values = kept(form, "name", "role", "teams", "expiresAt", "user")
            return await _tokens(
                request,
                services,
                status=status_of(request, error),
                problem=shown(error),
                values=values,
            )
        return await _tokens(request, services, status=201, created=created)

    @post("/tokens/{token_id:int}/revoke", opt=page(admin()), status_code=303)
    async def revoke_token(
        self, token_id: FromPath[int], request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Revoke a token (`DELETE /admin/tokens/{id}`)."""
        try:
            await services.auth.revoke_token(token_id)
        except REFUSALS as error:
            return await _tokens(
                request, services, status=status_of(request, error), problem=shown(error)
            )
        return done(request, "tokens", what="revoked")

    @get("/users", opt=page(admin()))
    async def users(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Every user, the form to create one, and what may be done to each."""
        return await _users(request, services)

    @post("/users", opt=page(admin()), status_code=303)
    async def create_user(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Create a user (`POST /admin/users`)."""
        form = await request.form()
        try:
            await services.auth.create_user(
                username=text(form, "username"),
                password=text(form, "password", strip=False),
                role=text(form, "role"),
                teams=names(form, "teams"),
            )
        except REFUSALS as error:
            return await _users(
                request,
                services,
                status=status_of(request, error),
                problem=shown(error),
                values=kept(form, "username", "role", "teams"),
            )
        return done(request, "users", what="user-created")

    @post("/users/{username:str}/disable", opt=page(admin()), status_code=303)
    async def disable_user(
        self, username: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Disable a user (`PATCH /admin/users/{username}` with `disabled: true`)."""
        return await self._set_disabled(request, services, username, disabled=True)

    @post("/users/{username:str}/enable", opt=page(admin()), status_code=303)
    async def enable_user(
        self, username: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Enable a user again (`PATCH /admin/users/{username}` with `disabled: false`)."""
        return await self._set_disabled(request, services, username, disabled=False)

    @staticmethod
    async def _set_disabled(
        request: AnyRequest, services: ServicesDep, username: str, *, disabled: bool
    ) -> Response[Any]:
        try:
            await services.users.set_disabled(username, disabled=disabled)
        except REFUSALS as error:
            return await _users(
                request, services, status=status_of(request, error), problem=shown(error)
            )
        return done(request, "users", what="disabled" if disabled else "enabled")

    @post("/users/{username:str}/delete", opt=page(admin()), status_code=303)
    async def delete_user(
        self, username: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Delete a user (`DELETE /admin/users/{username}`), once the form confirms it."""
        form = await request.form()
        try:
            if text(form, "confirm") != "yes":
                raise InvalidInputError(
                    f"Deleting {username} was not confirmed: tick the box to delete it",
                    [FieldError("/confirm", "must be ticked to delete the user")],
                )
            await services.users.delete(username)
        except REFUSALS as error:
            return await _users(
                request, services, status=status_of(request, error), problem=shown(error)
            )
        return done(request, "users", what="deleted")

    @post("/users/{username:str}/password", opt=page(admin()), status_code=303)
    async def set_password(
        self, username: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Set a user's password (`PUT /admin/users/{username}/password`), as an admin."""
        form = await request.form()
        try:
            await services.users.change_password(username, text(form, "password", strip=False))
        except REFUSALS as error:
            return await _users(
                request, services, status=status_of(request, error), problem=shown(error)
            )
        return done(request, "users", what="password")
