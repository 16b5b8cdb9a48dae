"""What the provider contract pages show, gathered from the services (no HTTP).

A provider's published documents (one per version, newest first), and one version's: the
document outlined and as published, how each consumer's latest pact fares against it (the
comparison's findings: code, where in the pact and the document, message), and what changed
since the provider's previous document with the consumers each change touches.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from broker.domain.model import Pacticipant, Page
from broker.http.context import Services
from broker.services.provider_contracts import ContractDocument, PublishedVersion
from broker.services.spec_changes import SpecChange, SpecChanges

CONTRACTS_PER_PAGE = 20
# The published text shown in the page at most; the API serves the whole document.
MAX_SHOWN_CHARACTERS = 200_000
# The findings shown per consumer at most (a pact of many interactions can have thousands).
MAX_FINDINGS = 200


class FindingView(msgspec.Struct, frozen=True, kw_only=True):
    """One finding of a comparison, as a reader wants it."""

    type: str  # error, warning or info
    code: str
    message: str
    interaction: str  # the pact interaction's description ("" when none is named)
    pact_location: str  # `[root].interactions[0].response.status`
    spec_location: str  # `[root].paths./users/{id}.get.responses`


class ConsumerComparison(msgspec.Struct, frozen=True, kw_only=True):
    """How one consumer's latest pact fares against the document."""

    consumer: str
    consumer_version: str
    comparison_id: int
    success: bool
    findings: list[FindingView]
    finding_total: int

    @property
    def error_count(self) -> int:
        """How many of the shown findings are errors."""
        return sum(f.type == "error" for f in self.findings)


class ContractListView(msgspec.Struct, frozen=True, kw_only=True):
    """A provider and one page of the versions that published a document."""

    provider: Pacticipant
    published: list[PublishedVersion]
    total: int
    page: Page

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.page.size))


class ContractView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the page of one provider version's document shows."""

    document: ContractDocument
    shown_text: str
    is_truncated: bool
    self_verification: dict[str, Any] | None
    comparisons: list[ConsumerComparison]
    consumer_total: int  # consumers with a pact with the provider; the first ones are compared
    changes: SpecChanges

    @property
    def breaking(self) -> list[SpecChange]:
        """The breaking (ERR) changes, those touching a consumer first."""
        found = [c for c in self.changes.changes if c.level == "ERR"]
        return sorted(found, key=lambda c: not c.consumers)

    @property
    def other_changes(self) -> list[SpecChange]:
        """The changes that break no client (WARN and INFO)."""
        return [c for c in self.changes.changes if c.level != "ERR"]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _details(finding: dict[str, Any], member: str) -> dict[str, Any]:
    value = finding.get(member)
    return value if isinstance(value, dict) else {}


def read_findings(findings: str, limit: int = MAX_FINDINGS) -> tuple[list[FindingView], int]:
    """A comparison's stored findings (openapi-pact-comparator's JSON array) for reading.

    Errors come first, then warnings, then the rest, each in the comparator's order; at most
    `limit` of them, with how many there are. Members of an unexpected type read as "".
    """
    try:
        parsed = json.loads(findings)
    except ValueError:
        parsed = []
    items = [f for f in parsed if isinstance(f, dict)] if isinstance(parsed, list) else []
    rank = {"error": 0, "warning": 1}
    ordered = sorted(items, key=lambda f: rank.get(_text(f.get("type")), 2))
    shown = []
    for finding in ordered[:limit]:
        mock, spec = _details(finding, "mockDetails"), _details(finding, "specDetails")
        shown.append(
            FindingView(
                type=_text(finding.get("type")) or "info",
                code=_text(finding.get("code")),
                message=_text(finding.get("message")),
                interaction=_text(mock.get("interactionDescription")),
                pact_location=_text(mock.get("location")),
                spec_location=_text(spec.get("location")),
            )
        )
    return shown, len(items)


def shown_document(content: str, limit: int = MAX_SHOWN_CHARACTERS) -> tuple[str, bool]:
    """The document's text as the page shows it (at most `limit` characters), and if cut."""
    if len(content) <= limit:
        return content, False
    return content[:limit], True


async def contract_list_view(services: Services, provider: str, page: Page) -> ContractListView:
    """The versions of `provider` that published a document, newest first.

    Raises:
        NotFoundError: no pacticipant by that name.
    """
    found, published, total = await services.provider_contracts.published_versions(provider, page)
    return ContractListView(provider=found, published=published, total=total, page=page)


async def contract_view(services: Services, provider: str, version: str) -> ContractView:
    """The document `version` of `provider` published, its comparisons and its changes.

    Raises:
        NotFoundError: no such pacticipant or version, or the version published no document.
    """
    document = await services.provider_contracts.document(provider, version)
    name, number = document.provider.name, document.version.number
    compared, consumer_total = await services.provider_contracts.compared(name, number)
    _, changes = await services.provider_contracts.changes(name, number)
    comparisons = []
    for item in compared:
        findings, total = read_findings(item.comparison.findings)
        comparisons.append(
            ConsumerComparison(
                consumer=item.consumer.name,
                consumer_version=item.consumer_version.number,
                comparison_id=item.comparison.id,
                success=item.comparison.success,
                findings=findings,
                finding_total=total,
            )
        )
    raw_results = document.publication.self_verification
    results = None if raw_results is None else json.loads(raw_results)
    text, is_truncated = shown_document(document.contract.content)
    return ContractView(
        document=document,
        shown_text=text,
        is_truncated=is_truncated,
        self_verification=results if isinstance(results, dict) else None,
        comparisons=comparisons,
        consumer_total=consumer_total,
        changes=changes,
    )
