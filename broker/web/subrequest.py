"""A GET the application makes to itself, as the page's caller: the HAL browser's fetch.

The request never leaves the process: it is handed to the application's own ASGI callable, so
it can only reach this broker's routes. It carries the page's caller (already authenticated,
by token or session) in the scope's extensions (`IN_PROCESS_CALLER`), and the route's
permission guard checks its rule against that caller as for any other request: a reader
following a link to an admin resource gets the API's 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import msgspec
from litestar.types import (
    ASGIApp,
    HTTPDisconnectEvent,
    HTTPReceiveMessage,
    HTTPRequestEvent,
    Message,
    Scope,
)

from broker.domain.errors import FieldError, InvalidInputError
from broker.http.paths import InvalidPathError, decoded_path
from broker.http.permissions import IN_PROCESS_CALLER
from broker.services.actor import Actor

MAX_PATH = 2000
MAX_BODY = 1_000_000  # bytes kept of an answer; the rest is dropped and said so
# HAL first; plain text before HTML, so `/doc/{rel}` answers something readable as text.
ACCEPT = b"application/hal+json, application/json;q=0.9, text/plain;q=0.5, */*;q=0.1"
# What is not passed on from the page's request: its credentials (the caller goes in the
# scope), what it negotiated, and its body.
DROPPED = {b"authorization", b"cookie", b"accept", b"content-length", b"content-type"}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """What the application answered: status, content type, body (cut at `MAX_BODY`)."""

    status: int
    content_type: str
    body: bytes
    truncated: bool


def checked_path(path: str) -> str:
    r"""`path` when it names a resource of this broker: starts with one `/`, no scheme or host.

    Raises:
        InvalidInputError: anything that could name another origin (`//host`, `http://…`,
            `/\\host`), control characters, or a path longer than `MAX_PATH`.
    """
    problem = None
    if not path.startswith("/"):
        problem = "must be a path on this broker, starting with /"
    elif path.startswith("//") or "\\" in path:
        problem = "must be a path on this broker, not another host"
    elif len(path) > MAX_PATH:
        problem = f"must be at most {MAX_PATH} characters"
    elif any(not c.isprintable() or c.isspace() for c in path):
        problem = "must not contain spaces or control characters"
    elif path == "/ui" or path.startswith(("/ui/", "/ui?")):
        problem = "must be an API resource, not a page"
    if problem is not None:
        raise InvalidInputError("The path to browse is not valid", [FieldError("/path", problem)])
    return path


async def get(app: ASGIApp, parent: Scope, path: str, caller: Actor) -> Answer:
    """GET `path` (checked by `checked_path`) from `app` in-process, as `caller`.

    The page's request lends its host, scheme and client address (so links come out under the
    same base URL), never its credentials.
    """
    raw_path, _, query = checked_path(path).partition("?")
    raw = quote(raw_path, safe=_PATH_SAFE)
    try:
        routed = decoded_path(raw.encode("ascii"))
    except InvalidPathError as error:
        raise InvalidInputError(
            "The path to browse is not valid",
            [FieldError("/path", "must be UTF-8 once decoded")],
        ) from error
    headers = [(k, v) for k, v in parent["headers"] if k.lower() not in DROPPED]
    headers.append((b"accept", ACCEPT))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": parent.get("http_version", "1.1"),
        "method": "GET",
        "scheme": parent.get("scheme", "http"),
        "path": routed,
        "raw_path": raw.encode("ascii"),
        "root_path": parent.get("root_path", ""),
        "query_string": quote(query, safe=_QUERY_SAFE).encode("ascii"),
        "headers": headers,
        "client": parent.get("client"),
        "server": parent.get("server"),
        "extensions": {IN_PROCESS_CALLER: caller},
        "state": {},
    }
    sent = False

    async def receive() -> HTTPReceiveMessage:
        nonlocal sent
        if sent:
            return HTTPDisconnectEvent(type="http.disconnect")
        sent = True
        return HTTPRequestEvent(type="http.request", body=b"", more_body=False)

    status = 500
    content_type = ""
    chunks: list[bytes] = []
    size = 0
    truncated = False

    async def send(message: Message) -> None:
        nonlocal status, content_type, size, truncated
        if message["type"] == "http.response.start":
            status = int(message["status"])
            for name, value in message.get("headers", []):
                if name.lower() == b"content-type":
                    content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            body = bytes(message.get("body", b""))
            room = MAX_BODY - size
            if len(body) > room:
                body, truncated = body[:room], True
            chunks.append(body)
            size += len(body)

    await app(scope, receive, send)  # type: ignore[arg-type]
    return Answer(
        status=status, content_type=content_type, body=b"".join(chunks), truncated=truncated
    )
