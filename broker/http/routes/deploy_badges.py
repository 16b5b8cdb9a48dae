"""can-i-deploy for the latest version with a tag or on a branch, as a matrix or a badge.

`/pacticipants/{p}/latest-version/{tag}/can-i-deploy/to/{to}` and
`/pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{env}`
(pact-broker-api §12.5), each with a `/badge` twin that answers an SVG. A badge is embedded
in READMEs, so it never fails: an unknown pacticipant, tag or environment shows "unknown".
"""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.domain.badges import can_i_deploy_badge
from broker.domain.errors import DomainError
from broker.domain.matrix import Target
from broker.http.context import LinksDep, PathName, Services, ServicesDep
from broker.http.hal import hal
from broker.http.operation_docs import documented
from broker.http.permissions import read
from broker.http.routes.matrix import MATRIX, render
from broker.services.can_i_deploy import Answer, VersionSelector

TAGGED = "/latest-version/{tag:str}/can-i-deploy/to/{to:str}"
BRANCH = "/branches/{branch:str}/latest-version/can-i-deploy/to-environment/{environment:str}"
SVG = "image/svg+xml"


async def _tagged(services: Services, pacticipant: str, tag: str, to: str) -> Answer:
    return await services.can_i_deploy.ask(
        VersionSelector(pacticipant=pacticipant, tag=tag, latest=True),
        Target(kind="tag", name=to),
        [],
    )


async def _branch(services: Services, pacticipant: str, branch: str, environment: str) -> Answer:
    return await services.can_i_deploy.ask(
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


class DeployBadgeController(Controller):
    """can-i-deploy for the latest tagged or branch version, and its badge."""

    path = "/pacticipants/{pacticipant:str}"

    @get(TAGGED, opt=read() | documented(returns=MATRIX))
    async def latest_tagged_can_i_deploy(
        self,
        pacticipant: PathName,
        tag: PathName,
        to: PathName,
        links: LinksDep,
        services: ServicesDep,
    ) -> Response[bytes]:
        """May the latest version with `tag` go where the versions tagged `to` are?"""
        answer = await _tagged(services, pacticipant, tag, to)
        return hal(render(links, answer))

    @get(TAGGED + "/badge", opt=read() | documented(media_types=(SVG,), statuses=(200,)))
    async def latest_tagged_can_i_deploy_badge(
        self, pacticipant: PathName, tag: PathName, to: PathName, services: ServicesDep
    ) -> Response[str]:
        """The same answer as an SVG badge."""
        try:
            answer = await _tagged(services, pacticipant, tag, to)
        except DomainError:
            return _badge(None)
        return _badge(answer.decision.deployable)

    @get(BRANCH, opt=read() | documented(returns=MATRIX))
    async def branch_can_i_deploy(
        self,
        pacticipant: PathName,
        branch: PathName,
        environment: PathName,
        links: LinksDep,
        services: ServicesDep,
    ) -> Response[bytes]:
        """May the head of `branch` go to `environment`?"""
        answer = await _branch(services, pacticipant, branch, environment)
        return hal(render(links, answer))

    @get(BRANCH + "/badge", opt=read() | documented(media_types=(SVG,), statuses=(200,)))
    async def branch_can_i_deploy_badge(
        self, pacticipant: PathName, branch: PathName, environment: PathName, services: ServicesDep
    ) -> Response[str]:
        """The same answer as an SVG badge."""
        try:
            answer = await _branch(services, pacticipant, branch, environment)
        except DomainError:
            return _badge(None)
        return _badge(answer.decision.deployable)
