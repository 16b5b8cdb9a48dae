"""Send an interaction's request to the provider with httpx, and read the answer.

The provider's settings (base URL, custom headers, request filter, timeout, TLS) live in
`Provider`. A request filter sees each `httpx.Request` just before it leaves and may change it
in place or return another one: that is where a fresh auth token goes in. A request whose
URL, once built, is not on the base URL's origin (scheme, host and port) is never sent: the
provider's custom headers (often its `Authorization`) stay with the provider.
"""

from __future__ import annotations

import inspect
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import httpx

from clients.sdk._origins import origin
from verifier._errors import ReplayError
from verifier._http import Outgoing
from verifier._http1 import Answer, Http1Client, ProtocolError

if TYPE_CHECKING:  # _states sends through this module's Connection
    from verifier._states import StateHandler

RequestFilter: TypeAlias = Callable[
    [httpx.Request], "httpx.Request | Awaitable[httpx.Request | None] | None"
]
"""Sees each request before it is sent; returns a replacement, or None to send it as changed."""


USER_AGENT = "accord-verifier"


@dataclass(frozen=True, kw_only=True)
class Provider:
    """The provider under verification and how to reach it.

    Attributes:
        name: The provider's name in the pacts (and the broker).
        base_url: Where it listens, such as `http://127.0.0.1:8000` (a path prefix is kept).
        state_change_url: A URL that sets provider states up (`POST {state, params, action}`).
        state_handler: A Python callable that does the same, instead of the URL.
        state_change_teardown: Also call the URL or callable with `action: teardown` after
            each interaction.
        custom_headers: Headers added to every request, replacing the pact's of the same name.
        request_filter: A callable that may rewrite each request before it is sent.
        timeout: Seconds to wait for each request (and each state change).
        verify_tls: Whether to check the provider's TLS certificate.
        ca_file: A PEM file of the certificate authorities to trust, instead of the system's.
    """

    name: str
    base_url: str
    state_change_url: str | None = None
    state_handler: StateHandler | None = None
    state_change_teardown: bool = False
    custom_headers: Mapping[str, str] = field(default_factory=dict)
    request_filter: RequestFilter | None = None
    timeout: float = 30.0
    verify_tls: bool = True
    ca_file: str | None = None

    def tls(self) -> ssl.SSLContext:
        """The TLS context for these options; build it once and share it between clients."""
        if not self.verify_tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        return ssl.create_default_context(cafile=self.ca_file)


class Connection:
    """A worker's keep-alive connections, one per origin it calls.

    That is the provider, and a state-change URL or message proxy elsewhere if there is one.

    The verifier sends plain requests that need no cookies, redirects, auth flows or pooling,
    so it writes them with `verifier._http1` instead of httpx's client and transport (which
    took most of the CPU of each exchange); requests are still `httpx.Request`s, which a
    request filter may change.

    Args:
        provider: Where the provider is, and its timeout.
        tls: The TLS context, shared by every connection of a run, or a callable that builds
            it the first time an `https` URL is met (then it is never built for plain HTTP).
    """

    def __init__(
        self, provider: Provider, tls: ssl.SSLContext | Callable[[], ssl.SSLContext]
    ) -> None:
        self.provider = provider
        self.provider_origin = origin(provider.base_url)
        self._client = Http1Client(tls, provider.timeout)

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._client.aclose()

    def request(
        self,
        method: str,
        url: str | httpx.URL,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
    ) -> httpx.Request:
        """A request with a User-Agent unless one is given.

        A header value beyond ASCII (a pact may hold `café`) is sent as its UTF-8 bytes, as the
        consumer's HTTP client would have sent it; a header name must be ASCII.

        Raises:
            ReplayError: A header name is not ASCII (nothing is sent).
        """
        for name, _ in headers:
            if not name.isascii():
                raise ReplayError(
                    f"The request header name {name!r} is not ASCII, so HTTP cannot carry it;"
                    " nothing was sent"
                )
        encoded = [(name.encode("ascii"), value.encode()) for name, value in headers]
        request = httpx.Request(method, url, headers=encoded, content=body)
        request.headers.setdefault("User-Agent", USER_AGENT)
        return request

    async def send(self, request: httpx.Request) -> Answer:
        """Send one request and read the whole answer.

        Raises:
            ReplayError: When no answer came (refused, timed out, TLS failure…).
        """
        try:
            return await self._client.send(request)
        except TimeoutError as error:
            message = f"The provider did not answer {request.method} {request.url} within "
            raise ReplayError(message + f"{self.provider.timeout:g} s") from error
        except (OSError, ProtocolError, httpx.HTTPError) as error:
            raise ReplayError(
                f"The provider could not be reached at {request.url}: {_reason(error)}"
            ) from error


def _reason(error: Exception) -> str:
    """Why an exchange failed, in a few words."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return f"the host name could not be resolved ({error.strerror or error})"
    if isinstance(error, ConnectionResetError):
        return "the connection was reset"
    return re.sub(r"^\[Errno -?\d+\]\s*", "", str(error)) or type(error).__name__


async def send(connection: Connection, outgoing: Outgoing) -> Answer:
    """Send `outgoing` to the provider, through its request filter.

    Raises:
        ReplayError: When no answer came (refused, timed out, TLS failure…), or the request
            would leave the provider's origin (then nothing is sent).
    """
    provider = connection.provider
    url = provider.base_url.rstrip("/") + outgoing.target
    request = connection.request(outgoing.method, url, outgoing.headers, outgoing.body)
    # Checked on the URL httpx parsed, which is what the connection will use.
    if origin(request.url) != connection.provider_origin:
        raise ReplayError(
            f"The request {outgoing.method} {outgoing.target} would go to {origin(request.url)}, "
            f"not to the provider at {connection.provider_origin}, so nothing was sent"
        )
    if provider.request_filter is not None:
        returned = provider.request_filter(request)
        if inspect.isawaitable(returned):
            returned = await returned
        if isinstance(returned, httpx.Request):
            request = returned
    return await connection.send(request)
