"""`/ui/pacticipants/{p}/coverage`: the coverage report as a page (the same report as the API's)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.domain.names import check_name
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.web.rendering import render
from broker.web.security import page


class CoveragePageController(Controller):
    """A pacticipant's integration points, their test coverage and the gaps."""

    path = "/ui/pacticipants/{pacticipant:str}/coverage"

    @get("/", opt=page(read()))
    async def coverage_page(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """The report of the newest version (or `?version=`), against `?environment=`."""
        version = request.query_params.get("version") or None
        environment = request.query_params.get("environment") or None
        if version is not None:
            check_name(version, "/version", "version number")
        if environment is not None:
            check_name(environment, "/environment", "environment name")
        found = await services.coverage.report(
            pacticipant, version=version, environment=environment, browsing=True
        )
        return await render(request, "coverage.html", {"report": found})
