"""What webhooks did: test executions, triggered webhooks and their logs, the admin's re-drive.

`POST /webhooks/{uuid}/execute` is the Pact Broker's `pb:execute` (the CLIs' `test-webhook`):
it answers 200 with `success` false when the receiver failed or the guard refused the call, as
the Pact Broker does, so the refusal reads as one.
"""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.params import FromPath

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.webhooks import DELIVERY_STATUSES
from broker.http.context import LinksDep, PathName, ServicesDep, positive_int
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import HAL_RESOURCE, QueryParam, documented
from broker.http.permissions import admin, read, write
from broker.http.webhook_delivery_resources import (
    WEBHOOK,
    execution_result,
    triggered_webhook,
    triggered_webhooks,
)
from broker.services.webhook_deliveries import MAX_LISTED

DELIVERY = "/triggered-webhooks/{delivery_uuid:str}"
PACT = "/pacts/provider/{provider:str}/consumer/{consumer:str}"
MAX_LIMIT = 1000
TEXT = "text/plain;charset=utf-8"


def limit_of(request: AnyRequest) -> int:
    """`?limit=N` (1 to 1000; default 100), with a 400 naming a bad one."""
    raw = request.query_params.get("limit")
    if raw is None:
        return MAX_LISTED
    value = positive_int(raw, MAX_LIMIT)
    if value is None:
        raise InvalidInputError(
            "The limit is not valid",
            [FieldError("/limit", f"must be an integer from 1 to {MAX_LIMIT}")],
        )
    return value


def status_of(request: AnyRequest) -> str | None:
    """`?status=` one of the delivery statuses, or None for all."""
    raw: str | None = request.query_params.get("status")
    if raw is None:
        return None
    if raw not in DELIVERY_STATUSES:
        raise InvalidInputError(
            f"There is no delivery status {raw!r}",
            [FieldError("/status", f"must be one of {', '.join(DELIVERY_STATUSES)}")],
        )
    return raw


_LIMIT = QueryParam(
    "limit",
    "At most this many deliveries (default 100).",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
)
_LISTED = documented(query=(_LIMIT,), returns=HAL_RESOURCE, statuses=(200,))


class WebhookDeliveryController(Controller):
    """Test executions, triggered webhooks and their logs, and re-driving dead deliveries."""

    path = "/"

    @post(
        "/webhooks/{uuid:str}/execute",
        opt=write() | documented(takes_no_body=True, returns=HAL_RESOURCE, statuses=(200,)),
    )
    async def execute(
        self, uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Run the webhook once now with example data (its service checks who may)."""
        execution = await services.webhook_deliveries.execute(uuid)
        return hal(execution_result(links, execution))

    @get("/webhooks/{uuid:str}/executions", opt=read() | _LISTED)
    async def executions(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The webhook's deliveries, newest first (`?limit=`, default 100)."""
        views = await services.webhook_deliveries.executions(uuid, limit_of(request))
        href = links.path(WEBHOOK + "/executions", w=uuid)
        return hal(triggered_webhooks(links, href, f"Executions of webhook {uuid}", views))

    @get(DELIVERY, opt=read() | documented(returns=HAL_RESOURCE))
    async def delivery(
        self, delivery_uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One triggered webhook: its status, event and variables, and every attempt."""
        view = await services.webhook_deliveries.delivery(delivery_uuid)
        return hal(triggered_webhook(links, view, full=True))

    @get(DELIVERY + "/logs", opt=read() | documented(media_types=("text/plain",)))
    async def logs(self, delivery_uuid: PathName, services: ServicesDep) -> Response[bytes]:
        """The log of every attempt, as text (`pb:logs`)."""
        text = await services.webhook_deliveries.logs(delivery_uuid)
        return Response(content=text.encode(), media_type=TEXT)

    @post(
        DELIVERY + "/redrive",
        opt=admin() | documented(takes_no_body=True, returns=HAL_RESOURCE),
        status_code=200,
    )
    async def redrive(
        self, delivery_uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Deliver a dead delivery again from its first attempt; 409 unless it is dead."""
        view = await services.webhook_deliveries.redrive(delivery_uuid)
        return hal(triggered_webhook(links, view))

    @get(
        "/admin/webhook-deliveries",
        opt=admin()
        | documented(
            query=(
                _LIMIT,
                QueryParam(
                    "status",
                    "Only deliveries in this status.",
                    {"type": "string", "enum": list(DELIVERY_STATUSES)},
                ),
            ),
            returns=HAL_RESOURCE,
            statuses=(200,),
        ),
    )
    async def deliveries(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every webhook's deliveries, newest first, of one `?status=` or all (`?limit=`)."""
        status = status_of(request)
        views = await services.webhook_deliveries.deliveries(status, limit_of(request))
        href = links.href("admin", "webhook-deliveries")
        if status is not None:
            href += f"?status={status}"
        title = f"Webhook deliveries ({status or 'all'})"
        return hal(triggered_webhooks(links, href, title, views))

    @get(
        PACT + "/version/{version:str}/triggered-webhooks",
        opt=read() | documented(returns=HAL_RESOURCE, statuses=(200,)),
    )
    async def triggered_by_pact(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The deliveries of the events this pact's publication caused."""
        found = await services.webhook_deliveries.triggered_by_pact(provider, consumer, version)
        href = links.path(
            "/pacts/provider/{p}/consumer/{c}/version/{v}/triggered-webhooks",
            p=provider,
            c=consumer,
            v=version,
        )
        title = (
            f"Webhooks triggered by the publication of the pact between {found.consumer} "
            f"({version}) and {found.provider}"
        )
        return hal(triggered_webhooks(links, href, title, found.deliveries))

    @get(
        PACT + "/pact-version/{sha:str}/verification-results/{number:int}/triggered-webhooks",
        opt=read() | documented(returns=HAL_RESOURCE, statuses=(200,)),
    )
    async def triggered_by_verification(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        number: FromPath[int],
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The deliveries of the events this verification result caused."""
        found = await services.webhook_deliveries.triggered_by_verification(
            provider, consumer, sha, number
        )
        href = links.path(
            "/pacts/provider/{p}/consumer/{c}/pact-version/{s}/verification-results/{n}"
            "/triggered-webhooks",
            p=provider,
            c=consumer,
            s=sha,
            n=str(number),
        )
        title = f"Webhooks triggered by verification result {number}"
        return hal(triggered_webhooks(links, href, title, found.deliveries))
