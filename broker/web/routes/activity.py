"""`/ui/notifications` and `/ui/audit`: what consumers were told, and who did what."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Response, get

from broker.http.context import ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.services.actor import current_actor
from broker.web.activity_view import (
    AUDIT_ENTRIES_PER_PAGE,
    NOTIFICATIONS_PER_PAGE,
    audit_view,
    given_filters,
    notifications_view,
)
from broker.web.paging import requested_page
from broker.web.rendering import render
from broker.web.security import page


class ActivityPageController(Controller):
    """The notifications and the audit log."""

    path = "/ui"

    # The rules of `GET /pacticipants/{p}/notifications` and `GET /audit`.
    @get("/notifications", opt=page(read()))
    async def notifications_page(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """The caller's teams' consumers' notifications, or `?consumer=`'s, newest first."""
        consumer = request.query_params.get("consumer", "").strip() or None
        shown = await notifications_view(
            services,
            current_actor.get(),
            requested_page(request, NOTIFICATIONS_PER_PAGE),
            consumer,
        )
        return await render(request, "notifications.html", {"view": shown})

    @get("/audit", opt=page(read()))
    async def audit_log_page(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """`GET /audit`'s filters as a form, its entries paged, and the chain checked."""
        query = {name: request.query_params.get(name, "") for name in request.query_params}
        shown = await audit_view(services, query, requested_page(request, AUDIT_ENTRIES_PER_PAGE))
        paging = urlencode(given_filters(query))  # the filters, kept by the pager's links
        return await render(request, "audit.html", {"view": shown, "paging": paging})
