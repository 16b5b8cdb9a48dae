"""`/pacticipants/{p}/versions/{v}/test-results`: the body a client publishes and the HAL answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import quote

import msgspec

from broker.domain.model import Pacticipant, Version
from broker.domain.test_results import KINDS, MAX_REPORTS, MAX_SYSTEMS, ReportToRead, TestRun
from broker.http.hal import Body, Links, timestamp
from broker.http.wire import Name
from broker.services.test_results import TestResultsToPublish

TEST_RESULTS = "/pacticipants/{p}/versions/{v}/test-results"

Kind = Annotated[str, msgspec.Meta(extra_json_schema={"enum": list(KINDS)})]


class _Wire(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=False):
    """Base of request structs."""


class TestReportBody(_Wire):
    """One JUnit XML report: the file's name and its text."""

    __test__ = False

    name: str
    content: str


class PublishTestResultsBody(_Wire):
    """`POST /pacticipants/{p}/versions/{v}/test-results`."""

    __test__ = False

    kind: Kind
    reports: Annotated[list[TestReportBody], msgspec.Meta(max_length=MAX_REPORTS)]
    systems: Annotated[list[str], msgspec.Meta(max_length=MAX_SYSTEMS)] = msgspec.field(
        default_factory=list
    )
    branch: Name | None = None


def to_publish(
    pacticipant: str, version: str, body: PublishTestResultsBody
) -> TestResultsToPublish:
    """The service's request."""
    return TestResultsToPublish(
        pacticipant=pacticipant,
        version=version,
        kind=body.kind,
        systems=tuple(body.systems),
        branch=body.branch or None,
        reports=tuple(
            ReportToRead(name=report.name, content=report.content.encode("utf-8"))
            for report in body.reports
        ),
    )


def _run(run: TestRun) -> Body:
    return {
        "name": run.report_name,
        "kind": run.kind,
        "systems": list(run.systems),
        "branch": run.branch,
        "tests": run.tests,
        "failures": run.failures,
        "skipped": run.skipped,
        "createdAt": timestamp(run.created_at),
    }


def test_results(
    links: Links, pacticipant: Pacticipant, version: Version, runs: Sequence[TestRun]
) -> Body:
    """The version's reports (all of them, or those one publication stored)."""
    p_href = links.path("/pacticipants/{p}", p=pacticipant.name)
    v_href = links.path("/pacticipants/{p}/versions/{v}", p=pacticipant.name, v=version.number)
    return {
        "pacticipant": pacticipant.name,
        "version": version.number,
        "tests": sum(run.tests for run in runs),
        "failures": sum(run.failures for run in runs),
        "_embedded": {"testResults": [_run(run) for run in runs]},
        "_links": {
            "self": links.link(
                links.path(TEST_RESULTS, p=pacticipant.name, v=version.number),
                title="Test results",
            ),
            "pb:pacticipant": links.link(p_href, title="Pacticipant", name=pacticipant.name),
            "pb:pacticipant-version": links.link(v_href, title="Version", name=version.number),
            "pb:coverage": links.link(
                f"{p_href}/coverage?version={quote(version.number, safe='')}",
                title="Integration test coverage",
            ),
        },
    }
