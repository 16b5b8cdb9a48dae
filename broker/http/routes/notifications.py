"""`GET /pacticipants/{p}/notifications`: what a consumer was told of its providers' changes."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State

from broker.http.context import PathName, links_for, page_of, services_of
from broker.http.hal import AnyRequest, hal
from broker.http.notification_resources import notifications

NOTIFICATIONS = "/pacticipants/{pacticipant:str}/notifications"


@get(NOTIFICATIONS)
async def list_notifications(
    pacticipant: PathName, request: AnyRequest, state: State
) -> Response[bytes]:
    """A pacticipant's notifications, newest first, paginated; 404 for an unknown one."""
    page = page_of(request)
    found, items, total = await services_of(state).notifications.list_notifications(
        pacticipant, page
    )
    return hal(notifications(links_for(request, state), found, items, page, total))


handlers = [list_notifications]
