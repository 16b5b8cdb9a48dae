"""Signing change requests off: how approvals count, what a request still needs, and deciding.

Pure functions over `broker.domain.governance` values.

- An approval counts for **one** team of **one** requirement: the team the approver names, or
  else the first requirement still owed that one of their teams answers (a requirement with
  no teams last). One person therefore never satisfies two requirements, nor two teams of one
  group, whatever teams they belong to (`tally`).
- A version stays answerable for the content it published: deleting the pact, the version or
  the pacticipant, or publishing other content under the same version number, does not
  release the hold of a request that lists the version (`version_holds`).
- An admin may **override** an open or rejected request when the broker allows it
  (`ACCORD_ALLOW_OVERRIDE`): the content takes effect without approval, and can-i-deploy says
  so for every version that publishes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import msgspec

from broker.domain.auth import Role
from broker.domain.errors import ConflictError, FieldError, ForbiddenError, InvalidInputError
from broker.domain.governance import Approval, ChangeRequest, Requirement, Status

Slot = tuple[str, str | None]
"""What one approval counts for: a requirement's name, and its team (None without teams)."""


class Progress(msgspec.Struct, frozen=True, kw_only=True):
    """A requirement and what it has counted: its teams (approvers, without teams) that approved."""

    requirement: Requirement
    counted: tuple[str, ...]

    @property
    def missing(self) -> int:
        """How many more approvals it needs."""
        return max(0, self.requirement.needed - len(self.counted))

    @property
    def is_met(self) -> bool:
        """Whether enough distinct teams (or approvers) of the group have approved."""
        return self.missing == 0

    @property
    def waiting_for(self) -> list[str]:
        """The group's teams whose approval would still count."""
        return [t for t in self.requirement.teams if t not in self.counted]


def _open_slots(
    requirements: Sequence[Requirement], counted: Mapping[str, list[str]], approval: Approval
) -> list[Slot]:
    """Where an approval could still count, in order: team groups first, then any-approver ones.

    A group naming one of the approver's teams needs them more than a group anyone can answer.
    """
    slots: list[Slot] = []
    anyone: list[Slot] = []
    for requirement in requirements:
        done = counted[requirement.name]
        if len(done) >= requirement.needed:
            continue
        if not requirement.teams:
            if approval.approver not in done:
                anyone.append((requirement.name, None))
            continue
        slots += [
            (requirement.name, team)
            for team in requirement.teams
            if team in approval.teams and team not in done
        ]
    return slots + anyone


def _tally(
    requirements: Sequence[Requirement], approvals: Sequence[Approval]
) -> dict[str, list[str]]:
    counted: dict[str, list[str]] = {r.name: [] for r in requirements}
    for given in approvals:
        slots = _open_slots(requirements, counted, given)
        if given.requirement is not None:
            slots = [s for s in slots if s == (given.requirement, given.team)]
        if slots:
            name, team = slots[0]
            counted[name].append(given.approver if team is None else team)
    return counted


def tally(request: ChangeRequest) -> list[Progress]:
    """Each requirement with what it counted, approvals taken in order and each counted once.

    An approval counts for the requirement and team it names while that slot is open; one
    given before approvals were counted once names none and takes the first open slot.
    """
    counted = _tally(request.requirements, request.approvals)
    return [Progress(requirement=r, counted=tuple(counted[r.name])) for r in request.requirements]


def awaiting(request: ChangeRequest) -> list[Progress]:
    """The requirements not yet met."""
    return [p for p in tally(request) if not p.is_met]


def awaiting_teams(request: ChangeRequest) -> list[str]:
    """The teams that may still give a missing approval, in order, once each."""
    teams: dict[str, None] = {}
    for progress in awaiting(request):
        teams.update((t, None) for t in progress.waiting_for)
    return list(teams)


def _approvals(count: int) -> str:
    return "1 approval" if count == 1 else f"{count} approvals"


def describe_requirement(progress: Progress) -> str:
    """Who is still awaited: "1 more approval from one of b, c (for the policy of Web)"."""
    requirement = progress.requirement
    missing = progress.missing
    if missing == 0:
        return f"approved by {', '.join(progress.counted)} (for {requirement.name})"
    more = " more" if progress.counted else ""
    wanted = f"{_approvals(missing).replace(' ', f'{more} ', 1)}"
    if not requirement.teams:
        who = f"{wanted} from any approver"
        return who if requirement.name == "any approver" else f"{who} (for {requirement.name})"
    left = progress.waiting_for
    if len(left) == 1:
        who = f"{wanted} from a member of {left[0]}"
    else:
        among = "one" if missing == 1 else str(missing)
        who = f"{wanted} from {among} of {', '.join(left)}"
    return f"{who} (for {requirement.name})"


def needs_sentence(request: ChangeRequest) -> str:
    """What an open request still needs: "needs 1 more approval from one of b, c (for …)"."""
    return "needs " + "; ".join(describe_requirement(p) for p in awaiting(request))


def hold_sentence(request: ChangeRequest) -> str:
    """Why a version that published the request's content may not be deployed."""
    if request.status is Status.OPEN:
        return (
            f"Change request {request.id} awaiting approval ({needs_sentence(request)}):"
            f" {request.subject} ({request.content_sha[:12]}) has not been approved"
        )
    if request.status is Status.REJECTED:
        return (
            f"Change request {request.id} was rejected by {request.decided_by}:"
            f" {request.rejection_reason}"
        )
    if request.status is Status.OVERRIDDEN:
        return override_sentence(request)
    if request.status is Status.APPROVED:
        return f"Change request {request.id} was approved: {request.subject} is in effect"
    later = f" by change request {request.superseded_by}" if request.superseded_by else ""
    return (
        f"Change request {request.id} was superseded{later}: {request.subject}"
        f" ({request.content_sha[:12]}) was never approved"
    )


def override_sentence(request: ChangeRequest) -> str:
    """What can-i-deploy and the request say of an override."""
    return (
        f"Change request {request.id} was overridden by {request.decided_by} without approval:"
        f" {request.override_reason} ({request.subject}, {request.content_sha[:12]})"
    )


def version_holds(
    requests: Sequence[ChangeRequest], approved: Mapping[int, bool]
) -> tuple[list[str], list[str]]:
    """The holds and warnings of the requests that list a version.

    Args:
        requests: the requests the version published content for (and was listed on), in any
            status; the version may since have deleted or replaced that content.
        approved: for each request id, whether its content is in effect (approved by another
            request, or published outside enterprise mode later).

    Returns:
        The hold sentences (requests not approved whose content is not in effect) and the
        warnings (overridden requests).
    """
    holds: list[str] = []
    warnings: list[str] = []
    for request in requests:
        if request.status is Status.OVERRIDDEN:
            warnings.append(override_sentence(request))
        elif request.status is not Status.APPROVED and not approved.get(request.id, False):
            holds.append(hold_sentence(request))
    return holds, warnings


def _may_sign(request: ChangeRequest, approver: str, role: str, teams: Sequence[str]) -> None:
    """Raise unless this caller may approve or reject the request."""
    if approver == request.author:
        raise ForbiddenError(
            f"{approver} published this change and cannot approve or reject it: another"
            " approver must",
            [FieldError("", "the author of a change cannot sign it off")],
        )
    if role not in {Role.APPROVER, Role.ADMIN}:
        raise ForbiddenError(
            f"{approver} has the {role} role: approving needs the approver role",
            [FieldError("", "needs the approver role")],
        )
    eligible = [r for r in request.requirements if not r.teams or set(r.teams) & set(teams)]
    if not eligible:
        needed = sorted({t for r in request.requirements for t in r.teams})
        raise ForbiddenError(
            f"{approver} is not in a team that must approve change request {request.id}:"
            f" it needs {', '.join(needed)}",
            [FieldError("", f"needs a member of {', '.join(needed)}")],
        )


def sign_off_refusal(
    request: ChangeRequest, approver: str, role: str, teams: Sequence[str]
) -> ForbiddenError | None:
    """Why this caller may not approve or reject the request (as `approve` would say), or None."""
    try:
        _may_sign(request, approver, role, teams)
    except ForbiddenError as refused:
        return refused
    return None


class Signed(msgspec.Struct, frozen=True, kw_only=True):
    """An approval's outcome: the request as it now stands, and what the approval did."""

    request: ChangeRequest
    changed: bool  # False: nothing was recorded
    note: str


MAX_REASON_CHARS = 2000


def approve(  # noqa: PLR0917 - who approves, as the caller is known
    request: ChangeRequest,
    approver: str,
    role: str,
    teams: Sequence[str],
    now: datetime,
    as_team: str | None = None,
) -> Signed:
    """The request with this approval, counted for one team of one requirement.

    Args:
        request: the change request.
        approver: the person approving (two tokens of one user are one person).
        role: the caller's role.
        teams: the approver's teams.
        now: when.
        as_team: the team the approval counts for; None: the first requirement still owed
            that one of the approver's teams can answer.

    An approval that changes nothing (this person approved already, their teams are counted
    already, the request is approved or overridden) is not recorded, and the note says so.
    """
    if request.status in {Status.REJECTED, Status.SUPERSEDED}:
        raise ConflictError(
            f"Change request {request.id} is {request.status} and can no longer be approved:"
            " nothing was recorded",
            [FieldError("/status", f"is {request.status}")],
        )
    _may_sign(request, approver, role, teams)
    named = sorted({t for r in request.requirements for t in r.teams})
    if as_team is not None and as_team not in teams:
        raise ForbiddenError(
            f"{approver} is not a member of {as_team} and cannot approve for it",
            [FieldError("/team", f"must be one of the approver's teams: {', '.join(teams)}")],
        )
    if as_team is not None and as_team not in named:
        raise InvalidInputError(
            f"Change request {request.id} does not need an approval from {as_team}",
            [FieldError("/team", f"must be one of {', '.join(named) or 'no team'}")],
        )
    unchanged = " This approval changes nothing and was not recorded."
    if request.status is not Status.OPEN:
        return Signed(
            request=request,
            changed=False,
            note=f"Change request {request.id} is {request.status} already.{unchanged}",
        )
    if any(a.approver == approver for a in request.approvals):
        return Signed(
            request=request,
            changed=False,
            note=f"{approver} has approved change request {request.id} already: one person"
            f" counts once. It {needs_sentence(request)}.{unchanged}",
        )
    candidate = Approval(approver=approver, teams=tuple(teams), at=now)
    slots = _open_slots(
        request.requirements, _tally(request.requirements, request.approvals), candidate
    )
    if as_team is not None:
        slots = [s for s in slots if s[1] == as_team]
    if not slots:
        whose = as_team or ", ".join(t for t in teams if t in named)
        return Signed(
            request=request,
            changed=False,
            note=f"The approval of {whose} counts for change request {request.id} already."
            f" It {needs_sentence(request)}.{unchanged}",
        )
    name, team = slots[0]
    given = msgspec.structs.replace(candidate, requirement=name, team=team)
    counted = msgspec.structs.replace(request, approvals=(*request.approvals, given))
    done = not awaiting(counted)
    decided = msgspec.structs.replace(
        counted,
        status=Status.APPROVED if done else Status.OPEN,
        decided_at=now if done else None,
        decided_by=approver if done else None,
    )
    counts_for = f"{team} ({name})" if team is not None else name
    outcome = (
        f"{decided.subject} is approved and in effect" if done else f"it {needs_sentence(decided)}"
    )
    return Signed(
        request=decided,
        changed=True,
        note=f"Approved change request {request.id} for {counts_for}: {outcome}.",
    )


def override(
    request: ChangeRequest, *, admin: str, role: str, reason: str | None, now: datetime
) -> ChangeRequest:
    """The request, overridden by an admin: its content takes effect without approval.

    Break glass: only an open or rejected request, only with a reason.
    """
    if role != Role.ADMIN:
        raise ForbiddenError(
            f"{admin} has the {role} role: overriding a change request needs the admin role",
            [FieldError("", "needs the admin role")],
        )
    text = (reason or "").strip()
    if not text or len(text) > MAX_REASON_CHARS:
        raise InvalidInputError(
            "An override needs a reason",
            [
                FieldError(
                    "/reason",
                    "must say why the change takes effect without approval"
                    if not text
                    else f"must be at most {MAX_REASON_CHARS} characters",
                )
            ],
        )
    if request.status not in {Status.OPEN, Status.REJECTED}:
        later = (
            f": override change request {request.superseded_by} instead"
            if request.superseded_by is not None
            else ""
        )
        raise ConflictError(
            f"Change request {request.id} is {request.status} and cannot be overridden{later}",
            [FieldError("/status", f"is {request.status}")],
        )
    return msgspec.structs.replace(
        request,
        status=Status.OVERRIDDEN,
        decided_at=now,
        decided_by=admin,
        override_reason=text,
    )


def reject(
    request: ChangeRequest,
    *,
    approver: str,
    role: str,
    teams: Sequence[str],
    reason: str | None,
    now: datetime,
) -> ChangeRequest:
    """The request, rejected for `reason` (which must say something)."""
    if reason is None or not reason.strip():
        raise InvalidInputError(
            "A rejection needs a reason",
            [FieldError("/reason", "must say why the change is rejected")],
        )
    if len(reason.strip()) > MAX_REASON_CHARS:
        raise InvalidInputError(
            "The rejection's reason is too long",
            [FieldError("/reason", f"must be at most {MAX_REASON_CHARS} characters")],
        )
    if request.status is Status.REJECTED:
        return request
    if request.status is not Status.OPEN:
        raise ConflictError(
            f"Change request {request.id} is {request.status} and can no longer be rejected",
            [FieldError("/status", f"is {request.status}")],
        )
    _may_sign(request, approver, role, teams)
    return msgspec.structs.replace(
        request,
        status=Status.REJECTED,
        decided_at=now,
        decided_by=approver,
        rejection_reason=reason.strip(),
    )
