"""Retention (`accord broker clean`) on both backends: what the selectors keep, what is never
deleted, a dry run that deletes nothing and counts what the real run deletes, the audit entry,
the webhook history, and re-checking at delete time what the plan could not foresee."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import NamedTuple, cast

import msgspec
import pytest

from broker.domain.audit import AuditFilters
from broker.domain.errors import StorageUnavailableError
from broker.domain.governance import Kind, NewRequest, Status
from broker.domain.model import (
    DeployedVersion,
    Environment,
    Pacticipant,
    PacticipantChanges,
    Page,
    ReleasedVersion,
    Verification,
    Version,
)
from broker.domain.retention import Counts, Policy
from broker.domain.webhooks import (
    CONTRACT_PUBLISHED,
    Attempt,
    EventSubject,
    NewEvent,
    Target,
    WebhookDraft,
    WebhookRequest,
)
from broker.services.clock import Clock
from broker.services.retention import RetentionService
from broker.storage.interface import Storage, Transaction
from tests.integration.storage.test_storage_pacts import publish

TABLES = (
    "versions",
    "pact_publications",
    "pact_versions",
    "verifications",
    "branch_versions",
    "tags",
    "deployed_versions",
    "released_versions",
    "provider_contract_publications",
    "provider_contract_versions",
    "comparisons",
    "publish_warnings",
    "webhook_events",
    "webhook_deliveries",
    "webhook_attempts",
    "audit_log",
)


class History(NamedTuple):
    web: Pacticipant
    orders: Pacticipant
    w: dict[str, Version]
    o: dict[str, Version]


def clock_at(moment: datetime) -> Clock:
    return lambda: moment


async def row_counts(storage: Storage) -> dict[str, int]:
    """Rows per table, read through a driver the way the storage code does."""
    counts = {}
    async with storage.transaction() as tx:
        db = tx._db  # type: ignore[attr-defined]
        for table in TABLES:
            counts[table] = int(await db.fetchval(f"SELECT count(*) FROM {table}"))
    return counts


async def numbers(storage: Storage, pacticipant: Pacticipant) -> set[str]:
    async with storage.transaction() as tx:
        versions, _ = await tx.list_versions(pacticipant.id, Page(number=1, size=100))
        return {v.number for v in versions}


async def verify(  # noqa: PLR0917 - one result's facts
    tx: Transaction, web: Pacticipant, orders: Pacticipant, sha: str, by: Version, now: datetime
) -> None:
    content = await tx.find_pact_version(web.id, orders.id, sha)
    assert content is not None
    await tx.insert_verification(
        Verification(
            id=0,
            pact_version_id=content.id,
            consumer_id=web.id,
            provider_id=orders.id,
            provider_version_id=by.id,
            success=True,
            created_at=now,
        )
    )


async def history(storage: Storage, environment: Environment, now: datetime) -> History:
    """Web (a consumer) and Orders (its provider), each version there for a reason.

    Web: w1..w8 on main, w9 and w10 on `feat`, w11 and w12 on no branch; w2 and w11 tagged
    `prod`; w3 deployed, w4 deployed then undeployed, w5 released, w6 released with support
    ended; w7 named by an open change request, w1 by a rejected one; w2 the only version with
    a pact with Users. Orders: o1..o4 on main; o1 first verified content `a`, o2 content `b`,
    o3 only content `y` (held by w4 alone), o4 content `d`; o3 published an OpenAPI document
    nobody else did, o4 another.
    """
    minute = timedelta(minutes=1)
    async with storage.transaction() as tx:
        web = await tx.insert_pacticipant("Web", PacticipantChanges(main_branch="main"), now)
        orders = await tx.insert_pacticipant("Orders", PacticipantChanges(main_branch="main"), now)
        users = await tx.insert_pacticipant("Users", PacticipantChanges(), now)
        test = await tx.insert_environment(
            Environment(
                uuid="6f1c4a0e-0000-4000-8000-000000000002",
                name="test",
                display_name="Test",
                production=False,
                created_at=now,
                updated_at=now,
            )
        )
        w = {}
        for i in range(1, 13):
            w[f"w{i}"] = await tx.insert_version(web.id, f"w{i}", None, now + i * minute)
        main = await tx.insert_branch(web.id, "main", now)
        feat = await tx.insert_branch(web.id, "feat", now)
        for i in range(1, 9):
            await tx.insert_branch_version(main.id, w[f"w{i}"].id, now + i * minute)
        for name in ("w9", "w10"):
            await tx.insert_branch_version(feat.id, w[name].id, now)
        for name in ("w2", "w11"):
            await tx.insert_tag(w[name].id, "prod", now)
        for name, undeployed in (("w3", None), ("w4", now + 20 * minute)):
            await tx.insert_deployed_version(
                DeployedVersion(
                    uuid=f"deployed-{name}",
                    version_id=w[name].id,
                    pacticipant_id=web.id,
                    environment_id=environment.uuid,
                    application_instance=None,
                    created_at=now,
                    undeployed_at=undeployed,
                )
            )
        for name, ended in (("w5", None), ("w6", now + 20 * minute)):
            await tx.insert_released_version(
                ReleasedVersion(
                    uuid=f"released-{name}",
                    version_id=w[name].id,
                    pacticipant_id=web.id,
                    environment_id=test.uuid,
                    created_at=now,
                    support_ended_at=ended,
                )
            )
        for name, status in (("w7", Status.OPEN), ("w1", Status.REJECTED)):
            request = await tx.insert_change_request(
                NewRequest(
                    kind=Kind.PACT,
                    pacticipant="Web",
                    provider="Orders",
                    content_sha=f"sha-{name}",
                    base_sha=None,
                    author="user:alice",
                    requirements=(),
                    affected=(),
                    created_at=now,
                    version=name,
                )
            )
            if status is not Status.OPEN:
                await tx.save_change_request(msgspec.structs.replace(request, status=status))
        contents = {
            "w1": "z",
            "w2": "a",
            "w3": "a",
            "w4": "y",
            "w5": "a",
            "w6": "b",
            "w7": "b",
            "w8": "b",
            "w9": "c",
            "w10": "c",
            "w11": "d",
        }
        for name, sha in contents.items():
            await publish(tx, web, orders, w[name], sha, now)
        await publish(tx, web, users, w["w2"], "u", now)
        await tx.add_publish_warnings("Web", "w4", ["a warning"], now)
        o = {}
        orders_main = await tx.insert_branch(orders.id, "main", now)
        for i in range(1, 5):
            o[f"o{i}"] = await tx.insert_version(orders.id, f"o{i}", None, now + i * minute)
            await tx.insert_branch_version(orders_main.id, o[f"o{i}"].id, now)
        for sha, by in (("z", "o1"), ("a", "o1"), ("b", "o2"), ("y", "o3"), ("d", "o4")):
            await verify(tx, web, orders, sha, o[by], now)
        for by, sha in (("o3", "doc-1"), ("o4", "doc-2")):
            document = await tx.insert_provider_contract(
                orders.id,
                sha,
                "{}",
                content_type="application/json",
                specification="oas",
                now=now,
            )
            await tx.save_contract_publication(
                provider_id=orders.id,
                provider_version_id=o[by].id,
                contract_version_id=document.id,
                self_verification_success=True,
                self_verification=None,
                now=now,
            )
            a = await tx.find_pact_version(web.id, orders.id, "a")
            assert a is not None
            await tx.save_comparison(a.id, document.id, success=True, findings="[]", now=now)
    del users
    return History(web=web, orders=orders, w=w, o=o)


async def test_the_selectors_keep_exactly_what_they_should(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    service = RetentionService(storage, clock_at(now + timedelta(days=1)), batch_size=2)
    report = await service.clean(Policy(keep_latest_per_branch=1), dry_run=False)

    # Deleted: w1 (held only by a rejected request), w4 (undeployed), w6 (support ended), w9
    # (not the head of feat); o3 (verified only w4's content).
    assert await numbers(storage, h.web) == {"w2", "w3", "w5", "w7", "w8", "w10", "w11", "w12"}
    assert await numbers(storage, h.orders) == {"o1", "o2", "o4"}
    assert report.by_pacticipant == {
        "Web": Counts(
            versions=4,
            pact_publications=4,
            pact_versions=2,  # z and y, held by no version left
            branch_versions=4,
            tags=0,
            deployments=1,
            releases=1,
            publish_warnings=1,
        ),
        "Orders": Counts(
            versions=1,
            verifications=2,  # o3's of y, and o1's of z (its content went)
            branch_versions=1,
            provider_contract_publications=1,
            provider_contracts=1,
            comparisons=1,
        ),
    }
    assert report.versions_kept == {
        "deployed": 1,
        "released": 1,
        "open change request": 1,
        "latest version": 2,  # w12, o4
        "latest with a tag": 1,  # w11
        "latest pact of an integration": 1,  # w2, the only pact with Users
        "latest on a branch": 2,  # w8, w10
        "keeps pending status": 2,  # o1 first verified a, o2 b
    }


async def test_a_cutoff_and_more_versions_per_branch_keep_more(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    service = RetentionService(storage, clock_at(now + timedelta(days=1)))
    policy = Policy(keep_latest_per_branch=2, keep_newer_than=now + timedelta(minutes=6))
    await service.clean(policy, dry_run=False)
    # w6 is newer than the cutoff now, w7 and w8 are the newest two of main, w9 of feat.
    assert await numbers(storage, h.web) == {
        *("w2", "w3", "w5", "w6", "w7", "w8", "w9", "w10", "w11", "w12"),
    }
    assert await numbers(storage, h.orders) == {"o1", "o2", "o3", "o4"}


async def test_deployed_released_and_requested_versions_are_never_deleted(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    service = RetentionService(storage, clock_at(now + timedelta(days=1)))
    for _ in range(2):  # a second clean finds nothing more among them
        await service.clean(Policy(keep_latest_per_branch=1), dry_run=False)
        assert {"w3", "w5", "w7"} <= await numbers(storage, h.web)
    async with storage.transaction() as tx:
        # A version deployed after the plan named it stays: the delete checks again.
        await tx.insert_deployed_version(
            DeployedVersion(
                uuid="deployed-late",
                version_id=h.w["w2"].id,
                pacticipant_id=h.web.id,
                environment_id=environment.uuid,
                application_instance="late",
                created_at=now,
            )
        )
        counts = await tx.clean_versions(
            h.web.id, "Web", [h.w["w2"].id, h.w["w8"].id, h.w["w3"].id], delete=True
        )
    assert counts == Counts()  # deployed, a branch head, deployed
    assert {"w2", "w3", "w8"} <= await numbers(storage, h.web)


async def test_a_dry_run_deletes_nothing_and_counts_what_the_real_run_deletes(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    await history(storage, environment, now)
    service = RetentionService(storage, clock_at(now + timedelta(days=1)), batch_size=3)
    before = await row_counts(storage)
    dry = await service.clean(Policy(keep_latest_per_branch=1), dry_run=True)
    assert await row_counts(storage) == before  # not even an audit entry
    real = await service.clean(Policy(keep_latest_per_branch=1), dry_run=False)
    after = await row_counts(storage)
    assert msgspec.to_builtins(real.by_pacticipant) == msgspec.to_builtins(dry.by_pacticipant)
    totals = real.totals
    assert {table: before[table] - after[table] for table in TABLES} == {
        "versions": totals.versions,
        "pact_publications": totals.pact_publications,
        "pact_versions": totals.pact_versions,
        "verifications": totals.verifications,
        "branch_versions": totals.branch_versions,
        "tags": totals.tags,
        "deployed_versions": totals.deployments,
        "released_versions": totals.releases,
        "provider_contract_publications": totals.provider_contract_publications,
        "provider_contract_versions": totals.provider_contracts,
        "comparisons": totals.comparisons,
        "publish_warnings": totals.publish_warnings,
        "webhook_events": 0,
        "webhook_deliveries": 0,
        "webhook_attempts": 0,
        "audit_log": -1,  # one entry more
    }


async def test_a_real_run_appends_one_audit_entry_with_its_counts(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    await history(storage, environment, now)
    later = now + timedelta(days=1)
    service = RetentionService(storage, clock_at(later))
    await service.clean(Policy(keep_latest_per_branch=1), dry_run=False)
    async with storage.transaction() as tx:
        entries, total = await tx.list_audit_entries(
            AuditFilters(action="retention.clean"), Page(number=1, size=10)
        )
    assert total == 1
    assert entries[0].record.subject == (
        "clean:versions=5,pacts=4,pact_contents=2,verifications=2,other=11,"
        "webhook_events=0,webhook_deliveries=0,webhook_attempts=0"
    )
    assert entries[0].record.actor == "anonymous"


async def test_webhook_history_goes_once_delivered_or_dead_and_old_enough(
    storage: Storage, now: datetime
) -> None:
    old, recent = now - timedelta(days=40), now - timedelta(days=1)
    async with storage.transaction() as tx:
        hook = await tx.insert_webhook(
            WebhookDraft(
                uuid="hook-0000000000001",
                events=(CONTRACT_PUBLISHED,),
                request=WebhookRequest(method="POST", url="https://ci.example/build"),
            ),
            old,
        )
        made = {}
        for name, at in (("old-done", old), ("old-pending", old), ("new-dead", recent)):
            event = await tx.insert_webhook_event(
                NewEvent(name=CONTRACT_PUBLISHED, subject=EventSubject(provider="P"), variables={}),
                at,
            )
            made[name] = await tx.insert_delivery(event.id, hook.id, name, at)
        # An old event not yet fanned out into its delivery: it has a delivery still to make.
        [unexpanded] = await tx.insert_webhook_events(
            [
                NewEvent(
                    name=CONTRACT_PUBLISHED,
                    subject=EventSubject(provider="P"),
                    variables={},
                    targets=(Target(webhook_id=hook.id, sequence_key="later", uuid="u-later"),),
                )
            ],
            old,
        )
    for name, status in (("old-done", "succeeded"), ("new-dead", "dead")):
        async with storage.transaction() as tx:
            claimed = await tx.claim_deliveries(
                worker="w", now=now, lease_until=now + timedelta(minutes=1), limit=10
            )
            assert made[name].id in {d.id for d in claimed}
            for delivery in claimed:
                await tx.insert_attempt(
                    delivery.id,
                    Attempt(
                        number=1,
                        worker="w",
                        started_at=now,
                        duration_ms=5,
                        request={},
                        succeeded=status == "succeeded",
                    ),
                )
                settled = status if delivery.id == made[name].id else "pending"
                await tx.settle_delivery(
                    delivery.id, worker="w", status=settled, next_attempt_at=now, now=now
                )
    service = RetentionService(storage, clock_at(now), batch_size=1)
    policy = Policy(outbox_older_than=now - timedelta(days=30))
    dry = await service.clean(policy, dry_run=True)
    real = await service.clean(policy, dry_run=False)
    assert msgspec.to_builtins(dry.outbox) == msgspec.to_builtins(real.outbox)
    assert (
        real.outbox.webhook_events,
        real.outbox.webhook_deliveries,
        real.outbox.webhook_attempts,
    ) == (1, 1, 1)
    async with storage.transaction() as tx:
        assert await tx.find_delivery(made["old-done"].uuid) is None
        assert await tx.find_delivery(made["old-pending"].uuid) is not None
        assert await tx.find_delivery(made["new-dead"].uuid) is not None
        assert await tx.find_webhook_event(unexpanded.id) is not None
        assert await tx.fan_out_events() == 1
        assert await tx.find_delivery("u-later") is not None


async def test_without_pending_status_the_first_verifiers_go_too(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    service = RetentionService(storage, clock_at(now + timedelta(days=1)))
    policy = Policy(keep_latest_per_branch=1, keep_pending_status=False)
    report = await service.clean(policy, dry_run=False)
    assert await numbers(storage, h.orders) == {"o4"}
    assert "keeps pending status" not in report.versions_kept
    assert report.by_pacticipant["Orders"].versions == 3


class _FailingContents:
    """A storage whose transactions fail when asked to delete pact contents."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[object]:
        async with self._storage.transaction() as tx:
            yield _FailingTransaction(tx)


class _FailingTransaction:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def __getattr__(self, name: str) -> object:
        return getattr(self._tx, name)

    async def clean_pact_contents(self, *_: object, **__: object) -> None:
        raise StorageUnavailableError("the database went away")


async def test_a_run_that_fails_part_way_audits_what_it_deleted(
    storage: Storage, environment: Environment, now: datetime
) -> None:
    h = await history(storage, environment, now)
    failing = cast("Storage", _FailingContents(storage))
    service = RetentionService(failing, clock_at(now + timedelta(days=1)))
    with pytest.raises(StorageUnavailableError):
        await service.clean(Policy(keep_latest_per_branch=1), dry_run=False)
    assert "w1" not in await numbers(storage, h.web)  # the versions went before the failure
    async with storage.transaction() as tx:
        [entry], _ = await tx.list_audit_entries(
            AuditFilters(action="retention.clean"), Page(number=1, size=10)
        )
    assert entry.record.subject.startswith("clean:versions=5,pacts=4,pact_contents=0,")
    assert entry.record.subject.endswith(",interrupted")
