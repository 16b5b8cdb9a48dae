"""A TCP round-robin proxy on 127.0.0.1: each new connection goes to the next backend in turn.

It reads a connection's first request head before it connects (so the `X-Test-Request` tag of
every connection is known, even one whose backend dies before anything is passed on).

A backend that refuses the connection (a broker being restarted) is passed over for the next
one. When a backend's side of a connection ends first (a killed broker's), the client's side is
closed too, which is what a client of a load balancer sees of a backend killed under its
request; the proxy counts those connections per backend (`cut`). Clients that close their
connection after each answer never see a healthy broker end one first: so `cut` bounds the
requests a kill may break.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter

_ROUNDS = 5


class RoundRobinProxy:
    """Spreads TCP connections over `backends` ((host, port) pairs) in turn."""

    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self._backends = backends
        self._turn = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.handed: Counter[int] = Counter()
        """Connections each backend (by index) was given."""
        self.cut: Counter[int] = Counter()
        """Connections each backend ended before the client did."""
        self.refused = 0
        """Connections a backend refused, passed on to the next."""
        self.connect_errors: Counter[str] = Counter()
        """Failed connects, by backend and error."""
        self.unserved = 0
        """Connections every backend refused: cut at once."""
        self.tagged: dict[str, tuple[int, bool]] = {}
        """By the `X-Test-Request` header of its first request: a connection's backend, and
        whether that backend cut it."""
        self.port = 0

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and cut every connection."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _connect(self) -> tuple[int, asyncio.StreamReader, asyncio.StreamWriter] | None:
        # As a load balancer does, a connection every backend refused is tried again a few
        # times: on a busy machine a connect can fail for want of a free local port.
        for attempt in range(_ROUNDS):
            for _ in range(len(self._backends)):
                index = self._turn % len(self._backends)
                self._turn += 1
                try:
                    reader, writer = await asyncio.open_connection(*self._backends[index])
                except OSError as error:
                    self.refused += 1
                    self.connect_errors[f"{index}: {type(error).__name__}"] += 1
                    continue
                return index, reader, writer
            await asyncio.sleep(0.05 * (attempt + 1))
        return None

    async def _serve(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(client)
        try:
            # The first request's head before a backend is chosen, as an HTTP load balancer
            # reads it: the connection is tagged by it even when its backend dies at once.
            try:
                head = await client_reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                return  # the client closed without a request
            connected = await self._connect()
            if connected is None:
                self.unserved += 1
                client.transport.abort()
                return
            index, upstream_reader, upstream = connected
            self.handed[index] += 1
            self._writers.add(upstream)
            ended: list[str] = []
            sent: list[bytes] = [head]
            upstream.write(head)
            asking = asyncio.create_task(_pipe(client_reader, upstream, "client", ended, sent))
            answering = asyncio.create_task(_pipe(upstream_reader, client, "backend", ended))
            try:
                await asyncio.gather(asking, answering)
                is_cut = ended[0] != "client closed"
                if is_cut:
                    self.cut[index] += 1
                tag = _TAG.search(sent[0]) if sent else None
                if tag is not None:
                    self.tagged[tag[1].decode("latin-1")] = (index, is_cut)
            finally:
                for pipe in (asking, answering):
                    pipe.cancel()
                upstream.transport.abort()
                self._writers.discard(upstream)
        finally:
            client.transport.abort()
            self._writers.discard(client)
            self._handlers.discard(task)


_TAG = re.compile(rb"(?im)^x-test-request:[ \t]*([A-Za-z0-9-]{1,64})[ \t]*\r?$")


async def _pipe(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    side: str,
    ended: list[str],
    sent: list[bytes] | None = None,
) -> None:
    """Copy until the reader's `side` ends, note how in `ended`, then close the writer (after
    what it holds is sent), or cut it at once when a side broke.

    The note comes before the close: closing one side ends the other pipe in the same turn
    of the loop, and `ended[0]` must say which side ended first.
    """
    try:
        while data := await reader.read(65536):
            if sent is not None and not sent:
                sent.append(data)
            writer.write(data)
            await writer.drain()
    except OSError:
        ended.append(f"{side} broke")
        writer.transport.abort()
        return
    ended.append(f"{side} closed")
    writer.close()
