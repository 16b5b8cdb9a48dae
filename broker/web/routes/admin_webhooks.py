"""`/ui/admin/webhooks` and `/ui/admin/webhooks/{uuid}`: webhooks, their deliveries and logs.

Requests show as `GET /webhooks/{uuid}` shows them (password and secret headers masked) and
logs as `pb:logs` gives them. A dead delivery is re-driven through the service behind
`POST /triggered-webhooks/{uuid}/redrive`, with that route's rule (admin).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post

from broker.domain.errors import NotFoundError
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import admin
from broker.web import admin_view
from broker.web.admin_forms import REFUSALS, Shown, shown, status_of
from broker.web.rendering import render
from broker.web.routes.admin import done, notice
from broker.web.security import page


async def _webhook(
    request: AnyRequest,
    services: ServicesDep,
    uuid: str,
    *,
    status: int = 200,
    problem: Shown | None = None,
) -> Response[Any]:
    context = {
        "view": await admin_view.webhook_page(services, uuid),
        "shown_at_most": admin_view.DELIVERIES_SHOWN,
        "problem": problem,
        "notice": notice(request),
    }
    return await render(request, "admin_webhook.html", context, status=status)


class AdminWebhooksController(Controller):
    """Webhooks, their deliveries, and re-driving a dead one."""

    path = "/ui/admin/webhooks"

    @get("/", opt=page(admin()))
    async def webhooks(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Every webhook: enabled or not, its events and its request, credentials masked."""
        rows = await admin_view.webhook_rows(services)
        return await render(request, "admin_webhooks.html", {"rows": rows})

    @get("/{uuid:str}", opt=page(admin()))
    async def webhook(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """One webhook and its newest deliveries, each with its attempts' log."""
        return await _webhook(request, services, uuid)

    @post(
        "/{uuid:str}/deliveries/{delivery_uuid:str}/redrive",
        opt=page(admin()),
        status_code=303,
    )
    async def redrive(
        self, uuid: PathName, delivery_uuid: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """Deliver a dead delivery of this webhook again from its first attempt."""
        deliveries = services.webhook_deliveries
        try:
            found = await deliveries.delivery(delivery_uuid)
            if found.delivery.webhook_uuid != uuid:
                raise NotFoundError(
                    f"Webhook {uuid} has no delivery {delivery_uuid}",
                )
            await deliveries.redrive(delivery_uuid)
        except REFUSALS as error:
            return await _webhook(
                request, services, uuid, status=status_of(request, error), problem=shown(error)
            )
        return done(request, "webhooks", uuid, what="redriven")
