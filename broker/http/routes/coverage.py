"""`GET /pacticipants/{p}/coverage`: integration points, their test coverage and the gaps."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, put

from broker.domain.coverage_markdown import markdown
from broker.domain.names import check_name
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.coverage_resources import coverage
from broker.http.hal import AnyRequest, Links, hal
from broker.http.operation_docs import HAL, HAL_RESOURCE, QueryParam, documented
from broker.http.permissions import admin, read

MARKDOWN = "text/markdown"

_QUERY = (
    QueryParam("version", "The version reported on (default: the newest)."),
    QueryParam(
        "environment",
        "Compare with the version deployed there (default: the first production environment).",
    ),
)


class CoveragePolicyBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """`PUT /pacticipants/{p}/coverage-policy`: the lowest percentage; null removes the policy."""

    minimum: Annotated[int, msgspec.Meta(ge=0, le=100)] | None


def _policy(links: Links, pacticipant: str, minimum: int | None) -> dict[str, object]:
    href = links.path("/pacticipants/{p}/coverage-policy", p=pacticipant)
    return {
        "pacticipant": pacticipant,
        "minimum": minimum,
        "_links": {
            "self": links.link(href, title="Coverage policy"),
            "pb:coverage": links.link(
                links.path("/pacticipants/{p}/coverage", p=pacticipant), title="Coverage"
            ),
        },
    }


class CoverageController(Controller):
    """A pacticipant's integration test coverage."""

    path = "/pacticipants/{pacticipant:str}"

    @get(
        "/coverage",
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

    @get("/coverage-policy", opt=read() | documented(returns=HAL_RESOURCE))
    async def get_coverage_policy(
        self, pacticipant: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The lowest coverage can-i-deploy lets through (`minimum` null: no policy)."""
        minimum = await services.coverage.policy(pacticipant)
        return hal(_policy(links, pacticipant, minimum))

    @put(
        "/coverage-policy",
        opt=admin() | documented(body=CoveragePolicyBody, body_required=True, returns=HAL_RESOURCE),
    )
    async def put_coverage_policy(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Set the pacticipant's coverage policy (admin); can-i-deploy says no below it."""
        body = await read_json(request, CoveragePolicyBody)
        minimum = await services.coverage.set_policy(pacticipant, body.minimum)
        return hal(_policy(links, pacticipant, minimum))
