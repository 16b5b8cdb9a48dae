"""Pact and matrix status badges for READMEs (the Pact Broker's paths).

`/pacts/provider/{p}/consumer/{c}/latest/badge`, `…/latest/{tag}/badge`,
`…/latest-untagged/badge` and `/matrix/provider/{p}/latest/{ptag}/consumer/{c}/latest/{tag}/badge`,
each also with `.svg` (older READMEs link `badge.svg`). `?label=consumer` or `provider` shows
that side's name alone, `?initials=true` shortens names. A badge never fails: an unknown
pacticipant or pact shows "pact not found" and "unknown". Reads, like the can-i-deploy badges.
"""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.domain.badges import pact_badge, pact_badge_title
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.operation_docs import FLAG, QueryParam, documented
from broker.http.permissions import read
from broker.services.integrations import BadgeFacts

PACT = "/pacts/provider/{provider:str}/consumer/{consumer:str}"
MATRIX = (
    "/matrix/provider/{provider:str}/latest/{provider_tag:str}"
    "/consumer/{consumer:str}/latest/{tag:str}"
)
SVG = "image/svg+xml"


def _paths(base: str) -> list[str]:
    return [base + "/badge", base + "/badge.svg"]


def _svg(
    facts: BadgeFacts,
    request: AnyRequest,
    consumer: str,
    provider: str,
    consumer_tag: str | None = None,
    provider_tag: str | None = None,
) -> Response[str]:
    title = None
    if facts.found:
        title = pact_badge_title(
            consumer,
            provider,
            label=request.query_params.get("label") or None,
            initials=request.query_params.get("initials") == "true",
            consumer_tag=consumer_tag,
            provider_tag=provider_tag,
        )
    return Response(
        content=pact_badge(title, facts.status),
        media_type=SVG,
        headers={"Cache-Control": "no-cache"},
    )


BADGE = documented(
    query=(
        QueryParam("label", "`consumer` or `provider`: show only that side's name."),
        QueryParam("initials", "Shorten names to their initials.", FLAG),
    ),
    media_types=(SVG,),
    statuses=(200,),
)


class PactBadgeController(Controller):
    """The verification status of a pact, or of tagged versions, as an SVG badge."""

    path = "/"

    @get(_paths(PACT + "/latest"), opt=read() | BADGE)
    async def latest_pact_badge(
        self, provider: PathName, consumer: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[str]:
        """The status of the latest pact."""
        facts = await services.integrations.pact_badge(provider, consumer)
        return _svg(facts, request, consumer, provider)

    @get(_paths(PACT + "/latest-untagged"), opt=read() | BADGE)
    async def latest_untagged_pact_badge(
        self, provider: PathName, consumer: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[str]:
        """The status of the latest pact of a consumer version without tags."""
        facts = await services.integrations.pact_badge(provider, consumer, untagged=True)
        return _svg(facts, request, consumer, provider)

    @get(_paths(PACT + "/latest/{tag:str}"), opt=read() | BADGE)
    async def latest_tagged_pact_badge(
        self,
        provider: PathName,
        consumer: PathName,
        tag: PathName,
        request: AnyRequest,
        services: ServicesDep,
    ) -> Response[str]:
        """The status of the latest pact of a consumer version with a tag."""
        facts = await services.integrations.pact_badge(provider, consumer, tag=tag)
        return _svg(facts, request, consumer, provider)

    @get(_paths(MATRIX), opt=read() | BADGE)
    async def matrix_badge(
        self,
        provider: PathName,
        provider_tag: PathName,
        consumer: PathName,
        tag: PathName,
        request: AnyRequest,
        services: ServicesDep,
    ) -> Response[str]:
        """The latest pact with a consumer tag, as verified by provider versions with a tag."""
        facts = await services.integrations.matrix_badge(provider, provider_tag, consumer, tag)
        return _svg(facts, request, consumer, provider, tag, provider_tag)
