"""The real CLIs' list commands show what Accord holds (#14 item 6)."""

from __future__ import annotations

import subprocess

import pytest

from tests.e2e.pact_clients import run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{result.args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def test_rust_list_pacticipants_prints_each_pacticipant(broker_url_each_backend: str) -> None:
    broker = broker_url_each_backend
    _ok(
        run_cli(
            "rust",
            broker,
            "create-or-update-pacticipant",
            "--name",
            "Orders",
            "--display-name",
            "Order service",
        )
    )
    _ok(run_cli("rust", broker, "create-or-update-pacticipant", "--name", "Billing"))
    listed = run_cli("rust", broker, "list-pacticipants")
    _ok(listed)
    rows = [line for line in listed.stdout.splitlines() if '"' in line]
    assert len(rows) == 2, listed.stdout
    assert '"Billing"' in rows[0]
    assert '"Orders"' in rows[1] and '"Order service"' in rows[1]
