"""What the SDK raises. Every error's `str()` is one plain sentence a person can act on.

ClientError
├── BrokerError               the broker answered with an error status
│    └── NotFoundError        404, or a named environment or deployment the broker lacks
├── BrokerUnreachableError    no answer at all: connection refused, timeout, DNS failure
├── CrossOriginError          a link to another origin, not followed with the credentials
└── UnexpectedResponseError   a success answer the SDK cannot read (not JSON, no relation)
"""

from __future__ import annotations

import msgspec

from clients.sdk._wire import Notice


class FieldError(msgspec.Struct, frozen=True, kw_only=True):
    """One bad place in a request, as the broker reported it.

    Attributes:
        pointer: a JSON pointer (RFC 6901) such as `/contacts/0/name`; empty when the broker
            did not say which field.
        detail: what is wrong there.
    """

    pointer: str
    detail: str

    @property
    def field(self) -> str:
        """The pointer in the dotted form people read (`contacts.0.name`)."""
        return self.pointer.lstrip("/").replace("/", ".")


class ClientError(Exception):
    """Base of every error the SDK raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BrokerError(ClientError):
    """The broker answered with a 4xx or 5xx status.

    Attributes:
        status: the HTTP status code.
        title: the problem's short summary (problem+json `title`), if any.
        detail: the broker's explanation (problem+json `detail` or hal+json `error`), if any.
        errors: the bad fields, parsed from either error rendering.
        notices: the broker's notices, in order; a refused publication (409) explains itself
            in an `error` notice, followed by an `info` notice holding the diff.
        url: the URL that was requested.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        errors: tuple[FieldError, ...] = (),
        notices: tuple[Notice, ...] = (),
        url: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.notices = notices
        self.url = url


class NotFoundError(BrokerError):
    """The broker has no such resource (its answer was 404, or a lookup by name found none)."""


class BrokerUnreachableError(ClientError):
    """The broker did not answer: the connection was refused or timed out, or DNS failed."""


class CrossOriginError(ClientError):
    """A link leads to another origin than the broker's, and the client holds credentials.

    The broker's token or password goes only to the broker's own origin (scheme, host and
    port), so the link is not followed; `link` is where it led, `broker` the broker's URL.
    """

    def __init__(self, message: str, *, link: str, broker: str) -> None:
        super().__init__(message)
        self.link = link
        self.broker = broker


class UnexpectedResponseError(ClientError):
    """The broker answered with success, but not with something the SDK can read."""
