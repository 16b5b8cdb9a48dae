"""`/ui/admin/teams` and `/ui/admin/modes`: who owns what, and how its changes are governed.

A team's pacticipants are replaced as a whole (`PUT /admin/teams/{name}`), so assigning or
taking one pacticipant saves the team's list with it added or removed. Modes and approval
policies are set through the governance service, as `PUT /pacticipants/{p}/mode` and
`/approval-policy` set them. Every page and form here needs the admin role, as those routes do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Response, get, post

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.governance import MODES, parse_mode
from broker.domain.model import Page
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import admin
from broker.web import admin_view
from broker.web.admin_forms import (
    REFUSALS,
    Shown,
    kept,
    names,
    shown,
    status_of,
    text,
    whole_number,
)
from broker.web.paging import page_number
from broker.web.rendering import render
from broker.web.routes.admin import done, notice
from broker.web.security import page


def _pacticipant(raw: str) -> str:
    if not raw:
        raise InvalidInputError(
            "Name a pacticipant", [FieldError("/pacticipant", "must not be blank")]
        )
    return raw


async def _teams(
    request: AnyRequest,
    services: ServicesDep,
    *,
    status: int = 200,
    problem: Shown | None = None,
    values: dict[str, str] | None = None,
) -> Response[Any]:
    context = {
        "rows": await admin_view.team_rows(services),
        "known": await admin_view.pacticipant_names(services),
        "problem": problem,
        "values": values or {},
        "notice": notice(request),
    }
    return await render(request, "admin_teams.html", context, status=status)


async def _modes(
    request: AnyRequest,
    services: ServicesDep,
    number: int,
    *,
    status: int = 200,
    problem: Shown | None = None,
    values: dict[str, str] | None = None,
) -> Response[Any]:
    view = await admin_view.modes_view(
        services, Page(number=number, size=admin_view.MODES_PER_PAGE)
    )
    chosen = request.query_params.get("pacticipant", "")
    prefill = values or {}
    if not prefill and chosen:
        policy = next((row.policy for row in view.rows if row.name == chosen), None)
        if policy is None:
            policy = await services.governance.policy(chosen)
        prefill = {
            "pacticipant": chosen,
            "teams": ", ".join(policy.teams) if policy else "",
            "required": str(policy.required) if policy else "",
        }
    context = {
        "view": view,
        "modes": MODES,
        "problem": problem,
        "values": prefill,
        "notice": notice(request),
    }
    return await render(request, "admin_modes.html", context, status=status)


async def _change_membership(
    request: AnyRequest,
    services: ServicesDep,
    name: str,
    change: Callable[[tuple[str, ...], str], tuple[str, ...]],
    what: str,
) -> Response[Any]:
    """Save the team with `change(its pacticipants, the form's pacticipant)`, when that differs.

    A refusal re-renders the teams page with the API's status and message, nothing stored.
    """
    form = await request.form()
    try:
        pacticipant = _pacticipant(text(form, "pacticipant"))
        team = await services.auth.team(name)
        changed = change(team.pacticipants, pacticipant)
        if changed != team.pacticipants:
            await services.auth.save_team(name, changed)
    except REFUSALS as error:
        return await _teams(
            request, services, status=status_of(request, error), problem=shown(error)
        )
    return done(request, "teams", what=what)


class AdminTeamsController(Controller):
    """Teams and what they own; modes and approval policies."""

    path = "/ui/admin"

    @get("/teams", opt=page(admin()))
    async def teams(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Every team, its pacticipants and members, and the forms to change them."""
        return await _teams(request, services)

    @post("/teams", opt=page(admin()), status_code=303)
    async def save_team(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Create a team, or replace its pacticipants (`PUT /admin/teams/{name}`)."""
        form = await request.form()
        try:
            await services.auth.save_team(text(form, "name"), names(form, "pacticipants"))
        except REFUSALS as error:
            return await _teams(
                request,
                services,
                status=status_of(request, error),
                problem=shown(error),
                values=kept(form, "name", "pacticipants"),
            )
        return done(request, "teams", what="team-saved")

    @post("/teams/{name:str}/assign", opt=page(admin()), status_code=303)
    async def assign(
        self, name: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Add a pacticipant to the team's (`PUT /admin/teams/{name}` with it added)."""
        return await _change_membership(
            request,
            services,
            name,
            lambda owned, added: owned if added in owned else (*owned, added),
            "assigned",
        )

    @post("/teams/{name:str}/unassign", opt=page(admin()), status_code=303)
    async def unassign(
        self, name: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Take a pacticipant from the team's (`PUT /admin/teams/{name}` without it)."""
        return await _change_membership(
            request,
            services,
            name,
            lambda owned, taken: tuple(p for p in owned if p != taken),
            "unassigned",
        )

    @get("/modes", opt=page(admin()))
    async def modes(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Pacticipants by name (`?page=N`) with their modes and approval policies."""
        number = page_number(request.query_params.get("page"))
        return await _modes(request, services, number)

    @post("/modes/mode", opt=page(admin()), status_code=303)
    async def set_mode(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Set a pacticipant's mode (`PUT /pacticipants/{p}/mode`)."""
        form = await request.form()
        number = page_number(text(form, "page"))
        try:
            pacticipant = _pacticipant(text(form, "pacticipant"))
            await services.governance.set_mode(pacticipant, parse_mode(text(form, "mode")))
        except REFUSALS as error:
            return await _modes(
                request,
                services,
                number,
                status=status_of(request, error),
                problem=shown(error),
                values=kept(form, "pacticipant"),
            )
        return done(request, "modes", what="mode", query=f"&page={number}")

    @post("/modes/policy", opt=page(admin()), status_code=303)
    async def set_policy(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Set a pacticipant's approval policy (`PUT /pacticipants/{p}/approval-policy`)."""
        form = await request.form()
        number = page_number(text(form, "page"))
        try:
            pacticipant = _pacticipant(text(form, "pacticipant"))
            await services.governance.set_policy(
                pacticipant, names(form, "teams"), whole_number(text(form, "required"))
            )
        except REFUSALS as error:
            return await _modes(
                request,
                services,
                number,
                status=status_of(request, error),
                problem=shown(error),
                values=kept(form, "pacticipant", "teams", "required"),
            )
        return done(request, "modes", what="policy", query=f"&page={number}")
