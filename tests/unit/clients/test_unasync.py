"""`BrokerClient` is generated from `AsyncBrokerClient` (`scripts/unasync.py`): the committed
sync client is what the script writes, and both clients offer the same calls."""

from __future__ import annotations

import difflib
import inspect
import subprocess
import sys
from pathlib import Path

from clients.sdk import AsyncBrokerClient, BrokerClient

REPO = Path(__file__).resolve().parents[3]
SYNC = REPO / "clients" / "sdk" / "_client.py"


def test_the_committed_sync_client_is_the_one_generated_from_the_async_client(
    tmp_path: Path,
) -> None:
    generated = tmp_path / "_client.py"

    subprocess.run(
        [sys.executable, "scripts/unasync.py", "--output", str(generated)],
        cwd=REPO,
        check=True,
        timeout=120,
    )

    diff = "\n".join(
        difflib.unified_diff(
            SYNC.read_text().splitlines(),
            generated.read_text().splitlines(),
            "clients/sdk/_client.py (committed)",
            "generated from clients/sdk/_async_client.py",
            lineterm="",
        )
    )
    assert not diff, f"Run `python scripts/unasync.py` and commit the sync client:\n{diff}"


def calls_of(client: type) -> dict[str, inspect.Signature]:
    renamed = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}
    special = {"__init__", "__enter__", "__exit__", "__aenter__", "__aexit__"}
    return {
        renamed.get(name, name): inspect.signature(member)
        for name, member in inspect.getmembers(client, inspect.isfunction)
        if not name.startswith("_") or name in special
    }


def test_both_clients_offer_the_same_calls_with_the_same_parameters() -> None:
    sync, async_ = calls_of(BrokerClient), calls_of(AsyncBrokerClient)

    assert sorted(sync) == sorted(async_)
    differing = [name for name in sync if sync[name].parameters != async_[name].parameters]
    assert differing == ["__init__"]  # only the transport's type differs
    assert inspect.iscoroutinefunction(AsyncBrokerClient.get_matrix)
    assert not inspect.iscoroutinefunction(BrokerClient.get_matrix)
