"""Integration test coverage: each point's scenarios, the target by mode, the gaps, the percentage.

Pure: `report` takes the points of the version asked about (and of the baseline, the version
deployed in the environment compared with), the version's published test results and what
verified the consumers' pacts, and returns the report that `coverage_markdown` writes out.

- A point's **scenarios** are covered by pacts (`contract`) and by published test cases that
  name the point: an API test (kind `api`) whose class or name holds the operation id as a
  word or `METHOD /path` exactly (found through `CaseIndex`), an event test (kind `event`)
  whose class or name holds the event's description or channel (an `accord event-check`
  result names its event exactly: its class is the interaction's description). The scenario
  is read from
  the test's words: `auth`, `validation`, `rate limit`/`429`, `timeout`/`deadline`,
  `not found`/`404`; `format`/`schema`, `idempotency`/`duplicate`, `ordering`/`out of order`,
  `dead letter`/`dlq`. Probe check ids
  (`auth.valid`, `rate-limit`, `not-found`...) and event check ids (`event.idempotency`,
  `event.ordering`, `event.dead-letter`, `event.format`) read the same way. A test that ran
  counts, passed or failed; a skipped one does not. For an event, a scenario is covered only
  by a test that passed: a failed duplicate or ordering check leaves its gap open, saying it
  failed.
- A point **needs**: `contract` (every point); for an exposed operation also `auth` when it
  requires a security scheme, `validation` when it declares 400 or 422, `not found` for 404,
  `rate limit` for 429, `timeout` for 503 or 504; for an event, `idempotency` and `ordering`.
  A point is **covered** when it has every scenario it needs.
- The **target** by mode: greenfield, every point; brownfield-polish, the points new or changed
  since the baseline; brownfield-enterprise, the changed points only (without a baseline every
  point is new). The percentage is the covered points of the target over the target (100 for
  an empty target).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import msgspec

from broker.domain.coverage_points import Direction, Point
from broker.domain.governance import Mode
from broker.domain.test_results import EVENT_CHECK_SUITE, TestCase, TestKind, TestRun

API_SCENARIOS = ("contract", "auth", "validation", "rate limit", "timeout", "not found")
EVENT_SCENARIOS = ("contract", "format", "idempotency", "ordering", "dead letter")

# The words of a test's name that say which scenario it checks (after `-`, `_`, `.` and
# camelCase became spaces, lower case).
_WORDS: dict[str, tuple[str, ...]] = {
    "contract": ("contract",),
    "auth": ("auth", "authentication", "authorization", "unauthorized", "forbidden", "401", "403"),
    "validation": ("validation", "bad request", "400", "422"),
    "rate limit": ("rate limit", "ratelimit", "throttl", "429"),
    "timeout": ("timeout", "time out", "timed out", "deadline", "504"),
    "not found": ("not found", "notfound", "404"),
    "format": ("format", "schema"),
    "idempotency": ("idempot", "duplicate", "dedup"),
    "ordering": ("ordering", "out of order", "in order", "sequence"),
    "dead letter": ("dead letter", "deadletter", "dlq"),
}
_STATUS_NEEDS = {
    "400": "validation",
    "422": "validation",
    "404": "not found",
    "429": "rate limit",
    "503": "timeout",
    "504": "timeout",
}


class Verified(msgspec.Struct, frozen=True, kw_only=True):
    """Whether a consumer's latest pact with the pacticipant was verified (and by which)."""

    consumer: str
    verified: bool
    by: str = ""  # the provider version it must be verified by; "" for any version


class PointCoverage(msgspec.Struct, frozen=True, kw_only=True):
    """One point with its tests, scenarios and place in the target."""

    point: Point
    tests: int
    failed: int
    scenarios: tuple[str, ...]
    needs: tuple[str, ...]
    change: str  # new, changed, unchanged; "" without a baseline
    in_target: bool
    failing: tuple[str, ...] = ()  # events: scenarios only failed tests speak of

    @property
    def covered(self) -> bool:
        """Whether every scenario the point needs is covered."""
        return set(self.needs) <= set(self.scenarios)

    @property
    def missing(self) -> tuple[str, ...]:
        """The scenarios it needs and lacks, in the report's order."""
        return tuple(need for need in self.needs if need not in self.scenarios)


class Workflow(msgspec.Struct, frozen=True, kw_only=True):
    """An end-to-end workflow: an E2E suite, its test count and the systems involved."""

    name: str
    tests: int
    failed: int
    systems: tuple[str, ...]


class CoverageReport(msgspec.Struct, frozen=True, kw_only=True):
    """The whole report of one pacticipant version."""

    pacticipant: str
    version: str | None
    mode: Mode
    environment: str | None
    baseline: str | None  # the version deployed in `environment`
    points: tuple[PointCoverage, ...]
    workflows: tuple[Workflow, ...]
    gaps: tuple[str, ...]
    target: int
    covered: int

    @property
    def percentage(self) -> float:
        """Covered points of the target over the target, one decimal; 100 for no target."""
        return 100.0 if self.target == 0 else round(100 * self.covered / self.target, 1)


def words_of(text: str) -> str:
    """A test's name as lower-case words: `authExpired` and `auth.expired` read `auth expired`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return " " + re.sub(r"[\s\-_.:/]+", " ", spaced).lower().strip() + " "


def scenarios_of(case: TestCase, candidates: Sequence[str]) -> set[str]:
    """The scenarios among `candidates` that the test's class and name speak of."""
    words = words_of(f"{case.classname} {case.name}")
    return {s for s in candidates if any(w in words for w in _WORDS[s])}


_ROUTE = re.compile(r"\b(get|put|post|delete|patch|head|options|trace)\s+(/[^\s]*)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9_$-]+")


class CaseIndex:
    """API test cases by the operation ids and `METHOD /path` routes their class and name hold.

    Built once per report, so each point finds its tests by lookup: the work grows with the
    cases plus the points, not with their product.
    """

    def __init__(self, cases: Sequence[TestCase]) -> None:
        self._by_word: dict[str, list[int]] = {}
        self._by_route: dict[str, list[int]] = {}
        self.cases = list(cases)
        for index, case in enumerate(self.cases):
            text = f"{case.classname} {case.name}"
            for word in dict.fromkeys(_WORD.findall(text)):
                self._by_word.setdefault(word, []).append(index)
            for method, path in dict.fromkeys(_ROUTE.findall(text)):
                route = f"{method.upper()} {path.rstrip('.,;:')}"
                self._by_route.setdefault(route, []).append(index)

    def naming(self, point: Point) -> list[TestCase]:
        """The cases that name the API point, in their order."""
        found = set(self._by_route.get(f"{point.method} {point.path}", ()))
        if point.operation_id:
            found.update(self._by_word.get(point.operation_id, ()))
        return [self.cases[index] for index in sorted(found)]


def names_event(case: TestCase, point: Point) -> bool:
    """Whether an event test is about the event point (its description or channel)."""
    if case.suite == EVENT_CHECK_SUITE:
        return bool(point.event) and case.classname == point.event
    lowered = f" {case.classname} {case.name} ".lower()
    if point.event and point.event.lower() in lowered:
        return True
    return bool(point.channel) and point.channel.lower() in lowered


def needs_of(point: Point) -> tuple[str, ...]:
    """The scenarios a point must have to count as covered."""
    if not point.is_api:
        return ("contract", "idempotency", "ordering")
    needed = {"contract"}
    if point.direction is Direction.EXPOSED:
        if point.security:
            needed.add("auth")
        needed.update(_STATUS_NEEDS[s] for s in point.statuses if s in _STATUS_NEEDS)
    return tuple(s for s in API_SCENARIOS if s in needed)


def _change(point: Point, baseline: Mapping[str, Point] | None) -> str:
    if baseline is None:
        return ""
    before = baseline.get(point.key)
    if before is None:
        return "new"
    return "unchanged" if before.fingerprint == point.fingerprint else "changed"


def in_target(mode: Mode, change: str) -> bool:
    """Whether a point with this change is in the mode's target ("": no baseline, so new)."""
    if mode is Mode.GREENFIELD:
        return True
    if mode is Mode.POLISH:
        return change in ("new", "changed", "")
    return change == "changed"


def _cover(
    point: Point, mine: Sequence[TestCase], mode: Mode, baseline: Mapping[str, Point] | None
) -> PointCoverage:
    candidates = API_SCENARIOS if point.is_api else EVENT_SCENARIOS
    ran = [case for case in mine if case.outcome != "skipped"]
    found: set[str] = set()
    failed: set[str] = set()
    for case in ran:
        if not point.is_api and case.outcome == "failed":
            failed |= scenarios_of(case, candidates)
        else:
            found |= scenarios_of(case, candidates)
    # A pact exercising the point, or a test that names it, is its contract.
    if point.interactions or ran:
        found.add("contract")
    change = _change(point, baseline)
    return PointCoverage(
        point=point,
        tests=point.interactions + len(ran),
        failed=sum(1 for case in ran if case.outcome == "failed"),
        scenarios=tuple(s for s in candidates if s in found),
        needs=needs_of(point),
        change=change,
        in_target=in_target(mode, change),
        failing=tuple(s for s in candidates if s in failed - found),
    )


def workflows_of(runs: Sequence[TestRun]) -> list[Workflow]:
    """The E2E results by suite (or class, or report when the cases name no suite)."""
    grouped: dict[str, tuple[list[TestCase], dict[str, None]]] = {}
    for run in runs:
        if run.kind != TestKind.E2E:
            continue
        for case in run.cases:
            name = case.suite or case.classname or run.report_name
            cases, systems = grouped.setdefault(name, ([], {}))
            cases.append(case)
            systems.update(dict.fromkeys(run.systems))
    return [
        Workflow(
            name=name,
            tests=sum(1 for c in cases if c.outcome != "skipped"),
            failed=sum(1 for c in cases if c.outcome == "failed"),
            systems=tuple(systems),
        )
        for name, (cases, systems) in grouped.items()
    ]


def _missing(point: Point, need: str, failing: Sequence[str] = ()) -> str:
    """The checklist line of a scenario the point needs and lacks."""
    if need == "rate limit":
        return f"{point.name}: declares 429, but rate limiting was never tested"
    if need in ("idempotency", "ordering"):
        check = "duplicate" if need == "idempotency" else "ordering"
        if need in failing:
            return f"Event {point.event} ({point.direction}): the {check} check failed"
        return f"Event {point.event} ({point.direction}): no {check} check"
    if need == "auth":
        return f"{point.name}: authentication never probed"
    return f"{point.name}: {need} never tested"


def _gaps(
    covered: Sequence[PointCoverage], verified: Sequence[Verified], pacticipant: str
) -> list[str]:
    gaps: list[str] = []
    probed_schemes: set[str] = set()
    schemes: dict[str, None] = {}
    for item in covered:
        point = item.point
        schemes.update(dict.fromkeys(point.security))
        if "auth" in item.scenarios:
            probed_schemes.update(point.security)
    for item in covered:
        if not item.in_target:
            continue
        point = item.point
        if point.direction is Direction.EXPOSED and "contract" not in item.scenarios:
            gaps.append(f"{point.name}: no consumer pact or probe covers it")
        gaps.extend(
            _missing(point, need, item.failing) for need in item.missing if need != "contract"
        )
    gaps.extend(
        f"Security scheme {scheme}: never probed"
        for scheme in schemes
        if scheme not in probed_schemes
    )
    for pact in verified:
        if not pact.verified:
            against = f"{pacticipant} {pact.by}" if pact.by else f"any version of {pacticipant}"
            gaps.append(f"{pact.consumer}'s pact was never verified by {against}")
    return gaps


def report(
    *,
    pacticipant: str,
    version: str | None,
    mode: Mode,
    environment: str | None,
    baseline_version: str | None,
    points: Sequence[Point],
    baseline_points: Sequence[Point] | None,
    runs: Sequence[TestRun],
    verified: Sequence[Verified],
) -> CoverageReport:
    """The coverage report; `baseline_points` None when nothing is deployed to compare with."""
    baseline = None if baseline_points is None else {p.key: p for p in baseline_points}
    api_cases = CaseIndex([case for run in runs if run.kind == TestKind.API for case in run.cases])
    event_cases = [case for run in runs if run.kind == TestKind.EVENT for case in run.cases]
    covered = [
        _cover(
            point,
            api_cases.naming(point)
            if point.is_api
            else [case for case in event_cases if names_event(case, point)],
            mode,
            baseline,
        )
        for point in points
    ]
    target = [item for item in covered if item.in_target]
    return CoverageReport(
        pacticipant=pacticipant,
        version=version,
        mode=mode,
        environment=environment,
        baseline=baseline_version,
        points=tuple(covered),
        workflows=tuple(workflows_of(runs)),
        gaps=tuple(_gaps(covered, verified, pacticipant)),
        target=len(target),
        covered=sum(1 for item in target if item.covered),
    )
