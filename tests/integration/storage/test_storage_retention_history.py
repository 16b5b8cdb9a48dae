"""A clean of a generated history (`benchmarks/history.py`, small) on both backends leaves every
can-i-deploy answer of every deployed version as it was, and deletes what its dry run counted."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import msgspec
import pytest

from broker.domain.matrix import Target
from broker.domain.retention import Policy
from broker.services.can_i_deploy import CanIDeployService, VersionSelector
from broker.services.retention import RetentionService
from broker.storage.factory import open_storage
from broker.storage.interface import Storage

HISTORY = Path(__file__).resolve().parents[3] / "benchmarks" / "history.py"
SCALE = 0.01  # 50 pacticipants of 40 versions each: 2,000 versions


def history_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("accord_benchmark_history", HISTORY)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look themselves up there
        spec.loader.exec_module(module)
    return module


@pytest.fixture
async def generated(history_url: str) -> AsyncIterator[Storage]:
    """A storage holding the generated history."""
    url = history_url
    await history_module().build(url, SCALE)
    storage = await open_storage(url)
    try:
        yield storage
    finally:
        await storage.close()


async def answers(storage: Storage) -> dict[tuple[str, str, str], object]:
    """can-i-deploy of every deployed version, to each environment, the main branch and latest."""
    questions: list[tuple[str, str]] = []
    async with storage.transaction() as tx:
        environments = await tx.list_environments()
        for environment in environments:
            for deployed in await tx.deployed_versions(environment.uuid, currently_deployed=True):
                version = await tx.find_version_by_id(deployed.version_id)
                pacticipant = await tx.find_pacticipant_by_id(deployed.pacticipant_id)
                assert version is not None and pacticipant is not None
                questions.append((pacticipant.name, version.number))
    targets = [Target(kind="environment", name=e.name) for e in environments]
    targets += [Target(kind="main_branch"), Target(kind="latest")]
    service = CanIDeployService(storage)
    found: dict[tuple[str, str, str], object] = {}
    for name, number in dict.fromkeys(questions):
        for target in targets:
            answer = await service.ask(
                VersionSelector(pacticipant=name, version=number), target, []
            )
            found[(name, number, f"{target.kind}:{target.name}")] = msgspec.to_builtins(answer)
    return found


async def test_can_i_deploy_answers_the_same_for_every_deployed_version_after_a_clean(
    generated: Storage,
) -> None:
    before = await answers(generated)
    assert len(before) > 100
    service = RetentionService(generated, batch_size=100)
    policy = Policy(keep_latest_per_branch=2)
    dry = await service.clean(policy, dry_run=True)
    real = await service.clean(policy, dry_run=False)
    assert msgspec.to_builtins(real.by_pacticipant) == msgspec.to_builtins(dry.by_pacticipant)
    assert real.totals.versions > 500
    assert real.totals.verifications > 1000
    assert await answers(generated) == before
    again = await service.clean(policy, dry_run=True)
    assert again.totals.versions == 0  # what it keeps, it keeps
