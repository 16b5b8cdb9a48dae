"""Query strings, parameter values and form bodies read the way the comparator reads them.

A query string is read like the `qs` library does with dots and commas allowed, which is what
openapi-pact-comparator uses: `a=1&a=2` and `a=1,2` are lists, `a[b]=1` and `a.b=1` are objects,
`+` is a space and percent escapes are decoded.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def _decode(text: str) -> str:
    try:
        return unquote(text.replace("+", " "), errors="strict")
    except UnicodeDecodeError:
        return text


def _key_path(key: str, *, allow_dots: bool) -> list[str]:
    if allow_dots:
        key = re.sub(r"\.([^.\[]+)", r"[\1]", key)
    opening = key.find("[")
    if opening <= 0 or not _BRACKETS.match(key, opening):
        return [key]
    return [key[:opening], *(match.group(1) for match in _BRACKETS.finditer(key, opening))]


def _combine(existing: Any, value: Any) -> Any:
    left = existing if isinstance(existing, list) else [existing]
    right = value if isinstance(value, list) else [value]
    return left + right


def _place(target: dict[str, Any], path: list[str], value: Any) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = _combine(target[head], value) if head in target else value
        return
    if rest == [""]:  # a[]=x
        target[head] = _combine(target[head], value) if head in target else [value]
        return
    child = target.get(head)
    if not isinstance(child, dict):
        child = {}
        target[head] = child
    _place(child, rest, value)


def parse_query(query: str, *, dots_and_commas: bool = True) -> dict[str, Any]:
    """The parameters of a query string (or of an `application/x-www-form-urlencoded` body)."""
    parsed: dict[str, Any] = {}
    for part in query.split("&"):
        if not part:
            continue
        key, equals, raw = part.partition("=")
        value: Any
        if dots_and_commas and "," in raw:
            value = [_decode(piece) for piece in raw.split(",")]
        else:
            value = _decode(raw) if equals else ""
        _place(parsed, _key_path(_decode(key), allow_dots=dots_and_commas), value)
    return parsed


def parse_value(text: str | None) -> Any:
    """A header or path value read as an object (`a=1,b=2`), a list (`1,2`) or a string."""
    if not text:
        return text
    if "=" in text:
        return parse_query(text.replace(",", "&"))
    if "," in text:
        return text.split(",")
    return text


def parse_multipart(body: str, boundary: str) -> dict[str, str]:
    """The named parts of a `multipart/form-data` body, each as text."""
    fields: dict[str, str] = {}
    for chunk in body.split(f"--{boundary}"):
        head, separator, data = chunk.lstrip("\r\n").partition("\r\n\r\n")
        if not separator:
            head, separator, data = chunk.lstrip("\n").partition("\n\n")
        name = re.search(r'name="([^"]*)"', head) if separator else None
        if name:
            fields[name.group(1)] = data.removesuffix("\r\n").removesuffix("\n")
    return fields


def parse_body(body: Any, content_type: str) -> Any:
    """A request body as the schema sees it: form bodies become objects, others stay."""
    if not isinstance(body, str):
        return body
    if "application/x-www-form-urlencoded" in content_type:
        return parse_query(body)
    if "multipart/form-data" in content_type:
        boundary = re.search(r"boundary=(.*)", content_type)
        if boundary:
            return parse_multipart(body, boundary.group(1))
    return body
