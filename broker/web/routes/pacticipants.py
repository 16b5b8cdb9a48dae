"""`/ui/pacticipants/{name}`: one pacticipant, its versions and where it may be deployed."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import Page
from broker.http.context import MAX_PAGE, PathName, ServicesDep, positive_int
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.web.pacticipant_view import VERSIONS_PER_PAGE, pacticipant_view
from broker.web.rendering import render
from broker.web.security import page


def _page_number(request: AnyRequest) -> int:
    raw = request.query_params.get("page")
    if raw is None:
        return 1
    number = positive_int(raw, MAX_PAGE)
    if number is None:
        raise InvalidInputError(
            "The page number is not valid",
            [FieldError("/page", f"must be an integer from 1 to {MAX_PAGE}")],
        )
    return number


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
            Page(number=_page_number(request), size=VERSIONS_PER_PAGE),
            request.query_params.get("version") or None,
        )
        return await render(request, "pacticipant.html", {"view": shown})
