"""Per request: an id for its log lines and answer, and its count and duration for `/metrics`.

`Observed` wraps the litestar application itself (inside `HeadAsGet`, so a HEAD is counted as
the GET it is answered as), which is where litestar writes the matched route's template into
the ASGI scope: the label is `/pacts/provider/{provider}/…`, never the path, whose names would
make a series per pacticipant. A request no route takes (404, 405) is counted as `unmatched`.

The id is the caller's `X-Request-Id` when it is sane (1 to 64 letters, digits, `-`, `_`, `.`
and `:`; one header), so a proxy's or a client's id follows the request into our logs;
otherwise a new random one. Either way the answer carries it back in `X-Request-Id`.
"""

from __future__ import annotations

import os
import re
from time import perf_counter

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from broker.logs import current_request_id
from broker.metrics import UNMATCHED_ROUTE, Metrics, route_label
from broker.tracing import Finish, Tracing

REQUEST_ID_HEADER = b"x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Any other method a client invents is counted as OTHER: labels must stay a bounded set.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_id_of(scope: Scope) -> str:
    """The caller's sane `X-Request-Id`, else a new random id (32 hex digits)."""
    given = [value for name, value in scope["headers"] if name.lower() == REQUEST_ID_HEADER]
    if len(given) == 1:
        text = given[0].decode("latin-1")
        if _SANE_ID.fullmatch(text):
            return text
    return os.urandom(16).hex()


class Observed:
    """ASGI middleware: the request id for logs and answer; requests counted and timed.

    Traced too when `tracing` is given (`ACCORD_OTEL_ENDPOINT`).
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, tracing: Tracing | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request under its id; count it once its answer is sent."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        if self.tracing is None:
            await self._observed(scope, receive, send, None)
            return
        with self.tracing.request(str(scope.get("method", "")), str(scope["path"])) as finish:
            await self._observed(scope, receive, send, finish)

    async def _observed(
        self, scope: Scope, receive: Receive, send: Send, finish: Finish | None
    ) -> None:
        started = perf_counter()
        request_id = request_id_of(scope)
        header = (b"x-request-id", request_id.encode("latin-1"))
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        reset = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, answer)
        finally:
            current_request_id.reset(reset)
            template = scope.get("path_template")
            route = route_label(template) if isinstance(template, str) else UNMATCHED_ROUTE
            method = str(scope.get("method", ""))
            self.metrics.observe_request(
                method if method in _METHODS else "OTHER", route, status, perf_counter() - started
            )
            if finish is not None:
                finish(route, status)
