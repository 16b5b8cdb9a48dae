"""Published test results: JUnit XML reports read into test cases, and what they are stored as.

A report may also be the JSON results of `accord probe` (an array of operation, check and
outcome) or of `accord event-check` (interaction, check and outcome), read as test cases whose
class is the operation or the interaction and whose name is the check id.

Pure and bounded. A report is hostile input: it is read with the standard library's expat
parser, refusing any document type declaration (so no entity can be declared, expanded or
fetched: no billion laughs, no external entities), and refused past `MAX_REPORT_BYTES`,
`MAX_DEPTH` nested elements or `MAX_CASES` test cases. JUnit has dialects (pytest, Jest,
Maven Surefire, Gradle): each writes `testsuite` elements, nested or under a `testsuites`
root, holding `testcase` elements whose `failure`, `error` or `skipped` child says how the test
ended; everything else in a report (properties, output) is read past.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from xml.parsers import expat

import msgspec

from broker.domain.errors import FieldError, InvalidInputError


class TestKind(StrEnum):
    """What kind of integration test a report holds."""

    API = "api"
    EVENT = "event"
    DATA = "data"
    E2E = "e2e"


KINDS = tuple(kind.value for kind in TestKind)

MAX_REPORT_BYTES = 2 * 1024 * 1024
MAX_REPORTS = 20
MAX_DEPTH = 32
MAX_CASES = 10_000  # in one publication, over all its reports
MAX_SYSTEMS = 50
MAX_TEXT = 500  # characters kept of a name, a suite or a class name

Outcome = Literal["passed", "failed", "skipped"]


class TestCase(msgspec.Struct, frozen=True, kw_only=True):
    """One test of a report: its suite, class and name, and how it ended."""

    __test__ = False  # not a pytest class

    suite: str = ""
    classname: str = ""
    name: str
    outcome: Outcome


class TestReport(msgspec.Struct, frozen=True, kw_only=True):
    """One report as published (a file's name and its cases)."""

    __test__ = False

    name: str
    cases: tuple[TestCase, ...]

    @property
    def tests(self) -> int:
        """How many test cases the report holds."""
        return len(self.cases)

    @property
    def failures(self) -> int:
        """How many failed (a failure or an error)."""
        return sum(1 for case in self.cases if case.outcome == "failed")

    @property
    def skipped(self) -> int:
        """How many were skipped."""
        return sum(1 for case in self.cases if case.outcome == "skipped")


class TestRun(msgspec.Struct, frozen=True, kw_only=True):
    """A stored report: whose version published it, its kind and the systems involved."""

    __test__ = False

    id: int
    pacticipant_id: int
    version_id: int
    kind: str
    systems: tuple[str, ...]
    branch: str | None = None
    report_name: str
    cases: tuple[TestCase, ...]
    tests: int
    failures: int
    skipped: int
    created_at: datetime


class _Refused(Exception):
    """The report is not one we read; the message says why."""


class _Reader:
    """Expat callbacks collecting test cases, with the bounds checked as elements open."""

    def __init__(self, room: int) -> None:
        self.cases: list[TestCase] = []
        self._room = room
        self._depth = 0
        self._suites: list[str] = []
        self._case: dict[str, str] | None = None
        self._case_depth = 0
        self._outcome: Outcome = "passed"
        self.root: str | None = None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nests elements deeper than {MAX_DEPTH}")
        if self.root is None:
            self.root = tag
            if tag not in ("testsuites", "testsuite"):
                raise _Refused(f"is not JUnit XML: its root is <{tag}>, not <testsuites>")
        if tag == "testsuite" and self._case is None:
            self._suites.append(attributes.get("name", "")[:MAX_TEXT])
        elif tag == "testcase" and self._case is None:
            if len(self.cases) >= self._room:
                raise _Refused(f"holds more than {MAX_CASES} test cases in one publication")
            self._case = attributes
            self._case_depth = self._depth
            self._outcome = "passed"
        elif self._case is not None and self._depth == self._case_depth + 1:
            if tag in ("failure", "error"):
                self._outcome = "failed"
            elif tag == "skipped" and self._outcome == "passed":
                self._outcome = "skipped"

    def end(self, tag: str) -> None:
        if self._case is not None and self._depth == self._case_depth:
            case = self._case
            self.cases.append(
                TestCase(
                    suite=self._suites[-1] if self._suites else "",
                    classname=case.get("classname", "")[:MAX_TEXT],
                    name=case.get("name", "")[:MAX_TEXT],
                    outcome=self._outcome,
                )
            )
            self._case = None
        elif tag == "testsuite" and self._case is None and self._suites:
            self._suites.pop()
        self._depth -= 1


def _no_doctype(*_: object) -> int:
    raise _Refused("declares a document type, which test reports never need (entities refused)")


def read_junit(content: bytes, *, room: int = MAX_CASES) -> list[TestCase]:
    """The test cases of a JUnit XML report; `ValueError` saying why it cannot be read.

    `room` is how many cases the report may still add to its publication.
    """
    if len(content) > MAX_REPORT_BYTES:
        raise ValueError(f"is larger than {MAX_REPORT_BYTES} bytes")
    reader = _Reader(room)
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.ExternalEntityRefHandler = _no_doctype
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    try:
        parser.Parse(content, True)
    except _Refused as refused:
        raise ValueError(str(refused)) from None
    except expat.ExpatError as error:
        raise ValueError(
            f"is not well-formed XML ({expat.errors.messages[error.code]}, line {error.lineno})"
        ) from None
    if reader.root is None:
        raise ValueError("is empty")
    return reader.cases


class ProbeCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of `accord probe` or `accord event-check` JSON results, and its outcome.

    A probe's entry names the operation; an event check's, the message interaction.
    """

    operation: Annotated[str, msgspec.Meta(max_length=MAX_TEXT)] = ""
    interaction: Annotated[str, msgspec.Meta(max_length=MAX_TEXT)] = ""
    check: Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]
    outcome: Outcome


PROBE_SUITE = "accord probe"
EVENT_CHECK_SUITE = "accord event-check"


def read_probe_json(content: bytes, *, room: int = MAX_CASES) -> list[TestCase]:
    """The checks of a probe's or an event check's JSON results as test cases.

    A probe's check is a case of the `accord probe` suite whose class is the operation; an
    event check's, of the `accord event-check` suite whose class is the interaction's
    description. The name is the check id. `ValueError` saying why they cannot be read.
    """
    if len(content) > MAX_REPORT_BYTES:
        raise ValueError(f"is larger than {MAX_REPORT_BYTES} bytes")
    try:
        checks = msgspec.json.decode(content, type=list[ProbeCheck])
    except msgspec.ValidationError as error:
        raise ValueError(f"is not probe or event-check results: {error}") from None
    except msgspec.DecodeError as error:
        raise ValueError(f"is not JSON ({error})") from None
    except RecursionError:  # an unknown member nested past msgspec's bound, skipped recursively
        raise ValueError("nests too deeply to be read") from None
    if len(checks) > room:
        raise ValueError(f"holds more than {MAX_CASES} test cases in one publication")
    cases = []
    for index, check in enumerate(checks):
        if bool(check.operation) == bool(check.interaction):
            raise ValueError(
                f"is not probe or event-check results: entry {index} must name either an"
                " operation or an interaction"
            )
        cases.append(
            TestCase(
                suite=PROBE_SUITE if check.operation else EVENT_CHECK_SUITE,
                classname=check.operation or check.interaction,
                name=check.check,
                outcome=check.outcome,
            )
        )
    return cases


def read_report(content: bytes, *, room: int = MAX_CASES) -> list[TestCase]:
    """A JUnit XML report, or a probe's or event check's JSON results (starting with `[`)."""
    if content.lstrip()[:1] == b"[":
        return read_probe_json(content, room=room)
    return read_junit(content, room=room)


class ReportToRead(msgspec.Struct, frozen=True, kw_only=True):
    """A report as the client sent it: a file name and its bytes."""

    name: str
    content: bytes


class Publication(msgspec.Struct, frozen=True, kw_only=True):
    """What a publication of test results holds once read: kind, systems and reports."""

    kind: TestKind
    systems: tuple[str, ...]
    reports: tuple[TestReport, ...]


def read_publication(
    kind: object, systems: Sequence[object], reports: Sequence[ReportToRead]
) -> Publication:
    """Kind, systems and reports checked and read; `InvalidInputError` naming each bad field."""
    read = publication_or_problems(kind, systems, reports)
    if isinstance(read, Publication):
        return read
    raise InvalidInputError("The test results are not valid", read)


def publication_or_problems(
    kind: object, systems: Sequence[object], reports: Sequence[ReportToRead]
) -> Publication | list[FieldError]:
    """`read_publication` with the problems returned, for a worker process to hand back."""
    problems: list[FieldError] = []
    if not (isinstance(kind, str) and kind in KINDS):
        problems.append(FieldError("/kind", f"must be one of {', '.join(KINDS)}, not {kind!r}"))
    if len(systems) > MAX_SYSTEMS:
        problems.append(FieldError("/systems", f"must name at most {MAX_SYSTEMS} systems"))
    for index, system in enumerate(systems):
        if not isinstance(system, str) or not system.strip() or len(system) > MAX_TEXT:
            problems.append(
                FieldError(f"/systems/{index}", f"must be a name of 1 to {MAX_TEXT} characters")
            )
    if not reports:
        problems.append(FieldError("/reports", "must hold at least one JUnit XML report"))
    if len(reports) > MAX_REPORTS:
        problems.append(FieldError("/reports", f"must hold at most {MAX_REPORTS} reports"))
    read: list[TestReport] = []
    room = MAX_CASES
    for index, report in enumerate(reports[:MAX_REPORTS]):
        if not report.name.strip() or len(report.name) > MAX_TEXT:
            problems.append(
                FieldError(f"/reports/{index}/name", f"must be 1 to {MAX_TEXT} characters")
            )
        try:
            cases = read_report(report.content, room=room)
        except ValueError as refused:
            problems.append(FieldError(f"/reports/{index}/content", f"{refused}"))
            continue
        room -= len(cases)
        read.append(TestReport(name=report.name[:MAX_TEXT], cases=tuple(cases)))
    if problems:
        return problems
    names = tuple(dict.fromkeys(str(system).strip() for system in systems))
    return Publication(kind=TestKind(str(kind)), systems=names, reports=tuple(read))
