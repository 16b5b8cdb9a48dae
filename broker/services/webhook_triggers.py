"""Which webhook events a change causes, and the facts their template variables are made of.

Each function runs inside the transaction of its change, given that transaction's `Events`.
Facts are read only for events some webhook wants (`Events.emit` calls the variables' builder
only then). The Pact Broker's semantics are followed for its six events: which versions fill
which variables, and which provider versions must verify a new pact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote

from broker.domain.approvals import awaiting_teams
from broker.domain.governance import ChangeRequest, Kind, Status
from broker.domain.model import (
    Pacticipant,
    PactPublication,
    PactVersion,
    Verification,
    Version,
)
from broker.domain.notifications import Notification
from broker.domain.pact_metadata import decode_metadata, encode_metadata
from broker.domain.webhook_variables import (
    ChangeRequestFacts,
    ContractChangeFacts,
    PactFacts,
    ResultFacts,
    VersionFacts,
    change_request_variables,
    pactbroker_variables,
    provider_contract_variables,
)
from broker.domain.webhooks import (
    CHANGE_REQUEST_APPROVED,
    CHANGE_REQUEST_OPENED,
    CHANGE_REQUEST_REJECTED,
    CHANGE_REQUEST_SUPERSEDED,
    CONTRACT_CONTENT_CHANGED,
    CONTRACT_PUBLISHED,
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    PROVIDER_CONTRACT_CHANGED,
    PROVIDER_CONTRACT_PUBLISHED,
    PROVIDER_VERIFICATION_FAILED,
    PROVIDER_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_SUCCEEDED,
)
from broker.services.origin import current_base_url
from broker.services.webhook_events import EventRoles, Events, Variables
from broker.storage.interface import Deployments, Environments, Pacts, Versions


class FactRoles(EventRoles, Deployments, Environments, Pacts, Versions, Protocol):
    """The storage roles the facts are read from."""


def _url(template: str, **names: str) -> str:
    """`template` under the request's base URL, each `{name}` an encoded path segment."""
    for key, value in names.items():
        template = template.replace("{" + key + "}", quote(value, safe=""))
    return current_base_url.get() + template


def pact_url(consumer: str, provider: str, sha: str, consumer_versions: Sequence[str]) -> str:
    """The pact-version URL with metadata naming the consumer versions (§7.9).

    A verifier fetches it, and its `pb:publish-verification-results` link carries the metadata
    back, so the result counts for exactly these consumer versions.
    """
    return _url(
        "/pacts/provider/{p}/consumer/{c}/pact-version/{s}/metadata/{m}",
        p=provider,
        c=consumer,
        s=sha,
        m=encode_metadata(tuple(consumer_versions), pending=False, wip=False),
    )


def verification_url(consumer: str, provider: str, sha: str, verification_id: int) -> str:
    """Where a verification result is served."""
    return _url(
        "/pacts/provider/{p}/consumer/{c}/pact-version/{s}/verification-results/{n}",
        p=provider,
        c=consumer,
        s=sha,
        n=str(verification_id),
    )


def change_request_url(request_id: int) -> str:
    """Where a change request is served."""
    return _url("/change-requests/{id}", id=str(request_id))


def provider_contract_url(provider: str, version: str) -> str:
    """Where a provider version's contract is served."""
    return _url("/provider-contracts/provider/{p}/version/{v}", p=provider, v=version)


async def version_facts(tx: FactRoles, version: Version) -> VersionFacts:
    """The version's number, branch (the one it joined last), tags and build URL."""
    return (await _Versions(tx).facts(version))[0]


class _Versions:
    """Versions' branches and tags, read in one statement for all the versions asked at once."""

    def __init__(self, tx: FactRoles) -> None:
        self._tx = tx
        self._names: dict[int, tuple[list[str], list[str]]] = {}

    def know(self, version: Version, facts: VersionFacts) -> None:
        """Take a version's branch and tags as known (a version created by this request)."""
        self._names[version.id] = ([facts.branch] if facts.branch else [], list(facts.tags))

    async def facts(self, *versions: Version) -> list[VersionFacts]:
        missing = [v.id for v in versions if v.id not in self._names]
        if missing:
            self._names.update(await self._tx.names_of_versions(list(dict.fromkeys(missing))))
        found = []
        for version in versions:
            branches, tags = self._names[version.id]
            found.append(
                VersionFacts(
                    number=version.number,
                    branch=branches[-1] if branches else None,
                    tags=tuple(tags),
                    build_url=version.build_url,
                )
            )
        return found


class _PactEvent:
    """The facts of events about one pact content and consumer version, each read once."""

    def __init__(
        self,
        tx: FactRoles,
        events: Events,
        consumer: Pacticipant,
        provider: Pacticipant,
        content: PactVersion,
        *,
        new_content: bool = False,
    ) -> None:
        self.tx = tx
        self.events = events
        self.consumer = consumer
        self.provider = provider
        self.content = content
        self.versions = _Versions(tx)
        # Content created in this transaction has no verification results yet.
        self._results: list[Verification] | None = [] if new_content else None
        self._live: list[tuple[Version, str, str]] | None = None

    async def results(self) -> list[Verification]:
        """The content's verification results, newest first."""
        if self._results is None:
            self._results = await self.tx.verifications_of_pact_version(self.content.id)
        return self._results

    async def live(self) -> list[tuple[Version, str, str]]:
        """The provider's main-branch head, deployed and released versions: where and how.

        Read with the consumer's and provider's labels (when not known yet), in one statement.
        """
        if self._live is None:
            wanted = [p.id for p in (self.consumer, self.provider) if not self.events.knows(p)]
            labels, self._live = await self.tx.pact_event_facts(
                wanted, self.provider.id, self.provider.main_branch
            )
            self.events.learn(labels)
        return self._live

    async def facts(
        self,
        consumer_version: Version,
        *,
        result: Verification | None = None,
        provider_version: Version | None = None,
        descriptions: tuple[str, ...] = (),
    ) -> PactFacts:
        """The Pact Broker's facts; the provider version is the result's unless given."""
        if provider_version is None and result is not None:
            provider_version = await self.tx.find_version_by_id(result.provider_version_id)
        shown = [consumer_version] + ([provider_version] if provider_version else [])
        consumer_facts, *provider_facts = await self.versions.facts(*shown)
        deployed = [v.number for v, _, how in await self.live() if how == "deployed"]
        consumer_labels, provider_labels = await self.events.labels(self.consumer, self.provider)
        names = (self.consumer.name, self.provider.name, self.content.sha)
        return PactFacts(
            consumer=self.consumer.name,
            provider=self.provider.name,
            consumer_labels=consumer_labels,
            provider_labels=provider_labels,
            pact_url=pact_url(*names, [consumer_version.number]),
            consumer_version=consumer_facts,
            provider_version=provider_facts[0] if provider_facts else None,
            provider_version_descriptions=descriptions,
            result=(
                None
                if result is None
                else ResultFacts(
                    url=verification_url(*names, result.id),
                    success=result.success,
                    build_url=result.build_url,
                )
            ),
            deployed_provider_versions=tuple(dict.fromkeys(deployed)),
        )


# contracts


async def content_changed_reason(
    tx: FactRoles,
    publication: PactPublication,
    content: PactVersion,
    *,
    new_content: bool = False,
    only: tuple[str | None, tuple[str, ...]] | None = None,
) -> str | None:
    """Why a publication counts as changed content (Pact Broker semantics), or None.

    Changed: the integration's first pact; content unlike the previous consumer version's;
    or the first pact (or new content) on one of the version's branches or tags. Content
    is compared by its canonical sha, so whitespace, key order and metadata do not count.
    `new_content`: the integration never had this content before, so it changed. `only`: a
    version publishing its content again; just the branch and tags it got now count.
    """
    if only is not None:
        branch, new_tags = only
        branches, tags = ([branch] if branch else []), list(new_tags)
    else:
        if new_content:
            return "pact content has changed since the previous version"
        previous = await tx.previous_publication(publication)
        if previous is None:
            return "first time any pact published for this integration"
        if previous.pact_version_id != content.id:
            return "pact content has changed since the previous version"
        branches, tags = (await tx.names_of_versions([publication.consumer_version_id]))[
            publication.consumer_version_id
        ]
    for branch in branches:
        on_branch = await tx.previous_publication(publication, branch=branch)
        if on_branch is None or on_branch.pact_version_id != content.id:
            return f"first time this content published on branch {branch}"
    for tag in tags:
        tagged = await tx.previous_publication(publication, tag=tag)
        if tagged is None or tagged.pact_version_id != content.id:
            return f"first time this content published with tag {tag}"
    return None


async def versions_to_verify(about: _PactEvent) -> list[tuple[Version, tuple[str, ...]]]:
    """The provider versions that must verify new content, each with why.

    The head of the provider's main branch and every version deployed or released (still
    supported) in an environment, once each, less those that already verified the content.
    """
    found: dict[int, tuple[Version, list[str]]] = {}
    for version, place, how in await about.live():
        why = f"latest from {place} branch" if how == "head" else f"{how} in {place}"
        found.setdefault(version.id, (version, []))[1].append(why)
    if not found:
        return []
    verified = {v.provider_version_id for v in await about.results()}
    return [(v, tuple(why)) for v, why in found.values() if v.id not in verified]


async def contract_events(  # noqa: PLR0917 - the publication's parts
    tx: FactRoles,
    events: Events,
    consumer: Pacticipant,
    provider: Pacticipant,
    version: Version,
    publication: PactPublication,
    content: PactVersion,
    *,
    unchanged: bool,
    new_content: bool = False,
    known: VersionFacts | None = None,
    new_places: tuple[str | None, tuple[str, ...]] = (None, ()),
) -> list[str]:
    """Emit the events of one published pact; the names of those some webhook matched.

    `unchanged`: the consumer version published this content before (a re-publication), so
    the content did not change and no provider version newly needs to verify it; it still
    counts as changed on a branch or tag the request newly gave the version (`new_places`)
    where this content was not published before, as in the Pact Broker.
    `new_content`: the integration never had this content. `known`: the consumer version's
    branch and tags when the publication created it (they are the request's).
    """
    detected: list[str] = []
    about = _PactEvent(tx, events, consumer, provider, content, new_content=new_content)
    if known is not None:
        about.versions.know(version, known)
    published: PactFacts | None = None

    async def latest_facts() -> PactFacts:
        nonlocal published
        if published is None:
            results = await about.results()
            published = await about.facts(version, result=results[0] if results else None)
        return published

    for event in (CONTRACT_PUBLISHED, CONTRACT_CONTENT_CHANGED):
        if not await events.wants(event):
            continue
        if event == CONTRACT_CONTENT_CHANGED and (
            await content_changed_reason(
                tx,
                publication,
                content,
                new_content=new_content,
                only=new_places if unchanged else None,
            )
            is None
        ):
            continue

        async def variables(event: str = event) -> Variables:
            return pactbroker_variables(event, await latest_facts())

        if await events.emit(
            event,
            consumer=consumer,
            provider=provider,
            variables=variables,
            pact_version_sha=content.sha,
            consumer_version_id=version.id,
        ):
            detected.append(event)
    required = CONTRACT_REQUIRING_VERIFICATION_PUBLISHED
    if unchanged or not await events.wants(required):
        return detected
    for provider_version, why in await versions_to_verify(about):

        async def requiring(v: Version = provider_version, why: tuple[str, ...] = why) -> Variables:
            facts = await about.facts(version, provider_version=v, descriptions=why)
            return pactbroker_variables(required, facts)

        if await events.emit(
            required,
            consumer=consumer,
            provider=provider,
            variables=requiring,
            pact_version_sha=content.sha,
            consumer_version_id=version.id,
        ):
            detected.append(required)
    return list(dict.fromkeys(detected))


# verification results


async def verified_consumer_versions(
    tx: FactRoles,
    consumer: Pacticipant,
    provider: Pacticipant,
    content: PactVersion,
    metadata: str | None,
) -> list[Version]:
    """The consumer versions a result is for (the Pact Broker's rule).

    Those its pact URL's metadata names and that hold the content, else the newest consumer
    version holding it.
    """
    named = decode_metadata(metadata).get("cvn") if metadata else None
    found: list[Version] = []
    for number in named if isinstance(named, list) else []:
        if not isinstance(number, str):
            continue
        version = await tx.find_version(consumer.id, number)
        held = None if version is None else await tx.find_publication(version.id, provider.id)
        if version is not None and held is not None and held.pact_version_id == content.id:
            found.append(version)
    if found:
        return found
    holders = await tx.publications_of_pact_version(content.id)
    if not holders:
        return []
    newest = await tx.find_version_by_id(holders[-1].consumer_version_id)
    return [] if newest is None else [newest]


async def verification_events(  # noqa: PLR0917 - the result's parts
    tx: FactRoles,
    events: Events,
    consumer: Pacticipant,
    provider: Pacticipant,
    content: PactVersion,
    provider_version: Version,
    verification: Verification,
) -> None:
    """Emit `provider_verification_published` and `_succeeded` or `_failed` per consumer version."""
    outcome = (
        PROVIDER_VERIFICATION_SUCCEEDED if verification.success else PROVIDER_VERIFICATION_FAILED
    )
    names = [PROVIDER_VERIFICATION_PUBLISHED, outcome]
    if not [name for name in names if await events.wants(name)]:
        return
    about = _PactEvent(tx, events, consumer, provider, content)
    for consumer_version in await verified_consumer_versions(
        tx, consumer, provider, content, verification.metadata
    ):
        for name in names:

            async def variables(name: str = name, cv: Version = consumer_version) -> Variables:
                facts = await about.facts(
                    cv, result=verification, provider_version=provider_version
                )
                return pactbroker_variables(name, facts)

            await events.emit(
                name,
                consumer=consumer,
                provider=provider,
                variables=variables,
                pact_version_sha=content.sha,
                consumer_version_id=consumer_version.id,
                verification_id=verification.id,
            )


# governance


def change_request_facts(
    request: ChangeRequest, supersedes: Sequence[ChangeRequest] = ()
) -> ChangeRequestFacts:
    """A change request as its events' variables describe it."""
    return ChangeRequestFacts(
        id=request.id,
        url=change_request_url(request.id),
        status=request.status.value,
        kind=request.kind.value,
        subject=request.subject,
        author=request.author,
        content_sha=request.content_sha,
        awaiting_teams=tuple(awaiting_teams(request)) if request.status is Status.OPEN else (),
        approved_by=tuple(dict.fromkeys(a.approver for a in request.approvals)),
        decided_by=request.decided_by,
        rejection_reason=request.rejection_reason,
        override_reason=request.override_reason,
        superseded_by=request.superseded_by,
        supersedes=tuple(r.id for r in supersedes),
        affected=tuple((a.pacticipant, a.interactions) for a in request.affected),
    )


async def change_request_event(
    tx: FactRoles,
    events: Events,
    name: str,
    request: ChangeRequest,
    supersedes: Sequence[ChangeRequest] = (),
) -> None:
    """Emit a `change_request_*` event.

    A pact's request is about its consumer and provider; a provider contract's about its
    provider (no consumer). The version is the newest that published the content.
    """
    assert name in {
        CHANGE_REQUEST_OPENED,
        CHANGE_REQUEST_APPROVED,
        CHANGE_REQUEST_REJECTED,
        CHANGE_REQUEST_SUPERSEDED,
    }
    if not await events.wants(name):
        return
    if request.kind is Kind.PACT:
        consumer = await tx.find_pacticipant(request.pacticipant)
        provider = await tx.find_pacticipant(request.provider or "")
    else:
        consumer, provider = None, await tx.find_pacticipant(request.pacticipant)
    if provider is None:
        return  # deleted since; nothing left to tell anyone about

    async def variables() -> Variables:
        owner = consumer if request.kind is Kind.PACT else provider
        assert owner is not None
        number = request.versions[-1] if request.versions else None
        version = None if number is None else await tx.find_version(owner.id, number)
        facts = None if version is None else await version_facts(tx, version)
        content = (
            None
            if consumer is None
            else await tx.find_pact_version(consumer.id, provider.id, request.content_sha)
        )
        labels = await events.labels(consumer, provider)
        pact = PactFacts(
            consumer="" if consumer is None else consumer.name,
            provider=provider.name,
            consumer_labels=labels[0],
            provider_labels=labels[1],
            pact_url=(
                ""
                if consumer is None or content is None or facts is None
                else pact_url(consumer.name, provider.name, content.sha, [facts.number])
            ),
            consumer_version=facts if consumer is not None else None,
            provider_version=facts if consumer is None else None,
        )
        return change_request_variables(name, change_request_facts(request, supersedes), pact)

    await events.emit(
        name,
        consumer=consumer,
        provider=provider,
        variables=variables,
        change_request_id=request.id,
    )


# provider contracts


async def provider_contract_events(  # noqa: PLR0917 - the publication's parts
    tx: FactRoles,
    events: Events,
    provider: Pacticipant,
    version: Version,
    content_sha: str,
    notified: Sequence[Notification],
    opened: ChangeRequest | None,
) -> None:
    """Emit `provider_contract_published`, and `provider_contract_changed` per affected consumer.

    A consumer is affected when a change touches one of its interactions; its event lists
    those changes only (`notified` are the notifications `notify_consumers` made).
    """
    contract_url = provider_contract_url(provider.name, version.number)
    request = None if opened is None else change_request_facts(opened)

    versions = _Versions(tx)

    async def base(consumer: Pacticipant | None) -> PactFacts:
        consumer_labels, provider_labels = await events.labels(consumer, provider)
        return PactFacts(
            consumer="" if consumer is None else consumer.name,
            provider=provider.name,
            consumer_labels=consumer_labels,
            provider_labels=provider_labels,
            provider_version=(await versions.facts(version))[0],
        )

    async def published() -> Variables:
        return provider_contract_variables(
            PROVIDER_CONTRACT_PUBLISHED,
            await base(None),
            contract_url=contract_url,
            content_sha=content_sha,
            change_request=request,
        )

    await events.emit(
        PROVIDER_CONTRACT_PUBLISHED,
        consumer=None,
        provider=provider,
        variables=published,
        change_request_id=None if opened is None else opened.id,
    )
    if not await events.wants(PROVIDER_CONTRACT_CHANGED):
        return
    for notification in notified:
        touching = [c for c in notification.changes if c.interactions]
        consumer = await tx.find_pacticipant(notification.consumer)
        if not touching or consumer is None:
            continue

        async def changed(
            consumer: Pacticipant = consumer, notification: Notification = notification
        ) -> Variables:
            touching = [c for c in notification.changes if c.interactions]
            return provider_contract_variables(
                PROVIDER_CONTRACT_CHANGED,
                await base(consumer),
                contract_url=contract_url,
                content_sha=content_sha,
                changes=[
                    ContractChangeFacts(level=c.level, id=c.id, operation=c.operation, text=c.text)
                    for c in touching
                ],
                affected_interactions=notification.affected_interactions,
                change_request=request,
            )

        await events.emit(
            PROVIDER_CONTRACT_CHANGED,
            consumer=consumer,
            provider=provider,
            variables=changed,
            change_request_id=None if opened is None else opened.id,
        )
