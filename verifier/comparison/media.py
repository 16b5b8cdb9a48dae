"""Media types: which of the spec's types a Content-Type or Accept header selects.

The matching is openapi-pact-comparator's, in its order of preference: exactly (ignoring case
and spaces, best `q` first), then without parameters, then the same type and subtype with any
vendor prefix (`application/vnd.x+json` is `application/json`), then a wildcard on the spec's
side (`application/*`, `*/*`), then one on the header's side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# The media types whose bodies the engine can check against a schema.
VALIDATABLE_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")

_QUALITY = re.compile(r".*;q=([01].?\d*)")
_QUALITY_PARAMETER = re.compile(r";q=[01].?\d*")
_SPACES = re.compile(r"\s+")


def _quality(media_type: str) -> float:
    found = _QUALITY.match(media_type)
    try:
        return float(found.group(1)) if found else 1.0
    except ValueError:
        return 1.0


def _main_type(media_type: str) -> str:
    return media_type.split("/", maxsplit=1)[0]


def _subtype(media_type: str) -> str | None:
    parts = media_type.split("/")
    return parts[1].split("+")[-1] if len(parts) > 1 else None


def _first(wanted: Iterable[str], available: Sequence[str], same: object) -> int | None:
    for want in wanted:
        for index, offered in enumerate(available):
            if same(offered, want):  # type: ignore[operator]  # a two-argument predicate
                return index
    return None


def find_matching_type(header: str, offered: Sequence[str]) -> str | None:
    """The media type of `offered` that `header` (a Content-Type or an Accept list) selects.

    Returns None when none fits. The answer is spelt as in `offered`, or `*/*` when only the
    spec's catch-all fits.
    """
    wanted = [_SPACES.sub("", part).lower() for part in header.split(",")]
    wanted = [
        _QUALITY_PARAMETER.sub("", part, count=1)
        for part in sorted(wanted, key=_quality, reverse=True)
    ]
    available = [_SPACES.sub("", media_type).lower() for media_type in offered]
    found = _first(wanted, available, lambda offer, want: offer == want)
    if found is None:
        wanted = [want.split(";")[0] for want in wanted]
        available = [offer.split(";")[0] for offer in available]
        found = _first(wanted, available, lambda offer, want: offer == want)
    if found is None:
        found = _first(
            wanted,
            available,
            lambda o, w: _main_type(o) == _main_type(w) and _subtype(o) == _subtype(w),
        )
    if found is None:
        found = _first(
            wanted, available, lambda o, w: _subtype(o) == "*" and _main_type(o) == _main_type(w)
        )
    if found is None and "*/*" in available:
        return "*/*"
    if found is None:
        found = _first(
            wanted, available, lambda o, w: _subtype(w) == "*" and _main_type(o) == _main_type(w)
        )
    if found is None and "*/*" in wanted and offered:
        return offered[0]
    return None if found is None else offered[found]


def body_status(content_type: str | None, has_body: bool, validatable: Sequence[str]) -> str:
    """`validate` a body of this type, `warn` that it cannot be validated, or `skip` it."""
    if content_type is None:
        return "skip"
    if find_matching_type(content_type, validatable):
        return "validate"
    return "warn" if has_body else "skip"


# Headers every HTTP request may carry: never reported as undeclared.
STANDARD_REQUEST_HEADERS = frozenset(
    [
        "accept",
        "accept-charset",
        "accept-datetime",
        "accept-encoding",
        "accept-language",
        "authorization",
        "cache-control",
        "connection",
        "content-length",
        "content-md5",
        "content-type",
        "cookie",
        "date",
        "expect",
        "forwarded",
        "from",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "max-forwards",
        "origin",
        "pragma",
        "proxy-authorization",
        "range",
        "referer",
        "te",
        "upgrade",
        "user-agent",
        "via",
        "warning",
    ]
)

# Headers any HTTP response may carry: reported as a warning, not an error, when undeclared.
STANDARD_RESPONSE_HEADERS = [
    "access-control-allow-origin",
    "accept-patch",
    "accept-ranges",
    "age",
    "allow",
    "alt-svc",
    "cache-control",
    "connection",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "date",
    "etag",
    "expires",
    "last-modified",
    "link",
    "location",
    "p3p",
    "pragma",
    "proxy-authenticate",
    "public-key-pins",
    "refresh",
    "retry-after",
    "server",
    "set-cookie",
    "status",
    "strict-transport-security",
    "trailer",
    "transfer-encoding",
    "tsv",
    "upgrade",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "x-frame-options",
]
