"""The pytest plugin's `accord_event_check` fixture: the event checks of a consumer in process.

The seeded bugs of tests/support/event_consumer.py, run through the fixture in this process,
each fail exactly their own check; a child pytest shows what a user sees.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.event_consumer import BUGS, PACT, Warehouse, in_process
from tests.unit.verifier.test_pytest_plugin import QUIET, child_pythonpath, run_pytest
from verifier.events import CHECKS
from verifier.pytest_plugin import EventCheck

pytest_plugins = ["pytester"]
__all__ = ["child_pythonpath"]  # an autouse fixture, used by being here

OWN_CHECK = {
    "not-idempotent": "event.idempotency",
    "order-dependent": "event.ordering",
    "malformed-500": "event.dead-letter",
    "malformed-accepted": "event.dead-letter",
}


def test_the_right_consumer_passes_every_check_in_process(
    accord_event_check: EventCheck, tmp_path: Path
) -> None:
    pact = tmp_path / "Warehouse-Orders.json"
    pact.write_text(json.dumps(PACT))
    results = accord_event_check(pact, **in_process(Warehouse()))
    assert [r.outcome for r in results] == ["passed"] * 12
    assert {r.check for r in results} == set(CHECKS)


@pytest.mark.parametrize("bug", BUGS)
def test_each_seeded_bug_fails_exactly_its_own_check_in_process(
    accord_event_check: EventCheck, bug: str
) -> None:
    results = accord_event_check.run(PACT, **in_process(Warehouse(bug)))
    failed = {r.check for r in results if r.outcome == "failed"}
    assert failed == {OWN_CHECK[bug]}
    assert all(r.outcome == "passed" for r in results if r.check != OWN_CHECK[bug])


def test_a_crash_in_the_handler_is_reported_with_the_exception(
    accord_event_check: EventCheck,
) -> None:
    results = accord_event_check.run(PACT, **in_process(Warehouse("malformed-500")))
    detail = next(r.detail for r in results if r.outcome == "failed")
    assert "raised RuntimeError: the warehouse crashed on a malformed message" in detail


def test_a_failed_check_fails_the_users_test_naming_interaction_and_check(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "pact.json").write_text(json.dumps(PACT))
    pytester.makepyfile(
        test_warehouse=textwrap.dedent(
            """
            from tests.support.event_consumer import Warehouse, in_process


            def test_right(accord_event_check):
                accord_event_check("pact.json", **in_process(Warehouse()))


            def test_not_idempotent(accord_event_check):
                accord_event_check("pact.json", **in_process(Warehouse("not-idempotent")))
            """
        )
    )
    result = run_pytest(pytester, *QUIET)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*FAILED  an order created event  event.idempotency",
            "*an order created event event.idempotency: the duplicate (message id accord-*"
            " changed the state from*",
        ]
    )
