"""Pacts that pact-python 4.2 wrote (V2, V3, V4), verified against the shared ProbeProvider.

pact-python's own verifier passes them against that provider and fails them with
PROVIDER_BUG=1 (`reference/real-clients.md` §3.6); Accord must give the same verdicts.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from verifier import PactFile, Provider, Verifier

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("ACCORD_SHARED_DIR", REPO.parent / "shared"))
CLIENTS = SHARED / "clients"
PACTS = CLIENTS / "fixtures" / "pacts"


def probe_provider() -> ModuleType:
    spec = importlib.util.spec_from_file_location("probe_provider", CLIENTS / "probe_provider.py")
    if spec is None or spec.loader is None:
        pytest.fail(f"the shared ProbeProvider is missing: {CLIENTS}", pytrace=False)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def probe_url() -> Iterator[str]:
    server = probe_provider().start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def provider(url: str) -> Provider:
    return Provider(
        name="ProbeProvider", base_url=url, state_change_url=f"{url}/_pact/provider_states"
    )


async def test_pact_python_pacts_of_every_version_pass(probe_url: str) -> None:
    result = await Verifier(provider(probe_url)).verify([PactFile(PACTS)])
    assert sorted(pact.consumer for pact in result.pacts) == [
        "ProbeConsumerV2",
        "ProbeConsumerV3",
        "ProbeConsumerV4",
    ]
    assert result.is_success
    assert {item.status for pact in result.pacts for item in pact.interactions} == {"passed"}


async def test_the_seeded_bug_fails_every_version_on_the_name(
    probe_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROVIDER_BUG", "1")
    result = await Verifier(provider(probe_url)).verify([PactFile(PACTS)])
    assert not result.is_success
    for pact in result.pacts:
        failed = [item for item in pact.interactions if item.status == "failed"]
        assert [item.description for item in failed] == ["a request for user 42"]
        assert [finding.description for finding in failed[0].findings] == [
            '$.body.name: expected a value of type string (like "Ada") but got 1234'
        ]
