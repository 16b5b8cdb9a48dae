"""A webhook receiver on 127.0.0.1 that counts connections and answers as a test tells it to.

Each behaviour is a coroutine given the writer once the request has been read: answer, redirect,
stay silent, or stream a body that never ends. The receiver records every connection (so a test
can say none was made) and every request as raw bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

Behaviour = Callable[["Receiver", asyncio.StreamWriter], Awaitable[None]]


class Receiver:
    """An HTTP/1.1 server good for one request per connection."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0
        self.stopping = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self.stopping.set()
        self._server.close()
        await self._server.wait_closed()
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    def head_of(self, index: int) -> str:
        """The request line and headers of the `index`th request, as text."""
        return self.requests[index].split(b"\r\n\r\n", 1)[0].decode("latin-1")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        self.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            self.requests.append(head + await reader.readexactly(length))
            await self.behaviour(self, writer)
            writer.close()
            await writer.wait_closed()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass  # the sender hung up, as it may
        finally:
            if not writer.is_closing():
                writer.transport.abort()


def answering(
    status: int = 200, body: bytes = b"", headers: tuple[tuple[str, str], ...] = ()
) -> Behaviour:
    """Answer once with `status`, `headers` and `body`."""

    async def answer(receiver: Receiver, writer: asyncio.StreamWriter) -> None:
        lines = [f"HTTP/1.1 {status} Whatever", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return answer


async def silent(receiver: Receiver, writer: asyncio.StreamWriter) -> None:
    """Read the request and never answer."""
    await receiver.stopping.wait()


async def streaming_forever(receiver: Receiver, writer: asyncio.StreamWriter) -> None:
    """Answer 200 with a chunked body that ends only when the receiver stops."""
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"y" * 1024
    while not receiver.stopping.is_set():
        writer.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
        await writer.drain()
        await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def running_receiver(
    behaviour: Behaviour, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[Receiver]:
    """A started receiver, stopped on the way out."""
    receiver = Receiver(behaviour)
    await receiver.start(ssl_context)
    try:
        yield receiver
    finally:
        await receiver.stop()
