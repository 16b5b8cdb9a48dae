"""The batched reads behind pacts-for-verification, the matrix and can-i-deploy.

These read many rows per request, so each is one statement over a list of ids rather than one
statement per id: a statement costs a thread hop (SQLite) or a round trip (PostgreSQL) of about
0.1 ms, which dominated these requests. `bucketed(values)` writes `IN (?, ?, …)`. ARCHITECTURE.md
shows the query plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from broker.domain.model import Pacticipant, PactPublication, PactVersion, Verification, Version
from broker.storage.driver import Driver, Row, moment, optional_moment, record
from broker.storage.interface import ContentFacts, Counterparts, PactAndResult, WipCandidate
from broker.storage.pacts import pact_version, publication
from broker.storage.versions import aliased, prefixed, to_version

# Id lists longer than this are read in several statements (both databases cap the number of
# parameters of one statement, at 32,766 and 32,767).
CHUNK = 5000

V = TypeVar("V")


def in_list(count: int) -> str:
    """`(?, ?, …)` with `count` placeholders (at least one, so an empty list matches nothing)."""
    return "(" + ", ".join("?" for _ in range(max(count, 1))) + ")"


def chunks(ids: Sequence[V]) -> list[Sequence[V]]:
    """`ids` in slices of at most `CHUNK`; one empty slice for an empty list."""
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)] or [ids]


def padded(ids: Sequence[int]) -> Sequence[int]:
    """The ids, or an id that matches nothing to fill the placeholder an empty list gets."""
    return ids or (0,)


def bucketed(values: Sequence[V]) -> tuple[str, list[V | int]]:
    """`(?, ?, …)` for `values`, placeholders rounded up to a power of two, and the values.

    The values are padded to it by repeating the last (an empty list: one id matching nothing).
    A statement's text then takes one of a dozen forms whatever the list's length, so it stays
    in the statement caches (asyncpg keeps 100 prepared statements per connection, Python's
    sqlite3 128): with a text per length, pacts-for-verification alone wrote 151 and each
    miss cost PostgreSQL a round trip and a plan. A repeated value matches what it matched.
    """
    if not values:
        return in_list(1), [0]
    size = 1
    while size < len(values):
        size *= 2
    size = min(size, max(len(values), CHUNK))
    return in_list(size), [*values, *[values[-1]] * (size - len(values))]


# For each pact content: has a version of the provider branch verified it successfully (the
# maintained `verified_on_branch` rows, migration 0019: one primary-key probe per content), and
# when was its first successful result? `{wip}` is empty (pending status counts every success)
# or leaves out results of WIP verifications (for WIP selection). The first success walks the
# content's results in id (time) order through `verifications_by_pact_version` and stops at the
# first. The probe is a scalar subquery, not EXISTS: PostgreSQL's generic plan (the driver
# prepares statements, and after five runs of one it may keep a generic plan) hashed every row of
# the branch for EXISTS, three times slower than the probes with a few dozen contents.
_SUCCESS_FACTS = (
    "SELECT pv.id AS pact_version_id, pv.sha,"
    " (SELECT 1 FROM verified_on_branch f"
    "   WHERE f.pact_version_id = pv.id AND f.branch_id = ? {branch_wip} LIMIT 1)"
    "   IS NOT NULL AS on_branch,"
    " (SELECT v.created_at FROM verifications v"
    "   WHERE v.pact_version_id = pv.id AND v.success {wip}"
    "   ORDER BY v.id LIMIT 1) AS first_success_at"
    " FROM pact_versions pv WHERE pv.id IN {ids}"
)

# The versions live in an environment, from the maintained `environment_versions` rows
# (migration 0019), in the order `live_versions` reads the records: deployed ones by their first
# current deployment, then released ones by their release.
_LIVE = (
    "SELECT ev.environment_uuid, ev.deployment_id, ev.release_id, v.* FROM environment_versions ev"
    " JOIN versions v ON v.id = ev.version_id"
    " WHERE ev.environment_uuid = ? AND ev.pacticipant_id IN {ids}"
)


K = TypeVar("K")


def _live_by(
    rows: Sequence[Row],
    deployed: bool,
    released: bool,
    key: Callable[[Row], K],
    version: Callable[[Row], Version],
) -> dict[K, list[Version]]:
    """Live versions by `key`: deployed ones by record, then released ones by record."""
    keyed: list[tuple[int, int, Row]] = []
    for row in rows:
        if deployed and row["deployment_id"] is not None:
            keyed.append((0, row["deployment_id"], row))
        elif released and row["release_id"] is not None:
            keyed.append((1, row["release_id"], row))
    found: dict[K, list[Version]] = {}
    for _, _, row in sorted(keyed, key=lambda k: (k[0], k[1])):
        found.setdefault(key(row), []).append(version(row))
    return found


def _live(
    rows: Sequence[Row], deployed: bool, released: bool
) -> dict[tuple[str, int], list[Version]]:
    """Live versions by (environment, pacticipant): deployed ones by record, then released."""
    return _live_by(
        rows,
        deployed,
        released,
        lambda row: (row["environment_uuid"], row["pacticipant_id"]),
        to_version,
    )


# Whether the integration `i` holds a pact: a probe of `pact_publications_by_integration`. A
# scalar subquery, not EXISTS, so that no plan hashes every publication of the provider.
_HOLDS_A_PACT = (
    "(SELECT 1 FROM pact_publications pp"
    "  WHERE pp.consumer_id = i.consumer_id AND pp.provider_id = i.provider_id LIMIT 1)"
    " IS NOT NULL"
)

# The consumers of a provider (`?`) that hold a pact with it: its integrations, each probed.
_PACT_CONSUMERS = (
    "FROM integrations i JOIN pacticipants c ON c.id = i.consumer_id"
    f" WHERE i.provider_id = ? AND {_HOLDS_A_PACT}"
)


# Both sides of a version's integrations (`side` 0: the providers the version `?` published
# pacts with, by the unique (consumer_version_id, provider_id) index; 1: the consumers with a
# pact against the pacticipant `?`).
_COUNTERPARTS = (
    "SELECT 0 AS side, p.* FROM pact_publications pp"  # noqa: S608 - a fixed fragment
    " JOIN pacticipants p ON p.id = pp.provider_id WHERE pp.consumer_version_id = ?"
    f" UNION ALL SELECT 1 AS side, c.* {_PACT_CONSUMERS}"
)

# What `COUNTERPARTS_LIVE` adds to each row: the side (0 provider, 1 consumer), the other side
# (`k_…`, none on a row of a version without counterparts) and one of its live versions
# (`lv_…`, none when it has none live) with the record that makes it live.
COUNTERPART_COLUMNS = (
    f"sides.side AS k_side, {aliased('k', 'k_', Pacticipant.__struct_fields__)},"
    f" ev.deployment_id, ev.release_id, {aliased('lv', 'lv_', Version.__struct_fields__)}"
)

# Joined to a one-row `found` with `e_uuid` (an environment), `v_id` (a version) and `id` (its
# pacticipant): a row per side, then per counterpart on that side and per version of it live in
# the environment (the maintained `environment_versions`). The sides are rows to join, not the
# arms of a UNION, so that the join can read `found`'s columns on both backends (SQLite has no
# LATERAL): `counterparts`, and the live versions of each, in the statement that finds the
# version. Nothing is joined when `found` lacks the environment or the version.
COUNTERPARTS_LIVE = (
    " LEFT JOIN (SELECT 0 AS side UNION ALL SELECT 1 AS side) sides"
    " ON found.e_uuid IS NOT NULL AND found.v_id IS NOT NULL"
    " LEFT JOIN pact_publications kp"
    " ON sides.side = 0 AND kp.consumer_version_id = found.v_id"
    f" LEFT JOIN integrations i ON sides.side = 1 AND i.provider_id = found.id AND {_HOLDS_A_PACT}"
    " LEFT JOIN pacticipants k"
    " ON k.id = CASE WHEN sides.side = 0 THEN kp.provider_id ELSE i.consumer_id END"
    " LEFT JOIN environment_versions ev"
    " ON ev.environment_uuid = found.e_uuid AND ev.pacticipant_id = k.id"
    " LEFT JOIN versions lv ON lv.id = ev.version_id"
)


def counterparts_live(rows: Sequence[Row]) -> Counterparts:
    """The rows of `COUNTERPARTS_LIVE` (in `sides.side, k.id` order) read back."""
    sides: tuple[dict[int, Pacticipant], dict[int, Pacticipant]] = ({}, {})
    for row in rows:
        key = row["k_id"]
        if key is not None and key not in sides[row["k_side"]]:
            sides[row["k_side"]][key] = record(Pacticipant, prefixed(row, "k_"))
    # A pacticipant on both sides has its live versions on the rows of each: count one.
    first = sides[0]
    live = _live_by(
        [r for r in rows if r["k_id"] is not None and (r["k_side"] == 0 or r["k_id"] not in first)],
        deployed=True,
        released=True,
        key=lambda row: int(row["k_id"]),
        version=lambda row: to_version(row, "lv_"),
    )
    return Counterparts(list(sides[0].values()), list(sides[1].values()), live)


def _unverified(
    unverified_on: tuple[int, datetime] | None, content: str = "pp.pact_version_id"
) -> str:
    """WIP candidates only: leave out contents the provider branch verified (outside WIP).

    Per candidate content, a primary-key probe of the maintained `verified_on_branch` rows,
    then (for the few left) whether a successful non-WIP result came before the branch.

    Written as scalar subqueries in a CASE so that both backends probe in that order, per
    content: as NOT EXISTS, PostgreSQL's generic plan (the driver prepares statements) probed
    the verifications of every candidate first, or hashed every content the branch verified.
    """
    if unverified_on is None:
        return ""
    return (
        " AND CASE WHEN (SELECT 1 FROM verified_on_branch f"  # noqa: S608 - a column name
        f"  WHERE f.pact_version_id = {content} AND f.branch_id = ? AND NOT f.wip LIMIT 1)"
        "  IS NULL THEN (SELECT 1 FROM verifications v"
        f"  WHERE v.pact_version_id = {content} AND v.success AND NOT v.wip"
        "  AND v.created_at < ? LIMIT 1) IS NULL ELSE false END"
    )


class SelectionRows:
    """The `Selection` role of a transaction."""

    _db: Driver

    async def _by_ids(self, sql: str, ids: Sequence[int], *before: object) -> list[Row]:
        """The rows of `sql` (its `{ids}` an id list, after the `before` parameters), chunked."""
        rows: list[Row] = []
        for chunk in chunks(ids):
            marks, values = bucketed(chunk)
            rows += await self._db.fetch(sql.format(ids=marks), *before, *values)
        return rows

    async def publications_of_versions(
        self, consumer_version_ids: Sequence[int], provider_id: int
    ) -> list[PactPublication]:
        # The pacts several consumer versions hold with one provider.
        rows = await self._by_ids(
            "SELECT * FROM pact_publications"
            " WHERE provider_id = ? AND consumer_version_id IN {ids}",
            consumer_version_ids,
            provider_id,
        )
        return [publication(r) for r in rows]

    async def pact_versions_by_ids(self, ids: Sequence[int]) -> list[PactVersion]:
        rows = await self._by_ids("SELECT * FROM pact_versions WHERE id IN {ids}", ids)
        return [pact_version(r) for r in rows]

    async def pact_consumers(self, provider_id: int) -> list[Pacticipant]:
        # The provider's integrations that hold a pact (a probe of
        # `pact_publications_by_integration` each: a scalar subquery, so no plan hashes every
        # publication of the provider), with their consumers.
        rows = await self._db.fetch(f"SELECT c.* {_PACT_CONSUMERS} ORDER BY c.id", provider_id)
        return [record(Pacticipant, r) for r in rows]

    async def pact_version_shas(self, ids: Sequence[int]) -> dict[int, str]:
        rows = await self._by_ids("SELECT id, sha FROM pact_versions WHERE id IN {ids}", ids)
        return {r["id"]: r["sha"] for r in rows}

    async def versions_by_ids(self, ids: Sequence[int]) -> list[Version]:
        rows = await self._by_ids("SELECT * FROM versions WHERE id IN {ids}", ids)
        return [to_version(r) for r in rows]

    async def pacticipants_by_ids(self, ids: Sequence[int]) -> list[Pacticipant]:
        rows = await self._by_ids("SELECT * FROM pacticipants WHERE id IN {ids}", ids)
        return [record(Pacticipant, r) for r in rows]

    async def latest_verifications(self, pact_version_ids: Sequence[int]) -> list[Verification]:
        # One index seek (verifications_by_pact_version) per content for its newest result.
        rows = await self._by_ids(
            "SELECT v.* FROM pact_versions pv JOIN verifications v ON v.id = ("
            " SELECT max(x.id) FROM verifications x WHERE x.pact_version_id = pv.id)"
            " WHERE pv.id IN {ids}",
            pact_version_ids,
        )
        return [record(Verification, r) for r in rows]

    async def latest_verification_by(
        self, pact_version_id: int, provider_version_id: int
    ) -> Verification | None:
        # A provider version's newest result for a pact content
        # (index verifications_by_pact_and_provider_version).
        row = await self._db.fetchrow(
            "SELECT * FROM verifications WHERE pact_version_id = ? AND provider_version_id = ?"
            " ORDER BY id DESC LIMIT 1",
            pact_version_id,
            provider_version_id,
        )
        return None if row is None else record(Verification, row)

    async def pact_and_result(
        self, consumer_version_id: int, provider_id: int, provider_version_id: int | None
    ) -> PactAndResult | None:
        # The pact's sha and the provider version's newest result, without reading the content.
        row = await self._db.fetchrow(
            "SELECT pv.sha, pv.id AS pact_version_id, pp.created_at AS published_at,"
            " v.id AS verification_id, v.success,"
            " v.created_at AS verified_at, EXISTS (SELECT 1 FROM provider_contract_publications"
            "   WHERE provider_version_id = ?) AS documented FROM pact_publications pp"
            " JOIN pact_versions pv ON pv.id = pp.pact_version_id"
            " LEFT JOIN verifications v ON v.id = (SELECT max(x.id) FROM verifications x"
            "   WHERE x.pact_version_id = pp.pact_version_id AND x.provider_version_id = ?)"
            " WHERE pp.consumer_version_id = ? AND pp.provider_id = ?",
            provider_version_id or 0,
            provider_version_id or 0,
            consumer_version_id,
            provider_id,
        )
        if row is None:
            return None
        return PactAndResult(
            row["sha"],
            row["pact_version_id"],
            moment(row["published_at"]),
            row["verification_id"],
            None if row["success"] is None else bool(row["success"]),
            optional_moment(row["verified_at"]),
            bool(row["documented"]),
        )

    async def success_facts(
        self, pact_version_ids: Sequence[int], branch_id: int | None, *, count_wip: bool
    ) -> dict[int, tuple[bool, datetime | None]]:
        facts = await self.content_facts(pact_version_ids, branch_id, count_wip=count_wip)
        return {i: (f.on_branch, f.first_success_at) for i, f in facts.items()}

    async def content_facts(
        self, pact_version_ids: Sequence[int], branch_id: int | None, *, count_wip: bool
    ) -> dict[int, ContentFacts]:
        sql = _SUCCESS_FACTS.replace("{wip}", "" if count_wip else "AND NOT v.wip").replace(
            "{branch_wip}", "" if count_wip else "AND NOT f.wip"
        )
        rows = await self._by_ids(sql, pact_version_ids, branch_id or 0)
        return {
            r["pact_version_id"]: ContentFacts(
                sha=r["sha"],
                on_branch=bool(r["on_branch"]),
                first_success_at=optional_moment(r["first_success_at"]),
            )
            for r in rows
        }

    async def pacts_and_results(
        self, pairs: Sequence[tuple[int, int, int | None]]
    ) -> dict[tuple[int, int, int | None], PactAndResult]:
        # One statement for any number of pairs (up to `CHUNK` of each side): the publications
        # of the consumer versions (unique index on (consumer_version_id, provider_id)), each
        # with the maintained newest result of its content by each of the provider versions
        # (primary-key probes of `latest_verifications`); and before them (`documented`) which
        # of the provider versions published a document (unique index on provider_version_id).
        if not pairs:
            return {}
        consumer_versions = sorted({consumer_version for consumer_version, _, _ in pairs})
        providers = sorted({pv for _, _, pv in pairs if pv is not None})
        held: dict[tuple[int, int], Row] = {}
        newest: dict[tuple[int, int], Row] = {}
        documented: set[int] = set()
        for chunk in chunks(providers):
            marks, values = bucketed(chunk)
            for row in await self._by_ids(
                "SELECT 1 AS documented, NULL AS consumer_version_id, NULL AS provider_id,"  # noqa: S608 - placeholders only
                " NULL AS pact_version_id, NULL AS created_at, NULL AS sha, provider_version_id,"
                " NULL AS verification_id, NULL AS success, NULL AS verified_at"
                f" FROM provider_contract_publications WHERE provider_version_id IN {marks}"
                " UNION ALL SELECT 0, pp.consumer_version_id, pp.provider_id,"
                " pp.pact_version_id, pp.created_at, pv.sha, lv.provider_version_id,"
                " lv.verification_id, lv.success, lv.created_at"
                " FROM pact_publications pp JOIN pact_versions pv ON pv.id = pp.pact_version_id"
                " LEFT JOIN latest_verifications lv ON lv.pact_version_id = pp.pact_version_id"
                f" AND lv.provider_version_id IN {marks}"
                " WHERE pp.consumer_version_id IN {ids}",
                consumer_versions,
                *values,
                *values,
            ):
                if row["documented"]:
                    documented.add(row["provider_version_id"])
                    continue
                held[(row["consumer_version_id"], row["provider_id"])] = row
                if row["provider_version_id"] is not None:
                    newest[(row["pact_version_id"], row["provider_version_id"])] = row
        found = {}
        for consumer_version, provider, provider_version in pairs:
            pact = held.get((consumer_version, provider))
            if pact is None:
                continue
            result = (
                None
                if provider_version is None
                else newest.get((pact["pact_version_id"], provider_version))
            )
            found[(consumer_version, provider, provider_version)] = PactAndResult(
                pact["sha"],
                pact["pact_version_id"],
                moment(pact["created_at"]),
                None if result is None else result["verification_id"],
                None if result is None else bool(result["success"]),
                None if result is None else moment(result["verified_at"]),
                provider_version in documented,
            )
        return found

    async def counterparts(
        self, pacticipant_id: int, version_id: int
    ) -> tuple[list[Pacticipant], list[Pacticipant]]:
        # Both sides of a version's integrations in one statement, each in id order: the
        # providers its pacts name (unique index on (consumer_version_id, provider_id)) and
        # the consumers with a pact against the pacticipant (integrations by provider).
        rows = await self._db.fetch(
            _COUNTERPARTS + " ORDER BY side, id",
            version_id,
            pacticipant_id,
        )
        providers = [record(Pacticipant, r) for r in rows if r["side"] == 0]
        consumers = [record(Pacticipant, r) for r in rows if r["side"] == 1]
        return providers, consumers

    async def counterparts_live_in(
        self, pacticipant_id: int, version_id: int, environment_uuid: str
    ) -> Counterparts:
        rows = await self._db.fetch(
            f"SELECT {COUNTERPART_COLUMNS} FROM (SELECT CAST(? AS TEXT) AS e_uuid,"  # noqa: S608 - fixed fragments
            f" CAST(? AS BIGINT) AS v_id, CAST(? AS BIGINT) AS id) found {COUNTERPARTS_LIVE}"
            " ORDER BY sides.side, k.id",
            environment_uuid,
            version_id,
            pacticipant_id,
        )
        return counterparts_live(rows)

    async def live_in_environment(
        self,
        environment_uuid: str,
        pacticipant_ids: Sequence[int],
        *,
        deployed: bool = True,
        released: bool = True,
    ) -> dict[int, list[Version]]:
        rows = await self._by_ids(_LIVE, pacticipant_ids, environment_uuid)
        return {
            pacticipant_id: versions
            for (_, pacticipant_id), versions in _live(rows, deployed, released).items()
        }

    async def live_in_environments(
        self,
        environment_uuids: Sequence[str],
        pacticipant_ids: Sequence[int],
        *,
        deployed: bool = True,
        released: bool = True,
    ) -> dict[tuple[str, int], list[Version]]:
        if not environment_uuids:
            return {}
        marks, values = bucketed(environment_uuids)
        rows = await self._by_ids(
            "SELECT ev.environment_uuid, ev.deployment_id, ev.release_id, v.*"  # noqa: S608
            " FROM environment_versions ev JOIN versions v ON v.id = ev.version_id"
            f" WHERE ev.environment_uuid IN {marks}"
            " AND ev.pacticipant_id IN {ids}",
            pacticipant_ids,
            *values,
        )
        return _live(rows, deployed, released)

    async def branch_heads(
        self, pacticipant_ids: Sequence[int], names: Sequence[str]
    ) -> dict[tuple[int, str], Version]:
        if not pacticipant_ids or not names:
            return {}
        marks, values = bucketed(names)
        rows = await self._by_ids(
            "SELECT b.name AS branch_name, v.* FROM branches b"  # noqa: S608 - placeholders only
            " JOIN versions v ON v.id = b.head_version_id"
            f" WHERE b.name IN {marks} AND b.pacticipant_id IN {{ids}}",
            pacticipant_ids,
            *values,
        )
        return {(r["pacticipant_id"], r["branch_name"]): to_version(r) for r in rows}

    async def wip_candidates(
        self,
        provider_id: int,
        since: datetime,
        *,
        unverified_on: tuple[int, datetime] | None = None,
    ) -> list[WipCandidate]:
        # Work in progress candidates, with their consumer versions, in one statement.
        # Branch heads: the pact each branch head of each consumer of the provider holds with
        # it, when published since a moment. Read from the window of the maintained
        # `branch_head_publications` (migration 0020), not every branch ever made: the window's
        # distinct contents first, from the index alone, then (with `unverified_on`) a probe of
        # the facts per content, and only the heads holding a content left are joined to their
        # publications and branches.
        # Tag heads: the pact the latest version with each tag of each consumer holds with the
        # provider, when published since the moment: the newest tagged versions are kept in
        # `tag_heads` by triggers (migration 0020).
        # The heads left are materialised before the joins, their branch names read by a
        # scalar subquery, and the publications joined on the heads' own provider column:
        # PostgreSQL estimated hundreds of heads and hashed every publication of the provider
        # (or every branch) instead of probing a unique index once per head left.
        window = (
            "SELECT h.branch_id, h.provider_id, h.consumer_version_id, h.pact_version_id"
            " FROM branch_head_publications h WHERE h.provider_id = ? AND h.created_at >= ?"
        )
        rows = await self._db.fetch(
            f"WITH candidates AS MATERIALIZED ({window}),"  # noqa: S608 - fixed fragments
            " contents AS MATERIALIZED (SELECT c.id FROM"
            "  (SELECT DISTINCT pact_version_id AS id FROM candidates) c"
            "  WHERE true" + _unverified(unverified_on, "c.id") + "),"
            " heads AS MATERIALIZED ("
            "  SELECT 0 AS by_tag,"
            "  (SELECT b.name FROM branches b WHERE b.id = h.branch_id) AS head_name,"
            "  h.provider_id, h.consumer_version_id FROM candidates h"
            "  WHERE h.pact_version_id IN (SELECT id FROM contents)"
            "  UNION ALL"
            "  SELECT 1, th.name, i.provider_id, th.version_id FROM integrations i"
            "  JOIN tag_heads th ON th.pacticipant_id = i.consumer_id"
            "  JOIN pact_publications pp"
            "   ON pp.consumer_version_id = th.version_id AND pp.provider_id = i.provider_id"
            "  WHERE i.provider_id = ? AND pp.created_at >= ?" + _unverified(unverified_on) + ")"
            " SELECT h.by_tag, h.head_name, pp.*, v.number AS version_number,"
            " v.build_url AS version_build_url, v.created_at AS version_created_at,"
            " v.updated_at AS version_updated_at FROM heads h"
            " JOIN pact_publications pp"
            "  ON pp.consumer_version_id = h.consumer_version_id"
            "  AND pp.provider_id = h.provider_id"
            " JOIN versions v ON v.id = h.consumer_version_id"
            " ORDER BY h.by_tag, pp.consumer_id, pp.consumer_version_id, h.head_name",
            provider_id,
            self._db.time(since),
            *self._unverified_args(unverified_on),
            provider_id,
            self._db.time(since),
            *self._unverified_args(unverified_on),
        )
        return [
            WipCandidate(
                by_tag=bool(r["by_tag"]),
                name=r["head_name"],
                publication=publication(r),
                version=Version(
                    id=r["consumer_version_id"],
                    pacticipant_id=r["consumer_id"],
                    number=r["version_number"],
                    build_url=r["version_build_url"],
                    created_at=moment(r["version_created_at"]),
                    updated_at=moment(r["version_updated_at"]),
                ),
            )
            for r in rows
        ]

    def _unverified_args(self, unverified_on: tuple[int, datetime] | None) -> list[object]:
        if unverified_on is None:
            return []
        return [unverified_on[0], self._db.time(unverified_on[1])]

    async def tags_that_verified(
        self, pact_version_ids: Sequence[int], tags: Sequence[str], *, count_wip: bool = False
    ) -> dict[int, set[str]]:
        # Which of some provider tags carry a successful (non-WIP unless counted) result of
        # each pact content.
        marks, values = bucketed(tags or ("",))
        rows = await self._by_ids(
            "SELECT DISTINCT v.pact_version_id, t.name FROM verifications v"  # noqa: S608 - placeholders only
            " JOIN tags t ON t.version_id = v.provider_version_id"
            f" WHERE t.name IN {marks} AND v.pact_version_id IN {{ids}}"
            " AND v.success" + ("" if count_wip else " AND NOT v.wip"),
            pact_version_ids,
            *values,
        )
        found: dict[int, set[str]] = {}
        for row in rows:
            found.setdefault(row["pact_version_id"], set()).add(row["name"])
        return found
