"""can-i-deploy for the latest version with a tag or on a branch, as a matrix or a badge.

`/pacticipants/{p}/latest-version/{tag}/can-i-deploy/to/{to}` and
`/pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{env}`
(pact-broker-api §12.5), each with a `/badge` twin that answers an SVG. A badge is embedded
in READMEs, so it never fails: an unknown pacticipant, tag or environment shows "unknown".
"""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from litestar.types import ControllerRouterHandler

from broker.domain.badges import can_i_deploy_badge
from broker.domain.errors import DomainError
from broker.domain.matrix import Target
from broker.http.context import PathName, links_for, services_of
from broker.http.hal import AnyRequest, hal
from broker.http.routes.matrix import render
from broker.services.can_i_deploy import Answer, VersionSelector

TAGGED = "/pacticipants/{pacticipant:str}/latest-version/{tag:str}/can-i-deploy/to/{to:str}"
BRANCH = (
    "/pacticipants/{pacticipant:str}/branches/{branch:str}/latest-version/can-i-deploy"
    "/to-environment/{environment:str}"
)
SVG = "image/svg+xml"


async def _tagged(state: State, pacticipant: str, tag: str, to: str) -> Answer:
    return await services_of(state).can_i_deploy.ask(
        VersionSelector(pacticipant=pacticipant, tag=tag, latest=True),
        Target(kind="tag", name=to),
        [],
    )


async def _branch(state: State, pacticipant: str, branch: str, environment: str) -> Answer:
    return await services_of(state).can_i_deploy.ask(
        VersionSelector(pacticipant=pacticipant, branch=branch, latest=True),
        Target(kind="environment", name=environment),
        [],
    )


def _badge(deployable: bool | None) -> Response[str]:
    return Response(
        content=can_i_deploy_badge("can-i-deploy", deployable),
        media_type=SVG,
        headers={"Cache-Control": "no-cache"},
    )


@get(TAGGED)
async def latest_tagged_can_i_deploy(
    pacticipant: PathName, tag: PathName, to: PathName, request: AnyRequest, state: State
) -> Response[bytes]:
    """May the latest version with `tag` go where the versions tagged `to` are?"""
    answer = await _tagged(state, pacticipant, tag, to)
    return hal(render(links_for(request, state), answer))


@get(TAGGED + "/badge")
async def latest_tagged_can_i_deploy_badge(
    pacticipant: PathName, tag: PathName, to: PathName, state: State
) -> Response[str]:
    """The same answer as an SVG badge."""
    try:
        answer = await _tagged(state, pacticipant, tag, to)
    except DomainError:
        return _badge(None)
    return _badge(answer.decision.deployable)


@get(BRANCH)
async def branch_can_i_deploy(
    pacticipant: PathName,
    branch: PathName,
    environment: PathName,
    request: AnyRequest,
    state: State,
) -> Response[bytes]:
    """May the head of `branch` go to `environment`?"""
    answer = await _branch(state, pacticipant, branch, environment)
    return hal(render(links_for(request, state), answer))


@get(BRANCH + "/badge")
async def branch_can_i_deploy_badge(
    pacticipant: PathName, branch: PathName, environment: PathName, state: State
) -> Response[str]:
    """The same answer as an SVG badge."""
    try:
        answer = await _branch(state, pacticipant, branch, environment)
    except DomainError:
        return _badge(None)
    return _badge(answer.decision.deployable)


handlers: list[ControllerRouterHandler] = [
    latest_tagged_can_i_deploy,
    latest_tagged_can_i_deploy_badge,
    branch_can_i_deploy,
    branch_can_i_deploy_badge,
]
