"""Every route's permission, in one table, and the middleware that enforces it.

`PERMISSIONS` maps (method, path template) to what the route needs: reads need `read`, writes
`write`, the admin API and environments (shared by every team) `admin`, approvals `approver`;
health stays open. A write may also name the path parameter holding the pacticipant it changes
(`owner`): when teams own that pacticipant, the caller must belong to one of them. A write
whose path names no pacticipant is checked by its service against the one it changes:
`POST /contracts/publish` and `POST /pacticipants` (the body names it), `PATCH
/deployed-versions/{uuid}` and `PATCH /released-versions/{uuid}` (the record's pacticipant).
`tests/integration/http/test_auth.py` requires every route of the app to be here, and
`test_authorisation_matrix.py` every ownerless write to be admin, approver or service-checked.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from litestar import Litestar
from litestar.types import ASGIApp, Receive, Scope, Send

from broker.domain.auth import Need, Role, allows
from broker.domain.errors import FieldError, ForbiddenError, InvalidInputError
from broker.http.client_address import client_address
from broker.http.paths import SLASH_STAND_IN
from broker.services.actor import current_actor


class Rule(NamedTuple):
    """What a route needs, and which path parameter names the pacticipant a write changes."""

    need: Need
    owner: str | None = None


OPEN = Rule(Need.OPEN)
READ = Rule(Need.READ)
WRITE = Rule(Need.WRITE)
ADMIN = Rule(Need.ADMIN)
APPROVE = Rule(Need.APPROVE)

_P = "/pacticipants/{pacticipant:str}"
_PACT = "/pacts/provider/{provider:str}/consumer/{consumer:str}"
_RESULTS = f"{_PACT}/pact-version/{{sha:str}}"

PERMISSIONS: dict[tuple[str, str], Rule] = {
    ("GET", "/"): READ,
    ("GET", "/diagnostic/status/heartbeat"): OPEN,
    ("GET", "/diagnostic/status/dependencies"): OPEN,  # health: probes carry no credentials
    # Pacticipants, labels, branches, versions, tags.
    ("GET", "/pacticipants"): READ,
    ("POST", "/pacticipants"): WRITE,  # the body names it: the pacticipant service checks
    ("GET", "/pacticipants/{name:str}"): READ,
    ("PUT", "/pacticipants/{name:str}"): Rule(Need.WRITE, "name"),
    ("PATCH", "/pacticipants/{name:str}"): Rule(Need.WRITE, "name"),
    ("DELETE", "/pacticipants/{name:str}"): Rule(Need.WRITE, "name"),
    ("GET", "/pacticipants/{name:str}/labels/{label:str}"): READ,
    ("PUT", "/pacticipants/{name:str}/labels/{label:str}"): Rule(Need.WRITE, "name"),
    ("DELETE", "/pacticipants/{name:str}/labels/{label:str}"): Rule(Need.WRITE, "name"),
    ("GET", "/pacticipants/label/{label:str}"): READ,
    ("GET", f"{_P}/branches"): READ,
    ("GET", f"{_P}/branches/{{branch:str}}"): READ,
    ("DELETE", f"{_P}/branches/{{branch:str}}"): Rule(Need.WRITE, "pacticipant"),
    ("GET", f"{_P}/branches/{{branch:str}}/versions"): READ,
    ("GET", f"{_P}/branches/{{branch:str}}/versions/{{version:str}}"): READ,
    ("PUT", f"{_P}/branches/{{branch:str}}/versions/{{version:str}}"): Rule(
        Need.WRITE, "pacticipant"
    ),
    ("DELETE", f"{_P}/branches/{{branch:str}}/versions/{{version:str}}"): Rule(
        Need.WRITE, "pacticipant"
    ),
    ("GET", f"{_P}/versions"): READ,
    ("GET", f"{_P}/versions/{{version:str}}"): READ,
    ("PUT", f"{_P}/versions/{{version:str}}"): Rule(Need.WRITE, "pacticipant"),
    ("PATCH", f"{_P}/versions/{{version:str}}"): Rule(Need.WRITE, "pacticipant"),
    ("DELETE", f"{_P}/versions/{{version:str}}"): Rule(Need.WRITE, "pacticipant"),
    ("GET", f"{_P}/versions/{{version:str}}/tags/{{tag:str}}"): READ,
    ("PUT", f"{_P}/versions/{{version:str}}/tags/{{tag:str}}"): Rule(Need.WRITE, "pacticipant"),
    ("DELETE", f"{_P}/versions/{{version:str}}/tags/{{tag:str}}"): Rule(Need.WRITE, "pacticipant"),
    ("GET", f"{_P}/latest-version"): READ,
    ("GET", f"{_P}/latest-version/{{tag:str}}"): READ,
    ("GET", f"{_P}/versions/{{version:str}}/verification-results"): READ,
    ("GET", f"{_P}/notifications"): READ,  # what its providers' contract changes mean to it
    # Environments, deployments, releases.
    ("GET", "/environments"): READ,
    # Environments are shared by every team: production's name and existence decide what
    # can-i-deploy says, and deleting one takes every team's records with it (#12).
    ("POST", "/environments"): ADMIN,
    ("GET", "/environments/{uuid:str}"): READ,
    ("PUT", "/environments/{uuid:str}"): ADMIN,
    ("DELETE", "/environments/{uuid:str}"): ADMIN,
    ("GET", "/environments/{uuid:str}/deployed-versions/currently-deployed"): READ,
    ("GET", "/environments/{uuid:str}/released-versions/currently-supported"): READ,
    ("GET", f"{_P}/versions/{{version:str}}/deployed-versions/environment/{{environment:str}}"): (
        READ
    ),
    ("POST", f"{_P}/versions/{{version:str}}/deployed-versions/environment/{{environment:str}}"): (
        Rule(Need.WRITE, "pacticipant")
    ),
    ("GET", f"{_P}/versions/{{version:str}}/released-versions/environment/{{environment:str}}"): (
        READ
    ),
    ("POST", f"{_P}/versions/{{version:str}}/released-versions/environment/{{environment:str}}"): (
        Rule(Need.WRITE, "pacticipant")
    ),
    ("GET", "/deployed-versions/{uuid:str}"): READ,
    ("PATCH", "/deployed-versions/{uuid:str}"): WRITE,
    ("GET", "/released-versions/{uuid:str}"): READ,
    ("PATCH", "/released-versions/{uuid:str}"): WRITE,
    # Pacts: the consumer writes them, the provider writes verification results.
    ("POST", "/contracts/publish"): WRITE,  # the contract service checks the body's pacticipant
    ("GET", f"{_PACT}/versions"): READ,
    ("GET", f"{_PACT}/version/{{version:str}}"): READ,
    ("PUT", f"{_PACT}/version/{{version:str}}"): Rule(Need.WRITE, "consumer"),
    ("PATCH", f"{_PACT}/version/{{version:str}}"): Rule(Need.WRITE, "consumer"),
    ("DELETE", f"{_PACT}/version/{{version:str}}"): Rule(Need.WRITE, "consumer"),
    ("GET", f"{_PACT}/version/{{version:str}}/diff/previous-distinct"): READ,
    ("GET", f"{_PACT}/version/{{version:str}}/diff/version/{{other:str}}"): READ,
    ("GET", f"{_PACT}/version/{{version:str}}/previous-distinct"): READ,
    ("GET", f"{_RESULTS}"): READ,
    ("GET", f"{_RESULTS}/metadata/{{metadata:str}}"): READ,
    ("GET", f"{_RESULTS}/diff/pact-version/{{other:str}}"): READ,
    ("GET", f"{_PACT}/latest"): READ,
    ("GET", f"{_PACT}/branch/{{branch:str}}/latest"): READ,
    ("GET", f"{_PACT}/latest/{{tag:str}}"): READ,
    ("GET", f"{_PACT}/latest-untagged"): READ,
    ("GET", "/pacts/latest"): READ,
    ("GET", "/pacts/provider/{provider:str}/latest"): READ,
    ("GET", "/pacts/provider/{provider:str}/latest/{tag:str}"): READ,
    ("GET", f"{_RESULTS}/verification-results"): READ,
    ("POST", f"{_RESULTS}/verification-results"): Rule(Need.WRITE, "provider"),
    ("POST", f"{_RESULTS}/metadata/{{metadata:str}}/verification-results"): Rule(
        Need.WRITE, "provider"
    ),
    ("GET", f"{_RESULTS}/verification-results/latest"): READ,
    ("GET", f"{_RESULTS}/verification-results/{{number:int}}"): READ,
    ("GET", "/pacts/provider/{provider:str}/for-verification"): READ,
    ("POST", "/pacts/provider/{provider:str}/for-verification"): READ,  # a query with a body
    # The matrix, can-i-deploy and badges.
    ("GET", "/matrix"): READ,
    ("GET", "/can-i-deploy"): READ,
    ("GET", f"{_P}/latest-version/{{tag:str}}/can-i-deploy/to/{{to:str}}"): READ,
    ("GET", f"{_P}/latest-version/{{tag:str}}/can-i-deploy/to/{{to:str}}/badge"): READ,
    (
        "GET",
        f"{_P}/branches/{{branch:str}}/latest-version/can-i-deploy/to-environment/"
        "{environment:str}",
    ): READ,
    (
        "GET",
        f"{_P}/branches/{{branch:str}}/latest-version/can-i-deploy/to-environment/"
        "{environment:str}/badge",
    ): READ,
    # Provider contracts.
    ("POST", "/provider-contracts/provider/{provider:str}/publish"): Rule(Need.WRITE, "provider"),
    ("GET", "/provider-contracts/provider/{provider:str}/version/{version:str}"): READ,
    ("GET", "/provider-contracts/provider/{provider:str}/version/{version:str}/changes"): READ,
    ("GET", "/comparisons/{comparison:int}"): READ,
    ("GET", "/audit"): READ,
    ("GET", "/audit/head"): READ,
    # Governance: modes and policies are the admins' to set; approvers sign changes off.
    ("GET", f"{_P}/mode"): READ,
    ("PUT", f"{_P}/mode"): ADMIN,
    ("GET", f"{_P}/approval-policy"): READ,
    ("PUT", f"{_P}/approval-policy"): ADMIN,
    ("GET", "/change-requests"): READ,
    ("GET", "/change-requests/{request_id:int}"): READ,
    ("POST", "/change-requests/{request_id:int}/approve"): APPROVE,
    ("POST", "/change-requests/{request_id:int}/reject"): APPROVE,
    ("POST", "/change-requests/{request_id:int}/override"): ADMIN,  # break glass (issue 12)
    # The admin API.
    ("GET", "/admin/tokens"): ADMIN,
    ("POST", "/admin/tokens"): ADMIN,
    ("DELETE", "/admin/tokens/{token_id:int}"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
    ("GET", "/admin/users/{username:str}"): ADMIN,
    ("PATCH", "/admin/users/{username:str}"): ADMIN,
    ("DELETE", "/admin/users/{username:str}"): ADMIN,
    # Any caller may ask; the service lets only admins and the user itself through.
    ("PUT", "/admin/users/{username:str}/password"): READ,
    ("PUT", "/admin/teams/{name:str}"): ADMIN,
    ("GET", "/admin/teams"): ADMIN,
    ("GET", "/admin/teams/{name:str}"): ADMIN,
}

# The roles that may use a route needing each need, for the 403 sentence.
ROLES_FOR = {need: [role.value for role in Role if allows(role.value, need)] for need in Need}

# HEAD and OPTIONS (litestar answers them itself) need what GET needs.
_READ_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}
# A route missing from the table is refused to all but admins: the table test should catch it.
_UNLISTED = ADMIN


# Litestar's scope names the route by its path format: the template without parameter types.
_BY_FORMAT = {
    (method, re.sub(r":\w+}", "}", path)): rule for (method, path), rule in PERMISSIONS.items()
}


def rule_for(method: str, path_format: str) -> Rule:
    """The rule of a route (`/pacticipants/{name}`); HEAD and OPTIONS as GET: no more than read."""
    found = _BY_FORMAT.get((method, path_format))
    if found is None and method in _READ_ALIASES:
        return _BY_FORMAT.get((_READ_ALIASES[method], path_format), READ)
    return found or _UNLISTED


class PermissionsMiddleware:
    """Authenticate the request, set `current_actor`, and answer 401 or 403 per `PERMISSIONS`.

    Litestar runs app middleware after routing, so the route's template and path parameters are
    in the scope; errors raised here become responses in `problems.py` as any domain error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check, then run the handler as the authenticated caller."""
        method = str(scope.get("method", "GET"))
        rule = rule_for(method, str(scope.get("path_template", "")))
        authorization = _one_authorization(scope)
        if rule.need is Need.OPEN:
            await self.app(scope, receive, send)
            return
        state = Litestar.from_scope(scope).state
        address = client_address(scope, state.settings.trusted_proxies)
        auth = state.services.auth
        actor = await auth.authenticate(authorization, address)
        if not allows(actor.role, rule.need):
            roles = " or ".join(ROLES_FOR[rule.need])
            raise ForbiddenError(
                f"{actor.name} has the {actor.role} role, which may not {method}"
                f" {scope.get('path', '')}: that needs the {roles} role",
                [FieldError("", f"needs the {roles} role")],
            )
        reset = current_actor.set(actor)
        try:
            if rule.owner is not None:
                name = str(scope["path_params"][rule.owner]).replace(SLASH_STAND_IN, "/")
                await auth.authorize_change(name)
            await self.app(scope, receive, send)
        finally:
            current_actor.reset(reset)


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
