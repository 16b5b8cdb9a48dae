"""Webhooks as HAL, in the Pact Broker's shapes (pact-broker-api §13.2).

A webhook shows its request with the password and secret header values masked
(`redacted_request`): what was stored is never shown again. The CLIs print `description`, or
the `self` link's title when there is none, so the title always says what the webhook is for.
"""

from __future__ import annotations

import msgspec

from broker.domain.model import JSONValue
from broker.domain.webhooks import PacticipantSelector, Webhook, redacted_request
from broker.http.hal import Body, Links, timestamp
from broker.http.resources import curies
from broker.http.responses import Link, Resource

WEBHOOKS = "/webhooks"
ONE = "/webhooks/{uuid}"
PACT_WEBHOOKS = "/webhooks/provider/{p}/consumer/{c}"
PROVIDER_WEBHOOKS = "/webhooks/provider/{p}"
CONSUMER_WEBHOOKS = "/webhooks/consumer/{c}"


class SelectorBody(Resource):
    """`consumer` or `provider`: `{name}` or `{label}`."""

    name: str | None = None
    label: str | None = None


class RequestBody(Resource):
    """`request`, credentials masked; no `headers` when there are none (as the Pact Broker)."""

    method: str
    url: str
    headers: dict[str, str] | None = None
    body: JSONValue = None
    username: str | None = None
    password: str | None = None


class EventBody(Resource):
    """One of `events`."""

    name: str


class WebhookLinks(Resource, kw_only=True):
    """`_links` of a webhook; `pb:consumer`, `pb:provider`, `pb:pact-webhooks` when named."""

    self_: Link = msgspec.field(name="self")
    execute: Link = msgspec.field(name="pb:execute")
    executions: Link = msgspec.field(name="pb:executions")
    consumer: Link | None = msgspec.field(name="pb:consumer", default=None)
    provider: Link | None = msgspec.field(name="pb:provider", default=None)
    pact_webhooks: Link | None = msgspec.field(name="pb:pact-webhooks", default=None)
    webhooks: Link = msgspec.field(name="pb:webhooks")


class WebhookResource(Resource, kw_only=True):
    """`/webhooks/{uuid}`."""

    uuid: str
    description: str | None = None
    consumer: SelectorBody | None = None
    provider: SelectorBody | None = None
    enabled: bool
    request: RequestBody
    events: list[EventBody]
    created_at: str
    updated_at: str
    links: WebhookLinks = msgspec.field(name="_links")


class WebhookListLinks(Resource):
    """`_links` of a list: itself, where to POST, and a link per webhook."""

    self_: Link = msgspec.field(name="self")
    create: Link = msgspec.field(name="pb:create")
    webhooks: list[Link] = msgspec.field(name="pb:webhooks")
    curies: list[Body]


class WebhookList(Resource):
    """`/webhooks` and its narrower lists."""

    links: WebhookListLinks = msgspec.field(name="_links")


def _who(selector: PacticipantSelector | None, side: str) -> str:
    if selector is None:
        return f"any {side}"
    if selector.name is not None:
        return selector.name
    return f"{side}s labelled {selector.label}"


def scope(webhook: Webhook) -> str:
    """What a webhook is for, in words: "A webhook for the pact between Web and Orders"."""
    consumer, provider = webhook.consumer, webhook.provider
    if consumer is not None and provider is not None and consumer.name and provider.name:
        return f"A webhook for the pact between {consumer.name} and {provider.name}"
    if consumer is None and provider is None:
        return "A webhook for all pacts"
    return (
        "A webhook for the pacts between "
        f"{_who(consumer, 'consumer')} and {_who(provider, 'provider')}"
    )


def display_description(webhook: Webhook) -> str:
    """Its description, else its method and host, as the Pact Broker names a webhook."""
    if webhook.description:
        return webhook.description
    host = webhook.request.url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    return f"{webhook.request.method} {host}"


def _selector(selector: PacticipantSelector | None) -> SelectorBody | None:
    if selector is None:
        return None
    return SelectorBody(name=selector.name, label=selector.label)


def _pacticipant(links: Links, selector: PacticipantSelector | None, title: str) -> Link | None:
    if selector is None or selector.name is None:
        return None
    href = links.path("/pacticipants/{p}", p=selector.name)
    return Link(href=href, title=title, name=selector.name)


def webhook(links: Links, item: Webhook) -> WebhookResource:
    """One webhook, its credentials masked."""
    shown = redacted_request(item.request)
    href = links.path(ONE, uuid=item.uuid)
    consumer, provider = item.consumer, item.provider
    pact_webhooks = None
    if consumer and provider and consumer.name and provider.name:
        pact_webhooks = Link(
            href=links.path(PACT_WEBHOOKS, p=provider.name, c=consumer.name),
            title=f"All webhooks for consumer {consumer.name} and provider {provider.name}",
        )
    return WebhookResource(
        uuid=item.uuid,
        description=item.description,
        consumer=_selector(consumer),
        provider=_selector(provider),
        enabled=item.enabled,
        request=RequestBody(
            method=shown.method,
            url=shown.url,
            headers=shown.headers or None,
            body=shown.body,
            username=shown.username,
            password=shown.password,
        ),
        events=[EventBody(name=name) for name in item.events],
        created_at=timestamp(item.created_at),
        updated_at=timestamp(item.updated_at),
        links=WebhookLinks(
            self_=Link(href=href, title=display_description(item)),
            execute=Link(
                href=f"{href}/execute",
                title="Test the execution of the webhook with the latest matching pact or "
                "verification by sending a POST request to this URL",
            ),
            executions=Link(
                href=f"{href}/executions", title="The deliveries of this webhook, newest first"
            ),
            consumer=_pacticipant(links, consumer, "Consumer"),
            provider=_pacticipant(links, provider, "Provider"),
            pact_webhooks=pact_webhooks,
            webhooks=Link(href=links.href("webhooks"), title="All webhooks"),
        ),
    )


def webhook_list(links: Links, self_href: str, title: str, items: list[Webhook]) -> WebhookList:
    """A list of webhooks as the Pact Broker links them: `pb:webhooks`, one link each."""
    return WebhookList(
        links=WebhookListLinks(
            self_=Link(href=self_href, title=title),
            create=Link(href=self_href, title="POST to create a webhook"),
            webhooks=[
                Link(
                    href=links.path(ONE, uuid=item.uuid),
                    title=scope(item),
                    name=display_description(item),
                )
                for item in items
            ],
            curies=curies(links, "webhooks", "pb"),
        )
    )
