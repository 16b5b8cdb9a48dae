"""The real CLIs' webhook commands work against Accord, on both backends (#14 item 1).

Each command must exit 0 and its effect must be visible through the API: `create-webhook`
(with and without `--consumer`/`--provider`, a JSON body, a header, basic-auth credentials),
`create-or-update-webhook --uuid` (created, then updated) and the Rust `delete-webhook`. The
broker lets webhooks reach 127.0.0.1 over http, as a receiver in a test would listen.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import BrokerPool
from tests.e2e.pact_clients import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

FLAVOURS = ["rust", "ruby"]
HOOK = "http://127.0.0.1:9/build"
SECRET_HEADER = "Authorization: Bearer never-shown-again"
MASK = "**********"


@pytest.fixture
def broker(brokers: BrokerPool, backend_database_url: str | None) -> str:
    """A broker on each backend whose webhooks may call http://127.0.0.1, emptied."""
    return brokers.broker(
        backend_database_url,
        ACCORD_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
        ACCORD_WEBHOOK_SCHEMES="http,https",
    ).emptied()


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{result.args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def _pacticipants(flavour: str, broker: str) -> None:
    for name in ("Web", "Orders"):
        _ok(run_cli(flavour, broker, "create-or-update-pacticipant", "--name", name))


def _listed(broker: str) -> list[dict[str, Any]]:
    """Every webhook, read back one by one through `pb:webhooks`."""
    listing = httpx.get(f"{broker}/webhooks").json()
    return [httpx.get(link["href"]).json() for link in listing["_links"]["pb:webhooks"]]


def _options(*sides: str) -> list[str]:
    names = {"consumer": "Web", "provider": "Orders"}
    return [option for side in sides for option in (f"--{side}", names[side])]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_create_webhook_for_a_consumer_and_a_provider(flavour: str, broker: str) -> None:
    _pacticipants(flavour, broker)
    created = run_cli(
        flavour,
        broker,
        "create-webhook",
        HOOK,
        "-X",
        "POST",
        "-H",
        SECRET_HEADER,
        "-d",
        '{"pact": "${pactbroker.pactUrl}"}',
        "--user",
        "ci:pa55word",
        *_options("consumer", "provider"),
        "--description",
        "Build Orders",
        "--contract-content-changed",
        "--provider-verification-failed",
    )
    _ok(created)
    if flavour == "ruby":
        assert 'Webhook "Build Orders" created' in created.stdout
    assert "never-shown-again" not in created.stdout + created.stderr
    assert "pa55word" not in created.stdout + created.stderr
    [shown] = _listed(broker)
    assert shown["description"] == "Build Orders"
    assert shown["consumer"] == {"name": "Web"}
    assert shown["provider"] == {"name": "Orders"}
    assert [event["name"] for event in shown["events"]] == [
        "contract_content_changed",
        "provider_verification_failed",
    ]
    request = shown["request"]
    assert request["url"] == HOOK
    assert request["method"] == "POST"
    assert request["headers"] == {"Authorization": MASK}
    assert request["username"] == "ci"
    assert request["password"] == MASK
    assert request["body"] == {"pact": "${pactbroker.pactUrl}"}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "sides", [("provider",), ("consumer",), ()], ids=["provider", "consumer", "none"]
)
def test_create_webhook_for_one_side_or_none(
    flavour: str, sides: tuple[str, ...], broker: str
) -> None:
    _pacticipants(flavour, broker)
    created = run_cli(
        flavour,
        broker,
        "create-webhook",
        HOOK,
        "-X",
        "POST",
        "-d",
        "<build/>",
        *_options(*sides),
        "--contract-published",
    )
    _ok(created)
    [shown] = _listed(broker)
    for side, name in (("consumer", "Web"), ("provider", "Orders")):
        if side in sides:
            assert shown[side] == {"name": name}
        else:
            assert side not in shown
    assert shown["events"] == [{"name": "contract_published"}]
    assert shown["request"]["body"] == "<build/>"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_create_or_update_webhook_creates_then_updates(flavour: str, broker: str) -> None:
    _pacticipants(flavour, broker)
    uuid = f"{flavour}-webhook-uuid-0001"

    def create_or_update(description: str) -> subprocess.CompletedProcess[str]:
        return run_cli(
            flavour,
            broker,
            "create-or-update-webhook",
            HOOK,
            "--uuid",
            uuid,
            "-X",
            "POST",
            "-H",
            SECRET_HEADER,
            "--user",
            "ci:pa55word",
            *_options("consumer", "provider"),
            "--description",
            description,
            "--contract-content-changed",
        )

    first = create_or_update("First")
    _ok(first)
    second = create_or_update("Second")
    _ok(second)
    if flavour == "ruby":
        assert 'Webhook "First" created' in first.stdout
        assert 'Webhook "Second" updated' in second.stdout
    response = httpx.get(f"{broker}/webhooks/{uuid}")
    assert response.status_code == 200, response.text
    assert response.json()["description"] == "Second"
    assert [w["uuid"] for w in _listed(broker)] == [uuid]


def test_rust_delete_webhook_deletes_it(broker: str) -> None:
    _pacticipants("rust", broker)
    uuid = "rust-webhook-to-delete-01"
    body = {"request": {"method": "POST", "url": HOOK}, "consumer": {"name": "Web"}}
    put = httpx.put(
        f"{broker}/webhooks/{uuid}",
        content=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    assert put.status_code == 201, put.text
    deleted = run_cli("rust", broker, "delete-webhook", "--uuid", uuid)
    _ok(deleted)
    assert "successfully deleted" in deleted.stdout
    assert httpx.get(f"{broker}/webhooks/{uuid}").status_code == 404
    assert _listed(broker) == []
