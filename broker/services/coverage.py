"""The coverage report of a pacticipant: gathers the facts, `domain/coverage.py` judges them.

The version reported on is the one asked for, or else the pacticipant's newest. The baseline,
for the brownfield targets, is the version currently deployed in the environment asked for, or
else in the first production environment (by name); none when nothing is deployed there.

- Its own pacts (as a consumer) are those the version published; its consumers' pacts are each
  integration's latest; its OpenAPI document is the version's, or else its newest one.
- The baseline's points come from the pacts the baseline version published, the pact contents
  it verified as a provider, and its own OpenAPI document.
- A consumer's latest pact counts as verified when the baseline version verified it
  successfully, or, without a baseline, when any provider version did.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from broker.domain.coverage import CoverageReport, Verified, report
from broker.domain.coverage_points import Pact, Point, integration_points
from broker.domain.errors import NotFoundError
from broker.domain.governance import Mode
from broker.domain.model import Environment, Pacticipant, PactPublication, PactVersion, Version
from broker.domain.names import check_name
from broker.domain.test_results import TestRun
from broker.services.audit import audit
from broker.services.clock import Clock, system_clock
from broker.services.governance import Governance
from broker.services.pacticipants import require_pacticipant
from broker.services.versions import require_version
from broker.services.work import InlineWork, Work
from broker.storage.interface import (
    Contracts,
    Deployments,
    Environments,
    GovernanceRecords,
    Pacticipants,
    Pacts,
    Selection,
    Storage,
    TestResults,
    Versions,
)
from verifier.comparison.documents import DocumentError, read_document


class _Roles(
    Contracts,
    Deployments,
    Environments,
    GovernanceRecords,
    Pacticipants,
    Pacts,
    Selection,
    TestResults,
    Versions,
    Protocol,
):
    """The storage roles this module's helpers use."""


MAX_CASES_READ = 20_000
"""The newest test cases of a version the report reads (whole reports, newest first)."""


class Documents(msgspec.Struct, frozen=True, kw_only=True):
    """A version's documents as stored: own pacts, consumers' pacts (texts), OpenAPI text."""

    own: list[Pact]
    consumers: list[Pact]
    openapi: str | None


class CoverageFacts(msgspec.Struct, frozen=True, kw_only=True):
    """All the report needs, gathered in one transaction, for a worker process to judge."""

    pacticipant: str
    version: str | None
    mode: Mode
    environment: str | None
    baseline_version: str | None
    documents: Documents
    baseline_documents: Documents | None
    runs: list[TestRun]
    verified: list[Verified]


def newest_cases(runs: list[TestRun]) -> list[TestRun]:
    """The newest reports holding at most `MAX_CASES_READ` cases together (oldest first)."""
    kept: list[TestRun] = []
    total = 0
    for run in reversed(runs):
        if total + len(run.cases) > MAX_CASES_READ:
            break
        kept.append(run)
        total += len(run.cases)
    return kept[::-1]


def _parsed_json(text: object) -> Any:
    try:
        return msgspec.json.decode(str(text))
    except msgspec.DecodeError:
        return None


def _points(documents: Documents) -> list[Point]:
    def parsed(pacts: list[Pact]) -> list[Pact]:
        return [msgspec.structs.replace(p, document=_parsed_json(p.document)) for p in pacts]

    openapi = None
    if documents.openapi is not None:
        try:
            openapi = read_document(documents.openapi)
        except DocumentError:
            openapi = None
    return integration_points(parsed(documents.own), parsed(documents.consumers), openapi)


def coverage_task(facts: CoverageFacts) -> CoverageReport:
    """The report of the facts: documents parsed, points found and judged (a worker's task)."""
    before = facts.baseline_documents
    return report(
        pacticipant=facts.pacticipant,
        version=facts.version,
        mode=facts.mode,
        environment=facts.environment,
        baseline_version=facts.baseline_version,
        points=_points(facts.documents),
        baseline_points=None if before is None else _points(before),
        runs=facts.runs,
        verified=facts.verified,
    )


async def _name_of(tx: _Roles, pacticipant_id: int, names: dict[int, str]) -> str:
    if pacticipant_id not in names:
        found = await tx.find_pacticipant_by_id(pacticipant_id)
        names[pacticipant_id] = "" if found is None else found.name
    return names[pacticipant_id]


async def _pact(
    tx: _Roles, publication: PactPublication, names: dict[int, str]
) -> tuple[Pact, PactVersion]:
    content = await tx.find_pact_version_by_id(publication.pact_version_id)
    assert content is not None, "kept by foreign keys"
    pact = Pact(
        consumer=await _name_of(tx, publication.consumer_id, names),
        provider=await _name_of(tx, publication.provider_id, names),
        document=publication.document(content),
    )
    return pact, content


async def _openapi(
    tx: _Roles, provider: Pacticipant, version: Version | None, *, newest: bool
) -> str | None:
    publication = None if version is None else await tx.find_contract_publication(version.id)
    if publication is None and newest:
        latest = await tx.latest_contract_publications(provider.id, 1)
        publication = latest[0] if latest else None
    if publication is None:
        return None
    contract = await tx.find_provider_contract_by_id(publication.contract_version_id)
    return None if contract is None else contract.content


async def _own_pacts(tx: _Roles, version: Version | None, names: dict[int, str]) -> list[Pact]:
    if version is None:
        return []
    return [
        (await _pact(tx, publication, names))[0]
        for publication in await tx.publications_of_consumer_version(version.id)
    ]


async def _environment(tx: _Roles, name: str | None) -> Environment | None:
    if name is not None:
        found = await tx.find_environment_by_name(name)
        if found is None:
            raise NotFoundError(f"Environment {name!r} does not exist")
        return found
    production = sorted(
        (e for e in await tx.list_environments() if e.production), key=lambda e: e.name
    )
    return production[0] if production else None


async def _deployed(
    tx: _Roles, pacticipant: Pacticipant, environment: Environment | None
) -> Version | None:
    if environment is None:
        return None
    records = await tx.deployed_versions(
        environment.uuid, pacticipant_id=pacticipant.id, currently_deployed=True
    )
    return None if not records else await tx.find_version_by_id(records[-1].version_id)


async def coverage_facts(
    tx: _Roles,
    mode: Mode,
    pacticipant: Pacticipant,
    subject: Version | None,
    environment: str | None,
) -> CoverageFacts:
    """What the report of `subject` needs, read in the caller's transaction.

    `NotFoundError` for an unknown environment.
    """
    place = await _environment(tx, environment)
    baseline = await _deployed(tx, pacticipant, place)
    names: dict[int, str] = {pacticipant.id: pacticipant.name}

    latest = sorted(
        [
            await _pact(tx, publication, names)
            for publication in await tx.latest_publications(pacticipant.id)
        ],
        key=lambda found: found[0].consumer,
    )
    documents = Documents(
        own=await _own_pacts(tx, subject, names),
        consumers=[pact for pact, _ in latest],
        openapi=await _openapi(tx, pacticipant, subject, newest=True),
    )
    verified = []
    baseline_documents: Documents | None = None
    if baseline is not None:
        results = await tx.verifications_of_provider_version(baseline.id)
        passed = {r.pact_version_id for r in results if r.success}
        contents = await tx.pact_versions_by_ids(sorted({r.pact_version_id for r in results}))
        verified_pacts = [
            Pact(
                consumer=await _name_of(tx, content.consumer_id, names),
                provider=pacticipant.name,
                document=content.content,
            )
            for content in contents
        ]
        baseline_documents = Documents(
            own=await _own_pacts(tx, baseline, names),
            consumers=verified_pacts,
            openapi=await _openapi(tx, pacticipant, baseline, newest=False),
        )
        verified = [
            Verified(
                consumer=pact.consumer,
                verified=content.id in passed,
                by=baseline.number,
            )
            for pact, content in latest
        ]
    else:
        for pact, content in latest:
            results = await tx.verifications_of_pact_version(content.id)
            verified.append(
                Verified(consumer=pact.consumer, verified=any(r.success for r in results))
            )
    runs = [] if subject is None else await tx.test_runs_of_version(subject.id)
    return CoverageFacts(
        pacticipant=pacticipant.name,
        version=None if subject is None else subject.number,
        mode=mode,
        environment=None if place is None else place.name,
        baseline_version=None if baseline is None else baseline.number,
        documents=documents,
        baseline_documents=baseline_documents,
        runs=newest_cases(runs),
        verified=verified,
    )


async def coverage_holds(
    tx: _Roles,
    work: Work,
    *,
    mode: Mode,
    minimum: int | None,
    pacticipant: Pacticipant,
    version: Version,
    environment: str | None,
) -> list[str]:
    """Why can-i-deploy says no for coverage: the version is below its coverage policy.

    Nothing (and no work) without a policy (`minimum`), the default. Against an environment,
    the target of a brownfield `mode` is what changed since the version deployed there.
    """
    if minimum is None:
        return []
    facts = await coverage_facts(tx, mode, pacticipant, version, environment)
    found = await work.run(coverage_task, facts)
    if found.percentage >= minimum:
        return []
    return [
        f"{pacticipant.name} {version.number} covers {found.percentage:g}% of its integration"
        f" test target ({found.covered} of {found.target} points), below its coverage policy"
        f" of {minimum}%"
    ]


class CoverageService:
    """The integration test coverage report of a pacticipant version."""

    def __init__(
        self,
        storage: Storage,
        governance: Governance | None = None,
        *,
        work: Work | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self._storage = storage
        self._governance = governance or Governance()
        self._work: Work = work or InlineWork()
        self._clock = clock

    async def report(
        self,
        pacticipant_name: str,
        *,
        version: str | None,
        environment: str | None,
        browsing: bool = False,
    ) -> CoverageReport:
        """The report; `NotFoundError` for an unknown pacticipant, version or environment.

        `browsing`: for the page (`Storage.browse`); `accord coverage --fail-under`, a gate
        asked right after publishing test results, reads the API's on the primary.
        """
        transaction = self._storage.browse if browsing else self._storage.transaction
        async with transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            mode = await self._governance.mode(tx, pacticipant.name)
            subject = (
                await require_version(tx, pacticipant, version)
                if version is not None
                else await tx.latest_version(pacticipant.id)
            )
            facts = await coverage_facts(tx, mode, pacticipant, subject, environment)
        # Parsing the documents and matching tests to points is CPU work: off the event loop,
        # under the work budget (past it, a 422 naming the budget).
        return await self._work.run(coverage_task, facts)

    async def policy(self, pacticipant_name: str) -> int | None:
        """The pacticipant's coverage policy (the lowest percentage), None when it has none."""
        async with self._storage.transaction() as tx:
            return await tx.coverage_minimum(pacticipant_name)

    async def set_policy(self, pacticipant_name: str, minimum: int | None) -> int | None:
        """Set (or, with None, remove) the pacticipant's coverage policy."""
        check_name(pacticipant_name, "/pacticipant", "pacticipant name")
        async with self._storage.transaction() as tx:
            before = await tx.coverage_minimum(pacticipant_name)
            now = self._clock()
            await tx.save_coverage_minimum(pacticipant_name, minimum, now)
            await audit(
                tx,
                now,
                "coverage-policy.set",
                f"coverage-policy:{pacticipant_name}",
                None if before is None else str(before),
                None if minimum is None else str(minimum),
                pacticipant_name,
            )
            return minimum
