"""`accord list-notifications` against a broker process, after a provider changes its document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "clients" / "fixtures"
READER = FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json"


def signup_pact(folder: Path) -> Path:
    """A pact whose only interaction creates a user (POST /users)."""
    path = folder / "Signup-ProbeProvider.json"
    path.write_text(
        json.dumps(
            {
                "consumer": {"name": "Signup"},
                "provider": {"name": "ProbeProvider"},
                "interactions": [
                    {
                        "description": "a sign-up",
                        "request": {"method": "POST", "path": "/users", "body": {"name": "Ann"}},
                        "response": {"status": 201, "body": {"id": 1, "name": "Ann"}},
                    }
                ],
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            }
        )
    )
    return path


def without_user_reads(folder: Path) -> Path:
    """The fixture document without its `/users/{id}` path."""
    text = (FIXTURES / "oas.yaml").read_text()
    path = folder / "oas-v2.yaml"
    path.write_text(text[: text.index("  /users/{id}:")] + text[text.index("  /users:") :])
    return path


def publish_contract(broker_url: str, document: Path, version: str) -> str:
    return ok(
        broker_url,
        "publish-provider-contract",
        str(document),
        "--provider",
        "ProbeProvider",
        "--provider-app-version",
        version,
        "--verification-success",
    )


def test_a_consumer_lists_the_change_that_affects_its_interaction(
    broker_url: str, tmp_path: Path
) -> None:
    ok(broker_url, "publish", str(READER), "--consumer-app-version", "1.0.0")
    ok(broker_url, "publish", str(signup_pact(tmp_path)), "--consumer-app-version", "1.0.0")
    first = publish_contract(broker_url, FIXTURES / "oas.yaml", "1")
    assert "Notified" not in first
    second = publish_contract(broker_url, without_user_reads(tmp_path), "2")
    assert "Notified 2 consumers of the change to the contract: ProbeConsumerV3, Signup" in second

    table = ok(broker_url, "list-notifications", "--pacticipant", "ProbeConsumerV3")
    header, rule, row = table.splitlines()
    assert [cell.strip() for cell in header.split(" | ")] == [
        "WHEN",
        "PROVIDER",
        "PROVIDER VERSION",
        "AFFECTED INTERACTIONS",
        "SUMMARY",
    ]
    assert set(rule) == {"-", "|"}
    cells = [cell.strip() for cell in row.split(" | ")]
    assert cells[1:4] == ["ProbeProvider", "2", "1"]
    assert "the breaking change affects 1 interaction of ProbeConsumerV3" in cells[4]

    printed = json.loads(
        ok(broker_url, "list-notifications", "--pacticipant", "ProbeConsumerV3", "-o", "json")
    )
    (reader,) = printed
    assert (reader["consumer"], reader["provider"], reader["providerVersion"]) == (
        "ProbeConsumerV3",
        "ProbeProvider",
        "2",
    )
    removed = [c for c in reader["changes"] if c["id"] == "api-path-removed-without-deprecation"]
    assert [c["interactions"] for c in removed] == [["a request for user 42"]]
    assert reader["changeRequestId"] is None

    (signup,) = json.loads(
        ok(broker_url, "list-notifications", "--pacticipant", "Signup", "--output", "json")
    )
    assert all(c["interactions"] == [] for c in signup["changes"])


def test_an_unknown_pacticipant_is_one_sentence(broker_url: str) -> None:
    answer = accord(broker_url, "list-notifications", "--pacticipant", "Nobody")
    assert answer.returncode == 1
    assert answer.stdout == ""
    assert answer.stderr == "Pacticipant Nobody does not exist.\n"
