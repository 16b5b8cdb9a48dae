"""Governance: modes, change requests and their sign-off, and what they hold back.

`Governance` holds the rules other services apply inside their own transactions: publishing a
pact or a provider contract asks it whether the content takes effect (`on_pact`,
`on_provider_contract`), can-i-deploy asks what holds a version back (`holds`, `warnings`),
and pacts-for-verification which pacts are pending approval (`mark_unapproved`).
The use cases behind the HTTP resources are in `broker.services.change_requests`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

import msgspec

from broker.domain.approvals import (
    hold_sentence,
    needs_sentence,
    override_sentence,
    version_holds,
)
from broker.domain.errors import Notice
from broker.domain.governance import (
    Affected,
    ChangeRequest,
    Kind,
    Mode,
    NewRequest,
    Status,
    needs_request,
    requirements_for,
)
from broker.domain.model import Pacticipant, PactVersion, Page, ProviderContract, Version
from broker.domain.pact_diff import PactDiff
from broker.domain.webhooks import CHANGE_REQUEST_OPENED, CHANGE_REQUEST_SUPERSEDED
from broker.services.actor import current_actor
from broker.services.audit import audit
from broker.services.document_work import pact_diff, spec_impacts
from broker.services.webhook_events import Events
from broker.services.webhook_triggers import FactRoles, change_request_event
from broker.services.work import InlineWork, Work, WorkTimeoutError
from broker.storage.interface import (
    AuditLog,
    Auth,
    Contracts,
    GovernanceRecords,
    Pacts,
    VersionStanding,
)


class _Roles(AuditLog, Auth, Contracts, GovernanceRecords, FactRoles, Protocol):
    """The storage roles this module's helpers use."""


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    """What governance says of one version to can-i-deploy (`Governance.standing`)."""

    holds: list[str]  # why it may not be deployed yet
    warnings: list[str]  # what it should be told
    mode: Mode
    coverage_minimum: int | None  # its coverage policy, if any


class Governance:
    """The rules publishing, can-i-deploy and pacts-for-verification apply."""

    def __init__(self, default_mode: Mode = Mode.GREENFIELD, work: Work | None = None) -> None:
        self.work: Work = work or InlineWork()
        self.default_mode = default_mode

    async def mode(self, tx: GovernanceRecords, pacticipant: str) -> Mode:
        """The pacticipant's mode: its own, or the broker's default."""
        own = await tx.mode_of(pacticipant)
        return self.default_mode if own is None else Mode(own)

    async def enterprise_among(
        self, tx: GovernanceRecords, pacticipants: Iterable[str]
    ) -> set[str]:
        """Those of the pacticipants whose changes wait for approval, in one read."""
        names = sorted(set(pacticipants))
        if not names:
            return set()
        own = await tx.modes_of(names)
        return {
            name
            for name in names
            if (Mode(own[name]) if name in own else self.default_mode) is Mode.ENTERPRISE
        }

    # publishing

    async def on_pact(  # noqa: PLR0917 - the pact's parts, as the publisher holds them
        self,
        tx: _Roles,
        consumer: Pacticipant,
        provider: Pacticipant,
        version: Version,
        content: PactVersion,
        now: datetime,
        *,
        events: Events | None = None,
    ) -> list[Notice]:
        """Let a published pact take effect, flag it (polish), or open a change request.

        With `events`, opening a request emits `change_request_opened` (and
        `change_request_superseded` for each open request it replaces).
        """
        kind, sha = Kind.PACT, content.sha
        mode = await self.mode(tx, consumer.name)
        if mode is not Mode.ENTERPRISE:
            warnings = []
            if mode is Mode.POLISH:
                warnings = await _pact_polish_warnings(tx, consumer, provider, content, self.work)
                await tx.add_publish_warnings(consumer.name, version.number, warnings, now)
            await tx.approve_content(kind, consumer.name, provider.name, sha, None, now)
            return [Notice("warning", text) for text in warnings]
        approved = await tx.is_approved(kind, consumer.name, provider.name, sha)
        if not needs_request(mode, approved=approved):
            return []
        base_sha = await tx.last_approved_sha(kind, consumer.name, provider.name)
        base = (
            None
            if base_sha is None
            else await tx.find_pact_version(consumer.id, provider.id, base_sha)
        )
        touched = _touched_interactions(await pact_diff_from(self.work, base, content))
        owners = {provider.name: await tx.teams_owning(provider.name)}
        new = NewRequest(
            kind=kind,
            pacticipant=consumer.name,
            provider=provider.name,
            content_sha=sha,
            base_sha=base_sha,
            author=current_actor.get().person,
            requirements=requirements_for(await tx.find_policy(consumer.name), owners),
            affected=(Affected(pacticipant=provider.name, interactions=touched),),
            created_at=now,
            version=version.number,
        )
        request, superseded = await _open_or_join(tx, new, events)
        return [_opened_notice(request, superseded)]

    async def on_provider_contract(  # noqa: PLR0917 - the contract's parts, as published
        self,
        tx: _Roles,
        provider: Pacticipant,
        version: Version,
        contract: ProviderContract,
        breaking: Sequence[str],
        now: datetime,
        *,
        events: Events | None = None,
    ) -> tuple[list[Notice], ChangeRequest | None]:
        """Let a provider contract take effect, flag it (polish), or open a change request.

        `breaking` are the publication's warnings about changes that break a current consumer;
        in brownfield-polish mode can-i-deploy shows them again.
        """
        kind, sha = Kind.PROVIDER_CONTRACT, contract.sha
        mode = await self.mode(tx, provider.name)
        if mode is not Mode.ENTERPRISE:
            if mode is Mode.POLISH:
                await tx.add_publish_warnings(provider.name, version.number, breaking, now)
            await tx.approve_content(kind, provider.name, None, sha, None, now)
            return [], None
        approved = await tx.is_approved(kind, provider.name, None, sha)
        if not needs_request(mode, approved=approved):
            return [], None
        base_sha = await tx.last_approved_sha(kind, provider.name, None)
        base = None if base_sha is None else await tx.find_provider_contract(provider.id, base_sha)
        consumers = await _consumer_pacts(tx, provider)
        touched = await _spec_impact(self.work, base, contract, consumers, now)
        owners = {name: await tx.teams_owning(name) for name in consumers}
        new = NewRequest(
            kind=kind,
            pacticipant=provider.name,
            provider=None,
            content_sha=sha,
            base_sha=base_sha,
            author=current_actor.get().person,
            requirements=requirements_for(await tx.find_policy(provider.name), owners),
            affected=tuple(
                Affected(pacticipant=name, interactions=touched.get(name, ())) for name in consumers
            ),
            created_at=now,
            version=version.number,
        )
        request, superseded = await _open_or_join(tx, new, events)
        return [_opened_notice(request, superseded)], request

    # can-i-deploy and pacts-for-verification

    async def standing(
        self,
        tx: _Roles,
        pacticipant: Pacticipant,
        version: Version,
        read: VersionStanding | None = None,
    ) -> Standing:
        """Why this version may not be deployed yet, what it should be told, and its policies.

        Holds, in every mode: each change request that lists the version and was not approved,
        while its content is not in effect, even when the version has since deleted or replaced
        that content (a deletion is a change like any other). In enterprise mode also: each
        content the version publishes that is not in effect.

        Warnings: what publishing this version flagged (brownfield-polish), and the overrides
        it relies on.

        One statement (`version_standing`; none when the caller `read` it already) unless the
        version is listed on a change request, publishes overridden content or was warned of:
        then those are read too.
        """
        facts = read or await tx.version_standing(pacticipant.name, version.id, version.number)
        mode = self.default_mode if facts.mode is None else Mode(facts.mode)
        listed = (
            await tx.change_requests_of_version(pacticipant.name, version.number)
            if facts.listed
            else []
        )
        held, _ = version_holds(
            [request for request, _ in listed],
            {request.id: in_effect for request, in_effect in listed},
        )
        if mode is Mode.ENTERPRISE:
            held += [
                await _hold(tx, item.kind, item.pacticipant, item.provider, item.sha)
                for item in await tx.unapproved_of_version(version.id)
            ]
        overridden = (
            {r.id: r for r in await tx.overridden_of_version(version.id)}
            if facts.overridden
            else {}
        )
        overridden.update((r.id, r) for r, _ in listed if r.status is Status.OVERRIDDEN)
        texts = [override_sentence(overridden[key]) for key in sorted(overridden)]
        warned = await tx.publish_warnings(pacticipant.name, version.number) if facts.warned else []
        return Standing(
            holds=list(dict.fromkeys(held)),
            warnings=[*warned, *texts],
            mode=mode,
            coverage_minimum=facts.coverage_minimum,
        )

    async def unapproved_reason(
        self, tx: GovernanceRecords, consumer: Pacticipant, provider: Pacticipant, sha: str
    ) -> str | None:
        """Why an enterprise consumer's pact is not in effect yet, or None when it is."""
        if await tx.is_approved(Kind.PACT, consumer.name, provider.name, sha):
            return None
        return await _hold(tx, Kind.PACT, consumer.name, provider.name, sha)


async def _hold(
    tx: GovernanceRecords, kind: Kind, pacticipant: str, provider: str | None, sha: str
) -> str:
    """The sentence for unapproved content: its newest change request's state."""
    request = await tx.change_request_for_content(kind, pacticipant, provider, sha)
    if request is not None:
        return hold_sentence(request)
    what = (
        f"The pact of {pacticipant} with {provider}"
        if provider
        else f"The provider contract of {pacticipant}"
    )
    return f"{what} ({sha[:12]}) has not been approved"


async def _open_or_join(
    tx: _Roles, new: NewRequest, events: Events | None
) -> tuple[ChangeRequest, list[ChangeRequest]]:
    """The open request for this content (noting the version), or a new one superseding the rest.

    Returns the request and the requests it superseded; `events` hears of both.
    """
    open_now = await tx.change_requests_of_subject(
        new.kind, new.pacticipant, new.provider, Status.OPEN
    )
    for request in open_now:
        if request.content_sha == new.content_sha:
            await tx.add_change_request_version(request.id, new.version)
            found = await tx.find_change_request(request.id)
            assert found is not None
            return found, []
    created = await tx.insert_change_request(new)
    names = (new.pacticipant, *([new.provider] if new.provider else []))
    subject = f"change-request:{created.id}"
    await audit(tx, new.created_at, "change-request.open", subject, None, new.content_sha, *names)
    if events is not None:
        await change_request_event(tx, events, CHANGE_REQUEST_OPENED, created, open_now)
    for older in open_now:
        superseded = msgspec.structs.replace(
            older, status=Status.SUPERSEDED, superseded_by=created.id, decided_at=new.created_at
        )
        await tx.save_change_request(superseded)
        if events is not None:
            await change_request_event(tx, events, CHANGE_REQUEST_SUPERSEDED, superseded)
        await audit(
            tx,
            new.created_at,
            "change-request.supersede",
            f"change-request:{older.id}",
            older.content_sha,
            new.content_sha,
            *names,
        )
    return created, open_now


def _opened_notice(request: ChangeRequest, superseded: Sequence[ChangeRequest]) -> Notice:
    replaced = ""
    if superseded:
        ids = ", ".join(str(r.id) for r in superseded)
        plural = "s" if len(superseded) > 1 else ""
        replaced = (
            f" It supersedes change request{plural} {ids} (that content will never take effect;"
            " versions that published it stay undeployable)."
        )
    return Notice(
        "warning",
        f"Change request {request.id} is open: {request.subject} takes effect once approved;"
        f" it {needs_sentence(request)}. Until then can-i-deploy answers no for this"
        f" version.{replaced}",
    )


async def pact_diff_from(work: Work, base: PactVersion | None, new: PactVersion) -> PactDiff:
    """The diff from `base` (in a worker); from the pact without interactions when no `base`.

    Raises:
        WorkTimeoutError: the diff took longer than the work's budget (answered 422).
    """
    return await work.run(pact_diff, None if base is None else base.content, new.content)


def _touched_interactions(diff: PactDiff) -> tuple[str, ...]:
    names = [i.description for i in diff.added]
    names += [i.description for i in diff.changed]
    names += [i.description for i in diff.removed]
    return tuple(dict.fromkeys(names))


async def _consumer_pacts(tx: _Roles, provider: Pacticipant) -> dict[str, str]:
    """Each consumer with a pact against the provider, and its latest pact's content."""
    found = {}
    for latest in await tx.latest_publications(provider.id):
        consumer = await tx.find_pacticipant_by_id(latest.consumer_id)
        content = await tx.find_pact_version_by_id(latest.pact_version_id)
        assert consumer is not None and content is not None, "kept by foreign keys"
        found[consumer.name] = content.content
    return dict(sorted(found.items()))


async def _spec_impact(
    work: Work,
    base: ProviderContract | None,
    new: ProviderContract,
    pacts: dict[str, str],
    now: datetime,
) -> dict[str, tuple[str, ...]]:
    """Each consumer's interactions the change from `base` touches (all of them for a first).

    The diff runs in a worker; one it cannot finish names no interaction (the request still
    waits for its approvals).
    """
    if base is None:
        return {}
    try:
        hits, _ = await work.run(
            spec_impacts, base.content, new.content, list(pacts.values()), now.date()
        )
    except WorkTimeoutError:
        return {}
    touched: dict[str, dict[str, None]] = {}
    for hit in hits:
        for consumer, names in hit.interactions.items():
            touched.setdefault(consumer, {}).update(dict.fromkeys(names))
    return {consumer: tuple(names) for consumer, names in touched.items()}


async def _pact_polish_warnings(
    tx: _Roles,
    consumer: Pacticipant,
    provider: Pacticipant,
    content: PactVersion,
    work: Work,
) -> list[str]:
    """What the new pact drops or alters of the newest content the provider verified."""
    verified = await _verified_content(tx, consumer, provider, content)
    if verified is None:
        return []
    diff = await pact_diff_from(work, verified, content)
    between = f"the pact of {consumer.name} with {provider.name}"
    texts = [
        f"This publication drops the interaction {i.description!r} from {between}, which"
        f" {provider.name} verifies today"
        for i in diff.removed
    ]
    texts += [
        f"This publication alters the interaction {i.description!r} of {between}"
        f" ({', '.join(i.paths[:3])}), which {provider.name} verifies today"
        for i in diff.changed
    ]
    return texts


async def _verified_content(
    tx: Pacts, consumer: Pacticipant, provider: Pacticipant, content: PactVersion
) -> PactVersion | None:
    """The newest other content of the integration whose latest verification succeeded."""
    page = Page(number=1, size=20)
    publications, _ = await tx.publications_of_integration(consumer.id, provider.id, page)
    seen = {content.id}
    for publication in publications:
        if publication.pact_version_id in seen:
            continue
        seen.add(publication.pact_version_id)
        result = await tx.latest_verification(publication.pact_version_id)
        if result is not None and result.success:
            return await tx.find_pact_version_by_id(publication.pact_version_id)
    return None
