"""`GET /pacticipants/{p}/coverage`: integration points, their test coverage and the gaps."""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.domain.coverage_markdown import markdown
from broker.domain.names import check_name
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.coverage_resources import coverage
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import HAL, HAL_RESOURCE, QueryParam, documented
from broker.http.permissions import read

MARKDOWN = "text/markdown"

_QUERY = (
    QueryParam("version", "The version reported on (default: the newest)."),
    QueryParam(
        "environment",
        "Compare with the version deployed there (default: the first production environment).",
    ),
)


class CoverageController(Controller):
    """A pacticipant's integration test coverage."""

    path = "/pacticipants/{pacticipant:str}/coverage"

    @get(
        "/",
        opt=read() | documented(query=_QUERY, returns=HAL_RESOURCE, media_types=(HAL, MARKDOWN)),
    )
    async def get_coverage(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The coverage report (HAL, or markdown for `Accept: text/markdown`); 404 if unknown."""
        version = request.query_params.get("version") or None
        environment = request.query_params.get("environment") or None
        if version is not None:
            check_name(version, "/version", "version number")
        if environment is not None:
            check_name(environment, "/environment", "environment name")
        found = await services.coverage.report(
            pacticipant, version=version, environment=environment
        )
        if request.headers.get("accept", "").startswith(MARKDOWN):
            return Response(
                content=markdown(found).encode(), media_type=f"{MARKDOWN};charset=utf-8"
            )
        return hal(coverage(links, found))
