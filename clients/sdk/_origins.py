"""Origins (scheme, host, port; RFC 6454): where credentials may go and a request may land.

Credentials given for a broker are sent only to the broker's origin, and a replayed pact
request only to the provider's; both compare origins with `origin`, after the URL is built, so
no text trick (`@host`, a scheme-relative `//host`, a backslash) can move a request elsewhere.
"""

from __future__ import annotations

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin(url: httpx.URL | str) -> str:
    """The origin of `url` as text (`http://127.0.0.1:8000`), with its port always named.

    The scheme and host are lower case and a default port is written out, so
    `HTTPS://Broker` and `https://broker:443` are one origin; user info is not part of it.
    """
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    scheme = parsed.scheme.lower()
    port = parsed.port or _DEFAULT_PORTS.get(scheme)
    host = parsed.host.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}" if port is not None else f"{scheme}://{host}"


def same_origin(first: httpx.URL | str, second: httpx.URL | str) -> bool:
    """Whether both URLs have one scheme, host and port."""
    return origin(first) == origin(second)
