"""The request builder both clients share: auth, headers, URLs, and reading answers.

It does no I/O. It turns a method and an href into an `httpx.Request`, and an
`httpx.Response` into a struct or a `BrokerError`, so `BrokerClient` and `AsyncBrokerClient`
only differ in how they send. Transport failures become `BrokerUnreachableError` (`unreachable`).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Mapping
from typing import TypeVar

import httpx
import msgspec

from clients.sdk._errors import (
    BrokerError,
    BrokerUnreachableError,
    CrossOriginError,
    FieldError,
    NotFoundError,
    UnexpectedResponseError,
)
from clients.sdk._origins import origin
from clients.sdk._wire import Notice

T = TypeVar("T")

logger = logging.getLogger("clients.sdk")

ACCEPT = "application/hal+json, application/json"
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"

# The longest piece of a non-JSON error body that goes into a message.
_TEXT_LIMIT = 200


class RequestBuilder:
    """Builds requests to one broker and reads its answers.

    Args:
        base_url: the broker's base URL, possibly with a path prefix (`https://ci/pact`).
        token: a bearer token; wins over username and password.
        username: for basic auth.
        password: for basic auth.
        timeout: seconds to wait for connect, read and write.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        self._timeout = httpx.Timeout(timeout).as_dict()
        self._headers = {"Accept": ACCEPT}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        elif username is not None:
            pair = f"{username}:{password or ''}".encode()
            self._headers["Authorization"] = f"Basic {base64.b64encode(pair).decode('ascii')}"

    @property
    def has_credentials(self) -> bool:
        """Whether requests carry a token or a password."""
        return "Authorization" in self._headers

    def url(self, href: str) -> httpx.URL:
        """Resolve an href: absolute ones as given, `/path` ones under the base URL's path."""
        url = httpx.URL(href)
        if url.is_absolute_url:
            return url
        return self.base_url.join(href.lstrip("/"))

    def request(
        self,
        method: str,
        href: str,
        *,
        body: object = None,
        params: Mapping[str, str] | None = None,
        content_type: str = JSON,
    ) -> httpx.Request:
        """Build a request; writes (every method but GET and DELETE) carry a JSON body.

        A link to another origin than the base URL's (a pact URL or HAL link the broker
        handed out) is followed only when the builder holds no credentials: the token or
        password never leaves the broker's origin. With credentials it is refused, because
        the same request without them would only fail (or hand a verification result to
        someone else); behind a proxy, the broker's configured base URL (`ACCORD_BASE_URL`,
        the Pact Broker's `PACT_BROKER_BASE_URL`) makes its links name the address clients use.

        Args:
            method: the HTTP method.
            href: where to send it (see `url`).
            body: what to encode as JSON; None sends `{}` on writes.
            params: query parameters.
            content_type: the body's media type, `application/merge-patch+json` for PATCH.

        Raises:
            CrossOriginError: `href` is on another origin and the builder holds credentials.
        """
        url = self.url(href)
        if self.has_credentials and origin(url) != origin(self.base_url):
            raise CrossOriginError(
                f"The link {url} leads to {origin(url)}, not to the broker at "
                f"{origin(self.base_url)}, and the broker's credentials go to the broker only, "
                "so it was not followed (behind a proxy, set the broker's base URL, "
                "ACCORD_BASE_URL or PACT_BROKER_BASE_URL, to the address you use).",
                link=str(url),
                broker=str(self.base_url),
            )
        if params:
            url = url.copy_merge_params(dict(params))
        headers = dict(self._headers)
        content = None
        if method not in {"GET", "DELETE"}:
            headers["Content-Type"] = content_type
            content = msgspec.json.encode({} if body is None else body)
        return httpx.Request(
            method, url, headers=headers, content=content, extensions={"timeout": self._timeout}
        )

    def read(self, response: httpx.Response, into: type[T]) -> T:
        """Decode a success answer into `into`.

        Raises:
            BrokerError: the status is 4xx or 5xx (NotFoundError for 404).
            UnexpectedResponseError: the body is not the JSON the SDK expects.
        """
        self.check(response)
        try:
            return msgspec.json.decode(response.content, type=into)
        except msgspec.DecodeError as error:
            msg = (
                f"The broker's answer to {response.request.method} {response.request.url} "
                f"could not be read ({error})"
            )
            raise UnexpectedResponseError(msg) from error

    def check(self, response: httpx.Response) -> None:
        """Raise the `BrokerError` an error status stands for; do nothing on success."""
        if response.is_success:
            return
        raise broker_error(response)


def unreachable(builder: RequestBuilder, error: httpx.TransportError) -> BrokerUnreachableError:
    """The one sentence for a broker that did not answer."""
    if isinstance(error, httpx.TimeoutException):
        reason = "it did not answer in time"
    else:
        # "[Errno 111] Connection refused" -> "connection refused"
        reason = re.sub(r"^\[Errno -?\d+\]\s*", "", str(error)) or type(error).__name__
        reason = reason[:1].lower() + reason[1:]
    base_url = str(builder.base_url).rstrip("/")
    return BrokerUnreachableError(f"Could not reach the broker at {base_url}: {reason}.")


def log_exchange(response: httpx.Response) -> None:
    """Log one request and its status at debug level (the CLI's --verbose shows them)."""
    request = response.request
    logger.debug("%s %s -> %s", request.method, request.url, response.status_code)


def broker_error(response: httpx.Response) -> BrokerError:
    """Read either error rendering into a `BrokerError`.

    `application/problem+json` (RFC 9457) has `title`, `detail` and `errors: [{pointer,
    detail}]`. The Pact Broker's hal+json has `errors: {field: [messages]}`, a plain list of
    messages, `{"error": "text"}`, or `{"error": {"message", "reference"}}` for a 500.
    A refused publication (`POST /contracts/publish`, 409) gives its reason in the `error`
    notices of `notices: [{type, text}]` (§5.3 of the API reference), so those become the
    detail when nothing else explains the error.
    """
    title: str | None = None
    detail: str | None = None
    errors: tuple[FieldError, ...] = ()
    notices: tuple[Notice, ...] = ()
    document = _json_object(response)
    if document is not None:
        title = _text(document.get("title"))
        detail = _text(document.get("detail"))
        error = document.get("error")
        if isinstance(error, dict):
            detail = detail or _text(error.get("message"))
        else:
            detail = detail or _text(error)
        errors = _field_errors(document.get("errors"))
        notices = _notices(document.get("notices"))
        detail = detail or _error_notices(notices)
    elif response.text.strip():
        detail = response.text.strip().splitlines()[0][:_TEXT_LIMIT]
    kind = NotFoundError if response.status_code == httpx.codes.NOT_FOUND else BrokerError
    return kind(
        _sentence(response, title, detail, errors),
        status=response.status_code,
        title=title,
        detail=detail,
        errors=errors,
        notices=notices,
        url=str(response.request.url),
    )


def _json_object(response: httpx.Response) -> dict[str, object] | None:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        document = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return None
    return document if isinstance(document, dict) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _notices(value: object) -> tuple[Notice, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Notice(type=str(item.get("type") or "info"), text=text)
        for item in value
        if isinstance(item, dict) and (text := _text(item.get("text"))) is not None
    )


def _error_notices(notices: tuple[Notice, ...]) -> str | None:
    texts = [notice.text.strip() for notice in notices if notice.type in {"error", "danger"}]
    return " ".join(texts) or None


def _field_errors(value: object) -> tuple[FieldError, ...]:
    found: list[FieldError] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                pointer = _text(item.get("pointer")) or ""
                text = _text(item.get("detail")) or _text(item.get("title")) or ""
                found.append(FieldError(pointer=pointer, detail=text))
            elif isinstance(item, str):
                found.append(FieldError(pointer="", detail=item))
    elif isinstance(value, dict):
        # The Pact Broker names fields as dotted paths (`contacts.name`); make them pointers.
        for field, messages in value.items():
            pointer = "/" + str(field).replace(".", "/")
            texts = messages if isinstance(messages, list) else [messages]
            found.extend(FieldError(pointer=pointer, detail=str(text)) for text in texts)
    elif isinstance(value, str):
        found.append(FieldError(pointer="", detail=value))
    return tuple(found)


def _sentence(
    response: httpx.Response,
    title: str | None,
    detail: str | None,
    errors: tuple[FieldError, ...],
) -> str:
    request = response.request
    summary = detail or title
    if summary is None:
        summary = (
            f"The broker answered {response.status_code} {response.reason_phrase} "
            f"to {request.method} {request.url}"
        )
    summary = summary.rstrip(".")
    # Leave out what repeats the summary (brokers copy a lone error into `errors`).
    problems = [_problem(error) for error in errors if error.detail.rstrip(".") != summary]
    if problems:
        summary = f"{summary}: {'; '.join(problems).rstrip('.')}"
    return summary + "."


def _problem(error: FieldError) -> str:
    # Some messages already name their field ("name must not contain spaces"), some do not
    # ("is required"); name it once either way.
    field = error.field
    if not field or error.detail.startswith(field.rsplit(".", 1)[-1]):
        return error.detail
    return f"{field} {error.detail}"
