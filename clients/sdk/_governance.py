"""Governance (issue #5) as the SDK uses it: modes, approval policies, teams, change requests.

In `brownfield-enterprise` mode a contract change opens a change request, and the change
does not count for can-i-deploy until approvers of the required teams approve it. Admins set
modes, policies and teams; approvers approve or reject change requests.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from clients.sdk import _hal as hal
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Resource

MODES = ("greenfield", "brownfield-polish", "brownfield-enterprise")
"""The modes a pacticipant can be in; the broker has the last word on which exist."""

STATUSES = ("open", "approved", "rejected", "superseded", "overridden")
"""The statuses of a change request."""

_PAGE_SIZE = 100


class PacticipantMode(Resource, frozen=True, kw_only=True):
    """`GET /pacticipants/{p}/mode`."""

    pacticipant: str
    mode: str
    owning_teams: list[str] = msgspec.field(default_factory=list)


class ApprovalPolicy(Resource, frozen=True, kw_only=True):
    """`GET /pacticipants/{p}/approval-policy`: whose approval a change of its contracts needs.

    Attributes:
        teams: the teams whose approvers approve the pacticipant's own contract changes.
        required: how many of those teams must approve each change; None with the default.
        is_default: no admin set a policy: one member of each counterpart's teams approves.
        description: the rule in words, as the broker puts it.
    """

    pacticipant: str
    teams: list[str] = msgspec.field(default_factory=list)
    required: int | None = None
    is_default: bool = False
    description: str | None = None


class Team(Resource, frozen=True, kw_only=True):
    """`PUT /admin/teams/{name}`: a team and the pacticipants it owns."""

    name: str
    pacticipants: list[str] = msgspec.field(default_factory=list)


class Requirement(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One group whose sign-off a change request needs, and how far it got.

    Attributes:
        name: whom the group speaks for (a counterpart pacticipant, or "the policy of P").
        teams: the group's teams; empty when any approver will do.
        needed: how many distinct teams (or approvers, without teams) must approve.
        approved_by: the teams (or approvers, without teams) that have approved.
        description: who is still awaited, in words.
    """

    name: str
    teams: list[str] = msgspec.field(default_factory=list)
    needed: int = 1
    approved_by: list[str] = msgspec.field(default_factory=list)
    satisfied: bool = False
    description: str | None = None


class Approval(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Who approved a change request, and when.

    Attributes:
        teams: the approver's teams when they approved.
        counts_for: the one team the approval counts for (None: a requirement any approver
            answers, or an approval from before approvals counted once).
        requirement: the requirement it counts for.
    """

    approver: str
    teams: list[str] = msgspec.field(default_factory=list)
    counts_for: str | None = None
    requirement: str | None = None
    at: str | None = None


class AffectedParty(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """A pacticipant on the other side of the change, and its interactions the change touches."""

    pacticipant: str
    interactions: list[str] = msgspec.field(default_factory=list)


class ChangeRequest(Resource, frozen=True, kw_only=True):
    """A contract change waiting for (or past) approval.

    Attributes:
        kind: `pact` (a consumer's pact changed) or `provider-contract` (a provider's OpenAPI
            document changed).
        pacticipant: whose contract changed.
        provider: the pact's provider (kind `pact`); None for a provider contract.
        summary: where the request stands, in one sentence (can-i-deploy's reason while open).
        awaiting: the teams whose approval is still missing (empty once decided).
        override_reason: why an admin let the change take effect without approval.
        diff: what changed, as text; only `GET /change-requests/{id}` carries it.
        changed: in an approval's answer, whether the approval was recorded.
        notice: in an approval's answer, what it did, in one sentence.
    """

    id: int
    status: str
    kind: str
    pacticipant: str
    provider: str | None = None
    content_sha: str | None = None
    base_sha: str | None = None
    author: str | None = None
    versions: list[str] = msgspec.field(default_factory=list)
    created_at: str | None = None
    decided_at: str | None = None
    decided_by: str | None = None
    rejection_reason: str | None = None
    superseded_by: int | None = None
    override_reason: str | None = None
    summary: str | None = None
    requirements: list[Requirement] = msgspec.field(default_factory=list)
    awaiting: list[str] = msgspec.field(default_factory=list)
    approvals: list[Approval] = msgspec.field(default_factory=list)
    affected: list[AffectedParty] = msgspec.field(default_factory=list)
    # UNSET, not None: a list item has no diff, and `--output json` must not invent one.
    diff: str | msgspec.UnsetType = msgspec.UNSET
    changed: bool | msgspec.UnsetType = msgspec.UNSET
    notice: str | msgspec.UnsetType = msgspec.UNSET


class ChangeRequestsEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """`_embedded` of a change request page."""

    change_requests: list[ChangeRequest] = msgspec.field(default_factory=list)


class ChangeRequestPage(Resource, frozen=True, kw_only=True):
    """`GET /change-requests`: one page."""

    embedded: ChangeRequestsEmbedded = msgspec.field(
        default_factory=ChangeRequestsEmbedded, name="_embedded"
    )


def _pacticipant_href(pacticipant: str, resource: str) -> str:
    return hal.expand(f"/pacticipants/{{pacticipant}}/{resource}", {"pacticipant": pacticipant})


def get_mode(session: Session, pacticipant: str) -> Operation[PacticipantMode]:
    """`GET /pacticipants/{p}/mode`."""
    href = _pacticipant_href(pacticipant, "mode")
    return (yield from session.fetch("GET", href, PacticipantMode))


def set_mode(session: Session, pacticipant: str, mode: str) -> Operation[PacticipantMode]:
    """`PUT /pacticipants/{p}/mode` (admin)."""
    href = _pacticipant_href(pacticipant, "mode")
    return (yield from session.fetch("PUT", href, PacticipantMode, body={"mode": mode}))


def get_approval_policy(session: Session, pacticipant: str) -> Operation[ApprovalPolicy]:
    """`GET /pacticipants/{p}/approval-policy`."""
    href = _pacticipant_href(pacticipant, "approval-policy")
    return (yield from session.fetch("GET", href, ApprovalPolicy))


def set_approval_policy(
    session: Session, pacticipant: str, teams: Iterable[str], required: int
) -> Operation[ApprovalPolicy]:
    """`PUT /pacticipants/{p}/approval-policy` (admin)."""
    href = _pacticipant_href(pacticipant, "approval-policy")
    body = {"teams": list(teams), "required": required}
    return (yield from session.fetch("PUT", href, ApprovalPolicy, body=body))


def create_team(session: Session, name: str, pacticipants: Iterable[str]) -> Operation[Team]:
    """`PUT /admin/teams/{name}` (admin): create or replace the team and what it owns."""
    href = hal.expand("/admin/teams/{name}", {"name": name})
    body = {"pacticipants": list(pacticipants)}
    return (yield from session.fetch("PUT", href, Team, body=body))


def list_change_requests(
    session: Session,
    pacticipant: str | None = None,
    status: str | None = None,
    *,
    page_size: int = _PAGE_SIZE,
) -> Operation[list[ChangeRequest]]:
    """`GET /change-requests`, every page.

    Each page is asked for with the filters again rather than through the `next` link, so a
    link that leaves the filters out cannot widen the listing.
    """
    filters = {"pacticipant": pacticipant, "status": status}
    params = {name: value for name, value in filters.items() if value is not None}
    found: list[ChangeRequest] = []
    number = 1
    while True:
        page = yield from session.fetch(
            "GET",
            "/change-requests",
            ChangeRequestPage,
            params={**params, "page": str(number), "size": str(page_size)},
        )
        items = page.embedded.change_requests
        found.extend(items)
        if not items or "next" not in page.links:
            return found
        number += 1


def get_change_request(session: Session, change_request: int) -> Operation[ChangeRequest]:
    """`GET /change-requests/{id}`, with its diff."""
    return (yield from session.fetch("GET", f"/change-requests/{change_request}", ChangeRequest))


def approve_change(
    session: Session, change_request: int, as_team: str | None = None
) -> Operation[ChangeRequest]:
    """`POST /change-requests/{id}/approve`, counting for `as_team` (else the first still owed).

    An approval that changes nothing is not recorded: the answer says `changed: false`.
    """
    href = f"/change-requests/{change_request}/approve"
    body = {} if as_team is None else {"team": as_team}
    return (yield from session.fetch("POST", href, ChangeRequest, body=body))


def override_change(session: Session, change_request: int, reason: str) -> Operation[ChangeRequest]:
    """`POST /change-requests/{id}/override` (admin; the broker must allow overrides)."""
    href = f"/change-requests/{change_request}/override"
    return (yield from session.fetch("POST", href, ChangeRequest, body={"reason": reason}))


def reject_change(session: Session, change_request: int, reason: str) -> Operation[ChangeRequest]:
    """`POST /change-requests/{id}/reject` with the reason, which the broker requires."""
    href = f"/change-requests/{change_request}/reject"
    return (yield from session.fetch("POST", href, ChangeRequest, body={"reason": reason}))
