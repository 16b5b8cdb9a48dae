"""The SSRF guard: which webhook requests the broker may make, and to which addresses.

A webhook URL is checked twice. When the webhook is created, `check_webhook_request` refuses a
method, scheme or URL the policy does not allow and a host that is, or resolves to, an address
inside the operator's network (loopback, link-local with the cloud metadata service, private,
CGNAT, multicast, unspecified, reserved). When it is called, the sender resolves the host again
and vets every answer with the same `address_allowed`, then connects to a vetted address, so a
DNS answer that changes in between (rebinding) cannot redirect the call.
`ACCORD_WEBHOOK_ALLOWED_HOSTS` lets chosen host names, addresses and networks through.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import msgspec

from broker.domain.errors import FieldError

if TYPE_CHECKING:
    from broker.settings import Settings

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""host, port -> the IP addresses (as text) the host name stands for; `OSError` if none."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

KNOWN_SCHEMES = frozenset({"http", "https"})
# CONNECT and TRACE have no business in a webhook: one opens a tunnel, the other echoes
# credentials back.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
RESOLVE_TIMEOUT = 5.0
ALLOW_HINT = "set ACCORD_WEBHOOK_ALLOWED_HOSTS to allow it"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")

# Cloud metadata services answer on a link-local address (AWS, GCP, Azure, OpenStack) and, on
# AWS, on an IPv6 unique-local one: named in the refusal, so an operator sees what was at stake.
_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 shared address space
_PRIVATE = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291 §2.5.5.1, deprecated

# The first that fits names the address in a refusal; whatever is not global after these
# (documentation, benchmarking, 240.0.0.0/4…) is reserved.
_CLASSES: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("the unspecified address", lambda address: address.is_unspecified),
    ("a loopback address", lambda address: address.is_loopback),
    ("the cloud metadata service's address", lambda address: address in _METADATA),
    ("a link-local address", lambda address: address.is_link_local),
    ("a multicast address", lambda address: address.is_multicast),
    ("a shared (CGNAT) address", lambda address: address in _CGNAT),
    ("a private address", lambda address: any(address in network for network in _PRIVATE)),
    ("a reserved address", lambda address: not address.is_global),
)


class WebhookRefusedError(Exception):
    """The guard refuses a webhook request; the message is one plain sentence saying why."""


def allowed_host_entry(item: str) -> str:
    """One `ACCORD_WEBHOOK_ALLOWED_HOSTS` entry, normalised: a network or a lower-case host name.

    An address becomes its one-address network (`127.0.0.1` -> `127.0.0.1/32`), and host bits of
    a network are dropped (`10.1.2.3/8` -> `10.0.0.0/8`). Raises `ValueError` naming the entry.
    """
    entry = item.strip().lower()
    if "/" in entry or ":" in entry or re.fullmatch(r"[0-9.]+", entry):
        try:
            return str(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"{item!r} is not an IP address or network") from error
    name = entry.removesuffix(".")
    if not _HOST_NAME.fullmatch(name) or len(name) > 253:  # noqa: PLR2004 - RFC 1035 §2.3.4
        raise ValueError(f"{item!r} is not a host name, IP address or network")
    return name


class WebhookPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """What webhooks may do: their schemes, their methods and the hosts let through the guard.

    `allowed_hosts` holds exact host names (any case), addresses and CIDR networks
    (`127.0.0.0/8`, `::1/128`); each is checked when the policy is built.
    """

    schemes: frozenset[str] = frozenset({"https"})
    methods: frozenset[str] = frozenset({"POST"})
    allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for entry in self.allowed_hosts:
            allowed_host_entry(entry)
        if unknown := self.schemes - KNOWN_SCHEMES:
            raise ValueError(f"unknown webhook schemes: {', '.join(sorted(unknown))}")
        if unknown := self.methods - KNOWN_METHODS:
            raise ValueError(f"unknown webhook methods: {', '.join(sorted(unknown))}")

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookPolicy:
        """The policy `ACCORD_WEBHOOK_SCHEMES`, `_METHODS` and `_ALLOWED_HOSTS` describe."""
        return cls(
            schemes=settings.webhook_schemes,
            methods=settings.webhook_methods,
            allowed_hosts=settings.webhook_allowed_hosts,
        )


@functools.lru_cache(maxsize=64)
def _allow_list(allowed_hosts: tuple[str, ...]) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    """The policy's allow-list split into host names and networks (parsed once per policy)."""
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for item in allowed_hosts:
        entry = allowed_host_entry(item)
        if "/" in entry:
            networks.append(ipaddress.ip_network(entry))
        else:
            names.add(entry)
    return frozenset(names), tuple(networks)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and may reach: mapped, 6to4, NAT64, compatible."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_class(address: IPAddress) -> str | None:
    """What kind of internal address `address` is ("a loopback address"…), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            kind = address_class(inner)
            return None if kind is None else f"an IPv6 form of {inner}, {kind}"
        # An IPv6 link-local address with a zone (`fe80::1%eth0`) is classed as the address.
        address = ipaddress.IPv6Address(address.compressed.split("%")[0])
    return next((kind for kind, test in _CLASSES if test(address)), None)


def _is_allowed(host: str, address: IPAddress, policy: WebhookPolicy) -> bool:
    names, networks = _allow_list(policy.allowed_hosts)
    if host.lower().removesuffix(".") in names:
        return True
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        candidates.append(ipaddress.IPv6Address(address.compressed.split("%")[0]))
        if (inner := _embedded_ipv4(address)) is not None:
            candidates.append(inner)
    return any(
        candidate in network
        for candidate in candidates
        for network in networks
        if candidate.version == network.version
    )


def address_allowed(host: str, address: str, policy: WebhookPolicy) -> str | None:
    """None if the guard lets `host`, reached at `address`, through; else the reason, a sentence.

    The host is let through when the allow-list names it, or covers the address, or when the
    address is public.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"the host {host} resolves to {address!r}, which is not an IP address"
    if _is_allowed(host, parsed, policy):
        return None
    kind = address_class(parsed)
    if kind is None:
        return None
    if _same_address(host, parsed):
        return f"{host} is {kind}; {ALLOW_HINT}"
    return f"the host {host} resolves to {address}, {kind}; {ALLOW_HINT}"


def _same_address(host: str, address: IPAddress) -> bool:
    try:
        return ipaddress.ip_address(host) == address
    except ValueError:
        return False


def _literal_address(host: str) -> str | None:
    """The host itself when it is an IP address literal (no resolving needed)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """Where a webhook URL points: its scheme, its host (lower case, no brackets) and port."""

    scheme: str
    host: str
    port: int


def target_of(url: str, policy: WebhookPolicy) -> Target:
    """The scheme, host and port of a webhook URL; `WebhookRefusedError` if the URL is not fit.

    A template variable (`${pactbroker.consumerName}`) may stand in the path or query but not in
    the host: the host must be known, and checked, before any event fills the template.
    """
    if _CONTROL_OR_SPACE.search(url):
        raise WebhookRefusedError("must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookRefusedError(f"is not a valid URL ({error})") from error
    scheme = parts.scheme.lower()
    if scheme not in policy.schemes:
        raise WebhookRefusedError(f"must use {' or '.join(sorted(policy.schemes))}")
    if "@" in parts.netloc:
        raise WebhookRefusedError(
            "must not carry a user name or password; use the webhook's basic-auth credentials"
        )
    if "${" in parts.netloc:
        raise WebhookRefusedError(
            "must not have a template variable in its host; use them in the path or query"
        )
    host = (parts.hostname or "").removesuffix(".")
    if not host:
        raise WebhookRefusedError("must name a host")
    if not host.isascii():
        raise WebhookRefusedError("must spell its host in ASCII (punycode for other names)")
    if port == 0:
        raise WebhookRefusedError("must have a port from 1 to 65535")
    return Target(scheme=scheme, host=host, port=port or _DEFAULT_PORTS[scheme])


def method_problem(method: str, policy: WebhookPolicy) -> str | None:
    """Why the policy refuses `method` (any case), or None."""
    if method.upper() in policy.methods:
        return None
    return f"must be {' or '.join(sorted(policy.methods))} (ACCORD_WEBHOOK_METHODS)"


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """The addresses the system resolver gives for `host`, asked off the event loop."""
    loop = asyncio.get_running_loop()
    answers = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


async def resolve(host: str, port: int, resolver: Resolver) -> Sequence[str]:
    """The addresses of `host`: itself if an IP literal, else the resolver's answer.

    Raises `WebhookRefusedError` when the host does not resolve.
    """
    literal = _literal_address(host)
    if literal is not None:
        return [literal]
    try:
        addresses = await resolver(host, port)
    except (OSError, UnicodeError) as error:
        raise WebhookRefusedError(f"the host {host} does not resolve ({error})") from error
    if not addresses:
        raise WebhookRefusedError(f"the host {host} does not resolve to any address")
    return addresses


async def check_webhook_request(
    method: str, url: str, policy: WebhookPolicy, resolver: Resolver
) -> list[FieldError]:
    """The problems with a webhook's request, at creation: `/request/method`, `/request/url`.

    `url` is the URL as stored, before template variables are filled. Every address the host
    resolves to must pass the guard, not only one of them.
    """
    errors = []
    if (problem := method_problem(method, policy)) is not None:
        errors.append(FieldError("/request/method", problem))
    if (problem := await _url_problem(url, policy, resolver)) is not None:
        errors.append(FieldError("/request/url", problem))
    return errors


async def _url_problem(url: str, policy: WebhookPolicy, resolver: Resolver) -> str | None:
    try:
        target = target_of(url, policy)
        async with asyncio.timeout(RESOLVE_TIMEOUT):
            addresses = await resolve(target.host, target.port, resolver)
    except WebhookRefusedError as refusal:
        return str(refusal)
    except TimeoutError:
        return f"has a host that did not resolve within {RESOLVE_TIMEOUT:g} seconds"
    for address in addresses:
        if (reason := address_allowed(target.host, address, policy)) is not None:
            return reason
    return None
