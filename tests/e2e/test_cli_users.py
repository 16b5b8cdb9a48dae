"""`accord` user and team commands, run as processes, against a broker with an admin token."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import BrokerPool

pytestmark = pytest.mark.e2e

ADMIN = "admin-secret-for-user-commands"
PASSWORD = "correct horse battery"


@pytest.fixture
def broker(brokers: BrokerPool) -> str:
    return brokers.broker(ACCORD_ADMIN_TOKEN=ADMIN).emptied()


def accord(
    broker: str, *argv: str, stdin: str = "", user: tuple[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `accord ARGV` with the admin token (or as `user`), `stdin` piped in."""
    environment = environment_for(broker)
    if user is None:
        environment["PACT_BROKER_TOKEN"] = ADMIN
    else:
        environment["PACT_BROKER_USERNAME"], environment["PACT_BROKER_PASSWORD"] = user
    return run_accord(list(argv), environment, stdin)


def ok(broker: str, *argv: str, **options: object) -> str:
    done = accord(broker, *argv, **options)  # type: ignore[arg-type]
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    return done.stdout


def test_trust_17_the_user_commands_from_create_to_delete(broker: str, tmp_path: Path) -> None:
    created = json.loads(
        ok(broker, "create-user", "ann", "--role", "write", "--team", "web", "-o", "json",
           stdin=PASSWORD + "\n")
    )  # fmt: skip
    assert (created["username"], created["role"], created["teams"]) == ("ann", "write", ["web"])
    assert PASSWORD not in json.dumps(created)
    assert not [key for key in created if "password" in key.lower()]
    secret = tmp_path / "bob.txt"
    secret.write_text("bob's long password\n")
    ok(broker, "create-user", "bob", "--role", "read", "--password-file", str(secret))
    ok(broker, "create-team", "web", "--pacticipant", "Web")

    listed = ok(broker, "list-users").splitlines()
    assert [cell.strip() for cell in listed[0].split(" | ")][:4] == [
        "USERNAME", "ROLE", "TEAMS", "DISABLED",
    ]  # fmt: skip
    assert [line.split(" | ")[0].strip() for line in listed[2:]] == ["ann", "bob"]
    assert ok(broker, "list-teams").splitlines()[2].startswith("web  | Web")
    assert ok(broker, "list-pacticipants", user=("bob", "bob's long password"))

    assert ok(broker, "disable-user", "bob") == (
        "Disabled user bob: the broker refuses its credentials.\n"
    )
    refused = accord(broker, "list-pacticipants", user=("bob", "bob's long password"))
    assert refused.returncode == 1
    assert "disabled" in refused.stderr
    ok(broker, "enable-user", "bob")

    # Ann changes her own password, read from stdin; the old one stops working.
    assert (
        ok(broker, "change-password", stdin="a brand new password\n", user=("ann", PASSWORD))
        == "Changed the password of ann.\n"
    )
    assert accord(broker, "list-pacticipants", user=("ann", PASSWORD)).returncode == 1
    assert ok(broker, "list-pacticipants", user=("ann", "a brand new password"))
    others = accord(
        broker, "change-password", "bob", stdin="a brand new password\n",
        user=("ann", "a brand new password"),
    )  # fmt: skip
    assert others.returncode == 1
    assert len(others.stderr.strip().splitlines()) == 1

    assert ok(broker, "delete-user", "bob") == "Deleted user bob.\n"
    assert [line.split(" | ")[0].strip() for line in ok(broker, "list-users").splitlines()[2:]] == [
        "ann"
    ]
    missing = accord(broker, "delete-user", "bob")
    assert missing.returncode == 1
    assert "bob" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_trust_17_a_password_is_never_taken_from_a_flag_value(broker: str) -> None:
    """There is no `--password VALUE`: `ps` would show it. Nothing piped is refused too."""
    flagged = accord(broker, "create-user", "cy", "--role", "read", "--password", PASSWORD)
    assert flagged.returncode == 2
    assert "stdin" in flagged.stderr
    assert PASSWORD not in flagged.stdout + flagged.stderr
    empty = accord(broker, "create-user", "cy", "--role", "read", stdin="")
    assert empty.returncode == 1
    assert empty.stderr.startswith("No password given")
    assert "cy" not in ok(broker, "list-users")
