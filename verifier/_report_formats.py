"""Machine-readable reports: JSON (the result model, camelCase) and JUnit XML for CI servers.

In JUnit, each pact is a `testsuite` and each interaction a `testcase`; a failure lists its
mismatches, an error its reason. An interaction that was not verified is a failure of type
`not-verified` (it fails the run), unless pending. A failed pending interaction is written as
`skipped` with the failure in its message, since it must not fail the build that reads the
report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import msgspec

from verifier._camel import camel_builtins
from verifier._report import summary
from verifier._results import InteractionResult, PactResult, VerificationResult


def render_json(result: VerificationResult) -> str:
    """The result as JSON: every pact and interaction, plus the verdict and the counts.

    Member names are camelCase (`providerStates`, `isPending`), as in every JSON accord prints.
    """
    document = camel_builtins(result)
    assert isinstance(document, dict), "a struct becomes an object"
    document["success"] = result.is_success
    document["summary"] = summary(result)
    for pact, shown in zip(result.pacts, document["pacts"], strict=True):
        shown["success"] = pact.is_success
    return msgspec.json.encode(document).decode()


def _details(result: InteractionResult) -> str:
    lines = [finding.description for finding in result.findings]
    if result.error:
        lines.insert(0, result.error)
    if result.curl:
        lines.append(f"replay: {result.curl}")
    return "\n".join(lines)


def _testcase(suite: ET.Element, pact: PactResult, result: InteractionResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"{pact.consumer}.{pact.provider}",
        name=result.description,
        time=f"{result.duration:.3f}",
    )
    first = result.findings[0].description if result.findings else (result.error or "")
    is_pending = pact.is_pending_for(result)
    if is_pending and not result.is_ok:
        reason = f"pending, {result.status}: {first}"
        ET.SubElement(case, "skipped", message=reason).text = _details(result) or None
    elif result.status == "skipped":
        message = f"not verified: {first}"
        ET.SubElement(case, "failure", message=message, type="not-verified").text = _details(result)
    elif result.status == "failed":
        ET.SubElement(case, "failure", message=first, type="mismatch").text = _details(result)
    elif result.status == "error":
        ET.SubElement(case, "error", message=first, type="error").text = _details(result)


def render_junit(result: VerificationResult) -> str:
    """The result as JUnit XML: a testsuite per pact, a testcase per interaction."""
    root = ET.Element(
        "testsuites",
        name=f"Pact verification of {result.provider}",
        time=f"{result.duration:.3f}",
    )
    for pact in result.pacts:
        counted = {"failures": 0, "errors": 0, "skipped": 0}
        for interaction in pact.interactions:
            if pact.is_pending_for(interaction) and not interaction.is_ok:
                counted["skipped"] += 1
            elif interaction.status in {"failed", "skipped"}:
                counted["failures"] += 1
            elif interaction.status == "error":
                counted["errors"] += 1
        attributes = {
            "name": f"{pact.consumer} -> {pact.provider}",
            "tests": str(len(pact.interactions)),
            "time": f"{sum(item.duration for item in pact.interactions):.3f}",
        } | {key: str(value) for key, value in counted.items()}
        suite = ET.SubElement(root, "testsuite", attributes)
        for interaction in pact.interactions:
            _testcase(suite, pact, interaction)
    totals = {
        key: sum(int(suite.get(key, "0")) for suite in root)
        for key in ("tests", "failures", "errors", "skipped")
    }
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
