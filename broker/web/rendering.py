"""Templates and the responses pages give: a page, the error page, and content negotiation.

Every page renders inside `base.html` with what the layout needs (who is signed in, the CSRF
token of the sign-out form, links under the public base URL) and headers that keep it out of
shared caches and other sites' frames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Response
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from broker.domain.errors import DomainError, FieldError, UnauthenticatedError
from broker.http.hal import AnyRequest, Links, base_url
from broker.http.problems import domain_error_handler, http_error_handler
from broker.services.actor import ANONYMOUS, current_actor
from broker.services.auth import AuthService
from broker.services.clock import system_clock
from broker.web.formatting import age, iso, timestamp
from broker.web.security import SAFE_METHODS, csrf_cookie, csrf_nonce
from broker.web.sessions import CSRF_FIELD, SESSION_COOKIE, Signer

TEMPLATES = Path(__file__).parent / "templates"
HAL_JSON = "application/hal+json"
HTML = "text/html"

# What every page sends: no caching of pages that name the signed-in user, no framing
# (clickjacking of forms), and only the broker's own styles and scripts.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Jinja2 over `broker/web/templates`, escaping everything, failing on unknown names."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(timestamp=timestamp, iso=iso, age=age)
    environment.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def prefers_html(request: AnyRequest) -> bool:
    """Whether the request's Accept ranks HTML above HAL: a browser, not an API client.

    `*/*`, `application/json`, `application/hal+json` and no Accept at all keep HAL: the Pact
    clients send these (../shared/reference/real-clients.md §2).
    """
    return request.accept.best_match([HAL_JSON, HTML], HAL_JSON) == HTML


def links_of(request: AnyRequest) -> Links:
    """Links under the broker's public base URL (`ACCORD_BASE_URL`, else the request's)."""
    return Links(base_url(request, request.app.state.settings.base_url))


async def render(
    request: AnyRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    cookies: list[Cookie] | None = None,
) -> Template:
    """A page: `template` with `context` and what the layout needs."""
    auth: AuthService = request.app.state.services.auth
    signer: Signer = request.app.state.signer
    nonce, new = csrf_nonce(request)
    sent = list(cookies or [])
    if new and not any(c.key == csrf_cookie(request, nonce).key for c in sent):
        sent.append(csrf_cookie(request, nonce))
    actor = current_actor.get()
    layout = {
        "actor": None if actor == ANONYMOUS else actor,
        "is_open": await auth.is_open(),
        "has_session": bool(request.cookies.get(SESSION_COOKIE)),
        "csrf_field": CSRF_FIELD,
        "csrf_token": signer.csrf_token(nonce),
        "links": links_of(request),
        "path": request.url.path,
        "now": system_clock(),
    }
    return Template(
        template_name=template,
        context={**layout, **context},
        status_code=status,
        headers=PAGE_HEADERS,
        cookies=sent,
    )


def sign_in_redirect(request: AnyRequest) -> Redirect:
    """303 to the sign-in page, coming back to this page afterwards."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    here = request.url.path + (f"?{query}" if query else "")
    target = links_of(request).href("ui", "sign-in") + "?next=" + quote(here, safe="")
    return Redirect(target, status_code=303)


def page_error_handler(request: AnyRequest, error: Exception) -> Response[Any]:
    """A browser gets the error as a page (or the sign-in page); API clients get the problem.

    The status and message are the API's (`broker/http/problems.py`), so a page is refused
    exactly when and how the API route would be.
    """
    fields: list[FieldError] = []
    if isinstance(error, DomainError):
        problem = domain_error_handler(request, error)
        message = error.message
        fields = [e for e in error.errors if e.pointer]  # each bad field, as the problem names it
    elif isinstance(error, HTTPException):
        problem = http_error_handler(request, error)
        message = error.detail
    else:
        raise error
    if not prefers_html(request):
        return problem
    if isinstance(error, UnauthenticatedError) and request.method in SAFE_METHODS:
        return sign_in_redirect(request)
    actor = current_actor.get()
    status = problem.status_code or 400  # the problem handlers always set one
    # The challenge and Retry-After stay; the body is a page, not the problem.
    kept = {k: v for k, v in problem.headers.items() if k.lower() != "content-type"}
    return Template(
        template_name="error.html",
        context={
            "actor": None if actor == ANONYMOUS else actor,
            "is_open": False,
            "has_session": False,
            "csrf_field": CSRF_FIELD,
            "csrf_token": "",
            "links": links_of(request),
            "path": request.url.path,
            "now": system_clock(),
            "status": status,
            "message": message,
            "fields": fields,
        },
        status_code=status,
        headers={**PAGE_HEADERS, **kept},
    )
