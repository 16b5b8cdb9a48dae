"""The HAL body of `GET /pacticipants/{p}/notifications`: one page of a consumer's notifications."""

from __future__ import annotations

import msgspec

from broker.domain.model import Pacticipant, Page
from broker.domain.notifications import Notification
from broker.http.hal import Links, timestamp
from broker.http.resources import P, paging
from broker.http.responses import Link, OwnedListLinks, PageInfo, Resource

NOTIFICATIONS = P + "/notifications"


class ChangeBody(Resource):
    """One change of the provider's document, with the consumer's interactions it affects."""

    id: str
    level: str
    operation: str
    location: str
    text: str
    interactions: list[str]


class NotificationLinks(Resource):
    """`_links` of a notification."""

    consumer: Link = msgspec.field(name="pb:consumer")
    provider: Link = msgspec.field(name="pb:provider")
    provider_version: Link = msgspec.field(name="pb:provider-version")
    changes: Link = msgspec.field(name="pf:changes")


class NotificationBody(Resource):
    """One notification; `changeRequestId` is null unless a change request holds it."""

    id: int
    consumer: str
    provider: str
    provider_version: str
    created_at: str
    summary: str
    changes: list[ChangeBody]
    change_request_id: int | None
    links: NotificationLinks = msgspec.field(name="_links")


def notification(links: Links, item: Notification) -> NotificationBody:
    """One notification: the provider version's changes, each with the consumer's interactions."""
    return NotificationBody(
        id=item.id,
        consumer=item.consumer,
        provider=item.provider,
        provider_version=item.provider_version,
        created_at=timestamp(item.created_at),
        summary=item.summary,
        changes=[
            ChangeBody(
                id=change.id,
                level=change.level,
                operation=change.operation,
                location=change.location,
                text=change.text,
                interactions=list(change.interactions),
            )
            for change in item.changes
        ],
        change_request_id=item.change_request_id,
        links=NotificationLinks(
            consumer=Link(href=links.path(P, p=item.consumer), name=item.consumer),
            provider=Link(href=links.path(P, p=item.provider), name=item.provider),
            provider_version=Link(
                href=links.path(P + "/versions/{v}", p=item.provider, v=item.provider_version),
                name=item.provider_version,
            ),
            changes=Link(
                href=links.path(
                    "/provider-contracts/provider/{p}/version/{v}/changes",
                    p=item.provider,
                    v=item.provider_version,
                ),
                title="What changed in the provider's OpenAPI document",
            ),
        ),
    )


class NotificationsEmbedded(Resource):
    """`_embedded` of a page of notifications."""

    notifications: list[NotificationBody]


class NotificationsPage(Resource):
    """`GET /pacticipants/{p}/notifications`."""

    page: PageInfo
    embedded: NotificationsEmbedded = msgspec.field(name="_embedded")
    links: OwnedListLinks = msgspec.field(name="_links")


def notifications(
    links: Links, p: Pacticipant, items: list[Notification], page: Page, total: int
) -> NotificationsPage:
    """`GET /pacticipants/{p}/notifications`, newest first."""
    href = links.path(NOTIFICATIONS, p=p.name)
    parts = paging(links, href, page, total, len(items))
    return NotificationsPage(
        page=parts.info,
        embedded=NotificationsEmbedded(notifications=[notification(links, item) for item in items]),
        links=OwnedListLinks(
            self_=Link(href=href, title="Notifications"),
            pacticipant=Link(href=links.path(P, p=p.name), name=p.name),
            previous=parts.previous,
            next=parts.next,
        ),
    )
