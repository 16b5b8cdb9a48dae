"""What changed in a provider's OpenAPI document since its previous one, and whom it breaks.

The diff and the impact are `verifier.spec_diff` (pure): the changes carry oasdiff's ids and
levels, and each names the consumers whose latest pact touches the changed part. A breaking
(ERR) change that no consumer touches breaks nobody today; the matrix agrees by construction,
since it judges each pact by its comparison with the new document.
"""

from __future__ import annotations

from typing import Protocol

import msgspec

from broker.domain.errors import Notice
from broker.domain.model import Pacticipant, ProviderContract, Version
from broker.services.clock import Clock
from broker.services.document_work import spec_impacts
from broker.services.work import Work, WorkTimeoutError
from broker.storage.interface import Contracts, Pacts, Versions
from verifier.spec_diff import Level


class _Roles(Contracts, Pacts, Versions, Protocol):
    """The storage roles this module's helpers use."""


# How many of the provider's newest distinct documents are searched for the previous one.
_LOOKBACK = 20


class SpecChange(msgspec.Struct, frozen=True, kw_only=True):
    """One change of the document, with the consumers whose pacts touch it.

    `interactions` gives, for each of those consumers, the descriptions of its interactions
    that touch the change.
    """

    id: str
    level: str  # ERR, WARN or INFO
    operation: str
    location: str
    text: str
    consumers: tuple[str, ...]
    interactions: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)

    @property
    def breaks_consumers(self) -> bool:
        """Whether it is breaking (ERR) for at least one consumer's pact."""
        return self.level == Level.ERR.value and bool(self.consumers)


class SpecChanges(msgspec.Struct, frozen=True, kw_only=True):
    """The changes from the previous document (None when this is the provider's first).

    `not_computed` says why the changes are unknown (a document the diff cannot read, or a
    diff over its time budget); `changes` is then empty, which must not read as "none".
    """

    base_version: Version | None
    changes: list[SpecChange]
    not_computed: str | None = None


async def changes_since_previous(
    tx: _Roles,
    provider: Pacticipant,
    version: Version,
    contract: ProviderContract,
    clock: Clock,
    *,
    work: Work,
) -> SpecChanges:
    """Diff the document `version` published against the provider's previous distinct one.

    The previous one is the newest other document published before it; the consumers are
    those of the latest pact of each integration. The diff runs in a worker.
    """
    mine = await tx.find_contract_publication(version.id)
    assert mine is not None, "the version published a document"
    base = next(
        (
            publication
            for publication in await tx.latest_contract_publications(provider.id, _LOOKBACK)
            if publication.id < mine.id and publication.contract_version_id != contract.id
        ),
        None,
    )
    if base is None:
        return SpecChanges(base_version=None, changes=[])
    previous = await tx.find_provider_contract_by_id(base.contract_version_id)
    base_version = await tx.find_version_by_id(base.provider_version_id)
    assert previous is not None and base_version is not None, "kept by foreign keys"
    pacts = []
    for latest in await tx.latest_publications(provider.id):
        content = await tx.find_pact_version_by_id(latest.pact_version_id)
        assert content is not None, "kept by foreign keys"
        pacts.append(content.content)
    try:
        hits, problem = await work.run(
            spec_impacts, previous.content, contract.content, pacts, clock().date()
        )
    except WorkTimeoutError as error:
        hits, problem = [], f"not computed: {error.reason}"
    if problem is not None:
        return SpecChanges(base_version=base_version, changes=[], not_computed=problem)
    return SpecChanges(
        base_version=base_version,
        changes=[
            SpecChange(
                id=hit.change.id,
                level=hit.change.level.value,
                operation=hit.change.operation,
                location=hit.change.location,
                text=hit.change.text,
                consumers=hit.consumers,
                interactions=dict(hit.interactions),
            )
            for hit in hits
        ],
    )


def change_notices(provider: Pacticipant, found: SpecChanges) -> list[Notice]:
    """The notices a publication shows: each breaking change, and whom it breaks."""
    if found.base_version is None:
        return []
    since = f"since version {found.base_version.number} of {provider.name}"
    if found.not_computed is not None:
        return [
            Notice(
                "warning",
                f"The changes to the OpenAPI document {since} are unknown: {found.not_computed}",
            )
        ]
    breaking = [c for c in found.changes if c.level == Level.ERR.value]
    if not breaking:
        return [Notice("info", f"No breaking change to the OpenAPI document {since}")]
    notices = []
    for change in breaking:
        where = f" ({change.operation})" if change.operation else ""
        if change.consumers:
            notices.append(
                Notice(
                    "warning",
                    f"Breaking change {change.id}{where} {since}: {change.text} It affects"
                    f" {', '.join(change.consumers)}.",
                )
            )
        else:
            notices.append(
                Notice(
                    "info",
                    f"Breaking change {change.id}{where} {since}: {change.text} No consumer's"
                    " pact uses it.",
                )
            )
    return notices
