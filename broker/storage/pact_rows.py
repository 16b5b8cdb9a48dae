"""Row mapping of versions, for either driver's rows."""

from __future__ import annotations

from broker.domain.model import Version
from broker.storage.driver import Row, moment


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
