"""A doorbell between the services that write webhook events and the workers that deliver them.

A service rings it after a transaction that stored deliveries commits; a worker waiting for
work wakes at once instead of at its next poll. Ringing is only a hint: the outbox table is
the truth, and workers poll it anyway (another broker may have written the deliveries).
"""

from __future__ import annotations

import asyncio
import contextlib


class Doorbell:
    """Wakes the workers of this process when deliveries may be due."""

    def __init__(self) -> None:
        self._rung = asyncio.Event()

    def ring(self) -> None:
        """Say that deliveries may be due now."""
        self._rung.set()

    async def wait(self, timeout: float) -> bool:
        """Wait until rung or until `timeout` seconds pass; whether it was rung. Resets it."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._rung.wait()
        rung = self._rung.is_set()
        self._rung.clear()
        return rung
