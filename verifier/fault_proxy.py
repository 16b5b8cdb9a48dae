"""The fault proxy: an HTTP reverse proxy to one upstream that can be told to misbehave.

A provider's dependency URL points at the proxy during tests; the proxy forwards each request
to its one upstream, unless told otherwise through its control API, served on the same
listener under `/__fault/`:

    GET    /__fault/   the current faults, as JSON
    PUT    /__fault/   set faults (POST too): {"latency_ms": 0..600000, "status": 100..599 | null,
                       "drop": true | false}; fields left out keep their value
    DELETE /__fault/   back to no fault

`latency_ms` delays every proxied request before it is forwarded (or answered); `status` answers
that status (with a small JSON body) instead of forwarding; `drop` closes each connection
without answering. The proxy only ever connects to its upstream: a request whose target is not
a path (an absolute URL, `CONNECT`) is refused with 400. Heads and bodies are bounded in size and in
reading time, and each connection carries one request (`Connection: close`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from verifier._errors import VerifierError

CONTROL_PREFIX = "/__fault/"
MAX_LATENCY_MS = 600_000
MIN_STATUS, MAX_STATUS = 100, 599
MAX_HEAD_BYTES = 64 * 1024
MAX_HEADERS = 100
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
READ_SECONDS = 30  # to read one request's head and body
# Headers that describe one hop, not the message (RFC 9110 §7.6.1), and those httpx sets itself.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}


@dataclass
class Faults:
    """What the proxy does to each request: delay it, answer a status, or drop it."""

    latency_ms: int = 0
    status: int | None = None
    drop: bool = False


class FaultRequestError(VerifierError):
    """A request the proxy cannot read or use; answered with `status` and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes


def set_faults(faults: Faults, changes: Any) -> list[str]:
    """Apply a control request's JSON to `faults`; the problems found (nothing applied then)."""
    if not isinstance(changes, dict):
        return ["the body must be a JSON object with latency_ms, status or drop"]
    problems = [f"{name}: unknown field" for name in changes if name not in asdict(faults)]
    latency = changes.get("latency_ms", faults.latency_ms)
    if (
        isinstance(latency, bool)
        or not isinstance(latency, int)
        or not 0 <= latency <= MAX_LATENCY_MS
    ):
        problems.append(f"latency_ms: must be an integer from 0 to {MAX_LATENCY_MS}")
    status = changes.get("status", faults.status)
    if status is not None and (
        isinstance(status, bool)
        or not isinstance(status, int)
        or not MIN_STATUS <= status <= MAX_STATUS
    ):
        problems.append("status: must be an integer from 100 to 599, or null")
    drop = changes.get("drop", faults.drop)
    if not isinstance(drop, bool):
        problems.append("drop: must be true or false")
    if not problems:
        faults.latency_ms, faults.status, faults.drop = latency, status, drop
    return problems


class FaultProxy:
    """The proxy's state and its connection handler; `serve` runs it on a listener."""

    def __init__(
        self,
        upstream: str,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        upstream_timeout: float = 30.0,
    ) -> None:
        """Proxy to `upstream` (an http or https URL); bodies over `max_body_bytes` are refused."""
        parts = urlsplit(upstream)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            msg = f"The upstream {upstream!r} is not an http or https URL."
            raise ValueError(msg)
        self.upstream = upstream.rstrip("/")
        self.faults = Faults()
        self.max_body_bytes = max_body_bytes
        self._client = httpx.AsyncClient(
            timeout=upstream_timeout, follow_redirects=False, trust_env=False
        )

    async def close(self) -> None:
        """Close the connections to the upstream."""
        await self._client.aclose()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one connection: one request, then close."""
        try:
            try:
                request = await asyncio.wait_for(self._read(reader), READ_SECONDS)
            except TimeoutError:
                return  # a client that sends its request too slowly holds no connection
            except FaultRequestError as error:
                await _answer_json(writer, error.status, {"error": str(error)})
                return
            if request is None:
                return
            if request.target.split("?")[0].startswith(CONTROL_PREFIX) or request.target in {
                CONTROL_PREFIX.rstrip("/")
            }:
                await self._control(request, writer)
                return
            faults = Faults(**asdict(self.faults))  # as they are when the request arrives
            if faults.latency_ms:
                await asyncio.sleep(faults.latency_ms / 1000)
            if faults.drop:
                return  # closed in `finally`, with nothing written
            if faults.status is not None:
                await _answer_json(
                    writer, faults.status, {"fault": "status", "status": faults.status}
                )
                return
            await self._forward(request, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _read(self, reader: asyncio.StreamReader) -> _Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise FaultRequestError(431, "the request head is too large") from None
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != len(("method", "target", "version")) or not parts[2].startswith("HTTP/1."):
            raise FaultRequestError(400, "the request line is not HTTP/1.x")
        method, target = parts[0], parts[1]
        if not target.startswith("/"):
            raise FaultRequestError(400, "the target must be a path: this proxy has one upstream")
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if not line:
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip():
                raise FaultRequestError(400, f"a header line is malformed: {line[:40]!r}")
            headers.append((name.strip(), value.strip()))
        if len(headers) > MAX_HEADERS:
            raise FaultRequestError(431, f"more than {MAX_HEADERS} headers")
        names = {name.lower(): value for name, value in headers}
        if "transfer-encoding" in names:
            raise FaultRequestError(
                411, "chunked request bodies are not accepted: send Content-Length"
            )
        length_text = names.get("content-length", "0")
        if not length_text.isdigit():
            raise FaultRequestError(400, "Content-Length is not a number")
        length = int(length_text)
        if length > self.max_body_bytes:
            raise FaultRequestError(413, f"the body is larger than {self.max_body_bytes} bytes")
        body = await reader.readexactly(length) if length else b""
        return _Request(method, target, headers, body)

    async def _control(self, request: _Request, writer: asyncio.StreamWriter) -> None:
        if request.method == "GET":
            await _answer_json(writer, 200, asdict(self.faults))
        elif request.method == "DELETE":
            self.faults = Faults()
            await _answer_json(writer, 200, asdict(self.faults))
        elif request.method in {"PUT", "POST"}:
            try:
                changes = json.loads(request.body or b"{}")
            except ValueError:
                await _answer_json(writer, 400, {"errors": ["the body is not JSON"]})
                return
            problems = set_faults(self.faults, changes)
            if problems:
                await _answer_json(writer, 400, {"errors": problems})
            else:
                await _answer_json(writer, 200, asdict(self.faults))
        else:
            await _answer_json(writer, 405, {"error": "use GET, PUT, POST or DELETE"})

    async def _forward(self, request: _Request, writer: asyncio.StreamWriter) -> None:
        headers = [
            (name, value) for name, value in request.headers if name.lower() not in _HOP_BY_HOP
        ]
        try:
            upstream_request = self._client.build_request(
                request.method,
                self.upstream + request.target,
                headers=headers,
                content=request.body or None,
            )
            response = await self._client.send(upstream_request, stream=True)
        except httpx.TimeoutException:
            await _answer_json(writer, 504, {"error": "the upstream did not answer in time"})
            return
        except httpx.HTTPError as error:
            await _answer_json(writer, 502, {"error": f"the upstream cannot be reached: {error}"})
            return
        try:
            body = bytearray()
            async for chunk in response.aiter_raw():
                body.extend(chunk)
                if len(body) > self.max_body_bytes:
                    await _answer_json(writer, 502, {"error": "the upstream's answer is too large"})
                    return
        except httpx.HTTPError as error:
            await _answer_json(writer, 502, {"error": f"the upstream's answer broke off: {error}"})
            return
        finally:
            await response.aclose()
        kept = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _HOP_BY_HOP
        ]
        await _answer(writer, response.status_code, response.reason_phrase, kept, bytes(body))


async def _answer_json(writer: asyncio.StreamWriter, status: int, content: Any) -> None:
    body = json.dumps(content).encode()
    await _answer(
        writer, status, _REASONS.get(status, "Fault"), [("Content-Type", "application/json")], body
    )


async def _answer(
    writer: asyncio.StreamWriter,
    status: int,
    reason: str,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    lines = [f"HTTP/1.1 {status} {reason or 'Status'}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    writer.write("\r\n".join(lines).encode("latin-1") + body)
    await writer.drain()


async def serve(
    host: str, port: int, proxy: FaultProxy, started: asyncio.Event | None = None
) -> None:
    """Serve `proxy` on host:port until cancelled."""
    server = await asyncio.start_server(proxy.handle, host, port, limit=MAX_HEAD_BYTES)
    if started is not None:
        started.set()
    try:
        async with server:
            await server.serve_forever()
    finally:
        await proxy.close()
