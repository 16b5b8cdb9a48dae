"""Webhooks (pact-broker-api §13): `/webhooks`, `/webhooks/{uuid}` and the lists by pacticipant.

Reading needs `read`. Writing needs `write`, and the service decides the rest: a writer of the
teams of both pacticipants a webhook names, an admin for a webhook for any or labelled
pacticipants. The routes naming a pacticipant in the path also let the guard check its owners.
"""

from __future__ import annotations

from litestar import Controller, Response, delete, get, post, put

from broker.domain.model import JSONValue
from broker.domain.webhooks import EVENT_NAMES, Webhook
from broker.http import webhook_resources
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, Links, hal
from broker.http.operation_docs import Schema, documented, links_to
from broker.http.permissions import read, write
from broker.http.webhook_resources import (
    CONSUMER_WEBHOOKS,
    PACT_WEBHOOKS,
    PROVIDER_WEBHOOKS,
    WEBHOOKS,
)


def _created(links: Links, created: Webhook) -> Response[bytes]:
    resource = webhook_resources.webhook(links, created)
    return hal(resource, status=201, headers={"Location": resource.links.self_.href})


def _listed(links: Links, href: str, title: str, items: list[Webhook]) -> Response[bytes]:
    return hal(webhook_resources.webhook_list(links, href, title, items))


_SIDE = {
    "type": ["object", "null"],
    "properties": {"name": {"type": "string"}, "label": {"type": "string"}},
}
WEBHOOK_BODY: Schema = {
    "type": "object",
    "required": ["request"],
    "properties": {
        "uuid": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,}$"},
        "description": {"type": ["string", "null"]},
        "enabled": {"type": "boolean"},
        "consumer": _SIDE,
        "provider": _SIDE,
        "events": {
            "type": ["array", "null"],
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"enum": list(EVENT_NAMES)}},
            },
        },
        "request": {
            "type": "object",
            "required": ["method", "url"],
            "properties": {
                "method": {"type": "string", "pattern": "\\S"},
                "url": {"type": "string", "pattern": "\\S"},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "username": {"type": ["string", "null"]},
                "password": {"type": ["string", "null"]},
                "body": {"description": "Any JSON value, or a template string."},
            },
        },
    },
}
"""What `domain/webhook_body.py` reads (it checks more: one of name and label per side, header
names, the URL's scheme and host)."""

_CREATE = documented(
    body=WEBHOOK_BODY,
    body_required=True,
    returns=webhook_resources.WebhookResource,
    # Not to PUT: it creates a missing webhook under its uuid (as the Pact Broker does).
    links=links_to("get_webhook", "delete_webhook", uuid="$response.body#/uuid"),
)
_LIST = documented(returns=webhook_resources.WebhookList)


class WebhookController(Controller):
    """Webhook definitions."""

    path = WEBHOOKS

    @get("/", opt=read() | _LIST)
    async def list_webhooks(self, services: ServicesDep, links: LinksDep) -> Response[bytes]:
        """Every webhook."""
        items = await services.webhooks.list_webhooks()
        return _listed(links, links.href("webhooks"), "Webhooks", items)

    @post("/", opt=write() | _CREATE)
    async def create_webhook(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create a webhook; its consumer and provider are in the body (or absent: any)."""
        body = await read_json(request, JSONValue)
        return _created(links, await services.webhooks.create(body))

    @get("/{uuid:str}", opt=read() | documented(returns=webhook_resources.WebhookResource))
    async def get_webhook(
        self, uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One webhook, its credentials masked."""
        return hal(webhook_resources.webhook(links, await services.webhooks.get(uuid)))

    @put(
        "/{uuid:str}",
        opt=write()
        | documented(
            body=WEBHOOK_BODY,
            body_required=True,
            returns=webhook_resources.WebhookResource,
            statuses=(200, 201),
        ),
    )
    async def put_webhook(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create the webhook with this uuid (201) or replace it (200)."""
        body = await read_json(request, JSONValue)
        saved, created = await services.webhooks.put(uuid, body)
        if created:
            return _created(links, saved)
        return hal(webhook_resources.webhook(links, saved))

    @delete("/{uuid:str}", status_code=204, opt=write())
    async def delete_webhook(self, uuid: PathName, services: ServicesDep) -> None:
        """Remove a webhook."""
        await services.webhooks.delete(uuid)

    @get("/provider/{provider:str}", opt=read() | _LIST)
    async def list_provider_webhooks(
        self, provider: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The webhooks naming this provider."""
        items = await services.webhooks.list_webhooks(provider=provider)
        href = links.path(PROVIDER_WEBHOOKS, p=provider)
        return _listed(links, href, f"Webhooks for provider {provider}", items)

    @post("/provider/{provider:str}", opt=write(owner="provider") | _CREATE)
    async def create_provider_webhook(
        self, provider: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create a webhook for this provider."""
        body = await read_json(request, JSONValue)
        return _created(links, await services.webhooks.create(body, provider=provider))

    @get("/consumer/{consumer:str}", opt=read() | _LIST)
    async def list_consumer_webhooks(
        self, consumer: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The webhooks naming this consumer."""
        items = await services.webhooks.list_webhooks(consumer=consumer)
        href = links.path(CONSUMER_WEBHOOKS, c=consumer)
        return _listed(links, href, f"Webhooks for consumer {consumer}", items)

    @post("/consumer/{consumer:str}", opt=write(owner="consumer") | _CREATE)
    async def create_consumer_webhook(
        self, consumer: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create a webhook for this consumer."""
        body = await read_json(request, JSONValue)
        return _created(links, await services.webhooks.create(body, consumer=consumer))

    @get("/provider/{provider:str}/consumer/{consumer:str}", opt=read() | _LIST)
    async def list_pact_webhooks(
        self, provider: PathName, consumer: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The webhooks naming this consumer and this provider."""
        items = await services.webhooks.list_webhooks(consumer=consumer, provider=provider)
        href = links.path(PACT_WEBHOOKS, p=provider, c=consumer)
        title = f"Webhooks for the pact between {consumer} and {provider}"
        return _listed(links, href, title, items)

    # The Ruby create-webhook posts here when given both --consumer and --provider.
    @post("/provider/{provider:str}/consumer/{consumer:str}", opt=write(owner="provider") | _CREATE)
    async def create_pact_webhook(
        self,
        provider: PathName,
        consumer: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Create a webhook for this consumer and provider; 404 if either does not exist."""
        body = await read_json(request, JSONValue)
        created = await services.webhooks.create(body, consumer=consumer, provider=provider)
        return _created(links, created)
