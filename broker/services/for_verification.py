"""Pacts for verification: which pact contents a provider build should verify (§7).

Each selector picks consumer versions; their pacts with the provider are collected, one entry
per distinct content, carrying every selector that matched it. With `include_pending_status`
each entry says whether it is pending for the provider branch (or tags) that will publish the
results (§7.5). With `include_wip_pacts_since` and a provider branch, work-in-progress pacts
(§7.6) follow: heads of consumer branches the provider branch has not verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

import msgspec

from broker.domain.errors import InvalidInputError
from broker.domain.model import Branch, Environment, Pacticipant, PactPublication, Version
from broker.domain.selectors import DEFAULT_SELECTORS, Selector, describe, selector_problems
from broker.services.governance import Governance
from broker.services.pacticipants import require_pacticipant
from broker.services.versions import branch_head
from broker.storage.interface import (
    ContentFacts,
    Deployments,
    Environments,
    GovernanceRecords,
    Pacts,
    Selection,
    Storage,
    Versions,
)


class _Roles(Deployments, Environments, GovernanceRecords, Pacts, Selection, Versions, Protocol):
    """The storage roles this module's helpers use."""


class VerificationRequest(msgspec.Struct, frozen=True, kw_only=True):
    """The body of `POST /pacts/provider/{p}/for-verification`."""

    selectors: tuple[Selector, ...] = ()
    provider_branch: str | None = None
    provider_tags: tuple[str, ...] = ()
    include_pending_status: bool = False
    include_wip_pacts_since: datetime | None = None


class PactToVerify(msgspec.Struct, frozen=True, kw_only=True):
    """One distinct pact content to verify, and why.

    Named by the newest selected consumer version holding the content: its pact with the
    provider, and the content's sha (the document itself is not read).
    """

    consumer: Pacticipant
    provider: Pacticipant
    consumer_version: Version
    publication: PactPublication
    sha: str
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

    def __init__(self, storage: Storage, *, governance: Governance | None = None) -> None:
        self._storage = storage
        self._governance = governance or Governance()

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
            consumers = await tx.pact_consumers(provider.id)
            known = _Prefetched(tx, provider)
            selectors = request.selectors or DEFAULT_SELECTORS
            wanted = [
                (
                    selector,
                    [
                        c
                        for c in consumers
                        if selector.consumer is None or selector.consumer == c.name
                    ],
                )
                for selector in selectors
            ]
            await known.load(wanted, request, environments)
            chosen: list[tuple[Pacticipant, Version, str]] = []
            for selector, of_selector in wanted:
                reason = describe(selector, request.provider_branch)
                for consumer in of_selector:
                    versions = await self._versions(
                        tx,
                        known,
                        selector,
                        consumer,
                        request,
                        environments,
                        bool(request.selectors),
                    )
                    chosen += [(consumer, version, reason) for version in versions]
            held = await known.publications({version.id for _, version, _ in chosen})
            entries: dict[tuple[int, int], _Entry] = {}
            for consumer, version, reason in chosen:
                pact = held.get(version.id)
                if pact is None:
                    continue
                key = (consumer.id, pact.pact_version_id)
                entry = entries.setdefault(key, _Entry(consumer, pact, version))
                entry.add(pact, version, reason)
            ordered = sorted(entries.values(), key=lambda e: (e.consumer.name, e.version.id))
            wip = request.include_wip_pacts_since is not None and bool(
                request.provider_branch or request.provider_tags
            )
            # The provider branch, read once for pending status and WIP selection alike.
            branch = (
                await tx.find_branch(provider.id, request.provider_branch)
                if request.provider_branch and (request.include_pending_status or wip)
                else None
            )
            in_progress = (
                await self._wip(tx, provider, consumers, set(entries), request, branch)
                if wip
                else []
            )
            results = await self._results(tx, provider, ordered, in_progress, request, branch)
            return await self._awaiting_approval(tx, results)

    async def _awaiting_approval(
        self, tx: _Roles, results: list[PactToVerify]
    ) -> list[PactToVerify]:
        """A pact whose change awaits approval is pending, so verifying it breaks no build."""
        governed = await self._governance.enterprise_among(
            tx, (found.consumer.name for found in results)
        )
        marked = []
        for found in results:
            why = (
                await self._governance.unapproved_reason(
                    tx, found.consumer, found.provider, found.sha
                )
                if found.consumer.name in governed
                else None
            )
            marked.append(
                found
                if why is None
                else msgspec.structs.replace(found, pending=True, pending_reason=why)
            )
        return marked

    async def _wip(  # noqa: PLR0917 - what the explicit selection left for WIP selection
        self,
        tx: _Roles,
        provider: Pacticipant,
        consumers: list[Pacticipant],
        selected: set[tuple[int, int]],
        request: VerificationRequest,
        branch: Branch | None,
    ) -> list[tuple[_Entry, str]]:
        """Work-in-progress pacts (§7.6), each with what the provider has not verified it on.

        The pacts of the heads of consumer branches and of the latest versions with each
        consumer tag, published since the given date and not selected explicitly, that the
        provider branch (or each provider tag) has not yet verified outside WIP.
        """
        assert request.include_wip_pacts_since is not None
        since = request.include_wip_pacts_since
        by_id = {c.id: c for c in consumers}
        # With a provider branch, the contents it verified are left out as they are read (a
        # probe of the maintained facts per content), so only the unverified candidates are
        # read in full. A branch not created yet verified nothing.
        unverified_on = None if branch is None else (branch.id, branch.created_at)
        found: dict[tuple[int, int], _Entry] = {}
        for candidate in await tx.wip_candidates(provider.id, since, unverified_on=unverified_on):
            publication, head = candidate.publication, candidate.version
            key = (publication.consumer_id, publication.pact_version_id)
            if publication.consumer_id not in by_id or key in selected:
                continue
            kind = "with tag" if candidate.by_tag else "from branch"
            reason = f"work in progress: latest version {kind} {candidate.name}"
            found.setdefault(key, _Entry(by_id[publication.consumer_id], publication, head)).add(
                publication, head, reason
            )
        ordered = sorted(found.values(), key=lambda e: (e.consumer.name, e.version.id))
        if request.provider_branch:
            # The candidates were read without the contents a version of the branch verified
            # (outside WIP), or that a success verified before the branch was created.
            return [(entry, f"on branch '{request.provider_branch}'") for entry in ordered]
        return await _not_verified_with_tags(tx, ordered, request)

    async def _versions(  # noqa: PLR0911, PLR0912, PLR0917 - one branch per row of §7.3
        self,
        tx: _Roles,
        known: _Prefetched,
        s: Selector,
        consumer: Pacticipant,
        request: VerificationRequest,
        environments: Mapping[str, Environment],
        explicit: bool,
    ) -> list[Version]:
        if s.main_branch:
            if consumer.main_branch is not None:
                head = await known.head(consumer, consumer.main_branch)
                if head is not None or explicit:
                    return [head] if head else []
                tagged = await tx.latest_version(consumer.id, consumer.main_branch)
                if tagged is not None:
                    return [tagged]
            if explicit:
                return []
            # The defaults fall back to the consumer's latest pact (§7.3, last row).
            return await known.latest_version(consumer)
        if s.branch is not None or s.matching_branch:
            name = s.branch if s.branch is not None else request.provider_branch
            assert name is not None  # validated: matchingBranch needs providerVersionBranch
            head = await known.head(consumer, name)
            if head is not None and await known.publication(head.id):
                return [head]
            if s.fallback_branch:
                fallback = await known.head(consumer, s.fallback_branch)
                return [fallback] if fallback else []
            return []
        if s.tag is not None:
            if not s.latest:
                return await tx.versions_with_tag(consumer.id, s.tag)
            tagged = await tx.latest_version(consumer.id, s.tag)
            if tagged is not None and await known.publication(tagged.id):
                return [tagged]
            if s.fallback_tag:
                fallback = await tx.latest_version(consumer.id, s.fallback_tag)
                return [fallback] if fallback else []
            return []
        if s.uses_environments:
            return await _live_versions(known, s, consumer, environments)
        return await known.latest_version(consumer)

    async def _results(  # noqa: PLR0917 - the entries of both kinds and what they share
        self,
        tx: _Roles,
        provider: Pacticipant,
        entries: list[_Entry],
        in_progress: list[tuple[_Entry, str]],
        request: VerificationRequest,
        branch: Branch | None,
    ) -> list[PactToVerify]:
        """The entries, then the WIP ones, with their pact contents and pending status.

        One read of the contents and one of the pending facts serve both kinds of entry.
        """
        ids = sorted(
            {e.publication.pact_version_id for e in entries}
            | {e.publication.pact_version_id for e, _ in in_progress}
        )
        pending: dict[int, tuple[bool, str]] = {}
        if request.include_pending_status and ids and not _tag_mode(request):
            # The facts pending status is decided on carry the shas too.
            facts = await tx.content_facts(
                ids, None if branch is None else branch.id, count_wip=True
            )
            shas = {i: f.sha for i, f in facts.items()}
            pending = _pending(provider, ids, request, branch, facts)
        else:
            shas = await tx.pact_version_shas(ids) if ids else {}
            if request.include_pending_status and ids:
                pending = await _pending_for_tags(tx, provider, ids, request.provider_tags)

        def result(entry: _Entry) -> PactToVerify:
            status = pending.get(entry.publication.pact_version_id) if pending else None
            return PactToVerify(
                consumer=entry.consumer,
                provider=provider,
                consumer_version=entry.version,
                publication=entry.publication,
                sha=shas[entry.publication.pact_version_id],
                reasons=tuple(entry.reasons),
                consumer_versions=tuple(
                    v.number for v in sorted(entry.versions, key=lambda v: v.id)
                ),
                pending=None if status is None else status[0],
                pending_reason=None if status is None else status[1],
            )

        return [result(entry) for entry in entries] + [
            msgspec.structs.replace(
                result(entry),
                pending=True,
                pending_reason=(
                    f"it is a work in progress pact: {provider.name} has not yet verified it "
                    + unverified
                ),
                is_wip=True,
            )
            for entry, unverified in in_progress
        ]


async def _not_verified_with_tags(
    tx: Selection, entries: list[_Entry], request: VerificationRequest
) -> list[tuple[_Entry, str]]:
    """The entries some provider tag has no successful non-WIP result for (tag mode)."""
    tags = request.provider_tags
    verified = await tx.tags_that_verified(
        sorted({e.publication.pact_version_id for e in entries}), tags
    )
    unverified = []
    for entry in entries:
        done = verified.get(entry.publication.pact_version_id, set())
        missing = [tag for tag in tags if tag not in done]
        if missing:
            unverified.append((entry, f"with tag {', '.join(missing)}"))
    return unverified


def _live_kinds(s: Selector) -> tuple[bool, bool]:
    """Whether an environment selector takes deployed versions, and released ones."""
    deployed = bool(s.deployed or s.deployed_or_released or (s.environment and not s.released))
    released = bool(s.released or s.deployed_or_released or (s.environment and not s.deployed))
    return deployed, released


def _environment_names(s: Selector, environments: Mapping[str, Environment]) -> list[str]:
    return [s.environment] if s.environment is not None else sorted(environments)


async def _live_versions(
    known: _Prefetched, s: Selector, consumer: Pacticipant, environments: Mapping[str, Environment]
) -> list[Version]:
    deployed, released = _live_kinds(s)
    versions: dict[int, Version] = {}
    for name in _environment_names(s, environments):
        environment = environments.get(name)
        if environment is not None:
            for version in await known.live(environment, deployed, released, consumer):
                versions.setdefault(version.id, version)
    return list(versions.values())


class _Prefetched:
    """What the selectors read, read for every selector and consumer at once.

    `load` reads, before the selectors are applied to each consumer, what they will ask of
    all of them: one statement for the heads of every branch they name, one per kind of
    environment selector for the live versions in every environment they name, one for the
    latest pacts and their versions (only when a selector may ask for them), then one for the
    pacts all those versions hold with the provider. A question nothing answered yet (a tag's
    versions) is read on its own.
    """

    def __init__(self, tx: _Roles, provider: Pacticipant) -> None:
        self._tx = tx
        self._provider = provider
        self._latest: dict[int, PactPublication] | None = None  # by consumer id, once read
        self._heads: dict[tuple[int, str], Version | None] = {}
        self._held: dict[int, PactPublication | None] = {}
        self._live: dict[tuple[str, bool, bool, int], list[Version]] = {}
        self._versions: dict[int, Version | None] = {}

    async def load(
        self,
        wanted: list[tuple[Selector, list[Pacticipant]]],
        request: VerificationRequest,
        environments: Mapping[str, Environment],
    ) -> None:
        """Read what the selectors, each with the consumers it applies to, will ask."""
        branches: dict[int, set[str]] = {}
        live: dict[tuple[bool, bool], tuple[set[str], set[int]]] = {}
        latest: set[int] = set()
        # The default selectors fall back to the latest pact for the main branch.
        needs_latest = not request.selectors
        for s, consumers in wanted:
            if s.main_branch:
                for c in consumers:
                    if c.main_branch is not None:
                        branches.setdefault(c.id, set()).add(c.main_branch)
            elif s.branch is not None or s.matching_branch:
                name = s.branch if s.branch is not None else request.provider_branch
                assert name is not None  # validated: matchingBranch needs providerVersionBranch
                names = {name} if s.fallback_branch is None else {name, s.fallback_branch}
                for c in consumers:
                    branches.setdefault(c.id, set()).update(names)
            elif s.tag is None and s.uses_environments:
                uuids, ids = live.setdefault(_live_kinds(s), (set(), set()))
                uuids.update(
                    environments[name].uuid
                    for name in _environment_names(s, environments)
                    if name in environments
                )
                ids.update(c.id for c in consumers)
            elif s.tag is None:
                needs_latest = True
                latest.update(c.id for c in consumers)
        await self._load_heads(branches)
        for (deployed, released), (uuids, ids) in live.items():
            await self._load_live(sorted(uuids), deployed, released, sorted(ids))
        if needs_latest:
            pacts = await self._latest_pacts()
            await self._load_versions(
                sorted(pacts[c].consumer_version_id for c in latest if c in pacts)
            )
        await self.publications(
            {v.id for v in self._heads.values() if v is not None}
            | {v.id for versions in self._live.values() for v in versions}
        )

    async def _latest_pacts(self) -> dict[int, PactPublication]:
        """The latest pact of each consumer with the provider, read once."""
        if self._latest is None:
            latest = await self._tx.latest_publications(self._provider.id)
            self._latest = {p.consumer_id: p for p in latest}
            for p in latest:
                self._held.setdefault(p.consumer_version_id, p)
        return self._latest

    async def _load_heads(self, branches: dict[int, set[str]]) -> None:
        if not branches:
            return
        names = sorted(set().union(*branches.values()))
        found = await self._tx.branch_heads(sorted(branches), names)
        for consumer_id in branches:
            for name in names:
                self._heads[(consumer_id, name)] = found.get((consumer_id, name))

    async def _load_live(
        self, uuids: list[str], deployed: bool, released: bool, consumer_ids: list[int]
    ) -> None:
        if not uuids or not consumer_ids:
            return
        live = await self._tx.live_in_environments(
            uuids, consumer_ids, deployed=deployed, released=released
        )
        for uuid in uuids:
            for consumer_id in consumer_ids:
                key = (uuid, deployed, released, consumer_id)
                self._live[key] = live.get((uuid, consumer_id), [])

    async def _load_versions(self, ids: list[int]) -> None:
        found = {v.id: v for v in await self._tx.versions_by_ids(ids)} if ids else {}
        for version_id in ids:
            self._versions[version_id] = found.get(version_id)

    async def publications(self, version_ids: set[int]) -> dict[int, PactPublication]:
        """The pacts these consumer versions hold with the provider, by version id."""
        missing = sorted(i for i in version_ids if i not in self._held)
        if missing:
            held = {
                p.consumer_version_id: p
                for p in await self._tx.publications_of_versions(missing, self._provider.id)
            }
            for version_id in missing:
                self._held[version_id] = held.get(version_id)
        return {i: publication for i in version_ids if (publication := self._held[i]) is not None}

    async def head(self, consumer: Pacticipant, name: str) -> Version | None:
        """The head of a branch of the consumer."""
        if (consumer.id, name) not in self._heads:
            self._heads[(consumer.id, name)] = await branch_head(self._tx, consumer, name)
        return self._heads[(consumer.id, name)]

    async def publication(self, consumer_version_id: int) -> PactPublication | None:
        """The pact a consumer version holds with the provider."""
        if consumer_version_id not in self._held:
            self._held[consumer_version_id] = await self._tx.find_publication(
                consumer_version_id, self._provider.id
            )
        return self._held[consumer_version_id]

    async def latest_version(self, consumer: Pacticipant) -> list[Version]:
        """The consumer version of the consumer's latest pact with the provider."""
        latest = (await self._latest_pacts()).get(consumer.id)
        if latest is None:
            return []
        if latest.consumer_version_id not in self._versions:
            await self._load_versions([latest.consumer_version_id])
        found = self._versions[latest.consumer_version_id]
        return [found] if found else []

    async def live(
        self, environment: Environment, deployed: bool, released: bool, consumer: Pacticipant
    ) -> list[Version]:
        """The consumer's versions live in an environment."""
        key = (environment.uuid, deployed, released, consumer.id)
        if key not in self._live:
            await self._load_live([environment.uuid], deployed, released, [consumer.id])
        return self._live[key]


def _tag_mode(request: VerificationRequest) -> bool:
    """Whether pending status is judged per provider tag (tags and no branch)."""
    return not request.provider_branch and bool(request.provider_tags)


def _pending(
    provider: Pacticipant,
    ids: list[int],
    request: VerificationRequest,
    branch: Branch | None,
    facts: Mapping[int, ContentFacts],
) -> dict[int, tuple[bool, str]]:
    """Whether each content is pending for the provider branch (or provider) verifying it.

    Any provider version counts when the request names neither branch nor tags. `branch` is
    the provider branch the request names (None when it names none, or one not created yet),
    `facts` the `content_facts` for it, counting WIP results like any other (§7.5).
    """
    if request.provider_branch:
        name = request.provider_branch
        answers = {}
        for pact_version_id in ids:
            found = facts.get(pact_version_id)
            on_branch = found is not None and found.on_branch
            first_success = None if found is None else found.first_success_at
            if on_branch:
                answers[pact_version_id] = (
                    False,
                    f"it has been successfully verified by a version of {provider.name}"
                    f" from branch '{name}'",
                )
            elif branch and first_success is not None and first_success < branch.created_at:
                answers[pact_version_id] = (
                    False,
                    f"it was successfully verified by a version of {provider.name}"
                    f" before branch '{name}' was created",
                )
            else:
                answers[pact_version_id] = (
                    True,
                    f"a successful verification result for a version of {provider.name}"
                    f" from branch '{name}' has not yet been published",
                )
        return answers
    return {
        i: (False, f"it has been successfully verified by a version of {provider.name}")
        if i in facts and facts[i].first_success_at is not None
        else (
            True,
            f"a successful verification result for {provider.name} has not yet been published",
        )
        for i in ids
    }


async def _pending_for_tags(
    tx: _Roles, provider: Pacticipant, ids: list[int], provider_tags: tuple[str, ...]
) -> dict[int, tuple[bool, str]]:
    """Pending for tags: some tag has no successful result from a version carrying it.

    Results of WIP verifications count like any other (§7.5); one statement for every content.
    """
    verified = await tx.tags_that_verified(ids, provider_tags, count_wip=True)
    answers = {}
    for pact_version_id in ids:
        done = verified.get(pact_version_id, set())
        pending_tags = [tag for tag in provider_tags if tag not in done]
        answers[pact_version_id] = (
            (
                True,
                f"a successful verification result for a version of {provider.name}"
                f" with tag {', '.join(pending_tags)} has not yet been published",
            )
            if pending_tags
            else (
                False,
                f"it has been successfully verified by a version of {provider.name}"
                f" with tag {', '.join(provider_tags)}",
            )
        )
    return answers
