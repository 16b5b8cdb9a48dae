"""The coverage report as the INTEGRATION-TEST.md teams write by hand.

Three sections: "Integration Points: P" (APIs called and exposed, events published and
consumed), "Integration Test Coverage: P" (API and event integration with their tests and
covered scenarios, E2E workflows) and "Coverage Gaps" (a checklist). Table cells are escaped,
so a pipe or a newline in a name cannot break the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from broker.domain.coverage import CoverageReport, PointCoverage
from broker.domain.coverage_points import Direction
from broker.domain.governance import Mode

_TARGETS = {
    Mode.GREENFIELD: "every integration point (greenfield)",
    Mode.POLISH: "the points new or changed since the deployed version (brownfield-polish)",
    Mode.ENTERPRISE: "the points changed since the deployed version (brownfield-enterprise)",
}


def _cell(value: object) -> str:
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|") or "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    if not rows:
        return ["None.", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(_cell(value) for value in row) + " |" for row in rows)
    return [*lines, ""]


def _of(report: CoverageReport, direction: Direction) -> list[PointCoverage]:
    return [item for item in report.points if item.point.direction is direction]


def _change(item: PointCoverage) -> str:
    return item.change or "new"


def _target(item: PointCoverage) -> str:
    if not item.in_target:
        return "not in target"
    return "covered" if item.covered else "missing " + ", ".join(item.missing)


def _points(report: CoverageReport) -> list[str]:
    p = report.pacticipant
    lines = [f"## Integration Points: {p}", ""]
    lines += ["### APIs Called", ""]
    lines += _table(
        ["Provider", "Endpoint", "Method", "Purpose"],
        [
            [i.point.counterpart, i.point.path, i.point.method, "; ".join(i.point.purposes)]
            for i in _of(report, Direction.CALLED)
        ],
    )
    lines += ["### APIs Exposed", ""]
    lines += _table(
        ["Endpoint", "Method", "Consumers"],
        [
            [i.point.path, i.point.method, ", ".join(i.point.consumers) or "none"]
            for i in _of(report, Direction.EXPOSED)
        ],
    )
    lines += ["### Events Published", ""]
    lines += _table(
        ["Event", "Channel", "Consumers"],
        [
            [i.point.event, i.point.channel, ", ".join(i.point.consumers)]
            for i in _of(report, Direction.PUBLISHED)
        ],
    )
    lines += ["### Events Consumed", ""]
    lines += _table(
        ["Event", "Channel", "Publisher"],
        [
            [i.point.event, i.point.channel, i.point.counterpart]
            for i in _of(report, Direction.CONSUMED)
        ],
    )
    return lines


def _coverage(report: CoverageReport) -> list[str]:
    p = report.pacticipant
    lines = [f"## Integration Test Coverage: {p}", ""]
    lines += [
        f"Coverage: {report.covered} of {report.target} integration points in the target"
        f" ({report.percentage:g}%). Target: {_TARGETS[report.mode]}.",
        "",
    ]
    lines += ["### API Integration", ""]
    lines += _table(
        ["Endpoint", "Direction", "Tests", "Covered scenarios", "Change", "Target"],
        [
            [
                i.point.name,
                f"called ({i.point.counterpart})" if i.point.counterpart else "exposed",
                i.tests,
                ", ".join(i.scenarios) or "none",
                _change(i),
                _target(i),
            ]
            for i in report.points
            if i.point.is_api
        ],
    )
    lines += ["### Event Integration", ""]
    lines += _table(
        ["Event", "Direction", "Tests", "Covered scenarios", "Change", "Target"],
        [
            [
                i.point.event,
                i.point.direction.value,
                i.tests,
                ", ".join(i.scenarios) or "none",
                _change(i),
                _target(i),
            ]
            for i in report.points
            if not i.point.is_api
        ],
    )
    lines += ["### E2E Workflows", ""]
    lines += _table(
        ["Workflow", "Tests", "Systems involved"],
        [[w.name, w.tests, ", ".join(w.systems)] for w in report.workflows],
    )
    return lines


def markdown(report: CoverageReport) -> str:
    """The report as markdown, ending with one newline."""
    version = f"Version {report.version}" if report.version else "No version yet"
    against = (
        f", compared with {report.baseline} deployed in {report.environment}"
        if report.baseline
        else (f", nothing deployed in {report.environment}" if report.environment else "")
    )
    lines = [
        f"# Integration Tests: {report.pacticipant}",
        "",
        f"{version}, mode {report.mode.value}{against}.",
        "",
        *_points(report),
        *_coverage(report),
        "## Coverage Gaps",
        "",
    ]
    lines += [f"- [ ] {_cell(gap)}" for gap in report.gaps] or ["None."]
    return "\n".join(lines).rstrip("\n") + "\n"
