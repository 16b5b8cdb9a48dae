"""How the checks reach a consumer: over HTTP (any language) or in process (Python).

Over HTTP, a message is a `POST` to the consumer URL: the body is the contents (JSON text for a
JSON value) with the message's content type, and these headers:

    Accord-Message-Id        a stable id; a redelivery (the idempotency check) repeats it
    Accord-Message-Sequence  the message's place in its group, from 1 (later versions higher)
    Accord-Interaction       the pact interaction's description, percent-encoded (UTF-8)
    Accord-Metadata          the whole metadata as JSON (ASCII)
    <key>                    each metadata entry whose key is an HTTP token, as its own header
                             (a string as is, any other value as JSON); not `Content-Type`,
                             `Content-Length`, `Host` or the `Accord-` names

A 2xx acknowledges the message, a 4xx refuses it (the dead-letter answer), anything else (a 5xx,
a redirect, no answer) is a broken delivery. `GET` on the state URL answers the observable state
as JSON (without the dead letters, which a refusal adds to); `POST` on the reset URL empties it
(any 2xx); `GET` on the dead-letter URL answers the dead letters as a JSON array.

In process, `handle(message)` gets the `EventMessage`; returning acknowledges, raising
`MessageRejected` refuses, raising anything else is a broken delivery. `snapshot()` returns
the state (a JSON-like value, copied at once), `reset()` empties it and `dead_letters()`
returns the dead letters.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Sequence
from typing import Literal, Protocol
from urllib.parse import quote

import httpx
import msgspec

from verifier._errors import VerifierError
from verifier._matching.values import JSONValue
from verifier.events.plan import EventMessage

MAX_STATE_BYTES = 10 * 1024 * 1024
_SHOWN = 200
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_RESERVED = {"content-type", "content-length", "host", "transfer-encoding", "connection"}

Verdict = Literal["acknowledged", "refused", "broken"]


class MessageRejected(VerifierError):
    """Raised by an in-process handler to refuse a message (it belongs in the dead letters)."""


class ConsumerError(VerifierError):
    """The consumer's state, reset or dead letters could not be read; the message says why."""


class Delivered(msgspec.Struct, frozen=True, kw_only=True):
    """How the consumer took one delivery."""

    verdict: Verdict
    detail: str  # `answered 202`, `raised KeyError: 'id'`, `no answer: ConnectError`


class EventConsumer(Protocol):
    """A consumer the checks deliver messages to."""

    @property
    def has_state(self) -> bool:
        """Whether `snapshot` can be called."""

    @property
    def has_reset(self) -> bool:
        """Whether `reset` can be called."""

    @property
    def has_dead_letters(self) -> bool:
        """Whether `dead_letters` can be called."""

    def deliver(self, message: EventMessage) -> Delivered:
        """Deliver one message."""

    def snapshot(self) -> JSONValue:
        """The observable state; `ConsumerError` when it cannot be read."""

    def reset(self) -> None:
        """Empty the state; `ConsumerError` when it fails."""

    def dead_letters(self) -> int:
        """How many dead letters there are; `ConsumerError` when they cannot be read."""


def body_of(message: EventMessage) -> tuple[bytes, str]:
    """The bytes delivered and their content type."""
    contents = message.contents
    declared = message.content_type
    if isinstance(contents, bytes):
        return contents, declared or "application/octet-stream"
    if isinstance(contents, str) and declared and "json" not in declared.lower():
        return contents.encode("utf-8"), declared
    return msgspec.json.encode(contents), declared or "application/json"


def headers_of(message: EventMessage) -> list[tuple[str, str]]:
    """The headers of a delivery over HTTP (see the module's docstring)."""
    _, content_type = body_of(message)
    headers = [
        ("Content-Type", content_type),
        ("Accord-Message-Id", message.message_id),
        ("Accord-Message-Sequence", str(message.sequence)),
        ("Accord-Interaction", quote(message.interaction, safe=" ")),
        ("Accord-Metadata", msgspec.json.encode(message.metadata).decode("ascii", "replace")),
    ]
    for key, value in message.metadata.items():
        lowered = key.lower()
        if not _TOKEN.match(key) or lowered in _RESERVED or lowered.startswith("accord-"):
            continue
        text = value if isinstance(value, str) else msgspec.json.encode(value).decode()
        if text.isascii() and text.isprintable():
            headers.append((key, text))
    return headers


def _shown(body: bytes) -> str:
    if not body:
        return ""
    text = body[:_SHOWN].decode("utf-8", "replace")
    return f" (body: {text}{'…' if len(body) > _SHOWN else ''})"


class _TooSlow(VerifierError):
    """An answer's body was still arriving when the deadline passed."""


def _read(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """At most `limit` + 1 bytes of an answer's body, the rest never read.

    httpx's timeout bounds each read, not the answer: a consumer sending a byte every few
    seconds would hold the check for hours. `deadline` (a `time.monotonic()` value) bounds
    the whole answer.

    Raises:
        _TooSlow: the body was still arriving at `deadline`.
    """
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            break
        if time.monotonic() > deadline:
            raise _TooSlow
    return bytes(body)


class HttpConsumer:
    """A consumer reached over HTTP.

    Args:
        consumer_url: Where messages are posted.
        state_url: Where the state is read (GET, JSON); None when the consumer shows none.
        reset_url: Where the state is emptied (POST); None when it cannot be.
        dead_letter_url: Where the dead letters are read (GET, a JSON array).
        timeout: Seconds to wait for each answer.
    """

    def __init__(
        self,
        consumer_url: str,
        *,
        state_url: str | None = None,
        reset_url: str | None = None,
        dead_letter_url: str | None = None,
        timeout: float = 30,
        client: httpx.Client | None = None,
    ) -> None:
        self.consumer_url = consumer_url
        self.state_url = state_url
        self.reset_url = reset_url
        self.dead_letter_url = dead_letter_url
        self.timeout = timeout
        self.client = client or httpx.Client(
            follow_redirects=False, trust_env=False, timeout=timeout
        )

    @property
    def has_state(self) -> bool:
        """Whether a state URL was given."""
        return self.state_url is not None

    @property
    def has_reset(self) -> bool:
        """Whether a reset URL was given."""
        return self.reset_url is not None

    @property
    def has_dead_letters(self) -> bool:
        """Whether a dead-letter URL was given."""
        return self.dead_letter_url is not None

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def __enter__(self) -> HttpConsumer:
        """The consumer, closed on the way out."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the connections."""
        self.close()

    def deliver(self, message: EventMessage) -> Delivered:
        """POST the message; 2xx acknowledged, 4xx refused, else broken."""
        content, _ = body_of(message)
        deadline = time.monotonic() + self.timeout
        status = 0
        try:
            with self.client.stream(
                "POST", self.consumer_url, content=content, headers=headers_of(message)
            ) as response:
                status = response.status_code
                shown = _read(response, _SHOWN, deadline)
        except httpx.HTTPError as error:
            return Delivered(verdict="broken", detail=f"no answer: {type(error).__name__}")
        except _TooSlow:
            detail = f"answered {status}, its body unfinished after {self.timeout:g} seconds"
            return Delivered(verdict="broken", detail=detail)
        detail = f"answered {status}"
        if 200 <= status < 300:  # noqa: PLR2004
            return Delivered(verdict="acknowledged", detail=detail)
        detail += _shown(shown)
        if 400 <= status < 500:  # noqa: PLR2004
            return Delivered(verdict="refused", detail=detail)
        return Delivered(verdict="broken", detail=detail)

    def _answer(self, method: str, url: str, what: str, *, limit: int = _SHOWN) -> bytes:
        """The body of a 2xx answer (200 when `method` is GET), at most `limit` + 1 bytes."""
        deadline = time.monotonic() + self.timeout
        headers = {"Accept": "application/json"} if method == "GET" else {}
        try:
            with self.client.stream(method, url, headers=headers) as answer:
                status = answer.status_code
                fine = status == 200 if method == "GET" else 200 <= status < 300  # noqa: PLR2004
                if not fine:
                    shown = _shown(_read(answer, _SHOWN, deadline))
                    raise ConsumerError(f"the {what} URL answered {status}{shown}")
                return _read(answer, limit, deadline)
        except httpx.HTTPError as error:
            raise ConsumerError(f"the {what} URL cannot be reached: {error}") from None
        except _TooSlow:
            msg = f"the {what} URL's answer was unfinished after {self.timeout:g} seconds"
            raise ConsumerError(msg) from None

    def _get_json(self, url: str, what: str) -> JSONValue:
        body = self._answer("GET", url, what, limit=MAX_STATE_BYTES)
        if len(body) > MAX_STATE_BYTES:
            raise ConsumerError(f"the {what} is larger than {MAX_STATE_BYTES} bytes")
        try:
            value: JSONValue = msgspec.json.decode(body)
        except msgspec.DecodeError:
            raise ConsumerError(f"the {what} is not JSON{_shown(body)}") from None
        except RecursionError:  # msgspec's own bound on nesting, far past any real state
            raise ConsumerError(f"the {what} nests too deeply to be read") from None
        return value

    def snapshot(self) -> JSONValue:
        """GET the state URL."""
        if self.state_url is None:
            raise ConsumerError("no state URL was given")
        return self._get_json(self.state_url, "state")

    def reset(self) -> None:
        """POST the reset URL."""
        if self.reset_url is None:
            raise ConsumerError("no reset URL was given")
        self._answer("POST", self.reset_url, "reset")

    def dead_letters(self) -> int:
        """GET the dead-letter URL: the length of its array."""
        if self.dead_letter_url is None:
            raise ConsumerError("no dead-letter URL was given")
        letters = self._get_json(self.dead_letter_url, "dead-letter")
        if not isinstance(letters, list):
            raise ConsumerError("the dead letters are not a JSON array")
        return len(letters)


class InProcessConsumer:
    """A Python consumer called in process.

    Args:
        handle: Takes one `EventMessage`; returns to acknowledge it, raises `MessageRejected`
            to refuse it.
        snapshot: Returns the observable state (copied at once, so later changes do not show).
        reset: Empties the state.
        dead_letters: Returns the dead letters (any sized collection), when the consumer keeps
            them.
    """

    def __init__(
        self,
        *,
        handle: Callable[[EventMessage], object],
        snapshot: Callable[[], object],
        reset: Callable[[], object],
        dead_letters: Callable[[], Sequence[object]] | None = None,
    ) -> None:
        self._handle = handle
        self._snapshot = snapshot
        self._reset = reset
        self._dead_letters = dead_letters

    has_state = True
    has_reset = True

    @property
    def has_dead_letters(self) -> bool:
        """Whether `dead_letters` was given."""
        return self._dead_letters is not None

    def deliver(self, message: EventMessage) -> Delivered:
        """Call the handler; MessageRejected refuses, any other exception is broken."""
        try:
            self._handle(message)
        except MessageRejected as rejected:
            return Delivered(verdict="refused", detail=f"rejected: {rejected}")
        except Exception as error:  # noqa: BLE001 - a crash of the consumer is the finding
            return Delivered(verdict="broken", detail=f"raised {type(error).__name__}: {error}")
        return Delivered(verdict="acknowledged", detail="handled")

    def snapshot(self) -> JSONValue:
        """A deep copy of what `snapshot()` returns."""
        try:
            state = copy.deepcopy(self._snapshot())
        except Exception as error:  # noqa: BLE001 - the user's code, reported as one sentence
            raise ConsumerError(f"snapshot() raised {type(error).__name__}: {error}") from None
        return state  # type: ignore[return-value]  # the user's value, compared by ==

    def reset(self) -> None:
        """Call `reset()`."""
        try:
            self._reset()
        except Exception as error:  # noqa: BLE001 - the user's code, reported as one sentence
            raise ConsumerError(f"reset() raised {type(error).__name__}: {error}") from None

    def dead_letters(self) -> int:
        """How many dead letters `dead_letters()` returns."""
        if self._dead_letters is None:
            raise ConsumerError("no dead_letters() was given")
        try:
            return len(self._dead_letters())
        except Exception as error:  # noqa: BLE001 - the user's code, reported as one sentence
            raise ConsumerError(f"dead_letters() raised {type(error).__name__}: {error}") from None
