"""`GET /pacticipants/{p}/notifications`: what a consumer was told of its providers' changes."""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.http.context import LinksDep, PathName, ServicesDep, page_of
from broker.http.hal import AnyRequest, hal
from broker.http.notification_resources import NotificationsPage, notifications
from broker.http.operation_docs import PAGING, documented
from broker.http.permissions import read

NOTIFICATIONS = "/pacticipants/{pacticipant:str}/notifications"


class NotificationController(Controller):
    """A pacticipant's notifications."""

    path = NOTIFICATIONS

    @get("/", opt=read() | documented(query=PAGING, returns=NotificationsPage))
    async def list_notifications(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """A pacticipant's notifications, newest first, paginated; 404 for an unknown one."""
        page = page_of(request)
        found, items, total = await services.notifications.list_notifications(pacticipant, page)
        return hal(notifications(links, found, items, page, total))
