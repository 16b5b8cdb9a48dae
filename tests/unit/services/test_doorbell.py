"""The doorbell between event writers and delivery workers."""

from __future__ import annotations

import asyncio

from broker.services.doorbell import Doorbell


async def test_a_ring_wakes_a_waiting_worker_and_is_consumed() -> None:
    bell = Doorbell()
    waiting = asyncio.create_task(bell.wait(timeout=60))
    await asyncio.sleep(0)
    bell.ring()
    assert await waiting is True
    assert await bell.wait(timeout=0) is False


async def test_a_ring_before_the_wait_is_not_lost() -> None:
    bell = Doorbell()
    bell.ring()
    assert await bell.wait(timeout=0) is True
