"""`/ui/api`: the API reference, from the broker's own OpenAPI document (`/openapi.json`)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get

from broker.domain.errors import NotFoundError
from broker.http.context import PathName
from broker.http.hal import AnyRequest
from broker.http.openapi import openapi_json
from broker.http.permissions import read
from broker.web.api_view import operation, reference
from broker.web.rendering import render
from broker.web.security import page


def _document(request: AnyRequest) -> dict[str, Any]:
    """The document `/openapi.json` serves (built once per application), as a fresh dict."""
    document: dict[str, Any] = msgspec.json.decode(openapi_json(request.app))
    return document


class ApiReferenceController(Controller):
    """The API reference."""

    path = "/ui/api"

    @get("/", opt=page(read()))
    async def api_reference(self, request: AnyRequest) -> Response[Any]:
        """Every operation, grouped by tag; `q` keeps those whose method, path or summary has it."""
        text = request.query_params.get("q", "")
        shown = reference(_document(request), text)
        return await render(request, "api.html", {"reference": shown, "q": text})

    @get("/operation/{operation_id:str}", opt=page(read()))
    async def api_operation(self, operation_id: PathName, request: AnyRequest) -> Response[Any]:
        """One operation: its parameters, request body and responses with their schemas."""
        shown = operation(_document(request), operation_id)
        if shown is None:
            raise NotFoundError(f"No operation {operation_id} in the API")
        return await render(request, "api_operation.html", {"op": shown})
