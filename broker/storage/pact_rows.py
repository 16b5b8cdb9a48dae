"""Row mapping of versions, pact versions, publications and results, for either driver's rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from broker.domain.model import PactPublication, PactVersion, Verification, Version


class Row(Protocol):
    """What `sqlite3.Row` and `asyncpg.Record` have in common: values by column name."""

    def __getitem__(self, key: str, /) -> Any:
        """The value of a column."""
        ...


def moment(value: datetime | str) -> datetime:
    """A stored time: SQLite hands back the ISO text the adapter wrote, asyncpg a datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def version(row: Row) -> Version:
    """A `versions` row."""
    return Version(
        id=row["id"],
        pacticipant_id=row["pacticipant_id"],
        number=row["number"],
        build_url=row["build_url"],
        created_at=moment(row["created_at"]),
        updated_at=moment(row["updated_at"]),
    )


def pact_version(row: Row) -> PactVersion:
    """A `pact_versions` row."""
    return PactVersion(
        id=row["id"],
        consumer_id=row["consumer_id"],
        provider_id=row["provider_id"],
        sha=row["sha"],
        content=row["content"],
        created_at=moment(row["created_at"]),
    )


def publication(row: Row) -> PactPublication:
    """A `pact_publications` row."""
    return PactPublication(
        id=row["id"],
        consumer_id=row["consumer_id"],
        provider_id=row["provider_id"],
        consumer_version_id=row["consumer_version_id"],
        pact_version_id=row["pact_version_id"],
        revision=row["revision"],
        created_at=moment(row["created_at"]),
        updated_at=moment(row["updated_at"]),
        content=row["content"],
    )


def verification(row: Row) -> Verification:
    """A `verifications` row (SQLite keeps the boolean as 0 or 1)."""
    return Verification(
        id=row["id"],
        pact_version_id=row["pact_version_id"],
        consumer_id=row["consumer_id"],
        provider_id=row["provider_id"],
        provider_version_id=row["provider_version_id"],
        success=bool(row["success"]),
        build_url=row["build_url"],
        test_results=row["test_results"],
        verified_by=row["verified_by"],
        metadata=row["metadata"],
        wip=bool(row["wip"]),
        created_at=moment(row["created_at"]),
    )
