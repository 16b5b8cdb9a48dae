"""The caller's network address, seen through the proxies the broker is told to trust.

Failed logins are throttled per address (`services/login_throttle.py`). Behind a reverse proxy
every connection comes from the proxy, so the proxy's `X-Forwarded-For` names the caller; but
anyone can send that header, so it is read only when the connection comes from an address in
`ACCORD_TRUSTED_PROXIES`, and then from the right: each trusted proxy appends the address it
saw, so the rightmost hop that is not a trusted proxy is the caller (MDN, X-Forwarded-For,
"Selecting an IP address").
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from litestar.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in trusted)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope, trusted: tuple[str, ...]) -> str:
    """The address of the connection's peer, or the caller's beyond trusted proxies."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    networks = _networks(trusted)
    if not networks or not _is_trusted(peer, networks):
        return peer
    forwarded = b",".join(
        value for name, value in scope["headers"] if name.lower() == b"x-forwarded-for"
    )
    hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer
