"""The admin API (admin role): bearer tokens, basic-auth users, teams and what they own."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Response, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath

from broker.domain.auth import ApiToken, Team
from broker.http.body import read_json
from broker.http.context import PathName, links_for, services_of
from broker.http.hal import AnyRequest, Body, Links, hal, timestamp
from broker.http.routes.users import user_resource


class TokenBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`POST /admin/tokens`."""

    name: str
    role: str
    teams: list[str] = []
    expires_at: datetime | None = None
    user: str | None = None  # the user the token acts for (one person to governance)


class UserBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`POST /admin/users`."""

    username: str
    password: str
    role: str
    teams: list[str] = []


class TeamBody(msgspec.Struct, kw_only=True, rename="camel"):
    """`PUT /admin/teams/{name}`."""

    pacticipants: list[str] = []


def _token(links: Links, token: ApiToken) -> Body:
    body: Body = {
        "id": token.id,
        "name": token.name,
        "role": token.role,
        "teams": list(token.teams),
        "user": token.username,
        "createdAt": timestamp(token.created_at),
        "expiresAt": None if token.expires_at is None else timestamp(token.expires_at),
        "revokedAt": None if token.revoked_at is None else timestamp(token.revoked_at),
        "_links": {"self": links.link(links.href("admin", "tokens", str(token.id)))},
    }
    return body


def _team(links: Links, team: Team) -> Body:
    return {
        "name": team.name,
        "pacticipants": list(team.pacticipants),
        "_links": {"self": links.link(links.path("/admin/teams/{name}", name=team.name))},
    }


@post("/admin/tokens")
async def create_token(request: AnyRequest, state: State) -> Response[bytes]:
    """A new token; `token` holds its secret, shown in this answer only."""
    body = await read_json(request, TokenBody)
    created = await services_of(state).auth.create_token(
        name=body.name,
        role=body.role,
        teams=tuple(body.teams),
        expires_at=body.expires_at,
        user=body.user,
    )
    resource = _token(links_for(request, state), created.token) | {"token": created.secret}
    return hal(resource, status=201, headers={"Location": resource["_links"]["self"]["href"]})


@get("/admin/tokens")
async def list_tokens(request: AnyRequest, state: State) -> Response[bytes]:
    """Every token, revoked ones included, never with its secret."""
    links = links_for(request, state)
    tokens = await services_of(state).auth.list_tokens()
    return hal(
        {
            "_embedded": {"tokens": [_token(links, t) for t in tokens]},
            "_links": {"self": links.link(links.href("admin", "tokens"))},
        }
    )


@delete("/admin/tokens/{token_id:int}", status_code=204)
async def revoke_token(token_id: FromPath[int], state: State) -> None:
    """Revoke a token: it is refused from now on (404 if there is no such token)."""
    await services_of(state).auth.revoke_token(token_id)


@post("/admin/users")
async def create_user(request: AnyRequest, state: State) -> Response[bytes]:
    """A basic-auth user; the password is kept only as its scrypt hash."""
    body = await read_json(request, UserBody)
    username, _, _ = await services_of(state).auth.create_user(
        username=body.username, password=body.password, role=body.role, teams=tuple(body.teams)
    )
    created = await services_of(state).users.user(username)
    resource = user_resource(links_for(request, state), created)
    return hal(resource, status=201, headers={"Location": resource["_links"]["self"]["href"]})


@put("/admin/teams/{name:str}")
async def save_team(name: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """Create or replace a team and the pacticipants it owns."""
    body = await read_json(request, TeamBody)
    team = await services_of(state).auth.save_team(name, tuple(body.pacticipants))
    return hal(_team(links_for(request, state), team))


@get("/admin/teams")
async def list_teams(request: AnyRequest, state: State) -> Response[bytes]:
    """Every team and the pacticipants it owns."""
    links = links_for(request, state)
    found = await services_of(state).auth.list_teams()
    return hal(
        {
            "_embedded": {"teams": [_team(links, t) for t in found]},
            "_links": {"self": links.link(links.href("admin", "teams"))},
        }
    )


@get("/admin/teams/{name:str}")
async def show_team(name: PathName, request: AnyRequest, state: State) -> Response[bytes]:
    """One team and the pacticipants it owns (404 if there is none by that name)."""
    team = await services_of(state).auth.team(name)
    return hal(_team(links_for(request, state), team))


handlers = [create_token, list_tokens, revoke_token, create_user, save_team, list_teams, show_team]
