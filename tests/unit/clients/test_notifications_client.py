"""`list_notifications` (SDK) and `accord list-notifications` against a broker double."""

from __future__ import annotations

import json

import pytest

from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, main
from clients.sdk import BrokerClient, NotFoundError
from tests.unit.clients.conftest import BASE, StubBroker, hal

LIST = "GET /pacticipants/My%20Web/notifications"


def notification(number: int, *interactions: str) -> dict[str, object]:
    return {
        "id": number,
        "consumer": "My Web",
        "provider": "Users",
        "providerVersion": f"{number}.0.0",
        "createdAt": f"2026-01-0{number}T03:04:05+00:00",
        "summary": f"Version {number}.0.0 of Users changed its OpenAPI document.",
        "changes": [
            {
                "id": "api-path-removed-without-deprecation",
                "level": "ERR",
                "operation": "GET /users/{id}",
                "location": "paths./users/{id}.get",
                "text": "The operation was removed.",
                "interactions": list(interactions),
            },
            {
                "id": "response-property-removed",
                "level": "WARN",
                "operation": "GET /users/{id}",
                "location": "paths./users/{id}.get.responses.200",
                "text": "A property was removed.",
                "interactions": list(interactions[:1]),
            },
        ],
        "changeRequestId": None,
        "_links": {"pb:provider": {"href": f"{BASE}/pacticipants/Users", "name": "Users"}},
    }


def page(*items: dict[str, object], following: str | None = None) -> dict[str, object]:
    links: dict[str, object] = {"self": {"href": f"{BASE}/pacticipants/My%20Web/notifications"}}
    if following is not None:
        links["next"] = {"href": following}
    return {"_embedded": {"notifications": list(items)}, "_links": links}


def run(stub: StubBroker, *argv: str) -> int:
    return main([*argv, "--broker-base-url", BASE], transport=stub.transport)


def test_the_sdk_reads_every_page_newest_first(stub: StubBroker) -> None:
    following = f"{BASE}/pacticipants/My%20Web/notifications?page=2&size=1"
    stub.on(f"{LIST}?size=1", hal(page(notification(2, "a", "b"), following=following)))
    stub.on(f"{LIST}?page=2&size=1", hal(page(notification(1))))

    found = BrokerClient(BASE, transport=stub.transport).list_notifications("My Web", page_size=1)

    assert [n.provider_version for n in found] == ["2.0.0", "1.0.0"]
    assert found[0].changes[0].interactions == ["a", "b"]
    assert found[0].affected_interactions == ["a", "b"]
    assert found[1].affected_interactions == []


def test_the_sdk_names_an_unknown_pacticipant(stub: StubBroker) -> None:
    with pytest.raises(NotFoundError, match=r"^Pacticipant My Web does not exist\.$"):
        BrokerClient(BASE, transport=stub.transport).list_notifications("My Web")


def test_the_table_has_a_row_per_notification(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(f"{LIST}?size=100", hal(page(notification(2, "a", "b"), notification(1))))

    assert run(stub, "list-notifications", "--pacticipant", "My Web") == EXIT_OK

    assert capsys.readouterr().out.splitlines() == [
        "WHEN                      | PROVIDER | PROVIDER VERSION | AFFECTED INTERACTIONS | SUMMARY",
        "--------------------------|----------|------------------|-----------------------|"
        + "-" * len(" Version 2.0.0 of Users changed its OpenAPI document."),
        "2026-01-02T03:04:05+00:00 | Users    | 2.0.0            | 2                     |"
        " Version 2.0.0 of Users changed its OpenAPI document.",
        "2026-01-01T03:04:05+00:00 | Users    | 1.0.0            | 0                     |"
        " Version 1.0.0 of Users changed its OpenAPI document.",
    ]


def test_json_is_the_notifications_as_the_broker_serves_them(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    served = notification(1, "a")
    stub.on(f"{LIST}?size=100", hal(page(served)))

    assert run(stub, "list-notifications", "--pacticipant", "My Web", "--output", "json") == 0

    assert json.loads(capsys.readouterr().out) == [served]


def test_an_unknown_pacticipant_is_one_sentence_and_exit_1(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(stub, "list-notifications", "--pacticipant", "My Web") == EXIT_FAILURE

    assert capsys.readouterr() == ("", "Pacticipant My Web does not exist.\n")
