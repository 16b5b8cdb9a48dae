"""The event checks' results as text (a line per check), JSON or JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import msgspec

from verifier.events.run import EventResult

_MARKS = {"passed": "PASSED ", "failed": "FAILED ", "skipped": "SKIPPED"}
SUITE = "accord event-check"


def render_text(results: list[EventResult]) -> str:
    """A line per check, then the counts."""
    lines = []
    for result in results:
        line = f"{_MARKS[result.outcome]} {result.interaction}  {result.check}"
        if result.outcome == "failed":
            line += f"\n    expected {result.expected}, got {result.actual}\n    {result.detail}"
        elif result.outcome == "skipped":
            line += f": {result.detail}"
        lines.append(line)
    lines.append(summary(results))
    return "\n".join(lines)


def summary(results: list[EventResult]) -> str:
    """`N checks: P passed, F failed, S skipped`."""
    counts = {outcome: 0 for outcome in _MARKS}
    for result in results:
        counts[result.outcome] += 1
    return (
        f"{len(results)} checks: {counts['passed']} passed, {counts['failed']} failed,"
        f" {counts['skipped']} skipped"
    )


def render_json(results: list[EventResult]) -> str:
    """An array of `{provider, interaction, check, outcome, expected, actual, detail, …}`."""
    return msgspec.json.encode(results).decode()


def render_junit(results: list[EventResult]) -> str:
    """One `testsuite` (accord event-check), one `testcase` per check (class: the interaction)."""
    failed = sum(result.outcome == "failed" for result in results)
    skipped = sum(result.outcome == "skipped" for result in results)
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        tests=str(len(results)),
        failures=str(failed),
        skipped=str(skipped),
        errors="0",
    )
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=result.interaction, name=result.check)
        if result.outcome == "failed":
            message = f"expected {result.expected}, got {result.actual}"
            ET.SubElement(case, "failure", message=message, type=result.check).text = result.detail
        elif result.outcome == "skipped":
            ET.SubElement(case, "skipped", message=result.detail)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
