"""The SQL of provider contracts and comparisons, shared by both adapters.

`?` placeholders; `pact_queries.numbered` converts them for PostgreSQL.
"""

from __future__ import annotations

FIND_CONTRACT = "SELECT * FROM provider_contract_versions WHERE provider_id = ? AND sha = ?"
FIND_CONTRACT_BY_ID = "SELECT * FROM provider_contract_versions WHERE id = ?"
INSERT_CONTRACT = (
    "INSERT INTO provider_contract_versions"
    " (provider_id, sha, content, content_type, specification, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (provider_id, sha) DO NOTHING"
)
FIND_PUBLICATION = "SELECT * FROM provider_contract_publications WHERE provider_version_id = ?"
# One document per provider version: publishing again replaces it and its self-verification.
UPSERT_PUBLICATION = (
    "INSERT INTO provider_contract_publications (provider_id, provider_version_id,"
    " contract_version_id, self_verification_success, self_verification, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (provider_version_id) DO UPDATE SET"
    " contract_version_id = excluded.contract_version_id,"
    " self_verification_success = excluded.self_verification_success,"
    " self_verification = excluded.self_verification, updated_at = excluded.updated_at"
    " RETURNING *"
)
# The newest publication of each distinct document of a provider, newest first.
LATEST_CONTRACTS_OF_PROVIDER = (
    "SELECT * FROM provider_contract_publications p WHERE p.provider_id = ? AND p.id IN ("
    " SELECT max(id) FROM provider_contract_publications WHERE provider_id = ?"
    " GROUP BY contract_version_id) ORDER BY p.id DESC LIMIT ?"
)
FIND_COMPARISON = "SELECT * FROM comparisons WHERE pact_version_id = ? AND contract_version_id = ?"
FIND_COMPARISON_BY_ID = "SELECT * FROM comparisons WHERE id = ?"
INSERT_COMPARISON = (
    "INSERT INTO comparisons (pact_version_id, contract_version_id, success, findings, created_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pact_version_id, contract_version_id) DO NOTHING"
)
