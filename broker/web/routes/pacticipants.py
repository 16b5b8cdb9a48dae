"""`/ui/pacticipants/{name}`: one pacticipant, its versions and where it may be deployed."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.web.pacticipant_view import VERSIONS_PER_PAGE, pacticipant_view
from broker.web.paging import requested_page
from broker.web.rendering import render
from broker.web.security import page


class PacticipantPageController(Controller):
    """The pacticipant page."""

    path = "/ui/pacticipants"

    @get("/{name:str}", opt=page(read()))
    async def pacticipant(
        self, name: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Versions newest first (`?page=N`), and can-i-deploy of `?version=` or the latest."""
        shown = await pacticipant_view(
            services,
            name,
            requested_page(request, VERSIONS_PER_PAGE),
            request.query_params.get("version") or None,
        )
        return await render(request, "pacticipant.html", {"view": shown})
