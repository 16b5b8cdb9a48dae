"""Governance resources: a pacticipant's mode and approval policy, and change requests.

- `GET|PUT /pacticipants/{p}/mode`: `{"mode": "brownfield-enterprise"}` (PUT needs admin).
- `GET|PUT /pacticipants/{p}/approval-policy`: `{"teams": [...], "required": N}`; GET says
  `isDefault` when the pacticipant has none of its own (PUT needs admin).
- `GET /change-requests?pacticipant=&status=&page=&size=`: newest first.
- `GET /change-requests/{id}`: one request, with its `diff` against the last approved content.
- `POST /change-requests/{id}/approve` (`{"team"}`, optional: the team the approval counts
  for) and `POST /change-requests/{id}/reject` (`{"reason"}`): the approver role; the answer is
  the request as it now stands (an approval adds `changed` and `notice`: what it did).
- `POST /change-requests/{id}/override` (`{"reason"}`): admin, and only when the broker runs
  with `ACCORD_ALLOW_OVERRIDE=true`; the content takes effect without approval.
"""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import FromPath

from broker.domain.approvals import (
    awaiting_teams,
    describe_requirement,
    hold_sentence,
    tally,
)
from broker.domain.governance import (
    MODES,
    ChangeRequest,
    Mode,
    Policy,
    Status,
    parse_mode,
    parse_status,
)
from broker.domain.model import Page
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep, page_of
from broker.http.hal import AnyRequest, Body, Links, hal, timestamp
from broker.http.operation_docs import HAL_RESOURCE, PAGING, QueryParam, Schema, documented
from broker.http.paths import SLASH_STAND_IN
from broker.http.permissions import admin, approve, read
from broker.http.resources import page_href, paged
from broker.http.responses import Link


class ModeBody(msgspec.Struct, kw_only=True):
    """`PUT /pacticipants/{p}/mode`."""

    mode: object = None


# By hand: `parse_mode` checks `mode`, so the Struct takes any value.
MODE_BODY: Schema = {
    "type": "object",
    "required": ["mode"],
    "properties": {"mode": {"type": "string", "enum": list(MODES)}},
}


class PolicyBody(msgspec.Struct, kw_only=True):
    """`PUT /pacticipants/{p}/approval-policy`."""

    teams: list[str] = []
    required: object = None


# By hand: `check_policy` checks both members (`required` from 1 to the number of teams).
POLICY_BODY: Schema = {
    "type": "object",
    "required": ["teams", "required"],
    "properties": {
        "teams": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
        "required": {"type": "integer", "minimum": 1},
    },
}


class RejectBody(msgspec.Struct, kw_only=True):
    """`POST /change-requests/{id}/reject` and `/override`."""

    reason: str | None = None


class ApproveBody(msgspec.Struct, kw_only=True):
    """`POST /change-requests/{id}/approve`: `team`, the team the approval counts for."""

    team: str | None = None


def _name(raw: str) -> str:
    return raw.replace(SLASH_STAND_IN, "/")


_NAMED_LINKS = {
    "type": "object",
    "required": ["self", "pb:pacticipant"],
    "properties": {"self": Link, "pb:pacticipant": Link},
}
MODE: Schema = {
    "type": "object",
    "required": ["pacticipant", "mode", "owningTeams", "_links"],
    "properties": {
        "pacticipant": {"type": "string"},
        "mode": {"type": "string", "enum": [m.value for m in Mode]},
        "owningTeams": {"type": "array", "items": {"type": "string"}},
        "_links": _NAMED_LINKS,
    },
}
"""What `_mode` writes."""

POLICY: Schema = {
    "type": "object",
    "required": ["pacticipant", "teams", "required", "isDefault", "description", "_links"],
    "properties": {
        "pacticipant": {"type": "string"},
        "teams": {"type": "array", "items": {"type": "string"}},
        "required": {"type": ["integer", "null"]},
        "isDefault": {"type": "boolean"},
        "description": {"type": "string"},
        "_links": _NAMED_LINKS,
    },
}
"""What `_policy` writes."""


def _mode(links: Links, pacticipant: str, mode: Mode, owners: list[str]) -> Body:
    return {
        "pacticipant": pacticipant,
        "mode": mode.value,
        "owningTeams": owners,
        "_links": {
            "self": links.link(links.path("/pacticipants/{p}/mode", p=pacticipant)),
            "pb:pacticipant": links.link(links.path("/pacticipants/{p}", p=pacticipant)),
        },
    }


def _policy(links: Links, pacticipant: str, rule: Policy | None) -> Body:
    return {
        "pacticipant": pacticipant,
        "teams": [] if rule is None else list(rule.teams),
        "required": None if rule is None else rule.required,
        "isDefault": rule is None,
        "description": (
            "One member of the provider's teams approves a consumer's change; one member of each"
            " consumer's teams approves a provider's change."
            if rule is None
            else f"{rule.required} of the teams {', '.join(rule.teams)} approve each change."
        ),
        "_links": {
            "self": links.link(links.path("/pacticipants/{p}/approval-policy", p=pacticipant)),
            "pb:pacticipant": links.link(links.path("/pacticipants/{p}", p=pacticipant)),
        },
    }


def change_request(links: Links, request: ChangeRequest) -> Body:
    """A change request as the API shows it."""
    self_href = links.href("change-requests", str(request.id))
    body: Body = {
        "id": request.id,
        "status": request.status.value,
        "kind": request.kind.value,
        "pacticipant": request.pacticipant,
        "provider": request.provider,
        "contentSha": request.content_sha,
        "baseSha": request.base_sha,
        "author": request.author,
        "versions": list(request.versions),
        "createdAt": timestamp(request.created_at),
        "decidedAt": None if request.decided_at is None else timestamp(request.decided_at),
        "decidedBy": request.decided_by,
        "rejectionReason": request.rejection_reason,
        "supersededBy": request.superseded_by,
        "overrideReason": request.override_reason,
        "summary": hold_sentence(request),
        "requirements": [
            {
                "name": p.requirement.name,
                "teams": list(p.requirement.teams),
                "needed": p.requirement.needed,
                "approvedBy": sorted(p.counted),
                "satisfied": p.is_met,
                "description": describe_requirement(p),
            }
            for p in tally(request)
        ],
        "awaiting": awaiting_teams(request) if request.status is Status.OPEN else [],
        "approvals": [
            {
                "approver": a.approver,
                "teams": list(a.teams),
                "countsFor": a.team,
                "requirement": a.requirement,
                "at": timestamp(a.at),
            }
            for a in request.approvals
        ],
        "affected": [
            {"pacticipant": a.pacticipant, "interactions": list(a.interactions)}
            for a in request.affected
        ],
        "_links": {
            "self": links.link(self_href, title=f"Change request {request.id}"),
            "pb:pacticipant": links.link(
                links.path("/pacticipants/{p}", p=request.pacticipant), name=request.pacticipant
            ),
        },
    }
    if request.status in {Status.OPEN, Status.REJECTED}:
        body["_links"]["accord:override"] = links.link(f"{self_href}/override", title="Override")
    if request.status is Status.OPEN:
        body["_links"]["accord:approve"] = links.link(f"{self_href}/approve", title="Approve")
        body["_links"]["accord:reject"] = links.link(f"{self_href}/reject", title="Reject")
    if request.superseded_by is not None:
        body["_links"]["accord:superseded-by"] = links.link(
            links.href("change-requests", str(request.superseded_by))
        )
    return body


def _page(
    links: Links,
    given: list[tuple[str, str]],
    items: list[ChangeRequest],
    page: Page,
    total: int,
) -> Body:
    href = links.href("change-requests")
    info, nav = paged(links, href, page, total, len(items), query=given)
    return {
        "page": info,
        "_embedded": {"changeRequests": [change_request(links, item) for item in items]},
        "_links": {"self": links.link(page_href(href, given, page)), **nav},
    }


class GovernanceController(Controller):
    """Modes, approval policies and change requests."""

    path = "/"

    @get("/pacticipants/{pacticipant:str}/mode", opt=read() | documented(returns=MODE))
    async def get_mode(
        self, pacticipant: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The pacticipant's mode (the broker's default when it has none of its own)."""
        name = _name(pacticipant)
        governance = services.governance
        mode = await governance.mode(name)
        return hal(_mode(links, name, mode, await governance.owners(name)))

    # Modes and policies are the admins' to set; approvers sign changes off.
    @put(
        "/pacticipants/{pacticipant:str}/mode",
        opt=admin() | documented(body=MODE_BODY, body_required=True, returns=MODE),
    )
    async def set_mode(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Set the pacticipant's mode."""
        body = await read_json(request, ModeBody)
        name = _name(pacticipant)
        governance = services.governance
        mode = await governance.set_mode(name, parse_mode(body.mode))
        return hal(_mode(links, name, mode, await governance.owners(name)))

    @get("/pacticipants/{pacticipant:str}/approval-policy", opt=read() | documented(returns=POLICY))
    async def get_policy(
        self, pacticipant: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The pacticipant's approval policy, or the default rule."""
        name = _name(pacticipant)
        rule = await services.governance.policy(name)
        return hal(_policy(links, name, rule))

    @put(
        "/pacticipants/{pacticipant:str}/approval-policy",
        opt=admin() | documented(body=POLICY_BODY, body_required=True, returns=POLICY),
    )
    async def set_policy(
        self, pacticipant: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Set which teams approve the pacticipant's changes, and how many of them."""
        body = await read_json(request, PolicyBody)
        name = _name(pacticipant)
        rule = await services.governance.set_policy(name, tuple(body.teams), body.required)
        return hal(_policy(links, name, rule))

    @get(
        "/change-requests",
        opt=read()
        | documented(
            query=(
                QueryParam("pacticipant", "Only this pacticipant's change requests."),
                QueryParam(
                    "status",
                    "Only change requests in this status.",
                    {"type": "string", "enum": [s.value for s in Status]},
                ),
                *PAGING,
            ),
            returns=HAL_RESOURCE,
        ),
    )
    async def list_change_requests(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Change requests newest first; `?pacticipant= &status=`."""
        pacticipant = request.query_params.get("pacticipant")
        status_text = request.query_params.get("status")
        status = None if status_text is None else parse_status(status_text)
        given = [
            (key, value)
            for key, value in (("pacticipant", pacticipant), ("status", status_text))
            if value is not None
        ]
        page = page_of(request)
        items, total = await services.governance.change_requests(pacticipant, status, page)
        return hal(_page(links, given, items, page, total))

    @get("/change-requests/{request_id:int}", opt=read() | documented(returns=HAL_RESOURCE))
    async def show_change_request(
        self, request_id: FromPath[int], services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One change request with its diff against the last approved content."""
        described = await services.governance.describe(request_id)
        body = change_request(links, described.request)
        return hal(body | {"diff": described.diff})

    @post(
        "/change-requests/{request_id:int}/approve",
        status_code=200,
        opt=approve() | documented(body=ApproveBody, returns=HAL_RESOURCE),
    )
    async def approve_change(
        self, request_id: FromPath[int], request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Approve as the caller, for the body's `team` or the first requirement still owed.

        An approval that changes nothing answers 200 with `changed: false` and a notice saying so.
        """
        body = await read_json(request, ApproveBody)
        signed = await services.governance.approve(request_id, body.team)
        resource = change_request(links, signed.request)
        return hal(resource | {"changed": signed.changed, "notice": signed.note})

    # Break glass (issue 12).
    @post(
        "/change-requests/{request_id:int}/override",
        status_code=200,
        opt=admin() | documented(body=RejectBody, returns=HAL_RESOURCE),
    )
    async def override_change(
        self, request_id: FromPath[int], request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Let the content take effect without approval (admin; `ACCORD_ALLOW_OVERRIDE=true`)."""
        body = await read_json(request, RejectBody)
        overridden = await services.governance.override(request_id, body.reason)
        return hal(change_request(links, overridden))

    @post(
        "/change-requests/{request_id:int}/reject",
        status_code=200,
        opt=approve() | documented(body=RejectBody, returns=HAL_RESOURCE),
    )
    async def reject_change(
        self, request_id: FromPath[int], request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Reject as the caller; the body's `reason` says why."""
        body = await read_json(request, RejectBody)
        rejected = await services.governance.reject(request_id, body.reason)
        return hal(change_request(links, rejected))
