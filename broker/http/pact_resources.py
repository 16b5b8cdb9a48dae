"""HAL bodies of pacts: the stored document with the broker's links (pact-broker-api §5-6, §9)."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from broker.domain.errors import Notice
from broker.http.hal import Body, Links, segment, timestamp
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
    consumer, version = pact.consumer.name, pact.consumer_version.number
    return f"Pact between {consumer} ({version}) and {pact.provider.name}"


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
            links.path(
                "/pacticipants/{c}/versions/{v}",
                c=pact.consumer.name,
                v=pact.consumer_version.number,
            ),
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
    }
    return body


def pact_summary(links: Links, pact: Pact) -> Body:
    """A pact inside a list (`/pacts/latest` and the versions of a pact)."""
    return {
        "createdAt": timestamp(pact.publication.created_at),
        "_embedded": {
            "consumer": {
                "name": pact.consumer.name,
                "_links": {
                    "self": links.link(links.path("/pacticipants/{c}", c=pact.consumer.name))
                },
                "_embedded": {
                    "version": {
                        "number": pact.consumer_version.number,
                        "_links": {
                            "self": links.link(
                                links.path(
                                    "/pacticipants/{c}/versions/{v}",
                                    c=pact.consumer.name,
                                    v=pact.consumer_version.number,
                                )
                            )
                        },
                    }
                },
            },
            "provider": {
                "name": pact.provider.name,
                "_links": {
                    "self": links.link(links.path("/pacticipants/{p}", p=pact.provider.name))
                },
            },
        },
        "_links": {
            "self": [
                links.link(
                    f"{_integration(links, pact)}/latest", title="Latest version of this pact"
                ),
                links.link(pact_href(links, pact), title="Pact", name=pact_name(pact)),
            ]
        },
    }


def latest_pacts(
    links: Links, self_href: str, pacts: list[Pact], provider: str | None = None
) -> Body:
    """`GET /pacts/latest` and a provider's latest pacts: `pacts[]` at the top level.

    The verifier's selector-less flow reads `_links.pacts` (§7.8): link names are consumers.
    """
    items = [links.link(pact_href(links, p), title="Pact", name=p.consumer.name) for p in pacts]
    body_links: Body = {"self": links.link(self_href), "pb:pacts": items, "pacts": items}
    if provider is not None:
        provider_link = links.link(links.path("/pacticipants/{p}", p=provider), name=provider)
        body_links["pb:provider"] = provider_link
        body_links["provider"] = provider_link
    return {"pacts": [pact_summary(links, p) for p in pacts], "_links": body_links}


def notices_and_logs(notices: list[Notice]) -> Body:
    """`notices` and the older `logs` the Rust CLI still requires (pact-broker-api §5.1)."""
    return {
        "notices": [{"type": n.type, "text": n.text} for n in notices],
        "logs": [
            {"level": n.type, "message": n.text, "deprecationWarning": "Replaced by notices"}
            for n in notices
        ],
    }


def publish_result(links: Links, outcome: PublishOutcome) -> Body:
    """The answer to `POST /contracts/publish`."""
    consumer, version = outcome.consumer, outcome.version
    consumer_href = links.path("/pacticipants/{c}", c=consumer.name)
    version_href = links.path("/pacticipants/{c}/versions/{v}", c=consumer.name, v=version.number)
    notices = list(outcome.notices)
    notices += [
        Notice("debug", f"  View the published pact at {pact_href(links, p.pact)}")
        for p in outcome.pacts
    ]
    return {
        **notices_and_logs(notices),
        "_embedded": {
            "pacticipant": {"name": consumer.name, "_links": {"self": {"href": consumer_href}}},
            "version": {
                "number": version.number,
                "_links": {"self": links.link(version_href, title="Version", name=version.number)},
            },
        },
        "_links": {
            "pb:pacticipant": links.link(consumer_href, title="Pacticipant", name=consumer.name),
            "pb:pacticipant-version": links.link(
                version_href, title="Pacticipant version", name=version.number
            ),
            "pb:pacticipant-version-tags": [
                links.link(f"{version_href}/tags/{segment(tag)}", title="Tag", name=tag)
                for tag in outcome.tags
            ],
            "pb:contracts": [
                links.link(pact_href(links, p.pact), title="Pact", name=pact_name(p.pact))
                for p in outcome.pacts
            ],
        },
    }
