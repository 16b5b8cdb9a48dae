"""`accord publish` and `accord list-latest-pact-versions`, run as processes, against the broker.

The pacts are the shared fixtures the real Pact clients publish too (V2, V3 and V4, one
consumer each, all for ProbeProvider).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.pact_clients import SHARED
from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e

PACTS = SHARED / "clients" / "fixtures" / "pacts"
CONSUMERS = ("ProbeConsumerV2", "ProbeConsumerV3", "ProbeConsumerV4")


def interactions(document: dict[str, object]) -> list[object]:
    """The interactions of a pact, less the `_id` the broker adds to each (§5.3)."""
    found = document["interactions"]
    assert isinstance(found, list)
    return [{k: v for k, v in item.items() if k != "_id"} for item in found]


def test_the_shared_pacts_are_published_and_read_back_unchanged(broker_url: str) -> None:
    printed = ok(broker_url, "publish", str(PACTS), "--consumer-app-version", "1.0.0",
                 "--branch", "main", "--tag", "dev")  # fmt: skip

    for consumer in CONSUMERS:
        assert (
            f"Pact successfully published for {consumer} version 1.0.0 and provider ProbeProvider"
            in printed
        )
    assert "\033[" not in printed
    for consumer in CONSUMERS:
        served = httpx.get(
            f"{broker_url}/pacts/provider/ProbeProvider/consumer/{consumer}/version/1.0.0",
            headers={"Accept": "application/hal+json"},
        )
        assert served.status_code == 200, served.text
        written = json.loads((PACTS / f"{consumer}-ProbeProvider.json").read_bytes())
        assert interactions(served.json()) == interactions(written)
        assert served.json()["consumer"] == {"name": consumer}


def test_publishing_the_same_folder_twice_succeeds(broker_url: str) -> None:
    ok(broker_url, "publish", str(PACTS), "-a", "1.0.0", "--branch", "main")

    again = ok(broker_url, "publish", str(PACTS), "-a", "1.0.0", "--branch", "main")

    assert again.count("ProbeProvider") >= len(CONSUMERS)


def test_changed_content_under_the_same_version_is_refused_with_the_broker_reason(
    broker_url: str, tmp_path: Path
) -> None:
    original = PACTS / "ProbeConsumerV3-ProbeProvider.json"
    ok(broker_url, "publish", str(original), "-a", "1.0.0")
    document = json.loads(original.read_bytes())
    document["interactions"][0]["response"]["status"] = 202
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))

    refused = accord(broker_url, "publish", str(changed), "-a", "1.0.0")

    assert refused.returncode == 1
    assert refused.stdout == ""
    reason = refused.stderr.splitlines()[0]
    assert "ProbeConsumerV3" in reason
    assert "1.0.0" in reason
    assert reason.endswith(".")
    assert "Traceback" not in refused.stderr


def test_list_latest_pact_versions_shows_each_published_pact(broker_url: str) -> None:
    ok(broker_url, "publish", str(PACTS), "-a", "1.0.0")
    ok(broker_url, "publish", str(PACTS / "ProbeConsumerV4-ProbeProvider.json"), "-a", "2.0.0")

    listed = ok(broker_url, "list-latest-pact-versions").splitlines()

    assert listed[0].split(" | ") == ["CONSUMER       ", "C.VERSION", "PROVIDER     ", "CREATED AT"]
    rows = sorted(tuple(cell.strip() for cell in line.split("|"))[:3] for line in listed[2:])
    assert rows == [
        ("ProbeConsumerV2", "1.0.0", "ProbeProvider"),
        ("ProbeConsumerV3", "1.0.0", "ProbeProvider"),
        ("ProbeConsumerV4", "2.0.0", "ProbeProvider"),
    ]
    as_json = json.loads(ok(broker_url, "list-latest-pact-versions", "--output", "json"))
    assert len(as_json["pacts"]) == len(CONSUMERS)
