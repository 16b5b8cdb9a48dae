"""Governance as the HTTP resources use it: modes, policies and change requests.

Listing, showing, approving, rejecting and overriding change requests. The rules other
services apply while publishing and answering can-i-deploy are in `broker.services.governance`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from broker.domain.approvals import (
    Signed,
    approve,
    override,
    reject,
)
from broker.domain.errors import ConflictError, FieldError, ForbiddenError, NotFoundError
from broker.domain.governance import (
    ChangeRequest,
    Kind,
    Mode,
    Policy,
    Status,
    check_policy,
)
from broker.domain.model import Page
from broker.domain.names import check_name
from broker.domain.pact_diff import render_text
from broker.domain.webhooks import CHANGE_REQUEST_APPROVED, CHANGE_REQUEST_REJECTED
from broker.services.actor import current_actor
from broker.services.audit import audit
from broker.services.clock import Clock, system_clock
from broker.services.document_work import spec_impacts
from broker.services.doorbell import Doorbell
from broker.services.governance import Governance, pact_diff_from
from broker.services.webhook_events import Events
from broker.services.webhook_triggers import change_request_event
from broker.services.work import Work, WorkTimeoutError
from broker.storage.interface import Contracts, GovernanceRecords, Pacticipants, Pacts, Storage


class _Roles(Contracts, GovernanceRecords, Pacticipants, Pacts, Protocol):
    """The storage roles this module's helpers use."""


class Described(msgspec.Struct, frozen=True, kw_only=True):
    """A change request with its diff against the last approved content."""

    request: ChangeRequest
    diff: str


class GovernanceService:
    """Modes, policies and change requests, as the HTTP resources use them."""

    def __init__(
        self,
        storage: Storage,
        governance: Governance,
        clock: Clock = system_clock,
        *,
        allow_override: bool = False,
        doorbell: Doorbell | None = None,
    ) -> None:
        self._storage = storage
        self._governance = governance
        self._clock = clock
        self._allow_override = allow_override
        self._doorbell = doorbell

    async def mode(self, pacticipant: str) -> Mode:
        """A pacticipant's mode (the broker's default if it has none of its own)."""
        async with self._storage.transaction() as tx:
            return await self._governance.mode(tx, pacticipant)

    async def owners(self, pacticipant: str) -> list[str]:
        """The teams that own the pacticipant, by name."""
        async with self._storage.transaction() as tx:
            return sorted(await tx.teams_owning(pacticipant))

    async def set_mode(self, pacticipant: str, mode: Mode) -> Mode:
        """Set a pacticipant's mode (it may not exist yet)."""
        check_name(pacticipant, "/pacticipant", "pacticipant name")
        async with self._storage.transaction() as tx:
            before = await self._governance.mode(tx, pacticipant)
            still_open = await tx.open_change_request_ids(pacticipant)
            if before is Mode.ENTERPRISE and mode is not Mode.ENTERPRISE and still_open:
                # Leaving enterprise mode would leave these requests to nobody; they would
                # still hold their versions back, but the next publication would take effect.
                ids = ", ".join(str(i) for i in still_open)
                plural = "s" if len(still_open) > 1 else ""
                raise ConflictError(
                    f"{pacticipant} has open change request{plural} {ids}: approve, reject or"
                    f" override {'them' if plural else 'it'} before leaving {before} mode",
                    [FieldError("/mode", f"change request{plural} {ids} still open")],
                )
            await tx.save_mode(pacticipant, mode.value, self._clock())
            await audit(
                tx,
                self._clock(),
                "mode.set",
                f"mode:{pacticipant}",
                before.value,
                mode.value,
                pacticipant,
            )
            return mode

    async def policy(self, pacticipant: str) -> Policy | None:
        """A pacticipant's own approval policy, or None for the default rule."""
        async with self._storage.transaction() as tx:
            return await tx.find_policy(pacticipant)

    async def set_policy(
        self, pacticipant: str, teams: tuple[str, ...], required: object
    ) -> Policy:
        """Set a pacticipant's approval policy: `required` of `teams` approve each change."""
        check_name(pacticipant, "/pacticipant", "pacticipant name")
        check_policy(teams, required)
        assert isinstance(required, int)
        rule = Policy(pacticipant=pacticipant, teams=teams, required=required)
        async with self._storage.transaction() as tx:
            before = await tx.find_policy(rule.pacticipant)
            await tx.save_policy(rule, self._clock())
            await audit(
                tx,
                self._clock(),
                "approval-policy.set",
                f"approval-policy:{rule.pacticipant}",
                None if before is None else _policy_text(before),
                _policy_text(rule),
                rule.pacticipant,
            )
            return rule

    async def change_requests(
        self, pacticipant: str | None, status: Status | tuple[Status, ...] | None, page: Page
    ) -> tuple[list[ChangeRequest], int]:
        """One page of change requests, newest first, and how many match (any of `status`)."""
        async with self._storage.transaction() as tx:
            return await tx.list_change_requests(pacticipant, status, page)

    async def describe(self, request_id: int) -> Described:
        """A change request with its diff against the last approved content."""
        async with self._storage.transaction() as tx:
            request = await _require(tx, request_id)
            diff = await _diff_text(tx, request, self._clock(), self._governance.work)
            return Described(request=request, diff=diff)

    async def approve(self, request_id: int, as_team: str | None = None) -> Signed:
        """Approve as the current caller, for `as_team` or the first requirement still owed.

        Once every requirement is met the content takes effect. An approval that changes
        nothing is neither stored nor audited; its note says so.
        """
        actor = current_actor.get()
        now = self._clock()
        async with self._storage.transaction() as tx:
            request = await _require(tx, request_id)
            signed = approve(request, actor.person, actor.role, actor.teams, now, as_team)
            if not signed.changed:
                return signed
            decided = signed.request
            await tx.save_change_request(decided)
            events = Events(tx, now)
            if decided.status is Status.APPROVED:
                await _let_content_take_effect(tx, decided, now)
                await change_request_event(tx, events, CHANGE_REQUEST_APPROVED, decided)
                await events.flush()
            await audit(
                tx,
                now,
                "change-request.approve",
                f"change-request:{decided.id}",
                request.status.value,
                decided.status.value,
                *_names(decided),
            )
        events.ring(self._doorbell)
        return signed

    async def override(self, request_id: int, reason: str | None) -> ChangeRequest:
        """Let the request's content take effect without approval (admin, break glass).

        Refused unless the broker allows it (`ACCORD_ALLOW_OVERRIDE=true`). The audit log
        records it as `change-request.override`, apart from approvals.
        """
        actor = current_actor.get()
        if not self._allow_override:
            raise ForbiddenError(
                "Overriding change requests is disabled on this broker: its operator enables"
                " it with ACCORD_ALLOW_OVERRIDE=true",
                [FieldError("", "overrides are disabled (ACCORD_ALLOW_OVERRIDE)")],
            )
        now = self._clock()
        async with self._storage.transaction() as tx:
            request = await _require(tx, request_id)
            decided = override(request, admin=actor.person, role=actor.role, reason=reason, now=now)
            await tx.save_change_request(decided)
            await _let_content_take_effect(tx, decided, now)
            # The content takes effect as if approved: the status variable says "overridden".
            events = Events(tx, now)
            await change_request_event(tx, events, CHANGE_REQUEST_APPROVED, decided)
            await events.flush()
            await audit(
                tx,
                now,
                "change-request.override",
                f"change-request:{decided.id}",
                request.status.value,
                f"{decided.status.value}: {decided.override_reason}",
                *_names(decided),
            )
        events.ring(self._doorbell)
        return decided

    async def reject(self, request_id: int, reason: str | None) -> ChangeRequest:
        """Reject as the current caller, saying why."""
        actor = current_actor.get()
        now = self._clock()
        async with self._storage.transaction() as tx:
            request = await _require(tx, request_id)
            decided = reject(
                request,
                approver=actor.person,
                role=actor.role,
                teams=actor.teams,
                reason=reason,
                now=now,
            )
            if decided == request:
                return request
            await tx.save_change_request(decided)
            events = Events(tx, now)
            await change_request_event(tx, events, CHANGE_REQUEST_REJECTED, decided)
            await events.flush()
            await audit(
                tx,
                now,
                "change-request.reject",
                f"change-request:{decided.id}",
                request.status.value,
                decided.status.value,
                *_names(decided),
            )
        events.ring(self._doorbell)
        return decided


async def _require(tx: GovernanceRecords, request_id: int) -> ChangeRequest:
    request = await tx.find_change_request(request_id)
    if request is None:
        raise NotFoundError(f"No change request {request_id}")
    return request


def _names(request: ChangeRequest) -> tuple[str, ...]:
    return (request.pacticipant, *([request.provider] if request.provider else []))


def _policy_text(rule: Policy) -> str:
    return f"{rule.required} of {', '.join(rule.teams)}"


async def _let_content_take_effect(
    tx: GovernanceRecords, decided: ChangeRequest, now: datetime
) -> None:
    """Record the request's content as approved (by approvals or an override)."""
    await tx.approve_content(
        decided.kind, decided.pacticipant, decided.provider, decided.content_sha, decided.id, now
    )


async def _diff_text(tx: _Roles, request: ChangeRequest, now: datetime, work: Work) -> str:
    """The change against the last approved content, as text (a document diff in a worker)."""
    if request.kind is Kind.PACT:
        return await _pact_diff_text(tx, request, work)
    return await _contract_diff_text(tx, request, now, work)


async def _pact_diff_text(tx: _Roles, request: ChangeRequest, work: Work) -> str:
    assert request.provider is not None
    consumer = await tx.find_pacticipant(request.pacticipant)
    provider = await tx.find_pacticipant(request.provider)
    new = (
        None
        if consumer is None or provider is None
        else await tx.find_pact_version(consumer.id, provider.id, request.content_sha)
    )
    if consumer is None or provider is None or new is None:
        return "The content of this change request no longer exists."
    if request.base_sha is None:
        everything = render_text(await pact_diff_from(work, None, new))
        return f"No approved content yet: every interaction is new.\n{everything}"
    base = await tx.find_pact_version(consumer.id, provider.id, request.base_sha)
    heading = f"Against the approved content {request.base_sha[:12]}:"
    return f"{heading}\n{render_text(await pact_diff_from(work, base, new))}"


async def _contract_diff_text(tx: _Roles, request: ChangeRequest, now: datetime, work: Work) -> str:
    provider = await tx.find_pacticipant(request.pacticipant)
    contract = (
        None
        if provider is None
        else await tx.find_provider_contract(provider.id, request.content_sha)
    )
    if provider is None or contract is None:
        return "The content of this change request no longer exists."
    if request.base_sha is None:
        return "No approved provider contract yet: the whole document is new."
    base = await tx.find_provider_contract(provider.id, request.base_sha)
    if base is None:
        return "The approved document this change request started from no longer exists."
    try:
        hits, problem = await work.run(spec_impacts, base.content, contract.content, [], now.date())
    except WorkTimeoutError as error:
        hits, problem = [], f"not computed: {error.reason}"
    if problem is not None:
        return f"The documents cannot be compared: {problem}"
    lines = [f"Against the approved document {request.base_sha[:12]}:"]
    lines += [
        f"{c.level.value} {c.id}{f' ({c.operation})' if c.operation else ''}: {c.text}"
        for c in (hit.change for hit in hits)
    ] or ["No change to the API."]
    return "\n".join(lines)
