"""Bi-directional verification: a consumer's pact checked against its provider's document.

The document is OpenAPI (for HTTP interactions) or AsyncAPI (for message interactions).

The check itself is `verifier.comparison` (pure, cached by document hash); this module finds
what to compare and keeps each outcome once per (pact content, document). Comparisons run when
either side is published, and on demand when can-i-deploy meets a pair not yet compared.
"""

from __future__ import annotations

import json
from typing import Protocol

import msgspec

from broker.domain.model import (
    Comparison,
    PactVersion,
    ProviderContract,
    ProviderContractPublication,
)
from broker.services.clock import Clock
from broker.services.document_work import compare_contract, failed_findings
from broker.services.work import Work, WorkTimeoutError
from broker.storage.interface import Contracts, Pacts


class _Roles(Contracts, Pacts, Protocol):
    """The storage roles this module's helpers use."""


# The code of a comparison that ran over its time budget: recorded as failed, so the gate
# never reads a comparison it could not finish as a success.
NOT_COMPUTED = "comparison.not-computed"

# How many of a provider's newest distinct documents a newly published pact is compared with.
RECENT_DOCUMENTS = 5


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    """What a comparison means for the matrix: the comparison and the provider's own tests."""

    comparison: Comparison
    self_verified: bool | None

    @property
    def success(self) -> bool | None:
        """The matrix's verdict on the pair.

        True when the pact fits the document and the provider's own tests passed; False when
        either failed; None when the provider published no self-verification results.
        """
        if not self.comparison.success or self.self_verified is False:
            return False
        return None if self.self_verified is None else True


async def check(work: Work, document: ProviderContract, pact: PactVersion) -> tuple[bool, str]:
    """Compare a pact content with a document in a worker: (no error found, findings as JSON).

    A comparison that runs over the work's time budget is a failure whose one finding says
    it was not computed: it took too long.
    """
    try:
        return await work.run(compare_contract, document.content, pact.content)
    except WorkTimeoutError as error:
        return False, failed_findings(f"not computed: {error.reason}", NOT_COMPUTED)


async def comparison_of(
    tx: Contracts, pact: PactVersion, document: ProviderContract, clock: Clock, work: Work
) -> Comparison:
    """The stored comparison of the pair, made now (in a worker) if it was never made."""
    found = await tx.find_comparison(pact.id, document.id)
    if found is not None:
        return found
    success, findings = await check(work, document, pact)
    return await tx.save_comparison(
        pact.id, document.id, success=success, findings=findings, now=clock()
    )


async def verdict_for(
    tx: _Roles, pact_version_id: int, provider_version_id: int, clock: Clock, work: Work
) -> Verdict | None:
    """The bi-directional verdict of a provider version on a pact content.

    None when the provider version published no document; the pair is compared first when
    that was never done.
    """
    publication = await tx.find_contract_publication(provider_version_id)
    if publication is None:
        return None
    comparison = await tx.find_comparison(pact_version_id, publication.contract_version_id)
    if comparison is None:
        pact = await tx.find_pact_version_by_id(pact_version_id)
        document = await tx.find_provider_contract_by_id(publication.contract_version_id)
        assert pact is not None and document is not None, "kept by foreign keys"
        comparison = await comparison_of(tx, pact, document, clock, work)
    return Verdict(comparison=comparison, self_verified=publication.self_verification_success)


async def compare_new_pact(
    tx: _Roles, pact: PactVersion, clock: Clock, work: Work
) -> list[tuple[ProviderContractPublication, ProviderContract, Comparison]]:
    """Compare a newly published pact content with its provider's newest documents."""
    results = []
    for publication in await tx.latest_contract_publications(pact.provider_id, RECENT_DOCUMENTS):
        document = await tx.find_provider_contract_by_id(publication.contract_version_id)
        assert document is not None, "kept by foreign keys"
        comparison = await comparison_of(tx, pact, document, clock, work)
        results.append((publication, document, comparison))
    return results


def first_problem(comparison: Comparison) -> str:
    """The first error of a failed comparison in words: its code and the interaction."""
    findings = json.loads(comparison.findings)
    for finding in findings:
        if finding.get("type") == "error":
            where = finding.get("mockDetails", {}).get("interactionDescription")
            about = f" in the interaction {where!r}" if where else ""
            count = sum(f.get("type") == "error" for f in findings)
            more = f" (and {count - 1} more)" if count > 1 else ""
            causes = finding.get("causes") or []
            cause = causes[0] if causes and isinstance(causes[0], dict) else None
            why = (
                ""
                if cause is None
                else f" First cause: {cause.get('code')} at"
                f" {cause.get('mockDetails', {}).get('location')}: {cause.get('message')}"
            )
            return f"{finding.get('code')}{about}: {finding.get('message')}{why}{more}"
    return "no error"
