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


def _line_naming(output: str, name: str) -> str:
    lines = [line for line in output.splitlines() if name in line]
    assert len(lines) == 1, f"no single row for {name}:\n{output}"
    return lines[0]


@pytest.mark.parametrize("flavour", ["rust", "ruby"])
def test_list_pacticipants_prints_each_pacticipant(
    flavour: str, broker_url_each_backend: str
) -> None:
    """The Rust CLI reads the top-level `pacticipants` array: without it, an empty table."""
    broker = broker_url_each_backend
    _ok(
        run_cli(
            flavour,
            broker,
            "create-or-update-pacticipant",
            "--name",
            "Orders",
            "--display-name",
            "Order service",
        )
    )
    _ok(run_cli(flavour, broker, "create-or-update-pacticipant", "--name", "Billing"))
    listed = run_cli(flavour, broker, "list-pacticipants")
    _ok(listed)
    assert "Order service" in _line_naming(listed.stdout, "Orders")
    _line_naming(listed.stdout, "Billing")
