"""The worker pool: tasks run in other processes, and one over its budget has its process killed."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator

import pytest

from broker.services.work import WorkFailedError, WorkTimeoutError
from broker.workers import WorkerPool


@pytest.fixture
async def pool() -> AsyncIterator[WorkerPool]:
    workers = WorkerPool(1, budget=1.0)
    await workers.start()
    try:
        yield workers
    finally:
        await workers.close()


async def test_a_task_runs_in_another_process(pool: WorkerPool) -> None:
    assert await pool.run(divmod, 7, 2) == (3, 1)
    assert await pool.run(os.getpid) != os.getpid()


async def test_trust_08_a_task_over_its_budget_is_stopped_and_its_worker_replaced(
    pool: WorkerPool,
) -> None:
    first = await pool.run(os.getpid)
    with pytest.raises(WorkTimeoutError, match=r"took too long \(over 1 s\)"):
        await pool.run(time.sleep, 3600)
    replacement = await pool.run(os.getpid)
    assert replacement != first
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)  # the process that ran over is gone, not left computing


async def test_a_task_that_raises_is_a_work_failure_and_the_worker_stays(pool: WorkerPool) -> None:
    first = await pool.run(os.getpid)
    with pytest.raises(WorkFailedError, match="ValueError"):
        await pool.run(int, "not a number")
    assert await pool.run(os.getpid) == first


def test_large_tasks_and_answers_cross_the_pipe_on_uvloop_as_the_server_runs() -> None:
    """`accord broker serve` runs on uvloop, which leaves a file it watched non-blocking: a
    5 MB pact's answer then stopped half-way with EAGAIN (a 500 on every large publication)."""
    uvloop = pytest.importorskip("uvloop")

    async def main() -> tuple[int, int]:
        workers = WorkerPool(1, budget=30.0)
        await workers.start()
        try:
            sent = b"x" * 8_000_000
            first = await workers.run(len, sent)
            echoed = await workers.run(bytes, sent)  # a large answer, read back whole
            return first, len(echoed)
        finally:
            await workers.close()

    assert uvloop.run(main()) == (8_000_000, 8_000_000)
