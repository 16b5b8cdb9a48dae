"""Verdicts, the result payload for the broker, and the console, JSON and JUnit reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from verifier import (
    Finding,
    InteractionResult,
    PactResult,
    ProviderState,
    VerificationResult,
    render_json,
    render_junit,
    render_text,
)
from verifier._publish import Publication, payload

BODY = Finding(
    source="pact",
    kind="body",
    path="$.body.id",
    expected=1,
    actual="x",
    description='$.body.id: expected an integer but got "x"',
)
STATUS = Finding(
    source="pact",
    kind="status",
    path="status",
    expected=200,
    actual=500,
    description="status: expected status 200 but got 500",
)


def interaction(name: str, **changes: object) -> InteractionResult:
    base: dict[str, object] = {"description": name, "status": "passed", "interaction_id": name}
    return InteractionResult(**(base | changes))  # type: ignore[arg-type]


def pact(*interactions: InteractionResult, is_pending: bool = False) -> PactResult:
    return PactResult(
        consumer="Web",
        provider="Users",
        source="pacts/Web-Users.json",
        interactions=interactions,
        is_pending=is_pending,
    )


def run(*pacts: PactResult) -> VerificationResult:
    return VerificationResult(provider="Users", pacts=pacts, duration=0.5)


FAILED = interaction(
    "get user",
    status="failed",
    findings=(STATUS, BODY),
    provider_states=(ProviderState(name="a user exists"),),
    curl="curl -X GET http://p/users/1",
)


def test_a_run_fails_only_on_interactions_that_are_not_pending() -> None:
    assert not run(pact(interaction("a"), FAILED)).is_success
    assert run(pact(interaction("a"), FAILED, is_pending=True)).is_success
    pending_interaction = interaction("p", status="error", error="boom", is_pending=True)
    assert run(pact(pending_interaction)).is_success


NO_PRODUCER = interaction(
    "an order created event",
    status="skipped",
    error="No message producer makes 'an order created event': register one for its "
    "description, or give a message producer URL.",
)


def test_trust_01_an_interaction_that_was_not_verified_fails_the_run() -> None:
    """Skipped is not passed: the run, the pact and the interaction all say no."""
    result = run(pact(interaction("a"), NO_PRODUCER))
    assert not NO_PRODUCER.is_ok
    assert not result.pacts[0].is_success
    assert not result.is_success
    # A pending pact's interaction that was not verified leaves the run alone, as a failure does.
    assert run(pact(interaction("a"), NO_PRODUCER, is_pending=True)).is_success


def test_trust_01_the_broker_payload_says_not_verified_with_the_reason() -> None:
    body = payload(pact(interaction("a"), NO_PRODUCER), Publication(provider_version="1"))
    assert body["success"] is False
    results = body["testResults"]
    assert isinstance(results, list)
    assert results[1] == {
        "interactionId": "an order created event",
        "success": False,
        "interactionDescription": "an order created event",
        "skipped": True,
        "exceptions": [
            {
                "message": "Not verified: no message producer makes 'an order created event': "
                "register one for its description, or give a message producer URL."
            }
        ],
    }


def test_trust_01_reports_show_an_interaction_that_was_not_verified_as_a_failure() -> None:
    result = run(pact(interaction("a"), NO_PRODUCER))
    text = render_text(result)
    assert "  an order created event ... NOT VERIFIED" in text
    assert "1) Web -> Users: an order created event\n     No message producer makes" in text
    summary = "2 interactions in 1 pacts: 1 passed, 1 not verified; verification FAILED."
    assert text.endswith(summary)
    suite = ET.fromstring(render_junit(result)).find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "0")
    failure = suite.find("testcase[@name='an order created event']/failure")
    assert failure is not None
    assert failure.get("type") == "not-verified"
    assert json.loads(render_json(result))["success"] is False


def test_the_broker_payload_lists_each_interaction_with_its_mismatches() -> None:
    errored = interaction("post", status="error", error="The provider could not be reached")
    no_id = interaction("local", interaction_id=None)
    body = payload(
        pact(interaction("ok"), FAILED, errored, no_id, is_pending=True),
        Publication(provider_version="1.0", build_url="https://ci/1"),
    )
    assert body["providerApplicationVersion"] == "1.0"
    assert body["success"] is False, "pending pacts are published as they are"
    assert body["buildUrl"] == "https://ci/1"
    assert body["verifiedBy"]["implementation"] == "Accord"  # type: ignore[index]
    assert body["testResults"] == [
        {"interactionId": "ok", "success": True, "interactionDescription": "ok"},
        {
            "interactionId": "get user",
            "success": False,
            "interactionDescription": "get user",
            "mismatches": [
                {"attribute": "status", "description": STATUS.description},
                {"attribute": "body", "identifier": "$.body.id", "description": BODY.description},
            ],
        },
        {
            "interactionId": "post",
            "success": False,
            "interactionDescription": "post",
            "exceptions": [{"message": "The provider could not be reached"}],
        },
    ]


def test_the_console_report_shows_each_verdict_and_the_mismatch_tree() -> None:
    text = render_text(run(pact(interaction("list users"), FAILED)))
    assert text == "\n".join(
        [
            "Verifying a pact between Web and Users",
            "  [from pacts/Web-Users.json]",
            "  list users ... passed",
            "  get user given a user exists ... FAILED",
            "",
            "Failures:",
            "",
            "1) Web -> Users: get user given a user exists",
            "     status",
            "       status: expected status 200 but got 500",
            "     body",
            '       $.body.id: expected an integer but got "x"',
            "     replay: curl -X GET http://p/users/1",
            "",
            "2 interactions in 1 pacts: 1 passed, 1 failed; verification FAILED.",
        ]
    )


def test_findings_of_other_checks_are_grouped_under_their_source() -> None:
    openapi = Finding(
        source="openapi",
        kind="body",
        path="$.body",
        expected=None,
        actual=None,
        description="$.body: 'id' is a required property",
    )
    text = render_text(run(pact(interaction("x", status="failed", findings=(openapi,)))))
    assert "     openapi: body\n       $.body: 'id' is a required property" in text


def test_the_json_report_carries_the_verdicts_and_every_finding() -> None:
    document = json.loads(render_json(run(pact(interaction("a"), FAILED))))
    assert document["success"] is False
    assert document["pacts"][0]["success"] is False
    failed = document["pacts"][0]["interactions"][1]
    assert failed["status"] == "failed"
    assert [finding["path"] for finding in failed["findings"]] == ["status", "$.body.id"]
    assert failed["providerStates"] == [{"name": "a user exists", "params": {}}]


def test_junit_has_a_suite_per_pact_and_pending_failures_as_skipped() -> None:
    pending = pact(interaction("p", status="failed", findings=(BODY,)), is_pending=True)
    errored = interaction("e", status="error", error="timed out")
    root = ET.fromstring(render_junit(run(pact(interaction("a"), FAILED, errored), pending)))
    assert root.attrib | {"time": ""} == {
        "name": "Pact verification of Users",
        "time": "",
        "tests": "4",
        "failures": "1",
        "errors": "1",
        "skipped": "1",
    }
    first, second = root.findall("testsuite")
    failure = first.find("testcase[@name='get user']/failure")
    assert failure is not None
    assert failure.get("message") == STATUS.description
    assert BODY.description in (failure.text or "")
    assert first.find("testcase[@name='e']/error") is not None
    skipped = second.find("testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == f"pending, failed: {BODY.description}"
