"""Row mapping of provider contracts, their publications and comparisons, for either driver."""

from __future__ import annotations

from broker.domain.model import Comparison, ProviderContract, ProviderContractPublication
from broker.storage.driver import Row, moment


def contract(row: Row) -> ProviderContract:
    """A `provider_contract_versions` row."""
    return ProviderContract(
        id=row["id"],
        provider_id=row["provider_id"],
        sha=row["sha"],
        content=row["content"],
        content_type=row["content_type"],
        specification=row["specification"],
        created_at=moment(row["created_at"]),
    )


def contract_publication(row: Row) -> ProviderContractPublication:
    """A `provider_contract_publications` row (SQLite keeps booleans as 0 or 1)."""
    success = row["self_verification_success"]
    return ProviderContractPublication(
        id=row["id"],
        provider_id=row["provider_id"],
        provider_version_id=row["provider_version_id"],
        contract_version_id=row["contract_version_id"],
        self_verification_success=None if success is None else bool(success),
        self_verification=row["self_verification"],
        created_at=moment(row["created_at"]),
        updated_at=moment(row["updated_at"]),
    )


def comparison(row: Row) -> Comparison:
    """A `comparisons` row."""
    return Comparison(
        id=row["id"],
        pact_version_id=row["pact_version_id"],
        contract_version_id=row["contract_version_id"],
        success=bool(row["success"]),
        findings=row["findings"],
        created_at=moment(row["created_at"]),
    )
