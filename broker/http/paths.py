"""Names containing `/`, sent as `%2F` inside one path segment.

ASGI servers hand the application a decoded `path`, in which `feature%2Fx` has become two
segments. `EncodedSlashes` rebuilds the path from `raw_path`, decoding each segment on its own
and standing a private-use character in for each slash inside a segment; after routing,
`restore_slashes` turns that character back into `/` in the path parameters
(pact-broker-api §1.4).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from broker.domain.errors import NotFoundError

MAX_ID = 2**63 - 1  # both databases' BIGINT / INTEGER
SLASH_STAND_IN = "\ue000"


class InvalidPathError(ValueError):
    """The request path is not valid UTF-8 once decoded."""


def decoded_path(raw_path: bytes) -> str:
    """The path with every segment decoded and slashes within segments stood in for."""
    segments = []
    for segment in raw_path.split(b"?", 1)[0].split(b"/"):
        try:
            text = unquote_to_bytes(segment).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidPathError from error
        segments.append(text.replace("/", SLASH_STAND_IN))
    return "/".join(segments)


class EncodedSlashes:
    """ASGI middleware giving the router a path in which `%2F` stays inside its segment."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite `path` from `raw_path`, then hand over to the application."""
        raw_path = scope.get("raw_path") if scope["type"] in {"http", "websocket"} else None
        if raw_path:
            try:
                scope["path"] = decoded_path(raw_path)
            except InvalidPathError:
                scope["path"] = "/\ue001invalid-path"  # routes nowhere: a 404, never a 500
        await self.app(scope, receive, send)


async def restore_slashes(request: Request[Any, Any, Any]) -> None:
    """Before a handler runs: put real slashes back into path parameters; bound ids.

    An id (`{name:int}`) past a 64-bit integer names no row, and handing it to the database
    fails (SQLite cannot even bind it): it is answered 404 here.
    """
    params = request.scope.get("path_params")
    if params:
        for key, value in params.items():
            parsed: object = value  # typed str, but litestar has parsed `{name:int}` already
            if isinstance(value, str) and SLASH_STAND_IN in value:
                params[key] = value.replace(SLASH_STAND_IN, "/")
            elif isinstance(parsed, int) and not -MAX_ID <= parsed <= MAX_ID:
                raise NotFoundError(f"No resource at {request.url.path}")
