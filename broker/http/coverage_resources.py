"""`GET /pacticipants/{p}/coverage`: the coverage report as HAL JSON (or markdown, by Accept)."""

from __future__ import annotations

from urllib.parse import quote

from broker.domain.coverage import CoverageReport, PointCoverage
from broker.http.hal import Body, Links

COVERAGE = "/pacticipants/{p}/coverage"


def _point(item: PointCoverage) -> Body:
    point = item.point
    body: Body = {
        "direction": point.direction.value,
        "name": point.name,
        "tests": item.tests,
        "failed": item.failed,
        "scenarios": list(item.scenarios),
        "needs": list(item.needs),
        "missing": list(item.missing),
        "covered": item.covered,
        "change": item.change or None,
        "inTarget": item.in_target,
    }
    if point.is_api:
        body |= {"method": point.method, "path": point.path}
        if point.operation_id:
            body["operationId"] = point.operation_id
    else:
        body |= {"event": point.event, "channel": point.channel or None}
    if point.counterpart:
        body["counterpart"] = point.counterpart
    if point.consumers:
        body["consumers"] = list(point.consumers)
    if point.purposes:
        body["purposes"] = list(point.purposes)
    if point.security:
        body["security"] = list(point.security)
    return body


def coverage(links: Links, item: CoverageReport) -> Body:
    """The report: its numbers, each point, the E2E workflows and the gaps."""
    href = links.path(COVERAGE, p=item.pacticipant)
    query = [f"{k}={quote(v, safe='')}" for k, v in (("version", item.version),) if v]
    p_href = links.path("/pacticipants/{p}", p=item.pacticipant)
    body_links: Body = {
        "self": links.link(href + ("?" + "&".join(query) if query else ""), title="Coverage"),
        "pb:pacticipant": links.link(p_href, title="Pacticipant", name=item.pacticipant),
    }
    if item.version:
        body_links["pb:test-results"] = links.link(
            links.path(
                "/pacticipants/{p}/versions/{v}/test-results", p=item.pacticipant, v=item.version
            ),
            title="Test results",
        )
    return {
        "pacticipant": item.pacticipant,
        "version": item.version,
        "mode": item.mode.value,
        "environment": item.environment,
        "baseline": item.baseline,
        "target": item.target,
        "covered": item.covered,
        "percentage": item.percentage,
        "points": [_point(point) for point in item.points],
        "workflows": [
            {"name": w.name, "tests": w.tests, "failed": w.failed, "systems": list(w.systems)}
            for w in item.workflows
        ],
        "gaps": list(item.gaps),
        "_links": body_links,
    }
