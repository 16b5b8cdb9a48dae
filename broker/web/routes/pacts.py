"""`/ui/pacts/provider/{provider}/consumer/{consumer}/version/{version}`: one pact, for people.

`/ui/pacts/provider/{provider}/consumer/{consumer}/latest/badge.svg` is the latest pact's
badge for the pact page: the API's badge (`/pacts/.../latest/badge.svg`) under the page's rule,
so a signed-in browser sees it on a broker that needs a token to read.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.domain.badges import pact_badge, pact_badge_title
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.operation_docs import SVG
from broker.http.permissions import read
from broker.web.pact_view import pact_view
from broker.web.rendering import render
from broker.web.security import page


class PactPageController(Controller):
    """The pact page: interactions rendered for reading, and the verification results."""

    path = "/ui/pacts"

    @get("/provider/{provider:str}/consumer/{consumer:str}/version/{version:str}", opt=page(read()))
    async def pact(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
    ) -> Response[Any]:
        """The pact the consumer version holds with the provider; `?compare=V` diffs it with V's."""
        base = request.query_params.get("compare") or None
        shown = await pact_view(services, provider, consumer, version, base)
        return await render(request, "pact.html", {"view": shown})

    @get("/provider/{provider:str}/consumer/{consumer:str}/latest/badge.svg", opt=page(read(), SVG))
    async def badge(
        self, provider: PathName, consumer: PathName, services: ServicesDep
    ) -> Response[str]:
        """The verification status of the latest pact, as the API's badge draws it."""
        facts = await services.integrations.pact_badge(provider, consumer)
        title = pact_badge_title(consumer, provider) if facts.found else None
        return Response(
            content=pact_badge(title, facts.status),
            media_type="image/svg+xml",
            headers={"Cache-Control": "no-cache"},
        )
