"""The Pact compatibility suite's scenarios (V1-V3 HTTP), each a parametrised test.

The features live in the repository root's sibling `shared/corpora/pact-compatibility-suite`
(override the `shared` folder with ACCORD_SHARED_DIR) and are read by our own Gherkin reader
(`tests/conformance/gherkin.py`); `tests/conformance/compatibility.py` runs their steps against
the matching engine, the verifier (on a real provider on 127.0.0.1) and the request generators.
Scenarios that need what Accord does not ship are skipped with the reason; the ones where we
deliberately give another answer than the Rust implementation are strict xfails, with why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conformance import (
    compatibility_messages,
    compatibility_provider,
    compatibility_steps,
)
from tests.conformance.compatibility import STEPS, Unsupported, World
from tests.conformance.gherkin import Feature, Scenario, read_feature
from verifier.matching import Spec

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared"
)
SUITE = SHARED / "corpora" / "pact-compatibility-suite"
SPECS: dict[str, Spec] = {"V1": "1", "V2": "2", "V3": "3"}
# Importing them registers their steps.
STEP_MODULES = (compatibility_steps, compatibility_provider, compatibility_messages)

CONSUMER_ONLY = (
    "a consumer test: it needs a mock server and a pact-writing DSL, which Accord does not ship "
    "(Accord verifies providers; consumers record pacts with their Pact library)"
)

WORK_IN_PROGRESS = (
    "tagged @wip in the suite: the Pact implementations do not run it yet (Kafka schema "
    "registry framing is not part of the V3 message specification)"
)

# Scenarios where Accord's verifier answers otherwise, on purpose or for now; each says why.
DIFFERENT: dict[str, str] = {}


def scenarios() -> list[object]:
    found: list[object] = []
    for path in sorted(SUITE.glob("features/V*/*.feature")):
        feature = read_feature(path)
        name = path.relative_to(SUITE / "features").as_posix()
        for scenario in feature.scenarios:
            case = f"{name}::{scenario.name}"
            marks: list[pytest.MarkDecorator] = []
            # message_consumer.feature is a consumer test too, though the suite does not tag it.
            if "@consumer" in feature.tags or path.stem.endswith("_consumer"):
                marks.append(pytest.mark.skip(reason=CONSUMER_ONLY))
            elif "@wip" in scenario.tags:
                marks.append(pytest.mark.skip(reason=WORK_IN_PROGRESS))
            if case in DIFFERENT:
                marks.append(pytest.mark.xfail(reason=DIFFERENT[case], strict=True))
            found.append(pytest.param(feature, scenario, id=case, marks=marks))
    return found


SCENARIOS = scenarios()


def test_the_suite_is_all_there() -> None:
    assert len(SCENARIOS) == 145, f"expected 145 scenarios under {SUITE}"


@pytest.mark.parametrize(("feature", "scenario"), SCENARIOS)
def test_compatibility_scenario(feature: Feature, scenario: Scenario, tmp_path: Path) -> None:
    spec = SPECS[feature.path.parent.name]
    with World(spec, SUITE / "fixtures", tmp_path) as world:
        for step in scenario.steps:
            try:
                world.run(step)
            except Unsupported as missing:
                pytest.skip(f"{step.keyword} {step.text}: {missing}")


def test_trust_22_every_message_provider_scenario_has_its_steps() -> None:
    """The 17 message provider scenarios not tagged @wip run: none lacks a step (issue 12)."""
    feature = read_feature(SUITE / "features" / "V3" / "message_provider.feature")
    runnable = [scenario for scenario in feature.scenarios if "@wip" not in scenario.tags]
    assert len(runnable) == 17
    missing = [
        f"{scenario.name}: {given.text}"
        for scenario in runnable
        for given in scenario.steps
        if not any(pattern.match(given.text) for pattern, _ in STEPS)
    ]
    assert missing == []
