"""Every case of the Pact specification's matching suite (V1, V1.1, V2, V3), as the oracle.

The cases live in the repository root's sibling `shared/corpora/pact-specification` (override
the `shared` folder with ACCORD_SHARED_DIR); each file holds `match`, `comment`, `expected` and
`actual`, and the folder names give the spec version and the part (request or response).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from verifier.matching import Spec, match_request, match_response

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared"
)
CORPUS = SHARED / "corpora" / "pact-specification"
SPECS: dict[str, Spec] = {"v1": "1", "v1.1": "1.1", "v2": "2", "v3": "3"}

# Cases whose verdict we deliberately do not reach; each reason says why. None today.
DISPUTED: dict[str, str] = {}


def cases() -> list[object]:
    found: list[object] = []
    for path in sorted(CORPUS.glob("*/*/*/*.json")):
        name = path.relative_to(CORPUS).as_posix()
        marks = []
        if name in DISPUTED:
            marks.append(pytest.mark.xfail(reason=DISPUTED[name], strict=True))
        found.append(pytest.param(path, id=name, marks=marks))
    return found


CASES = cases()


def test_the_corpus_is_all_there() -> None:
    assert len(CASES) == 546, f"expected 546 cases under {CORPUS}"


@pytest.mark.parametrize("path", CASES)
def test_specification_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8-sig"))
    version, part = path.relative_to(CORPUS).parts[:2]
    match = match_request if part == "request" else match_response
    mismatches = match(case["expected"], case["actual"], spec=SPECS[version])
    assert bool(mismatches) != case["match"], (
        f"{case['comment']}: got {[m.description for m in mismatches]}"
    )
