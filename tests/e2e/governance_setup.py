"""The people and pacts of the governance end-to-end tests (issue #5).

Teams `web-team` (owns the consumer Web) and `orders-team` (owns the provider Orders); a CI
token with the write role and an approver in each team. Setup goes through the SDK as the
admin; what the tests judge goes through the `accord` command and the real Pact clients.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from clients.sdk import BrokerClient
from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import BrokerPool

ADMIN = "e2e-governance-admin-token-0123456789"
CONSUMER = "Web"
PROVIDER = "Orders"
ENVIRONMENT = "production"

# Token name -> (role, team).
PEOPLE = {
    "web-ci": ("write", "web-team"),
    "orders-ci": ("write", "orders-team"),
    "orders-approver": ("approver", "orders-team"),
    "web-approver": ("approver", "web-team"),
}

ORDER_INTERACTION: dict[str, object] = {
    "description": "a request for an order",
    "providerStates": [{"name": "order 1 exists"}],
    "request": {"method": "GET", "path": "/orders/1"},
    "response": {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"id": 1, "status": "open"},
    },
}
CANCEL_INTERACTION: dict[str, object] = {
    "description": "a request to cancel an order",
    "providerStates": [{"name": "order 1 exists"}],
    "request": {"method": "DELETE", "path": "/orders/1"},
    "response": {"status": 204},
}

_ORDER_SCHEMA = """\
      type: object
      required: [id, status]
      properties:
        id:
          type: integer
        status:
          type: string
"""

ORDERS_OPENAPI = f"""\
openapi: 3.0.3
info:
  title: Orders
  version: 1.0.0
paths:
  /orders/{{id}}:
    get:
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        "200":
          description: an order
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Order"
        "404":
          description: no such order
components:
  schemas:
    Order:
{_ORDER_SCHEMA}"""

# The response Web reads gains an optional member: Web's pact still fits, but Web is affected.
ORDERS_OPENAPI_CHANGED = ORDERS_OPENAPI.replace(
    "        status:\n          type: string\n",
    "        status:\n          type: string\n        total:\n          type: number\n",
)


@contextmanager
def secured_broker(
    brokers: BrokerPool, database_url: str | None = None, **env: str
) -> Iterator[str]:
    """The shared broker process with an admin token (and `env`) on the given backend (None:
    SQLite), its database emptied."""
    yield brokers.broker(database_url, ACCORD_ADMIN_TOKEN=ADMIN, **env).emptied()


def admin(broker: str) -> BrokerClient:
    """An SDK client with the admin token."""
    return BrokerClient(broker, token=ADMIN)


def as_person(broker: str, token: str) -> BrokerClient:
    """An SDK client with someone's token."""
    return BrokerClient(broker, token=token)


def accord(broker: str, token: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run `accord ARGV` (in this process) with `token`; its outcome."""
    return run_accord(list(argv), environment_for(broker, PACT_BROKER_TOKEN=token))


def accord_ok(broker: str, token: str, *argv: str) -> str:
    """Run a command that must succeed; its stdout."""
    done = accord(broker, token, *argv)
    assert done.returncode == 0, f"accord {' '.join(argv)}:\n{done.stdout}\n{done.stderr}"
    assert done.stderr == ""
    return done.stdout


def accord_json(broker: str, token: str, *argv: str) -> object:
    """Run a command with `--output json`; the printed JSON."""
    return json.loads(accord_ok(broker, token, *argv, "--output", "json"))


def teams_and_tokens(broker: str) -> dict[str, str]:
    """Create the pacticipants, both teams and the four tokens; each token's secret by name."""
    with admin(broker) as sdk:
        for name in (CONSUMER, PROVIDER):
            sdk.create_or_update_pacticipant(name, main_branch="main")
        sdk.create_team("web-team", [CONSUMER])
        sdk.create_team("orders-team", [PROVIDER])
        sdk.create_environment(ENVIRONMENT, production=True)
        secrets = {}
        for name, (role, team) in PEOPLE.items():
            secret = sdk.create_token(name, role=role, teams=[team]).token
            assert secret is not None
            secrets[name] = secret
    return secrets


def actor(broker: str, token_name: str) -> str:
    """How change requests and the audit log name the token called `token_name`: by its id."""
    with admin(broker) as sdk:
        [found] = [t for t in sdk.list_tokens() if t.name == token_name]
    return f"token:{found.id}"


def pact(*interactions: dict[str, object]) -> dict[str, object]:
    """A V3 pact of Web with Orders."""
    return {
        "consumer": {"name": CONSUMER},
        "provider": {"name": PROVIDER},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def write_pact(folder: Path, document: dict[str, object]) -> Path:
    """Write the pact where `pact-broker publish` reads it; the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{CONSUMER}-{PROVIDER}.json").write_text(json.dumps(document, indent=2))
    return folder


def publish_pact(broker: str, token: str, version: str, document: dict[str, object]) -> None:
    """Publish Web's pact through the SDK (for setup: the tests' own publishing is the CLI's)."""
    content = json.dumps(document).encode()
    with as_person(broker, token) as sdk:
        sdk.publish_contracts(CONSUMER, version, [(CONSUMER, PROVIDER, content)], branch="main")


def verify(broker: str, token: str, consumer_version: str, provider_version: str) -> None:
    """Post a successful verification of Web's pact at `consumer_version`, as a verifier does."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/hal+json"}
    found = httpx.get(
        f"{broker}/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/{consumer_version}",
        headers=headers,
    )
    assert found.status_code == 200, found.text
    href = found.json()["_links"]["pb:publish-verification-results"]["href"]
    posted = httpx.post(
        href,
        json={"success": True, "providerApplicationVersion": provider_version},
        headers=headers,
    )
    assert posted.status_code == 201, posted.text


def deploy(broker: str, token: str, pacticipant: str, version: str) -> None:
    """Record that the version runs in production."""
    with as_person(broker, token) as sdk:
        sdk.create_or_update_version(pacticipant, version, branch="main")
        sdk.record_deployment(pacticipant, version, ENVIRONMENT)
