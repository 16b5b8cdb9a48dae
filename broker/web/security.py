"""Who a page's caller is, and the CSRF check every form passes.

Page handlers declare the API's rules (`broker/http/permissions.py`) wrapped in `page(...)`,
which lets the permission guard take the browser's signed-in session when the request has no
`Authorization` header: a page needs exactly what the API route doing the same needs. A form
POST must carry the token of the browser's CSRF cookie, or it is refused with 403 before its
handler runs.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.handlers import BaseRouteHandler

from broker.domain.errors import FieldError, ForbiddenError, UnauthenticatedError
from broker.http.hal import AnyRequest, base_url
from broker.http.operation_docs import HTML, web_page
from broker.http.permissions import Opt
from broker.services.actor import ANONYMOUS, Actor
from broker.services.auth import AuthService
from broker.services.clock import system_clock
from broker.web.sessions import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    Signer,
    new_nonce,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_ENDED = "Your session has ended: sign in again"


def page(rule: Opt, *media_types: str) -> Opt:
    """A page handler's `opt`: the API's rule, also met by the browser's signed-in session.

    `/openapi.json` documents the page as answering `media_types` (`web_page`; HTML unless
    named).
    """
    return {**rule, "session": actor_of_session} | web_page(*(media_types or (HTML,)))


async def actor_of_session(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The caller a session cookie names (anonymous on an open broker).

    Raises:
        UnauthenticatedError: no session, a forged or expired one, or one whose token or user
            may no longer sign in.
    """
    state = connection.app.state
    auth: AuthService = state.services.auth
    if await auth.is_open():
        return ANONYMOUS
    raw = connection.cookies.get(SESSION_COOKIE)
    if not raw:
        return await auth.authenticate(None)
    signer: Signer = state.signer
    session = signer.open(raw, system_clock())
    if session is None:
        raise UnauthenticatedError(SESSION_ENDED)
    return await auth.resume(session.subject)


async def require_csrf_token(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Refuse (403) a form sent without the token of this browser's CSRF cookie."""
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    assert isinstance(connection, Request), "pages are HTTP routes"
    form = await connection.form()
    token = form.get(CSRF_FIELD)
    signer: Signer = connection.app.state.signer
    nonce = connection.cookies.get(CSRF_COOKIE)
    if not signer.csrf_matches(nonce, token if isinstance(token, str) else None):
        raise ForbiddenError(
            "The form was sent without this browser's CSRF token: reload the page and try again",
            [FieldError(f"/{CSRF_FIELD}", "is missing or not this browser's")],
        )


def is_secure(request: AnyRequest) -> bool:
    """Whether the browser reached the broker over https (directly or behind ACCORD_BASE_URL)."""
    return base_url(request, request.app.state.settings.base_url).startswith("https://")


def session_cookie(request: AnyRequest, value: str) -> Cookie:
    """The session cookie: HttpOnly, SameSite=Strict, Secure over https, for its lifetime."""
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def csrf_cookie(request: AnyRequest, nonce: str) -> Cookie:
    """The CSRF nonce cookie (for the browser session: no max-age)."""
    return Cookie(
        key=CSRF_COOKIE,
        value=nonce,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def ended(request: AnyRequest, key: str) -> Cookie:
    """A cookie that tells the browser to forget `key`."""
    return Cookie(
        key=key,
        value="",
        max_age=0,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def csrf_nonce(request: AnyRequest) -> tuple[str, bool]:
    """The browser's CSRF nonce, and whether it is new (to be set as a cookie)."""
    nonce = request.cookies.get(CSRF_COOKIE)
    if nonce:
        return nonce, False
    return new_nonce(), True
