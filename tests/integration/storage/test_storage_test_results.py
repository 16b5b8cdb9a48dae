"""Published test results, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import NotFoundError
from broker.domain.model import Pacticipant, Version
from broker.domain.test_results import TestCase, TestReport
from broker.storage.interface import Storage

REPORT = TestReport(
    name="probe.xml",
    cases=(
        TestCase(suite="probe", classname="GET /users/{id}", name="auth.valid", outcome="passed"),
        TestCase(suite="probe", classname="GET /users/{id}", name="not-found", outcome="failed"),
        TestCase(suite="probe", classname="POST /users", name="rate-limit ✓", outcome="skipped"),
    ),
)


async def test_a_report_reads_back_with_its_cases_kind_and_systems(
    storage: Storage, pacticipant: Pacticipant, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        stored = await tx.insert_test_run(
            pacticipant_id=pacticipant.id,
            version_id=version.id,
            kind="api",
            systems=["Users", "Billing"],
            branch="main",
            report=REPORT,
            now=now,
        )
        second = await tx.insert_test_run(
            pacticipant_id=pacticipant.id,
            version_id=version.id,
            kind="e2e",
            systems=[],
            branch=None,
            report=TestReport(name="e2e.xml", cases=()),
            now=now + timedelta(seconds=1),
        )
    async with storage.transaction() as tx:
        runs = await tx.test_runs_of_version(version.id)
        assert await tx.test_runs_of_version(version.id + 100) == []
    assert runs == [stored, second]
    assert stored.cases == REPORT.cases
    assert (stored.kind, stored.systems, stored.branch) == ("api", ("Users", "Billing"), "main")
    assert (stored.tests, stored.failures, stored.skipped) == (3, 1, 1)
    assert stored.created_at == now
    assert second.systems == ()
    assert second.branch is None


async def test_a_report_of_a_missing_version_is_refused(
    storage: Storage, pacticipant: Pacticipant, now: datetime
) -> None:
    with pytest.raises(NotFoundError):
        async with storage.transaction() as tx:
            await tx.insert_test_run(
                pacticipant_id=pacticipant.id,
                version_id=987654,
                kind="api",
                systems=[],
                branch=None,
                report=REPORT,
                now=now,
            )


async def test_deleting_the_version_deletes_its_reports(
    storage: Storage, pacticipant: Pacticipant, version: Version, now: datetime
) -> None:
    async with storage.transaction() as tx:
        await tx.insert_test_run(
            pacticipant_id=pacticipant.id,
            version_id=version.id,
            kind="api",
            systems=[],
            branch=None,
            report=REPORT,
            now=now,
        )
    async with storage.transaction() as tx:
        await tx.delete_version(version)
    async with storage.transaction() as tx:
        assert await tx.test_runs_of_version(version.id) == []


async def test_a_version_with_test_results_is_no_orphan(
    storage: Storage, pacticipant: Pacticipant, version: Version, now: datetime
) -> None:
    """Deleting an integration keeps the versions whose test results someone published."""
    async with storage.transaction() as tx:
        await tx.insert_test_run(
            pacticipant_id=pacticipant.id,
            version_id=version.id,
            kind="e2e",
            systems=[],
            branch=None,
            report=REPORT,
            now=now,
        )
        assert await tx.delete_orphan_versions([pacticipant.id]) == 0
    async with storage.transaction() as tx:
        assert len(await tx.test_runs_of_version(version.id)) == 1


async def test_a_coverage_policy_is_set_replaced_and_removed(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        assert await tx.coverage_minimum("Orders") is None
        await tx.save_coverage_minimum("Orders", 80, now)
        await tx.save_coverage_minimum("Web", 10, now)
    async with storage.transaction() as tx:
        assert await tx.coverage_minimum("Orders") == 80
        await tx.save_coverage_minimum("Orders", 65, now + timedelta(seconds=1))
    async with storage.transaction() as tx:
        assert await tx.coverage_minimum("Orders") == 65
        await tx.save_coverage_minimum("Orders", None, now)
    async with storage.transaction() as tx:
        assert await tx.coverage_minimum("Orders") is None
        assert await tx.coverage_minimum("Web") == 10
