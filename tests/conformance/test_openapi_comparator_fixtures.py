"""The 17 openapi-pact-comparator fixtures: each pact against its spec gives exactly the results.

The fixtures live in the repository root's sibling `shared/corpora/openapi-pact-comparator`
(override the `shared` folder with ACCORD_SHARED_DIR), copied from pactflow's comparator (MIT,
`LICENSE` there) and read in place. Each directory holds `oas.yaml`, `pact.json` and
`results.json`, the exact list the comparator yields. Messages are the comparator's own words
and ours differ; everything else about a result must be the same, in the same order.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from verifier.comparison import compare, load_spec

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared"
)
CORPUS = SHARED / "corpora" / "openapi-pact-comparator" / "fixtures" / "oas"
CASES = sorted(path for path in CORPUS.iterdir() if path.is_dir()) if CORPUS.is_dir() else []


def identity(result: dict[str, Any]) -> tuple[Any, ...]:
    """What must match exactly: code, type, both locations, the interaction and the operation."""
    mock, spec = result["mockDetails"], result["specDetails"]
    return (
        result["code"],
        result["type"],
        mock["location"],
        mock.get("interactionDescription"),
        spec["location"],
        spec.get("pathMethod"),
        spec.get("pathName"),
    )


def test_the_corpus_is_all_there() -> None:
    assert len(CASES) == 17, f"expected 17 fixtures under {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_comparator_fixture(case: Path) -> None:
    spec = load_spec((case / "oas.yaml").read_bytes())
    expected = json.loads((case / "results.json").read_text())
    got = [finding.to_json() for finding in compare(spec, (case / "pact.json").read_bytes())]
    assert [identity(result) for result in got] == [identity(result) for result in expected]


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_comparator_fixture_values(case: Path) -> None:
    """The pact values each result shows, and whether it shows one at all, are the comparator's."""
    spec = load_spec((case / "oas.yaml").read_bytes())
    expected = json.loads((case / "results.json").read_text())
    got = [finding.to_json() for finding in compare(spec, (case / "pact.json").read_bytes())]
    for ours, theirs in zip(got, expected, strict=True):
        assert ours["mockDetails"].keys() == theirs["mockDetails"].keys()
        assert ours["mockDetails"].get("value") == theirs["mockDetails"].get("value")
        assert ours["mockDetails"]["interactionState"] == theirs["mockDetails"]["interactionState"]
        assert ours["message"]
