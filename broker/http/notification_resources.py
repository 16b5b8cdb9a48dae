"""The HAL body of `GET /pacticipants/{p}/notifications`: one page of a consumer's notifications."""

from __future__ import annotations

from broker.domain.model import Pacticipant, Page
from broker.domain.notifications import Notification
from broker.http.hal import Body, Links, timestamp
from broker.http.resources import P, paged

NOTIFICATIONS = P + "/notifications"


def notification(links: Links, item: Notification) -> Body:
    """One notification: the provider version's changes, each with the consumer's interactions."""
    return {
        "id": item.id,
        "consumer": item.consumer,
        "provider": item.provider,
        "providerVersion": item.provider_version,
        "createdAt": timestamp(item.created_at),
        "summary": item.summary,
        "changes": [
            {
                "id": change.id,
                "level": change.level,
                "operation": change.operation,
                "location": change.location,
                "text": change.text,
                "interactions": list(change.interactions),
            }
            for change in item.changes
        ],
        "changeRequestId": item.change_request_id,
        "_links": {
            "pb:consumer": links.link(links.path(P, p=item.consumer), name=item.consumer),
            "pb:provider": links.link(links.path(P, p=item.provider), name=item.provider),
            "pb:provider-version": links.link(
                links.path(P + "/versions/{v}", p=item.provider, v=item.provider_version),
                name=item.provider_version,
            ),
            "pf:changes": links.link(
                links.path(
                    "/provider-contracts/provider/{p}/version/{v}/changes",
                    p=item.provider,
                    v=item.provider_version,
                ),
                title="What changed in the provider's OpenAPI document",
            ),
        },
    }


def notifications(
    links: Links, p: Pacticipant, items: list[Notification], page: Page, total: int
) -> Body:
    """`GET /pacticipants/{p}/notifications`, newest first."""
    href = links.path(NOTIFICATIONS, p=p.name)
    info, nav = paged(links, href, page, total, len(items))
    return {
        "page": info,
        "_embedded": {"notifications": [notification(links, item) for item in items]},
        "_links": {
            "self": links.link(href, title="Notifications"),
            "pb:pacticipant": links.link(links.path(P, p=p.name), name=p.name),
            **nav,
        },
    }
