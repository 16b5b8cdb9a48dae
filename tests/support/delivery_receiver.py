"""A webhook receiver on 127.0.0.1: records every call and answers as the test says.

`WebhookReceiver` runs on the test's event loop (`async with`); `ThreadedReceiver` runs one in
a thread of its own for tests that drive broker processes synchronously. The server speaks just
enough HTTP/1.1 for the broker's sender: requests with a Content-Length, kept-alive
connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

_HEAD_LIMIT = 64 * 1024


@dataclass(frozen=True)
class ReceivedCall:
    """One request as it arrived: header names in lower case."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def delivery(self) -> str:
        """The `X-Accord-Delivery` id."""
        return self.headers.get("x-accord-delivery", "")


Answer = Callable[[ReceivedCall], Awaitable[int | None]]
"""The status to answer a call with, after whatever wait the test wants; None: never answer."""


async def answer_ok(call: ReceivedCall) -> int:
    """Answer 200 at once."""
    return 200


class WebhookReceiver:
    """An HTTP server on a free port of 127.0.0.1 that records calls and answers by `answer`."""

    def __init__(self, answer: Answer = answer_ok) -> None:
        self._answer = answer
        self.calls: list[ReceivedCall] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._arrived = asyncio.Event()
        self._closing = asyncio.Event()

    async def __aenter__(self) -> WebhookReceiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        self._closing.set()
        for writer in list(self._connections):
            writer.close()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def wait_until(
        self, done: Callable[[list[ReceivedCall]], bool], timeout: float = 20.0
    ) -> None:
        """Wait until `done(calls)` holds; fail after `timeout` seconds (a bound, not a check)."""
        async with asyncio.timeout(timeout):
            while not done(self.calls):
                self._arrived.clear()
                await self._arrived.wait()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._connections.add(writer)
        try:
            while (call := await _read_call(reader)) is not None:
                self.calls.append(call)
                self._arrived.set()
                status = await self._answer(call)
                if status is None:
                    await self._closing.wait()  # never answer
                    return
                body = b"received"
                writer.write(
                    f"HTTP/1.1 {status} Status\r\nContent-Type: text/plain\r\n"
                    f"Set-Cookie: session=receiver-secret\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._handlers.discard(task)
            self._connections.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _read_call(reader: asyncio.StreamReader) -> ReceivedCall | None:
    """The next request on a connection; None when the client closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    if len(head) > _HEAD_LIMIT:
        return None
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return ReceivedCall(method=method, target=target, headers=headers, body=body)


class ThreadedReceiver:
    """A `WebhookReceiver` on an event loop in a thread of its own, for synchronous tests."""

    def __init__(self, answer: Answer = answer_ok) -> None:
        self._answer = answer
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._receiver: WebhookReceiver | None = None

    def __enter__(self) -> ThreadedReceiver:
        self._thread.start()

        async def start() -> WebhookReceiver:
            return await WebhookReceiver(self._answer).__aenter__()

        self._receiver = asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._receiver is not None
        stop = self._receiver.__aexit__(None, None, None)
        asyncio.run_coroutine_threadsafe(stop, self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    @property
    def url(self) -> str:
        """Where the receiver listens."""
        assert self._receiver is not None
        return self._receiver.url

    @property
    def calls(self) -> list[ReceivedCall]:
        """A copy of the calls received so far."""
        assert self._receiver is not None
        return list(self._receiver.calls)

    def wait_until(
        self, done: Callable[[list[ReceivedCall]], bool], timeout: float = 60.0
    ) -> list[ReceivedCall]:
        """Wait until `done(calls)` holds; fail after `timeout` seconds. The calls then."""
        deadline = time.monotonic() + timeout
        while not done(calls := self.calls):
            assert time.monotonic() < deadline, f"the receiver waited in vain ({len(calls)} calls)"
            time.sleep(0.05)
        return calls
