"""`/ui/approvals` (the inbox) and `/ui/change-requests/{id}`: reading and signing changes off.

Approving and rejecting are form POSTs under the approve API's rule (`approve()`), calling the
same service methods as `POST /change-requests/{id}/approve` and `/reject`: a caller the API
refuses is refused here with the same status and message, shown on the request's page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from broker.domain.errors import DomainError, FieldError, InvalidInputError, NotFoundError
from broker.domain.names import check_name
from broker.http.context import MAX_PAGE, ServicesDep, positive_int
from broker.http.hal import AnyRequest
from broker.http.permissions import approve, read
from broker.http.problems import domain_error_handler
from broker.services.actor import current_actor
from broker.web.approvals_view import InboxPages, change_request_view, inbox_view
from broker.web.rendering import links_of, render
from broker.web.security import page

# What the page says after a POST redirected to it (`?done=`).
DONE = {
    "approved": "Your approval was recorded.",
    "rejected": "You rejected this change request.",
}
PAGE_PARAMS = ("yours", "open", "decided")


def _page_numbers(request: AnyRequest) -> InboxPages:
    """`?yours=N&open=N&decided=N`: which page of each list, with a 400 naming a bad one."""
    numbers: dict[str, int] = {}
    problems = []
    for name in PAGE_PARAMS:
        raw = request.query_params.get(name)
        if raw is None:
            continue
        number = positive_int(raw, MAX_PAGE)
        if number is None:
            problems.append(FieldError(f"/{name}", f"must be an integer from 1 to {MAX_PAGE}"))
        else:
            numbers[name] = number
    if problems:
        raise InvalidInputError("The page numbers are not valid", problems)
    return InboxPages(**numbers)


def inbox_link(
    here: str, pacticipant: str | None, pages: InboxPages, name: str, number: int
) -> str:
    """The inbox with list `name` at page `number`, the other lists and the filter kept."""
    wanted = {**msgspec.structs.asdict(pages), name: number}
    pairs = [("pacticipant", pacticipant)] if pacticipant else []
    pairs += [(key, str(value)) for key, value in wanted.items() if value != 1]
    return f"{here}?{urlencode(pairs)}#{name}" if pairs else f"{here}#{name}"


async def _form_field(request: AnyRequest, name: str) -> str:
    value = (await request.form()).get(name)
    return value if isinstance(value, str) else ""


def _request_path(request: AnyRequest, request_id: int) -> str:
    return links_of(request).href("ui", "change-requests", str(request_id))


async def _request_page(
    request: AnyRequest,
    services: ServicesDep,
    request_id: int,
    *,
    status: int = 200,
    notice: str | None = None,
    error: DomainError | None = None,
    reason: str = "",
) -> Response[Any]:
    shown = await change_request_view(services, request_id, current_actor.get())
    context = {"view": shown, "notice": notice, "error": error, "reason": reason}
    return await render(request, "change_request.html", context, status=status)


async def _refused(
    request: AnyRequest,
    services: ServicesDep,
    request_id: int,
    error: DomainError,
    reason: str = "",
) -> Response[Any]:
    """The request's page again with the API's refusal (status and message); nothing stored."""
    if isinstance(error, NotFoundError):
        raise error
    status = domain_error_handler(request, error).status_code or 400
    return await _request_page(
        request, services, request_id, status=status, error=error, reason=reason
    )


class ApprovalPageController(Controller):
    """The approvals inbox and the change request pages."""

    path = "/ui"

    @get("/approvals", opt=page(read()))
    async def inbox(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """What awaits the caller's teams, every open request and the decided ones, paged."""
        pacticipant = (request.query_params.get("pacticipant") or "").strip() or None
        if pacticipant is not None:
            check_name(pacticipant, "/pacticipant", "pacticipant name")
        pages = _page_numbers(request)
        shown = await inbox_view(services, current_actor.get(), pacticipant, pages)
        here = links_of(request).href("ui", "approvals")

        def page_link(name: str, number: int) -> str:
            return inbox_link(here, pacticipant, pages, name, number)

        return await render(request, "approvals.html", {"view": shown, "page_link": page_link})

    @get("/change-requests/{request_id:int}", opt=page(read()))
    async def change_request(
        self, request_id: FromPath[int], request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """One request: its diff, what it affects, who must approve, and the forms to decide."""
        notice = DONE.get(request.query_params.get("done") or "")
        return await _request_page(request, services, request_id, notice=notice)

    @post("/change-requests/{request_id:int}/approve", opt=page(approve()), status_code=303)
    async def approve_change(
        self, request_id: FromPath[int], request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Approve as the caller, for the form's `team` or the first requirement still owed."""
        team = (await _form_field(request, "team")).strip() or None
        try:
            signed = await services.governance.approve(request_id, team)
        except DomainError as error:
            return await _refused(request, services, request_id, error)
        if not signed.changed:
            # Nothing was stored: say so on the page (sending it again changes nothing either).
            return await _request_page(request, services, request_id, notice=signed.note)
        return Redirect(f"{_request_path(request, request_id)}?done=approved", status_code=303)

    @post("/change-requests/{request_id:int}/reject", opt=page(approve()), status_code=303)
    async def reject_change(
        self, request_id: FromPath[int], request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Reject as the caller; the form's `reason` says why (refused without one)."""
        reason = await _form_field(request, "reason")
        try:
            await services.governance.reject(request_id, reason)
        except DomainError as error:
            return await _refused(request, services, request_id, error, reason)
        return Redirect(f"{_request_path(request, request_id)}?done=rejected", status_code=303)
