"""Media types: parse and compare `Content-Type`/`Accept` values, and sniff bodies' types."""

from __future__ import annotations

import json
from typing import NamedTuple


class MediaType(NamedTuple):
    """A parsed media type: `essence` is `type/subtype` in lower case."""

    essence: str
    parameters: dict[str, str]


def parse(value: str) -> MediaType:
    """Read `text/plain; charset=UTF-8` into its essence and parameters."""
    head, *params = value.split(";")
    parameters: dict[str, str] = {}
    for param in params:
        name, sep, raw = param.strip().partition("=")
        if sep:
            parameters[name.strip().lower()] = raw.strip().strip('"')
    return MediaType(head.strip().lower(), parameters)


def same(expected: str, actual: str) -> bool:
    """Whether `actual` satisfies `expected`: same essence, and every expected parameter present.

    The actual value may carry more parameters; charset compares without case (RFC 9110 §8.3.2).
    """
    wanted, got = parse(expected), parse(actual)
    if "/" not in wanted.essence:  # not a media type: compare as any other header value
        return expected.strip() == actual.strip()
    if wanted.essence != got.essence:
        return False
    for name, value in wanted.parameters.items():
        other = got.parameters.get(name)
        if other is None:
            return False
        if (other.lower() != value.lower()) if name == "charset" else (other != value):
            return False
    return True


def is_json(essence: str) -> bool:
    """`application/json`, `application/hal+json`, `application/vnd.x+json`..."""
    return essence.endswith(("/json", "+json")) or essence == "application/x-ndjson"


def is_xml(essence: str) -> bool:
    """`application/xml`, `text/xml`, `application/atom+xml`..."""
    return essence.endswith(("/xml", "+xml"))


def is_form(essence: str) -> bool:
    """`application/x-www-form-urlencoded`."""
    return essence == "application/x-www-form-urlencoded"


# Application types whose contents are text, though neither JSON nor XML.
_TEXT_APPLICATION_TYPES = frozenset(
    {
        "application/javascript",
        "application/ecmascript",
        "application/graphql",
        "application/sql",
        "application/yaml",
        "application/x-yaml",
        "application/x-www-form-urlencoded",
    }
)


def is_binary(essence: str) -> bool:
    """Whether contents of this type are bytes, not text (`image/png`, `application/pdf`...).

    V3 message pacts carry such contents as base64 text, as pact_ffi and Pact-JVM write them.
    """
    main, _, _ = essence.partition("/")
    if main in {"image", "audio", "video", "font"}:
        return True
    if main != "application":
        return False
    return not (is_json(essence) or is_xml(essence) or essence in _TEXT_APPLICATION_TYPES)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"RIFF", "image/webp"),
)


def sniff(content: bytes) -> str:
    """Guess a body's media type from its bytes, for the `contentType` matcher.

    Magic numbers first, then JSON, XML, and finally text or `application/octet-stream`.
    """
    for magic, essence in _MAGIC:
        if content.startswith(magic):
            return essence
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    stripped = text.lstrip()
    if stripped.startswith("<?xml") or (stripped.startswith("<") and stripped.endswith(">")):
        return (
            "text/html"
            if stripped[:14].lower().startswith(("<!doctype html", "<html"))
            else ("application/xml")
        )
    try:
        json.loads(text)
    except RecursionError:
        return "application/json"  # well-formed so far, only deeper than the decoder goes
    except ValueError:
        return "text/plain"
    return "application/json"
