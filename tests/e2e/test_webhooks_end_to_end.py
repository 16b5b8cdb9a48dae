"""The standard set-up of a team moving from the Pact Broker, with real clients end to end.

A webhook created by the real `pact-broker create-webhook` calls a receiver on 127.0.0.1 with
`contract_content_changed` after a real `pact-broker publish`, its template variables filled,
and with `provider_verification_failed` after the real Rust verifier publishes a failed result.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.e2e.conftest import running_broker
from tests.e2e.pact_clients import SCENARIOS, ensure_installed, run_cli
from tests.support.delivery_receiver import ReceivedCall, ThreadedReceiver

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

DELIVERING = {
    "ACCORD_WEBHOOK_DELIVERY": "true",
    "ACCORD_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "ACCORD_WEBHOOK_SCHEMES": "http,https",
    "ACCORD_WEBHOOK_POLL_INTERVAL": "0.2",
}
PACT = SCENARIOS / "fixtures" / "pacts" / "ProbeConsumerV3-ProbeProvider.json"
CONSUMER, PROVIDER = "ProbeConsumerV3", "ProbeProvider"
BODY = {
    "event": "${pactbroker.eventName}",
    "consumer": "${pactbroker.consumerName}",
    "provider": "${pactbroker.providerName}",
    "consumerVersion": "${pactbroker.consumerVersionNumber}",
    "consumerBranch": "${pactbroker.consumerVersionBranch}",
    "providerVersion": "${pactbroker.providerVersionNumber}",
    "providerBranch": "${pactbroker.providerVersionBranch}",
    "github": "${pactbroker.githubVerificationStatus}",
    "pactUrl": "${pactbroker.pactUrl}",
    "resultUrl": "${pactbroker.verificationResultUrl}",
}


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database only this test's broker serves (no other broker's worker claims its work)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'accord.db'}"
    url: str = request.getfixturevalue("empty_postgres_database_url")
    return url


class _Failing(BaseHTTPRequestHandler):
    """A provider that answers every request with a 500: every interaction fails."""

    def _fail(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _fail

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def failing_provider() -> Iterator[int]:
    """The port of a provider that fails every interaction."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _of(event: str) -> Callable[[list[ReceivedCall]], bool]:
    def arrived(calls: list[ReceivedCall]) -> bool:
        return any(call.headers.get("x-accord-event") == event for call in calls)

    return arrived


def _body(calls: list[ReceivedCall], event: str) -> dict[str, str]:
    [call] = [c for c in calls if c.headers.get("x-accord-event") == event]
    decoded: dict[str, str] = json.loads(call.body)
    return decoded


@pytest.mark.parametrize("flavour", ["rust", "ruby"])
def test_a_cli_made_webhook_hears_of_a_changed_pact_and_a_failed_verification(
    flavour: str, database_url: str, tmp_path: Path, failing_provider: int
) -> None:
    clients = ensure_installed()
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    shutil.copy(PACT, pacts / PACT.name)
    with (
        ThreadedReceiver() as receiver,
        running_broker(database_url, tmp_path, **DELIVERING) as broker,
    ):
        # The team's applications exist already (the Ruby CLI posts to the pair's path, 404
        # without them).
        for name in (CONSUMER, PROVIDER):
            made = run_cli(flavour, broker, "create-or-update-pacticipant", "--name", name)
            assert made.returncode == 0, made.stdout + made.stderr
        created = run_cli(
            flavour,
            broker,
            "create-webhook",
            f"{receiver.url}/build",
            "--request",
            "POST",
            "--header",
            "Content-Type: application/json",
            "--data",
            json.dumps(BODY),
            "--consumer",
            CONSUMER,
            "--provider",
            PROVIDER,
            "--contract-content-changed",
            "--provider-verification-failed",
            "--description",
            "Trigger the provider build",
        )
        assert created.returncode == 0, created.stdout + created.stderr

        published = run_cli(
            flavour,
            broker,
            "publish",
            str(pacts),
            "--consumer-app-version",
            "1.0.0",
            "--branch",
            "main",
        )
        assert published.returncode == 0, published.stdout + published.stderr
        calls = receiver.wait_until(_of("contract_content_changed"))
        changed = _body(calls, "contract_content_changed")
        assert changed["consumer"] == CONSUMER
        assert changed["provider"] == PROVIDER
        assert changed["consumerVersion"] == "1.0.0"
        assert changed["consumerBranch"] == "main"
        assert changed["github"] == "pending"
        # The pact URL the webhook hands to a provider build serves the pact.
        pact = httpx.get(changed["pactUrl"])
        assert pact.status_code == 200
        assert pact.json()["consumer"]["name"] == CONSUMER

        verifier = subprocess.run(
            [
                str(clients / "rust" / "node_modules" / ".bin" / "pact-verifier"),
                "--broker-url",
                broker,
                "--provider-name",
                PROVIDER,
                "--hostname",
                "127.0.0.1",
                "--port",
                str(failing_provider),
                "--consumer-version-selectors",
                '{"mainBranch": true}',
                "--publish",
                "--provider-version",
                "2.0.0",
                "--provider-branch",
                "main",
                "--no-colour",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert verifier.returncode != 0, "the provider fails every interaction"
        calls = receiver.wait_until(_of("provider_verification_failed"))
        failed = _body(calls, "provider_verification_failed")
        assert failed["consumerVersion"] == "1.0.0"
        assert failed["providerVersion"] == "2.0.0"
        assert failed["providerBranch"] == "main"
        assert failed["github"] == "failure"
        result = httpx.get(failed["resultUrl"])
        assert result.status_code == 200
        assert result.json()["success"] is False
        # Only the events the webhook listens to were delivered.
        assert {c.headers.get("x-accord-event") for c in receiver.calls} == {
            "contract_content_changed",
            "provider_verification_failed",
        }
