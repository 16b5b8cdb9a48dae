"""`/`: the home page for a browser and the HAL index for API clients; `/ui`: the home page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.http import resources
from broker.http.context import LinksDep, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import HAL, HTML
from broker.http.permissions import read
from broker.web.overview import Filter, overview
from broker.web.rendering import prefers_html, render
from broker.web.security import page

# One answer per Accept: caches must keep the page and the index apart.
VARY = {"Vary": "Accept"}


async def _home(request: AnyRequest, services: ServicesDep) -> Response[Any]:
    query = request.query_params
    keep = Filter(
        name=query.get("name", ""), label=query.get("label", ""), team=query.get("team", "")
    )
    shown = await overview(services, keep)
    response = await render(request, "home.html", {"overview": shown, "filter": keep})
    response.headers.update(VARY)
    return response


class HomeController(Controller):
    """The home page: every integration, its pact, verification and deployments."""

    path = "/"

    @get("/", opt=page(read(), HAL, HTML))
    async def index(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[Any]:
        """The relations clients look up before anything else; a browser gets the home page."""
        if prefers_html(request):
            return await _home(request, services)
        return hal(resources.index(links), headers=VARY)

    @get("/ui", opt=page(read()))
    async def home(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """The home page, filtered by `name` (part of either side's name), `label` and `team`."""
        return await _home(request, services)
