"""HAL+JSON: absolute links under the broker's public base URL, and JSON responses."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request, Response

HAL_JSON = "application/hal+json;charset=utf-8"

Body = dict[str, Any]

AnyRequest = Request[Any, Any, Any]
"""A request, whatever its user, auth and state types."""


def base_url(request: AnyRequest, configured: str | None) -> str:
    """The URL clients reach the broker at.

    `ACCORD_BASE_URL` wins; behind a proxy `X-Forwarded-Proto` and `X-Forwarded-Host` say what
    the client used; otherwise the request's own scheme and Host.
    """
    if configured:
        return configured
    headers = request.headers
    scheme = headers.get("x-forwarded-proto", "").split(",")[0].strip() or request.url.scheme
    host = headers.get("x-forwarded-host", "").split(",")[0].strip() or headers.get("host")
    if not host:
        server = request.scope.get("server") or ("127.0.0.1", 9292)
        host = f"{server[0]}:{server[1]}"
    prefix = request.scope.get("root_path", "").rstrip("/")
    return f"{scheme}://{host}{prefix}"


# What `quote` leaves as it is: a value made of these alone (a sha, a base64url string, most
# names) is its own segment, without `quote`'s cost (a few microseconds, for every link).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def segment(value: str) -> str:
    """A name as one URL path segment: `/` becomes `%2F`, space `%20`."""
    if _UNRESERVED.fullmatch(value):
        return value
    return quote(value, safe="")


class Links:
    """Builds absolute hrefs under one base URL."""

    def __init__(self, base: str) -> None:
        self.base = base

    def href(self, *parts: str) -> str:
        """`base/part/part…`, each part encoded as a segment; literal parts pass unchanged."""
        return self.base + "".join("/" + p for p in parts)

    def path(self, template: str, **names: str) -> str:
        """`template` with `{key}` replaced by the encoded `names[key]`, under the base URL."""
        for key, value in names.items():
            template = template.replace("{" + key + "}", segment(value))
        return self.base + template

    def link(self, href: str, *, title: str | None = None, name: str | None = None) -> Body:
        """A HAL link object."""
        out: Body = {"href": href}
        if title is not None:
            out["title"] = title
        if name is not None:
            out["name"] = name
        return out

    def templated(self, template: str, *, title: str) -> Body:
        """A templated HAL link (the Rust verifier requires `templated: true` to expand)."""
        return {"href": self.base + template, "title": title, "templated": True}


def hal(
    body: Body | msgspec.Struct, status: int = 200, headers: dict[str, str] | None = None
) -> Response[bytes]:
    """A HAL+JSON response of a dict or a response struct."""
    return Response(
        content=msgspec.json.encode(body), status_code=status, media_type=HAL_JSON, headers=headers
    )


def timestamp(moment: Any) -> str:
    """ISO-8601 in UTC with offset, to the second, as the Pact Broker writes it."""
    return str(moment.isoformat(timespec="seconds"))
