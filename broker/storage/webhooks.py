"""Webhooks and their outbox: SQL and row mapping, written once for both drivers.

Claiming due deliveries is the one statement that differs by dialect: PostgreSQL passes over
rows another broker has locked (`SKIP LOCKED`), so replicas share the work; SQLite's writer
lock makes its one worker the only claimant.
"""

from __future__ import annotations

import uuid as uuids
from collections.abc import Sequence
from datetime import datetime

import msgspec

from broker.domain.errors import NotFoundError
from broker.domain.model import Version
from broker.domain.webhooks import (
    DEAD,
    PENDING,
    RUNNING,
    SUCCEEDED,
    Attempt,
    Delivery,
    Listener,
    NewEvent,
    PacticipantSelector,
    Target,
    Webhook,
    WebhookDraft,
    WebhookEvent,
    WebhookRequest,
    ordered_uuid,
)
from broker.storage.driver import Driver, Row, json_text, moment, record, written
from broker.storage.versions import to_version

# At most 11 bound values a row: 100 rows stay far below SQLite's limit per statement.
_ROWS_PER_INSERT = 100
# Events fanned out into deliveries per statement (each holds at most a few hundred targets).
_EVENTS_PER_FAN_OUT = 100

_WEBHOOK = (
    "SELECT w.*, c.name AS consumer_name, p.name AS provider_name FROM webhooks w"
    " LEFT JOIN pacticipants c ON c.id = w.consumer_id"
    " LEFT JOIN pacticipants p ON p.id = w.provider_id"
)
# What matching an event needs of the enabled webhooks (not the request: deliveries read it).
_LISTENERS = (
    "SELECT w.id, w.uuid, w.description, w.events, w.consumer_label, w.provider_label,"
    " c.name AS consumer_name, p.name AS provider_name FROM webhooks w"
    " LEFT JOIN pacticipants c ON c.id = w.consumer_id"
    " LEFT JOIN pacticipants p ON p.id = w.provider_id"
    " WHERE w.enabled = ? ORDER BY w.id"
)
_DELIVERY = (
    "SELECT d.*, w.uuid AS webhook_uuid, e.name AS event_name FROM webhook_deliveries d"
    " JOIN webhooks w ON w.id = d.webhook_id JOIN webhook_events e ON e.id = d.event_id"
)


def _selector(name: str | None, label: str | None) -> PacticipantSelector | None:
    if name is None and label is None:
        return None
    return PacticipantSelector(name=name, label=label)


def _webhook(row: Row) -> Webhook:
    body = row["body"]
    return Webhook(
        id=row["id"],
        uuid=row["uuid"],
        description=row["description"],
        consumer=_selector(row["consumer_name"], row["consumer_label"]),
        provider=_selector(row["provider_name"], row["provider_label"]),
        events=tuple(msgspec.json.decode(row["events"], type=list[str])),
        request=WebhookRequest(
            method=row["method"],
            url=row["url"],
            headers=msgspec.json.decode(row["headers"], type=dict[str, str]),
            body=None if body is None else msgspec.json.decode(body),
            username=row["username"],
            password=row["password"],
        ),
        enabled=bool(row["enabled"]),
        created_at=moment(row["created_at"]),
        updated_at=moment(row["updated_at"]),
    )


def _event(row: Row) -> WebhookEvent:
    return record(WebhookEvent, row, variables=msgspec.json.decode(row["variables"]))


def _targets_text(targets: Sequence[Target]) -> str | None:
    """An event's targets as stored: a JSON array, or NULL for none (nothing to fan out)."""
    return msgspec.json.encode(targets).decode() if targets else None


def _delivery(row: Row) -> Delivery:
    return record(Delivery, row)


def _attempt(row: Row) -> Attempt:
    return record(
        Attempt,
        row,
        request=msgspec.json.decode(row["request"]),
        response_headers=msgspec.json.decode(row["response_headers"]),
    )


class WebhookRows:
    """The `Webhooks` and `WebhookOutbox` roles of a transaction."""

    _db: Driver

    # definitions

    async def _pacticipant_id(self, selector: PacticipantSelector | None) -> int | None:
        if selector is None or selector.name is None:
            return None
        found = await self._db.fetchval("SELECT id FROM pacticipants WHERE name = ?", selector.name)
        if found is None:
            raise NotFoundError(f"No pacticipant named {selector.name!r} was found")
        return int(found)

    def _columns(self, draft: WebhookDraft) -> list[object]:
        request = draft.request
        return [
            draft.description,
            draft.consumer.label if draft.consumer else None,
            draft.provider.label if draft.provider else None,
            json_text(list(draft.events)),
            request.method,
            request.url,
            json_text(request.headers),
            None if request.body is None else json_text(request.body),
            request.username,
            request.password,
            draft.enabled,
        ]

    async def insert_webhook(self, draft: WebhookDraft, now: datetime) -> Webhook:
        consumer_id = await self._pacticipant_id(draft.consumer)
        provider_id = await self._pacticipant_id(draft.provider)
        await self._db.insert(
            "INSERT INTO webhooks (uuid, consumer_id, provider_id, description, consumer_label,"
            " provider_label, events, method, url, headers, body, username, password, enabled,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            draft.uuid,
            consumer_id,
            provider_id,
            *self._columns(draft),
            self._db.time(now),
            self._db.time(now),
            conflict=f"A webhook with the uuid {draft.uuid!r} already exists",
            missing="The consumer or the provider of the webhook does not exist",
        )
        return written(await self.find_webhook(draft.uuid))

    async def update_webhook(self, draft: WebhookDraft, now: datetime) -> Webhook | None:
        consumer_id = await self._pacticipant_id(draft.consumer)
        provider_id = await self._pacticipant_id(draft.provider)
        changed = await self._db.execute(
            "UPDATE webhooks SET consumer_id = ?, provider_id = ?, description = ?,"
            " consumer_label = ?, provider_label = ?, events = ?, method = ?, url = ?,"
            " headers = ?, body = ?, username = ?, password = ?, enabled = ?, updated_at = ?"
            " WHERE uuid = ?",
            consumer_id,
            provider_id,
            *self._columns(draft),
            self._db.time(now),
            draft.uuid,
        )
        return await self.find_webhook(draft.uuid) if changed else None

    async def find_webhook(self, uuid: str) -> Webhook | None:
        row = await self._db.fetchrow(f"{_WEBHOOK} WHERE w.uuid = ?", uuid)
        return None if row is None else _webhook(row)

    async def list_webhooks(
        self, *, consumer_id: int | None = None, provider_id: int | None = None
    ) -> list[Webhook]:
        conditions: list[str] = []
        args: list[object] = []
        if consumer_id is not None:
            conditions.append("w.consumer_id = ?")
            args.append(consumer_id)
        if provider_id is not None:
            conditions.append("w.provider_id = ?")
            args.append(provider_id)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self._db.fetch(f"{_WEBHOOK}{where} ORDER BY w.id", *args)
        return [_webhook(row) for row in rows]

    async def enabled_webhooks(self) -> list[Listener]:
        rows = await self._db.fetch(_LISTENERS, True)
        return [
            Listener(
                id=row["id"],
                uuid=row["uuid"],
                description=row["description"],
                consumer=_selector(row["consumer_name"], row["consumer_label"]),
                provider=_selector(row["provider_name"], row["provider_label"]),
                events=tuple(msgspec.json.decode(row["events"], type=list[str])),
            )
            for row in rows
        ]

    async def delete_webhook(self, uuid: str) -> bool:
        return await self._db.execute("DELETE FROM webhooks WHERE uuid = ?", uuid) > 0

    async def delete_webhooks_of_integration(self, consumer_id: int, provider_id: int) -> int:
        return await self._db.execute(
            "DELETE FROM webhooks WHERE consumer_id = ? AND provider_id = ?",
            consumer_id,
            provider_id,
        )

    # outbox

    async def insert_webhook_event(self, event: NewEvent, now: datetime) -> WebhookEvent:
        row = await self._db.fetchrow(
            "INSERT INTO webhook_events (uuid, name, consumer_name, provider_name, variables,"
            " pact_version_sha, consumer_version_id, verification_id, change_request_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            str(uuids.uuid4()),
            event.name,
            event.subject.consumer,
            event.subject.provider,
            json_text(event.variables),
            event.pact_version_sha,
            event.consumer_version_id,
            event.verification_id,
            event.change_request_id,
            self._db.time(now),
        )
        return _event(written(row))

    async def insert_delivery(
        self, event_id: int, webhook_id: int, sequence_key: str, now: datetime
    ) -> Delivery:
        row = await self._db.fetchrow(
            "INSERT INTO webhook_deliveries (uuid, event_id, webhook_id, sequence_key, status,"
            " attempts, next_attempt_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id",
            str(uuids.uuid4()),
            event_id,
            webhook_id,
            sequence_key,
            PENDING,
            self._db.time(now),
            self._db.time(now),
            self._db.time(now),
        )
        return written(await self.find_delivery_by_id(written(row)["id"]))

    async def insert_webhook_events(
        self, events: Sequence[NewEvent], now: datetime
    ) -> list[WebhookEvent]:
        """Every event of a transaction in one statement per chunk."""
        stored: list[WebhookEvent] = []
        at = self._db.time(now)
        for start in range(0, len(events), _ROWS_PER_INSERT):
            chunk = events[start : start + _ROWS_PER_INSERT]
            fresh = [ordered_uuid() for _ in chunk]
            args: list[object] = []
            for uuid, event in zip(fresh, chunk, strict=True):
                args += [
                    uuid,
                    event.name,
                    event.subject.consumer,
                    event.subject.provider,
                    json_text(event.variables),
                    event.pact_version_sha,
                    event.consumer_version_id,
                    event.verification_id,
                    event.change_request_id,
                    at,
                    _targets_text(event.targets),
                ]
            values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
            rows = await self._db.fetch(
                "INSERT INTO webhook_events (uuid, name, consumer_name, provider_name, variables,"  # noqa: S608 - placeholders only
                " pact_version_sha, consumer_version_id, verification_id, change_request_id,"
                f" created_at, targets) VALUES {values} RETURNING id, uuid",
                *args,
            )
            ids = {row["uuid"]: row["id"] for row in rows}
            stored += [
                WebhookEvent(
                    id=ids[uuid],
                    uuid=uuid,
                    name=event.name,
                    consumer_name=event.subject.consumer,
                    provider_name=event.subject.provider,
                    variables=event.variables,
                    pact_version_sha=event.pact_version_sha,
                    consumer_version_id=event.consumer_version_id,
                    verification_id=event.verification_id,
                    change_request_id=event.change_request_id,
                    created_at=now,
                )
                for uuid, event in zip(fresh, chunk, strict=True)
            ]
        return stored

    async def fan_out_events(self, limit: int = _EVENTS_PER_FAN_OUT) -> int:
        """Turn stored events' targets into deliveries, oldest event first; how many were made.

        Publications store only the event with its targets (one row, not one per webhook);
        this runs before deliveries are claimed or read. A target whose webhook was deleted
        meanwhile is dropped, as deleting a webhook deletes its deliveries. On PostgreSQL the
        events are locked first, so two brokers never fan one event out twice (the second
        waits, then finds nothing left to do).
        """
        rows = await self._db.fetch(
            "SELECT id, targets, created_at FROM webhook_events"  # noqa: S608 - the dialect's locking clause
            f" WHERE targets IS NOT NULL ORDER BY id LIMIT ?{self._db.for_update}",
            limit,
        )
        if not rows:
            return 0
        planned = [
            (row["id"], moment(row["created_at"]), target)
            for row in rows
            for target in msgspec.json.decode(row["targets"], type=list[Target])
        ]
        wanted = sorted({target.webhook_id for _, _, target in planned})
        alive = {
            row["id"]
            for start in range(0, len(wanted), _ROWS_PER_INSERT)
            for row in await self._db.fetch(
                "SELECT id FROM webhooks WHERE id IN"  # noqa: S608 - placeholders only
                f" ({', '.join('?' * len(wanted[start : start + _ROWS_PER_INSERT]))})",
                *wanted[start : start + _ROWS_PER_INSERT],
            )
        }
        kept = [item for item in planned if item[2].webhook_id in alive]
        for start in range(0, len(kept), _ROWS_PER_INSERT):
            chunk = kept[start : start + _ROWS_PER_INSERT]
            args: list[object] = []
            for event_id, created, target in chunk:
                at = self._db.time(created)
                args += [
                    target.uuid,
                    event_id,
                    target.webhook_id,
                    target.sequence_key,
                    PENDING,
                    at,
                    at,
                    at,
                ]
            values = ", ".join(["(?, ?, ?, ?, ?, 0, ?, ?, ?)"] * len(chunk))
            await self._db.execute(
                "INSERT INTO webhook_deliveries (uuid, event_id, webhook_id, sequence_key,"  # noqa: S608 - placeholders only
                f" status, attempts, next_attempt_at, created_at, updated_at) VALUES {values}",
                *args,
            )
        ids = [row["id"] for row in rows]
        await self._db.execute(
            "UPDATE webhook_events SET targets = NULL WHERE id IN"  # noqa: S608 - placeholders only
            f" ({', '.join('?' * len(ids))})",
            *ids,
        )
        return len(kept)

    async def find_webhook_event(self, event_id: int) -> WebhookEvent | None:
        row = await self._db.fetchrow("SELECT * FROM webhook_events WHERE id = ?", event_id)
        return None if row is None else _event(row)

    async def find_delivery_by_id(self, delivery_id: int) -> Delivery | None:
        row = await self._db.fetchrow(f"{_DELIVERY} WHERE d.id = ?", delivery_id)
        return None if row is None else _delivery(row)

    async def find_delivery(self, uuid: str) -> Delivery | None:
        row = await self._db.fetchrow(f"{_DELIVERY} WHERE d.uuid = ?", uuid)
        return None if row is None else _delivery(row)

    async def webhook_work_due(self, now: datetime) -> bool:
        # Three probes of partial or leading-column indexes; a plain read, so on PostgreSQL an
        # idle poll that finds nothing begins no transaction.
        row = await self._db.fetchrow(
            "SELECT EXISTS (SELECT 1 FROM webhook_events WHERE targets IS NOT NULL)"
            " OR EXISTS (SELECT 1 FROM webhook_deliveries"
            "  WHERE status = ? AND next_attempt_at <= ?)"
            " OR EXISTS (SELECT 1 FROM webhook_deliveries WHERE status = ? AND lease_until <= ?)"
            " AS due",
            PENDING,
            self._db.time(now),
            RUNNING,
            self._db.time(now),
        )
        return row is not None and bool(row["due"])

    async def claim_deliveries(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Due deliveries, first of their sequence, marked running for `worker` until the lease.

        Due: pending and its time has come, or running with a lease that ran out (its worker
        died). First of its sequence: no earlier delivery with its key is still to be made.
        """
        rows = await self._db.fetch(
            "SELECT d.id FROM webhook_deliveries d"  # noqa: S608 - the dialect's locking clause
            " WHERE ((d.status = ? AND d.next_attempt_at <= ?)"
            " OR (d.status = ? AND d.lease_until <= ?))"
            " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.sequence_key ="
            " d.sequence_key AND e.id < d.id AND e.status IN (?, ?))"
            f" ORDER BY d.id LIMIT ?{self._db.skip_locked}",
            PENDING,
            self._db.time(now),
            RUNNING,
            self._db.time(now),
            PENDING,
            RUNNING,
            limit,
        )
        claimed = []
        for row in rows:
            await self._db.execute(
                "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1,"
                " lease_until = ?, worker = ?, updated_at = ? WHERE id = ?",
                RUNNING,
                self._db.time(lease_until),
                worker,
                self._db.time(now),
                row["id"],
            )
            claimed.append(written(await self.find_delivery_by_id(row["id"])))
        return claimed

    async def insert_attempt(self, delivery_id: int, attempt: Attempt) -> None:
        await self._db.execute(
            "INSERT INTO webhook_attempts (delivery_id, number, worker, started_at, duration_ms,"
            " request, response_status, response_headers, response_body, error, succeeded)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            delivery_id,
            attempt.number,
            attempt.worker,
            self._db.time(attempt.started_at),
            attempt.duration_ms,
            json_text(attempt.request),
            attempt.response_status,
            json_text([list(pair) for pair in attempt.response_headers]),
            attempt.response_body,
            attempt.error,
            attempt.succeeded,
        )

    async def settle_delivery(
        self,
        delivery_id: int,
        *,
        worker: str,
        status: str,
        next_attempt_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Record where a claimed delivery stands after an attempt; False if the claim was lost.

        A claim is lost when the lease ran out and another worker claimed the delivery.
        """
        assert status in {PENDING, SUCCEEDED, DEAD}
        changed = await self._db.execute(
            "UPDATE webhook_deliveries SET status = ?, next_attempt_at = COALESCE(?,"
            " next_attempt_at), lease_until = NULL, updated_at = ?"
            " WHERE id = ? AND status = ? AND worker = ?",
            status,
            self._db.time(next_attempt_at),
            self._db.time(now),
            delivery_id,
            RUNNING,
            worker,
        )
        return changed > 0

    async def redrive_delivery(self, delivery_id: int, now: datetime) -> bool:
        """Make a dead delivery pending again, due now, its attempts counted afresh."""
        changed = await self._db.execute(
            "UPDATE webhook_deliveries SET status = ?, attempts = 0, next_attempt_at = ?,"
            " updated_at = ? WHERE id = ? AND status = ?",
            PENDING,
            self._db.time(now),
            self._db.time(now),
            delivery_id,
            DEAD,
        )
        return changed > 0

    async def attempts_of(self, delivery_id: int) -> list[Attempt]:
        rows = await self._db.fetch(
            "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY number, id",
            delivery_id,
        )
        return [_attempt(row) for row in rows]

    async def list_deliveries(
        self,
        *,
        webhook_id: int | None = None,
        event_ids: Sequence[int] | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Deliveries, newest first, narrowed by webhook, events and status."""
        conditions: list[str] = []
        args: list[object] = []
        if webhook_id is not None:
            conditions.append("d.webhook_id = ?")
            args.append(webhook_id)
        if event_ids is not None:
            if not event_ids:
                return []
            conditions.append(f"d.event_id IN ({', '.join('?' * len(event_ids))})")
            args.extend(event_ids)
        if status is not None:
            conditions.append("d.status = ?")
            args.append(status)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self._db.fetch(f"{_DELIVERY}{where} ORDER BY d.id DESC LIMIT ?", *args, limit)
        return [_delivery(row) for row in rows]

    async def events_caused_by(
        self,
        *,
        pact_version_sha: str | None = None,
        consumer_version_id: int | None = None,
        verification_id: int | None = None,
        change_request_id: int | None = None,
    ) -> list[WebhookEvent]:
        """The events a publication, a verification or a change request caused, oldest first."""
        conditions: list[str] = []
        args: list[object] = []
        for column, value in (
            ("pact_version_sha", pact_version_sha),
            ("consumer_version_id", consumer_version_id),
            ("verification_id", verification_id),
            ("change_request_id", change_request_id),
        ):
            if value is not None:
                conditions.append(f"{column} = ?")
                args.append(value)
        if not conditions:
            return []
        rows = await self._db.fetch(
            f"SELECT * FROM webhook_events WHERE {' AND '.join(conditions)} ORDER BY id",  # noqa: S608 - fixed columns
            *args,
        )
        return [_event(row) for row in rows]

    async def count_deliveries(self, status: str) -> int:
        return int(
            await self._db.fetchval(
                "SELECT count(*) FROM webhook_deliveries WHERE status = ?", status
            )
        )

    # facts for template variables: one statement each, so an event costs few round trips

    async def labels_of_pacticipants(self, pacticipant_ids: Sequence[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {i: [] for i in pacticipant_ids}
        if not pacticipant_ids:
            return found
        rows = await self._db.fetch(
            "SELECT pacticipant_id, name FROM labels"  # noqa: S608 - placeholders only
            f" WHERE pacticipant_id IN ({', '.join('?' * len(pacticipant_ids))}) ORDER BY name",
            *pacticipant_ids,
        )
        for row in rows:
            found[row["pacticipant_id"]].append(row["name"])
        return found

    async def names_of_versions(
        self, version_ids: Sequence[int]
    ) -> dict[int, tuple[list[str], list[str]]]:
        found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in version_ids}
        if not version_ids:
            return found
        marks = ", ".join("?" * len(version_ids))
        rows = await self._db.fetch(
            "SELECT bv.version_id, 'branch' AS kind, b.name, bv.seq AS seq FROM branch_versions bv"  # noqa: S608 - placeholders only
            f" JOIN branches b ON b.id = bv.branch_id WHERE bv.version_id IN ({marks})"
            " UNION ALL SELECT t.version_id, 'tag' AS kind, t.name, t.seq AS seq FROM tags t"
            f" WHERE t.version_id IN ({marks}) ORDER BY seq",
            *version_ids,
            *version_ids,
        )
        for row in rows:
            branches, tags = found[row["version_id"]]
            (branches if row["kind"] == "branch" else tags).append(row["name"])
        return found

    async def live_versions_of(
        self, pacticipant_id: int, branch: str | None = None
    ) -> list[tuple[Version, str, str]]:
        _, live = await self.pact_event_facts((), pacticipant_id, branch)
        return live

    async def pact_event_facts(
        self, labelled: Sequence[int], provider_id: int, branch: str | None
    ) -> tuple[dict[int, list[str]], list[tuple[Version, str, str]]]:
        """Labels and the provider's live versions in one statement: events cost round trips.

        Every row has the version's columns, where it is (environment, branch or label name)
        and how: deployed, released, head, or label (the version columns then hold only the
        labelled pacticipant's id).
        """
        # Fixed fragments only; every value is bound.
        columns = "v.id, v.pacticipant_id, v.number, v.build_url, v.created_at, v.updated_at"
        current = (
            f"SELECT {columns}, e.name AS place, '{{how}}' AS how FROM {{table}} t"  # noqa: S608 - fixed fragments
            " JOIN versions v ON v.id = t.version_id JOIN environments e"
            " ON e.uuid = t.environment_uuid WHERE t.pacticipant_id = ? AND t.{ended} IS NULL"
        )
        parts = [
            current.format(how="deployed", table="deployed_versions", ended="undeployed_at"),
            current.format(how="released", table="released_versions", ended="support_ended_at"),
        ]
        args: list[object] = [provider_id, provider_id]
        if branch is not None:
            parts.append(
                f"SELECT * FROM (SELECT {columns}, b.name AS place, 'head' AS how FROM branches b"  # noqa: S608 - fixed fragments
                " JOIN branch_versions bv ON bv.branch_id = b.id"
                " JOIN versions v ON v.id = bv.version_id"
                " WHERE b.pacticipant_id = ? AND b.name = ? ORDER BY bv.seq DESC LIMIT 1) h"
            )
            args += [provider_id, branch]
        if labelled:
            marks = ", ".join("?" * len(labelled))
            parts.append(
                "SELECT NULL, l.pacticipant_id, NULL, NULL, NULL, NULL, l.name AS place,"  # noqa: S608 - fixed fragments
                f" 'label' AS how FROM labels l WHERE l.pacticipant_id IN ({marks})"
            )
            args += list(labelled)
        union = " UNION ALL ".join(parts)
        rows = await self._db.fetch(
            f"SELECT * FROM ({union}) x ORDER BY how = 'head' DESC, place, how, id",  # noqa: S608
            *args,
        )
        labels: dict[int, list[str]] = {i: [] for i in labelled}
        live: dict[tuple[int, str, str], tuple[Version, str, str]] = {}
        for row in rows:
            if row["how"] == "label":
                labels[row["pacticipant_id"]].append(row["place"])
                continue
            key = (row["id"], row["place"], row["how"])
            live.setdefault(key, (to_version(row), row["place"], row["how"]))
        return labels, list(live.values())
