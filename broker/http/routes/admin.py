"""The admin API (admin role): bearer tokens, teams and what they own; users are in users.py."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.params import FromPath

from broker.domain.auth import ApiToken, Team
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, Links, hal, timestamp
from broker.http.operation_docs import documented, hal_list, links_to
from broker.http.permissions import admin
from broker.http.responses import Link, SelfLinks, TeamResource, TokenResource
from broker.http.routes.users import RoleName
from broker.http.wire import NotBlank


class TokenBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`POST /admin/tokens`."""

    name: NotBlank
    role: RoleName
    teams: list[NotBlank] = []
    expires_at: datetime | None = None
    user: str | None = None  # the user the token acts for (one person to governance)


class TeamBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`PUT /admin/teams/{name}`."""

    pacticipants: list[NotBlank] = []


def _token(links: Links, token: ApiToken, secret: str | None = None) -> TokenResource:
    return TokenResource(
        id=token.id,
        name=token.name,
        role=token.role,
        teams=list(token.teams),
        user=token.username,
        created_at=timestamp(token.created_at),
        expires_at=None if token.expires_at is None else timestamp(token.expires_at),
        revoked_at=None if token.revoked_at is None else timestamp(token.revoked_at),
        links=SelfLinks(self_=Link(href=links.href("admin", "tokens", str(token.id)))),
        token=secret,
    )


def _team(links: Links, team: Team) -> TeamResource:
    return TeamResource(
        name=team.name,
        pacticipants=list(team.pacticipants),
        links=SelfLinks(self_=Link(href=links.path("/admin/teams/{name}", name=team.name))),
    )


class AdminController(Controller):
    """`/admin/tokens` and `/admin/teams`."""

    path = "/admin"

    @post(
        "/tokens",
        opt=admin()
        | documented(
            body=TokenBody,
            returns=TokenResource,
            statuses=(201,),
            links=links_to("revoke_token", token_id="$response.body#/id"),  # noqa: S106 - a link
        ),
    )
    async def create_token(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """A new token; `token` holds its secret, shown in this answer only."""
        body = await read_json(request, TokenBody)
        created = await services.auth.create_token(
            name=body.name,
            role=body.role,
            teams=tuple(body.teams),
            expires_at=body.expires_at,
            user=body.user,
        )
        resource = _token(links, created.token, created.secret)
        return hal(resource, status=201, headers={"Location": resource.links.self_.href})

    @get(
        "/tokens",
        opt=admin() | documented(returns=hal_list("tokens", TokenResource, links=SelfLinks)),
    )
    async def list_tokens(self, services: ServicesDep, links: LinksDep) -> Response[bytes]:
        """Every token, revoked ones included, never with its secret."""
        tokens = await services.auth.list_tokens()
        return hal(
            {
                "_embedded": {"tokens": [_token(links, t) for t in tokens]},
                "_links": {"self": links.link(links.href("admin", "tokens"))},
            }
        )

    @delete("/tokens/{token_id:int}", status_code=204, opt=admin())
    async def revoke_token(self, token_id: FromPath[int], services: ServicesDep) -> None:
        """Revoke a token: it is refused from now on (404 if there is no such token)."""
        await services.auth.revoke_token(token_id)

    @put(
        "/teams/{name:str}",
        opt=admin() | documented(body=TeamBody, returns=TeamResource, statuses=(200,)),
    )
    async def save_team(
        self, name: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create or replace a team and the pacticipants it owns."""
        body = await read_json(request, TeamBody)
        team = await services.auth.save_team(name, tuple(body.pacticipants))
        return hal(_team(links, team))

    @get(
        "/teams",
        opt=admin() | documented(returns=hal_list("teams", TeamResource, links=SelfLinks)),
    )
    async def list_teams(self, services: ServicesDep, links: LinksDep) -> Response[bytes]:
        """Every team and the pacticipants it owns."""
        found = await services.auth.list_teams()
        return hal(
            {
                "_embedded": {"teams": [_team(links, t) for t in found]},
                "_links": {"self": links.link(links.href("admin", "teams"))},
            }
        )

    @get("/teams/{name:str}", opt=admin() | documented(returns=TeamResource))
    async def show_team(
        self, name: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One team and the pacticipants it owns (404 if there is none by that name)."""
        team = await services.auth.team(name)
        return hal(_team(links, team))
