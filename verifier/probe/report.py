"""The probe's results as text (a line per check), JSON or JUnit XML."""

from __future__ import annotations

from verifier import _check_report
from verifier._check_report import render_json, summary
from verifier.probe.run import ProbeResult

__all__ = ["render_json", "render_junit", "render_text", "summary"]


def render_text(results: list[ProbeResult]) -> str:
    """A line per check (`PASSED  operation  check`), then the counts."""
    return _check_report.render_text(results, lambda result: result.operation)


def render_junit(results: list[ProbeResult]) -> str:
    """One `testsuite` (accord probe), one `testcase` per check, named `operation check`."""
    return _check_report.render_junit(
        results,
        "accord probe",
        lambda result: result.operation,
        lambda result: f"{result.operation} {result.check}",
    )
