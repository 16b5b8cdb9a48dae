"""Check results as text (a line per check), JSON or JUnit XML.

Shared by `accord probe` (a check of an operation) and `accord event-check` (a check of a
message interaction): each result names its subject, its check and its outcome, and says what
was expected and what happened.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import msgspec

_MARKS = {"passed": "PASSED ", "failed": "FAILED ", "skipped": "SKIPPED"}


class CheckResult(Protocol):
    """What a report reads of one check's result."""

    @property
    def check(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def expected(self) -> str: ...
    @property
    def actual(self) -> str: ...
    @property
    def detail(self) -> str: ...


R = TypeVar("R", bound=CheckResult)


def render_text(results: Sequence[R], subject: Callable[[R], str]) -> str:
    """A line per check (`PASSED  subject  check`), then the counts.

    A failure adds what was expected and what happened; a skip adds why.
    """
    lines = []
    for result in results:
        line = f"{_MARKS[result.outcome]} {subject(result)}  {result.check}"
        if result.outcome == "failed":
            line += f"\n    expected {result.expected}, got {result.actual}\n    {result.detail}"
        elif result.outcome == "skipped":
            line += f": {result.detail}"
        lines.append(line)
    lines.append(summary(results))
    return "\n".join(lines)


def summary(results: Sequence[CheckResult]) -> str:
    """`N checks: P passed, F failed, S skipped`."""
    counts = dict.fromkeys(_MARKS, 0)
    for result in results:
        counts[result.outcome] += 1
    return (
        f"{len(results)} checks: {counts['passed']} passed, {counts['failed']} failed,"
        f" {counts['skipped']} skipped"
    )


def render_json(results: Sequence[CheckResult]) -> str:
    """The results as a JSON array of their fields."""
    return msgspec.json.encode(results).decode()


def render_junit(
    results: Sequence[R], suite_name: str, classname: Callable[[R], str], name: Callable[[R], str]
) -> str:
    """One `testsuite` named `suite_name`, one `testcase` per check."""
    failed = sum(result.outcome == "failed" for result in results)
    skipped = sum(result.outcome == "skipped" for result in results)
    suites = ET.Element("testsuites", name=suite_name)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=suite_name,
        tests=str(len(results)),
        failures=str(failed),
        skipped=str(skipped),
        errors="0",
    )
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=classname(result), name=name(result))
        if result.outcome == "failed":
            message = f"expected {result.expected}, got {result.actual}"
            ET.SubElement(case, "failure", message=message, type=result.check).text = result.detail
        elif result.outcome == "skipped":
            ET.SubElement(case, "skipped", message=result.detail)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
