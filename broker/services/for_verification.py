"""Pacts for verification: which pact contents a provider build should verify (§7).

Each selector picks consumer versions; their pacts with the provider are collected, one entry
per distinct content, carrying every selector that matched it. With `include_pending_status`
each entry says whether it is pending for the provider branch (or tags) that will publish the
results (§7.5). With `include_wip_pacts_since` and a provider branch, work-in-progress pacts
(§7.6) follow: heads of consumer branches the provider branch has not verified.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime

import msgspec

from broker.domain.errors import InvalidInputError
from broker.domain.model import Branch, Pacticipant, PactPublication, Page, Verification, Version
from broker.domain.selectors import DEFAULT_SELECTORS, Selector, describe, selector_problems
from broker.services.contracts import Pact
from broker.services.deployments import live_versions
from broker.services.pacticipants import require_pacticipant
from broker.services.versions import branch_head, head_of
from broker.storage.interface import Storage, Transaction


class VerificationRequest(msgspec.Struct, frozen=True, kw_only=True):
    """The body of `POST /pacts/provider/{p}/for-verification`."""

    selectors: tuple[Selector, ...] = ()
    provider_branch: str | None = None
    provider_tags: tuple[str, ...] = ()
    include_pending_status: bool = False
    include_wip_pacts_since: datetime | None = None


class PactToVerify(msgspec.Struct, frozen=True, kw_only=True):
    """One distinct pact content to verify, and why."""

    pact: Pact  # named by the newest selected consumer version holding the content
    reasons: tuple[str, ...]  # selector descriptions, in selector order
    consumer_versions: tuple[str, ...]  # the selected consumer versions holding the content
    pending: bool | None  # None when pending status was not asked for
    pending_reason: str | None = None
    is_wip: bool = False


class _Entry:
    def __init__(
        self, consumer: Pacticipant, publication: PactPublication, version: Version
    ) -> None:
        self.consumer = consumer
        self.publication = publication
        self.version = version
        self.reasons: list[str] = []
        self.versions: list[Version] = []

    def add(self, publication: PactPublication, version: Version, reason: str) -> None:
        if version.id > self.version.id:
            self.publication, self.version = publication, version
        if reason not in self.reasons:
            self.reasons.append(reason)
        if all(v.id != version.id for v in self.versions):
            self.versions.append(version)


class ForVerificationService:
    """Answers "which pacts should this provider build verify?"."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def pacts_for(
        self, provider_name: str, request: VerificationRequest
    ) -> list[PactToVerify]:
        """The pacts to verify, explicitly selected entries sorted by consumer and version."""
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            environments = {e.name: e for e in await tx.list_environments()}
            problems = selector_problems(
                list(request.selectors), request.provider_branch, set(environments)
            )
            if (
                request.provider_branch is not None
                and request.provider_branch
                and not request.provider_branch.strip()
            ):
                from broker.domain.errors import FieldError  # noqa: PLC0415

                problems.append(FieldError("/providerVersionBranch", "must not be blank"))
            if problems:
                raise InvalidInputError("The consumer version selectors are not valid", problems)
            consumers = []
            for publication in await tx.latest_publications(provider.id):
                consumer = await tx.find_pacticipant_by_id(publication.consumer_id)
                assert consumer is not None
                consumers.append(consumer)
            entries: dict[tuple[int, int], _Entry] = {}
            selectors = request.selectors or DEFAULT_SELECTORS
            for selector in selectors:
                reason = describe(selector, request.provider_branch)
                for consumer in consumers:
                    if selector.consumer is not None and selector.consumer != consumer.name:
                        continue
                    for version in await self._versions(
                        tx,
                        selector,
                        consumer,
                        provider,
                        request,
                        environments,
                        bool(request.selectors),
                    ):
                        held = await tx.find_publication(version.id, provider.id)
                        if held is None:
                            continue
                        key = (consumer.id, held.pact_version_id)
                        entry = entries.setdefault(key, _Entry(consumer, held, version))
                        entry.add(held, version, reason)
            ordered = sorted(entries.values(), key=lambda e: (e.consumer.name, e.version.id))
            results = [await self._result(tx, provider, entry, request) for entry in ordered]
            if request.include_wip_pacts_since is not None and request.provider_branch:
                results += await self._wip(tx, provider, consumers, set(entries), request)
            return results

    async def _wip(
        self,
        tx: Transaction,
        provider: Pacticipant,
        consumers: list[Pacticipant],
        selected: set[tuple[int, int]],
        request: VerificationRequest,
    ) -> list[PactToVerify]:
        """Work-in-progress pacts (§7.6).

        The heads of consumer branches, published since the given date, whose content the
        provider branch has not yet verified outside WIP.
        """
        assert request.include_wip_pacts_since is not None and request.provider_branch
        since, branch_name = request.include_wip_pacts_since, request.provider_branch
        provider_branch = await tx.find_branch(provider.id, branch_name)
        found: dict[tuple[int, int], _Entry] = {}
        for consumer in consumers:
            branches, _ = await tx.list_branches(consumer.id, Page(number=1, size=1000))
            for branch in branches:
                head = await head_of(tx, branch)
                held = None if head is None else await tx.find_publication(head.id, provider.id)
                if head is None or held is None or held.created_at < since:
                    continue
                key = (consumer.id, held.pact_version_id)
                if key in selected:
                    continue
                entry = found.setdefault(key, _Entry(consumer, held, head))
                entry.add(held, head, f"work in progress: latest version from branch {branch.name}")
        results = []
        for entry in sorted(found.values(), key=lambda e: (e.consumer.name, e.version.id)):
            verifications = await tx.verifications_of_pact_version(
                entry.publication.pact_version_id
            )
            if await _verified_outside_wip(tx, verifications, branch_name, provider_branch):
                continue
            result = await self._result(tx, provider, entry, request)
            results.append(
                msgspec.structs.replace(
                    result,
                    pending=True,
                    pending_reason=(
                        f"it is a work in progress pact: {provider.name} has not yet verified it "
                        f"on branch '{branch_name}'"
                    ),
                    is_wip=True,
                )
            )
        return results

    async def _versions(  # noqa: PLR0911, PLR0912, PLR0917 - one branch per row of §7.3
        self,
        tx: Transaction,
        s: Selector,
        consumer: Pacticipant,
        provider: Pacticipant,
        request: VerificationRequest,
        environments: Mapping[str, object],
        explicit: bool,
    ) -> list[Version]:
        if s.main_branch:
            if consumer.main_branch is not None:
                head = await branch_head(tx, consumer, consumer.main_branch)
                if head is not None or explicit:
                    return [head] if head else []
                tagged = await tx.latest_version(consumer.id, consumer.main_branch)
                if tagged is not None:
                    return [tagged]
            if explicit:
                return []
            # The defaults fall back to the consumer's latest pact (§7.3, last row).
            latest = await tx.latest_publication(consumer.id, provider.id)
            found = (
                None if latest is None else await tx.find_version_by_id(latest.consumer_version_id)
            )
            return [found] if found else []
        if s.branch is not None or s.matching_branch:
            name = s.branch if s.branch is not None else request.provider_branch
            assert name is not None  # validated: matchingBranch needs providerVersionBranch
            head = await branch_head(tx, consumer, name)
            if head is not None and await tx.find_publication(head.id, provider.id):
                return [head]
            if s.fallback_branch:
                fallback = await branch_head(tx, consumer, s.fallback_branch)
                return [fallback] if fallback else []
            return []
        if s.tag is not None:
            if not s.latest:
                return await tx.versions_with_tag(consumer.id, s.tag)
            tagged = await tx.latest_version(consumer.id, s.tag)
            if tagged is not None and await tx.find_publication(tagged.id, provider.id):
                return [tagged]
            if s.fallback_tag:
                fallback = await tx.latest_version(consumer.id, s.fallback_tag)
                return [fallback] if fallback else []
            return []
        if s.uses_environments:
            return await _live_versions(tx, s, consumer, environments)
        latest = await tx.latest_publication(consumer.id, provider.id)
        found = None if latest is None else await tx.find_version_by_id(latest.consumer_version_id)
        return [found] if found else []

    async def _result(
        self, tx: Transaction, provider: Pacticipant, entry: _Entry, request: VerificationRequest
    ) -> PactToVerify:
        content = await tx.find_pact_version_by_id(entry.publication.pact_version_id)
        assert content is not None
        pact = Pact(
            consumer=entry.consumer,
            provider=provider,
            consumer_version=entry.version,
            publication=entry.publication,
            content=content,
        )
        pending: bool | None = None
        reason = None
        if request.include_pending_status:
            pending, reason = await _pending(tx, provider, content.id, request)
        return PactToVerify(
            pact=pact,
            reasons=tuple(entry.reasons),
            consumer_versions=tuple(v.number for v in sorted(entry.versions, key=lambda v: v.id)),
            pending=pending,
            pending_reason=reason,
        )


async def _live_versions(
    tx: Transaction, s: Selector, consumer: Pacticipant, environments: Mapping[str, object]
) -> list[Version]:
    names = [s.environment] if s.environment is not None else sorted(environments)
    deployed = bool(s.deployed or s.deployed_or_released or (s.environment and not s.released))
    released = bool(s.released or s.deployed_or_released or (s.environment and not s.deployed))
    versions: dict[int, Version] = {}
    for name in names:
        environment = await tx.find_environment_by_name(name)
        if environment is not None:
            for version in await live_versions(
                tx, consumer.id, environment.uuid, deployed=deployed, released=released
            ):
                versions.setdefault(version.id, version)
    return list(versions.values())


async def _verified_outside_wip(
    tx: Transaction, verifications: list[Verification], branch_name: str, branch: Branch | None
) -> bool:
    """Whether a successful, non-WIP result exists from the branch, or from before it existed."""
    for verification in verifications:
        if not verification.success or is_wip_metadata(verification.metadata):
            continue
        on = {b.name for b, _ in await tx.branches_of_version(verification.provider_version_id)}
        if branch_name in on:
            return True
        if branch is not None and verification.created_at < branch.created_at:
            return True
    return False


def is_wip_metadata(metadata: str | None) -> bool:
    """Whether a pact URL's metadata segment marks a WIP verification (see `pact_metadata`)."""
    return bool(metadata) and bool(decode_metadata(metadata or "").get("w"))


def encode_metadata(consumer_versions: tuple[str, ...], *, pending: bool, wip: bool) -> str:
    """The opaque pact-URL segment: base64url JSON of the consumer versions, pending and WIP.

    It comes back on the verification result's URL, the only way the broker learns what a
    result was for (§6).
    """
    facts = {"cvn": list(consumer_versions), "p": pending, "w": wip}
    return base64.urlsafe_b64encode(msgspec.json.encode(facts)).decode().rstrip("=")


def decode_metadata(metadata: str) -> dict[str, object]:
    """The facts `encode_metadata` wrote, or nothing when the segment is not ours."""
    try:
        decoded = msgspec.json.decode(
            base64.urlsafe_b64decode(metadata + "=" * (-len(metadata) % 4))
        )
    except (ValueError, msgspec.DecodeError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


async def _pending(  # noqa: PLR0911 - one answer per rule of §7.5
    tx: Transaction, provider: Pacticipant, pact_version_id: int, request: VerificationRequest
) -> tuple[bool, str]:
    """Whether the content is pending for the provider branch (or tags) that will verify it."""
    successes = [v for v in await tx.verifications_of_pact_version(pact_version_id) if v.success]
    if request.provider_branch:
        branch: Branch | None = await tx.find_branch(provider.id, request.provider_branch)
        for verification in successes:
            on = {b.name for b, _ in await tx.branches_of_version(verification.provider_version_id)}
            if request.provider_branch in on:
                return (
                    False,
                    f"it has been successfully verified by a version of {provider.name}"
                    f" from branch '{request.provider_branch}'",
                )
            if branch is not None and verification.created_at < branch.created_at:
                return (
                    False,
                    f"it was successfully verified by a version of {provider.name}"
                    f" before branch '{request.provider_branch}' was created",
                )
        return (
            True,
            f"a successful verification result for a version of {provider.name}"
            f" from branch '{request.provider_branch}' has not yet been published",
        )
    if request.provider_tags:
        pending_tags = []
        for tag in request.provider_tags:
            verified = False
            for verification in successes:
                tags = {t.name for t in await tx.tags_of_version(verification.provider_version_id)}
                if tag in tags:
                    verified = True
                    break
            if not verified:
                pending_tags.append(tag)
        if pending_tags:
            return (
                True,
                f"a successful verification result for a version of {provider.name}"
                f" with tag {', '.join(pending_tags)} has not yet been published",
            )
        return (
            False,
            f"it has been successfully verified by a version of {provider.name}"
            f" with tag {', '.join(request.provider_tags)}",
        )
    if successes:
        return False, f"it has been successfully verified by a version of {provider.name}"
    return True, f"a successful verification result for {provider.name} has not yet been published"
