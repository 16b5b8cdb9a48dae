"""The verifier's HTTP/1.1 client against a raw socket server that answers what each test says.

Each server reads one request head (and its `Content-Length` body) at a time and writes the
bytes the test scripted for it, so framing, keep-alive and refusals are seen on the wire.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest

from verifier import _http1 as http1
from verifier._errors import ReplayError
from verifier._http1 import Answer
from verifier._replay import Connection, Provider


@dataclass
class Server:
    """What the raw server saw: the requests (head and body) and the connections made."""

    url: str
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0


@asynccontextmanager
async def raw_server(
    answers: Sequence[bytes], *, close_after: bool = False
) -> AsyncIterator[Server]:
    """A server writing `answers` in turn, one per request, on whichever connection asks."""
    server = Server(url="")
    pending = list(answers)

    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.connections += 1
        writers.append(writer)
        try:
            while pending:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if b"transfer-encoding: chunked" in head.lower():
                    body = await reader.readuntil(b"0\r\n\r\n")
                else:
                    body = await reader.readexactly(length)
                server.requests.append(head + body)
                answer = pending.pop(0)
                writer.write(answer)
                await writer.drain()
                if close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        listening.close()
        for writer in writers:  # connections still open when the test is done
            writer.close()
        await asyncio.sleep(0)


def ok(body: bytes = b"{}", *extra: bytes) -> bytes:
    headers = b"".join(line + b"\r\n" for line in extra)
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), headers, body)


async def exchange(
    server: Server, *paths: str, timeout: float = 5.0, method: str = "GET"
) -> list[Answer]:
    provider = Provider(name="P", base_url=server.url, timeout=timeout)
    async with Connection(provider, provider.tls) as connection:
        return [
            await connection.send(connection.request(method, server.url + path, [], None))
            for path in paths
        ]


async def test_requests_share_one_keep_alive_connection() -> None:
    async with raw_server([ok(b'{"n":1}'), ok(b'{"n":2}')]) as server:
        first, second = await exchange(server, "/a", "/b?x=1")
    assert (first.content, second.content) == (b'{"n":1}', b'{"n":2}')
    assert server.connections == 1
    assert server.requests[1].startswith(b"GET /b?x=1 HTTP/1.1\r\n")
    assert b"\r\nUser-Agent: accord-verifier\r\n" in server.requests[0]
    assert b"\r\nHost: 127.0.0.1:" in server.requests[0]


async def test_a_chunked_body_with_extensions_and_trailers_is_read_whole() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;name=value\r\nabcd\r\n3\r\nefg\r\n0\r\nChecksum: 1\r\n\r\n"
    )
    async with raw_server([chunked, ok(b"next")]) as server:
        first, second = await exchange(server, "/a", "/b")
    assert (first.content, second.content) == (b"abcdefg", b"next")
    assert first.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in first.headers  # the headers are the provider's, as sent
    assert server.connections == 1


async def test_a_body_without_length_runs_to_the_close_and_the_next_request_reconnects() -> None:
    answers = [b"HTTP/1.1 200 OK\r\n\r\nuntil the end", ok(b"again")]
    async with raw_server(answers, close_after=True) as server:
        first, second = await exchange(server, "/a", "/b")
    assert (first.content, second.content) == (b"until the end", b"again")
    assert server.connections == 2


async def test_informational_answers_are_skipped_and_head_204_304_have_no_body() -> None:
    answers = [
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + ok(b"x"),
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\n\r\n",
        ok(b"last"),
    ]
    async with raw_server(answers) as server:
        responses = await exchange(server, "/a", "/b", "/c", "/d")
    assert [(item.status_code, item.content) for item in responses] == [
        (200, b"x"),
        (204, b""),
        (304, b""),
        (200, b"last"),
    ]
    assert server.connections == 1


async def test_a_head_answer_announcing_a_length_has_no_body() -> None:
    async with raw_server([ok(b"0123456789"), ok(b"after")]) as server:
        provider = Provider(name="P", base_url=server.url)
        async with Connection(provider, provider.tls) as connection:
            head = await connection.send(connection.request("HEAD", server.url, [], None))
            after = await connection.send(connection.request("GET", server.url, [], None))
    assert (head.content, head.headers["content-length"], after.content) == (b"", "10", b"after")


async def test_a_gzip_body_is_decoded_as_httpx_would() -> None:
    packed = gzip.compress(b'{"zipped":true}')
    async with raw_server([ok(packed, b"Content-Encoding: gzip")]) as server:
        (response,) = await exchange(server, "/a")
    assert response.content == b'{"zipped":true}'
    assert response.headers["content-encoding"] == "gzip"


async def test_a_connection_the_provider_closed_is_replaced() -> None:
    async with raw_server([ok(b"one"), ok(b"two")], close_after=True) as server:
        provider = Provider(name="P", base_url=server.url)
        async with Connection(provider, provider.tls) as connection:
            first = await connection.send(connection.request("GET", server.url, [], None))
            await asyncio.sleep(0.05)  # the close reaches the client
            second = await connection.send(connection.request("GET", server.url, [], None))
    assert (first.content, second.content) == (b"one", b"two")
    assert server.connections == 2


async def test_a_connection_with_bytes_past_the_answer_is_replaced() -> None:
    async with raw_server([ok(b"one") + b"garbage", ok(b"two")]) as server:
        provider = Provider(name="P", base_url=server.url)
        async with Connection(provider, provider.tls) as connection:
            first = await connection.send(connection.request("GET", server.url, [], None))
            await asyncio.sleep(0.05)  # the extra bytes reach the client
            second = await connection.send(connection.request("GET", server.url, [], None))
    assert (first.content, second.content) == (b"one", b"two")
    assert server.connections == 2


async def test_an_http_1_0_answer_without_keep_alive_is_not_reused() -> None:
    answer = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"
    async with raw_server([answer, answer]) as server:
        await exchange(server, "/a", "/b")
    assert server.connections == 2


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (b"ICY 200 OK\r\n\r\n", "does not start with an HTTP/1 status line"),
        (b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", "malformed header line"),
        (b"HTTP/1.1 200 OK\r\nX" + b"y" * 70_000 + b": 1\r\n\r\n", "a line over 65536 bytes"),
        (b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 501 + b"\r\n", "exceed 500 lines"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "conflicting"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid or conflicting"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "other than chunked"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", "end with CRLF"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "closed the connection mid"),
        (b"", "closed the connection without answering"),
        (b"HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols"),
    ],
)
async def test_a_malformed_answer_is_a_replay_error(answer: bytes, reason: str) -> None:
    async with raw_server([answer], close_after=True) as server:
        with pytest.raises(ReplayError, match="could not be reached") as caught:
            await exchange(server, "/a")
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("method", "path", "headers", "reason"),
    [
        ("GET", "/a", [("X-Evil", "1\r\nInjected: yes")], "holds CR, LF or NUL"),
        ("GET", "/a", [("Bad Name", "1")], "is not an HTTP token"),
        ("GE T", "/a", [], "is not an HTTP token"),
    ],
)
async def test_a_request_that_would_split_is_refused_before_anything_is_sent(
    method: str, path: str, headers: list[tuple[str, str]], reason: str
) -> None:
    async with raw_server([ok()]) as server:
        provider = Provider(name="P", base_url=server.url)
        async with Connection(provider, provider.tls) as connection:
            request = httpx.Request(method, server.url + path, headers=headers)
            with pytest.raises(ReplayError, match=reason):
                await connection.send(request)
    assert server.requests == []


async def test_a_streamed_request_body_is_sent_chunked() -> None:
    async def parts() -> AsyncIterator[bytes]:
        yield b"hello "
        yield b"world"

    async with raw_server([ok()]) as server:
        provider = Provider(name="P", base_url=server.url)
        async with Connection(provider, provider.tls) as connection:
            await connection.send(httpx.Request("POST", server.url, content=parts()))
    assert server.requests[0].startswith(b"POST / HTTP/1.1\r\n")
    assert server.requests[0].endswith(b"\r\n\r\nb\r\nhello world\r\n0\r\n\r\n")


async def test_a_silent_provider_times_out_with_the_request_named() -> None:
    answered = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await answered.wait()
        writer.close()

    listening = await asyncio.start_server(silent, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    try:
        provider = Provider(name="P", base_url=url, timeout=0.2)
        async with Connection(provider, provider.tls) as connection:
            with pytest.raises(ReplayError, match=r"did not answer GET .*/slow within 0.2 s"):
                await connection.send(connection.request("GET", url + "/slow", [], None))
    finally:
        answered.set()
        listening.close()
        await listening.wait_closed()


async def test_each_origin_gets_its_own_connection() -> None:
    async with raw_server([ok(b"a1"), ok(b"a2")]) as first, raw_server([ok(b"b1")]) as second:
        provider = Provider(name="P", base_url=first.url)
        async with Connection(provider, provider.tls) as connection:
            answers = [
                await connection.send(connection.request("GET", url, [], None))
                for url in (first.url, second.url, first.url)
            ]
    assert [item.content for item in answers] == [b"a1", b"b1", b"a2"]
    assert (first.connections, second.connections) == (1, 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (b"plain", "plain"),
        ("caf\u00e9".encode(), "caf\u00e9"),  # every header UTF-8: read as UTF-8
        (b"caf\xe9", "caf\u00e9"),  # not UTF-8: ISO-8859-1, as httpx reads it
    ],
)
async def test_header_names_are_lower_cased_and_values_decoded_as_httpx_does(
    value: bytes, text: str
) -> None:
    async with raw_server([ok(b"", b"X-Name: " + value)]) as server:
        (answer,) = await exchange(server, "/")
    assert ("x-name", text) in answer.header_items()
    reference = httpx.Response(200, headers=answer.raw_headers)
    assert answer.header_items() == reference.headers.multi_items()


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (ok(b"x" * 1001), "body is over 1,000 bytes"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"1f4\r\n"
            + b"x" * 500
            + b"\r\n"
            + b"1f5\r\n"
            + b"x" * 501
            + b"\r\n0\r\n\r\n",
            "body is over 1,000 bytes",
        ),
        (b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 1001, "body is over 1,000 bytes"),
        (
            ok(gzip.compress(b"x" * 1001, mtime=0), b"Content-Encoding: gzip"),
            "decoded body is over 1,000",
        ),
        # The length alone is refused: nothing of a 10 GB body is read.
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n", "body is over 1,000 bytes"),
    ],
    ids=["length", "chunked", "to-close", "gzip", "announced"],
)
async def test_a_body_over_the_bound_is_refused_as_sent_and_decoded(
    answer: bytes, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http1, "MAX_BODY_BYTES", 1000)
    async with raw_server([answer], close_after=True) as server:
        with pytest.raises(ReplayError, match="could not be reached") as caught:
            await exchange(server, "/a")
    assert reason in str(caught.value)


async def test_a_body_at_the_bound_is_read_in_each_framing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http1, "MAX_BODY_BYTES", 1000)
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"1f4\r\n"
        + b"y" * 500
        + b"\r\n"
        + b"1f4\r\n"
        + b"y" * 500
        + b"\r\n0\r\n\r\n"
    )
    zipped = ok(gzip.compress(b"z" * 1000, mtime=0), b"Content-Encoding: gzip")
    async with raw_server([ok(b"x" * 1000), chunked, zipped]) as server:
        plain, pieces, decoded = await exchange(server, "/a", "/b", "/c")
    assert (plain.content, pieces.content, decoded.content) == (
        b"x" * 1000,
        b"y" * 1000,
        b"z" * 1000,
    )
    async with raw_server([b"HTTP/1.1 200 OK\r\n\r\n" + b"w" * 1000], close_after=True) as server:
        (closed,) = await exchange(server, "/a")
    assert closed.content == b"w" * 1000
