"""`accord diff-spec --provider P`: whom a spec change breaks, from the pacts in a broker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "clients" / "fixtures"


def revised(tmp_path: Path, old: str, new: str) -> Path:
    text = (FIXTURES / "oas.yaml").read_text()
    assert old in text
    path = tmp_path / "revision.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_a_breaking_change_is_judged_by_the_consumers_pacts_in_the_broker(
    broker_url: str, tmp_path: Path
) -> None:
    pact = FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json"
    ok(broker_url, "publish", str(pact), "--consumer-app-version", "1.0.0")
    base = str(FIXTURES / "oas.yaml")
    # The consumer reads GET /users/{id}: dropping it breaks that consumer.
    dropped = revised(tmp_path, "  /users/{id}:\n    get:", "  /people/{id}:\n    get:")
    broken = accord(
        broker_url,
        "diff-spec",
        base,
        str(dropped),
        "--provider",
        "ProbeProvider",
        "--output",
        "json",
    )
    assert broken.returncode == 1, broken.stderr
    changes = json.loads(broken.stdout)
    touched = [c for c in changes if c["level"] == "ERR" and c["consumers"]]
    assert touched and touched[0]["consumers"] == ["ProbeConsumerV3"]
    # An operation no pact calls: removing it is breaking in general, for nobody here.
    admin = (
        'paths:\n  /admin/stats:\n    get:\n      responses:\n        "200":\n'
        "          description: statistics\n"
    )
    with_admin = revised(tmp_path, "paths:\n", admin)
    base_with_admin = tmp_path / "base.yaml"
    with_admin.rename(base_with_admin)
    spared = accord(
        broker_url, "diff-spec", str(base_with_admin), base, "--provider", "ProbeProvider"
    )
    assert spared.returncode == 0, spared.stdout + spared.stderr
    assert "breaks no consumer's pact" in spared.stdout
    alone = accord(broker_url, "diff-spec", str(base_with_admin), base)
    assert alone.returncode == 1, alone.stdout
