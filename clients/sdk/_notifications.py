"""Consumer notifications as the SDK reads them: what a provider's contract change means to you.

    with BrokerClient("http://127.0.0.1:9292") as broker:
        for notification in broker.list_notifications("Web"):
            print(notification.created_at, notification.summary)
            for change in notification.changes:
                print(" ", change.level, change.id, change.interactions)

When a provider publishes an OpenAPI document that changes its previous one, each consumer with
a pact against it gets a notification listing every change, each with the consumer's
interactions it affects (`GET /pacticipants/{p}/notifications`, newest first).
"""

from __future__ import annotations

import msgspec

from clients.sdk import _hal as hal
from clients.sdk._errors import NotFoundError
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Link, Resource


class NotifiedChange(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One change of the provider's document, with the consumer's interactions it affects."""

    id: str
    level: str
    operation: str = ""
    location: str = ""
    text: str = ""
    interactions: list[str] = msgspec.field(default_factory=list)


class Notification(Resource, frozen=True, kw_only=True):
    """A provider version's contract change, as one consumer was told of it."""

    id: int
    consumer: str
    provider: str
    provider_version: str
    created_at: str
    summary: str
    changes: list[NotifiedChange] = msgspec.field(default_factory=list)
    change_request_id: int | None = None

    @property
    def affected_interactions(self) -> list[str]:
        """The consumer's interactions any change affects, each once."""
        return list(dict.fromkeys(i for change in self.changes for i in change.interactions))


class NotificationEmbedded(msgspec.Struct, frozen=True, kw_only=True):
    """`_embedded` of a page of notifications."""

    notifications: list[Notification] = msgspec.field(default_factory=list)


class NotificationPage(Resource, frozen=True, kw_only=True):
    """`GET /pacticipants/{p}/notifications`: one page, newest first."""

    embedded: NotificationEmbedded = msgspec.field(
        default_factory=NotificationEmbedded, name="_embedded"
    )


def list_notifications(
    session: Session, pacticipant: str, *, page_size: int = 100
) -> Operation[list[Notification]]:
    """Every notification of `pacticipant`, newest first, following `next` links.

    Raises:
        NotFoundError: "Pacticipant P does not exist."
    """
    href = hal.expand("/pacticipants/{pacticipant}/notifications", {"pacticipant": pacticipant})
    try:
        page = yield from session.fetch(
            "GET", href, NotificationPage, params={"size": str(page_size)}
        )
    except NotFoundError as error:
        raise NotFoundError(
            f"Pacticipant {pacticipant} does not exist.",
            status=error.status,
            title=error.title,
            detail=error.detail,
            errors=error.errors,
            notices=error.notices,
            url=error.url,
        ) from error
    found = list(page.embedded.notifications)
    while isinstance(following := page.links.get("next"), Link):
        page = yield from session.fetch("GET", following.href, NotificationPage)
        found.extend(page.embedded.notifications)
    return found
