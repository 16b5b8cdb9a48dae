"""Between pact shapes and HTTP: the request to send, and the response as the matcher reads it.

Pure functions: `outgoing` turns a pact request (after generators) into method, path, query,
headers and body bytes; `received` turns what the provider answered back into a pact-shaped
response. A body that is a JSON string is sent as its text (as the Pact verifiers do); other
JSON values are encoded, with `Content-Type: application/json` when the pact names none.
A path must start with `/` (the Pact specification's paths are absolute): anything else could
name another host once joined to the provider's base URL (`@other-host:port/steal`), so it is
refused before anything is sent.
"""

from __future__ import annotations

import base64
import json
import shlex
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

import msgspec

from verifier._errors import VerifierError
from verifier._matching.values import JSONObject, JSONValue

_V4_BODY_KEYS = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


class RequestPathError(VerifierError, ValueError):
    """The pact's request path cannot be sent to the provider; the message is one sentence."""


class Outgoing(msgspec.Struct, frozen=True, kw_only=True):
    """A request ready to send: `target` is the path with its query string."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None

    def curl(self, base_url: str) -> str:
        """A `curl` command line that sends the same request."""
        words = ["curl", "-X", self.method]
        for name, value in self.headers:
            words += ["-H", f"{name}: {value}"]
        if self.body is not None:
            words += ["--data-binary", self.body.decode("utf-8", errors="replace")]
        words.append(base_url.rstrip("/") + self.target)
        return shlex.join(words)


def _header_items(headers: JSONValue) -> list[tuple[str, str]]:
    if not isinstance(headers, dict):
        return []
    items: list[tuple[str, str]] = []
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        items += [(name, str(item)) for item in values if item is not None]
    return items


def _query(query: JSONValue) -> str:
    if isinstance(query, str):
        return query
    if not isinstance(query, dict):
        return ""
    pairs: list[tuple[str, str]] = []
    for name, values in query.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append((name, "" if value is None else str(value)))
    return urlencode(pairs, quote_via=quote)


def _v4_body(body: JSONObject) -> tuple[bytes | None, str | None]:
    declared = body.get("contentType")
    content_type = declared if isinstance(declared, str) else None
    content = body.get("content")
    if body.get("encoded") in {"base64", True} and isinstance(content, str):
        return base64.b64decode(content), content_type
    if isinstance(content, str):
        return content.encode(), content_type
    if content is None:
        return None, content_type
    return json.dumps(content).encode(), content_type or "application/json"


def _body(body: JSONValue) -> tuple[bytes | None, str | None]:
    """Body bytes and the content type the body itself declares (V4) or implies (JSON)."""
    if isinstance(body, dict) and body and body.keys() <= _V4_BODY_KEYS and "content" in body:
        return _v4_body(body)
    if body is None:
        return None, None
    if isinstance(body, str):
        return body.encode(), None
    return json.dumps(body).encode(), "application/json"


def outgoing(
    request: Mapping[str, JSONValue], extra_headers: Iterable[tuple[str, str]] = ()
) -> Outgoing:
    """The request to send for a pact request (generators already applied).

    Args:
        request: The pact's request: method, path, query, headers, body.
        extra_headers: Headers to add, replacing the pact's headers of the same name.

    Raises:
        RequestPathError: The path does not start with `/`.
    """
    method = str(request.get("method") or "GET").upper()
    path = str(request.get("path") or "/")
    if not path.startswith("/"):
        raise RequestPathError(
            f"The request path {path!r} does not start with '/', so nothing was sent: a pact "
            "path is absolute and is appended to the provider's base URL"
        )
    query = _query(request.get("query"))
    headers = _header_items(request.get("headers"))
    body, implied_type = _body(request.get("body"))
    names = {name.lower() for name, _ in headers}
    if body is not None and implied_type and "content-type" not in names:
        headers.append(("Content-Type", implied_type))
    extra = list(extra_headers)
    replaced = {name.lower() for name, _ in extra}
    headers = [(name, value) for name, value in headers if name.lower() not in replaced] + extra
    target = path if not query else f"{path}?{query}"
    return Outgoing(method=method, target=target, headers=tuple(headers), body=body)


def received(
    status: int, headers: Iterable[tuple[str, str]], body: bytes, *, spec: str
) -> JSONObject:
    """The provider's answer in the shape `match_response` reads (headers as value lists).

    A body that is not UTF-8 travels base64-encoded in V4's body form, so binary content
    reaches the `contentType` matcher intact.
    """
    collected: dict[str, JSONValue] = {}
    for name, value in headers:
        values = collected.setdefault(name, [])
        if isinstance(values, list):
            values.append(value)
    try:
        text: JSONValue = body.decode("utf-8")
    except UnicodeDecodeError:
        if spec == "4":
            text = {"content": base64.b64encode(body).decode("ascii"), "encoded": "base64"}
        else:
            text = body.decode("latin-1")
    return {"status": status, "headers": collected, "body": text}
