"""Provider contracts: a provider version publishes its OpenAPI or AsyncAPI document (§14).

Publishing records the provider version with its branch, tags and build URL, keeps the
document once per content (SHA-256 of its bytes), and compares it at once with the latest pact
of each consumer; the outcome of each comparison comes back as a notice. can-i-deploy reads
the comparisons as bi-directional verification results (`broker.services.comparisons`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import msgspec

from broker.domain.errors import FieldError, InvalidInputError, NotFoundError, Notice
from broker.domain.model import (
    Comparison,
    Pacticipant,
    PactVersion,
    Page,
    ProviderContract,
    ProviderContractPublication,
    Version,
)
from broker.domain.names import check_name
from broker.services.audit import audit
from broker.services.clock import Clock, system_clock
from broker.services.comparisons import comparison_of, first_problem
from broker.services.document_work import DocumentOutline, check_spec, outline_document
from broker.services.doorbell import Doorbell
from broker.services.governance import Governance
from broker.services.notifications import notified_notices, notify_consumers
from broker.services.pacticipants import ensure_pacticipant, require_pacticipant
from broker.services.spec_changes import SpecChanges, change_notices, changes_since_previous
from broker.services.versions import ensure_version, record_branch_and_tags, require_version
from broker.services.webhook_events import Events
from broker.services.webhook_triggers import provider_contract_events
from broker.services.work import InlineWork, Work, WorkTimeoutError
from broker.storage.interface import Storage, Transaction

SPECIFICATIONS = {"oas", "asyncapi"}
# The consumers whose comparisons one read gives at most (each may need a comparison made).
MAX_COMPARED = 100


class ContractToPublish(msgspec.Struct, frozen=True, kw_only=True):
    """What `pactflow publish-provider-contract` sends, decoded."""

    provider: str
    version: str
    branch: str | None = None
    tags: tuple[str, ...] = ()
    build_url: str | None = None
    content: bytes
    content_type: str
    specification: str = "oas"
    self_verification_success: bool | None = None
    self_verification: str | None = None  # JSON of the self-verification results


class ComparedPact(msgspec.Struct, frozen=True, kw_only=True):
    """One consumer's latest pact and how it fared against the document."""

    consumer: Pacticipant
    consumer_version: Version
    comparison: Comparison


class PublishedContract(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of a publication, with the notices the clients print."""

    provider: Pacticipant
    version: Version
    tags: tuple[str, ...]
    branch: str | None
    contract: ProviderContract
    publication: ProviderContractPublication
    compared: list[ComparedPact]
    notices: list[Notice]


class PublishedVersion(msgspec.Struct, frozen=True, kw_only=True):
    """A provider version that published a document, and which document."""

    version: Version
    publication: ProviderContractPublication
    sha: str


class ContractDocument(msgspec.Struct, frozen=True, kw_only=True):
    """The document a provider version published, with its outline for reading."""

    provider: Pacticipant
    version: Version
    contract: ProviderContract
    publication: ProviderContractPublication
    outline: DocumentOutline


Outcome = Literal["compatible", "incompatible", "not-compared"]


class ContractStatus(msgspec.Struct, frozen=True, kw_only=True):
    """How a pact content fares against its provider's newest provider contract (BDCT).

    `comparison` is None when the two were never compared (pages do not compare: that is
    work for a publication or can-i-deploy).
    """

    provider_version: str
    published_at: datetime
    self_verified: bool | None
    comparison: Comparison | None

    @property
    def outcome(self) -> Outcome:
        """`compatible`, `incompatible` or `not-compared`."""
        if self.comparison is None:
            return "not-compared"
        return "compatible" if self.comparison.success else "incompatible"

    @property
    def problem(self) -> str | None:
        """The first error of an incompatible comparison, in words."""
        if self.comparison is None or self.comparison.success:
            return None
        return first_problem(self.comparison)


class ProviderContractService:
    """Publishing and reading provider contracts."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock = system_clock,
        *,
        governance: Governance | None = None,
        work: Work | None = None,
        doorbell: Doorbell | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._doorbell = doorbell
        self._governance = governance or Governance()
        self._work: Work = work or InlineWork()

    async def publish(self, request: ContractToPublish) -> PublishedContract:
        """Record the provider version and its document, then compare it with the pacts.

        The document is read, compared and diffed in a worker (`broker.services.work`).
        """
        _check(request)
        await self._check_document(request.content, request.specification)
        text = request.content.decode("utf-8")
        sha = hashlib.sha256(request.content).hexdigest()
        async with self._storage.transaction() as tx:
            provider = await ensure_pacticipant(tx, request.provider, self._clock)
            version, _ = await ensure_version(tx, provider, request.version, self._clock)
            if request.build_url is not None and request.build_url != version.build_url:
                version = await tx.update_version(version, request.build_url, self._clock())
            await record_branch_and_tags(
                tx,
                provider,
                version,
                branch_name=request.branch,
                tags=request.tags,
                clock=self._clock,
            )
            held = await tx.find_contract_publication(version.id)
            held_contract = (
                None
                if held is None
                else await tx.find_provider_contract_by_id(held.contract_version_id)
            )
            contract = await tx.insert_provider_contract(
                provider.id,
                sha,
                text,
                content_type=request.content_type,
                specification=request.specification,
                now=self._clock(),
            )
            publication = await tx.save_contract_publication(
                provider_id=provider.id,
                provider_version_id=version.id,
                contract_version_id=contract.id,
                self_verification_success=request.self_verification_success,
                self_verification=request.self_verification,
                now=self._clock(),
            )
            compared = await self._compare(tx, provider, contract)
            changes = await changes_since_previous(
                tx, provider, version, contract, self._clock, work=self._work
            )
            breaking = [n.text for n in change_notices(provider, changes) if n.type == "warning"]
            events = Events(tx, self._clock())
            governed, opened = await self._governance.on_provider_contract(
                tx, provider, version, contract, breaking, self._clock(), events=events
            )
            notified = await notify_consumers(
                tx,
                provider,
                version,
                changes,
                self._clock(),
                replaced=held_contract,
                change_request_id=None if opened is None else opened.id,
            )
            before = None if held_contract is None else held_contract.sha
            subject = f"provider-contract:{provider.name}@{version.number}"
            action = "provider-contract.publish"
            await audit(tx, self._clock(), action, subject, before, sha, provider.name)
            await provider_contract_events(tx, events, provider, version, sha, notified, opened)
            await events.flush()
        events.ring(self._doorbell)
        return PublishedContract(
            provider=provider,
            version=version,
            tags=request.tags,
            branch=request.branch,
            contract=contract,
            publication=publication,
            compared=compared,
            notices=_notices(provider, version, request, compared)
            + change_notices(provider, changes)
            + notified_notices(notified)
            + governed
            + events.notices(),
        )

    async def _compare(
        self, tx: Transaction, provider: Pacticipant, contract: ProviderContract
    ) -> list[ComparedPact]:
        """The latest pact of each consumer compared with `contract` (stored, or made now)."""
        compared = []
        for latest in await tx.latest_publications(provider.id):
            pact = await tx.find_pact_version_by_id(latest.pact_version_id)
            consumer = await tx.find_pacticipant_by_id(latest.consumer_id)
            consumer_version = await tx.find_version_by_id(latest.consumer_version_id)
            assert pact and consumer and consumer_version, "kept by foreign keys"
            comparison = await comparison_of(tx, pact, contract, self._clock, self._work)
            compared.append(
                ComparedPact(
                    consumer=consumer, consumer_version=consumer_version, comparison=comparison
                )
            )
        return compared

    async def _check_document(self, content: bytes, specification: str) -> None:
        """Read the document in a worker; 400 naming `contract.content` when it is unusable.

        Unusable includes too large once its YAML aliases or `allOf` references are expanded,
        and too slow to read within the work's time budget.
        """
        try:
            problem = await self._work.run(check_spec, content, specification)
        except WorkTimeoutError as error:
            problem = f"The spec could not be read in time: it {error.reason}."
        if problem is not None:
            raise InvalidInputError(
                "The provider contract is not valid", [FieldError("/contract/content", problem)]
            )

    async def get(
        self, provider_name: str, number: str
    ) -> tuple[Pacticipant, Version, ProviderContract, ProviderContractPublication]:
        """The document a provider version published."""
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            version = await require_version(tx, provider, number)
            publication = await tx.find_contract_publication(version.id)
            if publication is None:
                raise NotFoundError(
                    f"Version {number} of {provider.name} has published no provider contract"
                )
            contract = await tx.find_provider_contract_by_id(publication.contract_version_id)
            assert contract is not None, "kept by foreign keys"
            return provider, version, contract, publication

    async def changes(self, provider_name: str, number: str) -> tuple[Pacticipant, SpecChanges]:
        """What changed in the document a provider version published since the previous one."""
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            version = await require_version(tx, provider, number)
            publication = await tx.find_contract_publication(version.id)
            if publication is None:
                raise NotFoundError(
                    f"Version {number} of {provider.name} has published no provider contract"
                )
            contract = await tx.find_provider_contract_by_id(publication.contract_version_id)
            assert contract is not None, "kept by foreign keys"
            found = await changes_since_previous(
                tx, provider, version, contract, self._clock, work=self._work
            )
            return provider, found

    async def published_versions(
        self, provider_name: str, page: Page
    ) -> tuple[Pacticipant, list[PublishedVersion], int]:
        """One page of the provider versions that published a document, newest first."""
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            publications, total = await tx.list_contract_publications(provider.id, page)
            found = []
            for publication in publications:
                version = await tx.find_version_by_id(publication.provider_version_id)
                contract = await tx.find_provider_contract_by_id(publication.contract_version_id)
                assert version is not None and contract is not None, "kept by foreign keys"
                found.append(
                    PublishedVersion(version=version, publication=publication, sha=contract.sha)
                )
            return provider, found, total

    async def document(self, provider_name: str, number: str) -> ContractDocument:
        """The document a provider version published, outlined (in a worker)."""
        provider, version, contract, publication = await self.get(provider_name, number)
        try:
            outline = await self._work.run(outline_document, contract.content)
        except WorkTimeoutError as error:
            outline = DocumentOutline(problem=f"The outline is not computed: it {error.reason}.")
        return ContractDocument(
            provider=provider,
            version=version,
            contract=contract,
            publication=publication,
            outline=outline,
        )

    async def compared(
        self, provider_name: str, number: str, limit: int = MAX_COMPARED
    ) -> tuple[list[ComparedPact], int]:
        """How the latest pact of each consumer fares against the version's document.

        The first `limit` consumers by name, and how many consumers there are. A pair never
        compared (a pact published before the document, an old document) is compared now,
        in a worker, as can-i-deploy does.
        """
        async with self._storage.transaction() as tx:
            provider = await require_pacticipant(tx, provider_name)
            version = await require_version(tx, provider, number)
            publication = await tx.find_contract_publication(version.id)
            if publication is None:
                raise NotFoundError(
                    f"Version {number} of {provider.name} has published no provider contract"
                )
            contract = await tx.find_provider_contract_by_id(publication.contract_version_id)
            assert contract is not None, "kept by foreign keys"
            named = []
            for latest in await tx.latest_publications(provider.id):
                consumer = await tx.find_pacticipant_by_id(latest.consumer_id)
                assert consumer is not None, "kept by foreign keys"
                named.append((consumer, latest))
            named.sort(key=lambda pair: pair[0].name)
            compared = []
            for consumer, latest in named[:limit]:
                pact = await tx.find_pact_version_by_id(latest.pact_version_id)
                consumer_version = await tx.find_version_by_id(latest.consumer_version_id)
                assert pact and consumer_version, "kept by foreign keys"
                comparison = await comparison_of(tx, pact, contract, self._clock, self._work)
                compared.append(
                    ComparedPact(
                        consumer=consumer, consumer_version=consumer_version, comparison=comparison
                    )
                )
            return compared, len(named)

    async def statuses(self, pacts: Sequence[PactVersion]) -> dict[int, ContractStatus]:
        """Each pact content's standing against its provider's newest provider contract.

        Keyed by pact content id; a content whose provider published no contract is left out.
        Reads only: a pair never compared is `not-compared`.
        """
        found: dict[int, ContractStatus] = {}
        async with self._storage.transaction() as tx:
            newest: dict[int, tuple[ProviderContractPublication, Version] | None] = {}
            for pact in pacts:
                if pact.provider_id not in newest:
                    latest = await tx.latest_contract_publications(pact.provider_id, 1)
                    version = (
                        None
                        if not latest
                        else await tx.find_version_by_id(latest[0].provider_version_id)
                    )
                    newest[pact.provider_id] = (
                        None if not latest or version is None else (latest[0], version)
                    )
                held = newest[pact.provider_id]
                if held is None:
                    continue
                publication, version = held
                found[pact.id] = ContractStatus(
                    provider_version=version.number,
                    published_at=publication.updated_at,
                    self_verified=publication.self_verification_success,
                    comparison=await tx.find_comparison(pact.id, publication.contract_version_id),
                )
        return found

    async def comparison(self, comparison_id: int) -> Comparison:
        """A stored comparison."""
        async with self._storage.transaction() as tx:
            found = await tx.find_comparison_by_id(comparison_id)
            if found is None:
                raise NotFoundError(f"No comparison {comparison_id}")
            return found


def _check(request: ContractToPublish) -> None:
    """Validate names, the specification kind and the document, before anything is written."""
    check_name(request.provider, "/provider", "provider name")
    check_name(request.version, "/pacticipantVersionNumber", "version number")
    if request.branch is not None:
        check_name(request.branch, "/branch", "branch name")
    for index, tag in enumerate(request.tags):
        check_name(tag, f"/tags/{index}", "tag")
    if request.specification not in SPECIFICATIONS:
        raise InvalidInputError(
            "The provider contract is not valid",
            [
                FieldError(
                    "/contract/specification",
                    f"{request.specification!r} is not supported; publish an OpenAPI document"
                    " (oas) or an AsyncAPI one (asyncapi)",
                )
            ],
        )
    try:
        request.content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            "The provider contract is not valid",
            [FieldError("/contract/content", "must be UTF-8 text")],
        ) from error


def _notices(
    provider: Pacticipant,
    version: Version,
    request: ContractToPublish,
    compared: list[ComparedPact],
) -> list[Notice]:
    where = f" on branch {request.branch}" if request.branch else ""
    notices = [
        Notice(
            "success",
            f"Published the provider contract of version {version.number} of {provider.name}"
            f"{where}",
        )
    ]
    if request.self_verification_success is None:
        notices.append(
            Notice(
                "warning",
                "No self-verification results came with the contract: can-i-deploy will not"
                " count its comparisons as verified until they do",
            )
        )
    for item in compared:
        pact = f"The pact of version {item.consumer_version.number} of {item.consumer.name}"
        notices.append(
            Notice("success", f"{pact} is compatible with this contract")
            if item.comparison.success
            else Notice(
                "warning",
                f"{pact} is not compatible with this contract: {first_problem(item.comparison)}",
            )
        )
    return notices
