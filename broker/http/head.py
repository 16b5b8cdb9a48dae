"""HEAD on every GET route: answered as GET is, without the body.

`HeadAsGet` hands the application a HEAD request as a GET (so the route, the permission guard
and the handler are GET's: HEAD is authorised exactly as GET is), then sends the status and
headers of the answer, `Content-Length` included, and drops the body. It also adds HEAD next to
GET in `Allow` headers (405 answers and OPTIONS), since every GET route now takes it.
"""

from __future__ import annotations

from typing import cast

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
