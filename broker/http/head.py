"""HEAD on every GET route: answered as GET is, without the body.

`HeadAsGet` hands the application a HEAD request as a GET (so the route, the permission guard
and the handler are GET's: HEAD is authorised exactly as GET is), then sends the status and
headers of the answer, `Content-Length` included, and drops the body. It also adds HEAD next to
GET in `Allow` headers (405 answers and OPTIONS), since every GET route now takes it.

`allow_every_method` makes litestar's own OPTIONS answer name every method of its path: litestar
2 builds it when a path's first handler is registered, bound to that first route, and a
controller registers its handlers one by one, so a path with GET and POST answered
`Allow: OPTIONS, POST` (litestar issue 4169, fixed in litestar 3).
"""

from __future__ import annotations

from typing import cast

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware answering HEAD as GET without a body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route HEAD as GET and drop the body sent back; name HEAD in `Allow`."""
        head = scope.get("method") == "HEAD"
        if head:
            scope = cast("Scope", {**scope, "method": "GET"})  # a copy: the server logs HEAD

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [_with_head(name, value) for name, value in message["headers"]]
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, answer)


def _with_head(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """An `Allow` header listing GET also lists HEAD; other headers pass unchanged."""
    if name.lower() != b"allow":
        return name, value
    methods = [m.strip() for m in value.decode("latin-1").split(",")]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return name, ", ".join(methods).encode("latin-1")


def allow_every_method(app: Litestar) -> None:
    """Bind each path's generated OPTIONS handler to the route holding all its methods.

    The handler litestar generates closes over the route it was made for; a later
    registration on the same path builds a new route with every method but keeps that
    handler. Pointing the closure at the final route is the whole fix.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        handler = route.route_handler_map["OPTIONS"][0]
        for cell in getattr(handler.fn, "__closure__", None) or ():
            stale = cell.cell_contents
            if isinstance(stale, HTTPRoute) and stale is not route and stale.path == route.path:
                cell.cell_contents = route
