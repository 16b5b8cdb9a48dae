"""The governance commands of `accord`, run as processes, against a secured broker process.

set-mode, set-approval-policy, create-team, list-change-requests, describe-change-request,
approve-change and reject-change, each as a table and as JSON, and their refusals as one
sentence with a non-zero exit code.
"""

from __future__ import annotations

import subprocess

import pytest

from clients.sdk import BrokerError, SelfVerification
from tests.e2e.conftest import BrokerPool
from tests.e2e.governance_setup import (
    ADMIN,
    CANCEL_INTERACTION,
    CONSUMER,
    ORDER_INTERACTION,
    ORDERS_OPENAPI,
    ORDERS_OPENAPI_CHANGED,
    PROVIDER,
    accord,
    accord_json,
    accord_ok,
    actor,
    admin,
    as_person,
    pact,
    publish_pact,
    secured_broker,
    teams_and_tokens,
)

pytestmark = pytest.mark.e2e


def one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    """The stderr of a refused command, checked to be one plain sentence."""
    assert done.returncode == 1, done
    err = done.stderr
    assert err.count("\n") == 1 and err.endswith(".\n"), err
    assert "Traceback" not in err
    return err


def publish_provider_contract(broker: str, token: str, version: str, document: str) -> None:
    with as_person(broker, token) as sdk:
        sdk.publish_provider_contract(
            PROVIDER,
            version,
            document.encode(),
            branch="main",
            self_verification=SelfVerification(success=True, content=b"ok", verifier="pytest"),
        )


def test_admins_set_modes_approval_policies_and_teams(
    brokers: BrokerPool,
) -> None:
    with secured_broker(brokers) as broker:
        token = teams_and_tokens(broker)

        assert (
            accord_ok(broker, ADMIN, "set-mode", "-a", CONSUMER, "--mode", "brownfield-polish")
            == f"{CONSUMER} is now in brownfield-polish mode.\n"
        )
        mode = accord_json(
            broker, ADMIN, "set-mode", "--pacticipant", CONSUMER, "--mode", "brownfield-enterprise"
        )
        assert isinstance(mode, dict)
        assert (mode["pacticipant"], mode["mode"]) == (CONSUMER, "brownfield-enterprise")
        with admin(broker) as sdk:
            assert sdk.get_mode(CONSUMER).mode == "brownfield-enterprise"
            with pytest.raises(BrokerError) as refused:
                sdk.set_mode(CONSUMER, "strict")
        assert refused.value.status == 400
        assert [error.field for error in refused.value.errors] == ["mode"]
        not_admin = accord(
            broker, token["web-ci"], "set-mode", "-a", CONSUMER, "--mode", "greenfield"
        )
        assert "admin" in one_sentence(not_admin)

        said = accord_ok(
            broker,
            ADMIN,
            "set-approval-policy",
            "--pacticipant", PROVIDER,
            "--team", "orders-team",
            "--team", "qa-team",
            "--required", "2",
        )  # fmt: skip
        assert said == (
            f"Changes to the contracts of {PROVIDER} now need approval by 2 of the teams"
            " orders-team, qa-team.\n"
        )
        policy = accord_json(
            broker, ADMIN, "set-approval-policy", "-a", PROVIDER, "--team", "orders-team",
            "--required", "1",
        )  # fmt: skip
        assert isinstance(policy, dict)
        assert (policy["teams"], policy["required"], policy["isDefault"]) == (
            ["orders-team"],
            1,
            False,
        )
        with admin(broker) as sdk:
            assert sdk.get_approval_policy(PROVIDER).teams == ["orders-team"]

        assert accord_ok(broker, ADMIN, "create-team", "qa-team", "-a", "Web", "-a", "Orders") == (
            "Team qa-team owns Web, Orders.\n"
        )
        team = accord_json(broker, ADMIN, "create-team", "qa-team")
        assert isinstance(team, dict)
        assert (team["name"], team["pacticipants"]) == ("qa-team", [])


def test_change_requests_are_listed_described_approved_and_rejected(
    brokers: BrokerPool,
) -> None:
    with secured_broker(brokers) as broker:
        token = teams_and_tokens(broker)
        assert accord_ok(broker, ADMIN, "list-change-requests") == "No change requests.\n"
        publish_provider_contract(broker, token["orders-ci"], "1", ORDERS_OPENAPI)
        publish_pact(broker, token["web-ci"], "1.0.0", pact(ORDER_INTERACTION))
        for pacticipant in (CONSUMER, PROVIDER):
            accord_ok(
                broker, ADMIN, "set-mode", "-a", pacticipant, "--mode", "brownfield-enterprise"
            )
        publish_pact(broker, token["web-ci"], "1.0.1", pact(ORDER_INTERACTION, CANCEL_INTERACTION))
        publish_provider_contract(broker, token["orders-ci"], "2", ORDERS_OPENAPI_CHANGED)

        listed = accord_json(broker, token["web-ci"], "list-change-requests")
        assert isinstance(listed, list)
        by_kind = {item["kind"]: item for item in listed}
        assert sorted(by_kind) == ["pact", "provider-contract"], listed
        pact_change, contract_change = (
            str(by_kind["pact"]["id"]),
            str(by_kind["provider-contract"]["id"]),
        )
        assert "diff" not in by_kind["pact"]
        # Web's list holds its own pact change and Orders' change that affects Web's pacts.
        table = accord_ok(broker, token["web-ci"], "list-change-requests", "-a", CONSUMER)
        header, _, *rows = table.splitlines()
        assert header.split(" | ")[0].strip() == "ID" and len(rows) == 2, table
        by_id = {row.split(" ")[0]: row for row in rows}
        assert all(words in by_id[pact_change] for words in ("the pact of Web", "orders-team"))
        assert all(
            words in by_id[contract_change]
            for words in ("the provider contract of Orders", "web-team")
        )
        assert accord_ok(broker, ADMIN, "list-change-requests", "--status", "approved") == (
            "No change requests.\n"
        )

        described = accord_ok(broker, token["web-ci"], "describe-change-request", pact_change)
        assert f"Change request: {pact_change}\nStatus: open\n" in described
        assert "Change: the pact of Web with Orders\nVersions: 1.0.1\n" in described
        assert "Awaiting: team orders-team\n" in described
        assert "Requirements:\n  - " in described
        assert "Approvals: none\n" in described
        assert "a request to cancel an order" in described
        assert "\nDiff:\n" in described
        resource = accord_json(broker, token["web-ci"], "describe-change-request", pact_change)
        assert isinstance(resource, dict)
        assert isinstance(resource["diff"], str) and resource["diff"]
        assert resource["author"] == actor(broker, "web-ci")
        assert one_sentence(accord(broker, ADMIN, "describe-change-request", "999")) == (
            "Change request 999 does not exist.\n"
        )

        assert one_sentence(accord(broker, token["web-ci"], "approve-change", pact_change))
        first = accord_ok(broker, token["orders-approver"], "approve-change", pact_change)
        assert first == (
            f"Approved change request {pact_change} for orders-team (Orders): the pact of Web"
            " with Orders is approved and in effect.\n"
        )
        again = accord_json(broker, token["orders-approver"], "approve-change", pact_change)
        assert isinstance(again, dict)
        assert again["status"] == "approved"
        assert [approval["approver"] for approval in again["approvals"]] == [
            actor(broker, "orders-approver")
        ]

        blank = accord(
            broker, token["web-approver"], "reject-change", contract_change, "--reason", " "
        )
        assert "reason" in one_sentence(blank)
        rejected = accord_ok(
            broker, token["web-approver"], "reject-change", contract_change,
            "--reason", "Web cannot read the total yet",
        )  # fmt: skip
        assert rejected == (
            f"Rejected change request {contract_change} (the provider contract of Orders):"
            " Web cannot read the total yet.\n"
        )
        late = accord(broker, token["web-approver"], "approve-change", contract_change)
        assert one_sentence(late) == (
            f"Change request {contract_change} is rejected and can no longer be approved:"
            " nothing was recorded.\n"
        )
        rejected_list = accord_json(broker, ADMIN, "list-change-requests", "--status", "rejected")
        assert isinstance(rejected_list, list)
        assert [item["rejectionReason"] for item in rejected_list] == [
            "Web cannot read the total yet"
        ]
