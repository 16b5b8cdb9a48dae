"""Published test results: their SQL and row mapping, written once for both drivers.

One row per report; the systems and the test cases are JSON arrays in text columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from broker.domain.test_results import TestCase, TestReport, TestRun
from broker.storage.driver import Driver, Row, json_text, record, written


def _run(row: Row) -> TestRun:
    return record(
        TestRun,
        row,
        systems=msgspec.json.decode(row["systems"], type=tuple[str, ...]),
        cases=msgspec.json.decode(row["cases"], type=tuple[TestCase, ...]),
    )


class TestResultRows:
    """The `TestResults` role of a transaction."""

    _db: Driver

    async def insert_test_run(
        self,
        *,
        pacticipant_id: int,
        version_id: int,
        kind: str,
        systems: Sequence[str],
        branch: str | None,
        report: TestReport,
        now: datetime,
    ) -> TestRun:
        inserted = await self._db.insert(
            "INSERT INTO test_results (pacticipant_id, version_id, kind, systems, branch,"
            " report_name, cases, tests, failures, skipped, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            pacticipant_id,
            version_id,
            kind,
            json_text(list(systems)),
            branch,
            report.name,
            json_text(report.cases),
            report.tests,
            report.failures,
            report.skipped,
            self._db.time(now),
            conflict="Those test results already exist",
            missing="The pacticipant or the version of the test results does not exist",
        )
        row = await self._db.fetchrow(
            "SELECT * FROM test_results WHERE id = ?", written(inserted)["id"]
        )
        return _run(written(row))

    async def test_runs_of_version(self, version_id: int) -> list[TestRun]:
        rows = await self._db.fetch(
            "SELECT * FROM test_results WHERE version_id = ? ORDER BY id", version_id
        )
        return [_run(row) for row in rows]

    async def coverage_minimum(self, pacticipant_name: str) -> int | None:
        found = await self._db.fetchval(
            "SELECT minimum FROM coverage_policies WHERE pacticipant_name = ?", pacticipant_name
        )
        return None if found is None else int(found)

    async def save_coverage_minimum(
        self, pacticipant_name: str, minimum: int | None, now: datetime
    ) -> None:
        if minimum is None:
            await self._db.execute(
                "DELETE FROM coverage_policies WHERE pacticipant_name = ?", pacticipant_name
            )
            return
        await self._db.execute(
            "INSERT INTO coverage_policies (pacticipant_name, minimum, updated_at)"
            " VALUES (?, ?, ?) ON CONFLICT (pacticipant_name)"
            " DO UPDATE SET minimum = excluded.minimum, updated_at = excluded.updated_at",
            pacticipant_name,
            minimum,
            self._db.time(now),
        )
