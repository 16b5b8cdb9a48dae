"""The can-i-deploy rules (pact-broker-api §12.2 and the pitfalls of §16), one case per rule."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from broker.domain.errors import Notice
from broker.domain.matrix import (
    Candidate,
    IgnoreSelector,
    Pairing,
    Target,
    Verified,
    decide,
)

PRODUCTION = Target(kind="environment", name="production")
WEB_1_2 = Candidate(pacticipant="Web", version="1.2")
ORDERS_3 = Candidate(pacticipant="Orders", version="3")

SUCCESS = "All required verification results are published and successful"
NO_DEPENDENCIES = "There are no missing dependencies"
ENVIRONMENT_ADVICE = (
    "WARN: It is recommended to specify the environment into which you are deploying, "
    "so that every version running there is checked"
)


def pair(
    consumer: str,
    consumer_version: str,
    provider: str,
    provider_version: str | None,
    success: bool | None,
    *,
    sha: str | None = "sha-1",
    auto: bool = False,
    pending: bool = False,
    wip: bool = False,
) -> Pairing:
    """A pairing whose verification passed (True), failed (False) or is missing (None)."""
    return Pairing(
        consumer=consumer,
        consumer_version=consumer_version,
        provider=provider,
        provider_version=provider_version,
        pact_sha=sha,
        verification=None if success is None else Verified(id=1, success=success),
        provider_version_created_automatically=auto,
        is_pending=pending,
        is_wip=wip,
    )


def between(consumer_version: str, consumer: str, provider_version: str, provider: str) -> str:
    return (
        f"between the version {consumer_version} of {consumer} "
        f"and the version {provider_version} of {provider}"
    )


WEB_ORDERS_FAILED = f"The verification for the pact {between('1.2', 'Web', '3', 'Orders')} failed"
WEB_ORDERS_MISSING = f"There is no verified pact {between('1.2', 'Web', '3', 'Orders')}"
NO_ORDERS_IN_PRODUCTION = (
    "There is no verified pact between the version 1.2 of Web and a version of Orders currently "
    "in production: there is no such version of Orders yet"
)


class Case(NamedTuple):
    candidate: Candidate
    pairings: list[Pairing]
    deployable: bool | None
    # success, failed, unknown, ignored
    counts: tuple[int, int, int, int]
    # every notice, summary first, as (type, text)
    notices: list[tuple[str, str]]
    ignore: list[IgnoreSelector] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    target: Target = PRODUCTION


CASES = [
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", True)],
            True,
            (1, 0, 0, 0),
            [("success", SUCCESS)],
        ),
        id="consumer-against-a-verified-provider-is-deployable",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", True), pair("Mobile", "7", "Orders", "3", True)],
            True,
            (2, 0, 0, 0),
            [("success", SUCCESS)],
        ),
        id="provider-against-its-verified-consumers-is-deployable",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", False)],
            False,
            (0, 1, 0, 0),
            [("error", "1 verification failed"), ("error", WEB_ORDERS_FAILED)],
        ),
        id="a-failed-verification-is-a-no",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", None)],
            None,
            (0, 0, 1, 0),
            [("error", "1 verification result is missing"), ("error", WEB_ORDERS_MISSING)],
        ),
        id="a-missing-verification-is-unknown",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", False), pair("Mobile", "7", "Orders", "3", None)],
            False,
            (0, 1, 1, 0),
            [
                ("error", "1 verification failed and 1 verification result is missing"),
                ("error", WEB_ORDERS_FAILED),
                ("error", f"There is no verified pact {between('7', 'Mobile', '3', 'Orders')}"),
            ],
        ),
        id="a-failure-beside-a-missing-result-is-a-no-and-counts-both",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", True), pair("Web", "1.2", "Orders", "4", False)],
            False,
            (1, 1, 0, 0),
            [
                ("error", "1 verification failed"),
                (
                    "error",
                    f"The verification for the pact {between('1.2', 'Web', '4', 'Orders')} failed",
                ),
            ],
        ),
        id="every-live-provider-version-is-checked-one-failed",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "4", True), pair("Web", "1.2", "Orders", "3", None)],
            None,
            (1, 0, 1, 0),
            [("error", "1 verification result is missing"), ("error", WEB_ORDERS_MISSING)],
        ),
        id="every-live-provider-version-is-checked-one-unverified",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", False), pair("Web", "1.3", "Orders", "3", True)],
            False,
            (1, 1, 0, 0),
            [("error", "1 verification failed"), ("error", WEB_ORDERS_FAILED)],
        ),
        id="every-live-consumer-version-is-checked",
    ),
    pytest.param(
        Case(ORDERS_3, [], True, (0, 0, 0, 0), [("success", NO_DEPENDENCIES)]),
        id="a-provider-with-no-consumers-is-deployable",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", None, None)],
            None,
            (0, 0, 1, 0),
            [
                ("error", "1 verification result is missing"),
                ("error", NO_ORDERS_IN_PRODUCTION),
            ],
        ),
        id="a-consumer-whose-provider-is-not-in-the-environment-is-unknown",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", None, None), pair("Web", "1.2", "Stock", "9", True)],
            True,
            (1, 0, 0, 0),
            [("success", SUCCESS), ("info", f"Ignoring: {NO_ORDERS_IN_PRODUCTION}")],
            ignore=[IgnoreSelector(pacticipant="Orders")],
        ),
        id="ignoring-a-provider-that-is-not-in-the-environment-lets-the-consumer-go",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", None, None)],
            None,
            (0, 0, 1, 0),
            [
                ("error", "1 verification result is missing"),
                ("warning", ENVIRONMENT_ADVICE),
                (
                    "error",
                    "There is no verified pact between the version 1.2 of Web and a version of "
                    "Orders with tag prod: there is no such version of Orders yet",
                ),
            ],
            target=Target(kind="tag", name="prod"),
        ),
        id="a-consumer-whose-provider-has-no-version-with-the-tag-is-unknown",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", None, sha=None)],
            True,
            (0, 0, 0, 0),
            [("success", NO_DEPENDENCIES)],
        ),
        id="a-live-consumer-version-without-a-pact-is-not-an-integration",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", None, auto=True)],
            None,
            (0, 0, 1, 0),
            [
                ("error", "1 verification result is missing"),
                (
                    "error",
                    f"{WEB_ORDERS_MISSING}: the version 3 of Orders was created by the "
                    "broker and has no verification results",
                ),
            ],
        ),
        id="an-automatically-created-provider-version-without-results-is-unknown",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", False, pending=True)],
            False,
            (0, 1, 0, 0),
            [
                ("error", "1 verification failed"),
                (
                    "error",
                    f"{WEB_ORDERS_FAILED} (the pact is pending, which spares only the "
                    "provider's build)",
                ),
            ],
        ),
        id="a-failed-pending-pact-is-still-a-no",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", False, pending=True, wip=True)],
            False,
            (0, 1, 0, 0),
            [
                ("error", "1 verification failed"),
                (
                    "error",
                    f"{WEB_ORDERS_FAILED} (it was a work in progress pact, which spares "
                    "only the provider's build)",
                ),
            ],
        ),
        id="a-failed-wip-pact-is-still-a-no",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", True, pending=True, wip=True)],
            True,
            (1, 0, 0, 0),
            [("success", SUCCESS)],
        ),
        id="a-successful-wip-verification-is-a-success",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", False), pair("Web", "1.2", "Stock", "9", True)],
            True,
            (1, 0, 0, 1),
            [("success", SUCCESS), ("info", f"Ignoring: {WEB_ORDERS_FAILED}")],
            ignore=[IgnoreSelector(pacticipant="Orders")],
        ),
        id="an-ignored-pacticipant-counts-as-ignored-and-does-not-block",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", None)],
            True,
            (0, 0, 0, 1),
            [("success", NO_DEPENDENCIES), ("info", f"Ignoring: {WEB_ORDERS_MISSING}")],
            ignore=[IgnoreSelector(pacticipant="Orders", version="3")],
        ),
        id="an-ignored-version-with-a-missing-result-does-not-block",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", False), pair("Web", "1.2", "Orders", "4", True)],
            False,
            (0, 1, 0, 1),
            [("error", "1 verification failed"), ("error", WEB_ORDERS_FAILED)],
            ignore=[IgnoreSelector(pacticipant="Orders", version="4")],
        ),
        id="ignoring-one-version-does-not-spare-another",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", False)],
            False,
            (0, 1, 0, 0),
            [
                ("error", "1 verification failed"),
                ("warning", "WARN: Cannot ignore Web: it is the pacticipant being deployed"),
                ("error", WEB_ORDERS_FAILED),
            ],
            ignore=[IgnoreSelector(pacticipant="Web")],
        ),
        id="the-pacticipant-being-deployed-cannot-be-ignored",
    ),
    pytest.param(
        Case(
            Candidate(pacticipant="Web", version="1.2", exists=False),
            [],
            False,
            (0, 0, 0, 0),
            [("error", "The version 1.2 of Web does not exist")],
        ),
        id="a-version-that-does-not-exist-is-a-no",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", False), pair("Web", "1.2", "Orders", "3", False)],
            False,
            (0, 1, 0, 0),
            [("error", "1 verification failed"), ("error", WEB_ORDERS_FAILED)],
        ),
        id="a-version-live-as-two-application-instances-counts-once",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", "1.2", "Orders", "3", True), pair("Orders", "3", "Stock", "9", None)],
            None,
            (1, 0, 1, 0),
            [
                ("error", "1 verification result is missing"),
                ("error", f"There is no verified pact {between('3', 'Orders', '9', 'Stock')}"),
            ],
        ),
        id="a-pacticipant-is-checked-as-consumer-and-as-provider",
    ),
    pytest.param(
        Case(
            WEB_1_2,
            [pair("Web", "1.2", "Orders", "3", True)],
            True,
            (1, 0, 0, 0),
            [("success", SUCCESS), ("warning", ENVIRONMENT_ADVICE)],
            target=Target(kind="latest"),
        ),
        id="a-target-other-than-an-environment-advises-naming-one",
    ),
    pytest.param(
        Case(
            ORDERS_3,
            [pair("Web", str(n), "Orders", "3", True) for n in range(300)]
            + [pair("Web", "300", "Orders", "3", False)],
            False,
            (300, 1, 0, 0),
            [
                ("error", "1 verification failed"),
                (
                    "error",
                    f"The verification for the pact {between('300', 'Web', '3', 'Orders')} failed",
                ),
            ],
        ),
        id="results-are-never-truncated",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_can_i_deploy(case: Case) -> None:
    decision = decide(case.candidate, case.target, case.pairings, case.ignore)
    assert decision.deployable is case.deployable
    counts = (decision.success, decision.failed, decision.unknown, decision.ignored)
    assert counts == case.counts
    assert [(n.type, n.text) for n in decision.notices] == case.notices
    assert decision.reason == decision.notices[0].text


def test_every_row_is_returned_with_its_judgement() -> None:
    decision = decide(
        WEB_1_2,
        PRODUCTION,
        [pair("Web", "1.2", "Orders", "3", True), pair("Web", "1.2", "Orders", "4", None)],
    )
    assert [(r.provider_version, r.status, r.is_ignored) for r in decision.rows] == [
        ("3", "success", False),
        ("4", "unknown", False),
    ]
    assert (
        decision.rows[0].reason
        == f"The verification for the pact {between('1.2', 'Web', '3', 'Orders')} passed"
    )


@pytest.mark.parametrize("case", CASES)
def test_unknown_is_zero_exactly_when_the_answer_is_known_unless_a_row_failed(case: Case) -> None:
    """The Ruby CLI polls while `unknown` > 0, the Rust CLI while `deployable` is null (§12.4)."""
    decision = decide(case.candidate, case.target, case.pairings, case.ignore)
    if decision.failed == 0:
        assert (decision.unknown == 0) is (decision.deployable is not None)


def test_notices_are_the_clients_notice_shape() -> None:
    decision = decide(WEB_1_2, PRODUCTION, [])
    assert decision.notices == [Notice("success", NO_DEPENDENCIES)]
