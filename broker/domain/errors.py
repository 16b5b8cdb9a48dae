"""The broker's error tree. Errors carry data, never HTTP.

DomainError
 ├── InvalidInputError       the request names bad fields (each a pointer and a detail)
 ├── UnauthenticatedError    no credentials, or credentials the broker does not accept
 ├── ForbiddenError          the caller's role or teams do not allow the request
 ├── ThrottledError          too many failed logins for a username or from an address
 ├── NotFoundError           a named resource does not exist
 ├── ConflictError           the change contradicts what is stored (duplicate name…)
 ├── UnprocessableError      well-formed, but not a change the resource allows
 └── StorageUnavailableError the database cannot be reached right now
"""

from __future__ import annotations

import msgspec


class FieldError(msgspec.Struct, frozen=True):
    """One bad place in a request: a JSON pointer (RFC 6901) and what is wrong there."""

    pointer: str
    detail: str


class Notice(msgspec.Struct, frozen=True):
    """A message for the person at the other end, as the Pact clients print them.

    `type` is one of debug, info, warning, prompt, success, error, danger.
    """

    type: str
    text: str


class DomainError(Exception):
    """Base of every error the broker reports to a user.

    Attributes:
        slug: short stable name of the problem kind, used in problem `type` URLs.
        message: one plain sentence for a person.
        errors: the bad places, if the problem is about fields.
        notices: messages the Pact clients print beside the error (publishing does this).
    """

    slug = "domain-error"

    def __init__(
        self,
        message: str,
        errors: list[FieldError] | None = None,
        notices: list[Notice] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors: list[FieldError] = errors or []
        self.notices: list[Notice] = notices or []


class InvalidInputError(DomainError):
    """The request is not acceptable as it stands; `errors` names each bad field."""

    slug = "validation-error"


def nul_refused() -> InvalidInputError:
    """A request holding U+0000, which PostgreSQL's text and jsonb cannot store.

    Refused on SQLite too, so that what one backend stores the other does.
    """
    return InvalidInputError(
        "The request holds a NUL character (U+0000), which the database cannot store",
        [FieldError("", "must not contain NUL characters")],
    )


class UnauthenticatedError(DomainError):
    """The request has no credentials, or unknown, expired or revoked ones."""

    slug = "unauthenticated"


class ForbiddenError(DomainError):
    """The caller is known but its role or teams do not allow the request."""

    slug = "forbidden"


class ThrottledError(DomainError):
    """Too many failed logins lately for the username or from the address; try again later.

    Attributes:
        retry_after: whole seconds until the next attempt may be made.
    """

    slug = "too-many-requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFoundError(DomainError):
    """A resource the request names does not exist."""

    slug = "not-found"


class ConflictError(DomainError):
    """The request contradicts stored state (a duplicate name, changed content…)."""

    slug = "conflict"


class UnprocessableError(DomainError):
    """The request is understood but asks for a change the resource does not allow."""

    slug = "unprocessable"


class StorageUnavailableError(DomainError):
    """The database cannot be reached; the request may be retried later."""

    slug = "storage-unavailable"
