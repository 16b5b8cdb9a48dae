"""What the approvals inbox and a change request's page show, gathered from the services.

The inbox (`inbox_view`) lists three things, each paged: the open change requests that await
one of the caller's teams, every open request, and the decided ones (the history). What a
request awaits depends on the approvals it has counted (`broker.domain.approvals.tally`), so
the first list is filtered here, over the newest `MAX_OPEN_SCANNED` open requests at most
(narrowed by a pacticipant when one is given); the page says when there were more.

A request's page (`change_request_view`) shows the request with the diff the API computes
against the last approved content, the affected pacticipants and interactions, each
requirement with what it has counted, the changing pacticipant's mode and policy, and whether
the caller may approve or reject it: by the route's rule (the approver role) and then by the
domain's (not its author, in a team it needs), so the page offers what the API would accept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

from broker.domain.approvals import (
    awaiting,
    awaiting_teams,
    describe_requirement,
    hold_sentence,
    sign_off_refusal,
    tally,
)
from broker.domain.auth import Need, allows
from broker.domain.governance import DECIDED, ChangeRequest, Kind, Mode, Policy, Status
from broker.domain.model import Page
from broker.http.context import Services
from broker.services.actor import Actor

INBOX_PAGE_SIZE = 20
SCAN_PAGE_SIZE = 100
MAX_OPEN_SCANNED = 300  # open requests checked for the caller's teams, newest first
ANY_APPROVER = "any approver"

DiffKind = Literal["added", "removed", "changed", "breaking", "warning", "info", "note"]
_PACT_SIGNS: dict[str, DiffKind] = {"+ ": "added", "- ": "removed", "~ ": "changed"}
_CONTRACT_LEVELS: dict[str, DiffKind] = {"ERR ": "breaking", "WARN ": "warning", "INFO ": "info"}


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """A change request in a list: what it awaits, and which of that is the caller's to give."""

    request: ChangeRequest
    awaiting: tuple[str, ...]  # the teams that may still give a missing approval
    yours: tuple[str, ...]  # the caller's teams among them ("any approver" for an open group)
    summary: str  # where it stands, as can-i-deploy says it


class Listing(msgspec.Struct, frozen=True, kw_only=True):
    """One page of entries and how many there are."""

    entries: list[Entry]
    total: int
    page: Page

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.page.size))


class InboxPages(msgspec.Struct, frozen=True, kw_only=True):
    """Which page of each list the inbox shows (1-based)."""

    yours: int = 1
    open: int = 1
    decided: int = 1


class InboxView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the inbox shows."""

    teams: tuple[str, ...]  # the caller's
    may_approve: bool  # the caller's role may approve (the approve route's rule)
    pacticipant: str | None  # the filter, when given
    yours: Listing
    scanned: int  # open requests looked at for `yours`
    open_total: int  # how many open requests there are (more than `scanned`: some unchecked)
    open: Listing
    decided: Listing


class RequirementRow(msgspec.Struct, frozen=True, kw_only=True):
    """A requirement of the request and what it has counted so far."""

    name: str
    teams: tuple[str, ...]
    needed: int
    counted: tuple[str, ...]  # the teams (or, for a group without teams, approvers) counted
    is_met: bool
    description: str


class DiffLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the API's diff text, with what it says (added, removed, breaking…)."""

    kind: DiffKind
    text: str


class VersionLink(msgspec.Struct, frozen=True, kw_only=True):
    """A version that published the request's content, and the page showing that content.

    The template fills the page's URL in: `links.path(link.template, **link.names)`.
    """

    number: str
    template: str
    names: dict[str, str]


class ChangeRequestView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a change request's page shows."""

    request: ChangeRequest
    summary: str
    diff: list[DiffLine]
    requirements: list[RequirementRow]
    awaiting: list[str]
    mode: Mode
    policy: Policy | None  # None: the default rule
    versions: list[VersionLink]
    may_approve: bool  # the caller's role passes the approve route's rule
    refusal: str | None  # why the caller may not sign it off (an approver not needed, its author)
    team_choices: list[str]  # the caller's teams an approval could count for

    @property
    def is_open(self) -> bool:
        """Whether the request still waits for approvals."""
        return self.request.status is Status.OPEN

    @property
    def may_sign(self) -> bool:
        """Whether the page offers to approve and reject it."""
        return self.is_open and self.may_approve and self.refusal is None


def awaiting_caller(request: ChangeRequest, role: str, teams: Sequence[str]) -> tuple[str, ...]:
    """What of an open request the caller's approval could give: their awaited teams.

    A requirement with no teams (any approver) awaits every caller whose role may approve.
    A decided request awaits nobody.
    """
    if request.status is not Status.OPEN:
        return ()
    mine = tuple(t for t in awaiting_teams(request) if t in teams)
    anyone = any(not p.requirement.teams for p in awaiting(request))
    if anyone and allows(role, Need.APPROVE):
        return (*mine, ANY_APPROVER)
    return mine


def entry(request: ChangeRequest, actor: Actor) -> Entry:
    """A request as the inbox lists it for `actor`."""
    return Entry(
        request=request,
        awaiting=tuple(awaiting_teams(request)) if request.status is Status.OPEN else (),
        yours=awaiting_caller(request, actor.role, actor.teams),
        summary=hold_sentence(request),
    )


def diff_lines(request: ChangeRequest, text: str) -> list[DiffLine]:
    """The API's diff text, line by line, each with what it says.

    A pact's diff marks interactions `+` added, `-` removed and `~` changed; a provider
    contract's names each change's level (`ERR` breaking, `WARN`, `INFO`). Other lines
    (headings, counts) are notes.
    """
    marks: dict[str, DiffKind] = _PACT_SIGNS if request.kind is Kind.PACT else _CONTRACT_LEVELS
    lines = []
    for line in text.splitlines():
        kind: DiffKind = next((k for mark, k in marks.items() if line.startswith(mark)), "note")
        lines.append(DiffLine(kind=kind, text=line))
    return lines


def version_links(request: ChangeRequest) -> list[VersionLink]:
    """Each version listed on the request, with the page of what it published."""
    if request.kind is Kind.PACT:
        assert request.provider is not None, "a pact has a provider"
        template = "/ui/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
        names = {"provider": request.provider, "consumer": request.pacticipant}
    else:
        template = "/ui/provider-contracts/{provider}/version/{version}"
        names = {"provider": request.pacticipant}
    return [
        VersionLink(number=v, template=template, names={**names, "version": v})
        for v in request.versions
    ]


async def inbox_view(
    services: Services, actor: Actor, pacticipant: str | None, pages: InboxPages
) -> InboxView:
    """The inbox of `actor`, narrowed to `pacticipant` when given."""
    governance = services.governance
    size = INBOX_PAGE_SIZE
    yours: list[Entry] = []
    scanned, open_total, number = 0, 0, 1
    while scanned < MAX_OPEN_SCANNED:
        batch, open_total = await governance.change_requests(
            pacticipant, Status.OPEN, Page(number=number, size=SCAN_PAGE_SIZE)
        )
        scanned += len(batch)
        yours += [e for e in (entry(r, actor) for r in batch) if e.yours]
        if not batch or scanned >= open_total:
            break
        number += 1
    shown = Page(number=pages.yours, size=size)
    mine = Listing(entries=yours[shown.offset : shown.offset + size], total=len(yours), page=shown)
    open_page = Page(number=pages.open, size=size)
    still_open, open_total = await governance.change_requests(pacticipant, Status.OPEN, open_page)
    decided_page = Page(number=pages.decided, size=size)
    decided, decided_total = await governance.change_requests(pacticipant, DECIDED, decided_page)
    return InboxView(
        teams=actor.teams,
        may_approve=allows(actor.role, Need.APPROVE),
        pacticipant=pacticipant,
        yours=mine,
        scanned=min(scanned, open_total),
        open_total=open_total,
        open=Listing(
            entries=[entry(r, actor) for r in still_open], total=open_total, page=open_page
        ),
        decided=Listing(
            entries=[entry(r, actor) for r in decided], total=decided_total, page=decided_page
        ),
    )


async def change_request_view(
    services: Services, request_id: int, actor: Actor
) -> ChangeRequestView:
    """The page of change request `request_id` as `actor` sees it.

    Raises:
        NotFoundError: there is no such change request.
    """
    governance = services.governance
    described = await governance.describe(request_id)
    request = described.request
    refusal = sign_off_refusal(request, actor.person, actor.role, actor.teams)
    open_teams = awaiting_teams(request) if request.status is Status.OPEN else []
    return ChangeRequestView(
        request=request,
        summary=hold_sentence(request),
        diff=diff_lines(request, described.diff),
        requirements=[
            RequirementRow(
                name=p.requirement.name,
                teams=p.requirement.teams,
                needed=p.requirement.needed,
                counted=p.counted,
                is_met=p.is_met,
                description=describe_requirement(p),
            )
            for p in tally(request)
        ],
        awaiting=open_teams,
        mode=await governance.mode(request.pacticipant),
        policy=await governance.policy(request.pacticipant),
        versions=version_links(request),
        may_approve=allows(actor.role, Need.APPROVE),
        refusal=None if refusal is None else refusal.message,
        team_choices=[t for t in open_teams if t in actor.teams],
    )
