"""`accord event-check` against the test warehouse over HTTP, and `--publish` to a broker process.

The warehouse (tests/support/event_consumer.py) serves on 127.0.0.1; its pact with Orders is a
file or is published to the broker first. Published results close the event gaps of
`accord coverage` when the checks pass and keep them open, saying so, when one fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import accord, ok
from tests.e2e.test_cli_coverage import section
from tests.support.event_consumer import PACT, Warehouse, serve
from verifier.events import CHECKS

pytestmark = pytest.mark.e2e

EXIT_USAGE = 2
EXIT_UNREADABLE = 125
EVENTS = ("an order created event", "an order shipped event", "a stock counted event")


def pact_file(tmp_path: Path) -> Path:
    path = tmp_path / "Warehouse-Orders.json"
    path.write_text(json.dumps(PACT))
    return path


def endpoints(url: str) -> list[str]:
    return [
        *("--consumer-url", f"{url}/messages", "--state-url", f"{url}/state"),
        *("--reset-url", f"{url}/reset", "--dead-letter-url", f"{url}/dead-letters"),
    ]


def test_a_pact_file_against_the_right_consumer_and_a_buggy_one(
    broker_url: str, tmp_path: Path
) -> None:
    pact = str(pact_file(tmp_path))
    with serve(Warehouse()) as url:
        out = ok(broker_url, "event-check", "--pact", pact, *endpoints(url), "--output", "json")
    results = json.loads(out)
    assert {(r["interaction"], r["check"], r["outcome"]) for r in results} == {
        (event, check, "passed") for event in EVENTS for check in CHECKS
    }
    assert set(results[0]) == {
        "provider", "interaction", "check", "outcome", "expected", "actual", "detail", "deliveries"
    }  # fmt: skip
    with serve(Warehouse("malformed-500")) as url:
        failed = accord(broker_url, "event-check", "--pact", pact, *endpoints(url))
    assert failed.returncode == 1, failed.stderr
    assert "FAILED  a stock counted event  event.dead-letter" in failed.stdout
    assert "a stock counted event event.dead-letter: the malformed message without `sku`" in (
        failed.stdout
    )
    assert failed.stdout.endswith("12 checks: 9 passed, 3 failed, 0 skipped\n")
    with serve(Warehouse()) as url:
        junit = ok(broker_url, "event-check", "--pact", pact, *endpoints(url), "-o", "junit")
    assert '<testcase classname="a stock counted event" name="event.ordering"' in junit


def test_publishing_closes_the_event_gaps_of_the_coverage_report(
    broker_url: str, tmp_path: Path
) -> None:
    ok(broker_url, "publish", str(pact_file(tmp_path)), "-a", "1.0.0", "--branch", "main")
    report = ["coverage", "--pacticipant", "Warehouse", "--version", "1.0.0", "-o", "markdown"]
    before = ok(broker_url, *report)
    assert "Event a stock counted event (consumed): no duplicate check" in before
    assert "Event a stock counted event (consumed): no ordering check" in before

    check = ["event-check", "--consumer", "Warehouse", "--provider", "Orders"]
    publish = ["--publish", "--version", "1.0.0", "--branch", "main"]
    with serve(Warehouse("order-dependent")) as url:
        failing = accord(broker_url, *check, *endpoints(url), *publish)
    assert failing.returncode == 1, failing.stderr
    assert failing.stderr == ""
    gaps = section(ok(broker_url, *report), "Coverage Gaps")
    assert "- [ ] Event a stock counted event (consumed): the ordering check failed" in gaps
    assert "no duplicate check" not in gaps

    # Version 1.0.1 (the same pact, read from the broker at --version) passes every check.
    ok(broker_url, "publish", str(pact_file(tmp_path)), "-a", "1.0.1", "--branch", "main")
    with serve(Warehouse()) as url:
        ok(broker_url, *check, *endpoints(url), "--publish", "--version", "1.0.1")
    after = ok(broker_url, *report[:4], "1.0.1", *report[5:])
    covered = section(after, "Integration Test Coverage: Warehouse")
    for event in EVENTS:
        assert (
            f"| {event} | consumed | 5 | contract, format, idempotency, ordering, dead letter |"
            in covered
        )
    assert section(after, "Coverage Gaps").strip() == "## Coverage Gaps\n\nNone."


def test_flags_that_do_not_go_together_and_a_pact_without_messages(
    broker_url: str, tmp_path: Path
) -> None:
    base = ["event-check", "--consumer-url", "http://127.0.0.1:9/messages"]
    no_source = accord(broker_url, *base)
    assert no_source.returncode == EXIT_USAGE
    assert no_source.stderr == (
        "Without --pact, give --consumer and --provider (the broker's pact).\n"
    )
    pact = str(pact_file(tmp_path))
    no_version = accord(broker_url, *base, "--pact", pact, "--publish")
    assert (no_version.returncode, no_version.stderr) == (
        EXIT_USAGE,
        "--publish needs --version.\n",
    )
    http_only = tmp_path / "http.json"
    http_only.write_text(
        json.dumps(
            {
                "consumer": {"name": "Web"},
                "provider": {"name": "Orders"},
                "interactions": [
                    {
                        "description": "a request",
                        "request": {"method": "GET", "path": "/"},
                        "response": {"status": 200},
                    }
                ],
            }
        )
    )
    empty = accord(broker_url, *base, "--pact", str(http_only))
    assert empty.returncode == EXIT_UNREADABLE
    assert empty.stderr == "The pact of Web with Orders holds no message interaction to check.\n"
    missing = accord(broker_url, *base, "--pact", str(tmp_path / "nope.json"))
    assert missing.returncode == EXIT_UNREADABLE
    assert missing.stderr.startswith("The pact ")
    unknown = accord(broker_url, *base, "--consumer", "Nobody", "--provider", "Orders")
    assert unknown.returncode == EXIT_UNREADABLE
    assert "could not be fetched" in unknown.stderr
