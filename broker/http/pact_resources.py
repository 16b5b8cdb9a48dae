"""HAL bodies of pacts: the stored document with the broker's links (pact-broker-api §5-6, §9)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

import msgspec

from broker.domain.errors import Notice
from broker.domain.model import Page
from broker.domain.pact_metadata import decode_metadata
from broker.domain.provider_states import ProviderState
from broker.http.hal import Body, Links, segment, timestamp
from broker.http.resources import curies, paging, self_links
from broker.http.responses import (
    Link,
    ListLinks,
    NoticeBody,
    PageInfo,
    Ref,
    Resource,
    SelfLinks,
    VersionRef,
)
from broker.services.contracts import Pact, PublishOutcome

INTEGRATION = "/pacts/provider/{p}/consumer/{c}"


def _integration(links: Links, pact: Pact) -> str:
    return links.path(INTEGRATION, p=pact.provider.name, c=pact.consumer.name)


def pact_href(links: Links, pact: Pact) -> str:
    """The pact's URL by consumer version."""
    return links.path(
        INTEGRATION + "/version/{v}",
        p=pact.provider.name,
        c=pact.consumer.name,
        v=pact.consumer_version.number,
    )


def pact_name(pact: Pact) -> str:
    """`Pact between C (v) and P`, as the Pact Broker titles a pact."""
    return pact_title(pact.consumer.name, pact.consumer_version.number, pact.provider.name)


def pact_title(consumer: str, version: str, provider: str) -> str:
    """`pact_name` from the names alone."""
    return f"Pact between {consumer} ({version}) and {provider}"


def interaction_id(interaction: object) -> str:
    """A stable id of an interaction: SHA-1 over its canonical JSON (without any old `_id`)."""
    if isinstance(interaction, dict):
        interaction = {k: v for k, v in interaction.items() if k != "_id"}
    return hashlib.sha1(  # noqa: S324 - an identifier, not a security measure
        msgspec.json.encode(interaction, order="sorted")
    ).hexdigest()


def pact_document(
    links: Links, pact: Pact, *, self_href: str | None = None, metadata: str | None = None
) -> Body:
    """The stored pact as received, with `_id` on each interaction, `createdAt` and `_links`.

    `metadata` is the opaque segment of the pact URL the client used; results published through
    the `pb:publish-verification-results` link carry it back.
    """
    body: dict[str, Any] = msgspec.json.decode(pact.publication.document(pact.content))
    for key in ("interactions", "messages"):
        items = body.get(key)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and "_id" not in item:
                    item["_id"] = interaction_id(item)
    base = _integration(links, pact)
    by_version = pact_href(links, pact)
    content_href = f"{base}/pact-version/{pact.content.sha}"
    if metadata is not None:
        content_href += "/metadata/" + segment(metadata)
    consumer_version = links.path(
        "/pacticipants/{c}/versions/{v}", c=pact.consumer.name, v=pact.consumer_version.number
    )
    body["createdAt"] = timestamp(pact.publication.created_at)
    if pact.publication.updated_at != pact.publication.created_at:
        body["updatedAt"] = timestamp(pact.publication.updated_at)
    body["_links"] = {
        "self": links.link(self_href or by_version, title="Pact", name=pact_name(pact)),
        "pb:consumer": links.link(
            links.path("/pacticipants/{c}", c=pact.consumer.name),
            title="Consumer",
            name=pact.consumer.name,
        ),
        "pb:consumer-version": links.link(
            consumer_version,
            title="Consumer version",
            name=pact.consumer_version.number,
        ),
        "pb:provider": links.link(
            links.path("/pacticipants/{p}", p=pact.provider.name),
            title="Provider",
            name=pact.provider.name,
        ),
        "pb:pact-version": links.link(
            f"{base}/pact-version/{pact.content.sha}", title="Pact content", name=pact.content.sha
        ),
        "pb:publish-verification-results": links.link(
            f"{content_href}/verification-results", title="Publish verification results"
        ),
        "pb:latest-verification-results": links.link(
            f"{base}/pact-version/{pact.content.sha}/verification-results/latest",
            title="Latest verification results",
        ),
        "pb:triggered-webhooks": links.link(
            f"{by_version}/triggered-webhooks",
            title="Webhooks triggered by the publication of this pact",
        ),
        "pb:latest-pact-version": links.link(f"{base}/latest", title="Latest version of this pact"),
        "pb:all-pact-versions": links.link(f"{base}/versions", title="All versions of this pact"),
        "pb:latest-untagged-pact-version": links.link(
            f"{base}/latest-untagged", title="Latest untagged version of this pact"
        ),
        "pb:latest-tagged-pact-version": {
            "href": f"{base}/latest/{{tag}}",
            "title": "Latest tagged version of this pact",
            "templated": True,
        },
        "pb:previous-distinct": links.link(
            f"{by_version}/previous-distinct", title="Previous distinct version of this pact"
        ),
        "pb:diff-previous-distinct": links.link(
            f"{by_version}/diff/previous-distinct",
            title="Diff with previous distinct version of this pact",
        ),
        "pb:diff": {
            "href": f"{by_version}/diff/version/{{version}}",
            "title": "Diff with another specified version of this pact",
            "templated": True,
        },
        "pb:tag-prod-version": links.link(
            f"{consumer_version}/tags/prod",
            title="PUT here to tag the consumer version of this pact 'prod'",
        ),
        "pb:tag-version": {
            "href": f"{consumer_version}/tags/{{tag}}",
            "title": "PUT here to tag the consumer version of this pact",
            "templated": True,
        },
        "pb:matrix-for-consumer-version": links.link(
            links.href("matrix")
            + "?"
            + urlencode(
                [
                    ("q[][pacticipant]", pact.consumer.name),
                    ("q[][version]", pact.consumer_version.number),
                    ("latestby", "cvpv"),
                ]
            ),
            title="The matrix rows of the consumer version of this pact",
        ),
        "pb:pact-webhooks": links.link(
            links.path(
                "/webhooks/provider/{p}/consumer/{c}", p=pact.provider.name, c=pact.consumer.name
            ),
            title=f"Webhooks for the pact between {pact.consumer.name} and {pact.provider.name}",
        ),
        "pb:consumer-webhooks": links.link(
            links.path("/webhooks/consumer/{c}", c=pact.consumer.name),
            title=f"Webhooks for all pacts of the consumer {pact.consumer.name}",
        ),
        "curies": curies(links, "pact", "pb"),
    }
    if metadata is not None:
        body["_links"]["pb:consumer-versions"] = [
            links.link(
                links.path("/pacticipants/{c}/versions/{v}", c=pact.consumer.name, v=number),
                title="Consumer version",
                name=number,
            )
            for number in _consumer_versions(metadata)
        ]
    return body


def _consumer_versions(metadata: str) -> list[str]:
    """The consumer version numbers a pact URL's metadata segment names (none if not ours)."""
    numbers = decode_metadata(metadata).get("cvn")
    if not isinstance(numbers, list):
        return []
    return [n for n in numbers if isinstance(n, str)]


class ConsumerVersion(Resource):
    """`_embedded` of the consumer in a pact summary."""

    version: VersionRef


class ConsumerRef(Resource):
    """The consumer of a pact, with the version that published it."""

    name: str
    links: SelfLinks = msgspec.field(name="_links")
    embedded: ConsumerVersion = msgspec.field(name="_embedded")


class PactParties(Resource):
    """`_embedded` of a pact summary."""

    consumer: ConsumerRef
    provider: Ref


class PactSummaryLinks(Resource):
    """`_links` of a pact summary: `self` is the latest pact and this one."""

    self_: list[Link] = msgspec.field(name="self")


class PactSummary(Resource):
    """A pact inside a list."""

    created_at: str
    embedded: PactParties = msgspec.field(name="_embedded")
    links: PactSummaryLinks = msgspec.field(name="_links")


def pact_summary(links: Links, pact: Pact) -> PactSummary:
    """A pact inside a list (`/pacts/latest` and the versions of a pact)."""
    consumer, provider, number = (
        pact.consumer.name,
        pact.provider.name,
        pact.consumer_version.number,
    )
    return PactSummary(
        created_at=timestamp(pact.publication.created_at),
        embedded=PactParties(
            consumer=ConsumerRef(
                name=consumer,
                links=self_links(links.path("/pacticipants/{c}", c=consumer)),
                embedded=ConsumerVersion(
                    version=VersionRef(
                        number=number,
                        links=self_links(
                            links.path("/pacticipants/{c}/versions/{v}", c=consumer, v=number)
                        ),
                    )
                ),
            ),
            provider=Ref(
                name=provider, links=self_links(links.path("/pacticipants/{p}", p=provider))
            ),
        ),
        links=PactSummaryLinks(
            self_=[
                Link(
                    href=f"{_integration(links, pact)}/latest", title="Latest version of this pact"
                ),
                Link(href=pact_href(links, pact), title="Pact", name=pact_name(pact)),
            ]
        ),
    )


class PactsEmbedded(Resource):
    """`_embedded` of a page of pacts."""

    pacts: list[PactSummary]


class PactVersionsPage(Resource):
    """`GET /pacts/provider/{p}/consumer/{c}/versions`."""

    page: PageInfo
    embedded: PactsEmbedded = msgspec.field(name="_embedded")
    links: ListLinks = msgspec.field(name="_links")


def pact_versions(
    links: Links,
    href: str,
    pacts: list[Pact],
    page: Page,
    total: int,
    *,
    title: str = "All versions of this pact",
) -> PactVersionsPage:
    """One page of every consumer version's pact with the provider, newest first."""
    parts = paging(links, href, page, total, len(pacts))
    return PactVersionsPage(
        page=parts.info,
        embedded=PactsEmbedded(pacts=[pact_summary(links, p) for p in pacts]),
        links=ListLinks(
            self_=Link(href=href, title=title),
            previous=parts.previous,
            next=parts.next,
        ),
    )


class LatestPactsLinks(Resource):
    """`_links` of a list of latest pacts: each pact under both relation names."""

    self_: Link = msgspec.field(name="self")
    pb_pacts: list[Link] = msgspec.field(name="pb:pacts")
    pacts: list[Link]
    pb_provider: Link | None = msgspec.field(name="pb:provider", default=None)
    provider: Link | None = None


class LatestPacts(Resource):
    """`GET /pacts/latest` and a provider's latest pacts."""

    pacts: list[PactSummary]
    links: LatestPactsLinks = msgspec.field(name="_links")


def latest_pacts(
    links: Links, self_href: str, pacts: list[Pact], provider: str | None = None
) -> LatestPacts:
    """`GET /pacts/latest` and a provider's latest pacts: `pacts[]` at the top level.

    The verifier's selector-less flow reads `_links.pacts` (§7.8): link names are consumers.
    `pb:provider` and `provider` only for one provider's pacts.
    """
    items = [Link(href=pact_href(links, p), title="Pact", name=p.consumer.name) for p in pacts]
    provider_link = None
    if provider is not None:
        provider_link = Link(href=links.path("/pacticipants/{p}", p=provider), name=provider)
    return LatestPacts(
        pacts=[pact_summary(links, p) for p in pacts],
        links=LatestPactsLinks(
            self_=Link(href=self_href),
            pb_pacts=items,
            pacts=items,
            pb_provider=provider_link,
            provider=provider_link,
        ),
    )


class ProviderPactsLinks(Resource):
    """`_links` of a provider's pacts: each pact under both relation names."""

    self_: Link = msgspec.field(name="self")
    pb_provider: Link = msgspec.field(name="pb:provider")
    pb_pacts: list[Link] = msgspec.field(name="pb:pacts")
    provider: Link
    pacts: list[Link]


class ProviderPacts(Resource):
    """`GET /pacts/provider/{p}` and its tag and branch forms: links to the pacts."""

    links: ProviderPactsLinks = msgspec.field(name="_links")


def provider_pacts(
    links: Links, self_href: str, title: str, provider: str, pacts: list[Pact]
) -> ProviderPacts:
    """A provider's pacts as the Pact Broker lists them: `pb:pacts` links named by consumer."""
    items = [
        Link(href=pact_href(links, p), title=pact_name(p), name=p.consumer.name) for p in pacts
    ]
    provider_link = Link(href=links.path("/pacticipants/{p}", p=provider), name=provider)
    return ProviderPacts(
        links=ProviderPactsLinks(
            self_=Link(href=self_href, title=title),
            pb_provider=provider_link,
            pb_pacts=items,
            provider=provider_link,
            pacts=items,
        )
    )


class VersionLinks(Resource):
    """`_links` holding a version's `self` with its title and number."""

    self_: Link = msgspec.field(name="self")


class ConsumerVersionRef(Resource):
    """A consumer version number with its link."""

    number: str
    links: VersionLinks = msgspec.field(name="_links")


class ConsumerVersionEmbedded(Resource):
    """`_embedded` of a pact in a list of one integration's pacts."""

    consumer_version: ConsumerVersionRef


class IntegrationPact(Resource):
    """A pact inside a list of one integration's pacts."""

    created_at: str
    embedded: ConsumerVersionEmbedded = msgspec.field(name="_embedded")
    links: VersionLinks = msgspec.field(name="_links")


class IntegrationPactsEmbedded(Resource):
    """`_embedded` of one integration's pacts."""

    pacts: list[IntegrationPact]


class IntegrationPactsLinks(Resource):
    """`_links` of one integration's pacts."""

    self_: Link = msgspec.field(name="self")
    consumer: Link
    provider: Link
    pact_versions: list[Link] = msgspec.field(name="pact-versions")
    pb_pacts: list[Link] = msgspec.field(name="pb:pacts")


class IntegrationPacts(Resource):
    """`GET /pacts/provider/{p}/consumer/{c}/branch/{b}` and `.../tag/{t}`."""

    embedded: IntegrationPactsEmbedded = msgspec.field(name="_embedded")
    links: IntegrationPactsLinks = msgspec.field(name="_links")


def integration_pacts(
    links: Links, self_href: str, title: str, pacts: list[Pact], *, consumer: str, provider: str
) -> IntegrationPacts:
    """One integration's pacts on a branch or with a tag, newest consumer version first."""
    return IntegrationPacts(
        embedded=IntegrationPactsEmbedded(
            pacts=[
                IntegrationPact(
                    created_at=timestamp(p.publication.created_at),
                    embedded=ConsumerVersionEmbedded(
                        consumer_version=ConsumerVersionRef(
                            number=p.consumer_version.number,
                            links=VersionLinks(
                                self_=Link(
                                    href=links.path(
                                        "/pacticipants/{c}/versions/{v}",
                                        c=consumer,
                                        v=p.consumer_version.number,
                                    ),
                                    title="Version",
                                    name=p.consumer_version.number,
                                )
                            ),
                        )
                    ),
                    links=VersionLinks(self_=Link(href=pact_href(links, p), title=pact_name(p))),
                )
                for p in pacts
            ]
        ),
        links=IntegrationPactsLinks(
            self_=Link(href=self_href, title=title),
            consumer=Link(
                href=links.path("/pacticipants/{c}", c=consumer), title="Consumer", name=consumer
            ),
            provider=Link(
                href=links.path("/pacticipants/{p}", p=provider), title="Provider", name=provider
            ),
            pact_versions=[
                Link(
                    href=pact_href(links, p),
                    title="Pact",
                    name=f"Version {p.consumer_version.number} - "
                    + p.publication.created_at.strftime("%d/%m/%Y"),
                )
                for p in pacts
            ],
            # As in a provider's pacts: the Rust get-pacts prints these (it fails without them).
            pb_pacts=[
                Link(href=pact_href(links, p), title=pact_name(p), name=consumer) for p in pacts
            ],
        ),
    )


class ProviderStateBody(Resource):
    """One distinct provider state and the consumers that use it."""

    name: str
    consumers: list[str]
    params: dict[str, Any] | None = None


class ProviderStates(Resource):
    """`GET /pacts/provider/{p}/provider-states`."""

    provider_states: list[ProviderStateBody]


def provider_states(states: list[ProviderState]) -> ProviderStates:
    """The distinct provider states, each with its consumers."""
    return ProviderStates(
        provider_states=[
            ProviderStateBody(name=s.name, consumers=list(s.consumers), params=s.params)
            for s in states
        ]
    )


class LogBody(Resource):
    """A notice in the older `logs` form the Rust CLI still requires."""

    level: str
    message: str
    deprecation_warning: str


def notice_bodies(notices: list[Notice]) -> list[NoticeBody]:
    """`notices` as the clients print them."""
    return [NoticeBody(type=n.type, text=n.text) for n in notices]


def log_bodies(notices: list[Notice]) -> list[LogBody]:
    """The same notices as `logs` (pact-broker-api §5.1)."""
    return [
        LogBody(level=n.type, message=n.text, deprecation_warning="Replaced by notices")
        for n in notices
    ]


def notices_and_logs(notices: list[Notice]) -> Body:
    """`notices` and `logs`, for bodies still built as dicts."""
    return {
        "notices": msgspec.to_builtins(notice_bodies(notices)),
        "logs": msgspec.to_builtins(log_bodies(notices)),
    }


class PublishedParts(Resource):
    """`_embedded` of a publication: the consumer and its version."""

    pacticipant: Ref
    version: VersionRef


class PublishedLinks(Resource):
    """`_links` of a publication."""

    pacticipant: Link = msgspec.field(name="pb:pacticipant")
    pacticipant_version: Link = msgspec.field(name="pb:pacticipant-version")
    tags: list[Link] = msgspec.field(name="pb:pacticipant-version-tags")
    contracts: list[Link] = msgspec.field(name="pb:contracts")


class PublishResult(Resource):
    """The answer to `POST /contracts/publish`."""

    notices: list[NoticeBody]
    logs: list[LogBody]
    embedded: PublishedParts = msgspec.field(name="_embedded")
    links: PublishedLinks = msgspec.field(name="_links")


def publish_result(links: Links, outcome: PublishOutcome) -> PublishResult:
    """The answer to `POST /contracts/publish`."""
    consumer, version = outcome.consumer, outcome.version
    consumer_href = links.path("/pacticipants/{c}", c=consumer.name)
    version_href = links.path("/pacticipants/{c}/versions/{v}", c=consumer.name, v=version.number)
    notices = list(outcome.notices)
    notices += [
        Notice("debug", f"  View the published pact at {pact_href(links, p.pact)}")
        for p in outcome.pacts
    ]
    return PublishResult(
        notices=notice_bodies(notices),
        logs=log_bodies(notices),
        embedded=PublishedParts(
            pacticipant=Ref(name=consumer.name, links=self_links(consumer_href)),
            version=VersionRef(
                number=version.number,
                links=SelfLinks(
                    self_=Link(href=version_href, title="Version", name=version.number)
                ),
            ),
        ),
        links=PublishedLinks(
            pacticipant=Link(href=consumer_href, title="Pacticipant", name=consumer.name),
            pacticipant_version=Link(
                href=version_href, title="Pacticipant version", name=version.number
            ),
            tags=[
                Link(href=f"{version_href}/tags/{segment(tag)}", title="Tag", name=tag)
                for tag in outcome.tags
            ],
            contracts=[
                Link(href=pact_href(links, p.pact), title="Pact", name=pact_name(p.pact))
                for p in outcome.pacts
            ],
        ),
    )
