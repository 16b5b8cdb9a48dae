"""The coverage report's rules: points from documents, scenarios from test names, targets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from broker.domain.coverage import in_target, report, scenarios_of, words_of
from broker.domain.coverage_markdown import markdown
from broker.domain.coverage_points import Direction, Pact, integration_points
from broker.domain.governance import Mode
from broker.domain.test_results import TestCase, TestRun

API = ("contract", "auth", "validation", "rate limit", "timeout", "not found")
EVENTS = ("contract", "format", "idempotency", "ordering", "dead letter")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("auth.invalid", {"auth"}),  # not a validation check
        ("auth.expired", {"auth"}),
        ("validation", {"validation"}),
        ("error.format", set()),
        ("rate-limit", {"rate limit"}),
        ("test_rate_limit_answers_429", {"rate limit"}),
        ("timeout", {"timeout"}),
        ("not-found", {"not found"}),
        ("returnsNotFoundForUnknownId", {"not found"}),
        ("a happy path", set()),
    ],
)
def test_probe_ids_and_test_names_read_as_api_scenarios(name: str, expected: set[str]) -> None:
    assert scenarios_of(TestCase(name=name, outcome="passed"), API) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("order created: a duplicate is processed once", {"idempotency"}),
        ("order created events keep their ordering", {"ordering"}),
        ("an order event arrives out of order", {"ordering"}),
        ("order.created is parked in the DLQ", {"dead letter"}),
        ("order.created matches its schema", {"format"}),
        ("order.created", set()),  # "order" alone is not ordering
    ],
)
def test_event_test_names_read_as_event_scenarios(name: str, expected: set[str]) -> None:
    assert scenarios_of(TestCase(name=name, outcome="passed"), EVENTS) == expected


def test_words_split_camel_case_and_separators() -> None:
    assert words_of("GET /orders.authExpired_now") == " get orders auth expired now "


def v4_message_pact() -> dict[str, Any]:
    return {
        "consumer": {"name": "Orders"},
        "provider": {"name": "Payments"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "a payment settled event",
                "contents": {"content": {"id": 1}},
                "metadata": {"destination": "payments.settled"},
            },
            {
                "type": "Synchronous/HTTP",
                "description": "a refund",
                "request": {"method": "post", "path": "/refunds"},
                "response": {"status": 201},
            },
        ],
    }


def test_points_come_from_v4_interactions_templates_and_message_pacts() -> None:
    openapi = {
        "paths": {
            "/orders/{id}": {
                "get": {"operationId": "getOrder", "responses": {"200": {}, "404": {}}},
                "parameters": [],
            }
        }
    }
    web = {
        "interactions": [
            {"description": "one", "request": {"method": "GET", "path": "/orders/1"}},
            {"description": "list", "request": {"method": "GET", "path": "/orders"}},
        ]
    }
    points = integration_points(
        [Pact(consumer="Orders", provider="Payments", document=v4_message_pact())],
        [Pact(consumer="Web", provider="Orders", document=web)],
        openapi,
    )
    assert [(p.direction, p.name, p.counterpart) for p in points] == [
        (Direction.CALLED, "POST /refunds", "Payments"),
        (Direction.EXPOSED, "GET /orders/{id}", ""),
        (Direction.CONSUMED, "a payment settled event", "Payments"),
    ]
    exposed = points[1]
    assert (exposed.consumers, exposed.interactions, exposed.statuses) == (
        ("Web",),
        1,
        ("200", "404"),
    )
    assert points[2].channel == "payments.settled"


def run(kind: str, *cases: TestCase) -> TestRun:
    return TestRun(
        id=1,
        pacticipant_id=1,
        version_id=1,
        kind=kind,
        systems=("Orders",),
        report_name="r.xml",
        cases=cases,
        tests=len(cases),
        failures=0,
        skipped=0,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("mode", "change", "expected"),
    [
        (Mode.GREENFIELD, "unchanged", True),
        (Mode.POLISH, "new", True),
        (Mode.POLISH, "changed", True),
        (Mode.POLISH, "unchanged", False),
        (Mode.POLISH, "", True),  # no baseline: every point is new
        (Mode.ENTERPRISE, "new", False),
        (Mode.ENTERPRISE, "changed", True),
        (Mode.ENTERPRISE, "", False),
    ],
)
def test_the_target_of_each_mode(mode: Mode, change: str, expected: bool) -> None:
    assert in_target(mode, change) is expected


def test_an_empty_target_is_fully_covered_and_cells_are_escaped() -> None:
    pact = v4_message_pact()
    pact["interactions"][1]["description"] = "a refund | with a pipe\nand a newline"
    points = integration_points(
        [Pact(consumer="Orders", provider="Payments", document=pact)], [], None
    )
    found = report(
        pacticipant="Orders",
        version="1",
        mode=Mode.ENTERPRISE,
        environment=None,
        baseline_version=None,
        points=points,
        baseline_points=None,
        runs=[run("event", TestCase(name="a payment settled event: duplicate", outcome="passed"))],
        verified=[],
    )
    assert (found.target, found.covered, found.percentage) == (0, 0, 100.0)
    text = markdown(found)
    assert "| Payments | /refunds | POST | a refund \\| with a pipe and a newline |" in text
    assert "Coverage: 0 of 0 integration points in the target (100%)." in text
    # Outside the target, its missing ordering check is no gap.
    assert text.endswith("## Coverage Gaps\n\nNone.\n")


def test_a_test_names_its_own_route_not_a_longer_one() -> None:
    """`GET /orders/{id}/invoice` is no test of `GET /orders/{id}`; the operation id counts."""
    openapi = {
        "paths": {
            "/orders/{id}": {"get": {"operationId": "getOrder", "responses": {"404": {}}}},
            "/orders/{id}/invoice": {"get": {"responses": {"404": {}}}},
        }
    }
    points = integration_points([], [], openapi)
    cases = (
        TestCase(classname="GET /orders/{id}/invoice", name="not-found", outcome="passed"),
        TestCase(classname="probe", name="getOrderById auth", outcome="passed"),  # another id
        TestCase(classname="getOrder", name="contract", outcome="passed"),
    )
    found = report(
        pacticipant="Orders",
        version="1",
        mode=Mode.GREENFIELD,
        environment=None,
        baseline_version=None,
        points=points,
        baseline_points=None,
        runs=[run("api", *cases)],
        verified=[],
    )
    by_name = {item.point.name: item for item in found.points}
    assert (by_name["GET /orders/{id}"].tests, by_name["GET /orders/{id}"].scenarios) == (
        1,
        ("contract",),
    )
    assert by_name["GET /orders/{id}/invoice"].scenarios == ("contract", "not found")
    assert found.gaps == ("GET /orders/{id}: not found never tested",)


def event_check(interaction: str, check: str, outcome: str) -> TestCase:
    return TestCase(
        suite="accord event-check",
        classname=interaction,
        name=check,
        outcome=outcome,  # type: ignore[arg-type]  # one of the outcomes, as the tests give it
    )


def two_events() -> list[Any]:
    pact = v4_message_pact()
    pact["interactions"][1] = {
        "type": "Asynchronous/Messages",
        "description": "a payment settled event, late",
        "contents": {"content": {"id": 1}},
    }
    return integration_points(
        [Pact(consumer="Orders", provider="Payments", document=pact)], [], None
    )


def event_report(*cases: TestCase) -> Any:
    return report(
        pacticipant="Orders",
        version="1",
        mode=Mode.GREENFIELD,
        environment=None,
        baseline_version=None,
        points=two_events(),
        baseline_points=None,
        runs=[run("event", *cases)],
        verified=[],
    )


def test_passed_event_checks_cover_their_own_event_exactly_and_close_its_gaps() -> None:
    """`a payment settled event, late` holds the other event's name: it is not its test."""
    cases = [
        event_check("a payment settled event", check, "passed")
        for check in ("event.format", "event.idempotency", "event.ordering", "event.dead-letter")
    ]
    found = event_report(*cases)
    by_name = {item.point.name: item for item in found.points}
    settled = by_name["a payment settled event"]
    assert settled.scenarios == EVENTS
    assert (settled.tests, settled.covered) == (5, True)  # the pact's interaction and 4 checks
    late = by_name["a payment settled event, late"]
    assert (late.tests, late.scenarios, late.covered) == (1, ("contract",), False)
    assert found.gaps == (
        "Event a payment settled event, late (consumed): no duplicate check",
        "Event a payment settled event, late (consumed): no ordering check",
    )


def test_failed_event_checks_leave_their_gaps_open_and_say_they_failed() -> None:
    found = event_report(
        event_check("a payment settled event", "event.idempotency", "failed"),
        event_check("a payment settled event", "event.ordering", "passed"),
        event_check("a payment settled event", "event.dead-letter", "failed"),
    )
    settled = next(i for i in found.points if i.point.name == "a payment settled event")
    assert (settled.scenarios, settled.failed, settled.covered) == (
        ("contract", "ordering"),
        2,
        False,
    )
    assert "Event a payment settled event (consumed): the duplicate check failed" in found.gaps
    assert not any("settled event (consumed): no ordering" in gap for gap in found.gaps)
    assert "| a payment settled event | consumed | 4 | contract, ordering |" in markdown(found)
