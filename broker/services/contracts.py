"""Publishing consumer contracts (pacts) and reading them back.

A publication records, in one transaction, the consumer version (with its branch, tags and
build URL) and each pact it holds. Pact content is content-addressed: the same content under
another version, or re-serialised by a client, shares one pact version. Changing the content of
a pact an existing consumer version already holds is refused unless the broker allows contract
modification (pact-broker-api §5.3).
"""

from __future__ import annotations

from typing import Protocol

import msgspec

from broker.domain.errors import ConflictError, FieldError, InvalidInputError, NotFoundError, Notice
from broker.domain.model import Pacticipant, PactPublication, PactVersion, Page, Version
from broker.domain.names import check_name
from broker.domain.pact_diff import PactDiff
from broker.domain.provider_states import ProviderState, aggregate
from broker.domain.webhook_variables import VersionFacts
from broker.services.audit import audit
from broker.services.auth import ensure_may_change
from broker.services.clock import Clock, system_clock
from broker.services.comparisons import compare_new_pact, first_problem
from broker.services.deployments import live_versions
from broker.services.document_work import checked_pact, merged_pact, pact_diff, pact_diff_text
from broker.services.doorbell import Doorbell
from broker.services.governance import Governance
from broker.services.pacticipants import ensure_pacticipant, require_pacticipant
from broker.services.races import find_or_insert
from broker.services.versions import (
    ensure_version,
    record_branch_and_tags,
    require_version,
)
from broker.services.webhook_events import Events
from broker.services.webhook_triggers import contract_events
from broker.services.work import InlineWork, Work, WorkTimeoutError
from broker.storage.interface import (
    Contracts,
    Deployments,
    Environments,
    Pacticipants,
    Pacts,
    Selection,
    Storage,
    Versions,
)


class _Roles(
    Contracts, Deployments, Environments, Pacticipants, Pacts, Selection, Versions, Protocol
):
    """The storage roles this module's helpers use."""


class Contract(msgspec.Struct, frozen=True, kw_only=True):
    """One pact to publish: the raw document and who it is between."""

    consumer_name: str
    provider_name: str
    content: bytes
    merge: bool = False


class PublishRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Everything `POST /contracts/publish` (or one old-style PUT) carries."""

    pacticipant_name: str
    version_number: str
    branch: str | None = None
    tags: tuple[str, ...] = ()
    build_url: str | None = None
    contracts: tuple[Contract, ...]
    # Where contracts sit in the request, for error pointers; "" when the body is one pact.
    pointer: str = "/contracts"


class Pact(msgspec.Struct, frozen=True, kw_only=True):
    """A pact as the broker serves it: who, which consumer version, which content."""

    consumer: Pacticipant
    provider: Pacticipant
    consumer_version: Version
    publication: PactPublication
    content: PactVersion


def _pact_subject(consumer: str, provider: str, number: str) -> str:
    """`pact:Web->Orders@1.0.0`: the pact consumer version 1.0.0 of Web holds with Orders."""
    return f"pact:{consumer}->{provider}@{number}"


class PublishedPact(msgspec.Struct, frozen=True, kw_only=True):
    """What publishing did to one pact."""

    pact: Pact
    outcome: str  # "created", "unchanged" or "changed"
    previous_sha: str | None = None  # the content the consumer version held before, if any
    new_content: bool = False  # the integration never had this content before


class PublishOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The result of a publication, with the notices the clients print."""

    consumer: Pacticipant
    version: Version
    version_created: bool
    tags: tuple[str, ...]
    pacts: list[PublishedPact]
    notices: list[Notice]


class _Checked(msgspec.Struct, frozen=True):
    contract: Contract
    sha: str
    text: str
    notices: list[Notice]


class ContractService:
    """Publishing and reading pacts."""

    def __init__(
        self,
        storage: Storage,
        *,
        allow_modification: bool,
        strict_pacts: bool = False,
        clock: Clock = system_clock,
        governance: Governance | None = None,
        work: Work | None = None,
        doorbell: Doorbell | None = None,
    ) -> None:
        self._storage = storage
        self._doorbell = doorbell
        self._allow_modification = allow_modification
        self._strict_pacts = strict_pacts
        self._clock = clock
        self._governance = governance or Governance()
        self._work: Work = work or InlineWork()

    async def _check(self, request: PublishRequest) -> list[_Checked]:
        """Validate the request and every pact (in a worker) before anything is written."""
        check_name(request.pacticipant_name, "/pacticipantName", "pacticipant name")
        check_name(request.version_number, "/pacticipantVersionNumber", "version number")
        if request.branch is not None:
            check_name(request.branch, "/branch", "branch name")
        for index, tag in enumerate(request.tags):
            check_name(tag, f"/tags/{index}", "tag")
        if not request.contracts:
            raise InvalidInputError(
                "Nothing to publish", [FieldError(request.pointer, "must list at least one pact")]
            )
        checked: list[_Checked] = []
        problems: list[FieldError] = []
        for index, contract in enumerate(request.contracts):
            where = f"{request.pointer}/{index}"
            if contract.consumer_name != request.pacticipant_name:
                problems.append(
                    FieldError(
                        f"{where}/consumerName",
                        f"must be {request.pacticipant_name!r}, the pacticipant publishing",
                    )
                )
                continue
            try:
                sha, errors, notices = await self._work.run(
                    checked_pact,
                    contract.content,
                    contract.consumer_name,
                    contract.provider_name,
                    self._strict_pacts,
                )
            except WorkTimeoutError as error:
                late = FieldError("", f"could not be validated in time: it {error.reason}")
                sha, errors, notices = None, [late], []
            if sha is None:
                # A pact sent on its own (the older PUT) is the whole body: no prefix.
                prefix = f"{where}/content" if request.pointer else ""
                problems += [FieldError(f"{prefix}{e.pointer}", e.detail) for e in errors]
                continue
            text = contract.content.decode("utf-8")
            checked.append(_Checked(contract, sha, text, notices))
        if problems:
            raise InvalidInputError("The contracts are not valid", problems)
        return checked

    async def diff(self, base: Pact, pact: Pact) -> PactDiff:
        """What changed from `base` to `pact`, as each consumer version published them.

        Raises:
            WorkTimeoutError: the diff took longer than the work's budget (422).
        """
        return await self._work.run(
            pact_diff,
            base.publication.document(base.content),
            pact.publication.document(pact.content),
        )

    async def publish(self, request: PublishRequest) -> PublishOutcome:
        """Record the version, its branch and tags, and each pact, all or nothing."""
        checked = await self._check(request)
        async with self._storage.transaction() as tx:
            await ensure_may_change(tx, request.pacticipant_name)
            consumer = await ensure_pacticipant(tx, request.pacticipant_name, self._clock)
            # Publishes of one consumer queue here, so "is this content new for the version?"
            # has one answer even when many clients publish at once.
            await tx.lock_pacticipant(consumer)
            version, version_created = await ensure_version(
                tx, consumer, request.version_number, self._clock
            )
            if request.build_url is not None and request.build_url != version.build_url:
                version = await tx.update_version(version, request.build_url, self._clock())
            notices = [_version_notice(consumer, version, version_created, request)]
            new_places = await record_branch_and_tags(
                tx,
                consumer,
                version,
                branch_name=request.branch,
                tags=request.tags,
                clock=self._clock,
            )
            published: list[PublishedPact] = []
            conflicts: list[Notice] = []
            for item in checked:
                result = await self._publish_one(tx, consumer, version, item, conflicts)
                if result is not None:
                    published.append(result)
            if conflicts:
                raise ConflictError(
                    conflicts[0].text,
                    [FieldError("/contracts", n.text) for n in conflicts if n.type == "error"],
                    notices=conflicts,
                )
            notices += [_pact_notice(p) for p in published]
            notices += [n for item in checked for n in item.notices]
            now = self._clock()
            events = Events(tx, now)
            for done in published:
                notices += await self._comparison_notices(tx, done.pact)
                pact = done.pact
                notices += await self._governance.on_pact(
                    tx, pact.consumer, pact.provider, version, pact.content, now, events=events
                )
            for done in published:
                pact = done.pact
                await contract_events(
                    tx,
                    events,
                    pact.consumer,
                    pact.provider,
                    version,
                    pact.publication,
                    pact.content,
                    unchanged=done.outcome == "unchanged",
                    new_content=done.new_content,
                    new_places=new_places,
                    # A version this request created holds exactly its branch and tags.
                    known=(
                        VersionFacts(
                            number=version.number,
                            branch=request.branch,
                            tags=tuple(dict.fromkeys(request.tags)),
                            build_url=version.build_url,
                        )
                        if version_created
                        else None
                    ),
                )
            await events.flush()
            notices += events.notices()
            for done in published:
                pact, sha = done.pact, done.pact.content.sha
                names = (pact.consumer.name, pact.provider.name)
                subject = _pact_subject(pact.consumer.name, pact.provider.name, version.number)
                await audit(tx, now, "pact.publish", subject, done.previous_sha, sha, *names)
        events.ring(self._doorbell)
        return PublishOutcome(
            consumer=consumer,
            version=version,
            version_created=version_created,
            tags=request.tags,
            pacts=published,
            notices=notices,
        )

    async def _comparison_notices(self, tx: _Roles, pact: Pact) -> list[Notice]:
        """Bi-directional: the new pact against its provider's newest documents."""
        notices = []
        for publication, document, comparison in await compare_new_pact(
            tx, pact.content, self._clock, self._work
        ):
            version = await tx.find_version_by_id(publication.provider_version_id)
            assert version is not None, "kept by foreign keys"
            between = (
                f"The pact between {pact.consumer.name} and {pact.provider.name}"
                f" and the {'AsyncAPI' if document.specification == 'asyncapi' else 'OpenAPI'}"
                f" document of version {version.number} of {pact.provider.name}"
            )
            notices.append(
                Notice("success", f"{between} are compatible")
                if comparison.success
                else Notice("warning", f"{between} are not compatible: {first_problem(comparison)}")
            )
        return notices

    async def _publish_one(
        self,
        tx: _Roles,
        consumer: Pacticipant,
        version: Version,
        item: _Checked,
        conflicts: list[Notice],
    ) -> PublishedPact | None:
        provider = await ensure_pacticipant(tx, item.contract.provider_name, self._clock)
        current = await tx.find_publication(version.id, provider.id)
        if current is None:
            content, new = await self._content(tx, consumer, provider, item.sha, item.text)
            publication = await tx.insert_publication(
                consumer_id=consumer.id,
                provider_id=provider.id,
                consumer_version_id=version.id,
                pact_version_id=content.id,
                now=self._clock(),
                content=None if item.text == content.content else item.text,
            )
            pact = _pact(consumer, provider, version, publication, content)
            return PublishedPact(pact=pact, outcome="created", new_content=new)
        stored = await tx.find_pact_version_by_id(current.pact_version_id)
        assert stored is not None  # a publication's content is deleted only with it
        sha, text = item.sha, item.text
        stored_text = current.document(stored)
        if item.contract.merge and sha != stored.sha:
            merged = await self._work.run(merged_pact, stored_text, text)
            if isinstance(merged, ConflictError):
                raise merged
            sha, text = merged
        if sha == stored.sha:
            pact = _pact(consumer, provider, version, current, stored)
            return PublishedPact(pact=pact, outcome="unchanged", previous_sha=stored.sha)
        difference = await self._work.run(pact_diff_text, stored_text, text)
        if not self._allow_modification:
            conflicts.append(
                Notice(
                    "error",
                    f"Cannot change the content of the pact for {consumer.name} version "
                    f"{version.number} and provider {provider.name}: a pact version is "
                    "immutable, or can-i-deploy results become unreliable. Publish the changed "
                    "pact with a new consumer version number.",
                )
            )
            conflicts.append(Notice("info", f"Changes:\n{difference}"))
            return None
        content, new = await self._content(tx, consumer, provider, sha, text)
        replaced = await tx.replace_publication(
            current,
            content.id,
            self._clock(),
            content=None if text == content.content else text,
        )
        pact = _pact(consumer, provider, version, replaced, content)
        return PublishedPact(pact=pact, outcome="changed", previous_sha=stored.sha, new_content=new)

    async def _content(
        self, tx: Pacts, consumer: Pacticipant, provider: Pacticipant, sha: str, text: str
    ) -> tuple[PactVersion, bool]:
        """The content's pact version, and whether this publication created it."""
        return await find_or_insert(
            lambda: tx.find_pact_version(consumer.id, provider.id, sha),
            lambda: tx.insert_pact_version(consumer.id, provider.id, sha, text, self._clock()),
        )

    # reading

    async def _integration(
        self, tx: _Roles, provider_name: str, consumer_name: str
    ) -> tuple[Pacticipant, Pacticipant]:
        provider = await require_pacticipant(tx, provider_name)
        consumer = await require_pacticipant(tx, consumer_name)
        return consumer, provider

    async def _assemble(
        self,
        tx: _Roles,
        consumer: Pacticipant,
        provider: Pacticipant,
        publication: PactPublication,
    ) -> Pact:
        version = await tx.find_version_by_id(publication.consumer_version_id)
        content = await tx.find_pact_version_by_id(publication.pact_version_id)
        assert version is not None and content is not None  # kept by foreign keys
        return _pact(consumer, provider, version, publication, content)

    async def for_version(self, provider_name: str, consumer_name: str, number: str) -> Pact:
        """The pact a consumer version holds with a provider."""
        async with self._storage.transaction() as tx:
            consumer, provider = await self._integration(tx, provider_name, consumer_name)
            version = await require_version(tx, consumer, number)
            publication = await tx.find_publication(version.id, provider.id)
            if publication is None:
                raise NotFoundError(
                    f"No pact between {consumer.name} version {number} and {provider.name}"
                )
            return await self._assemble(tx, consumer, provider, publication)

    async def latest(
        self,
        provider_name: str,
        consumer_name: str,
        *,
        branch: str | None = None,
        tag: str | None = None,
        untagged: bool = False,
        main_branch: bool = False,
    ) -> Pact:
        """The pact of the newest consumer version, optionally on a branch or with a tag.

        With `main_branch`, the branch is the consumer's main branch.
        """
        async with self._storage.transaction() as tx:
            consumer, provider = await self._integration(tx, provider_name, consumer_name)
            if main_branch:
                if consumer.main_branch is None:
                    raise NotFoundError(f"{consumer.name} has no main branch")
                branch = consumer.main_branch
            publication = await tx.latest_publication(
                consumer.id, provider.id, branch=branch, tag=tag, untagged=untagged
            )
            if publication is None:
                which = (
                    f" on branch {branch}"
                    if branch
                    else f" tagged {tag}"
                    if tag
                    else " untagged"
                    if untagged
                    else ""
                )
                raise NotFoundError(f"No pact between {consumer.name}{which} and {provider.name}")
            return await self._assemble(tx, consumer, provider, publication)

    async def by_sha(self, provider_name: str, consumer_name: str, sha: str) -> Pact:
        """A pact by its content; the newest consumer version holding it names it."""
        async with self._storage.transaction() as tx:
            consumer, provider = await self._integration(tx, provider_name, consumer_name)
            content = await tx.find_pact_version(consumer.id, provider.id, sha)
            holders = [] if content is None else await tx.publications_of_pact_version(content.id)
            if content is None or not holders:
                raise NotFoundError(
                    f"No pact between {consumer.name} and {provider.name} with content {sha}"
                )
            return await self._assemble(tx, consumer, provider, holders[-1])

    async def delete(self, provider_name: str, consumer_name: str, number: str) -> None:
        """Remove the pact a consumer version holds (its content too, if nothing else holds it)."""
        async with self._storage.transaction() as tx:
            consumer, provider = await self._integration(tx, provider_name, consumer_name)
            version = await require_version(tx, consumer, number)
            publication = await tx.find_publication(version.id, provider.id)
            if publication is None:
                raise NotFoundError(
                    f"No pact between {consumer.name} version {number} and {provider.name}"
                )
            content = await tx.find_pact_version_by_id(publication.pact_version_id)
            await tx.delete_publication(publication)
            before = None if content is None else content.sha
            subject = _pact_subject(consumer.name, provider.name, number)
            await audit(
                tx,
                self._clock(),
                "pact.delete",
                subject,
                before,
                None,
                consumer.name,
                provider.name,
            )

    async def versions_of(
        self, provider_name: str, consumer_name: str, page: Page
    ) -> tuple[Pacticipant, Pacticipant, list[Pact], int]:
        """Every consumer version's pact with the provider, newest first."""
        async with self._storage.transaction() as tx:
            consumer, provider = await self._integration(tx, provider_name, consumer_name)
            publications, total = await tx.publications_of_integration(
                consumer.id, provider.id, page
            )
            pacts = [await self._assemble(tx, consumer, provider, p) for p in publications]
            return consumer, provider, pacts, total

    async def latest_of_all(
        self,
        provider_name: str | None = None,
        *,
        tag: str | None = None,
        branch: str | None = None,
        main_branch: bool = False,
    ) -> list[Pact]:
        """The latest pact of every integration (or of one provider's, on a branch or tag)."""
        async with self._storage.transaction() as tx:
            provider_id = None
            if provider_name is not None:
                provider_id = (await require_pacticipant(tx, provider_name)).id
            publications = await tx.latest_publications(
                provider_id, tag=tag, branch=branch, main_branch=main_branch
            )
            return await self._assemble_all(tx, publications)

    async def of_provider(
        self,
        provider_name: str,
        *,
        consumer_name: str | None = None,
        tag: str | None = None,
        branch: str | None = None,
        main_branch: bool = False,
    ) -> list[Pact]:
        """Every pact with a provider (of one consumer, with a tag, on a branch or main branch)."""
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            consumer_id = None
            if consumer_name is not None:
                consumer_id = (await require_pacticipant(tx, consumer_name)).id
            publications = await tx.provider_publications(
                provider.id,
                consumer_id=consumer_id,
                tag=tag,
                branch=branch,
                main_branch=main_branch,
            )
            return await self._assemble_all(tx, publications)

    async def provider_states(
        self, provider_name: str, *, branch: str | None = None, environment: str | None = None
    ) -> list[ProviderState]:
        """The distinct states of each consumer's latest pact on its main branch.

        Or of the latest pact on `branch`, or of the pacts of the consumer versions deployed or
        released in `environment` (its name or uuid).
        """
        if environment is None:
            pacts = await self.latest_of_all(
                provider_name, branch=branch, main_branch=branch is None
            )
        else:
            pacts = await self._live_pacts(provider_name, environment)
        return aggregate([(p.consumer.name, p.publication.document(p.content)) for p in pacts])

    async def _live_pacts(self, provider_name: str, environment_name: str) -> list[Pact]:
        """The pacts with a provider of the consumer versions live in an environment."""
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            environment = await tx.find_environment(
                environment_name
            ) or await tx.find_environment_by_name(environment_name)
            if environment is None:
                raise NotFoundError(f"No environment {environment_name}")
            publications = []
            for latest in await tx.latest_publications(provider.id):
                for version in await live_versions(tx, latest.consumer_id, environment.uuid):
                    found = await tx.find_publication(version.id, provider.id)
                    if found is not None:
                        publications.append(found)
            return await self._assemble_all(tx, publications)

    async def _assemble_all(self, tx: _Roles, publications: list[PactPublication]) -> list[Pact]:
        # Pacticipants, versions and contents in a query each (the home page assembles every
        # integration's latest pact).
        if not publications:
            return []
        names = {
            p.id: p
            for p in await tx.pacticipants_by_ids(
                sorted({i for p in publications for i in (p.consumer_id, p.provider_id)})
            )
        }
        versions = {
            v.id: v
            for v in await tx.versions_by_ids(sorted({p.consumer_version_id for p in publications}))
        }
        contents = {
            c.id: c
            for c in await tx.pact_versions_by_ids(
                sorted({p.pact_version_id for p in publications})
            )
        }
        return [
            _pact(
                names[p.consumer_id],
                names[p.provider_id],
                versions[p.consumer_version_id],
                p,
                contents[p.pact_version_id],
            )
            for p in publications
        ]

    async def previous_distinct(self, pact: Pact) -> Pact | None:
        """The pact of the newest earlier consumer version with other content."""
        async with self._storage.transaction() as tx:
            previous = await tx.previous_distinct_publication(pact.publication)
            if previous is None:
                return None
            return await self._assemble(tx, pact.consumer, pact.provider, previous)


def _pact(
    consumer: Pacticipant,
    provider: Pacticipant,
    version: Version,
    publication: PactPublication,
    content: PactVersion,
) -> Pact:
    return Pact(
        consumer=consumer,
        provider=provider,
        consumer_version=version,
        publication=publication,
        content=content,
    )


def _version_notice(
    consumer: Pacticipant, version: Version, created: bool, request: PublishRequest
) -> Notice:
    verb = "Created" if created else "Updated"
    parts = []
    if request.branch:
        parts.append(f"branch {request.branch}")
    if request.tags:
        parts.append(f"tags {', '.join(request.tags)}")
    extra = f" with {' and '.join(parts)}" if parts else ""
    return Notice("debug", f"{verb} {consumer.name} version {version.number}{extra}")


def _pact_notice(published: PublishedPact) -> Notice:
    pact = published.pact
    who = (
        f"{pact.consumer.name} version {pact.consumer_version.number}"
        f" and provider {pact.provider.name}"
    )
    if published.outcome == "created":
        return Notice("success", f"Pact successfully published for {who}.")
    if published.outcome == "unchanged":
        return Notice(
            "success", f"Pact successfully republished for {who} with no content changes."
        )
    return Notice(
        "warning", f"Pact with changed content published over existing content for {who}."
    )
