"""`/ui/matrix`: the matrix and can-i-deploy, asked with the CLI's selectors as a GET form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.http.context import ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.web.matrix_view import matrix_page
from broker.web.rendering import render
from broker.web.security import page


class MatrixPageController(Controller):
    """The matrix page."""

    path = "/ui/matrix"

    @get("/", opt=page(read()))
    async def matrix(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """The query of `GET /matrix` as a form; an invalid one is answered 400 with its errors."""
        query = request.scope.get("query_string", b"").decode("latin-1")
        shown = await matrix_page(services, query)
        environments = await services.environments.list_environments()
        return await render(
            request,
            "matrix.html",
            {"matrix": shown, "environments": environments},
            status=400 if shown.message else 200,
        )
