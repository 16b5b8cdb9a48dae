"""`GET /integrations`: the consumer/provider pairs with pacts, in the Pact Broker's shape."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

import msgspec

from broker.http.hal import Links, timestamp
from broker.http.responses import Link, Resource
from broker.services.integrations import Integration


class Named(Resource):
    """A pacticipant inside an integration, by name (as the Pact Broker sends it)."""

    name: str
    links: dict[str, Link] = msgspec.field(name="_links")


class IntegrationLinks(Resource):
    """`_links` of an integration."""

    latest_pact: Link = msgspec.field(name="pb:latest-pact")
    matrix: Link = msgspec.field(name="pb:matrix")
    delete: Link = msgspec.field(name="accord:delete")


class IntegrationBody(Resource):
    """One integration: its two pacticipants and the verification status of its latest pact."""

    consumer: Named
    provider: Named
    verification_status: str
    created_at: str
    links: IntegrationLinks = msgspec.field(name="_links")


class IntegrationsEmbedded(Resource):
    """`_embedded` of the list."""

    integrations: list[IntegrationBody]


class IntegrationList(Resource):
    """`GET /integrations`."""

    embedded: IntegrationsEmbedded = msgspec.field(name="_embedded")
    links: dict[str, Link] = msgspec.field(name="_links")


def _named(links: Links, name: str) -> Named:
    return Named(name=name, links={"self": Link(href=links.path("/pacticipants/{p}", p=name))})


def integration(links: Links, item: Integration) -> IntegrationBody:
    """One integration's body."""
    consumer, provider = item.consumer, item.provider
    query = (
        f"q[][pacticipant]={quote(consumer, safe='')}&q[][pacticipant]={quote(provider, safe='')}"
        "&latestby=cvpv"
    )
    return IntegrationBody(
        consumer=_named(links, consumer),
        provider=_named(links, provider),
        verification_status=item.verification_status,
        created_at=timestamp(item.created_at),
        links=IntegrationLinks(
            latest_pact=Link(
                href=links.path("/pacts/provider/{p}/consumer/{c}/latest", p=provider, c=consumer),
                title=f"The latest pact between {consumer} and {provider}",
            ),
            matrix=Link(
                href=links.href("matrix") + "?" + query,
                title=f"Matrix of pacts/verification results for {consumer} and {provider}",
            ),
            delete=Link(
                href=links.path("/integrations/provider/{p}/consumer/{c}", p=provider, c=consumer),
                title="DELETE removes the integration's pacts and verification results",
            ),
        ),
    )


def integration_list(links: Links, items: Sequence[Integration]) -> IntegrationList:
    """The list, newest activity first."""
    return IntegrationList(
        embedded=IntegrationsEmbedded(integrations=[integration(links, i) for i in items]),
        links={"self": Link(href=links.href("integrations"), title="All integrations")},
    )


def dot(items: Sequence[Integration]) -> str:
    """The integrations as a Graphviz graph (`text/vnd.graphviz`), as the Pact Broker draws it."""
    edges = "\n".join(f"  {_dot_name(i.consumer)} -> {_dot_name(i.provider)}" for i in items)
    return (
        "digraph { ranksep=3; ratio=auto; overlap=false;"
        " node [ shape = plaintext, fontname = Helvetica ];\n"
        f"{edges}\n}}\n"
    )


def _dot_name(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
