"""`/openapi.json`: the broker's own OpenAPI document."""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.http.hal import AnyRequest
from broker.http.openapi import openapi_json
from broker.http.operation_docs import JSON, documented
from broker.http.permissions import open_to_all


class OpenAPIController(Controller):
    """The OpenAPI document."""

    path = "/"

    # Open to all, like the health checks: it says what the routes are, which the source and
    # the README say too, and no data; tools (schemathesis, gateways, client generators) read it
    # before they hold credentials.
    @get(
        "/openapi.json",
        opt=open_to_all()
        | documented(returns={"type": "object"}, statuses=(200,), media_types=(JSON,)),
    )
    async def openapi(self, request: AnyRequest) -> Response[bytes]:
        """This document: OpenAPI 3.1, generated from the broker's route handlers."""
        return Response(content=openapi_json(request.app), media_type=JSON)
