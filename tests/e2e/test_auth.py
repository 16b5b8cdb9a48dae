"""Authentication with a real broker process: the real `pact-broker` CLIs with tokens and basic
auth, the `accord` token commands, and the refusal to serve a network without credentials."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import BrokerPool, free_port, running_broker
from tests.e2e.pact_clients import run_cli

pytestmark = [pytest.mark.e2e]

ADMIN = "e2e-admin-token-0123456789"
FLAVOURS = ["rust", "ruby"]


@pytest.fixture
def secured_broker(brokers: BrokerPool, backend_database_url: str | None) -> str:
    """A broker process with `ACCORD_ADMIN_TOKEN`, on each backend, its database emptied."""
    return brokers.broker(backend_database_url, ACCORD_ADMIN_TOKEN=ADMIN).emptied()


def accord(broker_url: str, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_accord(list(argv), environment_for(broker_url, **env))


def _environments(broker: str, token: str) -> list[str]:
    listed = httpx.get(f"{broker}/environments", headers={"Authorization": f"Bearer {token}"})
    return [e["name"] for e in listed.json()["_embedded"]["environments"]]


@pytest.mark.pact_clients
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_pact_broker_cli_works_with_a_token_and_fails_clearly_without(
    flavour: str, secured_broker: str
) -> None:
    args = ("create-environment", "--name", f"staging-{flavour}")
    refused = run_cli(flavour, secured_broker, *args)
    assert refused.returncode != 0
    assert "requires authentication" in refused.stdout + refused.stderr, refused

    done = run_cli(flavour, secured_broker, *args, PACT_BROKER_TOKEN=ADMIN)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert f"staging-{flavour}" in _environments(secured_broker, ADMIN)


@pytest.mark.pact_clients
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_pact_broker_cli_works_with_basic_auth(flavour: str, secured_broker: str) -> None:
    user = {"username": "ci", "password": "long enough", "role": "admin", "teams": []}
    created = httpx.post(
        f"{secured_broker}/admin/users", json=user, headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert created.status_code == 201
    args = ("create-environment", "--name", f"basic-{flavour}")
    wrong = run_cli(
        flavour, secured_broker, *args, PACT_BROKER_USERNAME="ci", PACT_BROKER_PASSWORD="wrong"
    )
    assert wrong.returncode != 0
    done = run_cli(
        flavour,
        secured_broker,
        *args,
        PACT_BROKER_USERNAME="ci",
        PACT_BROKER_PASSWORD="long enough",
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert f"basic-{flavour}" in _environments(secured_broker, ADMIN)


def test_accord_creates_lists_and_revokes_tokens(secured_broker: str) -> None:
    created = accord(
        secured_broker,
        "create-token",
        "--name",
        "ci",
        "--role",
        "read",
        "--team",
        "web",
        "--output",
        "json",
        PACT_BROKER_TOKEN=ADMIN,
    )
    assert created.returncode == 0, created.stderr
    token = httpx.Response(200, content=created.stdout).json()
    assert token["token"] and token["role"] == "read" and token["teams"] == ["web"]
    assert _environments(secured_broker, token["token"]) == []

    listed = accord(secured_broker, "list-tokens", PACT_BROKER_TOKEN=ADMIN)
    assert listed.returncode == 0, listed.stderr
    assert "ci" in listed.stdout
    assert token["token"] not in listed.stdout

    refused = accord(secured_broker, "list-tokens", PACT_BROKER_TOKEN=token["token"])
    assert refused.returncode != 0
    assert "admin" in refused.stderr

    revoked = accord(secured_broker, "revoke-token", str(token["id"]), PACT_BROKER_TOKEN=ADMIN)
    assert revoked.returncode == 0, revoked.stderr
    after = httpx.get(
        f"{secured_broker}/environments", headers={"Authorization": f"Bearer {token['token']}"}
    )
    assert after.status_code == 401


def test_create_token_takes_a_lifetime_and_names_itself(secured_broker: str) -> None:
    created = accord(
        secured_broker,
        "create-token",
        "--team",
        "web",
        "--role",
        "write",
        "--expires-in",
        "30d",
        "--output",
        "json",
        PACT_BROKER_TOKEN=ADMIN,
    )
    assert created.returncode == 0, created.stderr
    token = httpx.Response(200, content=created.stdout).json()
    assert token["name"] == "write-web"
    expires = datetime.fromisoformat(token["expiresAt"])
    left = expires - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30), left

    bad = accord(
        secured_broker,
        "create-token",
        "--role",
        "read",
        "--expires-in",
        "soon",
        PACT_BROKER_TOKEN=ADMIN,
    )
    assert bad.returncode != 0
    assert "is not a duration" in bad.stderr
    assert "Traceback" not in bad.stderr

    revoked = accord(
        secured_broker,
        "revoke-token",
        str(token["id"]),
        "--output",
        "json",
        PACT_BROKER_TOKEN=ADMIN,
    )
    assert revoked.returncode == 0, revoked.stderr
    shown = httpx.Response(200, content=revoked.stdout).json()
    assert (shown["id"], shown["name"]) == (token["id"], "write-web")
    assert shown["revokedAt"] is not None


def test_a_broker_without_credentials_refuses_a_network_address(
    tmp_path: Path, sqlite_database_url: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "broker", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")},
            "ACCORD_DATABASE_URL": sqlite_database_url,
        },
    )
    assert result.returncode == 1
    assert "refusing to listen on 0.0.0.0 without authentication" in result.stderr
    assert "ACCORD_ALLOW_ANONYMOUS=true" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_open_broker_warns_at_start(tmp_path: Path, sqlite_database_url: str) -> None:
    with running_broker(sqlite_database_url, tmp_path) as url:
        assert httpx.get(f"{url}/environments").status_code == 200
    logs = "".join(p.read_text() for p in tmp_path.glob("broker-*.log"))
    assert "No credentials are configured" in logs
