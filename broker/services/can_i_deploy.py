"""can-i-deploy: gathers the facts `broker.domain.matrix.decide` judges (pact-broker-api §12).

For the version asked about, it finds the integrations (the providers its version published
pacts with, and the consumers with pacts against it), the versions of the other side that are
live in the target (every one, for an environment), and for each pair the pact content and the
newest verification of that content by that provider version (`latestby=cvpv`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.governance import governed
from broker.domain.matrix import (
    Candidate,
    Decision,
    IgnoreSelector,
    Pairing,
    Target,
    Verified,
    decide,
)
from broker.domain.model import Environment, Pacticipant, Version
from broker.services.clock import Clock, system_clock
from broker.services.comparisons import first_problem, verdict_for
from broker.services.coverage import coverage_holds
from broker.services.governance import Governance
from broker.services.versions import branch_head
from broker.services.work import InlineWork, Work
from broker.storage.interface import (
    Candidacy,
    Counterparts,
    Deployments,
    Environments,
    GovernanceRecords,
    PactAndResult,
    Pacticipants,
    Selection,
    Storage,
    Transaction,
    Versions,
)


class VersionSelector(msgspec.Struct, frozen=True, kw_only=True):
    """`q[][…]`: which version of a pacticipant is asked about."""

    pacticipant: str
    version: str | None = None
    branch: str | None = None
    tag: str | None = None
    latest: bool = False
    main_branch: bool = False


class MatrixRow(msgspec.Struct, frozen=True, kw_only=True):
    """A judged row with the stored objects the HTTP layer links to."""

    consumer: Pacticipant
    consumer_version: Version
    provider: Pacticipant
    provider_version: Version
    pact_sha: str
    pact_created_at: datetime
    verification_id: int | None
    verification_kind: str | None  # "CDCT" (replayed) or "BDCT" (compared with the OpenAPI)
    success: bool | None
    verified_at: datetime | None
    is_ignored: bool


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """The decision and the rows behind it."""

    decision: Decision
    rows: list[MatrixRow]


VERSIONS_ONLY = Target(kind="versions")


class CanIDeployService:
    """Answers "may this version go to that target?" and "what is between these versions?"."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock = system_clock,
        *,
        governance: Governance | None = None,
        work: Work | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._governance = governance or Governance()
        self._work: Work = work or InlineWork()

    async def ask(
        self, selector: VersionSelector, target: Target, ignore: list[IgnoreSelector]
    ) -> Answer:
        """Judge one version against everything live in the target."""
        return await self.judge([selector], target, ignore)

    async def between(
        self, selectors: list[VersionSelector], ignore: list[IgnoreSelector]
    ) -> Answer:
        """The matrix between the versions several selectors name (no target)."""
        return await self.judge(selectors, VERSIONS_ONLY, ignore)

    async def judge(
        self, selectors: list[VersionSelector], target: Target, ignore: list[IgnoreSelector]
    ) -> Answer:
        """Judge the selected versions together against the target (§12.2).

        Integrations between two selected pacticipants use the selected versions; the others
        use every version of the other side live in the target (none for `VERSIONS_ONLY`).
        The first selector is the candidate the sentences speak of.
        """
        async with self._storage.transaction() as tx:
            environment, candidacy = await _environment_and_first(tx, selectors, target)
            if target.kind == "environment" and environment is None:
                raise InvalidInputError(
                    "The matrix query is not valid",
                    [FieldError("/environment", f"no environment named {target.name!r}")],
                )
            chosen: dict[int, tuple[Pacticipant, Version]] = {}
            for index, selector in enumerate(selectors):
                pacticipant, version = (
                    (candidacy.named or (None, None))
                    if index == 0 and candidacy is not None
                    else await _find(tx, selector)
                )
                if pacticipant is None:
                    raise InvalidInputError(
                        "The matrix query is not valid",
                        [
                            FieldError(
                                f"/q/{index}/pacticipant",
                                f"no pacticipant named {selector.pacticipant!r}",
                            )
                        ],
                    )
                if version is None:
                    missing = Candidate(
                        pacticipant=pacticipant.name,
                        version=selector.version or _describe(selector),
                        exists=False,
                    )
                    return Answer(decision=decide(missing, target, [], ignore), rows=[])
                chosen.setdefault(pacticipant.id, (pacticipant, version))
            gathered = _Gathered(tx, self._clock, self._work)
            for index, (pacticipant, version) in enumerate(chosen.values()):
                known = candidacy.counterparts if index == 0 and candidacy is not None else None
                await _gather(gathered, pacticipant, version, chosen, target, environment, known)
            first, version = next(iter(chosen.values()))
            decision = decide(
                Candidate(pacticipant=first.name, version=version.number),
                target,
                gathered.pairings,
                ignore,
            )
            holds: list[str] = []
            warnings: list[str] = []
            for index, (pacticipant, selected) in enumerate(chosen.values()):
                read = candidacy.standing if index == 0 and candidacy is not None else None
                standing = await self._governance.standing(tx, pacticipant, selected, read)
                holds += standing.holds
                holds += await coverage_holds(
                    tx,
                    self._work,
                    mode=standing.mode,
                    minimum=standing.coverage_minimum,
                    pacticipant=pacticipant,
                    version=selected,
                    environment=target.name if target.kind == "environment" else None,
                )
                warnings += standing.warnings
            decision = governed(decision, holds, warnings)
            return Answer(decision=decision, rows=_rows(decision, gathered.facts))


class _Facts(msgspec.Struct, frozen=True):
    consumer: Pacticipant
    consumer_version: Version
    provider: Pacticipant
    provider_version: Version | None
    found: PactAndResult


Key = tuple[str, str, str, str | None]


class _Gathered:
    """The pairings found so far, once each, with the stored objects behind them."""

    def __init__(self, tx: Transaction, clock: Clock, work: Work) -> None:
        self.tx = tx
        self.clock = clock
        self.work = work
        self.pairings: list[Pairing] = []
        self.facts: dict[Key, _Facts] = {}

    async def pair_all(
        self, planned: list[tuple[Pacticipant, Version, Pacticipant, Version | None]]
    ) -> None:
        """Add, in order, the pact each `cv` holds with its provider and `pv`'s newest result.

        One statement whatever the number of pairs: the pacts, their results and which provider
        versions published a document, in one batched read of the maintained facts; only pairs
        without a replayed result whose provider version published a document read their
        comparison.
        """
        fresh = []
        for consumer, cv, provider, pv in planned:
            key = (consumer.name, cv.number, provider.name, None if pv is None else pv.number)
            if key not in self.facts:
                fresh.append((key, consumer, cv, provider, pv))
        if not fresh:
            return
        found_all = await self.tx.pacts_and_results(
            [
                (cv.id, provider.id, None if pv is None else pv.id)
                for _, _, cv, provider, pv in fresh
            ]
        )
        for key, consumer, cv, provider, pv in fresh:
            if key in self.facts:
                continue
            found = found_all.get((cv.id, provider.id, None if pv is None else pv.id))
            if found is None:
                continue
            self.facts[key] = _Facts(consumer, cv, provider, pv, found)
            verified = None
            because = None
            if found.verification_id is not None and found.success is not None:
                verified = Verified(id=found.verification_id, success=found.success)
            elif pv is not None and found.documented:
                verified, because = await self._bidirectional(found, provider, pv)
            self.pairings.append(
                Pairing(
                    consumer=consumer.name,
                    consumer_version=cv.number,
                    provider=provider.name,
                    provider_version=None if pv is None else pv.number,
                    pact_sha=found.sha,
                    verification=verified,
                    unverified_because=because,
                )
            )

    async def _bidirectional(
        self, found: PactAndResult, provider: Pacticipant, pv: Version
    ) -> tuple[Verified | None, str | None]:
        """The comparison with the document `pv` published, when it was not replayed."""
        verdict = await verdict_for(self.tx, found.pact_version_id, pv.id, self.clock, self.work)
        if verdict is None:
            return None, None
        if verdict.success is None:
            return None, (
                f"the version {pv.number} of {provider.name} published an OpenAPI document"
                " without self-verification results"
            )
        problem = (
            "its own tests (self-verification) failed"
            if verdict.comparison.success
            else first_problem(verdict.comparison)
        )
        verified = Verified(
            id=verdict.comparison.id, success=verdict.success, kind="BDCT", problem=problem
        )
        return verified, None


async def _gather(  # noqa: PLR0917 - the selection and where it goes
    gathered: _Gathered,
    pacticipant: Pacticipant,
    version: Version,
    chosen: dict[int, tuple[Pacticipant, Version]],
    target: Target,
    environment: Environment | None,
    known: Counterparts | None = None,
) -> None:
    """Pair one selected version with the other side of each of its integrations.

    The pairs are planned first (the other sides' pacticipants and live versions read in
    batches, or `known` from `find_candidacy`), then read at once, in the order they were
    always judged in.
    """
    tx = gathered.tx
    # As a consumer: the providers this version published pacts with (required). As a
    # provider: the consumers with pacts against it, at their versions in the target.
    live: dict[int, list[Version]]
    if target.kind == "environment" and environment is not None:
        # With their versions in the environment, in the same statement.
        providers, consumers, live = known or await tx.counterparts_live_in(
            pacticipant.id, version.id, environment.uuid
        )
    else:
        providers, consumers = await tx.counterparts(pacticipant.id, version.id)
        others: list[Pacticipant] = []
        if target.kind != "versions":
            others = [p for p in (*providers, *consumers) if p.id not in chosen]
        live = await _live_of(tx, list({p.id: p for p in others}.values()), target, environment)
    planned: list[tuple[Pacticipant, Version, Pacticipant, Version | None]] = []
    for provider in providers:
        if provider.id in chosen:
            selected, pv = chosen[provider.id]
            planned.append((pacticipant, version, selected, pv))
            continue
        if target.kind == "versions":
            continue
        live_versions_: list[Version | None] = list(live.get(provider.id, []))
        planned += [(pacticipant, version, provider, v) for v in live_versions_ or [None]]
    for consumer in consumers:
        if consumer.id in chosen:
            selected, cv = chosen[consumer.id]
            planned.append((selected, cv, pacticipant, version))
            continue
        if target.kind == "versions":
            continue
        planned += [(consumer, cv, pacticipant, version) for cv in live.get(consumer.id, [])]
    await gathered.pair_all(planned)


def _rows(decision: Decision, facts: dict[Key, _Facts]) -> list[MatrixRow]:
    rows = []
    for row in decision.rows:
        fact = facts[(row.consumer, row.consumer_version, row.provider, row.provider_version)]
        assert fact.provider_version is not None, "rows have a provider version"
        rows.append(
            MatrixRow(
                consumer=fact.consumer,
                consumer_version=fact.consumer_version,
                provider=fact.provider,
                provider_version=fact.provider_version,
                pact_sha=row.pact_sha,
                pact_created_at=fact.found.published_at,
                verification_id=row.verification.id if row.verification else None,
                verification_kind=row.verification.kind if row.verification else None,
                success=row.verification.success if row.verification else None,
                verified_at=(
                    fact.found.verified_at
                    if row.verification and row.verification.kind == "CDCT"
                    else None
                ),
                is_ignored=row.is_ignored,
            )
        )
    return rows


class _TargetReads(Deployments, Environments, Selection, Versions, Protocol):
    """What finding the versions a target selects reads."""


class _SelectorReads(Environments, GovernanceRecords, Pacticipants, Versions, Protocol):
    """What finding the version a selector names reads."""


async def _environment_and_first(
    tx: _SelectorReads, selectors: list[VersionSelector], target: Target
) -> tuple[Environment | None, Candidacy | None]:
    """The target's environment, and (when one statement reads them) the first selection.

    can-i-deploy asks for one version into an environment: the environment, the pacticipant,
    its version and the version's standing are then one read. Otherwise the first selection
    is left to `_find`.
    """
    if target.kind != "environment" or target.name is None:
        return None, None
    if selectors and selectors[0].version is not None:
        candidacy = await tx.find_candidacy(
            target.name, selectors[0].pacticipant, selectors[0].version
        )
        return candidacy.environment, candidacy
    return await tx.find_environment_by_name(target.name), None


async def _find(
    tx: _SelectorReads, s: VersionSelector
) -> tuple[Pacticipant | None, Version | None]:
    """The selector's pacticipant (None if unknown) and the version it selects (None if none)."""
    if s.version is not None:
        return await tx.find_named_version(s.pacticipant, s.version) or (None, None)
    if s.main_branch or s.branch is not None:
        branch = None if s.main_branch else s.branch
        return await tx.find_named_branch_head(s.pacticipant, branch) or (None, None)
    pacticipant = await tx.find_pacticipant(s.pacticipant)
    if pacticipant is None:
        return None, None
    return pacticipant, await tx.latest_version(pacticipant.id, s.tag)


def _describe(s: VersionSelector) -> str:
    if s.main_branch:
        return "from the main branch"
    if s.branch is not None:
        return f"from branch {s.branch}"
    if s.tag is not None:
        return f"with tag {s.tag}"
    return "latest"


async def _live_of(
    tx: _TargetReads,
    pacticipants: list[Pacticipant],
    target: Target,
    environment: Environment | None,
) -> dict[int, list[Version]]:
    """Per pacticipant, every version of it the target selects (all of them in an environment).

    An environment's are one read of the maintained live versions for all the pacticipants.
    """
    if not pacticipants or target.kind == "versions":
        return {}
    if target.kind == "environment":
        if environment is None:
            return {}
        return await tx.live_in_environment(environment.uuid, [p.id for p in pacticipants])
    found: dict[int, list[Version]] = {}
    for pacticipant in pacticipants:
        found[pacticipant.id] = await _live(tx, pacticipant, target)
    return found


async def _live(tx: _TargetReads, pacticipant: Pacticipant, target: Target) -> list[Version]:
    """Every version of the pacticipant a tag, main-branch or latest target selects."""
    if target.kind == "tag":
        tagged = await tx.latest_version(pacticipant.id, target.name)
        return [tagged] if tagged else []
    if target.kind == "main_branch":
        if pacticipant.main_branch is None:
            return []
        head = await branch_head(tx, pacticipant, pacticipant.main_branch)
        return [head] if head else []
    latest = await tx.latest_version(pacticipant.id)
    return [latest] if latest else []
