"""What each route needs, declared on its handler, and the one guard that enforces it.

A handler says what it needs in its `opt`: `@get(..., opt=read())`. Reads need `read`, writes
`write`, the admin API and environments (shared by every team) `admin`, approvals `approver`;
health stays open (`open_to_all()`). A write may also name the path parameter holding the
pacticipant it changes (`write(owner="name")`): when teams own that pacticipant, the caller
must belong to one of them. A write whose path names no pacticipant is checked by its service
against the one it changes: `POST /contracts/publish` and `POST /pacticipants` (the body names
it), `PATCH /deployed-versions/{uuid}` and `PATCH /released-versions/{uuid}` (the record's
pacticipant), and the webhook writes (the pacticipants the webhook names, stored and new; a
webhook for any or labelled pacticipants needs an admin). `DELETE
/integrations/provider/{p}/consumer/{c}` changes two: the route checks the consumer, its
service the provider.

`require_declared` refuses an application with a handler that declares nothing, and
`tests/integration/http/test_authorisation_matrix.py` runs every declared route against each
kind of caller. Pages (broker/web) declare the same rules and name, in `opt["session"]`, how a
browser's signed-in session becomes the caller when the request has no `Authorization` header.
A request the application makes to itself (the HAL browser's, broker/web/subrequest.py) names
its caller, already authenticated by the page, in the ASGI scope's `extensions`
(`IN_PROCESS_CALLER`): only the application builds such a scope, and the rule is checked as
for any caller.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.routes import HTTPRoute
from litestar.types import Scope

from broker.domain.auth import Need, Role, allows
from broker.domain.errors import FieldError, ForbiddenError, InvalidInputError
from broker.http.client_address import client_address
from broker.http.paths import SLASH_STAND_IN
from broker.services.actor import Actor, current_actor

Opt = dict[str, Any]

IN_PROCESS_CALLER = "accord.in_process_caller"


class Rule(NamedTuple):
    """What a route needs, and which path parameter names the pacticipant a write changes."""

    need: Need
    owner: str | None = None


def open_to_all() -> Opt:
    """No credentials: the health checks, which probes call without any."""
    return {"need": Need.OPEN}


def read() -> Opt:
    """Any authenticated caller."""
    return {"need": Need.READ}


def write(owner: str | None = None) -> Opt:
    """A writer; `owner` names the path parameter holding the pacticipant the write changes."""
    return {"need": Need.WRITE, "owner": owner}


def admin() -> Opt:
    """An admin."""
    return {"need": Need.ADMIN}


def approve() -> Opt:
    """An approver (or an admin)."""
    return {"need": Need.APPROVE}


def rule_of(handler: BaseRouteHandler) -> Rule | None:
    """The rule a handler declares in its `opt`, or None when it declares none."""
    need = handler.opt.get("need")
    if not isinstance(need, Need):
        return None
    return Rule(need, handler.opt.get("owner"))


# The roles that may use a route needing each need, for the 403 sentence.
ROLES_FOR = {need: [role.value for role in Role if allows(role.value, need)] for need in Need}


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Authenticate the caller, set `current_actor`, and refuse with 401 or 403 per the rule.

    Runs after routing (an unknown path is 404, an unknown method 405) and before the body or
    the query is read. `AuditTrailMiddleware` scopes `current_actor` to the request.
    """
    scope = connection.scope
    method = str(scope.get("method", "GET"))
    rule = rule_of(handler) or Rule(Need.ADMIN)  # never reached: `require_declared`
    authorization = _one_authorization(scope)
    if rule.need is Need.OPEN:
        return
    state = connection.app.state
    address = client_address(scope, state.settings.trusted_proxies)
    auth = state.services.auth
    from_session = handler.opt.get("session")
    in_process = _in_process_caller(scope)
    if authorization is None and in_process is not None:
        actor = in_process
    elif authorization is None and from_session is not None:
        # A page (broker/web/security.py) also takes the browser's signed-in session.
        actor = await from_session(connection)
    else:
        actor = await auth.authenticate(authorization, address)
    if not allows(actor.role, rule.need):
        roles = " or ".join(ROLES_FOR[rule.need])
        raise ForbiddenError(
            f"{actor.name} has the {actor.role} role, which may not {method}"
            f" {scope.get('path', '')}: that needs the {roles} role",
            [FieldError("", f"needs the {roles} role")],
        )
    current_actor.set(actor)
    if rule.owner is not None:
        name = str(scope["path_params"][rule.owner]).replace(SLASH_STAND_IN, "/")
        await auth.authorize_change(name)


class UndeclaredRuleError(RuntimeError):
    """A route handler declares no rule, or names an owner its path does not have."""


def declared(app: Litestar) -> dict[tuple[str, str], Rule]:
    """Each route's rule by (method, path template), as its handler declares it.

    OPTIONS, which litestar answers itself, is left out: it needs what GET needs. HEAD never
    reaches the router: `HeadAsGet` (head.py) routes it as GET, so it needs what GET needs. Raises
    `UndeclaredRuleError` naming every handler that declares no rule or a wrong owner.
    """
    rules: dict[tuple[str, str], Rule] = {}
    missing = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if method == "OPTIONS":
                continue
            rule = rule_of(handler)
            if rule is None:
                missing.append(f"{method} {route.path} declares no need in its opt")
            elif rule.owner is not None and rule.owner not in route.path_parameters:
                missing.append(f"{method} {route.path} has no path parameter {rule.owner!r}")
            else:
                rules[method, route.path] = rule
    if missing:
        raise UndeclaredRuleError(
            "Every route handler declares what it needs (broker/http/permissions.py): "
            + "; ".join(missing)
        )
    # Sorted by path and method: litestar keeps a route's methods, and a handler's paths, in
    # sets whose order changes from one process to the next, and the tests are parametrized in
    # this order (pytest-xdist workers must collect the same tests in the same order).
    return dict(sorted(rules.items(), key=lambda item: (item[0][1], item[0][0])))


def require_declared(app: Litestar) -> None:
    """Refuse an application with a handler declaring no rule; give OPTIONS what GET needs."""
    rules = declared(app)
    for route in app.routes:
        options = route.route_handler_map.get("OPTIONS") if isinstance(route, HTTPRoute) else None
        if options is not None and rule_of(options[0]) is None:
            options[0].opt["need"] = rules.get(("GET", route.path), Rule(Need.READ)).need


def _in_process_caller(scope: Scope) -> Actor | None:
    """The caller a request of the application to itself names; None for any other request."""
    extensions = scope.get("extensions") or {}
    caller = extensions.get(IN_PROCESS_CALLER)
    return caller if isinstance(caller, Actor) else None


def _one_authorization(scope: Scope) -> str | None:
    """The request's one `Authorization` header; two are ambiguous, so 400, never a pick.

    Servers and proxies disagree on which of two credentials counts (the first, the last, or
    both joined), so a request carrying two could pass one check and be logged under the other.
    """
    values = [value for name, value in scope["headers"] if name.lower() == b"authorization"]
    if len(values) > 1:
        raise InvalidInputError(
            f"The request has {len(values)} Authorization headers: send exactly one",
            [FieldError("/headers/Authorization", f"must be sent once, not {len(values)} times")],
        )
    if not values:
        return None
    return values[0].decode("latin-1") or None
