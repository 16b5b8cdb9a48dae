"""The SQL of verification results, shared by both adapters.

`?` placeholders, as in `pact_queries`; `pact_queries.numbered` converts them for PostgreSQL.
"""

from __future__ import annotations

INSERT_VERIFICATION = (
    "INSERT INTO verifications (pact_version_id, consumer_id, provider_id, provider_version_id,"
    " success, build_url, test_results, verified_by, metadata, wip, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *"
)
FIND_VERIFICATION = "SELECT * FROM verifications WHERE id = ?"
LATEST_VERIFICATION = (
    "SELECT * FROM verifications WHERE pact_version_id = ? ORDER BY id DESC LIMIT 1"
)
VERIFICATIONS_OF_PACT_VERSION = (
    "SELECT * FROM verifications WHERE pact_version_id = ? ORDER BY id DESC"
)
VERIFICATIONS_OF_PROVIDER_VERSION = (
    "SELECT * FROM verifications WHERE provider_version_id = ? ORDER BY id DESC"
)
