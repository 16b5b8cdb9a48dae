"""The SQL of pact versions and publications, shared by both adapters.

Written with `?` placeholders (SQLite's); `numbered()` turns them into PostgreSQL's `$1, $2…`.
Both dialects accept every statement here unchanged otherwise.
"""

from __future__ import annotations

import itertools
import re

_PLACEHOLDER = re.compile(r"\?")


def numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2, …` (our statements have no `?` inside literals)."""
    counter = itertools.count(1)
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


FIND_PACT_VERSION = (
    "SELECT * FROM pact_versions WHERE consumer_id = ? AND provider_id = ? AND sha = ?"
)
FIND_PACT_VERSION_BY_ID = "SELECT * FROM pact_versions WHERE id = ?"
INSERT_PACT_VERSION = (
    "INSERT INTO pact_versions (consumer_id, provider_id, sha, content, created_at)"
    " VALUES (?, ?, ?, ?, ?) RETURNING *"
)
FIND_PUBLICATION = (
    "SELECT * FROM pact_publications WHERE consumer_version_id = ? AND provider_id = ?"
)
INSERT_PUBLICATION = (
    "INSERT INTO pact_publications (consumer_id, provider_id, consumer_version_id,"
    " pact_version_id, revision, created_at, updated_at, content)"
    " VALUES (?, ?, ?, ?, 1, ?, ?, ?)"
    " RETURNING *"
)
REPLACE_PUBLICATION = (
    "UPDATE pact_publications SET pact_version_id = ?, revision = revision + 1, updated_at = ?,"
    " content = ? WHERE id = ? RETURNING *"
)
DELETE_PUBLICATION = "DELETE FROM pact_publications WHERE id = ?"
DELETE_ORPHAN_PACT_VERSION = (
    "DELETE FROM pact_versions WHERE id = ?"
    " AND NOT EXISTS (SELECT 1 FROM pact_publications WHERE pact_version_id = ?)"
)

# The newest consumer version's pact, optionally among versions on a branch, with a tag, or
# without any tag. `{filter}` is one of the fragments below, over the alias `pp`.
LATEST_PUBLICATION = (
    "SELECT pp.* FROM pact_publications pp WHERE pp.consumer_id = ? AND pp.provider_id = ?"
    " {filter} ORDER BY pp.consumer_version_id DESC LIMIT 1"
)
ON_BRANCH = (
    "AND EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"
    " WHERE bv.version_id = pp.consumer_version_id AND b.name = ?)"
)
WITH_TAG = (
    "AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id AND t.name = ?)"
)
UNTAGGED = "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.version_id = pp.consumer_version_id)"

PUBLICATIONS_OF_INTEGRATION = (
    "SELECT * FROM pact_publications WHERE consumer_id = ? AND provider_id = ?"
    " ORDER BY consumer_version_id DESC LIMIT ? OFFSET ?"
)
COUNT_PUBLICATIONS_OF_INTEGRATION = (
    "SELECT count(*) AS n FROM pact_publications WHERE consumer_id = ? AND provider_id = ?"
)

# The latest pact of every integration: for each row of `integrations`, the publication of the
# newest consumer version among those that pass the filter (one index probe per integration).
# `{provider}` narrows to one provider.
LATEST_PUBLICATIONS = (
    "SELECT pp.* FROM integrations i JOIN pact_publications pp"
    " ON pp.consumer_id = i.consumer_id AND pp.provider_id = i.provider_id"
    " AND pp.consumer_version_id = ("
    "   SELECT max(newer.consumer_version_id) FROM pact_publications newer"
    "   WHERE newer.consumer_id = i.consumer_id AND newer.provider_id = i.provider_id"
    "   {newer_filter})"
    " WHERE 1 = 1 {provider} ORDER BY pp.consumer_id, pp.provider_id"
)
FOR_PROVIDER = "AND i.provider_id = ?"

PUBLICATIONS_OF_PACT_VERSION = (
    "SELECT * FROM pact_publications WHERE pact_version_id = ? ORDER BY consumer_version_id"
)
PUBLICATIONS_OF_CONSUMER_VERSION = (
    "SELECT * FROM pact_publications WHERE consumer_version_id = ? ORDER BY provider_id"
)
PREVIOUS_DISTINCT_PUBLICATION = (
    "SELECT * FROM pact_publications WHERE consumer_id = ? AND provider_id = ?"
    " AND consumer_version_id < ? AND pact_version_id <> ?"
    " ORDER BY consumer_version_id DESC LIMIT 1"
)


def latest_publication_sql(*, branch: bool, tag: bool, untagged: bool) -> str:
    """`LATEST_PUBLICATION` with the filters asked for (parameters: consumer, provider, names)."""
    filters = (ON_BRANCH if branch else "") + " " + (WITH_TAG if tag else "")
    if untagged:
        filters += " " + UNTAGGED
    return LATEST_PUBLICATION.format(filter=filters)


def latest_publications_sql(*, provider: bool, branch: bool, tag: bool) -> str:
    """`LATEST_PUBLICATIONS` with the filters asked for.

    Parameters, in order: the branch name, the tag name, then the provider id (each only when
    asked for).
    """
    inner = " ".join(
        f.replace("pp.consumer_version_id", "newer.consumer_version_id")
        for f, wanted in ((ON_BRANCH, branch), (WITH_TAG, tag))
        if wanted
    )
    return LATEST_PUBLICATIONS.format(newer_filter=inner, provider=FOR_PROVIDER if provider else "")
