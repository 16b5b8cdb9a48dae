"""Per request: seal audit entries with the configured key, and log the new head after commit.

It also scopes `current_actor` to the request (the permission guard sets it) and sets
`current_base_url`, the base the services put in the URLs of webhook template variables: the
same one the HAL links use.

The log line (`audit head SEQ:HASH`, logger `accord.audit`) is written once the request has
answered with success, so its transaction has committed: shipping these lines to a log store
the database's writers cannot edit gives a head to check `accord verify-audit-log
--expect-head` against.
"""

from __future__ import annotations

import logging

from litestar import Litestar, Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from broker.domain.audit import AuditEntry, head
from broker.http.hal import base_url
from broker.services.actor import current_actor
from broker.services.audit import appended, audit_key
from broker.services.origin import current_base_url

log = logging.getLogger("accord.audit")

_SUCCESS_BELOW = 400


class AuditTrailMiddleware:
    """Set `audit_key`, collect `appended` and scope `current_actor` around the handler."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the handler with the key set; log the head it appended if it succeeded."""
        settings = Litestar.from_scope(scope).state.settings
        key = settings.audit_key.encode() if settings.audit_key else None
        entries: list[AuditEntry] = []
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        key_reset = audit_key.set(key)
        collect_reset = appended.set(entries)
        actor_reset = current_actor.set(current_actor.get())
        origin_reset = current_base_url.set(base_url(Request(scope), settings.base_url))
        try:
            await self.app(scope, receive, sending)
        finally:
            current_base_url.reset(origin_reset)
            current_actor.reset(actor_reset)
            appended.reset(collect_reset)
            audit_key.reset(key_reset)
        if entries and status < _SUCCESS_BELOW:
            log.info("audit head %s", head(entries[-1]))
