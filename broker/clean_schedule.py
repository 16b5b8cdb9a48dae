"""`ACCORD_CLEAN_SCHEDULE`: `accord broker clean` inside the broker, every interval.

Each broker process with a schedule runs one `CleanSchedule` (started by `app.py`). When the
interval has passed it asks the storage for the `accord.retention.clean` lock without waiting:
on PostgreSQL an advisory lock held by a transaction open for the run, so of several replicas
one cleans and the others skip this turn; on SQLite the lock is the process's own. The run is
the command's, with the flags of `ACCORD_CLEAN_OPTIONS`, as the actor `schedule:clean`, sealed
with the audit key; its counts go to the log and to its audit entry. A failed run is logged and
the next turn comes as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from broker.clean_command import parse_options, policy_from
from broker.services.actor import Actor, current_actor
from broker.services.audit import audit_key
from broker.services.clock import Clock, system_clock
from broker.services.retention import CleanReport, RetentionService
from broker.settings import Settings
from broker.storage.interface import Storage

LOCK = "accord.retention.clean"
ACTOR = Actor(name="schedule:clean")
log = logging.getLogger("broker.retention")


class CleanSchedule:
    """Cleans every `settings.clean_schedule` seconds until stopped."""

    def __init__(self, storage: Storage, settings: Settings, clock: Clock = system_clock) -> None:
        assert settings.clean_schedule is not None, "only made when a schedule is set"
        self._storage = storage
        self._interval = settings.clean_schedule
        self._args = parse_options(settings.clean_options)  # checked with the settings
        self._key = settings.audit_key.encode() if settings.audit_key else None
        self._clock = clock
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Wait an interval, clean, and again, until `stop`."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)
            if self._stopping.is_set():
                return
            try:
                await self.run_once()
            except Exception:
                log.exception("The scheduled clean failed; the next one is in %g s", self._interval)

    async def run_once(self) -> CleanReport | None:
        """Clean now if no other broker is cleaning; the report, or None when skipped."""
        async with self._storage.exclusive(LOCK) as mine:
            if not mine:
                log.info("Another broker is cleaning; this one skips its turn")
                return None
            actor, key = current_actor.set(ACTOR), audit_key.set(self._key)
            try:
                service = RetentionService(
                    self._storage, self._clock, batch_size=self._args.batch_size
                )
                policy = policy_from(self._args, self._clock)
                report = await service.clean(policy, dry_run=self._args.dry_run)
            finally:
                audit_key.reset(key)
                current_actor.reset(actor)
        log.info("Scheduled clean: %s", report.summary())
        return report

    def stop(self) -> None:
        """Start no further clean (one in progress ends at its next batch's cancellation)."""
        self._stopping.set()


@contextlib.asynccontextmanager
async def cleaning_on_schedule(storage: Storage, settings: Settings) -> AsyncIterator[None]:
    """Run the schedule while the block runs, if one is set; cancel a clean in progress at exit."""
    if settings.clean_schedule is None:
        yield
        return
    schedule = CleanSchedule(storage, settings)
    running = asyncio.create_task(schedule.run(), name="clean-schedule")
    try:
        yield
    finally:
        schedule.stop()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
