"""Published test results and the coverage report, as the SDK sends and reads them.

    with BrokerClient("http://127.0.0.1:9292") as broker:
        broker.publish_test_results(
            "Orders", "1.4.0", [("e2e.xml", Path("e2e.xml").read_bytes())],
            kind="e2e", systems=["Web", "Orders", "Payments"], branch="main",
        )
        report = broker.get_coverage("Orders", version="1.4.0")
        print(report.percentage, report.gaps)
        print(broker.get_coverage_markdown("Orders", environment="production"))

Test results are JUnit XML reports (any runner's) of a version's API, event, data or E2E tests
(`POST /pacticipants/{p}/versions/{v}/test-results`); the coverage report
(`GET /pacticipants/{p}/coverage`) counts them with the pacts against each integration point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from clients.sdk import _hal as hal
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import Resource

KINDS = ("api", "event", "data", "e2e")


class TestResultReport(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One stored report: its name, kind, systems and counts."""

    __test__ = False

    name: str
    kind: str
    systems: list[str] = msgspec.field(default_factory=list)
    branch: str | None = None
    tests: int = 0
    failures: int = 0
    skipped: int = 0
    created_at: str = ""


class _TestResultsEmbedded(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    test_results: list[TestResultReport] = msgspec.field(default_factory=list)


class TestResults(Resource, frozen=True, kw_only=True):
    """A version's test results (or those one publication stored)."""

    __test__ = False

    pacticipant: str
    version: str
    tests: int = 0
    failures: int = 0
    embedded: _TestResultsEmbedded = msgspec.field(
        default_factory=_TestResultsEmbedded, name="_embedded"
    )

    @property
    def reports(self) -> list[TestResultReport]:
        """The reports, oldest first."""
        return self.embedded.test_results


class CoveragePoint(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One integration point of the report, with its tests and scenarios."""

    direction: str
    name: str
    tests: int = 0
    failed: int = 0
    scenarios: list[str] = msgspec.field(default_factory=list)
    needs: list[str] = msgspec.field(default_factory=list)
    missing: list[str] = msgspec.field(default_factory=list)
    covered: bool = False
    change: str | None = None
    in_target: bool = False
    method: str | None = None
    path: str | None = None
    event: str | None = None
    channel: str | None = None
    counterpart: str | None = None
    consumers: list[str] = msgspec.field(default_factory=list)


class Workflow(msgspec.Struct, frozen=True, kw_only=True):
    """An end-to-end workflow of the published E2E results."""

    name: str
    tests: int = 0
    failed: int = 0
    systems: list[str] = msgspec.field(default_factory=list)


class Coverage(Resource, frozen=True, kw_only=True):
    """`GET /pacticipants/{p}/coverage`: the points, their coverage, the target and the gaps."""

    pacticipant: str
    version: str | None = None
    mode: str = "greenfield"
    environment: str | None = None
    baseline: str | None = None
    target: int = 0
    covered: int = 0
    percentage: float = 100.0
    points: list[CoveragePoint] = msgspec.field(default_factory=list)
    workflows: list[Workflow] = msgspec.field(default_factory=list)
    gaps: list[str] = msgspec.field(default_factory=list)


def publish_test_results(
    session: Session,
    pacticipant: str,
    version: str,
    reports: Iterable[tuple[str, bytes]],
    *,
    kind: str,
    systems: Iterable[str],
    branch: str | None,
) -> Operation[TestResults]:
    """POST the reports (file name, JUnit XML bytes) of one kind for a version.

    Raises:
        ValueError: no reports, or a report that is not UTF-8 text.
    """
    given = list(reports)
    if not given:
        msg = f"No test reports to publish for {pacticipant} version {version}"
        raise ValueError(msg)
    texts = []
    for name, content in given:
        try:
            texts.append({"name": name, "content": content.decode("utf-8")})
        except UnicodeDecodeError:
            msg = f"The test report {name} is not UTF-8 text"
            raise ValueError(msg) from None
    href = hal.expand(
        "/pacticipants/{pacticipant}/versions/{version}/test-results",
        {"pacticipant": pacticipant, "version": version},
    )
    body: dict[str, object] = {"kind": kind, "systems": list(systems), "reports": texts}
    if branch is not None:
        body["branch"] = branch
    return (yield from session.fetch("POST", href, TestResults, body=body))


def _query(version: str | None, environment: str | None) -> Mapping[str, str]:
    given = {"version": version, "environment": environment}
    return {key: value for key, value in given.items() if value is not None}


def _href(pacticipant: str) -> str:
    return hal.expand("/pacticipants/{pacticipant}/coverage", {"pacticipant": pacticipant})


def get_coverage(
    session: Session, pacticipant: str, *, version: str | None, environment: str | None
) -> Operation[Coverage]:
    """The coverage report of the version (default: the newest) against the environment's."""
    return (
        yield from session.fetch(
            "GET", _href(pacticipant), Coverage, params=_query(version, environment)
        )
    )


def get_coverage_markdown(
    session: Session, pacticipant: str, *, version: str | None, environment: str | None
) -> Operation[str]:
    """The same report as the INTEGRATION-TEST.md markdown the broker writes."""
    request = session.builder.request(
        "GET", _href(pacticipant), params=_query(version, environment)
    )
    request.headers["Accept"] = "text/markdown"
    response = yield request
    session.builder.check(response)
    return response.text


class CoveragePolicy(Resource, frozen=True, kw_only=True):
    """`/pacticipants/{p}/coverage-policy`: the lowest percentage can-i-deploy lets through."""

    pacticipant: str
    minimum: int | None = None


def set_coverage_policy(
    session: Session, pacticipant: str, minimum: int | None
) -> Operation[CoveragePolicy]:
    """Set the pacticipant's coverage policy (admin); None removes it."""
    href = hal.expand("/pacticipants/{pacticipant}/coverage-policy", {"pacticipant": pacticipant})
    return (yield from session.fetch("PUT", href, CoveragePolicy, body={"minimum": minimum}))
