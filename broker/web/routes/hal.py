"""`/ui/hal?path=...`: the HAL browser, following the API's links as the signed-in caller."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Response, get
from litestar.response import Redirect

from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.services.actor import current_actor
from broker.web import subrequest
from broker.web.hal_view import VARIABLE_PREFIX, browse_href, expand, hal_view
from broker.web.rendering import links_of, render
from broker.web.security import page


class HalBrowserController(Controller):
    """The HAL browser."""

    path = "/ui/hal"

    @get("/", opt=page(read()))
    async def browse(self, request: AnyRequest) -> Response[Any]:
        """GET `path` (default `/`) of this broker as the caller; show its JSON and links.

        With `template` (a templated link's path) and a `v-NAME` field per variable, redirect
        to the page of the filled template.
        """
        query = request.query_params
        base = links_of(request).base
        template = query.get("template")
        if template is not None:
            values = {
                key.removeprefix(VARIABLE_PREFIX): value
                for key, value in query.items()
                if key.startswith(VARIABLE_PREFIX)
            }
            filled = subrequest.checked_path(expand(subrequest.checked_path(template), values))
            return Redirect(browse_href(base, filled), status_code=303)
        path = subrequest.checked_path(query.get("path") or "/")  # refused before any fetch
        answer = await subrequest.get(request.app, request.scope, path, current_actor.get())
        shown = hal_view(path, answer, base)
        return await render(
            request, "hal.html", {"view": shown, "browse": partial(browse_href, base)}
        )
