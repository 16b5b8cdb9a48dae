"""A lean HTTP/1.1 client: `httpx.Request` in, the whole answer (`Answer`) out.

It keeps one keep-alive connection per origin. The verifier sends one request at a time per
worker and reads each answer whole, so it needs neither a pool nor streaming; httpx's
transport stack (httpcore, h11, anyio) spent most of the verifier's CPU on each exchange.
This module writes the request line and headers itself and reads the answer with asyncio's
stream reader: the status line, the headers, and a body framed as RFC 9112 section 6.3 says
(none for HEAD, 1xx, 204 and 304; chunked; `Content-Length`; or up to the close). The answer
is a plain `Answer`, not an `httpx.Response` (whose headers and decoders cost as much again);
httpx still undoes a content coding when there is one, and header names and values are read
as httpx reads them.

What the provider sends is untrusted: the header block is bounded (`MAX_HEADER_BYTES`,
`MAX_HEADERS`) and so is the body (`MAX_BODY_BYTES`, decoded or not), a malformed line or
conflicting framing is refused, and an answer that cannot be framed closes the connection.
What goes out is checked too: a method, header name or value, or target with characters that
would split the request (CR, LF, NUL) is refused before
anything is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from collections.abc import Callable

import httpx

from verifier._errors import VerifierError

MAX_HEADER_BYTES = 64 * 1024
"""The most a status line and its headers may take, and the longest chunk-size line."""

MAX_HEADERS = 500
"""The most header (or trailer) lines an answer may carry."""

MAX_BODY_BYTES = 64 * 1024 * 1024
"""The most body an answer may carry, as sent and with its content coding undone (as much as
the verifier reads of a pact or OpenAPI file): an endless or bomb-sized answer would otherwise
fill memory before the timeout ends it."""

_READ_SIZE = 64 * 1024

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FIELD_VALUE = re.compile(rb"[^\x00\r\n]*")
_TARGET = re.compile(rb"[\x21-\x7e\x80-\xff]+")
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: [^\r\n]*)?")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SWITCHING_PROTOCOLS = 101
_INFORMATIONAL = range(100, 200)
_WITHOUT_BODY = frozenset({204, 304})
_SUCCESS_FIRST, _SUCCESS_END = 200, 300


class ProtocolError(VerifierError):
    """The exchange broke HTTP/1.1: the message says how, in a few words.

    `Connection.send` turns it into a `ReplayError`.
    """


class _Connection:
    """One open connection and whether it may carry another request."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reusable = True

    def is_usable(self) -> bool:
        """Whether the peer has not closed it, nor sent anything unasked, since its last answer."""
        return (
            self.reusable
            and not self.reader.at_eof()
            # Bytes past the last answer (a body longer than announced) would be read as the
            # next answer: a fresh connection instead, as httpcore does.
            and not getattr(self.reader, "_buffer", b"")
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        self.reusable = False
        self.writer.close()


class Answer:
    """An answer read whole: its status, headers as sent, and content (its coding undone).

    Args:
        status_code: The status.
        raw_headers: The header lines as they came, name and value in bytes.
        content: The body once any `Content-Encoding` is undone.
    """

    __slots__ = ("content", "raw_headers", "status_code")

    def __init__(
        self, status_code: int, raw_headers: list[tuple[bytes, bytes]], content: bytes
    ) -> None:
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.content = content

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return _SUCCESS_FIRST <= self.status_code < _SUCCESS_END

    @property
    def headers(self) -> httpx.Headers:
        """The headers as httpx's case-insensitive multi-dict."""
        return httpx.Headers(self.raw_headers)

    def header_items(self) -> list[tuple[str, str]]:
        """Every header as (lower-case name, value) text, decoded as httpx decodes them.

        That is ASCII when every name and value is ASCII, else UTF-8 when every one is, else
        ISO-8859-1 (`httpx.Headers.multi_items`).
        """
        encoding = _header_encoding(self.raw_headers)
        return [
            (name.lower().decode(encoding), value.decode(encoding))
            for name, value in self.raw_headers
        ]


def _header_encoding(headers: list[tuple[bytes, bytes]]) -> str:
    if all(name.isascii() and value.isascii() for name, value in headers):
        return "ascii"
    try:
        for name, value in headers:
            name.decode("utf-8")
            value.decode("utf-8")
    except UnicodeDecodeError:
        return "iso-8859-1"
    return "utf-8"


def _decoded(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    """The body with its content codings undone (by httpx, which knows gzip, br, zstd…)."""
    if not body or not any(name.lower() == b"content-encoding" for name, _ in headers):
        return body
    response = httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))
    parts, size = [], 0
    for part in response.iter_bytes():
        size += len(part)
        _check_size(size, "decoded")
        parts.append(part)
    return b"".join(parts)


def _check_size(size: int, what: str = "") -> None:
    """Refuse an answer whose body (`what`: "decoded" when decoded) grew past the bound."""
    if size > MAX_BODY_BYTES:
        raise ProtocolError(
            f"the answer's {what} body is over {MAX_BODY_BYTES:,} bytes".replace("  ", " ")
        )


class Http1Client:
    """Sends requests over one keep-alive connection per origin (scheme, host, port).

    Args:
        tls: The TLS context for `https` origins, or a callable that builds it when the first
            one is met (loading the CA store takes tens of milliseconds).
        timeout: Seconds an exchange may take, from connecting to the last byte of the answer.
    """

    def __init__(self, tls: ssl.SSLContext | Callable[[], ssl.SSLContext], timeout: float) -> None:
        self._tls = tls
        self._timeout = timeout
        self._open: dict[tuple[str, str, int], _Connection] = {}

    async def aclose(self) -> None:
        """Close every connection."""
        connections, self._open = list(self._open.values()), {}
        for connection in connections:
            connection.close()
        for connection in connections:
            with contextlib.suppress(OSError):  # ssl.SSLError is an OSError
                await connection.writer.wait_closed()

    async def send(self, request: httpx.Request) -> Answer:
        """Send `request` and read the whole answer (its content decoded).

        Raises:
            TimeoutError: When the exchange took longer than the timeout.
            OSError: When the connection could not be made or broke (`ssl.SSLError` included).
            ProtocolError: When the request cannot be written or the answer is not HTTP/1.1.
            httpx.DecodingError: When the content coding of the body is broken.
        """
        head, body = await _serialise(request)
        url = request.url
        key = (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80))
        async with asyncio.timeout(self._timeout):
            connection = self._open.pop(key, None)
            if connection is not None and not connection.is_usable():
                connection.close()
                connection = None
            if connection is None:
                connection = await self._connect(*key)
            try:
                connection.writer.writelines((head, body))
                status, headers, content = await _read_answer(connection, request.method)
            except BaseException:
                connection.close()
                raise
        if connection.reusable and _wants_close(request.headers.get("connection")):
            connection.reusable = False
        if connection.reusable:
            self._open[key] = connection
        else:
            connection.close()
        return Answer(status, headers, _decoded(status, headers, content))

    async def _connect(self, scheme: str, host: str, port: int) -> _Connection:
        if scheme not in _DEFAULT_PORTS:
            raise ProtocolError(f"the URL scheme {scheme!r} is not http or https")
        context: ssl.SSLContext | None = None
        if scheme == "https":
            if not isinstance(self._tls, ssl.SSLContext):
                self._tls = self._tls()
            context = self._tls
        reader, writer = await asyncio.open_connection(
            host,
            port,
            ssl=context,
            server_hostname=host if context is not None else None,
            limit=MAX_HEADER_BYTES,
        )
        return _Connection(reader, writer)


async def _serialise(request: httpx.Request) -> tuple[bytes, bytes]:
    """The request line and headers, and the body (chunk-framed if the headers ask for it)."""
    body = await request.aread()
    target = request.url.raw_path
    method = request.method.encode("ascii", errors="replace")
    if _TOKEN.fullmatch(method) is None:
        raise ProtocolError(f"the method {request.method!r} is not an HTTP token")
    if _TARGET.fullmatch(target) is None:
        raise ProtocolError("the request target holds spaces or control characters")
    lines = [method, b" ", target, b" HTTP/1.1\r\n"]
    chunked = False
    for name, value in request.headers.raw:
        if _TOKEN.fullmatch(name) is None:
            raise ProtocolError(f"the header name {name!r} is not an HTTP token")
        if _FIELD_VALUE.fullmatch(value) is None:
            raise ProtocolError(f"the value of the header {name.decode()!r} holds CR, LF or NUL")
        if name.lower() == b"transfer-encoding":
            chunked = value.strip().lower() == b"chunked"
        lines += [name, b": ", value, b"\r\n"]
    lines.append(b"\r\n")
    if chunked:
        body = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    return b"".join(lines), body


def _wants_close(connection_header: str | None) -> bool:
    return connection_header is not None and "close" in connection_header.lower()


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise ProtocolError(f"the answer has a line over {MAX_HEADER_BYTES} bytes") from None
    except asyncio.IncompleteReadError as error:
        if not error.partial:
            raise ProtocolError("the provider closed the connection without answering") from None
        raise ProtocolError("the provider closed the connection mid-answer") from None
    return line.rstrip(b"\r\n") if line.endswith(b"\r\n") else line[:-1]


async def _read_fields(reader: asyncio.StreamReader) -> list[tuple[bytes, bytes]]:
    """Header (or trailer) lines up to the empty line, names as sent, values trimmed."""
    fields: list[tuple[bytes, bytes]] = []
    size = 0
    while True:
        line = await _read_line(reader)
        if not line:
            return fields
        size += len(line)
        if size > MAX_HEADER_BYTES or len(fields) >= MAX_HEADERS:
            raise ProtocolError(
                f"the answer's headers exceed {MAX_HEADERS} lines or {MAX_HEADER_BYTES} bytes"
            )
        name, colon, value = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise ProtocolError(f"the answer has a malformed header line {line[:80]!r}")
        value = value.strip(b" \t")
        if _FIELD_VALUE.fullmatch(value) is None:
            raise ProtocolError(f"the answer's header {name.decode()!r} holds NUL")
        fields.append((name, value))


def _values(fields: list[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    return [value for key, value in fields if key.lower() == name]


async def _read_answer(
    connection: _Connection, method: str
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body of the next final answer."""
    reader = connection.reader
    while True:
        line = await _read_line(reader)
        matched = _STATUS_LINE.fullmatch(line)
        if matched is None:
            raise ProtocolError(
                f"the answer does not start with an HTTP/1 status line: {line[:80]!r}"
            )
        minor, status = matched.group(1), int(matched.group(2))
        headers = await _read_fields(reader)
        if status not in _INFORMATIONAL or status == _SWITCHING_PROTOCOLS:
            break
    if status == _SWITCHING_PROTOCOLS:
        raise ProtocolError(
            "the provider switched protocols (101), which the verifier does not speak"
        )
    connection_tokens = b",".join(_values(headers, b"connection")).lower()
    if b"close" in connection_tokens or (minor == b"0" and b"keep-alive" not in connection_tokens):
        connection.reusable = False
    if method == "HEAD" or status in _WITHOUT_BODY:
        return status, headers, b""
    codings = _values(headers, b"transfer-encoding")
    if codings:
        if b",".join(codings).strip().lower() != b"chunked":
            raise ProtocolError("the answer has a Transfer-Encoding other than chunked")
        return status, headers, await _read_chunked(reader)
    lengths = {
        value for joined in _values(headers, b"content-length") for value in joined.split(b",")
    }
    if lengths:
        stripped = {value.strip() for value in lengths}
        if len(stripped) != 1 or not next(iter(stripped)).isdigit():
            raise ProtocolError("the answer has an invalid or conflicting Content-Length")
        length = int(next(iter(stripped)))
        _check_size(length)
        try:
            body = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            raise ProtocolError("the provider closed the connection mid-answer") from None
        return status, headers, body
    connection.reusable = False
    return status, headers, await _read_to_close(reader)


async def _read_to_close(reader: asyncio.StreamReader) -> bytes:
    parts, size = [], 0
    while part := await reader.read(_READ_SIZE):
        size += len(part)
        _check_size(size)
        parts.append(part)
    return b"".join(parts)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        line = await _read_line(reader)
        matched = _CHUNK_SIZE.fullmatch(line.strip(b" \t"))
        if matched is None:
            raise ProtocolError(f"the answer has a malformed chunk size line {line[:80]!r}")
        chunk = int(matched.group(1), 16)
        size += chunk
        _check_size(size)
        if chunk == 0:
            await _read_fields(reader)  # trailers: read past, not kept (as httpx does)
            return b"".join(parts)
        try:
            parts.append(await reader.readexactly(chunk))
            ending = await reader.readexactly(2)
        except asyncio.IncompleteReadError:
            raise ProtocolError("the provider closed the connection mid-answer") from None
        if ending != b"\r\n":
            raise ProtocolError("the answer has a chunk that does not end with CRLF")
