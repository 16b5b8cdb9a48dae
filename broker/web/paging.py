"""The `?page=N` of a page's listing, with a 400 naming it when it is not a page number."""

from __future__ import annotations

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import Page
from broker.http.context import MAX_PAGE, positive_int
from broker.http.hal import AnyRequest


def page_number(raw: str | None, field: str = "page") -> int:
    """The page number `raw` names (1 when absent or empty).

    Raises:
        InvalidInputError: `raw` is not an integer from 1 to `MAX_PAGE` (naming `field`).
    """
    if raw is None or raw == "":
        return 1
    number = positive_int(raw, MAX_PAGE)
    if number is None:
        raise InvalidInputError(
            "The page number is not valid",
            [FieldError(f"/{field}", f"must be an integer from 1 to {MAX_PAGE}")],
        )
    return number


def requested_page(request: AnyRequest, size: int) -> Page:
    """The page `?page=` asks for (1 when absent), of `size` items.

    Raises:
        InvalidInputError: `page` is not an integer from 1 to `MAX_PAGE`.
    """
    return Page(number=page_number(request.query_params.get("page")), size=size)
