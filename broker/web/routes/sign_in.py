"""`/ui/sign-in` and `/ui/sign-out`: a browser session from a token or a user's password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect

from broker.domain.errors import ThrottledError, UnauthenticatedError
from broker.http.client_address import client_address
from broker.http.context import ServicesDep
from broker.http.hal import AnyRequest
from broker.http.operation_docs import web_page
from broker.http.permissions import open_to_all
from broker.services.clock import system_clock
from broker.web.rendering import links_of, render
from broker.web.security import csrf_cookie, ended, session_cookie
from broker.web.sessions import SESSION_COOKIE, Signer, new_nonce

UNAUTHORIZED = 401
TOO_MANY_REQUESTS = 429


def safe_next(raw: object) -> str:
    """Where to go after signing in: a path on this broker, never another site."""
    if not isinstance(raw, str) or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return "/"
    return raw


def _field(form: FormMultiDict, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


class SignInController(Controller):
    """Signing in and out."""

    path = "/ui"

    @get("/sign-in", opt=open_to_all() | web_page())
    async def sign_in_form(self, request: AnyRequest) -> Response[Any]:
        """The sign-in page: a token, or a username and password."""
        return await render(
            request,
            "sign_in.html",
            {
                "next": safe_next(request.query_params.get("next")),
                "signed_out": request.query_params.get("signed-out") == "1",
                "error": None,
                "username": "",
            },
        )

    @post("/sign-in", opt=open_to_all() | web_page(), status_code=303)
    async def sign_in(self, request: AnyRequest, services: ServicesDep) -> Response[Any]:
        """Check the credentials and start a session; a refusal shows the page again."""
        form = await request.form()
        destination = safe_next(form.get("next"))
        auth = services.auth
        username = _field(form, "username").strip()
        try:
            if _field(form, "method") == "password":
                if not username or not _field(form, "password"):
                    raise UnauthenticatedError("Enter a username and a password")
                address = client_address(request.scope, request.app.state.settings.trusted_proxies)
                _, subject = await auth.sign_in_with_password(
                    username, _field(form, "password"), address
                )
            else:
                if not _field(form, "token").strip():
                    raise UnauthenticatedError("Enter a token")
                _, subject = await auth.sign_in_with_token(_field(form, "token"))
        except (UnauthenticatedError, ThrottledError) as error:
            status = TOO_MANY_REQUESTS if isinstance(error, ThrottledError) else UNAUTHORIZED
            context = {
                "next": destination,
                "signed_out": False,
                "error": error.message,
                "username": username,
            }
            return await render(request, "sign_in.html", context, status=status)
        signer: Signer = request.app.state.signer
        # A new CSRF nonce with the new session: a token planted before sign-in stops working.
        cookies = [
            session_cookie(request, signer.seal(subject, system_clock())),
            csrf_cookie(request, new_nonce()),
        ]
        return Redirect(links_of(request).base + destination, status_code=303, cookies=cookies)

    @post("/sign-out", opt=open_to_all() | web_page(), status_code=303)
    async def sign_out(self, request: AnyRequest) -> Response[Any]:
        """End the session: the browser forgets its cookie and gets a new CSRF nonce."""
        cookies = [ended(request, SESSION_COOKIE), csrf_cookie(request, new_nonce())]
        target = links_of(request).href("ui", "sign-in") + "?signed-out=1"
        return Redirect(target, status_code=303, cookies=cookies)
