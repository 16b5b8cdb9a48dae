"""can-i-deploy: gathers the facts `broker.domain.matrix.decide` judges (pact-broker-api §12).

For the version asked about, it finds the integrations (the providers its version published
pacts with, and the consumers with pacts against it), the versions of the other side that are
live in the target (every one, for an environment), and for each pair the pact content and the
newest verification of that content by that provider version (`latestby=cvpv`).
"""

from __future__ import annotations

import msgspec

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.matrix import (
    Candidate,
    Decision,
    IgnoreSelector,
    Pairing,
    Target,
    Verified,
    decide,
)
from broker.domain.model import Pacticipant, Version
from broker.services.deployments import live_versions
from broker.services.versions import branch_head
from broker.storage.interface import Storage, Transaction


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
    verification_id: int | None
    success: bool | None
    is_ignored: bool


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """The decision and the rows behind it."""

    decision: Decision
    rows: list[MatrixRow]


class CanIDeployService:
    """Answers "may this version go to that target?"."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def ask(
        self, selector: VersionSelector, target: Target, ignore: list[IgnoreSelector]
    ) -> Answer:
        """Judge one version against everything live in the target."""
        async with self._storage.transaction() as tx:
            pacticipant = await tx.find_pacticipant(selector.pacticipant)
            if pacticipant is None:
                raise InvalidInputError(
                    "The matrix query is not valid",
                    [
                        FieldError(
                            "/q/0/pacticipant", f"no pacticipant named {selector.pacticipant!r}"
                        )
                    ],
                )
            if target.kind == "environment" and (
                target.name is None or await tx.find_environment_by_name(target.name) is None
            ):
                raise InvalidInputError(
                    "The matrix query is not valid",
                    [FieldError("/environment", f"no environment named {target.name!r}")],
                )
            version = await _resolve(tx, pacticipant, selector)
            described = selector.version or _describe(selector)
            if version is None:
                decision = decide(
                    Candidate(pacticipant=pacticipant.name, version=described, exists=False),
                    target,
                    [],
                    ignore,
                )
                return Answer(decision=decision, rows=[])
            pairings, objects = await self._pairings(tx, pacticipant, version, target)
            decision = decide(
                Candidate(pacticipant=pacticipant.name, version=version.number),
                target,
                pairings,
                ignore,
            )
            return Answer(decision=decision, rows=_rows(decision, objects))

    async def between(
        self, selectors: list[VersionSelector], ignore: list[IgnoreSelector]
    ) -> Answer:
        """The matrix between the versions several selectors name (no target).

        Each pact one of them published with another's pacticipant, with that version's
        verification of it.
        """
        async with self._storage.transaction() as tx:
            chosen: list[tuple[Pacticipant, Version]] = []
            for index, selector in enumerate(selectors):
                pacticipant = await tx.find_pacticipant(selector.pacticipant)
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
                version = await _resolve(tx, pacticipant, selector)
                if version is None:
                    missing = Candidate(
                        pacticipant=pacticipant.name,
                        version=selector.version or _describe(selector),
                        exists=False,
                    )
                    return Answer(decision=decide(missing, _VERSIONS, [], ignore), rows=[])
                chosen.append((pacticipant, version))
            pairings: list[Pairing] = []
            objects: Objects = {}
            for consumer, cv in chosen:
                for provider, pv in chosen:
                    if provider.id == consumer.id:
                        continue
                    pairing = await _pairing(tx, consumer, cv, provider, pv)
                    if pairing is not None:
                        pairings.append(pairing)
                        objects[(consumer.name, cv.number, provider.name, pv.number)] = (
                            consumer,
                            cv,
                            provider,
                            pv,
                        )
            first, version = chosen[0]
            decision = decide(
                Candidate(pacticipant=first.name, version=version.number),
                _VERSIONS,
                pairings,
                ignore,
            )
            return Answer(decision=decision, rows=_rows(decision, objects))

    async def _pairings(
        self, tx: Transaction, pacticipant: Pacticipant, version: Version, target: Target
    ) -> tuple[
        list[Pairing],
        dict[tuple[str, str, str, str], tuple[Pacticipant, Version, Pacticipant, Version]],
    ]:
        pairings: list[Pairing] = []
        objects: dict[
            tuple[str, str, str, str], tuple[Pacticipant, Version, Pacticipant, Version]
        ] = {}

        async def pair(
            consumer: Pacticipant, cv: Version, provider: Pacticipant, pv: Version | None
        ) -> None:
            pairing = await _pairing(tx, consumer, cv, provider, pv)
            if pairing is None:
                return
            if pv is not None:
                objects[(consumer.name, cv.number, provider.name, pv.number)] = (
                    consumer,
                    cv,
                    provider,
                    pv,
                )
            pairings.append(pairing)

        # As a consumer: the providers this version published pacts with.
        for publication in await tx.publications_of_consumer_version(version.id):
            provider = await tx.find_pacticipant_by_id(publication.provider_id)
            assert provider is not None
            live: list[Version | None] = list(await _live(tx, provider, target))
            for pv in live or [None]:
                await pair(pacticipant, version, provider, pv)
        # As a provider: the consumers with pacts against it, at their versions in the target.
        for latest in await tx.latest_publications(pacticipant.id):
            consumer = await tx.find_pacticipant_by_id(latest.consumer_id)
            assert consumer is not None
            for cv in await _live(tx, consumer, target):
                await pair(consumer, cv, pacticipant, version)
        return pairings, objects


_VERSIONS = Target(kind="versions")

Objects = dict[tuple[str, str, str, str], tuple[Pacticipant, Version, Pacticipant, Version]]


async def _pairing(
    tx: Transaction, consumer: Pacticipant, cv: Version, provider: Pacticipant, pv: Version | None
) -> Pairing | None:
    """The pact `cv` published for the provider and `pv`'s newest result of it; None if no pact."""
    found = await tx.pact_and_result(cv.id, provider.id, None if pv is None else pv.id)
    if found is None:
        return None
    verified = None
    if found.verification_id is not None and found.success is not None:
        verified = Verified(id=found.verification_id, success=found.success)
    return Pairing(
        consumer=consumer.name,
        consumer_version=cv.number,
        provider=provider.name,
        provider_version=None if pv is None else pv.number,
        pact_sha=found.sha,
        verification=verified,
    )


def _rows(decision: Decision, objects: Objects) -> list[MatrixRow]:
    rows = []
    for row in decision.rows:
        consumer, consumer_version, provider, provider_version = objects[
            (row.consumer, row.consumer_version, row.provider, row.provider_version)
        ]
        rows.append(
            MatrixRow(
                consumer=consumer,
                consumer_version=consumer_version,
                provider=provider,
                provider_version=provider_version,
                pact_sha=row.pact_sha,
                verification_id=row.verification.id if row.verification else None,
                success=row.verification.success if row.verification else None,
                is_ignored=row.is_ignored,
            )
        )
    return rows


async def _resolve(tx: Transaction, pacticipant: Pacticipant, s: VersionSelector) -> Version | None:
    if s.version is not None:
        return await tx.find_version(pacticipant.id, s.version)
    if s.main_branch:
        return (
            None
            if pacticipant.main_branch is None
            else await branch_head(tx, pacticipant, pacticipant.main_branch)
        )
    if s.branch is not None:
        return await branch_head(tx, pacticipant, s.branch)
    return await tx.latest_version(pacticipant.id, s.tag)


def _describe(s: VersionSelector) -> str:
    if s.main_branch:
        return "from the main branch"
    if s.branch is not None:
        return f"from branch {s.branch}"
    if s.tag is not None:
        return f"with tag {s.tag}"
    return "latest"


async def _live(tx: Transaction, pacticipant: Pacticipant, target: Target) -> list[Version]:
    """Every version of the pacticipant the target selects (all of them in an environment)."""
    if target.kind == "environment":
        assert target.name is not None
        environment = await tx.find_environment_by_name(target.name)
        return (
            [] if environment is None else await live_versions(tx, pacticipant.id, environment.uuid)
        )
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
