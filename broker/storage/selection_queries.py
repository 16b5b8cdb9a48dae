"""The SQL behind pacts-for-verification, the matrix and can-i-deploy, shared by both adapters.

These read many rows per request, so each is one statement over a list of ids rather than one
statement per id: a statement costs a thread hop (SQLite) or a round trip (PostgreSQL) of about
0.1 ms, which dominated these requests. `?` placeholders as in `pact_queries`; `in_list(n)`
writes `IN (?, ?, …)`; `pact_queries.numbered` converts for PostgreSQL. ARCHITECTURE.md shows
the query plans.
"""

from __future__ import annotations

from collections.abc import Sequence


def in_list(count: int) -> str:
    """`(?, ?, …)` with `count` placeholders (at least one, so an empty list matches nothing)."""
    return "(" + ", ".join("?" for _ in range(max(count, 1))) + ")"


# Id lists longer than this are read in several statements (both databases cap the number of
# parameters of one statement, at 32,766 and 32,767).
CHUNK = 5000


def chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    """`ids` in slices of at most `CHUNK`; one empty slice for an empty list."""
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)] or [ids]


def padded(ids: Sequence[int]) -> Sequence[int]:
    """The ids, or an id that matches nothing to fill the placeholder an empty list gets."""
    return ids or (0,)


INSERT_INTEGRATION = (
    "INSERT INTO integrations (consumer_id, provider_id, created_at) VALUES (?, ?, ?)"
    " ON CONFLICT (consumer_id, provider_id) DO NOTHING"
)

# The pacts several consumer versions hold with one provider.
PUBLICATIONS_OF_VERSIONS = (
    "SELECT * FROM pact_publications WHERE provider_id = ? AND consumer_version_id IN {ids}"
)
PACT_VERSIONS = "SELECT * FROM pact_versions WHERE id IN {ids}"
VERSIONS = "SELECT * FROM versions WHERE id IN {ids}"

# A provider version's newest result for a pact content
# (index verifications_by_pact_and_provider_version).
LATEST_VERIFICATION_BY = (
    "SELECT * FROM verifications WHERE pact_version_id = ? AND provider_version_id = ?"
    " ORDER BY id DESC LIMIT 1"
)

# The pact a consumer version holds with a provider (its content's sha) and a provider
# version's newest result for that content, without reading the content itself.
PACT_AND_RESULT = (
    "SELECT pv.sha, pv.id AS pact_version_id, pp.created_at AS published_at,"
    " v.id AS verification_id, v.success,"
    " v.created_at AS verified_at FROM pact_publications pp"
    " JOIN pact_versions pv ON pv.id = pp.pact_version_id"
    " LEFT JOIN verifications v ON v.id = (SELECT max(x.id) FROM verifications x"
    "   WHERE x.pact_version_id = pp.pact_version_id AND x.provider_version_id = ?)"
    " WHERE pp.consumer_version_id = ? AND pp.provider_id = ?"
)

# For each pact content: has a version of the provider branch verified it successfully, and
# when was its first successful result? `{wip}` is empty (pending status counts every success)
# or WITHOUT_WIP (leaving out results of WIP verifications, for WIP selection). The EXISTS walks the
# content's results, probing the branch for each, and stops at the first on the branch (driving
# it from the branch's versions instead, as SQLite chose for a join, probed thousands of rows
# for a content the branch never verified); the first success walks the results in id (time)
# order and stops at the first.
SUCCESS_FACTS = (
    "SELECT pv.id AS pact_version_id,"
    " EXISTS (SELECT 1 FROM verifications v"
    "   WHERE v.pact_version_id = pv.id AND v.success {wip} AND EXISTS ("
    "     SELECT 1 FROM branch_versions bv"
    "     WHERE bv.version_id = v.provider_version_id AND bv.branch_id = ?)) AS on_branch,"
    " (SELECT v.created_at FROM verifications v"
    "   WHERE v.pact_version_id = pv.id AND v.success {wip}"
    "   ORDER BY v.id LIMIT 1) AS first_success_at"
    " FROM pact_versions pv WHERE pv.id IN {ids}"
)
WITHOUT_WIP = "AND NOT v.wip"


def success_facts_sql(count: int, *, count_wip: bool) -> str:
    """`SUCCESS_FACTS` for `count` ids, counting WIP results or not."""
    return SUCCESS_FACTS.format(ids=in_list(count), wip="" if count_wip else WITHOUT_WIP)


# Work in progress candidates: the pact each branch head of each consumer of the provider
# holds with it, when published since a moment. The head of a branch is its version added last,
# kept on the branch row by triggers (migration 0005).
BRANCH_HEAD_PACTS = (
    "SELECT b.name AS branch_name, pp.* FROM integrations i"
    " JOIN branches b ON b.pacticipant_id = i.consumer_id"
    " JOIN pact_publications pp"
    "  ON pp.consumer_version_id = b.head_version_id AND pp.provider_id = i.provider_id"
    " WHERE i.provider_id = ? AND pp.created_at >= ?"
    " ORDER BY pp.consumer_id, pp.consumer_version_id"
)

# The pact the latest version with each tag of each consumer of the provider holds with it,
# when published since a moment (WIP candidates from consumer tags).
TAG_HEAD_PACTS = (
    "SELECT latest.name AS tag_name, pp.* FROM ("
    "  SELECT v.pacticipant_id, t.name, max(t.version_id) AS version_id"
    "  FROM tags t JOIN versions v ON v.id = t.version_id"
    "  WHERE v.pacticipant_id IN (SELECT consumer_id FROM integrations WHERE provider_id = ?)"
    "  GROUP BY v.pacticipant_id, t.name"
    " ) latest"
    " JOIN pact_publications pp"
    "  ON pp.consumer_version_id = latest.version_id AND pp.provider_id = ?"
    " WHERE pp.created_at >= ?"
    " ORDER BY pp.consumer_id, pp.consumer_version_id"
)

# Which of some provider tags carry a successful, non-WIP result of each pact content.
TAGS_THAT_VERIFIED = (
    "SELECT DISTINCT v.pact_version_id, t.name FROM verifications v"
    " JOIN tags t ON t.version_id = v.provider_version_id"
    " WHERE v.pact_version_id IN {ids} AND v.success AND NOT v.wip AND t.name IN {names}"
)
