"""JUnit XML reports read into test cases, with hostile reports refused."""

from __future__ import annotations

import pytest

from broker.domain.errors import InvalidInputError
from broker.domain.test_results import (
    MAX_CASES,
    MAX_DEPTH,
    MAX_REPORT_BYTES,
    ReportToRead,
    TestCase,
    read_junit,
    read_publication,
)

PYTEST = b"""<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
  <properties><property name="a" value="b"/></properties>
  <testcase classname="tests.test_orders" name="test_checkout" time="0.1"/>
  <testcase classname="tests.test_orders" name="test_refund"><failure message="x">boom</failure>
  </testcase>
  <testcase classname="tests.test_orders" name="test_crash"><error message="y"/></testcase>
  <testcase classname="tests.test_orders" name="test_later"><skipped/></testcase>
  <system-out>noise</system-out>
</testsuite></testsuites>"""

NESTED = b"""<testsuite name="outer"><testsuite name="Order workflow">
<testcase name="places an order"/></testsuite><testcase name="after"/></testsuite>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuites><testsuite name="&lol3;"/></testsuites>"""

EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<testsuite name="&x;"/>"""


def test_a_pytest_report_gives_each_case_with_its_outcome() -> None:
    cases = read_junit(PYTEST)
    assert [(c.name, c.outcome) for c in cases] == [
        ("test_checkout", "passed"),
        ("test_refund", "failed"),
        ("test_crash", "failed"),
        ("test_later", "skipped"),
    ]
    assert {(c.suite, c.classname) for c in cases} == {("pytest", "tests.test_orders")}


def test_nested_suites_name_their_own_cases() -> None:
    cases = read_junit(NESTED)
    assert cases == [
        TestCase(suite="Order workflow", name="places an order", outcome="passed"),
        TestCase(suite="outer", name="after", outcome="passed"),
    ]


@pytest.mark.parametrize("report", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external"])
def test_a_document_type_declaration_is_refused_before_any_entity(report: bytes) -> None:
    with pytest.raises(ValueError, match="declares a document type"):
        read_junit(report)


def test_bounds_refuse_huge_deep_and_crowded_reports() -> None:
    with pytest.raises(ValueError, match=f"larger than {MAX_REPORT_BYTES}"):
        read_junit(b"<testsuite>" + b" " * MAX_REPORT_BYTES + b"</testsuite>")
    deep = b"<testsuite>" + b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH + b"</testsuite>"
    with pytest.raises(ValueError, match=f"deeper than {MAX_DEPTH}"):
        read_junit(deep)
    crowded = b"<testsuite>" + b'<testcase name="t"/>' * (MAX_CASES + 1) + b"</testsuite>"
    with pytest.raises(ValueError, match=f"more than {MAX_CASES}"):
        read_junit(crowded)


def test_other_xml_and_broken_xml_are_refused() -> None:
    with pytest.raises(ValueError, match="root is <html>"):
        read_junit(b"<html/>")
    with pytest.raises(ValueError, match="not well-formed"):
        read_junit(b"<testsuite>")


def test_a_publication_names_each_bad_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_publication(
            "smoke",
            ["Users", ""],
            [ReportToRead(name="ok.xml", content=PYTEST), ReportToRead(name="", content=b"<x/>")],
        )
    pointers = [problem.pointer for problem in refused.value.errors]
    assert pointers == ["/kind", "/systems/1", "/reports/1/name", "/reports/1/content"]


def test_a_publication_counts_cases_over_all_its_reports() -> None:
    half = b"<testsuite>" + b'<testcase name="t"/>' * (MAX_CASES // 2 + 1) + b"</testsuite>"
    with pytest.raises(InvalidInputError) as refused:
        read_publication("api", [], [ReportToRead(name=n, content=half) for n in ("a", "b")])
    assert [p.pointer for p in refused.value.errors] == ["/reports/1/content"]
    read = read_publication(
        "e2e", ["Web", "Web", "Orders"], [ReportToRead(name="a", content=NESTED)]
    )
    assert read.systems == ("Web", "Orders")
    assert read.reports[0].tests == 2


def test_probe_json_results_read_as_cases_of_their_operation() -> None:
    probe = (
        b'[{"operation": "getOrder", "check": "auth.valid", "outcome": "passed",'
        b' "expected": "200", "actual": "200", "detail": ""},'
        b' {"operation": "createOrder", "check": "rate-limit", "outcome": "skipped"}]'
    )
    read = read_publication("api", [], [ReportToRead(name="probe.json", content=probe)])
    assert read.reports[0].cases == (
        TestCase(suite="accord probe", classname="getOrder", name="auth.valid", outcome="passed"),
        TestCase(
            suite="accord probe", classname="createOrder", name="rate-limit", outcome="skipped"
        ),
    )
    with pytest.raises(InvalidInputError) as refused:
        read_publication("api", [], [ReportToRead(name="p.json", content=b'[{"check": 1}]')])
    assert refused.value.errors[0].pointer == "/reports/0/content"
    assert "is not probe or event-check results" in refused.value.errors[0].detail


def test_event_check_json_results_read_as_cases_of_their_interaction() -> None:
    checks = (
        b'[{"provider": "Orders", "interaction": "an order created event",'
        b' "check": "event.idempotency", "outcome": "passed", "expected": "", "actual": "",'
        b' "detail": "", "deliveries": 2},'
        b' {"interaction": "an order created event", "check": "event.ordering",'
        b' "outcome": "failed"}]'
    )
    read = read_publication("event", [], [ReportToRead(name="events.json", content=checks)])
    assert read.reports[0].cases == (
        TestCase(
            suite="accord event-check",
            classname="an order created event",
            name="event.idempotency",
            outcome="passed",
        ),
        TestCase(
            suite="accord event-check",
            classname="an order created event",
            name="event.ordering",
            outcome="failed",
        ),
    )
    for entry in (
        b'{"check": "x", "outcome": "passed"}',
        b'{"operation": "a", "interaction": "b", "check": "x", "outcome": "passed"}',
    ):
        with pytest.raises(InvalidInputError) as refused:
            read_publication(
                "event", [], [ReportToRead(name="e.json", content=b"[" + entry + b"]")]
            )
        assert "must name either an operation or an interaction" in refused.value.errors[0].detail
