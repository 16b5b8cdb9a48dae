"""Errors as responses: one table from error class to status and title.

A request whose Accept names `application/problem+json` gets RFC 9457 problem details; every
other request gets the same members as `application/hal+json`, with `errors` as the Pact
Broker's `{field: [messages]}` object, because the Rust Pact clients cannot parse problem+json
(real-clients §4). Problem types live under the broker's base URL at `/problems/<slug>`:

- `validation-error` (400): the request names bad fields, listed in `errors`.
- `unauthenticated` (401): no credentials, or unknown, expired or revoked ones; the answer
  carries `WWW-Authenticate: Bearer, Basic realm="accord"`.
- `forbidden` (403): the caller's role or teams do not allow the request.
- `too-many-requests` (429): too many failed logins lately for the username or from the
  address; `Retry-After` says in how many seconds to try again.
- `not-found` (404): a resource the request names, or the route itself, does not exist.
- `method-not-allowed` (405), `payload-too-large` (413), `unsupported-media-type` (415).
- `conflict` (409): a duplicate name, or a change to something that may not change.
- `unprocessable` (422): understood, but not a change the resource allows.
- `took-too-long` (422): work on an uploaded document (a pact diff, a comparison) ran past
  `ACCORD_WORK_TIMEOUT`; nothing was written.
- `storage-unavailable` (503): the database cannot be reached; retry later.
- `internal-error` (500): a bug; `instance` carries the id under which it was logged.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus

import msgspec
from litestar import Response
from litestar.exceptions import HTTPException

from broker.domain.errors import (
    ConflictError,
    DomainError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    Notice,
    StorageUnavailableError,
    ThrottledError,
    UnauthenticatedError,
    UnprocessableError,
)
from broker.http.hal import AnyRequest
from broker.http.responses import FieldProblem, NoticeBody, Problem

log = logging.getLogger("accord.http")

PROBLEM_JSON = "application/problem+json"
CHALLENGE = 'Bearer, Basic realm="accord"'

_DOMAIN: dict[type[DomainError], tuple[int, str]] = {
    InvalidInputError: (400, "Validation errors"),
    UnauthenticatedError: (401, "Unauthenticated"),
    ForbiddenError: (403, "Forbidden"),
    ThrottledError: (429, "Too many requests"),
    NotFoundError: (404, "Not found"),
    ConflictError: (409, "Conflict"),
    UnprocessableError: (422, "Unprocessable request"),
    StorageUnavailableError: (503, "Storage unavailable"),
}
_HTTP: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def problem_response(
    request: AnyRequest,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[FieldError],
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    notices: list[Notice] | None = None,
) -> Response[bytes]:
    """Render one problem in the representation the request's Accept asks for."""
    from broker.http.hal import base_url  # noqa: PLC0415 - avoids a cycle through app state

    settings = getattr(request.app.state, "settings", None)
    base = base_url(request, settings.base_url if settings else None)
    fields = errors or [FieldError("", detail)]
    body = Problem(
        type=f"{base}/problems/{slug}",
        title=title,
        status=status,
        detail=detail,
        instance=instance or request.url.path,
        notices=[NoticeBody(type=n.type, text=n.text) for n in notices] if notices else None,
        errors=[FieldProblem(pointer=f.pointer, detail=f.detail) for f in fields],
    )
    media_type = PROBLEM_JSON
    if PROBLEM_JSON not in request.headers.get("accept", ""):
        grouped: dict[str, list[str]] = {}
        for f in fields:
            key = f.pointer.lstrip("/").replace("/", ".") or "request"
            grouped.setdefault(key, []).append(f.detail)
        body = msgspec.structs.replace(body, errors=grouped, error=detail)
        media_type = "application/hal+json;charset=utf-8"
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type=media_type,
        headers=headers,
    )


def domain_error_handler(request: AnyRequest, error: Exception) -> Response[bytes]:
    """Render a domain error."""
    assert isinstance(error, DomainError)
    status, title = next(
        (v for kind, v in _DOMAIN.items() if isinstance(error, kind)), (400, "Bad request")
    )
    if status == HTTPStatus.SERVICE_UNAVAILABLE:
        log.warning("storage unavailable: %s", error.__cause__ or error)
    return problem_response(
        request,
        status=status,
        slug=error.slug,
        title=title,
        detail=error.message,
        errors=error.errors,
        notices=error.notices,
        headers=_headers_of(error),
    )


def _headers_of(error: DomainError) -> dict[str, str] | None:
    if isinstance(error, UnauthenticatedError):
        return {"WWW-Authenticate": CHALLENGE}
    if isinstance(error, ThrottledError):
        return {"Retry-After": str(error.retry_after)}
    return None


def http_error_handler(request: AnyRequest, error: Exception) -> Response[bytes]:
    """Render the framework's own errors (404 route, 405, 413, 415, bad query) the same way."""
    assert isinstance(error, HTTPException)
    status = error.status_code
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return internal_error_handler(request, error)
    slug, title = _HTTP.get(status, ("bad-request", "Bad request"))
    generic = not error.detail or error.detail.lower() in {
        title.lower(),
        HTTPStatus(status).phrase.lower(),
    }
    detail = _default_detail(request, status) if generic else error.detail
    headers = dict(error.headers or {})
    return problem_response(
        request,
        status=status,
        slug=slug,
        title=title,
        detail=detail,
        errors=[],
        headers=headers or None,
    )


def internal_error_handler(request: AnyRequest, error: Exception) -> Response[bytes]:
    """Log an unexpected error under an id, and answer 500 with only that id."""
    reference = uuid.uuid4().hex[:12]
    log.error(
        "internal error %s on %s %s", reference, request.method, request.url.path, exc_info=error
    )
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        title="Internal error",
        detail=f"The broker failed to handle this request; the error is logged as {reference}",
        errors=[],
        instance=f"/errors/{reference}",
    )


def _default_detail(request: AnyRequest, status: int) -> str:
    if status == HTTPStatus.NOT_FOUND:
        return f"No resource at {request.url.path}"
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return f"{request.method} is not allowed on {request.url.path}"
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return "The request body is larger than the broker accepts"
    return "The request is not valid"
