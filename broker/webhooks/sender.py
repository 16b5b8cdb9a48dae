"""One webhook call through the SSRF guard: connect only to vetted addresses, read a little back.

`WebhookSender` sends over httpcore with its own network backend: when httpcore asks for a
connection to a host, the backend resolves the host through the injected resolver, vets every
address with `address_allowed` and connects to an allowed one by address, so the address vetted
is the address used (no rebinding in between). TLS still verifies the certificate against the
URL's host name, which httpcore passes to `start_tls` as the server name. Redirects are not
followed, the response body is read up to a cap, and nothing a network does raises: the
outcome is a `SendResult`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncGenerator, Iterable, Sequence
from urllib.parse import urlsplit

import httpcore
import msgspec

from broker.webhooks.guard import (
    Resolver,
    WebhookPolicy,
    WebhookRefusedError,
    address_allowed,
    method_problem,
    resolve,
    system_resolver,
    target_of,
)

# Headers the sender writes itself: the Host the URL names and the framing of the body it sends.
_OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})
_READ_CHUNK = 4096


class SendResult(msgspec.Struct, frozen=True, kw_only=True):
    """What came of one webhook call: the response's start, or why there is none.

    Attributes:
        status: the response status, None when no response came.
        headers: the response headers as received (latin-1 text).
        body: the first bytes of the response body (up to the sender's cap), as UTF-8 text.
        error: one plain sentence when the call failed or was refused, else None.
        duration_ms: from the start of the call to the end of reading.
    """

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    error: str | None = None
    duration_ms: float = 0.0

    @property
    def succeeded(self) -> bool:
        """Whether the receiver answered 2xx (a redirect is not success: it is not followed)."""
        return self.status is not None and 200 <= self.status < 300  # noqa: PLR2004


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend behind the guard: connects by vetted address only."""

    def __init__(self, policy: WebhookPolicy, resolver: Resolver) -> None:
        self._policy = policy
        self._resolver = resolver
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, self._resolver)
        reasons = [address_allowed(host, address, self._policy) for address in addresses]
        vetted = [address for address, reason in zip(addresses, reasons, strict=True) if not reason]
        if not vetted:
            raise WebhookRefusedError(next(reason for reason in reasons if reason))
        failure: Exception = httpcore.ConnectError(f"no address of {host} to connect to")
        for address in vetted:
            try:
                return await self._network.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise WebhookRefusedError("webhooks do not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class WebhookSender:
    """Sends webhook requests through the guard; one per broker, shared by its deliveries.

    Args:
        policy: the schemes, methods and allow-list the guard enforces.
        resolver: host, port -> addresses; the system's by default, a fixed table in tests.
        timeout: seconds the whole call may take (resolving, connecting, sending, reading).
        max_response_bytes: how much of the response body is read and kept.
        ssl_context: the certificates to trust; certifi's by default.
    """

    def __init__(
        self,
        policy: WebhookPolicy,
        *,
        resolver: Resolver = system_resolver,
        timeout: float = 10.0,
        max_response_bytes: int = 4096,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._policy = policy
        self._timeout = timeout
        self._max_response_bytes = max_response_bytes
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            network_backend=_GuardedBackend(policy, resolver),
            retries=0,
            http1=True,
            http2=False,
        )

    async def send(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> SendResult:
        """Send one request; never raises for what the network, the receiver or the guard do.

        The method and URL are checked against the policy again (the policy may have changed
        since the webhook was created); the host is vetted as httpcore connects. Caller headers
        named Host, Content-Length or Transfer-Encoding are replaced by the sender's own.
        """
        began = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                status, response_headers, text = await self._exchange(method, url, headers, body)
        except WebhookRefusedError as refusal:
            return _failure(f"Refused by the webhook guard: {refusal}.", began)
        except (TimeoutError, httpcore.TimeoutException):
            return _failure(
                f"Timed out: no complete response within {self._timeout:g} seconds.", began
            )
        except httpcore.ConnectError as error:
            return _failure(f"Could not connect: {str(error) or 'connection refused'}.", began)
        except (httpcore.LocalProtocolError, httpcore.UnsupportedProtocol, UnicodeError) as error:
            return _failure(f"The request could not be sent: {error}.", began)
        except (httpcore.NetworkError, httpcore.RemoteProtocolError) as error:
            return _failure(f"The exchange failed: {str(error) or type(error).__name__}.", began)
        return SendResult(
            status=status,
            headers=response_headers,
            body=text,
            duration_ms=_since(began),
        )

    async def _exchange(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, tuple[tuple[str, str], ...], str]:
        if (problem := method_problem(method, self._policy)) is not None:
            raise WebhookRefusedError(f"the method {method} is refused: it {problem}")
        try:
            target = target_of(url, self._policy)
        except WebhookRefusedError as refusal:
            raise WebhookRefusedError(f"the URL {refusal}") from refusal
        # The request goes to the host and port just checked: httpcore gets them as parts, not
        # as a URL to parse again (its parser and ours could disagree on an odd URL).
        parts = urlsplit(url)
        request_url = httpcore.URL(
            scheme=target.scheme,
            host=target.host,
            port=target.port,
            target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        )
        sent = [(b"Host", parts.netloc.encode("ascii"))]
        sent += [
            (name.encode("ascii"), value.encode("utf-8"))
            for name, value in headers
            if name.lower() not in _OWN_HEADERS
        ]
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self._timeout)
        async with self._pool.stream(
            method.upper(),
            request_url,
            headers=sent,
            content=body,
            extensions={"timeout": timeouts},
        ) as response:
            received = bytearray()
            # Stop reading at the cap: a receiver that streams forever costs no more than that.
            chunks = response.aiter_stream()
            try:
                async for chunk in chunks:
                    received += chunk
                    if len(received) >= self._max_response_bytes:
                        break
            finally:
                if isinstance(chunks, AsyncGenerator):  # it is one; closed now, not when collected
                    await chunks.aclose()
            text = bytes(received[: self._max_response_bytes]).decode("utf-8", errors="replace")
            received_headers = tuple(
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in response.headers
            )
            return response.status, received_headers, text

    async def aclose(self) -> None:
        """Close the connections kept alive between calls."""
        await self._pool.aclose()


def _since(began: float) -> float:
    return (time.perf_counter() - began) * 1000


def _failure(error: str, began: float) -> SendResult:
    return SendResult(error=error, duration_ms=_since(began))
