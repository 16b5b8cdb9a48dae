"""Published test results: a version's JUnit reports of API, event, data and E2E tests.

Publishing creates the pacticipant and the version if they are new (as publishing a pact
does), puts the version on the branch given, and stores one row per report with the kind and
the systems involved; the coverage report reads them back (`services/coverage.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import msgspec

from broker.domain.errors import InvalidInputError
from broker.domain.model import Pacticipant, Version
from broker.domain.names import check_name
from broker.domain.test_results import (
    Publication,
    ReportToRead,
    TestRun,
    publication_or_problems,
)
from broker.services.audit import audit
from broker.services.clock import Clock, system_clock
from broker.services.pacticipants import ensure_pacticipant, require_pacticipant
from broker.services.versions import ensure_version, record_branch_and_tags, require_version
from broker.services.work import InlineWork, Work
from broker.storage.interface import Storage


class TestResultsToPublish(msgspec.Struct, frozen=True, kw_only=True):
    """A publication as the HTTP layer read it: the reports' bytes are still unread."""

    __test__ = False

    pacticipant: str
    version: str
    kind: object
    systems: tuple[object, ...]
    branch: str | None = None
    reports: tuple[ReportToRead, ...]


class PublishedTestResults(msgspec.Struct, frozen=True, kw_only=True):
    """What a publication stored, for the answer."""

    pacticipant: Pacticipant
    version: Version
    runs: tuple[TestRun, ...]


class TestResultService:
    """Publishing and reading a version's test results."""

    __test__ = False

    def __init__(
        self, storage: Storage, clock: Clock = system_clock, *, work: Work | None = None
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._work: Work = work or InlineWork()

    async def publish(self, given: TestResultsToPublish) -> PublishedTestResults:
        """Store each report; `InvalidInputError` naming each bad field, before any write."""
        check_name(given.pacticipant, "/pacticipant", "pacticipant name")
        check_name(given.version, "/version", "version number")
        if given.branch is not None:
            check_name(given.branch, "/branch", "branch name")
        # Reading up to 20 reports of 2 MB is CPU work: off the event loop, under the budget.
        read = await self._work.run(
            publication_or_problems, given.kind, given.systems, given.reports
        )
        if not isinstance(read, Publication):
            raise InvalidInputError("The test results are not valid", read)
        publication = read
        async with self._storage.transaction() as tx:
            pacticipant = await ensure_pacticipant(tx, given.pacticipant, self._clock)
            version, _ = await ensure_version(tx, pacticipant, given.version, self._clock)
            await record_branch_and_tags(
                tx, pacticipant, version, branch_name=given.branch, tags=(), clock=self._clock
            )
            now = self._clock()
            runs = []
            for report in publication.reports:
                runs.append(
                    await tx.insert_test_run(
                        pacticipant_id=pacticipant.id,
                        version_id=version.id,
                        kind=publication.kind.value,
                        systems=publication.systems,
                        branch=given.branch,
                        report=report,
                        now=now,
                    )
                )
            subject = f"test-results:{pacticipant.name}@{version.number}"
            after = hashlib.sha256(msgspec.json.encode(publication)).hexdigest()
            await audit(tx, now, "test-results.publish", subject, None, after, pacticipant.name)
            return PublishedTestResults(pacticipant=pacticipant, version=version, runs=tuple(runs))

    async def list_runs(
        self, pacticipant_name: str, version_number: str
    ) -> tuple[Pacticipant, Version, Sequence[TestRun]]:
        """The reports a version published, oldest first; `NotFoundError` for an unknown one."""
        async with self._storage.browse() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            version = await require_version(tx, pacticipant, version_number)
            return pacticipant, version, await tx.test_runs_of_version(version.id)
