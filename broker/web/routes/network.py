"""`/ui/network`: the pacticipants and their integrations as a graph."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.http.context import ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.web.network_view import network
from broker.web.overview import Filter
from broker.web.rendering import render
from broker.web.security import page


class NetworkPageController(Controller):
    """The network page."""

    path = "/ui/network"

    @get("/", opt=page(read()))
    async def network(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Every integration drawn, filtered as the home page is (`name`, `label`, `team`)."""
        query = request.query_params
        keep = Filter(
            name=query.get("name", ""), label=query.get("label", ""), team=query.get("team", "")
        )
        drawn = await network(services, keep)
        return await render(request, "network.html", {"network": drawn, "filter": keep})
