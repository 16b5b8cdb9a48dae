"""The real `pact-broker publish` (Rust and Ruby, new and old API) against Accord."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.pact_clients import SCENARIOS, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.pact_clients]

FIXTURES = SCENARIOS / "fixtures" / "pacts"
FLAVOURS = ["rust", "ruby"]


def without_ids(document: Any) -> Any:
    """The document minus what the broker adds (`_id`, `_links`, `createdAt`)."""
    if isinstance(document, dict):
        return {
            k: without_ids(v)
            for k, v in document.items()
            if k not in {"_id", "_links", "createdAt", "updatedAt"}
        }
    if isinstance(document, list):
        return [without_ids(v) for v in document]
    return document


def assert_published(broker: str, version: str = "1.0.0") -> None:
    for path in sorted(FIXTURES.glob("*.json")):
        expected = json.loads(path.read_text())
        consumer, provider = expected["consumer"]["name"], expected["provider"]["name"]
        response = httpx.get(
            f"{broker}/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
        )
        assert response.status_code == 200, (path.name, response.text)
        served = response.json()
        assert without_ids(served["interactions"]) == without_ids(expected["interactions"])
        assert served["consumer"] == expected["consumer"]
        assert all("_id" in i for i in served["interactions"])


def _ok(result: Any) -> None:
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_publishing_the_fixture_pacts_then_reading_them_back(
    flavour: str, broker_url_each_backend: str
) -> None:
    _ok(run_scenario("cli_publish.sh", broker_url_each_backend, flavour))
    assert_published(broker_url_each_backend)
    version = httpx.get(
        f"{broker_url_each_backend}/pacticipants/ProbeConsumerV4/versions/1.0.0"
    ).json()
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_publishing_the_same_folder_twice_succeeds(flavour: str, broker_url: str) -> None:
    _ok(run_scenario("cli_publish.sh", broker_url, flavour))
    again = run_scenario("cli_publish.sh", broker_url, flavour)
    _ok(again)
    if flavour == "ruby":
        assert "no content changes" in again.stdout + again.stderr
    assert_published(broker_url)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_changed_content_under_the_same_version_fails_with_the_reason(
    flavour: str, broker_url: str, tmp_path: Path
) -> None:
    _ok(run_scenario("cli_publish.sh", broker_url, flavour))
    changed = tmp_path / "pacts"
    shutil.copytree(FIXTURES, changed)
    target = changed / "ProbeConsumerV4-ProbeProvider.json"
    document = json.loads(target.read_text())
    document["interactions"][0]["description"] += " (changed)"
    target.write_text(json.dumps(document))

    result = run_scenario("cli_publish.sh", broker_url, flavour, PACT_DIR=str(changed))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Cannot change the content of the pact for ProbeConsumerV4 version 1.0.0" in output
    assert_published(broker_url)  # the stored pacts are untouched


def test_ruby_old_publish_api(broker_url_each_backend: str) -> None:
    result = run_scenario(
        "cli_publish.sh",
        broker_url_each_backend,
        "ruby",
        PACT_BROKER_FEATURES="publish_pacts_using_old_api",
    )
    _ok(result)
    assert (
        "/pacts/provider/ProbeProvider/consumer/ProbeConsumerV4/latest"
        in result.stdout + result.stderr
    )
    assert_published(broker_url_each_backend)
