"""Retention: the facts `domain/retention.py` judges, and deleting what it lets go, in batches.

Every delete takes an id list the service planned and re-checks, in the statement, what must
never go (a version deployed, released, at a branch head or named by an open change request
since the plan; a pact content or document some publication still holds), so a clean running
beside a live broker deletes nothing that became needed meanwhile. The rows that go with a
version by `ON DELETE CASCADE` are counted first, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from broker.domain.retention import Counts, OutboxCounts, VersionFacts
from broker.storage.driver import Driver, moment
from broker.storage.interface import Dependents
from broker.storage.selection import chunks, in_list

# Versions still deletable: of the planned ids, those nothing has come to need since the plan.
_STILL_DELETABLE = (
    "SELECT v.id, v.number FROM versions v WHERE v.id IN {ids} AND v.pacticipant_id = ?"
    " AND NOT EXISTS (SELECT 1 FROM deployed_versions d"
    "   WHERE d.version_id = v.id AND d.undeployed_at IS NULL)"
    " AND NOT EXISTS (SELECT 1 FROM released_versions r"
    "   WHERE r.version_id = v.id AND r.support_ended_at IS NULL)"
    " AND NOT EXISTS (SELECT 1 FROM branches b"
    "   WHERE b.pacticipant_id = v.pacticipant_id AND b.head_version_id = v.id)"
    " AND NOT EXISTS (SELECT 1 FROM change_request_versions crv"
    "   JOIN change_requests cr ON cr.id = crv.change_request_id"
    "   JOIN pacticipants p ON p.name = cr.pacticipant_name"
    "   WHERE p.id = v.pacticipant_id AND crv.version_number = v.number AND cr.status = 'open')"
    " ORDER BY v.id"
)

# What goes with a list of versions (all of one pacticipant): `{ids}` the version ids,
# `{numbers}` their numbers.
_VERSION_DEPENDENTS = (
    "SELECT"
    " (SELECT count(*) FROM pact_publications WHERE consumer_version_id IN {ids}) AS pacts,"
    " (SELECT count(*) FROM verifications WHERE provider_version_id IN {ids}) AS results,"
    " (SELECT count(*) FROM branch_versions WHERE version_id IN {ids}) AS branch_versions,"
    " (SELECT count(*) FROM tags WHERE version_id IN {ids}) AS tags,"
    " (SELECT count(*) FROM deployed_versions WHERE version_id IN {ids}) AS deployments,"
    " (SELECT count(*) FROM released_versions WHERE version_id IN {ids}) AS releases,"
    " (SELECT count(*) FROM provider_contract_publications WHERE provider_version_id IN {ids})"
    "   AS contract_publications,"
    " (SELECT count(*) FROM notifications WHERE provider_id = ? AND provider_version IN {numbers})"
    "   AS notifications,"
    " (SELECT count(*) FROM publish_warnings"
    "   WHERE pacticipant_name = ? AND version_number IN {numbers}) AS warnings"
)

# For each content, the provider versions of its first successful result (of any, and of those
# not fetched as WIP), and of its first on the provider's main branch (the same two): what
# pending status and WIP selection read first. Each walks the content's results in id order
# and stops at the first that qualifies (`verifications_by_pact_version`).
_FIRST = (
    "(SELECT v.provider_version_id FROM verifications v"
    " WHERE v.pact_version_id = pv.id AND v.success {filter} ORDER BY v.id LIMIT 1)"
)
_NOT_WIP = "AND NOT v.wip"
_ON_MAIN = (
    "AND EXISTS (SELECT 1 FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id"
    " JOIN pacticipants p ON p.id = b.pacticipant_id"
    " WHERE bv.version_id = v.provider_version_id AND b.name = p.main_branch)"
)
_FIRST_SUCCESSES = (
    f"SELECT {_FIRST.format(filter='')} AS first_0,"  # noqa: S608 - fixed fragments
    f" {_FIRST.format(filter=_NOT_WIP)} AS first_1,"
    f" {_FIRST.format(filter=_ON_MAIN)} AS first_2,"
    f" {_FIRST.format(filter=_NOT_WIP + ' ' + _ON_MAIN)} AS first_3"
    " FROM pact_versions pv WHERE pv.id IN {ids}"
)

# Webhook events past the cutoff none of whose deliveries is still to be made: fanned out
# (`targets` NULL: an event not yet fanned out has deliveries to come) and all settled.
_SETTLED_EVENTS = (
    "SELECT e.id FROM webhook_events e WHERE e.id > ? AND e.created_at < ?"
    " AND e.targets IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
    "   WHERE d.event_id = e.id AND d.status NOT IN ('succeeded', 'dead'))"
    " ORDER BY e.id LIMIT ?"
)


class RetentionRows:
    """The `Retention` role of a transaction."""

    _db: Driver

    async def retention_pacticipants(self) -> list[tuple[int, str]]:
        rows = await self._db.fetch("SELECT id, name FROM pacticipants ORDER BY name")
        return [(r["id"], r["name"]) for r in rows]

    async def version_facts(self, pacticipant_id: int) -> VersionFacts:
        db = self._db
        versions = await db.fetch(
            "SELECT id, number, created_at FROM versions WHERE pacticipant_id = ? ORDER BY id",
            pacticipant_id,
        )
        memberships = await db.fetch(
            "SELECT bv.branch_id, bv.version_id, bv.seq FROM branch_versions bv"
            " JOIN branches b ON b.id = bv.branch_id WHERE b.pacticipant_id = ?",
            pacticipant_id,
        )
        tags = await db.fetch(
            "SELECT t.name, t.version_id FROM tags t JOIN versions v ON v.id = t.version_id"
            " WHERE v.pacticipant_id = ?",
            pacticipant_id,
        )
        deployed = await db.fetch(
            "SELECT version_id FROM deployed_versions"
            " WHERE pacticipant_id = ? AND undeployed_at IS NULL",
            pacticipant_id,
        )
        released = await db.fetch(
            "SELECT version_id FROM released_versions"
            " WHERE pacticipant_id = ? AND support_ended_at IS NULL",
            pacticipant_id,
        )
        requested = await db.fetch(
            "SELECT crv.version_number FROM change_request_versions crv"
            " JOIN change_requests cr ON cr.id = crv.change_request_id"
            " JOIN pacticipants p ON p.name = cr.pacticipant_name"
            " WHERE p.id = ? AND cr.status = 'open'",
            pacticipant_id,
        )
        heads = await db.fetch(
            "SELECT max(consumer_version_id) AS version_id FROM pact_publications"
            " WHERE consumer_id = ? GROUP BY provider_id",
            pacticipant_id,
        )
        return VersionFacts(
            versions=[(r["id"], r["number"], moment(r["created_at"])) for r in versions],
            memberships=[(r["branch_id"], r["version_id"], r["seq"]) for r in memberships],
            tags=[(r["name"], r["version_id"]) for r in tags],
            deployed=frozenset(r["version_id"] for r in deployed),
            released=frozenset(r["version_id"] for r in released),
            change_request_numbers=frozenset(r["version_number"] for r in requested),
            integration_heads=frozenset(r["version_id"] for r in heads),
        )

    async def held_contents(self, consumer_id: int) -> list[tuple[int, int]]:
        rows = await self._db.fetch(
            "SELECT pact_version_id, consumer_version_id FROM pact_publications"
            " WHERE consumer_id = ?",
            consumer_id,
        )
        return [(r["pact_version_id"], r["consumer_version_id"]) for r in rows]

    async def pact_contents_of(self, consumer_id: int) -> list[int]:
        rows = await self._db.fetch(
            "SELECT id FROM pact_versions WHERE consumer_id = ? ORDER BY id", consumer_id
        )
        return [r["id"] for r in rows]

    async def published_documents(self, provider_id: int) -> list[tuple[int, int]]:
        rows = await self._db.fetch(
            "SELECT contract_version_id, provider_version_id FROM provider_contract_publications"
            " WHERE provider_id = ?",
            provider_id,
        )
        return [(r["contract_version_id"], r["provider_version_id"]) for r in rows]

    async def documents_of(self, provider_id: int) -> list[int]:
        rows = await self._db.fetch(
            "SELECT id FROM provider_contract_versions WHERE provider_id = ? ORDER BY id",
            provider_id,
        )
        return [r["id"] for r in rows]

    async def first_success_versions(self, pact_version_ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunks(pact_version_ids) if pact_version_ids else []:
            rows = await self._db.fetch(_FIRST_SUCCESSES.format(ids=in_list(len(chunk))), *chunk)
            # None: a content without such a result.
            found.update(r[f"first_{n}"] for r in rows for n in range(4) if r[f"first_{n}"])
        return found

    async def clean_versions(
        self, pacticipant_id: int, name: str, version_ids: Sequence[int], *, delete: bool
    ) -> Counts:
        if not version_ids:
            return Counts()
        db = self._db
        rows = await db.fetch(
            _STILL_DELETABLE.format(ids=in_list(len(version_ids))), *version_ids, pacticipant_id
        )
        ids = [r["id"] for r in rows]
        numbers = [r["number"] for r in rows]
        if not ids:
            return Counts()
        marks, named = in_list(len(ids)), in_list(len(numbers))
        counted = await db.fetchrow(
            _VERSION_DEPENDENTS.format(ids=marks, numbers=named),
            *ids * 7,
            pacticipant_id,
            *numbers,
            name,
            *numbers,
        )
        assert counted is not None
        counts = Counts(
            versions=len(ids),
            pact_publications=counted["pacts"],
            verifications=counted["results"],
            branch_versions=counted["branch_versions"],
            tags=counted["tags"],
            deployments=counted["deployments"],
            releases=counted["releases"],
            provider_contract_publications=counted["contract_publications"],
            notifications=counted["notifications"],
            publish_warnings=counted["warnings"],
        )
        if delete:
            await db.execute(
                f"DELETE FROM notifications WHERE provider_id = ? AND provider_version IN {named}",  # noqa: S608 - placeholders
                pacticipant_id,
                *numbers,
            )
            await db.execute(
                "DELETE FROM publish_warnings"  # noqa: S608 - placeholders
                f" WHERE pacticipant_name = ? AND version_number IN {named}",
                name,
                *numbers,
            )
            # The rest goes by ON DELETE CASCADE; branch heads stay, being never deleted.
            counts.versions = await db.execute(f"DELETE FROM versions WHERE id IN {marks}", *ids)  # noqa: S608
        return counts

    async def clean_pact_contents(
        self, pact_version_ids: Sequence[int], *, delete: bool
    ) -> Dependents:
        if not pact_version_ids:
            return Dependents(deleted=0, results=[], comparisons=[])
        db = self._db
        marks = in_list(len(pact_version_ids))
        # A content some publication holds again (or still) stays: in a dry run the plan's
        # doomed publications are still there, so only a real run asks.
        unheld = (
            " AND NOT EXISTS (SELECT 1 FROM pact_publications pp"
            " WHERE pp.pact_version_id = pact_versions.id)"
            if delete
            else ""
        )
        rows = await db.fetch(
            f"SELECT id FROM pact_versions WHERE id IN {marks}{unheld}",  # noqa: S608
            *pact_version_ids,
        )
        ids = [r["id"] for r in rows]
        if not ids:
            return Dependents(deleted=0, results=[], comparisons=[])
        marks = in_list(len(ids))
        results = await db.fetch(
            "SELECT provider_id, provider_version_id, count(*) AS n FROM verifications"  # noqa: S608
            f" WHERE pact_version_id IN {marks} GROUP BY provider_id, provider_version_id",
            *ids,
        )
        comparisons = await db.fetch(
            f"SELECT contract_version_id, count(*) AS n FROM comparisons"  # noqa: S608
            f" WHERE pact_version_id IN {marks} GROUP BY contract_version_id",
            *ids,
        )
        deleted = len(ids)
        if delete:
            deleted = await db.execute(f"DELETE FROM pact_versions WHERE id IN {marks}", *ids)  # noqa: S608
        return Dependents(
            deleted=deleted,
            results=[(r["provider_id"], r["provider_version_id"], r["n"]) for r in results],
            comparisons=[(r["contract_version_id"], r["n"]) for r in comparisons],
        )

    async def clean_documents(
        self, contract_version_ids: Sequence[int], *, delete: bool
    ) -> Dependents:
        if not contract_version_ids:
            return Dependents(deleted=0, results=[], comparisons=[])
        db = self._db
        marks = in_list(len(contract_version_ids))
        unheld = (
            " AND NOT EXISTS (SELECT 1 FROM provider_contract_publications pc"
            " WHERE pc.contract_version_id = provider_contract_versions.id)"
            if delete
            else ""
        )
        rows = await db.fetch(
            f"SELECT id FROM provider_contract_versions WHERE id IN {marks}{unheld}",  # noqa: S608
            *contract_version_ids,
        )
        ids = [r["id"] for r in rows]
        if not ids:
            return Dependents(deleted=0, results=[], comparisons=[])
        marks = in_list(len(ids))
        comparisons = await db.fetch(
            f"SELECT pact_version_id, count(*) AS n FROM comparisons"  # noqa: S608
            f" WHERE contract_version_id IN {marks} GROUP BY pact_version_id",
            *ids,
        )
        deleted = len(ids)
        if delete:
            deleted = await db.execute(
                f"DELETE FROM provider_contract_versions WHERE id IN {marks}",  # noqa: S608
                *ids,
            )
        return Dependents(
            deleted=deleted,
            results=[],
            comparisons=[(r["pact_version_id"], r["n"]) for r in comparisons],
        )

    async def clean_webhook_events(
        self, older_than: datetime, after_id: int, limit: int, *, delete: bool
    ) -> tuple[OutboxCounts, int | None]:
        db = self._db
        rows = await db.fetch(_SETTLED_EVENTS, after_id, db.time(older_than), limit)
        ids = [r["id"] for r in rows]
        if not ids:
            return OutboxCounts(), None
        marks = in_list(len(ids))
        counted = await db.fetchrow(
            "SELECT"  # noqa: S608 - placeholders
            f" (SELECT count(*) FROM webhook_deliveries WHERE event_id IN {marks}) AS deliveries,"
            " (SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d"
            f"   ON d.id = a.delivery_id WHERE d.event_id IN {marks}) AS attempts",
            *ids,
            *ids,
        )
        assert counted is not None
        counts = OutboxCounts(
            webhook_events=len(ids),
            webhook_deliveries=counted["deliveries"],
            webhook_attempts=counted["attempts"],
        )
        if delete:
            counts.webhook_events = await db.execute(
                f"DELETE FROM webhook_events WHERE id IN {marks}",  # noqa: S608
                *ids,
            )
        return counts, ids[-1]
