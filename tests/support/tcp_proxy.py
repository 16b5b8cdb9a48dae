"""A TCP proxy on 127.0.0.1 that tests stop and start to make a real database go away."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit


class Proxy:
    """Forwards TCP connections from a port on 127.0.0.1 to the database server."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self.port = 0

    async def start(self) -> None:
        """Listen, on the same port as before if the proxy ran already."""
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and cut every forwarded connection."""
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    def freeze(self) -> None:
        """Keep every connection open but pass no byte either way: a database gone silent."""
        self._flowing.clear()

    def thaw(self) -> None:
        """Pass bytes again, those held back included."""
        self._flowing.set()

    async def _forward(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(client)
        await self._flowing.wait()
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self._target)
        except OSError:
            client.transport.abort()
            return
        self._writers.add(upstream)
        try:
            await asyncio.gather(
                self._pipe(client_reader, upstream), self._pipe(upstream_reader, client)
            )
        finally:
            for writer in (client, upstream):
                writer.transport.abort()
                self._writers.discard(writer)
            self._handlers.discard(task)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        except OSError:
            pass  # the other side went away; the caller cuts both
        finally:
            writer.transport.abort()


def through(url: str, port: int) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    user_info, _, _ = parts.netloc.rpartition("@")
    netloc = f"{user_info}@127.0.0.1:{port}" if user_info else f"127.0.0.1:{port}"
    return parts._replace(netloc=netloc).geturl()


class ThreadedProxy:
    """A `Proxy` on an event loop of its own thread, for code that blocks the test's loop.

    litestar's test client runs the application through a blocking portal, and a broker process
    is driven with blocking calls; a proxy on the test's own loop would then never get to run.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        import threading

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._proxy = Proxy(target_host, target_port)

    @property
    def port(self) -> int:
        """The port the proxy listens on (the same after a restart)."""
        return self._proxy.port

    def start(self) -> None:
        """Listen and forward."""
        asyncio.run_coroutine_threadsafe(self._proxy.start(), self._loop).result(10)

    def stop(self) -> None:
        """Stop listening and cut every forwarded connection."""
        asyncio.run_coroutine_threadsafe(self._proxy.stop(), self._loop).result(10)

    def freeze(self) -> None:
        """Keep the connections open but pass nothing (see `Proxy.freeze`)."""
        self._loop.call_soon_threadsafe(self._proxy.freeze)

    def thaw(self) -> None:
        """Pass bytes again."""
        self._loop.call_soon_threadsafe(self._proxy.thaw)

    def close(self) -> None:
        """Stop the loop and its thread."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@contextmanager
def proxied(database_url: str) -> Iterator[ThreadedProxy]:
    """A started `ThreadedProxy` to the server of `database_url`; stopped and closed after."""
    parts = urlsplit(database_url)
    proxy = ThreadedProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.thaw()
        proxy.stop()
        proxy.close()
