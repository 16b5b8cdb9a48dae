"""The event checks' results as text (a line per check), JSON or JUnit XML."""

from __future__ import annotations

from verifier import _check_report
from verifier._check_report import render_json, summary
from verifier.events.run import EventResult

SUITE = "accord event-check"

__all__ = ["SUITE", "render_json", "render_junit", "render_text", "summary"]


def render_text(results: list[EventResult]) -> str:
    """A line per check (`PASSED  interaction  check`), then the counts."""
    return _check_report.render_text(results, lambda result: result.interaction)


def render_junit(results: list[EventResult]) -> str:
    """One `testsuite` (accord event-check), one `testcase` per check (class: the interaction)."""
    return _check_report.render_junit(
        results, SUITE, lambda result: result.interaction, lambda result: result.check
    )
